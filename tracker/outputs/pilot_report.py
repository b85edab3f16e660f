"""试点建设进展情况报告 (.docx): a pilot's half-year progress report, in the official layout
of the other reports (:mod:`tracker.outputs.docx_layout`, GB/T 9704; layout numbers from
``resources/outputs/report.json``, wording from ``resources/outputs/pilot_report.json``).

一、总体进展: the pilot body's own text, then the figures — the plan's tasks by their
consolidated state and the completion rate, the projects by stage and their investment —
taken from :func:`tracker.services.pilot_overview.overview` for this one pilot, so the
report and the DRC's overview always agree. 二、重点任务推进情况: each task of the pilot's
plan with its state and its lead's reported progress (:func:`tracker.outputs.rows.
load_ledger`, the ledger's reading). 三、重大项目建设情况: the projects by stage in a table
with their investment, then each project's note for the period. 四、政策机制创新: the body's
text. 五、经验做法与典型案例: the records chosen into the report (of this period, or of no
period). 六、存在的问题: the body's text, then the tasks behind and those not reported.
七、下一步工作计划: the body's text, then each task's next steps. Signed by the pilot body.

Who may export: whoever may see the pilot — its body, the city DRC of its region, a
coordinator (:mod:`tracker.services.pilot_access`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from docx.document import Document as DocxDocument

from tracker.db import Database
from tracker.errors import NotFound
from tracker.models import Pilot
from tracker.outputs import docx_layout as gw
from tracker.outputs.common import (
    CancelCheck,
    ExportResult,
    Job,
    Progress,
    atomic_file,
    bare_area_title,
    chinese_number,
    layout,
    output_path,
)
from tracker.outputs.rows import LedgerRow, by_area, load_ledger, select_periods
from tracker.services import experience, inputs, pilot_overview, pilot_review, projects
from tracker.services.actor import Actor
from tracker.services.pilot_terms import terms
from tracker.services.task_state import NOT_SUBMITTED


def _words() -> dict[str, Any]:
    return layout("pilot_report")


def _page() -> dict[str, Any]:
    """The layout numbers (page, fonts, sizes): the same as the other reports'."""
    return layout("report")


@dataclass
class PilotReportData:
    """Everything the report shows of one pilot in one period."""

    code: str
    year: int
    half: int
    pilot: dict[str, Any]  # the overview's entry of the pilot (figures, report, evaluation)
    addressee: str  # the supervising DRC, named in full (示例市发展改革委)
    statuses: list[str]  # the task states in display order
    completed_status: str
    sections: dict[str, str]  # the body's texts: overall, innovation, problems, next_steps
    tasks: list[LedgerRow]
    projects: list[dict[str, Any]]
    experience: list[dict[str, Any]]

    @property
    def as_of(self) -> str:
        """The end of the period in words: 2025年6月底 / 2025年底."""
        return str(_words()["as_of"][str(self.half)].format(year=self.year))

    @property
    def period_title(self) -> str:
        """2025年上半年 / 2025年度."""
        return str(_words()["period_titles"][str(self.half)].format(year=self.year))


def load_report_data(
    db: Database, actor: Actor, pilot: int | str, period: str, *, today: dt.date | None = None
) -> PilotReportData:
    """Read what the report of ``pilot`` for ``period`` shows; :class:`PermissionDenied`
    unless ``actor`` may see the pilot."""
    code = inputs.period(period)
    figures = pilot_overview.overview(db, actor, code, pilot=pilot, today=today)
    entry = figures["pilots"][0]
    written = pilot_review.get_pilot_report(db, actor, entry["id"], code, today=today)
    chosen = experience.list_experience(db, actor, pilot=entry["id"], chosen=True)
    return PilotReportData(
        code=code,
        year=int(code[:4]),
        half=int(code[-1]),
        pilot=entry,
        addressee=_supervisor(db, entry["id"]),
        statuses=figures["statuses"],
        completed_status=figures["completed_status"],
        sections={key: s["text"] for key, s in written["sections"].items()},
        tasks=_tasks(db, actor, entry["plan_id"], code, today),
        projects=projects.list_projects(db, actor, pilot=entry["id"], period=code),
        experience=[r for r in chosen if r["period"] in (code, None)],
    )


def _supervisor(db: Database, pilot_id: int) -> str:
    """The pilot's supervising office as the report's addressee: a 市发展改革委 written with
    its city (示例市发展改革委); a name that already says its place (宁东经发局) as it is."""
    with db.reader() as session:
        pilot = session.get(Pilot, pilot_id)
        assert pilot is not None
        unit, region = pilot.supervisor.name, pilot.supervisor.region.name
    level = region[-1:]
    if level and unit.startswith(level) and not unit.startswith(region):
        return region + unit[1:]
    return unit


def _tasks(
    db: Database, actor: Actor, plan_id: int | None, code: str, today: dt.date | None
) -> list[LedgerRow]:
    """The tasks of the pilot's plan in the period (none without a plan or such a period)."""
    if plan_id is None:
        return []
    with db.reader() as session:
        try:
            periods = select_periods(session, plan_id, code)
        except NotFound:
            return []
        return load_ledger(session, actor, plan_id, periods, today=today).rows


def export_pilot_report(
    db: Database,
    actor: Actor,
    pilot: int | str,
    output: str | Path,
    *,
    period: str,
    to: str | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> ExportResult:
    """Write the 试点建设进展情况报告 of ``pilot`` for ``period`` to ``output`` (.docx),
    atomically. ``to`` is the addressee (default: the pilot's supervising DRC), ``today``
    the date signed. A pilot body exports its own pilot's, a city DRC those of its region,
    a coordinator any; ``progress``/``cancelled`` as for the other exports."""
    path = output_path(output, ".docx", "试点建设进展情况报告")
    job = Job(progress, cancelled)
    job.total = len(_SECTION_WRITERS) + 3
    job.step(0)
    data = load_report_data(db, actor, pilot, period, today=today)
    job.step(1)
    document = build_report(
        data, actor, today or dt.date.today(), to=to, step=lambda n: job.step(1 + n)
    )
    with atomic_file(path) as temporary:
        document.save(str(temporary))
        job.step(job.total)
    counts = {
        "tasks": len(data.tasks),
        "projects": len(data.projects),
        "experience": len(data.experience),
    }
    return ExportResult(path, (path,), counts)


def title_of(data: PilotReportData) -> str:
    """The report's title on one line (示例市绿谷工业园区2025年上半年碳达峰试点建设进展情况报告)."""
    return "".join(_title_lines(data))


def _title_lines(data: PilotReportData) -> list[str]:
    title = _words()["title"].format(pilot=data.pilot["name"], period_title=data.period_title)
    return gw.title_lines(_page(), title)


def build_report(
    data: PilotReportData,
    actor: Actor,
    signed: dt.date,
    *,
    to: str | None = None,
    step: Callable[[int], None] = lambda _done: None,
) -> DocxDocument:
    """The report as a python-docx document in memory."""
    words, spec = _words(), _page()
    document = gw.new_document(spec, title=title_of(data), author=actor.name)
    body = gw.Body(document)
    opening = words["opening"].format(pilot=data.pilot["name"], period_title=data.period_title)
    addressee = words["addressee"].format(to=to or data.addressee)
    gw.front(body, _title_lines(data), addressee, opening)
    gw.numbered_sections(
        body,
        [
            (words["sections"][key], functools.partial(write, body, data))
            for key, write in _SECTION_WRITERS.items()
        ],
        step,
    )
    date = words["date_format"].format(year=signed.year, month=signed.month, day=signed.day)
    gw.closing(body, spec, data.pilot["name"], date)
    body.flush()
    return document


def _own_text(body: gw.Body, data: PilotReportData, key: str, *, fallback: bool = True) -> bool:
    """The pilot body's text of a section; whether there was any (else, with ``fallback``,
    the note that it was not written)."""
    text = data.sections.get(key, "").strip()
    if text:
        body.add(text)
    elif fallback:
        body.add(_words()["not_written"])
    return bool(text)


# ---------------------------------------------------------------- 一、总体进展


def money(value: Decimal | None) -> str:
    """An amount in 万元 as the report writes it (1250.5, 300; 0 for none)."""
    return inputs.amount_text(value if value is not None else Decimal(0))


def _counts_text(counts: dict[str, int], item: str, key: str) -> str:
    return "、".join(item.format(**{key: s, "count": n}) for s, n in counts.items() if n)


def _overall(body: gw.Body, data: PilotReportData) -> None:
    words, entry = _words(), data.pilot
    _own_text(body, data, "overall", fallback=False)
    template = words["pilot_dated"] if entry["approved_on"] else words["pilot_undated"]
    approved = dt.date.fromisoformat(entry["approved_on"]) if entry["approved_on"] else None
    body.add(
        template.format(
            pilot=entry["name"],
            type=entry["type_label"],
            status=entry["status_label"],
            approved=words["date_format"].format(
                year=approved.year, month=approved.month, day=approved.day
            )
            if approved
            else "",
        )
    )
    tasks = entry["tasks"]
    if tasks["total"]:
        body.add(
            words["tasks_figures"].format(
                total=tasks["total"],
                as_of=data.as_of,
                counts=_counts_text(tasks["by_state"], words["count_item"], "status"),
                completed=data.completed_status,
                rate=f"{tasks['rate']:.1%}",
            )
        )
    else:
        body.add(words["tasks_figures_none"])
    body.add(_projects_figures(data))


def _projects_figures(data: PilotReportData) -> str:
    words, figures = _words(), data.pilot["projects"]
    if not figures["count"]:
        return str(words["projects_figures_none"])
    return str(
        words["projects_figures"].format(
            count=figures["count"],
            stages=_counts_text(figures["by_stage"], words["stage_item"], "stage"),
            total=money(figures["total_investment"]),
            year=data.year,
            planned=money(figures["year_planned"]),
            completed=money(figures["year_completed"]),
            to_date=money(figures["completed_to_date"]),
            reduction=money(figures["reduction"]),
        )
    )


# ---------------------------------------------------------------- 二、重点任务推进情况


def _task_progress(body: gw.Body, data: PilotReportData) -> None:
    words = _words()
    if not data.tasks:
        body.add(words["tasks_none"])
        return
    groups = by_area(data.tasks)
    number = 0
    for index, (area, rows) in enumerate(groups, 1):
        if len(groups) > 1:
            body.add(f"（{chinese_number(index)}）{bare_area_title(area)}", gw.HEADING2)
            counts = {s: sum(1 for r in rows if r.entries[-1].state == s) for s in data.statuses}
            body.add(
                words["area_summary"].format(
                    count=len(rows), counts=_counts_text(counts, words["count_item"], "status")
                )
            )
        for row in rows:
            number += 1
            entry = row.entries[-1]
            values = {"number": number, "measure": row.measure, "state": entry.state}
            if entry.progress:
                body.add([(words["task_item"].format(**values), False), (entry.progress, False)])
            else:
                body.add(words["task_not_reported"].format(**values))


# ---------------------------------------------------------------- 三、重大项目建设情况


def _by_stage(data: PilotReportData) -> list[tuple[str, list[dict[str, Any]]]]:
    """The projects grouped by stage, in the order of the stages."""
    return [
        (name, [p for p in data.projects if p["stage_label"] == name])
        for name in terms().stages.names
        if any(p["stage_label"] == name for p in data.projects)
    ]


def _projects(body: gw.Body, data: PilotReportData) -> None:
    words = _words()
    if not data.projects:
        body.add(words["projects_none"])
        return
    groups = _by_stage(data)
    stages = "、".join(
        words["stage_phrase"].format(stage=name, count=len(rows)) for name, rows in groups
    )
    body.add(
        words["projects_summary"].format(as_of=data.as_of, count=len(data.projects), stages=stages)
    )
    title = words["project_table_title"].format(pilot=data.pilot["name"], as_of=data.as_of)
    body.add(title, gw.TABLE_HEADER)
    body.add_block(_project_table(data, groups))
    body.add("", gw.PLAIN)
    ordered = [p for _stage, rows in groups for p in rows]  # the table's order and numbers
    notes = [(n, p) for n, p in enumerate(ordered, 1) if (p.get("period_note") or "").strip()]
    if notes:
        body.add(words["project_notes_intro"])
        for number, project in notes:
            body.add(
                words["project_note_item"].format(
                    number=number, name=project["name"], note=project["period_note"].strip()
                )
            )


def _project_table(data: PilotReportData, groups: list[tuple[str, list[dict[str, Any]]]]) -> Any:
    words, spec = _words(), _page()
    columns = words["project_columns"]
    total_width = gw.text_width_twips(spec, landscape=False)
    shares = sum(c["share"] for c in columns)
    widths = [int(total_width * c["share"] / shares) for c in columns]
    headers = [c["header"].format(year=data.year) for c in columns]
    rows: list[list[gw.TableCell]] = []
    sums = [Decimal(0)] * 4
    seq = 0
    for stage, projects_at in groups:
        for index, project in enumerate(projects_at):
            seq += 1
            amounts = (project["total_investment"], *projects.year_amounts(project, data.year))
            sums = [a + (b or Decimal(0)) for a, b in zip(sums, amounts, strict=True)]
            cells = {
                "stage": gw.TableCell(((stage, False),), "restart" if index == 0 else "continue"),
                "seq": _cell(str(seq)),
                "name": gw.TableCell(((project["name"], False), (_reached(project), False))),
                "owner": _cell(project["owner"]),
                **{k: _cell(money(v)) for k, v in zip(_MONEY_KEYS, amounts, strict=True)},
            }
            rows.append([cells[c["key"]] for c in columns])
    total = {"stage": _cell(words["project_total"]), "seq": _cell(""), "name": _cell("")}
    total |= {"owner": _cell("")} | {
        k: _cell(money(v)) for k, v in zip(_MONEY_KEYS, sums, strict=True)
    }
    rows.append([total[c["key"]] for c in columns])
    return gw.table(widths, headers, rows)


_MONEY_KEYS = ("total", "planned", "completed", "to_date")


def _cell(text: str) -> gw.TableCell:
    return gw.TableCell(((text, False),))


def _reached(project: dict[str, Any]) -> str:
    """When the project reached its stage: （2025-06-30达效）; nothing at 谋划."""
    day = project["stage_dates"].get(project["stage_label"])
    if not day:
        return ""
    return str(_words()["project_stage_reached"].format(date=day, stage=project["stage_label"]))


# ---------------------------------------------------------------- 四、政策机制创新


def _innovation(body: gw.Body, data: PilotReportData) -> None:
    _own_text(body, data, "innovation")


# ---------------------------------------------------------------- 五、经验做法与典型案例


def _experience(body: gw.Body, data: PilotReportData) -> None:
    words = _words()
    if not data.experience:
        body.add(words["experience_none"])
        return
    kinds = terms().experience_kinds
    counts = {
        kinds.name(key): sum(1 for r in data.experience if r["kind"] == key) for key in kinds.keys
    }
    body.add(
        words["experience_summary"].format(
            counts=_counts_text(counts, words["experience_count"], "kind")
        )
    )
    for number, record in enumerate(data.experience, 1):
        heading = words["experience_heading"].format(
            number=chinese_number(number), title=record["title"], kind=record["kind_label"]
        )
        body.add(heading, gw.HEADING2)
        for text in (record["summary"], record["body"]):
            if text.strip():
                body.add(text.strip())
        if record["promoted"]:
            body.add(words["experience_promoted"].format(kind=record["kind_label"]))


# ---------------------------------------------------------------- 六、存在的问题


def _problems(body: gw.Body, data: PilotReportData) -> None:
    words = _words()
    _own_text(body, data, "problems", fallback=False)
    behind_states = list(layout("report")["behind_states"])
    behind = [r for r in data.tasks if r.entries[-1].state in behind_states]
    unreported = [r for r in data.tasks if r.entries[-1].state == NOT_SUBMITTED]
    named = "或".join(behind_states)
    if behind:
        body.add(words["behind_intro"].format(count=len(behind), states=named))
        for number, row in enumerate(behind, 1):
            body.add(
                words["behind_item"].format(
                    number=number, measure=row.measure, state=row.entries[-1].state
                )
            )
    if unreported:
        tasks = "、".join(r.measure for r in unreported)
        body.add(words["unreported_line"].format(count=len(unreported), tasks=tasks))
    if data.tasks and not behind and not unreported:
        body.add(words["tasks_on_track"].format(states=named))
    if not data.tasks and not data.sections.get("problems", "").strip():
        body.add(words["not_written"])


# ---------------------------------------------------------------- 七、下一步工作计划


def _next_steps(body: gw.Body, data: PilotReportData) -> None:
    words = _words()
    wrote = _own_text(body, data, "next_steps", fallback=False)
    planned = [r for r in data.tasks if r.entries[-1].next_steps]
    if planned:
        body.add(words["next_tasks_intro"])
        for number, row in enumerate(planned, 1):
            body.add(
                words["next_item"].format(
                    number=number, measure=row.measure, text=row.entries[-1].next_steps
                )
            )
    elif not wrote:
        body.add(words["not_written"])


# The sections in their order: key of the heading in the wording → its writer.
_SECTION_WRITERS: dict[str, Callable[[gw.Body, PilotReportData], None]] = {
    "overall": _overall,
    "tasks": _task_progress,
    "projects": _projects,
    "innovation": _innovation,
    "experience": _experience,
    "problems": _problems,
    "next": _next_steps,
}

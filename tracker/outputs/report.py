"""半年 / 年度工作进展情况报告 (.docx) of a plan for a period, in the GB/T 9704 layout of
:mod:`tracker.outputs.docx_layout`.

Sections: 一、总体进展 (the figures of :func:`tracker.services.monitoring.summary`: tasks by
consolidated state, completion rate, reports in), 二、分领域推进情况 (per area: its counts
and each task's reported progress), 三、目标完成情况 (targets against reported actual
values), 四、存在的问题 (tasks behind, tasks not reported, the problems units reported),
五、下一步工作安排 (the units' next steps), then 附件 on a new landscape page: the ledger
as a table whose header row repeats on every page. Wording: ``resources/outputs/report.json``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from docx.document import Document as DocxDocument

from tracker.db import Database
from tracker.errors import InvalidInput
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
    safe_file_name,
)
from tracker.outputs.rows import LedgerData, LedgerRow, by_area, load_ledger, select_periods
from tracker.perf import collector_paused
from tracker.services import monitoring, task_state
from tracker.services.access import resolve_plan_id
from tracker.services.actor import Actor

KINDS = ("half-year", "annual")
HEADING1, HEADING2 = gw.HEADING1, gw.HEADING2


def _spec() -> dict[str, Any]:
    return layout("report")


def kind_for(period_code: str) -> str:
    """The report kind a period calls for: H1 → half-year, H2 (the whole year) → annual."""
    return "half-year" if period_code.endswith("H1") else "annual"


def default_file_name(plan_title: str, year: int, kind: str) -> str:
    """The name a report is offered under — its title on one line:
    示例市碳达峰实施方案2026年上半年工作进展情况报告.docx."""
    if kind not in KINDS:
        raise InvalidInput(f"报告类型“{kind}”无效：应为 half-year（半年）或 annual（年度）。")
    spec = _spec()
    title = spec["kinds"][kind]["title"].format(plan=plan_title, year=year).replace("|", "")
    return safe_file_name(spec["file_name"].format(title=title))


def default_issuer() -> str:
    """The signing office a report carries unless another is given."""
    return str(_spec()["issuer"])


def export_report(
    db: Database,
    actor: Actor,
    output: str | Path,
    *,
    period: str,
    plan_id: int | None = None,
    kind: str | None = None,
    to: str | None = None,
    issuer: str | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> ExportResult:
    """Write the 半年 (H1) or 年度 (H2) 工作进展情况报告 of a plan for ``period`` to
    ``output`` (.docx), atomically (coordinator only). ``to`` is the addressee (主送机关),
    ``issuer`` the signing office (default from the layout), ``today`` the date signed."""
    actor.require_coordinator("导出工作进展情况报告")
    path = Path(output)
    if path.suffix.lower() != ".docx":
        raise InvalidInput(f"工作进展情况报告应保存为 .docx 文件：“{path.name}”。")
    job = Job(progress, cancelled)
    job.step(0)
    with db.reader() as session:
        resolved = resolve_plan_id(session, plan_id)
        periods = select_periods(session, resolved, period)
        chosen = kind or kind_for(periods[0].code)
        _check_kind(chosen, periods[0].code, periods[0].name)
        data = load_ledger(session, actor, resolved, periods, today=today)
    figures = monitoring.summary(db, actor, data.period.code, plan_id=resolved)
    job.total = len(data.rows) + 10
    with collector_paused():
        document = build_report(
            data,
            figures,
            chosen,
            actor,
            today or dt.date.today(),
            to=to,
            issuer=issuer,
            step=job.step,
        )
        job.step(job.total - 1)
        with atomic_file(path) as temporary:
            document.save(str(temporary))
            job.step(job.total)
    return ExportResult(
        path, (path,), {"tasks": len(data.rows), "targets": len(figures["targets"])}
    )


def _check_kind(kind: str, code: str, name: str) -> None:
    if kind not in KINDS:
        raise InvalidInput(f"报告类型“{kind}”无效：应为 half-year（半年）或 annual（年度）。")
    if kind != kind_for(code):
        wanted = "上半年（如 2025H1）" if kind == "half-year" else "全年（如 2025H2）"
        label = _spec()["kinds"][kind]["label"]
        raise InvalidInput(f"{label}报告应选{wanted}报告期，而“{name}”（{code}）不是。")


def title_lines(data: LedgerData, kind: str) -> list[str]:
    """The report's title, on one line when it fits, else broken where the layout says
    (银川市碳达峰实施方案 / 2025年上半年工作进展情况报告)."""
    spec = _spec()
    parts = spec["kinds"][kind]["title"].format(plan=data.plan_title, year=data.period.year)
    return gw.title_lines(spec, parts)


def title_of(data: LedgerData, kind: str) -> str:
    """The report's title on one line, e.g. 银川市碳达峰实施方案2025年上半年工作进展情况报告."""
    return "".join(title_lines(data, kind))


def build_report(
    data: LedgerData,
    figures: dict[str, Any],
    kind: str,
    actor: Actor,
    signed: dt.date,
    *,
    to: str | None = None,
    issuer: str | None = None,
    step: Callable[[int], None] = lambda _done: None,
) -> DocxDocument:
    """The report as a python-docx document in memory."""
    spec = _spec()
    title = title_of(data, kind)
    document = gw.new_document(spec, title=title, author=actor.name)
    body = gw.Body(document)
    addressee = spec["addressee"].format(to=to) if to else None
    opening = spec["opening"].format(plan=data.plan_title, period=data.period.name)
    gw.front(body, title_lines(data, kind), addressee, opening)
    sections = spec["sections"]
    writers = (
        (sections["overall"], _overall),
        (sections["areas"], _areas),
        (sections["targets"], _targets),
        (sections["problems"], _problems),
        (sections["next"], _next_steps),
    )
    gw.numbered_sections(
        body,
        [(heading, functools.partial(write, body, data, figures)) for heading, write in writers],
        step,
    )
    _closing(body, data, issuer or spec["issuer"], signed)
    _attachment(body, data, step)
    return document


# ---------------------------------------------------------------- 一、总体进展


def _counts_text(by_status: dict[str, int]) -> str:
    item = _spec()["count_item"]
    return "、".join(item.format(status=s, count=n) for s, n in by_status.items() if n)


def _overall(body: gw.Body, data: LedgerData, figures: dict[str, Any]) -> None:
    spec = _spec()
    lines = spec["overall"]
    leads = {uid for r in data.rows for uid in r.lead_ids}
    cooperating = {uid for r in data.rows for uid, role in r.unit_roles if uid not in r.lead_ids}
    reports = figures["reports"]
    done = reports["by_state"]
    submitted = sum(done.get(label, 0) for label in ("已报送", "已审核"))
    values = {
        "plan": data.plan_title,
        "total": figures["task_count"],
        "leads": len(leads),
        "cooperating": len(cooperating),
        "period": data.period.name,
        "as_of": _as_of(data.period.year, data.period.half),
        "counts": _counts_text(figures["by_status"]) or spec["no_tasks"],
        "completed": figures["completed_status"],
        "rate": f"{figures['completion_rate']:.1%}",
        "expected": reports["expected"],
        "submitted": submitted,
        "late": reports["late"],
        "missing": reports["expected"] - submitted,
    }
    body.add("".join(line.format(**values) for line in lines[:2]))
    body.add(lines[2].format(**values))


# ---------------------------------------------------------------- 二、分领域推进情况


def _areas(body: gw.Body, data: LedgerData, _figures: dict[str, Any]) -> None:
    spec = _spec()
    order = [*(s.name for s in data.statuses), task_state.NOT_SUBMITTED]
    for number, (label, rows) in enumerate(by_area(data.rows), 1):
        body.add(f"（{chinese_number(number)}）{bare_area_title(label)}", HEADING2)
        counts = {s: sum(1 for r in rows if r.entries[-1].state == s) for s in order}
        body.add(spec["area_summary"].format(count=len(rows), counts=_counts_text(counts)))
        reported = [r for r in rows if r.entries[-1].progress]
        for item, row in enumerate(reported, 1):
            lead_in = spec["task_item"].format(number=item, measure=row.measure)
            body.add([(lead_in, False), (row.entries[-1].progress, False)])
        if not reported:
            body.add(spec["area_none_reported"])
            continue
        silent = [r.measure for r in rows if not r.entries[-1].progress]
        if silent:
            body.add(spec["not_reported_list"].format(tasks="、".join(silent)))


# ---------------------------------------------------------------- 三、目标完成情况


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _targets(body: gw.Body, data: LedgerData, figures: dict[str, Any]) -> None:
    spec = _spec()
    targets = figures["targets"]
    if not targets:
        body.add(spec["targets_none"])
        return
    reported = [t for t in targets if t["actual"] is not None]
    met = sum(1 for t in reported if t["met"] is True)
    body.add(
        spec["targets_summary"].format(
            total=len(targets), reported=len(reported), met=met, unmet=len(reported) - met
        ),
    )
    verdicts = spec["target_verdicts"]
    for number, target in enumerate(targets, 1):
        if target["actual"] is None:
            actual = spec["target_missing"]
        else:
            verdict = {True: "met", False: "unmet", None: "unknown"}[target["met"]]
            actual = spec["target_actual"].format(
                as_of=_as_of_code(data, target["actual_period"]),
                actual=_number(target["actual"]),
                unit=target["unit"],
                unit_name=data.unit_names.get(target["actual_unit_id"], target["actual_unit"]),
                verdict=verdicts[verdict],
            )
        body.add(
            spec["target_item"].format(
                number=number,
                indicator=target["indicator"],
                year=target["year"],
                comparator=spec["comparators"].get(target["comparator"], target["comparator"]),
                value=_number(target["target_value"]),
                unit=target["unit"],
                actual=actual,
            ),
        )


def _as_of(year: int, half: int) -> str:
    """The end of a period in words: 2025年6月底 (H1), 2025年底 (H2)."""
    return str(_spec()["as_of"][str(half)].format(year=year))


def _as_of_code(data: LedgerData, code: str | None) -> str:
    if not code:
        return _as_of(data.period.year, data.period.half)
    return _as_of(int(code[:4]), int(code[-1]))


# ---------------------------------------------------------------- 四、存在的问题


def _problems(body: gw.Body, data: LedgerData, _figures: dict[str, Any]) -> None:
    spec = _spec()
    groups = spec["problem_groups"]
    behind_states = set(spec["behind_states"])
    behind = [r for r in data.rows if r.entries[-1].state in behind_states]
    unreported = [r for r in data.rows if r.entries[-1].state == task_state.NOT_SUBMITTED]
    reported = [r for r in data.rows if r.entries[-1].problems]
    _listing(
        body,
        1,
        groups["behind"],
        [
            spec["behind_item"].format(
                number=i, measure=r.measure, leads=r.leads, state=r.entries[-1].state
            )
            for i, r in enumerate(behind, 1)
        ],
        spec["behind_none"],
    )
    _listing(
        body,
        2,
        groups["unreported"],
        [
            spec["unreported_item"].format(
                number=i, measure=r.measure, leads=r.leads, submission=r.entries[-1].submission
            )
            for i, r in enumerate(unreported, 1)
        ],
        spec["unreported_none"],
    )
    _listing(
        body,
        3,
        groups["reported"],
        [
            spec["problem_item"].format(
                number=i, measure=r.measure, leads=r.leads, text=r.entries[-1].problems
            )
            for i, r in enumerate(reported, 1)
        ],
        spec["problems_none"],
    )


def _listing(body: gw.Body, number: int, heading: str, items: Sequence[str], empty: str) -> None:
    body.add(f"（{chinese_number(number)}）{heading}", HEADING2)
    for item in items or [empty]:
        body.add(item)


# ---------------------------------------------------------------- 五、下一步工作安排


def _next_steps(body: gw.Body, data: LedgerData, _figures: dict[str, Any]) -> None:
    spec = _spec()
    planned = [r for r in data.rows if r.entries[-1].next_steps]
    for number, (label, rows) in enumerate(by_area(planned), 1):
        body.add(f"（{chinese_number(number)}）{bare_area_title(label)}", HEADING2)
        for item, row in enumerate(rows, 1):
            body.add(
                spec["next_item"].format(
                    number=item,
                    measure=row.measure,
                    leads=row.leads,
                    text=row.entries[-1].next_steps,
                ),
            )
    if not planned:
        body.add(spec["next_none"])
    for paragraph in spec["next_closing"]:
        body.add(paragraph)


# ---------------------------------------------------------------- 附件说明, 落款, 附件


def _closing(body: gw.Body, data: LedgerData, issuer: str, signed: dt.date) -> None:
    """附件说明, the signing office and the date (:func:`gw.closing`)."""
    spec = _spec()
    date = spec["date_format"].format(year=signed.year, month=signed.month, day=signed.day)
    line = spec["attachment_line"].format(period=data.period.name)
    gw.closing(body, spec, issuer, date, line)


def _table_cell(row: LedgerRow, key: str) -> tuple[tuple[str, bool], ...]:
    entry = row.entries[-1]
    if key == "task":
        if row.content and row.content != row.measure:
            return ((row.measure + "：", True), (row.content, False))
        return ((row.measure, True),)
    source: Any = entry if hasattr(entry, key) else row
    return ((str(getattr(source, key)), False),)


def _attachment(body: gw.Body, data: LedgerData, step: Callable[[int], None]) -> None:
    spec = _spec()
    body.flush()
    gw.landscape_section(body.document, spec)
    body.add(spec["attachment_mark"], gw.ATTACHMENT_MARK)
    body.add(
        spec["attachment_title"].format(plan=data.plan_title, period=data.period.name),
        gw.ATTACHMENT_TITLE,
    )
    body.add("", gw.TABLE_TEXT)
    columns = spec["table_columns"]
    total = gw.text_width_twips(spec, landscape=True)
    shares = sum(c["share"] for c in columns)
    widths = [int(total * c["share"] / shares) for c in columns]
    rows: list[list[gw.TableCell]] = []
    previous_area: int | None = None
    for number, row in enumerate(data.rows):
        if number % 500 == 0:
            step(10 + number)
        cells = []
        for column in columns:
            if column["key"] == "area":
                merge = "continue" if row.area_id == previous_area else "restart"
                cells.append(gw.TableCell(((row.area, False),), merge))
            else:
                cells.append(gw.TableCell(_table_cell(row, column["key"])))
        previous_area = row.area_id
        rows.append(cells)
    body.add_block(gw.table(widths, [c["header"] for c in columns], rows))
    body.add("", gw.TABLE_TEXT)
    body.flush()

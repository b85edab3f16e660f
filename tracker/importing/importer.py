"""The plan importer: a file in, a checked task breakdown (a :class:`ParsedPlan`) out.

When the document has a 任务分工 table, the table is the task breakdown and the body
headings only help to place each measure in its area; otherwise the annotated measures of
the running text are the tasks. Unit names are made canonical, quantitative targets are
extracted, and whatever could not be decided becomes a warning with its place.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeAlias

from tracker.errors import ImportFailed
from tracker.importing.document import SourceDocument, SourceLine
from tracker.importing.outline import Node, parse_outline
from tracker.importing.regions import RegionSpec, guess_region
from tracker.importing.result import ImportWarning, ParsedPlan, ParsedTask
from tracker.importing.sources import read_document
from tracker.importing.table_plan import (
    TableBreakdown,
    assign_areas,
    find_breakdown_tables,
    parse_table,
    text_tables,
)
from tracker.importing.targets import extract_targets
from tracker.importing.text_plan import RawTask, tasks_from_outline, tasks_from_structure
from tracker.importing.units import UnitResolver, split_marked_list, split_unit_list
from tracker.importing.vocabulary import is_none_mark

Progress = Callable[[int, int], None]
# The stored aliases to read unit names with: fixed, or chosen by the plan's region (the
# aliases of 银川市 are not those of 广元市), which is known only once the title is read.
AliasSource: TypeAlias = Mapping[str, str] | Callable[[RegionSpec | None], Mapping[str, str]]

_TITLE = re.compile(r"^(?!关于)(?!.*印发).{2,40}?(?:实施方案|建设方案|行动方案|工作方案|规划)$")
_NOTICE_TITLE = re.compile(r"《([^》]{2,40}(?:方案|规划))》")
_DATE = re.compile(r"(20\d\d)\s*年\s*\d{1,2}\s*月")
_CN_DATE = re.compile(r"([二〇零一三四五六七八九]{4})年[一二三四五六七八九十]{1,2}月")
_CN_DIGIT = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0"}
STEPS = 4


def parse_plan(
    path: Path,
    *,
    aliases: AliasSource | None = None,
    region: RegionSpec | None = None,
    progress: Progress | None = None,
    pilot: bool = False,
) -> ParsedPlan:
    """Read a plan file (.txt, .docx, .xlsx, .pdf, or a legacy .doc/.wps/.xls/.et converted
    by LibreOffice) and return its task breakdown as a preview.

    ``region`` is the issuer when a person named it; otherwise it is read from the title.
    ``pilot`` reads a pilot's 试点实施方案, whose tasks may name no units at all: the
    numbered items are then the tasks (see :func:`tracker.importing.text_plan.tasks_from_structure`).
    Raises :class:`ImportFailed` for a file that cannot be read or holds no breakdown.
    """
    report = progress or (lambda _done, _total: None)
    report(0, STEPS)
    document = read_document(path)
    report(1, STEPS)
    return parse_document(document, aliases=aliases, region=region, progress=report, pilot=pilot)


def parse_document(
    document: SourceDocument,
    *,
    aliases: AliasSource | None = None,
    region: RegionSpec | None = None,
    progress: Progress | None = None,
    pilot: bool = False,
) -> ParsedPlan:
    """Parse an already-read document (see :func:`parse_plan`)."""
    report = progress or (lambda _done, _total: None)
    lines = document.lines
    tables = list(document.tables)
    body_lines = lines
    if document.format in ("txt", "pdf"):
        # Tab-separated rows: a table extracted as text, or drawn without rules in a PDF.
        found, body_lines = text_tables(lines)
        tables = found + tables
    body_root = parse_outline(body_lines) if body_lines else None
    report(2, STEPS)

    plan = ParsedPlan(
        title=_guess_title(document, body_lines),
        kind="region",
        source_name=document.path.name,
        source_format=document.format,
        content_hash=document.sha256,
    )
    plan.warnings.extend(document.warnings)
    plan.kind = _guess_kind(plan.title)
    plan.start_year, plan.horizon_year = _guess_years(lines)
    # The issuer; what was guessed about it is in its note, shown with it in the preview.
    plan.region = region or guess_region(plan.title, "\n".join(line.text for line in lines))
    resolver = _resolver(aliases, plan.region)

    breakdowns = find_breakdown_tables(tables)
    if breakdowns:
        plan.method = "table"
        for table, header_index, header in breakdowns:
            breakdown = parse_table(table, header_index, header)
            plan.warnings.extend(breakdown.warnings)
            _tasks_from_table(plan, breakdown, body_root, resolver)
        if len(breakdowns) > 1:
            plan.warnings.insert(
                0, ImportWarning("文件", f"文件中有 {len(breakdowns)} 个任务分工表，已依次合并读取")
            )
    elif body_root is not None:
        plan.method = "annotations"
        raw_tasks, warnings = tasks_from_outline(body_root)
        plan.warnings.extend(warnings)
        for raw in raw_tasks:
            plan.tasks.append(_task_from_text(raw, resolver, plan.warnings))
    if pilot:
        plan.kind = "pilot"
        if not plan.tasks and body_root is not None:
            _tasks_from_structure(plan, body_root)
    report(3, STEPS)

    if not plan.tasks:
        if pilot:
            raise ImportFailed(
                document.path.name,
                "没有找到任务：文件中既没有任务分工表或责任单位标注，也没有按“一、（一）1.”编号的任务条目",
            )
        if document.format == "xlsx" or (tables and not body_lines):
            problem = "没有找到任务分工表：需要一行表头，含“牵头单位”或“责任单位”，以及“主要工作”或“行动措施”等列"
        else:
            problem = (
                "没有找到任务分工：文件中既没有任务分工表，也没有“（责任单位：…）”“（…牵头，…按职责分工负责）”"
                "等责任分工标注，无法确定各项任务的牵头和配合单位"
            )
        hint = None
        if plan.kind == "pilot":
            problem += "。如这是一个试点的试点实施方案，请作为该试点的方案导入，未写明责任单位的任务由试点主体牵头"
            hint = "试点方案的导入：tracker pilot import-plan 试点 文件"
        raise ImportFailed(document.path.name, problem, hint=hint)
    _unique_codes(plan)
    report(STEPS, STEPS)
    return plan


def _resolver(aliases: AliasSource | None, region: RegionSpec | None) -> UnitResolver:
    """The unit resolver with the stored aliases of the plan's region."""
    return UnitResolver(aliases(region) if callable(aliases) else aliases)


# ---------------------------------------------------------------- tasks


def _resolve(
    resolver: UnitResolver,
    lead_names: list[str],
    coop_names: list[str],
    where: str,
    warnings: list[ImportWarning],
) -> tuple[list[str], list[str]]:
    """Canonical lead and cooperating names (each once, a lead never also cooperating);
    the resolver's doubts about these names become warnings at the task's place."""
    known_notes = len(resolver.notes)
    resolved = resolver.resolve([*lead_names, *coop_names])
    warnings.extend(ImportWarning(where, note) for note in resolver.notes[known_notes:])
    leads = list(dict.fromkeys(resolved[: len(lead_names)]))
    coops = [n for n in dict.fromkeys(resolved[len(lead_names) :]) if n not in leads]
    return leads, coops


def _task_from_text(
    raw: RawTask, resolver: UnitResolver, warnings: list[ImportWarning]
) -> ParsedTask:
    leads, coops = _resolve(resolver, raw.leads, raw.cooperating, raw.where, warnings)
    if raw.blanket:
        for name in resolver.resolve(raw.blanket):
            if name not in leads and name not in coops:
                coops.append(name)
    if raw.area is not None:
        area_code, area_title = raw.area.marker, raw.area.title
    else:
        area_code, area_title = "", "（未分组）"
    if not leads:
        warnings.append(ImportWarning(raw.where, f"任务“{raw.title}”没有可识别的牵头单位"))
    return ParsedTask(
        area_code=area_code,
        area_title=area_title,
        code=raw.code,
        title=raw.title,
        content=raw.content,
        lead_units=leads,
        cooperating_units=coops,
        targets=extract_targets(raw.content),
        where=raw.where,
    )


def _tasks_from_structure(plan: ParsedPlan, root: Node) -> None:
    """A pilot's plan that names no units: its numbered items, each led by the pilot body."""
    plan.method = "outline"
    for raw in tasks_from_structure(root):
        area_code, area_title = (
            (raw.area.marker, raw.area.title) if raw.area else ("", "（未分组）")
        )
        plan.tasks.append(
            ParsedTask(
                area_code=area_code,
                area_title=area_title,
                code=raw.code,
                title=raw.title,
                content=raw.content,
                lead_units=[],
                cooperating_units=[],
                targets=extract_targets(raw.content),
                where=raw.where,
            )
        )
    if plan.tasks:
        plan.warnings.insert(
            0,
            ImportWarning(
                "文件",
                f"文件中没有写明责任单位：按章节编号读取了 {len(plan.tasks)} 项任务，"
                "均由试点主体牵头（可在预览中改动）",
            ),
        )


def _tasks_from_table(
    plan: ParsedPlan, breakdown: TableBreakdown, body_root: Node | None, resolver: UnitResolver
) -> None:
    areas, warnings = assign_areas(breakdown, body_root)
    plan.warnings.extend(warnings)
    per_measure = Counter(t.measure_index for t in breakdown.tasks)
    seen_in_measure: Counter[int] = Counter()
    known_names: set[str] = set()
    fragments: list[tuple[ParsedTask, str]] = []
    for table_task in breakdown.tasks:
        index = table_task.measure_index
        seen_in_measure[index] += 1
        seq = table_task.seq or str(index + 1)
        code = seq if per_measure[index] == 1 else f"{seq}-{seen_in_measure[index]}"
        if table_task.combined:
            lead_names, coop_names = split_marked_list(table_task.lead)
        else:
            lead_names, coop_names = (
                split_unit_list(table_task.lead),
                split_unit_list(table_task.coop),
            )
        leads, coops = _resolve(
            resolver, lead_names, coop_names, str(table_task.place), plan.warnings
        )
        area = areas[index]
        title = breakdown.measure_titles[index]
        task = ParsedTask(
            area_code=area.code,
            area_title=area.title,
            code=code,
            title=title,
            content=_with_target(table_task.work.strip() or title, table_task.target),
            lead_units=leads,
            cooperating_units=coops,
            targets=extract_targets(f"{table_task.work}。{table_task.target}"),
            where=str(table_task.place),
            deadline=table_task.deadline.strip() or None,
            remarks=table_task.remarks.strip() or None,
        )
        if not leads:
            plan.warnings.append(
                ImportWarning(task.where, f"任务“{title}”（序号 {code}）没有写明牵头单位")
            )
        if table_task.coop_fragment and coops:
            fragments.append((task, coops[0]))
        known_names.update(leads)
        known_names.update(coops)
        plan.tasks.append(task)
    for task, first in fragments:
        _complete_fragment(plan, task, first, known_names)


def _with_target(work: str, target: str) -> str:
    """The 主要工作 text with a separate 目标 cell kept after it (目标：…)."""
    target = target.strip()
    if not target or is_none_mark(target) or target in work:
        return work
    return f"{work}\n目标：{target}"


def _complete_fragment(plan: ParsedPlan, task: ParsedTask, first: str, known: set[str]) -> None:
    """A cell continued on the next page may start mid-name ("区人民政府" of "各县（市）区人民政府")."""
    fuller = sorted(n for n in known if n != first and n.endswith(first))
    if len(fuller) == 1:
        task.cooperating_units[0] = fuller[0]
        plan.warnings.append(
            ImportWarning(
                task.where,
                f"配合单位栏跨页断开，开头的“{first}”已按本表中的单位名补全为“{fuller[0]}”，请核对",
            )
        )
    else:
        plan.warnings.append(
            ImportWarning(
                task.where,
                f"配合单位栏跨页断开且本行前半缺失，配合单位可能不完整（现为“{first}”起）",
            )
        )


def _unique_codes(plan: ParsedPlan) -> None:
    counts = Counter(t.code for t in plan.tasks)
    dup_seen: Counter[str] = Counter()
    for task in plan.tasks:
        if counts[task.code] > 1:
            dup_seen[task.code] += 1
            if dup_seen[task.code] > 1:
                new = f"{task.code}#{dup_seen[task.code]}"
                plan.warnings.append(
                    ImportWarning(task.where, f"任务编号“{task.code}”重复，此项改记为“{new}”")
                )
                task.code = new


# ---------------------------------------------------------------- plan facts


def _guess_title(document: SourceDocument, body: list[SourceLine]) -> str:
    candidates = [line.text.strip() for line in body[:80]]
    for table in document.tables[:3]:
        candidates.extend(c.strip() for row in table.rows[:3] for c in row if c.strip())
    for text in candidates:
        clean = re.sub(r"\s+", "", text)
        if _TITLE.match(clean):
            return clean
    for text in candidates:
        match = _NOTICE_TITLE.search(text)
        if match:
            return match.group(1)
    for text in candidates:
        clean = re.sub(r"\s+", "", text)
        stripped = re.sub(r"(?:重点)?(?:任务分工|任务分解|责任分工)(?:表|方案)?$", "", clean)
        if stripped != clean and 4 <= len(stripped) <= 40:
            return stripped
    return document.path.stem


def _guess_kind(title: str) -> str:
    if "试点" in title:
        return "pilot"
    if re.search(r"园区|开发区|高新区|工业园", title):
        return "park"
    if re.search(r"(?:市|州|盟|县|区)(?:碳达峰|.*方案)", title) and not title.startswith("自治区"):
        return "city"
    return "region"


def _guess_years(lines: list[SourceLine]) -> tuple[int, int]:
    start = dt.date.today().year
    head = "\n".join(line.text for line in lines[:60])
    match = _DATE.search(head)
    if match:
        start = int(match.group(1))
    else:
        cn = _CN_DATE.search(head)
        if cn:
            start = int("".join(_CN_DIGIT[c] for c in cn.group(1)))
    text = "\n".join(line.text for line in lines)
    horizon = 2035 if re.search(r"(?:到|至)\s*2035\s*年", text) else 2030
    return start, max(horizon, start)


__all__ = ["parse_document", "parse_plan"]

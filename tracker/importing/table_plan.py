"""Task breakdown from a 任务分工 table (序号 / 重点领域 / 行动措施 / 主要工作 / 牵头单位 / 配合单位 …).

The same code reads tables from Word, Excel and text extracted from PDF. The PDF case is
the hard one, and each of its artefacts is handled here:

* the header repeated at every page break — skipped;
* rows continued across a page break (no 序号, no measure, no lead) — joined to the row
  above, cell by cell;
* sub-rows with their own lead unit — separate tasks under the same measure;
* ``/`` meaning none;
* a row whose cells are shifted by one column — detected by what each cell looks like,
  repaired when one alignment is clearly better, warned about either way;
* the label of a vertically merged 重点领域 cell printed on one row of its block (often the
  middle one), sometimes split over two rows — each measure is matched with the body
  headings of the same document, which say which action it belongs to.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from tracker.importing.annotations import looks_like_unit
from tracker.importing.document import Place, SourceLine, SourceTable
from tracker.importing.outline import LEVEL_SECTION, Node
from tracker.importing.result import ImportWarning
from tracker.importing.text_plan import area_of
from tracker.importing.units import split_unit_list
from tracker.importing.vocabulary import is_none_mark, vocabulary

FIELDS = (
    "seq",
    "area",
    "measure",
    "work",
    "target",
    "lead",
    "coop",
    "units",
    "deadline",
    "remarks",
)

_HEADER_WORDS = vocabulary().header_words
_WORD_TO_FIELD = {w: f for f, words in _HEADER_WORDS.items() for w in words}
_FINER = {"area": "measure", "measure": "work"}
_AREA_LABEL = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、．.]|[（(][一二三四五六七八九十]{1,3}[）)])"
)
_AREA_SPLIT = re.compile(
    r"^\s*(?:(?P<a>[一二三四五六七八九十]{1,3})\s*[、．.]|[（(](?P<b>[一二三四五六七八九十]{1,3})[）)])\s*"
)
_GENERIC_SHEET = re.compile(r"^(?:sheet|工作表|表|任务分工|分工|任务)\s*\d*(?:表)?$", re.IGNORECASE)
_PUNCT = re.compile(r"[\s。，,；;：:、“”\"'（）()《》【】\-—·.．]")


def _norm(text: str) -> str:
    return _PUNCT.sub("", text)


def header_fields(cells: Sequence[str]) -> dict[int, str] | None:
    """Column index → field for a header row, or None if the row is not a 任务分工 header."""
    mapping: dict[int, str] = {}
    for i, cell in enumerate(cells):
        word = re.sub(r"\s+", "", cell)
        field_name = _WORD_TO_FIELD.get(word)
        if field_name is None:
            continue
        while field_name in mapping.values() and field_name in _FINER:
            # 重点任务 | 具体措施: two columns of the same kind, the later one is the finer
            field_name = _FINER[field_name]
        if field_name in mapping.values():
            continue
        mapping[i] = field_name
    fields = set(mapping.values())
    if {"lead", "units"} <= fields and "coop" not in fields:
        # 牵头单位 + 责任单位: the second column names the other responsible units.
        mapping = {i: ("coop" if f == "units" else f) for i, f in mapping.items()}
        fields = set(mapping.values())
    has_units = bool(fields & {"lead", "units"})
    has_text = bool(fields & {"work", "measure"})
    if has_units and has_text and len(fields) >= 3:
        return mapping
    return None


@dataclass
class Row:
    """One table row as field → text, with its place."""

    cells: dict[str, str]
    place: Place
    repaired: bool = False
    area_row: bool = False  # a full-width row naming the area of the rows below

    def get(self, name: str) -> str:
        """The cell's text, "" when absent."""
        return self.cells.get(name, "").strip()


@dataclass
class TableTask:
    """A task read from the table, with raw unit lists."""

    seq: str
    area_label: str
    measure: str
    work: str
    lead: str
    coop: str
    deadline: str
    target: str
    remarks: str
    place: Place
    measure_index: int
    extra_places: list[Place] = field(default_factory=list)
    combined: bool = False  # one 责任单位 column: the first unit (or the one marked 牵头) leads
    coop_fragment: bool = False  # the 配合单位 cell began on a continuation row (page break)


@dataclass
class TableBreakdown:
    """The tasks of one 任务分工 table, with the area label events and warnings."""

    tasks: list[TableTask]
    measure_labels: dict[int, str]  # measure index → area label found on its row(s)
    measure_titles: list[str]
    measure_places: list[Place]
    merged_filled: bool
    warnings: list[ImportWarning]
    block_starts: set[int] = field(default_factory=set)  # labels known to open their block
    name: str = ""  # the sheet's name, for a workbook with one sheet per area


# ---------------------------------------------------------------- text tables


def text_tables(lines: list[SourceLine]) -> tuple[list[SourceTable], list[SourceLine]]:
    """Split text lines into tab-separated tables and the remaining body lines."""
    tables: list[SourceTable] = []
    body: list[SourceLine] = []
    current: SourceTable | None = None
    for line in lines:
        if line.text.count("\t") >= 2:
            if current is None:
                current = SourceTable(rows=[], places=[], merged_filled=False)
                tables.append(current)
            current.rows.append(line.text.split("\t"))
            current.places.append(line.place)
            continue
        text = line.text.strip()
        if not text:
            continue  # blank lines do not end a table (page breaks)
        if current is not None and len(text) <= 40 and "。" not in text:
            # A short line inside a table: a row spanning the table (an area name) that
            # the extraction wrote without tabs. It stays in the table.
            current.rows.append([text])
            current.places.append(line.place)
            continue
        current = None
        body.append(line)
    return tables, body


# ---------------------------------------------------------------- row plausibility


def _unit_list_score(text: str) -> int:
    text = text.strip()
    if is_none_mark(text):
        return 2
    if len(text) > 20 and re.search(r"[。；]", text):
        return -3
    names = split_unit_list(text)
    if not names:
        return -1
    good = sum(1 for n in names if looks_like_unit(n))
    return 2 if good == len(names) else (0 if good * 2 >= len(names) else -3)


def _row_score(cells: dict[str, str]) -> int:
    score = 0
    seq = cells.get("seq", "").strip()
    score += 1 if (not seq or re.fullmatch(r"\d{1,4}", seq)) else -2
    area = cells.get("area", "").strip()
    if _AREA_LABEL.match(area):
        score += 2
    elif len(area) > 30 or "。" in area:
        score -= 2
    else:
        score += 1
    measure = cells.get("measure", "").strip()
    if _AREA_LABEL.match(measure) or len(measure) > 50 or "。" in measure:
        score -= 2
    else:
        score += 1
    work = cells.get("work", "").strip()
    if not work or len(work) >= 15:
        score += 1
    for name in ("lead", "coop", "units"):
        if name in cells:
            score += _unit_list_score(cells[name])
    return score


def _align(raw: list[str], columns: dict[int, str], width: int) -> dict[str, str]:
    return {f: (raw[i] if i < len(raw) else "") for i, f in columns.items() if i < width}


def _best_alignment(
    raw: list[str], columns: dict[int, str], width: int
) -> tuple[dict[str, str], bool]:
    """The row's cells as given, or shifted by one column if that is clearly more plausible."""
    given = _align(raw, columns, width)
    best, best_score = given, _row_score(given)
    candidates: list[list[str]] = []
    for p in range(1, len(raw)):
        if not raw[p].strip():  # a spurious empty cell pushed the rest right
            candidates.append(raw[:p] + raw[p + 1 :] + [""])
    for p in range(1, len(raw) + 1):  # a lost cell pulled the rest left
        candidates.append([*raw[:p], "", *raw[p:]])
    for cand in candidates:
        cells = _align(cand, columns, width)
        score = _row_score(cells)
        if score > best_score:
            best, best_score = cells, score
    if best is not given and best_score - _row_score(given) >= 3:
        return best, True
    return given, False


# ---------------------------------------------------------------- the table


def _is_repeated_header(raw: list[str]) -> bool:
    """A header row again (after a page break): every filled cell is a header word."""
    words = [re.sub(r"\s+", "", c) for c in raw if c.strip()]
    return len(words) >= 2 and all(w in _WORD_TO_FIELD for w in words)


def _area_row_label(cells: list[str]) -> str | None:
    """The text of a row that only names an area (一、能源绿色低碳转型行动 across the table)."""
    filled = [c for c in cells if c]
    if not filled or len(set(filled)) != 1 or not cells[0]:
        return None
    text = filled[0]
    if text.isdigit() or len(text) > 40 or "。" in text or _unit_list_score(text) == 2:
        return None
    return text


def _clean_units(text: str) -> str:
    return "" if is_none_mark(text) else text


def parse_table(table: SourceTable, header_index: int, header: dict[int, str]) -> TableBreakdown:
    """Read the rows below the header into tasks (continuations joined, shifts repaired)."""
    width = max(header) + 1
    warnings: list[ImportWarning] = []
    rows: list[Row] = []
    for raw, place in zip(
        table.rows[header_index + 1 :], table.places[header_index + 1 :], strict=True
    ):
        cells_raw = [c.strip() for c in raw]
        if not any(cells_raw):
            continue
        if _is_repeated_header(cells_raw):
            continue
        label = _area_row_label(cells_raw)
        if label is not None:
            # A row spanning the table that names the area of the rows below it.
            rows.append(Row({"area": label}, place, area_row=True))
            continue
        cells, repaired = _best_alignment(cells_raw, header, width)
        if len(cells_raw) > width and any(cells_raw[width:]) and not repaired:
            warnings.append(
                ImportWarning(str(place), "该行的单元格多于表头的列数，多出的内容已忽略")
            )
        rows.append(Row(cells, place, repaired))
        if not repaired and any(
            _unit_list_score(cells.get(name, "")) < 0 for name in ("lead", "coop", "units")
        ):
            warnings.append(
                ImportWarning(
                    str(place),
                    "该行的单位栏看起来不是单位名称（可能各列错位），无法确定如何归位，已按原样读取，请核对",
                )
            )
        if repaired:
            warnings.append(
                ImportWarning(
                    str(place),
                    "该行各列错位（如行动措施栏出现领域名称、牵头单位栏出现工作内容），已按内容自动归位，请核对",
                )
            )

    tasks: list[TableTask] = []
    labels: dict[int, str] = {}
    titles: list[str] = []
    measure_places: list[Place] = []
    last_label_index = -1

    def add_label(text: str, measure_index: int) -> None:
        nonlocal last_label_index
        text = text.strip()
        if not text:
            return
        if table.merged_filled:
            labels.setdefault(measure_index, text)
            return
        if not _AREA_LABEL.match(text) and last_label_index >= 0:
            labels[last_label_index] = labels[last_label_index] + text  # label split over rows
            return
        labels[measure_index] = labels.get(measure_index, "") + text
        last_label_index = measure_index

    pending_area = ""
    block_starts: set[int] = set()
    for row in rows:
        if row.area_row:
            pending_area = row.get("area")
            continue
        seq, measure, lead, work = (
            row.get("seq"),
            row.get("measure"),
            row.get("lead"),
            row.get("work"),
        )
        previous = tasks[-1] if tasks else None
        same_merged_measure = (
            table.merged_filled
            and previous is not None
            and seq == previous.seq
            and measure == previous.measure
        )
        if (seq or measure) and not same_merged_measure:
            titles.append(measure or work[:30])
            measure_places.append(row.place)
            index = len(titles) - 1
            if not measure:
                warnings.append(
                    ImportWarning(str(row.place), "该行没有行动措施名称，已用主要工作的开头代替")
                )
            if pending_area:
                labels[index] = pending_area
                block_starts.add(index)
                last_label_index = index
                pending_area = ""
            add_label(row.get("area"), index)
            tasks.append(_task_from_row(row, index))
        elif lead or (
            table.merged_filled and work and previous is not None and work != previous.work
        ):
            if previous is None:
                warnings.append(
                    ImportWarning(
                        str(row.place), "表格第一行数据缺少序号和行动措施，已作为单独措施处理"
                    )
                )
                titles.append(work[:30])
                measure_places.append(row.place)
            index = len(titles) - 1
            add_label(row.get("area"), index)
            task = _task_from_row(row, index)
            task.seq = previous.seq if previous else ""
            task.measure = titles[index]
            tasks.append(task)
        elif previous is not None:
            # A row continued across a page break: join each cell to the row above.
            previous.work += work
            if row.get("coop") and not previous.coop.strip():
                previous.coop_fragment = True
            previous.coop += row.get("coop")
            previous.deadline += row.get("deadline")
            previous.target += row.get("target")
            previous.remarks += row.get("remarks")
            previous.extra_places.append(row.place)
            add_label(row.get("area"), previous.measure_index)
        else:
            warnings.append(ImportWarning(str(row.place), "表头之后的第一行无法识别，已跳过"))
    return TableBreakdown(
        tasks,
        labels,
        titles,
        measure_places,
        table.merged_filled,
        warnings,
        block_starts,
        table.name,
    )


def _task_from_row(row: Row, index: int) -> TableTask:
    lead = _clean_units(row.get("lead"))
    coop = _clean_units(row.get("coop"))
    units = _clean_units(row.get("units"))
    combined = bool(units) and not lead
    if combined:
        lead = units
    return TableTask(
        seq=row.get("seq"),
        area_label=row.get("area"),
        measure=row.get("measure"),
        work=row.get("work"),
        lead=lead,
        coop=coop,
        deadline=row.get("deadline"),
        target=row.get("target"),
        remarks=row.get("remarks"),
        place=row.place,
        measure_index=index,
        combined=combined,
    )


def find_breakdown_tables(
    tables: list[SourceTable],
) -> list[tuple[SourceTable, int, dict[int, str]]]:
    """Every table with a 任务分工 header: (table, header row index, column mapping)."""
    found: list[tuple[SourceTable, int, dict[int, str]]] = []
    for table in tables:
        for index, raw in enumerate(table.rows[:30]):
            header = header_fields(raw)
            if header is None:
                continue
            if index + 1 < len(table.rows):
                lower = _subheader(table.rows[index + 1])
                if lower:
                    # A two-row header (责任单位 spanning 牵头单位 | 配合单位): the lower
                    # row names the columns it covers.
                    header = {i: f for i, f in header.items() if f != "units" or i not in lower}
                    header.update(lower)
                    index += 1
            found.append((table, index, header))
            break
    return found


def _subheader(cells: Sequence[str]) -> dict[int, str]:
    """Column → field for a second header row made only of header words (or blanks)."""
    mapping: dict[int, str] = {}
    for i, cell in enumerate(cells):
        word = re.sub(r"\s+", "", cell)
        if not word:
            continue
        field_name = _WORD_TO_FIELD.get(word)
        if field_name is None:
            return {}
        mapping[i] = field_name
    return mapping if set(mapping.values()) & {"lead", "coop"} else {}


# ---------------------------------------------------------------- areas


@dataclass(frozen=True)
class AreaName:
    """An area's code (一, 十一, （三）) and title (能源绿色低碳转型行动)."""

    code: str
    title: str


UNGROUPED = AreaName("", "（未分组）")


def split_area_label(label: str) -> AreaName:
    """ "十、各县(市)区梯次有序碳达峰行动" → (十, 各县（市）区梯次有序碳达峰行动)."""
    label = re.sub(r"\s+", "", label).replace("(", "（").replace(")", "）")
    match = _AREA_SPLIT.match(label)
    if match is None:
        return AreaName("", label.strip("。"))
    code = match.group("a") or f"（{match.group('b')}）"
    return AreaName(code, label[match.end() :].strip("。"))


def body_measures(root: Node) -> list[tuple[str, Node]]:
    """(title, area node) of every item of the body that sits under a section or chapter."""
    out: list[tuple[str, Node]] = []
    for node in root.walk():
        if node.level < LEVEL_SECTION:
            continue
        area = area_of(node)
        if area is None:
            continue
        out.append((node.title, area))
    return out


def _match_body(titles: list[str], body: list[tuple[str, Node]]) -> list[Node | None]:
    """For each table measure, the body area whose item has the same (or a close) title.

    Exact matches go through a dictionary; the rest are compared only with a window of
    body items near the previous match, so the work grows linearly with the document.
    """
    exact: dict[str, list[int]] = {}
    normed = [_norm(t) for t, _ in body]
    for i, n in enumerate(normed):
        exact.setdefault(n, []).append(i)
    result: list[Node | None] = []
    cursor = 0
    window = 80
    for title in titles:
        key = _norm(title)
        hit: int | None = None
        candidates = [i for i in exact.get(key, []) if i >= cursor] or exact.get(key, [])
        if candidates:
            hit = candidates[0]
        else:
            lo, hi = max(0, cursor - window), min(len(body), cursor + window)
            best, best_score = None, 0.0
            for i in range(lo, hi):
                score = fuzz.ratio(key, normed[i], score_cutoff=72)
                if score > best_score or (
                    score == best_score
                    and best is not None
                    and abs(i - cursor) < abs(best - cursor)
                ):
                    best, best_score = i, score
            if best is not None and best_score > 0:
                hit = best
        if hit is None:
            result.append(None)
        else:
            result.append(body[hit][1])
            cursor = hit + 1
    return result


def assign_areas(
    breakdown: TableBreakdown, body_root: Node | None
) -> tuple[list[AreaName], list[ImportWarning]]:
    """The area of every measure of the table.

    Word and Excel tables carry the merged label on every row. Text tables carry it on one
    row of the block: each measure is matched with the body headings (the label of a
    block names the body's action for the measures around it); without a body the label is
    taken to start its block and a warning asks for a check.
    """
    n = len(breakdown.measure_titles)
    warnings: list[ImportWarning] = []
    labels = breakdown.measure_labels
    if breakdown.merged_filled:
        first = UNGROUPED
        if not labels and breakdown.name and not _GENERIC_SHEET.match(breakdown.name):
            first = split_area_label(breakdown.name)  # one sheet per area
        return _blocks_from_labels(labels, n, first), warnings

    body = body_measures(body_root) if body_root is not None else []
    matched = _match_body(breakdown.measure_titles, body) if body else [None] * n

    # Name each body area after the table label found inside its block.
    label_for_area: dict[int, AreaName] = {}
    for index, label in sorted(labels.items()):
        area_node = matched[index]
        if area_node is not None:
            label_for_area.setdefault(id(area_node), split_area_label(label))

    fallback = _blocks_from_labels(labels, n)
    result: list[AreaName] = []
    for i in range(n):
        node = matched[i]
        if node is not None:
            name = label_for_area.get(id(node)) or AreaName(node.marker, node.title)
            result.append(name)
            continue
        before = next((matched[j] for j in range(i - 1, -1, -1) if matched[j] is not None), None)
        after = next((matched[j] for j in range(i + 1, n) if matched[j] is not None), None)
        if before is not None and before is after:
            result.append(label_for_area.get(id(before)) or AreaName(before.marker, before.title))
            guess = "前后措施所在的领域"
        else:
            result.append(fallback[i])
            guess = "表格中领域标签的位置"
        if body:
            warnings.append(
                ImportWarning(
                    str(breakdown.measure_places[i]),
                    f"措施“{breakdown.measure_titles[i]}”在正文中找不到对应标题，"
                    f"其所属领域“{result[-1].title}”系依据{guess}推断，请核对",
                )
            )
    if not body and n and set(labels) - breakdown.block_starts:
        warnings.append(
            ImportWarning(
                "任务分工表",
                "文件中没有可对照的正文标题，各措施的所属领域按表格中领域标签所在行划分（标签视为所在块的第一行），请核对",
            )
        )
    return result, warnings


def _blocks_from_labels(
    labels: dict[int, str], n: int, first: AreaName | None = None
) -> list[AreaName]:
    """Each measure in the area of the nearest label at or above it (a label opens a block)."""
    names: list[AreaName] = []
    current = first or UNGROUPED
    for i in range(n):
        if i in labels:
            current = split_area_label(labels[i])
        names.append(current)
    return names

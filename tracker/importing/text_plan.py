"""Task breakdown from running text: numbered measures that end with a responsibility annotation.

Each annotated item of the outline is a task (several tasks when one item carries several
annotations, one per paragraph); its area is the nearest heading above it at section or
chapter level, so items of （一）…行动 land in that action and the （一）…（四） items of
chapters such as 对外合作, 政策保障, 组织实施 land in the chapter. Blanket notes
(以下均须…负责，不再列出) add their units to every task after them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tracker.importing.annotations import Annotation, blanket_units, find_annotations
from tracker.importing.outline import LEVEL_ITEM, LEVEL_SECTION, Node, heading_of
from tracker.importing.result import ImportWarning
from tracker.importing.vocabulary import vocabulary


@dataclass
class RawTask:
    """A task found in the text, before unit names are made canonical."""

    area: Node | None
    code: str
    title: str
    content: str
    leads: list[str]
    cooperating: list[str]
    where: str
    blanket: list[str] = field(default_factory=list)


def area_of(node: Node) -> Node | None:
    """The grouping an item belongs to: its nearest section (（一）) or chapter (一、) above."""
    for ancestor in node.ancestors():
        if 1 <= ancestor.level <= LEVEL_SECTION:
            return ancestor
    return None


def code_of(node: Node) -> str:
    """The document's own numbering of a node, outermost grouping first: （一）1, 四（二）."""
    area = area_of(node)
    chain = [n for n in [node, *node.ancestors()] if n.level > 0]
    if area is not None:
        chain = [n for n in chain if n.level >= area.level]
    return "".join(n.marker for n in reversed(chain))


def strip_heading(text: str, title: str) -> str:
    """The text of a block without its heading (the heading alone if nothing else)."""
    body = text[len(title) :].lstrip("。；;：: ") if text.startswith(title) else text
    return body.strip() or title


def _fold_closing_lists(root: Node) -> None:
    """A measure whose list of points （1）…（3） or ①…③ is closed by one annotation after
    the last point is one task: the annotation names the units of the whole measure, so the
    points go back into the measure's text. (Points that each carry an annotation stay
    tasks of their own, as sub-rows of a table do.)"""
    for node in root.walk():
        points = node.children
        if (
            node.level < LEVEL_ITEM
            or not points
            or any(p.children for p in points)
            or find_annotations(node.text)
            or [p for p in points if find_annotations(p.text)] != points[-1:]
        ):
            continue
        for point in points:
            start = len(node.text) + len(point.marker)
            node.line_places.extend((start + offset, place) for offset, place in point.line_places)
            node.text += point.marker + point.text
        node.children = []


def tasks_from_outline(root: Node) -> tuple[list[RawTask], list[ImportWarning]]:
    """Every annotated item in the outline as a raw task, plus warnings."""
    tasks: list[RawTask] = []
    warnings: list[ImportWarning] = []
    blanket: list[str] = []
    _fold_closing_lists(root)
    for node in root.walk():
        if node.level == 0:
            continue
        annotations = find_annotations(node.text)
        if not annotations:
            _collect_blanket_sentences(node.text, blanket)
            continue
        if (
            node.children
            and node.level < LEVEL_ITEM
            and any(find_annotations(child.text) for child in node.children)
        ):
            # A heading whose items carry their own annotations: a note on the heading
            # itself (rare) is kept as a warning, not as a task.
            warnings.append(
                ImportWarning(
                    str(node.place),
                    f"标题“{node.title}”带有责任单位标注，已忽略（其下各项另有标注）",
                )
            )
            continue
        if _action_as_task(node, annotations[0]):
            tasks.append(_action_task(node, annotations, blanket))
            blanket.extend(n for a in annotations for n in a.blanket if n not in blanket)
            continue
        tasks.extend(_item_tasks(node, annotations, blanket, warnings))
    warnings.extend(_unannotated_siblings(root))
    return tasks, warnings


def _item_tasks(
    node: Node, annotations: list[Annotation], blanket: list[str], warnings: list[ImportWarning]
) -> list[RawTask]:
    """The tasks of an annotated item: one per annotation (each paragraph of an unnumbered
    list under a heading, or each part of a measure with several annotations)."""
    found: list[RawTask] = []
    segments = _segments(node.text, annotations)
    # A heading whose own text carries several annotations has unnumbered items under
    # it (one paragraph each): the heading is their area, each paragraph a task.
    unnumbered = node.level <= LEVEL_SECTION and len(segments) > 1
    area = node if unnumbered else area_of(node)
    if area is None:
        warnings.append(
            ImportWarning(str(node.place), f"“{node.title}”不在任何重点领域或章节标题之下")
        )
    base_code = code_of(node)
    title = node.title
    for index, (segment, annotation) in enumerate(segments, 1):
        code = base_code if len(segments) == 1 else f"{base_code}-{index}"
        if unnumbered:
            if index == 1:
                segment = strip_heading(segment, title)
            item_title = heading_of(segment)
            content = strip_heading(segment, item_title)
        elif (
            node.level > LEVEL_ITEM and node.parent is not None and node.parent.level >= LEVEL_ITEM
        ):
            # A sub-item （1） of a numbered measure: the measure is its title (行动措施),
            # the sub-item's own text its work (主要工作) — as a sub-row of a table.
            item_title = node.parent.title
            content = segment.strip()
        else:
            content = strip_heading(segment, title) if index == 1 else segment.strip()
            item_title = title if index == 1 else f"{title}（{heading_of(segment)}）"
        task = RawTask(
            area=area,
            code=code,
            title=item_title,
            content=content,
            leads=annotation.leads,
            cooperating=annotation.cooperating,
            where=str(node.place_at(annotation.start)),
            blanket=list(blanket),
        )
        found.append(task)
        blanket.extend(n for n in annotation.blanket if n not in blanket)
    tail = node.text[annotations[-1].end :].strip(" 。；;，,）)")
    before = node.text[: annotations[0].start].strip(" 。；;：:")
    if tail and len(found) == 1 and before == title.strip(" 。；;：:"):
        # 1.大力发展新能源（责任单位：…）。建设光伏电站…: the annotation follows the heading
        # and the measure's text comes after it
        found[0].content = node.text[annotations[-1].end :].strip(" 。；;，,") + "。"
        return found
    if len(tail) > 20:
        warnings.append(
            ImportWarning(
                str(node.place_at(annotations[-1].end)),
                f"“{title}”的责任单位标注之后还有一段未标注单位的文字（“{tail[:20]}…”），已并入该任务",
            )
        )
        found[-1].content += tail
    return found


def _action_as_task(node: Node, annotation: Annotation) -> bool:
    """An action heading that carries its own annotation and has no numbered measures —
    （四）城镇建设绿色低碳行动（责任单位：…） followed by its text — is one task, and the
    action is its area: the annotation follows the heading itself, or the heading's sibling
    headings are actions with measures of their own."""
    if node.level > LEVEL_SECTION or any(_annotated(child) for child in node.children):
        return False
    if node.text[: annotation.start].strip() == node.title.strip():
        return True  # the heading itself, then its annotation: not a sentence of an item
    siblings = [] if node.parent is None else node.parent.children
    return any(
        other is not node
        and other.level == node.level
        and any(child.level > node.level and _annotated(child) for child in other.children)
        for other in siblings
    )


def _action_task(node: Node, annotations: list[Annotation], blanket: list[str]) -> RawTask:
    """The task of an action heading: its text (before and after the annotation), its
    units (every annotation of it), the action as its area."""
    first = annotations[0]
    before = strip_heading(node.text[: first.start].strip(), node.title)
    after = "".join(
        node.text[a.end : b.start if b is not None else len(node.text)]
        for a, b in zip(annotations, [*annotations[1:], None], strict=True)
    ).strip(" 。；;，,")
    parts = [p for p in (before if before != node.title else "", after) if p]
    leads = list(dict.fromkeys(n for a in annotations for n in a.leads))
    cooperating = [n for a in annotations for n in a.cooperating if n not in leads]
    return RawTask(
        area=node,
        code=node.marker,
        title=node.title,
        content=("".join(parts) + ("。" if after else "")) if parts else node.title,
        leads=leads,
        cooperating=list(dict.fromkeys(cooperating)),
        where=str(node.place_at(first.start)),
        blanket=list(blanket),
    )


def _unannotated_siblings(root: Node) -> list[ImportWarning]:
    """Items without an annotation among siblings at least half of which have one:
    probably a lost annotation (a page break, a typo), so the person checking the preview
    should know. (Where most items have none, the annotated ones are the exception.)"""
    out: list[ImportWarning] = []
    for parent in root.walk():
        items = [c for c in parent.children if c.level >= LEVEL_SECTION]
        marked = [c for c in items if _annotated(c)]
        if not marked or len(marked) * 2 < len(items) or len(marked) == len(items):
            continue
        others = (
            "同级其他各项都有"
            if len(marked) == len(items) - 1
            else f"同级 {len(items)} 项中 {len(marked)} 项有"
        )
        for child in items:
            if not _annotated(child):
                out.append(
                    ImportWarning(
                        str(child.place),
                        f"“{child.title}”没有责任单位标注（{others}），未作为任务导入，请核对",
                    )
                )
    return out


def _annotated(node: Node) -> bool:
    return bool(find_annotations(node.text)) or any(_annotated(c) for c in node.children)


def _segments(text: str, annotations: list[Annotation]) -> list[tuple[str, Annotation]]:
    out: list[tuple[str, Annotation]] = []
    start = 0
    for annotation in annotations:
        out.append((text[start : annotation.start].strip(), annotation))
        start = annotation.end
    return out


def _collect_blanket_sentences(text: str, blanket: list[str]) -> None:
    for sentence in text.replace("；", "。").split("。"):
        units = blanket_units(sentence)
        if units:
            blanket.extend(n for n in units if n not in blanket)


# ---------------------------------------------------------------- plans that name no units


def _context(node: Node) -> bool:
    """A heading that introduces the document (指导思想, 主要目标 …) rather than tasks."""
    words = vocabulary().context_headings
    return any(word in node.title for word in words)


def _full_text(node: Node) -> str:
    """A node's text with the text of every node below it (a measure and its （1）（2）)."""
    return node.text + "".join(f"{n.marker}{n.text}" for n in node.walk()[1:])


def tasks_from_structure(root: Node) -> list[RawTask]:
    """The tasks of a document that names no responsible units at all (a pilot's
    试点实施方案: the pilot body leads every task), read from its numbering: every numbered
    item (1.) is a task, with its sub-items; a section (（一）) without items is a task of
    its chapter. Chapters and sections that introduce the document (指导思想, 主要目标 …,
    see ``context_headings`` in resources/vocabulary.json) hold no task."""
    tasks: list[RawTask] = []
    for node in root.walk():
        if node.level == 0 or any(_context(n) for n in [node, *node.ancestors()] if n.level):
            continue
        items = node.level == LEVEL_ITEM
        bare_section = node.level == LEVEL_SECTION and not any(
            child.level >= LEVEL_ITEM for child in node.children
        )
        if not (items or bare_section):
            continue
        content = strip_heading(_full_text(node), node.title)
        tasks.append(
            RawTask(
                area=area_of(node),
                code=code_of(node),
                title=node.title,
                content=content,
                leads=[],
                cooperating=[],
                where=str(node.place),
            )
        )
    return tasks

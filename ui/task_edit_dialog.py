"""Correcting one task of an import preview (controller of :class:`TaskEditView`).

The editor reads the fields back into a new :class:`ParsedTask`: unit lists are made canonical
with the importer's rules and the stored aliases (through a ``canonical_units`` callable, in
the application :func:`tracker.services.plans.canonical_task_units`) and shown back; targets are
extracted again when 主要工作 changed. What is wrong is said in the dialog, next to 确定.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from PySide6.QtWidgets import QWidget

from tracker.errors import TrackerError
from tracker.importing.result import ParsedTask
from tracker.importing.targets import extract_targets
from ui import errors
from ui.models import AreaKey, area_label
from ui.views.task_edit_view import TaskEditView

# (lead text, cooperating text) → canonical (leads, cooperating), see
# tracker.services.plans.canonical_task_units
UnitCanonicalizer = Callable[[str, str], tuple[list[str], list[str]]]

UNIT_SEPARATOR = "、"
_NO_AREA = "请填写重点领域（可从列表中选择）。"
_NO_AREA_TITLE = "重点领域“{text}”只有编号，请写出领域名称。"
_NO_TITLE = "行动措施不能为空。"
_NO_CONTENT = "主要工作不能为空。"
_NO_LEAD = "请至少填写一个牵头单位。"
_BOTH = "{units}不能既是牵头单位又是配合单位，请从其中一栏删去。"
_QUOTED = "“{name}”"

_NUMERALS = "一二三四五六七八九十百〇零"
_AREA_MARKER = re.compile(
    rf"^(?:(?P<bracketed>[（(][{_NUMERALS}\d]+[）)])"
    rf"|(?P<numeral>[{_NUMERALS}]+)[、.．]"
    rf"|(?P<number>\d+[、.．])"
    rf"|(?P<chapter>第[{_NUMERALS}\d]+[章节部分篇]))\s*"
)


def _number_of(code: str) -> str:
    """The numeral of an area code without its punctuation: （三） and 三、 both give 三."""
    return "".join(c for c in code if c.isdigit() or c in _NUMERALS)


def parse_area(text: str, known: Sequence[AreaKey] = ()) -> AreaKey:
    """The (code, title) of an area typed by a person.

    ``三、工业领域碳达峰行动`` gives (三, 工业领域碳达峰行动), as the importer writes a heading
    三、; ``（三）…`` keeps its brackets (full-width); a name without a number has the code "".
    An area of ``known`` is returned as it is when ``text`` is its label, or names its title
    with the same number or none, so that a measure moved there joins that area.
    """
    text = " ".join(text.split())
    for key in known:
        if area_label(*key) == text:
            return key
    match = _AREA_MARKER.match(text)
    if match is None:
        code, title = "", text
    else:
        title = text[match.end() :].strip()
        if match.group("bracketed"):
            code = f"（{match.group('bracketed')[1:-1]}）"
        elif match.group("numeral"):
            code = match.group("numeral")
        else:
            code = match.group("number") or match.group("chapter")
    for key in known:
        if key[1] == title and (not code or _number_of(key[0]) == _number_of(code)):
            return key
    return code, title


@dataclass(frozen=True)
class Problem:
    """Something that keeps the editor from accepting: what to say, and which field."""

    field: str  # "area", "title", "content", "lead", "cooperating"
    message: str


def task_problems(task: ParsedTask) -> list[Problem]:
    """What is wrong with an edited task, in the order of the fields (empty: nothing)."""
    problems: list[Problem] = []
    if not task.area_title.strip():
        message = _NO_AREA_TITLE.format(text=task.area_code) if task.area_code else _NO_AREA
        problems.append(Problem("area", message))
    if not task.title.strip():
        problems.append(Problem("title", _NO_TITLE))
    if not task.content.strip():
        problems.append(Problem("content", _NO_CONTENT))
    if not task.lead_units:
        problems.append(Problem("lead", _NO_LEAD))
    both = [u for u in task.cooperating_units if u in task.lead_units]
    if both:
        names = UNIT_SEPARATOR.join(_QUOTED.format(name=u) for u in both)
        problems.append(Problem("cooperating", _BOTH.format(units=names)))
    return problems


def _kept(typed: str, original: str) -> str | None:
    """None when the field still holds the original text, else the typed text stripped."""
    return None if typed == original else typed.strip()


class TaskEditDialog(TaskEditView):
    """Edits a copy of ``task``; after 确定 :attr:`edited_task` holds the result."""

    def __init__(
        self,
        task: ParsedTask,
        areas: Sequence[AreaKey],
        canonical_units: UnitCanonicalizer,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._task = task
        self._areas = list(dict.fromkeys([*areas, (task.area_code, task.area_title)]))
        self._canonical_units = canonical_units
        self.edited_task: ParsedTask | None = None
        self._lead_text = UNIT_SEPARATOR.join(task.lead_units)
        self._cooperating_text = UNIT_SEPARATOR.join(task.cooperating_units)
        self.show_fields(
            code=task.code,
            where=task.where,
            area=(task.area_code, task.area_title),
            areas=self._areas,
            title=task.title,
            content=task.content,
            lead=self._lead_text,
            cooperating=self._cooperating_text,
            deadline=task.deadline or "",
            remarks=task.remarks or "",
        )
        self._fields: dict[str, QWidget] = {
            "area": self.area_combo,
            "title": self.title_edit,
            "content": self.content_edit,
            "lead": self.lead_edit,
            "cooperating": self.cooperating_edit,
        }
        self.ok_button.clicked.connect(self._on_ok)
        self.cancel_button.clicked.connect(self.reject)

    def read_task(self) -> ParsedTask:
        """The task as the fields now say, unit lists made canonical (and shown back)."""
        task = self._task
        lead_typed = self.lead_edit.toPlainText()
        cooperating_typed = self.cooperating_edit.toPlainText()
        if (lead_typed, cooperating_typed) == (self._lead_text, self._cooperating_text):
            leads, cooperating = list(task.lead_units), list(task.cooperating_units)
        else:
            leads, cooperating = self._canonical_units(lead_typed, cooperating_typed)
            self.lead_edit.setPlainText(UNIT_SEPARATOR.join(leads))
            self.cooperating_edit.setPlainText(UNIT_SEPARATOR.join(cooperating))
            self._lead_text = self.lead_edit.toPlainText()
            self._cooperating_text = self.cooperating_edit.toPlainText()
        area_code, area_title = parse_area(self.area_combo.currentText(), self._areas)
        title = _kept(self.title_edit.text(), task.title)
        content = _kept(self.content_edit.toPlainText(), task.content)
        deadline = _kept(self.deadline_edit.text(), task.deadline or "")
        remarks = _kept(self.remarks_edit.text(), task.remarks or "")
        return replace(
            task,
            area_code=area_code,
            area_title=area_title,
            title=task.title if title is None else title,
            content=task.content if content is None else content,
            lead_units=leads,
            cooperating_units=cooperating,
            targets=list(task.targets) if content is None else extract_targets(content),
            deadline=task.deadline if deadline is None else deadline or None,
            remarks=task.remarks if remarks is None else remarks or None,
        )

    def _on_ok(self) -> None:
        try:
            task = self.read_task()
        except TrackerError as exc:  # the database could not be read for the aliases
            errors.show_error(exc, self)
            return
        problems = task_problems(task)
        if problems:
            self.show_problems(
                [p.message for p in problems], focus=self._fields.get(problems[0].field)
            )
            return
        self.show_problems([])
        self.edited_task = task
        self.accept()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        task: ParsedTask,
        areas: Sequence[AreaKey],
        canonical_units: UnitCanonicalizer,
    ) -> ParsedTask | None:
        """Show the editor modally; the edited task, or None when cancelled (tests patch
        this)."""
        dialog = cls(task, areas, canonical_units, parent)
        try:
            if dialog.exec() == cls.DialogCode.Accepted:
                return dialog.edited_task
            return None
        finally:
            dialog.deleteLater()

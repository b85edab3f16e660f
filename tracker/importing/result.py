"""The importer's result, as plain data: a preview that can be shown, printed or committed."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from tracker.importing.regions import RegionSpec, level_label


@dataclass(frozen=True)
class ImportWarning:
    """Something the importer could not decide, with its place (line, row, task)."""

    where: str
    message: str


@dataclass(frozen=True)
class TargetSpec:
    """A quantitative commitment found in a task's text (目标).

    ``comparator`` is one of ``>=``, ``<=``, ``>``, ``<``, ``=``, ``≈``; ``verb`` is the
    verb of the text (达到, 提高到, 下降, 控制在, 不低于 …) so that "下降14%" (a reduction
    by 14%) is not read as "reach 14%". ``direction`` says which way the indicator is to
    move — ``increase``, ``decrease`` or ``""`` when the text does not say — and
    ``baseline_year`` the year a change is measured from (较2020年下降14% → 2020), so that an
    actual value can be compared with the target.
    """

    year: int
    indicator: str
    verb: str
    comparator: str
    value: float
    unit: str
    text: str
    direction: str = ""
    baseline_year: int | None = None


@dataclass
class ParsedTask:
    """One task of the breakdown, before it is stored."""

    area_code: str
    area_title: str
    code: str
    title: str  # the measure (行动措施)
    content: str  # its text, or the 主要工作 cell
    lead_units: list[str]
    cooperating_units: list[str]
    targets: list[TargetSpec] = field(default_factory=list)
    where: str = ""
    deadline: str | None = None
    remarks: str | None = None


@dataclass
class ParsedPlan:
    """The whole preview: plan facts, tasks in document order, warnings."""

    title: str
    kind: str
    source_name: str
    source_format: str
    content_hash: str
    tasks: list[ParsedTask] = field(default_factory=list)
    warnings: list[ImportWarning] = field(default_factory=list)
    method: str = ""  # "table" or "annotations": how the breakdown was found
    start_year: int = 0  # first year with reporting periods (the document's date)
    horizon_year: int = 2030  # the plan's horizon (2030, or 2035 where it goes that far)
    region: RegionSpec | None = None  # who issued it (from the title, or as a person chose)

    @property
    def areas(self) -> list[tuple[str, str]]:
        """(code, title) of each area, in order of first appearance."""
        seen: dict[tuple[str, str], None] = {}
        for task in self.tasks:
            seen.setdefault((task.area_code, task.area_title), None)
        return list(seen)

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` form: ``{"plan": …, "tasks": […], "warnings": […]}``."""
        return {
            "plan": {
                "title": self.title,
                "kind": self.kind,
                "source": self.source_name,
                "format": self.source_format,
                "sha256": self.content_hash,
                "method": self.method,
                "start_year": self.start_year,
                "horizon_year": self.horizon_year,
                "region": region_json(self.region),
                "areas": [{"code": c, "title": t} for c, t in self.areas],
                "task_count": len(self.tasks),
            },
            "tasks": [task_json(t) for t in self.tasks],
            "warnings": [asdict(w) for w in self.warnings],
        }


def region_json(region: RegionSpec | None) -> dict[str, Any] | None:
    """A region in the ``--json`` shape: name, level (and its label), province, city."""
    if region is None:
        return None
    return {
        "name": region.name,
        "level": region.level,
        "level_label": level_label(region.level),
        "province": region.province,
        "city": region.city,
    }


def task_json(task: ParsedTask) -> dict[str, Any]:
    """One task in the JSON shape shared by ``import --json`` and ``tasks --json``."""
    return {
        "area": task.area_title,
        "area_code": task.area_code,
        "code": task.code,
        "title": task.title,
        "content": task.content,
        "lead_units": list(task.lead_units),
        "cooperating_units": list(task.cooperating_units),
        "targets": [asdict(t) for t in task.targets],
        "deadline": task.deadline,
        "remarks": task.remarks,
        "where": task.where,
    }

"""The stage rule of a key project (重大项目): 谋划 → 开工 → 投产 → 达效.

One pure function decides every change, for the services, the command line and the .xlsx
import alike:

* **forward by one stage** — allowed; the stage records the date it was reached (default:
  today).
* **forward over stages** (谋划 → 投产) — allowed only when the date of every stage passed
  over is given too (开工 on …): a project entered late in the program really went
  through them, and the ledger shows when. Without those dates the change is refused: the
  program never invents a date.
* **back** (投产 → 开工) — only with a reason; the dates of the stages above the new one
  are cleared on the project (the history keeps them, with the reason).
* **the same stage** — refused (nothing would change).

Dates are never later than today, and never earlier than the date of the stage before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from tracker.errors import InvalidInput
from tracker.services.pilot_terms import terms

# The stages that carry a date on the project, with the column that holds it.
DATE_FIELDS = {"started": "started_on", "operating": "operating_on", "effective": "effective_on"}


@dataclass(frozen=True)
class Step:
    """One stage change to record: from, to, on which date."""

    from_stage: str | None
    to_stage: str
    on: dt.date


@dataclass(frozen=True)
class StageMove:
    """What a change of stage does: the new stage, the project's new stage dates (stage key
    → date or None), the steps to record in the history, and whether it went back."""

    stage: str
    dates: dict[str, dt.date | None]
    steps: tuple[Step, ...]
    backward: bool


def stage_name(key: str) -> str:
    """The Chinese name of a stage key."""
    return terms().stages.name(key)


def _check_day(stage: str, on: dt.date, today: dt.date) -> None:
    if on > today:
        raise InvalidInput(
            f"{stage_name(stage)}日期 {on.isoformat()} 晚于今天（{today.isoformat()}），"
            "只能记录已经发生的阶段变化。"
        )


def check_dates(stage: str, dates: Mapping[str, dt.date | None], today: dt.date) -> None:
    """Dates fit a project at ``stage``: every stage reached (after 谋划) has its date, no
    stage beyond it has one, none is later than today, and they never go backwards."""
    order = terms().stages.keys
    reached = order.index(stage)
    previous: tuple[str, dt.date] | None = None
    for key in DATE_FIELDS:
        on = dates.get(key)
        position = order.index(key)
        if position <= reached and on is None:
            raise InvalidInput(f"项目处于{stage_name(stage)}阶段，须填写{stage_name(key)}日期。")
        if position > reached and on is not None:
            raise InvalidInput(
                f"项目处于{stage_name(stage)}阶段，不应有{stage_name(key)}日期"
                f"（{on.isoformat()}）；请改阶段或删去该日期。"
            )
        if on is None:
            continue
        _check_day(key, on, today)
        if previous is not None and on < previous[1]:
            raise InvalidInput(
                f"{stage_name(key)}日期 {on.isoformat()} 早于{stage_name(previous[0])}日期 "
                f"{previous[1].isoformat()}。"
            )
        previous = (key, on)


def move(
    current: str,
    dates: Mapping[str, dt.date | None],
    new: str,
    *,
    on: dt.date | None,
    reason: str | None,
    passed: Mapping[str, dt.date] | None = None,
    today: dt.date,
    since: dt.date | None = None,
) -> StageMove:
    """The change of a project at ``current`` (with its stage ``dates``) to ``new`` on
    ``on`` (default today); ``passed`` gives the dates of stages passed over; ``reason``
    is required to go back; ``since`` is the date of the project's last recorded change,
    which no new date may precede. See the module docstring for the rule."""
    order = terms().stages.keys
    when = on or today
    _check_day(new, when, today)
    if new == current:
        raise InvalidInput(f"项目已处于{stage_name(new)}阶段，无需变更。")
    for key, day in [*(passed or {}).items(), (new, when)]:
        if since is not None and day < since:
            raise InvalidInput(
                f"{stage_name(key)}日期 {day.isoformat()} 早于项目上一次阶段变更的日期 "
                f"{since.isoformat()}。"
            )
    if order.index(new) < order.index(current):
        return _back(current, dates, new, when, reason)
    passed = dict(passed or {})
    over = order[order.index(current) + 1 : order.index(new)]
    missing = [key for key in over if key not in passed]
    if missing:
        named = "、".join(stage_name(k) for k in missing)
        raise InvalidInput(
            f"从{stage_name(current)}直接变更为{stage_name(new)}跳过了{named}："
            f"请同时给出{named}日期，或逐级变更（程序不替跳过的阶段编造日期）。"
        )
    extra = [k for k in passed if k not in over]
    if extra:
        raise InvalidInput(
            f"只需给出所跳过阶段的日期；{'、'.join(stage_name(k) for k in extra)}不在其中。"
        )
    new_dates = dict(dates)
    steps: list[Step] = []
    previous = current
    for key in [*over, new]:
        day = passed.get(key, when)
        if key in DATE_FIELDS:
            new_dates[key] = day
        steps.append(Step(previous, key, day))
        previous = key
    check_dates(new, new_dates, today)
    return StageMove(new, new_dates, tuple(steps), backward=False)


def _back(
    current: str,
    dates: Mapping[str, dt.date | None],
    new: str,
    when: dt.date,
    reason: str | None,
) -> StageMove:
    if not (reason or "").strip():
        raise InvalidInput(
            f"项目阶段从{stage_name(current)}退回{stage_name(new)}须说明理由。",
            hint="用 --reason 说明理由。",
        )
    order = terms().stages.keys
    new_dates = {
        key: (None if order.index(key) > order.index(new) else dates.get(key))
        for key in DATE_FIELDS
    }
    reached = dates.get(current)
    if reached is not None and when < reached:
        raise InvalidInput(
            f"退回日期 {when.isoformat()} 早于{stage_name(current)}日期 {reached.isoformat()}。"
        )
    return StageMove(new, new_dates, (Step(current, new, when),), backward=True)

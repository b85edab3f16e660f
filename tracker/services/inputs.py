"""Checking what a person typed for the pilot part: texts, dates, amounts, period codes.

Each function returns the clean value or raises :class:`InvalidInput` with a Chinese
message that names the field (the .xlsx import adds the file, sheet, row and column).
Amounts are :class:`~decimal.Decimal` throughout — never a float — so that 0.1 万元 stays
0.1 万元: at most four decimal places (元 for 万元, 吨 for 万吨), never negative.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from tracker.errors import InvalidInput
from tracker.services.access import parse_period_code

MAX_TEXT = 20_000
MAX_AMOUNT = Decimal("100000000")  # 1万亿元 in 万元: more is a typing error
AMOUNT_PLACES = 4
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－＋", "0123456789.,-+")
_TAG_SEPARATORS = re.compile(r"[、,，;；\s]+")


def text(value: object, label: str, *, limit: int = MAX_TEXT, required: bool = False) -> str:
    """A text field, trimmed; refused when required and empty, or longer than ``limit``."""
    clean = "" if value is None else str(value).strip()
    if required and not clean:
        raise InvalidInput(f"“{label}”不能为空。")
    if len(clean) > limit:
        raise InvalidInput(f"“{label}”太长（{len(clean)} 字），最多 {limit} 字。")
    return clean


def day(value: object, label: str) -> dt.date | None:
    """A date written YYYY-MM-DD (also 2025/7/1, 2025.7.1, 2025年7月1日); None when empty."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):  # an Excel date cell
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = str(value).strip().translate(_FULL_WIDTH)
    if not raw:
        return None
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", raw)
    try:
        if match is None:
            raise ValueError(raw)
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise InvalidInput(
            f"“{label}”的日期“{value}”无效：请写作 YYYY-MM-DD，如 2025-07-01。"
        ) from None


def amount(value: object, label: str, unit: str) -> Decimal | None:
    """A non-negative amount in ``unit`` (万元, 万吨CO₂) with at most four decimal places;
    None when empty. ``1,250.5`` and full-width digits are read; a negative number, a
    fifth decimal place or something that is not a number is refused."""
    if value is None:
        return None
    if isinstance(value, float):
        value = repr(value)  # the shortest text of the float, not its binary expansion
    raw = str(value).strip().translate(_FULL_WIDTH)
    if not raw:
        return None
    if _THOUSANDS.match(raw):
        raw = raw.replace(",", "")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise InvalidInput(f"“{label}”的值“{value}”不是数字（单位：{unit}）。") from None
    if not number.is_finite():
        raise InvalidInput(f"“{label}”的值“{value}”不是有效数字。")
    if number < 0:
        raise InvalidInput(f"“{label}”不能为负数（填写的是 {value} {unit}）。")
    if number > MAX_AMOUNT:
        raise InvalidInput(f"“{label}” {value} {unit} 超出范围（最多 {MAX_AMOUNT} {unit}）。")
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > AMOUNT_PLACES:
        raise InvalidInput(
            f"“{label}”的值“{value}”小数位太多：最多 {AMOUNT_PLACES} 位（单位：{unit}）。"
        )
    return number.quantize(Decimal(1).scaleb(-AMOUNT_PLACES))


def amount_text(value: Decimal | None) -> str:
    """An amount as people write it: ``1250.5``, ``300`` (no trailing zeros); empty for None."""
    if value is None:
        return ""
    shown = format(value.normalize(), "f")
    return shown if shown != "-0" else "0"


def period(value: str) -> str:
    """A period given by the user, as its code (``2025H1`` / ``2025H2``)."""
    return parse_period_code(value)


def year(value: str | int, label: str) -> int:
    """A year between 2000 and 2100."""
    try:
        found = int(str(value).strip().removesuffix("年"))
    except ValueError:
        raise InvalidInput(f"“{label}”的年份“{value}”不是整数。") from None
    if not 2000 <= found <= 2100:
        raise InvalidInput(f"“{label}”的年份 {found} 超出范围（2000–2100）。")
    return found


def tags(values: str | Iterable[str] | None) -> str:
    """Tags as stored: each once, in the order given, joined by 、 (every separator a
    person might type is read: 、 , ， ; ； space)."""
    if values is None:
        return ""
    pieces = [values] if isinstance(values, str) else list(values)
    found: list[str] = []
    for piece in pieces:
        for tag in _TAG_SEPARATORS.split(piece.strip()):
            if tag and tag not in found:
                found.append(tag)
    joined = "、".join(found)
    if len(joined) > 500:
        raise InvalidInput(f"标签太多太长（{len(joined)} 字），合计最多 500 字。")
    return joined

"""What every output shares: the result object, progress and cancel, atomic file writes,
user text made safe for Excel and Word, display labels of areas, and the wording and layout
files in ``resources/outputs/``. Units are shown by :func:`tracker.services.regions.labels_by_id`
(银川市·市发展改革委 where two units share a name), the program's one rule for that."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker import config
from tracker.errors import InvalidInput, TrackerError

Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]

LAYOUTS = config.RESOURCES / "outputs"

# Characters XML 1.0 cannot hold (control characters other than tab and line breaks):
# a report pasted from elsewhere may carry them, and Excel and Word refuse such files.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A cell starting with one of these would be taken for a formula by a spreadsheet program.
FORMULA_TRIGGERS = ("=", "+", "-", "@")
EXCEL_CELL_LIMIT = 32_767


class ExportCancelled(TrackerError):
    """The user cancelled an export; nothing was written."""

    exit_code = 130

    def __init__(self) -> None:
        super().__init__("已取消导出，没有写入任何文件。")


class OutputFailed(TrackerError):
    """A file could not be written (folder missing, no permission, disk full, file open)."""

    exit_code = 9


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: the file (or the folder of forms), every file, and counts
    such as ``{"tasks": 48, "periods": 1}``."""

    path: Path
    files: tuple[Path, ...]
    counts: dict[str, int] = field(default_factory=dict)


class Job:
    """Progress and cancel for one long export: :meth:`step` reports ``done`` of ``total``
    and raises :class:`ExportCancelled` once the cancel check says so."""

    def __init__(self, progress: Progress | None, cancelled: CancelCheck | None) -> None:
        self._progress = progress
        self._cancelled = cancelled
        self.total = 1

    def step(self, done: int) -> None:
        """Report progress and stop here if the user cancelled."""
        if self._cancelled is not None and self._cancelled():
            raise ExportCancelled
        if self._progress is not None:
            self._progress(min(done, self.total), self.total)


# ---------------------------------------------------------------- files


def _write_error(path: Path, exc: OSError) -> OutputFailed:
    reason = exc.strerror or str(exc)
    if isinstance(exc, PermissionError):
        reason += "（没有写入权限，或文件正被 Excel / Word 等程序打开）"
    return OutputFailed(f"无法写入“{path}”：{reason}")


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """A temporary file next to ``path`` to write into; when the block ends without an
    error it replaces ``path`` in one step, otherwise it is removed and ``path`` is left
    as it was (a failed or cancelled export never leaves a broken file)."""
    folder = path.parent
    if not folder.is_dir():
        raise OutputFailed(f"无法写入“{path}”：文件夹“{folder}”不存在。")
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise _write_error(path, exc) from exc
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        _sync(temporary)
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise _write_error(path, exc) from exc
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _sync(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


@contextlib.contextmanager
def staged_folder(folder: Path) -> Iterator[Path]:
    """A hidden staging folder inside ``folder`` to write several files into; when the
    block ends without an error each file is moved into ``folder``, otherwise the staging
    folder is removed and ``folder`` is left as it was."""
    if not folder.is_dir():
        raise OutputFailed(f"无法写入：文件夹“{folder}”不存在。")
    try:
        staging = Path(tempfile.mkdtemp(prefix=".tracker-export-", dir=folder))
    except OSError as exc:
        raise _write_error(folder, exc) from exc
    try:
        yield staging
        for file in sorted(staging.iterdir()):
            _sync(file)
            os.replace(file, folder / file.name)
    except OSError as exc:
        raise _write_error(folder, exc) from exc
    finally:
        for leftover in staging.iterdir():
            leftover.unlink(missing_ok=True)
        staging.rmdir()


def output_path(output: str | Path, suffix: str, what: str) -> Path:
    """``output`` as a path, refused with a message unless it ends in ``suffix``
    (``.xlsx``, ``.docx``); ``what`` names the document (试点建设情况总览)."""
    path = Path(output)
    if path.suffix.lower() != suffix:
        raise InvalidInput(f"{what}应保存为 {suffix} 文件：“{path.name}”。")
    return path


_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


MAX_FILE_NAME = 120


def safe_file_name(name: str) -> str:
    """``name`` usable as a file name on Windows and Linux (reserved characters → ＿), at
    most :data:`MAX_FILE_NAME` characters; a long name is shortened before its extension."""
    cleaned = _UNSAFE_NAME.sub("＿", name).strip().strip(".")
    if len(cleaned) > MAX_FILE_NAME:
        stem, dot, suffix = cleaned.rpartition(".")
        if dot and stem and 0 < len(suffix) <= 5:
            cleaned = stem[: MAX_FILE_NAME - len(suffix) - 1].rstrip() + "." + suffix
        else:
            cleaned = cleaned[:MAX_FILE_NAME]
    return cleaned or "未命名"


# ---------------------------------------------------------------- user text


def clean_text(value: str | None) -> str:
    """User text without the control characters XML cannot hold, line breaks as ``\\n``."""
    if not value:
        return ""
    return _XML_ILLEGAL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def excel_text(value: str | None, limit: int = EXCEL_CELL_LIMIT) -> str:
    """User text for an Excel cell: cleaned, and cut at Excel's limit with a note."""
    text = clean_text(value)
    if len(text) > limit:
        note = "……（超出 Excel 单元格长度上限，以下从略）"
        text = text[: limit - len(note)] + note
    return text


def looks_like_formula(value: object) -> bool:
    """Whether a spreadsheet program would take ``value`` for a formula if it were typed."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


# ---------------------------------------------------------------- labels


_NUMERAL_CODE = re.compile(r"^[一二三四五六七八九十百]+$")


def area_label(code: str, title: str) -> str:
    """An area as the plan numbers it: ``（一）能源绿色低碳转型行动``, ``四、对外合作``."""
    code = code.strip()
    if not code:
        return title
    if _NUMERAL_CODE.match(code):
        return f"{code}、{title}"
    if code.isdigit():
        return f"{code}.{title}"
    return f"{code}{title}"


def bare_area_title(label: str) -> str:
    """An area's title without the plan's own numbering, for a report that numbers its
    headings afresh: ``（一）能源绿色低碳转型行动`` → ``能源绿色低碳转型行动``."""
    for mark in ("、", "）", "."):
        head, sep, tail = label.partition(mark)
        if sep and len(head) <= 5 and tail:
            return tail
    return label


_DIGITS = "零一二三四五六七八九"


def chinese_number(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (for headings 一、（一）)."""
    if number < 10:
        return _DIGITS[number]
    if number < 20:
        return "十" + (_DIGITS[number % 10] if number % 10 else "")
    if number < 100:
        tens, ones = divmod(number, 10)
        return _DIGITS[tens] + "十" + (_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(number, 100)
    if rest == 0:
        return _DIGITS[hundreds] + "百"
    middle = "零" + _DIGITS[rest] if rest < 10 else chinese_number(rest)
    if 10 <= rest < 20:
        middle = "一" + middle
    return _DIGITS[hundreds] + "百" + middle


# ---------------------------------------------------------------- resources


@functools.cache
def layout(name: str) -> dict[str, Any]:
    """The wording and layout numbers of one kind of document (``resources/outputs/NAME.json``)."""
    path = LAYOUTS / f"{name}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OutputFailed(f"无法读取程序资源文件“{path}”：{exc}") from exc
    if not isinstance(data, dict):
        raise OutputFailed(f"程序资源文件“{path}”的格式不正确：应为一个 JSON 对象。")
    return data

"""Read a plan file (.txt, .docx, .xlsx) into a :class:`SourceDocument`, safely.

Everything a user can hand us is checked before a library sees it: the path, the size, the
extension against the content (a .docx renamed .xlsx, a PDF renamed .docx, an old binary
.doc), the text encoding, and for Office files the zip directory (truncated archives, CRC
errors, zip bombs). Each refusal is an :class:`ImportFailed` with a Chinese message that
names the file and says what to do; a corrupt file never ends in a traceback.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import io
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import docx
import openpyxl
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from openpyxl.utils.exceptions import InvalidFileException

from tracker.errors import ImportFailed
from tracker.importing.convert import convert_with_libreoffice
from tracker.importing.document import Place, SourceDocument, SourceLine, SourceTable
from tracker.importing.numbering import Numbering
from tracker.importing.pdf import read_pdf

MB = 1024 * 1024
MAX_FILE_BYTES = 100 * MB
"""Largest file we read at all."""
MAX_UNZIPPED_BYTES = 200 * MB
"""Largest total uncompressed size of an Office file's zip members."""
MAX_ZIP_MEMBERS = 10_000
MAX_COMPRESSION_RATIO = 200
"""Largest uncompressed:compressed ratio accepted for a zip member over RATIO_CHECK_BYTES."""
RATIO_CHECK_BYTES = 1 * MB
MAX_SHEET_CELLS = 2_000_000
"""Largest rows × columns rectangle of one worksheet (a stray cell at XFD1048576 would
otherwise make a grid of 17 billion cells)."""

TEXT_SUFFIXES = (".txt", ".text")
WORD_SUFFIXES = (".docx",)
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
PDF_SUFFIXES = (".pdf",)
# Older or other office formats, read after LibreOffice converted them (.docx / .xlsx).
LEGACY_WORD_SUFFIXES = (".doc", ".wps", ".dot", ".wpt", ".docm", ".dotx", ".rtf", ".odt")
LEGACY_EXCEL_SUFFIXES = (".xls", ".et", ".ett", ".ods")
SUPPORTED_SUFFIXES = (
    TEXT_SUFFIXES
    + WORD_SUFFIXES
    + EXCEL_SUFFIXES
    + PDF_SUFFIXES
    + LEGACY_WORD_SUFFIXES
    + LEGACY_EXCEL_SUFFIXES
)

_SAVE_AS_DOCX = "请用 Word/WPS 另存为 .docx 后再导入"
_SAVE_AS_XLSX = "请用 Excel/WPS 另存为 .xlsx 后再导入"

# Extensions we recognise but cannot read, with what to do instead.
_REFUSED_SUFFIXES = {
    ".csv": f"不支持 CSV 文件，{_SAVE_AS_XLSX}",
    ".ofd": "OFD 版式文件不能直接导入，请先导出为 PDF、文本（.txt）或 Word（.docx）后再导入",
}

# What each legacy format is, as said in a message.
_LEGACY_LABELS = {
    ".doc": "旧版 Word 文档（.doc）",
    ".wps": "WPS 文字的旧格式文档（.wps）",
    ".dot": "旧版 Word 模板（.dot）",
    ".wpt": "WPS 文字模板（.wpt）",
    ".docm": "启用宏的 Word 文档（.docm）",
    ".dotx": "Word 模板（.dotx）",
    ".rtf": "RTF 文档",
    ".odt": "OpenDocument 文本（.odt）",
    ".xls": "旧版 Excel 表格（.xls）",
    ".et": "WPS 表格的旧格式文件（.et）",
    ".ett": "WPS 表格模板（.ett）",
    ".ods": "OpenDocument 表格（.ods）",
}
# What the bytes of a legacy file may be (an old .doc is often RTF or a saved web page).
_LEGACY_WORD_KINDS = {"ole-word", "ole", "rtf", "html", "xml", "text", "odt", "docx", "docm"}
_LEGACY_EXCEL_KINDS = {"ole-excel", "ole", "html", "xml", "ods", "xlsx"}

# What a file's bytes turn out to be, as said in a message.
_CONTENT_LABELS = {
    "docx": "Word 文档（.docx）",
    "docm": "启用宏的 Word 文档（.docm）",
    "xlsx": "Excel 表格（.xlsx）",
    "pptx": "PowerPoint 演示文稿（.pptx）",
    "odt": "OpenDocument 文本（.odt）",
    "ods": "OpenDocument 表格（.ods）",
    "odf": "OpenDocument 文件",
    "ofd": "OFD 版式文件",
    "zip": "普通压缩包（.zip）",
    "broken-zip": "不完整的压缩包",
    "encrypted": "加密（设置了打开密码）的 Office 文件",
    "ole-word": "旧版 Word 文档（.doc）",
    "ole-excel": "旧版 Excel 表格（.xls）",
    "ole": "旧版 Office 文件（.doc/.xls）",
    "pdf": "PDF 文件",
    "rtf": "RTF 文档",
    "html": "网页（HTML/MHT）",
    "xml": "XML 文件",
    "text": "纯文本",
    "binary": "无法识别的二进制数据",
}

_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_document(path: Path) -> SourceDocument:
    """Read a plan file; raise ImportFailed with a clear Chinese message for anything unusable.

    ``.txt``/``.text`` become one :class:`SourceLine` per line (``Place(line=n)``); ``.docx``
    becomes its body paragraphs (``Place(paragraph=n)``) and top-level tables
    (``Place(table=k, row=r)``); ``.xlsx``/``.xlsm`` become one table per visible sheet
    (``Place(sheet=title, row=r)``). Merged cells are resolved (``merged_filled=True``).
    ``.pdf`` becomes its paragraphs and ruled tables (``Place(page=p, line=n)``, see
    :mod:`tracker.importing.pdf`). Legacy formats (.doc, .wps, .xls, .et …) are converted by
    LibreOffice when it is installed and then read as .docx / .xlsx.
    """
    name = str(path)
    _check_path(path, name)
    suffix = path.suffix.lower()
    if suffix in _REFUSED_SUFFIXES:
        raise ImportFailed(name, _REFUSED_SUFFIXES[suffix])
    if suffix not in SUPPORTED_SUFFIXES:
        supported = "、".join(SUPPORTED_SUFFIXES)
        what = f"不支持的文件类型“{suffix}”" if suffix else "文件没有扩展名，无法判断类型"
        raise ImportFailed(name, f"{what}；可以导入的类型：{supported}")
    data = _read_bytes(path, name)
    if not data.strip():
        raise ImportFailed(name, "文件是空的（没有任何内容）")
    document = SourceDocument(path=path, format=suffix[1:], sha256=hashlib.sha256(data).hexdigest())
    if suffix in TEXT_SUFFIXES:
        text, document.encoding = _decode_text(data, name, suffix)
        document.format, document.lines = "txt", _text_lines(text)
    elif suffix in PDF_SUFFIXES:
        _read_pdf_into(document, data, name, suffix)
    elif suffix in WORD_SUFFIXES or suffix in LEGACY_WORD_SUFFIXES:
        if suffix in LEGACY_WORD_SUFFIXES:
            data = _converted(data, name, suffix, "docx")
        _check_office_zip(data, name, suffix, expected="docx")
        document.lines, document.tables = _read_docx(data, name)
    else:
        if suffix in LEGACY_EXCEL_SUFFIXES:
            data = _converted(data, name, suffix, "xlsx")
        else:
            document.format = "xlsx"
        _check_office_zip(data, name, suffix, expected="xlsx")
        document.tables = _read_xlsx(data, name)
    return document


def _read_pdf_into(document: SourceDocument, data: bytes, name: str, suffix: str) -> None:
    kind = _sniff(data)
    if kind == "binary":
        raise ImportFailed(
            name, "这不是有效的 PDF 文件（文件开头没有 PDF 标记），内容无法识别或已损坏"
        )
    if kind != "pdf":
        raise _wrong_content(name, suffix, kind)
    content = read_pdf(data, name)
    document.lines, document.tables, document.warnings = (
        content.lines,
        content.tables,
        content.warnings,
    )


def _converted(data: bytes, name: str, suffix: str, target: str) -> bytes:
    """A legacy file's bytes as .docx / .xlsx, converted by LibreOffice; refused first when
    its content is something else (a PDF named .doc, a password-protected file)."""
    kind = _sniff(data)
    allowed = _LEGACY_WORD_KINDS if target == "docx" else _LEGACY_EXCEL_KINDS
    if kind not in allowed:
        raise _wrong_content(name, suffix, kind)
    return convert_with_libreoffice(data, suffix, target, name, _LEGACY_LABELS[suffix])


# --------------------------------------------------------------------------- the file itself


def _check_path(path: Path, name: str) -> None:
    try:
        if not path.exists():
            raise ImportFailed(name, "文件不存在，请检查路径和文件名")
        if path.is_dir():
            raise ImportFailed(name, "这是一个文件夹，不是文件；请选择文件夹中的方案文件")
        if not path.is_file():
            raise ImportFailed(name, "这不是普通文件（可能是设备或管道），无法读取")
        size = path.stat().st_size
    except OSError as exc:
        raise ImportFailed(name, f"无法访问文件：{_os_reason(exc)}") from exc
    if size == 0:
        raise ImportFailed(name, "文件是空的（0 字节）")
    if size > MAX_FILE_BYTES:
        raise ImportFailed(name, _too_big(size))


def _read_bytes(path: Path, name: str) -> bytes:
    try:
        with path.open("rb") as stream:
            # One byte more than the cap: the file may have grown since it was checked.
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ImportFailed(name, f"无法读取文件：{_os_reason(exc)}") from exc
    if len(data) > MAX_FILE_BYTES:
        raise ImportFailed(name, _too_big(len(data)))
    return data


def _too_big(size: int) -> str:
    limit = MAX_FILE_BYTES // MB
    return f"文件太大（{size / MB:.1f} MB），超过 {limit} MB 的上限，不像是一份实施方案"


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "没有读取权限（文件可能正被其他程序独占打开，或权限不足）"
    return exc.strerror or str(exc)


# --------------------------------------------------------------------------- what the bytes are


def _sniff(data: bytes) -> str:
    """What the bytes are, judged from their start: a key of ``_CONTENT_LABELS``."""
    if data.startswith((_ZIP_MAGIC, _EMPTY_ZIP_MAGIC)):
        return _zip_kind(data)
    if data.startswith(_OLE_MAGIC):
        return _ole_kind(data)
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"%pdf") or b"%PDF-" in data[:1024]:
        return "pdf"  # a reader accepts up to 1 KB of junk before the PDF header
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith((b"<!doctype html", b"<html", b"mime-version:")):
        return "html"
    if head.startswith(b"<?xml"):
        return "xml"
    if b"\x00" not in data[:4096] and _share_of_bad_chars(_lenient_decode(data[:4096])) < 0.01:
        return "text"
    return "binary"


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if any(n.startswith("word/") for n in names):
                types = _small_member(archive, "[Content_Types].xml")
                return "docm" if b"macroEnabled" in types else "docx"
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
            if any(n.startswith("ppt/") for n in names):
                return "pptx"
            if "mimetype" in names:
                mimetype = _small_member(archive, "mimetype")
                if b"opendocument.text" in mimetype:
                    return "odt"
                if b"opendocument.spreadsheet" in mimetype:
                    return "ods"
                return "odf"
            if any(n.lower() == "ofd.xml" for n in names):
                return "ofd"
            return "zip"
    except _ZIP_ERRORS:
        return "broken-zip"


def _small_member(archive: zipfile.ZipFile, member: str) -> bytes:
    """The first 64 KB of a member, or b"" when it is missing (enough to recognise it)."""
    try:
        with archive.open(member) as stream:
            return stream.read(64 * 1024)
    except (KeyError, RuntimeError, NotImplementedError):
        # Missing, password-protected or oddly compressed: the member check says which.
        return b""


def _ole_kind(data: bytes) -> str:
    # An OLE compound file holds stream names in UTF-16LE; an encrypted .docx/.xlsx is an
    # OLE file with an "EncryptedPackage" stream.
    if "EncryptedPackage".encode("utf-16-le") in data:
        return "encrypted"
    if "WordDocument".encode("utf-16-le") in data:
        return "ole-word"
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "ole-excel"
    return "ole"


def _wrong_content(name: str, suffix: str, kind: str) -> ImportFailed:
    label = _CONTENT_LABELS[kind]
    if kind == "encrypted":
        return ImportFailed(
            name,
            "文件设置了打开密码（已加密），无法读取；请在 Word/WPS/Excel 中取消密码后另存再导入",
        )
    if kind == "broken-zip":
        return _truncated(name)
    advice = {
        "docx": "请把扩展名改为 .docx 后再导入",
        "xlsx": "请把扩展名改为 .xlsx 后再导入",
        "text": "请把扩展名改为 .txt 后再导入",
        "pdf": "请把扩展名改为 .pdf 后再导入",
        "ofd": "请先导出为 PDF、文本（.txt）或 Word（.docx）后再导入",
        "ole-word": "请把扩展名改为 .doc 后再导入，或用 Word/WPS 另存为 .docx",
        "ole-excel": "请把扩展名改为 .xls 后再导入，或用 Excel/WPS 另存为 .xlsx",
        "odt": "请把扩展名改为 .odt 后再导入",
        "ods": "请把扩展名改为 .ods 后再导入",
        "rtf": "请把扩展名改为 .rtf 后再导入",
    }.get(kind, _SAVE_AS_DOCX)
    return ImportFailed(name, f"扩展名是 {suffix}，但内容是{_spaced(label)}；{advice}")


def _spaced(label: str) -> str:
    """A leading space before a Latin word, as Chinese typesetting puts one: 是 Word 文档."""
    return f" {label}" if label[:1].isascii() else label


def _truncated(name: str) -> ImportFailed:
    return ImportFailed(
        name, "文件不完整或已损坏（压缩结构无法读取），可能是下载或复制没有完成；请重新获取文件"
    )


# --------------------------------------------------------------------------- text files

_BOMS = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Characters that do not occur in real text: C0/C1 controls other than tab, line feed,
# carriage return and form feed (PDF extraction writes a form feed at page breaks), and
# the private-use areas. A share of them marks binary data decoded as text.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\U000f0000-\U0010ffff]")
# What Chinese plan text consists of: ASCII, CJK ideographs and punctuation, full-width forms.
_COMMON_CHARS = re.compile("[\t\n\r\x20-\x7e\u2000-\u206f\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# Removed from every line: invisible controls and stray byte-order marks.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff]")


def _decode_text(data: bytes, name: str, suffix: str) -> tuple[str, str]:
    """(text, encoding) of a text file: BOM, else UTF-8, else GB18030 (covers GBK/GB2312)."""
    kind = _sniff(data)
    if kind not in ("text", "binary", "xml", "html"):
        raise _wrong_content(name, suffix, kind)
    text, encoding = _decode(data, name)
    if _share_of_bad_chars(text) > 0.01:
        raise ImportFailed(name, "这不是文本文件（内容含有大量控制字符，像是二进制数据）")
    if not text.strip():
        raise ImportFailed(name, "文件是空的（只有空白字符）")
    return text, encoding


def _decode(data: bytes, name: str) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            codec = encoding.removesuffix("-sig")
            try:
                return body.decode(codec), encoding
            except UnicodeDecodeError as exc:
                # Count line breaks as characters: in UTF-16/32 a 0x0A byte is not one.
                lines_before = body[: exc.start].decode(codec, "replace").count("\n")
                where = str(Place(line=lines_before + 1))
                raise ImportFailed(
                    name, f"文件开头标明是 {encoding.upper()} 编码，但内容不符，无法解码", where
                ) from exc
    if b"\x00" in data:
        utf16 = _bomless_utf16(data)
        if utf16 is not None:
            return utf16
        raise ImportFailed(name, "这不是文本文件（内容含有空字节，像是二进制数据）")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        if _mostly_utf8(data):
            # A damaged UTF-8 file also "decodes" as GB18030, into nonsense: refuse instead.
            raise ImportFailed(
                name,
                "文件是 UTF-8 编码，但有无法识别的字节（文件可能已损坏）；"
                "请检查这一行后另存为 UTF-8",
                _line_of(data, utf8_error.start),
            ) from utf8_error
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError as gb_error:
            raise ImportFailed(
                name,
                "无法识别文件的文字编码（既不是 UTF-8，也不是 GB18030/GBK）；"
                "请用记事本或 WPS 另存为 UTF-8 编码后再导入",
                _line_of(data, gb_error.start),
            ) from gb_error


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a byte-order mark: the byte order whose text reads as Chinese/ASCII."""
    if len(data) % 2:
        return None
    best: tuple[float, str, str] | None = None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        share = (len(text) - len(_COMMON_CHARS.sub("", text))) / len(text)
        if share >= 0.9 and (best is None or share > best[0]):
            best = (share, text, encoding)
    return None if best is None else (best[1], best[2])


def _mostly_utf8(data: bytes) -> bool:
    """True when valid multi-byte UTF-8 sequences far outnumber the invalid bytes."""
    decoded = data.decode("utf-8", "replace")
    invalid = decoded.count("\ufffd")
    non_ascii = len(decoded) - len(decoded.encode("ascii", "ignore")) - invalid
    return non_ascii >= 20 * invalid


def _lenient_decode(sample: bytes) -> str:
    """A best-effort decode of a short sample, only to judge whether it looks like text."""
    for encoding in ("utf-8", "gb18030"):
        try:
            return sample.decode(encoding)
        except UnicodeDecodeError as exc:
            if exc.start >= len(sample) - 4:  # the sample cut a character in two
                return sample[: exc.start].decode(encoding)
    return "\x00"


def _share_of_bad_chars(text: str) -> float:
    if not text:
        return 0.0
    return (len(text) - len(_BAD_CHARS.sub("", text))) / len(text)


def _line_of(data: bytes, offset: int) -> str:
    return str(Place(line=data.count(b"\n", 0, offset) + 1))


def _text_lines(text: str) -> list[SourceLine]:
    """One line per line of the file, numbered as an editor numbers them."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    raw_lines = text.split("\n")
    if raw_lines[-1] == "":  # a final line break does not start another line
        raw_lines.pop()
    return [
        SourceLine(_INVISIBLE.sub("", line), Place(line=number))
        for number, line in enumerate(raw_lines, start=1)
    ]


# --------------------------------------------------------------------------- Office zip checks

# NotImplementedError: an unknown zip version or compression method.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
)


def _check_office_zip(data: bytes, name: str, suffix: str, expected: str) -> None:
    """Refuse anything that is not an intact, reasonably sized zip of the expected kind."""
    kind = _sniff(data)
    if kind == "broken-zip":
        raise _truncated(name)
    if kind != expected:
        if kind == "binary":
            label = "Word 文档" if expected == "docx" else "Excel 表格"
            raise ImportFailed(
                name, f"这不是有效的{_spaced(label)}（{suffix}），文件内容无法识别或已损坏"
            )
        raise _wrong_content(name, suffix, kind)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_zip_sizes(archive, name)
            _check_zip_members(archive, name)
    except _ZIP_ERRORS as exc:
        raise _truncated(name) from exc


def _check_zip_sizes(archive: zipfile.ZipFile, name: str) -> None:
    # The sizes come from the zip directory; zipfile never inflates a member past its
    # declared size (a lie ends in a CRC error), so checking them bounds the work.
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise ImportFailed(
            name,
            f"压缩结构异常：包含 {len(members)} 个部件，超过 {MAX_ZIP_MEMBERS} 个的上限"
            "（疑似恶意构造的“压缩炸弹”），已拒绝导入",
        )
    total = sum(member.file_size for member in members)
    if total > MAX_UNZIPPED_BYTES:
        raise ImportFailed(
            name,
            f"压缩结构异常：解压后共 {total / MB:.1f} MB，超过 {MAX_UNZIPPED_BYTES // MB} MB 的上限"
            "（疑似恶意构造的“压缩炸弹”），已拒绝导入",
        )
    for member in members:
        if member.file_size > RATIO_CHECK_BYTES:
            ratio = member.file_size / max(member.compress_size, 1)
            if ratio > MAX_COMPRESSION_RATIO:
                raise ImportFailed(
                    name,
                    f"压缩结构异常：部件“{member.filename}”的压缩比为 {ratio:.0f}:1，"
                    f"超过 {MAX_COMPRESSION_RATIO}:1 的上限"
                    "（疑似恶意构造的“压缩炸弹”），已拒绝导入",
                )


def _check_zip_members(archive: zipfile.ZipFile, name: str) -> None:
    """Inflate every member once, so that a CRC error or a cut member is reported by name."""
    for member in archive.infolist():
        try:
            with archive.open(member) as stream:
                while stream.read(MB):
                    pass
        except (NotImplementedError, RuntimeError) as exc:
            # Unsupported compression method, or a password on the zip member itself.
            raise ImportFailed(
                name,
                f"文件中的部件“{member.filename}”无法解压（{exc}）；"
                "请用 Word/WPS/Excel 另存后再导入",
            ) from exc
        except _ZIP_ERRORS as exc:
            raise ImportFailed(
                name,
                f"文件已损坏：其中的部件“{member.filename}”无法正确解压（{exc}）；请重新获取文件",
            ) from exc


# Failures of python-docx / openpyxl while they parse a file we have already checked. The
# call that raises them is a single library call, so nothing of ours is hidden; SyntaxError
# covers lxml's XMLSyntaxError and ElementTree's ParseError.
_LIBRARY_ERRORS = (
    PackageNotFoundError,
    InvalidFileException,
    *_ZIP_ERRORS,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    SyntaxError,
)


def _corrupt(name: str, exc: BaseException) -> ImportFailed:
    detail = str(exc).strip() or type(exc).__name__
    return ImportFailed(name, f"文件已损坏或格式不正确：{detail}")


@contextmanager
def _quiet_libraries() -> Iterator[None]:
    # openpyxl warns about every feature it drops while reading (data validation
    # extensions, conditional formats …): irrelevant for reading cell values.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\.|$)")
        warnings.filterwarnings("ignore", category=UserWarning, module=r"docx(\.|$)")
        yield


# --------------------------------------------------------------------------- Word

_P = qn("w:p")
_R = qn("w:r")
_TBL = qn("w:tbl")
_TR = qn("w:tr")
_TC = qn("w:tc")
_SDT = qn("w:sdt")
_SDT_CONTENT = qn("w:sdtContent")
_CUSTOM_XML = qn("w:customXml")
_VAL = qn("w:val")
# Elements that only wrap runs (hyperlinks, tracked insertions, smart tags, simple fields,
# content controls …); tracked deletions (w:del, w:moveFrom) are left out.
_RUN_WRAPPERS = {
    qn(tag)
    for tag in ("w:hyperlink", "w:ins", "w:moveTo", "w:smartTag", "w:fldSimple", "w:dir", "w:bdo")
} | {_CUSTOM_XML}
_RUN_TEXT = {
    qn("w:t"): None,
    qn("w:tab"): "\t",
    qn("w:ptab"): "\t",
    qn("w:br"): "\n",
    qn("w:cr"): "\n",
    qn("w:noBreakHyphen"): "-",
}

# An lxml element of the document tree (lxml ships no type information).
_Element = Any


def _read_docx(data: bytes, name: str) -> tuple[list[SourceLine], list[SourceTable]]:
    try:
        with _quiet_libraries():
            document = docx.Document(io.BytesIO(data))
            body = document.element.body
            numbering = Numbering.from_parts(
                document.part.numbering_part.element, document.styles.element
            )
    except _LIBRARY_ERRORS as exc:
        raise _corrupt(name, exc) from exc
    lines: list[SourceLine] = []
    tables: list[SourceTable] = []
    paragraph_number = table_number = 0
    for block in _blocks(body):
        if block.tag == _P:
            paragraph_number += 1
            # A soft line break (Shift+Enter) starts a new line of text, as in a text file.
            # Word's automatic list numbering is not in the text: render its label.
            text_of_block = numbering.label(block) + _paragraph_text(block)
            for text in text_of_block.split("\n"):
                lines.append(SourceLine(text, Place(paragraph=paragraph_number)))
        else:
            table_number += 1
            rows = _trimmed(_table_rows(block))
            if rows:
                places = [Place(table=table_number, row=r) for r in range(1, len(rows) + 1)]
                tables.append(SourceTable(rows=rows, places=places, merged_filled=True))
    if not any(line.text.strip() for line in lines) and not tables:
        raise ImportFailed(name, "文档中没有文字（可能只有图片或扫描件）")
    return lines, tables


def _blocks(container: _Element) -> Iterator[_Element]:
    """The paragraphs and tables of a body or cell, looking inside content controls."""
    for child in container:
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _blocks(content)
        elif child.tag == _CUSTOM_XML:
            yield from _blocks(child)


def _children(parent: _Element, tag: str) -> Iterator[_Element]:
    """Children with ``tag`` (rows of a table, cells of a row), also inside content controls."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _children(content, tag)
        elif child.tag == _CUSTOM_XML:
            yield from _children(child, tag)


def _paragraph_text(paragraph: _Element) -> str:
    parts: list[str] = []
    _collect_runs(paragraph, parts)
    return "".join(parts)


def _collect_runs(element: _Element, parts: list[str]) -> None:
    for child in element:
        if child.tag == _R:
            for item in child:
                if item.tag in _RUN_TEXT:
                    parts.append(_RUN_TEXT[item.tag] or item.text or "")
        elif child.tag in _RUN_WRAPPERS:
            _collect_runs(child, parts)
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                _collect_runs(content, parts)


def _cell_text(cell: _Element) -> str:
    """The paragraphs of a cell joined with line breaks; nested tables are folded in."""
    texts: list[str] = []
    for block in _blocks(cell):
        if block.tag == _P:
            texts.append(_paragraph_text(block))
        else:
            for row in _children(block, _TR):
                texts.extend(text for tc in _children(row, _TC) if (text := _cell_text(tc)))
    return "\n".join(texts).strip()


def _table_rows(table: _Element) -> list[list[str]]:
    """Rows on the table grid; merged cells resolved.

    A cell spanning several grid columns (gridSpan) keeps its text in its first column and
    leaves "" in the others; a vertically merged cell (vMerge) gives its text to every row
    it spans. Rows that start or end with skipped grid columns (gridBefore/gridAfter) are
    aligned on the grid.
    """
    rows: list[dict[int, str]] = []
    merge_origin: dict[int, str] = {}  # grid column → text of the vertical merge running there
    width = len(table.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}"))
    for tr in _children(table, _TR):
        cells: dict[int, str] = {}
        column = _row_property(tr, "w:gridBefore")
        for tc in _children(tr, _TC):
            span = max(1, _cell_property(tc, "w:gridSpan", default="1"))
            vertical = _merge_state(tc, "w:vMerge")
            if _merge_state(tc, "w:hMerge") == "continue":
                text = ""  # the legacy form of a horizontal merge: part of the cell before
            elif vertical == "continue" and column in merge_origin:
                text = merge_origin[column]
            else:
                text = _cell_text(tc)
                if vertical is not None:  # a continuation with nothing above starts a merge
                    merge_origin[column] = text
                else:
                    merge_origin.pop(column, None)
            cells[column] = text
            for covered in range(column + 1, column + span):
                cells[covered] = ""
                merge_origin.pop(covered, None)
            column += span
        width = max(width, column + _row_property(tr, "w:gridAfter"))
        rows.append(cells)
    return [[cells.get(c, "") for c in range(width)] for cells in rows]


def _merge_state(tc: _Element, tag: str) -> str | None:
    """``"restart"``, ``"continue"`` or None (an element without w:val means continue)."""
    element = tc.find(f"{qn('w:tcPr')}/{qn(tag)}")
    if element is None:
        return None
    return "restart" if element.get(_VAL) == "restart" else "continue"


def _cell_property(tc: _Element, tag: str, default: str) -> int:
    element = tc.find(f"{qn('w:tcPr')}/{qn(tag)}")
    return _to_int(default if element is None else element.get(_VAL, default))


def _row_property(tr: _Element, tag: str) -> int:
    element = tr.find(f"{qn('w:trPr')}/{qn(tag)}")
    return 0 if element is None else max(0, _to_int(element.get(_VAL, "0")))


def _to_int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0  # an invalid number in the XML: Word ignores it too


def _trimmed(rows: list[list[str]]) -> list[list[str]]:
    """Rows without trailing empty rows, and without trailing columns empty in every row."""
    while rows and not any(rows[-1]):
        rows.pop()
    width = max((i + 1 for row in rows for i, cell in enumerate(row) if cell), default=0)
    return [row[:width] + [""] * (width - len(row)) for row in rows]


# --------------------------------------------------------------------------- Excel


def _read_xlsx(data: bytes, name: str) -> list[SourceTable]:
    try:
        with _quiet_libraries():
            workbook = openpyxl.load_workbook(
                io.BytesIO(data), data_only=True, keep_links=False, rich_text=False
            )
    except _LIBRARY_ERRORS as exc:
        raise _corrupt(name, exc) from exc
    tables: list[SourceTable] = []
    try:
        for sheet in workbook.worksheets:
            if sheet.sheet_state != "visible":
                continue
            rows = _sheet_rows(sheet, name)
            if rows:
                places = [Place(sheet=sheet.title, row=r) for r in range(1, len(rows) + 1)]
                tables.append(
                    SourceTable(rows=rows, places=places, merged_filled=True, name=sheet.title)
                )
    finally:
        workbook.close()
    if not tables:
        raise ImportFailed(name, "工作簿中没有数据（所有可见的工作表都是空的）")
    return tables


def _sheet_rows(sheet: Any, name: str) -> list[list[str]]:
    """The sheet's values as strings, row 1 first; merged ranges resolved; trailing
    empty rows and columns cut."""
    values: dict[tuple[int, int], str] = {}
    # The cells the file holds. Going through sheet.iter_rows() instead would create an
    # empty cell for every position of the used range, which can be millions.
    for (row, column), cell in sheet._cells.items():
        try:
            # The number format is looked up lazily, by an index that a corrupt file can
            # point past the end of the style table.
            number_format = cell.number_format
        except _LIBRARY_ERRORS as exc:
            raise _corrupt(name, exc) from exc
        text = _cell_string(cell.value, number_format)
        if text:
            values[row, column] = text
    if not values:
        return []
    height = max(row for row, _ in values)
    width = max(column for _, column in values)
    if height * width > MAX_SHEET_CELLS:
        raise ImportFailed(
            name,
            f"数据范围过大（{height} 行 × {width} 列）；请删除表格以外的多余内容后再导入",
            f"工作表“{sheet.title}”",
        )
    for merged in sheet.merged_cells.ranges:
        # openpyxl keeps the value in the top-left cell and empties the others. A vertical
        # span gets the value on every row in its first column (like Word's vMerge); the
        # other columns of a horizontal span stay empty.
        origin = values.get((merged.min_row, merged.min_col))
        for row in range(merged.min_row, min(merged.max_row, height) + 1):
            for column in range(merged.min_col, min(merged.max_col, width) + 1):
                values.pop((row, column), None)
                if origin and column == merged.min_col:
                    values[row, column] = origin
    rows = [[values.get((r, c), "") for c in range(1, width + 1)] for r in range(1, height + 1)]
    return _trimmed(rows)


def _cell_string(value: object, number_format: str) -> str:
    """A cell value as the text a reader sees: numbers without a spurious ``.0``,
    percentages as percentages, dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        if _is_percent_format(number_format):
            return _number_string(value * 100) + "%"
        return _number_string(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes" if not value.second else "seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="minutes" if not value.second else "seconds")
    return str(value)  # timedelta, error values such as #REF!


def _number_string(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    if value.is_integer():
        return str(int(value))
    # 15 significant digits, as Excel shows them (0.1 + 0.2 is 0.3, not 0.30000000000000004).
    return f"{value:.15g}"


def _is_percent_format(number_format: str) -> bool:
    # Ignore text in quotes and escaped characters: "0.0\%" or "0\"%\"" are not percentages.
    unquoted = re.sub(r'"[^"]*"|\\.', "", number_format or "")
    return "%" in unquoted

"""Reading plan files: text encodings, Word and Excel tables, and every way a file can be
unusable (each refused with a message naming the file and the problem)."""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from tracker.errors import ImportFailed
from tracker.importing.document import Place, SourceDocument
from tracker.importing.sources import read_document

from builders import Formula, write_docx, write_xlsx, write_zip, write_zip_bomb
from conftest import OWN_PLANS, PLAN_NO_BREAKDOWN, SEED_000, SEED_001, SEED_002, SEED_004

# Our own plans always; the real ones whenever ../shared/seeds is there.
TEXT_FILES = [
    *[pytest.param(path, id=path.stem) for path in OWN_PLANS],
    *[
        pytest.param(path, marks=pytest.mark.seeds, id=f"seed-{path.name[:3]}")
        for path in (SEED_000, SEED_001, SEED_002, SEED_004)
    ],
]
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def refused(path: Path) -> str:
    """The message of the ImportFailed raised for ``path``; it always names the file."""
    with pytest.raises(ImportFailed) as info:
        read_document(path)
    message = str(info.value)
    assert str(path) in message
    return message


def texts(document: SourceDocument) -> list[str]:
    return [line.text for line in document.lines]


# --------------------------------------------------------------------------- text files


@pytest.mark.parametrize("seed", TEXT_FILES)
def test_plan_reads_with_one_line_per_line_of_the_file(seed: Path) -> None:
    raw = seed.read_bytes()
    expected_lines = raw.count(b"\n") + (0 if raw.endswith(b"\n") else 1)

    document = read_document(seed)

    assert document.format == "txt"
    assert document.encoding == "utf-8"
    assert document.sha256 == hashlib.sha256(raw).hexdigest()
    assert document.tables == []
    assert len(document.lines) == expected_lines
    assert [line.place for line in document.lines] == [
        Place(line=n) for n in range(1, expected_lines + 1)
    ]
    assert texts(document) == raw.decode("utf-8").splitlines()


@pytest.mark.parametrize("seed", TEXT_FILES)
def test_gb18030_copy_reads_like_the_original(seed: Path, tmp_path: Path) -> None:
    copy = tmp_path / "gbk.txt"
    copy.write_bytes(seed.read_text(encoding="utf-8").encode("gb18030"))

    document = read_document(copy)

    assert document.encoding == "gb18030"
    assert texts(document) == texts(read_document(seed))
    assert document.sha256 == hashlib.sha256(copy.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (b"\xff\xfe" + "一、总体要求\r\n（一）能源\r\n".encode("utf-16-le"), "utf-16-le"),
        (b"\xfe\xff" + "一、总体要求\r\n（一）能源\r\n".encode("utf-16-be"), "utf-16-be"),
        (b"\xef\xbb\xbf" + "一、总体要求\r\n（一）能源".encode(), "utf-8-sig"),
        ("一、总体要求\r\n（一）能源\r\n".encode("utf-16-le"), "utf-16-le"),  # no BOM
    ],
)
def test_unicode_files_with_byte_order_marks(tmp_path: Path, encoded: bytes, encoding: str) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(encoded)

    document = read_document(path)

    assert document.encoding == encoding
    assert texts(document) == ["一、总体要求", "（一）能源"]


def test_line_endings_are_normalised_and_empty_lines_kept(tmp_path: Path) -> None:
    path = tmp_path / "plan.text"
    path.write_bytes("第一行\r\n\r\n第三行\r第四行\n\f第五行\t（页）\n\n".encode())

    document = read_document(path)

    assert texts(document) == ["第一行", "", "第三行", "第四行", "第五行\t（页）", ""]
    assert document.lines[4].place == Place(line=5)


def test_binary_data_with_zero_bytes_is_not_text(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)

    assert "不是文本文件" in refused(path)


def test_control_characters_are_not_text(tmp_path: Path) -> None:
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16, 65, 66]) * 100)

    assert "不是文本文件" in refused(path)


def test_damaged_utf8_is_refused_at_its_line_not_read_as_gb18030(tmp_path: Path) -> None:
    data = bytearray(PLAN_NO_BREAKDOWN.read_bytes())
    line_start = data.index(b"\n", data.index(b"\n") + 1) + 1  # line 3
    data[line_start] = 0xFF
    path = tmp_path / "damaged.txt"
    path.write_bytes(bytes(data))

    message = refused(path)

    assert "UTF-8" in message
    assert "第3行" in message


def test_undecodable_text_names_the_encoding_problem(tmp_path: Path) -> None:
    path = tmp_path / "odd.txt"
    path.write_bytes("碳达峰".encode("gb18030") + b"\x81\x20" + "行动".encode("gb18030"))

    message = refused(path)

    assert "编码" in message
    assert "第1行" in message


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("empty.txt", b""),
        ("blank.txt", b" \r\n\t\n"),
        ("bom.txt", b"\xef\xbb\xbf"),
        ("fullwidth.txt", "\u3000\u3000\n".encode()),
        ("empty.docx", b""),
        ("empty.xlsx", b"  \n"),
    ],
)
def test_empty_files_are_refused(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)

    assert "空的" in refused(path)


def test_missing_file(tmp_path: Path) -> None:
    assert "不存在" in refused(tmp_path / "没有这个文件.docx")


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "plans.txt"
    folder.mkdir()

    assert "文件夹" in refused(folder)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("一、总体要求", encoding="utf-8")

    def deny(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    # Tests may run as root, where chmod 000 does not stop reading.
    monkeypatch.setattr(Path, "open", deny)

    assert "没有读取权限" in refused(path)


def test_file_over_the_size_cap(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as stream:  # sparse: takes no disk space
        stream.truncate(101 * 1024 * 1024)

    message = refused(path)

    assert "文件太大" in message
    assert "100 MB" in message


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("plan.csv", "不支持 CSV 文件，请用 Excel/WPS 另存为 .xlsx"),
        ("plan.ofd", "OFD 版式文件不能直接导入，请先导出为 PDF"),
    ],
)
def test_refused_formats_say_what_to_do(tmp_path: Path, name: str, phrase: str) -> None:
    path = tmp_path / name
    path.write_text("一、总体要求", encoding="utf-8")

    assert phrase in refused(path)


@pytest.mark.parametrize("name", ["plan.md", "plan.pptx", "plan"])
def test_unsupported_extension_lists_the_supported_ones(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("一、总体要求", encoding="utf-8")

    message = refused(path)

    assert ".txt、.text、.docx、.xlsx、.xlsm、.pdf、.doc、.wps" in message


# --------------------------------------------------------------------------- content vs extension


def test_word_document_renamed_xlsx(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "plan.docx", ["一、总体要求"])
    renamed = path.rename(tmp_path / "任务分工.xlsx")

    assert "扩展名是 .xlsx，但内容是 Word 文档（.docx）" in refused(renamed)


def test_workbook_renamed_docx(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "plan.xlsx", {"分工": [["序号", "主要工作"]]})
    renamed = path.rename(tmp_path / "任务分工.docx")

    assert "扩展名是 .docx，但内容是 Excel 表格（.xlsx）" in refused(renamed)


def test_word_document_renamed_txt(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "plan.docx", ["一、总体要求"])
    renamed = path.rename(tmp_path / "plan.txt")

    assert "扩展名是 .txt，但内容是 Word 文档（.docx）" in refused(renamed)


@pytest.mark.parametrize(
    ("data", "phrase"),
    [
        (b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n1 0 obj", "内容是 PDF 文件"),
        (OLE_HEADER + "WordDocument".encode("utf-16-le"), "内容是旧版 Word 文档（.doc）"),
        (OLE_HEADER + "EncryptedPackage".encode("utf-16-le"), "设置了打开密码"),
        ("一、总体要求\n（一）能源".encode(), "内容是纯文本"),
        (bytes(range(256)) * 4, "不是有效的 Word 文档"),
    ],
)
def test_docx_that_is_not_a_zip(tmp_path: Path, data: bytes, phrase: str) -> None:
    path = tmp_path / "plan.docx"
    path.write_bytes(data)

    assert phrase in refused(path)


def test_encrypted_workbook(tmp_path: Path) -> None:
    path = tmp_path / "分工.xlsx"
    path.write_bytes(OLE_HEADER + "EncryptedPackage".encode("utf-16-le") + bytes(512))

    assert "已加密" in refused(path)


def test_truncated_docx(tmp_path: Path) -> None:
    full = write_docx(tmp_path / "full.docx", ["一、总体要求"] * 200).read_bytes()
    path = tmp_path / "cut.docx"
    path.write_bytes(full[: len(full) // 2])

    assert "文件不完整或已损坏" in refused(path)


def test_member_with_a_crc_error_is_named(tmp_path: Path) -> None:
    content = b"<w:document>" + "碳达峰".encode() * 100 + b"</w:document>"
    path = write_zip(
        tmp_path / "crc.docx",
        {"[Content_Types].xml": b"<Types/>", "word/document.xml": content},
        compression=zipfile.ZIP_STORED,
    )
    data = bytearray(path.read_bytes())
    data[data.index(content) + 40] ^= 0xFF
    path.write_bytes(bytes(data))

    message = refused(path)

    assert "已损坏" in message
    assert "word/document.xml" in message


def test_docx_with_missing_parts(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "parts.docx", {"word/document.xml": b"<w:document/>"})

    assert "文件已损坏或格式不正确" in refused(path)


def test_docx_with_broken_xml(tmp_path: Path) -> None:
    good = write_docx(tmp_path / "good.docx", ["一、总体要求"])
    with zipfile.ZipFile(good) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["word/document.xml"] = members["word/document.xml"][:-40]
    path = write_zip(tmp_path / "broken.docx", members)

    assert "文件已损坏或格式不正确" in refused(path)


def test_zip_bomb_over_the_total_size_cap(tmp_path: Path) -> None:
    path = write_zip_bomb(tmp_path / "bomb.docx", size=300 * 1024 * 1024)
    assert path.stat().st_size < 2 * 1024 * 1024

    message = refused(path)

    assert "压缩炸弹" in message
    assert "200 MB" in message


def test_zip_bomb_by_compression_ratio(tmp_path: Path) -> None:
    path = write_zip_bomb(
        tmp_path / "ratio.xlsx",
        size=20 * 1024 * 1024,
        member="xl/worksheets/sheet1.xml",
        others={"[Content_Types].xml": b"<Types/>"},
    )

    message = refused(path)

    assert "压缩比" in message
    assert "xl/worksheets/sheet1.xml" in message


def test_zip_with_too_many_members(tmp_path: Path) -> None:
    path = tmp_path / "many.docx"
    with zipfile.ZipFile(path, "w") as archive:
        for n in range(10_001):
            archive.writestr(f"word/media/{n}.xml", b"")

    message = refused(path)

    assert "10001 个部件" in message
    assert "压缩炸弹" in message


# --------------------------------------------------------------------------- Word


def test_docx_paragraphs_and_a_table_with_merged_cells(tmp_path: Path) -> None:
    table = [
        ["序号", "重点领域", "主要工作", "牵头单位", "配合单位"],
        ["1", "能源绿色低碳转型行动", "大力发展新能源", "市发改委", "市自然资源局"],
        ["2", "", "严控煤炭消费\n推进煤电节能改造", "市发改委", "/"],
        ["3", "", "合理调控油气消费", "市商务局", ""],
        ["4", "节能降碳增效行动", "全面提升节能管理能力", "各县（市）区人民政府", ""],
    ]
    merges = {0: [(1, 1, 3, 1), (4, 3, 4, 4)]}  # a vertical 重点领域, a horizontal unit cell
    path = write_docx(
        tmp_path / "方案.docx", ["银川市碳达峰实施方案", "", "一、总体要求"], [table], merges
    )

    document = read_document(path)

    assert document.format == "docx"
    assert document.encoding is None
    assert texts(document) == ["银川市碳达峰实施方案", "", "一、总体要求"]
    assert [line.place for line in document.lines] == [Place(paragraph=n) for n in (1, 2, 3)]
    [source] = document.tables
    assert source.merged_filled
    assert source.rows == [
        ["序号", "重点领域", "主要工作", "牵头单位", "配合单位"],
        ["1", "能源绿色低碳转型行动", "大力发展新能源", "市发改委", "市自然资源局"],
        ["2", "能源绿色低碳转型行动", "严控煤炭消费\n推进煤电节能改造", "市发改委", "/"],
        ["3", "能源绿色低碳转型行动", "合理调控油气消费", "市商务局", ""],
        ["4", "节能降碳增效行动", "全面提升节能管理能力", "各县（市）区人民政府", ""],
    ]
    assert source.places == [Place(table=1, row=r) for r in range(1, 6)]


def test_docx_block_merged_both_ways_and_trailing_empty_rows(tmp_path: Path) -> None:
    table = [
        ["领域", "措施", "单位", ""],
        ["工业", "", "市工信局", ""],
        ["", "", "市发改委", ""],
        ["", "", "", ""],
    ]
    path = write_docx(tmp_path / "block.docx", [], [table], {0: [(1, 0, 2, 1)]})

    [source] = read_document(path).tables

    assert source.rows == [
        ["领域", "措施", "单位"],
        ["工业", "", "市工信局"],
        ["工业", "", "市发改委"],
    ]
    assert source.places == [Place(table=1, row=r) for r in (1, 2, 3)]


def test_docx_nested_table_soft_break_and_tracked_insertion(tmp_path: Path) -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("（一）能源绿色低碳转型行动")
    paragraph.add_run().add_break()
    paragraph.add_run("1.大力发展新能源")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "牵头单位"
    inner = table.cell(0, 1).add_table(rows=2, cols=1)
    inner.cell(0, 0).text = "市发改委"
    inner.cell(1, 0).text = "市工信局"
    inserted = document.add_paragraph("到2025年")
    # A tracked insertion wraps its runs in <w:ins>; python-docx's own .text skips it.
    run = inserted.add_run("，非化石能源消费比重达到20%")
    wrapper = docx.oxml.parse_xml(f'<w:ins {W_NS} w:id="1" w:author="a"/>')
    run._r.addprevious(wrapper)
    wrapper.append(run._r)
    path = tmp_path / "nested.docx"
    document.save(str(path))

    source = read_document(path)

    assert texts(source) == [
        "（一）能源绿色低碳转型行动",
        "1.大力发展新能源",
        "到2025年，非化石能源消费比重达到20%",
    ]
    assert [line.place for line in source.lines] == [
        Place(paragraph=1),
        Place(paragraph=1),
        Place(paragraph=2),
    ]
    assert source.tables[0].rows == [["牵头单位", "市发改委\n市工信局"]]


def test_docx_row_with_skipped_grid_columns_and_content_controls(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    for c, text in enumerate(["序号", "主要工作", "牵头单位"]):
        table.cell(0, c).text = text
    row = table.rows[1]._tr
    row.remove(row.tc_lst[0])  # the row starts one grid column in (w:gridBefore)
    row.get_or_add_trPr().append(docx.oxml.parse_xml(f'<w:gridBefore {W_NS} w:val="1"/>'))
    row.tc_lst[0].append(docx.oxml.parse_xml(f"<w:p {W_NS}><w:r><w:t>推进节能</w:t></w:r></w:p>"))
    row.tc_lst[1].append(
        docx.oxml.parse_xml(
            f"<w:p {W_NS}><w:sdt><w:sdtContent><w:r><w:t>市发改委</w:t></w:r>"
            "</w:sdtContent></w:sdt></w:p>"
        )
    )
    body = document.element.body
    body.insert(
        0,
        docx.oxml.parse_xml(
            f"<w:sdt {W_NS}><w:sdtContent><w:p><w:r><w:t>封面标题</w:t></w:r></w:p>"
            "</w:sdtContent></w:sdt>"
        ),
    )
    path = tmp_path / "grid.docx"
    document.save(str(path))

    source = read_document(path)

    assert texts(source) == ["封面标题"]
    assert source.tables[0].rows == [["序号", "主要工作", "牵头单位"], ["", "推进节能", "市发改委"]]


def test_docx_without_any_text(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "scan.docx", ["", "  "])

    assert "没有文字" in refused(path)


# --------------------------------------------------------------------------- Excel


def test_xlsx_values_and_merged_cells(tmp_path: Path) -> None:
    rows = [
        ["序号", "重点领域", "主要工作", "目标", "完成时限", "投资（亿元）", "牵头单位"],
        [1, "能源绿色低碳转型行动", "大力发展新能源", 0.2, dt.date(2025, 12, 31), 12.5, "市发改委"],
        [2, None, "严控煤炭消费", 5000, dt.datetime(2030, 6, 30, 0, 0), Formula("=F3*2", 3), None],
        [3.0, None, "合理调控油气消费", None, None, Formula("=F3+0.1", 3.1), None],
        [None, None, None, None, None, None, None],
    ]
    path = write_xlsx(
        tmp_path / "任务分工.xlsx",
        {"分工": rows, "说明": [["仅供内部参考"]]},
        titles={"分工": "银川市碳达峰实施方案任务分工"},
        merges={"分工": ["B3:B5", "G3:G5"]},
        number_formats={"分工": {"D3": "0%"}},
        hidden={"说明"},
    )

    document = read_document(path)

    assert document.format == "xlsx"
    assert document.lines == []
    [sheet] = document.tables  # the hidden sheet is left out
    assert sheet.name == "分工"
    assert sheet.merged_filled
    assert sheet.rows == [
        ["银川市碳达峰实施方案任务分工", "", "", "", "", "", ""],
        ["序号", "重点领域", "主要工作", "目标", "完成时限", "投资（亿元）", "牵头单位"],
        ["1", "能源绿色低碳转型行动", "大力发展新能源", "20%", "2025-12-31", "12.5", "市发改委"],
        ["2", "能源绿色低碳转型行动", "严控煤炭消费", "5000", "2030-06-30", "3", "市发改委"],
        ["3", "能源绿色低碳转型行动", "合理调控油气消费", "", "", "3.1", "市发改委"],
    ]
    assert sheet.places == [Place(sheet="分工", row=r) for r in range(1, 6)]


def test_xlsx_horizontal_merge_keeps_value_in_first_column(tmp_path: Path) -> None:
    rows = [["主要工作", "牵头单位", "配合单位", ""], ["推进节能改造", "各县（区）", None, None]]
    path = write_xlsx(tmp_path / "h.xlsm", {"Sheet1": rows}, merges={"Sheet1": ["B2:C2"]})

    [sheet] = read_document(path).tables

    assert sheet.rows == [["主要工作", "牵头单位", "配合单位"], ["推进节能改造", "各县（区）", ""]]


def test_xlsx_with_only_empty_sheets(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "blank.xlsx", {"Sheet1": [[None, ""]], "隐藏": [["x"]]}, hidden={"隐藏"}
    )

    assert "没有数据" in refused(path)


def test_xlsx_stray_cell_far_away_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "stray.xlsx", {"分工": [["序号", "主要工作"]]})
    workbook = openpyxl.load_workbook(path)
    workbook["分工"]["XFD1048576"] = "x"
    workbook.save(path)

    message = refused(path)

    assert "数据范围过大" in message
    assert "工作表“分工”" in message


def test_byte_order_mark_that_does_not_match_the_content(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xff\xfe" + "上\n上\n第三行".encode("utf-16-le") + b"\x00\xd8")

    message = refused(path)

    assert "UTF-16-LE 编码，但内容不符" in message
    assert "第3行" in message

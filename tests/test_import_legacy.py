"""Legacy office files (.doc, .wps, .xls, .et): converted by LibreOffice when it is installed,
otherwise refused with a message that names the format and says how to convert it.

The conversions themselves need LibreOffice: those tests are skipped, with that reason, on
a machine without it (CI installs it)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tracker.errors import ImportFailed
from tracker.importing import convert
from tracker.importing.importer import parse_plan
from tracker.importing.result import ParsedPlan

from builders import write_xlsx

FIXTURES = Path(__file__).parent / "fixtures" / "pdf"
PLAN_DOCX = FIXTURES / "示例市碳达峰实施方案.docx"
OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
SOFFICE = convert.find_soffice()
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed: legacy formats not converted"
)
TABLE = [
    ["序号", "重点领域", "行动措施", "主要工作", "牵头单位", "配合单位"],
    [
        "1",
        "一、能源绿色低碳转型行动",
        "大力发展新能源",
        "建设光伏电站。",
        "市发展改革委",
        "市财政局",
    ],
    ["2", "一、能源绿色低碳转型行动", "推动煤炭清洁利用", "实施三改联动。", "市发展改革委", "/"],
]


def refused(path: Path) -> str:
    with pytest.raises(ImportFailed) as info:
        parse_plan(path)
    message = str(info.value)
    assert str(path) in message
    return message


def breakdown(plan: ParsedPlan) -> list[tuple[object, ...]]:
    return [
        (t.area_title, t.code, t.title, t.content, t.lead_units, t.cooperating_units, t.targets)
        for t in plan.tasks
    ]


def save_as(source: Path, folder: Path, target: str) -> Path:
    """``source`` saved by LibreOffice in an older format (the way an office would)."""
    assert SOFFICE is not None
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                SOFFICE,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(folder),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    return folder / f"{source.stem}.{target.split(':')[0]}"


# ---------------------------------------------------------------- without LibreOffice


@pytest.mark.parametrize(
    ("suffix", "label", "modern"),
    [
        (".doc", "旧版 Word 文档（.doc）", ".docx"),
        (".wps", "WPS 文字的旧格式文档（.wps）", ".docx"),
        (".xls", "旧版 Excel 表格（.xls）", ".xlsx"),
        (".et", "WPS 表格的旧格式文件（.et）", ".xlsx"),
    ],
)
def test_without_libreoffice_the_message_names_format_and_remedy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str, label: str, modern: str
) -> None:
    monkeypatch.setenv(convert.ENV_SOFFICE, "")  # as on a machine without LibreOffice
    path = tmp_path / f"plan{suffix}"
    path.write_bytes(OLE_HEADER)

    message = refused(path)

    assert f"这是{label}" in message
    assert "没有安装 LibreOffice" in message
    assert f"另存为 {modern}" in message
    assert "libreoffice-writer-nogui" in message


def test_encrypted_legacy_file_is_refused_before_converting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(convert.ENV_SOFFICE, "")
    path = tmp_path / "plan.doc"
    path.write_bytes(OLE_HEADER + "EncryptedPackage".encode("utf-16-le"))

    assert "设置了打开密码" in refused(path)


def test_pdf_named_doc_is_refused_before_converting(tmp_path: Path) -> None:
    path = tmp_path / "plan.doc"
    path.write_bytes(b"%PDF-1.7\n" + bytes(100))

    assert "扩展名是 .doc，但内容是 PDF 文件；请把扩展名改为 .pdf" in refused(path)


def fake_soffice(tmp_path: Path, body: str) -> str:
    script = tmp_path / "soffice"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    return str(script)


def test_a_conversion_over_the_time_limit_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(convert.ENV_SOFFICE, fake_soffice(tmp_path, "sleep 30"))
    path = tmp_path / "plan.doc"
    path.write_bytes(OLE_HEADER)

    with pytest.raises(ImportFailed, match=r"超过 0.5 秒仍未完成，已停止") as info:
        convert.convert_with_libreoffice(
            path.read_bytes(), ".doc", "docx", str(path), "旧版 Word 文档（.doc）", timeout=0.5
        )
    assert "旧版 Word 文档" in str(info.value)


def test_a_failed_conversion_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        convert.ENV_SOFFICE,
        fake_soffice(tmp_path, "echo 'Error: source file could not be loaded' >&2"),
    )
    path = tmp_path / "plan.xls"
    path.write_bytes(OLE_HEADER)

    message = refused(path)

    assert "LibreOffice 无法转换这份旧版 Excel 表格（.xls）" in message
    assert "source file could not be loaded" in message


# ---------------------------------------------------------------- with LibreOffice


@pytest.fixture(scope="module")
def legacy_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("legacy")
    workbook = write_xlsx(folder / "分工.xlsx", {"任务分工": TABLE})
    doc = save_as(PLAN_DOCX, folder, "doc:MS Word 97")
    xls = save_as(workbook, folder, "xls:MS Excel 97")
    wps = folder / "方案.wps"  # WPS 文字 files are Word 97 documents inside
    shutil.copyfile(doc, wps)
    et = folder / "分工.et"  # and WPS 表格 files Excel 97 workbooks
    shutil.copyfile(xls, et)
    return {"docx": PLAN_DOCX, "xlsx": workbook, "doc": doc, "xls": xls, "wps": wps, "et": et}


@needs_libreoffice
@pytest.mark.parametrize(("legacy", "modern"), [("doc", "docx"), ("wps", "docx")])
def test_word_97_document_reads_like_its_docx(
    legacy_files: dict[str, Path], legacy: str, modern: str
) -> None:
    old = parse_plan(legacy_files[legacy])
    new = parse_plan(legacy_files[modern])

    assert old.source_format == legacy
    assert len(old.tasks) == 15
    assert breakdown(old) == breakdown(new)
    assert old.tasks[0].where.startswith("第")


@needs_libreoffice
@pytest.mark.parametrize(("legacy", "modern"), [("xls", "xlsx"), ("et", "xlsx")])
def test_excel_97_workbook_reads_like_its_xlsx(
    legacy_files: dict[str, Path], legacy: str, modern: str
) -> None:
    old = parse_plan(legacy_files[legacy])
    new = parse_plan(legacy_files[modern])

    assert old.source_format == legacy
    assert [(t.title, t.lead_units, t.cooperating_units) for t in old.tasks] == [
        ("大力发展新能源", ["市发展改革委"], ["市财政局"]),
        ("推动煤炭清洁利用", ["市发展改革委"], []),
    ]
    assert breakdown(old) == breakdown(new)
    assert old.tasks[0].where == "工作表“任务分工”第2行"


@needs_libreoffice
def test_damaged_doc_is_refused_by_the_converter(tmp_path: Path) -> None:
    path = tmp_path / "损坏.doc"
    path.write_bytes(OLE_HEADER + "WordDocument".encode("utf-16-le") + bytes(2048))

    message = refused(path)

    assert "旧版 Word 文档（.doc）" in message

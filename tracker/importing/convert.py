"""Legacy office files (.doc, .wps, .xls, .et …) converted to .docx / .xlsx by LibreOffice.

LibreOffice is optional: when it is installed, ``soffice --headless --convert-to`` turns the
file into its modern form in a temporary folder (with a throwaway user profile, so that a
LibreOffice the user has open is not disturbed, and with a time limit); when it is not, the
user is told which format the file is and how to convert it by hand.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from tracker.errors import ImportFailed

__all__ = ["CONVERT_TIMEOUT", "INSTALL_HINT", "convert_with_libreoffice", "find_soffice"]

CONVERT_TIMEOUT = 120.0
"""Seconds LibreOffice may take for one file."""
ENV_SOFFICE = "TRACKER_SOFFICE"
INSTALL_HINT = (
    "或安装 LibreOffice 后重试（Debian/Ubuntu：apt-get install libreoffice-writer-nogui "
    "libreoffice-calc-nogui；Windows/macOS：从 LibreOffice 官网下载安装）"
)
# LibreOffice's export filters for the two targets.
_FILTERS = {"docx": "docx:MS Word 2007 XML", "xlsx": "xlsx:Calc MS Excel 2007 XML"}
_USUAL_PLACES = (
    Path("C:/Program Files/LibreOffice/program/soffice.exe"),
    Path("C:/Program Files (x86)/LibreOffice/program/soffice.exe"),
    Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"),
    Path("/opt/libreoffice/program/soffice"),
)


def find_soffice() -> str | None:
    """The LibreOffice program: ``TRACKER_SOFFICE`` if set, else ``soffice`` /
    ``libreoffice`` on the PATH, else its usual install places; None when absent."""
    configured = os.environ.get(ENV_SOFFICE)
    if configured is not None:
        return configured if configured and Path(configured).is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return next((str(p) for p in _USUAL_PLACES if p.is_file()), None)


def convert_with_libreoffice(
    data: bytes, suffix: str, target: str, name: str, what: str, *, timeout: float = CONVERT_TIMEOUT
) -> bytes:
    """The bytes of ``data`` (a ``suffix`` file, described to the user as ``what``) converted
    to ``target`` ("docx" or "xlsx"). Raises :class:`ImportFailed` when LibreOffice is not
    installed, fails, or takes longer than ``timeout`` seconds."""
    modern = f".{target}"
    program = find_soffice()
    if program is None:
        raise ImportFailed(
            name,
            f"这是{what}，需要转换为 {modern} 才能读取，但本机没有安装 LibreOffice，无法自动转换；"
            f"请用 Word/WPS/Excel 打开后另存为 {modern} 再导入，{INSTALL_HINT}",
        )
    with tempfile.TemporaryDirectory(prefix="tracker-convert-") as folder:
        work = Path(folder)
        source = work / f"plan{suffix}"  # an ASCII name: no encoding trouble on any system
        source.write_bytes(data)
        output = work / "out"
        command = [
            program,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            _FILTERS[target],
            "--outdir",
            str(output),
            str(source),
        ]
        detail = _run(command, timeout, name, what)
        result = output / f"plan{modern}"
        if not result.is_file() or result.stat().st_size == 0:
            raise ImportFailed(
                name,
                f"LibreOffice 无法转换这份{what}（文件可能已损坏、加密或并非该格式）"
                f"{'：' + detail if detail else ''}；请用 Word/WPS/Excel 打开后另存为 {modern} 再导入",
            )
        return result.read_bytes()


def _run(command: list[str], timeout: float, name: str, what: str) -> str:
    """Run LibreOffice; its last line of error output (for a message), or ""."""
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group, so a timeout ends all of it
        )
    except OSError as exc:
        raise ImportFailed(
            name, f"无法启动 LibreOffice（{exc.strerror or exc}）来转换{what}"
        ) from exc
    try:
        _, error = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        _kill(process)
        raise ImportFailed(
            name,
            f"LibreOffice 转换这份{what}超过 {timeout:g} 秒仍未完成，已停止；"
            "请用 Word/WPS/Excel 打开后另存为新格式再导入",
        ) from exc
    lines = error.decode("utf-8", "replace").strip().splitlines()
    return lines[-1].strip() if lines else ""


def _kill(process: subprocess.Popen[bytes]) -> None:
    if os.name == "posix":
        with contextlib.suppress(ProcessLookupError):  # it ended on its own meanwhile
            os.killpg(process.pid, signal.SIGKILL)
    else:
        process.kill()
    process.communicate()

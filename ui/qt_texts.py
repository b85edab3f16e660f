"""Qt's own texts that the ``qtbase_zh_CN`` shipped with PySide6 does not translate.

Newer Qt versions added mnemonics to a few labels of the file dialog ("&Look in:",
"Files of &type:"), and the shipped catalogue still has the old source texts, so those
labels stayed English. :class:`QtTextSupplement` answers for exactly these texts and lets
every other text fall through to Qt's own catalogue.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTranslator

# (context, source text) → Chinese, in the style of the rest of qtbase_zh_CN.
QT_TEXTS: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
}


class QtTextSupplement(QTranslator):
    """A translator holding :data:`QT_TEXTS` (installed after Qt's own catalogue)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)

    def translate(
        self,
        context: str,
        source_text: str,
        disambiguation: str | None = None,
        n: int = -1,
    ) -> str | None:
        del disambiguation, n
        # None is a null string to Qt: "not mine, ask the next catalogue" ("" would stop).
        return QT_TEXTS.get((context, source_text))

    def isEmpty(self) -> bool:
        return False

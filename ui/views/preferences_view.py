"""The preferences dialog's layout: the database (a file or a server) and the font size."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

_TITLE = "首选项"
_DATABASE = "数据库"
_FILE = "本机数据库文件（单机使用）"
_SERVER = "数据库服务器（PostgreSQL，多个单位共用）"
_BROWSE = "浏览…"
_TEST = "测试连接"
_SERVER_HINT = "postgresql+psycopg://用户名:密码@服务器:5432/数据库名"
_DATABASE_NOTE = "更改数据库后需重新启动程序才生效；保存前会先测试能否连接。"
_APPEARANCE = "外观"
_FONT = "字号："
_FONT_DEFAULT = "系统默认"
_OK = "保存"
_CANCEL = "取消"


class PreferencesView(QDialog):
    """Widgets of the preferences dialog."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_TITLE)
        self.setMinimumWidth(620)
        self.file_radio = QRadioButton(_FILE)
        self.server_radio = QRadioButton(_SERVER)
        group = QButtonGroup(self)
        group.addButton(self.file_radio)
        group.addButton(self.server_radio)
        self.file_edit = QLineEdit()
        self.browse_button = QPushButton(_BROWSE)
        self.server_edit = QLineEdit()
        self.server_edit.setPlaceholderText(_SERVER_HINT)
        self.test_button = QPushButton(_TEST)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        note = QLabel(_DATABASE_NOTE)
        note.setWordWrap(True)
        note.setStyleSheet("color:#666;")
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.browse_button)
        test_row = QHBoxLayout()
        test_row.addWidget(self.result_label, 1)
        test_row.addWidget(self.test_button)
        database = QGroupBox(_DATABASE)
        db_layout = QVBoxLayout(database)
        db_layout.addWidget(self.file_radio)
        db_layout.addLayout(file_row)
        db_layout.addWidget(self.server_radio)
        db_layout.addWidget(self.server_edit)
        db_layout.addLayout(test_row)
        db_layout.addWidget(note)

        self.font_spin = QSpinBox()
        self.font_spin.setRange(0, 24)
        self.font_spin.setSuffix(" 磅")
        self.font_spin.setSpecialValueText(_FONT_DEFAULT)
        self.font_spin.setMaximumWidth(160)
        appearance = QGroupBox(_APPEARANCE)
        form = QFormLayout(appearance)
        form.addRow(_FONT, self.font_spin)

        box = QDialogButtonBox()
        self.ok_button = box.addButton(_OK, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = box.addButton(_CANCEL, QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(database)
        layout.addWidget(appearance)
        layout.addWidget(box)

    def show_result(self, text: str, ok: bool) -> None:
        """The outcome of a connection test."""
        self.result_label.setText(text)
        self.result_label.setStyleSheet("color:#2e7d32;" if ok else "color:#b00020;")

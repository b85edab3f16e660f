"""Tabs that read their data when they are shown: a change elsewhere only marks the tab
stale; a visible tab reads again at once, a hidden one when it is next shown."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget


class ReadsWhenShown(QWidget):
    """A widget with ``load()``; see the module docstring."""

    _stale = True

    def load(self) -> None:
        """Read the data and show it (subclasses say how)."""
        raise NotImplementedError

    def mark_stale(self) -> None:
        """Something changed elsewhere: read again (now if visible)."""
        self._stale = True
        if self.isVisible():
            self.load()

    def load_if_stale(self) -> None:
        """Read again if something changed since the last reading."""
        if self._stale:
            self.load()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.load_if_stale()

"""The pale yellow bar that says something about what is shown: a partial edition, a depth-limited chart.

Hidden until there is something to say, which is rare: its style sheet is set
when it is first shown.  The first style sheet of a process sets up Qt's
style-sheet engine, about 1 ms of a start, for bars nobody sees then.
"""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

NOTICE_COLORS = "background: #fff4d6; color: #4a3b00"


class NoticeLabel(QLabel):
    """A word-wrapped notice, hidden at first; padding as CSS ("4px 8px")."""

    def __init__(self, padding: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sheet = f"QLabel {{ {NOTICE_COLORS}; padding: {padding}; }}"
        self.setWordWrap(True)
        self.setVisible(False)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self._sheet:  # before the first paint, and only once
            self.setStyleSheet(self._sheet)
            self._sheet = ""
        super().showEvent(event)

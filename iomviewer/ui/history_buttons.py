"""The mouse's back/forward buttons, walked by the window wherever the pointer is.

A view keeps the mouse presses on its viewport for itself.  Ours leave these
two buttons alone: ignored, the press goes up the parents to
MainWindow.mousePressEvent, which walks the history.  (An event filter on
each viewport did it before, at a cost: PySide, the first time Python
touches a viewport Qt made, creates every QWidget subclass it knows to find
its type, 20-30 ms of the GUI thread.)
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

if TYPE_CHECKING:
    from PySide6.QtGui import QMouseEvent

HISTORY_BUTTONS = (Qt.MouseButton.BackButton, Qt.MouseButton.ForwardButton)


def pass_up_history_buttons(event: QMouseEvent) -> bool:
    """Ignore a press of the back or forward button, for the window to take; True if it was one."""
    if event.button() in HISTORY_BUTTONS:
        event.ignore()
        return True
    return False


class PassesHistoryButtons:
    """Mixed in before a view class (class V(PassesHistoryButtons, QListView)): its presses of
    those two buttons go up to the window."""

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if not pass_up_history_buttons(event):
            super().mousePressEvent(event)

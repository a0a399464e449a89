"""A solid brush made without calling QBrush(colour).

PySide resolves QBrush's constructor by making every type its overloads
take: QGradient (with its 180-value Preset enum), QImage and QPixmap,
16 M instructions, 3-4 ms of a start that draws no gradient and no image.
QBrush() (which is Qt.NoBrush) and two setters name none of them.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor


def solid_brush(color: QColor) -> QBrush:
    brush = QBrush()
    brush.setColor(color)
    brush.setStyle(Qt.BrushStyle.SolidPattern)
    return brush

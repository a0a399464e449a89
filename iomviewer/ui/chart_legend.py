"""The chart's legend: one coloured swatch per kind shown, over a corner of the view.

Painted by hand rather than as a rich-text QLabel: laying out an HTML table
and polishing a style sheet cost some 12 ms of the window's first paint;
measuring and drawing twenty short rows costs well under one.
"""
from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from iomviewer.chart.layout import Layout
from iomviewer.chart.style import OLD_PARENT_CLASS, change_legend_items, legend_items
from iomviewer.ui.i18n import current_language

_MARGIN = 8  # from the chart's edges
_PAD = 6  # inside the panel
_ROW_GAP = 2
_COLUMN_GAP = 14
_SWATCH_GAP = 5
_BACKGROUND = QColor(255, 255, 255, 225)
_FRAME = QColor("#c8c8c8")
_TEXT = QColor("#222222")


def kinds_in(layout: Layout) -> set[str]:
    return {c[5:] for node in layout.nodes.values() for c in node.classes if c.startswith("kind-")}


def marks_in(layout: Layout) -> set[str]:
    """Change marks drawn in a comparison chart."""
    return {c[5:] for node in layout.nodes.values() for c in node.classes if c.startswith("mark-")}


def has_old_parents(layout: Layout) -> bool:
    return any(e.id and e.id.endswith(":" + OLD_PARENT_CLASS) for e in layout.edges)


def _change_word(label: str) -> str:
    """The legend label without its leading symbol (the swatch shows it)."""
    head, _, rest = label.partition(" ")
    return rest if rest and len(head) == 1 else label


class _Entry(NamedTuple):
    label: str
    fill: str | None  # None: the symbol alone, in the border colour (a dashed edge)
    border: str
    symbol: str = ""


def legend_entries(layout: Layout | None) -> list[_Entry]:
    """The rows of the legend of this chart: its kinds, then its change marks."""
    if layout is None:
        return []
    lang = current_language()
    entries = [_Entry(label, fill, border) for _, label, fill, border in legend_items(kinds_in(layout), lang)]
    for label, fill, border, symbol in change_legend_items(marks_in(layout), lang, has_old_parents(layout)):
        entries.append(_Entry(_change_word(label), fill, border, symbol))
    return entries


class ChartLegend(QWidget):
    """A small translucent panel kept in the bottom-left corner of its parent, in two columns."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("chart-legend")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAccessibleName(self.tr("Légende de l'organigramme"))
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 0.85)  # as HTML's font-size: small
        self.setFont(font)
        self._entries: list[_Entry] = []
        self._cells: list[tuple[QRectF, float, _Entry]] = []  # where each row is drawn, its swatch's width
        parent.installEventFilter(self)
        self.hide()

    def set_layout(self, layout: Layout | None) -> None:
        self._entries = legend_entries(layout)
        self.setAccessibleDescription("; ".join(e.label for e in self._entries))
        self._arrange()
        self._place()
        self.update()

    def text(self) -> str:
        """What the legend says, one row a line."""
        return "\n".join(e.label for e in self._entries)

    # --- geometry and painting -------------------------------------------------------
    def _swatch_width(self, metrics: QFontMetricsF, entry: _Entry) -> float:
        if entry.fill is None:
            return metrics.horizontalAdvance(entry.symbol)
        if entry.symbol:
            return metrics.horizontalAdvance(f" {entry.symbol} ") + 2
        return metrics.height() * 1.4

    def _arrange(self) -> None:
        # Two columns keep the panel low over the chart: the first holds the first half.
        metrics = QFontMetricsF(self.font())
        line = metrics.height()
        half = (len(self._entries) + 1) // 2
        columns = [self._entries[:half], self._entries[half:]]
        self._cells = []
        x = _PAD
        for column in columns:
            if not column:
                continue
            swatches = [self._swatch_width(metrics, e) for e in column]
            width = max(swatch + _SWATCH_GAP + metrics.horizontalAdvance(e.label)
                        for swatch, e in zip(swatches, column))
            for row, (swatch, entry) in enumerate(zip(swatches, column)):
                self._cells.append((QRectF(x, _PAD + row * (line + _ROW_GAP), width, line), swatch, entry))
            x += width + _COLUMN_GAP
        width = x - _COLUMN_GAP + _PAD if self._cells else 0
        height = _PAD * 2 + half * line + max(half - 1, 0) * _ROW_GAP if self._cells else 0
        self.resize(int(width + 1), int(height + 1))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(_FRAME, 1))
        painter.setBrush(_BACKGROUND)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
        bold = QFont(self.font())
        bold.setBold(True)
        for rect, swatch, entry in self._cells:
            box = QRectF(rect.left(), rect.top() + 1, swatch, rect.height() - 2)
            border = QColor(entry.border)
            if entry.fill is not None:
                painter.setPen(QPen(border, 1))
                painter.setBrush(QColor(entry.fill))
                painter.drawRect(box)
            if entry.symbol:
                painter.setFont(bold)
                painter.setPen(border)
                painter.drawText(box, Qt.AlignmentFlag.AlignCenter, entry.symbol)
                painter.setFont(self.font())
            painter.setPen(_TEXT)
            text = rect.adjusted(swatch + _SWATCH_GAP, 0, 0, 0)
            painter.drawText(text, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, entry.label)
        painter.end()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.parent() and event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def _place(self) -> None:
        parent = self.parentWidget()
        self.move(_MARGIN, parent.height() - self.height() - _MARGIN)
        self.raise_()

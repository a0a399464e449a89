"""The chart's legend: one coloured swatch per kind shown, over a corner of the view."""
from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel, QWidget

from iomviewer.chart.layout import Layout
from iomviewer.chart.build import OLD_PARENT_CLASS
from iomviewer.chart.style import change_legend_items, legend_items
from iomviewer.ui.i18n import current_language

_MARGIN = 8


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


class ChartLegend(QLabel):
    """A small translucent panel kept in the bottom-left corner of its parent."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("chart-legend")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setStyleSheet("QLabel#chart-legend { background: rgba(255,255,255,225); border: 1px solid #c8c8c8;"
                           " border-radius: 4px; padding: 4px 6px; color: #222; }")
        self.setAccessibleName(self.tr("Légende de l'organigramme"))
        parent.installEventFilter(self)
        self.hide()

    def set_layout(self, layout: Layout | None) -> None:
        kinds = kinds_in(layout) if layout is not None else set()
        rows = [
            f'<span style="background:{fill}; color:{fill}; border:1px solid {border};">&nbsp;&nbsp;&nbsp;</span>'
            f"&nbsp;{html.escape(label)}"
            for _, label, fill, border in legend_items(kinds, current_language())
        ]
        if layout is not None:
            for label, fill, border, symbol in change_legend_items(marks_in(layout), current_language(),
                                                                   has_old_parents(layout)):
                if fill is None:  # a dashed edge: its symbol in its colour
                    swatch = f'<span style="color:{border}; font-weight:bold">{html.escape(symbol)}</span>'
                else:
                    swatch = (f'<span style="background:{fill}; color:{border}; border:1px solid {border};'
                              f' font-weight:bold">&nbsp;{html.escape(symbol)}&nbsp;</span>')
                rows.append(f"{swatch}&nbsp;{html.escape(_change_word(label))}")
        # Two columns keep the panel low over the chart.
        half = (len(rows) + 1) // 2
        cells = "".join(
            f"<tr><td>{rows[i]}</td><td>&nbsp;&nbsp;{rows[i + half] if i + half < len(rows) else ''}</td></tr>"
            for i in range(half)
        )
        self.setText(f'<table cellspacing="1" style="font-size:small">{cells}</table>')
        self.adjustSize()
        self._place()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.parent() and event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def _place(self) -> None:
        parent = self.parentWidget()
        self.move(_MARGIN, parent.height() - self.height() - _MARGIN)
        self.raise_()

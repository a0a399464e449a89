"""Compare mode: the banner that says it is on, and the state it adds to the window and takes away.

The window shows a comparison as it shows an edition: ``core.compare`` turns
two editions into one *comparison edition* (the union, carrying the change
marks), and every view takes it as an Edition; Graphviz draws the marks, so
the chart and its exports agree.  What is specific to the mode lives here:
the tree's marks and "changes only" filter, the change list, the detail
pane's comparison section, the banner, and folding unchanged branches.
Leaving restores what the mode changed and nothing else.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

if TYPE_CHECKING:
    from iomviewer.core.compare import Comparison
    from iomviewer.ui.main_window import MainWindow

_REAL = ("added", "removed", "renamed", "moved", "mandate_changed")


class CompareBar(QWidget):
    """"Comparaison : A → B — n changements", with Swap, Fold unchanged and Leave."""

    swap_requested = Signal()
    fold_toggled = Signal(bool)

    def __init__(self, leave_action, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compare-bar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("QWidget#compare-bar { background: #dbe9f7; border-bottom: 1px solid #8fb3d9; }"
                           " QWidget#compare-bar QLabel { color: #0b2f5c; }")
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 3, 4, 3)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.swap_button = QToolButton()
        self.swap_button.clicked.connect(self.swap_requested)
        self.fold_button = QToolButton()
        self.fold_button.setCheckable(True)
        self.fold_button.toggled.connect(self.fold_toggled)
        leave = QToolButton()
        leave.setDefaultAction(leave_action)
        row.addWidget(self.label, 1)
        row.addWidget(self.fold_button)
        row.addWidget(self.swap_button)
        row.addWidget(leave)
        self._retranslate()
        self.setVisible(False)

    def _retranslate(self) -> None:
        self.swap_button.setText(self.tr("Échanger A et B"))
        self.swap_button.setToolTip(self.tr("Comparer dans l'autre sens"))
        self.fold_button.setText(self.tr("Replier l'inchangé"))
        self.fold_button.setToolTip(self.tr("Replier dans l'organigramme les branches où rien n'a changé"))

    def show_comparison(self, comparison: "Comparison") -> None:
        ea, eb = comparison.a, comparison.b
        counts = comparison.diff.counts()
        self.label.setText(self.tr("Comparaison : {0} → {1} — {2} changement(s)").format(
            ea.period.label or ea.id, eb.period.label or eb.id, sum(counts[k] for k in _REAL)))
        self.label.setToolTip(self.tr("A : {0}\nB : {1}").format(ea.label, eb.label))


class CompareMode(QObject):
    """Enter and leave compare mode on a MainWindow (which still owns every widget)."""

    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.w = window
        self.comparison: Comparison | None = None
        self._collapsed_before: frozenset[str] | None = None

    def attach_bar(self, bar: CompareBar) -> None:
        """Follow the compare bar's buttons (the window makes the bar when first needed)."""
        bar.swap_requested.connect(self.swap)
        bar.fold_toggled.connect(self.set_fold_unchanged)

    def start(self, a: str, b: str) -> "Comparison | None":
        """Build the comparison and put its marks in every view; None (and a message) if impossible."""
        from iomviewer.core.compare import build_comparison

        w = self.w
        missing = [e for e in (a, b) if not w.dataset.has_edition(e)]
        if missing or a == b:
            message = (self.tr("Édition inconnue : {0}").format(", ".join(missing)) if missing
                       else self.tr("Choisissez deux éditions différentes."))
            w.statusBar().showMessage(message, 10000)
            return None
        if self.comparison is None:
            self._collapsed_before = w.chart_controller.options.collapsed
        self.end(restore_chart=False)
        comparison = self.comparison = build_comparison(w.dataset, a, b)
        self._show_in_views(comparison)
        w.setWindowTitle(self.tr("iomviewer — Comparaison : {0} → {1}").format(a, b))
        return comparison

    def _show_in_views(self, comparison: "Comparison | None") -> None:
        """Marks, pane section, change list, banner and actions follow the comparison (None: none)."""
        w = self.w
        on = comparison is not None
        w.tree.set_marks(dict(comparison.changes.marks) if on else {})
        w.detail.set_comparison(comparison)
        w.change_list.set_comparison(comparison)
        if on:
            w.compare_bar.show_comparison(comparison)
        for widget in (w.compare_bar, w.change_list):
            widget.setVisible(on)
        for action in (w.actions_.leave_compare, w.actions_.changes_only):
            action.setEnabled(on)

    def after_shown(self) -> None:
        """Once the window shows the comparison edition: filters and folds that depend on it."""
        if self.comparison is None:
            return
        if self.w.actions_.changes_only.isChecked():
            self.set_changes_only(True)
        if self.w.compare_bar.fold_button.isChecked():
            self.set_fold_unchanged(True)

    def end(self, restore_chart: bool = True) -> None:
        """Take the mode's marks, filters and widgets away (the window then shows an edition)."""
        if self.comparison is None:
            return
        w = self.w
        self.comparison = None
        w.tree.set_filter_ids(None)
        self._show_in_views(None)
        w.reset_title()
        if restore_chart and self._collapsed_before is not None:
            # Folding unchanged branches must not leave the edition's chart folded.
            w.chart_controller.set_options(collapsed=self._collapsed_before)
            self._collapsed_before = None

    def swap(self) -> None:
        if self.comparison is not None:
            self.w.start_compare(self.comparison.diff.b, self.comparison.diff.a)

    def set_changes_only(self, on: bool) -> None:
        if self.comparison is not None:
            self.w.tree.set_filter_ids(self.comparison.changed_ids() if on else None)

    def set_fold_unchanged(self, on: bool) -> None:
        from iomviewer.core.compare import unchanged_branches

        if self.comparison is not None:
            folded = unchanged_branches(self.comparison) if on else self._collapsed_before or frozenset()
            self.w.chart_controller.set_options(collapsed=frozenset(folded))

"""The change list of the compare mode: every change, by kind of change, then by branch, with counts.

Speaks unit ids, like the tree: it emits `unit_activated` when the user
picks a change (click, arrows, Enter) and stays silent when the window calls
`select_unit` to follow a choice made elsewhere.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QFont
from PySide6.QtWidgets import (QAbstractItemView, QLabel, QToolButton, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from iomviewer.chart.style import CHANGE_STYLES
from iomviewer.ui.history_buttons import PassesHistoryButtons
from iomviewer.ui.i18n import kind_label

if TYPE_CHECKING:  # core.compare (and difflib) load with the first comparison, not at start-up
    from iomviewer.core.compare import Comparison

UNIT_ROLE = Qt.ItemDataRole.UserRole + 1  # str on unit rows: the unit id


class _ChangeTree(PassesHistoryButtons, QTreeWidget):
    """The list of changes, which lets the mouse's back/forward buttons reach the window."""


class ChangeListPanel(QWidget):
    """A tree of changes: category (count) › branch (count) › unit."""

    unit_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._comparison: Comparison | None = None
        self._syncing = False
        self._items: dict[str, list[QTreeWidgetItem]] = {}

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setContentsMargins(6, 4, 6, 4)
        self.filter_button = QToolButton()
        self.filter_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.tree = _ChangeTree()
        self.tree.setObjectName("change-list")
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.currentItemChanged.connect(self._on_current_changed)
        self.tree.itemClicked.connect(lambda item, _col: self._activate(item))
        self.tree.itemActivated.connect(lambda item, _col: self._activate(item))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.summary)
        layout.addWidget(self.filter_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.tree, 1)
        self.setFocusProxy(self.tree)
        self._retranslate()

    # --- content -----------------------------------------------------------------------
    def set_filter_action(self, action: QAction) -> None:
        """The "changes only" action, shown as a button above the list."""
        self.filter_button.setDefaultAction(action)

    def category_label(self, category: str) -> str:
        labels = {
            "added": self.tr("Ajoutées"),
            "removed": self.tr("Supprimées"),
            "renamed": self.tr("Renommées"),
            "moved": self.tr("Déplacées"),
            "mandate_changed": self.tr("Mandat modifié"),
            "not_covered": self.tr("Hors du champ de l'édition B (partielle)"),
            "not_in_a_coverage": self.tr("Hors du champ de l'édition A (partielle)"),
        }
        return labels.get(category, category)

    def set_comparison(self, comparison: Comparison | None) -> None:
        self._comparison = comparison
        self._items = {}
        with_signals = self._syncing
        self._syncing = True
        try:
            self.tree.clear()
            if comparison is not None:
                self._fill(comparison)
        finally:
            self._syncing = with_signals
        self._update_summary()

    def _fill(self, comparison: Comparison) -> None:
        from iomviewer.core.compare import COVERAGE_MARKS

        edition = comparison.edition
        bold = QFont(self.tree.font())
        bold.setBold(True)
        for category, branches in comparison.groups():
            total = sum(len(changes) for _b, changes in branches)
            top = QTreeWidgetItem([f"{self.category_label(category)} ({total})"])
            top.setFont(0, bold)
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            change_style = CHANGE_STYLES.get(category)
            if change_style is not None:
                top.setForeground(0, QBrush(QColor(change_style.color)))
                top.setText(0, f"{change_style.symbol}  {top.text(0)}")
            self.tree.addTopLevelItem(top)
            for branch, changes in branches:
                branch_unit = edition.get(branch)
                name = branch_unit.name if branch_unit is not None else branch
                node = QTreeWidgetItem([f"{name} ({len(changes)})"])
                node.setFlags(Qt.ItemFlag.ItemIsEnabled)
                top.addChild(node)
                for change in changes:
                    item = QTreeWidgetItem([self._change_text(category, change)])
                    item.setData(0, UNIT_ROLE, change.id)
                    item.setToolTip(0, self._change_tooltip(category, change))
                    node.addChild(item)
                    self._items.setdefault(change.id, []).append(item)
            # Coverage groups can hold most of the edition: folded until asked for.
            top.setExpanded(category not in COVERAGE_MARKS)
            for i in range(top.childCount()):
                top.child(i).setExpanded(category not in COVERAGE_MARKS)

    def _change_text(self, category: str, change) -> str:
        if category == "renamed" and change.old_name:
            return self.tr("{0} (anc. « {1} »)").format(change.name, change.old_name)
        if category == "moved":
            old = change.old_parent_name or change.old_parent or "—"
            new = change.new_parent_name or change.new_parent or "—"
            return self.tr("{0} : {1} → {2}").format(change.name, old, new)
        return change.name

    def _change_tooltip(self, category: str, change) -> str:
        return f"{self._change_text(category, change)}\n{kind_label(change.kind)} · {change.id}"

    def _update_summary(self) -> None:
        c = self._comparison
        if c is None:
            self.summary.setText("")
            return
        counts = c.diff.counts()
        real = sum(counts[k] for k in ("added", "removed", "renamed", "moved", "mandate_changed"))
        self.summary.setText(self.tr("{0} changement(s) sur {1} unité(s)").format(real, len(c.changed_ids())))
        self.summary.setToolTip(self.tr("A : {0}\nB : {1}").format(c.a.label, c.b.label))

    # --- selection ------------------------------------------------------------------------
    def comparison(self) -> Comparison | None:
        return self._comparison

    def unit_ids(self) -> list[str]:
        """Unit ids in list order (a unit with several changes appears once per change)."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            for j in range(top.childCount()):
                branch = top.child(j)
                out += [branch.child(k).data(0, UNIT_ROLE) for k in range(branch.childCount())]
        return out

    def select_unit(self, unit_id: str | None) -> None:
        """Make the unit's first change current, quietly (nothing if it did not change)."""
        items = self._items.get(unit_id or "", [])
        current = self.tree.currentItem()
        if current is not None and current.data(0, UNIT_ROLE) == unit_id:
            return
        self._syncing = True
        try:
            if items:
                self.tree.setCurrentItem(items[0])
                self.tree.scrollToItem(items[0])
            else:
                self.tree.setCurrentItem(None)
                self.tree.clearSelection()
        finally:
            self._syncing = False

    def _on_current_changed(self, current: QTreeWidgetItem | None, _previous) -> None:
        if not self._syncing and current is not None:
            self._activate(current)

    def _activate(self, item: QTreeWidgetItem) -> None:
        uid = item.data(0, UNIT_ROLE)
        if uid and not self._syncing:
            self.unit_activated.emit(uid)

    # --- language -------------------------------------------------------------------------
    def _retranslate(self) -> None:
        self.tree.setAccessibleName(self.tr("Liste des changements"))
        self.tree.setAccessibleDescription(self.tr(
            "Changements groupés par nature puis par branche ; Entrée ou un clic sélectionne l'unité"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            self.set_comparison(self._comparison)
        super().changeEvent(event)

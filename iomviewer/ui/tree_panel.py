"""The tree of units: a QTreeView over UnitTreeModel, through a filter proxy.

The panel speaks unit ids only.  It emits `unit_activated` when the user
moves the current item (mouse, keyboard, type-ahead) and stays silent when
the window calls `select_unit` to follow a choice made elsewhere, so the
tree, the chart and the detail pane cannot echo each other in a loop.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterable, Iterator

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QPoint, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QFocusEvent, QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QMenu, QTreeView, QVBoxLayout, QWidget

from iomviewer.core.model import Edition
from iomviewer.ui.tree_model import UnitTreeModel

INITIAL_DEPTH = 2  # levels expanded when an edition is shown


class UnitFilterProxy(QSortFilterProxyModel):
    """Show only a set of unit ids, and their ancestors (recursive filtering); None shows all."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        # Qt keeps a row when any descendant is accepted, so the path from
        # the root to every kept unit stays on screen.
        self.setRecursiveFilteringEnabled(True)
        self._ids: frozenset[str] | None = None

    def filter_ids(self) -> frozenset[str] | None:
        return self._ids

    def set_filter_ids(self, ids: Iterable[str] | None) -> None:
        new = None if ids is None else frozenset(ids)
        if new == self._ids:
            return
        if hasattr(self, "endFilterChange"):  # Qt >= 6.10; invalidateFilter is deprecated there
            self.beginFilterChange()
            self._ids = new
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._ids = new
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:
        if self._ids is None:
            return True
        source = self.sourceModel()
        return source.unit_id(source.index(source_row, 0, source_parent)) in self._ids


class _UnitTreeView(QTreeView):
    """A QTreeView that says when Qt, not the user, moves the current item."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.focus_in_progress = False

    def focusInEvent(self, event: QFocusEvent) -> None:
        # On focus, QAbstractItemView makes the first row current when there
        # is none; tabbing through the window is not choosing a unit.
        self.focus_in_progress = True
        try:
            super().focusInEvent(event)
        finally:
            self.focus_in_progress = False


class TreePanel(QWidget):
    """The organisation as an expandable tree, in the edition's source order."""

    unit_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._syncing = False  # True while select_unit moves the current item
        self.model = UnitTreeModel(parent=self)
        self.proxy = UnitFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        view = self.view = _UnitTreeView(self)
        view.setObjectName("unit-tree")
        view.setModel(self.proxy)
        view.setHeaderHidden(True)
        view.setUniformRowHeights(True)  # row height from one row: fast for big organisations
        view.setAnimated(False)
        view.setAlternatingRowColors(True)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setExpandsOnDoubleClick(True)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._show_context_menu)
        view.selectionModel().currentChanged.connect(self._on_current_changed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(view)
        self.setFocusProxy(view)
        self._retranslate()

    def _retranslate(self) -> None:
        self.view.setAccessibleName(self.tr("Arbre des unités"))
        self.view.setAccessibleDescription(self.tr(
            "Flèches : parcourir ; Droite et Gauche : déplier et replier ; "
            "* : déplier toute la branche ; saisir un nom pour y aller"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            self.view.viewport().update()  # kind labels in tooltips come from i18n
        super().changeEvent(event)

    # --- content -----------------------------------------------------------------------
    def set_edition(self, edition: Edition | None) -> None:
        """Show an edition: the first levels expanded, plus branches the user had open."""
        expanded = self._expanded_ids()
        with self._quiet():
            self.model.set_edition(edition)
        # Right after a reset the view's layout is pending, so expand() only
        # records the index; expandToDepth() would lay out at once, and each
        # later expand() would then splice rows in (a second per 10,000 units).
        wanted = self._ids_above_depth(INITIAL_DEPTH) + expanded  # ids are stable across editions
        for uid in wanted:
            index = self._proxy_index(uid)
            if index.isValid():
                self.view.expand(index)

    def set_highlighted(self, ids: Iterable[str]) -> None:
        self.model.set_highlighted(ids)

    def set_marks(self, marks: dict[str, str]) -> None:
        self.model.set_marks(marks)

    def set_filter_ids(self, ids: Iterable[str] | None) -> None:
        """Show only these units and their ancestors (None: every unit)."""
        current = self.current_unit()
        with self._quiet():  # Qt moves the current item off a row it filters out
            self.proxy.set_filter_ids(ids)
        if ids is not None:
            self.view.expandAll()  # kept units may sit deep; filtering shows few rows
        if current is not None:
            self.select_unit(current)

    def expand_to_depth(self, depth: int) -> None:
        """Expand units above `depth` (0: everything collapsed; 2: root and its children open)."""
        if depth <= 0:
            self.view.collapseAll()
        else:
            self.view.expandToDepth(depth - 1)  # Qt counts the top level as depth 0

    def expand_all(self) -> None:
        self.view.expandAll()

    def collapse_all(self) -> None:
        self.view.collapseAll()
        # Keep the root open so the tree never shrinks to a single line.
        self.view.expand(self.proxy.index(0, 0))

    # --- selection ------------------------------------------------------------------------
    def current_unit(self) -> str | None:
        return self.model.unit_id(self.view.currentIndex())

    def select_unit(self, unit_id: str | None) -> None:
        """Make a unit current and selected, its branch open and visible; emit nothing."""
        index = self._proxy_index(unit_id)
        selection = self.view.selectionModel()
        with self._quiet():
            if not index.isValid():
                selection.clear()
                return
            parent = index.parent()
            while parent.isValid():
                self.view.expand(parent)
                parent = parent.parent()
            selection.setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        rect = self.view.visualRect(index)
        if not self.view.viewport().rect().contains(rect):
            self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    @contextmanager
    def _quiet(self) -> Iterator[None]:
        # A flag rather than QSignalBlocker on the selection model: blocking it
        # would also cut the view's own connections, so it would not repaint.
        previous, self._syncing = self._syncing, True
        try:
            yield
        finally:
            self._syncing = previous

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._syncing or self.view.focus_in_progress:
            return
        unit_id = self.model.unit_id(current)
        if unit_id is not None:
            self.unit_activated.emit(unit_id)

    def _proxy_index(self, unit_id: str | None) -> QModelIndex:
        return self.proxy.mapFromSource(self.model.index_for_id(unit_id))

    def _ids_above_depth(self, depth: int) -> list[str]:
        out: list[str] = []
        level = [self.proxy.index(r, 0) for r in range(self.proxy.rowCount())]
        for _ in range(depth):
            out += [self.model.unit_id(index) for index in level]
            level = [self.proxy.index(r, 0, index) for index in level for r in range(self.proxy.rowCount(index))]
        return out

    def _expanded_ids(self) -> list[str]:
        """Ids of expanded units, parents first (so re-expanding in order works)."""
        edition = self.model.edition
        if edition is None:
            return []
        # Walk the Edition, not the view: leaves (most units) cost no Qt call.
        out: list[str] = []
        stack = list(edition.children(None))
        while stack:
            uid = stack.pop()
            children = edition.children(uid)
            if children and self.view.isExpanded(self._proxy_index(uid)):
                out.append(uid)
                stack.extend(children)
        return out

    # --- context menu -----------------------------------------------------------------------
    def _show_context_menu(self, pos: QPoint) -> None:
        # For the keyboard menu key Qt puts pos on the current item's rectangle.
        index = self.view.indexAt(pos)
        if not index.isValid():
            index = self.view.currentIndex()
        unit_id = self.model.unit_id(index)
        menu = self._build_context_menu(unit_id)
        menu.exec(self.view.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def _build_context_menu(self, unit_id: str | None) -> QMenu:
        menu = QMenu(self)
        menu.addAction(self.tr("Développer tout"), self.expand_all)
        menu.addAction(self.tr("Réduire tout"), self.collapse_all)
        menu.addSeparator()
        unit = self.model.edition.get(unit_id) if self.model.edition is not None else None
        copy_name = menu.addAction(self.tr("Copier le nom"))
        copy_id = menu.addAction(self.tr("Copier l'identifiant"))
        if unit is None:
            copy_name.setEnabled(False)
            copy_id.setEnabled(False)
        else:
            copy_name.triggered.connect(lambda: QGuiApplication.clipboard().setText(unit.name))
            copy_id.triggered.connect(lambda: QGuiApplication.clipboard().setText(unit.id))
        return menu

"""The tree of units: a QTreeView over UnitTreeModel, through a filter proxy while a filter is on.

The panel speaks unit ids only.  It emits `unit_activated` when the user
moves the current item (mouse, keyboard, type-ahead) and stays silent when
the window calls `select_unit` to follow a choice made elsewhere, so the
tree, the chart and the detail pane cannot echo each other in a loop.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterable, Iterator

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QTreeView, QVBoxLayout, QWidget

from iomviewer.core.model import Edition
from iomviewer.ui.history_buttons import PassesHistoryButtons
from iomviewer.ui.tree_model import UnitTreeModel

if TYPE_CHECKING:  # a context menu and a filter are made when asked for, not at start
    from PySide6.QtGui import QFocusEvent
    from PySide6.QtWidgets import QMenu

    from iomviewer.ui.tree_filter import UnitFilterProxy

INITIAL_DEPTH = 2  # levels expanded when an edition is shown


class _UnitTreeView(PassesHistoryButtons, QTreeView):
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
        self._wanted: str | None = None  # the unit last chosen, here or elsewhere, even if filtered out
        self.model = UnitTreeModel(parent=self)
        # The view shows the model itself, and goes through the proxy only
        # while a filter is on: every row the view lays out or paints through
        # a proxy costs several more calls into the Python model (each one a
        # wait for the GIL while a worker thread runs Python), and taking the
        # filter off re-maps every row (0.6 s at 10,000 units).  The proxy is
        # made with the first filter (see the proxy property).
        self._proxy: UnitFilterProxy | None = None
        self._expanded_before_filter: list[str] = []

        view = self.view = _UnitTreeView(self)
        view.setObjectName("unit-tree")
        view.setModel(self.model)
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
        """Show an edition: the first levels expanded, plus branches the user had open,
        and the current unit still current if the edition has it."""
        expanded = self._expanded_ids()
        current = self._wanted
        with self._quiet():
            self.model.set_edition(edition)
        # Right after a reset the view's layout is pending, so expand() only
        # records the index; expandToDepth() would lay out at once, and each
        # later expand() would then splice rows in (a second per 10,000 units).
        self._expand_ids(self._ids_above_depth(INITIAL_DEPTH) + expanded)  # ids are stable across editions
        if current is not None and edition is not None and current in edition:
            self.select_unit(current)
        # Lay out and paint now rather than at the next turn of the event loop:
        # by then the window has started the chart's worker, and every call
        # the view makes into the Python model would first wait for the GIL
        # (measured at 10k: 15-25 ms of layout and 30-90 ms of painting then,
        # 1 ms and 10 ms now).
        if self.view.isVisible():
            self.view.executeDelayedItemsLayout()
            self.view.viewport().repaint()

    def set_highlighted(self, ids: Iterable[str]) -> None:
        self.model.set_highlighted(ids)

    def set_marks(self, marks: dict[str, str]) -> None:
        self.model.set_marks(marks)

    @property
    def proxy(self) -> UnitFilterProxy:
        """The filter between the view and the model, made on first use (a start needs none)."""
        if self._proxy is None:
            from iomviewer.ui.tree_filter import UnitFilterProxy

            self._proxy = UnitFilterProxy(self)
        return self._proxy

    def set_filter_ids(self, ids: Iterable[str] | None) -> None:
        """Show only these units and their ancestors (None: every unit).

        Taking the filter off opens the branches that were open before it was
        put on, and the unit last chosen: if the filter hid it, it is current again."""
        if ids is None and self._proxy is None:
            return  # never filtered: nothing to take off
        current = self._wanted
        with self._quiet():  # Qt moves the current item off a row it filters out
            if ids is None:
                if self.view.model() is self.proxy:
                    self._show_through(self.model)
                    self.proxy.setSourceModel(None)  # nothing to follow while no view uses it
                    self._expand_ids(self._expanded_before_filter)
                    self._expanded_before_filter = []
                self.proxy.set_filter_ids(None)  # with no source: nothing to re-map
            else:
                if self.view.model() is self.model:
                    self._expanded_before_filter = self._expanded_ids()
                    self.proxy.set_filter_ids(ids)  # before it sees the rows: they are filtered once
                    self.proxy.setSourceModel(self.model)
                    self._show_through(self.proxy)
                else:
                    self.proxy.set_filter_ids(ids)
                self.view.expandAll()  # kept units may sit deep; filtering shows few rows
        if current is not None:
            self.select_unit(current)

    def _show_through(self, model: UnitTreeModel | UnitFilterProxy) -> None:
        """Put the model or the proxy under the view; the caller restores expansion and selection."""
        old = self.view.selectionModel()
        self.view.setModel(model)
        # setModel makes a new selection model and leaves the old one alive (it may be shared).
        old.deleteLater()
        self.view.selectionModel().currentChanged.connect(self._on_current_changed)

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
        self.view.expand(self.view.model().index(0, 0))

    # --- selection ------------------------------------------------------------------------
    def current_unit(self) -> str | None:
        return self.model.unit_id(self.view.currentIndex())

    def select_unit(self, unit_id: str | None) -> None:
        """Make a unit current and selected, its branch open and visible; emit nothing."""
        self._wanted = unit_id
        index = self._view_index(unit_id)
        selection = self.view.selectionModel()
        with self._quiet():
            if not index.isValid():
                selection.clear()
                return
            # Already current, selected and in an open branch (its rectangle is
            # empty while a branch above it is closed): nothing to change, no
            # call into the model per ancestor (the window re-selects after
            # every edition switch, while the chart's worker wants the GIL).
            already = index == self.view.currentIndex() and selection.isSelected(index)
            rect = self.view.visualRect(index) if already else QRect()
            if not rect.isValid():
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
            self._wanted = unit_id
            self.unit_activated.emit(unit_id)

    def _view_index(self, unit_id: str | None) -> QModelIndex:
        """The unit's index in the view's model (invalid if absent or filtered out)."""
        index = self.model.index_for_id(unit_id)
        return index if self.view.model() is self.model else self.proxy.mapFromSource(index)

    def _expand_ids(self, ids: Iterable[str]) -> None:
        # Parents first.  Right after a reset expand() only records the index
        # (the layout is pending), so this costs no layout per unit.
        for uid in ids:
            index = self._view_index(uid)
            if index.isValid():
                self.view.expand(index)

    def _ids_above_depth(self, depth: int) -> list[str]:
        """Ids of the units above `depth`, parents first (from the Edition: no Qt call)."""
        edition = self.model.edition
        out: list[str] = []
        level = list(edition.children(None)) if edition is not None else []
        for _ in range(depth):
            out += level
            level = [kid for uid in level for kid in edition.children(uid)]
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
            if children and self.view.isExpanded(self._view_index(uid)):
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
        from PySide6.QtWidgets import QMenu

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

"""The search box: a line edit with an inline list of ranked results.

Ranking and matching live in core/search.py; this widget only asks the
index, shows what it answers and routes the user's choice.  The keyboard
never leaves the line edit: Up/Down move in the list, Enter chooses, Esc
clears (and a second Esc hands focus back).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QVBoxLayout, QWidget

if TYPE_CHECKING:  # core.search loads with the index, after the first paint
    from PySide6.QtWidgets import QListView

    from iomviewer.core.search import SearchIndex, SearchResult
    from iomviewer.ui.search_results import ResultDelegate, SearchResultModel

RESULT_LIMIT = 50  # results asked of the index for one query
VISIBLE_ROWS = 8  # the list grows up to this many rows, then scrolls


# --- the widget -------------------------------------------------------------------------


class SearchBox(QWidget):
    """Search the current edition; choosing a result emits its unit id."""

    query_changed = Signal(str)  # after each search; the window highlights matching_ids(query)
    result_chosen = Signal(str)  # unit id, on Enter or click
    cleared = Signal()  # the query became empty
    escape_pressed = Signal()  # Esc on an empty query: focus goes back to where it was

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._index: SearchIndex | None = None
        self._previous_focus: QWidget | None = None

        self.edit = QLineEdit()  # its clear button comes with the results list (see _results_list)
        self.edit.installEventFilter(self)
        self.edit.textEdited.connect(self._schedule_search)

        # The results list is made once the window is drawn (prepare) or at
        # the first search: see search_results.py.
        self._view: QListView | None = None
        self._model: SearchResultModel | None = None
        self._delegate: ResultDelegate | None = None

        self.status = QLabel()
        self.status.setVisible(False)
        self.status.setContentsMargins(4, 0, 4, 0)
        self.status.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        # Coalesce keystrokes: a 0 ms single shot runs once the event queue is
        # empty, so a burst of typing searches only for the final text.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._run_search)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.status)
        self.setFocusProxy(self.edit)
        self._retranslate()

    # --- the results list ---------------------------------------------------------------
    def prepare(self) -> None:
        """Make the results list now rather than at the first keystroke (the window calls it once drawn)."""
        self._results_list()

    def _results_list(self) -> QListView:
        if self._view is None:
            from PySide6.QtWidgets import QAbstractItemView

            # Shown only over text, so not needed for the first paint: the
            # first one loads the style's clear icon, 1.3 ms of a start.
            self.edit.setClearButtonEnabled(True)

            from iomviewer.ui.search_results import ResultDelegate, ResultsView, SearchResultModel

            self._model = SearchResultModel(self)
            self._delegate = ResultDelegate(self)
            self._model.modelReset.connect(self._delegate.clear_cache)
            view = self._view = ResultsView()
            view.setModel(self._model)
            view.setItemDelegate(self._delegate)
            view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing stays in the line edit
            view.setUniformItemSizes(True)
            view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            view.setMouseTracking(True)
            view.clicked.connect(self._choose_index)
            view.setVisible(False)
            view.setAccessibleName(self.tr("Résultats de la recherche"))
            self.layout().addWidget(view)
        return self._view

    @property
    def view(self) -> QListView:
        return self._results_list()

    @property
    def model(self) -> SearchResultModel:
        self._results_list()
        return self._model

    @property
    def delegate(self) -> ResultDelegate:
        self._results_list()
        return self._delegate

    # --- public API ------------------------------------------------------------------
    def set_index(self, index: SearchIndex | None) -> None:
        """Search this SearchIndex from now on (None while it is being built); re-run the query."""
        self._index = index
        if self.query().strip():
            self._run_search()

    def query(self) -> str:
        return self.edit.text()

    def set_query(self, text: str) -> None:
        """Set the query as if typed, and search now."""
        self.edit.setText(text)
        self._run_search()

    def results(self) -> list[SearchResult]:
        if self._model is None:
            return []
        return [self._model.result(row) for row in range(self._model.rowCount())]

    def focus_search(self) -> None:
        """Select the query and focus it (Ctrl+F); remember where focus was to give it back."""
        # The window's focus widget is known even while the window is inactive.
        focus = self.window().focusWidget() or QApplication.focusWidget()
        if focus is not None and focus is not self.edit and not self.isAncestorOf(focus):
            self._previous_focus = focus
        self.edit.selectAll()
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def clear(self) -> None:
        """Empty the query and the results; emit cleared."""
        self._timer.stop()
        self.edit.clear()
        self._reset()

    def _reset(self) -> None:
        self._show_results([])
        self.status.setVisible(False)
        self.cleared.emit()

    # --- searching -------------------------------------------------------------------
    def _schedule_search(self, _text: str) -> None:
        self._timer.start()

    def _run_search(self) -> None:
        self._timer.stop()
        query = self.query()
        if not query.strip():
            self._reset()  # keep what was typed: spaces may start a query
            return
        if self._index is None:
            self._show_results([])
            self._set_status(self.tr("Index en préparation…"))
            return
        results = self._index.search(query, limit=RESULT_LIMIT)
        self._show_results(results)
        self._set_status(self._count_text(query, results))
        self.query_changed.emit(query)

    def _count_text(self, query: str, results: Sequence) -> str:
        n = len(results)
        if n == 0:
            return self.tr("Aucun résultat")
        if n == 1:
            return self.tr("1 résultat")
        if n >= RESULT_LIMIT:  # the list is cut: say how many there are in all
            total = len(self._index.matching_ids(query))
            if total > n:
                return self.tr("{0} résultats ({1} premiers affichés)").format(total, n)
        return self.tr("{0} résultats").format(n)

    def _set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(True)

    def _show_results(self, results: Sequence) -> None:
        if self._view is None and not results:
            return  # nothing to show, nothing to clear
        self.model.set_results(self.query(), results)
        rows = min(len(results), VISIBLE_ROWS)
        self.view.setVisible(rows > 0)
        if rows:
            row_height = self.view.sizeHintForRow(0)
            frame = 2 * self.view.frameWidth()
            self.view.setFixedHeight(rows * row_height + frame)

    # --- keyboard ----------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            return self._handle_key(event)
        return super().eventFilter(watched, event)

    def _handle_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key == Qt.Key.Key_Down:
            return self._move(1)
        if key == Qt.Key.Key_Up:
            return self._move(-1)
        if key == Qt.Key.Key_PageDown:
            return self._move(VISIBLE_ROWS - 1)
        if key == Qt.Key.Key_PageUp:
            return self._move(-(VISIBLE_ROWS - 1))
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._choose_current()
            return True
        if key == Qt.Key.Key_Escape:
            self._escape()
            return True
        return False

    def _move(self, step: int) -> bool:
        if self._timer.isActive():
            self._run_search()  # never move in results older than the text
        count = self.model.rowCount()
        if count == 0:
            return False
        current = self.view.currentIndex()
        row = current.row() + step if current.isValid() else (0 if step > 0 else count - 1)
        index = self.model.index(max(0, min(count - 1, row)))
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        return True

    def _choose_current(self) -> None:
        if self._timer.isActive():
            self._run_search()
        current = self.view.currentIndex()
        self._choose_index(current if current.isValid() else self.model.index(0))

    def _choose_index(self, index: QModelIndex) -> None:
        result = self.model.result(index.row()) if index.isValid() else None
        if result is not None:
            self.result_chosen.emit(result.unit_id)

    def _escape(self) -> None:
        if self.query() or (self._view is not None and self._view.isVisible()):
            self.clear()
            return
        previous, self._previous_focus = self._previous_focus, None
        if previous is not None and previous.isVisible():
            previous.setFocus(Qt.FocusReason.OtherFocusReason)
        self.escape_pressed.emit()

    # --- language ----------------------------------------------------------------------
    def _retranslate(self) -> None:
        self.edit.setPlaceholderText(self.tr("Rechercher une unité… (Ctrl+F)"))
        self.edit.setAccessibleName(self.tr("Rechercher une unité"))
        self.edit.setToolTip(self.tr("Nom, sigle, autre nom ou mots du mandat ; Entrée choisit, Échap efface"))
        if self._view is not None:
            self._view.setAccessibleName(self.tr("Résultats de la recherche"))
        self.status.setAccessibleName(self.tr("Nombre de résultats"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            if self.query().strip():
                self._run_search()
        super().changeEvent(event)

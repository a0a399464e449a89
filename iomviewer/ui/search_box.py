"""The search box: a line edit with an inline list of ranked results.

Ranking and matching live in core/search.py; this widget only asks the
index, shows what it answers and routes the user's choice.  The keyboard
never leaves the line edit: Up/Down move in the list, Enter chooses, Esc
clears (and a second Esc hands focus back).
"""
from __future__ import annotations

import html
from typing import TYPE_CHECKING, Callable, Sequence

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QPainter,
    QPalette,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QListView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from iomviewer.ui.i18n import kind_label

if TYPE_CHECKING:  # core.search loads with the index, after the first paint
    from iomviewer.core.search import SearchIndex, SearchResult

RESULT_LIMIT = 50
VISIBLE_ROWS = 8  # the list grows up to this many rows, then scrolls
UNIT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
RESULT_ROLE = Qt.ItemDataRole.UserRole + 2
# Matched text: a soft yellow behind black text reads on light and dark rows alike.
HIGHLIGHT_CSS = "background-color:#ffe27a; color:#000000; font-weight:600;"
ELLIPSIS = "…"


# --- text helpers (no widgets) --------------------------------------------------------


def merged_spans(spans: Sequence[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Clamp, sort and merge overlapping (start, end) spans."""
    out: list[tuple[int, int]] = []
    for start, end in sorted((max(0, s), min(length, e)) for s, e in spans):
        if start >= end:
            continue
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def highlighted_html(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Escape text, wrapping each span in a highlight."""
    parts, pos = [], 0
    for start, end in merged_spans(spans, len(text)):
        parts.append(html.escape(text[pos:start]))
        parts.append(f'<span style="{HIGHLIGHT_CSS}">{html.escape(text[start:end])}</span>')
        pos = end
    parts.append(html.escape(text[pos:]))
    return "".join(parts)


def word_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Spans of the words of text that a query word starts (how a name matched while typing).

    SearchResult.highlights index the snippet only; a name, acronym or alias is
    highlighted here with the core's own tokenizer, so folding (case, accents,
    apostrophes) is the same as the search's.  Typo matches stay unmarked.
    """
    from iomviewer.core.search import STOP_WORDS, tokenize

    words = [w for w, _, _ in tokenize(query) if w not in STOP_WORDS]
    return [(s, e) for token, s, e in tokenize(text) if any(token.startswith(w) for w in words)]


def elide_snippet(text: str, spans: Sequence[tuple[int, int]], fits: Callable[[str], bool],
                  keep_start: bool = False) -> tuple[str, list[tuple[int, int]]]:
    """Cut text to what fits, keeping the first highlight in view (or the start); shift the spans."""
    # One line: each line break becomes one space, so the spans still index the text.
    text = "".join(" " if c.isspace() else c for c in text)
    spans = merged_spans(spans, len(text))
    if fits(text):
        return text, spans
    start = 0
    if spans and not keep_start and not fits(text[: spans[0][1]] + ELLIPSIS):
        # A word or two of context before the first match, starting on a word.
        start = max(0, spans[0][0] - 16)
        space = text.find(" ", start, spans[0][0])
        start = space + 1 if space >= 0 else start
    head = ELLIPSIS if start else ""
    lo, hi = start, len(text)
    while lo < hi:  # the longest end that still fits
        mid = (lo + hi + 1) // 2
        if fits(head + text[start:mid] + ELLIPSIS):
            lo = mid
        else:
            hi = mid - 1
    shift = len(head) - start
    kept = [(max(s, start) + shift, min(e, lo) + shift) for s, e in spans if s < lo and e > start]
    return head + text[start:lo] + ELLIPSIS, kept


# --- model ------------------------------------------------------------------------------


class SearchResultModel(QAbstractListModel):
    """A flat, read-only list of SearchResults."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._results: list = []
        self.query = ""

    def set_results(self, query: str, results: Sequence) -> None:
        self.beginResetModel()
        self.query = query
        self._results = list(results)
        self.endResetModel()

    def result(self, row: int):
        return self._results[row] if 0 <= row < len(self._results) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._results)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        r = self.result(index.row()) if index.isValid() else None
        if r is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return r.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{r.name}\n{kind_label(r.kind)}\n{r.snippet}" if r.snippet else r.name
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{r.name}, {kind_label(r.kind)}"
        if role == UNIT_ID_ROLE:
            return r.unit_id
        if role == RESULT_ROLE:
            return r
        return None


# --- delegate ---------------------------------------------------------------------------


class ResultDelegate(QStyledItemDelegate):
    """Two lines per row: name (bold) and kind, then the snippet with its matches highlighted."""

    PADDING = 4

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._documents: dict[tuple[int, int, bool], QTextDocument] = {}

    def clear_cache(self) -> None:
        self._documents.clear()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        line = QFontMetrics(option.font).lineSpacing()
        return QSize(option.rect.width(), 2 * line + 2 * self.PADDING + 2)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        result = index.data(RESULT_ROLE)
        if result is None:
            return super().paint(painter, option, index)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""  # the style draws the row background and focus; the document draws text
        # Imported here: naming QStyle makes PySide create its twelve enums
        # (10 ms), which the window's first paint does not need.
        from PySide6.QtWidgets import QStyle

        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)

        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        rect = opt.rect.adjusted(self.PADDING + 2, self.PADDING, -self.PADDING, -self.PADDING)
        doc = self._document(index, result, opt, rect.width(), selected)
        context = QAbstractTextDocumentLayout.PaintContext()
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        painter.save()
        painter.translate(rect.topLeft())
        painter.setClipRect(rect.translated(-rect.topLeft()))
        doc.documentLayout().draw(painter, context)
        painter.restore()

    def _document(self, index: QModelIndex, result, opt: QStyleOptionViewItem, width: int,
                  selected: bool) -> QTextDocument:
        key = (index.row(), width, selected)
        doc = self._documents.get(key)
        if doc is None:
            doc = self._build_document(result, index.model().query, opt, width, selected)
            if len(self._documents) > 4 * RESULT_LIMIT:  # widths change while resizing
                self._documents.clear()
            self._documents[key] = doc
        return doc

    def _build_document(self, result, query: str, opt: QStyleOptionViewItem, width: int,
                        selected: bool) -> QTextDocument:
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        doc.setDefaultFont(opt.font)
        text_option = QTextOption()
        text_option.setWrapMode(QTextOption.WrapMode.NoWrap)  # elided below, never wrapped
        doc.setDefaultTextOption(text_option)
        doc.setHtml(self._row_html(result, query, opt, width, selected))
        return doc

    def _row_html(self, result, query: str, opt: QStyleOptionViewItem, width: int, selected: bool) -> str:
        """Name on the first line (the whole width: it is what users scan); kind and why below."""
        bold = QFont(opt.font)
        bold.setBold(True)
        plain_fm, bold_fm = QFontMetrics(opt.font), QFontMetrics(bold)
        name, name_spans = elide_snippet(result.name, word_spans(result.name, query),
                                         lambda t: bold_fm.horizontalAdvance(t) <= width, keep_start=True)
        kind = kind_label(result.kind)
        colour = opt.palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText)
        rgba = f"rgba({colour.red()},{colour.green()},{colour.blue()},{colour.alpha()})"
        second = f"<span style='color:{rgba}'>{html.escape(kind)}</span>"
        label, text, spans = self._why(result, query)
        if text:
            room = width - plain_fm.horizontalAdvance(f"{kind} · {label}") - 4
            text, spans = elide_snippet(text, spans, lambda t: plain_fm.horizontalAdvance(t) <= room)
            second += " · " + html.escape(label) + highlighted_html(text, spans)
        return f"<b>{highlighted_html(name, name_spans)}</b><br>{second}"

    def _why(self, result, query: str) -> tuple[str, str, Sequence[tuple[int, int]]]:
        """What to show after the kind: the matched acronym or alias, else the snippet."""
        if result.field == "acronym":
            return self.tr("sigle "), result.matched_text, word_spans(result.matched_text, query)
        if result.field == "alias":
            return self.tr("autre nom : "), result.matched_text, word_spans(result.matched_text, query)
        return "", result.snippet or "", tuple(result.highlights)


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

        self.edit = QLineEdit()
        self.edit.setClearButtonEnabled(True)
        self.edit.installEventFilter(self)
        self.edit.textEdited.connect(self._schedule_search)

        self.model = SearchResultModel(self)
        self.delegate = ResultDelegate(self)
        self.model.modelReset.connect(self.delegate.clear_cache)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(self.delegate)
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing stays in the line edit
        self.view.setUniformItemSizes(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setMouseTracking(True)
        self.view.clicked.connect(self._choose_index)
        self.view.setVisible(False)

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
        layout.addWidget(self.view)
        self.setFocusProxy(self.edit)
        self._retranslate()

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
        return [self.model.result(row) for row in range(self.model.rowCount())]

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
        unit_id = index.data(UNIT_ID_ROLE) if index.isValid() else None
        if unit_id:
            self.result_chosen.emit(unit_id)

    def _escape(self) -> None:
        if self.query() or self.view.isVisible():
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
        self.view.setAccessibleName(self.tr("Résultats de la recherche"))
        self.status.setAccessibleName(self.tr("Nombre de résultats"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            if self.query().strip():
                self._run_search()
        super().changeEvent(event)

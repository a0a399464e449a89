"""The search results under the search field: their model, and a delegate that draws each row.

Two lines a row: the name (matches in bold and highlighted), then the kind
and why it matched (an acronym, another name, or a snippet of the mandate
with the match in view).  Its own module: the list is only made once the
window is drawn (SearchBox.prepare), and its Qt classes (the item view, the
delegate, rich text documents) cost a start some 8 ms of import.
"""
from __future__ import annotations

from typing import Callable, Sequence

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QFont, QFontMetrics, QPainter, QPalette, QTextDocument, QTextOption
from PySide6.QtWidgets import QApplication, QListView, QStyledItemDelegate, QStyleOptionViewItem

from iomviewer.ui.history_buttons import PassesHistoryButtons
from iomviewer.ui.i18n import kind_label
from iomviewer.core.text import escape_markup

RESULT_ROLE = Qt.ItemDataRole.UserRole + 2  # the SearchResult, for the delegate
# Matched text: a soft yellow behind black text reads on light and dark rows alike.
HIGHLIGHT_CSS = "background-color:#ffe27a; color:#000000; font-weight:600;"
ELLIPSIS = "…"
_DOCUMENTS_MAX = 200  # rows' documents kept (a few widths of the 50 rows)


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
        parts.append(escape_markup(text[pos:start]))
        parts.append(f'<span style="{HIGHLIGHT_CSS}">{escape_markup(text[start:end])}</span>')
        pos = end
    parts.append(escape_markup(text[pos:]))
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


class ResultsView(PassesHistoryButtons, QListView):
    """The results list, which lets the mouse's back/forward buttons reach the window."""


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
            if len(self._documents) > _DOCUMENTS_MAX:  # widths change while resizing
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
        second = f"<span style='color:{rgba}'>{escape_markup(kind)}</span>"
        label, text, spans = self._why(result, query)
        if text:
            room = width - plain_fm.horizontalAdvance(f"{kind} · {label}") - 4
            text, spans = elide_snippet(text, spans, lambda t: plain_fm.horizontalAdvance(t) <= room)
            second += " · " + escape_markup(label) + highlighted_html(text, spans)
        return f"<b>{highlighted_html(name, name_spans)}</b><br>{second}"

    def _why(self, result, query: str) -> tuple[str, str, Sequence[tuple[int, int]]]:
        """What to show after the kind: the matched acronym or alias, else the snippet."""
        if result.field == "acronym":
            return self.tr("sigle "), result.matched_text, word_spans(result.matched_text, query)
        if result.field == "alias":
            return self.tr("autre nom : "), result.matched_text, word_spans(result.matched_text, query)
        return "", result.snippet or "", tuple(result.highlights)

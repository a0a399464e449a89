"""The detail pane: what the data says about one unit, as selectable rich text.

Every string that comes from the dataset (names, mandates, evidence, file
names, even unit ids in link targets) goes through ``esc`` or ``unit_href``
before it reaches the document, so a name such as ``<script>`` renders as
text.  Links to other units use the ``unit:<id>`` scheme; the browser never
navigates by itself (setOpenLinks(False)) and anything that is not a unit
link is ignored.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable, Sequence
from urllib.parse import quote, unquote

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QTextBrowser, QVBoxLayout, QWidget

from iomviewer.core.model import LINK_TYPES, Dataset, Edition, HistoryRecord, Link, SourceRef, Unit
from iomviewer.core.text import escape_markup
from iomviewer.ui.history_buttons import PassesHistoryButtons
from iomviewer.ui.i18n import kind_label, link_label
from iomviewer.ui.notice import NoticeLabel

if TYPE_CHECKING:  # a link's URL is read when it is clicked, not at start (QUrl's type: 1.7 ms)
    from PySide6.QtCore import QUrl

UNIT_SCHEME = "unit"
ALTERNATIVE = "alternative_parent"
# Diff colours stay readable on light and dark backgrounds; the underline and
# the strike-through carry the meaning for readers who cannot tell them apart.
INSERT_COLOUR = "#1a7f37"
DELETE_COLOUR = "#cf222e"
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")
_QUOTES = "«“\"‘'"


# --- HTML helpers ---------------------------------------------------------------------


_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # data may carry ESC, NUL, BEL…: shown as spaces


def esc(text: str) -> str:
    """Escape data for the document; control characters become spaces, single newlines line breaks."""
    return escape_markup(_CONTROL.sub(" ", text)).replace("\n", "<br>")


def unit_href(unit_id: str) -> str:
    """Return the href of a link to a unit (percent-encoded, so it is safe in an attribute)."""
    return f"{UNIT_SCHEME}:{quote(unit_id, safe='')}"


def unit_id_from_url(url: QUrl) -> str | None:
    """Return the unit id of a ``unit:`` link, None for any other URL."""
    if url.scheme() != UNIT_SCHEME:
        return None
    from PySide6.QtCore import QUrl

    uid = unquote(url.path(QUrl.ComponentFormattingOption.FullyEncoded))
    return uid or None


def link(unit_id: str, text: str) -> str:
    return f'<a href="{unit_href(unit_id)}">{esc(text)}</a>'


def span(cls: str, inner_html: str) -> str:
    return f'<span class="{cls}">{inner_html}</span>'


def section(title: str, body_html: str) -> str:
    return f"<h3>{esc(title)}</h3>{body_html}"


def bullets(items_html: Iterable[str]) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items_html) + "</ul>"


def quoted(text: str) -> str:
    """Escape a verbatim excerpt, adding quotation marks unless it already opens with one."""
    text = text.strip()
    # French quotation marks, held to the text by no-break spaces.
    return esc(text) if text[:1] in _QUOTES else f"«\u00a0{esc(text)}\u00a0»"


def style_sheet(muted: str) -> str:
    # Qt's rich text supports a subset of CSS 2.1; margins in px, font sizes
    # as keywords so they follow the user's font.
    return f"""
        h1 {{ font-size: x-large; font-weight: 600; margin: 0 0 2px 0; }}
        h3 {{ font-size: medium; font-weight: 600; margin: 16px 0 4px 0; }}
        p {{ margin: 0 0 6px 0; }}
        ul {{ margin: 0 0 4px 0; -qt-list-indent: 1; }}
        li {{ margin-bottom: 3px; }}
        .muted, .evidence {{ color: {muted}; }}
        .evidence {{ font-size: small; }}
        .path {{ margin-top: 6px; }}
        .hint {{ color: {muted}; }}
        .ins {{ color: {INSERT_COLOUR}; text-decoration: underline; }}
        .del {{ color: {DELETE_COLOUR}; text-decoration: line-through; }}
    """


def muted_colour(palette: QPalette) -> str:
    """Return a secondary text colour: text blended towards the base (works in dark mode).

    PlaceholderText would do, but it is usually the text colour with alpha,
    and the rich-text engine drops the alpha of a CSS colour name.
    """
    text, base = palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base)
    mix = (round(t * 0.6 + b * 0.4) for t, b in zip(text.getRgb()[:3], base.getRgb()[:3]))
    return "#{:02x}{:02x}{:02x}".format(*mix)


def incoming_links(edition: Edition) -> dict[str, list[tuple[Unit, Link]]]:
    """Map each unit id to the (unit, link) pairs of other units that point at it."""
    table: dict[str, list[tuple[Unit, Link]]] = {}
    for unit in edition:
        for lk in unit.links:
            table.setdefault(lk.target, []).append((unit, lk))
    return table


def merged_sources(refs: Iterable[SourceRef | None]) -> list[tuple[str, list[int]]]:
    """Group references by file (first-seen order), with the union of their lines."""
    files: dict[str, set[int]] = {}
    for ref in refs:
        if ref is not None:
            files.setdefault(ref.file, set()).update(ref.lines)
    return [(f, sorted(lines)) for f, lines in files.items()]


def marked(op: str, text: str) -> str:
    """Mark an inserted or deleted run, leaving its edge spaces unmarked (no underlined gaps)."""
    core = text.strip()
    if not core:
        return esc(text)
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
    return esc(lead) + span("ins" if op == "insert" else "del", esc(core)) + esc(trail)


def diff_paragraphs(ops: Sequence) -> list[list[tuple[str, str]]]:
    """Split WordOps into paragraphs of (op, text) runs at blank lines."""
    paragraphs: list[list[tuple[str, str]]] = [[]]
    for op in ops:
        for i, piece in enumerate(_PARAGRAPH_BREAK.split(op.text)):
            if i:
                paragraphs.append([])
            if piece:
                paragraphs[-1].append((op.op, piece))
    return [p for p in paragraphs if p]


# --- the page for one unit ------------------------------------------------------------


class UnitPage(QObject):
    """Build the HTML for one unit; one short method per section."""

    def __init__(self, dataset: Dataset, edition: Edition, unit: Unit,
                 incoming: list[tuple[Unit, Link]], diff_ops: Sequence | None = None,
                 comparison=None) -> None:
        super().__init__()
        self.dataset, self.edition, self.unit = dataset, edition, unit
        self.incoming = incoming
        self.comparison = comparison  # core.compare.Comparison in compare mode
        if diff_ops is None and comparison is not None:
            change = comparison.change_of(unit.id)
            if change is not None and change.mandate_ops:
                diff_ops = change.mandate_ops
        self.diff_ops = diff_ops

    def html(self) -> str:
        parts = (self.header(), self.path(), self.compare_section(), self.mandate(), self.children(), self.links(),
                 self.alternatives(), self.incoming_section(), self.history(), self.sources(),
                 self.editions())
        return "".join(p for p in parts if p)

    def target(self, unit_id: str, with_kind: bool = False) -> str:
        """A link to a unit of this edition, or its bare id if the edition lacks it."""
        unit = self.edition.get(unit_id)
        if unit is None:
            return esc(unit_id) + " " + span("muted", esc(self.tr("(absente de cette édition)")))
        kind = " " + span("muted", "— " + esc(kind_label(unit.kind))) if with_kind else ""
        return link(unit.id, unit.name) + kind

    def header(self) -> str:
        u = self.unit
        facts = [esc(kind_label(u.kind))]
        if u.acronym:
            facts.append(esc(self.tr("sigle")) + " <b>" + esc(u.acronym) + "</b>")
        out = f"<h1>{esc(u.name)}</h1><p class='muted'>{' · '.join(facts)}</p>"
        if u.aliases:
            names = " ; ".join(esc(a.text) for a in u.aliases)
            label = span("muted", esc(self.tr("Autres noms :")))
            out += f"<p>{label} {names}</p>"
        return out

    def path(self) -> str:
        ids = self.edition.path_from_root(self.unit.id)[:-1]
        if not ids:
            return ""
        steps = []
        for depth, uid in enumerate(ids):
            unit = self.edition.unit(uid)
            steps.append(link(uid, unit.acronym if depth == 0 and unit.acronym else unit.name))
        return f"<p class='path'>{' › '.join(steps)}</p>"

    def mandate(self) -> str:
        if self.diff_ops is not None:
            return self.mandate_diff()
        u = self.unit
        if u.mandate:
            body = "".join(f"<p>{esc(p)}</p>" for p in u.mandate)
        elif u.mention:
            intro = esc(self.tr("Mentionné dans le texte :"))
            body = f"<p>{intro} {quoted(u.mention)}</p>"
        else:
            body = "<p class='muted'>" + esc(self.tr("Pas de mandat dans les sources")) + "</p>"
        return section(self.tr("Mandat"), body)

    def mandate_diff(self) -> str:
        from iomviewer.core.diff import spaced_for_reading  # compare mode only: not at start

        legend = span("ins", esc(self.tr("ajouté"))) + " · " + span("del", esc(self.tr("supprimé")))
        paragraphs = []
        for runs in diff_paragraphs(spaced_for_reading(self.diff_ops)):
            text = "".join(esc(t) if op == "equal" else marked(op, t) for op, t in runs)
            paragraphs.append(f"<p>{text}</p>")
        empty = "<p class='muted'>" + esc(self.tr("Pas de mandat")) + "</p>"
        body = f"<p class='evidence'>{legend}</p>" + ("".join(paragraphs) or empty)
        return section(self.tr("Mandat — modifications"), body)

    # --- compare mode ---------------------------------------------------------------
    def mark_word(self, mark: str) -> str:
        words = {
            "added": self.tr("ajoutée dans B"),
            "removed": self.tr("supprimée dans B"),
            "renamed": self.tr("renommée"),
            "moved": self.tr("déplacée"),
            "mandate_changed": self.tr("mandat modifié"),
            "not_covered": self.tr("hors du champ de l'édition B, partielle : son absence n'est pas une suppression"),
            "not_in_a_coverage": self.tr("hors du champ de l'édition A, partielle : sa présence n'est pas un ajout"),
        }
        return words.get(mark, mark)

    def parent_link(self, edition: Edition, parent: str | None) -> str:
        if parent is None:
            return span("muted", esc(self.tr("aucun rattachement")))
        unit = edition.get(parent)
        return link(parent, unit.name) if unit is not None else esc(parent)

    def compare_section(self) -> str:
        c = self.comparison
        if c is None:
            return ""
        uid = self.unit.id
        a, b = c.a, c.b
        marks = c.marks_of(uid)
        items = []
        if marks:
            words = ", ".join(self.mark_word(m) for m in marks)
            items.append("<b>" + esc(words[:1].upper() + words[1:]) + "</b>")
        else:
            items.append(span("muted", esc(self.tr("Pas de changement entre les deux éditions"))))
        ua, ub = a.get(uid), b.get(uid)
        if ua is not None and ub is not None and "renamed" in marks:
            items.append(esc(self.tr("Nom dans A : « {0} » ; dans B : « {1} »").format(ua.name, ub.name)))
        pa, pb = c.parent_readings(uid)
        if ua is not None and ub is not None and pa != pb:
            line = (esc(self.tr("Rattachement dans A :")) + " " + self.parent_link(a, pa)
                    + "<br>" + esc(self.tr("Rattachement dans B :")) + " " + self.parent_link(b, pb))
            if "moved" not in marks:
                # A partial edition places it higher up: both readings, no silent choice.
                line += "<br>" + span("evidence", esc(self.tr(
                    "Autre lecture : l'édition partielle place l'unité plus haut sans décrire les niveaux "
                    "intermédiaires ; les deux rattachements sont montrés, aucun n'est choisi.")))
            items.append(line)
        change = c.change_of(uid)
        for h in (change.history if change is not None else ()):
            items.append(self.history_item(h))
        title = self.tr("Comparaison : {0} → {1}").format(a.period.label or a.id, b.period.label or b.id)
        editions = span("evidence", esc(self.tr("A : {0} ; B : {1}").format(a.label, b.label)))
        return section(title, f"<p>{editions}</p>" + bullets(items))

    def children(self) -> str:
        ids = self.edition.children(self.unit.id)
        if not ids:
            return ""
        title = self.tr("Unités rattachées ({0})").format(len(ids))
        return section(title, bullets(self.target(uid, with_kind=True) for uid in ids))

    def evidence(self, lk: Link) -> str:
        # Evidence is shown as written: it quotes the sources itself, with references.
        return "<br>" + span("evidence", esc(lk.evidence.strip())) if lk.evidence.strip() else ""

    def links(self) -> str:
        groups = []
        for ltype in LINK_TYPES:
            items = [lk for lk in self.unit.links if lk.type == ltype and ltype != ALTERNATIVE]
            if items:
                label = f"<p>{esc(link_label(ltype))} :</p>"
                groups.append(label + bullets(self.target(lk.target) + self.evidence(lk) for lk in items))
        return section(self.tr("Autres liens"), "".join(groups)) if groups else ""

    def alternatives(self) -> str:
        out_links = [lk for lk in self.unit.links if lk.type == ALTERNATIVE]
        in_links = [u for u, lk in self.incoming if lk.type == ALTERNATIVE]
        body = ""
        if out_links:
            body += "<p>" + esc(self.tr("Une autre lecture des sources rattache cette unité à :")) + "</p>"
            body += bullets(self.target(lk.target) + self.evidence(lk) for lk in out_links)
        if in_links:
            body += "<p>" + esc(self.tr("Une autre lecture des sources rattache ici :")) + "</p>"
            body += bullets(self.target(u.id, with_kind=True) for u in in_links)
        return section(self.tr("Autre lecture"), body) if body else ""

    def incoming_section(self) -> str:
        groups = []
        for ltype in LINK_TYPES:
            sources = [u for u, lk in self.incoming if lk.type == ltype and ltype != ALTERNATIVE]
            if sources:
                label = self.tr("{0} cette unité :").format(link_label(ltype))
                groups.append(f"<p>{esc(label)}</p>" + bullets(self.target(u.id, with_kind=True) for u in sources))
        return section(self.tr("Liens vers cette unité"), "".join(groups)) if groups else ""

    def history(self) -> str:
        records = self.dataset.history_of(self.unit.id)
        change = self.comparison.change_of(self.unit.id) if self.comparison is not None else None
        if change is not None:  # those between A and B are in the comparison section already
            records = [h for h in records if h not in change.history]
        if not records:
            return ""
        return section(self.tr("Historique"), bullets(self.history_item(h) for h in records))

    def edition_label(self, edition_id: str) -> str:
        return self.dataset.edition(edition_id).label if self.dataset.has_edition(edition_id) else edition_id

    def is_before(self, edition_id: str) -> bool:
        """Whether the shown edition comes no later than edition_id."""
        order = [e.id for e in self.dataset.editions]
        # A comparison is seen from its edition B, the one whose structure it shows.
        shown = self.comparison.diff.b if self.comparison is not None else self.edition.id
        if edition_id not in order or shown not in order:
            return False
        return order.index(shown) <= order.index(edition_id)

    def history_item(self, h: HistoryRecord) -> str:
        # Seen from an edition at or before the change, the record looks forward.
        forward = self.is_before(h.from_edition)
        if h.type == "rename":
            text = (self.tr("Renommé « {0} » dans l'édition « {1} »") if forward
                    else self.tr("Anciennement « {0} » (édition « {1} »)"))
        else:
            text = (self.tr("Remplacé par « {0} » (édition « {1} »)") if forward
                    else self.tr("Succède à « {0} » (édition « {1} »)"))
        name, edition_id = (h.new_name, h.to_edition) if forward else (h.old_name, h.from_edition)
        text = esc(text.format(name, self.edition_label(edition_id)))
        if h.evidence.strip():
            text += " " + esc(self.tr("selon :")) + "<br>" + span("evidence", esc(h.evidence.strip()))
        return text

    def sources(self) -> str:
        u = self.unit
        refs = [u.source, *(a.source for a in u.aliases), *(lk.source for lk in u.links)]
        refs += [s for h in self.dataset.history_of(u.id) for s in h.sources]
        titles = {s.file: s.title for s in self.dataset.sources}
        items = []
        for file, lines in merged_sources(refs):
            where = esc(file) + (esc(self.tr(", l. {0}").format(", ".join(map(str, lines)))) if lines else "")
            title = titles.get(file)
            items.append(where + (" — <i>" + esc(title) + "</i>" if title else ""))
        return section(self.tr("Sources"), bullets(items)) if items else ""

    def editions(self) -> str:
        items = []
        for eid in self.dataset.editions_of(self.unit.id):
            label = esc(self.edition_label(eid))
            if eid == self.edition.id:
                label = f"<b>{label}</b> " + span("muted", esc(self.tr("(affichée)")))
            items.append(label)
        return section(self.tr("Présent dans les éditions"), bullets(items)) if items else ""


# --- the widget -----------------------------------------------------------------------


class _Browser(PassesHistoryButtons, QTextBrowser):
    """The pane's text, which lets the mouse's back/forward buttons reach the window."""


class DetailPane(QWidget):
    """Show one unit of an edition; unit links emit unit_link_activated(id)."""

    unit_link_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._dataset: Dataset | None = None
        self._edition: Edition | None = None
        self._unit_id: str | None = None
        self._diff_ops: Sequence | None = None
        self._comparison = None
        self._incoming: tuple[Edition | None, dict] = (None, {})

        self.banner = NoticeLabel("5px 10px")
        self.banner.setTextFormat(Qt.TextFormat.PlainText)  # coverage notes are data
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.banner.font()
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 0.9)
            self.banner.setFont(font)

        self.browser = _Browser()
        self.browser.setOpenLinks(False)  # never navigate: links are routed as unit ids
        self.browser.setOpenExternalLinks(False)
        self.browser.setFrameShape(QFrame.Shape.NoFrame)
        self.browser.document().setDocumentMargin(12)
        # Keyboard selection on top of the browser defaults, so Shift+arrows,
        # Ctrl+A and Ctrl+C work without a mouse; Tab/Enter still follow links.
        self._interaction = Qt.TextInteractionFlag.TextBrowserInteraction | Qt.TextInteractionFlag.TextSelectableByKeyboard
        self.browser.anchorClicked.connect(self._on_anchor_clicked)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.browser, 1)
        self.setFocusProxy(self.browser)
        self._retranslate()
        self._render()

    # --- public API -------------------------------------------------------------
    def show_unit(self, dataset: Dataset | None, edition: Edition | None, unit_id: str | None) -> None:
        """Show a unit of the edition (None: the empty state); drops any mandate diff."""
        self._dataset, self._edition, self._unit_id = dataset, edition, unit_id
        self._diff_ops = None
        self._render()

    def set_mandate_diff(self, ops: Sequence | None) -> None:
        """Show the mandate as a word diff (WordOps); None returns to the plain mandate."""
        self._diff_ops = list(ops) if ops is not None else None
        self._render(keep_scroll=True)

    def set_comparison(self, comparison) -> None:
        """Compare mode (a core.compare.Comparison; None leaves it): each unit shows what changed
        from A to B, its mandate as a word diff and its renames and successions with their evidence."""
        self._comparison = comparison
        self._render(keep_scroll=True)

    def comparison(self):
        return self._comparison

    def unit_id(self) -> str | None:
        return self._unit_id

    def copy(self) -> None:
        self.browser.copy()

    def toPlainText(self) -> str:  # noqa: N802 - mirrors QTextEdit for callers and tests
        return self.browser.toPlainText()

    # --- rendering ----------------------------------------------------------------
    def _current_unit(self) -> Unit | None:
        if self._edition is None or self._dataset is None:
            return None
        return self._edition.get(self._unit_id)

    def _incoming_for(self, edition: Edition, unit_id: str) -> list[tuple[Unit, Link]]:
        # Computed once per edition: a scan of every link, cheap even at 10,000 units.
        if self._incoming[0] is not edition:
            self._incoming = (edition, incoming_links(edition))
        return self._incoming[1].get(unit_id, [])

    def _render(self, keep_scroll: bool = False) -> None:
        # The scroll bar only when it is to be kept: the first one read makes
        # PySide's QScrollBar type, which the window's first paint can do without.
        position = self.browser.verticalScrollBar().value() if keep_scroll else 0
        muted = muted_colour(self.palette())
        self.browser.document().setDefaultStyleSheet(style_sheet(muted))
        self.browser.setHtml(self._page_html())
        # No caret blinking above the empty-state hint: there is nothing to select.
        has_unit = self._current_unit() is not None
        self.browser.setTextInteractionFlags(self._interaction if has_unit else Qt.TextInteractionFlag.NoTextInteraction)
        self._update_banner()
        if keep_scroll:
            self.browser.verticalScrollBar().setValue(position)

    def _page_html(self) -> str:
        unit = self._current_unit()
        if unit is None:
            hint = self.tr("Sélectionnez une unité dans l'arbre ou l'organigramme")
            # A table, because the layout drops the top margin of a document's first block.
            return (f"<table width='100%' style='margin-top: 32px'><tr>"
                    f"<td align='center' class='hint'>{esc(hint)}</td></tr></table>")
        incoming = self._incoming_for(self._edition, unit.id)
        comparison = self._comparison if self._comparison is not None and self._comparison.edition is self._edition else None
        return UnitPage(self._dataset, self._edition, unit, incoming, self._diff_ops, comparison).html()

    def _update_banner(self) -> None:
        edition = self._edition
        partial = edition is not None and edition.is_partial and self._current_unit() is not None
        self.banner.setVisible(partial)
        if partial:
            note = edition.coverage_note or self.tr("les sources ne couvrent qu'une partie de la structure.")
            self.banner.setText(self.tr("Édition partielle : {0}").format(note))

    def _retranslate(self) -> None:
        self.browser.setAccessibleName(self.tr("Détails de l'unité"))
        self.banner.setAccessibleName(self.tr("Avertissement sur l'édition"))

    def _on_anchor_clicked(self, url: QUrl) -> None:
        uid = unit_id_from_url(url)
        if uid is not None:
            self.unit_link_activated.emit(uid)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            self._render(keep_scroll=True)
        elif event.type() == QEvent.Type.PaletteChange:
            self._render(keep_scroll=True)
        super().changeEvent(event)

"""Colours, shapes and fonts of the chart, per kind of unit, and the legend.

Fills are tints from Paul Tol's "light" and "pale" qualitative schemes, made
for labels that carry black text and for readers with colour-vision
deficiencies; every box also names its kind in words (in the compact chart,
only where the name does not already say it: "Division du budget"), so
colour is never the only cue.  Tints are light so a printed chart does not
soak the page, and each kind has a darker border of the same hue that
survives greyscale print.

No Qt here: the Qt view reads the same constants to restyle items in place.
"""
# No `from __future__ import annotations`: NamedTuple would compile each
# string annotation into a ForwardRef (as in chart/layout.py).
from typing import NamedTuple

from iomviewer.core.model import KIND_LABELS_EN, KIND_LABELS_FR, KINDS

# Graphviz hands fontname to pango (the cairo renderers: PNG, PDF, and the
# text metrics of every layout), which reads a comma-separated family list
# and falls back along it; core SVG writes the same list into font-family,
# where CSS reads it the same way.  DejaVu Sans is first because it is on
# almost every Linux box, has every French accent and ships with the app's
# fonts; the Qt view splits the list with font_families().
FONT = "DejaVu Sans"
FONTNAME = "DejaVu Sans,Noto Sans,Arial,Helvetica,sans-serif"

OLD_PARENT_CLASS = "old-parent"  # compare mode: the line of authority in edition A (its edges' class)

NAME_SIZE = 11.0  # unit name, points
KIND_SIZE = 8.0  # kind line under the name (and the count of hidden units)
EDGE_COLOR = "#4d4d4d"
TEXT_COLOR = "#111111"
KIND_TEXT_COLOR = "#3c3c3c"
CLUSTER_FILL = "#f4f4f4"  # the column of stacked leaves (compact mode)
CLUSTER_BORDER = "#c8c8c8"
LINK_COLOR = "#8c6bb1"  # secondary links: a purple no kind uses
LINK_PENWIDTH = 1.0
BACKGROUND = "#ffffff"

# Restyling in place, without relayout (Qt view and exports alike).
# Selection: a thick dark-blue border.  Search matches: a vermillion border
# (Okabe-Ito) and a pale yellow fill; blue against vermillion stays distinct
# for the common colour-vision deficiencies.
SELECTED_BORDER = "#0b3c8c"
SELECTED_PENWIDTH = 3.5
HIGHLIGHT_BORDER = "#d55e00"
HIGHLIGHT_FILL = "#fff3a0"
HIGHLIGHT_PENWIDTH = 3.0


# The styles are named tuples, not frozen dataclasses: as immutable, and a
# class costs ~0.2 ms to create at import instead of ~1.4 ms.
class KindStyle(NamedTuple):
    fill: str
    border: str
    text: str = TEXT_COLOR
    penwidth: float = 1.0
    bold: bool = False  # the name in bold
    dashed: bool = False  # a set of units rather than a unit


KIND_STYLES: dict[str, KindStyle] = {
    # The spine: organisation, headquarters, directorate.  Blues, heavier.
    "organisation": KindStyle("#77aadd", "#1f4e79", penwidth=2.5, bold=True),
    "headquarters": KindStyle("#99ddff", "#1f6e8c", penwidth=2.0, bold=True),
    "directorate": KindStyle("#bbccee", "#2e4a8c", penwidth=2.0, bold=True),
    # Governance: yellows.
    "governing_body": KindStyle("#eedd88", "#7a6a14", penwidth=1.5, bold=True),
    "committee": KindStyle("#f5ecbb", "#7a6a14"),
    "secretariat": KindStyle("#eeeebb", "#6b6b24"),
    # Line management at headquarters: greens, lighter further down.
    "office": KindStyle("#cceeff", "#2a6f8f", penwidth=1.5),
    "department": KindStyle("#a8dccb", "#1e6b54", penwidth=1.5, bold=True),
    "division": KindStyle("#d3e6b8", "#4f6b24"),
    "unit": KindStyle("#ebf2de", "#6b7f4a"),
    "team": KindStyle("#f2f2f2", "#6e6e6e"),
    # Specialised bodies: pinks.
    "institute": KindStyle("#ffcccc", "#9c3d3d"),
    "centre": KindStyle("#ffdfd0", "#9c5a3d"),
    # In the field: oranges.
    "regional_office": KindStyle("#f6bfa6", "#a0522d", penwidth=1.5),
    "liaison_office": KindStyle("#ffd3dc", "#a33a55"),
    "country_office": KindStyle("#fbe3d6", "#a0522d"),
    "administrative_centre": KindStyle("#dddddd", "#555555"),
    # An "ensemble" groups units without being one: white, dashed.
    "group": KindStyle("#ffffff", "#777777", dashed=True),
}
_FALLBACK = KindStyle("#ffffff", "#555555")


def kind_style(kind: str) -> KindStyle:
    """Style of a kind (a neutral box for a kind this version does not know)."""
    return KIND_STYLES.get(kind, _FALLBACK)


def kind_label(kind: str, lang: str = "fr") -> str:
    labels = KIND_LABELS_EN if lang == "en" else KIND_LABELS_FR
    return labels.get(kind, kind)


def legend_items(kinds_present, lang: str = "fr") -> list[tuple[str, str, str, str]]:
    """(kind, label, fill, border) for each kind present, in the legend's order (KINDS)."""
    present = set(kinds_present)
    known = [k for k in KINDS if k in present]
    extra = sorted(present - set(KINDS))
    return [(k, kind_label(k, lang), kind_style(k).fill, kind_style(k).border) for k in known + extra]


def font_families(fontname: str = FONTNAME) -> list[str]:
    """Split a Graphviz/pango family list into names (for QFont.setFamilies)."""
    return [f.strip() for f in fontname.split(",") if f.strip()]


# --- comparing editions -----------------------------------------------------------------
# Change marks (Okabe-Ito hues, kept apart from the selection blue and the
# search vermillion): border colour, a symbol and a word in the box, so
# colour is never the only cue.  Removed units are ghosted (white fill, grey
# text, dashed border); units one edition does not cover get a dotted grey
# border and no word: their absence from a partial edition is not a change.


class ChangeStyle(NamedTuple):
    color: str
    symbol: str
    label_fr: str
    label_en: str


CHANGE_STYLES: dict[str, ChangeStyle] = {
    "removed": ChangeStyle("#6e6e6e", "\u2212", "supprimée", "removed"),
    "added": ChangeStyle("#009e73", "+", "ajoutée", "added"),
    "moved": ChangeStyle("#0072b2", "\u2192", "déplacée", "moved"),
    "renamed": ChangeStyle("#cc79a7", "\u270e", "renommée", "renamed"),
    "mandate_changed": ChangeStyle("#e69f00", "\u00a7", "mandat modifié", "mandate changed"),
    "not_covered": ChangeStyle("#9a9a9a", "?", "hors du champ de l’édition B", "outside edition B’s scope"),
    "not_in_a_coverage": ChangeStyle("#9a9a9a", "?", "hors du champ de l’édition A", "outside edition A’s scope"),
}
COVERAGE_CHANGES = frozenset({"not_covered", "not_in_a_coverage"})
CHANGE_PENWIDTH = 2.6
GHOST_FILL = "#ffffff"
GHOST_TEXT = "#7a7a7a"
OLD_PARENT_LABEL = {"fr": "ancien rattachement", "en": "former line of authority"}
OLD_NAME_PREFIX = {"fr": "anc. ", "en": "formerly "}


def change_label(mark: str, lang: str = "fr") -> str:
    s = CHANGE_STYLES.get(mark)
    if s is None:
        return mark
    return s.label_en if lang == "en" else s.label_fr


def change_legend_items(marks_present, lang: str = "fr", old_parent_edges: bool = False
                        ) -> list[tuple[str, str | None, str, str]]:
    """(label, fill, border, symbol) for each change mark present, for a legend.

    fill None: draw `symbol` in the border colour instead of a swatch (the
    old line of authority, a dashed edge).
    """
    present = set(marks_present)
    items: list[tuple[str, str | None, str, str]] = []
    for mark, s in CHANGE_STYLES.items():
        if mark not in present:
            continue
        fill = GHOST_FILL if mark == "removed" or mark in COVERAGE_CHANGES else "#ffffff"
        items.append((f"{s.symbol} {change_label(mark, lang)}", fill, s.color, s.symbol))
    if old_parent_edges:
        items.append((OLD_PARENT_LABEL.get(lang, OLD_PARENT_LABEL["fr"]), None, CHANGE_STYLES["moved"].color, "- - ›"))
    return items

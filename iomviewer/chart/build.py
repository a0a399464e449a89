"""A scope of an edition → a styled pygraphviz graph, ready for one run of dot.

Escaping lives here and only here.  Unit names come from documents and may
hold anything (quotes, ``<``, ``&``, backslashes, ``\\N``, newlines, bidi
marks), so labels are always HTML-like labels assembled from escaped text:
Graphviz never interprets a name as DOT, as an escString (``\\N``, ``\\l``)
or as markup.  Node names and ``id`` attributes are unit ids, which the
loader has checked against ``^[A-Za-z0-9][A-Za-z0-9_.-]*$``, so they need no
escaping.
"""
from __future__ import annotations

import functools
import math
import re
import unicodedata
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterator, NamedTuple

from iomviewer.chart import style
from iomviewer.chart.options import PAGE_HEIGHT, PAGE_WIDTH, ChartOptions  # noqa: F401  (also build's names)
from iomviewer.chart.style import OLD_PARENT_CLASS  # noqa: F401  (also build's name)
from iomviewer.core.model import KIND_LABELS_FR, LINK_LABELS_EN, LINK_LABELS_FR, Edition
from iomviewer.core.text import clean_text  # noqa: F401  (also build's name)

if TYPE_CHECKING:  # pygraphviz is imported where a graph is built, not on import
    import pygraphviz

    from iomviewer.chart.placed import Geometry
    from iomviewer.core.compare import ChangeMarks
    from iomviewer.core.model import Link

STACK_PREFIX = "cluster_stack_"
MIN_STACK = 3  # fewer leaves than this stay a row: a column of two saves nothing
TREE_CLASS = "tree"
LINK_CLASS = "link"
# A name longer than this many lines is cut with an ellipsis (tooltip keeps it whole).
MAX_LINES = 5
WRAP_WIDTH = 20  # characters per line of a name in a box
# Compact, top to bottom ("dense" boxes, see below): lines of text in every
# box, the kind line included, and characters a line, at least and at most.
BOX_LINES = 3
# Without the kind line (an export whose legend says the kinds, see
# ChartOptions.kind_line), boxes are this many lines of name high, up to
# BARE_WIDTH characters a line: one taller box would make its whole rank
# taller, which costs more than a wider box (the chart is height-bound).
BARE_LINES = 2
BARE_WIDTH = 40
DENSE_WIDTH = 20
MAX_WIDTH = 40
# Placed boxes (ChartOptions.placed): names wrapped at this many characters,
# never cut below this many lines.
PAGE_WRAP = 24
PAGE_WIDEST = 48  # … and at most this many where the column leaves room (see _refit)
PAGE_MAX_LINES = 10
UNIFORM_LINES = 2  # top to bottom, every box is at least as tall as this many lines of name
# --- scope --------------------------------------------------------------------------


def _scope_root(edition: Edition, options: ChartOptions) -> str:
    root = options.root if options.root is not None else edition.root.id
    if root not in edition:
        raise KeyError(f"unit {root!r} is not in edition {edition.id!r}")
    return root


def _shown_tree(edition: Edition, options: ChartOptions) -> dict[str, list[str]]:
    """Shown unit → its shown children (source order), for every shown unit, preorder."""
    root = _scope_root(edition, options)
    depth_limit = options.depth
    shown: dict[str, list[str]] = {}
    stack: list[tuple[str, int]] = [(root, 0)]
    while stack:  # iterative: a deep chain must not hit the recursion limit
        uid, level = stack.pop()
        kids: list[str] = []
        if uid not in options.collapsed and (depth_limit is None or level < depth_limit):
            kids = list(edition.children(uid))
        kids = [k for k in kids if k not in shown]  # a cycle in bad data must not loop
        shown[uid] = kids
        stack.extend((k, level + 1) for k in reversed(kids))
    return shown


def scope_units(edition: Edition, options: ChartOptions) -> list[str]:
    """Ids of the units the chart shows, in source order."""
    shown = _shown_tree(edition, options)
    return [u.id for u in edition.units if u.id in shown]


def hidden_count(edition: Edition, unit_id: str) -> int:
    """Number of descendants of a unit (what collapsing it hides)."""
    count, stack = 0, list(edition.children(unit_id))
    while stack:
        uid = stack.pop()
        count += 1
        stack.extend(edition.children(uid))
    return count


# Every view that stops above the leaves counts what each shown leaf hides:
# at 10,000 units, a walk over most of the edition for each build (a quarter
# of building the opening view).  Counted once per edition (editions do not
# change once loaded), in one pass; keyed by identity, as an Edition hashes
# all its units.
_descendants: dict[int, tuple["weakref.ref[Edition]", dict[str, int]]] = {}


def _descendant_counts(edition: Edition) -> dict[str, int]:
    """Unit id → number of its descendants, for every unit under the edition's roots."""
    known = _descendants.get(id(edition))
    if known is not None and known[0]() is edition:
        return known[1]
    order, seen, stack = [], set(), list(edition.children(None))
    while stack:  # preorder, iteratively: a deep chain must not hit the recursion limit
        uid = stack.pop()
        if uid in seen:
            continue
        seen.add(uid)
        order.append(uid)
        stack.extend(edition.children(uid))
    counts: dict[str, int] = {}
    for uid in reversed(order):  # children before parents
        counts[uid] = sum(1 + counts.get(k, 0) for k in edition.children(uid))
    for key in [k for k, (ref, _) in _descendants.items() if ref() is None]:
        del _descendants[key]
    _descendants[id(edition)] = (weakref.ref(edition), counts)
    return counts


# --- text ----------------------------------------------------------------------------


def _wrap_greedy(words: list[str], width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in words:
        if len(word) > width:  # alone too long: its own lines, cut at the width
            if line:
                lines.append(line)
            lines.extend(word[i:i + width] for i in range(0, len(word) - width, width))
            line = word[(len(word) - 1) // width * width:]
        elif not line:
            line = word
        elif len(line) + 1 + len(word) <= width:
            line += " " + word
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def wrap_label(name: str, width: int = 24) -> list[str]:
    """Wrap a name on word boundaries into lines of at most `width` characters.

    A word is split only when it alone is longer than `width`.  Among the
    wrappings with the fewest lines, take the one whose longest line is
    shortest, so boxes come out compact rather than ragged.
    """
    width = max(int(width), 1)
    words = clean_text(name).split()
    if not words:
        return [""]
    best = _wrap_greedy(words, width)
    floor = min(max(len(w) for w in words), width)
    for w in range(max(len(x) for x in best) - 1, floor - 1, -1):
        lines = _wrap_greedy(words, w)
        if len(lines) > len(best):
            break
        best = lines
    return best


@functools.lru_cache(maxsize=50_000)  # the lines of every name, escaped again by every build
def html_escape(text: str) -> str:
    """Escape text for a Graphviz HTML-like label (after clean_text).

    Markup characters become entities.  Graphviz still expands escStrings
    such as ``\\N`` in the text of HTML labels, and un-doubles ``\\\\``, so
    each backslash is doubled.  Two backslashes in a row would still come
    out of Graphviz's JSON writer mangled (it re-parses xdot text, whose
    escaped backslashes it miscounts, and drops the end of the line), so a
    WORD JOINER (U+2060, invisible) keeps literal backslashes apart.
    """
    text = clean_text(text)
    text = re.sub(r"\\(?=\\)", lambda m: "\\\u2060", text)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;").replace("\\", "\\\\"))


def tooltip_escape(text: str) -> str:
    """Escape text for a Graphviz tooltip so it comes out literally in SVG.

    Graphviz decodes HTML entities in tooltips, then drops the backslash of
    every escape (interpretCRNL: ``\\l``, ``\\n`` become newlines), then
    expands ``\\N``-style escapes and un-doubles ``\\\\`` (emit.c,
    preprocessTooltip and strdup_and_subst_obj): a literal backslash must be
    written four times and ``&`` as ``&amp;``.
    """
    return clean_text(text).replace("&", "&amp;").replace("\\", "\\\\\\\\")


# --- boxes ---------------------------------------------------------------------------
# A box shows the unit's name and, under it in small type, its kind.  The
# compact chart top to bottom (the "dense" layout, planned below) gives every
# box the same height, BOX_LINES lines of text: ranks are global in dot, so
# one taller box would make its rank taller across the whole chart.  A long
# name gets a wider box instead.  The kind line is left out when the name
# already says the kind ("Division du budget"; two units in three): the
# colour and the legend say it as well.  Boxes whose name does not say it
# ("Préparation", "Manille") keep it, so colour is never the only cue.


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", clean_text(text).casefold().replace("\u2019", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def kind_in_name(name: str, kind: str) -> bool:
    """Whether a name starts with the label of its kind ("Division du budget", a division).

    Names are French whatever the interface's language: the French label is the one looked for.
    """
    label = _fold(KIND_LABELS_FR.get(kind, ""))
    folded = _fold(name)
    return bool(label) and folded.startswith(label) and (
        len(folded) == len(label) or not folded[len(label)].isalnum())


def _cut(lines: list[str], count: int) -> list[str]:
    if len(lines) <= count:
        return lines
    lines = lines[:count]
    lines[-1] = lines[-1].rstrip() + " …"
    return lines


def _fitted_lines(name: str, count: int, widest: int = MAX_WIDTH) -> list[str] | None:
    """The name in at most `count` lines, as narrow as that allows from DENSE_WIDTH to `widest`."""
    lines = wrap_label(name, DENSE_WIDTH)
    if len(lines) <= count:
        return lines
    if len(wrap_label(name, widest)) > count:
        return None
    lo, hi = DENSE_WIDTH, widest  # too narrow at lo, wide enough at hi: lines only fewer as it widens
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if len(wrap_label(name, mid)) <= count:
            hi = mid
        else:
            lo = mid
    return wrap_label(name, hi)


def box_text(name: str, kind: str, lang: str = "fr", dense: bool = False,
             hidden: bool = False, kind_line: bool = True) -> tuple[list[str], str]:
    """The lines of a unit's name in its box, and the kind line under them (see _box_text_uncached)."""
    if dense and not kind_line:
        return list(_bare_text(name)), ""
    lines, kind_text = _box_text(name, kind, lang, dense, hidden)
    return list(lines), kind_text


@functools.lru_cache(maxsize=50_000)
def _page_text(name: str, wrap: int = PAGE_WRAP) -> tuple[str, ...]:
    """A placed box's name (ChartOptions.placed): whole, in the fewest lines of at most `wrap` characters.

    A placed box is as high as its own lines, so a long name takes a third
    line rather than widen its whole column.  Only a name longer than
    PAGE_MAX_LINES lines is cut (the tooltip has it whole).
    """
    return tuple(_cut(wrap_label(name, wrap), PAGE_MAX_LINES))


@functools.lru_cache(maxsize=50_000)
def _bare_text(name: str) -> tuple[str, ...]:
    """A dense box's name without a kind line: BARE_LINES lines up to BARE_WIDTH characters, else cut."""
    return tuple(_fitted_lines(name, BARE_LINES, BARE_WIDTH) or _fitted_lines(name, BOX_LINES, BARE_WIDTH)
                 or _cut(wrap_label(name, BARE_WIDTH), BOX_LINES))


# A quarter of building a 10,000-unit graph is wrapping names, and every new
# view of the same edition wraps them again: remembered (a few MB at most).
@functools.lru_cache(maxsize=50_000)
def _box_text(name: str, kind: str, lang: str, dense: bool, hidden: bool) -> tuple[tuple[str, ...], str]:
    lines, kind_line = _box_text_uncached(name, kind, lang, dense, hidden)
    return tuple(lines), kind_line


def _box_text_uncached(name: str, kind: str, lang: str = "fr", dense: bool = False,
                       hidden: bool = False) -> tuple[list[str], str]:
    """The lines of a unit's name in its box, and the kind line under them ("" = none).

    Not dense: the name wrapped at WRAP_WIDTH characters, up to MAX_LINES
    lines, and the kind line.  Dense (compact, top to bottom): BOX_LINES
    lines in all, in a box as narrow as they allow up to MAX_WIDTH
    characters a line; the kind line only when the name does not say the
    kind, and not for a name that needs every line.  `hidden`: the unit has
    hidden children, whose count needs the small line.  A name too long even
    so is cut with an ellipsis (the tooltip has it whole).
    """
    kind_line = style.kind_label(kind, lang)
    if not dense:
        return _cut(wrap_label(name, WRAP_WIDTH), MAX_LINES), kind_line
    if hidden or not kind_in_name(name, kind):
        lines = _fitted_lines(name, BOX_LINES - 1)
        if lines is not None or hidden:
            lines = lines or _cut(wrap_label(name, MAX_WIDTH), BOX_LINES - 1)
            return lines, "" if kind_in_name(name, kind) else kind_line
    return _fitted_lines(name, BOX_LINES) or _cut(wrap_label(name, MAX_WIDTH), BOX_LINES), ""


def _label(lines: list[str], kind_line: str, hidden: int, bold: bool, extra: list[str] | None = None,
           text_color: str | None = None) -> str:
    """The box's HTML-like label: name, kind line, then `extra` lines (markup, already escaped)."""
    name = "<BR/>".join(html_escape(line) for line in lines)
    if bold:
        name = f"<B>{name}</B>"
    small = html_escape(kind_line)
    if hidden:
        small = f"{small}  <B>+{hidden}</B>" if small else f"<B>+{hidden}</B>"
    tail = [f'<FONT POINT-SIZE="{style.KIND_SIZE:g}" COLOR="{text_color or style.KIND_TEXT_COLOR}">{small}</FONT>'
            ] if small else []
    tail += extra or []
    if tail:
        return f"<{name}<BR/>{'<BR/>'.join(tail)}>"
    if len(lines) > 1 and not bold:
        # Graphviz sets the lines of a label in a single font a pango line
        # apart (1.23 em), and those of a label that mixes fonts one font size
        # apart, as in every box with a kind line or a bold name.  The first
        # line names the same families spelt with a final space, which pango
        # and CSS read alike: all boxes space their lines the same way.
        first, _, rest = name.partition("<BR/>")
        name = f'<FONT FACE="{style.FONTNAME} ">{first}</FONT><BR/>{rest}'
    return f"<{name}>"


# --- compare mode ---------------------------------------------------------------------

OLD_NAME_WIDTH = 34  # characters a line of an old name, at KIND_SIZE
OLD_NAME_LINES = 2


def change_lines(uid: str, changes: ChangeMarks, lang: str) -> list[tuple[str, str, bool]]:
    """The extra lines of a marked box: (text, colour, italic), at KIND_SIZE.

    A line of symbols and words for the changes ("+ ajoutée · § mandat
    modifié"), then the old name of a renamed unit.  Units an edition does
    not cover get no line: their dotted border says it, and the legend.
    """
    marks = [m for m in changes.marks_of(uid) if m not in style.COVERAGE_CHANGES]
    out: list[tuple[str, str, bool]] = []
    if marks:
        color = style.CHANGE_STYLES[marks[0]].color if marks[0] in style.CHANGE_STYLES else style.EDGE_COLOR
        line = ""
        for m in marks:  # whole marks a line, as many as fit OLD_NAME_WIDTH
            word = f"{style.CHANGE_STYLES[m].symbol} {style.change_label(m, lang)}" if m in style.CHANGE_STYLES else m
            if line and len(line) + 3 + len(word) > OLD_NAME_WIDTH:
                out.append((line, color, False))
                line = word
            else:
                line = f"{line} · {word}" if line else word
        out.append((line, color, False))
    old = changes.old_name(uid)
    if old:
        prefix = style.OLD_NAME_PREFIX.get(lang, style.OLD_NAME_PREFIX["fr"])
        for line in _cut(wrap_label(f"{prefix}« {old} »", OLD_NAME_WIDTH), OLD_NAME_LINES):
            out.append((line, style.KIND_TEXT_COLOR, True))
    return out


def _change_markup(lines: list[tuple[str, str, bool]]) -> list[str]:
    out = []
    for text, color, italic in lines:
        body = html_escape(text)
        body = f"<I>{body}</I>" if italic else f"<B>{body}</B>"
        out.append(f'<FONT POINT-SIZE="{style.KIND_SIZE:g}" COLOR="{color}">{body}</FONT>')
    return out


def _change_attrs(uid: str, changes: ChangeMarks, ks: style.KindStyle) -> dict[str, str]:
    """Node attributes of a marked unit: border colour and width, ghosting, dotted scope border."""
    marks = changes.marks_of(uid)
    if not marks:
        return {}
    first = marks[0]
    color = style.CHANGE_STYLES[first].color if first in style.CHANGE_STYLES else style.EDGE_COLOR
    if first == "removed":
        return dict(style="rounded,filled,dashed", fillcolor=style.GHOST_FILL, fontcolor=style.GHOST_TEXT,
                    color=color, penwidth=f"{max(ks.penwidth, 1.6):g}")
    if first in style.COVERAGE_CHANGES:
        return dict(style="rounded,filled,dotted", color=color, penwidth=f"{max(ks.penwidth, 1.4):g}")
    return dict(color=color, penwidth=f"{max(ks.penwidth, style.CHANGE_PENWIDTH):g}")


# Advance widths in ems of DejaVu Sans by class of character, regular and
# bold, fitted on dot's own measurements of the French names (within 2 pt a
# line): space, narrow, wide, other capitals, other characters.
_NARROW = frozenset("iljfrtI.,;:'\u2019()-/|!\u00ee\u00ef\u00ce\u00cf")
_WIDE = frozenset("mwMW\u0152\u0153\u00c6\u00e6\u2014\u2026&%@")
_ADVANCE = ((0.333, 0.353, 1.009, 0.712, 0.623), (0.359, 0.401, 1.132, 0.898, 0.696))


@functools.lru_cache(maxsize=50_000)  # each name's lines, measured again by every build
def _text_width(text: str, size: float, bold: bool = False) -> float:
    """Estimated width in points of a line of text (for planning only; dot measures for real)."""
    space, narrow, wide, capital, other = _ADVANCE[bold]
    ems = sum(space if c == " " else narrow if c in _NARROW else wide if c in _WIDE
              else capital if c.isupper() else other for c in text)
    return ems * size


def measure_lines(texts: dict[tuple[float, bool], list[str]],
                  draw: Callable[[str], bytes]) -> dict[tuple[float, bool], list[float] | None]:
    """Widths in points of lines of text, per font (size in points, bold), as Graphviz (pango) measures them.

    One run of dot (draw: DOT text → dot's JSON) on one plaintext node per
    font, whose label is a column of that font's texts; the JSON gives each
    text's width.  A font's widths are None if they did not come back one
    per text (never seen: the caller estimates them).  A text that escapes
    to nothing is measured as a space (an empty cell draws no text).
    """
    import json

    import pygraphviz

    graph = pygraphviz.AGraph(name="measure")
    graph.graph_attr.update(fontname=style.FONTNAME, margin="0")
    graph.node_attr.update(shape="plaintext", fontname=style.FONTNAME, margin="0")
    fonts = {}
    for i, (font, items) in enumerate(texts.items()):
        size, bold = font
        fonts[f"f{i}"] = font
        b, nb = ("<B>", "</B>") if bold else ("", "")
        cells = "".join(f"<TR><TD>{b}{html_escape(t) or ' '}{nb}</TD></TR>" for t in items)
        graph.add_node(f"f{i}", label=f'<<FONT POINT-SIZE="{size:.3f}"><TABLE BORDER="0" CELLSPACING="0" '
                                      f'CELLPADDING="0">{cells}</TABLE></FONT>>')
    data = json.loads(draw(graph.string()))
    widths: dict[tuple[float, bool], list[float] | None] = dict.fromkeys(texts)
    for obj in data.get("objects", []):
        font = fonts.get(obj.get("name"))
        if font is None:
            continue
        found = [float(op["width"]) for op in obj.get("_ldraw_", []) if op.get("op") == "T"]
        if len(found) == len(texts[font]):
            widths[font] = found
    return widths


# Widths in points of lines of names at NAME_SIZE, (text, bold) → width, as
# Graphviz (pango) measures them: placed boxes are sized from these.
_MEASURED: dict[tuple[str, bool], float] = {}


def _measured(lines: set[tuple[str, bool]]) -> dict[tuple[str, bool], float]:
    """The measured width of each line (see _MEASURED); the new ones measured in one run of dot."""
    todo = sorted(key for key in lines if key not in _MEASURED)
    if todo:
        columns: dict[tuple[float, bool], list[str]] = {}
        for text, bold in todo:
            columns.setdefault((style.NAME_SIZE, bold), []).append(text)
        from iomviewer.chart.dot import _render_source  # in this process: the caller holds graphviz_lock

        widths = measure_lines(columns, functools.partial(_render_source, gv_format="json"))
        for font, items in columns.items():
            if widths[font] is not None:
                _MEASURED.update(((t, font[1]), w) for t, w in zip(items, widths[font]))
        for text, bold in todo:  # never seen: estimated, a tenth wider
            _MEASURED.setdefault((text, bold), 1.1 * _text_width(text, style.NAME_SIZE, bold))
    return {key: _MEASURED[key] for key in lines}


# --- compact planning -------------------------------------------------------------------
# Rows of siblings are what make org charts unreadably wide.  In compact mode
# a parent's stacked children go in one column (a cluster) entered by a
# single edge.
#
# Left to right, and top to bottom without a target aspect, the children
# stacked are the leaves (once there are MIN_STACK of them) and the "blocks"
# (a child whose children are all leaves, e.g. a division and its units,
# shown as the child followed by its leaves in a nested column).
#
# Top to bottom with a target aspect (the default), the layout is "dense":
# any child may be stacked, bringing its descendants along in nested
# columns, so that a column reads like an indented list, each panel holding
# what belongs to the box above it; a column too long is split into
# sub-columns side by side, nested ones too; children that are not stacked
# go in a row just below their parent.  What to stack where is planned so
# that the whole chart comes out as large as it can on the target page,
# judged with an estimate of dot's layout (dot runs only once).  Every box
# being as high as every other, the estimate is close: heights exactly,
# widths within a few per cent.

# Spacing, in inches as Graphviz wants it.  Ranks are global in dot, so the
# gap between entries of a column is the gap between levels of the tree.  To
# keep columns tight but levels apart, ranksep is small and edges between
# levels span two ranks (minlen), leaving an empty rank between levels.
NODESEP = 0.18
RANKSEP = 0.12
LEVEL_MINLEN = 2
_CLUSTER_MARGIN = 6.0

# The dense layout packs ranks so tightly that no rank is ever empty: an
# edge of two ranks would cost a whole row of boxes.  Its rows are one rank
# below their parent, their edges short slants under it.
DENSE_NODESEP = 0.1
DENSE_RANKSEP = 0.1
DENSE_MARGIN = (0.06, 0.03)  # inside a box, inches: left and right, top and bottom
DENSE_CLUSTER_MARGIN = 2.0
# Graphviz sets BOX_LINES lines of 11 pt a font size apart (see _label); a
# kind line is 8 pt.  Boxes are at least DENSE_WIDTH characters wide, at
# half an em a character.
BOX_HEIGHT = (max(BOX_LINES * style.NAME_SIZE, (BOX_LINES - 1) * style.NAME_SIZE + style.KIND_SIZE * 1.02)
              + 2 * 72 * DENSE_MARGIN[1] + 0.5)
# Bare boxes (an export's page plan) are spaced a little tighter still:
# less air above and below the name, thinner panel margins, closer columns.
BARE_MARGIN = (0.06, 0.02)
BARE_CLUSTER_MARGIN = 1.0
BARE_NODESEP = 0.07
BARE_HEIGHT = BARE_LINES * style.NAME_SIZE + 2 * 72 * BARE_MARGIN[1] + 0.5
BOX_WIDTH = DENSE_WIDTH * style.NAME_SIZE * 0.5
# In points, for the estimate.  Between two ranks of boxes dot leaves
# CL_OFFSET (8 pt) and the margins of the clusters that end or start there:
# this much on average (measured).
_DENSE_GAP = 11.5


@dataclass(frozen=True)
class _Spacing:
    """The dense layout's spacing: between columns (inches), inside boxes (inches), inside panels (points)."""

    nodesep: float
    box_margin: tuple[float, float]
    cluster_margin: float
    box_height: float  # points
    gap: float = _DENSE_GAP  # points from a box to the next below it (dot: CL_OFFSET and panel margins)
    panel_pad: float = 0.0  # points a panel adds above and below its columns (dot: within `gap`)
    min_width: float = BOX_WIDTH  # points of text a box is at least as wide as


_KIND_SPACING = _Spacing(DENSE_NODESEP, DENSE_MARGIN, DENSE_CLUSTER_MARGIN, BOX_HEIGHT)
_BARE_SPACING = _Spacing(BARE_NODESEP, BARE_MARGIN, BARE_CLUSTER_MARGIN, BARE_HEIGHT)
# Placed boxes: each as high as its own lines (one line at least), columns
# 5 pt apart, boxes 6 pt apart, panels 3 pt wide of their columns and 2 pt
# above and below them, names at least 16 characters wide.
_PAGE_SPACING = _Spacing(BARE_NODESEP, BARE_MARGIN, 3.0, style.NAME_SIZE + 2 * 72 * BARE_MARGIN[1] + 0.5,
                         gap=6.0, panel_pad=2.0, min_width=16 * style.NAME_SIZE * 0.5)
_SAFE = 1e-6  # points: a planning result is reused only this far inside the heights it holds for


def _dense_size(lines: list[str], kind_line: str, bold: bool, spacing: _Spacing = _KIND_SPACING,
                small: bool = False) -> tuple[float, float]:
    """Estimated size in points of a dense box (`small`: a small line under the name)."""
    text = max([_text_width(x, style.NAME_SIZE, bold) for x in lines] + [_text_width(kind_line, style.KIND_SIZE)])
    mx, my = spacing.box_margin
    high = len(lines) * style.NAME_SIZE + (style.KIND_SIZE * 1.02 if small else 0.0) + 2 * 72 * my + 0.5
    return max(text, spacing.min_width) + 2 * 72 * mx, max(spacing.box_height, high)


def _columns(shown: dict[str, list[str]]) -> dict[str, list[list[str]]]:
    """Parent → its stacked children in one sub-column: leaves and blocks (see above)."""
    def leaf(u: str) -> bool:
        return not shown[u]

    columns = {}
    for uid, kids in shown.items():
        entries = [k for k in kids if leaf(k) or all(leaf(c) for c in shown[k])]
        if sum(1 for k in entries if leaf(k)) >= MIN_STACK or len(entries) >= MIN_STACK:
            columns[uid] = [entries]
    for subs in list(columns.values()):  # a block brings its leaves along, however few
        for k in subs[0]:
            if shown[k]:
                columns[k] = [list(shown[k])]
    return columns


def _greedy(weights: list[float], cap: float) -> list[int]:
    """Cut points of weights, in order, into runs of at most `cap` (a heavier weight alone)."""
    cuts, run = [], 0.0
    for i, w in enumerate(weights):
        if run and run + w > cap:
            cuts.append(i)
            run = 0.0
        run += w
    return cuts


def _partition(weights: list[float], parts: int) -> list[int]:
    """Cut points splitting weights, in order, into `parts` runs with the smallest largest sum."""
    lo, hi = max(weights), sum(weights)
    while hi - lo > 0.5:  # bisect the capacity, to half a point
        mid = (lo + hi) / 2
        if len(_greedy(weights, mid)) + 1 <= parts:
            hi = mid
        else:
            lo = mid
    return _greedy(weights, hi)


def _added(values: list[float]) -> float:
    """The sum of values, added one after the other (as the planner's fast paths add them)."""
    total = 0.0
    for value in values:
        total += value
    return total


Stacks = dict[str, list[list[str]]]  # parent → its stacked children, as sub-columns side by side


class _Planner:
    """Plans the dense layout: which children to stack, in how many sub-columns.

    For a given chart height, each "free" unit (the root, and any child drawn
    in a row below its parent) has the height left below it; it stacks the
    children with at most so many descendants, for the number that makes it
    narrowest, and draws the others in a row, each planned the same way.  A
    stacked child too tall for the height left splits its nested column into
    sub-columns, and so on down.  The chart height is lowered step by step,
    and the plan that fits the page at the largest scale is kept.
    """

    def __init__(self, shown: dict[str, list[str]], sizes: dict[str, tuple[float, float]],
                 spacing: _Spacing = _KIND_SPACING) -> None:
        self.shown, self.sizes = shown, sizes  # sizes: box sizes, in points
        self.box_height = spacing.box_height  # the height of (almost) every box
        self.nodesep = spacing.nodesep * 72  # points between columns
        self.cluster_margin = spacing.cluster_margin
        self.gap = spacing.gap  # points between a box and the next one below it
        self.pad2 = 2 * spacing.panel_pad  # points a panel adds to the height of its columns
        self.pitch = spacing.box_height + self.gap  # from a rank to the next (thinner panel margins: an overestimate)
        self.order = list(shown)  # preorder
        self.root = self.order[0]
        self.depth = {self.root: 0}
        for uid in self.order:
            for k in shown[uid]:
                self.depth[k] = self.depth[uid] + 1
        # A unit with its descendants in nested single columns: width and height; how many units.
        self.column: dict[str, tuple[float, float]] = {}
        self.count: dict[str, int] = {}
        for uid in reversed(self.order):  # children before parents
            w, h = sizes[uid]
            kids = shown[uid]
            if kids:
                w = max(w, max(self.column[k][0] for k in kids) + 2 * self.cluster_margin)
                h += sum(self.column[k][1] + self.gap for k in kids) + self.pad2
            self.column[uid] = (w, h)
            self.count[uid] = 1 + sum(self.count[k] for k in kids)
        # Each parent's candidates, which do not depend on the height: for
        # every limit on the descendants of a stacked child, (stacked, in a row).
        self.candidates: dict[str, list[tuple[list[str], list[str]]]] = {}
        for uid, kids in shown.items():
            if not kids:
                continue
            options = []
            for limit in sorted({0} | {self.count[k] for k in kids}):
                stacked = [k for k in kids if self.count[k] <= limit]
                if 0 < len(stacked) < MIN_STACK:
                    continue
                options.append((stacked, [k for k in kids if self.count[k] > limit]))
            self.candidates[uid] = options
        # Results of score_size, kept across chart heights with the heights they hold for
        # (a leaf's size holds for every height).
        self._free_iv: dict[str, tuple[float, float, tuple[float, float]]] = {
            uid: (-math.inf, math.inf, sizes[uid]) for uid in self.order if not shown[uid]}
        self._parents = [uid for uid in reversed(self.order) if shown[uid]]  # children before parents
        self._entry_iv: dict[tuple[str, float], tuple[float, float, tuple[float, float]]] = {}
        self._candidate_iv: dict[str, list[tuple[float, float, tuple[float, float]] | None]] = {}
        self.estimate = (0.0, 0.0)  # size of the planned chart, in points

    def _runs(self, items: list[str], blocks: dict[str, tuple[float, float]], cap: float,
              balance: bool) -> list[list[str]]:
        """Items cut, in order, into the fewest runs at most `cap` high (evened out if asked)."""
        weights = [blocks[k][1] + self.gap for k in items]
        cuts = _greedy(weights, cap + self.gap)
        if balance and cuts:
            cuts = _partition(weights, len(cuts) + 1)
        bounds = [0] + cuts + [len(items)]
        return [items[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]

    def _span(self, runs: list[list[str]], blocks: dict[str, tuple[float, float]]) -> tuple[float, float]:
        """Width and height of runs side by side in a cluster.

        Sums are added one term after the other, in order: _free_one and
        _entry_held add the same terms in the same order as they cut the
        runs, and must come out the same to the last bit (sum() compensates
        its rounding from Python 3.12 on).
        """
        gap = self.gap
        width, height = 0.0, -math.inf
        for run in runs:
            widest, high = -math.inf, 0.0
            for k in run:
                bw, bh = blocks[k]
                if bw > widest:
                    widest = bw
                high += bh + gap
            width += widest
            if high > height:
                height = high
        return width + self.nodesep * (len(runs) - 1) + 2 * self.cluster_margin, height - gap + self.pad2

    def _entry(self, uid: str, cap: float, balance: bool,
               memo: dict) -> tuple[tuple[float, float], list[list[str]] | None]:
        """Size of a stacked unit's block at most `cap` high, and its split column (None: one column).

        A leaf, or a block whose column would be left less than a box, overflows.
        """
        todo = [(uid, cap, False)]
        while todo:  # children before parents, without recursion: a chain may be deep
            u, c, ready = todo.pop()
            if (u, c) in memo:
                continue
            size = self.column[u]
            kids = self.shown[u]
            inner = c - self.sizes[u][1] - self.gap
            if size[1] <= c or not kids or inner < self.box_height:
                memo[u, c] = size, None
            elif not ready:
                todo.append((u, c, True))
                todo.extend((k, inner, False) for k in kids)
            else:
                blocks = {k: memo[k, inner][0] for k in kids}
                runs = self._runs(kids, blocks, inner, balance)
                w, h = self._span(runs, blocks)
                memo[u, c] = (max(w, self.sizes[u][0]), self.sizes[u][1] + self.gap + h), runs
        return memo[uid, cap]

    def _free(self, height: float, balance: bool = False) -> tuple[dict, dict, dict]:
        """For a chart `height` high: each free unit's size, its choice (runs, cap), and the entries' memo."""
        size: dict[str, tuple[float, float]] = {}
        choice: dict[str, tuple[list[list[str]], float]] = {}
        memo: dict = {}
        for uid in reversed(self.order):  # children before parents
            bw, bh = self.sizes[uid]
            kids = self.shown[uid]
            if not kids:
                size[uid] = (bw, bh)
                continue
            budget = height - self.depth[uid] * self.pitch
            cap = budget - bh - self.gap
            blocks = {k: self._entry(k, cap, balance, memo)[0] for k in kids}
            best = None
            for stacked, row in self.candidates[uid]:
                parts = [size[k] for k in row]
                runs: list[list[str]] = []
                if stacked:
                    runs = self._runs(stacked, blocks, cap, balance)
                    parts.append(self._span(runs, blocks))
                w = max(bw, _added([pw for pw, _ in parts]) + self.nodesep * (len(parts) - 1))
                h = bh + self.gap + max(ph for _, ph in parts)
                key = (max(h - budget, 0.0), w, h)  # within the height if it can be, then narrowest
                if best is None or key < best[0]:
                    best = (key, (w, h), (runs, cap))
            size[uid], choice[uid] = best[1], best[2]
        return size, choice, memo

    # --- the same size, remembered across chart heights ------------------------------
    # plan() scores some forty chart heights, and most of a chart comes out
    # the same at neighbouring heights: a column that fits below one height
    # fits below a larger one.  Every height test above compares a number that
    # does not depend on the height with a cap that does, `height - offset`;
    # score_size() makes the same comparisons in the same order, and notes for
    # each result the range of heights over which every comparison it made
    # keeps its outcome (lo <= height < hi).  A result is reused only for a
    # height inside its range by more than _SAFE, far beyond rounding, where
    # the same comparisons would come out the same: the sizes are then
    # exactly those of _free(height) (tests/test_pipeline.py checks it).

    def score_size(self, height: float) -> tuple[float, float]:
        """_free(height)[0][self.root], the root's size, reusing the results of other heights."""
        free_iv = self._free_iv
        for uid in self._parents:  # children before parents
            known = free_iv.get(uid)
            if known is not None and known[0] + _SAFE <= height < known[1] - _SAFE:
                continue
            free_iv[uid] = self._free_one(uid, height)
        return free_iv[self.root][2]

    def _free_one(self, uid: str, height: float) -> tuple[float, float, tuple[float, float]]:
        """One free unit of _free(height) (balance off): its size and the heights it holds for.

        Each candidate's size is remembered too: the root's choice changes
        with almost every height, most of its candidates do not.
        """
        bw, bh = self.sizes[uid]
        offset = self.depth[uid] * self.pitch
        budget = height - offset
        cap = budget - bh - self.gap
        cap_offset = offset + bh + self.gap  # cap is height - cap_offset
        b_lo, b_hi = -math.inf, math.inf  # the heights the result holds for
        entries: dict[str, tuple] = {}  # stacked child → its block, and the heights it holds for
        candidates = self.candidates[uid]
        held = self._candidate_iv.get(uid)
        if held is None:
            held = self._candidate_iv[uid] = [None] * len(candidates)
        free_iv, entry_iv = self._free_iv, self._entry_iv
        gap, nodesep = self.gap, self.nodesep
        limit, limit_offset = cap + gap, cap_offset - gap  # as _runs passes it to _greedy
        best_key = best = None
        for index, (stacked, row) in enumerate(candidates):
            known = held[index]
            if known is None or not known[0] + _SAFE <= height < known[1] - _SAFE:
                lo, hi = -math.inf, math.inf  # the heights this candidate's size holds for
                # The parts side by side: the row, then the stacked children's panel.
                total, count, tallest = 0.0, 0, -math.inf
                for k in row:
                    k_lo, k_hi, (pw, ph) = free_iv[k]
                    if k_lo > lo:
                        lo = k_lo
                    if k_hi < hi:
                        hi = k_hi
                    total += pw
                    count += 1
                    if ph > tallest:
                        tallest = ph
                if stacked:
                    blocks = []
                    for k in stacked:
                        known_k = entries.get(k)
                        if known_k is None:
                            held_entry = entry_iv.get((k, cap_offset))  # _entry_held's own first look
                            if held_entry is None or not held_entry[0] + _SAFE <= height < held_entry[1] - _SAFE:
                                held_entry = self._entry_held(k, cap, cap_offset, height)
                            known_k = entries[k] = held_entry
                        blocks.append(known_k)
                    pw, ph, lo, hi = self._panel_held(blocks, limit, limit_offset, lo, hi)
                    total += pw
                    count += 1
                    if ph > tallest:
                        tallest = ph
                w = total + nodesep * (count - 1)
                known = held[index] = (lo, hi, (w if w > bw else bw, bh + gap + tallest))
            k_lo, k_hi, size = known
            if k_lo > b_lo:
                b_lo = k_lo
            if k_hi < b_hi:
                b_hi = k_hi
            w, h = size
            over = h - budget
            if over > 0.0:  # over the budget while height < h + offset
                if h + offset < b_hi:
                    b_hi = h + offset
            elif h + offset > b_lo:
                b_lo = h + offset
            key = (over if over > 0.0 else 0.0, w, h)
            if best_key is not None and over > 0.0 and best_key[0] > 0.0 and h != best_key[2] \
                    and abs(h - best_key[2]) < _SAFE:
                b_lo = b_hi = height  # two overflows a rounding apart: not reused
            if best_key is None or key < best_key:
                best_key, best = key, size
        return b_lo, b_hi, best

    def _entry_held(self, uid: str, cap: float, cap_offset: float,
                    height: float) -> tuple[float, float, tuple[float, float]]:
        """_entry(uid, cap, balance=False)[0] and the heights it holds for (cap is height - cap_offset)."""
        cache = self._entry_iv
        gap, box_height, sizes, column, shown = self.gap, self.box_height, self.sizes, self.column, self.shown
        todo = [(uid, cap, cap_offset, False)]
        while todo:  # children before parents, without recursion, as _entry
            u, c, off, ready = todo.pop()
            if not ready:
                known = cache.get((u, off))
                if known is not None and known[0] + _SAFE <= height < known[1] - _SAFE:
                    continue
            size = column[u]
            if size[1] <= c:  # fits while height >= size[1] + off
                cache[u, off] = (size[1] + off, math.inf, size)
                continue
            hi = size[1] + off
            kids = shown[u]
            if not kids:
                cache[u, off] = (-math.inf, hi, size)
                continue
            u_w, u_h = sizes[u]
            inner = c - u_h - gap
            inner_offset = off + u_h + gap
            if inner < box_height:  # too short while height < box_height + inner_offset
                cache[u, off] = (-math.inf, min(hi, box_height + inner_offset), size)
                continue
            lo = box_height + inner_offset
            if not ready:
                todo.append((u, c, off, True))
                todo.extend((k, inner, inner_offset, False) for k in kids)
                continue
            w, h, lo, hi = self._panel_held([cache[k, inner_offset] for k in kids], inner + gap, inner_offset - gap,
                                            lo, hi)
            cache[u, off] = (lo, hi, (max(w, u_w), u_h + gap + h))
        return cache[uid, cap_offset]

    def _panel_held(self, blocks: list[tuple[float, float, tuple[float, float]]], limit: float, limit_offset: float,
                    lo: float, hi: float) -> tuple[float, float, float, float]:
        """_span(_runs(items, ...)) of blocks held as (lo, hi, (w, h)), and the heights its runs cut the same at.

        limit is _greedy's cap (height - limit_offset); lo and hi narrow to the
        heights every block and every cut holds for.  The same terms added in
        the same order as _span: the same sizes to the last bit.
        """
        gap = self.gap
        width, high, count, run, widest = 0.0, -math.inf, 1, 0.0, -math.inf
        for k_lo, k_hi, (k_w, k_h) in blocks:
            if k_lo > lo:
                lo = k_lo
            if k_hi < hi:
                hi = k_hi
            w = k_h + gap
            if run:
                at = run + w + limit_offset  # cut while height < at
                if run + w > limit:
                    width += widest
                    if run > high:
                        high = run
                    count += 1
                    run, widest = 0.0, -math.inf
                    if at < hi:
                        hi = at
                elif at > lo:
                    lo = at
            if k_w > widest:
                widest = k_w
            run += w
        width += widest
        if run > high:
            high = run
        return width + self.nodesep * (count - 1) + 2 * self.cluster_margin, high - gap + self.pad2, lo, hi

    def plan(self, page: tuple[float, float]) -> Stacks:
        """Try chart heights around the page's aspect; keep the plan that fits the page best.

        "Best" is the largest scale, up to 1, at which the chart fits the
        page: of the plans that fit at full size, the first (the tallest).
        """
        page_w, page_h = page

        def score(height: float) -> float:
            w, h = self.score_size(height)
            return min(page_w / w, page_h / h, 1.0)

        # About the height of the boxes packed at the page's aspect: try from
        # four times it down to a quarter, then finer around the best.
        area = sum((w + self.nodesep) * self.pitch for w, _ in self.sizes.values())
        guess = max(math.sqrt(area * page_h / page_w), self.pitch)
        top = min(4 * guess, self.column[self.root][1])
        best_height, best_score = top, score(top)
        for fine in (False, True):
            if fine:
                heights = [best_height * 0.97 ** i for i in (-3, -2, -1, 1, 2, 3)]
            else:
                heights = [top * 0.88 ** i for i in range(1, 40) if top * 0.88 ** i > max(guess / 4, self.pitch)]
            for height in heights:
                s = score(height)
                if s > best_score * 1.0001:
                    best_height, best_score = height, s
        size, choice, memo = self._free(best_height, balance=True)
        self.estimate = size[self.root]
        stacks: Stacks = {}
        todo = [self.root]
        while todo:
            uid = todo.pop()
            if not self.shown[uid]:
                continue
            runs, cap = choice[uid]
            inside = {k for run in runs for k in run}
            todo.extend(k for k in self.shown[uid] if k not in inside)
            if runs:
                stacks[uid] = runs
            # Stacked children bring their descendants along, in nested columns, split where planned.
            nest: list[tuple[str, float | None]] = [(k, cap) for run in runs for k in run if self.shown[k]]
            while nest:
                k, c = nest.pop()
                split = self._entry(k, c, True, memo)[1] if c is not None else None
                stacks[k] = split or [list(self.shown[k])]
                inner = c - self.sizes[k][1] - self.gap if split and c is not None else None
                nest.extend((x, inner) for x in self.shown[k] if self.shown[x])
        return stacks


# --- graph ---------------------------------------------------------------------------


def build_graph(edition: Edition, options: ChartOptions, *, highlighted: frozenset[str] = frozenset(),
                selected: str | None = None) -> "pygraphviz.AGraph":
    """Build the chart of a scope of the edition as a pygraphviz graph (not yet laid out)."""
    from iomviewer.chart.dot import graphviz_lock

    with graphviz_lock():  # Graphviz is not thread-safe: see chart.dot
        return _build_graph(edition, options, highlighted, selected)


def _build_graph(edition: Edition, options: ChartOptions, highlighted: frozenset[str],
                 selected: str | None) -> "pygraphviz.AGraph":
    import pygraphviz

    if options.rankdir not in ("TB", "LR"):
        raise ValueError(f"rankdir must be 'TB' or 'LR', not {options.rankdir!r}")
    shown = _shown_tree(edition, options)
    tb = options.rankdir == "TB"
    dense = options.planned
    placed = dense and options.placed
    spacing = _PAGE_SPACING if placed else _KIND_SPACING if options.kind_line else _BARE_SPACING

    # strict=False: a secondary link between a parent and its child is a second
    # edge, not an attribute change of the tree edge (what strict would do).
    g = pygraphviz.AGraph(directed=True, strict=False, name="chart")
    g.graph_attr.update(
        rankdir=options.rankdir,
        # Polyline splines: ortho ignores lhead/ltail (compound edges into the
        # stacks) and is slow on thousands of nodes; curved splines look loose
        # in an org chart.  Polylines stay straight and honour clusters.
        splines="polyline",
        compound="true",
        # Children keep the order in which the texts list them.
        ordering="out",
        newrank="true",
        nodesep=f"{spacing.nodesep if dense else NODESEP:g}",
        ranksep=f"{DENSE_RANKSEP if dense else RANKSEP:g}",
        pad="0.2",
        outputorder="edgesfirst",
        bgcolor=style.BACKGROUND,
        fontname=style.FONTNAME,
    )
    g.node_attr.update(
        shape="box",
        style="rounded,filled",
        fontname=style.FONTNAME,
        fontsize=f"{style.NAME_SIZE:g}",
        fontcolor=style.TEXT_COLOR,
        margin="0.1,0.05",
        height="0.3",
        width="0.5",
    )
    g.edge_attr.update(color=style.EDGE_COLOR, arrowhead="none", penwidth="1.2")

    units = {uid: edition.unit(uid) for uid in shown}
    descendants = _descendant_counts(edition)
    hidden = {uid: 0 if kids else descendants[uid] if uid in descendants else hidden_count(edition, uid)
              for uid, kids in shown.items()}
    if placed:  # the page's legend says the kinds
        wrap = options.wrap or PAGE_WRAP
        texts = {uid: (list(_page_text(u.name, wrap)), "") for uid, u in units.items()}
    else:
        texts = {uid: box_text(u.name, u.kind, options.lang, dense, bool(hidden[uid]), options.kind_line)
                 for uid, u in units.items()}
    from iomviewer.core.compare import comparison_of  # core.compare loads with the first chart, not at start-up

    changes = comparison_of(edition)
    extras = {uid: change_lines(uid, changes, options.lang) for uid in shown} if changes is not None else {}
    if dense:
        mx, my = spacing.box_margin
        g.node_attr.update(margin=f"{mx:g},{my:g}", height=f"{spacing.box_height / 72:.3f}",
                           width=f"{(BOX_WIDTH + 2 * 72 * mx) / 72:.3f}")
    elif tb:
        # Ranks are global: a rank is as tall as its tallest box, wherever it
        # is, so boxes of mixed heights leave uneven gaps down every column.
        # One height for all (up to UNIFORM_LINES of name) keeps columns even.
        n = min(max(len(lines) for lines, _ in texts.values()), UNIFORM_LINES or 1)
        g.node_attr["height"] = f"{max(n * style.NAME_SIZE + style.KIND_SIZE + 7.5, 22.0) / 72:.3f}"
    for uid in shown:  # preorder: dot's initial order follows the tree
        unit = units[uid]
        ks = style.kind_style(unit.kind)
        lines, kind_line = texts[uid]
        marks = changes.marks_of(uid) if changes is not None else ()
        classes = f"unit kind-{unit.kind}" + "".join(f" mark-{m}" for m in marks)
        ghost = bool(marks) and marks[0] == "removed"
        attrs = dict(
            label=_label(lines, kind_line, hidden[uid], ks.bold, _change_markup(extras.get(uid, [])),
                         style.GHOST_TEXT if ghost else None),
            tooltip=tooltip_escape(unit.name),
            id=uid,
            fillcolor=ks.fill,
            color=ks.border,
            penwidth=f"{ks.penwidth:g}",
            **{"class": classes},
        )
        if ks.text != style.TEXT_COLOR:  # the default is not written out, so not set either
            attrs["fontcolor"] = ks.text
        if ks.dashed:
            attrs["style"] = "rounded,filled,dashed"
        if marks:
            attrs.update(_change_attrs(uid, changes, ks))
        if uid in highlighted:
            attrs.update(fillcolor=style.HIGHLIGHT_FILL, color=style.HIGHLIGHT_BORDER,
                         penwidth=f"{style.HIGHLIGHT_PENWIDTH:g}")
        if uid == selected:
            attrs.update(color=style.SELECTED_BORDER, penwidth=f"{style.SELECTED_PENWIDTH:g}")
        _add_node(g, uid, attrs)

    if not options.compact:
        stacks: Stacks = {}
    elif dense:
        sizes = {u: _dense_size(*texts[u], style.kind_style(units[u].kind).bold, spacing,
                                bool(texts[u][1] or hidden[u])) for u in shown}
        for u, extra in extras.items():  # marked boxes are taller by their extra lines
            if extra:
                w, h = sizes[u]
                wide = max(_text_width(t, style.KIND_SIZE, not italic) for t, _c, italic in extra)
                sizes[u] = (max(w, wide + 2 * 72 * spacing.box_margin[0]), h + len(extra) * style.KIND_SIZE * 1.2)
        if placed:  # nobody fits the boxes to their text after us: measured, not estimated
            bold = {u: style.kind_style(units[u].kind).bold for u in shown}
            widths = _measured({(line, bold[u]) for u in shown for line in texts[u][0]})
            for u in shown:
                w, h = sizes[u]
                text = max(widths[line, bold[u]] for line in texts[u][0])
                sizes[u] = (max(text + 1.0, spacing.min_width) + 2 * 72 * spacing.box_margin[0], h)
        stacks = _Planner(shown, sizes, spacing).plan((PAGE_HEIGHT * options.aspect, PAGE_HEIGHT))
    else:
        stacks = _columns(shown)
    if placed:  # positions, panels and lines of authority given: Graphviz only draws
        _refit(g, shown, stacks, sizes, spacing, texts, units, hidden, options.wrap or PAGE_WRAP)
        _place(g, shown, stacks, sizes, spacing, changes)
    else:
        inner = {k for subs in stacks.values() for s in subs for k in s}
        for uid, kids in shown.items():
            if uid in inner:
                continue  # drawn with the column that holds it
            stacked = {k for s in stacks.get(uid, []) for k in s}
            for kid in kids:  # in source order, the column where its first unit is
                if kid not in stacked:
                    _add_edge(g, uid, kid, key=f"{uid}->{kid}", id=f"{uid}->{kid}",
                              minlen=1 if dense else LEVEL_MINLEN, **{"class": TREE_CLASS},
                              **_change_edge_attrs(kid, changes))
                elif kid == stacks[uid][0][0]:
                    _add_column(g, g, uid, stacks, tb, dense, spacing.cluster_margin)

    if options.show_links:
        _add_links(g, edition, shown, options.lang)
    if changes is not None:
        _add_old_parents(g, edition, changes, shown, options.lang)
    return g


@functools.lru_cache(maxsize=50_000)
def _fewer_lines(name: str, wrap: int = PAGE_WRAP) -> tuple[tuple[str, ...], ...]:
    """The name's wrappings in fewer lines than _page_text's, up to PAGE_WIDEST characters a line, fewest last."""
    found, count = [], len(_page_text(name, wrap))
    for width in range(wrap + 1, PAGE_WIDEST + 1):
        wrapped = tuple(wrap_label(name, width))
        if len(wrapped) < count:
            found.append(wrapped)
            count = len(wrapped)
            if count == 1:
                break
    return tuple(found)


def _geometry(shown: dict[str, list[str]], stacks: Stacks, sizes: dict[str, tuple[float, float]],
              spacing: _Spacing) -> "Geometry":
    """chart.placed.place of the planned chart, with the spacing's distances in points."""
    from iomviewer.chart.placed import place

    return place(shown, stacks, sizes, spacing.gap, spacing.nodesep * 72, spacing.cluster_margin, spacing.panel_pad)


def _refit(g: "pygraphviz.AGraph", shown: dict[str, list[str]], stacks: Stacks,
           sizes: dict[str, tuple[float, float]], spacing: _Spacing, texts: dict[str, tuple[list[str], str]],
           units: dict, hidden: dict[str, int], wrap: int) -> None:
    """Give each placed box the room its column leaves it: as wide as its sub-column, its name in fewer lines.

    A stacked box takes its sub-column's width (every box of a column
    alike); a free one, what its children's block leaves, up to
    PAGE_WIDEST characters a line.  Nothing gets wider than it was, only lower.
    """
    rooms = _geometry(shown, stacks, sizes, spacing).rooms
    inner = {k for runs in stacks.values() for run in runs for k in run}
    margins = 2 * 72 * spacing.box_margin[0]
    bold = {u: style.kind_style(units[u].kind).bold for u in shown}
    options = {uid: _fewer_lines(units[uid].name, wrap) for uid in shown if len(texts[uid][0]) > 1}
    widths = _measured({(line, bold[u]) for u, found in options.items() for lines in found for line in lines})
    for uid in shown:
        room = rooms[uid] - margins - 1.0
        for lines in reversed(options.get(uid, ())):  # the fewest lines that fit
            widest = max(widths[line, bold[uid]] for line in lines)
            if widest <= room:
                _add_node(g, uid, {"label": _label(list(lines), "", hidden[uid], bold[uid])})
                high = _dense_size(list(lines), "", bold[uid], spacing, bool(hidden[uid]))[1]
                sizes[uid] = (max(sizes[uid][0], widest + 1.0 + margins), high)
                break
        if uid in inner:  # every box of a sub-column as wide as it
            sizes[uid] = (rooms[uid], sizes[uid][1])
        else:
            sizes[uid] = (min(rooms[uid], sizes[uid][0]), sizes[uid][1])


def _place(g: "pygraphviz.AGraph", shown: dict[str, list[str]], stacks: Stacks,
           sizes: dict[str, tuple[float, float]], spacing: _Spacing, changes: ChangeMarks | None) -> None:
    """Give every box its position, every panel its bounds, every line of authority its route (chart.placed).

    Graphviz's y axis points up: the geometry is turned over.  Graphviz
    draws the graph with its "nop2" layout (positions in points, edges as routed).
    """
    geo = _geometry(shown, stacks, sizes, spacing)
    top = geo.height

    def point(x: float, y: float) -> str:
        return f"{x:.2f},{top - y:.2f}"

    # splines=line: the lines drawn with no route (secondary links) go straight.
    g.graph_attr.update(bb=f"0,0,{geo.width:.2f},{top:.2f}", splines="line")
    for uid, (x, y, w, h) in geo.boxes.items():
        _add_node(g, uid, {"pos": point(x + w / 2, y + h / 2), "width": f"{w / 72:.4f}", "height": f"{h / 72:.4f}"})
    inner = {k for runs in stacks.values() for run in runs for k in run}
    todo = [(g, uid) for uid in shown if uid in stacks and uid not in inner]
    while todo:  # each panel in the panel that holds its parent, as _add_column nests them
        holder, parent = todo.pop()
        x, y, w, h = geo.panels[parent]
        name = STACK_PREFIX + parent
        sub = _add_subgraph(g, holder, name, dict(style="rounded,filled", fillcolor=style.CLUSTER_FILL,
                                                  color=style.CLUSTER_BORDER, penwidth="0.8", label="", id=name,
                                                  bb=f"{x:.2f},{top - y - h:.2f},{x + w:.2f},{top - y:.2f}"))
        for run in stacks[parent]:
            for entry in run:
                _add_node(sub, entry, {})
                if entry in stacks:
                    todo.append((sub, entry))
    for tail, head, route in geo.lines:
        if head:
            key = ident = f"{tail}->{head}"
            extra = _change_edge_attrs(head, changes)
        else:  # into the panel, through the middle sub-column's first entry, as _add_column enters it
            heads = [run[0] for run in stacks[tail]]
            head = heads[(len(heads) - 1) // 2]
            key, ident, extra = f"{tail}->{head}", f"{tail}->{STACK_PREFIX}{tail}", {}
        pos = [point(*route[0])]
        for (ax, ay), (bx, by) in zip(route, route[1:]):  # each segment a straight cubic Bézier
            pos += [point(ax + (bx - ax) / 3, ay + (by - ay) / 3), point(ax + 2 * (bx - ax) / 3, ay + 2 * (by - ay) / 3),
                    point(bx, by)]
        _add_edge(g, tail, head, key=key, id=ident, pos=" ".join(pos), **{"class": TREE_CLASS}, **extra)


# pygraphviz's add_node and add_edge make a Node or Edge object, look both
# ends up again and set attributes through a mapping, per call: a third of
# building the graph.  These two make the same cgraph calls (agnode, agedge,
# agsafeset_label with pygraphviz's defaults), so the DOT is the same.


# pygraphviz's SWIG extension itself (pygraphviz.graphviz wraps each of its
# functions in a Python function of its own): looked up on first use.
_cgraph = None


def _gv():
    global _cgraph
    if _cgraph is None:
        from pygraphviz import _graphviz

        _cgraph = _graphviz
    return _cgraph


def _add_node(g: "pygraphviz.AGraph", name: str, attrs: dict[str, str]) -> None:
    """g.add_node(name, **attrs), for a node of g's root graph or one put in the subgraph g."""
    gv = _cgraph or _gv()
    graph = g.handle
    handle = gv.agnode(graph, name.encode("utf-8"), 1)
    for key, value in attrs.items():
        gv.agsafeset_label(graph, handle, key.encode("utf-8"), str(value).encode("utf-8"),
                           b"\\N" if key == "label" else b"")


class _Subgraph(NamedTuple):
    """A subgraph's cgraph handle: what _add_node and _add_subgraph need of a pygraphviz graph."""

    handle: object


def _add_subgraph(g: "pygraphviz.AGraph", holder: "pygraphviz.AGraph | _Subgraph", name: str,
                  attrs: dict[str, str]) -> _Subgraph:
    """holder.add_subgraph(name=name, **attrs) of the root graph g, without a pygraphviz object per subgraph.

    The same cgraph calls as add_subgraph and its AGraph's graph_attr.update (agsubg, then agsafeset_label
    on the subgraph for each attribute, in order): the same DOT.
    """
    gv = _cgraph or _gv()
    handle = gv.agsubg(holder.handle, name.encode("utf-8"), 1)
    for key, value in attrs.items():
        gv.agsafeset_label(g.handle, handle, key.encode("utf-8"), str(value).encode("utf-8"), b"")
    return _Subgraph(handle)


def _add_edge(g: "pygraphviz.AGraph", tail: str, head: str, key: str, **attrs: object) -> None:
    """g.add_edge(tail, head, key=key, **attrs) between two nodes g already has."""
    gv = _cgraph or _gv()
    root = g.handle
    ends = []
    for name in (tail, head):
        try:
            ends.append(gv.agnode(root, name.encode("utf-8"), 0))
        except KeyError:  # not there yet: created, as add_edge does
            ends.append(gv.agnode(root, name.encode("utf-8"), 1))
    handle = gv.agedge(root, ends[0], ends[1], key.encode("utf-8"), 1)
    for name, value in attrs.items():
        gv.agsafeset_label(root, handle, name.encode("utf-8"), str(value).encode("utf-8"), b"")


def _change_edge_attrs(kid: str, changes: ChangeMarks | None) -> dict[str, str]:
    """The tree edge into a marked unit: dashed grey into a removed one, coloured into a moved one."""
    if changes is None:
        return {}
    marks = changes.marks_of(kid)
    if "removed" in marks:
        return dict(style="dashed", color=style.CHANGE_STYLES["removed"].color)
    if "moved" in marks:
        return dict(color=style.CHANGE_STYLES["moved"].color, penwidth=f"{style.CHANGE_PENWIDTH - 0.6:g}")
    return {}


def _add_old_parents(g: "pygraphviz.AGraph", edition: Edition, changes: ChangeMarks,
                     shown: dict[str, list[str]], lang: str) -> None:
    """For each moved unit shown, its line of authority in edition A: a dashed edge that ranks nothing."""
    label = style.OLD_PARENT_LABEL.get(lang, style.OLD_PARENT_LABEL["fr"])
    for uid, old in _old_parents_shown(changes, shown):
        tip = f"{edition.unit(uid).name} — {label} — {edition.unit(old).name}"
        _add_edge(g, old, uid, key=f"{old}=>{uid}:{OLD_PARENT_CLASS}", id=f"{old}=>{uid}:{OLD_PARENT_CLASS}",
                   style="dashed", constraint="false", color=style.CHANGE_STYLES["moved"].color,
                   penwidth="1.6", arrowhead="vee", arrowsize="0.7", tooltip=tooltip_escape(tip),
                   **{"class": f"{OLD_PARENT_CLASS}"})


def _lasts(uid: str, stacks: Stacks) -> list[str]:
    """The lowest units of an entry's block: the ends of its nested columns."""
    out, todo = [], [uid]
    while todo:
        u = todo.pop()
        if u in stacks:
            todo.extend(run[-1] for run in reversed(stacks[u]))
        else:
            out.append(u)
    return out


def _add_column(g: "pygraphviz.AGraph", parent_graph: "pygraphviz.AGraph", parent: str,
                stacks: Stacks, tb: bool, dense: bool, dense_margin: float = DENSE_CLUSTER_MARGIN) -> None:
    """Put a parent's stacked children in a cluster entered by one edge (dense: `dense_margin` points inside).

    stacks[parent] are the sub-columns, side by side, each a list of entries;
    an entry that has a column of its own gets it nested below it.  Top to
    bottom, successive ranks make a column: each sub-column (with the nested
    columns of its entries) is a chain of invisible edges whose weight keeps
    it straight, and invisible edges from the parent start every chain on the
    same rank.  Left to right, siblings already share a rank, which is a
    column: invisible edges from the parent rank the entries and nothing is
    chained.
    """
    subs = stacks[parent]
    name = STACK_PREFIX + parent
    margin = dense_margin if dense else _CLUSTER_MARGIN
    sub = _add_subgraph(g, parent_graph, name, dict(style="rounded,filled", fillcolor=style.CLUSTER_FILL,
                                                    color=style.CLUSTER_BORDER, penwidth="0.8", margin=f"{margin:g}",
                                                    label="", id=name))
    entries = [k for s in subs for k in s]
    for entry in entries:
        _add_node(sub, entry, {})
        if entry in stacks:  # the entry, then its own column nested below it
            _add_column(g, sub, entry, stacks, tb, dense, dense_margin)
    if tb:
        heads = [s[0] for s in subs]
        for s in subs:
            tails: list[str] = []
            for entry in s:  # an entry chains its own column (above); link it to its neighbours
                for tail in tails:
                    _add_edge(g, tail, entry, style="invis", weight="100", key=f"{tail}~{entry}")
                tails = _lasts(entry, stacks)
    else:
        heads = entries
    enter = heads[(len(heads) - 1) // 2]
    # In order, so that ordering=out lays the sub-columns out left to right.
    # A nested column sits one rank below its entry; a top one a level below
    # its parent (one rank in the dense layout).
    minlen = 1 if parent_graph is not g or dense else LEVEL_MINLEN
    for head in heads:
        if head == enter:
            _add_edge(g, parent, head, lhead=name, weight="100", key=f"{parent}->{head}",
                       id=f"{parent}->{name}", minlen=minlen, **{"class": TREE_CLASS})
        else:
            _add_edge(g, parent, head, style="invis", minlen=minlen, key=f"{parent}~{head}")


def _old_parents_shown(changes: ChangeMarks, shown: dict[str, list[str]]) -> Iterator[tuple[str, str]]:
    """(unit, its parent in edition A) for each moved unit whose former line of authority the chart draws."""
    for uid, old in changes.old_parents:
        if uid in shown and old in shown and old != uid:
            yield uid, old


def _links_shown(edition: Edition, shown: dict[str, list[str]]) -> Iterator[tuple[str, Link]]:
    """(unit, link) for each secondary link the chart draws: both ends shown, each drawn once."""
    seen: set[tuple[str, str, str]] = set()
    for uid in shown:
        for link in edition.unit(uid).links:
            key = (uid, link.target, link.type)
            if link.target not in shown or link.target == uid or key in seen:
                continue
            seen.add(key)
            yield uid, link


def drawn_lines(edition: Edition, options: ChartOptions) -> tuple[bool, bool]:
    """Whether build_graph(edition, options) draws secondary links, and former lines of authority (a comparison's)."""
    from iomviewer.core.compare import comparison_of

    shown = _shown_tree(edition, options)
    changes = comparison_of(edition)
    links = options.show_links and next(_links_shown(edition, shown), None) is not None
    old_parents = changes is not None and next(_old_parents_shown(changes, shown), None) is not None
    return links, old_parents


def _add_links(g: "pygraphviz.AGraph", edition: Edition, shown: dict[str, list[str]], lang: str) -> None:
    labels = LINK_LABELS_EN if lang == "en" else LINK_LABELS_FR
    for uid, link in _links_shown(edition, shown):
        tip = f"{edition.unit(uid).name} — {labels.get(link.type, link.type)} — {edition.unit(link.target).name}"
        _add_edge(g, uid, link.target, key=f"{uid}=>{link.target}:{link.type}",
                   id=f"{uid}=>{link.target}:{link.type}",
                   style="dashed", constraint="false", color=style.LINK_COLOR,
                   penwidth=f"{style.LINK_PENWIDTH:g}", arrowhead="vee", arrowsize="0.6",
                   tooltip=tooltip_escape(tip), **{"class": f"{LINK_CLASS} link-{link.type}"})

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

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from iomviewer.chart import style
from iomviewer.core.model import LINK_LABELS_EN, LINK_LABELS_FR, Edition

if TYPE_CHECKING:  # pygraphviz is imported where a graph is built, not on import
    import pygraphviz

STACK_PREFIX = "cluster_stack_"
MIN_STACK = 3  # fewer leaves than this stay a row: a column of two saves nothing
TREE_CLASS = "tree"
LINK_CLASS = "link"
# A name longer than this many lines is cut with an ellipsis (tooltip keeps it whole).
MAX_LINES = 5
WRAP_WIDTH = 20  # characters per line of a name in a box
UNIFORM_LINES = 2  # top to bottom, every box is at least as tall as this many lines of name


@dataclass(frozen=True)
class ChartOptions:
    rankdir: str = "TB"  # "TB" or "LR"
    compact: bool = True  # stack leaf children (and small subtrees) in columns
    root: str | None = None  # branch root; None = whole edition
    depth: int | None = None  # levels below root; None = all
    collapsed: frozenset[str] = field(default_factory=frozenset)  # units whose children are hidden
    show_links: bool = True  # secondary links as dashed edges
    lang: str = "fr"
    # Compact, top to bottom: split long columns side by side so the whole
    # chart comes out near this width/height ratio (16:9, a slide); None: never.
    aspect: float | None = 16 / 9


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


# --- text ----------------------------------------------------------------------------


# Cc (C0 controls, DEL, C1 controls) and the Unicode line and paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def clean_text(text: str) -> str:
    """Replace control characters and line/paragraph separators by spaces; collapse runs.

    Format characters (bidi marks, zero-width joiners) stay: they are part of
    how some names are written and carry no markup.
    """
    return " ".join(_CONTROL.sub(" ", text).split())


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


# --- graph ---------------------------------------------------------------------------


def _name_lines(name: str) -> list[str]:
    lines = wrap_label(name, WRAP_WIDTH)
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES]
        lines[-1] = lines[-1].rstrip() + " …"
    return lines


def _label(lines: list[str], kind: str, lang: str, hidden: int, bold: bool) -> str:
    name = "<BR/>".join(html_escape(line) for line in lines)
    if bold:
        name = f"<B>{name}</B>"
    kind_line = html_escape(style.kind_label(kind, lang))
    if hidden:
        kind_line += f"  <B>+{hidden}</B>"
    return (f'<{name}<BR/><FONT POINT-SIZE="{style.KIND_SIZE:g}" COLOR="{style.KIND_TEXT_COLOR}">'
            f"{kind_line}</FONT>>")


# --- compact planning -------------------------------------------------------------------
# Rows of siblings are what make org charts unreadably wide.  In compact mode
# a parent's "stackable" children go in one column (a cluster) entered by a
# single edge: its leaves, as the brief asks once there are three of them,
# and also its small subtrees ("blocks": a child whose children are all
# leaves, e.g. a division and its units), each shown as the child followed by
# its leaves in a nested column.  Deeper children keep ordinary edges.  A
# column much taller than the rest of the chart is then split into
# sub-columns side by side, as many as brings the whole chart nearest the
# target aspect, judged with a rough size estimate (dot runs only once).

# Average advance of DejaVu Sans in ems, regular and bold, fitted on dot's own
# measurements of French unit names.
_CHAR_W = (0.50, 0.59)
# Spacing, in inches as Graphviz wants it.  Ranks are global in dot, so the
# gap between entries of a column is the gap between levels of the tree.  To
# keep columns tight but levels apart, ranksep is small and edges between
# levels span two ranks (minlen), leaving an empty rank between levels.
NODESEP = 0.18
RANKSEP = 0.12
LEVEL_MINLEN = 2
_NODESEP = NODESEP * 72  # points, for the estimate
_RANKSEP = RANKSEP * 72
_LEVEL_GAP = LEVEL_MINLEN * _RANKSEP
# A rank is as tall as its tallest box anywhere in the chart, so columns come
# out taller than the sum of their own boxes: about this much on charts of
# 150-250 units with French names (measured against dot).
_RANK_SLACK = 1.17
_CLUSTER_MARGIN = 6.0


def _columns(shown: dict[str, list[str]]) -> dict[str, list[str]]:
    """Parent → its children stacked in its column, blocks included (see above)."""
    def leaf(u: str) -> bool:
        return not shown[u]

    columns = {}
    for uid, kids in shown.items():
        entries = [k for k in kids if leaf(k) or all(leaf(c) for c in shown[k])]
        if sum(1 for k in entries if leaf(k)) >= MIN_STACK or len(entries) >= MIN_STACK:
            columns[uid] = entries
    for entries in list(columns.values()):  # a block brings its leaves along, however few
        for k in entries:
            if shown[k]:
                columns[k] = list(shown[k])
    return columns


def _estimate_size(lines: list[str], bold: bool) -> tuple[float, float]:
    """Rough box size in points of a label (for planning only; dot measures for real)."""
    em = style.NAME_SIZE * _CHAR_W[bold]
    w = max(max((len(x) for x in lines), default=0) * em, 10 * style.KIND_SIZE * _CHAR_W[0]) + 18
    h = len(lines) * style.NAME_SIZE + style.KIND_SIZE + 7.5
    return w, max(h, 22.0)


def _partition(weights: list[float], parts: int) -> list[int]:
    """Cut points splitting weights, in order, into `parts` runs with the smallest largest sum."""
    def greedy(cap: float) -> list[int]:
        cuts, run = [], 0.0
        for i, w in enumerate(weights):
            if run and run + w > cap:
                cuts.append(i)
                run = 0.0
            run += w
        return cuts

    lo, hi = max(weights), sum(weights)
    while hi - lo > 0.5:  # bisect the capacity, to half a point
        mid = (lo + hi) / 2
        if len(greedy(mid)) + 1 <= parts:
            hi = mid
        else:
            lo = mid
    return greedy(hi)


# The page a whole chart should fit: a 16:9 slide is 13.33 × 7.5 in.
PAGE_HEIGHT = 7.5 * 72


class _Planner:
    """Splits top-level columns into sub-columns so the chart nears a target aspect."""

    def __init__(self, shown: dict[str, list[str]], columns: dict[str, list[str]],
                 sizes: dict[str, tuple[float, float]]) -> None:
        self.shown, self.columns, self.sizes = shown, columns, sizes
        self.inner = {k for entries in columns.values() for k in entries}
        self.tops = [p for p in columns if p not in self.inner]
        self.entry = {k: self._entry_size(k) for p in self.tops for k in columns[p]}

    def _entry_size(self, k: str) -> tuple[float, float]:
        """Size of one column entry, gap below included; a block holds its nested column."""
        w, h = self.sizes[k]
        if k in self.columns:
            leaves = self.columns[k]
            w = max(w, max(self.sizes[x][0] for x in leaves) + 2 * _CLUSTER_MARGIN)
            h += sum(self.sizes[x][1] + _RANKSEP for x in leaves) + 2 * _CLUSTER_MARGIN
        return w, (h + _RANKSEP) * _RANK_SLACK

    def split(self, parent: str, parts: int) -> list[list[str]]:
        entries = self.columns[parent]
        if parts <= 1:
            return [entries]
        cuts = [0] + _partition([self.entry[k][1] for k in entries], parts) + [len(entries)]
        return [entries[a:b] for a, b in zip(cuts, cuts[1:]) if b > a]

    def extent(self, splits: dict[str, list[list[str]]]) -> tuple[float, float]:
        """Estimated width and height of the whole chart, in points."""
        ext: dict[str, tuple[float, float]] = {}
        for uid in reversed(list(self.shown)):  # preorder reversed: children before parents
            if uid in self.inner:
                continue
            parts = [ext[k] for k in self.shown[uid] if k in ext]
            if uid in splits:
                subs = [[self.entry[k] for k in sub] for sub in splits[uid]]
                parts.append((sum(max(w for w, _ in sub) for sub in subs) + _NODESEP * (len(subs) - 1)
                              + 2 * _CLUSTER_MARGIN,
                              max(sum(h for _, h in sub) for sub in subs) + 2 * _CLUSTER_MARGIN))
            w, h = self.sizes[uid]
            if parts:
                w = max(w, sum(pw for pw, _ in parts) + _NODESEP * (len(parts) - 1))
                h += _LEVEL_GAP + max(ph for _, ph in parts)
            ext[uid] = (w, h)
        return ext[next(iter(self.shown))]

    def plan(self, aspect: float) -> dict[str, list[list[str]]]:
        """Lower the height allowed to a column step by step; keep the split that fits best.

        "Best" is the largest scale, up to 1, at which the chart fits a page
        of the target aspect and PAGE_HEIGHT points.  A chart that fits at
        full size is left alone: splitting would only scramble its order.
        """
        page_w, page_h = PAGE_HEIGHT * aspect, PAGE_HEIGHT

        def score(splits: dict[str, list[list[str]]]) -> float:
            w, h = self.extent(splits)
            return min(page_w / w, page_h / h, 1.0)

        totals = {p: sum(self.entry[k][1] for k in self.columns[p]) for p in self.tops}
        best = {p: [self.columns[p]] for p in self.tops}
        if not self.tops:
            return best
        best_score = score(best)
        cap = max(totals.values())
        cache: dict[tuple[str, int], list[list[str]]] = {}
        while cap > 20:
            cap *= 0.93
            parts = {p: min(len(self.columns[p]), max(1, math.ceil(totals[p] / cap))) for p in self.tops}
            trial = {p: cache.get((p, n)) or cache.setdefault((p, n), self.split(p, n))
                     for p, n in parts.items()}
            s = score(trial)
            if s > best_score * 1.0001:
                best, best_score = trial, s
            if all(n == len(self.columns[p]) for p, n in parts.items()):
                break
        return best


def build_graph(edition: Edition, options: ChartOptions, *, highlighted: frozenset[str] = frozenset(),
                selected: str | None = None) -> "pygraphviz.AGraph":
    """Build the chart of a scope of the edition as a pygraphviz graph (not yet laid out)."""
    import pygraphviz

    if options.rankdir not in ("TB", "LR"):
        raise ValueError(f"rankdir must be 'TB' or 'LR', not {options.rankdir!r}")
    shown = _shown_tree(edition, options)
    tb = options.rankdir == "TB"

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
        nodesep=f"{NODESEP:g}",
        ranksep=f"{RANKSEP:g}",
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

    lines = {uid: _name_lines(edition.unit(uid).name) for uid in shown}
    if tb:
        # Ranks are global: a rank is as tall as its tallest box, wherever it
        # is, so boxes of mixed heights leave uneven gaps down every column.
        # One height for all (up to UNIFORM_LINES of name) keeps columns even.
        n = min(max(len(v) for v in lines.values()), UNIFORM_LINES or 1)
        g.node_attr["height"] = f"{_estimate_size(['x'] * n, False)[1] / 72:.3f}"
    for uid, kids in shown.items():  # preorder: dot's initial order follows the tree
        unit = edition.unit(uid)
        ks = style.kind_style(unit.kind)
        hidden = hidden_count(edition, uid) if not kids else 0
        attrs = dict(
            label=_label(lines[uid], unit.kind, options.lang, hidden, ks.bold),
            tooltip=tooltip_escape(unit.name),
            id=uid,
            fillcolor=ks.fill,
            color=ks.border,
            fontcolor=ks.text,
            penwidth=f"{ks.penwidth:g}",
            **{"class": f"unit kind-{unit.kind}"},
        )
        if ks.dashed:
            attrs["style"] = "rounded,filled,dashed"
        if uid in highlighted:
            attrs.update(fillcolor=style.HIGHLIGHT_FILL, color=style.HIGHLIGHT_BORDER,
                         penwidth=f"{style.HIGHLIGHT_PENWIDTH:g}")
        if uid == selected:
            attrs.update(color=style.SELECTED_BORDER, penwidth=f"{style.SELECTED_PENWIDTH:g}")
        g.add_node(uid, **attrs)

    columns = _columns(shown) if options.compact else {}
    inner = {k for entries in columns.values() for k in entries}
    if tb and options.aspect and columns:
        floor = float(g.node_attr["height"]) * 72
        sizes = {}
        for u in shown:
            w, h = _estimate_size(lines[u], style.kind_style(edition.unit(u).kind).bold)
            sizes[u] = (w, max(h, floor))
        splits = _Planner(shown, columns, sizes).plan(options.aspect)
    else:
        splits = {p: [columns[p]] for p in columns if p not in inner}
    for uid, kids in shown.items():
        stacked = columns.get(uid, [])
        for kid in kids:
            if kid not in stacked:
                g.add_edge(uid, kid, key=f"{uid}->{kid}", id=f"{uid}->{kid}", minlen=LEVEL_MINLEN,
                           **{"class": TREE_CLASS})
        if uid in splits:
            _add_column(g, g, uid, splits[uid], columns, tb)

    if options.show_links:
        _add_links(g, edition, shown, options.lang)
    return g


def _add_column(g: "pygraphviz.AGraph", parent_graph: "pygraphviz.AGraph", parent: str,
                subs: list[list[str]], columns: dict[str, list[str]], tb: bool) -> None:
    """Put a parent's stacked children in a cluster entered by one edge.

    subs are the sub-columns, side by side, each a list of entries.  Top to
    bottom, successive ranks make a column: each sub-column (with the leaves
    of its blocks, in nested clusters) is a chain of invisible edges whose
    weight keeps it straight, and invisible edges from the parent start every
    chain on the same rank.  Left to right, siblings already share a rank,
    which is a column: invisible edges from the parent rank the entries and
    nothing is chained.
    """
    name = STACK_PREFIX + parent
    sub = parent_graph.add_subgraph(name=name, style="rounded,filled", fillcolor=style.CLUSTER_FILL,
                                    color=style.CLUSTER_BORDER, penwidth="0.8", margin=f"{_CLUSTER_MARGIN:g}",
                                    label="", id=name)
    entries = [k for s in subs for k in s]
    for entry in entries:
        sub.add_node(entry)
        if entry in columns:  # a block: the entry, then its leaves in a nested column
            _add_column(g, sub, entry, [columns[entry]], columns, tb)
    if tb:
        heads = [s[0] for s in subs]
        for s in subs:
            tail = None
            for entry in s:  # a block chains its own leaves (above); link it to its neighbours
                if tail is not None:
                    g.add_edge(tail, entry, style="invis", weight="100", key=f"{tail}~{entry}")
                tail = columns[entry][-1] if entry in columns else entry
    else:
        heads = entries
    enter = heads[(len(heads) - 1) // 2]
    # In order, so that ordering=out lays the sub-columns out left to right.
    # A nested column (a block's leaves) sits one rank below its entry, a top one a level below.
    minlen = 1 if parent_graph is not g else LEVEL_MINLEN
    for head in heads:
        if head == enter:
            g.add_edge(parent, head, lhead=name, weight="100", key=f"{parent}->{head}",
                       id=f"{parent}->{name}", minlen=minlen, **{"class": TREE_CLASS})
        else:
            g.add_edge(parent, head, style="invis", minlen=minlen, key=f"{parent}~{head}")


def _add_links(g: "pygraphviz.AGraph", edition: Edition, shown: dict[str, list[str]], lang: str) -> None:
    labels = LINK_LABELS_EN if lang == "en" else LINK_LABELS_FR
    seen: set[tuple[str, str, str]] = set()
    for uid in shown:
        unit = edition.unit(uid)
        for link in unit.links:
            key = (uid, link.target, link.type)
            if link.target not in shown or link.target == uid or key in seen:
                continue
            seen.add(key)
            target = edition.unit(link.target)
            tip = f"{unit.name} — {labels.get(link.type, link.type)} — {target.name}"
            g.add_edge(uid, link.target, key=f"{uid}=>{link.target}:{link.type}",
                       id=f"{uid}=>{link.target}:{link.type}",
                       style="dashed", constraint="false", color=style.LINK_COLOR,
                       penwidth=f"{style.LINK_PENWIDTH:g}", arrowhead="vee", arrowsize="0.6",
                       tooltip=tooltip_escape(tip), **{"class": f"{LINK_CLASS} link-{link.type}"})

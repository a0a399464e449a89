"""Export a chart as SVG, PDF or PNG pages with title, legend and footer.

Graphviz draws everything, from the same build_graph() as the screen, so the
file matches what the window shows.  Page furniture (title, subtitle, legend,
footer) is drawn by Graphviz too, inside the same graph: the chart is wrapped
in a cluster whose HTML-like label holds title and legend, and the root
graph's label (labelloc=b) is the footer.  On a named page with its legend,
the compact chart is placed by build_graph (ChartOptions.placed, see
chart/placed.py) and Graphviz only draws it ("nop2"): title and legend are
then a placed node above it, the footer one below it.  Paper pages are composed after
rendering, because Graphviz's own page/size attributes do not give exact
pages with every renderer (cairo ignores ``page``): PDF pages with pypdf
(vector kept), SVG by wrapping the drawing in a page-sized <svg>, PNG by
painting onto a page-sized QImage.

Everything is rendered in memory and written once with atomic_write_bytes:
a failed export leaves the previous file as it was.

No Qt at module level; PNG composition imports QtGui's QImage lazily (no
widgets, no QGuiApplication needed).
"""
from __future__ import annotations

import errno
import functools
import json
import logging
import os
import re
import textwrap
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Callable

from iomviewer.chart import pages as P
from iomviewer.chart import style
from iomviewer.chart.build import ChartOptions, build_graph, drawn_lines, html_escape, measure_lines, scope_units
from iomviewer.chart.dot import graphviz_lock, serialized
from iomviewer.core.compare import comparison_of
from iomviewer.core.files import atomic_write_bytes
from iomviewer.core.model import Dataset, Edition
from iomviewer.core.text import clean_text

log = logging.getLogger(__name__)

READABLE_PT = 6.0  # below this, text on the page is hard to read: say so
MAX_BRANCH_UNITS = 30  # a dossier page shows at most about this many units (see branch_pages)
MAX_PNG_PIXELS = 80_000_000  # A3 at 600 dpi is 70 MP; beyond this, memory runs out before quality improves
MAX_PNG_SIDE = 32_000  # cairo image surfaces stop at 32,767 pixels a side

# Sizes on the page, in points, whatever the chart's scale.
TITLE_PT, SUBTITLE_PT, LEGEND_PT, FOOTER_PT = 20.0, 12.0, 9.0, 7.5
# A slide is seen projected, where 15 pt titles read well, and its height is
# what limits the whole chart: title, legend and footer take 3/4 of their size
# there (legend 6.75 pt), which gives the chart a tenth more height.  Paper is
# read close: 4/5 (title 16 pt, legend 7.2 pt, footer 6 pt) leave the whole
# bundled edition's names a twelfth larger on A4 and A3.
FURNITURE_SCALE = {"slide": 0.75, "a4": 0.8, "a3": 0.8, "letter": 0.8}
FURNITURE_COLOR = "#333333"


# --- public types --------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportOptions:
    format: str = "pdf"  # a key of FORMATS
    page: str = "fit"  # fit | a4 | a3 | letter | slide
    landscape: bool | None = None  # None: the orientation in which the chart is larger (a slide: landscape)
    margin_mm: float = 10
    title: str | None = None  # None: the organisation (default_title); "": no title
    subtitle: str | None = None  # None: branch path, edition and period (default_subtitle); "": none
    legend: bool = True
    footer: bool = True  # period, sources, export date
    dpi: int = 150  # PNG
    transparent: bool = False  # PNG
    pages_per_branch: bool = False  # PDF dossier: overview page, then one page per branch
    mandates: bool = False  # PDF dossier: appendix with the mandates of the units shown
    export_date: date | None = None  # None: today (tests pin it)
    # A named page's compact chart is composed for the page (chart/placed.py):
    # with this, it keeps the window's layout (dot) instead, as on screen.
    screen_layout: bool = False


@dataclass(frozen=True)
class ExportResult:
    path: Path
    format: str
    pages: int
    page_size_pt: tuple[float, float]  # first page
    scale: float  # first page's chart scale
    min_font_pt: float  # unit names' size on the page (smallest over the pages that must be readable)
    warnings: tuple[str, ...] = ()


class ExportError(Exception):
    """The export failed; the message is one French sentence for the user."""


@dataclass(frozen=True)
class Format:
    name: str
    suffix: str
    graphviz: str  # Graphviz -T value
    compose: Callable[..., bytes]  # composed chart pages → file bytes


# The one table of formats, FORMATS (name → suffix, Graphviz format, composer),
# is at the end of the composition section below, next to its composers.


def format_for_path(path: str | os.PathLike[str], explicit: str | None = None) -> str:
    """The export format: `explicit` if given, else from the file's suffix."""
    if explicit:
        name = explicit.lower().lstrip(".")
        if name not in FORMATS:
            raise ExportError(f"format inconnu « {explicit} » (formats : {', '.join(FORMATS)})")
        return name
    suffix = Path(path).suffix.lower()
    for fmt in FORMATS.values():
        if fmt.suffix == suffix:
            return fmt.name
    shown = suffix or "sans extension"
    raise ExportError(f"format inconnu pour « {Path(path).name} » ({shown}) : utilisez .svg, .pdf ou .png, ou précisez le format")


def _slug(text: str, limit: int = 48) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:limit].strip("-")


def suggested_filename(dataset: Dataset, edition: Edition, chart_options: ChartOptions, fmt: str) -> str:
    """A file name such as "oim-revision-2022-dept-relations-exterieures.pdf" (ASCII, no spaces).

    Acronym, edition id and, for a branch, the branch's unit id: ids are short
    and stable where labels are long sentences.
    """
    parts = [_slug(dataset.acronym) or _slug(dataset.organisation, 16) or "organigramme",
             _slug(edition.id) or _slug(edition.label)]
    root = chart_options.root
    if root and root in edition and root != edition.root.id:
        parts.append(_slug(root))
    name = "-".join(p for p in parts if p) or "organigramme"
    return f"{name}{FORMATS[fmt].suffix if fmt in FORMATS else '.' + _slug(fmt)}"


# --- words of the furniture --------------------------------------------------------------

_WORDS = {
    "fr": {
        "exported": "Exporté le {date}", "period": "Période : {period}", "sources": "Sources : {files}",
        "search": "Résultat de recherche", "link": "Lien secondaire", "overview": "vue d’ensemble",
        "appendix": "Annexe — Mandats des unités", "no_mandate": "Sans mandat dans les sources : {names}.",
        "mention": "Mentionnée ainsi : « {text} »", "partial": "édition partielle",
    },
    "en": {
        "exported": "Exported on {date}", "period": "Period: {period}", "sources": "Sources: {files}",
        "search": "Search result", "link": "Secondary link", "overview": "overview",
        "appendix": "Appendix — Mandates of the units", "no_mandate": "No mandate in the sources: {names}.",
        "mention": "Mentioned as: “{text}”", "partial": "partial edition",
    },
}


def _words(lang: str) -> dict[str, str]:
    return _WORDS.get(lang, _WORDS["fr"])


def _format_date(day: date, lang: str) -> str:
    return day.strftime("%d/%m/%Y") if lang != "en" else day.isoformat()


# --- what goes on each page --------------------------------------------------------------


@dataclass(frozen=True)
class _PageSpec:
    options: ChartOptions
    title: str
    subtitle: str
    bookmark: str
    check_readability: bool = True


def _branch_path(edition: Edition, unit_id: str, upto_parent: bool = False) -> str:
    ids = edition.path_from_root(unit_id)
    if upto_parent:
        ids = ids[:-1]
    return " › ".join(clean_text(edition.unit(u).acronym or edition.unit(u).name) if i == 0
                      else clean_text(edition.unit(u).name) for i, u in enumerate(ids))


def default_title(dataset: Dataset, edition: Edition) -> str:
    """The organisation: one line on a slide; the edition goes in the subtitle."""
    return dataset.organisation


def default_subtitle(edition: Edition, options: ChartOptions) -> str:
    """The edition (with its period, said once), after the branch's path when there is one."""
    label = clean_text(edition.label)
    # A comparison's period is "p1 → p2", its label names both editions with theirs.
    periods = [p.strip() for p in edition.period.label.split("→") if p.strip()]
    if periods and not all(p in label for p in periods):
        label = f"{label} · {edition.period.label}"
    if options.root and options.root in edition and options.root != edition.root.id:
        return f"{_branch_path(edition, options.root)} · {label}"
    return label


def _shown_children(edition: Edition, options: ChartOptions) -> tuple[str, dict[str, list[str]]]:
    shown = set(scope_units(edition, options))
    root = options.root or edition.root.id
    return root, {u: [c for c in edition.children(u) if c in shown] for u in shown}


def branch_pages(edition: Edition, options: ChartOptions,
                 max_units: int | None = None) -> list[tuple[str, int | None]]:
    """The branches of a dossier: (unit id, depth limit or None), in tree order.

    Rule: walk down from the scope's root.  A child that has children of its
    own and at most `max_units` units in its shown subtree gets one page with
    its whole subtree.  A bigger child gets a page of its first level only
    (itself and its children), then the rule applies to its children.  Leaves
    get no page of their own: they are on their parent's page.  With the IOM's
    structure this gives one page per department or office under each
    directorate, each small enough to read on A4.
    """
    max_units = MAX_BRANCH_UNITS if max_units is None else max_units
    root, kids = _shown_children(edition, options)
    sizes: dict[str, int] = {}

    def size(uid: str) -> int:
        if uid not in sizes:
            total, stack = 0, [uid]
            while stack:
                u = stack.pop()
                total += 1
                stack.extend(kids[u])
            sizes[uid] = total
        return sizes[uid]

    out: list[tuple[str, int | None]] = []
    stack = list(reversed(kids[root]))
    while stack:  # iterative preorder
        uid = stack.pop()
        if not kids[uid]:
            continue
        if size(uid) <= max_units:
            out.append((uid, None))
        else:
            out.append((uid, 1))
            stack.extend(reversed(kids[uid]))
    return out


def _page_specs(dataset: Dataset, edition: Edition, options: ChartOptions, xo: ExportOptions) -> list[_PageSpec]:
    title = default_title(dataset, edition) if xo.title is None else xo.title
    subtitle = default_subtitle(edition, options) if xo.subtitle is None else xo.subtitle
    if not xo.pages_per_branch:
        return [_PageSpec(options, title, subtitle, title or edition.label)]
    words = _words(options.lang)
    overview_sub = f"{subtitle} — {words['overview']}" if subtitle else words["overview"]
    specs = [_PageSpec(options._replace(compact=True), title, overview_sub, words["overview"].capitalize(),
                       check_readability=False)]
    scope_root = options.root or edition.root.id
    base = edition.depth(scope_root)
    for uid, depth in branch_pages(edition, options):
        remaining = None if options.depth is None else options.depth - (edition.depth(uid) - base)
        if depth is not None:
            remaining = depth if remaining is None else min(depth, remaining)
        unit = edition.unit(uid)
        sub = f"{_branch_path(edition, uid, upto_parent=True)} · {edition.label}"
        specs.append(_PageSpec(options._replace(root=uid, depth=remaining), clean_text(unit.name), sub,
                               clean_text(unit.name)))
    return specs


# --- furniture, drawn by Graphviz --------------------------------------------------------


@dataclass(frozen=True)
class _LegendEntry:
    label: str
    fill: str | None
    border: str
    symbol: str = ""  # drawn in `border` colour instead of a swatch (links)
    label_width: float = 0.0  # at LEGEND_PT, measured
    symbol_width: float = 0.0


# Legend geometry in page points: swatch, swatch-to-label gap, gap between entries.
_SWATCH_W, _SWATCH_H, _GAP, _SEP = 16.0, 10.0, 5.0, 14.0


def _legend_entries(edition: Edition, options: ChartOptions, highlighted: frozenset[str]) -> list[_LegendEntry]:
    shown = scope_units(edition, options)
    kinds = [edition.unit(u).kind for u in shown]
    entries = [_LegendEntry(label, fill, border) for _k, label, fill, border in style.legend_items(kinds, options.lang)]
    words = _words(options.lang)
    if highlighted & set(shown):
        entries.append(_LegendEntry(words["search"], style.HIGHLIGHT_FILL, style.HIGHLIGHT_BORDER))
    links, old_parent = drawn_lines(edition, options)  # old_parent: a comparison's former line of authority
    if links:
        entries.append(_LegendEntry(words["link"], None, style.LINK_COLOR, "- - ›"))
    changes = comparison_of(edition)  # a comparison chart: its change marks, after the kinds
    if changes is not None:
        marks = {m for uid in shown for m in changes.marks_of(uid)}
        for label, fill, border, symbol in style.change_legend_items(marks, options.lang, old_parent):
            entries.append(_LegendEntry(label, fill, border, symbol if fill is None else ""))
    if not entries:
        return entries
    font = (LEGEND_PT, False)
    widths, _space = measure_text({font: {e.label for e in entries} | {e.symbol for e in entries if e.symbol}})
    return [replace(e, label_width=widths[font][e.label], symbol_width=widths[font].get(e.symbol, 0.0))
            for e in entries]


def _entry_width(e: _LegendEntry) -> float:
    return (e.symbol_width if e.fill is None else _SWATCH_W) + _GAP + e.label_width


def _text_width(text: str, size: float) -> float:
    """Rough width of a line of DejaVu Sans (mean advance ~0.56 em); only to decide wrapping."""
    return 0.56 * size * len(text)


def _pack_rows(entries: list[_LegendEntry], row_width: float) -> list[list[_LegendEntry]]:
    rows: list[list[_LegendEntry]] = [[]]
    used = 0.0
    for e in entries:
        w = _entry_width(e) + (_SEP if rows[-1] else 0.0)
        if rows[-1] and used + w > row_width:
            rows.append([])
            used, w = 0.0, _entry_width(e)
        rows[-1].append(e)
        used += w
    return [r for r in rows if r]


@dataclass(frozen=True)
class _Furniture:
    header: str  # HTML-like label of the frame cluster ("" = none)
    footer: str  # HTML-like label of the root graph ("" = none)
    height_pt: float  # height it takes on the page, estimated


def _n(value: float, lo: int = 0, hi: int = 65535) -> int:
    """An integer attribute for HTML-like labels (Graphviz refuses fractions and large values)."""
    return max(lo, min(hi, round(value)))


def _furniture(spec: _PageSpec, xo: ExportOptions, edition: Edition, sources: list[str],
               entries: list[_LegendEntry], span: float, scale: float) -> _Furniture:
    """Title, legend and footer as HTML-like labels sized for `scale` (page points / chart points).

    span: the page points the furniture may take in width (wrapping, legend rows).
    Everything is measured at its nominal size, then the whole takes
    FURNITURE_SCALE of it on the page.
    """
    f = FURNITURE_SCALE.get(xo.page, 1.0)
    k = f / scale  # chart points per nominal page point
    avail = max(span / f, 320.0)
    words = _words(spec.options.lang)
    rows, height = [], 0.0
    subtitle = spec.subtitle
    if spec.title and subtitle and (_text_width(spec.title, TITLE_PT) + _text_width(" " * 4, TITLE_PT)
                                    + _text_width(clean_text(subtitle), SUBTITLE_PT)) <= avail:
        # Both fit on one line: the subtitle follows the title, a line of the chart's height saved.
        rows.append(f'<TR><TD><FONT POINT-SIZE="{TITLE_PT * k:.2f}" COLOR="{FURNITURE_COLOR}"><B>'
                    f'{html_escape(spec.title)}</B>    </FONT><FONT POINT-SIZE="{SUBTITLE_PT * k:.2f}" '
                    f'COLOR="#555555">{html_escape(subtitle)}</FONT></TD></TR>')
        height += 1.25 * TITLE_PT
        subtitle = ""
    elif spec.title:
        size = TITLE_PT
        lines = [spec.title]
        if _text_width(spec.title, size) > avail:
            size = max(14.0, avail / (0.56 * len(spec.title)))
            lines = textwrap.wrap(clean_text(spec.title), max(12, int(avail / (0.56 * size)))) or [spec.title]
        body = "<BR/>".join(html_escape(line) for line in lines)
        rows.append(f'<TR><TD><FONT POINT-SIZE="{size * k:.2f}" COLOR="{FURNITURE_COLOR}"><B>{body}</B></FONT></TD></TR>')
        height += 1.25 * size * len(lines)
    if subtitle:
        lines = textwrap.wrap(clean_text(subtitle), max(20, int(avail / (0.56 * SUBTITLE_PT)))) or [""]
        body = "<BR/>".join(html_escape(line) for line in lines)
        rows.append(f"<TR>{_spacer(height=4 * k)}</TR>")
        rows.append(f'<TR><TD><FONT POINT-SIZE="{SUBTITLE_PT * k:.2f}" COLOR="#555555">{body}</FONT></TD></TR>')
        height += 4 + 1.25 * SUBTITLE_PT * len(lines)
    if xo.legend and entries:
        rows.append(f"<TR>{_spacer(height=6 * k)}</TR>")
        for i, row in enumerate(_pack_rows(entries, avail)):
            if i:
                rows.append(f"<TR>{_spacer(height=3 * k)}</TR>")
            rows.append(f"<TR><TD>{_legend_row(row, k)}</TD></TR>")
            height += 1.5 * LEGEND_PT + 3
        height += 6
    header = ""
    if rows:
        rows.append(f"<TR>{_spacer(height=6 * k)}</TR>")  # air between the legend and the chart
        height += 6
        header = '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">' + "".join(rows) + "</TABLE>"
    footer = ""
    if xo.footer:
        day = xo.export_date or date.today()
        parts = [words["period"].format(period=edition.period.label)]
        if edition.is_partial:
            parts[0] += f" ({words['partial']})"
        if sources:
            parts.append(words["sources"].format(files=", ".join(sources)))
        parts.append(words["exported"].format(date=_format_date(day, spec.options.lang)) + " · iomviewer")
        text = " · ".join(parts)
        lines = textwrap.wrap(clean_text(text), max(40, int(avail / (0.53 * FOOTER_PT))))
        body = "<BR/>".join(html_escape(line) for line in lines)
        footer = (f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">'
                  f"<TR>{_spacer(height=6 * k)}</TR>"
                  f'<TR><TD><FONT POINT-SIZE="{FOOTER_PT * k:.2f}" COLOR="#555555">{body}</FONT></TD></TR></TABLE>')
        height += 6 + 1.25 * FOOTER_PT * len(lines)
    return _Furniture(header, footer, (height + 12) * f)


def _spacer(width: float = 1, height: float = 1) -> str:
    # An empty cell is as tall as a line of the default font unless its size is fixed.
    return f'<TD FIXEDSIZE="TRUE" WIDTH="{_n(width, 1)}" HEIGHT="{_n(height, 1)}"></TD>'


def _legend_row(row: list[_LegendEntry], k: float) -> str:
    """One row of the legend as a table of fixed size.

    Graphviz stretches a nested table to the width of its cell (here: the
    title's), spreading swatches away from their labels; a FIXEDSIZE table
    keeps its measured width and is centred instead.
    """
    cells = []
    for i, e in enumerate(row):
        if i:
            cells.append(_spacer(width=_SEP * k))
        if e.fill is None:
            cells.append(f'<TD><FONT POINT-SIZE="{LEGEND_PT * k:.3f}" COLOR="{e.border}">{html_escape(e.symbol)}</FONT></TD>')
        else:
            cells.append(f'<TD BGCOLOR="{e.fill}" COLOR="{e.border}" BORDER="{_n(1.2 * k, 1, 127)}" '
                         f'WIDTH="{_n(_SWATCH_W * k, 1)}" HEIGHT="{_n(_SWATCH_H * k, 1)}" FIXEDSIZE="TRUE"></TD>')
        cells.append(_spacer(width=_GAP * k))
        cells.append(f'<TD ALIGN="LEFT"><FONT POINT-SIZE="{LEGEND_PT * k:.3f}" COLOR="{FURNITURE_COLOR}">'
                     f"{html_escape(e.label)}</FONT></TD>")
    # The fixed cells as they were rounded, the texts with a little air: at small
    # scales (a placed chart's furniture, measured at the page's own size) the
    # cells' rounding alone would overflow a width scaled from the nominal one.
    fixed = sum(_n(_SEP * k, 1) for _ in row[1:]) + sum(_n(_GAP * k, 1) for _ in row) + sum(
        _n(_SWATCH_W * k, 1) for e in row if e.fill is not None)
    text = sum(e.label_width + (e.symbol_width if e.fill is None else 0.0) for e in row)
    width = fixed + text * k * 1.04 + 2 * k
    height = max(_SWATCH_H, 1.5 * LEGEND_PT)
    return (f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0" FIXEDSIZE="TRUE" '
            f'WIDTH="{_n(width, 1)}" HEIGHT="{_n(height * k, 1)}"><TR>' + "".join(cells) + "</TR></TABLE>")


# The header of pygraphviz's DOT output: [strict] digraph name {
_DOT_HEADER = re.compile(r'\s*(?:strict\s+)?(?:di)?graph\s+(?:"(?:[^"\\]|\\.)*"|[^\s{]+)?\s*\{')
# Root attributes that describe the chart's own label or a previous layout: never carried over.
_NOT_CARRIED = {"label", "labelloc", "labeljust", "bb", "lp", "lwidth", "lheight", "_draw_", "_ldraw_", "xdotversion"}


def _dot_value(value: str) -> str:
    if value.startswith("<") and value.endswith(">"):
        return value  # HTML-like label, built here from escaped text
    if "\\" in value or "\n" in value:
        raise ValueError(f"unexpected attribute value {value!r}")
    return '"' + value.replace('"', '\\"') + '"'


def _attrs(values: dict[str, str]) -> str:
    return ", ".join(f"{key}={_dot_value(value)}" for key, value in values.items())


_PAGE_PAD = 0.06  # inches around every page's drawing, placed or not (_root_attrs)


def _chart_subgraph(graph: Any) -> str:
    """The chart's DOT text as a (non-cluster) subgraph of the page's graph."""
    body = graph.to_string()
    match = _DOT_HEADER.match(body)
    if match is None:
        raise ValueError("cannot read the chart's DOT header")
    return "subgraph iomviewer_chart {" + body[match.end():]


def _root_attrs(graph: Any, transparent: bool, dpi: float | None, **extra: str) -> dict[str, str]:
    """The page graph's attributes: the chart's own that carry over, then the page's (`extra`: a placed page's bb)."""
    root = {k: v for k, v in graph.graph_attr.items() if v and k not in _NOT_CARRIED}
    # The page's margins are the exporter's: a small pad only keeps thick borders whole.
    # margin: cairo's PDF device adds 36 pt around the drawing unless told (gvdevice default margins).
    root.update(pad=f"{_PAGE_PAD:g}", margin="0", fontname=style.FONTNAME, fontcolor=FURNITURE_COLOR, **extra)
    if transparent:
        root["bgcolor"] = "transparent"
    if dpi is not None:
        root["dpi"] = f"{dpi:.4f}"
    return root


@serialized
def _dress(graph: Any, furniture: _Furniture, *, transparent: bool = False, dpi: float | None = None) -> str:
    """DOT text of the chart wrapped in a frame cluster carrying title and legend, footer at the root.

    The chart's DOT goes in unchanged as a (non-cluster) subgraph, so its own
    clusters, defaults and HTML labels keep their meaning.  The frame's and
    the root's attribute statements come after that subgraph: DOT hands a
    graph's attributes down to the subgraphs defined after them, and the
    title must not become every cluster's label.
    """
    inner = _chart_subgraph(graph)
    root = _root_attrs(graph, transparent, dpi)
    if furniture.footer:
        root.update(label=f"<{furniture.footer}>", labelloc="b", labeljust="c")
    frame = {"id": "iomviewer-frame", "pencolor": "transparent", "margin": "8", "fontname": style.FONTNAME,
             "fontcolor": FURNITURE_COLOR, "labelloc": "t", "labeljust": "c", "style": "solid", "bgcolor": "transparent"}
    if furniture.header:
        frame["label"] = f"<{furniture.header}>"
    strict = "strict " if graph.strict else ""
    return (f"{strict}digraph iomviewer_export {{\nsubgraph cluster_iomviewer_frame {{\n{inner}\n"
            f"graph [{_attrs(frame)}];\n}}\ngraph [{_attrs(root)}];\n}}\n")


# A placed chart (ChartOptions.placed) is drawn where it stands: title and
# legend are a node above it, the footer a node below it, each measured first.
_FURNITURE_SEP = 8.0  # points between the chart and its title and legend, or its footer


# Remembered: a page measures the same title, legend and footer while it is
# planned (each orientation, then the chosen one) and again while it is drawn
# (a PNG page twice: for its size, then at its dpi), one run of dot each.
@functools.lru_cache(maxsize=32)
def _label_size(label: str) -> tuple[float, float]:
    """Width and height in points of a plaintext node with this HTML-like label, as Graphviz sizes it."""
    dot = (f'digraph m {{ graph [pad="0", margin="0"]; n [shape=plaintext, margin="0", width="0", height="0", '
           f'fontname="{style.FONTNAME}", label=<{label}>]; }}')
    data = json.loads(_draw(dot, "json0"))
    node = next(o for o in data.get("objects", []) if o.get("name") == "n")
    return float(node["width"]) * 72, float(node["height"]) * 72


@serialized
def _dress_placed(graph: Any, furniture: _Furniture, *, transparent: bool = False, dpi: float | None = None) -> str:
    """DOT text of a placed chart with its title and legend above it and its footer below, all placed."""
    inner = _chart_subgraph(graph)
    x0, y0, x1, y1 = (float(v) for v in graph.graph_attr["bb"].split(","))
    cx, top, bottom, half = (x0 + x1) / 2, y1, y0, (x1 - x0) / 2
    nodes = []
    for name, label, above in (("iomviewer-header", furniture.header, True), ("iomviewer-footer", furniture.footer, False)):
        if not label:
            continue
        w, h = _label_size(label)
        half = max(half, w / 2)
        if above:
            y, top = top + _FURNITURE_SEP + h / 2, top + _FURNITURE_SEP + h
        else:
            y, bottom = bottom - _FURNITURE_SEP - h / 2, bottom - _FURNITURE_SEP - h
        nodes.append(f'"{name}" [shape=plaintext, margin="0", width="{w / 72:.4f}", height="{h / 72:.4f}", '
                     f'fontname="{style.FONTNAME}", fontcolor="{FURNITURE_COLOR}", id="{name}", tooltip=" ", '
                     f'pos="{cx:.2f},{y:.2f}", label=<{label}>];')
    root = _root_attrs(graph, transparent, dpi, bb=f"{cx - half:.2f},{bottom:.2f},{cx + half:.2f},{top:.2f}")
    strict = "strict " if graph.strict else ""
    return (f"{strict}digraph iomviewer_export {{\n{inner}\n" + "\n".join(nodes)
            + f"\ngraph [{_attrs(root)}];\n}}\n")


# --- running Graphviz --------------------------------------------------------------------


def _draw(dot: str, gv_format: str, placed: bool = False) -> bytes:
    """Run dot on DOT text through chart.dot.run_dot (placed: draw it where it stands, chart.dot.draw_placed).

    In the desktop app and on the command line, run_dot sends it to its
    helper process: a long export does not hold the GIL the window paints
    with, and a Graphviz assertion on some page ends in an ExportError, not
    in the end of the process.
    """
    import pygraphviz

    from iomviewer.chart.dot import DotError, draw_placed, run_dot

    try:
        if placed:
            data = draw_placed(dot, gv_format)
        else:
            with graphviz_lock():
                graph = pygraphviz.AGraph(string=dot)
            data = run_dot(graph, gv_format, isolated=True)  # an export page is never worth the app
    except (DotError, ValueError, OSError, RuntimeError, TypeError) as exc:
        raise ExportError(f"Graphviz n'a pas pu dessiner l'organigramme : {exc}") from exc
    if not data:
        raise ExportError("Graphviz n'a rien produit")
    return bytes(data)


@serialized
def _dot_text(graph: Any) -> str:
    return graph.to_string()


def _natural_size(dot: str, placed: bool = False) -> tuple[float, float]:
    """Width and height in points of the drawing dot makes of this graph (pad included)."""
    data = json.loads(_draw(dot, "json0", placed))
    x0, y0, x1, y1 = (float(v) for v in data["bb"].split(","))
    pad = 72 * float(str(data.get("pad", "0.0555")).split(",")[0] or 0.0555)
    return x1 - x0 + 2 * pad, y1 - y0 + 2 * pad


def _label_font(graph: Any) -> float:
    """Smallest node label font size (Graphviz fontsize: the unit names), in chart points.

    The kind line under each name is set smaller (style.KIND_SIZE); it repeats
    what the colour says, so the names decide whether a page can be read.
    """
    default = float(graph.node_attr.get("fontsize") or 14)
    sizes = [float(node.attr.get("fontsize") or default) for node in graph.nodes()]
    return min(sizes, default=default)


Font = tuple[float, bool]  # size in points, bold


@serialized
def measure_text(texts: dict[Font, set[str]]) -> tuple[dict[Font, dict[str, float]], dict[Font, float]]:
    """Widths in points of each text and of a space, per font, as Graphviz (pango) measures them.

    One run of dot (chart.build.measure_lines), here through _draw.
    """
    columns = {font: sorted(words) + ["x x", "xx"] for font, words in texts.items()}
    measured = measure_lines(columns, lambda source: _draw(source, "json"))
    widths: dict[Font, dict[str, float]] = {}
    spaces: dict[Font, float] = {}
    for font, items in columns.items():
        found = measured[font]
        if found is None:  # never seen; fall back to an overestimate
            log.warning("text measurement mismatch for %s", font)
            found = [0.62 * font[0] * len(w) for w in items]
        widths[font] = dict(zip(items, found))
        spaces[font] = max(widths[font]["x x"] - widths[font]["xx"], 0.25 * font[0])
    return widths, spaces


# --- one chart page ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Page:
    data: bytes  # Graphviz's drawing (SVG, PDF) or the finished page (PNG)
    placement: P.Placement
    bookmark: str
    min_font: float  # on the page, points
    check_readability: bool


def _build(edition: Edition, options: ChartOptions, highlighted: frozenset[str]) -> Any:
    try:
        return build_graph(edition, options, highlighted=highlighted)
    except KeyError as exc:
        raise ExportError(f"unité inconnue dans l'édition « {edition.id} » : {exc.args[0] if exc.args else exc}") from None


# The planner predicts the chart's shape from box sizes; dot's ranks and
# clusters come out somewhat different.  Planning for a few aspects around the
# page's and keeping what dot really drew gains up to a tenth in text size
# (measured on the bundled editions), for three layouts of about 0.1 s each.
_ASPECT_TRIES = (0.85, 1.0, 1.2)


def _tries(xo: ExportOptions, edition: Edition | None = None) -> list[tuple[float, bool]]:
    """(aspect factor, kind line) of each plan _chart_for_page lays out.

    With its legend, a page says every kind: boxes drop the kind line
    (ChartOptions.kind_line) and are a third lower, which makes a tall chart
    larger by a tenth or more; a wide one can come out smaller (its names
    take two wider lines instead of three), so the boxes with the kind line
    are tried as well.

    Not for a comparison: its marked boxes are taller by their marks, and
    with the tighter spacing of bare boxes Graphviz 14 was seen to abort
    (compound.c, makeCompoundEdge: assertion `bez->eflag`), taking the
    process with it.
    """
    if not xo.legend or (edition is not None and comparison_of(edition) is not None):
        return [(factor, True) for factor in _ASPECT_TRIES]
    return [(factor, False) for factor in _ASPECT_TRIES] + [(1.0, True)]


# A placed chart's size is known without running dot: its plan is tried for
# a few aspects around the page's (the plans come in steps: one more
# sub-column, one column split) and a few widths of names (narrow names make
# narrow columns, which suit a portrait page; _refit widens them where a
# column leaves room), and the largest kept.  (aspect factor, characters a line)
_PLACED_TRIES = tuple((factor, wrap) for wrap in (20, 21, 22, 23, 24) for factor in (0.85, 1.0, 1.2))


def _placeable(edition: Edition, xo: ExportOptions) -> bool:
    """Whether a planned chart on a named page is placed (ChartOptions.placed) rather than laid out by dot.

    With its legend (which says the kinds the boxes then leave out); not a
    comparison, whose marked boxes and former lines of authority are routed by dot.
    """
    return not xo.screen_layout and xo.legend and comparison_of(edition) is None


def _is_placed(graph: Any) -> bool:
    return bool(graph.graph_attr.get("bb"))  # only a placed chart has its bounds before dot runs


def _placed_size(graph: Any) -> tuple[float, float]:
    """The natural size of a placed chart's drawing, as _natural_size would measure it."""
    x0, y0, x1, y1 = (float(v) for v in graph.graph_attr["bb"].split(","))
    return x1 - x0 + 2 * 72 * _PAGE_PAD, y1 - y0 + 2 * 72 * _PAGE_PAD


@dataclass(frozen=True)
class _PlacedFurniture:
    """What the furniture of a placed chart's page leaves it, measured (see _dress_placed)."""

    width: float  # page points the chart may take in width
    room: float  # page points left in height once title, legend and footer are placed
    separations: float  # chart points between the chart and them, and the drawing's pad

    def fit(self, chart_w: float, chart_h: float) -> float:
        """The scale that fills the room left to a placed chart of this natural size (pad included)."""
        return min(self.width / chart_w, self.room / (chart_h + self.separations))

    def scale(self, chart_w: float, chart_h: float) -> float:
        """The scale such a chart gets on the page: fit(), capped as pages.place caps it.

        The furniture is sized for this scale: uncapped, a small branch's page
        got a title for a scale its chart never reached (6 pt instead of 16 on A4).
        """
        return min(self.fit(chart_w, chart_h), P.MAX_UPSCALE)


def _placed_furniture(spec: _PageSpec, xo: ExportOptions, edition: Edition, sources: list[str],
                      entries: list[_LegendEntry], landscape: bool, margin: float) -> _PlacedFurniture:
    """Measure title and legend, and footer, as they will be on the page (their size is the page's, not the chart's)."""
    page_w, page_h = P.page_size(xo.page, landscape)
    furniture = _furniture(spec, xo, edition, sources, entries, page_w - 2 * margin, 1.0)
    room, separations = page_h - 2 * margin, 0.0
    for label in (furniture.header, furniture.footer):
        if label:
            room -= _label_size(label)[1]
            separations += _FURNITURE_SEP
    return _PlacedFurniture(page_w - 2 * margin, max(room, 1.0), separations)


def _chart_for_page(edition: Edition, spec: _PageSpec, xo: ExportOptions, highlighted: frozenset[str],
                    margin: float, sources: list[str],
                    entries: list[_LegendEntry]) -> tuple[Any, float, float, bool | None]:
    """The page's chart, its natural size, and the orientation it was planned for (None: any).

    entries: the page's legend (_legend_entries), whose room the furniture takes.

    A compact top-down chart is planned into columns for a target aspect
    (ChartOptions.aspect).  The screen's default is a slide's chart area; on
    a named page the chart is planned again for what that page leaves once
    title, legend and footer are placed, in each orientation the user left
    open, and the larger result wins: on A3 the whole edition's names grow by
    about half.
    """
    options = spec.options
    if xo.page == "fit" or not options.planned:
        graph = _build(edition, options, highlighted)
        return (graph, *_natural_size(_dot_text(graph)), None)
    if xo.landscape is not None:
        orientations = [xo.landscape]
    else:
        orientations = [True] if xo.page == "slide" else [True, False]
    placeable = _placeable(edition, xo)
    best: tuple[float, Any, float, float, bool, float] | None = None  # scale, graph, w, h, landscape, fit
    for landscape in orientations:
        page_w, page_h = P.page_size(xo.page, landscape)
        avail_w = page_w - 2 * margin
        if placeable:
            fixed = _placed_furniture(spec, xo, edition, sources, entries, landscape, margin)
            for factor, wrap in _PLACED_TRIES:
                graph = _build(edition, options._replace(aspect=factor * avail_w / fixed.room, kind_line=False,
                                                  placed=True, wrap=wrap), highlighted)
                w, h = _placed_size(graph)
                scale, fit = fixed.scale(w, h), fixed.fit(w, h)
                # At the cap (a small branch) every try gets the same scale:
                # the one that fills its page best then wins (portrait for a tall one).
                if (best is None or scale > best[0] * 1.0001
                        or (scale >= best[0] / 1.0001 and fit > best[5] * 1.0001)):
                    best = (scale, graph, w, h, landscape, fit)
            continue
        furniture = _furniture(spec, xo, edition, sources, entries, avail_w, 1.0)
        avail_h = max(page_h - 2 * margin - furniture.height_pt, 1.0)
        for factor, kind_line in _tries(xo, edition):
            graph = _build(edition, options._replace(aspect=factor * avail_w / avail_h, kind_line=kind_line),
                           highlighted)
            w, h = _natural_size(_dot_text(graph))
            scale = min(avail_w / w, avail_h / h)
            if best is None or scale > best[0] * 1.0001:
                best = (scale, graph, w, h, landscape, scale)
    assert best is not None
    return best[1], best[2], best[3], best[4]


@dataclass(frozen=True)
class _PagePlan:
    graph: Any
    furniture: _Furniture
    orientation: bool | None  # None: "fit" page, or the page's own choice
    placed: bool = False  # the chart's boxes are placed (ChartOptions.placed): Graphviz only draws

    def dress(self, *, transparent: bool = False, dpi: float | None = None) -> str:
        """The page's DOT text: the chart with its furniture."""
        dress = _dress_placed if self.placed else _dress
        return dress(self.graph, self.furniture, transparent=transparent, dpi=dpi)


def _plan_chart_page(edition: Edition, spec: _PageSpec, xo: ExportOptions, highlighted: frozenset[str],
                     transparent: bool) -> tuple[_PagePlan, str]:
    """The chart and furniture of one page, and the DOT text that draws them."""
    margin = xo.margin_mm * P.MM
    sources = [clean_text(s) for s in edition.sources]
    entries = _legend_entries(edition, spec.options, highlighted)
    graph, chart_w, chart_h, chosen = _chart_for_page(edition, spec, xo, highlighted, margin, sources, entries)
    if xo.landscape is None and chosen is not None:
        xo = replace(xo, landscape=chosen)
    # First guess of the scale, keeping room for the furniture; then size the
    # furniture for that scale so it keeps its size on the page.

    def span(landscape: bool) -> float:
        # Title and legend may be as wide as the printable page: a chart that
        # is limited by the page's height leaves that width free.
        if xo.page == "fit":
            return chart_w
        return P.page_size(xo.page, landscape)[0] - 2 * margin

    if _is_placed(graph):  # a named page's (see _placeable), its orientation chosen above
        # Title, legend and footer measured: the scale is known before the page is drawn.
        scale = _placed_furniture(spec, xo, edition, sources, entries, xo.landscape, margin).scale(chart_w, chart_h)
        furniture = _furniture(spec, xo, edition, sources, entries, span(xo.landscape), scale)
        plan = _PagePlan(graph, furniture, xo.landscape, True)
        return plan, plan.dress(transparent=transparent)
    first_guess = xo.landscape if xo.landscape is not None else chart_w >= chart_h
    guess = _furniture(spec, xo, edition, sources, entries, span(first_guess), 1.0)
    scale, landscape = P.estimate_scale(chart_w, chart_h, xo.page, xo.landscape, margin, guess.height_pt)
    furniture = _furniture(spec, xo, edition, sources, entries, span(landscape), scale)
    scale, landscape = P.estimate_scale(chart_w, chart_h, xo.page, xo.landscape, margin, furniture.height_pt)
    furniture = _furniture(spec, xo, edition, sources, entries, span(landscape), scale)
    orientation = xo.landscape if xo.page == "fit" else landscape
    plan = _PagePlan(graph, furniture, orientation)
    return plan, plan.dress(transparent=transparent)


def _render_chart_page(dataset: Dataset, edition: Edition, spec: _PageSpec, xo: ExportOptions,
                       fmt: Format, highlighted: frozenset[str]) -> _Page:
    margin = xo.margin_mm * P.MM
    plan, dot = _plan_chart_page(edition, spec, xo, highlighted, xo.transparent and fmt.name == "png")
    if fmt.name == "png":
        w, h = _natural_size(dot, plan.placed)
        placement = P.place(w, h, xo.page, plan.orientation, margin)
        P.check_png_size(placement, xo.dpi, MAX_PNG_SIDE, MAX_PNG_PIXELS)
        dot = plan.dress(transparent=xo.transparent, dpi=xo.dpi * placement.scale)
        data = P.compose_png(_draw(dot, fmt.graphviz, plan.placed), placement, xo.dpi, xo.transparent,
                             style.BACKGROUND)
    else:
        data = _draw(dot, fmt.graphviz, plan.placed)
        w, h = P.svg_size(data) if fmt.name == "svg" else P.pdf_size(data)
        placement = P.place(w, h, xo.page, plan.orientation, margin)
    return _Page(data, placement, spec.bookmark, _label_font(plan.graph) * placement.scale, spec.check_readability)


def estimate_text_size(dataset: Dataset, edition: Edition, chart_options: ChartOptions, export_options: ExportOptions,
                       *, highlighted: frozenset[str] = frozenset()) -> float | None:
    """Unit names' size in points on the page, as the export will make it, without drawing the page.

    Plans the page as export_chart does and measures it with a layout (a few
    tenths of a second for the bundled edition: run it off the GUI thread).
    None for a dossier, whose branch pages are cut to be readable.
    """
    xo = export_options
    _validate(xo)
    if xo.pages_per_branch:
        return None
    if chart_options.root is not None and chart_options.root not in edition:
        raise ExportError(f"unité inconnue dans l'édition « {edition.id} » : {chart_options.root}")
    spec = _page_specs(dataset, edition, chart_options, xo)[0]
    plan, dot = _plan_chart_page(edition, spec, xo, frozenset(highlighted), False)
    w, h = _natural_size(dot, plan.placed)
    placement = P.place(w, h, xo.page, plan.orientation, xo.margin_mm * P.MM)
    return _label_font(plan.graph) * placement.scale


# --- composition: the format table -------------------------------------------------------


def _drawings(pages: list[_Page]) -> list[P.Drawing]:
    return [P.Drawing(p.data, p.placement, clean_text(p.bookmark)) for p in pages]


def _compose_svg(pages: list[_Page], xo: ExportOptions, title: str) -> bytes:
    return P.compose_svg(_drawings(pages)[0], clean_text(title), style.BACKGROUND)


def _compose_pdf(pages: list[_Page], xo: ExportOptions, title: str) -> bytes:
    return P.compose_pdf(_drawings(pages), clean_text(title))


def _compose_png(pages: list[_Page], xo: ExportOptions, title: str) -> bytes:
    return pages[0].data  # composed while rendering: the dpi depends on the page's scale


FORMATS: dict[str, Format] = {
    # Core SVG keeps text as <text> with the font list as CSS font-family
    # (svg:cairo would turn glyphs into paths); cairo PDF embeds font subsets
    # and keeps real text; cairo PNG measures and draws text like the layout.
    "svg": Format("svg", ".svg", "svg", _compose_svg),
    "pdf": Format("pdf", ".pdf", "pdf:cairo", _compose_pdf),
    "png": Format("png", ".png", "png:cairo", _compose_png),
}


# --- the mandates appendix ---------------------------------------------------------------

_TEXT_STYLES = {  # name → (size, bold, colour, line height factor)
    "title": (15.0, True, "#111111", 1.3),
    "heading": (10.5, True, "#111111", 1.25),
    "meta": (8.0, False, "#555555", 1.3),
    "body": (9.5, False, "#222222", 1.3),
}


def _appendix_pages(edition: Edition, units: list[str], xo: ExportOptions, lang: str) -> list[_Page]:
    words = _words(lang)
    page_name = "letter" if xo.page == "letter" else "a4"
    page_w, page_h = P.page_size(page_name, False)
    margin = max(xo.margin_mm, 15.0) * P.MM
    column, height = page_w - 2 * margin, page_h - 2 * margin

    def split(text: str) -> tuple[str, ...]:
        return tuple(clean_text(text).split()) or ("",)

    blocks = [P.TextBlock(split(words["appendix"]), "title", 0, keep_with_next=True)]
    silent = []
    for uid in units:
        unit = edition.unit(uid)
        if not unit.mandate and not unit.mention:
            silent.append(clean_text(unit.name))
            continue
        meta = f"{style.kind_label(unit.kind, lang)} · {_branch_path(edition, uid, upto_parent=True)}"
        blocks.append(P.TextBlock(split(unit.name), "heading", 12, keep_with_next=True))
        blocks.append(P.TextBlock(split(meta), "meta", 1, keep_with_next=True))
        paragraphs = unit.mandate or (words["mention"].format(text=clean_text(unit.mention or "")),)
        for para in paragraphs:
            blocks.append(P.TextBlock(split(para), "body", 5))
    if silent:
        blocks.append(P.TextBlock(split(words["no_mandate"].format(names=" ; ".join(silent))), "meta", 14))
    fonts = {name: (s[0], s[1]) for name, s in _TEXT_STYLES.items()}
    by_font: dict[Font, set[str]] = {}
    for block in blocks:
        by_font.setdefault(fonts[block.style], set()).update(block.words)
    widths, spaces = measure_text(by_font)
    broken = [(b, P.break_lines(b.words, widths[fonts[b.style]], spaces[fonts[b.style]], column)) for b in blocks]
    line_height = {name: s[0] * s[3] for name, s in _TEXT_STYLES.items()}
    out = []
    for lines in P.paginate(broken, line_height, height):
        dot = _text_page_dot(lines, column, line_height)
        data = _draw(dot, "pdf:cairo")
        w, h = P.pdf_size(data)
        placement = P.place(w, h, page_name, False, margin, align="top", max_upscale=1.0)
        out.append(_Page(data, placement, "", 0.0, False))
    if out:
        out[0] = replace(out[0], bookmark=words["appendix"])
    return out


def _text_page_dot(lines: list[P.TextLine], column: float, line_height: dict[str, float]) -> str:
    rows = []
    for line in lines:
        size, bold, colour, _lh = _TEXT_STYLES[line.style]
        if line.space_before >= 1:
            rows.append(f"<TR>{_spacer(height=line.space_before)}</TR>")
        text = html_escape(line.text) or " "
        if bold:
            text = f"<B>{text}</B>"
        rows.append(f'<TR><TD ALIGN="LEFT" HEIGHT="{_n(line_height[line.style])}">'
                    f'<FONT POINT-SIZE="{size}" COLOR="{colour}">{text}</FONT></TD></TR>')
    table = (f'<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="0" WIDTH="{_n(column)}">'
             + "".join(rows) + "</TABLE>")
    return ("digraph iomviewer_text {\n"
            f'graph [pad="0", margin="0", bgcolor="{style.BACKGROUND}", fontname="{style.FONTNAME}"];\n'
            f'node [shape=plaintext, margin="0", fontname="{style.FONTNAME}"];\n'
            f"text [label=<{table}>];\n}}\n")


# --- writing -----------------------------------------------------------------------------


def _write_error(path: Path, exc: OSError) -> ExportError:
    folder = path.parent if str(path.parent) else Path(".")
    code = exc.errno
    if isinstance(exc, FileNotFoundError) or code == errno.ENOENT:
        return ExportError(f"dossier introuvable : {folder}")
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return ExportError(f"disque plein : impossible d'écrire {path}")
    if code == errno.EROFS:
        return ExportError(f"support en lecture seule : impossible d'écrire {path}")
    if isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM):
        return ExportError(f"permission refusée : {path}")
    if isinstance(exc, IsADirectoryError):
        return ExportError(f"« {path} » est un dossier")
    return ExportError(f"écriture impossible de {path} : {exc.strerror or exc}")


def _check_target(path: Path) -> None:
    """Fail before the work when the file cannot be written at all."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"dossier introuvable : {folder}")
    if path.is_dir():
        raise ExportError(f"« {path} » est un dossier")


def _validate(xo: ExportOptions) -> Format:
    if xo.format not in FORMATS:
        raise ExportError(f"format inconnu « {xo.format} » (formats : {', '.join(FORMATS)})")
    if xo.page not in P.PAGES:
        raise ExportError(f"format de page inconnu « {xo.page} » (pages : {', '.join(P.PAGES)})")
    if (xo.pages_per_branch or xo.mandates) and xo.format != "pdf":
        raise ExportError("le dossier (une page par branche, annexe des mandats) n'existe qu'en PDF")
    if not 36 <= xo.dpi <= 1200:
        raise ExportError(f"résolution hors limites : {xo.dpi} ppp (de 36 à 1200)")
    if not 0 <= xo.margin_mm <= 100:
        raise ExportError(f"marge hors limites : {xo.margin_mm} mm (de 0 à 100)")
    return FORMATS[xo.format]


# --- the one entry point -----------------------------------------------------------------


@dataclass(frozen=True)
class Rendering:
    """A finished document in memory, before it is written."""

    data: bytes
    format: str
    pages: int
    page_size_pt: tuple[float, float]
    scale: float
    min_font_pt: float
    warnings: tuple[str, ...]


def render_document(dataset: Dataset, edition: Edition, chart_options: ChartOptions, export_options: ExportOptions,
                    *, highlighted: frozenset[str] = frozenset(), token: Any = None) -> Rendering:
    """Render the chart and its furniture onto pages, in memory (printing uses this directly)."""
    xo = export_options
    fmt = _validate(xo)
    if chart_options.root is not None and chart_options.root not in edition:
        raise ExportError(f"unité inconnue dans l'édition « {edition.id} » : {chart_options.root}")
    highlighted = frozenset(highlighted)
    specs = _page_specs(dataset, edition, chart_options, xo)
    total = len(specs) + (1 if xo.mandates else 0) + 1

    def progress(done: int, message: str) -> None:
        if token is not None:
            token.progress(done, total, message)

    rendered: list[_Page] = []
    try:
        for i, spec in enumerate(specs):
            progress(i, f"Page {i + 1}/{len(specs)} : {spec.bookmark}")
            rendered.append(_render_chart_page(dataset, edition, spec, xo, fmt, highlighted))
        if xo.mandates:
            progress(len(specs), "Annexe des mandats")
            units = _preorder(edition, chart_options)
            rendered.extend(_appendix_pages(edition, units, xo, chart_options.lang))
        progress(total - 1, "Assemblage du document")
        data = fmt.compose(rendered, xo, specs[0].title or default_title(dataset, edition))
    except P.PageError as exc:
        raise ExportError(str(exc)) from None

    checked = [p for p in rendered if p.check_readability] or rendered[:1]
    min_font = min(p.min_font for p in checked)
    warnings = []
    if min_font < READABLE_PT:
        hint = ("exportez une branche ou le dossier une page par branche (PDF)" if xo.page == "a3"
                else "exportez une branche ou choisissez une page plus grande (A3)")
        if xo.screen_layout and xo.page != "fit":
            hint = "laissez la page composer l'organigramme (sans la disposition de l'écran), " + hint
        warnings.append(f"Texte très petit : les noms des unités mesureront {min_font:.1f} pt sur la page "
                        f"(lisibles à partir de {READABLE_PT:g} pt) ; {hint}.")
    first = rendered[0].placement
    return Rendering(data, fmt.name, len(rendered), (first.page_w, first.page_h), first.scale, min_font,
                     tuple(warnings))


def export_chart(dataset: Dataset, edition: Edition, chart_options: ChartOptions, export_options: ExportOptions,
                 path: str | os.PathLike[str], *, highlighted: frozenset[str] = frozenset(),
                 token: Any = None) -> ExportResult:
    """Render the chart with its furniture onto pages and write the file atomically.

    token (a workers.CancelToken) gets progress between pages and may cancel
    the export; cancellation raises the token's exception and writes nothing.
    Every failure raises ExportError (one French sentence) and leaves any
    existing file untouched.
    """
    _validate(export_options)
    target = Path(path)
    _check_target(target)
    rendering = render_document(dataset, edition, chart_options, export_options, highlighted=highlighted, token=token)
    if token is not None:
        token.check()  # last chance to cancel; from here on the file is written and reported
    try:
        atomic_write_bytes(target, rendering.data)
    except OSError as exc:
        raise _write_error(target, exc) from exc
    log.info("exported %s (%d page(s), scale %.3f)", target, rendering.pages, rendering.scale)
    return ExportResult(target, rendering.format, rendering.pages, rendering.page_size_pt, rendering.scale,
                        rendering.min_font_pt, rendering.warnings)


def _preorder(edition: Edition, options: ChartOptions) -> list[str]:
    root, kids = _shown_children(edition, options)
    out, stack = [], [root]
    while stack:
        uid = stack.pop()
        out.append(uid)
        stack.extend(reversed(kids[uid]))
    return out

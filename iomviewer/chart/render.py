"""Render a chart graph to SVG, PDF, PNG or JSON bytes with dot.

One table maps the app's format names to Graphviz's format:renderer, as
xdot.py's export does.  Each call runs dot on the same graph that
layout_graph() laid out; dot is deterministic, so the file matches the
screen.  Pages, margins and atomic writes belong to the exporter, not here.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pygraphviz

# name → Graphviz -T value.
# - svg: the core SVG writer keeps text as <text> (searchable, selectable,
#   self-contained: no embedded fonts or glyph paths) with the fontname list
#   as a CSS font-family; svg:cairo would turn every glyph into a path.
# - pdf: cairo with pango embeds subsets of the fonts actually used and keeps
#   real, extractable text (accents included).
# - png: cairo for antialiased text measured with the same pango metrics as
#   the layout (png:gd would measure and draw differently).
FORMATS: dict[str, str] = {
    "svg": "svg",
    "pdf": "pdf:cairo",
    "png": "png:cairo",
    "json": "json",
}


def render_bytes(graph: "pygraphviz.AGraph", fmt: str, *, dpi: float | None = None,
                 transparent: bool = False) -> bytes:
    """Lay out the graph with dot and return it rendered as `fmt` (see FORMATS).

    dpi scales PNG output (Graphviz's default is 96); transparent gives PNG
    (and SVG) a transparent background instead of the chart's white one.
    Neither option moves anything: they are set on a copy for this run only.
    """
    try:
        gv_format = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown chart format {fmt!r}; expected one of {', '.join(FORMATS)}") from None
    from iomviewer.chart.dot import run_dot

    # Set on dot's own copy of the graph, never on the caller's.
    attrs = {}
    if dpi is not None and fmt == "png":
        attrs["dpi"] = f"{float(dpi):g}"
    if transparent:
        attrs["bgcolor"] = "transparent"
    data = run_dot(graph, gv_format, attrs)
    if not data:
        raise ValueError(f"Graphviz produced no {fmt} output")
    return bytes(data)

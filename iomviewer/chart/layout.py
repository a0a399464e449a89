"""Run dot once and interpret its drawing operations into plain drawing records.

A pure interpreter in the manner of xdot.py's parser, without its GTK leak:
it walks Graphviz's own drawing operations (``_draw_``, ``_ldraw_``,
``_hdraw_``, ``_tdraw_``, ``_hldraw_``, ``_tldraw_``), keeps the pen state
(colours, line width and style, font) and emits shapes and texts.  The Qt
view turns the records into graphics items, so the screen shows what the SVG
and PDF exports draw.

The operations come either as dot's ``-Tjson`` output (parse_json), or, for
the charts laid out here, straight from the laid-out graph as xdot text
(lay_out: the same records, without dot's JSON writer and json.loads,
which took longer than the layout itself).

Coordinates are Graphviz points (1/72 in) with the origin at the top-left of
the drawing and y growing downwards (Graphviz's y grows upwards; every
record here is already flipped).  Colours are lowercase ``#rrggbb``,
``#rrggbbaa`` when not opaque (alpha LAST, as in SVG and Graphviz; QColor
wants it first, see rgba()), or a colour name as Graphviz gave it.
"""
# No `from __future__ import annotations`: NamedTuple turns each string
# annotation into a ForwardRef, compiling it (0.7 ms of this module's import).
import contextlib
import functools
import re
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, NamedTuple

from iomviewer.core.memory import collector_paused

if TYPE_CHECKING:
    import pygraphviz

_DRAW_KEYS = ("_draw_", "_hdraw_", "_tdraw_")
_LABEL_KEYS = ("_ldraw_", "_hldraw_", "_tldraw_")
_OBJECT_KEYS = _DRAW_KEYS + _LABEL_KEYS  # a node's or an edge's drawing, in Graphviz's order
# Graphviz's JSON writer swaps the letters of Bezier ops relative to xdot:
# it prints "B" for a filled Bezier and "b" for an unfilled one
# (plugin/core/gvrender_core_json.c), while the xdot spec says the reverse.
# parse_json detects the convention from edge splines, which are never filled.
_JSON_FILLED_BEZIER = "B"


class LayoutError(Exception):
    """Graphviz failed, or its output is not a layout this module understands."""


# The records are named tuples, not frozen dataclasses: as immutable, but a
# class costs ~0.2 ms to create instead of ~1.5 ms (at import, on the start
# path), one costs a tuple to make, and unpickling one (a cached layout read
# on the GUI thread, a layout back from the helper process) is a tuple's
# __new__ rather than dataclasses' __setstate__ with fields() per object.
# They compare and hash as tuples (a Pen equals a plain tuple of its
# values); nothing iterates or indexes them: read their fields by name.


class Pen(NamedTuple):
    color: str
    fill: str | None
    width: float
    style: str  # "solid" | "dashed" | "dotted"


class Shape(NamedTuple):
    """One drawn shape.

    points: polygon/polyline vertices; for "bezier", a start point then three
    points per cubic segment; for "ellipse", the top-left and bottom-right
    corners of its bounding box.
    """

    kind: str  # "polygon" | "polyline" | "bezier" | "ellipse"
    points: tuple[tuple[float, float], ...]
    pen: Pen
    filled: bool


class Text(NamedTuple):
    """A line of text; (x, y) is its baseline point, at its left, centre or right (anchor)."""

    x: float
    y: float
    anchor: str  # "l" | "c" | "r"
    width: float  # as measured by Graphviz (pango), in points
    text: str
    font: str  # Graphviz fontname: a comma-separated family list, see style.font_families
    size: float
    color: str
    bold: bool
    italic: bool


Box = tuple[float, float, float, float]  # x, y, w, h


class NodeRecord(NamedTuple):
    id: str
    bbox: Box
    shapes: tuple[Shape, ...]
    texts: tuple[Text, ...]
    tooltip: str
    classes: tuple[str, ...] = ()  # the node's "class" attribute, split


class EdgeRecord(NamedTuple):
    tail: str
    head: str
    shapes: tuple[Shape, ...]
    secondary: bool
    texts: tuple[Text, ...] = ()
    cluster: str | None = None  # lhead: the edge enters this cluster (a stack of leaves)
    id: str = ""
    tooltip: str = ""


class ClusterRecord(NamedTuple):
    name: str
    bbox: Box
    shapes: tuple[Shape, ...]
    texts: tuple[Text, ...]
    nodes: tuple[str, ...] = ()  # names of the nodes inside


class Layout(NamedTuple):
    """A laid-out chart, everything in screen coordinates (points, y down).

    Paint in Graphviz's order to match the exports: background, clusters (in
    this order: outer before nested), edges, then nodes (the graph sets
    outputorder=edgesfirst).  Node records are keyed by node name (unit id).
    """

    width: float
    height: float
    nodes: dict[str, NodeRecord]
    edges: tuple[EdgeRecord, ...]
    clusters: tuple[ClusterRecord, ...]
    background: tuple[Shape, ...]
    texts: tuple[Text, ...] = ()  # the graph's own label, if any

    @property
    def aspect(self) -> float:
        """Width over height (0 for an empty drawing)."""
        return self.width / self.height if self.height else 0.0


# The readers below run with the cycle collector off (core.memory's context
# manager, used as a decorator: a pause per call).  Interpreting a chart makes
# tens of thousands of tuples, and every 700 of them the collector walks the
# young objects, now and then the whole heap: the bundled chart's
# interpretation took 0.6-1.3 ms longer with it on, and up to 49 ms instead of
# 14 ms in one run of thirty.  Records hold no cycles.


# --- running dot -----------------------------------------------------------------------


def layout_graph(graph: "pygraphviz.AGraph") -> Layout:
    """Lay the graph out with dot (one run) and interpret the result."""
    return lay_out(graph, drawing=False)[0]


def lay_out(graph: "pygraphviz.AGraph", isolated: bool = False, drawing: bool = True) -> tuple[Layout, bytes]:
    """Lay the graph out with dot (one run): the interpreted layout and dot's drawing (to cache).

    The drawing is Graphviz's xdot, captured from the laid-out graph (see
    _capture), as JSON that parse_json and parse_cached read back; where the
    capture cannot be read, dot's own -Tjson output.

    A graph that goes to the helper process (chart.dot) is also interpreted
    there: reading 36 MB of JSON for 10,000 units is 1.2 s inside json.loads,
    with the GIL held, which would freeze the window; what comes back is the
    pickled Layout, unpickled here in 0.3 s of interruptible Python.

    isolated: in the helper process whatever its size (see chart.dot.run_dot).
    drawing: False when the caller keeps the records, not the drawing (a small
    chart's cache entry): the bytes are then empty, unless dot -Tjson had to
    be run.  That spares the capture's JSON (3 ms for the bundled chart, 200 KB)
    and its trip back through the helper's pipe.
    """
    from iomviewer.chart import dot

    with _graphviz_errors():
        with dot.graphviz_lock():  # number_of_nodes is a call into Graphviz too
            source = graph.string()
            remote = dot.wants_helper(graph, "json", isolated)
        if remote:
            return dot.run_in_helper(_lay_out_source, source, drawing)
        # As run_dot: a job cancelled before dot starts does not start it.
        if dot.cancelled():
            raise dot.DotCancelled()
        with dot.graphviz_lock():
            return _lay_out_text(source, drawing)


def lay_out_here(graph: "pygraphviz.AGraph", drawing: bool = True) -> tuple[Layout, bytes]:
    """lay_out in this process whatever the graph's size (what the helper process runs)."""
    from iomviewer.chart import dot

    with _graphviz_errors(), dot.graphviz_lock():
        return _lay_out_text(graph.string(), drawing)


@contextlib.contextmanager
def _graphviz_errors() -> Iterator[None]:
    """pygraphviz's errors (ValueError/IOError with Graphviz's message) as LayoutError."""
    from iomviewer.chart.dot import DotCancelled

    try:
        yield
    except (DotCancelled, LayoutError):
        raise
    except Exception as exc:
        raise LayoutError(f"Graphviz could not lay out the chart: {exc}") from exc


def _lay_out_text(source: str, keep: bool = True) -> tuple[Layout, bytes]:
    """Run dot on DOT text here and interpret its drawing; with `keep`, the bytes to cache as well."""
    try:
        capture = _capture(source)
        layout = _from_capture(capture)
    except _Unsupported:  # an op or colour the capture's reader leaves to -Tjson's
        from iomviewer.chart.dot import _render_source

        data = _render_source(source, "json")
        return parse_json(data), data
    import json  # here: a start that draws its chart from the layout cache writes and reads no JSON

    return layout, json.dumps(capture, ensure_ascii=False).encode("utf-8") if keep else b""


def parse_cached(data: bytes) -> Layout:
    """parse_json for dot output read back from a cache; a big one is read in the helper process."""
    from iomviewer.chart import dot

    limit = IN_PROCESS_MAX_CAPTURE if CAPTURE_FORMAT.encode() in data[:64] else IN_PROCESS_MAX_JSON
    if dot.helper_enabled() and len(data) > limit:
        return dot.run_in_helper(parse_json, data)
    return parse_json(data)


def dump_records(layout: Layout) -> bytes:
    """The layout's records as bytes to cache; load_records reads them back."""
    import pickle

    return pickle.dumps(layout, protocol=pickle.HIGHEST_PROTOCOL)


@collector_paused(freeze=False)
def load_records(data: bytes) -> Layout:
    """A Layout from dump_records' bytes (pickle: only for bytes this app wrote, e.g. its own cache).

    With the collector paused: unpickling makes thousands of tuples (the
    bundled opening view: 1.4 ms instead of 2.9 ms, worst of 40 runs 1.9 ms
    instead of 14 ms, with the dataset and Qt loaded).
    """
    import pickle

    try:
        layout = pickle.loads(data)
    except Exception as exc:  # records of another version of this module, a cut file
        raise LayoutError(f"unreadable layout records: {exc!r}") from exc
    if not isinstance(layout, Layout):
        raise LayoutError(f"not layout records but {type(layout).__name__}")
    return layout


# JSON larger than this (about 400 units) is parsed in the helper process when there is one:
# dot's JSON, or lay_out's capture (a third of the size for the same units).
IN_PROCESS_MAX_JSON = 1_500_000
IN_PROCESS_MAX_CAPTURE = 500_000


def _lay_out_source(source: str, keep: bool = True) -> tuple[Layout, bytes]:  # the helper process
    return _lay_out_text(source, keep)


# --- dot's drawing, captured from the laid-out graph -------------------------------------
# dot -Tjson spends more time writing its JSON than laying the graph out (a
# 149-box chart: layout 25 ms, xdot 14 ms, JSON writer 25 ms more), and
# json.loads then reads half a megabyte.  Rendering to "xdot" with no output
# file leaves the same drawing operations as attributes of the laid-out graph
# (gvRender with a NULL FILE, as pygraphviz's layout() does for "dot"); they
# are read here with agget, and their ops interpreted below, into the same
# records as from -Tjson (tests/test_pipeline.py compares the two).

CAPTURE_FORMAT = "iomviewer-xdot-1"  # marks a capture among cached layouts (dot's JSON has none)
_NODE_KEYS = ("pos", "width", "height", "tooltip", "class") + _OBJECT_KEYS
_EDGE_KEYS = ("style", "class", "constraint", "lhead", "id", "tooltip") + _OBJECT_KEYS
_GRAPH_KEYS = ("bb", "cluster", "_draw_", "_ldraw_")


class _Unsupported(Exception):
    """Something in a capture this reader leaves to dot -Tjson (a gradient, an image, an unknown op)."""


def _capture(source: str) -> dict:
    """Lay DOT text out with dot in this process; the attributes parse needs, as plain data.

    Nodes and edges in Graphviz's order (as -Tjson lists them), subgraphs
    outer before nested, each with the names of its nodes.
    """
    import tempfile

    from pygraphviz import graphviz as gv

    # cgraph's own functions, not pygraphviz's Python wrappers of them (one
    # call less each, for thousands of calls).  They return None at the end
    # of a walk; some pygraphviz versions raise StopIteration instead.
    cg = getattr(gv, "_graphviz", gv)
    agxget, agnameof = cg.agxget, cg.agnameof
    agfstnode, agnxtnode, agfstout, agnxtout = cg.agfstnode, cg.agnxtnode, cg.agfstout, cg.agnxtout

    # agread on the text, as pygraphviz.AGraph(string=…) does, without the
    # AGraph around it (an empty graph made and closed first, attribute views).
    with tempfile.TemporaryFile() as fh:
        fh.write(source.encode("utf-8"))
        fh.seek(0)
        root = gv.agread(fh, None)
    if root is None:
        raise LayoutError("Graphviz could not read the chart's DOT text")

    symbols: dict[tuple[str, ...], list[tuple[str, Any]]] = {}

    def attrs(obj: Any, keys: tuple[str, ...]) -> dict[str, str]:
        # Attributes are declared per kind of object: the keys this graph
        # declares for this kind are looked up once, and read by symbol.
        declared = symbols.get(keys)
        if declared is None:
            declared = symbols[keys] = [(key, sym) for key in keys
                                        if (sym := gv.agattrsym(obj, key.encode())) is not None]
        out = {}
        for key, sym in declared:
            value = agxget(obj, sym)
            if value:
                out[key] = value.decode("utf-8")
        return out

    def key_of(obj: Any) -> bytes | None:
        raw = agnameof(obj)  # anonymous objects have an empty or "%"-prefixed internal name
        return None if not raw or raw[:1] == b"%" else raw

    def name(obj: Any) -> str:
        raw = key_of(obj)
        if raw is None:  # anonymous: -Tjson names it its own way
            raise _Unsupported("an object without a name")
        return raw.decode("utf-8")

    def nodes_of(g: Any) -> list:
        out = []
        try:
            n = agfstnode(g)
            while n is not None:
                out.append(n)
                n = agnxtnode(g, n)
        except StopIteration:
            pass
        return out

    def subgraphs_of(g: Any) -> list:
        out = []
        try:
            sub = cg.agfstsubg(g)
            while sub is not None:
                out.append(sub)
                sub = cg.agnxtsubg(sub)
        except StopIteration:
            pass
        return out

    try:
        gvc = gv.gvContextWithBuiltins()
        try:
            if gv.gvLayout(gvc, root, b"dot") != 0:
                raise LayoutError("Graphviz could not lay out the chart (dot failed)")
            try:
                if gv.gvRender(gvc, root, b"xdot", None) != 0:
                    raise LayoutError("Graphviz could not draw the chart (xdot)")
                nodes, edges, keys = [], [], []
                for n in nodes_of(root):
                    tail = name(n)
                    nodes.append([tail, attrs(n, _NODE_KEYS)])
                    try:
                        e = agfstout(root, n)
                        while e is not None:
                            edges.append([tail, name(cg.aghead(e)), attrs(e, _EDGE_KEYS)])
                            keys.append(key_of(e))
                            e = agnxtout(root, e)
                    except StopIteration:
                        pass
                edges = _in_source_order(edges, keys, source)
                subgraphs, todo = [], [root]
                while todo:  # preorder: a cluster before the clusters nested in it
                    g = todo.pop()
                    subs = subgraphs_of(g)
                    if g is not root:
                        members = [name(n) for n in nodes_of(g)]
                        subgraphs.append([name(g), attrs(g, _GRAPH_KEYS), members])
                    todo.extend(reversed(subs))
                return {"format": CAPTURE_FORMAT, "graph": attrs(root, _GRAPH_KEYS), "nodes": nodes,
                        "edges": edges, "subgraphs": subgraphs}
            finally:
                gv.gvFreeLayout(gvc, root)
        finally:
            gv.gvFreeContext(gvc)
    finally:
        gv.agclose(root)


# Compiled on first use, as _setlinewidth(): a start from the layout cache lays nothing out.
@functools.cache
def _edge_key() -> re.Pattern[str]:
    return re.compile(r'\[key=(?:"((?:[^"\\]|\\.)*)"|([^\s,\]"]+))')


def _in_source_order(edges: list, keys: list, source: str) -> list:
    """Edges in the order of their statements in the DOT text, the order -Tjson lists them in.

    Graphviz walks edges node by node; its JSON writer, like the DOT the
    graph was read from, lists them as they were created.  Every edge
    build_graph makes has a key (its name), written first in its attribute
    list: their order in the text is the order of creation.
    """
    if not edges:
        return edges
    if any(k is None for k in keys):
        raise _Unsupported("an edge without a key")
    wanted = {k.decode("utf-8"): i for i, k in enumerate(keys)}
    if len(wanted) != len(keys):
        raise _Unsupported("two edges with one key")
    order = []
    for m in _edge_key().finditer(source):
        key = m.group(2) if m.group(1) is None else m.group(1).replace('\\\n', '').replace('\\"', '"')
        if key in wanted:
            order.append(wanted.pop(key))
    if wanted:
        raise _Unsupported("edge keys not found in the DOT text")
    return [edges[i] for i in order]


def _xdot_string(toks: list[str], i: int) -> tuple[str, int]:
    """The byte-counted string at toks[i] ("n -text"), and the index after it.

    xdot counts the bytes of the text as it was, but writes its backslashes
    doubled (the escapes -Tjson passes through): the count is met on the
    text with them undone.
    """
    count = int(toks[i])
    first = toks[i + 1]
    if len(first) == count + 1 and first.isascii() and "\\" not in first and first[:1] == "-":
        return first[1:], i + 2  # a colour, a style, most names: one plain token
    if first[:1] != "-":
        raise _Unsupported(f"xdot string without its dash: {first!r}")
    # The string had spaces, which split() cut at: take tokens until their
    # bytes, less one for each doubled backslash, and the spaces make count.
    # (Joining with spaces makes no new pair of backslashes.)
    j, size = i + 1, -2
    while size < count:
        tok = toks[j]
        size += 1 + (len(tok) if tok.isascii() else len(tok.encode("utf-8"))) - tok.count("\\\\")
        j += 1
    if size != count:
        raise _Unsupported(f"xdot string of {count} bytes read as {size}")
    text = " ".join(toks[i + 1:j])[1:]
    return (text.replace("\\\\", "\\") if "\\" in text else text), j


# --- colours -------------------------------------------------------------------------

_HEX = re.compile(r"#([0-9a-fA-F]{6})([0-9a-fA-F]{2})?")
_NAMED = {"black": (0, 0, 0, 255), "white": (255, 255, 255, 255), "transparent": (255, 255, 254, 0),
          "none": (0, 0, 0, 0)}


def _color(value: Any) -> str:
    if not isinstance(value, str):
        raise LayoutError(f"colour is not a string: {value!r}")
    m = _HEX.fullmatch(value.strip())
    if not m:
        return value.strip().lower()
    rgb, alpha = m.group(1).lower(), (m.group(2) or "ff").lower()
    return f"#{rgb}" if alpha == "ff" else f"#{rgb}{alpha}"


def rgba(color: str) -> tuple[int, int, int, int] | None:
    """(r, g, b, a) of "#rrggbb", "#rrggbbaa" or a basic name; None for other names."""
    m = _HEX.fullmatch(color)
    if m:
        v = m.group(1)
        a = int(m.group(2), 16) if m.group(2) else 255
        return int(v[0:2], 16), int(v[2:4], 16), int(v[4:6], 16), a
    return _NAMED.get(color.lower())


def _op_color(op: dict) -> str:
    """The colour of a c/C op; for a gradient, its first stop."""
    if "color" in op:
        return _color(op["color"])
    stops = op.get("stops")
    if isinstance(stops, list) and stops:
        return _color(stops[0]["color"])
    raise LayoutError(f"colour op without colour: {op!r}")


# --- the interpreter -----------------------------------------------------------------


_ANCHORS = {"l": "l", "c": "c", "r": "r", -1: "l", 0: "c", 1: "r", "-1": "l", "0": "c", "1": "r"}


@functools.cache
def _setlinewidth() -> re.Pattern[str]:
    return re.compile(r"\s*setlinewidth\(\s*([0-9.eE+-]+)\s*\)\s*")


class _Interpreter:
    """Walks op lists with xdot's pen state and emits flipped records.

    A chart's ops repeat a handful of colours, styles and pens thousands of
    times: each is interpreted once and its result reused (pens are frozen,
    so sharing one is safe).  This is most of what parse_json costs beyond
    json.loads.
    """

    _SHAPES = {"P": ("polygon", True), "p": ("polygon", False), "L": ("polyline", False),
               "E": ("ellipse", True), "e": ("ellipse", False)}

    def __init__(self, left: float, top: float, filled_bezier: str) -> None:
        self.left = left  # Graphviz x of the drawing's left edge
        self.top = top  # Graphviz y of the drawing's top edge (ury)
        self._shape_kinds = dict(self._SHAPES, B=("bezier", filled_bezier == "B"),
                                 b=("bezier", filled_bezier == "b"))
        self._colors: dict[str, str] = {}
        self._pens: dict[tuple, Pen] = {}
        self._fonts: dict[tuple[str, str], tuple[str, list[str]]] = {}  # run_xdot's F ops
        self._xdot_colors: dict[tuple[str, str], str] = {}  # run_xdot's c and C ops
        self._styles: dict[tuple, tuple[float, str, bool]] = {}  # run_xdot's S ops, by token and pen
        # run_xdot's coordinates, by token: already flipped.  float() was most
        # of the interpreter's time, and a chart repeats its coordinates (the
        # bundled chart: 5,309 x tokens, 957 distinct; y: 448 distinct).
        self._xs = _Coordinates(left, flip=False)
        self._ys = _Coordinates(top, flip=True)

    def run(self, ops: Any, shapes: list[Shape], texts: list[Text]) -> None:
        """Interpret one op list (the pen starts from Graphviz's defaults)."""
        if ops is None:
            return
        if not isinstance(ops, list):
            raise LayoutError(f"draw ops are not a list: {type(ops).__name__}")
        # The pen state lives in locals while the list runs (one list is one
        # object's drawing); the loop is the hot path of parse_json.  Each
        # attribute's op list starts from Graphviz's defaults (xdot spec).
        color, fill, width, style = "#000000", "#000000", 1.0, "solid"
        invisible, font, size, flags = False, "Times-Roman", 14.0, 0
        left, top = self.left, self.top
        kinds, pens, colors = self._shape_kinds, self._pens, self._colors
        op: Any = None
        try:
            for op in ops:
                code = op.get("op") if type(op) is dict else None
                if type(code) is not str:
                    raise LayoutError(f"malformed draw op: {op!r}")
                if code == "T":
                    if invisible:
                        continue
                    pt = op["pt"]
                    align = op.get("align", "c")
                    anchor = _ANCHORS.get(align)  # an unhashable align raises TypeError: a malformed op
                    if anchor is None:
                        raise LayoutError(f"unknown text alignment {align!r}")
                    # The JSON writer re-parses xdot, whose text ops escape
                    # backslashes, and passes the escapes through: undo them.
                    text = str(op["text"])
                    if "\\" in text:
                        text = text.replace("\\\\", "\\")
                    texts.append(Text(float(pt[0]) - left, top - float(pt[1]), anchor, float(op["width"]), text,
                                      font, size, color, bool(flags & 1), bool(flags & 2)))
                elif code == "c" or code == "C":
                    value = op.get("color")
                    known = colors.get(value) if type(value) is str else None
                    if known is None:
                        known = _op_color(op)
                        if type(value) is str:
                            colors[value] = known
                    if code == "c":
                        color = known
                    else:
                        fill = known
                elif code == "F":
                    font, size = str(op["face"]), float(op["size"])
                elif code == "S":
                    width, style, invisible = _style_op(str(op["style"]), width, style, invisible)
                elif code == "t":
                    flags = int(op["fontchar"])
                else:
                    shape = kinds.get(code)
                    if shape is None or invisible:
                        continue  # "I" (images) and ops of later xdot versions are skipped
                    kind, filled = shape
                    if kind == "ellipse":
                        cx, cy, rx, ry = (float(v) for v in op["rect"])
                        x, y = cx - left, top - cy
                        points = ((x - rx, y - ry), (x + rx, y + ry))
                    else:
                        raw = op["points"]
                        try:  # JSON numbers: int or float, and int - float is exact as float(int) - float
                            points = tuple([(p[0] - left, top - p[1]) for p in raw])
                        except TypeError:  # numbers written as strings, or garbage (float() tells)
                            points = tuple([(float(p[0]) - left, top - float(p[1])) for p in raw])
                    key = (color, fill if filled else None, width, style)
                    pen = pens.get(key)
                    if pen is None:
                        pen = pens[key] = Pen(*key)
                    shapes.append(Shape(kind, points, pen, filled))
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise LayoutError(f"malformed {op.get('op')!r} op {op!r}: {exc}") from exc


    def run_xdot(self, ops: str | None, shapes: list[Shape], texts: list[Text]) -> None:
        """run() for one xdot attribute as Graphviz wrote it ("c 7 -#a0522d b 4 1 2 3 4 …")."""
        if not ops:
            return
        color, fill, width, style = "#000000", "#000000", 1.0, "solid"  # as run()
        invisible, font, size, bold, italic = False, "Times-Roman", 14.0, False, False
        left, top = self.left, self.top
        pens, colors, fonts, styles = self._pens, self._xdot_colors, self._fonts, self._styles
        x_of, y_of = self._xs.__getitem__, self._ys.__getitem__
        toks = ops.split(" ")
        i, end = 0, len(toks)
        try:
            while i < end:
                code = toks[i]
                i += 1
                if code == "c" or code == "C":  # the commonest op: remembered by its two tokens
                    known = colors.get((toks[i], toks[i + 1]))
                    if known is not None:
                        i += 2
                    else:
                        value, j = _xdot_string(toks, i)
                        if value[:1] in ("[", "("):
                            raise _Unsupported("gradient")  # -Tjson spells out its stops
                        known = _color(value)
                        if j == i + 2:  # one token: the two say it all
                            colors[toks[i], toks[i + 1]] = known
                        i = j
                    if code == "c":
                        color = known
                    else:
                        fill = known
                elif code in _POINT_OPS:
                    n = int(toks[i])
                    j = i + 1 + 2 * n
                    if n < 0 or j > end:
                        raise _Unsupported("xdot points cut short")
                    if not invisible:
                        kind, filled = _POINT_OPS[code]
                        key = (color, fill if filled else None, width, style)
                        pen = pens.get(key)
                        if pen is None:
                            pen = pens[key] = Pen(*key)
                        shapes.append(Shape(kind, tuple(zip(map(x_of, toks[i + 1:j:2]), map(y_of, toks[i + 2:j:2]))),
                                            pen, filled))
                    i = j
                elif code == "T":
                    x, y, align, w = toks[i:i + 4]
                    text, i = _xdot_string(toks, i + 4)
                    if not invisible:
                        texts.append(Text(x_of(x), y_of(y), _ANCHORS[align], float(w), text,
                                          font, size, color, bold, italic))
                elif code == "F":
                    size = float(toks[i])
                    # A font list has spaces: its tokens, remembered, are compared rather than counted.
                    known = fonts.get((toks[i + 1], toks[i + 2]))
                    if known is not None and toks[i + 2:i + 2 + len(known[1])] == known[1]:
                        font, i = known[0], i + 2 + len(known[1])
                    else:
                        font, j = _xdot_string(toks, i + 1)
                        fonts[toks[i + 1], toks[i + 2]] = (font, toks[i + 2:j])
                        i = j
                elif code == "S":
                    key = (toks[i], toks[i + 1], width, style, invisible)
                    pen_state = styles.get(key)
                    if pen_state is not None:
                        i += 2
                    else:
                        value, j = _xdot_string(toks, i)
                        pen_state = _style_op(value, width, style, invisible)
                        if j == i + 2:
                            styles[key] = pen_state
                        i = j
                    width, style, invisible = pen_state
                elif code == "t":
                    flags = int(toks[i])
                    bold, italic = bool(flags & 1), bool(flags & 2)
                    i += 1
                elif code in ("E", "e"):
                    cx, cy, rx, ry = (float(v) for v in toks[i:i + 4])
                    i += 4
                    if invisible:
                        continue
                    x, y = cx - left, top - cy
                    filled = code == "E"
                    key = (color, fill if filled else None, width, style)
                    pen = pens.get(key)
                    if pen is None:
                        pen = pens[key] = Pen(*key)
                    shapes.append(Shape("ellipse", ((x - rx, y - ry), (x + rx, y + ry)), pen, filled))
                elif code:  # images, ops of later xdot versions: -Tjson knows what to keep
                    raise _Unsupported(f"xdot op {code!r}")
        except (IndexError, KeyError, ValueError) as exc:
            raise _Unsupported(f"xdot {ops[:80]!r}: {exc}") from exc


class _Coordinates(dict):
    """xdot coordinate tokens to drawing coordinates (token - origin, or origin - token when flipped), each converted once."""

    __slots__ = ("origin", "flip")

    def __init__(self, origin: float, flip: bool) -> None:
        super().__init__()
        self.origin = origin
        self.flip = flip

    def __missing__(self, token: str) -> float:
        value = self[token] = self.origin - float(token) if self.flip else float(token) - self.origin
        return value


# xdot's point ops: (shape kind, filled).  xdot's own letters: "b" is the filled Bezier.
_POINT_OPS = {"b": ("bezier", True), "B": ("bezier", False), "P": ("polygon", True), "p": ("polygon", False),
              "L": ("polyline", False)}


# --- parsing ---------------------------------------------------------------------------


def _floats(value: Any, n: int, what: str) -> list[float]:
    try:
        parts = [float(v) for v in str(value).split(",")]
    except ValueError:
        parts = []
    if len(parts) != n:
        raise LayoutError(f"{what}: expected {n} numbers, got {value!r}")
    return parts


def _tooltip(raw: str, name: str) -> str:
    """What Graphviz shows for a tooltip attribute (emit.c preprocessTooltip + subst)."""
    if "\\" not in raw and "&" not in raw:
        return raw  # nothing to interpret (nearly every tooltip)
    if "&" in raw:
        import html  # rare: a tooltip with an entity

        raw = html.unescape(raw)
    out, chars = [], iter(raw)
    for ch in chars:  # interpretCRNL: \n \l → newline, \r → CR, \x → x
        if ch == "\\":
            nxt = next(chars, "")
            out.append({"n": "\n", "l": "\n", "r": "\r"}.get(nxt, nxt))
        else:
            out.append(ch)
    text = "".join(out)
    # then \N → the object's name, \\ → \ (strdup_and_subst_obj with escBackslash)
    return re.sub(r"\\(.)", lambda m: {"N": name, "\\": "\\"}.get(m.group(1), m.group(0)), text)


def _detect_filled_bezier(edges: Iterable[dict]) -> str:
    """Which Bezier letter means filled: edge splines are unfilled, so their letter tells."""
    for edge in edges:
        for op in edge.get("_draw_") or ():
            if isinstance(op, dict) and op.get("op") in ("b", "B"):
                return "B" if op["op"] == "b" else "b"
    return _JSON_FILLED_BEZIER


@collector_paused(freeze=False)
def parse_json(data: bytes | str | dict) -> Layout:
    """Interpret Graphviz ``-Tjson`` output (bytes, text or the decoded dict)."""
    if isinstance(data, (bytes, bytearray)):
        data = bytes(data).decode("utf-8", errors="replace")
    if isinstance(data, str):
        import json  # here, as in _lay_out_text: not on a start from the layout cache

        try:
            data = json.loads(data)
        except ValueError as exc:
            raise LayoutError(f"Graphviz output is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise LayoutError(f"Graphviz JSON is not an object but {type(data).__name__}")
    if data.get("format") == CAPTURE_FORMAT:  # lay_out's capture, read back from a cache
        try:
            return _from_capture(data)
        except (_Unsupported, KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
            raise LayoutError(f"unreadable layout capture: {exc}") from exc
    if "bb" not in data:
        raise LayoutError("Graphviz JSON has no bounding box (bb): was the graph laid out?")
    llx, lly, urx, ury = _floats(data["bb"], 4, "graph bb")
    objects = data.get("objects", [])
    edges = data.get("edges", [])
    if not isinstance(objects, list) or not isinstance(edges, list):
        raise LayoutError("Graphviz JSON: 'objects' and 'edges' must be lists")
    if not all(isinstance(o, dict) for o in objects + edges):
        raise LayoutError("Graphviz JSON: every object and edge must be an object")

    interp = _Interpreter(llx, ury, _detect_filled_bezier(edges))
    n_sub = data.get("_subgraph_cnt")
    by_gvid: dict[int, dict] = {}
    subgraphs, node_objs = [], []
    for index, obj in enumerate(objects):
        gvid = obj.get("_gvid", index)
        if not isinstance(gvid, int) or "name" not in obj:
            raise LayoutError(f"Graphviz JSON object {index} lacks an integer _gvid or a name")
        by_gvid[gvid] = obj
        is_sub = index < n_sub if isinstance(n_sub, int) else any(
            k in obj for k in ("nodes", "edges", "subgraphs"))
        (subgraphs if is_sub else node_objs).append(obj)

    def ends() -> Iterator[tuple[str, str, dict]]:
        for index, edge in enumerate(edges):
            try:
                tail = str(by_gvid[edge["tail"]]["name"])
                head = str(by_gvid[edge["head"]]["name"])
            except (KeyError, TypeError) as exc:
                raise LayoutError(f"edge {index} has an unknown tail or head: {exc}") from exc
            yield tail, head, edge

    return _assemble(
        (llx, lly, urx, ury), interp.run,
        ((str(obj["name"]), obj) for obj in node_objs),
        ((str(obj["name"]), obj, [str(by_gvid[i]["name"]) for i in obj.get("nodes", ()) if i in by_gvid])
         for obj in subgraphs),
        ends(), data)


def _style_op(value: str, width: float, style: str, invisible: bool) -> tuple[float, str, bool]:
    """The pen after an xdot style op ("setlinewidth(2)", "dashed", "bold", "invis"…): width, style, hidden."""
    m = _setlinewidth().fullmatch(value)
    if m:
        return float(m.group(1)), style, invisible
    if value in ("solid", "dashed", "dotted"):
        return width, value, invisible
    if value == "bold":
        return 2.0, style, invisible
    if value == "invis":
        return width, style, True
    return width, style, invisible


def _node_record(name: str, attrs: dict, draw, llx: float, ury: float) -> NodeRecord:
    """A node's record from its attributes (dot's JSON object, or the capture's attributes)."""
    try:
        if "pos" not in attrs:
            raise LayoutError("no position")
        x, y = _floats(attrs["pos"], 2, "pos")
        w = float(attrs.get("width", 0)) * 72
        h = float(attrs.get("height", 0)) * 72
    except (LayoutError, ValueError) as exc:
        raise LayoutError(f"node {name!r}: {exc}") from exc
    shapes, texts = draw(attrs, _OBJECT_KEYS)
    return NodeRecord(name, (x - w / 2 - llx, ury - y - h / 2, w, h), tuple(shapes), tuple(texts),
                      _tooltip(str(attrs.get("tooltip", "")), name), tuple(str(attrs.get("class", "")).split()))


def _cluster_record(name: str, attrs: dict, members, draw, llx: float, ury: float) -> ClusterRecord | None:
    """A cluster's record; None for a subgraph that is not a cluster."""
    if not (name.startswith("cluster") or str(attrs.get("cluster", "")).lower() == "true"):
        return None
    if "bb" not in attrs:
        raise LayoutError(f"cluster {name!r} has no bounding box")
    x0, y0, x1, y1 = _floats(attrs["bb"], 4, f"cluster {name!r} bb")
    shapes, texts = draw(attrs, ("_draw_", "_ldraw_"))
    return ClusterRecord(name, (x0 - llx, ury - y1, x1 - x0, y1 - y0), tuple(shapes), tuple(texts),
                         tuple(members))


def _edge_record(tail: str, head: str, attrs: dict, draw) -> EdgeRecord | None:
    """An edge's record; None for the invisible scaffolding and edges that draw nothing."""
    if "invis" in str(attrs.get("style", "")):
        return None  # the chains that stack leaves
    shapes, texts = draw(attrs, _OBJECT_KEYS)
    if not shapes and not texts:
        return None
    classes = str(attrs.get("class", "")).split()
    return EdgeRecord(
        tail=tail, head=head, shapes=tuple(shapes), texts=tuple(texts),
        # build.py marks secondary links with class "link"; they never constrain ranks.
        secondary="link" in classes or str(attrs.get("constraint", "")).lower() == "false",
        cluster=attrs.get("lhead") or None,
        id=str(attrs.get("id", "")), tooltip=_tooltip(str(attrs.get("tooltip", "")), ""))


@collector_paused(freeze=False)
def _from_capture(capture: dict) -> Layout:
    """parse_json for a capture of the laid-out graph (_capture): the same records as from -Tjson."""
    graph = capture["graph"]
    if "bb" not in graph:
        raise LayoutError("the captured graph has no bounding box (bb)")
    llx, lly, urx, ury = bb = _floats(graph["bb"], 4, "graph bb")
    interp = _Interpreter(llx, ury, "b")  # xdot's own letters: "b" is the filled Bezier
    return _assemble(bb, interp.run_xdot, capture["nodes"], capture["subgraphs"], capture["edges"], graph)


def _assemble(bb: "list[float] | tuple[float, ...]", run: Callable[[Any, list, list], None],
              nodes: Iterable, subgraphs: Iterable, edges: Iterable, graph: dict) -> Layout:
    """The Layout of the graph's objects, read from -Tjson's objects or from a capture.

    bb: the graph's bounding box (Graphviz's llx, lly, urx, ury); run: the
    interpreter's reader of one drawing attribute (run for -Tjson's op lists,
    run_xdot for xdot text); nodes: (name, attributes), subgraphs: (name,
    attributes, member names), edges: (tail, head, attributes), each in
    Graphviz's order; graph: the root graph's attributes.
    """
    llx, lly, urx, ury = bb

    def draw(attrs: dict, keys: tuple[str, ...]) -> tuple[list[Shape], list[Text]]:
        shapes: list[Shape] = []
        texts: list[Text] = []
        for key in keys:
            ops = attrs.get(key)
            if ops is not None:
                run(ops, shapes, texts)
        return shapes, texts

    node_records = {name: _node_record(name, attrs, draw, llx, ury) for name, attrs in nodes}
    clusters = [record for name, attrs, members in subgraphs
                if (record := _cluster_record(name, attrs, members, draw, llx, ury)) is not None]
    edge_records = [record for tail, head, attrs in edges
                    if (record := _edge_record(tail, head, attrs, draw)) is not None]
    background, graph_texts = draw(graph, ("_draw_", "_ldraw_"))
    return Layout(width=urx - llx, height=ury - lly, nodes=node_records, edges=tuple(edge_records),
                  clusters=tuple(clusters), background=tuple(background), texts=tuple(graph_texts))

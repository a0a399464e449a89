"""Graphics items built from the chart's layout records (the Qt half of xdot's two steps).

chart/layout.py interprets Graphviz's drawing operations into plain
records; this module turns them into graphics items in scene units of one
point, y down — the coordinates of the records — so what the view shows is
what the SVG, PDF and PNG exports draw.  Edges and clusters are
QGraphicsPathItems (painted by Qt in C++); a unit is one NodeItem that paints
its box and its lines itself, with the same calls QGraphicsPathItem and
QGraphicsSimpleTextItem would make, so it draws the same pixels without three
or four child items each (most of the time of showing a chart went into
making those).  Nothing here knows about the view.

Fidelity notes:
- Pens keep Graphviz's widths in points (not cosmetic), so zooming scales
  lines as it scales the exported files.  Caps and joins are cairo's
  defaults (butt, miter), and dashes cairo's pattern (gvrender_pango.c:
  6 on 6 off, dotted 2 on 6), converted to Qt's pen-width units.
- Texts are vector text items, never pixmaps, so they stay sharp at every
  zoom.  Graphviz measured each line with pango; Qt's advance for the same
  font differs by a few per cent (pango rounds glyph advances to pixels),
  so each line is scaled horizontally to Graphviz's width and sits in its
  box exactly as in the export.
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING, Iterable, Iterator

import shiboken6
from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import (QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QTextLayout,
                           QTransform)
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QStyleOptionGraphicsItem, QWidget

from iomviewer.chart import style
from iomviewer.chart.layout import ClusterRecord, EdgeRecord, NodeRecord, Pen, Shape, Text, rgba
from iomviewer.core.text import escape_markup
from iomviewer.ui import i18n
from iomviewer.ui.brushes import solid_brush

if TYPE_CHECKING:  # made for a graph's own texts only (see text_item): 1.8 ms of a start without them
    from PySide6.QtWidgets import QGraphicsSimpleTextItem

# Stacking, as Graphviz paints with outputorder=edgesfirst: background,
# clusters (outer before nested: insertion order), edges, nodes.
Z_BACKGROUND = -40.0
Z_CLUSTER = -30.0
Z_GRAPH_TEXT = -25.0
Z_EDGE = -20.0
Z_NODE = 0.0
Z_NODE_ACTIVE = 5.0  # selected and matching nodes (and the halo) go over neighbouring edges

# item.data() keys
ROLE_KIND = 0  # "edge" | "cluster" | "background" (a NodeItem is known by its class)
ROLE_ID = 1  # edge id, cluster name

# cairo's dash patterns, in points (Graphviz plugin/pango/gvrender_pango.c).
_DASHES = {"dashed": (6.0, 6.0), "dotted": (2.0, 6.0)}

# Search results dim the other nodes this much (opacity), removed units more.
DIM_OPACITY = 0.4
GHOST_OPACITY = 0.45

# Change marks of the compare mode: colour (Okabe-Ito, kept apart from the
# selection blue and the search vermillion), a symbol so colour is never the
# only cue, and priority when a unit carries several (first wins the badge).
MARK_STYLES: dict[str, tuple[str, str]] = {m: (c.color, c.symbol) for m, c in style.CHANGE_STYLES.items()}
MARK_ORDER = tuple(MARK_STYLES)

_HALO_GAP = 2.5  # between the box and the inner edge of the halo, points
_HALO_WIDTH = 4.0
_HOVER_WIDTH = 2.0
_BADGE_RADIUS = 7.0


def mark_label(mark: str) -> str:
    """The mark's name in the interface language."""
    labels = {
        "added": QCoreApplication.translate("chart", "ajoutée"),
        "removed": QCoreApplication.translate("chart", "supprimée"),
        "renamed": QCoreApplication.translate("chart", "renommée"),
        "moved": QCoreApplication.translate("chart", "déplacée"),
        "mandate_changed": QCoreApplication.translate("chart", "mandat modifié"),
        "not_covered": QCoreApplication.translate("chart", "hors du champ de l'édition"),
        "not_in_a_coverage": QCoreApplication.translate("chart", "hors du champ de l'édition de référence"),
    }
    return labels.get(mark, mark)


# --- colours, pens, brushes, paths ------------------------------------------------------

_colors: dict[str, QColor] = {}


def qcolor(color: str) -> QColor:
    """QColor of a record colour ("#rrggbb", "#rrggbbaa" with alpha LAST, or a name)."""
    c = _colors.get(color)
    if c is None:
        parts = rgba(color)
        # QColor("#aarrggbb") reads alpha FIRST, so build it from components.
        c = QColor(*parts) if parts is not None else QColor(color)
        if not c.isValid():
            c = QColor(Qt.GlobalColor.black)  # an X11 name Qt does not know
        _colors[color] = c
    return c


_pens: dict[tuple[str, float, str], QPen] = {}


def make_pen(color: str | QColor, width: float, style_name: str = "solid") -> QPen:
    """A pen in points (scaled by zoom like the exports), cairo's caps, joins and dashes."""
    key = (color, width, style_name) if isinstance(color, str) else None
    pen = _pens.get(key) if key else None
    if pen is not None:
        return pen
    c = qcolor(color) if isinstance(color, str) else color
    if width <= 0 or c.alpha() == 0:
        pen = QPen(Qt.PenStyle.NoPen)
    else:
        pen = QPen(c, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap, Qt.PenJoinStyle.MiterJoin)
        dashes = _DASHES.get(style_name)
        if dashes:
            pen.setDashPattern([d / width for d in dashes])  # Qt counts dashes in pen widths
    if key:
        _pens[key] = pen
    return pen


def pen_for(pen: Pen, *, force_style: str | None = None) -> QPen:
    return make_pen(pen.color, pen.width, force_style or pen.style)


_NO_BRUSH = QBrush()  # Qt.NoBrush; never QBrush(style) or QBrush(colour): see ui/brushes.py
_brushes: dict[str, QBrush] = {}  # shared, never changed once made


def _brush(color: str) -> QBrush:
    """A solid brush of a Graphviz colour (kept: fills and texts repeat a few colours)."""
    brush = _brushes.get(color)
    if brush is None:
        brush = _brushes[color] = solid_brush(qcolor(color))
    return brush


def brush_for(shape: Shape) -> QBrush:
    if not shape.filled or not shape.pen.fill:
        return _NO_BRUSH
    return _brush(shape.pen.fill) if qcolor(shape.pen.fill).alpha() else _NO_BRUSH


def path_for_shape(shape: Shape, path: QPainterPath | None = None) -> QPainterPath:
    """The shape as a painter path (appended to `path` when given)."""
    path = path if path is not None else QPainterPath()
    pts = shape.points
    if not pts:
        return path
    if shape.kind == "ellipse":
        (x0, y0), (x1, y1) = pts[0], pts[-1]
        path.addEllipse(QRectF(QPointF(x0, y0), QPointF(x1, y1)).normalized())
        return path
    path.moveTo(*pts[0])
    if shape.kind == "bezier":
        # Graphviz: a start point, then three points (two controls, an end) per segment.
        for i in range(1, len(pts) - 2, 3):
            (x1, y1), (x2, y2), (x3, y3) = pts[i:i + 3]
            path.cubicTo(x1, y1, x2, y2, x3, y3)
    else:
        for x, y in pts[1:]:
            path.lineTo(x, y)
        if shape.kind == "polygon":
            path.closeSubpath()
    return path


def shape_item(shape: Shape, parent: QGraphicsItem | None = None, *,
               force_style: str | None = None) -> QGraphicsPathItem:
    path = _fill_path(shape)
    item = QGraphicsPathItem(path, parent) if parent is not None else QGraphicsPathItem(path)
    item.setPen(pen_for(shape.pen, force_style=force_style))
    item.setBrush(brush_for(shape))
    return item


# --- text --------------------------------------------------------------------------------

_fonts: dict[tuple[str, float, bool, bool], tuple[QFont, QFontMetricsF, float]] = {}


def font_for(text: Text) -> tuple[QFont, QFontMetricsF, float]:
    """(font, its metrics, vertical scale) for a text record.

    Sizes are in points and one scene unit is one point, so the font's pixel
    size is the record's size (QFont pixel sizes are whole numbers: a
    fractional size gets the nearest and a vertical scale for the rest).
    """
    key = (text.font, text.size, text.bold, text.italic)
    found = _fonts.get(key)
    if found is None:
        font = QFont()
        font.setFamilies(style.font_families(text.font) or [style.FONT])
        px = max(1, round(text.size))
        font.setPixelSize(px)
        font.setBold(text.bold)
        font.setItalic(text.italic)
        # Positions come from Graphviz; unhinted outlines scale evenly with zoom.
        font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
        font.setKerning(True)
        found = (font, QFontMetricsF(font), text.size / px if text.size > 0 else 1.0)
        _fonts[key] = found
    return found


# Letter spacing may absorb up to this fraction of the font size per character; beyond
# that the fonts differ (a fallback font, missing glyphs) and the line is scaled instead.
_MAX_SPACING = 0.12


def _line_origin(text: Text, width: float, ascent: float) -> tuple[float, float]:
    if text.anchor == "l":
        left = text.x + (text.width - width) / 2
    elif text.anchor == "r":
        left = text.x - text.width + (text.width - width) / 2
    else:
        left = text.x - width / 2
    return left, text.y - ascent


def _line_metrics(text: Text) -> tuple[QFont, float, float, float, float]:
    """(font, drawn width, ascent * sy, sx, sy) of a line fitted to Graphviz's width.

    Pango (Graphviz) rounds each glyph advance to a device pixel, so its
    lines come out a few per cent wider than Qt's unhinted ones.  The gap is
    spread between the letters, as pango's rounding spreads it: the glyphs
    keep their shapes, the line fills Graphviz's width, and the line keeps a
    uniform scale, which Qt paints from its glyph cache (a stretched line is
    drawn about twice as slowly).  Only when the fonts really differ is the
    line stretched to fit.
    """
    font, metrics, sy = font_for(text)
    content = text.text
    key = (text.font, text.size, text.bold, text.italic)
    measured = _advances.get((key, content))
    if measured is None:
        if len(_advances) > _ADVANCE_CACHE_MAX:
            _advances.clear()
        measured = _advances[(key, content)] = metrics.horizontalAdvance(content)  # font units
    target = text.width / sy
    sx = sy
    n = len(content)
    if measured > 0 and target > 0 and n:
        spacing = (target - measured) / n
        if abs(spacing) <= _MAX_SPACING * font.pixelSize():
            # Qt keeps advances in 1/64 px: round, and split the remainder on both sides (below).
            spacing = round(spacing * 64) / 64
            if spacing:
                font = _spaced_font(key, font, spacing)
            measured += spacing * n
        else:
            sx = sy * target / measured
    return font, measured * sx, metrics.ascent() * sy, sx, sy


def text_item(text: Text, parent: QGraphicsItem | None = None) -> QGraphicsSimpleTextItem:
    """A plain-text item (never rich text) on Graphviz's baseline, fitted to Graphviz's width."""
    from PySide6.QtWidgets import QGraphicsSimpleTextItem

    font, width, ascent, sx, sy = _line_metrics(text)
    left, top = _line_origin(text, width, ascent)
    item = QGraphicsSimpleTextItem(parent) if parent is not None else QGraphicsSimpleTextItem()
    item.setFont(font)  # before the text: each of the two lays the text out again
    item.setText(text.text)
    item.setBrush(_brush(text.color))
    if sx != 1.0 or sy != 1.0:
        item.setTransform(QTransform.fromScale(sx, sy))
    # QGraphicsSimpleTextItem puts the top of its line at y = 0, the baseline at the ascent.
    item.setPos(left, top)
    return item


class TextLine:
    """One line of a unit's box, drawn by its NodeItem exactly as a QGraphicsSimpleTextItem would.

    Everything is worked out on the first paint (most lines of a big chart
    never show): the font, Graphviz's position and width (_line_metrics),
    and a QTextLayout, shaped once and shared by equal lines (kind lines,
    repeated names), where QGraphicsSimpleTextItem shapes its text again at
    every paint.
    """

    __slots__ = ("record", "_font", "_left", "_top", "_sx", "_sy", "_layout", "_pen")

    def __init__(self, record: Text) -> None:
        self.record = record
        self._layout: QTextLayout | None = None

    def text(self) -> str:
        return self.record.text

    def _prepare(self) -> QTextLayout:
        if self._layout is None:
            t = self.record
            # Equal lines (the kind lines, repeated names) share their measures and layout.
            key = (t.font, t.size, t.bold, t.italic, t.width, t.anchor, t.text)
            found = _lines.get(key)
            if found is None:
                if len(_lines) > _LINE_CACHE_MAX:
                    _lines.clear()  # lines already prepared keep theirs
                font, width, ascent, sx, sy = _line_metrics(t)
                found = _lines[key] = (font, width, ascent, sx, sy, _line_layout(font, t.text))
            self._font, width, ascent, self._sx, self._sy, self._layout = found
            self._left, self._top = _line_origin(t, width, ascent)
            self._pen = _text_pen(t.color)
        return self._layout

    def font(self) -> QFont:
        self._prepare()
        return self._font

    def scale(self) -> tuple[float, float]:
        """Horizontal and vertical scale of the glyphs (1, 1 unless the font size is fractional)."""
        self._prepare()
        return self._sx, self._sy

    def pos(self) -> QPointF:
        """Top-left corner of the line in scene units (its baseline is ascent * sy below)."""
        self._prepare()
        return QPointF(self._left, self._top)

    def draw(self, painter: QPainter) -> None:
        layout = self._prepare()
        # QGraphicsSimpleTextItem::paint: a default pen with the text's brush, the line's
        # layout drawn at (0, 0) in item coordinates (pos, then the item's scale).
        painter.save()
        painter.translate(self._left, self._top)
        if self._sx != 1.0 or self._sy != 1.0:
            painter.scale(self._sx, self._sy)
        painter.setPen(self._pen)
        layout.draw(painter, _ORIGIN)
        painter.restore()


_ORIGIN = QPointF(0, 0)
_lines: dict[tuple, tuple] = {}
_LINE_CACHE_MAX = 20_000


def _line_layout(font: QFont, content: str) -> QTextLayout:
    # As QGraphicsSimpleTextItem lays out its text: newlines as line separators, one
    # line of unlimited width at (0, 0), glyphs cached.
    layout = QTextLayout(content.replace("\n", "\u2028"), font)
    layout.setCacheEnabled(True)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    return layout


_text_pens: dict[str, QPen] = {}


def _text_pen(color: str) -> QPen:
    pen = _text_pens.get(color)
    if pen is None:
        pen = _text_pens[color] = QPen()
        pen.setBrush(_brush(color))
    return pen


# Widths of lines already measured: kind lines and common names repeat across charts.
_advances: dict[tuple, float] = {}
_ADVANCE_CACHE_MAX = 50_000
_spaced: dict[tuple, QFont] = {}


def _spaced_font(key: tuple, font: QFont, spacing: float) -> QFont:
    spaced = _spaced.get((key, spacing))
    if spaced is None:
        spaced = _spaced[(key, spacing)] = QFont(font)
        spaced.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, spacing)
    return spaced


# --- nodes ---------------------------------------------------------------------------------


class _Badge(QGraphicsItem):
    """A change mark's badge at the node's top-right corner, above the box and its text."""

    def __init__(self, parent: "NodeItem") -> None:
        super().__init__(parent)
        self.mark = ""
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def set_mark(self, mark: str) -> None:
        self.mark = mark
        bbox = self.parentItem().bbox  # type: ignore[union-attr]
        self.setPos(bbox.right() - 3, bbox.top() + 3)
        self.update()

    def boundingRect(self) -> QRectF:
        r = _BADGE_RADIUS + 1
        return QRectF(-r, -r, 2 * r, 2 * r)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        color, symbol = MARK_STYLES.get(self.mark, ("#9a9a9a", "?"))
        bg = qcolor(color)
        r = _BADGE_RADIUS
        painter.setPen(QPen(QColor("#ffffff"), 1.2))
        painter.setBrush(bg)
        painter.drawEllipse(QPointF(0, 0), r, r)
        painter.setFont(_badge_font())
        luminance = 0.2126 * bg.redF() + 0.7152 * bg.greenF() + 0.0722 * bg.blueF()
        painter.setPen(QColor("#000000" if luminance > 0.4 else "#ffffff"))
        painter.drawText(QRectF(-r, -r, 2 * r, 2 * r), int(Qt.AlignmentFlag.AlignCenter), symbol)


_badge_fonts: list[QFont] = []


def _badge_font() -> QFont:
    if not _badge_fonts:
        font = QFont()
        font.setFamilies(style.font_families())
        font.setPixelSize(10)
        font.setBold(True)
        _badge_fonts.append(font)
    return _badge_fonts[0]


# Below this many pixels a line of unit name is grey mush, and painting thousands of
# such lines costs most of a frame (2,000 units: 450 of 500 ms): nodes leave their texts
# out then (decided in paint from the painter's scale, so a zoom costs no loop over nodes).
TEXT_MIN_PX = 2.5


def texts_readable(scale: float) -> bool:
    """True when unit names come out large enough to read at `scale` pixels per point."""
    return scale * style.NAME_SIZE >= TEXT_MIN_PX


class NodeItem(QGraphicsItem):
    """One unit: paints its shapes and its lines itself, restyled in place for state changes.

    It draws what Graphviz drew (the box's shapes with their pens and
    brushes, then each line, as QGraphicsPathItem and QGraphicsSimpleTextItem
    paint them), plus, outside its box, the selection halo or the hover ring,
    under the box.  Paths and text layouts are made on the first paint: a
    node costs a few microseconds to create, and those never seen cost no
    more.  Its bounding rectangle is the record's bbox exactly unless a halo
    or ring shows; its shape is the whole box, so a click or a hover anywhere
    in it, text included, is the unit's.
    """

    def __init__(self, record: NodeRecord, parent: QGraphicsItem | None = None) -> None:
        super().__init__(parent)
        self.record = record
        self.unit_id = record.id
        x, y, w, h = record.bbox
        self._bbox = QRectF(x, y, w, h)
        self._margin = 0.0
        self._selected = self._highlighted = self._dimmed = self._hover = False
        self._marks: tuple[str, ...] = ()
        self._badge: _Badge | None = None
        self._tooltip_ready = False
        self._paths: list[QPainterPath] | None = None  # one per record shape, made on first paint
        self._styles: list[tuple[QPen, QBrush]] | None = None  # current pen and brush per shape
        self._lines: list[TextLine] | None = None
        self._path: QPainterPath | None = None
        self.overview: Overview | None = None  # a big chart's overview, told of state changes
        self.setAcceptHoverEvents(True)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)  # the view handles clicks and drags

    # --- queries ---------------------------------------------------------------------
    @property
    def bbox(self) -> QRectF:
        return QRectF(self._bbox)

    @property
    def kind(self) -> str:
        return next((c[5:] for c in self.record.classes if c.startswith("kind-")), "")

    @property
    def texts(self) -> list[TextLine]:
        """The box's lines, in Graphviz's order (each drawn by this item)."""
        if self._lines is None:
            self._lines = [TextLine(t) for t in self.record.texts]
        return self._lines

    def name(self) -> str:
        return self.record.tooltip

    def text(self) -> str:
        """The box's lines, joined by newlines (what the reader sees)."""
        return "\n".join(t.text for t in self.record.texts)

    def state(self) -> tuple[bool, bool, bool]:
        return self._selected, self._highlighted, self._dimmed

    def marks(self) -> tuple[str, ...]:
        return self._marks

    def drawn_marks(self) -> tuple[str, ...]:
        """Change marks drawn by Graphviz in the box itself (comparison charts)."""
        return tuple(c[5:] for c in self.record.classes if c.startswith("mark-"))

    def badge(self) -> QGraphicsItem | None:
        return self._badge if self._badge is not None and self._badge.isVisible() else None

    def _frame_indexes(self) -> range | list[int]:
        # The box's outline: its filled shapes (or all of them when none is filled).
        shapes = self.record.shapes
        filled = [i for i, s in enumerate(shapes) if s.filled]
        return filled or range(len(shapes))

    def _plain_styles(self) -> list[tuple[QPen, QBrush]]:
        """Pen and brush per shape as Graphviz drew them (no state)."""
        return [(pen_for(s.pen), brush_for(s)) for s in self.record.shapes]

    def _current_styles(self) -> list[tuple[QPen, QBrush]]:
        if self._styles is None:
            self._styles = self._plain_styles()
        return self._styles

    def frame_pen(self) -> QPen:
        frames = self._frame_indexes()
        return QPen(self._current_styles()[frames[0]][0]) if frames else QPen()

    def frame_brush(self) -> QBrush:
        frames = self._frame_indexes()
        return QBrush(self._current_styles()[frames[0]][1]) if frames else QBrush()

    # --- restyling in place ----------------------------------------------------------
    def set_state(self, selected: bool, highlighted: bool, dimmed: bool) -> None:
        """Restyle for selection, search highlight and dimming; the layout never moves."""
        dimmed = dimmed and not (selected or highlighted)
        if (selected, highlighted) == (self._selected, self._highlighted):
            if dimmed != self._dimmed:  # a search starts or ends: the opacity only, for every node
                self._dimmed = dimmed
                self.setOpacity(self._opacity())
            return
        self._selected, self._highlighted, self._dimmed = selected, highlighted, dimmed
        self._restyle()

    def is_active(self) -> bool:
        """In a state other than the plain one (dimming aside): selected, matching or marked."""
        return self._selected or self._highlighted or bool(self._marks)

    def set_marks(self, marks: Iterable[str]) -> None:
        """Show change marks (compare mode): border colour, a badge; removed units ghosted."""
        wanted = set(marks)
        ordered = tuple(m for m in MARK_ORDER if m in wanted) + tuple(sorted(wanted - set(MARK_ORDER)))
        if ordered == self._marks:
            return
        self._marks = ordered
        if ordered:
            if self._badge is None:
                self._badge = _Badge(self)
            self._badge.set_mark(ordered[0])
            self._badge.setVisible(True)
        elif self._badge is not None:
            self._badge.setVisible(False)
        self._restyle()
        self._tooltip_ready = False

    def _restyle(self) -> None:
        mark = self._marks[0] if self._marks else None
        removed = "removed" in self._marks
        styles = self._plain_styles()
        for i in self._frame_indexes():
            pen0, brush = styles[i]
            pen = QPen(pen0)
            # The same overrides as build_graph(highlighted=, selected=) makes for the exports.
            if self._highlighted:
                brush = _brush(style.HIGHLIGHT_FILL)
                pen.setColor(qcolor(style.HIGHLIGHT_BORDER))
                _set_width(pen, style.HIGHLIGHT_PENWIDTH)
            elif mark in MARK_STYLES:
                pen.setColor(qcolor(MARK_STYLES[mark][0]))
                _set_width(pen, max(pen0.widthF(), 2.0))
            if self._selected:
                pen.setColor(qcolor(style.SELECTED_BORDER))
                _set_width(pen, style.SELECTED_PENWIDTH)
            if removed and pen.style() != Qt.PenStyle.NoPen:
                pen.setDashPattern([d / pen.widthF() for d in _DASHES["dashed"]])
            styles[i] = (pen, brush)
        self._styles = styles
        self.setOpacity(self._opacity())
        self.setZValue(Z_NODE_ACTIVE if (self._selected or self._highlighted) else Z_NODE)
        self._update_margin()
        self.update()
        if self.overview is not None:
            self.overview.set_active(self, self.is_active())

    def _opacity(self) -> float:
        return GHOST_OPACITY if "removed" in self._marks else DIM_OPACITY if self._dimmed else 1.0

    def _update_margin(self) -> None:
        # Selection gets a halo (the one unit to find at a glance); search matches keep the
        # exports' look (fill and border), so a page of matches stays calm; hover a thin ring.
        m = 0.0
        if self._selected:
            m = _HALO_GAP + _HALO_WIDTH + 1
        elif self._hover:
            m = _HALO_GAP + _HOVER_WIDTH + 1
        if m != self._margin:
            self.prepareGeometryChange()
            self._margin = m

    def tooltip_html(self) -> str:
        """Full name, kind and change marks; the name escaped, so "<b>x</b>" shows literally."""
        kind = self.kind
        kind = i18n.kind_label(kind) if kind else ""
        lines = [f"<b>{escape_markup(self.record.tooltip)}</b>"]
        if kind:
            lines.append(escape_markup(kind))
        marks = self._marks or self.drawn_marks()
        if marks:
            lines.append("<i>" + escape_markup(", ".join(mark_label(m) for m in marks)) + "</i>")
        # Qt guesses rich text from a leading tag: always give markup, never a bare name.
        return "<qt>" + "<br/>".join(lines) + "</qt>"

    def _ensure_tooltip(self) -> None:
        # Built on first hover (a hover always comes before a tooltip): most units never need one.
        if not self._tooltip_ready:
            self.setToolTip(self.tooltip_html())
            self._tooltip_ready = True

    # --- QGraphicsItem ----------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        m = self._margin
        return self._bbox.adjusted(-m, -m, m, m) if m else QRectF(self._bbox)

    def shape(self) -> QPainterPath:
        if self._path is None:  # built on the first hit test: most units never get one
            self._path = QPainterPath()
            self._path.addRect(self._bbox)
        return self._path

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if self._margin:
            self._paint_halo(painter)
        paths = self._paths
        if paths is None:
            paths = self._paths = [_fill_path(s) for s in self.record.shapes]
        # QGraphicsPathItem::paint, for each shape in Graphviz's order.
        for path, (pen, brush) in zip(paths, self._current_styles()):
            painter.setPen(pen)
            painter.setBrush(brush)
            painter.drawPath(path)
        if texts_readable(QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())):
            for line in self.texts:
                line.draw(painter)

    def paint_plain(self, painter: QPainter, texts: bool) -> None:
        """The box as Graphviz drew it, in no state, with or without its texts (for the overview)."""
        paths = self._paths or [_fill_path(s) for s in self.record.shapes]  # not kept: seen small
        for path, (pen, brush) in zip(paths, self._plain_styles()):
            painter.setPen(pen)
            painter.setBrush(brush)
            painter.drawPath(path)
        if texts:
            for line in self.texts:
                line.draw(painter)

    def _paint_halo(self, painter: QPainter) -> None:
        if self._selected:
            color, width = QColor(qcolor(style.SELECTED_BORDER)), _HALO_WIDTH
            color.setAlpha(70)
        else:
            color, width = QColor(0, 0, 0, 60), _HOVER_WIDTH
        inset = _HALO_GAP + width / 2
        painter.setPen(QPen(color, width))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(self._bbox.adjusted(-inset, -inset, inset, inset), 6 + inset, 6 + inset)

    def hoverEnterEvent(self, event) -> None:
        self._ensure_tooltip()
        self._hover = True
        self._update_margin()
        self.update()

    def hoverLeaveEvent(self, event) -> None:
        self._hover = False
        self._update_margin()
        self.update()


def _fill_path(shape: Shape) -> QPainterPath:
    path = path_for_shape(shape)
    path.setFillRule(Qt.FillRule.WindingFill)  # cairo's default fill rule
    return path


def _set_width(pen: QPen, width: float) -> None:
    """Change a pen's width, keeping its dashes the same length in points."""
    old = pen.widthF() or 1.0
    dashes = pen.dashPattern() if pen.style() == Qt.PenStyle.CustomDashLine else None
    pen.setWidthF(width)
    if dashes:
        pen.setDashPattern([d * old / width for d in dashes])


# --- edges, clusters, background ------------------------------------------------------------


def edge_item(record: EdgeRecord) -> QGraphicsPathItem:
    """One path item per edge (its lines); arrowheads and labels are its children.

    Secondary links (build.py: class "link", constraint=false) are dashed;
    Graphviz already says so in the pen, the view makes sure of it.
    """
    lines = [s for s in record.shapes if not s.filled]
    heads = [s for s in record.shapes if s.filled]
    path = QPainterPath()
    for s in lines:
        path_for_shape(s, path)
    item = QGraphicsPathItem(path)
    first = lines[0] if lines else (heads[0] if heads else None)
    if first is not None:
        item.setPen(pen_for(first.pen, force_style="dashed" if record.secondary and first.pen.style == "solid"
                            else None))
    item.setBrush(_NO_BRUSH)  # an open curve must never be filled
    for s in heads:
        # Arrowheads stay solid however the line is dashed, as in Graphviz.
        shape_item(s, item, force_style="solid")
    for t in record.texts:
        text_item(t, item)
    item.setZValue(Z_EDGE)
    item.setData(ROLE_KIND, "edge")
    item.setData(ROLE_ID, record.id or f"{record.tail}->{record.head}")
    item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
    if record.tooltip:
        # Escaped inside markup: a tooltip that starts with a tag is read as rich text.
        item.setToolTip("<qt>" + escape_markup(record.tooltip) + "</qt>")
    return item


def cluster_item(record: ClusterRecord) -> QGraphicsPathItem:
    """A cluster (the column of stacked units): its first shape, the rest and its texts as children."""
    shapes = list(record.shapes)
    if shapes:
        item = shape_item(shapes[0])
    else:
        x, y, w, h = record.bbox
        path = QPainterPath()
        path.addRect(QRectF(x, y, w, h))
        item = QGraphicsPathItem(path)
        item.setPen(QPen(Qt.PenStyle.NoPen))
    for s in shapes[1:]:
        shape_item(s, item)
    for t in record.texts:
        text_item(t, item)
    item.setZValue(Z_CLUSTER)
    item.setData(ROLE_KIND, "cluster")
    item.setData(ROLE_ID, record.name)
    item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
    return item


def background_item(shape: Shape) -> QGraphicsPathItem:
    item = shape_item(shape)
    item.setZValue(Z_BACKGROUND)
    item.setData(ROLE_KIND, "background")
    item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
    return item


# --- the overview of a big chart -----------------------------------------------------------------

OVERVIEW_TILE_PX = 512  # tile images, pixels a side (plus one of padding all round)
OVERVIEW_MAX_TILES = 48  # cached tiles (two images each, ~1 MB apiece), least recently used go first
_OVERVIEW_LEVELS = 9  # resolutions: twice the readable size, then halved, down to 1/128 of readable
# A big chart shows its overview up to names of twice the readable size: just above the
# readable size, painting the 1,200 boxes on screen as items took ~110 ms a frame.  The
# finest level (the only one with names) is never shrunk more than twice either.
OVERVIEW_MAX_SCALE = 2 * TEXT_MIN_PX / style.NAME_SIZE * 0.999  # pixels per point


class Overview(QGraphicsItem):
    """A big chart below the readable size, painted from cached images instead of its items.

    At "fit" zoom the 10,000 boxes of a big chart are a few pixels each;
    painting them as items costs 0.2-0.3 s a frame (one Python paint per node,
    and antialiased paths by the thousand even when batched).  Below
    OVERVIEW_MAX_SCALE the view hides its layers of items and shows this
    item instead: tiles of the chart rendered once per resolution
    (OVERVIEW_MAX_SCALE halved as often as needed, so an image is never
    shrunk more than twice on screen; names only where readable), a slice at
    a time between events, from the items themselves, so they draw what the
    items draw.  Two images per tile: the clusters and edges, then the boxes
    in their plain style, so search dimming is one opacity.  Nodes in any
    other state (selected, matching, marked) are painted over the images by
    their own paint(), live.
    """

    def __init__(self, bounds: QRectF) -> None:
        super().__init__()
        self._bounds = QRectF(bounds)
        # What the images show, in stacking order: (box, layer, item); layer 0 clusters, graph
        # texts and edges, layer 1 nodes.  The cells (a coarse grid) list each one's index.
        self._ops: list[tuple[tuple[float, float, float, float], int, QGraphicsItem]] = []
        self._cells: dict[tuple[int, int], list[int]] = {}
        self._tiles: dict[tuple[int, int, int], list] = {}  # (level, i, j) -> [image A, image B, next op]
        self._queue: list[tuple[int, int, int]] = []
        self._active: dict[NodeItem, None] = {}  # ordered set
        self._dimmed = False
        self._timer: QTimer | None = None
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(Z_CLUSTER)

    # --- contents --------------------------------------------------------------------------
    def add_under(self, item: QGraphicsItem) -> None:
        """A cluster, graph text or edge item (in stacking order), drawn with its children."""
        r = item.sceneBoundingRect()
        for child in item.childItems():
            r = r.united(child.sceneBoundingRect())
        self._add((r.left(), r.top(), r.right(), r.bottom()), 0, item)

    def add_node(self, node: NodeItem) -> None:
        b = node.record.bbox
        self._add((b[0], b[1], b[0] + b[2], b[1] + b[3]), 1, node)
        node.overview = self
        if node.is_active():
            self._active[node] = None

    def set_active(self, node: NodeItem, active: bool) -> None:
        if active:
            self._active[node] = None
        else:
            self._active.pop(node, None)
        self.update(_live_rect(node))

    def set_dimmed(self, dimmed: bool) -> None:
        if dimmed != self._dimmed:
            self._dimmed = dimmed
            self.update()

    def invalidate(self) -> None:
        """Render every tile again (the plain boxes changed: change marks)."""
        self._tiles.clear()
        self._queue.clear()
        self.update()

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._queue.clear()

    # --- resolutions and tiles -----------------------------------------------------------
    @staticmethod
    def level_scale(level: int) -> float:
        """Pixels per point of a level: OVERVIEW_MAX_SCALE, then halved."""
        return OVERVIEW_MAX_SCALE / (1 << level)

    def level_for(self, scale: float) -> int:
        """The coarsest level at least as fine as `scale` (images are only ever shrunk, ≤ 2×)."""
        level = 0
        while level + 1 < _OVERVIEW_LEVELS and self.level_scale(level + 1) >= scale:
            level += 1
        return level

    def _tile_size(self, level: int) -> float:
        return OVERVIEW_TILE_PX / self.level_scale(level)

    def _tile_rect(self, key: tuple[int, int, int]) -> QRectF:
        level, i, j = key
        size = self._tile_size(level)
        return QRectF(self._bounds.left() + i * size, self._bounds.top() + j * size, size, size)

    def _tiles_in(self, level: int, rect: QRectF) -> list[tuple[int, int, int]]:
        rect = rect.intersected(self._bounds)
        if rect.isEmpty():
            return []
        size = self._tile_size(level)
        x0, y0 = self._bounds.left(), self._bounds.top()
        i0, i1 = int((rect.left() - x0) // size), int((rect.right() - x0) // size)
        j0, j1 = int((rect.top() - y0) // size), int((rect.bottom() - y0) // size)
        return [(level, i, j) for j in range(j0, j1 + 1) for i in range(i0, i1 + 1)]

    def tiles_for(self, scale: float, rect: QRectF | None = None) -> list[tuple[int, int, int]]:
        return self._tiles_in(self.level_for(scale), self._bounds if rect is None else rect)

    def is_ready(self, key: tuple[int, int, int]) -> bool:
        tile = self._tiles.get(key)
        return tile is not None and tile[2] is None

    def _add(self, box: tuple[float, float, float, float], layer: int, item: QGraphicsItem) -> None:
        index = len(self._ops)
        self._ops.append((box, layer, item))
        for cell in self._cells_of(*box):
            self._cells.setdefault(cell, []).append(index)

    def _ops_in(self, rect: QRectF) -> list[tuple[int, object]]:
        """(layer, item) of everything drawn in rect, in stacking order."""
        left, top, right, bottom = rect.left(), rect.top(), rect.right(), rect.bottom()
        found: set[int] = set()
        for cell in self._cells_of(left, top, right, bottom):
            found.update(self._cells.get(cell, ()))
        ops = []
        for index in sorted(found):
            (x0, y0, x1, y1), layer, item = self._ops[index]
            if x0 <= right and x1 >= left and y0 <= bottom and y1 >= top:
                ops.append((layer, item))
        ops.sort(key=lambda op: op[0])  # stable: every layer 0 item, then the nodes
        return ops

    _CELL = 1024.0

    def _cells_of(self, x0: float, y0: float, x1: float, y1: float) -> Iterator[tuple[int, int]]:
        c = self._CELL
        for i in range(int(x0 // c), int(x1 // c) + 1):
            for j in range(int(y0 // c), int(y1 // c) + 1):
                yield i, j

    def render_step(self, key: tuple[int, int, int], budget_s: float) -> bool:
        """Render some of a tile (at most about budget_s); True when the tile is complete."""
        end = time.perf_counter() + budget_s
        tile = self._tiles.get(key)
        if tile is None:
            from PySide6.QtGui import QImage  # only big charts have tiles: its enums stay out of a start

            images = []
            for _ in range(2):
                image = QImage(OVERVIEW_TILE_PX + 2, OVERVIEW_TILE_PX + 2, QImage.Format.Format_ARGB32_Premultiplied)
                image.fill(Qt.GlobalColor.transparent)
                images.append(image)
            tile = self._tiles[key] = [images[0], images[1], (self._ops_in(self._padded(key)), 0)]
            while len(self._tiles) > OVERVIEW_MAX_TILES:
                del self._tiles[next(iter(self._tiles))]
        else:  # most recently used last
            self._tiles[key] = self._tiles.pop(key)
        if tile[2] is None:
            return True
        ops, index = tile[2]
        option = QStyleOptionGraphicsItem()
        rect = self._padded(key)
        scale = self.level_scale(key[0])
        texts = texts_readable(scale)
        painter: QPainter | None = None
        layer = -1
        while index < len(ops) and (painter is None or time.perf_counter() < end):
            op_layer, item = ops[index]
            if op_layer != layer:
                if painter is not None:
                    painter.end()
                layer = op_layer
                painter = QPainter(tile[layer])
                painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
                                       | QPainter.RenderHint.SmoothPixmapTransform)
                painter.scale(scale, scale)
                painter.translate(-rect.left(), -rect.top())
                base = painter.worldTransform()
            if layer == 1:
                if not item.marks():  # type: ignore[union-attr]  (marked ones are painted live)
                    item.paint_plain(painter, texts)  # type: ignore[union-attr]
            else:
                _paint_tree(painter, item, option, base)
            index += 1
        if painter is not None:
            painter.end()
        tile[2] = None if index >= len(ops) else (ops, index)
        return tile[2] is None

    def _padded(self, key: tuple[int, int, int]) -> QRectF:
        pad = 1 / self.level_scale(key[0])
        return self._tile_rect(key).adjusted(-pad, -pad, pad, pad)

    def _schedule(self, keys: list[tuple[int, int, int]]) -> None:
        # What the last paint missed comes first; tiles wanted earlier (the reader has zoomed or
        # scrolled on since) after them, a few only.
        self._queue = (keys + [k for k in self._queue if k not in keys])[:OVERVIEW_MAX_TILES // 2]
        if self._queue:
            if self._timer is None:
                self._timer = QTimer()
                self._timer.setSingleShot(True)
                self._timer.setInterval(0)
                self._timer.timeout.connect(self._run_queue)
            if not self._timer.isActive():
                self._timer.start()

    def _run_queue(self) -> None:
        if not shiboken6.isValid(self):  # its scene was taken apart meanwhile
            return
        end = time.perf_counter() + OVERVIEW_SLICE_S
        while self._queue and time.perf_counter() < end:
            key = self._queue[0]
            if self.render_step(key, end - time.perf_counter()):
                self._queue.pop(0)
                self.update(self._tile_rect(key))
        if self._queue and self._timer is not None:
            self._timer.start()

    # --- QGraphicsItem ---------------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        return QRectF(self._bounds)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        scale = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        level = self.level_for(scale)
        exposed = option.exposedRect
        keys = self._tiles_in(level, exposed)
        self._schedule([k for k in keys if not self.is_ready(k)])
        base_opacity = painter.opacity()
        for layer in (0, 1):
            if layer == 1 and self._dimmed:
                painter.setOpacity(base_opacity * DIM_OPACITY)
            for key in keys:
                self._draw_tile(painter, key, layer)
        # Nodes in any state but the plain one, over the images, as their items paint them.
        for node in self._active:
            if _live_rect(node).intersects(exposed):
                painter.setOpacity(base_opacity * node.opacity())
                node.paint(painter, option, widget)
                badge = node.badge()
                if badge is not None:
                    painter.save()
                    painter.translate(badge.pos())
                    badge.paint(painter, option, widget)
                    painter.restore()
        painter.setOpacity(base_opacity)

    def _draw_tile(self, painter: QPainter, key: tuple[int, int, int], layer: int) -> None:
        level, i, j = key
        target = self._tile_rect(key)
        # The tile itself, else the coarser one that covers it (blurred for a moment).
        for other in range(level, _OVERVIEW_LEVELS):
            shift = other - level
            found = (other, i >> shift, j >> shift)
            if not self.is_ready(found):
                continue
            scale = self.level_scale(other)
            origin = self._tile_rect(found).topLeft()
            source = QRectF((target.left() - origin.x()) * scale + 1, (target.top() - origin.y()) * scale + 1,
                            target.width() * scale, target.height() * scale)
            # On whole device pixels (neighbours round their common edge alike, so no seams):
            # an image drawn at its own resolution is copied, not resampled half a pixel off.
            device = painter.worldTransform()
            corners = device.map(target.topLeft()), device.map(target.bottomRight())
            painter.save()
            painter.resetTransform()
            painter.drawImage(QRectF(QPointF(round(corners[0].x()), round(corners[0].y())),
                                     QPointF(round(corners[1].x()), round(corners[1].y()))),
                              self._tiles[found][layer], source)
            painter.restore()
            return


OVERVIEW_SLICE_S = 0.02  # tile rendering per turn of the event loop


def _live_rect(node: NodeItem) -> QRectF:
    """Where a node painted live over the overview draws: its box, halo or ring, and badge."""
    return node.boundingRect().adjusted(-_BADGE_RADIUS, -_BADGE_RADIUS, _BADGE_RADIUS, _BADGE_RADIUS)


def _paint_tree(painter: QPainter, item: QGraphicsItem, option: QStyleOptionGraphicsItem, base: QTransform) -> None:
    """Paint an item and its children as the scene would (their own transforms, no clipping).

    (Their layer is hidden while the overview shows: they are painted whatever isVisible() says.)
    """
    painter.setWorldTransform(item.sceneTransform() * base)
    item.paint(painter, option, None)
    for child in item.childItems():
        _paint_tree(painter, child, option, base)

"""Pages: sizes, placing a drawing on a page, composing pages, flowing text.

Everything is in PostScript points (1/72 inch), the unit of Graphviz, PDF and
SVG viewBoxes alike, so no conversion happens between layout and page.

- sizes and placement: plain numbers;
- composition puts a drawing Graphviz made at its natural size on a page of
  the exact size: PDF with pypdf (vector kept, fonts untouched), SVG by
  wrapping it in a page-sized <svg>, PNG by painting it on a page-sized
  QImage (QtGui only, imported lazily; no widgets, no QGuiApplication);
- text flow: line breaking with measured widths and pagination.

No Graphviz here; the exporter (export.py) drives it.
"""
from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

MM = 72 / 25.4  # points per millimetre

# Portrait width × height in points.  The slide is PowerPoint's 16:9 default,
# 13.333 × 7.5 in; it is stored landscape because that is what a slide is.
PAGE_SIZES_PT: dict[str, tuple[float, float]] = {
    "a4": (210 * MM, 297 * MM),
    "a3": (297 * MM, 420 * MM),
    "letter": (8.5 * 72, 11 * 72),
    "slide": (13.333 * 72, 7.5 * 72),
}
PAGES: tuple[str, ...] = ("fit", "a4", "a3", "letter", "slide")

# A chart much smaller than the page is enlarged, but not without bound: a
# three-box branch blown up eight times on A3 looks like a poster of a typo.
MAX_UPSCALE = 2.0


@dataclass(frozen=True)
class Placement:
    """Where the chart goes: page size, uniform scale, offset of its lower-left corner.

    Offsets are measured from the page's lower-left corner (PDF convention);
    `top` gives the distance from the top edge for SVG and raster images.
    """

    page_w: float
    page_h: float
    scale: float
    dx: float
    dy: float
    chart_w: float
    chart_h: float

    @property
    def landscape(self) -> bool:
        return self.page_w > self.page_h

    @property
    def top(self) -> float:
        return self.page_h - self.dy - self.chart_h * self.scale


def page_size(page: str, landscape: bool) -> tuple[float, float]:
    """Width and height in points of a named paper size in the given orientation."""
    w, h = PAGE_SIZES_PT[page]
    short, long_ = min(w, h), max(w, h)
    return (long_, short) if landscape else (short, long_)


def fit_scale(chart_w: float, chart_h: float, page_w: float, page_h: float, margin: float,
              max_upscale: float = MAX_UPSCALE) -> float:
    """Largest uniform scale that fits the chart in the page minus its margins."""
    avail_w = max(page_w - 2 * margin, 1.0)
    avail_h = max(page_h - 2 * margin, 1.0)
    if chart_w <= 0 or chart_h <= 0:
        return 1.0
    return min(avail_w / chart_w, avail_h / chart_h, max_upscale)


def choose_landscape(page: str, chart_w: float, chart_h: float, margin: float) -> bool:
    """Orientation in which the chart comes out larger (ties: the page's natural one)."""
    portrait = fit_scale(chart_w, chart_h, *page_size(page, False), margin, max_upscale=float("inf"))
    landscape = fit_scale(chart_w, chart_h, *page_size(page, True), margin, max_upscale=float("inf"))
    if abs(portrait - landscape) < 1e-9:
        w, h = PAGE_SIZES_PT[page]
        return w > h
    return landscape > portrait


def estimate_scale(chart_w: float, chart_h: float, page: str, landscape: bool | None, margin: float,
                   reserved_h: float = 0.0) -> tuple[float, bool]:
    """Scale and orientation a chart will get once `reserved_h` points of the page go to text.

    Title, legend and footer keep a fixed size on the page whatever the
    chart's scale, so they are taken off the printable height first.
    """
    if page == "fit":
        return 1.0, chart_w > chart_h

    def scale_for(land: bool) -> float:
        page_w, page_h = page_size(page, land)
        return fit_scale(chart_w, chart_h, page_w, max(page_h - reserved_h, 2 * margin + 1), margin)

    if landscape is None and page == "slide":
        landscape = True  # a portrait slide is never what anyone wants
    if landscape is None:
        portrait, land = scale_for(False), scale_for(True)
        landscape = land > portrait if abs(land - portrait) > 1e-9 else PAGE_SIZES_PT[page][0] > PAGE_SIZES_PT[page][1]
    return scale_for(landscape), landscape


def place(chart_w: float, chart_h: float, page: str, landscape: bool | None, margin: float,
          align: str = "center", max_upscale: float = MAX_UPSCALE) -> Placement:
    """Fit a chart of chart_w × chart_h points on a page and centre it.

    page "fit" makes the page the chart plus its margins (scale 1).  align
    "top" keeps the chart against the top margin (text pages), horizontally
    centred.
    """
    if page == "fit":
        return Placement(chart_w + 2 * margin, chart_h + 2 * margin, 1.0, margin, margin, chart_w, chart_h)
    if page not in PAGE_SIZES_PT:
        raise ValueError(f"unknown page size {page!r}")
    if landscape is None:
        landscape = True if page == "slide" else choose_landscape(page, chart_w, chart_h, margin)
    page_w, page_h = page_size(page, landscape)
    scale = fit_scale(chart_w, chart_h, page_w, page_h, margin, max_upscale)
    dx = (page_w - chart_w * scale) / 2
    if align == "top":
        dy = page_h - margin - chart_h * scale
    else:
        dy = (page_h - chart_h * scale) / 2
    return Placement(page_w, page_h, scale, dx, dy, chart_w, chart_h)


def pixels(points: float, dpi: float) -> int:
    """Points → whole pixels at dpi (rounded to nearest)."""
    return max(1, round(points * dpi / 72))


# --- composition ---------------------------------------------------------------------------


class PageError(Exception):
    """A drawing cannot be put on its page; the message is one French sentence."""


@dataclass(frozen=True)
class Drawing:
    data: bytes  # Graphviz output at natural size (SVG, PDF) or the finished page (PNG)
    placement: Placement
    bookmark: str = ""  # outline entry of the page in a PDF of several pages


SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
_LENGTH = re.compile(r"\s*([0-9.]+)\s*(pt|px|in|mm|cm)?\s*$")
_UNIT_PT = {"pt": 1.0, None: 1.0, "px": 0.75, "in": 72.0, "mm": MM, "cm": 10 * MM}
_DROPPED = {"script", "image", "foreignObject", "iframe", "audio", "video"}


def _parse_svg(data: bytes) -> ET.Element:
    # Graphviz's SVG names an external DTD; expat never fetches it.
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise PageError(f"SVG de Graphviz illisible : {exc}") from None


def svg_size(data: bytes) -> tuple[float, float]:
    """Width and height in points of an SVG document."""
    root = _parse_svg(data)
    sizes = []
    for attr in ("width", "height"):
        m = _LENGTH.match(root.get(attr, ""))
        if m is None:
            raise PageError("SVG de Graphviz illisible (taille)")
        sizes.append(float(m.group(1)) * _UNIT_PT[m.group(2)])
    return sizes[0], sizes[1]


def sanitise_svg(element: ET.Element) -> None:
    """Drop whatever could reach outside the file or run: scripts, images, foreign objects, links out."""
    for parent in element.iter():
        for child in list(parent):
            if child.tag.rsplit("}", 1)[-1] in _DROPPED:
                parent.remove(child)
        for name in list(parent.attrib):
            local = name.rsplit("}", 1)[-1]
            if (local == "href" and not parent.attrib[name].strip().startswith("#")) or local.lower().startswith("on"):
                del parent.attrib[name]


def compose_svg(drawing: Drawing, title: str, background: str) -> bytes:
    """Wrap an SVG drawing in a page: width and height in mm, viewBox in points, one <g transform>."""
    source = _parse_svg(drawing.data)
    pl = drawing.placement
    vb = [float(v) for v in (source.get("viewBox") or f"0 0 {pl.chart_w} {pl.chart_h}").replace(",", " ").split()]
    # The drawing's viewBox may use other units than its width (Graphviz's dpi); map it onto points.
    sx, sy = pl.chart_w / vb[2], pl.chart_h / vb[3]
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    svg = ET.Element(f"{{{SVG_NS}}}svg", {
        "version": "1.1",
        "width": f"{pl.page_w / MM:.3f}mm",
        "height": f"{pl.page_h / MM:.3f}mm",
        "viewBox": f"0 0 {pl.page_w:.3f} {pl.page_h:.3f}",
    })
    ET.SubElement(svg, f"{{{SVG_NS}}}title").text = title
    ET.SubElement(svg, f"{{{SVG_NS}}}rect", {"x": "0", "y": "0", "width": f"{pl.page_w:.3f}",
                                             "height": f"{pl.page_h:.3f}", "fill": background})
    group = ET.SubElement(svg, f"{{{SVG_NS}}}g", {
        "id": "page-content",
        "transform": f"translate({pl.dx:.3f} {pl.top:.3f}) scale({pl.scale * sx:.6f} {pl.scale * sy:.6f}) "
                     f"translate({-vb[0]:.3f} {-vb[1]:.3f})",
    })
    for child in list(source):
        if child.tag != f"{{{SVG_NS}}}title":
            group.append(child)
    sanitise_svg(svg)
    graph_title = svg.find(f"{{{SVG_NS}}}g/{{{SVG_NS}}}g/{{{SVG_NS}}}title")
    if graph_title is not None:  # Graphviz titles the drawing with the graph's name
        graph_title.text = title
    text = ET.tostring(svg, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' + text + "\n").encode("utf-8")


def pdf_size(data: bytes) -> tuple[float, float]:
    """Width and height in points of a PDF's first page."""
    from pypdf import PdfReader

    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    return float(box.width), float(box.height)


def compose_pdf(drawings: list[Drawing], title: str) -> bytes:
    """Put each one-page PDF on a page of the exact size, scaled and moved (vector, fonts kept).

    The drawing's content stream is wrapped, unparsed, in ``q <scale> cm … Q``
    and its boxes replaced: pypdf's merge_transformed_page would parse every
    glyph operation of both pages (seconds for a text-heavy dossier).
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ContentStream, NameObject, RectangleObject

    writer = PdfWriter()
    for drawing in drawings:
        source = PdfReader(io.BytesIO(drawing.data)).pages[0]
        pl = drawing.placement
        x0, y0 = float(source.mediabox.left), float(source.mediabox.bottom)
        page = writer.add_page(source)
        content = page.get_contents()
        body = content.get_data() if content is not None else b""
        tx, ty = pl.dx - pl.scale * x0, pl.dy - pl.scale * y0
        stream = ContentStream(None, writer)
        stream.set_data(b"q %.6f 0 0 %.6f %.4f %.4f cm\n" % (pl.scale, pl.scale, tx, ty) + body + b"\nQ\n")
        page.replace_contents(stream.flate_encode())
        for box in ("/CropBox", "/BleedBox", "/TrimBox", "/ArtBox"):
            if box in page:
                del page[NameObject(box)]
        page.mediabox = RectangleObject([0, 0, pl.page_w, pl.page_h])
        if len(drawings) > 1 and drawing.bookmark:
            writer.add_outline_item(title=drawing.bookmark, page_number=len(writer.pages) - 1)
    writer.add_metadata({"/Title": title, "/Creator": "iomviewer", "/Producer": "iomviewer (Graphviz, pypdf)"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def check_png_size(placement: Placement, dpi: int, max_side: int, max_pixels: int) -> None:
    w, h = pixels(placement.page_w, dpi), pixels(placement.page_h, dpi)
    if w > max_side or h > max_side or w * h > max_pixels:
        raise PageError(f"image trop grande ({w} × {h} pixels à {dpi} ppp) : choisissez une résolution "
                        "plus basse, une page plus petite ou un format vectoriel (PDF, SVG)")


def compose_png(data: bytes, placement: Placement, dpi: int, transparent: bool, background: str) -> bytes:
    """Centre a PNG drawing on a page-sized image and store the resolution (pHYs) in the file."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage, QPainter

    chart = QImage()
    if not chart.loadFromData(data, "PNG"):
        raise PageError("image PNG de Graphviz illisible")
    page = QImage(pixels(placement.page_w, dpi), pixels(placement.page_h, dpi),
                  QImage.Format.Format_ARGB32_Premultiplied)
    if page.isNull():
        raise PageError("mémoire insuffisante pour l'image : choisissez une résolution plus basse")
    page.fill(QColor(0, 0, 0, 0) if transparent else QColor(background))
    # Centre on the pixels Graphviz produced (its rounding may differ by one).
    painter = QPainter(page)
    painter.drawImage(round((page.width() - chart.width()) / 2), round((page.height() - chart.height()) / 2), chart)
    painter.end()
    if not transparent:
        page = page.convertToFormat(QImage.Format.Format_RGB32)
    dots_per_metre = round(dpi / 0.0254)
    page.setDotsPerMeterX(dots_per_metre)
    page.setDotsPerMeterY(dots_per_metre)
    buffer = QByteArray()
    device = QBuffer(buffer)
    device.open(QIODevice.OpenModeFlag.WriteOnly)
    if not page.save(device, "PNG"):
        raise PageError("écriture de l'image PNG impossible")
    device.close()
    return bytes(buffer.data())


# --- text pages (the mandates appendix) --------------------------------------------------


@dataclass(frozen=True)
class TextBlock:
    """A paragraph to typeset: its words, its style, the space it wants before it."""

    words: tuple[str, ...]
    style: str  # a key of the caller's style table: "heading", "meta", "body", …
    space_before: float = 0.0
    keep_with_next: bool = False  # a heading is never the last thing on a page


@dataclass(frozen=True)
class TextLine:
    text: str
    style: str
    space_before: float


def break_lines(words: tuple[str, ...], widths: dict[str, float], space: float, column: float) -> list[str]:
    """Greedy line breaking with measured word widths; a word wider than the column stands alone."""
    lines: list[str] = []
    current: list[str] = []
    used = 0.0
    for word in words:
        w = widths[word]
        extra = w if not current else space + w
        if current and used + extra > column:
            lines.append(" ".join(current))
            current, used = [word], w
        else:
            current.append(word)
            used += extra
    if current:
        lines.append(" ".join(current))
    return lines


def paginate(blocks: list[tuple[TextBlock, list[str]]], line_height: dict[str, float],
             page_height: float) -> list[list[TextLine]]:
    """Flow broken blocks onto pages of page_height points.

    A paragraph may continue on the next page (line by line, never cut in a
    line); a block marked keep_with_next moves to the next page with the
    first two lines that follow it rather than end a page.
    """
    pages: list[list[TextLine]] = [[]]
    used = 0.0

    def needed(i: int) -> float:
        block, lines = blocks[i]
        h = block.space_before + line_height[block.style] * len(lines)
        if block.keep_with_next and i + 1 < len(blocks):
            nxt, nxt_lines = blocks[i + 1]
            h += needed(i + 1) if nxt.keep_with_next else nxt.space_before + line_height[nxt.style] * min(2, len(nxt_lines))
        return h

    for i, (block, lines) in enumerate(blocks):
        if block.keep_with_next and pages[-1] and used + needed(i) > page_height:
            pages.append([])
            used = 0.0
        for j, line in enumerate(lines):
            before = block.space_before if j == 0 and pages[-1] else 0.0
            h = before + line_height[block.style]
            if pages[-1] and used + h > page_height:
                pages.append([])
                used, before = 0.0, 0.0
                h = line_height[block.style]
            pages[-1].append(TextLine(line, block.style, before))
            used += h
    return [p for p in pages if p]

"""The PDF change report: the comparison chart, then every change in words, on A4 pages.

Used by ``iomviewer diff A B --format pdf``.  The chart page is the exporter's
own (Graphviz, vector), folded to the changed branches so its names stay
readable; the text pages are ``core.report.diff_to_html`` set by Qt's rich
text engine (QTextDocument → QPdfWriter: no widget is shown, and the
offscreen platform is used when no application exists).  pypdf joins the two.
"""
from __future__ import annotations

import io
import os

from iomviewer.chart.options import ChartOptions
from iomviewer.core.compare import Comparison, unchanged_branches
from iomviewer.core.report import diff_to_html

# Points, for the text pages.
_MARGIN_MM = 18.0
_BODY_PT = 9.5


def _gui_application():
    """An application for fonts and text layout; offscreen when the process has none.

    A QApplication, not a QGuiApplication: the process (a test run, a script)
    may later want widgets, and Qt aborts when a widget is created under a
    bare QGuiApplication.
    """
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    app = QCoreApplication.instance()
    if app is None:
        # A command-line run has no window: never ask for a display.
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication(["iomviewer"])
    return app


def text_pages_pdf(html_text: str, title: str) -> bytes:
    """HTML set on A4 portrait pages, numbered, as PDF bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QSizeF
    from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument

    _gui_application()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(title)
    writer.setCreator("iomviewer")
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(_MARGIN_MM, _MARGIN_MM, _MARGIN_MM, _MARGIN_MM),
                                     QPageLayout.Unit.Millimeter))
    doc = QTextDocument()
    font = QFont()
    font.setFamilies(["DejaVu Sans", "Noto Sans", "Arial", "sans-serif"])
    font.setPointSizeF(_BODY_PT)
    doc.setDefaultFont(font)
    doc.setDefaultStyleSheet("h1 { font-size: 14pt; } h2 { font-size: 11.5pt; margin-top: 12px; }"
                             " blockquote { margin-left: 14px; }")
    # Lay out at the writer's resolution, so point sizes are points on paper (the
    # screen's logical DPI, 96 on most platforms, would make them a third larger).
    doc.documentLayout().setPaintDevice(writer)
    doc.setHtml(html_text)
    rect = writer.pageLayout().paintRectPixels(writer.resolution())
    doc.setPageSize(QSizeF(rect.width(), rect.height()))
    doc.print_(writer)
    del writer  # finishes the PDF
    buffer.close()
    return bytes(data.data())


def comparison_pdf(comparison: Comparison, *, chart: bool = True) -> bytes:
    """The whole report: the comparison chart (if asked), then the text pages."""
    from pypdf import PdfReader, PdfWriter

    dataset, diff = comparison.dataset, comparison.diff
    title = f"Comparaison : {comparison.a.label} → {comparison.b.label}"
    text = text_pages_pdf(diff_to_html(dataset, diff, coverage_lists=False), title)
    out = PdfWriter()
    if chart:
        from iomviewer.chart.export import ExportOptions, render_document

        options = ChartOptions(collapsed=unchanged_branches(comparison), show_links=False)
        rendering = render_document(dataset, comparison.edition, options,
                                    ExportOptions(format="pdf", page="a4", landscape=True))
        out.append(PdfReader(io.BytesIO(rendering.data)))
    out.append(PdfReader(io.BytesIO(text)))
    out.add_metadata({"/Title": title, "/Creator": "iomviewer"})
    buf = io.BytesIO()
    out.write(buf)
    return buf.getvalue()

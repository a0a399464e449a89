"""Fichier → Imprimer… (Ctrl+P): the exported SVG, painted on the printer's page.

Printing uses the same rendering as the SVG export (Graphviz, with title,
legend and footer), painted by QSvgRenderer onto the printable area, scaled
to fit and centred: one page.  A multi-page dossier is the PDF export's job.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QByteArray, QRectF
from PySide6.QtGui import QPageLayout, QPainter, QPagedPaintDevice
from PySide6.QtPrintSupport import QPrintPreviewDialog, QPrinter
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from iomviewer.chart.options import ChartOptions
from iomviewer.chart.export import ExportError, ExportOptions, render_document
from iomviewer.core.model import Dataset, Edition
from iomviewer.ui.workers import TaskRunner

log = logging.getLogger(__name__)

JOB_KEY = "print"


def chart_svg(dataset: Dataset, edition: Edition, chart_options: ChartOptions,
              highlighted: frozenset[str] = frozenset()) -> bytes:
    """The chart with its furniture as SVG at natural size (the printer does the fitting)."""
    options = ExportOptions(format="svg", page="fit", margin_mm=0)
    return render_document(dataset, edition, chart_options, options, highlighted=highlighted).data


def paint_svg(device: QPagedPaintDevice, svg: bytes) -> bool:
    """Paint the SVG on the device's printable area, scaled to fit and centred; False if it cannot."""
    renderer = QSvgRenderer(QByteArray(svg))
    if not renderer.isValid():
        log.warning("printing: the SVG cannot be read")
        return False
    painter = QPainter()
    if not painter.begin(device):
        log.warning("printing: the printer cannot be painted on")
        return False
    try:
        area = QRectF(painter.viewport())  # the printable area, in device pixels
        box = renderer.viewBoxF()
        if box.isEmpty() or area.isEmpty():
            return False
        scale = min(area.width() / box.width(), area.height() / box.height())
        w, h = box.width() * scale, box.height() * scale
        renderer.render(painter, QRectF(area.x() + (area.width() - w) / 2, area.y() + (area.height() - h) / 2, w, h))
    finally:
        painter.end()
    return True


def _orientation_for(svg: bytes) -> QPageLayout.Orientation:
    box = QSvgRenderer(QByteArray(svg)).viewBoxF()
    wide = box.width() > box.height()
    return QPageLayout.Orientation.Landscape if wide else QPageLayout.Orientation.Portrait


def print_chart(parent: QWidget | None, dataset: Dataset, edition: Edition, chart_options: ChartOptions,
                highlighted: frozenset[str] = frozenset(), runner: TaskRunner | None = None) -> int | None:
    """Show a print preview of the chart; the preview dialog prints it.

    With a runner (the window's Graphviz runner: Graphviz is not thread-safe,
    so it must be the one that runs layouts), the SVG is rendered there and
    the preview opens when it is ready (returns None).  Without one, it is
    rendered here and the preview's result is returned.
    """
    highlighted = frozenset(highlighted)
    if runner is None:
        try:
            svg = chart_svg(dataset, edition, chart_options, highlighted)
        except ExportError as exc:
            QMessageBox.warning(parent, QApplication.translate("Printing", "Impression impossible"), str(exc))
            return 0
        return show_preview(parent, svg, f"{dataset.organisation} — {edition.label}")

    def finished(key: str, result: object) -> None:
        if key == JOB_KEY:
            disconnect()
            show_preview(parent, result, f"{dataset.organisation} — {edition.label}")

    def failed(key: str, exc: object, tb: str) -> None:
        if key == JOB_KEY:
            disconnect()
            QMessageBox.warning(parent, QApplication.translate("Printing", "Impression impossible"), str(exc))

    def disconnect() -> None:
        runner.finished.disconnect(finished)
        runner.failed.disconnect(failed)

    runner.finished.connect(finished)
    runner.failed.connect(failed)
    runner.submit(JOB_KEY, chart_svg, dataset, edition, chart_options, highlighted)
    return None


def show_preview(parent: QWidget | None, svg: bytes, title: str) -> int:
    """The print preview of an SVG (one page, fitted); returns the dialog's result."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    printer.setPageOrientation(_orientation_for(svg))
    preview = QPrintPreviewDialog(printer, parent)
    preview.setWindowTitle(QApplication.translate("Printing", "Aperçu avant impression"))
    preview.paintRequested.connect(lambda device: paint_svg(device, svg))
    return preview.exec()

"""Fichier → Exporter… : choose scope, format and page, then export off the GUI thread.

The dialog only gathers choices and hands them to chart.export.export_chart,
which runs on a TaskRunner (key "export", cancellable) behind a
QProgressDialog.  Choices are remembered in Settings between dialogs.
"""
from __future__ import annotations

import functools
import logging
from dataclasses import replace
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from iomviewer.chart.options import ChartOptions
from iomviewer.chart.export import (
    FORMATS,
    READABLE_PT,
    ExportError,
    ExportOptions,
    ExportResult,
    default_subtitle,
    default_title,
    estimate_text_size,
    export_chart,
    format_for_path,
    suggested_filename,
)
from iomviewer.core.model import Dataset, Edition
from iomviewer.ui.settings import Settings
from iomviewer.ui.workers import TaskRunner

log = logging.getLogger(__name__)

JOB_KEY = "export"
ESTIMATE_KEY = "export-estimate"
ESTIMATE_DELAY_MS = 250  # choices made in a row (typing a title, stepping the depth) ask once

class ExportDialog(QDialog):
    """Export options; "Exporter…" asks for a file name and starts the export."""

    export_started = Signal(str)  # path
    export_finished = Signal(object)  # ExportResult
    export_failed = Signal(str)  # the sentence shown to the user
    export_cancelled = Signal()

    def __init__(self, parent: QWidget | None, dataset: Dataset, edition: Edition, chart_options: ChartOptions,
                 selected_unit: str | None, highlighted: frozenset[str], settings: Settings, runner: TaskRunner,
                 *, choose_path: Callable[[str, str], str | None] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Exporter l'organigramme"))
        self.setObjectName("export-dialog")
        self._dataset, self._edition = dataset, edition
        self._view = chart_options
        self._selected = selected_unit if selected_unit in edition else None
        self._highlighted = frozenset(highlighted)
        self._memory = settings
        self._runner = runner
        self._choose_path = choose_path or self._ask_path
        self._progress: QProgressDialog | None = None
        self._running = False
        self._build()
        self._restore()
        self._update_enabled()
        self._estimate_serial = 0
        self._estimate_timer = QTimer(self)
        self._estimate_timer.setSingleShot(True)
        self._estimate_timer.setInterval(ESTIMATE_DELAY_MS)
        self._estimate_timer.timeout.connect(self._request_estimate)
        self._runner.finished.connect(self._on_estimate_done)
        self._runner.failed.connect(self._on_estimate_failed)
        for signal in (self.format.currentIndexChanged, self.page.currentIndexChanged,
                       self.orientation.currentIndexChanged, self.scope_group.idToggled, self.depth.valueChanged,
                       self.title.textChanged, self.subtitle.textChanged, self.legend.toggled, self.footer.toggled,
                       self.pages_per_branch.toggled, self.screen_layout.toggled):
            signal.connect(self._schedule_estimate)
        self._schedule_estimate()

    # --- widgets -------------------------------------------------------------------------
    def _build(self) -> None:
        scope = QGroupBox(self.tr("Étendue"))
        self.scope_all = QRadioButton(self.tr("Toute l'édition"))
        name = self._edition.unit(self._selected).name if self._selected else self.tr("aucune unité sélectionnée")
        if len(name) > 60:  # a long name would make the dialog as wide as the screen
            name = name[:59].rstrip() + "…"
        self.scope_branch = QRadioButton(self.tr("Branche sélectionnée : {0}").format(name))
        self.scope_view = QRadioButton(self.tr("Vue actuelle (unités repliées, résultats de recherche, sens, mode compact)"))
        self.scope_group = QButtonGroup(self)
        for i, button in enumerate((self.scope_all, self.scope_branch, self.scope_view)):
            self.scope_group.addButton(button, i)
        self.depth = QSpinBox()
        self.depth.setRange(0, 50)
        self.depth.setSpecialValueText(self.tr("tous les niveaux"))
        self.depth.setAccessibleName(self.tr("Profondeur de la branche"))
        depth_row = QHBoxLayout()
        depth_row.addSpacing(24)
        depth_label = QLabel(self.tr("P&rofondeur :"))
        depth_label.setBuddy(self.depth)
        depth_row.addWidget(depth_label)
        depth_row.addWidget(self.depth)
        depth_row.addStretch(1)
        box = QVBoxLayout(scope)
        box.addWidget(self.scope_all)
        box.addWidget(self.scope_branch)
        box.addLayout(depth_row)
        box.addWidget(self.scope_view)

        page = QGroupBox(self.tr("Document"))
        form = QFormLayout(page)
        self.format = QComboBox()
        for key, label in (("pdf", self.tr("PDF (vectoriel, texte sélectionnable)")), ("svg", self.tr("SVG (vectoriel, pour le web)")),
                           ("png", self.tr("PNG (image)"))):
            self.format.addItem(label, key)
        form.addRow(self.tr("&Format :"), self.format)
        self.page = QComboBox()
        for key, label in (("fit", self.tr("Ajustée à l'organigramme")), ("a4", "A4"), ("a3", "A3"), ("letter", self.tr("Lettre US")),
                           ("slide", self.tr("Diapositive 16:9"))):
            self.page.addItem(label, key)
        form.addRow(self.tr("&Page :"), self.page)
        self.orientation = QComboBox()
        for key, label in (("auto", self.tr("Automatique")), ("portrait", self.tr("Portrait")), ("landscape", self.tr("Paysage"))):
            self.orientation.addItem(label, key)
        form.addRow(self.tr("&Orientation :"), self.orientation)
        self.title = QLineEdit(default_title(self._dataset, self._edition))
        self.title.setPlaceholderText(self.tr("sans titre"))
        self.title.setCursorPosition(0)
        form.addRow(self.tr("&Titre :"), self.title)
        # Follows the scope (a branch's path, the edition) until the user writes their own.
        self.subtitle = QLineEdit()
        self.subtitle.setPlaceholderText(self.tr("sans sous-titre"))
        self.subtitle.textEdited.connect(lambda *_: setattr(self, "_subtitle_edited", True))
        self._subtitle_edited = False
        form.addRow(self.tr("&Sous-titre :"), self.subtitle)
        self.legend = QCheckBox(self.tr("Légende des types d'unités"))
        self.footer = QCheckBox(self.tr("Pied de page (période, sources, date d'export)"))
        form.addRow("", self.legend)
        form.addRow("", self.footer)
        # A named page's chart is composed for it (more readable); this keeps the window's.
        self.screen_layout = QCheckBox(self.tr("Disposition de l'écran (sinon composée pour la page)"))
        self.screen_layout.setToolTip(self.tr(
            "Sur une page A4, A3, Letter ou diapositive, l'organigramme est recomposé pour la page : "
            "colonnes serrées, texte plus grand. Cochez pour garder la disposition affichée à l'écran."))
        form.addRow("", self.screen_layout)
        # Whether the names will be readable, known before a file name is asked for.
        self.text_size = QLabel()
        self.text_size.setObjectName("export-text-size")
        self.text_size.setWordWrap(True)
        self.text_size.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Room for the longest message, so the dialog does not jump when it arrives.
        self.text_size.setMinimumHeight(3 * self.text_size.fontMetrics().lineSpacing())
        self.text_size.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        form.addRow(self.tr("Taille du texte :"), self.text_size)

        image = QGroupBox(self.tr("Image PNG"))
        image_form = QFormLayout(image)
        self.dpi = QSpinBox()
        self.dpi.setRange(36, 1200)
        self.dpi.setSuffix(self.tr(" ppp"))
        self.dpi.setSingleStep(50)
        image_form.addRow(self.tr("&Résolution :"), self.dpi)
        self.transparent = QCheckBox(self.tr("Fond transparent"))
        image_form.addRow("", self.transparent)
        self.image_box = image

        dossier = QGroupBox(self.tr("Dossier PDF"))
        dossier_box = QVBoxLayout(dossier)
        self.pages_per_branch = QCheckBox(self.tr("Une page par branche, après une vue d'ensemble"))
        self.mandates = QCheckBox(self.tr("Annexe : mandats des unités montrées"))
        dossier_box.addWidget(self.pages_per_branch)
        dossier_box.addWidget(self.mandates)
        self.dossier_box = dossier

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton(self.tr("&Exporter…"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setDefault(True)
        self.buttons.accepted.connect(self.start_export)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(scope)
        layout.addWidget(page)
        layout.addWidget(image)
        layout.addWidget(dossier)
        layout.addWidget(self.buttons)

        self.format.currentIndexChanged.connect(self._update_enabled)
        self.page.currentIndexChanged.connect(self._update_enabled)
        self.scope_group.idToggled.connect(lambda *_: self._update_enabled())

    def _restore(self) -> None:
        m = self._memory
        self._select(self.format, m.get("export/format"))
        self._select(self.page, m.get("export/page"))
        orientation = m.get("export/orientation")
        if orientation != "auto":
            orientation = "landscape" if m.get("export/landscape") else "portrait"
        self._select(self.orientation, orientation)
        scope = m.get("export/scope")
        if scope == "branch" and not self._selected:
            scope = "all"
        {"all": self.scope_all, "branch": self.scope_branch, "view": self.scope_view}[scope].setChecked(True)
        self.scope_branch.setEnabled(self._selected is not None)
        self.depth.setValue(m.get("export/depth"))
        self.legend.setChecked(m.get("export/legend"))
        self.footer.setChecked(m.get("export/footer"))
        self.dpi.setValue(m.get("export/dpi"))
        self.transparent.setChecked(m.get("export/transparent"))
        self.pages_per_branch.setChecked(m.get("export/pages_per_branch"))
        self.mandates.setChecked(m.get("export/mandates"))
        self.screen_layout.setChecked(m.get("export/screen_layout"))

    def _remember(self) -> None:
        m = self._memory
        m.set("export/format", self.format.currentData())
        m.set("export/page", self.page.currentData())
        orientation = self.orientation.currentData()
        m.set("export/orientation", orientation)
        if orientation != "auto":
            m.set("export/landscape", orientation == "landscape")
        m.set("export/scope", self.scope())
        m.set("export/depth", self.depth.value())
        m.set("export/legend", self.legend.isChecked())
        m.set("export/footer", self.footer.isChecked())
        m.set("export/dpi", self.dpi.value())
        m.set("export/transparent", self.transparent.isChecked())
        m.set("export/pages_per_branch", self.pages_per_branch.isChecked())
        m.set("export/screen_layout", self.screen_layout.isChecked())
        m.set("export/mandates", self.mandates.isChecked())

    @staticmethod
    def _select(combo: QComboBox, key: str) -> None:
        index = combo.findData(key)
        if index >= 0:
            combo.setCurrentIndex(index)

    def _update_subtitle(self) -> None:
        if not self._subtitle_edited:
            self.subtitle.setText(default_subtitle(self._edition, self.chart_options()))
            self.subtitle.setCursorPosition(0)

    def _update_enabled(self) -> None:
        self._update_subtitle()
        fmt = self.format.currentData()
        self.image_box.setEnabled(fmt == "png")
        self.dossier_box.setEnabled(fmt == "pdf")
        self.orientation.setEnabled(self.page.currentData() != "fit")
        self.screen_layout.setEnabled(self.page.currentData() != "fit")  # "fit" is the screen's layout
        self.depth.setEnabled(self.scope_branch.isChecked())
        self.export_button.setEnabled(not self._running)

    # --- what to export --------------------------------------------------------------------
    def scope(self) -> str:
        if self.scope_branch.isChecked() and self._selected:
            return "branch"
        return "view" if self.scope_view.isChecked() else "all"

    def chart_options(self) -> ChartOptions:
        """The chart to export: the view's direction and style, with the chosen scope."""
        view = self._view
        scope = self.scope()
        if scope == "view":
            return view
        base = view._replace(root=None, depth=None, collapsed=frozenset())
        if scope == "branch":
            return base._replace(root=self._selected, depth=self.depth.value() or None)
        return base

    def highlighted(self) -> frozenset[str]:
        return self._highlighted if self.scope() == "view" else frozenset()

    def export_options(self) -> ExportOptions:
        fmt = self.format.currentData()
        orientation = self.orientation.currentData()
        return ExportOptions(
            format=fmt,
            page=self.page.currentData(),
            landscape=None if orientation == "auto" else orientation == "landscape",
            title=self.title.text().strip(),
            subtitle=self.subtitle.text().strip(),
            legend=self.legend.isChecked(),
            footer=self.footer.isChecked(),
            dpi=self.dpi.value(),
            transparent=fmt == "png" and self.transparent.isChecked(),
            pages_per_branch=fmt == "pdf" and self.pages_per_branch.isChecked(),
            mandates=fmt == "pdf" and self.mandates.isChecked(),
            screen_layout=self.screen_layout.isChecked(),
        )

    # --- text size, estimated in the background -----------------------------------------
    def _schedule_estimate(self, *_) -> None:
        if not self._running:
            self.text_size.setText(self.tr("estimation…"))
            self.text_size.setStyleSheet("")
            self._estimate_timer.start()

    def _request_estimate(self) -> None:
        if self._running:
            return
        self._estimate_serial += 1
        serial, highlighted = self._estimate_serial, self.highlighted()

        def job(dataset: Dataset, edition: Edition, options: ChartOptions, xo: ExportOptions) -> float | None:
            if serial != self._estimate_serial or self._running:
                return None  # superseded while it queued: the runner drops its result
            return estimate_text_size(dataset, edition, options, xo, highlighted=highlighted)

        # On the layout runner: Graphviz is not thread-safe.  A newer request
        # supersedes this one, and an export waits for at most one estimate.
        self._runner.submit(ESTIMATE_KEY, job, self._dataset, self._edition, self.chart_options(),
                            self.export_options())

    def _on_estimate_done(self, key: str, result: object) -> None:
        if key != ESTIMATE_KEY or self._estimate_timer.isActive():
            return  # a newer choice is waiting for its own estimate
        if result is None:
            self.text_size.setText(self.tr("une page par branche, chacune coupée pour rester lisible"))
            self.text_size.setStyleSheet("")
            return
        size = self.locale().toString(float(result), "f", 1)
        if float(result) >= READABLE_PT:
            self.text_size.setText(self.tr("noms des unités à {0} pt sur la page").format(size))
            self.text_size.setStyleSheet("")
        else:
            readable = self.locale().toString(READABLE_PT, "f", 0)
            self.text_size.setText(self.tr("noms des unités à {0} pt seulement (lisibles à partir de {1} pt) : "
                                           "choisissez une page plus grande ou exportez une branche")
                                   .format(size, readable))
            self.text_size.setStyleSheet("QLabel { color: #9a3b00; }")

    def _on_estimate_failed(self, key: str, exc: object, tb: str) -> None:
        if key != ESTIMATE_KEY or self._estimate_timer.isActive():
            return
        if not isinstance(exc, ExportError):
            log.error("text size estimate failed: %s", tb)
        self.text_size.setText(self.tr("inconnue : {0}").format(exc))
        self.text_size.setStyleSheet("QLabel { color: #9a3b00; }")

    def done(self, result: int) -> None:  # accept, reject and close all end here
        self._estimate_timer.stop()
        self._runner.cancel(ESTIMATE_KEY)
        for signal, slot in ((self._runner.finished, self._on_estimate_done),
                             (self._runner.failed, self._on_estimate_failed)):
            try:
                signal.disconnect(slot)
            except (RuntimeError, TypeError):
                pass
        super().done(result)

    # --- running -----------------------------------------------------------------------------
    def _ask_path(self, suggested: str, fmt: str) -> str | None:
        """The save dialog: it asks before overwriting (Qt's default; never DontConfirmOverwrite)."""
        dialog = QFileDialog(self, self.tr("Exporter l'organigramme"), suggested)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        # A name typed without suffix gets the format's, and the overwrite check sees the full name.
        dialog.setDefaultSuffix(FORMATS[fmt].suffix.lstrip("."))
        filters = {"pdf": self.tr("Documents PDF (*.pdf)"), "svg": self.tr("Images SVG (*.svg)"),
                   "png": self.tr("Images PNG (*.png)")}
        dialog.setNameFilters([filters[fmt]] + [f for k, f in filters.items() if k != fmt])
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return None
        return dialog.selectedFiles()[0]

    def start_export(self) -> None:
        """Ask for the file, then export on the runner; the dialog hides while it runs."""
        if self._running:
            return
        if self._runner.is_busy(JOB_KEY):
            # A second job under the same key would supersede the first, whose
            # dialog would then wait for a result that never comes.
            QMessageBox.information(self, self.tr("Export en cours"),
                                    self.tr("Un export est déjà en cours ; attendez qu'il se termine."))
            return
        xo = self.export_options()
        options = self.chart_options()
        folder = self._memory.get("export/folder")
        if not folder or not Path(folder).is_dir():
            folder = str(Path.home())
        name = suggested_filename(self._dataset, self._edition, options, xo.format)
        path = self._choose_path(str(Path(folder) / name), xo.format)
        if not path:
            return
        try:
            fmt = format_for_path(path)
        except ExportError:
            fmt = xo.format
            path = str(path) + FORMATS[fmt].suffix
        if fmt != xo.format:  # the name's suffix wins: "chart.svg" is an SVG
            xo = replace(xo, format=fmt, transparent=fmt == "png" and xo.transparent,
                         pages_per_branch=fmt == "pdf" and xo.pages_per_branch, mandates=fmt == "pdf" and xo.mandates)
            self._select(self.format, fmt)
        self._remember()
        self._memory.set("export/folder", str(Path(path).parent))
        self._estimate_timer.stop()
        self._runner.cancel(ESTIMATE_KEY)
        self._running = True
        self._update_enabled()
        self._runner.progress.connect(self._on_progress)
        self._runner.finished.connect(self._on_finished)
        self._runner.failed.connect(self._on_failed)
        job = functools.partial(export_chart, highlighted=self.highlighted())
        self._runner.submit(JOB_KEY, job, self._dataset, self._edition, options, xo, path, cancellable=True)
        self._show_progress(path)
        self.export_started.emit(path)
        self.hide()

    def _show_progress(self, path: str) -> None:
        progress = QProgressDialog(self.tr("Export de {0}…").format(Path(path).name), self.tr("Annuler"), 0, 0,
                                   self._owner())
        progress.setWindowTitle(self.tr("Export"))
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(400)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.canceled.connect(self._cancel)
        self._progress = progress

    def _cancel(self) -> None:
        if self._running:
            self._runner.cancel(JOB_KEY)
            self._status(self.tr("Export annulé."))
            self._done()
            self.export_cancelled.emit()

    def _on_progress(self, key: str, done: int, total: int, message: str) -> None:
        if key == JOB_KEY and self._progress is not None:
            self._progress.setMaximum(max(total, 1))
            self._progress.setValue(done)
            if message:
                self._progress.setLabelText(message)

    def _on_finished(self, key: str, result: object) -> None:
        if key != JOB_KEY or not self._running:
            return
        self._done()
        assert isinstance(result, ExportResult)
        self._status(self.tr("Organigramme exporté : {0} ({1} page(s))").format(result.path, result.pages))
        if result.warnings:
            box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Export terminé"),
                              self.tr("L'organigramme a été exporté dans {0}.").format(result.path),
                              QMessageBox.StandardButton.Ok, self._owner())
            box.setInformativeText("\n".join(result.warnings))
            box.setObjectName("export-warnings")
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
        self.export_finished.emit(result)
        self._dispose()

    def _on_failed(self, key: str, exc: object, tb: str) -> None:
        if key != JOB_KEY or not self._running:
            return
        self._done()
        if isinstance(exc, ExportError):
            message = str(exc)
        else:  # a bug, not a user problem: the log has the traceback
            log.error("export failed: %s", tb)
            message = self.tr("erreur inattendue : {0}").format(exc)
        box = QMessageBox(QMessageBox.Icon.Critical, self.tr("Export impossible"),
                          self.tr("L'export a échoué : {0}").format(message), QMessageBox.StandardButton.Ok,
                          self._owner())
        box.setObjectName("export-error")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self._status(self.tr("Export impossible : {0}").format(message))
        self.export_failed.emit(message)
        self._dispose()

    def _done(self) -> None:
        self._running = False
        for signal, slot in ((self._runner.progress, self._on_progress), (self._runner.finished, self._on_finished),
                             (self._runner.failed, self._on_failed)):
            try:
                signal.disconnect(slot)
            except (RuntimeError, TypeError):
                pass
        if self._progress is not None:
            self._progress.canceled.disconnect(self._cancel)
            self._progress.close()
            self._progress.deleteLater()
            self._progress = None
        self._update_enabled()

    def _dispose(self) -> None:
        self.accept()

    def _owner(self) -> QWidget:
        # Message boxes need a Qt parent to outlive this slot (a parentless one
        # is deleted with its Python wrapper); the window if there is one.
        return self.parentWidget() or self

    def _status(self, text: str) -> None:
        parent = self.parentWidget()
        bar = getattr(parent, "statusBar", None)
        if callable(bar):
            bar().showMessage(text, 10000)


def run_export_dialog(parent: QWidget | None, dataset: Dataset, edition: Edition, chart_options: ChartOptions,
                      selected_unit: str | None, highlighted: frozenset[str], settings: Settings,
                      runner: TaskRunner) -> ExportDialog:
    """Open the export dialog (non-blocking); it exports, reports, and is deleted when done."""
    dialog = ExportDialog(parent, dataset, edition, chart_options, selected_unit, highlighted, settings, runner)
    for signal in (dialog.rejected, dialog.export_finished, dialog.export_failed, dialog.export_cancelled):
        signal.connect(dialog.deleteLater)
    dialog.open()
    return dialog

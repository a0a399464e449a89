"""The export dialog: remembered choices, format-dependent options, export through the runner."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox

from fixtures import mini_doc
from iomviewer.chart.build import ChartOptions
from iomviewer.core.loading import load_document
from iomviewer.ui.export_dialog import ExportDialog
from iomviewer.ui.settings import Settings
from iomviewer.ui.workers import TaskRunner

pytestmark = pytest.mark.gui


@pytest.fixture
def env(tmp_path, qtbot):
    dataset = load_document(mini_doc())
    edition = dataset.edition("ed-2021")
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    runner = TaskRunner()
    yield dataset, edition, settings, runner
    runner.wait(10000)


def make_dialog(qtbot, env, path=None, *, view=ChartOptions(rankdir="LR", collapsed=frozenset({"div-a2"})),
                selected="dept-a", highlighted=frozenset({"div-a1"})):
    dataset, edition, settings, runner = env
    asked = []

    def choose(suggested, fmt):
        asked.append((suggested, fmt))
        return str(path) if path is not None else None

    dialog = ExportDialog(None, dataset, edition, view, selected, highlighted, settings, runner, choose_path=choose)
    qtbot.addWidget(dialog)
    dialog.asked = asked
    return dialog


def _close_boxes(name: str) -> list[QMessageBox]:
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.objectName() == name]
    for box in boxes:
        box.close()
    return boxes


def test_widgets_follow_the_format(qtbot, env):
    dialog = make_dialog(qtbot, env)
    for fmt, image, dossier in (("png", True, False), ("pdf", False, True), ("svg", False, False)):
        dialog.format.setCurrentIndex(dialog.format.findData(fmt))
        assert dialog.image_box.isEnabled() is image and dialog.dossier_box.isEnabled() is dossier
    dialog.page.setCurrentIndex(dialog.page.findData("fit"))
    assert not dialog.orientation.isEnabled() and not dialog.screen_layout.isEnabled()
    dialog.page.setCurrentIndex(dialog.page.findData("a4"))
    assert dialog.orientation.isEnabled() and dialog.screen_layout.isEnabled()
    assert not dialog.export_options().screen_layout
    dialog.screen_layout.setChecked(True)
    assert dialog.export_options().screen_layout
    dialog.scope_all.setChecked(True)
    assert not dialog.depth.isEnabled()
    dialog.scope_branch.setChecked(True)
    assert dialog.depth.isEnabled()


def test_scopes_give_the_right_chart(qtbot, env):
    dialog = make_dialog(qtbot, env)
    dialog.scope_all.setChecked(True)
    assert dialog.chart_options() == ChartOptions(rankdir="LR") and dialog.highlighted() == frozenset()
    dialog.scope_branch.setChecked(True)
    dialog.depth.setValue(1)
    assert dialog.chart_options() == ChartOptions(rankdir="LR", root="dept-a", depth=1)
    dialog.scope_view.setChecked(True)
    assert dialog.chart_options().collapsed == frozenset({"div-a2"})
    assert dialog.highlighted() == frozenset({"div-a1"})


def test_no_selection_disables_the_branch_scope(qtbot, env):
    dialog = make_dialog(qtbot, env, selected=None)
    assert not dialog.scope_branch.isEnabled() and dialog.scope() != "branch"


def test_export_runs_on_the_runner_and_choices_are_remembered(qtbot, env, tmp_path):
    out = tmp_path / "out" / "chart.png"
    out.parent.mkdir()
    dialog = make_dialog(qtbot, env, out)
    dialog.format.setCurrentIndex(dialog.format.findData("png"))
    dialog.page.setCurrentIndex(dialog.page.findData("a3"))
    dialog.orientation.setCurrentIndex(dialog.orientation.findData("portrait"))
    dialog.dpi.setValue(40)
    dialog.transparent.setChecked(True)
    dialog.legend.setChecked(False)
    dialog.scope_view.setChecked(True)
    with qtbot.waitSignal(dialog.export_finished, timeout=15000) as blocker:
        qtbot.mouseClick(dialog.export_button, qtbot_button())
    result = blocker.args[0]
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and result.path == out and result.format == "png"
    suggested, fmt = dialog.asked[0]
    assert fmt == "png" and suggested.endswith("oim-ed-2021.png")

    again = make_dialog(qtbot, env)
    assert again.format.currentData() == "png" and again.page.currentData() == "a3"
    assert again.orientation.currentData() == "portrait" and again.dpi.value() == 40
    assert again.transparent.isChecked() and not again.legend.isChecked() and again.scope_view.isChecked()
    dialog2_path = []
    again._choose_path = lambda suggested, fmt: dialog2_path.append(suggested)  # noqa: E731 - returns None
    again.start_export()
    assert dialog2_path[0].startswith(str(out.parent))  # the last folder is proposed


def qtbot_button():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_the_file_name_suffix_decides_the_format(qtbot, env, tmp_path):
    out = tmp_path / "chart.svg"
    dialog = make_dialog(qtbot, env, out)
    dialog.format.setCurrentIndex(dialog.format.findData("pdf"))
    dialog.pages_per_branch.setChecked(True)
    with qtbot.waitSignal(dialog.export_finished, timeout=15000):
        dialog.start_export()
    assert ET.parse(out).getroot().tag.endswith("svg")


def test_pdf_dossier_from_the_dialog(qtbot, env, tmp_path):
    out = tmp_path / "dossier.pdf"
    dialog = make_dialog(qtbot, env, out)
    dialog.format.setCurrentIndex(dialog.format.findData("pdf"))
    dialog.scope_all.setChecked(True)
    dialog.pages_per_branch.setChecked(True)
    dialog.mandates.setChecked(True)
    with qtbot.waitSignal(dialog.export_finished, timeout=15000) as blocker:
        dialog.start_export()
    assert blocker.args[0].pages == len(PdfReader(str(out)).pages) >= 3


def test_failure_is_reported_and_nothing_written(qtbot, env, tmp_path):
    out = tmp_path / "missing" / "chart.pdf"
    dialog = make_dialog(qtbot, env, out)
    with qtbot.waitSignal(dialog.export_failed, timeout=15000) as blocker:
        dialog.start_export()
    assert "dossier introuvable" in blocker.args[0]
    assert _close_boxes("export-error")
    assert not out.parent.exists()


def test_cancelled_file_dialog_does_nothing(qtbot, env):
    dialog = make_dialog(qtbot, env, None)
    dialog.start_export()
    assert dialog.asked and not env[3].is_busy("export")


def test_save_dialog_confirms_overwrite(qtbot, env, tmp_path, monkeypatch):
    dialog = make_dialog(qtbot, env)
    seen = {}

    def fake_exec(self):
        seen["confirm"] = not self.testOption(QFileDialog.Option.DontConfirmOverwrite)
        seen["suffix"] = self.defaultSuffix()
        seen["mode"] = self.acceptMode()
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(QFileDialog, "exec", fake_exec)
    assert dialog._ask_path(str(tmp_path / "chart.pdf"), "pdf") is None
    assert seen == {"confirm": True, "suffix": "pdf", "mode": QFileDialog.AcceptMode.AcceptSave}


def test_warnings_are_shown_after_a_successful_export(qtbot, env, tmp_path):
    from test_export import big_doc

    dataset = load_document(big_doc(directorates=5, departments=6, divisions=6))
    _d, _e, settings, runner = env
    out = tmp_path / "big.pdf"
    dialog = ExportDialog(None, dataset, dataset.edition(), ChartOptions(), None, frozenset(), settings, runner,
                          choose_path=lambda suggested, fmt: str(out))
    qtbot.addWidget(dialog)
    dialog.page.setCurrentIndex(dialog.page.findData("a4"))
    with qtbot.waitSignal(dialog.export_finished, timeout=15000) as blocker:
        dialog.start_export()
    assert blocker.args[0].warnings
    boxes = _close_boxes("export-warnings")
    assert boxes and "branche" in boxes[0].informativeText()


# --- printing ------------------------------------------------------------------------------------------


def test_print_paints_the_chart_on_the_page(qtbot, env, tmp_path, monkeypatch):
    from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

    from iomviewer.ui import printing

    dataset, edition, _settings, _runner = env
    out = tmp_path / "printed.pdf"

    def fake_exec(self):  # what the preview does when it draws or prints, without showing it
        printer = self.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        self.paintRequested.emit(printer)
        return 1

    monkeypatch.setattr(QPrintPreviewDialog, "exec", fake_exec)
    assert printing.print_chart(None, dataset, edition, ChartOptions(root="dept-a"), frozenset({"div-a1"})) == 1
    reader = PdfReader(str(out))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Département des relations extérieures" in text and "Structure 2021" in text
    assert "Division des partenariats internationaux" in text


def test_print_through_the_graphviz_runner(qtbot, env, tmp_path, monkeypatch):
    from iomviewer.ui import printing

    dataset, edition, _settings, runner = env
    shown = []
    monkeypatch.setattr(printing, "show_preview", lambda parent, svg, title: shown.append((svg, title)))
    with qtbot.waitSignal(runner.finished, timeout=15000):
        assert printing.print_chart(None, dataset, edition, ChartOptions(), runner=runner) is None
    svg, title = shown[0]
    assert svg.startswith(b"<?xml") and "Siège" in svg.decode("utf-8")
    assert title.endswith("Structure 2021")


def _estimate_shown(qtbot, dialog) -> str:
    qtbot.waitUntil(lambda: "estimation" not in dialog.text_size.text(), timeout=20000)
    return dialog.text_size.text()


def test_text_size_is_known_before_the_file_is_chosen(qtbot, env):
    from iomviewer.chart.export import estimate_text_size

    dataset, edition, *_ = env
    dialog = make_dialog(qtbot, env)
    dialog.scope_all.setChecked(True)
    dialog.format.setCurrentIndex(dialog.format.findData("pdf"))
    dialog.pages_per_branch.setChecked(False)
    dialog.page.setCurrentIndex(dialog.page.findData("a4"))
    text = _estimate_shown(qtbot, dialog)
    expected = estimate_text_size(dataset, edition, dialog.chart_options(), dialog.export_options())
    shown = float(re.search(r"(\d+[.,]\d) pt", text).group(1).replace(",", "."))
    assert shown == pytest.approx(expected, abs=0.051)
    assert "seulement" not in text  # five units on A4 are readable
    dialog.pages_per_branch.setChecked(True)
    assert "branche" in _estimate_shown(qtbot, dialog)


def test_text_size_warns_for_a_big_edition_on_a_slide(qtbot, tmp_path):
    from test_export import big_doc

    dataset = load_document(big_doc(directorates=5, departments=6, divisions=6))
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    runner = TaskRunner()
    dialog = ExportDialog(None, dataset, dataset.edition(), ChartOptions(), None, frozenset(), settings, runner,
                          choose_path=lambda *_: None)
    qtbot.addWidget(dialog)
    dialog.page.setCurrentIndex(dialog.page.findData("slide"))
    small = _estimate_shown(qtbot, dialog)
    assert "seulement" in small and "branche" in small
    dialog.reject()  # leaves no estimate running behind the closed dialog
    assert runner.wait(20000)


def test_subtitle_follows_the_scope_until_the_user_writes_one(qtbot, env, tmp_path):
    dialog = make_dialog(qtbot, env, tmp_path / "out.svg")
    dialog.scope_all.setChecked(True)
    assert dialog.subtitle.text() == "Structure 2021"
    dialog.scope_branch.setChecked(True)
    assert dialog.subtitle.text().endswith("Structure 2021") and "›" in dialog.subtitle.text()  # the branch's path
    dialog.subtitle.end(False)
    qtbot.keyClicks(dialog.subtitle, " (brouillon)")
    dialog.scope_all.setChecked(True)
    assert dialog.subtitle.text().endswith("(brouillon)")  # the user's text stays
    dialog.subtitle.clear()
    assert dialog.export_options().subtitle == ""  # empty: no subtitle on the page
    dialog.format.setCurrentIndex(dialog.format.findData("svg"))
    with qtbot.waitSignal(dialog.export_finished, timeout=20000):
        dialog.start_export()
    texts = " ".join(t.text or "" for t in ET.parse(tmp_path / "out.svg").getroot().iter("{http://www.w3.org/2000/svg}text"))
    assert "Organisation internationale pour les migrations" in texts and "Structure 2021" not in texts

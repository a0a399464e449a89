"""Names and mandates are data, never markup: Graphviz syntax, HTML, control and bidi characters.

Each view is asked what it *shows* (the plain text of a rich-text label or
document, the text items of the chart, the text of an SVG or a PDF), and
that must hold the data literally; no element, attribute or link may come
from the data.  Control characters cannot be shown; they must not act either
(no line break, no terminal escape, no malformed XML): they become a space
or a visible escape.
"""
from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QMessageBox

from fixtures import _unit, mini_doc, shown_window, temp_settings, write_doc
from iomviewer.core.loading import DatasetError, Problem, load_document

ROOT = Path(__file__).resolve().parents[1]

GRAPHVIZ = 'Cellule "q" ] ; {a} \\N \\l \\G \\E <B>gras</B> <TABLE><TR><TD>t</TD></TR></TABLE> fin'
MARKUP = "Unité <script>alert(1)</script> &amp; & <img src=x onerror=alert(2)> %s {0} {name}"
CONTROL = "Ctrl\x00nul\x07bel\x1b[31mrouge\ttab\r\nfin\u2028sep"
BIDI = "Bidi \u202egnp.exe\u202c \u2066iso\u2069 fin"
MANDATE = ('Mandat <a href="unit:oim">piège</a> <b>gras</b> &lt;déjà&gt; \\N "q" ; ] {x} \u202eRTL\u202c',
           "Deuxième\x1b[2J paragraphe <script>x()</script>")
NOTE = "Note <b>grasse</b> <img src=x> &amp;"

# What must be seen, whitespace aside (names wrap, control characters become spaces).
SHOWN = {
    "graphviz": ['"q"', "]", ";", "{a}", "\\N", "\\l", "\\G", "\\E", "<B>gras</B>", "<TABLE><TR><TD>t</TD></TR></TABLE>"],
    "markup": ["<script>alert(1)</script>", "&amp;", "&", "<img", "onerror=alert(2)>", "%s", "{0}", "{name}"],
    "control": ["Ctrl", "nul", "bel", "[31mrouge", "tab", "fin", "sep"],
    "bidi": ["gnp.exe", "iso", "fin"],
}
NAMES = {"graphviz": GRAPHVIZ, "markup": MARKUP, "control": CONTROL, "bidi": BIDI}
RAW_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def hostile_doc() -> dict:
    doc = copy.deepcopy(mini_doc())
    units = doc["editions"][0]["units"]
    for key, name in NAMES.items():
        units.append(_unit(f"h-{key}", name, "unit", "dept-b", list(MANDATE),
                           aliases=[{"text": "<u>alias</u> \\N"}], acronym="<i>AC</i>"))
    doc["editions"][0]["coverage"] = "partial"
    doc["editions"][0]["coverage_note"] = NOTE
    doc["default_edition"] = "ed-2021"
    return doc


def squash(text: str) -> str:
    # NFKC: PDF text comes back with ligatures (ﬁ).
    return "".join(unicodedata.normalize("NFKC", text).split())


def assert_shows(text: str, key: str) -> None:
    flat = squash(text)
    for piece in SHOWN[key]:
        assert squash(piece) in flat, (key, piece, text[:300])


def shown_by(label: QLabel) -> str:
    """The text a QLabel displays: rich text rendered, plain text as is."""
    fmt = label.textFormat()
    rich = fmt == Qt.TextFormat.RichText or (fmt == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(label.text()))
    if not rich:
        return label.text()
    doc = QTextDocument()
    doc.setHtml(label.text())
    return doc.toPlainText()


@pytest.fixture(scope="module")
def dataset():
    return load_document(hostile_doc())


# --- the window ----------------------------------------------------------------------------------


@pytest.fixture
def window(qtbot, tmp_path, dataset):
    with shown_window(qtbot, dataset, temp_settings(tmp_path)) as win:
        yield win


@pytest.mark.gui
def test_tree_shows_names_literally(window):
    model = window.tree.model
    for key, name in NAMES.items():
        index = model.index_for_id(f"h-{key}")
        shown = model.data(index, Qt.ItemDataRole.DisplayRole)
        assert_shows(shown, key)
        assert not RAW_CONTROLS.search(shown) and "\n" not in shown, repr(shown)
        tip = model.data(index, Qt.ItemDataRole.ToolTipRole)
        if tip:
            doc = QTextDocument()
            doc.setHtml(tip)
            assert_shows(doc.toPlainText(), key)


@pytest.mark.gui
def test_chart_shows_names_literally(window):
    window.chart.reset_zoom()  # texts are left out when zoomed far out (chart_view's level of detail)
    texts = [t.text() for node in window.chart.node_items().values() for t in node.texts]
    joined = " ".join(texts)
    for key in NAMES:
        assert_shows(joined, key)
    assert not RAW_CONTROLS.search(joined)
    assert "h-graphviz" not in joined  # \N never became the node's name
    for key in NAMES:
        tip = window.chart.node_item(f"h-{key}").tooltip_html()  # set lazily on hover
        doc = QTextDocument()
        doc.setHtml(tip)
        assert_shows(doc.toPlainText(), key)


@pytest.mark.gui
def test_detail_pane_shows_name_and_mandate_literally_and_links_only_the_apps_own(window):
    for key in NAMES:
        window.select_unit(f"h-{key}")
        text = window.detail.toPlainText()
        assert_shows(text, key)
        for piece in ('<a href="unit:oim">piège</a>', "<b>gras</b>", "&lt;déjà&gt;", "<script>x()</script>",
                      "<u>alias</u>", "<i>AC</i>"):
            assert squash(piece) in squash(text), piece
        document = window.detail.browser.document()
        block = document.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                if "piège" in fragment.text() or "alias" in fragment.text():
                    assert not fragment.charFormat().isAnchor(), fragment.text()
                it += 1
            block = block.next()


@pytest.mark.gui
def test_detail_pane_does_not_pass_control_characters(window):
    window.select_unit("h-control")
    text = window.detail.toPlainText()
    assert not RAW_CONTROLS.search(text), repr(text[:400])


@pytest.mark.gui
def test_partial_edition_notice_shows_the_note_literally(window):
    assert window.notice.isVisibleTo(window)
    assert "<b>grasse</b>" in shown_by(window.notice) and "&amp;" in shown_by(window.notice)


def test_search_results_show_names_literally():
    from iomviewer.ui.search_results import highlighted_html

    for key, name in NAMES.items():
        doc = QTextDocument()
        doc.setHtml(highlighted_html(name, [(0, min(4, len(name)))]))
        assert_shows(doc.toPlainText(), key)


# --- dialogs (ui/dialogs.py, ui/errors.py) -----------------------------------------------------------


def _labels(box: QMessageBox) -> list[str]:
    return [shown_by(label) for label in box.findChildren(QLabel) if label.text()]


@pytest.mark.gui
def test_dataset_problem_dialog_shows_markup_from_the_file_literally(qtbot):
    from iomviewer.ui.dialogs import show_dataset_problems

    error = DatasetError([Problem("clé « <b>x</b> » en double", "$.a"), Problem("<img src=x> & <i>i</i>", "$.b")],
                         path="/tmp/<i>nom</i>.json")
    box = show_dataset_problems(None, error)
    qtbot.addWidget(box)
    shown = "\n".join(_labels(box))
    for piece in ("<b>x</b>", "<img src=x> & <i>i</i>", "/tmp/<i>nom</i>.json"):
        assert piece in shown, (piece, shown)
    box.close()


@pytest.mark.gui
def test_error_dialog_shows_the_exception_literally(qtbot, monkeypatch, tmp_path):
    from iomviewer.ui import errors

    monkeypatch.setattr(errors, "log_folder", lambda: tmp_path)
    handler = errors.ErrorHandler()
    try:
        raise ValueError("<b>boom</b> & <img src=x>")
    except ValueError as exc:
        handler.caught.append("trace")
        box = handler._show(exc)
    qtbot.addWidget(box)
    shown = "\n".join(_labels(box))
    assert "<b>boom</b> & <img src=x>" in shown, shown
    box.close()


# --- exports -----------------------------------------------------------------------------------------

SVG_ELEMENTS = {"svg", "g", "path", "polygon", "polyline", "ellipse", "text", "title", "defs", "rect", "line",
                "linearGradient", "radialGradient", "stop", "clipPath", "image", "tspan", "desc", "metadata",
                "style", "a"}


@pytest.mark.parametrize("fmt", ["svg", "pdf", "png"])
def test_exports_show_names_literally_and_svg_has_no_markup_from_data(dataset, tmp_path, fmt):
    from iomviewer.chart.build import ChartOptions
    from iomviewer.chart.export import ExportOptions, export_chart

    out = tmp_path / f"chart.{fmt}"
    export_chart(dataset, dataset.edition("ed-2021"), ChartOptions(), ExportOptions(format=fmt, title=MARKUP), out)
    if fmt == "png":
        assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        return
    if fmt == "svg":
        raw = out.read_text(encoding="utf-8")
        root = ET.fromstring(raw)  # control characters would make it malformed XML
        tags = {el.tag.rsplit("}", 1)[-1] for el in root.iter()}
        assert tags <= SVG_ELEMENTS, tags - SVG_ELEMENTS
        assert not tags & {"script", "foreignObject", "img", "b", "i", "u", "iframe"}
        for el in root.iter():
            for attr, value in el.attrib.items():
                assert not attr.rsplit("}", 1)[-1].lower().startswith("on"), attr
                assert "javascript:" not in value.lower() and "unit:oim" not in value, (attr, value)
            if el.tag.endswith("}a"):
                href = el.get("{http://www.w3.org/1999/xlink}href") or el.get("href") or ""
                assert not href or href.startswith("#"), href
        text = " ".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
    else:
        from pypdf import PdfReader

        text = " ".join(page.extract_text() or "" for page in PdfReader(str(out)).pages)
    for key in NAMES:
        assert_shows(text, key)
    assert squash(MARKUP) in squash(text)  # the title too


def test_pdf_dossier_shows_mandates_literally(dataset, tmp_path):
    from pypdf import PdfReader

    from iomviewer.chart.build import ChartOptions
    from iomviewer.chart.export import ExportOptions, export_chart

    out = tmp_path / "dossier.pdf"
    export_chart(dataset, dataset.edition("ed-2021"), ChartOptions(),
                 ExportOptions(format="pdf", pages_per_branch=True, mandates=True), out)
    text = squash(" ".join(page.extract_text() or "" for page in PdfReader(str(out)).pages))
    for piece in ('<a href="unit:oim">piège</a>', "<b>gras</b>", "&lt;déjà&gt;", "<script>x()</script>", "\\N"):
        assert squash(piece) in text, piece


# --- command line -------------------------------------------------------------------------------------


def _cli(tmp_path, *args):
    path = write_doc(tmp_path, hostile_doc())
    env = dict(os.environ, IOMVIEWER_CACHE_DIR="off", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "iomviewer", *args, "--data", str(path)], capture_output=True,
                          timeout=60, env=env)


def test_cli_json_keeps_the_exact_text(tmp_path):
    proc = _cli(tmp_path, "show", "h-control", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["name"] == CONTROL and data["mandate"].startswith(MANDATE[0])


def test_cli_text_output_does_not_pass_control_characters_to_the_terminal(tmp_path):
    for args in (("show", "h-control"), ("list",), ("search", "Ctrl")):
        proc = _cli(tmp_path, *args)
        assert proc.returncode == 0, proc.stderr
        out = proc.stdout.decode("utf-8")
        assert "\x1b" not in out and "\x00" not in out and "\x07" not in out, (args, out[:300])

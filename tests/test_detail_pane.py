"""The detail pane shows what the data says about a unit, escaped, with unit links."""
from __future__ import annotations

import pytest
from fixtures import mini_doc, variant
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QGuiApplication

from iomviewer.core.diff import WordOp
from iomviewer.core.loading import load_document
from iomviewer.ui.detail_pane import DetailPane, unit_href, unit_id_from_url

pytestmark = pytest.mark.gui

HOSTILE = '<script>alert(1)</script> & "x"'


@pytest.fixture
def pane(qtbot):
    widget = DetailPane()
    qtbot.addWidget(widget)
    widget.resize(480, 700)
    return widget


def rich_doc() -> dict:
    """The mini dataset with links, history and a partial edition added."""

    def mutate(doc: dict) -> None:
        units = {u["id"]: u for u in doc["editions"][0]["units"]}
        units["div-a2"]["links"] = [
            {"type": "supervised_on_behalf_of", "target": "siege", "evidence": "« supervise au nom du DG » (test, l. 3)"},
            {"type": "alternative_parent", "target": "oim", "evidence": "autre lecture possible"},
        ]
        doc["history"] = [{
            "unit": "div-a2", "type": "succession", "from_edition": "ed-2021", "to_edition": "ed-2022",
            "old_name": "Division de la santé", "new_name": "Division Migration et santé",
            "evidence": "même mandat", "sources": [{"file": "test.txt", "lines": [4]}],
        }]
        doc["editions"][1]["coverage"] = "partial"
        doc["editions"][1]["coverage_note"] = "Seul le Bureau du chef de cabinet."

    return variant(mutate)


def test_empty_state_shows_a_hint(pane):
    pane.show_unit(None, None, None)
    assert "Sélectionnez une unité" in pane.toPlainText()
    assert pane.banner.isHidden()


def test_shows_name_kind_path_mandate_and_children(pane):
    ds = load_document(mini_doc())
    pane.show_unit(ds, ds.edition("ed-2021"), "dept-a")
    text = pane.toPlainText()
    assert text.startswith("Département des relations extérieures")
    assert "Département\n" in text  # the kind label
    assert "OIM › Siège" in text
    assert "Autres noms : Relations extérieures" in text
    assert "Le Département appuie et coordonne les relations de l’Organisation." in text
    assert "Unités rattachées (2)" in text
    assert "Division des partenariats internationaux — Division" in text
    html = pane.browser.toHtml()
    for uid in ("oim", "siege", "div-a1", "div-a2"):
        assert f'href="{unit_href(uid)}"' in html
    assert "Présent dans les éditions" in text and "Structure 2021 (affichée)" in text


def test_mention_and_no_mandate(pane):
    ds = load_document(mini_doc())
    pane.show_unit(ds, ds.edition("ed-2021"), "unit-a21")
    assert "Mentionné dans le texte : « l’Unité Migration et vaccination »" in pane.toPlainText()

    doc = variant(lambda d: d["editions"][0]["units"][5].update(mention=None))
    ds = load_document(doc)
    pane.show_unit(ds, ds.edition("ed-2021"), "unit-a21")
    assert "Pas de mandat dans les sources" in pane.toPlainText()


def test_unit_links_emit_the_unit_id(pane, qtbot):
    ds = load_document(mini_doc())
    pane.show_unit(ds, ds.edition("ed-2021"), "dept-a")
    with qtbot.waitSignal(pane.unit_link_activated) as blocker:
        pane.browser.anchorClicked.emit(QUrl(unit_href("div-a2")))
    assert blocker.args == ["div-a2"]
    # Other schemes are ignored, and the browser never navigates away.
    with qtbot.assertNotEmitted(pane.unit_link_activated):
        pane.browser.anchorClicked.emit(QUrl("https://example.org/"))
    assert "Département des relations extérieures" in pane.toPlainText()


def test_unit_ids_survive_the_url_round_trip():
    for uid in ("dept-a", "a b/c?d#e", "é<&>\""):
        assert unit_id_from_url(QUrl(unit_href(uid))) == uid
    assert unit_id_from_url(QUrl("http://x/")) is None


def test_links_activate_with_the_keyboard(pane, qtbot):
    ds = load_document(mini_doc())
    pane.show_unit(ds, ds.edition("ed-2021"), "dept-a")
    pane.show()
    qtbot.waitExposed(pane)
    pane.browser.setFocus()
    qtbot.keyClick(pane.browser, Qt.Key.Key_Tab)  # the first link: the root, « OIM »
    with qtbot.waitSignal(pane.unit_link_activated) as blocker:
        qtbot.keyClick(pane.browser, Qt.Key.Key_Return)
    assert blocker.args == ["oim"]


def test_text_is_copyable_with_the_keyboard(pane, qtbot):
    ds = load_document(mini_doc())
    pane.show_unit(ds, ds.edition("ed-2021"), "siege")
    pane.show()
    qtbot.waitExposed(pane)
    pane.browser.setFocus()
    qtbot.keyClick(pane.browser, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(pane.browser, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text().startswith("Siège")


def test_hostile_text_renders_literally(pane):
    def mutate(doc: dict) -> None:
        unit = doc["editions"][0]["units"][2]
        unit["name"] = HOSTILE
        unit["mandate"] = [HOSTILE, "L\u200fA\u202e <b>gras</b>"]
        unit["aliases"] = [{"text": HOSTILE}]
        doc["editions"][0]["units"][6]["links"][0]["evidence"] = HOSTILE

    ds = load_document(variant(mutate))
    pane.show_unit(ds, ds.edition("ed-2021"), "dept-a")
    text = pane.toPlainText()
    assert text.startswith(HOSTILE)
    assert text.count(HOSTILE) >= 3
    assert "<b>gras</b>" in text
    html = pane.browser.toHtml()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in html
    assert "<script>" not in html
    # dept-b links to dept-a: the hostile name is its link text, the evidence below it.
    pane.show_unit(ds, ds.edition("ed-2021"), "dept-b")
    assert pane.toPlainText().count(HOSTILE) == 2
    assert "<script>" not in pane.browser.toHtml()


def test_links_alternatives_incoming_and_history(pane):
    ds = load_document(rich_doc())
    pane.show_unit(ds, ds.edition("ed-2021"), "div-a2")
    text = pane.toPlainText()
    assert "supervisé au nom du Directeur général par :\nSiège" in text
    assert "« supervise au nom du DG » (test, l. 3)" in text
    assert "Autre lecture" in text and "Organisation internationale pour les migrations\nautre lecture possible" in text
    assert "Remplacé par « Division Migration et santé » (édition « Révision 2022 »)" in text
    assert "test.txt, l. 1, 4 — Test" in text

    pane.show_unit(ds, ds.edition("ed-2021"), "dept-a")
    assert "appuie cette unité :\nDépartement de la gestion financière et administrative" in pane.toPlainText()
    pane.show_unit(ds, ds.edition("ed-2021"), "siege")
    assert "Liens vers cette unité" in pane.toPlainText()
    pane.show_unit(ds, ds.edition("ed-2021"), "oim")
    assert "Une autre lecture des sources rattache ici :\nDivision Migration et santé" in pane.toPlainText()


def test_history_seen_from_the_later_edition(pane):
    ds = load_document(rich_doc())
    pane.show_unit(ds, ds.edition("ed-2022"), "div-a2")
    text = pane.toPlainText()
    assert "Succède à « Division de la santé » (édition « Structure 2021 ») selon :\nmême mandat" in text
    assert "Remplacé par" not in text


def test_partial_edition_shows_a_banner(pane):
    ds = load_document(rich_doc())
    pane.show_unit(ds, ds.edition("ed-2022"), "cab")
    assert not pane.banner.isHidden()
    assert "Seul le Bureau du chef de cabinet." in pane.banner.text()
    pane.show_unit(ds, ds.edition("ed-2021"), "oim")
    assert pane.banner.isHidden()


def test_mandate_diff_and_back(pane):
    ds = load_document(mini_doc())
    pane.show_unit(ds, ds.edition("ed-2022"), "dept-a")
    ops = [WordOp("equal", "Le Département "), WordOp("delete", "<aide>"), WordOp("insert", "appuie & coordonne"),
           WordOp("equal", " les relations.\n\nSecond paragraphe.")]
    pane.set_mandate_diff(ops)
    text = pane.toPlainText()
    assert "Mandat — modifications" in text
    # The deleted and the inserted phrase apart, as words: "<aide> appuie", never "<aide>appuie".
    assert "Le Département <aide> appuie & coordonne les relations.\nSecond paragraphe." in text
    html = pane.browser.toHtml()
    assert "line-through" in html and "underline" in html
    pane.set_mandate_diff(None)
    assert "modifications" not in pane.toPlainText()
    assert "avec ses États Membres" in pane.toPlainText()


@pytest.mark.parametrize("text", ["Santé & <b>migrations</b>", "l'OIM \"ONU\"", "&amp; déjà", "a\nb", "\x1b[31m"])
def test_escaping_is_html_escape_with_controls_shown_as_spaces(text):
    import html
    import re

    from iomviewer.ui.detail_pane import esc

    expected = html.escape(re.sub("[\x00-\x09\x0b-\x1f\x7f-\x9f]", " ", text), quote=True).replace("\n", "<br>")
    assert esc(text) == expected

"""The search box, driven from the keyboard as a user would."""
from __future__ import annotations

import pytest
from fixtures import mini_doc
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QStyleOptionViewItem, QVBoxLayout, QWidget

from iomviewer.core.loading import load_document
from iomviewer.core.search import SearchIndex
from iomviewer.ui.search_box import SearchBox
from iomviewer.ui.search_results import elide_snippet, highlighted_html, word_spans

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def index():
    return SearchIndex(load_document(mini_doc()).edition("ed-2021"))


@pytest.fixture
def window(qtbot, index):
    """A SearchBox with another focusable widget beside it, shown and focused."""
    host = QWidget()
    other = QLineEdit()
    box = SearchBox()
    layout = QVBoxLayout(host)
    layout.addWidget(box)
    layout.addWidget(other)
    qtbot.addWidget(host)
    host.resize(320, 480)
    box.set_index(index)
    host.show()
    qtbot.waitExposed(host)
    host.activateWindow()
    other.setFocus()
    box.focus_search()
    yield box, other
    del host  # owns both widgets: keep it alive for the whole test


def type_query(qtbot, box: SearchBox, text: str) -> list:
    with qtbot.waitSignal(box.query_changed) as blocker:
        qtbot.keyClicks(box.edit, text)
    return blocker.args


def test_typing_shows_results(window, qtbot):
    box, _ = window
    assert type_query(qtbot, box, "sante") == ["sante"]
    assert box.view.isVisible()
    assert [r.unit_id for r in box.results()][0] == "div-a2"
    assert box.status.text().endswith(("résultat", "résultats"))
    assert box.edit.hasFocus()


def test_down_and_enter_choose_a_result_without_leaving_the_line_edit(window, qtbot):
    box, _ = window
    type_query(qtbot, box, "sante")
    qtbot.keyClick(box.edit, Qt.Key.Key_Down)
    assert box.view.currentIndex().row() == 0
    with qtbot.waitSignal(box.result_chosen) as blocker:
        qtbot.keyClick(box.edit, Qt.Key.Key_Return)
    assert blocker.args == ["div-a2"]
    assert box.edit.hasFocus()


def test_up_and_down_stay_within_the_results(window, qtbot):
    box, _ = window
    type_query(qtbot, box, "division")
    count = box.model.rowCount()
    assert count >= 2
    for _ in range(count + 3):
        qtbot.keyClick(box.edit, Qt.Key.Key_Down)
    assert box.view.currentIndex().row() == count - 1
    for _ in range(count + 3):
        qtbot.keyClick(box.edit, Qt.Key.Key_Up)
    assert box.view.currentIndex().row() == 0


def test_enter_without_moving_chooses_the_first_result(window, qtbot):
    box, _ = window
    type_query(qtbot, box, "partenariats")
    first = box.results()[0].unit_id
    with qtbot.waitSignal(box.result_chosen) as blocker:
        qtbot.keyClick(box.edit, Qt.Key.Key_Enter)
    assert blocker.args == [first]


def test_clicking_a_result_chooses_it(window, qtbot):
    box, _ = window
    type_query(qtbot, box, "division")
    rect = box.view.visualRect(box.model.index(1))
    with qtbot.waitSignal(box.result_chosen) as blocker:
        qtbot.mouseClick(box.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [box.results()[1].unit_id]
    assert box.edit.hasFocus()  # the list never takes the focus


def test_escape_clears_then_returns_focus(window, qtbot):
    box, other = window
    type_query(qtbot, box, "sante")
    with qtbot.waitSignal(box.cleared):
        qtbot.keyClick(box.edit, Qt.Key.Key_Escape)
    assert box.query() == ""
    assert not box.view.isVisible() and not box.status.isVisible()
    with qtbot.waitSignal(box.escape_pressed):
        qtbot.keyClick(box.edit, Qt.Key.Key_Escape)
    assert other.hasFocus()


def test_no_result(window, qtbot):
    box, _ = window
    type_query(qtbot, box, "zzzqqq")
    assert box.status.text() == "Aucun résultat"
    assert not box.view.isVisible()
    with qtbot.assertNotEmitted(box.result_chosen):
        qtbot.keyClick(box.edit, Qt.Key.Key_Return)


def test_a_burst_of_keys_searches_once(window, qtbot):
    box, _ = window
    seen = []
    box.query_changed.connect(seen.append)
    qtbot.keyClicks(box.edit, "migration")
    qtbot.waitUntil(lambda: bool(seen))
    qtbot.wait(10)
    assert seen == ["migration"]


def test_erasing_the_query_emits_cleared(window, qtbot):
    box, _ = window
    type_query(qtbot, box, "se")
    with qtbot.waitSignal(box.cleared):
        qtbot.keyClick(box.edit, Qt.Key.Key_Backspace)
        qtbot.keyClick(box.edit, Qt.Key.Key_Backspace)
    assert not box.view.isVisible()


def test_focus_search_selects_the_query(window, qtbot):
    box, other = window
    type_query(qtbot, box, "siege")
    other.setFocus()
    box.focus_search()
    assert box.edit.hasFocus() and box.edit.selectedText() == "siege"


def test_waits_for_the_index_then_searches(window, qtbot, index):
    box, _ = window
    box.set_index(None)
    qtbot.keyClicks(box.edit, "sante")
    qtbot.waitUntil(lambda: box.status.text() == "Index en préparation…")
    with qtbot.waitSignal(box.query_changed):
        box.set_index(index)
    assert box.results()[0].unit_id == "div-a2"


def test_rows_paint(window, qtbot):
    box, _ = window
    type_query(qtbot, box, "division")
    image = box.grab().toImage()
    assert not image.isNull()
    assert box.view.sizeHintForRow(0) >= 2 * box.fontMetrics().height()


def test_highlighted_html_escapes_everything():
    text = '<script>alert(1)</script> & "santé"'
    out = highlighted_html(text, [(text.index("santé"), text.index("santé") + 5)])
    assert "<script>" not in out and "&lt;script&gt;" in out and "&amp;" in out
    assert ">santé</span>" in out


def test_elide_snippet_keeps_the_first_match_in_view():
    text = "a" * 50 + " le mot santé est ici " + "b" * 50
    start = text.index("santé")
    short, spans = elide_snippet(text, [(start, start + 5)], lambda s: len(s) <= 30)
    assert len(short) <= 30 and short.startswith("…") and short.endswith("…")
    assert [short[s:e] for s, e in spans] == ["santé"]
    same, same_spans = elide_snippet("santé\nici", [(0, 5)], lambda s: True)
    assert same == "santé ici" and same_spans == [(0, 5)]


def test_word_spans_fold_like_the_search():
    name = "Division Migration et santé"
    assert [name[s:e] for s, e in word_spans(name, "SANTE migr")] == ["Migration", "santé"]
    assert word_spans(name, "et") == []  # stop words are not marked


def test_rows_say_why_they_matched(window, qtbot):
    box, _ = window
    type_query(qtbot, box, "relations exterieures")
    row = next(i for i, r in enumerate(box.results()) if r.unit_id == "dept-a")
    assert box.results()[row].field == "alias"
    option = QStyleOptionViewItem()
    option.initFrom(box.view)
    doc = box.delegate._build_document(box.results()[row], box.query(), option, 400, False)
    lines = doc.toPlainText().splitlines()
    assert lines[0] == "Département des relations extérieures"
    assert lines[1] == "Département · autre nom : Relations extérieures"


def test_the_results_list_is_made_once_needed_not_at_start(qtbot):
    import subprocess
    import sys

    code = "import sys, iomviewer.ui.search_box; print('iomviewer.ui.search_results' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={"PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen"})
    assert out.stdout.strip() == "False", out.stderr
    box = SearchBox()
    qtbot.addWidget(box)
    assert box._view is None and box.results() == []
    box.clear()  # nothing to clear: still not made
    assert box._view is None
    box.prepare()  # the window calls it once drawn
    assert box._view is not None and not box._view.isVisible()


def test_the_clear_button_comes_with_the_results_list(window, qtbot):
    box, _other = window
    assert not box.edit.isClearButtonEnabled()  # not needed for the first paint: the field is empty
    type_query(qtbot, box, "migration")  # QTest types ASCII only
    assert box.edit.isClearButtonEnabled()

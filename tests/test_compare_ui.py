"""Compare mode as a user drives it: start, see the marks, walk the change list, leave."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from iomviewer.ui.tree_model import MarkRole, MarksRole

pytestmark = pytest.mark.gui

A, B = "structure-2021", "revision-2022"


def start(qtbot, win, a=A, b=B):
    assert win.start_compare(a, b)
    def drawn() -> bool:
        node = win.chart.node_item("bureau-chef-cabinet" if a != "dcip-2011" else "comite-executif")
        return node is not None and bool(node.drawn_marks())

    qtbot.waitUntil(drawn, timeout=20000)


def test_compare_mode_is_shown_as_a_mode_and_left_cleanly(qtbot, window):
    before_title = window.windowTitle()
    start(qtbot, window)
    assert window.compare_bar.isVisible() and "→" in window.compare_bar.label.text()
    assert window.change_list.isVisible()
    assert window.actions_.leave_compare.isEnabled()
    assert window.edition.id == f"{A}..{B}"
    # The chart draws the marks (Graphviz), the tree shows them too.
    node = window.chart.node_item("bureau-chef-cabinet")
    assert node.drawn_marks() == ("added",) and "ajoutée" in node.text()
    assert "déplacée" in window.chart.node_item("bureau-executif").text()
    index = window.tree.model.index_for_id("bureau-executif")
    assert index.data(MarkRole) == "moved" and index.data(MarksRole) == ("moved", "mandate_changed")
    assert window.legend.text().count("ajoutée") == 1 and "ancien rattachement" in window.legend.text()
    # Leave: one edition again, nothing of the comparison left behind.
    window.actions_.leave_compare.trigger()
    qtbot.waitUntil(lambda: window.chart.node_item("bureau-chef-cabinet") is not None
                    and not bool(window.chart.node_item("bureau-chef-cabinet").drawn_marks()), timeout=20000)
    assert window.edition.id == B and window.comparison is None
    assert not window.compare_bar.isVisible() and not window.change_list.isVisible()
    assert window.tree.model.index_for_id("bureau-executif").data(MarkRole) is None
    assert window.tree.proxy.filter_ids() is None
    assert window.windowTitle() == before_title
    assert not window.actions_.leave_compare.isEnabled()


def test_change_list_groups_counts_and_selects_everywhere(qtbot, window):
    start(qtbot, window)
    panel = window.change_list
    tops = [panel.tree.topLevelItem(i).text(0) for i in range(panel.tree.topLevelItemCount())]
    assert any("Ajoutées (5)" in t for t in tops) and any("Mandat modifié (13)" in t for t in tops)
    assert len(panel.unit_ids()) == 5 + 1 + 13
    # A click on a change selects the unit in the chart, the tree and the pane.
    item = panel._items["bureau-executif"][0]
    # The comparison's chart may come from the layout cache at once: let the
    # list be laid out on screen before clicking in it.
    qtbot.waitUntil(lambda: panel.tree.viewport().height() > 0 and panel.tree.viewport().isVisible())
    panel.tree.scrollToItem(item)
    qtbot.waitUntil(lambda: panel.tree.visualItemRect(item).isValid())
    rect = panel.tree.visualItemRect(item)
    with qtbot.waitSignal(window.selection_changed, timeout=3000):
        qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.selected_unit == "bureau-executif"
    assert window.tree.current_unit() == "bureau-executif"
    assert window.chart.selected_unit() == "bureau-executif"
    text = window.detail.toPlainText()
    assert "Rattachement dans A" in text and "Siège" in text and "Bureau du chef de cabinet" in text
    assert "Mandat — modifications" in text  # word diff of the mandate
    # Keyboard: arrows in the list move the selection too.
    panel.tree.setFocus()
    for _ in range(3):  # past the headers of the next group and branch
        qtbot.keyClick(panel.tree, Qt.Key.Key_Down)
    assert window.selected_unit == panel.tree.currentItem().data(0, Qt.ItemDataRole.UserRole + 1) == "bureau-executif"
    # Selecting elsewhere follows in the list, quietly.
    window.select_unit("pole-donnees-asie-pacifique")
    assert panel.tree.currentItem().data(0, Qt.ItemDataRole.UserRole + 1) == "pole-donnees-asie-pacifique"


def test_changes_only_filters_the_tree(qtbot, window):
    start(qtbot, window)
    window.actions_.changes_only.setChecked(True)
    ids = window.tree.proxy.filter_ids()
    assert "bureau-executif" in ids and "conseil" not in ids
    window.actions_.changes_only.setChecked(False)
    assert window.tree.proxy.filter_ids() is None


def test_renames_and_successions_with_evidence_and_partial_coverage(qtbot, window):
    start(qtbot, window, "dcip-2011", B)
    window.select_unit("dept-relations-exterieures")
    text = window.detail.toPlainText()
    assert "Succède à « Département de la coopération internationale et des partenariats »" in text
    assert "selon" in text and "(003, l. 40)" in text
    # The partial 2011 page hangs it from the root: shown as another reading, not a move.
    assert "Autre lecture" in text
    # Units the 2011 pages do not describe are not "added".
    assert "ajoutée" not in window.tree.model.index_for_id("bureau-executif").data(Qt.ItemDataRole.ToolTipRole)
    assert window.notice.isVisible()
    # The removed Comité exécutif is in the chart, ghosted.
    assert window.chart.node_item("comite-executif").drawn_marks() == ("removed",)


def test_compare_dialog_and_invalid_requests(qtbot, window):
    from iomviewer.ui.compare_dialog import CompareDialog

    dialog = CompareDialog(window.dataset, None, B, window)
    qtbot.addWidget(dialog)
    assert dialog.editions() == (A, B)  # the full edition before B
    dialog.swap()
    assert dialog.editions() == (B, A)
    dialog.box_a.setCurrentIndex(dialog.box_b.currentIndex())
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    assert not window.start_compare(A, A) and not window.start_compare("nope", B)
    assert window.comparison is None


def test_compare_state_is_not_saved_as_the_edition(qtbot, window, settings):
    start(qtbot, window)
    window._save_settings()
    assert settings.get("data/edition") == B
    # Choosing an edition in the toolbar leaves compare mode.
    window.set_edition("structure-2021")
    assert window.comparison is None and window.edition.id == "structure-2021"


def test_fold_unchanged_and_swap_leave_normal_mode_untouched(qtbot, window):
    start(qtbot, window)
    window.compare_bar.fold_button.setChecked(True)
    assert "bureau-executif" in window.chart_controller.options.collapsed
    qtbot.waitUntil(lambda: window.chart.node_item("bureau-regional-bangkok") is not None
                    and window.chart.node_item("conseillers-regionaux-principaux") is None, timeout=20000)
    window.compare_bar.swap_button.click()
    assert (window.comparison.diff.a, window.comparison.diff.b) == (B, A)
    assert "ajoutée" not in window.compare_bar.label.text()
    assert window.comparison.changes.marks_of("bureau-chef-cabinet") == ("removed",)
    assert "bureau-executif" in window.chart_controller.options.collapsed  # still folded after the swap
    window.leave_compare()
    assert window.chart_controller.options.collapsed == frozenset()
    assert window.edition.id == B

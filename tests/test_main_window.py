"""The window as a user drives it: selection in step, search, editions, history, files, settings."""
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from fixtures import mini_doc, variant, write_doc
from iomviewer.core.loading import load_dataset
from iomviewer.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def wait_index(qtbot, win):
    qtbot.waitUntil(lambda: getattr(win, "_search_index", None) is not None, timeout=10000)


def test_selecting_in_the_tree_updates_chart_and_pane(qtbot, window):
    uid = "division-migration-sante"
    window.tree.select_unit(uid)  # programmatic: no echo
    assert window.selected_unit is None
    with qtbot.waitSignal(window.selection_changed, timeout=3000) as blocker:
        window.tree.unit_activated.emit(uid)  # what a user's click emits
    assert blocker.args == [uid]
    assert window.chart.selected_unit() == uid
    assert "Division Migration et santé" in window.detail.toPlainText()


def test_clicking_the_chart_updates_tree_and_pane(qtbot, window):
    uid = "division-tresorerie"
    item = window.chart.node_item(uid)
    window.chart.centerOn(item)
    qtbot.wait(50)
    pos = window.chart.mapFromScene(item.sceneBoundingRect().center())
    qtbot.mouseClick(window.chart.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert window.selected_unit == uid
    assert window.tree.current_unit() == uid
    assert "Division de la trésorerie" in window.detail.toPlainText()


def test_following_a_link_in_the_pane_selects_everywhere(qtbot, window):
    window.select_unit("dept-gestion-financiere-administrative")
    window.detail.unit_link_activated.emit("division-budget")
    assert window.selected_unit == "division-budget"
    assert window.tree.current_unit() == "division-budget"
    assert window.chart.selected_unit() == "division-budget"


def test_search_with_keyboard_only(qtbot, window):
    wait_index(qtbot, window)
    window.activateWindow()
    window.tree.setFocus()
    qtbot.keyClick(window.tree, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)  # Ctrl+F
    line = QApplication.focusWidget()
    assert line is not None and line.metaObject().className() == "QLineEdit"
    qtbot.keyClicks(line, "sante mentale")
    qtbot.waitUntil(lambda: "unite-sante-mentale-soutien-psychosocial" in window._highlighted, timeout=3000)
    assert window.chart.node_item("unite-sante-mentale-soutien-psychosocial") is not None
    qtbot.keyClick(line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.selected_unit == "unite-sante-mentale-soutien-psychosocial", timeout=3000)
    assert window.tree.current_unit() == "unite-sante-mentale-soutien-psychosocial"
    qtbot.keyClick(line, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window._highlighted, timeout=3000)


def test_a_unit_chosen_by_name_is_shown_where_its_name_can_be_read(qtbot, window):
    from iomviewer.ui.chart_view import REVEAL_ZOOM

    chart = window.chart
    chart.fit_all()  # the whole organisation: names too small to read
    fitted = chart.zoom()
    assert not chart.names_readable()
    window.tree.unit_activated.emit("division-budget")  # walking the tree keeps the overview
    assert chart.zoom() == pytest.approx(fitted)
    uid = "unite-sante-mentale-soutien-psychosocial"
    window.search.result_chosen.emit(uid)  # Enter or a click on a search result
    assert window.selected_unit == uid
    assert chart.zoom() == pytest.approx(REVEAL_ZOOM) and chart.names_readable()

    def on_screen(unit_id):  # its middle in view: centred as far as the chart's edges let it scroll
        return chart.viewport().rect().contains(
            chart.mapFromScene(chart.node_item(unit_id).sceneBoundingRect().center()))

    assert on_screen(uid)
    chart.set_zoom(2.0)  # readable already: a followed link only scrolls
    window.detail.unit_link_activated.emit("division-budget")
    assert chart.zoom() == pytest.approx(2.0)
    qtbot.waitUntil(lambda: on_screen("division-budget"), timeout=3000)


def test_a_deep_link_opens_on_its_unit_where_its_name_can_be_read(window):
    # iomviewer --select (app._select_initial): the cold start's layout comes later,
    # tests/test_chart_view.py covers that; here the chart is already there.
    from iomviewer.ui.chart_view import REVEAL_ZOOM

    window.chart.fit_all()
    assert window.select_unit("division-tresorerie", origin="link")
    assert window.chart.zoom() == pytest.approx(REVEAL_ZOOM)
    assert not window.chart.auto_fit  # the window's first-layout fit leaves it so (MainWindow._on_layout_ready)


def test_a_unit_the_chart_leaves_out_shows_its_nearest_ancestor_and_says_so(qtbot, window):
    from iomviewer.ui.chart_view import REVEAL_ZOOM

    folded, inside = "division-migration-sante", "unite-sante-mentale-soutien-psychosocial"
    with qtbot.waitSignal(window.chart_controller.layout_ready, timeout=10000):
        window.chart_controller.toggle_collapsed(folded)
    qtbot.waitUntil(lambda: window.chart.node_item(inside) is None, timeout=10000)
    window.chart.fit_all()
    window.search.result_chosen.emit(inside)
    assert window.selected_unit == inside and window.tree.current_unit() == inside
    assert window.chart.zoom() == pytest.approx(REVEAL_ZOOM)
    box = window.chart.node_item(folded).sceneBoundingRect().center()
    assert window.chart.viewport().rect().contains(window.chart.mapFromScene(box))
    message = window.statusBar().currentMessage()
    assert "Unité Santé mentale" in message and "Division Migration et santé" in message


def test_edition_switch_keeps_or_drops_the_selection(qtbot, window):
    window.select_unit("bureau-chef-cabinet")
    window.set_edition("structure-2021")  # the Bureau du chef de cabinet does not exist there
    assert window.selected_unit is None
    assert "n'existe pas" in window.statusBar().currentMessage()
    window.select_unit("division-budget")
    window.set_edition("revision-2022")
    assert window.selected_unit == "division-budget"
    assert window.tree.current_unit() == "division-budget"


def test_partial_edition_says_so(qtbot, window):
    window.set_edition("menu-2024")
    assert window.notice.isVisibleTo(window)
    assert "partielle" in window.notice.text()


def test_back_and_forward(qtbot, window):
    for uid in ("division-budget", "division-tresorerie", "dept-affaires-juridiques"):
        window.select_unit(uid)
    window.actions_.back.trigger()
    assert window.selected_unit == "division-tresorerie"
    window.actions_.back.trigger()
    assert window.selected_unit == "division-budget"
    window.actions_.forward.trigger()
    assert window.selected_unit == "division-tresorerie"
    assert window.tree.current_unit() == "division-tresorerie"


def test_opening_an_invalid_file_keeps_the_current_data(qtbot, window, tmp_path):
    bad = write_doc(tmp_path, variant(lambda d: d["editions"][0]["units"][3].update(parent="ghost")))
    before = window.dataset
    window.open_file(str(bad))
    qtbot.waitUntil(lambda: any(isinstance(w, QMessageBox) and w.isVisible() for w in QApplication.topLevelWidgets()),
                    timeout=10000)
    box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
    assert "ghost" in box.informativeText()
    box.close()
    assert window.dataset is before


def test_opening_a_valid_file(qtbot, window, tmp_path):
    good = write_doc(tmp_path, mini_doc())
    window.open_file(str(good))
    qtbot.waitUntil(lambda: window.dataset.path == str(good), timeout=10000)
    assert window.edition.id == "ed-2022"
    qtbot.waitUntil(lambda: window.chart.unit_count() == 7, timeout=10000)


def test_settings_are_restored(qtbot, settings):
    first = MainWindow(load_dataset(), settings)
    qtbot.addWidget(first)
    first.show()
    first.set_edition("structure-2021")
    first.select_unit("division-budget")
    first.actions_.left_right.trigger()
    first.depth_box.setValue(3)
    first.close()
    second = MainWindow(load_dataset(), settings)
    qtbot.addWidget(second)
    assert second.edition.id == "structure-2021"
    assert second.actions_.left_right.isChecked()
    assert second.depth_box.value() == 3
    assert second.chart_controller.options.rankdir == "LR"
    assert settings.get("data/selection") == "division-budget"
    first.layout_runner.wait(10000)
    second.layout_runner.wait(10000)


def smoke_test(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """Run `iomviewer --smoke-test *args` offscreen, its settings and data under tmp_path."""
    env = {"QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path),
           "XDG_DATA_HOME": str(tmp_path), "PATH": "/usr/bin:/bin", **env}
    return subprocess.run([sys.executable, "-m", "iomviewer", "--smoke-test", *args],
                          capture_output=True, text=True, timeout=120, env=env)


def test_smoke_test_and_select_from_the_command_line(tmp_path):
    proc = smoke_test(tmp_path, "--select", "santé mentale")
    assert proc.returncode == 0, proc.stderr
    assert "ready in" in proc.stdout and "unite-sante-mentale-soutien-psychosocial" in proc.stdout
    proc = smoke_test(tmp_path, "--select", "nothing at all here")
    assert proc.returncode == 2 and "aucune unité" in proc.stderr


def test_a_start_on_a_cached_chart_starts_the_dot_helper_only_once_the_window_is_drawn(tmp_path):
    deferred = "the dot helper starts after the first paint"
    runs = [smoke_test(tmp_path, "-v", XDG_CACHE_HOME=str(tmp_path / "cache")) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[-1].stderr
    assert deferred not in runs[0].stderr  # first start: the chart needs Graphviz at once
    assert deferred in runs[1].stderr  # then the chart comes from the cache
    assert all("Graphviz helper process OK" in r.stdout for r in runs)  # and the helper still works
    # The start imported PySide6 through iomviewer/pyside_bytecode.py: its entry was written.
    assert len(list((tmp_path / "cache" / "iomviewer" / "pyside-code").iterdir())) == 1


def test_smoke_test_opens_a_comparison_from_the_command_line(tmp_path):
    proc = smoke_test(tmp_path, "--compare", "structure-2021", "revision-2022")
    assert proc.returncode == 0, proc.stderr
    assert "édition structure-2021..revision-2022" in proc.stdout
    proc = smoke_test(tmp_path, "--compare", "structure-2021", "structure-2021")
    assert proc.returncode == 2 and "comparaison impossible" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_every_action_icon_renders_without_an_icon_theme(qtbot, window):
    from iomviewer.resources import resource
    from iomviewer.ui.actions import _ICONS

    a = window.actions_
    for action in (a.open, a.export, a.print, a.quit, a.back, a.forward, a.find, a.zoom_in, a.zoom_out, a.fit, a.about):
        assert not action.icon().pixmap(24, 24).isNull(), action.text()
    for _, ours in _ICONS.values():
        assert resource("icons", "actions", f"{ours}.svg").is_file()


def test_legend_lists_the_kinds_shown(qtbot, window):
    assert window.legend.isVisible()
    text = window.legend.text()
    assert "Département" in text and "Bureau régional" in text
    window.actions_.show_legend.trigger()
    assert not window.legend.isVisible()


@pytest.mark.parametrize("where", ["chart", "tree", "detail", "results", "changes", "window"])
def test_mouse_back_and_forward_buttons_walk_the_history(qtbot, window, where):
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QMouseEvent

    window.select_unit("siege", origin="code")
    window.select_unit("dept-relations-exterieures", origin="code")
    target = {"chart": lambda: window.chart.viewport(), "tree": lambda: window.tree.view.viewport(),
              "detail": lambda: window.detail.browser.viewport(), "results": lambda: window.search.view.viewport(),
              "changes": lambda: window.change_list.tree.viewport(), "window": lambda: window}[where]()

    def press(button):
        pos = QPointF(5, 5)
        event = QMouseEvent(QEvent.Type.MouseButtonPress, pos, target.mapToGlobal(pos), button, button,
                            Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(target, event)

    press(Qt.MouseButton.BackButton)
    assert window.selected_unit == "siege"
    press(Qt.MouseButton.ForwardButton)
    assert window.selected_unit == "dept-relations-exterieures"


def test_a_big_organisation_opens_depth_limited_with_a_notice_and_a_way_to_see_all(qtbot, settings):
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent / "benchmarks"))
    from synthetic_org import build

    from iomviewer.core.loading import load_document

    dataset = load_document(build(1000, seed=5))
    win = MainWindow(dataset, settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.chart.unit_count() > 0, timeout=60000)
    controller = win.chart_controller
    assert controller.auto_depth is not None
    assert win.scale_notice.isVisibleTo(win) and str(len(win.edition)) in win.scale_notice.text()
    assert win.chart.unit_count() <= controller.max_auto_units
    assert win.depth_box.text() == f"auto ({controller.auto_depth})"  # not "toutes"
    qtbot.waitUntil(lambda: getattr(win, "_search_index", None) is not None, timeout=60000)  # sliced, after the chart
    controller.max_auto_units = 10_000  # keep "everything" quick to lay out below
    with qtbot.waitSignal(win.chart_ready, timeout=120000):
        win.scale_notice.linkActivated.emit("all")
    assert not win.scale_notice.isVisibleTo(win) and win.chart.unit_count() == len(win.edition)
    assert win.depth_box.text() == "toutes"
    win.layout_runner.wait(60000)


def test_a_start_on_a_cached_view_draws_the_chart_before_the_first_paint(qtbot, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("IOMVIEWER_CACHE_DIR", str(tmp_path / "cache"))
    first = MainWindow(load_dataset(), settings)
    qtbot.addWidget(first)
    assert first.chart.unit_count() == 0  # nothing cached yet: laid out in a worker,
    assert not first.layout_runner.is_busy("layout")  # once the window is drawn
    first.show()
    qtbot.waitUntil(lambda: first.chart.unit_count() > 0, timeout=20000)
    drawn = first.chart.unit_count()
    first.close()
    first.layout_runner.wait(10000)

    second = MainWindow(load_dataset(), settings)
    qtbot.addWidget(second)
    # Read from the cache on the GUI thread, before any turn of the event loop.
    assert second.chart.unit_count() == drawn
    # The search index waits for the window's first paint, then builds.
    assert second._index_pending is not None
    second.show()
    qtbot.waitUntil(lambda: getattr(second, "_search_index", None) is not None, timeout=10000)
    second.close()


def test_a_corrupt_cached_layout_is_laid_out_again(qtbot, settings, tmp_path, monkeypatch):
    cache_dir = tmp_path / "cache"
    monkeypatch.setenv("IOMVIEWER_CACHE_DIR", str(cache_dir))
    first = MainWindow(load_dataset(), settings)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitUntil(lambda: first.chart.unit_count() > 0, timeout=20000)
    drawn = first.chart.unit_count()
    first.close()
    first.layout_runner.wait(10000)
    entries = list((cache_dir / "layout-records").iterdir())
    assert entries
    for entry in entries:
        entry.write_bytes(b"\x80\x05garbage")

    second = MainWindow(load_dataset(), settings)
    qtbot.addWidget(second)
    assert second.chart.unit_count() == 0  # the bad entry is a miss, not a crash
    second.show()
    qtbot.waitUntil(lambda: second.chart.unit_count() == drawn, timeout=20000)
    second.close()
    second.layout_runner.wait(10000)


def test_the_search_field_has_its_clear_button_once_the_window_is_drawn(window):
    assert window.search.edit.isClearButtonEnabled()

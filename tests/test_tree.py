"""The tree of units: a read-only model that agrees with the Edition, and a panel
that follows the user's keyboard and mouse and stays quiet when the window steers it."""
from __future__ import annotations

import pytest
from fixtures import mini_doc, variant
from PySide6.QtCore import QModelIndex, QModelRoleData, QModelRoleDataSpan, QSize, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon
from PySide6.QtTest import QSignalSpy

from iomviewer.chart.style import HIGHLIGHT_FILL, kind_style
from iomviewer.core.loading import DatasetError, load_dataset, load_document
from iomviewer.core.model import Edition
from iomviewer.ui.i18n import kind_label
from iomviewer.ui.tree_model import HighlightRole, KindRole, MarkRole, UnitIdRole, UnitTreeModel
from iomviewer.ui.tree_filter import UnitFilterProxy
from iomviewer.ui.tree_panel import TreePanel

pytestmark = pytest.mark.gui

R = Qt.ItemDataRole


@pytest.fixture(autouse=True)
def _gui(qapp):
    """Icons are pixmaps: every test here needs the QApplication."""


@pytest.fixture(scope="module")
def mini():
    return load_document(mini_doc())


@pytest.fixture
def ed21(mini) -> Edition:
    return mini.edition("ed-2021")  # oim › siege › dept-a › div-a2 › unit-a21 is its deepest branch


@pytest.fixture(scope="module")
def bundled():
    try:
        return load_dataset()
    except (DatasetError, OSError) as exc:  # the bundled data may still be on its way
        pytest.skip(f"bundled dataset unavailable: {exc}")


@pytest.fixture
def model(qtbot, ed21) -> UnitTreeModel:
    """A model whose every row a view has reached (the model numbers rows lazily)."""
    model = UnitTreeModel(ed21)
    reach_all(model)
    return model


def shown_panel(qtbot, edition: Edition, width: int = 320, height: int = 480) -> TreePanel:
    widget = TreePanel()
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.set_edition(edition)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def visible_rows(panel: TreePanel) -> list[str]:
    """Unit ids of the rows the view shows (expanded branches), top to bottom."""
    view, out = panel.view, []
    index = view.model().index(0, 0)
    while index.isValid():
        out.append(panel.model.unit_id(index))
        index = view.indexBelow(index)
    return out


@pytest.fixture
def panel(qtbot, ed21) -> TreePanel:
    widget = TreePanel()
    qtbot.addWidget(widget)
    widget.resize(320, 480)
    widget.set_edition(ed21)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def assert_model_matches(model, edition: Edition, unit_id_of=None) -> None:
    """Walk the Qt model from the invalid index and compare each level with the Edition."""
    unit_id_of = unit_id_of or (lambda index: index.data(UnitIdRole))

    def walk(index: QModelIndex, uid: str | None) -> int:
        kids = edition.children(uid)
        assert model.rowCount(index) == len(kids), uid
        assert model.hasChildren(index) == bool(kids), uid
        seen = 1
        for row, kid in enumerate(kids):
            child = model.index(row, 0, index)
            assert unit_id_of(child) == kid
            assert child.data(R.DisplayRole) == edition.unit(kid).name
            assert model.parent(child) == index
            seen += walk(child, kid)
        return seen

    assert walk(QModelIndex(), None) - 1 == len(edition)


def reach_all(model) -> int:
    """Ask for every index, as a view expanding everything would; return how many rows."""
    stack, seen = [QModelIndex()], 0
    while stack:
        parent = stack.pop()
        for row in range(model.rowCount(parent)):
            stack.append(model.index(row, 0, parent))
            seen += 1
    return seen


def rows_in(spy: QSignalSpy, model: UnitTreeModel) -> list[str]:
    """Unit ids covered by every dataChanged(top_left, bottom_right) the spy caught."""
    out = []
    for i in range(spy.count()):
        top, bottom = spy.at(i)[0], spy.at(i)[1]
        assert top.parent() == bottom.parent()
        out += [model.unit_id(top.siblingAtRow(r)) for r in range(top.row(), bottom.row() + 1)]
    return sorted(out)


# --- the model -------------------------------------------------------------------------


def test_qtmodeltester_on_fixture(qtmodeltester, mini):
    for edition in mini.editions:
        qtmodeltester.check(UnitTreeModel(edition))


def test_qtmodeltester_on_bundled(qtmodeltester, bundled):
    for edition in bundled.editions:
        qtmodeltester.check(UnitTreeModel(edition))


def test_model_agrees_with_edition(mini, bundled):
    for edition in mini.editions + bundled.editions:
        assert_model_matches(UnitTreeModel(edition), edition)


def test_the_only_top_row_is_the_root(model, ed21):
    assert model.rowCount() == 1
    assert model.unit_id(model.index(0, 0)) == ed21.root.id == "oim"
    assert not model.index(1, 0).isValid() and not model.index(0, 1).isValid()
    assert model.rowCount(model.index(0, 0).siblingAtColumn(0)) == 1  # siege


def test_index_for_id_round_trip(mini, bundled):
    for edition in mini.editions + bundled.editions:
        model = UnitTreeModel(edition)
        for unit in edition.units:
            index = model.index_for_id(unit.id)
            assert index.isValid() and model.unit_id(index) == unit.id
            assert index.data(UnitIdRole) == unit.id and index.data(KindRole) == unit.kind
        assert not model.index_for_id("ghost").isValid()
        assert not model.index_for_id(None).isValid()
        assert model.unit_id(QModelIndex()) is None


def test_parent_of_a_deep_index(model, ed21):
    deep = model.index_for_id("unit-a21")
    assert deep.row() == 0
    parent = model.parent(deep)
    assert model.unit_id(parent) == "div-a2" and parent.row() == 1  # second child of dept-a
    chain = []
    while deep.isValid():
        chain.append(model.unit_id(deep))
        deep = deep.parent()
    assert chain[::-1] == ed21.path_from_root("unit-a21")


def test_parent_on_bundled_deepest_unit(bundled):
    edition = bundled.edition()
    model = UnitTreeModel(edition)
    deepest = max(edition.units, key=lambda u: edition.depth(u.id))
    index, chain = model.index_for_id(deepest.id), []
    while index.isValid():
        chain.append(model.unit_id(index))
        index = model.parent(index)
    assert chain[::-1] == edition.path_from_root(deepest.id)


def test_roles(model, ed21):
    index = model.index_for_id("oim")
    assert index.data(R.DisplayRole) == "Organisation internationale pour les migrations"
    tip = index.data(R.ToolTipRole)
    assert "Organisation internationale pour les migrations" in tip and "(OIM)" in tip
    assert kind_label("organisation") in tip
    div = model.index_for_id("div-a2")
    assert div.data(R.AccessibleTextRole) == f"Division Migration et santé, {kind_label('division')}"
    description = div.data(R.AccessibleDescriptionRole)
    assert kind_label("division") in description and "4" in description  # fourth level
    assert "Département des relations extérieures" in description  # its path
    assert div.data(HighlightRole) is False and div.data(MarkRole) is None
    assert div.data(R.FontRole) is None and div.data(R.BackgroundRole) is None
    assert model.flags(model.index_for_id("unit-a21")) & Qt.ItemFlag.ItemNeverHasChildren
    assert not model.flags(div) & Qt.ItemFlag.ItemIsEditable


def test_tooltip_escapes_names(qtbot):
    hostile = '<b>x</b> & "y"'
    edition = load_document(variant(lambda d: d["editions"][0]["units"][1].update(name=hostile))).edition("ed-2021")
    model = UnitTreeModel(edition)  # kept alive: an index does not own its model
    tip = model.index_for_id("siege").data(R.ToolTipRole)
    assert "&lt;b&gt;x&lt;/b&gt; &amp;" in tip and hostile not in tip


def test_icons_use_the_chart_colours_and_are_cached(model):
    for uid in ("oim", "siege", "div-a1"):
        index = model.index_for_id(uid)
        icon = index.data(R.DecorationRole)
        assert not icon.isNull()
        image = icon.pixmap(QSize(16, 16)).toImage()
        assert image.pixelColor(image.width() // 2, image.height() // 2) == QColor(kind_style(index.data(KindRole)).fill)
    a1 = model.index_for_id("div-a1").data(R.DecorationRole)
    a2 = model.index_for_id("div-a2").data(R.DecorationRole)
    assert a1.cacheKey() == a2.cacheKey()  # one icon per kind


def test_highlight_changes_only_the_changed_rows(qtbot, model):
    reset = QSignalSpy(model.modelReset)
    with qtbot.waitSignal(model.dataChanged) as blocker:
        model.set_highlighted({"div-a1", "unit-a21"})
    assert HighlightRole in blocker.args[2]
    spy = QSignalSpy(model.dataChanged)
    model.set_highlighted({"div-a1", "div-a2"})
    assert rows_in(spy, model) == ["div-a2", "unit-a21"]  # div-a1 did not change
    assert reset.count() == 0
    index = model.index_for_id("div-a2")
    assert index.data(HighlightRole) is True
    font = index.data(R.FontRole)
    assert isinstance(font, QFont) and font.bold()
    assert index.data(R.BackgroundRole).color() == QColor(HIGHLIGHT_FILL)
    assert model.index_for_id("unit-a21").data(R.FontRole) is None
    spy = QSignalSpy(model.dataChanged)
    model.set_highlighted({"div-a2", "div-a1", "ghost"})  # same set, plus an unknown id
    assert spy.count() == 0


def test_adjacent_rows_share_one_signal(model):
    spy = QSignalSpy(model.dataChanged)
    model.set_highlighted({"div-a1", "div-a2", "siege"})
    assert spy.count() == 2  # div-a1..div-a2 in one run; siege under another parent
    assert rows_in(spy, model) == ["div-a1", "div-a2", "siege"]


def test_marks(qtbot, model):
    spy = QSignalSpy(model.dataChanged)
    model.set_marks({"dept-b": "removed", "div-a1": "renamed"})
    assert rows_in(spy, model) == ["dept-b", "div-a1"]
    removed = model.index_for_id("dept-b")
    assert removed.data(MarkRole) == "removed"
    assert removed.data(R.FontRole).italic()
    assert removed.data(R.ForegroundRole).color().lightness() > 90  # grey, not black
    assert model.mark_label("removed") in removed.data(R.ToolTipRole)
    assert model.mark_label("renamed") in model.index_for_id("div-a1").data(R.AccessibleDescriptionRole)
    spy = QSignalSpy(model.dataChanged)
    model.set_marks({"dept-b": "removed", "div-a2": "moved"})
    assert rows_in(spy, model) == ["div-a1", "div-a2"]
    assert model.index_for_id("div-a1").data(MarkRole) is None


def test_set_edition_resets(qtbot, model, mini):
    model.set_highlighted({"cab"})
    with qtbot.waitSignals([model.modelAboutToBeReset, model.modelReset]):
        model.set_edition(mini.edition("ed-2022"))
    assert_model_matches(model, mini.edition("ed-2022"))
    assert model.index_for_id("cab").data(HighlightRole) is True  # ids are stable across editions
    assert not model.index_for_id("unit-a21").isValid()  # removed in 2022
    model.set_edition(None)
    assert model.rowCount() == 0


# --- the panel ------------------------------------------------------------------------


def test_view_setup(panel):
    view = panel.view
    assert view.isHeaderHidden() and view.uniformRowHeights() and not view.isAnimated()
    assert view.alternatingRowColors()
    assert view.accessibleName() == "Arbre des unités"
    assert view.model() is panel.model  # no filter: no proxy between the view and the model
    assert_model_matches(view.model(), panel.model.edition)


def test_set_edition_expands_two_levels(panel):
    assert panel.view.isExpanded(panel._view_index("oim"))
    assert panel.view.isExpanded(panel._view_index("siege"))
    assert not panel.view.isExpanded(panel._view_index("dept-a"))


def test_select_unit_expands_and_selects_silently(qtbot, panel):
    with qtbot.assertNotEmitted(panel.unit_activated):
        panel.select_unit("unit-a21")
    assert panel.current_unit() == "unit-a21"
    index = panel._view_index("unit-a21")
    assert panel.view.selectionModel().isSelected(index)
    assert panel.view.isExpanded(panel._view_index("dept-a"))
    assert panel.view.isExpanded(panel._view_index("div-a2"))
    assert panel.view.viewport().rect().intersects(panel.view.visualRect(index))
    with qtbot.assertNotEmitted(panel.unit_activated):
        panel.select_unit(None)
        panel.select_unit("ghost")
    assert panel.current_unit() is None


def test_select_unit_scrolls_to_a_hidden_unit(qtbot, bundled):
    widget = TreePanel()
    qtbot.addWidget(widget)
    widget.resize(240, 120)  # a few rows
    edition = bundled.edition()
    widget.set_edition(edition)
    widget.show()
    qtbot.waitExposed(widget)
    last = edition.units[-1].id
    widget.select_unit(last)
    index = widget._view_index(last)
    assert widget.view.viewport().rect().intersects(widget.view.visualRect(index))


def test_keyboard_moves_emit_unit_activated(qtbot, panel):
    panel.select_unit("siege")
    with qtbot.waitSignal(panel.unit_activated) as blocker:
        qtbot.keyClick(panel.view, Qt.Key.Key_Down)
    assert blocker.args == ["dept-a"]
    with qtbot.assertNotEmitted(panel.unit_activated):
        qtbot.keyClick(panel.view, Qt.Key.Key_Right)  # opens dept-a; the current item stays
    assert panel.view.isExpanded(panel._view_index("dept-a"))
    with qtbot.waitSignal(panel.unit_activated) as blocker:
        qtbot.keyClick(panel.view, Qt.Key.Key_Right)  # now goes into it
    assert blocker.args == ["div-a1"]


def test_mouse_click_emits_unit_activated(qtbot, panel):
    index = panel._view_index("dept-b")
    with qtbot.waitSignal(panel.unit_activated) as blocker:
        qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=panel.view.visualRect(index).center())
    assert blocker.args == ["dept-b"]


def test_type_ahead_search(qtbot, panel):
    panel.select_unit("oim")
    with qtbot.waitSignal(panel.unit_activated) as blocker:
        qtbot.keyClicks(panel.view, "Si")  # QTest types ASCII only
    assert blocker.args == ["siege"]


def test_type_ahead_with_accents(qtbot, panel):
    panel.select_unit("oim")
    with qtbot.waitSignal(panel.unit_activated) as blocker:
        panel.view.keyboardSearch("Dép")  # what the same keys do with accents
    assert blocker.args == ["dept-a"]


def test_every_unit_is_reachable_by_keyboard(qtbot, bundled):
    edition = bundled.edition()
    widget = TreePanel()
    qtbot.addWidget(widget)
    widget.resize(240, 200)  # most rows off screen: the view must scroll to reach them
    widget.set_edition(edition)
    widget.show()  # a hidden QTreeView lays out lazily and loses its place after '*'
    qtbot.waitExposed(widget)
    widget.select_unit(edition.root.id)
    qtbot.keyClick(widget.view, Qt.Key.Key_Asterisk)  # expands the whole branch
    seen = [edition.root.id]
    widget.unit_activated.connect(seen.append)
    for _ in range(len(edition)):
        qtbot.keyClick(widget.view, Qt.Key.Key_Down)
    preorder = []
    stack = [edition.root.id]
    while stack:
        uid = stack.pop()
        preorder.append(uid)
        stack.extend(reversed(edition.children(uid)))
    assert seen == preorder
    with qtbot.waitSignal(widget.unit_activated) as blocker:
        qtbot.keyClick(widget.view, Qt.Key.Key_Home)
    assert blocker.args == [edition.root.id]


def test_focus_alone_does_not_activate(qtbot, ed21):
    widget = TreePanel()
    qtbot.addWidget(widget)
    widget.set_edition(ed21)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    with qtbot.assertNotEmitted(widget.unit_activated):
        widget.view.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.wait(10)


def test_filter_keeps_ancestors_and_hides_others(qtbot, panel):
    panel.select_unit("dept-b")
    with qtbot.assertNotEmitted(panel.unit_activated):
        panel.set_filter_ids({"unit-a21"})
    visible = {uid for uid in panel.model.edition._by_id if panel._view_index(uid).isValid()}
    assert visible == {"oim", "siege", "dept-a", "div-a2", "unit-a21"}
    assert panel.view.isExpanded(panel._view_index("div-a2"))  # the kept unit is on screen
    panel.set_filter_ids(set())
    assert panel.view.model() is panel.proxy and panel.proxy.rowCount() == 0
    panel.set_filter_ids(None)
    assert panel.view.model() is panel.model
    assert_model_matches(panel.view.model(), panel.model.edition)


def test_filter_survives_edition_change(panel, mini):
    panel.set_filter_ids({"cab"})
    panel.set_edition(mini.edition("ed-2022"))
    assert panel._view_index("cab").isValid() and not panel._view_index("dept-b").isValid()


def test_edition_change_keeps_open_branches(panel, mini):
    panel.select_unit("div-a2")  # opens dept-a and div-a2
    panel.set_edition(mini.edition("ed-2022"))
    assert panel.view.isExpanded(panel._view_index("dept-a"))  # now under cab, still open


def test_edition_change_keeps_the_current_unit_quietly(qtbot, panel, mini, ed21):
    panel.select_unit("div-a2")
    with qtbot.assertNotEmitted(panel.unit_activated):
        panel.set_edition(mini.edition("ed-2022"))  # div-a2 is there too, under another parent
    assert panel.current_unit() == "div-a2"
    assert panel.view.selectionModel().isSelected(panel._view_index("div-a2"))
    assert panel.view.viewport().rect().intersects(panel.view.visualRect(panel._view_index("div-a2")))
    panel.select_unit("unit-a21")
    with qtbot.assertNotEmitted(panel.unit_activated):
        panel.set_edition(mini.edition("ed-2022"))  # removed in 2022: nothing current
    assert panel.current_unit() is None
    assert not panel.view.selectionModel().hasSelection()


def test_select_unit_reopens_a_closed_branch_above_the_current_unit(panel):
    panel.select_unit("unit-a21")
    panel.view.collapse(panel._view_index("dept-a"))
    panel.select_unit("unit-a21")
    assert panel.view.isExpanded(panel._view_index("dept-a"))
    assert panel.view.visualRect(panel._view_index("unit-a21")).isValid()


def test_highlight_and_marks_reach_the_view(panel):
    panel.set_highlighted({"dept-b"})
    panel.set_marks({"div-a1": "added"})
    assert panel._view_index("dept-b").data(HighlightRole) is True
    assert panel._view_index("div-a1").data(MarkRole) == "added"
    assert panel._view_index("dept-b").data(R.AccessibleTextRole)


def test_context_menu(qtbot, panel):
    menu = panel._build_context_menu("dept-a")
    actions = {a.text(): a for a in menu.actions() if a.text()}
    assert list(actions) == ["Développer tout", "Réduire tout", "Copier le nom", "Copier l'identifiant"]
    actions["Copier l'identifiant"].trigger()
    assert QGuiApplication.clipboard().text() == "dept-a"
    actions["Copier le nom"].trigger()
    assert QGuiApplication.clipboard().text() == "Département des relations extérieures"
    actions["Développer tout"].trigger()
    assert panel.view.isExpanded(panel._view_index("div-a2"))
    actions["Réduire tout"].trigger()
    assert not panel.view.isExpanded(panel._view_index("siege"))
    empty = panel._build_context_menu(None)
    assert not [a for a in empty.actions() if a.text().startswith("Copier") and a.isEnabled()]


# --- speed without losing anything: lazy rows, one call per painted row, no idle proxy ---


def test_rows_are_numbered_as_they_are_reached(qtbot, bundled):
    edition = bundled.edition()
    model = UnitTreeModel(edition)
    assert len(model._ids) == 1  # after a reset: the root only
    deepest = max(edition.units, key=lambda u: edition.depth(u.id))
    index = model.index_for_id(deepest.id)  # numbers the path down to it, not the whole tree
    assert model.unit_id(index) == deepest.id and len(model._ids) < len(edition)
    spy = QSignalSpy(model.dataChanged)
    far = [u.id for u in edition.units if u.id not in model._serial]
    model.set_highlighted(far)  # no view holds an index of these rows: nothing to repaint
    assert spy.count() == 0
    assert model.index_for_id(far[-1]).data(HighlightRole) is True  # reached later: right at once
    assert reach_all(model) == len(edition) and len(model._ids) == len(edition)


def test_multidata_answers_as_data(model, ed21):
    roles = [R.DisplayRole, R.DecorationRole, R.FontRole, R.TextAlignmentRole, R.BackgroundRole,
             R.ForegroundRole, R.CheckStateRole, R.ToolTipRole, R.AccessibleTextRole,
             R.AccessibleDescriptionRole, UnitIdRole, KindRole, HighlightRole, MarkRole]
    model.set_highlighted({"div-a2"})
    model.set_marks({"dept-b": "removed"})
    for uid in ("oim", "div-a2", "dept-b"):
        index = model.index_for_id(uid)
        for role in roles:
            item = QModelRoleData(int(role))
            model.multiData(index, QModelRoleDataSpan(item))
            expected = index.data(role)
            if isinstance(expected, (QFont, QIcon)):
                assert type(item.data()) is type(expected), (uid, role)
            else:
                assert item.data() == expected, (uid, role)


def test_the_delegate_paints_what_multidata_answers(qtbot, panel):
    """Qt 6's delegate asks multiData for its roles: the highlight must reach the screen."""
    panel.set_highlighted({"siege"})
    rect = panel.view.visualRect(panel._view_index("siege"))
    image = panel.view.viewport().grab().toImage()
    assert image.pixelColor(rect.right() - 2, rect.center().y()) == QColor(HIGHLIGHT_FILL)


def test_filter_proxy_keeps_what_recursive_filtering_keeps(bundled):
    """Ancestors worked out from the Edition give the rows Qt's recursive filtering gives."""
    edition = bundled.edition()
    model = UnitTreeModel(edition)
    ours = UnitFilterProxy()
    ours.setSourceModel(model)
    qt = QSortFilterProxyModel()
    qt.setRecursiveFilteringEnabled(True)
    qt.setFilterRole(UnitIdRole)
    qt.setSourceModel(model)
    ids = [u.id for u in edition.units]
    for wanted in (ids[::17], ids[-3:], [edition.root.id], ["ghost"], ids):
        ours.set_filter_ids(wanted)
        pattern = "|".join(wanted)
        qt.setFilterRegularExpression(f"^({pattern})$")
        assert rows_of(ours) == rows_of(qt), wanted[:3]


def rows_of(model) -> list[str]:
    out, stack = [], [QModelIndex()]
    while stack:
        parent = stack.pop()
        for row in range(model.rowCount(parent)):
            child = model.index(row, 0, parent)
            out.append(child.data(UnitIdRole))
            stack.append(child)
    return sorted(out)


def test_qtmodeltester_on_the_filtered_proxy(qtmodeltester, panel):
    panel.set_filter_ids({"unit-a21", "dept-b"})
    qtmodeltester.check(panel.view.model())


def test_view_shows_the_same_rows_with_and_without_the_proxy(qtbot, bundled):
    edition = bundled.edition()
    widget = shown_panel(qtbot, edition)
    widget.expand_all()
    direct = visible_rows(widget)
    assert len(direct) == len(edition)
    widget.set_filter_ids({u.id for u in edition.units})  # every unit: the proxy hides nothing
    assert widget.view.model() is widget.proxy
    assert visible_rows(widget) == direct
    widget.set_filter_ids(None)
    assert widget.view.model() is widget.model and visible_rows(widget) == direct


def test_selection_survives_the_filter_on_and_off(qtbot, panel):
    panel.select_unit("div-a1")
    assert panel.view.isExpanded(panel._view_index("dept-a"))
    assert not panel.view.isExpanded(panel._view_index("dept-b"))
    with qtbot.assertNotEmitted(panel.unit_activated):
        panel.set_filter_ids({"div-a1", "unit-a21"})
    assert panel.current_unit() == "div-a1"
    assert panel.view.selectionModel().isSelected(panel._view_index("div-a1"))
    with qtbot.assertNotEmitted(panel.unit_activated):
        panel.set_filter_ids(None)
    assert panel.current_unit() == "div-a1"
    assert panel.view.selectionModel().isSelected(panel._view_index("div-a1"))
    assert visible_rows(panel)  # a view with rows, the old selection model gone with the proxy
    # The branches open before the filter are open again; the ones only the filter opened are not.
    assert panel.view.isExpanded(panel._view_index("dept-a"))
    assert not panel.view.isExpanded(panel._view_index("div-a2"))
    # The user's keys and clicks still reach the window through the new selection model.
    with qtbot.waitSignal(panel.unit_activated) as blocker:
        qtbot.keyClick(panel.view, Qt.Key.Key_Down)
    assert blocker.args == ["div-a2"]


def test_a_unit_the_filter_hides_is_current_again_after_it(qtbot, panel, mini):
    panel.select_unit("dept-b")
    panel.set_filter_ids({"unit-a21"})
    assert panel.current_unit() is None  # hidden by the filter
    panel.set_edition(mini.edition("ed-2021"))  # a switch meanwhile does not forget it either
    with qtbot.assertNotEmitted(panel.unit_activated):
        panel.set_filter_ids(None)
    assert panel.current_unit() == "dept-b"
    panel.set_filter_ids({"unit-a21"})
    rect = panel.view.visualRect(panel._view_index("unit-a21"))
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # the user chooses
    panel.set_filter_ids(None)
    assert panel.current_unit() == "unit-a21"


def test_user_moves_while_filtered_are_announced(qtbot, panel):
    panel.set_filter_ids({"div-a1", "unit-a21"})
    panel.select_unit("div-a1")
    with qtbot.waitSignal(panel.unit_activated) as blocker:
        qtbot.keyClick(panel.view, Qt.Key.Key_Down)
    assert blocker.args == ["div-a2"]  # the ancestor of unit-a21; dept-b and others hidden


def test_edition_switch_keeps_the_selection_in_the_window(qtbot, window):
    window.select_unit("division-budget")
    others = [e.id for e in window.dataset.editions if e.id != window.edition.id and "division-budget" in e]
    assert others
    window.set_edition(others[0])
    assert window.tree.current_unit() == "division-budget"
    index = window.tree._view_index("division-budget")
    assert window.tree.view.selectionModel().isSelected(index)
    assert window.tree.view.model() is window.tree.model


def test_changes_only_keeps_the_selection_and_marks(qtbot, window):
    assert window.start_compare("structure-2021", "revision-2022")
    window.select_unit("bureau-executif")
    window.actions_.changes_only.setChecked(True)
    tree = window.tree
    assert tree.view.model() is tree.proxy and tree.current_unit() == "bureau-executif"
    assert tree._view_index("bureau-executif").data(MarkRole) == "moved"
    assert not tree._view_index("conseil").isValid()
    window.actions_.changes_only.setChecked(False)
    assert tree.view.model() is tree.model and tree.current_unit() == "bureau-executif"
    assert tree._view_index("conseil").isValid()
    window.select_unit("conseil")
    assert tree.current_unit() == "conseil"

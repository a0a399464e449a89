"""The chart view: Graphviz's own layout drawn with Qt items, restyled in place, navigable."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QImage, QMouseEvent, QPainter, QPen, QWheelEvent
from PySide6.QtWidgets import QApplication

from fixtures import mini_doc
from iomviewer.chart import style
from iomviewer.chart.build import ChartOptions, build_graph
from iomviewer.chart.layout import Layout, layout_graph
from iomviewer.core.loading import load_document
from iomviewer.ui import chart_items
from iomviewer.ui.chart_items import MARK_STYLES, NodeItem, qcolor
from iomviewer.ui.chart_view import MAX_ZOOM, ChartView

pytestmark = pytest.mark.gui

HOSTILE = '<b>x</b> & "q" \\N'
ROOT = Path(__file__).resolve().parent.parent


def _doc() -> dict:
    doc = copy.deepcopy(mini_doc())
    units = doc["editions"][0]["units"]
    # Three leaves under one division: compact mode stacks them in a cluster.
    for uid, name in (("evil", HOSTILE), ("unit-a11", "Unité des partenariats"), ("unit-a12", "Unité des dons")):
        units.append({"id": uid, "name": name, "kind": "unit", "parent": "div-a1", "mandate": [],
                      "source": {"file": "test.txt", "lines": [1]}})
    return doc


@pytest.fixture(scope="module")
def dataset():
    return load_document(_doc())


@pytest.fixture(scope="module")
def layout(dataset) -> Layout:
    return layout_graph(build_graph(dataset.edition("ed-2021"), ChartOptions()))


@pytest.fixture(scope="module")
def layout_b(dataset) -> Layout:
    return layout_graph(build_graph(dataset.edition("ed-2022"), ChartOptions()))


def _shown_view(qtbot) -> ChartView:
    v = ChartView()
    v.smooth_scrolling = False
    qtbot.addWidget(v)
    v.resize(800, 600)
    v.show()
    qtbot.waitExposed(v)
    return v


@pytest.fixture
def view(qtbot, layout) -> ChartView:
    v = _shown_view(qtbot)
    v.set_layout(layout)
    return v


def _center(view: ChartView, uid: str) -> QPoint:
    return view.mapFromScene(view.node_item(uid).bbox.center())


def _mouse(view: ChartView, kind: QEvent.Type, pos: QPoint, button=Qt.MouseButton.LeftButton,
           buttons=Qt.MouseButton.LeftButton) -> None:
    vp = view.viewport()
    event = QMouseEvent(kind, QPointF(pos), QPointF(vp.mapToGlobal(pos)), button, buttons,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(vp, event)


def _near(a: float, b: float, tol: float = 0.05) -> bool:
    return abs(a - b) <= tol


# --- the scene is Graphviz's drawing ---------------------------------------------------------


def test_every_unit_has_an_item_on_its_record_box(view, layout, dataset):
    edition = dataset.edition("ed-2021")
    assert view.unit_count() == len(layout.nodes) == len(edition)
    for uid, record in layout.nodes.items():
        item = view.node_item(uid)
        assert isinstance(item, NodeItem)
        r = item.sceneBoundingRect()
        x, y, w, h = record.bbox
        assert (_near(r.x(), x) and _near(r.y(), y) and _near(r.width(), w) and _near(r.height(), h)), uid
        # The box shows the whole name (wrapped on lines) and the kind.
        words = item.text().split()
        assert edition.unit(uid).name.split() == words[:len(edition.unit(uid).name.split())], uid


def test_texts_sit_on_graphviz_baselines_and_widths(view, layout):
    for uid, record in layout.nodes.items():
        item = view.node_item(uid)
        assert len(item.texts) == len(record.texts)
        for line, text in zip(item.texts, record.texts):
            assert line.text() == text.text
            # The pen advances as far as Graphviz's (pango's) width, from where Graphviz starts.
            # (The bounding rectangle may be wider: it includes overhanging glyphs such as "r".)
            metrics = QFontMetricsF(line.font())
            sx, sy = line.scale()
            advance = metrics.horizontalAdvance(text.text) * sx
            assert abs(advance - text.width) < 0.5, (uid, text.text, advance, text.width)
            left = {"l": text.x, "c": text.x - text.width / 2, "r": text.x - text.width}[text.anchor]
            assert abs(line.pos().x() - left) < 0.5, (uid, text.text)
            baseline = line.pos().y() + metrics.ascent() * sy
            assert abs(baseline - text.y) < 0.05, (uid, text.text)


def _render(scene, rect: QRectF, scale: float) -> QImage:
    image = QImage(round(rect.width() * scale), round(rect.height() * scale), QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    scene.render(painter, QRectF(image.rect()), rect)
    painter.end()
    return image


@pytest.mark.parametrize("scale", [0.5, 96 / 72, 3.0])
def test_a_node_draws_the_pixels_of_a_path_item_and_text_items(qtbot, layout, scale):
    """NodeItem paints its box and lines itself: exactly what one QGraphicsPathItem per shape
    and one QGraphicsSimpleTextItem per line (vector text, no cache) drew before."""
    from PySide6.QtWidgets import QGraphicsScene

    for uid in ("dept-a", "evil", "unit-a11"):
        record = layout.nodes[uid]
        rect = QRectF(*record.bbox).adjusted(-4, -4, 4, 4)
        mine, theirs = QGraphicsScene(), QGraphicsScene()
        mine.addItem(NodeItem(record))
        for shape in record.shapes:
            theirs.addItem(chart_items.shape_item(shape))
        for text in record.texts:
            theirs.addItem(chart_items.text_item(text))
        a, b = _render(mine, rect, scale), _render(theirs, rect, scale)
        assert a == b, (uid, scale)
        assert min(_gray(a, 40)) < 128  # something dark (the text) was drawn


def test_texts_are_left_out_below_the_readable_size(qtbot, layout):
    from PySide6.QtWidgets import QGraphicsScene

    record = layout.nodes["dept-a"]
    rect = QRectF(*record.bbox)
    scene = QGraphicsScene()
    scene.addItem(NodeItem(record))
    boxes = QGraphicsScene()
    for shape in record.shapes:
        boxes.addItem(chart_items.shape_item(shape))
    tiny = chart_items.TEXT_MIN_PX / style.NAME_SIZE * 0.9  # pixels per point
    assert not chart_items.texts_readable(tiny) and chart_items.texts_readable(tiny / 0.8)
    assert _render(scene, rect, tiny) == _render(boxes, rect, tiny)  # the box only
    assert _render(scene, rect, tiny / 0.8) != _render(boxes, rect, tiny / 0.8)  # and its lines


def test_z_order_clusters_then_edges_then_nodes(view, layout):
    by_kind: dict[str, list[float]] = {}
    for item in view.scene().items():
        if isinstance(item, NodeItem):
            by_kind.setdefault("node", []).append(item.zValue())
        elif item.parentItem() is None and item.data(chart_items.ROLE_KIND):
            by_kind.setdefault(item.data(chart_items.ROLE_KIND), []).append(item.zValue())
    assert layout.clusters and layout.edges
    assert max(by_kind["background"]) < min(by_kind["cluster"])
    assert max(by_kind["cluster"]) < min(by_kind["edge"]) < min(by_kind["node"])


def test_secondary_links_are_dashed_and_tree_edges_solid(view, layout):
    edges = [i for i in view.scene().items() if i.parentItem() is None and i.data(chart_items.ROLE_KIND) == "edge"]
    assert len(edges) == len(layout.edges)
    by_id = {e.data(chart_items.ROLE_ID): e for e in edges}
    secondary = [r for r in layout.edges if r.secondary]
    assert secondary, "the fixture has a 'supports' link"
    for record in layout.edges:
        pen = by_id[record.id].pen()
        dashed = pen.style() in (Qt.PenStyle.CustomDashLine, Qt.PenStyle.DashLine)
        assert dashed == record.secondary, record.id
        assert pen.widthF() == pytest.approx(record.shapes[0].pen.width)  # points, not cosmetic
        assert not pen.isCosmetic()


def test_hostile_name_is_plain_text(view, layout):
    item = view.node_item("evil")
    assert HOSTILE in item.text().split("\n")
    assert HOSTILE in [t.text() for t in item.texts]  # drawn as plain text: a QTextLayout, never HTML
    tip = item.tooltip_html()
    assert "&lt;b&gt;x&lt;/b&gt; &amp; &quot;q&quot; \\N" in tip and "<b>x</b>" not in tip


def test_hover_shows_a_ring_a_hand_and_a_tooltip(view, qtbot):
    node = view.node_item("dept-a")
    view.reset_zoom()
    view.centerOn(node.bbox.center())
    qtbot.mouseMove(view.viewport(), _center(view, "dept-a"))
    qtbot.waitUntil(lambda: node.isUnderMouse(), timeout=1000)
    assert node.boundingRect().contains(node.bbox.adjusted(-2, -2, 2, 2))  # the hover ring shows
    assert view.viewport().cursor().shape() == Qt.CursorShape.PointingHandCursor
    tip = node.toolTip()
    assert "Département des relations extérieures" in tip and "Département" in tip
    empty = view.mapFromScene(view.sceneRect().topLeft() + QPointF(2, 2))
    qtbot.mouseMove(view.viewport(), empty)
    qtbot.waitUntil(lambda: not node.isUnderMouse(), timeout=1000)
    assert node.boundingRect() == node.bbox
    assert view.viewport().cursor().shape() == Qt.CursorShape.OpenHandCursor


# --- mouse ------------------------------------------------------------------------------------


def test_click_on_a_node_emits_its_id_and_selects_it(view, qtbot):
    with qtbot.waitSignal(view.unit_clicked, timeout=1000) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=_center(view, "dept-b"))
    assert blocker.args == ["dept-b"]
    assert view.selected_unit() == "dept-b"
    assert view.node_item("dept-b").state() == (True, False, False)


def test_click_on_a_node_text_still_hits_the_node(view, qtbot):
    line = view.node_item("siege").texts[0]
    pos = view.mapFromScene(line.pos() + QPointF(QFontMetricsF(line.font()).horizontalAdvance(line.text()) / 2, 3))
    with qtbot.waitSignal(view.unit_clicked, timeout=1000) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert blocker.args == ["siege"]


def test_click_on_empty_space_emits_nothing(view, qtbot):
    view.fit_all()
    empty = view.mapFromScene(view.sceneRect().topLeft() + QPointF(2, 2))
    assert view.unit_at(empty) is None
    with qtbot.assertNotEmitted(view.unit_clicked):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=empty)


def test_drag_pans_even_from_a_node_and_does_not_click(view, qtbot):
    view.set_zoom(3.0)
    view.centerOn(view.node_item("siege").bbox.center())
    start = _center(view, "siege")
    h, v = view.horizontalScrollBar().value(), view.verticalScrollBar().value()
    with qtbot.assertNotEmitted(view.unit_clicked):
        _mouse(view, QEvent.Type.MouseButtonPress, start)
        for step in range(1, 6):
            _mouse(view, QEvent.Type.MouseMove, start + QPoint(8 * step, 6 * step), Qt.MouseButton.NoButton)
        _mouse(view, QEvent.Type.MouseButtonRelease, start + QPoint(40, 30), buttons=Qt.MouseButton.NoButton)
    assert (view.horizontalScrollBar().value(), view.verticalScrollBar().value()) != (h, v)


def test_a_trembling_click_is_still_a_click(view, qtbot):
    pos = _center(view, "div-a2")
    with qtbot.waitSignal(view.unit_clicked, timeout=1000) as blocker:
        _mouse(view, QEvent.Type.MouseButtonPress, pos)
        _mouse(view, QEvent.Type.MouseMove, pos + QPoint(1, 1), Qt.MouseButton.NoButton)
        _mouse(view, QEvent.Type.MouseButtonRelease, pos + QPoint(1, 1), buttons=Qt.MouseButton.NoButton)
    assert blocker.args == ["div-a2"]


def test_double_click_asks_to_toggle_the_branch(view, qtbot):
    pos = _center(view, "dept-a")
    double, toggle = [], []
    view.unit_double_clicked.connect(double.append)
    view.toggle_collapse_requested.connect(toggle.append)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert double == toggle == ["dept-a"]


def test_context_menu_entry_toggles_the_branch(view, qtbot):
    menu = view.context_menu_for("dept-a")
    texts = [a.text() for a in menu.actions()]
    assert "Replier / déplier les unités rattachées" in texts
    with qtbot.waitSignal(view.toggle_collapse_requested, timeout=1000) as blocker:
        menu.actions()[texts.index("Replier / déplier les unités rattachées")].trigger()
    assert blocker.args == ["dept-a"]
    assert "Replier / déplier les unités rattachées" not in [a.text() for a in view.context_menu_for(None).actions()]


# --- restyling in place ---------------------------------------------------------------------------


def test_select_unit_restyles_in_place_and_emits_nothing(view, qtbot):
    items_before = {uid: view.node_item(uid) for uid in view.node_items()}
    count = len(view.scene().items())
    scene = view.scene()
    original = QPen(view.node_item("div-a1").frame_pen())
    with qtbot.assertNotEmitted(view.unit_clicked):
        view.select_unit("div-a1")
    node = view.node_item("div-a1")
    assert node.state() == (True, False, False)
    assert node.frame_pen().color() == qcolor(style.SELECTED_BORDER)
    assert node.frame_pen().widthF() == pytest.approx(style.SELECTED_PENWIDTH)
    assert node.sceneBoundingRect().contains(QRectF(*view.chart_layout().nodes["div-a1"].bbox))  # halo
    with qtbot.assertNotEmitted(view.unit_clicked):
        view.select_unit("div-a2", center=False)
    assert node.state() == (False, False, False)
    assert node.frame_pen().color() == original.color() and node.frame_pen().widthF() == original.widthF()
    assert view.node_item("div-a2").state()[0]
    # Nothing was rebuilt.
    assert view.scene() is scene and len(scene.items()) == count
    assert all(view.node_item(uid) is item for uid, item in items_before.items())
    view.select_unit(None)
    assert view.selected_unit() is None and not any(n.state()[0] for n in view.node_items().values())


def test_select_unit_centres_the_node(view, qtbot):
    view.set_zoom(6.0)
    for uid in ("div-a2", "dept-b"):
        view.select_unit(uid, center=True)
        centre = view.mapToScene(view.viewport().rect().center())
        assert (centre - view.node_item(uid).bbox.center()).manhattanLength() < 3
    view.smooth_scrolling = True  # animated when on screen: it ends on the node
    view.select_unit("div-a2", center=True)
    qtbot.waitUntil(lambda: (view.mapToScene(view.viewport().rect().center())
                             - view.node_item("div-a2").bbox.center()).manhattanLength() < 3, timeout=2000)
    view.select_unit("dept-a", center=False)
    qtbot.wait(50)
    assert (view.mapToScene(view.viewport().rect().center())
            - view.node_item("div-a2").bbox.center()).manhattanLength() < 3


def test_set_highlighted_changes_exactly_those_nodes(view):
    count = len(view.scene().items())
    view.set_highlighted({"dept-a", "div-a2"})
    for uid, node in view.node_items().items():
        lit = uid in {"dept-a", "div-a2"}
        assert node.state() == (False, lit, not lit), uid
        assert node.opacity() == (1.0 if lit else pytest.approx(chart_items.DIM_OPACITY))
    assert view.node_item("dept-a").frame_brush().color() == qcolor(style.HIGHLIGHT_FILL)
    view.set_dim_others(False)
    assert all(not n.state()[2] and n.opacity() == 1.0 for n in view.node_items().values())
    view.set_dim_others(True)
    view.set_highlighted(set())
    assert all(n.state() == (False, False, False) for n in view.node_items().values())
    assert len(view.scene().items()) == count


def test_new_layout_keeps_selection_and_highlights_that_still_exist(view, layout_b):
    view.select_unit("dept-a", center=False)
    view.set_highlighted({"dept-a", "div-a1"})
    old = view.node_item("dept-a")
    view.set_layout(layout_b)
    assert view.node_item("dept-a") is not old
    assert view.node_item("dept-a").state() == (True, True, False)
    assert view.node_item("cab").state() == (False, False, True)  # not a match: dimmed
    assert view.node_item("unit-a21") is None  # removed in ed-2022: gone, no error


def test_new_layout_keeps_the_unit_in_view_where_it_was(view, layout_b):
    view.set_zoom(4.0)
    view.centerOn(view.node_item("dept-a").bbox.center() + QPointF(30, 10))
    before = _center(view, "dept-a")
    view.set_layout(layout_b)
    assert view.zoom() == pytest.approx(4.0)  # the reader's zoom is kept
    assert (_center(view, "dept-a") - before).manhattanLength() <= 2


def test_marks_colour_border_badge_and_ghost_removed(view, qtbot):
    view.set_marks({"dept-a": "renamed", "div-a1": ["moved", "added"], "unit-a21": "removed"})
    renamed = view.node_item("dept-a")
    assert renamed.frame_pen().color() == qcolor(MARK_STYLES["renamed"][0])
    assert renamed.badge() is not None and renamed.badge().isVisible()
    assert view.node_item("div-a1").marks() == ("added", "moved")
    ghost = view.node_item("unit-a21")
    assert ghost.opacity() == pytest.approx(chart_items.GHOST_OPACITY)
    assert ghost.frame_pen().style() == Qt.PenStyle.CustomDashLine
    assert "supprimée" in ghost.tooltip_html()
    # Selection still wins the border; the badge stays.
    view.select_unit("dept-a", center=False)
    assert renamed.frame_pen().color() == qcolor(style.SELECTED_BORDER) and renamed.badge() is not None
    view.set_marks({})
    assert renamed.badge() is None and ghost.opacity() == 1.0
    assert ghost.frame_pen().style() != Qt.PenStyle.CustomDashLine


# --- navigation -----------------------------------------------------------------------------------


def test_zoom_is_clamped_and_reported(view, qtbot):
    seen = []
    view.zoom_changed.connect(seen.append)
    view.reset_zoom()
    assert view.zoom() == pytest.approx(1.0)
    for _ in range(40):
        view.zoom_in()
    assert view.zoom() == pytest.approx(MAX_ZOOM)
    for _ in range(80):
        view.zoom_out()
    assert view.zoom() == pytest.approx(view.min_zoom())
    assert view.min_zoom() <= 0.05
    assert seen and seen[-1] == pytest.approx(view.zoom())
    assert max(seen) == pytest.approx(MAX_ZOOM)


def test_fit_all_shows_the_whole_chart(view):
    view.set_zoom(4.0)
    view.fit_all()
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    assert visible.adjusted(-1, -1, 1, 1).contains(view.sceneRect())
    assert view.zoom() <= 1.0 + 1e-9  # a small chart is never blown up


def test_fit_all_reaches_below_the_minimum_zoom_for_huge_charts(view, layout):
    view.resize(120, 90)
    view.fit_all()
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    assert visible.adjusted(-1, -1, 1, 1).contains(view.sceneRect())


def test_wheel_zooms_around_the_cursor(view):
    view.set_zoom(3.0)
    view.centerOn(view.node_item("dept-b").bbox.center())
    pos = _center(view, "dept-b") + QPoint(20, 10)
    before = view.mapToScene(pos)
    event = QWheelEvent(QPointF(pos), QPointF(view.viewport().mapToGlobal(pos)), QPoint(0, 0), QPoint(0, 120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), event)
    assert view.zoom() == pytest.approx(3.75)
    after = view.mapToScene(pos)
    assert (after - before).manhattanLength() < 2 / view.transform().m11() + 0.5


def test_keys_pan_and_zoom(view, qtbot):
    view.set_zoom(3.0)
    view.setFocus()
    bar = view.horizontalScrollBar()
    start = bar.value()
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert bar.value() > start
    zoom = view.zoom()
    qtbot.keyClick(view, Qt.Key.Key_Plus)
    assert view.zoom() == pytest.approx(zoom * 1.25)
    qtbot.keyClick(view, Qt.Key.Key_Minus)
    assert view.zoom() == pytest.approx(zoom)


def test_tiny_zoom_hides_unreadable_text_and_100_percent_shows_it(view):
    view.set_zoom(0.05)
    assert not view.texts_visible()
    view.reset_zoom()
    assert view.texts_visible()


# --- the rest of the widget -------------------------------------------------------------------------


def test_busy_overlay_shows_after_a_moment_and_leaves_the_chart_usable(view, qtbot):
    view.set_busy(True, "Mise en page…")
    qtbot.waitUntil(view.overlay_visible, timeout=2000)
    with qtbot.waitSignal(view.unit_clicked, timeout=1000):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=_center(view, "siege"))
    view.set_busy(False)
    assert not view.overlay_visible() and not view.is_busy()


def test_quick_work_shows_no_overlay(view, qtbot):
    view.set_busy(True)
    view.set_busy(False)
    qtbot.wait(250)
    assert not view.overlay_visible()


def test_view_settings(view):
    assert view.accessibleName() == "Organigramme"
    hints = view.renderHints()
    for hint in (QPainter.RenderHint.Antialiasing, QPainter.RenderHint.TextAntialiasing,
                 QPainter.RenderHint.SmoothPixmapTransform):
        assert hints & hint
    assert view.cacheMode() == view.CacheModeFlag.CacheNone
    assert view.backgroundBrush().color() == qcolor(style.BACKGROUND)


def test_empty_layout_and_clear(qtbot):
    v = ChartView()
    qtbot.addWidget(v)
    v.clear()
    assert v.unit_count() == 0
    v.select_unit("nobody")
    v.set_highlighted({"nobody"})
    v.fit_all()
    v.center_on_selection()


def _gray(img: QImage, size: int = 200) -> list[int]:
    small = img.scaled(size, size, Qt.AspectRatioMode.IgnoreAspectRatio,
                       Qt.TransformationMode.SmoothTransformation).convertToFormat(QImage.Format.Format_Grayscale8)
    bits = bytes(small.constBits())
    return [bits[y * small.bytesPerLine() + x] for y in range(size) for x in range(size)]


def test_screen_matches_the_graphviz_png(qtbot, dataset):
    """Render the scene at 96 dpi and compare with Graphviz's own PNG of the same graph."""
    from iomviewer.chart.render import render_bytes

    graph = build_graph(dataset.edition("ed-2021"), ChartOptions())
    v = ChartView()
    qtbot.addWidget(v)
    v.set_layout(layout_graph(graph))
    theirs = QImage.fromData(render_bytes(graph, "png", dpi=96))
    rect = v.sceneRect()
    ours = QImage(theirs.size(), QImage.Format.Format_ARGB32)
    ours.fill(Qt.GlobalColor.white)
    painter = QPainter(ours)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    v.scene().render(painter, QRectF(ours.rect()), rect)
    painter.end()
    assert abs(rect.width() * 96 / 72 - theirs.width()) <= 1.5
    a, b = _gray(ours), _gray(theirs)
    mean = sum(abs(x - y) for x, y in zip(a, b)) / len(a)
    assert mean < 6, mean


@pytest.mark.skipif(not (ROOT / "data" / "iom.json").exists(), reason="no bundled dataset")
def test_bundled_edition_renders(qtbot):
    from iomviewer.core.loading import load_dataset

    ds = load_dataset(ROOT / "data" / "iom.json")
    edition = ds.edition(ds.default_edition)
    v = ChartView()
    qtbot.addWidget(v)
    v.resize(1200, 800)
    v.show()
    qtbot.waitExposed(v)
    v.set_layout(layout_graph(build_graph(edition, ChartOptions())))
    assert v.unit_count() == len(edition)
    image = v.grab().toImage()
    image.save("/tmp/chart_view.png")
    visible = v.mapToScene(v.viewport().rect()).boundingRect()
    assert visible.adjusted(-1, -1, 1, 1).contains(v.sceneRect())
    gray = _gray(image, 100)
    assert min(gray) < 128 and sum(g < 250 for g in gray) > 500  # drawn, not blank


# --- big charts: layers, tiles and the overview ---------------------------------------------------


@pytest.fixture
def big_view(qtbot, layout, monkeypatch) -> ChartView:
    """The fixture chart built as a big one (layers, tiles, overview), as 10,000 units would be."""
    from iomviewer.ui import chart_view as chart_view_module

    monkeypatch.setattr(chart_view_module, "SYNC_MAX_RECORDS", 5)
    v = _shown_view(qtbot)
    with qtbot.waitSignal(v.layout_shown, timeout=10000):
        v.set_layout(layout)
    return v


def _pixels(image: QImage) -> bytes:
    """A grayscale image's pixels, without the padding at the end of its lines."""
    bits, stride = bytes(image.constBits()), image.bytesPerLine()
    return b"".join(bits[y * stride:y * stride + image.width()] for y in range(image.height()))


def _overview_ready(view: ChartView) -> bool:
    from PySide6.QtWidgets import QStyleOptionGraphicsItem

    overview = view._overview
    scale = QStyleOptionGraphicsItem.levelOfDetailFromTransform(view.transform())  # as paint() reads it
    return all(overview.is_ready(key) for key in overview.tiles_for(scale, view.mapToScene(
        view.viewport().rect()).boundingRect()))


def test_big_chart_shows_its_overview_zoomed_out_and_its_items_zoomed_in(big_view, layout):
    view = big_view
    assert view.unit_count() == len(layout.nodes)
    view.set_zoom(0.1)
    assert view.overview_shown() and not view.texts_visible()
    assert not any(n.isVisible() for n in view.node_items().values())  # no per-node paint
    view.reset_zoom()
    assert not view.overview_shown() and view.texts_visible()
    assert all(n.isVisible() for n in view.node_items().values())
    # Nodes sit in tiles, which Qt skips off screen; each unit still has its item and box.
    for uid, record in layout.nodes.items():
        node = view.node_item(uid)
        assert node.parentItem() is not None and node.parentItem().rect().contains(node.sceneBoundingRect())
        assert node.sceneBoundingRect() == QRectF(*record.bbox)


def test_the_overview_draws_what_the_items_draw(view, big_view, qtbot):
    from iomviewer.ui.chart_items import Overview

    scale = Overview.level_scale(1) * 0.999  # about one image pixel per screen pixel, no names
    for v in (big_view, view):
        v.set_zoom(scale / v._unit_scale())
        v.centerOn(v.node_item("dept-a").bbox.center())
    assert big_view.overview_shown() and not view.overview_shown()
    qtbot.waitUntil(lambda: _overview_ready(big_view), timeout=5000)
    area = big_view.mapFromScene(big_view.sceneRect()).boundingRect().intersected(big_view.viewport().rect())
    assert area == view.mapFromScene(view.sceneRect()).boundingRect().intersected(view.viewport().rect())
    ours, items = (v.viewport().grab(area).toImage().convertToFormat(QImage.Format.Format_Grayscale8)
                   for v in (big_view, view))
    a, b = (_pixels(image) for image in (ours, items))
    assert len(a) == len(b) and min(b) < 128  # boxes and lines were drawn
    # The same pixels, to within a pixel (the images are put on whole pixels, the items are not).
    w = area.width()
    far = sum(all(abs(a[i] - b[k]) > 32 for k in (i - w - 1, i - w, i - w + 1, i - 1, i, i + 1,
                                                   i + w - 1, i + w, i + w + 1) if 0 <= k < len(b))
              for i in range(len(a)))
    assert far < len(a) / 500, far


@pytest.mark.parametrize("level", [0, 1])  # with names, and below their readable size
def test_overview_tiles_are_what_the_items_draw(big_view, level):
    from iomviewer.ui.chart_items import Overview

    overview = big_view._overview
    big_view.set_zoom(0.1)  # the overview shows, the items' layers are hidden
    assert overview.isVisible()
    key = overview.tiles_for(Overview.level_scale(level))[0]
    while not overview.render_step(key, 1.0):
        pass
    under, nodes = overview._tiles[key][:2]
    ours = QImage(under.size(), QImage.Format.Format_ARGB32)
    ours.fill(Qt.GlobalColor.white)
    painter = QPainter(ours)
    painter.drawImage(0, 0, under)
    painter.drawImage(0, 0, nodes)
    painter.end()
    big_view.reset_zoom()  # the items show, the overview hides
    assert not overview.isVisible()
    theirs = QImage(under.size(), QImage.Format.Format_ARGB32)
    theirs.fill(Qt.GlobalColor.white)
    painter = QPainter(theirs)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    big_view.scene().render(painter, QRectF(theirs.rect()), overview._padded(key))
    painter.end()
    a, b = (_pixels(i.convertToFormat(QImage.Format.Format_Grayscale8)) for i in (ours, theirs))
    assert min(b) < 128  # boxes, lines (and names) were drawn
    assert sum(abs(x - y) > 8 for x, y in zip(a, b)) == 0


def test_overview_finds_units_under_the_mouse_and_shows_state(big_view, qtbot):
    view = big_view
    view.set_zoom(0.2)
    view.centerOn(view.node_item("dept-b").bbox.center())
    assert view.overview_shown()
    assert view.unit_at(_center(view, "dept-b")) == "dept-b"
    with qtbot.waitSignal(view.unit_clicked, timeout=1000) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=_center(view, "dept-b"))
    assert blocker.args == ["dept-b"] and view.node_item("dept-b").state()[0]
    # No item to hover in the overview: the view gives the unit's tooltip itself.
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QToolTip

    pos = _center(view, "dept-b")
    QApplication.sendEvent(view.viewport(), QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos)))
    assert "Département" in QToolTip.text()
    QToolTip.hideText()
    qtbot.waitUntil(lambda: _overview_ready(view), timeout=5000)
    box = view.mapFromScene(view.node_item("dept-b").bbox).boundingRect()
    selected = view.grab().toImage().copy(box.adjusted(-3, -3, 3, 3))
    view.select_unit(None)
    view.set_highlighted({"dept-b"})  # the others dim
    plain = view.grab().toImage().copy(box.adjusted(-3, -3, 3, 3))
    assert selected != plain  # the selection's border and halo are painted over the images
    view.set_highlighted(set())
    view.set_marks({"dept-b": "removed"})
    ghost = view.grab().toImage().copy(box.adjusted(-3, -3, 3, 3))
    assert ghost != plain


def test_a_unit_revealed_before_its_layout_is_shown_readable_when_the_layout_comes(qtbot, layout, layout_b):
    from iomviewer.ui.chart_view import REVEAL_ZOOM

    v = _shown_view(qtbot)
    v.resize(140, 100)  # the whole chart fitted: names too small to read
    v.select_unit("unit-a11", readable=True)  # iomviewer --select on a cold start: no chart yet
    v.set_layout(layout)
    qtbot.waitUntil(lambda: v.unit_count() > 0, timeout=5000)
    assert v.zoom() == pytest.approx(REVEAL_ZOOM) and v.names_readable()
    assert v.viewport().rect().contains(_center(v, "unit-a11"))
    v.fit_all()  # a later layout, with the selection unchanged, keeps what the reader did
    fitted = v.zoom()
    v.set_layout(layout_b)
    qtbot.waitUntil(lambda: v.chart_layout() is layout_b, timeout=5000)
    assert v.zoom() == pytest.approx(fitted)


def test_a_pending_reveal_is_dropped_when_the_selection_moves_on(qtbot, layout):
    v = _shown_view(qtbot)
    v.resize(140, 100)
    v.select_unit("unit-a11", readable=True)
    v.select_unit("div-a1")  # chosen otherwise before the layout came
    v.set_layout(layout)
    qtbot.waitUntil(lambda: v.unit_count() > 0, timeout=5000)
    assert not v.names_readable()  # fitted, as any first layout
    for again, revealed in (({"center": False}, True),  # a restyle (the window's, after each layout)
                            ({}, False)):  # the same unit walked to in the tree
        w = _shown_view(qtbot)
        w.resize(140, 100)
        w.select_unit("unit-a11", readable=True)
        w.select_unit("unit-a11", **again)
        w.set_layout(layout)
        qtbot.waitUntil(lambda: w.unit_count() > 0, timeout=5000)
        assert w.names_readable() == revealed

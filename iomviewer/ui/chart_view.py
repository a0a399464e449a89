"""The organisation chart on screen: a QGraphicsView over items built from Graphviz's layout.

The view never lays anything out.  It receives a chart.layout.Layout (dot's
own drawing, interpreted into records), builds items from it
(ui/chart_items.py) and afterwards only restyles them: selection, search
highlights and change marks never trigger a new layout.  Units are known
by id, so the tree, the chart and the detail pane stay in step without
knowing each other's widgets.

A big chart (over SYNC_MAX_RECORDS records) keeps its items in layers and
tiles and, zoomed out below OVERVIEW_MAX_SCALE, is painted from an
Overview's cached images (chart_items.py): at "fit" zoom 10,000 boxes as
items cost 0.15-0.3 s a frame.

Zoom is expressed so that 100 % shows points at their size on this screen
(the size of the PNG export at 96 dpi on a 96 dpi screen).
"""
from __future__ import annotations

import logging
import math
import time
from typing import TYPE_CHECKING, Iterable, Iterator, Mapping, Sequence

import shiboken6
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPen, QTransform
from PySide6.QtWidgets import QApplication, QFrame, QGraphicsItem, QGraphicsScene, QGraphicsView, QLabel, QVBoxLayout, QWidget

from iomviewer.chart import style
from iomviewer.chart.layout import Layout
from iomviewer.ui.chart_items import (OVERVIEW_MAX_SCALE, Z_CLUSTER, Z_EDGE, Z_GRAPH_TEXT, Z_NODE,
                                      NodeItem, Overview, background_item, cluster_item, edge_item, text_item,
                                      texts_readable)
from iomviewer.core.memory import CollectorPause
from iomviewer.ui.history_buttons import pass_up_history_buttons

if TYPE_CHECKING:
    # The rest is imported where it is used: each Qt type PySide makes costs
    # the start 0.2-2 ms (its enums), and these serve a big chart, the busy
    # overlay, an animation or a menu, none of which the first paint needs.
    from PySide6.QtGui import QContextMenuEvent, QKeyEvent, QMouseEvent, QResizeEvent, QShowEvent, QWheelEvent
    from PySide6.QtWidgets import QGraphicsRectItem, QMenu

log = logging.getLogger(__name__)

MIN_ZOOM = 0.05
MAX_ZOOM = 8.0
ZOOM_STEP = 1.25  # per zoom_in / zoom_out, and per wheel notch (120 units)
FIT_MARGIN = 12  # pixels around the chart when fitting
FIT_MAX_ZOOM = 1.0  # fitting never blows a small chart up beyond its natural size
BUSY_DELAY_MS = 150  # a layout quicker than this shows no overlay (no flicker)
CENTER_ANIMATION_MS = 220
# A unit revealed (a search result, a link followed) whose name would come out
# under READABLE_NAME_PX is shown at REVEAL_ZOOM instead: centring it in a
# fitted overview of the whole organisation (about 20 %) showed a dot.
READABLE_NAME_PX = 8.0
REVEAL_ZOOM = 1.0
# Layouts with more records (nodes, edges, clusters) than this are built in slices.
SYNC_MAX_RECORDS = 1500
BUILD_SLICE_S = 0.012  # item creation per turn of the event loop
TILE_PT = 1500.0  # a big chart's nodes are grouped in tiles of about this size (points)
_TILE_MARGIN = 12.0  # room in a tile for its nodes' halos, hover rings and badges
_GRID_PT = 256.0  # cells of the grid unit_at looks nodes up in


class _Scene:
    """A chart's scene and what the view keeps of it: items by kind, a big chart's layers, tiles
    and overview, and a grid of the nodes for hit tests (no Python call per item on a mouse move)."""

    def __init__(self, scene: QGraphicsScene, big: bool) -> None:
        self.scene, self.big = scene, big
        self.nodes: dict[str, NodeItem] = {}
        self.items: list = []  # background, clusters, graph texts, edges
        self.layers: dict[float, QGraphicsRectItem] = {}
        self.tiles: dict[tuple[int, int], QGraphicsRectItem] = {}
        self._tile_boxes: dict[tuple[int, int], list[float]] = {}
        self.overview: Overview | None = None
        self.grid: dict[tuple[int, int], list[NodeItem]] = {}
        self.serial = 0

    def start_layers(self, bounds: QRectF) -> Overview:
        from PySide6.QtWidgets import QGraphicsRectItem

        self.overview = Overview(bounds)
        self.scene.addItem(self.overview)
        for z in (Z_CLUSTER, Z_EDGE, Z_NODE):
            layer = QGraphicsRectItem()
            layer.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents)
            layer.setZValue(z)
            # Hidden from the start: a big chart opens fitted, below the readable size, on its
            # overview (hiding 10,000 items afterwards would walk them all).
            layer.setVisible(False)
            self.scene.addItem(layer)
            self.layers[z] = layer
        return self.overview

    def add(self, item: QGraphicsItem, layer: float) -> None:
        if self.big:
            item.setParentItem(self.layers[layer])
            self.overview.add_under(item)  # type: ignore[union-attr]
        else:
            self.scene.addItem(item)
        self.items.append(item)

    def add_node(self, node: NodeItem) -> None:
        x, y, w, h = node.record.bbox
        if self.big:
            key = (int((x + w / 2) // TILE_PT), int((y + h / 2) // TILE_PT))
            tile = self.tiles.get(key)
            if tile is None:
                from PySide6.QtWidgets import QGraphicsRectItem

                tile = self.tiles[key] = QGraphicsRectItem(self.layers[Z_NODE])
                tile.setPen(QPen(Qt.PenStyle.NoPen))
                # Qt skips the children of a tile outside the area painted or hit-tested.
                tile.setFlag(QGraphicsItem.GraphicsItemFlag.ItemContainsChildrenInShape)
                tile.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
                self._tile_boxes[key] = [x, y, x + w, y + h]
            box = self._tile_boxes[key]
            box[0], box[1], box[2], box[3] = min(box[0], x), min(box[1], y), max(box[2], x + w), max(box[3], y + h)
            node.setParentItem(tile)
            self.overview.add_node(node)  # type: ignore[union-attr]
        else:
            self.scene.addItem(node)
        self.nodes[node.unit_id] = node
        for i in range(int(x // _GRID_PT), int((x + w) // _GRID_PT) + 1):
            for j in range(int(y // _GRID_PT), int((y + h) // _GRID_PT) + 1):
                self.grid.setdefault((i, j), []).append(node)

    def finish_tiles(self) -> None:
        m = _TILE_MARGIN
        for key, tile in self.tiles.items():
            x0, y0, x1, y1 = self._tile_boxes[key]
            tile.setRect(QRectF(x0 - m, y0 - m, x1 - x0 + 2 * m, y1 - y0 + 2 * m))

    def node_at(self, point: QPointF) -> NodeItem | None:
        for node in self.grid.get((int(point.x() // _GRID_PT), int(point.y() // _GRID_PT)), ()):
            if node.bbox.contains(point):
                return node
        return None

    def disposal_order(self) -> list:
        """Leaves first: deleting a layer would delete its thousands of children in one go."""
        rest = list(self.tiles.values()) + list(self.layers.values())
        return list(self.nodes.values()) + self.items + rest + ([self.overview] if self.overview else [])


class _BusyOverlay(QWidget):
    """A translucent veil with a message, a progress bar and a Cancel button.

    The veil lets the mouse through (the chart underneath stays usable while
    dot runs); only the card in its middle takes clicks, for its button.
    """

    def __init__(self, parent: QWidget) -> None:
        from PySide6.QtWidgets import QProgressBar, QPushButton

        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        card = self.card = QFrame(self)
        card.setObjectName("busy-card")
        card.setStyleSheet("#busy-card { background: rgba(255, 255, 255, 235); border: 1px solid #b8b8b8;"
                           " border-radius: 6px; } QLabel { color: #222222; }")
        self.label = QLabel(card)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.bar = QProgressBar(card)
        self.bar.setRange(0, 0)  # indeterminate until a progress report says otherwise
        self.bar.setTextVisible(False)
        self.bar.setFixedWidth(180)
        self.bar.setMaximumHeight(10)
        self.cancel = QPushButton(card)
        self.cancel.setText(QApplication.translate("ChartView", "Annuler"))
        self.cancel.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(18, 12, 18, 14)
        inner.addWidget(self.label)
        inner.addWidget(self.bar, 0, Qt.AlignmentFlag.AlignHCenter)
        inner.addWidget(self.cancel, 0, Qt.AlignmentFlag.AlignHCenter)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignCenter)
        outer.addStretch(1)
        self.hide()

    def set_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        else:
            self.bar.setRange(0, 0)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._mask_to_card()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._mask_to_card()

    def _mask_to_card(self) -> None:
        # Mouse events reach a widget only inside its mask: outside the card
        # they go to the chart.  (WA_TransparentForMouseEvents would also make
        # the card's button unclickable.)  The veil is painted by the view.
        from PySide6.QtGui import QRegion

        self.layout().activate()
        self.setMask(QRegion(self.card.geometry()))


class ChartView(QGraphicsView):
    unit_clicked = Signal(str)
    layout_shown = Signal()  # a new chart is on screen (after set_layout, at once or when built)
    cancel_requested = Signal()  # the overlay's Cancel button
    unit_double_clicked = Signal(str)
    toggle_collapse_requested = Signal(str)
    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Organigramme"))
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
                            | QPainter.RenderHint.SmoothPixmapTransform)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheNone)  # cached pixmaps blur on zoom
        self.setBackgroundBrush(QColor(style.BACKGROUND))  # the exports are white too
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        # Panning is ours (see mousePressEvent): a press on a node must still select it.
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # Our own viewport (the same plain QWidget Qt would make): reading
        # one Qt made costs PySide 20-25 ms the first time (see history_buttons.py).
        self.setViewport(QWidget())
        self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        self.viewport().setMouseTracking(True)

        self._layout: Layout | None = None
        self._built: _Scene | None = None  # the scene shown and its items (see _Scene)
        self._building: tuple[Layout, Iterator[int]] | None = None
        self._build_generation = 0
        self._next: _Scene | None = None  # a scene built, not yet shown
        self._disposing: list[QGraphicsScene] = []
        self._state_serial = 0  # bumped by every restyle request (see _install)
        self._gc_pause: CollectorPause | None = None  # while a big scene is built (see _pause_gc)
        self._selected: str | None = None
        self._pending_reveal: str | None = None  # to show readable once a layout holds it (select_unit)
        self._highlighted: frozenset[str] = frozenset()
        self._marks: dict[str, tuple[str, ...]] = {}
        self._dim_others = True
        self._auto_fit = False  # refit on resize/new layout until the user zooms or pans
        self._had_layout = False
        self._last_zoom = -1.0
        self._press: tuple[QPointF, str | None] | None = None
        self._panning = False
        self._pan_origin = QPoint()
        self.smooth_scrolling = True
        self._animation = None  # the centring animation, made at its first run
        self.last_build_seconds = 0.0

        self._busy = False
        self._busy_message = ""
        self._progress = (0, 0)
        self._overlay_widget: _BusyOverlay | None = None  # made the first time it is needed: see _overlay
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(self._show_overlay)

    # --- content -------------------------------------------------------------------------
    @property
    def _nodes(self) -> dict[str, NodeItem]:
        return self._built.nodes if self._built is not None else {}

    @property
    def _overview(self) -> Overview | None:
        """A big chart's overview (see _Scene), None for a small one."""
        return self._built.overview if self._built is not None else None

    def set_layout(self, layout: Layout) -> None:
        """Replace the chart; keep the selection, highlights and marks of units still shown.

        A chart of up to SYNC_MAX_RECORDS records is built at once.  A bigger
        one (10,000 units: 0.7-1 s of item creation and overview images) is
        built into a new scene a few milliseconds at a time between events, under the busy overlay,
        while the old chart stays on screen and usable; the new one replaces
        it when complete (`layout_shown`).  A newer set_layout, or
        cancel_build(), drops a build under way.
        """
        self._abandon_build()
        self._build_generation += 1
        started = time.perf_counter()
        records = len(layout.nodes) + len(layout.edges) + len(layout.clusters)
        steps = self._build_scene(layout)
        if records <= SYNC_MAX_RECORDS:
            for _ in steps:
                pass
            self._install(layout, started, time.perf_counter() - started)
            return
        generation, spent = self._build_generation, [0.0]
        self._building = (layout, steps)
        self._pause_gc()
        self._show_building(0, records)

        def run_slice() -> None:
            if generation != self._build_generation:
                return
            t0 = time.perf_counter()
            end = t0 + BUILD_SLICE_S
            try:
                while time.perf_counter() < end:
                    done = next(steps)
            except StopIteration:
                spent[0] += time.perf_counter() - t0
                self._building = None
                self._install(layout, started, spent[0])
                return
            spent[0] += time.perf_counter() - t0
            self._show_building(done, records)
            QTimer.singleShot(0, self, run_slice)

        QTimer.singleShot(0, self, run_slice)

    def is_building(self) -> bool:
        """True while a big chart is being built in slices (the old one still shows)."""
        return self._building is not None

    def cancel_build(self) -> None:
        """Stop building a big chart; the chart on screen stays."""
        if self._building is not None:
            self._abandon_build()
            self._build_generation += 1
            self._refresh_overlay()

    def _abandon_build(self) -> None:
        if self._building is not None:
            _layout, steps = self._building
            self._building = None
            steps.close()  # its scene and items go to _dispose (see _build_scene)
            self._resume_gc(freeze=False)

    def _pause_gc(self) -> None:
        """Keep the cycle collector out while a big scene's ~100,000 Python objects are made.

        Each full pass over them (as the heap grows, a few during the build)
        held the GUI thread 110-200 ms at 10,000 units.  After the build they
        are frozen (gc.freeze): never walked again, still freed by reference
        counting when the scene goes, since they hold no reference cycles.
        """
        if self._gc_pause is None:
            self._gc_pause = CollectorPause()  # shared with the search index's build: see core.memory

    def _resume_gc(self, freeze: bool) -> None:
        pause, self._gc_pause = self._gc_pause, None
        if pause is not None:
            pause.end(freeze)

    def _build_scene(self, layout: Layout) -> Iterator[int]:
        """Make the items of a layout into self._next (a _Scene); yield the records done.

        A big chart (more than SYNC_MAX_RECORDS records) puts its items in
        layers: clusters, edges, and nodes grouped in tiles, so that Qt skips
        a whole tile off screen without asking each node's (Python)
        boundingRect, and an Overview paints the chart below the readable
        size while the layers are hidden (see _apply_level_of_detail).
        """
        scene = QGraphicsScene(self)
        # No index while items pour in (each insertion would update it); a
        # small chart gets its BSP index when it is shown (see _install).
        scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        big = len(layout.nodes) + len(layout.edges) + len(layout.clusters) > SYNC_MAX_RECORDS
        built = _Scene(scene, big)
        complete = False
        try:
            bounds = QRectF(0, 0, layout.width, layout.height)
            for shape in layout.background:
                item = background_item(shape)
                scene.addItem(item)
                built.items.append(item)
                bounds = bounds.united(item.boundingRect())
            scene.setSceneRect(bounds)
            overview = built.start_layers(bounds) if big else None
            done = 0
            for record in layout.clusters:
                built.add(cluster_item(record), Z_CLUSTER)
                done += 1
                yield done
            for text in layout.texts:
                item = text_item(text)
                item.setZValue(Z_GRAPH_TEXT)
                built.add(item, Z_CLUSTER)  # in the clusters' layer, over them
            for record in layout.edges:
                built.add(edge_item(record), Z_EDGE)
                done += 1
                yield done
            dimming = self._dimming()
            for uid, record in layout.nodes.items():
                node = NodeItem(record)
                lit = uid in self._highlighted
                node.set_state(uid == self._selected, lit, dimming and not lit)
                if uid in self._marks:
                    node.set_marks(self._marks[uid])
                built.add_node(node)
                done += 1
                yield done
            built.finish_tiles()
            if overview is not None:
                overview.set_dimmed(dimming)
                scale = self._expected_scale(bounds)
                if scale is not None and scale < OVERVIEW_MAX_SCALE:
                    # The overview's images for the zoom the chart will open at, before it shows.
                    for key in overview.tiles_for(scale):
                        while not overview.render_step(key, BUILD_SLICE_S):
                            yield done
                        yield done
            built.serial = self._state_serial
            self._next = built
            complete = True
        finally:
            if not complete:  # abandoned: take the half-built scene apart in the background
                self._dispose(scene, built.disposal_order())

    def _expected_scale(self, bounds: QRectF) -> float | None:
        """Pixels per point the new chart will open at, if it is fitted to the view."""
        if self._had_layout and not self._auto_fit:
            return None
        return self._fitted_scale(bounds)

    def _install(self, layout: Layout, started: float, build_seconds: float) -> None:
        """Show the scene _build_scene made (the old one is taken apart in the background)."""
        built, self._next = self._next, None
        scene, serial, big = built.scene, built.serial, built.big
        anchor = None if self._auto_fit else self._view_anchor()
        self._stop_animation()
        old_scene, old_items = self.scene(), self._built.disposal_order() if self._built else []
        if self._overview is not None:
            self._overview.stop()
        if not big:
            scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        # else no index: for 10,000 units, building the BSP tree made the first paint
        # 0.48 s instead of 0.28 s, and later paints were no quicker (0.09 s vs 0.06 s at 100 %).
        # Nor smart updates: the first pass over 50,000 new (dirty) items merged each
        # one's rectangle into a QRegion, one second of the GUI thread.
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate if big
                                   else QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self._layout, self._built = layout, built  # a big chart's layers start hidden, its overview shown
        self.setScene(scene)
        if old_scene is not None:
            self._dispose(old_scene, old_items)
        if serial != self._state_serial:  # selection, highlights or marks changed meanwhile
            self._restyle_all()
            for uid, marks in self._marks.items():
                if uid in self._nodes:
                    self._nodes[uid].set_marks(marks)
        self._raise_tile(self._selected, True)
        self.last_build_seconds = build_seconds
        log.debug("chart scene: %d units built in %.1f ms (%.1f ms elapsed)", len(self._nodes),
                  build_seconds * 1000, (time.perf_counter() - started) * 1000)
        if not self._had_layout or self._auto_fit:
            self._had_layout = bool(self._nodes)
            self.fit_all()
        elif anchor is not None and anchor[0] in self._nodes:
            uid, viewport_pos = anchor
            # Keep the unit the reader was looking at where it was on screen.
            target = self._nodes[uid].bbox.center()
            offset = QPointF(viewport_pos) - QPointF(self.viewport().rect().center())
            scale = self.transform().m11() or 1.0
            self.centerOn(target - offset / scale)
        pending, self._pending_reveal = self._pending_reveal, None
        if pending is not None and pending == self._selected:
            self.reveal_unit(pending, animate=False)
        self._emit_zoom()
        self._refresh_overlay()
        self._resume_gc(freeze=big)  # see _pause_gc
        self.layout_shown.emit()

    def _dispose(self, scene: QGraphicsScene, items: list) -> None:
        """Delete a scene's items a slice at a time, then the scene.

        Deleting 10,000 nodes (and their texts and frames) in one go blocks
        the event loop for about a second; this way no turn of it waits long.
        """
        scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        if len(items) <= SYNC_MAX_RECORDS:
            scene.deleteLater()  # small: in one go, when control returns to Qt
            return
        pending = list(reversed(items))
        self._disposing.append(scene)

        def run_slice() -> None:
            end = time.perf_counter() + BUILD_SLICE_S
            while pending and time.perf_counter() < end:
                item = pending.pop()
                if shiboken6.isValid(item):
                    shiboken6.delete(item)
            if pending:
                QTimer.singleShot(0, self, run_slice)
            else:
                self._disposing.remove(scene)
                scene.deleteLater()

        QTimer.singleShot(0, self, run_slice)

    def clear(self) -> None:
        """Show nothing (no edition, or a failed layout)."""
        self.set_layout(Layout(0.0, 0.0, {}, (), (), ()))

    def chart_layout(self) -> Layout | None:
        return self._layout

    def unit_count(self) -> int:
        """Units in the chart on screen (not those of a chart still being built)."""
        return len(self._nodes)

    def node_item(self, unit_id: str) -> NodeItem | None:
        return self._nodes.get(unit_id)

    def node_items(self) -> dict[str, NodeItem]:
        return dict(self._nodes)

    # --- selection, highlights, marks --------------------------------------------------------
    def selected_unit(self) -> str | None:
        return self._selected

    def select_unit(self, unit_id: str | None, center: bool = True, readable: bool = False) -> None:
        """Restyle the old and the new selected node in place; emits nothing.

        center: scroll the node to the middle; readable as well: zoom in to
        REVEAL_ZOOM first if its name is too small to read at this zoom.
        """
        previous, self._selected = self._selected, unit_id
        self._state_serial += 1
        for uid in {previous, unit_id} - {None}:
            self._restyle(uid)
        self._raise_tile(previous, False)
        self._raise_tile(unit_id, True)
        # A unit not in this chart yet (a start before its layout, a branch being laid
        # out) is revealed by the layout that brings it, if still selected then.
        if unit_id != self._pending_reveal or (center and not readable):
            self._pending_reveal = None  # chosen again otherwise since: no longer wanted
        if center and readable and unit_id not in self._nodes:
            self._pending_reveal = unit_id
        if center and unit_id in self._nodes:
            if readable:
                self.reveal_unit(unit_id)
            else:
                self._center_on(self._nodes[unit_id].bbox.center())

    def reveal_unit(self, unit_id: str, animate: bool = True) -> None:
        """Scroll to a unit, zooming in to REVEAL_ZOOM first if names are unreadable; selects nothing."""
        node = self._nodes.get(unit_id)
        if node is None:
            return
        point = node.bbox.center()
        if not self.names_readable():
            self._stop_animation()
            self.set_zoom(REVEAL_ZOOM)
            self.centerOn(point)
        elif animate:
            self._center_on(point)
        else:
            self.centerOn(point)

    def reveal_nearest(self, path: Sequence[str]) -> str | None:
        """Reveal the last unit of `path` (root first) that the chart shows; its id, or None."""
        shown = next((uid for uid in reversed(path) if uid in self._nodes), None)
        if shown is not None:
            self.reveal_unit(shown)
        return shown

    @property
    def auto_fit(self) -> bool:
        """Whether the chart is fitted to the view and follows resizes (no zoom or pan since)."""
        return self._auto_fit

    def names_readable(self) -> bool:
        """Whether unit names come out at READABLE_NAME_PX or more at the current zoom."""
        return self.transform().m11() * style.NAME_SIZE >= READABLE_NAME_PX

    def highlighted(self) -> frozenset[str]:
        return self._highlighted

    def set_highlighted(self, ids: Iterable[str]) -> None:
        """Give search matches the highlight style (and dim the others, see dim_others)."""
        new = frozenset(ids)
        if new == self._highlighted:
            return
        self._state_serial += 1
        was_dimming = self._dimming()
        changed = new ^ self._highlighted
        self._highlighted = new
        if was_dimming != self._dimming():
            self._restyle_all()  # every node changes between dimmed and not
        else:
            for uid in changed:
                self._restyle(uid)

    @property
    def dim_others(self) -> bool:
        return self._dim_others

    @dim_others.setter
    def dim_others(self, on: bool) -> None:
        self.set_dim_others(on)

    def set_dim_others(self, on: bool) -> None:
        """Dim the nodes that do not match while a non-empty search highlights some."""
        if on != self._dim_others:
            self._state_serial += 1
            self._dim_others = on
            self._restyle_all()

    def marks(self) -> dict[str, tuple[str, ...]]:
        return dict(self._marks)

    def set_marks(self, marks: Mapping[str, str | Iterable[str]]) -> None:
        """Change marks of the compare mode, by unit id: "added", "removed", "renamed", "moved",
        "mandate_changed" (and "not_covered", "not_in_a_coverage"); a unit may carry several."""
        new = {uid: (m,) if isinstance(m, str) else tuple(m) for uid, m in marks.items()}
        new = {uid: m for uid, m in new.items() if m}
        self._state_serial += 1
        changed = False
        for uid in set(self._marks) | set(new):
            node = self._nodes.get(uid)
            if node is not None and node.marks() != new.get(uid, ()):
                node.set_marks(new.get(uid, ()))
                changed = True
        self._marks = new
        if changed and self._overview is not None:
            self._overview.invalidate()  # its images leave marked boxes out

    def _dimming(self) -> bool:
        return self._dim_others and bool(self._highlighted)

    def _restyle(self, uid: str) -> None:
        node = self._nodes.get(uid)
        if node is not None:
            lit = uid in self._highlighted
            node.set_state(uid == self._selected, lit, self._dimming() and not lit)

    def _restyle_all(self) -> None:
        dimming = self._dimming()
        for uid, node in self._nodes.items():
            lit = uid in self._highlighted
            node.set_state(uid == self._selected, lit, dimming and not lit)
        if self._overview is not None:
            self._overview.set_dimmed(dimming)

    def _raise_tile(self, uid: str | None, selected: bool) -> None:
        # In a big chart the selected node's tile goes over its neighbours, so the halo does too
        # (as the node itself does among the top-level nodes of a small chart).
        node = self._nodes.get(uid) if uid is not None else None
        tile = node.parentItem() if node is not None else None
        if tile is not None:
            tile.setZValue(1.0 if selected else 0.0)

    # --- zoom and scrolling -----------------------------------------------------------------------
    def _unit_scale(self) -> float:
        """Pixels per point at 100 %."""
        return (self.logicalDpiX() or 96) / 72.0

    def zoom(self) -> float:
        """The zoom factor: 1.0 is 100 %."""
        return self.transform().m11() / self._unit_scale()

    def _fit_scale(self, rect: QRectF) -> float | None:
        """Pixels per point that show `rect` whole in the viewport (None: nothing to fit, or no room)."""
        vp = self.viewport().rect().adjusted(FIT_MARGIN, FIT_MARGIN, -FIT_MARGIN, -FIT_MARGIN)
        if rect.isEmpty() or vp.width() <= 0 or vp.height() <= 0:
            return None
        return min(vp.width() / rect.width(), vp.height() / rect.height())

    def _fitted_scale(self, rect: QRectF) -> float | None:
        """The scale fit_all gives `rect`: fitted, never enlarged beyond FIT_MAX_ZOOM (None: no room)."""
        scale = self._fit_scale(rect)
        return None if scale is None else min(scale, FIT_MAX_ZOOM * self._unit_scale())

    def _fit_zoom(self) -> float:
        scale = self._fit_scale(self._content_rect())
        return 1.0 if scale is None else scale / self._unit_scale()

    def min_zoom(self) -> float:
        """MIN_ZOOM, or less when the whole chart needs less to fit (a chart of thousands)."""
        return min(MIN_ZOOM, self._fit_zoom())

    def set_zoom(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom to `factor` (clamped), keeping the scene point under viewport pos `anchor` still."""
        self._auto_fit = False  # the reader chose a zoom: a new layout or a resize keeps it
        factor = max(self.min_zoom(), min(MAX_ZOOM, factor))
        if anchor is None:
            anchor = QPointF(self.viewport().rect().center())
        scene_point = self.mapToScene(anchor.toPoint())
        old = self.transformationAnchor()
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        s = factor * self._unit_scale()
        self.setTransform(QTransform.fromScale(s, s))
        self.setTransformationAnchor(old)
        # Scroll so the same scene point is under the anchor again (AnchorUnderMouse, exactly).
        delta = self.mapFromScene(scene_point) - anchor.toPoint()
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + delta.x())
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + delta.y())
        self._emit_zoom()

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom() / ZOOM_STEP)

    def reset_zoom(self) -> None:
        """100 %: points at their real size on this screen."""
        self.set_zoom(1.0)

    def fit_all(self) -> None:
        """Show the whole chart (KeepAspectRatio), never enlarged beyond FIT_MAX_ZOOM."""
        self._stop_animation()
        rect = self._content_rect()
        if rect.isEmpty():
            self.resetTransform()
            self._emit_zoom()
            return
        s = self._fitted_scale(rect)
        if s is None:  # no room to fit: 100 %
            s = min(1.0, FIT_MAX_ZOOM) * self._unit_scale()
        self.setTransform(QTransform.fromScale(s, s))
        self.centerOn(rect.center())
        self._auto_fit = True
        self._emit_zoom()

    def center_on_selection(self) -> None:
        node = self._nodes.get(self._selected) if self._selected else None
        if node is not None:
            self._center_on(node.bbox.center())

    def _content_rect(self) -> QRectF:
        return self.sceneRect() if self._nodes else QRectF()

    def _center_on(self, point: QPointF) -> None:
        self._auto_fit = False
        self._stop_animation()
        start = self.mapToScene(self.viewport().rect().center())
        far = (abs(point.x() - start.x()) > 3 * self.viewport().width() / max(self.transform().m11(), 1e-6)
               or abs(point.y() - start.y()) > 3 * self.viewport().height() / max(self.transform().m11(), 1e-6))
        if not self.smooth_scrolling or not self.isVisible() or far:
            self.centerOn(point)
            return
        if self._animation is None:
            from PySide6.QtCore import QEasingCurve, QVariantAnimation

            self._animation = QVariantAnimation(self)
            self._animation.setDuration(CENTER_ANIMATION_MS)
            self._animation.setEasingCurve(QEasingCurve.Type.OutCubic)
            self._animation.valueChanged.connect(lambda p: self.centerOn(p))
        self._animation.setStartValue(QPointF(start))
        self._animation.setEndValue(QPointF(point))
        self._animation.start()

    def _stop_animation(self) -> None:
        if self._animation is not None:
            self._animation.stop()

    def texts_visible(self) -> bool:
        """Whether unit names are drawn at the current zoom (not below chart_items.TEXT_MIN_PX)."""
        return texts_readable(self.transform().m11())

    def _apply_level_of_detail(self) -> None:
        # Each node decides in paint() whether to draw its texts, from the painter's scale:
        # nothing to do per node here.  A big chart switches between its overview (zoomed out
        # below OVERVIEW_MAX_SCALE) and its layers of items.
        if self._overview is None:
            return
        on = self.transform().m11() < OVERVIEW_MAX_SCALE
        if on != self._overview.isVisible():
            for layer in self._built.layers.values():  # type: ignore[union-attr]
                layer.setVisible(not on)
            self._overview.setVisible(on)

    def overview_shown(self) -> bool:
        """True while a big chart is painted from its overview (zoomed out below the readable size)."""
        return self._overview is not None and self._overview.isVisible()

    def _emit_zoom(self) -> None:
        self._apply_level_of_detail()
        z = self.zoom()
        if not math.isclose(z, self._last_zoom, rel_tol=1e-9):
            self._last_zoom = z
            self.zoom_changed.emit(z)

    def _view_anchor(self) -> tuple[str, QPoint] | None:
        """The unit to keep in place across a new layout: the selection if on screen, else the centre one."""
        if not self._nodes:
            return None
        visible = self.mapToScene(self.viewport().rect()).boundingRect()
        node = self._nodes.get(self._selected) if self._selected else None
        if node is None or not visible.intersects(node.bbox):
            centre = visible.center()
            node = min(self._nodes.values(), key=lambda n: (n.bbox.center() - centre).manhattanLength())
        return node.unit_id, self.mapFromScene(node.bbox.center())

    # --- hit testing ------------------------------------------------------------------------------
    def unit_at(self, pos: QPoint | QPointF) -> str | None:
        """The id of the unit under a viewport position, if any."""
        if self._built is None:
            return None
        p = pos.toPoint() if isinstance(pos, QPointF) else pos
        # The pixel's centre, looked up in a grid: self.items() would ask every node of a big
        # chart (no index) for its boundingRect, a Python call each, at each mouse move.
        node = self._built.node_at(self.mapToScene(p) + QPointF(0.5, 0.5) / (self.transform().m11() or 1.0))
        return node.unit_id if node is not None else None

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and self.overview_shown():
            # The overview shows no items to hover: give the unit's tooltip from the grid.
            from PySide6.QtGui import QHelpEvent
            from PySide6.QtWidgets import QToolTip

            assert isinstance(event, QHelpEvent)
            uid = self.unit_at(event.pos())
            if uid is not None:
                QToolTip.showText(event.globalPos(), self._nodes[uid].tooltip_html(), self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    # --- events -----------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if pass_up_history_buttons(event):
            return
        if event.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.MiddleButton):
            self._stop_animation()
            self._press = (event.position(), self.unit_at(event.position())
                           if event.button() == Qt.MouseButton.LeftButton else None)
            self._panning = False
            self._pan_origin = event.position().toPoint()
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is not None and event.buttons() & (Qt.MouseButton.LeftButton | Qt.MouseButton.MiddleButton):
            pos = event.position().toPoint()
            if not self._panning:
                moved = (event.position() - self._press[0]).manhattanLength()
                if moved < QApplication.startDragDistance():
                    return  # a click that trembles is still a click
                self._panning = True
                self._auto_fit = False
                self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            delta = pos - self._pan_origin
            self._pan_origin = pos
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - delta.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - delta.y())
            event.accept()
            return
        super().mouseMoveEvent(event)  # hover and tooltips of the items
        self._update_cursor(event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._press is not None and event.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.MiddleButton):
            _, pressed = self._press
            was_panning = self._panning
            self._press, self._panning = None, False
            if not was_panning and pressed is not None and event.button() == Qt.MouseButton.LeftButton \
                    and self.unit_at(event.position()) == pressed:
                self.select_unit(pressed, center=False)
                self.unit_clicked.emit(pressed)
            self._update_cursor(event.position())
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = None
            uid = self.unit_at(event.position())
            if uid is not None:
                self.unit_double_clicked.emit(uid)
                self.toggle_collapse_requested.emit(uid)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def _update_cursor(self, pos: QPointF) -> None:
        shape = Qt.CursorShape.PointingHandCursor if self.unit_at(pos) else Qt.CursorShape.OpenHandCursor
        if self.viewport().cursor().shape() != shape:
            self.viewport().setCursor(shape)

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta()
        mods = event.modifiers()
        if mods & Qt.KeyboardModifier.ShiftModifier or (delta.y() == 0 and delta.x() != 0):
            # Shift+wheel or a sideways wheel/touchpad: pan horizontally.
            step = delta.x() or delta.y()
            bar = self.horizontalScrollBar()
            bar.setValue(bar.value() - step)
            event.accept()
            return
        if delta.y() == 0:
            event.ignore()
            return
        # Plain wheel and Ctrl+wheel zoom around the cursor.
        self._stop_animation()
        self.set_zoom(self.zoom() * ZOOM_STEP ** (delta.y() / 120.0), event.position())
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        hbar, vbar = self.horizontalScrollBar(), self.verticalScrollBar()
        pans = {Qt.Key.Key_Left: (hbar, -1), Qt.Key.Key_Right: (hbar, 1),
                Qt.Key.Key_Up: (vbar, -1), Qt.Key.Key_Down: (vbar, 1)}
        if key in pans and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            bar, sign = pans[key]
            self._auto_fit = False
            bar.setValue(bar.value() + sign * max(20, self.viewport().width() // 10
                                                  if bar is hbar else self.viewport().height() // 10))
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_in()
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.zoom_out()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def context_menu_for(self, unit_id: str | None) -> QMenu:
        """The context menu of a unit (or of empty space when unit_id is None)."""
        from PySide6.QtWidgets import QMenu

        menu = QMenu(self)
        if unit_id is not None:
            toggle = menu.addAction(self.tr("Replier / déplier les unités rattachées"))
            toggle.triggered.connect(lambda: self.toggle_collapse_requested.emit(unit_id))
            centre = menu.addAction(self.tr("Centrer sur cette unité"))
            centre.triggered.connect(lambda: self._center_on(self._nodes[unit_id].bbox.center())
                                     if unit_id in self._nodes else None)
            menu.addSeparator()
        menu.addAction(self.tr("Ajuster à la fenêtre"), self.fit_all)
        menu.addAction(self.tr("Taille réelle (100 %)"), self.reset_zoom)
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        uid = self.unit_at(event.pos())  # viewport coordinates, as QGraphicsView delivers it
        if uid is not None and uid != self._selected:
            # The menu acts on a unit: make it the selection, as a left click would.
            self.select_unit(uid, center=False)
            self.unit_clicked.emit(uid)
        menu = self.context_menu_for(uid)
        menu.exec(event.globalPos())
        menu.deleteLater()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._overlay_widget is not None:
            self._overlay_widget.setGeometry(self.viewport().geometry())
        if self._auto_fit:
            self.fit_all()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._auto_fit:
            self.fit_all()

    # --- busy overlay -------------------------------------------------------------------------------
    def is_busy(self) -> bool:
        return self._busy or self._building is not None

    @property
    def _overlay(self) -> _BusyOverlay:
        if self._overlay_widget is None:
            self._overlay_widget = _BusyOverlay(self)
            self._overlay_widget.setGeometry(self.viewport().geometry())
            self._overlay_widget.cancel.clicked.connect(self._on_cancel_clicked)
        return self._overlay_widget

    def overlay_visible(self) -> bool:
        return self._overlay_widget is not None and self._overlay_widget.isVisible()

    def set_busy(self, busy: bool, message: str = "") -> None:
        """Veil the chart with a message and a running indicator while a layout runs elsewhere.

        The overlay shows only if the work lasts more than BUSY_DELAY_MS; the
        chart under it still scrolls, zooms and takes clicks, and its Cancel
        button emits cancel_requested.
        """
        self._busy = busy
        self._busy_message = message or self.tr("Mise en page…")
        self._refresh_overlay()

    def set_progress(self, done: int, total: int) -> None:
        """Steps done of the running layout (0, 0: unknown)."""
        self._progress = (done, total)
        if not self._building and self._overlay_widget is not None:
            self._overlay_widget.set_progress(done, total)

    def _show_building(self, done: int, total: int) -> None:
        self._overlay.label.setText(self.tr("Dessin de l'organigramme…"))
        self._overlay.set_progress(done, total)
        if not self._overlay.isVisible() and not self._busy_timer.isActive():
            self._busy_timer.start()

    def _refresh_overlay(self) -> None:
        if self._building is not None:
            return  # _show_building keeps it up to date
        if self._busy:
            if self._overlay_widget is not None:  # else made, with this text, when it first shows
                self._overlay_widget.label.setText(self._busy_message)
                self._overlay_widget.set_progress(*self._progress)
            if not self.overlay_visible() and not self._busy_timer.isActive():
                self._busy_timer.start()
        else:
            self._progress = (0, 0)
            self._busy_timer.stop()
            if self.overlay_visible():
                self._overlay.hide()
                self.viewport().update()

    def _show_overlay(self) -> None:
        """BUSY_DELAY_MS into the work: the overlay shows (made now: most layouts end before)."""
        if self._busy or self._building is not None:
            overlay = self._overlay
            if self._building is None:  # (a scene build's text is _show_building's)
                overlay.label.setText(self._busy_message)
                overlay.set_progress(*self._progress)
            overlay.setGeometry(self.viewport().geometry())
            overlay.raise_()
            overlay.show()
            self.viewport().update()

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        """The overlay's veil (the overlay widget itself is masked to its card)."""
        if self.overlay_visible():
            painter.fillRect(rect, QColor(255, 255, 255, 140))

    def _on_cancel_clicked(self) -> None:
        self.cancel_build()
        self.cancel_requested.emit()

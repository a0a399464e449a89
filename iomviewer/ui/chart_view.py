"""The organisation chart on screen: a QGraphicsView over items built from Graphviz's layout.

The view never lays anything out.  It receives a chart.layout.Layout (dot's
own drawing, interpreted into records), builds items from it
(ui/chart_items.py) and afterwards only restyles them: selection, search
highlights and change marks never trigger a new layout.  Units are known
by id, so the tree, the chart and the detail pane stay in step without
knowing each other's widgets.

Zoom is expressed so that 100 % shows points at their size on this screen
(the size of the PNG export at 96 dpi on a 96 dpi screen).
"""
from __future__ import annotations

import logging
import math
import time
from typing import Iterable, Mapping

from PySide6.QtCore import (QEasingCurve, QPoint, QPointF, QRectF, Qt, QTimer, QVariantAnimation,
                            Signal)
from PySide6.QtGui import (QColor, QContextMenuEvent, QKeyEvent, QMouseEvent, QPainter, QPaintEvent,
                           QResizeEvent, QShowEvent, QTransform, QWheelEvent)
from PySide6.QtWidgets import (QApplication, QFrame, QGraphicsScene, QGraphicsView, QLabel, QMenu,
                               QProgressBar, QVBoxLayout, QWidget)

from iomviewer.chart import style
from iomviewer.chart.layout import Layout
from iomviewer.ui.chart_items import (Z_GRAPH_TEXT, NodeItem, background_item, cluster_item,
                                      edge_item, text_item)

log = logging.getLogger(__name__)

MIN_ZOOM = 0.05
MAX_ZOOM = 8.0
ZOOM_STEP = 1.25  # per zoom_in / zoom_out, and per wheel notch (120 units)
FIT_MARGIN = 12  # pixels around the chart when fitting
FIT_MAX_ZOOM = 1.0  # fitting never blows a small chart up beyond its natural size
BUSY_DELAY_MS = 150  # a layout quicker than this shows no overlay (no flicker)
CENTER_ANIMATION_MS = 220
# Below this many pixels a line of unit name is grey mush, and painting thousands of
# such lines costs most of a frame (2,000 units: 450 of 500 ms): hide node texts then.
TEXT_MIN_PX = 2.5


class _BusyOverlay(QWidget):
    """A translucent veil with a message and an indeterminate progress bar.

    Transparent for the mouse: the chart underneath stays usable while dot runs.
    """

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        card = QFrame(self)
        card.setObjectName("busy-card")
        card.setStyleSheet("#busy-card { background: rgba(255, 255, 255, 235); border: 1px solid #b8b8b8;"
                           " border-radius: 6px; } QLabel { color: #222222; }")
        self.label = QLabel(card)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.bar = QProgressBar(card)
        self.bar.setRange(0, 0)  # indeterminate
        self.bar.setTextVisible(False)
        self.bar.setFixedWidth(180)
        self.bar.setMaximumHeight(10)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(18, 12, 18, 14)
        inner.addWidget(self.label)
        inner.addWidget(self.bar, 0, Qt.AlignmentFlag.AlignHCenter)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignCenter)
        outer.addStretch(1)
        self.hide()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(255, 255, 255, 140))


class ChartView(QGraphicsView):
    unit_clicked = Signal(str)
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
        self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        self.viewport().setMouseTracking(True)

        self._layout: Layout | None = None
        self._nodes: dict[str, NodeItem] = {}
        self._selected: str | None = None
        self._highlighted: frozenset[str] = frozenset()
        self._marks: dict[str, tuple[str, ...]] = {}
        self._dim_others = True
        self._auto_fit = False  # refit on resize/new layout until the user zooms or pans
        self._had_layout = False
        self._last_zoom = -1.0
        self._texts_visible = True
        self._press: tuple[QPointF, str | None] | None = None
        self._panning = False
        self._pan_origin = QPoint()
        self.smooth_scrolling = True
        self._animation = QVariantAnimation(self)
        self._animation.setDuration(CENTER_ANIMATION_MS)
        self._animation.setEasingCurve(QEasingCurve.Type.OutCubic)
        self._animation.valueChanged.connect(lambda p: self.centerOn(p))
        self.last_build_seconds = 0.0

        self._busy = False
        self._overlay = _BusyOverlay(self)
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(self._show_overlay)

    # --- content -------------------------------------------------------------------------
    def set_layout(self, layout: Layout) -> None:
        """Replace the chart; keep the selection, highlights and marks of units still shown."""
        started = time.perf_counter()
        anchor = None if self._auto_fit else self._view_anchor()
        self._animation.stop()
        scene = self.scene()
        # A fresh scene is quicker than removing thousands of items one by one from an
        # indexed one; the old scene (and its items) goes when control returns to Qt.
        old = scene
        scene = QGraphicsScene(self)
        scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self._nodes = {}
        self._layout = layout
        bounds = QRectF(0, 0, layout.width, layout.height)
        for shape in layout.background:
            item = background_item(shape)
            scene.addItem(item)
            bounds = bounds.united(item.boundingRect())
        for record in layout.clusters:
            scene.addItem(cluster_item(record))
        for text in layout.texts:
            item = text_item(text)
            item.setZValue(Z_GRAPH_TEXT)
            scene.addItem(item)
        for record in layout.edges:
            scene.addItem(edge_item(record))
        for uid, record in layout.nodes.items():
            node = NodeItem(record)
            scene.addItem(node)
            self._nodes[uid] = node
        self._texts_visible = True
        scene.setSceneRect(bounds)
        self.setScene(scene)
        if old is not None:
            old.deleteLater()
        self._restyle_all()
        for uid, marks in self._marks.items():
            if uid in self._nodes:
                self._nodes[uid].set_marks(marks)
        self.last_build_seconds = time.perf_counter() - started
        log.debug("chart scene: %d units built in %.1f ms", len(self._nodes), self.last_build_seconds * 1000)
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
        self._emit_zoom()

    def clear(self) -> None:
        """Show nothing (no edition, or a failed layout)."""
        self.set_layout(Layout(0.0, 0.0, {}, (), (), ()))

    def chart_layout(self) -> Layout | None:
        return self._layout

    def unit_count(self) -> int:
        return len(self._nodes)

    def node_item(self, unit_id: str) -> NodeItem | None:
        return self._nodes.get(unit_id)

    def node_items(self) -> dict[str, NodeItem]:
        return dict(self._nodes)

    # --- selection, highlights, marks --------------------------------------------------------
    def selected_unit(self) -> str | None:
        return self._selected

    def select_unit(self, unit_id: str | None, center: bool = True) -> None:
        """Restyle the old and the new selected node in place; emits nothing."""
        previous, self._selected = self._selected, unit_id
        for uid in {previous, unit_id} - {None}:
            self._restyle(uid)
        if center and unit_id in self._nodes:
            self._center_on(self._nodes[unit_id].bbox.center())

    def highlighted(self) -> frozenset[str]:
        return self._highlighted

    def set_highlighted(self, ids: Iterable[str]) -> None:
        """Give search matches the highlight style (and dim the others, see dim_others)."""
        new = frozenset(ids)
        if new == self._highlighted:
            return
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
            self._dim_others = on
            self._restyle_all()

    def marks(self) -> dict[str, tuple[str, ...]]:
        return dict(self._marks)

    def set_marks(self, marks: Mapping[str, str | Iterable[str]]) -> None:
        """Change marks of the compare mode, by unit id: "added", "removed", "renamed", "moved",
        "mandate_changed" (and "not_covered", "not_in_a_coverage"); a unit may carry several."""
        new = {uid: (m,) if isinstance(m, str) else tuple(m) for uid, m in marks.items()}
        new = {uid: m for uid, m in new.items() if m}
        for uid in set(self._marks) | set(new):
            node = self._nodes.get(uid)
            if node is not None:
                node.set_marks(new.get(uid, ()))
        self._marks = new

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

    # --- zoom and scrolling -----------------------------------------------------------------------
    def _unit_scale(self) -> float:
        """Pixels per point at 100 %."""
        return (self.logicalDpiX() or 96) / 72.0

    def zoom(self) -> float:
        """The zoom factor: 1.0 is 100 %."""
        return self.transform().m11() / self._unit_scale()

    def _fit_zoom(self) -> float:
        rect = self._content_rect()
        vp = self.viewport().rect().adjusted(FIT_MARGIN, FIT_MARGIN, -FIT_MARGIN, -FIT_MARGIN)
        if rect.isEmpty() or vp.width() <= 0 or vp.height() <= 0:
            return 1.0
        return min(vp.width() / rect.width(), vp.height() / rect.height()) / self._unit_scale()

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
        self._animation.stop()
        rect = self._content_rect()
        if rect.isEmpty():
            self.resetTransform()
            self._emit_zoom()
            return
        factor = min(self._fit_zoom(), FIT_MAX_ZOOM)
        s = factor * self._unit_scale()
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
        self._animation.stop()
        start = self.mapToScene(self.viewport().rect().center())
        far = (abs(point.x() - start.x()) > 3 * self.viewport().width() / max(self.transform().m11(), 1e-6)
               or abs(point.y() - start.y()) > 3 * self.viewport().height() / max(self.transform().m11(), 1e-6))
        if not self.smooth_scrolling or not self.isVisible() or far:
            self.centerOn(point)
            return
        self._animation.setStartValue(QPointF(start))
        self._animation.setEndValue(QPointF(point))
        self._animation.start()

    def texts_visible(self) -> bool:
        return self._texts_visible

    def _apply_level_of_detail(self) -> None:
        visible = self.zoom() * self._unit_scale() * style.NAME_SIZE >= TEXT_MIN_PX
        if visible != self._texts_visible:
            self._texts_visible = visible
            for node in self._nodes.values():
                node.set_texts_visible(visible)

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
        p = pos.toPoint() if isinstance(pos, QPointF) else pos
        for item in self.items(p):
            while item is not None:
                if isinstance(item, NodeItem):
                    return item.unit_id
                item = item.parentItem()
        return None

    # --- events -----------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.MiddleButton):
            self._animation.stop()
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
        self._animation.stop()
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
        self._overlay.setGeometry(self.viewport().geometry())
        if self._auto_fit:
            self.fit_all()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._auto_fit:
            self.fit_all()

    # --- busy overlay -------------------------------------------------------------------------------
    def is_busy(self) -> bool:
        return self._busy

    def overlay_visible(self) -> bool:
        return self._overlay.isVisible()

    def set_busy(self, busy: bool, message: str = "") -> None:
        """Veil the chart with a message and a running indicator while a layout runs elsewhere.

        The overlay shows only if the work lasts more than BUSY_DELAY_MS; the
        chart under it still scrolls, zooms and takes clicks.
        """
        self._busy = busy
        self._overlay.label.setText(message or self.tr("Mise en page…"))
        if busy:
            if not self._overlay.isVisible() and not self._busy_timer.isActive():
                self._busy_timer.start()
        else:
            self._busy_timer.stop()
            self._overlay.hide()

    def _show_overlay(self) -> None:
        if self._busy:
            self._overlay.setGeometry(self.viewport().geometry())
            self._overlay.raise_()
            self._overlay.show()

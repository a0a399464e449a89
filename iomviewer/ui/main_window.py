"""The main window: composes tree, chart and detail pane and routes their signals.

Selection is a unit id; every view is told about it, none talks to another
directly.  Work that may be slow (layout, search index, loading a file) goes
through TaskRunner workers.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QMainWindow,
    QSpinBox,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from iomviewer import __version__
from iomviewer.core.model import Dataset, Edition
from iomviewer.core.text import escape_markup
from iomviewer.ui.actions import Actions
from iomviewer.ui.compare_mode import CompareBar, CompareMode
from iomviewer.ui.chart_controller import ChartController
from iomviewer.ui.chart_legend import ChartLegend
from iomviewer.ui.chart_view import ChartView
from iomviewer.ui.detail_pane import DetailPane
from iomviewer.ui.i18n import current_language
from iomviewer.core.memory import collector_paused, settle_memory
from iomviewer.ui.navigation import NavigationHistory
from iomviewer.ui.notice import NoticeLabel
from iomviewer.ui.search_box import SearchBox
from iomviewer.ui.settings import Settings
from iomviewer.ui.tree_panel import TreePanel
from iomviewer.ui.workers import TaskRunner

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent, QMouseEvent

    from iomviewer.ui.change_list import ChangeListPanel  # made on first use: see MainWindow.change_list

log = logging.getLogger(__name__)

# Selections made by naming a unit rather than by pointing at it in the chart
# or walking the tree: the chart zooms in if its name would be unreadable
# ("link": iomviewer --select, a deep link).
_REVEALING_ORIGINS = frozenset({"search", "detail", "changes", "link"})


def _search_index_steps(edition: Edition):
    """The search index, built in steps on the GUI thread (see TaskRunner.submit_sliced)."""
    from iomviewer.core.search import SearchIndex

    with collector_paused():  # ended when the index is built, or its job dropped (generator closed)
        index = yield from SearchIndex.steps(edition)
    return edition.id, index


def _load_file(path: str) -> Dataset:
    from iomviewer.core.loading import load_dataset

    return load_dataset(path)


class MainWindow(QMainWindow):
    selection_changed = Signal(str)
    chart_ready = Signal()
    first_painted = Signal()  # once, after the chart's first paint (what waits for it may start)
    language_change_requested = Signal(str)

    def __init__(self, dataset: Dataset, settings: Settings) -> None:
        super().__init__()
        self.settings = settings
        self.dataset = dataset
        self.edition = dataset.edition()
        self._base_edition_id = self.edition.id  # the edition shown outside compare mode
        self.history = NavigationHistory()
        self._index_pending: Edition | None = None  # its search index waits for the chart (see _show_edition)
        self._chart_painted = False  # the index also waits for the chart's first paint
        self._had_layout = False  # the first chart shown is fitted to the view
        self._after_paint: list = []  # what waits for the first paint (see eventFilter)
        self._selected: str | None = None
        self._highlighted: frozenset[str] = frozenset()
        self.persist_settings = True  # off for --smoke-test: a check must not change the user's layout
        self.reset_title()

        self.layout_runner = TaskRunner(self)  # Graphviz: one job at a time
        self.task_runner = TaskRunner(self)  # search index, file loading
        self.task_runner.finished.connect(self._on_task_finished)
        self.task_runner.failed.connect(self._on_task_failed)

        self.actions_ = Actions(self)
        self._build_widgets()
        self.actions_.build_menus(self.menuBar())
        self._build_toolbar()
        self.chart_controller = ChartController(self.layout_runner, self)
        self.chart_controller.hold_layouts()  # until the first paint's work has started (see eventFilter)
        self.compare_mode = CompareMode(self)
        self._connect()
        self._restore_options()
        self._apply_dataset(dataset, self.settings.get("data/edition") or None)
        # The chart's first paint starts what waits for it (see eventFilter).
        # Mouse back/forward: every widget, our views included, passes those
        # presses up to the window (mousePressEvent, history_buttons.py).
        self.chart.viewport().installEventFilter(self)

    @property
    def change_list(self) -> ChangeListPanel:
        """Compare mode's list of changes, made on first use (its module and Qt classes cost a start ~5 ms)."""
        if self._change_list is None:
            from iomviewer.ui.change_list import ChangeListPanel

            panel = self._change_list = ChangeListPanel()
            panel.set_filter_action(self.actions_.changes_only)
            panel.setVisible(False)
            panel.unit_activated.connect(lambda uid: self.select_unit(uid, origin="changes"))
            self.left_splitter.addWidget(panel)
            self.left_splitter.setStretchFactor(0, 3)
            self.left_splitter.setStretchFactor(1, 2)
        return self._change_list

    @property
    def compare_bar(self) -> CompareBar:
        """Compare mode's bar over the chart, made on first use (hidden until then)."""
        if self._compare_bar is None:
            bar = self._compare_bar = CompareBar(self.actions_.leave_compare)
            self.compare_mode.attach_bar(bar)
            self._middle.insertWidget(0, bar)
        return self._compare_bar

    def reset_title(self) -> None:
        self.setWindowTitle(self.tr("iomviewer — Organisation internationale pour les migrations"))

    # --- construction ------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.search = SearchBox()
        self.tree = TreePanel()
        top = QWidget()
        column = QVBoxLayout(top)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.search)
        column.addWidget(self.tree, 1)
        # Compare mode: the change list goes under the tree (so the chart keeps
        # its width) when first needed: see the change_list property.
        self._change_list: ChangeListPanel | None = None
        left = self.left_splitter = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(top)
        left.setChildrenCollapsible(False)

        self.chart = ChartView()
        self.legend = ChartLegend(self.chart)
        self.notice = NoticeLabel("4px 8px")
        self.notice.setTextFormat(Qt.TextFormat.PlainText)  # coverage notes are data, never markup
        self._compare_bar: CompareBar | None = None  # made on first use: see the compare_bar property
        centre = QWidget()
        middle = self._middle = QVBoxLayout(centre)
        middle.setContentsMargins(0, 0, 0, 0)
        middle.setSpacing(0)
        # A big organisation opens depth-limited: say so, with a way to see it all.
        self.scale_notice = NoticeLabel("4px 8px")
        self.scale_notice.setObjectName("scale-notice")
        self.scale_notice.setTextFormat(Qt.TextFormat.RichText)  # built here from escaped text
        middle.addWidget(self.notice)
        middle.addWidget(self.scale_notice)
        middle.addWidget(self.chart, 1)

        self.detail = DetailPane()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setStretchFactor(2, 3)
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)
        self.zoom_label = QLabel()
        self.statusBar().addPermanentWidget(self.zoom_label)

    def _build_toolbar(self) -> None:
        a = self.actions_
        bar = QToolBar(self.tr("Barre d'outils"))
        bar.setObjectName("main-toolbar")
        bar.addActions([a.back, a.forward])
        bar.addSeparator()
        bar.addWidget(QLabel(self.tr(" Édition : ")))
        self.edition_box = QComboBox()
        self.edition_box.setAccessibleName(self.tr("Édition"))
        self.edition_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        bar.addWidget(self.edition_box)
        bar.addSeparator()
        bar.addActions([a.top_down, a.left_right, a.compact, a.branch_only])
        bar.addWidget(QLabel(self.tr(" Profondeur : ")))
        self.depth_box = QSpinBox()
        self.depth_box.setRange(0, 50)
        self.depth_box.setSpecialValueText(self.tr("toutes"))
        self.depth_box.setAccessibleName(self.tr("Profondeur affichée"))
        self.depth_box.setToolTip(self.tr("Nombre de niveaux affichés sous la racine (0 : tous)"))
        bar.addWidget(self.depth_box)
        bar.addSeparator()
        bar.addActions([a.zoom_out, a.fit, a.zoom_in])
        self.addToolBar(bar)

    def _connect(self) -> None:
        a = self.actions_
        a.quit.triggered.connect(self.close)
        a.open.triggered.connect(self.open_file_dialog)
        a.export.triggered.connect(self.export_chart)
        a.print.triggered.connect(self.print_chart)
        a.find.triggered.connect(self.search.focus_search)
        a.copy.triggered.connect(self.copy_selection)
        a.back.triggered.connect(self.go_back)
        a.forward.triggered.connect(self.go_forward)
        a.go_parent.triggered.connect(self.go_parent)
        a.zoom_in.triggered.connect(self.chart.zoom_in)
        a.zoom_out.triggered.connect(self.chart.zoom_out)
        a.fit.triggered.connect(self.chart.fit_all)
        a.actual_size.triggered.connect(self.chart.reset_zoom)
        a.center.triggered.connect(self.chart.center_on_selection)
        a.top_down.triggered.connect(lambda: self._set_chart_option("chart/rankdir", "TB", rankdir="TB"))
        a.left_right.triggered.connect(lambda: self._set_chart_option("chart/rankdir", "LR", rankdir="LR"))
        a.compact.toggled.connect(lambda on: self._set_chart_option("chart/compact", on, compact=on))
        a.show_links.toggled.connect(lambda on: self._set_chart_option("chart/show_links", on, show_links=on))
        a.branch_only.toggled.connect(self._set_branch_only)
        a.show_legend.toggled.connect(self._set_legend_visible)
        a.toggle_collapse.triggered.connect(lambda: self._selected and self.chart_controller.toggle_collapsed(self._selected))
        a.expand_all.triggered.connect(self.chart_controller.expand_all)
        a.compare.triggered.connect(self.open_compare_dialog)
        a.leave_compare.triggered.connect(self.leave_compare)
        a.changes_only.toggled.connect(self.compare_mode.set_changes_only)
        a.lang_fr.triggered.connect(lambda: self.language_change_requested.emit("fr"))
        a.lang_en.triggered.connect(lambda: self.language_change_requested.emit("en"))
        a.about.triggered.connect(self.show_about)
        self.depth_box.valueChanged.connect(self._set_depth)
        self.edition_box.activated.connect(self._on_edition_chosen)

        self.tree.unit_activated.connect(lambda uid: self.select_unit(uid, origin="tree"))
        self.chart.unit_clicked.connect(lambda uid: self.select_unit(uid, origin="chart"))
        self.chart.toggle_collapse_requested.connect(self.chart_controller.toggle_collapsed)
        self.chart.zoom_changed.connect(lambda z: self.zoom_label.setText(f"{z * 100:.0f} %"))
        self.detail.unit_link_activated.connect(lambda uid: self.select_unit(uid, origin="detail"))
        self.search.result_chosen.connect(lambda uid: self.select_unit(uid, origin="search"))
        self.search.query_changed.connect(self._on_query_changed)
        self.search.cleared.connect(lambda: self._on_query_changed(""))

        self.chart_controller.layout_ready.connect(self._on_layout_ready)
        self.chart_controller.layout_failed.connect(self._on_layout_failed)
        self.chart_controller.busy_changed.connect(
            lambda busy: self.chart.set_busy(busy, self.tr("Mise en page…")))
        self.chart_controller.progress.connect(self.chart.set_progress)
        self.chart_controller.auto_depth_changed.connect(self._on_auto_depth_changed)
        self.chart.cancel_requested.connect(self.chart_controller.cancel)
        self.chart.cancel_requested.connect(self._build_pending_index)
        self.chart.layout_shown.connect(self._on_layout_shown)  # big scenes are built after layout_ready
        self.scale_notice.linkActivated.connect(lambda _href: self.chart_controller.show_everything())

    def _restore_options(self) -> None:
        s, a = self.settings, self.actions_
        rankdir = s.get("chart/rankdir")
        (a.top_down if rankdir == "TB" else a.left_right).setChecked(True)
        for action, key in ((a.compact, "chart/compact"), (a.show_links, "chart/show_links")):
            action.blockSignals(True)
            action.setChecked(s.get(key))
            action.blockSignals(False)
        a.branch_only.blockSignals(True)
        a.branch_only.setChecked(s.get("chart/scope") == "branch")
        a.branch_only.blockSignals(False)
        a.show_legend.blockSignals(True)
        a.show_legend.setChecked(s.get("chart/legend"))
        a.show_legend.blockSignals(False)
        self.depth_box.blockSignals(True)
        self.depth_box.setValue(s.get("chart/depth"))
        self.depth_box.blockSignals(False)
        (a.lang_en if current_language() == "en" else a.lang_fr).setChecked(True)
        self.chart_controller.set_options(
            rankdir=rankdir, compact=s.get("chart/compact"), show_links=s.get("chart/show_links"),
            depth=s.get("chart/depth") or None, lang=current_language())
        self.chart_controller.set_branch_only(s.get("chart/scope") == "branch")

    def restore_geometry(self) -> None:
        s = self.settings
        if not s.get("window/geometry").isEmpty():
            self.restoreGeometry(s.get("window/geometry"))
        else:
            screen = QGuiApplication.primaryScreen()
            size = screen.availableGeometry().size() * 0.85 if screen else None
            self.resize(size if size else self.sizeHint())
        if not s.get("window/state").isEmpty():
            self.restoreState(s.get("window/state"))
        if not s.get("window/splitter").isEmpty():
            self.splitter.restoreState(s.get("window/splitter"))
        else:
            total = max(self.width(), 900)
            self.splitter.setSizes([int(total * 0.22), int(total * 0.5), int(total * 0.28)])

    # --- dataset and edition -----------------------------------------------------
    def _apply_dataset(self, dataset: Dataset, edition_id: str | None = None) -> None:
        self.dataset = dataset
        self.edition_box.clear()
        for e in dataset.editions:
            text = e.label + (self.tr(" (partielle)") if e.is_partial else "")
            self.edition_box.addItem(text, e.id)
            self.edition_box.setItemData(self.edition_box.count() - 1, e.period.label, Qt.ItemDataRole.ToolTipRole)
        wanted = edition_id if edition_id and dataset.has_edition(edition_id) else dataset.default_edition
        self.set_edition(wanted)

    def set_edition(self, edition_id: str) -> None:
        """Show one edition (leaving compare mode if it is on)."""
        edition = self.dataset.edition(edition_id)
        self.compare_mode.end()
        self._base_edition_id = edition.id
        self._show_edition(edition)

    def _show_edition(self, edition: Edition) -> None:
        """Show an edition, or a comparison edition, in every view."""
        previous = self._selected
        self.edition = edition
        shown = self.comparison.diff.b if self.comparison is not None else edition.id
        self.edition_box.setCurrentIndex(self.edition_box.findData(shown))
        self.history.retain({u.id for u in edition.units})
        self.tree.set_edition(edition)
        self.search.set_index(None)
        # Built once the chart is on screen: the chart is what the user waits
        # for, and both want the interpreter (about 70 ms sooner at start).
        self._index_pending = edition
        self.chart_controller.set_edition(edition, self.dataset)
        if not self.layout_runner.is_busy("layout") and not self.chart.is_building():
            self._build_pending_index()  # the chart was there already: nothing to wait for
        self.notice.setVisible(edition.is_partial)
        if edition.is_partial and self.comparison is not None:
            self.notice.setText(self.tr("Comparaison avec une édition partielle : une unité qu'elle ne décrit pas "
                                        "n'est ni ajoutée ni supprimée (bordure pointillée)."))
            self.notice.setToolTip(edition.coverage_note or "")
        elif edition.is_partial:
            self.notice.setText(self.tr("Édition partielle : {0}").format(edition.coverage_note or ""))
            self.notice.setToolTip("")
        self._selected = None
        if previous and previous in edition:
            self.select_unit(previous, origin="edition", record=False)
        else:
            if previous:
                name = previous
                for e in self.dataset.editions:
                    if previous in e:
                        name = e.unit(previous).name
                self.statusBar().showMessage(
                    self.tr("« {0} » n'existe pas dans l'édition « {1} ».").format(name, edition.label), 10000)
            self.detail.show_unit(self.dataset, edition, None)
            self.chart.select_unit(None, center=False)
        self._update_navigation_actions()

    def _on_edition_chosen(self, index: int) -> None:
        edition_id = self.edition_box.itemData(index)
        if edition_id and (edition_id != self.edition.id or self.comparison is not None):
            self.set_edition(edition_id)

    # --- compare mode ----------------------------------------------------------------
    def open_compare_dialog(self) -> None:
        from iomviewer.ui.compare_dialog import CompareDialog

        if self.comparison is not None:
            a, b = self.comparison.diff.a, self.comparison.diff.b
        else:
            a, b = None, self._base_edition_id
        dialog = CompareDialog(self.dataset, a, b, self)
        if dialog.exec():
            self.start_compare(*dialog.editions())

    def start_compare(self, a: str, b: str) -> bool:
        """Show what changed from edition a to edition b; False (and a message) if they cannot be compared."""
        comparison = self.compare_mode.start(a, b)
        if comparison is None:
            return False
        self._show_edition(comparison.edition)
        self.compare_mode.after_shown()
        return True

    def leave_compare(self) -> None:
        """Back to the edition shown before compare mode."""
        if self.comparison is not None:
            self.set_edition(self._base_edition_id)

    def _say_shown_instead(self, unit_id: str, shown: str) -> None:
        self.statusBar().showMessage(self.tr(
            "« {0} » n'est pas dans l'organigramme affiché (profondeur limitée ou branche repliée) : "
            "il montre « {1} », dont relève cette unité.").format(
                self.edition.unit(unit_id).name, self.edition.unit(shown).name), 15000)

    @property
    def comparison(self):
        """The core.compare.Comparison shown, or None outside compare mode."""
        return self.compare_mode.comparison

    # --- selection -----------------------------------------------------------------
    def select_unit(self, unit_id: str | None, *, origin: str = "code", record: bool = True) -> bool:
        if unit_id is None or unit_id not in self.edition:
            return False
        changed = unit_id != self._selected
        self._selected = unit_id
        if record:
            self.history.visit(unit_id)
        if origin != "tree":
            self.tree.select_unit(unit_id)
        if self.comparison is not None and origin != "changes":
            self.change_list.select_unit(unit_id)
        # Chosen by name (a search result, a link, a change): shown where its name can be read.
        revealing = origin in _REVEALING_ORIGINS
        self.chart.select_unit(unit_id, center=origin != "chart", readable=revealing)
        if revealing and self.chart.unit_count() and self.chart.node_item(unit_id) is None:
            # Left out of the chart (a depth limit, a folded branch): its nearest shown ancestor.
            shown = self.chart.reveal_nearest(self.edition.path_from_root(unit_id))
            if shown is not None:
                self._say_shown_instead(unit_id, shown)
        self.detail.show_unit(self.dataset, self.edition, unit_id)
        if origin != "chart":
            self.chart_controller.set_selection(unit_id)
        self._update_navigation_actions()
        if changed:
            self.selection_changed.emit(unit_id)
        return True

    @property
    def selected_unit(self) -> str | None:
        return self._selected

    def go_back(self) -> None:
        self.select_unit(self.history.back(), origin="history", record=False)

    def go_forward(self) -> None:
        self.select_unit(self.history.forward(), origin="history", record=False)

    def go_parent(self) -> None:
        if self._selected:
            self.select_unit(self.edition.unit(self._selected).parent, origin="code")

    def _update_navigation_actions(self) -> None:
        self.actions_.back.setEnabled(self.history.can_go_back())
        self.actions_.forward.setEnabled(self.history.can_go_forward())
        self.actions_.go_parent.setEnabled(bool(self._selected and self.edition.unit(self._selected).parent))

    def _walk_history(self, button: Qt.MouseButton) -> bool:
        """Back or forward for the mouse's back/forward buttons; True if the press was one."""
        if button == Qt.MouseButton.BackButton:
            self.go_back()
        elif button == Qt.MouseButton.ForwardButton:
            self.go_forward()
        else:
            return False
        return True

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if not self._walk_history(event.button()):
            super().mousePressEvent(event)

    def eventFilter(self, watched, event: QEvent) -> bool:
        if not self._chart_painted and event.type() == QEvent.Type.Paint and watched is self.chart.viewport():
            # The first paint done, what waited for it starts, one piece a turn
            # of the loop (run in one turn, they held a 10,000-unit window
            # 110-140 ms): the search index (itself in slices), the results
            # list, first_painted's listeners, then a layout not in the cache
            # (hold_layouts: beside these, it blocked the thread longer than
            # all of them; the chart is only late by these few turns).  The
            # filter's job is done: it would run Python for every later event.
            self._chart_painted = True
            watched.removeEventFilter(self)
            self._after_paint = [self._build_pending_index, self.search.prepare, self.first_painted.emit,
                                 self.chart_controller.release_layouts]
            QTimer.singleShot(0, self._next_after_paint)
        return super().eventFilter(watched, event)

    @property
    def after_paint_done(self) -> bool:
        """The chart drawn once and what waited for it started (first_painted emitted)."""
        return self._chart_painted and not self._after_paint

    def _next_after_paint(self) -> None:
        if self._after_paint:
            # What these make (Qt types and their enums, the results list)
            # lives as long as the window: made with the collector paused,
            # then frozen (a full collection it set off held a 10,000-unit
            # window 70 ms).  Under `iomviewer` the start's own pause (cli.main)
            # still holds here, ended by the last step; a window made
            # otherwise (tests, benchmarks/gui_probe.py) has only this one.
            with collector_paused():
                self._after_paint.pop(0)()
        if self._after_paint:
            QTimer.singleShot(0, self._next_after_paint)

    def copy_selection(self) -> None:
        focus = self.focusWidget()
        if focus is not None and hasattr(focus, "copy") and focus is not self.tree:
            focus.copy()  # selected text in the detail pane or search field
        elif self._selected:
            QGuiApplication.clipboard().setText(self.edition.unit(self._selected).name)

    # --- search ----------------------------------------------------------------------
    def _on_query_changed(self, query: str) -> None:
        index = getattr(self, "_search_index", None)
        ids = index.matching_ids(query) if index is not None and query.strip() else set()
        self._highlighted = frozenset(ids)
        self.tree.set_highlighted(ids)
        self.chart.set_highlighted(ids)
        if query.strip():
            self.statusBar().showMessage(self.tr("{0} unité(s) correspondent à « {1} »").format(len(ids), query), 5000)

    # --- chart ------------------------------------------------------------------------
    def _set_chart_option(self, key: str, value, **change) -> None:
        self.settings.set(key, value)
        self.chart_controller.set_options(**change)

    def _set_legend_visible(self, on: bool) -> None:
        self.settings.set("chart/legend", on)
        self.legend.setVisible(on and self.chart.unit_count() > 0)

    def _set_depth(self, depth: int) -> None:
        self._set_chart_option("chart/depth", depth, depth=depth or None)

    def _set_branch_only(self, on: bool) -> None:
        self.settings.set("chart/scope", "branch" if on else "all")
        self.chart_controller.set_selection(self._selected)
        self.chart_controller.set_branch_only(on)

    def _on_layout_ready(self, layout) -> None:
        first = not self._had_layout
        self._had_layout = True
        self.chart.set_layout(layout)
        self.legend.set_layout(layout)
        self.legend.setVisible(self.actions_.show_legend.isChecked())
        self.chart.select_unit(self._selected, center=False)
        query = self.search.query()
        if query:
            self._on_query_changed(query)
        if first and self.chart.auto_fit:  # not when the layout revealed a deep link's unit
            self.chart.fit_all()

    def _on_layout_shown(self) -> None:
        self.chart_ready.emit()
        self._build_pending_index()

    def _build_pending_index(self) -> None:
        if not self._chart_painted:
            return  # at start-up the chart is often ready before the window is drawn: see eventFilter
        edition, self._index_pending = self._index_pending, None
        if edition is not None:
            # Sliced on the GUI thread: in a worker, 10,000 units hold the
            # interpreter lock the window needs and it stalls for a second.
            self.task_runner.submit_sliced("index", _search_index_steps, edition)

    def _on_auto_depth_changed(self, depth) -> None:
        # The depth box reads 0 as "all levels"; while the automatic depth
        # applies, it says which depth the chart really shows.
        self.depth_box.setSpecialValueText(
            self.tr("auto ({0})").format(depth) if depth is not None else self.tr("toutes"))
        text = self.chart_controller.auto_depth_message()
        self.scale_notice.setVisible(bool(text))
        if text:
            self.scale_notice.setText(escape_markup(text) + ' <a href="all">'
                                      + escape_markup(self.tr("Tout afficher (peut prendre une minute)")) + "</a>")

    def _on_layout_failed(self, message: str) -> None:
        self._build_pending_index()
        self.statusBar().showMessage(self.tr("La mise en page a échoué : {0}").format(message), 15000)

    # --- workers -------------------------------------------------------------------------
    def _on_task_finished(self, key: str, result) -> None:
        if key == "index":
            edition_id, index = result
            if edition_id == self.edition.id:
                self._search_index = index
                self.search.set_index(index)
            settle_memory()
        elif key == "load":
            self._apply_dataset(result)
            settle_memory()
            self.settings.set("data/file", result.path or "")
            self.statusBar().showMessage(self.tr("Jeu de données ouvert : {0}").format(result.path), 8000)

    def _on_task_failed(self, key: str, exc, tb: str) -> None:
        if key == "load":
            from iomviewer.ui.dialogs import show_dataset_problems

            show_dataset_problems(self, exc)

    def open_file_dialog(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Ouvrir un jeu de données"), "", self.tr("Données JSON (*.json);;Tous les fichiers (*)"))
        if path:
            self.open_file(path)

    def open_file(self, path: str) -> None:
        self.statusBar().showMessage(self.tr("Chargement de {0}…").format(path))
        self.task_runner.submit("load", _load_file, path)

    # --- export and print -----------------------------------------------------------------
    def export_chart(self) -> None:
        from iomviewer.ui.export_dialog import run_export_dialog

        # Graphviz is not thread-safe: exports share the layout runner's single thread.
        run_export_dialog(self, self.dataset, self.edition, self.chart_controller.options, self._selected,
                          self._highlighted, self.settings, self.layout_runner)

    def print_chart(self) -> None:
        from iomviewer.ui.printing import print_chart

        print_chart(self, self.dataset, self.edition, self.chart_controller.options, self._highlighted,
                    runner=self.layout_runner)

    # --- about and closing -------------------------------------------------------------
    def show_about(self) -> None:
        from iomviewer.ui.dialogs import about_text

        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(self, self.tr("À propos d'iomviewer"), about_text(self.dataset, __version__))

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.persist_settings:
            self._save_settings()
        self.layout_runner.cancel("layout")
        self.layout_runner.wait(5000)
        self.task_runner.wait(5000)
        super().closeEvent(event)

    def _save_settings(self) -> None:
        s = self.settings
        s.set("window/geometry", self.saveGeometry())
        s.set("window/state", self.saveState())
        s.set("window/splitter", self.splitter.saveState())
        s.set("data/edition", self._base_edition_id)  # never a comparison's id
        s.set("data/selection", self._selected or "")
        s.sync()

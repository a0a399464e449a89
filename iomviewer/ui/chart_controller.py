"""Decides what the chart shows and gets it laid out off the GUI thread.

Holds the layout options (direction, compact mode, scope, depth, collapsed
units), asks the TaskRunner for a Graphviz layout when they change, caches
layouts per (dataset, edition, options) so returning to a view costs nothing,
and hands the result to the ChartView.  Selection and search highlights are
restyled in the view itself and never come through here.
"""
from __future__ import annotations

import logging
from dataclasses import replace

from PySide6.QtCore import QObject, Signal

from iomviewer.chart.build import ChartOptions
from iomviewer.core.model import Edition
from iomviewer.ui.workers import TaskRunner

log = logging.getLogger(__name__)

_LAYOUT = "layout"
_CACHE_SIZE = 32


def compute_layout(edition: Edition, options: ChartOptions, digest: str | None = None):
    """Build the styled graph and run dot once (worker thread).

    With the dataset's digest, dot's output is cached on disk per (file
    content, edition, options, Graphviz version): a later start on the same
    data draws the chart without importing pygraphviz or running dot.
    """
    from iomviewer.chart.layout import parse_json
    from iomviewer.core import cache

    entry = None
    if digest is not None:
        from importlib.metadata import version

        entry = cache.key(digest, edition.id, repr(options), version("pygraphviz"))
        data = cache.get("layout", entry)
        if data:
            try:
                return parse_json(data)
            except Exception:  # a corrupt entry is a miss
                log.debug("ignoring corrupt layout cache entry %s", entry)
    from iomviewer.chart.build import build_graph
    from iomviewer.chart.dot import run_dot

    data = run_dot(build_graph(edition, options), "json")
    layout = parse_json(data)
    if entry is not None:
        cache.put("layout", entry, data)
    return layout


class ChartController(QObject):
    layout_ready = Signal(object)  # Layout
    layout_failed = Signal(str)
    busy_changed = Signal(bool)

    def __init__(self, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._runner.finished.connect(self._on_finished)
        self._runner.failed.connect(self._on_failed)
        self._runner.busy_changed.connect(self._on_busy)
        self._edition: Edition | None = None
        self._dataset_key: int = 0
        self._digest: str | None = None
        self._options = ChartOptions()
        self._branch_only = False
        self._selection: str | None = None
        self._cache: dict[tuple, object] = {}
        self._requested: tuple | None = None

    # --- state ---------------------------------------------------------------
    @property
    def options(self) -> ChartOptions:
        """The options of the chart currently requested (root resolved)."""
        return self._effective_options()

    @property
    def branch_only(self) -> bool:
        return self._branch_only

    def set_edition(self, edition: Edition, dataset_key: int = 0, digest: str | None = None) -> None:
        self._edition = edition
        self._dataset_key = dataset_key
        self._digest = digest
        # Collapsed units of another edition mean nothing here.
        kept = frozenset(u for u in self._options.collapsed if u in edition)
        self._options = replace(self._options, collapsed=kept)
        if self._selection not in edition:
            self._selection = None
        self.refresh()

    def set_options(self, **changes) -> None:
        """Change rankdir, compact, depth, show_links… and lay out again if needed."""
        new = replace(self._options, **changes)
        if new != self._options:
            self._options = new
            self.refresh()

    def set_branch_only(self, on: bool) -> None:
        if on != self._branch_only:
            self._branch_only = on
            self.refresh()

    def set_selection(self, unit_id: str | None) -> None:
        self._selection = unit_id
        if self._branch_only:
            self.refresh()

    def toggle_collapsed(self, unit_id: str) -> None:
        if self._edition is None or not self._edition.children(unit_id):
            return
        collapsed = set(self._options.collapsed)
        collapsed.symmetric_difference_update({unit_id})
        self.set_options(collapsed=frozenset(collapsed))

    def expand_all(self) -> None:
        self.set_options(collapsed=frozenset())

    # --- layout ----------------------------------------------------------------
    def _effective_options(self) -> ChartOptions:
        root = self._selection if self._branch_only and self._selection else None
        return replace(self._options, root=root)

    def refresh(self) -> None:
        if self._edition is None:
            return
        options = self._effective_options()
        key = (self._dataset_key, self._edition.id, options)
        if key == self._requested:
            return
        self._requested = key
        cached = self._cache.get(key)
        if cached is not None:
            self._runner.cancel(_LAYOUT)  # a running job for an older view is now stale
            self.layout_ready.emit(cached)
            return
        self._runner.submit(_LAYOUT, self._run, key, self._edition, options, self._digest)

    @staticmethod
    def _run(key: tuple, edition: Edition, options: ChartOptions, digest: str | None) -> tuple:
        return key, compute_layout(edition, options, digest)

    def _on_finished(self, job_key: str, result: object) -> None:
        if job_key != _LAYOUT:
            return
        key, layout = result  # type: ignore[misc]
        self._cache[key] = layout
        while len(self._cache) > _CACHE_SIZE:
            self._cache.pop(next(iter(self._cache)))
        if key == self._requested:
            self.layout_ready.emit(layout)

    def _on_failed(self, job_key: str, exc: object, tb: str) -> None:
        if job_key == _LAYOUT:
            self._requested = None
            self.layout_failed.emit(str(exc))

    def _on_busy(self, job_key: str, busy: bool) -> None:
        if job_key == _LAYOUT:
            self.busy_changed.emit(busy)

    def is_cached(self) -> bool:
        if self._edition is None:
            return False
        return (self._dataset_key, self._edition.id, self._effective_options()) in self._cache

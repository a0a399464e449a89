"""Decides what the chart shows and gets it laid out off the GUI thread.

Holds the layout options (direction, compact mode, scope, depth, collapsed
units), asks the TaskRunner for a Graphviz layout when they change, caches
layouts per (dataset, edition, options) so returning to a view costs nothing,
and hands the result to the ChartView.  Selection and search highlights are
restyled in the view itself and never come through here.

A big organisation opens on a depth-limited chart: when the scope holds more
than `max_auto_units` units and the reader chose no depth, the chart goes as
deep as it can while staying under that many boxes (`auto_depth`), so ten
thousand units open as quickly as the bundled 149 instead of waiting 40 s for
dot.  The reader still gets everything by choosing a depth, a branch, or
`show_everything()`.
"""
from __future__ import annotations

import functools
import logging
from collections import OrderedDict

from PySide6.QtCore import QObject, Signal

from iomviewer.chart.options import ChartOptions
from iomviewer.core.model import Edition
from iomviewer.ui.workers import TaskRunner

log = logging.getLogger(__name__)

_LAYOUT = "layout"
_CACHE_SIZE = 32
# Layouts kept in memory, counted in boxes: a 10,000-unit layout is ~150 MB of
# records, so the cache holds a few small views and at most one or two huge ones.
_CACHE_MAX_UNITS = 24_000
# Scopes larger than this open depth-limited (see auto_depth).  Dot and the
# scene take ~0.3 ms a box; 300 boxes lay out and draw in about a tenth of a second.
AUTO_DEPTH_MAX_UNITS = 300
# compute_layout's steps, for progress reports.
_STEPS = 3
# Layouts of up to this many boxes are cached on disk as pickled records
# rather than dot's JSON: the bundled chart reads back in ~5 ms instead of
# ~20 ms of parsing, so a start on a cached view reads it on the GUI thread
# and the window's first paint already shows the chart.  Bigger layouts keep
# dot's JSON, parsed in a worker (or the dot helper).
_RECORDS_MAX_UNITS = 600
# A records entry read on the GUI thread: at most this big (~25 ms to unpickle).
_SYNC_READ_MAX_BYTES = 1_000_000


@functools.lru_cache(maxsize=1)
def _layout_fingerprint() -> str:
    """What else decides a cached layout: the Graphviz that ran, the code that built the graph.

    Read from the files, without importing anything: importlib.metadata
    costs 50 ms of imports, and importing pygraphviz loads Graphviz itself,
    both of which a start on a cached layout avoids.  pygraphviz's extension
    (which ships Graphviz) and the chart code by name, size and mtime where
    they are on disk (a checkout, a wheel), else the app version that
    cache.key adds anyway (a frozen app).
    """
    import importlib.util
    from pathlib import Path

    import iomviewer
    from iomviewer.core.cache import files_stamp

    parts = []
    spec = importlib.util.find_spec("pygraphviz")
    if spec is not None and spec.origin:
        parts.append(files_stamp(sorted(Path(spec.origin).parent.glob("_graphviz*"))))
    package = Path(iomviewer.__file__).parent
    # The files, not the modules: importing build.py costs a start ~8 ms.
    # layout.py: cached records are its classes; core/text.py cleans the labels.
    parts.append(files_stamp(package / name for name in (
        "chart/build.py", "chart/options.py", "chart/layout.py", "chart/style.py", "core/text.py")))
    return ";".join(parts)


def _cache_entry(edition: Edition, options: ChartOptions, digest: str | None) -> str | None:
    if digest is None:
        return None
    from iomviewer.core import cache

    return cache.key(digest, edition.id, repr(options), _layout_fingerprint())


def _read_records(entry: str, max_bytes: int | None = None):
    """A cached Layout's records, or None (missing, too big, or unreadable: a miss)."""
    from iomviewer.chart.layout import LayoutError, load_records
    from iomviewer.core import cache

    data = cache.get("layout-records", entry, max_bytes)
    if not data:
        return None
    try:
        # The entry was written by this app into the user's own cache folder,
        # under a key that covers the data file, the options and this code.
        return load_records(data)
    except LayoutError:
        log.debug("ignoring corrupt layout records %s", entry)
        return None


def read_cached_layout(edition: Edition, options: ChartOptions, digest: str | None):
    """The cached layout of a small view, read now (GUI thread, a few ms); None if it must be computed."""
    entry = _cache_entry(edition, options, digest)
    return _read_records(entry, _SYNC_READ_MAX_BYTES) if entry is not None else None


def compute_layout(edition: Edition, options: ChartOptions, digest: str | None = None, token=None,
                   dataset=None):
    """Build the styled graph and run dot once (worker thread).

    With the dataset's digest, the result is cached on disk per (file
    content, edition, options, Graphviz version, chart code): a later start on
    the same data draws the chart without importing pygraphviz or running dot.
    token (a workers.CancelToken) gets a progress report between steps and
    stops the work when cancelled; a dot run in the helper process is killed
    then (workers runs cancellable jobs inside chart.dot.cancellation).
    dataset (the edition's Dataset) lets a big chart be built in the dot
    helper process from the dataset's file, not here (see chart/remote.py).
    """
    from iomviewer.core import cache

    def step(done: int) -> None:
        if token is not None:
            token.progress(done, _STEPS)  # raises Cancelled when cancelled

    entry = _cache_entry(edition, options, digest)
    if entry is not None:
        layout = _read_records(entry)
        if layout is not None:
            return layout
        data = cache.get("layout", entry)
        if data:
            from iomviewer.chart.layout import parse_cached

            try:
                return parse_cached(data)
            except Exception:  # a corrupt entry is a miss
                log.debug("ignoring corrupt layout cache entry %s", entry)
    step(0)
    from iomviewer.chart import dot
    from iomviewer.chart.build import scope_units

    # The scope's size decides how the result is cached and whether the helper
    # builds the graph: with no cache entry and no dataset, nothing asks.
    units = len(scope_units(edition, options)) if entry is not None or dataset is not None else 0
    as_records = units <= _RECORDS_MAX_UNITS  # how the result is cached (see below)
    drawing = entry is not None and not as_records  # dot's drawing (JSON) is only kept for a big chart's entry
    layout, data = None, b""
    if dataset is not None and dot.takes_size(units):
        step(1)  # from here the helper builds the graph and lays it out
        layout, data = _lay_out_remotely(dataset, edition, options, drawing)
    if layout is None:
        from iomviewer.chart.build import build_graph
        from iomviewer.chart.layout import lay_out

        graph = build_graph(edition, options)
        step(1)
        # In the helper process whenever there is one (the desktop app): dot holds
        # the interpreter lock while it runs (a first start froze the window for
        # 130-200 ms laying out the bundled chart in a worker thread), and
        # Graphviz was seen to abort on a comparison's extra edges.
        layout, data = lay_out(graph, isolated=True, drawing=drawing)
    step(2)
    if entry is not None:
        if as_records:
            from iomviewer.chart.layout import dump_records

            cache.put("layout-records", entry, dump_records(layout))
        elif data:
            cache.put("layout", entry, data)
    return layout


def _lay_out_remotely(dataset, edition: Edition, options: ChartOptions, drawing: bool):
    """(Layout, bytes) built and laid out by the dot helper from the file; (None, b"") to do it here.

    drawing: whether dot's drawing (bytes) is wanted, for the cache.
    """
    from iomviewer.chart import dot, remote

    ref = remote.edition_ref(dataset, edition)
    if ref is None:  # not read from a file
        return None, b""
    try:
        return dot.run_in_helper(remote.lay_out_ref, ref, options, drawing)
    except remote.StaleDataset as exc:
        log.info("building the chart here: %s", exc)
        return None, b""


def level_counts(edition: Edition, root: str, collapsed: frozenset[str] = frozenset()) -> list[int]:
    """Units at each level below root (root is level 0), not looking inside collapsed units."""
    counts: list[int] = []
    level, seen = [root], {root}
    while level:
        counts.append(len(level))
        nxt = []
        for uid in level:
            if uid not in collapsed:
                nxt.extend(k for k in edition.children(uid) if k not in seen)
        seen.update(nxt)
        level = nxt
    return counts


def auto_depth_for(counts: list[int], max_units: int) -> int | None:
    """The deepest depth whose chart stays within max_units boxes (at least 1); None if all fit.

    When that depth shows almost nothing (under a tenth of max_units: 50,000
    units whose root has two children would open on 3 boxes), one level more
    is taken if it stays within four times max_units.
    """
    if sum(counts) <= max_units:
        return None
    total, depth = 0, 0
    for level, n in enumerate(counts):
        total += n
        if total > max_units:
            break
        depth = level
    depth = max(depth, 1)
    shown = sum(counts[:depth + 1])
    if shown < max_units / 10 and depth + 1 < len(counts) and shown + counts[depth + 1] <= 4 * max_units:
        depth += 1
    return depth


class ChartController(QObject):
    layout_ready = Signal(object)  # Layout
    layout_failed = Signal(str)
    busy_changed = Signal(bool)
    progress = Signal(int, int)  # steps done, of total, of the running layout
    # The depth the chart was limited to because the scope is big (None: not limited).
    auto_depth_changed = Signal(object)

    def __init__(self, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._runner.finished.connect(self._on_finished)
        self._runner.failed.connect(self._on_failed)
        self._runner.busy_changed.connect(self._on_busy)
        self._runner.progress.connect(self._on_progress)
        self._edition: Edition | None = None
        self._dataset = None  # the edition's Dataset: its digest keys the disk cache, its file lets the helper build
        self._options = ChartOptions()
        self._branch_only = False
        self._selection: str | None = None
        self._cache: OrderedDict[tuple, object] = OrderedDict()
        self._requested: tuple | None = None
        self.max_auto_units = AUTO_DEPTH_MAX_UNITS
        self._auto_enabled = True
        self._auto_depth: int | None = None
        self._auto_counts: tuple[int, int] = (0, 0)
        self._levels: dict[tuple, list[int]] = {}
        self._holding = False  # layouts asked for wait (see hold_layouts)
        self._held: tuple | None = None  # the last one asked for while holding

    # --- state ---------------------------------------------------------------
    @property
    def options(self) -> ChartOptions:
        """The options of the chart currently requested (root and automatic depth resolved)."""
        return self._effective_options()

    @property
    def branch_only(self) -> bool:
        return self._branch_only

    @property
    def auto_depth(self) -> int | None:
        """The depth the chart is limited to because its scope is big; None when it is not."""
        return self._auto_depth

    @property
    def auto_depth_counts(self) -> tuple[int, int]:
        """(units shown, units in the scope) of the automatic depth (0, 0 when it is off)."""
        return self._auto_counts if self._auto_depth is not None else (0, 0)

    def auto_depth_message(self) -> str:
        """A sentence for the window's notice bar; empty when the depth is not limited."""
        if self._auto_depth is None:
            return ""
        shown, total = self._auto_counts
        return self.tr("Grande organisation ({0} unités) : l'organigramme montre {1} niveau(x) "
                       "sous la racine ({2} unités). Choisissez une profondeur ou une branche pour en voir "
                       "davantage.").format(total, self._auto_depth, shown)

    @property
    def auto_depth_enabled(self) -> bool:
        return self._auto_enabled

    def set_auto_depth_enabled(self, on: bool) -> None:
        """Off: a scope with no depth chosen is laid out whole, however big (it may take a minute)."""
        if on != self._auto_enabled:
            self._auto_enabled = on
            self.refresh()

    def show_everything(self) -> None:
        """Lay out every unit of the scope (depth and automatic depth off)."""
        self._auto_enabled = False
        self.set_options(depth=None)
        self.refresh()

    @property
    def _dataset_key(self) -> int:
        return id(self._dataset) if self._dataset is not None else 0

    @property
    def _digest(self) -> str | None:
        return self._dataset.digest if self._dataset is not None else None

    def set_edition(self, edition: Edition, dataset=None) -> None:
        """Show this edition's chart; with its Dataset, layouts are cached on disk and big ones built by the helper."""
        if dataset is not self._dataset:  # another file: back to the automatic depth
            self._levels.clear()
            self._auto_enabled = True
        self._edition = edition
        self._dataset = dataset
        # Collapsed units of another edition mean nothing here.
        kept = frozenset(u for u in self._options.collapsed if u in edition)
        self._options = self._options._replace(collapsed=kept)
        if self._selection not in edition:
            self._selection = None
        self.refresh()

    def set_options(self, **changes) -> None:
        """Change rankdir, compact, depth, show_links… and lay out again if needed."""
        new = self._options._replace(**changes)
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
        options = self._options._replace(root=root)
        depth = self._automatic_depth(options)
        return options._replace(depth=depth) if depth is not None else options

    def _automatic_depth(self, options: ChartOptions) -> int | None:
        if not self._auto_enabled or options.depth is not None or self._edition is None:
            return None
        root = options.root if options.root is not None else self._edition.root.id
        if root not in self._edition:
            return None
        key = (self._dataset_key, self._edition.id, root, options.collapsed)
        counts = self._levels.get(key)
        if counts is None:  # ~5 ms for 10,000 units; kept per scope
            counts = self._levels[key] = level_counts(self._edition, root, options.collapsed)
            while len(self._levels) > 64:
                self._levels.pop(next(iter(self._levels)))
        depth = auto_depth_for(counts, self.max_auto_units)
        if depth is not None:
            self._auto_counts = (sum(counts[:depth + 1]), sum(counts))
        return depth

    def _update_auto_depth(self, options: ChartOptions) -> None:
        depth = options.depth if self._options.depth is None and options.depth is not None else None
        if depth != self._auto_depth:
            self._auto_depth = depth
            self.auto_depth_changed.emit(depth)

    def refresh(self) -> None:
        if self._edition is None:
            return
        options = self._effective_options()
        self._update_auto_depth(options)
        key = (self._dataset_key, self._edition.id, options)
        if key == self._requested:
            return
        self._requested = key
        cached = self._cache.get(key)
        if cached is None:
            cached = read_cached_layout(self._edition, options, self._digest)
            if cached is not None:
                self._remember(key, cached)
        if cached is not None:
            self._cache.move_to_end(key)
            self._held = None
            self._runner.cancel(_LAYOUT)  # a running job for an older view is now stale
            self.layout_ready.emit(cached)
            return
        job = (key, self._edition, options, self._dataset)
        if self._holding:
            self._held = job
            return
        self._runner.submit(_LAYOUT, self._run, *job, cancellable=True)

    def hold_layouts(self) -> None:
        """Lay out nothing until release_layouts(); a cached view still shows at once.

        The window holds a first layout not in the cache until it is drawn
        and what waited for that paint has started: next to them, building
        the graph and talking to the helper made 100-120 ms blocks of the GUI
        thread at 10,000 units.
        """
        self._holding = True

    def release_layouts(self) -> None:
        """Start the layout asked for while holding, if any."""
        self._holding = False
        if self._held is not None:
            held, self._held = self._held, None
            self._runner.submit(_LAYOUT, self._run, *held, cancellable=True)

    def cancel(self) -> None:
        """Stop the running layout (its dot process is killed); the chart keeps what it shows."""
        if self._runner.is_busy(_LAYOUT):
            self._runner.cancel(_LAYOUT)
            self._requested = None  # asking for the same view again lays it out again

    @staticmethod
    def _run(key: tuple, edition: Edition, options: ChartOptions, dataset, token=None) -> tuple:
        digest = dataset.digest if dataset is not None else None
        return key, compute_layout(edition, options, digest, token, dataset)

    def _on_finished(self, job_key: str, result: object) -> None:
        if job_key != _LAYOUT:
            return
        key, layout = result  # type: ignore[misc]
        self._remember(key, layout)
        if key == self._requested:
            self.layout_ready.emit(layout)

    def _remember(self, key: tuple, layout) -> None:
        self._cache[key] = layout
        self._cache.move_to_end(key)
        units = sum(len(lay.nodes) for lay in self._cache.values())
        while len(self._cache) > 1 and (len(self._cache) > _CACHE_SIZE or units > _CACHE_MAX_UNITS):
            _, dropped = self._cache.popitem(last=False)
            units -= len(dropped.nodes)

    def _on_failed(self, job_key: str, exc: object, tb: str) -> None:
        if job_key == _LAYOUT:
            self._requested = None
            self.layout_failed.emit(str(exc))

    def _on_busy(self, job_key: str, busy: bool) -> None:
        if job_key == _LAYOUT:
            self.busy_changed.emit(busy)

    def _on_progress(self, job_key: str, done: int, total: int, message: str) -> None:
        if job_key == _LAYOUT:
            self.progress.emit(done, total)

    def is_cached(self) -> bool:
        if self._edition is None:
            return False
        return (self._dataset_key, self._edition.id, self._effective_options()) in self._cache

"""Large organisations: depth-limited first view, cancellable layouts, a GUI thread never held long."""
from __future__ import annotations

import gc
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from iomviewer.chart import dot
from iomviewer.chart.build import ChartOptions, build_graph
from iomviewer.chart.layout import layout_graph
from iomviewer.core.loading import load_dataset, load_document
from iomviewer.core.search import SearchIndex
from iomviewer.ui import chart_view as chart_view_module
from iomviewer.ui import workers
from iomviewer.ui.chart_controller import ChartController, auto_depth_for, level_counts
from iomviewer.ui.chart_view import ChartView
from iomviewer.ui.workers import TaskRunner

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from synthetic_org import build  # noqa: E402

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def big():
    return load_document(build(1000, seed=5))


# --- the automatic depth ------------------------------------------------------------------------

def test_auto_depth_is_the_deepest_that_fits():
    assert auto_depth_for([1, 8, 19], 300) is None  # everything fits
    assert auto_depth_for([1, 2, 94, 2111, 1861], 300) == 2  # 97 boxes
    assert auto_depth_for([1, 500, 20], 300) == 1  # never less than the root's children
    assert auto_depth_for([1, 2, 470, 9000], 300) == 2  # not 3 boxes: one level more, 473
    assert auto_depth_for([1, 2, 5000, 9000], 300) == 1  # unless that level is far too big


def test_level_counts_stop_at_collapsed_units(big):
    edition = big.edition()
    counts = level_counts(edition, edition.root.id)
    assert sum(counts) == len(edition) and counts[0] == 1
    first = edition.children(edition.root.id)[0]
    folded = level_counts(edition, edition.root.id, frozenset({first}))
    assert sum(folded) < sum(counts)


def test_big_scope_opens_depth_limited_and_says_so(qtbot, big):
    runner = TaskRunner()
    controller = ChartController(runner)
    seen = []
    controller.auto_depth_changed.connect(seen.append)
    with qtbot.waitSignal(controller.layout_ready, timeout=60000) as blocker:
        controller.set_edition(big.edition(), big)
    layout = blocker.args[0]
    depth = controller.auto_depth
    assert depth is not None and seen == [depth]
    assert len(layout.nodes) <= controller.max_auto_units
    assert controller.options.depth == depth  # exports and prints get what the screen shows
    shown, total = controller.auto_depth_counts
    assert shown == len(layout.nodes) and total == len(big.edition())
    assert str(total) in controller.auto_depth_message()
    # A depth chosen by the reader wins, and the notice goes.
    controller.set_options(depth=1)
    assert controller.auto_depth is None and seen[-1] is None and controller.auto_depth_message() == ""
    controller.set_options(depth=None)
    assert controller.auto_depth == depth
    runner.wait(60000)


def test_show_everything_lays_out_the_whole_scope(qtbot, big):
    runner = TaskRunner()
    controller = ChartController(runner)
    controller.max_auto_units = 50
    with qtbot.waitSignal(controller.layout_ready, timeout=60000):
        controller.set_edition(big.edition("synthetique-2020"), big)
    assert controller.auto_depth is not None
    with qtbot.waitSignal(controller.layout_ready, timeout=120000) as blocker:
        controller.show_everything()
    assert controller.auto_depth is None and len(blocker.args[0].nodes) == len(big.edition("synthetique-2020"))
    runner.wait(60000)


def test_small_edition_is_never_limited(qtbot):
    runner = TaskRunner()
    controller = ChartController(runner)
    with qtbot.waitSignal(controller.layout_ready, timeout=60000):
        controller.set_edition(load_dataset().edition())
    assert controller.auto_depth is None
    runner.wait(60000)


def test_held_layouts_start_on_release_the_last_one_asked_for(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("IOMVIEWER_CACHE_DIR", str(tmp_path / "cache"))  # nothing cached: laid out
    runner = TaskRunner()
    submitted = []
    submit = runner.submit
    monkeypatch.setattr(runner, "submit", lambda key, fn, *args, **kw: (submitted.append(args[0]), submit(key, fn, *args, **kw))[1])
    controller = ChartController(runner)
    controller.hold_layouts()
    dataset = load_dataset()
    controller.set_edition(dataset.edition(), dataset)
    controller.set_options(rankdir="LR")
    qtbot.wait(50)
    assert submitted == [] and not runner.is_busy("layout")  # held: nothing runs
    with qtbot.waitSignal(controller.layout_ready, timeout=60000):
        controller.release_layouts()
    assert len(submitted) == 1 and submitted[0][2].rankdir == "LR"  # only the view asked for last
    runner.wait(60000)


def test_returning_to_a_view_uses_the_memory_cache(qtbot):
    runner = TaskRunner()
    controller = ChartController(runner)
    calls = []
    runner.finished.connect(lambda key, result: calls.append(key))
    with qtbot.waitSignal(controller.layout_ready, timeout=60000) as first:
        controller.set_edition(load_dataset().edition())
    with qtbot.waitSignal(controller.layout_ready, timeout=60000):
        controller.set_options(rankdir="LR")
    with qtbot.waitSignal(controller.layout_ready, timeout=1000) as again:
        controller.set_options(rankdir="TB")
    assert again.args[0] is first.args[0] and calls.count("layout") == 2
    runner.wait(60000)


# --- cancelling dot for real ------------------------------------------------------------------

def test_cancelling_kills_the_helper_process_quickly():
    dot.use_helper_process(True)
    flag = threading.Event()
    try:
        assert dot.run_in_helper(len, "ab") == 2  # a helper is up
        pid = dot.helper_pid()
        assert pid is not None
        threading.Timer(0.5, flag.set).start()
        started = time.perf_counter()
        with pytest.raises(dot.DotCancelled):
            dot.run_in_helper(time.sleep, 30, is_cancelled=flag.is_set)
        assert time.perf_counter() - started < 5
        assert dot.helper_pid() != pid  # the busy helper is gone, not left running
        # The next run gets a fresh helper.
        assert dot.run_in_helper(len, "abc") == 3
    finally:
        dot.use_helper_process(False)
        dot.shutdown()


def test_a_cancellable_job_stops_its_dot_run(qtbot):
    dot.use_helper_process(True)
    runner = TaskRunner()
    results = []
    runner.finished.connect(lambda key, result: results.append(result))
    try:
        def job(token):
            return dot.run_in_helper(time.sleep, 30)  # picks the job's cancellation up by itself

        runner.submit("layout", job, cancellable=True)
        qtbot.waitUntil(lambda: dot.helper_pid() is not None, timeout=20000)
        time.sleep(0.3)
        started = time.perf_counter()
        runner.cancel("layout")
        qtbot.waitUntil(lambda: not runner.is_busy("layout"), timeout=10000)
        assert time.perf_counter() - started < 5 and results == []
    finally:
        dot.use_helper_process(False)
        dot.shutdown()


def test_helper_reports_graphviz_errors_as_they_were():
    dot.use_helper_process(True)
    try:
        with pytest.raises(ZeroDivisionError):
            dot.run_in_helper(divmod, 1, 0)
    finally:
        dot.use_helper_process(False)
        dot.shutdown()


# --- the task runner ----------------------------------------------------------------------------

def test_a_job_superseded_while_queued_never_runs(qtbot):
    runner = TaskRunner()
    gate, ran = threading.Event(), []
    runner.submit("k", lambda: gate.wait(5))
    runner.submit("k", lambda: ran.append("stale"))
    with qtbot.waitSignal(runner.finished, timeout=5000) as blocker:
        runner.submit("k", lambda: "fresh")
        gate.set()
    assert blocker.args == ["k", "fresh"] and ran == []
    qtbot.waitUntil(lambda: not runner.is_busy("k"), timeout=5000)


def test_switch_interval_is_short_only_while_jobs_run(qtbot):
    before = sys.getswitchinterval()
    runner = TaskRunner()
    seen = []
    with qtbot.waitSignal(runner.finished, timeout=5000):
        runner.submit("k", lambda: seen.append(sys.getswitchinterval()))
    assert seen[0] <= workers.BUSY_SWITCH_INTERVAL
    runner.wait(5000)
    assert sys.getswitchinterval() == before


def test_sliced_generator_delivers_its_result_and_a_newer_one_supersedes(qtbot):
    runner = TaskRunner()
    steps_run = []

    def steps(name, n):
        for i in range(n):
            steps_run.append(name)
            yield
        return name

    results = []
    runner.finished.connect(lambda key, result: results.append(result))
    runner.submit_sliced("index", steps, "old", 10_000)
    runner.submit_sliced("index", steps, "new", 50)
    qtbot.waitUntil(lambda: not runner.is_busy("index"), timeout=5000)
    assert results == ["new"] and steps_run.count("old") < 10_000


def test_index_built_in_steps_equals_the_one_built_at_once(big):
    edition = big.edition()
    whole = SearchIndex(edition)
    steps = SearchIndex.steps(edition, chunk=7)
    count = 0
    try:
        while True:
            next(steps)
            count += 1
    except StopIteration as stop:
        stepped = stop.value
    assert count > len(edition) // 7 - 2
    for query in ("migration", "santé", "bureau regional", "tresorerie"):
        assert stepped.search(query) == whole.search(query)


# --- the scene built in slices ------------------------------------------------------------------

@pytest.fixture(scope="module")
def bundled_layout():
    return layout_graph(build_graph(load_dataset().edition(), ChartOptions()))


def test_big_chart_is_built_in_slices_and_keeps_the_old_one_meanwhile(qtbot, bundled_layout, monkeypatch):
    small = layout_graph(build_graph(load_dataset().edition(), ChartOptions(depth=1)))
    view = ChartView()
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    view.set_layout(small)
    view.select_unit("oim", center=False)
    monkeypatch.setattr(chart_view_module, "SYNC_MAX_RECORDS", 20)
    monkeypatch.setattr(chart_view_module, "BUILD_SLICE_S", 0.001)
    with qtbot.waitSignal(view.layout_shown, timeout=30000):
        view.set_layout(bundled_layout)
        assert view.is_building() and view.chart_layout() is small  # the old chart still shows
        assert not gc.isenabled()  # no full collection while ~100,000 objects are made
        view.set_highlighted({"oim"})  # state changes during the build reach the new items
    assert view.chart_layout() is bundled_layout and not view.is_building() and gc.isenabled()
    assert view.unit_count() == len(bundled_layout.nodes)
    assert view.node_item("oim").state()[:2] == (True, True)


def test_cancelling_a_build_keeps_the_chart_on_screen(qtbot, bundled_layout, monkeypatch):
    small = layout_graph(build_graph(load_dataset().edition(), ChartOptions(depth=1)))
    view = ChartView()
    qtbot.addWidget(view)
    view.set_layout(small)
    monkeypatch.setattr(chart_view_module, "SYNC_MAX_RECORDS", 20)
    monkeypatch.setattr(chart_view_module, "BUILD_SLICE_S", 0.001)
    view.set_layout(bundled_layout)
    assert view.is_building()
    with qtbot.waitSignal(view.cancel_requested, timeout=1000):
        view._overlay.cancel.click()
    assert not view.is_building() and view.chart_layout() is small and gc.isenabled()
    qtbot.wait(50)
    assert view.chart_layout() is small


def test_layout_cache_key_needs_neither_pygraphviz_nor_importlib_metadata(tmp_path, monkeypatch):
    """A cached start must not pay for importing Graphviz (or 50 ms of importlib.metadata) to name its entry."""
    import subprocess

    code = ("import sys; from iomviewer.ui.chart_controller import _layout_fingerprint as f; key = f(); "
            "print(key); print('pygraphviz' in sys.modules, 'importlib.metadata' in sys.modules, "
            "'iomviewer.chart.build' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={"PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen"}).stdout.split("\n")
    # Nor the graph builder's 1,400 lines (chart.options holds ChartOptions).
    assert out[0].startswith("_graphviz") and out[1] == "False False False", out
    # The chart code is part of it: a changed build.py is a different layout.
    from iomviewer.ui import chart_controller

    before = chart_controller._layout_fingerprint()
    chart_controller._layout_fingerprint.cache_clear()
    original = Path.stat

    def edited(self, *args, **kwargs):  # build.py saved again: a new modification time
        st = original(self, *args, **kwargs)
        return SimpleNamespace(st_size=st.st_size, st_mtime_ns=st.st_mtime_ns + 1) if self.name == "build.py" else st

    monkeypatch.setattr(Path, "stat", edited)
    assert chart_controller._layout_fingerprint() != before
    chart_controller._layout_fingerprint.cache_clear()


def test_the_cycle_collector_is_off_while_a_search_index_builds_and_back_after():
    import gc

    from iomviewer.core.loading import load_dataset
    from iomviewer.ui.main_window import _search_index_steps
    from iomviewer.core.memory import collector_paused

    assert gc.isenabled()
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # nested blocks: back when the last one ends
    assert gc.isenabled()
    edition = load_dataset().edition()
    dropped = _search_index_steps(edition)
    next(dropped)
    assert not gc.isenabled()
    dropped.close()  # a superseded index job
    assert gc.isenabled()
    built = _search_index_steps(edition)
    try:
        while True:
            next(built)
    except StopIteration as done:
        assert done.value[0] == edition.id
    assert gc.isenabled()


def test_a_computed_layout_is_cached_as_records_or_as_dots_drawing(tmp_path, monkeypatch):
    """Small views keep their records (read back on the GUI thread at start); big ones dot's drawing."""
    from iomviewer.core import cache
    from iomviewer.ui import chart_controller as cc

    monkeypatch.setenv("IOMVIEWER_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(cc, "_RECORDS_MAX_UNITS", 60)
    dataset = load_dataset()
    edition = dataset.edition()
    small, whole = ChartOptions(depth=1), ChartOptions()
    first = cc.compute_layout(edition, small, dataset.digest)
    assert cache.get("layout-records", cc._cache_entry(edition, small, dataset.digest))
    assert cc.read_cached_layout(edition, small, dataset.digest) == first
    big = cc.compute_layout(edition, whole, dataset.digest)
    assert len(big.nodes) > 60 and cache.get("layout", cc._cache_entry(edition, whole, dataset.digest))
    assert cc.compute_layout(edition, whole, dataset.digest) == big  # read back from the drawing

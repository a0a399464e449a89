import pytest

from iomviewer.chart import dot
from iomviewer.chart.build import ChartOptions, build_graph
from iomviewer.chart.layout import layout_graph
from iomviewer.core.loading import load_dataset

pytestmark = pytest.mark.core


def test_helper_process_gives_the_same_layout_as_in_process(monkeypatch):
    edition = load_dataset().edition()
    graph = build_graph(edition, ChartOptions())
    local = layout_graph(graph)
    monkeypatch.setattr(dot, "IN_PROCESS_MAX_NODES", 0)
    dot.use_helper_process(True)
    try:
        remote = layout_graph(graph)
        pdf = dot.run_dot(graph, "pdf:cairo")
    finally:
        dot.use_helper_process(False)
        dot.shutdown()
    assert remote.nodes.keys() == local.nodes.keys()
    assert (remote.width, remote.height) == (local.width, local.height)
    for uid, node in local.nodes.items():
        assert remote.nodes[uid].bbox == node.bbox
    assert pdf.startswith(b"%PDF")


def test_shutdown_right_after_warm_up_stops_the_helper_it_was_starting(monkeypatch):
    # A start that ends at once (a refused file under --smoke-test) must not
    # leave a helper being spawned: exiting under it left its traceback.
    import threading
    import time

    start = dot._get_helper
    monkeypatch.setattr(dot, "_get_helper", lambda: (time.sleep(0.2), start())[1])  # a warm-up scheduled late
    dot.use_helper_process(True)
    try:
        dot.warm_up()
        dot.shutdown()
        for thread in threading.enumerate():
            if thread.name == "iomviewer-dot-warm-up":
                thread.join(10)
        assert dot.helper_pid() is None  # none started after shutdown, none left running
    finally:
        dot.use_helper_process(False)
        dot.shutdown()


def test_a_layout_without_its_drawing_sends_no_drawing_back_from_the_helper(monkeypatch):
    import pickle

    from iomviewer.chart.layout import lay_out

    from iomviewer.chart import remote

    dataset = load_dataset()
    graph = build_graph(dataset.edition(), ChartOptions(depth=2))
    local, drawing = lay_out(graph)
    assert drawing
    sizes = []
    real = dot.run_in_helper

    def spy(fn, *args, **kwargs):
        result = real(fn, *args, **kwargs)
        sizes.append(len(pickle.dumps(result)))
        return result

    monkeypatch.setattr(dot, "run_in_helper", spy)
    dot.use_helper_process(True)
    try:
        remote_layout, none = lay_out(graph, isolated=True, drawing=False)
        remote_with, drawing_back = lay_out(graph, isolated=True)
        ref = remote.edition_ref(dataset, dataset.edition())
        built_there = real(remote.lay_out_ref, ref, ChartOptions(depth=2), False)
    finally:
        dot.use_helper_process(False)
        dot.shutdown()
    assert none == b"" and drawing_back == drawing
    assert remote_layout == local == remote_with
    assert built_there == (local, b"")
    assert sizes[0] < sizes[1] - len(drawing) // 2


def test_every_call_into_graphviz_in_this_process_holds_the_graphviz_lock(monkeypatch, tmp_path):
    """Graphviz is not thread-safe: layout, export, text measuring and legends all take one lock."""
    import pygraphviz

    from iomviewer.chart import dot
    from iomviewer.chart.build import ChartOptions
    from iomviewer.chart.export import ExportOptions, estimate_text_size, export_chart
    from iomviewer.core.loading import load_dataset
    from iomviewer.ui.chart_controller import compute_layout

    lock = dot.graphviz_lock()
    calls: list[tuple[str, bool]] = []

    def guarded(name, fn):
        def call(*args, **kwargs):
            calls.append((name, lock._is_owned()))
            return fn(*args, **kwargs)
        return call

    for name in ("__init__", "to_string", "draw", "layout", "add_node", "add_edge", "edges", "add_subgraph"):
        monkeypatch.setattr(pygraphviz.AGraph, name, guarded(name, getattr(pygraphviz.AGraph, name)))
    from pygraphviz import graphviz as gv

    for name in ("agread", "gvLayout", "gvRender"):  # what layout's capture calls without an AGraph
        monkeypatch.setattr(gv, name, guarded(name, getattr(gv, name)))
    dataset = load_dataset()
    edition = dataset.edition()
    options = ChartOptions(depth=2)
    assert compute_layout(edition, options).nodes
    export_chart(dataset, edition, options, ExportOptions(format="svg"), tmp_path / "chart.svg")
    export_chart(dataset, edition, options, ExportOptions(format="pdf", page="a4"), tmp_path / "chart.pdf")
    assert estimate_text_size(dataset, edition, options, ExportOptions(page="slide")) > 0
    unlocked = sorted({name for name, owned in calls if not owned})
    assert calls and not unlocked, unlocked
    assert not lock._is_owned()


def _built_here_fails(monkeypatch):
    """In this process, building a graph now fails: a chart that comes back was built by the helper."""
    import iomviewer.chart.build as build

    def refuse(*args, **kwargs):
        raise AssertionError("built in the app's process")

    monkeypatch.setattr(build, "build_graph", refuse)


def test_a_big_chart_is_built_by_the_helper_from_the_dataset_file(monkeypatch):
    from iomviewer.chart.build import scope_units
    from iomviewer.core.compare import build_comparison
    from iomviewer.ui.chart_controller import compute_layout

    dataset = load_dataset()
    edition = dataset.edition()
    comparison = build_comparison(dataset, "structure-2021", "revision-2022").edition
    expected = {e.id: set(scope_units(e, ChartOptions())) for e in (edition, comparison)}
    monkeypatch.setattr(dot, "IN_PROCESS_MAX_NODES", 10)  # the bundled chart counts as big
    _built_here_fails(monkeypatch)
    dot.use_helper_process(True)
    try:
        for shown in (edition, comparison):
            layout = compute_layout(shown, ChartOptions(), None, None, dataset)
            assert set(layout.nodes) == expected[shown.id]
    finally:
        dot.use_helper_process(False)
        dot.shutdown()


def test_a_file_changed_since_it_was_opened_is_not_used_by_the_helper(monkeypatch, tmp_path):
    from iomviewer.chart import remote
    from iomviewer.resources import bundled_dataset_path
    from iomviewer.ui.chart_controller import compute_layout

    copy = tmp_path / "data.json"
    copy.write_bytes(bundled_dataset_path().read_bytes())
    dataset = load_dataset(copy)
    edition = dataset.edition()
    copy.write_bytes(copy.read_bytes() + b"\n")  # same data, other bytes: another digest
    monkeypatch.setattr(dot, "IN_PROCESS_MAX_NODES", 10)
    dot.use_helper_process(True)
    try:
        with pytest.raises(remote.StaleDataset):
            dot.run_in_helper(remote.lay_out_ref, remote.edition_ref(dataset, edition), ChartOptions())
        # The window's layout still comes: built here from what the app loaded.
        layout = compute_layout(edition, ChartOptions(), None, None, dataset)
        assert len(layout.nodes) == len(edition)
    finally:
        dot.use_helper_process(False)
        dot.shutdown()


def test_a_dataset_not_read_from_a_file_is_laid_out_here():
    from fixtures import mini_doc
    from iomviewer.chart import remote
    from iomviewer.core.loading import load_document

    dataset = load_document(mini_doc())
    assert remote.edition_ref(dataset, dataset.edition()) is None


def test_a_graph_on_which_graphviz_aborts_is_an_error_not_the_end_of_the_process():
    """Graphviz 14 asserts in makeCompoundEdge on this page (a comparison on a slide): SIGABRT in-process."""
    from pathlib import Path

    import pygraphviz

    source = (Path(__file__).parent / "data" / "graphviz_abort.dot").read_text(encoding="utf-8")
    dot.use_helper_process(True)
    try:
        with dot.graphviz_lock():
            graph = pygraphviz.AGraph(string=source)
        with pytest.raises(dot.DotError):
            dot.run_dot(graph, "json0", isolated=True)
        # The next run gets a fresh helper.
        assert dot.run_dot(build_graph(load_dataset().edition(), ChartOptions(depth=1)), "svg", isolated=True)
    finally:
        dot.use_helper_process(False)
        dot.shutdown()


def test_export_pages_and_comparison_layouts_go_to_the_helper(monkeypatch, tmp_path):
    from iomviewer.chart.export import ExportOptions, export_chart

    seen = []
    real = dot.run_dot

    def spy(graph, gv_format, *args, **kwargs):
        seen.append((gv_format, kwargs.get("isolated", False)))
        return real(graph, gv_format, *args, **kwargs)

    monkeypatch.setattr(dot, "run_dot", spy)
    dataset = load_dataset()
    export_chart(dataset, dataset.edition(), ChartOptions(depth=1), ExportOptions(format="pdf", page="slide"),
                 tmp_path / "chart.pdf")
    drawn = [fmt for fmt, isolated in seen if fmt != "json"]  # "json": text measuring, plaintext only
    assert drawn and all(isolated for fmt, isolated in seen if fmt != "json"), seen

    from iomviewer.core.compare import build_comparison
    from iomviewer.ui.chart_controller import compute_layout

    sent = []
    real_helper = dot.run_in_helper
    monkeypatch.setattr(dot, "run_in_helper", lambda fn, *a, **k: sent.append(fn.__name__) or real_helper(fn, *a, **k))
    comparison = build_comparison(dataset, "structure-2021", "revision-2022").edition
    dot.use_helper_process(True)
    try:
        # Whatever their size, with a helper: dot holds the GIL, and it was seen to abort.
        assert compute_layout(dataset.edition(), ChartOptions(depth=1)).nodes
        assert compute_layout(comparison, ChartOptions(depth=1)).nodes
        assert sent == ["_lay_out_source", "_lay_out_source"]
    finally:
        dot.use_helper_process(False)
        dot.shutdown()
    sent.clear()
    assert compute_layout(dataset.edition(), ChartOptions(depth=2)).nodes
    assert not sent  # no helper (tests, scripts): laid out here

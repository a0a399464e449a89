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

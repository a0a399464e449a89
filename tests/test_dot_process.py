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

"""The chart pipeline's shortcuts give what the long way gives.

build_graph plans the compact chart by scoring some forty chart heights;
the scores reuse results across heights (``_Planner.score_size``), which
must come out exactly as ``_Planner._free`` computes them afresh.
"""
from __future__ import annotations

import random

import pytest

from iomviewer.chart import build, style
from iomviewer.chart.build import PAGE_HEIGHT, PAGE_WIDTH, ChartOptions, _Planner
from iomviewer.core.loading import load_dataset


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


def _planner(edition, options: ChartOptions) -> _Planner:
    shown = build._shown_tree(edition, options)
    units = {u: edition.unit(u) for u in shown}
    sizes = {}
    for uid, unit in units.items():
        hidden = not shown[uid] and bool(edition.children(uid))
        lines, kind_line = build.box_text(unit.name, unit.kind, "fr", True, hidden)
        sizes[uid] = build._dense_size(lines, kind_line, style.kind_style(unit.kind).bold)
    return _Planner(shown, sizes)


def _heights(planner: _Planner, seed: int) -> list[float]:
    top = planner.column[planner.root][1]
    rng = random.Random(seed)
    heights = [top * 0.88 ** i for i in range(60)] + [rng.uniform(build.BOX_HEIGHT, top) for _ in range(60)]
    rng.shuffle(heights[20:])  # descending first, as plan() goes, then anywhere
    return heights


@pytest.mark.parametrize("depth", [None, 1, 2])
def test_scores_reused_across_heights_equal_the_fresh_ones(dataset, depth):
    for edition in dataset.editions:
        planner = _planner(edition, ChartOptions(depth=depth))
        for height in _heights(planner, hash((edition.id, depth)) & 0xFFFF):
            assert planner.score_size(height) == planner._free(height)[0][planner.root], (edition.id, height)


def test_scores_equal_the_fresh_ones_in_a_synthetic_organisation(tmp_path):
    import json
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
    from synthetic_org import build as synthetic

    path = tmp_path / "org.json"
    path.write_text(json.dumps(synthetic(600)), encoding="utf-8")
    edition = load_dataset(path).edition()
    for depth in (2, 3, None):
        planner = _planner(edition, ChartOptions(depth=depth))
        for height in _heights(planner, depth or 0)[:50]:
            assert planner.score_size(height) == planner._free(height)[0][planner.root], (depth, height)


def _reference_plan(planner: _Planner, page: tuple[float, float]) -> dict:
    """plan() as it was before scores were reused: every height scored afresh."""
    planner.score_size = lambda height: planner._free(height)[0][planner.root]
    return planner.plan(page)


@pytest.mark.parametrize("aspect", [PAGE_WIDTH / PAGE_HEIGHT, 1.0, 0.6, 3.5])
def test_plan_is_the_plan_of_fresh_scores(dataset, aspect):
    page = (PAGE_HEIGHT * aspect, PAGE_HEIGHT)
    for edition in dataset.editions:
        fast, slow = _planner(edition, ChartOptions()), _planner(edition, ChartOptions())
        assert fast.plan(page) == _reference_plan(slow, page)
        assert fast.estimate == slow.estimate


def _page_planner(edition, options: ChartOptions) -> _Planner:
    """The planner of a placed chart (ChartOptions.placed), on its boxes before _refit."""
    shown = build._shown_tree(edition, options)
    sizes = {}
    for uid in shown:
        unit = edition.unit(uid)
        lines = list(build._page_text(unit.name))
        sizes[uid] = build._dense_size(lines, "", style.kind_style(unit.kind).bold, build._PAGE_SPACING,
                                       not shown[uid] and bool(edition.children(uid)))
    return _Planner(shown, sizes, build._PAGE_SPACING)


@pytest.mark.parametrize("aspect", [PAGE_WIDTH / PAGE_HEIGHT, 1.0, 0.6])
@pytest.mark.parametrize("depth", [None, 2])
def test_placed_geometry_is_the_planners_estimate(dataset, aspect, depth):
    """chart.placed lays blocks out formula for formula as the planner sizes them: its chart is the estimate."""
    from iomviewer.chart.placed import overlaps, place

    spacing = build._PAGE_SPACING
    for edition in dataset.editions:
        planner = _page_planner(edition, ChartOptions(depth=depth))
        stacks = planner.plan((PAGE_HEIGHT * aspect, PAGE_HEIGHT))
        geo = place(planner.shown, stacks, planner.sizes, spacing.gap, spacing.nodesep * 72,
                    spacing.cluster_margin, spacing.panel_pad)
        assert (geo.width, geo.height) == pytest.approx(planner.estimate, abs=1e-6), edition.id
        assert set(geo.boxes) == set(planner.shown) and overlaps(geo) == []
        for uid, (x, y, w, h) in geo.boxes.items():
            assert (w, h) == planner.sizes[uid]
            assert 0 <= x and x + w <= geo.width + 1e-6 and 0 <= y and y + h <= geo.height + 1e-6
        inside = {k: p for p, runs in stacks.items() for run in runs for k in run}
        for uid, parent in inside.items():  # a stacked box lies in its parent's panel, which lies below its parent
            px, py, pw, ph = geo.panels[parent]
            x, y, w, h = geo.boxes[uid]
            assert px < x and x + w < px + pw and py < y and y + h < py + ph
            assert py >= geo.boxes[parent][1] + geo.boxes[parent][3]


def test_refit_boxes_only_get_lower(dataset, monkeypatch):
    """_refit widens a placed box within its column and rewraps its name: the chart never gets wider or taller."""
    estimates = []
    plan = _Planner.plan

    def remember(self, page):
        stacks = plan(self, page)
        estimates.append(self.estimate)
        return stacks

    monkeypatch.setattr(_Planner, "plan", remember)
    for edition in dataset.editions:
        graph = build.build_graph(edition, ChartOptions(placed=True, kind_line=False, show_links=False))
        _x0, _y0, w, h = (float(v) for v in graph.graph_attr["bb"].split(","))
        assert w == pytest.approx(estimates[-1][0], abs=0.01) and h <= estimates[-1][1] + 0.01
        if len(edition) > 100:
            assert h < 0.97 * estimates[-1][1]  # names in fewer lines where their column leaves room


# --- parse_json ----------------------------------------------------------------------------------


def test_parse_json_reads_every_record_of_the_chart(dataset):
    from iomviewer.chart.build import build_graph
    from iomviewer.chart.dot import run_dot
    from iomviewer.chart.layout import parse_json

    edition = dataset.edition()
    graph = build_graph(edition, ChartOptions())
    layout = parse_json(run_dot(graph, "json"))
    assert set(layout.nodes) == set(graph.nodes())
    for uid, node in layout.nodes.items():
        unit = edition.unit(uid)
        assert node.shapes and node.shapes[0].filled, uid
        hidden = not graph.successors(uid) and bool(edition.children(uid))
        lines, kind_line = build.box_text(unit.name, unit.kind, "fr", True, hidden)
        assert [t.text for t in node.texts][:len(lines)] == lines, uid
        assert node.tooltip == unit.name and "unit" in node.classes
    drawn = {e.attr["id"] for e in graph.edges() if "invis" not in (e.attr.get("style") or "")}
    assert {e.id for e in layout.edges} == drawn
    assert all(e.shapes for e in layout.edges)
    clusters = {s.name for s in graph.subgraphs_iter()}
    assert {c.name for c in layout.clusters} >= clusters and clusters
    assert all(c.nodes for c in layout.clusters)


def test_parse_json_reads_points_written_as_strings():
    from iomviewer.chart.layout import parse_json

    def doc(points):
        node = {"_gvid": 0, "name": "a", "pos": "10,10", "width": "0.5", "height": "0.5",
                "_draw_": [{"op": "p", "points": points}]}
        return {"bb": "0,0,20,20", "objects": [node], "edges": []}

    numbers = parse_json(doc([[0, 0], [1.5, 2], [3, 3]])).nodes["a"].shapes[0].points
    strings = parse_json(doc([["0", "0"], ["1.5", "2"], ["3", "3.0"]])).nodes["a"].shapes[0].points
    assert numbers == strings == ((0.0, 20.0), (1.5, 18.0), (3.0, 17.0))
    assert all(type(v) is float for p in numbers for v in p)


def test_parse_json_shares_equal_pens():
    from iomviewer.chart.layout import parse_json

    ops = [{"op": "c", "grad": "none", "color": "#AABBCC"}, {"op": "P", "points": [[0, 0], [1, 1]]}]
    objects = [{"_gvid": i, "name": f"n{i}", "pos": "1,1", "_draw_": ops} for i in range(3)]
    layout = parse_json({"bb": "0,0,2,2", "objects": objects, "edges": []})
    pens = [n.shapes[0].pen for n in layout.nodes.values()]
    assert pens[0] is pens[1] is pens[2] and pens[0].color == "#aabbcc"


# --- the drawing captured from the laid-out graph, against dot -Tjson ----------------------------


def _records(layout):
    """A Layout as nested tuples, dict order included (nodes paint in that order)."""
    def norm(x):
        if hasattr(x, "_fields"):  # a record (a named tuple)
            return type(x).__name__, tuple(norm(getattr(x, f)) for f in x._fields)
        if isinstance(x, dict):
            return tuple((k, norm(v)) for k, v in x.items())
        if isinstance(x, (list, tuple)):
            return tuple(norm(v) for v in x)
        return x
    return norm(layout)


def _both_ways(graph):
    from iomviewer.chart.dot import run_dot
    from iomviewer.chart.layout import lay_out, layout_graph, parse_json

    from_json = parse_json(run_dot(graph, "json"))
    captured, data = lay_out(graph)
    assert _records(layout_graph(graph)) == _records(captured)
    assert _records(parse_json(data)) == _records(captured)  # read back from a cache
    return from_json, captured


@pytest.mark.parametrize("options", [ChartOptions(), ChartOptions(rankdir="LR"), ChartOptions(compact=False),
                                     ChartOptions(depth=1, collapsed=frozenset({"siege"}))],
                         ids=["compact", "lr", "rows", "depth"])
def test_captured_drawing_gives_the_records_of_dot_json(dataset, options):
    from iomviewer.chart.build import build_graph

    for edition in dataset.editions:
        from_json, captured = _both_ways(build_graph(edition, options))
        assert _records(captured) == _records(from_json), edition.id


def test_captured_drawing_of_hostile_names_and_compare_mode_is_dot_jsons(dataset):
    from test_chart import HOSTILE, edition

    from iomviewer.chart.build import build_graph
    from iomviewer.core.compare import build_comparison
    from iomviewer.core.model import Link

    rows = [("node", "Racine", "organisation", None)]
    rows += [(f"h.{i}-x", name, "division", "node") for i, name in enumerate(HOSTILE)]
    rows += [("graph", "Unité", "unit", "h.0-x", [Link("supports", "h.1-x")])]
    for options in (ChartOptions(), ChartOptions(compact=False)):
        from_json, captured = _both_ways(build_graph(edition(rows), options))
        assert _records(captured) == _records(from_json)
    a, b = dataset.editions[-2], dataset.editions[-1]
    from_json, captured = _both_ways(build_graph(build_comparison(dataset, a.id, b.id).edition, ChartOptions()))
    assert _records(captured) == _records(from_json)


def test_what_the_capture_cannot_read_is_read_from_dot_json():
    import pygraphviz

    from iomviewer.chart.layout import CAPTURE_FORMAT, lay_out

    g = pygraphviz.AGraph(directed=True)
    g.add_node("a", shape="box", style="filled", fillcolor="red:blue")  # a gradient: xdot spells it its way
    g.add_node("b", label="b")
    g.add_edge("a", "b", key="a->b")
    from_json, captured = _both_ways(g)
    assert _records(captured) == _records(from_json)
    assert captured.nodes["a"].shapes[0].pen.fill == "#ff0000"  # the gradient's first stop
    assert CAPTURE_FORMAT.encode() not in lay_out(g)[1]  # dot's own JSON, to cache


def test_edges_come_in_the_order_of_dot_json_not_node_by_node(dataset):
    from iomviewer.chart.build import build_graph

    graph = build_graph(dataset.edition(), ChartOptions(depth=2))
    from_json, captured = _both_ways(graph)
    assert [e.id for e in captured.edges] == [e.id for e in from_json.edges]


def test_anonymous_subgraphs_and_edges_without_keys_are_read_from_dot_json():
    import pygraphviz

    g = pygraphviz.AGraph(string='digraph { a -> b; { rank=same; b; c } b -> c; b -> c [color=red] }')
    from_json, captured = _both_ways(g)
    assert _records(captured) == _records(from_json)
    assert [e.shapes[0].pen.color for e in captured.edges if e.tail == "b"] == ["#000000", "#ff0000"]


def test_a_big_cached_capture_is_read_in_the_helper_like_big_dot_json(dataset, monkeypatch):
    from iomviewer.chart import dot, layout
    from iomviewer.chart.build import build_graph

    _, data = layout.lay_out(build_graph(dataset.edition(), ChartOptions()))
    calls = []
    monkeypatch.setattr(dot, "helper_enabled", lambda: True)
    monkeypatch.setattr(dot, "run_in_helper", lambda fn, *args: calls.append(len(args[0])) or fn(*args))
    monkeypatch.setattr(layout, "IN_PROCESS_MAX_CAPTURE", len(data) + 1)
    layout.parse_cached(data)
    assert calls == []
    monkeypatch.setattr(layout, "IN_PROCESS_MAX_CAPTURE", len(data) - 1)
    assert layout.parse_cached(data).nodes
    assert calls == [len(data)]

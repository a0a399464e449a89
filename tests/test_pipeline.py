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

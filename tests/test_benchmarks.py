"""The benchmarks still run and the synthetic organisations are valid (no timing asserted)."""
import sys
from pathlib import Path

import pytest

from iomviewer.core.loading import load_document

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import run as bench  # noqa: E402
from synthetic_org import build  # noqa: E402

pytestmark = pytest.mark.core


@pytest.mark.parametrize("n", [10, 300, 1000])
def test_synthetic_organisation_is_valid_and_realistic(n):
    doc = build(n, seed=3)
    dataset = load_document(doc)
    assert len(dataset.editions) == 3 and len(dataset.edition("synthetique-2020")) == n
    kinds = {u.kind for u in dataset.edition("synthetique-2020")}
    assert {"organisation", "headquarters", "directorate", "department", "division"} <= kinds
    if n >= 300:
        from iomviewer.core.diff import diff_editions

        diff = diff_editions(dataset, "synthetique-2020", "synthetique-2024")
        assert diff.added and diff.removed and (diff.renamed or diff.moved)
    assert build(n, seed=3) == doc  # deterministic


def test_benchmark_functions_run_on_a_small_organisation():
    edition = load_document(build(120, seed=1)).edition()
    search = bench.bench_search(edition, ["migration", "unite"])
    assert search["keystrokes"] == len("migration") + len("unite")
    layout = bench.bench_layout(edition, 1)
    assert layout["ours_s"] > 0 and layout["raw_dot_s"] > 0 and layout["same_graph_dot_s"] > 0
    assert layout["nodes"] == 120


@pytest.mark.gui
def test_gui_probe_watches_the_real_window():
    """The probe opens the window on the bundled data, switches edition and reports (no time asserted)."""
    result = bench.bench_gui(None, full=False)
    assert result["startup_chart_units"] > 0 and result["auto_depth"] is None
    for key in ("startup_gap_ms", "switch_gap_ms", "bare_gap_ms", "startup_rss_mb", "bare_rss_mb"):
        assert result[key] > 0, key


def test_startup_instructions_attributes_each_interval_to_its_owner(tmp_path):
    from startup_instructions import attribute, dump_total

    dump = tmp_path / "cg.out.1"
    dump.write_text("# callgrind format\nversion: 1\nevents: Ir\nsummary: 1234\n")
    assert dump_total(dump) == 1234
    # Before the first marker, then after each marker: its owner's.
    owners = ["<main>", "import a", "<main>", "import b", "<main>"]
    counts = attribute(owners, [100, 5, 40, 6, 30, 7])
    assert counts == {"<start>": 100, "<main>": 5 + 6 + 7, "import a": 40, "import b": 30}


@pytest.mark.gui
def test_the_startup_benchmark_pairs_each_start_with_a_bare_window():
    result = bench.bench_startup(None, 1)  # a cold pair first, then one warm pair
    assert result["pairs"] == 1 and result["app_s"] > 0 and result["bare_s"] > 0 and result["first_app_s"] > 0
    assert result["pair_ratio_q1"] == result["pair_ratio_median"] == result["pair_ratio_q3"] == pytest.approx(result["ratio"])

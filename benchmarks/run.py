"""Measure iomviewer's speed and memory against baselines taken in the same run.

    python benchmarks/run.py            # bundled data, 1k and 10k units (a few minutes)
    python benchmarks/run.py --quick    # bundled data only, fewer repeats (the test suite runs this)
    python benchmarks/run.py --sizes 1000 10000 50000

Every figure is printed with its baseline and the ratio, so results from
different machines compare by ratio.  Nothing here asserts a time.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

_ENV = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))

# A bare PySide6 window with the same three empty widgets, printing when painted.
_BARE_WINDOW = r"""
import sys, time
t0 = time.perf_counter()
from PySide6.QtCore import QTimer, Qt
from PySide6.QtWidgets import QApplication, QMainWindow, QSplitter, QTreeView, QGraphicsView, QTextBrowser
app = QApplication(sys.argv[:1])
w = QMainWindow(); s = QSplitter(Qt.Orientation.Horizontal)
for widget in (QTreeView(), QGraphicsView(), QTextBrowser()): s.addWidget(widget)
w.setCentralWidget(s); w.resize(1400, 900); w.show()
def done():
    w.repaint(); print("ready", time.perf_counter() - t0); app.quit()
QTimer.singleShot(0, done)
app.exec()
"""


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))] if ordered else float("nan")


def _wall(cmd: list[str], env: dict | None = None) -> float:
    """Seconds from process start until it prints its "ready" line."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env or _ENV)
    ready = None
    for line in proc.stdout:
        if ready is None and "ready" in line:
            ready = time.perf_counter() - start
    if proc.wait(timeout=300) != 0 or ready is None:
        raise RuntimeError(f"{' '.join(cmd)} failed")
    return ready


def bench_startup(data: Path | None, repeats: int) -> dict:
    """Process start to fully drawn window, vs a bare window with three empty widgets."""
    home = tempfile.mkdtemp(prefix="iomviewer-bench-")
    env = dict(_ENV, XDG_CONFIG_HOME=home, XDG_DATA_HOME=home, HOME=home)
    app_cmd = [sys.executable, "-m", "iomviewer", "--smoke-test"] + (["--data", str(data)] if data else [])
    bare_cmd = [sys.executable, "-c", _BARE_WINDOW]
    bare, ours = [], []
    for _ in range(repeats):  # interleaved, so machine noise hits both alike
        bare.append(_wall(bare_cmd, env))
        ours.append(_wall(app_cmd, env))
    return {"bare_s": _median(bare), "app_s": _median(ours), "ratio": _median(ours) / _median(bare)}


def bench_load(path: Path) -> dict:
    code = (
        "import time, resource, sys; t=time.perf_counter();"
        "from iomviewer.core.loading import load_dataset; d=load_dataset(sys.argv[1]);"
        "print(time.perf_counter()-t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    baseline = "import resource, json, sys; json.load(open(sys.argv[1])); print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, env=_ENV, cwd=ROOT)
    seconds, rss = out.stdout.split()
    base = subprocess.run([sys.executable, "-c", baseline, str(path)], capture_output=True, text=True)
    t = time.perf_counter()
    json.loads(path.read_text(encoding="utf-8"))
    json_s = time.perf_counter() - t
    return {"load_validate_s": float(seconds), "json_parse_s": json_s, "ratio": float(seconds) / json_s,
            "peak_rss_mb": int(rss) / 1024, "json_only_rss_mb": int(base.stdout) / 1024}


def bench_search(edition, queries: list[str]) -> dict:
    from iomviewer.core.search import SearchIndex

    t = time.perf_counter()
    index = SearchIndex(edition)
    build = time.perf_counter() - t
    times = []
    for query in queries:
        for i in range(1, len(query) + 1):  # one search per keystroke
            start = time.perf_counter()
            index.search(query[:i])
            index.matching_ids(query[:i])
            times.append(time.perf_counter() - start)
    return {"index_build_s": build, "keystroke_median_ms": _median(times) * 1000, "keystroke_p95_ms": _p95(times) * 1000,
            "keystrokes": len(times)}


def bench_layout(edition, repeats: int) -> dict:
    """Our chart pipeline (build + dot + parse) vs pygraphviz laying out the bare tree."""
    import pygraphviz

    from iomviewer.chart.build import ChartOptions, build_graph
    from iomviewer.chart.layout import layout_graph

    ours, raw = [], []
    for _ in range(repeats):
        t = time.perf_counter()
        layout_graph(build_graph(edition, ChartOptions()))
        ours.append(time.perf_counter() - t)
        g = pygraphviz.AGraph(directed=True)
        for u in edition.units:
            g.add_node(u.id, label=u.name)
            if u.parent:
                g.add_edge(u.parent, u.id)
        t = time.perf_counter()
        g.draw(format="json", prog="dot")
        raw.append(time.perf_counter() - t)
    return {"ours_s": _median(ours), "raw_dot_s": _median(raw), "ratio": _median(ours) / _median(raw)}


def bench_selection(dataset, repeats: int) -> dict:
    """Selecting a unit: tree, chart and pane updated (offscreen window), vs a bare QTreeView selection."""
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QTreeView

    from iomviewer.ui.main_window import MainWindow
    from iomviewer.ui.settings import Settings

    app = QApplication.instance() or QApplication(sys.argv[:1])
    store = QSettings(str(Path(tempfile.mkdtemp()) / "bench.ini"), QSettings.Format.IniFormat)
    window = MainWindow(dataset, Settings(store))
    window.persist_settings = False
    window.resize(1400, 900)
    window.show()
    deadline = time.time() + 120
    while window.chart.unit_count() == 0 and time.time() < deadline:
        app.processEvents()
    ids = [u.id for u in window.edition.units]
    step = max(1, len(ids) // repeats)
    ours = []
    for uid in ids[::step][:repeats]:
        start = time.perf_counter()
        window.select_unit(uid, origin="tree")
        app.processEvents()
        ours.append(time.perf_counter() - start)
    model = QStandardItemModel()
    items = [QStandardItem(u.name) for u in window.edition.units]
    for item in items:
        model.appendRow(item)
    view = QTreeView()
    view.setModel(model)
    view.show()
    bare = []
    for i in range(0, len(items), step):
        start = time.perf_counter()
        view.setCurrentIndex(model.index(i, 0))
        app.processEvents()
        bare.append(time.perf_counter() - start)
    window.close()
    return {"select_median_ms": _median(ours) * 1000, "select_p95_ms": _p95(ours) * 1000,
            "bare_tree_median_ms": _median(bare) * 1000}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="bundled data only, fewer repeats")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from synthetic_org import build

    from iomviewer.core.loading import load_dataset
    from iomviewer.resources import bundled_dataset_path

    repeats = 2 if args.quick else 5
    cases = [("bundled", bundled_dataset_path())]
    tmp = Path(tempfile.mkdtemp(prefix="iomviewer-bench-"))
    for n in ([] if args.quick else args.sizes):
        path = tmp / f"org-{n}.json"
        path.write_text(json.dumps(build(n)), encoding="utf-8")
        cases.append((f"{n} units", path))
    queries = ["santé mentale", "migration", "tresorerie", "bureau regional", "droit international"]
    results = {}
    for label, path in cases:
        dataset = load_dataset(path)
        edition = dataset.edition()
        row = {"units": len(edition)}
        row["startup"] = bench_startup(None if label == "bundled" else path, repeats)
        row["load"] = bench_load(path)
        row["search"] = bench_search(edition, queries)
        if len(edition) <= 2000 or not args.quick:
            row["layout"] = bench_layout(edition, 1 if len(edition) > 2000 else repeats)
        row["selection"] = bench_selection(dataset, 20)
        results[label] = row
        _print_row(label, row)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


def _print_row(label: str, row: dict) -> None:
    s, l, q, sel = row["startup"], row["load"], row["search"], row["selection"]
    print(f"\n## {label} ({row['units']} units in the default edition)")
    print(f"start-up to drawn window : {s['app_s']:.2f} s vs bare window {s['bare_s']:.2f} s  → ×{s['ratio']:.2f}")
    print(f"load + validate          : {l['load_validate_s']:.2f} s vs json.load {l['json_parse_s']:.3f} s → ×{l['ratio']:.1f};"
          f" peak RSS {l['peak_rss_mb']:.0f} MB (json only {l['json_only_rss_mb']:.0f} MB)")
    print(f"search per keystroke     : median {q['keystroke_median_ms']:.2f} ms, p95 {q['keystroke_p95_ms']:.2f} ms"
          f" ({q['keystrokes']} keystrokes; index built in {q['index_build_s']:.2f} s)")
    print(f"selection (tree→chart→pane): median {sel['select_median_ms']:.2f} ms, p95 {sel['select_p95_ms']:.2f} ms"
          f" vs bare QTreeView {sel['bare_tree_median_ms']:.2f} ms")
    if "layout" in row:
        lay = row["layout"]
        print(f"chart layout             : {lay['ours_s']:.3f} s vs raw dot {lay['raw_dot_s']:.3f} s → ×{lay['ratio']:.2f}")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())

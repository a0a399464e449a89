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

# A bare PySide6 window with the same three empty widgets, printing when drawn:
# once its Expose is handled (a repaint() before that paints nothing), it is
# repainted and "ready" printed, as `iomviewer --smoke-test` does.
_BARE_WINDOW = r"""
import sys, time
t0 = time.perf_counter()
from PySide6.QtCore import QEvent, QObject, QTimer, Qt
from PySide6.QtWidgets import QApplication, QMainWindow, QSplitter, QTreeView, QGraphicsView, QTextBrowser
app = QApplication(sys.argv[:1])
w = QMainWindow(); s = QSplitter(Qt.Orientation.Horizontal)
for widget in (QTreeView(), QGraphicsView(), QTextBrowser()): s.addWidget(widget)
w.setCentralWidget(s); w.resize(1400, 900); w.show()
def done():
    w.repaint(); print("ready", time.perf_counter() - t0); app.quit()
class Watch(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Expose and obj.isExposed():
            obj.removeEventFilter(self); QTimer.singleShot(0, done)
        return False
watch = Watch()
if w.windowHandle().isExposed(): QTimer.singleShot(0, done)
else: w.windowHandle().installEventFilter(watch)
app.exec()
"""


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _quantile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


def _p95(values: list[float]) -> float:
    return _quantile(sorted(values), 0.95)


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


def startup_env(prefix: str) -> tuple[Path, dict]:
    """A fresh home (settings, caches) for timed starts, and its environment; the package compiled.

    The app as installed or bundled starts from compiled bytecode, as PySide6
    does in the baseline; a checkout under PYTHONDONTWRITEBYTECODE (set on
    some machines) would otherwise compile every module at every start.
    """
    import compileall

    compileall.compile_dir(str(ROOT / "iomviewer"), quiet=1)
    home = Path(tempfile.mkdtemp(prefix=prefix))
    return home, dict(_ENV, XDG_CONFIG_HOME=str(home), XDG_DATA_HOME=str(home), XDG_CACHE_HOME=str(home), HOME=str(home))


def bench_startup(data: Path | None, repeats: int) -> dict:
    """Process start to fully drawn window, vs a bare window with three empty widgets.

    Interleaved pairs (bare, then app), so machine noise hits both alike.  On a
    shared two-core VM one start moves by ±20 %, and the median of 5 pairs by
    ±10 %: run.py takes 21 pairs by default (--startup-repeats), and reports
    the per-pair ratios (median and quartiles) beside the ratio of the
    medians.  The two medians can come from different pairs: a burst of load
    on a few bare starts moves the ratio of the medians (×1.84 once, above
    the third quartile of its own pairs, ×1.74) more than the pairs' median.
    """
    _home, env = startup_env("iomviewer-bench-")
    app_cmd = [sys.executable, "-m", "iomviewer", "--smoke-test"] + (["--data", str(data)] if data else [])
    bare_cmd = [sys.executable, "-c", _BARE_WINDOW]
    # The first start of each fills caches (the app's layout and dataset caches,
    # the system's page cache): the app's is reported apart as the cold start.
    _wall(bare_cmd, env)
    first_app = _wall(app_cmd, env)
    bare, ours = [], []
    for _ in range(repeats):
        bare.append(_wall(bare_cmd, env))
        ours.append(_wall(app_cmd, env))
    pairs = sorted(a / b for a, b in zip(ours, bare))
    return {"bare_s": _median(bare), "app_s": _median(ours), "ratio": _median(ours) / _median(bare),
            "pair_ratio_q1": _quantile(pairs, 0.25), "pair_ratio_median": _quantile(pairs, 0.5),
            "pair_ratio_q3": _quantile(pairs, 0.75),
            "pairs": len(pairs), "first_app_s": first_app}


def bench_load(path: Path) -> dict:
    # Peak RSS as VmHWM: ru_maxrss of a child carries the parent's peak over exec on Linux.
    hwm = "int([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1])"
    code = (
        "import time, sys; t=time.perf_counter();"
        "from iomviewer.core.loading import load_dataset; d=load_dataset(sys.argv[1]);"
        f"print(time.perf_counter()-t, {hwm})"
    )
    baseline = f"import json, sys; json.load(open(sys.argv[1])); print({hwm})"
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


def bench_layout(edition, repeats: int, options=None) -> dict:
    """Our chart pipeline (build + dot + parse) vs dot alone on the same graph, and on the bare tree.

    The same graph: dot run by pygraphviz on the DOT text our builder made,
    so the ratio is what our Python adds around Graphviz.  The bare tree
    (undecorated nodes and edges) is printed for information.
    """
    import pygraphviz

    from iomviewer.chart.build import ChartOptions, build_graph, scope_units
    from iomviewer.chart.layout import layout_graph

    options = options or ChartOptions()
    shown = set(scope_units(edition, options))  # the bare tree of the same scope
    ours, same, same_xdot, raw = [], [], [], []
    for _ in range(repeats):
        t = time.perf_counter()
        graph = build_graph(edition, options)
        layout_graph(graph)
        ours.append(time.perf_counter() - t)
        copy = pygraphviz.AGraph(string=graph.string())
        t = time.perf_counter()
        copy.draw(format="json", prog="dot")
        same.append(time.perf_counter() - t)
        # Our pipeline asks dot for xdot, not JSON (cheaper to write): the stricter baseline.
        copy = pygraphviz.AGraph(string=graph.string())
        t = time.perf_counter()
        copy.draw(format="xdot", prog="dot")
        same_xdot.append(time.perf_counter() - t)
        g = pygraphviz.AGraph(directed=True)
        for u in edition.units:
            if u.id in shown:
                g.add_node(u.id, label=u.name)
                if u.parent in shown:
                    g.add_edge(u.parent, u.id)
        t = time.perf_counter()
        g.draw(format="json", prog="dot")
        raw.append(time.perf_counter() - t)
    return {"ours_s": _median(ours), "same_graph_dot_s": _median(same), "ratio": _median(ours) / _median(same),
            "same_graph_xdot_s": _median(same_xdot), "ratio_xdot": _median(ours) / _median(same_xdot),
            "raw_dot_s": _median(raw), "nodes": graph.number_of_nodes()}


def bench_export(dataset, edition, options, repeats: int) -> dict:
    """Export to SVG, PDF and PNG (fitted page) vs dot rendering the same graph to that format.

    The chart is the one the window opens on (depth-limited for a big
    organisation), as Ctrl+E exports what the screen shows.
    """
    import pygraphviz

    from iomviewer.chart.build import build_graph
    from iomviewer.chart.export import ExportError, ExportOptions, export_chart

    out = {}
    folder = Path(tempfile.mkdtemp(prefix="iomviewer-bench-export-"))
    graph = build_graph(edition, options)
    for fmt, gv in (("svg", "svg"), ("pdf", "pdf:cairo"), ("png", "png:cairo")):
        ours, raw = [], []
        for _ in range(repeats):
            t = time.perf_counter()
            try:
                export_chart(dataset, edition, options, ExportOptions(format=fmt, page="fit"), folder / f"chart.{fmt}")
            except ExportError as exc:  # e.g. a PNG too large: the app refuses it the same way
                out[fmt] = {"refused": str(exc)}
                break
            ours.append(time.perf_counter() - t)
            copy = pygraphviz.AGraph(string=graph.string())
            t = time.perf_counter()
            copy.draw(format=gv, prog="dot")
            raw.append(time.perf_counter() - t)
        if fmt not in out:
            out[fmt] = {"ours_s": _median(ours), "dot_s": _median(raw), "ratio": _median(ours) / _median(raw)}
    return out


def bench_gui(data: Path | None, full: bool) -> dict:
    """Longest GUI-thread block and peak memory of the real window (benchmarks/gui_probe.py), vs a bare window."""
    probe = [sys.executable, str(ROOT / "benchmarks" / "gui_probe.py")]

    def run(args: list[str]) -> dict:
        out = subprocess.run(probe + args, capture_output=True, text=True, env=_ENV, cwd=ROOT, timeout=1800)
        lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
        if out.returncode != 0 or not lines:
            raise RuntimeError(f"gui_probe {' '.join(args)} failed: {out.stderr[-2000:]}")
        return json.loads(lines[-1])

    bare = run(["--bare"])
    ours = run((["--data", str(data)] if data else []) + (["--full", "--cancel"] if full else []))
    ours["bare_gap_ms"], ours["bare_rss_mb"] = bare["idle_gap_ms"], bare["peak_rss_mb"]
    return ours


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
    # Wait for the chart and the search index: selection is timed on a window at rest.
    # (The index starts after the chart's first paint: "not busy" alone can
    # mean "not started yet", and its 8 ms slices then landed in the timings.)
    while (window.chart.unit_count() == 0 or getattr(window, "_search_index", None) is None
           or window.task_runner.is_busy("index") or window.layout_runner.is_busy("layout")) \
            and time.time() < deadline:
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
    parser.add_argument("--full-layout-max", type=int, default=20000,
                        help="lay out the whole chart (dot, GUI probe) only up to this many units")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--startup-repeats", type=int, metavar="N",
                        help="interleaved start-up pairs (default 21; 3 with --quick)")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from synthetic_org import build

    from iomviewer.chart.build import ChartOptions
    from iomviewer.core.loading import load_dataset
    from iomviewer.resources import bundled_dataset_path
    from iomviewer.ui.chart_controller import AUTO_DEPTH_MAX_UNITS, auto_depth_for, level_counts

    repeats = 2 if args.quick else 5
    startup_repeats = args.startup_repeats or (3 if args.quick else 21)
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
        row["startup"] = bench_startup(None if label == "bundled" else path, startup_repeats)
        row["load"] = bench_load(path)
        row["search"] = bench_search(edition, queries)
        # The view the window opens on (depth-limited for a big organisation) ...
        depth = auto_depth_for(level_counts(edition, edition.root.id), AUTO_DEPTH_MAX_UNITS)
        opening = ChartOptions(depth=depth)
        row["layout_opening"] = bench_layout(edition, repeats, opening)
        row["layout_opening"]["depth"] = depth
        # ... and the whole chart.
        full = len(edition) <= args.full_layout_max and not (args.quick and len(edition) > 2000)
        if full and depth is not None:
            row["layout"] = bench_layout(edition, 1 if len(edition) > 2000 else repeats)
        elif depth is None:
            row["layout"] = row["layout_opening"]
        if len(edition) <= args.full_layout_max:
            row["export"] = bench_export(dataset, edition, opening, 1 if args.quick else 3)
        row["selection"] = bench_selection(dataset, 20)
        row["gui"] = bench_gui(None if label == "bundled" else path, full=full and depth is not None)
        results[label] = row
        _print_row(label, row)
    _print_goals(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


def _print_row(label: str, row: dict) -> None:
    s, l, q, sel, g = row["startup"], row["load"], row["search"], row["selection"], row["gui"]
    print(f"\n## {label} ({row['units']} units in the default edition)")
    print(f"start-up to drawn window : {s['app_s']:.2f} s vs bare window {s['bare_s']:.2f} s  → ×{s['ratio']:.2f}"
          f" (medians of {s['pairs']} interleaved pairs; per-pair ratios: median ×{s['pair_ratio_median']:.2f},"
          f" quartiles ×{s['pair_ratio_q1']:.2f}-{s['pair_ratio_q3']:.2f}; first start, empty cache: {s['first_app_s']:.2f} s)")
    print(f"load + validate          : {l['load_validate_s']:.2f} s vs json.load {l['json_parse_s']:.3f} s → ×{l['ratio']:.1f};"
          f" peak RSS {l['peak_rss_mb']:.0f} MB (json only {l['json_only_rss_mb']:.0f} MB)")
    print(f"search per keystroke     : median {q['keystroke_median_ms']:.2f} ms, p95 {q['keystroke_p95_ms']:.2f} ms"
          f" ({q['keystrokes']} keystrokes; index built in {q['index_build_s']:.2f} s)")
    print(f"selection (tree→chart→pane): median {sel['select_median_ms']:.2f} ms, p95 {sel['select_p95_ms']:.2f} ms"
          f" vs bare QTreeView {sel['bare_tree_median_ms']:.2f} ms")
    o = row["layout_opening"]
    print(f"opening chart layout     : {o['ours_s']:.3f} s vs dot on the same graph {o['same_graph_dot_s']:.3f} s"
          f" → ×{o['ratio']:.2f}; -Txdot {o['same_graph_xdot_s']:.3f} s → ×{o['ratio_xdot']:.2f}"
          f" ({o['nodes']} boxes, depth {o['depth'] if o['depth'] is not None else 'all'})")
    if "layout" in row and row["layout"] is not o:
        lay = row["layout"]
        print(f"whole chart layout       : {lay['ours_s']:.2f} s vs dot on the same graph {lay['same_graph_dot_s']:.2f} s"
              f" → ×{lay['ratio']:.2f}; -Txdot ×{lay['ratio_xdot']:.2f}"
              f" ({lay['nodes']} boxes; dot on the bare tree {lay['raw_dot_s']:.2f} s)")
    for fmt, e in row.get("export", {}).items():
        if "refused" in e:
            print(f"export {fmt:<18}: refused — {e['refused']}")
        else:
            print(f"export {fmt:<18}: {e['ours_s']:.3f} s vs dot -T{fmt} {e['dot_s']:.3f} s → ×{e['ratio']:.2f}"
                  " (opening view)")
    print(f"GUI thread, longest block: start-up {g['startup_gap_ms']:.0f} ms, edition switch {g.get('switch_gap_ms', float('nan')):.0f} ms"
          + (f", whole-chart layout {g['full_gap_ms']:.0f} ms" if "full_gap_ms" in g else "")
          + f" vs bare window idle {g['bare_gap_ms']:.0f} ms (goal 100 ms)")
    if "full_s" in g:
        print(f"whole chart in the window: {g['full_s']:.1f} s to drawn ({g['full_units']} boxes, scene {g['full_scene_s']:.2f} s);"
              f" again from the memory cache {g['full_again_s']:.2f} s")
    if "cancel_s" in g:
        print(f"cancel during dot        : layout thread free again {g['cancel_s']:.2f} s after Cancel"
              f" (dot helper killed: {'yes' if g['cancel_killed_helper'] else 'no'})")
    print(f"peak RSS of the window   : {g['startup_rss_mb']:.0f} MB after start-up vs bare window {g['bare_rss_mb']:.0f} MB"
          + (f"; {g['full_rss_mb']:.0f} MB with the whole chart (dot helper {g['helper_peak_rss_mb']:.0f} MB)"
             if "full_rss_mb" in g else ""))

    sys.stdout.flush()


def _print_goals(results: dict) -> None:
    base = results.get("bundled")
    if base is None:
        return
    print("\n## Goals (issue 7)")
    s = base["startup"]
    print(f"bundled start-up ≤ 1.5× bare window     : ×{s['ratio']:.2f} (median of the per-pair ratios ×{s['pair_ratio_median']:.2f})")
    for label, row in results.items():
        if label == "bundled":
            continue
        ratio = row["startup"]["app_s"] / s["app_s"]
        mem = row["gui"]["startup_rss_mb"] / base["gui"]["startup_rss_mb"]
        print(f"{label}: start-up ≤ 2× bundled           : ×{ratio:.2f} ({row['startup']['app_s']:.2f} s vs {s['app_s']:.2f} s)")
        print(f"{label}: search p95 ≤ 50 ms              : {row['search']['keystroke_p95_ms']:.1f} ms")
        print(f"{label}: selection ≤ 16 ms (median/p95)  : {row['selection']['select_median_ms']:.1f} / "
              f"{row['selection']['select_p95_ms']:.1f} ms")
        g = row["gui"]
        worst = max(v for k, v in g.items() if k.endswith("_gap_ms") and not k.startswith("bare"))
        print(f"{label}: GUI thread block ≤ 100 ms       : worst {worst:.0f} ms")
        lay = row.get("layout", row["layout_opening"])
        print(f"{label}: pipeline ≤ 1.25× dot            : ×{lay['ratio']:.2f} whole chart,"
              f" ×{row['layout_opening']['ratio']:.2f} opening view")
        print(f"{label}: memory ≤ 3× bundled             : ×{mem:.2f} ({g['startup_rss_mb']:.0f} MB vs"
              f" {base['gui']['startup_rss_mb']:.0f} MB)")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())

"""Watch the GUI thread of the real window: how long is it ever blocked, and how much memory.

    python benchmarks/gui_probe.py [--data FILE] [--full] [--cancel]   # prints one JSON line
    python benchmarks/gui_probe.py --bare                             # the same watch on a bare window

A 10 ms precise QTimer runs in the event loop; the longest gap between two of
its ticks is the longest time the GUI thread could not react (the bare
window's gap is the baseline: timer jitter on this machine).  Phases:

- startup: from the first turn of the event loop until the chart is drawn,
  the search index is built and nothing runs any more;
- switch: choosing another edition, until the same;
- cancel (--cancel): start the full chart, cancel it after 1.5 s, time until
  the layout thread is free again (the dot helper killed);
- full (--full): the whole scope laid out ("show everything"), until drawn.

Peak RSS (this process; the dot helper separately) is read after each phase.
Run by run.py in a fresh process per data set, with a fresh cache folder.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class GapWatch:
    """Longest interval between ticks of a 10 ms timer in the GUI thread."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self.worst = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.last = now

    def start(self) -> None:
        self.reset()
        self.timer.start()

    def reset(self) -> float:
        """The longest gap since the last reset (ms), and start a new phase."""
        worst, self.worst, self.last = self.worst, 0.0, time.perf_counter()
        return worst * 1000


class StallReporter:
    """IOMVIEWER_PROBE_WHY=1: when the GUI thread misses its ticks for > 60 ms, print where it is (stderr).

    A watchdog thread samples the main thread's Python stack every 20 ms while
    the timer is late; slow cycle collections are reported too.
    """

    def __init__(self, watch: GapWatch) -> None:
        import gc
        import threading

        self.watch, self.main = watch, threading.main_thread().ident
        self.stacks: dict[str, int] = {}
        self._gc_start = 0.0
        gc.callbacks.append(self._gc)
        threading.Thread(target=self._run, daemon=True).start()

    def _gc(self, phase: str, info: dict) -> None:
        import threading

        if phase == "start":
            self._gc_start = time.perf_counter()
        elif time.perf_counter() - self._gc_start > 0.03:
            print(f"slow gc: {1000 * (time.perf_counter() - self._gc_start):.0f} ms gen {info['generation']}"
                  f" in {threading.current_thread().name}", file=sys.stderr)

    def _run(self) -> None:
        import traceback

        episode: list[str] = []
        while True:
            time.sleep(0.01)
            late = time.perf_counter() - self.watch.last
            if late > 0.05:
                frame = sys._current_frames().get(self.main)
                if frame is not None:
                    episode.append(" < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}"
                                              for f in reversed(traceback.extract_stack(frame)[-6:])))
            elif episode:
                where = max(set(episode), key=episode.count)
                self.stacks[f"{len(episode) * 10 + 50} ms, mostly in {where}"] = len(episode)
                episode = []

    def report(self) -> None:
        for where, _n in sorted(self.stacks.items(), key=lambda kv: -kv[1])[:10]:
            print(f"stall of ~{where}", file=sys.stderr)


def _rss_mb() -> float:
    """Peak RSS of this process (VmHWM: ru_maxrss would carry the parent's peak over exec)."""
    return peak_rss_mb()


def _helper_peak_mb(pid: int | None) -> float:
    """Peak RSS of the dot helper process (0 when none runs)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if pid and line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def peak_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _wait(app, condition, timeout: float) -> float:
    """Run the event loop until condition() holds; the seconds it took (inf on timeout)."""
    start = time.perf_counter()
    while not condition():
        if time.perf_counter() - start > timeout:
            return float("inf")
        app.processEvents()
        time.sleep(0.002)
    return time.perf_counter() - start


def _settle(app, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.002)


def probe_bare() -> dict:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QGraphicsView, QMainWindow, QSplitter, QTextBrowser, QTreeView

    app = QApplication(sys.argv[:1])
    w = QMainWindow()
    s = QSplitter(Qt.Orientation.Horizontal)
    for widget in (QTreeView(), QGraphicsView(), QTextBrowser()):
        s.addWidget(widget)
    w.setCentralWidget(s)
    w.resize(1400, 900)
    w.show()
    watch = GapWatch()
    watch.start()
    _settle(app, 2.0)
    return {"idle_gap_ms": watch.reset(), "peak_rss_mb": _rss_mb()}


def _index_steps(edition):
    from iomviewer.core.search import SearchIndex

    index = yield from SearchIndex.steps(edition)
    return edition.id, index


def slice_index_build() -> None:
    """--sliced-index: build the search index on the GUI thread in slices, as proposed for
    main_window (task_runner.submit_sliced("index", _index_steps, edition))."""
    from iomviewer.ui.workers import TaskRunner

    submit = TaskRunner.submit

    def patched(self, key, fn, *args, **kw):
        if key == "index" and getattr(fn, "__name__", "") == "_build_search_index":
            return self.submit_sliced(key, _index_steps, *args)
        return submit(self, key, fn, *args, **kw)

    TaskRunner.submit = patched


def freeze_long_lived() -> None:
    """--freeze: move the dataset and each new search index out of the cycle collector's
    reach (gc.freeze), as proposed for app.py and main_window."""
    import gc

    from iomviewer.ui import app as app_module
    from iomviewer.ui.main_window import MainWindow

    initial = app_module._initial_dataset

    def loaded(path):
        result = initial(path)
        gc.collect(1)
        gc.freeze()
        return result

    app_module._initial_dataset = loaded
    finished = MainWindow._on_task_finished

    def on_task_finished(self, key, result):
        finished(self, key, result)
        if key in ("index", "load"):
            gc.collect(1)
            gc.freeze()

    MainWindow._on_task_finished = on_task_finished


def probe_app(data: str | None, full: bool, cancel: bool, timeout: float) -> dict:
    from iomviewer.chart import dot
    from iomviewer.ui import app as app_module
    from iomviewer.ui.main_window import MainWindow

    create_app, _initial_dataset = app_module.create_app, app_module._initial_dataset

    app, settings, errors = create_app()
    dot.use_helper_process(True)  # as run_gui does
    dot.warm_up()
    dataset, _ = _initial_dataset(data)
    window = MainWindow(dataset, settings)
    window.persist_settings = False
    window.resize(1400, 900)
    window.show()
    watch = GapWatch()
    watch.start()
    why = StallReporter(watch) if os.environ.get("IOMVIEWER_PROBE_WHY") else None
    out: dict = {"units": len(window.edition)}

    def idle() -> bool:
        return (window.chart.unit_count() > 0 and not window.layout_runner.is_busy("layout")
                and not window.task_runner.is_busy("index"))

    out["startup_s"] = _wait(app, idle, timeout)
    out["startup_chart_units"] = window.chart.unit_count()
    out["auto_depth"] = window.chart_controller.auto_depth
    _settle(app, 0.3)
    out["startup_gap_ms"] = watch.reset()
    out["startup_rss_mb"] = _rss_mb()

    others = [e.id for e in dataset.editions if e.id != window.edition.id]
    if others:
        before = window.chart.chart_layout()
        window.set_edition(others[0])
        out["switch_s"] = _wait(app, lambda: idle() and window.chart.chart_layout() is not before, timeout)
        _settle(app, 0.3)
        out["switch_gap_ms"] = watch.reset()
        window.set_edition(dataset.default_edition)
        _wait(app, idle, timeout)
        _settle(app, 0.3)
        watch.reset()
    controller = window.chart_controller
    if cancel and controller.auto_depth is not None:
        steps: list[int] = []
        controller.progress.connect(lambda done, total: steps.append(done))
        controller.show_everything()
        # Cancel while dot runs: one second after the graph is built and sent to the helper.
        _wait(app, lambda: 1 in steps or not window.layout_runner.is_busy("layout"), timeout)
        _settle(app, 1.0)
        if window.layout_runner.is_busy("layout"):
            pid = dot.helper_pid()
            controller.cancel()
            out["cancel_s"] = _wait(app, lambda: not window.layout_runner.is_busy("layout"), timeout)
            out["cancel_killed_helper"] = pid is not None and dot.helper_pid() != pid
        out["cancel_gap_ms"] = watch.reset()
        controller.set_auto_depth_enabled(True)
        _wait(app, idle, timeout)
        _settle(app, 0.3)
        watch.reset()
    if full:
        before = window.chart.chart_layout()
        controller.show_everything()
        out["full_s"] = _wait(app, lambda: idle() and window.chart.chart_layout() is not before, timeout)
        out["full_scene_s"] = window.chart.last_build_seconds
        out["full_units"] = window.chart.unit_count()
        _settle(app, 0.3)
        out["full_gap_ms"] = watch.reset()
        out["full_rss_mb"] = _rss_mb()
        # Back to the automatic view and again to the whole chart: both from the memory cache.
        controller.set_auto_depth_enabled(True)
        _wait(app, idle, timeout)
        before = window.chart.chart_layout()
        controller.show_everything()
        out["full_again_s"] = _wait(app, lambda: window.chart.chart_layout() is not before, timeout)
        _settle(app, 0.3)
        out["full_again_gap_ms"] = watch.reset()
    if why is not None:
        why.report()
    out["helper_peak_rss_mb"] = _helper_peak_mb(dot.helper_pid())
    window.close()
    dot.shutdown()
    errors.uninstall()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data")
    parser.add_argument("--bare", action="store_true")
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--cancel", action="store_true")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--sliced-index", action="store_true",
                        help="build the search index in GUI-thread slices (change proposed for main_window)")
    parser.add_argument("--freeze", action="store_true",
                        help="gc.freeze() the dataset and each search index (change proposed for app/main_window)")
    args = parser.parse_args(argv)
    home = tempfile.mkdtemp(prefix="iomviewer-probe-")
    for var in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        os.environ[var] = home
    if args.sliced_index:
        slice_index_build()
    if args.freeze:
        freeze_long_lived()
    result = probe_bare() if args.bare else probe_app(args.data, args.full, args.cancel, args.timeout)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

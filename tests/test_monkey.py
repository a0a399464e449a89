"""A long session, compressed: a seeded monkey drives the real window through random actions.

The same 120 seeded actions (search, select, editions, zoom, fold, export,
back/forward, open files, resize, chart options) run three times in a row.
After each round the test settles the workers and records the process's
threads and resident memory.  Repeating identical work must not add threads
or keep adding memory: the first round fills the caches (layouts, search,
fonts), later rounds find them full.  Any exception in a slot fails the test
(pytest-qt reports exceptions raised in the Qt event loop).
"""
from __future__ import annotations

import gc
import os
import random
import threading
import time

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from fixtures import mini_doc, write_doc

pytestmark = pytest.mark.gui

SEED = 20261123
ACTIONS_PER_ROUND = 120
ROUNDS = 3
# Generous: a leak of a few objects per action over 120 actions shows as
# tens of MB; allocator noise and lazily built Qt caches stay well below.
MAX_GROWTH_AFTER_FIRST_ROUND_MB = 40


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def os_threads() -> int:
    return len(os.listdir("/proc/self/task"))


def close_dialogs() -> None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.isVisible():
            widget.close()


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="reads /proc for memory and threads")
def test_monkey_session_has_no_exception_no_thread_leak_and_flat_memory(qtbot, tmp_path):
    from iomviewer.chart.export import ExportError, ExportOptions, export_chart
    from iomviewer.core.loading import load_dataset
    from iomviewer.resources import bundled_dataset_path
    from iomviewer.ui.main_window import MainWindow
    from iomviewer.ui.settings import Settings

    good = write_doc(tmp_path, mini_doc(), "good.json")
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"format": "iomviewer-dataset", "editions": [' + b"[" * 5000)
    bundled = str(bundled_dataset_path())
    exports = tmp_path / "exports"
    exports.mkdir()

    win = MainWindow(load_dataset(), Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)))
    win.persist_settings = False
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    qtbot.waitUntil(lambda: win.chart.unit_count() > 0, timeout=20000)
    a = win.actions_
    words = sorted({w for u in win.edition.units for w in u.name.split() if len(w) > 4})[:200]

    def settle() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            QApplication.processEvents()
            if not (win.layout_runner.is_busy("layout") or win.task_runner.is_busy("index")
                    or win.task_runner.is_busy("load")):
                break
            qtbot.wait(10)
        assert win.layout_runner.wait(30000) and win.task_runner.wait(30000)
        QApplication.processEvents()

    def open_file(path: str) -> None:
        win.open_file(path)
        qtbot.waitUntil(lambda: not win.task_runner.is_busy("load"), timeout=30000)
        QApplication.processEvents()
        close_dialogs()

    def select(rng):
        ids = sorted(u.id for u in win.edition.units)
        win.select_unit(rng.choice(ids), origin=rng.choice(["tree", "chart", "search", "code"]))

    def search(rng):
        query = rng.choice(words + ["santé mentale", "zzzz", "<b>", "\\N", "dépt", ""])
        win.search.set_query(query)
        if rng.random() < 0.3:
            win.search.clear()

    def edition(rng):
        win.set_edition(rng.choice([e.id for e in win.dataset.editions]))

    def zoom(rng):
        rng.choice([a.zoom_in, a.zoom_out, a.fit, a.actual_size, a.center]).trigger()

    def fold(rng):
        if rng.random() < 0.7:
            ids = sorted(u.id for u in win.edition.units if win.edition.children(u.id))
            win.chart_controller.toggle_collapsed(rng.choice(ids))
        else:
            a.expand_all.trigger()

    def history(rng):
        rng.choice([a.back, a.forward, a.go_parent]).trigger()

    def chart_option(rng):
        choice = rng.randrange(6)
        if choice == 0:
            (a.top_down if rng.random() < 0.5 else a.left_right).trigger()
        elif choice == 1:
            a.compact.toggle()
        elif choice == 2:
            a.branch_only.toggle()
        elif choice == 3:
            a.show_links.toggle()
        elif choice == 4:
            a.show_legend.toggle()
        else:
            win.depth_box.setValue(rng.choice([0, 0, 1, 2, 3]))

    def export(rng):
        fmt = rng.choice(["svg", "svg", "pdf", "png"])
        root = rng.choice([None, win.selected_unit])
        options = win.chart_controller.options
        if root is not None and root in win.edition:
            options = options._replace(root=root, depth=2)
        try:
            export_chart(win.dataset, win.edition, options, ExportOptions(format=fmt, page="a4", dpi=72),
                         exports / f"chart.{fmt}")
        except ExportError:
            pass  # e.g. a chart too big for the page: a refusal, not a failure

    def files(rng):
        open_file(rng.choice([str(good), str(bad), bundled]))

    def resize(rng):
        win.resize(rng.randint(500, 1600), rng.randint(400, 1000))

    def wait(rng):
        qtbot.wait(rng.randint(0, 15))

    moves = [(select, 20), (search, 12), (edition, 6), (zoom, 10), (fold, 8), (history, 8), (chart_option, 10),
             (export, 3), (files, 3), (resize, 5), (wait, 8)]
    population = [m for m, weight in moves for _ in range(weight)]

    samples = []
    started = time.monotonic()
    counts: dict[str, int] = {}
    for round_ in range(ROUNDS):
        rng = random.Random(SEED)  # the same actions every round
        open_file(bundled)  # every round starts from the same data
        win.set_edition(win.dataset.default_edition)
        for _ in range(ACTIONS_PER_ROUND):
            move = rng.choice(population)
            counts[move.__name__] = counts.get(move.__name__, 0) + 1
            move(rng)
            QApplication.processEvents()
        close_dialogs()
        settle()
        gc.collect()
        samples.append((round_, rss_mb(), os_threads(), threading.active_count()))
    elapsed = time.monotonic() - started
    print(f"\nmonkey: {ROUNDS * ACTIONS_PER_ROUND} actions in {elapsed:.1f} s, per kind {dict(sorted(counts.items()))}")
    for round_, rss, threads, py_threads in samples:
        print(f"  after round {round_ + 1}: RSS {rss:.1f} MB, OS threads {threads}, Python threads {py_threads}")

    rss = [s[1] for s in samples]
    threads = [s[2] for s in samples]
    assert max(threads) - min(threads) <= 2, f"threads keep growing: {threads}"
    assert threading.active_count() <= 2, [t.name for t in threading.enumerate()]
    assert rss[-1] - rss[0] < MAX_GROWTH_AFTER_FIRST_ROUND_MB, f"memory keeps growing: {rss}"
    assert win.chart.unit_count() > 0 and win.isVisible()
    win.close()

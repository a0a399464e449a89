import threading
import time

import pytest
from PySide6.QtCore import QByteArray, QSettings

from iomviewer.ui.settings import Settings
from iomviewer.ui.workers import TaskRunner

pytestmark = pytest.mark.gui


def test_result_arrives_on_gui_thread(qtbot):
    runner = TaskRunner()
    main_thread = threading.get_ident()
    seen = {}

    def job(x):
        seen["worker"] = threading.get_ident()
        return x * 2

    with qtbot.waitSignal(runner.finished, timeout=5000) as blocker:
        runner.submit("k", job, 21)
    assert blocker.args == ["k", 42]
    assert seen["worker"] != main_thread


def test_newer_request_supersedes_stale_one(qtbot):
    runner = TaskRunner()
    gate = threading.Event()
    results = []
    runner.finished.connect(lambda key, result: results.append(result))

    def slow():
        gate.wait(5)
        return "stale"

    runner.submit("layout", slow)
    runner.submit("layout", lambda: "fresh")
    gate.set()
    qtbot.waitUntil(lambda: not runner.is_busy("layout"), timeout=5000)
    assert results == ["fresh"]


def test_failure_is_reported_not_lost(qtbot):
    runner = TaskRunner()

    def broken():
        raise ValueError("boom")

    with qtbot.waitSignal(runner.failed, timeout=5000) as blocker:
        runner.submit("k", broken)
    key, exc, tb = blocker.args
    assert key == "k" and isinstance(exc, ValueError) and "boom" in tb


def test_cancellable_job_stops_and_busy_settles(qtbot):
    runner = TaskRunner()
    progress = []
    runner.progress.connect(lambda key, done, total, msg: progress.append(done))
    started = threading.Event()

    def long_job(token):
        for i in range(1000):
            started.set()
            token.progress(i, 1000)
            time.sleep(0.005)
        return "finished"

    results = []
    runner.finished.connect(lambda k, r: results.append(r))
    with qtbot.waitSignal(runner.busy_changed, timeout=5000, check_params_cb=lambda k, busy: not busy):
        runner.submit("export", long_job, cancellable=True)
        started.wait(5)
        qtbot.waitUntil(lambda: len(progress) > 0, timeout=5000)
        runner.cancel("export")
    assert results == []


def test_settings_defaults_and_corrupt_values(tmp_path):
    store = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    s = Settings(store)
    assert s.get("chart/compact") is True and s.get("chart/rankdir") == "TB"
    store.setValue("chart/rankdir", "diagonal")
    store.setValue("chart/depth", "lots")
    store.setValue("chart/compact", "perhaps")
    store.setValue("window/geometry", "not bytes")
    store.setValue("export/dpi", 10**9)
    assert s.get("chart/rankdir") == "TB"
    assert s.get("chart/depth") == 0
    assert s.get("chart/compact") is True
    assert s.get("window/geometry") == QByteArray()
    assert s.get("export/dpi") == 150
    s.set("chart/compact", False)
    s.set("chart/depth", 3)
    s.sync()
    again = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    assert again.get("chart/compact") is False and again.get("chart/depth") == 3
    with pytest.raises(KeyError):
        s.set("no/such", 1)


def test_a_sliced_job_whose_runner_goes_is_closed_and_gives_the_collector_back(qtbot):
    import gc

    from PySide6.QtCore import QObject

    from iomviewer.core.memory import collector_paused

    closed = []

    def endless():
        with collector_paused():  # as the search index's build does
            try:
                while True:
                    yield
            finally:
                closed.append(True)

    owner = QObject()
    runner = TaskRunner(owner)
    runner.submit_sliced("index", endless, slice_ms=0.5)
    qtbot.waitUntil(lambda: not gc.isenabled(), timeout=2000)  # running, collector paused
    qtbot.wait(20)
    assert not closed
    del runner, owner  # the window closes: its runner goes with it
    qtbot.waitUntil(lambda: bool(closed), timeout=2000)
    assert gc.isenabled()


def test_a_chart_build_and_an_index_build_share_one_collector_pause():
    import gc

    from iomviewer.core.memory import pause_collector, resume_collector

    assert gc.isenabled()
    pause_collector()  # the index starts
    pause_collector()  # then a chart scene
    resume_collector()  # the index is done: the scene is still being built
    assert not gc.isenabled()
    resume_collector(freeze=False)  # the scene's build cancelled
    assert gc.isenabled()


def test_the_pipelines_pause_in_a_worker_does_not_end_the_windows_pause():
    import gc
    import threading

    from iomviewer.core.memory import collector_paused, pause_collector, resume_collector

    assert gc.isenabled()
    pause_collector()  # the window builds a scene (GUI thread)

    def interpret():  # layout records interpreted in a worker, as chart.layout does
        with collector_paused(freeze=False):
            pass

    worker = threading.Thread(target=interpret)
    worker.start()
    worker.join()
    assert not gc.isenabled()  # the worker's pause ended inside the window's
    resume_collector()
    assert gc.isenabled()


def test_a_pause_with_two_ways_to_end_ends_once():
    import gc

    from iomviewer.core.memory import CollectorPause, pause_collector, resume_collector

    assert gc.isenabled()
    start = CollectorPause()  # the window's start: ended once drawn, or on the way out
    pause_collector()  # a scene being built meanwhile
    start.end()  # drawn
    start.end()  # on the way out: must not end the scene's pause
    assert not gc.isenabled()
    resume_collector()
    assert gc.isenabled()


def test_no_python_slot_hears_a_runner_being_destroyed(qtbot):
    # PySide wraps the half-destroyed object to pass it to a Python slot on
    # destroyed; a runner dropped after other tests had made Qt types lazily
    # crashed the process that way, one run in two (tests/test_import_hook.py then this file).
    from PySide6.QtCore import SIGNAL

    runner = TaskRunner()
    runner.submit_sliced("index", lambda: iter(()))
    assert runner.receivers(SIGNAL("destroyed(QObject*)")) == 0
    assert runner.receivers(SIGNAL("destroyed()")) == 0

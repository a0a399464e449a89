"""Run slow work (Graphviz layout, export, loading) off the GUI thread.

A small task helper in the spirit of git-cola's qtutils.Task: each job runs on
a QThreadPool and its result comes back to the GUI thread through a queued
signal.  Jobs are grouped by key ("layout", "export", …); every submit under a
key gets a new generation number and only the newest generation's result is
delivered, so a stale layout never overwrites a newer one.  A job still
queued when it is superseded does not run at all, and a cancellable job that
runs Graphviz in its helper process has that process killed when it is
cancelled or superseded (chart.dot.cancellation), so a stale 40 s layout of
a 10,000-unit chart does not hold the single layout thread.
"""
from __future__ import annotations

import contextlib
import logging
import sys
import threading
import time
import traceback
from typing import Any, Callable, Generator, Iterator

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from iomviewer.chart import dot  # stdlib only on import: no Graphviz loaded here

log = logging.getLogger(__name__)

SLICE_MS = 8.0  # submit_sliced: GUI-thread work between two turns of the event loop
# While a job runs, Python hands the GIL over every this many seconds instead of
# every 5 ms.  The GUI thread needs the GIL for each call into Python (a model's
# data(), a slot, a paint) and waits up to one interval each time: with the 5 ms
# default, building a 10,000-unit chart in a worker stalled the window for
# 250-650 ms at a time; with 0.5 ms, about 100 ms.  The worker loses a few percent.
BUSY_SWITCH_INTERVAL = 0.0005

_switch_lock = threading.Lock()
_running_jobs = 0
_saved_interval = 0.005


@contextlib.contextmanager
def _quick_gil_handover() -> Iterator[None]:
    global _running_jobs, _saved_interval
    with _switch_lock:
        if _running_jobs == 0:
            _saved_interval = sys.getswitchinterval()
            sys.setswitchinterval(min(_saved_interval, BUSY_SWITCH_INTERVAL))
        _running_jobs += 1
    try:
        yield
    finally:
        with _switch_lock:
            _running_jobs -= 1
            if _running_jobs == 0:
                sys.setswitchinterval(_saved_interval)


class Cancelled(Exception):
    """Raised inside a job that noticed its token was cancelled."""


class CancelToken:
    """Handed to jobs that accept it, so they can stop early and report progress."""

    def __init__(self, report: Callable[[int, int, str], None]) -> None:
        self._event = threading.Event()
        self._report = report

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled()

    def progress(self, done: int, total: int, message: str = "") -> None:
        self.check()
        self._report(done, total, message)


class _Signals(QObject):
    # Emitted from the worker thread; the receiver lives in the GUI thread, so
    # Qt queues the call there.
    done = Signal(str, int, object)
    error = Signal(str, int, object, str)
    progress = Signal(str, int, int, int, str)


class _Job(QRunnable):
    def __init__(self, signals: _Signals, key: str, generation: int, fn: Callable[..., Any],
                 args: tuple, token: CancelToken | None, is_current: Callable[[], bool],
                 serial: threading.Lock | None = None) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._signals, self._key, self._gen = signals, key, generation
        self._fn, self._args, self._token = fn, args, token
        self._is_current = is_current
        self._serial = serial if serial is not None else contextlib.nullcontext()

    def run(self) -> None:  # worker thread
        # One job at a time on a one-thread runner, even if the pool started
        # a second thread (seen once on a loaded CI machine: a superseded
        # job ran beside the running one); decided once the turn has come.
        with self._serial:
            self._run()

    def _run(self) -> None:
        try:
            if not self._is_current() or (self._token is not None and self._token.cancelled):
                raise Cancelled()  # superseded while it queued: nobody wants its result
            with _quick_gil_handover():
                if self._token is not None:
                    with dot.cancellation(lambda: self._token.cancelled):
                        result = self._fn(*self._args, token=self._token)
                else:
                    result = self._fn(*self._args)
        except BaseException as exc:  # reported, never lost in a thread (Cancelled too:
            # the runner counts it as settled and drops it as stale)
            self._signals.error.emit(self._key, self._gen, exc, traceback.format_exc())
            return
        self._signals.done.emit(self._key, self._gen, result)


class TaskRunner(QObject):
    """Submit callables by key; receive the newest result per key on the GUI thread."""

    finished = Signal(str, object)  # key, result
    failed = Signal(str, object, str)  # key, exception, traceback text
    progress = Signal(str, int, int, str)  # key, done, total, message
    busy_changed = Signal(str, bool)  # key, busy

    def __init__(self, parent: QObject | None = None, max_threads: int = 1) -> None:
        super().__init__(parent)
        # Graphviz keeps global state; one thread at a time is the safe choice
        # and layouts are sequential anyway.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._signals = _Signals(self)
        self._signals.done.connect(self._on_done)
        self._signals.error.connect(self._on_error)
        self._signals.progress.connect(self._on_progress)
        self._generation: dict[str, int] = {}
        self._tokens: dict[str, CancelToken] = {}
        self._pending: dict[str, int] = {}
        self._serial = threading.Lock() if max_threads == 1 else None
        self._sliced: dict[str, _SlicedJob] = {}  # submit_sliced's generators not yet finished

    def submit(self, key: str, fn: Callable[..., Any], *args: Any, cancellable: bool = False) -> int:
        """Run fn(*args) (with token=CancelToken if cancellable); supersede older jobs of key."""
        generation = self._generation.get(key, 0) + 1
        self._generation[key] = generation
        old = self._tokens.pop(key, None)
        if old is not None:
            old.cancel()
        token = None
        if cancellable:
            token = CancelToken(lambda d, t, m, k=key, g=generation: self._signals.progress.emit(k, g, d, t, m))
            self._tokens[key] = token
        was_busy = self.is_busy(key)
        self._pending[key] = self._pending.get(key, 0) + 1
        self._pool.start(_Job(self._signals, key, generation, fn, args, token,
                              lambda k=key, g=generation: self._generation.get(k) == g, self._serial))
        if not was_busy:
            self.busy_changed.emit(key, True)
        return generation

    def submit_sliced(self, key: str, steps: Callable[..., Generator[Any, None, Any]], *args: Any,
                      slice_ms: float = SLICE_MS) -> int:
        """Run the generator steps(*args) on the GUI thread, a few ms at a time, between events.

        For Python-heavy work (a search index of 10,000 units): in a worker
        thread it would hold the GIL that the GUI thread needs for every call
        into Python, and the window would stall for half a second at a time;
        sliced here, no event waits longer than slice_ms plus one step.  The
        generator's return value is the result, delivered like submit()'s;
        a newer submit under the key, or cancel(), drops the stale generator.
        """
        generation = self._generation.get(key, 0) + 1
        self._generation[key] = generation
        old = self._tokens.pop(key, None)
        if old is not None:
            old.cancel()
        was_busy = self.is_busy(key)
        self._pending[key] = self._pending.get(key, 0) + 1
        if not was_busy:
            self.busy_changed.emit(key, True)
        stale = self._sliced.pop(key, None)
        if stale is not None:
            stale.gen.close()  # at once (its next turn only settles): a closed build resumes the collector
        job = self._sliced[key] = _SlicedJob(self, key, generation, steps(*args), slice_ms / 1000.0)
        QTimer.singleShot(0, job.run_slice)
        return generation

    def cancel(self, key: str) -> None:
        """Drop the result of the running job of key and ask it to stop."""
        self._generation[key] = self._generation.get(key, 0) + 1
        token = self._tokens.pop(key, None)
        if token is not None:
            token.cancel()

    def is_busy(self, key: str) -> bool:
        return self._pending.get(key, 0) > 0

    def wait(self, msecs: int = -1) -> bool:
        """Block until every job has ended (tests, shutdown)."""
        return self._pool.waitForDone(msecs)

    def _settle(self, key: str) -> None:
        self._pending[key] = max(0, self._pending.get(key, 0) - 1)
        if self._pending[key] == 0:
            self.busy_changed.emit(key, False)

    def _on_done(self, key: str, generation: int, result: object) -> None:
        self._settle(key)
        if generation == self._generation.get(key):
            self._tokens.pop(key, None)
            self.finished.emit(key, result)
        else:
            log.debug("dropping stale %s result (generation %d)", key, generation)

    def _on_error(self, key: str, generation: int, exc: object, tb: str) -> None:
        self._settle(key)
        if generation == self._generation.get(key):
            self._tokens.pop(key, None)
            log.warning("%s failed: %s", key, tb)
            self.failed.emit(key, exc, tb)

    def _on_progress(self, key: str, generation: int, done: int, total: int, message: str) -> None:
        if generation == self._generation.get(key):
            self.progress.emit(key, done, total, message)


class _SlicedJob:
    """The turns of one submit_sliced generator on the GUI thread."""

    __slots__ = ("runner", "key", "generation", "gen", "budget")

    def __init__(self, runner: TaskRunner, key: str, generation: int, gen: Generator[Any, None, Any],
                 budget: float) -> None:
        self.runner, self.key, self.generation, self.gen, self.budget = runner, key, generation, gen, budget

    def _finish(self) -> None:
        if self.runner._sliced.get(self.key) is self:
            del self.runner._sliced[self.key]

    def run_slice(self) -> None:
        # Each turn is a single-shot timer with no context object, so that it
        # comes even once the runner has gone (its window closed): the
        # generator is closed then, or a build holding the cycle collector
        # paused (core.memory) would hold it forever.  (Not on the runner's
        # destroyed signal: PySide wraps the half-destroyed runner to pass it
        # to a Python slot, which crashed now and then.)
        runner, key = self.runner, self.key
        if not shiboken6.isValid(runner):
            self.gen.close()
            return
        if runner._generation.get(key) != self.generation:
            self.gen.close()
            self._finish()
            runner._settle(key)
            return
        end = time.perf_counter() + self.budget
        try:
            while time.perf_counter() < end:
                next(self.gen)
        except StopIteration as stop:
            self._finish()
            runner._on_done(key, self.generation, stop.value)
            return
        except Exception as exc:  # reported like a worker's failure
            self._finish()
            runner._on_error(key, self.generation, exc, traceback.format_exc())
            return
        QTimer.singleShot(0, self.run_slice)

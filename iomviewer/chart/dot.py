"""Run dot, in this process or in a helper process that can be killed.

pygraphviz's C calls hold Python's global lock for as long as dot runs (a
ticker thread got 49 of ~1,735 ticks during a 1.7 s layout), so a worker
*thread* does not keep the window responsive for a big chart.  The desktop
app therefore turns on `use_helper_process()`: large graphs, cairo renders
(PDF, PNG) and every run asked for `isolated` (the window's chart layouts,
export pages) go to a single spawned helper process that receives the graph
as DOT text and returns Graphviz's output bytes; waiting on the pipe releases
the lock, so the GUI thread keeps painting, and an abort inside Graphviz
kills the helper, not the app.  Even the bundled chart's ~50 ms of dot froze
a first start for 130-200 ms in a worker thread; a start on a cached layout
needs neither dot nor the helper.  The export and diff commands turn it on
too; other commands and the tests run dot here.

A run in the helper can be cancelled: the caller (a TaskRunner job, through
`cancellation()`) is polled while dot runs, and a cancelled run kills the
helper at once instead of letting dot go on for the 40 s a 10,000-unit
chart takes; the next run starts a fresh helper.
"""
from __future__ import annotations

import contextlib
import functools
import logging
import threading
from typing import TYPE_CHECKING, Any, Callable, Iterator

from iomviewer.core.memory import collector_paused

if TYPE_CHECKING:
    import pygraphviz

log = logging.getLogger(__name__)

# Graphs with more nodes than this are laid out in the helper process.
IN_PROCESS_MAX_NODES = 400
# Cairo renders are slow for big charts whatever their size class.
_HEAVY_FORMATS = ("pdf:cairo", "png:cairo")
# How often a run in the helper looks at its cancellation check.
POLL_SECONDS = 0.05
# How long shutdown waits for a helper being started (a spawn takes 0.05-0.3 s).
_START_WAIT_SECONDS = 10.0

_lock = threading.Lock()  # guards _helper
# Graphviz keeps process-wide state (its DOT parser, agwrite's output buffer,
# the layout engines' statics): two threads inside it at once can crash the
# app (seen: a layout in a worker while the GUI thread measured text).  Every
# call into Graphviz in this process holds this lock (see `serialized`); work
# sent to the helper process does not, so a long run there blocks nobody.
_graphviz = threading.RLock()
_run_lock = threading.Lock()  # one request at a time on the helper's pipe
_helper: "_Helper | None" = None
_warming: list[threading.Thread] = []  # warm_up's threads: shutdown lets a start under way finish
_enabled = False
_local = threading.local()


class DotError(Exception):
    """dot failed or its helper process died; the message says which."""


class DotCancelled(Exception):
    """The run was cancelled (its helper process was killed)."""


def graphviz_lock() -> "threading.RLock":
    """The lock to hold around any call into Graphviz in this process (reentrant)."""
    return _graphviz


def serialized(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run fn holding the Graphviz lock."""
    @functools.wraps(fn)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with _graphviz:
            return fn(*args, **kwargs)

    return locked


def cancelled() -> bool:
    """Whether the enclosing cancellation() block (this thread) says stop."""
    check = getattr(_local, "check", None)
    return check is not None and check()


def use_helper_process(enabled: bool = True) -> None:
    global _enabled
    _enabled = enabled


@contextlib.contextmanager
def forced_helper():
    """Send every run_dot to the helper process (smoke tests of a build)."""
    global _enabled, IN_PROCESS_MAX_NODES
    saved = _enabled, IN_PROCESS_MAX_NODES
    _enabled, IN_PROCESS_MAX_NODES = True, -1
    try:
        yield
    finally:
        _enabled, IN_PROCESS_MAX_NODES = saved


@contextlib.contextmanager
def cancellation(is_cancelled: Callable[[], bool]) -> Iterator[None]:
    """Within this block (this thread), runs in the helper stop when is_cancelled() turns true.

    ui.workers wraps every cancellable job in it, so an export or a layout
    deep in chart/ code is killable without passing a token down each call.
    """
    saved = getattr(_local, "check", None)
    _local.check = is_cancelled
    try:
        yield
    finally:
        _local.check = saved


@serialized
def _render_source(source: str, gv_format: str, graph_attrs: dict[str, str] | None = None,
                   prog: str = "dot") -> bytes:
    """Parse DOT text and run Graphviz's `prog` on it (in this process or in the helper)."""
    import pygraphviz

    graph = pygraphviz.AGraph(string=source)
    if graph_attrs:
        graph.graph_attr.update(graph_attrs)
    return bytes(graph.draw(format=gv_format, prog=prog))


def _serve(conn) -> None:  # the helper process
    import importlib

    importlib.import_module("pygraphviz")  # before the first request, not during it

    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        fn, args = request
        try:
            conn.send(("ok", fn(*args)))
        except Exception as exc:  # the exception goes back to the caller, as it was if it pickles
            try:
                conn.send(("error", exc))
            except Exception:
                conn.send(("error", DotError(f"{type(exc).__name__}: {exc}")))


class _Helper:
    """One spawned process running _serve, and our end of its pipe."""

    def __init__(self) -> None:
        import multiprocessing  # 15 ms of imports that a start on small charts never needs

        # spawn, not fork: forking a process that runs Qt threads is unsafe.
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child,), name="iomviewer-dot", daemon=True)
        self.process.start()
        child.close()

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
            self.process.join(2)
        with contextlib.suppress(Exception):
            self.conn.close()

    def stop(self) -> None:
        """Ask the helper to exit after its current run; do not wait for it."""
        with contextlib.suppress(Exception):
            self.conn.send(None)
        with contextlib.suppress(Exception):
            self.conn.close()


def _get_helper() -> _Helper:
    global _helper
    with _lock:
        if _helper is None or not _helper.process.is_alive():
            if _helper is not None:
                _helper.kill()
            _helper = _Helper()
        return _helper


def _drop_helper(helper: _Helper) -> None:
    global _helper
    with _lock:
        if _helper is helper:
            _helper = None
    helper.kill()


def warm_up() -> None:
    """Start the helper process now, from a background thread, so the first big layout is not slowed.

    Starting it forks twice (the helper and multiprocessing's resource
    tracker): 100 ms of the GUI thread when called there directly.
    """
    if _enabled:
        thread = threading.Thread(target=_get_helper, name="iomviewer-dot-warm-up", daemon=True)
        _warming.append(thread)
        thread.start()


def shutdown() -> None:
    """Stop the helper: kill it if a run is under way (nobody will read its result).

    A helper being started is waited for first: a process that exits while
    its helper reads what to run from the pipe leaves a traceback on stderr.
    """
    global _helper
    while _warming:
        _warming.pop().join(_START_WAIT_SECONDS)
    with _lock:
        helper, _helper = _helper, None
    if helper is None:
        return
    if _run_lock.acquire(blocking=False):
        try:
            helper.stop()
        finally:
            _run_lock.release()
    else:
        helper.kill()


def helper_pid() -> int | None:
    """The helper process's pid, if one is running (tests)."""
    helper = _helper
    return helper.process.pid if helper is not None and helper.process.is_alive() else None


def wants_helper(graph: "pygraphviz.AGraph", gv_format: str, isolated: bool = False) -> bool:
    """Whether run_dot sends this graph to the helper process (isolated: whatever its size, see run_dot).

    Hold graphviz_lock() around it: counting the nodes is a call into Graphviz.
    """
    return _enabled and (isolated or gv_format in _HEAVY_FORMATS or graph.number_of_nodes() > IN_PROCESS_MAX_NODES)


def takes_size(units: int) -> bool:
    """Whether a chart of this many units goes to the helper process (when there is one)."""
    return _enabled and units > IN_PROCESS_MAX_NODES


def helper_enabled() -> bool:
    return _enabled


def run_in_helper(fn: Callable[..., Any], *args: Any, is_cancelled: Callable[[], bool] | None = None) -> Any:
    """Call fn(*args) in the helper process and return its result (fn: a module-level function).

    is_cancelled (default: the one of the enclosing `cancellation()` block) is
    polled while the helper works; when it turns true the helper is killed and
    DotCancelled raised.  An exception of fn is raised here.
    """
    from multiprocessing.connection import wait as _wait_ready

    check = is_cancelled if is_cancelled is not None else getattr(_local, "check", None)
    with _run_lock:
        if check is not None and check():
            raise DotCancelled()
        helper = _get_helper()
        try:
            helper.conn.send((fn, args))
            while True:
                # Waiting here releases the GIL; wake up now and then to look at the caller.
                ready = _wait_ready([helper.conn, helper.process.sentinel], POLL_SECONDS)
                if helper.conn in ready:
                    # Unpickling a 10,000-unit layout makes ~100,000 objects; each batch of
                    # them triggers a collection that walks the whole heap with the GIL held
                    # (measured: a 160 ms stall of the GUI thread; 19 ms with the collector
                    # off).  The collector, back on, would walk them all in its next young
                    # collection (measured: 112 ms): they live as long as the layout and hold
                    # no cycles (refcounting frees them), so they go where it never looks.
                    with collector_paused(freeze=True):
                        status, payload = helper.conn.recv()
                    break
                if ready:  # the sentinel alone: the helper died
                    raise EOFError
                if check is not None and check():
                    log.debug("cancelled: killing Graphviz helper %s", helper.process.pid)
                    _drop_helper(helper)
                    raise DotCancelled()
        except (EOFError, OSError):
            # The helper died (killed, or Graphviz crashed on this graph): start a
            # fresh one next time, and report this run as failed.
            _drop_helper(helper)
            raise DotError("le processus Graphviz s'est arrêté pendant la mise en page") from None
    if status != "ok":
        raise payload
    return payload


def run_dot(graph: "pygraphviz.AGraph", gv_format: str, graph_attrs: dict[str, str] | None = None,
            is_cancelled: Callable[[], bool] | None = None, isolated: bool = False) -> bytes:
    """Lay out and render `graph` with dot as `gv_format` ("json", "svg", "pdf:cairo", …).

    The caller's graph is never laid out itself: dot runs on a copy parsed
    from its DOT text.  (pygraphviz 2.0 / Graphviz 14 crash with SIGSEGV in
    agwrite when a graph that was rendered is written out again, e.g. to
    send it to the helper process; a copy also keeps both paths identical.)
    graph_attrs are set on that copy only (dpi, background…).

    isolated: run it in the helper whatever its size, when there is one.
    Graphviz aborts the whole process on some graphs (seen: an assertion in
    its compound-edge clipping, `makeCompoundEdge: bez->eflag`, on a
    comparison exported on a slide); in the helper that is a DotError.

    A run in the helper stops when is_cancelled (or the enclosing
    `cancellation()`) says so, see run_in_helper.  A run in this process
    cannot be stopped, which is why only small graphs run here.
    """
    check = is_cancelled if is_cancelled is not None else getattr(_local, "check", None)
    if check is not None and check():
        raise DotCancelled()
    with _graphviz:
        source = graph.string()
        remote = wants_helper(graph, gv_format, isolated)
    return _draw(source, gv_format, graph_attrs, remote, check)


def draw_placed(source: str, gv_format: str) -> bytes:
    """Draw DOT text whose nodes and edges are placed already (Graphviz's "nop2" layout: neato -n2).

    The text goes to Graphviz as it stands (run_dot's round trip through a
    graph would reorder its edges), in the helper process when there is one,
    as run_dot sends an `isolated` run.
    """
    return _draw(source, gv_format, None, _enabled, None, "nop2")


def _draw(source: str, gv_format: str, graph_attrs: dict[str, str] | None, remote: bool,
          is_cancelled: Callable[[], bool] | None, prog: str = "dot") -> bytes:
    """Run `prog` on DOT text in the helper process (remote) or in this one."""
    if remote:
        return run_in_helper(_render_source, source, gv_format, graph_attrs, prog, is_cancelled=is_cancelled)
    return _render_source(source, gv_format, graph_attrs, prog)

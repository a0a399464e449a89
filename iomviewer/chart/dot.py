"""Run dot, in this process or in a helper process.

pygraphviz's C calls hold Python's global lock for as long as dot runs (a
ticker thread got 49 of ~1,735 ticks during a 1.7 s layout), so a worker
*thread* does not keep the window responsive for a big chart.  The desktop
app therefore turns on `use_helper_process()`: large graphs and cairo
renders (PDF, PNG) go to a single spawned helper process that receives the
graph as DOT text and returns Graphviz's output bytes; waiting on the pipe
releases the lock, so the GUI thread keeps painting.  Small layouts stay in
process: their ~50 ms cost less than a round trip, and the first paint
should not wait for a process to start.  The command line never needs it.
"""
from __future__ import annotations

import contextlib
import logging
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pygraphviz

log = logging.getLogger(__name__)

# Graphs with more nodes than this are laid out in the helper process.
IN_PROCESS_MAX_NODES = 400
# Cairo renders are slow for big charts whatever their size class.
_HEAVY_FORMATS = ("pdf:cairo", "png:cairo")

_lock = threading.Lock()
_executor: ProcessPoolExecutor | None = None
_enabled = False


class DotError(Exception):
    """dot failed or its helper process died; the message says which."""


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


def _render_source(source: str, gv_format: str, graph_attrs: dict[str, str] | None = None) -> bytes:
    """Parse DOT text and run dot on it (in this process or in the helper)."""
    import pygraphviz

    graph = pygraphviz.AGraph(string=source)
    if graph_attrs:
        graph.graph_attr.update(graph_attrs)
    return bytes(graph.draw(format=gv_format, prog="dot"))


def _get_executor() -> ProcessPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            # spawn, not fork: forking a process that runs Qt threads is unsafe.
            _executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        return _executor


def warm_up() -> None:
    """Start the helper process now (in the background) so the first big layout is not slowed."""
    if _enabled:
        _get_executor().submit(_render_source, "digraph{}", "json")


def shutdown() -> None:
    global _executor
    with _lock:
        executor, _executor = _executor, None
    if executor is not None:
        executor.shutdown(wait=False, cancel_futures=True)


def _wants_helper(graph: "pygraphviz.AGraph", gv_format: str) -> bool:
    return _enabled and (gv_format in _HEAVY_FORMATS or graph.number_of_nodes() > IN_PROCESS_MAX_NODES)


def run_dot(graph: "pygraphviz.AGraph", gv_format: str, graph_attrs: dict[str, str] | None = None) -> bytes:
    """Lay out and render `graph` with dot as `gv_format` ("json", "svg", "pdf:cairo", …).

    The caller's graph is never laid out itself: dot runs on a copy parsed
    from its DOT text.  (pygraphviz 2.0 / Graphviz 14 crash with SIGSEGV in
    agwrite when a graph that was rendered is written out again, e.g. to
    send it to the helper process; a copy also keeps both paths identical.)
    graph_attrs are set on that copy only (dpi, background…).
    """
    source = graph.string()
    if not _wants_helper(graph, gv_format):
        return _render_source(source, gv_format, graph_attrs)
    try:
        return _get_executor().submit(_render_source, source, gv_format, graph_attrs).result()
    except BrokenProcessPool:
        # The helper died (killed, or Graphviz crashed on this graph): start a
        # fresh one next time, and report this run as failed.
        shutdown()
        raise DotError("le processus Graphviz s'est arrêté pendant la mise en page") from None

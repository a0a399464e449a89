"""Keeping long-lived objects out of the cycle collector's way.

A full collection walks every tracked object; with 10,000 units' data,
search index and chart that is 60-250 ms during which the window is frozen.
What a big build leaves behind lives as long as the window, so once it is
built it is frozen (gc.freeze): never walked again, still freed by reference
counting when it goes.

One counted pause for the whole process, under a lock: the window's builds
(GUI thread) and the chart pipeline's unpickling (worker threads) pause it
together, and the collector comes back when the last of them ends.  No Qt.
"""
from __future__ import annotations

import contextlib
import gc
import threading
from typing import Iterator

_lock = threading.Lock()
_paused = 0  # pauses not yet resumed
_was_enabled = True
_freeze = False  # freeze what survived once the last pause ends


def settle_memory() -> None:
    """After a big build: collect young garbage once, then freeze what survived."""
    gc.collect(1)
    gc.freeze()


def pause_collector() -> None:
    """No cycle collection until the matching resume_collector (pauses nest and overlap)."""
    global _paused, _was_enabled
    with _lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1


def resume_collector(freeze: bool = True) -> None:
    """End one pause; the collector comes back when the last one ends.

    freeze: what the paused build made lives on (a scene, an index): freeze
    it (gc.freeze) when the collector comes back, so it is never walked again.
    """
    global _paused, _freeze
    with _lock:
        if _paused == 0:
            return
        _paused -= 1
        _freeze = _freeze or freeze
        if _paused == 0:
            if _freeze:
                gc.freeze()
            _freeze = False
            if _was_enabled:
                gc.enable()


class CollectorPause:
    """One pause of the collector, begun when made, ended by the first end() (later calls do nothing).

    For a pause whose end has more than one way to come: the window's start
    ends it once drawn, or the program on its way out if it never was; a
    scene build when it is shown, or when it is abandoned.
    """

    def __init__(self) -> None:
        self.ended = False
        pause_collector()

    def end(self, freeze: bool = True) -> None:
        if not self.ended:
            self.ended = True
            resume_collector(freeze)


@contextlib.contextmanager
def collector_paused(freeze: bool = True) -> Iterator[None]:
    """No cycle collection while a big build runs, in slices, across turns of the event loop.

    Building the search index of 10,000 units on the GUI thread triggered full
    collections of 60-125 ms there.  What the build makes is frozen once it is
    done (or dropped); blocks may nest or overlap with each other and with a
    chart build (an edition switch starts a new index and a new scene before
    the old ones are dropped): the collector comes back when the last one ends.
    freeze=False for what the block makes and drops (records being interpreted).
    """
    pause = CollectorPause()
    try:
        yield
    finally:
        pause.end(freeze)

"""Keeping long-lived objects out of the cycle collector's way.

A full collection walks every tracked object; with 10,000 units' data,
search index and chart that is 60-250 ms during which the window is frozen.
What a big build leaves behind lives as long as the window, so once it is
built it is frozen (gc.freeze): never walked again, still freed by reference
counting when it goes.
"""
from __future__ import annotations

import contextlib
import gc
from typing import Iterator

_paused = 0  # collector_paused() blocks open
_was_enabled = True


def settle_memory() -> None:
    """After a big build: collect young garbage once, then freeze what survived."""
    gc.collect(1)
    gc.freeze()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cycle collection while a big build runs, in slices, across turns of the event loop.

    Building the search index of 10,000 units on the GUI thread triggered full
    collections of 60-125 ms there.  What the build makes is frozen once it is
    done (or dropped); blocks may nest or overlap (an edition switch starts a
    new index before the old one is dropped): the collector comes back when
    the last one ends.
    """
    global _paused, _was_enabled
    if _paused == 0:
        _was_enabled = gc.isenabled()
        gc.disable()
    _paused += 1
    try:
        yield
    finally:
        _paused -= 1
        if _paused == 0:
            gc.freeze()
            if _was_enabled:
                gc.enable()

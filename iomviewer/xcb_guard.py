"""Keep one libxcb in the process: the system's, shared by Qt and Graphviz.

Why: the pygraphviz wheel vendors its own libxcb, libxcb-render, libxcb-shm
and libXau (renamed libxcb-5ddf6756.so… in pygraphviz.libs/) for cairo.
Graphviz loads its plugins through libltdl with RTLD_GLOBAL, so as soon as a
layout or render runs, the vendored xcb symbols enter the process's *global*
symbol scope.  ELF lookup searches the global scope before an object's own
dependencies, so any xcb function that Qt's xcb platform (or the system's
libxcb-* extension libraries) binds after that point resolves to the vendored
copy, while the connection object was made by the system libxcb.  Two libxcb
implementations then share one connection: a SIGSEGV in QXcbConnection
(initializeShm → xcb_wait_for_reply) when Graphviz ran before QApplication,
which is what a PyInstaller bundle hits at start-up.

Fix: before anything can load Graphviz, dlopen the system's libXau, libxcb,
libxcb-render and libxcb-shm with RTLD_GLOBAL.  They come first in the
global scope, so every xcb symbol — Qt's and cairo's alike — binds to them,
and the vendored copies, though loaded, are never called.  libxcb keeps its
ABI backwards compatible, which is what lets a distribution's cairo use it.
On systems without X libraries (or not Linux) there is nothing to protect and
this does nothing.
"""
from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger(__name__)

# Order matters: dependencies first.
SYSTEM_LIBRARIES = ("libXau.so.6", "libxcb.so.1", "libxcb-render.so.0", "libxcb-shm.so.0")

_loaded: list[str] | None = None


def preload_system_xcb() -> list[str]:
    """Load the system xcb libraries globally; return the names loaded (idempotent)."""
    global _loaded
    if _loaded is not None:
        return _loaded
    _loaded = []
    if not sys.platform.startswith("linux"):
        return _loaded
    if "pygraphviz" in sys.modules:
        log.debug("pygraphviz imported before the xcb guard; order still fine if no layout ran yet")
    for name in SYSTEM_LIBRARIES:
        try:
            ctypes.CDLL(name, mode=ctypes.RTLD_GLOBAL)
        except OSError:
            log.debug("%s not available; skipping the xcb guard", name)
            break
        _loaded.append(name)
    return _loaded

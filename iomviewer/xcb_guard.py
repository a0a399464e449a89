"""Keep one libxcb in the process: the system's, shared by Qt and Graphviz.

Why: the pygraphviz wheel vendors its own libxcb, libxcb-render, libxcb-shm
and libXau (renamed libxcb-5ddf6756.so… in pygraphviz.libs/), and its
extension module links Graphviz's plugins — cairo among them — directly.  So
`import pygraphviz` loads, in one dependency group, cairo with the vendored
libxcb *and* the system's libX11 with the system libxcb.so.1.  Inside a
group, symbols are looked up in load order, and the vendored copy comes
first: even the system libxcb.so.1's own internal calls (xcb_wait_for_reply…)
bind to the vendored one (LD_DEBUG=bindings shows it).  When Qt's xcb
platform then opens its connection with the system libxcb, two libxcb
implementations share one connection: SIGSEGV in QXcbConnection
(initializeShm → xcb_wait_for_reply).  It happens whenever pygraphviz is
imported before QApplication starts — as in a PyInstaller bundle with
pyinstaller-hooks-contrib's pyi_rth_pygraphviz, which imports it before any
of our code (iomviewer.spec drops that hook: see there).

Fix: before pygraphviz can be imported, dlopen the system's libXau, libxcb,
libxcb-render and libxcb-shm with RTLD_GLOBAL.  The global scope is searched
before any group's own, and these objects are then already loaded, so every
xcb symbol — Qt's, cairo's and libxcb's own — binds to the system copies; the
vendored ones, though loaded, are never called.  libxcb keeps its ABI
backwards compatible, which is what lets a distribution's cairo use it.
On systems without X libraries (or not Linux) there is nothing to protect and
this does nothing.

Who calls it: the bundle's runtime hook (scripts/pyinstaller/rth_xcb_guard.py),
ahead of everything, so the bundle does not depend on import order.  Called
once pygraphviz is in, it is too late (Xvfb: the crash still happens).  A
checkout or a wheel imports pygraphviz only after QApplication has opened
its X connection: the system libxcb is then in Qt's own group and nothing
rebinds it (Xvfb: layouts, cairo PDFs and painting go on), so the window's
start does not pay ctypes (2.5 ms) for it.
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
        log.warning("pygraphviz was imported before the xcb guard: too late to keep one libxcb")
    for name in SYSTEM_LIBRARIES:
        try:
            ctypes.CDLL(name, mode=ctypes.RTLD_GLOBAL)
        except OSError:
            log.debug("%s not available; skipping the xcb guard", name)
            break
        _loaded.append(name)
    return _loaded

"""Import PySide6 with its embedded support modules compiled once, not at every start.

shiboken6 carries a Python package of its own (shibokensupport: the
signature loader, parser and mapping, the .pyi generator… 14 modules, about
130 KB of source) inside its shared library.  At every `import PySide6` its
importer (signature_bootstrap.EmbeddableZipImporter) hands that source to the
builtin compile(): 20-25 ms of the window's start on the benchmarks' machine,
a tenth of it.  PySide's own remedy, SBK_EMBED=0, unpacks the files into
shiboken6's folder in site-packages, a write into the installation that an
app should not make (and that a read-only install or a bundle refuses).

import_pyside() imports PySide6 while compile() is answered from our cache
(core/cache.py) for those files alone.  An entry is keyed by the file's name,
the SHA-256 of its source and the future flags compile() would have inherited
from its caller, in a cache entry of this Python's exact version and
executable: another PySide6, another build, another Python compiles again.
Any other compile() during that import is passed on as it came; the builtin
is put back before import_pyside() returns.  A missing, corrupt or
unwritable cache means a plain compile, as without this module.
"""
from __future__ import annotations

import __future__
import builtins
import logging
import marshal
import sys
from types import CodeType

from iomviewer.core import cache

log = logging.getLogger(__name__)

CACHE_KIND = "pyside-code"
_MAX_CACHE_BYTES = 16 * 1024 * 1024

# compile() without dont_inherit takes on the future statements of the code
# calling it: shiboken's importer runs under `from __future__ import
# annotations`, and a module it compiles without that line gets it from there.
_FUTURE_FLAGS = 0
for _name in __future__.all_feature_names:
    _FUTURE_FLAGS |= getattr(__future__, _name).compiler_flag


def is_embedded_source(filename: object) -> bool:
    """True for the names shiboken's importer compiles its embedded files under."""
    return isinstance(filename, str) and (
        filename.startswith("shibokensupport/") or filename == "signature_bootstrap.py")


def _entry_name() -> str:
    # One entry per interpreter: a bundle and a checkout of different PySide6
    # versions would otherwise replace each other's entry at every start.
    return cache.key(CACHE_KIND, sys.version, sys.executable)


def _read_cache() -> dict:
    data = cache.get(CACHE_KIND, _entry_name(), max_bytes=_MAX_CACHE_BYTES)
    if not data:
        return {}
    try:
        found = marshal.loads(data)
    except Exception as exc:  # truncated or foreign bytes: compile as usual, and rewrite it
        log.debug("PySide code cache unreadable (%s): compiling", exc)
        return {}
    if not isinstance(found, dict):
        return {}
    return {k: v for k, v in found.items() if isinstance(v, CodeType)}


class CachedCompile:
    """Stands in for the builtin compile(): shiboken's embedded files come from `known`.

    Each such file's code (found in `known`, or compiled) goes into `used`,
    the next cache entry; `compiled` counts those not found.  Every other
    call goes to `original` as if made by the caller itself.
    """

    def __init__(self, known: dict, original=builtins.compile) -> None:
        self.known = known
        self.original = original
        self.used: dict = {}
        self.compiled = 0

    def __call__(self, source, filename, mode, flags=0, dont_inherit=False, optimize=-1, **kwargs):
        if not dont_inherit:  # what the caller's own future statements would have added
            flags |= sys._getframe(1).f_code.co_flags & _FUTURE_FLAGS
        if (mode != "exec" or not is_embedded_source(filename) or not isinstance(source, bytes)
                or flags & ~_FUTURE_FLAGS or optimize != -1 or kwargs):
            return self.original(source, filename, mode, flags, True, optimize, **kwargs)
        key = (filename, flags, cache.sha256(source).hexdigest())
        code = self.known.get(key)
        if code is None:
            code = self.original(source, filename, mode, flags, True)
            self.compiled += 1
        self.used[key] = code
        return code


def import_pyside() -> tuple[int, int]:
    """Import PySide6.QtCore, shiboken's embedded files compiled from the cache.

    Returns (files served from the cache, files compiled); (0, 0) when
    PySide6 was already imported, as nothing is compiled then.
    """
    if "shiboken6" in sys.modules:
        __import__("PySide6.QtCore")
        return 0, 0
    stand_in = CachedCompile(_read_cache())
    builtins.compile = stand_in
    try:
        __import__("PySide6.QtCore")
    finally:
        if builtins.compile is stand_in:
            builtins.compile = stand_in.original
    if stand_in.compiled:
        # Only this PySide6's files: entries of an older one go with the rewrite.
        cache.put(CACHE_KIND, _entry_name(), marshal.dumps(stand_in.used))
    return len(stand_in.used) - stand_in.compiled, stand_in.compiled

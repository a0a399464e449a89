"""A small on-disk cache of results derived from exact inputs.

Entries are keyed by a SHA-256 of everything the result depends on (file
bytes, schema, app version, the code's files_stamp…), so a changed input can
never hit a stale entry; a missing, unreadable or corrupt entry is just a
miss.  (The loader's "digest" entries are keyed by a file's identity on disk
instead, and hold that file's SHA-256: see core/loading._known_digest.)  Writes are
atomic.  The folder is the platform's user cache folder (XDG_CACHE_HOME on
Linux), or IOMVIEWER_CACHE_DIR; IOMVIEWER_CACHE_DIR=off disables the cache.
"""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Iterable

from iomviewer import __version__

# CPython's own SHA-256, the same digest as hashlib.sha256: importing hashlib
# loads and initialises OpenSSL first (libcrypto, 4-5 ms of every start, for
# the few cache keys hashed before the window is drawn).
try:
    from _sha2 import sha256  # Python 3.12+
except ImportError:
    try:
        from _sha256 import sha256  # Python 3.11
    except ImportError:  # a Python built without its own hashes
        from hashlib import sha256

log = logging.getLogger(__name__)


def cache_dir() -> Path | None:
    override = os.environ.get("IOMVIEWER_CACHE_DIR")
    if override:
        return None if override.lower() == "off" else Path(override)
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "iomviewer"


def key(*parts: bytes | str) -> str:
    """A hex key over the parts and the app's version."""
    digest = sha256(__version__.encode())
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def files_stamp(paths: Iterable[Path]) -> str:
    """Files as the file system describes them (name, size, modification time).

    A changed file (a checkout, an edit, an install) has another stamp, and
    nothing is read or hashed: the code a cache entry depends on is stamped at
    every start.  Missing files are left out.
    """
    parts = []
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            continue
        parts.append(f"{path.name}:{st.st_size}:{st.st_mtime_ns}")
    return ";".join(parts)


def _path(kind: str, entry: str) -> Path | None:
    folder = cache_dir()
    return folder / kind / entry if folder is not None else None


def get(kind: str, entry: str, max_bytes: int | None = None) -> bytes | None:
    """An entry's bytes; None when missing, unreadable, or larger than max_bytes."""
    path = _path(kind, entry)
    if path is None:
        return None
    try:
        with open(path, "rb") as f:
            if max_bytes is not None and os.fstat(f.fileno()).st_size > max_bytes:
                return None
            return f.read()
    except OSError:
        return None


def put(kind: str, entry: str, data: bytes = b"") -> None:
    """Store an entry; failures (read-only home, full disk) are logged, never raised."""
    path = _path(kind, entry)
    if path is None:
        return
    try:
        from iomviewer.core.files import atomic_write_bytes

        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, data)
    except OSError as exc:
        log.debug("cache write failed for %s: %s", path, exc)

"""Typed settings over QSettings, with defaults and tolerance for bad values.

The table of options is built by a function (not at import time, ReText-style
configOptions) and every read is checked against its type and allowed values:
a corrupt or outdated value falls back to the default instead of crashing.

Writing is checked too.  On a full disk QSettings (Qt 6.11) can leave the
settings file cut short and still report NoError; so sync() reads the file
back and, if it does not hold what was written, puts the last good copy back.
Qt's own background writes (an UpdateRequest event after each change) are
filtered out; a change schedules this checked sync instead.
"""
from __future__ import annotations

import logging
from typing import Any, Callable, NamedTuple

from pathlib import Path

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QObject, QSettings, QTimer

log = logging.getLogger(__name__)


# A named tuple, not a frozen dataclass: as immutable, and ~1 ms less to
# create at import.
class Option(NamedTuple):
    type: type
    default: Any
    check: Callable[[Any], bool] = lambda value: True


def options() -> dict[str, Option]:
    return {
        "window/geometry": Option(QByteArray, QByteArray()),
        "window/state": Option(QByteArray, QByteArray()),
        "window/splitter": Option(QByteArray, QByteArray()),
        "data/file": Option(str, ""),
        "data/edition": Option(str, ""),
        "data/selection": Option(str, ""),
        "chart/rankdir": Option(str, "TB", lambda v: v in ("TB", "LR")),
        "chart/compact": Option(bool, True),
        "chart/scope": Option(str, "all", lambda v: v in ("all", "branch")),
        "chart/depth": Option(int, 0, lambda v: 0 <= v <= 50),  # 0 = every level
        # Off by default: the dashed links cross the whole chart; the detail
        # pane always lists them.
        "chart/show_links": Option(bool, False),
        "chart/legend": Option(bool, True),
        "ui/lang": Option(str, "", lambda v: v in ("", "fr", "en")),
        "export/format": Option(str, "pdf", lambda v: v in ("svg", "pdf", "png")),
        "export/page": Option(str, "slide", lambda v: v in ("fit", "a4", "a3", "letter", "slide")),
        "export/landscape": Option(bool, True),
        "export/scope": Option(str, "all", lambda v: v in ("all", "branch", "view")),
        "export/legend": Option(bool, True),
        "export/dpi": Option(int, 150, lambda v: 36 <= v <= 1200),
        "export/folder": Option(str, ""),
        "export/orientation": Option(str, "auto", lambda v: v in ("auto", "portrait", "landscape")),
        "export/footer": Option(bool, True),
        "export/transparent": Option(bool, False),
        "export/depth": Option(int, 0, lambda v: 0 <= v <= 50),
        "export/pages_per_branch": Option(bool, False),
        "export/mandates": Option(bool, False),
        "export/screen_layout": Option(bool, False),
    }


def _convert(raw: Any, kind: type) -> Any:
    if kind is bool:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.lower() in ("true", "false", "1", "0"):
            return raw.lower() in ("true", "1")
        if isinstance(raw, int):
            return bool(raw)
        raise ValueError(raw)
    if kind is int:
        if isinstance(raw, bool):
            raise ValueError(raw)
        return int(raw)
    if kind is QByteArray:
        if isinstance(raw, (QByteArray, bytes)):
            return QByteArray(raw)
        raise ValueError(raw)
    if isinstance(raw, kind):
        return raw
    raise ValueError(raw)


class _NoUnverifiedWrites(QObject):
    """Swallow QSettings' UpdateRequest: its own sync, whose failures go unnoticed."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        return event.type() == QEvent.Type.UpdateRequest


class Settings:
    """Read and write the app's settings by key, typed and validated."""

    def __init__(self, store: QSettings | None = None) -> None:
        self._store = store if store is not None else QSettings()
        self._options = options()
        self._last_good = self._read_file()
        self._sync_pending = False
        self._filter = _NoUnverifiedWrites()
        self._store.installEventFilter(self._filter)

    def get(self, key: str) -> Any:
        option = self._options[key]
        raw = self._store.value(key)
        if raw is None:
            return option.default
        try:
            value = _convert(raw, option.type)
            if option.check(value):
                return value
        except (TypeError, ValueError, OverflowError):
            pass
        log.info("ignoring invalid setting %s=%r", key, raw)
        return option.default

    def set(self, key: str, value: Any) -> None:
        if key not in self._options:
            raise KeyError(key)
        self._store.setValue(key, value)
        if not self._sync_pending and QCoreApplication.instance() is not None:
            self._sync_pending = True
            QTimer.singleShot(0, self._deferred_sync)

    def _deferred_sync(self) -> None:
        if self._sync_pending:
            self.sync()

    def sync(self) -> None:
        """Write the settings; if the file did not get all of them, keep the previous file."""
        self._sync_pending = False
        self._store.sync()
        path = self._file()
        if path is None:
            return
        if self._store.status() == QSettings.Status.NoError and self._file_matches_store(path):
            self._last_good = self._read_file()
            return
        log.warning("settings could not be written to %s; keeping the previous file", path)
        if self._last_good is not None:
            _restore(path, self._last_good)

    # --- checking what reached the disk ---------------------------------------------------------
    def _file(self) -> Path | None:
        name = self._store.fileName()
        return Path(name) if name and self._store.format() != QSettings.Format.InvalidFormat else None

    def _read_file(self) -> bytes | None:
        path = self._file()
        try:
            return path.read_bytes() if path is not None else None
        except OSError:
            return None

    def _file_matches_store(self, path: Path) -> bool:
        """Read the file as a new QSettings would (through a copy: Qt caches open files by name)."""
        import tempfile

        try:
            data = path.read_bytes()
        except OSError:
            return False
        with tempfile.TemporaryDirectory(prefix="iomviewer-settings-") as folder:
            copy = Path(folder) / "check.ini"
            copy.write_bytes(data)
            written = QSettings(str(copy), QSettings.Format.IniFormat)
            keys = set(written.allKeys())
            if keys != set(self._store.allKeys()):
                return False
            return all(_same(written.value(k), self._store.value(k)) for k in keys)


def _norm(value: Any) -> Any:
    if isinstance(value, QByteArray):
        return bytes(value.data())
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_norm(v) for v in value]
    return value


def _same(on_disk: Any, in_memory: Any) -> bool:
    return _norm(on_disk) == _norm(in_memory)


def _restore(path: Path, good: bytes) -> None:
    from iomviewer.core.files import atomic_write_bytes

    try:
        atomic_write_bytes(path, good)
        return
    except OSError:
        pass
    try:
        # A full disk has no room for a second copy; the cut-short file has
        # at least the blocks of what it held, so rewrite it in place.
        with open(path, "r+b") as handle:
            handle.write(good)
            handle.truncate(len(good))
    except OSError as exc:
        log.warning("could not restore %s: %s", path, exc)

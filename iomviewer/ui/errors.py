"""Top-level error handling: an exception in a slot is logged and shown, never fatal.

PySide6 hands exceptions raised in slots and event handlers to sys.excepthook;
this hook writes the traceback to the log file, shows a short message and
lets the event loop go on.  Exceptions in plain Python threads come through
threading.excepthook and are treated the same way.  `--smoke-test` asks how
many were caught.
"""
from __future__ import annotations

import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QStandardPaths, Qt, QTimer
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox

log = logging.getLogger(__name__)

LOG_NAME = "iomviewer.log"
# A slot that fails on every paint would otherwise open a dialog per frame.
_MAX_DIALOGS = 3


def log_folder() -> Path:
    """The platform's folder for the app's logs.

    Qt has no LogLocation; GenericStateLocation (Qt 6.7+) is XDG_STATE_HOME on
    Linux, where the XDG spec puts logs.  Older Qt: the generic data folder.
    The app's name is added here rather than taken from QCoreApplication:
    logging starts before the application object is named.
    """
    where = getattr(QStandardPaths.StandardLocation, "GenericStateLocation", None)
    base = QStandardPaths.writableLocation(where) if where is not None else ""
    if not base:
        base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation)
    return Path(base or ".") / "iomviewer" / "logs"


class ErrorHandler:
    """Install as sys.excepthook (and threading.excepthook); counts what it caught."""

    def __init__(self, show_dialogs: bool = True) -> None:
        self.caught: list[str] = []
        self.show_dialogs = show_dialogs
        self._showing: QMessageBox | None = None
        self._shown = 0
        self._previous = sys.excepthook
        self._previous_thread_hook = threading.excepthook

    def install(self) -> "ErrorHandler":
        self._previous = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        sys.excepthook = self
        threading.excepthook = self._thread_hook
        return self

    def uninstall(self) -> None:
        if sys.excepthook is self:
            sys.excepthook = self._previous
        if getattr(threading.excepthook, "__self__", None) is self:
            threading.excepthook = self._previous_thread_hook

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        # Record from the thread; the dialog (if any) is opened on the GUI thread by a queued timer.
        self._record(args.exc_type, args.exc_value, args.exc_traceback, f" (fil {args.thread.name if args.thread else '?'})")

    def __call__(self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        self._record(kind, exc, tb)

    def _record(self, kind, exc, tb, where: str = "") -> None:
        try:
            text = "".join(traceback.format_exception(kind, exc, tb))
        except Exception:  # a broken __str__ must not break the handler
            text = f"{getattr(kind, '__name__', kind)} (traceback indisponible)\n"
        self.caught.append(text)
        try:
            log.error("unhandled exception%s:\n%s", where, text)
        except Exception:
            pass
        app = QApplication.instance()
        if self.show_dialogs and app is not None and self._showing is None and self._shown < _MAX_DIALOGS:
            # Shown from the event loop, not from inside the failing slot; a
            # zero timer with the app as context runs on the GUI thread.
            QTimer.singleShot(0, app, lambda: self._show(exc))

    def _show(self, exc: BaseException | None) -> QMessageBox | None:
        if self._showing is not None:
            return self._showing
        self._shown += 1
        from PySide6.QtWidgets import QMessageBox  # its class (and its enums) made on first use

        box = QMessageBox(QApplication.activeWindow())
        box.setTextFormat(Qt.TextFormat.PlainText)  # the message may quote data
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(QApplication.translate("ErrorHandler", "Erreur inattendue"))
        box.setText(QApplication.translate(
            "ErrorHandler", "Une erreur inattendue s'est produite ; l'application continue."))
        try:
            summary = f"{type(exc).__name__}: {exc}"[:500]
        except Exception:
            summary = type(exc).__name__
        log_file = log_folder() / LOG_NAME
        box.setInformativeText(summary + "\n\n" + QApplication.translate(
            "ErrorHandler", "Détails dans le journal : {0}").format(str(log_file)))
        box.setDetailedText(self.caught[-1] if self.caught else "")
        box.setObjectName("unexpected-error")
        box.finished.connect(self._closed)
        self._showing = box
        box.open()  # not exec(): no nested event loop inside an error path
        return box

    def _closed(self, _result: int = 0) -> None:
        box, self._showing = self._showing, None
        if box is not None:
            box.deleteLater()


class _LogFile(logging.Handler):
    """The rotating log file, opened at the first record.

    logging.handlers (with socket, selectors, queue…) costs a start some
    10 ms and a start logs nothing, so the RotatingFileHandler is made when
    there is something to write.  If it cannot be made then, records are
    dropped (the app must not stop for its log).
    """

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self._file: logging.Handler | None = None
        self._failed = False

    def emit(self, record: logging.LogRecord) -> None:
        if self._file is None:
            if self._failed:
                return
            from logging.handlers import RotatingFileHandler

            try:
                self._file = RotatingFileHandler(self.path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
            except OSError:
                self._failed = True
                return
            self._file.setFormatter(self.formatter)
        self._file.emit(record)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()


def setup_logging(verbose: bool = False) -> Path | None:
    """Log to a rotating file in the platform's log folder (and stderr when verbose); its path, or None."""
    folder = log_folder()
    path = folder / LOG_NAME
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8"):
            pass  # writable now: records will be kept
    except OSError:
        return None  # an unwritable log folder must not stop the app
    handler = _LogFile(path)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    # A full disk or a removed log folder: logging reports it on stderr and goes on.
    logging.raiseExceptions = False
    return path

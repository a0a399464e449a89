"""Top-level error handling: an exception in a slot is logged and shown, never fatal.

PySide6 hands exceptions raised in slots and event handlers to sys.excepthook;
this hook writes the traceback to the log file, shows a short message and
lets the event loop go on.  `--smoke-test` asks how many were caught.
"""
from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QStandardPaths, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

log = logging.getLogger(__name__)


def log_folder() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    return Path(base or ".") / "logs"


class ErrorHandler:
    """Install as sys.excepthook; counts what it caught."""

    def __init__(self, show_dialogs: bool = True) -> None:
        self.caught: list[str] = []
        self.show_dialogs = show_dialogs
        self._showing = False
        self._previous = sys.excepthook

    def install(self) -> "ErrorHandler":
        sys.excepthook = self
        return self

    def uninstall(self) -> None:
        if sys.excepthook is self:
            sys.excepthook = self._previous

    def __call__(self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        text = "".join(traceback.format_exception(kind, exc, tb))
        self.caught.append(text)
        log.error("unhandled exception:\n%s", text)
        if self.show_dialogs and not self._showing and QApplication.instance() is not None:
            # Show it from the event loop, not from inside the failing slot.
            QTimer.singleShot(0, lambda: self._show(exc))

    def _show(self, exc: BaseException) -> None:
        self._showing = True
        try:
            box = QMessageBox(QApplication.activeWindow())
            box.setIcon(QMessageBox.Icon.Warning)
            box.setWindowTitle(QApplication.translate("ErrorHandler", "Erreur inattendue"))
            box.setText(QApplication.translate(
                "ErrorHandler", "Une erreur inattendue s'est produite ; l'application continue."))
            box.setInformativeText(f"{type(exc).__name__}: {exc}"[:500])
            box.setDetailedText(self.caught[-1] if self.caught else "")
            log_file = log_folder() / "iomviewer.log"
            box.setInformativeText(box.informativeText() + "\n\n" + QApplication.translate(
                "ErrorHandler", "Détails dans le journal : {0}").format(str(log_file)))
            box.exec()
        finally:
            self._showing = False


def setup_logging(verbose: bool = False) -> Path | None:
    """Log to a rotating file in the platform's log folder (and stderr when verbose)."""
    from logging.handlers import RotatingFileHandler

    folder = log_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(folder / "iomviewer.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        return None  # an unwritable log folder must not stop the app
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    return folder / "iomviewer.log"

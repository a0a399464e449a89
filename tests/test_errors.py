"""Errors never kill the session: caught, logged with their traceback, shown briefly, and the app goes on."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMessageBox

from fixtures import mini_doc
from iomviewer.ui import errors

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def logged(tmp_path, monkeypatch):
    """Route the app's log file to tmp_path; remove the handler afterwards."""
    monkeypatch.setattr(errors, "log_folder", lambda: tmp_path / "logs")
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    path = errors.setup_logging()
    yield path
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def _error_box():
    boxes = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, QMessageBox) and w.isVisible() and w.objectName() == "unexpected-error"]
    return boxes[0] if boxes else None


@pytest.mark.qt_no_exception_capture
def test_exception_in_a_slot_is_logged_shown_and_the_window_goes_on(qtbot, logged, tmp_path):
    from iomviewer.core.loading import load_document
    from iomviewer.ui.main_window import MainWindow
    from iomviewer.ui.settings import Settings

    handler = errors.ErrorHandler().install()
    try:
        win = MainWindow(load_document(mini_doc()), Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)))
        qtbot.addWidget(win)
        win.show()
        qtbot.waitUntil(lambda: win.chart.unit_count() > 0, timeout=20000)
        broken = QAction("broken", win)

        def slot():
            raise RuntimeError("slot failed <b>on purpose</b>")

        broken.triggered.connect(slot)
        broken.trigger()  # PySide6 hands the exception to sys.excepthook, the slot returns
        assert len(handler.caught) == 1 and "RuntimeError: slot failed" in handler.caught[0]
        qtbot.waitUntil(lambda: _error_box() is not None, timeout=5000)
        box = _error_box()
        assert "slot failed <b>on purpose</b>" in box.informativeText()
        assert str(logged) in box.informativeText()
        assert "Traceback" in box.detailedText()
        # The session goes on while the message is up (it does not block the event loop).
        assert win.select_unit("div-a1") and win.selected_unit == "div-a1"
        broken.trigger()  # a second failure while the box is up: logged, no second box
        assert len(handler.caught) == 2
        qtbot.wait(50)
        assert len([w for w in QApplication.topLevelWidgets()
                    if isinstance(w, QMessageBox) and w.isVisible() and w.objectName() == "unexpected-error"]) == 1
        box.close()
        qtbot.waitUntil(lambda: _error_box() is None, timeout=5000)
        for h in logging.getLogger().handlers:
            h.flush()
        text = logged.read_text(encoding="utf-8")
        assert text.count("Traceback (most recent call last)") == 2 and "slot failed" in text
        win.layout_runner.wait(10000)
        win.task_runner.wait(10000)
    finally:
        handler.uninstall()
    assert sys.excepthook is not handler


@pytest.mark.qt_no_exception_capture
def test_exception_in_a_python_thread_is_caught_too(qtbot, logged):
    handler = errors.ErrorHandler(show_dialogs=False).install()
    try:
        thread = threading.Thread(target=lambda: 1 / 0, name="worker-test")
        thread.start()
        thread.join(5)
        assert len(handler.caught) == 1 and "ZeroDivisionError" in handler.caught[0]
    finally:
        handler.uninstall()
    assert threading.excepthook is not handler._thread_hook


def test_log_folder_is_the_platforms_state_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    folder = errors.log_folder()
    assert folder.parts[-1] == "logs"
    assert folder == tmp_path / "state" / "iomviewer" / "logs"


def test_a_broken_exception_does_not_break_the_handler(qtbot):
    class Nasty(Exception):
        def __str__(self):
            raise ValueError("no str")

    handler = errors.ErrorHandler(show_dialogs=False)
    handler(Nasty, Nasty(), None)
    assert len(handler.caught) == 1


_SMOKE_WITH_FAILURE = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from iomviewer.ui import main_window
    original = main_window.MainWindow._on_layout_ready
    def failing(self, layout):
        original(self, layout)
        raise RuntimeError("injected failure in a slot")
    main_window.MainWindow._on_layout_ready = failing
    from iomviewer.cli import main
    sys.exit(main(["--smoke-test"]))
""")


def test_smoke_test_fails_loudly_when_an_exception_was_caught(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_DATA_HOME=str(tmp_path / "data"), XDG_STATE_HOME=str(tmp_path / "state"),
               XDG_CACHE_HOME=str(tmp_path / "cache"))
    proc = subprocess.run([sys.executable, "-c", _SMOKE_WITH_FAILURE.format(root=str(ROOT))],
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 1, (proc.stdout, proc.stderr[-2000:])
    assert "smoke test failed" in proc.stderr and "exception(s) interceptée(s)" in proc.stderr
    assert "injected failure in a slot" in proc.stderr
    log = tmp_path / "state" / "iomviewer" / "logs" / "iomviewer.log"
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "injected failure in a slot" in text


def test_the_log_file_rotates_and_its_handler_module_loads_with_the_first_record(tmp_path):
    code = (
        "import logging, sys\n"
        "from pathlib import Path\n"
        "from iomviewer.ui import errors\n"
        f"errors.log_folder = lambda: Path({str(tmp_path)!r})\n"
        "path = errors.setup_logging()\n"
        "print('before', 'logging.handlers' in sys.modules)\n"
        "for i in range(3000):\n"
        "    logging.getLogger('iomviewer.test').warning('ligne %d %s', i, 'x' * 400)\n"
        "print('after', 'logging.handlers' in sys.modules)\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "before False" in proc.stdout and "after True" in proc.stdout
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept == ["iomviewer.log", "iomviewer.log.1"]  # 1.3 MB written, rotated at 1 MB
    assert "ligne 2999" in (tmp_path / "iomviewer.log").read_text(encoding="utf-8")
    assert (tmp_path / "iomviewer.log.1").stat().st_size <= 1_000_000

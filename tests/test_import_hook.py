"""The window's start: the import PySide6 replaced put back (ui/import_hook.py), what it makes and leaves for later."""
import builtins
import os
import subprocess
import sys
import textwrap

import pytest

from iomviewer.ui.import_hook import drop_feature_import_hook

pytestmark = pytest.mark.gui


def test_the_window_start_runs_imports_without_pysides_hook():
    # As `iomviewer` imports it: first thing, PySide6 not yet loaded.
    probe = ("import builtins\n"
             "from iomviewer.ui import app\n"
             "print(hasattr(builtins, '__feature_import__'), builtins.__import__ is builtins.__orig_import__)\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "True"]  # PySide6 installed its hook, and it was put back


def test_imports_and_qt_types_still_load_once_the_hook_is_dropped():
    from PySide6 import QtCore

    assert QtCore.qVersion()  # PySide6 loaded: its hook is installed if nothing else took its place
    before = builtins.__import__
    if before is not getattr(builtins, "__feature_import__", None):
        pytest.skip("PySide6's hook is not what is installed in this process")
    try:
        assert drop_feature_import_hook()
        assert builtins.__import__ is builtins.__orig_import__
        assert not drop_feature_import_hook()  # once is enough
        import colorsys  # a module nothing here has imported

        assert colorsys.rgb_to_hsv(1, 1, 1)[2] == 1
        from PySide6.QtWidgets import QWizard  # a Qt type made lazily, through the kept import

        assert QWizard.WizardButton.NextButton
    finally:
        builtins.__import__ = before


def test_an_import_someone_else_installed_is_left_alone(monkeypatch):
    original = builtins.__import__

    def tracing_import(*args, **kwargs):
        return original(*args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", tracing_import)
    assert not drop_feature_import_hook()
    assert builtins.__import__ is tracing_import


def _start(probe: str, home, times: int = 1) -> list[subprocess.CompletedProcess]:
    """Run a probe that starts the window, offscreen, its settings and caches in home (runs in turn)."""
    env = dict(os.environ, XDG_CONFIG_HOME=str(home), XDG_CACHE_HOME=str(home), HOME=str(home),
               QT_QPA_PLATFORM="offscreen")
    return [subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, env=env)
            for _ in range(times)]


def _at_ready(body: str, setup: str = "") -> str:
    """A probe that starts the window as `iomviewer --smoke-test` does and, at its ready line,
    runs body (`window`: the main window, `printed`: print), then exits at once."""
    return ("import builtins, gc, os, sys, time\n" + textwrap.dedent(setup) +
            "printed = builtins.print\n"
            "def stop(*a, **k):\n"
            "    if a and 'ready in' in str(a[0]):\n"
            "        from PySide6.QtWidgets import QApplication\n"
            "        window = [w for w in QApplication.topLevelWidgets() if hasattr(w, 'chart')][0]\n"
            + textwrap.indent(textwrap.dedent(body), " " * 8) +
            "        os._exit(0)\n"
            "    printed(*a, **k)\n"
            "builtins.print = stop\n"
            "from iomviewer.cli import main\n"
            "main(['--smoke-test'])\n")


def test_a_warm_start_makes_nothing_that_only_later_use_needs(tmp_path):
    # Each costs the start milliseconds and serves only a hover, a big chart, a long
    # layout, an export (QGradient and QImage: see ui/brushes.py), a notice
    # (style sheets: see ui/notice.py), a filter or compare mode.
    probe = _at_ready("""
        gui, core = vars(sys.modules['PySide6.QtGui']), vars(sys.modules['PySide6.QtCore'])
        printed('LOADED', ['html' in sys.modules, window.chart._overlay_widget is not None,
                           'QGradient' in gui, 'QImage' in gui,
                           any(w.styleSheet() for w in QApplication.allWidgets()),
                           'QSortFilterProxyModel' in core, window._compare_bar is not None], flush=True)
        """)
    runs = _start(probe, tmp_path, times=2)  # the first lays the chart out and fills the caches
    assert "LOADED [False, False, False, False, False, False, False]" in runs[1].stdout, runs[1].stdout + runs[1].stderr


def test_once_drawn_the_window_has_touched_no_widget_qt_made(tmp_path):
    # PySide, the first time Python touches a widget Qt made (a view's
    # viewport), makes every QWidget subclass it knows to find its type:
    # 20-30 ms of the GUI thread.  Mouse back/forward need none of that
    # (history_buttons.py): widgets the window never uses stay unmade.
    probe = _at_ready("""
        t = time.monotonic()
        while not window.after_paint_done and time.monotonic() - t < 20:
            QApplication.processEvents()
        widgets = vars(sys.modules['PySide6.QtWidgets'])
        printed('UNUSED', window.after_paint_done, [n for n in ('QCalendarWidget', 'QDial', 'QLCDNumber') if n in widgets],
                flush=True)
        """)
    runs = _start(probe, tmp_path, times=2)
    assert "UNUSED True []" in runs[1].stdout, runs[1].stdout + runs[1].stderr


def test_graphviz_comes_in_only_after_qapplication(tmp_path):
    # Imported before Qt opens its X connection, pygraphviz's own libxcb
    # crashes Qt on xcb (xcb_guard.py); after it, it is safe, and the window's
    # start has no guard to pay for.  A cold start lays its chart out: checked there.
    probe = ("import builtins, os, sys\n"
             "class Watch:\n"
             "    def find_spec(self, name, path=None, target=None):\n"
             "        if name == 'pygraphviz':\n"
             "            qt = sys.modules.get('PySide6.QtWidgets')\n"
             "            print('GRAPHVIZ_AFTER_QAPP', bool(qt and qt.QApplication.instance()), flush=True)\n"
             "        return None\n"
             "sys.meta_path.insert(0, Watch())\n"
             "from iomviewer.cli import main\n"
             "sys.exit(main(['--smoke-test']))\n")
    out = _start(probe, tmp_path)[0]
    assert out.returncode == 0, out.stderr
    assert "GRAPHVIZ_AFTER_QAPP True" in out.stdout and "GRAPHVIZ_AFTER_QAPP False" not in out.stdout, out.stdout


def test_the_start_runs_without_the_cycle_collector_until_the_window_is_drawn(tmp_path):
    # Its collections walked the start's objects as they piled up: ~20 ms of a
    # ~300 ms start.  Once the window is drawn, what the start made is frozen
    # and the collector is back, with the window still open.
    probe = _at_ready(setup="""
        collections = []  # made while the collector is off: only an explicit gc.collect() does that
        gc.callbacks.append(lambda phase, info: phase == 'start' and not gc.isenabled() and collections.append(info))
        """, body="""
        printed('AT_READY', gc.isenabled(), len(collections), flush=True)
        t = time.monotonic()
        while not gc.isenabled() and time.monotonic() - t < 20:
            QApplication.processEvents()
        printed('DRAWN', gc.isenabled(), gc.get_freeze_count() > 10_000, window.isVisible(), flush=True)
        """)
    cold, warm = _start(probe, tmp_path, times=2)
    # A cold start draws the window, then waits for its layout: the collector is back by then.
    assert "DRAWN True True True" in cold.stdout, cold.stdout + cold.stderr
    assert "AT_READY False 0" in warm.stdout, warm.stdout + warm.stderr
    assert "DRAWN True True True" in warm.stdout, warm.stdout + warm.stderr


def test_a_start_that_ends_early_gives_the_collector_back(tmp_path):
    probe = ("import gc\n"
             "from iomviewer.cli import main\n"
             "code = main(['--edition', 'no-such-edition', '--smoke-test'])\n"
             "print('ENDED', code, gc.isenabled())\n")
    run = _start(probe, tmp_path)[0]
    assert "ENDED 2 True" in run.stdout, run.stdout + run.stderr

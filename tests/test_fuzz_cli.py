"""Hostile files through the real command line and the real window.

The command line runs in a subprocess with a memory ceiling (RLIMIT_AS) and
a timeout: a hang or a blow-up fails the test instead of the machine.  Every
bad file must end as exactly one line on stderr, exit code 2, no traceback.
The window must show the problems in its dialog and keep the data it had.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures import mini_doc, variant
from iomviewer.core.loading import MAX_FILE_BYTES

ROOT = Path(__file__).resolve().parents[1]
MEMORY_LIMIT = 2 * 1024**3  # generous: catches a blow-up, not a regression of a few MB
TIMEOUT = 90


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_cli(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, IOMVIEWER_CACHE_DIR="off", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "iomviewer", *args], capture_output=True, text=True,
                          timeout=TIMEOUT, env=env, cwd=tmp_path, preexec_fn=_limit_memory)


def _text(doc) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _mandate_30mb(doc):
    doc["editions"][0]["units"][2]["mandate"] = ["m" * 30_000_000]


def _name_30mb(doc):
    doc["editions"][0]["units"][1]["name"] = "n" * 30_000_000


def _many_bad_units(doc):
    doc["editions"][0]["units"] += [{"id": 1}] * 300_000


def _cycle(doc):
    doc["editions"][0]["units"][2]["parent"] = "div-a1"


def _roots(doc):
    doc["editions"][0]["units"][6]["parent"] = None


def _dup(doc):
    doc["editions"][0]["units"][4]["id"] = "div-a1"


def _dangling(doc):
    doc["editions"][0]["units"][3]["parent"] = "ghost"


def _empty(doc):
    doc["editions"][0]["units"] = []


CASES = {
    "truncated": lambda: _text(mini_doc())[:777],
    "not-utf8": lambda: _text(mini_doc()).replace("Siège".encode(), "Si\xe8ge".encode("latin-1")),
    "utf16": lambda: json.dumps(mini_doc(), ensure_ascii=False).encode("utf-16"),
    "empty-file": lambda: b"",
    "wrong-type": lambda: b"[1, 2, 3]",
    "nesting-100000": lambda: b"[" * 100_000 + b"]" * 100_000,
    "nesting-in-a-unit": lambda: _text(mini_doc()).replace(b'"units": [', b'"units": [' + b"{\"a\":" * 5000 + b"1" + b"}" * 5000 + b",", 1),
    "string-30MB-name": lambda: _text(variant(_name_30mb)),
    "string-30MB-mandate": lambda: _text(variant(_mandate_30mb)),
    "300k-wrong-units": lambda: _text(variant(_many_bad_units)),
    "cycle": lambda: _text(variant(_cycle)),
    "several-roots": lambda: _text(variant(_roots)),
    "duplicate-id": lambda: _text(variant(_dup)),
    "dangling-parent": lambda: _text(variant(_dangling)),
    "empty-edition": lambda: _text(variant(_empty)),
    "lone-surrogate": lambda: _text(mini_doc()).replace("Siège".encode(), b"Si\\ud800ge"),
    "huge-integer": lambda: _text(mini_doc()).replace(b'"start": 2021', b'"start": ' + b"7" * 100_000, 1),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_cli_refuses_with_one_line_and_exit_2(tmp_path, case):
    path = tmp_path / "hostile.json"
    path.write_bytes(CASES[case]())
    proc = run_cli("list", "--data", str(path), tmp_path=tmp_path)
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and len(lines[0]) < 800, proc.stderr[:2000]
    assert lines[0].startswith("iomviewer : données invalides — ")


@pytest.mark.parametrize("kind", ["oversized", "folder", "fifo", "device", "missing"])
def test_cli_refuses_files_that_are_not_datasets(tmp_path, kind):
    path = tmp_path / "data.json"
    if kind == "oversized":
        with open(path, "wb") as handle:
            handle.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk used
    elif kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)  # reading it would block for ever
    elif kind == "device":
        path = Path("/dev/zero")  # reading it would never end
    proc = run_cli("show", "oim", "--data", str(path), tmp_path=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    (line,) = proc.stderr.splitlines()
    expected = {"oversized": "trop volumineux", "folder": "n'est pas un fichier", "fifo": "n'est pas un fichier",
                "device": "n'est pas un fichier", "missing": "introuvable"}[kind]
    assert expected in line, line


def test_validate_lists_each_problem_on_its_own_line(tmp_path):
    path = tmp_path / "bad.json"
    doc = variant(_cycle)
    doc["editions"][0]["units"][1]["name"] = "line\nbreak\u202e" + "x" * 600
    path.write_bytes(_text(doc))
    proc = run_cli("validate", str(path), tmp_path=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    lines = proc.stdout.splitlines()
    assert all(line.startswith(f"{path} : ") for line in lines), lines
    assert any("son propre ancêtre" in line for line in lines) or any("trop long" in line for line in lines)


def test_smoke_test_with_a_hostile_file_refuses_it_in_one_line(tmp_path):
    path = tmp_path / "hostile.json"
    path.write_bytes(b"[" * 100_000)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "c"),
               XDG_DATA_HOME=str(tmp_path / "d"), XDG_STATE_HOME=str(tmp_path / "s"), IOMVIEWER_CACHE_DIR="off",
               PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "iomviewer", "--smoke-test", "--data", str(path)],
                          capture_output=True, text=True, timeout=120, env=env, preexec_fn=_limit_memory)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    (line,) = [l for l in proc.stderr.splitlines() if l.startswith("iomviewer")]
    assert "refusé" in line and "profond" in line and "ligne 1" in line


# --- the window's dialog ------------------------------------------------------------------------------


@pytest.fixture
def window(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from iomviewer.core.loading import load_document
    from iomviewer.ui.main_window import MainWindow
    from iomviewer.ui.settings import Settings

    win = MainWindow(load_document(mini_doc()), Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.chart.unit_count() > 0, timeout=20000)
    yield win
    win.layout_runner.wait(10000)
    win.task_runner.wait(10000)


DIALOG_CASES = ["truncated", "not-utf8", "nesting-100000", "string-30MB-name", "300k-wrong-units", "cycle",
                "lone-surrogate", "empty-file"]


@pytest.mark.gui
def test_window_shows_each_refusal_in_its_dialog_and_keeps_its_data(qtbot, window, tmp_path):
    from PySide6.QtWidgets import QApplication, QMessageBox

    before = window.dataset
    for case in DIALOG_CASES:
        path = tmp_path / f"{case}.json"
        path.write_bytes(CASES[case]())
        window.open_file(str(path))

        def box():
            shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
            return shown[0] if shown else None

        qtbot.waitUntil(lambda: box() is not None, timeout=30000)
        dialog = box()
        assert dialog.objectName() == "dataset-problems", case
        assert str(path) in dialog.text(), case
        first = dialog.informativeText().splitlines()[0]
        assert first.startswith("• ") and ("$" in first or "ligne" in first or "octet" in first), (case, first)
        assert len(dialog.informativeText()) < 20_000
        assert "Traceback" not in dialog.detailedText()
        dialog.close()
        qtbot.waitUntil(lambda: box() is None, timeout=5000)
        assert window.dataset is before, case
    assert window.chart.unit_count() > 0

"""Small datasets for tests, built as plain dicts so each test can break one."""
from __future__ import annotations

import contextlib
import copy
import json
from pathlib import Path
from typing import Any


def _unit(uid: str, name: str, kind: str, parent: str | None, mandate: list[str] | None = None, **extra: Any) -> dict:
    d = {"id": uid, "name": name, "kind": kind, "parent": parent, "mandate": mandate or [],
         "source": {"file": "test.txt", "lines": [1]}}
    d.update(extra)
    return d


def mini_doc() -> dict:
    """Two editions; the second revises the first (based_on)."""
    units_a = [
        _unit("oim", "Organisation internationale pour les migrations", "organisation", None,
              ["L’Organisation fait partie du système des Nations Unies."], acronym="OIM"),
        _unit("siege", "Siège", "headquarters", "oim", ["Le Siège formule la politique."]),
        _unit("dept-a", "Département des relations extérieures", "department", "siege",
              ["Le Département appuie et coordonne les relations de l’Organisation."],
              aliases=[{"text": "Relations extérieures", "source": {"file": "test.txt", "lines": [2]}}]),
        _unit("div-a1", "Division des partenariats internationaux", "division", "dept-a",
              ["La Division instaure et suit les partenariats."]),
        _unit("div-a2", "Division Migration et santé", "division", "dept-a",
              ["La Division supervise les services de santé."]),
        _unit("unit-a21", "Unité Migration et vaccination", "unit", "div-a2", [],
              mention="l’Unité Migration et vaccination"),
        _unit("dept-b", "Département de la gestion financière et administrative", "department", "siege",
              ["Le Département formule les politiques financières."],
              links=[{"type": "supports", "target": "dept-a", "evidence": "aide le département"}]),
    ]
    units_b = [
        _unit("cab", "Bureau du chef de cabinet", "office", "siege", ["Le chef de cabinet supervise."]),
        _unit("dept-a", "Département des relations extérieures", "department", "cab",
              ["Le Département appuie et coordonne les relations de l’Organisation avec ses États Membres."]),
    ]
    return {
        "format": "iomviewer-dataset",
        "format_version": 1,
        "organisation": {"name": "Organisation internationale pour les migrations", "acronym": "OIM"},
        "sources": [{"file": "test.txt", "title": "Test"}],
        "facts": [{"key": "member_states", "value": "175", "label": "États membres",
                   "source": {"file": "test.txt", "lines": [1]}, "edition": "ed-2021"}],
        "default_edition": "ed-2022",
        "editions": [
            {"id": "ed-2021", "label": "Structure 2021", "period": {"label": "2021", "start": 2021, "end": 2021},
             "coverage": "full", "units": units_a},
            {"id": "ed-2022", "label": "Révision 2022", "period": {"label": "2022", "start": 2022, "end": 2022},
             "coverage": "full", "based_on": "ed-2021", "removed": ["unit-a21"], "units": units_b},
        ],
        "history": [],
    }


def write_doc(tmp_path: Path, doc: dict, name: str = "data.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def variant(mutate) -> dict:
    doc = copy.deepcopy(mini_doc())
    mutate(doc)
    return doc


def temp_settings(folder: Path, name: str = "settings.ini"):
    """Settings in an INI file of the test's own (never the user's)."""
    from PySide6.QtCore import QSettings

    from iomviewer.ui.settings import Settings

    return Settings(QSettings(str(folder / name), QSettings.Format.IniFormat))


@contextlib.contextmanager
def shown_window(qtbot, dataset, settings):
    """The main window on a dataset, shown with its first chart drawn; its workers waited for after."""
    from iomviewer.ui.main_window import MainWindow

    win = MainWindow(dataset, settings)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    qtbot.waitUntil(lambda: win.chart.unit_count() > 0 and win.after_paint_done, timeout=20000)
    try:
        yield win
    finally:
        win.layout_runner.wait(10000)
        win.task_runner.wait(10000)

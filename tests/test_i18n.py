"""The English interface: a complete .ts, a .qm built from it, and strings the app really finds.

The source language is French (tr() strings in iomviewer/ui/*.py); resources/i18n/iomviewer_en.ts
holds English and is compiled into the shipped iomviewer_en.qm.  Refresh both with
scripts/update_translations.py (lupdate, then --release).
"""
from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QMainWindow

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "resources" / "i18n"
TS = I18N / "iomviewer_en.ts"
QM = I18N / "iomviewer_en.qm"
UI = ROOT / "iomviewer" / "ui"

PLACEHOLDER = re.compile(r"\{\d+\}")
ACCELERATOR = re.compile(r"&([^&\s])")


def _tool(name: str) -> str | None:
    """pyside6-<name> on PATH, else next to the running Python (a venv not on PATH)."""
    found = shutil.which(f"pyside6-{name}")
    if found:
        return found
    for candidate in (Path(sys.executable).with_name(f"pyside6-{name}"),
                      Path(sys.executable).with_name(f"pyside6-{name}.exe")):
        if candidate.exists():
            return str(candidate)
    return None


def _require(name: str) -> str:
    tool = _tool(name)
    if tool is None:
        pytest.skip(f"pyside6-{name} not found (on PATH or next to {sys.executable})")
    return tool


def read_ts(path: Path) -> list[dict]:
    """One dict per message: context, source, translation (None if absent), type."""
    messages = []
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            messages.append({
                "context": name,
                "source": message.findtext("source") or "",
                "translation": None if translation is None else (translation.text or ""),
                "type": None if translation is None else translation.get("type"),
            })
    return messages


def english_for_source() -> dict[str, str]:
    """French source -> English, whatever the context (the .ts gives one English per source)."""
    return {m["source"]: m["translation"] for m in read_ts(TS)}


def ui_sources() -> list[str]:
    """The files scripts/update_translations.py gives lupdate."""
    return sorted(str(p.relative_to(ROOT)) for p in UI.glob("*.py"))


@pytest.fixture
def english(qapp):
    """The shipped .qm installed on the application, removed afterwards (other tests stay French)."""
    translator = QTranslator()
    assert translator.load(str(QM)), f"cannot load {QM}"
    QCoreApplication.installTranslator(translator)
    yield translator
    QCoreApplication.removeTranslator(translator)


# --- the .ts ------------------------------------------------------------------------------------

def test_ts_exists_and_is_english_from_french():
    root = ET.parse(TS).getroot()
    assert root.get("language") == "en"
    assert root.get("sourcelanguage") == "fr_FR"
    assert len(read_ts(TS)) > 100


def test_every_message_is_translated():
    unfinished = [(m["context"], m["source"]) for m in read_ts(TS)
                  if m["type"] is not None or not (m["translation"] or "").strip()]
    assert not unfinished, f"{len(unfinished)} message(s) unfinished, obsolete or empty: {unfinished[:10]}"


def test_placeholders_are_kept():
    wrong = [(m["source"], m["translation"]) for m in read_ts(TS)
             if sorted(PLACEHOLDER.findall(m["source"])) != sorted(PLACEHOLDER.findall(m["translation"] or ""))]
    assert not wrong, f"placeholders differ between source and translation: {wrong}"


def test_accelerators_ellipses_and_edge_spaces_are_kept():
    problems = []
    for m in read_ts(TS):
        src, en = m["source"], m["translation"] or ""
        if len(ACCELERATOR.findall(src)) != len(ACCELERATOR.findall(en)):
            problems.append(("accelerator", src, en))
        if src.endswith("…") != en.endswith("…"):
            problems.append(("ellipsis", src, en))
        if (src[:1] == " ") != (en[:1] == " ") or (src[-1:] == " ") != (en[-1:] == " "):
            problems.append(("space", src, en))
    assert not problems, problems


def test_menu_accelerators_are_unique_in_english(qapp):
    """Every menu of the real menu bar, in English, reaches each entry with its own key."""
    from iomviewer.ui.actions import Actions

    window = QMainWindow()
    try:
        actions = Actions(window)
        actions.build_menus(window.menuBar())
        english = english_for_source()
        menus = [("menu bar", window.menuBar().actions())]
        for top in window.menuBar().actions():
            menus.append((top.text(), top.menu().actions()))
            menus += [(sub.text(), sub.menu().actions()) for sub in top.menu().actions() if sub.menu()]
        clashes, untranslated = [], []
        for title, entries in menus:
            keys: dict[str, str] = {}
            for action in entries:
                if action.isSeparator() or action.text() in ("Français", "English"):
                    continue
                text = english.get(action.text())
                if text is None:
                    untranslated.append(action.text())
                    continue
                found = ACCELERATOR.findall(text)
                if not found:
                    clashes.append((title, text, "no accelerator"))
                    continue
                key = found[0].lower()
                if key in keys:
                    clashes.append((title, text, keys[key]))
                keys[key] = text
        assert not untranslated, f"menu entries missing from the .ts: {untranslated}"
        assert not clashes, clashes
    finally:
        window.deleteLater()


def test_organisation_terms():
    english = english_for_source()
    assert english["&Fichier"] == "&File"
    assert english["&Édition"] == "&Edit"
    assert english["&Aller"] == "&Go"
    assert english["&Affichage"] == "&View"
    assert english["Aid&e"] == "&Help"
    assert english["Édition"] == "Edition"
    assert english["Mandat"] == "Mandate"
    assert english["Organigramme"] == "Org chart"


# --- the .qm ------------------------------------------------------------------------------------

def test_qm_is_up_to_date(tmp_path):
    """The committed .qm is exactly what lrelease makes of the committed .ts."""
    lrelease = _require("lrelease")
    fresh = tmp_path / QM.name
    subprocess.run([lrelease, "-silent", str(TS), "-qm", str(fresh)], check=True, capture_output=True)
    assert QM.exists(), f"{QM} is missing: run scripts/update_translations.py --release"
    assert fresh.read_bytes() == QM.read_bytes(), (
        f"{QM.name} is stale: run scripts/update_translations.py --release")


def test_translator_gives_english(english):
    """Through QCoreApplication.translate, with each string in the context the .ts files it under."""
    context_of = {m["source"]: m["context"] for m in read_ts(TS)}
    expected = {
        "&Fichier": "&File",
        "&Affichage": "&View",
        "Aid&e": "&Help",
        "&Quitter": "&Quit",
        "Zoom &avant": "Zoom &In",
        "&Ouvrir un jeu de données…": "&Open Dataset…",
    }
    for source, text in expected.items():
        assert QCoreApplication.translate(context_of[source], source) == text, source
    assert QCoreApplication.translate("MainWindow", "Barre d'outils") == "Toolbar"
    assert QCoreApplication.translate("SearchBox", "Aucun résultat") == "No results"
    assert QCoreApplication.translate("chart", "ajoutée") == "added"
    assert QCoreApplication.translate("App", "Langue de l'interface") == "Interface Language"
    assert QCoreApplication.translate("UnitPage", "Unités rattachées ({0})").format(3) == "Subordinate units (3)"
    # A string the .qm does not know stays French.
    assert QCoreApplication.translate("MainWindow", "Chaîne inconnue") == "Chaîne inconnue"


def test_real_menus_are_english(english):
    from iomviewer.ui.actions import Actions

    window = QMainWindow()
    try:
        actions = Actions(window)
        actions.build_menus(window.menuBar())
        titles = [a.text() for a in window.menuBar().actions()]
        assert titles == ["&File", "&Edit", "&Go", "&View", "&Help"]
        assert actions.open.text() == "&Open Dataset…"
    finally:
        window.deleteLater()


# --- the .ts against the code -------------------------------------------------------------------

def test_every_extracted_string_is_in_the_ts(tmp_path):
    """What lupdate finds in iomviewer/ui/*.py today is all in the committed .ts, in the same context."""
    lupdate = _require("lupdate")
    fresh = tmp_path / "fresh.ts"
    subprocess.run([lupdate, *ui_sources(), "-source-language", "fr_FR", "-target-language", "en",
                    "-no-obsolete", "-locations", "none", "-ts", str(fresh)],
                   cwd=ROOT, check=True, capture_output=True)
    extracted = {(m["context"], m["source"]) for m in read_ts(fresh)}
    committed = {(m["context"], m["source"]) for m in read_ts(TS)}
    assert extracted, "lupdate found no strings"
    missing = sorted(extracted - committed)
    assert not missing, (f"{len(missing)} string(s) not in {TS.name} (run scripts/update_translations.py, "
                         f"translate, then --release): {missing}")


def _translation_calls(path: Path) -> list[tuple[str, str, int]]:
    """(run-time context, source, line) of every translation call with literal text in one file.

    self.tr / tr inside a class -> the class name; X.translate("Ctx", "text") -> Ctx; a module
    helper whose body returns X.translate("Ctx", text) (e.g. dialogs._tr) -> Ctx.
    Unlike lupdate, this also sees calls inside f-strings.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    helpers = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and len(node.args.args) == 1:
            for sub in ast.walk(node):
                if (isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr == "translate"
                        and len(sub.args) == 2 and isinstance(sub.args[0], ast.Constant)
                        and isinstance(sub.args[1], ast.Name) and sub.args[1].id == node.args.args[0].arg):
                    helpers[node.name] = sub.args[0].value
    found = []

    def visit(node: ast.AST, cls: str | None) -> None:
        if isinstance(node, ast.ClassDef):
            cls = node.name
        if isinstance(node, ast.Call):
            func, args = node.func, node.args
            literal = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in args]
            if isinstance(func, ast.Attribute) and func.attr == "translate" and len(args) >= 2 and None not in literal[:2]:
                found.append((literal[0], literal[1], node.lineno))
            elif literal and literal[0] is not None:
                is_tr = ((isinstance(func, ast.Attribute) and func.attr == "tr" and isinstance(func.value, ast.Name)
                          and func.value.id == "self") or (isinstance(func, ast.Name) and func.id == "tr"))
                if is_tr and cls:
                    found.append((cls, literal[0], node.lineno))
                elif isinstance(func, ast.Name) and func.id in helpers:
                    found.append((helpers[func.id], literal[0], node.lineno))
        for child in ast.iter_child_nodes(node):
            visit(child, cls)

    visit(tree, None)
    return found


def test_every_string_the_code_asks_for_is_translated():
    """Every translation call in iomviewer/ui/*.py, in the context used at run time, has an English text."""
    translated = {(m["context"], m["source"]) for m in read_ts(TS) if m["type"] is None and m["translation"]}
    missing = [f"{path.relative_to(ROOT)}:{line} [{context}] {source!r}"
               for path in sorted(UI.glob("*.py"))
               for context, source, line in _translation_calls(path)
               if (context, source) not in translated]
    assert not missing, f"{len(missing)} string(s) shown in French:\n" + "\n".join(missing)

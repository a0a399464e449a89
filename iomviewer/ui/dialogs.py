"""Small dialogs: the problems of a dataset that cannot be opened, and À propos."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from iomviewer.core.model import Dataset
from iomviewer.core.text import escape_markup as esc

_MAX_LISTED = 20


def problem_lines(exc: BaseException) -> list[str]:
    problems = getattr(exc, "problems", None)
    if problems:
        return [str(p) for p in problems]
    return [f"{type(exc).__name__}: {exc}"]


def show_dataset_problems(parent: QWidget | None, exc: BaseException, path: str | None = None) -> QMessageBox:
    """Tell the user why a file cannot be opened; the current data stays loaded."""
    lines = problem_lines(exc)
    path = path or getattr(exc, "path", None) or ""
    box = QMessageBox(parent)
    # The file's name and its problems quote the file: plain text, or "<img…>"
    # in a key would be drawn as markup (QMessageBox guesses rich text).
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(QApplication.translate("Dialogs", "Jeu de données invalide"))
    box.setText(QApplication.translate("Dialogs", "Le fichier {0} ne peut pas être ouvert : {1} problème(s). "
                    "Les données actuelles restent chargées.").format(path, len(lines)))
    shown = "\n".join(f"• {line}" for line in lines[:_MAX_LISTED])
    if len(lines) > _MAX_LISTED:
        shown += "\n" + QApplication.translate("Dialogs", "… et {0} autre(s)").format(len(lines) - _MAX_LISTED)
    box.setInformativeText(shown)
    box.setDetailedText("\n".join(lines))
    box.setObjectName("dataset-problems")
    box.open()  # not exec(): the event loop (and tests) go on
    return box


def about_text(dataset: Dataset, version: str) -> str:
    editions = "".join(
        f"<li><b>{esc(e.label)}</b> — {esc(e.period.label)}, {len(e)} "
        + esc(QApplication.translate("Dialogs", "unités")) + (" — " + esc(QApplication.translate("Dialogs", "partielle")) if e.is_partial else "") + "</li>"
        for e in dataset.editions
    )
    sources = "".join(f"<li>{esc(s.file)} — {esc(s.title)}</li>" for s in dataset.sources)
    return (
        f"<h3>iomviewer {esc(version)}</h3>"
        + "<p>" + esc(QApplication.translate("Dialogs", "Explorer l'organisation de l'OIM : arbre, organigramme Graphviz, mandats, "
                          "recherche, comparaison et export.")) + "</p>"
        + "<p><b>" + esc(QApplication.translate("Dialogs", "Éditions des données")) + f"</b></p><ul>{editions}</ul>"
        + "<p><b>" + esc(QApplication.translate("Dialogs", "Sources")) + f"</b></p><ul>{sources}</ul>"
        + "<p>" + esc(QApplication.translate("Dialogs", "Les textes sont repris mot pour mot des pages sources, en français.")) + "</p>"
    )

"""Interface language: which one is active, and labels that come from the core.

Qt's translators (installed by ui/app.py) handle every string written with
tr(); the kind and link labels live in core/model.py as plain tables, so the
views ask here for the one in the active language.
"""
from __future__ import annotations

from iomviewer.core.model import KIND_LABELS_EN, KIND_LABELS_FR, LINK_LABELS_EN, LINK_LABELS_FR

_lang = "fr"


def set_language(lang: str) -> None:
    global _lang
    _lang = "en" if lang == "en" else "fr"


def current_language() -> str:
    return _lang


def kind_label(kind: str) -> str:
    table = KIND_LABELS_EN if _lang == "en" else KIND_LABELS_FR
    return table.get(kind, kind)


def link_label(link_type: str) -> str:
    table = LINK_LABELS_EN if _lang == "en" else LINK_LABELS_FR
    return table.get(link_type, link_type)

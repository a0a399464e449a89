"""The one place that finds data/ and resources/.

Three layouts are supported: a source checkout (data/ beside the package), an
installed wheel (the packages iomviewer.data and iomviewer.resources_dir, see
pyproject.toml), and a PyInstaller bundle (sys._MEIPASS/data, /resources).
"""
from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def _locate(top_name: str, package_name: str) -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    candidates = []
    if frozen_root:
        candidates.append(Path(frozen_root) / top_name)
    candidates.append(_PACKAGE_DIR / package_name)  # installed wheel
    candidates.append(_PACKAGE_DIR.parent / top_name)  # source checkout
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cannot find the {top_name}/ folder (looked in: {', '.join(map(str, candidates))})")


def data_dir() -> Path:
    return _locate("data", "data")


def resources_dir() -> Path:
    return _locate("resources", "resources_dir")


def bundled_dataset_path() -> Path:
    return data_dir() / "iom.json"


def schema_path() -> Path:
    return data_dir() / "schema.json"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)

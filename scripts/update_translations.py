"""Refresh the interface translations with Qt's tools.

    python scripts/update_translations.py           # lupdate: collect tr() strings into resources/i18n/*.ts
    python scripts/update_translations.py --release # lrelease: compile the .ts into the shipped .qm
    python scripts/update_translations.py --fill strings.tsv  # context<TAB>French<TAB>English, \\n for newlines

The source language is French; resources/i18n/iomviewer_en.ts holds English.
Edit it with pyside6-linguist (or by hand), then run --release.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "resources" / "i18n"
LANGUAGES = ("en",)


def _tool(name: str) -> str:
    found = shutil.which(f"pyside6-{name}") or shutil.which(name)
    if not found:
        sys.exit(f"{name} not found: install PySide6 (pyside6-{name})")
    return found


def sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "iomviewer" / "ui").glob("*.py"))


def update() -> None:
    for lang in LANGUAGES:
        ts = I18N / f"iomviewer_{lang}.ts"
        subprocess.run([_tool("lupdate"), *sources(), "-source-language", "fr_FR", "-target-language", lang,
                        "-no-obsolete", "-locations", "none", "-ts", str(ts.relative_to(ROOT))], cwd=ROOT, check=True)


def release(out_dir: Path = I18N) -> list[Path]:
    written = []
    for lang in LANGUAGES:
        ts = I18N / f"iomviewer_{lang}.ts"
        qm = out_dir / f"iomviewer_{lang}.qm"
        subprocess.run([_tool("lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)
        written.append(qm)
    return written


def fill(tsv: Path, lang: str = "en") -> int:
    """Fill unfinished messages from a TSV file; returns how many were filled.

    Handy when several people add strings at once: each writes the English of
    their own strings, one person merges them into the one .ts file.
    """
    import xml.etree.ElementTree as ET

    wanted = {}
    for line in tsv.read_text(encoding="utf-8").splitlines():
        if line.strip():
            context, source, english = (part.replace("\\n", "\n") for part in line.split("\t"))
            wanted[(context, source)] = english
    ts = I18N / f"iomviewer_{lang}.ts"
    tree = ET.parse(ts)
    filled = 0
    for context in tree.getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            key = (name, message.findtext("source"))
            if key in wanted and translation is not None and translation.get("type") == "unfinished":
                translation.text = wanted[key]
                del translation.attrib["type"]
                filled += 1
    body = ET.tostring(tree.getroot(), encoding="unicode")
    ts.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")
    update()  # lupdate writes the file back in its own layout
    return filled


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", action="store_true", help="compile .ts into .qm")
    parser.add_argument("--fill", type=Path, metavar="TSV", help="translations as context<TAB>French<TAB>English")
    args = parser.parse_args()
    I18N.mkdir(parents=True, exist_ok=True)
    if args.fill:
        print(f"filled {fill(args.fill)} message(s)")
    elif args.release:
        for qm in release():
            print(f"wrote {qm}")
    else:
        update()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Install iomviewer's menu entry and icon for the current user (freedesktop).

    python scripts/install_desktop_entry.py                 # Exec=dist/iomviewer/iomviewer if built, else `iomviewer`
    python scripts/install_desktop_entry.py --exec /opt/iomviewer/iomviewer
    python scripts/install_desktop_entry.py --uninstall

Writes ~/.local/share/applications/iomviewer.desktop and the icons under
~/.local/share/icons/hicolor/, then refreshes the desktop database when the
tools for it are installed.  Honours XDG_DATA_HOME.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "resources"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def default_exec() -> str:
    bundle = ROOT / "dist" / "iomviewer" / "iomviewer"
    if bundle.is_file() and os.access(bundle, os.X_OK):
        return str(bundle)
    found = shutil.which("iomviewer")
    return found or "iomviewer"


def desktop_quote(arg: str) -> str:
    """Quote an Exec argument as the Desktop Entry spec asks (double quotes, \\-escapes)."""
    if arg and not any(c in arg for c in ' \t\n"\'\\><~|&;$*?#()`'):
        return arg
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
    return f'"{escaped}"'


def entry_text(exec_path: str) -> str:
    text = (RESOURCES / "iomviewer.desktop").read_text(encoding="utf-8")
    quoted = desktop_quote(exec_path)
    lines = []
    for line in text.splitlines():
        if line.startswith("Exec="):
            line = f"Exec={quoted}"
        elif line.startswith("TryExec="):
            line = f"TryExec={exec_path}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def install(exec_path: str) -> list[Path]:
    written = []
    apps = data_home() / "applications"
    apps.mkdir(parents=True, exist_ok=True)
    desktop = apps / "iomviewer.desktop"
    desktop.write_text(entry_text(exec_path), encoding="utf-8")
    written.append(desktop)
    icons = data_home() / "icons" / "hicolor"
    for size in SIZES:
        target = icons / f"{size}x{size}" / "apps" / "iomviewer.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(RESOURCES / "icons" / f"iomviewer-{size}.png", target)
        written.append(target)
    svg = icons / "scalable" / "apps" / "iomviewer.svg"
    svg.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(RESOURCES / "icons" / "iomviewer.svg", svg)
    written.append(svg)
    _refresh(apps, icons)
    return written


def uninstall() -> list[Path]:
    removed = []
    candidates = [data_home() / "applications" / "iomviewer.desktop"]
    icons = data_home() / "icons" / "hicolor"
    candidates += [icons / f"{s}x{s}" / "apps" / "iomviewer.png" for s in SIZES]
    candidates.append(icons / "scalable" / "apps" / "iomviewer.svg")
    for path in candidates:
        if path.exists():
            path.unlink()
            removed.append(path)
    return removed


def _refresh(apps: Path, icons: Path) -> None:
    # Optional helpers: menus pick the entry up without them, only later.
    for cmd in (["update-desktop-database", str(apps)], ["gtk-update-icon-cache", "-q", "-t", str(icons)]):
        if shutil.which(cmd[0]):
            subprocess.run(cmd, check=False, capture_output=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exec", dest="exec_path", help="the program the menu entry starts")
    parser.add_argument("--uninstall", action="store_true")
    args = parser.parse_args(argv)
    if args.uninstall:
        for path in uninstall():
            print(f"removed {path}")
        return 0
    exec_path = args.exec_path or default_exec()
    for path in install(exec_path):
        print(f"wrote {path}")
    print(f"menu entry starts: {exec_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The bundle's binaries after PyInstaller's analysis: drop, prune, slim.

Used by iomviewer.spec (which holds the policy: what to drop and why); kept
here so that tests/test_spec.py can check the mechanics.

* `drop`: remove TOC entries whose destination matches one of the spec's
  patterns (unused Qt plugins, translations, programs…).
* `prune`: PyInstaller collects the shared-library dependencies of everything
  it analysed, including of the plugins the spec then drops (GTK 3 theme →
  cairo, pango, gdk-pixbuf, gio…; EGLFS → Qt6EglFSDeviceIntegration…).  Keep
  only the libraries that something kept still needs: the closure, through
  DT_NEEDED, of the roots — Python extension modules, Qt plugins, the Python
  library, and the libraries the app dlopens by name (the xcb guard).  A name
  that the bundle does not ship (libc, libGL, libxcb…: PyInstaller leaves those
  to the system) is followed through the build machine's copy, so what the
  system library needs from the bundle stays.  Symlinks to pruned files go too.
* `slim`: ship a stripped and/or compacted copy of each binary (elfslim.py).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Iterable, Sequence

import elfslim

Entry = tuple  # (dest, src, typecode), PyInstaller's TOC entry


def _dest(entry: Entry) -> str:
    return entry[0].replace("\\", "/")


def basename(entry: Entry) -> str:
    return _dest(entry).rsplit("/", 1)[-1]


def drop(toc: Iterable[Entry], patterns: Sequence[re.Pattern]) -> tuple[list[Entry], list[Entry]]:
    """(kept, dropped): entries whose destination matches a pattern are dropped."""
    kept, dropped = [], []
    for entry in toc:
        (dropped if any(p.search(_dest(entry)) for p in patterns) else kept).append(entry)
    return kept, dropped


def is_root(entry: Entry) -> bool:
    """Entries kept for their own sake, not as someone's dependency."""
    dest = _dest(entry)
    return (entry[2] == "EXTENSION"
            or "/plugins/" in f"/{dest}"  # Qt plugins: loaded by Qt, found by directory
            or re.match(r"libpython\d", basename(entry)) is not None)


def prune(binaries: Sequence[Entry], datas: Sequence[Entry], *,
          needed_of: Callable[[str], list[str]],
          resolve_system: Callable[[str], str | None],
          extra_roots: Iterable[str] = (),
          is_root: Callable[[Entry], bool] = is_root) -> tuple[list[Entry], list[Entry], list[Entry]]:
    """(binaries, datas, pruned): drop binaries nothing kept needs.

    needed_of(path) gives a file's DT_NEEDED names; resolve_system(name) the
    path of a library the bundle does not ship, or None.  extra_roots are
    names loaded with dlopen/ctypes by name.
    """
    by_name: dict[str, Entry] = {}
    for entry in binaries:
        by_name.setdefault(basename(entry), entry)
    keep: set[str] = set()       # basenames of bundled binaries to keep
    seen_system: set[str] = set()
    todo: list[str] = []         # paths whose NEEDED are still to follow

    def reach(name: str) -> None:
        if name in by_name:
            if name not in keep:
                keep.add(name)
                todo.append(by_name[name][1])
        elif name not in seen_system:
            seen_system.add(name)
            path = resolve_system(name)
            if path:
                todo.append(path)

    for entry in binaries:
        if is_root(entry):
            reach(basename(entry))
    for name in extra_roots:
        reach(name)
    while todo:
        for name in needed_of(todo.pop()):
            reach(name)

    kept = [e for e in binaries if basename(e) in keep]
    pruned = [e for e in binaries if basename(e) not in keep]
    gone = {_dest(e) for e in pruned}
    # PyInstaller's top-level symlinks (libQt6Core.so.6 -> PySide6/Qt/lib/…).
    kept_datas = [d for d in datas if not (d[2] == "SYMLINK" and d[1].replace("\\", "/") in gone)]
    return kept, kept_datas, pruned


def unresolved(binaries: Sequence[Entry], *, needed_of: Callable[[str], list[str]],
               is_system: Callable[[str], bool]) -> list[tuple[str, str]]:
    """(binary, name) for each DT_NEEDED that is neither shipped nor left to the system.

    Empty for a bundle whose link-time dependencies are all there — the proof
    that `prune` did not remove a library something still links to.
    """
    shipped = {basename(e) for e in binaries}
    return [(_dest(e), name) for e in binaries for name in needed_of(e[1])
            if name not in shipped and not is_system(name)]


def is_system(name: str) -> bool:
    """A library PyInstaller deliberately leaves to the system (glibc, libGL, libxcb…)."""
    from PyInstaller.depend import dylib

    return name.startswith("ld-linux") or not dylib.include_library(name)


def needed_of(path: str) -> list[str]:
    try:
        return elfslim.needed(Path(path).read_bytes())
    except (OSError, elfslim.NotHandled):
        return []


def resolve_system(name: str) -> str | None:
    from PyInstaller.depend import bindepend

    try:
        return bindepend.resolve_library_path(name)
    except Exception:  # noqa: BLE001 - unresolvable is not an error here
        return None


def slim(binaries: Sequence[Entry], workdir: str | Path, *,
         strip: bool) -> tuple[list[Entry], list[tuple[str, int, int, list[str]]]]:
    """Replace each binary's source by a slimmed copy under workdir.

    Returns the new entries and, for each binary something was done or
    refused on, (dest, size before, size after, what was done).
    """
    out, report = [], []
    for entry in binaries:
        dest, src, typecode = entry
        path, done = elfslim.slim(src, Path(workdir) / Path(_dest(entry)).parent, do_strip=strip)
        if done:
            report.append((_dest(entry), Path(src).stat().st_size, path.stat().st_size, done))
        out.append((dest, str(path), typecode))
    return out, report

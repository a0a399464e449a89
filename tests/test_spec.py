"""The packaging spec's filtering: what iomviewer.spec drops, prunes and slims.

Quick checks of scripts/pyinstaller/{bundle_filter,elfslim}.py and of the
spec's drop patterns, without running PyInstaller (scripts/check_bundle.sh
builds and proves the real bundle).
"""
from __future__ import annotations

import ast
import ctypes
import re
import struct
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts" / "pyinstaller"))

import bundle_filter  # noqa: E402
import elfslim  # noqa: E402

pytestmark = pytest.mark.core


def _wheel_libs() -> Path | None:
    try:
        import pygraphviz
    except ImportError:
        return None
    libs = Path(pygraphviz.__file__).parent.parent / "pygraphviz.libs"
    return libs if libs.is_dir() else None


def _vendored(prefix: str) -> Path:
    libs = _wheel_libs()
    if libs is None:
        pytest.skip("no pygraphviz wheel with vendored libraries")
    found = sorted(libs.glob(prefix + "-*"))
    if not found:
        pytest.skip(f"{prefix} not vendored by this pygraphviz wheel")
    return found[0]


# --- the spec's drop patterns ------------------------------------------------------------

def _spec_drop_patterns() -> list[re.Pattern]:
    """Evaluate `_QT_PLUGINS` and `_DROP` from iomviewer.spec (plain re.compile calls)."""
    tree = ast.parse((ROOT / "iomviewer.spec").read_text(encoding="utf-8"))
    namespace: dict = {"re": re}
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in ("_QT_PLUGINS", "_DROP")
                                                for t in node.targets):
            exec(compile(ast.Module([node], type_ignores=[]), "iomviewer.spec", "exec"), namespace)
    return namespace["_DROP"]


@pytest.mark.parametrize("dest", [
    "PySide6/Qt/plugins/platforms/libqxcb.so",
    "PySide6/Qt/plugins/platforms/libqoffscreen.so",
    "PySide6/Qt/plugins/platforms/libqwayland.so",
    "PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so",
    "PySide6/Qt/plugins/wayland-decoration-client/libadwaita.so",
    "PySide6/Qt/plugins/printsupport/libcupsprintersupport.so",
    "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
    "PySide6/Qt/plugins/imageformats/libqsvg.so",
    "PySide6/Qt/plugins/platforminputcontexts/libcomposeplatforminputcontextplugin.so",
    "PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so",
    "PySide6/Qt/translations/qtbase_fr.qm",
    "PySide6/Qt/lib/libQt6Core.so.6",
    "pygraphviz.libs/libcairo-dfbea965.so.2.11512.0",
    "pygraphviz/_graphviz.abi3.so",
    "rapidfuzz/fuzz_cpp.cpython-311-x86_64-linux-gnu.so",
    "rapidfuzz/distance/metrics_cpp.cpython-311-x86_64-linux-gnu.so",
    "data/iom.json",
    "resources/icons/actions/back.svg",
])
def test_spec_keeps(dest):
    kept, dropped = bundle_filter.drop([(dest, "src", "BINARY")], _spec_drop_patterns())
    assert kept and not dropped


@pytest.mark.parametrize("dest", [
    "PySide6/Qt/plugins/platforms/libqeglfs.so",
    "PySide6/Qt/plugins/platforms/libqvnc.so",
    "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
    "PySide6/Qt/plugins/egldeviceintegrations/libqeglfs-kms-egldevice-integration.so",
    "PySide6/Qt/plugins/xcbglintegrations/libqxcb-glx-integration.so",
    "PySide6/Qt/plugins/wayland-graphics-integration-client/libqt-plugin-wayland-egl.so",
    "PySide6/Qt/plugins/wayland-shell-integration/libivi-shell.so",
    "PySide6/Qt/plugins/tls/libqopensslbackend.so",
    "PySide6/Qt/plugins/imageformats/libqjpeg.so",
    "PySide6/Qt/translations/qtbase_de.qm",
    "pygraphviz/bin/gc",
    "rapidfuzz/fuzz_cpp_avx2.cpython-311-x86_64-linux-gnu.so",
    "rapidfuzz/distance/metrics_cpp_avx2.cpython-311-x86_64-linux-gnu.so",
])
def test_spec_drops(dest):
    kept, dropped = bundle_filter.drop([(dest, "src", "BINARY")], _spec_drop_patterns())
    assert dropped and not kept


# --- prune: keep what something kept needs -----------------------------------------------

def test_prune_keeps_the_closure_of_the_roots_and_drops_orphans():
    binaries = [
        ("PySide6/QtGui.abi3.so", "/b/QtGui.abi3.so", "EXTENSION"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", "/b/libQt6Gui.so.6", "BINARY"),
        ("libfontconfig.so.1", "/b/libfontconfig.so.1", "BINARY"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/b/libqxcb.so", "BINARY"),
        ("libxcb-render.so.0", "/b/libxcb-render.so.0", "BINARY"),
        ("libXau.so.6", "/b/libXau.so.6", "BINARY"),        # needed by the system's libxcb only
        ("libXdmcp.so.6", "/b/libXdmcp.so.6", "BINARY"),
        ("libpython3.11.so.1.0", "/b/libpython3.11.so.1.0", "BINARY"),
        ("libcairo.so.2", "/b/libcairo.so.2", "BINARY"),    # only the dropped GTK theme needed it
        ("libpixman-1.so.0", "/b/libpixman-1.so.0", "BINARY"),
        ("libdlopened.so.1", "/b/libdlopened.so.1", "BINARY"),
    ]
    needed = {
        "/b/QtGui.abi3.so": ["libQt6Gui.so.6", "libc.so.6"],
        "/b/libQt6Gui.so.6": ["libfontconfig.so.1", "libGL.so.1"],
        "/b/libqxcb.so": ["libxcb.so.1", "libxcb-render.so.0"],
        "/sys/libxcb.so.1": ["libXau.so.6", "libXdmcp.so.6"],
        "/b/libcairo.so.2": ["libpixman-1.so.0"],
    }
    datas = [
        ("libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK"),
        ("libcairo.so.2.1", "libcairo.so.2", "SYMLINK"),
        ("data/iom.json", "/src/iom.json", "DATA"),
    ]
    kept, kept_datas, pruned = bundle_filter.prune(
        binaries, datas,
        needed_of=lambda path: needed.get(path, []),
        resolve_system=lambda name: {"libxcb.so.1": "/sys/libxcb.so.1"}.get(name),
        extra_roots=["libdlopened.so.1"],
    )
    assert {bundle_filter.basename(e) for e in pruned} == {"libcairo.so.2", "libpixman-1.so.0"}
    assert len(kept) == len(binaries) - 2
    assert ("libcairo.so.2.1", "libcairo.so.2", "SYMLINK") not in kept_datas
    assert ("libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK") in kept_datas
    assert ("data/iom.json", "/src/iom.json", "DATA") in kept_datas


def test_unresolved_reports_a_needed_library_that_is_neither_shipped_nor_system():
    binaries = [("a.so", "/b/a.so", "EXTENSION"), ("libb.so.1", "/b/libb.so.1", "BINARY")]
    needed = {"/b/a.so": ["libb.so.1", "libc.so.6", "libgone.so.2"]}
    missing = bundle_filter.unresolved(binaries, needed_of=lambda p: needed.get(p, []),
                                       is_system=lambda name: name == "libc.so.6")
    assert missing == [("a.so", "libgone.so.2")]


# --- elfslim: compaction keeps the memory image ---------------------------------------------

def _loads(data: bytes) -> list[elfslim.Phdr]:
    return [p for p in elfslim.parse(data).phdrs if p.p_type == elfslim.PT_LOAD]


def test_compaction_removes_the_padding_and_keeps_the_image():
    lib = _vendored("libxcb-render")
    raw = lib.read_bytes()
    small = elfslim.compact(raw)
    if small is None:
        pytest.skip("this wheel's libraries carry no padding")
    assert len(small) < len(raw) / 4
    elfslim.check_same_image(raw, small)  # raises if what the loader maps changed
    assert elfslim.needed(small) == elfslim.needed(raw)
    for p in _loads(small):
        assert (p.p_vaddr - p.p_offset) % 0x1000 == 0
        assert (p.p_vaddr - p.p_offset) % p.p_align == 0
    assert elfslim.compact(small) is None  # idempotent


def test_a_compacted_library_loads_and_runs(tmp_path):
    lib = _vendored("libXau")  # depends on libc only
    small = elfslim.compact(lib.read_bytes())
    if small is None:
        pytest.skip("this wheel's libraries carry no padding")
    copy = tmp_path / lib.name
    copy.write_bytes(small)
    xau = ctypes.CDLL(str(copy))
    xau.XauFileName.restype = ctypes.c_char_p
    assert xau.XauFileName()  # $XAUTHORITY or ~/.Xauthority


def test_compaction_never_touches_bytes_a_header_refers_to():
    # Any ELF at hand: compacted or not, its image must be unchanged.
    for path in (Path(sys.executable).resolve(), Path(ctypes.__file__).parent.parent / "lib-dynload"):
        files = [path] if path.is_file() else sorted(path.glob("*.so"))[:5]
        for f in files:
            raw = f.read_bytes()
            try:
                small = elfslim.compact(raw)
            except elfslim.NotHandled:
                continue
            if small is not None:
                elfslim.check_same_image(raw, small)


def test_non_zero_bytes_in_a_gap_are_kept():
    lib = _vendored("libxcb-render")
    raw = bytearray(lib.read_bytes())
    loads = sorted(_loads(bytes(raw)), key=lambda p: p.p_offset)
    gap_start = max(p.p_offset + p.p_filesz for p in loads[:-1] if p.p_offset < loads[-1].p_offset)
    marker = gap_start + 0x2345
    if marker >= loads[-1].p_offset or any(raw[marker:marker + 4]):
        pytest.skip("layout differs from the one this test expects")
    raw[marker:marker + 4] = b"MARK"
    small = elfslim.compact(bytes(raw))
    assert small is not None and b"MARK" in small
    elfslim.check_same_image(bytes(raw), small)


def test_not_elf_is_not_handled():
    with pytest.raises(elfslim.NotHandled):
        elfslim.compact(b"#!/bin/sh\necho hi\n")
    with pytest.raises(elfslim.NotHandled):
        elfslim.compact(b"\x7fELF\x01\x01" + bytes(60))  # 32-bit


def test_strip_refuses_a_change_of_layout(tmp_path, monkeypatch):
    lib = _vendored("libgvc")
    raw = lib.read_bytes()

    def fake_run(cmd, **kwargs):  # a "strip" that shortens the last segment
        data = bytearray(Path(cmd[-1]).read_bytes())
        elf = elfslim.parse(bytes(data))
        last = max(_loads(bytes(data)), key=lambda p: p.p_vaddr)
        at = elf.e_phoff + last.index * 56 + 40  # p_memsz
        struct.pack_into("<Q", data, at, last.p_memsz - 4)
        Path(cmd[-1]).write_bytes(bytes(data))

    elf = elfslim.parse(raw)
    if not any(elf.section_name(s) == ".symtab" for s in elf.shdrs):
        pytest.skip("already stripped: strip would not run")
    monkeypatch.setattr(elfslim.subprocess, "run", fake_run)
    monkeypatch.setattr(elfslim.shutil, "which", lambda name: "/usr/bin/strip")
    with pytest.raises(elfslim.StripRefused):
        elfslim.strip(raw, tmp_path / "x.so")

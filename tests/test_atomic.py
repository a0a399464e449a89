"""Files are never lost: every write is all-or-nothing and leaves no temporary file behind.

Failures are real where the machine allows it: /dev/full for a full disk, a
64 KiB tmpfs and a read-only bind mount in a private mount namespace (root
only, skipped elsewhere), a process killed with SIGKILL in the middle of
writing.  Where only a simulation is possible the test says so.
"""
from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from fixtures import mini_doc, write_doc
from iomviewer.core import files
from iomviewer.core.files import atomic_write_bytes, atomic_write_text, remove_stale_temporaries

pytestmark = pytest.mark.core

ROOT = Path(__file__).resolve().parents[1]
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def leftovers(folder: Path, keep: str) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != keep)


@pytest.fixture
def previous(tmp_path):
    target = tmp_path / "chart.pdf"
    target.write_bytes(b"previous export")
    target.chmod(0o640)
    return target


def test_replaces_content_keeps_permissions_and_leaves_nothing(previous):
    atomic_write_bytes(previous, b"new content")
    assert previous.read_bytes() == b"new content"
    assert stat.S_IMODE(previous.stat().st_mode) == 0o640
    assert leftovers(previous.parent, previous.name) == []


def test_new_file_gets_umask_permissions(tmp_path):
    old = os.umask(0o027)
    try:
        atomic_write_text(tmp_path / "new.md", "é")
    finally:
        os.umask(old)
    assert (tmp_path / "new.md").read_text(encoding="utf-8") == "é"
    assert stat.S_IMODE((tmp_path / "new.md").stat().st_mode) == 0o640


def test_a_symbolic_link_stays_a_link_to_the_new_content(tmp_path):
    real = tmp_path / "real" / "chart.svg"
    real.parent.mkdir()
    real.write_bytes(b"old")
    link = tmp_path / "chart.svg"
    link.symlink_to(real)
    atomic_write_bytes(link, b"<svg/>")
    assert link.is_symlink() and real.read_bytes() == b"<svg/>"
    assert leftovers(tmp_path, "chart.svg") == ["real"] and leftovers(real.parent, "chart.svg") == []


def test_a_fifo_is_refused_not_replaced(tmp_path):
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="fichier ordinaire"):
        atomic_write_bytes(fifo, b"x")
    assert stat.S_ISFIFO(fifo.stat().st_mode) and leftovers(tmp_path, "pipe.pdf") == []


@pytest.mark.skipif(not IS_ROOT, reason="creating a device node needs root")
def test_a_device_is_refused_not_replaced(tmp_path):
    # A copy of /dev/full (char 1:7): replacing the real one would break the machine.
    device = tmp_path / "full"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    with pytest.raises(OSError, match="fichier ordinaire"):
        atomic_write_bytes(device, b"x")
    assert stat.S_ISCHR(device.stat().st_mode) and leftovers(tmp_path, "full") == []


def test_a_folder_is_refused(tmp_path):
    (tmp_path / "out.pdf").mkdir()
    with pytest.raises(IsADirectoryError):
        atomic_write_bytes(tmp_path / "out.pdf", b"x")


def _dev_full() -> int:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    return os.open("/dev/full", os.O_WRONLY)


@pytest.mark.parametrize("anonymous", [True, False], ids=["O_TMPFILE", "named-temporary"])
def test_full_disk_with_dev_full_keeps_the_previous_file(previous, monkeypatch, anonymous):
    """The temporary file's descriptor is swapped for /dev/full: the kernel answers ENOSPC."""
    real_reserve = files._reserve
    real_anonymous = files._open_anonymous

    def reserve(target, folder):
        fd, name = real_reserve(target, folder)
        if not anonymous:
            full = _dev_full()
            os.dup2(full, fd)
            os.close(full)
        return fd, name

    def open_anonymous(folder):
        if not anonymous:
            return None
        fd = real_anonymous(folder)
        if fd is None:
            pytest.skip("no O_TMPFILE here")
        full = _dev_full()
        os.dup2(full, fd)
        os.close(full)
        return fd

    monkeypatch.setattr(files, "_reserve", reserve)
    monkeypatch.setattr(files, "_open_anonymous", open_anonymous)
    with pytest.raises(OSError) as info:
        atomic_write_bytes(previous, b"x" * 100_000)
    assert info.value.errno == errno.ENOSPC
    assert previous.read_bytes() == b"previous export"
    assert leftovers(previous.parent, previous.name) == []


def test_export_to_a_full_disk_says_so_and_keeps_the_previous_file(previous, monkeypatch):
    from iomviewer.chart.build import ChartOptions
    from iomviewer.chart.export import ExportError, ExportOptions, export_chart
    from iomviewer.core.loading import load_document

    real_anonymous = files._open_anonymous

    def open_anonymous(folder):
        fd = real_anonymous(folder) or os.open(folder / ".scratch", os.O_WRONLY | os.O_CREAT, 0o600)
        full = _dev_full()
        os.dup2(full, fd)
        os.close(full)
        if (folder / ".scratch").exists():
            os.unlink(folder / ".scratch")
        return fd

    monkeypatch.setattr(files, "_open_anonymous", open_anonymous)
    ds = load_document(mini_doc())
    with pytest.raises(ExportError, match="disque plein"):
        export_chart(ds, ds.edition(), ChartOptions(), ExportOptions(format="svg"), previous)
    assert previous.read_bytes() == b"previous export"
    assert leftovers(previous.parent, previous.name) == []


def test_linkat_refused_falls_back_to_a_named_temporary(previous, monkeypatch):
    def refuse(fd, destination):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(files, "_linkat_anonymous", refuse)
    atomic_write_bytes(previous, b"fallback")
    assert previous.read_bytes() == b"fallback" and leftovers(previous.parent, previous.name) == []


@pytest.mark.parametrize("anonymous", [True, False], ids=["O_TMPFILE", "named-temporary"])
def test_interrupted_in_python_leaves_nothing(previous, monkeypatch, anonymous):
    if not anonymous:
        monkeypatch.setattr(files, "_open_anonymous", lambda folder: None)

    def interrupted(fd, data):
        os.write(fd, data[:10])
        raise KeyboardInterrupt

    monkeypatch.setattr(files, "_write_all", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_bytes(previous, b"y" * 1000)
    assert previous.read_bytes() == b"previous export" and leftovers(previous.parent, previous.name) == []


def test_stale_temporaries_of_dead_writers_are_removed(previous):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    stale = previous.parent / f".chart.pdf.iomtmp-{dead_pid}-abcd1234"
    stale.write_bytes(b"half")
    alive = previous.parent / f".chart.pdf.iomtmp-{os.getppid()}-abcd1234"  # a live writer: not ours to touch
    alive.write_bytes(b"busy")
    other = previous.parent / f".other.pdf.iomtmp-{dead_pid}-abcd1234"
    other.write_bytes(b"not this target")
    atomic_write_bytes(previous, b"new")
    assert not stale.exists() and alive.exists() and other.exists()
    assert remove_stale_temporaries(previous.parent / "other.pdf") == [other.name]


_KILL_SCRIPT = textwrap.dedent("""
    import os, sys, time
    sys.path.insert(0, {root!r})
    real_fsync = os.fsync
    def fsync(fd):
        # The data is written, not yet in place: the moment to be killed.
        print("writing", flush=True)
        time.sleep(60)
    os.fsync = fsync
    mode = sys.argv[1]
    if mode == "bytes":
        from iomviewer.core.files import atomic_write_bytes
        atomic_write_bytes(sys.argv[2], b"z" * 20_000_000)
    else:
        from iomviewer.chart.build import ChartOptions
        from iomviewer.chart.export import ExportOptions, export_chart
        from iomviewer.core.loading import load_dataset
        ds = load_dataset(sys.argv[3])
        export_chart(ds, ds.edition(), ChartOptions(), ExportOptions(format="pdf"), sys.argv[2])
""")


@pytest.mark.parametrize("mode", ["bytes", "export"])
def test_killed_mid_write_leaves_the_previous_file_and_no_temporary(tmp_path, mode):
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "chart.pdf"
    target.write_bytes(b"previous export")
    data = write_doc(tmp_path, mini_doc())
    env = dict(os.environ, IOMVIEWER_CACHE_DIR="off")
    proc = subprocess.Popen([sys.executable, "-c", _KILL_SCRIPT.format(root=str(ROOT)), mode, str(target), str(data)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()
        assert line.strip() == "writing", proc.stderr.read()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert target.read_bytes() == b"previous export"
    assert leftovers(folder, "chart.pdf") == [], "a killed writer left a temporary file"


# --- real failures in a private mount namespace ------------------------------------------------------

_MOUNT_SCRIPT = textwrap.dedent("""
    import json, os, sys
    sys.path.insert(0, {root!r})
    from PySide6.QtCore import QSettings
    from iomviewer.chart.build import ChartOptions
    from iomviewer.chart.export import ExportError, ExportOptions, export_chart
    from iomviewer.core.loading import load_dataset
    full, ro, data = sys.argv[1:4]
    ds = load_dataset(data)
    out = {{}}
    def export(path):
        try:
            export_chart(ds, ds.edition(), ChartOptions(), ExportOptions(format="pdf"), path)
            return "ok"
        except ExportError as exc:
            return str(exc)
    out["full"] = export(os.path.join(full, "chart.pdf"))
    out["ro"] = export(os.path.join(ro, "chart.pdf"))
    from iomviewer.ui.settings import Settings
    s = Settings(QSettings(os.path.join(full, "sub", "settings.ini"), QSettings.Format.IniFormat))
    from PySide6.QtCore import QCoreApplication
    app = QCoreApplication([])
    s.set("data/edition", "x" * 200_000)  # Qt's own background write would cut the file short here
    for _ in range(5):
        app.processEvents()
    s.set("data/selection", "y" * 100_000)
    s.sync()
    print(json.dumps(out))
""")


def _can_mount() -> bool:
    if not IS_ROOT or not shutil.which("unshare") or not shutil.which("mount"):
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=16k tmpfs /mnt"],
                           capture_output=True, timeout=20)
    return probe.returncode == 0


@pytest.mark.skipif(not _can_mount(), reason="needs root and mount namespaces (unshare -m)")
def test_real_full_disk_and_read_only_folder(tmp_path):
    full, ro = tmp_path / "full", tmp_path / "ro"
    full.mkdir()
    ro.mkdir()
    data = write_doc(tmp_path, mini_doc())
    shell = (
        f"mount -t tmpfs -o size=64k tmpfs {full} && "
        f"head -c 40000 /dev/urandom > {full}/chart.pdf && printf 'previous export' > {ro}/chart.pdf && "
        f"mkdir {full}/sub && printf '[data]\\nedition=old\\n' > {full}/sub/settings.ini && "
        f"mount --bind {ro} {ro} && mount -o remount,bind,ro {ro} && "
        f"cp {full}/chart.pdf {tmp_path}/before.pdf && "
        f"{sys.executable} -c \"$SCRIPT\" {full} {ro} {data} && "
        f"cmp {full}/chart.pdf {tmp_path}/before.pdf && echo SAME && cat {full}/sub/settings.ini && echo && ls -A {full} {full}/sub {ro}"
    )
    env = dict(os.environ, SCRIPT=_MOUNT_SCRIPT.format(root=str(ROOT)), IOMVIEWER_CACHE_DIR="off")
    proc = subprocess.run(["unshare", "-m", "sh", "-c", shell], capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    result = json.loads(lines[0])
    assert result["full"].startswith("disque plein"), result
    assert result["ro"].startswith("support en lecture seule"), result
    assert lines[1] == "SAME"  # the previous export is byte for byte intact
    # QSettings alone cut the file to 16 KiB of "xxx…" and reported NoError;
    # Settings.sync() reads it back and restores the previous file.
    assert lines[2:4] == ["[data]", "edition=old"], lines
    listing = "\n".join(lines[4:])
    assert "iomtmp" not in listing and ".tmp" not in listing, listing


def test_settings_file_is_written_whole(tmp_path):
    """QSettings writes through QSaveFile (temporary + rename): no partial file, no leftovers."""
    from PySide6.QtCore import QSettings

    path = tmp_path / "settings.ini"
    store = QSettings(str(path), QSettings.Format.IniFormat)
    store.setValue("data/edition", "structure-2021")
    store.sync()
    first_inode = path.stat().st_ino
    store.setValue("data/selection", "division-budget")
    store.sync()
    assert path.stat().st_ino != first_inode  # replaced by rename, not rewritten in place
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.ini"]


def test_log_writes_never_break_the_app(tmp_path, monkeypatch):
    """A log folder that cannot be created, or a log on a full disk, is not fatal."""
    import logging

    from iomviewer.ui import errors

    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setattr(errors, "log_folder", lambda: blocker / "logs")
    assert errors.setup_logging() is None
    if not os.path.exists("/dev/full"):
        return
    handler = logging.FileHandler("/dev/full")
    monkeypatch.setattr(logging, "raiseExceptions", False)  # what a shipped app runs with
    logger = logging.getLogger("iomviewer.test-full-log")
    logger.addHandler(handler)
    try:
        logger.error("x" * 10_000)  # ENOSPC inside the handler: swallowed by logging
    finally:
        logger.removeHandler(handler)
        handler.close()

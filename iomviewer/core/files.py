"""Atomic file writes: the target is either the old file or the complete new one.

The new content is written to a temporary file in the target's folder (same
file system, so the final rename is atomic), flushed to disk, then
os.replace()d into place, and the folder itself is flushed so the rename
survives a power cut.  On any failure the temporary file is removed and the
old file is untouched.

A process killed with SIGKILL cannot clean up after itself, so on Linux the
temporary file is an anonymous one (O_TMPFILE: it has no name while the data
is written, and the kernel frees it if the process dies); it gets a name (one
reserved with mkstemp, which also fails early in a folder we may not write)
only for the instant between linkat() and rename().  Temporary names carry
their writer's pid, and a later write to the same target removes the ones
whose writer is gone.

A symbolic link is followed (the file it points to is replaced, the link
stays); a target that exists but is not a regular file (a device such as
/dev/full, a FIFO, a socket) is refused rather than replaced by a file.
"""
from __future__ import annotations

import errno
import os
import stat
import sys
import tempfile
from pathlib import Path

_TAG = ".iomtmp-"


def _resolve_target(path: Path) -> Path:
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        st = target.stat()
    except FileNotFoundError:
        return target
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, "est un dossier", str(path))
    if not stat.S_ISREG(st.st_mode):
        # os.replace would swap a device (as root, even /dev/null) or a FIFO
        # for a plain file: never do that.
        raise OSError(errno.EINVAL, "n'est pas un fichier ordinaire", str(path))
    return target


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it exists, owned by someone else
        return True
    return True


def remove_stale_temporaries(target: str | os.PathLike[str]) -> list[str]:
    """Delete temporary files of `target` left by writers that no longer run."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    prefix = f".{target.name}{_TAG}"
    removed = []
    try:
        names = [n for n in os.listdir(folder) if n.startswith(prefix)]
    except OSError:
        return removed
    for name in names:
        pid_text = name[len(prefix):].split("-", 1)[0]
        if not pid_text.isdigit() or int(pid_text) == os.getpid() or _pid_alive(int(pid_text)):
            continue
        try:
            os.unlink(folder / name)
            removed.append(name)
        except OSError:
            pass
    return removed


def _linkat_anonymous(fd: int, destination: Path) -> None:
    """Give the O_TMPFILE behind fd a name (linkat through /proc, AT_SYMLINK_FOLLOW)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    at_fdcwd, at_symlink_follow = -100, 0x400
    source = f"/proc/self/fd/{fd}".encode()
    if libc.linkat(at_fdcwd, source, at_fdcwd, os.fsencode(destination), at_symlink_follow) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(destination))


def _open_anonymous(folder: Path) -> int | None:
    """An unnamed file in folder, or None where the system cannot make one."""
    if not sys.platform.startswith("linux") or not hasattr(os, "O_TMPFILE"):
        return None
    try:
        return os.open(folder, os.O_TMPFILE | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError as exc:
        if exc.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOSYS):
            return None  # file system or kernel without O_TMPFILE
        raise


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a folder; the rename is done
    finally:
        os.close(fd)


def _final_mode(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777  # keep the existing file's permissions
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _reserve(target: Path, folder: Path) -> tuple[int, Path]:
    """A new, empty, uniquely named file next to target (fails early if the folder is not writable)."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}{_TAG}{os.getpid()}-", dir=folder)
    return fd, Path(name)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Replace path's content with data, all or nothing; return the path written."""
    target = _resolve_target(Path(path))
    folder = target.parent if str(target.parent) else Path(".")
    mode = _final_mode(target)
    remove_stale_temporaries(target)
    fd, reserved = _reserve(target, folder)
    tmp: Path | None = reserved
    try:
        anonymous = _open_anonymous(folder)
        if anonymous is not None:
            # Write into the unnamed file; the reserved name is only kept as
            # the name to link it under once the data is complete.
            os.close(fd)
            fd = anonymous
            os.unlink(reserved)
            tmp = None
        _write_all(fd, data)
        os.fsync(fd)
        os.fchmod(fd, mode)
        if tmp is None:
            try:
                _linkat_anonymous(fd, reserved)
                tmp = reserved
            except OSError as exc:
                if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
                    raise
                # No /proc, or a kernel that refuses: write the bytes again, named.
                os.close(fd)
                fd = None
                return _write_named(target, folder, data, mode)
        os.replace(tmp, target)
        tmp = None
    except BaseException:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        raise
    finally:
        if fd is not None:
            os.close(fd)
    _fsync_folder(folder)
    return target


def _write_named(target: Path, folder: Path, data: bytes, mode: int) -> Path:
    fd, tmp = _reserve(target, folder)
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
            os.fchmod(fd, mode)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_folder(folder)
    return target


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))

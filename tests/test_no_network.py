"""The app and the command line never open a network connection.

Two nets, both in a subprocess that runs the real entry point:

- a Python audit hook (PEP 578) that records every socket created for the
  internet (AF_INET/AF_INET6), every connect and every name lookup made from
  Python, and makes them fail;
- where a C compiler is available, an LD_PRELOAD library that does the same
  for socket(), connect() and getaddrinfo() in C, so Qt, Graphviz and the
  Graphviz helper process are covered too.

Each net is first shown to catch a real connection attempt, so a green run
means something.  Local sockets (AF_UNIX, e.g. D-Bus) are not network and
are allowed.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from fixtures import mini_doc, write_doc

ROOT = Path(__file__).resolve().parents[1]

SHIM_C = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static void note(const char *what, int family) {
    const char *path = getenv("NO_NETWORK_LOG");
    if (!path) return;
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0600);
    if (fd < 0) return;
    char line[160];
    int n = snprintf(line, sizeof line, "C %s family=%d pid=%d\n", what, family, (int)getpid());
    if (n > 0) { ssize_t ignored = write(fd, line, (size_t)n); (void)ignored; }
    close(fd);
}

static int network_family(int family) { return family == AF_INET || family == AF_INET6 || family == AF_PACKET; }

int socket(int domain, int type, int protocol) {
    static int (*real)(int, int, int);
    if (!real) real = (int (*)(int, int, int))dlsym(RTLD_NEXT, "socket");
    if (network_family(domain)) { note("socket", domain); errno = EACCES; return -1; }
    return real(domain, type, protocol);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len) {
    static int (*real)(int, const struct sockaddr *, socklen_t);
    if (!real) real = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "connect");
    if (addr && network_family(addr->sa_family)) { note("connect", addr->sa_family); errno = EACCES; return -1; }
    return real(fd, addr, len);
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res) {
    note("getaddrinfo", 0);
    return EAI_FAIL;
}
"""

GUARD = textwrap.dedent("""
    import os, socket, sys
    sys.path.insert(0, {root!r})
    LOG = os.environ["NO_NETWORK_LOG"]

    def note(what):
        with open(LOG, "a") as handle:
            handle.write(f"PY {{what}} pid={{os.getpid()}}\\n")

    def hook(event, args):
        if event == "socket.__new__" and args[1] in (socket.AF_INET, socket.AF_INET6):
            note(event)
            raise PermissionError("network forbidden in this test")
        if event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr",
                     "urllib.Request", "http.client.connect"):
            note(event)
            raise PermissionError("network forbidden in this test")

    sys.addaudithook(hook)
    if sys.argv[1] == "--probe":
        exec(sys.argv[2])
    else:
        from iomviewer.cli import main
        sys.exit(main(sys.argv[1:]))
""")


@pytest.fixture(scope="module")
def shim(tmp_path_factory):
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None or not sys.platform.startswith("linux"):
        return None
    folder = tmp_path_factory.mktemp("shim")
    (folder / "nonet.c").write_text(SHIM_C)
    proc = subprocess.run([cc, "-shared", "-fPIC", "-O1", "-o", str(folder / "nonet.so"), str(folder / "nonet.c"), "-ldl"],
                          capture_output=True, text=True)
    return folder / "nonet.so" if proc.returncode == 0 else None


def guarded(tmp_path: Path, shim: Path | None, *args: str, timeout: int = 120) -> tuple[subprocess.CompletedProcess, str]:
    log = tmp_path / "network.log"
    log.unlink(missing_ok=True)
    env = dict(os.environ, NO_NETWORK_LOG=str(log), QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_STATE_HOME=str(tmp_path / "state"), XDG_CACHE_HOME=str(tmp_path / "cache"),
               http_proxy="http://127.0.0.1:9", https_proxy="http://127.0.0.1:9")
    if shim is not None:
        env["LD_PRELOAD"] = str(shim)
    proc = subprocess.run([sys.executable, "-c", GUARD.format(root=str(ROOT)), *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=tmp_path)
    return proc, log.read_text() if log.exists() else ""


def test_the_guards_catch_a_real_connection_attempt(tmp_path, shim):
    _, log = guarded(tmp_path, None, "--probe", "import socket\ntry:\n socket.create_connection(('127.0.0.1', 9), 1)\n"
                                                "except OSError:\n pass")
    assert "PY socket" in log
    if shim is None:
        pytest.skip("no C compiler: only the Python-level guard is active")
    # ctypes calls libc directly, beneath Python's audit events: only the C shim sees it.
    code = ("import ctypes, socket\nlibc = ctypes.CDLL(None)\nfd = libc.socket(socket.AF_INET, socket.SOCK_STREAM, 0)\n"
            "assert fd == -1, fd")
    proc, log = guarded(tmp_path, shim, "--probe", code)
    assert proc.returncode == 0, proc.stderr
    assert "C socket family=2" in log


@pytest.fixture(scope="module")
def data_file(tmp_path_factory):
    return write_doc(tmp_path_factory.mktemp("data"), mini_doc())


COMMANDS = [
    ("editions",),
    ("list", "--json"),
    ("show", "dept-a"),
    ("search", "partenariats"),
    ("diff", "ed-2021", "ed-2022"),
    ("export", "out.svg"),
    ("export", "out.pdf", "--pages-per-branch", "--mandates"),
    ("export", "out.png", "--dpi", "72"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_every_command_runs_without_network(tmp_path, shim, data_file, command):
    proc, log = guarded(tmp_path, shim, *command, "--data", str(data_file))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert log == "", log


def test_validate_and_the_bundled_data_without_network(tmp_path, shim, data_file):
    proc, log = guarded(tmp_path, shim, "validate", str(data_file))
    assert proc.returncode == 0 and log == "", (proc.stderr, log)
    proc, log = guarded(tmp_path, shim, "list")
    assert proc.returncode == 0 and log == "", (proc.stderr, log)


def test_the_window_runs_without_network(tmp_path, shim):
    """--smoke-test opens the real window, lays out and draws the chart, and checks the Graphviz helper process."""
    proc, log = guarded(tmp_path, shim, "--smoke-test", "--select", "santé mentale")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Graphviz helper process OK" in proc.stdout
    assert log == "", log

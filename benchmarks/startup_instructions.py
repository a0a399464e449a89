"""Instructions of the window's start, counted by callgrind: where they go, and the bare window's.

Wall-clock start-up on a shared two-core VM moves by ±20 % from one run to
the next; an instruction count does not.  This runs `--smoke-test` up to its
"ready" line under valgrind's callgrind, with a dump at every boundary of
one of our module imports and of the start's main phases, and prints the
instructions of each (self, nested imports and phases apart), then the same
count for the bare window of run.py.

    python benchmarks/startup_instructions.py            # needs valgrind; ~1 minute
    python benchmarks/startup_instructions.py --top 20

Instructions are not time (the app's cold Python code runs at a lower rate
than PySide's own start: a ×1.39 count was a ×1.45-1.65 wall ratio), but a
change that removes work shows here at once, whatever else the machine does.
"""
from __future__ import annotations

import argparse
import collections
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

# The instrumented start.  os.getppid() is the marker: callgrind dumps its
# counters each time it is called (--dump-before), and the log says who owns
# the interval that follows each marker.
_PROBE = r'''
import builtins, importlib.abc, importlib.machinery, os, sys
owners, stack = [], ["<start>"]
def mark():
    os.getppid(); owners.append(stack[-1])
def push(name): stack.append(name); mark()
def pop(): stack.pop(); mark()
class Loader(importlib.machinery.SourceFileLoader):
    def exec_module(self, module):
        push("import " + module.__name__)
        try: super().exec_module(module)
        finally: pop()
class Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if not name.startswith("iomviewer"): return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec and spec.origin and spec.origin.endswith(".py"):
            spec.loader = Loader(name, spec.origin)
        return spec
if __name__ == "__main__":
    sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f)]
    sys.path.insert(0, ROOT)
    sys.meta_path.insert(0, Finder())
    printed = builtins.print
    def stop(*a, **k):
        if a and "ready in" in str(a[0]):
            push("<after ready>")
            with open(LOG, "w") as f: f.write("\n".join(owners) + "\n")
            os._exit(0)
        printed(*a, **k)
    builtins.print = stop
    def wrap(obj, name, label):
        original = getattr(obj, name)
        def timed(*a, **k):
            push(label)
            try: return original(*a, **k)
            finally: pop()
        setattr(obj, name, timed)
    push("<main>")
    import iomviewer.cli
    from iomviewer.pyside_bytecode import import_pyside
    push("run import_pyside"); import_pyside(); pop()  # as cli.main does, before ui.app
    import iomviewer.ui.app as app
    for name in ("create_app", "_initial_dataset", "_smoke_test"):
        wrap(app, name, "run " + name)
    import iomviewer.ui.main_window as mw
    for name in ("__init__", "show"):
        wrap(mw.MainWindow, name, "run MainWindow." + name)
    sys.argv = ["iomviewer", "--smoke-test"]
    iomviewer.cli.main()
'''


def dump_total(path: Path) -> int:
    """The instruction count of one callgrind dump file."""
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    return 0


def attribute(owners: list[str], totals: list[int]) -> collections.Counter:
    """Instructions per owner: totals[0] is the interval before the first marker,
    totals[i + 1] the one after marker i (owned by owners[i])."""
    result: collections.Counter = collections.Counter()
    result["<start>"] += totals[0]
    for i, owner in enumerate(owners):
        if i + 1 < len(totals):
            result[owner] += totals[i + 1]
    return result


def _callgrind(cmd: list[str], folder: Path, env: dict, dumps: bool) -> Path:
    out = folder / "cg.out"
    args = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]
    if dumps:
        args.append("--dump-before=os_getppid*")
    subprocess.run(args + cmd, env=env, cwd=folder, check=True, capture_output=True, timeout=900)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--top", type=int, default=30, help="lines of the table")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (apt-get install valgrind)", file=sys.stderr)
        return 2
    import run  # run.py: the bare window and the offscreen environment

    # The bare window must stop where the app's probe stops (at "ready", before
    # any teardown): a replace that no longer matches would count its whole run.
    ready = 'print("ready", time.perf_counter() - t0); app.quit()'
    if ready not in run._BARE_WINDOW:
        print("run.py's bare window no longer ends as expected: update startup_instructions.py", file=sys.stderr)
        return 2
    bare_script = run._BARE_WINDOW.replace(ready, 'print("ready", flush=True); import os; os._exit(0)')
    home, env = run.startup_env("iomviewer-instructions-")
    env["PYTHONDONTWRITEBYTECODE"] = ""
    for _ in range(2):  # fill the caches (dataset, layout records): a warm start is measured
        subprocess.run([sys.executable, "-m", "iomviewer", "--smoke-test"], env=env, cwd=ROOT,
                       check=True, capture_output=True, timeout=300)
    probe = home / "probe.py"
    log = home / "owners.log"
    probe.write_text(f"ROOT = {str(ROOT)!r}\nLOG = {str(log)!r}\n" + _PROBE)
    app_dir = home / "app"
    app_dir.mkdir()
    _callgrind([sys.executable, str(probe)], app_dir, env, dumps=True)
    owners = [line for line in log.read_text().splitlines() if line]
    totals = [dump_total(app_dir / f"cg.out.{i}") for i in range(1, len(owners) + 1)]
    per_owner = attribute(owners, totals)
    app_total = sum(per_owner.values())

    bare = home / "bare.py"
    bare.write_text(bare_script)
    bare_dir = home / "bare"
    bare_dir.mkdir()
    bare_total = dump_total(_callgrind([sys.executable, str(bare)], bare_dir, env, dumps=False))

    print(f"instructions to the ready line: {app_total / 1e6:,.0f} M vs bare window {bare_total / 1e6:,.0f} M"
          f" → ×{app_total / bare_total:.2f}")
    print("shared with the bare window in kind: <start> (interpreter, site), run import_pyside"
          " (PySide6's modules), import iomviewer.ui.errors (the Qt namespace's enums), import iomviewer.cli"
          " (argparse, logging)")
    for owner, count in per_owner.most_common(args.top):
        print(f"{count / 1e6:9.2f} M  {owner}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

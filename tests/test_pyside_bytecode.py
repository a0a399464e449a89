"""PySide6's embedded support modules compiled once and served from our cache (pyside_bytecode.py).

No `from __future__ import annotations` in this file: the future flags a
compile() call inherits from its caller are part of what is tested.
"""
import builtins
import json
import os
import subprocess
import sys
import textwrap

from iomviewer.pyside_bytecode import CACHE_KIND, CachedCompile, is_embedded_source

# What a start sees of shiboken's embedded modules: each function's code flags
# and the kinds of its annotations (strings under `from __future__ import
# annotations`), so code compiled with other flags would show.
_PROBE = textwrap.dedent("""
    import json, sys, types
    if sys.argv[1] == "cached":
        from iomviewer.pyside_bytecode import import_pyside
        counts = list(import_pyside())
    else:
        import PySide6.QtCore
        counts = None
    from PySide6.QtCore import QObject
    obj = QObject()
    obj.setObjectName("sonde")
    seen = []
    for name, module in sorted(sys.modules.items()):
        if not str(getattr(module, "__file__", "")).startswith("shibokensupport/"):
            continue
        for value in vars(module).values():
            if isinstance(value, types.FunctionType) and value.__module__ == module.__name__:
                kinds = sorted((k, type(v).__name__) for k, v in value.__annotations__.items())
                seen.append([name, value.__qualname__, value.__code__.co_flags, kinds])
    import builtins
    restored = type(builtins.compile) is type(len)  # the builtin again, not our stand-in
    print(json.dumps({"counts": counts, "seen": seen, "name": obj.objectName(), "restored": restored}))
""")


def _start(cache_dir, how="cached", python=sys.executable):
    env = dict(os.environ, IOMVIEWER_CACHE_DIR=str(cache_dir))
    if python != sys.executable:  # outside its virtual environment: give it this one's packages
        import iomviewer

        root = os.path.dirname(os.path.dirname(iomviewer.__file__))
        env["PYTHONPATH"] = os.pathsep.join([root, *(p for p in sys.path if p.endswith("-packages"))])
    out = subprocess.run([python, "-c", _PROBE, how], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _entries(cache_dir):
    folder = cache_dir / CACHE_KIND
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_second_start_compiles_nothing_and_gets_the_same_modules(tmp_path):
    plain = _start(tmp_path, "plain")
    first = _start(tmp_path)
    served, compiled = first["counts"]
    assert served == 0 and compiled >= 10  # shiboken's loader, parser, mapping…
    assert len(_entries(tmp_path)) == 1
    second = _start(tmp_path)
    assert second["counts"] == [compiled, 0]
    assert second["name"] == "sonde" and second["restored"] and first["restored"]
    assert plain["seen"] and second["seen"] == plain["seen"] == first["seen"]


def test_a_corrupt_entry_is_compiled_again_and_replaced(tmp_path):
    _start(tmp_path)
    (entry,) = _entries(tmp_path)
    size = entry.stat().st_size
    entry.write_bytes(b"\xe3 not marshal data \x00" * 3)
    again = _start(tmp_path)
    assert again["counts"][1] >= 10
    assert entry.stat().st_size == size
    assert _start(tmp_path)["counts"][1] == 0


def test_an_unwritable_cache_only_costs_the_compile(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    for _ in range(2):
        served, compiled = _start(blocker / "cache")["counts"]
        assert served == 0 and compiled >= 10


def test_only_shibokens_files_are_answered_from_the_cache():
    assert is_embedded_source("shibokensupport/signature/loader.py")
    assert is_embedded_source("signature_bootstrap.py")
    assert not is_embedded_source("iomviewer/cli.py")
    assert not is_embedded_source(b"shibokensupport/x.py")
    stand_in = CachedCompile({})
    ours = stand_in(b"x = 1\n", "mine.py", "exec")
    assert ours.co_filename == "mine.py" and stand_in.used == {} and stand_in.compiled == 0
    assert stand_in("1 + 1", "<expr>", "eval") is not None and stand_in.used == {}


def _caller_with_future_annotations():
    namespace = {}
    exec(builtins.compile("from __future__ import annotations\n"
                          "def call(fn, *args): return fn(*args)\n", "<caller>", "exec"), namespace)
    return namespace["call"]


def test_the_callers_future_statements_apply_as_for_the_builtin():
    source = b"def f(x: int) -> int: return x\n"
    with_future = _caller_with_future_annotations()
    for call, kind in ((with_future, "str"), (lambda fn, *a: fn(*a), "type")):
        for filename in ("shibokensupport/demo.py", "other.py"):
            code = call(CachedCompile({}), source, filename, "exec")
            expected = call(builtins.compile, source, filename, "exec")
            assert code.co_flags == expected.co_flags
            namespace = {}
            exec(code, namespace)
            assert type(namespace["f"].__annotations__["x"]).__name__ == kind


def test_known_code_is_served_and_kept_for_the_next_entry():
    source = b"VALUE = 42\n"
    first = CachedCompile({})
    code = first(source, "shibokensupport/demo.py", "exec")
    assert first.compiled == 1 and list(first.used.values()) == [code]
    second = CachedCompile(dict(first.used), original=None)  # never called: all known
    assert second(source, "shibokensupport/demo.py", "exec") is code
    assert second.compiled == 0 and second.used == first.used
    changed = CachedCompile(dict(first.used))
    other = changed(b"VALUE = 43\n", "shibokensupport/demo.py", "exec")
    assert changed.compiled == 1 and other is not code


def test_each_interpreter_keeps_its_own_entry(tmp_path):
    # A bundle and a checkout (another executable, maybe another PySide6) must
    # not replace each other's entry at every start.
    other = tmp_path / "bin" / "python"
    other.parent.mkdir()
    other.symlink_to(sys.executable)
    cache = tmp_path / "cache"
    _start(cache)
    assert _start(cache, python=str(other))["counts"][1] >= 10
    assert len(_entries(cache)) == 2
    assert _start(cache)["counts"][1] == 0 and _start(cache, python=str(other))["counts"][1] == 0

"""Putting back the import PySide6 replaces, since we never use `from __feature__ import`.

Importing PySide6 swaps builtins.__import__ for its own __feature_import__, so
that `from __feature__ import snake_case, true_property` can switch Qt's names
per module; the import it replaced is kept as builtins.__orig_import__ (both
documented in PySide's "features" page).  Since PYSIDE-2029 that hook also
reads the source of every module an import statement names afterwards
(inspect.getsource, to look for "PySide6"), once per module: 0.2-0.7 ms each,
15-25 ms over the 90 modules the window's start imports after PySide6.

This app selects no feature, so the answer is never used: the window's start
puts the original import back.  PySide6's own lazy type loading lives in that
original import (__lazy_import__ in 6.11) and is kept.
"""
from __future__ import annotations

import builtins


def drop_feature_import_hook() -> bool:
    """Put back the import PySide6 replaced; True if its hook was in place.

    Call it outside any import statement: PySide6's hook reinstates itself
    when the import it is running returns.  Anything else in place of
    builtins.__import__ (a debugger's, a test tool's) is left alone.
    """
    hook = getattr(builtins, "__feature_import__", None)
    original = getattr(builtins, "__orig_import__", None)
    if hook is None or original is None or builtins.__import__ is not hook:
        return False
    builtins.__import__ = original
    return True

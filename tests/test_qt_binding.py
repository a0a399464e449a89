"""Guard against a Qt binding that corrupts Python's reference counts."""
import sys

import pytest

pytestmark = pytest.mark.gui


def test_void_calls_keep_none_refcount():
    # PySide6 6.12.0 lowered None's count on each void call, aborting Python
    # 3.11 mid-drawing; pyproject.toml excludes it, this catches a repeat.
    from PySide6.QtGui import QPainterPath

    path = QPainterPath()
    before = sys.getrefcount(None)
    for i in range(2000):
        path.lineTo(i, i)
    assert abs(sys.getrefcount(None) - before) < 100

"""The xdot interpreter (layout.run_xdot) on hand-written ops: pen state, strings, coordinates.

The pipeline tests compare its records with dot -Tjson on whole charts; these
pin the cases a chart may not contain.
"""
from __future__ import annotations

import pytest

from iomviewer.chart.layout import _Interpreter, _Unsupported

pytestmark = pytest.mark.core


def run(*attributes: str, left: float = 0.0, top: float = 100.0):
    """Each attribute interpreted in turn by one interpreter (its caches shared, as in a chart)."""
    interp = _Interpreter(left, top, "b")
    out = []
    for ops in attributes:
        shapes, texts = [], []
        interp.run_xdot(ops, shapes, texts)
        out.append((shapes, texts))
    return out


def test_coordinates_are_shifted_and_flipped_the_same_when_repeated():
    [(shapes, texts)] = run("P 3 10 20 30 20 10 20 T 10 20 0 5 1 -x", left=10.0)
    assert shapes[0].points == ((0.0, 80.0), (20.0, 80.0), (0.0, 80.0))
    assert all(type(v) is float for p in shapes[0].points for v in p)
    assert (texts[0].x, texts[0].y) == (0.0, 80.0)
    assert shapes[0].kind == "polygon" and shapes[0].filled


def test_a_style_depends_on_the_pen_it_changes_not_only_on_its_text():
    # The same "dashed" op after "bold" and after a fresh pen: the width differs.
    (bold, _), (plain, _), (hidden, _), (after, _) = run(
        "S 4 -bold S 6 -dashed b 1 0 0",
        "S 6 -dashed b 1 0 0",
        "S 5 -invis S 6 -dashed b 1 0 0 T 0 0 0 5 1 -x",
        "S 6 -dashed B 1 0 0")
    assert (bold[0].pen.width, bold[0].pen.style) == (2.0, "dashed")
    assert (plain[0].pen.width, plain[0].pen.style) == (1.0, "dashed")
    assert hidden == []
    assert (after[0].pen.style, after[0].filled, after[0].kind) == ("dashed", False, "bezier")
    [(shapes, _)] = run("S 17 -setlinewidth(1.5) S 6 -dotted L 2 0 0 1 1")
    assert (shapes[0].pen.width, shapes[0].pen.style, shapes[0].kind) == (1.5, "dotted", "polyline")


def test_texts_with_spaces_accents_and_backslashes_are_counted_in_bytes():
    # xdot counts the bytes of the text as it was and doubles its backslashes.
    [(_, texts)] = run(r"F 11 9 -Open Sans c 7 -#112233 t 1 T 5 6 -1 20 6 -é a\\b T 5 6 1 20 3 -a b")
    assert [t.text for t in texts] == ["é a\\b", "a b"]
    assert [t.anchor for t in texts] == ["l", "r"]
    assert texts[0].font == "Open Sans" and texts[0].size == 11.0 and texts[0].bold and not texts[0].italic
    assert texts[0].color == "#112233"


@pytest.mark.parametrize("ops", ["b 3 0 0 1 1", "P -1 0 0", "T 1 2 0 5 4 -ab", "Z 1 2", "c 7 -[0 2 #"])
def test_what_it_cannot_read_is_left_to_dot_json(ops):
    with pytest.raises(_Unsupported):
        run(ops)

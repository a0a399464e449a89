import pytest

from iomviewer.ui.navigation import NavigationHistory

pytestmark = pytest.mark.core


def test_back_and_forward_like_a_browser():
    h = NavigationHistory()
    for u in ("a", "b", "c"):
        h.visit(u)
    assert h.back() == "b" and h.back() == "a" and h.back() is None
    assert h.forward() == "b"
    h.visit("d")  # a new visit drops the forward stack
    assert not h.can_go_forward()
    assert h.back() == "b"


def test_visit_same_or_none_is_ignored_and_retain_filters():
    h = NavigationHistory()
    h.visit("a"); h.visit("a"); h.visit(None); h.visit("b"); h.visit("c")
    assert h.back() == "b"
    h.retain({"a", "c"})
    assert h.current is None
    assert h.back() == "a"
    assert h.forward() == "c"
    h2 = NavigationHistory(limit=2)
    for u in "abcde":
        h2.visit(u)
    assert [h2.back(), h2.back(), h2.back()] == ["d", "c", None]

"""Back/forward history over selected unit ids (plain Python, no Qt)."""
from __future__ import annotations


class NavigationHistory:
    """A browser-like history: visiting a new unit drops the forward stack."""

    def __init__(self, limit: int = 200) -> None:
        self._back: list[str] = []
        self._forward: list[str] = []
        self._current: str | None = None
        self._limit = limit

    @property
    def current(self) -> str | None:
        return self._current

    def visit(self, unit_id: str | None) -> None:
        if unit_id is None or unit_id == self._current:
            return
        if self._current is not None:
            self._back.append(self._current)
            del self._back[: -self._limit]
        self._current = unit_id
        self._forward.clear()

    def can_go_back(self) -> bool:
        return bool(self._back)

    def can_go_forward(self) -> bool:
        return bool(self._forward)

    def back(self) -> str | None:
        if not self._back:
            return None
        if self._current is not None:
            self._forward.append(self._current)
        self._current = self._back.pop()
        return self._current

    def forward(self) -> str | None:
        if not self._forward:
            return None
        if self._current is not None:
            self._back.append(self._current)
        self._current = self._forward.pop()
        return self._current

    def retain(self, valid: set[str]) -> None:
        """Forget units that no longer exist (after an edition switch)."""
        self._back = [u for u in self._back if u in valid]
        self._forward = [u for u in self._forward if u in valid]
        if self._current not in valid:
            self._current = None

"""A comparison of two editions as one structure that can be shown, searched and exported.

``build_comparison(dataset, a, b)`` returns a ``Comparison``: the EditionDiff
and a *comparison edition*, the union of both structures.  Every unit of B
stands where B puts it; a unit only in A (removed, or not covered by a partial
B) stands under its parent in A, after its previous sibling in A.  The
comparison edition is an ``Edition`` (so the tree, the search, the detail pane
and the exporter take it as they are) that also carries the change marks,
old names and old parents (``ChangeMarks``): the chart draws them from there,
so what the window shows and what an export writes are the same.

No Qt here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from iomviewer.core.cache import sha256
from iomviewer.core.diff import CATEGORIES, EditionDiff, UnitChange, diff_editions
from iomviewer.core.model import Dataset, Edition, Period, Unit

# Marks by precedence: the first one a unit has gives its box its colour.
MARK_ORDER: tuple[str, ...] = (
    "removed", "added", "moved", "renamed", "mandate_changed", "not_covered", "not_in_a_coverage")
# Marks that are real changes (the others say an edition does not speak of the unit).
CHANGE_MARKS: tuple[str, ...] = ("added", "removed", "renamed", "moved", "mandate_changed")
COVERAGE_MARKS: tuple[str, ...] = ("not_covered", "not_in_a_coverage")


@dataclass(frozen=True)
class ChangeMarks:
    """What the chart needs to draw a comparison: per unit, its marks, its old name and old parent.

    Tuples only, so it is hashable and compares by value.
    """

    a: str
    b: str
    marks: tuple[tuple[str, tuple[str, ...]], ...] = ()  # unit id → marks, by MARK_ORDER
    old_names: tuple[tuple[str, str], ...] = ()  # unit id → name in A (renamed units)
    old_parents: tuple[tuple[str, str], ...] = ()  # unit id → parent in A (moved units)
    _marks: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False, hash=False)
    _old_names: dict[str, str] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_marks", dict(self.marks))
        object.__setattr__(self, "_old_names", dict(self.old_names))

    def __repr__(self) -> str:
        # Short but exact: it goes into layout cache keys.
        digest = sha256(repr((self.marks, self.old_names, self.old_parents)).encode()).hexdigest()[:16]
        return f"ChangeMarks({self.a!r}, {self.b!r}, {digest})"

    def marks_of(self, unit_id: str) -> tuple[str, ...]:
        return self._marks.get(unit_id, ())

    def old_name(self, unit_id: str) -> str | None:
        return self._old_names.get(unit_id)

    def present(self) -> list[str]:
        """The marks some unit carries, in MARK_ORDER."""
        found = {m for _, ms in self.marks for m in ms}
        return [m for m in MARK_ORDER if m in found]


class ComparisonEdition(Edition):
    """The union of two editions, with the marks of the change from A to B."""

    FIELDS = Edition.FIELDS + ("changes",)
    changes: ChangeMarks | None

    def __init__(self, *args: Any, changes: ChangeMarks | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        object.__setattr__(self, "changes", changes)


def comparison_of(edition: Edition | None) -> ChangeMarks | None:
    """The change marks of a comparison edition (None for an ordinary edition)."""
    return getattr(edition, "changes", None)


def comparison_id(a: str, b: str) -> str:
    return f"{a}..{b}"


@dataclass(frozen=True, eq=False)
class Comparison:
    """Edition A compared with edition B: the diff, and the union to show it on."""

    dataset: Dataset
    diff: EditionDiff
    edition: ComparisonEdition
    by_unit: Mapping[str, UnitChange] = field(default_factory=dict)

    @property
    def a(self) -> Edition:
        return self.dataset.edition(self.diff.a)

    @property
    def b(self) -> Edition:
        return self.dataset.edition(self.diff.b)

    @property
    def changes(self) -> ChangeMarks:
        assert self.edition.changes is not None
        return self.edition.changes

    def marks_of(self, unit_id: str) -> tuple[str, ...]:
        return self.changes.marks_of(unit_id)

    def changed_ids(self, include_coverage: bool = False) -> set[str]:
        """Units with a real change (and, if asked, those one edition does not cover)."""
        wanted = set(CHANGE_MARKS) | (set(COVERAGE_MARKS) if include_coverage else set())
        return {uid for uid, ms in self.changes.marks if wanted & set(ms)}

    def change_of(self, unit_id: str) -> UnitChange | None:
        return self.by_unit.get(unit_id)

    def parent_readings(self, unit_id: str) -> tuple[str | None, str | None]:
        """The unit's parent in A and in B (None where the edition lacks the unit or it is the root)."""
        ua, ub = self.a.get(unit_id), self.b.get(unit_id)
        return (ua.parent if ua else None), (ub.parent if ub else None)

    def branch_of(self, unit_id: str) -> str:
        """The top-level branch a unit belongs to in the comparison edition (see branches())."""
        return self._branches().get(unit_id, unit_id)

    def _branches(self) -> dict[str, str]:
        cached = self.__dict__.get("_branch_cache")
        if cached is None:
            cached = branches(self.edition)
            object.__setattr__(self, "_branch_cache", cached)
        return cached

    def groups(self, include_coverage: bool = True) -> list[tuple[str, list[tuple[str, list[UnitChange]]]]]:
        """Changes grouped by category (CATEGORIES order), then by branch (chart order)."""
        order = {u.id: i for i, u in enumerate(self.edition.units)}
        out = []
        for category in CATEGORIES:
            if not include_coverage and category in COVERAGE_MARKS:
                continue
            changes = self.diff.changes(category)
            if not changes:
                continue
            by_branch: dict[str, list[UnitChange]] = {}
            for change in sorted(changes, key=lambda c: order.get(c.id, len(order))):
                by_branch.setdefault(self.branch_of(change.id), []).append(change)
            out.append((category, sorted(by_branch.items(), key=lambda kv: order.get(kv[0], len(order)))))
        return out

    def to_json(self) -> dict[str, Any]:
        return {"a": self.diff.a, "b": self.diff.b, "marks": {uid: list(ms) for uid, ms in self.changes.marks},
                "counts": self.diff.counts()}


def branches(edition: Edition) -> dict[str, str]:
    """Map each unit to the branch it is listed under: a child of the root, or one level lower.

    When one child of the root holds more than half the units (the Siège), its
    own children are the branches inside it: "Siège" alone says little.
    """
    root = edition.root.id
    # Units in each subtree (source order need not be preorder, so walk up from each unit).
    counts = {u.id: 0 for u in edition.units}
    for u in edition.units:
        seen: set[str] = set()
        current: str | None = u.id
        while current is not None and current not in seen:
            seen.add(current)
            counts[current] = counts.get(current, 0) + 1
            parent = edition.get(current)
            current = parent.parent if parent is not None else None
    total = len(edition.units)
    big = {k for k in edition.children(root) if counts.get(k, 0) > total / 2}
    out: dict[str, str] = {}
    for u in edition.units:
        path = edition.path_from_root(u.id)
        if len(path) == 1:
            out[u.id] = root
        elif path[1] in big and len(path) > 2:
            out[u.id] = path[2]
        else:
            out[u.id] = path[1]
    return out


def _union_units(ea: Edition, eb: Edition) -> list[Unit]:
    """B's units in B's order, then each unit only in A right after the unit before it in A."""
    units = list(eb.units)
    inserted_after: dict[str, list[Unit]] = {}
    previous: str | None = None
    leading: list[Unit] = []
    for ua in ea.units:
        if ua.id in eb:
            previous = ua.id
            continue
        if previous is None:
            leading.append(ua)
        else:
            inserted_after.setdefault(previous, []).append(ua)
        previous = ua.id
    out: list[Unit] = []
    for u in units:
        out.append(u)
        todo = list(inserted_after.get(u.id, ()))
        while todo:  # a chain of A-only units, each after the one before it
            extra = todo.pop(0)
            out.append(extra)
            todo[:0] = inserted_after.get(extra.id, [])
    # Units of A before any unit B shares: after B's root (never before it).
    return out[:1] + leading + out[1:] if leading else out


def _union_root_fix(units: list[Unit], eb: Edition) -> list[Unit]:
    """Hang an A-only root under B's root: the union must have one root."""
    root = eb.root.id
    return [u._replace(parent=root) if u.parent is None and u.id != root else u for u in units]


def build_comparison(dataset: Dataset, a: str, b: str) -> Comparison:
    """Compare edition a with edition b; KeyError if either is unknown."""
    ea, eb = dataset.edition(a), dataset.edition(b)
    diff = diff_editions(dataset, ea.id, eb.id)
    marks: dict[str, set[str]] = {}
    by_unit: dict[str, UnitChange] = {}
    for category in CATEGORIES:
        for change in diff.changes(category):
            marks.setdefault(change.id, set()).add(category)
            by_unit.setdefault(change.id, change)
    old_names = tuple((c.id, c.old_name) for c in diff.renamed if c.old_name)
    old_parents = tuple((c.id, c.old_parent) for c in diff.moved if c.old_parent)
    ordered = tuple(sorted((uid, tuple(m for m in MARK_ORDER if m in ms)) for uid, ms in marks.items()))
    changes = ChangeMarks(ea.id, eb.id, ordered, tuple(sorted(old_names)), tuple(sorted(old_parents)))

    units = _union_root_fix(_union_units(ea, eb), eb)
    period = Period(_period_label(ea, eb), ea.period.start, eb.period.end)
    sources = tuple(dict.fromkeys(ea.sources + eb.sources))
    partial = [e for e in (ea, eb) if e.is_partial]
    note = None
    if partial:
        note = " ; ".join(f"« {e.label} » : {e.coverage_note or 'couverture partielle'}" for e in partial)
    edition = ComparisonEdition(
        id=comparison_id(ea.id, eb.id),
        label=f"Comparaison : {ea.label} → {eb.label}",
        period=period,
        units=tuple(units),
        sources=sources,
        evidence=(),
        coverage="partial" if partial else "full",
        coverage_note=note,
        changes=changes,
    )
    return Comparison(dataset, diff, edition, by_unit)


def _period_label(ea: Edition, eb: Edition) -> str:
    return f"{ea.period.label} → {eb.period.label}" if ea.period.label or eb.period.label else ""


def unchanged_branches(comparison: Comparison) -> frozenset[str]:
    """The units to fold so that the chart shows the changes and their context only.

    A unit is folded when nothing below it changed (a changed unit too: what
    changed is the box itself); only the topmost such units are returned, so
    the chart keeps every changed unit, its ancestors and their siblings.
    """
    edition = comparison.edition
    changed = comparison.changed_ids()
    below: dict[str, bool] = {}  # unit → some descendant changed
    for uid in changed:  # walk up from each change: exact whatever the units' order
        seen: set[str] = set()
        current = edition.get(uid).parent if uid in edition else None
        while current is not None and current not in seen:
            seen.add(current)
            below[current] = True
            parent = edition.get(current)
            current = parent.parent if parent is not None else None
    candidates = {u.id for u in edition.units if edition.children(u.id) and not below.get(u.id, False)}
    return frozenset(uid for uid in candidates if edition.unit(uid).parent not in candidates)

"""Plain data classes for the organisation: units, editions, the dataset.

Nothing here imports Qt or networkx; objects are immutable once loaded.
The records (a unit, its source, links, aliases…) are named tuples: they
are made at every start, and a frozen dataclass costs about 1.5 ms to
define and an `object.__setattr__` per field to build (see benchmarks/RESULTS.md).
Edition and Dataset, which keep lookup tables beside their fields, are
Frozen classes written out for the same reason.
"""
from __future__ import annotations

from typing import Any, Iterator, Mapping, NamedTuple

# The closed list of kinds.  Order matters: it is the legend's order.
KINDS: tuple[str, ...] = (
    "organisation",
    "governing_body",
    "headquarters",
    "directorate",
    "office",
    "department",
    "institute",
    "division",
    "unit",
    "secretariat",
    "centre",
    "team",
    "regional_office",
    "liaison_office",
    "country_office",
    "administrative_centre",
    "committee",
    "group",
)

# French labels, used by the command line and chart legends.  The desktop
# app translates its own copy so that English is available there too.
KIND_LABELS_FR: Mapping[str, str] = {
    "organisation": "Organisation",
    "governing_body": "Organe directeur",
    "headquarters": "Siège",
    "directorate": "Direction générale",
    "office": "Bureau",
    "department": "Département",
    "institute": "Institut",
    "division": "Division",
    "unit": "Unité",
    "secretariat": "Secrétariat",
    "centre": "Centre",
    "team": "Équipe ou fonction",
    "regional_office": "Bureau régional",
    "liaison_office": "Bureau de liaison",
    "country_office": "Bureau de pays",
    "administrative_centre": "Centre administratif",
    "committee": "Comité",
    "group": "Ensemble",
}

KIND_LABELS_EN: Mapping[str, str] = {
    "organisation": "Organisation",
    "governing_body": "Governing body",
    "headquarters": "Headquarters",
    "directorate": "Directorate",
    "office": "Office",
    "department": "Department",
    "institute": "Institute",
    "division": "Division",
    "unit": "Unit",
    "secretariat": "Secretariat",
    "centre": "Centre",
    "team": "Team or function",
    "regional_office": "Regional office",
    "liaison_office": "Liaison office",
    "country_office": "Country office",
    "administrative_centre": "Administrative centre",
    "committee": "Committee",
    "group": "Group",
}

# Secondary links between units, besides the one line of authority.
LINK_TYPES: tuple[str, ...] = (
    "supervised_on_behalf_of",  # supervised by target on behalf of the DG
    "supports",  # assists or serves target
    "alternative_parent",  # another reading of the sources puts it under target
    "coordinated_by",  # target coordinates its work
    "hosted_by",  # target hosts it
    "located_in",  # it sits in target (an administrative centre)
    "works_with",  # close collaboration named in the text
)

LINK_LABELS_FR: Mapping[str, str] = {
    "supervised_on_behalf_of": "supervisé au nom du Directeur général par",
    "supports": "appuie",
    "alternative_parent": "autre lecture : rattaché à",
    "coordinated_by": "coordonné par",
    "hosted_by": "hébergé par",
    "located_in": "situé dans",
    "works_with": "travaille avec",
}

LINK_LABELS_EN: Mapping[str, str] = {
    "supervised_on_behalf_of": "supervised on behalf of the Director General by",
    "supports": "supports",
    "alternative_parent": "alternative reading: under",
    "coordinated_by": "coordinated by",
    "hosted_by": "hosted by",
    "located_in": "located in",
    "works_with": "works with",
}


class SourceRef(NamedTuple):
    """A place in one source file: its name and 1-based line numbers."""

    file: str
    lines: tuple[int, ...] = ()

    def __str__(self) -> str:
        if not self.lines:
            return self.file
        return f"{self.file}:{','.join(str(n) for n in self.lines)}"


class Alias(NamedTuple):
    text: str
    source: SourceRef | None = None


class Link(NamedTuple):
    type: str
    target: str
    evidence: str = ""
    source: SourceRef | None = None


class Unit(NamedTuple):
    id: str
    name: str
    kind: str
    parent: str | None
    source: SourceRef
    aliases: tuple[Alias, ...] = ()
    acronym: str | None = None
    mandate: tuple[str, ...] = ()
    # The verbatim sentence or list item that names a unit the text does not
    # describe in a paragraph of its own.
    mention: str | None = None
    links: tuple[Link, ...] = ()

    @property
    def alias_texts(self) -> tuple[str, ...]:
        return tuple(a.text for a in self.aliases)

    @property
    def mandate_text(self) -> str:
        return "\n\n".join(self.mandate)


class Period(NamedTuple):
    label: str
    start: int | None = None
    end: int | None = None


class Frozen:
    """Immutable; equal, hashed and shown by its FIELDS: a frozen dataclass, written out.

    dataclass() compiles each class's methods when its module is imported
    (about 1 ms a class, and 1 ms to import dataclasses); every start imports
    this module.  Derived attributes (caches) are set with object.__setattr__
    and take no part in equality.
    """

    FIELDS: tuple[str, ...] = ()

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self.FIELDS)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values() == other._values()  # type: ignore[attr-defined]
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        return f"{type(self).__qualname__}({', '.join(f'{n}={getattr(self, n)!r}' for n in self.FIELDS)})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field '{name}'")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field '{name}'")


class Edition(Frozen):
    """One dated state of the structure, with every unit resolved."""

    FIELDS = ("id", "label", "period", "units", "sources", "evidence", "coverage", "coverage_note", "based_on")
    id: str
    label: str
    period: Period
    units: tuple[Unit, ...]
    sources: tuple[str, ...]
    evidence: tuple[str, ...]
    coverage: str  # "full" or "partial"
    coverage_note: str | None
    based_on: str | None

    def __init__(self, id: str, label: str, period: Period, units: tuple[Unit, ...],
                 sources: tuple[str, ...] = (), evidence: tuple[str, ...] = (), coverage: str = "full",
                 coverage_note: str | None = None, based_on: str | None = None) -> None:
        set_ = object.__setattr__
        for name, value in zip(Edition.FIELDS, (id, label, period, units, sources, evidence, coverage,
                                                coverage_note, based_on)):
            set_(self, name, value)
        by_id = {u.id: u for u in units}
        children: dict[str | None, list[str]] = {}
        for u in units:
            children.setdefault(u.parent, []).append(u.id)
        set_(self, "_by_id", by_id)
        set_(self, "_children", {k: tuple(v) for k, v in children.items()})

    @property
    def is_partial(self) -> bool:
        return self.coverage == "partial"

    @property
    def root(self) -> Unit:
        return self._by_id[self._children[None][0]]

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self._by_id

    def __len__(self) -> int:
        return len(self.units)

    def __iter__(self) -> Iterator[Unit]:
        return iter(self.units)

    def unit(self, unit_id: str) -> Unit:
        """Return the unit with this id; KeyError if it is not in the edition."""
        return self._by_id[unit_id]

    def get(self, unit_id: str | None) -> Unit | None:
        return self._by_id.get(unit_id) if unit_id is not None else None

    def children(self, unit_id: str | None) -> tuple[str, ...]:
        """Ids of the unit's children in source order (None: the root)."""
        return self._children.get(unit_id, ())

    def path_from_root(self, unit_id: str) -> list[str]:
        """Ids from the root down to and including unit_id."""
        path = []
        current: str | None = unit_id
        while current is not None:
            path.append(current)
            current = self._by_id[current].parent
        path.reverse()
        return path

    def depth(self, unit_id: str) -> int:
        return len(self.path_from_root(unit_id)) - 1


class HistoryRecord(NamedTuple):
    """A rename or succession recorded in the data, with its evidence."""

    unit: str
    type: str  # "rename" or "succession"
    from_edition: str
    to_edition: str
    old_name: str
    new_name: str
    evidence: str
    sources: tuple[SourceRef, ...] = ()


class Fact(NamedTuple):
    """An organisation-level figure, kept with its source and date."""

    key: str  # member_states, countries, offices, founded, ...
    value: str
    label: str
    source: SourceRef
    edition: str | None = None
    note: str | None = None


class SourceDoc(NamedTuple):
    file: str
    title: str
    description: str = ""


class Dataset(Frozen):
    FIELDS = ("organisation", "acronym", "editions", "default_edition", "sources", "facts", "history", "path",
              "digest")
    organisation: str
    acronym: str
    editions: tuple[Edition, ...]
    default_edition: str
    sources: tuple[SourceDoc, ...]
    facts: tuple[Fact, ...]
    history: tuple[HistoryRecord, ...]
    path: str | None
    digest: str | None  # SHA-256 of the file's bytes, when loaded from a file

    def __init__(self, organisation: str, acronym: str, editions: tuple[Edition, ...], default_edition: str,
                 sources: tuple[SourceDoc, ...] = (), facts: tuple[Fact, ...] = (),
                 history: tuple[HistoryRecord, ...] = (), path: str | None = None, digest: str | None = None) -> None:
        set_ = object.__setattr__
        for name, value in zip(Dataset.FIELDS, (organisation, acronym, editions, default_edition, sources, facts,
                                                history, path, digest)):
            set_(self, name, value)
        set_(self, "_editions", {e.id: e for e in editions})

    def edition(self, edition_id: str | None = None) -> Edition:
        """Return an edition by id, or the default one; KeyError if unknown."""
        return self._editions[edition_id or self.default_edition]

    def has_edition(self, edition_id: str) -> bool:
        return edition_id in self._editions

    def editions_of(self, unit_id: str) -> list[str]:
        """Ids of the editions, oldest first, in which the unit appears."""
        return [e.id for e in self.editions if unit_id in e]

    def history_of(self, unit_id: str) -> list[HistoryRecord]:
        return [h for h in self.history if h.unit == unit_id]

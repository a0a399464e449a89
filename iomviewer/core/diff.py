"""Compare two editions of the dataset: units added, removed, renamed, moved, re-mandated.

Identity comes from unit ids, which are stable across editions; renames and
successions come from ``Dataset.history`` with their evidence.  Nothing here
matches names across different ids: a guess would pass for a sourced fact.

A partial edition describes only part of the structure, so a unit it does not
list is *not covered*, not removed (or added).  Texts are compared word by word
with French-aware tokens; whitespace-only differences (NBSP, line breaks inside
a paragraph) are not changes, while spelling ones (œ/oe, É/E, ’/') are.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from iomviewer.core.model import Dataset, Edition, HistoryRecord, Unit

# The categories of change, in the order reports list them.
CATEGORIES: tuple[str, ...] = (
    "added",
    "removed",
    "renamed",
    "moved",
    "mandate_changed",
    "not_covered",
    "not_in_a_coverage",
)

# ---------------------------------------------------------------------------
# Tokens

# A letter or digit, or a combining accent (decomposed "é" is "e" + U+0301,
# and U+0301 is not \w): a word must not break inside its own accents.
_W = r"[\w\u0300-\u036f]"
_APOS = "’'ʼ"
# Numbers with internal separators: "2019–2023", "1,5", "01/02/2020".
_NUM = r"\d+(?:[.,–/]\d+)+"
_TOKEN_RE = re.compile(
    # An elided article or conjunction, apostrophe included, split from the
    # word it leans on: "l’" + "Organisation", "qu’" + "il".  Only at the start
    # of a word, so "aujourd’hui" and "presqu’île" stay whole.
    rf"(?<!{_W})(?i:jusqu|lorsqu|puisqu|quoiqu|qu|[cçdjlmnst])[{_APOS}](?={_W})"
    # Thousands in groups of three: "1 000", "20 000" (space, NBSP, narrow NBSP).
    rf"|(?<![\w.,])\d{{1,3}}(?:[ \u00a0\u202f\u2009]\d{{3}})+(?:,\d+)?(?!{_W})"
    # Words, hyphenated compounds and numbers: "socio-économique",
    # "Addis-Abeba", "2019-2023", "prud’homme".
    rf"|(?:{_NUM}|{_W}+)(?:[-‐‑{_APOS}](?:{_NUM}|{_W}+))*"
    r"|\s+"
    # Anything else, one character at a time: punctuation, symbols.
    r"|[\s\S]"
)


def tokenize_words(text: str) -> list[str]:
    """Split French text into words, whitespace runs and punctuation; "".join() gives it back."""
    return _TOKEN_RE.findall(text)


def _token_key(token: str) -> str:
    """Return what a token is compared by: whitespace runs and Unicode forms unified."""
    if token.isspace():
        # A paragraph break is structure; any other run of spaces, NBSP or
        # single newlines is just a space.
        return "\n\n" if token.count("\n") >= 2 else " "
    # "1 000" and "1\u00a0000" are the same number.
    return " ".join(unicodedata.normalize("NFC", token).split())


# ---------------------------------------------------------------------------
# Word diff


@dataclass(frozen=True, slots=True)
class WordOp:
    """One run of a word diff.

    ``text`` is the new text for "equal" and "insert", the old one for
    "delete".  An "equal" run whose old text differs only in whitespace or
    Unicode form keeps the old text in ``old_text`` (None otherwise), so both
    sides can be rebuilt exactly: see ``old_text_of`` and ``new_text_of``.
    """

    op: str  # "equal" | "insert" | "delete"
    text: str
    old_text: str | None = None

    def to_json(self) -> dict[str, str]:
        d = {"op": self.op, "text": self.text}
        if self.old_text is not None:
            d["old_text"] = self.old_text
        return d


def old_text_of(ops: Iterable[WordOp]) -> str:
    """Rebuild the old text from a word diff."""
    return "".join(
        (o.old_text if o.old_text is not None else o.text) for o in ops if o.op in ("equal", "delete")
    )


def new_text_of(ops: Iterable[WordOp]) -> str:
    """Rebuild the new text from a word diff."""
    return "".join(o.text for o in ops if o.op in ("equal", "insert"))


def spaced_for_reading(ops: Iterable[WordOp]) -> list[WordOp]:
    """The runs to draw: a deletion and the insertion after it kept a space apart.

    Drawn touching, "Le Bureau exécutif" struck through then "Sous la
    direction" underlined read "exécutifSous".  Where neither run has a space
    at that edge, a plain space goes between them.  For display only: the
    old_text_of and new_text_of of the result are no longer the two texts.
    """
    out: list[WordOp] = []
    for op in ops:
        if (op.op == "insert" and out and out[-1].op == "delete" and op.text[:1] and not op.text[:1].isspace()
                and not out[-1].text[-1:].isspace()):
            out.append(WordOp("equal", " "))
        out.append(op)
    return out


def word_diff(old: str, new: str) -> list[WordOp]:
    """Diff two texts word by word; runs of the same kind are merged."""
    a, b = tokenize_words(old), tokenize_words(new)
    ka, kb = [_token_key(t) for t in a], [_token_key(t) for t in b]
    if ka == kb:  # most mandates do not change between editions: no matcher (it is O(n·m) on spaces)
        return [WordOp("equal", new, old if old != new else None)] if new else []
    # autojunk=False: its popularity heuristic treats frequent tokens (spaces,
    # "de", "la") as junk once a text passes 200 tokens, which shreds the diff.
    matcher = difflib.SequenceMatcher(None, ka, kb, autojunk=False)
    # Regions of ("equal" | "change", old tokens, new tokens).
    regions: list[tuple[str, list[str], list[str]]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        kind = "equal" if tag == "equal" else "change"
        if regions and kind == "change" and regions[-1][0] == "change":
            regions[-1][1].extend(a[i1:i2])
            regions[-1][2].extend(b[j1:j2])
        else:
            regions.append((kind, a[i1:i2], b[j1:j2]))
    regions = _absorb_small_equalities(regions)
    ops: list[WordOp] = []
    for kind, old_tokens, new_tokens in regions:
        old_s, new_s = "".join(old_tokens), "".join(new_tokens)
        if kind == "equal":
            ops.append(WordOp("equal", new_s, old_s if old_s != new_s else None))
            continue
        # Deletion before insertion, so a replaced phrase reads old → new.
        if old_s:
            ops.append(WordOp("delete", old_s))
        if new_s:
            ops.append(WordOp("insert", new_s))
    return ops


def _absorb_small_equalities(
    regions: list[tuple[str, list[str], list[str]]],
) -> list[tuple[str, list[str], list[str]]]:
    """Fold into its neighbours an equal run no longer than the changes on either side.

    A rewritten sentence shares spaces and small words ("de", "l’") with the
    old one; matching them shreds the diff into alternating fragments.  This
    is the rule of diff-match-patch's semantic cleanup, applied to words.
    """
    def size(tokens: list[str]) -> int:
        return sum(len(_token_key(t)) for t in tokens)

    i = 1
    while i < len(regions) - 1:
        kind, old, new = regions[i]
        before, after = regions[i - 1], regions[i + 1]
        if (
            kind == "equal"
            and before[0] == "change"
            and after[0] == "change"
            and size(new) <= max(size(before[1]), size(before[2]))
            and size(new) <= max(size(after[1]), size(after[2]))
        ):
            merged = ("change", before[1] + old + after[1], before[2] + new + after[2])
            regions[i - 1 : i + 2] = [merged]
            i = max(1, i - 1)  # the merged change may now swallow the equality before it
        else:
            i += 1
    return regions


def _paragraphs_text(paragraphs: Sequence[str]) -> str:
    # Blank paragraphs and edge whitespace carry no meaning; dropping them
    # keeps a stray trailing space from showing up as a change.
    return "\n\n".join(p.strip() for p in paragraphs if p.strip())


def mandate_diff(old: Sequence[str], new: Sequence[str]) -> list[WordOp]:
    """Diff two mandates (tuples of paragraphs), paragraphs joined with a blank line."""
    return word_diff(_paragraphs_text(old), _paragraphs_text(new))


def _has_changes(ops: Iterable[WordOp]) -> bool:
    return any(o.op != "equal" for o in ops)


# ---------------------------------------------------------------------------
# Edition diff


def normalise_name(name: str) -> str:
    """Return the form names are compared by: case and spacing ignored, accents kept, ’ == '."""
    text = unicodedata.normalize("NFC", name)
    for apostrophe in "’ʼ":
        text = text.replace(apostrophe, "'")
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class UnitChange:
    id: str
    name: str  # name in B (or in A for removed / not covered)
    kind: str
    old_name: str | None = None  # set when renamed
    old_parent: str | None = None  # these four are set when moved
    new_parent: str | None = None
    old_parent_name: str | None = None
    new_parent_name: str | None = None
    mandate_ops: tuple[WordOp, ...] = ()  # set when the mandate changed
    history: tuple[HistoryRecord, ...] = ()  # recorded records between A and B, oldest first

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "name": self.name, "kind": self.kind}
        if self.old_name is not None:
            d["old_name"] = self.old_name
        if self.old_parent is not None or self.new_parent is not None:
            d.update(
                old_parent=self.old_parent,
                new_parent=self.new_parent,
                old_parent_name=self.old_parent_name,
                new_parent_name=self.new_parent_name,
            )
        if self.mandate_ops:
            d["diff"] = [o.to_json() for o in self.mandate_ops]
        if self.history:
            d["history"] = [history_to_json(h) for h in self.history]
        return d


def history_to_json(h: HistoryRecord) -> dict[str, Any]:
    return {
        "type": h.type,
        "from_edition": h.from_edition,
        "to_edition": h.to_edition,
        "old_name": h.old_name,
        "new_name": h.new_name,
        "evidence": h.evidence,
        "sources": [str(s) for s in h.sources],
    }


@dataclass(frozen=True)
class EditionDiff:
    """What changed from edition ``a`` to edition ``b``.

    A unit in both editions that changed in several ways (renamed and moved,
    say) appears in each list, as the same UnitChange.  Partial editions:

    - ``not_covered``: in A, absent from a partial B; its absence is not removal.
    - ``not_in_a_coverage``: in B, absent from a partial A; its absence from A
      says nothing about whether it existed then, so it is not "added".
    """

    a: str
    b: str
    added: tuple[UnitChange, ...] = ()
    removed: tuple[UnitChange, ...] = ()
    renamed: tuple[UnitChange, ...] = ()
    moved: tuple[UnitChange, ...] = ()
    mandate_changed: tuple[UnitChange, ...] = ()
    not_covered: tuple[UnitChange, ...] = ()
    not_in_a_coverage: tuple[UnitChange, ...] = ()
    _status: dict[str, frozenset[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        status: dict[str, set[str]] = {}
        for category in CATEGORIES:
            for change in getattr(self, category):
                status.setdefault(change.id, set()).add(category)
        object.__setattr__(self, "_status", {k: frozenset(v) for k, v in status.items()})

    def changes(self, category: str) -> tuple[UnitChange, ...]:
        if category not in CATEGORIES:
            raise KeyError(category)
        return getattr(self, category)

    def is_empty(self) -> bool:
        return not any(getattr(self, c) for c in CATEGORIES)

    def counts(self) -> dict[str, int]:
        return {c: len(getattr(self, c)) for c in CATEGORIES}

    def status_of(self, unit_id: str) -> set[str]:
        """Return the categories the unit falls in (empty when unchanged or unknown)."""
        return set(self._status.get(unit_id, ()))

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"a": self.a, "b": self.b}
        for c in CATEGORIES:
            d[c] = [change.to_json() for change in getattr(self, c)]
        d["counts"] = self.counts()
        return d


def history_between(dataset: Dataset, unit_id: str, a: str, b: str) -> tuple[HistoryRecord, ...]:
    """Return the unit's recorded renames/successions lying between editions a and b, oldest first."""
    order = {e.id: i for i, e in enumerate(dataset.editions)}
    lo, hi = sorted((order[a], order[b]))
    found = []
    for h in dataset.history_of(unit_id):
        start, end = order.get(h.from_edition), order.get(h.to_edition)
        if start is None or end is None:
            continue
        if lo <= min(start, end) and max(start, end) <= hi and start != end:
            found.append((start, end, h))
    found.sort(key=lambda t: (t[0], t[1]))  # stable: data order breaks ties
    return tuple(h for _, _, h in found)


def _name_of(edition: Edition, unit_id: str | None) -> str | None:
    unit = edition.get(unit_id)
    return unit.name if unit is not None else None


def _is_ancestor(edition: Edition, ancestor: str, unit_id: str) -> bool:
    """Whether `ancestor` lies above `unit_id` in the edition (False if either is missing)."""
    if unit_id not in edition or ancestor not in edition:
        return False
    seen: set[str] = set()
    current = edition.unit(unit_id).parent
    while current is not None and current not in seen:  # bad data must not loop
        if current == ancestor:
            return True
        seen.add(current)
        parent = edition.get(current)
        current = parent.parent if parent is not None else None
    return False


def _is_move(ea: Edition, eb: Edition, ua: Unit, ub: Unit) -> bool:
    if ua.parent == ub.parent:
        return False
    # A partial edition that does not describe the other side's parent cannot
    # place the unit under it: the different parent is a coverage artefact,
    # as long as the partial edition's parent still lies above the unit on the
    # other side (a flat menu hangs a department from the root, skipping the
    # Siège).  If it does not, the texts disagree: the unit moved.
    if eb.is_partial and ua.parent is not None and ua.parent not in eb:
        return ub.parent is not None and not _is_ancestor(ea, ub.parent, ua.id)
    if ea.is_partial and ub.parent is not None and ub.parent not in ea:
        return ua.parent is not None and not _is_ancestor(eb, ua.parent, ub.id)
    return True


def _mandate_ops(ea: Edition, eb: Edition, ua: Unit, ub: Unit) -> tuple[WordOp, ...]:
    # A partial edition often names a unit without its mandate (a menu, a
    # list): an empty mandate there is silence, not a deleted mandate.
    if (ea.is_partial and not _paragraphs_text(ua.mandate)) or (eb.is_partial and not _paragraphs_text(ub.mandate)):
        return ()
    ops = mandate_diff(ua.mandate, ub.mandate)
    return tuple(ops) if _has_changes(ops) else ()


def diff_editions(dataset: Dataset, a: str, b: str) -> EditionDiff:
    """Compare edition a with edition b by unit id; KeyError if either is unknown."""
    ea, eb = dataset.edition(a), dataset.edition(b)
    if ea.id == eb.id:
        return EditionDiff(ea.id, eb.id)
    lists: dict[str, list[UnitChange]] = {c: [] for c in CATEGORIES}

    for ub in eb.units:
        history = history_between(dataset, ub.id, ea.id, eb.id)
        ua = ea.get(ub.id)
        if ua is None:
            change = UnitChange(ub.id, ub.name, ub.kind, history=history)
            lists["not_in_a_coverage" if ea.is_partial else "added"].append(change)
            continue
        renamed = normalise_name(ua.name) != normalise_name(ub.name)
        moved = _is_move(ea, eb, ua, ub)
        ops = _mandate_ops(ea, eb, ua, ub)
        if not (renamed or moved or ops):
            continue
        change = UnitChange(
            ub.id,
            ub.name,
            ub.kind,
            old_name=ua.name if renamed else None,
            old_parent=ua.parent if moved else None,
            new_parent=ub.parent if moved else None,
            old_parent_name=_name_of(ea, ua.parent) if moved else None,
            new_parent_name=_name_of(eb, ub.parent) if moved else None,
            mandate_ops=ops,
            history=history,
        )
        if renamed:
            lists["renamed"].append(change)
        if moved:
            lists["moved"].append(change)
        if ops:
            lists["mandate_changed"].append(change)

    for ua in ea.units:
        if ua.id in eb:
            continue
        change = UnitChange(ua.id, ua.name, ua.kind, history=history_between(dataset, ua.id, ea.id, eb.id))
        lists["not_covered" if eb.is_partial else "removed"].append(change)

    return EditionDiff(ea.id, eb.id, **{c: tuple(v) for c, v in lists.items()})

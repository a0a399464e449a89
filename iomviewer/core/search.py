"""Search units by the words of their name, acronym, aliases, mention or mandate.

One index per edition, built once: an inverted index from folded words (see
core/text.py) to the units holding them, split by field; a sorted vocabulary
for the prefix of the word being typed; rapidfuzz over the vocabulary, bucketed
by word length, for typos.  Every view uses this module: the search box lists
`search()` results, the tree and chart highlight `matching_ids()`.

Matching.  The query is cut to MAX_QUERY_CHARS (200) characters, the rest
ignored, then split into folded words; stop words (STOP_WORDS) are ignored,
and a query made only of them finds nothing.  Every remaining word must
match the unit, in any of its fields (AND across fields).  A word matches a
vocabulary word equal to it; one it starts, if it is the last word of the
query and has 2 characters or more (what is being typed); or one within a
few edits of it, adjacent transpositions counting as one edit (words of 4–7
characters: 1 edit, 8 and more: 2; none for shorter words or words with
digits).  A 1-character last word is still being typed and is left out: with
nothing else, the query finds only a unit whose whole name, acronym or alias
it is ("d", "x" find nothing in practice).

Ranking, best first.  A query equal to a unit's whole name, then acronym,
then alias, then id (compared word by word, folded) comes before every
partial match: "OIM" names the Organisation before any "Bureau de l’OIM".
Partial matches are ranked by the weakest query word's level, field first
(name > acronym > alias > mention > mandate), then how it matched
(word > prefix > typo); then by the sum over words; then shallower units,
shorter names, source order.  Scores follow that order.
"""
from __future__ import annotations

import bisect
import heapq
import logging
from dataclasses import dataclass, field as dc_field
from typing import Generator, Iterable, Iterator

from iomviewer.core.model import Edition, Unit
from iomviewer.core.text import STOP_WORDS, iter_words, normalize, tokenize, words

__all__ = ["MAX_QUERY_CHARS", "STOP_WORDS", "SearchIndex", "SearchResult", "find_units", "normalize",
           "tokenize"]

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 200  # longer input is cut before anything else: no name is that long
SNIPPET_CHARS = 160
MAX_FUZZY_CANDIDATES = 100  # per query word; a typo rarely has more close neighbours

FIELDS = ("name", "acronym", "alias", "mention", "mandate")  # partial-match tiers, best first
MATCHES = ("exact", "word", "prefix", "fuzzy")
_EXACT_FIELDS = ("name", "acronym", "alias", "id")  # levels 0–3
# A partial match of one word in field tier t (index in FIELDS) with rank r
# (0 word, 1 prefix, 2 typo) has level 4 + 3t + r.  Lower is better.
_PARTIAL = len(_EXACT_FIELDS)
_LEVELS = _PARTIAL + 3 * len(FIELDS)
_SUM_BITS = 20  # room for the sum of levels over the words of a capped query


@dataclass(frozen=True, slots=True)
class SearchResult:
    unit_id: str
    name: str
    kind: str
    score: float  # higher is better, comparable within one query
    field: str  # "name" | "acronym" | "alias" | "mandate" | "mention" | "id"
    match: str  # "exact" | "word" | "prefix" | "fuzzy"
    matched_text: str  # the name, acronym, alias, id, mention or mandate paragraph that matched
    snippet: str  # around the match for mandate/mention, else the start of the mandate (or mention)
    highlights: tuple[tuple[int, int], ...] = ()  # (start, end) in snippet


@dataclass(slots=True)
class _Term:
    word: str
    expansions: dict[str, int]  # vocabulary word -> rank (0 word, 1 prefix, 2 typo)
    levels: dict[int, int]  # unit index -> best level of this word in the unit


@dataclass(slots=True)
class _Match:
    """What one query matched: kept for the last query, so that search() and
    matching_ids() on the same text (as the search box does) match once."""

    ranked: dict[int, tuple[int, int]] = dc_field(default_factory=dict)  # unit -> (weakest, sum)
    terms: list[_Term] = dc_field(default_factory=list)
    exact_text: dict[int, str] = dc_field(default_factory=dict)


_NO_MATCH = _Match()


# Units indexed between two yields of SearchIndex.steps (~3 ms of work each).
STEP_UNITS = 25


class SearchIndex:
    """Answer queries over one edition; build once, query many times."""

    def __init__(self, edition: Edition) -> None:
        for _ in self._build(edition):
            pass

    @classmethod
    def steps(cls, edition: Edition, chunk: int = STEP_UNITS) -> Generator[None, None, "SearchIndex"]:
        """Build the index in small steps: yields between chunks of units, returns the index.

        A GUI drives it in short slices between events (workers.TaskRunner.submit_sliced):
        built in a worker thread instead, 10,000 units keep the GIL busy for a
        second and the window, which needs the GIL for every call into Python,
        stalls for 0.4-0.7 s at a time.
        """
        index = cls.__new__(cls)
        yield from index._build(edition, chunk)
        return index

    def _build(self, edition: Edition, chunk: int = 0) -> Iterator[None]:
        from rapidfuzz import process  # 35 ms to import: paid by the build, not the first key
        from rapidfuzz.distance import OSA

        self._extract, self._distance = process.extract, OSA.distance
        if chunk:
            yield  # the import was a step of its own
        self.edition = edition
        self._units: tuple[Unit, ...] = tuple(edition.units)
        # One inverted index per field tier: word -> units whose best field for it is that tier.
        self._postings: tuple[dict[str, set[int]], ...] = tuple({} for _ in FIELDS)
        # Whole names, acronyms and aliases, word by word -> (unit, level, text).
        self._exact: dict[str, list[tuple[int, int, str]]] = {}
        self._ids = {u.id.casefold(): i for i, u in enumerate(self._units)}
        cache: dict[str, str] = {}  # raw word -> folded: most words recur, folding is the cost
        for i, unit in enumerate(self._units):
            if chunk and i % chunk == chunk - 1:
                yield
            seen: set[str] = set()
            for tier, texts in enumerate(_field_texts(unit)):
                found: set[str] = set()
                for text in texts:
                    found.update(words(text, compounds=True, cache=cache))
                    if tier < 3:
                        key = " ".join(words(text, cache=cache))
                        if key:
                            self._exact.setdefault(key, []).append((i, tier, text))
                found -= seen  # a word counts once per unit, in its best field
                seen |= found
                postings = self._postings[tier]
                for word in found:
                    postings.setdefault(word, set()).add(i)
        vocabulary: set[str] = set()
        for postings in self._postings:
            vocabulary.update(postings)
        # The tail, in steps too: at 10,000 units each of these is tens of milliseconds.
        if chunk:
            yield
        self._vocabulary = sorted(vocabulary)
        if chunk:
            yield
        self._by_length: dict[int, list[str]] = {}
        for word in self._vocabulary:
            self._by_length.setdefault(len(word), []).append(word)
        if chunk:
            yield
        # Tie-breaks in one integer per unit: shallower, then shorter name, then source order.
        depth = _depths(edition)
        if chunk:
            yield
        order = sorted(range(len(self._units)),
                       key=lambda i: (depth[i], len(self._units[i].name), i))
        self._shift = max(1, len(self._units).bit_length())
        self._static = [0] * len(self._units)
        for position, i in enumerate(order):
            self._static[i] = position
        self._leads: dict[int, tuple[str, tuple[tuple[str, int, int], ...]]] = {}
        self._last: tuple[str, _Match] | None = None  # one query: bounded by construction
        log.debug("search index: %d units, %d words", len(self._units), len(self._vocabulary))

    # --- public ------------------------------------------------------------------------
    def search(self, query: str, limit: int = 50) -> list[SearchResult]:
        """Return the best `limit` units for the query, best first."""
        match = self._match(query)
        if limit <= 0 or not match.ranked:
            return []
        # One integer per unit sorts as (weakest level, sum of levels, tie-breaks).
        static, shift = self._static, self._shift
        keys = {e: (((weakest << _SUM_BITS) | total) << shift) | static[e]
                for e, (weakest, total) in match.ranked.items()}
        if len(keys) > 4 * limit:
            best = heapq.nsmallest(limit, keys, key=keys.__getitem__)
        else:
            best = sorted(keys, key=keys.__getitem__)[:limit]
        wanted: set[str] = set()
        for term in match.terms:
            wanted.update(term.expansions)
        return [self._result(e, match, wanted) for e in best]

    def matching_ids(self, query: str) -> set[str]:
        """Every unit the query matches, without limit (for highlighting)."""
        units = self._units
        return {units[e].id for e in self._match(query).ranked}

    # --- matching ----------------------------------------------------------------------
    def _match(self, query: str) -> _Match:
        query = query[:MAX_QUERY_CHARS]
        last = self._last
        if last is not None and last[0] == query:
            return last[1]
        match = self._compute(query)
        self._last = (query, match)
        return match

    def _compute(self, query: str) -> _Match:
        all_words = words(query)
        content = [w for w in all_words if w not in STOP_WORDS]
        if not content:
            return _NO_MATCH
        match = _Match()
        # Whole name, acronym, alias or id typed out.
        for e, tier, text in self._exact.get(" ".join(all_words), ()):
            if e not in match.ranked or tier < match.ranked[e][0]:
                match.ranked[e] = (tier, 0)
                match.exact_text[e] = text
        e = self._ids.get(query.strip().casefold())
        if e is not None and e not in match.ranked:
            match.ranked[e] = (3, 0)
            match.exact_text[e] = self._units[e].id
        # Partial matches: every query word must match.
        terms = _terms(content, typing=all_words[-1] == content[-1])
        candidates: set[int] | None = None
        for word, is_prefix in terms:
            expansions = self._expand(word, is_prefix)
            levels = self._levels(expansions)
            match.terms.append(_Term(word, expansions, levels))
            candidates = set(levels) if candidates is None else candidates.intersection(levels)
            if not candidates:
                break
        if candidates:
            n = len(match.terms)
            if n == 1:
                only = match.terms[0].levels
                partial = {e: (only[e], only[e]) for e in candidates}
            else:
                maps = [t.levels for t in match.terms]
                partial = {}
                for e in candidates:
                    ls = [m[e] for m in maps]
                    partial[e] = (max(ls), sum(ls))
            for e, value in partial.items():
                if e not in match.ranked:
                    match.ranked[e] = value
        # An exact match ranks as if every word had matched at its level.
        n = max(1, len(match.terms))
        for e in match.exact_text:
            level = match.ranked[e][0]
            match.ranked[e] = (level, level * n)
        return match

    def _expand(self, word: str, is_prefix: bool) -> dict[str, int]:
        """Vocabulary words that `word` matches, with the rank of the match."""
        found: dict[str, int] = {}
        vocabulary = self._vocabulary
        i = bisect.bisect_left(vocabulary, word)
        if i < len(vocabulary) and vocabulary[i] == word:
            found[word] = 0
        if is_prefix and len(word) >= 2:
            end = bisect.bisect_left(vocabulary, word + "\U0010ffff", i)
            for candidate in vocabulary[i:end]:
                found.setdefault(candidate, 1)
        if len(word) >= 4 and not any(c.isdigit() for c in word):
            # Levenshtein with adjacent transpositions (OSA): "migartion" is one
            # slip away from "migration", not two.
            k = 1 if len(word) < 8 else 2
            for length in range(len(word) - k, len(word) + k + 1):
                bucket = self._by_length.get(length)
                if bucket:
                    for candidate, _, _ in self._extract(word, bucket, scorer=self._distance,
                                                         score_cutoff=k, limit=MAX_FUZZY_CANDIDATES):
                        found.setdefault(candidate, 2)
        return found

    def _levels(self, expansions: dict[str, int]) -> dict[int, int]:
        """Unit index -> the best level at which any expansion occurs in it."""
        by_level: dict[int, list[set[int]]] = {}
        for word, rank in expansions.items():
            for tier, postings in enumerate(self._postings):
                units = postings.get(word)
                if units:
                    by_level.setdefault(_PARTIAL + 3 * tier + rank, []).append(units)
        levels: dict[int, int] = {}
        for level in sorted(by_level, reverse=True):  # better levels overwrite worse ones
            for units in by_level[level]:
                levels.update(dict.fromkeys(units, level))
        return levels

    # --- results -----------------------------------------------------------------------
    def _lead(self, e: int, wanted: set[str]) -> tuple[str, tuple[tuple[int, int], ...]]:
        """The start of the mandate (or, lacking one, the mention), with the query words marked."""
        lead = self._leads.get(e)
        if lead is None:  # one per unit at most: bounded by the edition, not by queries
            unit = self._units[e]
            text = unit.mandate[0] if unit.mandate else (unit.mention or "")
            snippet = _window(text, 0, 0) if text else ""
            lead = self._leads[e] = (snippet, tuple(tokenize(snippet)))
        return lead[0], _spans(lead[1], wanted)

    def _result(self, e: int, match: _Match, wanted: set[str]) -> SearchResult:
        unit = self._units[e]
        weakest, total = match.ranked[e]
        n = max(1, len(match.terms))
        # Each level step is worth 4 points; the mean level moves the score by less than 4.
        score = round(100.0 - 4 * weakest - 3.9 * (total / n) / _LEVELS, 3)
        texts = _field_texts(unit)
        if weakest < _PARTIAL:
            field, kind, matched_text = _EXACT_FIELDS[weakest], "exact", match.exact_text[e]
            snippet, highlights = self._lead(e, wanted)
        else:
            tier, rank = divmod(weakest - _PARTIAL, 3)
            field, kind = FIELDS[tier], MATCHES[rank + 1]
            term = next(t for t in match.terms if t.levels.get(e) == weakest)
            matched_text, snippet, highlights = texts[tier][0], "", ()
            if field in ("alias", "mention", "mandate"):
                for text in texts[tier]:
                    span = _first(text, term.expansions)
                    if span is not None:
                        matched_text = text
                        if field != "alias":
                            snippet = _window(text, *span)
                            highlights = _spans(tokenize(snippet), wanted)
                        break
            if not snippet:
                snippet, highlights = self._lead(e, wanted)
        return SearchResult(unit.id, unit.name, unit.kind, score, field, kind, matched_text, snippet,
                            highlights)


def _field_texts(unit: Unit) -> tuple[tuple[str, ...], ...]:
    """The unit's texts in FIELDS order."""
    return (
        (unit.name,),
        (unit.acronym,) if unit.acronym else (),
        unit.alias_texts,
        (unit.mention,) if unit.mention else (),
        unit.mandate,
    )


def _terms(content: list[str], typing: bool) -> list[tuple[str, bool]]:
    """Distinct query words, each with whether it may be a prefix.

    Only the last word may be, and only if it ends the query (`typing`): in
    "santé de", "santé" is finished.  A last word of 1 character is being
    typed and is left out.
    """
    terms: dict[str, bool] = {}
    for word in content[:-1]:
        terms[word] = False
    last = content[-1]
    if last not in terms and (len(last) >= 2 or not typing):
        terms[last] = typing
    return list(terms.items())


def _depths(edition: Edition) -> list[int]:
    """Depth of each unit; a unit whose parent is missing counts as a root."""
    depth: dict[str, int] = {}
    for unit in edition.units:
        chain, current = [], unit
        while current is not None and current.id not in depth and len(chain) <= len(edition.units):
            chain.append(current.id)
            current = edition.get(current.parent)
        base = depth[current.id] if current is not None and current.id in depth else -1
        for uid in reversed(chain):
            base += 1
            depth[uid] = base
    return [depth[u.id] for u in edition.units]


def _first(text: str, wanted: dict[str, int] | set[str]) -> tuple[int, int] | None:
    """Span of the first word of text in `wanted`; stops there (mandates are long)."""
    for word, start, end in iter_words(text):
        if word in wanted:
            return start, end
    for word, start, end in tokenize(text):  # a hyphenated compound matched as a whole
        if word in wanted:
            return start, end
    return None


def _spans(tokens: Iterable[tuple[str, int, int]], wanted: set[str]) -> tuple[tuple[int, int], ...]:
    """Spans of the tokens found in `wanted`; a compound's parts give way to it."""
    out: list[tuple[int, int]] = []
    for word, start, end in tokens:  # sorted by start, a compound before its parts
        if word in wanted and not (out and start < out[-1][1]):
            out.append((start, end))
    return tuple(out)


def _window(text: str, at: int, at_end: int, size: int = SNIPPET_CHARS) -> str:
    """About `size` characters of text showing [at, at_end), cut between words; "…" marks a cut."""
    if len(text) <= size:
        return text
    start = max(0, min(at - size // 3, len(text) - size))
    if start > 0 and not text[start - 1].isspace():
        j = start
        while j < at and not text[j].isspace():
            j += 1
        if j < at:
            start = j + 1
        else:  # no space before the match: start where its word does ("l’Unité", not "Unité")
            start = at
            while start > 0 and not text[start - 1].isspace() and at - start < 20:
                start -= 1
    while start < at and text[start].isspace():
        start += 1
    end = min(len(text), start + size)
    if end < len(text):
        cut = max(text.rfind(" ", at_end, end), text.rfind("\n", at_end, end))
        if cut > at_end:
            end = cut
        while end > at_end and text[end - 1].isspace():
            end -= 1
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + text[start:end] + suffix


def find_units(edition: Edition, text: str) -> list[Unit]:
    """Resolve a unit typed by a user: an id, else a name, acronym or alias.

    After an exact id, names compare word by word without case, accents,
    apostrophe style or punctuation; every equal unit is returned, in source
    order (several: the caller reports the ambiguity).  With none equal, the
    units whose name holds the text as a run of whole words are returned.
    """
    text = text.strip()
    if not text:
        return []
    unit = edition.get(text)
    if unit is not None:
        return [unit]
    wanted = words(text)
    if not wanted:
        return []
    key = " ".join(wanted)
    equal = [u for u in edition.units
             if any(" ".join(words(t)) == key for t in (u.name, u.acronym or "", *u.alias_texts))]
    if equal or all(w in STOP_WORDS for w in wanted):
        return equal
    return [u for u in edition.units if _holds_run(words(u.name), wanted)]


def _holds_run(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))

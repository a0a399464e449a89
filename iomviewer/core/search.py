"""Search units by any word of their name, acronym, aliases or mandate.

One index per edition: an inverted index from normalised words (case, accents
and apostrophe variants folded) to the units and fields they occur in, plus a
sorted vocabulary for prefixes (while typing) and rapidfuzz over that
vocabulary for typos.  Every view uses this module: the search box lists
`search()` results, the tree and chart highlight `matching_ids()`.

Ranking is by strict tiers: the field (name > acronym > alias > mention >
mandate) of the weakest query word, then how it matched (whole field > word
> prefix > typo), then shallower units, shorter names, source order.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

from iomviewer.core.model import Edition, Unit

MAX_QUERY_CHARS = 200  # longer input is cut: no unit name is longer than this
SNIPPET_CHARS = 160

FIELDS = ("name", "acronym", "alias", "mention", "mandate")
_TIER = {f: i for i, f in enumerate(FIELDS)}
MATCHES = ("exact", "word", "prefix", "fuzzy")
_MATCH_RANK = {m: i for i, m in enumerate(MATCHES)}

STOP_WORDS = frozenset("le la les l de des du d et en au aux a pour sur dans par un une".split())

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "´": "'", "`": "'", "′": "'"})
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
# A word: letters and digits (any script); apostrophes and hyphens split words.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def normalize(text: str) -> str:
    """Fold case, accents, ligatures, apostrophes and white space."""
    text = text.translate(_APOSTROPHES).translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Normalised words with their (start, end) offsets in the original text.

    Elisions and hyphens separate words: "l’Unité" gives "l" and "unite",
    "main-d’œuvre" gives "main", "d" and "oeuvre".
    """
    out = []
    for m in _WORD.finditer(text):
        word = normalize(m.group())
        if word:
            out.append((word, m.start(), m.end()))
    return out


@dataclass(frozen=True, slots=True)
class SearchResult:
    unit_id: str
    name: str
    kind: str
    score: float
    field: str
    match: str
    matched_text: str
    snippet: str
    highlights: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class _Entry:
    unit: Unit
    order: int
    depth: int
    texts: dict[str, tuple[str, ...]]  # field -> texts (aliases, paragraphs…)
    normalized: dict[str, tuple[str, ...]]
    tokens: dict[str, tuple[list[tuple[str, int, int]], ...]]  # field -> tokenize() of each text


class SearchIndex:
    """Answer queries over one edition; build once, query many times."""

    def __init__(self, edition: Edition) -> None:
        self.edition = edition
        self._entries: list[_Entry] = []
        # word -> {entry index: best (lowest) field tier}
        self._postings: dict[str, dict[int, int]] = {}
        for order, unit in enumerate(edition.units):
            texts = {
                "name": (unit.name,),
                "acronym": (unit.acronym,) if unit.acronym else (),
                "alias": unit.alias_texts,
                "mention": (unit.mention,) if unit.mention else (),
                "mandate": unit.mandate,
            }
            # Tokenised once here: snippets and highlights reuse the offsets.
            tokens = {f: tuple(tokenize(t) for t in ts) for f, ts in texts.items()}
            entry = _Entry(unit, order, edition.depth(unit.id), texts,
                           {f: tuple(normalize(t) for t in ts) for f, ts in texts.items()}, tokens)
            index = len(self._entries)
            self._entries.append(entry)
            for field, field_tokens in tokens.items():
                tier = _TIER[field]
                for text_tokens in field_tokens:
                    for word, _, _ in text_tokens:
                        postings = self._postings.setdefault(word, {})
                        if tier < postings.get(index, 99):
                            postings[index] = tier
        self._vocabulary = sorted(self._postings)

    # --- matching ---------------------------------------------------------------
    def _query_words(self, query: str) -> list[str]:
        words = [w for w, _, _ in tokenize(query[:MAX_QUERY_CHARS])]
        content = [w for w in words if w not in STOP_WORDS]
        return content

    def _expand(self, word: str, allow_prefix: bool) -> list[tuple[str, int]]:
        """Vocabulary words matching `word`, with their match rank."""
        found: dict[str, int] = {}
        if word in self._postings:
            found[word] = _MATCH_RANK["word"]
        if allow_prefix and len(word) >= 2:
            start = bisect.bisect_left(self._vocabulary, word)
            for candidate in self._vocabulary[start:]:
                if not candidate.startswith(word):
                    break
                found.setdefault(candidate, _MATCH_RANK["prefix"])
        if len(word) >= 4:
            from rapidfuzz import process
            from rapidfuzz.distance import Levenshtein

            max_distance = 1 if len(word) < 8 else 2
            for candidate, _, _ in process.extract(word, self._vocabulary, scorer=Levenshtein.distance,
                                                   score_cutoff=max_distance, limit=50):
                found.setdefault(candidate, _MATCH_RANK["fuzzy"])
        return list(found.items())

    def _match(self, query: str) -> dict[int, list[tuple[int, int, str]]]:
        """Entry index -> per query word (tier, match rank, vocabulary word); all words must match."""
        words = self._query_words(query)
        if not words:
            return {}
        matched: dict[int, list[tuple[int, int, str]]] | None = None
        for i, word in enumerate(words):
            best: dict[int, tuple[int, int, str]] = {}
            for vocab_word, rank in self._expand(word, allow_prefix=True):
                for entry, tier in self._postings[vocab_word].items():
                    current = best.get(entry)
                    if current is None or (tier, rank) < current[:2]:
                        best[entry] = (tier, rank, vocab_word)
            if matched is None:
                matched = {e: [m] for e, m in best.items()}
            else:
                matched = {e: ms + [best[e]] for e, ms in matched.items() if e in best}
            if not matched:
                return {}
        return matched or {}

    def matching_ids(self, query: str) -> set[str]:
        """Every unit that matches the query (for highlighting)."""
        return {self._entries[e].unit.id for e in self._match(query)}

    # --- ranking and results -----------------------------------------------------------
    def search(self, query: str, limit: int = 50) -> list[SearchResult]:
        matched = self._match(query)
        if not matched:
            return []
        norm_query = normalize(query[:MAX_QUERY_CHARS])
        ranked = []
        for e, per_word in matched.items():
            entry = self._entries[e]
            tier = max(t for t, _, _ in per_word)
            rank = max(r for _, r, _ in per_word)
            exact = self._exact_field(entry, norm_query)
            if exact is not None:
                # The whole name, acronym or an alias typed out ("OIM") beats
                # every partial match, whatever its field.
                tier, rank = -1, _MATCH_RANK["exact"]
                field_of_exact = exact
            else:
                field_of_exact = None
            key = (tier, rank, sum(t for t, _, _ in per_word), entry.depth, len(entry.unit.name), entry.order)
            ranked.append((key, e, per_word, field_of_exact))
        ranked.sort(key=lambda item: item[0])
        return [self._result(e, key, per_word, exact) for key, e, per_word, exact in ranked[:max(0, limit)]]

    @staticmethod
    def _exact_field(entry: _Entry, norm_query: str) -> int | None:
        for field in FIELDS[:3]:
            if norm_query in entry.normalized[field]:
                return _TIER[field]
        return None

    def _result(self, e: int, key: tuple, per_word: list[tuple[int, int, str]], exact: int | None) -> SearchResult:
        entry = self._entries[e]
        tier, rank = key[0], key[1]
        field, match = FIELDS[exact if exact is not None else tier], MATCHES[rank]
        words = {w for _, _, w in per_word}
        matched_text, snippet, highlights = self._snippet(entry, field, words)
        # Decreasing along the sort key: each step outweighs all later ones.
        score = 100 - tier * 15 - rank * 3 - min(key[2], 20) * 0.1 - min(key[3], 9) * 0.01
        unit = entry.unit
        return SearchResult(unit.id, unit.name, unit.kind, round(score, 3), field, match,
                            matched_text, snippet, highlights)

    def _snippet(self, entry: _Entry, field: str, words: set[str]) -> tuple[str, str, tuple[tuple[int, int], ...]]:
        texts = entry.texts[field]
        if field in ("mandate", "mention"):
            for text, text_tokens in zip(texts, entry.tokens[field]):
                spans = [(s, t) for w, s, t in text_tokens if w in words]
                if spans:
                    snippet, offset = _window(text, spans[0][0])
                    shown = tuple((s - offset, t - offset) for s, t in spans
                                  if s >= offset and t - offset <= len(snippet))
                    return text, snippet, shown
        matched_text = next((t for t, tt in zip(texts, entry.tokens[field]) if any(w in words for w, _, _ in tt)),
                            texts[0] if texts else entry.unit.name)
        if entry.texts["mandate"]:
            lead, lead_tokens = entry.texts["mandate"][0], entry.tokens["mandate"][0]
        elif entry.texts["mention"]:
            lead, lead_tokens = entry.texts["mention"][0], entry.tokens["mention"][0]
        else:
            lead, lead_tokens = "", []
        snippet, offset = _window(lead, 0)
        end = offset + len(snippet)
        spans = tuple((s - offset, t - offset) for w, s, t in lead_tokens if w in words and s >= offset and t <= end)
        return matched_text, snippet, spans


def _window(text: str, at: int, size: int = SNIPPET_CHARS) -> tuple[str, int]:
    """About `size` characters of text around position `at`, cut at spaces; (snippet, offset)."""
    if len(text) <= size:
        return text, 0
    start = max(0, at - size // 3)
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < at else start
    end = min(len(text), start + size)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > at else end
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + text[start:end] + suffix, start - len(prefix)


def find_units(edition: Edition, text: str) -> list[Unit]:
    """Resolve a unit typed by a user: an id, else a name, alias or acronym.

    Names compare without case, accents or apostrophe style; several equal
    names are all returned (the caller reports the ambiguity).  With no
    equal name, units whose name contains every word of the text are
    returned.
    """
    text = text.strip()
    if not text:
        return []
    unit = edition.get(text)
    if unit is not None:
        return [unit]
    wanted = normalize(text)
    equal = [u for u in edition.units if wanted in _names(u)]
    if equal:
        return equal
    words = [w for w, _, _ in tokenize(text)]
    if not words:
        return []
    return [u for u in edition.units if _contains_words(u.name, words)]


def _names(unit: Unit) -> set[str]:
    names = {normalize(unit.name)} | {normalize(a) for a in unit.alias_texts}
    if unit.acronym:
        names.add(normalize(unit.acronym))
    return names


def _contains_words(name: str, words: Iterable[str]) -> bool:
    present = {w for w, _, _ in tokenize(name)}
    return all(w in present for w in words)

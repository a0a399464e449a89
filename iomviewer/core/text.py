"""French text folding and word splitting, shared by search and its views.

`normalize` folds what a reader does not see as a difference: case, accents,
ligatures (œ, æ), the many apostrophes and non-breaking hyphens, runs of white
space.  `tokenize` cuts text into such folded words and keeps where each one
sits in the original text, so that the original (accents and all) can be
shown and highlighted.  No Qt here.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterator

# Articles, prepositions and conjunctions too common to narrow a search
# ("a" is "à" folded).  A query made only of them finds nothing.
STOP_WORDS = frozenset("le la les l de des du d et en au aux a pour sur dans par un une".split())

# Typewriter, typographic (’ ‘), modifier-letter (ʼ), acute (´), grave (`) and
# prime (′): French sources and keyboards use them all as an apostrophe.
APOSTROPHES = "'’‘ʼ´`′"
# ASCII hyphen-minus, Unicode hyphen and non-breaking hyphen (NFKD turns the
# latter into the former, not into "-").
HYPHENS = "-‐‑"
# Elided words: "l’Unité" is "Unité" for a reader.  They are dropped from the
# words, and the word after them keeps its own offsets.
ELIDED = ("l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu")

_APOSTROPHE_MAP = str.maketrans({c: "'" for c in APOSTROPHES if c != "'"} | {c: "-" for c in HYPHENS[1:]})
_LIGATURE_MAP = str.maketrans({"œ": "oe", "æ": "ae"})
_ELIDED = frozenset(ELIDED)
# Combining marks belong to the word, so that text typed or stored decomposed
# (NFD, as macOS keyboards produce) still forms one word: "re\u0301sume\u0301".
# One character class with \w (letters, digits and "_") keeps the regex fast;
# [^\W_] with an alternation for the marks made tokenizing twice as slow.
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_WORD = rf"[\w{_MARKS}]+"


# The regexes here are compiled on first use, not at import (~3 ms of the
# window's start, which only needs them once it searches).
@lru_cache(maxsize=None)
def _token() -> re.Pattern[str]:
    # A word, and the apostrophe after it when a letter follows: "l’" in "l’Unité".
    return re.compile(rf"({_WORD})([{APOSTROPHES}](?=\w))?")


@lru_cache(maxsize=None)
def _compound() -> re.Pattern[str]:
    # A hyphenated compound as a whole ("bien-être", "main-d’œuvre", "Addis-Abeba").
    # Anchored at a word start and possessive: tried inside every word otherwise,
    # it backtracks quadratically in the word's length.
    elision = rf"(?:{'|'.join(ELIDED)})[{APOSTROPHES}]"
    return re.compile(rf"(?<![\w{_MARKS}]){_WORD}+(?:[{HYPHENS}](?:{elision})?{_WORD}+)++", re.IGNORECASE)


def normalize(text: str) -> str:
    """Fold case, accents, ligatures, apostrophes, hyphens and white space."""
    if text.isascii():
        return " ".join(text.replace("`", "'").lower().split())
    # Apostrophes first: NFKD would split "´" into a space and a combining mark.
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHE_MAP).casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    # Casefold again: compatibility forms may decompose to capitals ("ℌ" → "H").
    text = text.casefold().translate(_LIGATURE_MAP).translate(_APOSTROPHE_MAP)
    return " ".join(text.split())


def _fold_word(word: str) -> str:
    # Most French words are ASCII; lower() is casefold() there and much cheaper.
    return word.lower() if word.isascii() else _fold_unicode_word(word)


@lru_cache(maxsize=16384)  # bounded: the vocabulary of a few editions fits
def _fold_unicode_word(word: str) -> str:
    return normalize(word)


def _kept(word: str, apostrophe: str) -> bool:
    # An elided article ("l", "qu"…) directly followed by an apostrophe and a letter is left out.
    return not (apostrophe and len(word) <= 6 and word.lower() in _ELIDED)


def words(text: str, compounds: bool = False, cache: dict[str, str] | None = None) -> list[str]:
    """The folded words of text in order, without offsets (the fast path, for indexing).

    Elided articles are left out; with `compounds`, each hyphenated compound
    is also given whole, after all the words.  `cache` (raw word → folded
    word), shared across calls, spares folding the same word twice.
    """
    if cache is None:
        cache = {}
    out = []
    for word, apostrophe in _token().findall(text):
        if apostrophe and not _kept(word, apostrophe):
            continue
        folded = cache.get(word)
        if folded is None:
            folded = cache[word] = _fold_word(word)
        if folded:
            out.append(folded)
    if compounds and any(h in text for h in HYPHENS):
        out.extend(w for w in map(normalize, _compound().findall(text)) if w)
    return out


def iter_words(text: str) -> Iterator[tuple[str, int, int]]:
    """Like tokenize, lazily and without compounds (to find a first match cheaply)."""
    for m in _token().finditer(text):
        word, apostrophe = m.groups()
        if _kept(word, apostrophe):
            folded = _fold_word(word)
            if folded:
                yield folded, m.start(), m.end(1)


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Folded words with their (start, end) offsets in the original text.

    "l’Unité" gives ("unite", 2, 7): the elided article is dropped and the
    word keeps its place.  A hyphenated compound gives the whole and its
    parts: "bien-être" → ("bien-etre", 0, 9), ("bien", 0, 4), ("etre", 5, 9).
    Sorted by start, a whole before its parts.  For every token,
    normalize(text[start:end]) == word.
    """
    out = list(iter_words(text))
    if any(h in text for h in HYPHENS):
        for m in _compound().finditer(text):
            word = normalize(m.group())
            if word:
                out.append((word, m.start(), m.end()))
        out.sort(key=lambda t: (t[1], -t[2]))
    return out


# --- showing data where characters can act ---------------------------------------------

# Controls (C0, DEL, C1) and bidi embeddings, overrides and isolates: in a
# terminal or a one-line message they would move the cursor, ring, or turn
# the rest of the line around.  One line also escapes tab, newline, the
# Unicode line and paragraph separators and the invisible bidi marks (LRM,
# RLM, ALM); text of several lines keeps its tabs and newlines.
_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"


@lru_cache(maxsize=None)
def _unsafe(lines: bool) -> re.Pattern[str]:
    if lines:
        return re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI_CONTROLS}]")
    return re.compile(f"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029{_BIDI_CONTROLS}]")


def visible(text: str, lines: bool = False) -> str:
    """The text with the characters that could act on its reader's screen escaped as \\uXXXX.

    lines=False: one honest line (error messages).  lines=True: text of
    several lines for a terminal (the command line's text output).
    """
    return _unsafe(bool(lines)).sub(lambda m: f"\\u{ord(m.group()):04x}", text)


@lru_cache(maxsize=None)
def _control() -> re.Pattern[str]:
    # Cc (C0 controls, DEL, C1 controls) and the Unicode line and paragraph separators.
    return re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def clean_text(text: str) -> str:
    """Replace control characters and line/paragraph separators by spaces; collapse runs.

    Format characters (bidi marks, zero-width joiners) stay: they are part of
    how some names are written and carry no markup.
    """
    return " ".join(_control().sub(" ", text).split())


# html.escape's five replacements (quote=True) in one pass: importing html
# costs a start 2-5 ms (its entity tables and a regex) for the few names the
# window escapes before its first paint.
_MARKUP = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def escape_markup(text: str) -> str:
    """Text for HTML or Qt's rich text, exactly as html.escape(text) gives it."""
    return text.translate(_MARKUP)

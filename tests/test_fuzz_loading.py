"""Hostile dataset files: every one is loaded or refused with a clear, located error.

Property-based (hypothesis, derandomized so CI sees the same examples every
run): bytes truncated, bit-flipped, spliced and re-encoded; values of the
wrong type anywhere in the document; structural damage (duplicate ids,
dangling parents, cycles, several roots, empty editions, revisions that
point nowhere).  The contract checked for each input:

- either a Dataset whose every unit reaches the edition's single root,
- or a DatasetError with 1..MAX_PROBLEMS+1 problems, each one line, short,
  and located (a JSON path, or a line and column, or a byte offset, or the
  file as a whole for size).

Nothing else may come out: no other exception, no RecursionError.
"""
from __future__ import annotations

import copy
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixtures import mini_doc
from iomviewer.core import loading
from iomviewer.core.loading import MAX_PROBLEMS, DatasetError, load_document, parse_json_bytes

pytestmark = pytest.mark.core

FUZZ = settings(derandomize=True, deadline=None, max_examples=150, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

VALID = json.dumps(mini_doc(), ensure_ascii=False, indent=1).encode("utf-8")
LOCATED = re.compile(r"^\$|ligne \d+ colonne \d+|octet \d+|trop volumineux|^… et ")
COUNTS: dict[str, int] = {}


def outcome(raw: bytes, category: str):
    """Load raw bytes as load_dataset does (minus the file and the cache) and check the contract."""
    COUNTS[category] = COUNTS.get(category, 0) + 1
    try:
        dataset = load_document(parse_json_bytes(raw))
    except DatasetError as exc:
        check_refusal(exc)
        return None
    check_usable(dataset)
    return dataset


def refused(raw: bytes, category: str) -> DatasetError:
    """Like outcome(), for an input that must be refused; the error it gave."""
    COUNTS[category] = COUNTS.get(category, 0) + 1
    with pytest.raises(DatasetError) as info:
        load_document(parse_json_bytes(raw))
    check_refusal(info.value)
    return info.value


def check_refusal(exc: DatasetError) -> None:
    assert 1 <= len(exc.problems) <= MAX_PROBLEMS + 1
    for problem in exc.problems:
        text = str(problem)
        assert "\n" not in text and "\r" not in text, text
        assert len(text) <= 600, text[:200]
        assert LOCATED.search(text), f"not located: {text}"
    assert "\n" not in str(exc)


def check_usable(dataset) -> None:
    for edition in dataset.editions:
        root = edition.root
        assert root.parent is None
        for unit in edition.units:
            path = edition.path_from_root(unit.id)
            assert path[0] == root.id and path[-1] == unit.id
            assert len(path) <= len(edition) + 1


# --- bytes ---------------------------------------------------------------------------------------


@FUZZ
@given(cut=st.integers(min_value=0, max_value=len(VALID) - 1))
def test_truncated(cut):
    assert outcome(VALID[:cut], "truncated") is None


@FUZZ
@given(flips=st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 7)), min_size=1, max_size=8))
def test_bit_flipped(flips):
    raw = bytearray(VALID)
    for pos, bit in flips:
        raw[pos] ^= 1 << bit
    outcome(bytes(raw), "bit-flipped")


@FUZZ
@given(pos=st.integers(0, len(VALID)), junk=st.binary(min_size=1, max_size=40), drop=st.integers(0, 40))
def test_spliced_bytes(pos, junk, drop):
    outcome(VALID[:pos] + junk + VALID[pos + drop:], "spliced")


@FUZZ
@given(encoding=st.sampled_from(["utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252", "utf-8-sig"]))
def test_other_encodings(encoding):
    text = VALID.decode("utf-8")
    try:
        raw = text.encode(encoding)
    except UnicodeEncodeError:
        raw = text.encode(encoding, errors="replace")
    result = outcome(raw, "encoding")
    assert (result is not None) == (encoding == "utf-8-sig")


@FUZZ
@given(st.binary(max_size=300))
def test_arbitrary_bytes(raw):
    outcome(raw, "arbitrary-bytes")


# --- wrongly typed values ------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


def all_paths(doc, prefix=()):
    yield prefix
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield from all_paths(value, prefix + (key,))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            yield from all_paths(value, prefix + (index,))


PATHS = list(all_paths(mini_doc()))


def replace_at(doc, path, value):
    if not path:
        return value
    target = doc
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return doc


@FUZZ
@given(path=st.sampled_from(PATHS), value=json_values)
def test_wrongly_typed_value_anywhere(path, value):
    doc = replace_at(copy.deepcopy(mini_doc()), path, value)
    outcome(json.dumps(doc, ensure_ascii=False).encode("utf-8"), "wrong-type")


@FUZZ
@given(path=st.sampled_from([p for p in PATHS if p]), extra=st.text(min_size=1, max_size=10), value=json_values)
def test_unknown_or_missing_keys(path, extra, value):
    doc = copy.deepcopy(mini_doc())
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    if isinstance(parent, dict):
        if extra in parent:
            return
        parent[extra] = value
        del parent[path[-1]]
    outcome(json.dumps(doc, ensure_ascii=False).encode("utf-8"), "keys")


# --- structure -----------------------------------------------------------------------------------

UNIT_IDS = [u["id"] for u in mini_doc()["editions"][0]["units"]] + ["cab"]


@st.composite
def damaged(draw):
    """The mini dataset with a few structural edits, each one valid JSON and mostly schema-valid."""
    doc = copy.deepcopy(mini_doc())
    eds = doc["editions"]
    for _ in range(draw(st.integers(1, 4))):
        e = draw(st.integers(0, len(eds) - 1))
        units = eds[e]["units"]
        op = draw(st.sampled_from(["parent", "dup-id", "root", "empty", "based_on", "removed", "link", "default",
                                   "drop-unit", "swap-editions", "history"]))
        if op == "parent" and units:
            units[draw(st.integers(0, len(units) - 1))]["parent"] = draw(st.sampled_from(UNIT_IDS + ["ghost", None]))
        elif op == "dup-id" and len(units) > 1:
            units[draw(st.integers(0, len(units) - 1))]["id"] = draw(st.sampled_from(UNIT_IDS))
        elif op == "root" and units:
            units[draw(st.integers(0, len(units) - 1))]["parent"] = None
        elif op == "empty":
            eds[e]["units"] = []
        elif op == "based_on":
            eds[e]["based_on"] = draw(st.sampled_from([ed["id"] for ed in eds] + ["nowhere"]))
        elif op == "removed":
            eds[e]["removed"] = draw(st.lists(st.sampled_from(UNIT_IDS + ["ghost"]), max_size=3, unique=True))
        elif op == "link" and units:
            units[draw(st.integers(0, len(units) - 1))]["links"] = [
                {"type": "supports", "target": draw(st.sampled_from(UNIT_IDS + ["ghost"])), "evidence": "x"}]
        elif op == "default":
            doc["default_edition"] = draw(st.sampled_from(["ed-2021", "ed-2022", "ed-1999"]))
        elif op == "drop-unit" and units:
            del units[draw(st.integers(0, len(units) - 1))]
        elif op == "swap-editions":
            eds.reverse()
        elif op == "history":
            doc["history"] = [{"unit": "dept-a", "type": "rename", "from_edition": "ed-1999", "to_edition": "ed-2022",
                               "old_name": "a", "new_name": "b", "evidence": "x"}]
    return doc


@FUZZ
@given(doc=damaged())
def test_structural_damage(doc):
    dataset = outcome(json.dumps(doc, ensure_ascii=False).encode("utf-8"), "structure")
    if dataset is not None:
        for edition in dataset.editions:
            ids = [u.id for u in edition.units]
            assert len(ids) == len(set(ids))


def _old_revise(base, own):
    """The revision rule as it was first written (quadratic), kept as the reference."""
    units = list(base)
    index = {u["id"]: i for i, (u, _) in enumerate(units)}
    cursor = -1
    for u, where in own:
        if u["id"] in index:
            cursor = index[u["id"]]
            units[cursor] = (u, where)
        else:
            cursor += 1
            units.insert(cursor, (u, where))
            index = {x["id"]: i for i, (x, _) in enumerate(units)}
    return units


@FUZZ
@given(base=st.lists(st.sampled_from("abcdefgh"), max_size=8, unique=True),
       own=st.lists(st.sampled_from("abcdefghijkl"), max_size=10))
def test_linear_revision_matches_the_reference_rule(base, own):
    as_units = lambda ids, tag: [({"id": i, "tag": tag}, f"{tag}{n}") for n, i in enumerate(ids)]
    b, o = as_units(base, "b"), as_units(own, "o")
    assert loading._revise(b, o) == _old_revise(b, o)


# --- absurd shapes, in process -------------------------------------------------------------------


@pytest.mark.parametrize("depth", [33, 500, 990, 1100, 100_000])
@pytest.mark.parametrize("where", ["top", "unit", "name"])
def test_deep_nesting_is_refused_with_a_place(depth, where):
    nest = "[" * depth + "]" * depth
    if where == "top":
        raw = nest
    else:
        text = VALID.decode("utf-8")
        anchor = '"units": [' if where == "unit" else '"name": "Siège"'
        raw = text.replace(anchor, ('"units": [' + nest + ",") if where == "unit" else ('"name": ' + nest), 1)
    error = refused(raw.encode("utf-8"), "deep")
    assert "profond" in str(error)


def test_lone_surrogate_is_refused_with_its_path():
    raw = VALID.decode("utf-8").replace("Siège", "Si\\ud800ge", 1).encode("utf-8")
    error = refused(raw, "unicode")
    assert "U+D800" in str(error) and "$.editions[0].units[1]" in str(error)


@pytest.mark.parametrize("raw, where", [
    (b'{"format": 1,\n  "format": 2}', "ligne 2 colonne 3"),
    (b'{"a": [{"id": 1}, {"id": 2, "id": 3}]}', "ligne 1 colonne 29"),
    (b'{"a": [1, NaN]}', "ligne 1 colonne 11"),
    (b'{"a": 1' + b"9" * 5000 + b"}", "ligne 1 colonne 7"),
])
def test_parse_errors_say_line_and_column(raw, where):
    error = refused(raw, "parse")
    assert where in str(error)


def test_control_characters_in_keys_do_not_break_the_one_line_message():
    raw = b'{"a\\nb\\u202e": 1, "a\\nb\\u202e": 2}'
    error = refused(raw, "parse")
    assert "\n" not in str(error) and "\u202e" not in str(error) and "\\u000a" in str(error)


def test_a_million_wrongly_typed_units_is_refused_quickly():
    import time

    doc = mini_doc()
    doc["editions"][0]["units"] += [1] * 1_000_000
    raw = json.dumps(doc).encode()
    started = time.perf_counter()
    error = refused(raw, "huge")
    assert time.perf_counter() - started < 20  # was minutes: every error was listed, then sorted
    assert "autres écarts" in str(error.problems[-1])


def test_report_counts():
    """Not a check: prints how many inputs each category tried (pytest -s)."""
    print("fuzz inputs per category:", dict(sorted(COUNTS.items())), "total", sum(COUNTS.values()))

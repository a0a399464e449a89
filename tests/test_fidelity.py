"""The bundled dataset says only what the French source pages say.

Every name, alias, mention and mandate paragraph of data/iom.json is looked up
in the seed file and lines it cites; every quotation in the evidence too.  The
pages live outside the repository (../shared/seeds); without them these tests
are skipped, and say so.

Text is compared after whitespace normalisation only (runs of spaces, NBSP and
thin spaces become one space), the one liberty data/README.md allows besides
cutting extraction glue and the "En savoir plus" link label — both of which
leave the kept text a substring of the line.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.core

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"
DATA = REPO / "data" / "iom.json"
BUILD = REPO / "scripts" / "build_dataset.py"

# « quoted text » (003, l. 34) — the form build_dataset.py gives every quotation.
QUOTE = re.compile(r"« (.+?) » \((\d{3}), l\. (\d+)\)")


def norm(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def seeds() -> dict[str, list[str]]:
    """Seed file name -> its lines, normalised (index 0 is line 1)."""
    if not SEEDS.is_dir():
        pytest.skip(f"source pages not found at {SEEDS}: the fidelity checks need them")
    return {
        p.name: [norm(line) for line in p.read_text(encoding="utf-8").split("\n")]
        for p in sorted(SEEDS.glob("*.txt"))
    }


@pytest.fixture(scope="module")
def doc() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def unit_records(doc: dict):
    """(edition id, unit) for every unit record as written in the file."""
    for ed in doc["editions"]:
        for u in ed["units"]:
            yield ed["id"], u


def resolved(doc: dict) -> dict[str, dict[str, dict]]:
    """Edition id -> {unit id: unit}, with based_on applied (order is not needed here)."""
    out: dict[str, dict[str, dict]] = {}
    for ed in doc["editions"]:
        units = dict(out[ed["based_on"]]) if ed.get("based_on") else {}
        for uid in ed.get("removed", ()):
            units.pop(uid)
        units.update((u["id"], u) for u in ed["units"])
        out[ed["id"]] = units
    return out


def cited_lines(seeds: dict[str, list[str]], source: dict) -> list[str]:
    lines = seeds[source["file"]]
    assert source.get("lines"), f"no line numbers in {source}"
    for n in source["lines"]:
        assert 1 <= n <= len(lines), f"{source['file']} has no line {n}"
    return [lines[n - 1] for n in source["lines"]]


def whole(seeds: dict[str, list[str]], file: str) -> str:
    return "\n".join(seeds[file])


def test_every_cited_file_is_a_seed(seeds, doc):
    listed = {s["file"] for s in doc["sources"]}
    assert listed == set(seeds), "sources[] must list exactly the seed pages"
    for eid, u in unit_records(doc):
        assert u["source"]["file"] in seeds, f"{eid}/{u['id']}"


def test_names_occur_in_their_cited_file(seeds, doc):
    missing = [f"{eid}/{u['id']}: {u['name']!r}" for eid, u in unit_records(doc)
               if norm(u["name"]) not in whole(seeds, u["source"]["file"])]
    assert not missing, "names not found verbatim in their source:\n" + "\n".join(missing)


def test_names_occur_in_their_cited_lines(seeds, doc):
    missing = [f"{eid}/{u['id']}: {u['name']!r}" for eid, u in unit_records(doc)
               if not any(norm(u["name"]) in line for line in cited_lines(seeds, u["source"]))]
    assert not missing, "names not found in the lines they cite:\n" + "\n".join(missing)


def test_aliases_occur_in_their_cited_file(seeds, doc):
    missing = []
    for eid, u in unit_records(doc):
        for alias in u.get("aliases", ()):
            source = alias.get("source") or u["source"]
            if not any(norm(alias["text"]) in line for line in cited_lines(seeds, source)):
                missing.append(f"{eid}/{u['id']}: {alias['text']!r} in {source}")
    assert not missing, "aliases not found verbatim:\n" + "\n".join(missing)


def test_mandate_paragraphs_occur_in_a_cited_line(seeds, doc):
    missing = []
    for eid, u in unit_records(doc):
        lines = cited_lines(seeds, u["source"])
        for i, paragraph in enumerate(u.get("mandate", ())):
            if not any(norm(paragraph) in line for line in lines):
                missing.append(f"{eid}/{u['id']} paragraph {i + 1}: {paragraph[:80]!r}…")
    assert not missing, "mandate paragraphs not found verbatim:\n" + "\n".join(missing)


def test_mandate_paragraphs_are_in_source_order(seeds, doc):
    for eid, u in unit_records(doc):
        lines = seeds[u["source"]["file"]]
        found = [next((n for n in u["source"]["lines"] if norm(p) in lines[n - 1]), None) for p in u.get("mandate", ())]
        found = [n for n in found if n is not None]  # a missing paragraph is the previous test's failure
        assert found == sorted(found), f"{eid}/{u['id']}: paragraphs out of order {found}"


def test_mentions_occur_in_their_cited_file(seeds, doc):
    missing = []
    for eid, u in unit_records(doc):
        mention = u.get("mention")
        if mention is None:
            continue
        if not any(norm(mention) in line for line in cited_lines(seeds, u["source"])):
            missing.append(f"{eid}/{u['id']}: {mention[:80]!r}")
        elif norm(u["name"]) not in norm(mention):
            missing.append(f"{eid}/{u['id']}: the mention does not name {u['name']!r}")
    assert not missing, "mentions not found verbatim:\n" + "\n".join(missing)


def test_cleaning_left_no_glue_or_link_labels(doc):
    for eid, u in unit_records(doc):
        for paragraph in u.get("mandate", ()):
            assert not paragraph.endswith("En savoir plus"), f"{eid}/{u['id']}"
            assert not paragraph.startswith("Qui sommes nous"), f"{eid}/{u['id']}"
            assert paragraph == paragraph.strip() and "  " not in paragraph and "\xa0" not in paragraph


def test_quotations_in_evidence_are_verbatim(seeds, doc):
    by_key = {name[:3]: name for name in seeds}
    texts = [ed_ev for ed in doc["editions"] for ed_ev in ed.get("evidence", ())]
    texts += [link["evidence"] for _, u in unit_records(doc) for link in u.get("links", ()) if link.get("evidence")]
    texts += [h["evidence"] for h in doc.get("history", ())]
    checked, wrong = 0, []
    for text in texts:
        for quoted, key, line in QUOTE.findall(text):
            checked += 1
            if norm(quoted) not in seeds[by_key[key]][int(line) - 1]:
                wrong.append(f"{key}:{line}: {quoted[:80]!r}")
    assert checked > 50, "expected the evidence to quote the pages"
    assert not wrong, "quotations not found at the line they cite:\n" + "\n".join(wrong)


def test_facts_occur_in_their_cited_lines(seeds, doc):
    for fact in doc["facts"]:
        assert any(fact["value"] in line for line in cited_lines(seeds, fact["source"])), fact


def test_link_targets_exist_in_the_edition(doc):
    editions = resolved(doc)
    for eid, units in editions.items():
        for u in units.values():
            assert u["parent"] is None or u["parent"] in units, f"{eid}/{u['id']} parent {u['parent']}"
            for link in u.get("links", ()):
                assert link["target"] in units, f"{eid}/{u['id']} → {link['target']}"


def test_history_names_match_the_editions(doc):
    editions = resolved(doc)
    assert doc["history"], "the dataset records renames and successions"
    for h in doc["history"]:
        assert editions[h["from_edition"]][h["unit"]]["name"] == h["old_name"], h["unit"]
        assert editions[h["to_edition"]][h["unit"]]["name"] == h["new_name"], h["unit"]


def test_committed_file_is_what_the_script_builds(seeds, tmp_path):
    out = tmp_path / "iom.json"
    run = subprocess.run(
        [sys.executable, str(BUILD), "--seeds", str(SEEDS), "--output", str(out)],
        capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert out.read_bytes() == DATA.read_bytes(), (
        "data/iom.json differs from what scripts/build_dataset.py builds: run python scripts/build_dataset.py"
    )

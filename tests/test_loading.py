import hashlib
import json
import pickle
from pathlib import Path

import pytest

from fixtures import mini_doc, variant, write_doc
from iomviewer.core.loading import (
    MAX_FILE_BYTES,
    DatasetError,
    load_dataset,
    load_document,
    quality_warnings,
)

pytestmark = pytest.mark.core


def problems_of(tmp_path, doc_or_text) -> list[str]:
    path = tmp_path / "bad.json"
    if isinstance(doc_or_text, (bytes, bytearray)):
        path.write_bytes(doc_or_text)
    elif isinstance(doc_or_text, str):
        path.write_text(doc_or_text, encoding="utf-8")
    else:
        path.write_text(json.dumps(doc_or_text, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    return [str(p) for p in info.value.problems]


def test_mini_dataset_loads_and_resolves_based_on(tmp_path):
    ds = load_dataset(write_doc(tmp_path, mini_doc()))
    assert [e.id for e in ds.editions] == ["ed-2021", "ed-2022"]
    assert ds.edition().id == "ed-2022"
    old, new = ds.edition("ed-2021"), ds.edition("ed-2022")
    assert len(old) == 7
    # Revision: cab inserted, dept-a replaced in place, unit-a21 removed.
    assert "unit-a21" not in new and "cab" in new
    assert new.unit("dept-a").parent == "cab"
    assert new.children("siege") == ("cab", "dept-b")
    assert new.children("dept-a") == ("div-a1", "div-a2")
    assert new.path_from_root("div-a1") == ["oim", "siege", "cab", "dept-a", "div-a1"]
    assert ds.editions_of("cab") == ["ed-2022"]
    assert ds.editions_of("div-a1") == ["ed-2021", "ed-2022"]
    assert old.unit("dept-a").alias_texts == ("Relations extérieures",)
    assert old.unit("dept-b").links[0].target == "dept-a"
    assert ds.facts[0].value == "175"


def test_not_json(tmp_path):
    (msg,) = problems_of(tmp_path, '{"format": "iomviewer-dataset",\n  oops}')
    assert "JSON invalide" in msg and "ligne 2" in msg


def test_not_utf8(tmp_path):
    (msg,) = problems_of(tmp_path, b'{"a": "\xff\xfe"}')
    assert "UTF-8" in msg


def test_duplicate_json_key(tmp_path):
    (msg,) = problems_of(tmp_path, '{"format": 1, "format": 2}')
    assert "en double" in msg and "format" in msg


def test_deep_nesting_is_a_clear_error(tmp_path):
    (msg,) = problems_of(tmp_path, "[" * 100_000 + "]" * 100_000)
    assert "profond" in msg


def test_missing_file(tmp_path):
    with pytest.raises(DatasetError) as info:
        load_dataset(tmp_path / "nope.json")
    assert "introuvable" in str(info.value)


def test_file_too_large_refused_before_reading(tmp_path):
    path = tmp_path / "huge.json"
    with open(path, "wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    assert "trop volumineux" in str(info.value)


def test_schema_error_names_json_path_and_unit(tmp_path):
    def mutate(doc):
        doc["editions"][0]["units"][3]["kind"] = "galaxy"

    msgs = problems_of(tmp_path, variant(mutate))
    assert any("$.editions[0].units[3].kind" in m and "div-a1" in m for m in msgs), msgs


def test_huge_string_message_stays_short(tmp_path):
    def mutate(doc):
        doc["editions"][0]["units"][1]["name"] = "x" * 2_000_000

    msgs = problems_of(tmp_path, variant(mutate))
    assert msgs and all(len(m) < 400 for m in msgs)
    assert any("trop long" in m for m in msgs)


def test_duplicate_unit_id(tmp_path):
    def mutate(doc):
        doc["editions"][0]["units"][4]["id"] = "div-a1"

    msgs = problems_of(tmp_path, variant(mutate))
    assert any("« div-a1 » en double" in m and "$.editions[0].units[4].id" in m for m in msgs), msgs


def test_dangling_parent(tmp_path):
    def mutate(doc):
        doc["editions"][0]["units"][3]["parent"] = "ghost"

    msgs = problems_of(tmp_path, variant(mutate))
    assert any("« ghost » n'existe pas" in m and "units[3].parent" in m for m in msgs), msgs


def test_cycle_names_the_unit_that_is_its_own_ancestor(tmp_path):
    def mutate(doc):
        doc["editions"][0]["units"][2]["parent"] = "div-a1"  # dept-a under its own division

    msgs = problems_of(tmp_path, variant(mutate))
    assert any("son propre ancêtre" in m and "dept-a" in m and "div-a1" in m for m in msgs), msgs


def test_self_parent(tmp_path):
    def mutate(doc):
        doc["editions"][0]["units"][3]["parent"] = "div-a1"

    msgs = problems_of(tmp_path, variant(mutate))
    assert any("div-a1 → div-a1" in m for m in msgs), msgs


def test_several_roots(tmp_path):
    def mutate(doc):
        doc["editions"][0]["units"][6]["parent"] = None

    msgs = problems_of(tmp_path, variant(mutate))
    assert any("2 racines" in m and "dept-b" in m for m in msgs), msgs


def test_edition_without_units(tmp_path):
    def mutate(doc):
        doc["editions"][0]["units"] = []
        del doc["editions"][1]

    msgs = problems_of(tmp_path, variant(mutate))
    assert any("aucune unité" in m for m in msgs), msgs


def test_based_on_must_be_an_earlier_edition(tmp_path):
    def mutate(doc):
        doc["editions"][1]["based_on"] = "ed-2099"

    msgs = problems_of(tmp_path, variant(mutate))
    assert any("based_on" in m and "ed-2099" in m for m in msgs), msgs


def test_removed_unit_must_exist(tmp_path):
    def mutate(doc):
        doc["editions"][1]["removed"] = ["nothing-here"]

    msgs = problems_of(tmp_path, variant(mutate))
    assert any("nothing-here" in m for m in msgs), msgs


def test_link_target_must_exist(tmp_path):
    def mutate(doc):
        doc["editions"][0]["units"][6]["links"][0]["target"] = "nowhere"

    msgs = problems_of(tmp_path, variant(mutate))
    assert any("nowhere" in m and "links[0].target" in m for m in msgs), msgs


def test_unknown_default_edition(tmp_path):
    msgs = problems_of(tmp_path, variant(lambda d: d.update(default_edition="zzz")))
    assert any("zzz" in m and "default_edition" in m for m in msgs), msgs


def test_wrong_top_level_type(tmp_path):
    msgs = problems_of(tmp_path, "[1, 2, 3]")
    assert msgs and msgs[0].startswith("$")


def test_load_document_does_not_touch_anything_on_failure():
    with pytest.raises(DatasetError):
        load_document({"format": "nope"})


def test_quality_warnings(tmp_path):
    def mutate(doc):
        doc["editions"][0]["units"][4]["name"] = "Division des partenariats internationaux"
        doc["editions"][0]["units"][4]["mandate"] = []

    ds = load_dataset(write_doc(tmp_path, variant(mutate)))
    warnings = [str(w) for w in quality_warnings(ds)]
    assert any("ni mandat ni mention" in w and "div-a2" in w for w in warnings), warnings
    assert any("déjà utilisé" in w for w in warnings), warnings


def test_bundled_dataset_loads():
    ds = load_dataset()
    assert ds.edition().coverage == "full"
    assert len(ds.edition()) > 100


def _cached_file_and_calls(tmp_path, monkeypatch, check: str) -> tuple[Path, list]:
    """A dataset file, a cache folder of the test's own, and the calls of loading.<check> counted."""
    from iomviewer.core import loading

    monkeypatch.setenv("IOMVIEWER_CACHE_DIR", str(tmp_path / "cache"))
    calls: list = []
    real = getattr(loading, check)
    monkeypatch.setattr(loading, check, lambda *args: calls.append(1) or real(*args))
    return write_doc(tmp_path, mini_doc()), calls


def test_schema_check_is_remembered_per_exact_content(tmp_path, monkeypatch):
    path, calls = _cached_file_and_calls(tmp_path, monkeypatch, "schema_problems")
    load_dataset(path)
    load_dataset(path)
    assert calls == [1]  # the second load trusted the first check of the same bytes
    bad = variant(lambda d: d["editions"][0]["units"][3].update(kind="galaxy"))
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(DatasetError):
        load_dataset(path)  # changed bytes: checked again, and refused
    assert calls == [1, 1]


def test_cache_can_be_turned_off_and_survives_unwritable_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("IOMVIEWER_CACHE_DIR", "off")
    path = write_doc(tmp_path, mini_doc())
    assert len(load_dataset(path).edition()) == 7
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("IOMVIEWER_CACHE_DIR", str(blocker / "cache"))
    assert len(load_dataset(path).edition()) == 7


def test_a_lying_cache_entry_cannot_skip_the_schema_check_into_a_traceback(tmp_path, monkeypatch):
    from iomviewer.core import cache
    from iomviewer.core.loading import _cache_entry

    monkeypatch.setenv("IOMVIEWER_CACHE_DIR", str(tmp_path / "cache"))
    bad = variant(lambda d: d["editions"][0]["units"][3].pop("parent"))
    path = write_doc(tmp_path, bad)
    # A poisoned entry of the schema verdicts load_dataset once kept beside its datasets:
    # only a dataset entry (written after every check) spares the checks now.
    cache.put("validated", _cache_entry(hashlib.sha256(path.read_bytes()).hexdigest()))
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    assert any("parent" in str(p) and "$.editions[0].units[3]" in str(p) for p in info.value.problems)


def test_a_file_whose_size_lies_is_still_capped(monkeypatch):
    """/proc files say 0 bytes; the read itself stops one byte past the limit."""
    from iomviewer.core import loading

    if not Path("/proc/self/maps").exists():
        pytest.skip("needs /proc")
    monkeypatch.setattr(loading, "MAX_FILE_BYTES", 100)
    with pytest.raises(DatasetError) as info:
        loading.read_bytes("/proc/self/maps")
    assert "trop volumineux" in str(info.value)


def test_bytes_that_passed_once_skip_the_walk_over_every_value(tmp_path, monkeypatch):
    path, walks = _cached_file_and_calls(tmp_path, monkeypatch, "_shape_problem")
    first = load_dataset(path)
    assert walks == [1]
    second = load_dataset(path)  # same bytes: schema and shape verdicts are known
    assert walks == [1] and second.digest == first.digest
    path.write_text(path.read_text(encoding="utf-8") + " ", encoding="utf-8")
    load_dataset(path)  # other bytes: checked again
    assert walks == [1, 1]


def test_an_edition_based_on_another_shares_its_unchanged_units():
    dataset = load_dataset()
    base, revision = dataset.edition("structure-2021"), dataset.edition("revision-2022")
    assert revision.based_on == "structure-2021"
    assert revision.unit("conseil") is base.unit("conseil")  # one immutable Unit for one record
    assert revision.unit("bureau-executif") is not base.unit("bureau-executif")  # its mandate was rewritten
    assert revision.unit("bureau-executif").mandate != base.unit("bureau-executif").mandate


def test_the_dataset_built_once_is_read_back_for_the_same_bytes_anywhere(tmp_path, monkeypatch):
    path, builds = _cached_file_and_calls(tmp_path, monkeypatch, "build_dataset")
    first = load_dataset(path)
    copy = tmp_path / "copie.json"
    copy.write_bytes(path.read_bytes())
    second = load_dataset(copy)
    assert builds == [1]  # read back from the cache, not built again
    assert second.editions == first.editions and second.digest == first.digest
    assert second.path == str(copy) and first.path == str(path)
    assert second.edition().unit("dept-a") == first.edition().unit("dept-a")
    path.write_text(path.read_text(encoding="utf-8") + " ", encoding="utf-8")
    load_dataset(path)  # other bytes: built again
    assert builds == [1, 1]


@pytest.mark.parametrize("entry", [b"\x80\x05garbage", pickle.dumps({"not": "a dataset"}), b""])
def test_a_broken_or_foreign_dataset_cache_entry_is_a_miss(tmp_path, monkeypatch, entry):
    from iomviewer.core import cache
    from iomviewer.core.loading import _cache_entry

    path, builds = _cached_file_and_calls(tmp_path, monkeypatch, "build_dataset")
    cache.put("dataset", _cache_entry(hashlib.sha256(path.read_bytes()).hexdigest()), entry)
    assert len(load_dataset(path).edition()) == 7
    assert builds == [1]


def test_a_changed_loader_or_model_never_reads_back_an_older_dataset(tmp_path, monkeypatch):
    from iomviewer.core import loading

    path, builds = _cached_file_and_calls(tmp_path, monkeypatch, "build_dataset")
    load_dataset(path)
    load_dataset(path)
    assert builds == [1]
    monkeypatch.setattr(loading, "_code_fingerprint", lambda: b"another version of loading.py")
    load_dataset(path)  # the code changed (a checkout between two runs): built again
    assert builds == [1, 1]


def test_the_cache_digest_is_sha256():
    from iomviewer.core.cache import sha256

    data = "données de l'OIM".encode()
    assert sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()


def test_a_start_from_the_dataset_cache_loads_neither_json_nor_openssl(tmp_path):
    # The window's start reads its dataset from the cache: json (a parse) and
    # hashlib (OpenSSL's start, 4-5 ms) are for a file seen for the first time.
    import os
    import subprocess
    import sys

    probe = ("import sys\n"
             "from iomviewer.core.loading import load_dataset\n"
             "load_dataset()\n"
             "print(sorted(m for m in ('json', 'hashlib', '_hashlib') if m in sys.modules))\n")
    env = dict(os.environ, IOMVIEWER_CACHE_DIR=str(tmp_path))
    runs = [subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120)
            for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[-1].stderr
    assert runs[0].stdout.strip() == "['json']"  # the first load parses the file
    assert runs[1].stdout.strip() == "[]"


def _settled(path: Path, seconds_ago: float = 3600.0) -> None:
    """Make a file look written long ago (the digest index trusts only settled files)."""
    import os
    import time

    then = time.time() - seconds_ago
    os.utime(path, (then, then))


def test_a_settled_file_seen_before_is_neither_read_nor_hashed(tmp_path, monkeypatch):
    from iomviewer.core import loading

    path, reads = _cached_file_and_calls(tmp_path, monkeypatch, "_read_with_stat")
    monkeypatch.setattr(loading, "DIGEST_SETTLED_NS", -10**18)  # as if written long ago
    first = load_dataset(path)
    second = load_dataset(path)
    assert reads == [1]  # the second load knew the file by its identity on disk
    assert second.digest == first.digest and second.editions == first.editions


def test_a_file_changed_on_disk_is_read_again_even_with_the_same_size(tmp_path, monkeypatch):
    from iomviewer.core import loading

    path, reads = _cached_file_and_calls(tmp_path, monkeypatch, "_read_with_stat")
    monkeypatch.setattr(loading, "DIGEST_SETTLED_NS", -10**18)
    first = load_dataset(path)
    text = path.read_text(encoding="utf-8")
    assert "relations extérieures" in text
    path.write_text(text.replace("relations extérieures", "relations intérieures"), encoding="utf-8")  # same size
    _settled(path)
    second = load_dataset(path)
    assert reads == [1, 1]
    assert second.digest != first.digest
    assert second.edition().unit("dept-a").name == "Département des relations intérieures"


def test_a_file_just_written_is_not_known_by_its_identity(tmp_path, monkeypatch):
    # Written within the timestamp granularity, it could change again with every field equal.
    path, reads = _cached_file_and_calls(tmp_path, monkeypatch, "_read_with_stat")
    load_dataset(path)
    load_dataset(path)
    assert reads == [1, 1]


def test_a_corrupt_digest_index_entry_is_a_miss(tmp_path, monkeypatch):
    import os

    from iomviewer.core import cache, loading

    path, reads = _cached_file_and_calls(tmp_path, monkeypatch, "_read_with_stat")
    monkeypatch.setattr(loading, "DIGEST_SETTLED_NS", -10**18)
    entry = cache.key(loading._file_identity(os.stat(path)))
    cache.put("digest", entry, b"../../etc/passwd")
    assert len(load_dataset(path).edition()) == 7
    assert reads == [1]


def test_editions_and_datasets_are_frozen_values(tmp_path):
    from iomviewer.core.compare import ComparisonEdition

    dataset = load_document(mini_doc())
    edition = dataset.edition()
    with pytest.raises(AttributeError):
        edition.label = "autre"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del dataset.path
    copy = pickle.loads(pickle.dumps(dataset))
    assert copy == dataset and hash(copy) == hash(dataset) and copy is not dataset
    assert copy.edition().unit("dept-a") == edition.unit("dept-a")  # lookup tables come along
    assert repr(edition).startswith("Edition(id=") and "_by_id" not in repr(edition)
    union = ComparisonEdition(edition.id, edition.label, edition.period, edition.units, changes=None)
    assert union != edition  # another class: never equal, as with dataclasses
    assert union.children(None) == edition.children(None) and union.changes is None


def test_schema_problems_are_said_in_french_with_the_offending_name(tmp_path):
    """jsonschema writes English ("'kind' is a required property"); the window and the CLI speak French."""
    def mutate(doc):
        unit = doc["editions"][0]["units"][3]
        del unit["kind"]
        unit["name"] = 5
        unit["colour"] = "bleu"
        doc["editions"][0]["units"][2]["kind"] = "galaxy"

    msgs = problems_of(tmp_path, variant(mutate))
    joined = "\n".join(msgs)
    assert "propriété obligatoire absente : « kind »" in joined
    assert "type attendu : texte (trouvé : nombre entier « 5 »)" in joined
    assert "propriété inconnue : « colour »" in joined
    assert "valeur « galaxy » non permise (valeurs possibles :" in joined
    assert not any(word in joined for word in ("is a required property", "is not of type", "was unexpected")), msgs

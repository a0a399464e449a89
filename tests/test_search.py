import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iomviewer.core.loading import load_dataset
from iomviewer.core.model import Alias, Edition, Period, SourceRef, Unit
from iomviewer.core.search import SearchIndex, find_units, normalize, tokenize

pytestmark = pytest.mark.core

SRC = SourceRef("t.txt", (1,))


def U(uid, name, parent, kind="unit", mandate=(), aliases=(), acronym=None, mention=None):
    return Unit(uid, name, kind, parent, SRC, tuple(Alias(a) for a in aliases), acronym, tuple(mandate), mention)


@pytest.fixture(scope="module")
def edition():
    units = (
        U("oim", "Organisation internationale pour les migrations", None, "organisation", acronym="OIM",
          mandate=["L’Organisation fait partie du système des Nations Unies."]),
        U("sante", "Division Migration et santé", "oim", "division",
          mandate=["La Division supervise les services de santé dans le contexte migratoire."]),
        U("mentale", "Unité Santé mentale et soutien psychosocial", "sante"),
        U("der", "Département des relations extérieures", "oim", "department",
          aliases=["Département de la coopération internationale et des partenariats"],
          mandate=["Le Département appuie les relations avec les donateurs."]),
        U("tresor", "Division de la trésorerie", "oim", "division",
          mandate=["La Division gère la trésorerie de l’Organisation."]),
        U("budget", "Division du budget", "oim", "division",
          mandate=["Elle travaille avec la Division de la trésorerie et la coopération internationale."]),
        U("iml", "Unité du droit international de la migration", "oim",
          mandate=["L’Unité est le point focal chargé de faire connaître le droit international."]),
        U("dup", "Division du budget", "der", "division"),
    )
    return Edition("e", "E", Period("2021"), units)


@pytest.fixture(scope="module")
def index(edition):
    return SearchIndex(edition)


def ids(results):
    return [r.unit_id for r in results]


def test_normalize_folds_case_accents_ligatures_apostrophes():
    assert normalize("  SANTÉ  Mentale ") == "sante mentale"
    assert normalize("main-d’œuvre") == "main-d'oeuvre"
    assert normalize("l’Unité") == normalize("l'unite")


def test_tokenize_keeps_original_offsets():
    text = "l’Unité de la main-d’œuvre"
    tokens = tokenize(text)
    assert [t for t, _, _ in tokens] == ["l", "unite", "de", "la", "main", "d", "oeuvre"]
    for word, start, end in tokens:
        assert normalize(text[start:end]) == word


def test_accent_and_case_insensitive(index):
    assert ids(index.search("sante"))[:2] == ["sante", "mentale"]
    assert ids(index.search("SANTÉ"))[:2] == ["sante", "mentale"]


def test_prefix_while_typing_and_multi_word_and(index):
    assert ids(index.search("santé ment")) == ["mentale"]
    assert ids(index.search("division tréso"))[0] == "tresor"
    assert index.search("santé trésorerie") == []


def test_typo_tolerance(index):
    assert ids(index.search("tresorerei"))[0] == "tresor"
    assert "iml" in ids(index.search("migartion"))


def test_ranking_name_before_alias_before_mandate(index):
    results = index.search("coopération internationale")
    assert ids(results)[:2] == ["der", "budget"]  # alias hit, then mandate hit
    assert results[0].field == "alias" and results[1].field == "mandate"
    assert results[0].score > results[1].score


def test_ranking_word_before_prefix(index):
    results = index.search("budget")
    assert results[0].match in ("exact", "word")
    prefix = index.search("budg")
    assert prefix[0].match == "prefix" and prefix[0].score < results[0].score


def test_whole_acronym_comes_first(index):
    results = index.search("oim")
    assert results[0].unit_id == "oim" and results[0].match == "exact"


def test_snippet_highlights_the_match(index):
    (result,) = [r for r in index.search("donateurs") if r.unit_id == "der"]
    assert result.field == "mandate"
    assert result.highlights
    for start, end in result.highlights:
        assert normalize(result.snippet[start:end]) == "donateurs"


def test_stop_words(index):
    assert index.search("de la") == []
    assert ids(index.search("la trésorerie"))[0] == "tresor"


def test_empty_and_blank_queries(index):
    assert index.search("") == [] and index.search("   ") == [] and index.matching_ids("") == set()


def test_matching_ids_has_no_limit(index):
    assert index.matching_ids("division") >= {"sante", "tresor", "budget", "dup"}
    assert len(index.search("division", limit=1)) == 1


def test_find_units(edition):
    assert [u.id for u in find_units(edition, "tresor")] == ["tresor"]
    assert [u.id for u in find_units(edition, "division MIGRATION et sante")] == ["sante"]
    assert [u.id for u in find_units(edition, "Departement de la cooperation internationale et des partenariats")] == ["der"]
    assert [u.id for u in find_units(edition, "oim")] == ["oim"]
    assert sorted(u.id for u in find_units(edition, "Division du budget")) == ["budget", "dup"]
    assert find_units(edition, "nothing like it") == []
    assert find_units(edition, "  ") == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_search_never_raises(query):
    index = _bundled_index()
    results = index.search(query)
    assert all(r.unit_id in index.edition for r in results)
    index.matching_ids(query)


_cache = {}


def _bundled_index():
    if "index" not in _cache:
        _cache["index"] = SearchIndex(load_dataset().edition())
    return _cache["index"]


def test_hostile_queries():
    index = _bundled_index()
    for query in ("\u202e\u0000\x1b[31m", "x" * 100_000, "’’’", "🙂 santé"):
        index.search(query)
    assert ids(index.search("🙂 santé"))

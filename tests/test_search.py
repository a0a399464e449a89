"""Search: folding, matching, ranking tiers, snippets and unit resolution."""
import subprocess
import sys

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from iomviewer.core.model import Alias, Edition, Period, SourceRef, Unit
from iomviewer.core.search import MAX_QUERY_CHARS, SearchIndex, find_units, normalize, tokenize
from iomviewer.core.text import STOP_WORDS, escape_markup, iter_words

pytestmark = pytest.mark.core

SRC = SourceRef("t.txt", (1,))

LONG_MANDATE = (
    "Le Département appuie et coordonne les relations de l’Organisation avec ses États Membres, les "
    "organisations intergouvernementales et la société civile ; il veille à la cohérence des messages "
    "institutionnels, prépare les réunions des organes directeurs et entretient un dialogue suivi avec "
    "les donateurs, auxquels il rend compte de l’emploi des contributions volontaires reçues."
)


def U(uid, name, parent, kind="unit", mandate=(), aliases=(), acronym=None, mention=None):
    return Unit(uid, name, kind, parent, SRC, tuple(Alias(a) for a in aliases), acronym, tuple(mandate), mention)


def E(*units):
    return Edition("e", "E", Period("2021"), tuple(units))


@pytest.fixture(scope="module")
def edition():
    return E(
        U("oim", "Organisation internationale pour les migrations", None, "organisation", acronym="OIM",
          mandate=["L’Organisation internationale pour les migrations fait partie du système des Nations Unies."]),
        U("sante", "Division Migration et santé", "oim", "division",
          mandate=["La Division supervise les services de santé dans le contexte migratoire."]),
        U("mentale", "Unité Santé mentale et soutien psychosocial", "sante",
          mandate=["L’Unité d’appui psychosocial œuvre auprès des migrants."]),
        U("der", "Département des relations extérieures", "oim", "department",
          aliases=["Département de la coopération internationale et des partenariats"],
          mandate=[LONG_MANDATE]),
        U("tresor", "Division de la trésorerie", "oim", "division",
          mandate=["La Division gère la trésorerie de l’Organisation."]),
        U("budget", "Division du budget", "oim", "division",
          mandate=["Elle travaille avec la Division de la trésorerie et la coopération internationale."]),
        U("iml", "Unité du droit international de la migration", "oim",
          mandate=["L’Unité est le point focal chargé de faire connaître le droit international."]),
        U("dup", "Division du budget", "der", "division"),
        U("bienetre", "Unité du bien-être du personnel", "oim",
          mandate=["Elle veille au bien-être du personnel."]),
        U("mo", "équipe de la main-d’œuvre", "sante", "team",
          mention="La Division s’appuie sur une équipe de la main-d’œuvre pour les questions d’emploi."),
    )


@pytest.fixture(scope="module")
def index(edition):
    return SearchIndex(edition)


def ids(results):
    return [r.unit_id for r in results]


# --- text folding --------------------------------------------------------------------


def test_normalize_folds_case_accents_ligatures_apostrophes_space():
    assert normalize("  SANTÉ \t Mentale\n") == "sante mentale"
    assert normalize("Œuvre, Cæsar") == "oeuvre, caesar"
    assert normalize("l’a l‘a lʼa l´a l`a l'a") == "l'a l'a l'a l'a l'a l'a"
    assert normalize("main‑d’œuvre") == "main-d'oeuvre"  # non-breaking hyphen
    assert normalize("re\u0301sume\u0301") == normalize("résumé") == "resume"


def test_tokenize_drops_elided_articles_and_keeps_offsets():
    assert tokenize("l’Unité") == [("unite", 2, 7)]
    assert tokenize("d'appui") == [("appui", 2, 7)]
    assert [w for w, _, _ in tokenize("qu’il lorsqu’elle aujourd’hui")] == ["il", "elle", "aujourd", "hui"]
    text = "L’Unité de la main-d’œuvre"
    tokens = tokenize(text)
    assert [w for w, _, _ in tokens] == ["unite", "de", "la", "main-d'oeuvre", "main", "oeuvre"]
    for word, start, end in tokens:
        assert normalize(text[start:end]) == word


def test_tokenize_gives_hyphenated_words_whole_and_in_parts():
    assert tokenize("bien-être") == [("bien-etre", 0, 9), ("bien", 0, 4), ("etre", 5, 9)]


@settings(max_examples=300, deadline=None)
@given(st.text())
@example("ǅ ß İ ﬁ ℌ ﷺ ´ \u0301")
def test_normalize_is_idempotent_and_tokens_point_at_their_text(text):
    assert normalize(normalize(text)) == normalize(text)
    for word, start, end in tokenize(text):
        assert word and normalize(text[start:end]) == word


# --- matching ------------------------------------------------------------------------


def test_case_and_accent_insensitive(index):
    expected = ids(index.search("santé"))
    assert expected[:2] == ["sante", "mentale"]
    for query in ("sante", "SANTE", "Santé", "SANTÉ", "sante\u0301"):
        assert ids(index.search(query)) == expected


def test_typographic_and_straight_apostrophes_are_equal(index):
    assert ids(index.search("d’appui psychosocial")) == ids(index.search("d'appui psychosocial")) == ["mentale"]
    assert ids(index.search("l’appui")) == ids(index.search("l'appui")) == ids(index.search("appui"))
    assert ids(index.search("main-d'oeuvre")) == ids(index.search("main‑d’œuvre")) == ["mo"]


def test_typo_tolerance(index):
    assert "iml" in ids(index.search("migartion"))  # transposition: one edit
    assert ids(index.search("tresorerie"))[0] == "tresor"
    assert ids(index.search("tresorerei"))[0] == "tresor"
    top = index.search("tresorerei")[0]
    assert top.match == "fuzzy" and top.field == "name"
    assert index.search("sant") and not index.search("snt")  # no typos under 4 characters


def test_prefix_while_typing(index):
    assert ids(index.search("santé ment")) == ["mentale"]
    assert ids(index.search("division tréso"))[0] == "tresor"
    assert index.search("santé ment")[0].match == "prefix"
    # Only the last word is a prefix: a finished word must be whole (or a typo).
    assert index.search("ment santé") == []
    assert index.search("psychosoc") and not index.search("psychosoc santé")


def test_one_character_word_is_still_being_typed(index):
    assert index.search("d") == [] and index.search("m") == [] and index.matching_ids("s") == set()
    assert ids(index.search("santé m")) == ids(index.search("santé"))


def test_multi_word_and_across_fields(index):
    assert ids(index.search("santé trésorerie")) == []
    # "division" in the name, "donateurs"… no: every word must match one unit.
    assert ids(index.search("division donateurs")) == []
    # "département" in the name, "donateurs" only in the mandate: still a match.
    results = index.search("département donateurs")
    assert ids(results) == ["der"] and results[0].field == "mandate"


def test_stop_words(index):
    for query in ("de la", "l’", "Le la LES du des à", "aux pour sur dans par un une"):
        assert index.search(query) == [] and index.matching_ids(query) == set()
    assert ids(index.search("la trésorerie"))[0] == "tresor"
    assert ids(index.search("la trésorerie")) == ids(index.search("trésorerie"))


@pytest.mark.parametrize("query", ["", " ", "   \t\n", "\u200f", "…", "’"])
def test_empty_and_blank_queries(index, query):
    assert index.search(query) == [] and index.matching_ids(query) == set()


def test_matching_ids_has_no_limit(index):
    everything = index.matching_ids("division")
    assert everything >= {"sante", "tresor", "budget", "dup"}
    assert len(index.search("division", limit=1)) == 1
    assert {r.unit_id for r in index.search("division", limit=1000)} == everything
    assert index.search("division", limit=0) == []


def test_query_is_cut_at_max_query_chars(index):
    assert ids(index.search("santé" + " " * MAX_QUERY_CHARS + "zzzzzz")) == ids(index.search("santé"))


# --- ranking -------------------------------------------------------------------------


def test_ranking_tiers_name_acronym_alias_mention_mandate():
    # Tie-breaks (shallower, shorter name, source order) all favour the wrong
    # order, so only the field tiers can put these right.
    ed = E(
        U("r", "Organisation", None, "organisation"),
        U("m", "Bureau", "r", mandate=["Il gère les partenariats."]),
        U("x", "Bureau X", "r", mention="Le Bureau X gère les partenariats."),
        U("a", "Bureau AA", "r", aliases=["Service des partenariats"]),
        U("c", "Bureau CCC", "r", acronym="PARTENARIATS-UE"),
        U("n", "Unité très profonde des partenariats stratégiques mondiaux", "a"),
    )
    results = SearchIndex(ed).search("partenariats")
    assert ids(results) == ["n", "c", "a", "x", "m"]
    assert [r.field for r in results] == ["name", "acronym", "alias", "mention", "mandate"]
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)
    assert len({r.score for r in results}) == 5


def test_ranking_word_before_prefix_before_fuzzy():
    ed = E(
        U("r", "Organisation", None, "organisation"),
        U("f", "Bureau immigration", "r"),
        U("p", "Bureau des migrations", "r"),
        U("w", "Unité très profonde et très longue de la migration", "p"),
    )
    results = SearchIndex(ed).search("migration")
    assert ids(results) == ["w", "p", "f"]
    assert [r.match for r in results] == ["word", "prefix", "fuzzy"]
    assert results[0].score > results[1].score > results[2].score


def test_a_whole_word_in_the_name_beats_any_alias_or_mandate_match(index):
    results = index.search("coopération internationale")
    assert ids(results) == ["der", "budget"]  # alias, then mandate
    assert [r.field for r in results] == ["alias", "mandate"]
    assert results[0].matched_text == "Département de la coopération internationale et des partenariats"
    ed = E(
        U("r", "Organisation", None, "organisation"),
        U("a", "Bureau", "r", aliases=["Service de la coopération"]),
        U("n", "Unité profonde de la coopération technique régionale", "a"),
    )
    assert ids(SearchIndex(ed).search("cooperation")) == ["n", "a"]


def test_field_tier_outranks_how_a_word_matched():
    ed = E(
        U("r", "Organisation", None, "organisation"),
        U("a", "Bureau", "r", aliases=["Service du partenariat"]),
        U("n", "Unité profonde des partenariats régionaux", "a"),
    )
    results = SearchIndex(ed).search("partenariat")
    assert [(r.unit_id, r.field, r.match) for r in results] == [("n", "name", "prefix"), ("a", "alias", "word")]


def test_multi_word_ranks_by_the_weakest_word():
    ed = E(
        U("r", "Organisation", None, "organisation"),
        U("y", "Unité santé", "r", mandate=["Elle traite de santé mentale."]),
        U("x", "Unité profonde de la santé mentale des migrants", "y"),
    )
    results = SearchIndex(ed).search("santé mentale")
    assert ids(results) == ["x", "y"]
    assert results[1].field == "mandate"


def test_same_weakest_word_ranks_by_the_sum_over_words():
    ed = E(
        U("r", "Organisation", None, "organisation"),
        U("y", "Unité A", "r", mandate=["Elle traite de santé mentale."]),
        U("x", "Unité profonde de la santé des migrants", "y", mandate=["Elle traite aussi la détresse mentale."]),
    )
    results = SearchIndex(ed).search("santé mentale")
    assert ids(results) == ["x", "y"] and results[0].score > results[1].score
    assert [r.field for r in results] == ["mandate", "mandate"]


def test_whole_name_acronym_or_alias_typed_out_comes_first(index, edition):
    oim = index.search("OIM")[0]
    assert (oim.unit_id, oim.field, oim.match, oim.matched_text) == ("oim", "acronym", "exact", "OIM")
    exact = index.search("division de la trésorerie")[0]
    assert (exact.unit_id, exact.match, exact.score) == ("tresor", "exact", 100.0)
    alias = index.search("Département de la coopération internationale et des partenariats")[0]
    assert (alias.unit_id, alias.field, alias.match) == ("der", "alias", "exact")
    by_id = index.search("bienetre")[0]
    assert (by_id.unit_id, by_id.field, by_id.match) == ("bienetre", "id", "exact")


def test_ties_break_on_depth_then_name_length_then_source_order():
    ed = E(
        U("r", "Organisation", None, "organisation"),
        U("deep", "Unité santé", "b"),
        U("b", "Division de la santé", "r"),
        U("a", "Division santé", "r"),
        U("a2", "Division santé", "r"),
    )
    assert ids(SearchIndex(ed).search("santé")) == ["a", "a2", "b", "deep"]


# --- snippets ------------------------------------------------------------------------


def _assert_highlights(result, *words):
    assert result.highlights
    for start, end in result.highlights:
        assert 0 <= start < end <= len(result.snippet)
        assert normalize(result.snippet[start:end]) in words


def test_mandate_snippet_is_cut_around_the_match_at_word_boundaries(index):
    (result,) = index.search("cohérence département")
    assert (result.unit_id, result.field, result.match) == ("der", "mandate", "word")
    assert result.matched_text == LONG_MANDATE
    snippet = result.snippet
    assert "cohérence" in snippet and len(snippet) <= 170
    assert snippet.startswith("…") and snippet.endswith("…")
    inner = snippet[1:-1]
    at = LONG_MANDATE.index(inner)
    assert LONG_MANDATE[at - 1] == " " and LONG_MANDATE[at + len(inner)] == " "
    _assert_highlights(result, "coherence", "departement")


def test_mention_snippet_keeps_accents_and_marks_the_match(index):
    (result,) = index.search("questions emploi")
    assert (result.unit_id, result.field) == ("mo", "mention")
    assert result.snippet == "La Division s’appuie sur une équipe de la main-d’œuvre pour les questions d’emploi."
    _assert_highlights(result, "questions", "emploi")


def test_name_match_snippet_is_the_start_of_the_mandate(index):
    result = index.search("tresorerei")[0]
    assert result.snippet == "La Division gère la trésorerie de l’Organisation."
    _assert_highlights(result, "tresorerie")
    assert [result.snippet[s:e] for s, e in result.highlights] == ["trésorerie"]
    (dup,) = [r for r in index.search("budget") if r.unit_id == "dup"]
    assert dup.snippet == "" and dup.highlights == ()


def test_a_compound_is_highlighted_whole(index):
    result = index.search("bienêtre")[0]  # a typo of "bien-être": one edit
    assert result.unit_id == "bienetre"
    assert [result.snippet[s:e] for s, e in result.highlights] == ["bien-être"]


# --- find_units ----------------------------------------------------------------------


def test_find_units_by_id_name_alias_acronym(edition):
    def found(text):
        return [u.id for u in find_units(edition, text)]

    assert found("tresor") == ["tresor"]
    assert found("  tresor ") == ["tresor"]
    assert found("division MIGRATION et sante") == ["sante"]
    assert found("unite du droit international de la migration") == ["iml"]
    assert found("ÉQUIPE DE LA MAIN-D'OEUVRE") == ["mo"]
    assert found("Departement de la cooperation internationale et des partenariats") == ["der"]
    assert found("oim") == ["oim"]


def test_find_units_ambiguous_partial_and_unknown(edition):
    assert [u.id for u in find_units(edition, "Division du budget")] == ["budget", "dup"]
    assert [u.id for u in find_units(edition, "relations extérieures")] == ["der"]
    assert [u.id for u in find_units(edition, "trésorerie")] == ["tresor"]
    assert find_units(edition, "extérieures relations") == []  # whole words, in order
    assert find_units(edition, "trésor") == []  # whole words only
    assert find_units(edition, "nothing like it") == []
    assert find_units(edition, "  ") == [] and find_units(edition, "de la") == []


# --- robustness ----------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
@example("\u202e\u0000\x1b[31m")
@example("\u200f\u200e\u2066sante\u2069")
@example("’’’ -- ‐‑ `´")
@example("🙂 santé")
def test_search_never_raises(index, query):
    results = index.search(query)
    matching = index.matching_ids(query)
    assert len({r.unit_id for r in results}) == len(results) <= 50
    assert {r.unit_id for r in results} <= matching
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)
    for r in results:
        assert all(0 <= s < e <= len(r.snippet) for s, e in r.highlights)


def test_huge_and_hostile_queries(index):
    for query in ("x" * 100_000, "santé " * 20_000, "\u0301" * 5000, "\x00" * 1000, "a" * 201):
        index.search(query)
        index.matching_ids(query)
    assert ids(index.search("🙂 santé"))[:2] == ["sante", "mentale"]


_WORDS = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(name=st.lists(_WORDS, min_size=1, max_size=5).map(" ".join),
       mandate=st.lists(_WORDS, min_size=1, max_size=60).map(" ".join),
       data=st.data())
def test_every_word_of_a_unit_finds_it(name, mandate, data):
    ed = E(U("r", "Racine", None, "organisation"), U("u", name, "r", mandate=[mandate]))
    index = SearchIndex(ed)
    words = [(w, text[s:e]) for text in (name, mandate) for w, s, e in iter_words(text)
             if len(w) >= 2 and w not in STOP_WORDS]
    assume(words)
    word, original = data.draw(st.sampled_from(words))
    assert "u" in index.matching_ids(original)
    for r in index.search(original):
        assert all(0 <= s < e <= len(r.snippet) for s, e in r.highlights)


def test_core_search_imports_no_qt_and_no_networkx():
    code = ("import sys, iomviewer.core.search; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'networkx', 'shiboken6')]; "
            "sys.exit(1 if bad else 0)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


@pytest.mark.parametrize("text", ["Santé & <b>migrations</b>", "l'OIM \"ONU\"", "&amp; déjà", "a < b > c", ""])
def test_escape_markup_is_html_escape(text):
    import html

    assert escape_markup(text) == html.escape(text)

import csv
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iomviewer.core.diff import (
    EditionDiff,
    WordOp,
    diff_editions,
    mandate_diff,
    new_text_of,
    old_text_of,
    tokenize_words,
    word_diff,
)
from iomviewer.core.model import Dataset, Edition, HistoryRecord, Period, SourceRef, Unit
from iomviewer.core.report import diff_to_csv, diff_to_markdown

pytestmark = pytest.mark.core

ORG = "Organisation internationale pour les migrations"


def U(uid, name, kind="division", parent="siege", mandate=()):
    return Unit(uid, name, kind, parent, SourceRef("test.txt", (1,)), mandate=tuple(mandate))


def base_units():
    return [
        U("oim", ORG, "organisation", None, ["L’Organisation fait partie du système des Nations Unies."]),
        U("siege", "Siège", "headquarters", "oim"),
        U("dept-a", "Département des relations extérieures", "department", "siege",
          ["Le Département appuie la Division des partenariats."]),
        U("div-a1", "Division des partenariats internationaux", "division", "dept-a",
          ["La Division instaure et suit les partenariats."]),
        U("div-a2", "Division Migration et santé", "division", "dept-a"),
        U("dept-b", "Département de la gestion financière", "department", "siege"),
    ]


def E(eid, units, coverage="full"):
    return Edition(eid, f"Édition {eid}", Period(eid), tuple(units), coverage=coverage)


def D(*editions, history=()):
    return Dataset(ORG, "OIM", tuple(editions), editions[-1].id, history=tuple(history))


def replace(units, uid, **changes):
    return [u._replace(**changes) if u.id == uid else u for u in units]


def ids(changes):
    return [c.id for c in changes]


# --- tokens ----------------------------------------------------------------


def test_elision_splits_after_the_apostrophe():
    assert tokenize_words("l’Organisation") == ["l’", "Organisation"]
    assert tokenize_words("d'appui") == ["d'", "appui"]
    assert tokenize_words("L’OIM qu’il jusqu’à") == ["L’", "OIM", " ", "qu’", "il", " ", "jusqu’", "à"]


def test_words_with_inner_apostrophe_or_hyphen_stay_whole():
    assert tokenize_words("aujourd’hui") == ["aujourd’hui"]
    assert tokenize_words("presqu’île") == ["presqu’île"]
    assert tokenize_words("développement socio-économique à Addis-Abeba") == [
        "développement", " ", "socio-économique", " ", "à", " ", "Addis-Abeba"]


def test_numbers_keep_their_separators():
    assert tokenize_words("plan 2019-2023, 1 000 et 20\u00a0000 ; vers 2011–2018") == [
        "plan", " ", "2019-2023", ",", " ", "1 000", " ", "et", " ", "20\u00a0000", " ", ";", " ", "vers", " ",
        "2011–2018"]
    # A year followed by a count is not one number.
    assert tokenize_words("en 2019 120 pays") == ["en", " ", "2019", " ", "120", " ", "pays"]


def test_accents_and_punctuation():
    assert tokenize_words("« États Membres »") == ["«", " ", "États", " ", "Membres", " ", "»"]
    # A decomposed accent does not break the word.
    assert tokenize_words("e\u0301conomique.") == ["e\u0301conomique", "."]


@settings(max_examples=300)
@given(st.text())
def test_tokenize_round_trips_any_text(text):
    assert "".join(tokenize_words(text)) == text


# --- word diff -------------------------------------------------------------


def test_word_diff_exact_ops():
    assert word_diff("appuie la Division", "appuie l’Unité") == [
        WordOp("equal", "appuie "), WordOp("delete", "la Division"), WordOp("insert", "l’Unité")]


def test_word_diff_whitespace_is_equal_but_kept():
    ops = word_diff("appuie  la\u00a0Division", "appuie la Division")
    assert [o.op for o in ops] == ["equal"]
    assert ops[0].text == "appuie la Division" and ops[0].old_text == "appuie  la\u00a0Division"


def test_word_diff_oe_ligature_is_a_change():
    ops = word_diff("met en oeuvre", "met en œuvre")
    assert WordOp("delete", "oeuvre") in ops and WordOp("insert", "œuvre") in ops


def test_word_diff_rewritten_phrase_is_not_shredded():
    ops = word_diff("La Division des partenariats instaure", "L’Unité de la santé instaure")
    assert ops == [WordOp("delete", "La Division des partenariats"), WordOp("insert", "L’Unité de la santé"),
                   WordOp("equal", " instaure")]


def test_word_diff_edges():
    assert word_diff("", "") == []
    assert word_diff("", "Siège") == [WordOp("insert", "Siège")]
    assert word_diff("Siège", "") == [WordOp("delete", "Siège")]


# French-looking texts from pieces, so that equal runs, elisions and numbers actually occur.
french = st.lists(
    st.sampled_from(list("ab éÉœ’'-–,.« »\u00a0\n0123") + ["l’", "d'", "1 000", "Division", "\n\n", "e\u0301"]),
    max_size=30,
).map("".join)


@settings(max_examples=300)
@given(st.one_of(st.text(), french), st.one_of(st.text(), french))
def test_word_diff_rebuilds_both_texts(old, new):
    ops = word_diff(old, new)
    assert old_text_of(ops) == old
    assert new_text_of(ops) == new
    # Only equal runs may carry a different old text, and then only for whitespace/Unicode form.
    assert all(o.old_text is None for o in ops if o.op != "equal")
    # Merged: no two neighbours of the same kind.
    assert all(x.op != y.op for x, y in zip(ops, ops[1:]))
    if old == new:
        assert all(o.op == "equal" for o in ops)


def test_mandate_diff_joins_paragraphs():
    ops = mandate_diff(["Premier.", "Deuxième."], ["Premier.", "Troisième."])
    assert ops == [WordOp("equal", "Premier.\n\n"), WordOp("delete", "Deuxième"), WordOp("insert", "Troisième"),
                   WordOp("equal", ".")]


# --- edition diff ----------------------------------------------------------


def test_identical_editions_are_empty():
    d = D(E("a", base_units()), E("b", base_units()))
    diff = diff_editions(d, "a", "b")
    assert diff.is_empty() and set(diff.counts().values()) == {0}
    assert diff_editions(d, "a", "a").is_empty()
    assert "Aucune différence" in diff_to_markdown(d, diff)


def test_added_and_removed_in_source_order():
    units_b = [u for u in base_units() if u.id != "div-a2"]
    units_b.insert(2, U("cab", "Bureau du chef de cabinet", "office", "siege"))
    units_b.append(U("div-b1", "Division du budget", "division", "dept-b"))
    d = D(E("a", base_units()), E("b", units_b))
    diff = diff_editions(d, "a", "b")
    assert ids(diff.added) == ["cab", "div-b1"]
    assert ids(diff.removed) == ["div-a2"]
    assert diff.removed[0].name == "Division Migration et santé"
    assert diff.renamed == diff.moved == diff.mandate_changed == diff.not_covered == ()


def test_renamed_without_history_record():
    units_b = replace(base_units(), "div-a2", name="Division de la santé des migrants")
    diff = diff_editions(D(E("a", base_units()), E("b", units_b)), "a", "b")
    [change] = diff.renamed
    assert (change.id, change.name, change.old_name, change.history) == (
        "div-a2", "Division de la santé des migrants", "Division Migration et santé", ())


def test_case_spacing_and_apostrophe_only_are_not_renames():
    units_b = replace(base_units(), "dept-b", name="Département  de la Gestion financière")
    units_b = replace(units_b, "dept-a", name="DÉPARTEMENT DES RELATIONS EXTÉRIEURES")
    diff = diff_editions(D(E("a", base_units()), E("b", units_b)), "a", "b")
    assert diff.is_empty()
    # Accents are kept: losing one is a rename.
    units_c = replace(base_units(), "dept-a", name="Departement des relations exterieures")
    assert ids(diff_editions(D(E("a", base_units()), E("c", units_c)), "a", "c").renamed) == ["dept-a"]


def test_renamed_with_history_record():
    record = HistoryRecord("div-a1", "succession", "a", "b", "Division des partenariats internationaux",
                           "Unité des partenariats", "Même mandat, mot pour mot.", (SourceRef("003.txt", (41,)),))
    units_b = replace(base_units(), "div-a1", name="Unité des partenariats", kind="unit")
    d = D(E("a", base_units()), E("b", units_b), history=[record])
    diff = diff_editions(d, "a", "b")
    [change] = diff.renamed
    assert change.kind == "unit" and change.history == (record,)
    md = diff_to_markdown(d, diff)
    assert "## Unités renommées (1)" in md
    assert "Succède à « Division des partenariats internationaux »" in md
    assert "selon : Même mandat, mot pour mot." in md and "003.txt:41" in md


def test_moved_with_parent_names():
    units_b = replace(base_units(), "div-a2", parent="dept-b")
    diff = diff_editions(D(E("a", base_units()), E("b", units_b)), "a", "b")
    [change] = diff.moved
    assert (change.old_parent, change.new_parent) == ("dept-a", "dept-b")
    assert change.old_parent_name == "Département des relations extérieures"
    assert change.new_parent_name == "Département de la gestion financière"
    assert diff.renamed == () and diff.mandate_changed == ()


def test_parent_outside_partial_edition_is_not_a_move():
    # A flat menu hangs everything from the root: it does not describe the Siège.
    menu = [U("oim", ORG, "organisation", None), U("dept-a", "Département des relations extérieures", "department", "oim")]
    d = D(E("a", base_units()), E("menu", menu, coverage="partial"))
    diff = diff_editions(d, "a", "menu")
    assert diff.moved == ()
    # The same in the other direction (partial A).
    assert diff_editions(d, "menu", "a").moved == ()
    # But a partial edition that does describe the old parent does move the unit.
    menu2 = menu[:1] + [U("siege", "Siège", "headquarters", "oim"),
                        U("dept-a", "Département des relations extérieures", "department", "oim")]
    d2 = D(E("a", base_units()), E("menu", menu2, coverage="partial"))
    assert ids(diff_editions(d2, "a", "menu").moved) == ["dept-a"]


def test_partial_b_gives_not_covered_not_removed():
    partial = [u for u in base_units() if u.id in ("oim", "siege", "dept-a")]
    d = D(E("a", base_units()), E("b", partial, coverage="partial"))
    diff = diff_editions(d, "a", "b")
    assert diff.removed == ()
    assert ids(diff.not_covered) == ["div-a1", "div-a2", "dept-b"]
    assert diff.status_of("div-a1") == {"not_covered"}
    md = diff_to_markdown(d, diff)
    assert "Unités non couvertes par l'édition « Édition b » (couverture partielle) (3)" in md


def test_partial_a_gives_not_in_a_coverage_not_added():
    partial = [u for u in base_units() if u.id in ("oim", "siege", "dept-a")]
    d = D(E("a", partial, coverage="partial"), E("b", base_units()))
    diff = diff_editions(d, "a", "b")
    assert diff.added == ()
    assert ids(diff.not_in_a_coverage) == ["div-a1", "div-a2", "dept-b"]
    # The partial A is still compared where it speaks: a unit gone from a full B is removed.
    d2 = D(E("a", partial + [U("comite", "Comité exécutif", "committee", "oim")], coverage="partial"),
           E("b", base_units()))
    assert ids(diff_editions(d2, "a", "b").removed) == ["comite"]


def test_mandate_changed_with_word_ops():
    units_b = replace(base_units(), "dept-a", mandate=("Le Département appuie l’Unité des partenariats.",))
    diff = diff_editions(D(E("a", base_units()), E("b", units_b)), "a", "b")
    [change] = diff.mandate_changed
    assert change.id == "dept-a"
    assert change.mandate_ops == (
        WordOp("equal", "Le Département appuie "), WordOp("delete", "la Division"), WordOp("insert", "l’Unité"),
        WordOp("equal", " des partenariats."))


def test_whitespace_only_mandate_change_is_not_a_change():
    units_b = replace(base_units(), "dept-a", mandate=("  Le Département\u00a0appuie la\nDivision des partenariats. ", ""))
    assert diff_editions(D(E("a", base_units()), E("b", units_b)), "a", "b").is_empty()


def test_mandate_lost_counts_on_full_editions_only():
    units_b = replace(base_units(), "div-a1", mandate=())
    diff = diff_editions(D(E("a", base_units()), E("b", units_b)), "a", "b")
    assert ids(diff.mandate_changed) == ["div-a1"]
    assert diff.mandate_changed[0].mandate_ops == (WordOp("delete", "La Division instaure et suit les partenariats."),)
    # A partial edition that names the unit without its mandate says nothing about the mandate.
    partial = [u for u in units_b if u.id in ("oim", "siege", "dept-a", "div-a1")]
    d = D(E("a", base_units()), E("p", partial, coverage="partial"))
    assert diff_editions(d, "a", "p").mandate_changed == ()
    assert diff_editions(d, "p", "a").mandate_changed == ()


def test_chain_of_renames_across_three_editions():
    h1 = HistoryRecord("div-a1", "rename", "a", "b", "Division des partenariats internationaux",
                       "Division des partenariats", "Le texte de 2021 la nomme ainsi.")
    h2 = HistoryRecord("div-a1", "succession", "b", "c", "Division des partenariats",
                       "Unité des partenariats", "Le même mandat passe à l’Unité.")
    units_b = replace(base_units(), "div-a1", name="Division des partenariats")
    units_c = replace(base_units(), "div-a1", name="Unité des partenariats", kind="unit", parent="dept-b")
    d = D(E("a", base_units()), E("b", units_b), E("c", units_c), history=[h2, h1])
    diff = diff_editions(d, "a", "c")
    [change] = diff.renamed
    assert change.old_name == "Division des partenariats internationaux"
    assert change.name == "Unité des partenariats"
    assert change.history == (h1, h2)  # oldest first, whatever the data order
    assert diff.moved == (change,) and diff.status_of("div-a1") == {"renamed", "moved"}
    # One step only collects its own record; backwards works and keeps A's name as old_name.
    assert diff_editions(d, "b", "c").renamed[0].history == (h2,)
    back = diff_editions(d, "c", "a").renamed[0]
    assert back.old_name == "Unité des partenariats" and back.history == (h1, h2)


def test_status_of_counts_and_json():
    units_b = replace(base_units(), "div-a2", name="Division de la santé", parent="dept-b",
                      mandate=("La Division supervise la santé.",))
    units_b = [u for u in units_b if u.id != "div-a1"] + [U("cab", "Bureau du chef de cabinet", "office", "siege")]
    d = D(E("a", base_units()), E("b", units_b))
    diff = diff_editions(d, "a", "b")
    assert diff.status_of("div-a2") == {"renamed", "moved", "mandate_changed"}
    assert diff.status_of("cab") == {"added"} and diff.status_of("div-a1") == {"removed"}
    assert diff.status_of("oim") == set() and diff.status_of("nope") == set()
    assert diff.counts() == {"added": 1, "removed": 1, "renamed": 1, "moved": 1, "mandate_changed": 1,
                             "not_covered": 0, "not_in_a_coverage": 0}
    data = json.loads(json.dumps(diff.to_json(), ensure_ascii=False))
    assert data["a"] == "a" and data["b"] == "b" and data["counts"] == diff.counts()
    assert data["renamed"][0]["old_name"] == "Division Migration et santé"
    moved = data["moved"][0]
    assert (moved["old_parent"], moved["new_parent"]) == ("dept-a", "dept-b")
    assert moved["new_parent_name"] == "Département de la gestion financière"
    assert data["mandate_changed"][0]["diff"] == [{"op": "insert", "text": "La Division supervise la santé."}]
    assert data["added"] == [{"id": "cab", "name": "Bureau du chef de cabinet", "kind": "office"}]


def test_json_keeps_history():
    h = HistoryRecord("div-a2", "rename", "a", "b", "Division Migration et santé", "Division de la santé",
                      "Texte.", (SourceRef("003.txt", (4, 5)),))
    units_b = replace(base_units(), "div-a2", name="Division de la santé")
    diff = diff_editions(D(E("a", base_units()), E("b", units_b), history=[h]), "a", "b")
    data = json.loads(json.dumps(diff.to_json()))
    assert data["renamed"][0]["history"] == [{
        "type": "rename", "from_edition": "a", "to_edition": "b", "old_name": "Division Migration et santé",
        "new_name": "Division de la santé", "evidence": "Texte.", "sources": ["003.txt:4,5"]}]


def test_unknown_edition_raises():
    with pytest.raises(KeyError):
        diff_editions(D(E("a", base_units())), "a", "zz")


# --- reports ---------------------------------------------------------------


@pytest.fixture
def mixed():
    units_b = replace(base_units(), "div-a2", name="Division de la santé", parent="dept-b")
    units_b = replace(units_b, "dept-a", mandate=("Le Département appuie l’Unité des partenariats.",))
    units_b = [u for u in units_b if u.id != "div-a1"] + [U("cab", "Bureau du chef de cabinet", "office", "siege")]
    d = D(E("a", base_units()), E("b", units_b))
    return d, diff_editions(d, "a", "b")


def test_markdown_report(mixed):
    d, diff = mixed
    md = diff_to_markdown(d, diff)
    assert md.startswith("# Comparaison : Édition a → Édition b\n") and md.endswith("\n")
    for heading in ("## Unités ajoutées (1)", "## Unités supprimées (1)", "## Unités renommées (1)",
                    "## Unités déplacées (1)", "## Unités dont le mandat a été modifié (1)"):
        assert heading in md
    assert "| Unités ajoutées | 1 |" in md and "| Unités non couvertes par l'édition B | 0 |" in md
    assert f"Chemin dans B : {ORG} › Siège › Bureau du chef de cabinet" in md
    assert f"Chemin dans A : {ORG} › Siège › Département des relations extérieures › " \
           "Division des partenariats internationaux" in md
    assert "ancien nom : « Division Migration et santé »" in md
    assert "Aucun changement de nom consigné" in md
    assert "« Département des relations extérieures » → « Département de la gestion financière »" in md
    assert "> Le Département appuie ~~la Division~~ **l’Unité** des partenariats." in md


def test_markdown_escapes_and_keeps_marks_tight():
    units_b = replace(base_units(), "div-a1", name="Division *pilote* [test]",
                      mandate=("La Division instaure et suit les partenariats et les *projets*.",))
    d = D(E("a", base_units()), E("b", units_b))
    md = diff_to_markdown(d, diff_editions(d, "a", "b"))
    assert r"**Division \*pilote\* \[test\]**" in md
    # The inserted run starts with a space; it stays outside the bold markers.
    assert r"partenariats **et les \*projets\***." in md


def test_csv_report(mixed):
    d, diff = mixed
    rows = list(csv.DictReader(io.StringIO(diff_to_csv(d, diff))))
    assert list(rows[0]) == ["change", "id", "name", "kind", "old_name", "old_parent", "new_parent", "path"]
    got = {(r["change"], r["id"]) for r in rows}
    assert got == {("added", "cab"), ("removed", "div-a1"), ("renamed", "div-a2"), ("moved", "div-a2"),
                   ("mandate_changed", "dept-a")}
    moved = next(r for r in rows if r["change"] == "moved")
    assert (moved["old_parent"], moved["new_parent"]) == ("dept-a", "dept-b")
    assert moved["path"] == f"{ORG} › Siège › Département de la gestion financière › Division de la santé"
    renamed = next(r for r in rows if r["change"] == "renamed")
    assert renamed["old_name"] == "Division Migration et santé" and renamed["name"] == "Division de la santé"


def test_empty_diff_type():
    assert EditionDiff("a", "b").is_empty()


def test_partial_edition_that_contradicts_the_other_is_a_move():
    # A partial A lists a division under a department that B still has, while B
    # puts it under a unit A does not describe: the texts disagree, the unit moved.
    partial = [u for u in base_units() if u.id in ("oim", "dept-a", "div-a1")]
    partial = replace(partial, "dept-a", parent="oim")  # a flat page: no Siège
    units_b = base_units() + [U("cab", "Bureau du chef de cabinet", "office", "siege")]
    units_b = replace(units_b, "div-a1", parent="cab")
    d = D(E("a", partial, coverage="partial"), E("b", units_b))
    diff = diff_editions(d, "a", "b")
    # dept-a under the root in A, under the Siège in B: the Siège is below the root, no move.
    # div-a1 under dept-a in A, under cab in B: dept-a is not above it in B, a move.
    assert ids(diff.moved) == ["div-a1"]
    assert (diff.moved[0].old_parent, diff.moved[0].new_parent) == ("dept-a", "cab")
    # And the other way round (partial B).
    assert ids(diff_editions(d, "b", "a").moved) == ["div-a1"]


def test_a_replaced_phrase_is_drawn_with_its_old_and_new_words_apart():
    from iomviewer.core.diff import spaced_for_reading
    from iomviewer.core.report import render_ops_html, render_ops_markdown

    # As word_diff cut the Bureau exécutif's mandate between two editions (compare mode).
    ops = [WordOp("delete", "Le Bureau exécutif"), WordOp("insert", "Sous la direction, le Bureau exécutif"),
           WordOp("equal", " gère")]
    shown = spaced_for_reading(ops)
    assert "".join(o.text for o in shown) == "Le Bureau exécutif Sous la direction, le Bureau exécutif gère"
    assert old_text_of(ops) == "Le Bureau exécutif gère"  # the ops themselves are untouched
    assert "~~Le Bureau exécutif~~ **Sous" in render_ops_markdown(ops)
    assert "exécutif</span> <span" in render_ops_html(ops)
    # Already apart, or not a replacement: nothing added.
    apart = [WordOp("delete", "ancien "), WordOp("insert", "nouveau")]
    assert spaced_for_reading(apart) == apart
    assert spaced_for_reading([WordOp("insert", "a"), WordOp("delete", "b")]) == [WordOp("insert", "a"),
                                                                                 WordOp("delete", "b")]

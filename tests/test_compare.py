"""Compare mode, Qt-free part: the comparison edition, its marks, the chart and the reports."""
import pytest

from iomviewer.core.compare import ComparisonEdition, build_comparison, comparison_of
from iomviewer.core.model import HistoryRecord
from test_diff import D, E, U, base_units, replace

pytestmark = pytest.mark.core


def three_editions():
    """a → b: div-a1 renamed; b → c: renamed again and moved, div-a2 removed, cab added."""
    h1 = HistoryRecord("div-a1", "rename", "a", "b", "Division des partenariats internationaux",
                       "Division des partenariats", "Le texte de 2021 la nomme ainsi.")
    h2 = HistoryRecord("div-a1", "succession", "b", "c", "Division des partenariats",
                       "Unité des partenariats", "Le même mandat passe à l’Unité.")
    units_b = replace(base_units(), "div-a1", name="Division des partenariats")
    units_c = replace(base_units(), "div-a1", name="Unité des partenariats", kind="unit", parent="dept-b",
                      mandate=("La Division instaure, suit et évalue les partenariats.",))
    units_c = [u for u in units_c if u.id != "div-a2"] + [U("cab", "Bureau du chef de cabinet", "office", "siege")]
    return D(E("a", base_units()), E("b", units_b), E("c", units_c), history=[h2, h1])


def test_union_keeps_b_and_places_removed_units_under_their_old_parent():
    c = build_comparison(three_editions(), "a", "c")
    e = c.edition
    assert isinstance(e, ComparisonEdition) and comparison_of(e) is c.changes
    assert e.id == "a..c" and e.label.startswith("Comparaison")
    assert {u.id for u in e} == {u.id for u in c.a} | {u.id for u in c.b}
    assert e.unit("div-a2").parent == "dept-a"  # removed: where A had it
    assert e.unit("div-a1").parent == "dept-b"  # moved: where B has it
    assert e.unit("div-a1").name == "Unité des partenariats"
    # The removed division stays among dept-a's children, in A's order.
    assert e.children("dept-a") == ("div-a2",)
    assert e.root.id == "oim" and e.children(None) == ("oim",)


def test_marks_old_names_and_old_parents_across_a_chain_of_renames():
    c = build_comparison(three_editions(), "a", "c")
    ch = c.changes
    assert ch.marks_of("div-a1") == ("moved", "renamed", "mandate_changed")
    assert ch.marks_of("div-a2") == ("removed",) and ch.marks_of("cab") == ("added",)
    assert ch.marks_of("siege") == ()
    assert ch.old_name("div-a1") == "Division des partenariats internationaux"  # A's name, not b's
    assert dict(ch.old_parents) == {"div-a1": "dept-a"}
    assert [h.type for h in c.change_of("div-a1").history] == ["rename", "succession"]
    assert c.changed_ids() == {"div-a1", "div-a2", "cab"}
    # Change marks are values: equal comparisons hash alike (layout caches rely on it).
    assert build_comparison(three_editions(), "a", "c").changes == ch
    assert hash(build_comparison(three_editions(), "a", "c").changes) == hash(ch)
    assert "a..c" not in repr(ch) and len(repr(ch)) < 80


def test_groups_by_category_then_branch_with_every_change():
    c = build_comparison(three_editions(), "a", "c")
    groups = dict(c.groups())
    assert list(groups) == ["added", "removed", "renamed", "moved", "mandate_changed"]
    assert sum(len(v) for _b, v in groups["renamed"]) == 1
    # The Siège holds most units, so its children are the branches.
    assert [b for b, _v in groups["removed"]] == ["dept-a"]
    assert [b for b, _v in groups["added"]] == ["cab"]


def test_partial_b_units_are_not_covered_not_removed():
    partial = [u for u in base_units() if u.id in ("oim", "siege", "dept-a")]
    d = D(E("a", base_units()), E("p", partial, coverage="partial"))
    c = build_comparison(d, "a", "p")
    assert c.changes.marks_of("div-a1") == ("not_covered",)
    assert "removed" not in c.changes.present()
    assert c.changed_ids() == set() and c.changed_ids(include_coverage=True) == {"div-a1", "div-a2", "dept-b"}
    assert c.edition.is_partial


def test_bundled_data_counts(tmp_path):
    from iomviewer.core.loading import load_dataset

    ds = load_dataset(None)
    c = build_comparison(ds, "structure-2021", "revision-2022")
    assert c.diff.counts() == {"added": 5, "removed": 0, "renamed": 0, "moved": 1, "mandate_changed": 13,
                               "not_covered": 0, "not_in_a_coverage": 0}
    assert dict(c.changes.old_parents) == {"bureau-executif": "siege"}
    c = build_comparison(ds, "dcip-2011", "revision-2022")
    counts = c.diff.counts()
    assert (counts["renamed"], counts["removed"], counts["moved"]) == (3, 1, 4)
    assert c.changes.marks_of("comite-executif") == ("removed",)
    assert c.edition.unit("comite-executif").parent == "oim"


def test_chart_draws_marks_old_names_and_old_parent_edges():
    from iomviewer.chart.build import OLD_PARENT_CLASS, ChartOptions, build_graph
    from iomviewer.chart import style

    c = build_comparison(three_editions(), "a", "c")
    for compact in (True, False):
        g = build_graph(c.edition, ChartOptions(compact=compact))
        removed = g.get_node("div-a2")
        assert "mark-removed" in removed.attr["class"] and "dashed" in removed.attr["style"]
        assert removed.attr["fillcolor"] == style.GHOST_FILL
        moved = g.get_node("div-a1")
        assert moved.attr["color"] == style.CHANGE_STYLES["moved"].color
        label = moved.attr["label"]
        assert "déplacée" in label and "renommée" in label and "anc. « Division des" in label
        assert "ajoutée" in g.get_node("cab").attr["label"]
        old = [e for e in g.edges() if e.attr.get("class") == OLD_PARENT_CLASS]
        assert [(e[0], e[1]) for e in old] == [("dept-a", "div-a1")]
        assert old[0].attr["constraint"] == "false" and old[0].attr["style"] == "dashed"
    # English marks with --lang en.
    g = build_graph(c.edition, ChartOptions(lang="en"))
    assert "formerly" in g.get_node("div-a1").attr["label"]
    # An ordinary edition carries no marks.
    g = build_graph(three_editions().edition("c"), ChartOptions())
    assert "mark-" not in g.get_node("div-a1").attr["class"]


def test_comparison_chart_lays_out_and_keeps_mark_classes():
    from iomviewer.chart.build import ChartOptions, build_graph
    from iomviewer.chart.dot import run_dot
    from iomviewer.chart.layout import parse_json

    c = build_comparison(three_editions(), "a", "c")
    layout = parse_json(run_dot(build_graph(c.edition, ChartOptions()), "json"))
    assert "mark-removed" in layout.nodes["div-a2"].classes
    texts = " ".join(t.text for t in layout.nodes["div-a1"].texts)
    assert "renommée" in texts and "Division des partenariats" in texts


def test_unchanged_branches_fold_everything_but_the_changes():
    from iomviewer.core.compare import unchanged_branches

    c = build_comparison(three_editions(), "a", "c")
    folded = unchanged_branches(c)
    # dept-b holds the moved division: open; dept-a lost div-a2: open; nothing else has children.
    assert folded == frozenset()
    d = D(E("a", base_units()), E("b", replace(base_units(), "dept-b", name="Département des finances")))
    c = build_comparison(d, "a", "b")
    assert unchanged_branches(c) == {"dept-a"}  # its divisions did not change


def test_html_report_lists_every_change_with_evidence_and_word_diff():
    from iomviewer.core.report import diff_to_html

    ds = three_editions()
    c = build_comparison(ds, "a", "c")
    html = diff_to_html(ds, c.diff)
    assert "Unités renommées (1)" in html and "Succède à « Division des partenariats »" in html
    assert "Le même mandat passe à l’Unité." in html
    assert "text-decoration: underline" in html and "évalue" in html
    # Names are data: escaped.
    ds2 = D(E("a", base_units()), E("b", replace(base_units(), "div-a1", name="<b>x</b> & co")))
    assert "&lt;b&gt;x&lt;/b&gt; &amp; co" in diff_to_html(ds2, build_comparison(ds2, "a", "b").diff)


def run_cli(*argv):
    from iomviewer.cli import main

    return main(list(argv))


def test_cli_diff_pdf_report(tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "changes.pdf"
    assert run_cli("diff", "structure-2021", "revision-2022", "--format", "pdf", "-o", str(out)) == 0
    reader = PdfReader(str(out))
    assert len(reader.pages) >= 3
    first = reader.pages[0].extract_text()
    assert "ajoutée" in first  # the chart page, its boxes marked
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages[1:])  # Qt's PDF: tabs for spaces
    assert "Unités ajoutées (5)" in text and "Unités déplacées (1)" in text
    assert "Comparaison" in reader.metadata.title
    # Suffix alone picks the format; no file, no PDF.
    assert run_cli("diff", "dcip-2011", "revision-2022", "-o", str(tmp_path / "r.pdf")) == 0
    assert run_cli("diff", "dcip-2011", "revision-2022", "--format", "pdf") == 2


def test_cli_export_compare(tmp_path):
    out = tmp_path / "c.svg"
    assert run_cli("export", str(out), "--compare", "structure-2021", "revision-2022", "--fold-unchanged") == 0
    svg = out.read_text(encoding="utf-8")
    assert "mark-added" in svg and "old-parent" in svg and "Comparaison" in svg
    assert run_cli("export", str(out), "--compare", "structure-2021", "nope") == 2
    assert run_cli("export", str(out), "--fold-unchanged") == 2

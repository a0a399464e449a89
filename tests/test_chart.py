"""The chart package without Qt: scope, escaping, compact layout, the JSON interpreter, rendering."""
from __future__ import annotations

import json
import math
import os
import random
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from iomviewer.chart import style
from iomviewer.chart import build
from iomviewer.chart.build import (STACK_PREFIX, WRAP_WIDTH, ChartOptions, box_text, build_graph, kind_in_name,
                                   scope_units, wrap_label)
from iomviewer.chart.layout import (Layout, LayoutError, layout_graph, parse_json, rgba)
from iomviewer.chart.render import FORMATS, render_bytes
from iomviewer.core.model import Edition, Link, Period, SourceRef, Unit

pytestmark = pytest.mark.core

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
SRC = SourceRef("test.txt", (1,))


def edition(rows) -> Edition:
    """rows: (id, name, kind, parent[, links])."""
    units = [Unit(r[0], r[1], r[2], r[3], SRC, links=tuple(r[4]) if len(r) > 4 else ()) for r in rows]
    return Edition("ed", "Édition de test", Period("2024"), tuple(units))


TOPICS = ["partenariats internationaux", "migration et santé", "gestion des frontières",
          "données migratoires", "protection des migrants", "ressources humaines", "gestion financière",
          "technologies de l'information", "affaires juridiques", "mobilisation des ressources",
          "préparation et réponse aux situations d'urgence", "retour volontaire et réintégration",
          "lutte contre la traite des personnes", "audit interne", "innovation", "politique migratoire"]


def realistic(seed: int = 9, groups: int = 5, depts=(1, 3)) -> Edition:
    """root → groups → departments with 3–12 divisions → 0–8 units each (~180 units for seed 9)."""
    rng = random.Random(seed)
    rows = [("oim", "Organisation internationale pour les migrations", "organisation", None)]
    for g in range(groups):
        gid = f"g{g}"
        rows.append((gid, f"Bureau du Directeur général adjoint chargé des opérations {g}", "directorate", "oim"))
        for d in range(rng.randint(*depts)):
            did = f"{gid}d{d}"
            rows.append((did, f"Département de la {rng.choice(TOPICS)}", "department", gid))
            for v in range(rng.randint(3, 12)):
                vid = f"{did}v{v}"
                links = [Link("supports", f"g{rng.randrange(g + 1)}d0")] if rng.random() < 0.05 else []
                rows.append((vid, f"Division {rng.choice(TOPICS)}", "division", did, links))
                for u in range(rng.randint(0, 8) if rng.random() < 0.45 else 0):
                    rows.append((f"{vid}u{u}", f"Unité {rng.choice(TOPICS)}", "unit", vid))
    return edition(rows)


@pytest.fixture(scope="module")
def big() -> Edition:
    return realistic()


@pytest.fixture(scope="module")
def big_layout(big) -> Layout:
    return layout_graph(build_graph(big, ChartOptions()))


SMALL = edition([
    ("oim", "Organisation internationale pour les migrations", "organisation", None),
    ("siege", "Siège", "headquarters", "oim"),
    ("dept-a", "Département des relations extérieures", "department", "siege"),
    ("div-a1", "Division des partenariats internationaux", "division", "dept-a"),
    ("div-a2", "Division Migration et santé", "division", "dept-a"),
    ("unit-a21", "Unité Migration et vaccination", "unit", "div-a2"),
    ("dept-b", "Département de la gestion financière et administrative", "department", "siege",
     [Link("supports", "dept-a"), Link("works_with", "unit-a21")]),
    ("bureaux", "Bureaux régionaux", "group", "oim"),
    ("br.dakar", "Bureau régional de Dakar", "regional_office", "bureaux"),
    ("br.nairobi", "Bureau régional de Nairobi", "regional_office", "bureaux"),
    ("br.bangkok", "Bureau régional de Bangkok", "regional_office", "bureaux"),
    ("br.caire", "Bureau régional du Caire", "regional_office", "bureaux"),
])


def centre(box):
    x, y, w, h = box
    return x + w / 2, y + h / 2


# --- wrapping ----------------------------------------------------------------------------


def test_wrap_label_on_word_boundaries():
    assert wrap_label("Siège") == ["Siège"]
    lines = wrap_label("Département de la gestion financière et administrative", 24)
    assert all(len(line) <= 24 for line in lines)
    assert " ".join(lines) == "Département de la gestion financière et administrative"
    # Balanced rather than greedy: same number of lines, shorter longest line.
    assert lines == ["Département de la", "gestion financière", "et administrative"]
    assert wrap_label("Division des partenariats internationaux", 30) == [
        "Division des partenariats", "internationaux"]


def test_wrap_label_splits_only_overlong_words():
    assert wrap_label("internationalisation", 10) == ["internatio", "nalisation"]
    lines = wrap_label("un mot anticonstitutionnellement long", 12)
    assert all(len(line) <= 12 for line in lines)
    assert "".join(lines).replace(" ", "") == "unmotanticonstitutionnellementlong"
    assert lines[0] == "un mot"  # short words are never cut
    assert wrap_label("", 10) == [""]
    assert wrap_label(" a\n\tb ", 10) == ["a b"]


# --- scope --------------------------------------------------------------------------------


def test_scope_whole_edition_in_source_order():
    assert scope_units(SMALL, ChartOptions()) == [u.id for u in SMALL.units]


def test_scope_by_root_depth_and_collapsed():
    assert scope_units(SMALL, ChartOptions(root="dept-a")) == ["dept-a", "div-a1", "div-a2", "unit-a21"]
    assert scope_units(SMALL, ChartOptions(depth=1)) == ["oim", "siege", "bureaux"]
    assert scope_units(SMALL, ChartOptions(depth=0)) == ["oim"]
    assert scope_units(SMALL, ChartOptions(root="siege", depth=1)) == ["siege", "dept-a", "dept-b"]
    assert scope_units(SMALL, ChartOptions(collapsed=frozenset({"dept-a", "bureaux"}))) == [
        "oim", "siege", "dept-a", "dept-b", "bureaux"]
    with pytest.raises(KeyError):
        scope_units(SMALL, ChartOptions(root="ghost"))


def test_collapsed_unit_shows_hidden_count_and_graph_has_only_scope():
    g = build_graph(SMALL, ChartOptions(collapsed=frozenset({"dept-a"})))
    assert sorted(g.nodes()) == sorted(scope_units(SMALL, ChartOptions(collapsed=frozenset({"dept-a"}))))
    assert "+3" in g.get_node("dept-a").attr["label"]
    assert "+" not in g.get_node("dept-b").attr["label"]


# --- escaping -----------------------------------------------------------------------------

HOSTILE = ['a"b', "<script>alert(1)</script>", "&amp; &lt; AT&T", "back\\slash \\N \\l \\G end\\",
           "{x} |y| 'q'", "line\nbreak\tand\x00nul", "\u202eRTL override", "double \\\\ slash",
           "Élève ]]> --> <!-- x"]


@pytest.fixture(scope="module")
def hostile():
    rows = [("node", "Racine", "organisation", None)]
    rows += [(f"h.{i}-x", name, "division", "node") for i, name in enumerate(HOSTILE)]
    rows += [("graph", "Unité", "unit", "h.0-x", [Link("supports", "h.1-x")])]
    ed = edition(rows)
    return ed, build_graph(ed, ChartOptions(compact=False))


def _shown(name: str) -> str:
    # What a reader sees: control characters become single spaces; the word
    # joiner that keeps two backslashes apart for Graphviz is invisible.
    return " ".join(name.replace("\x00", " ").split())


def test_hostile_names_come_out_literally_in_json(hostile):
    ed, g = hostile
    lay = layout_graph(g)
    assert set(lay.nodes) == {u.id for u in ed.units}
    for i, name in enumerate(HOSTILE):
        rec = lay.nodes[f"h.{i}-x"]
        name_lines = [t.text.replace("\u2060", "") for t in rec.texts][:-1]  # the last is the kind
        assert name_lines == wrap_label(name, WRAP_WIDTH), name
        assert " ".join(name_lines).replace("</sc ript>", "</script>") == _shown(name)
        assert rec.tooltip == _shown(name)
        assert rec.texts[-1].text == "Division"


def test_hostile_names_come_out_literally_in_svg(hostile):
    ed, g = hostile
    root = ET.fromstring(render_bytes(g, "svg"))  # well-formed XML
    assert not list(root.iter(SVG + "script"))
    groups = {e.get("id"): e for e in root.iter(SVG + "g") if "node" in (e.get("class") or "").split()}
    assert set(groups) == {u.id for u in ed.units}
    for i, name in enumerate(HOSTILE):
        grp = groups[f"h.{i}-x"]
        texts = [(t.text or "").replace("\u2060", "") for t in grp.iter(SVG + "text")]
        assert texts[:-1] == wrap_label(name, WRAP_WIDTH), name
        titles = [a.get(XLINK + "title") for a in grp.iter(SVG + "a")]
        assert titles == [_shown(name)]
        assert "kind-division" in grp.get("class")


def test_labels_are_html_and_ids_are_unit_ids(hostile):
    _, g = hostile
    n = g.get_node("h.1-x")
    assert n.attr["id"] == "h.1-x"
    assert "<script>" not in n.attr["label"] and "&lt;script&gt;" in n.attr["label"]


# --- compact mode and layout ----------------------------------------------------------------


def test_compact_stacks_leaves_in_a_cluster():
    g = build_graph(SMALL, ChartOptions())
    stack = g.get_subgraph(STACK_PREFIX + "bureaux")
    assert stack is not None
    assert sorted(stack.nodes()) == ["br.bangkok", "br.caire", "br.dakar", "br.nairobi"]
    lay = layout_graph(g)
    visible = [(e.tail, e.head, e.cluster) for e in lay.edges if not e.secondary]
    into = [e for e in visible if e[0] == "bureaux"]
    assert into == [("bureaux", "br.dakar", STACK_PREFIX + "bureaux")]  # one edge, into the cluster
    # One column, top to bottom in source order, left edges aligned within the cluster.
    ys = [centre(lay.nodes[u].bbox)[1] for u in ("br.dakar", "br.nairobi", "br.bangkok", "br.caire")]
    assert ys == sorted(ys)
    xs = [centre(lay.nodes[u].bbox)[0] for u in ("br.dakar", "br.nairobi", "br.bangkok", "br.caire")]
    assert max(xs) - min(xs) < 1
    cluster = {c.name: c for c in lay.clusters}[STACK_PREFIX + "bureaux"]
    assert set(cluster.nodes) == {"br.dakar", "br.nairobi", "br.bangkok", "br.caire"}
    assert cluster.shapes and cluster.shapes[0].filled


def test_non_compact_has_one_edge_per_child_and_no_cluster():
    lay = layout_graph(build_graph(SMALL, ChartOptions(compact=False, show_links=False)))
    assert not lay.clusters
    assert sorted((e.tail, e.head) for e in lay.edges) == sorted(
        (u.parent, u.id) for u in SMALL.units if u.parent)


def test_compact_whole_tree_is_closer_to_the_slide(big, big_layout):
    # The default target is the part of a 16:9 slide left to the chart under the
    # exporter's title and legend: much wider than 16:9.
    assert 150 <= len(big) <= 210
    wide = layout_graph(build_graph(big, ChartOptions(compact=False)))
    target = math.log(build.PAGE_WIDTH / build.PAGE_HEIGHT)
    assert abs(math.log(big_layout.aspect) - target) < abs(math.log(wide.aspect) - target)
    assert 1.9 < big_layout.aspect < 3.4, big_layout.aspect
    assert any(c.name.startswith(STACK_PREFIX) for c in big_layout.clusters)
    assert big_layout.width * big_layout.height < 0.5 * wide.width * wide.height


def test_layout_records_cover_every_unit(big, big_layout):
    lay = big_layout
    assert set(lay.nodes) == {u.id for u in big.units}
    for unit in big.units:
        rec = lay.nodes[unit.id]
        x, y, w, h = rec.bbox
        assert -0.01 <= x and x + w <= lay.width + 0.01 and -0.01 <= y and y + h <= lay.height + 0.01
        assert rec.shapes and rec.shapes[0].kind == "bezier" and rec.shapes[0].filled  # rounded box
        assert rec.shapes[0].pen.fill == style.kind_style(unit.kind).fill
        lines, kind_line = box_text(unit.name, unit.kind, dense=True)
        assert [t.text for t in rec.texts] == lines + ([kind_line] if kind_line else [])
        for t in rec.texts:
            assert x <= t.x <= x + w and y <= t.y <= y + h
            # The same family list, at times spelt with a final space (see build._label).
            assert t.font.strip() == style.FONTNAME and t.anchor in "lcr"
        for shape in rec.shapes:
            for px, py in shape.points:
                assert x - 1 <= px <= x + w + 1 and y - 1 <= py <= y + h + 1
    assert lay.background and lay.background[0].kind == "polygon"


def test_edges_connect_the_right_units(big, big_layout):
    clusters = {c.name: set(c.nodes) for c in big_layout.clusters}
    for e in big_layout.edges:
        if e.secondary:
            assert any(link.target == e.head for link in big.unit(e.tail).links)
            assert e.shapes[0].pen.style == "dashed"
            continue
        assert big.unit(e.head).parent == e.tail or e.cluster
        if e.cluster:  # an edge into a stack stands for the edges to all of it
            assert e.cluster == STACK_PREFIX + e.tail and e.head in clusters[e.cluster]
    # Every unit is reachable from the root through drawn edges and stacks.
    reached, todo = {"oim"}, ["oim"]
    while todo:
        uid = todo.pop()
        for e in big_layout.edges:
            if e.tail == uid and not e.secondary:
                new = clusters[e.cluster] if e.cluster else {e.head}
                todo.extend(new - reached)
                reached |= new
    assert reached == {u.id for u in big.units}


def test_y_is_flipped_root_on_top(big, big_layout):
    root_y = centre(big_layout.nodes["oim"].bbox)[1]
    for unit in big.units:
        if unit.parent:
            assert centre(big_layout.nodes[unit.parent].bbox)[1] < centre(big_layout.nodes[unit.id].bbox)[1]
            assert root_y < centre(big_layout.nodes[unit.id].bbox)[1]


def test_lr_puts_children_to_the_right():
    lay = layout_graph(build_graph(SMALL, ChartOptions(rankdir="LR")))
    for unit in SMALL.units:
        if unit.parent:
            assert centre(lay.nodes[unit.parent].bbox)[0] < centre(lay.nodes[unit.id].bbox)[0]


def test_secondary_links_are_dashed_and_optional():
    lay = layout_graph(build_graph(SMALL, ChartOptions()))
    links = sorted((e.tail, e.head) for e in lay.edges if e.secondary)
    assert links == [("dept-b", "dept-a"), ("dept-b", "unit-a21")]
    link = next(e for e in lay.edges if e.secondary)
    assert link.shapes[0].pen.color == style.LINK_COLOR and "appuie" in link.tooltip
    hidden = layout_graph(build_graph(SMALL, ChartOptions(show_links=False)))
    assert not any(e.secondary for e in hidden.edges)
    # A link to a unit outside the scope is not drawn.
    branch = layout_graph(build_graph(SMALL, ChartOptions(root="dept-b")))
    assert not branch.edges


def test_highlight_and_selection_restyle_without_moving(big, big_layout):
    ids = [u.id for u in big.units]
    lay = layout_graph(build_graph(big, ChartOptions(), highlighted=frozenset(ids[::9]), selected=ids[4]))
    assert {k: n.bbox for k, n in lay.nodes.items()} == {k: n.bbox for k, n in big_layout.nodes.items()}
    assert lay.nodes[ids[9]].shapes[0].pen.color == style.HIGHLIGHT_BORDER
    assert lay.nodes[ids[4]].shapes[0].pen.color == style.SELECTED_BORDER
    assert lay.nodes[ids[4]].shapes[0].pen.width == style.SELECTED_PENWIDTH


def test_lr_and_non_compact_boxes_keep_wrapping_and_kind_line(big):
    for options in (ChartOptions(rankdir="LR"), ChartOptions(compact=False)):
        lay = layout_graph(build_graph(big, options))
        for unit in big.units[:40]:
            texts = [t.text for t in lay.nodes[unit.id].texts]
            assert texts == wrap_label(unit.name, WRAP_WIDTH) + [style.kind_label(unit.kind)]


# --- dense boxes and the slide --------------------------------------------------------------


def test_kind_line_only_where_the_name_does_not_say_it():
    assert kind_in_name("Division du budget", "division")
    assert kind_in_name("Unité Migration et vaccination", "unit")
    assert kind_in_name("unité d’appui", "unit") and kind_in_name("Siège", "headquarters")
    assert kind_in_name("Bureau régional de Dakar (Sénégal)", "regional_office")
    assert not kind_in_name("Bureau spécial de liaison à Addis-Abeba", "liaison_office")
    assert not kind_in_name("Unités mobiles", "unit")  # a word that only starts like the label
    assert not kind_in_name("Préparation", "team") and not kind_in_name("Manille", "administrative_centre")
    assert box_text("Division du budget", "division", dense=True) == (["Division du budget"], "")
    assert box_text("Préparation", "team", dense=True) == (["Préparation"], "Équipe ou fonction")
    assert box_text("Préparation", "team", "en", dense=True) == (["Préparation"], "Team or function")
    # The names are French whatever the language: English labels are not looked for.
    assert box_text("Division du budget", "division", "en", dense=True)[1] == ""
    # Not dense (left to right, or not compact): the kind line always, names wrapped at WRAP_WIDTH.
    assert box_text("Division du budget", "division") == (["Division du budget"], "Division")


def test_dense_names_get_wider_boxes_not_more_lines():
    name = "Unité des évaluations sanitaires dans le contexte migratoire et de l’assistance sanitaire durant le voyage"
    lines, kind_line = box_text(name, "unit", dense=True)
    assert len(lines) == build.BOX_LINES and kind_line == ""
    assert " ".join(lines) == name and all(len(x) <= build.MAX_WIDTH for x in lines)
    assert max(len(x) for x in lines) > build.DENSE_WIDTH  # wider rather than cut
    # A kind line takes a line: the name gets one fewer.
    lines, kind_line = box_text("Stratégie, politique et gouvernance informatiques", "team", dense=True)
    assert len(lines) <= build.BOX_LINES - 1 and kind_line == "Équipe ou fonction"
    # Past MAX_WIDTH characters a line, the name is cut (the tooltip keeps it whole).
    lines, _ = box_text("mot " * 60, "unit", dense=True)
    assert len(lines) == build.BOX_LINES and lines[-1].endswith("…")
    # A collapsed unit keeps a small line for its count of hidden units.
    lines, kind_line = box_text(name, "unit", dense=True, hidden=True)
    assert len(lines) == build.BOX_LINES - 1 and kind_line == ""


def test_bare_dense_boxes_have_no_kind_line_and_two_lines_of_name():
    """Without the kind line (an export whose legend names the kinds), names take BARE_LINES lines."""
    assert box_text("Préparation", "team", dense=True, kind_line=False) == (["Préparation"], "")
    name = "Division Mobilité de la main-d’œuvre et inclusion sociale"
    lines, kind_line = box_text(name, "division", dense=True, kind_line=False)
    assert len(lines) == build.BARE_LINES and kind_line == "" and " ".join(lines) == name
    # A name too long for BARE_LINES lines of BARE_WIDTH gets a taller box, uncut.
    name = "Unité des conseils stratégiques et des partenariats en matière de migration et santé"
    lines, kind_line = box_text(name, "unit", dense=True, kind_line=False)
    assert len(lines) == build.BOX_LINES and " ".join(lines) == name
    assert all(len(x) <= build.BARE_WIDTH for x in lines)
    lines, _ = box_text("mot " * 60, "unit", dense=True, kind_line=False)  # too long even so: cut
    assert len(lines) == build.BOX_LINES and lines[-1].endswith("…")
    # Not dense: the option changes nothing.
    assert box_text("Préparation", "team", kind_line=False) == box_text("Préparation", "team")


def _assert_no_box_overlaps(lay) -> None:
    boxes = sorted((n.bbox for n in lay.nodes.values()), key=lambda b: b[0])
    for i, (x, y, w, h) in enumerate(boxes):
        for x2, y2, w2, h2 in boxes[i + 1:]:
            if x2 >= x + w:
                break
            assert y + h <= y2 or y2 + h2 <= y, "boxes overlap"


def test_bare_dense_layout_boxes_are_lower_and_never_overlap(big):
    lay = layout_graph(build_graph(big, ChartOptions(kind_line=False)))
    heights = [n.bbox[3] for n in lay.nodes.values()]
    assert min(heights) == pytest.approx(build.BARE_HEIGHT, abs=0.2)
    assert sum(1 for h in heights if h > build.BARE_HEIGHT + 0.2) <= len(heights) // 20  # long names only
    assert all(t.size == style.NAME_SIZE for n in lay.nodes.values() for t in n.texts)  # no small kind line
    _assert_no_box_overlaps(lay)


def test_dense_boxes_share_one_height_text_inside_no_overlap(big_layout):
    lay = big_layout
    assert {round(n.bbox[3], 1) for n in lay.nodes.values()} == {round(build.BOX_HEIGHT, 1)}
    for rec in lay.nodes.values():
        x, _y, w, _h = rec.bbox
        for t in rec.texts:
            left = t.x - {"l": 0, "c": 0.5, "r": 1}[t.anchor] * t.width
            assert x - 0.5 <= left and left + t.width <= x + w + 0.5, (rec.id, t.text)
    _assert_no_box_overlaps(lay)


def test_dense_columns_hold_only_what_belongs_to_their_unit(big, big_layout):
    descendants = {}
    for unit in reversed(big.units):
        descendants[unit.id] = {k for c in big.children(unit.id) for k in descendants[c] | {c}}
    for cluster in big_layout.clusters:
        owner = cluster.name[len(STACK_PREFIX):]
        assert set(cluster.nodes) <= descendants[owner]
        x, y, w, h = cluster.bbox
        for uid in cluster.nodes:  # and they are drawn inside its panel
            nx, ny, nw, nh = big_layout.nodes[uid].bbox
            assert x - 0.5 <= nx and nx + nw <= x + w + 0.5 and y - 0.5 <= ny and ny + nh <= y + h + 0.5


def test_collapsed_dense_box_keeps_its_count_and_height():
    lay = layout_graph(build_graph(SMALL, ChartOptions(collapsed=frozenset({"dept-a"}))))
    assert "+3" in [t.text for t in lay.nodes["dept-a"].texts]
    assert {round(n.bbox[3], 1) for n in lay.nodes.values()} == {round(build.BOX_HEIGHT, 1)}


@pytest.fixture(scope="module")
def bundled():
    from iomviewer.core.loading import load_dataset

    dataset = load_dataset()
    return dataset, dataset.edition()


def test_bundled_edition_fits_the_chart_area_of_a_slide(bundled):
    # The whole default edition, compact and top to bottom (the default), has
    # the shape of the slide's chart area, and its names come out at 4 pt or
    # more there (2.2 pt before the dense layout).  6 pt is out of reach: its
    # 149 boxes would need about half the area they take, gaps included.
    _, edition = bundled
    assert len(edition) >= 140
    lay = layout_graph(build_graph(edition, ChartOptions(show_links=False)))
    assert 2.2 < lay.aspect < 3.2, lay.aspect
    scale = min(build.PAGE_WIDTH / lay.width, build.PAGE_HEIGHT / lay.height)
    assert style.NAME_SIZE * scale >= 4.0, (lay.width, lay.height)


def test_bundled_edition_on_a_slide_export(bundled):
    from iomviewer.chart.export import ExportOptions, render_document

    dataset, edition = bundled
    result = render_document(dataset, edition, ChartOptions(show_links=False), ExportOptions(page="slide"))
    assert result.min_font_pt > 3.5, result.min_font_pt  # was 2.25 before the dense layout


def test_dense_layout_is_deterministic():
    code = ("from iomviewer.core.loading import load_dataset; from iomviewer.chart.build import *; "
            "print(build_graph(load_dataset().edition(), ChartOptions()).string())")
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout
            for seed in ("1", "2")}
    assert len(outs) == 1


# --- the interpreter on its own -----------------------------------------------------------------


def test_parse_json_interprets_ops():
    doc = {
        "bb": "0,0,200,100",
        "_draw_": [{"op": "C", "grad": "none", "color": "#ffffff"}, {"op": "P", "points": [[0, 0], [200, 0], [200, 100]]}],
        "_subgraph_cnt": 0,
        "objects": [{
            "_gvid": 0, "name": "n", "pos": "50,80", "width": "1", "height": "0.5", "tooltip": "a \\\\\\\\N &amp; b",
            "_draw_": [
                {"op": "S", "style": "setlinewidth(2.5)"}, {"op": "S", "style": "dashed"},
                {"op": "c", "grad": "none", "color": "#112233cc"},
                {"op": "C", "grad": "linear", "p0": [0, 0], "p1": [1, 1],
                 "stops": [{"frac": 0, "color": "#AABBCC"}, {"frac": 1, "color": "#ffffff"}]},
                {"op": "E", "rect": [50, 80, 10, 5]},
                {"op": "e", "rect": [50, 80, 10, 5]},
                {"op": "p", "points": [[0, 100], [10, 90]]},
                {"op": "L", "points": [[0, 100], [10, 90]]},
                {"op": "I", "pos": [0, 0], "size": [1, 1], "name": "x.png"},
                {"op": "Z", "whatever": 1},
            ],
            "_ldraw_": [
                {"op": "F", "size": 9.5, "face": "DejaVu Sans"}, {"op": "c", "grad": "none", "color": "black"},
                {"op": "t", "fontchar": 3},
                {"op": "T", "pt": [50, 70], "align": "c", "width": 30, "text": "Élève \\\\ x"},
                {"op": "t", "fontchar": 0},
                {"op": "T", "pt": [10, 60], "align": "r", "width": 5, "text": "y"},
            ],
        }],
        "edges": [],
    }
    lay = parse_json(json.dumps(doc).encode())
    assert (lay.width, lay.height) == (200, 100)
    assert lay.background[0].pen.fill == "#ffffff" and lay.background[0].points[2] == (200, 0)
    n = lay.nodes["n"]
    assert n.bbox == (14, 2, 72, 36)
    assert n.tooltip == "a \\N & b"
    ell, ell2, poly, line = n.shapes  # I and unknown ops skipped
    assert ell.kind == "ellipse" and ell.filled and ell.points == ((40, 15), (60, 25))
    assert ell.pen == type(ell.pen)("#112233cc", "#aabbcc", 2.5, "dashed")
    assert not ell2.filled and ell2.pen.fill is None
    assert poly.kind == "polygon" and not poly.filled and poly.points == ((0, 0), (10, 10))
    assert line.kind == "polyline"
    bold, plain = n.texts
    assert (bold.x, bold.y, bold.anchor, bold.size, bold.bold, bold.italic) == (50, 30, "c", 9.5, True, True)
    assert bold.text == "Élève \\ x" and bold.color == "black" and bold.font == "DejaVu Sans"
    assert (plain.anchor, plain.bold, plain.italic) == ("r", False, False)
    assert rgba("#112233cc") == (17, 34, 51, 204) and rgba("#ffffff") == (255, 255, 255, 255)
    assert rgba("transparent")[3] == 0 and rgba("chartreuse") is None


def test_parse_json_bezier_fill_convention_follows_edges():
    node = {"_gvid": 0, "name": "a", "pos": "10,10", "width": "0.5", "height": "0.5",
            "_draw_": [{"op": "B", "points": [[0, 0], [1, 1], [2, 2], [3, 3]]}]}
    edge_b = {"tail": 0, "head": 0, "_draw_": [{"op": "b", "points": [[0, 0], [1, 1], [2, 2], [3, 3]]}]}
    edge_B = {"tail": 0, "head": 0, "_draw_": [{"op": "B", "points": [[0, 0], [1, 1], [2, 2], [3, 3]]}]}
    # Graphviz's JSON writer: edges are "b", so "B" is the filled one.
    lay = parse_json({"bb": "0,0,20,20", "objects": [node], "edges": [edge_b]})
    assert lay.nodes["a"].shapes[0].filled and not lay.edges[0].shapes[0].filled
    # A writer that follows the xdot spec: edges are "B", filled is "b".
    lay = parse_json({"bb": "0,0,20,20", "objects": [node], "edges": [edge_B]})
    assert not lay.nodes["a"].shapes[0].filled and not lay.edges[0].shapes[0].filled


@pytest.mark.parametrize("garbage", [
    b"", b"not json", b"\xff\xfe", "[1, 2]", "{}", {"bb": "1,2"}, {"bb": "a,b,c,d"},
    {"bb": "0,0,1,1", "objects": "nope"},
    {"bb": "0,0,1,1", "objects": [{"name": "n"}]},  # a node without a position
    {"bb": "0,0,1,1", "objects": [{"_gvid": 0, "name": "n", "pos": "1,1", "_draw_": "P"}]},
    {"bb": "0,0,1,1", "objects": [{"_gvid": 0, "name": "n", "pos": "1,1", "_draw_": [{"op": "P"}]}]},
    {"bb": "0,0,1,1", "objects": [{"_gvid": 0, "name": "n", "pos": "1,1", "_draw_": [{"op": "c", "color": 3}]}]},
    {"bb": "0,0,1,1", "objects": [], "edges": [{"tail": 0, "head": 1}]},
])
def test_parse_json_rejects_garbage(garbage):
    with pytest.raises(LayoutError):
        parse_json(garbage)


# --- rendering --------------------------------------------------------------------------------


def test_render_bytes_formats():
    g = build_graph(SMALL, ChartOptions())
    svg = render_bytes(g, "svg")
    assert ET.fromstring(svg).tag == SVG + "svg"
    pdf = render_bytes(g, "pdf")
    assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-64:]
    png = render_bytes(g, "png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert isinstance(parse_json(render_bytes(g, "json")), Layout)
    with pytest.raises(ValueError):
        render_bytes(g, "gif")
    assert set(FORMATS) == {"svg", "pdf", "png", "json"}


def test_render_options_leave_the_graph_alone():
    g = build_graph(SMALL, ChartOptions())
    before = g.string()
    small = render_bytes(g, "png", dpi=36, transparent=True)
    assert small.startswith(b"\x89PNG") and g.string() == before


def test_pdf_keeps_real_text_with_accents():
    pypdf = pytest.importorskip("pypdf")
    import io

    reader = pypdf.PdfReader(io.BytesIO(render_bytes(build_graph(SMALL, ChartOptions()), "pdf")))
    text = reader.pages[0].extract_text()
    assert "Siège" in text and "Département" in text and "extérieures" in text


def test_svg_and_screen_agree(big):
    # The same graph, the same dot: the exported SVG places nodes where the records say.
    g = build_graph(big, ChartOptions(root="g0"))
    lay = layout_graph(g)
    root = ET.fromstring(render_bytes(g, "svg"))
    for grp in root.iter(SVG + "g"):
        if "node" not in (grp.get("class") or "").split():
            continue
        first = next(grp.iter(SVG + "text"))
        rec = lay.nodes[grp.get("id")]
        assert first.text == rec.texts[0].text
        # SVG keeps Graphviz's coordinates, y negated (its <g> translates by the height).
        assert float(first.get("x")) == pytest.approx(rec.texts[0].x, abs=0.02)
        assert float(first.get("y")) + lay.height == pytest.approx(rec.texts[0].y, abs=0.02)


# --- style and hygiene -----------------------------------------------------------------------


def test_legend_items_in_kind_order():
    items = style.legend_items({"unit", "organisation", "department"})
    assert [k for k, *_ in items] == ["organisation", "department", "unit"]
    assert items[1][1] == "Département"
    assert style.legend_items({"department"}, lang="en")[0][1] == "Department"
    assert all(f.startswith("#") and b.startswith("#") for _, _, f, b in items)
    assert style.font_families()[0] == style.FONT


def test_every_kind_has_a_readable_style():
    from iomviewer.core.model import KINDS

    def luminance(hex_color):
        r, g, b, _ = rgba(hex_color)

        def lin(c):
            c /= 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
        return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)

    for kind in KINDS:
        ks = style.kind_style(kind)
        contrast = (luminance(ks.fill) + 0.05) / (luminance(ks.text) + 0.05)
        assert contrast >= 7, (kind, contrast)  # WCAG AAA for the small kind line too


def test_chart_package_does_not_import_qt():
    code = ("import sys, iomviewer.chart.style, iomviewer.chart.build, iomviewer.chart.layout, "
            "iomviewer.chart.render; "
            "assert not [m for m in sys.modules if m.startswith(('PySide', 'shiboken'))]; "
            "assert 'pygraphviz' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)

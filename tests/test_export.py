"""Export to SVG, PDF and PNG: pages, furniture, escaping, readability and safe writes."""
from __future__ import annotations

import copy
import errno
import os
import re
import struct
import xml.etree.ElementTree as ET
import zlib
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from fixtures import _unit, mini_doc
from iomviewer.chart import pages as P
from iomviewer.chart import style
from iomviewer.chart.build import ChartOptions
from iomviewer.chart.export import (
    ExportError,
    ExportOptions,
    branch_pages,
    export_chart,
    format_for_path,
    suggested_filename,
)
from iomviewer.core.loading import load_document

pytestmark = pytest.mark.core

SVG = "{http://www.w3.org/2000/svg}"
DAY = date(2025, 3, 4)
HOSTILE = 'Cellule "guillemets" <script>alert(1)</script> & \\N {accolades} \\l fin\u202eRTL'


def _dataset(doc=None):
    return load_document(doc or mini_doc())


@pytest.fixture(scope="module")
def mini():
    ds = _dataset()
    return ds, ds.edition("ed-2021")


def big_doc(directorates: int = 3, departments: int = 5, divisions: int = 4) -> dict:
    """A synthetic edition of ~100 units, too big to read on one A4 page."""
    units = [_unit("oim", "Organisation internationale pour les migrations", "organisation", None, ["L’Organisation."]),
             _unit("siege", "Siège", "headquarters", "oim")]
    for d in range(directorates):
        did = f"dir{d}"
        units.append(_unit(did, f"Direction générale adjointe numéro {d} chargée des opérations", "directorate", "siege"))
        for p in range(departments):
            pid = f"{did}-dep{p}"
            units.append(_unit(pid, f"Département des affaires spéciales numéro {p}", "department", did))
            for v in range(divisions):
                units.append(_unit(f"{pid}-div{v}", f"Division de la gestion {v} et des partenariats", "division", pid))
    doc = mini_doc()
    doc["editions"] = [{"id": "big", "label": "Grande édition", "period": {"label": "2030"}, "coverage": "full",
                        "units": units, "sources": ["grande.txt"]}]
    doc["default_edition"] = "big"
    doc["facts"] = []
    return doc


def hostile_doc() -> dict:
    doc = copy.deepcopy(mini_doc())
    units = doc["editions"][0]["units"]
    units.append(_unit("hostile", HOSTILE, "unit", "dept-b", [f"Mandat {HOSTILE} suite.\nLigne"]))
    units.append(_unit("apos", "Unité de l’appui’s", "unit", "dept-b"))
    doc["editions"][0]["sources"] = ['source "<b>x</b>" & co.txt']
    return doc


def svg_texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def pdf_text(path: Path) -> str:
    """The text of every page, whitespace (names wrap in their boxes) collapsed."""
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(str(path)).pages).split())


def png_info(data: bytes) -> dict:
    """Width, height, colour type, pixels per metre and first pixel, read from the PNG chunks."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, info, idat = 8, {}, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            info["width"], info["height"], _depth, info["colour"] = struct.unpack(">IIBB", body[:10])
        elif kind == b"pHYs":
            info["ppm"] = struct.unpack(">IIB", body)[:2]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompressobj().decompress(idat, 64)
    channels = 4 if info["colour"] == 6 else 3
    # Whatever the row filter, the first pixel of the first row is stored as is.
    info["first_pixel"] = tuple(raw[1:1 + channels])
    return info


# --- formats and names -------------------------------------------------------------------------


def test_format_follows_suffix_or_explicit_choice():
    assert format_for_path("a/b/chart.PDF") == "pdf"
    assert format_for_path("chart.svg") == "svg"
    assert format_for_path("chart.png") == "png"
    assert format_for_path("chart.pdf", "svg") == "svg"
    with pytest.raises(ExportError, match="format inconnu"):
        format_for_path("chart.docx")
    with pytest.raises(ExportError, match="format inconnu"):
        format_for_path("chart.pdf", "eps")


def test_suggested_filename_is_safe(mini):
    ds, ed = mini
    assert suggested_filename(ds, ed, ChartOptions(), "pdf") == "oim-ed-2021.pdf"
    name = suggested_filename(ds, ed, ChartOptions(root="dept-a"), "svg")
    assert name == "oim-ed-2021-dept-a.svg"
    hostile = _dataset(hostile_doc())
    name = suggested_filename(hostile, hostile.edition("ed-2021"), ChartOptions(root="hostile"), "png")
    assert re.fullmatch(r"[a-z0-9.-]+", name) and name.endswith(".png")


# --- SVG -----------------------------------------------------------------------------------------


def test_svg_is_well_formed_self_contained_and_has_the_names(mini, tmp_path):
    ds, ed = mini
    out = tmp_path / "chart.svg"
    result = export_chart(ds, ed, ChartOptions(), ExportOptions(format="svg", export_date=DAY), out)
    root = ET.parse(out).getroot()
    assert root.tag == f"{SVG}svg" and result.pages == 1
    texts = " ".join(svg_texts(root))
    for unit in ed.units:
        first_word = unit.name.split()[0]
        assert first_word in texts
    assert "Organisation internationale pour les migrations" in texts  # title: the organisation
    assert "Structure 2021" in texts  # subtitle: the edition
    assert "Exporté le 04/03/2025" in texts  # footer
    assert "Département" in texts and "Bureau régional" not in texts  # legend: only kinds present
    for element in root.iter():
        assert element.tag.rsplit("}", 1)[-1] not in ("script", "image", "foreignObject")
        for name, value in element.attrib.items():
            if name.endswith("href"):
                assert value.startswith("#"), value
    raw = out.read_text(encoding="utf-8")
    assert "http://" not in raw.replace("http://www.w3.org/", "")
    assert "font-family" in raw and "sans-serif" in raw


def test_a_placed_slide_in_svg_keeps_every_unit_and_hostile_names_as_text(tmp_path):
    """A slide's chart is placed (drawn by Graphviz's nop2): still one group per unit, names as literal text."""
    ds = _dataset(hostile_doc())
    ed = ds.edition("ed-2021")
    out = tmp_path / "hostile-slide.svg"
    export_chart(ds, ed, ChartOptions(), ExportOptions(format="svg", page="slide", export_date=DAY), out)
    root = ET.parse(out).getroot()
    ids = {element.get("id") for element in root.iter()}
    assert {"iomviewer-header", "iomviewer-footer"} <= ids  # the placed page's title/legend and footer nodes
    assert {u.id for u in ed.units} <= ids
    tags = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
    assert not tags & {"script", "b", "i"}
    joined = "".join(svg_texts(root)).replace(" ", "")
    for piece in ('"guillemets"', "<script>alert(1)</script>", "&", "\\N", "{accolades}", "\\l", "\u202e"):
        assert piece.replace(" ", "") in joined, piece
    assert "Exportéle04/03/2025" in joined


def test_svg_page_is_exact_in_mm_with_a_pt_viewbox(mini, tmp_path):
    ds, ed = mini
    out = tmp_path / "a4.svg"
    result = export_chart(ds, ed, ChartOptions(), ExportOptions(format="svg", page="a4", landscape=False), out)
    root = ET.parse(out).getroot()
    assert root.get("width") == "210.000mm" and root.get("height") == "297.000mm"
    assert [round(float(v), 1) for v in root.get("viewBox").split()] == [0, 0, 595.3, 841.9]
    assert result.page_size_pt == pytest.approx((595.28, 841.89), abs=0.01)


def test_hostile_names_stay_text(tmp_path):
    ds = _dataset(hostile_doc())
    ed = ds.edition("ed-2021")
    out = tmp_path / "hostile.svg"
    title = 'Titre <b>gras</b> & "cité" \\N'
    export_chart(ds, ed, ChartOptions(), ExportOptions(format="svg", title=title, export_date=DAY), out)
    root = ET.parse(out).getroot()
    tags = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
    assert not tags & {"script", "b", "i"}
    joined = "".join(svg_texts(root)).replace(" ", "")
    for piece in ('"guillemets"', "<script>alert(1)</script>", "&", "\\N", "{accolades}", "\\l", "\u202e",
                  "de l’appui’s"):
        assert piece.replace(" ", "") in joined, piece
    assert title.replace(" ", "") in joined
    assert 'source"<b>x</b>"&co.txt' in joined  # footer's sources, literally
    assert "hostile" not in " ".join(svg_texts(root))  # \N never became the node's name


# --- PDF -----------------------------------------------------------------------------------------

PAPER = {"a4": (595.28, 841.89), "a3": (841.89, 1190.55), "letter": (612, 792), "slide": (540, 959.98)}


@pytest.mark.parametrize("page", ["a4", "a3", "letter", "slide"])
@pytest.mark.parametrize("landscape", [False, True])
def test_pdf_page_sizes(mini, tmp_path, page, landscape):
    ds, ed = mini
    out = tmp_path / f"{page}.pdf"
    result = export_chart(ds, ed, ChartOptions(), ExportOptions(page=page, landscape=landscape), out)
    box = PdfReader(str(out)).pages[0].mediabox
    short, long_ = PAPER[page]
    expected = (long_, short) if landscape else (short, long_)
    assert (float(box.width), float(box.height)) == pytest.approx(expected, abs=0.05)
    assert result.page_size_pt == pytest.approx(expected, abs=0.05)
    assert 0 < result.scale <= P.MAX_UPSCALE


def test_pdf_fit_page_is_chart_plus_margins_and_text_is_real(mini, tmp_path):
    ds, ed = mini
    out = tmp_path / "fit.pdf"
    result = export_chart(ds, ed, ChartOptions(), ExportOptions(page="fit", margin_mm=10, export_date=DAY), out)
    assert result.scale == 1.0 and result.min_font_pt == pytest.approx(11)
    box = PdfReader(str(out)).pages[0].mediabox
    assert float(box.width) == pytest.approx(result.page_size_pt[0], abs=0.05)
    text = pdf_text(out)
    assert "Département des relations extérieures" in text
    assert "Siège" in text and "Exporté le 04/03/2025" in text


def test_auto_orientation_picks_the_larger_chart(tmp_path):
    ds = _dataset(big_doc())
    result = export_chart(ds, ds.edition(), ChartOptions(), ExportOptions(page="a4"), tmp_path / "auto.pdf")
    # A compact chart is planned for each orientation: the larger names win.
    sizes = {landscape: export_chart(ds, ds.edition(), ChartOptions(), ExportOptions(page="a4", landscape=landscape),
                                     tmp_path / f"{landscape}.pdf").min_font_pt for landscape in (True, False)}
    assert result.min_font_pt == pytest.approx(max(sizes.values()), rel=1e-3)
    assert (result.page_size_pt[0] > result.page_size_pt[1]) == (sizes[True] > sizes[False])
    result = export_chart(ds, ds.edition(), ChartOptions(compact=False), ExportOptions(page="a4"),
                          tmp_path / "wide.pdf")
    assert result.page_size_pt[0] > result.page_size_pt[1]  # a wide tree goes landscape
    result = export_chart(ds, ds.edition(), ChartOptions(rankdir="LR", compact=False), ExportOptions(page="a4"),
                          tmp_path / "tall.pdf")
    assert result.page_size_pt[0] < result.page_size_pt[1]


def test_hostile_names_in_pdf_text(tmp_path):
    ds = _dataset(hostile_doc())
    out = tmp_path / "hostile.pdf"
    export_chart(ds, ds.edition("ed-2021"), ChartOptions(), ExportOptions(mandates=True), out)
    compact = pdf_text(out).replace(" ", "")
    for piece in ('"guillemets"', "<script>alert(1)</script>", "\\N", "{accolades}", "l’appui’s"):
        assert piece.replace(" ", "") in compact, piece


def test_dossier_has_overview_branches_and_flowing_mandates(tmp_path):
    doc = big_doc(directorates=2, departments=3, divisions=2)
    long_mandate = " ".join(f"mot{i:04d}" for i in range(1200))
    doc["editions"][0]["units"][2]["mandate"] = [long_mandate, "Dernier paragraphe de l’unité."]
    ds = _dataset(doc)
    ed = ds.edition()
    branches = branch_pages(ed, ChartOptions())
    assert branches == [("siege", None)]  # 21 units: one readable page (rule: see branch_pages)
    out = tmp_path / "dossier.pdf"
    plain = export_chart(ds, ed, ChartOptions(), ExportOptions(page="a4", pages_per_branch=True), tmp_path / "d0.pdf")
    assert plain.pages == 1 + len(branches)
    result = export_chart(ds, ed, ChartOptions(), ExportOptions(page="a4", pages_per_branch=True, mandates=True), out)
    reader = PdfReader(str(out))
    assert result.pages == len(reader.pages) > plain.pages + 1  # the long mandate flows over pages
    appendix = "\n".join(p.extract_text() for p in reader.pages[plain.pages:])
    words = set(re.findall(r"mot\d{4}", appendix))
    assert words == {f"mot{i:04d}" for i in range(1200)}  # nothing cut
    assert "Dernier paragraphe de l’unité." in appendix.replace("\n", " ")
    assert "Annexe — Mandats des unités" in appendix
    assert all(float(p.mediabox.width) == pytest.approx(595.28, abs=0.05) for p in reader.pages[plain.pages:])
    assert len(reader.outline) == plain.pages + 1  # a bookmark per chart page and one for the appendix


def test_branch_rule_splits_big_branches():
    ds = _dataset(big_doc())
    ed = ds.edition()
    pages = branch_pages(ed, ChartOptions(), max_units=10)
    assert pages[0] == ("siege", 1)  # too big: its first level only
    assert ("dir0", 1) in pages and ("dir0-dep0", None) in pages  # departments fit
    assert all(not uid.endswith(("div0", "div1")) for uid, _ in pages)  # leaves have no page


def test_dossier_is_pdf_only(mini, tmp_path):
    ds, ed = mini
    with pytest.raises(ExportError, match="PDF"):
        export_chart(ds, ed, ChartOptions(), ExportOptions(format="svg", pages_per_branch=True), tmp_path / "x.svg")
    assert not (tmp_path / "x.svg").exists()


# --- readability -----------------------------------------------------------------------------------


def test_readability_warning_for_a_big_edition_on_a4_not_for_a_branch(tmp_path):
    ds = _dataset(big_doc(directorates=5, departments=6, divisions=6))
    ed = ds.edition()
    whole = export_chart(ds, ed, ChartOptions(), ExportOptions(page="a4"), tmp_path / "whole.pdf")
    assert whole.min_font_pt < 6
    assert whole.warnings and "branche" in whole.warnings[0] and "A3" in whole.warnings[0]
    branch = export_chart(ds, ed, ChartOptions(root="dir0-dep0"), ExportOptions(page="a4"), tmp_path / "branch.pdf")
    assert branch.min_font_pt >= 6 and branch.warnings == ()


def _page_text_sizes(path) -> dict[str, float]:
    """Each text run of a PDF's first page and its size on the page, in points."""
    sizes: dict[str, float] = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            sizes.setdefault(text.strip(), round(size * abs(tm[3]) * abs(cm[3]), 2))

    PdfReader(str(path)).pages[0].extract_text(visitor_text=visit)
    return sizes


@pytest.mark.parametrize("page,landscape", [("a4", False), ("a3", False), ("slide", True)])
def test_a_small_branch_keeps_title_and_legend_at_their_page_size(tmp_path, page, landscape):
    """Its chart stops growing at MAX_UPSCALE; title and subtitle keep their size on the page.

    They were sized for the scale the chart would have had uncapped: a
    branch of four units on A4 came out with a 6 pt title (3.6 on A3).
    """
    from iomviewer.chart import export
    from iomviewer.core.loading import load_dataset

    dataset = load_dataset()
    edition = dataset.edition()
    out = tmp_path / f"branch-{page}.pdf"
    result = export_chart(dataset, edition, ChartOptions(root="dept-affaires-juridiques"),
                          ExportOptions(page=page), out)
    sizes = _page_text_sizes(out)
    title = export.default_title(dataset, edition)
    found = [size for text, size in sizes.items() if title.startswith(text[:20])]
    f = export.FURNITURE_SCALE[page]
    # Within a tenth of its nominal size (a slide's whole drawing may be fitted a little smaller).
    assert found and 0.9 * export.TITLE_PT * f <= found[0] <= 1.01 * export.TITLE_PT * f, sizes
    assert (result.page_size_pt[0] > result.page_size_pt[1]) == landscape  # a tall branch stays on a portrait A4


def test_a_named_page_gets_a_chart_planned_for_its_own_shape(tmp_path, monkeypatch):
    """A3 portrait is far from the screen's slide-shaped plan: planning for the page gives larger names."""
    from iomviewer.chart import export as export_module

    ds = _dataset(big_doc(directorates=4, departments=5, divisions=5))
    ed = ds.edition()
    xo = ExportOptions(page="a3", landscape=False)
    planned = export_chart(ds, ed, ChartOptions(), xo, tmp_path / "planned.pdf")
    monkeypatch.setattr(export_module, "_ASPECT_TRIES", ())  # no page planning: the screen's chart as is

    def screen_chart(edition, spec, xo, highlighted, margin, sources, entries):
        graph = export_module._build(edition, spec.options, highlighted)
        return (graph, *export_module._natural_size(graph.to_string()), None)

    monkeypatch.setattr(export_module, "_chart_for_page", screen_chart)
    as_on_screen = export_chart(ds, ed, ChartOptions(), xo, tmp_path / "screen.pdf")
    assert planned.page_size_pt == as_on_screen.page_size_pt
    assert planned.min_font_pt > 1.2 * as_on_screen.min_font_pt


# --- PNG -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("page,landscape,dpi", [("a4", False, 72), ("slide", None, 96), ("letter", True, 50)])
def test_png_size_matches_page_and_dpi(mini, tmp_path, page, landscape, dpi):
    ds, ed = mini
    out = tmp_path / "chart.png"
    result = export_chart(ds, ed, ChartOptions(), ExportOptions(format="png", page=page, landscape=landscape, dpi=dpi), out)
    info = png_info(out.read_bytes())
    w, h = result.page_size_pt
    assert abs(info["width"] - w * dpi / 72) <= 1 and abs(info["height"] - h * dpi / 72) <= 1
    assert info["ppm"] == (round(dpi / 0.0254),) * 2
    assert info["first_pixel"][:3] == (255, 255, 255)


def test_png_transparent_background(mini, tmp_path):
    ds, ed = mini
    out = tmp_path / "clear.png"
    export_chart(ds, ed, ChartOptions(), ExportOptions(format="png", page="fit", dpi=60, transparent=True), out)
    info = png_info(out.read_bytes())
    assert info["colour"] == 6 and info["first_pixel"][3] == 0


def test_png_refuses_absurd_sizes(tmp_path):
    ds = _dataset(big_doc())
    with pytest.raises(ExportError, match="trop grande"):
        export_chart(ds, ds.edition(), ChartOptions(), ExportOptions(format="png", page="fit", dpi=1200),
                     tmp_path / "huge.png")
    assert list(tmp_path.iterdir()) == []


# --- failures leave nothing behind ------------------------------------------------------------------


@pytest.fixture
def existing(tmp_path):
    target = tmp_path / "chart.pdf"
    target.write_bytes(b"previous export")
    return target


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "chart.pdf")


@pytest.mark.parametrize("victim", ["replace", "fsync"])
def test_disk_full_keeps_the_previous_file(mini, existing, monkeypatch, victim):
    ds, ed = mini

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, victim, full)
    with pytest.raises(ExportError, match="disque plein"):
        export_chart(ds, ed, ChartOptions(), ExportOptions(), existing)
    monkeypatch.undo()
    assert existing.read_bytes() == b"previous export"
    assert _leftovers(existing.parent) == []


def test_permission_denied_keeps_the_previous_file(mini, existing, monkeypatch):
    ds, ed = mini
    import tempfile

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    with pytest.raises(ExportError, match="permission refusée"):
        export_chart(ds, ed, ChartOptions(), ExportOptions(), existing)
    monkeypatch.undo()
    assert existing.read_bytes() == b"previous export" and _leftovers(existing.parent) == []


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder(mini, existing):
    ds, ed = mini
    folder = existing.parent
    folder.chmod(0o500)
    try:
        with pytest.raises(ExportError, match="permission refusée"):
            export_chart(ds, ed, ChartOptions(), ExportOptions(), existing)
    finally:
        folder.chmod(0o700)
    assert existing.read_bytes() == b"previous export" and _leftovers(folder) == []


def test_missing_folder(mini, tmp_path):
    ds, ed = mini
    with pytest.raises(ExportError, match="dossier introuvable"):
        export_chart(ds, ed, ChartOptions(), ExportOptions(), tmp_path / "nope" / "chart.pdf")


def test_cancelled_export_writes_nothing(mini, existing):
    ds, ed = mini

    class Stop(Exception):
        pass

    class Token:
        def __init__(self):
            self.calls = []

        def progress(self, done, total, message=""):
            self.calls.append((done, total))
            if done >= 1:
                raise Stop()

        def check(self):
            pass

    token = Token()
    with pytest.raises(Stop):
        export_chart(ds, ed, ChartOptions(), ExportOptions(pages_per_branch=True, mandates=True), existing, token=token)
    assert token.calls[0] == (0, token.calls[0][1]) and token.calls[0][1] >= 3
    assert existing.read_bytes() == b"previous export" and _leftovers(existing.parent) == []


# --- page arithmetic ----------------------------------------------------------------------------------


def test_placement_centres_and_fits():
    placement = P.place(1000, 500, "a4", None, 20)
    assert placement.landscape
    assert placement.scale == pytest.approx((841.89 - 40) / 1000, rel=1e-4)
    assert placement.dx == pytest.approx(20, abs=0.01)
    assert placement.dy == pytest.approx((595.28 - 500 * placement.scale) / 2, abs=0.01)
    small = P.place(10, 10, "a3", False, 20)
    assert small.scale == P.MAX_UPSCALE
    fit = P.place(300, 200, "fit", None, 10)
    assert (fit.page_w, fit.page_h, fit.scale, fit.dx, fit.dy) == (320, 220, 1.0, 10, 10)
    assert P.place(100, 900, "slide", None, 10).landscape  # a slide stays a slide


def test_paginate_flows_lines_and_keeps_headings_with_text():
    heading = P.TextBlock(("Titre",), "h", 10, keep_with_next=True)
    body = P.TextBlock(tuple("abcdefghij"), "b", 0)
    blocks = [(body, list("abcdefg")), (heading, ["Titre"]), (body, list("hijkl"))]
    pages = P.paginate(blocks, {"h": 10, "b": 10}, 80)
    assert [line.text for line in pages[0]] == list("abcdefg")  # the heading would end the page: it moves
    assert [line.text for line in pages[1]][0] == "Titre"
    assert sum(len(p) for p in pages) == 13


def test_a_slide_gives_its_height_to_the_chart_with_smaller_title_and_legend(monkeypatch):
    from iomviewer.chart import export
    from iomviewer.core.loading import load_dataset

    dataset = load_dataset()
    edition = dataset.edition()
    slide = ExportOptions(page="slide")
    compact = export.estimate_text_size(dataset, edition, ChartOptions(), slide)
    monkeypatch.setattr(export, "FURNITURE_SCALE", {})
    full = export.estimate_text_size(dataset, edition, ChartOptions(), slide)
    assert compact > full * 1.02  # the whole edition's names grow on the slide (placed: 6.11 pt against 5.94)


def _drawn_page(dataset, edition, options, xo):
    """The page's plan and its chart as Graphviz draws it (layout records, y down)."""
    from iomviewer.chart import export
    from iomviewer.chart.layout import parse_json

    spec = export._page_specs(dataset, edition, options, xo)[0]
    plan, dot = export._plan_chart_page(edition, spec, xo, frozenset(), False)
    return plan, dot, parse_json(export._draw(dot, "json", plan.placed))


@pytest.mark.parametrize("edition_id", ["revision-2022", "structure-2021"])
def test_the_whole_bundled_edition_is_readable_on_a_slide(edition_id):
    """Issue 3: every unit of the edition on a 16:9 slide, its name whole, at READABLE_PT or more.

    The boxes are placed (ChartOptions.placed), so what Graphviz draws is
    checked here: no box overlaps another, each name fits its box, each line
    of authority leaves its parent's box at the bottom and comes down onto
    its child or its child's panel.
    """
    from iomviewer.chart import export
    from iomviewer.chart.build import clean_text, scope_units
    from iomviewer.core.loading import load_dataset

    dataset = load_dataset()
    edition = dataset.edition(edition_id)
    slide = ExportOptions(page="slide")
    # 4.8 and 5.0 pt on dot's ranks before the boxes were placed; 6.1 now.
    for options in (ChartOptions(show_links=False), ChartOptions()):
        assert export.estimate_text_size(dataset, edition, options, slide) >= export.READABLE_PT
    options = ChartOptions(show_links=False)
    plan, dot, lay = _drawn_page(dataset, edition, options, slide)
    assert plan.placed
    units = set(scope_units(edition, options))
    assert units <= set(lay.nodes) and {"iomviewer-header", "iomviewer-footer"} <= set(lay.nodes)
    boxes = {uid: lay.nodes[uid].bbox for uid in units}
    for uid in units:
        x, _y, w, _h = boxes[uid]
        names = [t for t in lay.nodes[uid].texts if t.size == style.NAME_SIZE]
        assert " ".join(t.text for t in names) == clean_text(edition.unit(uid).name)  # whole, not cut
        assert all(t.width <= w - 4 for t in names), uid  # inside its box, with air on both sides
    ordered = sorted(boxes.items(), key=lambda kv: kv[1][0])
    for i, (a, (x, y, w, h)) in enumerate(ordered):
        for b, (x2, y2, _w2, h2) in ordered[i + 1:]:
            if x2 >= x + w:
                break
            assert y + h <= y2 or y2 + h2 <= y, f"{a} overlaps {b}"
    panels = {c.name: c.bbox for c in lay.clusters}
    tree = [e for e in lay.edges if not e.secondary]
    assert {e.tail for e in tree} == {edition.unit(u).parent for u in units} - {None}  # every parent has its line
    for edge in tree:
        (sx, sy), (ex, ey) = edge.shapes[0].points[0], edge.shapes[0].points[-1]
        tx, ty, tw, th = boxes[edge.tail]
        assert tx <= sx <= tx + tw and sy == pytest.approx(ty + th, abs=2.0)  # out of the parent's bottom
        target = panels.get("cluster_stack_" + edge.tail) if edge.id.endswith("cluster_stack_" + edge.tail) \
            else boxes[edge.head]
        assert target[0] <= ex <= target[0] + target[2] and ey == pytest.approx(target[1], abs=2.0)  # onto its top
    # The page holds it all: scaled to the slide, nothing is cut, and the chart takes most of the height.
    nat_w, nat_h = export._natural_size(dot, True)
    placement = P.place(nat_w, nat_h, "slide", plan.orientation, 10 * P.MM)
    assert placement.dx >= 10 * P.MM - 0.5 and placement.scale * nat_w + 20 * P.MM <= placement.page_w + 0.5
    assert placement.scale * nat_h + 20 * P.MM <= placement.page_h + 0.5
    chart_h = export._placed_size(plan.graph)[1]
    assert placement.scale * chart_h > 0.75 * (placement.page_h - 20 * P.MM)


def test_the_whole_bundled_edition_is_readable_on_a4_and_a3_too():
    from iomviewer.chart import export
    from iomviewer.core.loading import load_dataset

    dataset = load_dataset()
    edition = dataset.edition()
    # On dot's ranks: 6.68 pt on A3, 4.26 on A4 (with the links; 7.1 and 4.56 without); 9.42 and 6.12 placed.
    assert export.estimate_text_size(dataset, edition, ChartOptions(), ExportOptions(page="a3")) >= 9.0
    assert export.estimate_text_size(dataset, edition, ChartOptions(), ExportOptions(page="a4")) >= export.READABLE_PT


def test_a_comparison_or_a_page_without_legend_is_laid_out_by_dot(mini):
    """Without the legend the boxes keep their kind line; a comparison's marks and old lines need dot's routing."""
    from iomviewer.core.compare import build_comparison
    from iomviewer.core.loading import load_dataset

    ds, ed = mini
    plan, _dot, _lay = _drawn_page(ds, ed, ChartOptions(), ExportOptions(page="slide", legend=False))
    assert not plan.placed
    plan, _dot, lay = _drawn_page(ds, ed, ChartOptions(), ExportOptions(page="slide"))
    assert plan.placed and set(lay.nodes) >= {u.id for u in ed.units}
    dataset = load_dataset()
    comparison = build_comparison(dataset, "structure-2021", "revision-2022").edition
    plan, _dot, lay = _drawn_page(dataset, comparison, ChartOptions(show_links=False), ExportOptions(page="slide"))
    assert not plan.placed and set(lay.nodes) >= {u.id for u in comparison.units}


def test_without_a_legend_the_boxes_keep_their_kind_line(mini):
    from iomviewer.chart import export

    ds, ed = mini
    bare = [kind_line for _factor, kind_line in export._tries(ExportOptions(page="slide"))]
    assert False in bare and True in bare  # the plan with kind lines stays a candidate
    assert all(export._tries(ExportOptions(page="slide", legend=False))[i][1] for i in range(3))


def test_a_named_page_can_keep_the_screen_layout(tmp_path):
    """--screen-layout: the page shows the window's chart (dot), as on screen, smaller; not composed for the page."""
    from iomviewer.chart import export
    from iomviewer.core.loading import load_dataset

    dataset = load_dataset()
    edition = dataset.edition()
    options = ChartOptions(show_links=False)
    composed = ExportOptions(page="slide")
    screen = ExportOptions(page="slide", screen_layout=True)
    assert _drawn_page(dataset, edition, options, composed)[0].placed
    plan, _dot, lay = _drawn_page(dataset, edition, options, screen)
    assert not plan.placed and set(edition.children("dept-gestion-ressources-humaines")) <= set(lay.nodes)
    # The screen's layout on a slide: readable names need the composed one (issue 3).
    assert export.estimate_text_size(dataset, edition, options, screen) < export.READABLE_PT
    assert export.estimate_text_size(dataset, edition, options, composed) >= export.READABLE_PT

"""Reports of an EditionDiff for people: Markdown and CSV, in French.

Used by ``iomviewer diff A B --format md|csv|pdf`` (the PDF is the comparison
chart followed by ``diff_to_html`` set on A4 pages, ui/compare_report.py).  The JSON form is
``EditionDiff.to_json()``.
"""
from __future__ import annotations

import csv
import html
import io
import re

from iomviewer.core.diff import CATEGORIES, EditionDiff, UnitChange, WordOp, spaced_for_reading
from iomviewer.core.model import KIND_LABELS_FR, Dataset, Edition, HistoryRecord

PATH_SEPARATOR = " › "

# Categories whose units are described by edition A (they are absent from B).
_FROM_A = frozenset({"removed", "not_covered"})

_COUNT_LABELS = {
    "added": "Unités ajoutées",
    "removed": "Unités supprimées",
    "renamed": "Unités renommées",
    "moved": "Unités déplacées",
    "mandate_changed": "Unités dont le mandat a été modifié",
    "not_covered": "Unités non couvertes par l'édition B",
    "not_in_a_coverage": "Unités hors de la couverture de l'édition A",
}

CSV_COLUMNS = ("change", "id", "name", "kind", "old_name", "old_parent", "new_parent", "path")


def _headings(a: Edition, b: Edition) -> dict[str, str]:
    return {
        "added": "Unités ajoutées",
        "removed": "Unités supprimées",
        "renamed": "Unités renommées",
        "moved": "Unités déplacées",
        "mandate_changed": "Unités dont le mandat a été modifié",
        "not_covered": f"Unités non couvertes par l'édition « {b.label} » (couverture partielle)",
        "not_in_a_coverage": f"Unités hors de la couverture de l'édition « {a.label} » (couverture partielle)",
    }


def unit_path(edition: Edition, unit_id: str) -> str:
    """Return the unit's names from the root down, joined with ›."""
    return PATH_SEPARATOR.join(edition.unit(i).name for i in edition.path_from_root(unit_id))


def _path_for(dataset: Dataset, diff: EditionDiff, category: str, change: UnitChange) -> str:
    edition = dataset.edition(diff.a if category in _FROM_A else diff.b)
    return unit_path(edition, change.id) if change.id in edition else ""


# Characters that Markdown may read as markup in names and mandate text.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~!])")


def md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def render_ops_markdown(ops: tuple[WordOp, ...] | list[WordOp]) -> str:
    """Render a word diff as Markdown: insertions in **bold**, deletions struck ~~through~~."""
    out = []
    for op in spaced_for_reading(ops):
        text = md_escape(op.text)
        if op.op == "insert":
            out.append(_mark_runs(text, "**"))
        elif op.op == "delete":
            out.append(_mark_runs(text, "~~"))
        else:
            out.append(text)
    return "".join(out)


def _mark_runs(text: str, marker: str) -> str:
    """Wrap text in marker, leaving edge whitespace and line breaks outside.

    CommonMark does not open emphasis before a space ("** mot**" stays
    literal) nor carry it across a blank line; inner spaces stay inside, so a
    replaced phrase reads as one mark.
    """
    pieces = re.split(r"(\s*\n\s*)", text)
    out = []
    for piece in pieces:
        if not piece.strip():
            out.append(piece)
            continue
        m = re.match(r"^(\s*)(.*?)(\s*)$", piece, re.S)
        lead, core, trail = m.groups()
        out.append(f"{lead}{marker}{core}{marker}{trail}")
    return "".join(out)


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.split("\n"))


def _history_line(dataset: Dataset, h: HistoryRecord) -> str:
    def label(eid: str) -> str:
        return dataset.edition(eid).label if dataset.has_edition(eid) else eid

    if h.type == "succession":
        head = f"Succède à « {md_escape(h.old_name)} » ({md_escape(label(h.from_edition))})"
    else:
        head = (f"« {md_escape(h.old_name)} » ({md_escape(label(h.from_edition))}) est renommée "
                f"« {md_escape(h.new_name)} » ({md_escape(label(h.to_edition))})")
    line = f"{head} selon : {md_escape(h.evidence)}"
    if h.sources:
        line += f" (sources : {', '.join(md_escape(str(s)) for s in h.sources)})"
    return line


def _change_markdown(dataset: Dataset, diff: EditionDiff, category: str, change: UnitChange) -> list[str]:
    kind = KIND_LABELS_FR.get(change.kind, change.kind)
    head = f"- **{md_escape(change.name)}** ({md_escape(kind)}, `{change.id}`)"
    if category == "renamed":
        head += f", ancien nom : « {md_escape(change.old_name or '')} »"
    elif category == "moved":
        old = change.old_parent_name or change.old_parent or "aucun rattachement"
        new = change.new_parent_name or change.new_parent or "aucun rattachement"
        head += f", rattachement : « {md_escape(old)} » → « {md_escape(new)} »"
    lines = [head]
    path = _path_for(dataset, diff, category, change)
    if path:
        where = "dans A" if category in _FROM_A else "dans B"
        lines.append(f"  - Chemin {where} : {md_escape(path)}")
    if category == "renamed":
        if change.history:
            lines.extend(f"  - {_history_line(dataset, h)}" for h in change.history)
        else:
            lines.append("  - Aucun changement de nom consigné dans les données.")
    if category == "mandate_changed":
        lines.append("")
        quoted = _quote(render_ops_markdown(change.mandate_ops))
        lines.extend(f"  {line}" for line in quoted.split("\n"))  # indented: part of the list item
        lines.append("")
    return lines


def diff_to_markdown(dataset: Dataset, diff: EditionDiff) -> str:
    """Render a comparison as a French Markdown report."""
    a, b = dataset.edition(diff.a), dataset.edition(diff.b)
    lines = [f"# Comparaison : {md_escape(a.label)} → {md_escape(b.label)}", ""]
    for letter, ed in (("A", a), ("B", b)):
        coverage = "couverture partielle" if ed.is_partial else "couverture complète"
        lines.append(f"- Édition {letter} : {md_escape(ed.label)} (`{ed.id}`, {coverage})")
    lines.append("")
    if diff.is_empty():
        lines.append("Aucune différence entre les deux éditions.")
        return "\n".join(lines) + "\n"

    lines += ["## Résumé", "", "| Changement | Nombre |", "| --- | ---: |"]
    counts = diff.counts()
    lines += [f"| {_COUNT_LABELS[c]} | {counts[c]} |" for c in CATEGORIES]
    lines.append("")

    headings = _headings(a, b)
    for category in CATEGORIES:
        changes = getattr(diff, category)
        if not changes:
            continue
        lines += [f"## {md_escape(headings[category])} ({len(changes)})", ""]
        for change in changes:
            lines += _change_markdown(dataset, diff, category, change)
        lines.append("")
    # One blank line between blocks, one newline at the end.
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).rstrip("\n")
    return text + "\n"


def diff_to_csv(dataset: Dataset, diff: EditionDiff) -> str:
    """Render a comparison as CSV, one row per change (a unit may have several)."""
    buf = io.StringIO()
    # "\n", not the csv default "\r\n": the text goes to stdout or to a file
    # as is, and a text-mode stdout on Windows would turn \r\n into \r\r\n.
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for category in CATEGORIES:
        for c in getattr(diff, category):
            writer.writerow([
                category, c.id, c.name, c.kind, c.old_name or "", c.old_parent or "", c.new_parent or "",
                _path_for(dataset, diff, category, c),
            ])
    return buf.getvalue()


# --- HTML, for the PDF report ---------------------------------------------------------

def _h(text: str) -> str:
    return html.escape(text, quote=True)


def render_ops_html(ops) -> str:
    """A word diff as HTML: insertions underlined in green, deletions struck through in red."""
    out = []
    for op in spaced_for_reading(ops):
        text = _h(op.text).replace("\n\n", "</p><p>").replace("\n", " ")
        if op.op == "insert":
            out.append(f'<span style="color:#1a7f37; text-decoration: underline;">{text}</span>')
        elif op.op == "delete":
            out.append(f'<span style="color:#cf222e; text-decoration: line-through;">{text}</span>')
        else:
            out.append(text)
    return "<p>" + "".join(out) + "</p>"


def _history_html(dataset: Dataset, h: HistoryRecord) -> str:
    def label(eid: str) -> str:
        return dataset.edition(eid).label if dataset.has_edition(eid) else eid

    if h.type == "succession":
        head = f"Succède à « {_h(h.old_name)} » ({_h(label(h.from_edition))})"
    else:
        head = (f"« {_h(h.old_name)} » ({_h(label(h.from_edition))}) est renommée "
                f"« {_h(h.new_name)} » ({_h(label(h.to_edition))})")
    sources = f" (sources : {_h(', '.join(str(s) for s in h.sources))})" if h.sources else ""
    return f'{head} selon : <span style="color:#555555;">{_h(h.evidence)}</span>{sources}'


def _change_html(dataset: Dataset, diff: EditionDiff, category: str, change: UnitChange) -> str:
    kind = KIND_LABELS_FR.get(change.kind, change.kind)
    head = f"<b>{_h(change.name)}</b> ({_h(kind)}, <tt>{_h(change.id)}</tt>)"
    if category == "renamed":
        head += f", ancien nom : « {_h(change.old_name or '')} »"
    elif category == "moved":
        old = change.old_parent_name or change.old_parent or "aucun rattachement"
        new = change.new_parent_name or change.new_parent or "aucun rattachement"
        head += f", rattachement : « {_h(old)} » → « {_h(new)} »"
    parts = [head]
    path = _path_for(dataset, diff, category, change)
    if path:
        where = "dans A" if category in _FROM_A else "dans B"
        parts.append(f'<br/><span style="color:#555555;">Chemin {where} : {_h(path)}</span>')
    if category == "renamed":
        for h in change.history:
            parts.append("<br/>" + _history_html(dataset, h))
        if not change.history:
            parts.append("<br/>Aucun changement de nom consigné dans les données.")
    if category == "mandate_changed":
        parts.append(f'<blockquote>{render_ops_html(change.mandate_ops)}</blockquote>')
    return "<li>" + "".join(parts) + "</li>"


def diff_to_html(dataset: Dataset, diff: EditionDiff, *, coverage_lists: bool = True) -> str:
    """Render a comparison as a French HTML report (the body of the PDF report).

    coverage_lists=False: units outside a partial edition are counted, not listed
    (against a partial edition they are most of the structure).
    """
    a, b = dataset.edition(diff.a), dataset.edition(diff.b)
    out = [f"<h1>Comparaison : {_h(a.label)} → {_h(b.label)}</h1><ul>"]
    for letter, ed in (("A", a), ("B", b)):
        coverage = "couverture partielle" if ed.is_partial else "couverture complète"
        period = f", {_h(ed.period.label)}" if ed.period.label else ""
        out.append(f"<li>Édition {letter} : {_h(ed.label)} (<tt>{_h(ed.id)}</tt>{period}, {coverage})</li>")
    out.append("</ul>")
    if diff.is_empty():
        out.append("<p>Aucune différence entre les deux éditions.</p>")
        return "".join(out)
    counts = diff.counts()
    out.append('<h2>Résumé</h2><table cellspacing="0" cellpadding="3" border="1" style="border-color:#999999;">')
    out.append("<tr><th align='left'>Changement</th><th align='right'>Nombre</th></tr>")
    out += [f"<tr><td>{_h(_COUNT_LABELS[c])}</td><td align='right'>{counts[c]}</td></tr>" for c in CATEGORIES]
    out.append("</table>")
    out.append("<p style='color:#555555;'>Insertions <span style='color:#1a7f37; text-decoration: underline;'>"
               "soulignées en vert</span>, suppressions <span style='color:#cf222e; text-decoration: "
               "line-through;'>barrées en rouge</span>. Une unité absente d’une édition partielle n’est ni "
               "ajoutée ni supprimée : elle est hors de sa couverture.</p>")
    headings = _headings(a, b)
    for category in CATEGORIES:
        changes = getattr(diff, category)
        if not changes:
            continue
        out.append(f"<h2>{_h(headings[category])} ({len(changes)})</h2>")
        if category in ("not_covered", "not_in_a_coverage") and not coverage_lists:
            names = ", ".join(_h(c.name) for c in changes[:12])
            more = f" et {len(changes) - 12} autres" if len(changes) > 12 else ""
            out.append(f"<p>{names}{more}.</p>")
            continue
        out.append("<ul>" + "".join(_change_html(dataset, diff, category, c) for c in changes) + "</ul>")
    return "".join(out)

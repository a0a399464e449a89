"""The command-line subcommands: each takes parsed arguments and returns an exit code.

Output is French, like the interface; `--json` prints machine-readable data.
"""
from __future__ import annotations

import json
import sys
from argparse import Namespace
from pathlib import Path
from typing import Any

from iomviewer.core.loading import DatasetError, load_dataset, quality_warnings
from iomviewer.core.model import KIND_LABELS_FR, LINK_LABELS_FR, Dataset, Edition, Unit
from iomviewer.core.text import visible

from iomviewer.cli import EXIT_BAD_INPUT, EXIT_NOT_FOUND, EXIT_OK


def _say(text: str = "") -> None:
    """Text output goes to a terminal: data holding ESC sequences or bidi overrides must not drive it.

    JSON output keeps the data as it is.
    """
    print(visible(text, lines=True))


class CommandError(Exception):
    """A failure to report as one sentence on stderr, with an exit code."""

    def __init__(self, message: str, code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.code = code


def _load(args: Namespace) -> Dataset:
    path = getattr(args, "data", None)
    try:
        return load_dataset(path)
    except DatasetError as exc:
        where = f"{path} : " if path else ""
        raise CommandError(f"iomviewer : données invalides — {where}{exc}") from None


def _edition(dataset: Dataset, args: Namespace) -> Edition:
    edition_id = getattr(args, "edition", None)
    if edition_id and not dataset.has_edition(edition_id):
        known = ", ".join(e.id for e in dataset.editions)
        raise CommandError(f"iomviewer : édition inconnue « {edition_id} » (éditions : {known})")
    return dataset.edition(edition_id)


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def unit_to_json(edition: Edition, unit: Unit) -> dict[str, Any]:
    return {
        "id": unit.id,
        "name": unit.name,
        "kind": unit.kind,
        "kind_label": KIND_LABELS_FR[unit.kind],
        "parent": unit.parent,
        "depth": edition.depth(unit.id),
        "acronym": unit.acronym,
        "aliases": list(unit.alias_texts),
        "mandate": unit.mandate_text,
        "mention": unit.mention,
        "links": [{"type": l.type, "target": l.target, "evidence": l.evidence} for l in unit.links],
        "source": str(unit.source),
    }


def _resolve(edition: Edition, text: str) -> Unit:
    from iomviewer.core.search import find_units

    found = find_units(edition, text)
    if not found:
        raise CommandError(f"iomviewer : aucune unité « {text} » dans l'édition « {edition.id} »", 1)
    if len(found) > 1:
        names = "; ".join(f"{u.id} ({u.name})" for u in found[:10])
        raise CommandError(f"iomviewer : « {text} » est ambigu — candidats : {names}")
    return found[0]


# --- subcommands -------------------------------------------------------------

def cmd_editions(args: Namespace) -> int:
    dataset = _load(args)
    rows = [
        {
            "id": e.id,
            "label": e.label,
            "period": e.period.label,
            "start": e.period.start,
            "end": e.period.end,
            "units": len(e),
            "coverage": e.coverage,
            "default": e.id == dataset.default_edition,
            "sources": list(e.sources),
        }
        for e in dataset.editions
    ]
    if args.json:
        _print_json(rows)
        return EXIT_OK
    width = max(len(r["id"]) for r in rows)
    for r in rows:
        marks = (" [par défaut]" if r["default"] else "") + (" [partielle]" if r["coverage"] == "partial" else "")
        _say(f"{r['id']:<{width}}  {r['units']:>4} unités  {r['period']:<20}  {r['label']}{marks}")
    return EXIT_OK


def cmd_list(args: Namespace) -> int:
    dataset = _load(args)
    edition = _edition(dataset, args)
    if args.json:
        _print_json([unit_to_json(edition, u) for u in edition.units])
        return EXIT_OK
    # Depth-first so that indentation reads as a tree.
    def walk(uid: str, depth: int) -> None:
        u = edition.unit(uid)
        _say(f"{'  ' * depth}{u.name}  [{KIND_LABELS_FR[u.kind]} · {u.id}]")
        for child in edition.children(uid):
            walk(child, depth + 1)

    walk(edition.root.id, 0)
    return EXIT_OK


def cmd_show(args: Namespace) -> int:
    dataset = _load(args)
    edition = _edition(dataset, args)
    unit = _resolve(edition, args.unit)
    path = [edition.unit(uid) for uid in edition.path_from_root(unit.id)]
    children = [edition.unit(c) for c in edition.children(unit.id)]
    appears_in = dataset.editions_of(unit.id)
    history = dataset.history_of(unit.id)
    if args.json:
        data = unit_to_json(edition, unit)
        data.update(
            edition=edition.id,
            path=[{"id": u.id, "name": u.name} for u in path],
            children=[{"id": c.id, "name": c.name, "kind": c.kind} for c in children],
            editions=appears_in,
            history=[
                {"type": h.type, "from_edition": h.from_edition, "to_edition": h.to_edition,
                 "old_name": h.old_name, "new_name": h.new_name, "evidence": h.evidence}
                for h in history
            ],
        )
        _print_json(data)
        return EXIT_OK
    _say(unit.name)
    _say(f"  {KIND_LABELS_FR[unit.kind]} · {unit.id}" + (f" · sigle {unit.acronym}" if unit.acronym else ""))
    if unit.aliases:
        _say("  Autres noms : " + " ; ".join(unit.alias_texts))
    _say("  Chemin : " + " › ".join(u.name for u in path))
    _say()
    if unit.mandate:
        for para in unit.mandate:
            _say(para)
            _say()
    elif unit.mention:
        _say(f"(Pas de mandat propre ; mentionné ainsi : « {unit.mention} »)")
        _say()
    else:
        _say("(Pas de mandat dans les sources.)")
        _say()
    if children:
        _say("Unités rattachées :")
        for c in children:
            _say(f"  - {c.name}  [{KIND_LABELS_FR[c.kind]} · {c.id}]")
    for link in unit.links:
        target = edition.get(link.target)
        _say(f"Lien : {LINK_LABELS_FR[link.type]} {target.name if target else link.target}"
              + (f" — {link.evidence}" if link.evidence else ""))
    for h in history:
        verb = "succède à" if h.type == "succession" else "renommé, anciennement"
        _say(f"Historique : {verb} « {h.old_name} » ({h.from_edition} → {h.to_edition}) selon : {h.evidence}")
    _say(f"Source : {unit.source}")
    _say("Éditions : " + ", ".join(appears_in))
    return EXIT_OK


def cmd_search(args: Namespace) -> int:
    from iomviewer.core.search import SearchIndex

    if args.limit < 1:
        raise CommandError("iomviewer : --limit doit être un entier positif")
    dataset = _load(args)
    edition = _edition(dataset, args)
    results = SearchIndex(edition).search(args.query, limit=args.limit)
    if args.json:
        _print_json([
            {"id": r.unit_id, "name": r.name, "kind": r.kind, "score": round(r.score, 3), "field": r.field,
             "match": r.match, "snippet": r.snippet}
            for r in results
        ])
    else:
        for r in results:
            _say(f"{r.score:7.2f}  {r.name}  [{KIND_LABELS_FR[r.kind]} · {r.unit_id}]")
            if r.snippet:
                _say(f"         {r.snippet}")
    if not results:
        print(f"iomviewer : aucun résultat pour « {args.query} »", file=sys.stderr)
        return EXIT_NOT_FOUND
    return EXIT_OK


def cmd_validate(args: Namespace) -> int:
    try:
        dataset = load_dataset(args.file)
    except DatasetError as exc:
        for problem in exc.problems:
            print(f"{args.file} : {problem}")
        return EXIT_BAD_INPUT
    units = sum(len(e) for e in dataset.editions)
    warnings = quality_warnings(dataset)
    print(f"{args.file} : valide — {len(dataset.editions)} édition(s), {units} unités au total, "
          f"{len(warnings)} avertissement(s)")
    for w in warnings:
        print(f"avertissement : {w}")
    return EXIT_OK


def cmd_diff(args: Namespace) -> int:
    from iomviewer.core import report
    from iomviewer.core.diff import diff_editions

    dataset = _load(args)
    for eid in (args.a, args.b):
        if not dataset.has_edition(eid):
            known = ", ".join(e.id for e in dataset.editions)
            raise CommandError(f"iomviewer : édition inconnue « {eid} » (éditions : {known})")
    diff = diff_editions(dataset, args.a, args.b)
    fmt = args.format or ("json" if args.json else None)
    if fmt is None and args.output:
        fmt = Path(args.output).suffix.lstrip(".").lower() or "text"
    fmt = fmt or "text"
    if fmt == "pdf":
        return _diff_pdf(dataset, args)
    if fmt == "json":
        text = json.dumps(diff.to_json(), ensure_ascii=False, indent=2) + "\n"
    elif fmt == "md":
        text = report.diff_to_markdown(dataset, diff)
    elif fmt == "csv":
        text = report.diff_to_csv(dataset, diff)
    elif fmt == "text":
        text = _diff_text(dataset, diff)
    else:
        raise CommandError(f"iomviewer : format inconnu « {fmt} » (json, md, csv)")
    if args.output:
        from iomviewer.core.files import atomic_write_text

        try:
            atomic_write_text(args.output, text)
        except OSError as exc:
            raise CommandError(f"iomviewer : écriture impossible de {args.output} : {exc.strerror or exc}") from None
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _diff_pdf(dataset: Dataset, args: Namespace) -> int:
    """The PDF report: the comparison chart (changed branches unfolded), then every change in words."""
    from iomviewer.chart.export import ExportError
    from iomviewer.core.compare import build_comparison
    from iomviewer.core.files import atomic_write_bytes

    if not args.output:
        raise CommandError("iomviewer : le rapport PDF s'écrit dans un fichier : précisez -o FICHIER.pdf")
    from iomviewer.ui.compare_report import comparison_pdf

    try:
        data = comparison_pdf(build_comparison(dataset, args.a, args.b))
    except ExportError as exc:
        raise CommandError(f"iomviewer : {exc}") from None
    try:
        atomic_write_bytes(args.output, data)
    except OSError as exc:
        raise CommandError(f"iomviewer : écriture impossible de {args.output} : {exc.strerror or exc}") from None
    return EXIT_OK


def _diff_text(dataset: Dataset, diff) -> str:
    a, b = dataset.edition(diff.a), dataset.edition(diff.b)
    lines = [f"{a.label} → {b.label}"]
    titles = {
        "added": "Ajoutées", "removed": "Supprimées", "renamed": "Renommées", "moved": "Déplacées",
        "mandate_changed": "Mandat modifié", "not_covered": f"Non couvertes par « {b.id} » (édition partielle)",
        "not_in_a_coverage": f"Hors couverture de « {a.id} » (édition partielle)",
    }
    for key, title in titles.items():
        changes = getattr(diff, key)
        if key == "not_in_a_coverage" and not changes:
            continue
        lines.append(f"\n{title} : {len(changes)}")
        for c in changes:
            extra = ""
            if key == "renamed":
                extra = f"  (ancien nom : {c.old_name})"
            elif key == "moved":
                extra = f"  ({c.old_parent_name or c.old_parent} → {c.new_parent_name or c.new_parent})"
            lines.append(f"  - {c.name}  [{c.id}]{extra}")
    return visible("\n".join(lines) + "\n", lines=True)


def cmd_export(args: Namespace) -> int:
    from iomviewer.chart.build import ChartOptions
    from iomviewer.chart.export import ExportError, ExportOptions, export_chart, format_for_path

    if args.depth is not None and args.depth < 0:
        raise CommandError("iomviewer : --depth doit être positif ou nul")
    if not 36 <= args.dpi <= 1200:
        raise CommandError("iomviewer : --dpi doit être compris entre 36 et 1200")
    dataset = _load(args)
    collapsed: frozenset[str] = frozenset()
    if args.compare:
        from iomviewer.core.compare import build_comparison, unchanged_branches

        a, b = args.compare
        for eid in (a, b):
            if not dataset.has_edition(eid):
                known = ", ".join(e.id for e in dataset.editions)
                raise CommandError(f"iomviewer : édition inconnue « {eid} » (éditions : {known})")
        if a == b:
            raise CommandError("iomviewer : --compare demande deux éditions différentes")
        comparison = build_comparison(dataset, a, b)
        edition = comparison.edition  # the union of both, with the marks of the change
        if args.fold_unchanged:
            collapsed = unchanged_branches(comparison)
    elif args.fold_unchanged:
        raise CommandError("iomviewer : --fold-unchanged ne s'emploie qu'avec --compare A B")
    else:
        edition = _edition(dataset, args)
    try:
        root = _resolve(edition, args.root).id if args.root else None
    except CommandError as exc:
        raise CommandError(str(exc), EXIT_BAD_INPUT) from None  # export: every failure is exit 2
    chart_options = ChartOptions(rankdir=args.direction, root=root, depth=args.depth, show_links=args.links,
                                 collapsed=collapsed)
    try:
        fmt = format_for_path(args.output, args.format)
        result = export_chart(
            dataset, edition, chart_options,
            ExportOptions(format=fmt, page=args.page, landscape=args.landscape, title=args.title,
                          legend=args.legend, dpi=args.dpi, transparent=args.transparent,
                          pages_per_branch=args.pages_per_branch, mandates=args.mandates,
                          screen_layout=args.screen_layout),
            args.output,
        )
    except ExportError as exc:
        raise CommandError(f"iomviewer : {exc}") from None
    for warning in result.warnings:
        print(f"iomviewer : avertissement : {warning}", file=sys.stderr)
    return EXIT_OK

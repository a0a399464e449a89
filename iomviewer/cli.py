"""Command line: `iomviewer [options]` opens the window, subcommands query the data.

main(argv) returns an exit code and never calls sys.exit itself:
0 success, 1 nothing found, 2 bad input or usage.
"""
from __future__ import annotations

import argparse
import logging
import sys
from typing import Sequence

from iomviewer import __version__

EXIT_OK, EXIT_NOT_FOUND, EXIT_BAD_INPUT = 0, 1, 2


class UsageError(Exception):
    """Bad input from the user: one clear sentence, exit 2."""


class _Parser(argparse.ArgumentParser):
    # argparse calls sys.exit on errors; raise instead so main() stays in charge.
    def error(self, message: str):  # type: ignore[override]
        raise UsageError(f"{self.prog} : {message}")


def _add_data(p: argparse.ArgumentParser, edition: bool = True) -> None:
    # SUPPRESS: a subcommand that is not given --data must not reset the value
    # that may have been given before the subcommand.
    p.add_argument("--data", metavar="FILE", default=argparse.SUPPRESS, help="autre jeu de données (JSON)")
    if edition:
        p.add_argument("--edition", metavar="ID", default=argparse.SUPPRESS, help="édition (par défaut : la plus récente complète)")


# The subcommands, as the parser knows them.
COMMANDS = ("editions", "list", "show", "search", "validate", "diff", "export")


def build_parser(commands: bool = True) -> argparse.ArgumentParser:
    """The command line's parser; without its subcommands when commands is False.

    Declaring the seven subcommands costs 15 ms, a tenth of the window's
    whole start-up budget, so a start without any of them skips it.
    """
    parser = _Parser(
        prog="iomviewer",
        description="Explorer l'organisation de l'OIM : arbre, organigramme, mandats, recherche et export.",
    )
    parser.add_argument("--version", action="version", version=f"iomviewer {__version__}")
    parser.add_argument("--data", metavar="FILE", help="autre jeu de données (JSON)")
    parser.add_argument("--edition", metavar="ID", help="édition à ouvrir")
    parser.add_argument("--select", metavar="UNIT", help="unité à sélectionner (identifiant ou nom)")
    parser.add_argument("--lang", choices=("fr", "en"), help="langue de l'interface")
    parser.add_argument("--compare", nargs=2, metavar=("A", "B"), help="ouvrir la comparaison de deux éditions")
    parser.add_argument("--smoke-test", action="store_true", help="ouvrir la fenêtre, attendre qu'elle soit dessinée, puis quitter")
    parser.add_argument("-v", "--verbose", action="store_true", help="journal détaillé sur stderr")
    if not commands:
        parser.set_defaults(command=None)
        return parser
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=_Parser)

    p = sub.add_parser("editions", help="lister les éditions")
    _add_data(p, edition=False)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("list", help="lister les unités d'une édition")
    _add_data(p)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("show", help="afficher une unité")
    p.add_argument("unit", metavar="UNIT", help="identifiant ou nom de l'unité")
    _add_data(p)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("search", help="rechercher une unité par nom, sigle ou mandat")
    p.add_argument("query", metavar="QUERY")
    p.add_argument("--limit", type=int, default=20, metavar="N")
    _add_data(p)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("validate", help="valider un fichier de données")
    p.add_argument("file", metavar="FILE")

    p = sub.add_parser("diff", help="comparer deux éditions")
    p.add_argument("a", metavar="EDITION_A")
    p.add_argument("b", metavar="EDITION_B")
    _add_data(p, edition=False)
    p.add_argument("--json", action="store_true")
    p.add_argument("--format", choices=("text", "json", "md", "csv", "pdf"), default=None)
    p.add_argument("-o", "--output", metavar="FILE", help="écrire dans un fichier plutôt que sur la sortie standard")

    p = sub.add_parser("export", help="exporter l'organigramme en SVG, PDF ou PNG")
    p.add_argument("output", metavar="OUTPUT", help="fichier à écrire ; son suffixe donne le format")
    _add_data(p)
    p.add_argument("--format", choices=("svg", "pdf", "png"), help="format (par défaut : celui du suffixe)")
    p.add_argument("--root", metavar="UNIT", help="racine de la branche à exporter (identifiant ou nom)")
    p.add_argument("--depth", type=int, metavar="N", help="nombre de niveaux sous la racine (par défaut : tous)")
    p.add_argument("--page", choices=("fit", "a4", "a3", "letter", "slide"), default="fit")
    orientation = p.add_mutually_exclusive_group()
    orientation.add_argument("--landscape", dest="landscape", action="store_const", const=True, default=None)
    orientation.add_argument("--portrait", dest="landscape", action="store_const", const=False)
    p.add_argument("--title", metavar="TEXT", help="titre (par défaut : l'organisation et l'édition ; \"\" pour aucun)")
    p.add_argument("--no-legend", dest="legend", action="store_false")
    p.add_argument("--screen-layout", action="store_true",
                   help="sur une page nommée, garder la disposition de l'écran (dot) plutôt que "
                        "la composer pour la page (plus lisible)")
    p.add_argument("--dpi", type=int, default=150, metavar="N", help="résolution PNG (par défaut 150)")
    p.add_argument("--transparent", action="store_true", help="fond transparent (PNG)")
    p.add_argument("--direction", choices=("TB", "LR"), default="TB", help="de haut en bas ou de gauche à droite")
    p.add_argument("--links", action="store_true", help="dessiner aussi les liens secondaires (supervision, appui…)")
    p.add_argument("--pages-per-branch", action="store_true", help="PDF : une page par branche après une vue d'ensemble")
    p.add_argument("--mandates", action="store_true", help="PDF : annexe des mandats des unités montrées")
    p.add_argument("--compare", nargs=2, metavar=("A", "B"),
                   help="organigramme de la comparaison de deux éditions (changements marqués, légende)")
    p.add_argument("--fold-unchanged", action="store_true",
                   help="avec --compare : replier les branches où rien n'a changé")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        # Any word that may be a subcommand, or --help, gets the whole parser.
        commands = any(a in COMMANDS or a in ("-h", "--help") for a in argv)
        try:
            args = build_parser(commands).parse_args(argv)
        except UsageError:
            if commands:
                raise
            args = build_parser().parse_args(argv)  # its message knows the subcommands
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    except SystemExit as exc:  # --help / --version
        return int(exc.code or 0)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if args.command is None:
        from iomviewer.core.memory import CollectorPause

        # The window's start (PySide's types and enums, our modules, the data,
        # the widgets) makes objects that live as long as the window; the
        # collections that walked them as they piled up took ~20 ms of a
        # ~300 ms start.  The window ends this pause once drawn (run_gui),
        # freezing what its start made; it leaves ~100 unreachable objects.
        start_pause = CollectorPause()
        try:
            from iomviewer.pyside_bytecode import import_pyside

            import_pyside()  # before anything imports PySide6: see pyside_bytecode.py
            from iomviewer.ui.app import run_gui  # Qt only when the window is wanted

            return run_gui(args, start_pause)
        finally:
            start_pause.end()

    from iomviewer import commands

    handler = getattr(commands, "cmd_" + args.command)
    drawing = args.command in ("export", "diff")
    if drawing:
        from iomviewer.chart import dot

        dot.use_helper_process(True)  # a Graphviz abort on a page must not end the command
    try:
        return handler(args)
    except commands.CommandError as exc:
        print(str(exc), file=sys.stderr)
        return exc.code
    except BrokenPipeError:  # `iomviewer list | head`
        return EXIT_OK
    finally:
        if drawing:
            dot.shutdown()
            dot.use_helper_process(False)

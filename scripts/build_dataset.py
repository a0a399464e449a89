"""Build data/iom.json from the five French source pages in ../shared/seeds.

Every name, alias, mention, mandate paragraph and quoted piece of evidence is
read from a seed file by line number, so the dataset cannot drift from the
texts: a literal written below is only a key that must be found in the cited
line, and the build stops if it is not.  The only changes made to the text are
the ones data/README.md lists (whitespace, extraction glue, the trailing
"En savoir plus" link label).

    python scripts/build_dataset.py                 # write data/iom.json
    python scripts/build_dataset.py --stats         # and print counts per edition and kind
    python scripts/build_dataset.py --check         # exit 1 if data/iom.json is stale
    python scripts/build_dataset.py --seeds DIR --output FILE
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Union

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SEEDS = REPO.parent / "shared" / "seeds"
DEFAULT_OUTPUT = REPO / "data" / "iom.json"
SCHEMA = REPO / "data" / "schema.json"

# The seed files, by the short key used in the spec.  The hashes pin the exact
# text the line numbers below refer to: a changed page must be re-read, not
# silently mis-cited.
FILES = {
    "000": ("000_28dabc39651f1120.txt", "e2354e3bcf33ccc0ab160b65e40f727447c1acf9d83abf10b5b24aa41935d829"),
    "001": ("001_8f9e55a377d4de2a.txt", "ceda4ddf17b02ae7a6b2dcc10e17a961c9b5732cc86ecf55e51215229d5a63a6"),
    "002": ("002_a0d6eda0df0714d6.txt", "ab3ce14e20dfbae7bf4a685841b80ae052344be8fbdaee3e36f3739c8b415c59"),
    "003": ("003_15142e0be5cf0e89.txt", "aa2b3de0b81cd781426e5ccae3b0b3a7e80aa8bd2e699579e03b4f844bc17298"),
    "004": ("004_36cd02f7be1e11a4.txt", "153a605aa4a9b4ad64890c7690b4b3f10b756246c49a7870a0345c22062720ff"),
}

# Extraction glue: a page heading fused to the start or the end of a line by
# the text extraction.  It is not part of the paragraph and is cut off.
GLUE = {
    ("002", 3): ("prefix", "Qui sommes nous"),
    ("003", 3): ("prefix", "Qui sommes nous"),
    ("003", 88): ("suffix", "Unité du développement durable"),
}
# The web pages end many paragraphs with a link labelled "En savoir plus"
# (read more); it is navigation, not mandate text.
READ_MORE = re.compile(r"\s*En savoir plus$")
BULLET = re.compile(r"^(?:-|\d+\.)\s+")
# A sentence ends with . ! ? and the next one starts with a capital or a quote.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŒ«])")


class SpecError(Exception):
    """The spec cites something the seed text does not contain."""


def norm(text: str) -> str:
    """Collapse every run of whitespace (NBSP and thin spaces too) to one space."""
    return " ".join(text.split())


# --- reading the seeds -------------------------------------------------------

class Texts:
    """The seed files as numbered lines (1-based, as `cat -n` shows them)."""

    def __init__(self, seeds: Path) -> None:
        self.lines: dict[str, list[str]] = {}
        for key, (name, digest) in FILES.items():
            path = seeds / name
            try:
                raw = path.read_bytes()
            except FileNotFoundError:
                raise SpecError(f"seed file not found: {path}") from None
            if hashlib.sha256(raw).hexdigest() != digest:
                raise SpecError(f"{name} is not the text this spec was written for (SHA-256 differs); "
                                "re-read it and update the line numbers and FILES")
            text = raw.decode("utf-8")
            lines = text.split("\n")
            if lines and lines[-1] == "":
                lines.pop()
            self.lines[key] = lines

    def raw(self, f: str, n: int) -> str:
        try:
            return norm(self.lines[f][n - 1])
        except IndexError:
            raise SpecError(f"{f}: no line {n}") from None

    def clean(self, f: str, n: int) -> str:
        text = self.raw(f, n)
        glue = GLUE.get((f, n))
        if glue:
            where, piece = glue
            ok = text.startswith(piece) if where == "prefix" else text.endswith(piece)
            if not ok:
                raise SpecError(f"{f}:{n}: expected glue {piece!r} at the {where}")
            text = text[len(piece):] if where == "prefix" else text[: -len(piece)]
        return READ_MORE.sub("", text).strip()

    def paragraph(self, f: str, n: int) -> str:
        text = self.clean(f, n)
        if not text:
            raise SpecError(f"{f}:{n}: empty paragraph")
        return text

    def find(self, f: str, n: int, piece: str) -> str:
        piece = norm(piece)
        if piece not in self.raw(f, n):
            raise SpecError(f"{f}:{n}: {piece!r} not found in the line")
        return piece

    def sentence(self, f: str, n: int, containing: str) -> str:
        hits = [s for s in SENTENCE_END.split(self.clean(f, n)) if norm(containing) in s]
        if len(hits) != 1:
            raise SpecError(f"{f}:{n}: {len(hits)} sentences contain {containing!r}")
        return hits[0]

    def item(self, f: str, n: int) -> str:
        text = BULLET.sub("", self.raw(f, n))
        if not text:
            raise SpecError(f"{f}:{n}: empty list item")
        return text


# --- the spec vocabulary -----------------------------------------------------

@dataclass(frozen=True)
class Sentence:
    """The one sentence of line `line` that contains `containing`."""
    line: int
    containing: str


@dataclass(frozen=True)
class Item:
    """A list item line, without its bullet or number."""
    line: int


@dataclass(frozen=True)
class Q:
    """A verbatim quotation, rendered « text » (file, l. n)."""
    file: str
    line: int
    text: str


@dataclass(frozen=True)
class QS:
    """A whole sentence quoted: the one of the line that contains `containing`."""
    file: str
    line: int
    containing: str


Evidence = tuple[Union[str, Q, QS], ...]


@dataclass(frozen=True)
class A:
    """An alias found in `line` of `file` (default: the unit's file)."""
    text: str
    line: int
    file: str | None = None


@dataclass(frozen=True)
class L:
    """A secondary link, with evidence and the lines it rests on."""
    type: str
    target: str
    evidence: Evidence
    file: str
    lines: tuple[int, ...]


@dataclass(frozen=True)
class U:
    """One unit.  `at`: line(s) that name it (the name must be in one of them);
    `mandate`: its paragraphs, by line; `mention`: for a unit named only inside
    another paragraph or a list.  Source lines = at + mandate + mention line."""
    id: str
    kind: str
    parent: str | None
    name: str
    file: str
    at: tuple[int, ...]
    mandate: tuple[int, ...] = ()
    mention: Sentence | Item | None = None
    aliases: tuple[A, ...] = ()
    acronym: str | None = None
    links: tuple[L, ...] = ()


def unit(uid, kind, parent, name, file, at, mandate=(), mention=None, aliases=(), acronym=None, links=()) -> U:
    at = (at,) if isinstance(at, int) else tuple(at)
    return U(uid, kind, parent, name, file, at, tuple(mandate), mention, tuple(aliases), acronym, tuple(links))


def headed(uid, kind, parent, name, file, n, **kw) -> U:
    """The common layout: a heading line naming the unit, its paragraph next."""
    return unit(uid, kind, parent, name, file, n, mandate=(n + 1,), **kw)


def named_in(uid, kind, parent, name, file, n, containing, **kw) -> U:
    """A unit named inside a sentence of line n (a list in running text)."""
    return unit(uid, kind, parent, name, file, n, mention=Sentence(n, containing), **kw)


def listed(uid, kind, parent, name, file, n, **kw) -> U:
    """A unit that is one item of a bulleted list."""
    return unit(uid, kind, parent, name, file, n, mention=Item(n), **kw)


# --- edition 1: dcip-2011 (000, 001) -----------------------------------------

GB_2011 = Sentence(16, "Comité exécutif")

DCIP_2011 = [
    # The root's name is not in 000 or 001: it is cited from 003.
    unit("oim", "organisation", None, "Organisation internationale pour les migrations", "003", 3, acronym="OIM"),
    unit("conseil", "governing_body", "oim", "Conseil", "000", 16, mention=GB_2011),
    unit("comite-executif", "governing_body", "oim", "Comité exécutif", "000", 16, mention=GB_2011),
    unit("comite-permanent-programmes-finances", "governing_body", "oim",
         "Comité permanent des programmes et des finances", "000", 16, mention=GB_2011),
    unit("dept-relations-exterieures", "department", "oim",
         "Département de la coopération internationale et des partenariats", "000", 3, mandate=(3, 5),
         aliases=[A("Coopération internationale et des partenariats", 1)]),
    unit("secretariat-organes-directeurs", "division", "dept-relations-exterieures",
         "Division des organes directeurs", "000", 9, mandate=(16,)),
    unit("division-partenariats-internationaux", "division", "dept-relations-exterieures",
         "Division des partenariats internationaux", "000", 10, mandate=(18,)),
    unit("unite-medias-communication", "division", "dept-relations-exterieures",
         "Division Médias et communication", "000", 11, mandate=(20,)),
    unit("division-relations-donateurs", "division", "dept-relations-exterieures",
         "Division des relations avec les donateurs", "000", 12, mandate=(22,)),
    unit("division-recherche-migration", "division", "dept-relations-exterieures",
         "Division de la recherche sur la migration", "000", 13, mandate=(24,)),
    unit("unite-droit-international-migration", "unit", "dept-relations-exterieures",
         "Unité du droit international de la migration", "000", 14, mandate=(26,)),
]


# --- edition 2: structure-2021 (003) -----------------------------------------

F = "003"

# Secondary links of 2021, reused by the 2022 revision where the unit is re-described.
ALT_SIEGE = {
    dept: L("alternative_parent", "siege", (
        "La page ne donne pas de titre de niveau supérieur à ce département : il suit la section ",
        Q(F, 27, "BUREAU EXÉCUTIF"), " et précède ", Q(F, 64, "DIRECTRICE GÉNÉRALE ADJOINTE CHARGÉE DES OPÉRATIONS"),
        ", comme les départements de chaque directrice adjointe suivent son titre ; d’où le rattachement au "
        "Bureau exécutif. Autre lecture : une des structures du Siège ",
        Q(F, 26, "placées sous la responsabilité du Directeur général"), ", hors du Bureau exécutif.",
    ), F, (26, 27, line, 64))
    for dept, line in (("dept-relations-exterieures", 38), ("dept-planification-strategique", 49))
}
SUPPORTS_DDG_2021 = L("supports", "ddg-gestion-reformes", (
    Q(F, 51, "aide le Directeur général adjoint chargé de la gestion et des réformes à mener à bien les réformes "
             "au titre du Cadre de gouvernance interne"), ".",
), F, (51,))
ALT_BE_REGIONAUX = L("alternative_parent", "bureau-executif", (
    Q(F, 21, "Outre le Siège, basé à Genève, la structure organisationnelle de l’OIM est constituée des entités "
             "suivantes :"), " cite les ", Q(F, 23, "Bureaux régionaux"),
    " hors du Siège, d’où le rattachement à l’Organisation. Autre lecture : la page place l’intitulé ",
    Q(F, 37, "Bureaux régionaux et Bureaux spéciaux de liaison"), " dans la section ", Q(F, 27, "BUREAU EXÉCUTIF"), ".",
), F, (21, 23, 27, 37))
ALT_BE_LIAISON = L("alternative_parent", "bureau-executif", (
    "La section ", Q(F, 204, "Bureaux spéciaux de liaison"),
    " suit celle des bureaux régionaux, hors du Siège, d’où le rattachement à l’Organisation. Autre lecture : la page "
    "place l’intitulé ", Q(F, 37, "Bureaux régionaux et Bureaux spéciaux de liaison"), " dans la section ",
    Q(F, 27, "BUREAU EXÉCUTIF"), ".",
), F, (27, 37, 204))


def located_in(centre: str) -> L:
    return L("located_in", centre, (
        Q(F, 162, "contrôle l’Unité de gestion des ressources humaines à Manille et l’Unité chargée des conseils en "
                  "ressources humaines à Panama"), " ; ",
        Q(F, 160, "Il supervise les unités des ressources humaines délocalisées dans les centres administratifs de "
                  "Manille et de Panama"), ".",
    ), F, (160, 162))


PREP = "unités/fonctions suivantes"
HEALTH = "par l’intermédiaire de plusieurs unités"
TALENT = "quatre fonctions distinctes"
TEAMS = "se compose des équipes suivantes"
CENTRES = "les centres administratifs de Manille et de Panama"

STRUCTURE_2021 = [
    unit("oim", "organisation", None, "Organisation internationale pour les migrations", F, 3, mandate=(3,),
         acronym="OIM"),
    named_in("conseil", "governing_body", "oim", "Conseil", F, 34, "prépare et coordonne les sessions du Conseil"),
    named_in("comite-permanent-programmes-finances", "governing_body", "oim",
             "Comité permanent des programmes et des finances", F, 34, "prépare et coordonne les sessions du Conseil"),
    unit("siege", "headquarters", "oim", "Siège", F, 25, mandate=(26,)),
    # -- Bureau exécutif
    unit("bureau-executif", "office", "siege", "Bureau exécutif", F, (27, 29), mandate=(29, 30),
         aliases=[A("BUREAU EXÉCUTIF", 27)]),
    named_in("conseillers-regionaux-principaux", "team", "bureau-executif", "Conseillers régionaux principaux", F, 30,
             "comprend les Conseillers régionaux principaux"),
    headed("unite-medias-communication", "unit", "bureau-executif", "Unité Médias et communication", F, 31),
    headed("secretariat-organes-directeurs", "secretariat", "bureau-executif", "Secrétariat des organes directeurs",
           F, 33),
    headed("envoyes-speciaux", "team", "bureau-executif", "Envoyés spéciaux du Directeur général", F, 35),
    unit("dept-relations-exterieures", "department", "bureau-executif", "Département des relations extérieures", F,
         38, mandate=(40,), links=[ALT_SIEGE["dept-relations-exterieures"]]),
    headed("division-partenariats-internationaux", "division", "dept-relations-exterieures",
           "Division des partenariats internationaux", F, 41),
    headed("division-partenariats-nations-unies", "division", "dept-relations-exterieures",
           "Division des partenariats avec les Nations Unies", F, 43),
    headed("division-relations-donateurs", "division", "dept-relations-exterieures",
           "Division des relations avec les donateurs", F, 45),
    headed("unite-pacte-mondial-migrations", "unit", "dept-relations-exterieures",
           "Unité du Pacte mondial sur les migrations", F, 47),
    unit("dept-planification-strategique", "department", "bureau-executif",
         "Département de la planification stratégique et des résultats institutionnels", F, 49, mandate=(51,),
         links=[SUPPORTS_DDG_2021, ALT_SIEGE["dept-planification-strategique"]]),
    headed("unite-cadre-gouvernance-interne", "unit", "dept-planification-strategique",
           "Unité du Cadre de gouvernance interne", F, 52),
    headed("unite-gestion-risques", "unit", "dept-planification-strategique", "Unité de la gestion des risques", F, 54),
    headed("unite-gestion-axee-resultats", "unit", "dept-planification-strategique",
           "Unité de la gestion axée sur les résultats", F, 56),
    headed("unite-evaluation-centrale", "unit", "dept-planification-strategique", "Unité d’évaluation centrale", F, 58),
    headed("unite-conformite-operationnelle", "unit", "dept-planification-strategique",
           "Unité de la conformité opérationnelle", F, 60),
    headed("unite-prima", "unit", "dept-planification-strategique", "Unité PRIMA", F, 62),
    # -- Directrice générale adjointe chargée des opérations
    unit("ddg-operations", "directorate", "siege", "Directrice générale adjointe chargée des opérations", F,
         (64, 66), mandate=(66,),
         aliases=[A("DIRECTRICE GÉNÉRALE ADJOINTE CHARGÉE DES OPÉRATIONS", 64),
                  A("Directeur général adjoint chargé des opérations", 83)]),
    headed("unite-fonds-developpement", "unit", "ddg-operations", "Unité du Fonds de l’OIM pour le développement", F, 67),
    headed("unite-initiatives-especes", "unit", "ddg-operations", "Unité des initiatives en espèces", F, 69),
    unit("dept-operations-urgence", "department", "ddg-operations",
         "Département des opérations et des situations d’urgence", F, 71, mandate=(73, 74)),
    headed("division-preparation-reponse", "division", "dept-operations-urgence",
           "Division de préparation et de réponse", F, 75),
    named_in("fonction-preparation", "team", "division-preparation-reponse", "Préparation", F, 76, PREP),
    named_in("fonction-intervention-urgence", "team", "division-preparation-reponse", "Intervention d’urgence", F, 76,
             PREP),
    named_in("fonction-coordination-gestion-camps", "team", "division-preparation-reponse",
             "Coordination et gestion des camps", F, 76, PREP),
    named_in("fonction-abris-etablissements", "team", "division-preparation-reponse", "Abris et établissements", F, 76,
             PREP),
    named_in("fonction-eau-assainissement-hygiene", "team", "division-preparation-reponse",
             "Eau, assainissement et hygiène", F, 76, PREP),
    named_in("fonction-appui-division", "team", "division-preparation-reponse", "Appui de la Division", F, 76, PREP),
    headed("division-reinstallations-mouvements", "division", "dept-operations-urgence",
           "Division des réinstallations et de la gestion des mouvements", F, 77),
    unit("dept-coordination-paix-developpement", "department", "ddg-operations",
         "Département de la coordination de la paix et du développement", F, 79, mandate=(81, 82, 83)),
    headed("division-transition-redressement", "division", "dept-coordination-paix-developpement",
           "Division Transition et redressement", F, 84),
    named_in("unite-consolidation-paix-justice-transitionnelle", "unit", "division-transition-redressement",
             "Unité Consolidation de la paix et justice transitionnelle", F, 85, "composée de deux unités"),
    named_in("unite-redressement-solutions-durables", "unit", "division-transition-redressement",
             "Unité Redressement, solutions durables et développement communautaire", F, 85, "composée de deux unités"),
    unit("division-migration-environnement-climat-rrc", "division", "dept-coordination-paix-developpement",
         "Division Migration, environnement, changement climatique et réduction des risques de catastrophe", F, 86,
         mandate=(87, 88)),
    # Its heading is glued to the end of line 88.
    unit("unite-developpement-durable", "unit", "dept-coordination-paix-developpement",
         "Unité du développement durable", F, 88, mandate=(89,)),
    unit("dept-appui-programmes-gestion-migrations", "department", "ddg-operations",
         "Département de l’appui aux programmes et de la gestion des migrations", F, 90, mandate=(92,)),
    headed("unite-coordination-appui-developpement-capacites", "unit", "dept-appui-programmes-gestion-migrations",
           "Unité de coordination et d’appui au développement des capacités", F, 93),
    headed("division-gouvernance-immigration-frontieres", "division", "dept-appui-programmes-gestion-migrations",
           "Division de la gouvernance de l’immigration et des frontières", F, 95),
    headed("division-mobilite-main-oeuvre-inclusion-sociale", "division", "dept-appui-programmes-gestion-migrations",
           "Division Mobilité de la main-d’œuvre et inclusion sociale", F, 97),
    headed("division-migration-sante", "division", "dept-appui-programmes-gestion-migrations",
           "Division Migration et santé", F, 99),
    named_in("unite-conseils-strategiques-partenariats-sante", "unit", "division-migration-sante",
             "Unité des conseils stratégiques et des partenariats en matière de migration et santé", F, 100, HEALTH),
    named_in("unite-evaluations-sanitaires-assistance-voyage", "unit", "division-migration-sante",
             "Unité des évaluations sanitaires dans le contexte migratoire et de l’assistance sanitaire durant le voyage",
             F, 100, HEALTH),
    named_in("unite-promotion-sante-assistance-migrants", "unit", "division-migration-sante",
             "Unité de promotion de la santé et d’assistance sanitaire aux migrants", F, 100, HEALTH),
    named_in("unite-assistance-sanitaire-crise", "unit", "division-migration-sante",
             "Unité d’assistance sanitaire aux populations touchées par une crise", F, 100, HEALTH),
    named_in("unite-migration-vaccination", "unit", "division-migration-sante", "Unité Migration et vaccination", F,
             100, HEALTH),
    named_in("unite-appui-sante-migration", "unit", "division-migration-sante",
             "Unité mondiale d’appui à la santé dans le contexte migratoire", F, 100, HEALTH),
    named_in("unite-informatique-sanitaire", "unit", "division-migration-sante",
             "Unité Informatique sanitaire dans le domaine migratoire", F, 100, HEALTH),
    named_in("unite-sante-mentale-soutien-psychosocial", "unit", "division-migration-sante",
             "Unité Santé mentale et soutien psychosocial", F, 100, HEALTH),
    headed("division-protection", "division", "dept-appui-programmes-gestion-migrations", "Division de la protection",
           F, 101),
    unit("dept-politiques-recherche", "department", "ddg-operations", "Département des politiques et de la recherche",
         F, 103, mandate=(105, 106)),
    headed("unite-coordination-politiques", "unit", "dept-politiques-recherche", "Unité de la coordination des politiques",
           F, 107),
    # The heading reads "La Division de la recherche sur la migration".
    headed("division-recherche-migration", "division", "dept-politiques-recherche",
           "Division de la recherche sur la migration", F, 109),
    headed("unite-droit-international-migration", "unit", "dept-politiques-recherche",
           "Unité du droit international de la migration", F, 111),
    headed("unite-innovation-gestion-connaissances", "unit", "dept-politiques-recherche",
           "Unité Innovation et gestion des connaissances", F, 113),
    unit("institut-mondial-donnees", "institute", "ddg-operations", "Institut mondial des données", F, 115,
         mandate=(117,)),
    headed("matrice-suivi-deplacements", "team", "institut-mondial-donnees", "Matrice de suivi des déplacements", F, 118),
    headed("centre-mondial-analyse-donnees-migration", "centre", "institut-mondial-donnees",
           "Centre mondial d’analyse des données sur la migration", F, 120),
    # -- Directrice générale adjointe chargée de la gestion et des réformes
    unit("ddg-gestion-reformes", "directorate", "siege",
         "Directrice générale adjointe chargée de la gestion et des réformes", F, (122, 124), mandate=(124,),
         aliases=[A("DIRECTRICE GÉNÉRALE ADJOINTE CHARGÉE DE LA GESTION ET DES RÉFORMES", 122),
                  A("Directeur général adjoint chargé de la gestion et des réformes", 51)]),
    headed("unite-genre-diversite", "unit", "ddg-gestion-reformes", "Unité Genre et diversité", F, 125),
    headed("unite-prevention-exploitation-harcelement-sexuels", "unit", "ddg-gestion-reformes",
           "Unité Prévention et réponse à l’exploitation et aux atteintes sexuelles et au harcèlement sexuel", F, 127),
    headed("bureau-securite-personnel", "office", "ddg-gestion-reformes", "Bureau de la sécurité du personnel", F, 129),
    headed("bureau-deontologie", "office", "ddg-gestion-reformes", "Bureau de la déontologie", F, 131),
    headed("unite-durabilite-environnementale", "unit", "ddg-gestion-reformes", "Unité de la durabilité environnementale",
           F, 133),
    headed("unite-batiment-siege", "unit", "ddg-gestion-reformes", "Unité du bâtiment du Siège", F, 135),
    headed("unite-medecine-travail", "unit", "ddg-gestion-reformes", "Unité de médecine du travail", F, 137),
    unit("dept-gestion-financiere-administrative", "department", "ddg-gestion-reformes",
         "Département de la gestion financière et administrative", F, 139, mandate=(141, 142, 143)),
    headed("division-finances-comptabilite", "division", "dept-gestion-financiere-administrative",
           "Division Finances et comptabilité", F, 144),
    named_in("equipe-publication-donnees-iita", "team", "division-finances-comptabilite",
             "équipe qui gère le processus de publication des données de l’OIM sur la plateforme de l’Initiative "
             "internationale pour la transparence (IITA)", F, 145, "elle héberge l’équipe",
             links=[L("hosted_by", "division-finances-comptabilite", (
                 Q(F, 145, "elle héberge l’équipe qui gère le processus de publication des données de l’OIM"), "."),
                 F, (145,))]),
    headed("division-budget", "division", "dept-gestion-financiere-administrative", "Division du budget", F, 146),
    headed("division-tresorerie", "division", "dept-gestion-financiere-administrative", "Division de la trésorerie", F,
           148),
    headed("division-chaine-approvisionnement", "division", "dept-gestion-financiere-administrative",
           "Division de la chaîne d’approvisionnement", F, 150),
    headed("unite-appui-interventions-urgence", "unit", "dept-gestion-financiere-administrative",
           "Unité d’appui aux interventions d’urgence", F, 152),
    headed("unite-services-communs", "unit", "dept-gestion-financiere-administrative", "Unité des services communs", F,
           154),
    headed("unite-coordination-voyages", "unit", "dept-gestion-financiere-administrative",
           "Unité de coordination des voyages du personnel", F, 156),
    unit("dept-gestion-ressources-humaines", "department", "ddg-gestion-reformes",
         "Département de la gestion des ressources humaines", F, 158, mandate=(160,)),
    headed("unite-services-consultatifs-rh", "unit", "dept-gestion-ressources-humaines",
           "Unité des services consultatifs et de gestion des ressources humaines", F, 161),
    named_in("unite-rh-manille", "unit", "unite-services-consultatifs-rh",
             "Unité de gestion des ressources humaines à Manille", F, 162, "contrôle l’Unité de gestion",
             links=[located_in("centre-administratif-manille")]),
    named_in("unite-rh-panama", "unit", "unite-services-consultatifs-rh",
             "Unité chargée des conseils en ressources humaines à Panama", F, 162, "contrôle l’Unité de gestion",
             links=[located_in("centre-administratif-panama")]),
    headed("unite-politique-rh", "unit", "dept-gestion-ressources-humaines", "Unité Politique de ressources humaines",
           F, 163),
    headed("unite-structuration-classement", "unit", "dept-gestion-ressources-humaines",
           "Unité de la structuration organisationnelle et du classement", F, 165),
    headed("unite-gestion-integree-talents", "unit", "dept-gestion-ressources-humaines",
           "Unité de la gestion intégrée des talents", F, 167),
    named_in("fonction-perfectionnement-formation", "team", "unite-gestion-integree-talents",
             "perfectionnement et formation du personnel", F, 168, TALENT),
    named_in("fonction-dotation-recrutement", "team", "unite-gestion-integree-talents",
             "dotation en effectifs et recrutement", F, 168, TALENT),
    named_in("fonction-diversite-inclusion", "team", "unite-gestion-integree-talents", "diversité et inclusion", F, 168,
             TALENT),
    named_in("fonction-carrieres-resultats", "team", "unite-gestion-integree-talents",
             "organisation des carrières et gestion des résultats", F, 168, TALENT),
    headed("unite-bien-etre-personnel", "unit", "dept-gestion-ressources-humaines", "Unité du bien-être du personnel",
           F, 169),
    unit("dept-tic", "department", "ddg-gestion-reformes",
         "Département des technologies de l’information et de la communication", F, 171, mandate=(173,)),
    headed("unite-architecture-technologie-entreprise", "unit", "dept-tic",
           "Unité Architecture et technologie d’entreprise", F, 174),
    named_in("equipe-architecture-entreprise", "team", "unite-architecture-technologie-entreprise",
             "Architecture d’entreprise", F, 175, TEAMS),
    named_in("equipe-infrastructure", "team", "unite-architecture-technologie-entreprise", "Infrastructure", F, 175,
             TEAMS),
    named_in("equipe-plateformes-operations", "team", "unite-architecture-technologie-entreprise",
             "Plateformes et opérations", F, 175, TEAMS),
    named_in("equipe-appui-mondial-utilisateurs", "team", "unite-architecture-technologie-entreprise",
             "Appui mondial aux utilisateurs", F, 175, TEAMS),
    headed("unite-securite-numerique", "unit", "dept-tic", "Unité de la sécurité numérique", F, 176),
    named_in("equipe-architecture-securite", "team", "unite-securite-numerique", "Architecture de la sécurité", F, 177,
             TEAMS),
    named_in("equipe-centre-operations-securite", "team", "unite-securite-numerique",
             "Centre des opérations de sécurité", F, 177, TEAMS),
    named_in("equipe-gestion-identite-acces", "team", "unite-securite-numerique", "Gestion de l’identité et de l’accès",
             F, 177, TEAMS),
    headed("unite-applications-solutions", "unit", "dept-tic", "Unité Applications et solutions", F, 178),
    named_in("centre-excellence-numerique", "centre", "unite-applications-solutions",
             "centre d’excellence numérique d’ICT", F, 179, "qui comprend le centre d’excellence numérique"),
    named_in("equipe-solutions-migrants", "team", "unite-applications-solutions", "Solutions pour migrants", F, 179,
             TEAMS),
    named_in("equipe-solutions-entreprise-planification", "team", "unite-applications-solutions",
             "Solutions d’entreprise et de planification des ressources", F, 179, TEAMS),
    named_in("equipe-analyse-donnees-informatique-decisionnelle", "team", "unite-applications-solutions",
             "Analyse des données et informatique décisionnelle", F, 179, TEAMS),
    headed("unite-strategie-risques-gouvernance-informatiques", "unit", "dept-tic",
           "Unité Stratégie, gestion des risques et gouvernance informatiques", F, 180),
    named_in("equipe-strategie-politique-gouvernance-informatiques", "team",
             "unite-strategie-risques-gouvernance-informatiques", "Stratégie, politique et gouvernance informatiques", F,
             181, TEAMS),
    named_in("equipe-gestion-changement-informatique", "team", "unite-strategie-risques-gouvernance-informatiques",
             "Gestion du changement informatique", F, 181, TEAMS),
    named_in("equipe-achats-contrats-informatiques", "team", "unite-strategie-risques-gouvernance-informatiques",
             "Achats et gestion des contrats informatiques", F, 181, TEAMS),
    unit("dept-affaires-juridiques", "department", "ddg-gestion-reformes", "Département des affaires juridiques", F,
         182, mandate=(184,)),
    unit("division-droit-institutionnel", "division", "dept-affaires-juridiques", "Division du droit institutionnel", F,
         185, mandate=(186,), aliases=[A("Division du droit institutionnel et de l’appui aux programmes", 186)]),
    headed("division-droit-commun-administratif", "division", "dept-affaires-juridiques",
           "Division Droit commun et administratif", F, 187),
    headed("division-droit-contrats", "division", "dept-affaires-juridiques", "Division du droit des contrats", F, 189),
    unit("centres-administratifs", "group", "ddg-gestion-reformes", "Centres administratifs", F, 191, mandate=(192,),
         links=[L("alternative_parent", "oim", (
             "Rattachement principal : ", Q(F, 192, "placés sous l’autorité de la Directrice générale adjointe chargée "
                                                    "de la gestion et des réformes"),
             ". Autre lecture : ", Q(F, 21, "Outre le Siège, basé à Genève, la structure organisationnelle de l’OIM est "
                                            "constituée des entités suivantes :"), " cite les ",
             Q(F, 22, "Centres administratifs"), " comme une entité distincte du Siège, au même rang que les bureaux "
             "régionaux et les bureaux de pays.",
         ), F, (21, 22, 192))]),
    named_in("centre-administratif-manille", "administrative_centre", "centres-administratifs", "Manille", F, 124,
             CENTRES),
    named_in("centre-administratif-panama", "administrative_centre", "centres-administratifs", "Panama", F, 124,
             CENTRES),
    # -- Outside the Siège
    unit("bureaux-regionaux", "group", "oim", "Bureaux régionaux", F, 193, mandate=(194,), links=[ALT_BE_REGIONAUX]),
    listed("bureau-regional-bangkok", "regional_office", "bureaux-regionaux", "Bureau régional de Bangkok (Thaïlande)",
           F, 195),
    listed("bureau-regional-bruxelles", "regional_office", "bureaux-regionaux", "Bureau régional de Bruxelles (Belgique)",
           F, 196),
    listed("bureau-regional-vienne", "regional_office", "bureaux-regionaux", "Bureau régional de Vienne (Autriche)", F,
           197),
    listed("bureau-regional-buenos-aires", "regional_office", "bureaux-regionaux",
           "Bureau régional de Buenos Aires (Argentine)", F, 198),
    listed("bureau-regional-san-jose", "regional_office", "bureaux-regionaux", "Bureau régional de San José (Costa Rica)",
           F, 199),
    listed("bureau-regional-caire", "regional_office", "bureaux-regionaux", "Bureau régional du Caire (Égypte)", F, 200),
    listed("bureau-regional-dakar", "regional_office", "bureaux-regionaux", "Bureau régional de Dakar (Sénégal)", F, 201),
    listed("bureau-regional-nairobi", "regional_office", "bureaux-regionaux", "Bureau régional de Nairobi (Kenya)", F,
           202),
    listed("bureau-regional-pretoria", "regional_office", "bureaux-regionaux",
           "Bureau régional de Pretoria (Afrique du Sud)", F, 203),
    unit("bureaux-speciaux-liaison", "group", "oim", "Bureaux spéciaux de liaison", F, 204, mandate=(205,),
         links=[ALT_BE_LIAISON]),
    listed("bureau-liaison-addis-abeba", "liaison_office", "bureaux-speciaux-liaison",
           "Bureau spécial de liaison à Addis-Abeba (Éthiopie)", F, 206),
    listed("bureau-onu-new-york", "liaison_office", "bureaux-speciaux-liaison",
           "Bureau de l’OIM auprès des Nations Unies à New York (États-Unis d’Amérique)", F, 207),
    unit("bureaux-de-pays", "group", "oim", "Bureaux de pays", F, 208, mandate=(209,)),
    unit("bureaux-pays-mobilisation-ressources", "group", "bureaux-de-pays",
         "Bureaux de pays à fonctions de mobilisation des ressources", F, 210, mandate=(212,)),
    unit("bureaux-pays-coordination", "group", "bureaux-de-pays", "Bureaux de pays à fonctions de coordination", F, 213,
         mandate=(215,)),
    listed("bureau-pays-nour-soultan", "country_office", "bureaux-pays-coordination", "Nour-Soultan (Kazakhstan)", F, 216),
    listed("bureau-pays-canberra", "country_office", "bureaux-pays-coordination", "Canberra (Australie)", F, 217),
    listed("bureau-pays-bridgetown", "country_office", "bureaux-pays-coordination", "Bridgetown (Barbade)", F, 218),
    listed("bureau-pays-rome", "country_office", "bureaux-pays-coordination", "Rome (Italie)", F, 219),
    listed("bureau-pays-copenhague", "country_office", "bureaux-pays-coordination", "Copenhague (Danemark)", F, 220),
    listed("bureau-pays-beijing", "country_office", "bureaux-pays-coordination", "Beijing (Chine)", F, 221),
    named_in("fonction-coordination-asie-sud", "team", "bureau-regional-bangkok",
             "fonction de coordination couvrant l’Asie du Sud", F, 222, "héberge une fonction de coordination",
             links=[
                 L("hosted_by", "bureau-regional-bangkok", (QS(F, 222, "héberge une fonction de coordination"),), F,
                   (222,)),
                 L("alternative_parent", "bureaux-pays-coordination", (
                     "La phrase suit la liste des ", Q(F, 213, "Bureaux de pays à fonctions de coordination"),
                     " : autre lecture, une fonction de coordination sous-régionale parmi celles de ces bureaux.",
                 ), F, (213, 222)),
             ]),
    unit("comites-coordination", "group", "oim", "Comités de coordination", F, 223, mandate=(224,)),
    headed("comite-coordination-politiques", "committee", "comites-coordination", "Comité de coordination des politiques",
           F, 225),
    unit("comites-regionaux-coordination-politiques", "committee", "comites-coordination",
         "comités régionaux de coordination des politiques", F, 227, mandate=(227,)),
    headed("comite-coordination-gestion", "committee", "comites-coordination", "Comité de coordination de la gestion",
           F, 228),
    unit("comite-consultatif-audit-surveillance", "committee", "oim",
         "Comité consultatif pour les questions d’audit et de surveillance", F, 230, mandate=(231, 232),
         links=[L("alternative_parent", "comites-coordination", (
             "La page le présente à la suite des comités de coordination, comme un troisième comité ; mais le texte "
             "n’en annonce que ", Q(F, 224, "deux comités de coordination"),
             ", d’où le rattachement principal à l’Organisation.",
         ), F, (224, 230))]),
]


# --- edition 3: revision-2022 (004 on top of 003) ----------------------------

G = "004"
ON_BEHALF = L("supervised_on_behalf_of", "bureau-chef-cabinet",
              (QS(G, 9, "supervise directement le bureau exécutif"),), G, (9,))
SUPPORTS_DDG_2022 = L("supports", "ddg-gestion-reformes", (
    Q(G, 33, "aide le Directeur général adjoint chargé de la gestion et des réformes à mener à bien les réformes "
             "au titre du Cadre de gouvernance interne"), ".",
), G, (33,))


def heading2(uid, kind, parent, name, n, **kw) -> U:
    """004's layout: heading, blank line, paragraph."""
    return unit(uid, kind, parent, name, G, n, mandate=(n + 2,), **kw)


REVISION_2022 = [
    unit("bureau-executif", "office", "bureau-chef-cabinet", "Bureau exécutif", G, 1, mandate=(1, 3),
         aliases=[A("BUREAU EXÉCUTIF", 27, "003"), A("Bureau exécutif du Directeur général de l’OIM", 1)]),
    named_in("conseillers-regionaux-principaux", "team", "bureau-executif", "Conseillers régionaux principaux", G, 3,
             "comprend les Conseillers régionaux principaux"),
    heading2("bureau-chef-cabinet", "office", "siege", "Bureau du chef de cabinet", 7),
    heading2("dept-relations-exterieures", "department", "bureau-executif", "Département des relations extérieures", 11,
             links=[ON_BEHALF, ALT_SIEGE["dept-relations-exterieures"]]),
    heading2("division-partenariats-internationaux", "division", "dept-relations-exterieures",
             "Division des partenariats internationaux", 15),
    heading2("division-partenariats-nations-unies", "division", "dept-relations-exterieures",
             "Division des partenariats avec les Nations Unies", 19),
    heading2("division-relations-donateurs", "division", "dept-relations-exterieures",
             "Division des relations avec les donateurs", 23),
    heading2("unite-pacte-mondial-migrations", "unit", "dept-relations-exterieures",
             "Unité du Pacte mondial sur les migrations", 27),
    heading2("dept-planification-strategique", "department", "bureau-executif",
             "Département de la planification stratégique et des résultats institutionnels", 31,
             links=[ON_BEHALF, SUPPORTS_DDG_2022, ALT_SIEGE["dept-planification-strategique"]]),
    heading2("unite-cadre-gouvernance-interne", "unit", "dept-planification-strategique",
             "Unité du Cadre de gouvernance interne", 35),
    heading2("unite-gestion-risques", "unit", "dept-planification-strategique", "Unité de la gestion des risques", 39),
    heading2("unite-gestion-axee-resultats", "unit", "dept-planification-strategique",
             "Unité de la gestion axée sur les résultats", 43),
    heading2("unite-evaluation-centrale", "unit", "dept-planification-strategique", "Unité d’évaluation centrale", 47),
    heading2("unite-conformite-operationnelle", "unit", "dept-planification-strategique",
             "Unité de la conformité opérationnelle", 51),
    heading2("unite-prima", "unit", "dept-planification-strategique", "Unité PRIMA", 55),
    heading2("unite-medias-communication", "unit", "bureau-executif", "Unité Médias et communication", 59,
             links=[ON_BEHALF]),
    heading2("secretariat-organes-directeurs", "secretariat", "bureau-executif", "Secrétariat des organes directeurs", 63),
    heading2("envoyes-speciaux", "team", "bureau-executif", "Envoyés spéciaux du Directeur général", 67,
             links=[ON_BEHALF]),
    heading2("bureau-liaison-addis-abeba", "liaison_office", "bureaux-speciaux-liaison",
             "Bureau spécial de liaison à Addis-Abeba (Éthiopie)", 71,
             aliases=[A("Bureau de liaison auprès de l'UA à Addis-Abeba", 9)], links=[ON_BEHALF]),
    heading2("bureau-onu-new-york", "liaison_office", "bureaux-speciaux-liaison",
             "Bureau de l’OIM auprès des Nations Unies à New York (États-Unis d’Amérique)", 75,
             aliases=[A("bureau de l'OIM auprès de l'ONU à New York", 9)], links=[ON_BEHALF]),
    heading2("bureaux-regionaux", "group", "oim", "Bureaux régionaux", 79, links=[ALT_BE_REGIONAUX]),
    heading2("bureau-regional-bangkok", "regional_office", "bureaux-regionaux", "Bureau régional de Bangkok (Thaïlande)",
             83),
    named_in("pole-donnees-asie-pacifique", "team", "bureau-regional-bangkok",
             "pôle régional de données pour l’Asie et le Pacifique", G, 85, "gère le pôle régional de données"),
    heading2("bureau-regional-bruxelles", "regional_office", "bureaux-regionaux",
             "Bureau régional de Bruxelles (Belgique)", 87),
    heading2("bureau-regional-vienne", "regional_office", "bureaux-regionaux", "Bureau régional de Vienne (Autriche)", 91),
    heading2("bureau-regional-buenos-aires", "regional_office", "bureaux-regionaux",
             "Bureau régional de Buenos Aires (Argentine)", 95),
    named_in("bureau-envoye-special-venezuela", "office", "bureau-regional-buenos-aires",
             "Bureau de l’Envoyé spécial pour la réponse régionale à la situation au Venezuela", G, 97,
             "Bureau de l’Envoyé spécial",
             links=[L("coordinated_by", "bureau-regional-buenos-aires", (QS(G, 97, "Bureau de l’Envoyé spécial"),), G,
                      (97,))]),
    heading2("bureau-regional-san-jose", "regional_office", "bureaux-regionaux",
             "Bureau régional de San José (Costa Rica)", 99),
    heading2("bureau-regional-caire", "regional_office", "bureaux-regionaux", "Bureau régional du Caire (Égypte)", 103),
    named_in("centre-migration-mixte-afrique-nord", "team", "bureau-regional-caire",
             "centre d’activité sur la migration mixte en Afrique du Nord", G, 105, "Mixed Migration Hub",
             aliases=[A("Mixed Migration Hub", 105)],
             links=[L("hosted_by", "bureau-regional-caire", (
                 Q(G, 105, "y compris en hébergeant le centre d’activité sur la migration mixte en Afrique du Nord "
                           "(Mixed Migration Hub)"), ".",
             ), G, (105,))]),
    heading2("bureau-regional-dakar", "regional_office", "bureaux-regionaux", "Bureau régional de Dakar (Sénégal)", 107),
    heading2("bureau-regional-nairobi", "regional_office", "bureaux-regionaux", "Bureau régional de Nairobi (Kenya)",
             111),
    heading2("bureau-regional-pretoria", "regional_office", "bureaux-regionaux",
             "Bureau régional de Pretoria (Afrique du Sud)", 115),
    named_in("pole-donnees-afrique-australe", "team", "bureau-regional-pretoria",
             "pôle régional de données relatives à la migration pour l’Afrique australe", G, 117,
             "héberge en outre le pôle régional",
             links=[L("hosted_by", "bureau-regional-pretoria", (
                 Q(G, 117, "Le Bureau héberge en outre le pôle régional de données relatives à la migration pour "
                           "l’Afrique australe"), ".",
             ), G, (117,))]),
]


# --- edition 4: menu-2024 (002) ----------------------------------------------

H = "002"
MENU_2024 = [
    unit("oim", "organisation", None, "Organisation internationale pour les migrations", H, 3, mandate=(3,),
         acronym="OIM"),
    listed("directeur-general", "directorate", "oim", "Directrice générale", H, 7),
    listed("ddg-gestion-reformes", "directorate", "oim", "Directrice générale adjointe chargée de la gestion et des réformes",
           H, 8),
    listed("ddg-operations", "directorate", "oim", "Directrice générale adjointe chargée des opérations", H, 9),
    listed("bureau-chef-cabinet", "office", "oim", "Bureau du Chef de Cabinet", H, 10),
    listed("bureau-partenariats-sensibilisation-communication", "office", "oim",
           "Bureau des partenariats, de la sensibilisation et de la communication", H, 11),
    listed("bureau-strategie-performance", "office", "oim",
           "Bureau de la stratégie et de la performance institutionnelle", H, 12),
]


# --- editions ----------------------------------------------------------------

@dataclass(frozen=True)
class Ed:
    id: str
    label: str
    period: tuple[str, int, int]
    sources: tuple[str, ...]
    coverage: str
    coverage_note: str | None
    evidence: tuple[Evidence, ...]
    units: list[U]
    based_on: str | None = None


EXTERNAL = " (connaissance extérieure aux textes)"

EDITIONS = [
    Ed("dcip-2011", "Département de la coopération internationale et des partenariats (vers 2011–2018)",
       ("vers 2011–2018", 2011, 2018), ("000", "001"), "partial",
       "Un seul département — le Département de la coopération internationale et des partenariats, ses cinq "
       "divisions et son unité — et les organes directeurs que son texte nomme. Le reste de la structure de "
       "l’époque n’est dans aucune des sources ; le nom de l’Organisation est repris de 003.",
       (
           ("000 nomme le ", Q("000", 16, "Comité exécutif"), " parmi les organes directeurs. Cet organe a été supprimé "
            "quand les amendements de 1998 à la Constitution de l’OIM sont entrés en vigueur, en novembre 2013"
            + EXTERNAL + " : le texte est antérieur à cette date."),
           ("Le communiqué de mars 2018 reproduit dans 002 est encore signé ",
            Q("002", 43, "Division des organes directeurs, Partenariats et coopération internationale de l’OIM"),
            " : le département et la division existaient encore en 2018."),
           ("001 reprend le même texte sur la page pays de la Tunisie, à côté des chiffres clés : ",
            Q("001", 11, "Par le biais du Département de la coopération internationale et des partenariats"), "."),
           ("L’année de début est approximative : les textes ne datent pas la création du département ; elle suit "
            "la révision structurelle de l’OIM de 2010, qui a mis en place ce département" + EXTERNAL + ".",),
       ),
       DCIP_2011),
    Ed("structure-2021", "Structure détaillée du Siège et des bureaux (vers 2021–2022)",
       ("vers 2021–2022", 2021, 2022), ("003",), "full", None,
       (
           (Q(F, 216, "Nour-Soultan (Kazakhstan)"), " : nom d’Astana de 2019 à 2022" + EXTERNAL + "."),
           ("Une division ", Q(F, 87, "dirige la mise en œuvre de la Stratégie institutionnelle de l’OIM relative à "
                                        "la migration, au changement climatique et à l’environnement 2021-2030"),
            " : le texte date de 2021 au plus tôt ; le cadre cité est la ",
            Q(F, 57, "Vision stratégique de l’OIM pour 2019-2023"), "."),
           ("Un Directeur général et deux adjointes : ",
            Q(F, 26, "placées sous la responsabilité du Directeur général et de la Directrice générale adjointe chargée "
                     "des opérations et de la Directrice générale adjointe chargée de la gestion et des réformes"), "."),
           ("L’Organisation est ", Q(F, 3, "composée de 175 Etats membres"), "."),
       ),
       STRUCTURE_2021),
    Ed("revision-2022", "Révision : Bureau du chef de cabinet et mandats des bureaux régionaux (vers 2022–2023)",
       ("vers 2022–2023", 2022, 2023), ("003", "004"), "full",
       "004 est une page partielle (Bureau exécutif, Bureau du chef de cabinet et ce qu’il supervise, bureaux de "
       "liaison, bureaux régionaux), appliquée sur la structure de 003 : les autres unités sont reprises telles "
       "quelles de l’édition structure-2021.",
       (
           ("004 ajoute le ", Q(G, 7, "Bureau du chef de cabinet"), " comme unité ; dans 003 le Chef de Cabinet n’est "
            "qu’un poste : ", Q(F, 30, "Sous la direction du Chef de Cabinet, le Bureau exécutif aide le Directeur "
                                       "général"), "."),
           ("Nouvelle ligne de supervision : ", Q(G, 9, "Le chef de cabinet supervise directement le bureau exécutif"),
            " ; le premier paragraphe du Bureau exécutif est réécrit : ",
            Q(G, 1, "Sous la direction du Chef de Cabinet, le Bureau exécutif du Directeur général de l’OIM gère "
                    "l’Organisation"), "."),
           ("Les mandats des bureaux régionaux sont donnés : ",
            Q(G, 81, "Une description succincte des neuf bureaux régionaux est donnée ci-après"), "."),
           ("Toujours un Directeur général au masculin : ", Q(G, 9, "au nom du Directeur général"), "."),
           ("Les paragraphes inchangés reprennent mot pour mot ceux de 003, jusqu’à la ",
            Q(G, 45, "Vision stratégique de l’OIM pour 2019-2023"), " : la page est proche de 003 dans le temps."),
       ),
       REVISION_2022, based_on="structure-2021"),
    Ed("menu-2024", "Menu « Structure » du site (vers 2023–2024)", ("vers 2023–2024", 2023, 2024), ("002",), "partial",
       "Le menu « Structure » du site : la Directrice générale, ses deux adjointes et trois bureaux, sans hiérarchie "
       "ni mandats. Le menu est plat : toutes les entrées sont rattachées directement à l’Organisation, ce qui ne dit "
       "rien des liens réels entre elles.",
       (
           (Q(H, 7, "Directrice générale"), " au féminin : la première femme Directrice générale de l’OIM a pris ses "
            "fonctions en octobre 2023" + EXTERNAL + "."),
           (Q(H, 11, "Bureau des partenariats, de la sensibilisation et de la communication"), " et ",
            Q(H, 12, "Bureau de la stratégie et de la performance institutionnelle"),
            " n’apparaissent dans aucune des pages plus anciennes."),
           ("L’Organisation est ", Q(H, 3, "composée de 175 Etats membres et présente dans 171 pays"), "."),
       ),
       MENU_2024),
]
DEFAULT_EDITION = "revision-2022"


# --- history -----------------------------------------------------------------

@dataclass(frozen=True)
class Hist:
    unit: str
    type: str
    from_edition: str
    to_edition: str
    evidence: Evidence
    sources: tuple[tuple[str, tuple[int, ...]], ...]


HISTORY = [
    Hist("dept-relations-exterieures", "succession", "dcip-2011", "structure-2021", (
        "Le mandat de 2021 reprend celui du département de 2011, phrase pour phrase : ",
        Q(F, 40, "appuie et coordonne les relations de l’Organisation avec ses États Membres, les organisations "
                 "intergouvernementales et la société civile"), " répond à ",
        Q("000", 3, "chargé d’appuyer et de coordonner les relations de l’Organisation avec ses Etats Membres, les "
                    "organisations intergouvernementales, la société civile et les médias"), " ; ",
        Q(F, 40, "son soutien aux processus consultatifs mondiaux et régionaux"), " à ",
        Q("000", 3, "le soutien de l’OIM aux processus consultatifs mondiaux et régionaux"), " ; ",
        Q(F, 40, "les donateurs gouvernementaux, multilatéraux et du secteur privé"), " à ",
        Q("000", 3, "les donateurs gouvernementaux, multilatéraux et ceux du secteur privé"), ". Deux de ses "
        "divisions gardent leur nom : ", Q(F, 41, "Division des partenariats internationaux"), " et ",
        Q(F, 45, "Division des relations avec les donateurs"), ".",
    ), (("000", (3, 10, 12)), (F, (40, 41, 45)))),
    Hist("secretariat-organes-directeurs", "succession", "dcip-2011", "structure-2021", (
        "Mêmes tâches sous un autre nom : ",
        Q("000", 16, "prépare et coordonne les réunions annuelles des organes directeurs de l’OIM, notamment les "
                     "sessions du Conseil, du Comité exécutif et du Comité permanent des programmes et des finances, "
                     "les consultations informelles"), " devient ",
        Q(F, 34, "il prépare et coordonne les sessions du Conseil, du Comité permanent des programmes et des finances "
                 "et de ses groupes de travail, et les consultations informelles"), " ; ",
        Q("000", 16, "traduire les documents et publications officiels de l’OIM dans les trois langues officielles"),
        " devient ", Q(F, 34, "la traduction des documents et publications officiels de l’OIM dans les trois langues "
                              "officielles"), " ; l’IDM reste à sa charge : ",
        Q(F, 34, "Il est également chargé de conceptualiser et d’organiser l’IDM"), ".",
    ), (("000", (16,)), (F, (34,)))),
    Hist("unite-medias-communication", "rename", "dcip-2011", "structure-2021", (
        Q("000", 11, "Division Médias et communication"), " devient ", Q(F, 31, "Unité Médias et communication"),
        ", avec le même rôle : ",
        Q("000", 20, "La Division formule et met en oeuvre une stratégie de communication interne et externe"),
        " ; ", Q(F, 32, "Elle est chargée de la communication de l’Organisation et des médias"),
        ". La division devient une unité du Bureau exécutif.",
    ), (("000", (11, 20)), (F, (31, 32)))),
]


# --- facts -------------------------------------------------------------------

@dataclass(frozen=True)
class Fact:
    key: str
    value: str
    label: str
    file: str
    lines: tuple[int, ...]
    edition: str | None
    note: str | None = None


ICON_NOTE = ("La page ne donne qu’une icône comme libellé (« {icon} ») : ce que mesure le chiffre n’est pas dit. "
             "Le bloc « Chiffres clés (GLOBAL) » n’est pas daté ; il n’est rattaché à aucune édition, car le texte "
             "qu’il accompagne est antérieur à 2013, alors que « 175 » est aussi le nombre d’États membres que "
             "donnent 002 et 003.")

FACTS = [
    Fact("member_states", "175", "États membres", "002", (3,), "menu-2024"),
    Fact("member_states", "175", "États membres", F, (3,), "structure-2021"),
    Fact("countries", "171", "Pays où l’OIM est présente", "002", (3,), "menu-2024"),
    Fact("countries", "plus de 100", "Pays où l’OIM est présente", F, (3,), "structure-2021"),
    Fact("founded", "1951", "Année depuis laquelle l’OIM promeut une migration humaine et ordonnée", "002", (3,),
         "menu-2024"),
    Fact("founded", "1951", "Année depuis laquelle l’OIM promeut une migration humaine et ordonnée", F, (3,),
         "structure-2021"),
    Fact("official_languages", "trois", "Langues officielles de l’Organisation", "000", (16,), "dcip-2011"),
    Fact("official_languages", "trois", "Langues officielles de l’Organisation", F, (34,), "structure-2021"),
] + [
    Fact(f"key_figure_{n}", value, icon, "001", (line - 1, line), None, ICON_NOTE.format(icon=icon))
    for n, (icon, value, line) in enumerate((
        ("Icône carte du monde", "175", 3),
        ("Icône globe et bureaux", "590+", 5),
        ("Icône augmentation", "129%", 7),
        ("Icône avion", "1951", 9),
    ), start=1)
]

SOURCES = [
    ("000", "Coopération internationale et des partenariats",
     "Page du Département de la coopération internationale et des partenariats : son mandat, la liste de ses cinq "
     "divisions et de son unité, et le mandat de chacune."),
    ("001", "Chiffres clés (GLOBAL) — page pays Tunisie",
     "Page pays de la Tunisie : quatre chiffres clés mondiaux signalés par de simples icônes, puis les deux premiers "
     "paragraphes du texte sur le Département de la coopération internationale et des partenariats."),
    ("002", "Qui sommes nous — menu « Structure »",
     "Page « Qui sommes nous » avec le menu « Structure » du site (Directrice générale, deux adjointes, trois bureaux) "
     "suivie d’un communiqué de mars 2018 sur le Dialogue international sur la migration."),
    ("003", "Structure organisationnelle",
     "Page détaillée de la structure : Siège, Bureau exécutif, départements et unités relevant des deux directrices "
     "générales adjointes, centres administratifs, bureaux régionaux, bureaux de liaison, bureaux de pays, comités."),
    ("004", "Bureau exécutif, Bureau du chef de cabinet et bureaux régionaux",
     "Page partielle : Bureau exécutif, Bureau du chef de cabinet et les unités qu’il supervise, bureaux spéciaux de "
     "liaison, et description des neuf bureaux régionaux."),
]


# --- resolving the spec into JSON ---------------------------------------------

def fname(key: str) -> str:
    return FILES[key][0]


def src(key: str, lines: Iterable[int]) -> dict:
    return {"file": fname(key), "lines": list(dict.fromkeys(lines))}


def render(t: Texts, parts: Evidence) -> str:
    out = []
    for part in parts:
        if isinstance(part, Q):
            out.append(f"« {t.find(part.file, part.line, part.text)} » ({part.file}, l. {part.line})")
        elif isinstance(part, QS):
            out.append(f"« {t.sentence(part.file, part.line, part.containing)} » ({part.file}, l. {part.line})")
        else:
            out.append(part)
    return "".join(out)


def unit_json(t: Texts, u: U) -> dict:
    f = u.file
    if not any(norm(u.name) in t.raw(f, n) for n in u.at):
        raise SpecError(f"{u.id}: name {u.name!r} not found in {f} lines {u.at}")
    mention = None
    extra: tuple[int, ...] = ()
    if isinstance(u.mention, Sentence):
        mention = t.sentence(f, u.mention.line, u.mention.containing)
        extra = (u.mention.line,)
    elif isinstance(u.mention, Item):
        mention = t.item(f, u.mention.line)
        extra = (u.mention.line,)
    if mention is not None and norm(u.name) not in mention:
        raise SpecError(f"{u.id}: the mention does not name {u.name!r}")
    return {
        "id": u.id,
        "name": norm(u.name),
        "kind": u.kind,
        "parent": u.parent,
        "aliases": [
            {"text": t.find(a.file or f, a.line, a.text), "source": src(a.file or f, (a.line,))} for a in u.aliases
        ],
        "acronym": u.acronym,
        "mandate": [t.paragraph(f, n) for n in u.mandate],
        "mention": mention,
        "links": [
            {"type": link.type, "target": link.target, "evidence": render(t, link.evidence),
             "source": src(link.file, link.lines)}
            for link in u.links
        ],
        "source": src(f, u.at + u.mandate + extra),
    }


def build(t: Texts) -> dict:
    org_name = t.find(F, 3, "Organisation internationale pour les migrations")
    t.find(F, 3, "(OIM)")
    editions = []
    for ed in EDITIONS:
        label, start, end = ed.period
        record = {
            "id": ed.id,
            "label": ed.label,
            "period": {"label": label, "start": start, "end": end},
            "evidence": [render(t, e) for e in ed.evidence],
            "sources": [fname(k) for k in ed.sources],
            "coverage": ed.coverage,
            "coverage_note": ed.coverage_note,
        }
        if ed.based_on:
            record["based_on"] = ed.based_on
            record["removed"] = []
        record["units"] = [unit_json(t, u) for u in ed.units]
        editions.append(record)
    return {
        "format": "iomviewer-dataset",
        "format_version": 1,
        "organisation": {"name": org_name, "acronym": "OIM"},
        "sources": [{"file": fname(k), "title": title, "description": desc} for k, title, desc in SOURCES],
        "facts": [
            {"key": f.key, "value": t.find(f.file, f.lines[-1], f.value), "label": f.label,
             "source": src(f.file, f.lines), **({"edition": f.edition} if f.edition else {}),
             **({"note": f.note} if f.note else {})}
            for f in FACTS
        ],
        "default_edition": DEFAULT_EDITION,
        "editions": editions,
        "history": [],  # filled once the editions are resolved: the names come from them
    }


def resolve(doc: dict) -> dict[str, list[dict]]:
    """Apply based_on / removed exactly as iomviewer.core.loading does."""
    resolved: dict[str, list[dict]] = {}
    for ed in doc["editions"]:
        if "based_on" not in ed:
            resolved[ed["id"]] = list(ed["units"])
            continue
        units = list(resolved[ed["based_on"]])
        cursor = -1
        for u in ed["units"]:
            index = {x["id"]: i for i, x in enumerate(units)}
            if u["id"] in index:
                cursor = index[u["id"]]
                units[cursor] = u
            else:
                cursor += 1
                units.insert(cursor, u)
        removed = set(ed.get("removed", ()))
        resolved[ed["id"]] = [u for u in units if u["id"] not in removed]
    return resolved


def add_history(t: Texts, doc: dict, resolved: dict[str, list[dict]]) -> None:
    names = {eid: {u["id"]: u["name"] for u in units} for eid, units in resolved.items()}
    doc["history"] = [
        {
            "unit": h.unit, "type": h.type, "from_edition": h.from_edition, "to_edition": h.to_edition,
            "old_name": names[h.from_edition][h.unit], "new_name": names[h.to_edition][h.unit],
            "evidence": render(t, h.evidence), "sources": [src(k, lines) for k, lines in h.sources],
        }
        for h in HISTORY
    ]


# Units that may have neither mandate nor mention: the 2011 root, named only in 003.
NO_TEXT_OK = {("dcip-2011", "oim")}


def check(doc: dict, resolved: dict[str, list[dict]]) -> None:
    """Structural checks the schema cannot express; raise SpecError on the first."""
    for ed in doc["editions"]:
        ids = [u["id"] for u in ed["units"]]
        if len(ids) != len(set(ids)):
            raise SpecError(f"{ed['id']}: duplicate ids in its list")
    for eid, units in resolved.items():
        by_id = {u["id"]: u for u in units}
        roots = [u["id"] for u in units if u["parent"] is None]
        if len(roots) != 1:
            raise SpecError(f"{eid}: {len(roots)} roots {roots}")
        for u in units:
            if u["parent"] is not None and u["parent"] not in by_id:
                raise SpecError(f"{eid}: {u['id']} has unknown parent {u['parent']}")
            for link in u["links"]:
                if link["target"] not in by_id or link["target"] == u["id"]:
                    raise SpecError(f"{eid}: {u['id']} links to {link['target']}")
            if not u["mandate"] and not u["mention"] and (eid, u["id"]) not in NO_TEXT_OK:
                raise SpecError(f"{eid}: {u['id']} has neither mandate nor mention")
            seen, node = set(), u["id"]
            while node is not None:
                if node in seen:
                    raise SpecError(f"{eid}: cycle through {node}")
                seen.add(node)
                node = by_id[node]["parent"]
        folded = [" ".join(u["name"].casefold().split()) for u in units]
        if len(folded) != len(set(folded)):
            dupes = sorted({n for n in folded if folded.count(n) > 1})
            raise SpecError(f"{eid}: names used twice: {dupes}")
    # Every change of name between two editions must be recorded in the history.
    recorded = {(h["unit"], h["to_edition"]) for h in doc["history"]}
    previous: dict[str, str] = {}
    for ed in doc["editions"]:
        for u in resolved[ed["id"]]:
            old = previous.get(u["id"])
            if old is not None and old.casefold() != u["name"].casefold() and (u["id"], ed["id"]) not in recorded:
                raise SpecError(f"{u['id']}: {old!r} → {u['name']!r} in {ed['id']} without a history record")
            previous[u["id"]] = u["name"]


def validate_schema(doc: dict) -> None:
    from jsonschema import Draft202012Validator

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = sorted(Draft202012Validator(schema).iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        shown = "\n".join(f"  {'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in errors[:20])
        raise SpecError(f"the output does not match data/schema.json:\n{shown}")


def serialise(doc: dict) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def stats(doc: dict, resolved: dict[str, list[dict]]) -> str:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    kinds = schema["$defs"]["unit"]["properties"]["kind"]["enum"]
    eids = [ed["id"] for ed in doc["editions"]]
    width = max(len(k) for k in kinds)
    rows = [f"{'kind':<{width}}  " + "  ".join(f"{e:>14}" for e in eids)]
    for kind in kinds:
        counts = [sum(1 for u in resolved[e] if u["kind"] == kind) for e in eids]
        if any(counts):
            rows.append(f"{kind:<{width}}  " + "  ".join(f"{c:>14}" for c in counts))
    rows.append(f"{'total':<{width}}  " + "  ".join(f"{len(resolved[e]):>14}" for e in eids))
    listed = [len(ed["units"]) for ed in doc["editions"]]
    rows.append(f"{'(listed)':<{width}}  " + "  ".join(f"{c:>14}" for c in listed))
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build data/iom.json from the French source pages.")
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS, help="folder of the seed pages")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="file to write")
    parser.add_argument("--stats", action="store_true", help="print unit counts per edition and kind")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if the output file is stale")
    args = parser.parse_args(argv)
    try:
        texts = Texts(args.seeds)
        doc = build(texts)
        resolved = resolve(doc)
        add_history(texts, doc, resolved)
        check(doc, resolved)
        validate_schema(doc)
    except SpecError as exc:
        print(f"build_dataset: {exc}", file=sys.stderr)
        return 2
    data = serialise(doc)
    if args.check:
        current = args.output.read_bytes() if args.output.exists() else b""
        if current != data:
            print(f"{args.output} is out of date: run python scripts/build_dataset.py", file=sys.stderr)
            return 1
    else:
        tmp = args.output.with_name(args.output.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(args.output)
    if args.stats:
        print(stats(doc, resolved))
    return 0


if __name__ == "__main__":
    sys.exit(main())

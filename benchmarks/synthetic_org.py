"""Write a valid dataset of N units with the shape of a real organisation.

    python benchmarks/synthetic_org.py --units 10000 --output /tmp/org-10k.json [--seed 7]

A root, a headquarters with a few directorates, departments with 3–12
divisions, units with 0–9 children, plus regional and country offices;
long French-like names and mandates of realistic length; three editions
with renames, moves, additions and removals between them (recorded in
`history` where they are renames).  Deterministic for a given seed.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

_WORDS = (
    "coordination migration gouvernance partenariats santé protection données recherche frontières "
    "mobilité inclusion développement durable résilience urgence réinstallation transition redressement "
    "politiques juridiques financière budgétaire trésorerie approvisionnement ressources humaines talents "
    "technologies information communication sécurité numérique architecture plateformes conformité risques "
    "évaluation planification stratégique résultats institutionnels appui programmes capacités régionale "
    "communautaire environnement climat catastrophes réduction déplacements assistance sanitaire vaccination"
).split()
_LINK = ("de la", "des", "du", "et de la", "pour la", "en matière de", "relative à la")
_VERBS = ("coordonne", "appuie", "supervise", "élabore", "met en œuvre", "fournit", "promeut", "renforce",
          "assure", "gère", "facilite", "conseille")
_OBJECTS = ("les activités de l’Organisation", "les bureaux régionaux et de pays", "les États Membres",
            "les partenaires des Nations Unies", "la société civile", "les politiques institutionnelles",
            "les programmes de l’OIM", "les mécanismes de coordination", "la gestion des connaissances",
            "les processus consultatifs régionaux", "les orientations techniques", "les données factuelles")


class _Gen:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.count = 0

    def phrase(self, n: int) -> str:
        words = [self.rng.choice(_WORDS) for _ in range(n)]
        out = words[0]
        for w in words[1:]:
            out += f" {self.rng.choice(_LINK)} {w}" if self.rng.random() < 0.35 else f" {w}"
        return out

    def name(self, prefix: str) -> str:
        return f"{prefix} {self.phrase(self.rng.randint(2, 6))}"

    def mandate(self) -> list[str]:
        paragraphs = []
        for _ in range(self.rng.randint(1, 3)):
            sentences = []
            for _ in range(self.rng.randint(2, 5)):
                sentences.append(f"{self.rng.choice(('L’Unité', 'Elle', 'Le Bureau', 'La Division', 'Il')).strip()} "
                                 f"{self.rng.choice(_VERBS)} {self.rng.choice(_OBJECTS)} "
                                 f"en matière de {self.phrase(self.rng.randint(3, 8))}.")
            paragraphs.append(" ".join(sentences))
        return paragraphs

    def unit(self, kind: str, prefix: str, parent: str | None) -> dict:
        self.count += 1
        uid = f"u{self.count:06d}"
        return {"id": uid, "name": self.name(prefix), "kind": kind, "parent": parent,
                "mandate": self.mandate(), "source": {"file": "synthetique.txt", "lines": [self.count]}}


def _grow(gen: _Gen, units: list[dict], parent: str, depth: int, budget: int) -> None:
    """Add 0–9 children below parent, recursively, while units remain."""
    if depth > 4 or len(units) >= budget:
        return
    for _ in range(gen.rng.randint(0, 9 if depth < 3 else 4)):
        if len(units) >= budget:
            return
        kind, prefix = (("unit", "Unité") if depth < 4 else ("team", "Équipe"))
        child = gen.unit(kind, prefix, parent)
        units.append(child)
        if gen.rng.random() < 0.3:
            _grow(gen, units, child["id"], depth + 1, budget)


def build(n_units: int, seed: int = 7) -> dict:
    if n_units < 10:
        raise ValueError("at least 10 units")
    gen = _Gen(seed)
    root = gen.unit("organisation", "Organisation", None)
    root["name"] = "Organisation synthétique pour les migrations"
    hq = gen.unit("headquarters", "Siège", root["id"])
    units = [root, hq]
    field_share = n_units // 5
    hq_budget = n_units - field_share
    directorates = [gen.unit("directorate", "Direction", hq["id"]) for _ in range(gen.rng.randint(3, 5))]
    units += directorates
    while len(units) < hq_budget:
        d = gen.rng.choice(directorates)
        dept = gen.unit("department", "Département", d["id"])
        units.append(dept)
        for _ in range(gen.rng.randint(3, 12)):
            if len(units) >= hq_budget:
                break
            div = gen.unit("division", "Division", dept["id"])
            units.append(div)
            _grow(gen, units, div["id"], 3, hq_budget)
    regions = gen.unit("group", "Bureaux régionaux", root["id"])
    units.append(regions)
    while len(units) < n_units:
        ro = gen.unit("regional_office", "Bureau régional", regions["id"])
        units.append(ro)
        for _ in range(gen.rng.randint(5, 40)):
            if len(units) >= n_units:
                break
            units.append(gen.unit("country_office", "Bureau de pays", ro["id"]))
    return _editions(gen, units[:n_units])


def _editions(gen: _Gen, units: list[dict]) -> dict:
    """Three editions: the base, then two revisions with changes between them."""
    rng = gen.rng
    by_id = {u["id"]: u for u in units}
    alive = {u["id"] for u in units}
    history = []

    def children_count() -> dict[str, int]:
        counts: dict[str, int] = {}
        for uid in alive:
            parent = by_id[uid]["parent"]
            if parent is not None:
                counts[parent] = counts.get(parent, 0) + 1
        return counts

    def ancestors(uid: str) -> set[str]:
        chain = set()
        while uid is not None:
            chain.add(uid)
            uid = by_id[uid]["parent"]
        return chain

    def revision(n_changes: int, edition_id: str, previous: str) -> dict:
        movable = sorted(u for u in alive if by_id[u]["kind"] in ("division", "unit"))
        changed: dict[str, dict] = {}
        for uid in rng.sample(movable, min(n_changes, len(movable))):
            u = by_id[uid]
            new = dict(u)
            action = rng.choice(("rename", "move", "mandate"))
            if action == "rename":
                new["name"] = gen.name(u["name"].split()[0])
                history.append({"unit": uid, "type": "rename", "from_edition": previous,
                                "to_edition": edition_id, "old_name": u["name"], "new_name": new["name"],
                                "evidence": "changement de nom synthétique"})
            elif action == "move":
                parent_kind = by_id[u["parent"]]["kind"]
                candidates = [p for p in movable if by_id[p]["kind"] == parent_kind and uid not in ancestors(p)]
                if candidates:
                    new["parent"] = rng.choice(candidates)
            else:
                new["mandate"] = gen.mandate()
            changed[uid] = new
            by_id[uid] = new
        counts = children_count()
        leaves = sorted(u for u in alive if counts.get(u, 0) == 0 and by_id[u]["parent"] is not None
                        and u not in changed)
        removed = set(rng.sample(leaves, min(n_changes // 2, len(leaves))))
        alive.difference_update(removed)
        added = []
        for _ in range(n_changes // 2):
            parent = rng.choice(sorted(alive & set(movable)))
            unit = gen.unit("unit", "Unité", parent)
            by_id[unit["id"]] = unit
            alive.add(unit["id"])
            added.append(unit)
        return {"id": edition_id, "label": f"Édition {edition_id}", "period": {"label": edition_id[-4:]},
                "coverage": "full", "based_on": previous, "removed": sorted(removed),
                "units": list(changed.values()) + added}

    n = max(5, len(units) // 50)
    base = {"id": "synthetique-2020", "label": "Édition synthetique-2020", "period": {"label": "2020"},
            "coverage": "full", "units": [dict(u) for u in units]}
    second = revision(n, "synthetique-2022", "synthetique-2020")
    third = revision(n, "synthetique-2024", "synthetique-2022")
    return {
        "format": "iomviewer-dataset",
        "format_version": 1,
        "organisation": {"name": "Organisation synthétique pour les migrations", "acronym": "OSM"},
        "sources": [{"file": "synthetique.txt", "title": "Données synthétiques pour les mesures"}],
        "default_edition": "synthetique-2024",
        "editions": [base, second, third],
        "history": history,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    doc = build(args.units, args.seed)
    Path(args.output).write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    print(f"wrote {args.output}: {len(doc['editions'][0]['units'])} units, 3 editions")
    return 0


if __name__ == "__main__":
    sys.exit(main())

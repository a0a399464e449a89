"""Read a dataset file: JSON + schema + structural checks -> Dataset.

Every problem is reported as data (a Problem with a JSON path and, where it
applies, a unit id); nothing here prints, exits or raises a bare traceback for
bad input.
"""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from iomviewer.core.model import (
    Alias,
    Dataset,
    Edition,
    Fact,
    HistoryRecord,
    Link,
    Period,
    SourceDoc,
    SourceRef,
    Unit,
)

log = logging.getLogger(__name__)

# Files larger than this are refused before they are read: the bundled data
# is ~0.3 MB and a 50,000-unit organisation with full mandates ~60 MB.
MAX_FILE_BYTES = 100 * 1024 * 1024
# Schema errors beyond this many are summarised: a broken file can produce
# thousands and nobody reads past the first screen.
MAX_PROBLEMS = 50
_MAX_MESSAGE = 300


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a dataset, and where."""

    message: str
    location: str = ""  # a JSON path such as $.editions[0].units[3]; "" for the whole file
    unit_id: str | None = None

    def __str__(self) -> str:
        if not self.location:
            return self.message
        where = self.location
        if self.unit_id and f"'{self.unit_id}'" not in self.message:
            where += f" (unité « {self.unit_id} »)"
        return f"{where} : {self.message}"


class DatasetError(Exception):
    """The file cannot be used; `problems` says why, each with its location."""

    def __init__(self, problems: Iterable[Problem], path: str | None = None) -> None:
        self.problems = list(problems)
        self.path = path
        first = str(self.problems[0]) if self.problems else "jeu de données invalide"
        more = f" (et {len(self.problems) - 1} autre(s) problème(s))" if len(self.problems) > 1 else ""
        super().__init__(first + more)


def _clip(text: str, limit: int = _MAX_MESSAGE) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def json_path(parts: Iterable[Any]) -> str:
    """Format a path such as ('editions', 2, 'units', 5) as $.editions[2].units[5]."""
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


# --- reading -----------------------------------------------------------------

def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            # A later duplicate would silently win in json.loads; say so.
            raise ValueError(f"clé « {_clip(key, 80)} » en double dans un objet")
        obj[key] = value
    return obj


def _reject_constant(name: str) -> Any:
    raise ValueError(f"valeur non JSON « {name} »")


def parse_json_bytes(raw: bytes) -> Any:
    """Decode and parse; raise DatasetError naming the line and column."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DatasetError([Problem(f"le fichier n'est pas en UTF-8 (octet {exc.start})")]) from None
    try:
        return json.loads(text, object_pairs_hook=_reject_duplicate_keys, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise DatasetError(
            [Problem(f"JSON invalide, ligne {exc.lineno} colonne {exc.colno} : {exc.msg}")]
        ) from None
    except ValueError as exc:
        raise DatasetError([Problem(f"JSON invalide : {exc}")]) from None
    except RecursionError:
        raise DatasetError([Problem("JSON imbriqué trop profondément")]) from None


def read_file(path: str | Path) -> Any:
    return parse_file_bytes(read_bytes(path), path)


def parse_file_bytes(raw: bytes, path: str | Path) -> Any:
    try:
        return parse_json_bytes(raw)
    except DatasetError as exc:
        raise DatasetError(exc.problems, str(path)) from None


def read_bytes(path: str | Path) -> bytes:
    """The file's bytes, refusing missing, special and oversized files."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if not p.is_file():
            raise DatasetError([Problem(f"« {p} » n'est pas un fichier")], str(p))
        if size > MAX_FILE_BYTES:
            raise DatasetError(
                [Problem(f"fichier trop volumineux ({size / 1e6:.0f} Mo ; limite {MAX_FILE_BYTES // 2**20} Mio)")],
                str(p),
            )
        return p.read_bytes()
    except DatasetError:
        raise
    except FileNotFoundError:
        raise DatasetError([Problem(f"fichier introuvable : {p}")], str(p)) from None
    except OSError as exc:
        raise DatasetError([Problem(f"lecture impossible de {p} : {exc.strerror or exc}")], str(p)) from None


# --- schema ------------------------------------------------------------------

_validator = None


def _schema_validator():
    global _validator
    if _validator is None:
        from jsonschema import Draft202012Validator  # ~0.1 s import: only when loading

        from iomviewer.resources import schema_path

        schema = json.loads(schema_path().read_text(encoding="utf-8"))
        _validator = Draft202012Validator(schema)
    return _validator


def schema_problems(doc: Any) -> list[Problem]:
    errors = sorted(_schema_validator().iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    problems = []
    for err in errors[:MAX_PROBLEMS]:
        problems.append(Problem(_clip(_schema_message(err)), json_path(err.absolute_path), _unit_id_at(doc, err.absolute_path)))
    if len(errors) > MAX_PROBLEMS:
        problems.append(Problem(f"… et {len(errors) - MAX_PROBLEMS} autre(s) écart(s) au schéma"))
    return problems


def _schema_message(err) -> str:
    # jsonschema repeats the whole offending value in its message; for a
    # 30 MB string that is useless, so describe large values instead.
    instance = err.instance
    if isinstance(instance, (str, list, dict)) and len(repr(instance)) > 120:
        kind = {str: "texte", list: "liste", dict: "objet"}[type(instance)]
        if err.validator in ("maxLength", "maxItems"):
            return f"{kind} trop long ({len(instance)} ; maximum {err.validator_value})"
        return f"{kind} non conforme au schéma (règle « {err.validator} »)"
    return err.message


def _unit_id_at(doc: Any, path: Iterable[Any]) -> str | None:
    parts = list(path)
    try:
        if parts[:1] == ["editions"] and parts[2:3] == ["units"]:
            uid = doc["editions"][parts[1]]["units"][parts[3]].get("id")
            return uid if isinstance(uid, str) else None
    except (IndexError, KeyError, TypeError, AttributeError):
        pass
    return None


# --- structure ---------------------------------------------------------------

def _source(d: dict | None) -> SourceRef | None:
    if not d:
        return None
    return SourceRef(d["file"], tuple(d.get("lines", ())))


def _unit(d: dict) -> Unit:
    return Unit(
        id=d["id"],
        name=d["name"],
        kind=d["kind"],
        parent=d["parent"],
        source=_source(d["source"]),
        aliases=tuple(Alias(a["text"], _source(a.get("source"))) for a in d.get("aliases", ())),
        acronym=d.get("acronym"),
        mandate=tuple(d.get("mandate", ())),
        mention=d.get("mention"),
        links=tuple(Link(l["type"], l["target"], l.get("evidence", ""), _source(l.get("source"))) for l in d.get("links", ())),
    )


def _resolve_units(doc: dict, problems: list[Problem]) -> dict[str, list[tuple[dict, str]]]:
    """Resolve based_on; return, per edition id, (unit dict, its JSON path) in order."""
    resolved: dict[str, list[tuple[dict, str]]] = {}
    for ei, ed in enumerate(doc["editions"]):
        eid = ed["id"]
        base_path = f"$.editions[{ei}]"
        if eid in resolved:
            problems.append(Problem(f"identifiant d'édition « {eid} » en double", base_path + ".id"))
            continue
        own = [(u, f"{base_path}.units[{ui}]") for ui, u in enumerate(ed["units"])]
        seen: dict[str, str] = {}
        for u, where in own:
            if u["id"] in seen:
                problems.append(Problem(f"identifiant « {u['id']} » en double (déjà en {seen[u['id']]})", where + ".id", u["id"]))
            seen.setdefault(u["id"], where)
        base_id = ed.get("based_on")
        if base_id is None:
            if ed.get("removed"):
                problems.append(Problem("« removed » n'a de sens qu'avec « based_on »", base_path + ".removed"))
            units = own
        elif base_id not in resolved:
            problems.append(Problem(f"« based_on » désigne « {base_id} », qui n'est pas une édition antérieure", base_path + ".based_on"))
            units = own
        else:
            units = list(resolved[base_id])
            index = {u["id"]: i for i, (u, _) in enumerate(units)}
            for ri, rid in enumerate(ed.get("removed", ())):
                if rid not in index:
                    problems.append(Problem(f"unité retirée « {rid} » absente de l'édition « {base_id} »", f"{base_path}.removed[{ri}]", rid))
            removed = set(ed.get("removed", ()))
            cursor = -1
            for u, where in own:
                if u["id"] in index:
                    cursor = index[u["id"]]
                    units[cursor] = (u, where)
                else:
                    cursor += 1
                    units.insert(cursor, (u, where))
                    index = {x["id"]: i for i, (x, _) in enumerate(units)}
            units = [(u, w) for u, w in units if u["id"] not in removed]
        if not units:
            problems.append(Problem(f"l'édition « {eid} » n'a aucune unité", base_path + ".units"))
        resolved[eid] = units
    return resolved


def _check_edition(eid: str, units: list[tuple[dict, str]], problems: list[Problem]) -> None:
    where = {u["id"]: w for u, w in units}
    parent = {u["id"]: u["parent"] for u, _ in units}
    roots = [uid for uid, p in parent.items() if p is None]
    if len(roots) == 0 and units:
        problems.append(Problem(f"l'édition « {eid} » n'a pas de racine (unité sans parent)", units[0][1]))
    elif len(roots) > 1:
        shown = ", ".join(roots[:10]) + ("…" if len(roots) > 10 else "")
        problems.append(Problem(f"l'édition « {eid} » a {len(roots)} racines (unités sans parent) : {shown}", where[roots[1]], roots[1]))
    for u, w in units:
        if u["parent"] is not None and u["parent"] not in parent:
            problems.append(Problem(f"le parent « {u['parent']} » n'existe pas dans l'édition « {eid} »", w + ".parent", u["id"]))
        for li, link in enumerate(u.get("links", ())):
            if link["target"] not in parent:
                problems.append(Problem(f"le lien vise « {link['target']} », absent de l'édition « {eid} »", f"{w}.links[{li}].target", u["id"]))
    # Cycle detection: colour each chain once, so the whole check is O(n).
    state: dict[str, int] = {}  # 1 = on the current chain, 2 = known to reach a root
    for start in parent:
        chain = []
        node: str | None = start
        while node is not None and node in parent and state.get(node) is None:
            state[node] = 1
            chain.append(node)
            node = parent[node]
        if node is not None and state.get(node) == 1:
            cycle = chain[chain.index(node):] + [node]
            shown = " → ".join(cycle[:12]) + (" → …" if len(cycle) > 12 else "")
            problems.append(Problem(f"l'unité « {node} » est son propre ancêtre : {shown}", where[node] + ".parent", node))
        for n in chain:
            state[n] = 2


def build_dataset(doc: dict, path: str | None = None) -> Dataset:
    """Turn a schema-valid document into a Dataset; DatasetError if inconsistent."""
    problems: list[Problem] = []
    resolved = _resolve_units(doc, problems)
    for eid, units in resolved.items():
        _check_edition(eid, units, problems)
    edition_ids = set(resolved)
    if doc["default_edition"] not in edition_ids:
        problems.append(Problem(f"l'édition par défaut « {doc['default_edition']} » n'existe pas", "$.default_edition"))
    for hi, h in enumerate(doc.get("history", ())):
        for key in ("from_edition", "to_edition"):
            if h[key] not in edition_ids:
                problems.append(Problem(f"édition « {h[key]} » inconnue", f"$.history[{hi}].{key}"))
    for fi, f in enumerate(doc.get("facts", ())):
        if "edition" in f and f["edition"] not in edition_ids:
            problems.append(Problem(f"édition « {f['edition']} » inconnue", f"$.facts[{fi}].edition"))
    if problems:
        raise DatasetError(problems[:MAX_PROBLEMS], path)

    editions = []
    for ed in doc["editions"]:
        p = ed["period"]
        editions.append(
            Edition(
                id=ed["id"],
                label=ed["label"],
                period=Period(p["label"], p.get("start"), p.get("end")),
                units=tuple(_unit(u) for u, _ in resolved[ed["id"]]),
                sources=tuple(ed.get("sources", ())),
                evidence=tuple(ed.get("evidence", ())),
                coverage=ed.get("coverage", "full"),
                coverage_note=ed.get("coverage_note"),
                based_on=ed.get("based_on"),
            )
        )
    org = doc["organisation"]
    return Dataset(
        organisation=org["name"],
        acronym=org.get("acronym", ""),
        editions=tuple(editions),
        default_edition=doc["default_edition"],
        sources=tuple(SourceDoc(s["file"], s["title"], s.get("description", "")) for s in doc.get("sources", ())),
        facts=tuple(
            Fact(f["key"], f["value"], f["label"], _source(f["source"]), f.get("edition"), f.get("note"))
            for f in doc.get("facts", ())
        ),
        history=tuple(
            HistoryRecord(
                h["unit"], h["type"], h["from_edition"], h["to_edition"], h["old_name"], h["new_name"], h["evidence"],
                tuple(_source(s) for s in h.get("sources", ())),
            )
            for h in doc.get("history", ())
        ),
        path=path,
    )


def load_document(doc: Any, path: str | None = None) -> Dataset:
    problems = schema_problems(doc)
    if problems:
        raise DatasetError(problems, path)
    return build_dataset(doc, path)


def load_dataset(path: str | Path | None = None) -> Dataset:
    """Load and validate a dataset file (the bundled one when path is None).

    The schema check (the slow part: ~3 s for 10,000 units) is remembered
    per exact file content: bytes that passed it once, against the same
    schema and app version, are not checked again.  The structural checks
    (ids, parents, cycles, roots…) always run.
    """
    from iomviewer.core import cache
    from iomviewer.resources import bundled_dataset_path, schema_path

    if path is None:
        path = bundled_dataset_path()
    raw = read_bytes(path)
    doc = parse_file_bytes(raw, path)
    entry = cache.key(raw, schema_path().read_bytes())
    if cache.get("validated", entry) is None:
        problems = schema_problems(doc)
        if problems:
            raise DatasetError(problems, str(path))
        cache.put("validated", entry)
    dataset = build_dataset(doc, str(path))
    object.__setattr__(dataset, "digest", hashlib.sha256(raw).hexdigest())
    return dataset


def quality_warnings(dataset: Dataset) -> list[Problem]:
    """Data-quality remarks that do not make a dataset unusable."""
    warnings: list[Problem] = []
    for ed in dataset.editions:
        names: dict[str, str] = {}
        for u in ed.units:
            if not u.mandate and not u.mention:
                warnings.append(Problem(f"édition « {ed.id} », unité « {u.id} » : ni mandat ni mention", "", u.id))
            key = " ".join(u.name.casefold().split())
            if key in names:
                warnings.append(Problem(
                    f"édition « {ed.id} », unité « {u.id} » : nom « {u.name} » déjà utilisé par « {names[key]} »", "", u.id))
            else:
                names[key] = u.id
    recorded = {(h.unit, h.to_edition) for h in dataset.history}
    previous: dict[str, tuple[str, str]] = {}
    for ed in dataset.editions:
        for u in ed.units:
            if u.id in previous:
                old_name, old_ed = previous[u.id]
                if " ".join(old_name.casefold().split()) != " ".join(u.name.casefold().split()) and (u.id, ed.id) not in recorded:
                    warnings.append(Problem(
                        f"unité « {u.id} » : « {old_name} » ({old_ed}) devient « {u.name} » ({ed.id}) "
                        "sans changement de nom consigné", "", u.id))
            previous[u.id] = (u.name, ed.id)
    return warnings

"""Read a dataset file: JSON + schema + structural checks -> Dataset.

Every problem is reported as data (a Problem with a JSON path and, where it
applies, a unit id); nothing here prints, exits or raises a bare traceback for
bad input.
"""
from __future__ import annotations

import functools
import itertools
import logging
import re
from pathlib import Path
from typing import Any, Iterable, NamedTuple

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
from iomviewer.core.text import visible

log = logging.getLogger(__name__)

# Files larger than this are refused before they are read: the bundled data
# is ~0.3 MB and a 50,000-unit organisation with full mandates ~60 MB.
MAX_FILE_BYTES = 100 * 1024 * 1024
# Schema errors beyond this many are summarised: a broken file can produce
# thousands and nobody reads past the first screen.
MAX_PROBLEMS = 50
# Schema errors looked at before giving up counting: a file of a million
# wrongly typed units would otherwise take minutes (and gigabytes) to list.
MAX_SCHEMA_ERRORS_SCANNED = 1000
# Deepest nesting accepted.  A valid file is at most 7 levels deep
# ($.editions[i].units[j].links[k].source.lines[l]); anything much deeper is
# not a dataset, and recursive code further on (jsonschema, repr) would hit
# Python's recursion limit on it.
MAX_DEPTH = 32
_MAX_MESSAGE = 300


# The regexes here are compiled on first use, not at import: a start that
# reads its dataset from the cache parses no JSON and finds no problem.
@functools.cache
def _surrogate() -> re.Pattern[str]:
    return re.compile("[\ud800-\udfff]")


@functools.cache
def _long_number() -> re.Pattern[bytes]:
    return re.compile(rb"[0-9]{4000,}")


# A named tuple, not a frozen dataclass: as immutable, and ~1 ms less to
# create at import.
class Problem(NamedTuple):
    """One thing wrong with a dataset, and where."""

    message: str
    location: str = ""  # a JSON path such as $.editions[0].units[3]; "" for the whole file
    unit_id: str | None = None

    def __str__(self) -> str:
        if not self.location:
            return visible(self.message)
        where = self.location
        if self.unit_id and f"'{self.unit_id}'" not in self.message:
            where += f" (unité « {self.unit_id} »)"
        return visible(f"{where} : {self.message}")


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


@functools.cache
def _plain_key() -> re.Pattern[str]:
    return re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,63}")


def json_path(parts: Iterable[Any]) -> str:
    """Format a path such as ('editions', 2, 'units', 5) as $.editions[2].units[5]."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _plain_key().fullmatch(str(part)):
            out += f".{part}"
        else:  # a key from the file: quoted, escaped and clipped
            import json

            out += "[" + _clip(json.dumps(str(part), ensure_ascii=False), 40) + "]"
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
    """Decode, parse and check nesting and text; raise DatasetError saying where."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise DatasetError([Problem(f"le fichier n'est pas en UTF-8 (octet {exc.start}, ligne {line})")]) from None
    import json  # here: a start that reads its dataset from the cache parses no JSON

    try:
        doc = json.loads(text, object_pairs_hook=_reject_duplicate_keys, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise DatasetError(
            [Problem(_clip(f"JSON invalide, ligne {exc.lineno} colonne {exc.colno} : {exc.msg}"))]
        ) from None
    except RecursionError:
        raise DatasetError([_depth_problem(raw)]) from None
    except ValueError as exc:
        raise DatasetError([_value_problem(raw, exc)]) from None
    problem = _shape_problem(doc)
    if problem is not None:
        raise DatasetError([problem])
    return doc


@functools.cache
def _token() -> re.Pattern[bytes]:
    return re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _depth_problem(raw: bytes) -> Problem:
    """Say where the nesting passes MAX_DEPTH (json.loads only says it recursed too deep)."""
    depth = 0
    for token in _token().finditer(raw):
        kind = token.group()[:1]
        if kind in (b"[", b"{"):
            depth += 1
            if depth > MAX_DEPTH:
                return Problem(f"JSON imbriqué trop profondément (plus de {MAX_DEPTH} niveaux), "
                               f"{_line_column(raw, token.start())}")
        elif kind in (b"]", b"}"):
            depth -= 1
    return Problem(f"JSON imbriqué trop profondément (plus de {MAX_DEPTH} niveaux)")


@functools.cache
def _key_or_token() -> re.Pattern[bytes]:
    return re.compile(rb'("(?:[^"\\]|\\.)*")(\s*:)?|[\[\]{}]|NaN|-?Infinity')


def _line_column(raw: bytes, offset: int) -> str:
    line = raw.count(b"\n", 0, offset) + 1
    column = offset - raw.rfind(b"\n", 0, offset)
    return f"ligne {line} colonne {column}"


def _scan_problem(raw: bytes) -> Problem | None:
    """Find the first duplicate key or non-JSON constant, with its line and column."""
    import json

    keys: list[set | None] = []
    for token in _key_or_token().finditer(raw):
        text = token.group()
        if text[:1] == b'"':
            if token.group(2) and keys and keys[-1] is not None:
                try:
                    key = json.loads(token.group(1))
                except ValueError:
                    continue
                if key in keys[-1]:
                    return Problem(f"JSON invalide, {_line_column(raw, token.start())} : "
                                   f"clé « {_clip(key, 80)} » en double dans un objet")
                keys[-1].add(key)
        elif text == b"{":
            keys.append(set())
        elif text == b"[":
            keys.append(None)
        elif text in (b"}", b"]"):
            if keys:
                keys.pop()
        else:
            return Problem(f"JSON invalide, {_line_column(raw, token.start())} : "
                           f"valeur non JSON « {text.decode()} »")
    return None


def _value_problem(raw: bytes, exc: ValueError) -> Problem:
    scanned = _scan_problem(raw)
    if scanned is not None:
        return scanned
    long_number = _long_number().search(raw)
    if long_number is not None and "digits" in str(exc):
        # Python refuses to convert integers of more than 4,300 digits.
        return Problem(f"JSON invalide, {_line_column(raw, long_number.start())} : "
                       "nombre de plus de 4 000 chiffres")
    return Problem(_clip(f"JSON invalide : {exc}"))


def _shape_problem(doc: Any) -> Problem | None:
    """Check, without recursion, nesting depth and strings that are not Unicode text."""
    surrogate = _surrogate().search
    stack: list[tuple[Any, tuple]] = [(doc, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            bad = surrogate(value)
            if bad is not None:
                return Problem(
                    f"caractère invalide U+{ord(bad.group()):04X} (moitié de paire UTF-16 isolée) "
                    f"à la position {bad.start()}", json_path(path))
            continue
        if isinstance(value, dict):
            children = value.items()
        elif isinstance(value, list):
            children = enumerate(value)
        else:
            continue
        if len(path) >= MAX_DEPTH:
            return Problem(f"JSON imbriqué trop profondément (plus de {MAX_DEPTH} niveaux)", json_path(path[:8]) + "…")
        for key, child in children:
            if isinstance(key, str):
                bad = surrogate(key)
                if bad is not None:
                    return Problem(f"clé invalide (caractère U+{ord(bad.group()):04X} isolé)", json_path(path))
            if isinstance(child, (dict, list, str)):
                stack.append((child, path + (key,)))
    return None


def parse_file_bytes(raw: bytes, path: str | Path) -> Any:
    try:
        return parse_json_bytes(raw)
    except DatasetError as exc:
        raise DatasetError(exc.problems, str(path)) from None


def read_bytes(path: str | Path) -> bytes:
    """The file's bytes, refusing missing, special and oversized files.

    The file is opened once (non-blocking, so a FIFO swapped in cannot hang
    us), checked on its descriptor, and read up to one byte past the limit:
    a file that grows after the check is still refused.
    """
    return _read_with_stat(path)[0]


def _read_with_stat(path: str | Path):
    """read_bytes, with the os.stat_result of the descriptor the bytes came from."""
    import os
    import stat

    p = Path(path)
    too_big = lambda size: DatasetError(  # noqa: E731
        [Problem(f"fichier trop volumineux ({size / 1e6:.0f} Mo ; limite {MAX_FILE_BYTES // 2**20} Mio)")], str(p))
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise DatasetError([Problem(f"fichier introuvable : {p}")], str(p)) from None
    except IsADirectoryError:
        raise DatasetError([Problem(f"« {p} » n'est pas un fichier")], str(p)) from None
    except OSError as exc:
        raise DatasetError([Problem(f"lecture impossible de {p} : {exc.strerror or exc}")], str(p)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise DatasetError([Problem(f"« {p} » n'est pas un fichier")], str(p))
        if info.st_size > MAX_FILE_BYTES:
            raise too_big(info.st_size)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise too_big(len(data))
        return data, info
    except DatasetError:
        raise
    except OSError as exc:
        raise DatasetError([Problem(f"lecture impossible de {p} : {exc.strerror or exc}")], str(p)) from None
    finally:
        os.close(fd)


# --- schema ------------------------------------------------------------------

_validator = None


def _schema_validator():
    global _validator
    if _validator is None:
        from jsonschema import Draft202012Validator  # ~0.1 s import: only when loading

        import json

        from iomviewer.resources import schema_path

        schema = json.loads(schema_path().read_text(encoding="utf-8"))
        _validator = Draft202012Validator(schema)
    return _validator


def schema_problems(doc: Any) -> list[Problem]:
    scanned = list(itertools.islice(_schema_validator().iter_errors(doc), MAX_SCHEMA_ERRORS_SCANNED + 1))
    more = len(scanned) > MAX_SCHEMA_ERRORS_SCANNED
    errors = sorted(scanned[:MAX_SCHEMA_ERRORS_SCANNED], key=lambda e: list(map(str, e.absolute_path)))
    problems = []
    for err in errors[:MAX_PROBLEMS]:
        problems.append(Problem(_clip(_schema_message(err)), json_path(err.absolute_path), _unit_id_at(doc, err.absolute_path)))
    if more:
        problems.append(Problem(f"… et plus de {MAX_SCHEMA_ERRORS_SCANNED - MAX_PROBLEMS} autres écarts au schéma"))
    elif len(errors) > MAX_PROBLEMS:
        problems.append(Problem(f"… et {len(errors) - MAX_PROBLEMS} autre(s) écart(s) au schéma"))
    return problems


# JSON types as the messages name them (schema "type" values, and Python values met).
_JSON_TYPES = {"string": "texte", "array": "liste", "object": "objet", "integer": "nombre entier",
               "number": "nombre", "boolean": "booléen", "null": "null"}


def _kind_of(value: Any) -> str:
    """The JSON type of a parsed value, named as _JSON_TYPES names it."""
    if value is None:
        return _JSON_TYPES["null"]
    json_type = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array",
                 dict: "object"}.get(type(value))
    return _JSON_TYPES[json_type] if json_type else type(value).__name__


def _shown(value: Any) -> str:
    """A value quoted in a message, cut short (a message never repeats a long text)."""
    if isinstance(value, str):
        text = value
    elif value is None or isinstance(value, bool):
        text = {None: "null", True: "true", False: "false"}[value]
    else:
        text = str(value)
    return f"« {text[:60]}{'…' if len(text) > 60 else ''} »"


def _schema_message(err) -> str:
    try:
        return _french_schema_message(err)
    except Exception:  # a refusal must never become a traceback: jsonschema's own words then
        log.debug("no French message for a %r schema error", getattr(err, "validator", None), exc_info=True)
        return f"{str(err.message)[:200]} (règle « {err.validator} »)"


def _french_schema_message(err) -> str:
    """The problem in French, as the rest of the data's messages (jsonschema writes English).

    jsonschema repeats the whole offending value in its message; for a 30 MB
    string that is useless, so values are named by kind and size, or cut short.
    """
    rule, expected, instance = err.validator, err.validator_value, err.instance
    sized = isinstance(instance, (str, list, dict))
    if rule == "required" and isinstance(instance, dict):
        missing = [name for name in expected if name not in instance]
        name = next((m for m in missing if repr(m) in err.message), missing[0] if missing else "?")
        return f"propriété obligatoire absente : « {name} »"
    if rule == "additionalProperties" and isinstance(instance, dict):
        known = set(err.schema.get("properties", {}))
        extra = sorted(str(k) for k in instance if k not in known)
        return f"propriété inconnue : {', '.join(_shown(k) for k in extra[:5])}{' …' if len(extra) > 5 else ''}"
    if rule == "type":
        wanted = expected if isinstance(expected, list) else [expected]
        names = " ou ".join(_JSON_TYPES.get(w, str(w)) for w in wanted)
        found = _kind_of(instance) if sized else f"{_kind_of(instance)} {_shown(instance)}"
        return f"type attendu : {names} (trouvé : {found})"
    if rule in ("maxLength", "minLength", "maxItems", "minItems") and sized:
        kind = "texte" if isinstance(instance, str) else "liste"
        unit = "caractère(s)" if kind == "texte" else "élément(s)"
        if rule.startswith("max"):
            return f"{kind} trop long : {len(instance)} {unit} (maximum {expected})"
        return f"{kind} vide" if not instance else f"{kind} trop court : {len(instance)} {unit} (minimum {expected})"
    if rule == "enum":
        allowed = ", ".join(str(v) for v in list(expected)[:12])
        return f"valeur {_shown(instance)} non permise (valeurs possibles : {allowed}{' …' if len(expected) > 12 else ''})"
    if rule == "const":
        return f"valeur {_shown(instance)} au lieu de {_shown(expected)}"
    if rule in ("minimum", "maximum"):
        return f"nombre {_shown(instance)} {'trop petit' if rule == 'minimum' else 'trop grand'} ({rule} {expected})"
    if sized and (len(instance) > 120 or len(err.message) > 200):
        return f"{_kind_of(instance)} non conforme au schéma (règle « {rule} »)"
    return f"{err.message} (règle « {rule} »)"


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
            units = _revise(units, own)
            units = [(u, w) for u, w in units if u["id"] not in removed]
        if not units:
            problems.append(Problem(f"l'édition « {eid} » n'a aucune unité", base_path + ".units"))
        resolved[eid] = units
    return resolved


def _revise(base: list[tuple[dict, str]], own: list[tuple[dict, str]]) -> list[tuple[dict, str]]:
    """Apply a revision: a known id replaces its unit in place, a new id goes right after the unit before it.

    A linked list keeps this linear: with a Python list and an index rebuilt
    after each insertion, 5,000 new units took seconds and 50,000 minutes.
    """
    START = -1
    items: list[list] = [[entry, i + 1 if i + 1 < len(base) else None] for i, entry in enumerate(base)]
    head = 0 if items else None
    node_of = {entry[0]["id"]: i for i, entry in enumerate(base)}
    cursor = START
    for u, where in own:
        node = node_of.get(u["id"])
        if node is not None:
            items[node][0] = (u, where)
            cursor = node
            continue
        new = len(items)
        if cursor == START:
            items.append([(u, where), head])
            head = new
        else:
            items.append([(u, where), items[cursor][1]])
            items[cursor][1] = new
        node_of[u["id"]] = new
        cursor = new
    out = []
    node = head
    while node is not None:
        out.append(items[node][0])
        node = items[node][1]
    return out


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

    # An edition based on another shares the unchanged units' records with it:
    # one Unit per record (Units are immutable) instead of one per edition
    # (10,000 units in 3 editions: 10,600 Units instead of 30,000, a third of the load).
    made: dict[int, Unit] = {}

    def unit_of(record: dict) -> Unit:
        unit = made.get(id(record))  # the records live in doc until the end of this function
        if unit is None:
            unit = made[id(record)] = _unit(record)
        return unit

    editions = []
    for ed in doc["editions"]:
        p = ed["period"]
        editions.append(
            Edition(
                id=ed["id"],
                label=ed["label"],
                period=Period(p["label"], p.get("start"), p.get("end")),
                units=tuple(unit_of(u) for u, _ in resolved[ed["id"]]),
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

    The dataset built once the bytes passed every check (the schema, the slow
    part: ~3 s for 10,000 units; then ids, parents, cycles, roots…) is
    remembered per exact file content: bytes that passed once, against the
    same schema, code and app version, are neither checked nor built again.
    A file seen before, unchanged on disk, is not even read (see _known_digest).
    """
    from iomviewer.core import cache
    from iomviewer.resources import bundled_dataset_path

    if path is None:
        path = bundled_dataset_path()
    known = _known_digest(path)
    if known is not None:
        dataset = _cached_dataset(_cache_entry(known), known, path)
        if dataset is not None:
            return dataset
    raw, info = _read_with_stat(path)
    digest = cache.sha256(raw).hexdigest()
    if digest != known:
        _remember_digest(info, digest)
    entry = _cache_entry(digest)
    dataset = _cached_dataset(entry, digest, path)
    if dataset is not None:
        return dataset
    # Bytes never seen (or whose dataset entry is lost): every check runs.
    dataset = load_document(parse_file_bytes(raw, path), str(path))
    object.__setattr__(dataset, "digest", digest)
    _remember_dataset(entry, dataset)
    return dataset


# A file's digest by its identity on disk (device, inode, size, times), so
# that a start neither reads nor hashes a file it has seen: hashing the
# bundled 250 KB took 20 M instructions, a twelfth of the start's own work.
# Kept only for files last written over DIGEST_SETTLED_NS ago: a file written
# within the file system's timestamp granularity could change again with
# every field equal (git's "racy" index entries).  ctime cannot be set back
# by a user's tools, so a rewritten file in place is another entry.
DIGEST_SETTLED_NS = 2_000_000_000


def _file_identity(info) -> str:
    return f"{info.st_dev}:{info.st_ino}:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}"


def _known_digest(path: str | Path) -> str | None:
    import os

    from iomviewer.core import cache

    try:
        info = os.stat(path)
    except OSError:
        return None  # read_bytes says what is wrong
    blob = cache.get("digest", cache.key(_file_identity(info)), max_bytes=64)
    text = blob.decode("ascii", "replace") if blob else ""
    return text if len(text) == 64 and all(c in "0123456789abcdef" for c in text) else None


def _remember_digest(info, digest: str) -> None:
    import time

    from iomviewer.core import cache

    if time.time_ns() - max(info.st_mtime_ns, info.st_ctime_ns) > DIGEST_SETTLED_NS:
        cache.put("digest", cache.key(_file_identity(info)), digest.encode("ascii"))


def _cache_entry(digest: str) -> str:
    """The cache key of a file's verdicts: its bytes' SHA-256, the schema, this code and the app version."""
    from iomviewer.core import cache
    from iomviewer.resources import schema_path

    return cache.key(digest, schema_path().read_bytes(), _code_fingerprint())


@functools.lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """The loader's and the model's files: a checkout changed between two runs of one version
    must not read back a Dataset of other classes or checks.  (A frozen app has no sources: its
    version, which cache.key adds, says it.)"""
    from iomviewer.core.cache import files_stamp

    folder = Path(__file__).resolve().parent
    return files_stamp(folder / name for name in ("loading.py", "model.py"))


# The dataset built from a file, pickled, per exact file content (with the
# schema and app version): a later start reads it in a sixth of the time
# (bundled data 1.2 ms instead of 7; 10,000 units 0.14 s instead of 0.43 s).
# Only datasets that passed every check are written; an entry that does not
# unpickle to a Dataset of those bytes is a miss.  A hit gets the path it is
# read for: the same bytes may sit in another file.
def _cached_dataset(entry: str, digest: str, path: str | Path) -> Dataset | None:
    import pickle

    from iomviewer.core import cache

    blob = cache.get("dataset", entry, max_bytes=4 * MAX_FILE_BYTES)
    if blob is None:
        return None
    try:
        dataset = pickle.loads(blob)
    except Exception as exc:  # a truncated or foreign entry: whatever unpickling raises, it is a miss
        log.debug("dataset cache entry %s unreadable: %s", entry, exc)
        return None
    if not isinstance(dataset, Dataset) or dataset.digest != digest:
        log.debug("dataset cache entry %s is not this file's dataset", entry)
        return None
    object.__setattr__(dataset, "path", str(path))
    return dataset


def _remember_dataset(entry: str, dataset: Dataset) -> None:
    import pickle

    from iomviewer.core import cache

    cache.put("dataset", entry, pickle.dumps(dataset, protocol=pickle.HIGHEST_PROTOCOL))


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

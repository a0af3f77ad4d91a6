"""Rule files -> a RuleBook: validated (schema, references, dates) and compiled to plain data.

Validation builds pydantic models, which costs more than answering a question, so a validated book is cached as
JSON keyed by the sha256 of every rule file, the vendored data and treatyscope's version (like a .pyc file): the
first `check` after an edit validates, later ones load the cache. Set TREATYSCOPE_CACHE_DIR to move the cache,
or to an empty string to disable it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from treatyscope.errors import RuleFileError, UsageError
from treatyscope.paths import geodata_dir, rules_dir
from treatyscope.rules.kinds import PLACE_KINDS

FORMAT = "treatyscope.rulebook/4"


@dataclass(eq=False, repr=False)
class TreatyRules:
    id: str
    name: str
    short_name: str
    signed: dt.date
    in_force: dt.date
    ended: dt.date | None
    end_note: str | None
    notes: list[str]
    sources: list[str]
    parties: list[dict[str, Any]]
    articles: list[dict[str, Any]]
    file: str
    suspensions: list[dict[str, Any]] = field(default_factory=list)
    protected: list[dict[str, Any]] = field(default_factory=list)

    def protected_on(self, code: str, on: dt.date) -> dict[str, Any] | None:
        """The entry under which a non-party is protected on the date, if any."""
        for p in self.protected:
            if p["code"] == code and _within(p, on):
                return p
        return None

    def member_on(self, code: str, on: dt.date) -> dict[str, Any] | None:
        for p in self.parties:
            if p["code"] == code and _within(p, on):
                return p
        return None

    def members_on(self, on: dt.date) -> set[str]:
        return {p["code"] for p in self.parties if _within(p, on)}

    def suspended_toward(self, beneficiary: str, on: dt.date) -> list[dict[str, Any]]:
        """The suspensions in effect on the date of other parties' obligations toward this one."""
        return [s for s in self.suspensions if s["beneficiary"] == beneficiary and _within(s, on)]

    def membership_history(self, code: str) -> list[dict[str, Any]]:
        return [p for p in self.parties if p["code"] == code]


def _within(period: dict[str, Any], on: dt.date) -> bool:
    """Whether a date falls in a period ('from' inclusive, 'to' exclusive); ISO date strings compare as dates."""
    day = on.isoformat()
    return str(period["from"]) <= day and (period.get("to") is None or day < str(period["to"]))


_SERIALS = itertools.count(1)


@dataclass(eq=False, repr=False)
class RuleBook:
    files: list[str]
    treaties: dict[str, TreatyRules]
    regions: dict[str, Any]
    conditions: dict[str, Any]
    interpretations: dict[str, dict[str, Any]]
    parallels: dict[str, Any]
    sources: dict[str, dict[str, Any]]
    origin: dict[str, str] = field(default_factory=dict)  # id of a named thing -> file it is defined in
    digest: str = ""  # sha256 over the rule files' contents (and treatyscope's version): keys dependent caches
    # A number no other rulebook in this process has (ids of freed objects are reused): keys in-memory memos.
    serial: int = field(default_factory=lambda: next(_SERIALS))

    def article(self, ref: str) -> tuple[TreatyRules, dict[str, Any]]:
        """An article by id ('nato-5') or 'treaty:number' ('nato:5', 'nato 5', 'nato art. 5')."""
        key = ref.strip().lower()
        for treaty in self.treaties.values():
            for art in treaty.articles:
                numbers = {
                    art["id"],
                    f"{treaty.id}:{art['number']}".lower(),
                    f"{treaty.id} {art['number']}".lower(),
                    f"{treaty.id} art. {art['number']}".lower(),
                    f"{treaty.id} article {art['number']}".lower(),
                }
                if key in numbers:
                    return treaty, art
        known = ", ".join(a["id"] for t in self.treaties.values() for a in t.articles)
        raise UsageError(f"Unknown article '{ref}'.", f"Known articles: {known}.")

    def source(self, sid: str) -> dict[str, Any]:
        return self.sources.get(sid, {"id": sid, "title": sid})


def _d(value: Any) -> Any:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


# -------------------------------------------------------------------------------------------------- discovery


def rule_files(paths: Sequence[Path] | None = None) -> list[Path]:
    """The rule files under the given files or directories (default: the shipped rules/), sorted by path.

    Files whose name starts with '_' or '.' are skipped in directories, so a directory can hold drafts.
    """
    roots = list(paths) if paths else [rules_dir()]
    found: list[Path] = []
    for root in roots:
        if root.is_dir():
            for p in sorted(root.rglob("*.y*ml")):
                if p.name.startswith(("_", ".")) or p.is_dir():
                    continue
                try:
                    target = p.resolve(strict=True)
                except (OSError, RuntimeError):  # a dangling link, or a loop of links
                    raise RuleFileError(
                        "the file is a broken or looping link", p, hint="Remove it or point it at a rule file."
                    ) from None
                # A link out of the rule directory would read files the user did not hand over.
                if not target.is_relative_to(root.resolve()):
                    raise RuleFileError(
                        f"the file links outside its rule directory {root} (to {p.resolve()})",
                        p,
                        hint="Copy the file into the directory, or pass its path explicitly.",
                    )
                found.append(p)
        elif root.is_file():
            found.append(root)
        else:
            raise UsageError(f"Rules path {root} does not exist.", "Give a rule file or a directory of them.")
    if not found:
        raise UsageError(f"No rule files (*.yaml) under {', '.join(map(str, roots))}.")
    # The same file given twice (a directory and a path into it) counts once.
    unique = {p.resolve(): p for p in reversed(found)}
    return sorted(unique.values(), key=lambda p: str(p))


def load_rulebook(paths: Sequence[Path] | None = None) -> RuleBook:
    files = rule_files(paths)
    contents = [(str(f), f.read_bytes()) for f in files]
    key = _cache_key(contents)
    if key in _LOADED:  # the same files, already read in this process (the API is called in loops)
        return _LOADED[key]
    cached = _cache_read(key)
    if cached is not None:
        book = _from_compiled(cached)
    else:
        compiled = compile_rulebook(files)
        _cache_write(key, compiled)
        book = _from_compiled(compiled)
    book.digest = key
    _LOADED[key] = book
    return book


_LOADED: dict[str, RuleBook] = {}


# ------------------------------------------------------------------------------------------------- validation


def compile_rulebook(files: Sequence[Path]) -> dict[str, Any]:
    """Validate every file and the references between them; return the compiled plain data (or raise)."""
    compiled, errors = validate_files(files)
    if errors or compiled is None:
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise RuleFileError(first.detail + more, first.path, first.line, first.column, hint=first.hint)
    return compiled


def validate_files(files: Sequence[Path]) -> tuple[dict[str, Any] | None, list[RuleFileError]]:
    """The compiled rulebook, or every error found in the files."""
    found = inspect_files(files)
    return (None if found.errors else found.book), found.errors


@dataclass
class Inspection:
    """What validation found: errors (the files cannot be used), warnings (hygiene) and the parts marked
    unverified. Syntax and schema are checked per file; references across files only when every file parsed."""

    files: list[Path]
    book: dict[str, Any] | None
    errors: list[RuleFileError]
    warnings: list[RuleFileError]
    unverified: list[RuleFileError]


def inspect_files(files: Sequence[Path]) -> Inspection:
    from pydantic import ValidationError

    from treatyscope.rules.model import RuleFile
    from treatyscope.rules.yamlsafe import load_with_positions

    errors: list[RuleFileError] = []
    parsed: list[tuple[Path, Any, dict[Any, tuple[int, int]]]] = []
    for f in files:
        try:
            data, positions = load_with_positions(f)
        except RuleFileError as e:
            errors.append(e)
            continue
        try:
            model = RuleFile.model_validate(data)
        except ValidationError as e:
            errors.extend(_schema_errors(f, data, positions, e))
            continue
        parsed.append((f, model.model_dump(mode="json", by_alias=True, exclude_none=True), positions))
    if errors:
        return Inspection(list(files), None, errors, [], [])
    book, found = _link(parsed)
    by = {sev: [e for e in found if e.severity == sev] for sev in ("error", "warning", "unverified")}
    return Inspection(list(files), book, by["error"], by["warning"], by["unverified"])


def _schema_errors(path: Path, data: Any, positions: dict[Any, tuple[int, int]], err: Any) -> list[RuleFileError]:
    out = []
    seen: set[tuple[Any, ...]] = set()
    for e in err.errors(include_url=False):
        yaml_path = _yaml_path(data, e["loc"])
        line, col = _position(positions, yaml_path)
        msg, hint = _explain(e, data, yaml_path)
        key = (line, col, msg)
        if key in seen:
            continue
        seen.add(key)
        where = ".".join(str(p) for p in yaml_path) or "(top)"
        out.append(RuleFileError(f"{where}: {msg}", path, line, col, hint=hint))
    return out


def _yaml_path(data: Any, loc: Iterable[Any]) -> tuple[str | int, ...]:
    """Map a pydantic error location onto the document, dropping union tags that pydantic inserts."""
    out: list[str | int] = []
    cur = data
    for part in loc:
        if isinstance(cur, dict) and part in cur:
            out.append(part)
            cur = cur[part]
        elif isinstance(cur, dict) and part == "not_" and "not" in cur:
            out.append("not")
            cur = cur["not"]
        elif isinstance(cur, dict) and part == "from_" and "from" in cur:
            out.append("from")
            cur = cur["from"]
        elif isinstance(cur, dict) and part == "schema_" and "schema" in cur:
            out.append("schema")
            cur = cur["schema"]
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            out.append(part)
            cur = cur[part]
        elif isinstance(cur, dict) and isinstance(part, str) and part not in cur and not out:
            continue
    return tuple(out)


def _position(positions: dict[Any, tuple[int, int]], path: tuple[Any, ...]) -> tuple[int | None, int | None]:
    for n in range(len(path), -1, -1):
        if path[:n] in positions:
            return positions[path[:n]]
    return None, None


def _explain(e: dict[str, Any], data: Any, path: tuple[Any, ...]) -> tuple[str, str]:
    """One readable sentence and a hint for a pydantic error."""
    import difflib

    kind, msg, ctx = e["type"], e["msg"], e.get("ctx") or {}
    if kind == "extra_forbidden":
        key = e["loc"][-1]
        parent = _at(data, path[:-1])
        allowed = _allowed_keys(e["loc"], parent)
        close = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f"Did you mean '{close[0]}'?" if close else (f"Allowed here: {', '.join(allowed)}." if allowed else "")
        return f"unknown key '{key}'", hint
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        tag = ctx.get("tag", "")
        expected = str(ctx.get("expected_tags", "")).replace("'", "")
        if tag == "invalid":
            return "a condition or region needs exactly one operator key", f"Use one of: {expected}."
        close = difflib.get_close_matches(str(tag), [t.strip() for t in expected.split(",")], n=1)
        hint = f"Did you mean '{close[0]}'?" if close else f"Use one of: {expected}."
        return f"unknown kind '{tag}'", hint
    if kind == "literal_error":
        return f"{msg.lower()}", f"Allowed values: {ctx.get('expected', '')}."
    if kind == "missing":
        return f"missing required key '{e['loc'][-1]}'", "Add it."
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type"):
        return f"not a date: {e.get('input')!r}", "Use YYYY-MM-DD."
    if kind == "string_pattern_mismatch":
        return (
            f"{e.get('input')!r} does not match {ctx.get('pattern')}",
            "Ids are lowercase letters, digits and '-'; state codes are ISO 3166-1 alpha-3 (e.g. USA).",
        )
    if kind in ("model_type", "dict_type") and not path:
        return "a rule file is a mapping of keys", "Start it with 'schema: treatyscope.rules/1'."
    if kind == "value_error":
        return msg.removeprefix("Value error, "), ""
    return msg, ""


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    cur = data
    for p in path:
        try:
            cur = cur[p]
        except (KeyError, IndexError, TypeError):
            return None
    return cur


def _allowed_keys(loc: tuple[Any, ...], parent: Any) -> list[str]:
    from treatyscope.rules import model as m

    names = {
        "RuleFile": m.RuleFile,
        "Treaty": m.Treaty,
        "Party": m.Party,
        "Article": m.Article,
        "Version": m.Version,
        "Example": m.Example,
        "Source": m.Source,
        "Interpretation": m.Interpretation,
        "Reading": m.Reading,
    }
    top = loc[0] if loc else ""
    guess = {
        "treaty": "Treaty",
        "parties": "Party",
        "articles": "Article",
        "sources": "Source",
        "interpretations": "Interpretation",
    }.get(str(top), "RuleFile")
    if "versions" in loc:
        guess = "Version"
    if "examples" in loc:
        guess = "Example"
    if "readings" in loc:
        guess = "Reading"
    if len(loc) == 1:
        guess = "RuleFile"
    fields: dict[str, Any] = names[guess].model_fields  # type: ignore[attr-defined]
    return sorted(f.alias or n for n, f in fields.items())


# ----------------------------------------------------------------------------------------------------- linking


def _link(
    parsed: list[tuple[Path, dict[str, Any], dict[Any, tuple[int, int]]]],
) -> tuple[dict[str, Any], list[RuleFileError]]:
    """Merge the files' named things and check every reference, date and id."""
    from treatyscope.place.data import geodata

    errors: list[RuleFileError] = []
    regions: dict[str, Any] = {}
    conditions: dict[str, Any] = {}
    interpretations: dict[str, Any] = {}
    parallels: dict[str, Any] = {}
    sources: dict[str, Any] = {}
    origin: dict[str, str] = {}
    treaties: dict[str, Any] = {}

    def err(
        f: Path,
        pos: dict[Any, tuple[int, int]],
        path: tuple[Any, ...],
        msg: str,
        hint: str = "",
        severity: str = "error",
    ) -> None:
        line, col = _position(pos, path)
        where = ".".join(str(p) for p in path)
        errors.append(RuleFileError(f"{where}: {msg}" if where else msg, f, line, col, hint=hint, severity=severity))

    for f, doc, pos in parsed:
        for kind, table, items in (
            ("region", regions, doc.get("regions", {}).items()),
            ("condition", conditions, doc.get("conditions", {}).items()),
            ("parallel", parallels, doc.get("parallels", {}).items()),
        ):
            for name, value in items:
                if name in table:
                    err(
                        f,
                        pos,
                        (kind + "s", name),
                        f"{kind} '{name}' is also defined in {origin[kind + ':' + name]}",
                        "Ids are shared by all rule files; rename one.",
                    )
                table[name] = value
                origin[f"{kind}:{name}"] = str(f)
        for i, interp in enumerate(doc.get("interpretations", [])):
            if interp["id"] in interpretations:
                err(
                    f,
                    pos,
                    ("interpretations", i, "id"),
                    f"interpretation '{interp['id']}' is also defined in {origin['interpretation:' + interp['id']]}",
                    "Ids are shared by all rule files; rename one.",
                )
            interpretations[interp["id"]] = interp
            origin[f"interpretation:{interp['id']}"] = str(f)
        for i, src in enumerate(doc.get("sources", [])):
            if src["id"] in sources and sources[src["id"]] != src:
                err(
                    f,
                    pos,
                    ("sources", i, "id"),
                    f"source '{src['id']}' is also defined, differently, in {origin['source:' + src['id']]}",
                    "Rename one, or make them identical.",
                )
            sources[src["id"]] = src
            origin[f"source:{src['id']}"] = str(f)
        if "treaty" in doc:
            tid = doc["treaty"]["id"]
            if tid in treaties:
                err(f, pos, ("treaty", "id"), f"treaty '{tid}' is also defined in {treaties[tid]['file']}")
            treaties[tid] = {
                **doc["treaty"],
                "parties": doc.get("parties", []),
                "suspensions": doc.get("suspensions", []),
                "protected": doc.get("protected", []),
                "articles": doc.get("articles", []),
                "file": str(f),
            }
            origin[f"treaty:{tid}"] = str(f)

    data = geodata()
    known = {
        "territory": set(data.territories),
        "feature": set(data.features),
        "sea": set(data.seas),
        "sea_family": set(data.sea_families),
        "subdivision": set(data.iso_3166_2_index),
    }
    states = set(data.entities)
    known["state"] = states
    article_ids: dict[str, str] = {}

    for f, doc, pos in parsed:
        checker = _RefChecker(f, pos, regions, conditions, interpretations, parallels, sources, known, err)
        for name, region in doc.get("regions", {}).items():
            checker.region(region, ("regions", name), (name,))
        for name, cond in doc.get("conditions", {}).items():
            checker.condition(cond, ("conditions", name))
        for name, par in doc.get("parallels", {}).items():
            checker.parallel(par, ("parallels", name))
        for i, interp in enumerate(doc.get("interpretations", [])):
            for j, reading in enumerate(interp["readings"]):
                at: tuple[str | int, ...] = ("interpretations", i, "readings", j)
                for sid in reading["sources"]:
                    checker.source(sid, (*at, "sources"))
                if "region" in reading:
                    checker.region(reading["region"], (*at, "region"))
                if "condition" in reading:
                    checker.condition(reading["condition"], (*at, "condition"))
        if "treaty" not in doc:
            continue
        treaty = doc["treaty"]
        for sid in treaty["sources"]:
            checker.source(sid, ("treaty", "sources"))
        in_force, ended = _d(treaty["in_force"]), _d(treaty.get("ended"))
        if _d(treaty["signed"]) > in_force:
            err(f, pos, ("treaty", "in_force"), "entry into force is before signature")
        for i, party in enumerate(doc.get("parties", [])):
            checker.source(party["source"], ("parties", i, "source"))
            if party["code"] not in states:
                err(
                    f,
                    pos,
                    ("parties", i, "code"),
                    f"unknown state code {party['code']}",
                    "Use ISO 3166-1 alpha-3, or ISO 3166-3 for former states (SUN, DDR, YUG, CSK); others are listed "
                    "in geodata/curated/entities.yaml.",
                )
            if _d(party["from"]) < in_force:
                err(
                    f,
                    pos,
                    ("parties", i, "from"),
                    f"membership starts ({party['from']}) before the treaty's entry into force ({in_force})",
                )
            if ended and party.get("to") and _d(party["to"]) > ended:
                err(f, pos, ("parties", i, "to"), "membership ends after the treaty ended")
        for i, prot in enumerate(doc.get("protected", [])):
            checker.source(prot["source"], ("protected", i, "source"))
            if prot["code"] not in states:
                err(f, pos, ("protected", i, "code"), f"unknown state code {prot['code']}")
            if _d(prot["from"]) < in_force:
                err(f, pos, ("protected", i, "from"), "protection starts before the treaty's entry into force")
        party_codes = {p["code"] for p in doc.get("parties", [])}
        for i, sus in enumerate(doc.get("suspensions", [])):
            checker.source(sus["source"], ("suspensions", i, "source"))
            for role in ("obligor", "beneficiary"):
                if sus[role] not in party_codes:
                    err(
                        f,
                        pos,
                        ("suspensions", i, role),
                        f"{sus[role]} is not among the treaty's parties",
                        "A suspension is between two parties of this treaty.",
                    )
            if sus["obligor"] == sus["beneficiary"]:
                err(f, pos, ("suspensions", i, "beneficiary"), "a party cannot suspend obligations toward itself")
        by_code: dict[str, list[tuple[int, Any]]] = {}
        for i, party in enumerate(doc.get("parties", [])):
            by_code.setdefault(party["code"], []).append((i, party))
        for code, periods in by_code.items():
            periods.sort(key=lambda ip: _d(ip[1]["from"]))
            for (_, a), (j, b) in itertools.pairwise(periods):
                if a.get("to") is None or _d(a["to"]) > _d(b["from"]):
                    err(f, pos, ("parties", j, "from"), f"{code}'s memberships overlap")
        for i, art in enumerate(doc.get("articles", [])):
            at = ("articles", i)
            if art["id"] in article_ids:
                err(f, pos, (*at, "id"), f"article '{art['id']}' is also defined in {article_ids[art['id']]}")
            article_ids[art["id"]] = str(f)
            checker.source(art["source"], (*at, "source"))
            versions = art["versions"]
            for j, v in enumerate(versions):
                vat = (*at, "versions", j)
                checker.source(v["source"], (*vat, "source"))
                for target, cond in v["targets"].items():
                    checker.condition(cond, (*vat, "targets", target))
                if _d(v["from"]) < in_force:
                    err(f, pos, (*vat, "from"), f"version starts ({v['from']}) before the treaty's entry into force")
            ordered = sorted(enumerate(versions), key=lambda jv: _d(jv[1]["from"]))
            for (_, a), (j, b) in itertools.pairwise(ordered):
                if a.get("to") is None:
                    err(
                        f,
                        pos,
                        (*at, "versions", j, "from"),
                        f"versions overlap: {a['id']} has no end date but {b['id']} starts {b['from']}",
                        "Give the earlier version 'to:' (exclusive).",
                    )
                elif _d(a["to"]) > _d(b["from"]):
                    err(f, pos, (*at, "versions", j, "from"), f"versions {a['id']} and {b['id']} overlap")
                elif _d(a["to"]) < _d(b["from"]):
                    err(
                        f,
                        pos,
                        (*at, "versions", j, "from"),
                        f"a gap between versions {a['id']} (to {a['to']}) and {b['id']} (from {b['from']})",
                        "Versions of an article must follow each other.",
                    )
            if ordered and _d(ordered[0][1]["from"]) > in_force:
                err(
                    f,
                    pos,
                    (*at, "versions", ordered[0][0], "from"),
                    f"the first version starts {ordered[0][1]['from']}, "
                    f"not at the treaty's entry into force ({in_force})",
                )
            for k, ex in enumerate(art.get("examples", [])):
                eat = (*at, "examples", k)
                checker.source(ex["source"], (*eat, "source"))
                for term, reading in ex.get("interpretations", {}).items():
                    if term not in interpretations:
                        err(f, pos, (*eat, "interpretations", term), f"unknown interpretation '{term}'")
                    elif reading not in {r["id"] for r in interpretations[term]["readings"]}:
                        err(f, pos, (*eat, "interpretations", term), f"'{term}' has no reading '{reading}'")
    # Every id-like word in every file, counted once for all the files (for "never cited").
    words = Counter(re.findall(r"[a-z0-9][a-z0-9-]*", json.dumps([d for _, d, _ in parsed])))
    for f, doc, pos in parsed:
        _hygiene(f, doc, pos, words, err)
    book = {
        "format": FORMAT,
        "files": [str(f) for f, _, _ in parsed],
        "regions": regions,
        "conditions": conditions,
        "interpretations": interpretations,
        "parallels": parallels,
        "sources": sources,
        "treaties": treaties,
        "origin": origin,
    }
    return book, errors


def _hygiene(
    f: Path,
    doc: dict[str, Any],
    pos: dict[Any, tuple[int, int]],
    words: Counter[str],
    err: Any,
) -> None:
    """Warnings (sources nobody cites or nobody can find, articles without examples, blank texts) and the list
    of parts marked unverified."""
    for i, src in enumerate(doc.get("sources", [])):
        # Cited anywhere (a `source:` field, a list of sources, or "source ID" in a note): beyond its definition.
        if words[src["id"]] <= 1:
            err(
                f, pos, ("sources", i, "id"), f"source '{src['id']}' is never cited", "Cite it or remove it.", "warning"
            )
        if not src.get("url") and not src.get("note"):
            err(
                f,
                pos,
                ("sources", i),
                f"source '{src['id']}' has neither a url nor a note",
                "Say where a reader can find it (an address, or a note naming the archive, volume and page).",
                "warning",
            )
    for i, art in enumerate(doc.get("articles", [])):
        at = ("articles", i)
        if not art.get("examples"):
            err(
                f,
                pos,
                at,
                f"article '{art['id']}' has no examples",
                "Add sourced examples: they are its tests.",
                "warning",
            )
        texts = [((*at, "text"), art["text"])] + [
            ((*at, "versions", j, "text"), v["text"]) for j, v in enumerate(art["versions"])
        ]
        for where, text in texts:
            if not text.strip(" .…\n\t"):
                err(f, pos, where, "the text is blank", "Quote the article's words verbatim.")
        if not art.get("verified", True):
            err(
                f,
                pos,
                (*at, "verified"),
                f"article '{art['id']}' text: {art.get('unverified_note', '')}",
                "",
                "unverified",
            )
        for j, v in enumerate(art["versions"]):
            if not v.get("verified", True):
                err(
                    f,
                    pos,
                    (*at, "versions", j, "verified"),
                    f"version '{v['id']}' wording: {v.get('unverified_note', '')}",
                    "",
                    "unverified",
                )
    for key, what in (("parties", "membership"), ("protected", "protection")):
        for i, party in enumerate(doc.get(key, [])):
            if party.get("unverified"):
                err(
                    f,
                    pos,
                    (key, i),
                    f"{what} of {party['code']} from {party['from']}: {party.get('note', 'dates not verified')}",
                    "",
                    "unverified",
                )
    for i, interp in enumerate(doc.get("interpretations", [])):
        for j, r in enumerate(interp["readings"]):
            if r.get("unverified"):
                err(
                    f,
                    pos,
                    ("interpretations", i, "readings", j),
                    f"reading '{interp['id']}={r['id']}'",
                    "",
                    "unverified",
                )
    for name, region in doc.get("regions", {}).items():
        for node in _walk(region):
            if "polygon" in node and node["polygon"].get("unverified"):
                idx = ", ".join(map(str, node["polygon"]["unverified"]))
                err(f, pos, ("regions", name), f"region '{name}': polygon vertices {idx}", "", "unverified")


def _walk(x: Any) -> Iterable[dict[str, Any]]:
    if isinstance(x, dict):
        yield x
        for v in x.values():
            yield from _walk(v)
    elif isinstance(x, list):
        for v in x:
            yield from _walk(v)


class _RefChecker:
    def __init__(
        self,
        f: Path,
        pos: dict[Any, tuple[int, int]],
        regions: dict[str, Any],
        conditions: dict[str, Any],
        interpretations: dict[str, Any],
        parallels: dict[str, Any],
        sources: dict[str, Any],
        known: dict[str, set[str]],
        err: Any,
    ) -> None:
        self.f, self.pos, self.regions, self.conditions = f, pos, regions, conditions
        self.interpretations, self.parallels, self.sources, self.known, self.err = (
            interpretations,
            parallels,
            sources,
            known,
            err,
        )

    def _e(self, at: tuple[Any, ...], msg: str, hint: str = "") -> None:
        self.err(self.f, self.pos, at, msg, hint)

    def source(self, sid: str, at: tuple[Any, ...]) -> None:
        if sid not in self.sources:
            import difflib

            close = difflib.get_close_matches(sid, list(self.sources), n=1)
            self._e(at, f"unknown source '{sid}'", f"Did you mean '{close[0]}'?" if close else "Add it to 'sources'.")

    def _interp(self, iid: str, at: tuple[Any, ...], kind: str) -> None:
        interp = self.interpretations.get(iid)
        if interp is None:
            self._e(at, f"unknown interpretation '{iid}'", "Define it under 'interpretations'.")
            return
        bad = [r["id"] for r in interp["readings"] if kind not in r]
        if bad:
            self._e(
                at,
                f"interpretation '{iid}' is used as a {kind.replace('_', ' ')}, but readings {', '.join(bad)} "
                f"do not define one",
            )

    def region(self, region: Any, at: tuple[Any, ...], seen: tuple[str, ...] = (), own: bool = True) -> None:
        """Check a region where it is written (`own`), and follow its references to find cycles (`seen`: the
        named regions on the way; a cycle is reported where its first region is defined)."""
        if isinstance(region, str) or (isinstance(region, dict) and "ref" in region):
            name = region if isinstance(region, str) else region["ref"]
            if name not in self.regions:
                if not own:
                    return  # reported where it is written
                import difflib

                close = difflib.get_close_matches(name, list(self.regions), n=1)
                self._e(
                    at,
                    f"unknown region '{name}'",
                    f"Did you mean '{close[0]}'?"
                    if close
                    else "Define it under 'regions', or use a kind such as {territory: ...}.",
                )
            elif name in seen:
                # Reported once, where a region of the cycle is defined, not at every use.
                if at[0] == "regions" and name == seen[0]:
                    self._e(
                        at, f"region '{name}' refers to itself through {' -> '.join((*seen, name))}", "Break the cycle."
                    )
            elif len(seen) < 50:
                self.region(self.regions[name], at, (*seen, name), own=False)
            return
        for kind in PLACE_KINDS if own else ():
            for name in region.get(kind, []):
                if name not in self.known[kind]:
                    self._e(
                        (*at, kind),
                        f"unknown {kind.replace('_', ' ')} '{name}'",
                        "See 'treatyscope places' for territory, sea and feature ids, and "
                        "geodata/curated/seas.yaml for sea families; subdivisions are ISO 3166-2 codes.",
                    )
        for key in ("union", "intersection", "difference"):
            for k, sub in enumerate(region.get(key, [])):
                self.region(sub, (*at, key, k) if own else at, seen, own)
        if "interpretation" in region:
            if own:
                self._interp(region["interpretation"], (*at, "interpretation"), "region")
            interp = self.interpretations.get(region["interpretation"])
            if interp and region["interpretation"] not in seen:
                for r in interp["readings"]:
                    if "region" in r:
                        self.region(r["region"], at, (*seen, region["interpretation"]), own=False)
        if "band" in region and own:
            self._band(region["band"], (*at, "band"))
        if "polygon" in region and own:
            from treatyscope.engine import polygon_problems

            for i, problem in polygon_problems(region["polygon"]):
                where = (*at, "polygon", "vertices", i) if i is not None else (*at, "polygon")
                self._e(where, problem, "Check the vertices ([lon, lat]) and legs against the treaty text.")

    def _band(self, band: dict[str, Any], at: tuple[Any, ...]) -> None:
        for side in ("north_of", "south_of"):
            ref = band.get(side)
            if isinstance(ref, str) and ref not in self.parallels:
                self._e((*at, side), f"unknown parallel '{ref}'", "Define it under 'parallels', or give degrees.")

    def parallel(self, par: dict[str, Any], at: tuple[Any, ...]) -> None:
        if "interpretation" in par:
            self._interp(par["interpretation"], (*at, "interpretation"), "parallel")

    def condition(self, cond: dict[str, Any], at: tuple[Any, ...], seen: tuple[str, ...] = ()) -> None:
        for key in ("all", "any"):
            for k, sub in enumerate(cond.get(key, [])):
                self.condition(sub, (*at, key, k), seen)
        if "not" in cond:
            self.condition(cond["not"], (*at, "not"), seen)
        if "in_region" in cond:
            self.region(cond["in_region"], (*at, "in_region"))
        if "latitude" in cond:
            self._band(cond["latitude"], (*at, "latitude"))
        if "territory_of" in cond:
            for k, code in enumerate(cond["territory_of"].get("states", [])):
                if code not in self.known["state"]:
                    self._e((*at, "territory_of", "states", k), f"unknown state code {code}")
            by = cond["territory_of"]["by"]
            if by not in ("sovereignty", "administration", "either"):
                self._interp(by, (*at, "territory_of", "by"), "territory_by")
        if "use" in cond:
            name = cond["use"]
            if name not in self.conditions:
                self._e((*at, "use"), f"unknown condition '{name}'", "Define it under 'conditions'.")
            elif name in seen:
                self._e((*at, "use"), f"condition '{name}' uses itself through {' -> '.join((*seen, name))}")
            elif len(seen) < 50:
                self.condition(self.conditions[name], at, (*seen, name))
        if "interpretation" in cond:
            self._interp(cond["interpretation"], (*at, "interpretation"), "condition")


# ------------------------------------------------------------------------------------------------------ cache


def _cache_dir() -> Path | None:
    env = os.environ.get("TREATYSCOPE_CACHE_DIR")
    if env is not None:
        return Path(env) if env else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "treatyscope"


def _cache_key(contents: list[tuple[str, bytes]]) -> str:
    from treatyscope import __version__

    h = hashlib.sha256(FORMAT.encode())
    h.update(__version__.encode())
    h.update(Path(__file__).read_bytes())
    h.update((Path(__file__).parent / "model.py").read_bytes())
    prov = geodata_dir() / "PROVENANCE.json"
    if prov.exists():
        h.update(prov.read_bytes())
    for name, data in contents:
        h.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()


def _cache_read(key: str) -> dict[str, Any] | None:
    d = _cache_dir()
    if d is None:
        return None
    try:
        with open(d / f"rules-{key}.json", encoding="utf-8") as f:
            data: dict[str, Any] = json.load(f)
        return data if data.get("format") == FORMAT else None
    except (OSError, ValueError):
        return None


def _cache_write(key: str, compiled: dict[str, Any]) -> None:
    d = _cache_dir()
    if d is None:
        return
    try:
        d.mkdir(parents=True, exist_ok=True)
        tmp = d / f".rules-{key}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(compiled, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, d / f"rules-{key}.json")
    except OSError:
        pass  # a read-only home is fine: the next run validates again


def _from_compiled(c: dict[str, Any]) -> RuleBook:
    treaties = {}
    for tid, t in c["treaties"].items():
        treaties[tid] = TreatyRules(
            id=tid,
            name=t["name"],
            short_name=t.get("short_name") or t["name"],
            signed=_d(t["signed"]),
            in_force=_d(t["in_force"]),
            ended=_d(t.get("ended")),
            end_note=t.get("end_note"),
            notes=list(t.get("notes", [])),
            sources=list(t.get("sources", [])),
            parties=list(t["parties"]),
            articles=list(t["articles"]),
            file=t["file"],
            suspensions=list(t.get("suspensions", [])),
            protected=list(t.get("protected", [])),
        )
    return RuleBook(
        files=list(c["files"]),
        treaties=dict(sorted(treaties.items())),
        regions=c["regions"],
        conditions=c["conditions"],
        interpretations=c["interpretations"],
        parallels=c["parallels"],
        sources=c["sources"],
        origin=c.get("origin", {}),
    )

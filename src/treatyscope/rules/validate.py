"""Validating rule files: YAML syntax and the schema per file; then, across all the files, ids, references, dates,
geometry and hygiene. Every finding carries its file, line and column.

Errors make the files unusable; warnings (sources nobody cites or nobody can find, articles without examples) are
hygiene and fail only `validate --strict`; the parts marked unverified are listed. References are checked by the
nodes themselves (each kind of region and condition knows what it refers to); cycles between named regions and
conditions over the whole book.
"""

from __future__ import annotations

import difflib
import itertools
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from treatyscope.english import join
from treatyscope.errors import RuleFileError
from treatyscope.periods import Period, day, day_or_none
from treatyscope.rules.compiled import FORMAT, read_book
from treatyscope.rules.compiled import article as read_article
from treatyscope.rules.conditions import (
    AllCondition,
    AnyCondition,
    ConstCondition,
    DateCondition,
    InterpretationCondition,
    NotCondition,
    UseCondition,
)
from treatyscope.rules.hygiene import hygiene, inline
from treatyscope.rules.language import Node, RuleBook, reachable
from treatyscope.rules.language import Path as At
from treatyscope.rules.regions import InterpretationRegion, RefRegion
from treatyscope.rules.schema_errors import position, schema_errors

Positions = dict[Any, tuple[int, int]]


@dataclass
class Inspection:
    """What validation found: errors (the files cannot be used), warnings (hygiene) and the parts marked
    unverified. Syntax and schema are checked per file; references across files only when every file parsed."""

    files: list[Path]
    book: dict[str, Any] | None
    errors: list[RuleFileError]
    warnings: list[RuleFileError] = field(default_factory=list)
    unverified: list[RuleFileError] = field(default_factory=list)


def compile_rulebook(files: Sequence[Path]) -> dict[str, Any]:
    """The compiled book of valid files (or the first error, saying how many more there are)."""
    found = inspect_files(files)
    if found.errors or found.book is None:
        first = found.errors[0]
        more = f" (and {len(found.errors) - 1} more)" if len(found.errors) > 1 else ""
        raise RuleFileError(first.detail + more, first.path, first.line, first.column, hint=first.hint)
    return found.book


def inspect_files(files: Sequence[Path]) -> Inspection:
    from pydantic import ValidationError

    from treatyscope.rules.model import RuleFile
    from treatyscope.rules.yamlsafe import load_with_positions

    errors: list[RuleFileError] = []
    parsed: list[tuple[Path, dict[str, Any], Positions]] = []
    for f in files:
        try:
            data, positions = load_with_positions(f)
        except RuleFileError as e:
            errors.append(e)
            continue
        try:
            model = RuleFile.model_validate(data)
        except ValidationError as e:
            errors.extend(schema_errors(f, data, positions, e))
            continue
        parsed.append((f, model.model_dump(mode="json", by_alias=True, exclude_none=True), positions))
    if errors:
        return Inspection(list(files), None, errors)
    linker = _Linker(parsed)
    book = linker.link()
    by = {sev: [e for e in linker.findings if e.severity == sev] for sev in ("error", "warning", "unverified")}
    return Inspection(list(files), book, by["error"], by["warning"], by["unverified"])


class _Linker:
    """Merges the files' named things and checks every id, reference and date."""

    def __init__(self, parsed: list[tuple[Path, dict[str, Any], Positions]]) -> None:
        self.parsed = parsed
        self.findings: list[RuleFileError] = []
        self.merged: dict[str, dict[str, Any]] = {
            k: {} for k in ("regions", "conditions", "parallels", "interpretations", "sources", "treaties")
        }
        self.origin: dict[str, str] = {}
        # An unknown name is reported once, where it is first used; its other uses are listed in that report.
        self.dangling: dict[tuple[str, str], tuple[int, list[tuple[Path, int | None]]]] = {}

    def report_unknown(self, kind: str, name: str, f: Path, pos: Positions, at: At, msg: str, hint: str) -> None:
        key = (kind, name)
        if key in self.dangling:
            self.dangling[key][1].append((f, position(pos, at)[0]))
            return
        self.report(f, pos, at, msg, hint)
        self.dangling[key] = (len(self.findings) - 1, [])

    def _note_other_uses(self) -> None:
        for index, uses in self.dangling.values():
            if not uses:
                continue
            first = self.findings[index]
            here = [str(line) for f, line in uses if str(f) == first.path and line is not None]
            there = [f"{f}:{line}" for f, line in uses if str(f) != first.path]
            parts = [("line " if len(here) == 1 else "lines ") + join(here)] if here else []
            also = join(parts + there)
            self.findings[index] = RuleFileError(
                f"{first.detail} (also used at {also})",
                first.path,
                first.line,
                first.column,
                hint=first.hint,
                severity=first.severity,
            )

    def report(self, f: Path, pos: Positions, at: At, msg: str, hint: str = "", severity: str = "error") -> None:
        line, col = position(pos, at)
        where = ".".join(str(p) for p in at)
        self.findings.append(
            RuleFileError(f"{where}: {msg}" if where else msg, f, line, col, hint=hint, severity=severity)
        )

    def link(self) -> dict[str, Any]:
        for f, doc, pos in self.parsed:
            self._merge(f, doc, pos)
        compiled = {
            "format": FORMAT,
            "files": [str(f) for f, _, _ in self.parsed],
            **self.merged,
            "origin": self.origin,
        }
        book = read_book(compiled)
        from treatyscope.place.data import geodata

        data = geodata()
        known = {
            "territory": set(data.territories),
            "feature": set(data.features),
            "sea": set(data.seas),
            "sea_family": set(data.sea_families),
            "subdivision": set(data.iso_3166_2_index),
            "state": set(data.entities),
        }
        # Every id-like word in every file, counted once for all the files (for "never cited").
        words = Counter(re.findall(r"[a-z0-9][a-z0-9-]*", json.dumps([d for _, d, _ in self.parsed])))
        article_ids: dict[str, str] = {}
        for f, doc, pos in self.parsed:
            check = _Checker(self, f, pos, book, known)
            self._nodes(doc, check, book)
            if "treaty" in doc:
                self._treaty(f, doc, pos, check, article_ids)
            hygiene(f, doc, pos, words, self.report)
        self._note_other_uses()
        return compiled

    def _merge(self, f: Path, doc: dict[str, Any], pos: Positions) -> None:
        for kind in ("regions", "conditions", "parallels"):
            for name, value in doc.get(kind, {}).items():
                self._define(f, pos, kind, name, value, (kind, name))
        for i, interp in enumerate(doc.get("interpretations", [])):
            self._define(f, pos, "interpretations", interp["id"], interp, ("interpretations", i, "id"))
        for i, src in enumerate(doc.get("sources", [])):
            if src["id"] in self.merged["sources"] and self.merged["sources"][src["id"]] != src:
                where = self.origin["source:" + src["id"]]
                self.report(
                    f,
                    pos,
                    ("sources", i, "id"),
                    f"source '{src['id']}' is also defined, differently, in {where}",
                    "Rename one, or make them identical.",
                )
            self.merged["sources"][src["id"]] = src
            self.origin[f"source:{src['id']}"] = str(f)
        if "treaty" in doc:
            tid = doc["treaty"]["id"]
            if tid in self.merged["treaties"]:
                self.report(
                    f,
                    pos,
                    ("treaty", "id"),
                    f"treaty '{tid}' is also defined in {self.merged['treaties'][tid]['file']}",
                )
            self.merged["treaties"][tid] = {
                **doc["treaty"],
                **{k: doc.get(k, []) for k in ("parties", "suspensions", "protected", "articles")},
                "file": str(f),
            }
            self.origin[f"treaty:{tid}"] = str(f)

    def _define(self, f: Path, pos: Positions, kind: str, name: str, value: Any, at: At) -> None:
        singular = kind.removesuffix("s")
        if name in self.merged[kind]:
            self.report(
                f,
                pos,
                at,
                f"{singular} '{name}' is also defined in {self.origin[singular + ':' + name]}",
                "Ids are shared by all rule files; rename one.",
            )
        self.merged[kind][name] = value
        self.origin[f"{singular}:{name}"] = str(f)

    def _nodes(self, doc: dict[str, Any], check: _Checker, book: RuleBook) -> None:
        """References of every node the file writes, and cycles through its named regions and conditions."""
        named: list[tuple[str, str, Node]] = [("regions", n, book.regions[n]) for n in doc.get("regions", {})]
        named += [("conditions", n, book.conditions[n]) for n in doc.get("conditions", {})]
        for kind, name, node in named:
            node.validate(check, (kind, name))
            _cycles(name, node, (kind, name), book, check, kind.removesuffix("s"))
        for name, par in doc.get("parallels", {}).items():
            if "interpretation" in par:
                check.interpretation(par["interpretation"], ("parallels", name, "interpretation"), "parallel")
        for i, interp in enumerate(doc.get("interpretations", [])):
            parsed = book.interpretations[interp["id"]]
            for j, reading in enumerate(parsed.readings):
                at: At = ("interpretations", i, "readings", j)
                for sid in reading.sources:
                    check.source(sid, (*at, "sources"))
                if reading.region is not None:
                    reading.region.validate(check, (*at, "region"))
                if reading.condition is not None:
                    reading.condition.validate(check, (*at, "condition"))

    def _treaty(
        self, f: Path, doc: dict[str, Any], pos: Positions, check: _Checker, article_ids: dict[str, str]
    ) -> None:
        treaty = doc["treaty"]
        for sid in treaty["sources"]:
            check.source(sid, ("treaty", "sources"))
        if treaty.get("accession"):
            check.source(treaty["accession"]["source"], ("treaty", "accession", "source"))
        in_force, ended = day(treaty["in_force"]), day_or_none(treaty.get("ended"))
        if day(treaty["signed"]) > in_force:
            check.error(("treaty", "in_force"), "entry into force is before signature")
        if ended is not None and ended <= in_force:
            check.error(
                ("treaty", "ended"),
                f"the treaty ends ({ended}) on or before it enters into force ({in_force})",
                "'ended' is the first day the treaty no longer applies.",
            )
            ended = None  # reported once here, not again at every dated period
        _memberships(doc, check, in_force, ended)
        for i, art in enumerate(doc.get("articles", [])):
            at: At = ("articles", i)
            if art["id"] in article_ids:
                check.error((*at, "id"), f"article '{art['id']}' is also defined in {article_ids[art['id']]}")
            article_ids[art["id"]] = str(f)
            check.source(art["source"], (*at, "source"))
            for j, (v, parsed) in enumerate(zip(art["versions"], read_article(art).versions, strict=True)):
                vat: At = (*at, "versions", j)
                check.source(v["source"], (*vat, "source"))
                for target, cond in parsed.targets.items():
                    cond.validate(check, (*vat, "targets", target))
                if day(v["from"]) < in_force:
                    check.error((*vat, "from"), f"version starts ({v['from']}) before the treaty's entry into force")
                _obligation(art, v, vat, check)
                _before_end(check, vat, v, ended, "the version")
            _versions(art, at, check, in_force)
            for k, ex in enumerate(art.get("examples", [])):
                eat: At = (*at, "examples", k)
                check.source(ex["source"], (*eat, "source"))
                for term, reading in ex.get("interpretations", {}).items():
                    interp = check.book.interpretations.get(term)
                    if interp is None:
                        check.error((*eat, "interpretations", term), f"unknown interpretation '{term}'")
                    elif reading not in {r.id for r in interp.readings}:
                        check.error((*eat, "interpretations", term), f"'{term}' has no reading '{reading}'")


DAY_ONLY = (DateCondition, ConstCondition, AllCondition, AnyCondition, NotCondition)  # conditions of the day alone


def _membership_question(check: _Checker, iid: str, at: At) -> None:
    """A disputed membership's question: an interpretation whose readings say, by the day alone, whether the state
    is a Party (who is bound reads them without a place: evaluation.bound)."""
    check.interpretation(iid, at, "condition")
    interp = check.book.interpretations.get(iid)
    for r in interp.readings if interp else ():
        other = [n for n in reachable(r.condition, check.book) if not isinstance(n, DAY_ONLY)] if r.condition else []
        if other:
            check.error(
                at,
                f"reading '{r.id}' of '{iid}' asks about more than the day ({other[0].kind})",
                "A membership question's readings may use only date, const, all, any and not.",
            )


def _memberships(doc: dict[str, Any], check: _Checker, in_force: Any, ended: Any) -> None:
    for i, party in enumerate(doc.get("parties", [])):
        check.source(party["source"], ("parties", i, "source"))
        if not check.known("state", party["code"]):
            check.error(
                ("parties", i, "code"),
                f"unknown state code {party['code']}",
                "Use ISO 3166-1 alpha-3, or ISO 3166-3 for former states (SUN, DDR, YUG, CSK); others are listed "
                "in geodata/curated/entities.yaml.",
            )
        if day(party["from"]) < in_force:
            check.error(
                ("parties", i, "from"),
                f"membership starts ({party['from']}) before the treaty's entry into force ({in_force})",
            )
        _before_end(check, ("parties", i), party, ended, "membership")
        if party.get("disputed"):
            _membership_question(check, party["disputed"], ("parties", i, "disputed"))
        since = party.get("disputed_from")
        if since and day(since) not in Period.of(party["from"], party.get("to")):
            check.error(("parties", i, "disputed_from"), "disputed_from is outside the membership's period")
        elif since and not party.get("disputed"):
            check.error(("parties", i, "disputed_from"), "disputed_from without disputed (the question)")
    for i, prot in enumerate(doc.get("protected", [])):
        check.source(prot["source"], ("protected", i, "source"))
        if not check.known("state", prot["code"]):
            check.error(("protected", i, "code"), f"unknown state code {prot['code']}")
        if day(prot["from"]) < in_force:
            check.error(("protected", i, "from"), "protection starts before the treaty's entry into force")
        _before_end(check, ("protected", i), prot, ended, "protection")
    party_codes = {p["code"] for p in doc.get("parties", [])}
    for i, sus in enumerate(doc.get("suspensions", [])):
        check.source(sus["source"], ("suspensions", i, "source"))
        for role in ("obligor", "beneficiary"):
            if sus[role] not in party_codes:
                check.error(
                    ("suspensions", i, role),
                    f"{sus[role]} is not among the treaty's parties",
                    "A suspension is between two parties of this treaty.",
                )
        if sus["obligor"] == sus["beneficiary"]:
            check.error(("suspensions", i, "beneficiary"), "a party cannot suspend obligations toward itself")
        if day(sus["from"]) < in_force:
            check.error(("suspensions", i, "from"), "the suspension starts before the treaty's entry into force")
        _before_end(check, ("suspensions", i), sus, ended, "the suspension")
    by_code: dict[str, list[tuple[int, Any]]] = {}
    for i, party in enumerate(doc.get("parties", [])):
        by_code.setdefault(party["code"], []).append((i, party))
    for code, periods in by_code.items():
        periods.sort(key=lambda ip: day(ip[1]["from"]))
        for (_, a), (j, b) in itertools.pairwise(periods):
            if a.get("to") is None or day(a["to"]) > day(b["from"]):
                check.error(("parties", j, "from"), f"{code}'s memberships overlap")


def _before_end(check: _Checker, at: At, period: dict[str, Any], ended: Any, what: str) -> None:
    """A dated period of a treaty that has ended must start before its end and may not outlast it."""
    if ended is None:
        return
    if day(period["from"]) >= ended:
        check.error((*at, "from"), f"{what} starts ({period['from']}) on or after the treaty ended ({ended})")
    elif period.get("to") and day(period["to"]) > ended:
        check.error((*at, "to"), f"{what} ends ({period['to']}) after the treaty ended ({ended})")


def _obligation(art: dict[str, Any], v: dict[str, Any], at: At, check: _Checker) -> None:
    """The obligation's words are the article's (or the version's) own, quoted verbatim."""
    ob = v.get("obligation")
    if not ob:
        return
    words = " ".join(ob["words"].split())
    if not any(words in " ".join(t.split()) for t in (art["text"], v["text"])):
        check.error(
            (*at, "obligation", "words"),
            f"the obligation's words are not in the text of article '{art['id']}': \"{words[:60]}\"",
            "Quote the article's words verbatim (spacing may differ).",
        )


def _versions(art: dict[str, Any], at: At, check: _Checker, in_force: Any) -> None:
    """Versions follow each other without gap or overlap, the first from the treaty's entry into force."""
    ordered = sorted(enumerate(art["versions"]), key=lambda jv: day(jv[1]["from"]))
    for (_, a), (j, b) in itertools.pairwise(ordered):
        where = (*at, "versions", j, "from")
        if a.get("to") is None:
            check.error(
                where,
                f"versions overlap: {a['id']} has no end date but {b['id']} starts {b['from']}",
                "Give the earlier version 'to:' (exclusive).",
            )
        elif day(a["to"]) > day(b["from"]):
            check.error(where, f"versions {a['id']} and {b['id']} overlap")
        elif day(a["to"]) < day(b["from"]):
            check.error(
                where,
                f"a gap between versions {a['id']} (to {a['to']}) and {b['id']} (from {b['from']})",
                "Versions of an article must follow each other.",
            )
    if ordered and day(ordered[0][1]["from"]) > in_force:
        check.error(
            (*at, "versions", ordered[0][0], "from"),
            f"the first version starts {ordered[0][1]['from']}, not at the treaty's entry into force ({in_force})",
        )


def _cycles(name: str, root: Node, at: At, book: RuleBook, check: _Checker, kind: str) -> None:
    """A named region (or condition) that reaches itself through references, reported where the loop leaves it."""
    for path, node in inline(root, at):
        for start in _reference(node, book, kind):
            chain = _path_to((kind, name), start, book, kind)
            if chain is not None:
                loop = " -> ".join((name, *(n for _, n in chain)))
                if kind == "region":
                    check.error(path, f"region '{name}' refers to itself through {loop}", "Break the cycle.")
                else:
                    check.error((*path, "use"), f"condition '{name}' uses itself through {loop}", "Break the cycle.")
                return


Named = tuple[str, str]  # (kind, name): a named region or condition, or an interpretation


def _reference(node: Node, book: RuleBook, kind: str) -> list[tuple[Named, Node]]:
    """The named things a node leads to directly, and their nodes."""
    if kind == "region" and isinstance(node, RefRegion) and node.ref in book.regions:
        return [(("region", node.ref), book.regions[node.ref])]
    if kind == "condition" and isinstance(node, UseCondition) and node.name in book.conditions:
        return [(("condition", node.name), book.conditions[node.name])]
    if isinstance(node, InterpretationRegion | InterpretationCondition):
        interp = book.interpretations.get(node.term)
        readings = interp.readings if interp else ()
        found: list[Node | None] = [r.region if kind == "region" else r.condition for r in readings]
        return [(("interpretation", node.term), n) for n in found if n is not None]
    return []


def _path_to(goal: Named, start: tuple[Named, Node], book: RuleBook, kind: str) -> tuple[Named, ...] | None:
    """The named things on a way from `start` back to `goal`, if there is one (depth first, each node once)."""
    seen: set[int] = set()
    stack: list[tuple[Node, tuple[Named, ...]]] = [(start[1], (start[0],))]
    while stack:
        node, names = stack.pop()
        if names[-1] == goal:
            return names
        if id(node) in seen:
            continue
        seen.add(id(node))
        for _, inner in inline(node, ()):
            for named, target in _reference(inner, book, kind):
                stack.append((target, (*names, named)))
    return None


class _Checker:
    """Where a file's nodes report their references (rules.language.Checker)."""

    def __init__(self, linker: _Linker, f: Path, pos: Positions, book: RuleBook, known: dict[str, set[str]]) -> None:
        self.linker, self.f, self.pos, self.book, self._known = linker, f, pos, book, known

    def error(self, at: At, message: str, hint: str = "") -> None:
        self.linker.report(self.f, self.pos, at, message, hint)

    def unknown(self, kind: str, name: str, at: At, message: str, hint: str) -> None:
        self.linker.report_unknown(kind, name, self.f, self.pos, at, message, hint)

    def known(self, kind: str, name: str) -> bool:
        return name in self._known[kind]

    def source(self, sid: str, at: At) -> None:
        if sid not in self.book.sources:
            close = difflib.get_close_matches(sid, list(self.book.sources), n=1)
            self.error(
                at, f"unknown source '{sid}'", f"Did you mean '{close[0]}'?" if close else "Add it to 'sources'."
            )

    def interpretation(self, iid: str, at: At, defines: str) -> None:
        interp = self.book.interpretations.get(iid)
        if interp is None and defines == "territory_by":
            # `by` takes one of three fixed values, or the id of an interpretation whose readings choose one.
            choices = ("sovereignty", "administration", "either")
            near = difflib.get_close_matches(iid, choices, n=1)
            self.error(
                at,
                f"'{iid}' is not one of sovereignty, administration or either, nor a defined interpretation",
                f"Did you mean {near[0]}?"
                if near
                else f"Use one of those, or define an interpretation '{iid}' whose readings choose one.",
            )
            return
        if interp is None:
            self.unknown(
                "interpretation", iid, at, f"unknown interpretation '{iid}'", "Define it under 'interpretations'."
            )
            return
        attribute = {
            "region": "region",
            "condition": "condition",
            "parallel": "parallel",
            "territory_by": "territory_by",
        }
        bad = [r.id for r in interp.readings if getattr(r, attribute[defines]) is None]
        if bad:
            self.error(
                at,
                f"interpretation '{iid}' is used as a {defines.replace('_', ' ')}, but readings {', '.join(bad)} "
                "do not define one",
            )

    def region(self, name: str, at: At) -> None:
        if name not in self.book.regions:
            close = difflib.get_close_matches(name, list(self.book.regions), n=1)
            self.unknown(
                "region",
                name,
                at,
                f"unknown region '{name}'",
                f"Did you mean '{close[0]}'?"
                if close
                else "Define it under 'regions', or use a kind such as {territory: ...}.",
            )

    def condition(self, name: str, at: At) -> None:
        if name not in self.book.conditions:
            self.unknown("condition", name, at, f"unknown condition '{name}'", "Define it under 'conditions'.")

    def parallel(self, ref: float | str, at: At) -> None:
        if isinstance(ref, str) and ref not in self.book.parallels:
            self.error(at, f"unknown parallel '{ref}'", "Define it under 'parallels', or give degrees.")

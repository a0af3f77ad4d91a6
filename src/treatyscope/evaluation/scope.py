"""The scope check: is a place within what the text covers for the target kind, under every reading that matters?

A point is evaluated once per combination of the readings that disagree there. An area is cut into atoms uniform
for every fact the condition reads (rules.reach.lines, evaluation.subjects.cut); atoms with the same facts share
one answer; and for each combination of readings the covered share of its area (or a track's length, or a set of
points' number) decides between applies, partial and does-not-apply.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import shapely

from treatyscope.english import territorial_sea_of
from treatyscope.evaluation.subjects import attacked_party, cut
from treatyscope.input.scenario import Scenario
from treatyscope.place.data import GeoData
from treatyscope.place.subject import Subject
from treatyscope.result import (
    FULL_SHARE,
    Crossing,
    Part,
    ReadingVerdict,
    ScopeCheck,
    ScopeOutcome,
    TermReport,
    Verdict,
)
from treatyscope.result import Subject as Explained
from treatyscope.rules.language import Condition, Context, Parallel, RuleBook, Treaty, Truth, reachable
from treatyscope.rules.logic import Outcome, outcomes
from treatyscope.rules.parallels import candidates
from treatyscope.rules.reach import lines, named


def verdict_of(results: set[Truth]) -> Verdict:
    if results == {True}:
        return Verdict.APPLIES
    if results == {False}:
        return Verdict.DOES_NOT_APPLY
    return Verdict.CONTESTED


@dataclass(frozen=True, eq=False)
class Question:
    """What the scope is asked for: one condition, on a date, for the Parties (and protected states), with the
    readings pinned and the facts assumed."""

    book: RuleBook
    treaty: Treaty
    cond: Condition
    scenario: Scenario
    members: frozenset[str]
    party: str | None  # the attacked party, if named (or, for a point's territory, its holder)

    def context(self, party: str | None) -> Context:
        sc = self.scenario
        return Context(self.book, self.treaty, sc.date, self.members, sc.assume, party)

    def outcomes(self, s: Subject, party: str | None, pinned: dict[str, str] | None = None) -> list[Outcome]:
        return outcomes(self.cond, s, self.context(party), self.scenario.interpretations if pinned is None else pinned)


def point_scope(q: Question, s: Subject) -> ScopeCheck:
    outs = q.outcomes(s, q.party)
    verdict = verdict_of({o.result for o in outs})
    scope_outcomes = tuple(ScopeOutcome(o.assignment, verdict_of({o.result}), o.trace, o.unknowns) for o in outs)
    terms = term_reports([(o.assignment, verdict_of({o.result})) for o in outs], q.book)
    return ScopeCheck(verdict, _explained(q, s), scope_outcomes, (), terms)


def _explained(q: Question, s: Subject) -> Explained:
    holder = attacked_party(s, q.scenario, q.party) if q.scenario.target == "territory" else None
    member = holder is None or holder in q.members
    sea = s.sea is not None and not s.point_like and not s.on_land
    belt = s.setting == "territorial-sea"
    return Explained(s.label, holder, member, s.continent if s.on_land else None, sea, belt, not s.on_land)


def term_reports(answers: Sequence[tuple[Mapping[str, str], Verdict]], book: RuleBook) -> tuple[TermReport, ...]:
    """The vague terms whose readings change the answer, with the verdict under each reading (None: it depends on
    other terms' readings)."""
    report = []
    for term in sorted({t for readings, _ in answers for t in readings}):
        interp = book.interpretations[term]
        found = []
        for r in interp.readings:
            verdicts = sorted({v for readings, v in answers if readings.get(term) == r.id})
            if verdicts:
                found.append(ReadingVerdict(r, verdicts[0] if len(verdicts) == 1 else None))
        if len({rv.verdict for rv in found}) > 1:  # only the readings that change the answer
            report.append(TermReport(interp, tuple(found)))
    return tuple(report)


def atom_results(
    q: Question, subjects: list[Subject], data: GeoData
) -> tuple[list[Subject], list[dict[str, str]], list[list[Truth]]]:
    """An area's atoms (cut along the rule's lines), every combination of the readings that matter somewhere in
    it, and for each combination each atom's answer (True covered, False not, None unknown)."""
    sc = q.scenario
    lats, polys = lines(q.cond, q.book, sc.date)
    atoms = cut([a for a in subjects if a.geom is not None], lats, polys) + [a for a in subjects if a.geom is None]
    # First pass: which interpretations matter anywhere in the area. Atoms with the same facts share one answer
    # (a country's provinces mostly differ only in facts no clause asks about).
    asked = named(q.cond, q.book, data)
    seen: dict[tuple[Any, ...], tuple[list[Outcome], str | None, Subject]] = {}
    keys = []
    for a in atoms:
        party = attacked_party(a, sc, q.party)
        key = signature(a, lats, polys, asked, party)
        if key not in seen:
            seen[key] = (q.outcomes(a, party), party, a)
        keys.append(key)
    terms = sorted({t for outs, _, _ in seen.values() for o in outs for t in o.assignment} - set(sc.interpretations))
    readings = [[r.id for r in q.book.interpretations[t].readings] for t in terms]
    combos = [dict(zip(terms, rs, strict=True)) for rs in itertools.product(*readings)] or [{}]
    results: list[list[Truth]] = []
    for combo in combos:
        pinned = {**sc.interpretations, **combo}
        by_key: dict[tuple[Any, ...], Truth] = {}
        for key, (outs, p, a) in seen.items():
            member_ok = (sc.target != "territory" and q.party is None) or (p is not None and p in q.members)
            match = [o for o in outs if all(o.assignment.get(t, pinned.get(t)) == pinned.get(t) for t in o.assignment)]
            if not match:
                match = q.outcomes(a, p, pinned)
            by_key[key] = match[0].result if member_ok else False
        results.append([by_key[k] for k in keys])
    return atoms, combos, results


def signature(
    a: Subject, lats: Sequence[float], polys: Sequence[Any], asked: tuple[frozenset[str], ...], party: str | None
) -> tuple[Any, ...]:
    """The facts of an atom that the condition can tell apart, its sides of the rule's lines, and its party."""
    sides = tuple(a.lat >= lat for lat in lats)
    inside = tuple(bool(p.covers(shapely.Point(a.lon, a.lat))) for p in polys)
    return (*a.facts(*asked), sides, inside, party)


def _verdict_by_share(covered: float, unknown: float) -> Verdict:
    if unknown > 1 - FULL_SHARE:
        return Verdict.CONTESTED
    if covered >= FULL_SHARE:
        return Verdict.APPLIES
    return Verdict.DOES_NOT_APPLY if covered <= 1 - FULL_SHARE else Verdict.PARTIAL


def _part_verdict(shares: list[float]) -> Verdict:
    if shares[0] >= FULL_SHARE and len(shares) == 1:
        return Verdict.APPLIES
    if shares[-1] <= 1 - FULL_SHARE:
        return Verdict.DOES_NOT_APPLY
    return Verdict.CONTESTED if len(shares) > 1 else Verdict.PARTIAL


def area_scope(q: Question, subjects: list[Subject], data: GeoData) -> ScopeCheck:
    atoms, combos, results = atom_results(q, subjects, data)
    total = sum(a.area_km2 for a in atoms) or 1.0
    per_combo: list[tuple[ScopeOutcome, dict[str, list[float]]]] = []
    answered: dict[tuple[int, str], set[Truth]] = {}  # what each part's pieces answer, under each combination
    for n, (combo, row) in enumerate(zip(combos, results, strict=True)):
        covered = unknown = 0.0
        by_part: dict[str, list[float]] = {}
        for a, result in zip(atoms, row, strict=True):
            answered.setdefault((n, _part_key(a)), set()).add(result)
            acc = by_part.setdefault(_part_key(a), [0.0, 0.0])
            acc[0] += a.area_km2
            if result is True:
                covered += a.area_km2
                acc[1] += a.area_km2
            elif result is None:
                unknown += a.area_km2
        verdict = _verdict_by_share(covered / total, unknown / total)
        outcome = ScopeOutcome(combo, verdict, None, (), round(covered / total, 4), round(unknown / total, 4))
        per_combo.append((outcome, by_part))
    verdicts = {o.verdict for o, _ in per_combo}
    first = per_combo[0][1]
    parts = []
    for key in sorted(first, key=lambda k: -first[k][0]):
        areas = [by_part[key] for _, by_part in per_combo]
        shares = sorted({round(a[1] / a[0], 4) if a[0] else 0.0 for a in areas})
        range_ = tuple(shares) if len(shares) > 1 else None
        parts.append(Part(key, _part_name(key, data), round(areas[0][0], 1), shares[0], _part_verdict(shares), range_))
    # The trace of the largest atom stands for the area; the parts list carries the rest.
    biggest = max(atoms, key=lambda a: a.area_km2)
    outs = q.outcomes(biggest, attacked_party(biggest, q.scenario, q.party))
    traces = tuple(ScopeOutcome(o.assignment, verdict_of({o.result}), o.trace, o.unknowns) for o in outs)
    terms = term_reports([(o.readings, o.verdict) for o, _ in per_combo], q.book)
    verdict = next(iter(verdicts)) if len(verdicts) == 1 else Verdict.CONTESTED
    outcomes_ = tuple(o for o, _ in per_combo)
    crossings = _crossings(q, atoms, results)
    measure = q.scenario.measure
    uniform = all(len(found) == 1 for found in answered.values())
    return ScopeCheck(
        verdict, _explained(q, biggest), outcomes_, traces, terms, tuple(parts), measure, crossings, uniform
    )


def _crossings(q: Question, atoms: list[Subject], results: list[list[Truth]]) -> tuple[Crossing, ...]:
    """The rule's named parallels that run across a part of the area (the part has atoms on both sides of every
    reading's latitude), and whether, under some combination of readings, such a part answers otherwise north of
    the parallel than south of it. Parts are compared with themselves: a border that happens to lie along a
    parallel is not the parallel deciding."""
    by_part: dict[str, list[int]] = {}
    for k, a in enumerate(atoms):
        by_part.setdefault(_part_key(a), []).append(k)
    found: dict[int, Crossing | None] = {}
    for node in reachable(q.cond, q.book):
        for p in node.parallels(q.book):
            if not isinstance(p, Parallel) or id(p) in found:
                continue
            lats = candidates(p, q.book, q.scenario.date)
            sides = [
                ([k for k in ks if atoms[k].lat > max(lats)], [k for k in ks if atoms[k].lat < min(lats)])
                for ks in by_part.values()
            ]
            across = [(north, south) for north, south in sides if north and south]
            decides = any(
                {row[k] for k in north} != {row[k] for k in south} for north, south in across for row in results
            )
            label = p.label or p.name or "a parallel"
            found[id(p)] = Crossing(label, round(lats[0], 4), decides) if across else None
    return tuple(c for c in found.values() if c is not None)


BELT_PART = "territorial-sea:"  # the key of a territory's territorial sea among an area's parts


def _part_key(a: Subject) -> str:
    """The part of an area an atom counts towards: its feature, its territory's territorial sea or land, its sea."""
    if a.feature is None and a.territory is not None and a.setting == "territorial-sea":
        return BELT_PART + a.territory
    return a.feature or a.territory or a.sea or a.label


def _part_name(key: str, data: GeoData) -> str:
    if key.startswith(BELT_PART):
        return territorial_sea_of(_part_name(key.removeprefix(BELT_PART), data))
    for table in (data.territories, data.seas, data.features):
        if key in table:
            return str(table[key].name)
    return key

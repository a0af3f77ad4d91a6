"""Evaluate a scenario against the encoded articles: four separate checks, a verdict, and the trace behind it.

1. Membership: was the attacked party a Party on the date (or assumed to be)?
2. Version: which text of the article was in force on the date?
3. Scope: does the location, for this kind of target, fall within what that text covers? Conditions are
   evaluated in three-valued logic (true, false, unknown — e.g. where sovereignty is disputed). Where the
   evaluation meets an interpretation whose readings disagree *for this location*, it is evaluated once per
   reading; unanimous → that verdict, split → "contested", naming which reading gives which answer.
4. Trigger: whether the event is an "armed attack" and whether the Parties invoke the article are political
   decisions, noted but not assessed.

An area (a country, an island group, a GeoJSON polygon) is evaluated part by part: it is cut into atoms that are
uniform for every fact a condition asks about (territory, continent, island, adjoining seas, and the side of every
parallel and inline polygon the rule uses), and the covered share of its area decides between applies, partial
and does-not-apply.
"""

from __future__ import annotations

import datetime as dt
import re
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import shapely

from treatyscope.place.data import GeoData, Status, geodata
from treatyscope.place.sphere import rhumb_line, split_at_antimeridian
from treatyscope.rules.kinds import CONDITION_KINDS as _OPERATORS
from treatyscope.rules.kinds import PLACE_KINDS
from treatyscope.rules.load import RuleBook, TreatyRules
from treatyscope.rules.parallels import dms, mean_obliquity_deg

APPLIES, NOT, PARTIAL, CONTESTED = "applies", "does-not-apply", "partial", "contested"
FULL_SHARE = 0.9999  # area shares within 0.01% of 0 or 1 count as none or all (simplification slivers)


# ------------------------------------------------------------------------------------------------------ facts


@dataclass(frozen=True, eq=False, repr=False)
class Subject:
    """The facts a condition can ask about, for a point, a uniform piece of an area, or (while searching for the
    nearest covered area) a whole territory. Facts are given as the set of values they can take: one value when
    known, several when the subject is not uniform (then a test answers unknown unless all values agree)."""

    label: str
    lat: float
    lon: float
    point_like: bool = True  # False: geometric facts are read from `bbox` (and `geom` for polygons)
    geom: Any = None
    area_km2: float = 0.0
    territory: str | None = None  # leaf territory id (None at sea)
    subdivisions: frozenset[str | None] = frozenset({None})  # ISO 3166-2
    continents: frozenset[str | None] = frozenset({None})
    islands: frozenset[bool | None] = frozenset({None})  # None: not on land
    island_seas: frozenset[str] = frozenset()  # seas an island adjoins (possible ones, if not uniform)
    sea: str | None = None
    feature: str | None = None
    feature_group: str | None = None
    status: Status | None = None
    setting: str = "sea"

    @cached_property
    def bbox(self) -> tuple[float, float, float, float]:
        if self.geom is not None and not self.point_like:
            b = self.geom.bounds
            return (float(b[0]), float(b[1]), float(b[2]), float(b[3]))
        return (self.lon, self.lat, self.lon, self.lat)

    @property
    def continent(self) -> str | None:
        return next(iter(self.continents)) if len(self.continents) == 1 else None

    @property
    def island(self) -> bool | None:
        return next(iter(self.islands)) if len(self.islands) == 1 else None


def _set_test(possible: frozenset[Any], wanted: set[Any]) -> bool | None:
    if not possible & wanted:
        return False
    if possible <= wanted:
        return True
    return None


@dataclass(eq=False, repr=False)
class TraceNode:
    label: str
    result: bool | None
    evidence: str = ""
    quote: str | None = None
    note: str | None = None
    children: list[TraceNode] = field(default_factory=list)
    op: str = ""

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"clause": self.label, "result": _word(self.result)}
        if self.evidence:
            out["evidence"] = self.evidence
        if self.quote:
            out["quote"] = self.quote
        if self.note:
            out["note"] = self.note
        if self.children:
            out["checks"] = [c.as_dict() for c in self.children]
        return out


def _word(t: bool | None) -> str:
    return "yes" if t is True else "no" if t is False else "unknown"


class Branch(Exception):
    """An interpretation whose readings disagree here: evaluate once per reading."""

    def __init__(self, term: str) -> None:
        super().__init__(term)
        self.term = term


class NeedsSplit(Exception):
    """A geometric fact is unknown for an extended subject: cut it along the rule's lines and try again."""


# ------------------------------------------------------------------------------------------------ environment


@dataclass(eq=False, repr=False)
class Env:
    book: RuleBook
    treaty: TreatyRules
    date: dt.date
    members: frozenset[str]
    assumed: frozenset[str]
    assignment: dict[str, str]
    party: str | None  # the attacked party; None: any Party (forces of an unnamed Party)
    mode: str = "attacked"  # or "any": "the party" is whichever Party holds the place
    unknowns: list[str] = field(default_factory=list)
    strict_geometry: bool = False  # raise NeedsSplit instead of answering unknown for extended subjects
    explain: bool = True  # False: results only, no evidence sentences (for the nearest-area search)
    data: GeoData = field(default_factory=geodata)

    def reading(self, term: str) -> dict[str, Any] | None:
        rid = self.assignment.get(term)
        if rid is None:
            return None
        found: dict[str, Any] = next(r for r in self.book.interpretations[term]["readings"] if r["id"] == rid)
        return found

    def readings(self, term: str) -> list[dict[str, Any]]:
        """The readings held on the date (a reading may start with a government's statement, or end when no one
        holds it any more: `from` inclusive, `to` exclusive)."""
        every: list[dict[str, Any]] = self.book.interpretations[term]["readings"]
        out = [
            r
            for r in every
            if (r.get("from") is None or dt.date.fromisoformat(str(r["from"])) <= self.date)
            and (r.get("to") is None or self.date < dt.date.fromisoformat(str(r["to"])))
        ]
        return out or every


def _kleene_all(values: Sequence[bool | None]) -> bool | None:
    if any(v is False for v in values):
        return False
    if any(v is None for v in values):
        return None
    return True


def _kleene_any(values: Sequence[bool | None]) -> bool | None:
    if any(v is True for v in values):
        return True
    if any(v is None for v in values):
        return None
    return False


# -------------------------------------------------------------------------------------------------- conditions


def op_of(cond: dict[str, Any]) -> str:
    return next(k for k in _OPERATORS if k in cond)


def evaluate(cond: dict[str, Any], s: Subject, env: Env) -> TraceNode:
    op = op_of(cond)
    label = cond.get("clause") or (_describe(cond, env) if env.explain else op)
    quote, note = cond.get("quote"), cond.get("note")
    if op in ("all", "any"):
        # Once a child decides the node (a false in "all", a true in "any"), the rest are still shown in the
        # trace, but an interpretation among them cannot change this node, so it must not split the evaluation.
        decisive = op == "any"
        children: list[TraceNode] = []
        decided = False
        for c in cond[op]:
            if decided:
                try:
                    children.append(evaluate(c, s, env))
                except Branch:
                    children.append(
                        TraceNode(
                            c.get("clause") or _describe(c, env),
                            None,
                            "not needed: already decided by the checks before it",
                        )
                    )
                continue
            node = evaluate(c, s, env)
            children.append(node)
            decided = node.result is decisive
        result = (_kleene_all if op == "all" else _kleene_any)(
            [c.result for c in children if c.evidence != "not needed: already decided by the checks before it"]
        )
        return TraceNode(label, result, "", quote, note, children, op)
    if op == "not":
        child = evaluate(cond["not"], s, env)
        return TraceNode(label, None if child.result is None else not child.result, "", quote, note, [child])
    if op == "use":
        inner = env.book.conditions[cond["use"]]
        saved = env.mode
        if cond.get("party") == "any":
            env.mode = "any"
        try:
            child = evaluate(inner, s, env)
        finally:
            env.mode = saved
        if cond.get("clause"):
            return TraceNode(label, child.result, "", quote, note, [child])
        child.quote, child.note = child.quote or quote, child.note or note
        return child
    if op == "interpretation":
        term = cond["interpretation"]
        result, how, found = _interpret(term, env, lambda r: evaluate(r["condition"], s, env))
        detail = summary(found, result) if found is not None else ""
        evidence = f"{detail} ({how})" if detail else how
        return TraceNode(label, result, evidence, quote, note, [found] if found and found.children else [])
    result, evidence = _leaf(op, cond, s, env)
    return TraceNode(label, result, evidence if env.explain else "", quote, note, op=op)


def possible(cond: dict[str, Any], s: Subject, env: Env) -> tuple[bool, bool]:
    """(may be true, may be false) over every reading of every interpretation: a cheap, sound filter.

    Readings are not kept consistent across the tree, so this over-approximates; it never says "cannot be true"
    of a condition some reading makes true. Used to prune candidates before the exact evaluation.
    """
    op = op_of(cond)
    if op == "all":
        parts = [possible(c, s, env) for c in cond["all"]]
        return all(p[0] for p in parts), any(p[1] for p in parts)
    if op == "any":
        parts = [possible(c, s, env) for c in cond["any"]]
        return any(p[0] for p in parts), all(p[1] for p in parts)
    if op == "not":
        t, f = possible(cond["not"], s, env)
        return f, t
    if op == "use":
        saved = env.mode
        if cond.get("party") == "any":
            env.mode = "any"
        try:
            return possible(env.book.conditions[cond["use"]], s, env)
        finally:
            env.mode = saved
    if op == "interpretation":
        term = cond["interpretation"]
        chosen = env.reading(term)
        readings = [chosen] if chosen is not None else env.readings(term)
        may_t = may_f = False
        for r in readings:
            env.assignment[term] = r["id"]
            try:
                t, f = possible(r["condition"], s, env)
            finally:
                if chosen is None:
                    del env.assignment[term]
            may_t, may_f = may_t or t, may_f or f
        return may_t, may_f
    if op == "in_region":
        return possible_region(cond["in_region"], s, env)
    if op == "latitude":
        return _possible_band(cond["latitude"], s, env)
    try:
        result, _ = _leaf(op, cond, s, env)
    except Branch:
        return True, True
    return result is not False, result is not True


def possible_region(region: Any, s: Subject, env: Env) -> tuple[bool, bool]:
    """`possible` for a region: interpretations and parallels are OR-ed over their readings."""
    if isinstance(region, str):
        return possible_region(env.book.regions[region], s, env)
    if "ref" in region:
        return possible_region(region["ref"], s, env)
    if "interpretation" in region:
        term = region["interpretation"]
        chosen = env.reading(term)
        parts = [possible_region(r["region"], s, env) for r in ([chosen] if chosen else env.readings(term))]
        return any(p[0] for p in parts), any(p[1] for p in parts)
    if "union" in region:
        parts = [possible_region(r, s, env) for r in region["union"]]
        return any(p[0] for p in parts), all(p[1] for p in parts)
    if "intersection" in region:
        parts = [possible_region(r, s, env) for r in region["intersection"]]
        return all(p[0] for p in parts), any(p[1] for p in parts)
    if "difference" in region:
        (at, af), (bt, bf) = (possible_region(r, s, env) for r in region["difference"])
        return at and bf, af or bt
    if "band" in region:
        return _possible_band(region["band"], s, env)
    result, _ = _region_contains(region, s, env)
    return result is not False, result is not True


def _possible_band(band: dict[str, Any], s: Subject, env: Env) -> tuple[bool, bool]:
    may_t, may_f = True, False
    _, south, _, north = s.bbox
    for side in ("north_of", "south_of"):
        ref = band.get(side)
        if ref is None:
            continue
        lats = _parallel_candidates(ref, env)
        lo, hi = (s.lat, s.lat) if s.point_like else (south, north)
        if side == "north_of":
            t, f = any(hi >= lat for lat in lats), any(lo < lat for lat in lats)
        else:
            t, f = any(lo <= lat for lat in lats), any(hi > lat for lat in lats)
        may_t, may_f = may_t and t, may_f or f
    return may_t, may_f


def _parallel_candidates(ref: float | str, env: Env) -> list[float]:
    if isinstance(ref, int | float):
        return [float(ref)]
    par = env.book.parallels[ref]
    defs = [par] if "interpretation" not in par else [r["parallel"] for r in env.readings(par["interpretation"])]
    out = []
    for d in defs:
        if "latitude" in d:
            out.append(float(d["latitude"]))
        else:
            on = env.date if d["obliquity_on"] == "attack" else dt.date.fromisoformat(str(d["obliquity_on"]))
            out.append(mean_obliquity_deg(on))
    return out


def summary(node: TraceNode, want: bool | None) -> str:
    """The evidence of a node, or of the first leaf beneath it that has the same result."""
    if node.evidence and not node.children:
        return node.evidence
    for c in node.children:
        if c.result is want:
            found = summary(c, want)
            if found:
                return found
    return node.evidence


def _interpret(term: str, env: Env, run: Any) -> tuple[bool | None, str, TraceNode | None]:
    """Evaluate under the assigned reading, or under all readings if they agree here; else ask to branch."""
    interp = env.book.interpretations[term]
    chosen = env.reading(term)
    if chosen is not None:
        node = run(chosen)
        return node.result, f"reading '{chosen['id']}' ({chosen['label']}) of \"{interp['term']}\"", node
    results = []
    for reading in env.readings(term):
        env.assignment[term] = reading["id"]
        try:
            results.append((reading, run(reading)))
        finally:
            del env.assignment[term]
    values = {node.result for _, node in results}
    if len(values) == 1:
        return results[0][1].result, f'every reading of "{interp["term"]}" agrees here', results[0][1]
    raise Branch(term)


def _leaf(op: str, cond: dict[str, Any], s: Subject, env: Env) -> tuple[bool | None, str]:
    if op == "const":
        return bool(cond["const"]), "by this reading"
    if op == "assumed":
        flag = cond["assumed"]
        if flag in env.assumed:
            return True, f"assumed ({flag}, as the scenario states)"
        return False, f"not assumed: the scenario does not state '{flag}' (pass --assume {flag})"
    if op == "date":
        w = cond["date"]
        start = dt.date.fromisoformat(str(w["from"])) if w.get("from") else None
        before = dt.date.fromisoformat(str(w["before"])) if w.get("before") else None
        ok = (start is None or start <= env.date) and (before is None or env.date < before)
        parts = []
        if start:
            parts.append(f"on or after {start}")
        if before:
            parts.append(f"before {before}")
        return ok, f"{env.date} is {'' if ok else 'not '}{' and '.join(parts)}"
    if op == "island":
        want = bool(cond["island"])
        result = _set_test(s.islands, {want} if want else {False, None})
        if result is None:
            return None, "partly on islands, partly not"
        if s.islands == frozenset({None}):
            return result, "at sea, not on land"
        where = "on an island" if s.island else "on a continental mainland"
        return result, where
    if op == "latitude":
        return _latitude(cond["latitude"], s, env)
    if op == "in_region":
        result, evidence = region_contains(cond["in_region"], s, env)
        return result, evidence
    if op == "territory_of":
        return _territory_of(cond["territory_of"], s, env)
    if op == "party_is":
        return _party_is(cond["party_is"], s, env)
    raise AssertionError(op)


# ------------------------------------------------------------------------------------------------- holdings


def _holders(s: Subject, by: str) -> tuple[set[str], bool]:
    """Who holds the place by sovereignty / administration / either; and whether sovereignty is disputed."""
    st = s.status
    if st is None:
        return set(), False
    out: set[str] = set()
    if by in ("sovereignty", "either") and st.sovereign:
        out.add(st.sovereign)
    if by in ("administration", "either") and st.administered_by:
        out.add(st.administered_by)
    disputed = by == "sovereignty" and st.sovereign is None and bool(st.claimed_by)
    return out, disputed


def _resolve_by(by: str, env: Env) -> tuple[str, str]:
    if by in ("sovereignty", "administration", "either"):
        return by, ""
    # An interpretation whose readings say how territory is held.
    result: dict[str, str] = {}

    def run(reading: dict[str, Any]) -> TraceNode:
        result["by"] = reading["territory_by"]
        return TraceNode(reading["id"], None)

    chosen = env.reading(by)
    if chosen is None:
        # Readings of "territory of" rarely matter (only where sovereignty and control differ), so branch lazily:
        # the caller tries every reading and only branches if the answers differ.
        raise _NeedTerritoryReading(by)
    run(chosen)
    return result["by"], f" (reading '{chosen['id']}')"


def _every_reading(term: str, env: Env, run: Any) -> tuple[bool | None, str]:
    """A leaf whose answer depends on a reading: the common answer if every reading gives it, else branch."""
    answers = []
    for reading in env.readings(term):
        env.assignment[term] = reading["id"]
        try:
            answers.append(run())
        finally:
            del env.assignment[term]
    if len({a[0] for a in answers}) == 1:
        return answers[0]  # type: ignore[no-any-return]
    raise Branch(term) from None


class _NeedTerritoryReading(Exception):
    def __init__(self, term: str) -> None:
        super().__init__(term)
        self.term = term


def _territory_of(spec: dict[str, Any], s: Subject, env: Env) -> tuple[bool | None, str]:
    by_spec = spec.get("by", "either")
    try:
        by, how = _resolve_by(by_spec, env)
    except _NeedTerritoryReading as need:
        result, text = _every_reading(need.term, env, lambda: _territory_of(spec, s, env))
        return result, re.sub(r" \(reading '[^']*'\)", " (every reading agrees)", text, count=1)
    if s.status is None:
        return False, "no state's territory (at sea, outside any territorial sea)"
    holders, disputed = _holders(s, by)
    facts = _holding(s.status)
    test = {"sovereignty": "by sovereignty", "administration": "by control", "either": "by jurisdiction"}[by] + how
    if spec.get("states"):
        named = set(spec["states"])
        if holders & named:
            return True, f"{facts}; held {test} by {', '.join(sorted(holders & named))}"
        if disputed and set(s.status.claimed_by) & named:
            env.unknowns.append("sovereignty disputed")
            return None, f"{facts}; {' or '.join(sorted(named))} among the claimants, so whose it is is disputed"
        return False, f"{facts}; not held {test} by {' or '.join(spec['states'])} on {env.date}"
    if env.mode == "any" or env.party is None:
        parties = holders & env.members
        if parties:
            return True, f"{facts}; held {test} by a Party ({', '.join(sorted(parties))})"
        if disputed and set(s.status.claimed_by) & env.members:
            env.unknowns.append("sovereignty disputed")
            return None, f"{facts}; a Party is among the claimants, so whether it is a Party's territory is disputed"
        return False, f"{facts}; no Party holds it {test} on {env.date}"
    if env.party in holders:
        return True, f"{facts}; {env.party} holds it {test}"
    if disputed and env.party in s.status.claimed_by:
        env.unknowns.append("sovereignty disputed")
        return None, f"{facts}; {env.party}'s sovereignty is disputed"
    return False, f"{facts}; not {env.party}'s {test}"


def _holding(st: Status) -> str:
    sov = st.sovereign or "disputed"
    if st.sovereign and st.sovereign == st.administered_by:
        text = f"held by {st.sovereign}"
    else:
        text = f"sovereign {sov}, administered by {st.administered_by or 'no single state'}"
    others = [c for c in st.claimed_by if c not in (st.sovereign,)]
    if st.sovereign is None or (others and set(others) - {st.administered_by}):
        text += f", claimed by {', '.join(st.claimed_by)}"
    return text


def _party_is(codes: list[str], s: Subject, env: Env) -> tuple[bool | None, str]:
    if env.mode == "any" or env.party is None:
        holders, _ = _holders(s, "either")
        hit = holders & env.members & set(codes)
        return bool(hit), (f"held by {', '.join(sorted(hit))}" if hit else f"not held by {' or '.join(codes)}")
    return env.party in codes, (
        f"the party is {env.party}" if env.party in codes else f"the party is {env.party}, not {' or '.join(codes)}"
    )


# --------------------------------------------------------------------------------------------------- parallels


def parallel_latitude(ref: float | str, env: Env) -> tuple[float, str]:
    if isinstance(ref, int | float):
        return float(ref), f"{float(ref):.4f}° N"
    par = env.book.parallels[ref]
    return _parallel_def(par, env, par.get("label") or ref)


def _parallel_def(par: dict[str, Any], env: Env, label: str) -> tuple[float, str]:
    if "latitude" in par:
        lat = float(par["latitude"])
        return lat, f"{label} at {dms(lat)} ({lat:.4f}° N)"
    if "obliquity_on" in par:
        on = env.date if par["obliquity_on"] == "attack" else dt.date.fromisoformat(str(par["obliquity_on"]))
        lat = mean_obliquity_deg(on)
        return lat, f"{label} at {dms(lat)} ({lat:.4f}° N, mean obliquity on {on})"
    term = par["interpretation"]
    chosen = env.reading(term)
    if chosen is None:
        raise _NeedParallel(term)
    lat, text = _parallel_def(chosen["parallel"], env, label)
    return lat, text + f" [reading '{chosen['id']}']"


class _NeedParallel(Exception):
    def __init__(self, term: str) -> None:
        super().__init__(term)
        self.term = term


def _latitude(band: dict[str, Any], s: Subject, env: Env) -> tuple[bool | None, str]:
    try:
        return _band_test(band, s, env)
    except _NeedParallel as need:
        result, text = _every_reading(need.term, env, lambda: _latitude(band, s, env))
        return result, re.sub(r" \[reading '[^']*'\]", " [every convention agrees]", text)


def _band_test(band: dict[str, Any], s: Subject, env: Env) -> tuple[bool | None, str]:
    results: list[bool | None] = []
    texts = []
    _, south, _, north = s.bbox
    for side in ("north_of", "south_of"):
        ref = band.get(side)
        if ref is None:
            continue
        lat, text = parallel_latitude(ref, env)
        if s.point_like:
            ok: bool | None = s.lat >= lat if side == "north_of" else s.lat <= lat
        elif side == "north_of":
            ok = True if south >= lat else False if north < lat else None
        else:
            ok = True if north <= lat else False if south > lat else None
        if ok is None and env.strict_geometry:
            raise NeedsSplit()
        results.append(ok)
        where = f"{abs(s.lat):.4f}° {'N' if s.lat >= 0 else 'S'}" if s.point_like else f"{south:.2f}°..{north:.2f}°"
        texts.append(
            f"{where} is {'' if ok else 'not ' if ok is False else 'partly '}{side.replace('_of', '')} of {text}"
        )
    return _kleene_all(results), "; ".join(texts)


# ----------------------------------------------------------------------------------------------------- regions

_LABELS: dict[int, str] = {}


def region_label(region: Any, env: Env) -> str:
    if isinstance(region, dict):
        key = id(region)
        if key not in _LABELS:
            _LABELS[key] = _region_label(region, env)
        return _LABELS[key]
    return _region_label(region, env)


def _region_label(region: Any, env: Env) -> str:
    if isinstance(region, str):
        named = env.book.regions.get(region)
        return named.get("label", region) if isinstance(named, dict) else region
    if region.get("label"):
        return str(region["label"])
    if "ref" in region:
        return region_label(region["ref"], env)
    data = env.data
    if "territory" in region:
        return ", ".join(data.territories[t].name if t in data.territories else t for t in region["territory"])
    if "sea" in region:
        return ", ".join(data.seas[t].name for t in region["sea"])
    if "sea_family" in region:
        return ", ".join(data.sea_families[f].name for f in region["sea_family"])
    if "continent" in region:
        return " or ".join(region["continent"])
    if "subdivision" in region:
        return "subdivisions " + ", ".join(region["subdivision"])
    if "feature" in region:
        return ", ".join(data.features[f].name for f in region["feature"])
    if "interpretation" in region:
        return f'"{env.book.interpretations[region["interpretation"]]["term"]}"'
    if "band" in region:
        b = region["band"]
        return " and ".join(f"{k.replace('_', ' ')} {v}" for k, v in b.items())
    if "polygon" in region:
        return "the treaty's polygon"
    for key in ("union", "intersection", "difference"):
        if key in region:
            joiner = {"union": " or ", "intersection": " and ", "difference": " but not "}[key]
            return joiner.join(region_label(r, env) for r in region[key])
    return "region"


def region_contains(region: Any, s: Subject, env: Env) -> tuple[bool | None, str]:
    """Whether the subject lies in the region, with a sentence saying why.

    A region that no reading can change is a fact about the subject: the answer is kept on the subject, so the
    same region is not walked again for every combination of readings (or every clause that names it)."""
    if not _is_pure(region, env.book):
        return _region_contains(region, s, env)
    memo: dict[tuple[Any, ...], tuple[bool | None, str]] = s.__dict__.setdefault("_regions", {})
    # The book's serial keeps answers from different rule files apart (the subject may outlive the book).
    key = (region if isinstance(region, str) else id(region), env.book.serial, env.date, env.strict_geometry)
    if key not in memo:
        memo[key] = _region_contains(region, s, env)
    return memo[key]


_PURE: weakref.WeakKeyDictionary[RuleBook, dict[Any, bool]] = weakref.WeakKeyDictionary()


def _is_pure(region: Any, book: RuleBook) -> bool:
    """True when no interpretation (of the region or of a parallel it uses) can change the region."""
    table = _PURE.get(book)
    if table is None:
        table = _PURE[book] = {}
    key = region if isinstance(region, str) else id(region)
    found = table.get(key)
    if found is None:
        found = table[key] = _pure(region, book, table)
    return found


def _pure(region: Any, book: RuleBook, table: dict[Any, bool]) -> bool:
    if isinstance(region, str):
        target = book.regions.get(region)
        return target is None or _is_pure(target, book)
    if "interpretation" in region:
        return False
    if "ref" in region:
        return _is_pure(region["ref"], book)
    if "band" in region:
        for ref in region["band"].values():
            if isinstance(ref, str) and "interpretation" in book.parallels.get(ref, {}):
                return False
    return all(_is_pure(sub, book) for key in ("union", "intersection", "difference") for sub in region.get(key, ()))


def _region_contains(region: Any, s: Subject, env: Env) -> tuple[bool | None, str]:
    if isinstance(region, str):
        return region_contains(env.book.regions[region], s, env) if region in env.book.regions else (False, region)
    data = env.data
    label = region_label(region, env)
    if "ref" in region:
        return region_contains(region["ref"], s, env)
    if "territory" in region:
        leaves = {leaf.id for t in region["territory"] for leaf in data.leaves(t)}
        ok = s.territory in leaves or (s.feature is not None and s.feature in region["territory"])
        return ok, f"{_where(s, env)} is {'' if ok else 'not '}in {label}"
    if "subdivision" in region:
        result = _set_test(s.subdivisions, set(region["subdivision"]))
        if result is None:
            return None, f"{_where(s, env)} is partly in {label}"
        return result, f"{_where(s, env)} is {'' if result else 'not '}in {label}"
    if "feature" in region:
        ok = (s.feature in region["feature"]) or (s.feature_group in region["feature"])
        return ok, f"{_where(s, env)} is {'' if ok else 'not '}{label}"
    if "continent" in region:
        if s.territory is None and s.feature is None:
            return False, f"at sea, not on the land of {label}"
        result = _set_test(s.continents, set(region["continent"]))
        if result is None:
            return None, f"{_where(s, env)} is partly in {label}"
        where = s.continent or "no continent"
        if label == where:
            return result, f"{_where(s, env)} is in {where}"
        return result, f"{_where(s, env)} is in {where}, {'' if result else 'not '}in {label}"
    if "sea" in region or "sea_family" in region:
        seas = set(region.get("sea", []))
        for fam in region.get("sea_family", []):
            seas |= data.family_seas(fam)
        return _in_seas(seas, label, s, env)
    if "band" in region:
        return _latitude(region["band"], s, env)
    if "polygon" in region:
        return _in_polygon(region, label, s, env)
    if "interpretation" in region:
        term = region["interpretation"]
        holder: dict[str, str] = {}

        def run(reading: dict[str, Any]) -> TraceNode:
            result, evidence = region_contains(reading["region"], s, env)
            holder["evidence"] = evidence
            return TraceNode(reading["id"], result, evidence)

        result, how, node = _interpret(term, env, run)
        return result, f"{node.evidence if node else ''} — {how}"
    if "union" in region:
        parts = [region_contains(r, s, env) for r in region["union"]]
        result = _kleene_any([p[0] for p in parts])
        hit = next((p[1] for p in parts if p[0] is True), None)
        where = f" (it is in {s.continent})" if s.continent and (s.territory or s.feature) else ""
        return result, hit or f"{_where(s, env)} is not in {label}{where}"
    if "intersection" in region:
        parts = [region_contains(r, s, env) for r in region["intersection"]]
        result = _kleene_all([p[0] for p in parts])
        miss = next((p[1] for p in parts if p[0] is False), None)
        return result, miss or f"{_where(s, env)} is in {label}"
    if "difference" in region:
        (a, ea), (b, eb) = (region_contains(r, s, env) for r in region["difference"])
        result = _kleene_all([a, None if b is None else not b])
        if a is False:
            return result, ea
        if b is True:
            return result, f"{eb}, which is excluded from {label}"
        return result, f"{_where(s, env)} is in {label}"
    raise AssertionError(region)


def _where(s: Subject, env: Env) -> str:
    return s.label


def _in_seas(seas: set[str], label: str, s: Subject, env: Env) -> tuple[bool | None, str]:
    names = env.data.seas

    def name(sid: str) -> str:
        return names[sid].name if sid in names else sid

    if s.sea is not None:
        ok = s.sea in seas
        fams = [
            f
            for f in (
                "north-pacific-ocean",
                "south-pacific-ocean",
                "indian-ocean",
                "arctic-ocean",
                "north-atlantic-ocean",
                "south-atlantic-ocean",
            )
            if s.sea in env.data.family_seas(f)
        ]
        part = f" (part of the {env.data.sea_families[fams[0]].name.split(' (')[0]})" if fams and not ok else ""
        return ok, f"the {name(s.sea)}{part} is {'' if ok else 'not '}part of {label}"
    if s.territory is None and s.feature is None:
        return False, f"not in {label}"
    if True not in s.islands:
        return False, f"on a continental mainland, not in the waters of {label}"
    near = sorted(set(s.island_seas) & seas)
    if not near:
        around = ", ".join(name(n) for n in sorted(s.island_seas)) or "no named sea"
        return False, f"an island in the {around}, not in {label}"
    if s.islands != frozenset({True}) or not s.point_like:
        return None, f"partly islands adjoining {label}"
    return True, f"an island adjoining the {', '.join(name(n) for n in near)}, part of {label}"


def _in_polygon(region: dict[str, Any], label: str, s: Subject, env: Env) -> tuple[bool | None, str]:
    poly = polygon_geometry(region["polygon"])
    if s.point_like:
        ok = bool(poly.covers(shapely.Point(s.lon, s.lat)))
    elif s.geom is not None and poly.covers(s.geom):
        ok = True
    elif s.geom is not None and not poly.intersects(s.geom):
        ok = False
    else:
        if env.strict_geometry:
            raise NeedsSplit()
        return None, f"partly in {label}"
    unverified = region["polygon"].get("unverified") or []
    caveat = f" (the polygon has {len(unverified)} unverified vertices)" if unverified else ""
    return ok, f"{s.label} is {'' if ok else 'not '}inside {label}{caveat}"


_POLYGONS: dict[str, Any] = {}


def polygon_geometry(spec: dict[str, Any]) -> Any:
    """An inline polygon with rhumb, meridian, parallel or straight legs, split at the antimeridian."""
    key = repr(spec["vertices"]) + repr(spec["legs"])
    if key in _POLYGONS:
        return _POLYGONS[key]
    poly = shapely.make_valid(shapely.Polygon(polygon_ring(spec)))
    geom = split_at_antimeridian(poly)
    shapely.prepare(geom)
    _POLYGONS[key] = geom
    return geom


def polygon_ring(spec: dict[str, Any]) -> list[tuple[float, float]]:
    """The polygon's ring, densified along its legs, with longitudes unwrapped (continuous across ±180)."""
    verts = [(float(lon), float(lat)) for lon, lat in spec["vertices"]]
    ring: list[tuple[float, float]] = []
    end = verts[0]
    for i, leg in enumerate(spec["legs"]):
        a, b = verts[i], verts[(i + 1) % len(verts)]
        if leg == "rhumb":
            pts = rhumb_line(a, b)
        elif leg in ("meridian", "parallel", "straight"):
            n = max(1, int(max(abs(b[0] - a[0]), abs(b[1] - a[1])) / 0.5))
            pts = [(a[0] + (b[0] - a[0]) * k / n, a[1] + (b[1] - a[1]) * k / n) for k in range(n + 1)]
        else:
            raise AssertionError(leg)
        # rhumb_line takes the short way round from a; keep the ring continuous in longitude: each leg starts
        # where the previous one ended (a whole number of turns away from its written vertex).
        if ring:
            shift = end[0] - pts[0][0]
            pts = [(x + shift, y) for x, y in pts]
        end = pts[-1]
        ring.extend(pts[:-1])
    return ring


def polygon_problems(spec: dict[str, Any]) -> list[tuple[int | None, str]]:
    """What is wrong with an inline polygon, as (vertex index or None, message): legs that do not run as they
    say, legs that go the long way round the globe, and rings that cross themselves."""
    verts = [(float(lon), float(lat)) for lon, lat in spec["vertices"]]
    problems: list[tuple[int | None, str]] = []
    for i, leg in enumerate(spec["legs"]):
        (lon0, lat0), (lon1, lat1) = verts[i], verts[(i + 1) % len(verts)]
        to = f"vertex {i} to vertex {(i + 1) % len(verts)}"
        if leg == "meridian" and lon0 != lon1 and abs(lat0) != 90 and abs(lat1) != 90:
            problems.append((i, f"the leg from {to} is a meridian but its longitudes differ ({lon0} and {lon1})"))
        if leg == "parallel" and lat0 != lat1:
            problems.append((i, f"the leg from {to} is a parallel but its latitudes differ ({lat0} and {lat1})"))
        pole = abs(lat0) == 90 and lat0 == lat1  # a leg along a pole only closes the ring
        if leg in ("parallel", "straight") and abs(lon1 - lon0) > 180 and not pole:
            wrapped = lon1 + 360 if lon1 < lon0 else lon1 - 360
            problems.append(
                (
                    i,
                    f"the leg from {to} runs {abs(lon1 - lon0):g}° of longitude the long way round; to cross the "
                    f"antimeridian write the longitude beyond ±180 (e.g. {wrapped:g})",
                )
            )
        if leg == "rhumb" and abs(lon1 - lon0) % 360 == 180:
            problems.append(
                (i, f"the rhumb line from {to} spans exactly 180° of longitude, so its direction is unclear")
            )
    if problems:
        return problems
    ring = shapely.Polygon(polygon_ring(spec))
    if not ring.is_valid:
        reason = shapely.is_valid_reason(ring)
        problems.append((None, f"the polygon is not valid: {reason} (longitudes unwrapped across ±180)"))
    elif ring.area == 0:
        problems.append((None, "the polygon has no area"))
    return problems


# ------------------------------------------------------------------------------------------------- descriptions


def _describe(cond: dict[str, Any], env: Env) -> str:
    op = op_of(cond)
    if op == "in_region":
        return f"in {region_label(cond['in_region'], env)}"
    if op == "territory_of":
        by = cond["territory_of"].get("by", "either")
        if cond["territory_of"].get("states"):
            how = {"either": "under the jurisdiction of", "sovereignty": "under the sovereignty of"}
            return f"{how.get(by, 'administered by')} {' or '.join(cond['territory_of']['states'])}"
        return {
            "either": "under the party's jurisdiction",
            "sovereignty": "under the party's sovereignty",
            "administration": "administered by the party",
        }.get(by, "territory of the party")
    if op == "party_is":
        return f"the party is {' or '.join(cond['party_is'])}"
    if op == "island":
        return "an island" if cond["island"] else "not an island"
    if op == "latitude":
        return " and ".join(
            f"{k.replace('_', ' ')} {env.book.parallels.get(v, {}).get('label', v) if isinstance(v, str) else v}"
            for k, v in cond["latitude"].items()
        )
    if op == "date":
        w = cond["date"]
        bits = ([f"from {w['from']}"] if w.get("from") else []) + ([f"before {w['before']}"] if w.get("before") else [])
        return " and ".join(bits)
    if op == "interpretation":
        return f'"{env.book.interpretations[cond["interpretation"]]["term"]}"'
    if op == "use":
        inner = env.book.conditions[cond["use"]]
        return str(inner.get("clause") or cond["use"])
    if op == "assumed":
        return f"assumed: {cond['assumed']}"
    if op == "const":
        return "covered" if cond["const"] else "not covered"
    return op


def reachable(root: Any, book: RuleBook) -> Iterator[dict[str, Any]]:
    """Every mapping a condition can reach: through named conditions (`use`), named regions, the readings of
    interpretations and named parallels, each visited once. The one walker behind the functions below."""
    seen: set[int] = set()
    stack: list[Any] = [root]
    while stack:
        x = stack.pop()
        if isinstance(x, str):
            x = book.regions.get(x, book.parallels.get(x))
            if x is None:
                continue
        if id(x) in seen:
            continue
        seen.add(id(x))
        if isinstance(x, list):
            stack.extend(x)
            continue
        if not isinstance(x, dict):
            continue
        yield x
        for k, v in x.items():
            if k == "use":
                stack.append(book.conditions[v])
            elif k == "interpretation" and isinstance(v, str) and v in book.interpretations:
                stack.append(book.interpretations[v]["readings"])
            elif k == "territory_of" and isinstance(v, dict) and v.get("by") in book.interpretations:
                stack.append(book.interpretations[v["by"]]["readings"])
            elif k in _NAME_LISTS:
                continue  # lists of territory, sea... names, not of regions
            elif isinstance(v, dict | list) or (isinstance(v, str) and k in _REFERENCE_KEYS):
                stack.append(v)


# Keys whose string value names a region or a parallel (others, such as continent names, do not), and keys whose
# list holds plain names.
_REFERENCE_KEYS = ("in_region", "region", "ref", "north_of", "south_of")
_NAME_LISTS = (
    *PLACE_KINDS,
    "continent",
    "party_is",
    "sources",
    "vertices",
    "legs",
    "unverified",
)


def terms_used(cond: Any, book: RuleBook) -> set[str]:
    """Every interpretation a condition can reach."""
    out: set[str] = set()
    for node in reachable(cond, book):
        if isinstance(node.get("interpretation"), str):
            out.add(node["interpretation"])
        by = node.get("territory_of", {}).get("by") if isinstance(node.get("territory_of"), dict) else None
        if by in book.interpretations:
            out.add(by)
    return out


def split_lines(cond: Any, book: RuleBook, date: dt.date) -> tuple[list[float], list[Any]]:
    """The parallels (every reading's latitude) and inline polygons a condition can test, for cutting areas."""
    lats: set[float] = set()
    polys: list[Any] = []
    for node in reachable(cond, book):
        for side in ("north_of", "south_of"):
            if isinstance(node.get(side), int | float):
                lats.add(float(node[side]))
        if "latitude" in node and isinstance(node["latitude"], int | float):
            lats.add(float(node["latitude"]))  # a named parallel's (or a reading's) fixed latitude
        if "obliquity_on" in node:
            on = date if node["obliquity_on"] == "attack" else dt.date.fromisoformat(str(node["obliquity_on"]))
            lats.add(mean_obliquity_deg(on))
        if "polygon" in node:
            polys.append(polygon_geometry(node["polygon"]))
    return sorted(lats), polys


# ------------------------------------------------------------------------------------------------ evaluation runs


@dataclass(eq=False, repr=False)
class Outcome:
    assignment: dict[str, str]
    result: bool | None
    trace: TraceNode
    unknowns: list[str]


def outcomes(cond: dict[str, Any], s: Subject, env: Env, pinned: dict[str, str]) -> list[Outcome]:
    """Evaluate under every combination of the readings that matter here (pinned ones fixed)."""
    out = []
    stack: list[dict[str, str]] = [dict(pinned)]
    while stack:
        assignment = stack.pop()
        env.assignment = dict(assignment)
        env.unknowns = []
        try:
            node = evaluate(cond, s, env)
        except Branch as b:
            readings = env.readings(b.term)
            for r in reversed(readings):
                stack.append({**assignment, b.term: r["id"]})
            continue
        out.append(Outcome(dict(assignment), node.result, node, list(env.unknowns)))
    out.sort(key=lambda o: sorted(o.assignment.items()))
    return out

"""Facts into words: the one place where treatyscope's explanations are written (report.explain puts them together
for a whole result).

Every sentence is made from a template whose slots must all be filled (`Template`): an empty slot is a bug, raised
at once, never printed as ": ." or "by ;". States are named with their codes ("Taiwan (TWN)"), readings of vague
terms by their labels, clauses by the labels the rule files give them. Output is plain text; report.text,
report.markdown and report.json decide how it is laid out.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Iterable, Sequence
from typing import Any

from treatyscope.english import join, plural, the, the_sea
from treatyscope.place.data import GeoData, Status
from treatyscope.rules.conditions import AssumedCondition, DateCondition, condition_label
from treatyscope.rules.language import (
    Article,
    Assumed,
    Condition,
    Continent,
    Holding,
    InsidePolygon,
    Island,
    Latitude,
    Node,
    OnDate,
    ParallelAt,
    PartyIs,
    ReadingUsed,
    Region,
    RegionAnswer,
    RuleBook,
    Seas,
    Side,
    Trace,
)
from treatyscope.rules.parallels import dms
from treatyscope.rules.regions import (
    ContinentRegion,
    DifferenceRegion,
    FeatureRegion,
    InterpretationRegion,
    IntersectionRegion,
    UnionRegion,
    label,
)


class Template:
    """A sentence with named slots, each of which must be filled with something (not None, not empty) unless it is
    one of the `optional` ones (a clause that may be left out, such as ", under some readings only")."""

    def __init__(self, text: str, optional: tuple[str, ...] = ()) -> None:
        self.text = text
        self.slots = {name for _, name, _, _ in string.Formatter().parse(text) if name} - set(optional)

    def __call__(self, **slots: object) -> str:
        missing = sorted(k for k in self.slots if slots.get(k) in (None, "", [], ()))
        if missing:
            raise ValueError(f"template {self.text!r}: empty slot(s) {', '.join(missing)}")
        return self.text.format(**slots)


def day(d: dt.date | None) -> str:
    """An ISO date; a period without a start (always before) has none to give."""
    if d is None:
        raise ValueError("no date to give")
    return d.isoformat()


# ------------------------------------------------------------------------------------------------------- names


class Names:
    """How things are called: states, seas, readings and clauses, from the rule book and the vendored data."""

    def __init__(self, book: RuleBook, data: GeoData) -> None:
        self.book, self.data = book, data

    def state(self, code: str) -> str:
        """'Japan (JPN)'; 'the United States (USA)'; 'Taiwan (Republic of China, TWN)'."""
        name = self.data.entity_name(code)
        if name == code:
            return code
        name = the(name)
        return f"{name[:-1]}, {code})" if name.endswith(")") else f"{name} ({code})"

    def states(self, codes: Iterable[str], last: str = "and") -> str:
        return join((self.state(c) for c in codes), last)

    def sea(self, sid: str) -> str:
        """'the Philippine Sea'."""
        return the_sea(self.data.seas[sid].name if sid in self.data.seas else sid)

    def family(self, fid: str) -> str:
        """'the North Atlantic Ocean' (the family's name without its gloss)."""
        return the_sea(self.data.sea_families[fid].name.split(" (")[0] if fid in self.data.sea_families else fid)

    def clause(self, trace: Trace) -> str:
        return condition_label(trace.node, self.book, self.data)

    def region(self, answer: RegionAnswer) -> str:
        return label(answer.region, self.book, self.data)

    def node(self, node: Node) -> str:
        if isinstance(node, Condition):
            return condition_label(node, self.book, self.data)
        assert isinstance(node, Region)
        return label(node, self.book, self.data)

    def term(self, term_id: str) -> str:
        interp = self.book.interpretations.get(term_id)
        return f"“{interp.term}”" if interp else term_id

    def reading(self, term_id: str, reading_id: str) -> str:
        """'“North Atlantic area” read as the general region'."""
        interp = self.book.interpretations.get(term_id)
        if interp is None:
            return f"{term_id} = {reading_id}"
        reading = next((r for r in interp.readings if r.id == reading_id), None)
        return f"{self.term(term_id)} read as {reading.label if reading else reading_id}"

    def readings(self, assignment: dict[str, str] | Any) -> str:
        return join(self.reading(t, r) for t, r in sorted(assignment.items()))


# ------------------------------------------------------------------------------------------------ leaf evidence

HOW = {"sovereignty": "by sovereignty", "administration": "by control", "either": "by sovereignty or control"}
HELD = Template("held by {holder}")
SPLIT = Template("sovereign {sovereign}, administered by {administrator}")
CLAIMED = Template("claimed by {claimants}")


def status(st: Status | None, names: Names) -> str:
    """Who holds the place: 'held by Japan (JPN)'; 'sovereign disputed, administered by Taiwan (TWN), claimed by
    China (CHN) and Taiwan (TWN)'; 'no state holds it'."""
    if st is None:
        return "at sea, not on any state's land"
    if st.sovereign is None and st.administered_by is None and not st.claimed_by:
        return "no state holds it" + (" (no status is recorded for this date)" if not st.recorded else "")
    if st.sovereign and st.sovereign == st.administered_by:
        text = HELD(holder=names.state(st.sovereign))
    else:
        sovereign = names.state(st.sovereign) if st.sovereign else "disputed"
        administrator = names.state(st.administered_by) if st.administered_by else "no single state"
        text = SPLIT(sovereign=sovereign, administrator=administrator)
    others = [c for c in st.claimed_by if c != st.sovereign]
    if st.claimed_by and (st.sovereign is None or set(others) - {st.administered_by}):
        text += ", " + CLAIMED(claimants=names.states(st.claimed_by))
    return text


def reading_used(used: ReadingUsed | None, names: Names) -> str:
    """' (every reading of “the Tropic of Cancer” agrees)' or ' (reading “…” of “…”)', or ''."""
    if used is None:
        return ""
    term = f"“{used.interpretation.term}”"
    if used.reading is None:
        return f" (every reading of {term} agrees)"
    return f" ({term} read as {used.reading.label})"


def holding(fact: Holding, names: Names) -> str:
    held = status(fact.status, names)
    if fact.status is None:
        return held
    how = HOW.get(fact.by, "") + reading_used(fact.reading, names)
    if fact.test == "states":
        wanted = names.states(fact.states, "or")
        if fact.matched:
            return f"{held}; {names.states(fact.matched)} {_holds(fact.matched)} it {how}"
        if fact.disputed:
            return f"{held}; {wanted} among the claimants, so who holds it is disputed"
        return f"{held}; not held {how} by {wanted} on {day(fact.day)}"
    if fact.test == "any-party":
        if fact.matched:
            return f"{held}; {names.states(fact.matched)}, a Party, {_holds(fact.matched)} it {how}"
        if fact.disputed:
            return f"{held}; a Party is among the claimants, so whether it is a Party's territory is disputed"
        return f"{held}; no Party holds it {how} on {day(fact.day)}"
    party = names.state(fact.party or "")
    if fact.matched:
        return f"{held}; {party} holds it {how}"
    if fact.disputed:
        return f"{held}; {party}'s sovereignty is disputed"
    return f"{held}; {party} does not hold it {how}"


def _holds(codes: Sequence[str]) -> str:
    return "holds" if len(codes) == 1 else "hold"


def party_is(fact: PartyIs, names: Names) -> str:
    wanted = names.states(fact.codes, "or")
    if fact.unnamed:
        taken = names.states(fact.matched, "or")
        return (
            f"no party named: the forces are taken to be those of {taken}"
            if fact.matched
            else f"none of {wanted} is a Party"
        )
    if fact.party is None:
        return f"held by {names.states(fact.matched)}" if fact.matched else f"not held by {wanted}"
    if fact.party in fact.codes:
        return f"the attacked party is {names.state(fact.party)}"
    return f"the attacked party is {names.state(fact.party)}, not {wanted}"


def island(fact: Island) -> str:
    if len(fact.islands) > 1:
        return "partly on islands, partly not"
    (value,) = fact.islands
    return "at sea, not on land" if value is None else "on an island" if value else "on a continental mainland"


def _degrees(lat: float) -> str:
    return f"{abs(lat):.4f}° {'N' if lat >= 0 else 'S'}"


def parallel(p: ParallelAt, names: Names) -> str:
    if p.parallel is None:
        return _degrees(p.lat)
    name = p.parallel.label or "the parallel"
    where = f"{_degrees(p.lat)}, mean obliquity on {day(p.on)}" if p.on else _degrees(p.lat)
    return f"{name} at {dms(p.lat)} ({where}){reading_used(p.reading, names)}"


def latitude(fact: Latitude, names: Names) -> str:
    where = _degrees(fact.lat) if fact.point_like else f"{fact.south:.2f}° to {fact.north:.2f}°"
    return "; ".join(_side(where, s, names) for s in fact.sides)


def _side(where: str, side: Side, names: Names) -> str:
    word = "" if side.result else "not " if side.result is False else "partly "
    return f"{where} is {word}{side.side} of {parallel(side.parallel, names)}"


def on_date(fact: OnDate, trace: Trace) -> str:
    assert isinstance(trace.node, DateCondition)
    window = trace.node.window
    bits = [f"{w} {day(d)}" for w, d in (("on or after", window.start), ("before", window.end)) if d]
    return f"{day(fact.day)} is {'' if trace.result else 'not '}{' and '.join(bits)}"


def assumed(fact: Assumed, trace: Trace) -> str:
    assert isinstance(trace.node, AssumedCondition)
    flag = trace.node.fact
    if fact.given:
        return f"assumed, as the scenario states (--assume {flag})"
    return f"not assumed: the scenario does not state it (pass --assume {flag})"


# ------------------------------------------------------------------------------------------------------ regions


def region(answer: RegionAnswer, subject: str, names: Names) -> str:
    """Whether and why the subject is in the region."""
    name = names.region(answer)
    r, detail = answer.result, answer.detail
    if isinstance(answer.region, InterpretationRegion):
        inner = region(answer.parts[0], subject, names) if answer.parts else f"{subject} is in {name}"
        return inner + reading_used(answer.reading, names).replace(" (", " — ", 1).rstrip(")")
    if isinstance(answer.region, UnionRegion | IntersectionRegion | DifferenceRegion):
        return _composite(answer, subject, names)
    if isinstance(detail, Latitude):
        return latitude(detail, names)
    if isinstance(detail, Seas):
        return _seas(detail, r, name, names)
    if isinstance(detail, Continent):
        return _continent(detail, r, subject, name, answer.region)
    if isinstance(detail, InsidePolygon):
        if r is None:
            return f"{subject} is partly in {name}"
        caveat = f" (the polygon has {plural(detail.unverified_vertices, 'unverified vertex', 'unverified vertices')})"
        return f"{subject} is {'' if r else 'not '}inside {name}" + (caveat if detail.unverified_vertices else "")
    if r is None:
        return f"{subject} is partly in {name}"
    if isinstance(answer.region, FeatureRegion):
        return f"{subject} is {'' if r else 'not '}at {name}"
    return f"{subject} is {'' if r else 'not '}in {name}"


def _continent(detail: Continent, r: bool | None, subject: str, name: str, node: Any) -> str:
    if detail.at_sea:
        return f"at sea, not on the land of {name}"
    if r is None:
        return f"{subject} is partly in {name}"
    where = detail.continent
    if where is None:
        return f"{subject} is on no continent, {'' if r else 'not '}in {name}"
    if isinstance(node, ContinentRegion) and list(node.continents) == [where] and node.title in (None, where):
        return f"{subject} is {'' if r else 'not '}in {where}"
    return f"{subject} is in {where}, {'' if r else 'not '}in {name}"


def _seas(detail: Seas, r: bool | None, name: str, names: Names) -> str:
    if detail.sea is not None:
        sea, ocean = names.sea(detail.sea), names.family(detail.ocean) if detail.ocean else ""
        part = f" (part of {ocean})" if ocean and not sea.startswith(ocean) and not ocean.startswith(sea) else ""
        return f"{sea}{part} is {'' if r else 'not '}part of {name}"
    if not detail.on_land:
        return f"not in {name}"
    if detail.waters_only:
        return f"{'on land' if detail.mainland else 'on the land of an island'}, not in the waters of {name}"
    if detail.mainland:
        return f"on a continental mainland, not in the waters of {name}"
    seas = join(names.sea(s) for s in detail.island_seas) if detail.island_seas else ""
    if r is None:
        return f"partly islands adjoining {name}"
    if r:
        return f"an island adjoining {seas}, part of {name}"
    return f"an island in {seas}, not in {name}" if seas else f"an island adjoining no named sea, not in {name}"


def _composite(answer: RegionAnswer, subject: str, names: Names) -> str:
    name, r = names.region(answer), answer.result
    if isinstance(answer.region, DifferenceRegion):
        a, b = answer.parts
        if a.result is False:
            return region(a, subject, names)
        if b.result is True:
            return f"{region(b, subject, names)}, which is excluded from {name}"
        return f"{subject} is in {name}"
    if isinstance(answer.region, IntersectionRegion):
        miss = next((p for p in answer.parts if p.result is False), None)
        return region(miss, subject, names) if miss else f"{subject} is in {name}"
    hit = next((p for p in answer.parts if p.result is True), None)
    if hit is not None:
        return region(hit, subject, names)
    # Why none of the alternatives holds: an exclusion that decided, else the continent the place is in.
    for p in answer.parts:
        if isinstance(p.region, DifferenceRegion) and p.parts[0].result is True and p.parts[1].result is True:
            return f"{subject} is not in {name}: {region(p, subject, names).removeprefix(subject + ' is ')}"
    continent = answer.detail.continent if isinstance(answer.detail, Continent) else None
    at_sea = isinstance(answer.detail, Continent) and answer.detail.at_sea
    sea = next((p.detail.sea for p in answer.parts if isinstance(p.detail, Seas) and p.detail.sea), None)
    if at_sea and r is False and sea is not None:  # a union of seas: the sea the place is in, and that it is not one
        return f"{names.sea(sea)} is not part of {name}"
    if at_sea and r is False:
        return f"at sea, not on the land of {name}"
    named = {c for p in _leaves(answer) if isinstance(p.region, ContinentRegion) for c in p.region.continents}
    # The continent the place is in, where the region is made of continents and that is not among them.
    where = f" (it is in {continent})" if continent and named and continent not in named else ""
    return f"{subject} is {'partly ' if r is None else 'not '}in {name}{where}"


def _leaves(answer: RegionAnswer) -> Iterable[RegionAnswer]:
    yield answer
    for p in answer.parts:
        yield from _leaves(p)


# ------------------------------------------------------------------------------------------------------- traces


def evidence(trace: Trace, subject: str, names: Names) -> str:
    """The fact a trace node rests on, in words ('' for a node whose children explain it)."""
    fact = trace.fact
    if trace.skipped:
        return "not needed: the clauses before it already decide"
    if isinstance(fact, RegionAnswer):
        return region(fact, subject, names)
    if isinstance(fact, Holding):
        return holding(fact, names)
    if isinstance(fact, Latitude):
        return latitude(fact, names)
    if isinstance(fact, PartyIs):
        return party_is(fact, names)
    if isinstance(fact, Island):
        return island(fact)
    if isinstance(fact, OnDate):
        return on_date(fact, trace)
    if isinstance(fact, Assumed):
        return assumed(fact, trace)
    if isinstance(fact, ReadingUsed):
        inner = first_evidence(trace.children[0], trace.result, subject, names) if trace.children else ""
        how = reading_used(fact, names).strip().strip("()")
        return f"{inner} ({how})" if inner else how
    if trace.node.kind == "const":
        return "by this reading"
    return ""


def first_evidence(trace: Trace, want: bool | None, subject: str, names: Names) -> str:
    """The evidence of a node, or of the first node beneath it with the same result that has some."""
    own = evidence(trace, subject, names)
    if own and not trace.children:
        return own
    for c in trace.children:
        if c.result is want:
            found = first_evidence(c, want, subject, names)
            if found:
                return found
    return own


MARKS = {True: "✓", False: "✗", None: "?"}


def trace_line(trace: Trace, subject: str, names: Names) -> str:
    """'✗ Article 6(i), territory of a Party in Europe or North America', with its evidence after a colon."""
    text = evidence(trace, subject, names)
    if trace.fact is not None and isinstance(trace.fact, ReadingUsed) and trace.children and trace.children[0].children:
        text = reading_used(trace.fact, names).strip().strip("()")  # the reading's own clauses follow beneath
    return f"{MARKS[trace.result]} {names.clause(trace)}" + (f": {text}" if text else "")


def trace_tree(trace: Trace, subject: str, names: Names) -> tuple[str, list[Any]]:
    """The trace as (line, children) pairs, for a tree."""
    children = list(trace.children)
    if isinstance(trace.fact, ReadingUsed) and children and not children[0].children:
        children = []  # a reading that is a single fact: its evidence is on this line already
    return trace_line(trace, subject, names), [trace_tree(c, subject, names) for c in children]


def clean(text: str) -> str:
    """Collapse runs of spaces."""
    return re.sub(r"\s+", " ", text).strip()


# -------------------------------------------------------------------------------------------------- conditions


def describe(node: Condition, names: Names, depth: int = 0) -> list[tuple[int, str]]:
    """A condition as indented lines of words (for `show`): its clause, what it tests, and its parts."""
    from treatyscope.rules.conditions import InterpretationCondition, NotCondition, UseCondition

    own = node.label(names.book, names.data)
    head = f"{node.clause}: {own}" if node.clause and node.clause != own else own
    lines = [(depth, head)]
    if isinstance(node, UseCondition) and node.name in names.book.conditions:
        target = names.book.conditions[node.name]
        if node.party == "any":
            lines.append((depth + 1, "where “the party” is any Party holding the place:"))
        return lines + describe(target, names, depth + 1)[1 if not target.clause else 0 :]
    if isinstance(node, InterpretationCondition):
        interp = names.book.interpretations[node.term]
        for r in interp.readings:
            lines.append((depth + 1, f"read as {r.label}:"))
            if r.condition is not None:
                lines += describe(r.condition, names, depth + 2)
        return lines
    if isinstance(node, NotCondition):
        return lines
    for child in node.nodes(names.book):
        if isinstance(child, Condition):
            lines += describe(child, names, depth + 1)
    return lines


def covered_by(clauses: str) -> str:
    """'covered by Article 6(i), …', but 'covered in Europe (on land, …)': a clause labelled by where it reaches."""
    first = clauses.split(" ", 1)[0].lower()
    return f"covered {clauses}" if first in {"in", "on", "at", "within", "over", "inside"} else f"covered by {clauses}"


def article_called(article: Article, name: str = "", start: bool = False) -> str:
    """How an answer names an article: "NATO Article 5" (after the treaty's short name), "Article 5"; one whose
    number is not known by its `cited_as`: "Saudi-Pakistan defence clause", "the defence clause" ("The ..." to
    start a sentence)."""
    if article.cited_as is None:
        return f"{name} Article {article.number}".lstrip()
    if name:
        return f"{name} {article.cited_as}"
    return f"{'The' if start else 'the'} {article.cited_as}"

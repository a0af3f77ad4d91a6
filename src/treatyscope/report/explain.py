"""A Result in words: its headline, its reasons (the decisive ones first), the checks behind it, and the one-line
reason of a comparison table. The sentences about single facts come from report.words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from treatyscope.english import capitalised, join, plural, the, the_sea
from treatyscope.place.data import Lineage, geodata
from treatyscope.report.words import Names, Template, article_called, covered_by, day, evidence, first_evidence
from treatyscope.result import (
    Nearest,
    Part,
    PartyCheck,
    Result,
    ScopeCheck,
    ScopeOutcome,
    Standing,
    Subject,
    Verdict,
)
from treatyscope.rules.language import RegionAnswer, RuleBook, Trace
from treatyscope.rules.logic import deciding
from treatyscope.rules.regions import (
    DifferenceRegion,
    FeatureRegion,
    InterpretationRegion,
    IntersectionRegion,
    RefRegion,
    SubdivisionRegion,
    TerritoryRegion,
    UnionRegion,
)

VERDICT_WORDS = {
    Verdict.APPLIES: "Applies",
    Verdict.DOES_NOT_APPLY: "Does not apply",
    Verdict.PARTIAL: "Partly applies",
    Verdict.CONTESTED: "Contested",
}
COVERED_WORDS = {  # a verdict said of a place or a part
    Verdict.APPLIES: "covered",
    Verdict.DOES_NOT_APPLY: "not covered",
    Verdict.PARTIAL: "partly covered",
    Verdict.CONTESTED: "contested",
}
TRIGGER_NOTE = (
    'Whether an event is an "armed attack", who carried it out, and whether the Parties invoke the article are '
    "political decisions; treatyscope does not assess them."
)
TARGET_PLURAL = {"territory": "territory", "forces": "forces", "vessel": "vessels", "aircraft": "aircraft"}

APPLIES = Template("{article} applies to {what} on {day}.")
DOES_NOT_APPLY = Template("{article} does not apply to {what} on {day}.")
CONTESTED = Template("{article}: whether it applies to {what} on {day} is contested.")
PARTIAL = Template("{article} applies to part of {place} ({share}) {how} on {day}.")
NOT_IN_FORCE = Template("The {treaty} was not in force on {day}: it {when}.")
NEAREST = Template(
    "The nearest place where {text} covers {what} is {name} ({where}), {km} km away{by}{some}.", ("by", "some")
)
NEARER = Template("Under some readings, {name} is nearer: {km} km{by}.", ("by",))
IN_TERRITORIAL_SEA = (
    "The place is in a territorial sea, taken as its coastal state's territory: under UNCLOS Article 2 the coastal "
    "state's sovereignty extends to its territorial sea and the air space above it. treatyscope draws the belt 12 "
    "nautical miles (UNCLOS Article 3) from the simplified coastline, an approximation of the legal baselines, and "
    "divides it by equidistance where two coasts face each other; --no-territorial-sea counts it as sea."
)
UNCLOS_SIGNED = dt.date(1982, 12, 10)
BREADTH_BEFORE_UNCLOS = (
    "Before the 1982 Convention many states claimed 3 nautical miles; treatyscope draws 12 for every date, so a "
    "point more than 3 miles out may have been high seas then."
)
CHECK_WORDS = {
    "membership": "the attacked state",
    "obligations": "obligations",
    "in-force": "the treaty in force",
    "version": "the text in force",
    "scope": "scope",
    "trigger": "trigger",
}


def names(r: Result) -> Names:
    return Names(r.book, geodata())


def article_name(r: Result) -> str:
    return article_called(r.article, r.treaty.short_name)


def _what(r: Result) -> str:
    of = f" of {names(r).state(r.party)}" if r.party and r.target != "territory" else ""
    return {
        "territory": f"an armed attack on {r.place}",
        "forces": f"an armed attack on forces{of} at {r.place}",
        "vessel": f"an armed attack on a vessel{of} at {r.place}",
        "aircraft": f"an armed attack on an aircraft{of} over {r.place}",
    }[r.target]


def covered_fraction(parts: Iterable[Part]) -> float:
    parts = list(parts)
    total = sum(p.size for p in parts) or 1.0
    return sum(p.size * p.covered_share for p in parts) / total


def share(fraction: float) -> str:
    return "more than 99%" if fraction > 0.99 else "less than 1%" if fraction < 0.01 else f"{fraction:.0%}"


def headline(r: Result) -> str:
    common = {"article": article_name(r), "what": _what(r), "day": day(r.date)}
    if r.verdict is Verdict.APPLIES:
        return APPLIES(**common) + _bound_only(r)
    if r.verdict is Verdict.DOES_NOT_APPLY:
        return DOES_NOT_APPLY(**common)
    if r.verdict is Verdict.PARTIAL and r.scope is not None:
        measure = {"length": "length", "points": "points"}.get(r.scope.measure or "", "area")
        how = {
            "territory": "as territory",
            "forces": "for forces there",
            "vessel": "for vessels there",
            "aircraft": "for aircraft over it",
        }[r.target]
        fraction = share(covered_fraction(r.scope.parts))
        return PARTIAL(
            article=article_name(r), place=r.place, share=f"{fraction} of its {measure}", how=how, day=day(r.date)
        )
    return CONTESTED(**common)


def _bound_only(r: Result) -> str:
    """When some Parties have suspended their obligations toward the attacked state, who is still bound (ANZUS:
    Australia alone toward New Zealand since 1986), said in the headline itself."""
    owed = [o for o in r.obligations if o.suspended and o.still_bound]
    if not owed:
        return ""
    n = names(r)
    o = owed[0]
    obligors = sorted({s.obligor for s in o.suspended})
    its = "its" if len(obligors) == 1 else "their"
    return (
        f" It binds {n.states(o.still_bound)} only: {n.states(obligors)} suspended {its} obligations toward "
        f"{n.state(o.beneficiary)}."
    )


# ------------------------------------------------------------------------------------------------------- scope


def _specific(trace: Trace, book: RuleBook) -> bool:
    """Whether a failed alternative fails because it names another party or particular places (France's Algerian
    departments, Turkey, Ceuta): such alternatives are not the reason a place is outside the scope."""
    if trace.result is not False:
        return False
    if not trace.children:
        fact = trace.fact
        return trace.node.kind == "party_is" or (isinstance(fact, RegionAnswer) and _places(fact.region, book))
    return any(_specific(c, book) for c in trace.children if c.result is False)


def _places(node: object, book: RuleBook) -> bool:
    """A region that lists particular places, rather than a continent, a sea or a band."""
    if isinstance(node, TerritoryRegion | SubdivisionRegion | FeatureRegion):
        return True
    if isinstance(node, RefRegion):
        return node.ref in book.regions and _places(book.regions[node.ref], book)
    if isinstance(node, UnionRegion | IntersectionRegion | DifferenceRegion):
        return all(_places(p, book) for p in node.items)
    if isinstance(node, InterpretationRegion):
        interp = book.interpretations.get(node.term)
        return interp is not None and all(r.region is not None and _places(r.region, book) for r in interp.readings)
    return False


def misses(trace: Trace, subject: str, n: Names) -> list[str]:
    """Why a false condition is false: every relevant alternative of an 'any', the first failing check of an 'all'
    (a geographic failure first: it explains more than "not that party's")."""
    if trace.result is not False:
        return []
    if trace.node.kind == "any":
        out: list[str] = []
        specific: list[str] = []
        for alt in trace.children:
            (specific if _specific(alt, n.book) else out).extend(misses(alt, subject, n))
        return out or specific
    own = evidence(trace, subject, n)
    if not trace.children:
        return [f"{n.clause(trace)} — {own}" if own else n.clause(trace)]
    if trace.node.kind == "all":
        false = [c for c in trace.children if c.result is False]
        if not false:
            return []
        geographic = [c for c in false if c.node.kind in ("in_region", "latitude", "island") or c.children]
        first = (geographic or false)[0]
        if not first.children:
            return [f"{n.clause(trace)} — {evidence(first, subject, n) or n.clause(first)}"]
        return misses(first, subject, n)
    inner = [m for c in trace.children for m in misses(c, subject, n)]
    return inner or ([f"{n.clause(trace)} — {own}"] if own else [])


def scope_sentence(outcomes: tuple[ScopeOutcome, ...], verdict: Verdict, subject: str, n: Names) -> str:
    """Why a place is (not) within the scope, from the traces of its outcomes."""
    first = outcomes[0].trace
    if first is None:
        return ""
    if verdict is Verdict.APPLIES:
        clause = deciding(first, True)
        if clause is first and not clause.quote and not first.node.clause:
            return "Covered."
        why = evidence(clause, subject, n) or first_evidence(clause, True, subject, n)
        said = capitalised(covered_by(n.clause(clause)))
        return f"{said}: {why}." if why else f"{said}."
    if verdict is Verdict.DOES_NOT_APPLY:
        found = misses(first, subject, n)
        return ("Outside the text's scope: " + "; ".join(found) + ".") if found else "Outside the text's scope."
    words = {True: "covered", False: "not covered", None: "undetermined"}
    parts = []
    for o in outcomes:
        state = words[o.trace.result if o.trace else None]
        parts.append(f"{state} if {n.readings(o.readings)}" if o.readings else state)
    unknown = sorted({u for o in outcomes for u in o.unknowns})
    tail = " (sovereignty is disputed)" if unknown else ""
    return "Contested: " + "; ".join(parts) + tail + "."


def _size(p: Part, measure: str | None) -> str:
    if measure == "length":
        return f"{p.size:,.0f} km"
    if measure == "points":
        return plural(round(p.size), "point")
    return f"{p.size:,.0f} km²"


def area_sentence(scope: ScopeCheck, target: str, n: Names) -> str:
    """An area's answer part by part, and the reason for its largest part."""
    traces = scope.traces
    verdict = _verdict_of(traces)
    largest = scope_sentence(traces, verdict, subject_name(scope.subject), n)
    holder = scope.subject.holder
    if target == "territory" and holder and not scope.subject.holder_is_member and verdict is Verdict.APPLIES:
        largest = f"Even if {n.state(holder)} were a Party, it would be {largest[0].lower()}{largest[1:]}"
    if len(scope.parts) <= 1:
        return largest
    pieces = [f"{p.name} ({_size(p, scope.measure)}): {_part_word(p)}" for p in scope.parts[:12]]
    head = "Part by part: " + "; ".join(pieces) + ("; …" if len(scope.parts) > 12 else "") + "."
    return f"{head} For {subject_name(scope.subject)}: {largest}" if largest else head


def _part_word(p: Part) -> str:
    return f"{p.covered_share:.0%} covered" if p.verdict is Verdict.PARTIAL else COVERED_WORDS[p.verdict]


def _verdict_of(outcomes: tuple[ScopeOutcome, ...]) -> Verdict:
    results = {o.trace.result if o.trace else None for o in outcomes}
    return Verdict.APPLIES if results == {True} else Verdict.DOES_NOT_APPLY if results == {False} else Verdict.CONTESTED


def scope_reason(r: Result) -> str:
    scope = r.scope
    if scope is None:
        return ""
    n = names(r)
    if scope.measure:
        return area_sentence(scope, r.target, n)
    return scope_sentence(scope.outcomes, scope.verdict, subject_name(scope.subject), n)


# ------------------------------------------------------------------------------------------------------ reasons


def membership(check: PartyCheck, r: Result, n: Names) -> str:
    """The party check in one clause ('' when nothing needs saying)."""
    s = check.standing
    party = n.state(check.party) if check.party else ""
    if s is Standing.ANY_PARTY:
        return f"the {TARGET_PLURAL[r.target]} are taken to be those of a Party (pass --party to name one)"
    if s is Standing.BY_HOLDER:
        if not check.holders:
            return "no state holds any part of it, so no Party's territory can be attacked here"
        listed = join(f"{n.state(h.code)}{'' if h.member else ' (not a Party)'}" for h in check.holders)
        return f"each part is attacked as the territory of the state that holds it: {listed}"
    if s is Standing.NO_HOLDER:
        return "no state holds this place, so no Party's territory can be attacked here"
    if s is Standing.ASSUMED_MEMBER:
        return f"{party} is assumed to be a Party (--assume-member)"
    if s is Standing.PARTY and check.entry:
        return (
            f"{party} is a Party from {day(check.entry.period.start)}"
            if check.entry.period.start
            else f"{party} is a Party"
        )
    if s is Standing.PROTECTED and check.entry:
        note = f": {check.entry.note}" if check.entry.note else ""
        return f"{party} is not a Party but is protected from {day(check.entry.period.start)}{note}"
    if s is Standing.NOT_YET_OR_NO_LONGER:
        # To the last day it was one (the period's end is the first day it was not), as a timeline's "to".
        spans = join(
            f"from {day(h.period.start)}" + (f" to {day(h.period.end - dt.timedelta(days=1))}" if h.period.end else "")
            for h in check.history
        )
        return f"{party} was not a Party on {day(r.date)} (a Party {spans})"
    return f"{party} is not a Party to the {r.treaty.name}"


def obligations(r: Result, n: Names) -> list[str]:
    out = []
    for o in r.obligations:
        suspended = join(
            f"{n.state(s.obligor)} suspended its obligations toward {n.state(s.beneficiary)} from {day(s.period.start)}"
            for s in o.suspended
        )
        if o.still_bound:
            verb = "remains" if len(o.still_bound) == 1 else "remain"
            out.append(f"{suspended}; {n.states(o.still_bound)} {verb} bound")
        else:
            out.append(f"{suspended}; no other Party remains bound toward it")
    return out


def reasons(r: Result) -> list[str]:
    """The reasons for a verdict, the decisive first."""
    n = names(r)
    if r.holders is not None:
        sov, ctl = r.holders.sovereign, r.holders.controller
        return [
            f"Whose territory an attack here would strike is disputed: as its sovereign's it is "
            f"{COVERED_WORDS[sov.verdict]}; as the controlling state's it is {COVERED_WORDS[ctl.verdict]}.",
            *(f"As the sovereign's: {x}" for x in reasons(sov)[:1]),
            *(f"As the controlling state's: {x}" for x in reasons(ctl)[:1]),
        ]
    out: list[str] = []
    if not r.in_force:
        ended = r.treaty.ended
        when = (
            f"ended on {day(ended)}" if ended and r.date >= ended else f"entered into force on {day(r.treaty.in_force)}"
        )
        out.append(NOT_IN_FORCE(treaty=r.treaty.name, day=day(r.date), when=when))
    out += _party_reasons(r, n)
    out += [capitalised(x) + "." for x in obligations(r, n)]
    scope = r.scope
    stopped = r.verdict is Verdict.DOES_NOT_APPLY and r.membership.passed is False
    if scope is not None and stopped and scope.verdict is not Verdict.DOES_NOT_APPLY and r.version is not None:
        out.append(f"Even for a Party, the place would be {COVERED_WORDS[scope.verdict]} under {r.version.label}.")
    if scope is not None:
        sentence = scope_reason(r)
        if sentence:
            out.append(sentence)
        if scope.subject.territorial_sea:
            out.append(IN_TERRITORIAL_SEA)
            if r.date < UNCLOS_SIGNED:
                out.append(BREADTH_BEFORE_UNCLOS)
        out += [
            f"{capitalised(c.label)} ({abs(c.lat):.2f}° {'N' if c.lat >= 0 else 'S'}) runs across {the(r.place)}, "
            "and the parts on either side of it have the same answer: it is not what decides."
            for c in scope.crossings
            if not c.decides
        ]
    out += nearest(r, n)
    if r.version is not None and not r.version.verified:
        out.append(
            f"The wording of {r.version.label} is not verified against an authentic copy: {r.version.unverified_note}"
        )
    return out


def _party_reasons(r: Result, n: Names) -> list[str]:
    m = r.membership
    out = [lineage(m.lineage, r.date, n)] if m.lineage is not None else []
    return out + _standing_reasons(r, n)


def lineage(line: Lineage, on: dt.date, n: Names) -> str:
    """Why the party named stands for another state on the date, or for no one yet."""
    source = f" ({line.source.title})" if line.source else ""
    if line.continues:
        return (
            f"On {day(on)}, {n.state(line.state)} stands for {n.state(line.predecessor)}: it continues that "
            f"state's international personality, its memberships and treaties included, from {day(line.until)}"
            f"{source}."
        )
    return (
        f"{capitalised(n.state(line.state))} did not exist on {day(on)}: it is one of the successors of "
        f"{n.state(line.predecessor)} from {day(line.until)} and does not continue it{source}; "
        f"--party {line.predecessor} asks about {the(geodata().entity_name(line.predecessor))}."
    )


def _standing_reasons(r: Result, n: Names) -> list[str]:
    m = r.membership
    if m.standing is Standing.BY_HOLDER and m.outsiders:
        verb = "is" if len(m.outsiders) == 1 else "are"
        some = len(m.outsiders) < len(m.holders)
        tail = " (the parts it holds are not covered as a Party's territory)." if some else "."
        return [f"{n.states(m.outsiders)} {verb} not a Party on {day(r.date)}{tail}"]
    if m.standing is Standing.NO_HOLDER:
        return ["No state holds this place: it is not the territory of any Party."]
    if m.passed is False:
        return [capitalised(membership(m, r, n)) + "."]
    return []


def nearest(r: Result, n: Names) -> list[str]:
    near = r.nearest
    if near is None or r.verdict is Verdict.APPLIES or near.km <= 0.5:
        return []
    what = {"territory": "a Party's territory", "forces": "forces", "vessel": "vessels", "aircraft": "aircraft"}
    text = r.version.label if r.version else article_called(r.article)
    out = [
        NEAREST(
            text=text,
            what=what[r.target],
            name=place_name(near),
            where=coordinates(near),
            km=f"{near.km:,.0f}",
            by=f", by {near.clause}" if near.clause else "",
            some="" if near.all_readings else ", under some readings only",
        )
    ]
    if near.nearer is not None:
        by = f", by {near.nearer.clause}" if near.nearer.clause else ""
        name = place_name(near.nearer)
        out.append(NEARER(name=capitalised(name), km=f"{near.nearer.km:,.0f}", by=by))
    return out


def subject_name(subject: Subject) -> str:
    """What a check is about, as it reads within a sentence: 'the South China Sea', 'the Philippines', 'Taiwan'."""
    return the_sea(subject.label) if subject.sea else the(subject.label)


def place_name(near: Nearest) -> str:
    """The nearest covered place as it reads within a sentence."""
    return the_sea(near.name) if near.sea else the(near.name)


def coordinates(near: Nearest) -> str:
    lat = f"{abs(near.lat):.2f}° {'N' if near.lat >= 0 else 'S'}"
    lon = f"{abs(near.lon):.2f}° {'E' if near.lon >= 0 else 'W'}"
    return f"{lat}, {lon}"


# ------------------------------------------------------------------------------------------------------- checks


@dataclass
class CheckLine:
    """One check in words: its name, its result and the evidence (the scope's outcomes and traces beneath)."""

    check: str
    result: str
    evidence: str = ""
    outcomes: list[tuple[str, Trace | None, ScopeOutcome]] = field(default_factory=list)


def checks(r: Result) -> list[CheckLine]:
    n = names(r)
    out: list[CheckLine] = []
    if r.holders is not None:
        sov, ctl = r.holders.sovereign.verdict, r.holders.controller.verdict
        evidence_ = (
            f"as the sovereign's territory: {COVERED_WORDS[sov]}; as the controlling state's: {COVERED_WORDS[ctl]}"
        )
        out.append(CheckLine("membership", "per holder", evidence_))
    m = r.membership
    result = {True: "yes", False: "no", None: "per part"}[m.passed]
    if m.standing is Standing.ANY_PARTY:
        result = "assumed"
    out.append(CheckLine("membership", result, membership(m, r, n)))
    for o, text in zip(r.obligations, obligations(r, n), strict=True):
        out.append(CheckLine("obligations", "yes" if o.passed else "no", text))
    if not r.in_force:
        out.append(CheckLine("in-force", "no", reasons(r)[0]))
    if r.version is None:
        out.append(CheckLine("version", "no", f"no text of {article_called(r.article)} in force on {day(r.date)}"))
    else:
        span = f"in force from {day(r.version.period.start)}"
        if r.version.period.end:
            span += f" to {day(r.version.period.end)} (exclusive)"
        out.append(CheckLine("version", "yes", f"{r.version.label}, {span}"))
    if r.scope is not None:
        out.append(_scope_line(r, n))
    out.append(CheckLine("trigger", "not assessed", TRIGGER_NOTE))
    return out


def _scope_line(r: Result, n: Names) -> CheckLine:
    scope = r.scope
    assert scope is not None
    word = {Verdict.APPLIES: "yes", Verdict.DOES_NOT_APPLY: "no"}.get(scope.verdict, str(scope.verdict))
    line = CheckLine("scope", word, scope_reason(r))
    if scope.measure:
        line.outcomes = [("trace of the largest part", o.trace, o) for o in scope.traces[:1]]
    else:
        for o in scope.outcomes:
            when = f" if {n.readings(o.readings)}" if o.readings else ""
            line.outcomes.append((f"{COVERED_WORDS[o.verdict]}{when}", o.trace, o))
    return line


def one_line(r: Result) -> str:
    """What decided, in one line: the treaty or the party, else the scope: the clause that covers it, the readings
    that disagree, the share covered, or the nearest covered place."""
    n = names(r)
    if not r.in_force:
        t = r.treaty
        return (
            f"not in force: the treaty ended on {day(t.ended)}"
            if t.ended and r.date >= t.ended
            else f"not in force: the treaty entered into force on {day(t.in_force)}"
        )
    stopped = r.membership.passed is False or any(not o.passed for o in r.obligations)
    if (stopped or r.version is None) and r.holders is None:
        found = reasons(r)
        return found[0] if found else ""
    scope = r.scope
    if r.verdict is Verdict.CONTESTED and scope is not None and scope.terms:
        return "depends on " + "; ".join(
            f"“{t.interpretation.term}”: "
            + ", ".join(
                f"{rv.reading.label} → {COVERED_WORDS[rv.verdict] if rv.verdict else 'depends'}" for rv in t.readings
            )
            for t in scope.terms
        )
    if r.verdict is Verdict.PARTIAL and scope is not None and scope.parts:
        measure = {"length": "length", "points": "points"}.get(scope.measure or "", "area")
        return f"{share(covered_fraction(scope.parts))} of the {measure} is covered"
    if r.verdict is Verdict.APPLIES and scope is not None and scope.shown and scope.shown[0].trace is not None:
        trace = scope.shown[0].trace
        # The clauses that held (a reading's bare `const` is no clause: the clause around it is named instead).
        held = [n.clause(c) for c in trace.children if c.result is True and c.node.clause] or [
            n.clause(deciding(trace, True))
        ]
        if r.target != "territory" and r.membership.standing is Standing.ANY_PARTY:
            # What is covered is a Party's own forces at the place, not the place (Taiwan is not covered by ANZUS).
            return f"a Party's own forces, vessels or aircraft there, not the territory: {covered_by('; '.join(held))}"
        return covered_by("; ".join(held))
    if r.verdict is Verdict.DOES_NOT_APPLY:
        near = r.nearest
        name = place_name(near) if near else ""
        where = f"; nearest covered: {name}, {near.km:,.0f} km away" if near and near.km > 0.5 else ""
        return "outside the text's scope" + where
    found = reasons(r)
    return found[0] if found else ""


def term_lines(r: Result) -> list[str]:
    """The readings that change the answer, each with its verdict and sources."""
    out = []
    for t in r.scope.terms if r.scope else ():
        for rv in t.readings:
            verdict = COVERED_WORDS[rv.verdict] if rv.verdict else "depends on other readings"
            cited = ", ".join(f"[{s}]" for s in rv.reading.sources)
            out.append(f"“{t.interpretation.term}” read as {rv.reading.label} → {verdict} ({cited})")
    return out


def part_lines(r: Result) -> list[str]:
    scope = r.scope
    if scope is None or len(scope.parts) <= 1:
        return []
    return [f"{p.name}: {_part_word(p)} ({_size(p, scope.measure)})" for p in scope.parts]


def unverified(r: Result) -> list[str]:
    out = []
    if not r.article.verified:
        out.append(f"{article_called(r.article, start=True)}: {r.article.unverified_note}")
    if r.version is not None and not r.version.verified:
        out.append(f"{r.version.label}: {r.version.unverified_note}")
    return out

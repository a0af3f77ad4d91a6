"""What an answer takes as given rather than from the record — an assumed membership, a pinned reading it used, a
fact given with --assume, territorial seas left out — said next to its verdict in every format."""

from __future__ import annotations

from collections.abc import Iterable

from treatyscope.report.explain import names
from treatyscope.result import Result, Standing
from treatyscope.rules.conditions import AssumedCondition
from treatyscope.rules.language import Assumed, ReadingUsed, RegionAnswer, Trace


def assumption(r: Result) -> str | None:
    """What the answer takes as given rather than from the record (shown next to the verdict), if anything: a
    membership (--assume-member), a reading pinned (--interpretation) or a fact given (--assume) that it used, or
    territorial seas left out (--no-territorial-sea)."""
    if not r.in_force or r.version is None:
        return None
    n = names(r)
    given = []
    if r.membership.standing is Standing.ASSUMED_MEMBER and r.party:
        given.append(f"{n.state(r.party)} taken to be a Party (--assume-member)")
    stopped = r.membership.passed is False or any(not o.passed for o in r.obligations)
    scope = None if stopped else r.scope  # the scope's readings and facts did not decide a stopped answer
    if scope is not None and scope.outcomes:
        # A term whose reading is the same in every combination was pinned: the unpinned ones that matter vary.
        first, *rest = scope.outcomes
        used = {u.interpretation.id for o in scope.shown if o.trace is not None for u in _readings_used(o.trace)}
        pinned = sorted(
            (t, rd) for t, rd in first.readings.items() if t in used and all(o.readings.get(t) == rd for o in rest)
        )
        given += [f"{n.reading(t, rd)} (--interpretation)" for t, rd in pinned]
        facts = sorted(
            {
                t.node.fact
                for o in scope.shown
                if o.trace is not None
                for t in o.trace.walk()
                if isinstance(t.node, AssumedCondition) and isinstance(t.fact, Assumed) and t.fact.given
            }
        )
        given += [f"the fact {fact} taken as given (--assume)" for fact in facts]
    # Left out, the belts change only what is at sea: a point there, or an area (which may reach the coast).
    if scope is not None and not r.territorial_sea and (scope.measure or scope.subject.at_sea):
        given.append("territorial seas counted as sea, not as their coast's territory (--no-territorial-sea)")
    return "; ".join(given) or None


def _readings_used(trace: Trace) -> Iterable[ReadingUsed]:
    """The chosen readings a trace rests on, in its conditions and in the regions they asked about."""

    def in_region(a: RegionAnswer) -> Iterable[ReadingUsed]:
        if a.reading is not None and a.reading.reading is not None:
            yield a.reading
        for p in a.parts:
            yield from in_region(p)

    for t in trace.walk():
        if isinstance(t.fact, ReadingUsed) and t.fact.reading is not None:
            yield t.fact
        elif isinstance(t.fact, RegionAnswer):
            yield from in_region(t.fact)

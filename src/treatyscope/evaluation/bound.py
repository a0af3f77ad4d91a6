"""Who is bound to act: for an attack at a place on a date against a party, every state the encoded articles bind
to assist it, under which treaty and article, and how strongly (the article version's `obligation`).

A state is bound by an article that applies (or applies under some readings, or to part of an area: those duties
are marked so) when it is a Party on the date, other than the attacked state, and its obligations toward the
attacked state are not suspended (the United States toward New Zealand under ANZUS). Where the rule files call a
state's membership itself disputed (Cuba under the Rio Treaty after 1962), its duties there are contested. Land
whose sovereign and controlling state differ (Crimea) is attacked as either's territory: each gives its own duties,
all of them contested. A state bound by several treaties is one row, its duties strongest first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from treatyscope.place.subject import Subject
from treatyscope.result import Result, Verdict
from treatyscope.rules.language import Context, Interpretation, Obligation, Suspension

BINDING = (Verdict.APPLIES, Verdict.PARTIAL, Verdict.CONTESTED)


@dataclass(frozen=True, eq=False)
class Duty:
    """One article binding one state: the article's answer, whom it is bound to assist, and what it owes."""

    result: Result
    beneficiary: str
    split: bool = False  # the place's sovereign and controlling state differ: owed only if it is this one's land
    disputed: Interpretation | None = None  # whether the bound state is a Party at all is this question

    @property
    def obligation(self) -> Obligation | None:
        return self.result.version.obligation if self.result.version else None

    @property
    def certain(self) -> bool:
        """The article applies to the whole place under every reading (not contested, not partial), the
        attacked state is not in dispute, and neither is the bound state's own standing as a Party."""
        return self.result.verdict is Verdict.APPLIES and not self.split and self.disputed is None

    @property
    def rank(self) -> int:
        """0 for the strongest obligation; unknown strengths last."""
        return self.obligation.rank if self.obligation else 99


@dataclass(frozen=True, eq=False)
class BoundState:
    state: str
    duties: tuple[Duty, ...]  # strongest first

    @property
    def certain(self) -> bool:
        """Bound for certain by at least one article."""
        return any(d.certain for d in self.duties)


@dataclass(frozen=True, eq=False)
class Suspended:
    """A state that would be bound by an article that applies, but whose obligations toward the attacked state are
    suspended."""

    result: Result
    suspension: Suspension


@dataclass(frozen=True, eq=False)
class WhoIsBound:
    attacked: str | None  # None: no single attacked state (forces of any Party, an area held by several)
    bound: tuple[BoundState, ...]  # certain first, then by the strongest duty, then by code
    suspended: tuple[Suspended, ...]
    results: tuple[Result, ...]  # every article's answer, binding or not
    assumed: frozenset[str] = frozenset()  # states taken as Parties (--assume-member)

    @property
    def binding(self) -> tuple[Result, ...]:
        return tuple(r for r in self.results if r.verdict in BINDING and self.attacked is not None)


def who_is_bound(results: Sequence[Result]) -> WhoIsBound:
    """The states bound to assist the attacked party, from the results of one check (one target kind and party);
    the states taken as Parties (--assume-member) are each result's own."""
    attacked = _attacked(results)
    assumed = frozenset(code for r in results for code in r.assumed)
    duties: dict[str, list[Duty]] = {}
    suspended: list[Suspended] = []
    for r in results:
        split = r.holders is not None
        branches = (r.holders.sovereign, r.holders.controller) if r.holders is not None else (r,)
        for branch in branches:
            beneficiary = attacked_state(branch)
            if attacked is None or beneficiary is None or branch.verdict not in BINDING:
                continue
            paused = {s.obligor: s for s in r.treaty.suspended_toward(beneficiary, r.date)}
            for state in sorted((r.treaty.members_on(r.date) | r.assumed) - {beneficiary}):
                if state in paused:
                    suspended.append(Suspended(branch, paused[state]))
                else:
                    party, disputed = _membership(r, state)
                    if party:
                        duties.setdefault(state, []).append(Duty(branch, beneficiary, split, disputed))
    bound = [BoundState(s, tuple(sorted(ds, key=lambda d: (not d.certain, d.rank)))) for s, ds in duties.items()]
    bound.sort(key=lambda b: (not b.certain, b.duties[0].rank, b.state))
    return WhoIsBound(attacked, tuple(bound), tuple(suspended), tuple(results), assumed)


def _membership(r: Result, state: str) -> tuple[bool, Interpretation | None]:
    """Whether the state is a Party on the day, and the question that disputes it, if one does and no reading was
    pinned for it (--interpretation), nor the state taken as a Party (--assume-member)."""
    entry = r.treaty.member_on(state, r.date)
    question = entry.disputed_on(r.date) if entry is not None and state not in r.assumed else None
    if not question:
        return True, None
    interp = r.book.interpretations[question]
    pinned = dict(r.pinned).get(question)
    if pinned is None:
        return True, interp
    reading = interp.reading(pinned)
    if reading.condition is None:
        return True, interp
    # The readings of a membership question are dated or constant: they read the day, not the place.
    ctx = Context(r.book, r.treaty, r.date, frozenset())
    held = reading.condition.evaluate(Subject(label="", lat=0.0, lon=0.0), ctx).result
    return (True, interp) if held is None else (bool(held), None)


def _attacked(results: Sequence[Result]) -> str | None:
    """The attacked state: the party named, or the one state holding the place (or every part of an area); where
    sovereign and controlling state differ, the sovereign."""
    found = {attacked_state(r) for r in results if r.in_force} or {attacked_state(r) for r in results}
    return next(iter(found)) if len(found) == 1 else None


def attacked_state(r: Result) -> str | None:
    """The state an answer takes to be attacked: the party (named, or holding the place), or the one state
    holding every part of an area."""
    if r.party is not None:
        return r.party
    codes = {h.code for h in r.membership.holders}
    return next(iter(codes)) if len(codes) == 1 else None

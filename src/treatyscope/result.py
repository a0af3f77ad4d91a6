"""What `check` found, as facts: a verdict, the reason that decided it, and the evidence of each check. No
sentences: report.words turns a Result into text, Markdown or JSON.

Four checks decide a verdict:
1. in force: was the treaty in force on the date, and which text of the article (`version`)?
2. the party: was the attacked state a Party (or protected) on the date, and do the others remain bound to it?
3. scope: is the place within the text's scope for the target kind, clause by clause, under every reading of
   its vague terms (points), or for what share of it (areas and tracks)?
4. trigger: whether the event is an "armed attack" and whether the Parties invoke the article are political
   decisions, noted but not assessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from treatyscope.place.data import Lineage
from treatyscope.rules.language import (
    Article,
    Interpretation,
    Membership,
    Reading,
    RuleBook,
    Source,
    Suspension,
    Trace,
    Treaty,
    Unknown,
    Version,
)

FULL_SHARE = 0.9999  # area shares within 0.01% of 0 or 1 count as none or all (simplification slivers)


class Verdict(StrEnum):
    APPLIES = "applies"
    DOES_NOT_APPLY = "does-not-apply"
    PARTIAL = "partial"
    CONTESTED = "contested"


class Reason(StrEnum):
    """What decided a verdict, as a short code (the batch `_reason` column)."""

    IN_SCOPE = "in-scope"
    PARTLY_IN_SCOPE = "partly-in-scope"
    OUTSIDE_SCOPE = "outside-scope"
    CONTESTED_READING = "contested-reading"
    UNKNOWN_FACT = "unknown-fact"
    NOT_IN_FORCE = "not-in-force"
    NO_TEXT = "no-text"
    NOT_A_PARTY = "not-a-party"
    OBLIGATIONS_SUSPENDED = "obligations-suspended"
    CONTESTED_HOLDER = "contested-holder"  # the sovereign's and the controller's territory give different answers


class Standing(StrEnum):
    """How the attacked state stands under the treaty on the date."""

    PARTY = "party"
    PROTECTED = "protected"  # not a Party, but protected by the article
    ASSUMED_MEMBER = "assumed-member"  # --assume-member
    NOT_YET_OR_NO_LONGER = "not-a-party-on-the-date"  # a Party at other times
    NEVER = "never-a-party"
    ANY_PARTY = "any-party"  # forces, vessels or aircraft of an unnamed Party: taken to be a Party's
    BY_HOLDER = "by-holder"  # an area: each part as the territory of the state that holds it
    NO_HOLDER = "no-holder"  # land no state holds, or the sea: no Party's territory


@dataclass(frozen=True, slots=True)
class Holder:
    code: str
    member: bool  # a Party (or protected) on the date


@dataclass(frozen=True, slots=True)
class PartyCheck:
    standing: Standing
    party: str | None = None
    entry: Membership | None = None  # the membership (or protection) in force
    history: tuple[Membership, ...] = ()  # every membership of the party, for one that is not a Party on the date
    holders: tuple[Holder, ...] = ()  # BY_HOLDER: the states holding the parts of the area
    lineage: Lineage | None = None  # the party named stood for the state it continues, or did not yet exist

    @property
    def passed(self) -> bool | None:
        """True, False, or None when it is decided part by part."""
        if self.standing is Standing.BY_HOLDER:
            return False if self.holders and not any(h.member for h in self.holders) else None
        return self.standing in (Standing.PARTY, Standing.PROTECTED, Standing.ASSUMED_MEMBER, Standing.ANY_PARTY)

    @property
    def outsiders(self) -> tuple[str, ...]:
        return tuple(h.code for h in self.holders if not h.member)


@dataclass(frozen=True, slots=True)
class ObligationsCheck:
    """Other Parties' obligations toward the attacked one, where some are suspended."""

    beneficiary: str
    suspended: tuple[Suspension, ...]
    still_bound: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return bool(self.still_bound)


@dataclass(frozen=True, slots=True)
class ScopeOutcome:
    """The scope's answer under one combination of the readings that matter."""

    readings: Mapping[str, str]  # interpretation id -> reading id
    verdict: Verdict
    trace: Trace | None = None  # a point's trace (an area's is its largest part's, in Scope.largest)
    unknowns: tuple[Unknown, ...] = ()
    covered_share: float | None = None  # an area: the share covered, and the share left unknown
    unknown_share: float | None = None


@dataclass(frozen=True, slots=True)
class ReadingVerdict:
    reading: Reading
    verdict: Verdict | None  # None: it depends on the readings of other terms


@dataclass(frozen=True, slots=True)
class TermReport:
    """A vague term whose readings give different answers here."""

    interpretation: Interpretation
    readings: tuple[ReadingVerdict, ...]


@dataclass(frozen=True, slots=True)
class Part:
    """A part of an area (a territory, a sea, a feature) and how much of it is covered."""

    id: str
    name: str
    size: float  # km² (km for a track, 1 for a point)
    covered_share: float
    verdict: Verdict
    covered_share_range: tuple[float, ...] | None = None  # the shares under different readings, when they differ


@dataclass(frozen=True, slots=True)
class Subject:
    """What a trace is about: a point or the largest part of an area (and, on land, the state holding it)."""

    label: str
    holder: str | None = None
    holder_is_member: bool = True
    continent: str | None = None
    sea: bool = False  # the label is a named sea's (a sea asked about, or an area's part at sea)
    territorial_sea: bool = False  # in a territorial sea, which takes its coast's facts
    at_sea: bool = False  # off the land, in no territory (where a territorial sea left out could have reached)


@dataclass(frozen=True, slots=True)
class Crossing:
    """A named parallel of the rule (the Tropic of Cancer) that runs across an area, and whether the answer differs
    between its two sides (an area's latitude test is made part by part, never at one representative latitude)."""

    label: str
    lat: float  # where it lies on the date (the first reading's latitude, if readings differ)
    decides: bool


@dataclass(frozen=True, slots=True)
class ScopeCheck:
    verdict: Verdict
    subject: Subject  # the point, or the largest part of an area (whose trace stands for it)
    outcomes: tuple[ScopeOutcome, ...]  # a point's outcomes; an area's shares under each combination of readings
    traces: tuple[ScopeOutcome, ...] = ()  # an area: the outcomes of its largest part, with their traces
    terms: tuple[TermReport, ...] = ()
    parts: tuple[Part, ...] = ()  # an area's parts, largest first
    measure: Literal["area", "length", "points"] | None = None  # None: a point
    crossings: tuple[Crossing, ...] = ()  # an area: the named parallels of the rule that run across it
    # An area: every part's pieces (cut along the rule's lines) answer alike under each combination of readings, so
    # moving a line within a part (a drifting tropic) cannot change its share.
    uniform: bool = True

    @property
    def shown(self) -> tuple[ScopeOutcome, ...]:
        """The outcomes whose traces explain the answer: a point's, or the largest part's."""
        return self.traces if self.measure else self.outcomes


@dataclass(frozen=True, slots=True)
class Nearest:
    """The nearest place the article covers for the target kind (for some Party), and by which clause."""

    name: str
    km: float
    lat: float
    lon: float
    clause: str | None  # the label of the clause that covers it
    all_readings: bool = True  # covered under every reading (else under some)
    sea: bool = False  # a named sea (or its gap fill), rather than land or a feature
    nearer: Nearest | None = None  # a nearer place covered under some readings only


@dataclass(frozen=True, eq=False)
class HolderSplit:
    """Land held by one state and controlled by another, with no party named: the answer as an attack on the
    sovereign's territory and as one on the controller's."""

    sovereign: Result
    controller: Result


@dataclass(frozen=True, eq=False)
class Result:
    book: RuleBook = field(repr=False)  # the rule book it was found in (names, labels, sources)
    treaty: Treaty
    article: Article
    version: Version | None
    target: str
    party: str | None  # the attacked party (named, or the state holding the place)
    party_is_default: bool  # no party was named
    date: dt.date
    place: str  # what the scenario calls the place
    verdict: Verdict
    reason: Reason
    in_force: bool
    membership: PartyCheck
    obligations: tuple[ObligationsCheck, ...] = ()
    scope: ScopeCheck | None = None  # None: not evaluated (the treaty or no text of the article in force)
    nearest: Nearest | None = None
    holders: HolderSplit | None = None
    sources: tuple[Source, ...] = ()
    territorial_sea: bool = True  # territorial seas were their coast's territory (False: counted as sea)
    assumed: frozenset[str] = frozenset()  # the states taken as Parties to this treaty (--assume-member)
    pinned: tuple[tuple[str, str], ...] = ()  # the readings pinned (--interpretation TERM=READING)

    @property
    def notes(self) -> tuple[str, ...]:
        """The rule files' notes on the treaty, the article and the text."""
        version_notes = self.version.notes if self.version else ()
        return (*self.treaty.notes, *self.article.notes, *version_notes)

    @property
    def verified(self) -> bool:
        return self.article.verified and (self.version is None or self.version.verified)

"""The rule language at run time: the book of treaties, the condition and region nodes, the context they are
evaluated in, and the trace of that evaluation as facts.

These types refer to one another (a version holds conditions; a condition is evaluated in a context that holds the
book; its trace points back at the condition), so they share one module and the import graph stays acyclic. The
kinds of condition and region are in rules.conditions and rules.regions, one class each; the rule files are read
into these objects by rules.load after rules.validate has checked them. Periods follow treatyscope.periods:
`from` inclusive, `to` exclusive. Results are three-valued: True, False, or None for unknown (a disputed
sovereignty, a part of an area on both sides of a line). Nothing here makes sentences: report.words does.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol

from treatyscope.errors import UsageError
from treatyscope.periods import Period
from treatyscope.place.data import GeoData, Status, geodata
from treatyscope.rules.kinds import OBLIGATION_STRENGTHS

if TYPE_CHECKING:
    from treatyscope.place.subject import Subject

Truth = bool | None
Path = tuple[str | int, ...]  # where a node is written in its rule file, for error positions
BASES = ("sovereignty", "administration", "either")  # how a state holds land (territory_of, readings)


# -------------------------------------------------------------------------------------------------------- book


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    title: str
    url: str | None = None
    quality: str | None = None
    note: str | None = None

    def as_dict(self) -> dict[str, str]:
        extra = {k: v for k, v in (("url", self.url), ("quality", self.quality), ("note", self.note)) if v}
        return {"id": self.id, "title": self.title, **extra}


@dataclass(frozen=True, slots=True)
class Membership:
    """A state's membership of a treaty over a period; as `protection`, its protection without being a Party
    (SEATO's protocol states, Rio's "American States": an attack on it counts as one on a Party; it owes nothing)."""

    code: str
    period: Period
    source: str
    name: str | None = None
    note: str | None = None
    unverified: bool = False
    disputed: str | None = None  # the interpretation asking whether it is a Party at all over the period
    disputed_from: dt.date | None = None  # from when (None: the whole period)

    def disputed_on(self, on: dt.date) -> str | None:
        """The interpretation asking whether the state is a Party at all on the day, if that is disputed."""
        return self.disputed if self.disputed and (self.disputed_from is None or on >= self.disputed_from) else None


@dataclass(frozen=True, slots=True)
class Suspension:
    """One Party's obligations toward another suspended while the treaty stays in force between the others."""

    obligor: str
    beneficiary: str
    period: Period
    source: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Obligation:
    """How strongly the article binds the other Parties to help the one attacked (rules.kinds.OBLIGATION_STRENGTHS,
    strongest first), in the article's own words (with a translation, if they are not English)."""

    strength: str
    words: str
    translation: str | None = None
    note: str | None = None

    @property
    def rank(self) -> int:
        """0 for the strongest."""
        return OBLIGATION_STRENGTHS.index(self.strength)


@dataclass(frozen=True, eq=False)
class Version:
    """A text of an article's scope in force over a period, and what it covers for each target kind."""

    id: str
    label: str
    period: Period
    text: str
    source: str
    targets: Mapping[str, Condition]
    verified: bool = True
    unverified_note: str | None = None
    notes: tuple[str, ...] = ()
    obligation: Obligation | None = None


@dataclass(frozen=True, slots=True)
class Example:
    """A scenario with its expected verdict and source: a test of the article."""

    name: str
    target: str
    date: dt.date
    expect: str
    source: str
    location: str | None = None
    at: str | None = None
    party: str | None = None
    interpretations: Mapping[str, str] = field(default_factory=dict)
    assume_member: tuple[str, ...] = ()
    assume: tuple[str, ...] = ()
    territorial_sea: bool = True
    note: str | None = None


@dataclass(frozen=True, eq=False)
class Article:
    id: str
    number: str
    title: str
    text: str
    source: str
    versions: tuple[Version, ...]
    cited_as: str | None = None  # what answers call an article with no known number
    verified: bool = True
    unverified_note: str | None = None
    scope_from: str | None = None
    notes: tuple[str, ...] = ()
    examples: tuple[Example, ...] = ()
    data: Mapping[str, Any] = field(default_factory=dict, repr=False)  # as written (for JSON output)

    def version_on(self, on: dt.date) -> Version | None:
        return next((v for v in self.versions if on in v.period), None)


@dataclass(frozen=True)
class Accession:
    article: str
    text: str
    source: str
    verified: bool = True


@dataclass(frozen=True, eq=False)
class Treaty:
    id: str
    name: str
    short_name: str
    signed: dt.date
    in_force: dt.date
    ended: dt.date | None  # the first day on which the treaty no longer applies
    sources: tuple[str, ...]
    articles: tuple[Article, ...]
    file: str
    parties: tuple[Membership, ...] = ()
    protected: tuple[Membership, ...] = ()
    suspensions: tuple[Suspension, ...] = ()
    aliases: tuple[str, ...] = ()
    end_note: str | None = None
    notes: tuple[str, ...] = ()
    accession: Accession | None = None  # who may become a Party, in the treaty's words

    @property
    def life(self) -> Period:
        return Period(self.in_force, self.ended)

    def member_on(self, code: str, on: dt.date) -> Membership | None:
        return next((p for p in self.parties if p.code == code and on in p.period), None)

    def members_on(self, on: dt.date) -> frozenset[str]:
        return frozenset(p.code for p in self.parties if on in p.period)

    def protected_on(self, code: str, on: dt.date) -> Membership | None:
        return next((p for p in self.protected if p.code == code and on in p.period), None)

    def protected_codes_on(self, on: dt.date) -> frozenset[str]:
        return frozenset(p.code for p in self.protected if on in p.period)

    def suspended_toward(self, beneficiary: str, on: dt.date) -> tuple[Suspension, ...]:
        """The suspensions in effect on the date of other Parties' obligations toward this one."""
        return tuple(s for s in self.suspensions if s.beneficiary == beneficiary and on in s.period)

    def membership_history(self, code: str) -> tuple[Membership, ...]:
        return tuple(p for p in self.parties if p.code == code)


@dataclass(frozen=True, eq=False)
class Parallel:
    """A named parallel: a fixed latitude, the mean obliquity of the ecliptic on a date (`obliquity_on` a date, or
    "attack" for the scenario's date), or an interpretation whose readings each define one."""

    name: str | None = None
    label: str | None = None
    latitude: float | None = None
    obliquity_on: dt.date | Literal["attack"] | None = None
    interpretation: str | None = None
    note: str | None = None


@dataclass(frozen=True, eq=False)
class Reading:
    """One reading of an interpretation: it defines a region, a condition, a parallel or how land is held."""

    id: str
    label: str
    summary: str
    sources: tuple[str, ...]
    region: Region | None = None
    condition: Condition | None = None
    parallel: Parallel | None = None
    territory_by: str | None = None
    held: Period = field(default_factory=Period)  # held only from a date on, or only before one
    unverified: bool = False


@dataclass(frozen=True, eq=False)
class Interpretation:
    id: str
    term: str
    question: str
    readings: tuple[Reading, ...]
    note: str | None = None

    def reading(self, rid: str) -> Reading:
        return next(r for r in self.readings if r.id == rid)

    def held_on(self, on: dt.date) -> tuple[Reading, ...]:
        """The readings held on the date (a reading may start with a government's statement, or end when no one
        holds it any more), or all of them if none is."""
        return tuple(r for r in self.readings if on in r.held) or self.readings


@dataclass(eq=False)
class RuleBook:
    files: list[str]
    treaties: dict[str, Treaty]
    regions: dict[str, Region]
    conditions: dict[str, Condition]
    interpretations: dict[str, Interpretation]
    parallels: dict[str, Parallel]
    sources: dict[str, Source]
    origin: dict[str, str] = field(default_factory=dict)  # "kind:id" of a named thing -> the file defining it
    digest: str = ""  # of the rule files and the code: keys the caches of answers from this book
    memo: dict[Any, Any] = field(default_factory=dict)  # labels and other facts of its nodes, computed once

    def article(self, ref: str) -> tuple[Treaty, Article]:
        """An article by id ('nato-5') or 'treaty:number' ('nato:5', 'nato 5', 'nato art. 5')."""
        key = ref.strip().lower()
        for treaty in self.treaties.values():
            for art in treaty.articles:
                number = art.number.lower()
                names = {art.id, *(f"{treaty.id}{sep}{number}" for sep in (":", " ", " art. ", " article "))}
                if key in names:
                    return treaty, art
        known = ", ".join(a.id for t in self.treaties.values() for a in t.articles)
        raise UsageError(f"Unknown article '{ref}'.", f"Known articles: {known}.")

    def source(self, sid: str) -> Source:
        return self.sources.get(sid) or Source(sid, sid)


# ------------------------------------------------------------------------------------------------------- nodes


class Checker(Protocol):
    """What a node's `validate` reports to (rules.validate implements it)."""

    def error(self, at: Path, message: str, hint: str = "") -> None: ...
    def known(self, kind: str, name: str) -> bool: ...
    def interpretation(self, iid: str, at: Path, defines: str) -> None: ...
    def region(self, name: str, at: Path) -> None: ...
    def condition(self, name: str, at: Path) -> None: ...
    def parallel(self, ref: float | str, at: Path) -> None: ...


class Node(ABC):
    """A condition or region of the rule language. Each kind is one class that knows how to read itself from a
    rule file, evaluate itself, over-approximate itself (`possible`), label itself, list what it refers to, and
    validate itself."""

    kind: ClassVar[str]
    note: str | None

    @abstractmethod
    def nodes(self, book: RuleBook) -> Iterator[Node]:
        """The nodes it refers to directly: its parts, the named nodes it uses, the nodes of readings."""

    def terms(self, book: RuleBook) -> Iterator[str]:
        """The interpretations it refers to directly (a region's or condition's own, a parallel's, a basis's)."""
        return iter(())

    def parallels(self, book: RuleBook) -> Iterator[float | Parallel]:
        """The parallels it tests."""
        return iter(())

    @abstractmethod
    def label(self, book: RuleBook, data: GeoData) -> str:
        """A name for the trace when the rule file gives none."""

    @abstractmethod
    def to_data(self) -> Any:
        """The node as written in a rule file."""

    def validate(self, check: Checker, at: Path) -> None:
        """Report broken references (each kind knows its own); cycles are found over the whole book."""
        for path, child in self.parts(at):
            child.validate(check, path)

    def parts(self, at: Path) -> Iterator[tuple[Path, Node]]:
        """Its inline sub-nodes with where each is written."""
        return iter(())


class Condition(Node):
    """A test of a place (and the party, date and assumptions) that a clause of a treaty sets."""

    clause: str | None  # the rule file's label for the trace, e.g. "6(i) islands in the North Atlantic area"
    quote: str | None  # the words of the text it encodes

    @abstractmethod
    def evaluate(self, s: Subject, ctx: Context) -> Trace:
        """The answer for the subject, with its trace. Raises Branch where readings of a vague term disagree."""

    def possible(self, s: Subject, ctx: Context) -> tuple[bool, bool]:
        """(may be true, may be false) under any reading of any interpretation: a cheap filter that never says
        "cannot be true" of a condition some reading makes true (readings are not kept consistent across the tree,
        so it over-approximates)."""
        try:
            result = self.evaluate(s, ctx).result
        except Branch:
            return True, True
        return result is not False, result is not True


class Region(Node):
    """A part of the world a condition asks about: places, seas, continents, latitude bands, polygons, and their
    unions, intersections and differences."""

    name: str | None  # a named region's name (set on named regions and references)

    @abstractmethod
    def contains(self, s: Subject, ctx: Context) -> RegionAnswer:
        """Whether the subject lies in the region, and why."""

    @abstractmethod
    def possible(self, s: Subject, ctx: Context) -> tuple[bool, bool]:
        """As `Condition.possible`, with interpretations and parallels taken over all their readings."""


# ----------------------------------------------------------------------------------------------------- context


class Branch(Exception):
    """An interpretation whose readings disagree here: evaluate once per reading."""

    def __init__(self, term: str) -> None:
        super().__init__(term)
        self.term = term


class Unknown(StrEnum):
    """Why a condition's answer is unknown for a place."""

    DISPUTED_SOVEREIGNTY = "disputed-sovereignty"


@dataclass(eq=False)
class Context:
    book: RuleBook
    treaty: Treaty
    date: dt.date
    members: frozenset[str]  # the states an attack can be on: Parties and protected states
    assumed: frozenset[str] = frozenset()  # scenario facts taken as given (--assume)
    party: str | None = None  # the attacked party; None: any Party (forces of an unnamed Party)
    assignment: dict[str, str] = field(default_factory=dict)  # interpretation id -> reading id, chosen so far
    mode: Literal["attacked", "any"] = "attacked"  # "any": "the party" is whichever Party holds the place
    unknowns: list[Unknown] = field(default_factory=list)
    data: GeoData = field(default_factory=geodata)

    def interpretation(self, term: str) -> Interpretation:
        return self.book.interpretations[term]

    def reading(self, term: str) -> Reading | None:
        rid = self.assignment.get(term)
        return None if rid is None else self.interpretation(term).reading(rid)

    def readings(self, term: str) -> tuple[Reading, ...]:
        return self.interpretation(term).held_on(self.date)


# ------------------------------------------------------------------------------------------------------- trace


@dataclass(frozen=True, slots=True)
class ReadingUsed:
    """The reading of a vague term an answer rests on; `reading` None: every reading held gives that answer."""

    interpretation: Interpretation
    reading: Reading | None


@dataclass(frozen=True, slots=True)
class Assumed:
    given: bool  # whether the scenario states the fact (--assume)


@dataclass(frozen=True, slots=True)
class OnDate:
    day: dt.date


@dataclass(frozen=True, slots=True)
class Island:
    islands: frozenset[bool | None]  # the subject's island flags (None: not on land)


@dataclass(frozen=True, slots=True)
class ParallelAt:
    """Where a parallel lies for this question: plain degrees, or a named parallel (its latitude on the date)."""

    lat: float
    parallel: Parallel | None = None
    on: dt.date | None = None  # the date of the obliquity of the ecliptic it follows
    reading: ReadingUsed | None = None  # the reading that defines it, where the parallel is a vague term


@dataclass(frozen=True, slots=True)
class Side:
    side: Literal["north", "south"]  # the place must be north (or south) of the parallel; on it counts as both
    parallel: ParallelAt
    result: Truth


@dataclass(frozen=True, slots=True)
class Latitude:
    point_like: bool
    lat: float
    south: float  # an area's extent (a point's latitude twice)
    north: float
    sides: tuple[Side, ...]


@dataclass(frozen=True, slots=True)
class Holding:
    """Whose land the place is, and whether that satisfies a `territory_of` test."""

    status: Status | None  # None: at sea, outside any territory
    by: str  # sovereignty, administration or either
    test: Literal["party", "any-party", "states"]
    day: dt.date
    party: str | None = None
    states: tuple[str, ...] = ()
    matched: tuple[str, ...] = ()  # the holders that satisfy the test
    disputed: bool = False  # unknown, because the sovereignty that would decide is disputed
    reading: ReadingUsed | None = None  # when "territory of" is itself a vague term


@dataclass(frozen=True, slots=True)
class PartyIs:
    codes: tuple[str, ...]
    party: str | None  # None: whichever Party holds the place (`matched`: those among `codes`)
    matched: tuple[str, ...] = ()
    unnamed: bool = False  # no party named: the forces are taken as those of `matched`, the Parties among `codes`


@dataclass(frozen=True, slots=True)
class Continent:
    continent: str | None  # the subject's continent (None: several, or none)
    at_sea: bool = False


@dataclass(frozen=True, slots=True)
class Seas:
    """Whether a place is in a set of named seas: at sea, the sea it is in; on an island, the seas it adjoins."""

    sea: str | None = None
    ocean: str | None = None  # the ocean family of a sea that is not wanted
    island_seas: tuple[str, ...] = ()  # the adjoining seas (the wanted ones, if any; else all of them)
    on_land: bool = False
    mainland: bool = False
    waters_only: bool = False  # the condition asked for the waters only, so land never counts


@dataclass(frozen=True, slots=True)
class InsidePolygon:
    unverified_vertices: int


@dataclass(frozen=True, slots=True)
class RegionAnswer:
    """Whether the subject is in a region; composite regions keep their parts' answers, an interpretation the
    reading it used, a band its latitude test."""

    region: Region
    result: Truth
    detail: Continent | Seas | Latitude | InsidePolygon | None = None
    parts: tuple[RegionAnswer, ...] = ()
    reading: ReadingUsed | None = None


Fact = Assumed | OnDate | Island | Latitude | Holding | PartyIs | ReadingUsed | RegionAnswer


@dataclass(frozen=True, slots=True)
class Trace:
    """A condition's answer, its children's traces, and the fact a leaf rests on. `skipped`: not needed (its
    parent was already decided) and not evaluated, because its readings disagree."""

    node: Condition
    result: Truth
    fact: Fact | None = None
    children: tuple[Trace, ...] = ()
    quote: str | None = None
    note: str | None = None
    skipped: bool = False

    def walk(self) -> Iterator[Trace]:
        yield self
        for c in self.children:
            yield from c.walk()


def reachable(root: Node, book: RuleBook) -> Iterator[Node]:
    """Every node reachable from `root`, each once (found once per rule book: an area's every day asks)."""
    key = ("reachable", root)
    if key not in book.memo:
        found: list[Node] = []
        seen: set[int] = set()
        stack = [root]
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            found.append(node)
            stack.extend(node.nodes(book))
        book.memo[key] = found
    nodes: list[Node] = book.memo[key]
    return iter(nodes)

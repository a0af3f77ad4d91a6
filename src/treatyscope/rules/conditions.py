"""The kinds of condition, one class each, and the registry that maps their names in rule files to them.

A condition in a rule file is a mapping with exactly one operator key, plus an optional `clause` (its label in the
trace), `quote` (the words of the text it encodes) and `note`. Conditions are evaluated in three-valued logic (true,
false, unknown); where one meets a vague term whose readings disagree for the place, it raises `Branch` and is
evaluated once per reading (rules.logic.outcomes).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from treatyscope.english import join, the
from treatyscope.periods import Period, day_or_none
from treatyscope.place.data import Status
from treatyscope.rules.kinds import condition_operators
from treatyscope.rules.language import (
    BASES,
    Assumed,
    Branch,
    Checker,
    Condition,
    Context,
    Holding,
    Island,
    Node,
    OnDate,
    Parallel,
    PartyIs,
    Path,
    Reading,
    ReadingUsed,
    RegionAnswer,
    RuleBook,
    Seas,
    Trace,
    Truth,
    Unknown,
)
from treatyscope.rules.logic import interpret, kleene_all, kleene_any, set_test
from treatyscope.rules.parallels import Ref, possible_band, test_band
from treatyscope.rules.regions import band_label, contains, label, parse_region

if TYPE_CHECKING:
    from treatyscope.place.data import GeoData
    from treatyscope.place.subject import Subject
    from treatyscope.rules.language import Region


def condition_label(cond: Condition, book: RuleBook, data: GeoData) -> str:
    """The clause the rule file gives, or a name made from the condition."""
    key = ("label", cond)
    if key not in book.memo:
        book.memo[key] = cond.clause or cond.label(book, data)
    found: str = book.memo[key]
    return found


def states(codes: tuple[str, ...], data: GeoData, joiner: str = "or") -> str:
    return join([the(data.entity_name(c)) for c in codes], joiner)


@dataclass(frozen=True, eq=False)
class _Condition(Condition):
    clause: str | None
    quote: str | None
    note: str | None

    @classmethod
    def parse(cls, d: Mapping[str, Any]) -> _Condition:
        raise NotImplementedError(cls.kind)

    def trace(self, result: Truth, fact: Any = None, children: tuple[Trace, ...] = ()) -> Trace:
        return Trace(self, result, fact, children, self.quote, self.note)

    def nodes(self, book: RuleBook) -> Iterator[Node]:
        return iter(())

    def _meta(self) -> dict[str, Any]:
        return {k: v for k, v in (("clause", self.clause), ("quote", self.quote), ("note", self.note)) if v}

    @classmethod
    def _common(cls, d: Mapping[str, Any]) -> tuple[str | None, str | None, str | None]:
        return d.get("clause"), d.get("quote"), d.get("note")


def _evaluate_items(items: tuple[Condition, ...], s: Subject, ctx: Context, decisive: bool) -> tuple[Trace, ...]:
    """Once an item decides (a false in "all", a true in "any"), the rest are still shown in the trace, but a vague
    term among them cannot change the answer, so it must not split the evaluation: such an item is skipped."""
    out: list[Trace] = []
    decided = False
    for c in items:
        if decided:
            try:
                out.append(c.evaluate(s, ctx))
            except Branch:
                out.append(Trace(c, None, quote=c.quote, note=c.note, skipped=True))
            continue
        t = c.evaluate(s, ctx)
        out.append(t)
        decided = t.result is decisive
    return tuple(out)


@dataclass(frozen=True, eq=False)
class _Composite(_Condition):
    items: tuple[Condition, ...]

    @classmethod
    def parse(cls, d: Mapping[str, Any]) -> _Composite:
        return cls(*cls._common(d), tuple(parse_condition(c) for c in d[cls.kind]))

    def to_data(self) -> Any:
        return {self.kind: [c.to_data() for c in self.items], **self._meta()}

    def nodes(self, book: RuleBook) -> Iterator[Node]:
        return iter(self.items)

    def parts(self, at: Path) -> Iterator[tuple[Path, Node]]:
        for k, c in enumerate(self.items):
            yield (*at, self.kind, k), c


@dataclass(frozen=True, eq=False)
class AllCondition(_Composite):
    kind: ClassVar[str] = "all"

    def label(self, book: RuleBook, data: GeoData) -> str:
        return "all of these"

    def evaluate(self, s: Subject, ctx: Context) -> Trace:
        children = _evaluate_items(self.items, s, ctx, False)
        return self.trace(kleene_all([c.result for c in children if not c.skipped]), None, children)

    def possible(self, s: Subject, ctx: Context) -> tuple[bool, bool]:
        parts = [c.possible(s, ctx) for c in self.items]
        return all(p[0] for p in parts), any(p[1] for p in parts)


@dataclass(frozen=True, eq=False)
class AnyCondition(_Composite):
    kind: ClassVar[str] = "any"

    def label(self, book: RuleBook, data: GeoData) -> str:
        return "any of these"

    def evaluate(self, s: Subject, ctx: Context) -> Trace:
        children = _evaluate_items(self.items, s, ctx, True)
        return self.trace(kleene_any([c.result for c in children if not c.skipped]), None, children)

    def possible(self, s: Subject, ctx: Context) -> tuple[bool, bool]:
        parts = [c.possible(s, ctx) for c in self.items]
        return any(p[0] for p in parts), all(p[1] for p in parts)


@dataclass(frozen=True, eq=False)
class NotCondition(_Condition):
    kind: ClassVar[str] = "not"
    item: Condition

    @classmethod
    def parse(cls, d: Mapping[str, Any]) -> NotCondition:
        return cls(*cls._common(d), parse_condition(d["not"]))

    def to_data(self) -> Any:
        return {"not": self.item.to_data(), **self._meta()}

    def nodes(self, book: RuleBook) -> Iterator[Node]:
        yield self.item

    def parts(self, at: Path) -> Iterator[tuple[Path, Node]]:
        yield (*at, "not"), self.item

    def label(self, book: RuleBook, data: GeoData) -> str:
        return f"not: {condition_label(self.item, book, data)}"

    def evaluate(self, s: Subject, ctx: Context) -> Trace:
        child = self.item.evaluate(s, ctx)
        return self.trace(None if child.result is None else not child.result, None, (child,))

    def possible(self, s: Subject, ctx: Context) -> tuple[bool, bool]:
        t, f = self.item.possible(s, ctx)
        return f, t


@dataclass(frozen=True, eq=False)
class InRegionCondition(_Condition):
    kind: ClassVar[str] = "in_region"
    region: Region
    # Only at sea (or in a territorial sea): land, even an island's in the sea, is not in the region. The 2 km coastal
    # band is left to the region's own test: at that distance the generalised coastline cannot tell land from water.
    waters_only: bool = False

    @classmethod
    def parse(cls, d: Mapping[str, Any]) -> InRegionCondition:
        return cls(*cls._common(d), parse_region(d["in_region"]), bool(d.get("waters_only", False)))

    def to_data(self) -> Any:
        extra = {"waters_only": True} if self.waters_only else {}
        return {"in_region": self.region.to_data(), **extra, **self._meta()}

    def nodes(self, book: RuleBook) -> Iterator[Node]:
        yield self.region

    def parts(self, at: Path) -> Iterator[tuple[Path, Node]]:
        yield (*at, "in_region"), self.region

    def label(self, book: RuleBook, data: GeoData) -> str:
        name = label(self.region, book, data)
        return name if name.startswith(("in ", "on ", "within ", "at ")) else f"in {name}"

    def _ashore(self, s: Subject) -> bool:
        """A clause on the waters only, and a subject the geodata puts on land (not the coastal band)."""
        return self.waters_only and s.setting == "land"

    def evaluate(self, s: Subject, ctx: Context) -> Trace:
        if self._ashore(s):
            islands = tuple(sorted(s.island_seas)) if True in s.islands else ()
            on_land = Seas(island_seas=islands, on_land=True, mainland=True not in s.islands, waters_only=True)
            return self.trace(False, RegionAnswer(self.region, False, on_land))
        answer = contains(self.region, s, ctx)
        return self.trace(answer.result, answer)

    def possible(self, s: Subject, ctx: Context) -> tuple[bool, bool]:
        if self._ashore(s):
            return False, True
        return self.region.possible(s, ctx)


def holders(status: Status | None, by: str) -> tuple[set[str], bool]:
    """Who holds the place by sovereignty, administration or either; and whether its sovereignty is disputed."""
    if status is None:
        return set(), False
    out: set[str] = set()
    if by in ("sovereignty", "either") and status.sovereign:
        out.add(status.sovereign)
    if by in ("administration", "either") and status.administered_by:
        out.add(status.administered_by)
    return out, by == "sovereignty" and status.sovereign is None and bool(status.claimed_by)


@dataclass(frozen=True, eq=False)
class TerritoryOfCondition(_Condition):
    """Whose land: the party in question holds it by sovereignty, by administration, or either ("jurisdiction"),
    or as a vague term whose readings say which. `states` names the holders instead of the party in question."""

    kind: ClassVar[str] = "territory_of"
    by: str = "either"
    named: tuple[str, ...] = ()

    @classmethod
    def parse(cls, d: Mapping[str, Any]) -> TerritoryOfCondition:
        spec = d["territory_of"]
        return cls(*cls._common(d), spec.get("by", "either"), tuple(spec.get("states", ())))

    def to_data(self) -> Any:
        spec: dict[str, Any] = {"by": self.by}
        if self.named:
            spec["states"] = list(self.named)
        return {"territory_of": spec, **self._meta()}

    def terms(self, book: RuleBook) -> Iterator[str]:
        if self.by not in BASES:
            yield self.by

    def label(self, book: RuleBook, data: GeoData) -> str:
        if self.named:
            how = {"either": "under the jurisdiction of", "sovereignty": "under the sovereignty of"}
            return f"{how.get(self.by, 'administered by')} {states(self.named, data)}"
        return {
            "either": "under the party's jurisdiction",
            "sovereignty": "under the party's sovereignty",
            "administration": "administered by the party",
        }.get(self.by, "territory of the party")

    def validate(self, check: Checker, at: Path) -> None:
        for k, code in enumerate(self.named):
            if not check.known("state", code):
                check.error((*at, "territory_of", "states", k), f"unknown state code {code}")
        if self.by not in BASES:
            check.interpretation(self.by, (*at, "territory_of", "by"), "territory_by")

    def evaluate(self, s: Subject, ctx: Context) -> Trace:
        result, fact = self.test(s, ctx)
        return self.trace(result, fact)

    def test(self, s: Subject, ctx: Context) -> tuple[Truth, Holding]:
        by = self.by
        used = None
        if by not in BASES:
            chosen = ctx.reading(by)
            if chosen is None:
                # Readings of "territory of" rarely matter (only where sovereignty and control differ): evaluate under
                # each, and branch only if the answers differ.
                (result, fact), every = interpret(by, ctx, lambda _: self.test(s, ctx), lambda a: a[0])
                return result, _with_reading(fact, every)
            used = ReadingUsed(ctx.interpretation(by), chosen)
            by = chosen.territory_by or "either"
        result, fact = self._holding(s, ctx, by)
        return result, fact if used is None else _with_reading(fact, used)

    def _holding(self, s: Subject, ctx: Context, by: str) -> tuple[Truth, Holding]:
        status = s.status
        test: Literal["party", "any-party", "states"] = (
            "states" if self.named else "any-party" if ctx.mode == "any" or ctx.party is None else "party"
        )
        fact = Holding(status, by, test, ctx.date, ctx.party if test == "party" else None, self.named)
        if status is None:
            return False, fact
        held, disputed = holders(status, by)
        wanted = set(self.named) if test == "states" else set(ctx.members) if test == "any-party" else {ctx.party}
        matched = tuple(sorted(held & wanted))
        if matched:
            return True, _replace(fact, matched=matched)
        if disputed and set(status.claimed_by) & wanted:
            ctx.unknowns.append(Unknown.DISPUTED_SOVEREIGNTY)
            return None, _replace(fact, disputed=True)
        return False, fact


def _replace(fact: Holding, **changes: Any) -> Holding:
    return replace(fact, **changes)


def _with_reading(fact: Holding, used: ReadingUsed) -> Holding:
    return replace(fact, reading=used)


@dataclass(frozen=True, eq=False)
class PartyIsCondition(_Condition):
    kind: ClassVar[str] = "party_is"
    codes: tuple[str, ...]
    when_unnamed: bool = False  # no party named: whether one of the codes is a Party (not who holds the place)

    @classmethod
    def parse(cls, d: Mapping[str, Any]) -> PartyIsCondition:
        return cls(*cls._common(d), tuple(d["party_is"]), bool(d.get("when_unnamed", False)))

    def to_data(self) -> Any:
        extra = {"when_unnamed": True} if self.when_unnamed else {}
        return {"party_is": list(self.codes), **extra, **self._meta()}

    def label(self, book: RuleBook, data: GeoData) -> str:
        return f"the party is {states(self.codes, data)}"

    def evaluate(self, s: Subject, ctx: Context) -> Trace:
        if self.when_unnamed and ctx.party is None and ctx.mode != "any":
            hit = tuple(sorted(ctx.members & set(self.codes)))
            return self.trace(bool(hit), PartyIs(self.codes, None, hit, unnamed=True))
        if ctx.mode == "any" or ctx.party is None:
            held, _ = holders(s.status, "either")
            hit = tuple(sorted(held & ctx.members & set(self.codes)))
            return self.trace(bool(hit), PartyIs(self.codes, None, hit))
        return self.trace(ctx.party in self.codes, PartyIs(self.codes, ctx.party))


@dataclass(frozen=True, eq=False)
class IslandCondition(_Condition):
    kind: ClassVar[str] = "island"
    value: bool

    @classmethod
    def parse(cls, d: Mapping[str, Any]) -> IslandCondition:
        return cls(*cls._common(d), bool(d["island"]))

    def to_data(self) -> Any:
        return {"island": self.value, **self._meta()}

    def label(self, book: RuleBook, data: GeoData) -> str:
        return "an island" if self.value else "not an island"

    def evaluate(self, s: Subject, ctx: Context) -> Trace:
        wanted: set[object] = {True} if self.value else {False, None}
        return self.trace(set_test(frozenset(s.islands), wanted), Island(frozenset(s.islands)))


@dataclass(frozen=True, eq=False)
class LatitudeCondition(_Condition):
    kind: ClassVar[str] = "latitude"
    north_of: Ref | None
    south_of: Ref | None

    @classmethod
    def parse(cls, d: Mapping[str, Any]) -> LatitudeCondition:
        band = d["latitude"]
        return cls(*cls._common(d), band.get("north_of"), band.get("south_of"))

    def to_data(self) -> Any:
        band = {k: v for k, v in (("north_of", self.north_of), ("south_of", self.south_of)) if v is not None}
        return {"latitude": band, **self._meta()}

    def terms(self, book: RuleBook) -> Iterator[str]:
        for ref in (self.north_of, self.south_of):
            if isinstance(ref, str) and ref in book.parallels and book.parallels[ref].interpretation:
                yield str(book.parallels[ref].interpretation)

    def parallels(self, book: RuleBook) -> Iterator[float | Parallel]:
        for ref in (self.north_of, self.south_of):
            if ref is not None:
                yield book.parallels[ref] if isinstance(ref, str) else float(ref)

    def label(self, book: RuleBook, data: GeoData) -> str:
        return band_label(self.north_of, self.south_of, book)

    def validate(self, check: Checker, at: Path) -> None:
        for side, ref in (("north_of", self.north_of), ("south_of", self.south_of)):
            if ref is not None:
                check.parallel(ref, (*at, "latitude", side))

    def evaluate(self, s: Subject, ctx: Context) -> Trace:
        result, fact = test_band(self.north_of, self.south_of, s, ctx)
        return self.trace(result, fact)

    def possible(self, s: Subject, ctx: Context) -> tuple[bool, bool]:
        return possible_band(self.north_of, self.south_of, s, ctx)


@dataclass(frozen=True, eq=False)
class DateCondition(_Condition):
    """The date of the attack is within a window: `from` inclusive, `before` exclusive."""

    kind: ClassVar[str] = "date"
    window: Period

    @classmethod
    def parse(cls, d: Mapping[str, Any]) -> DateCondition:
        w = d["date"]
        return cls(*cls._common(d), Period(day_or_none(w.get("from")), day_or_none(w.get("before"))))

    def to_data(self) -> Any:
        w = {k: v.isoformat() for k, v in (("from", self.window.start), ("before", self.window.end)) if v}
        return {"date": w, **self._meta()}

    def label(self, book: RuleBook, data: GeoData) -> str:
        bits = [
            f"{word} {d.isoformat()}" for word, d in (("from", self.window.start), ("before", self.window.end)) if d
        ]
        return " and ".join(bits)

    def evaluate(self, s: Subject, ctx: Context) -> Trace:
        return self.trace(ctx.date in self.window, OnDate(ctx.date))


@dataclass(frozen=True, eq=False)
class UseCondition(_Condition):
    """A named condition; `party: any` makes "the party" any Party on the date (Article 6(ii)'s "these
    territories" are the territories of 6(i) of whichever Party holds them)."""

    kind: ClassVar[str] = "use"
    name: str
    party: Literal["attacked", "any"] = "attacked"

    @classmethod
    def parse(cls, d: Mapping[str, Any]) -> UseCondition:
        return cls(*cls._common(d), d["use"], d.get("party", "attacked"))

    def to_data(self) -> Any:
        party = {"party": self.party} if self.party != "attacked" else {}
        return {"use": self.name, **party, **self._meta()}

    def target(self, book: RuleBook) -> Condition:
        return book.conditions[self.name]

    def nodes(self, book: RuleBook) -> Iterator[Node]:
        return iter([book.conditions[self.name]] if self.name in book.conditions else [])

    def label(self, book: RuleBook, data: GeoData) -> str:
        return condition_label(self.target(book), book, data) if self.name in book.conditions else self.name

    def validate(self, check: Checker, at: Path) -> None:
        check.condition(self.name, (*at, "use"))

    def _as_party(self, ctx: Context) -> Literal["attacked", "any"]:
        saved = ctx.mode
        if self.party == "any":
            ctx.mode = "any"
        return saved

    def evaluate(self, s: Subject, ctx: Context) -> Trace:
        saved = self._as_party(ctx)
        try:
            child = self.target(ctx.book).evaluate(s, ctx)
        finally:
            ctx.mode = saved
        if self.clause:
            return self.trace(child.result, None, (child,))
        # Unlabelled: the named condition stands in its place, with this use's quote and note where it has none.
        return Trace(
            child.node,
            child.result,
            child.fact,
            child.children,
            child.quote or self.quote,
            child.note or self.note,
            child.skipped,
        )

    def possible(self, s: Subject, ctx: Context) -> tuple[bool, bool]:
        saved = self._as_party(ctx)
        try:
            return self.target(ctx.book).possible(s, ctx)
        finally:
            ctx.mode = saved


@dataclass(frozen=True, eq=False)
class InterpretationCondition(_Condition):
    """A vague term whose readings each define a condition."""

    kind: ClassVar[str] = "interpretation"
    term: str

    @classmethod
    def parse(cls, d: Mapping[str, Any]) -> InterpretationCondition:
        return cls(*cls._common(d), d["interpretation"])

    def to_data(self) -> Any:
        return {"interpretation": self.term, **self._meta()}

    def terms(self, book: RuleBook) -> Iterator[str]:
        yield self.term

    def nodes(self, book: RuleBook) -> Iterator[Node]:
        interp = book.interpretations.get(self.term)
        return iter([r.condition for r in interp.readings if r.condition is not None] if interp else [])

    def label(self, book: RuleBook, data: GeoData) -> str:
        interp = book.interpretations.get(self.term)
        return f'"{interp.term}"' if interp else self.term

    def validate(self, check: Checker, at: Path) -> None:
        check.interpretation(self.term, (*at, "interpretation"), "condition")

    def evaluate(self, s: Subject, ctx: Context) -> Trace:
        def run(reading: Reading) -> Trace:
            assert reading.condition is not None
            return reading.condition.evaluate(s, ctx)

        found, used = interpret(self.term, ctx, run, lambda t: t.result)
        return self.trace(found.result, used, (found,))

    def possible(self, s: Subject, ctx: Context) -> tuple[bool, bool]:
        chosen = ctx.reading(self.term)
        may_t = may_f = False
        for r in [chosen] if chosen is not None else ctx.readings(self.term):
            if r.condition is None:
                continue
            ctx.assignment[self.term] = r.id
            try:
                t, f = r.condition.possible(s, ctx)
            finally:
                if chosen is None:
                    del ctx.assignment[self.term]
            may_t, may_f = may_t or t, may_f or f
        return may_t, may_f


@dataclass(frozen=True, eq=False)
class ConstCondition(_Condition):
    """True or false whatever the place (a reading's answer, such as "covered as Spanish territory")."""

    kind: ClassVar[str] = "const"
    value: bool

    @classmethod
    def parse(cls, d: Mapping[str, Any]) -> ConstCondition:
        return cls(*cls._common(d), bool(d["const"]))

    def to_data(self) -> Any:
        return {"const": self.value, **self._meta()}

    def label(self, book: RuleBook, data: GeoData) -> str:
        return "covered" if self.value else "not covered"

    def evaluate(self, s: Subject, ctx: Context) -> Trace:
        return self.trace(self.value)


@dataclass(frozen=True, eq=False)
class AssumedCondition(_Condition):
    """True only when the scenario states this fact (e.g. `occupation-forces`, with --assume)."""

    kind: ClassVar[str] = "assumed"
    fact: str

    @classmethod
    def parse(cls, d: Mapping[str, Any]) -> AssumedCondition:
        return cls(*cls._common(d), d["assumed"])

    def to_data(self) -> Any:
        return {"assumed": self.fact, **self._meta()}

    def label(self, book: RuleBook, data: GeoData) -> str:
        return f"the scenario states {self.fact}"

    def evaluate(self, s: Subject, ctx: Context) -> Trace:
        given = self.fact in ctx.assumed
        return self.trace(given, Assumed(given))


CONDITIONS: dict[str, type[_Condition]] = {
    cls.kind: cls
    for cls in (
        AllCondition,
        AnyCondition,
        NotCondition,
        InRegionCondition,
        TerritoryOfCondition,
        PartyIsCondition,
        IslandCondition,
        LatitudeCondition,
        DateCondition,
        UseCondition,
        InterpretationCondition,
        ConstCondition,
        AssumedCondition,
    )
}


def parse_condition(data: Mapping[str, Any]) -> Condition:
    """A condition node from its validated form in a rule file."""
    (kind,) = condition_operators(dict(data))
    return CONDITIONS[kind].parse(data)

"""The kinds of region, one class each, and the registry that maps their names in rule files to them.

A region in a rule file is a name (of a region in some file's `regions`) or a mapping with exactly one kind key,
plus an optional `label` and `note`. Boundaries belong to a region (shapely `covers`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

import shapely

from treatyscope.english import join, the, the_sea
from treatyscope.place.sphere import split_at_antimeridian
from treatyscope.rules.language import (
    Checker,
    Context,
    Continent,
    InsidePolygon,
    Node,
    Parallel,
    Path,
    Region,
    RegionAnswer,
    RuleBook,
    Seas,
    reachable,
)
from treatyscope.rules.logic import interpret, kleene_all, kleene_any, set_test
from treatyscope.rules.parallels import Ref, possible_band, test_band
from treatyscope.rules.polygons import problems, ring

if TYPE_CHECKING:
    from treatyscope.place.data import GeoData
    from treatyscope.place.subject import Subject

OCEANS = (  # the families a sea is named as part of, when it is not the one a clause wants
    "north-pacific-ocean",
    "south-pacific-ocean",
    "indian-ocean",
    "arctic-ocean",
    "north-atlantic-ocean",
    "south-atlantic-ocean",
)


def contains(region: Region, s: Subject, ctx: Context) -> RegionAnswer:
    """Whether the subject lies in the region. A region no reading can change is a fact about the subject: its
    answer is kept with the subject, so that it is not worked out again for every combination of readings."""
    if not pure(region, ctx.book):
        return region.contains(s, ctx)
    key = (region, ctx.date if follows_the_attack(region, ctx.book) else None)
    found: RegionAnswer | None = s.memo.get(key)
    if found is None:
        found = s.memo[key] = region.contains(s, ctx)
    return found


def follows_the_attack(region: Region, book: RuleBook) -> bool:
    """True when the region moves with the date of the attack (a parallel at the mean obliquity on that day)."""
    key = ("follows the attack", region)
    if key not in book.memo:
        book.memo[key] = any(
            isinstance(p, Parallel) and p.obliquity_on == "attack"
            for n in reachable(region, book)
            for p in n.parallels(book)
        )
    found: bool = book.memo[key]
    return found


def pure(region: Region, book: RuleBook) -> bool:
    """True when no interpretation (of the region, of a part, or of a parallel it uses) can change it."""
    key = ("pure", region)
    if key not in book.memo:
        book.memo[key] = not any(True for _ in region.terms(book)) and all(
            pure(n, book) for n in region.nodes(book) if isinstance(n, Region)
        )
    found: bool = book.memo[key]
    return found


def label(region: Region, book: RuleBook, data: GeoData) -> str:
    key = ("label", region)
    if key not in book.memo:
        book.memo[key] = region.label(book, data)
    found: str = book.memo[key]
    return found


@dataclass(frozen=True, eq=False)
class _Region(Region):
    title: str | None  # the rule file's `label`
    note: str | None

    @classmethod
    def parse(cls, d: Mapping[str, Any]) -> _Region:
        raise NotImplementedError(cls.kind)

    def nodes(self, book: RuleBook) -> Iterator[Node]:
        return iter(())

    def possible(self, s: Subject, ctx: Context) -> tuple[bool, bool]:
        result = contains(self, s, ctx).result
        return result is not False, result is not True

    def _meta(self) -> dict[str, Any]:
        return {k: v for k, v in (("label", self.title), ("note", self.note)) if v}


@dataclass(frozen=True, eq=False)
class _Names(_Region):
    """A region that lists places in the vendored data by id."""

    names: tuple[str, ...]

    @classmethod
    def parse(cls, d: Mapping[str, Any]) -> _Names:
        value = d[cls.kind]
        return cls(d.get("label"), d.get("note"), tuple([value] if isinstance(value, str) else value))

    def to_data(self) -> Any:
        return {self.kind: list(self.names), **self._meta()}

    def validate(self, check: Checker, at: Path) -> None:
        for name in self.names:
            if not check.known(self.kind, name):
                check.error(
                    (*at, self.kind),
                    f"unknown {self.kind.replace('_', ' ')} '{name}'",
                    "See 'treatyscope places' for territory, sea and feature ids, and "
                    "geodata/curated/seas.yaml for sea families; subdivisions are ISO 3166-2 codes.",
                )


@dataclass(frozen=True, eq=False)
class TerritoryRegion(_Names):
    kind: ClassVar[str] = "territory"

    def label(self, book: RuleBook, data: GeoData) -> str:
        names = [the(data.territories[t].name) if t in data.territories else t for t in self.names]
        return self.title or join(names, "and")

    def contains(self, s: Subject, ctx: Context) -> RegionAnswer:
        key = ("leaves", self)
        if key not in ctx.book.memo:
            ctx.book.memo[key] = frozenset(leaf.id for t in self.names for leaf in ctx.data.leaves(t))
        ok = s.territory in ctx.book.memo[key] or (s.feature is not None and s.feature in self.names)
        return RegionAnswer(self, ok)


@dataclass(frozen=True, eq=False)
class SubdivisionRegion(_Names):
    kind: ClassVar[str] = "subdivision"

    def label(self, book: RuleBook, data: GeoData) -> str:
        names = []
        for code in self.names:
            pieces = data.iso_3166_2_index.get(code, [])
            detail = data.piece_detail(pieces[0]) if pieces else None
            names.append((detail["name_en"] or detail["name"]) if detail else code)
        return self.title or join(names, "and")

    def contains(self, s: Subject, ctx: Context) -> RegionAnswer:
        return RegionAnswer(self, set_test(frozenset(s.subdivisions), set(self.names)))


@dataclass(frozen=True, eq=False)
class FeatureRegion(_Names):
    kind: ClassVar[str] = "feature"

    def label(self, book: RuleBook, data: GeoData) -> str:
        return self.title or join([data.features[f].name if f in data.features else f for f in self.names], "and")

    def contains(self, s: Subject, ctx: Context) -> RegionAnswer:
        return RegionAnswer(self, s.feature in self.names or s.feature_group in self.names)


@dataclass(frozen=True, eq=False)
class SeaRegion(_Names):
    kind: ClassVar[str] = "sea"

    def label(self, book: RuleBook, data: GeoData) -> str:
        return self.title or join([the_sea(data.seas[n].name) if n in data.seas else n for n in self.names], "and")

    def seas(self, data: GeoData) -> frozenset[str]:
        return frozenset(self.names)

    def contains(self, s: Subject, ctx: Context) -> RegionAnswer:
        key = ("seas", self)
        if key not in ctx.book.memo:
            ctx.book.memo[key] = self.seas(ctx.data)
        return _in_seas(self, ctx.book.memo[key], s, ctx.data)


@dataclass(frozen=True, eq=False)
class SeaFamilyRegion(SeaRegion):
    kind: ClassVar[str] = "sea_family"

    def label(self, book: RuleBook, data: GeoData) -> str:
        names = [the_sea(data.sea_families[f].name) if f in data.sea_families else f for f in self.names]
        return self.title or join(names, "and")

    def seas(self, data: GeoData) -> frozenset[str]:
        return frozenset(sea for fam in self.names for sea in data.family_seas(fam))


def _in_seas(region: Region, seas: frozenset[str], s: Subject, data: GeoData) -> RegionAnswer:
    """At sea: whether its sea is one of them. On an island: whether it adjoins one of them. Else not."""
    if s.sea is not None:
        ok = s.sea in seas
        ocean = None if ok else next((f for f in OCEANS if s.sea in data.family_seas(f)), None)
        return RegionAnswer(region, ok, Seas(sea=s.sea, ocean=ocean))
    if not s.on_land:
        return RegionAnswer(region, False, Seas())
    if True not in s.islands:
        return RegionAnswer(region, False, Seas(on_land=True, mainland=True))
    near = tuple(sorted(set(s.island_seas) & seas))
    if not near:
        return RegionAnswer(region, False, Seas(island_seas=tuple(sorted(s.island_seas)), on_land=True))
    if s.islands != frozenset({True}) or not s.point_like:
        return RegionAnswer(region, None, Seas(island_seas=near, on_land=True))
    return RegionAnswer(region, True, Seas(island_seas=near, on_land=True))


@dataclass(frozen=True, eq=False)
class ContinentRegion(_Region):
    kind: ClassVar[str] = "continent"
    continents: tuple[str, ...]

    @classmethod
    def parse(cls, d: Mapping[str, Any]) -> ContinentRegion:
        value = d["continent"]
        return cls(d.get("label"), d.get("note"), tuple([value] if isinstance(value, str) else value))

    def to_data(self) -> Any:
        return {"continent": list(self.continents), **self._meta()}

    def label(self, book: RuleBook, data: GeoData) -> str:
        return self.title or join(list(self.continents), "or")

    def contains(self, s: Subject, ctx: Context) -> RegionAnswer:
        if not s.on_land:
            return RegionAnswer(self, False, Continent(None, at_sea=True))
        return RegionAnswer(self, set_test(frozenset(s.continents), set(self.continents)), Continent(s.continent))


@dataclass(frozen=True, eq=False)
class BandRegion(_Region):
    kind: ClassVar[str] = "band"
    north_of: Ref | None
    south_of: Ref | None

    @classmethod
    def parse(cls, d: Mapping[str, Any]) -> BandRegion:
        band = d["band"]
        return cls(d.get("label"), d.get("note"), band.get("north_of"), band.get("south_of"))

    def to_data(self) -> Any:
        band = {k: v for k, v in (("north_of", self.north_of), ("south_of", self.south_of)) if v is not None}
        return {"band": band, **self._meta()}

    def terms(self, book: RuleBook) -> Iterator[str]:
        for ref in (self.north_of, self.south_of):
            if isinstance(ref, str) and ref in book.parallels and book.parallels[ref].interpretation:
                yield str(book.parallels[ref].interpretation)

    def parallels(self, book: RuleBook) -> Iterator[float | Parallel]:
        for ref in (self.north_of, self.south_of):
            if ref is not None:
                yield book.parallels[ref] if isinstance(ref, str) else float(ref)

    def label(self, book: RuleBook, data: GeoData) -> str:
        return self.title or band_label(self.north_of, self.south_of, book)

    def contains(self, s: Subject, ctx: Context) -> RegionAnswer:
        result, fact = test_band(self.north_of, self.south_of, s, ctx)
        return RegionAnswer(self, result, fact)

    def possible(self, s: Subject, ctx: Context) -> tuple[bool, bool]:
        return possible_band(self.north_of, self.south_of, s, ctx)

    def validate(self, check: Checker, at: Path) -> None:
        for side, ref in (("north_of", self.north_of), ("south_of", self.south_of)):
            if ref is not None:
                check.parallel(ref, (*at, "band", side))


def band_label(north_of: Ref | None, south_of: Ref | None, book: RuleBook) -> str:
    def name(ref: Ref) -> str:
        if isinstance(ref, str):
            return book.parallels[ref].label or ref if ref in book.parallels else ref
        return f"{abs(ref):g}° {'N' if ref >= 0 else 'S'}"

    sides = [f"{word} {name(ref)}" for word, ref in (("north of", north_of), ("south of", south_of)) if ref is not None]
    return " and ".join(sides)


@dataclass(frozen=True, eq=False)
class PolygonRegion(_Region):
    """An inline polygon: vertices [lon, lat] and, for each leg from a vertex to the next, how it runs: `rhumb`
    (straight on Mercator), `meridian`, `parallel` or `straight` (in longitude/latitude)."""

    kind: ClassVar[str] = "polygon"
    vertices: tuple[tuple[float, float], ...]
    legs: tuple[str, ...]
    unverified: tuple[int, ...] = ()
    polygon_note: str | None = None

    @classmethod
    def parse(cls, d: Mapping[str, Any]) -> PolygonRegion:
        p = d["polygon"]
        vertices = tuple((float(lon), float(lat)) for lon, lat in p["vertices"])
        return cls(
            d.get("label"), d.get("note"), vertices, tuple(p["legs"]), tuple(p.get("unverified", ())), p.get("note")
        )

    def to_data(self) -> Any:
        polygon: dict[str, Any] = {"vertices": [list(v) for v in self.vertices], "legs": list(self.legs)}
        if self.unverified:
            polygon["unverified"] = list(self.unverified)
        if self.polygon_note:
            polygon["note"] = self.polygon_note
        return {"polygon": polygon, **self._meta()}

    def label(self, book: RuleBook, data: GeoData) -> str:
        return self.title or "the treaty's polygon"

    @cached_property
    def geometry(self) -> Any:
        """The polygon, split at the antimeridian, prepared."""
        geom = split_at_antimeridian(shapely.make_valid(shapely.Polygon(self.ring())))
        shapely.prepare(geom)
        return geom

    def ring(self) -> list[tuple[float, float]]:
        return ring(self.vertices, self.legs)

    def problems(self) -> list[tuple[int | None, str]]:
        return problems(self.vertices, self.legs)

    def validate(self, check: Checker, at: Path) -> None:
        for i, problem in self.problems():
            where = (*at, "polygon", "vertices", i) if i is not None else (*at, "polygon")
            check.error(where, problem, "Check the vertices ([lon, lat]) and legs against the treaty text.")

    def contains(self, s: Subject, ctx: Context) -> RegionAnswer:
        poly = self.geometry
        detail = InsidePolygon(len(self.unverified))
        if s.point_like:
            return RegionAnswer(self, bool(poly.covers(shapely.Point(s.lon, s.lat))), detail)
        if s.geom is not None and poly.covers(s.geom):
            return RegionAnswer(self, True, detail)
        if s.geom is not None and not poly.intersects(s.geom):
            return RegionAnswer(self, False, detail)
        return RegionAnswer(self, None, detail)


@dataclass(frozen=True, eq=False)
class _Composite(_Region):
    items: tuple[Region, ...]
    joiner: ClassVar[str]

    @classmethod
    def parse(cls, d: Mapping[str, Any]) -> _Composite:
        return cls(d.get("label"), d.get("note"), tuple(parse_region(r) for r in d[cls.kind]))

    def to_data(self) -> Any:
        return {self.kind: [r.to_data() for r in self.items], **self._meta()}

    def nodes(self, book: RuleBook) -> Iterator[Node]:
        return iter(self.items)

    def parts(self, at: Path) -> Iterator[tuple[Path, Node]]:
        for k, r in enumerate(self.items):
            yield (*at, self.kind, k), r

    def label(self, book: RuleBook, data: GeoData) -> str:
        return self.title or f" {self.joiner} ".join(label(r, book, data) for r in self.items)

    def answers(self, s: Subject, ctx: Context) -> tuple[RegionAnswer, ...]:
        return tuple(contains(r, s, ctx) for r in self.items)

    def possibles(self, s: Subject, ctx: Context) -> list[tuple[bool, bool]]:
        return [r.possible(s, ctx) for r in self.items]


@dataclass(frozen=True, eq=False)
class UnionRegion(_Composite):
    kind: ClassVar[str] = "union"
    joiner: ClassVar[str] = "or"

    def contains(self, s: Subject, ctx: Context) -> RegionAnswer:
        parts = self.answers(s, ctx)
        return RegionAnswer(self, kleene_any([p.result for p in parts]), Continent(s.continent, not s.on_land), parts)

    def possible(self, s: Subject, ctx: Context) -> tuple[bool, bool]:
        parts = self.possibles(s, ctx)
        return any(p[0] for p in parts), all(p[1] for p in parts)


@dataclass(frozen=True, eq=False)
class IntersectionRegion(_Composite):
    kind: ClassVar[str] = "intersection"
    joiner: ClassVar[str] = "and"

    def contains(self, s: Subject, ctx: Context) -> RegionAnswer:
        parts = self.answers(s, ctx)
        return RegionAnswer(self, kleene_all([p.result for p in parts]), None, parts)

    def possible(self, s: Subject, ctx: Context) -> tuple[bool, bool]:
        parts = self.possibles(s, ctx)
        return all(p[0] for p in parts), any(p[1] for p in parts)


@dataclass(frozen=True, eq=False)
class DifferenceRegion(_Composite):
    """The first region without the second."""

    kind: ClassVar[str] = "difference"
    joiner: ClassVar[str] = "but not"

    def contains(self, s: Subject, ctx: Context) -> RegionAnswer:
        a, b = self.answers(s, ctx)
        return RegionAnswer(self, kleene_all([a.result, None if b.result is None else not b.result]), None, (a, b))

    def possible(self, s: Subject, ctx: Context) -> tuple[bool, bool]:
        (at, af), (bt, bf) = self.possibles(s, ctx)
        return at and bf, af or bt


@dataclass(frozen=True, eq=False)
class InterpretationRegion(_Region):
    """A vague term whose readings each define a region."""

    kind: ClassVar[str] = "interpretation"
    term: str

    @classmethod
    def parse(cls, d: Mapping[str, Any]) -> InterpretationRegion:
        return cls(d.get("label"), d.get("note"), d["interpretation"])

    def to_data(self) -> Any:
        return {"interpretation": self.term, **self._meta()}

    def terms(self, book: RuleBook) -> Iterator[str]:
        yield self.term

    def nodes(self, book: RuleBook) -> Iterator[Node]:
        interp = book.interpretations.get(self.term)
        return iter([r.region for r in interp.readings if r.region is not None] if interp else [])

    def label(self, book: RuleBook, data: GeoData) -> str:
        interp = book.interpretations.get(self.term)
        return self.title or (f'"{interp.term}"' if interp else self.term)

    def contains(self, s: Subject, ctx: Context) -> RegionAnswer:
        def run(reading: Any) -> RegionAnswer:
            return contains(reading.region, s, ctx)

        inner, used = interpret(self.term, ctx, run, lambda a: a.result)
        return RegionAnswer(self, inner.result, None, (inner,), used)

    def possible(self, s: Subject, ctx: Context) -> tuple[bool, bool]:
        chosen = ctx.reading(self.term)
        readings = [chosen] if chosen is not None else list(ctx.readings(self.term))
        parts = [r.region.possible(s, ctx) for r in readings if r.region is not None]
        return any(p[0] for p in parts), any(p[1] for p in parts)

    def validate(self, check: Checker, at: Path) -> None:
        check.interpretation(self.term, (*at, "interpretation"), "region")


@dataclass(frozen=True, eq=False)
class RefRegion(_Region):
    """A region named in some rule file's `regions`, written as its name or as {ref: NAME}."""

    kind: ClassVar[str] = "ref"
    ref: str
    bare: bool = True  # written as a plain name

    @classmethod
    def parse(cls, d: Mapping[str, Any]) -> RefRegion:
        return cls(d.get("label"), d.get("note"), d["ref"], bare=False)

    def to_data(self) -> Any:
        return self.ref if self.bare else {"ref": self.ref, **self._meta()}

    def target(self, book: RuleBook) -> Region:
        return book.regions[self.ref]

    def nodes(self, book: RuleBook) -> Iterator[Node]:
        return iter([book.regions[self.ref]] if self.ref in book.regions else [])

    def label(self, book: RuleBook, data: GeoData) -> str:
        return self.title or (label(self.target(book), book, data) if self.ref in book.regions else self.ref)

    def contains(self, s: Subject, ctx: Context) -> RegionAnswer:
        return contains(self.target(ctx.book), s, ctx)

    def possible(self, s: Subject, ctx: Context) -> tuple[bool, bool]:
        return self.target(ctx.book).possible(s, ctx)

    def validate(self, check: Checker, at: Path) -> None:
        check.region(self.ref, at)


REGIONS: dict[str, type[_Region]] = {
    cls.kind: cls
    for cls in (
        TerritoryRegion,
        SubdivisionRegion,
        FeatureRegion,
        SeaRegion,
        SeaFamilyRegion,
        ContinentRegion,
        BandRegion,
        PolygonRegion,
        UnionRegion,
        IntersectionRegion,
        DifferenceRegion,
        InterpretationRegion,
        RefRegion,
    )
}
_META = ("label", "note")


def parse_region(data: str | Mapping[str, Any]) -> Region:
    """A region node from its validated form in a rule file."""
    if isinstance(data, str):
        return RefRegion(None, None, data)
    (kind,) = (k for k in data if k not in _META)
    return REGIONS[kind].parse(data)

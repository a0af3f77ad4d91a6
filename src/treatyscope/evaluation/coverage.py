"""The area an article covers, as geometry: what `treatyscope area` exports and `treatyscope map` draws.

The world is cut into the atoms an area check uses — land pieces (uniform in island flag and adjoining seas), the
curated small features, and the named seas — along every parallel and polygon the rule draws, and each atom is
answered as `check` answers an area: for the target kind, on the date, under every combination of the readings
that matter (and, for territory with no party named, as its sovereign's and as its controller's). An atom covered
under every combination is *covered*; one covered under some is *contested*, with the readings that cover it.
Precedence follows `locate`: a curated feature over the land or sea under it, land over sea. A curated feature is
drawn as its radius around its centre (a 32-sided polygon, stretched by the cosine of its latitude).

Two rules of `check` are not drawn: a point in a coastal band (the sea within 2 km of a coast) counts as on that
coast, and a point in a gap between the named seas and the land takes the nearest sea within 60 km. Near coasts the
drawing follows the data's coastline, and `check` remains the authority for a single place.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from treatyscope import cache
from treatyscope.errors import UsageError
from treatyscope.evaluation.parties import defended
from treatyscope.evaluation.scope import Question, atom_results
from treatyscope.evaluation.subjects import area_atoms, holding_split, point_subject
from treatyscope.input.scenario import Scenario
from treatyscope.input.selection import check_pins, check_treaties
from treatyscope.place.data import GeoData, geodata
from treatyscope.place.locate import locate
from treatyscope.place.sphere import KM_PER_DEGREE_LAT
from treatyscope.place.subject import Subject
from treatyscope.rules.language import Article, RuleBook, Treaty, Truth, Version
from treatyscope.rules.reach import lines

WHOSE = "whose-territory"  # the pseudo-term for land held by one state and controlled by another
_STORE = cache.Store("areas")
_LAND = cache.Store("areas", ".wkb")
_LAND_MEMO = cache.memo()


@dataclass(frozen=True, slots=True)
class CoveredIf:
    """Which readings cover a contested part: for each term that decides, the readings under which it is covered
    (`terms`); or, where no one or two terms decide, how many of the combinations cover it; `unknown`: a fact the
    rule asks about is not known there."""

    terms: tuple[tuple[str, tuple[str, ...]], ...] = ()
    combinations: tuple[int, int] | None = None
    unknown: bool = False


@dataclass
class CoveredArea:
    """An article's scope for one target kind on one date, as geometry (longitude/latitude, WGS 84)."""

    book: RuleBook
    treaty: Treaty
    article: Article
    version: Version | None
    target: str
    date: dt.date
    party: str | None
    pinned: dict[str, str]
    covered: BaseGeometry  # covered under every reading
    contested: list[tuple[CoveredIf, BaseGeometry]] = field(default_factory=list)
    parallels: list[float] = field(default_factory=list)  # latitudes the rule draws (e.g. the Tropic of Cancer)
    terms: list[str] = field(default_factory=list)  # the interpretations that matter somewhere
    in_force: bool = True  # the treaty and a text of the article were in force on the date

    def classify(self, lat: float, lon: float) -> str:
        """'applies', 'contested' or 'does-not-apply' at a point, as drawn."""
        p = shapely.Point(lon, lat)
        if self.covered.covers(p):
            return "applies"
        if any(g.covers(p) for _, g in self.contested):
            return "contested"
        return "does-not-apply"


def covered_area(
    book: RuleBook,
    treaty_id: str,
    target: str,
    date: dt.date,
    party: str | None = None,
    interpretations: dict[str, str] | None = None,
    assume_member: Sequence[str] = (),
    assume: Sequence[str] = (),
    article_id: str | None = None,
) -> CoveredArea:
    check_treaties([treaty_id], book)
    treaty = book.treaties[treaty_id]
    articles = [a for a in treaty.articles if article_id in (None, a.id)]
    if not articles:
        raise UsageError(f"Treaty '{treaty_id}' has no article '{article_id}'.")
    article = articles[0]
    pinned = dict(interpretations or {})
    check_pins(pinned, book)
    version = article.version_on(date)
    empty = shapely.MultiPolygon()
    if version is None or date not in treaty.life:
        return CoveredArea(book, treaty, article, version, target, date, party, pinned, empty, in_force=False)
    key = cache.key(book.digest, treaty_id, article.id, target, date, party, pinned, assume_member, assume)
    cached = _STORE.load(key, _decode)
    if cached is None:
        cached = _compute(book, treaty, version, target, date, party, pinned, assume_member, assume, geodata())
        _STORE.save(key, _encode(*cached))
    every, contested, terms = cached
    lats, _ = lines(version.targets[target], book, date)
    return CoveredArea(book, treaty, article, version, target, date, party, pinned, every, contested, lats, terms)


# ------------------------------------------------------------------------------------------------- computing


def world_subjects(on: dt.date, data: GeoData) -> list[Subject]:
    """Every land piece, curated feature and named sea, as atoms with their facts on the date."""
    land = area_atoms(range(len(data.piece_ids)), on, data)
    features = [f for f in (_feature_atom(f.id, on, data) for f in data.features.values()) if f is not None]
    seas = [
        Subject(
            s.name,
            s.cap[0],
            s.cap[1],
            point_like=False,
            geom=data.sea_geoms([s.index])[0],
            area_km2=s.area_km2,
            sea=s.id,
        )
        for s in data.sea_list
    ]
    return land + features + seas


def _feature_atom(fid: str, on: dt.date, data: GeoData) -> Subject | None:
    """A curated feature as `check` sees it at its centre: a disc of its radius at sea, or the island it is on."""
    f = data.features[fid]
    if f.is_group and data.group_members(f.id):
        return None  # its members stand for it
    loc = locate(f.lat, f.lon, data=data)
    if loc.feature is None or loc.feature.id != f.id:
        return None  # the land data holds it, and `check` answers for that land
    subject = point_subject(loc, on, f.name, data)
    r = f.radius_km / KM_PER_DEGREE_LAT
    disc = shapely.affinity.scale(
        shapely.Point(f.lon, f.lat).buffer(r, 32), 1 / max(0.05, math.cos(math.radians(f.lat))), 1.0
    )
    geom = shapely.intersection(disc, shapely.box(-180, -90, 180, 90))
    if f.within is not None:
        # On land, within its radius and on the island or coast its centre is on (as `locate` decides).
        covering = [i for i in range(len(data.piece_ids)) if data.piece_territory[i] == f.within]
        point = shapely.Point(f.lon, f.lat)
        parts = [p for i in covering for p in shapely.get_parts(data.piece_geoms([i])[0])]
        if not parts:
            return None
        component = min(parts, key=lambda p: 0.0 if p.covers(point) else p.distance(point))
        geom = shapely.intersection(geom, component)
    return replace(subject, geom=geom)


def _compute(
    book: RuleBook,
    treaty: Treaty,
    version: Version,
    target: str,
    date: dt.date,
    party: str | None,
    pinned: dict[str, str],
    assume_member: Sequence[str],
    assume: Sequence[str],
    data: GeoData,
) -> tuple[BaseGeometry, list[tuple[CoveredIf, BaseGeometry]], list[str]]:
    cond = version.targets[target]
    members = defended(treaty, date, assume_member)
    base = Scenario(
        "the world",
        target,
        date,
        party=party,
        assume_member=frozenset(assume_member),
        assume=frozenset(assume),
        interpretations=pinned,
    )
    subjects = world_subjects(date, data)
    atoms, combos, results = atom_results(Question(book, treaty, cond, base, members, party), subjects, data)
    if target == "territory" and party is None and holding_split(atoms):
        q = Question(book, treaty, cond, replace(base, holder="controller"), members, party)
        _, combos2, results2 = atom_results(q, subjects, data)
        combos = [{**c, WHOSE: "sovereign"} for c in combos] + [{**c, WHOSE: "controller"} for c in combos2]
        results = results + results2
    terms = sorted({t for c in combos for t in c})
    # Group atoms by their answers across the combinations.
    groups: dict[tuple[Truth, ...], dict[str, list[BaseGeometry]]] = {}
    for k, atom in enumerate(atoms):
        answers = tuple(row[k] for row in results)
        if all(a is False for a in answers):
            continue
        kind = "feature" if atom.feature else "land" if atom.territory else "sea"
        groups.setdefault(answers, {"feature": [], "land": [], "sea": []})[kind].append(atom.geom)
    features_all = shapely.union_all([a.geom for a in atoms if a.feature])
    above_sea = shapely.union(land_union(data), features_all)  # what hides the sea under it

    def drawn(parts: dict[str, list[BaseGeometry]]) -> BaseGeometry:
        f = shapely.union_all(parts["feature"]) if parts["feature"] else shapely.MultiPolygon()
        land = shapely.union_all(parts["land"]) if parts["land"] else shapely.MultiPolygon()
        sea = shapely.union_all(parts["sea"]) if parts["sea"] else shapely.MultiPolygon()
        land = shapely.difference(land, features_all) if not land.is_empty else land
        sea = shapely.difference(sea, above_sea) if not sea.is_empty else sea
        return polygons(shapely.union_all([f, land, sea]))

    every: BaseGeometry = shapely.MultiPolygon()
    merged: dict[CoveredIf, list[BaseGeometry]] = {}
    for answers, parts in groups.items():
        g = drawn(parts)
        if g.is_empty:
            continue
        if all(a is True for a in answers):
            every = g
        else:
            merged.setdefault(covered_if(answers, combos), []).append(g)
    contested = sorted(((c, polygons(shapely.union_all(gs))) for c, gs in merged.items()), key=lambda x: repr(x[0]))
    return every, contested, terms


def covered_if(answers: tuple[Truth, ...], combos: list[dict[str, str]]) -> CoveredIf:
    """Which readings cover an atom: the fewest terms whose readings decide (one term, else two together)."""
    if any(a is None for a in answers):
        return CoveredIf(unknown=True)
    covering = [c for c, a in zip(combos, answers, strict=True) if a]
    terms = sorted({t for c in combos for t in c})
    for group in [(t,) for t in terms] + [(t, u) for i, t in enumerate(terms) for u in terms[i + 1 :]]:
        readings = [{c[t] for c in covering} for t in group]
        if all(
            all(c[t] in r for t, r in zip(group, readings, strict=True)) == bool(a)
            for c, a in zip(combos, answers, strict=True)
        ):
            return CoveredIf(tuple((t, tuple(sorted(r))) for t, r in zip(group, readings, strict=True)))
    return CoveredIf(combinations=(len(covering), len(combos)))


def polygons(g: BaseGeometry) -> BaseGeometry:
    """Only the areal parts (unions and differences can leave slivers of lines and points)."""
    parts = [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon") and not p.is_empty]
    polys = [q for p in parts for q in shapely.get_parts(p)]
    return shapely.MultiPolygon(polys) if polys else shapely.MultiPolygon()


# ------------------------------------------------------------------------------------------------- caching


def land_union(data: GeoData) -> BaseGeometry:
    """All land as one geometry (about 5 s to build; kept on disk with the other caches)."""

    def build() -> BaseGeometry:
        key = cache.key("land", code=("place/data.py",))
        land = _LAND.load(key, shapely.from_wkb)
        if land is None:
            land = shapely.union_all(data.piece_geoms(list(range(len(data.piece_ids)))))
            _LAND.save(key, shapely.to_wkb(land))
        shapely.prepare(land)
        return land

    found: BaseGeometry = _LAND_MEMO.remember(str(data.root), build)
    return found


def _encode(every: BaseGeometry, contested: list[tuple[CoveredIf, BaseGeometry]], terms: list[str]) -> bytes:
    import json

    doc = {
        "covered": shapely.to_wkb(every).hex(),
        "contested": [[_if_json(c), shapely.to_wkb(g).hex()] for c, g in contested],
        "terms": terms,
    }
    return json.dumps(doc).encode()


def _if_json(c: CoveredIf) -> dict[str, Any]:
    return {"terms": [[t, list(r)] for t, r in c.terms], "combinations": c.combinations, "unknown": c.unknown}


def _decode(raw: bytes) -> tuple[BaseGeometry, list[tuple[CoveredIf, BaseGeometry]], list[str]]:
    import json

    doc = json.loads(raw)
    every = shapely.from_wkb(bytes.fromhex(doc["covered"]))
    contested = []
    for c, wkb in doc["contested"]:
        combos = tuple(c["combinations"]) if c["combinations"] else None
        covered = CoveredIf(tuple((t, tuple(r)) for t, r in c["terms"]), combos, bool(c["unknown"]))
        contested.append((covered, shapely.from_wkb(bytes.fromhex(wkb))))
    return every, contested, list(doc["terms"])

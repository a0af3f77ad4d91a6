"""The nearest place an article covers for the target kind (for some Party), when it does not cover this one.

Branch and bound: land and seas are taken in order of a lower bound on their distance (the bounding caps of the
pieces and seas), whole territories pruned first by a cheap over-approximation of the condition
(`Condition.possible`); a territory or sea covered only in part is cut along the rule's lines. The answer under
every reading is searched for, and a nearer one under some readings only is kept beside it. The search is
deterministic in its inputs, so its answer is cached on disk.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from treatyscope import cache
from treatyscope.evaluation.subjects import (
    area_atoms,
    belt_subjects,
    coast_bands,
    cut,
    land_subject,
    piece_status,
    point_subject,
)
from treatyscope.input.scenario import Scenario
from treatyscope.place.data import GeoData
from treatyscope.place.locate import locate
from treatyscope.place.sphere import distance_km, haversine_km_many, nearest_point
from treatyscope.place.subject import Subject
from treatyscope.place.world import (
    COAST_TOLERANCE_KM,
    SEA_GAP_KM,
    TERRITORIAL_SEA_KM,
    Location,
    World,
    feature_disc,
    world,
)
from treatyscope.result import Nearest
from treatyscope.rules.conditions import condition_label
from treatyscope.rules.language import Condition, Context, RuleBook, Treaty
from treatyscope.rules.logic import deciding, outcomes
from treatyscope.rules.reach import lines, named

_STORE = cache.Store("nearest")
_FOUND = cache.memo()

Covered = tuple[bool, bool, bool]  # covered under some reading, under every reading, unknown for the extent


def nearest_covered(
    origin: tuple[float, float],
    cond: Condition,
    book: RuleBook,
    treaty: Treaty,
    members: frozenset[str],
    scenario: Scenario,
    data: GeoData,
) -> Nearest | None:
    key = cache.key(
        [round(origin[0], 6), round(origin[1], 6)],
        cond.to_data(),
        scenario.date,
        members,
        scenario.assume,
        sorted(scenario.interpretations.items()),
        book.digest or book.files,
        scenario.territorial_sea,
    )

    def find() -> Nearest | None:
        stored = _STORE.load_json(key)
        if isinstance(stored, dict):
            try:
                return _from_json(stored)
            except (KeyError, TypeError, ValueError):
                pass  # not what this code writes: a miss
        found = _Search(origin, cond, book, treaty, members, scenario, data).run()
        if found is not None:
            _STORE.save_json(key, _to_json(found))
        return found

    result: Nearest | None = _FOUND.remember(key, find)
    return result


def _to_json(n: Nearest) -> dict[str, Any]:
    return {
        "name": n.name,
        "km": n.km,
        "lat": n.lat,
        "lon": n.lon,
        "clause": n.clause,
        "all_readings": n.all_readings,
        "sea": n.sea,
        "nearer": None if n.nearer is None else _to_json(n.nearer),
    }


def _from_json(d: dict[str, Any]) -> Nearest:
    nearer = d.get("nearer")
    return Nearest(
        str(d["name"]),
        float(d["km"]),
        float(d["lat"]),
        float(d["lon"]),
        d.get("clause"),
        bool(d["all_readings"]),
        bool(d["sea"]),
        None if nearer is None else _from_json(nearer),
    )


def _polygon_sides(s: Subject, polys: list[Any]) -> tuple[Any, ...]:
    """Where a subject lies against each of the rule's polygons: a point inside or not; an extent inside, across
    the edge, or outside (an extent across an edge is cut before it is answered part by part)."""
    if s.point_like or s.geom is None:
        return tuple(bool(p.covers(shapely.Point(s.lon, s.lat))) for p in polys)
    return tuple("in" if p.covers(s.geom) else "across" if p.intersects(s.geom) else "out" for p in polys)


class _Search:
    def __init__(
        self,
        origin: tuple[float, float],
        cond: Condition,
        book: RuleBook,
        treaty: Treaty,
        members: frozenset[str],
        scenario: Scenario,
        data: GeoData,
    ) -> None:
        self.lat, self.lon = origin
        self.cond, self.book, self.scenario, self.data = cond, book, scenario, data
        self.world = world(data, scenario.territorial_sea)
        self.ctx = Context(book, treaty, scenario.date, members, scenario.assume, None)
        self.lats, self.polys = lines(cond, book, scenario.date)
        self.asked = named(cond, book, data)
        self.memo: dict[tuple[Any, ...], Covered] = {}
        self.best_all: tuple[float, Nearest] | None = None
        self.best_some: tuple[float, Nearest] | None = None

    def covered(self, s: Subject) -> Covered:
        """(covered under some reading, covered under every reading, unknown for this extent as a whole)."""
        # Conditions read facts, not shapes: subjects with the same facts (and on the same side of every line the
        # rule draws) share one answer.
        _, south, _, north = s.bbox
        sides = tuple(
            (s.lat >= lat, s.lat <= lat) if s.point_like else (south >= lat, north <= lat) for lat in self.lats
        )
        key = (*s.facts(*self.asked), s.point_like, sides, _polygon_sides(s, self.polys))
        if key not in self.memo:
            some = every = unknown = False
            for party in self._parties(s):
                self.ctx.party, self.ctx.assignment = party, dict(self.scenario.interpretations)
                if self.cond.possible(s, self.ctx)[0]:
                    values = [o.result for o in outcomes(self.cond, s, self.ctx, self.scenario.interpretations)]
                    some, unknown = some or True in values, unknown or None in values
                    every = every or all(v is True for v in values)
            self.memo[key] = (some, every, unknown)
        return self.memo[key]

    def _parties(self, s: Subject) -> list[str | None]:
        """Whose attack is asked about at the place, as `check` asks when no party is named: for territory, each
        Party holding it (by sovereignty or administration: a place held by none is no Party's territory); for
        forces, vessels and aircraft, those of any Party. The same party must satisfy every clause: the US
        administering Okinawa in 1971 did not make it "territory under the administration of Japan"."""
        if self.scenario.target != "territory":
            return [None]
        status = s.status
        held = {p for p in (status.sovereign, status.administered_by) if p is not None} if status else set()
        return [p for p in sorted(held) if p in self.ctx.members]

    def consider(self, name: str, template: Subject) -> None:
        some, every, unknown = self.covered(template)
        if not some and not unknown:
            return
        # An extent covered only in part (across a parallel, or islands among mainland) is cut into uniform parts,
        # which are then evaluated as points.
        atoms = [template] if every else cut([template], self.lats, self.polys)
        for atom in atoms:
            a_some, a_every, _ = (some, every, unknown) if atom is template else self.covered(atom)
            if not a_some:
                continue
            d = distance_km(self.lat, self.lon, atom.geom)
            for is_all in (True, False):
                current = self.best_all if is_all else self.best_some
                if (a_every if is_all else a_some) and (current is None or d < current[0]):
                    found = (d, self._found(name, atom, d, is_all))
                    if is_all:
                        self.best_all = found
                    else:
                        self.best_some = found

    def _found(self, name: str, atom: Subject, d: float, every: bool) -> Nearest:
        nlat, nlon, _ = nearest_point(self.lat, self.lon, atom.geom)
        for party in self._parties(atom):
            self.ctx.party = party
            outs = outcomes(self.cond, atom, self.ctx, self.scenario.interpretations)
            if any(o.result for o in outs):
                break
        clause = deciding(next(o for o in outs if o.result).trace, True)
        label = condition_label(clause.node, self.book, self.data)
        return Nearest(
            name, round(d, 1), round(nlat, 4), round(nlon, 4), label, every, not atom.on_land and bool(atom.sea)
        )

    def run(self) -> Nearest | None:
        """Candidates in order of a lower bound on their distance, until none can be nearer than the best found
        under every reading: land pieces with their coastal bands and territorial seas (up to COAST_TOLERANCE_KM,
        or TERRITORIAL_SEA_KM with the territorial seas, nearer than the piece),
        named seas with their gap fills (up to SEA_GAP_KM nearer than the sea), and the curated features."""
        data = self.data
        caps = data.piece_cap
        reach = TERRITORIAL_SEA_KM if self.world.territorial_sea else COAST_TOLERANCE_KM
        land = haversine_km_many(self.lat, self.lon, caps[:, 0], caps[:, 1]) - caps[:, 2] - reach
        seas = data.sea_list
        sea_caps = np.array([s.cap for s in seas], dtype=float)
        water = haversine_km_many(self.lat, self.lon, sea_caps[:, 0], sea_caps[:, 1]) - sea_caps[:, 2] - SEA_GAP_KM
        features = self.world.feature_xyr
        near = haversine_km_many(self.lat, self.lon, features[:, 0], features[:, 1]) - features[:, 2]
        queue = sorted(
            [(float(d), 0, i) for i, d in enumerate(land)]
            + [(float(d), 1, i) for i, d in enumerate(water)]
            + [(float(d), 2, i) for i, d in enumerate(near)]
        )
        territory_ok: dict[str, bool] = {}
        for bound, kind, i in queue:
            if self.best_all is not None and bound >= self.best_all[0]:
                break
            if kind == 0:
                territory = data.piece_territory[i]
                if territory not in territory_ok:
                    territory_ok[territory] = self._territory_may_be_covered(territory)
                if territory_ok[territory]:
                    for atom in self._piece_atoms(i):
                        self.consider(data.territories[territory].name, atom)
            elif kind == 1:
                sea = seas[i]
                for g in (data.sea_geoms([i])[0], data.gap_geoms([i])[0]):
                    if not g.is_empty:
                        self.consider(
                            sea.name, Subject(sea.name, sea.cap[0], sea.cap[1], point_like=False, geom=g, sea=sea.id)
                        )
            else:
                template = self._feature_atom(i)
                if template is not None:
                    self.consider(template.label, template)
        primary = self.best_all or self.best_some
        if primary is None:
            return None
        if self.best_some is not None and self.best_all is not None and self.best_some[0] < self.best_all[0] - 0.5:
            return replace(primary[1], nearer=self.best_some[1])
        return primary[1]

    def _piece_atoms(self, piece: int) -> list[Subject]:
        """The piece's land parts grouped by their facts, and its coastal bands and territorial seas with the facts
        of their coast."""
        on, data = self.scenario.date, self.data
        bands = coast_bands(self.world, piece).items()
        coast = [land_subject(data, piece, i, s, g, on, "coast") for (i, s), g in bands]
        return area_atoms([piece], on, data) + coast + belt_subjects(self.world, piece, on)

    def _feature_atom(self, index: int) -> Subject | None:
        """A curated feature as a subject: the facts `locate` gives at its centre, over where it is taken."""
        key = (str(self.data.root), self.world.territorial_sea, index)
        taken = _FEATURE_PLACES.remember(key, lambda: _feature_place(self.world, index))
        if taken is None:
            return None
        loc, where = taken
        subject = point_subject(loc, self.scenario.date, self.world.features[index].name, self.data)
        return replace(subject, point_like=False, geom=where)

    def _territory_may_be_covered(self, territory: str) -> bool:
        data = self.data
        t = data.territories[territory]
        detail = [data.piece_detail(i) for i in t.pieces]
        statuses = {piece_status(data, i, self.scenario.date) for i in t.pieces}
        for status in statuses:
            whole = Subject(
                label=t.name,
                lat=t.point[0],
                lon=t.point[1],
                point_like=False,
                geom=shapely.box(*t.bbox).buffer(0.05),  # with its coastal bands, a few km beyond the land
                # (the territorial seas reach further, but only their facts matter here, and they are the land's)
                territory=territory,
                subdivisions=frozenset(d["iso_3166_2"] for d in detail),
                continents=frozenset(data.piece_continent[i] for i in t.pieces),
                islands=frozenset(bool(x) for d in detail for x in d["islands"]),
                island_seas=frozenset(s for d in detail for group in d["island_seas"] for s in group),
                status=status,
                setting="land",
            )
            some, _, unknown = self.covered(whole)
            if some or unknown:
                return True
        return False


# Where each feature is taken depends on the data only: computed once per process, not once per search.
_FEATURE_PLACES = cache.memo()


def _feature_place(w: World, index: int) -> tuple[Location, BaseGeometry] | None:
    """Where a curated feature is taken, with what `locate` finds at its centre: its disc at sea (less the land
    and coastal bands under it), or the land parts it is on (with their bands); None where it is not taken."""
    data = w.data
    f = w.features[index]
    loc = locate(f.lat, f.lon, territorial_sea=w.territorial_sea, data=data, distances=False)
    if loc.feature is None or loc.feature.id != f.id:
        return None  # not taken at its own centre (the land there is another's): its land answers for it
    disc = feature_disc(f)
    if f.within is None:
        pieces = data.pieces_near(f.lat, f.lon, f.radius_km / 100.0)
        bands = [b for p in pieces for b in w.bands_of(p)]
        under = _union_within(data.piece_geoms(pieces) + data.coast_geoms(bands), disc)
        where = shapely.difference(disc, under)
    else:
        parts = [w.geometry(int(a)) for a in w.same_land(index)]
        bands = [b for p in {w.atoms[int(a)].index for a in w.same_land(index)} for b in w.bands_of(p)]
        where = shapely.intersection(disc, _union_within(parts + data.coast_geoms(bands), disc))
    return None if where.is_empty else (loc, where)


def _union_within(geoms: list[BaseGeometry], disc: BaseGeometry) -> BaseGeometry:
    """The union of the geometries, over the disc's bounding box only (a coast near a feature may be a continent's)."""
    return shapely.union_all(shapely.intersection(np.array(geoms, dtype=object), shapely.box(*disc.bounds)))

"""The nearest place an article covers for the target kind (for some Party), when it does not cover this one.

Branch and bound: land and seas are taken in order of a lower bound on their distance (the bounding caps of the
pieces and seas), whole territories pruned first by a cheap over-approximation of the condition
(`Condition.possible`); a territory or sea covered only in part is cut along the rule's lines. The answer under
every reading is searched for, and a nearer one under some readings only is kept beside it. The search is
deterministic in its inputs, so its answer is cached on disk.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import shapely

from treatyscope import cache
from treatyscope.evaluation.subjects import area_atoms, cut, piece_status
from treatyscope.input.scenario import Scenario
from treatyscope.place.data import GeoData
from treatyscope.place.sphere import distance_km, haversine_km_many, nearest_point
from treatyscope.place.subject import Subject
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
        # "The party" is any Party holding the place: the nearest place covered for some Party.
        self.ctx = Context(book, treaty, scenario.date, members, scenario.assume, None, mode="any")
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
            self.ctx.assignment = dict(self.scenario.interpretations)
            if not self.cond.possible(s, self.ctx)[0]:
                self.memo[key] = (False, False, False)
            else:
                values = [o.result for o in outcomes(self.cond, s, self.ctx, self.scenario.interpretations)]
                self.memo[key] = (True in values, all(v is True for v in values), None in values)
        return self.memo[key]

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
        outs = outcomes(self.cond, atom, self.ctx, self.scenario.interpretations)
        clause = deciding(next(o for o in outs if o.result).trace, True)
        label = condition_label(clause.node, self.book, self.data)
        return Nearest(name, round(d, 1), round(nlat, 4), round(nlon, 4), label, every)

    def run(self) -> Nearest | None:
        data = self.data
        caps = data.piece_cap
        lower = haversine_km_many(self.lat, self.lon, caps[:, 0], caps[:, 1]) - caps[:, 2]
        order = sorted(range(len(lower)), key=lambda i: lower[i])
        seas = data.sea_list
        sea_caps = np.array([s.cap for s in seas], dtype=float)
        sea_lower = haversine_km_many(self.lat, self.lon, sea_caps[:, 0], sea_caps[:, 1]) - sea_caps[:, 2]
        sea_order = sorted(range(len(seas)), key=lambda i: sea_lower[i])
        leaf_ok: dict[str, bool] = {}
        li = si = 0
        # Land: territories first (all their pieces at once), then their pieces, then uniform parts; and seas.
        while li < len(order) or si < len(sea_order):
            next_land = lower[order[li]] if li < len(order) else math.inf
            next_sea = sea_lower[sea_order[si]] if si < len(sea_order) else math.inf
            if self.best_all is not None and min(next_land, next_sea) >= self.best_all[0]:
                break
            if next_land <= next_sea:
                i = order[li]
                li += 1
                territory = data.piece_territory[i]
                if territory not in leaf_ok:
                    leaf_ok[territory] = self._territory_may_be_covered(territory)
                if leaf_ok[territory]:
                    for atom in area_atoms([i], self.scenario.date, data):
                        self.consider(data.territories[territory].name, atom)
            else:
                sea = seas[sea_order[si]]
                si += 1
                g = data.sea_geoms([sea.index])[0]
                self.consider(sea.name, Subject(sea.name, sea.cap[0], sea.cap[1], point_like=False, geom=g, sea=sea.id))
        primary = self.best_all or self.best_some
        if primary is None:
            return None
        if self.best_some is not None and self.best_all is not None and self.best_some[0] < self.best_all[0] - 0.5:
            return replace(primary[1], nearer=self.best_some[1])
        return primary[1]

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
                geom=shapely.box(*t.bbox),
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

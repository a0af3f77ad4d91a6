"""What is at a point: one ordered definition, used by `locate` (and so `check`), by the batch engine's grid, and by
the drawing of covered areas (`area`, `map`).

The world is a list of *atoms* in order of precedence; a point is in the first atom whose polygon covers it
(boundaries count as inside):

1. LAND: a polygon of a land piece (Natural Earth admin-1 units, some split); pieces meet but do not overlap.
2. COAST: a coastal band, the sea within COAST_TOLERANCE_KM (2 km) of a land piece's coast and nearer to it than to
   any other coast: a point there is taken as on that coast. Natural Earth 1:10m land, simplified to about 1 km,
   puts many coastal city centres just offshore; the bands are polygons derived once (tools/build_coast.py).
3. BELT: a territorial sea, the sea within TERRITORIAL_SEA_KM (12 nautical miles) of a land piece's coast and nearer
   to it than to any other coast (an equidistance line), cut by the named sea, gap fill or open water it lies in: a
   point there has its coast's facts (territory, continent, island) and keeps its sea. UNCLOS Article 2 extends the
   coastal state's sovereignty to it; the belt is drawn from the simplified coast, an approximation of the legal
   baselines (tools/build_belts.py). A world built with `territorial_sea=False` has no belts.
4. SEA: a named marine polygon.
5. GAP: the gap fill of a named sea, the gaps between the named seas and the land shared out to the nearest named
   sea within SEA_GAP_KM (60 km).
   A point in none of them is in open water.
Then the curated small features (geodata/curated/features.yaml), which Natural Earth 10m lacks or merges: a point
within a feature's radius (great-circle distance to its centre) takes the nearest such feature that is at sea (the
point is in no land part or band) or, for a feature its territory's land data holds (`within`), that is on the very
land part — or, in a band, the part nearest the point — of that territory within FEATURE_SAME_LAND_KM of the
feature's centre.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from treatyscope import cache
from treatyscope.place.data import Feature, GeoData, Sea, Territory, geodata
from treatyscope.place.sphere import EARTH_RADIUS_KM, KM_PER_DEGREE_LAT, NAUTICAL_MILE_KM, distance_km

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from shapely.geometry.base import BaseGeometry

COAST_TOLERANCE_KM = 2.0
TERRITORIAL_SEA_KM = 12 * NAUTICAL_MILE_KM
SEA_GAP_KM = 60.0
FEATURE_SAME_LAND_KM = 3.0
ISLAND_KINDS = frozenset({"island", "islet", "rock", "atoll", "island-group"})
OPEN_WATER = -1  # the atom of a point in no land part, band, named sea or gap fill


class Layer(IntEnum):
    LAND = 0
    COAST = 1
    BELT = 2
    SEA = 3
    GAP = 4
    OPEN = 5


# How a subject names where it is (Subject.setting, Location.setting) for each layer.
SETTINGS = {
    Layer.LAND: "land",
    Layer.COAST: "coast",
    Layer.BELT: "territorial-sea",
    Layer.SEA: "sea",
    Layer.GAP: "gap",
    Layer.OPEN: "open",
}


@dataclass(frozen=True, slots=True)
class Atom:
    layer: Layer
    index: int  # the land piece (LAND, COAST, BELT) or the named sea (SEA, GAP)
    part: int = 0  # the polygon of the piece (LAND), the band (COAST) or the part of a territorial sea (BELT)


@dataclass(frozen=True, eq=False, repr=False)
class Location:
    """The facts of a point, as `locate` reports them."""

    lat: float
    lon: float
    territory: Territory | None = None  # the leaf territory, on land or in its territorial sea
    subdivision: dict[str, object] | None = None
    continent: str | None = None
    island: bool | None = None
    island_seas: tuple[str, ...] = ()  # named seas an island adjoins (for "islands in the X area")
    sea: Sea | None = None
    sea_km: float = 0.0  # distance to the named sea when the point is in a gap, else 0
    feature: Feature | None = None
    setting: str = "sea"  # "land", "coast" (snapped to land), "territorial-sea", "sea"
    coast_km: float = 0.0
    border_with: tuple[str, ...] = ()
    piece: int | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def on_land(self) -> bool:
        return self.setting in ("land", "coast")

    @property
    def country(self) -> Territory | None:
        if self.territory is None:
            return None
        if self.territory.composite:
            return geodata().territories[self.territory.composite]
        return self.territory


def at_sea(
    lat: float,
    lon: float,
    sea: Sea | None,
    sea_km: float = 0.0,
    feature: Feature | None = None,
    setting: str = "sea",
    coast_km: float = math.inf,
) -> Location:
    """A point off the land (in a sea, a gap fill, open water or a territorial sea before its coast is known)."""
    return Location(
        lat,
        lon,
        sea=sea,
        sea_km=sea_km,
        feature=feature,
        setting=setting,
        coast_km=coast_km if math.isfinite(coast_km) else -1.0,
        island=(feature.high_tide and feature.kind in ISLAND_KINDS | {"reef", "shoal"}) if feature else None,
    )


def on_land(
    data: GeoData,
    lat: float,
    lon: float,
    piece: int,
    island: bool,
    seas: Sequence[str],
    setting: str = "land",
    feature: Feature | None = None,
    coast_km: float = 0.0,
    others: tuple[str, ...] = (),
    sea: Sea | None = None,
    sea_km: float = 0.0,
) -> Location:
    """A point on a land piece (or its coastal band, or its territorial sea), with the island flag and adjoining
    seas of its part."""
    detail = data.piece_detail(piece)
    if feature is not None and feature.kind in ISLAND_KINDS:
        island = True  # e.g. Perejil, snapped to the Moroccan coast but an islet in its own right
    return Location(
        lat,
        lon,
        territory=data.territories[data.piece_territory[piece]],
        subdivision={
            "id": detail["id"],
            "name": detail["name"] or detail["name_en"],
            "type": detail["type"],
            "iso_3166_2": detail["iso_3166_2"],
        },
        continent=data.piece_continent[piece],
        island=island,
        island_seas=tuple(seas),
        sea=sea,
        sea_km=sea_km,
        feature=feature,
        setting=setting,
        coast_km=round(coast_km, 3),
        border_with=others,
        piece=piece,
    )


class World:
    """The atoms in order of precedence, their polygons and facts, and the curated features."""

    def __init__(self, data: GeoData, territorial_sea: bool = True) -> None:
        self.data = data
        self.territorial_sea = territorial_sea
        territory = data.piece_territory
        owners = data.coast_owners
        n_parts = [len(data.piece_detail(i)["islands"]) for i in range(len(data.piece_ids))]
        land = sorted((territory[i], i, k) for i in range(len(n_parts)) for k in range(n_parts[i]))
        bands = sorted(range(len(owners)), key=lambda b: (territory[owners[b][0]], owners[b][0], b))
        belts = data.belt_parts if territorial_sea else []
        belt_order = sorted(range(len(belts)), key=lambda p: (territory[owners[belts[p][0]][0]], belts[p][0], p))
        seas = range(len(data.sea_list))
        self.atoms: list[Atom] = (
            [Atom(Layer.LAND, i, k) for _, i, k in land]
            + [Atom(Layer.COAST, owners[b][0], b) for b in bands]
            + [Atom(Layer.BELT, owners[belts[p][0]][0], p) for p in belt_order]
            + [Atom(Layer.SEA, i) for i in seas]
            + [Atom(Layer.GAP, i) for i in seas]
        )
        self.index = {a: n for n, a in enumerate(self.atoms)}
        self.features = [f for f in data.features.values() if not (f.is_group and data.group_members(f.id))]
        self.feature_xyr = np.array([(f.lat, f.lon, f.radius_km) for f in self.features]).reshape(-1, 3)
        self._pad = self.feature_xyr[:, 2] / KM_PER_DEGREE_LAT * 1.01 + 1e-4  # as features_at pairs them
        lats = self.feature_xyr[:, 0]
        self._reach_lat = (float((lats - self._pad).min(initial=90)), float((lats + self._pad).max(initial=-90)))
        # Per atom (the last entry: open water): its layer, its land piece, and its territory's number.
        self.layer = np.array([a.layer for a in self.atoms] + [Layer.OPEN], dtype=np.int8)
        ids = {t: n for n, t in enumerate(data.territories)}
        on_land_ = [a.layer in (Layer.LAND, Layer.COAST, Layer.BELT) for a in self.atoms]
        self.piece = np.array([a.index if ok else -1 for a, ok in zip(self.atoms, on_land_)] + [-1], dtype=np.int32)
        held = [ids[territory[a.index]] if ok else -1 for a, ok in zip(self.atoms, on_land_)]
        self.territory = np.array([*held, -1], dtype=np.int32)
        self._within = np.array([ids[f.within] if f.within else -1 for f in self.features], dtype=np.int32)
        self._same_land: dict[int, NDArray[np.int32]] = {}
        self._band_rules: dict[tuple[int, int], tuple[NDArray[np.object_], NDArray[np.bool_]]] = {}

    # ------------------------------------------------------------------------------------------------ atoms

    def geometry(self, atom: int) -> BaseGeometry:
        a = self.atoms[atom]
        data = self.data
        if a.layer is Layer.LAND:
            return shapely.get_parts(data.piece_geoms([a.index])[0])[a.part]
        if a.layer is Layer.COAST:
            return data.coast_geoms([a.part])[0]
        if a.layer is Layer.BELT:
            return data.belt_geoms([a.part])[0]
        if a.layer is Layer.SEA:
            return data.sea_geoms([a.index])[0]
        return data.gap_geoms([a.index])[0]

    def bands_of(self, piece: int) -> list[int]:
        """The coastal bands of a land piece."""
        return self._bands_by_piece.get(piece, [])

    def belts_of(self, piece: int) -> list[int]:
        """The parts of a land piece's territorial sea (none in a world without territorial seas)."""
        return self._belts_by_piece.get(piece, []) if self.territorial_sea else []

    @cached_property
    def _belts_by_piece(self) -> dict[int, list[int]]:
        table: dict[int, list[int]] = {}
        owners = self.data.coast_owners
        for p, (owner, _, _) in enumerate(self.data.belt_parts):
            table.setdefault(owners[owner][0], []).append(p)
        return table

    @cached_property
    def _bands_by_piece(self) -> dict[int, list[int]]:
        table: dict[int, list[int]] = {}
        for b, (owner, _, _) in enumerate(self.data.coast_owners):
            table.setdefault(owner, []).append(b)
        return table

    def geometries(self) -> list[BaseGeometry]:
        return [self.geometry(n) for n in range(len(self.atoms))]

    def location(self, atom: int, lat: float, lon: float, feature: Feature | None = None) -> Location:
        """What `locate` reports at a point of the atom (without the distances it measures)."""
        if atom < 0:
            return at_sea(lat, lon, None, feature=feature)
        a = self.atoms[atom]
        data = self.data
        if a.layer is Layer.LAND:
            detail = data.piece_detail(a.index)
            island, seas = bool(detail["islands"][a.part]), detail["island_seas"][a.part]
            return on_land(data, lat, lon, a.index, island, seas, feature=feature)
        if a.layer is Layer.COAST:
            _, island, seas = data.coast_owners[a.part]
            return on_land(data, lat, lon, a.index, island, seas, setting="coast", feature=feature)
        if a.layer is Layer.BELT:
            return self.belt_location(a.part, lat, lon, feature)
        return at_sea(lat, lon, data.sea_list[a.index], feature=feature)

    def belt_location(self, part: int, lat: float, lon: float, feature: Feature | None = None) -> Location:
        """A point in a part of a territorial sea: its coast's facts, and the named sea it lies in (if any)."""
        data = self.data
        owner, layer, sea = data.belt_parts[part]
        piece, island, seas = data.coast_owners[owner]
        named = data.sea_list[sea] if layer != "open" else None
        return on_land(data, lat, lon, piece, island, seas, "territorial-sea", feature, sea=named)

    def covering(self, lat: float, lon: float, layer: Layer) -> list[int]:
        """Every atom of one layer whose polygon covers the point, in order (a point on a border is in two)."""
        data = self.data
        point = shapely.Point(lon, lat)
        if layer is Layer.LAND:
            pieces = data.pieces_near(lat, lon)
            found = []
            for i, g in zip(pieces, data.piece_geoms(pieces)):
                if g.covers(point):  # the piece is prepared: test it whole first, then its parts
                    parts = shapely.get_parts(g)
                    found += [
                        self.index[Atom(Layer.LAND, i, int(k))] for k in np.flatnonzero(shapely.covers(parts, point))
                    ]
            return sorted(found)
        if layer is Layer.COAST:
            bands = data.coasts_near(lat, lon)
            hits = [b for b, g in zip(bands, data.coast_geoms(bands)) if g.covers(point)]
            return sorted(self.index[Atom(Layer.COAST, data.coast_owners[b][0], b)] for b in hits)
        if layer is Layer.BELT:
            if not self.territorial_sea:
                return []
            parts = data.belts_near(lat, lon)
            hits = [p for p, g in zip(parts, data.belt_geoms(parts)) if g.covers(point)]
            owners = data.coast_owners
            return sorted(self.index[Atom(Layer.BELT, owners[data.belt_parts[p][0]][0], p)] for p in hits)
        candidates = data.seas_near(lat, lon) if layer is Layer.SEA else data.gaps_near(lat, lon)
        geoms = data.sea_geoms(candidates) if layer is Layer.SEA else data.gap_geoms(candidates)
        return sorted(self.index[Atom(layer, i)] for i, g in zip(candidates, geoms) if g.covers(point))

    # --------------------------------------------------------------------------------------------- features

    def features_at(
        self, lats: NDArray[np.float64], lons: NDArray[np.float64], atoms: NDArray[np.int32]
    ) -> tuple[NDArray[np.intp], NDArray[np.int32]]:
        """The feature rule for points (and their atoms): the nearest feature within its radius (the first of
        equals) that is at sea (the point in a sea, a gap fill or open water), or on the very land part (in a
        coastal band, the part nearest the point) of the territory that holds it, within FEATURE_SAME_LAND_KM of
        the feature's centre. All (point, feature) pairs at once; returns (the points taken, their features)."""
        flat, flon, radius = self.feature_xyr.T
        # Pairs: each point with the features whose latitude is near enough for their radius to reach it.
        pad = radius / KM_PER_DEGREE_LAT * 1.01 + 1e-4
        by_lat = np.argsort(flat, kind="stable")
        low = np.searchsorted(flat[by_lat], lats - pad.max(), side="left")
        high = np.searchsorted(flat[by_lat], lats + pad.max(), side="right")
        point = np.repeat(np.arange(len(lats)), high - low)
        f = by_lat[np.arange(point.size) - np.repeat(np.cumsum(high - low) - (high - low), high - low) + low[point]]
        p1, p2 = np.radians(flat[f]), np.radians(lats[point])
        a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lons[point] - flon[f]) / 2) ** 2
        km = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
        keep = km <= radius[f]
        point, f, km = point[keep], f[keep], km[keep]
        layers = self.layer[atoms[point]]  # -1 (open water) indexes the trailing entry
        within = self._within[f]
        # A feature at sea is taken in a territorial sea too (it is more specific than the belt around it).
        held = (self.territory[atoms[point]] == within) & (layers <= Layer.COAST)
        ok = np.where(within < 0, layers >= Layer.BELT, held)
        land = np.flatnonzero(ok & (within >= 0) & (layers == Layer.LAND))
        for g in np.unique(f[land]).tolist():
            mine = land[f[land] == g]
            ok[mine] = np.isin(atoms[point[mine]], self.same_land(g))
        band = np.flatnonzero(ok & (within >= 0) & (layers == Layer.COAST))
        for g in np.unique(f[band]).tolist():
            mine = band[f[band] == g]
            ok[mine] = self._band_takes(g, self.piece[atoms[point[mine]]], lats[point[mine]], lons[point[mine]])
        point, f, km = point[ok], f[ok], km[ok]
        order = np.lexsort((f, km, point))  # per point, the nearest, then the first feature
        point, f = point[order], f[order]
        first = np.ones(point.size, dtype=bool)
        first[1:] = point[1:] != point[:-1]
        return point[first], f[first].astype(np.int32)

    def feature_at(self, lat: float, lon: float, atom: int) -> Feature | None:
        if (
            not self._reach_lat[0] <= lat <= self._reach_lat[1]
            or not (np.abs(self.feature_xyr[:, 0] - lat) <= self._pad).any()
        ):
            return None  # no feature's radius reaches this latitude (most points): skip the general rule
        rows, found = self.features_at(np.array([lat]), np.array([lon]), np.array([atom], dtype=np.int32))
        return self.features[int(found[0])] if len(rows) else None

    def same_land(self, f_index: int) -> NDArray[np.int32]:
        """The land-part atoms of the feature's territory within FEATURE_SAME_LAND_KM of its centre."""
        if f_index not in self._same_land:
            f = self.features[f_index]
            near = []
            for n, a in enumerate(self.atoms):
                mine = a.layer is Layer.LAND and self.data.piece_territory[a.index] == f.within
                if mine and distance_km(f.lat, f.lon, self.geometry(n)) <= FEATURE_SAME_LAND_KM:
                    near.append(n)
            self._same_land[f_index] = np.array(near, dtype=np.int32)
        return self._same_land[f_index]

    def _band_takes(
        self, f_index: int, pieces: NDArray[np.int32], la: NDArray[np.float64], lo: NDArray[np.float64]
    ) -> NDArray[np.bool_]:
        """For points in a coastal band of each piece, whether the feature is taken: whether the part of the piece
        nearest the point (in degrees, the first of equals) is within FEATURE_SAME_LAND_KM of its centre."""
        out = np.zeros(len(pieces), dtype=bool)
        for piece in np.unique(pieces).tolist():
            parts, takes = self.band_parts(f_index, piece)
            mine = np.flatnonzero(pieces == piece)
            if takes.all() or not takes.any():
                out[mine] = takes.all()
                continue
            # No part covers a point in a band: every land part is an atom before the bands, its boundary included.
            distance = shapely.distance(parts[None, :], shapely.points(lo[mine], la[mine])[:, None])
            out[mine] = takes[np.argmin(distance, axis=1)]
        return out

    def band_parts(self, f_index: int, piece: int) -> tuple[NDArray[np.object_], NDArray[np.bool_]]:
        """The parts of the piece that can be the nearest to a point of its coastal band within the feature's
        radius, in their order, and whether each is within FEATURE_SAME_LAND_KM of the feature's centre. The band
        is COAST_TOLERANCE_KM wide; a part nearest in degrees can be further in km than the part the band is drawn
        from, by up to the secant of the latitude."""
        key = (f_index, piece)
        if key not in self._band_rules:
            f = self.features[f_index]
            top = min(89.0, abs(f.lat) + f.radius_km / KM_PER_DEGREE_LAT + 1.0)
            reach = f.radius_km + 3 * COAST_TOLERANCE_KM / float(np.cos(np.radians(top)))
            parts = shapely.get_parts(self.data.piece_geoms([piece])[0])
            km = np.array([distance_km(f.lat, f.lon, part) for part in parts])
            near = km <= reach
            self._band_rules[key] = (parts[near], km[near] <= FEATURE_SAME_LAND_KM)
        return self._band_rules[key]


_WORLDS = cache.memo()


def world(data: GeoData | None = None, territorial_sea: bool = True) -> World:
    data = data or geodata()
    found: World = _WORLDS.remember((str(data.root), territorial_sea), lambda: World(data, territorial_sea))
    return found


def feature_disc(f: Feature, vertices: int = 720) -> Any:
    """The points within the feature's radius, as a polygon: its vertices lie on the circle of that great-circle
    radius (its chords a few parts in a million of the radius inside it)."""
    lat1, lon1 = math.radians(f.lat), math.radians(f.lon)
    d = f.radius_km / EARTH_RADIUS_KM
    bearings = np.linspace(0, 2 * math.pi, vertices, endpoint=False)
    lat2 = np.arcsin(math.sin(lat1) * math.cos(d) + math.cos(lat1) * math.sin(d) * np.cos(bearings))
    dlon = np.arctan2(np.sin(bearings) * math.sin(d) * math.cos(lat1), math.cos(d) - math.sin(lat1) * np.sin(lat2))
    return shapely.Polygon(np.column_stack([np.degrees(lon1 + dlon), np.degrees(lat2)]))

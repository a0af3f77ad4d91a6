"""Point -> the facts a treaty rule asks about: territory, continent, island, sea, curated feature, status.

Boundary semantics: a point on the boundary of a land piece or a sea polygon is *in* it (shapely `covers`, not
`contains`). A point on a border shared by two territories is resolved to the first in id order, and the other is
named in `Location.border_with`.

Coasts, resolved deterministically in this order:
1. On land: a land piece covers the point.
2. Near the coast: no piece covers it, but it lies in a piece's coastal band, the sea within COAST_TOLERANCE_KM
   (2 km) of that piece and nearer to it than to any other. Natural Earth 1:10m land, simplified to about 1 km,
   puts many coastal city centres just offshore, so such a point is treated as on land and `coast_km` records how
   far it was moved. The bands are polygons derived once by tools/build_coast.py (geodata/coast.geom), so this
   rule and the batch engine use the same geometry. Against exact distances a band is right to within about 50 m,
   and where two coasts are both within 2 km the split between them is placed to within about 100 m.
3. At sea: the named marine polygon that covers it, or failing that the gap fill (geodata/gaps.geom) that covers
   it: the gaps between Natural Earth's marine polygons and its land are shared out to the nearest named sea
   within SEA_GAP_KM (60 km), split to within about 1 km. With `territorial_sea=True`, a point at sea within
   12 nautical miles (22.224 km) of a territory's simplified coast is also in that territory's territorial sea;
   where two coasts are within range, the nearer one wins (an equidistance line). The legal baselines are not
   modelled, so allow about 2 km of uncertainty near the limit.
A curated small feature (geodata/curated/features.yaml) applies when the point is within its radius and either
the point is at sea or the land under it belongs to the territory that holds the feature (`Feature.within`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from treatyscope.errors import UsageError
from treatyscope.place.data import Feature, GeoData, Sea, Status, Territory, geodata
from treatyscope.place.sphere import KM_PER_DEGREE_LAT, NAUTICAL_MILE_KM, distance_km, haversine_km, normalize_lon

COAST_TOLERANCE_KM = 2.0
TERRITORIAL_SEA_KM = 12 * NAUTICAL_MILE_KM
SEA_GAP_KM = 60.0
FEATURE_SAME_LAND_KM = 3.0
ISLAND_KINDS = frozenset({"island", "islet", "rock", "atoll", "island-group"})


@dataclass(frozen=True, eq=False, repr=False)
class Location:
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


def check_coordinates(lat: float, lon: float) -> tuple[float, float]:
    """Valid coordinates as Python floats (numpy scalars compare to numpy booleans, which the rule engine's
    three-valued logic, testing `is True`, would not recognise)."""
    lat, lon = float(lat), float(lon)
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise UsageError(f"Coordinates must be finite numbers, got {lat}, {lon}.")
    if not -90.0 <= lat <= 90.0:
        hint = (
            ' It looks like latitude and longitude are swapped: give latitude first ("LAT,LON").'
            if -90.0 <= lon <= 90.0 and -180.0 <= lat <= 180.0
            else ""
        )
        raise UsageError(f"Latitude {lat} is out of range: it must be between -90 and 90.{hint}")
    if not -180.0 <= lon <= 180.0:
        raise UsageError(
            f"Longitude {lon} is out of range: it must be between -180 and 180 (or use 0-360 east as e.g. '190E')."
        )
    return lat, normalize_lon(lon)


def lookup_lon(lon: float) -> float:
    """The longitude geometry is looked up at: 180 and -180 are one meridian, and the data's polygons that end at
    it are complete on the -180 side (a point exactly on 180 would otherwise fall between the seas)."""
    return -180.0 if lon == 180.0 else lon


def locate(
    lat: float, lon: float, *, territorial_sea: bool = False, data: GeoData | None = None, distances: bool = True
) -> Location:
    """Where a point is. See the module docstring for the rules at coasts and borders. With `distances=False`,
    how far a point was moved onto a coast or into a sea is not measured (`coast_km`, `sea_km` are 0): the facts
    are the same, and measuring is most of the cost near coasts."""
    lat, lon = check_coordinates(lat, lon)
    data = data or geodata()
    lon_at = lookup_lon(lon)
    point = shapely.Point(lon_at, lat)
    candidates = data.pieces_near(lat, lon_at)
    covering = [i for i, g in zip(candidates, data.piece_geoms(candidates)) if g.covers(point)]
    setting, coast_km = "land", 0.0
    band = None
    if not covering:
        band = coast_at(data, lat, lon_at)
        near = None if band is not None or not territorial_sea else _nearest_piece(data, lat, lon, TERRITORIAL_SEA_KM)
        if band is not None:
            piece = data.coast_owners[band][0]
            covering, setting = [piece], "coast"
            coast_km = distance_km(lat, lon, data.piece_geoms([piece])[0]) if distances else 0.0
        elif near:
            covering, setting, coast_km = [near[0]], "territorial-sea", near[1]
        else:
            setting, coast_km = "sea", math.inf
    sea, sea_km = (None, 0.0)
    if setting in ("sea", "territorial-sea"):
        sea, sea_km = _sea_at(data, lat, lon_at, distances)
    feature = _feature_at(data, lat, lon_at, covering, setting)
    if not covering:
        return at_sea(lat, lon, sea, sea_km, feature, setting, coast_km)
    covering.sort(key=lambda i: (data.piece_territory[i], i))
    piece = covering[0]
    others = tuple(sorted({data.piece_territory[i] for i in covering[1:]} - {data.piece_territory[piece]}))
    if band is not None:
        _, island, seas_t = data.coast_owners[band]
        seas = list(seas_t)  # the facts of the parts whose band it is
    else:
        island, seas = _component_facts(data, piece, data.piece_detail(piece), point)
    return on_land(data, lat, lon, piece, island, seas, setting, feature, coast_km, others, sea, sea_km)


def at_sea(
    lat: float,
    lon: float,
    sea: Sea | None,
    sea_km: float = 0.0,
    feature: Feature | None = None,
    setting: str = "sea",
    coast_km: float = math.inf,
) -> Location:
    """A point off the land, as `locate` reports it (also how the batch engine reads a sea or gap fill)."""
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
    """A point on a land piece (or its coastal band), with the island flag and adjoining seas of its part, as
    `locate` reports it (also how the batch engine reads a land part or band)."""
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


def _component_facts(
    data: GeoData, piece: int, detail: dict[str, object], point: shapely.Point
) -> tuple[bool, list[str]]:
    """Island flag and adjoining seas of the polygon of `piece` that holds (or is nearest to) the point."""
    best = _part_at(data.piece_geoms([piece])[0], point)
    islands = detail["islands"]
    seas = detail["island_seas"]
    assert isinstance(islands, list) and isinstance(seas, list)
    return bool(islands[best]), list(seas[best])


def _part_at(geom: BaseGeometry, point: shapely.Point) -> int:
    """The first polygon of a multipolygon that covers the point, or else the nearest (the first of equals)."""
    parts = shapely.get_parts(geom)
    covering = np.flatnonzero(shapely.covers(parts, point))
    if len(covering):
        return int(covering[0])
    return int(np.argmin(shapely.distance(parts, point)))


def _nearest_piece(data: GeoData, lat: float, lon: float, within_km: float) -> tuple[int, float] | None:
    pad = within_km / KM_PER_DEGREE_LAT
    pad_lon = pad / max(0.02, math.cos(math.radians(min(89.0, abs(lat)))))
    candidates = data.pieces_near(lat, lon, max(pad, pad_lon))
    best: tuple[int, float] | None = None
    for i, g in zip(candidates, data.piece_geoms(candidates)):
        d = distance_km(lat, lon, g)
        if d <= within_km and (best is None or (d, data.piece_territory[i]) < (best[1], data.piece_territory[best[0]])):
            best = (i, d)
    return best


def coast_at(data: GeoData, lat: float, lon: float) -> int | None:
    """The coastal band (an index into `coast_owners`) that holds a point off the land, if any. Bands meet but do
    not overlap; on a seam the first in (territory, piece, band) order is taken."""
    point = shapely.Point(lon, lat)
    candidates = data.coasts_near(lat, lon)
    hits = [i for i, g in zip(candidates, data.coast_geoms(candidates)) if g.covers(point)]
    if not hits:
        return None
    return min(hits, key=lambda i: (data.piece_territory[data.coast_owners[i][0]], data.coast_owners[i][0], i))


def _sea_at(data: GeoData, lat: float, lon: float, distances: bool = True) -> tuple[Sea | None, float]:
    point = shapely.Point(lon, lat)
    candidates = data.seas_near(lat, lon)
    for i, g in zip(candidates, data.sea_geoms(candidates)):
        if g.covers(point):
            return data.sea_list[i], 0.0
    candidates = data.gaps_near(lat, lon)
    for i, g in zip(candidates, data.gap_geoms(candidates)):
        if g.covers(point):
            sea = data.sea_list[i]
            return sea, round(distance_km(lat, lon, data.sea_geoms([i])[0]), 3) if distances else 0.0
    return None, 0.0


def _feature_at(data: GeoData, lat: float, lon: float, covering: list[int], setting: str) -> Feature | None:
    on_land = setting in ("land", "coast") and bool(covering)
    component = None
    land_territories = {data.piece_territory[i] for i in covering} if on_land else set()
    best: tuple[float, Feature] | None = None
    for f in data.features.values():
        if f.is_group and data.group_members(f.id):
            continue  # a group with listed members is found through them
        if abs(f.lat - lat) > f.radius_km / KM_PER_DEGREE_LAT * 1.01 + 1e-4:
            continue  # too far north or south for the radius to reach (as the batch engine pairs them)
        d = haversine_km(lat, lon, f.lat, f.lon)
        if d > f.radius_km:
            continue
        if on_land and component is None:
            geom = data.piece_geoms([covering[0]])[0]
            component = shapely.get_parts(geom)[_part_at(geom, shapely.Point(lon, lat))]
        if on_land:
            # Only the feature whose centre is on this very island or coast, of the territory that holds it.
            if (
                f.within not in land_territories
                or component is None
                or distance_km(f.lat, f.lon, component) > FEATURE_SAME_LAND_KM
            ):
                continue
        elif f.within is not None:
            continue  # the land data has this feature; at sea off it, the point is simply at sea
        if best is None or d < best[0]:
            best = (d, f)
    return best[1] if best else None


# ----------------------------------------------------------------------------------------------------- status


def status_at(location: Location, on: dt.date, data: GeoData | None = None) -> tuple[Status, str]:
    """The status that governs a located point on a date, and what it is recorded for (e.g. 'feature:matsu')."""
    data = data or geodata()
    keys = []
    if location.feature:
        keys.append(f"feature:{location.feature.id}")
        if location.feature.group:
            keys.append(f"feature:{location.feature.group}")
    feature_keys = len(keys)
    if location.subdivision and location.subdivision.get("iso_3166_2"):
        keys.append(f"subdivision:{location.subdivision['iso_3166_2']}")
    if location.territory:
        keys.append(f"territory:{location.territory.id}")
        if location.territory.composite:
            keys.append(f"territory:{location.territory.composite}")
    for n, key in enumerate(keys):
        if n == feature_keys and location.feature:
            # No dated history for the feature itself. Its curated status today governs over the land it sits on,
            # unless the land's own dated record says the same today (then that record, with its dates, is used).
            land = _land_record(location, data)
            if land is None or not _same_holding(land, location.feature.status):
                return location.feature.status, f"feature:{location.feature.id}"
        found = data.recorded_status(key, on)
        if found is None:
            continue
        if found is False:
            return Status(
                None,
                None,
                (),
                note=f"No status is recorded for {on.isoformat()}; the records for {key.split(':', 1)[1]} begin later.",
                recorded=False,
            ), key
        assert isinstance(found, Status)
        return found, key
    if location.feature:
        return location.feature.status, f"feature:{location.feature.id}"
    if location.territory:
        sov = location.territory.ne_sovereign
        return Status(
            sov, sov, (), note="No dated record; Natural Earth's sovereign is assumed for all dates.", recorded=False
        ), f"territory:{location.territory.id}"
    return Status(None, None, (), note="At sea, outside any territory.", recorded=False), ""


def _land_record(location: Location, data: GeoData) -> Status | None:
    today = dt.date.today()
    for key in _land_keys(location):
        found = data.recorded_status(key, today)
        if isinstance(found, Status):
            return found
    return None


def _land_keys(location: Location) -> list[str]:
    keys = []
    if location.subdivision and location.subdivision.get("iso_3166_2"):
        keys.append(f"subdivision:{location.subdivision['iso_3166_2']}")
    if location.territory:
        keys.append(f"territory:{location.territory.id}")
        if location.territory.composite:
            keys.append(f"territory:{location.territory.composite}")
    return keys


def _same_holding(a: Status, b: Status) -> bool:
    return (a.sovereign, a.administered_by, set(a.claimed_by)) == (b.sovereign, b.administered_by, set(b.claimed_by))


def territory_status(tid: str, on: dt.date, data: GeoData | None = None) -> Status:
    data = data or geodata()
    t = data.territories[tid]
    for key in (f"territory:{tid}", f"territory:{t.composite}" if t.composite else None):
        if key is None:
            continue
        found = data.recorded_status(key, on)
        if isinstance(found, Status):
            return found
        if found is False:
            return Status(None, None, (), note=f"No status is recorded for {on.isoformat()}.", recorded=False)
    return Status(
        t.ne_sovereign,
        t.ne_sovereign,
        (),
        note="No dated record; Natural Earth's sovereign is assumed for all dates.",
        recorded=False,
    )

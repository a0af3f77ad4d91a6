"""Point -> the facts a treaty rule asks about: territory, continent, island, sea, curated feature, status.

What is at a point is defined once, in place.world (land part, coastal band, territorial sea, named sea, gap fill,
curated feature, in that order of precedence); `locate` looks it up for one point and measures how far the point
was moved onto a coast or into a sea. Boundaries count as inside (shapely `covers`); a point on a border shared by
two territories is resolved to the first in id order, and the other is named in `Location.border_with`.

With `territorial_sea=True`, a point at sea within 12 nautical miles (22.224 km) of a territory's simplified coast
is in that territory's territorial sea; where two coasts are within range, the nearer one wins (an equidistance
line). The legal baselines are not modelled, so allow about 2 km of uncertainty near the limit.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from treatyscope.errors import UsageError
from treatyscope.place.data import GeoData, Sea, Status, geodata
from treatyscope.place.sphere import KM_PER_DEGREE_LAT, distance_km, normalize_lon
from treatyscope.place.world import (
    OPEN_WATER,
    TERRITORIAL_SEA_KM,
    Layer,
    Location,
    at_sea,
    on_land,
    world,
)


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
    """Where a point is (see place.world for the order of precedence). With `distances=False`, how far a point was
    moved onto a coast or into a sea is not measured (`coast_km`, `sea_km` are 0): the facts are the same, and
    measuring is most of the cost near coasts."""
    lat, lon = check_coordinates(lat, lon)
    data = data or geodata()
    w = world(data)
    lon_at = lookup_lon(lon)
    land = w.covering(lat, lon_at, Layer.LAND)
    if land:
        atom = land[0]
        territories = {data.piece_territory[w.atoms[a].index] for a in land[1:]}
        others = tuple(sorted(territories - {data.piece_territory[w.atoms[atom].index]}))
        loc = w.location(atom, lat, lon, w.feature_at(lat, lon_at, atom))
        return _with(loc, border_with=others)
    bands = w.covering(lat, lon_at, Layer.COAST)
    if bands:
        atom = bands[0]
        piece = w.atoms[atom].index
        coast_km = distance_km(lat, lon, data.piece_geoms([piece])[0]) if distances else 0.0
        return _with(w.location(atom, lat, lon, w.feature_at(lat, lon_at, atom)), coast_km=round(coast_km, 3))
    sea_atom, sea, sea_km = _sea_at(data, lat, lon_at, distances)
    feature = w.feature_at(lat, lon_at, sea_atom)
    near = _nearest_piece(data, lat, lon, TERRITORIAL_SEA_KM) if territorial_sea else None
    if near is None:
        return at_sea(lat, lon, sea, sea_km, feature)
    piece, km = near
    island, seas = _part_facts(data, piece, shapely.Point(lon_at, lat))
    return on_land(data, lat, lon, piece, island, seas, "territorial-sea", feature, km, (), sea, sea_km)


def _with(loc: Location, **changes: object) -> Location:
    from dataclasses import replace

    return replace(loc, **changes)  # type: ignore[arg-type]


def _part_facts(data: GeoData, piece: int, point: shapely.Point) -> tuple[bool, list[str]]:
    """Island flag and adjoining seas of the polygon of `piece` that holds (or is nearest to) the point."""
    detail = data.piece_detail(piece)
    best = _part_at(data.piece_geoms([piece])[0], point)
    return bool(detail["islands"][best]), list(detail["island_seas"][best])


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


def _sea_at(data: GeoData, lat: float, lon: float, distances: bool) -> tuple[int, Sea | None, float]:
    """The named sea a point off the land is in (its atom, the sea, and how far from the sea's own polygon)."""
    w = world(data)
    for layer in (Layer.SEA, Layer.GAP):
        found = w.covering(lat, lon, layer)
        if found:
            sea = data.sea_list[w.atoms[found[0]].index]
            gap = layer is Layer.GAP and distances
            return found[0], sea, round(distance_km(lat, lon, data.sea_geoms([sea.index])[0]), 3) if gap else 0.0
    return OPEN_WATER, None, 0.0


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
    """The same holders and the same dispute. A sovereign listed among the claimants adds no dispute: the land
    records list it (Okinawa: claimed by Japan), the features leave it out (Yonaguni: no claimants)."""
    return (a.sovereign, a.administered_by, _rivals(a)) == (b.sovereign, b.administered_by, _rivals(b))


def _rivals(s: Status) -> set[str]:
    return set(s.claimed_by) - {s.sovereign}


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

"""Point -> the facts a treaty rule asks about: territory, continent, island, sea, curated feature, status.

What is at a point is defined once, in place.world (land part, coastal band, territorial sea, named sea, gap fill,
curated feature, in that order of precedence); `locate` looks it up for one point and measures how far the point
was moved onto a coast or into a sea. Boundaries count as inside (shapely `covers`); a point on a border shared by
two territories is resolved to the first in id order, and the other is named in `Location.border_with`.

A point at sea within 12 nautical miles (22.224 km) of a territory's simplified coast is in that territory's
territorial sea (by default; `territorial_sea=False` leaves the belts out); where two coasts are within range, the
nearer one wins (an equidistance line). The legal baselines are not modelled, so allow a few kilometres of
uncertainty near the limit (more where a state draws straight baselines across bays and fringing islands).
"""

from __future__ import annotations

import datetime as dt
import math

from treatyscope.errors import UsageError
from treatyscope.place.data import GeoData, Sea, Status, geodata
from treatyscope.place.sphere import distance_km, normalize_lon
from treatyscope.place.world import (
    OPEN_WATER,
    Layer,
    Location,
    World,
    at_sea,
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
    lat: float, lon: float, *, territorial_sea: bool = True, data: GeoData | None = None, distances: bool = True
) -> Location:
    """Where a point is (see place.world for the order of precedence). With `territorial_sea=False` the belts are
    left out: a point in one is at sea. With `distances=False`, how far a point was moved onto a coast or into a
    sea is not measured (`coast_km`, `sea_km` are 0): the facts are the same, and measuring is most of the cost near
    coasts."""
    lat, lon = check_coordinates(lat, lon)
    data = data or geodata()
    w = world(data, territorial_sea)
    lon_at = lookup_lon(lon)
    land = w.covering(lat, lon_at, Layer.LAND)
    if land:
        atom = land[0]
        territories = {data.piece_territory[w.atoms[a].index] for a in land[1:]}
        others = tuple(sorted(territories - {data.piece_territory[w.atoms[atom].index]}))
        loc = w.location(atom, lat, lon, w.feature_at(lat, lon_at, atom))
        return _with(loc, border_with=others)
    for layer in (Layer.COAST, Layer.BELT):
        found = w.covering(lat, lon_at, layer)
        if found:
            atom = found[0]
            loc = w.location(atom, lat, lon, w.feature_at(lat, lon_at, atom))
            coast_km = distance_km(lat, lon, data.piece_geoms([w.atoms[atom].index])[0]) if distances else 0.0
            in_gap = layer is Layer.BELT and data.belt_parts[w.atoms[atom].part][1] == "gap"
            sea_km = _gap_km(data, lat, lon_at, loc.sea) if in_gap and distances else 0.0
            return _with(loc, coast_km=round(coast_km, 3), sea_km=sea_km)
    sea_atom, sea, sea_km = _sea_at(w, lat, lon_at, distances)
    return at_sea(lat, lon, sea, sea_km, w.feature_at(lat, lon_at, sea_atom))


def _with(loc: Location, **changes: object) -> Location:
    from dataclasses import replace

    return replace(loc, **changes)  # type: ignore[arg-type]


def _sea_at(w: World, lat: float, lon: float, distances: bool) -> tuple[int, Sea | None, float]:
    """The named sea a point off the land is in (its atom, the sea, and how far from the sea's own polygon)."""
    data = w.data
    for layer in (Layer.SEA, Layer.GAP):
        found = w.covering(lat, lon, layer)
        if found:
            sea = data.sea_list[w.atoms[found[0]].index]
            return found[0], sea, _gap_km(data, lat, lon, sea) if layer is Layer.GAP and distances else 0.0
    return OPEN_WATER, None, 0.0


def _gap_km(data: GeoData, lat: float, lon: float, sea: Sea | None) -> float:
    """How far a point in a gap fill is from its named sea's own polygon."""
    return round(distance_km(lat, lon, data.sea_geoms([sea.index])[0]), 3) if sea is not None else 0.0


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

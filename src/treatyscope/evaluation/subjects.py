"""The subjects a scenario is evaluated on: one point, or an area cut into atoms that are uniform for every fact a
condition asks about (territory, subdivision, continent, island, adjoining seas, and — once cut along the rule's
lines — the side of every parallel and inline polygon)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

import shapely

from treatyscope import cache
from treatyscope.input.scenario import Scenario
from treatyscope.place.data import GeoData, Status
from treatyscope.place.locate import locate, status_at
from treatyscope.place.sphere import area_km2, haversine_km
from treatyscope.place.subject import Subject
from treatyscope.place.world import Location

_STATUS = cache.memo()
_SUBJECTS = cache.memo(limit=2_000)  # a batch visits many places: bounded


def point_subject(loc: Location, on: dt.date, label: str, data: GeoData) -> Subject:
    """A located point as a subject. In a territorial sea (with --territorial-sea) the point takes the facts of the
    coast it belongs to (territory, continent, island), and keeps its sea."""
    held = loc.territory is not None or loc.feature is not None
    status = status_at(loc, on, data)[0] if held else None
    sub = loc.subdivision.get("iso_3166_2") if loc.subdivision else None
    return Subject(
        label=label,
        lat=loc.lat,
        lon=loc.lon,
        territory=loc.territory.id if loc.territory else None,
        subdivisions=frozenset({sub if isinstance(sub, str) else None}),
        continents=frozenset({loc.continent if held else None}),
        islands=frozenset({loc.island if held else None}),
        island_seas=frozenset(loc.island_seas),
        sea=loc.sea.id if loc.sea else None,
        feature=loc.feature.id if loc.feature else None,
        feature_group=loc.feature.group if loc.feature else None,
        status=status,
        setting=loc.setting,
    )


def piece_status(data: GeoData, piece: int, on: dt.date) -> Status:
    """Who holds a land piece on a date (its subdivision's record if it has one, else its territory's)."""
    territory = data.piece_territory[piece]
    iso = data.piece_detail(piece)["iso_3166_2"]
    if iso and data.recorded_status(f"subdivision:{iso}", on) is None:
        iso = None  # nothing recorded for the subdivision itself: its territory's status applies

    def find() -> Status:
        sub = {"id": "", "name": "", "type": "", "iso_3166_2": iso}
        return status_at(Location(0.0, 0.0, territory=data.territories[territory], subdivision=sub), on, data)[0]

    found: Status = _STATUS.remember((territory, iso, on), find)
    return found


def measure(g: Any) -> float:
    """Area in km² of a polygonal geometry; length in km of a line (a track is shared out by length)."""
    kind = g.geom_type
    if kind in ("Polygon", "MultiPolygon"):
        return area_km2(g)
    if kind in ("LineString", "MultiLineString", "LinearRing"):
        total = 0.0
        for line in shapely.get_parts(g):
            c = shapely.get_coordinates(shapely.segmentize(line, 0.25))
            total += sum(haversine_km(c[i, 1], c[i, 0], c[i + 1, 1], c[i + 1, 0]) for i in range(len(c) - 1))
        return total
    if kind == "GeometryCollection":
        return sum(measure(p) for p in shapely.get_parts(g))
    return 0.0


def _nonempty(g: Any) -> bool:
    return not g.is_empty and measure(g) > 0


def area_atoms(pieces: Iterable[int], on: dt.date, data: GeoData, clip: Any = None) -> list[Subject]:
    """Land pieces cut into atoms uniform in island flag and adjoining seas (optionally within `clip`)."""
    atoms = []
    for i in pieces:
        geom = data.piece_geoms([i])[0]
        detail = data.piece_detail(i)
        territory = data.piece_territory[i]
        status = piece_status(data, i, on)
        groups: dict[tuple[bool, tuple[str, ...]], list[Any]] = {}
        for poly, island, seas in zip(shapely.get_parts(geom), detail["islands"], detail["island_seas"]):
            groups.setdefault((bool(island), tuple(seas)), []).append(poly)
        name = data.territories[territory].name
        for (island, seas), polys in groups.items():
            g = shapely.union_all(polys) if len(polys) > 1 else polys[0]
            if clip is not None:
                g = shapely.intersection(g, clip)
                if not _nonempty(g):
                    continue
            rp = g.representative_point()
            atoms.append(
                Subject(
                    label=name,
                    lat=rp.y,
                    lon=rp.x,
                    point_like=False,
                    geom=g,
                    area_km2=measure(g),
                    territory=territory,
                    subdivisions=frozenset({detail["iso_3166_2"]}),
                    continents=frozenset({data.piece_continent[i]}),
                    islands=frozenset({island}),
                    island_seas=frozenset(seas),
                    status=status,
                    setting="land",
                )
            )
    return atoms


def sea_atoms(geometry: Any, data: GeoData) -> list[Subject]:
    minx, miny, maxx, maxy = geometry.bounds
    out = []
    for sea in data.sea_list:
        b = sea.bbox
        if b[2] < minx or b[0] > maxx or b[3] < miny or b[1] > maxy:
            continue
        g = shapely.intersection(data.sea_geoms([sea.index])[0], geometry)
        if not _nonempty(g):
            continue
        rp = g.representative_point()
        out.append(
            Subject(label=sea.name, lat=rp.y, lon=rp.x, point_like=False, geom=g, area_km2=measure(g), sea=sea.id)
        )
    return out


def cut(atoms: list[Subject], lats: Sequence[float], polys: Sequence[Any]) -> list[Subject]:
    """Cut atoms along the parallels and polygons a rule tests, so each atom is on one side of each; the parts are
    then answered as points (at a point inside each)."""
    out = atoms
    for lat in lats:
        nxt = []
        for a in out:
            _, south, _, north = a.geom.bounds
            if south < lat < north:
                for box in (shapely.box(-180, -90, 180, lat), shapely.box(-180, lat, 180, 90)):
                    part = shapely.intersection(a.geom, box)
                    if _nonempty(part):
                        nxt.append(_with_geom(a, part))
            else:
                nxt.append(a)
        out = nxt
    for poly in polys:
        nxt = []
        for a in out:
            if poly.covers(a.geom) or not poly.intersects(a.geom):
                nxt.append(a)
                continue
            for part in (shapely.intersection(a.geom, poly), shapely.difference(a.geom, poly)):
                if _nonempty(part):
                    nxt.append(_with_geom(a, part))
        out = nxt
    final = []
    for a in out:
        rp = a.geom.representative_point()
        final.append(replace(a, lat=rp.y, lon=rp.x, point_like=True))
    return final


def _with_geom(a: Subject, g: Any) -> Subject:
    rp = g.representative_point()
    return replace(a, geom=g, area_km2=measure(g), lat=rp.y, lon=rp.x)


def where_key(scenario: Scenario) -> tuple[Any, ...]:
    """What a scenario's subjects depend on: the place and the date (the scenarios of one place and date share
    them, and so do the answers about them)."""
    return (
        scenario.place.ref if scenario.place else None,
        scenario.point,
        None if scenario.geometry is None else shapely.to_wkb(scenario.geometry),
        scenario.date,
        scenario.territorial_sea,
    )


def subjects(scenario: Scenario, data: GeoData) -> tuple[list[Subject], bool]:
    """The subjects of a scenario, and whether it is an area."""
    found: tuple[list[Subject], bool] = _SUBJECTS.remember(where_key(scenario), lambda: _make(scenario, data))
    return found


def _located(lat: float, lon: float, scenario: Scenario, label: str, data: GeoData, area: float = 0.0) -> Subject:
    loc = locate(lat, lon, territorial_sea=scenario.territorial_sea)
    return replace(point_subject(loc, scenario.date, label, data), area_km2=area)


def _make(scenario: Scenario, data: GeoData) -> tuple[list[Subject], bool]:
    place = scenario.place
    if scenario.geometry is not None:
        return _geometry_subjects(scenario, data)
    if place is not None and place.is_area:
        if place.kind == "territory":
            pieces = [i for leaf in data.leaves(place.id) for i in leaf.pieces]
            return area_atoms(pieces, scenario.date, data), True
        if place.kind == "subdivision":
            return area_atoms([data.piece_index[place.id]], scenario.date, data), True
        if place.kind == "sea":
            s = data.seas[place.id]
            g = data.sea_geoms([s.index])[0]
            whole = Subject(s.name, place.lat, place.lon, point_like=False, geom=g, area_km2=s.area_km2, sea=s.id)
            return [whole], True
        if place.kind == "feature":
            members = data.group_members(place.id) or [data.features[place.id]]  # a group without members: its centre
            return [_located(f.lat, f.lon, scenario, f.name, data, 1.0) for f in members], True
    assert scenario.point is not None
    lat, lon = scenario.point
    return [_located(lat, lon, scenario, scenario.label, data)], False


def _geometry_subjects(scenario: Scenario, data: GeoData) -> tuple[list[Subject], bool]:
    geom = scenario.geometry
    if geom.geom_type == "Point":
        return [_located(geom.y, geom.x, scenario, scenario.label, data)], False
    if geom.geom_type == "MultiPoint":  # several points: each counts once in the shares
        subs = []
        for pt in shapely.get_parts(geom):
            loc = locate(pt.y, pt.x, territorial_sea=scenario.territorial_sea)
            label = loc.territory.name if loc.territory else (loc.sea.name if loc.sea else f"{pt.y:.3f}, {pt.x:.3f}")
            subs.append(replace(point_subject(loc, scenario.date, label, data), area_km2=1.0))
        return subs, True
    minx, miny, maxx, maxy = geom.bounds
    b = data.piece_bbox
    candidates = [
        i
        for i in range(len(data.piece_ids))
        if not (b[i][2] < minx or b[i][0] > maxx or b[i][3] < miny or b[i][1] > maxy)
    ]
    land = area_atoms(candidates, scenario.date, data, clip=geom)
    land_union = shapely.union_all([a.geom for a in land]) if land else shapely.Polygon()
    return land + sea_atoms(shapely.difference(geom, land_union), data), True


def holding_split(subjects: Iterable[Subject]) -> bool:
    """Whether some of the land is held by one state and controlled by another (Crimea, Okinawa before 1972)."""
    return any(
        a.status is not None and a.status.sovereign and a.status.administered_by not in (None, a.status.sovereign)
        for a in subjects
    )


def default_party(s: Subject, holder: str = "sovereign") -> str | None:
    """Whose territory an attack on the subject strikes when no party is named: the sovereign's (or, failing one,
    the administrator's), or the controller's."""
    if s.status is None:
        return None
    if holder == "controller":
        return s.status.administered_by or s.status.sovereign
    return s.status.sovereign or s.status.administered_by


def attacked_party(s: Subject, scenario: Scenario, party: str | None) -> str | None:
    """Whose an attack on this part of an area is: the party named, else (for territory) the state holding it."""
    if scenario.target != "territory":
        return party
    return party or default_party(s, scenario.holder)

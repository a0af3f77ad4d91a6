"""The subjects a scenario is evaluated on: one point, or an area cut into atoms that are uniform for every fact a
condition asks about (territory, subdivision, continent, island, adjoining seas, and — once cut along the rule's
lines — the side of every parallel and inline polygon)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

import numpy as np
import shapely

from treatyscope import cache
from treatyscope.english import territorial_sea_of
from treatyscope.input.scenario import Scenario
from treatyscope.place.data import GeoData, Status, boxes_meeting
from treatyscope.place.locate import locate, status_at
from treatyscope.place.sphere import area_km2, length_km
from treatyscope.place.subject import Subject
from treatyscope.place.world import Location, World, world

T = TypeVar("T")
_STATUS = cache.memo()
_GROUPS = cache.memo(limit=20_000)  # a land piece's polygons by island flag and seas
_CUTS = cache.memo(limit=5_000)  # the atoms of an area cut along a rule's lines, as geometries
_SHAPE_MEMOS = cache.memo(limit=50_000)  # what regions answer of a part of an area, by its shape
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
        return length_km(g)
    if kind == "GeometryCollection":
        return sum(measure(p) for p in shapely.get_parts(g))
    return 0.0


def _nonempty(g: Any) -> bool:
    return not g.is_empty and measure(g) > 0


def area_atoms(pieces: Iterable[int], on: dt.date, data: GeoData, clip: Any = None) -> list[Subject]:
    """Land pieces cut into atoms uniform in island flag and adjoining seas (optionally within `clip`)."""
    atoms = []
    for i in pieces:
        for island, seas, g, measured in _piece_groups(data, i):
            if clip is not None:
                g = _within(g, clip)
                if not _nonempty(g):
                    continue
                measured = None
            atoms.append(land_subject(data, i, island, seas, g, on, "land", measured=measured))
    return atoms


Measured = tuple[float, float, float]  # a geometry's area (or length) and a point inside it (lat, lon)
Group = tuple[bool, tuple[str, ...], Any, Measured | None]


def _piece_groups(data: GeoData, piece: int) -> list[Group]:
    """A land piece's polygons grouped by island flag and adjoining seas, each group one geometry with its area
    and a point inside it: the same on every day, so worked out once (a timeline asks many days)."""

    def make() -> list[Group]:
        detail = data.piece_detail(piece)
        groups: dict[tuple[bool, tuple[str, ...]], list[Any]] = {}
        polygons = shapely.get_parts(data.piece_geoms([piece])[0])
        for poly, island, seas in zip(polygons, detail["islands"], detail["island_seas"], strict=False):
            groups.setdefault((bool(island), tuple(seas)), []).append(poly)
        out: list[Group] = []
        for (island, seas), polys in groups.items():
            g = shapely.union_all(polys) if len(polys) > 1 else polys[0]
            out.append((island, seas, g, _measured(g)))
        return out

    found: list[Group] = _GROUPS.remember((str(data.root), piece), make)
    return found


def land_subject(
    data: GeoData,
    piece: int,
    island: bool | None,
    seas: Iterable[str],
    geom: Any,
    on: dt.date,
    setting: str,
    sea: str | None = None,
    measured: Measured | None = None,
) -> Subject:
    """A part of a land piece (or of its coastal band or territorial sea, which take the facts of their coast; a
    territorial sea keeps the named sea it lies in) as a subject (`measured`: its size and inner point, if known)."""
    detail = data.piece_detail(piece)
    territory = data.piece_territory[piece]
    size, lat, lon = measured or _measured(geom)
    return Subject(
        label=data.territories[territory].name,
        lat=lat,
        lon=lon,
        point_like=False,
        geom=geom,
        area_km2=size,
        territory=territory,
        subdivisions=frozenset({detail["iso_3166_2"]}),
        continents=frozenset({data.piece_continent[piece]}),
        islands=frozenset({island}),
        island_seas=frozenset(seas),
        status=piece_status(data, piece, on),
        sea=sea,
        setting=setting,
    )


def coast_atoms(pieces: Iterable[int], on: dt.date, data: GeoData, clip: Any) -> list[Subject]:
    """The parts of `clip` in the pieces' 2 km coastal bands, with the facts of their coast (as `locate` takes a
    point there: on the coast)."""
    w = world(data)
    atoms = []
    for i in pieces:
        for (island, seas), band in coast_bands(w, i).items():
            g = _within(band, clip)
            if _nonempty(g):
                atoms.append(land_subject(data, i, island, seas, g, on, "coast"))
    return atoms


def belt_atoms(bounds: Sequence[float], on: dt.date, data: GeoData, clip: Any) -> list[Subject]:
    """The parts of `clip` in the territorial seas whose boxes meet `bounds` (as `locate` takes a point there)."""
    out = []
    for p in data.belts_meeting(bounds):
        g = _within(data.belt_geoms([p])[0], clip)
        if _nonempty(g):
            out.append(belt_subject(data, p, g, on))
    return out


def belt_subjects(w: World, piece: int, on: dt.date) -> list[Subject]:
    """A land piece's territorial seas (none in a world without them)."""
    return [belt_subject(w.data, p, w.data.belt_geoms([p])[0], on) for p in w.belts_of(piece)]


def belt_subject(data: GeoData, part: int, geom: Any, on: dt.date) -> Subject:
    """(Some of) a part of a territorial sea, with the facts of its coast and the named sea it lies in."""
    owner, layer, sea = data.belt_parts[part]
    piece, island, seas = data.coast_owners[owner]
    sea_id = data.sea_list[sea].id if layer != "open" else None
    found = land_subject(data, piece, island, seas, geom, on, "territorial-sea", sea_id)
    return replace(found, label=territorial_sea_of(found.label))


def sea_atoms(geometry: Any, data: GeoData, gaps: bool = False) -> list[Subject]:
    """The parts of the geometry in each named sea (or, with `gaps`, in the gap fills that belong to each)."""
    if geometry.is_empty:
        return []
    minx, miny, maxx, maxy = geometry.bounds
    out = []
    for sea in data.sea_list:
        b = sea.bbox
        if not gaps and (b[2] < minx or b[0] > maxx or b[3] < miny or b[1] > maxy):
            continue
        water = (data.gap_geoms if gaps else data.sea_geoms)([sea.index])[0]
        if water.is_empty or not shapely.intersects(shapely.box(*water.bounds), shapely.box(minx, miny, maxx, maxy)):
            continue
        g = _within(water, geometry)
        if not _nonempty(g):
            continue
        rp = g.representative_point()
        out.append(
            Subject(
                label=sea.name,
                lat=rp.y,
                lon=rp.x,
                point_like=False,
                geom=g,
                area_km2=measure(g),
                sea=sea.id,
                setting="gap" if gaps else "sea",
            )
        )
    return out


def _within(g: Any, clip: Any) -> Any:
    """The part of `g` in `clip`, of the clip's dimension: where polygons meet along an edge (a sea and the belt
    cut from it) their intersection has lines too, which a line's shares would count as length."""
    region = clip.near(g) if isinstance(clip, Track) else clip
    cut = shapely.intersection(g, region)
    dimension = int(shapely.get_dimensions(region))
    if cut.geom_type != "GeometryCollection":  # one kind of part: the clip's, or lower (then measured as nothing)
        return cut if int(shapely.get_dimensions(cut)) == dimension else shapely.GeometryCollection()
    parts = shapely.get_parts(cut)
    same = shapely.get_dimensions(parts) == dimension
    if same.all():
        return cut
    return shapely.union_all(parts[same]) if same.any() else shapely.GeometryCollection()


# A piece's coastal bands depend on the data only: merged once per process.
_BANDS = cache.memo()


def coast_bands(w: World, piece: int) -> dict[tuple[bool | None, tuple[str, ...]], Any]:
    """A land piece's coastal bands, merged by the facts of their coast (island or not, the seas it adjoins)."""

    def merge() -> dict[tuple[bool | None, tuple[str, ...]], Any]:
        groups: dict[tuple[bool | None, tuple[str, ...]], list[Any]] = {}
        for b in w.bands_of(piece):
            _, island, seas = w.data.coast_owners[b]
            groups.setdefault((island, tuple(seas)), []).append(w.data.coast_geoms([b])[0])
        merged = {key: shapely.union_all(geoms) for key, geoms in groups.items()}
        return {key: g for key, g in merged.items() if not g.is_empty}

    found: dict[tuple[bool | None, tuple[str, ...]], Any] = _BANDS.remember((str(w.data.root), piece), merge)
    return found


def cut(atoms: list[Subject], lats: Sequence[float], polys: Sequence[Any]) -> list[Subject]:
    """Cut atoms along the parallels and polygons a rule tests, so each atom is on one side of each; the parts are
    then answered as points (at a point inside each). The geometry of the cut is kept for the same atoms' shapes
    and lines (a timeline cuts the same place on many days); the parts take the facts of the day's atoms."""
    shapes = tuple(a.geom for a in atoms)
    pieces = _by_identity(_CUTS, (*shapes, *polys), tuple(lats), lambda: _cut_shapes(shapes, lats, polys))
    out = []
    for n, g, (size, lat, lon), memo in pieces:
        a = atoms[n]
        part = replace(a, geom=g, area_km2=a.area_km2 if size is None else size, lat=lat, lon=lon, point_like=True)
        # The regions no reading can change answer alike for the same part on every day (rules.regions.contains).
        part.__dict__["memo"] = memo
        out.append(part)
    return out


def _inner(g: Any) -> tuple[float, float]:
    rp = g.representative_point()
    return rp.y, rp.x


def _measured(g: Any) -> Measured:
    return (measure(g), *_inner(g))


def _by_identity(memo: cache.Memo[Any, Any], objects: tuple[Any, ...], extra: Any, make: Callable[[], T]) -> T:
    """`make()`, kept for these very objects (geometries have no cheap equality): keyed by their ids, the entry
    holds the objects themselves, so that an id cannot be reused by another object while it is kept."""
    key = (tuple(id(o) for o in objects), extra)
    kept = memo.get(key)
    if kept is None or any(a is not b for a, b in zip(kept[0], objects, strict=True)):
        kept = memo[key] = (objects, make())
    found: T = kept[1]
    return found


def _cut_shapes(
    shapes: Sequence[Any], lats: Sequence[float], polys: Sequence[Any]
) -> list[tuple[int, Any, tuple[float | None, float, float], dict[Any, Any]]]:
    """The parts of each shape (by its index) on one side of every parallel and polygon, with their size (None:
    the shape was not cut, and keeps its atom's), a point inside each, and a memo for what regions answer of it."""
    out: list[tuple[int, Any]] = list(enumerate(shapes))
    for lat in lats:
        nxt = []
        for n, g in out:
            _, south, _, north = g.bounds
            if south < lat < north:
                for box in (shapely.box(-180, -90, 180, lat), shapely.box(-180, lat, 180, 90)):
                    part = shapely.intersection(g, box)
                    if _nonempty(part):
                        nxt.append((n, part))
            else:
                nxt.append((n, g))
        out = nxt
    for poly in polys:
        nxt = []
        for n, g in out:
            if poly.covers(g) or not poly.intersects(g):
                nxt.append((n, g))
                continue
            for part in (shapely.intersection(g, poly), shapely.difference(g, poly)):
                if _nonempty(part):
                    nxt.append((n, part))
        out = nxt
    return [(n, g, (None if g is shapes[n] else measure(g), *_inner(g)), _shape_memo(g)) for n, g in out]


def _shape_memo(g: Any) -> dict[Any, Any]:
    """The memo of what regions answer of a part with this shape, shared by every cut that leaves the shape whole."""
    return _by_identity(_SHAPE_MEMOS, (g,), None, dict)


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
            return area_atoms(data.unit_pieces(place.id), scenario.date, data), True
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
            if loc.setting == "territorial-sea":
                label = territorial_sea_of(label)
            subs.append(replace(point_subject(loc, scenario.date, label, data), area_km2=1.0))
        return subs, True
    b = data.piece_bbox

    def near(pad: float) -> list[int]:
        return boxes_meeting(b, geom.bounds, pad)

    # In the order `locate` takes them (place/world.py): land, the 2 km coastal bands (which take their coast's
    # facts), the territorial seas (unless left out), the named seas, the gap fills between the seas and the land;
    # each from what the ones before left.
    on = scenario.date
    belts = scenario.territorial_sea
    if "Line" in geom.geom_type:
        left = Track(geom)
        land = area_atoms([i for i in near(0.0) if left.meets(b[i])], on, data, clip=left)
        left = Track(left.rest([a.geom for a in land]))
        coast = coast_atoms(near(BAND_PAD_DEGREES), on, data, clip=left)
        left = Track(left.rest([a.geom for a in coast]))
        belt = belt_atoms(geom.bounds, on, data, clip=left) if belts else []
        rest = left.rest([a.geom for a in belt])
        seas = sea_atoms(rest, data)
        gaps = sea_atoms(Track(rest).rest([a.geom for a in seas]), data, gaps=True)
        return land + coast + belt + seas + gaps, True
    land = area_atoms(near(0.0), on, data, clip=geom)
    rest = _less(geom, land)
    coast = coast_atoms(near(BAND_PAD_DEGREES), on, data, clip=rest)
    rest = _less(rest, coast)
    belt = belt_atoms(geom.bounds, on, data, clip=rest) if belts else []
    rest = _less(rest, belt)
    seas = sea_atoms(rest, data)
    return land + coast + belt + seas + sea_atoms(_less(rest, seas), data, gaps=True), True


BAND_PAD_DEGREES = 0.2  # a coastal band reaches 2 km beyond its piece's box: up to 0.1° of longitude at 80° N


def _less(geom: Any, taken: Sequence[Subject]) -> Any:
    return shapely.difference(geom, shapely.union_all([a.geom for a in taken])) if taken else geom


_ON_TRACK = 1e-9  # degrees: a piece cut from a segment lies on it to within rounding, far less than this


class Track:
    """A line as its segments, indexed, so that each land part is cut from the few segments near it and the sea
    is what each segment keeps after its own land pieces: the work grows with the segments and the places they
    cross, not with the segments times the places (a 10,000-vertex track across Europe took half a minute)."""

    def __init__(self, line: Any) -> None:
        xy, which = shapely.get_coordinates(shapely.get_parts(line), return_index=True)
        same = which[1:] == which[:-1]  # not from the end of one line to the start of the next
        ends = np.stack([xy[:-1][same], xy[1:][same]], axis=1) if len(xy) > 1 else np.empty((0, 2, 2))
        self.segments = shapely.linestrings(ends) if len(ends) else np.empty(0, dtype=object)
        self.tree = shapely.STRtree(self.segments)

    def meets(self, box: Sequence[float]) -> bool:
        """Whether some segment's box meets the box (west, south, east, north)."""
        return len(self.tree.query(shapely.box(*box))) > 0

    def near(self, area: Any) -> Any:
        """The segments that meet the area (found by their boxes, then tested against the area prepared)."""
        return shapely.multilinestrings(self.segments[np.sort(self.tree.query(area, predicate="intersects"))])

    def rest(self, pieces: Sequence[Any]) -> Any:
        """The track less the pieces (which lie on it), measured along each segment: every stretch of a piece is
        placed on its segment as an interval, and what the intervals leave is kept. (Subtracting the pieces as
        geometries would leave or remove slivers where a piece runs a hair's breadth off its segment.)"""
        p = shapely.get_coordinates(self.segments).reshape(-1, 2, 2)
        start, step = p[:, 0], p[:, 1] - p[:, 0]
        intervals = self._intervals(pieces, start, step) if pieces else np.empty((0, 3))
        kept = []
        covered = np.zeros(len(self.segments), dtype=bool)
        if len(intervals):
            seg, lo, hi = intervals[:, 0].astype(np.int64), intervals[:, 1], intervals[:, 2]
            covered[seg] = True
            # The largest end so far within each segment (segments apart by more than any t, so one running
            # maximum serves them all), and the gaps the sorted intervals leave before, between and after them.
            reach = np.maximum.accumulate(hi + 10 * seg) - 10 * seg
            first = np.r_[True, seg[1:] != seg[:-1]]
            before = np.where(first, 0.0, np.r_[0.0, reach[:-1]])
            last = np.r_[seg[1:] != seg[:-1], True]
            gaps = [(seg, before, lo), (seg[last], reach[last], np.ones(int(last.sum())))]
            for s_, a, b in gaps:
                open_ = b - a > 1e-9
                s_, a, b = s_[open_], a[open_], b[open_]
                ends = np.stack([start[s_] + a[:, None] * step[s_], start[s_] + b[:, None] * step[s_]], axis=1)
                kept.append(shapely.linestrings(ends))
        kept.append(self.segments[~covered & (np.abs(step).sum(axis=1) > 0)])
        return shapely.multilinestrings(np.concatenate(kept))

    def _nearest(self, points: Any) -> Any:
        """The segment nearest each point (where several are as near, the first one listed). The points lie on
        the track: the segments within a hair of each are found by their boxes and measured, and only a point with
        none there is searched for (GEOS's nearest search is several times slower than a box query on a long
        track)."""
        near, found = self.tree.query(points, predicate="dwithin", distance=_ON_TRACK)
        distance = shapely.distance(points[near], self.segments[found])
        order = np.lexsort((found, distance, near))  # per point: the nearest first, then by the order listed
        near, found = near[order], found[order]
        first = np.r_[True, near[1:] != near[:-1]] if len(near) else np.zeros(0, dtype=bool)
        seg = np.full(len(points), -1, dtype=np.int64)
        seg[near[first]] = found[first]
        alone = np.flatnonzero(seg < 0)
        if len(alone):
            inputs, nearest = self.tree.query_nearest(points[alone])
            seg[alone[inputs[::-1]]] = nearest[::-1]  # where two segments are as near, the first one listed
        return seg

    def _intervals(self, pieces: Sequence[Any], start: Any, step: Any) -> Any:
        """(segment, from, to) in the segment's own measure (0 at its start, 1 at its end) of every stretch of the
        pieces, sorted by segment and start."""
        xy, which = shapely.get_coordinates(shapely.get_parts(np.array(pieces, dtype=object)), return_index=True)
        same = which[1:] == which[:-1]
        q0, q1 = xy[:-1][same], xy[1:][same]
        seg = self._nearest(shapely.points((q0 + q1) / 2))
        d = step[seg]
        norm = np.einsum("ij,ij->i", d, d)
        ok = norm > 0
        t0 = np.einsum("ij,ij->i", q0[ok] - start[seg[ok]], d[ok]) / norm[ok]
        t1 = np.einsum("ij,ij->i", q1[ok] - start[seg[ok]], d[ok]) / norm[ok]
        out = np.column_stack([seg[ok], np.clip(np.minimum(t0, t1), 0, 1), np.clip(np.maximum(t0, t1), 0, 1)])
        return out[np.lexsort((out[:, 1], out[:, 0]))]


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

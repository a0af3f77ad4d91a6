#!/usr/bin/env python3
"""Derive the coastal bands and the sea-gap fills from the vendored land and seas (geodata/land.geom, seas.geom).

`locate` answers two questions near coasts that are about distance, not containment:
- a point off the coast but within COAST_TOLERANCE_KM (2 km) of a land piece is on that coast (the nearest piece's);
- a point in a gap between Natural Earth's named marine polygons and the land is in the nearest sea within
  SEA_GAP_KM (60 km).
Here both are turned into polygons once, so that `locate` and the vectorised batch engine answer them with the
same geometry (a containment test instead of a distance search):

    coast.geom, coast.json    per (piece, island flag, adjoining seas) "owner": the sea within 2 km of it that is
                              nearer to it than to any other owner, land excluded
    gaps.geom                 per named sea (in seas.json order): the gap (neither land nor any named sea) within
                              60 km of it that is nearer to it than to any other sea

Distances are great-circle kilometres: each land part (or, for gaps, each 5-degree tile) is projected azimuthal
equidistant about its own centre, buffered there (a quarter circle in QUAD_SEGS segments: within 40 m of the true
arc) and projected back. "Nearer" is decided by a Voronoi diagram of the boundaries densified to COAST_DENSIFY_KM /
GAP_DENSIFY_KM, so a split between two owners is placed to within about that spacing. The results are simplified
to within SIMPLIFY_DEG (about 10 m). `locate` and the batch engine both read these polygons, so they always agree
with each other; against exact distances the bands are right to within about 50 m.

    python tools/build_coast.py     # rewrites the three files and records them in PROVENANCE.json (~10 minutes)

`tools/build_geodata.py` runs this as its last step, so a full rebuild regenerates them too.
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from treatyscope.place.data import GeoData  # noqa: E402
from treatyscope.place.pack import SCALE, GeometryPack, write_pack  # noqa: E402
from treatyscope.place.world import COAST_TOLERANCE_KM, SEA_GAP_KM  # noqa: E402

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEG = math.pi * EARTH_RADIUS_KM / 180.0
COAST_DENSIFY_KM = 0.1
GAP_DENSIFY_KM = 1.0
GAP_TILE_DEG = 5.0
QUAD_SEGS = 4  # a quarter circle in 4 segments: within 40 m of a true 2 km arc
SEGMENT_KM = 10.0
SIMPLIFY_DEG = 1e-4
WORLD = shapely.box(-180.0, -90.0, 180.0, 90.0)


def log(msg: str) -> None:
    print(f"[coast {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------------- projection


def _forward(lat0: float, lon0: float) -> Callable[[Any], Any]:
    """Azimuthal equidistant about (lat0, lon0), in km."""
    phi0, lam0 = math.radians(lat0), math.radians(lon0)
    s0, c0 = math.sin(phi0), math.cos(phi0)

    def f(xy: Any) -> Any:
        lam = np.radians(xy[:, 0]) - lam0
        phi = np.radians(xy[:, 1])
        cos_c = np.clip(s0 * np.sin(phi) + c0 * np.cos(phi) * np.cos(lam), -1.0, 1.0)
        c = np.arccos(cos_c)
        k = np.where(c < 1e-12, 1.0, c / np.maximum(np.sin(c), 1e-12))
        x = k * np.cos(phi) * np.sin(lam)
        y = k * (c0 * np.sin(phi) - s0 * np.cos(phi) * np.cos(lam))
        return np.column_stack([x, y]) * EARTH_RADIUS_KM

    return f


def _inverse(lat0: float, lon0: float) -> Callable[[Any], Any]:
    """The inverse, with longitudes left unwrapped around lon0 (so a shape across ±180 stays in one piece)."""
    phi0 = math.radians(lat0)
    s0, c0 = math.sin(phi0), math.cos(phi0)

    def f(xy: Any) -> Any:
        x, y = xy[:, 0] / EARTH_RADIUS_KM, xy[:, 1] / EARTH_RADIUS_KM
        rho = np.hypot(x, y)
        c = rho
        sc, cc = np.sin(c), np.cos(c)
        safe = np.where(rho < 1e-15, 1.0, rho)
        phi = np.arcsin(np.clip(cc * s0 + np.where(rho < 1e-15, 0.0, y * sc * c0 / safe), -1.0, 1.0))
        lam = np.arctan2(x * sc, rho * c0 * cc - y * s0 * sc)
        return np.column_stack([lon0 + np.degrees(lam), np.degrees(phi)])

    return f


def _wrap(g: BaseGeometry) -> BaseGeometry:
    """Bring a shape with longitudes beyond ±180 back into [-180, 180], split at the antimeridian."""
    minx, _, maxx, _ = g.bounds
    if minx >= -180.0 and maxx <= 180.0:
        return g
    parts = [shapely.intersection(g, WORLD)]
    for shift in (-360.0, 360.0):
        window = shapely.affinity.translate(WORLD, -shift)
        piece = shapely.intersection(g, window)
        if not piece.is_empty:
            parts.append(shapely.affinity.translate(piece, shift))
    return _areal(shapely.union_all(parts))


def _areal(g: BaseGeometry) -> BaseGeometry:
    polys = [p for q in shapely.get_parts(g) for p in shapely.get_parts(q) if p.geom_type == "Polygon"]
    polys = [p for p in polys if not p.is_empty and p.area > 0]
    return shapely.MultiPolygon(polys) if polys else shapely.MultiPolygon()


def _centre(g: BaseGeometry) -> tuple[float, float]:
    minx, miny, maxx, maxy = g.bounds
    return (miny + maxy) / 2.0, (minx + maxx) / 2.0


def _buffer_km(g: BaseGeometry, km: float) -> BaseGeometry:
    """`g` grown by `km` great-circle kilometres (in its own azimuthal equidistant projection)."""
    lat0, lon0 = _centre(g)
    fwd, inv = _forward(lat0, lon0), _inverse(lat0, lon0)
    projected = shapely.transform(g, fwd)
    grown = shapely.buffer(projected, km, quad_segs=QUAD_SEGS)
    # Edges longer than SEGMENT_KM are split so that they follow the projection back; shorter ones bend by metres.
    back = shapely.transform(shapely.segmentize(grown, SEGMENT_KM), inv)
    return _wrap(shapely.make_valid(back))


# ------------------------------------------------------------------------------------------------- nearest split


def _split_nearest(
    region: BaseGeometry,
    owners: Sequence[BaseGeometry],
    within_km: float,
    densify_km: float,
    limit: Sequence[BaseGeometry],
) -> list[BaseGeometry]:
    """`region`, every point of which is within `within_km` of some owner, shared out among `owners`: each gets
    the part nearer to it than to the others (and within its `limit`). Nearness by a Voronoi diagram of the owners'
    boundaries densified to `densify_km`, computed in an azimuthal equidistant projection about the region's
    centre; only boundaries within reach of the region take part."""
    lat0, lon0 = _centre(region)
    fwd, inv = _forward(lat0, lon0), _inverse(lat0, lon0)
    points, labels = [], []
    reach = shapely.buffer(shapely.transform(region, fwd), within_km + 2 * densify_km)
    for k, owner in enumerate(owners):
        near = shapely.intersection(owner.boundary, _wrap(shapely.transform(reach, _inverse(lat0, lon0))))
        line = shapely.transform(near, fwd)
        line = shapely.segmentize(shapely.intersection(line, reach), densify_km)
        xy = shapely.get_coordinates(line)
        if len(xy):
            xy = np.unique(xy, axis=0)
            points.append(xy)
            labels.append(np.full(len(xy), k))
    if not points:
        return [shapely.MultiPolygon() for _ in owners]
    xy = np.round(np.concatenate(points), 3)  # to the metre: near-coincident sites break the diagram
    lab = np.concatenate(labels)
    xy, first = np.unique(xy, axis=0, return_index=True)  # a point shared by two owners goes to the first
    lab = lab[first]
    box = shapely.envelope(shapely.transform(region, fwd)).buffer(10.0)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(xy), extend_to=box, ordered=True))
    out = []
    region_p = _areal(shapely.make_valid(shapely.transform(region, fwd)))
    for k in range(len(owners)):
        mine = cells[lab == k]
        if len(mine) == 0:
            out.append(shapely.MultiPolygon())
            continue
        # Cells cut to the region first (small pieces; a union of raw cells can fail on their shared edges).
        cells_k = [_areal(shapely.make_valid(c)) for c in mine]
        part = shapely.union_all(shapely.intersection(cells_k, region_p, grid_size=1e-6), grid_size=1e-6)
        back = _wrap(shapely.make_valid(shapely.transform(shapely.segmentize(part, densify_km), inv)))
        out.append(_areal(shapely.intersection(back, limit[k])))
    return out


# ------------------------------------------------------------------------------------------------- coast


def owners_of(pieces: list[BaseGeometry], detail: list[dict[str, Any]]) -> list[tuple[int, bool, tuple[str, ...]]]:
    """The owners of coastal bands: each piece's parts grouped by island flag and adjoining seas, as `locate`
    reads them (`_component_facts`)."""
    out = []
    for i, geom in enumerate(pieces):
        seen: dict[tuple[bool, tuple[str, ...]], None] = {}
        for _, island, seas in zip(shapely.get_parts(geom), detail[i]["islands"], detail[i]["island_seas"]):
            seen.setdefault((bool(island), tuple(seas)), None)
        out.extend((i, island, seas) for island, seas in seen)
    return out


def owner_geometries(
    pieces: list[BaseGeometry], detail: list[dict[str, Any]], owners: Sequence[tuple[int, bool, tuple[str, ...]]]
) -> list[BaseGeometry]:
    """Each owner's land: the parts of its piece with its island flag and adjoining seas."""
    out = []
    for i, island, seas in owners:
        polys = [
            p
            for p, isl, s in zip(shapely.get_parts(pieces[i]), detail[i]["islands"], detail[i]["island_seas"])
            if (bool(isl), tuple(s)) == (island, tuple(seas))
        ]
        out.append(shapely.union_all(polys) if len(polys) > 1 else polys[0])
    return out


def build_coast(
    pieces: list[BaseGeometry], detail: list[dict[str, Any]]
) -> tuple[list[tuple[int, bool, tuple[str, ...]]], list[BaseGeometry]]:
    owners = owners_of(pieces, detail)
    owner_geoms = owner_geometries(pieces, detail, owners)
    log(f"{len(owners)} owners; buffering {sum(len(shapely.get_parts(g)) for g in owner_geoms)} parts")
    land_tree = shapely.STRtree(pieces)
    bands: list[BaseGeometry] = []
    for n, g in enumerate(owner_geoms):
        grown = shapely.union_all([_buffer_km(p, COAST_TOLERANCE_KM) for p in shapely.get_parts(g)])
        near = land_tree.query(grown, predicate="intersects")
        band = shapely.difference(grown, shapely.union_all([pieces[j] for j in near])) if len(near) else grown
        bands.append(_areal(band))
        if n % 1000 == 0:
            log(f"  buffered {n}/{len(owners)}")
    # Where the bands of two owners overlap, each keeps the part nearer to it.
    tree = shapely.STRtree(bands)
    left, right = tree.query(bands, predicate="intersects")
    pairs = [(a, b) for a, b in zip(left.tolist(), right.tolist()) if a < b]
    log(f"{len(pairs)} overlapping pairs of bands")
    losses: dict[int, list[BaseGeometry]] = {}
    for n, (a, b) in enumerate(pairs):
        if n % 250 == 0:
            log(f"  split {n}/{len(pairs)}")
        overlap = _areal(shapely.intersection(bands[a], bands[b]))
        if overlap.is_empty:
            continue
        try:
            to_a, to_b = _split_nearest(
                overlap, [owner_geoms[a], owner_geoms[b]], COAST_TOLERANCE_KM, COAST_DENSIFY_KM, [WORLD, WORLD]
            )
        except shapely.errors.GEOSException as e:
            # Rare degenerate overlaps: the whole overlap stays with the first owner, and the log says so.
            log(f"  overlap of owners {a} and {b} ({overlap.area:.2e} deg²) not split: {e}")
            to_b = shapely.MultiPolygon()
        # Whatever the diagram leaves unassigned (slivers at its seams) stays with the first owner.
        to_a = _areal(shapely.difference(overlap, to_b))
        losses.setdefault(a, []).append(to_b)
        losses.setdefault(b, []).append(to_a)
    final = []
    for k, band in enumerate(bands):
        if k in losses:
            band = _areal(shapely.difference(band, shapely.union_all(losses[k])))
        # Simplified to within SIMPLIFY_DEG (about 10 m): the file is half the size, and the slivers this leaves
        # along the coast or between two bands are metres wide, far below the data's accuracy.
        final.append(_areal(shapely.simplify(band, SIMPLIFY_DEG, preserve_topology=True)))
    return owners, final


# ------------------------------------------------------------------------------------------------- sea gaps


def build_gaps(land: BaseGeometry, seas: list[BaseGeometry], within: BaseGeometry = WORLD) -> list[BaseGeometry]:
    sea_union = shapely.union_all(seas)
    sea_tree = shapely.STRtree(seas)
    fills: list[list[BaseGeometry]] = [[] for _ in seas]
    tiles = [
        shapely.box(x, y, x + GAP_TILE_DEG, y + GAP_TILE_DEG)
        for x in np.arange(-180.0, 180.0, GAP_TILE_DEG)
        for y in np.arange(-90.0, 90.0, GAP_TILE_DEG)
        if within.intersects(shapely.box(x, y, x + GAP_TILE_DEG, y + GAP_TILE_DEG))
    ]
    shapely.prepare(land)
    shapely.prepare(sea_union)
    for n, tile in enumerate(tiles):
        if n % 500 == 0:
            log(f"  gap tiles {n}/{len(tiles)}")
        if sea_union.covers(tile) or land.covers(tile):
            continue
        gap = _areal(shapely.difference(shapely.difference(tile, land), sea_union))
        if gap.is_empty:
            continue
        minx, miny, maxx, maxy = gap.bounds
        pad_lat = (SEA_GAP_KM + 5.0) / KM_PER_DEG
        pad_lon = pad_lat / max(0.01, math.cos(math.radians(min(89.9, max(abs(miny), abs(maxy)) + pad_lat))))
        window = shapely.box(minx - pad_lon, max(-90.0, miny - pad_lat), maxx + pad_lon, min(90.0, maxy + pad_lat))
        windows = [window] + [
            shapely.affinity.translate(window, s, 0.0)
            for s in (-360.0, 360.0)
            if shapely.intersects(shapely.affinity.translate(window, s, 0.0), WORLD)
        ]
        cand: dict[int, BaseGeometry] = {}
        for w in windows:
            for k in sea_tree.query(w, predicate="intersects").tolist():
                clipped = shapely.intersection(seas[k], w)
                if not clipped.is_empty:
                    cand[k] = shapely.union(cand[k], clipped) if k in cand else clipped
        if not cand:
            continue
        keys = sorted(cand)
        reach = [_areal(shapely.intersection(_buffer_km(cand[k], SEA_GAP_KM), gap)) for k in keys]
        if len(keys) == 1:
            parts = reach
        else:
            try:
                parts = _split_nearest(gap, [cand[k] for k in keys], SEA_GAP_KM, GAP_DENSIFY_KM, reach)
            except shapely.errors.GEOSException as e:
                log(f"  gap in tile {tile.bounds} not split between seas {keys}: {e}; the first takes it")
                parts = [reach[0]] + [shapely.MultiPolygon()] * (len(keys) - 1)
        for k, part in zip(keys, parts):
            if not part.is_empty:
                fills[k].append(part)
    return [
        _areal(shapely.simplify(shapely.union_all(f), SIMPLIFY_DEG, preserve_topology=True))
        if f
        else shapely.MultiPolygon()
        for f in fills
    ]


# ------------------------------------------------------------------------------------------------- main


def _clean(g: BaseGeometry) -> BaseGeometry:
    """Valid at the pack's precision (1e-7 degree), so that what is read back is what was checked. Rings that
    simplification or rounding collapsed (fewer than four points) are dropped first."""
    polys = []
    for p in shapely.get_parts(g):
        if p.geom_type != "Polygon" or len(p.exterior.coords) < 4:
            continue
        holes = [r for r in p.interiors if len(r.coords) >= 4]
        polys.append(_areal(shapely.make_valid(shapely.Polygon(p.exterior, holes))))  # one by one: a part that
        # collapsed to a line would make the whole overlay mixed-dimension
    fixed = _areal(shapely.union_all(polys)) if polys else shapely.MultiPolygon()
    return _areal(shapely.make_valid(shapely.set_precision(fixed, 1.0 / SCALE)))


def write_packs(geodata: Path, bands: list[BaseGeometry], fills: list[BaseGeometry]) -> None:
    for name, geoms in (("coast.geom", bands), ("gaps.geom", fills)):
        write_pack(geodata / name, [_clean(g) for g in geoms])
        back = GeometryPack(geodata / name).get_many(list(range(len(geoms))))
        bad = [k for k, g in enumerate(back) if not g.is_valid]
        if bad:
            raise SystemExit(f"{name}: {len(bad)} geometries invalid after writing, e.g. {bad[:5]}")


def build(geodata: Path) -> list[str]:
    data = GeoData(geodata)
    n = len(data.piece_ids)
    pieces = data.piece_geoms(list(range(n)))
    t0 = time.time()
    owners, bands = build_coast(pieces, [data.piece_detail(i) for i in range(n)])
    log(f"coast bands in {time.time() - t0:.0f} s")
    seas = data.sea_geoms(list(range(len(data.sea_list))))
    t0 = time.time()
    land = shapely.union_all(pieces)
    fills = build_gaps(land, seas)
    log(f"sea gaps in {time.time() - t0:.0f} s")
    write_packs(geodata, bands, fills)
    with open(geodata / "coast.json", "w", encoding="utf-8", newline="\n") as f:
        json.dump(
            {
                "format": "treatyscope.coast/1",
                "coast_tolerance_km": COAST_TOLERANCE_KM,
                "sea_gap_km": SEA_GAP_KM,
                "coast_densify_km": COAST_DENSIFY_KM,
                "gap_densify_km": GAP_DENSIFY_KM,
                "owners": [[i, island, list(seas)] for i, island, seas in owners],
            },
            f,
            separators=(",", ":"),
        )
        f.write("\n")
    return ["coast.geom", "coast.json", "gaps.geom"]


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "tools"))
    from build_geodata import GEODATA, write_provenance

    outputs = build(GEODATA)
    write_provenance(None, outputs)
    log("done: " + ", ".join(outputs))

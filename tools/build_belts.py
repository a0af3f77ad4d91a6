#!/usr/bin/env python3
"""Derive the territorial seas ("belts") from the vendored land, seas, gap fills and coastal-band owners.

Under UNCLOS Article 2 a coastal state's sovereignty extends to its territorial sea, and under Article 3 the belt is
at most 12 nautical miles wide, measured from baselines. The legal baselines (low-water lines, straight and
archipelagic baselines) are not in any data we can vendor, so the belt is drawn from Natural Earth's simplified
coast: the sea within TERRITORIAL_SEA_KM (12 nautical miles, 22.224 km) of a land piece, shared out where belts
overlap to the nearer coast (an equidistance line, as UNCLOS Article 15 provides failing agreement).

Each belt is cut by the named sea (or gap fill) it lies in, in place.world's order of precedence, so that a point
in it keeps both its coast's facts and its sea's:

    belts.geom, belts.json   one polygon per (coastal-band owner, "sea" | "gap" | "open", named sea): the part of
                             the owner's belt in that sea's polygon, gap fill, or in open water

Owners are the coastal-band owners of coast.json (a land piece's parts grouped by island flag and adjoining seas).
The world is worked in TILE_DEG tiles; in each, the owners' coasts are sampled every DENSIFY_KM and a Voronoi
diagram (in an azimuthal equidistant projection about the tile's centre) decides the nearer coast, so the split
between two owners is placed to within about that spacing; the distance to the coast is measured in the same
projection (within a few metres over a tile). Curated features (geodata/curated/features.yaml) get no belt of their
own beyond their radius.

    python tools/build_belts.py     # rewrites the two files and records them in PROVENANCE.json (~10 minutes)
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import shapely
import shapely.affinity
from shapely.geometry.base import BaseGeometry

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tools"))

from build_coast import (  # noqa: E402
    KM_PER_DEG,
    SIMPLIFY_DEG,
    _areal,
    _clean,
    _forward,
    _inverse,
    _wrap,
    owner_geometries,
)
from treatyscope.place.data import GeoData  # noqa: E402
from treatyscope.place.pack import GeometryPack, write_pack  # noqa: E402
from treatyscope.place.world import TERRITORIAL_SEA_KM  # noqa: E402

TILE_DEG = 5.0
DENSIFY_KM = 1.0
SEGMENT_KM = 10.0  # projected edges longer than this are split before going back to degrees (they bend by metres)
INNER_KM = 1.0  # the belts start this far from land (nearer, the 2 km coastal bands take every point)
SIMPLIFY_KM = 0.1  # the belts' edges are simplified to within 100 m (the coastline stands in for baselines anyway)
LAYERS = ("sea", "gap", "open")


def log(msg: str) -> None:
    print(f"[belts {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _shifted(geom: BaseGeometry, window: BaseGeometry) -> BaseGeometry:
    """The parts of `geom` in `window`, a box that may reach beyond ±180 (geom translated by ±360 to meet it)."""
    parts = []
    for shift in (0.0, -360.0, 360.0):
        moved = geom if shift == 0.0 else shapely.affinity.translate(geom, shift, 0.0)
        if moved.intersects(window):
            parts.append(shapely.intersection(moved, window))
    return shapely.union_all(parts) if parts else shapely.GeometryCollection()


def _window(tile: BaseGeometry, km: float) -> BaseGeometry:
    minx, miny, maxx, maxy = tile.bounds
    pad_lat = km / KM_PER_DEG
    top = min(89.9, max(abs(miny), abs(maxy)) + pad_lat)
    pad_lon = min(180.0, pad_lat / max(0.01, math.cos(math.radians(top))))
    return shapely.box(minx - pad_lon, max(-90.0, miny - pad_lat), maxx + pad_lon, min(90.0, maxy + pad_lat))


def _tile_belts(tile: BaseGeometry, owners: list[BaseGeometry], owner_tree: shapely.STRtree) -> dict[int, BaseGeometry]:
    """Within one tile: each owner's belt (the sea within TERRITORIAL_SEA_KM of some coast, nearest to its own)."""
    window = _window(tile, TERRITORIAL_SEA_KM + 3 * DENSIFY_KM)
    near: set[int] = set()
    for shift in (0.0, -360.0, 360.0):
        near.update(owner_tree.query(shapely.affinity.translate(window, -shift, 0.0), predicate="intersects").tolist())
    if not near:
        return {}
    lat0, lon0 = (tile.bounds[1] + tile.bounds[3]) / 2.0, (tile.bounds[0] + tile.bounds[2]) / 2.0
    fwd, inv = _forward(lat0, lon0), _inverse(lat0, lon0)
    keys = sorted(near)
    land_here, points, labels = [], [], []
    for k in keys:
        mine = _areal(_shifted(owners[k], window))
        if mine.is_empty:
            continue
        projected = _areal(shapely.make_valid(shapely.transform(mine, fwd)))  # a projection can fold a ring
        land_here.append(projected)
        xy = shapely.get_coordinates(shapely.segmentize(projected.boundary, DENSIFY_KM))
        if len(xy):
            points.append(np.unique(np.round(xy, 3), axis=0))
            labels.append(np.full(len(points[-1]), k))
    if not land_here:
        return {}
    land = shapely.union_all(land_here, grid_size=1e-3)  # to the metre: pieces meet along shared borders
    tile_p = shapely.transform(shapely.segmentize(tile, 0.05), fwd)
    # Within INNER_KM of land every point is on land or in a coastal band, which come first: leaving that strip
    # out spares the belts the coastline's detail (a third of the vendored data, had they followed it).
    inner = shapely.buffer(land, INNER_KM, quad_segs=2)
    zone = shapely.difference(
        shapely.intersection(shapely.buffer(land, TERRITORIAL_SEA_KM, quad_segs=8), tile_p), inner
    )
    zone = _areal(zone)
    if zone.is_empty:
        return {}
    xy = np.concatenate(points)
    lab = np.concatenate(labels)
    xy, first = np.unique(xy, axis=0, return_index=True)  # a point shared by two owners goes to the first
    lab = lab[first]
    out: dict[int, BaseGeometry] = {}
    if len(set(lab.tolist())) == 1:
        pieces = {int(lab[0]): zone}
    else:
        box = shapely.envelope(zone).buffer(50.0)
        cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(xy), extend_to=box, ordered=True))
        hit_zone = shapely.STRtree(cells).query(zone, predicate="intersects")  # the cells that reach the zone
        pieces = {}
        cut = shapely.intersection(cells[hit_zone], zone, grid_size=1e-6)
        for k in np.unique(lab[hit_zone]).tolist():
            parts = cut[lab[hit_zone] == k]
            merged = _areal(shapely.union_all(parts, grid_size=1e-6))
            if not merged.is_empty:
                pieces[int(k)] = merged
    pieces = _simplified(pieces)
    for k, part in pieces.items():
        back = shapely.make_valid(shapely.transform(shapely.segmentize(part, SEGMENT_KM), inv))
        back = _areal(shapely.intersection(_wrap(back), tile))
        if not back.is_empty:
            out[k] = back
    return out


def _simplified(pieces: dict[int, BaseGeometry]) -> dict[int, BaseGeometry]:
    """The owners' belts in a tile simplified to within SIMPLIFY_KM as one coverage, so that where two belts meet
    they keep one shared edge (simplified one by one, they would leave slivers between them)."""
    keys = list(pieces)
    try:
        done = shapely.coverage_simplify(np.array([pieces[k] for k in keys], dtype=object), SIMPLIFY_KM)
    except shapely.errors.GEOSException as e:
        log(f"  a tile's belts not simplified as a coverage: {e}")
        return pieces
    return {k: _areal(shapely.make_valid(g)) for k, g in zip(keys, done, strict=True)}


def _sea_cuts(
    tile: BaseGeometry, seas: list[BaseGeometry], gaps: list[BaseGeometry], trees: tuple[shapely.STRtree, ...]
) -> list[tuple[str, int, BaseGeometry]]:
    """The tile cut by place.world's precedence: each named sea (in order), then each gap fill, then open water
    (every part of the tile in none of them, land included: the belts themselves exclude land)."""
    out: list[tuple[str, int, BaseGeometry]] = []
    taken: BaseGeometry = shapely.Polygon()
    for layer, geoms, tree in (("sea", seas, trees[0]), ("gap", gaps, trees[1])):
        for j in sorted(tree.query(tile, predicate="intersects").tolist()):
            here = _areal(shapely.difference(shapely.intersection(geoms[j], tile), taken))
            if not here.is_empty:
                out.append((layer, j, here))
                taken = shapely.union(taken, here)
    rest = _areal(shapely.difference(tile, taken))
    if not rest.is_empty:
        out.append(("open", -1, rest))
    return out


def build_belts(data: GeoData) -> tuple[list[tuple[int, str, int]], list[BaseGeometry]]:
    n = len(data.piece_ids)
    pieces = data.piece_geoms(list(range(n)))
    owners = owner_geometries(pieces, [data.piece_detail(i) for i in range(n)], data.coast_owners)
    owner_tree = shapely.STRtree(owners)
    sea_geoms = data.sea_geoms(list(range(len(data.sea_list))))
    gap_geoms = data.gap_geoms(list(range(len(data.sea_list))))
    trees = (shapely.STRtree(sea_geoms), shapely.STRtree(gap_geoms))
    land = shapely.union_all(pieces)
    shapely.prepare(land)
    tiles = [
        shapely.box(x, y, x + TILE_DEG, y + TILE_DEG)
        for x in np.arange(-180.0, 180.0, TILE_DEG)
        for y in np.arange(-90.0, 90.0, TILE_DEG)
    ]
    found: dict[tuple[int, str, int], list[BaseGeometry]] = {}
    t0 = time.time()
    for m, tile in enumerate(tiles):
        if m % 200 == 0:
            log(f"  tiles {m}/{len(tiles)} ({time.time() - t0:.0f} s)")
        if land.covers(tile):
            continue
        belts = _tile_belts(tile, owners, owner_tree)
        if not belts:
            continue
        cuts = _sea_cuts(tile, sea_geoms, gap_geoms, trees)
        for k, belt in belts.items():
            for layer, j, where in cuts:
                part = _areal(shapely.intersection(belt, where))
                if not part.is_empty:
                    found.setdefault((k, layer, j), []).append(part)
    keys = sorted(found, key=lambda key: (key[0], LAYERS.index(key[1]), key[2]))
    geoms = [
        _areal(shapely.simplify(shapely.union_all(found[key]), SIMPLIFY_DEG, preserve_topology=True)) for key in keys
    ]
    return keys, geoms


def build(geodata: Path) -> list[str]:
    data = GeoData(geodata)
    t0 = time.time()
    keys, geoms = build_belts(data)
    log(f"{len(keys)} belt parts in {time.time() - t0:.0f} s")
    cleaned = [_clean(g) for g in geoms]
    keep = [i for i, g in enumerate(cleaned) if not g.is_empty]
    write_pack(geodata / "belts.geom", [cleaned[i] for i in keep])
    back = GeometryPack(geodata / "belts.geom").get_many(list(range(len(keep))))
    bad = [i for i, g in enumerate(back) if not g.is_valid]
    if bad:
        raise SystemExit(f"belts.geom: {len(bad)} geometries invalid after writing, e.g. {bad[:5]}")
    doc: dict[str, Any] = {
        "format": "treatyscope.belts/1",
        "territorial_sea_km": TERRITORIAL_SEA_KM,
        "densify_km": DENSIFY_KM,
        "tile_deg": TILE_DEG,
        "parts": [list(keys[i]) for i in keep],
    }
    with open(geodata / "belts.json", "w", encoding="utf-8", newline="\n") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    return ["belts.geom", "belts.json"]


if __name__ == "__main__":
    from build_geodata import GEODATA, write_provenance

    outputs = build(GEODATA)
    write_provenance(None, outputs)
    log("done: " + ", ".join(outputs))

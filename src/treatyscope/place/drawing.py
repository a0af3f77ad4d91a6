"""The world of place.world as a map: the plane cut into faces by every atom's boundary (and the curated features'
circles), each face labelled by what is at its points, and the faces with one label merged into a region.

A face is labelled by the very rules `locate` follows, at a point inside it: the first atom whose polygon covers
the point (in place.world's order of precedence), and the curated feature the feature rule takes there. The regions
are therefore a partition of the world in which each region is uniform in the facts a treaty rule reads, and their
edges meet exactly (a valid coverage): the covered area of an article is the union of the regions it covers
(`evaluation.coverage`), and it shows exactly what `check` decides. Two approximations remain: a feature's circle is
a 720-sided polygon inside it (its chords are a few parts in a million of the radius inside the circle), and where
a feature is taken on some parts of a coast and not on others, the split between their coastal bands is drawn from
the coast sampled every 25 m.

Land parts of a piece with the same island flag and adjoining seas share a label, and so do its coastal bands (a
band has its coast's facts). The regions are built once per data (about a minute) and kept on disk (cache kind
`world`).
"""

from __future__ import annotations

import json
import math
import os
import struct
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from treatyscope import cache
from treatyscope.place.data import Feature, GeoData
from treatyscope.place.sphere import KM_PER_DEGREE_LAT, split_at_antimeridian
from treatyscope.place.world import OPEN_WATER, Layer, World, feature_disc, world

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

_STORE = cache.Store("world", ".bin")
_DRAWINGS = cache.memo()
WORLD_BOX = shapely.box(-180, -90, 180, 90)
Group = tuple[int, bool, tuple[str, ...]]  # (land piece, island, adjoining seas)


@dataclass(frozen=True)
class Region:
    """Where one label holds: a layer's atoms with the same facts, possibly with a curated feature over them."""

    layer: Layer
    geom: Any
    group: Group | None = None  # LAND, COAST, BELT: the piece and the facts of its parts
    sea: int | None = None  # SEA, GAP, BELT: the named sea
    atom: int | None = None  # an atom of the region (its facts are the region's)
    feature: int | None = None  # the curated feature taken there (an index into World.features)


class Drawing:
    def __init__(self, data: GeoData, territorial_sea: bool = True) -> None:
        self.data = data
        self.world: World = world(data, territorial_sea)

    @cached_property
    def regions(self) -> list[Region]:
        key = cache.key("regions", self.world.territorial_sea, code=("place/world.py", "place/drawing.py"))
        return _STORE.kept(key, _decode, self._build, _encode)

    @cached_property
    def land(self) -> BaseGeometry:
        """All land as one geometry (what maps draw as land)."""
        key = cache.key("land", code=("place/drawing.py",))
        pieces = range(len(self.data.piece_ids))
        found = _STORE.kept(
            key, shapely.from_wkb, lambda: shapely.union_all(self.data.piece_geoms(list(pieces))), shapely.to_wkb
        )
        shapely.prepare(found)
        return found

    def _build(self) -> list[Region]:
        w = self.world
        geoms = w.geometries()
        tree = shapely.STRtree(geoms)
        lines = [*shapely.boundary(np.array(geoms, dtype=object)), *self._feature_lines(tree)]
        faces = _faces(np.array(lines, dtype=object))
        inside = shapely.point_on_surface(faces)
        # The first atom covering a point inside each face (by precedence), then the feature taken there.
        atom, face = shapely.STRtree(inside).query(geoms, predicate="intersects")
        first = np.full(len(faces), OPEN_WATER, dtype=np.int32)
        order = np.lexsort((atom, face))
        face, atom = face[order], atom[order]
        lead = np.ones(len(face), dtype=bool)
        lead[1:] = face[1:] != face[:-1]
        first[face[lead]] = atom[lead]
        features = np.full(len(faces), -1, dtype=np.int32)
        taken, which = w.features_at(shapely.get_y(inside), shapely.get_x(inside), first)
        features[taken] = which
        labels: dict[tuple[Any, ...], list[int]] = {}
        for k, (a, f) in enumerate(zip(first.tolist(), features.tolist())):
            labels.setdefault((*self._facts(a), f), []).append(k)
        return [self._region(label, faces[ks], int(first[ks[0]])) for label, ks in labels.items()]

    def _facts(self, atom: int) -> tuple[Any, ...]:
        """The label of an atom's facts: its layer, and its piece's part facts or its sea."""
        if atom == OPEN_WATER:
            return (Layer.OPEN,)
        a = self.world.atoms[atom]
        if a.layer is Layer.LAND:
            detail = self.data.piece_detail(a.index)
            return (a.layer, a.index, bool(detail["islands"][a.part]), tuple(detail["island_seas"][a.part]))
        if a.layer is Layer.COAST:
            _, island, seas = self.data.coast_owners[a.part]
            return (a.layer, a.index, island, tuple(seas))
        if a.layer is Layer.BELT:
            owner, where, sea = self.data.belt_parts[a.part]
            _, island, seas = self.data.coast_owners[owner]
            return (a.layer, a.index, island, tuple(seas), sea if where != "open" else -1)
        return (a.layer, a.index)

    def _region(self, label: tuple[Any, ...], faces: Any, atom: int) -> Region:
        layer, feature = Layer(label[0]), label[-1]
        geom = _merge(faces)
        group = (label[1], label[2], label[3]) if layer in (Layer.LAND, Layer.COAST, Layer.BELT) else None
        sea = label[1] if layer in (Layer.SEA, Layer.GAP) else None
        if layer is Layer.BELT and label[4] >= 0:
            sea = label[4]
        return Region(layer, geom, group, sea, atom, None if feature < 0 else feature)

    # ---------------------------------------------------------------------------------------------- features

    def _feature_lines(self, atoms: shapely.STRtree) -> list[Any]:
        """The lines that bound where features are taken: their circles; where two overlap, the line halfway
        between their centres; and where a feature is taken on some parts of a coast and not on others, the split
        between those parts' coastal bands."""
        w = self.world
        discs = [_disc(f) for f in w.features]
        out: list[Any] = [d.boundary for d in discs]
        for fi, f in enumerate(w.features):
            for gi in range(fi + 1, len(w.features)):
                g = w.features[gi]
                if discs[fi].intersects(discs[gi]) and (f.lat, f.lon) != (g.lat, g.lon):
                    both = shapely.union(discs[fi], discs[gi])
                    out.append(shapely.intersection(_bisector(f, g), both))
            if f.within is None:
                continue
            pieces = {int(w.piece[a]) for a in atoms.query(discs[fi]).tolist()}
            for piece in sorted(p for p in pieces if p >= 0 and self.data.piece_territory[p] == f.within):
                parts, takes = w.band_parts(fi, piece)
                if takes.any() and not takes.all():
                    out.append(shapely.intersection(_nearest_cells(parts, takes, discs[fi]).boundary, discs[fi]))
        return out


def _disc(f: Feature) -> BaseGeometry:
    disc = feature_disc(f)
    minx, _, maxx, _ = disc.bounds
    if minx < -180 or maxx > 180:
        return split_at_antimeridian(disc)
    return shapely.intersection(disc, WORLD_BOX)


def _bisector(a: Feature, b: Feature) -> BaseGeometry:
    """The line halfway between two features' centres (in a local equirectangular frame, which at their few
    kilometres apart is the great-circle bisector to well under a metre)."""
    k = math.cos(math.radians((a.lat + b.lat) / 2))
    ax, ay, bx, by = a.lon * k, a.lat, b.lon * k, b.lat
    mx, my = (ax + bx) / 2, (ay + by) / 2
    length = math.hypot(ax - bx, ay - by)
    px, py = -(ay - by) / length, (ax - bx) / length  # along the bisector
    reach = 10.0  # degrees: beyond any feature's radius
    return shapely.LineString([((mx - px * reach) / k, my - py * reach), ((mx + px * reach) / k, my + py * reach)])


def _nearest_cells(parts: Any, takes: Any, around: BaseGeometry) -> BaseGeometry:
    """Where, around a feature, the nearest of a piece's parts (in degrees) is one that takes the feature: the
    Voronoi cells of their boundaries sampled every 25 m, merged by part. Only boundaries near the feature can be
    nearest to a point of its coastal bands, so the parts are clipped around it first."""
    step = 0.025 / KM_PER_DEGREE_LAT
    minx, miny, maxx, maxy = around.bounds
    pad = 0.1  # degrees: more than a band's width at any latitude where features lie
    box = shapely.box(minx - pad, miny - pad, maxx + pad, maxy + pad)
    points, owner = [], []
    for k, part in enumerate(parts):
        near = shapely.intersection(part, box)
        if near.is_empty:
            continue
        xy = shapely.get_coordinates(shapely.segmentize(near.boundary, step))
        points.append(xy)
        owner.append(np.full(len(xy), k))
    if not points:
        return shapely.Polygon()
    xy, first = np.unique(np.vstack(points), axis=0, return_index=True)
    owners = np.concatenate(owner)[first]
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(xy), extend_to=box, ordered=True))
    mine = [cell for cell, k in zip(cells, owners.tolist()) if takes[k]]
    return shapely.union_all(mine) if mine else shapely.Polygon()


# Noding all the world's lines at once costs about twice as much as noding them tile by tile. The tiles' edges lie
# off any round coordinate, so that few boundaries run along one or end on one: faces on either side of an edge
# then mostly meet vertex for vertex (lines crossing it are clipped at the same points on both sides); where they
# do not, `_merge` takes the general union.
TILE_DEGREES = 15.0
TILE_OFFSET = 7.3519371


def _tiles() -> list[tuple[float, float, float, float]]:
    def edges(low: float, high: float) -> list[float]:
        inner = np.arange(low + TILE_OFFSET, high, TILE_DEGREES).tolist()
        return [low, *inner, high]

    xs, ys = edges(-180.0, 180.0), edges(-90.0, 90.0)
    return [(x0, y0, x1, y1) for x0, x1 in pairwise(xs) for y0, y1 in pairwise(ys)]


def _faces(lines: Any) -> Any:
    """The faces into which the lines cut the world (noded and polygonized tile by tile, the tiles on threads:
    shapely releases the GIL while GEOS works, and each tile's result is its own, in tile order)."""
    tree = shapely.STRtree(lines)
    boxes = _tiles()
    near = [lines[tree.query(shapely.box(*box))] for box in boxes]

    def tile(k: int) -> Any:
        box = boxes[k]
        clipped = shapely.clip_by_rect(near[k], *box)
        noded = shapely.union_all([*clipped, shapely.box(*box).boundary])
        return shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))

    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        return np.concatenate(list(pool.map(tile, range(len(boxes)))))


def coverage_union(geoms: Any) -> BaseGeometry:
    """The union of regions that meet edge to edge (a valid coverage: fast); of others, the general union."""
    geoms = [g for g in geoms if not g.is_empty]
    if not geoms:
        return shapely.MultiPolygon()
    if len(geoms) == 1:
        return geoms[0]
    try:
        return shapely.coverage_union_all(geoms)
    except shapely.errors.GEOSException:
        return shapely.union_all(geoms)


def _merge(faces: Any) -> BaseGeometry:
    if len(faces) == 1:
        return faces[0]
    merged = coverage_union(list(faces))
    # Where faces from neighbouring tiles do not meet vertex for vertex (a line that ends on a tile's edge from one
    # side only), the fast union leaves a self-intersection on that edge: repair it (the area is unchanged).
    if merged.is_valid:
        return merged
    parts = shapely.get_parts(shapely.make_valid(merged))
    return shapely.union_all([p for p in parts if p.geom_type in ("Polygon", "MultiPolygon")])


def _encode(regions: list[Region]) -> bytes:
    """Regions as bytes: a JSON header (each region's label and where its WKB is), then the WKBs."""
    blobs = [shapely.to_wkb(r.geom) for r in regions]
    offsets = np.cumsum([0, *(len(b) for b in blobs)]).tolist()
    meta = [[int(r.layer), list(r.group) if r.group else None, r.sea, r.atom, r.feature] for r in regions]
    header = json.dumps({"regions": meta, "offsets": offsets}).encode()
    return struct.pack("<Q", len(header)) + header + b"".join(blobs)


def _decode(raw: bytes) -> list[Region]:
    (size,) = struct.unpack("<Q", raw[:8])
    doc = json.loads(raw[8 : 8 + size])
    body = memoryview(raw)[8 + size :]
    offsets = doc["offsets"]
    if offsets[-1] != len(body):
        raise ValueError("truncated")
    out = []
    for k, (layer, group, sea, atom, feature) in enumerate(doc["regions"]):
        geom = shapely.from_wkb(bytes(body[offsets[k] : offsets[k + 1]]))
        key = (int(group[0]), bool(group[1]), tuple(group[2])) if group else None
        out.append(Region(Layer(layer), geom, key, sea, atom, feature))
    return out


def drawing(data: GeoData, territorial_sea: bool = True) -> Drawing:
    found: Drawing = _DRAWINGS.remember((str(data.root), territorial_sea), lambda: Drawing(data, territorial_sea))
    return found

"""The vendored geometry format: many (multi)polygons in one memory-mapped file.

Why not GeoJSON or WKB: parsing Natural Earth 10m as GeoJSON costs about a second and WKB stores 16 bytes a
vertex. Here coordinates are int32 in units of 1e-7 degree (about 1 cm, far below the data's ~1 km accuracy),
8 bytes a vertex, and nothing is parsed: the file is memory-mapped and only the geometries a query asks for are
decoded, through `shapely.from_ragged_array`.

Layout (little-endian): an 8-byte magic, then four uint64 counts G, P, R, N (geometries, polygons, rings,
coordinate pairs), then int64 geometry offsets into polygons [G+1], int64 polygon offsets into rings [P+1],
int64 ring offsets into coordinates [R+1], and int32 coordinates [N, 2] as (lon, lat) * 1e7.
"""

from __future__ import annotations

import mmap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import shapely

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from shapely.geometry.base import BaseGeometry
from shapely import GeometryType

MAGIC = b"TSGEOM1\0"
SCALE = 1e7
_HEADER = np.dtype("<u8")


def write_pack(path: Path, geometries: Sequence[BaseGeometry]) -> None:
    """Write polygons or multipolygons; each is stored as a multipolygon."""
    multis = [g if g.geom_type == "MultiPolygon" else shapely.MultiPolygon([g]) for g in geometries]
    _, coords, (ring_offsets, poly_offsets, geom_offsets) = shapely.to_ragged_array(np.array(multis, dtype=object))
    scaled = np.round(coords * SCALE)
    if np.abs(scaled).max(initial=0) >= 2**31:
        raise ValueError("coordinate out of range for the int32 pack format")
    with open(path, "wb") as out:
        out.write(MAGIC)
        out.write(
            np.array(
                [len(geom_offsets) - 1, len(poly_offsets) - 1, len(ring_offsets) - 1, len(coords)], dtype=_HEADER
            ).tobytes()
        )
        for offsets in (geom_offsets, poly_offsets, ring_offsets):
            out.write(np.asarray(offsets, dtype="<i8").tobytes())
        out.write(scaled.astype("<i4").tobytes())


class GeometryPack:
    """Read access to a pack; decoding is per geometry and nothing is read until asked for."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with open(path, "rb") as f:
            self._mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        if self._mm[:8] != MAGIC:
            raise ValueError(f"{path}: not a treatyscope geometry pack")
        g, p, r, n = (int(v) for v in np.frombuffer(self._mm, dtype=_HEADER, count=4, offset=8))
        offset = 8 + 4 * 8
        self._geom = np.frombuffer(self._mm, dtype="<i8", count=g + 1, offset=offset)
        offset += (g + 1) * 8
        self._poly = np.frombuffer(self._mm, dtype="<i8", count=p + 1, offset=offset)
        offset += (p + 1) * 8
        self._ring = np.frombuffer(self._mm, dtype="<i8", count=r + 1, offset=offset)
        offset += (r + 1) * 8
        self._xy = np.frombuffer(self._mm, dtype="<i4", count=2 * n, offset=offset).reshape(n, 2)
        self.count = g

    def __len__(self) -> int:
        return self.count

    def bounds(self) -> NDArray[np.float64]:
        """(minx, miny, maxx, maxy) of every geometry, read from the coordinates without decoding (NaN if empty)."""
        starts = self._ring[self._poly[self._geom]]
        out = np.full((self.count, 4), np.nan)
        sizes = np.diff(starts)
        full = np.flatnonzero(sizes > 0)
        if len(full):
            # reduceat runs from each start given to the next one: empty geometries have no coordinates between
            # them, so leaving their starts out still gives every other geometry exactly its own.
            xy = self._xy.astype(np.float64) / SCALE
            lo = np.minimum.reduceat(xy, starts[:-1][full], axis=0)
            hi = np.maximum.reduceat(xy, starts[:-1][full], axis=0)
            out[full] = np.column_stack([lo, hi])
        return out

    def get(self, index: int) -> BaseGeometry:
        return self.get_many([index])[0]

    def get_many(self, indices: Sequence[int]) -> list[BaseGeometry]:
        if not indices:
            return []
        coord_parts: list[NDArray[np.int32]] = []
        ring_offsets: list[NDArray[np.int64]] = []
        poly_offsets: list[NDArray[np.int64]] = []
        geom_offsets = [0]
        n_coords = n_rings = n_polys = 0
        for i in indices:
            p0, p1 = int(self._geom[i]), int(self._geom[i + 1])
            r0, r1 = int(self._poly[p0]), int(self._poly[p1])
            c0, c1 = int(self._ring[r0]), int(self._ring[r1])
            coord_parts.append(self._xy[c0:c1])
            ring_offsets.append(self._ring[r0:r1] - c0 + n_coords)
            poly_offsets.append(self._poly[p0:p1] - r0 + n_rings)
            n_coords += c1 - c0
            n_rings += r1 - r0
            n_polys += p1 - p0
            geom_offsets.append(n_polys)
        coords = np.concatenate(coord_parts).astype(np.float64) / SCALE
        rings = np.concatenate([*ring_offsets, np.array([n_coords], dtype=np.int64)])
        polys = np.concatenate([*poly_offsets, np.array([n_rings], dtype=np.int64)])
        geoms = shapely.from_ragged_array(
            GeometryType.MULTIPOLYGON, coords, (rings, polys, np.array(geom_offsets, dtype=np.int64))
        )
        return list(geoms)

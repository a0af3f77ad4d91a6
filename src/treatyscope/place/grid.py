"""A grid that answers "which polygon covers this point?" for millions of points at once, exactly.

Level 1 is a regular grid of `cell_deg` cells over the world; level 2 splits each cell that no single polygon
decides into `sub` x `sub` sub-cells. A sub-cell that is still mixed keeps its list of candidates (the polygons that
meet it, in order) and 8 x 8 micro-cells of 4-bit codes, which mostly name the candidate (or none) that decides the
micro-cell, or the one candidate to test there. Most points are answered by array look-ups alone; the rest are
tested against candidates with `shapely.intersects_xy`, in order, so every answer is the one that testing every
polygon in order gives. The micro-cells are there for speed: each GEOS test costs about a microsecond, and for a
two-level grid to leave as few points to test, its level 2 would take over a GB for the world's land and seas.

A box (cell, sub-cell or micro-cell, closed) is decided without box predicates. The polygon boundaries are
rasterised onto the micro-cell grid, conservatively: a box that a boundary segment might meet is marked. A polygon
whose boundary misses a box holds all of it or none of it, and one exact point test says which; one whose boundary
(maybe) meets it stays a candidate. The box is uniform k when k is its first candidate and holds it wholly, so a
mark that errs only adds a candidate, never changes an answer.
"""

from __future__ import annotations

import contextlib
import math
import struct
import zlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from treatyscope.place import segment_index
from treatyscope.place.kernels import KERNELS, all_on_world

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from shapely.geometry.base import BaseGeometry

    Ints = NDArray[np.int64]
    Floats = NDArray[np.float64]
    Pairs = tuple[Ints, Ints, NDArray[np.bool_], Ints]
    I32 = NDArray[np.int32]
    Tables = tuple[I32, NDArray[np.signedinteger], I32, NDArray[np.uint8], I32, I32]

# Every box is grown by this much on each side. A point's cell comes from float arithmetic that can be off by
# ~1e-13 degrees at an edge; a box grown by far more than that still holds the point, so the box's classification is
# valid for it. The rasterisation widens every range by twice this, also far beyond its own rounding.
_EPS = 1e-9
_MICRO_SHIFT = 3
_MICRO = 1 << _MICRO_SHIFT  # micro-cells a sub-cell side
# A micro-cell's 4-bit code says how a point there is answered from its sub-cell's list (candidates, then default):
# test list[_TEST[code]] (none if -1), and failing that (or without a test) answer list[_THEN[code]], -1 for none,
# or for -2 test on down the list. These are the commonest cases in the world's land and seas by far; any other is
# coded 0, testing the whole list, which is right anywhere in the sub-cell.
_TEST = np.array([0, -1, -1, -1, -1, -1, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2])
_THEN = np.array([-2, -1, 0, 1, 2, 3, -1, 1, 2, 3, -2, -1, 2, 3, -2, -1])
_MAGIC = b"TSGRID2\0"
_OFF_WORLD = "points must have -180 <= lon <= 180 and -90 <= lat <= 90 (and no NaN)"
# Below this many points the compiled look-up is not worth its start (and its first call compiles it).
_COMPILED_FROM = 2_000
# The compiled point-in-polygon test finds a polygon's segments by row: rows of 1/64 degree (~1.7 km) list each
# segment once per row it spans (the world's land and seas: ~4 M entries, ~2.4 a segment).
_ROWS_PER_DEG = 64.0
# magic, cell_deg, sub, polygons, blocks, mixed sub-cells, candidates, and the CRC-32 of what follows: the look-up
# does not check its indices, so damaged bytes must not be read as a grid.
_HEADER = struct.Struct("<8sdqqqqqQ")


class LayeredGrid:
    """Point -> index of the first polygon, in the given order, that covers it (or -1).

    Not for several threads at once: GEOS's prepared geometries, which lookup tests with, are not thread-safe.
    """

    def __init__(self, polygons: Sequence[BaseGeometry], cell_deg: float = 0.5, sub: int = 16) -> None:
        """Build the grid (the polygons are prepared in place). The defaults suit the world's land and seas:
        level 1 (1 MB) stays in cache, and micro-cells of 1/256 degree leave 0.2% of random points to test."""
        if not (math.isfinite(cell_deg) and 0 < cell_deg <= 180):
            raise ValueError(f"cell_deg must be in (0, 180], not {cell_deg}")
        if sub < 1 or sub & (sub - 1) or sub > 128:
            # A power of two lets lookup split a fine index into cell and sub-cell with a shift and a mask.
            raise ValueError(f"sub must be a power of two up to 128, not {sub}")
        polys = np.empty(len(polygons), dtype=object)
        polys[:] = list(polygons)
        kind = shapely.get_type_id(polys)
        if not np.all((kind == 3) | (kind == 6) | shapely.is_empty(polys)):
            raise TypeError("LayeredGrid takes Polygon and MultiPolygon geometries (or empty ones)")
        self._setup(float(cell_deg), int(sub), polys.size)
        self._adopt(polys)
        build = _Build(polys, self._cell_deg, self._sub, self._nx, self._ny, self._l2type)
        self._level1, self._level2, self._base, self._micro, self._ptr, self._list = build.run()

    def _adopt(self, polys: NDArray[np.object_]) -> None:
        """Keep the polygons, prepared: a prepared polygon answers a point test in well under a microsecond."""
        shapely.prepare(polys)
        self._polygons = polys
        self._edges: tuple[Any, ...] | None = None
        self._edges_kept: tuple[Callable[[], bytes | None], Callable[[bytes], None]] | None = None

    def keep_edges(self, load: Callable[[], bytes | None], save: Callable[[bytes], None]) -> None:
        """Where the compiled look-up's segment index (_edge_index, a few seconds to build) is kept between runs:
        `load` gives what `save` was given, or None."""
        self._edges_kept = load, save

    def _setup(self, cell_deg: float, sub: int, npoly: int) -> None:
        """The grid's shape, which the parameters alone fix (for a build and for from_bytes alike)."""
        self._cell_deg = cell_deg
        self._sub = sub
        self._shift = sub.bit_length() - 1
        # One cell more than the world needs each way: lon = 180 and lat = 90 then fall in a cell of their own,
        # built like any other, and lookup needs no clamping pass.
        self._nx = math.ceil(360.0 / cell_deg) + 1
        self._ny = math.ceil(180.0 / cell_deg) + 1
        # Level 2 holds a polygon index or, below -1, a sub-cell's rank among its block's mixed sub-cells.
        self._l2type: type[np.signedinteger] = np.int16 if max(npoly, sub * sub) < 2**15 - 2 else np.int32

    # ----------------------------------------------------------------------------------------------- lookup
    def polygons(self) -> NDArray[np.object_]:
        """The polygons, in their order (prepared)."""
        return self._polygons

    def _edge_index(self) -> tuple[Any, ...]:
        """For the compiled look-up: which polygons it may test by ray crossing (the valid ones: on an invalid one
        GEOS's answer is not the even-odd one), their bounds (GEOS tests them first), and each polygon's segments
        by row: its first and last rows, where its rows start in `starts`, the rows' first entries there, and the
        entries, segments as (x1, y1, x2, y2). Built on first use (3-4 s for the world; ~180 MB, the segments
        listed once per row they span, 2.2 times on average), or read back from where keep_edges says."""
        if self._edges is None and self._edges_kept is not None:
            blob = self._edges_kept[0]()
            with contextlib.suppress(ValueError):  # none kept, or damaged: built again
                self._edges = segment_index.from_bytes(blob or b"", self._polygons.size, _ROWS_PER_DEG)
        if self._edges is None:
            self._edges = self._build_edges()
            if self._edges_kept is not None:
                self._edges_kept[1](segment_index.to_bytes(self._edges))
        return self._edges

    def _build_edges(self) -> tuple[Any, ...]:
        exact = shapely.is_valid(self._polygons)
        xy, seg, poly = _segments(self._polygons)
        y0, y1 = xy[seg, 1], xy[seg + 1, 1]
        # The same arithmetic as the kernel's for a point: monotonic, so a segment whose y-range holds a point's
        # y is listed in that point's row.
        r0 = ((np.minimum(y0, y1) + 90.0) * _ROWS_PER_DEG).astype(np.int64)
        r1 = ((np.maximum(y0, y1) + 90.0) * _ROWS_PER_DEG).astype(np.int64)
        n = self._polygons.size
        low = np.full(n, np.iinfo(np.int64).max)
        high = np.full(n, -1)
        np.minimum.at(low, poly, r0)
        np.maximum.at(high, poly, r1)
        low = np.minimum(low, high + 1)  # no segments: no rows
        first = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(high - low + 1, out=first[1:])
        which, row = _expand(r0, r1)
        slot = first[poly[which]] + row - low[poly[which]]
        order = np.argsort(slot, kind="stable")
        starts = np.zeros(first[-1] + 1, dtype=np.int64)
        np.cumsum(np.bincount(slot, minlength=first[-1]), out=starts[1:])
        # Each entry's segment as (x1, y1, x2, y2): a row's segments lie together in memory, which the kernel
        # reads far faster than segments gathered from the coordinates (one cache line for two segments).
        at = seg[which[order]]
        ends = np.empty((at.size, 4))
        ends[:, :2], ends[:, 2:] = xy[at], xy[at + 1]
        box = np.ascontiguousarray(shapely.bounds(self._polygons))
        return (exact, box, _ROWS_PER_DEG, low, high, first, starts, ends)

    def lookup(
        self, lon: NDArray[np.float64], lat: NDArray[np.float64], east_as_west: bool = False
    ) -> NDArray[np.int32]:
        """The answer for each point, in an array of the points' shape. ValueError for points off the world. With
        east_as_west, a point on lon = 180 is answered as the point on -180 (the same meridian)."""
        lon = np.asarray(lon, dtype=np.float64)
        lat = np.asarray(lat, dtype=np.float64)
        if lon.shape != lat.shape:
            raise ValueError(f"lon and lat differ in shape: {lon.shape} and {lat.shape}")
        shape = lon.shape
        lon, lat = np.ascontiguousarray(lon.ravel()), np.ascontiguousarray(lat.ravel())
        if KERNELS is None or lon.size < _COMPILED_FROM:
            return self._lookup(wrap_east_edge(lon) if east_as_west else lon, lat).reshape(shape)
        if not all_on_world(lon, lat):
            raise ValueError(_OFF_WORLD)
        out = np.empty(lon.size, dtype=np.int32)
        unsure = np.zeros(lon.size, dtype=np.uint8)
        edges = self._edge_index()
        KERNELS.grid_lookup(
            lon, lat, east_as_west, self._sub * _MICRO / self._cell_deg, self._shift, self._nx,
            self._level1, self._level2, self._base, self._micro, self._ptr, self._list, _TEST, _THEN,
            *edges, out, unsure,
        )  # fmt: skip
        redo = np.flatnonzero(unsure)
        if redo.size:
            out[redo] = self._lookup(wrap_east_edge(lon[redo]) if east_as_west else lon[redo], lat[redo])
        return out.reshape(shape)

    def _lookup(self, lon: Floats, lat: Floats) -> NDArray[np.int32]:
        """lookup in numpy, for flat arrays."""
        # Micro-cell column and row of every point, from one computation, so that the cell, sub-cell and micro-cell
        # found always nest.
        mx, my = self._grid_xy(lon, 180.0), self._grid_xy(lat, 90.0)
        shift = self._shift + _MICRO_SHIFT
        cell = my >> shift
        cell *= self._nx
        cell += mx >> shift
        out = np.take(self._level1, cell)
        inner = np.flatnonzero(out < -1)
        if inner.size:
            mx, my = mx[inner], my[inner]
            # A boundary cell's level-1 entry is -2 - the offset of its block in level 2. (From here on indices are
            # int64, which numpy gathers with far faster than with int32 ones.)
            at = (-2 - out[inner]).astype(np.int64)
            mask = self._sub - 1
            at += (((my >> _MICRO_SHIFT) & mask) << self._shift) | ((mx >> _MICRO_SHIFT) & mask)
            value = self._level2[at]
            out[inner] = value
            mixed = np.flatnonzero(value < -1)
            if mixed.size:
                mx, my, pts = mx[mixed], my[mixed], inner[mixed]
                sub_cell = self._base[at[mixed] >> 2 * self._shift] + (-2 - value[mixed].astype(np.int64))
                m = _MICRO - 1
                at = (sub_cell << 2 * _MICRO_SHIFT) + (((my & m) << _MICRO_SHIFT) | (mx & m))
                code = (self._micro[at >> 1] >> ((at & 1) << 2)) & 15  # two codes a byte
                out[pts] = self._resolve(sub_cell, code.astype(np.int64), lon[pts], lat[pts])
        return out

    def _grid_xy(self, v: Floats, half: float) -> NDArray[np.int32]:
        """Each coordinate's index on the micro-cell grid, for coordinates in [-half, half]."""
        per = self._sub * _MICRO / self._cell_deg
        t = v * per
        t += half * per
        # Checked here, on an array still in cache, rather than on the input. Points that rounding puts a hair
        # outside the world are let through: their (grown) boxes hold them, so their answers are still exact.
        if t.size and not (t.min() >= 0 and t.max() <= 2 * half * per):
            raise ValueError(_OFF_WORLD)
        return t.astype(np.int32)  # truncates: the values are not negative

    def _resolve(self, sub_cell: Ints, code: Ints, lon: Floats, lat: Floats) -> NDArray[np.int32]:
        """The answers in mixed sub-cells, as their micro-cells' codes say (see _TEST)."""
        start = self._ptr[sub_cell].astype(np.int64)
        first, then = _TEST[code], _THEN[code]
        out = self._list[start + np.where(first >= 0, first, np.maximum(then, 0))]
        out[(first < 0) & (then == -1)] = -1
        test = np.flatnonzero(first >= 0)
        test = test[np.argsort(out[test], kind="stable")]  # one polygon at a time runs faster
        miss = test[~shapely.intersects_xy(self._polygons[out[test].astype(np.int64)], lon[test], lat[test])]
        then = then[miss]
        out[miss] = np.where(then == -1, -1, self._list[start[miss] + np.maximum(then, 0)])
        on = miss[then == -2]
        out[on] = self._exact(lon[on], lat[on], start[on] + first[on] + 1, self._ptr[sub_cell[on] + 1] - 1)
        return out

    def _exact(self, lon: Floats, lat: Floats, start: Ints, end: Ints) -> NDArray[np.int32]:
        """Test points against the candidates list[start:end], then fall back on list[end] (the default). Round r
        tests the r-th of every point still open, so an earlier polygon always wins; within a round the tests are
        sorted by polygon, which keeps each polygon's index in cache."""
        out = self._list[end]
        todo = np.flatnonzero(start < end)
        while todo.size:
            k = self._list[start[todo]].astype(np.int64)
            order = np.argsort(k, kind="stable")
            todo, k = todo[order], k[order]
            hit = shapely.intersects_xy(self._polygons[k], lon[todo], lat[todo])
            out[todo[hit]] = k[hit]
            start[todo] += 1
            todo = todo[~hit & (start[todo] < end[todo])]
        return out

    # ------------------------------------------------------------------------------------------------- bytes
    def to_bytes(self) -> bytes:
        """The grid and its polygons (as WKB): enough to rebuild it without the build cost. Not compressed (about
        150 MB for the world): from_bytes then takes its arrays as views of the bytes, at once, where
        decompressing them took longer than the rest of a batch run's start-up."""
        wkb = shapely.to_wkb(self._polygons)
        sizes = np.fromiter((len(w) for w in wkb), dtype=np.int64, count=wkb.size)
        nb, nm = self._base.size - 1, self._ptr.size - 1
        arrays = (sizes, self._level1, self._level2, self._base, self._micro, self._ptr, self._list)
        body = b"".join([*(a.tobytes() for a in arrays), *wkb])
        shape = (self._cell_deg, self._sub, self._polygons.size, nb, nm, self._list.size)
        return _HEADER.pack(_MAGIC, *shape, zlib.crc32(body)) + body

    @classmethod
    def from_bytes(cls, blob: bytes) -> LayeredGrid:
        """The grid to_bytes wrote, without the build. (GEOS indexes each polygon on its first test, so the first
        lookups run slower.)"""
        if len(blob) < _HEADER.size or blob[:8] != _MAGIC:
            raise ValueError("not a LayeredGrid from to_bytes (or from another version)")
        _, cell_deg, sub, npoly, nb, nm, nc, crc = _HEADER.unpack_from(blob)
        body = memoryview(blob)[_HEADER.size :]
        if zlib.crc32(body) != crc:
            raise ValueError("a damaged grid (its checksum differs)")
        self = cls.__new__(cls)
        at = 0

        def read(dtype: type[np.generic], n: int) -> NDArray[Any]:
            nonlocal at
            a = np.frombuffer(body, dtype=dtype, count=n, offset=at)
            at += a.nbytes
            return a

        self._setup(cell_deg, sub, npoly)
        sizes = read(np.int64, npoly)
        self._level1 = read(np.int32, self._nx * self._ny)
        self._level2 = read(self._l2type, nb * sub * sub)
        self._base, self._micro = read(np.int32, nb + 1), read(np.uint8, nm * _MICRO**2 // 2)
        self._ptr, self._list = read(np.int32, nm + 1), read(np.int32, nc)
        ends = (at + np.cumsum(sizes)).tolist()
        wkb = np.empty(npoly, dtype=object)
        wkb[:] = [bytes(body[e - n : e]) for n, e in zip(sizes.tolist(), ends)]
        self._adopt(shapely.from_wkb(wkb))
        return self


class _Build:
    """One build's working state: box edges on the micro-cell grid, polygon bounds, the rasterised boundaries."""

    def __init__(
        self,
        polys: NDArray[np.object_],
        cell_deg: float,
        sub: int,
        nx: int,
        ny: int,
        l2type: type[np.signedinteger],
    ) -> None:
        self.polys, self.sub, self.nx, self.ny, self.l2type = polys, sub, nx, ny, l2type
        self.fine = sub * _MICRO  # micro-cells a cell side
        self.per = self.fine / cell_deg
        step = cell_deg / self.fine
        self.xe = -180.0 + np.arange(nx * self.fine + 1, dtype=np.float64) * step
        self.ye = -90.0 + np.arange(ny * self.fine + 1, dtype=np.float64) * step
        self.bounds = tuple(np.ascontiguousarray(shapely.bounds(polys).T))
        self.touched = self._rasterise()

    def run(self) -> Tables:
        """Level 1, level 2, each block's first mixed sub-cell, the micro-cell codes, and the mixed sub-cells'
        lists (pointers, then polygons)."""
        sub, fine, nx = self.sub, self.fine, self.nx
        cell = np.arange(nx * self.ny, dtype=np.int64)
        fx0, fy0 = (cell % nx) * fine, (cell // nx) * fine
        value, _, pairs = self._classify(fx0, fy0, fine, self._bbox_pairs())
        mixed = np.flatnonzero(value == -2)
        if mixed.size * sub * sub >= 2**31 - 2:
            raise ValueError("too many boundary cells for this grid: choose a larger cell_deg or a smaller sub")
        level1 = value.astype(np.int32)
        level1[mixed] = -2 - np.arange(mixed.size, dtype=np.int32) * sub * sub
        level2 = np.zeros(mixed.size * sub * sub, dtype=self.l2type)
        # The boundary cells are independent of each other from here on: taking a thousand at a time bounds memory.
        counts, ptrs, lists, micros = [], [np.zeros(1, dtype=np.int32)], [], []
        for b0 in range(0, mixed.size, 1024):
            blocks = np.arange(b0, min(b0 + 1024, mixed.size))
            lo, hi = np.searchsorted(pairs[0], [b0, b0 + blocks.size])
            chunk = (pairs[0][lo:hi] - b0, pairs[1][lo:hi], pairs[2][lo:hi], pairs[3][lo:hi])
            count, ptr, polys, micro = self._blocks(blocks, fx0[mixed[blocks]], fy0[mixed[blocks]], chunk, level2)
            counts.append(count)
            ptrs.append(ptr[1:] + ptrs[-1][-1])
            lists.append(polys)
            micros.append(micro)
        base = np.zeros(mixed.size + 1, dtype=np.int32)
        np.cumsum(np.concatenate([np.zeros(0, dtype=np.int64), *counts]), out=base[1:])
        return level1, level2, base, _join(micros, np.uint8), _join(ptrs, np.int32), _join(lists, np.int32)

    def _blocks(
        self, tag: Ints, fx0: Ints, fy0: Ints, pairs: Pairs, level2: NDArray[np.signedinteger]
    ) -> tuple[Ints, NDArray[np.int32], NDArray[np.int32], NDArray[np.uint8]]:
        """Fill the level-2 blocks `tag` of these boundary cells, by a quadtree descent: a box that one polygon
        decides fills its whole block at once, so most small boxes are never looked at. Returns each block's count
        of mixed sub-cells, their lists and their micro-cell codes."""
        sub = self.sub
        b0, nb = tag[0], tag.size
        size = self.fine
        while size > _MICRO:
            size //= 2
            tag, fx0, fy0, pairs = _quarter(tag, fx0, fy0, size, pairs)
            value, _, pairs = self._classify(fx0, fy0, size, pairs)
            done = value != -2
            _fill(level2, sub, tag[done], fx0[done] // _MICRO, fy0[done] // _MICRO, size // _MICRO, value[done])
            tag, fx0, fy0 = tag[~done], fx0[~done], fy0[~done]
        # The mixed sub-cells, in block order, ranked within their block.
        first = np.searchsorted(tag, np.arange(b0, b0 + nb + 1))
        rank = np.arange(tag.size) - first[tag - b0]
        level2[tag * sub * sub + (fy0 // _MICRO % sub) * sub + fx0 // _MICRO % sub] = -2 - rank
        ptr, polys = _lists(tag.size, pairs)
        return np.diff(first), ptr, polys, self._micro(fx0, fy0, pairs)

    def _micro(self, fx0: Ints, fy0: Ints, pairs: Pairs) -> NDArray[np.uint8]:
        """The mixed sub-cells' micro-cell codes (see _TEST), two to a byte."""
        pnode, ppoly, pin, _ = pairs
        code = np.zeros((17, 130), dtype=np.uint8)  # (place tested + 1, place answered + 2) -> code
        code[_TEST + 1, _THEN + 2] = np.arange(16)
        micro = np.zeros(fx0.size * _MICRO**2, dtype=np.uint8)
        tag = np.arange(fx0.size, dtype=np.int64)
        pairs = (pnode, ppoly, pin, np.arange(pnode.size) - np.searchsorted(pnode, pnode))  # places in the lists
        size = _MICRO
        while size > 1:
            size //= 2
            tag, fx0, fy0, pairs = _quarter(tag, fx0, fy0, size, pairs)
            value, place, pairs = self._classify(fx0, fy0, size, pairs)
            done = value != -2
            answer = np.where(value == -1, -1, place)[done]
            _fill(micro, _MICRO, tag[done], fx0[done], fy0[done], size, code[0, np.minimum(answer + 2, 129)])
            tag, fx0, fy0 = tag[~done], fx0[~done], fy0[~done]
        # A mixed micro-cell tests its first candidate; if the rest of its list is nothing, or one candidate that
        # holds it wholly, that is the answer when the test fails, else the tests go on down the list.
        pnode, _, pin, place = pairs
        head = np.searchsorted(pnode, np.arange(tag.size))
        count = np.bincount(pnode, minlength=tag.size)
        second = np.minimum(head + 1, pnode.size - 1)
        then = np.where(count == 1, -1, np.where((count == 2) & pin[second], place[second], -2))
        _fill(micro, _MICRO, tag, fx0, fy0, 1, code[np.minimum(place[head] + 1, 16), np.minimum(then + 2, 129)])
        return (micro[0::2] | (micro[1::2] << 4)).astype(np.uint8)

    def _classify(self, fx0: Ints, fy0: Ints, size: int, pairs: Pairs) -> tuple[Ints, Ints, Pairs]:
        """Decide the boxes (fx0, fy0, size) from their candidate pairs (node, polygon, holds the parent box,
        place in the sub-cell's list), sorted by node then polygon.

        Returns each node's value (a polygon index or -1 if one answer holds for the whole box, -2 if not), the
        deciding pair's place, and, for the undecided nodes renumbered from 0, their pairs: the polygons that meet
        the box, in order, up to and including the first that holds it wholly (later ones can never win).
        """
        pnode, ppoly, pin, place = pairs
        level = size.bit_length() - 1
        wide, high = (self.nx * self.fine) >> level, (self.ny * self.fine) >> level
        inside = pin.copy()
        edge = np.zeros(pin.size, dtype=bool)
        open_ = np.flatnonzero(~pin)
        node, poly = pnode[open_], ppoly[open_]
        if self.touched[level].size:
            marks = self.touched[level]
            key = poly * (wide * high) + (fy0[node] >> level) * wide + (fx0[node] >> level)
            edge[open_] = marks[np.minimum(np.searchsorted(marks, key), marks.size - 1)] == key
        # The boundary misses the box: the box lies wholly inside the polygon or wholly outside, as its corner does,
        # and outside if the polygon's bounds miss it.
        miss = ~edge[open_]
        test, node, poly = open_[miss], node[miss], poly[miss]
        x0, y0 = self.xe[fx0[node]], self.ye[fy0[node]]
        x1, y1 = self.xe[fx0[node] + size], self.ye[fy0[node] + size]
        bx0, by0, bx1, by1 = self.bounds
        near = (bx0[poly] <= x1) & (bx1[poly] >= x0) & (by0[poly] <= y1) & (by1[poly] >= y0)
        test, poly, x0, y0 = test[near], poly[near], x0[near], y0[near]
        order = np.argsort(poly, kind="stable")  # one polygon at a time runs faster
        inside[test[order]] = shapely.intersects_xy(self.polys[poly[order]], x0[order], y0[order])
        meets = edge | inside
        pnode, ppoly, inside, place = pnode[meets], ppoly[meets], inside[meets], place[meets]
        # Keep a pair only if no earlier pair of its node holds the box.
        first = np.ones(pnode.size, dtype=bool)
        first[1:] = pnode[1:] != pnode[:-1]
        seen = np.cumsum(inside, dtype=np.int64)
        seen -= inside
        keep = seen == seen[np.flatnonzero(first)][np.cumsum(first) - 1]
        pnode, ppoly, inside, place = pnode[keep], ppoly[keep], inside[keep], place[keep]

        count = np.bincount(pnode, minlength=fx0.size)
        value = np.where(count == 0, -1, -2)
        decider = np.zeros(fx0.size, dtype=np.int64)
        alone = inside & (count[pnode] == 1)
        value[pnode[alone]] = ppoly[alone]
        decider[pnode[alone]] = place[alone]
        undecided = value == -2
        rank = np.cumsum(undecided) - 1
        left = undecided[pnode]
        return value, decider, (rank[pnode[left]], ppoly[left], inside[left], place[left])

    def _bbox_pairs(self) -> Pairs:
        """(cell, polygon) for every cell that a polygon's bounding box meets, sorted by cell then polygon."""
        poly = np.flatnonzero(~shapely.is_empty(self.polys))
        bx0, by0, bx1, by1 = (b[poly] for b in self.bounds)
        per = self.per / self.fine
        x0 = _index(bx0 - 2 * _EPS, 180.0, per, self.nx - 1)
        x1 = _index(bx1 + 2 * _EPS, 180.0, per, self.nx - 1)
        y0 = _index(by0 - 2 * _EPS, 90.0, per, self.ny - 1)
        y1 = _index(by1 + 2 * _EPS, 90.0, per, self.ny - 1)
        row, y = _expand(y0, y1)
        span, x = _expand(x0[row], x1[row])
        cell, owner = y[span] * self.nx + x, poly[row[span]]
        order = np.lexsort((owner, cell))
        return cell[order], owner[order], np.zeros(order.size, dtype=bool), np.zeros(order.size, dtype=np.int64)

    def _rasterise(self) -> list[Ints]:
        """For each box size 2**i micro-cells, the sorted keys polygon * boxes + box of every box (on the grid of
        that size) that a boundary segment of the polygon may meet."""
        xy, seg, poly = _segments(self.polys)
        wide, high = self.nx * self.fine, self.ny * self.fine
        keys = []
        for start in range(0, seg.size, 10_000):  # in chunks, to bound the memory the walks take
            s, p = seg[start : start + 10_000], poly[start : start + 10_000]
            a, b = xy[s], xy[s + 1]
            # Walk each segment along its longer axis, so the slope used is at most 1 and the rounding stays tiny.
            steep = np.abs(b[:, 1] - a[:, 1]) > np.abs(b[:, 0] - a[:, 0])
            flat = ~steep
            fx1, fy1, s1 = self._walk(a[flat, 0], a[flat, 1], b[flat, 0], b[flat, 1], self.xe, self.ye, 180.0, 90.0)
            fy2, fx2, s2 = self._walk(a[steep, 1], a[steep, 0], b[steep, 1], b[steep, 0], self.ye, self.xe, 90.0, 180.0)
            p = np.concatenate([p[flat][s1], p[steep][s2]])
            fx, fy = np.concatenate([fx1, fx2]), np.concatenate([fy1, fy2])
            keys.append(_distinct(p * (wide * high) + fy * wide + fx))
        finest = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
        keys.clear()
        levels = [_distinct(finest)]
        del finest
        while len(levels) <= self.fine.bit_length() - 1:
            coarser = []
            for start in range(0, levels[-1].size, 1 << 21):  # in chunks, as above
                p, rest = np.divmod(levels[-1][start : start + (1 << 21)], wide * high)
                y, x = np.divmod(rest, wide)
                coarser.append(p * (wide * high // 4) + (y // 2) * (wide // 2) + x // 2)
            wide, high = wide // 2, high // 2
            levels.append(_distinct(np.concatenate(coarser)) if coarser else levels[-1])
        return levels

    def _walk(
        self, ua: Floats, va: Floats, ub: Floats, vb: Floats, ue: Floats, ve: Floats, uoff: float, voff: float
    ) -> tuple[Ints, Ints, Ints]:
        """The micro-cells (u index, v index, segment) whose boxes the segments a-b, |dv| <= |du|, may meet."""
        per, margin = self.per, 2 * _EPS
        lo, hi = np.minimum(ua, ub), np.maximum(ua, ub)
        seg, iu = _expand(_index(lo - margin, uoff, per, ue.size - 2), _index(hi + margin, uoff, per, ue.size - 2))
        du = ub - ua
        slope = np.divide(vb - va, du, out=np.zeros_like(du), where=du != 0)[seg]
        # The part of the segment over column iu (grown like the boxes), and the v range it spans there.
        u0 = np.maximum(lo[seg], ue[iu] - _EPS)
        u1 = np.minimum(hi[seg], ue[iu + 1] + _EPS)
        v0 = va[seg] + (u0 - ua[seg]) * slope
        v1 = va[seg] + (u1 - ua[seg]) * slope
        j0 = _index(np.minimum(v0, v1) - margin, voff, per, ve.size - 2)
        j1 = _index(np.maximum(v0, v1) + margin, voff, per, ve.size - 2)
        cell, iv = _expand(j0, j1)
        return iu[cell], iv, seg[cell]


def wrap_east_edge(lon: Floats) -> Floats:
    """The longitudes with 180 as -180 (one meridian), as lookup(east_as_west=True) takes them."""
    return np.where(lon == 180.0, -180.0, lon)


def _segments(polys: NDArray[np.object_]) -> tuple[Floats, Ints, Ints]:
    """Every ring segment of the polygons: the coordinates, each segment's first coordinate (it runs to the next)
    and its polygon."""
    parts, owner = shapely.get_parts(polys, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    xy, ring = shapely.get_coordinates(rings, return_index=True)
    seg = np.flatnonzero(ring[1:] == ring[:-1])
    return xy, seg, owner[ring_part[ring[seg]]]


def _join(parts: list[NDArray[Any]], dtype: type[np.generic]) -> NDArray[Any]:
    """The chunks' results as one array (of the dtype the grid stores, even when there are none)."""
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype=dtype)


def _lists(n: int, pairs: Pairs) -> tuple[NDArray[np.int32], NDArray[np.int32]]:
    """Each mixed sub-cell's list, as pointers and polygons: its candidates, then its default, the answer when no
    candidate holds the point: a last candidate that holds the whole sub-cell (so is never tested), or -1."""
    pnode, ppoly, pin, _ = pairs
    bare = np.ones(n, dtype=bool)
    bare[pnode[pin]] = False
    owner = np.concatenate([pnode, np.flatnonzero(bare)])
    order = np.argsort(owner, kind="stable")  # the added -1 defaults go after their sub-cell's candidates
    lists = np.concatenate([ppoly, np.full(bare.sum(), -1)])[order].astype(np.int32)
    ptr = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(owner, minlength=n), out=ptr[1:])
    return ptr, lists


def _index(v: Floats, offset: float, per: float, top: int) -> Ints:
    """The grid index of each coordinate, clipped to [0, top]."""
    return np.clip(np.floor((v + offset) * per), 0, top).astype(np.int64)


def _distinct(a: Ints) -> Ints:
    """The distinct values, sorted, sorting `a` in place (np.unique hashes first, several times slower here)."""
    a.sort()
    return a[np.r_[True, a[1:] != a[:-1]]] if a.size else a


def _expand(lo: Ints, hi: Ints) -> tuple[Ints, Ints]:
    """Every integer in each range lo[i]..hi[i], with the range it came from: (i, value) pairs."""
    n = hi - lo + 1
    owner = np.repeat(np.arange(lo.size), n)
    return owner, lo[owner] + np.arange(owner.size) - np.repeat(np.cumsum(n) - n, n)


def _quarter(tag: Ints, fx0: Ints, fy0: Ints, half: int, pairs: Pairs) -> tuple[Ints, Ints, Ints, Pairs]:
    """Split every node into its four quarters of side `half`; each quarter inherits its parent's pairs."""
    pnode, ppoly, pin, place = pairs
    child = (4 * pnode[None, :] + np.arange(4)[:, None]).ravel()
    order = np.argsort(child, kind="stable")  # keeps each child's pairs in polygon order
    return (
        np.repeat(tag, 4),
        (fx0[:, None] + np.array([0, half, 0, half])).ravel(),
        (fy0[:, None] + np.array([0, 0, half, half])).ravel(),
        (child[order], np.tile(ppoly, 4)[order], np.tile(pin, 4)[order], np.tile(place, 4)[order]),
    )


def _fill(array: NDArray[np.generic], width: int, tag: Ints, x: Ints, y: Ints, n: int, value: Ints) -> None:
    """Write each decided box's value into its n x n entries of the width x width block `tag` of `array`."""
    d = np.arange(n)
    offsets = (d[:, None] * width + d[None, :]).ravel()
    start = tag * width * width + (y % width) * width + x % width
    array[(start[:, None] + offsets).ravel()] = np.repeat(value, offsets.size)

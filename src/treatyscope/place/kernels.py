"""Compiled loops for the batch engine's hot paths, when numba is installed (`pip install ".[fast]"`).

Each kernel does in one pass over the points, on every core, what the numpy code beside its caller does in several:
the grid look-up with its exact point-in-polygon tests (`grid.LayeredGrid`), the engine's answers from its tables
(`vectorised.Engine`), and the checks both make of their input. They answer exactly what the numpy code answers; a
point a kernel cannot answer for certain is flagged, and the caller answers it the numpy way.

Without numba, `KERNELS` is None and the callers use their numpy code alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy as np

F = TypeVar("F", bound=Callable[..., Any])

numba: Any
try:
    import numba
except ImportError:  # installs without the `fast` extra
    numba = None


def _compiled(fn: F) -> F:
    # cache=True keeps the machine code on disk beside this module (or in NUMBA_CACHE_DIR): compiling takes a few
    # seconds, once per machine and version. No fastmath: every float operation must round as numpy's does.
    return cast(F, numba.njit(parallel=True, cache=True, nogil=True)(fn))


def _inlined(fn: F) -> F:
    """A helper of the kernels, compiled into them."""
    return cast(F, numba.njit(inline="always")(fn))


# The outcome of one point-in-polygon test in a kernel.
OUTSIDE, COVERED, UNSURE = 0, 1, 2
_BLOCK = 1024  # points a kernel takes at a time (its scratch stays in the first-level cache)


if numba is not None:

    @_inlined
    def orientation(p1x: float, p1y: float, p2x: float, p2y: float, qx: float, qy: float) -> int:
        """GEOS's fast orientation filter (CGAlgorithmsDD::orientationIndexFilter): 1 left, -1 right, 0 on the
        line, or 2 when double arithmetic cannot say for certain (GEOS then goes on in double-double)."""
        detleft = (p1x - qx) * (p2y - qy)
        detright = (p1y - qy) * (p2x - qx)
        det = detleft - detright
        if detleft > 0.0:
            if detright <= 0.0:
                return (det > 0.0) - (det < 0.0)
            detsum = detleft + detright
        elif detleft < 0.0:
            if detright >= 0.0:
                return (det > 0.0) - (det < 0.0)
            detsum = -detleft - detright
        else:
            return (det > 0.0) - (det < 0.0)
        bound = 1e-15 * detsum
        if det >= bound or -det >= bound:
            return (det > 0.0) - (det < 0.0)
        return 2

    @_inlined
    def covers(
        k: int, x: float, y: float, box: Any, rows_per_deg: float, low: Any, high: Any, first: Any, starts: Any,
        ends: Any,
    ) -> int:  # fmt: skip
        """Whether polygon k covers (x, y) (boundary included, as GEOS's intersects): GEOS's ray-crossing count
        (RayCrossingCounter::countSegment) over the polygon's segments whose y-range meets the point's row, after
        its test of the polygon's bounds (which decides where rounding in the count would not)."""
        if not (box[k, 0] <= x <= box[k, 2] and box[k, 1] <= y <= box[k, 3]):
            return OUTSIDE
        row = int((y + 90.0) * rows_per_deg)
        if row < low[k] or row > high[k]:
            return OUTSIDE
        b = first[k] + row - low[k]
        crossings = 0
        for j in range(starts[b], starts[b + 1]):
            p1x, p1y, p2x, p2y = ends[j, 0], ends[j, 1], ends[j, 2], ends[j, 3]
            if p1x < x and p2x < x:
                continue
            if x == p2x and y == p2y:
                return COVERED
            if p1y == y and p2y == y:
                if min(p1x, p2x) <= x <= max(p1x, p2x):
                    return COVERED
                continue
            if (p1y > y and p2y <= y) or (p2y > y and p1y <= y):
                orient = orientation(p1x, p1y, p2x, p2y, x, y)
                if orient == 2:
                    return UNSURE
                if orient == 0:
                    return COVERED
                if p2y < p1y:
                    orient = -orient
                if orient == 1:
                    crossings += 1
        return COVERED if crossings % 2 else OUTSIDE

    @_compiled
    def on_world(lon: Any, lat: Any) -> bool:
        """Whether -180 <= lon <= 180 and -90 <= lat <= 90 at every point (NaN is not): grid_lookup reads its
        tables where the coordinates say, so it must never see one off the world."""
        on = 0
        for i in numba.prange(lon.size):
            x, y = lon[i], lat[i]
            on += int((x >= -180.0) & (x <= 180.0) & (y >= -90.0) & (y <= 90.0))
        return bool(on == lon.size)

    @_compiled
    def all_same(values: Any) -> bool:
        """Whether every value equals the first (numpy's == and all() take two passes and a temporary)."""
        differ = 0
        for i in numba.prange(values.size):
            differ += int(values[i] != values[0])
        return bool(differ == 0)

    @_compiled
    def grid_lookup(
        lon: Any, lat: Any, east_as_west: bool, per: float, sub_shift: int, nx: int,
        level1: Any, level2: Any, base: Any, micro: Any, ptr: Any, lists: Any, test: Any, then: Any,
        exact: Any, box: Any, rows_per_deg: float, low: Any, high: Any, first: Any, starts: Any, ends: Any,
        out: Any, unsure: Any,
    ) -> None:  # fmt: skip
        """LayeredGrid.lookup for points on the world (on_world): each one's answer into `out`, or unsure[i] = 1
        where the numpy code must answer. With east_as_west, lon = 180 is taken as -180.

        In two passes: level 1 for every point, noting in `out` where in level 2 a point in a boundary cell looks;
        then, a block of points at a time, level 2 for those, and the micro-cells and tests for the points in mixed
        sub-cells. Each of a block's loops does independent loads from tables far bigger than the caches, so the
        processor keeps many in flight."""
        shift = sub_shift + 3
        mask = (1 << sub_shift) - 1
        off_x, off_y = 180.0 * per, 90.0 * per
        fine = np.empty(lon.size, dtype=np.uint8)  # the micro-cell within the sub-cell, kept for the few that need it
        for i in numba.prange(lon.size):
            x = -180.0 if east_as_west and lon[i] == 180.0 else lon[i]
            mx, my = int(x * per + off_x), int(lat[i] * per + off_y)
            value = level1[(my >> shift) * nx + (mx >> shift)]
            if value < -1:  # a boundary cell: -2 - where its sub-cell is in level 2
                value -= ((my >> 3) & mask) << sub_shift | ((mx >> 3) & mask)
            out[i] = value
            fine[i] = ((my & 7) << 3) | (mx & 7)
        n_blocks = (lon.size + _BLOCK - 1) // _BLOCK
        for b in numba.prange(n_blocks):
            lo, hi = b * _BLOCK, min(lon.size, (b + 1) * _BLOCK)
            rows = np.empty(_BLOCK, dtype=np.int64)  # the block's points still open, and where each looks next
            at = np.empty(_BLOCK, dtype=np.int64)
            value = np.empty(_BLOCK, dtype=np.int64)
            n_open = 0
            for i in range(lo, hi):
                if out[i] < -1:
                    rows[n_open] = i
                    at[n_open] = -2 - np.int64(out[i])
                    n_open += 1
            for j in range(n_open):
                value[j] = level2[at[j]]
            n_mixed = 0
            for j in range(n_open):
                if value[j] >= -1:
                    out[rows[j]] = value[j]
                else:
                    rows[n_mixed] = rows[j]
                    at[n_mixed] = base[at[j] >> (2 * sub_shift)] + (-2 - value[j])  # the mixed sub-cell
                    n_mixed += 1
            # The micro-cell's code and the sub-cell's list, then the answers that need no test.
            code = np.empty(n_mixed, dtype=np.int64)
            start = np.empty(n_mixed, dtype=np.int64)
            end = np.empty(n_mixed, dtype=np.int64)
            for j in range(n_mixed):
                m = (at[j] << 6) + fine[rows[j]]
                code[j] = (micro[m >> 1] >> ((m & 1) << 2)) & 15
                start[j], end[j] = ptr[at[j]], ptr[at[j] + 1] - 1  # lists[end]: the default
            n_test = 0
            for j in range(n_mixed):
                first_, then_ = test[code[j]], then[code[j]]
                if first_ >= 0:
                    rows[n_test], code[n_test], start[n_test], end[n_test] = rows[j], code[j], start[j], end[j]
                    n_test += 1
                else:
                    out[rows[j]] = -1 if then_ == -1 else lists[start[j] + then_]
            for j in range(n_test):
                i = rows[j]
                x = -180.0 if east_as_west and lon[i] == 180.0 else lon[i]
                first_, then_ = test[code[j]], then[code[j]]
                # Test lists[start + first_]; failing it, answer as `then` says, or (-2) test on down the list.
                k0 = start[j] + first_
                stop = k0 + 1 if then_ != -2 else end[j]
                answer = -1 if then_ == -1 else int(lists[start[j] + then_] if then_ >= 0 else lists[end[j]])
                for k in range(k0, stop):
                    poly = int(lists[k])
                    got = UNSURE
                    if exact[poly]:
                        got = covers(poly, x, lat[i], box, rows_per_deg, low, high, first, starts, ends)
                    if got == UNSURE:
                        unsure[i] = 1
                        break
                    if got == COVERED:
                        answer = poly
                        break
                out[i] = answer

    @_compiled
    def answers(found: Any, n_boxes: int, lats: Any, lines: Any, inside: Any, table: Any, bits: int, out: Any) -> None:
        """vectorised.Engine's answers from its table: for each point, from its grid answer (feature boxes first,
        then atoms), its sides of the rule's parallels (`lines`) and its polygons (`inside`, with the bits already
        placed; empty without polygons). A point in a feature box gets -1, as does one the table does not know."""
        n_blocks = (found.size + _BLOCK - 1) // _BLOCK
        for b in numba.prange(n_blocks):
            lo, hi = b * _BLOCK, min(found.size, (b + 1) * _BLOCK)
            # The sides first, a parallel at a time (a loop the compiler vectorises), then the table.
            sides = np.zeros(hi - lo, dtype=np.int64)
            if inside.size:
                for i in range(lo, hi):
                    sides[i - lo] = inside[i]
            for j in range(lines.size):
                line = lines[j]
                for i in range(lo, hi):
                    y = lats[i]
                    sides[i - lo] |= (np.int64(y >= line) << (2 * j)) | (np.int64(y <= line) << (2 * j + 1))
            for i in range(lo, hi):
                f = np.int64(found[i])
                if 0 <= f < n_boxes:
                    out[i] = -1  # in a curated feature's box: the caller looks again
                else:
                    row = 0 if f < 0 else f - n_boxes + 1  # row 0: open water
                    out[i] = table[(row << bits) | sides[i - lo]]


def all_on_world(lon: Any, lat: Any) -> bool:
    """Whether -180 <= lon <= 180 and -90 <= lat <= 90 at every point (NaN is not; no points are): compiled when
    numba is installed, else four numpy reductions (whose comparisons NaN fails)."""
    if lon.size == 0:
        return True
    if KERNELS is not None:
        return bool(KERNELS.on_world(lon, lat))
    return bool(lon.min() >= -180.0 and lon.max() <= 180.0 and lat.min() >= -90.0 and lat.max() <= 90.0)


class _Kernels:
    """The compiled kernels, typed loosely: numba checks their arguments at each call."""

    def __init__(self) -> None:
        self.on_world: Any = on_world
        self.all_same: Any = all_same
        self.grid_lookup: Any = grid_lookup
        self.answers: Any = answers


KERNELS: _Kernels | None = _Kernels() if numba is not None else None

"""The segment index of a LayeredGrid's compiled look-up (grid._edge_index) as bytes, to keep it between runs:
uncompressed, so that it is read back as views of the bytes at once, with a CRC-32, and with its offsets checked
to hold together (the look-up does not check its indices)."""

from __future__ import annotations

import math
import struct
import zlib
from typing import Any

import numpy as np

_MAGIC = b"TSEDGE1\0"
_HEADER = struct.Struct("<8sdqqqQ")  # magic, rows per degree, polygons, rows, entries, CRC-32 of the rest


def to_bytes(edges: tuple[Any, ...]) -> bytes:
    """The segment index, uncompressed (it is read back as views of the bytes, at once)."""
    exact, box, rows_per_deg, low, high, first, starts, ends = edges
    body = b"".join(a.tobytes() for a in (box, low, high, first, starts, ends, exact))  # 8-byte items first: aligned
    return _HEADER.pack(_MAGIC, rows_per_deg, exact.size, starts.size, len(ends), zlib.crc32(body)) + body


def from_bytes(blob: bytes, n_polygons: int, rows_per_degree: float) -> tuple[Any, ...]:
    """The segment index to_bytes wrote, for a grid of n_polygons and rows_per_degree; ValueError for anything
    else."""
    if len(blob) < _HEADER.size or blob[:8] != _MAGIC:
        raise ValueError("not a segment index")
    _, rows_per_deg, n, n_starts, n_ends, crc = _HEADER.unpack_from(blob)
    if n != n_polygons or rows_per_deg != rows_per_degree:
        raise ValueError("the segment index of another grid")
    if zlib.crc32(memoryview(blob)[_HEADER.size :]) != crc:
        raise ValueError("a damaged segment index (its checksum differs)")
    shapes: list[tuple[type[np.generic], tuple[int, ...]]] = [(np.float64, (n, 4)), (np.int64, (n,))]
    shapes += [(np.int64, (n,)), (np.int64, (n + 1,))]
    shapes += [(np.int64, (n_starts,)), (np.float64, (n_ends, 4)), (np.bool_, (n,))]
    at, out = _HEADER.size, []
    for dtype, shape in shapes:
        count = math.prod(shape)
        out.append(np.frombuffer(blob, dtype=dtype, count=count, offset=at).reshape(shape))
        at += out[-1].nbytes
    if at != len(blob):
        raise ValueError("a segment index of the wrong size")
    box, low, high, first, starts, ends, exact = out
    # The look-up reads starts[first[p] + row - low[p]] for low[p] <= row <= high[p], then ends[starts[k]:...]:
    # indices that hold together stay in bounds.
    counts = high - low + 1
    if not (
        first[0] == 0
        and (counts >= 0).all()
        and (np.diff(first) == counts).all()
        and first[-1] + 1 == n_starts
        and starts[0] == 0
        and starts[-1] == n_ends
        and (np.diff(starts) >= 0).all()
    ):
        raise ValueError("a segment index whose offsets do not hold together")
    return (exact, box, rows_per_deg, low, high, first, starts, ends)

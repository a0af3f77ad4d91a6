"""Random points along lines, for tests that probe where answers change."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely


def along(lines: Sequence[Any], n: int, rng: np.random.Generator) -> tuple[Any, Any]:
    """(lat, lon) of n points on the lines, each line drawn in proportion to its length (in degrees)."""
    lengths = np.array([g.length for g in lines])
    owner = rng.choice(len(lines), n, p=lengths / lengths.sum())
    lat, lon = np.empty(n), np.empty(n)
    for k, line in enumerate(lines):
        rows = np.flatnonzero(owner == k)
        if len(rows):
            at = shapely.line_interpolate_point(line, rng.uniform(0, 1, len(rows)), normalized=True)
            lon[rows], lat[rows] = shapely.get_x(at), shapely.get_y(at)
    return lat, lon

"""The land drawn under the page's answers: the vendored land, simplified for the screen at three levels of detail
(the whole world coarse; finer levels for a zoomed-in view, clipped to it)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from treatyscope import cache
from treatyscope.errors import UsageError

# Tolerance of the simplification (degrees) and decimals kept, per level: level 0 is sent whole (about 130 kB
# compressed), the finer ones only for the view's box, so their size follows the zoom.
LEVELS = {0: (0.1, 2), 1: (0.02, 3), 2: (0.004, 4)}
MAX_BOX_DEGREES = {1: 90.0, 2: 30.0}  # a wider box at a fine level would send most of the world's detail

_LEVELS = cache.memo()


@dataclass(frozen=True)
class Level:
    parts: list[Any]  # the simplified land, polygon by polygon
    tree: shapely.STRtree
    decimals: int


def level(n: int) -> Level:
    def build() -> Level:
        from treatyscope.evaluation.coverage import land_union
        from treatyscope.place.data import geodata

        tolerance, decimals = LEVELS[n]
        land = shapely.simplify(land_union(geodata()), tolerance, preserve_topology=True)
        parts = [p for p in shapely.get_parts(land) if not p.is_empty]
        return Level(parts, shapely.STRtree(parts), decimals)

    return _LEVELS.remember(n, build)  # type: ignore[no-any-return]


def land_geojson(n: int, box: tuple[float, float, float, float] | None) -> dict[str, Any]:
    """Level `n` of the land as a GeoJSON FeatureCollection: all of it (level 0), or clipped to `box` (west, south,
    east, north), which the finer levels need."""
    if n not in LEVELS:
        raise UsageError(f"level={n}: no such level of detail.", f"Levels: {', '.join(map(str, LEVELS))}.")
    if n and box is None:
        raise UsageError(f"level={n}: give the box to draw, bbox=WEST,SOUTH,EAST,NORTH.")
    lv = level(n)
    parts = lv.parts
    if box is not None:
        w, s, e, north = box
        if n and max(e - w, north - s) > MAX_BOX_DEGREES[n]:
            raise UsageError(
                f"bbox: {e - w:g}° by {north - s:g}° is too wide for level {n}.",
                f"Ask level {n - 1}, or a box at most {MAX_BOX_DEGREES[n]:g}° wide.",
            )
        hits = lv.tree.query(shapely.box(w, s, e, north))
        parts = [p for p in shapely.clip_by_rect([parts[i] for i in sorted(hits)], w, s, e, north) if not p.is_empty]
    rounded = [shapely.transform(p, lambda xy: np.round(xy, lv.decimals)) for p in parts]
    geometry = json.loads(shapely.to_geojson(shapely.MultiPolygon(_polygons(rounded))))
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"level": n}, "geometry": geometry}],
    }


def parse_box(text: str | None) -> tuple[float, float, float, float] | None:
    if text is None or not text.strip():
        return None
    try:
        w, s, e, n = (float(v) for v in text.split(","))
    except ValueError:
        raise UsageError(f"bbox={text!r}: not four numbers WEST,SOUTH,EAST,NORTH.") from None
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        raise UsageError(
            f"bbox={text!r}: out of range or empty.",
            "Longitudes -180..180 and latitudes -90..90, west < east, south < north.",
        )
    return w, s, e, n


def _polygons(parts: list[Any]) -> list[Any]:
    return [q for p in parts for q in shapely.get_parts(p) if q.geom_type == "Polygon" and not q.is_empty]

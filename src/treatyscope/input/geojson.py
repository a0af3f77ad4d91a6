"""A GeoJSON file given with --geojson: one geometry (a point, a line or an area, or several of one kind), checked
and read in longitude/latitude."""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

from treatyscope.errors import UsageError, echo

# Caps on what one --geojson file may ask for, each with the variable that raises it. A 10,000-vertex track takes
# a few seconds; the work grows with the vertices and with the borders and coasts the geometry crosses.
MAX_BYTES = ("TREATYSCOPE_GEOJSON_MAX_BYTES", 64 * 1024 * 1024)
MAX_VERTICES = ("TREATYSCOPE_GEOJSON_MAX_VERTICES", 100_000)
# An area's work grows faster than the land units (provinces, islands) it reaches: 480 take 5 s, 1,444 (western
# Europe) 29 s, 1,655 (with Scandinavia) 75 s, the whole world's 4,600 many minutes. A line's grows with its
# vertices and crossings instead, and is not capped by this.
MAX_LAND_UNITS = ("TREATYSCOPE_GEOJSON_MAX_LAND_UNITS", 1_000)


def limit(cap: tuple[str, int]) -> int:
    """A cap's value: its default, or the positive whole number its environment variable gives."""
    name, default = cap
    given = os.environ.get(name, "").strip()
    if not given:
        return default
    if not given.isdigit() or int(given) <= 0:
        raise UsageError(f"{name}={echo(given)}: not a positive whole number.", f"Unset it, or give e.g. {default}.")
    return int(given)


def read_geojson(path: str) -> tuple[Any, str]:
    """The geometry of a GeoJSON file (all its features, unioned) and the file's name; UsageError saying what is
    wrong with it otherwise."""
    what = f"--geojson {path}"
    geometry = geojson_geometry(_load(path), what)
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        reached, most = land_units_reached(geometry), limit(MAX_LAND_UNITS)
        if reached > most:
            raise UsageError(
                f"{what}: the area reaches {reached:,} land units (provinces and islands), more than the limit of "
                f"{most:,}; its answer would take minutes.",
                f"Split it, use 'treatyscope area --treaty ID' for what an article covers worldwide, or raise the "
                f"limit with {MAX_LAND_UNITS[0]}=N.",
            )
    return geometry, Path(path).name


def land_units_reached(shape: Any) -> int:
    """How many land units (provinces, islands: the geodata's pieces) a shape meets, by their boxes: what its
    answer's work grows with."""

    return len(_piece_boxes().query(shape, predicate="intersects"))


@functools.cache
def _piece_boxes() -> Any:
    """The boxes of the land units, to count those a shape meets (a track across an ocean meets few)."""
    import shapely

    from treatyscope.place.data import geodata

    b = geodata().piece_bbox
    return shapely.STRtree(shapely.box(b[:, 0], b[:, 1], b[:, 2], b[:, 3]))


def geojson_geometry(raw: Any, what: str) -> Any:
    """The geometry of parsed GeoJSON (a geometry, a Feature or a FeatureCollection, its features unioned);
    UsageError starting with `what` (where it came from) saying what is wrong with it otherwise."""
    import shapely

    features = raw.get("features") if isinstance(raw, dict) and raw.get("type") == "FeatureCollection" else [raw]
    if not isinstance(features, list) or not features:
        raise UsageError(f"{what}: no features.")
    geoms = [_geometry(what, i, feat) for i, feat in enumerate(features)]
    vertices = int(shapely.get_num_coordinates(np.array(geoms, dtype=object)).sum())
    most = limit(MAX_VERTICES)
    if vertices > most:
        raise UsageError(
            f"{what}: {vertices:,} vertices, more than the limit of {most:,}.",
            f"Simplify the geometry (e.g. shapely's simplify, or mapshaper), or raise the limit with "
            f"{MAX_VERTICES[0]}=N.",
        )
    dims = {0 if g.geom_type in ("Point", "MultiPoint") else 1 if "Line" in g.geom_type else 2 for g in geoms}
    if len(dims) > 1 or any(g.geom_type == "GeometryCollection" for g in geoms):
        raise UsageError(
            f"{what}: mixes points, lines and areas, whose shares cannot be added up.",
            "Check points, tracks and areas in separate files.",
        )
    return shapely.union_all(geoms) if len(geoms) > 1 else geoms[0]


def _load(path: str) -> Any:
    """The file's JSON, read no further than the size cap (so /dev/zero or a runaway file cannot fill memory)."""
    most = limit(MAX_BYTES)
    try:
        with open(path, "rb") as f:
            data = f.read(most + 1)
    except OSError as e:
        raise UsageError(f"--geojson {path}: cannot read the file ({e.strerror}).") from None
    if len(data) > most:
        raise UsageError(
            f"--geojson {path}: larger than the limit of {most:,} bytes.",
            f"Simplify or split the geometry, or raise the limit with {MAX_BYTES[0]}=N.",
        )
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as e:
        raise UsageError(f"--geojson {path}: not UTF-8 text (byte {e.start}); GeoJSON is UTF-8.") from None
    except RecursionError:
        raise UsageError(
            f"--geojson {path}: nested deeper than the JSON reader allows (about {sys.getrecursionlimit():,} "
            "levels); a GeoJSON geometry needs no more than 4 inside its coordinates."
        ) from None
    except ValueError as e:
        raise UsageError(f"--geojson {path}: not JSON ({str(e)[:200]}).") from None


def _geometry(what: str, i: int, feat: Any) -> Any:
    import shapely

    geom = feat.get("geometry") if isinstance(feat, dict) and feat.get("type") == "Feature" else feat
    try:
        g = shapely.from_geojson(json.dumps(geom))
    except Exception as e:  # shapely raises GEOSException for malformed geometry
        raise UsageError(f"{what}: feature {i} is not a valid GeoJSON geometry ({e}).") from None
    if g is None or g.is_empty:
        raise UsageError(f"{what}: feature {i} is empty.")
    xy = shapely.get_coordinates(g)
    if not ((xy[:, 0] >= -180) & (xy[:, 0] <= 180) & (xy[:, 1] >= -90) & (xy[:, 1] <= 90)).all():
        raise UsageError(
            f"{what}: feature {i} has coordinates out of range (longitude -180..180, "
            "latitude -90..90; GeoJSON is longitude first)."
        )
    if "Line" in g.geom_type:
        _refuse_unsplit_crossing(what, i, g)
    if not g.is_valid:
        raise UsageError(
            f"{what}: feature {i} is not a valid geometry ({shapely.is_valid_reason(g)}).",
            "Fix it (e.g. with shapely.make_valid or QGIS 'Fix geometries') and retry.",
        )
    return g


def _refuse_unsplit_crossing(what: str, i: int, line: Any) -> None:
    """A step of more than 180° of longitude between two vertices of a track. Read as written (RFC 7946 §3.1.6),
    it runs the long way round the world; a track that crosses ±180° was meant, and RFC 7946 §3.1.9 asks for it to
    be cut there instead. Which was meant cannot be told, so neither is assumed. (Areas are read as written: a box
    from -179° to 179° is that box, and the whole world is the world.)"""
    import shapely

    xy, which = shapely.get_coordinates(shapely.get_parts(line), return_index=True)
    jumps = np.flatnonzero((np.abs(np.diff(xy[:, 0])) > 180) & (which[1:] == which[:-1]))
    if len(jumps):
        k = int(jumps[0])
        raise UsageError(
            f"{what}: feature {i} steps from longitude {xy[k, 0]:g} to {xy[k + 1, 0]:g}, more than 180° in "
            "one segment: as written it runs the long way round the world.",
            "If it crosses the antimeridian, cut it there into a MultiLineString (RFC 7946 §3.1.9), "
            "e.g. [..., [179.5, 10], [180, 10.1]] and [[-180, 10.1], [-179.5, 10.2], ...].",
        )

"""A GeoJSON file given with --geojson: one geometry (a point, a line or an area, or several of one kind), checked
and read in longitude/latitude."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from treatyscope.errors import UsageError


def read_geojson(path: str) -> tuple[Any, str]:
    """The geometry of a GeoJSON file (all its features, unioned) and the file's name; UsageError saying what is
    wrong with it otherwise."""
    import shapely

    p = Path(path)
    try:
        raw = json.loads(p.read_text(encoding="utf-8"))
    except OSError as e:
        raise UsageError(f"--geojson {path}: cannot read the file ({e.strerror}).") from None
    except ValueError as e:
        raise UsageError(f"--geojson {path}: not JSON ({e}).") from None
    features = raw.get("features") if isinstance(raw, dict) and raw.get("type") == "FeatureCollection" else [raw]
    if not isinstance(features, list) or not features:
        raise UsageError(f"--geojson {path}: no features.")
    geoms = [_geometry(path, i, feat) for i, feat in enumerate(features)]
    dims = {0 if g.geom_type in ("Point", "MultiPoint") else 1 if "Line" in g.geom_type else 2 for g in geoms}
    if len(dims) > 1 or any(g.geom_type == "GeometryCollection" for g in geoms):
        raise UsageError(
            f"--geojson {path}: mixes points, lines and areas, whose shares cannot be added up.",
            "Check points, tracks and areas in separate files.",
        )
    geom = shapely.union_all(geoms) if len(geoms) > 1 else geoms[0]
    minx, _, maxx, _ = geom.bounds
    if maxx - minx > 180:
        # RFC 7946 asks for geometries that cross ±180° to be cut there; one that spans more than half the world
        # is taken to cross the antimeridian the short way, as a track or area over the Pacific would.
        from treatyscope.place.sphere import split_at_antimeridian

        unwrapped = shapely.transform(geom, lambda xy: np.where(xy[:, :1] < 0, xy + np.array([360.0, 0.0]), xy))
        geom = split_at_antimeridian(unwrapped)
    return geom, p.name


def _geometry(path: str, i: int, feat: Any) -> Any:
    import shapely

    geom = feat.get("geometry") if isinstance(feat, dict) and feat.get("type") == "Feature" else feat
    try:
        g = shapely.from_geojson(json.dumps(geom))
    except Exception as e:  # shapely raises GEOSException for malformed geometry
        raise UsageError(f"--geojson {path}: feature {i} is not a valid GeoJSON geometry ({e}).") from None
    if g is None or g.is_empty:
        raise UsageError(f"--geojson {path}: feature {i} is empty.")
    xy = shapely.get_coordinates(g)
    if not ((xy[:, 0] >= -180) & (xy[:, 0] <= 180) & (xy[:, 1] >= -90) & (xy[:, 1] <= 90)).all():
        raise UsageError(
            f"--geojson {path}: feature {i} has coordinates out of range (longitude -180..180, "
            "latitude -90..90; GeoJSON is longitude first)."
        )
    if not g.is_valid:
        raise UsageError(
            f"--geojson {path}: feature {i} is not a valid geometry ({shapely.is_valid_reason(g)}).",
            "Fix it (e.g. with shapely.make_valid or QGIS 'Fix geometries') and retry.",
        )
    return g

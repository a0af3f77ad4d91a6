"""Distances, areas and lines on a spherical Earth.

Distances and areas use a sphere of radius 6,371.0088 km (the IUGG mean radius). Against the WGS 84 ellipsoid
that is within 0.5% for distances, which is far below the ~1 km accuracy of the Natural Earth 1:10m data.

Geometries are in longitude/latitude degrees, longitudes in [-180, 180]. A line between two vertices is straight
in longitude/latitude ("plate carrée"), as in GeoJSON; rhumb lines are straight on Mercator and are densified
before they are used here (see `rhumb_line`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import shapely

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from shapely.geometry.base import BaseGeometry
import shapely.affinity
import shapely.ops

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE_LAT = math.pi * EARTH_RADIUS_KM / 180.0
NAUTICAL_MILE_KM = 1.852
MAX_MERCATOR_LAT = 89.9  # rhumb lines are densified in Mercator, which is infinite at the poles


def normalize_lon(lon: float) -> float:
    """Bring a longitude into [-180, 180); 180 itself maps to -180 only when it came from beyond it."""
    if -180.0 <= lon <= 180.0:
        return lon
    return ((lon + 180.0) % 360.0) - 180.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def haversine_km_many(
    lat: float, lon: float, lats: NDArray[np.float64], lons: NDArray[np.float64]
) -> NDArray[np.float64]:
    p1, p2 = math.radians(lat), np.radians(lats)
    dp, dl = p2 - p1, np.radians(lons - lon)
    a = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))  # type: ignore[no-any-return]


def _aeqd(lat0: float, lon0: float):  # type: ignore[no-untyped-def]
    """Azimuthal equidistant projection centred on (lat0, lon0), in km: distances from the centre are exact."""
    phi0, lam0 = math.radians(lat0), math.radians(lon0)
    sin0, cos0 = math.sin(phi0), math.cos(phi0)

    def project(coords: NDArray[np.float64]) -> NDArray[np.float64]:
        lam = np.radians(coords[:, 0]) - lam0
        phi = np.radians(coords[:, 1])
        cos_c = np.clip(sin0 * np.sin(phi) + cos0 * np.cos(phi) * np.cos(lam), -1.0, 1.0)
        c = np.arccos(cos_c)
        sin_c = np.sin(c)
        # k = c / sin(c), with its limit 1 at the centre; at the antipode the projection is undefined,
        # so nudge sin(c) away from zero (the antipode is as far as anything can be anyway).
        k = np.where(c < 1e-12, 1.0, c / np.maximum(sin_c, 1e-12))
        x = k * np.cos(phi) * np.sin(lam)
        y = k * (cos0 * np.sin(phi) - sin0 * np.cos(phi) * np.cos(lam))
        return np.column_stack([x, y]) * EARTH_RADIUS_KM

    return project


def distance_km(lat: float, lon: float, geom: BaseGeometry, densify_deg: float = 0.5) -> float:
    """Great-circle distance from a point to the nearest point of a geometry (0 if it covers the point).

    The geometry is projected azimuthal-equidistant around the point, where distances from the point are exact;
    edges are first split to at most `densify_deg` degrees so their curvature in that projection is negligible.
    """
    if geom.is_empty:
        return math.inf
    if geom.covers(shapely.Point(lon, lat)):
        return 0.0
    dense = shapely.segmentize(geom, densify_deg) if densify_deg else geom
    projected = shapely.transform(dense, _aeqd(lat, lon))
    return float(shapely.distance(projected, shapely.Point(0.0, 0.0)))


def nearest_point(lat: float, lon: float, geom: BaseGeometry, densify_deg: float = 0.5) -> tuple[float, float, float]:
    """The nearest point of `geom` to (lat, lon) as (lat, lon, km)."""
    if geom.covers(shapely.Point(lon, lat)):
        return lat, lon, 0.0
    dense = shapely.segmentize(geom, densify_deg) if densify_deg else geom
    projected = shapely.transform(dense, _aeqd(lat, lon))
    _, near = shapely.ops.nearest_points(shapely.Point(0.0, 0.0), projected)
    near_lat, near_lon = _inverse_aeqd(lat, lon, near.x, near.y)
    return near_lat, near_lon, math.hypot(near.x, near.y)


def _inverse_aeqd(lat0: float, lon0: float, x_km: float, y_km: float) -> tuple[float, float]:
    """Snyder's inverse of the spherical azimuthal equidistant projection (Map Projections, 1987, p. 196)."""
    x, y = x_km / EARTH_RADIUS_KM, y_km / EARTH_RADIUS_KM
    rho = math.hypot(x, y)
    if rho < 1e-15:
        return lat0, lon0
    phi0 = math.radians(lat0)
    lat = math.asin(math.cos(rho) * math.sin(phi0) + y * math.sin(rho) * math.cos(phi0) / rho)
    lon = math.radians(lon0) + math.atan2(
        x * math.sin(rho), rho * math.cos(phi0) * math.cos(rho) - y * math.sin(phi0) * math.sin(rho)
    )
    return math.degrees(lat), normalize_lon(math.degrees(lon))


def length_km(geom: BaseGeometry) -> float:
    """Length on the sphere of a geometry's lines: great-circle distances between its vertices, with segments
    first cut to at most 0.25° (in one vectorised pass, so a track of many thousand pieces costs no loop)."""
    parts = shapely.segmentize(shapely.get_parts(geom), 0.25)
    xy, which = shapely.get_coordinates(parts, return_index=True)
    if len(xy) < 2:
        return 0.0
    lat, lon = np.radians(xy[:, 1]), np.radians(xy[:, 0])
    dp, dl = lat[1:] - lat[:-1], lon[1:] - lon[:-1]
    a = np.sin(dp / 2) ** 2 + np.cos(lat[:-1]) * np.cos(lat[1:]) * np.sin(dl / 2) ** 2
    d = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    return float(d[which[1:] == which[:-1]].sum())  # not from the end of one part to the start of the next


def area_km2(geom: BaseGeometry) -> float:
    """Area on the sphere: Lambert's cylindrical equal-area projection preserves area exactly."""
    if geom.is_empty:
        return 0.0

    def project(coords: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.column_stack([np.radians(coords[:, 0]), np.sin(np.radians(coords[:, 1]))])

    return float(shapely.area(shapely.transform(shapely.segmentize(geom, 1.0), project))) * EARTH_RADIUS_KM**2


def mercator_y(lat: float) -> float:
    lat = max(-MAX_MERCATOR_LAT, min(MAX_MERCATOR_LAT, lat))
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def inverse_mercator_y(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def rhumb_line(
    start: tuple[float, float], end: tuple[float, float], step_deg: float = 0.25
) -> list[tuple[float, float]]:
    """Vertices (lon, lat) of the rhumb line (loxodrome) from start to end, straight on Mercator.

    Longitudes are unwrapped (the line may run past ±180), so the caller splits at the antimeridian. The line
    takes the shorter way round in longitude, as a treaty's "by a rhumb line to" means.
    """
    (lon0, lat0), (lon1, lat1) = start, end
    dlon = lon1 - lon0
    if dlon > 180:
        dlon -= 360
    elif dlon < -180:
        dlon += 360
    y0, y1 = mercator_y(lat0), mercator_y(lat1)
    n = max(1, math.ceil(max(abs(dlon), abs(lat1 - lat0)) / step_deg))
    points = []
    for i in range(n + 1):
        t = i / n
        points.append((lon0 + dlon * t, inverse_mercator_y(y0 + (y1 - y0) * t)))
    points[-1] = (lon0 + dlon, lat1)
    return points


def split_at_antimeridian(geom: BaseGeometry) -> BaseGeometry:
    """Cut a geometry whose longitudes run past ±180 into pieces shifted back into [-180, 180]."""
    xmin, _, xmax, _ = geom.bounds
    if xmin >= -180 and xmax <= 180:
        return geom
    pieces = []
    for shift in range(-3, 4):
        west, east = -180.0 + 360.0 * shift, 180.0 + 360.0 * shift
        if east <= xmin or west >= xmax:
            continue
        window = shapely.box(west, -90.0, east, 90.0)
        part = shapely.intersection(geom, window)
        if not part.is_empty:
            pieces.append(shapely.affinity.translate(part, xoff=-360.0 * shift))
    return shapely.union_all(pieces) if pieces else shapely.Polygon()


def bounding_cap(
    lats: Sequence[float] | NDArray[np.float64], lons: Sequence[float] | NDArray[np.float64]
) -> tuple[float, float, float]:
    """A (lat, lon, radius_km) circle that holds all the given vertices, for cheap distance lower bounds."""
    la, lo = np.asarray(lats, dtype=float), np.asarray(lons, dtype=float)
    # Centre on the mean unit vector: robust across the antimeridian.
    x = np.cos(np.radians(la)) * np.cos(np.radians(lo))
    y = np.cos(np.radians(la)) * np.sin(np.radians(lo))
    z = np.sin(np.radians(la))
    mx, my, mz = float(x.mean()), float(y.mean()), float(z.mean())
    norm = math.sqrt(mx * mx + my * my + mz * mz) or 1.0
    clat = math.degrees(math.asin(mz / norm))
    clon = math.degrees(math.atan2(my, mx))
    radius = float(haversine_km_many(clat, clon, la, lo).max()) if la.size else 0.0
    return clat, clon, radius

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from treatyscope.place.sphere import (
    EARTH_RADIUS_KM,
    area_km2,
    distance_km,
    haversine_km,
    mercator_y,
    nearest_point,
    normalize_lon,
    rhumb_line,
    split_at_antimeridian,
)


def test_a_degree_of_latitude_is_about_111_km() -> None:
    assert haversine_km(0, 0, 1, 0) == pytest.approx(111.195, abs=0.01)


def test_quarter_circumference() -> None:
    assert haversine_km(0, 0, 90, 0) == pytest.approx(math.pi * EARTH_RADIUS_KM / 2)


@given(st.floats(-720, 720, allow_nan=False))
def test_normalized_longitudes_are_in_range(lon: float) -> None:
    n = normalize_lon(lon)
    assert -180 <= n <= 180
    assert math.isclose(math.cos(math.radians(n)), math.cos(math.radians(lon)), abs_tol=1e-9)


@given(st.floats(-80, 80), st.floats(-179, 179), st.floats(-80, 80), st.floats(-179, 179))
def test_distance_to_a_point_geometry_equals_haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> None:
    d = distance_km(lat1, lon1, shapely.Point(lon2, lat2))
    assert d == pytest.approx(haversine_km(lat1, lon1, lat2, lon2), abs=1e-6, rel=1e-9)


def test_distance_to_a_polygon_is_zero_inside_and_on_the_boundary() -> None:
    box = shapely.box(0, 0, 10, 10)
    assert distance_km(5, 5, box) == 0.0
    assert distance_km(0, 5, box) == 0.0  # on the boundary: covers, not contains


def test_distance_to_a_parallel_edge_follows_the_meridian() -> None:
    band = shapely.box(-50, 30, 50, 40)
    assert distance_km(20, 0, band) == pytest.approx(10 * 111.195, rel=1e-3)


def test_nearest_point_is_on_the_geometry() -> None:
    band = shapely.box(-50, 30, 50, 40)
    lat, lon, km = nearest_point(20, 0, band)
    assert lat == pytest.approx(30, abs=1e-6) and lon == pytest.approx(0, abs=1e-6)
    assert km == pytest.approx(haversine_km(20, 0, 30, 0), rel=1e-6)


def test_area_of_a_one_degree_cell_at_the_equator() -> None:
    expected = EARTH_RADIUS_KM**2 * math.radians(1) * math.sin(math.radians(1))
    assert area_km2(shapely.box(0, 0, 1, 1)) == pytest.approx(expected, rel=1e-9)


@given(st.floats(-75, 75), st.floats(-179, 179), st.floats(-75, 75), st.floats(-179, 179))
def test_rhumb_lines_are_straight_on_mercator(lat0: float, lon0: float, lat1: float, lon1: float) -> None:
    pts = rhumb_line((lon0, lat0), (lon1, lat1))
    xs = np.array([p[0] for p in pts])
    ys = np.array([mercator_y(p[1]) for p in pts])
    # Every vertex lies on the straight segment between the end points in (lon, Mercator y).
    dx, dy = xs[-1] - xs[0], ys[-1] - ys[0]
    cross = (xs - xs[0]) * dy - (ys - ys[0]) * dx
    assert np.abs(cross).max() <= 1e-6 * max(1.0, abs(dx) + abs(dy))
    assert abs(xs[-1] - xs[0]) <= 180 + 1e-9  # the shorter way round


def test_rhumb_line_across_the_antimeridian_goes_the_short_way() -> None:
    pts = rhumb_line((170.0, 50.0), (-170.0, 54.0))
    assert pts[-1][0] == pytest.approx(190.0)
    split = split_at_antimeridian(shapely.LineString(pts))
    xmin, _, xmax, _ = split.bounds
    assert xmin >= -180 and xmax <= 180


def test_split_at_antimeridian_keeps_area() -> None:
    poly = shapely.box(170, -10, 190, 10)
    split = split_at_antimeridian(poly)
    assert split.bounds[0] >= -180 and split.bounds[2] <= 180
    assert split.area == pytest.approx(poly.area)
    assert split.covers(shapely.Point(-175, 0)) and split.covers(shapely.Point(175, 0))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-179, 179), st.floats(-80, 80)),
        min_size=3,
        max_size=8,
    ),
    st.lists(st.sampled_from(["rhumb", "straight"]), min_size=8, max_size=8),
)
def test_an_inline_polygon_ring_passes_through_every_vertex(
    vertices: list[tuple[float, float]], legs: list[str]
) -> None:
    """Each leg starts exactly where the previous one ended (up to whole turns of longitude): no drift."""
    from treatyscope.rules.regions import PolygonRegion

    ring = PolygonRegion(None, None, tuple(vertices), tuple(legs[: len(vertices)])).ring()
    for lon, lat in vertices:
        assert min(abs((x - lon + 180) % 360 - 180) + abs(y - lat) for x, y in ring) < 1e-9

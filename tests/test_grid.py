"""LayeredGrid answers exactly what testing every polygon in order with shapely.intersects_xy answers, in numpy and
in its compiled look-up (when numba is installed), each test run both ways."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

import treatyscope.place.grid
from treatyscope.place.grid import LayeredGrid
from treatyscope.place.kernels import KERNELS

WORLD = shapely.box(-180, -90, 180, 90)


@pytest.fixture(autouse=True, params=["numpy", "compiled"])
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every look-up in a test goes the one way or the other, however few its points."""
    if request.param == "compiled" and KERNELS is None:
        pytest.skip("numba is not installed (the `fast` extra)")
    monkeypatch.setattr(treatyscope.place.grid, "_COMPILED_FROM", 0 if request.param == "compiled" else 2**62)
    return str(request.param)


def brute(polygons: Sequence[BaseGeometry], lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.int32]:
    """The definition: the first polygon, in order, that intersects the point."""
    out = np.full(lon.size, -1, dtype=np.int32)
    for k in reversed(range(len(polygons))):
        out[shapely.intersects_xy(polygons[k], lon, lat)] = k
    return out


def brute_indexed(
    polygons: Sequence[BaseGeometry], lon: NDArray[np.float64], lat: NDArray[np.float64]
) -> NDArray[np.int32]:
    """The same definition for many polygons: an STRtree only picks the pairs to test, by bounding box."""
    geoms = np.array(polygons, dtype=object)
    pt, poly = shapely.STRtree(geoms).query(shapely.points(lon, lat))
    hit = shapely.intersects_xy(geoms[poly], lon[pt], lat[pt])
    out = np.full(lon.size, len(polygons), dtype=np.int64)
    np.minimum.at(out, pt[hit], poly[hit])
    return np.where(out == len(polygons), -1, out).astype(np.int32)


def on_world(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    return np.clip(lon, -180, 180), np.clip(lat, -90, 90)


def nudged(v: NDArray[np.float64]) -> NDArray[np.float64]:
    """Each value and values 1 and 3 ulps either side: the points a rounding at an edge would misplace."""
    return np.concatenate([v + k * np.spacing(v) for k in (0, -1, 1, -3, 3)])


# ------------------------------------------------------------------------------------------- synthetic polygons
def polygonal(g: BaseGeometry) -> BaseGeometry:
    """The areal part of a clipped geometry (clipping at the world's edge can leave lines and points)."""
    parts = [p for p in shapely.get_parts(g) if p.geom_type == "Polygon"]
    return shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0] if parts else shapely.Polygon()


# Cell sizes that are not binary fractions make the cell arithmetic round; 7 and 0.7 do not divide 360 either.
GRIDS = st.sampled_from([(1.0, 4), (2.5, 2), (7.0, 8), (30.0, 1), (45.0, 4), (0.7, 2), (0.3, 1), (90.0, 16)])


@st.composite
def scenes(draw: st.DrawFn) -> tuple[float, int, list[BaseGeometry], NDArray[np.float64], NDArray[np.float64]]:
    """A grid, a few overlapping polygons in a window a few cells wide (often at the edge of the world), and
    points chosen to be awkward: on vertices, edges, cell and sub-cell edges, the world's edges."""
    cell, sub = draw(GRIDS)
    step = cell / sub
    width = cell * draw(st.sampled_from([0.3, 1.0, 2.5]))
    cx = draw(st.sampled_from([-180.0, 180.0, 0.0]) | st.floats(-180, 180))
    cy = draw(st.sampled_from([-90.0, 90.0, 0.0]) | st.floats(-90, 90))

    def coord(centre: float, lo: float, hi: float) -> float:
        raw = draw(st.floats(-1, 1)) * width + centre
        if draw(st.booleans()):  # on a sub-cell edge (and so, sometimes, a cell edge), or a few ulps off it
            raw = lo + round((raw - lo) / step) * step
            raw += draw(st.integers(-4, 4)) * float(np.spacing(raw))
        return min(max(raw, lo), hi)

    def xy() -> tuple[float, float]:
        return coord(cx, -180, 180), coord(cy, -90, 90)

    polygons: list[BaseGeometry] = []
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.sampled_from(["box", "triangle", "disc", "holed", "multi", "empty"]))
        (x0, y0), (x1, y1) = xy(), xy()
        box = shapely.box(min(x0, x1), min(y0, y1), max(x0, x1) + step / 3, max(y0, y1) + step / 3)
        if kind == "triangle":
            g: BaseGeometry = shapely.Polygon([(x0, y0), (x1, y1), xy()])
        elif kind == "disc":
            g = shapely.Point(x0, y0).buffer(width * draw(st.floats(0.05, 1)), quad_segs=draw(st.integers(1, 8)))
        elif kind == "holed":
            g = box.difference(shapely.box(*shapely.centroid(box).buffer(step / 4).bounds))
        elif kind == "multi":
            g = shapely.MultiPolygon([box, shapely.box(x1 + step, y0, x1 + 2 * step, y0 + step)])
        elif kind == "empty":
            g = shapely.Polygon()
        else:
            g = box
        if not g.is_empty and not (g.is_valid and g.area > 0):
            g = box
        polygons.append(polygonal(g.intersection(WORLD)))

    n = draw(st.integers(20, 200))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    lon = [cx + rng.uniform(-2, 2, n) * width]
    lat = [cy + rng.uniform(-2, 2, n) * width]
    for g in polygons:
        v = shapely.get_coordinates(g)
        mid = (v[:-1] + v[1:]) / 2
        lon += [v[:, 0], mid[:, 0]]
        lat += [v[:, 1], mid[:, 1]]
    edges = cx + np.arange(-2 * width, 2 * width + step, step)
    grid_x = -180 + np.round((edges + 180) / step) * step
    edges = cy + np.arange(-2 * width, 2 * width + step, step)
    grid_y = -90 + np.round((edges + 90) / step) * step
    gx, gy = np.meshgrid(np.r_[grid_x, -180, 180], np.r_[grid_y, -90, 90])
    lon.append(gx.ravel())
    lat.append(gy.ravel())
    lon_all, lat_all = on_world(nudged(np.concatenate(lon)), nudged(np.concatenate(lat)))
    return cell, sub, polygons, lon_all, lat_all


# The fixture `way` only sets which look-up runs, the same for every example.
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenes())
def test_matches_the_definition_on_awkward_points(
    scene: tuple[float, int, list[BaseGeometry], NDArray[np.float64], NDArray[np.float64]],
) -> None:
    cell, sub, polygons, lon, lat = scene
    grid = LayeredGrid(polygons, cell, sub)
    got = grid.lookup(lon, lat)
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, brute(polygons, lon, lat))
    np.testing.assert_array_equal(LayeredGrid.from_bytes(grid.to_bytes()).lookup(lon, lat), got)


def test_precedence_goes_to_the_earlier_polygon() -> None:
    big, small = shapely.box(0, 0, 10, 10), shapely.box(2, 2, 3, 3)
    lon, lat = np.array([2.5, 5.0, 11.0, 10.0]), np.array([2.5, 5.0, 5.0, 10.0])
    np.testing.assert_array_equal(LayeredGrid([small, big]).lookup(lon, lat), [0, 1, -1, 1])
    np.testing.assert_array_equal(LayeredGrid([big, small]).lookup(lon, lat), [0, 0, -1, 0])


def test_no_polygons_and_empty_polygons() -> None:
    lon, lat = np.array([-180.0, 0.0, 180.0, 5.0]), np.array([-90.0, 0.0, 90.0, 5.0])
    np.testing.assert_array_equal(LayeredGrid([]).lookup(lon, lat), [-1, -1, -1, -1])
    polygons = [shapely.Polygon(), shapely.MultiPolygon(), shapely.box(4, 4, 6, 6), shapely.Polygon()]
    grid = LayeredGrid(polygons)
    np.testing.assert_array_equal(grid.lookup(lon, lat), [-1, -1, -1, 2])
    np.testing.assert_array_equal(LayeredGrid.from_bytes(grid.to_bytes()).lookup(lon, lat), [-1, -1, -1, 2])
    assert LayeredGrid.from_bytes(LayeredGrid([]).to_bytes()).lookup(lon, lat).tolist() == [-1, -1, -1, -1]


# Compiled, this is the only test of the int32 kernels: compiling them takes ~25 s, so that way is in the slow run.
@pytest.mark.parametrize("way", ["numpy", pytest.param("compiled", marks=pytest.mark.slow)], indirect=True)
def test_polygon_indices_beyond_int16(way: str) -> None:
    """Past 32,765 polygons level 2 holds int32 entries; empty polygons make that cheap to reach."""
    polygons = [shapely.Polygon()] * 40_000 + [shapely.box(0, 0, 1, 1), shapely.box(0.5, 0.5, 2, 2)]
    lon, lat = np.array([0.25, 0.75, 1.5, 3.0, 1.0]), np.array([0.25, 0.75, 1.5, 3.0, 1.0])
    grid = LayeredGrid(polygons, cell_deg=1.0, sub=4)
    expected = [40_000, 40_000, 40_001, -1, 40_000]
    np.testing.assert_array_equal(grid.lookup(lon, lat), expected)
    np.testing.assert_array_equal(LayeredGrid.from_bytes(grid.to_bytes()).lookup(lon, lat), expected)


def test_the_whole_world_and_its_edges() -> None:
    grid = LayeredGrid([WORLD], cell_deg=1.0, sub=4)
    lon = np.array([-180.0, 180.0, 180.0, -180.0, 0.0, 179.99999999999997])
    lat = np.array([-90.0, 90.0, -90.0, 90.0, 0.0, 89.99999999999999])
    assert grid.lookup(lon, lat).tolist() == [0] * 6


def test_shapes_and_empty_input_are_kept() -> None:
    grid = LayeredGrid([shapely.box(0, 0, 1, 1)])
    assert grid.lookup(np.zeros((2, 3)), np.full((2, 3), 0.5)).shape == (2, 3)
    assert grid.lookup(np.array([]), np.array([])).shape == (0,)


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="power of two"):
        LayeredGrid([], sub=12)
    with pytest.raises(ValueError, match="cell_deg"):
        LayeredGrid([], cell_deg=0)
    with pytest.raises(TypeError, match="Polygon"):
        LayeredGrid([shapely.Point(0, 0)])
    grid = LayeredGrid([])
    for lon, lat in [(180.5, 0.0), (0.0, -91.0), (np.nan, 0.0)]:
        with pytest.raises(ValueError, match="points must"):
            grid.lookup(np.array([lon]), np.array([lat]))
    with pytest.raises(ValueError, match="shape"):
        grid.lookup(np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match="LayeredGrid"):
        LayeredGrid.from_bytes(b"not a grid" * 10)


# -------------------------------------------------------------------------------------------------- real data
@cache
def real() -> tuple[list[BaseGeometry], LayeredGrid]:
    """Land pieces, then seas (which overlap each other), around the Adriatic and Tyrrhenian: shared borders,
    islands, coasts."""
    from treatyscope.place.data import geodata

    d = geodata()

    def near(b: NDArray[np.float64]) -> list[int]:
        return np.flatnonzero((b[:, 0] <= 20) & (b[:, 2] >= 8) & (b[:, 1] <= 47) & (b[:, 3] >= 37)).tolist()

    polygons = d.piece_geoms(near(d.piece_bbox)) + d.sea_geoms(near(d.sea_bbox))
    return polygons, LayeredGrid(polygons)


def test_matches_the_definition_on_real_data() -> None:
    polygons, grid = real()
    rng = np.random.default_rng(7)
    coords = shapely.get_coordinates(np.array(polygons, dtype=object))[::3]
    near = [coords + rng.normal(0, scale, coords.shape) for scale in (1e-7, 1e-4, 1e-2)]
    # Corners of the finest boxes the default grid has (1/256 degree) around the Venice lagoon.
    corners = np.stack(np.meshgrid(12 + np.arange(100) / 256, 45 + np.arange(100) / 256), axis=-1).reshape(-1, 2)
    lon = np.concatenate([
        rng.uniform(-180, 180, 50_000), rng.uniform(8, 20, 50_000), nudged(coords[:, 0]), nudged(corners[:, 0]),
        (coords[:-1, 0] + coords[1:, 0]) / 2, *(p[:, 0] for p in near),
    ])  # fmt: skip
    lat = np.concatenate([
        rng.uniform(-90, 90, 50_000), rng.uniform(37, 47, 50_000), nudged(coords[:, 1]), nudged(corners[:, 1]),
        (coords[:-1, 1] + coords[1:, 1]) / 2, *(p[:, 1] for p in near),
    ])  # fmt: skip
    lon, lat = on_world(lon, lat)
    got = grid.lookup(lon, lat)
    np.testing.assert_array_equal(got, brute_indexed(polygons, lon, lat))
    assert len(set(got[got >= 0].tolist())) > len(polygons) // 2  # most polygons were hit, so it tested something


def test_round_trip_through_bytes_on_real_data() -> None:
    _, grid = real()
    blob = grid.to_bytes()
    again = LayeredGrid.from_bytes(blob)
    assert again.to_bytes() == blob
    rng = np.random.default_rng(8)
    lon, lat = rng.uniform(8, 20, 100_000), rng.uniform(37, 47, 100_000)
    np.testing.assert_array_equal(again.lookup(lon, lat), grid.lookup(lon, lat))

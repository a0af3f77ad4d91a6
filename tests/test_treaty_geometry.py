"""The geometry the Rio and SEATO texts draw: Article 4's rhumb lines are straight on Mercator (not great circles),
points either side of each leg fall on the side the ring's orientation says (also across ±180), and SEATO's
21°30′ N line cuts the Pacific area exactly (a point on the line is inside)."""

from __future__ import annotations

import math

import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from treatyscope.api import build_scenarios, run_check
from treatyscope.place.sphere import inverse_mercator_y, mercator_y
from treatyscope.rules.load import load_rulebook
from treatyscope.rules.regions import PolygonRegion

BOOK = load_rulebook()
RIO_POLYGON: PolygonRegion = next(
    region for name, region in BOOK.regions.items() if name.startswith("rio") and isinstance(region, PolygonRegion)
)
GEOMETRY = RIO_POLYGON.geometry
VERTICES = list(RIO_POLYGON.vertices)
LEGS = [
    (i, VERTICES[i], VERTICES[(i + 1) % len(VERTICES)])
    for i, leg in enumerate(RIO_POLYGON.legs)
    if leg in ("rhumb", "meridian") and max(abs(VERTICES[i][1]), abs(VERTICES[(i + 1) % len(VERTICES)][1])) < 89
]


def _unwrapped(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    """b's longitude moved by whole turns to be the short way round from a (as a rhumb line runs)."""
    d = (b[0] - a[0] + 180) % 360 - 180
    return a[0] + d, b[1]


def _on_rhumb(a: tuple[float, float], b: tuple[float, float], t: float) -> tuple[float, float]:
    """The point a fraction t along the rhumb line from a to b: linear in longitude and in Mercator y."""
    b = _unwrapped(a, b)
    lon = a[0] + (b[0] - a[0]) * t
    y = mercator_y(a[1]) + (mercator_y(b[1]) - mercator_y(a[1])) * t
    return lon, inverse_mercator_y(y)


def _inside(lon: float, lat: float) -> bool:
    lon = (lon + 180) % 360 - 180
    return bool(GEOMETRY.covers(shapely.Point(lon, lat)))


def _ring_is_clockwise() -> bool:
    """The orientation of the ring on Mercator (unwrapped longitudes), which says on which side the inside lies."""
    pts, lon = [], VERTICES[0][0]
    for i in range(len(VERTICES)):
        a = (lon, VERTICES[i][1])
        pts.append((a[0], mercator_y(max(-85.0, min(85.0, a[1])))))
        lon = _unwrapped(a, VERTICES[(i + 1) % len(VERTICES)])[0]
    area2 = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1], strict=True))
    return area2 < 0


CLOCKWISE = _ring_is_clockwise()


def test_the_rio_region_has_rhumb_legs_and_crosses_the_antimeridian() -> None:
    assert sum(1 for leg in RIO_POLYGON.legs if leg == "rhumb") >= 5
    assert any(lon < -180 for lon, _ in VERTICES), "the Pacific legs are written beyond -180"


@settings(max_examples=300, deadline=None)
@given(leg=st.sampled_from(LEGS), t=st.floats(0.1, 0.9))
def test_points_either_side_of_each_leg_fall_on_the_right_side(
    leg: tuple[int, tuple[float, float], tuple[float, float]], t: float
) -> None:
    _, a, b = leg
    lon, lat = _on_rhumb(a, b, t)
    # The leg's direction on Mercator, and the normal to its right (inside, for a clockwise ring).
    b2 = _unwrapped(a, b)
    dx, dy = b2[0] - a[0], mercator_y(b[1]) - mercator_y(a[1])
    norm = math.hypot(dx, dy)
    rx, ry = dy / norm, -dx / norm
    if not CLOCKWISE:
        rx, ry = -rx, -ry
    eps = 0.02  # degrees of longitude / Mercator units, well inside the 0.25° densification tolerance
    y = mercator_y(lat)
    inner = (lon + rx * eps, inverse_mercator_y(y + ry * eps * math.pi / 180))
    outer = (lon - rx * eps, inverse_mercator_y(y - ry * eps * math.pi / 180))
    assert _inside(*inner), f"leg {leg[0]} at t={t:.2f}: {inner} should be inside"
    assert not _inside(*outer), f"leg {leg[0]} at t={t:.2f}: {outer} should be outside"


def test_long_rhumb_legs_are_not_great_circles() -> None:
    """The midpoint of each long east-west rhumb leg lies on the boundary; the great circle's midpoint does not."""
    boundary = GEOMETRY.boundary
    checked = 0
    for i, a, b in LEGS:
        b2 = _unwrapped(a, b)
        if RIO_POLYGON.legs[i] != "rhumb" or abs(b2[0] - a[0]) < 20:
            continue
        rhumb_mid = _on_rhumb(a, b, 0.5)
        # Great-circle midpoint, from the two ends as unit vectors.
        v = [
            sum(f(math.radians(p[1])) * g(math.radians(p[0])) for p in (a, b2))
            for f, g in ((math.cos, math.cos), (math.cos, math.sin), (math.sin, lambda _: 1.0))
        ]
        gc_mid = (math.degrees(math.atan2(v[1], v[0])), math.degrees(math.atan2(v[2], math.hypot(v[0], v[1]))))
        norm = lambda p: shapely.Point((p[0] + 180) % 360 - 180, p[1])  # noqa: E731
        assert boundary.distance(norm(rhumb_mid)) < 0.01
        assert boundary.distance(norm(gc_mid)) > 0.1  # more than 10 km off the drawn leg
        checked += 1
    assert checked >= 2


def _verdict(lat: float, lon: float) -> str:
    scenarios, _ = build_scenarios(
        at=f"{lat},{lon}",
        targets=["vessel"],
        date="1960-01-01",
        interpretation=[
            "seato-against-a-party=forces-too",
            "seato-south-west-pacific=western-pacific-to-the-line",
        ],
    )
    (result,) = run_check(scenarios, treaties=["seato"])
    return result.verdict


@settings(max_examples=25, deadline=None)
@given(lon=st.floats(125, 150), eps=st.floats(1e-6, 0.5))
def test_seato_21_30_splits_the_pacific_area_exactly(lon: float, eps: float) -> None:
    assert _verdict(21.5 - eps, lon) == "applies"
    assert _verdict(21.5 + eps, lon) == "does-not-apply"


def test_a_point_on_the_seato_line_is_inside() -> None:
    assert _verdict(21.5, 130.0) == "applies"

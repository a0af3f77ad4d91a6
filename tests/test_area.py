"""`treatyscope area`: the covered area as RFC 7946 GeoJSON, which agrees with `check` point by point."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

import sampling
from treatyscope.cli import main
from treatyscope.evaluation.check import check
from treatyscope.evaluation.coverage import covered_area
from treatyscope.input.scenario import Scenario
from treatyscope.place.data import geodata
from treatyscope.rules.load import load_rulebook

DAY = dt.date(2026, 11, 28)
BOOK = load_rulebook()


@pytest.fixture(scope="module")
def nato_vessel_geojson() -> dict:  # type: ignore[type-arg]
    from contextlib import redirect_stdout
    from io import StringIO

    buf = StringIO()
    with redirect_stdout(buf):
        code = main(["area", "--treaty", "nato", "--target", "vessel", "--date", DAY.isoformat()])
    assert code == 0
    return json.loads(buf.getvalue())  # type: ignore[no-any-return]


def _rings(geometry: dict) -> list[tuple[list[list[float]], bool]]:  # type: ignore[type-arg]
    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [(ring, k == 0) for poly in polys for k, ring in enumerate(poly)]


def _signed_area(ring: list[list[float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring)) / 2


def test_the_export_is_valid_rfc_7946(nato_vessel_geojson: dict) -> None:  # type: ignore[type-arg]
    doc = nato_vessel_geojson
    assert doc["type"] == "FeatureCollection" and doc["features"]
    props = doc["properties"]
    assert props["article"] == "nato-5" and props["version"] == "art6-1952" and props["date"] == "2026-11-28"
    assert "north-atlantic-area" in props["readings_that_matter"]
    statuses = {f["properties"]["status"] for f in doc["features"]}
    assert statuses == {"covered", "contested"}
    for feature in doc["features"]:
        geom = feature["geometry"]
        assert geom["type"] == "MultiPolygon"
        assert shape(geom).is_valid, shapely.is_valid_reason(shape(geom))
        for ring, exterior in _rings(geom):
            assert ring[0] == ring[-1] and len(ring) >= 4, "rings are closed"
            assert all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in ring)
            # No edge spans the antimeridian (an edge along a pole, where longitude means nothing, may).
            assert all(
                abs(x1 - x0) <= 180 or abs(y0) == abs(y1) == 90 for (x0, y0), (x1, y1) in itertools.pairwise(ring)
            )
            area = _signed_area(ring)
            assert (area > 0) == exterior, "right-hand rule: exteriors counter-clockwise, holes clockwise"


def test_contested_parts_name_the_readings_that_cover_them(nato_vessel_geojson: dict) -> None:  # type: ignore[type-arg]
    contested = [f["properties"] for f in nato_vessel_geojson["features"] if f["properties"]["status"] == "contested"]
    readings = [p["covered_if_readings"] for p in contested]
    assert {"north-atlantic-area": ["general-region"]} in readings
    assert {"mediterranean-sea": ["with-the-black-sea"]} in readings
    labels = [p["covered_if"] for p in contested]
    assert "covered if “North Atlantic area” is read as the general region" in labels
    assert "covered if “the Mediterranean Sea” is read as the wider Mediterranean with the Black Sea" in labels


def _random_points(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))  # uniform on the sphere
    lon = rng.uniform(-180, 180, n)
    return lat, lon


def _coast_points(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Within 3 km of the lines where `locate`'s answers change near coasts: the coast itself, the outer edge of
    the coastal bands, and the edges of the gap fills; and within 1.2 radii of every curated feature."""
    data = geodata()
    rng = np.random.default_rng(seed)
    lines = [g.boundary for g in data.coast_geoms(sorted(rng.choice(len(data.coast_owners), 600).tolist()))]
    lines += [g.boundary for g in data.piece_geoms(sorted(rng.choice(len(data.piece_ids), 300).tolist()))]
    lines += [g.boundary for g in data.gap_geoms(list(range(len(data.sea_list)))) if not g.is_empty]
    lat, lon = sampling.along(lines, n, rng)
    km, bearing = rng.uniform(0, 3, n), rng.uniform(0, 2 * np.pi, n)
    lat = np.clip(lat + km * np.cos(bearing) / 111.195, -90, 90)
    lon = np.clip(lon + km * np.sin(bearing) / 111.195 / np.maximum(0.05, np.cos(np.radians(lat))), -180, 180)
    for f in data.features.values():
        d, b = rng.uniform(0, 1.2 * f.radius_km, 8), rng.uniform(0, 2 * np.pi, 8)
        lat = np.append(lat, f.lat + d * np.cos(b) / 111.195)
        lon = np.append(lon, f.lon + d * np.sin(b) / 111.195 / np.cos(np.radians(f.lat)))
    return lat, lon


def _disagreements(treaty: str, target: str, on: dt.date, lat: np.ndarray, lon: np.ndarray) -> list[tuple]:  # type: ignore[type-arg]
    area = covered_area(BOOK, treaty, target, on)
    out = []
    for y, x in zip(lat.tolist(), lon.tolist(), strict=True):
        scenario = Scenario(label="p", target=target, date=on, point=(y, x), find_nearest=False)
        (result,) = check(scenario, BOOK, [treaty])
        if result.verdict != area.classify(y, x):
            out.append((round(y, 5), round(x, 5), result.verdict, area.classify(y, x)))
    return out


@pytest.mark.parametrize(
    ("treaty", "target", "n", "on"),
    [
        ("nato", "vessel", 2_000, DAY),
        pytest.param("nato", "vessel", 10_000, DAY, marks=pytest.mark.slow),
        ("nato", "territory", 800, DAY),  # each place as its holder's territory; features; sovereign vs control
        ("csto", "territory", 400, dt.date(2023, 1, 1)),  # Crimea: contested between its sovereign and controller
    ],
)
def test_check_and_the_export_agree_at_random_points(treaty: str, target: str, n: int, on: dt.date) -> None:
    """Every point, coasts included: the drawing is made of what `locate` tells apart (place.drawing)."""
    lat, lon = _random_points(n, seed=7)
    disagree = _disagreements(treaty, target, on, lat, lon)
    assert not disagree, disagree[:10]


@pytest.mark.parametrize(
    ("treaty", "target", "n", "on"),
    [
        ("nato", "vessel", 1_500, DAY),
        pytest.param("nato", "territory", 6_000, DAY, marks=pytest.mark.slow),
        pytest.param("us-japan", "vessel", 6_000, DAY, marks=pytest.mark.slow),
    ],
)
def test_check_and_the_export_agree_near_coasts_and_features(treaty: str, target: str, n: int, on: dt.date) -> None:
    """Where the coastal bands, the gap fills and the curated features decide what a point is."""
    lat, lon = _coast_points(n, seed=11)
    disagree = _disagreements(treaty, target, on, lat, lon)
    assert not disagree, disagree[:10]


def test_before_entry_into_force_nothing_is_covered(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["area", "--treaty", "nato", "--target", "territory", "--date", "1949-01-01"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["features"] == []
    assert "not in force" in doc["properties"]["note"]


def test_bad_input_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["area", "--treaty", "natoo"]) == 2
    assert "Unknown treaty 'natoo'" in capsys.readouterr().err
    assert main(["area", "--treaty", "nato", "-i", "north-atlantic-area=everywhere"]) == 2
    assert "has no reading 'everywhere'" in capsys.readouterr().err

"""`treatyscope area`: the covered area as RFC 7946 GeoJSON, which agrees with `check` point by point."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from treatyscope.cli import main
from treatyscope.evaluation.check import check
from treatyscope.evaluation.coverage import covered_area, land_union
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


@pytest.mark.parametrize(
    ("treaty", "target", "n", "on"),
    [
        ("nato", "vessel", 2_000, DAY),
        pytest.param("nato", "vessel", 10_000, DAY, marks=pytest.mark.slow),  # 40 s of `check`: in the slow run
        ("nato", "territory", 800, DAY),  # each place as its holder's territory; features; sovereign vs control
        ("csto", "territory", 400, dt.date(2023, 1, 1)),  # Crimea: contested between its sovereign and controller
    ],
)
def test_check_and_the_export_agree_on_random_points(treaty: str, target: str, n: int, on: dt.date) -> None:
    """Points within 1 km of the area's boundary are left out, as are those where `check` applies rules the drawing
    does not (within 2 km of a coast, in gaps between the named seas and the land): see area.py."""
    data = geodata()
    area = covered_area(BOOK, treaty, target, on)
    lat, lon = _random_points(n, seed=7)
    km = 1 / (111.32 * np.maximum(np.cos(np.radians(lat)), 0.05))  # one km in degrees of longitude, at each point
    edges = shapely.union_all([area.covered.boundary, *[g.boundary for _, g in area.contested]])
    land = land_union(data)
    seas = shapely.union_all(data.sea_geoms([s.index for s in data.sea_list]))
    for g in (edges, land, seas):
        shapely.prepare(g)
    points = shapely.points(lon, lat)
    near_edge = shapely.dwithin(edges, points, km)
    near_coast = shapely.dwithin(land.boundary, points, 2 * km)
    in_gap = ~shapely.covers(land, points) & ~shapely.covers(seas, points)
    keep = ~(near_edge | near_coast | in_gap)
    assert keep.sum() > 0.9 * n
    disagree = []
    for y, x in zip(lat[keep], lon[keep], strict=True):
        scenario = Scenario(label="p", target=target, date=on, point=(float(y), float(x)), find_nearest=False)
        (result,) = check(scenario, BOOK, [treaty])
        if result.verdict != area.classify(float(y), float(x)):
            disagree.append((round(float(y), 4), round(float(x), 4), result.verdict, area.classify(float(y), float(x))))
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

"""The territorial sea, as UNCLOS defines it and treatyscope draws it.

Article 2(1): "The sovereignty of a coastal State extends, beyond its land territory ... to an adjacent belt of sea,
described as the territorial sea." Article 3: its breadth does not exceed "12 nautical miles, measured from
baselines". Article 15: failing agreement, neither of two states with opposite or adjacent coasts extends it
"beyond the median line every point of which is equidistant from the nearest points on the baselines".

treatyscope draws the belt from the simplified coastline (the data has no baselines), so these tests measure it
against that coastline: great-circle distances to the land pieces, within the tolerances the build states.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import treatyscope
from treatyscope.cli import app
from treatyscope.place.data import geodata
from treatyscope.place.locate import locate
from treatyscope.place.sphere import distance_km
from treatyscope.place.world import TERRITORIAL_SEA_KM

# Seas where coasts face each other closely, so the belt meets another state's or the open sea: the Aegean, the
# Taiwan Strait, the Korea Strait, the Gulf of Finland, the Strait of Gibraltar, the Lesser Antilles.
BOXES = [
    (36.5, 25.5, 39.5, 27.5),
    (23.5, 118.0, 26.0, 121.5),
    (33.5, 128.5, 35.5, 130.5),
    (59.3, 23.0, 60.5, 28.0),
    (35.6, -6.2, 36.3, -5.0),
    (14.0, -62.0, 17.5, -60.5),
]
LIMIT_KM = 0.5  # the outer limit: the buffer's chords, the projection and the 10 m simplification, with margin
SPLIT_KM = 1.5  # the median line: coasts sampled every 1 km, with margin


def _sample(n_per_box: int = 40, seed: int = 11) -> list[tuple[float, float]]:
    rng = np.random.default_rng(seed)
    points = []
    for south, west, north, east in BOXES:
        lats = rng.uniform(south, north, n_per_box)
        lons = rng.uniform(west, east, n_per_box)
        points += list(zip(lats.tolist(), lons.tolist(), strict=True))
    return points


def _coast_distances(lat: float, lon: float) -> dict[str, float]:
    """The great-circle distance from a point to the nearest land of each territory within reach."""
    data = geodata()
    out: dict[str, float] = {}
    pieces = data.pieces_near(lat, lon, 0.6)
    for i, g in zip(pieces, data.piece_geoms(pieces), strict=True):
        d = distance_km(lat, lon, g)
        t = data.piece_territory[i]
        out[t] = min(d, out.get(t, np.inf))
    return out


@pytest.fixture(scope="module")
def sampled() -> list[tuple[float, float, object, object]]:
    at_sea = []
    for lat, lon in _sample():
        with_belt = locate(lat, lon)
        if with_belt.setting in ("land", "coast"):
            continue
        at_sea.append((lat, lon, with_belt, locate(lat, lon, territorial_sea=False)))
    assert len(at_sea) > 100  # most of the boxes is sea
    return at_sea


def test_the_belt_reaches_twelve_nautical_miles_and_no_further(sampled: list) -> None:
    in_belt = beyond = 0
    for lat, lon, loc, _ in sampled:
        nearest = min(_coast_distances(lat, lon).values(), default=np.inf)
        if loc.setting == "territorial-sea":
            in_belt += 1
            assert nearest <= TERRITORIAL_SEA_KM + LIMIT_KM, (lat, lon, nearest)
        else:
            beyond += 1
            assert nearest >= TERRITORIAL_SEA_KM - LIMIT_KM, (lat, lon, nearest)
    assert in_belt > 20 and beyond > 20  # both sides of the limit were tried


def test_where_belts_meet_the_nearer_coast_holds_the_sea(sampled: list) -> None:
    for lat, lon, loc, _ in sampled:
        if loc.setting != "territorial-sea":
            continue
        distances = _coast_distances(lat, lon)
        assert loc.territory is not None
        assert distances[loc.territory.id] <= min(distances.values()) + SPLIT_KM, (lat, lon, loc.territory.id)


def test_a_point_in_a_belt_keeps_its_sea_and_without_belts_is_simply_at_sea(sampled: list) -> None:
    for lat, lon, loc, without in sampled:
        assert without.setting == "sea" and without.territory is None
        assert (loc.sea.id if loc.sea else None) == (without.sea.id if without.sea else None), (lat, lon)
        if loc.setting == "territorial-sea":
            assert loc.continent is not None or loc.territory is not None


def test_a_line_out_to_sea_is_cut_where_locate_finds_the_territorial_sea(tmp_path: Path) -> None:
    # Due west out to sea from Portugal's coast at 39.4° N.
    path = tmp_path / "line.geojson"
    path.write_text(json.dumps({"type": "LineString", "coordinates": [[-10.6, 39.4], [-9.36, 39.4]]}))
    ask = {"geojson": str(path), "treaty": "eu", "target": "vessel", "party": "PRT", "date": "2026-11-28"}
    (result,) = treatyscope.check(**ask)
    assert result.scope is not None
    parts = result.scope.parts
    belt = [p for p in parts if p.name.startswith("The territorial sea of")]
    assert len(belt) == 1, [p.name for p in parts]
    # The part is where `locate` finds the belt along the line (sampled every 50 m), within the sampling step.
    lons = np.linspace(-10.6, -9.36, 2001)
    in_belt = sum(locate(39.4, lon).setting == "territorial-sea" for lon in lons.tolist())
    km = 1.24 * 111.195 * np.cos(np.radians(39.4))
    assert abs(in_belt / 2000 * km - belt[0].size) <= 0.2, (in_belt / 2000 * km, belt[0].size)
    assert belt[0].size >= TERRITORIAL_SEA_KM - 2.0  # at least the belt less the 2 km coastal band
    assert belt[0].verdict.value == "applies"  # the vessel is on Portugal's territory (TEU 42(7))
    (without,) = treatyscope.check(**ask, territorial_sea=False)
    assert without.scope is not None
    assert not [p for p in without.scope.parts if p.name.startswith("The territorial sea of")]
    assert without.verdict.value == "does-not-apply"


def test_the_command_line_turns_the_belt_off_and_says_when_it_is_on() -> None:
    runner = CliRunner()
    on = runner.invoke(app, ["check", "--at", "59.55,24.7", "--treaty", "nato", "--target", "vessel", "-p", "EST"])
    assert on.exit_code == 0, on.output
    assert "territorial sea of Estonia" in on.output
    assert "UNCLOS Article 2" in " ".join(on.output.split())
    off = runner.invoke(
        app,
        ["check", "--at", "59.55,24.7", "--treaty", "nato", "--target", "vessel", "-p", "EST", "--no-territorial-sea"],
    )
    assert off.exit_code == 0, off.output
    said = " ".join(off.output.split())
    assert "territorial sea of Estonia" not in said and "UNCLOS" not in said
    assert "Given: territorial seas counted as sea, not as their coast's territory (--no-territorial-sea)" in said
    where = runner.invoke(app, ["where", "--at", "59.55,24.7", "--format", "json"])
    assert json.loads(where.output)["setting"] == "territorial-sea"


def test_the_flag_and_its_negation_together_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    from treatyscope.cli import main

    assert main(["check", "--at", "59.55,24.7", "--territorial-sea", "--no-territorial-sea"]) == 2
    assert "--territorial-sea and --no-territorial-sea contradict each other" in capsys.readouterr().err

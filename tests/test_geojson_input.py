"""What `check --geojson` reads: RFC 7946 as written, inside caps that keep one file from taking unbounded time or
memory, and a track's length shared out whole between its parts."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
from pathlib import Path

import pytest

from treatyscope.cli import main
from treatyscope.input.geojson import read_geojson
from treatyscope.input.scenario import build_scenarios
from treatyscope.place.sphere import length_km


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write(path: Path, geometry: object) -> str:
    path.write_text(json.dumps(geometry))
    return str(path)


def one_line_error(err: str) -> bool:
    return err.count("\n") == 1 and err.startswith("treatyscope: error:") and "Traceback" not in err


def test_a_track_stepping_across_180_degrees_is_refused_and_the_split_one_is_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # As written, [170, 52] -> [-170, 52] runs 340° west; a crossing of the antimeridian was probably meant.
    # RFC 7946 §3.1.9 asks for such a line to be cut at ±180°: neither reading is assumed.
    unsplit = write(tmp_path / "unsplit.geojson", {"type": "LineString", "coordinates": [[170, 52], [-170, 52]]})
    code, _, err = run(capsys, "check", "--geojson", unsplit, "-t", "aircraft", "--treaty", "nato")
    assert code == 2 and one_line_error(err)
    assert "170 to -170" in err and "RFC 7946 §3.1.9" in err and "MultiLineString" in err
    split = write(
        tmp_path / "split.geojson",
        {"type": "MultiLineString", "coordinates": [[[170, 52], [180, 52]], [[-180, 52], [-170, 52]]]},
    )
    code, out, _ = run(capsys, "check", "--geojson", split, "-t", "aircraft", "--treaty", "nato", "--format", "json")
    parts = {p["id"] for p in json.loads(out)["results"][0]["parts"]}
    assert code == 0 and "bering-sea" in parts and "russia-main" not in parts and "canada" not in parts


@pytest.mark.parametrize(
    ("ring", "west", "east"),
    [
        ([[-179, -10], [179, -10], [179, 10], [-179, 10], [-179, -10]], -179, 179),  # a box 358° wide, not a sliver
        ([[-180, -90], [180, -90], [180, 90], [-180, 90], [-180, -90]], -180, 180),  # the whole world
    ],
)
def test_areas_are_read_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ring: list[list[float]], west: float, east: float
) -> None:
    monkeypatch.setenv("TREATYSCOPE_GEOJSON_MAX_LAND_UNITS", "100000")  # read only, not answered
    geom, _ = read_geojson(write(tmp_path / "area.geojson", {"type": "Polygon", "coordinates": [ring]}))
    assert geom.bounds[0] == west and geom.bounds[2] == east


def test_a_box_almost_round_the_world_is_checked_as_that_box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TREATYSCOPE_GEOJSON_MAX_LAND_UNITS", "100000")  # read only, not answered
    box = write(
        tmp_path / "box.geojson",
        {"type": "Polygon", "coordinates": [[[-179, 40], [179, 40], [179, 50], [-179, 50], [-179, 40]]]},
    )
    scenarios, _ = build_scenarios(geojson=box, targets=["territory"], date="2024-01-01")
    assert scenarios[0].geometry.area > 358 * 10 - 1  # in square degrees: the box, not a 2°-wide sliver


def test_the_vertex_cap_names_itself_and_how_to_raise_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    coords = [[i * 0.01, 30] for i in range(50)]
    track = write(tmp_path / "track.geojson", {"type": "LineString", "coordinates": coords})
    monkeypatch.setenv("TREATYSCOPE_GEOJSON_MAX_VERTICES", "40")
    code, _, err = run(capsys, "check", "--geojson", track, "--treaty", "nato")
    assert code == 2 and one_line_error(err) and "50 vertices" in err and "limit of 40" in err
    assert "TREATYSCOPE_GEOJSON_MAX_VERTICES=N" in err
    monkeypatch.setenv("TREATYSCOPE_GEOJSON_MAX_VERTICES", "many")
    code, _, err = run(capsys, "check", "--geojson", track, "--treaty", "nato")
    assert code == 2 and one_line_error(err) and "not a positive whole number" in err
    monkeypatch.setenv("TREATYSCOPE_GEOJSON_MAX_VERTICES", "50")
    code, _, _ = run(capsys, "check", "--geojson", track, "--treaty", "nato", "-t", "vessel")
    assert code == 0


def test_an_area_reaching_too_many_land_units_is_refused_at_once(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole world as a polygon would take many minutes: refused before any work, naming the cap, what to do
    instead and how to raise it. A line over the same land is not capped by it (its work grows with its vertices)."""
    world = write(
        tmp_path / "world.geojson",
        {"type": "Polygon", "coordinates": [[[-180, -90], [180, -90], [180, 90], [-180, 90], [-180, -90]]]},
    )
    code, _, err = run(capsys, "check", "--geojson", world, "--treaty", "nato")
    assert code == 2 and one_line_error(err) and "more than the limit of 1,000" in err
    assert "treatyscope area --treaty ID" in err and "TREATYSCOPE_GEOJSON_MAX_LAND_UNITS=N" in err
    monkeypatch.setenv("TREATYSCOPE_GEOJSON_MAX_LAND_UNITS", "3")
    benelux = [[3, 50], [7, 50], [7, 53], [3, 53], [3, 50]]
    area = write(tmp_path / "area.geojson", {"type": "Polygon", "coordinates": [benelux]})
    code, _, err = run(capsys, "check", "--geojson", area, "--treaty", "nato")
    assert code == 2 and "limit of 3" in err
    line = write(tmp_path / "line.geojson", {"type": "LineString", "coordinates": benelux})
    code, _, _ = run(capsys, "check", "--geojson", line, "--treaty", "nato", "-t", "vessel")
    assert code == 0


def test_the_size_cap_stops_reading_an_endless_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TREATYSCOPE_GEOJSON_MAX_BYTES", "1000")
    big = write(tmp_path / "big.geojson", {"type": "MultiPoint", "coordinates": [[i * 0.01, 30] for i in range(200)]})
    code, _, err = run(capsys, "check", "--geojson", big)
    assert code == 2 and one_line_error(err) and "limit of 1,000 bytes" in err
    assert "TREATYSCOPE_GEOJSON_MAX_BYTES=N" in err
    if os.path.exists("/dev/zero"):  # endless: read no further than the cap
        code, _, err = run(capsys, "check", "--geojson", "/dev/zero")
        assert code == 2 and one_line_error(err) and "limit of 1,000 bytes" in err


def test_deep_nesting_and_bad_bytes_are_one_line_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    deep = tmp_path / "deep.geojson"
    deep.write_text("[" * 100_000)
    code, _, err = run(capsys, "check", "--geojson", str(deep))
    assert code == 2 and one_line_error(err) and "nested deeper" in err
    latin = tmp_path / "latin.geojson"
    latin.write_bytes(b'{"type": "Point", "coordinates": [10, 50], "name": "K\xf6ln"}')
    code, _, err = run(capsys, "check", "--geojson", str(latin))
    assert code == 2 and one_line_error(err) and "not UTF-8" in err


@pytest.mark.parametrize("seed", [2, 3, 4])
def test_a_track_is_cut_into_land_and_the_rest_without_loss_or_overlap(seed: int) -> None:
    """A 1,500-vertex random walk over the Channel and the Low Countries: its land parts (cut from the segments
    near each place) and the rest (what each segment keeps after its own land stretches) add up to its length."""
    import shapely

    from treatyscope.evaluation.subjects import Track, area_atoms
    from treatyscope.place.data import geodata

    rng = random.Random(seed)
    x, y, walk = 0.0, 50.0, []
    for _ in range(1_500):
        x, y = x + rng.uniform(-0.2, 0.2), y + rng.uniform(-0.2, 0.2)
        walk.append((x, y))
    line = shapely.LineString(walk)
    data = geodata()
    track = Track(line)
    pieces = data.pieces_near(50.0, 0.0, 8.0)
    land = area_atoms(pieces, dt.date(2024, 1, 1), data, clip=track)
    rest = track.rest([a.geom for a in land])
    assert land and not rest.is_empty
    total = sum(a.area_km2 or 0.0 for a in land) + length_km(rest)
    assert total == pytest.approx(length_km(line), rel=1e-6)


@pytest.mark.parametrize(
    "box",
    [(-6.0, 35.6, -5.0, 36.3), (122.5, 24.0, 123.5, 24.8), (9.5, 54.0, 11.0, 55.0)],
    ids=["Strait of Gibraltar", "Yonaguni", "Danish straits"],
)
def test_an_area_is_shared_out_whole_coasts_included(tmp_path: Path, box: tuple[float, float, float, float]) -> None:
    """Land, coastal bands (with their coast's facts), named seas and the gaps between them share out the whole area
    once: nothing left out near a coast, nothing counted twice."""
    import shapely

    from treatyscope.evaluation.subjects import subjects
    from treatyscope.place.data import geodata
    from treatyscope.place.sphere import area_km2

    path = write(tmp_path / "box.geojson", json.loads(shapely.to_geojson(shapely.box(*box))))
    scenarios, _ = build_scenarios(geojson=path, targets=["territory"], date="2024-01-01")
    parts, _ = subjects(scenarios[0], geodata())
    assert {"land", "coast", "sea"} <= {p.setting for p in parts}
    # To a hundred-thousandth: the vendored polygons leave slivers of a few hundred m² where they do not quite meet.
    assert sum(p.area_km2 for p in parts) == pytest.approx(area_km2(scenarios[0].geometry), rel=1e-5)


def test_the_territorial_sea_is_a_part_of_shapes_and_can_be_left_out(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # A triangle off Provence: French territorial sea along the coast, the Mediterranean beyond it.
    box = write(tmp_path / "box.geojson", {"type": "Polygon", "coordinates": [[[5, 43], [6, 43], [6, 42], [5, 43]]]})
    code, out, _ = run(capsys, "check", "--geojson", box, "--treaty", "eu", "--target", "vessel", "-f", "json")
    assert code == 0
    names = {p["name"] for r in json.loads(out)["results"] for p in r["parts"]}
    assert "The territorial sea of Metropolitan France" in names
    code, out, _ = run(capsys, "check", "--geojson", box, "--treaty", "eu", "--no-territorial-sea", "-f", "json")
    assert code == 0
    names = {p["name"] for r in json.loads(out)["results"] for p in r["parts"]}
    assert not any(n.startswith("The territorial sea") for n in names)

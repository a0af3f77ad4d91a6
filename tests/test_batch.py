"""`treatyscope batch`: no row lost, every bad row carries its error, and each verdict is the one `check` gives."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from treatyscope.batch.arrays import classify
from treatyscope.cli import main
from treatyscope.evaluation.check import check
from treatyscope.input.scenario import Scenario
from treatyscope.rules.load import load_rulebook

BOOK = load_rulebook()

EVENTS = """id,name,latitude,longitude,event_date,target,party
1,Tallinn,59.437,24.7536,2024-01-01,,
2,Taipei,25.03,121.56,2024-01-01,,
3,no coordinates,,,2024-01-01,,
4,latitude 95,95,10,2024-01-01,,
5,impossible date,50,10,2024-13-40,,
6,Honolulu,21.3,-157.85,1990-01-01,,
7,unknown party,48.85,2.35,2024-01-01,,Atlantis Kingdom
8,words for numbers,abc,10,2024-01-01,,
9,Algiers 1960,36.75,3.06,1960-01-01,,
10,a ship off Lisbon,38.6,-9.5,2024-01-01,vessel,
11,unknown target,38.6,-9.5,2024-01-01,submarine,
12,"a name, with a comma",40.0,-30.0,,vessel,
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def scalar(lat: float, lon: float, on: dt.date, target: str, treaty: str, party: str | None = None) -> str:
    scenario = Scenario(label="p", target=target, date=on, point=(lat, lon), party=party, find_nearest=False)
    return check(scenario, BOOK, [treaty])[0].verdict


def test_a_csv_with_bad_rows_keeps_every_row_and_names_each_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src, dst = tmp_path / "events.csv", tmp_path / "out.csv"
    src.write_text(EVENTS)
    code, _, err = run(capsys, "batch", str(src), "-o", str(dst), "--treaty", "nato", "--date", "2020-06-01")
    assert code == 0
    with dst.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["id"] for r in rows] == [str(i) for i in range(1, 13)], "same rows, same order"
    assert list(rows[0])[:7] == ["id", "name", "latitude", "longitude", "event_date", "target", "party"]
    errors = {r["id"]: (r["nato_reason"], r["treatyscope_error"]) for r in rows if r["nato_verdict"] == "error"}
    assert errors == {
        "3": ("missing-coordinates", "no latitude in column 'latitude'"),
        "4": ("out-of-range", errors["4"][1]),
        "5": ("bad-date", "date '2024-13-40' is not YYYY-MM-DD"),
        "7": ("unknown-party", errors["7"][1]),
        "8": ("bad-coordinates", "latitude 'abc' in column 'latitude' is not a number"),
        "11": ("unknown-target", errors["11"][1]),
    }
    assert "Latitude 95.0 is out of range" in errors["4"][1] and "Atlantis Kingdom" in errors["7"][1]
    assert "rows with errors: bad-coordinates 1, bad-date 1, missing-coordinates 1, out-of-range 1, " in err
    assert "12 rows classified" in err
    by_id = {r["id"]: r for r in rows}
    assert by_id["1"]["nato_verdict"] == "applies" and by_id["1"]["nato_reason"] == "in-scope"
    assert by_id["2"]["nato_reason"] == "not-a-party"
    assert by_id["9"]["nato_verdict"] == "applies"  # Algiers, a French department until 1962
    assert by_id["12"]["name"] == "a name, with a comma"  # quoting survives
    # Every classified row says what `check` says, with the row's own date and target (or the defaults).
    for r in rows:
        if r["nato_verdict"] != "error":
            on = dt.date.fromisoformat(r["event_date"] or "2020-06-01")
            verdict = scalar(float(r["latitude"]), float(r["longitude"]), on, r["target"] or "territory", "nato")
            assert r["nato_verdict"] == verdict, r


def test_geojson_and_ndjson_keep_every_feature(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [24.7536, 59.437]}, "properties": {"n": 1}},
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
            "properties": {"n": 2},
        },
        {"type": "Feature", "geometry": None, "properties": {"n": 3}},
    ]
    src, dst = tmp_path / "in.geojson", tmp_path / "out.geojson"
    src.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    assert run(capsys, "batch", str(src), "-o", str(dst), "--treaty", "nato")[0] == 0
    out = json.loads(dst.read_text())["features"]
    assert [f["properties"]["n"] for f in out] == [1, 2, 3]
    assert [f["properties"]["nato_reason"] for f in out] == ["in-scope", "not-a-point", "not-a-point"]

    lines = [json.dumps(features[0]), "{not json", json.dumps(features[1])]
    src, dst = tmp_path / "in.ndjson", tmp_path / "out.ndjson"
    src.write_text("\n".join(lines) + "\n")
    assert run(capsys, "batch", str(src), "-o", str(dst), "--treaty", "nato")[0] == 0
    out = [json.loads(line) for line in dst.read_text().splitlines()]
    assert len(out) == 3
    assert [f["properties"]["nato_verdict"] for f in out] == ["applies", "error", "error"]
    assert out[1]["properties"]["nato_reason"] == "not-json" and "line 2" in out[1]["properties"]["treatyscope_error"]


@pytest.mark.parametrize(
    ("content", "name", "args", "message"),
    [
        (None, "missing.csv", [], "Cannot read"),
        ("a,b\n1,2\n", "in.csv", [], "no lat column found (looked for lat, latitude"),
        ("y,x\n1,2\n", "in.csv", ["--lat-col", "north"], "no column 'north' (--lat-col)"),
        ("", "in.csv", [], "the file is empty or has no header row"),
        ('{"type": "Feature"}', "in.geojson", [], "not a GeoJSON FeatureCollection"),
        ("lat,lon\n1,2\n", "in.xlsx", [], "unknown file type"),
        ("lat,lon\n1,2\n", "in.csv", ["--treaty", "natoo"], "Unknown treaty 'natoo'"),
    ],
)
def test_an_unreadable_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, name: str, args: list[str], message: str
) -> None:
    src = tmp_path / name
    if content is not None:
        src.write_text(content)
    out = tmp_path / ("out" + src.suffix)
    code, _, err = run(capsys, "batch", str(src), "-o", str(out), *args)
    assert code == 2 and message in err and "Traceback" not in err, err


def test_the_python_api() -> None:
    verdicts = classify([59.437, 25.03, 95.0], [24.7536, 121.56, 0.0], treaty="nato", dates="2024-01-01")
    assert list(verdicts) == ["applies", "does-not-apply", "error"]
    _, reasons = classify(
        [59.437, 25.03, 95.0, 50.0],
        [24.7536, 121.56, 0.0, 10.0],
        dates=["2024-01-01"] * 3 + ["2024-13-40"],
        reasons=True,
    )
    assert list(reasons) == ["in-scope", "not-a-party", "out-of-range", "bad-date"]  # Taiwan is no NATO member


@settings(max_examples=30, deadline=None)
@given(lat=st.floats(-89, 89), lon=st.floats(-180, 180), target=st.sampled_from(["territory", "vessel", "aircraft"]))
def test_batch_verdicts_are_check_verdicts(lat: float, lon: float, target: str) -> None:
    on = dt.date(2026, 11, 28)
    (got,) = classify([lat], [lon], treaty="nato", target=target, dates=on)
    assert got == scalar(lat, lon, on, target, "nato")


def test_parquet_keeps_rows_columns_and_types(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "id": [1, 2, 3, 4],
            "lat": [59.437, 25.03, None, 95.0],
            "lon": [24.7536, 121.56, 1.0, 0.0],
            "date": [dt.date(2024, 1, 1)] * 3 + [None],
        }
    )
    src, dst = tmp_path / "in.parquet", tmp_path / "out.parquet"
    pq.write_table(table, src)
    assert run(capsys, "batch", str(src), "-o", str(dst), "--treaty", "nato")[0] == 0
    out = pq.read_table(dst)
    assert out.num_rows == 4 and out.schema.field("date").type == pa.date32()
    rows = out.to_pylist()
    assert [r["id"] for r in rows] == [1, 2, 3, 4]
    assert [r["nato_reason"] for r in rows] == ["in-scope", "not-a-party", "missing-coordinates", "out-of-range"]


def test_the_dask_engine_gives_the_same_output_on_a_two_worker_cluster(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("distributed")
    src = tmp_path / "events.csv"
    src.write_text(EVENTS)
    local, on_dask = tmp_path / "local.csv", tmp_path / "dask.csv"
    common = ["--treaty", "nato", "--treaty", "eu", "--date", "2020-06-01"]
    assert run(capsys, "batch", str(src), "-o", str(local), *common)[0] == 0
    code, _, err = run(capsys, "batch", str(src), "-o", str(on_dask), *common, "--engine", "dask")
    assert code == 0, err
    assert on_dask.read_text() == local.read_text()
    assert "12 rows classified" in err and "rows with errors: bad-coordinates 1" in err


def test_tests_still_cannot_reach_the_network() -> None:
    import socket

    with pytest.raises(RuntimeError, match="must not use the network"):
        socket.create_connection(("192.0.2.1", 80), timeout=0.1)  # TEST-NET-1, never routed


def test_rows_across_chunks_keep_count_order_and_verdicts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """More rows than one chunk, with per-row dates, targets and parties, and bad rows scattered through."""
    import random

    from treatyscope.batch.rows import CHUNK_ROWS

    rng = random.Random(5)
    n = CHUNK_ROWS + 2_345
    src, dst = tmp_path / "big.csv", tmp_path / "out.csv"
    expected_rows = []
    with src.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "lat", "lon", "date", "target", "party"])
        for i in range(n):
            lat, lon = round(rng.uniform(-90, 90), 4), round(rng.uniform(-180, 180), 4)
            day = rng.choice(
                ["1960-01-01", "2000-05-05", "2024-01-01", "not a day"] if i % 997 == 0 else ["2024-01-01"]
            )
            row = [
                i,
                lat if i % 1499 else "",
                lon,
                day,
                rng.choice(["territory", "vessel"]),
                rng.choice(["", "", "FRA"]),
            ]
            w.writerow(row)
            expected_rows.append(row)
    code, _, err = run(capsys, "batch", str(src), "-o", str(dst), "--treaty", "nato")
    assert code == 0, err
    with dst.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["id"] for r in rows] == [str(i) for i in range(n)]
    bad = [r for r in rows if r["nato_verdict"] == "error"]
    assert {r["nato_reason"] for r in bad} == {"missing-coordinates", "bad-date"}
    assert all(r["treatyscope_error"] for r in bad)
    for r in rng.sample([r for r in rows if r["nato_verdict"] != "error"], 40):
        party = r["party"] or None
        expected = scalar(
            float(r["lat"]), float(r["lon"]), dt.date.fromisoformat(r["date"]), r["target"], "nato", party
        )
        assert r["nato_verdict"] == expected, r

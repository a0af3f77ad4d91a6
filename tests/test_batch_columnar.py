"""`batch` column by column: the same bytes out as the row-at-a-time path it replaced (tests/batch_oracle.py), on
files with bad rows, quoted fields, embedded newlines, a byte-order mark and bytes in another encoding; every
treaty read from one location of the points; answers kept on disk for the next run."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from batch_oracle import run_csv
from treatyscope import cache
from treatyscope.batch.files import open_in
from treatyscope.batch.rows import Settings
from treatyscope.cli import main
from treatyscope.evaluation import vectorised
from treatyscope.rules.load import load_rulebook

DAY = dt.date(2024, 1, 1)
TREATIES = ["nato", "us-japan"]

AWKWARD = (
    "\ufeffid;name;lat;lon;date;target;party\r\n"
    '1;"Tallinn; the old town";59.437;24.7536;2024-01-01;;\r\n'
    '2;"a ""quoted"" name";25.03;121.56;1990-05-05T10:00Z;vessel;JPN\r\n'
    '3;"two\r\nlines";38.6;-9.5;;aircraft;\r\n'
    "4;no coordinates;;;2024-01-01;;\r\n"
    "5;latitude 95;95;10;2024-01-01;;\r\n"
    "6;swapped;120;45;2024-01-01;;\r\n"
    "7;bad date;50;10;2024-13-40;;\r\n"
    "8;words;abc;10;;;\r\n"
    "9;nan;nan;10;;;\r\n"
    "10;unknown target;38.6;-9.5;;submarine;\r\n"
    "11;unknown party;48.85;2.35;;;Atlantis Kingdom\r\n"
    "12;short row;40.0;-30.0\r\n"
    "13;long row;40.0;-30.0;2020-02-02;vessel;USA;spare;cells\r\n"
    "\r\n"
    "14;Algiers 1960;36.75;3.06;1960-01-01;;FRA\r\n"
    "15;caf\xe9 in latin-1;35.0;139.0;;;\r\n"
    "16;lat in latin-1;3\xe95.0;139.0;;;\r\n"
    "17; spaced ; 21.3 ; -157.85 ; 1990-01-01 ; Territory ; usa \r\n"
    "18;east edge;10;180;;;\r\n"
    "19;west edge;-10;-180;;;\r\n"
)


def write_awkward(path: Path) -> None:
    # UTF-8, but rows 15 and 16 carry a byte in Latin-1 (0xE9): mixed encodings in one file.
    raw = AWKWARD.encode("utf-8").replace("\xe9".encode(), b"\xe9")
    path.write_bytes(raw)


def oracle_bytes(path: Path, settings: Settings) -> bytes:
    out = io.StringIO(newline="")
    with open_in(str(path), settings.encoding) as src:
        run_csv(src, out, settings, {})
    return out.getvalue().encode("utf-8", "surrogateescape")


def columnar_bytes(path: Path, out: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> bytes:
    args = ["batch", str(path), "-o", str(out), "--date", DAY.isoformat(), "-q"]
    for t in TREATIES:
        args += ["--treaty", t]
    assert main([*args, *extra]) == 0, capsys.readouterr().err
    return out.read_bytes()


def test_an_awkward_file_gives_the_bytes_the_row_path_gave(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "awkward.csv"
    write_awkward(src)
    got = columnar_bytes(src, tmp_path / "out.csv", capsys)
    assert got == oracle_bytes(src, Settings(TREATIES, date=DAY))
    rows = list(csv.reader(io.StringIO(got.decode("utf-8", "surrogateescape"), newline=""), delimiter=";"))
    assert len(rows) == 1 + 19, "every row, the blank line is none"
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id["3"][1] == "two\r\nlines", "an embedded line break kept"
    assert by_id["15"][1] == "caf\udce9 in latin-1" and by_id["15"][7] != "error", "a note, not an error"
    assert by_id["16"][7:9] == ["error", "encoding"], "an undecodable latitude is an error"
    assert "2 cells beyond the header were dropped" in by_id["13"][-1]


PLAIN = (
    "\ufeffid,name,lat,lon,date,target,party\r\n"
    "1,Tallinn,59.437,24.7536,2024-01-01,,\r\n"
    "\r\n"
    "2,a latin-1 caf\xe9,25.03,121.56,1990-05-05T10:00Z,vessel,JPN\r\n"
    "3,short row,40.0,-30.0\r\n"
    "4,long row,40.0,-30.0,2020-02-02,vessel,USA,spare,cells\r\n"
    "5,no coordinates,,,2024-01-01,,\r\n"
    "6, spaced , 21.3 , -157.85 , 1990-01-01 , Territory , usa \r\n"
    "   \r\n"
    "7,bad date,50,10,2024-13-40,,\r\n"
    "8,lat in latin-1,3\xe95.0,139.0,,,\r\n"
    "9,unknown party,48.85,2.35,,,Atlantis Kingdom\r\n"
    "10,last without a line break,36.75,3.06,1960-01-01,,FRA"
)


@pytest.mark.parametrize("block", [1 << 22, 40], ids=["one block", "blocks of 40 characters"])
@pytest.mark.parametrize("quote_at", [None, 6], ids=["no quotes", "a quoted row"])
def test_a_file_without_quotes_is_split_at_its_delimiters_as_csv_reads_it(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    block: int,
    quote_at: int | None,
) -> None:
    """Lines are rows while no quote (or NUL, or lone carriage return) is seen; from the first one on, csv.reader
    reads the rest. Both give the bytes the row path gave."""
    from treatyscope.batch import files

    text = PLAIN
    if quote_at is not None:
        text = text.replace(f"{quote_at},", f'{quote_at},"quoted, with a comma",', 1)
    src = tmp_path / "plain.csv"
    src.write_bytes(text.encode("utf-8").replace("\xe9".encode(), b"\xe9"))
    monkeypatch.setattr(files, "_BLOCK", block)
    got = columnar_bytes(src, tmp_path / "out.csv", capsys)
    assert got == oracle_bytes(src, Settings(TREATIES, date=DAY))
    assert len(got.decode("utf-8", "surrogateescape").splitlines()) == 1 + 11, "blank lines are no rows"


def test_a_file_classified_before_gets_its_columns_replaced_in_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "again.csv"
    src.write_text("id,nato_verdict,lat,lon\n1,applies,-33.9,151.2\n2,,59.4,24.7\n")
    got = columnar_bytes(src, tmp_path / "out.csv", capsys)
    assert got == oracle_bytes(src, Settings(TREATIES, date=DAY))
    header, first, _ = got.decode().splitlines()
    assert header == "id,nato_verdict,lat,lon,nato_reason,us-japan_verdict,us-japan_reason,treatyscope_error"
    assert first.startswith("1,does-not-apply,-33.9,151.2,")


@pytest.mark.parametrize(
    "header",
    [
        "id,lat,lon,nato_verdict,nato_reason,us-japan_verdict,us-japan_reason,treatyscope_error",
        "id,lat,lon,nato_verdict,nato_reason",
        "id,lat,lon,nato_verdict,treatyscope_error",
        "treatyscope_error,lat,lon",
    ],
)
def test_a_file_with_some_or_all_of_the_added_columns_keeps_every_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], header: str
) -> None:
    """A file classified before, in full or in part: the columns it has are replaced in place, every row kept."""
    width = header.count(",") + 1
    rows = ["1,59.4,24.7", "2,abc,2", "3,-33.9,151.2"]
    if header.startswith("treatyscope_error"):
        rows = ["old,59.4,24.7", "old,abc,2", ",-33.9,151.2"]
    src = tmp_path / "again.csv"
    src.write_text("\n".join([header, *(r + "," * (width - 3) for r in rows)]) + "\n")
    got = columnar_bytes(src, tmp_path / "out.csv", capsys)
    assert got == oracle_bytes(src, Settings(TREATIES, date=DAY))
    assert len(got.decode().splitlines()) == 4
    again = tmp_path / "again2.csv"
    again.write_bytes(got)
    assert columnar_bytes(again, tmp_path / "out2.csv", capsys) == got, "classifying the output again changes nothing"


@pytest.mark.parametrize(
    "body",
    [
        b'1,59.4,24.7\n"a\n\x00b",59.4,24.7\n2,59.4,24.7\n3,1,2\n',  # a quoted cell holding a line feed and NUL
        b"a\x00b,59.4,24.7\n1,5\x009,24.7\n",  # NUL in unquoted cells
        b"1,50,10,\xe9\n2,abc,10,X\xe9\n",  # undecodable bytes in the party column
        b"x" * 70_000 + b",59.4,24.7\na\rb,1,2\n1,1,2\r2,59.4,24.7\n",  # lone carriage returns after the sample
    ],
    ids=["line feed and NUL in a quoted cell", "NUL", "undecodable party", "lone CR after the sample"],
)
def test_odd_bytes_give_the_bytes_the_row_path_gave(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: bytes
) -> None:
    header = b"id,lat,lon,party\n" if b"\xe9" in body else b"id,lat,lon\n"
    src = tmp_path / "odd.csv"
    src.write_bytes(header + body)
    assert columnar_bytes(src, tmp_path / "out.csv", capsys) == oracle_bytes(src, Settings(TREATIES, date=DAY))


def test_a_cell_beyond_csvs_field_size_limit_is_refused_as_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "wide.csv"
    src.write_text("id,lat,lon\n" + "z" * 200_000 + ",59.4,24.7\n")
    code = main(["batch", str(src), "-o", str(tmp_path / "out.csv"), "--treaty", "nato", "-q"])
    assert code == 2 and "field larger than field limit" in capsys.readouterr().err


def test_geojson_columns_are_found_among_every_features_properties(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "mixed.ndjson"
    src.write_text(
        '{"type": "Feature", "properties": {"when": "1960-01-01"}, '
        '"geometry": {"type": "Polygon", "coordinates": []}}\n'
        '{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [3.06, 36.75]}}\n'
    )
    out = tmp_path / "out.ndjson"
    assert main(["batch", str(src), "-o", str(out), "--treaty", "nato", "--date-col", "when", "-q"]) == 0
    polygon, point = (json.loads(line)["properties"] for line in out.read_text().splitlines())
    assert polygon["nato_reason"] == "not-a-point" and point["nato_verdict"] != "error"


def test_two_columns_of_one_name_keep_their_own_cells(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The row path kept the last of two same-named columns and wrote it under both: data lost, now kept."""
    src = tmp_path / "twice.csv"
    src.write_text("note,lat,lon,note\nfirst,59.4,24.7,second\n")
    got = columnar_bytes(src, tmp_path / "out.csv", capsys).decode().splitlines()
    assert got[1].startswith("first,59.4,24.7,second,applies,")


def test_a_coordinate_too_large_for_a_float_is_a_row_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "huge.ndjson"
    src.write_text(
        '{"type": "Feature", "properties": {"lat": ' + "9" * 400 + ', "lon": 10}, "geometry": null}\n'
        '{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [24.7, 59.4]}}\n'
    )
    out = tmp_path / "out.ndjson"
    assert main(["batch", str(src), "-o", str(out), "--treaty", "nato", "-q"]) == 0
    first, second = out.read_text().splitlines()
    assert '"nato_verdict": "error"' in first and '"nato_verdict": "applies"' in second


CELL = st.sampled_from(["\r", "x\ry", "a\0b", "a\n\0b", "caf\udce9", "nato_verdict"]) | st.sampled_from(
    ["", " ", "x", "a,b", 'say "hi"', "two\nlines", "59.4", "-30", "1990-01-01", "vessel", "FRA"]
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.tuples(
            st.floats(-95, 95) | st.sampled_from([float("nan"), 0.0]),
            st.floats(-185, 185),
            st.lists(CELL, min_size=0, max_size=5),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_any_table_gives_the_bytes_the_row_path_gave(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    rows: list[tuple[float, float, list[str]]],
) -> None:
    from treatyscope.batch import files

    monkeypatch.setattr(files, "_BLOCK", 50)  # blocks end anywhere in a row
    src = tmp_path / "any.csv"
    with src.open("w", newline="", errors="surrogateescape") as f:
        w = csv.writer(f)
        w.writerow(["lat", "lon", "date", "target", "party", "note"])
        for lat, lon, cells in rows:
            w.writerow([repr(lat), repr(lon), *cells])
    assert columnar_bytes(src, tmp_path / "out.csv", capsys) == oracle_bytes(src, Settings(TREATIES, date=DAY))


def test_every_treaty_reads_one_location_of_the_points(monkeypatch: pytest.MonkeyPatch) -> None:
    book = load_rulebook()
    engine = vectorised.Engine(book)
    calls: list[int] = []
    find = vectorised.Places.find

    def counted(self: vectorised.Places, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:  # type: ignore[type-arg]
        calls.append(len(lats))
        return find(self, lats, lons)

    monkeypatch.setattr(vectorised.Places, "find", counted)
    rng = np.random.default_rng(1)
    n = vectorised.FEW + 10
    lats, lons = rng.uniform(30, 60, n), rng.uniform(-20, 40, n)  # Europe and its seas: few places to ask about
    days = np.full(n, np.datetime64("2024-01-01"))
    questions = [vectorised.Question(t, "vessel", None) for t in ("nato", "eu", "warsaw")]
    together = engine.classify_all(questions, lats, lons, days, engine.locate(lats, lons))
    assert calls == [n], "located once for all the treaties"
    for q, answers in zip(questions, together, strict=True):
        assert (answers == engine.classify(q, lats, lons, days)).all(), q.treaty


def test_answers_found_are_kept_for_the_next_run() -> None:
    book = load_rulebook()
    rng = np.random.default_rng(2)
    n = vectorised.FEW + 10
    lats, lons = rng.uniform(-90, 90, n), rng.uniform(-180, 180, n)
    days = rng.choice(np.array(["1960-01-01", "2024-01-01"], dtype="datetime64[D]"), n)
    q = vectorised.Question("us-japan", "vessel", None)
    first = vectorised.Engine(book)
    expected = first.classify(q, lats, lons, days)
    first.save()
    second = vectorised.Engine(book)
    asked: list[object] = []
    second._ask = lambda *a: asked.append(a) or 0  # type: ignore[method-assign]
    assert (second.classify(q, lats, lons, days) == expected).all()
    assert asked == [], "nothing asked again"


@pytest.mark.parametrize("damage", ["truncated", "out of range", "not an answer", "a true", "no tables"])
def test_a_damaged_answers_entry_is_asked_again(damage: str) -> None:
    book = load_rulebook()
    engine = vectorised.Engine(book)
    q = vectorised.Question("nato", "vessel", None)
    lats, lons = np.array([59.4, -33.9]), np.array([24.7, 151.2])
    days = np.full(2, np.datetime64("2024-01-01"))
    expected = engine.classify(q, lats, lons, days).tolist()
    span = int(np.searchsorted(engine.breaks, days[0], side="right"))
    entry = engine._answers_entry()
    assert entry is not None
    table_size = next(iter(engine._tables.values())).size
    atom_rows = {"out of range": [10**9], "not an answer": list(range(table_size))}.get(damage, [0])
    value = {"not an answer": 100, "a true": True}.get(damage, 1)
    table = ["nato", "vessel", None, [], span, atom_rows, [value] * len(atom_rows)]
    value_doc = {"features": []} if damage == "no tables" else {"tables": [table], "features": []}
    doc = json.dumps({"entry": entry, "value": value_doc})
    vectorised._ANSWERS.save(entry, (doc[:40] if damage == "truncated" else doc).encode())
    assert vectorised.Engine(book).classify(q, lats, lons, days).tolist() == expected
    cache.clear_memos()


def test_the_segment_index_is_kept_and_a_damaged_one_built_again() -> None:
    from treatyscope.place import grid as grids
    from treatyscope.place import segment_index

    places = vectorised.places()
    kept = places.grid._edge_index()
    blob = segment_index.to_bytes(kept)
    again = segment_index.from_bytes(blob, places.grid.polygons().size, grids._ROWS_PER_DEG)
    assert all(np.asarray(a).tobytes() == np.asarray(b).tobytes() for a, b in zip(kept, again, strict=True))
    flipped = bytearray(blob)
    flipped[len(blob) // 2] ^= 1
    with pytest.raises(ValueError, match="damaged"):
        segment_index.from_bytes(bytes(flipped), places.grid.polygons().size, grids._ROWS_PER_DEG)
    with pytest.raises(ValueError, match="another grid"):
        segment_index.from_bytes(blob, places.grid.polygons().size + 1, grids._ROWS_PER_DEG)

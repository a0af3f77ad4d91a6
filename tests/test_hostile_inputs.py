"""Inputs a hostile or careless user gives: each gets its exit code and one line on standard error that says what to
do — never a traceback, never a silently different question, never a lost row (issue 15)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from treatyscope.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_line(err: str) -> bool:
    return err.count("\n") == 1 and err.startswith("treatyscope: error:") and "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["check", "-l", "Taiwan", "--location", "Tokyo"], "--location is given twice ('Taiwan', then 'Tokyo')"),
        (["check", "-lTaiwan", "-l", "Tokyo"], "--location is given twice"),
        (["check", "--location=Taiwan", "--at", "1,2", "--at=3,4"], "--at is given twice"),
        (["map", "--at", "40,-30", "--treaty", "nato", "--treaty", "rio", "-o", "m.png"], "--treaty is given twice"),
        (["check", "--location", "Paris", "--date", "2000-01-01", "-d", "2001-01-01"], "--date is given twice"),
        (["check", "--location", "Paris", "-i", "a=b", "-i", "a=c"], "pins 'a' twice"),
        (["test", "-k", "no example has this in its id"], "No examples match"),
    ],
)
def test_a_repeated_single_valued_option_is_refused(
    capsys: pytest.CaptureFixture[str], args: list[str], said: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and one_line(err) and said in err and out == ""


def test_repeatable_options_stay_repeatable(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--location", "Paris", "--treaty", "nato", "--treaty", "eu", "--brief")
    assert code == 0 and "NATO" in out and "TEU" in out


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--at", "1" * 100_000],
        ["check", "--at", "12.5, " + "x" * 100_000],
        ["check", "--location", "Atlantis" * 10_000],
    ],
)
def test_errors_do_not_echo_a_huge_input(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2 and one_line(err) and len(err) < 600 and "characters)" in err


def _latin1_csv(path: Path) -> None:
    path.write_bytes(b"id,name,lat,lon\n1,K\xf6ln,50.94,6.96\n2,Paris,48.85,2.35\n3,bad,4\xf68,2\n")


def test_bytes_that_are_not_utf8_keep_their_row(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    src, dst = tmp_path / "latin.csv", tmp_path / "out.csv"
    _latin1_csv(src)
    code, _, _ = run(capsys, "batch", str(src), "-o", str(dst), "--treaty", "nato", "-q")
    assert code == 0
    lines = dst.read_bytes().split(b"\n")
    assert len([line for line in lines if line]) == 4  # the header and every row
    assert lines[1].startswith(b"1,K\xf6ln,50.94,6.96,applies,in-scope,")  # classified; the byte written back as it was
    assert b"column 'name' holds bytes that are not UTF-8 (kept as they were)" in lines[1]
    assert lines[3].startswith(b"3,bad,4\xf68,2,error,encoding,")  # the coordinate cannot be read: an error row


def test_encoding_option_reads_latin1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    src, dst = tmp_path / "latin.csv", tmp_path / "out.csv"
    _latin1_csv(src)
    code, _, _ = run(capsys, "batch", str(src), "-o", str(dst), "--treaty", "nato", "--encoding", "latin-1", "-q")
    text = dst.read_text(encoding="utf-8")
    assert code == 0 and "1,Köln,50.94,6.96,applies,in-scope," in text and "4ö8" in text
    code, _, err = run(capsys, "batch", str(src), "-o", str(tmp_path / "x.csv"), "--encoding", "klingon")
    assert code == 2 and one_line(err) and "not a text encoding" in err


@pytest.mark.parametrize(
    ("encoding", "said"),
    [("utf-16", "line ends and commas are not single ASCII bytes"), ("rot13", "a transform, not a text encoding")],
)
def test_an_encoding_the_readers_cannot_split_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, encoding: str, said: str
) -> None:
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text("lat,lon\n50,10\n")
    code, _, err = run(capsys, "batch", str(src), "-o", str(dst), "--encoding", encoding)
    assert code == 2 and one_line(err) and said in err and not dst.exists()


def test_json_nested_too_deep_is_a_bad_row_or_a_bad_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """An NDJSON line nested deeper than the JSON reader goes keeps its place as an error row; a whole GeoJSON
    file so nested is refused, and an earlier output is kept."""
    deep = "[" * 100_000 + "]" * 100_000
    src, dst = tmp_path / "in.ndjson", tmp_path / "out.ndjson"
    point = '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [10, 50]}, "properties": {}}'
    src.write_text(f"{deep}\n{point}\n")
    code, _, _ = run(capsys, "batch", str(src), "-o", str(dst), "--treaty", "nato", "-q")
    rows = dst.read_text().splitlines()
    assert code == 0 and len(rows) == 2 and "nested deeper than the JSON reader allows" in rows[0]
    src, dst = tmp_path / "in.geojson", tmp_path / "out.geojson"
    src.write_text(deep)
    dst.write_text("earlier")
    code, _, err = run(capsys, "batch", str(src), "-o", str(dst), "--treaty", "nato", "-q")
    assert code == 2 and one_line(err) and "nested deeper" in err and dst.read_text() == "earlier"


def test_a_closed_standard_input_is_a_usage_error() -> None:
    """`treatyscope batch - -o - <&-`: Python starts with no sys.stdin at all."""
    import os
    import subprocess
    import sys

    code = "import sys; from treatyscope.cli import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run(
        [sys.executable, "-c", code, "batch", "-", "-o", "-", "--treaty", "nato"],
        preexec_fn=lambda: os.close(0),
        capture_output=True,
        timeout=120,
    )
    assert (
        done.returncode == 2
        and done.stderr == b"treatyscope: error: Standard input is closed. Give an input file, or pipe one in.\n"
    )


def test_two_latitude_columns_are_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    src, dst = tmp_path / "two.csv", tmp_path / "out.csv"
    src.write_text("lat,Latitude,lon\n1,2,3\n")
    code, _, err = run(capsys, "batch", str(src), "-o", str(dst))
    assert code == 2 and one_line(err) and "several latitude columns (lat, Latitude)" in err and "--lat-col" in err
    assert not dst.exists()
    code, out, _ = run(capsys, "batch", str(src), "-o", "-", "--lat-col", "Latitude", "--treaty", "nato", "-q")
    assert code == 0 and out.splitlines()[1].startswith("1,2,3,")


def test_a_byte_order_mark_on_standard_input_is_dropped(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b"\xef\xbb\xbflat,lon\n50,10\n"), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", stdin)
    code, out, err = run(capsys, "batch", "-", "-o", "-", "--treaty", "nato", "-q")
    assert code == 0, err
    assert out.splitlines() == ["lat,lon,nato_verdict,nato_reason,treatyscope_error", "50,10,applies,in-scope,"]


def test_the_first_run_notice_is_for_files_large_enough_to_build_the_index(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import treatyscope.batch.rows as rows

    monkeypatch.setattr(rows, "places_ready", lambda **_: False)
    monkeypatch.setattr(rows, "FEW", 3)  # as if 3 rows were enough to build the index
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    small.write_text("lat,lon\n10,10\n20,20\n")
    large.write_text("lat,lon\n10,10\n20,20\n30,30\n")
    code, _, err = run(capsys, "batch", str(small), "-o", str(tmp_path / "s.csv"), "--treaty", "nato")
    assert code == 0 and "builds an index" not in err
    code, _, err = run(capsys, "batch", str(large), "-o", str(tmp_path / "l.csv"), "--treaty", "nato")
    assert code == 0 and err.count("builds an index") == 1


def test_an_assumed_membership_is_marked_next_to_the_verdicts_it_changes(capsys: pytest.CaptureFixture[str]) -> None:
    two = ["--treaty", "csto", "--treaty", "weu"]
    code, out, _ = run(capsys, "check", "--location", "Tokyo", *two, "--assume-member", "JPN")
    rows = [line.split() for line in out.splitlines() if line.startswith(("csto ", "weu "))]
    assert code == 0 and rows[0][:4] == ["csto", "4", "territory", "applies*"]
    assert all("applies*" not in row for row in rows if row[0] == "weu")  # not in force: nothing was assumed
    assert "* Given: Japan (JPN) taken to be a Party (--assume-member)." in out
    code, out, _ = run(capsys, "check", "--location", "Tokyo", *two, "--assume-member", "JPN", "--format", "markdown")
    assert "**applies**\\*" in out and "\\* Given: Japan (JPN) taken to be a Party (--assume-member)." in out
    code, out, _ = run(capsys, "check", "--location", "Tokyo", *two)
    assert "*" not in out.replace("**", "")


def test_a_place_found_by_another_of_its_names_says_which(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--location", "Rio", "--treaty", "nato", "--format", "json")
    import json

    location = json.loads(out)["location"]
    assert code == 0 and location["label"] == "Rio de Janeiro" and location["matched_name"] == "Rio"
    assert "found by its other name “Rio”" in location["summary"]
    for own in ("Taiwan", "TWN", "taiwan", "Köln", "Koln", "territory:taiwan", "Paris, France"):
        code, out, _ = run(capsys, "check", "--location", own, "--treaty", "nato", "--format", "json")
        assert code == 0 and "matched_name" not in json.loads(out)["location"], own


def test_a_short_query_a_town_matches_only_by_another_name_is_asked_back(capsys: pytest.CaptureFixture[str]) -> None:
    # "Tai" is another name of Taiz (Yemen), and the first letters of Taiwan: answering for Taiz would answer a
    # question the user probably did not ask.
    code, _, err = run(capsys, "check", "--location", "Tai", "--treaty", "nato")
    assert code == 2 and "'Tai' is ambiguous" in err
    assert "[place:g70225]" in err and "[territory:taiwan]" in err
    # Every country whose name starts so is listed, however many; the country the town is in is not a rival.
    code, _, err = run(capsys, "check", "--location", "K", "--treaty", "nato")
    assert code == 2 and "[territory:kazakhstan]" in err and "[territory:kuwait]" in err
    code, _, err = run(capsys, "check", "--location", "Sin", "--treaty", "nato")
    assert code == 2 and "[territory:singapore]" not in err and "[territory:sint-maarten]" in err
    for clear in ("UK", "Ufa", "Rio", "Taiwan"):  # an alias of a country, a town's own name, a longer alias
        code, _, _ = run(capsys, "check", "--location", clear, "--treaty", "nato")
        assert code == 0, clear


def test_a_pinned_reading_or_a_given_fact_is_said_where_it_was_used(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    pin = ["-i", "north-atlantic-area=general-region"]
    code, out, _ = run(capsys, "check", "--at", "60,-30", "--treaty", "nato", "-t", "vessel", *pin, "-f", "json")
    [result] = json.loads(out)["results"]
    assert code == 0 and result["assumption"] == "“North Atlantic area” read as the general region (--interpretation)"
    code, out, _ = run(capsys, "check", "--at", "60,-30", "--treaty", "nato", "-t", "vessel", "-f", "json")
    assert "assumption" not in json.loads(out)["results"][0]  # nothing pinned: nothing said
    code, out, _ = run(capsys, "check", "--at", "60,-30", "--treaty", "eu", "-t", "vessel", *pin, "-f", "json")
    assert "assumption" not in json.loads(out)["results"][0]  # pinned, but TEU 42(7) does not use the term
    given = ["--location", "Hamburg", "--date", "1950-06-01", "-t", "forces", "--party", "USA"]
    code, out, _ = run(capsys, "check", *given, "--treaty", "nato", "--assume", "occupation-forces")
    assert code == 0 and "Given: the fact occupation-forces taken as given (--assume)." in out


# ------------------------------------------------------------------------------------- the hostile-input corpus

BROKEN_GEOJSON = {
    "not-json.geojson": "{not json",
    "empty.geojson": "",
    "no-features.geojson": '{"type": "FeatureCollection", "features": []}',
    "bowtie.geojson": '{"type": "Polygon", "coordinates": [[[0, 0], [10, 10], [10, 0], [0, 10], [0, 0]]]}',
    "out-of-range.geojson": '{"type": "Point", "coordinates": [200, 10]}',
    "lat-first.geojson": '{"type": "Point", "coordinates": [10, 200]}',
    "mixed.geojson": '{"type": "FeatureCollection", "features": ['
    '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 1]}}, '
    '{"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[1, 1], [2, 2]]}}]}',
}

CHECK_CASES = [
    # (arguments after `check`, the words the one-line message must hold)
    (["--location", "Atlantis"], "Unknown place 'Atlantis'"),
    (["--location", "Georgia"], "is ambiguous"),
    (["--at", "91,0"], "Latitude 91.0 is out of range"),
    (["--location", "Taiwan", "--date", "1962-02-30"], "is not a date"),
    (["--location", "Taiwan", "--treaty", "seato-x"], "Unknown treaty 'seato-x'"),
    (["--location", "Taiwan", "--party", "Narnia"], "Unknown party 'Narnia'"),
    (["--location", "Taiwan", "--interpretation", "north-atlantic-area=everything"], "has no reading 'everything'"),
    (["--location", "Taiwan", "--interpretation", "no-such-term=x"], "Unknown interpretation 'no-such-term'"),
    (["--location", "Taiwan", "--interpretation", "broken"], "is not TERM=READING"),
    (["--location", "Taiwan", "--at", "1,2"], "exactly one of"),
    (["--at", "12,abc"], "Cannot read"),
    (["--at", ","], "Cannot read"),
    (["--at", "nan,1"], "Cannot read 'nan'"),
    (["--at", "1,2", "--location", "Paris"], "exactly one of"),
    ([], "exactly one of"),
    (["--location", ""], "exactly one of"),
    (["--location", "Nowhereville Upon Sea"], "Unknown place"),
    (["--location", "Paris", "--date", "2024-02-30"], "not a date"),
    (["--location", "Paris", "--date", "0000-01-01"], "not a date"),
    (["--location", "Paris", "--date", "tomorrow"], "not a date"),
    (["--location", "Paris", "--treaty", "natoo"], "natoo"),
    (["--location", "Paris", "--party", "Atlantis Republic"], "Atlantis Republic"),
    (["--location", "Paris", "-i", "no-such-term=x"], "no-such-term"),
    (["--location", "Paris", "--assume", "no-such-fact"], "no-such-fact"),
    (["--location", "Paris", "--target", "submarine"], "submarine"),
    (["--location", "Paris", "--rules", "/nonexistent/rules"], "/nonexistent/rules"),
    *[(["--geojson", f"{{tmp}}/{name}"], name) for name in BROKEN_GEOJSON],
    (["--geojson", "{tmp}/missing.geojson"], "cannot read"),
]


@pytest.mark.parametrize(("args", "said"), CHECK_CASES, ids=[" ".join(a)[:40] or "nothing" for a, _ in CHECK_CASES])
def test_hostile_check_input_gets_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], said: str
) -> None:
    for name, text in BROKEN_GEOJSON.items():
        (tmp_path / name).write_text(text)
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    code, out, err = run(capsys, "check", *args)
    assert code == 2 and one_line(err) and said in err and out == "", err


BATCH_CASES = [
    # (input file name, its bytes, expected exit code, words of the message, rows expected in the output or None)
    ("no-coords.csv", b"a,b\n1,2\n", 2, "no lat column", None),
    ("empty.csv", b"", 2, "empty", None),
    ("header-only.csv", b"lat,lon\n", 0, "", 0),
    ("bad-rows.csv", b"lat,lon\n1,2\nx,3\n95,1\n,\n4,5,6\n", 0, "", 5),
    ("bad.ndjson", b'{"lat": 1, "lon": 2}\nnot json\n{"lat": 95, "lon": 1}\n', 0, "", 3),
    ("bad.geojson", b"{not json", 2, "bad.geojson", None),
    (
        "multipoint.geojson",
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, '
        b'"geometry": {"type": "MultiPoint", "coordinates": [[1, 2], [3, 4]]}}]}',
        0,
        "",
        1,
    ),
    ("corrupt.parquet", b"PAR1 this is not parquet", 2, "corrupt.parquet", None),
]


@pytest.mark.parametrize(("name", "content", "exit_code", "said", "rows"), BATCH_CASES, ids=[c[0] for c in BATCH_CASES])
def test_hostile_batch_input_keeps_every_row_or_leaves_the_earlier_output(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    name: str,
    content: bytes,
    exit_code: int,
    said: str,
    rows: int | None,
) -> None:
    if name.endswith(".parquet"):
        pytest.importorskip("pyarrow")
    src = tmp_path / name
    src.write_bytes(content)
    dst = tmp_path / f"out{src.suffix}"
    dst.write_bytes(b"an earlier file\n")
    code, _, err = run(capsys, "batch", str(src), "-o", str(dst), "--treaty", "nato", "-q")
    assert code == exit_code, err
    assert "Traceback" not in err and "internal error" not in err
    if exit_code:
        assert one_line(err) and said in err
        assert dst.read_bytes() == b"an earlier file\n"  # untouched
        assert not [p for p in tmp_path.iterdir() if ".treatyscope-" in p.name]  # no temporary left behind
    else:
        assert rows is not None
        written = dst.read_text(encoding="utf-8")
        if dst.suffix == ".csv":
            assert len(written.splitlines()) == rows + 1
        elif dst.suffix == ".ndjson":
            assert len(written.splitlines()) == rows
        else:
            assert len(__import__("json").loads(written)["features"]) == rows


@pytest.mark.parametrize(
    "args",
    [
        ["batch", "{tmp}/missing.csv", "-o", "{tmp}/o.csv"],
        ["batch", "{tmp}/in.csv", "-o", "{tmp}/no/such/dir/o.csv"],
        ["batch", "{tmp}/in.csv", "-o", "{tmp}/in.csv"],
        ["batch", "{tmp}/in.csv", "-o", "{tmp}/o.parquet"],
        ["map", "--at", "40,-30", "-o", "{tmp}/no/such/dir/m.png"],
        ["area", "--treaty", "nato", "-o", "{tmp}/no/such/dir/a.geojson"],
    ],
    ids=[
        "missing input",
        "missing directory",
        "output is input",
        "kinds differ",
        "map dir",
        "area dir",
    ],
)
def test_hostile_paths_get_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "in.csv").write_text("lat,lon\n1,2\n")
    code, _, err = run(capsys, *[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert code == 2 and one_line(err), err
    assert (tmp_path / "in.csv").read_text() == "lat,lon\n1,2\n"


@pytest.mark.parametrize("args", [["check", "--location", "Taiwan"], ["show", "nato-5"]])
def test_a_reader_that_stops_early_is_no_error(args: list[str]) -> None:
    """`treatyscope check ... | head -1`: the output's reader goes away before everything is written. That is
    not an internal error (exit 1): exit 0, and nothing on standard error."""
    import os
    import subprocess
    import sys

    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first write
    code = "import sys; from treatyscope.cli import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run([sys.executable, "-c", code, *args], stdout=write, stderr=subprocess.PIPE, timeout=120)
    os.close(write)
    assert (done.returncode, done.stderr) == (0, b"")


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--location", "Taiwan", "--treaty", "nato", "--party", "\udce9"],
        ["check", "--location", "Tai\udce9", "--treaty", "nato"],
    ],
    ids=["party", "place"],
)
def test_an_undecodable_byte_in_a_name_is_an_unknown_name(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """A byte the locale cannot decode reaches the program as a lone surrogate (a shell's $'\\xe9'): no place or
    state is named so; the gazetteer said so with an internal error."""
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("treatyscope: error: Unknown") and err.count("\n") == 1


def _blocked_reading_stdin(pid: int) -> bool:
    """Whether the process waits in read(2) on its standard input (Linux's /proc/PID/syscall: number, then fd)."""
    import os
    import platform

    read_syscall = {"x86_64": "0", "aarch64": "63"}.get(platform.machine())
    try:
        fields = Path(f"/proc/{pid}/syscall").read_text().split()
    except OSError:
        pytest.skip("this system does not show what a process waits in (/proc/PID/syscall)")
    if read_syscall is None:
        pytest.skip(f"read(2)'s number on {platform.machine()} is not known here")
    if fields[:1] != [read_syscall]:
        return False
    try:  # fd 0 itself, or the same pipe opened again (/dev/stdin)
        fd = int(fields[1], 16)
        return os.readlink(f"/proc/{pid}/fd/{fd}") == os.readlink(f"/proc/{pid}/fd/0")
    except (OSError, ValueError, IndexError):
        return False


@pytest.mark.parametrize(
    ("stop", "status", "said"),
    [("SIGTERM", 143, "terminated (SIGTERM)"), ("SIGHUP", 129, "terminated (SIGHUP)"), ("SIGINT", 130, "interrupted")],
)
def test_a_signal_stops_a_batch_without_damage(tmp_path: Path, stop: str, status: int, said: str) -> None:
    """`kill`, a closed terminal or Ctrl-C while a batch is running: the earlier output is kept, no temporary file
    is left, one line says so, and the exit status is 128 + the signal's number, as a shell reports."""
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "out.csv"
    out.write_text("the earlier output\n")
    code = "from treatyscope.cli import run; run()"
    child = subprocess.Popen(
        [sys.executable, "-c", code, "batch", "-", "-o", str(out), "--treaty", "nato"],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdin is not None
    child.stdin.write(b"lat,lon\n25.03,121.56\n48.85,2.35\n")
    child.stdin.flush()
    deadline = time.monotonic() + 120
    while not _blocked_reading_stdin(child.pid):  # the batch has started and waits for more rows
        assert child.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    child.send_signal(getattr(signal, stop))
    _, err = child.communicate(timeout=60)
    message = err.decode()
    assert child.returncode == status, message
    assert message == f"treatyscope: error: {said}: {out} was not written (the earlier file there is untouched).\n"
    assert out.read_text() == "the earlier output\n" and sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["batch", "-", "-o", "-", "--lat-col", "lat", "--lon-col", "lat"], "both name the column 'lat'"),
        (["timeline", "--location", "Paris", "--from", ""], "--from is empty"),
        (["check", "--location", "Paris", "--rules", ""], "--rules is given an empty path"),
        (["validate", ""], "An empty path was given"),
    ],
)
def test_an_empty_or_doubled_name_is_not_read_as_another_question(
    capsys: pytest.CaptureFixture[str], args: list[str], said: str
) -> None:
    """An empty --from is not the default day, an empty rules path not the current directory searched to its
    depths, and one column is not both coordinates."""
    code, out, err = run(capsys, *args)
    assert code == 2 and one_line(err) and said in err and out == ""


def test_a_signal_stops_a_check_with_its_own_status() -> None:
    """typer ends a command stopped by Ctrl-C with status 130 and no word; a SIGTERM is 143, and said."""
    import signal
    import subprocess
    import sys
    import time

    code = "from treatyscope.cli import run; run()"
    child = subprocess.Popen(
        [sys.executable, "-c", code, "check", "--geojson", "/dev/stdin", "--treaty", "nato"],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while not _blocked_reading_stdin(child.pid):  # the check has started and reads the GeoJSON
        assert child.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    child.send_signal(signal.SIGTERM)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 143 and err == b"treatyscope: error: terminated (SIGTERM).\n"

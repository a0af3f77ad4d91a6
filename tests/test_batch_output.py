"""`treatyscope batch` never destroys data: the output is never the input, and a run that fails or is
interrupted leaves any earlier file at the output path as it was (the output is written beside it and renamed
into place only when the run succeeds)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import treatyscope.batch.files as files
from treatyscope.batch.output import replacing
from treatyscope.cli import main
from treatyscope.errors import Interrupted

EVENTS = "lat,lon\n25.03,121.56\n48.85,2.35\n"
EARLIER = "an earlier result the user wants to keep\n"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["batch", *args, "--treaty", "nato", "--quiet"])
    return code, capsys.readouterr().err


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".treatyscope-" in p.name)


@pytest.mark.parametrize("name", ["events.csv", "events.ndjson", "events.geojson"])
def test_the_input_as_output_is_refused_and_left_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    path = tmp_path / name
    content = (
        EVENTS
        if name.endswith(".csv")
        else '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [2.35, 48.85]}, "properties": {}}\n'
    )
    path.write_text(content)
    code, err = run(capsys, str(path), "-o", str(path))
    assert code == 2 and "the output is the input file" in err and err.count("\n") == 1
    assert path.read_text() == content


def test_a_link_to_the_input_is_the_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "events.csv"
    path.write_text(EVENTS)
    (tmp_path / "link.csv").symlink_to(path)
    code, err = run(capsys, str(path), "-o", str(tmp_path / "link.csv"))
    assert code == 2 and "the output is the input file" in err
    assert path.read_text() == EVENTS


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bad.csv", "a,b\n1,2\n"),  # no coordinate columns
        ("empty.csv", ""),
        ("bad.geojson", "{not json"),
        ("bad2.geojson", '{"type": "Feature"}'),  # not a FeatureCollection
    ],
)
def test_a_failed_run_leaves_the_earlier_output_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: str
) -> None:
    src = tmp_path / name
    src.write_text(content)
    out = tmp_path / f"out{src.suffix}"
    out.write_text(EARLIER)
    code, err = run(capsys, str(src), "-o", str(out))
    assert code == 2 and f"{out} was not written (the earlier file there is untouched)" in err
    assert out.read_text() == EARLIER and leftovers(tmp_path) == []


def test_a_failed_run_creates_no_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "bad.csv"
    src.write_text("a,b\n1,2\n")
    code, err = run(capsys, str(src), "-o", str(tmp_path / "out.csv"))
    assert code == 2 and "was not written." in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv"]


def test_an_interrupted_run_leaves_the_earlier_output_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    src, out = tmp_path / "events.csv", tmp_path / "out.csv"
    src.write_text(EVENTS)
    out.write_text(EARLIER)

    def ctrl_c(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(files, "annotate", ctrl_c)
    code, err = run(capsys, str(src), "-o", str(out))
    assert code == 130 and "interrupted" in err and "was not written (the earlier file there is untouched)" in err
    assert out.read_text() == EARLIER and leftovers(tmp_path) == []


def test_a_successful_run_replaces_the_earlier_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src, out = tmp_path / "events.csv", tmp_path / "out.csv"
    src.write_text(EVENTS)
    out.write_text(EARLIER)
    code, _ = run(capsys, str(src), "-o", str(out))
    assert code == 0 and out.read_text().startswith("lat,lon,nato_verdict")
    assert leftovers(tmp_path) == []


def test_parquet_is_written_whole_or_not_at_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    src, out = tmp_path / "events.parquet", tmp_path / "out.parquet"
    pq.write_table(pa.table({"lat": [25.03, 48.85], "lon": [121.56, 2.35]}), src)
    out.write_text(EARLIER)
    monkeypatch.setattr(files, "annotate", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
    code, _ = run(capsys, str(src), "-o", str(out))
    assert code == 130 and out.read_text() == EARLIER and leftovers(tmp_path) == []
    monkeypatch.undo()
    code, _ = run(capsys, str(src), "-o", str(out))
    assert code == 0 and pq.read_table(out).num_rows == 2 and leftovers(tmp_path) == []


def test_an_unwritable_directory_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "events.csv"
    src.write_text(EVENTS)
    code, err = run(capsys, str(src), "-o", str(tmp_path / "missing" / "out.csv"))
    assert code == 2 and "does not exist" in err
    if os.geteuid() != 0:
        (tmp_path / "ro").mkdir(mode=0o500)
        code, err = run(capsys, str(src), "-o", str(tmp_path / "ro" / "out.csv"))
        assert code == 2 and "Cannot write" in err


def test_dask_refuses_the_input_before_starting_a_cluster(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("distributed")
    src = tmp_path / "events.csv"
    src.write_text(EVENTS)
    code, err = run(capsys, str(src), "-o", str(src), "--engine", "dask")
    assert code == 2 and "the output is the input file" in err and src.read_text() == EVENTS


def test_a_directory_output_replaces_the_earlier_one_whole(tmp_path: Path) -> None:
    """Dask writes Parquet as a directory of part files: the earlier directory is swapped out only at the end."""
    out = tmp_path / "out.parquet"
    out.mkdir()
    (out / "part.0.parquet").write_text(EARLIER)
    with pytest.raises(Interrupted), replacing(str(out)) as temporary:
        Path(temporary).mkdir()
        (Path(temporary) / "part.0.parquet").write_text("half")
        raise KeyboardInterrupt
    assert (out / "part.0.parquet").read_text() == EARLIER and leftovers(tmp_path) == []
    with replacing(str(out)) as temporary:
        Path(temporary).mkdir()
        (Path(temporary) / "part.0.parquet").write_text("new")
    assert [p.read_text() for p in out.iterdir()] == ["new"] and leftovers(tmp_path) == []

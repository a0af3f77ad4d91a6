"""The `places` and `where` commands as a user meets them: output, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from treatyscope.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_places_taiwan(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "places", "Taiwan")
    assert code == 0
    assert "Taiwan [territory:taiwan]" in out
    assert "administered by: Taiwan" in out and "claimed by: CHN, TWN" in out


def test_places_json_is_a_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "places", "Honolulu", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["schema"] == "treatyscope.places/1"
    place = data["place"]
    assert place["kind"] == "place" and place["location"]["territory"]["id"] == "hawaii"
    assert place["status"]["sovereign"] == "USA"


def test_places_georgia_is_ambiguous(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "places", "Georgia")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "ambiguous" in err and "territory:georgia" in err and "subdivision:USA-3543" in err


def test_places_unknown_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "places", "Atlantis")
    assert code == 2 and err.count("\n") == 1
    assert "Unknown place 'Atlantis'" in err and "Did you mean" in err


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("91,0", "Latitude 91.0 is out of range"),
        ("0,200", "Longitude 200.0 is out of range"),
        ("nan,nan", "Cannot read"),
        ("somewhere", "Cannot read coordinates"),
    ],
)
def test_where_rejects_bad_coordinates(capsys: pytest.CaptureFixture[str], at: str, message: str) -> None:
    code, out, err = run(capsys, "where", "--at", at)
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err


def test_where_reports_sea_and_family(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "where", "--at", "24.5,119.5")
    assert code == 0 and "Taiwan Strait" in out and "pacific-ocean" in out


def test_where_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "where", "--at", "25.74N 123.47E", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["schema"] == "treatyscope.where/1"
    assert data["feature"]["id"] == "uotsuri-jima" and data["status"]["administered_by"] == "JPN"


def test_where_with_a_bad_date(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "where", "--at", "0,0", "--date", "1962-13-01")
    assert code == 2 and "is not a date" in err


def test_unknown_command_and_bad_option_are_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "bogus")[0] == 2
    code, _, err = run(capsys, "places", "Taiwan", "--format", "xml")
    assert code == 2 and err.count("\n") == 1


def test_python_dash_m_works() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "treatyscope", "where", "--at", "21.307,-157.858"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0 and "Hawaii" in proc.stdout

"""`treatyscope map`: a valid PNG or SVG of the requested size, with the covered area, the contested parts, land
and sea where they belong (so a blank or misplaced map fails), and clear errors."""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any

import pytest

from treatyscope.cli import main

pytest.importorskip("matplotlib")  # the test extra installs it; this only documents the dependency


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _colour_class(rgb: Any) -> str:
    r, g, b = (float(x) for x in rgb[:3])
    if b - r > 0.25:
        return "covered"  # blue
    if r - b > 0.2:
        return "contested"  # orange hatching
    if min(r, g, b) > 0.88:
        return "sea"  # very light blue-grey
    return "land"  # grey


@pytest.fixture(scope="module")
def world_vessel_map(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any]:
    import matplotlib.image

    from treatyscope.api import area_map
    from treatyscope.report.map import save

    fig = area_map(
        at=(55.0, -20.0), treaty="nato", target="vessel", date="2026-11-28", extent="world", size=(1200, 800)
    )
    to_pixel = fig.treatyscope_to_pixel
    path = tmp_path_factory.mktemp("map") / "world.png"
    save(fig, str(path))
    return matplotlib.image.imread(str(path)), to_pixel


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [
        (45.0, -40.0, "covered"),  # the North Atlantic north of the Tropic
        (35.0, 18.0, "covered"),  # the Mediterranean
        (10.0, -30.0, "sea"),  # the Atlantic south of the Tropic
        (-10.0, -140.0, "sea"),  # the South Pacific
        (-25.0, 135.0, "land"),  # Australia
        (30.0, 80.0, "land"),  # the Himalaya
        (43.3, 34.0, "contested"),  # the Black Sea: covered only if the Mediterranean includes it
        (27.0, -90.0, "contested"),  # the Gulf of Mexico: only under the general-region reading
    ],
)
def test_pixels_at_known_places_have_the_expected_colour(
    world_vessel_map: tuple[Any, Any], lat: float, lon: float, expected: str
) -> None:
    image, to_pixel = world_vessel_map
    x, y = to_pixel(lat, lon)
    assert image.shape[:2] == (800, 1200)
    assert _colour_class(image[y, x]) == expected, image[y, x]


def test_the_cli_writes_a_png_of_the_requested_size(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import matplotlib.image

    out = tmp_path / "taiwan.png"
    code, stdout, _ = run(
        capsys,
        "map",
        "--location",
        "Taiwan",
        "--treaty",
        "nato",
        "--date",
        "2026-11-28",
        "-o",
        str(out),
        "--size",
        "900x600",
    )
    assert code == 0 and "Wrote" in stdout
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert matplotlib.image.imread(str(out)).shape[:2] == (600, 900)


def test_an_svg_has_the_requested_size(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "honolulu.svg"
    code, _, _ = run(
        capsys, "map", "--location", "Honolulu", "--date", "2026-11-28", "-o", str(out), "--size", "800x500"
    )
    text = out.read_text()
    assert code == 0 and text.startswith("<?xml")
    assert 'width="576pt" height="360pt"' in text  # 8 × 5 inches at 72 points per inch
    assert "nearest covered" in text  # Honolulu is outside Article 6: the nearest covered place is drawn


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--extent", "0,10,5"], "--extent '0,10,5'"),
        (["--extent", "0,50,10,40"], "south < north"),
        (["--size", "huge"], "--size 'huge'"),
        (["-o", "map.jpg"], "written as .png or .svg"),
    ],
)
def test_bad_map_options_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    base = ["map", "--at", "40,-30"] + ([] if "-o" in args else ["-o", str(tmp_path / "m.png")])
    code, _, err = run(capsys, *base, *args)
    assert code == 2 and message in err and "Traceback" not in err


def test_without_matplotlib_the_message_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real = builtins.__import__

    def no_matplotlib(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    code, _, err = run(capsys, "map", "--at", "40,-30", "-o", str(tmp_path / "m.png"))
    assert code == 2 and 'pip install ".[map]"' in err and err.count("\n") == 1

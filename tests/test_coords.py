from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from treatyscope.errors import UsageError
from treatyscope.input.coords import parse_coordinates


@pytest.mark.parametrize(
    ("text", "lat", "lon"),
    [
        ("25.03,121.56", 25.03, 121.56),
        ("25.03, 121.56", 25.03, 121.56),
        ("25.03N 121.56E", 25.03, 121.56),
        ("25.03n,121.56e", 25.03, 121.56),
        ("N25.03 E121.56", 25.03, 121.56),
        ("25°02′N 121°34′E", 25 + 2 / 60, 121 + 34 / 60),
        ("25°02'30\"N 121°34'E", 25 + 2 / 60 + 30 / 3600, 121 + 34 / 60),
        ("121.56E 25.03N", 25.03, 121.56),  # longitude first, and the letters say so
        ("33.9S 151.2E", -33.9, 151.2),
        ("-33.9 151.2", -33.9, 151.2),
        ("52.93, 172.91", 52.93, 172.91),
        ("65.5,190E", 65.5, -170.0),  # 0-360 east with an explicit letter
        ("0,180", 0.0, 180.0),
        ("0,-180", 0.0, -180.0),
        ("90,0", 90.0, 0.0),
    ],
)
def test_accepted_forms(text: str, lat: float, lon: float) -> None:
    got = parse_coordinates(text)
    assert got == pytest.approx((lat, lon))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("91,0", "Latitude 91.0 is out of range"),
        ("-90.5,10", "Latitude -90.5 is out of range"),
        ("0,181", "Longitude 181.0 is out of range"),
        ("nan,1", "Cannot read 'nan'"),
        ("inf,1", "Cannot read 'inf'"),
        ("abc", "Cannot read coordinates 'abc'"),
        ("1,2,3", "Cannot read coordinates '1,2,3'"),
        ("", "Empty coordinates"),
        ("25°70′N 121E", "minutes and seconds must be between 0 and 60"),
        ("25.5°30′N 121E", "decimal degrees cannot be followed by minutes"),
        ("25N 121N", "hemisphere letters"),
    ],
)
def test_rejected_with_reason(text: str, message: str) -> None:
    with pytest.raises(UsageError) as err:
        parse_coordinates(text)
    assert message in str(err.value)


def test_a_pair_that_only_makes_sense_swapped_gets_a_hint() -> None:
    with pytest.raises(UsageError, match="swapped"):
        parse_coordinates("121.56,25.03")


@given(st.floats(-90, 90, allow_nan=False), st.floats(-180, 180, allow_nan=False))
def test_decimal_round_trip(lat: float, lon: float) -> None:
    assert parse_coordinates(f"{lat!r},{lon!r}") == pytest.approx((lat, lon))


@given(
    st.integers(0, 89),
    st.integers(0, 59),
    st.integers(0, 59),
    st.integers(0, 179),
    st.integers(0, 59),
    st.sampled_from("NS"),
    st.sampled_from("EW"),
)
def test_dms_round_trip(d: int, m: int, s: int, lond: int, lonm: int, ns: str, ew: str) -> None:
    lat, lon = parse_coordinates(f"{d}°{m:02d}′{s:02d}″{ns} {lond}°{lonm:02d}′{ew}")
    want_lat = (d + m / 60 + s / 3600) * (-1 if ns == "S" else 1)
    want_lon = (lond + lonm / 60) * (-1 if ew == "W" else 1)
    assert math.isclose(lat, want_lat, abs_tol=1e-9) and math.isclose(lon, want_lon, abs_tol=1e-9)

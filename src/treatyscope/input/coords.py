"""Coordinates as people write them: "25.03,121.56", "25.03N 121.56E", "25°02′N 121°34′E", "-33.9 151.2".

Latitude comes first unless hemisphere letters say otherwise ("121.56E 25.03N" is read correctly). Degrees,
minutes and seconds may use °, ′/', ″/" or d/m/s. Longitudes beyond ±180 up to 360 are accepted only with an
explicit E/W letter ("190E" is 170W); a bare number outside the range is an error, with a hint when the pair only
makes sense swapped.
"""

from __future__ import annotations

import math
import re

from treatyscope.errors import UsageError, echo
from treatyscope.place.locate import check_coordinates

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_PART = re.compile(
    rf"""^\s*(?P<pre>[NSEW])?\s*
    (?P<deg>{_NUMBER})\s*(?:°|º|deg|d)?\s*
    (?:(?P<min>{_NUMBER})\s*(?:′|'|’|m|min)\s*)?
    (?:(?P<sec>{_NUMBER})\s*(?:″|"|''|s|sec)\s*)?
    (?P<post>[NSEW])?\s*$""",
    re.VERBOSE | re.IGNORECASE,
)


def parse_coordinates(text: str) -> tuple[float, float]:
    """Parse a coordinate pair; raise UsageError with the reason if it is not one."""
    raw = text.strip()
    if not raw:
        raise UsageError("Empty coordinates.", 'Give them as "LAT,LON", e.g. --at "25.03,121.56".')
    halves = _split(raw)
    if halves is None:
        raise UsageError(
            f"Cannot read coordinates {echo(text)}.",
            'Give them as "LAT,LON", e.g. "25.03,121.56", "25.03N 121.56E" or "25°02′N 121°34′E".',
        )
    (a, ha), (b, hb) = (_parse_part(h, text) for h in halves)
    if ha in "EW" and ha and hb in "NS" and hb:
        (a, ha), (b, hb) = (b, hb), (a, ha)  # written longitude first, and the letters say so
    if (ha and ha not in "NS") or (hb and hb not in "EW"):
        raise UsageError(
            f"Cannot read coordinates {echo(text)}: the hemisphere letters do not give one latitude (N/S) and one "
            "longitude (E/W)."
        )
    lat = -a if ha == "S" else a
    lon = -b if hb == "W" else b
    if hb in ("E", "W") and 180.0 < abs(lon) <= 360.0:
        lon = ((lon + 180.0) % 360.0) - 180.0
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise UsageError(f"Coordinates must be finite numbers, got {echo(text)}.")
    return check_coordinates(lat, lon)


def _split(raw: str) -> tuple[str, str] | None:
    for sep in (",", ";"):
        if raw.count(sep) == 1:
            left, right = raw.split(sep)
            return left, right
    # No separator: try every cut at a space or just after a hemisphere letter; keep the first where both halves
    # read as a coordinate.
    cuts = [m.end() for m in re.finditer(r"\s+|(?<=[NSEWnsew])", raw)]
    for cut in cuts:
        left, right = raw[:cut], raw[cut:]
        if left.strip() and right.strip() and _PART.match(left) and _PART.match(right):
            return left, right
    return None


def _parse_part(part: str, original: str) -> tuple[float, str]:
    m = _PART.match(part.replace("\u2212", "-"))
    if not m:
        raise UsageError(
            f"Cannot read {echo(part.strip())} in coordinates {echo(original)}.",
            'Give them as "LAT,LON", e.g. "25.03,121.56" or "25°02′N 121°34′E".',
        )
    pre, post = (m.group("pre") or "").upper(), (m.group("post") or "").upper()
    if pre and post:
        raise UsageError(f"{echo(part.strip())} has two hemisphere letters.")
    hemi = pre or post
    deg = float(m.group("deg"))
    minutes = float(m.group("min")) if m.group("min") else 0.0
    seconds = float(m.group("sec")) if m.group("sec") else 0.0
    if (m.group("min") or m.group("sec")) and not float(deg).is_integer():
        raise UsageError(f"{echo(part.strip())}: decimal degrees cannot be followed by minutes or seconds.")
    if not 0 <= minutes < 60 or not 0 <= seconds < 60:
        raise UsageError(f"{echo(part.strip())}: minutes and seconds must be between 0 and 60.")
    if hemi and deg < 0:
        raise UsageError(f"{echo(part.strip())}: use either a minus sign or a hemisphere letter, not both.")
    sign = -1.0 if deg < 0 or m.group("deg").startswith("-") else 1.0
    return sign * (abs(deg) + minutes / 60.0 + seconds / 3600.0), hemi

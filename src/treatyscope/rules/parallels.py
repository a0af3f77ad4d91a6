"""Named parallels whose latitude depends on a convention: the tropics follow the obliquity of the ecliptic."""

from __future__ import annotations

import datetime as dt

J2000 = dt.date(2000, 1, 1)  # 2000-01-01 12:00 TT; day resolution is ample (the drift is 0.47″ a year)


def mean_obliquity_deg(on: dt.date) -> float:
    """IAU 2006 mean obliquity of the ecliptic (Capitaine et al. 2003, P03), nutation ignored.

    >>> round(mean_obliquity_deg(dt.date(1949, 8, 24)), 4)
    23.4458
    >>> round(mean_obliquity_deg(dt.date(2026, 3, 2)), 4)
    23.4359
    """
    t = ((on - J2000).days - 0.5) / 36525.0  # Julian centuries from J2000.0
    arcsec = 84381.406 - 46.836769 * t - 0.0001831 * t**2 + 0.00200340 * t**3 - 0.000000576 * t**4 - 0.0000000434 * t**5
    return arcsec / 3600.0


def dms(lat: float) -> str:
    """23.4459 -> 23°26′45″"""
    sign = "-" if lat < 0 else ""
    total = round(abs(lat) * 3600)
    d, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{sign}{d}°{m:02d}′{s:02d}″"

"""Dates on the command line: ISO 8601 calendar dates, at day granularity.

A treaty event dated by its deposit (an accession, a withdrawal) takes effect for the whole of that day: the
tool does not model time of day or time zones (Sweden's NATO instrument was deposited at about 17:30 CET on
2024-03-07; an attack earlier that day is treated as after accession).
"""

from __future__ import annotations

import datetime as dt

from treatyscope.errors import UsageError


def parse_date(text: str | None, what: str = "--date") -> dt.date:
    if text is None or text.strip().lower() in ("", "today"):
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{what}: '{text}' is not a date.", "Use YYYY-MM-DD, e.g. 1962-07-04.") from None

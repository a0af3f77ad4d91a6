"""Days and periods: every "is this day within this period" question is answered here.

treatyscope works in whole calendar days. A period's start is inclusive and its end exclusive: a party whose
membership has `to: 2004-09-06` is no longer a party on 6 September 2004, and a treaty event dated by its deposit
(an accession, a withdrawal) takes effect for the whole of that day. Time of day and time zones are not modelled
(Sweden's NATO instrument was deposited at about 17:30 CET on 2024-03-07; an attack earlier that day is treated as
after accession).

>>> p = Period(dt.date(1949, 8, 24), dt.date(1952, 2, 18))
>>> dt.date(1949, 8, 24) in p, dt.date(1952, 2, 17) in p, dt.date(1952, 2, 18) in p
(True, True, False)
>>> dt.date(1700, 1, 1) in Period(None, dt.date(1952, 2, 18))
True
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, fields, is_dataclass
from typing import Any

from treatyscope.errors import UsageError


@dataclass(frozen=True, slots=True)
class Period:
    """From `start` (inclusive; None: always before) to `end` (exclusive; None: open)."""

    start: dt.date | None = None
    end: dt.date | None = None

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, dt.date):
            return False
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)

    @property
    def bounds(self) -> tuple[dt.date, ...]:
        """The days on which being inside the period can change."""
        return tuple(d for d in (self.start, self.end) if d is not None)

    @classmethod
    def of(cls, start: Any, end: Any = None) -> Period:
        return cls(day_or_none(start), day_or_none(end))


def day_or_none(value: Any) -> dt.date | None:
    """A date from a date, an ISO string (as rule and data files store them) or None."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def day(value: Any) -> dt.date:
    found = day_or_none(value)
    if found is None:
        raise ValueError("a date is required")
    return found


def parse_date(text: str | None, what: str = "--date") -> dt.date:
    """A date given by a user: YYYY-MM-DD, or nothing / 'today' for today."""
    if text is None or text.strip().lower() in ("", "today"):
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{what}: '{text}' is not a date.", "Use YYYY-MM-DD, e.g. 1962-07-04.") from None


def named_days(value: Any) -> set[dt.date]:
    """Every date named anywhere in a value (rule nodes, treaties, dicts and lists of them): as a date, or as a
    string that begins with an ISO date."""
    days: set[dt.date] = set()
    for v in nested(value):
        if isinstance(v, dt.date):
            days.add(v.date() if isinstance(v, dt.datetime) else v)
        elif isinstance(v, str) and _ISO_DAY.match(v):
            with contextlib.suppress(ValueError):  # a string that only starts like a date
                days.add(dt.date.fromisoformat(v[:10]))
    return days


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def nested(value: Any, seen: set[int] | None = None) -> Iterator[Any]:
    """The value and every value within it (dict values, list items, dataclass fields), each object once."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return
    seen.add(id(value))
    yield value
    if isinstance(value, dict):
        for v in value.values():
            yield from nested(v, seen)
    elif isinstance(value, list | tuple | set | frozenset):
        for v in value:
            yield from nested(v, seen)
    elif is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            yield from nested(getattr(value, f.name), seen)

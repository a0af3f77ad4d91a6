"""Parallels: where a named parallel lies on a date (the tropics follow the obliquity of the ecliptic), and the test
of a latitude band that `latitude` conditions and `band` regions share.

Boundaries belong to the band: a point exactly on the Tropic of Cancer is north of it (and south of it).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

from treatyscope.rules.language import (
    Context,
    Interpretation,
    Latitude,
    Parallel,
    ParallelAt,
    ReadingUsed,
    RuleBook,
    Side,
    Truth,
)
from treatyscope.rules.logic import interpret, kleene_all

if TYPE_CHECKING:
    from treatyscope.place.subject import Subject

J2000 = dt.date(2000, 1, 1)  # 2000-01-01 12:00 TT; day resolution is ample (the drift is 0.47″ a year)
Ref = float | str  # degrees north, or the name of a parallel


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


def obliquity_date(p: Parallel, on: dt.date) -> dt.date:
    """The date whose obliquity a parallel follows: its own, or the attack's."""
    return p.obliquity_on if isinstance(p.obliquity_on, dt.date) else on


def candidates(p: float | Parallel, book: RuleBook, on: dt.date) -> list[float]:
    """The latitudes a parallel can have on the date, one per reading of it."""
    if not isinstance(p, Parallel):
        return [float(p)]
    if p.interpretation is not None:
        readings = book.interpretations[p.interpretation].readings
        return [lat for r in readings if r.parallel for lat in candidates(r.parallel, book, on)]
    if p.latitude is not None:
        return [p.latitude]
    return [mean_obliquity_deg(obliquity_date(p, on))]


class _NeedReading(Exception):
    def __init__(self, term: str) -> None:
        super().__init__(term)
        self.term = term


def parallel_at(ref: Ref, ctx: Context) -> ParallelAt:
    """Where the parallel lies for this question (`_NeedReading` if a vague term decides and none is chosen)."""
    if not isinstance(ref, str):
        return ParallelAt(float(ref))
    named = ctx.book.parallels[ref]
    definition, used = named, None
    if named.interpretation is not None:
        chosen = ctx.reading(named.interpretation)
        if chosen is None or chosen.parallel is None:
            raise _NeedReading(named.interpretation)
        definition, used = chosen.parallel, ReadingUsed(ctx.interpretation(named.interpretation), chosen)
    if definition.latitude is not None:
        return ParallelAt(definition.latitude, named, None, used)
    on = obliquity_date(definition, ctx.date)
    return ParallelAt(mean_obliquity_deg(on), named, on, used)


def test_band(north_of: Ref | None, south_of: Ref | None, s: Subject, ctx: Context) -> tuple[Truth, Latitude]:
    """Whether the subject is north of one parallel and/or south of another; where a vague term defines a parallel
    and no reading is chosen, every reading held must agree (else `Branch`)."""
    try:
        return _band(north_of, south_of, s, ctx)
    except _NeedReading as need:
        (result, fact), used = interpret(
            need.term, ctx, lambda _: test_band(north_of, south_of, s, ctx), lambda answer: answer[0]
        )
        return result, _every_reading(fact, used.interpretation)


def _every_reading(fact: Latitude, interp: Interpretation) -> Latitude:
    sides = []
    for side in fact.sides:
        p = side.parallel
        if p.reading is not None and p.reading.interpretation is interp:
            p = ParallelAt(p.lat, p.parallel, p.on, ReadingUsed(interp, None))
        sides.append(Side(side.side, p, side.result))
    return Latitude(fact.point_like, fact.lat, fact.south, fact.north, tuple(sides))


def _band(north_of: Ref | None, south_of: Ref | None, s: Subject, ctx: Context) -> tuple[Truth, Latitude]:
    _, south, _, north = s.bbox
    sides: list[Side] = []
    wanted: list[tuple[Literal["north", "south"], Ref]] = []
    if north_of is not None:
        wanted.append(("north", north_of))
    if south_of is not None:
        wanted.append(("south", south_of))
    for side, ref in wanted:
        at = parallel_at(ref, ctx)
        ok: Truth
        if s.point_like:
            ok = s.lat >= at.lat if side == "north" else s.lat <= at.lat
        elif side == "north":
            ok = True if south >= at.lat else False if north < at.lat else None
        else:
            ok = True if north <= at.lat else False if south > at.lat else None
        sides.append(Side(side, at, ok))
    lo, hi = (s.lat, s.lat) if s.point_like else (south, north)
    return kleene_all([x.result for x in sides]), Latitude(s.point_like, s.lat, lo, hi, tuple(sides))


def possible_band(north_of: Ref | None, south_of: Ref | None, s: Subject, ctx: Context) -> tuple[bool, bool]:
    """(may be true, may be false) over every reading held of the parallels' vague terms."""
    may_t, may_f = True, False
    _, south, _, north = s.bbox
    lo, hi = (s.lat, s.lat) if s.point_like else (south, north)
    for side, ref in (("north", north_of), ("south", south_of)):
        if ref is None:
            continue
        lats = _held_latitudes(ref, ctx)
        if side == "north":
            t, f = any(hi >= lat for lat in lats), any(lo < lat for lat in lats)
        else:
            t, f = any(lo <= lat for lat in lats), any(hi > lat for lat in lats)
        may_t, may_f = may_t and t, may_f or f
    return may_t, may_f


def _held_latitudes(ref: Ref, ctx: Context) -> list[float]:
    if not isinstance(ref, str):
        return [float(ref)]
    p = ctx.book.parallels[ref]
    defs = [p] if p.interpretation is None else [r.parallel for r in ctx.readings(p.interpretation) if r.parallel]
    out = []
    for d in defs:
        out.append(d.latitude if d.latitude is not None else mean_obliquity_deg(obliquity_date(d, ctx.date)))
    return out

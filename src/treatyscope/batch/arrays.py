"""`treatyscope.classify`: verdicts (and reason codes) for arrays of points, from the vectorised engine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np

from treatyscope.batch.rows import ERROR_ANSWER, REASON_NAMES, VERDICT_NAMES, Classifier, RowError, Settings
from treatyscope.errors import UsageError
from treatyscope.evaluation.vectorised import Question
from treatyscope.place.kernels import all_on_world
from treatyscope.rules.kinds import TARGETS


def classify(
    lats: Sequence[float] | Any,
    lons: Sequence[float] | Any,
    *,
    treaty: str = "nato",
    target: str = "territory",
    dates: Sequence[str | dt.date] | str | dt.date | None = None,
    parties: Sequence[str | None] | None = None,
    interpretations: dict[str, str] | None = None,
    rules: Sequence[str] | None = None,
    reasons: bool = False,
) -> Any:
    """Python API: the verdict at each point, as a numpy array of str objects (`error` where a coordinate, date or
    party is invalid); with `reasons=True`, a pair of arrays (verdicts, reason codes). Sequences or numpy arrays
    of latitudes and longitudes; one date (default today) or one per point; parties one per point, or none (the
    state whose territory each point is)."""

    lat = np.asarray(lats, dtype=np.float64)
    lon = np.asarray(lons, dtype=np.float64)
    if lat.shape != lon.shape or lat.ndim != 1:
        raise UsageError(f"{lat.size} latitudes but {lon.size} longitudes (give two flat sequences).")
    n = len(lat)
    clf = Classifier(Settings([treaty], target, dt.date.today(), None, dict(interpretations or {}), rules))
    if target not in TARGETS:
        raise UsageError(f"Unknown target '{target}'.", f"Targets: {', '.join(TARGETS)}.")
    # One pass tells whether every coordinate is in range; only if not, which ones.
    if all_on_world(lon, lat):
        problem = np.full(n, -1, dtype=np.int8)  # index into PROBLEMS, -1 for none
    else:
        ok = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90.0) & (np.abs(lon) <= 180.0)
        problem = np.where(ok, -1, 0).astype(np.int8)
    if dates is None or isinstance(dates, str | dt.date):
        one_day = dt.date.today() if dates is None else _day(dates)
        days = np.broadcast_to(np.datetime64(one_day, "D"), (n,))  # one day for all: no array of n copies
    else:
        listed = list(dates)
        if len(listed) != n:
            raise UsageError(f"{len(listed)} dates for {n} points (give one, or one per point).")
        days = np.full(n, np.datetime64(dt.date.today(), "D"))
        seen: dict[Any, Any] = {}
        for k, d in enumerate(listed):
            if d not in seen:
                try:
                    seen[d] = np.datetime64(_day(d), "D")
                except (ValueError, TypeError):
                    seen[d] = None
            if seen[d] is None:
                problem[k] = problem[k] if problem[k] >= 0 else 1
            else:
                days[k] = seen[d]
    groups: dict[str | None, Any] = {None: None}
    if parties is not None:
        listed_parties = list(parties)
        if len(listed_parties) != n:
            raise UsageError(f"{len(listed_parties)} parties for {n} points (give one per point, or none).")
        resolved: list[str | None] = []
        for k, text in enumerate(listed_parties):
            try:
                resolved.append(clf.party(text))
            except RowError:
                resolved.append(None)
                problem[k] = problem[k] if problem[k] >= 0 else 2
        groups = {c: np.array([x == c for x in resolved]) for c in dict.fromkeys(resolved)}
    good = problem < 0
    answers = np.empty(n, dtype=np.int8)
    for party, members in groups.items():
        everyone = members is None and bool(good.all())
        rows: Any = slice(None) if everyone else np.flatnonzero(good if members is None else good & members)
        q = Question(treaty, target, party, clf.settings.interpretations)
        answers[rows] = clf.engine.classify(q, lat[rows], lon[rows], days[rows])
    bad = np.flatnonzero(~good)
    answers[bad] = ERROR_ANSWER + problem[bad]
    clf.finish()
    verdicts = VERDICT_NAMES.take(answers)  # object arrays: no copy of the strings
    return (verdicts, REASON_NAMES.take(answers)) if reasons else verdicts


def _day(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip()[:10])


# --------------------------------------------------------------------------------------------------------- Dask

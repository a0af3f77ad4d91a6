"""The vectorised engine gives `check`'s verdict at every point.

The reference is the scalar engine: `locate` at each point, then `check`, asked once per distinct set of the facts
the rule reads there on that very day (the invariant `area` rests on: points with the same facts, on the same sides
of the rule's lines, get one answer). What is under test is everything the vectorised engine adds: the grid of
places, the coastal bands and gap fills read by containment, the spans of days, the sides of the rule's lines, the
curated features, and the reuse of answers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
import shapely

import sampling
from treatyscope.evaluation.check import check
from treatyscope.evaluation.subjects import point_subject
from treatyscope.evaluation.vectorised import REASONS, VERDICTS, Question, engine_for
from treatyscope.input.scenario import Scenario
from treatyscope.place.data import geodata
from treatyscope.place.locate import locate
from treatyscope.place.sphere import KM_PER_DEGREE_LAT
from treatyscope.rules.load import rulebook
from treatyscope.rules.reach import lines as rule_lines
from treatyscope.rules.reach import named

# Days in different spans, and two days in one span (2024-25), so that reusing an answer across a span is tested.
DAYS = [dt.date(1960, 6, 1), dt.date(1995, 1, 1), dt.date(2024, 10, 1), dt.date(2025, 7, 15)]
QUESTIONS = [("nato", "vessel"), ("rio", "territory"), ("seato", "forces")]


def world_points(rng: np.random.Generator, n: int) -> tuple[Any, Any]:
    """Uniform on the sphere."""
    return np.degrees(np.arcsin(rng.uniform(-1, 1, n))), rng.uniform(-180, 180, n)


def boundary_points(rng: np.random.Generator, n: int) -> tuple[Any, Any]:
    """Within 1 km of the boundaries that decide answers: coasts (land parts, coastal bands), seas and their gap
    fills, and the parallels and polygons of the treaties under test."""
    data = geodata()
    book = rulebook(None)
    lines: list[Any] = []
    picks = rng.choice(len(data.coast_owners), 1500, replace=False)
    lines += [g.boundary for g in data.coast_geoms(sorted(int(k) for k in picks))]
    pieces = rng.choice(len(data.piece_ids), 800, replace=False)
    lines += [g.boundary for g in data.piece_geoms(sorted(int(k) for k in pieces))]
    lines += [g.boundary for g in data.sea_geoms(list(range(len(data.sea_list))))]
    lines += [g.boundary for g in data.gap_geoms(list(range(len(data.sea_list)))) if not g.is_empty]
    for treaty, target in QUESTIONS:
        for day in DAYS:
            version = book.treaties[treaty].articles[0].version_on(day)
            if version and target in version.targets:
                lats, polys = rule_lines(version.targets[target], book, day)
                lines += [shapely.LineString([(-180, lat), (180, lat)]) for lat in lats]
                lines += [p.boundary for p in polys]
    # Sample along the lines in proportion to their length, then move each point up to 1 km.
    lats, lons = sampling.along(lines, n, rng)
    km = rng.uniform(0, 1, n) * (rng.uniform(0, 1, n) > 0.05)  # 5% exactly on the line
    bearing = rng.uniform(0, 2 * np.pi, n)
    lats = np.clip(lats + km * np.cos(bearing) / KM_PER_DEGREE_LAT, -90, 90)
    lons = lons + km * np.sin(bearing) / KM_PER_DEGREE_LAT / np.maximum(0.05, np.cos(np.radians(lats)))
    lons = np.clip(lons, -180, 180)
    return lats, lons


def antimeridian_points(rng: np.random.Generator, n: int) -> tuple[Any, Any]:
    """On ±180 exactly, and within 1 km of it either side."""
    lats = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    side = rng.choice([-1.0, 1.0], n)
    off = rng.uniform(0, 1, n) * (rng.uniform(0, 1, n) > 0.3) / KM_PER_DEGREE_LAT
    return lats, side * (180.0 - off / np.maximum(0.05, np.cos(np.radians(lats))))


def feature_points(rng: np.random.Generator, n: int) -> tuple[Any, Any]:
    """Within 1.1 radii of the curated features (islands, straits, enclaves): which feature `locate` names there
    turns on the land part, or for a point in a coastal band the part nearest it."""
    data = geodata()
    features = [f for f in data.features.values() if not (f.is_group and data.group_members(f.id))]
    pick = rng.integers(0, len(features), n)
    flat = np.array([f.lat for f in features])[pick]
    flon = np.array([f.lon for f in features])[pick]
    km = np.array([f.radius_km for f in features])[pick] * 1.1 * np.sqrt(rng.uniform(0, 1, n))
    bearing = rng.uniform(0, 2 * np.pi, n)
    lats = np.clip(flat + km * np.cos(bearing) / KM_PER_DEGREE_LAT, -90, 90)
    lons = flon + km * np.sin(bearing) / KM_PER_DEGREE_LAT / np.maximum(0.05, np.cos(np.radians(lats)))
    return lats, (lons + 180) % 360 - 180


class Reference:
    """The scalar engine at each point, with answers shared between points with the same facts on the same day."""

    def __init__(self) -> None:
        self.book = rulebook(None)
        self.data = geodata()
        self.memo: dict[Any, str] = {}
        self.rules: dict[Any, Any] = {}

    def rule(self, treaty: str, target: str, day: dt.date) -> tuple[Any, list[float], list[Any]]:
        """The seas and subdivisions the rule names, and the lines it draws, on the day."""
        key = (treaty, target, day)
        if key not in self.rules:
            version = self.book.treaties[treaty].articles[0].version_on(day)
            cond = version.targets.get(target) if version else None
            asked = named(cond, self.book, self.data) if cond is not None else (frozenset(), frozenset())
            lats, polys = rule_lines(cond, self.book, day) if cond is not None else ([], [])
            self.rules[key] = (asked, lats, polys)
        return self.rules[key]

    def verdicts(self, lat: float, lon: float, days: list[dt.date]) -> dict[tuple[str, str, dt.date], str]:
        loc = locate(lat, lon)
        out = {}
        for treaty, target in QUESTIONS:
            for day in days:
                asked, lats, polys = self.rule(treaty, target, day)
                subject = point_subject(loc, day, "", self.data)
                sides = tuple((lat >= p, lat <= p) for p in lats) + tuple(
                    bool(p.covers(shapely.Point(lon, lat))) for p in polys
                )
                key = (treaty, target, day, sides, subject.facts(*asked))
                if key not in self.memo:
                    s = Scenario(label="x", target=target, date=day, point=(lat, lon), find_nearest=False)
                    (result, *_) = check(s, self.book, [treaty])
                    self.memo[key] = f"{result.verdict}/{result.reason}"
                out[(treaty, target, day)] = self.memo[key]
        return out


def sample(total: int) -> tuple[Any, Any, Any]:
    """55% uniform on the sphere, 30% within 1 km of a boundary, 10% on or by ±180, 5% near curated features; a
    day for each."""
    rng = np.random.default_rng(20261128)
    parts = [
        world_points(rng, total * 55 // 100),
        boundary_points(rng, total * 3 // 10),
        antimeridian_points(rng, total // 10),
        feature_points(rng, total // 20),
    ]
    lats = np.concatenate([p[0] for p in parts])
    lons = np.concatenate([p[1] for p in parts])
    return lats, lons, rng.integers(0, len(DAYS), len(lats))


def assert_equal_to_scalar(lats: Any, lons: Any, day_index: Any) -> None:
    engine = engine_for(rulebook(None))
    days = np.array(DAYS, dtype="datetime64[D]")[day_index]
    got = {}
    for treaty, target in QUESTIONS:
        codes = engine.classify(Question(treaty, target, None), lats, lons, days)
        got[(treaty, target)] = [f"{VERDICTS[c // 16]}/{REASONS[c % 16]}" for c in codes.tolist()]
    ref = Reference()
    wrong = []
    for k in range(len(lats)):
        day = DAYS[day_index[k]]
        expected = ref.verdicts(float(lats[k]), float(lons[k]), [day])
        for treaty, target in QUESTIONS:
            if got[(treaty, target)][k] != expected[(treaty, target, day)]:
                wrong.append(
                    (
                        treaty,
                        target,
                        float(lats[k]),
                        float(lons[k]),
                        str(day),
                        got[(treaty, target)][k],
                        expected[(treaty, target, day)],
                    )
                )
    assert not wrong, f"{len(wrong)} differences, e.g. {wrong[:5]}"


def test_vectorised_equals_scalar_on_5k_points() -> None:
    """The slow run's test, smaller: it keeps the default run well under five minutes."""
    lats, lons, days = sample(5_000)
    assert len(lats) == 5_000
    assert_equal_to_scalar(lats, lons, days)


@pytest.mark.slow
def test_vectorised_equals_scalar_on_100k_points() -> None:
    """The issue's acceptance test (about 2.5 minutes; CI runs it with `pytest -m slow`)."""
    lats, lons, days = sample(100_000)
    assert len(lats) == 100_000
    assert_equal_to_scalar(lats, lons, days)


def test_direct_check_agrees_at_random_points() -> None:
    """No shared answers on either side: `check` itself at 300 points against the engine."""
    rng = np.random.default_rng(7)
    lats, lons = world_points(rng, 300)
    engine = engine_for(rulebook(None))
    book = rulebook(None)
    day = dt.date(2024, 1, 1)
    for treaty, target in QUESTIONS:
        v = engine.classify(Question(treaty, target, None), lats, lons, np.full(300, np.datetime64(day))) // 16
        for k in range(300):
            s = Scenario(label="x", target=target, date=day, point=(lats[k], lons[k]), find_nearest=False)
            (result, *_) = check(s, book, [treaty])
            assert VERDICTS[v[k]] == result.verdict, (treaty, target, lats[k], lons[k])


def test_without_numba_the_answers_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """The numpy code alone (an install without the `fast` extra) gives the compiled loops' answers."""
    import treatyscope.evaluation.vectorised
    import treatyscope.place.grid
    from treatyscope.evaluation.vectorised import Engine

    lats, lons, day_index = sample(1_000)
    days = np.array(DAYS, dtype="datetime64[D]")[day_index]
    one_day = np.full(len(lats), np.datetime64(DAYS[2]))
    book = rulebook(None)
    compiled = [
        engine_for(book).classify(Question(t, g, None), lats, lons, d) for t, g in QUESTIONS for d in (days, one_day)
    ]
    monkeypatch.setattr(treatyscope.place.grid, "KERNELS", None)
    monkeypatch.setattr(treatyscope.evaluation.vectorised, "KERNELS", None)
    alone = [Engine(book).classify(Question(t, g, None), lats, lons, d) for t, g in QUESTIONS for d in (days, one_day)]
    for a, b in zip(compiled, alone, strict=True):
        np.testing.assert_array_equal(a, b)


def test_days_split_where_the_data_changes() -> None:
    """Every membership date and status change starts a span (Finland joined NATO on 2023-04-04; Algeria became
    independent of France on 1962-07-05), and two days with nothing between them share one."""
    from treatyscope.evaluation.vectorised import date_breaks

    breaks = date_breaks(rulebook(None), geodata())
    span = lambda d: int(np.searchsorted(breaks, np.datetime64(d), side="right"))  # noqa: E731
    assert span("2023-04-03") != span("2023-04-04")
    assert span("1962-07-04") != span("1962-07-05")
    assert span("2024-01-01") != span("2024-07-15"), "Sweden joined NATO on 2024-03-07"
    assert span("2024-10-01") != span("2025-07-15"), "the Russia-DPRK treaty entered into force on 2024-12-04"
    assert span("2025-09-16") != span("2025-09-17"), "the Saudi-Pakistani agreement was signed on 2025-09-17"
    assert span("2025-11-01") == span("2026-01-15"), "nothing changes between them in the data"


def test_numpy_coordinates_give_the_same_answer_as_floats() -> None:
    """A notebook passes numpy scalars: they must not turn the engine's True/False into numpy booleans."""
    book = rulebook(None)
    lat, lon = np.float64(14.8448037635959), np.float64(-39.67257460253862)  # the mid-Atlantic, south of 23.4° N
    for point in ((lat, lon), (float(lat), float(lon))):
        s = Scenario(label="x", target="vessel", date=dt.date(2024, 1, 1), point=point, find_nearest=False)
        assert check(s, book, ["nato"])[0].verdict == "does-not-apply"


def test_only_a_few_tables_are_held_dense_and_the_answers_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows dated across 70 years touch hundreds of spans: their tables are set aside as the answers they hold, and
    made dense again when a span comes up again, with the answers they had."""
    import treatyscope.evaluation.vectorised as vectorised
    from treatyscope.evaluation.vectorised import Engine

    rng = np.random.default_rng(11)
    lats, lons = world_points(rng, 3_000)
    days = np.datetime64("1950-01-01") + rng.integers(0, 75 * 365, len(lats)).astype("timedelta64[D]")
    book = rulebook(None)
    q = Question("nato", "vessel", None)
    found = engine_for(book).places.find(lats, lons)  # the places grid's path, which tables serve
    (roomy,) = Engine(book).classify_all([q], lats, lons, days, found)
    monkeypatch.setattr(vectorised, "DENSE_TABLES", 2)
    monkeypatch.setattr(vectorised, "CHUNK", 1_000)  # each span comes up again in the next chunk
    tight = Engine(book)
    held = []
    table = tight._table
    monkeypatch.setattr(tight, "_table", lambda *a: (held.append(len(tight._tables)), table(*a))[1])
    np.testing.assert_array_equal(tight.classify_all([q], lats, lons, days, found)[0], roomy)
    assert max(held) <= 2 and len(held) > 100

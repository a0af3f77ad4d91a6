"""The vectorised engine behind `batch` and `classify`: verdicts for millions of points, each the one `check` gives.

A point's verdict depends on three things only:
1. where it is: the facts `locate` finds (territory, subdivision, island, adjoining seas, sea, feature);
2. which side of each parallel, and inside which polygon, the rule draws it lies (`rules.reach.lines`);
3. the day, through memberships, texts, suspensions, statuses and readings that change on dates named in the rule
   files and the status history.
So the world is cut into the atoms `locate` tells apart — land parts, coastal bands, named seas, gap fills, open
water — held in `locate`'s order of precedence behind an exact two-level grid (`grid.LayeredGrid`); the rule's
lines are tested per point; and days are grouped into spans between consecutive dates named anywhere in the data.
Each distinct (atom, sides, span) is answered once and the answer reused for every point with the same key. The
answer comes from `check` itself, asked at the first point with that key — or, when another point with the same
facts on the same sides was already asked in that span, its answer (the invariant `area` rests on).
Curated features (`locate` measures great-circle distance to their centres) are found per point near them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from treatyscope import cache
from treatyscope.evaluation.check import check
from treatyscope.evaluation.subjects import point_subject
from treatyscope.input.scenario import Scenario
from treatyscope.periods import named_days
from treatyscope.place.data import GeoData, geodata
from treatyscope.place.grid import LayeredGrid, wrap_east_edge
from treatyscope.place.kernels import KERNELS
from treatyscope.place.locate import locate
from treatyscope.place.sphere import KM_PER_DEGREE_LAT
from treatyscope.place.world import OPEN_WATER, Location, world
from treatyscope.result import Reason, Verdict
from treatyscope.rules.reach import lines, named

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from treatyscope.rules.language import Condition, RuleBook

VERDICTS = (*(str(v) for v in Verdict), "error")  # a batch row that cannot be classified is an error
REASONS = tuple(str(r) for r in Reason)
NOT_NEAR = -3  # a point near no curated feature
FEW = 5_000  # fewer points than this, and no places grid built yet: each is located instead
CHUNK = 1 << 20  # points per step: bounds the temporary arrays (a step costs ~40 bytes a point)
# Tables held dense at once (each ~1.4 MB for 21,000 places and 3 parallels): the rest are kept as the answers they
# hold. Rows with dates spread over 1950-2025 touch some 700 spans, whose dense tables took about 1 GB.
DENSE_TABLES = 32


# ------------------------------------------------------------------------------------------------ places


class Places:
    """The atoms of place.world, in its order of precedence, behind one grid (with a box around each curated
    feature's reach ahead of them)."""

    def __init__(self, data: GeoData, territorial_sea: bool = True) -> None:
        self.data = data
        self.world = world(data, territorial_sea)
        # The grid holds, ahead of the atoms, a box around each feature's radius: a point in one is looked at
        # again (its atom, then the feature rule); every other point is answered by the grid alone.
        self._boxes = [_reach_box(lat, lon, km) for lat, lon, km in self.world.feature_xyr]
        self.n_boxes = len(self._boxes)
        self.atoms = self.world.atoms
        self.grid = _cached_grid(data, territorial_sea, lambda: self._boxes + self.world.geometries())
        self._atom_tree: shapely.STRtree | None = None

    def location(self, atom: int, lat: float, lon: float) -> Location:
        """What `locate` reports at a point of the atom (outside any curated feature's radius)."""
        return self.world.location(atom, lat, lon)

    def find(self, lats: NDArray[np.float64], lons: NDArray[np.float64]) -> NDArray[np.int32]:
        """The grid's answer at each point: a feature box (below n_boxes), else an atom (n_boxes + its index), or
        -1 in none of them (open water). A point on 180° is looked up on -180°, as `locate.lookup_lon` does."""
        return self.grid.lookup(lons, lats, east_as_west=True)

    def resolve(
        self, lats: NDArray[np.float64], lons: NDArray[np.float64], found: NDArray[np.int32]
    ) -> tuple[NDArray[np.int32], tuple[NDArray[np.intp], NDArray[np.int32]]]:
        """For points and find's answers there: each point's atom (OPEN_WATER in none; in a feature box, found
        exactly), and the points within a curated feature's radius, as (indices, feature index)."""
        atoms = found - self.n_boxes
        atoms[found < 0] = OPEN_WATER
        boxed = np.flatnonzero(found.view(np.uint32) < self.n_boxes)  # -1 reads as 2**32 - 1
        atoms[boxed] = self._atoms_exactly(lats[boxed], lons[boxed])
        near, features = self.world.features_at(lats[boxed], lons[boxed], atoms[boxed])
        return atoms, (boxed[near], features)

    def _atoms_exactly(self, lats: NDArray[np.float64], lons: NDArray[np.float64]) -> NDArray[np.int32]:
        """The first atom covering each point, testing every atom near it (for the few points in feature boxes)."""
        if self._atom_tree is None:
            self._atom_tree = shapely.STRtree(self.grid.polygons()[self.n_boxes :])
        lons = wrap_east_edge(lons)
        which, atom = self._atom_tree.query(shapely.points(lons, lats))  # by bounding box, then exactly:
        hit = shapely.intersects_xy(self.grid.polygons()[atom + self.n_boxes], lons[which], lats[which])
        which, atom = which[hit], atom[hit]
        out = np.full(len(lats), OPEN_WATER, dtype=np.int32)
        order = np.lexsort((atom, which))  # per point, its atoms in precedence order: the first wins
        which, atom = which[order], atom[order]
        first = np.ones(len(which), dtype=bool)
        first[1:] = which[1:] != which[:-1]
        out[which[first]] = atom[first]
        return out


_PLACES = cache.memo()


def places(data: GeoData | None = None, territorial_sea: bool = True) -> Places:
    data = data or geodata()
    found: Places = _PLACES.remember((str(data.root), territorial_sea), lambda: Places(data, territorial_sea))
    return found


def _reach_box(lat: float, lon: float, km: float) -> Any:
    """A box holding every point within `km` of (lat, lon), with a margin, split at ±180 if it crosses it."""
    pad = km / KM_PER_DEGREE_LAT * 1.01 + 1e-4
    top, bottom = min(90.0, lat + pad), max(-90.0, lat - pad)
    widest = max(abs(top), abs(bottom))
    reach = 360.0 if widest > 89.0 else min(360.0, pad / float(np.cos(np.radians(widest))))
    boxes = [shapely.box(max(-180.0, lon - reach), bottom, min(180.0, lon + reach), top)]
    if lon - reach < -180.0:
        boxes.append(shapely.box(lon - reach + 360.0, bottom, 180.0, top))
    if lon + reach > 180.0:
        boxes.append(shapely.box(-180.0, bottom, lon + reach - 360.0, top))
    return shapely.union_all(boxes)


_GRIDS = cache.Store("grids", ".bin")
_EDGES = cache.Store("grids", ".edges")
_ANSWERS = cache.Store("answers")
# The answer codes check can give (verdict * 16 + reason): what a table read back from disk may hold.
_ANSWER_CODES = [VERDICTS.index(str(v)) * 16 + r for v in Verdict for r in range(len(REASONS))]


def _grid_key(territorial_sea: bool) -> str:
    """The places grid depends on the vendored data, on whether the territorial seas are in it, and on the code
    that builds it (not on the rules)."""
    code = ("place/grid.py", "place/world.py", "evaluation/vectorised.py")
    return cache.key("places", territorial_sea, code=code)


def places_ready(data: GeoData | None = None, territorial_sea: bool = True) -> bool:
    """Whether the places grid is built (in this process or on disk)."""
    data = data or geodata()
    path = _GRIDS.path(_grid_key(territorial_sea))
    return (str(data.root), territorial_sea) in _PLACES or (path is not None and path.exists())


def _cached_grid(data: GeoData, territorial_sea: bool, polygons: Any) -> LayeredGrid:
    """The places grid, kept on disk: building it takes about a minute, loading it a fraction of a second."""
    key = _grid_key(territorial_sea)
    grid = _kept_grid(key, polygons)
    # The compiled look-up's segment index beside it: ~180 MB on disk, read in a tenth of the time it takes to build.
    grid.keep_edges(lambda: _EDGES.load(key, bytes), lambda blob: _EDGES.save(key, blob))
    return grid


def _polygon_grid(polygon: Any) -> LayeredGrid:
    """A grid over one of a rule's polygons, kept on disk by the polygon's shape: building one takes up to a
    second, reading it back a few milliseconds."""
    key = cache.key("polygon", hashlib.sha256(shapely.to_wkb(polygon)).hexdigest(), code=("place/grid.py",))
    return _kept_grid(key, lambda: [polygon])


def _kept_grid(key: str, polygons: Any) -> LayeredGrid:
    """The grid kept under `key`, or, with none (or a damaged one), a grid built over `polygons()` and kept."""
    return _GRIDS.kept(key, LayeredGrid.from_bytes, lambda: LayeredGrid(polygons()), LayeredGrid.to_bytes)


# ------------------------------------------------------------------------------------------------ days


def date_breaks(book: RuleBook, data: GeoData) -> NDArray[np.datetime64]:
    """Every day on which an answer can change: each date named in the rule files or the status history, and the
    day after it (so a date read as inclusive and one read as exclusive both start a span)."""
    days = named_days([book.treaties, book.regions, book.conditions, book.interpretations, book.parallels])
    days.update(data.status_dates())
    days |= {d + dt.timedelta(days=1) for d in days if d < dt.date.max}
    return np.array(sorted(days), dtype="datetime64[D]")


# ------------------------------------------------------------------------------------------------ verdicts


@dataclass
class Question:
    """What is asked of every point in a group: one treaty, target, attacked party and set of pinned readings."""

    treaty: str
    target: str
    party: str | None
    pins: dict[str, str] = field(default_factory=dict)


class Engine:
    """Verdict and reason codes (indices into VERDICTS and REASONS) for arrays of points and days."""

    def __init__(self, book: RuleBook, data: GeoData | None = None, territorial_sea: bool = True) -> None:
        self.book = book
        self.data = data or geodata()
        self.territorial_sea = territorial_sea
        self.breaks = date_breaks(book, self.data)
        # Per (question, span): answers as verdict * 16 + reason (under 80: one byte), -1 where not yet asked,
        # indexed by (atom + 1) * 2**bits + sides (row 0: open water).
        self._tables: dict[tuple[Any, ...], NDArray[np.int8]] = {}
        self._feature_answers: dict[tuple[Any, ...], int] = {}
        self._by_facts: dict[tuple[Any, ...], int] = {}
        self._lines: dict[tuple[str, str, dt.date], tuple[list[float], list[Any]]] = {}
        self._poly_grids: dict[int, LayeredGrid] = {}
        self._bits: dict[tuple[Any, ...], int] = {}
        self._named: dict[tuple[Any, ...], tuple[frozenset[str], frozenset[str]]] = {}
        # Answers from earlier runs, kept on disk (save): a table is filled from them when first made.
        self._asked = 0  # answers found since the last save
        self._saved: dict[tuple[Any, ...], tuple[Any, Any]] = {}  # (indices, answers): lists, or arrays
        self._load()

    @property
    def places(self) -> Places:
        return places(self.data, self.territorial_sea)

    def classify(
        self, q: Question, lats: NDArray[np.float64], lons: NDArray[np.float64], days: NDArray[np.datetime64]
    ) -> NDArray[np.int8]:
        """Per point, its answer as verdict * 16 + reason (indices into VERDICTS and REASONS)."""
        (answers,) = self.classify_all([q], lats, lons, days, self.locate(lats, lons))
        return answers

    def locate(self, lats: NDArray[np.float64], lons: NDArray[np.float64]) -> NDArray[np.int32] | None:
        """The places grid's answer at each point (Places.find), for classify_all; None for fewer than FEW points
        when the grid is not built yet (not worth building, about a minute once, for a few points)."""
        if len(lats) < FEW and not places_ready(self.data, self.territorial_sea):
            return None
        return self.places.find(lats, lons)

    def classify_all(
        self,
        questions: list[Question],
        lats: NDArray[np.float64],
        lons: NDArray[np.float64],
        days: NDArray[np.datetime64],
        found: NDArray[np.int32] | None,
    ) -> list[NDArray[np.int8]]:
        """Per question, each point's answer as verdict * 16 + reason, the points located once (`found`, from
        locate; None: each point is located with `locate` instead). Taken CHUNK points at a time. (Not on threads:
        GEOS prepared geometries, which the grids test with, are not thread-safe.)"""
        n = len(lats)
        out = [np.empty(n, dtype=np.int8) for _ in questions]
        if found is None:
            for q, answers in zip(questions, out, strict=True):
                for k in range(n):
                    one = slice(k, k + 1)
                    sides = int(self._sides(q, lats[one], lons[one], days[one])[0][0])
                    answers[k] = self._ask(q, float(lats[k]), float(lons[k]), days[k].astype(dt.date), sides, None)
            return out
        for start in range(0, n, CHUNK):
            sl = slice(start, min(n, start + CHUNK))
            for q, answers in zip(questions, out, strict=True):
                self._fill(q, lats[sl], lons[sl], days[sl], found[sl], answers[sl])
        return out

    def _fill(
        self,
        q: Question,
        lats: NDArray[np.float64],
        lons: NDArray[np.float64],
        days: NDArray[np.datetime64],
        found: NDArray[np.int32],
        answers: NDArray[np.int8],
    ) -> None:
        """The answers of a chunk, into `answers`: from the tables, and by asking `check` once per new key. Span
        by span, so that a span's table is at hand (dense) while its rows are answered."""
        todos = self._chunk(q, lats, lons, days, found, answers)
        for row, span, key, feature, sides in (entry for todo in todos for entry in todo):
            day = days[row]
            if feature != NOT_NEAR:  # near a curated feature: key is the atom
                answers[row] = self._answer_feature(
                    q, float(lats[row]), float(lons[row]), day, span, key, feature, sides
                )
                continue
            table_key = self._table_key(q, span)
            table = self._tables[table_key]
            if table[key] < 0:
                bits = self._bits[table_key]
                table[key] = self._ask(
                    q,
                    float(lats[row]),
                    float(lons[row]),
                    day.astype(dt.date),
                    key & ((1 << bits) - 1),
                    (key >> bits) - 1,  # the atom (-1: open water)
                )
                self._asked += 1
            answers[row] = table[key]

    def _chunk(
        self,
        q: Question,
        lats: NDArray[np.float64],
        lons: NDArray[np.float64],
        days: NDArray[np.datetime64],
        found: NDArray[np.int32],
        out: NDArray[np.int8],
    ) -> Iterator[list[tuple[int, int, int, int, int]]]:
        """Answers from the tables into `out`; per span, the rest as (row, span, table index or atom, feature,
        sides), for the caller to fill in (asking once per new key, in row order) before the next span."""
        places = self.places
        if _one_day(days):
            groups: list[tuple[int, Any]] = [(int(np.searchsorted(self.breaks, days[0], side="right")), None)]
        else:
            spans = np.searchsorted(self.breaks, days, side="right")
            groups = [(int(sp), np.flatnonzero(spans == sp)) for sp in np.unique(spans)]
        for span, rows in groups:
            todo: list[tuple[int, int, int, int, int]] = []
            sel: Any = slice(None) if rows is None else rows
            per_day, _ = self._day_lines(q, days[sel] if rows is not None else days[:1])
            bits = 2 * len(per_day[0][0]) + len(per_day[0][1])
            table = self._table(q, span, len(places.atoms) + 1, bits)
            # The group's answers, in `out` itself when the group is the whole chunk.
            got = out if rows is None else np.empty(len(rows), dtype=np.int8)
            if KERNELS is not None and all(p == per_day[0] for p in per_day):
                # One set of lines for the whole group: the compiled loop answers every point the table knows.
                lines, polygons = per_day[0]
                inside = self._inside_bits(polygons, lats[sel], lons[sel], 2 * len(lines))
                KERNELS.answers(found[sel], places.n_boxes, lats[sel], np.array(lines), inside, table, bits, got)
            else:
                got[:] = -1
            # The rest (all of them without the compiled loop): in a feature box, new to the table, or on days
            # whose lines differ.
            local = np.flatnonzero(got < 0)
            where = local if rows is None else rows[local]
            la, lo = lats[where], lons[where]
            atoms, (near, features) = places.resolve(la, lo, found[where])
            sides = self._sides(q, la, lo, days[where])[0]
            index = (atoms.astype(np.int64) + 1) << bits
            index |= sides
            got[local] = table.take(index)
            # Rows near a curated feature are answered by the feature rule (their table entry may stay empty).
            got[local[near]] = 0
            if rows is not None:
                out[rows] = got
            todo += [
                (r, span, a, f, side)
                for r, a, f, side in zip(
                    where[near].tolist(), atoms[near].tolist(), features.tolist(), sides[near].tolist(), strict=True
                )
            ]
            missing = np.flatnonzero(got[local] < 0)
            todo += [
                (r, span, k, NOT_NEAR, 0) for r, k in zip(where[missing].tolist(), index[missing].tolist(), strict=True)
            ]
            todo.sort()  # in row order
            yield todo

    def _table_key(self, q: Question, span: int) -> tuple[Any, ...]:
        return (q.treaty, q.target, q.party, tuple(sorted(q.pins.items())), span)

    def _table(self, q: Question, span: int, n_atoms: int, bits: int) -> NDArray[np.int8]:
        key = self._table_key(q, span)
        if key not in self._tables:
            while len(self._tables) >= DENSE_TABLES:  # the oldest is kept as its answers only
                self._set_aside(next(iter(self._tables)))
            table = self._tables[key] = np.full(n_atoms << bits, -1, dtype=np.int8)
            self._bits[key] = bits
            if key in self._saved:
                index, values = (np.asarray(a, dtype=np.int64) for a in self._saved.pop(key))
                # Only what this engine could have written is taken; anything else is asked again.
                if index.shape == values.shape == (index.size,) and index.size:
                    ok = (index >= 0) & (index < table.size) & np.isin(values, _ANSWER_CODES)
                    table[index[ok]] = values[ok]
        return self._tables[key]

    def _set_aside(self, key: tuple[Any, ...]) -> None:
        """Keep a table as the answers it holds (made dense again when its span comes up again)."""
        table = self._tables.pop(key)
        index = np.flatnonzero(table >= 0)
        self._saved[key] = (index.astype(np.int32), table[index])  # 5 bytes an answer (a list of ints: ~70)

    # Answers depend on the rule files (book.digest covers their contents), the vendored data, the choice of
    # territorial seas and the code that decides them (the whole package): the entry's key holds all four.
    def _answers_entry(self) -> str | None:
        return cache.key("answers", self.book.digest, self.territorial_sea) if self.book.digest else None

    def save(self) -> None:
        """Keep every answer found so far on disk, for the next run (only when there are new ones): a warm run
        then asks `check` nothing it was asked before."""
        entry = self._answers_entry()
        if not self._asked or entry is None:
            return
        tables = [
            [*self._saved_key(key), np.asarray(index).tolist(), np.asarray(values).tolist()]
            for key, (index, values) in self._saved.items()
        ]
        for key, table in self._tables.items():
            index = np.flatnonzero(table >= 0)
            tables.append([*self._saved_key(key), index.tolist(), table[index].tolist()])
        features = [[*self._saved_key(key), answer] for key, answer in self._feature_answers.items()]
        # Near a curated feature, check reads the feature's status today (place.locate.status_at): those
        # answers are kept for the day they were found on only.
        doc = {"tables": tables, "features": features, "features_on": dt.date.today().isoformat()}
        _ANSWERS.save_json(entry, doc)
        self._asked = 0

    def _load(self) -> None:
        entry = self._answers_entry()
        saved = _ANSWERS.load_json(entry) if entry is not None else None
        if not isinstance(saved, dict):
            return
        try:
            for *key, index, values in saved["tables"]:
                self._saved[self._table_key_of(key)] = (np.asarray(index, np.int64), np.asarray(values, np.int64))
            if saved.get("features_on") == dt.date.today().isoformat():
                for *key, answer in saved["features"]:
                    if type(answer) is int and answer in _ANSWER_CODES:
                        self._feature_answers[self._table_key_of(key)] = int(answer)
        except Exception:  # another shape, whatever it raises: a miss, rewritten at the next save
            self._saved.clear()
            self._feature_answers.clear()

    @staticmethod
    def _saved_key(key: tuple[Any, ...]) -> list[Any]:
        treaty, target, party, pins, *rest = key
        return [treaty, target, party, [list(p) for p in pins], *rest]

    @staticmethod
    def _table_key_of(saved: list[Any]) -> tuple[Any, ...]:
        treaty, target, party, pins, *rest = saved
        return (treaty, target, party, tuple(tuple(p) for p in pins), *(int(r) for r in rest))

    def _answer_feature(
        self, q: Question, lat: float, lon: float, day: np.datetime64, span: int, atom: int, feature: int, sides: int
    ) -> int:
        key = (q.treaty, q.target, q.party, tuple(sorted(q.pins.items())), span, atom, feature, sides)
        if key not in self._feature_answers:
            self._feature_answers[key] = self._ask(q, lat, lon, day.astype(dt.date), sides, None)
            self._asked += 1
        return self._feature_answers[key]

    def _day_lines(
        self, q: Question, days: NDArray[np.datetime64]
    ) -> tuple[list[tuple[list[float], list[Any]]], NDArray[np.intp] | None]:
        """The rule's lines on each distinct day, and which of them is each point's (None: all on one day)."""
        one_day = _one_day(days)
        uniq, inverse = (days[:1], None) if one_day else np.unique(days, return_inverse=True)
        per_day = [self._rule_lines(q, d.astype(dt.date)) for d in uniq]
        shapes = {(len(p[0]), len(p[1])) for p in per_day}
        n_lats, n_polys = shapes.pop()
        if shapes or 2 * n_lats + n_polys > 16:
            raise ValueError("the rule draws a different number of lines on different days of one span")
        return per_day, inverse

    def _sides(
        self, q: Question, lats: NDArray[np.float64], lons: NDArray[np.float64], days: NDArray[np.datetime64]
    ) -> tuple[NDArray[np.int32], int]:
        """Per point, a number whose bits say on which side of each of the rule's parallels (north of it, south of
        it: both on the line) and inside which of its polygons the point lies, for each point's own day; and how
        many bits that takes."""
        if len(days) == 0:
            return np.zeros(0, dtype=np.int32), 0
        per_day, inverse = self._day_lines(q, days)
        n_lats = len(per_day[0][0])
        out = np.zeros(len(lats), dtype=np.int32)
        for j in range(n_lats):
            line: Any = per_day[0][0][j] if inverse is None else np.array([p[0][j] for p in per_day])[inverse]
            out |= (lats >= line).astype(np.int32) << (2 * j)
            out |= (lats <= line).astype(np.int32) << (2 * j + 1)
        polygons = per_day[0][1]
        if polygons:
            out |= self._inside_bits(polygons, lats, lons, 2 * n_lats)
        return out, 2 * n_lats + len(polygons)

    def _inside_bits(
        self, polygons: list[Any], lats: NDArray[np.float64], lons: NDArray[np.float64], first_bit: int
    ) -> NDArray[np.int32]:
        """The side bits of the rule's polygons (bit first_bit + k: inside polygon k); empty without polygons."""
        if not polygons:
            return np.zeros(0, dtype=np.int32)
        out = np.zeros(len(lats), dtype=np.int32)
        for bit, poly in enumerate(polygons, start=first_bit):
            grid = self._poly_grids.get(id(poly))
            if grid is None:
                grid = self._poly_grids[id(poly)] = _polygon_grid(poly)
            out |= (grid.lookup(lons, lats) == 0).astype(np.int32) << bit
        return out

    def _condition(self, q: Question, day: dt.date) -> tuple[str | None, Condition | None]:
        """The id of the article's text in force on the day and its condition for the target (None, None without
        one). The first article, as `batch` reports it."""
        version = self.book.treaties[q.treaty].articles[0].version_on(day)
        if version is None:
            return None, None
        return version.id, version.targets.get(q.target)

    def _rule_lines(self, q: Question, day: dt.date) -> tuple[list[float], list[Any]]:
        key = (q.treaty, q.target, day)
        if key not in self._lines:
            _, cond = self._condition(q, day)
            self._lines[key] = lines(cond, self.book, day) if cond is not None else ([], [])
        return self._lines[key]

    def _ask(self, q: Question, lat: float, lon: float, day: dt.date, sides: int, atom: int | None) -> int:
        """The answer at one point: verdict * 16 + reason. `check` itself is asked once per distinct set of the
        facts the rule can read there (as `area` does: points that share them, and lie on the same sides of the
        rule's lines, share one answer). The facts come from the point's atom, or from `locate` at the point
        when `atom` is None (near a curated feature)."""
        memo = self._facts_key(q, lat, lon, day, sides, atom)
        if memo in self._by_facts:
            return self._by_facts[memo]
        scenario = Scenario(
            label=f"{lat},{lon}",
            target=q.target,
            date=day,
            point=(lat, lon),
            party=q.party,
            interpretations=q.pins,
            find_nearest=False,
            territorial_sea=self.territorial_sea,
        )
        (result, *_) = check(scenario, self.book, [q.treaty])
        answer = VERDICTS.index(result.verdict) * 16 + REASONS.index(result.reason)
        self._by_facts[memo] = answer
        return answer

    def _facts_key(
        self, q: Question, lat: float, lon: float, day: dt.date, sides: int, atom: int | None
    ) -> tuple[Any, ...]:
        version_id, cond = self._condition(q, day)
        named_key = (q.treaty, q.target, version_id)
        if named_key not in self._named:
            self._named[named_key] = (
                named(cond, self.book, self.data) if cond is not None else (frozenset(), frozenset())
            )
        asked = self._named[named_key]
        where = (
            locate(lat, lon, territorial_sea=self.territorial_sea, data=self.data, distances=False)
            if atom is None
            else self.places.location(atom, lat, lon)
        )
        subject = point_subject(where, day, "", self.data)
        span = int(np.searchsorted(self.breaks, np.datetime64(day, "D"), side="right"))
        return (q.treaty, q.target, q.party, tuple(sorted(q.pins.items())), span, sides, subject.facts(*asked))


def _one_day(days: NDArray[np.datetime64]) -> bool:
    """Whether all the days are one (at once for one day broadcast to every point, as `classify` passes it)."""
    if days.size == 0 or days.strides[0] == 0:
        return True
    if KERNELS is not None:
        return bool(KERNELS.all_same(days.view(np.int64)))
    return bool((days == days[0]).all())


_ENGINES = cache.memo()


def engine_for(book: RuleBook, territorial_sea: bool = True) -> Engine:
    """One engine per set of rule files in a process (by their contents) and choice of territorial seas, so
    answers are reused between calls."""
    key = (book.digest or id(book), territorial_sea)
    found: Engine = _ENGINES.remember(key, lambda: Engine(book, territorial_sea=territorial_sea))
    return found

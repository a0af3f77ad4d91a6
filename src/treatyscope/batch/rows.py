"""Rows of a batch: finding the coordinate, date, target and party columns, reading a row, and annotating chunks of
rows with a verdict and a reason code per treaty (or an error kind and message)."""

from __future__ import annotations

import codecs
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any

import numpy as np

from treatyscope.errors import TreatyscopeError, UsageError, echo
from treatyscope.evaluation.vectorised import FEW, REASONS, VERDICTS, Question, engine_for, places_ready
from treatyscope.input.selection import check_pins, check_treaties, resolve_party
from treatyscope.place.locate import check_coordinates
from treatyscope.rules.kinds import TARGETS
from treatyscope.rules.load import rulebook

if TYPE_CHECKING:
    from numpy.typing import NDArray

LAT_NAMES = ("lat", "latitude", "y", "lat_dd", "decimallatitude")
LON_NAMES = ("lon", "lng", "long", "longitude", "x", "lon_dd", "decimallongitude")
DATE_NAMES = ("date", "event_date", "day", "timestamp", "time", "datetime")
TARGET_NAMES = ("target", "target_kind")
PARTY_NAMES = ("party", "attacked_party", "state", "country_code")
ERROR_COLUMN = "treatyscope_error"
CHUNK_ROWS = 20_000


@dataclass
class Columns:
    lat: str
    lon: str
    date: str | None = None
    target: str | None = None
    party: str | None = None

    @property
    def read(self) -> list[str]:
        """The columns a row's answer is read from."""
        return [c for c in (self.lat, self.lon, self.date, self.target, self.party) if c]


@dataclass
class Settings:
    treaties: list[str]
    target: str = "territory"
    date: dt.date = field(default_factory=dt.date.today)
    party: str | None = None
    interpretations: dict[str, str] = field(default_factory=dict)
    rules: Sequence[str] | None = None
    encoding: str = "utf-8"  # of a CSV or NDJSON input (the output is always UTF-8)
    territorial_sea: bool = True  # the sea within 12 nautical miles of a coast is that coast's territory


@dataclass
class Summary:
    rows: int = 0
    verdicts: dict[str, Counter[str]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)


class RowError(Exception):
    """A row that cannot be classified: its kind (a short code) and a message saying what to fix."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


# ------------------------------------------------------------------------------------------------ classifying


class Classifier:
    """Verdicts for chunks of rows, for each treaty asked about, from the vectorised engine."""

    def __init__(self, settings: Settings, before_index: Callable[[], None] | None = None) -> None:
        self.settings = settings
        self.before_index = before_index  # told once, just before the places index is built (a long first run)
        self.book = rulebook(settings.rules)
        check_treaties(settings.treaties, self.book)
        check_pins(settings.interpretations, self.book)
        self.engine = engine_for(self.book, settings.territorial_sea)
        self._parties: dict[str, str] = {}

    def finish(self) -> None:
        """At the end of a run: keep the answers found for the next one."""
        self.engine.save()

    def party(self, text: str | None) -> str | None:
        if text is None or not text.strip():
            return self.settings.party
        key = text.strip()
        if key not in self._parties:
            try:
                code = resolve_party(key)
            except TreatyscopeError as e:
                raise RowError("unknown-party", f"party {echo(key)}: {e.message}") from None
            self._parties[key] = code or key
        return self._parties[key]

    def codes(self, cells: Cells) -> NDArray[np.int8]:
        """Per treaty (rows of the result), the answer code (verdict * 16 + reason) of each classifiable point.
        The points are located once; every treaty's and every group's answers are read at those locations."""
        engine, n = self.engine, len(cells.lats)
        out = np.empty((len(self.settings.treaties), n), dtype=np.int8)
        if n == 0:
            return out
        many = n >= FEW
        if self.before_index and many and not places_ready(territorial_sea=self.settings.territorial_sea):
            self.before_index()
            self.before_index = None
        found = engine.locate(cells.lats, cells.lons)
        for g, (target, party) in enumerate(cells.groups):
            rows: Any = slice(None) if len(cells.groups) == 1 else np.flatnonzero(cells.group == g)
            questions = [Question(t, target, party, self.settings.interpretations) for t in self.settings.treaties]
            got = engine.classify_all(
                questions,
                cells.lats[rows],
                cells.lons[rows],
                cells.days[rows],
                None if found is None else found[rows],
            )
            for k, answers in enumerate(got):
                out[k, rows] = answers
        return out


@dataclass
class Cells:
    """The classifiable points of a chunk, as arrays: coordinates, days, and a group number per point indexing
    `groups`, the (target, party) pairs asked about."""

    lats: NDArray[np.float64]
    lons: NDArray[np.float64]
    days: NDArray[np.datetime64]
    group: NDArray[np.intp]
    groups: list[tuple[str, str | None]]


# ------------------------------------------------------------------------------------------------ reading


class Chunk:
    """A chunk of rows, as a reader gives them to the classifier: the columns' names, and their cells either
    column by column (`cells`) or row by row (`rows`, lists as wide as `names`, as csv.reader gives them; a
    column is then gathered only when read). None is a cell a row lacks. `notes`: messages already due to rows,
    by row (e.g. cells beyond the header). Where two columns share a name, the last one is read (as a dictionary
    of a row would hold it)."""

    def __init__(
        self,
        n: int,
        names: Sequence[str],
        cells: Sequence[Sequence[Any]] | None = None,
        notes: dict[int, str] | None = None,
        rows: Sequence[Sequence[Any]] | None = None,
    ) -> None:
        self.n = n
        self.names = list(names)
        self.cells = cells
        self.rows = rows
        self.notes = notes or {}
        self._at = {name: k for k, name in enumerate(self.names)}

    @classmethod
    def of_rows(cls, rows: Sequence[dict[str, Any]]) -> Chunk:
        """A chunk of rows given as dictionaries (every key any row has is a column)."""
        names = list(dict.fromkeys(k for row in rows for k in row))
        return cls(len(rows), names, [[row.get(name) for row in rows] for name in names])

    def column(self, name: str | None) -> Sequence[Any] | None:
        """The named column's cells (None: no such column, as in a chunk of no rows)."""
        k = self._at.get(name) if name is not None else None
        if k is None:
            return None
        if self.rows is not None:
            return [row[k] for row in self.rows]
        assert self.cells is not None
        return self.cells[k]

    def columns(self) -> Iterator[tuple[str, Sequence[Any]]]:
        if self.rows is not None:
            yield from zip(self.names, zip(*self.rows, strict=True), strict=True)
        else:
            yield from zip(self.names, self.cells or [], strict=True)

    def may_hold(self, pattern: re.Pattern[str]) -> bool:
        """Whether any text cell may match the pattern (one scan of the chunk's text; False means none does)."""
        if self.rows is not None:
            try:
                return pattern.search("\0".join(map("\0".join, self.rows))) is not None
            except TypeError:  # not all text
                pass
        return True


def annotate(chunk: Chunk, columns: Columns, clf: Classifier, summary: Summary) -> dict[str, list[str]]:
    """The added columns of a chunk (a verdict and a reason per treaty, and the error column), each a list with
    a cell per row; counted in the summary. A row that cannot be classified has the verdict 'error', its error
    kind as the reason, and the message in the error column; the first problem found in a row is reported, in
    the order: undecodable bytes in a column read, the latitude, the longitude, their range, the date, the
    target, the party."""
    n = chunk.n
    problems: dict[int, RowError] = {}
    notes = dict(chunk.notes)

    def fail(k: int, error: RowError) -> None:
        problems.setdefault(k, error)

    for k, note in _undecoded(chunk, columns.read, clf.settings.encoding).items():
        if isinstance(note, RowError):
            fail(k, note)
        else:
            notes[k] = note + ("; " + notes[k] if k in notes else "")
    lats = _numbers(chunk.column(columns.lat), columns.lat, "latitude", n, fail)
    lons = _numbers(chunk.column(columns.lon), columns.lon, "longitude", n, fail)
    _check_range(lats, lons, fail)
    days = _days(chunk.column(columns.date), n, clf, fail)
    group, groups = _groups(chunk, columns, clf, fail, set(problems))
    bad = np.zeros(n, dtype=bool)
    bad[list(problems)] = True
    good = np.flatnonzero(~bad)
    used = np.unique(group[good])  # renumbered so that a group with no good rows is not asked
    cells = Cells(lats[good], lons[good], days[good], np.searchsorted(used, group[good]), [groups[g] for g in used])
    codes = np.full((len(clf.settings.treaties), n), ERROR_ANSWER, dtype=np.int8)
    codes[:, good] = clf.codes(cells)
    summary.rows += n
    summary.errors.update(problem.kind for problem in problems.values())
    added: dict[str, list[str]] = {}
    for t, row in zip(clf.settings.treaties, codes, strict=True):
        verdicts, reasons = VERDICT_NAMES.take(row), REASON_NAMES.take(row)
        counted = np.bincount(row.view(np.uint8), minlength=len(VERDICT_NAMES))
        tally = summary.verdicts.setdefault(t, Counter())
        for code in np.flatnonzero(counted):
            tally[VERDICT_NAMES[code]] += int(counted[code])
        if problems:
            for k in sorted(problems):
                reasons[k] = problems[k].kind
        added[f"{t}_verdict"], added[f"{t}_reason"] = verdicts.tolist(), reasons.tolist()
    errors = [""] * n
    for k, note in notes.items():
        errors[k] = note
    for k, problem in problems.items():
        errors[k] = str(problem) + ("; " + chunk.notes[k] if k in chunk.notes else "")
    added[ERROR_COLUMN] = errors
    return added


def _numbers(
    raw: Sequence[Any] | None, column: str, what: str, n: int, fail: Callable[[int, RowError], None]
) -> NDArray[np.float64]:
    """A column of coordinates as floats (Python's float() of each cell); NaN where a cell is missing or not a
    number, which is reported. (No column at all only in a chunk of no rows.)"""
    if raw is None:
        return np.full(n, np.nan)
    if isinstance(raw, np.ndarray) and raw.dtype.kind in "fiu":  # a column of numbers with no nulls (Parquet)
        return raw.astype(np.float64)
    try:
        return np.fromiter(map(float, raw), dtype=np.float64, count=len(raw))
    except (TypeError, ValueError, OverflowError):
        pass
    out = np.full(len(raw), np.nan)
    for k, cell in enumerate(raw):
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            fail(k, RowError("missing-coordinates", f"no {what} in column '{column}'"))
            continue
        try:
            out[k] = float(cell)
        except (TypeError, ValueError, OverflowError):
            fail(k, RowError("bad-coordinates", f"{what} {echo(cell)} in column '{column}' is not a number"))
    return out


def _check_range(lats: NDArray[np.float64], lons: NDArray[np.float64], fail: Callable[[int, RowError], None]) -> None:
    """Coordinates off the world (or not finite) are reported as `check --at` words it. (A row whose cell was
    missing or not a number has NaN here and its first problem reported already.)"""
    ok = np.isfinite(lats) & np.isfinite(lons) & (np.abs(lats) <= 90.0) & (np.abs(lons) <= 180.0)
    for k in np.flatnonzero(~ok).tolist():
        try:
            check_coordinates(float(lats[k]), float(lons[k]))
        except UsageError as e:
            fail(k, RowError("out-of-range", e.message))


def _days(
    raw: Sequence[Any] | None, n: int, clf: Classifier, fail: Callable[[int, RowError], None]
) -> NDArray[np.datetime64]:
    """Each row's day: the calendar day its date cell starts with, or the run's date where the cell is empty."""
    default = np.datetime64(clf.settings.date, "D")
    if raw is None:
        return np.full(n, default)
    seen: dict[Any, Any] = {}
    values = np.empty(n, dtype="datetime64[D]")
    for k, cell in enumerate(raw):
        key = _key(cell)
        day = seen.get(key)
        if day is None:
            day = seen[key] = _day(cell, default)
        if isinstance(day, RowError):
            fail(k, day)
            values[k] = default
        else:
            values[k] = day
    return values


def _day(cell: Any, default: np.datetime64) -> np.datetime64 | RowError:
    if cell in (None, ""):
        return default
    text = str(cell).strip()
    try:
        return np.datetime64(dt.date.fromisoformat(text[:10]), "D")
    except ValueError:
        return RowError("bad-date", f"date {echo(text)} is not YYYY-MM-DD")


def _key(cell: Any) -> Any:
    """A dictionary key for a cell: its text, or its type and repr (1, 1.0 and True are equal as keys)."""
    return cell if type(cell) is str else (type(cell).__name__, repr(cell))


def _groups(
    chunk: Chunk, columns: Columns, clf: Classifier, fail: Callable[[int, RowError], None], failed: set[int]
) -> tuple[NDArray[np.intp], list[tuple[str, str | None]]]:
    """Each row's (target, party) as a number indexing the returned pairs; not read for the rows that `failed`
    already (their cells may hold anything)."""
    n = chunk.n
    targets, parties = chunk.column(columns.target), chunk.column(columns.party)
    if targets is None and parties is None:
        return np.zeros(n, dtype=np.intp), [(clf.settings.target, clf.settings.party)]
    target_of: dict[Any, str | RowError] = {}
    party_of: dict[Any, str | RowError | None] = {}
    number: dict[tuple[str, str | None], int] = {}
    group = np.zeros(n, dtype=np.intp)
    for k in range(n):
        if k in failed:
            continue
        target: str | RowError = clf.settings.target
        if targets is not None:
            cell = targets[k]
            key = _key(cell)
            if key not in target_of:
                target_of[key] = _target(cell, clf.settings.target)
            target = target_of[key]
        party: str | RowError | None = clf.settings.party
        if parties is not None:
            cell = parties[k]
            key = _key(cell)
            if key not in party_of:
                party_of[key] = _party(cell, clf)
            party = party_of[key]
        if isinstance(target, RowError):
            fail(k, target)
        elif isinstance(party, RowError):
            fail(k, party)
        else:
            group[k] = number.setdefault((target, party), len(number))
    return group, list(number) or [(clf.settings.target, clf.settings.party)]


def _target(cell: Any, default: str) -> str | RowError:
    if cell in (None, ""):
        return default
    target = str(cell).strip().lower()
    if target not in TARGETS:
        return RowError("unknown-target", f"target {echo(target)} is not one of {', '.join(TARGETS)}")
    return target


def _party(cell: Any, clf: Classifier) -> str | RowError | None:
    try:
        return clf.party(None if cell is None else str(cell))
    except RowError as e:
        return e


def _undecoded(chunk: Chunk, read: Sequence[str], encoding: str) -> dict[int, str | RowError]:
    """Rows with cells holding bytes the input's encoding could not decode (kept as they were, written back
    unchanged): an error if the row's coordinates, date, target or party are among them, else a note."""
    bad: dict[int, list[str]] = {}
    if not chunk.may_hold(_UNDECODED):
        return {}
    for name, cells in chunk.columns():
        if isinstance(cells, np.ndarray) and cells.dtype.kind != "O":
            continue  # numbers or dates: no text
        try:
            text = "".join(cells)
        except TypeError:  # not all text (JSON, Parquet)
            text = "".join(c for c in cells if isinstance(c, str))
        if not _UNDECODED.search(text):
            continue  # one scan of the whole column; most have no such byte
        for k, c in enumerate(cells):
            if isinstance(c, str) and _UNDECODED.search(c):
                bad.setdefault(k, []).append(name)
    out: dict[int, str | RowError] = {}
    for k, names in bad.items():
        named = ", ".join(f"'{c}'" for c in names[:5])
        said = f"column {named} holds" if len(names) == 1 else f"columns {named} hold"
        said += f" bytes that are not {'UTF-8' if codecs.lookup(encoding).name == 'utf-8' else encoding}"
        fix = "re-save the file as UTF-8, or give its encoding with --encoding (e.g. latin-1)"
        out[k] = (
            RowError("encoding", f"{said}; {fix}")
            if any(c in read for c in names)
            else f"{said} (kept as they were); {fix}"
        )
    return out


_UNDECODED = re.compile("[\\udc80-\\udcff]")  # how Python's surrogateescape keeps a byte it could not decode


def chunks(items: Iterator[Any], size: int = CHUNK_ROWS) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def added_columns(treaties: Sequence[str]) -> list[str]:
    return [c for t in treaties for c in (f"{t}_verdict", f"{t}_reason")] + [ERROR_COLUMN]


ROLE_NAMES = {"lat": "latitude", "lon": "longitude"}


def find_columns(names: Sequence[str], given: dict[str, str | None], where: str) -> Columns:
    """The coordinate (required), date, target and party columns: as given, or found by their common names."""

    def pick(role: str, candidates: Sequence[str], required: bool) -> str | None:
        if given.get(role):
            name = given[role]
            if name not in names:
                raise UsageError(f"{where}: no column '{name}' (--{role}-col).", f"Columns: {', '.join(names)}.")
            return name
        found = [n for c in candidates for n in names if n.lower().strip() == c]
        if len(found) > 1:
            raise UsageError(
                f"{where}: several {ROLE_NAMES.get(role, role)} columns ({', '.join(found)}): which to use is unclear.",
                f"Name it with --{role}-col.",
            )
        if found:
            return found[0]
        if required:
            raise UsageError(
                f"{where}: no {role} column found (looked for {', '.join(candidates)}).",
                f"Name it with --{role}-col; the columns are: {', '.join(names) or 'none'}.",
            )
        return None

    lat, lon = pick("lat", LAT_NAMES, True), pick("lon", LON_NAMES, True)
    assert lat is not None and lon is not None
    return Columns(
        lat,
        lon,
        pick("date", DATE_NAMES, False),
        pick("target", TARGET_NAMES, False),
        pick("party", PARTY_NAMES, False),
    )


# ------------------------------------------------------------------------------------------------ file formats


PROBLEMS = ("out-of-range", "bad-date", "unknown-party")
ERROR_ANSWER = 4 * 16  # the answer code of the verdict "error"; its reason is PROBLEMS[code - ERROR_ANSWER]


def _names() -> tuple[Any, Any]:
    """Verdict and reason names indexed by an answer code (verdict * 16 + reason)."""
    assert VERDICTS[ERROR_ANSWER // 16] == "error"
    codes = range(16 * len(VERDICTS))
    verdicts = np.array([VERDICTS[c // 16] for c in codes], dtype=object)
    reasons = np.array(
        [
            PROBLEMS[c % 16]
            if c // 16 == 4 and c % 16 < len(PROBLEMS)
            else REASONS[c % 16]
            if c % 16 < len(REASONS)
            else ""
            for c in codes
        ],
        dtype=object,
    )
    return verdicts, reasons


VERDICT_NAMES, REASON_NAMES = _names()

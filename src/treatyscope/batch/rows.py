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
from typing import Any

import numpy as np

from treatyscope.errors import TreatyscopeError, UsageError, echo
from treatyscope.evaluation.vectorised import FEW, REASONS, VERDICTS, Question, engine_for, places_ready
from treatyscope.input.selection import check_pins, check_treaties, resolve_party
from treatyscope.place.locate import check_coordinates
from treatyscope.rules.kinds import TARGETS
from treatyscope.rules.load import rulebook

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

    def classify_many(self, points: Sequence[tuple[float, float, dt.date, str, str | None]]) -> list[list[int]]:
        """Per treaty, the codes (verdict * 16 + reason) of each point, rows grouped by target and party."""
        n = len(points)
        lats = np.fromiter((p[0] for p in points), dtype=np.float64, count=n)
        lons = np.fromiter((p[1] for p in points), dtype=np.float64, count=n)
        days = np.array([p[2] for p in points], dtype="datetime64[D]")
        groups: dict[tuple[str, str | None], list[int]] = {}
        for k, p in enumerate(points):
            groups.setdefault((p[3], p[4]), []).append(k)
        many = max(map(len, groups.values()), default=0) >= FEW
        if self.before_index and many and not places_ready(territorial_sea=self.settings.territorial_sea):
            self.before_index()
            self.before_index = None
        out = []
        for t in self.settings.treaties:
            codes = np.empty(n, dtype=np.int8)
            for (target, party), rows in groups.items():
                idx = np.array(rows, dtype=np.intp)
                q = Question(t, target, party, self.settings.interpretations)
                codes[idx] = self.engine.classify(q, lats[idx], lons[idx], days[idx])
            out.append(codes.tolist())
        return out


def read_row(
    values: dict[str, Any], columns: Columns, clf: Classifier
) -> tuple[float, float, dt.date, str, str | None]:
    """The row's coordinates, date, target and party, or RowError."""

    def number(col: str, what: str) -> float:
        raw = values.get(col)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            raise RowError("missing-coordinates", f"no {what} in column '{col}'")
        try:
            return float(raw)
        except (TypeError, ValueError):
            raise RowError("bad-coordinates", f"{what} {echo(raw)} in column '{col}' is not a number") from None

    lat, lon = number(columns.lat, "latitude"), number(columns.lon, "longitude")
    try:
        lat, lon = check_coordinates(lat, lon)
    except UsageError as e:
        raise RowError("out-of-range", e.message) from None
    on = clf.settings.date
    if columns.date and values.get(columns.date) not in (None, ""):
        raw = str(values[columns.date]).strip()
        try:
            on = dt.date.fromisoformat(raw[:10])
        except ValueError:
            raise RowError("bad-date", f"date {echo(raw)} is not YYYY-MM-DD") from None
    target = clf.settings.target
    if columns.target and values.get(columns.target) not in (None, ""):
        target = str(values[columns.target]).strip().lower()
        if target not in TARGETS:
            raise RowError("unknown-target", f"target {echo(target)} is not one of {', '.join(TARGETS)}")
    party = clf.party(str(values[columns.party]) if columns.party and values.get(columns.party) is not None else None)
    return lat, lon, on, target, party


def annotate_many(
    rows: Sequence[dict[str, Any]], columns: Columns, clf: Classifier, summary: Summary
) -> list[dict[str, Any]]:
    """Each row with a verdict and reason column per treaty and the error column added."""
    points, where, problems, notes = [], [], {}, {}
    read = [c for c in (columns.lat, columns.lon, columns.date, columns.target, columns.party) if c]
    for k, values in enumerate(rows):
        try:
            notes[k] = undecoded(values, read, clf.settings.encoding)
            points.append(read_row(values, columns, clf))
            where.append(k)
        except RowError as e:
            problems[k] = e
    codes = clf.classify_many(points) if points else [[] for _ in clf.settings.treaties]
    answers: list[list[tuple[str, str]]] = [[] for _ in rows]
    for per_treaty in codes:
        for k, code in zip(where, per_treaty, strict=True):
            answers[k].append((VERDICT_NAMES[code], REASON_NAMES[code]))
    out = []
    for k, values in enumerate(rows):
        row = dict(values)
        summary.rows += 1
        problem = problems.get(k)
        if problem is not None:
            found = [("error", problem.kind)] * len(clf.settings.treaties)
            summary.errors[problem.kind] += 1
        else:
            found = answers[k]
        for t, (verdict, reason) in zip(clf.settings.treaties, found, strict=True):
            row[f"{t}_verdict"] = verdict
            row[f"{t}_reason"] = reason
            summary.verdicts.setdefault(t, Counter())[verdict] += 1
        row[ERROR_COLUMN] = str(problem) if problem is not None else notes.get(k, "")
        out.append(row)
    return out


def undecoded(values: dict[str, Any], read: Sequence[str], encoding: str) -> str:
    """Cells holding bytes the input's encoding could not decode (kept as they were, written back unchanged): an
    error if the row's coordinates, date, target or party are among them, else a note."""
    bad = [c for c, v in values.items() if isinstance(v, str) and _UNDECODED.search(v)]
    if not bad:
        return ""
    named = ", ".join(f"'{c}'" for c in bad[:5])
    said = f"column {named} holds" if len(bad) == 1 else f"columns {named} hold"
    said += f" bytes that are not {'UTF-8' if codecs.lookup(encoding).name == 'utf-8' else encoding}"
    fix = "re-save the file as UTF-8, or give its encoding with --encoding (e.g. latin-1)"
    if any(c in read for c in bad):
        raise RowError("encoding", f"{said}; {fix}")
    return f"{said} (kept as they were); {fix}"


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

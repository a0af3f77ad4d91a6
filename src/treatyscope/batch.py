"""Batch classification: a file of incidents in, the same file out with a verdict and a reason code per treaty.
CSV, GeoJSON, newline-delimited GeoJSON and (with pyarrow, the `parquet` extra) Parquet.

Rows stream through in chunks of CHUNK_ROWS (memory stays bounded whatever the file's size) and keep their order
and every input column. A row that cannot be classified — no or unreadable coordinates, an out-of-range coordinate, an
unparsable date, an unknown party or target kind — is kept, with the verdict `error`, the error kind as its
reason, and a message in the `treatyscope_error` column: the output always has as many rows as the input.

A row's date is the calendar day written at the start of its date cell (a timestamp such as 2024-03-07T17:30Z
counts as 2024-03-07, with no time-zone conversion), as `check --date` takes whole days.

Each chunk is answered by the vectorised engine (`vectorised.py`): a verdict is the one `treatyscope check --at
"LAT,LON"` gives at that point on that day, found once per distinct combination of the facts `check` reads and
reused for every row that shares them.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, TextIO

import numpy as np

from treatyscope.errors import TreatyscopeError, UsageError
from treatyscope.rules.kinds import TARGETS

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

    def __init__(self, settings: Settings) -> None:
        from treatyscope.api import rulebook
        from treatyscope.evaluation import check_pins
        from treatyscope.evaluation.vectorised import engine_for

        self.settings = settings
        self.book = rulebook(settings.rules)
        for t in settings.treaties:
            if t not in self.book.treaties:
                raise UsageError(f"Unknown treaty '{t}'.", f"Encoded treaties: {', '.join(self.book.treaties)}.")
        check_pins(settings.interpretations, self.book)
        self.engine = engine_for(self.book)
        self._parties: dict[str, str] = {}

    def party(self, text: str | None) -> str | None:
        if text is None or not text.strip():
            return self.settings.party
        key = text.strip()
        if key not in self._parties:
            from treatyscope.api import resolve_party

            try:
                code = resolve_party(key)
            except TreatyscopeError as e:
                raise RowError("unknown-party", f"party {key!r}: {e.message}") from None
            self._parties[key] = code or key
        return self._parties[key]

    def classify_many(self, points: Sequence[tuple[float, float, dt.date, str, str | None]]) -> list[list[int]]:
        """Per treaty, the codes (verdict * 16 + reason) of each point, rows grouped by target and party."""
        from treatyscope.evaluation.vectorised import Question

        n = len(points)
        lats = np.fromiter((p[0] for p in points), dtype=np.float64, count=n)
        lons = np.fromiter((p[1] for p in points), dtype=np.float64, count=n)
        days = np.array([p[2] for p in points], dtype="datetime64[D]")
        groups: dict[tuple[str, str | None], list[int]] = {}
        for k, p in enumerate(points):
            groups.setdefault((p[3], p[4]), []).append(k)
        out = []
        for t in self.settings.treaties:
            codes = np.empty(n, dtype=np.int8)
            for (target, party), rows in groups.items():
                idx = np.array(rows, dtype=np.intp)
                q = Question(t, target, party, self.settings.interpretations)
                codes[idx] = self.engine.classify(q, lats[idx], lons[idx], days[idx])
            out.append(codes.tolist())
        return out


def reason_code(result: Any) -> str:
    """A short code for why: not-in-force, no-text, not-a-party, obligations-suspended, in-scope,
    partly-in-scope, outside-scope, contested-reading, unknown-fact."""
    outcome = {c["check"]: c["result"] for c in result.checks}
    if outcome.get("in-force") == "no":
        return "not-in-force"
    if outcome.get("version") == "no":
        return "no-text"
    if outcome.get("membership") == "no":
        return "not-a-party"
    if outcome.get("obligations") == "no":
        return "obligations-suspended"
    return {
        "applies": "in-scope",
        "partial": "partly-in-scope",
        "does-not-apply": "outside-scope",
        "contested": "contested-reading"
        if result.interpretations or outcome.get("membership") == "per holder"
        else "unknown-fact",
    }[result.verdict]


def read_row(
    values: dict[str, Any], columns: Columns, clf: Classifier
) -> tuple[float, float, dt.date, str, str | None]:
    """The row's coordinates, date, target and party, or RowError."""
    from treatyscope.place.locate import check_coordinates

    def number(col: str, what: str) -> float:
        raw = values.get(col)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            raise RowError("missing-coordinates", f"no {what} in column '{col}'")
        try:
            return float(raw)
        except (TypeError, ValueError):
            raise RowError("bad-coordinates", f"{what} {raw!r} in column '{col}' is not a number") from None

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
            raise RowError("bad-date", f"date {raw!r} is not YYYY-MM-DD") from None
    target = clf.settings.target
    if columns.target and values.get(columns.target) not in (None, ""):
        target = str(values[columns.target]).strip().lower()
        if target not in TARGETS:
            raise RowError("unknown-target", f"target {target!r} is not one of {', '.join(TARGETS)}")
    party = clf.party(str(values[columns.party]) if columns.party and values.get(columns.party) is not None else None)
    return lat, lon, on, target, party


def annotate_many(
    rows: Sequence[dict[str, Any]], columns: Columns, clf: Classifier, summary: Summary
) -> list[dict[str, Any]]:
    """Each row with a verdict and reason column per treaty and the error column added."""
    points, where, problems = [], [], {}
    for k, values in enumerate(rows):
        try:
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
        row[ERROR_COLUMN] = str(problem) if problem is not None else ""
        out.append(row)
    return out


def chunks(items: Iterator[Any], size: int = CHUNK_ROWS) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def added_columns(treaties: Sequence[str]) -> list[str]:
    return [c for t in treaties for c in (f"{t}_verdict", f"{t}_reason")] + [ERROR_COLUMN]


def find_columns(names: Sequence[str], given: dict[str, str | None], where: str) -> Columns:
    """The coordinate (required), date, target and party columns: as given, or found by their common names."""
    lower = {n.lower().strip(): n for n in names}

    def pick(role: str, candidates: Sequence[str], required: bool) -> str | None:
        if given.get(role):
            name = given[role]
            if name not in names:
                raise UsageError(f"{where}: no column '{name}' (--{role}-col).", f"Columns: {', '.join(names)}.")
            return name
        for c in candidates:
            if c in lower:
                return lower[c]
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


def file_format(path: str) -> str:
    name = path.lower()
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    if name.endswith((".ndjson", ".geojsonl", ".geojsonseq", ".jsonl")):
        return "ndjson"
    if name.endswith((".geojson", ".json")):
        return "geojson"
    if name.endswith((".csv", ".tsv", ".txt")) or name == "-":
        return "csv"
    raise UsageError(
        f"{path}: unknown file type.", "Use .csv, .geojson, .ndjson / .geojsonl (one feature a line), or .parquet."
    )


def run(
    input_path: str,
    output_path: str,
    settings: Settings,
    given_columns: dict[str, str | None],
    progress: Any = None,
) -> Summary:
    """Classify every row of the input into the output; raise UsageError only if the input cannot be read."""
    kind = file_format(input_path)
    out_kind = file_format(output_path)
    if kind != out_kind and not (kind == "csv" and output_path == "-"):
        raise UsageError(f"The output ({output_path}) must be the same kind of file as the input ({input_path}).")
    clf = Classifier(settings)
    summary = Summary()
    tick = progress or (lambda n: None)
    if kind == "parquet":
        _run_parquet(input_path, output_path, given_columns, clf, summary, tick)
        return summary
    with _open_in(input_path) as src, _open_out(output_path) as dst:
        if kind == "csv":
            _run_csv(src, dst, input_path, settings, given_columns, clf, summary, tick)
        elif kind == "ndjson":
            _run_ndjson(src, dst, input_path, given_columns, clf, summary, tick)
        else:
            _run_geojson(src, dst, input_path, given_columns, clf, summary, tick)
    return summary


def _open_in(path: str) -> TextIO:
    if path == "-":
        return sys.stdin
    try:
        return open(path, encoding="utf-8-sig", newline="")
    except OSError as e:
        raise UsageError(f"Cannot read {path}: {e.strerror}.") from None


def _open_out(path: str) -> TextIO:
    if path == "-":
        return _NoClose(sys.stdout)  # type: ignore[return-value]
    try:
        return open(path, "w", encoding="utf-8", newline="")
    except OSError as e:
        raise UsageError(f"Cannot write {path}: {e.strerror}.") from None


class _NoClose:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def __enter__(self) -> TextIO:
        return self.stream

    def __exit__(self, *exc: object) -> None:
        self.stream.flush()


def _run_csv(
    src: TextIO,
    dst: TextIO,
    path: str,
    settings: Settings,
    given: dict[str, str | None],
    clf: Classifier,
    summary: Summary,
    tick: Any,
) -> None:
    sample = src.read(65536)
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    src_rows = _chain(sample, src)
    reader = csv.DictReader(src_rows, dialect=dialect)
    try:
        names = list(reader.fieldnames or [])
    except (csv.Error, UnicodeDecodeError) as e:
        raise UsageError(f"{path}: not a readable CSV file ({e}).") from None
    if not names:
        raise UsageError(f"{path}: the file is empty or has no header row.")
    columns = find_columns(names, given, path)
    extra = [c for c in added_columns(settings.treaties) if c not in names]
    # Written with the input's delimiter and standard quoting (messages contain commas and quotes).
    writer = csv.DictWriter(
        dst,
        fieldnames=names + extra,
        delimiter=dialect.delimiter,
        quoting=csv.QUOTE_MINIMAL,
        lineterminator="\n",
        extrasaction="ignore",
    )
    writer.writeheader()
    rows_read = 0
    try:
        for chunk in chunks(reader):
            # Cells beyond the header (a malformed row) are kept under the key None by DictReader: drop the key,
            # keep the row, and say so.
            overflow = [row.pop(None, None) for row in chunk]
            out = annotate_many(chunk, columns, clf, summary)
            for row, extra_cells in zip(out, overflow, strict=True):
                if extra_cells:
                    row[ERROR_COLUMN] = (row[ERROR_COLUMN] + "; " if row[ERROR_COLUMN] else "") + (
                        f"{len(extra_cells)} cells beyond the header were dropped"
                    )
            writer.writerows(out)
            rows_read += len(chunk)
            tick(len(chunk))
    except (csv.Error, UnicodeDecodeError) as e:
        raise UsageError(f"{path}, row {rows_read + 1}: cannot read the file further ({e}).") from None


def _chain(first: str, rest: TextIO) -> Iterator[str]:
    """Lines of the sampled start and the rest of a stream."""
    import io

    buffered = io.StringIO(first)
    tail = buffered.readlines()
    if tail and not tail[-1].endswith(("\n", "\r")):
        tail[-1] += rest.readline()
    yield from tail
    yield from rest


def _feature_values(feature: Any) -> tuple[dict[str, Any], RowError | None]:
    """A GeoJSON feature's properties plus its point coordinates (as __lat/__lon), or why it has none."""
    if not isinstance(feature, dict):
        return {}, RowError("not-a-feature", "not a GeoJSON feature")
    props = dict(feature.get("properties") or {})
    geom = feature.get("geometry") or {}
    if geom.get("type") != "Point":
        what = geom.get("type") or "no geometry"
        return props, RowError("not-a-point", f"{what}: batch classifies points (use check --geojson for an area)")
    coords = geom.get("coordinates") or []
    if len(coords) < 2:
        return props, RowError("missing-coordinates", "the point has no coordinates")
    return {**props, "__lon": coords[0], "__lat": coords[1]}, None


def _geo_columns(given: dict[str, str | None], names: Sequence[str], path: str) -> Columns:
    """A feature's coordinates come from its point geometry; date, target and party from its properties."""
    return find_columns([*names, "__lat", "__lon"], {**given, "lat": "__lat", "lon": "__lon"}, path)


def _error_columns(problem: RowError, clf: Classifier, summary: Summary) -> dict[str, Any]:
    """The added columns of a row that cannot be classified (counted in the summary)."""
    summary.rows += 1
    summary.errors[problem.kind] += 1
    added: dict[str, Any] = {}
    for t in clf.settings.treaties:
        added[f"{t}_verdict"], added[f"{t}_reason"] = "error", problem.kind
        summary.verdicts.setdefault(t, Counter())["error"] += 1
    added[ERROR_COLUMN] = str(problem)
    return added


def _annotate_features(
    features: Sequence[Any], given: dict[str, str | None], clf: Classifier, summary: Summary, path: str
) -> list[Any]:
    """Features with the added columns in their properties (a feature that is not a point gets an error)."""
    read = [_feature_values(f) for f in features]
    names = list(dict.fromkeys(k for values, _ in read for k in values))
    columns = _geo_columns(given, names, path)
    good = [k for k, (_, problem) in enumerate(read) if problem is None]
    annotated = dict(zip(good, annotate_many([read[k][0] for k in good], columns, clf, summary), strict=True))
    out = []
    for k, feature in enumerate(features):
        problem = read[k][1]
        if problem is not None:
            added = _error_columns(problem, clf, summary)
        else:
            added = {c: annotated[k][c] for c in added_columns(clf.settings.treaties)}
        if not isinstance(feature, dict):
            out.append({"type": "Feature", "geometry": None, "properties": added, "input": feature})
        else:
            out.append({**feature, "properties": {**(feature.get("properties") or {}), **added}})
    return out


def _run_ndjson(
    src: TextIO, dst: TextIO, path: str, given: dict[str, str | None], clf: Classifier, summary: Summary, tick: Any
) -> None:
    lines = ((number, line) for number, line in enumerate(src, 1) if line.strip())
    for chunk in chunks(lines):
        parsed: list[Any] = []
        for number, line in chunk:
            try:
                parsed.append(json.loads(line.lstrip("\x1e")))  # RFC 8142 record separators are allowed
            except json.JSONDecodeError as e:
                parsed.append(_NotJson(number, line, e.msg))
        features = [p for p in parsed if not isinstance(p, _NotJson)]
        done = iter(_annotate_features(features, given, clf, summary, path))
        for p in parsed:
            if isinstance(p, _NotJson):
                added = _error_columns(RowError("not-json", f"line {p.number} is not JSON ({p.msg})"), clf, summary)
                out = {"type": "Feature", "geometry": None, "properties": {**added, "input_line": p.line.rstrip("\n")}}
            else:
                out = next(done)
            dst.write(json.dumps(out, ensure_ascii=False) + "\n")
        tick(len(chunk))


@dataclass
class _NotJson:
    number: int
    line: str
    msg: str


def _run_geojson(
    src: TextIO, dst: TextIO, path: str, given: dict[str, str | None], clf: Classifier, summary: Summary, tick: Any
) -> None:
    try:
        doc = json.load(src)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise UsageError(f"{path}: not valid JSON ({e}).") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise UsageError(f"{path}: not a GeoJSON FeatureCollection.", "Give one, or one feature a line (.ndjson).")
    features = []
    for chunk in chunks(iter(doc["features"])):
        features.extend(_annotate_features(chunk, given, clf, summary, path))
        tick(len(chunk))
    json.dump({**doc, "features": features}, dst, ensure_ascii=False)
    dst.write("\n")


def _run_parquet(
    src: str, dst: str, given: dict[str, str | None], clf: Classifier, summary: Summary, tick: Any
) -> None:
    """Parquet in batches of rows (pyarrow, the `parquet` extra): the input's columns and types, plus the added
    string columns."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise UsageError(
            "Parquet needs pyarrow, which is not installed.", "Install the extra: pip install 'treatyscope[parquet]'."
        ) from None
    try:
        reader = pq.ParquetFile(src)
    except (OSError, pa.ArrowException) as e:
        raise UsageError(f"Cannot read {src} as Parquet: {e}.") from None
    schema = reader.schema_arrow
    names = list(schema.names)
    columns = find_columns(names, given, src)
    extra = [c for c in added_columns(clf.settings.treaties) if c not in names]
    out_schema = pa.schema([*schema, *(pa.field(c, pa.string()) for c in extra)])
    try:
        writer = pq.ParquetWriter(dst, out_schema)
    except (OSError, pa.ArrowException) as e:
        raise UsageError(f"Cannot write {dst}: {e}.") from None
    with writer:
        for batch in reader.iter_batches(batch_size=CHUNK_ROWS):
            rows = annotate_many(batch.to_pylist(), columns, clf, summary)
            writer.write_table(pa.Table.from_pylist(rows, schema=out_schema))
            tick(len(rows))


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
    from treatyscope.evaluation.vectorised import Question
    from treatyscope.place.kernels import all_on_world

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
    verdicts = VERDICT_NAMES.take(answers)  # object arrays: no copy of the strings
    return (verdicts, REASON_NAMES.take(answers)) if reasons else verdicts


PROBLEMS = ("out-of-range", "bad-date", "unknown-party")
ERROR_ANSWER = 4 * 16  # the answer code of the verdict "error"; its reason is PROBLEMS[code - ERROR_ANSWER]


def _names() -> tuple[Any, Any]:
    """Verdict and reason names indexed by an answer code (verdict * 16 + reason)."""
    from treatyscope.evaluation.vectorised import REASONS, VERDICTS

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


def _day(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip()[:10])


# --------------------------------------------------------------------------------------------------------- Dask


def run_dask(
    input_path: str,
    output_path: str,
    settings: Settings,
    given_columns: dict[str, str | None],
    scheduler: str | None = None,
    workers: int = 2,
) -> Summary:
    """The same classification on Dask (the `dask` extra): the input read as dask.dataframe partitions, each
    classified by a worker, the output written in the input's order. A local cluster by default, or the scheduler
    at `scheduler` (tcp://host:port) for one that is already running."""
    try:
        import dask.dataframe as dd
        from distributed import Client, LocalCluster
    except ImportError:
        raise UsageError(
            "--engine dask needs dask and distributed, which are not installed.",
            "Install the extra: pip install 'treatyscope[dask]'.",
        ) from None
    kind, out_kind = file_format(input_path), file_format(output_path)
    if kind not in ("csv", "parquet") or out_kind != kind:
        raise UsageError("--engine dask reads and writes CSV or Parquet (the same kind).", "Use --engine local.")
    Classifier(settings)  # fail fast on unknown treaties or readings, before starting a cluster
    sep = ","
    if kind == "csv":
        with _open_in(input_path) as head:
            try:
                sep = csv.Sniffer().sniff(head.read(65536), delimiters=",;\t|").delimiter
            except csv.Error:
                sep = ","
    try:
        frame = (
            dd.read_csv(input_path, sep=sep, dtype=str, keep_default_na=False, blocksize="16MB")
            if kind == "csv"
            else dd.read_parquet(input_path)
        )
    except (OSError, ValueError) as e:
        raise UsageError(f"Cannot read {input_path}: {e}.") from None
    columns = find_columns(list(frame.columns), given_columns, input_path)
    extra = [c for c in added_columns(settings.treaties) if c not in frame.columns]
    meta = frame._meta.assign(**{c: frame._meta.index.astype(str) for c in extra})
    cluster = (
        None
        if scheduler
        else LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers, threads_per_worker=1, processes=True, silence_logs=logging.ERROR
        )
    )
    try:
        with Client(scheduler or cluster) as client:  # type: ignore[no-untyped-call]
            done = frame.map_partitions(_classify_partition, settings, columns, extra, meta=meta).persist()
            # The summary from each partition's own counts (no shuffle between workers).
            counted = [c for t in settings.treaties for c in (f"{t}_verdict", f"{t}_reason")]
            parts = done[counted].to_delayed()
            summary = Summary()
            for part in client.compute(parts, sync=True):
                summary.rows += len(part)
                for t in settings.treaties:
                    summary.verdicts.setdefault(t, Counter()).update(part[f"{t}_verdict"].tolist())
                first = settings.treaties[0]
                summary.errors.update(part.loc[part[f"{first}_verdict"] == "error", f"{first}_reason"].tolist())
            if kind == "csv":
                done.to_csv(output_path, single_file=True, index=False, sep=sep)
            else:
                done.to_parquet(output_path, write_index=False)
    except OSError as e:
        raise UsageError(f"Dask could not run or write {output_path}: {e}.") from None
    finally:
        if cluster is not None:
            cluster.close()
    return summary


def _classify_partition(part: Any, settings: Settings, columns: Columns, extra: list[str]) -> Any:
    """One partition, on a worker: each row annotated as the local engine does."""
    clf = Classifier(settings)
    summary = Summary()
    rows = annotate_many(part.to_dict("records"), columns, clf, summary)
    out = part.copy()
    for c in extra:
        out[c] = [r[c] for r in rows]
    return out

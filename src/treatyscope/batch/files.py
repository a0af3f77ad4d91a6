"""Batch files: CSV, GeoJSON, newline-delimited GeoJSON and Parquet (pyarrow, the `parquet` extra), read and written
in chunks of rows, every row and column kept in order."""

from __future__ import annotations

import codecs
import csv
import io
import json
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from treatyscope.batch.output import refuse_same_file, replacing
from treatyscope.batch.rows import (
    CHUNK_ROWS,
    ERROR_COLUMN,
    Classifier,
    Columns,
    RowError,
    Settings,
    Summary,
    added_columns,
    annotate_many,
    chunks,
    find_columns,
)
from treatyscope.errors import UsageError, install_hint


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
    before_index: Any = None,
) -> Summary:
    """Classify every row of the input into the output; raise UsageError only if the input cannot be read.
    `progress(rows)` is told of each chunk done; `before_index()` once, before a first run builds its index."""
    kind = file_format(input_path)
    out_kind = file_format(output_path)
    if kind != out_kind and not (kind == "csv" and output_path == "-"):
        raise UsageError(f"The output ({output_path}) must be the same kind of file as the input ({input_path}).")
    refuse_same_file(input_path, output_path)
    clf = Classifier(settings, before_index)
    summary = Summary()
    tick = progress or (lambda n: None)
    with replacing(output_path) as temporary:
        if kind == "parquet":
            _run_parquet(input_path, temporary, given_columns, clf, summary, tick)
            return summary
        with open_in(input_path, settings.encoding) as src, open_out(temporary) as dst:
            if kind == "csv":
                _run_csv(src, dst, input_path, settings, given_columns, clf, summary, tick)
            elif kind == "ndjson":
                _run_ndjson(src, dst, input_path, given_columns, clf, summary, tick)
            else:
                _run_geojson(src, dst, input_path, given_columns, clf, summary, tick)
    return summary


def open_in(path: str, encoding: str = "utf-8") -> TextIO:
    """The input as text. A byte the encoding cannot decode is kept (as Python's surrogateescape does), so that its
    row is reported and written back unchanged rather than stopping the run; a byte-order mark is dropped, on
    standard input too."""
    encoding = "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding
    if path == "-":
        raw = getattr(sys.stdin, "buffer", None)  # a test's stand-in may be text only
        if raw is None:
            return sys.stdin
        return _NoClose(io.TextIOWrapper(raw, encoding=encoding, errors="surrogateescape", newline=""))  # type: ignore[return-value]
    try:
        return open(path, encoding=encoding, errors="surrogateescape", newline="")
    except OSError as e:
        raise UsageError(f"Cannot read {path}: {e.strerror}.") from None


def open_out(path: str) -> TextIO:
    if path == "-":
        raw = getattr(sys.stdout, "buffer", None)
        if raw is None:
            return _NoClose(sys.stdout)  # type: ignore[return-value]
        sys.stdout.flush()
        out = io.TextIOWrapper(raw, encoding="utf-8", errors="surrogateescape", newline="")
        return _NoClose(out)  # type: ignore[return-value]
    try:
        return open(path, "w", encoding="utf-8", errors="surrogateescape", newline="")
    except OSError as e:
        raise UsageError(f"Cannot write {path}: {e.strerror}.") from None


class _NoClose:
    """Standard input or output for a `with` block: flushed at its end, never closed (a wrapper made over the
    stream's bytes is detached from them, so that closing it does not close the process's stream)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def __enter__(self) -> TextIO:
        return self.stream

    def __exit__(self, *exc: object) -> None:
        self.stream.flush()
        if isinstance(self.stream, io.TextIOWrapper) and self.stream not in (sys.stdin, sys.stdout):
            self.stream.detach()


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
        raise UsageError("Parquet needs pyarrow, which is not installed.", install_hint("parquet")) from None
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

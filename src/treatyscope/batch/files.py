"""Batch files: CSV, GeoJSON, newline-delimited GeoJSON and Parquet (pyarrow, the `parquet` extra), read and written
in chunks of rows, every row and column kept in order."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TextIO

from treatyscope.batch.output import refuse_same_file, replacing
from treatyscope.batch.rows import (
    CHUNK_ROWS,
    ERROR_COLUMN,
    Chunk,
    Classifier,
    Columns,
    RowError,
    Settings,
    Summary,
    added_columns,
    annotate,
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
        else:
            with open_in(input_path, settings.encoding) as src, open_out(temporary) as dst:
                if kind == "csv":
                    _run_csv(src, dst, input_path, settings, given_columns, clf, summary, tick)
                elif kind == "ndjson":
                    _run_ndjson(src, dst, input_path, given_columns, clf, summary, tick)
                else:
                    _run_geojson(src, dst, input_path, given_columns, clf, summary, tick)
    clf.finish()
    return summary


def open_in(path: str, encoding: str = "utf-8") -> TextIO:
    """The input as text. A byte the encoding cannot decode is kept (as Python's surrogateescape does), so that its
    row is reported and written back unchanged rather than stopping the run; a byte-order mark is dropped, on
    standard input too."""
    encoding = "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding
    if path == "-":
        if sys.stdin is None:  # started with standard input closed (`<&-`)
            raise UsageError("Standard input is closed.", "Give an input file, or pipe one in.")
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
    """CSV column by column: a chunk's rows turned into columns, the added columns computed on them, and each
    input row written back with its added cells (quoted as CSV requires, no more)."""
    sample = src.read(65536)
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    parts = _csv_chunks(sample, src, dialect)
    try:
        names = (next(parts).rows or [[]])[0]
    except (csv.Error, UnicodeDecodeError) as e:
        raise UsageError(f"{path}: not a readable CSV file ({e}).") from None
    if not names:
        raise UsageError(f"{path}: the file is empty or has no header row.")
    columns = find_columns(names, given, path)
    added = added_columns(settings.treaties)
    # An added column the input already has (a file classified before) is written in its place, the rest after.
    at = {name: k for k, name in enumerate(names)}
    replaced = [(at[c], c) for c in added if c in at]
    appended = [c for c in added if c not in at]
    # Written with the input's delimiter and standard quoting (messages contain commas and quotes).
    writer = csv.writer(dst, delimiter=dialect.delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerow(names + appended)
    width = len(names)
    rows_read = 0
    try:
        for part in parts:
            rows = part.rows
            if rows is None and (replaced or width < 2 or not appended):
                rows = [list(row) for row in zip(*part.columns or [])]  # cells to replace, or rows written whole
            if rows is not None:
                notes, refitted = _fit(rows, width)
                chunk = Chunk(len(rows), names, notes=notes, rows=rows)
            else:
                refitted, chunk = [], Chunk(len(part.lines or ()), names, cells=part.columns)
            out = annotate(chunk, columns, clf, summary)
            for k, c in replaced:
                for row, value in zip(rows or (), out[c], strict=True):
                    row[k] = value
            as_read = None if replaced else part.lines
            dst.write(_rendered(rows, as_read, {c: out[c] for c in appended}, writer, refitted))
            rows_read += chunk.n
            tick(chunk.n)
    except (csv.Error, UnicodeDecodeError) as e:
        raise UsageError(f"{path}, row {rows_read + 1}: cannot read the file further ({e}).") from None


class _Part(NamedTuple):
    """Rows of a CSV file as read: as lists of cells, or (when every line was as wide as the first) as columns;
    and the text of each row as read, when written back as it was it is what csv.writer would write."""

    rows: list[list[str]] | None
    columns: list[list[str]] | None = None
    lines: list[str] | None = None


def _csv_chunks(start: str, rest: TextIO, dialect: Any) -> Iterator[_Part]:
    """The header as a part of one row, then parts of CHUNK_ROWS rows at most.
    The text is read in blocks of lines. While they hold no quote character, NUL, lone carriage return or line
    longer than csv's field size limit (and the dialect has no escape character or skipped spaces), a line is a
    row whose cells are its text split at the delimiter — what csv.reader would find, much faster — and that text,
    written back beside the added cells, is what csv.writer would write. From the first block with one of those
    on, csv.reader reads the rest, given the lines it was given before (the sampled start split at line feeds
    only, then the file's lines). A blank line is no row (csv.DictReader skipped them too)."""
    quotes = set('"' + (dialect.quotechar or "") + "\0")
    plain = dialect.escapechar is None and not dialect.skipinitialspace
    delimiter = dialect.delimiter
    text, width, consumed = start, 0, 0  # width: of the header, once read; consumed: characters before `text`
    while plain:
        more = rest.read(_BLOCK)
        text += more
        cut = len(text) if not more else text.rfind("\n") + 1
        if cut == 0 and more:
            continue  # no line ends in the block yet
        block = text[:cut]
        lines = block.replace("\r\n", "\n").split("\n")
        if (
            any(q in block for q in quotes)
            or block.count("\r") != block.count("\r\n")
            or max(map(len, lines)) > csv.field_size_limit()
        ):
            break
        text, consumed = text[cut:], consumed + cut
        if not width:
            header = lines[0].split(delimiter) if lines[0] else []
            yield _Part([header])
            lines, width = lines[1:], len(header)
            if not width:
                return
        lines = list(filter(None, lines))
        for at in range(0, len(lines), CHUNK_ROWS):
            some = lines[at : at + CHUNK_ROWS]
            if list(map(str.count, some, itertools.repeat(delimiter))).count(width - 1) == len(some):
                # Every row as wide as the header: all cells from one split of the text, a column a slice.
                cells = delimiter.join(some).split(delimiter)
                yield _Part(None, [cells[k::width] for k in range(width)], some)
            else:
                yield _Part(list(map(str.split, some, itertools.repeat(delimiter))), None, some)
        if not more:
            return
    in_sample = max(0, len(start) - consumed)
    after = itertools.chain(io.StringIO(text[in_sample:], newline="").readlines(), rest)
    reader = csv.reader(_chain(text[:in_sample], after), dialect=dialect)
    if not width:
        yield _Part([next(reader, [])])
    for chunk in chunks(filter(None, reader)):
        yield _Part(chunk)


_BLOCK = 1 << 22  # characters of CSV read at a time


def _rendered(
    rows: list[list[str]] | None,
    as_read: list[str] | None,
    appended: dict[str, list[str]],
    writer: Any,
    refitted: list[int],
) -> str:
    """The rows with their appended cells, as CSV text, exactly as `writer` writes them. Apart from the error
    message, the appended cells of most rows are one of a few combinations of verdicts and reasons: each
    combination is written once and joined to each row's input cells, written without it (or, when given, their
    text as read, except for the rows made to fit the header); a row with a message gets its cells written
    whole."""
    if rows is not None and (len(rows[0]) < 2 or not appended):  # a lone empty cell is written '""' on its own
        return _written(map(list.__add__, rows, map(list, zip(*appended.values()))) if appended else rows, writer)
    delimiter: str = writer.dialect.delimiter
    terminator: str = writer.dialect.lineterminator
    names = list(appended)
    message = names.index(ERROR_COLUMN) if ERROR_COLUMN in appended else None
    answers = [cells for name, cells in appended.items() if name != ERROR_COLUMN]
    n = len(as_read) if as_read is not None else len(rows or ())
    keys = list(zip(*answers)) if answers else [()] * n

    def tail(key: tuple[str, ...], text: str) -> str:
        cells = list(key)
        if message is not None:
            cells.insert(message, text)
        return delimiter + _line(cells, writer)

    combos = {key: tail(key, "") for key in set(keys)}
    suffix = list(map(combos.__getitem__, keys))
    if message is not None:
        for k in (k for k, text in enumerate(appended[ERROR_COLUMN]) if text):
            suffix[k] = tail(keys[k], appended[ERROR_COLUMN][k])
    if as_read is not None:
        rendered = as_read
        for k in refitted:
            rendered[k] = _line((rows or [])[k], writer)[: -len(terminator)]
    else:
        assert rows is not None
        # The input cells, with a NUL added to the line terminator so that the text splits back into rows: a cell
        # is quoted just as without it, unless it holds a NUL itself; then the rows are written one by one.
        text = _written(rows, writer, terminator + "\0")
        if text.count("\0") == len(rows):
            rendered = text.split(terminator + "\0")
        else:
            rendered = [_line(row, writer)[: -len(terminator)] for row in rows]
    return "".join(map(str.__add__, rendered, suffix))


def _written(rows: Any, writer: Any, terminator: str | None = None) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, writer.dialect, lineterminator=terminator or writer.dialect.lineterminator).writerows(rows)
    return buffer.getvalue()


def _line(cells: list[str], writer: Any) -> str:
    return _written([cells], writer)


def _fit(rows: list[list[str]], width: int) -> tuple[dict[int, str], list[int]]:
    """Rows made as wide as the header: a short one padded with empty cells, a long one cut, with a note saying
    how many cells were dropped; and which rows were changed."""
    notes: dict[int, str] = {}
    if set(map(len, rows)) == {width}:
        return notes, []
    changed = [k for k, row in enumerate(rows) if len(row) != width]
    for k in changed:
        row = rows[k]
        if len(row) > width:
            notes[k] = f"{len(row) - width} cells beyond the header were dropped"
            del row[width:]
        else:
            row.extend([""] * (width - len(row)))
    return notes, changed


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    """The lines csv.reader is given: the sampled start split at line feeds, its last line completed by the
    first of the rest, then the rest."""
    tail = io.StringIO(first).readlines()
    rest = iter(rest)
    if tail and not tail[-1].endswith(("\n", "\r")):
        tail[-1] += next(rest, "")
    return itertools.chain(tail, rest)


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
    good = [k for k, (_, problem) in enumerate(read) if problem is None]
    chunk = Chunk.of_rows([read[k][0] for k in good])
    # Columns are found among every feature's properties, points or not (as the row-at-a-time path found them).
    columns = _geo_columns(given, list(dict.fromkeys(k for values, _ in read for k in values)), path)
    answers = annotate(chunk, columns, clf, summary)
    names = added_columns(clf.settings.treaties)
    at = {k: j for j, k in enumerate(good)}
    out = []
    for k, feature in enumerate(features):
        problem = read[k][1]
        if problem is not None:
            added = _error_columns(problem, clf, summary)
        else:
            added = {c: answers[c][at[k]] for c in names}
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
            except RecursionError:
                parsed.append(_NotJson(number, line, "nested deeper than the JSON reader allows"))
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
    except RecursionError:
        deep = "nested deeper than the JSON reader allows"
        raise UsageError(f"{path}: {deep}.", "GeoJSON needs no such depth.") from None
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
    added = added_columns(clf.settings.treaties)
    # An added column the input already has (a file classified before) is replaced in its place, as a string.
    fields = [pa.field(f.name, pa.string()) if f.name in added else f for f in schema]
    fields += [pa.field(c, pa.string()) for c in added if c not in names]
    out_schema = pa.schema(fields)
    read = set(columns.read)
    try:
        writer = pq.ParquetWriter(dst, out_schema)
    except (OSError, pa.ArrowException) as e:
        raise UsageError(f"Cannot write {dst}: {e}.") from None
    with writer:
        for batch in reader.iter_batches(batch_size=CHUNK_ROWS):
            # Only the columns read become Python values (Parquet text is valid UTF-8: nothing undecoded).
            cells = [_parquet_cells(batch.column(k)) if name in read else [] for k, name in enumerate(names)]
            answers = annotate(Chunk(batch.num_rows, names, cells), columns, clf, summary)
            arrays = [
                pa.array(answers[name], pa.string()) if name in added else batch.column(k)
                for k, name in enumerate(names)
            ]
            arrays += [pa.array(answers[c], pa.string()) for c in added if c not in names]
            writer.write_table(pa.Table.from_arrays(arrays, schema=out_schema))
            tick(batch.num_rows)


def _parquet_cells(array: Any) -> Any:
    """A Parquet column's cells: a numpy array for numbers without nulls, else Python values (None for null)."""
    import pyarrow as pa

    if array.null_count == 0 and (pa.types.is_floating(array.type) or pa.types.is_integer(array.type)):
        return array.to_numpy()
    return array.to_pylist()

"""`treatyscope batch`: classify every row of a file of incidents."""

from __future__ import annotations

import sys
import time
from typing import Any

import typer

from treatyscope.cli.app import INTERPRETATION, RULES, TERRITORIAL_SEA, Target, app
from treatyscope.errors import UsageError


@app.command()
def batch(
    input_path: str = typer.Argument(
        ..., metavar="INPUT", help="A .csv, .geojson or .ndjson file of points ('-': CSV on stdin)."
    ),
    output_path: str = typer.Option(..., "--output", "-o", help="Where to write: the same kind of file ('-': stdout)."),
    treaty: list[str] = typer.Option(None, "--treaty", help="Treaty id (repeatable); default: every encoded treaty."),
    target: Target = typer.Option("territory", "--target", "-t", help="What is attacked, unless a column says."),  # type: ignore[valid-type]
    date: str = typer.Option(None, "--date", "-d", help="YYYY-MM-DD for rows without a date; default today."),
    party: str = typer.Option(None, "--party", "-p", help="The attacked party for rows without one."),
    interpretation: list[str] = INTERPRETATION,
    lat_col: str = typer.Option(None, "--lat-col", help="Latitude column (default: lat, latitude, y, ...)."),
    lon_col: str = typer.Option(None, "--lon-col", help="Longitude column (default: lon, lng, longitude, x, ...)."),
    date_col: str = typer.Option(None, "--date-col", help="Date column (default: date, event_date, ...)."),
    target_col: str = typer.Option(None, "--target-col", help="Target-kind column (default: target)."),
    party_col: str = typer.Option(None, "--party-col", help="Attacked-party column (default: party)."),
    rules: list[str] = RULES,
    territorial_sea: bool = TERRITORIAL_SEA,
    encoding: str = typer.Option(
        "utf-8", "--encoding", help="The text encoding of a CSV or NDJSON input, e.g. latin-1 (the output is UTF-8)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary."),
    engine: str = typer.Option(
        "local", "--engine", help="local, or dask (CSV or Parquet on Dask partitions; the dask extra)."
    ),
    scheduler: str = typer.Option(
        None, "--scheduler", help="With --engine dask: a running scheduler (tcp://host:port); default a local cluster."
    ),
) -> int:
    """Classify every row of a file of incidents: per treaty a verdict column and a reason code; a row that
    cannot be classified keeps its place with the verdict 'error' and a message. Exit 0 whatever the rows say;
    2 if the input cannot be read."""
    from treatyscope.batch.rows import Settings
    from treatyscope.input.selection import check_treaties, parse_pins, resolve_party
    from treatyscope.periods import parse_date
    from treatyscope.rules.load import rulebook

    if engine not in ("local", "dask"):
        raise UsageError(f"--engine {engine}: use local or dask.")
    if scheduler and engine != "dask":
        raise UsageError("--scheduler is for --engine dask.")
    check_encoding(encoding)
    if lat_col and lat_col == lon_col:
        raise UsageError(f"--lat-col and --lon-col both name the column '{lat_col}'.", "Name two columns.")
    book = rulebook(rules or None)
    settings = Settings(
        treaties=check_treaties(treaty or book.treaties, book),
        target=str(target),
        date=parse_date(date),
        party=resolve_party(party),
        interpretations=parse_pins(interpretation or []),
        rules=rules or None,
        encoding=encoding,
        territorial_sea=territorial_sea,
    )
    given: dict[str, str | None] = {
        "lat": lat_col,
        "lon": lon_col,
        "date": date_col,
        "target": target_col,
        "party": party_col,
    }
    if engine == "dask":
        from treatyscope.batch.cluster import run_dask

        if not quiet:  # the workers build the index; say so before the cluster starts
            _first_run_notice(settings.territorial_sea)
        summary = run_dask(input_path, output_path, settings, given, scheduler)
    else:
        summary = _run_local(input_path, output_path, settings, given, quiet)
    if not quiet:
        sys.stderr.write(_summary(summary, output_path))
    return 0


def _first_run_notice(territorial_sea: bool) -> None:
    from treatyscope.evaluation.vectorised import places_ready

    if not places_ready(territorial_sea=territorial_sea):
        sys.stderr.write(_first_run_text())


def _first_run_text() -> str:
    from treatyscope.errors import install_command
    from treatyscope.evaluation.vectorised import FEW
    from treatyscope.place.kernels import KERNELS

    compile_note = (
        " and compiles the engine's loops (about 20 s, once).\n"
        if KERNELS is not None
        else f".\nFor millions of rows, the fast extra (numba) is about 3 times faster: {install_command('fast')}.\n"
    )
    index = f"The first run of {FEW:,} rows or more on this machine builds an index of places (about a minute, once)"
    return index + compile_note


def _run_local(input_path: str, output_path: str, settings: Any, given: dict[str, str | None], quiet: bool) -> Any:
    from treatyscope.batch.files import run

    def notice() -> None:  # the classifier calls it once, just before it builds the index
        sys.stderr.write(_first_run_text())

    if quiet or not sys.stderr.isatty():
        return run(input_path, output_path, settings, given, None, None if quiet else notice)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("classifying"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]} rows/s"))
    # On standard error, like every notice: the output itself may be standard output (-o -).
    with Progress(*columns, TimeElapsedColumn(), transient=True, console=Console(stderr=True)) as progress:
        task = progress.add_task("rows", total=None, rate="-")
        start = time.perf_counter()

        def tick(rows: int) -> None:
            progress.advance(task, rows)
            done = progress.tasks[0].completed
            progress.update(task, rate=f"{done / max(1e-9, time.perf_counter() - start):,.0f}")

        def before_index() -> None:
            progress.console.print(_first_run_text(), end="", markup=False, highlight=False)

        return run(input_path, output_path, settings, given, tick, before_index)


def _summary(summary: Any, output_path: str) -> str:
    from treatyscope.english import plural

    lines = [f"{plural(summary.rows, 'row')} classified into {output_path}."]
    for t, counts in summary.verdicts.items():
        lines.append(f"  {t}: " + ", ".join(f"{v} {n:,}" for v, n in sorted(counts.items())))
    if summary.errors:
        lines.append("  rows with errors: " + ", ".join(f"{k} {n:,}" for k, n in sorted(summary.errors.items())))
    return "\n".join(lines) + "\n"


def check_encoding(encoding: str) -> None:
    """A text encoding in which the characters CSV and NDJSON are split on (line ends, commas, quotes, braces) are
    the ASCII bytes: the readers split the bytes on them."""
    import codecs

    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise UsageError(
            f"--encoding {encoding}: not a text encoding Python knows.", "E.g. utf-8, latin-1, cp1252."
        ) from None
    if not getattr(info, "_is_text_encoding", True):  # rot13, base64, zlib: transforms, not text encodings
        raise UsageError(f"--encoding {encoding}: a transform, not a text encoding.", "E.g. utf-8, latin-1, cp1252.")
    marks = '\r\n,"{}[]:'
    try:
        encoder = info.incrementalencoder()
        encoder.encode("x")  # a byte-order mark, if the encoding writes one, comes first
        ascii_compatible = encoder.encode(marks) == marks.encode("ascii")
    except (UnicodeError, TypeError):
        ascii_compatible = False
    if not ascii_compatible:
        raise UsageError(
            f"--encoding {encoding}: not read here, as its line ends and commas are not single ASCII bytes.",
            f"Convert the file to UTF-8 first, e.g. iconv -f {encoding} -t UTF-8 FILE.",
        )

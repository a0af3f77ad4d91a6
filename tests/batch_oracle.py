"""The row-at-a-time CSV path that the columnar one replaced (treatyscope 562f566, batch/files.py and rows.py), kept
as a test oracle: csv.DictReader in, one dictionary a row through `read_row`, csv.DictWriter out. Only the verdicts
come from the library (Classifier.codes), so the oracle checks everything the columnar path does around them.

Where the oracle lost data, the columnar path differs on purpose: a header that names two columns alike (the
oracle wrote the last one's cells under both), and a coordinate too large for a float (the oracle crashed)."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
from collections import Counter
from typing import Any, TextIO

import numpy as np

from treatyscope.batch.rows import (
    ERROR_COLUMN,
    REASON_NAMES,
    VERDICT_NAMES,
    Cells,
    Classifier,
    Columns,
    RowError,
    Settings,
    Summary,
    added_columns,
    chunks,
    find_columns,
)
from treatyscope.errors import UsageError, echo
from treatyscope.place.locate import check_coordinates
from treatyscope.rules.kinds import TARGETS


def run_csv(src: TextIO, dst: TextIO, settings: Settings, given: dict[str, str | None]) -> Summary:
    clf, summary = Classifier(settings), Summary()
    sample = src.read(65536)
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(_chain(sample, src), dialect=dialect)
    names = list(reader.fieldnames or [])
    columns = find_columns(names, given, "oracle")
    extra = [c for c in added_columns(settings.treaties) if c not in names]
    writer = csv.DictWriter(
        dst,
        fieldnames=names + extra,
        delimiter=dialect.delimiter,
        quoting=csv.QUOTE_MINIMAL,
        lineterminator="\n",
        extrasaction="ignore",
    )
    writer.writeheader()
    for chunk in chunks(reader):
        overflow = [row.pop(None, None) for row in chunk]  # type: ignore[call-overload]
        out = annotate_many(chunk, columns, clf, summary)
        for row, extra_cells in zip(out, overflow, strict=True):
            if extra_cells:
                row[ERROR_COLUMN] = (row[ERROR_COLUMN] + "; " if row[ERROR_COLUMN] else "") + (
                    f"{len(extra_cells)} cells beyond the header were dropped"
                )
        writer.writerows(out)
    return summary


def _chain(first: str, rest: TextIO) -> Any:
    import io

    tail = io.StringIO(first).readlines()
    if tail and not tail[-1].endswith(("\n", "\r")):
        tail[-1] += rest.readline()
    yield from tail
    yield from rest


def read_row(values: dict[str, Any], columns: Columns, clf: Classifier) -> tuple[float, float, dt.date, str, Any]:
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


def annotate_many(rows: list[dict[str, Any]], columns: Columns, clf: Classifier, summary: Summary) -> list[Any]:
    points, where, problems, notes = [], [], {}, {}
    read = [c for c in (columns.lat, columns.lon, columns.date, columns.target, columns.party) if c]
    for k, values in enumerate(rows):
        try:
            notes[k] = undecoded(values, read, clf.settings.encoding)
            points.append(read_row(values, columns, clf))
            where.append(k)
        except RowError as e:
            problems[k] = e
    groups = list(dict.fromkeys((p[3], p[4]) for p in points))
    cells = Cells(
        np.array([p[0] for p in points], dtype=np.float64),
        np.array([p[1] for p in points], dtype=np.float64),
        np.array([p[2] for p in points], dtype="datetime64[D]"),
        np.array([groups.index((p[3], p[4])) for p in points], dtype=np.intp),
        groups,
    )
    codes = clf.codes(cells).tolist()
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


def undecoded(values: dict[str, Any], read: list[str], encoding: str) -> str:
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


_UNDECODED = re.compile("[\\udc80-\\udcff]")

"""`batch --engine dask`: the same classification on Dask partitions (the `dask` extra), on a local cluster or the
scheduler given."""

from __future__ import annotations

import csv
import logging
from collections import Counter
from typing import Any

from treatyscope.batch.files import file_format, open_in
from treatyscope.batch.output import refuse_same_file, replacing
from treatyscope.batch.rows import (
    Chunk,
    Classifier,
    Columns,
    Settings,
    Summary,
    added_columns,
    annotate,
    find_columns,
)
from treatyscope.errors import UsageError, install_hint


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
            install_hint("dask"),
        ) from None
    kind, out_kind = file_format(input_path), file_format(output_path)
    if kind not in ("csv", "parquet") or out_kind != kind:
        raise UsageError("--engine dask reads and writes CSV or Parquet (the same kind).", "Use --engine local.")
    refuse_same_file(input_path, output_path)
    Classifier(settings)  # fail fast on unknown treaties or readings, before starting a cluster
    sep = _delimiter(input_path, settings.encoding) if kind == "csv" else ","
    try:
        frame = (
            dd.read_csv(
                input_path,
                sep=sep,
                dtype=str,
                keep_default_na=False,
                blocksize="16MB",
                encoding=settings.encoding,
                encoding_errors="surrogateescape",
            )
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
        # A scheduler that does not answer is an error after 10 s (dask's own default waits 30 s).
        connect = {"timeout": "10s"} if scheduler else {}
        with Client(scheduler or cluster, **connect) as client:  # type: ignore[no-untyped-call]
            done = frame.map_partitions(_classify_partition, settings, columns, meta=meta).persist()
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
            with replacing(output_path) as temporary:
                if kind == "csv":
                    done.to_csv(temporary, single_file=True, index=False, sep=sep)
                else:
                    done.to_parquet(temporary, write_index=False)
    except OSError as e:
        raise UsageError(f"Dask could not run or write {output_path}: {e}.") from None
    finally:
        if cluster is not None:
            cluster.close()
    return summary


def _delimiter(path: str, encoding: str) -> str:
    with open_in(path, encoding) as head:
        try:
            return csv.Sniffer().sniff(head.read(65536), delimiters=",;\t|").delimiter
        except csv.Error:
            return ","


def _classify_partition(part: Any, settings: Settings, columns: Columns) -> Any:
    """One partition, on a worker: annotated column by column, as the local engine does."""
    clf = Classifier(settings)
    names = [str(c) for c in part.columns]
    answers = annotate(Chunk(len(part), names, [part[c].tolist() for c in part.columns]), columns, clf, Summary())
    clf.finish()
    return part.assign(**{c: answers[c] for c in added_columns(settings.treaties)})

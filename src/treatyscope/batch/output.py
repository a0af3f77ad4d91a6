"""Writing a batch's output without losing data: the output is never the input, it is written to a temporary
file (or, for Dask's Parquet, directory) beside its place and renamed into place only when the whole run has
succeeded, so a failed or interrupted run leaves any earlier file at that path as it was."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from treatyscope.errors import Interrupted, TreatyscopeError, UsageError, stopped_word
from treatyscope.paths import check_writable

STDIO = "-"


def refuse_same_file(input_path: str, output_path: str) -> None:
    """Refuse an output that is the input (the same path, or a link to the same file), before anything is opened
    for writing."""
    if STDIO in (input_path, output_path):
        return
    src, dst = Path(input_path), Path(output_path)
    same = src.resolve() == dst.resolve()
    if not same and src.exists() and dst.exists():
        same = os.path.samefile(src, dst)
    if same:
        raise UsageError(
            f"-o {output_path}: the output is the input file, which would be lost.", "Write to another file."
        )


@contextmanager
def replacing(path: str) -> Iterator[str]:
    """A temporary path beside `path` to write to; on success it replaces `path`, on failure, Ctrl-C, SIGTERM or
    SIGHUP it is removed and `path` is left as it was."""
    if path == STDIO:
        yield path
        return
    target = Path(path)
    check_writable(path)
    temporary = target.with_name(f".{target.name}.treatyscope-{os.getpid()}.part")
    earlier = " (the earlier file there is untouched)" if target.exists() else ""
    try:
        yield str(temporary)
    except KeyboardInterrupt as stop:  # Ctrl-C, or SIGTERM and SIGHUP (errors.Terminated)
        _remove(temporary)
        raise Interrupted(f"{stopped_word(stop)}: {path} was not written{earlier}.", stop) from None
    except TreatyscopeError as e:
        _remove(temporary)
        e.message = f"{e.message.rstrip('.')}. {path} was not written{earlier}."
        raise
    except BaseException:
        _remove(temporary)
        raise
    _put(temporary, target)


def _put(temporary: Path, target: Path) -> None:
    """Rename into place: a file atomically; a directory by moving the earlier one aside first."""
    try:
        if temporary.is_dir() and target.exists():
            aside = target.with_name(f".{target.name}.treatyscope-{os.getpid()}.old")
            os.replace(target, aside)
            os.replace(temporary, target)
            _remove(aside)
        else:
            os.replace(temporary, target)
    except OSError as e:
        _remove(temporary)
        raise UsageError(f"Cannot write {target}: {e.strerror}.") from None


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists():
        path.unlink()

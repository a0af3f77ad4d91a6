"""The errors treatyscope reports to users, and the exit codes they map to.

    TreatyscopeError            exit 1 unless a subclass says otherwise; one line, no traceback
    ├── UsageError              exit 2: a bad argument (coordinate, date, option value)
    │   ├── UnknownPlaceError   a name the gazetteer does not know (carries suggestions)
    │   └── AmbiguousPlaceError a name that fits several places (carries the candidates)
    ├── RuleFileError           exit 3: a rule file is malformed (carries file, line, column)
    ├── DataError               exit 1: vendored data missing or corrupt (a broken install)
    └── Interrupted             exit 130 (Ctrl-C), 129 (SIGHUP) or 143 (SIGTERM): stopped while writing a file

    Terminated (a KeyboardInterrupt) SIGTERM or SIGHUP, raised where the program is, so it unwinds as Ctrl-C does

Exit codes: 0 an answer was produced, whatever the verdict; 1 internal error; 2 bad input; 3 invalid rule files;
4 rule examples failed (`treatyscope test`); 128 + the signal's number when stopped by a signal: 130 Ctrl-C
(SIGINT), 143 SIGTERM, 129 SIGHUP.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_RULES = 3
EXIT_EXAMPLES_FAILED = 4
EXIT_INTERRUPTED = 130


class TreatyscopeError(Exception):
    exit_code = EXIT_INTERNAL

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return with_hint(self.message, self.hint)


def with_hint(message: str, hint: str) -> str:
    """A message and what to do about it, as one line (a full stop between them where the message has none)."""
    if not hint:
        return message
    ends = message.rstrip().endswith((".", "?", "!", ":"))
    return f"{message}{'' if ends else '.'} {hint}"


class UsageError(TreatyscopeError):
    exit_code = EXIT_USAGE


class UnknownPlaceError(UsageError):
    def __init__(self, query: str, suggestions: Sequence[str] = ()) -> None:
        hint = (
            f"Did you mean: {', '.join(suggestions)}?"
            if suggestions
            else ("Try 'treatyscope places NAME' to search, or give coordinates with --at \"LAT,LON\".")
        )
        super().__init__(f"Unknown place {echo(query)}.", hint)
        self.query = query
        self.suggestions = list(suggestions)


class AmbiguousPlaceError(UsageError):
    def __init__(self, query: str, candidates: Sequence[tuple[str, str]], qualifier_example: str = "") -> None:
        listing = "; ".join(f"{label} [{ref}]" for ref, label in candidates)
        hint = f"Pick one by the id in brackets (e.g. '{candidates[0][0]}')"
        hint += f" or add a qualifier (e.g. '{qualifier_example}')." if qualifier_example else "."
        super().__init__(f"'{query}' is ambiguous: {listing}.", hint)
        self.query = query
        self.candidates = list(candidates)


class RuleFileError(TreatyscopeError):
    exit_code = EXIT_RULES

    def __init__(
        self,
        message: str,
        path: Path | str | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str = "",
        severity: str = "error",  # or "warning", or "unverified" (a part not verified against a source)
    ) -> None:
        where = str(path) if path else ""
        if where and line is not None:
            where += f":{line}" + (f":{column}" if column is not None else "")
        super().__init__(f"{where}: {message}" if where else message, hint)
        self.path = str(path) if path else None
        self.line = line
        self.column = column
        self.detail = message
        self.severity = severity


class DataError(TreatyscopeError):
    exit_code = EXIT_INTERNAL


class Interrupted(TreatyscopeError):
    exit_code = EXIT_INTERRUPTED

    def __init__(self, message: str, stop: BaseException | None = None) -> None:
        super().__init__(message)
        self.exit_code = stopped_status(stop)


class Terminated(KeyboardInterrupt):
    """A stop asked by SIGTERM or SIGHUP (the command line turns them into this): it unwinds like Ctrl-C, so
    the temporary files of a write are removed and an earlier file at its path is kept."""

    def __init__(self, signum: int, name: str) -> None:
        super().__init__(name)
        self.signum = signum
        self.name = name


def stopped_status(stop: BaseException | None) -> int:
    """The exit status of a run stopped by `stop`: 128 + the signal's number, as a shell reports a process that
    the signal ended (Ctrl-C, SIGINT, is 130)."""
    return 128 + stop.signum if isinstance(stop, Terminated) else EXIT_INTERRUPTED


def stopped_word(stop: BaseException | None) -> str:
    """How a run stopped by `stop` says so: "interrupted" for Ctrl-C, "terminated (SIGTERM)" for a signal."""
    return f"terminated ({stop.name})" if isinstance(stop, Terminated) else "interrupted"


def install_hint(extra: str) -> str:
    """What to do when an optional extra is missing."""
    return f"Install the {extra} extra: {install_command(extra)}."


def install_command(extra: str) -> str:
    """How to add an extra, from the source tree the README installs from, or from a package index."""
    return f"pip install \".[{extra}]\" in treatyscope's source tree (or pip install 'treatyscope[{extra}]')"


def echo(value: object, limit: int = 60) -> str:
    """The offending input, quoted, cut to `limit` characters (a 100 KB coordinate string is not repeated back)."""
    text = str(value)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit] + '…'!r} ({len(text):,} characters)"

"""The command line: parse, call the core, render, exit. Each command is a module of this package with one function
that returns its exit code; heavy imports happen inside the commands.

Exit codes: 0 an answer was produced (whatever the verdict), or the rule files are valid and their examples pass;
1 internal error; 2 bad input (unknown or ambiguous place, bad coordinate, date, option); 3 invalid rule files;
4 rule examples failed (`test`); 128 + the signal's number when stopped by one (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP).
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import sys
from typing import Any

import typer

from treatyscope.cli import (  # noqa: F401
    area,
    articles,
    batch,
    check,
    map,
    obligations,
    places,
    schema,
    serve,
    show,
    test,
    timeline,
    validate,
    where,
)
from treatyscope.cli.app import app
from treatyscope.errors import (
    EXIT_INTERNAL,
    EXIT_USAGE,
    Terminated,
    TreatyscopeError,
    UsageError,
    echo,
    stopped_status,
    stopped_word,
)


def _version(value: bool) -> None:
    if value:
        from treatyscope import __version__

        typer.echo(f"treatyscope {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    pass


def _error(message: str) -> None:
    sys.stderr.write(f"treatyscope: error: {message}\n")


def main(argv: list[str] | None = None) -> int:
    """Entry point: every user error becomes one line on stderr and an exit code, never a traceback."""
    try:
        command = typer.main.get_command(app)
        refuse_repeated_options(command, sys.argv[1:] if argv is None else argv)
        result = command.main(args=argv, prog_name="treatyscope", standalone_mode=False)
        if _STOPS and result == 130:  # typer ends a command a signal stopped with 130, whichever, and no word
            _error(f"{stopped_word(_STOPS[-1])}.")
            return stopped_status(_STOPS[-1])
    except TreatyscopeError as e:
        _error(str(e))
        return e.exit_code
    except typer.Abort as e:  # click's word for a KeyboardInterrupt (Ctrl-C, or a Terminated) in a command
        _error(f"{stopped_word(e.__cause__ or e.__context__)}.")
        return stopped_status(e.__cause__ or e.__context__)
    except KeyboardInterrupt as stop:  # before or after click ran the command
        _error(f"{stopped_word(stop)}.")
        return stopped_status(stop)
    except typer.Exit as e:
        return int(getattr(e, "exit_code", 0) or 0)
    except SystemExit as e:
        # Click ends with exit status 1 when the reader of its output goes away (`treatyscope ... | head -1`),
        # which here means an internal error: a reader that has read enough is no error at all.
        if _broken_pipe(e.__context__):
            return 0
        raise
    except Exception as e:
        # Usage errors come from the click that typer bundles (typer._click in typer >= 0.29, click before):
        # recognise them by their interface rather than by a private import path.
        message = getattr(e, "format_message", None)
        if callable(message) and isinstance(getattr(e, "exit_code", None), int):
            _error(str(message()).replace("\n", " ") + " (see --help)")
            return EXIT_USAGE
        if _broken_pipe(e):
            return 0
        if os.environ.get("TREATYSCOPE_DEBUG"):
            raise
        _error(
            f"internal error: {type(e).__name__}: {e} (set TREATYSCOPE_DEBUG=1 for a traceback, and please report it)"
        )
        return EXIT_INTERNAL
    return result if isinstance(result, int) else 0


def _broken_pipe(e: BaseException | None) -> bool:
    if isinstance(e, BrokenPipeError) or (isinstance(e, OSError) and e.errno == errno.EPIPE):
        # Later writes to standard output (the interpreter flushes it at exit) go nowhere instead of failing.
        devnull = os.open(os.devnull, os.O_WRONLY)
        with contextlib.suppress(OSError, ValueError):
            os.dup2(devnull, sys.stdout.fileno())
        return True
    return False


def refuse_repeated_options(group: Any, args: list[str]) -> None:
    """An option that takes one value, given twice (`--location Taiwan --location Tokyo`, `map --treaty nato
    --treaty rio`): the parser would keep the last and answer a different question than the one asked."""
    sub = getattr(group, "commands", {}).get(args[0]) if args else None
    if sub is None:
        return
    single: dict[str, str] = {}  # option string -> its first spelling, for options that take one value
    valued: set[str] = set()  # option strings whose value is the next argument
    for param in sub.params:
        opts = [*getattr(param, "opts", []), *getattr(param, "secondary_opts", [])]
        on, off = getattr(param, "opts", []), getattr(param, "secondary_opts", [])
        if getattr(param, "is_flag", False) and off and any(a in on for a in args) and any(a in off for a in args):
            raise UsageError(f"{on[0]} and {off[0]} contradict each other.", "Give one of them.")
        if not opts or getattr(param, "is_flag", False) or getattr(param, "count", False):
            continue
        valued.update(opts)
        if not getattr(param, "multiple", False):
            single.update({o: param.opts[0] for o in opts})
    seen: dict[str, list[str]] = {}
    rest = iter(args[1:])
    for arg in rest:
        if arg == "--":
            break
        name, value = arg.split("=", 1) if arg.startswith("--") and "=" in arg else (arg, None)
        if name not in valued and len(arg) > 2 and arg[:2] in valued and not arg.startswith("--"):
            name, value = arg[:2], arg[2:]  # -lTaiwan
        if name not in valued:
            continue
        if value is None:
            value = next(rest, "")
        if name in single:
            seen.setdefault(single[name], []).append(value)
    for option, values in seen.items():
        if len(values) > 1:
            shown = ", then ".join(echo(v) for v in values[:3])
            times = "twice" if len(values) == 2 else f"{len(values)} times"
            raise UsageError(f"{option} is given {times} ({shown}); it takes one value.", "Give it once.")


_STOPS: list[KeyboardInterrupt] = []  # the signals that stopped this run (the CLI's handlers record them)


def _terminate(signum: int, frame: object) -> None:
    stop = Terminated(signum, signal.Signals(signum).name) if signum != signal.SIGINT else KeyboardInterrupt()
    _STOPS.append(stop)
    raise stop


def run() -> None:
    # SIGTERM (`kill`, a scheduler's time limit) and SIGHUP (a closed terminal) would end the process where it
    # stands, leaving a batch's half-written temporary file beside its output; raised as an exception instead,
    # they unwind like Ctrl-C: temporary files removed, one line said, 128 + the signal's number returned.
    for stop in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if stop is not None:
            signal.signal(stop, _terminate)
    sys.exit(main())

"""The command line: parse, call the core, render, exit. Heavy imports happen inside the commands.

Exit codes: 0 an answer was produced (whatever the verdict), or the rule files are valid and their examples pass;
1 internal error; 2 bad input (unknown or ambiguous place, bad coordinate, date, option); 3 invalid rule files;
4 rule examples failed (`test`).
"""

from __future__ import annotations

import enum
import json
import os
import sys
from typing import Any

import typer

from treatyscope.errors import EXIT_INTERNAL, EXIT_USAGE, TreatyscopeError, UsageError

EXIT_CODES_HELP = (
    "Exit codes: 0 an answer was produced (whatever the verdict) or the rules are valid; 1 internal error; 2 bad "
    "input; 3 invalid rule files; 4 rule examples failed."
)

app = typer.Typer(
    name="treatyscope",
    help="Would a treaty's collective-defence clause cover an armed attack here, on this date? "
    "Answers with the treaty text and the geometry behind it. " + EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


RULE_PATHS_HELP = "Rule files or directories (default: the shipped rules)."

# Options several commands share, defined once so that their names and help stay the same everywhere.
LOCATION = typer.Option(None, "--location", "-l", help="A place name or id (see 'places').")
AT = typer.Option(None, "--at", help='Coordinates, e.g. "25.03,121.56".')
GEOJSON = typer.Option(None, "--geojson", help="A GeoJSON file: a point, a line or an area.")
DATE = typer.Option(None, "--date", "-d", help="YYYY-MM-DD; default today.")
INTERPRETATION = typer.Option(None, "--interpretation", "-i", help="Pin a reading: TERM=READING.")
ASSUME_MEMBER = typer.Option(None, "--assume-member", help="Treat this state as a Party (what if).")
ASSUME = typer.Option(None, "--assume", help="Treat a scenario fact as given, e.g. occupation-forces.")
RULES = typer.Option(None, "--rules", help=RULE_PATHS_HELP)


class PlacesFormat(enum.StrEnum):
    text = "text"
    json = "json"


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


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


@app.command()
def places(
    query: str = typer.Argument(
        ..., help="A name, ISO code or id: 'Taiwan', 'TW', 'US-GA', 'Georgia, US', 'sea:black-sea'."
    ),
    date: str = typer.Option(None, "--date", help="Date for the status shown (YYYY-MM-DD; default today)."),
    output: PlacesFormat = typer.Option(PlacesFormat.text, "--format", "-f", help="Output format."),
) -> None:
    """Look up a place: its kind, names, codes, sovereign, administrator, continent and coordinates."""
    from treatyscope.dates import parse_date
    from treatyscope.place.describe import place_facts
    from treatyscope.place.gazetteer import label, resolve_place, search

    on = parse_date(date)
    place = resolve_place(query)
    _, others = search(query)
    facts = place_facts(place, on)
    other_list = [{"ref": o.ref, "label": label(o)} for o in others if o.ref != place.ref]
    if output is PlacesFormat.json:
        _print_json({"schema": "treatyscope.places/1", "query": query, "place": facts, "also_matches": other_list})
        return
    from treatyscope.report.console import printer
    from treatyscope.report.places import render_place_text

    render_place_text(facts, other_list, printer())


@app.command()
def where(
    at: str = typer.Option(..., "--at", help='Coordinates: "25.03,121.56", "25.03N 121.56E", "25°02′N 121°34′E".'),
    date: str = typer.Option(None, "--date", help="Date for the status shown (YYYY-MM-DD; default today)."),
    territorial_sea: bool = typer.Option(
        False, "--territorial-sea", help="Count waters within 12 nautical miles of a coast as that territory's."
    ),
    output: PlacesFormat = typer.Option(PlacesFormat.text, "--format", "-f", help="Output format."),
) -> None:
    """Reverse lookup: the territory or sea a point is in, and its facts."""
    from treatyscope.dates import parse_date
    from treatyscope.input.coords import parse_coordinates
    from treatyscope.place.describe import location_facts
    from treatyscope.place.locate import locate

    lat, lon = parse_coordinates(at)
    on = parse_date(date)
    facts = location_facts(locate(lat, lon, territorial_sea=territorial_sea), on)
    if output is PlacesFormat.json:
        _print_json({"schema": "treatyscope.where/1", "query": at, **facts})
        return
    from treatyscope.report.console import printer
    from treatyscope.report.places import render_location_text

    render_location_text(facts, printer())


class CheckFormat(enum.StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


class Target(enum.StrEnum):
    territory = "territory"
    forces = "forces"
    vessel = "vessel"
    aircraft = "aircraft"


@app.command()
def check(
    location: str = LOCATION,
    at: str = AT,
    geojson: str = GEOJSON,
    target: list[Target] = typer.Option(None, "--target", "-t", help="What is attacked; default: every kind."),
    party: str = typer.Option(
        None,
        "--party",
        "-p",
        help="The attacked party (ISO alpha-3 or a name); default: "
        "for territory, the state holding the place; else any Party's.",
    ),
    date: str = DATE,
    treaty: list[str] = typer.Option(None, "--treaty", help="Treaty id (repeatable); default: every encoded treaty."),
    assume_member: list[str] = ASSUME_MEMBER,
    assume: list[str] = ASSUME,
    interpretation: list[str] = INTERPRETATION,
    territorial_sea: bool = typer.Option(
        False, "--territorial-sea", help="Waters within 12 nautical miles of a coast count as that territory."
    ),
    rules: list[str] = RULES,
    brief: bool = typer.Option(False, "--brief", help="Verdicts and reasons only, without traces."),
    details: bool = typer.Option(
        False, "--details", help="With several treaties: the reasons, traces and texts after the comparison table."
    ),
    map_file: str = typer.Option(
        None, "--map", help="Also draw the map (.png or .svg) for one --treaty and one --target (needs the map extra)."
    ),
    output: CheckFormat = typer.Option(CheckFormat.text, "--format", "-f", help="Output format."),
) -> None:
    """Would the encoded collective-defence articles cover an armed attack here, on this date?"""
    from treatyscope.api import build_scenarios, run_check

    scenarios, location_facts = build_scenarios(
        location=location,
        at=at,
        geojson=geojson,
        targets=[t.value for t in target or []],
        party=party,
        date=date,
        assume_member=assume_member or [],
        assume=assume or [],
        interpretation=interpretation or [],
        territorial_sea=territorial_sea,
    )
    if map_file and (len(treaty or []) != 1 or len(target or []) != 1):
        raise UsageError("--map draws one article for one target kind: give one --treaty and one --target.")
    if map_file and not map_file.lower().endswith((".png", ".svg")):
        raise UsageError(f"--map {map_file}: the map is written as .png or .svg.")
    results = run_check(scenarios, treaties=treaty or None, rules=rules or None)
    if map_file:
        from treatyscope.api import result_map
        from treatyscope.report.map import save

        save(result_map(results[0], scenarios[0], rules or None), map_file)
        sys.stderr.write(f"Wrote {map_file}\n")
    from treatyscope.report.check import check_document, render_markdown, render_text

    doc = check_document(location_facts, scenarios[0].date.isoformat(), results)
    if output is CheckFormat.json:
        _print_json(doc)
    elif output is CheckFormat.markdown:
        sys.stdout.write(render_markdown(doc, results))
    else:
        from treatyscope.report.check import render_table
        from treatyscope.report.console import printer

        out = printer()
        if len({r.treaty.id for r in results}) > 1:
            render_table(doc, results, out)
            if not (details or brief):
                out.line()
                out.para("For the reasons, traces, texts and sources: --details, or --treaty ID for one treaty.")
                return
            out.line()
        render_text(doc, results, out, details=not brief)


@app.command()
def articles(
    treaty: str = typer.Option(None, "--treaty", help="Only this treaty."),
    rules: list[str] = RULES,
    output: PlacesFormat = typer.Option(PlacesFormat.text, "--format", "-f", help="Output format."),
) -> None:
    """Every encoded article, its versions and their dates."""
    from treatyscope.api import article_listing

    listing = article_listing(treaty, rules or None)
    if output is PlacesFormat.json:
        _print_json({"schema": "treatyscope.articles/1", "treaties": listing})
        return
    from treatyscope.report.console import printer

    out = printer()
    for t in listing:
        end = f", ended {t['ended']}" if t["ended"] else ""
        out.para(
            f"{t['name']} [{t['id']}] — signed {t['signed']}, in force {t['in_force']}{end}; "
            f"{t['parties_now']} parties today"
        )
        for a in t["articles"]:
            out.para(
                f"{a['id']}: Article {a['number']} — {a['title']}; {a['examples']} examples"
                + ("" if a["verified"] else " (text unverified)"),
                "  ",
            )
            for v in a["versions"]:
                span = f"{v['from']} to {v['to']} (exclusive)" if v["to"] else f"from {v['from']}"
                flag = "" if v["verified"] else " — wording unverified"
                out.para(f"{v['id']}: {v['label']}, {span}{flag}", "    ")


@app.command()
def show(
    article: str = typer.Argument(..., help="An article id such as nato-5 (see 'articles')."),
    rules: list[str] = RULES,
    output: PlacesFormat = typer.Option(PlacesFormat.text, "--format", "-f", help="Output format."),
) -> None:
    """An article: its text, what each version covers, its interpretations, examples and sources."""
    from treatyscope.api import article_detail

    detail = article_detail(article, rules or None)
    if output is PlacesFormat.json:
        _print_json({"schema": "treatyscope.article/1", **detail})
        return
    from treatyscope.report.console import printer
    from treatyscope.report.show import render_article

    render_article(detail, printer())


class AreaFormat(enum.StrEnum):
    geojson = "geojson"
    text = "text"


@app.command()
def area(
    treaty: str = typer.Option(..., "--treaty", help="Treaty id (see 'articles')."),
    target: Target = typer.Option(Target.territory, "--target", "-t", help="What is attacked."),
    date: str = DATE,
    party: str = typer.Option(None, "--party", "-p", help="The attacked party; default: whoever holds each place."),
    interpretation: list[str] = INTERPRETATION,
    assume_member: list[str] = ASSUME_MEMBER,
    assume: list[str] = ASSUME,
    article: str = typer.Option(None, "--article", help="An article id, if the treaty encodes several."),
    rules: list[str] = RULES,
    output: AreaFormat = typer.Option(AreaFormat.geojson, "--format", "-f", help="geojson (RFC 7946) or text."),
    out_file: str = typer.Option(None, "--output", "-o", help="Write to this file instead of standard output."),
) -> None:
    """The area an article covers for a target kind on a date, as GeoJSON: covered, and contested (with the
    readings that cover it). The first request for a treaty, target and date takes some seconds; it is cached."""
    from treatyscope.api import covered_area
    from treatyscope.evaluation.coverage import to_geojson

    found = covered_area(
        treaty,
        target.value,
        date=date,
        party=party,
        interpretations=interpretation or [],
        assume_member=assume_member or [],
        assume=assume or [],
        article=article,
        rules=rules or None,
    )
    if output is AreaFormat.geojson:
        text = json.dumps(to_geojson(found), ensure_ascii=False) + "\n"
    else:
        from treatyscope.evaluation import measure

        lines = [f"{found.label}, {found.target}, {found.date}" + (f" ({found.note})" if found.note else "")]
        lines.append(f"  covered: {measure(found.covered):,.0f} km²")
        lines += [f"  contested, {label}: {measure(g):,.0f} km²" for label, g in found.contested]
        text = "\n".join(lines) + "\n"
    if out_file:
        from pathlib import Path

        try:
            Path(out_file).write_text(text, encoding="utf-8")
        except OSError as e:
            raise UsageError(f"Cannot write {out_file}: {e.strerror}.") from None
    else:
        sys.stdout.write(text)


@app.command("map")
def map_command(
    location: str = LOCATION,
    at: str = AT,
    geojson: str = GEOJSON,
    treaty: str = typer.Option("nato", "--treaty", help="Treaty id (see 'articles')."),
    target: Target = typer.Option(Target.territory, "--target", "-t", help="What is attacked."),
    party: str = typer.Option(None, "--party", "-p", help="The attacked party (ISO alpha-3 or a name)."),
    date: str = DATE,
    interpretation: list[str] = INTERPRETATION,
    assume_member: list[str] = ASSUME_MEMBER,
    assume: list[str] = ASSUME,
    rules: list[str] = RULES,
    out_file: str = typer.Option(..., "--output", "-o", help="The map file: .png or .svg."),
    extent: str = typer.Option("auto", "--extent", help="auto, world, or LON0,LAT0,LON1,LAT1."),
    size: str = typer.Option("1600x1000", "--size", help="WIDTHxHEIGHT in pixels."),
) -> None:
    """A static map: land, the area the article covers for the target kind on the date (contested parts hatched),
    the lines the rule draws, the place, and the nearest covered place when the article does not apply.
    Needs the map extra: pip install 'treatyscope[map]'."""
    from treatyscope.api import area_map
    from treatyscope.report.map import parse_extent, parse_size, save

    fig = area_map(
        location,
        at=at,
        geojson=geojson,
        treaty=treaty,
        target=target.value,
        party=party,
        date=date,
        interpretations=interpretation or [],
        assume_member=assume_member or [],
        assume=assume or [],
        rules=rules or None,
        extent=parse_extent(extent),
        size=parse_size(size),
    )
    save(fig, out_file)
    typer.echo(f"Wrote {out_file}")


@app.command()
def batch(
    input_path: str = typer.Argument(
        ..., metavar="INPUT", help="A .csv, .geojson or .ndjson file of points ('-': CSV on stdin)."
    ),
    output_path: str = typer.Option(..., "--output", "-o", help="Where to write: the same kind of file ('-': stdout)."),
    treaty: list[str] = typer.Option(None, "--treaty", help="Treaty id (repeatable); default: every encoded treaty."),
    target: Target = typer.Option(Target.territory, "--target", "-t", help="What is attacked, unless a column says."),
    date: str = typer.Option(None, "--date", "-d", help="YYYY-MM-DD for rows without a date; default today."),
    party: str = typer.Option(None, "--party", "-p", help="The attacked party for rows without one."),
    interpretation: list[str] = INTERPRETATION,
    lat_col: str = typer.Option(None, "--lat-col", help="Latitude column (default: lat, latitude, y, ...)."),
    lon_col: str = typer.Option(None, "--lon-col", help="Longitude column (default: lon, lng, longitude, x, ...)."),
    date_col: str = typer.Option(None, "--date-col", help="Date column (default: date, event_date, ...)."),
    target_col: str = typer.Option(None, "--target-col", help="Target-kind column (default: target)."),
    party_col: str = typer.Option(None, "--party-col", help="Attacked-party column (default: party)."),
    rules: list[str] = RULES,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary."),
    engine: str = typer.Option(
        "local", "--engine", help="local, or dask (CSV or Parquet on Dask partitions; the dask extra)."
    ),
    scheduler: str = typer.Option(
        None, "--scheduler", help="With --engine dask: a running scheduler (tcp://host:port); default a local cluster."
    ),
) -> None:
    """Classify every row of a file of incidents: per treaty a verdict column and a reason code; a row that
    cannot be classified keeps its place with the verdict 'error' and a message. Exit 0 whatever the rows say;
    2 if the input cannot be read."""
    from treatyscope.api import _pins, resolve_party, rulebook
    from treatyscope.batch import Settings, run, run_dask
    from treatyscope.dates import parse_date

    if engine not in ("local", "dask"):
        raise UsageError(f"--engine {engine}: use local or dask.")
    if scheduler and engine != "dask":
        raise UsageError("--scheduler is for --engine dask.")

    book = rulebook(rules or None)
    settings = Settings(
        treaties=list(dict.fromkeys(treaty or book.treaties)),
        target=target.value,
        date=parse_date(date),
        party=resolve_party(party),
        interpretations=_pins(interpretation or []),
        rules=rules or None,
    )
    given: dict[str, str | None] = {
        "lat": lat_col,
        "lon": lon_col,
        "date": date_col,
        "target": target_col,
        "party": party_col,
    }
    show = not quiet and sys.stderr.isatty()
    from treatyscope.evaluation.vectorised import FEW, places_ready
    from treatyscope.place.kernels import KERNELS

    if not quiet and not places_ready():
        sys.stderr.write(
            f"The first run of {FEW:,} rows or more on this machine builds an index of places (30-60 s, once)"
            + (
                " and compiles the engine's loops (about 20 s, once).\n"
                if KERNELS is not None
                else ".\nFor millions of rows, pip install 'treatyscope[fast]' (numba): about 3 times faster.\n"
            )
        )
    if engine == "dask":
        summary = run_dask(input_path, output_path, settings, given, scheduler)
    elif show:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(
            TextColumn("classifying"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]} rows/s"),
            TimeElapsedColumn(),
            transient=True,
        ) as bar:
            task = bar.add_task("rows", total=None, rate="-")
            import time

            start = time.perf_counter()

            def tick(rows: int) -> None:
                bar.advance(task, rows)
                done = bar.tasks[0].completed
                bar.update(task, rate=f"{done / max(1e-9, time.perf_counter() - start):,.0f}")

            summary = run(input_path, output_path, settings, given, tick)
    else:
        summary = run(input_path, output_path, settings, given)
    if not quiet:
        lines = [f"{summary.rows:,} rows classified into {output_path}."]
        for t, counts in summary.verdicts.items():
            lines.append(f"  {t}: " + ", ".join(f"{v} {n:,}" for v, n in sorted(counts.items())))
        if summary.errors:
            lines.append("  rows with errors: " + ", ".join(f"{k} {n:,}" for k, n in sorted(summary.errors.items())))
        sys.stderr.write("\n".join(lines) + "\n")


class ValidateFormat(enum.StrEnum):
    text = "text"
    json = "json"
    github = "github"


@app.command()
def validate(
    paths: list[str] = typer.Argument(None, help=RULE_PATHS_HELP, show_default=False),
    output: ValidateFormat = typer.Option(
        ValidateFormat.text, "--format", "-f", help="text, json, or github (GitHub Actions annotations)."
    ),
    strict: bool = typer.Option(False, "--strict", help="Fail on warnings too."),
) -> None:
    """Check rule files: YAML syntax, schema, references, dates, geometry and hygiene; every problem with its
    file:line:col. Exit 0 valid, 3 invalid."""
    from pathlib import Path

    from treatyscope.errors import EXIT_RULES, RuleFileError
    from treatyscope.report.console import printer
    from treatyscope.report.rulecheck import (
        render_validation_github,
        render_validation_text,
        validation_json,
    )
    from treatyscope.rules.load import Inspection, inspect_files, rule_files

    try:
        files = rule_files([Path(p) for p in paths] if paths else None)
        found = inspect_files(files)
    except RuleFileError as e:  # a file that cannot even be listed (a link out of the directory)
        found = Inspection([Path(e.path)] if e.path else [], None, [e], [], [])
    if output is ValidateFormat.json:
        _print_json(validation_json(found))
    elif output is ValidateFormat.github:
        render_validation_github(found, printer())
    else:
        render_validation_text(found, printer())
    if found.errors or (strict and found.warnings):
        raise typer.Exit(EXIT_RULES)


@app.command("test")
def test_examples(
    paths: list[str] = typer.Argument(None, help=RULE_PATHS_HELP, show_default=False),
    pattern: str = typer.Option(None, "-k", help="Only examples whose id contains this text (e.g. nato-5, Honolulu)."),
    show_coverage: bool = typer.Option(
        False, "--coverage", help="Also report which versions and clauses no example exercises."
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List passing examples too."),
    output: PlacesFormat = typer.Option(PlacesFormat.text, "--format", "-f", help="Output format."),
) -> None:
    """Run the examples in rule files as tests: each scenario must give its expected verdict.
    Exit 0 all pass, 4 some fail, 3 invalid rule files."""
    from pathlib import Path

    from treatyscope.errors import EXIT_EXAMPLES_FAILED
    from treatyscope.evaluation.examples import coverage, run_examples
    from treatyscope.report.console import printer
    from treatyscope.report.rulecheck import examples_json, render_coverage_text, render_test_text
    from treatyscope.rules.load import load_rulebook

    book = load_rulebook([Path(p) for p in paths] if paths else None)
    outcomes = run_examples(book, paths or None, pattern)
    rows = coverage(book, outcomes) if show_coverage else None
    if output is PlacesFormat.json:
        _print_json(examples_json(outcomes, rows))
    else:
        out = printer()
        render_test_text(outcomes, out, verbose)
        if rows is not None:
            render_coverage_text(rows, out)
    if not all(o.passed for o in outcomes):
        raise typer.Exit(EXIT_EXAMPLES_FAILED)


@app.command()
def schema() -> None:
    """Print the JSON Schema of rule files (for editor completion and checking)."""
    from treatyscope.rules.model import rule_file_json_schema

    _print_json(rule_file_json_schema())


def _error(message: str) -> None:
    sys.stderr.write(f"treatyscope: error: {message}\n")


def main(argv: list[str] | None = None) -> int:
    """Entry point: every user error becomes one line on stderr and an exit code, never a traceback."""
    try:
        result = app(args=argv, prog_name="treatyscope", standalone_mode=False)
    except TreatyscopeError as e:
        _error(str(e))
        return e.exit_code
    except typer.Abort:
        _error("aborted.")
        return 130
    except typer.Exit as e:
        return int(getattr(e, "exit_code", 0) or 0)
    except Exception as e:
        # Usage errors come from the click that typer bundles (typer._click in typer >= 0.29, click before):
        # recognise them by their interface rather than by a private import path.
        message = getattr(e, "format_message", None)
        if callable(message) and isinstance(getattr(e, "exit_code", None), int):
            _error(str(message()).replace("\n", " ") + " (see --help)")
            return EXIT_USAGE
        if isinstance(e, BrokenPipeError):
            return 0
        if os.environ.get("TREATYSCOPE_DEBUG"):
            raise
        _error(
            f"internal error: {type(e).__name__}: {e} (set TREATYSCOPE_DEBUG=1 for a traceback, and please report it)"
        )
        return EXIT_INTERNAL
    return result if isinstance(result, int) else 0


def run() -> None:
    sys.exit(main())

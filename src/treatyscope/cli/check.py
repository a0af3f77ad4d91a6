"""`treatyscope check`: would the encoded collective-defence articles cover an armed attack here, on this date?"""

from __future__ import annotations

import sys

import typer

from treatyscope.cli.app import (
    ASSUME,
    ASSUME_MEMBER,
    AT,
    DATE,
    GEOJSON,
    INTERPRETATION,
    LOCATION,
    RULES,
    TERRITORIAL_SEA,
    Target,
    app,
    choices,
)
from treatyscope.errors import UsageError

CheckFormat = choices("CheckFormat", ("text", "json", "markdown"))


@app.command()
def check(
    location: str = LOCATION,
    at: str = AT,
    geojson: str = GEOJSON,
    target: list[Target] = typer.Option(None, "--target", "-t", help="What is attacked; default: every kind."),  # type: ignore[valid-type]
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
    territorial_sea: bool = TERRITORIAL_SEA,
    rules: list[str] = RULES,
    brief: bool = typer.Option(False, "--brief", help="Verdicts and reasons only, without traces."),
    details: bool = typer.Option(
        False, "--details", help="With several treaties: the reasons, traces and texts after the comparison table."
    ),
    map_file: str = typer.Option(
        None, "--map", help="Also draw the map (.png or .svg) for one --treaty and one --target (needs the map extra)."
    ),
    what_it_would_take: bool = typer.Option(
        False,
        "--what-it-would-take",
        help="For each answer that does not apply: whether the attacked state's membership stands in the way, who "
        "may accede under the treaty, and the answer were it a Party.",
    ),
    output: CheckFormat = typer.Option("text", "--format", "-f", help="Output format."),  # type: ignore[valid-type]
) -> int:
    """Would the encoded collective-defence articles cover an armed attack here, on this date?"""
    from treatyscope.api import run_check
    from treatyscope.input.scenario import build_scenarios
    from treatyscope.report.check import FORMATS
    from treatyscope.report.console import printer

    scenarios, location_facts = build_scenarios(
        location=location,
        at=at,
        geojson=geojson,
        targets=[str(t) for t in target or []],
        party=party,
        date=date,
        assume_member=assume_member or [],
        assume=assume or [],
        interpretation=interpretation or [],
        territorial_sea=territorial_sea,
    )
    if map_file and (len(treaty or []) != 1 or len(target or []) != 1):
        raise UsageError("--map draws one article for one target kind: give one --treaty and one --target.")
    if map_file:
        from treatyscope.report.map import check_path

        check_path(map_file, "--map")  # before the work, not after it
    results = run_check(scenarios, treaties=treaty or None, rules=rules or None)
    if map_file:
        from treatyscope.api import result_map
        from treatyscope.report.map import save

        save(result_map(results[0], scenarios[0], rules or None), map_file)
        sys.stderr.write(f"Wrote {map_file}\n")
    day = scenarios[0].date.isoformat()
    if what_it_would_take:
        from treatyscope.api import would_take
        from treatyscope.report.would_take import render

        found = would_take(results, scenarios, rules or None)
        render(str(output), location_facts, day, results, found, printer(), details, brief)
        return 0
    FORMATS[str(output)](location_facts, day, results, printer(), details, brief)
    return 0

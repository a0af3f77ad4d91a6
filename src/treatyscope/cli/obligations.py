"""`treatyscope obligations`: who is bound to assist the attacked state, under which treaty, and how strongly."""

from __future__ import annotations

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

ObligationsFormat = choices("ObligationsFormat", ("text", "json", "markdown"))


@app.command()
def obligations(
    location: str = LOCATION,
    at: str = AT,
    geojson: str = GEOJSON,
    target: Target = typer.Option("territory", "--target", "-t", help="What is attacked."),  # type: ignore[valid-type]
    party: str = typer.Option(
        None,
        "--party",
        "-p",
        help="The attacked state (ISO alpha-3 or a name); default: for territory, the state holding the place.",
    ),
    date: str = DATE,
    treaty: list[str] = typer.Option(None, "--treaty", help="Treaty id (repeatable); default: every encoded treaty."),
    assume_member: list[str] = ASSUME_MEMBER,
    assume: list[str] = ASSUME,
    interpretation: list[str] = INTERPRETATION,
    territorial_sea: bool = TERRITORIAL_SEA,
    rules: list[str] = RULES,
    output: ObligationsFormat = typer.Option("text", "--format", "-f", help="Output format."),  # type: ignore[valid-type]
) -> int:
    """Who is bound to assist the attacked state here, on this date: one row per state, with the treaties that bind
    it and the strength of each obligation in the article's own words."""
    from treatyscope.api import run_check
    from treatyscope.evaluation.bound import who_is_bound
    from treatyscope.input.scenario import build_scenarios
    from treatyscope.report.bound import FORMATS
    from treatyscope.report.console import printer

    scenarios, location_facts = build_scenarios(
        location=location,
        at=at,
        geojson=geojson,
        targets=[str(target)],
        party=party,
        date=date,
        assume_member=assume_member or [],
        assume=assume or [],
        interpretation=interpretation or [],
        territorial_sea=territorial_sea,
        nearest=False,
    )
    results = run_check(scenarios, treaties=treaty or None, rules=rules or None)
    FORMATS[str(output)](location_facts, who_is_bound(results), printer())
    return 0

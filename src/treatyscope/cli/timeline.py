"""`treatyscope timeline`: the verdict over time, as intervals, each boundary explained by what changed."""

from __future__ import annotations

import typer

from treatyscope.cli.app import (
    ASSUME,
    ASSUME_MEMBER,
    AT,
    GEOJSON,
    INTERPRETATION,
    LOCATION,
    RULES,
    TERRITORIAL_SEA,
    Target,
    app,
    choices,
)

TimelineFormat = choices("TimelineFormat", ("text", "json", "markdown"))


@app.command()
def timeline(
    location: str = LOCATION,
    at: str = AT,
    geojson: str = GEOJSON,
    target: list[Target] = typer.Option(None, "--target", "-t", help="What is attacked; default: every kind."),  # type: ignore[valid-type]
    party: str = typer.Option(
        None,
        "--party",
        "-p",
        help="The attacked party (ISO alpha-3 or a name); default: "
        "for territory, the state holding the place on each day; else any Party's.",
    ),
    start: str = typer.Option(None, "--from", help="The first day, YYYY-MM-DD; default 1945-01-01."),
    end: str = typer.Option(None, "--to", help="The last day, YYYY-MM-DD; default today."),
    treaty: list[str] = typer.Option(None, "--treaty", help="Treaty id (repeatable); default: every encoded treaty."),
    assume_member: list[str] = ASSUME_MEMBER,
    assume: list[str] = ASSUME,
    interpretation: list[str] = INTERPRETATION,
    territorial_sea: bool = TERRITORIAL_SEA,
    rules: list[str] = RULES,
    output: TimelineFormat = typer.Option("text", "--format", "-f", help="Output format."),  # type: ignore[valid-type]
) -> int:
    """The verdict over time: from --from to --to, the intervals over which each article's answer stays the same,
    and what changed at each boundary (an accession, a text, who holds the place, the treaty's entry into force)."""
    from treatyscope.api import run_timeline, timeline_span
    from treatyscope.input.scenario import build_scenarios
    from treatyscope.report.console import printer
    from treatyscope.report.timeline import FORMATS

    first, last = timeline_span(start, end)
    scenarios, location_facts = build_scenarios(
        location=location,
        at=at,
        geojson=geojson,
        targets=[str(t) for t in target or []],
        party=party,
        date=first,
        assume_member=assume_member or [],
        assume=assume or [],
        interpretation=interpretation or [],
        territorial_sea=territorial_sea,
        nearest=False,
    )
    found = run_timeline(scenarios, first, last, treaty or None, rules or None)
    FORMATS[str(output)](location_facts, first, last, found, printer())
    return 0

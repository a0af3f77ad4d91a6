"""`treatyscope places`: what and where a place is, and whose."""

from __future__ import annotations

import typer

from treatyscope.cli.app import TextOrJson, app


@app.command()
def places(
    query: str = typer.Argument(
        ..., help="A name, ISO code or id: 'Taiwan', 'TW', 'US-GA', 'Georgia, US', 'sea:black-sea'."
    ),
    date: str = typer.Option(None, "--date", help="Date for the status shown (YYYY-MM-DD; default today)."),
    output: TextOrJson = typer.Option("text", "--format", "-f", help="Output format."),  # type: ignore[valid-type]
) -> int:
    """Look up a place: its kind, names, codes, sovereign, administrator, continent and coordinates."""
    from treatyscope.periods import parse_date
    from treatyscope.place.describe import place_facts
    from treatyscope.place.gazetteer import label, resolve_place, search
    from treatyscope.report.console import printer
    from treatyscope.report.places import render_place_text

    on = parse_date(date)
    place = resolve_place(query)
    _, others = search(query)
    facts = place_facts(place, on)
    other_list = [{"ref": o.ref, "label": label(o)} for o in others if o.ref != place.ref]
    out = printer()
    if output == "json":
        out.json({"schema": "treatyscope.places/1", "query": query, "place": facts, "also_matches": other_list})
    else:
        render_place_text(facts, other_list, out)
    return 0

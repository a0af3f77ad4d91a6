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
    from treatyscope.api import places_document
    from treatyscope.report.console import printer
    from treatyscope.report.places import render_place_text

    doc = places_document(query, date)
    out = printer()
    if output == "json":
        out.json(doc)
    else:
        render_place_text(doc["place"], doc["also_matches"], out)
    return 0

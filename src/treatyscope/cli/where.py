"""`treatyscope where`: the territory or sea a point is in, and its facts."""

from __future__ import annotations

import typer

from treatyscope.cli.app import TERRITORIAL_SEA, TextOrJson, app


@app.command()
def where(
    at: str = typer.Option(..., "--at", help='Coordinates: "25.03,121.56", "25.03N 121.56E", "25°02′N 121°34′E".'),
    date: str = typer.Option(None, "--date", help="Date for the status shown (YYYY-MM-DD; default today)."),
    territorial_sea: bool = TERRITORIAL_SEA,
    output: TextOrJson = typer.Option("text", "--format", "-f", help="Output format."),  # type: ignore[valid-type]
) -> int:
    """Reverse lookup: the territory or sea a point is in, and its facts."""
    from treatyscope.api import where_document
    from treatyscope.report.console import printer
    from treatyscope.report.places import render_location_text

    doc = where_document(at, date, territorial_sea)
    out = printer()
    if output == "json":
        out.json(doc)
    else:
        render_location_text(doc, out)
    return 0

"""`treatyscope area`: the area an article covers for a target kind on a date, as GeoJSON or a text summary."""

from __future__ import annotations

import sys

import typer

from treatyscope.cli.app import (
    ASSUME,
    ASSUME_MEMBER,
    DATE,
    INTERPRETATION,
    RULES,
    TERRITORIAL_SEA,
    Target,
    app,
    choices,
)
from treatyscope.errors import UsageError

AreaFormat = choices("AreaFormat", ("geojson", "text"))


@app.command()
def area(
    treaty: str = typer.Option(..., "--treaty", help="Treaty id (see 'articles')."),
    target: Target = typer.Option("territory", "--target", "-t", help="What is attacked."),  # type: ignore[valid-type]
    date: str = DATE,
    party: str = typer.Option(None, "--party", "-p", help="The attacked party; default: whoever holds each place."),
    interpretation: list[str] = INTERPRETATION,
    assume_member: list[str] = ASSUME_MEMBER,
    assume: list[str] = ASSUME,
    article: str = typer.Option(None, "--article", help="An article id, if the treaty encodes several."),
    rules: list[str] = RULES,
    territorial_sea: bool = TERRITORIAL_SEA,
    output: AreaFormat = typer.Option("geojson", "--format", "-f", help="geojson (RFC 7946) or text."),  # type: ignore[valid-type]
    out_file: str = typer.Option(None, "--output", "-o", help="Write to this file instead of standard output."),
) -> int:
    """The area an article covers for a target kind on a date, as GeoJSON: covered, and contested (with the
    readings that cover it). The first request for a treaty, target and date takes some seconds; it is cached."""
    import json

    from treatyscope.api import covered_area
    from treatyscope.paths import check_writable
    from treatyscope.report.areas import to_geojson, to_text

    if out_file:
        check_writable(out_file)  # before the work, not after it
    found = covered_area(
        treaty,
        str(target),
        date=date,
        party=party,
        interpretations=interpretation or [],
        assume_member=assume_member or [],
        assume=assume or [],
        article=article,
        rules=rules or None,
        territorial_sea=territorial_sea,
    )
    text = json.dumps(to_geojson(found), ensure_ascii=False) + "\n" if output == "geojson" else to_text(found)
    if not out_file:
        sys.stdout.write(text)
        return 0
    from pathlib import Path

    try:
        Path(out_file).write_text(text, encoding="utf-8")
    except OSError as e:
        raise UsageError(f"Cannot write {out_file}: {e.strerror}.") from None
    return 0

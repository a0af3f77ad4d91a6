"""`treatyscope map`: a static map of an article's area, the place, and the nearest covered place."""

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
)


@app.command("map")
def map_command(
    location: str = LOCATION,
    at: str = AT,
    geojson: str = GEOJSON,
    treaty: str = typer.Option("nato", "--treaty", help="Treaty id (see 'articles')."),
    target: Target = typer.Option("territory", "--target", "-t", help="What is attacked."),  # type: ignore[valid-type]
    party: str = typer.Option(None, "--party", "-p", help="The attacked party (ISO alpha-3 or a name)."),
    date: str = DATE,
    interpretation: list[str] = INTERPRETATION,
    assume_member: list[str] = ASSUME_MEMBER,
    assume: list[str] = ASSUME,
    rules: list[str] = RULES,
    territorial_sea: bool = TERRITORIAL_SEA,
    out_file: str = typer.Option(..., "--output", "-o", help="The map file: .png or .svg."),
    extent: str = typer.Option("auto", "--extent", help="auto, world, or LON0,LAT0,LON1,LAT1."),
    size: str = typer.Option("1600x1000", "--size", help="WIDTHxHEIGHT in pixels."),
) -> int:
    """A static map: land, the area the article covers for the target kind on the date (contested parts hatched),
    the lines the rule draws, the place, and the nearest covered place when the article does not apply.
    Needs the map extra: pip install ".[map]" (matplotlib)."""
    from treatyscope.api import area_map
    from treatyscope.report.map import check_path, parse_extent, parse_size, save

    check_path(out_file)  # before the work, not after it
    fig = area_map(
        location,
        at=at,
        geojson=geojson,
        treaty=treaty,
        target=str(target),
        party=party,
        date=date,
        interpretations=interpretation or [],
        assume_member=assume_member or [],
        assume=assume or [],
        rules=rules or None,
        extent=parse_extent(extent),
        size=parse_size(size),
        territorial_sea=territorial_sea,
    )
    save(fig, out_file)
    typer.echo(f"Wrote {out_file}")
    return 0

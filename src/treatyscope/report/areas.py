"""The covered area rendered: RFC 7946 GeoJSON (what `treatyscope area` writes), a text summary, and the words for
which readings cover a contested part (GeoJSON properties and map legends)."""

from __future__ import annotations

from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from treatyscope.english import join
from treatyscope.evaluation.coverage import WHOSE, CoveredArea, CoveredIf, polygons
from treatyscope.evaluation.subjects import measure
from treatyscope.report.words import article_called

DRAWING_NOTE = (
    "Drawn from the vendored land and sea data. Within 2 km of a coast, and in gaps between the named seas and the "
    "land, 'treatyscope check' (which treats such points as on the coast, or in the nearest sea) is the authority."
)
ATTRIBUTION = "Made with Natural Earth; seas after Natural Earth marine polygons; see geodata/README.md"
WHOSE_WORDS = {"sovereign": "its sovereign's territory", "controller": "the controlling state's territory"}


def label(area: CoveredArea) -> str:
    return article_called(area.article, area.treaty.short_name)


def note(area: CoveredArea) -> str:
    """Why nothing is drawn, or how the drawing relates to `check`."""
    if area.date not in area.treaty.life:
        return f"the treaty was not in force on {area.date.isoformat()}"
    if area.version is None:
        return f"no text of the article was in force on {area.date.isoformat()}"
    return DRAWING_NOTE


def covered_if(c: CoveredIf, area: CoveredArea) -> str:
    """Which readings cover a contested part, in words."""
    if c.unknown:
        return "unknown: a fact the rule asks about is not known here"
    if c.combinations is not None:
        covering, total = c.combinations
        return f"covered under {covering} of {total} combinations of readings"
    conditions = []
    for term, readings in c.terms:
        if term == WHOSE:
            conditions.append("attacked as " + join((WHOSE_WORDS[r] for r in readings), "or"))
            continue
        interp = area.book.interpretations[term]
        labels = [interp.reading(r).label for r in readings]
        conditions.append(f"“{interp.term}” is read as {join(labels, 'or')}")
    return "covered if " + " and ".join(conditions)


def to_geojson(area: CoveredArea, precision: int = 6) -> dict[str, Any]:
    """RFC 7946: a FeatureCollection in WGS 84 longitude/latitude, exterior rings counter-clockwise, nothing
    crossing the antimeridian (parts are split there), with properties naming the article, version, date and
    readings."""
    common = {
        "treaty": area.treaty.id,
        "article": area.article.id,
        "article_label": label(area),
        "version": area.version.id if area.version else None,
        "version_label": area.version.label if area.version else None,
        "target": area.target,
        "date": area.date.isoformat(),
        "party": area.party,
        "interpretations": area.pinned,
        "readings_that_matter": area.terms,
    }
    features = []
    if not area.covered.is_empty:
        features.append(_feature(area.covered, {**common, "status": "covered"}, precision))
    for c, g in area.contested:
        readings = {t: list(r) for t, r in c.terms}
        props = {**common, "status": "contested", "covered_if": covered_if(c, area), "covered_if_readings": readings}
        features.append(_feature(g, props, precision))
    return {
        "type": "FeatureCollection",
        "properties": {**common, "note": note(area), "attribution": ATTRIBUTION},
        "features": features,
    }


def _feature(g: BaseGeometry, properties: dict[str, Any], precision: int) -> dict[str, Any]:
    from shapely.geometry import mapping
    from shapely.geometry.polygon import orient

    # Snap to the output precision keeping the result valid (a plain rounding could make slivers cross).
    snapped = polygons(shapely.set_precision(g, 10.0**-precision))
    geom = shapely.MultiPolygon([orient(p, sign=1.0) for p in shapely.get_parts(snapped)])
    return {"type": "Feature", "properties": properties, "geometry": mapping(geom)}


def to_text(area: CoveredArea) -> str:
    head = f"{label(area)}, {area.target}, {area.date.isoformat()}"
    if not area.in_force:
        head += f" ({note(area)})"
    lines = [head, f"  covered: {measure(area.covered):,.0f} km²"]
    lines += [f"  contested, {covered_if(c, area)}: {measure(g):,.0f} km²" for c, g in area.contested]
    return "\n".join(lines) + "\n"

"""The treaty polygons of rule files: a ring of vertices [lon, lat] joined by legs that run as the text says
(`rhumb`: straight on Mercator, `meridian`, `parallel`, `straight` in longitude/latitude), densified for shapely,
and what can be wrong with one."""

from __future__ import annotations

from collections.abc import Sequence

import shapely

from treatyscope.place.sphere import rhumb_line

Vertex = tuple[float, float]


def ring(vertices: Sequence[Vertex], legs: Sequence[str]) -> list[tuple[float, float]]:
    """The ring, densified along its legs, with longitudes unwrapped (continuous across ±180)."""
    out: list[tuple[float, float]] = []
    end = vertices[0]
    for i, leg in enumerate(legs):
        a, b = vertices[i], vertices[(i + 1) % len(vertices)]
        if leg == "rhumb":
            pts = rhumb_line(a, b)
        else:
            n = max(1, int(max(abs(b[0] - a[0]), abs(b[1] - a[1])) / 0.5))
            pts = [(a[0] + (b[0] - a[0]) * k / n, a[1] + (b[1] - a[1]) * k / n) for k in range(n + 1)]
        # rhumb_line takes the short way round from a; keep the ring continuous in longitude: each leg starts
        # where the previous one ended (a whole number of turns away from its written vertex).
        if out:
            shift = end[0] - pts[0][0]
            pts = [(x + shift, y) for x, y in pts]
        end = pts[-1]
        out.extend(pts[:-1])
    return out


def problems(vertices: Sequence[Vertex], legs: Sequence[str]) -> list[tuple[int | None, str]]:
    """What is wrong with a polygon, as (vertex index or None, message): legs that do not run as they say, legs that
    go the long way round the globe, and rings that cross themselves."""
    verts = vertices
    found: list[tuple[int | None, str]] = []
    for i, leg in enumerate(legs):
        (lon0, lat0), (lon1, lat1) = verts[i], verts[(i + 1) % len(verts)]
        to = f"vertex {i} to vertex {(i + 1) % len(verts)}"
        if leg == "meridian" and lon0 != lon1 and abs(lat0) != 90 and abs(lat1) != 90:
            found.append((i, f"the leg from {to} is a meridian but its longitudes differ ({lon0} and {lon1})"))
        if leg == "parallel" and lat0 != lat1:
            found.append((i, f"the leg from {to} is a parallel but its latitudes differ ({lat0} and {lat1})"))
        pole = abs(lat0) == 90 and lat0 == lat1  # a leg along a pole only closes the ring
        if leg in ("parallel", "straight") and abs(lon1 - lon0) > 180 and not pole:
            wrapped = lon1 + 360 if lon1 < lon0 else lon1 - 360
            found.append(
                (
                    i,
                    f"the leg from {to} runs {abs(lon1 - lon0):g}° of longitude the long way round; to cross the "
                    f"antimeridian write the longitude beyond ±180 (e.g. {wrapped:g})",
                )
            )
        if leg == "rhumb" and abs(lon1 - lon0) % 360 == 180:
            found.append((i, f"the rhumb line from {to} spans exactly 180° of longitude, so its direction is unclear"))
    if found:
        return found
    polygon = shapely.Polygon(ring(vertices, legs))
    if not polygon.is_valid:
        found.append(
            (None, f"the polygon is not valid: {shapely.is_valid_reason(polygon)} (longitudes unwrapped across ±180)")
        )
    elif polygon.area == 0:
        found.append((None, "the polygon has no area"))
    return found

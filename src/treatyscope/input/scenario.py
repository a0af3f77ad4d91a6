"""A scenario: where, what, whose and when an armed attack would happen, as the evaluation takes it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from treatyscope.english import territorial_sea_of, the
from treatyscope.errors import UsageError
from treatyscope.periods import parse_date
from treatyscope.place.gazetteer import Place
from treatyscope.rules.kinds import TARGETS

# Where a located point is, as the location line says it (Location.setting).
GIVEN_SHAPE = "the shape given"  # the label of GeoJSON given as data (a shape drawn on the page), not a file
SETTING_WORDS = {"land": "on land", "coast": "on the coast", "territorial-sea": "at sea, near a coast", "sea": "at sea"}


@dataclass(frozen=True, eq=False, repr=False)
class Scenario:
    """`place` (an area or a named point), `point` (lat, lon) or `geometry` (shapely: a point, line or area)."""

    label: str
    target: str
    date: dt.date
    point: tuple[float, float] | None = None
    place: Place | None = None
    geometry: Any = None
    party: str | None = None
    assume_member: frozenset[str] = frozenset()
    assume: frozenset[str] = frozenset()
    interpretations: dict[str, str] = field(default_factory=dict)
    territorial_sea: bool = True
    # With no party named, whose territory an attack strikes: the sovereign's, or the controlling state's.
    holder: Literal["sovereign", "controller"] = "sovereign"
    find_nearest: bool = True  # False: skip the search for the nearest covered place (verdicts only)

    @property
    def measure(self) -> Literal["area", "length", "points"]:
        """How an area's parts are weighed: by area, by length (a track), or one each (points)."""
        kind = self.geometry.geom_type if self.geometry is not None else ""
        return "length" if "Line" in kind else "points" if kind == "MultiPoint" else "area"


def build_scenarios(
    *,
    location: str | None = None,
    at: str | None = None,
    geojson: str | dict[str, Any] | None = None,
    targets: Sequence[str] = (),
    party: str | None = None,
    date: str | dt.date | None = None,
    assume_member: Sequence[str] = (),
    assume: Sequence[str] = (),
    interpretation: Sequence[str] | Mapping[str, str] = (),
    territorial_sea: bool = True,
    nearest: bool = True,
) -> tuple[list[Scenario], dict[str, Any]]:
    """One scenario per target kind (default: every kind), and the facts about the place for the report. `geojson`
    is a file's path, or GeoJSON already parsed (a shape drawn on the web page)."""
    from treatyscope.input.selection import check_targets, parse_assumed_members, parse_pins, resolve_party

    given = [x for x in (location, at, geojson) if x]
    if len(given) != 1:
        raise UsageError('Say where: exactly one of --location NAME, --at "LAT,LON" or --geojson FILE.')
    on = date if isinstance(date, dt.date) else parse_date(date)
    kinds = check_targets(targets) or list(TARGETS)
    common: dict[str, Any] = {
        "date": on,
        "party": resolve_party(party),
        "assume_member": parse_assumed_members(assume_member),
        "assume": frozenset(assume),
        "interpretations": parse_pins(interpretation),
        "territorial_sea": territorial_sea,
        "find_nearest": nearest,
    }
    label, point, place, geometry, facts = _where(location, at, geojson, on, territorial_sea)
    query = location or at or (geojson if isinstance(geojson, str) else GIVEN_SHAPE)
    location_doc = {"label": label, "query": query, **facts}
    scenarios = [Scenario(label=label, target=k, point=point, place=place, geometry=geometry, **common) for k in kinds]
    return scenarios, location_doc


def _where(
    location: str | None, at: str | None, geojson: str | dict[str, Any] | None, on: dt.date, territorial_sea: bool
) -> tuple[str, tuple[float, float], Place | None, Any, dict[str, Any]]:
    """(label, a point, the place, the geometry, facts for the report) of a named place, coordinates or a file."""
    from treatyscope.input.coords import parse_coordinates
    from treatyscope.input.geojson import geojson_geometry, read_geojson
    from treatyscope.place.describe import location_facts, place_identity
    from treatyscope.place.gazetteer import other_name, resolve_place
    from treatyscope.place.locate import locate

    if location:
        place = resolve_place(location)
        # Only what identifies the place: its facts are in each result's trace (and in 'treatyscope places').
        facts = {"summary": f"{place.description} [{place.ref}]", **place_identity(place)}
        other = other_name(location, place)
        if other:  # "Tai" finds Taiz by another of its names: said, or the answer seems to be for another place
            facts["matched_name"] = other
            facts["summary"] = f"{place.description}, found by its other name “{other}” [{place.ref}]"
        return place.name, (place.lat, place.lon), place, None, facts
    if at:
        point = parse_coordinates(at)
        loc = locate(*point, territorial_sea=territorial_sea)
        where = loc.territory.name if loc.territory else (loc.sea.name if loc.sea else "open water")
        if loc.setting == "territorial-sea":
            where = the(territorial_sea_of(where))
        if loc.feature:
            where = f"{loc.feature.name}, {where}" if loc.territory else loc.feature.name
        facts = {"summary": f"{SETTING_WORDS[loc.setting]} — {where}", **location_facts(loc, on)}
        return f"{point[0]:.4f}, {point[1]:.4f} ({where})", point, None, None, facts
    assert geojson is not None
    geometry, name = (
        read_geojson(geojson) if isinstance(geojson, str) else (geojson_geometry(geojson, GIVEN_SHAPE), GIVEN_SHAPE)
    )
    rp = geometry.representative_point()
    facts = {
        "summary": f"{geometry.geom_type} from {name}"
        if isinstance(geojson, str)
        else f"{geometry.geom_type} given as GeoJSON",
        "geometry_type": geometry.geom_type,
        "bounds": list(geometry.bounds),
    }
    return name, (rp.y, rp.x), None, geometry, facts

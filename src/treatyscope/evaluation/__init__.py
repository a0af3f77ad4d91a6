"""A scenario -> one result per (treaty article, target kind): verdict, reasons, trace, sources.

`treatyscope.check` (in treatyscope.api) builds scenarios from user input; `treatyscope.engine` evaluates the
conditions of the rule files.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from treatyscope.engine import (
    APPLIES,
    CONTESTED,
    FULL_SHARE,
    NOT,
    PARTIAL,
    Env,
    Outcome,
    Subject,
    TraceNode,
    outcomes,
    possible,
    reachable,
    split_lines,
)
from treatyscope.errors import UsageError
from treatyscope.place.data import GeoData, Status, geodata
from treatyscope.place.gazetteer import Place
from treatyscope.place.locate import Location, locate, status_at
from treatyscope.place.sphere import area_km2, distance_km, haversine_km, haversine_km_many, nearest_point
from treatyscope.rules.load import RuleBook, TreatyRules

SCHEMA = "treatyscope.check/1"
TRIGGER_NOTE = (
    'Whether an event is an "armed attack", who carried it out, and whether the Parties invoke the '
    "article are political decisions; treatyscope does not assess them."
)


@dataclass(frozen=True, eq=False, repr=False)
class Scenario:
    """Where, what, whose and when. `place` (an area or named point) or `point` (lat, lon) or `geometry`."""

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
    territorial_sea: bool = False
    # With no party named, whose territory an attack strikes: the sovereign's, or the controlling state's.
    holder: str = "sovereign"
    find_nearest: bool = True  # False: skip the search for the nearest covered place (verdicts only)


@dataclass(eq=False, repr=False)
class Result:
    treaty: TreatyRules
    article: dict[str, Any]
    version: dict[str, Any] | None
    target: str
    party: str | None
    party_is_default: bool
    date: dt.date
    verdict: str
    reasons: list[str]
    checks: list[dict[str, Any]]
    outcomes: list[dict[str, Any]]
    interpretations: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    parts: list[dict[str, Any]] = field(default_factory=list)
    nearest: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)
    headline: str = ""


# ----------------------------------------------------------------------------------------------------- subjects


def point_subject(loc: Location, on: dt.date, label: str, data: GeoData) -> Subject:
    """A located point as a subject. In a territorial sea (with --territorial-sea) the point takes the facts of the
    coast it belongs to (territory, continent, island), and keeps its sea."""
    status, _ = status_at(loc, on, data) if (loc.territory or loc.feature) else (None, "")
    sub = loc.subdivision.get("iso_3166_2") if loc.subdivision else None
    held = loc.territory is not None or loc.feature is not None
    return Subject(
        label=label,
        lat=loc.lat,
        lon=loc.lon,
        territory=loc.territory.id if loc.territory else None,
        subdivisions=frozenset({sub if isinstance(sub, str) else None}),
        continents=frozenset({loc.continent if held else None}),
        islands=frozenset({loc.island if held else None}),
        island_seas=frozenset(loc.island_seas),
        sea=loc.sea.id if loc.sea else None,
        feature=loc.feature.id if loc.feature else None,
        feature_group=loc.feature.group if loc.feature else None,
        status=status,
        setting=loc.setting,
    )


_STATUS: dict[tuple[str, str | None, dt.date], Status] = {}


def _piece_status(data: GeoData, piece: int, territory: str, on: dt.date) -> Status:
    iso = data.piece_detail(piece)["iso_3166_2"]
    if iso and data.recorded_status(f"subdivision:{iso}", on) is None:
        iso = None  # nothing recorded for the subdivision itself: its territory's status applies
    key = (territory, iso, on)
    if key not in _STATUS:
        loc = Location(
            0.0,
            0.0,
            territory=data.territories[territory],
            subdivision={"id": "", "name": "", "type": "", "iso_3166_2": iso},
            setting="land",
        )
        _STATUS[key] = status_at(loc, on, data)[0]
    return _STATUS[key]


def measure(g: Any) -> float:
    """Area in km² of a polygonal geometry; length in km of a line (a track is shared out by length)."""
    kind = g.geom_type
    if kind in ("Polygon", "MultiPolygon"):
        return area_km2(g)
    if kind in ("LineString", "MultiLineString", "LinearRing"):
        total = 0.0
        for line in shapely.get_parts(g):
            c = shapely.get_coordinates(shapely.segmentize(line, 0.25))
            total += sum(haversine_km(c[i, 1], c[i, 0], c[i + 1, 1], c[i + 1, 0]) for i in range(len(c) - 1))
        return total
    if kind == "GeometryCollection":
        return sum(measure(p) for p in shapely.get_parts(g))
    return 0.0


def _nonempty(g: Any) -> bool:
    return not g.is_empty and measure(g) > 0


def area_atoms(pieces: Sequence[int], on: dt.date, data: GeoData, clip: Any = None) -> list[Subject]:
    """Land pieces cut into atoms uniform in island flag and adjoining seas (optionally within `clip`)."""
    atoms = []
    for i in pieces:
        geom = data.piece_geoms([i])[0]
        detail = data.piece_detail(i)
        territory = data.piece_territory[i]
        status = _piece_status(data, i, territory, on)
        groups: dict[tuple[bool, tuple[str, ...]], list[Any]] = {}
        for poly, island, seas in zip(shapely.get_parts(geom), detail["islands"], detail["island_seas"]):
            groups.setdefault((bool(island), tuple(seas)), []).append(poly)
        name = data.territories[territory].name
        for (island, seas), polys in groups.items():
            g = shapely.union_all(polys) if len(polys) > 1 else polys[0]
            if clip is not None:
                g = shapely.intersection(g, clip)
                if not _nonempty(g):
                    continue
            rp = g.representative_point()
            atoms.append(
                Subject(
                    label=name,
                    lat=rp.y,
                    lon=rp.x,
                    point_like=False,
                    geom=g,
                    area_km2=measure(g),
                    territory=territory,
                    subdivisions=frozenset({detail["iso_3166_2"]}),
                    continents=frozenset({data.piece_continent[i]}),
                    islands=frozenset({island}),
                    island_seas=frozenset(seas),
                    status=status,
                    setting="land",
                )
            )
    return atoms


def sea_atoms(geometry: Any, data: GeoData) -> list[Subject]:
    minx, miny, maxx, maxy = geometry.bounds
    out = []
    for sea in data.sea_list:
        b = sea.bbox
        if b[2] < minx or b[0] > maxx or b[3] < miny or b[1] > maxy:
            continue
        g = shapely.intersection(data.sea_geoms([sea.index])[0], geometry)
        if not _nonempty(g):
            continue
        rp = g.representative_point()
        out.append(
            Subject(label=sea.name, lat=rp.y, lon=rp.x, point_like=False, geom=g, area_km2=measure(g), sea=sea.id)
        )
    return out


def cut(atoms: list[Subject], lats: Sequence[float], polys: Sequence[Any]) -> list[Subject]:
    """Cut atoms along the parallels and polygons a rule tests, so each atom is on one side of each."""
    out = atoms
    for lat in lats:
        nxt = []
        for a in out:
            _, south, _, north = a.geom.bounds
            if south < lat < north:
                for box in (shapely.box(-180, -90, 180, lat), shapely.box(-180, lat, 180, 90)):
                    part = shapely.intersection(a.geom, box)
                    if _nonempty(part):
                        nxt.append(_with_geom(a, part))
            else:
                nxt.append(a)
        out = nxt
    for poly in polys:
        nxt = []
        for a in out:
            if poly.covers(a.geom) or not poly.intersects(a.geom):
                nxt.append(a)
                continue
            for part in (shapely.intersection(a.geom, poly), shapely.difference(a.geom, poly)):
                if _nonempty(part):
                    nxt.append(_with_geom(a, part))
        out = nxt
    final = []
    for a in out:
        rp = a.geom.representative_point()
        final.append(replace(a, lat=rp.y, lon=rp.x, point_like=True))
    return final


def _with_geom(a: Subject, g: Any) -> Subject:
    rp = g.representative_point()
    return replace(a, geom=g, area_km2=measure(g), lat=rp.y, lon=rp.x)


# ------------------------------------------------------------------------------------------------------- check


def check(scenario: Scenario, book: RuleBook, treaties: Sequence[str] | None = None) -> list[Result]:
    """Evaluate every article of the selected treaties (default all) for the scenario's target."""
    data = geodata()
    selected = list(dict.fromkeys(treaties or book.treaties))
    if not selected:
        from treatyscope.errors import RuleFileError

        raise RuleFileError("no treaty is encoded in the rule files given", hint="Add a file with a 'treaty' section.")
    for tid in selected:
        if tid not in book.treaties:
            raise UsageError(f"Unknown treaty '{tid}'.", f"Encoded treaties: {', '.join(book.treaties)}.")
    check_pins(scenario.interpretations, book)
    subjects, area = _subjects(scenario, data)
    # Territory held by one state and controlled by another (Crimea, Okinawa before 1972): with no party named,
    # an attack there may be one on either, and the answer is contested when the two give different answers.
    split_holding = scenario.target == "territory" and scenario.party is None and holding_split(subjects)
    results = []
    for tid in selected:
        treaty = book.treaties[tid]
        for article in treaty.articles:
            result = _evaluate_article(scenario, book, treaty, article, subjects, area, data)
            if split_holding:
                other = _evaluate_article(
                    replace(scenario, holder="controller"), book, treaty, article, subjects, area, data
                )
                result = _either_holder(result, other, scenario)
            results.append(result)
    return results


_VERDICT_PHRASES = {
    APPLIES: "is covered",
    NOT: "is not covered",
    PARTIAL: "is partly covered",
    CONTESTED: "is contested",
}


def _either_holder(by_sovereign: Result, by_controller: Result, scenario: Scenario) -> Result:
    """One result for land whose sovereign and controller differ: theirs if they agree, else contested."""

    def parts(r: Result) -> dict[str, tuple[str, float]]:
        return {p["id"]: (p["verdict"], p["covered_share"]) for p in r.parts}

    sov_parts, ctl_parts = parts(by_sovereign), parts(by_controller)
    if by_sovereign.verdict == by_controller.verdict and sov_parts == ctl_parts:
        return by_sovereign
    r, sov, ctl = by_sovereign, by_sovereign.verdict, by_controller.verdict
    for p in r.parts:  # an area: the parts whose answer depends on whose territory they are
        if sov_parts.get(p["id"]) != ctl_parts.get(p["id"]):
            p["verdict"] = CONTESTED
    r.reasons = [
        f"Whose territory an attack here would strike is disputed: as its sovereign's it {_VERDICT_PHRASES[sov]}; "
        f"as the controlling state's it {_VERDICT_PHRASES[ctl]}.",
        *(f"As the sovereign's: {x}" for x in by_sovereign.reasons[:1]),
        *(f"As the controlling state's: {x}" for x in by_controller.reasons[:1]),
    ]
    r.verdict = CONTESTED
    art = f"{r.treaty.short_name} Article {r.article['number']}"
    r.headline = _headline(CONTESTED, art, scenario, None, scenario.target, scenario.date, r.version, r.parts)
    r.checks.insert(
        0,
        {
            "check": "membership",
            "result": "per holder",
            "evidence": f"as the sovereign's territory: {sov}; as the controlling state's: {ctl}",
        },
    )
    r.nearest = None
    return r


def check_pins(pins: dict[str, str], book: RuleBook) -> None:
    """Every pinned reading (--interpretation TERM=READING) names a known term and one of its readings."""
    for term, reading in pins.items():
        if term not in book.interpretations:
            raise UsageError(f"Unknown interpretation '{term}'.", f"Known: {', '.join(sorted(book.interpretations))}.")
        ids = [r["id"] for r in book.interpretations[term]["readings"]]
        if reading not in ids:
            raise UsageError(f"Interpretation '{term}' has no reading '{reading}'.", f"Readings: {', '.join(ids)}.")


_SUBJECTS: dict[tuple[Any, ...], tuple[list[Subject], bool]] = {}
# Forces, vessels and aircraft often share one condition: evaluate it once per location.
_SCOPE: dict[tuple[Any, ...], tuple[str, list[Any], list[Any], list[Any], str]] = {}


def _subjects(scenario: Scenario, data: GeoData) -> tuple[list[Subject], bool]:
    """The subjects to evaluate (shared by the scenarios of one location and date), and whether it is an area."""
    key = (
        scenario.place.ref if scenario.place else None,
        scenario.point,
        None if scenario.geometry is None else shapely.to_wkb(scenario.geometry),
        scenario.date,
        scenario.territorial_sea,
    )
    if key not in _SUBJECTS:
        if len(_SUBJECTS) >= 2_000:
            # Bounded (a batch visits many places); the scope memo is keyed by these lists, so it goes too.
            _SUBJECTS.clear()
            _SCOPE.clear()
        _SUBJECTS[key] = _make_subjects(scenario, data)
    return _SUBJECTS[key]


def _make_subjects(scenario: Scenario, data: GeoData) -> tuple[list[Subject], bool]:
    place = scenario.place
    if scenario.geometry is not None:
        geom = scenario.geometry
        if geom.geom_type == "Point":
            loc = locate(geom.y, geom.x, territorial_sea=scenario.territorial_sea)
            return [point_subject(loc, scenario.date, scenario.label, data)], False
        if geom.geom_type == "MultiPoint":  # several points: each counts once in the shares
            subs = []
            for pt in shapely.get_parts(geom):
                loc = locate(pt.y, pt.x, territorial_sea=scenario.territorial_sea)
                label = (
                    loc.territory.name if loc.territory else (loc.sea.name if loc.sea else f"{pt.y:.3f}, {pt.x:.3f}")
                )
                subs.append(replace_area(point_subject(loc, scenario.date, label, data), 1.0))
            return subs, True
        minx, miny, maxx, maxy = geom.bounds
        candidates = [
            i
            for i in range(len(data.piece_ids))
            if not (
                data.piece_bbox[i][2] < minx
                or data.piece_bbox[i][0] > maxx
                or data.piece_bbox[i][3] < miny
                or data.piece_bbox[i][1] > maxy
            )
        ]
        land = area_atoms(candidates, scenario.date, data, clip=geom)
        land_union = shapely.union_all([a.geom for a in land]) if land else shapely.Polygon()
        sea = sea_atoms(shapely.difference(geom, land_union), data)
        return land + sea, True
    if place is not None and place.is_area:
        if place.kind == "territory":
            pieces = [i for leaf in data.leaves(place.id) for i in leaf.pieces]
            return area_atoms(pieces, scenario.date, data), True
        if place.kind == "subdivision":
            return area_atoms([data.piece_index[place.id]], scenario.date, data), True
        if place.kind == "sea":
            s = data.seas[place.id]
            g = data.sea_geoms([s.index])[0]
            return [
                Subject(
                    label=s.name, lat=place.lat, lon=place.lon, point_like=False, geom=g, area_km2=s.area_km2, sea=s.id
                )
            ], True
        if place.kind == "feature":
            members = data.group_members(place.id) or [data.features[place.id]]  # a group without members: its centre
            subs = []
            for f in members:
                loc = locate(f.lat, f.lon, territorial_sea=scenario.territorial_sea)
                subs.append(replace_area(point_subject(loc, scenario.date, f.name, data), 1.0))
            return subs, True
    assert scenario.point is not None
    lat, lon = scenario.point
    loc = locate(lat, lon, territorial_sea=scenario.territorial_sea)
    return [point_subject(loc, scenario.date, scenario.label, data)], False


def replace_area(s: Subject, area: float) -> Subject:
    return replace(s, area_km2=area)


def _version_on(article: dict[str, Any], on: dt.date) -> dict[str, Any] | None:
    for v in article["versions"]:
        start = dt.date.fromisoformat(str(v["from"]))
        end = dt.date.fromisoformat(str(v["to"])) if v.get("to") else None
        if start <= on and (end is None or on < end):
            found: dict[str, Any] = v
            return found
    return None


def attackable(treaty: TreatyRules, on: dt.date, assume_member: Iterable[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The Parties on the date (with any assumed), and the states an attack can be on: the Parties and the states
    the article protects without being Parties (they count as Parties when attacked, and owe nothing)."""
    parties = frozenset(treaty.members_on(on)) | frozenset(assume_member)
    return parties, parties | {p["code"] for p in treaty.protected if treaty.protected_on(p["code"], on)}


def still_bound(treaty: TreatyRules, code: str, parties: frozenset[str], on: dt.date) -> list[str]:
    """The other Parties whose obligations toward this state are not suspended on the date."""
    suspended = {s["obligor"] for s in treaty.suspended_toward(code, on)}
    return sorted(parties - {code} - suspended)


def holding_split(subjects: Iterable[Subject]) -> bool:
    """Whether some of the land is held by one state and controlled by another (Crimea, Okinawa before 1972)."""
    return any(
        a.status is not None and a.status.sovereign and a.status.administered_by not in (None, a.status.sovereign)
        for a in subjects
    )


def _attacked_party(a: Subject, scenario: Scenario, party: str | None) -> str | None:
    """Whose an attack on this part of an area is: the party named, else (for territory) the state holding it."""
    if scenario.target != "territory":
        return party
    return party or _default_party(a, scenario.holder)


def _default_party(s: Subject, holder: str = "sovereign") -> str | None:
    if s.status is None:
        return None
    if holder == "controller":
        return s.status.administered_by or s.status.sovereign
    return s.status.sovereign or s.status.administered_by


def _evaluate_article(
    scenario: Scenario,
    book: RuleBook,
    treaty: TreatyRules,
    article: dict[str, Any],
    subjects: list[Subject],
    area: bool,
    data: GeoData,
) -> Result:
    on, target = scenario.date, scenario.target
    parties_today, members = attackable(treaty, on, scenario.assume_member)
    version = _version_on(article, on)
    checks: list[dict[str, Any]] = []
    reasons: list[str] = []
    art_label = f"{treaty.short_name} Article {article['number']}"
    in_force = treaty.in_force <= on and (treaty.ended is None or on < treaty.ended)
    sources = [book.source(article["source"])]

    # 1 and 2: the treaty and the text in force
    if not in_force:
        when = f"entered into force on {treaty.in_force}" if on < treaty.in_force else f"ended on {treaty.ended}"
        reasons.append(f"The {treaty.name} was not in force on {on}: it {when}.")
        checks.append({"check": "in-force", "result": "no", "evidence": reasons[-1]})
    if version is None:
        checks.append(
            {"check": "version", "result": "no", "evidence": f"no text of Article {article['number']} in force on {on}"}
        )
    else:
        checks.append(
            {
                "check": "version",
                "result": "yes",
                "version": version["id"],
                "evidence": f"{version['label']}, in force from {version['from']}"
                + (f" to {version['to']} (exclusive)" if version.get("to") else ""),
            }
        )
        sources.append(book.source(version["source"]))

    # 3: the party
    explicit = scenario.party
    if target == "territory":
        party = explicit or (_default_party(subjects[0], scenario.holder) if not area else None)
    else:
        party = explicit
    party_member: bool | None
    holders: list[str] = []  # the states holding the parts of an area, when no party is named
    if target != "territory" and party is None:
        party_member = True
        checks.insert(
            0,
            {
                "check": "membership",
                "result": "assumed",
                "evidence": f"the {target} are taken to be those of a Party (pass --party to name one)",
            },
        )
    elif party is None and area:
        party_member = None  # decided per part below
        holders = sorted({h for a in subjects if (h := _default_party(a, scenario.holder))})
        outside = [h for h in holders if h not in members]
        ev = "each part is attacked as the territory of the state that holds it: " + ", ".join(
            f"{data.entity_name(h)} ({h}){'' if h in members else ' is not a Party'}" for h in holders
        )
        checks.insert(
            0,
            {
                "check": "membership",
                "result": "no" if holders and len(outside) == len(holders) else "per part",
                "evidence": ev,
            },
        )
        if outside:
            names = ", ".join(f"{data.entity_name(h)} ({h})" for h in outside)
            reasons.append(
                f"{names} {'is' if len(outside) == 1 else 'are'} not a Party on {on}"
                + (" (parts it holds are not covered as a Party's territory)." if len(outside) < len(holders) else ".")
            )
    elif party is None:
        party_member = False
        checks.insert(
            0,
            {
                "check": "membership",
                "result": "no",
                "evidence": "no state holds this place, so no Party's territory can be attacked here",
            },
        )
        reasons.append("No state holds this place: it is not the territory of any Party.")
    else:
        party_member = party in members
        how = (
            "assumed a member (--assume-member)"
            if party in scenario.assume_member and not treaty.member_on(party, on)
            else ""
        )
        hist = treaty.membership_history(party)
        if party_member:
            p = treaty.member_on(party, on)
            ev = how or (f"{data.entity_name(party)} ({party}) is a Party from {p['from']}" if p else "")
            if p:
                sources.append(book.source(p["source"]))
            elif prot := treaty.protected_on(party, on):
                ev = f"{data.entity_name(party)} ({party}) is not a Party but is protected from {prot['from']}" + (
                    f": {prot['note']}" if prot.get("note") else ""
                )
                sources.append(book.source(prot["source"]))
        elif hist:
            spans = "; ".join(f"from {h['from']}" + (f" to {h['to']}" if h.get("to") else "") for h in hist)
            ev = f"{data.entity_name(party)} ({party}) was not a Party on {on} (a Party {spans})"
            sources.extend(book.source(h["source"]) for h in hist)
        else:
            ev = f"{data.entity_name(party)} ({party}) is not a Party to the {treaty.name}"
        checks.insert(
            0, {"check": "membership", "result": "yes" if party_member else "no", "party": party, "evidence": ev}
        )
        if not party_member:
            reasons.append(ev[0].upper() + ev[1:] + ".")

    # 3b: per-pair suspensions (ANZUS): are the other Parties still bound toward the attacked one?
    attacked = [party] if party is not None else holders
    unprotected: set[str] = set()
    for code in attacked:
        if code not in members or not (suspended := treaty.suspended_toward(code, on)):
            continue
        bound = still_bound(treaty, code, parties_today, on)
        ev = "; ".join(
            f"{data.entity_name(s['obligor'])} ({s['obligor']}) suspended its obligations toward "
            f"{data.entity_name(code)} ({code}) from {s['from']}"
            for s in suspended
        )
        ev += (
            f"; {', '.join(f'{data.entity_name(c)} ({c})' for c in bound)} remain{'s' if len(bound) == 1 else ''} bound"
            if bound
            else "; no other Party remains bound toward it"
        )
        checks.insert(1, {"check": "obligations", "result": "yes" if bound else "no", "evidence": ev})
        sources.extend(book.source(s["source"]) for s in suspended)
        reasons.append(ev[0].upper() + ev[1:] + ".")
        if not bound:
            unprotected.add(code)
    nobody_bound = party is not None and party in unprotected
    if unprotected:
        members = members - unprotected  # their land is then covered by no one's obligation

    # 4: scope
    scope_outcomes: list[dict[str, Any]] = []
    interp_report: list[dict[str, Any]] = []
    parts: list[dict[str, Any]] = []
    nearest = None
    scope_verdict = NOT
    headline_scope = ""
    if version is not None and in_force:
        cond = version["targets"][target]
        memo_key = (
            book.serial,
            id(subjects),
            json.dumps(cond, sort_keys=True),
            party,
            members,
            str(on),
            tuple(sorted(scenario.interpretations.items())),
            scenario.assume,
            scenario.holder,
        )
        if memo_key in _SCOPE:
            scope_verdict, parts, scope_outcomes, interp_report, headline_scope = _SCOPE[memo_key]
        elif area:
            scope_verdict, parts, scope_outcomes, interp_report, headline_scope = _evaluate_area(
                scenario, book, treaty, cond, subjects, members, party, data
            )
        else:
            scope_verdict, scope_outcomes, interp_report, headline_scope = _evaluate_point(
                scenario, book, treaty, cond, subjects[0], members, party, data
            )
        _SCOPE[memo_key] = (scope_verdict, parts, scope_outcomes, interp_report, headline_scope)
        checks.append(
            {
                "check": "scope",
                "result": {APPLIES: "yes", NOT: "no"}.get(scope_verdict, scope_verdict),
                "evidence": headline_scope,
                "outcomes": scope_outcomes,
            }
        )
        if scope_verdict == NOT and scenario.find_nearest:
            origin = (
                (subjects[0].lat, subjects[0].lon)
                if not area
                else (
                    (scenario.place.lat, scenario.place.lon) if scenario.place else (subjects[0].lat, subjects[0].lon)
                )
            )
            nearest = nearest_covered(origin, cond, book, treaty, members, scenario, data)
        for term in interp_report:
            for r in term["readings"]:
                sources.extend(book.source(sid) for sid in r["sources"])

    # verdict
    if not in_force or version is None or party_member is False or nobody_bound:
        verdict = NOT
    else:
        verdict = scope_verdict
    if verdict == NOT and party_member is False and scope_verdict != NOT and version is not None and in_force:
        reasons.append(
            f"Even for a Party, the place would be {scope_verdict.replace('-', ' ')} under {version['label']}."
        )
    if version is not None and in_force and headline_scope:
        reasons.append(headline_scope)
    if nearest and verdict != APPLIES and nearest["km"] > 0.5:
        what = {"territory": "a Party's territory", "forces": "forces", "vessel": "vessels", "aircraft": "aircraft"}[
            target
        ]
        some = "" if nearest.get("all_readings", True) else ", under some readings only"
        reasons.append(
            f"The nearest place where {version['label'] if version else 'the article'} covers {what} is "
            f"{nearest['name']} ({nearest['lat']:.2f}°, {nearest['lon']:.2f}°), {nearest['km']:,.0f} km away"
            + (f", by {nearest['clause']}" if nearest.get("clause") else "")
            + f"{some}."
        )
        nearer = nearest.get("nearer_under_some_readings")
        if nearer:
            reasons.append(
                f"Under some readings, {nearer['name']} is nearer: {nearer['km']:,.0f} km"
                + (f", by {nearer['clause']}" if nearer.get("clause") else "")
                + "."
            )
    unverified = []
    if not article.get("verified", True):
        unverified.append(f"Article {article['number']}: {article.get('unverified_note', '')}")
    if version is not None and not version.get("verified", True):
        unverified.append(f"{version['label']}: {version.get('unverified_note', '')}")
        reasons.append(
            f"The wording of {version['label']} is not verified against an authentic copy: "
            f"{version.get('unverified_note', '')}"
        )
    checks.append({"check": "trigger", "result": "not assessed", "evidence": TRIGGER_NOTE})
    notes = list(treaty.notes) + list(article.get("notes", [])) + (list(version.get("notes", [])) if version else [])
    seen: set[str] = set()
    uniq_sources = []
    for src in sources:
        if src["id"] not in seen:
            seen.add(src["id"])
            uniq_sources.append(src)
    headline = _headline(verdict, art_label, scenario, party, target, on, version, parts)
    return Result(
        treaty,
        article,
        version,
        target,
        party,
        explicit is None,
        on,
        verdict,
        reasons,
        checks,
        scope_outcomes,
        interp_report,
        uniq_sources,
        parts,
        nearest,
        notes,
        unverified,
        headline,
    )


def _headline(
    verdict: str,
    art: str,
    scenario: Scenario,
    party: str | None,
    target: str,
    on: dt.date,
    version: dict[str, Any] | None,
    parts: list[dict[str, Any]],
) -> str:
    what = {
        "territory": f"an armed attack on {scenario.label}",
        "forces": f"an armed attack on forces at {scenario.label}",
        "vessel": f"an armed attack on a vessel at {scenario.label}",
        "aircraft": f"an armed attack on an aircraft over {scenario.label}",
    }[target]
    if party and target != "territory":
        what = (
            what.replace("forces", f"{party} forces")
            .replace("a vessel", f"a {party} vessel")
            .replace("an aircraft", f"a {party} aircraft")
        )
    scope = ""
    if verdict == APPLIES:
        return f"{art}{scope} applies to {what} on {on}."
    if verdict == NOT:
        return f"{art}{scope} does not apply to {what} on {on}."
    if verdict == PARTIAL:
        covered = sum(p["area_km2"] * p["covered_share"] for p in parts)
        total = sum(p["area_km2"] for p in parts) or 1.0
        kind_of = scenario.geometry.geom_type if scenario.geometry is not None else ""
        linear = "Line" in kind_of
        fraction = covered / total
        pct = "more than 99%" if fraction > 0.99 else "less than 1%" if fraction < 0.01 else f"{fraction:.0%}"
        share = f"{pct} of its {'length' if linear else 'points' if kind_of == 'MultiPoint' else 'area'}"
        kind = {
            "territory": "as territory",
            "forces": "for forces there",
            "vessel": "for vessels there",
            "aircraft": "for aircraft over it",
        }[target]
        return f"{art}{scope} applies to part of {scenario.label} ({share}) {kind} on {on}."
    return f"{art}{scope}: whether it applies to {what} on {on} is contested."


# ------------------------------------------------------------------------------------------------ point and area


def _env(book: RuleBook, treaty: TreatyRules, scenario: Scenario, members: frozenset[str], party: str | None) -> Env:
    return Env(
        book=book,
        treaty=treaty,
        date=scenario.date,
        members=members,
        assumed=scenario.assume,
        assignment={},
        party=party,
    )


def _verdict_of(results: set[bool | None]) -> str:
    if results == {True}:
        return APPLIES
    if results == {False}:
        return NOT
    return CONTESTED


def _evaluate_point(
    scenario: Scenario,
    book: RuleBook,
    treaty: TreatyRules,
    cond: dict[str, Any],
    s: Subject,
    members: frozenset[str],
    party: str | None,
    data: GeoData,
) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]], str]:
    env = _env(book, treaty, scenario, members, party)
    outs = outcomes(cond, s, env, scenario.interpretations)
    verdict = _verdict_of({o.result for o in outs})
    report = _interpretation_report(outs, book, lambda o: _verdict_of({o.result}))
    headline = _scope_sentence(outs, verdict, book, s)
    return verdict, [_outcome_dict(o) for o in outs], report, headline


def _outcome_dict(o: Outcome) -> dict[str, Any]:
    return {
        "readings": o.assignment,
        "result": {True: APPLIES, False: NOT, None: CONTESTED}[o.result],
        "unknown": sorted(set(o.unknowns)),
        "trace": o.trace.as_dict(),
    }


def _interpretation_report(outs: list[Outcome], book: RuleBook, verdict_of: Any) -> list[dict[str, Any]]:
    terms = sorted({t for o in outs for t in o.assignment})
    report = []
    for term in terms:
        interp = book.interpretations[term]
        readings = []
        for r in interp["readings"]:
            matching = [o for o in outs if o.assignment.get(term) == r["id"]]
            if not matching:
                continue
            verdicts = sorted({verdict_of(o) for o in matching})
            readings.append(
                {
                    "id": r["id"],
                    "label": r["label"],
                    "summary": r["summary"],
                    "verdict": verdicts[0] if len(verdicts) == 1 else "depends on other readings",
                    "sources": r["sources"],
                }
            )
        if len({r["verdict"] for r in readings}) > 1:  # only the readings that change the answer
            report.append({"term": interp["term"], "id": term, "question": interp["question"], "readings": readings})
    return report


def _scope_sentence(outs: list[Outcome], verdict: str, book: RuleBook, s: Subject) -> str:
    first = outs[0]
    if verdict == APPLIES:
        clause = _deciding(first.trace, True)
        return (
            f"Covered by {clause.label}: {clause.evidence or _first_evidence(clause, True)}." if clause else "Covered."
        )
    if verdict == NOT:
        misses = _misses(first.trace)
        return "Outside the text's scope: " + "; ".join(misses) + "." if misses else "Outside the text's scope."
    parts = []
    for o in outs:
        readings = ", ".join(f"{book.interpretations[t]['term']} = {r}" for t, r in sorted(o.assignment.items()))
        word = {True: "covered", False: "not covered", None: "undetermined"}[o.result]
        parts.append(f"{word} if {readings}" if readings else word)
    unknown = sorted({u for o in outs for u in o.unknowns})
    tail = f" ({'; '.join(unknown)})" if unknown else ""
    return "Contested: " + "; ".join(parts) + tail + "."


def _deciding(node: TraceNode, want: bool | None) -> TraceNode | None:
    """The most specific labelled clause that decided the result."""
    if node.children:
        for c in node.children:
            if c.result is want and (c.children or c.quote):
                return _deciding(c, want) if c.children and any(g.children for g in c.children) else c
    return node


def _first_evidence(node: TraceNode, want: bool | None) -> str:
    bits = [c.evidence for c in node.children if c.result is want and c.evidence]
    return "; ".join(bits)


def _misses(node: TraceNode, top: bool = True) -> list[str]:
    """Why a false condition is false: every alternative of an 'any', the first failing check of an 'all'.
    Alternatives that fail because they name another party or particular places (France's Algerian departments,
    Turkey, Ceuta) are left out as not relevant, unless nothing else is left."""
    if node.result is not False:
        return []
    if node.op == "any":
        out: list[str] = []
        skipped: list[str] = []
        for alt in node.children:
            why = _misses(alt, False)
            (skipped if _irrelevant(alt) else out).extend(why)
        return out or skipped
    if not node.children:
        return [f"{node.label} — {node.evidence}"] if node.evidence else [node.label]
    if node.op == "all":
        false = [c for c in node.children if c.result is False]
        # Say where first: a geographic failure explains more than "not that party's".
        geographic = [c for c in false if c.op in ("in_region", "latitude", "island") or c.children]
        if not false:
            return []
        first = (geographic or false)[0]
        if not first.children:
            context = [
                c.evidence for c in node.children if c.label.startswith("north of") and c is not first and c.evidence
            ]
            return [f"{node.label} — " + "; ".join([first.evidence or first.label, *context])]
        return _misses(first, False)
    inner = [m for c in node.children for m in _misses(c, False)]
    return inner or ([f"{node.label} — {node.evidence}"] if node.evidence else [])


def _irrelevant(alt: TraceNode) -> bool:
    """An alternative that fails because it names another party or particular places."""

    def walk(n: TraceNode) -> bool:
        if n.result is not False:
            return False
        if not n.children:
            return n.op == "party_is" or (n.op == "in_region" and _names_places(n.label))
        return any(walk(c) for c in n.children if c.result is False)

    return walk(alt) or _names_places(alt.label)


def _names_places(label: str) -> bool:
    """A region label that lists particular places rather than a continent or a sea."""
    return any(w in label for w in ("Algerian", "Ceuta", "Melilla", "Turkey", "occupation forces"))


def _first_false(node: TraceNode) -> TraceNode | None:
    if not node.children:
        return node if node.result is False else None
    for c in node.children:
        if c.result is False:
            return _first_false(c) or c
    return None


def atom_results(
    scenario: Scenario,
    book: RuleBook,
    treaty: TreatyRules,
    cond: dict[str, Any],
    subjects: list[Subject],
    members: frozenset[str],
    party: str | None,
    data: GeoData,
) -> tuple[list[Subject], list[dict[str, str]], list[list[bool | None]]]:
    """An area's atoms (cut along the rule's lines), every combination of the readings that matter somewhere in
    it, and for each combination each atom's answer (True covered, False not, None unknown)."""
    lats, polys = split_lines(cond, book, scenario.date)
    atoms = cut([a for a in subjects if a.geom is not None], lats, polys) + [a for a in subjects if a.geom is None]

    # First pass: which interpretations matter anywhere in the area. Atoms with the same facts share one answer
    # (a country's provinces mostly differ only in facts no clause asks about).
    decisive: set[str] = set()
    first_pass: list[list[Outcome]] = []
    referenced, seas_asked = _referenced(cond, book, data)
    seen: dict[tuple[Any, ...], list[Outcome]] = {}
    for a in atoms:
        key = _signature(a, lats, polys, referenced, seas_asked, _attacked_party(a, scenario, party))
        if key not in seen:
            env = _env(book, treaty, scenario, members, _attacked_party(a, scenario, party))
            env.explain = False  # results only; the trace shown is the largest part's, evaluated below
            seen[key] = outcomes(cond, a, env, scenario.interpretations)
        outs = seen[key]
        first_pass.append(outs)
        for o in outs:
            decisive |= set(o.assignment) - set(scenario.interpretations)
    terms = sorted(decisive)
    combos = [
        dict(zip(terms, rs))
        for rs in itertools.product(*[[r["id"] for r in book.interpretations[t]["readings"]] for t in terms])
    ] or [{}]
    results: list[list[bool | None]] = []
    for combo in combos:
        pinned = {**scenario.interpretations, **combo}
        row: list[bool | None] = []
        for a, outs in zip(atoms, first_pass, strict=True):
            p = _attacked_party(a, scenario, party)
            member_ok = (scenario.target != "territory" and party is None) or (p is not None and p in members)
            match = [o for o in outs if all(o.assignment.get(t, pinned.get(t)) == pinned.get(t) for t in o.assignment)]
            if not match:
                env = _env(book, treaty, scenario, members, p)
                env.explain = False
                match = outcomes(cond, a, env, pinned)
            row.append(match[0].result if member_ok else False)
        results.append(row)
    return atoms, combos, results


def _evaluate_area(
    scenario: Scenario,
    book: RuleBook,
    treaty: TreatyRules,
    cond: dict[str, Any],
    subjects: list[Subject],
    members: frozenset[str],
    party: str | None,
    data: GeoData,
) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], str]:
    atoms, combos, results = atom_results(scenario, book, treaty, cond, subjects, members, party, data)
    total = sum(a.area_km2 for a in atoms) or 1.0

    per_combo: list[dict[str, Any]] = []
    for combo, row in zip(combos, results, strict=True):
        covered = unknown = 0.0
        by_part: dict[str, list[float]] = {}
        for a, result in zip(atoms, row, strict=True):
            part_id = a.feature or a.territory or a.sea or a.label
            acc = by_part.setdefault(part_id, [0.0, 0.0, 0.0])
            acc[0] += a.area_km2
            if result is True:
                covered += a.area_km2
                acc[1] += a.area_km2
            elif result is None:
                unknown += a.area_km2
                acc[2] += a.area_km2
        share = covered / total
        verdict = (
            CONTESTED
            if unknown / total > 1 - FULL_SHARE
            else APPLIES
            if share >= FULL_SHARE
            else NOT
            if share <= 1 - FULL_SHARE
            else PARTIAL
        )
        per_combo.append(
            {
                "readings": combo,
                "verdict": verdict,
                "covered_share": round(share, 4),
                "unknown_share": round(unknown / total, 4),
                "parts": by_part,
            }
        )
    verdicts = {c["verdict"] for c in per_combo}
    verdict = next(iter(verdicts)) if len(verdicts) == 1 else CONTESTED
    parts = []
    for key in sorted(per_combo[0]["parts"], key=lambda k: -per_combo[0]["parts"][k][0]):
        areas = [c["parts"][key] for c in per_combo]
        shares = sorted({round(a[1] / a[0], 4) if a[0] else 0.0 for a in areas})
        name = (
            data.territories[key].name
            if key in data.territories
            else data.seas[key].name
            if key in data.seas
            else data.features[key].name
            if key in data.features
            else key
        )
        parts.append(
            {
                "id": key,
                "name": name,
                "area_km2": round(areas[0][0], 1),
                "covered_share": shares[0],
                "covered_share_range": shares if len(shares) > 1 else None,
                "verdict": APPLIES
                if shares[0] >= FULL_SHARE and len(shares) == 1
                else NOT
                if shares[-1] <= 1 - FULL_SHARE
                else CONTESTED
                if len(shares) > 1
                else PARTIAL,
            }
        )
    # The trace of the largest atom stands for the area; the parts list carries the rest.
    biggest = max(range(len(atoms)), key=lambda k: atoms[k].area_km2)
    explained = _env(book, treaty, scenario, members, _attacked_party(atoms[biggest], scenario, party))
    outs = outcomes(cond, atoms[biggest], explained, scenario.interpretations)
    report = _interpretation_report_area(per_combo, book)
    pieces = []
    for part in parts:
        word: str = {
            APPLIES: "covered",
            NOT: "not covered",
            PARTIAL: f"{part['covered_share']:.0%} covered",
            CONTESTED: "contested",
        }[part["verdict"]]
        unit = "km" if scenario.geometry is not None and "Line" in scenario.geometry.geom_type else "km²"
        pieces.append(f"{part['name']} ({part['area_km2']:,.0f} {unit}): {word}")
    head = "Part by part: " + "; ".join(pieces[:12]) + ("; …" if len(pieces) > 12 else "") + "."
    largest = _scope_sentence(outs, _verdict_of({o.result for o in outs}), book, atoms[biggest])
    holder = _attacked_party(atoms[biggest], scenario, party)
    if (
        scenario.target == "territory"
        and holder is not None
        and holder not in members
        and largest.startswith("Covered")
    ):
        largest = f"Even if {holder} were a Party: {largest[0].lower()}{largest[1:]}"
    if len(parts) == 1:
        head = largest
    else:
        head += f" For {atoms[biggest].label}: {largest}"
    out_dicts = [
        {
            "readings": c["readings"],
            "result": c["verdict"],
            "covered_share": c["covered_share"],
            "unknown_share": c["unknown_share"],
        }
        for c in per_combo
    ]
    out_dicts.append({"readings": {}, "result": "trace of the largest part", "trace": outs[0].trace.as_dict()})
    return verdict, parts, out_dicts, report, head


def _signature(
    a: Subject,
    lats: Sequence[float],
    polys: Sequence[Any],
    subdivisions: frozenset[str],
    seas: frozenset[str],
    party: str | None,
) -> tuple[Any, ...]:
    """The facts of an atom that the condition can tell apart (only the subdivisions and seas it names count)."""
    sides = tuple(a.lat >= lat for lat in lats)
    inside = tuple(bool(p.covers(shapely.Point(a.lon, a.lat))) for p in polys)
    return (*_facts(a, subdivisions, seas), sides, inside, party)


def _facts(a: Subject, subdivisions: frozenset[str], seas: frozenset[str]) -> tuple[Any, ...]:
    """The non-geometric facts a condition can read (only the subdivisions and seas it names count): subjects
    that share them, and lie on the same side of every line the rule draws, share one answer."""
    return (
        a.territory,
        a.status,
        frozenset(a.subdivisions) & subdivisions,
        a.continents,
        a.islands,
        frozenset(a.island_seas) & seas,
        a.sea if a.sea in seas else None,
        a.sea is None,
        a.feature,
        a.feature_group,
    )


def _referenced(cond: Any, book: RuleBook, data: GeoData) -> tuple[frozenset[str], frozenset[str]]:
    """Every ISO 3166-2 code and every sea a condition can test."""
    subdivisions: set[str] = set()
    seas: set[str] = set()
    for node in reachable(cond, book):
        subdivisions.update(node.get("subdivision", ()))
        seas.update(node.get("sea", ()) if isinstance(node.get("sea"), list) else ())
        for fam in node.get("sea_family", ()):
            seas.update(data.family_seas(fam))
    return frozenset(subdivisions), frozenset(seas)


def _interpretation_report_area(per_combo: list[dict[str, Any]], book: RuleBook) -> list[dict[str, Any]]:
    terms = sorted({t for c in per_combo for t in c["readings"]})
    report = []
    for term in terms:
        interp = book.interpretations[term]
        readings = []
        for r in interp["readings"]:
            verdicts = sorted({c["verdict"] for c in per_combo if c["readings"].get(term) == r["id"]})
            if not verdicts:
                continue
            readings.append(
                {
                    "id": r["id"],
                    "label": r["label"],
                    "summary": r["summary"],
                    "verdict": verdicts[0] if len(verdicts) == 1 else "depends on other readings",
                    "sources": r["sources"],
                }
            )
        if len({r["verdict"] for r in readings}) > 1:
            report.append({"term": interp["term"], "id": term, "question": interp["question"], "readings": readings})
    return report


# ---------------------------------------------------------------------------------------------- nearest covered

_NEAREST: dict[str, dict[str, Any] | None] = {}


def _polygon_sides(s: Subject, polys: Sequence[Any]) -> tuple[Any, ...]:
    """Where a subject lies against each of the rule's polygons: a point inside or not; an extent inside,
    across the edge, or outside (an extent across an edge is cut before it is answered part by part)."""
    if s.point_like or s.geom is None:
        return tuple(bool(p.covers(shapely.Point(s.lon, s.lat))) for p in polys)
    return tuple("in" if p.covers(s.geom) else "across" if p.intersects(s.geom) else "out" for p in polys)


def nearest_covered(
    origin: tuple[float, float],
    cond: dict[str, Any],
    book: RuleBook,
    treaty: TreatyRules,
    members: frozenset[str],
    scenario: Scenario,
    data: GeoData,
) -> dict[str, Any] | None:
    """The nearest land or sea the condition covers for some Party (under at least one reading), by
    branch and bound: candidates in order of a lower bound on their distance, whole territories pruned first."""
    import json

    from treatyscope.paths import code_digest

    key = json.dumps(
        [
            [round(origin[0], 6), round(origin[1], 6)],
            cond,
            str(scenario.date),
            sorted(members),
            sorted(scenario.assume),
            sorted(scenario.interpretations.items()),
            book.digest or book.files,
            code_digest(),
        ],
        sort_keys=True,
        default=str,
    )
    if key not in _NEAREST:
        stored = _disk_get(key)
        _NEAREST[key] = stored if stored is not None else _nearest(origin, cond, book, treaty, members, scenario, data)
        if stored is None:
            _disk_put(key, _NEAREST[key])
    return _NEAREST[key]


def _disk_key(key: str) -> str | None:
    import hashlib

    from treatyscope.rules.load import _cache_dir

    if _cache_dir() is None:
        return None
    prov = (geodata().root / "PROVENANCE.json").read_bytes()
    return hashlib.sha256(key.encode() + prov + Path(__file__).read_bytes()).hexdigest()


def _disk_get(key: str) -> dict[str, Any] | None:
    """The nearest-area search is deterministic in its inputs, so its answer is cached like the rulebook."""
    import json

    from treatyscope.rules.load import _cache_dir

    digest = _disk_key(key)
    if digest is None:
        return None
    try:
        data: dict[str, Any] = json.loads((_cache_dir() / f"nearest-{digest}.json").read_text())  # type: ignore[operator]
        return data.get("value") if data.get("key") == digest else None
    except (OSError, ValueError):
        return None


def _disk_put(key: str, value: dict[str, Any] | None) -> None:
    import json
    import os

    from treatyscope.rules.load import _cache_dir

    digest = _disk_key(key)
    d = _cache_dir()
    if digest is None or d is None or value is None:
        return
    try:
        d.mkdir(parents=True, exist_ok=True)
        tmp = d / f".nearest-{digest}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps({"key": digest, "value": value}))
        os.replace(tmp, d / f"nearest-{digest}.json")
    except OSError:
        pass


def _nearest(
    origin: tuple[float, float],
    cond: dict[str, Any],
    book: RuleBook,
    treaty: TreatyRules,
    members: frozenset[str],
    scenario: Scenario,
    data: GeoData,
) -> dict[str, Any] | None:
    lat, lon = origin
    env = Env(
        book=book,
        treaty=treaty,
        date=scenario.date,
        members=members,
        assumed=scenario.assume,
        assignment={},
        party=None,
        mode="any",
        explain=False,
    )
    lats, polys = split_lines(cond, book, scenario.date)
    asked_subdivisions, asked_seas = _referenced(cond, book, data)
    caps = data.piece_cap
    lower = haversine_km_many(lat, lon, caps[:, 0], caps[:, 1]) - caps[:, 2]
    leaf_ok: dict[str, bool] = {}
    best_all: tuple[float, dict[str, Any]] | None = None
    best_some: tuple[float, dict[str, Any]] | None = None

    memo: dict[tuple[Any, ...], tuple[bool, bool, bool]] = {}

    def covered(s: Subject) -> tuple[bool, bool, bool]:
        """(covered under some reading, covered under every reading, unknown for this extent as a whole)."""
        # Conditions read facts, not shapes: subjects with the same facts (and on the same side of every line
        # the rule draws) share one answer.
        _, south, _, north = s.bbox
        sides = tuple((s.lat >= lat, s.lat <= lat) if s.point_like else (south >= lat, north <= lat) for lat in lats)
        key = (*_facts(s, asked_subdivisions, asked_seas), s.point_like, sides, _polygon_sides(s, polys))
        if key in memo:
            return memo[key]
        env.assignment = dict(scenario.interpretations)
        if not possible(cond, s, env)[0]:
            memo[key] = (False, False, False)
            return memo[key]
        values = [o.result for o in outcomes(cond, s, env, scenario.interpretations)]
        memo[key] = (True in values, all(v is True for v in values), None in values)
        return memo[key]

    def consider(geom: Any, name: str, template: Subject) -> None:
        nonlocal best_all, best_some
        some, every, unknown = covered(template)
        if not some and not unknown:
            return
        # An extent that is covered only in part (across a parallel, or islands among mainland) is cut into
        # uniform parts, which are then evaluated as points.
        atoms = [template] if every else cut([template], lats, polys)
        for atom in atoms:
            a_some, a_every, _ = (some, every, unknown) if atom is template else covered(atom)
            if not a_some:
                continue
            d = distance_km(lat, lon, atom.geom)
            for is_all in (True, False):
                current = best_all if is_all else best_some
                if (a_every if is_all else a_some) and (current is None or d < current[0]):
                    nlat, nlon, _ = nearest_point(lat, lon, atom.geom)
                    env.explain = True
                    outs = outcomes(cond, atom, env, scenario.interpretations)
                    env.explain = False
                    clause = _deciding(next(o for o in outs if o.result).trace, True)
                    found = (
                        d,
                        {
                            "name": name,
                            "km": round(d, 1),
                            "lat": round(nlat, 4),
                            "lon": round(nlon, 4),
                            "clause": clause.label if clause else None,
                            "all_readings": is_all,
                        },
                    )
                    if is_all:
                        best_all = found
                    else:
                        best_some = found

    # Land: territories first (all their pieces at once), then their pieces, then uniform parts.
    order = sorted(range(len(lower)), key=lambda i: lower[i])
    seas = data.sea_list
    sea_caps = np.array([s.cap for s in seas], dtype=float)
    sea_lower = haversine_km_many(lat, lon, sea_caps[:, 0], sea_caps[:, 1]) - sea_caps[:, 2]
    sea_order = sorted(range(len(seas)), key=lambda i: sea_lower[i])
    li = si = 0
    while li < len(order) or si < len(sea_order):
        next_land = lower[order[li]] if li < len(order) else math.inf
        next_sea = sea_lower[sea_order[si]] if si < len(sea_order) else math.inf
        if best_all is not None and min(next_land, next_sea) >= best_all[0]:
            break
        if next_land <= next_sea:
            i = order[li]
            li += 1
            territory = data.piece_territory[i]
            if territory not in leaf_ok:
                leaf_ok[territory] = _leaf_may_be_covered(territory, cond, env, data, scenario, covered)
            if not leaf_ok[territory]:
                continue
            for atom in area_atoms([i], scenario.date, data):
                consider(atom.geom, data.territories[territory].name, atom)
        else:
            k = sea_order[si]
            si += 1
            sea = seas[k]
            g = data.sea_geoms([sea.index])[0]
            template = Subject(label=sea.name, lat=sea.cap[0], lon=sea.cap[1], point_like=False, geom=g, sea=sea.id)
            consider(g, sea.name, template)
    if best_all is None and best_some is None:
        return None
    primary = best_all or best_some
    assert primary is not None
    result = dict(primary[1])
    if best_some is not None and best_all is not None and best_some[0] < best_all[0] - 0.5:
        result["nearer_under_some_readings"] = best_some[1]
    return result


def _leaf_may_be_covered(
    territory: str, cond: dict[str, Any], env: Env, data: GeoData, scenario: Scenario, covered: Any
) -> bool:
    t = data.territories[territory]
    pieces = t.pieces
    detail = [data.piece_detail(i) for i in pieces]
    statuses = {_piece_status(data, i, territory, scenario.date) for i in pieces}
    seas = frozenset(s for d in detail for group in d["island_seas"] for s in group)
    islands = frozenset(bool(x) for d in detail for x in d["islands"])
    for status in statuses:
        s = Subject(
            label=t.name,
            lat=t.point[0],
            lon=t.point[1],
            point_like=False,
            geom=shapely.box(*t.bbox),
            territory=territory,
            subdivisions=frozenset(d["iso_3166_2"] for d in detail),
            continents=frozenset(data.piece_continent[i] for i in pieces),
            islands=islands,
            island_seas=seas,
            status=status,
            setting="land",
        )
        some, _, unknown = covered(s)
        if some or unknown:
            return True
    return False

"""The Python API behind the commands: build scenarios from user input, run checks, list and show articles.

>>> import treatyscope
>>> [r.verdict for r in treatyscope.check(location="Taiwan", target="territory", treaty="nato")]
['does-not-apply']
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from treatyscope.engine import reachable, terms_used
from treatyscope.errors import UsageError
from treatyscope.evaluation import Result, Scenario
from treatyscope.evaluation import check as run_scenario
from treatyscope.rules.kinds import TARGETS
from treatyscope.rules.load import RuleBook, load_rulebook


def rulebook(rules: Sequence[str] | None = None) -> RuleBook:
    return load_rulebook([Path(r) for r in rules] if rules else None)


def resolve_party(text: str | None) -> str | None:
    """An ISO alpha-3 code, or a name that resolves to a country."""
    if text is None:
        return None
    from treatyscope.place.data import geodata

    data = geodata()
    code = text.strip()
    if re.fullmatch(r"[A-Za-z]{3}", code) and code.upper() in data.entities:
        return code.upper()
    from treatyscope.errors import AmbiguousPlaceError
    from treatyscope.place.gazetteer import resolve_place

    try:
        place = resolve_place(code)
    except AmbiguousPlaceError:
        raise
    except UsageError:
        raise UsageError(
            f"Unknown party '{text}'.", "Give an ISO 3166-1 alpha-3 code (e.g. USA) or a country name."
        ) from None
    if place.kind == "territory":
        t = data.territories[place.id]
        a3 = t.alpha3 or (data.territories[t.composite].alpha3 if t.composite else None)
        if a3:
            return a3
    raise UsageError(f"'{text}' is not a state.", "Give an ISO 3166-1 alpha-3 code (e.g. USA) or a country name.")


def _pins(items: Sequence[str]) -> dict[str, str]:
    out = {}
    for item in items:
        if "=" not in item:
            raise UsageError(
                f"--interpretation '{item}' is not TERM=READING.",
                "E.g. --interpretation "
                "north-atlantic-area=general-region; see 'treatyscope show ARTICLE' for the terms.",
            )
        term, reading = (x.strip() for x in item.split("=", 1))
        out[term] = reading
    return out


def _geojson(path: str) -> tuple[Any, str]:
    import shapely

    p = Path(path)
    try:
        raw = json.loads(p.read_text(encoding="utf-8"))
    except OSError as e:
        raise UsageError(f"--geojson {path}: cannot read the file ({e.strerror}).") from None
    except ValueError as e:
        raise UsageError(f"--geojson {path}: not JSON ({e}).") from None
    geoms = []
    features = raw.get("features") if isinstance(raw, dict) and raw.get("type") == "FeatureCollection" else [raw]
    if not isinstance(features, list) or not features:
        raise UsageError(f"--geojson {path}: no features.")
    for i, feat in enumerate(features):
        geom = feat.get("geometry") if isinstance(feat, dict) and feat.get("type") == "Feature" else feat
        try:
            g = shapely.from_geojson(json.dumps(geom))
        except Exception as e:  # shapely raises GEOSException for malformed geometry
            raise UsageError(f"--geojson {path}: feature {i} is not a valid GeoJSON geometry ({e}).") from None
        if g is None or g.is_empty:
            raise UsageError(f"--geojson {path}: feature {i} is empty.")
        xy = shapely.get_coordinates(g)
        if not ((xy[:, 0] >= -180) & (xy[:, 0] <= 180) & (xy[:, 1] >= -90) & (xy[:, 1] <= 90)).all():
            raise UsageError(
                f"--geojson {path}: feature {i} has coordinates out of range (longitude -180..180, "
                "latitude -90..90; GeoJSON is longitude first)."
            )
        if not g.is_valid:
            reason = shapely.is_valid_reason(g)
            raise UsageError(
                f"--geojson {path}: feature {i} is not a valid geometry ({reason}).",
                "Fix it (e.g. with shapely.make_valid or QGIS 'Fix geometries') and retry.",
            )
        geoms.append(g)
    dims = {0 if g.geom_type in ("Point", "MultiPoint") else 1 if "Line" in g.geom_type else 2 for g in geoms}
    if len(dims) > 1 or any(g.geom_type == "GeometryCollection" for g in geoms):
        raise UsageError(
            f"--geojson {path}: mixes points, lines and areas, whose shares cannot be added up.",
            "Check points, tracks and areas in separate files.",
        )
    geom = shapely.union_all(geoms) if len(geoms) > 1 else geoms[0]
    minx, _, maxx, _ = geom.bounds
    if maxx - minx > 180:
        # RFC 7946 asks for geometries that cross ±180° to be cut there; one that spans more than half the world
        # is taken to cross the antimeridian the short way, as a track or area over the Pacific would.
        from treatyscope.place.sphere import split_at_antimeridian

        unwrapped = shapely.transform(geom, lambda xy: np.where(xy[:, :1] < 0, xy + np.array([360.0, 0.0]), xy))
        geom = split_at_antimeridian(unwrapped)
    return geom, p.name


def build_scenarios(
    *,
    location: str | None = None,
    at: str | None = None,
    geojson: str | None = None,
    targets: Sequence[str] = (),
    party: str | None = None,
    date: str | dt.date | None = None,
    assume_member: Sequence[str] = (),
    assume: Sequence[str] = (),
    interpretation: Sequence[str] | dict[str, str] = (),
    territorial_sea: bool = False,
    nearest: bool = True,
) -> tuple[list[Scenario], dict[str, Any]]:
    """One scenario per target kind, and the facts about the location for the report."""
    from treatyscope.dates import parse_date
    from treatyscope.input.coords import parse_coordinates
    from treatyscope.place.describe import location_facts, place_identity
    from treatyscope.place.gazetteer import resolve_place
    from treatyscope.place.locate import locate

    given = [x for x in (location, at, geojson) if x]
    if len(given) != 1:
        raise UsageError('Say where: exactly one of --location NAME, --at "LAT,LON" or --geojson FILE.')
    on = date if isinstance(date, dt.date) else parse_date(date)
    for t in targets:
        if t not in TARGETS:
            raise UsageError(f"Unknown target '{t}'.", f"Targets: {', '.join(TARGETS)}.")
    targets = list(dict.fromkeys(targets))
    pins = dict(interpretation) if isinstance(interpretation, dict) else _pins(interpretation)
    members = frozenset(resolve_party(m) or "" for m in assume_member)
    attacked = resolve_party(party)
    common: dict[str, Any] = {
        "date": on,
        "party": attacked,
        "assume_member": members,
        "assume": frozenset(assume),
        "interpretations": pins,
        "territorial_sea": territorial_sea,
        "find_nearest": nearest,
    }
    place, point, geometry = None, None, None
    if location:
        place = resolve_place(location)
        label = place.name
        point = (place.lat, place.lon)
        # Only what identifies the place: its facts are in each result's trace (and in 'treatyscope places').
        facts = place_identity(place)
        summary = f"{place.description} [{place.ref}]"
    elif at:
        point = parse_coordinates(at)
        loc = locate(*point, territorial_sea=territorial_sea)
        facts = location_facts(loc, on)
        where = loc.territory.name if loc.territory else (loc.sea.name if loc.sea else "at sea")
        if loc.feature:
            where = f"{loc.feature.name}, {where}" if loc.territory else loc.feature.name
        label = f"{point[0]:.4f}, {point[1]:.4f} ({where})"
        summary = f"{loc.setting} — {where}"
    else:
        assert geojson is not None
        geometry, name = _geojson(geojson)
        label = name
        rp = geometry.representative_point()
        point = (rp.y, rp.x)
        facts = {"geometry_type": geometry.geom_type, "bounds": list(geometry.bounds)}
        summary = f"{geometry.geom_type} from {name}"
    location_doc = {"label": label, "summary": summary, "query": location or at or geojson, **facts}
    kinds = list(targets) or list(TARGETS)
    scenarios = [Scenario(label=label, target=k, point=point, place=place, geometry=geometry, **common) for k in kinds]
    return scenarios, location_doc


def run_check(
    scenarios: Sequence[Scenario], treaties: Sequence[str] | None = None, rules: Sequence[str] | None = None
) -> list[Result]:
    book = rulebook(rules)
    assumed = scenarios[0].assume if scenarios else frozenset()
    facts = assumable_facts(book) if assumed else set()
    for fact in assumed:
        if fact not in facts:
            raise UsageError(
                f"--assume {fact}: no rule asks about that fact.",
                f"Facts the rules can assume: {', '.join(sorted(facts)) or 'none'}.",
            )
    results = []
    for sc in scenarios:
        results.extend(run_scenario(sc, book, treaties))
    # Group by article, then target, in the order treaties were encoded.
    order = {t: i for i, t in enumerate(treaties or book.treaties)}
    results.sort(key=lambda r: (order.get(r.treaty.id, 99), r.article["id"], TARGETS.index(r.target)))
    return results


def assumable_facts(book: RuleBook) -> set[str]:
    """The scenario facts (`--assume`) that some condition in the rules asks about."""
    roots = [
        v["targets"][t]
        for tr in book.treaties.values()
        for art in tr.articles
        for v in art["versions"]
        for t in v["targets"]
    ]
    return {n["assumed"] for root in roots for n in reachable(root, book) if isinstance(n.get("assumed"), str)}


def check(
    location: str | None = None,
    *,
    at: str | tuple[float, float] | None = None,
    geojson: str | None = None,
    target: str | Sequence[str] = (),
    party: str | None = None,
    date: str | dt.date | None = None,
    treaty: str | Sequence[str] | None = None,
    assume_member: Sequence[str] = (),
    assume: Sequence[str] = (),
    interpretations: dict[str, str] | None = None,
    territorial_sea: bool = False,
    rules: Sequence[str] | None = None,
    nearest: bool = True,
) -> list[Result]:
    """Python API: the same as `treatyscope check`, returning Result objects (see `treatyscope.check.Result`).
    `nearest=False` skips the search for the nearest covered place (verdicts only, much faster)."""
    if isinstance(at, tuple):
        at = f"{at[0]},{at[1]}"
    targets = [target] if isinstance(target, str) else list(target)
    treaties = [treaty] if isinstance(treaty, str) else (list(treaty) if treaty else None)
    scenarios, _ = build_scenarios(
        location=location,
        at=at,
        geojson=geojson,
        targets=targets,
        party=party,
        date=date,
        assume_member=assume_member,
        assume=assume,
        interpretation=interpretations or {},
        territorial_sea=territorial_sea,
        nearest=nearest,
    )
    return run_check(scenarios, treaties, rules)


def article_listing(treaty: str | None = None, rules: Sequence[str] | None = None) -> list[dict[str, Any]]:
    book = rulebook(rules)
    if treaty and treaty not in book.treaties:
        raise UsageError(f"Unknown treaty '{treaty}'.", f"Encoded treaties: {', '.join(book.treaties)}.")
    today = dt.date.today()
    out = []
    for t in book.treaties.values():
        if treaty and t.id != treaty:
            continue
        out.append(
            {
                "id": t.id,
                "name": t.name,
                "short_name": t.short_name,
                "signed": str(t.signed),
                "in_force": str(t.in_force),
                "ended": str(t.ended) if t.ended else None,
                "file": t.file,
                "parties_now": len(t.members_on(today)),
                "articles": [
                    {
                        "id": a["id"],
                        "number": a["number"],
                        "title": a["title"],
                        "verified": a.get("verified", True),
                        "versions": [
                            {
                                "id": v["id"],
                                "label": v["label"],
                                "from": v["from"],
                                "to": v.get("to"),
                                "verified": v.get("verified", True),
                            }
                            for v in a["versions"]
                        ],
                        "examples": len(a.get("examples", [])),
                    }
                    for a in t.articles
                ],
            }
        )
    return out


def article_detail(ref: str, rules: Sequence[str] | None = None) -> dict[str, Any]:
    book = rulebook(rules)
    treaty, art = book.article(ref)
    terms = set()
    for v in art["versions"]:
        for cond in v["targets"].values():
            terms |= terms_used(cond, book)
    used_sources = {
        art["source"],
        *(v["source"] for v in art["versions"]),
        *(e["source"] for e in art.get("examples", [])),
    }
    interps = []
    for term in sorted(terms):
        i = book.interpretations[term]
        interps.append(
            {
                "id": term,
                "term": i["term"],
                "question": i["question"],
                "note": i.get("note"),
                "readings": [
                    {"id": r["id"], "label": r["label"], "summary": r["summary"], "sources": r["sources"]}
                    for r in i["readings"]
                ],
            }
        )
        for r in i["readings"]:
            used_sources |= set(r["sources"])
    return {
        "treaty": {
            "id": treaty.id,
            "name": treaty.name,
            "signed": str(treaty.signed),
            "in_force": str(treaty.in_force),
            "ended": str(treaty.ended) if treaty.ended else None,
            "notes": treaty.notes,
        },
        "article": {k: v for k, v in art.items() if k != "examples"},
        "interpretations": interps,
        "examples": art.get("examples", []),
        "parties": treaty.parties,
        "sources": [book.source(s) for s in sorted(used_sources)],
    }


def covered_area(
    treaty: str,
    target: str = "territory",
    *,
    date: str | dt.date | None = None,
    party: str | None = None,
    interpretations: Sequence[str] | dict[str, str] = (),
    assume_member: Sequence[str] = (),
    assume: Sequence[str] = (),
    article: str | None = None,
    rules: Sequence[str] | None = None,
) -> Any:
    """Python API: the area an article covers for a target kind on a date, as shapely geometries (a CoveredArea:
    `.covered`, `.contested` as (which readings cover it, geometry) pairs, `.classify(lat, lon)`)."""
    from treatyscope.dates import parse_date
    from treatyscope.evaluation import check_pins
    from treatyscope.evaluation.coverage import covered_area as compute

    if target not in TARGETS:
        raise UsageError(f"Unknown target '{target}'.", f"Targets: {', '.join(TARGETS)}.")
    book = rulebook(rules)
    pins = dict(interpretations) if isinstance(interpretations, dict) else _pins(interpretations)
    check_pins(pins, book)
    on = date if isinstance(date, dt.date) else parse_date(date)
    members = [resolve_party(m) or m for m in assume_member]
    facts = assumable_facts(book)
    for fact in assume:
        if fact not in facts:
            raise UsageError(f"--assume {fact}: no rule asks about that fact.")
    return compute(book, treaty, target, on, resolve_party(party), pins, members, list(assume), article)


def area_map(
    location: str | None = None,
    *,
    at: str | tuple[float, float] | None = None,
    geojson: str | None = None,
    treaty: str = "nato",
    target: str = "territory",
    party: str | None = None,
    date: str | dt.date | None = None,
    interpretations: Sequence[str] | dict[str, str] = (),
    assume_member: Sequence[str] = (),
    assume: Sequence[str] = (),
    rules: Sequence[str] | None = None,
    extent: str | tuple[float, float, float, float] = "auto",
    size: tuple[int, int] = (1600, 1000),
    territorial_sea: bool = False,
) -> Any:
    """Python API: a matplotlib Figure of the article's area with the place marked and the verdict as its title
    (needs the `map` extra)."""
    if isinstance(at, tuple):
        at = f"{at[0]},{at[1]}"
    pins = dict(interpretations) if isinstance(interpretations, dict) else _pins(interpretations)
    scenarios, _ = build_scenarios(
        location=location,
        at=at,
        geojson=geojson,
        targets=[target],
        party=party,
        date=date,
        assume_member=assume_member,
        assume=assume,
        interpretation=pins,
        territorial_sea=territorial_sea,
    )
    return result_map(run_check(scenarios, [treaty], rules)[0], scenarios[0], rules, extent, size)


def result_map(
    result: Result,
    sc: Scenario,
    rules: Sequence[str] | None = None,
    extent: str | tuple[float, float, float, float] = "auto",
    size: tuple[int, int] = (1600, 1000),
) -> Any:
    """The map of a check result already computed (what `check --map` draws without checking again)."""
    from treatyscope.report.map import MapPlace, draw

    area = covered_area(
        result.treaty.id,
        result.target,
        date=sc.date,
        party=sc.party,
        interpretations=dict(sc.interpretations),
        assume_member=list(sc.assume_member),
        assume=list(sc.assume),
        article=result.article["id"],
        rules=rules,
    )
    geometry = sc.geometry
    if geometry is None and sc.place is not None and sc.place.is_area and sc.place.kind == "territory":
        from treatyscope.place.data import geodata

        geometry = geodata().territory_geom(sc.place.id)
    assert sc.point is not None
    place = MapPlace(sc.label, sc.point[0], sc.point[1], geometry)
    nearest = result.nearest if result.verdict != "applies" else None
    return draw(area, place, result.headline, nearest, extent, size)

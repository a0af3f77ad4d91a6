"""The Python API: the commands' work as functions returning objects, for notebooks and scripts.

>>> import treatyscope
>>> [str(r.verdict) for r in treatyscope.check("Taiwan", target="territory", treaty="nato", nearest=False)]
['does-not-apply']
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from treatyscope import result as facts
from treatyscope.errors import UsageError
from treatyscope.evaluation.bound import WhoIsBound, who_is_bound
from treatyscope.evaluation.check import check as check_scenario
from treatyscope.evaluation.timeline import FIRST_DAY, Timeline, timelines
from treatyscope.evaluation.would_take import WouldTake, what_it_would_take
from treatyscope.input.scenario import Scenario, build_scenarios
from treatyscope.input.selection import (
    check_assumed_members,
    check_assumptions,
    check_pins,
    check_targets,
    check_treaties,
    parse_assumed_members,
    parse_pins,
    resolve_party,
)
from treatyscope.periods import parse_date
from treatyscope.rules.kinds import TARGETS
from treatyscope.rules.load import rulebook
from treatyscope.rules.reach import terms_used


class Result(facts.Result):
    """A check's result (treatyscope.result.Result: the verdict, the reason code, the facts of each check) with its
    explanation in words, as `treatyscope check` prints it."""

    @property
    def headline(self) -> str:
        from treatyscope.report.explain import headline

        return headline(self)

    @property
    def reasons(self) -> list[str]:
        from treatyscope.report.explain import reasons

        return reasons(self)

    @property
    def checks(self) -> list[dict[str, Any]]:
        """The checks behind the verdict, as in the JSON output's `trace`."""
        return list(self.as_dict()["trace"])

    def as_dict(self) -> dict[str, Any]:
        """The result as in `check --format json`."""
        from treatyscope.report.check import result_dict

        return result_dict(self)


def _explained(r: facts.Result) -> Result:
    return Result(**{f.name: getattr(r, f.name) for f in dataclasses.fields(r)})


def run_check(
    scenarios: Sequence[Scenario], treaties: Sequence[str] | None = None, rules: Sequence[str] | None = None
) -> list[Result]:
    book = rulebook(rules)
    if scenarios:
        check_assumptions(scenarios[0].assume, book)
        check_assumed_members(scenarios[0].assume_member, book)
    selected = check_treaties(treaties, book) if treaties else None
    results = [_explained(r) for sc in scenarios for r in check_scenario(sc, book, selected)]
    results.sort(key=_in_order(selected or list(book.treaties)))
    return results


def would_take(
    results: Sequence[facts.Result], scenarios: Sequence[Scenario], rules: Sequence[str] | None = None
) -> list[WouldTake | None]:
    """For each result, what it would take for its article to apply (None: it applies, or a reading decides)."""
    book = rulebook(rules)
    by_target = {sc.target: sc for sc in scenarios}
    return [what_it_would_take(r, by_target[r.target], book) for r in results]


def _in_order(treaties: Sequence[str]) -> Callable[[facts.Result | Timeline], tuple[int, str, int]]:
    """By article, then target, in the order the treaties were encoded or asked for."""
    order = {t: i for i, t in enumerate(treaties)}

    def key(found: facts.Result | Timeline) -> tuple[int, str, int]:
        r = found.result if isinstance(found, Timeline) else found
        return (order.get(r.treaty.id, 99), r.article.id, TARGETS.index(r.target))

    return key


def check(
    location: str | None = None,
    *,
    at: str | tuple[float, float] | None = None,
    geojson: str | dict[str, Any] | None = None,
    target: str | Sequence[str] = (),
    party: str | None = None,
    date: str | dt.date | None = None,
    treaty: str | Sequence[str] | None = None,
    assume_member: Sequence[str] = (),
    assume: Sequence[str] = (),
    interpretations: Mapping[str, str] | None = None,
    territorial_sea: bool = True,
    rules: Sequence[str] | None = None,
    nearest: bool = True,
) -> list[Result]:
    """The same as `treatyscope check`: one Result per treaty article and target kind. `nearest=False` skips the
    search for the nearest covered place (verdicts only, much faster)."""
    scenarios = _scenarios(
        location, at, geojson, target, party, date, assume_member, assume, interpretations, territorial_sea, nearest
    )
    return run_check(scenarios, _treaties(treaty), rules)


def _scenarios(
    location: str | None,
    at: str | tuple[float, float] | None,
    geojson: str | dict[str, Any] | None,
    target: str | Sequence[str],
    party: str | None,
    date: str | dt.date | None,
    assume_member: Sequence[str],
    assume: Sequence[str],
    interpretations: Mapping[str, str] | None,
    territorial_sea: bool,
    nearest: bool,
) -> list[Scenario]:
    """The scenarios of the API's arguments, as the command line builds them from its options."""
    scenarios, _ = build_scenarios(
        location=location,
        at=f"{at[0]},{at[1]}" if isinstance(at, tuple) else at,
        geojson=geojson,
        targets=[target] if isinstance(target, str) else list(target),
        party=party,
        date=date,
        assume_member=assume_member,
        assume=assume,
        interpretation=interpretations or {},
        territorial_sea=territorial_sea,
        nearest=nearest,
    )
    return scenarios


def _treaties(treaty: str | Sequence[str] | None) -> list[str] | None:
    return [treaty] if isinstance(treaty, str) else (list(treaty) if treaty else None)


def obligations(
    location: str | None = None,
    *,
    at: str | tuple[float, float] | None = None,
    geojson: str | dict[str, Any] | None = None,
    target: str = "territory",
    party: str | None = None,
    date: str | dt.date | None = None,
    treaty: str | Sequence[str] | None = None,
    assume_member: Sequence[str] = (),
    assume: Sequence[str] = (),
    interpretations: Mapping[str, str] | None = None,
    territorial_sea: bool = True,
    rules: Sequence[str] | None = None,
) -> WhoIsBound:
    """The same as `treatyscope obligations`: every state bound to assist the attacked one (`.bound`, one
    BoundState per state with its duties strongest first), the suspended pairs and every article's answer."""
    results = check(
        location,
        at=at,
        geojson=geojson,
        target=target,
        party=party,
        date=date,
        treaty=treaty,
        assume_member=assume_member,
        assume=assume,
        interpretations=interpretations,
        territorial_sea=territorial_sea,
        rules=rules,
        nearest=False,
    )
    return who_is_bound(results)


def run_timeline(
    scenarios: Sequence[Scenario],
    first: dt.date,
    last: dt.date,
    treaties: Sequence[str] | None = None,
    rules: Sequence[str] | None = None,
) -> list[Timeline]:
    """One timeline per treaty article and target kind, in the order `run_check` gives."""
    if last < first:
        raise UsageError(
            f"--from {first.isoformat()} is after --to {last.isoformat()}.",
            f"Give --from before --to (--from is {FIRST_DAY.isoformat()} unless given).",
        )
    book = rulebook(rules)
    if scenarios:
        check_assumptions(scenarios[0].assume, book)
        check_assumed_members(scenarios[0].assume_member, book)
        check_pins(scenarios[0].interpretations, book)
    selected = check_treaties(treaties, book) if treaties else list(book.treaties)
    found = [t for sc in scenarios for t in timelines(sc, book, selected, first, last)]
    found.sort(key=_in_order(selected))
    return found


def timeline(
    location: str | None = None,
    *,
    at: str | tuple[float, float] | None = None,
    geojson: str | dict[str, Any] | None = None,
    target: str | Sequence[str] = (),
    party: str | None = None,
    start: str | dt.date | None = None,
    end: str | dt.date | None = None,
    treaty: str | Sequence[str] | None = None,
    assume_member: Sequence[str] = (),
    assume: Sequence[str] = (),
    interpretations: Mapping[str, str] | None = None,
    territorial_sea: bool = True,
    rules: Sequence[str] | None = None,
) -> list[Timeline]:
    """The same as `treatyscope timeline`: for each treaty article and target kind, the intervals from `start`
    (default 1945-01-01) to `end` (default today) over which the verdict stays the same, each with the result of
    its first day and what changed on that day (`Interval.changes`)."""
    first, last = timeline_span(start, end)
    scenarios = _scenarios(
        location, at, geojson, target, party, first, assume_member, assume, interpretations, territorial_sea, False
    )
    return run_timeline(scenarios, first, last, _treaties(treaty), rules)


def timeline_span(start: str | dt.date | None, end: str | dt.date | None) -> tuple[dt.date, dt.date]:
    """The first and last days of a timeline: as given (`--from`, `--to`), else 1945-01-01 and today."""
    return _day(start, "--from", FIRST_DAY), _day(end, "--to", dt.date.today())


def _day(value: str | dt.date | None, what: str, default: dt.date) -> dt.date:
    if isinstance(value, dt.date):
        return value
    if value is not None and not value.strip():  # an empty --from is not the default's 1945-01-01
        raise UsageError(f"{what} is empty.", f"Give a day, YYYY-MM-DD, or leave {what} out for {default}.")
    return default if value is None else parse_date(value, what)


def article_listing(treaty: str | None = None, rules: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Every encoded article (of one treaty), with its versions and their dates."""
    from treatyscope.report.words import article_called

    book = rulebook(rules)
    if treaty:
        check_treaties([treaty], book)
    today = dt.date.today()
    return [
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
                    "id": a.id,
                    "number": a.number,
                    "called": article_called(a, start=True),
                    "title": a.title,
                    "verified": a.verified,
                    "versions": [
                        {
                            "id": v.id,
                            "label": v.label,
                            "from": str(v.period.start),
                            "to": str(v.period.end) if v.period.end else None,
                            "verified": v.verified,
                        }
                        for v in a.versions
                    ],
                    "examples": len(a.examples),
                }
                for a in t.articles
            ],
        }
        for t in book.treaties.values()
        if not treaty or t.id == treaty
    ]


def article_detail(ref: str, rules: Sequence[str] | None = None) -> dict[str, Any]:
    """An article as written: its text, versions with what each covers, interpretations, examples, sources."""
    book = rulebook(rules)
    treaty, art = book.article(ref)
    terms = {t for v in art.versions for cond in v.targets.values() for t in terms_used(cond, book)}
    used_sources = {art.source, *(v.source for v in art.versions), *(e.source for e in art.examples)}
    interps = []
    for term in sorted(terms):
        i = book.interpretations[term]
        readings = [
            {"id": r.id, "label": r.label, "summary": r.summary, "sources": list(r.sources)} for r in i.readings
        ]
        interps.append({"id": term, "term": i.term, "question": i.question, "note": i.note, "readings": readings})
        used_sources |= {s for r in i.readings for s in r.sources}
    treaty_doc = {
        "id": treaty.id,
        "name": treaty.name,
        "signed": str(treaty.signed),
        "in_force": str(treaty.in_force),
        "ended": str(treaty.ended) if treaty.ended else None,
        "notes": list(treaty.notes),
    }
    parties = [
        {"code": p.code, "from": str(p.period.start), **({"to": str(p.period.end)} if p.period.end else {})}
        for p in treaty.parties
    ]
    examples = [
        {k: v for k, v in dataclasses.asdict(e).items() if v not in (None, (), {}, False)} | {"date": str(e.date)}
        for e in art.examples
    ]
    return {
        "treaty": treaty_doc,
        "article": dict(art.data),
        "interpretations": interps,
        "examples": examples,
        "parties": parties,
        "sources": [book.source(s).as_dict() for s in sorted(used_sources)],
    }


def where_document(at: str, date: str | dt.date | None = None, territorial_sea: bool = True) -> dict[str, Any]:
    """What `treatyscope where --format json` prints: the territory or sea a point is in, and its facts."""
    from treatyscope.input.coords import parse_coordinates
    from treatyscope.place.describe import location_facts
    from treatyscope.place.locate import locate

    point = parse_coordinates(at)
    on = date if isinstance(date, dt.date) else parse_date(date)
    facts = location_facts(locate(*point, territorial_sea=territorial_sea), on)
    return {"schema": "treatyscope.where/1", "query": at, **facts}


def places_document(query: str, date: str | dt.date | None = None) -> dict[str, Any]:
    """What `treatyscope places --format json` prints: what and where a place is, and whose; other matches."""
    from treatyscope.place.describe import place_facts
    from treatyscope.place.gazetteer import label, resolve_place, search

    on = date if isinstance(date, dt.date) else parse_date(date)
    place = resolve_place(query)
    _, others = search(query)
    also = [{"ref": o.ref, "label": label(o)} for o in others if o.ref != place.ref]
    return {"schema": "treatyscope.places/1", "query": query, "place": place_facts(place, on), "also_matches": also}


def covered_area(
    treaty: str,
    target: str = "territory",
    *,
    date: str | dt.date | None = None,
    party: str | None = None,
    interpretations: Sequence[str] | Mapping[str, str] = (),
    assume_member: Sequence[str] = (),
    assume: Sequence[str] = (),
    article: str | None = None,
    rules: Sequence[str] | None = None,
    territorial_sea: bool = True,
) -> Any:
    """The area an article covers for a target kind on a date, as shapely geometries (a CoveredArea: `.covered`,
    `.contested` as (which readings cover it, geometry) pairs, `.classify(lat, lon)`). With
    `territorial_sea=False` the territorial seas count as sea, not as their coast's territory."""
    from treatyscope.evaluation.coverage import covered_area as compute

    check_targets([target])
    book = rulebook(rules)
    pins = parse_pins(interpretations)
    check_pins(pins, book)
    check_assumptions(assume, book)
    on = date if isinstance(date, dt.date) else parse_date(date)
    members = sorted(parse_assumed_members(assume_member))
    check_assumed_members(members, book)
    return compute(
        book, treaty, target, on, resolve_party(party), pins, members, list(assume), article, territorial_sea
    )


def area_map(
    location: str | None = None,
    *,
    at: str | tuple[float, float] | None = None,
    geojson: str | dict[str, Any] | None = None,
    treaty: str = "nato",
    target: str = "territory",
    party: str | None = None,
    date: str | dt.date | None = None,
    interpretations: Sequence[str] | Mapping[str, str] = (),
    assume_member: Sequence[str] = (),
    assume: Sequence[str] = (),
    rules: Sequence[str] | None = None,
    extent: str | tuple[float, float, float, float] = "auto",
    size: tuple[int, int] = (1600, 1000),
    territorial_sea: bool = True,
) -> Any:
    """A matplotlib Figure of the article's area with the place marked and the verdict as its title (needs the
    `map` extra)."""
    if isinstance(at, tuple):
        at = f"{at[0]},{at[1]}"
    scenarios, _ = build_scenarios(
        location=location,
        at=at,
        geojson=geojson,
        targets=[target],
        party=party,
        date=date,
        assume_member=assume_member,
        assume=assume,
        interpretation=parse_pins(interpretations),
        territorial_sea=territorial_sea,
    )
    return result_map(run_check(scenarios, [treaty], rules)[0], scenarios[0], rules, extent, size)


def result_map(
    result: facts.Result,
    sc: Scenario,
    rules: Sequence[str] | None = None,
    extent: str | tuple[float, float, float, float] = "auto",
    size: tuple[int, int] = (1600, 1000),
) -> Any:
    """The map of a check result already computed (what `check --map` draws without checking again)."""
    from treatyscope.place.data import geodata
    from treatyscope.report.explain import headline
    from treatyscope.report.map import MapPlace, draw

    area = covered_area(
        result.treaty.id,
        result.target,
        date=sc.date,
        party=sc.party,
        interpretations=dict(sc.interpretations),
        assume_member=list(sc.assume_member),
        assume=list(sc.assume),
        article=result.article.id,
        rules=rules,
        territorial_sea=sc.territorial_sea,
    )
    geometry = sc.geometry
    if geometry is None and sc.place is not None and sc.place.is_area and sc.place.kind == "territory":
        geometry = geodata().territory_geom(sc.place.id)
    assert sc.point is not None
    place = MapPlace(sc.label, sc.point[0], sc.point[1], geometry)
    nearest = result.nearest if result.verdict != "applies" else None
    return draw(area, place, headline(result), nearest, extent, size)


__all__ = [
    "Result",
    "area_map",
    "article_detail",
    "article_listing",
    "build_scenarios",
    "check",
    "covered_area",
    "resolve_party",
    "result_map",
    "rulebook",
    "run_check",
]

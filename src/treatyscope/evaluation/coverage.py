"""The area an article covers, as geometry: what `treatyscope area` exports and `treatyscope map` draws.

The world is the partition of place.drawing: regions uniform in every fact a rule reads (land parts, coastal bands,
named seas, gap fills, open water and the curated features, with `locate`'s precedence), cut along every parallel
and polygon the rule draws. Each region is answered as `check` answers an area: for the target kind, on the date,
under every combination of the readings that matter (and, for territory with no party named, as its sovereign's
and as its controller's). A region covered under every combination is *covered*; one covered under some is
*contested*, with the readings that cover it. Because the regions are exactly what `locate` tells apart, the drawing
agrees with `check` at every point, coasts included (tests/test_area.py checks it on random points).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from treatyscope import cache
from treatyscope.errors import UsageError
from treatyscope.evaluation.parties import defended
from treatyscope.evaluation.scope import Question, atom_results
from treatyscope.evaluation.subjects import holding_split, land_subject, measure, point_subject
from treatyscope.input.scenario import Scenario
from treatyscope.input.selection import check_pins, check_treaties
from treatyscope.place.data import GeoData, geodata
from treatyscope.place.drawing import Region, coverage_union, drawing
from treatyscope.place.subject import Subject
from treatyscope.place.world import SETTINGS, World, world
from treatyscope.rules.language import Article, RuleBook, Treaty, Truth, Version
from treatyscope.rules.reach import lines

WHOSE = "whose-territory"  # the pseudo-term for land held by one state and controlled by another
_STORE = cache.Store("areas")


@dataclass(frozen=True, slots=True)
class CoveredIf:
    """Which readings cover a contested part: for each term that decides, the readings under which it is covered
    (`terms`); or, where no one or two terms decide, how many of the combinations cover it; `unknown`: a fact the
    rule asks about is not known there."""

    terms: tuple[tuple[str, tuple[str, ...]], ...] = ()
    combinations: tuple[int, int] | None = None
    unknown: bool = False


@dataclass
class CoveredArea:
    """An article's scope for one target kind on one date, as geometry (longitude/latitude, WGS 84)."""

    book: RuleBook
    treaty: Treaty
    article: Article
    version: Version | None
    target: str
    date: dt.date
    party: str | None
    pinned: dict[str, str]
    covered: BaseGeometry  # covered under every reading
    contested: list[tuple[CoveredIf, BaseGeometry]] = field(default_factory=list)
    parallels: list[float] = field(default_factory=list)  # latitudes the rule draws (e.g. the Tropic of Cancer)
    terms: list[str] = field(default_factory=list)  # the interpretations that matter somewhere
    in_force: bool = True  # the treaty and a text of the article were in force on the date

    def classify(self, lat: float, lon: float) -> str:
        """'applies', 'contested' or 'does-not-apply' at a point, as drawn."""
        p = shapely.Point(lon, lat)
        if self.covered.covers(p):
            return "applies"
        if any(g.covers(p) for _, g in self.contested):
            return "contested"
        return "does-not-apply"


def covered_area(
    book: RuleBook,
    treaty_id: str,
    target: str,
    date: dt.date,
    party: str | None = None,
    interpretations: dict[str, str] | None = None,
    assume_member: Sequence[str] = (),
    assume: Sequence[str] = (),
    article_id: str | None = None,
    territorial_sea: bool = True,
) -> CoveredArea:
    check_treaties([treaty_id], book)
    treaty = book.treaties[treaty_id]
    articles = [a for a in treaty.articles if article_id in (None, a.id)]
    if not articles:
        raise UsageError(f"Treaty '{treaty_id}' has no article '{article_id}'.")
    article = articles[0]
    pinned = dict(interpretations or {})
    check_pins(pinned, book)
    version = article.version_on(date)
    empty = shapely.MultiPolygon()
    if version is None or date not in treaty.life:
        return CoveredArea(book, treaty, article, version, target, date, party, pinned, empty, in_force=False)
    key = cache.key(book.digest, treaty_id, article.id, target, date, party, pinned, assume_member, assume)
    if not territorial_sea:
        key = cache.key(key, "without territorial seas")

    def compute() -> tuple[BaseGeometry, list[tuple[CoveredIf, BaseGeometry]], list[str]]:
        where = world_subjects(date, geodata(), territorial_sea)
        return _compute(book, treaty, version, target, date, party, pinned, assume_member, assume, where)

    every, contested, terms = _STORE.kept(key, _decode, compute, lambda found: _encode(*found))
    lats, _ = lines(version.targets[target], book, date)
    return CoveredArea(book, treaty, article, version, target, date, party, pinned, every, contested, lats, terms)


# ------------------------------------------------------------------------------------------------- computing


def world_subjects(on: dt.date, data: GeoData, territorial_sea: bool = True) -> list[Subject]:
    """Every region of place.drawing as a subject with its facts on the date; `setting` names its layer."""
    w = world(data, territorial_sea)
    return [_subject(r, on, data, w) for r in drawing(data, territorial_sea).regions if not r.geom.is_empty]


def _subject(r: Region, on: dt.date, data: GeoData, w: World) -> Subject:
    rp = r.geom.representative_point()
    common: dict[str, Any] = {"lat": rp.y, "lon": rp.x, "point_like": False, "geom": r.geom}
    common["area_km2"] = measure(r.geom)
    if r.feature is not None:
        f = w.features[r.feature]
        loc = w.location(r.atom if r.atom is not None else -1, rp.y, rp.x, f)
        return replace(point_subject(loc, on, f.name, data), **common, setting="feature")
    if r.group is not None:
        piece, island, seas = r.group
        sea_id = data.sea_list[r.sea].id if r.sea is not None else None
        return land_subject(data, piece, island, seas, r.geom, on, SETTINGS[r.layer], sea_id)
    if r.sea is not None:
        sea = data.sea_list[r.sea]
        return Subject(label=sea.name, **common, sea=sea.id, setting=r.layer.name.lower())
    return Subject(label="open water", **common, setting="open")


def _compute(
    book: RuleBook,
    treaty: Treaty,
    version: Version,
    target: str,
    date: dt.date,
    party: str | None,
    pinned: dict[str, str],
    assume_member: Sequence[str],
    assume: Sequence[str],
    subjects: list[Subject],
) -> tuple[BaseGeometry, list[tuple[CoveredIf, BaseGeometry]], list[str]]:
    cond = version.targets[target]
    members = defended(treaty, date, assume_member)
    base = Scenario(
        "the world",
        target,
        date,
        party=party,
        assume_member=frozenset(assume_member),
        assume=frozenset(assume),
        interpretations=pinned,
    )
    data = geodata()
    atoms, combos, results = atom_results(Question(book, treaty, cond, base, members, party), subjects, data)
    if target == "territory" and party is None and holding_split(atoms):
        q = Question(book, treaty, cond, replace(base, holder="controller"), members, party)
        _, combos2, results2 = atom_results(q, subjects, data)
        combos = [{**c, WHOSE: "sovereign"} for c in combos] + [{**c, WHOSE: "controller"} for c in combos2]
        results = results + results2
    terms = sorted({t for c in combos for t in c})
    answers = [tuple(row[k] for row in results) for k in range(len(atoms))]
    every: BaseGeometry = shapely.MultiPolygon()
    merged: dict[CoveredIf, list[BaseGeometry]] = {}
    for answer, g in _draw(atoms, answers).items():
        if all(a is True for a in answer):
            every = g
        else:
            merged.setdefault(covered_if(answer, combos), []).append(g)
    contested = sorted(((c, polygons(coverage_union(gs))) for c, gs in merged.items()), key=lambda x: repr(x[0]))
    return every, contested, terms


def _draw(atoms: list[Subject], answers: list[tuple[Truth, ...]]) -> dict[tuple[Truth, ...], BaseGeometry]:
    """The region of each answer that is not all False: the union of the regions (cut along the rule's lines)
    that give it. They partition the world edge to edge (place.drawing), so the union is a coverage union."""
    by_answer: dict[tuple[Truth, ...], list[BaseGeometry]] = {}
    for a, answer in zip(atoms, answers, strict=True):
        if not all(x is False for x in answer):
            by_answer.setdefault(answer, []).append(a.geom)
    return {answer: polygons(coverage_union(geoms)) for answer, geoms in by_answer.items()}


def covered_if(answers: tuple[Truth, ...], combos: list[dict[str, str]]) -> CoveredIf:
    """Which readings cover an atom: the fewest terms whose readings decide (one term, else two together)."""
    if any(a is None for a in answers):
        return CoveredIf(unknown=True)
    covering = [c for c, a in zip(combos, answers, strict=True) if a]
    terms = sorted({t for c in combos for t in c})
    for group in [(t,) for t in terms] + [(t, u) for i, t in enumerate(terms) for u in terms[i + 1 :]]:
        readings = [{c[t] for c in covering} for t in group]
        if all(
            all(c[t] in r for t, r in zip(group, readings, strict=True)) == bool(a)
            for c, a in zip(combos, answers, strict=True)
        ):
            return CoveredIf(tuple((t, tuple(sorted(r))) for t, r in zip(group, readings, strict=True)))
    return CoveredIf(combinations=(len(covering), len(combos)))


def polygons(g: BaseGeometry) -> BaseGeometry:
    """Only the areal parts (unions and differences can leave slivers of lines and points)."""
    parts = [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon") and not p.is_empty]
    polys = [q for p in parts for q in shapely.get_parts(p)]
    return shapely.MultiPolygon(polys) if polys else shapely.MultiPolygon()


# ------------------------------------------------------------------------------------------------- caching


def land_union(data: GeoData) -> BaseGeometry:
    """All land as one geometry (for maps; built once and kept on disk)."""
    return drawing(data).land


def _encode(every: BaseGeometry, contested: list[tuple[CoveredIf, BaseGeometry]], terms: list[str]) -> bytes:
    import json

    doc = {
        "covered": shapely.to_wkb(every).hex(),
        "contested": [[_if_json(c), shapely.to_wkb(g).hex()] for c, g in contested],
        "terms": terms,
    }
    return json.dumps(doc).encode()


def _if_json(c: CoveredIf) -> dict[str, Any]:
    return {"terms": [[t, list(r)] for t, r in c.terms], "combinations": c.combinations, "unknown": c.unknown}


def _decode(raw: bytes) -> tuple[BaseGeometry, list[tuple[CoveredIf, BaseGeometry]], list[str]]:
    import json

    doc = json.loads(raw)
    every = shapely.from_wkb(bytes.fromhex(doc["covered"]))
    contested = []
    for c, wkb in doc["contested"]:
        combos = tuple(c["combinations"]) if c["combinations"] else None
        covered = CoveredIf(tuple((t, tuple(r)) for t, r in c["terms"]), combos, bool(c["unknown"]))
        contested.append((covered, shapely.from_wkb(bytes.fromhex(wkb))))
    return every, contested, list(doc["terms"])

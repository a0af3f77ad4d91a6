"""The area an article covers, as geometry: what `treatyscope area` exports and `treatyscope map` draws.

The world is cut into the atoms an area check uses — land pieces (uniform in island flag and adjoining seas), the
curated small features, and the named seas — along every parallel and polygon the rule draws, and each atom is
answered as `check` answers an area: for the target kind, on the date, under every combination of the readings
that matter (and, for territory with no party named, as its sovereign's and as its controller's). An atom covered
under every combination is *covered*; one covered under some is *contested*, labelled with the readings that
cover it. Precedence follows `locate`: a curated feature over the land or sea under it, land over sea. A curated
feature is drawn as its radius around its centre (a 32-sided polygon, stretched by the cosine of its latitude).

Two rules of `check` are not drawn: a point in a coastal band (the sea within 2 km of a coast) counts as on that
coast, and a point in a gap between the named seas and the land takes the nearest sea within 60 km. Both are
polygons (geodata/coast.geom, gaps.geom) that `check` and `batch` read, but drawing them as atoms here makes a new
area five times slower to compute; near coasts the drawing follows the data's coastline, and `check` remains the
authority for a single place.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from treatyscope.engine import Subject, split_lines
from treatyscope.errors import UsageError
from treatyscope.evaluation import (
    Scenario,
    _version_on,
    area_atoms,
    atom_results,
    attackable,
    holding_split,
    point_subject,
    still_bound,
)
from treatyscope.place.data import GeoData, geodata
from treatyscope.place.locate import locate
from treatyscope.place.sphere import KM_PER_DEGREE_LAT
from treatyscope.rules.load import RuleBook, TreatyRules

WHOSE = "whose territory"
DRAWING_NOTE = (
    "Drawn from the vendored land and sea data. Within 2 km of a coast, and in gaps between the named seas and the "
    "land, 'treatyscope check' (which treats such points as on the coast, or in the nearest sea) is the authority."
)  # the pseudo-term for land held by one state and controlled by another


@dataclass
class CoveredArea:
    """An article's scope for one target kind on one date, as geometry (longitude/latitude, WGS 84)."""

    treaty: TreatyRules
    article: dict[str, Any]
    version: dict[str, Any] | None
    target: str
    date: dt.date
    party: str | None
    pinned: dict[str, str]
    covered: BaseGeometry  # covered under every reading
    contested: list[tuple[str, BaseGeometry]] = field(default_factory=list)  # (which readings cover it, area)
    parallels: list[float] = field(default_factory=list)  # latitudes the rule draws (e.g. the Tropic of Cancer)
    terms: list[str] = field(default_factory=list)  # the interpretations that matter somewhere
    note: str = ""

    @property
    def label(self) -> str:
        return f"{self.treaty.short_name} Article {self.article['number']}"

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
) -> CoveredArea:
    if treaty_id not in book.treaties:
        raise UsageError(f"Unknown treaty '{treaty_id}'.", f"Encoded treaties: {', '.join(book.treaties)}.")
    treaty = book.treaties[treaty_id]
    articles = [a for a in treaty.articles if article_id in (None, a["id"])]
    if not articles:
        raise UsageError(f"Treaty '{treaty_id}' has no article '{article_id}'.")
    article = articles[0]
    pinned = dict(interpretations or {})
    version = _version_on(article, date)
    in_force = treaty.in_force <= date and (treaty.ended is None or date < treaty.ended)
    empty = shapely.MultiPolygon()
    if version is None or not in_force:
        why = "no text of the article was in force" if in_force else "the treaty was not in force"
        return CoveredArea(treaty, article, version, target, date, party, pinned, empty, note=f"{why} on {date}")
    key = _cache_key(book, treaty_id, article["id"], target, date, party, pinned, assume_member, assume)
    cached = _cache_get(key)
    if cached is not None:
        every, contested, terms = cached
    else:
        every, contested, terms = _compute(
            book, treaty, version, target, date, party, pinned, assume_member, assume, geodata()
        )
        _cache_put(key, every, contested, terms)
    lats, _ = split_lines(version["targets"][target], book, date)
    return CoveredArea(treaty, article, version, target, date, party, pinned, every, contested, sorted(lats), terms)


# ------------------------------------------------------------------------------------------------- computing


def _members(treaty: TreatyRules, on: dt.date, assume_member: Sequence[str]) -> frozenset[str]:
    """The states an attack can be on, without those toward whom no Party remains bound (as `check` decides)."""
    parties, members = attackable(treaty, on, assume_member)
    return members - {c for c in members if treaty.suspended_toward(c, on) and not still_bound(treaty, c, parties, on)}


def world_subjects(on: dt.date, data: GeoData) -> list[Subject]:
    """Every land piece, curated feature and named sea, as atoms with their facts on the date."""
    land = area_atoms(range(len(data.piece_ids)), on, data)
    features = [f for f in (_feature_atom(f.id, on, data) for f in data.features.values()) if f is not None]
    seas = [
        Subject(
            label=s.name,
            lat=s.cap[0],
            lon=s.cap[1],
            point_like=False,
            geom=data.sea_geoms([s.index])[0],
            area_km2=s.area_km2,
            sea=s.id,
        )
        for s in data.sea_list
    ]
    return land + features + seas


def _feature_atom(fid: str, on: dt.date, data: GeoData) -> Subject | None:
    """A curated feature as `check` sees it at its centre: a disc of its radius at sea, or the island it is on."""
    f = data.features[fid]
    if f.is_group and data.group_members(f.id):
        return None  # its members stand for it
    loc = locate(f.lat, f.lon, data=data)
    if loc.feature is None or loc.feature.id != f.id:
        return None  # the land data holds it, and `check` answers for that land
    subject = point_subject(loc, on, f.name, data)
    r = f.radius_km / KM_PER_DEGREE_LAT
    disc = shapely.affinity.scale(
        shapely.Point(f.lon, f.lat).buffer(r, 32), 1 / max(0.05, math.cos(math.radians(f.lat))), 1.0
    )
    geom = shapely.intersection(disc, shapely.box(-180, -90, 180, 90))
    if f.within is not None:
        # On land, within its radius and on the island or coast its centre is on (as `locate` decides).
        covering = [i for i in range(len(data.piece_ids)) if data.piece_territory[i] == f.within]
        point = shapely.Point(f.lon, f.lat)
        parts = [p for i in covering for p in shapely.get_parts(data.piece_geoms([i])[0])]
        if not parts:
            return None
        component = min(parts, key=lambda p: 0.0 if p.covers(point) else p.distance(point))
        geom = shapely.intersection(geom, component)
    return replace(subject, geom=geom)


def _compute(
    book: RuleBook,
    treaty: TreatyRules,
    version: dict[str, Any],
    target: str,
    date: dt.date,
    party: str | None,
    pinned: dict[str, str],
    assume_member: Sequence[str],
    assume: Sequence[str],
    data: GeoData,
) -> tuple[BaseGeometry, list[tuple[str, BaseGeometry]], list[str]]:
    cond = version["targets"][target]
    members = _members(treaty, date, assume_member)
    base = Scenario(
        label="the world",
        target=target,
        date=date,
        party=party,
        assume_member=frozenset(assume_member),
        assume=frozenset(assume),
        interpretations=pinned,
    )
    subjects = world_subjects(date, data)
    atoms, combos, results = atom_results(base, book, treaty, cond, subjects, members, party, data)
    split = target == "territory" and party is None and holding_split(atoms)
    if split:
        other = replace(base, holder="controller")
        _, combos2, results2 = atom_results(other, book, treaty, cond, subjects, members, party, data)
        combos = [{**c, WHOSE: "sovereign"} for c in combos] + [{**c, WHOSE: "controller"} for c in combos2]
        results = results + results2
    terms = sorted({t for c in combos for t in c})
    # Group atoms by their answers across the combinations.
    groups: dict[tuple[bool | None, ...], dict[str, list[BaseGeometry]]] = {}
    for k, atom in enumerate(atoms):
        answers = tuple(row[k] for row in results)
        if all(a is False for a in answers):
            continue
        kind = "feature" if atom.feature else "land" if atom.territory else "sea"
        groups.setdefault(answers, {"feature": [], "land": [], "sea": []})[kind].append(atom.geom)
    features_all = shapely.union_all([a.geom for a in atoms if a.feature])
    above_sea = shapely.union(land_union(data), features_all)  # what hides the sea under it

    def drawn(parts: dict[str, list[BaseGeometry]]) -> BaseGeometry:
        f = shapely.union_all(parts["feature"]) if parts["feature"] else shapely.MultiPolygon()
        land = shapely.union_all(parts["land"]) if parts["land"] else shapely.MultiPolygon()
        sea = shapely.union_all(parts["sea"]) if parts["sea"] else shapely.MultiPolygon()
        land = shapely.difference(land, features_all) if not land.is_empty else land
        sea = shapely.difference(sea, above_sea) if not sea.is_empty else sea
        return _polygons(shapely.union_all([f, land, sea]))

    every: BaseGeometry = shapely.MultiPolygon()
    contested: list[tuple[str, BaseGeometry]] = []
    for answers, parts in groups.items():
        g = drawn(parts)
        if g.is_empty:
            continue
        if all(a is True for a in answers):
            every = g
        else:
            contested.append((_covered_if(answers, combos, book), g))
    # Groups with the same label are drawn as one.
    merged: dict[str, list[BaseGeometry]] = {}
    for label, g in contested:
        merged.setdefault(label, []).append(g)
    contested = sorted(((label, _polygons(shapely.union_all(gs))) for label, gs in merged.items()), key=lambda x: x[0])
    return every, contested, terms


def _covered_if(answers: tuple[bool | None, ...], combos: list[dict[str, str]], book: RuleBook) -> str:
    """Which readings cover an atom, in words: 'covered if TERM = READING', or the combinations."""
    if any(a is None for a in answers):
        return "unknown: a fact the rule asks about is not known here"
    covering = [c for c, a in zip(combos, answers, strict=True) if a]
    terms = sorted({t for c in combos for t in c})

    def name(term: str) -> str:
        return str(book.interpretations[term]["term"]) if term in book.interpretations else term

    # The fewest terms whose readings decide: one term, else two together.
    for group in [(t,) for t in terms] + [(t, u) for i, t in enumerate(terms) for u in terms[i + 1 :]]:
        readings = [{c[t] for c in covering} for t in group]
        if all(
            all(c[t] in r for t, r in zip(group, readings, strict=True)) == bool(a)
            for c, a in zip(combos, answers, strict=True)
        ):
            return "covered if " + " and ".join(
                f"{name(t)} = {' or '.join(sorted(r))}" for t, r in zip(group, readings, strict=True)
            )
    return f"covered under {len(covering)} of {len(combos)} combinations of readings"


def _polygons(g: BaseGeometry) -> BaseGeometry:
    """Only the areal parts (unions and differences can leave slivers of lines and points)."""
    parts = [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon") and not p.is_empty]
    polys = [q for p in parts for q in shapely.get_parts(p)]
    return shapely.MultiPolygon(polys) if polys else shapely.MultiPolygon()


# ------------------------------------------------------------------------------------------------- caching


def land_union(data: GeoData) -> BaseGeometry:
    """All land as one geometry (about 5 s to build; kept on disk next to the other caches)."""
    global _LAND
    if _LAND is not None:
        return _LAND
    path = _cache_path(f"land-{_geodata_digest(data)}.wkb")
    if path is not None and path.exists():
        _LAND = shapely.from_wkb(path.read_bytes())
    else:
        _LAND = shapely.union_all(data.piece_geoms(list(range(len(data.piece_ids)))))
        if path is not None:
            _write(path, shapely.to_wkb(_LAND))
    shapely.prepare(_LAND)
    return _LAND


_LAND: BaseGeometry | None = None


def _geodata_digest(data: GeoData) -> str:
    return hashlib.sha256((data.root / "PROVENANCE.json").read_bytes()).hexdigest()[:16]


def _cache_key(book: RuleBook, *parts: Any) -> str:
    from treatyscope.paths import code_digest

    text = json.dumps(
        [book.digest or book.files, _geodata_digest(geodata()), code_digest(), *parts], default=str, sort_keys=True
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _cache_path(name: str) -> Any:
    from treatyscope.rules.load import _cache_dir

    base = _cache_dir()
    return None if base is None else base / "areas" / name


def _cache_get(key: str) -> tuple[BaseGeometry, list[tuple[str, BaseGeometry]], list[str]] | None:
    path = _cache_path(f"{key}.json")
    if path is None or not path.exists():
        return None
    try:
        doc = json.loads(path.read_text())
        every = shapely.from_wkb(bytes.fromhex(doc["covered"]))
        contested = [(label, shapely.from_wkb(bytes.fromhex(wkb))) for label, wkb in doc["contested"]]
        return every, contested, list(doc["terms"])
    except (OSError, ValueError, KeyError, shapely.errors.GEOSException):
        return None  # a damaged cache entry is recomputed


def _cache_put(key: str, every: BaseGeometry, contested: list[tuple[str, BaseGeometry]], terms: list[str]) -> None:
    path = _cache_path(f"{key}.json")
    if path is None:
        return
    doc = {
        "covered": shapely.to_wkb(every).hex(),
        "contested": [[label, shapely.to_wkb(g).hex()] for label, g in contested],
        "terms": terms,
    }
    _write(path, json.dumps(doc).encode())


def _write(path: Any, content: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(content)
        tmp.replace(path)
    except OSError:
        pass  # caching is an optimisation: a read-only home still works


# ------------------------------------------------------------------------------------------------- GeoJSON


def to_geojson(area: CoveredArea, precision: int = 6) -> dict[str, Any]:
    """RFC 7946: a FeatureCollection in WGS 84 longitude/latitude, exterior rings counter-clockwise, nothing
    crossing the antimeridian (parts are split there), with properties naming the article, version, date and
    readings."""
    common = {
        "treaty": area.treaty.id,
        "article": area.article["id"],
        "article_label": area.label,
        "version": area.version["id"] if area.version else None,
        "version_label": area.version["label"] if area.version else None,
        "target": area.target,
        "date": area.date.isoformat(),
        "party": area.party,
        "interpretations": area.pinned,
        "readings_that_matter": area.terms,
    }
    features = []
    if not area.covered.is_empty:
        features.append(_feature(area.covered, {**common, "status": "covered"}, precision))
    for label, g in area.contested:
        features.append(_feature(g, {**common, "status": "contested", "covered_if": label}, precision))
    return {
        "type": "FeatureCollection",
        "properties": {
            **common,
            "note": area.note or DRAWING_NOTE,
            "attribution": "Made with Natural Earth; seas after Natural Earth marine polygons; see geodata/README.md",
        },
        "features": features,
    }


def _feature(g: BaseGeometry, properties: dict[str, Any], precision: int) -> dict[str, Any]:
    from shapely.geometry import mapping
    from shapely.geometry.polygon import orient

    # Snap to the output precision keeping the result valid (a plain rounding could make slivers cross).
    snapped = _polygons(shapely.set_precision(g, 10.0**-precision))
    geom = shapely.MultiPolygon([orient(p, sign=1.0) for p in shapely.get_parts(snapped)])
    return {"type": "Feature", "properties": properties, "geometry": mapping(geom)}

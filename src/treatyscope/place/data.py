"""The vendored geographic data, loaded lazily: a query reads only the files and geometries it needs.

Land is a partition into *pieces* (Natural Earth admin-1 units, some clipped by geodata/curated/splits.yaml);
each piece belongs to one *leaf* territory, and a *composite* territory (a country split into parts, such as the
United States into Alaska, Hawaii and the conterminous states) is a list of leaves. Seas are Natural Earth's named
marine polygons, grouped into families by geodata/curated/seas.yaml.

Sovereignty, administration and claims are facts with dates, kept in geodata/curated/status.yaml; where a
territory has no entry there, Natural Earth's sovereign is assumed for all dates (see `Status.recorded`).
"""

from __future__ import annotations

import datetime as dt
import json
import mmap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from shapely.geometry.base import BaseGeometry

from treatyscope.errors import DataError
from treatyscope.paths import geodata_dir
from treatyscope.place.pack import GeometryPack


def load_yaml(path: Path) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=loader)


@dataclass(frozen=True)
class Source:
    title: str
    url: str = ""
    quality: str = ""  # P primary/official, S scholarly, N news, T third-party transcription

    def cite(self) -> str:
        q = {"P": "primary", "S": "scholarly", "N": "news", "T": "third-party"}.get(self.quality, self.quality)
        return f"{self.title}" + (f" <{self.url}>" if self.url else "") + (f" [{q}]" if q else "")


def _source(raw: Any) -> Source | None:
    if not raw:
        return None
    return Source(str(raw.get("title", "")), str(raw.get("url", "") or ""), str(raw.get("quality", "") or ""))


@dataclass(frozen=True)
class Status:
    """Who holds a place on a date. `claimed_by` lists every claimant, the holder included; empty if undisputed."""

    sovereign: str | None
    administered_by: str | None
    claimed_by: tuple[str, ...] = ()
    start: dt.date | None = None  # inclusive
    end: dt.date | None = None  # exclusive
    note: str = ""
    source: Source | None = None
    unverified: bool = False
    recorded: bool = True  # False: no dated record; Natural Earth's sovereign assumed

    @property
    def disputed(self) -> bool:
        return self.sovereign is None or any(c != self.sovereign for c in self.claimed_by)


@dataclass(frozen=True)
class Lineage:
    """A state and the one before it: `continues` (it carries on the other's international personality, which it
    stands for before `until`), or a successor that does not (it did not exist before `until`)."""

    state: str
    predecessor: str
    continues: bool
    until: dt.date | None
    note: str
    source: Source | None


@dataclass(frozen=True, eq=False, repr=False)
class Territory:
    id: str
    name: str
    level: str  # "unit" (a whole Natural Earth admin-0 unit), "part" (split out of one), "composite"
    aliases: tuple[str, ...]
    iso_3166_1: tuple[str, ...]
    iso_3166_2: tuple[str, ...]
    ne_sovereign: str
    continents: dict[str, float]  # continent -> share of area ("none" for open-ocean islands)
    island: str  # "yes", "no", "partly"
    island_share: float
    area_km2: float
    point: tuple[float, float]  # (lat, lon), a point inside
    bbox: tuple[float, float, float, float]
    pieces: tuple[int, ...]
    composite: str | None = None
    parts: tuple[str, ...] = ()

    @property
    def alpha3(self) -> str | None:
        return next((c for c in self.iso_3166_1 if len(c) == 3), None)

    @property
    def main_continent(self) -> str | None:
        best = max(self.continents.items(), key=lambda kv: kv[1], default=("none", 0.0))[0]
        return None if best == "none" else best


@dataclass(frozen=True, eq=False, repr=False)
class Sea:
    id: str
    name: str
    index: int
    bbox: tuple[float, float, float, float]
    cap: tuple[float, float, float]
    area_km2: float


@dataclass(frozen=True, eq=False, repr=False)
class SeaFamily:
    id: str
    name: str
    seas: tuple[str, ...]
    families: tuple[str, ...]
    reason: str
    notes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, eq=False, repr=False)
class Feature:
    """A small named feature from geodata/curated/features.yaml (Natural Earth 10m lacks or merges it)."""

    id: str
    name: str
    aliases: tuple[str, ...]
    kind: str
    lat: float
    lon: float
    radius_km: float
    group: str | None
    within: str | None  # the territory whose land polygon holds it, if Natural Earth has it at all
    high_tide: bool  # above water at high tide (land); False for low-tide elevations and submerged reefs
    status: Status
    source: Source | None
    note: str

    @property
    def is_group(self) -> bool:
        return self.kind == "island-group"


class GeoData:
    def __init__(self, root: Path) -> None:
        self.root = root

    # --------------------------------------------------------------------------------------------- land
    @cached_property
    def _territory_rows(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self._json("territories.json")["territories"]
        return rows

    @cached_property
    def _land(self) -> dict[str, Any]:
        return self._json("pieces.json")

    @cached_property
    def territories(self) -> dict[str, Territory]:
        out = {}
        for t in self._territory_rows:
            out[t["id"]] = Territory(
                id=t["id"],
                name=t["name"],
                level=t["level"],
                aliases=tuple(t["aliases"]),
                iso_3166_1=tuple(t["iso_3166_1"]),
                iso_3166_2=tuple(t["iso_3166_2"]),
                ne_sovereign=t["ne_sovereign"],
                continents=dict(t["continents"]),
                island=t["island"],
                island_share=t["island_share"],
                area_km2=t["area_km2"],
                point=(t["point"][0], t["point"][1]),
                bbox=tuple(t["bbox"]),
                pieces=tuple(t["pieces"]),
                composite=t.get("composite"),
                parts=tuple(t.get("parts", ())),
            )
        return out

    @cached_property
    def territory_list(self) -> list[str]:
        return [t["id"] for t in self._territory_rows]

    @cached_property
    def by_alpha3(self) -> dict[str, Territory]:
        """The territory (a whole country) that carries each ISO alpha-3 code."""
        out: dict[str, Territory] = {}
        for t in self.territories.values():
            a3 = t.alpha3
            if a3 and (a3 not in out or t.level == "composite"):
                out[a3] = t
        return out

    @cached_property
    def continents(self) -> list[str]:
        return list(self._land["continents"])

    @cached_property
    def piece_bbox(self) -> NDArray[np.float64]:
        return np.asarray(self._land["pieces"]["bbox"], dtype=np.float64)

    @cached_property
    def piece_cap(self) -> NDArray[np.float64]:
        return np.asarray(self._land["pieces"]["cap"], dtype=np.float64)

    @cached_property
    def piece_territory(self) -> list[str]:
        ids = self.territory_list
        return [ids[i] for i in self._land["pieces"]["territory"]]

    @cached_property
    def piece_continent(self) -> list[str | None]:
        names = self.continents
        return [names[i] if i is not None else None for i in self._land["pieces"]["continent"]]

    @cached_property
    def piece_ids(self) -> list[str]:
        return list(self._land["pieces"]["id"])

    @cached_property
    def piece_area(self) -> list[float]:
        return list(self._land["pieces"]["area_km2"])

    @cached_property
    def _detail(self) -> dict[str, Any]:
        return self._json("pieces-detail.json")

    def piece_detail(self, i: int) -> dict[str, Any]:
        d = self._detail["pieces"]
        return {
            "id": self.piece_ids[i],
            "name": d["name"][i],
            "name_en": d["name_en"][i],
            "type": d["type"][i],
            "iso_3166_2": d["iso_3166_2"][i],
            "continent_reason": self._detail["continent_reasons"][d["continent_reason"][i]],
            "islands": [c == "1" for c in d["islands"][i]],
            "island_seas": d["island_seas"][i],
        }

    @cached_property
    def _territory_names(self) -> dict[str, dict[str, str]]:
        names: dict[str, dict[str, str]] = self._json("territory-names.json")["names"]
        return names

    def territory_names(self, tid: str) -> dict[str, str]:
        return dict(self._territory_names.get(tid, {}))

    @cached_property
    def piece_index(self) -> dict[str, int]:
        return {pid: i for i, pid in enumerate(self.piece_ids)}

    def unit_pieces(self, piece_id: str) -> list[int]:
        """The pieces of an admin-1 unit: the named piece, and the parts a continental boundary cut from it
        (`<id>/east`, `<id>/west`, `<id>/rest`; see geodata/curated/continents.yaml)."""
        cut = (self.piece_index.get(f"{piece_id}/{side}") for side in CUT_SIDES)
        return [self.piece_index[piece_id], *(i for i in cut if i is not None)]

    def unit_base(self, piece: int) -> int:
        """The piece that names an admin-1 unit: itself, or for a part a continental boundary cut off, the part
        that kept the unit's id."""
        pid = self.piece_ids[piece]
        base, _, side = pid.rpartition("/")
        return self.piece_index[base] if side in CUT_SIDES and base in self.piece_index else piece

    @cached_property
    def iso_3166_2_index(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for i, code in enumerate(self._detail["pieces"]["iso_3166_2"]):
            if code:
                out.setdefault(code, []).append(i)
        return out

    @cached_property
    def _land_layer(self) -> _Layer:
        return _Layer(GeometryPack(self._file("land.geom")))

    def piece_geoms(self, indices: Sequence[int]) -> list[BaseGeometry]:
        return self._land_layer.geoms(indices)

    def leaves(self, tid: str) -> list[Territory]:
        t = self.territories[tid]
        return [self.territories[p] for p in t.parts] if t.level == "composite" else [t]

    def territory_geom(self, tid: str) -> BaseGeometry:
        return shapely.union_all(self.piece_geoms(self.territories[tid].pieces))

    def pieces_near(self, lat: float, lon: float, pad_deg: float = 0.0) -> list[int]:
        return _bbox_hits(self.piece_bbox, lat, lon, pad_deg)

    # ----------------------------------------------------------------------------- coastal bands, sea gaps
    # Derived by tools/build_coast.py: the sea within 2 km of each coast, and the gaps between the named seas and
    # the land, as polygons, so that `locate` and the batch engine decide both by containment (see locate.py).
    @cached_property
    def coast_owners(self) -> list[tuple[int, bool, tuple[str, ...]]]:
        """Per coastal band: the land piece, and the island flag and adjoining seas of the parts it borders."""
        rows = self._json("coast.json")["owners"]
        return [(int(i), bool(island), tuple(seas)) for i, island, seas in rows]

    @cached_property
    def _coast(self) -> _Layer:
        return _Layer(GeometryPack(self._file("coast.geom")))

    @cached_property
    def _gaps(self) -> _Layer:
        return _Layer(GeometryPack(self._file("gaps.geom")))

    def coast_geoms(self, indices: Sequence[int]) -> list[BaseGeometry]:
        return self._coast.geoms(indices)

    def coasts_near(self, lat: float, lon: float) -> list[int]:
        return _bbox_hits(self._coast.bbox, lat, lon, 0.0)

    def gap_geoms(self, indices: Sequence[int]) -> list[BaseGeometry]:
        """Per named sea (in `sea_list` order): the gap it fills."""
        return self._gaps.geoms(indices)

    def gaps_near(self, lat: float, lon: float) -> list[int]:
        return _bbox_hits(self._gaps.bbox, lat, lon, 0.0)

    # ------------------------------------------------------------------------------------------ territorial seas
    # Derived by tools/build_belts.py: the sea within 12 nautical miles of each coast, shared out to the nearer coast,
    # and cut by the named sea, gap fill or open water it lies in.
    @cached_property
    def belt_parts(self) -> list[tuple[int, str, int]]:
        """Per part of a territorial sea: its coastal-band owner (an index into `coast_owners`), and the layer
        ("sea", "gap" or "open") and named sea (an index into `sea_list`, -1 in open water) it lies in."""
        rows = self._json("belts.json")["parts"]
        return [(int(owner), str(layer), int(sea)) for owner, layer, sea in rows]

    @cached_property
    def _belts(self) -> _Layer:
        return _Layer(GeometryPack(self._file("belts.geom")))

    def belt_geoms(self, indices: Sequence[int]) -> list[BaseGeometry]:
        return self._belts.geoms(indices)

    def belts_near(self, lat: float, lon: float) -> list[int]:
        return _bbox_hits(self._belts.bbox, lat, lon, 0.0)

    def belts_meeting(self, bounds: Sequence[float]) -> list[int]:
        """The parts of territorial seas whose boxes meet the box (west, south, east, north)."""
        return boxes_meeting(self._belts.bbox, bounds)

    # --------------------------------------------------------------------------------------------- seas
    @cached_property
    def _seas(self) -> dict[str, Any]:
        return self._json("seas.json")

    @cached_property
    def seas(self) -> dict[str, Sea]:
        return {
            s["id"]: Sea(s["id"], s["name"], i, tuple(s["bbox"]), tuple(s["cap"]), s["area_km2"])
            for i, s in enumerate(self._seas["seas"])
        }

    @cached_property
    def sea_families(self) -> dict[str, SeaFamily]:
        return {
            f["id"]: SeaFamily(
                f["id"], f["name"], tuple(f["seas"]), tuple(f["families"]), f["reason"], dict(f.get("notes", {}))
            )
            for f in self._seas["families"]
        }

    def family_seas(self, family_id: str) -> frozenset[str]:
        """All sea ids in a family, through included families."""
        return _family_seas(self, family_id)

    def families_of(self, sea_id: str) -> list[str]:
        return sorted(f for f in self.sea_families if sea_id in self.family_seas(f))

    @cached_property
    def sea_bbox(self) -> NDArray[np.float64]:
        return np.asarray([s["bbox"] for s in self._seas["seas"]], dtype=np.float64)

    @cached_property
    def sea_list(self) -> list[Sea]:
        return sorted(self.seas.values(), key=lambda s: s.index)

    @cached_property
    def _sea_layer(self) -> _Layer:
        return _Layer(GeometryPack(self._file("seas.geom")))

    def sea_geoms(self, indices: Sequence[int]) -> list[BaseGeometry]:
        return self._sea_layer.geoms(indices)

    def seas_near(self, lat: float, lon: float, pad_deg: float = 0.0) -> list[int]:
        return _bbox_hits(self.sea_bbox, lat, lon, pad_deg)

    # ----------------------------------------------------------------------------------------- curated
    @cached_property
    def curated(self) -> dict[str, Any]:
        """geodata/curated/*.yaml as compiled into curated.json (see treatyscope.place.curated)."""
        return self._json("curated.json")

    @cached_property
    def features(self) -> dict[str, Feature]:
        raw = self.curated["features"]
        out = {}
        for f in raw["features"]:
            out[f["id"]] = Feature(
                id=f["id"],
                name=f["name"],
                aliases=tuple(f.get("aliases", ())),
                kind=f["kind"],
                lat=float(f["lat"]),
                lon=float(f["lon"]),
                radius_km=float(f["radius_km"]),
                group=f.get("group"),
                within=f.get("within"),
                high_tide=bool(f.get("high_tide", True)),
                status=Status(
                    f.get("sovereign"),
                    f.get("administered_by"),
                    tuple(f.get("claimed_by", ())),
                    note="Status today (features.yaml); no dated history is recorded for this feature.",
                    source=_source(f.get("source")),
                    recorded=False,
                ),
                source=_source(f.get("source")),
                note=str(f.get("note", "") or ""),
            )
        return out

    def group_members(self, group_id: str) -> list[Feature]:
        return [f for f in self.features.values() if f.group == group_id]

    @cached_property
    def _status_entries(self) -> dict[str, dict[str, Any]]:
        """The status history's entries by key; each is read into periods only when asked for (a `check` asks
        about a few places, not the hundreds recorded)."""
        return {key: entry for entry in self.curated["status"]["entries"] for key in _status_keys(entry)}

    @cached_property
    def _status_read(self) -> dict[str, list[Status]]:
        return {}

    def _periods(self, key: str) -> list[Status] | None:
        if key not in self._status_read:
            entry = self._status_entries.get(key)
            if entry is None:
                return None
            self._status_read[key] = [
                Status(
                    p.get("sovereign"),
                    p.get("administered_by"),
                    tuple(p.get("claimed_by") or ()),
                    _date(p.get("from")),
                    _date(p.get("to")),
                    " ".join(str(p.get("note", "") or "").split()),
                    _source(p.get("source")),
                    bool(p.get("unverified", False)),
                )
                for p in entry["periods"]
            ]
        return self._status_read[key]

    def recorded_status(self, key: str, on: dt.date) -> Status | bool | None:
        """The recorded status of `territory:ID`, `feature:ID` or `subdivision:ISO` on a date.

        Returns None when nothing is recorded for the key, False when records exist but none covers the date.
        """
        periods = self._periods(key)
        if periods is None:
            return None
        for p in periods:
            if (p.start is None or p.start <= on) and (p.end is None or on < p.end):
                return p
        return False

    def status_history(self, key: str) -> list[Status]:
        return list(self._periods(key) or [])

    def status_dates(self, keys: Iterable[str] | None = None) -> set[dt.date]:
        """Every day on which some recorded status begins or ends (of the records of `keys`, if given)."""
        every = (self._periods(key) or [] for key in (self._status_entries if keys is None else keys))
        return {d for periods in every for p in periods for d in (p.start, p.end) if d}

    def lineage_dates(self) -> set[dt.date]:
        """The days on which a state code stops standing for the state it continues or succeeded."""
        return {line.until for line in self._continuations.values() if line.until is not None}

    @cached_property
    def entities(self) -> dict[str, str]:
        """Display names for state codes: ISO alpha-3 from the territories, plus curated extras."""
        # Several territories can carry one code (Australia's external territories carry AUS): the largest
        # names the state, and whole territories are preferred to split-out parts.
        ranked = sorted(
            (t for t in self.territories.values() if t.alpha3),
            key=lambda t: (t.level == "part", -(t.area_km2 or 0.0)),
        )
        names: dict[str, str] = {}
        for t in ranked:
            names.setdefault(t.alpha3, t.name)  # type: ignore[arg-type]
        names.update(self.curated["entities"]["entities"])
        return names

    @cached_property
    def _continuations(self) -> dict[str, Lineage]:
        doc = self.curated["entities"]
        out: dict[str, Lineage] = {}
        for c in doc.get("continuations", []):
            out[c["state"]] = Lineage(
                c["state"], c["continues"], True, _date(c["until"]), c["note"], _source(c["source"])
            )
        for s in doc.get("successions", []):
            for state in s["states"]:
                out[state] = Lineage(state, s["predecessor"], False, _date(s["from"]), s["note"], _source(s["source"]))
        return out

    def lineage(self, code: str, on: dt.date) -> Lineage | None:
        """Whether a state code asked about on a date stands for another state: one it continues (the Russian
        Federation, before 26 December 1991, for the Soviet Union), or one it succeeded without continuing (the
        Czech Republic, before 1993, for no one: Czechoslovakia was another state)."""
        found = self._continuations.get(code)
        return found if found is not None and found.until is not None and on < found.until else None

    def entity_name(self, code: str | None) -> str:
        if code is None:
            return "none"
        return self.entities.get(code, code)

    # ------------------------------------------------------------------------------------------- files
    def _file(self, name: str) -> Path:
        path = self.root / name
        if not path.exists():
            raise DataError(
                f"Vendored data file {path} is missing.", "Reinstall treatyscope, or rerun tools/build_geodata.py."
            )
        return path

    def _json(self, name: str) -> dict[str, Any]:
        with open(self._file(name), encoding="utf-8") as f:
            data: dict[str, Any] = json.load(f)
        return data

    @cached_property
    def names_index(self) -> SortedIndex:
        return SortedIndex(self._file("names.tsv"))

    @cached_property
    def places_index(self) -> SortedIndex:
        return SortedIndex(self._file("places.tsv"))


BBOX_SLACK_DEG = 1e-4


def _bbox_hits(b: NDArray[np.float64], lat: float, lon: float, pad_deg: float) -> list[int]:
    """Rows of a (minx, miny, maxx, maxy) table whose box, grown by `pad_deg`, holds the point (NaN rows never)."""
    return boxes_meeting(b, (lon, lat, lon, lat), pad_deg)


def boxes_meeting(b: NDArray[np.float64], bounds: Sequence[float], pad_deg: float = 0.0) -> list[int]:
    """Rows of a (minx, miny, maxx, maxy) table whose box, grown by `pad_deg`, meets the box `bounds` (NaN rows
    never). Boxes are grown by BBOX_SLACK_DEG more: those in the JSON files are rounded to 1e-5 degree, and a point
    on a polygon's outermost vertex must still find it."""
    pad_deg += BBOX_SLACK_DEG
    west, south, east, north = bounds
    mask = (
        (b[:, 0] - pad_deg <= east)
        & (west <= b[:, 2] + pad_deg)
        & (b[:, 1] - pad_deg <= north)
        & (south <= b[:, 3] + pad_deg)
    )
    return [int(i) for i in np.flatnonzero(mask)]


class _Layer:
    """Geometries of a pack, decoded and prepared on first use, and (when asked) their bounding boxes."""

    def __init__(self, pack: GeometryPack) -> None:
        self.pack = pack
        self._cache: dict[int, BaseGeometry] = {}

    @cached_property
    def bbox(self) -> NDArray[np.float64]:
        return self.pack.bounds()

    def geoms(self, indices: Sequence[int]) -> list[BaseGeometry]:
        missing = [i for i in indices if i not in self._cache]
        for i, g in zip(missing, self.pack.get_many(missing)):
            shapely.prepare(g)
            self._cache[i] = g
        return [self._cache[i] for i in indices]


def _status_keys(entry: dict[str, Any]) -> Iterable[str]:
    if "territory" in entry:
        yield f"territory:{entry['territory']}"
    if "feature" in entry:
        yield f"feature:{entry['feature']}"
    for code in entry.get("subdivisions", ()):
        yield f"subdivision:{code}"


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _family_seas(data: GeoData, family_id: str, seen: frozenset[str] = frozenset()) -> frozenset[str]:
    fam = data.sea_families[family_id]
    out = set(fam.seas)
    for sub in fam.families:
        if sub not in seen:
            out |= _family_seas(data, sub, seen | {family_id})
    return frozenset(out)


CUT_SIDES = ("east", "west", "rest")  # the parts a continental boundary cuts a unit into, besides the named one


class SortedIndex:
    """Binary search over a sorted, tab-separated text file without reading it whole (memory-mapped)."""

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as f:
            self._mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        self._size = len(self._mm)

    def _next_line_start(self, pos: int) -> int:
        if pos == 0 or self._mm[pos - 1 : pos] == b"\n":
            return pos
        nl = self._mm.find(b"\n", pos)
        return self._size if nl < 0 else nl + 1

    def _line_end(self, start: int) -> int:
        nl = self._mm.find(b"\n", start)
        return self._size if nl < 0 else nl

    def lookup(self, key: str) -> list[list[str]]:
        """All rows whose first column equals `key`."""
        try:
            target = key.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate (an undecodable byte kept, or JSON's \ud800): no row has it
            return []
        lo, hi = 0, self._size  # lo is always a line start; the answer is the first line in [lo, hi) with key >= target
        while lo < hi:
            mid = (lo + hi) // 2
            start = self._next_line_start(mid)
            if start >= hi:
                hi = mid
                continue
            end = self._line_end(start)
            if self._mm[start:end].split(b"\t", 1)[0] < target:
                lo = end + 1
            else:
                hi = start
        rows = []
        start = lo
        while start < self._size:
            end = self._line_end(start)
            cols = self._mm[start:end].decode("utf-8").split("\t")
            if cols[0] != key:
                break
            rows.append(cols)
            start = end + 1
        return rows

    def keys(self) -> list[str]:
        """Every first column, in order (for suggestions: reads the whole file)."""
        return [line.split(b"\t", 1)[0].decode("utf-8") for line in self._mm[:].splitlines()]


@cache
def geodata() -> GeoData:
    return GeoData(geodata_dir())

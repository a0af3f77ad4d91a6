"""The vendored data is what the build recorded, and the curated tables are coherent."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from treatyscope.paths import geodata_dir
from treatyscope.place.data import geodata
from treatyscope.place.locate import locate

GEO = geodata_dir()


def load(name: str) -> Any:
    return yaml.safe_load((GEO / "curated" / name).read_text(encoding="utf-8"))


def test_vendored_files_match_recorded_checksums() -> None:
    prov = json.loads((GEO / "PROVENANCE.json").read_text())
    assert prov["outputs"], "no outputs recorded"
    for name, digest in prov["outputs"].items():
        assert hashlib.sha256((GEO / name).read_bytes()).hexdigest() == digest, f"{name} differs from PROVENANCE.json"
    for spec in prov["inputs"].values():
        assert re.fullmatch(r"[0-9a-f]{64}", spec["sha256"]) and spec["version"] and spec["licence"]
    assert "Natural Earth" in prov["attribution"] and "GeoNames" in prov["attribution"]


def test_total_size_stays_under_33_mb() -> None:
    # About 12 MB of land, seas and names, 8.5 MB of coastal bands and gap fills (coast.geom, gaps.geom), and 7.7 MB
    # of territorial seas (belts.geom: 880,000 vertices, most of them the outer limits around archipelagos).
    total = sum(p.stat().st_size for p in GEO.iterdir() if p.is_file())
    assert total < 33_000_000


def _codes() -> set[str]:
    data = geodata()
    return set(data.entities) | {t.alpha3 for t in data.territories.values() if t.alpha3}


def test_status_periods_are_ordered_contiguous_and_sourced() -> None:
    codes = _codes()
    data = geodata()
    for entry in load("status.yaml")["entries"]:
        subject = entry.get("territory") or entry.get("feature") or entry.get("subdivisions")
        if "territory" in entry:
            assert entry["territory"] in data.territories, entry
        if "feature" in entry:
            assert entry["feature"] in data.features, entry
        for code in entry.get("subdivisions", []):
            assert code in data.iso_3166_2_index, code
        periods = entry["periods"]
        for p in periods:
            assert p["source"]["title"], subject
            for who in [p["sovereign"], p["administered_by"], *p["claimed_by"]]:
                assert who is None or who in codes, f"{subject}: unknown state code {who}"
            if p["to"] is not None:
                assert p["from"] < p["to"], subject
        for a, b in itertools.pairwise(periods):
            assert a["to"] == b["from"], f"{subject}: gap or overlap between {a['to']} and {b['from']}"
        assert isinstance(periods[0]["from"], dt.date)


HISTORY_FROM = dt.date(1945, 1, 1)


def test_every_recorded_place_has_a_holder_from_1945_to_today() -> None:
    """A place with a status history has a sourced record for every day from 1945-01-01 to today: before its
    first period it would otherwise be held by no one (Greenland in 1950, Cyprus before 1960). Where no state
    holds it on some day (Antarctica's suspended claims, a divided or contested area), the record says so with its
    claimants or a note."""
    missing = []
    for entry in load("status.yaml")["entries"]:
        subject = entry.get("territory") or entry.get("feature") or entry.get("subdivisions")
        periods = entry["periods"]
        if periods[0]["from"] > HISTORY_FROM:
            missing.append(f"{subject}: no record from {HISTORY_FROM} to {periods[0]['from']}")
        if periods[-1]["to"] is not None and periods[-1]["to"] <= dt.date.today():
            missing.append(f"{subject}: no record after {periods[-1]['to']}")
        for p in periods:
            if p["sovereign"] is None and p["administered_by"] is None:
                assert p["claimed_by"] or p.get("note"), f"{subject} from {p['from']}: held by no one, and no reason"
    assert not missing, "\n".join(missing)


def test_features_are_where_they_say() -> None:
    data = geodata()
    for f in data.features.values():
        if f.is_group:
            assert data.group_members(f.id) or f.radius_km > 0
            continue
        loc = locate(f.lat, f.lon)
        holder = loc.territory.id if loc.territory and loc.on_land else None
        assert f.within == holder, f"{f.id}: within={f.within}, but its centre is on {holder}"
        if f.group:
            assert f.group in data.features


def test_feature_status_codes_are_known() -> None:
    codes = _codes()
    for f in geodata().features.values():
        for who in [f.status.sovereign, f.status.administered_by, *f.status.claimed_by]:
            assert who is None or who in codes, f"{f.id}: {who}"


def test_sea_families_name_existing_seas_and_families() -> None:
    data = geodata()
    for fam in data.sea_families.values():
        assert fam.reason
        for s in fam.seas:
            assert s in data.seas
        for sub in fam.families:
            assert sub in data.sea_families
    assert "aegean-sea" in data.family_seas("mediterranean-sea")
    assert "black-sea" not in data.family_seas("mediterranean-sea")
    assert "north-sea" in data.family_seas("north-atlantic-ocean")
    assert {"south-china-sea", "philippine-sea", "east-china-sea", "taiwan-strait"} <= data.family_seas("pacific-ocean")


def test_every_continent_override_gives_a_reason() -> None:
    for row in load("continents.yaml")["overrides"]:
        assert len(row["reason"]) > 20 and row["match"]


def continents_of(iso: str) -> set[str | None]:
    data = geodata()
    return {data.piece_continent[i] for i in data.iso_3166_2_index[iso]}


# Europe ends at the Ural watershed, followed by whole subdivisions, and at the Ural River, which cuts the ones it
# crosses; the Ural, Siberian and Far Eastern federal districts are east of the watershed.
def test_europe_ends_at_the_ural_watershed_and_the_ural_river() -> None:
    for iso in ("RU-SVE", "RU-TYU", "RU-KGN", "RU-KHM", "RU-YAN", "RU-NVS", "RU-PRI"):
        assert continents_of(iso) == {"Asia"}, iso
    for iso in ("RU-PER", "RU-KO", "RU-TA", "RU-MOS"):
        assert continents_of(iso) == {"Europe"}, iso
    for iso in ("RU-ORE", "RU-CHE", "RU-BA", "KZ-ZAP", "KZ-ATY"):
        assert continents_of(iso) == {"Europe", "Asia"}, iso
    assert locate(51.9, 55.1).continent == "Europe" and locate(51.5, 55.1).continent == "Asia"  # across Orenburg
    assert continents_of("KZ-AKT") == {"Asia"}  # the river grazes its border: a sliver is not a crossing


def test_a_cut_unit_is_named_whole_by_its_code() -> None:
    from treatyscope.place.gazetteer import resolve_place

    data = geodata()
    place = resolve_place("subdivision:RU-ORE")
    assert place.ref == "subdivision:RUS-2391"
    assert {data.piece_continent[i] for i in data.unit_pieces(place.id)} == {"Europe", "Asia"}


def test_territories_partition_the_pieces() -> None:
    data = geodata()
    seen: dict[int, str] = {}
    for t in data.territories.values():
        if t.level == "composite":
            assert all(data.territories[p].composite == t.id for p in t.parts)
            continue
        for i in t.pieces:
            assert i not in seen, f"piece {i} in {seen.get(i)} and {t.id}"
            seen[i] = t.id
    assert len(seen) == len(data.piece_ids)


@pytest.mark.parametrize(
    "name",
    [
        "splits.yaml",
        "continents.yaml",
        "seas.yaml",
        "status.yaml",
        "features.yaml",
        "aliases.yaml",
        "ambiguous.yaml",
        "entities.yaml",
    ],
)
def test_curated_files_are_safe_yaml(name: str) -> None:
    assert load(name)


def test_ambiguous_names_reference_real_places() -> None:
    from treatyscope.place.gazetteer import _by_ref

    data = geodata()
    for row in load("ambiguous.yaml")["names"]:
        for ref in row["candidates"]:
            kind, ident = ref.split(":", 1)
            assert _by_ref(data, kind, ident) is not None, ref


def test_provenance_lists_the_build_script_and_it_exists() -> None:
    prov = json.loads((GEO / "PROVENANCE.json").read_text())
    assert (Path(__file__).parent.parent / prov["built_by"]).exists()


def test_compiled_curated_tables_are_current() -> None:
    from treatyscope.place.curated import compile_curated

    compiled = json.loads((GEO / "curated.json").read_text(encoding="utf-8"))
    assert compiled == json.loads(json.dumps(compile_curated(GEO))), (
        "geodata/curated.json is stale: run 'python tools/build_geodata.py --curated-only'"
    )

"""Plain facts about a place or a point, for `places`, `where` and the JSON outputs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from treatyscope.place.data import GeoData, Status, geodata
from treatyscope.place.gazetteer import Place
from treatyscope.place.locate import locate, status_at, territory_status
from treatyscope.place.world import Location


def status_facts(status: Status, data: GeoData) -> dict[str, Any]:
    return {
        "sovereign": status.sovereign,
        "sovereign_name": data.entity_name(status.sovereign) if status.sovereign else None,
        "administered_by": status.administered_by,
        "administered_by_name": data.entity_name(status.administered_by) if status.administered_by else None,
        "claimed_by": list(status.claimed_by),
        "disputed": status.disputed if status.recorded or status.claimed_by else False,
        "since": status.start.isoformat() if status.start else None,
        "until": status.end.isoformat() if status.end else None,
        "recorded": status.recorded,
        "unverified": status.unverified,
        "note": status.note,
        "source": status.source.cite() if status.source else None,
    }


def location_facts(loc: Location, on: dt.date, data: GeoData | None = None) -> dict[str, Any]:
    data = data or geodata()
    status, status_of = status_at(loc, on, data)
    country = loc.country
    return {
        "lat": round(loc.lat, 6),
        "lon": round(loc.lon, 6),
        "setting": loc.setting,
        "territory": {"id": loc.territory.id, "name": loc.territory.name} if loc.territory else None,
        "country": {"id": country.id, "name": country.name}
        if country and loc.territory and country.id != loc.territory.id
        else None,
        "subdivision": loc.subdivision,
        "continent": loc.continent,
        "island": loc.island,
        "island_seas": [{"id": s, "name": data.seas[s].name} for s in loc.island_seas],
        "sea": {"id": loc.sea.id, "name": loc.sea.name, "families": data.families_of(loc.sea.id), "gap_km": loc.sea_km}
        if loc.sea
        else None,
        "feature": {
            "id": loc.feature.id,
            "name": loc.feature.name,
            "kind": loc.feature.kind,
            "high_tide": loc.feature.high_tide,
        }
        if loc.feature
        else None,
        "coast_km": loc.coast_km if loc.coast_km >= 0 else None,
        "border_with": list(loc.border_with),
        "date": on.isoformat(),
        "status": status_facts(status, data),
        "status_of": status_of,
    }


def place_identity(place: Place) -> dict[str, Any]:
    """What identifies a place in output: the first keys of its facts."""
    return {
        "ref": place.ref,
        "kind": place.kind,
        "id": place.id,
        "name": place.name,
        "description": place.description,
        "lat": round(place.lat, 5),
        "lon": round(place.lon, 5),
    }


def place_facts(place: Place, on: dt.date, data: GeoData | None = None, names: bool = True) -> dict[str, Any]:
    """Facts about a place; `names=False` leaves out the territory's names in other languages (a larger file)."""
    data = data or geodata()
    facts: dict[str, Any] = {
        **place_identity(place),
        "aliases": list(place.aliases),
        "codes": [c for c in place.codes if c],
        "date": on.isoformat(),
    }
    if place.kind == "territory":
        t = data.territories[place.id]
        facts.update(
            {
                "level": t.level,
                "parts": [{"id": p, "name": data.territories[p].name} for p in t.parts],
                "part_of": {"id": t.composite, "name": data.territories[t.composite].name} if t.composite else None,
                "continents": t.continents,
                "island": t.island,
                "area_km2": t.area_km2,
                "names": data.territory_names(t.id) if names else {},
            }
        )
        if t.level == "composite":
            facts["status"] = {p: status_facts(territory_status(p, on, data), data) for p in t.parts}
        else:
            facts["status"] = status_facts(territory_status(t.id, on, data), data)
    elif place.kind == "subdivision":
        unit = data.unit_pieces(place.id)
        i = unit[0]
        detail = data.piece_detail(i)
        area = sum(data.piece_area[j] for j in unit)
        shares: dict[str, float] = {}
        for j in unit:
            name = data.piece_continent[j] or "none"
            shares[name] = shares.get(name, 0.0) + data.piece_area[j] / area
        facts.update(
            {
                "territory": data.piece_territory[i],
                "continent": max(shares, key=lambda k: shares[k]) if len(shares) > 1 else data.piece_continent[i],
                "continents": {k: round(v, 4) for k, v in sorted(shares.items(), key=lambda kv: -kv[1])},
                "continent_reason": " ".join(dict.fromkeys(data.piece_detail(j)["continent_reason"] for j in unit)),
                "area_km2": area,
                "type": detail["type"],
            }
        )
        facts["status"] = status_facts(status_at(locate(place.lat, place.lon, data=data), on, data)[0], data)
    elif place.kind == "sea":
        s = data.seas[place.id]
        facts.update({"area_km2": s.area_km2, "families": data.families_of(s.id)})
    elif place.kind == "feature":
        f = data.features[place.id]
        facts.update(
            {
                "feature_kind": f.kind,
                "radius_km": f.radius_km,
                "high_tide": f.high_tide,
                "group": f.group,
                "members": [m.id for m in data.group_members(f.id)],
                "note": f.note,
                "source": f.source.cite() if f.source else None,
            }
        )
        loc = locate(f.lat, f.lon, data=data)
        facts["status"] = status_facts(status_at(loc, on, data)[0], data)
        facts["location"] = location_facts(loc, on, data)
    else:
        facts.update({"country": place.country, "population": place.population})
        facts["location"] = location_facts(locate(place.lat, place.lon, data=data), on, data)
        facts["status"] = facts["location"]["status"]
    return facts

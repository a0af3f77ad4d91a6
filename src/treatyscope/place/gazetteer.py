"""Names -> places: territories, subdivisions, seas, curated features and populated places.

Matching is on folded names (see `treatyscope.place.names.fold`): case, diacritics and punctuation do not matter, and
ISO 3166-1 alpha-2/alpha-3 and ISO 3166-2 codes are names too. A query may carry a qualifier after a comma or in
parentheses ("Georgia, US", "Georgia (country)", "Paris, FR") or be an id ("territory:georgia",
"subdivision:USA-3543", "sea:black-sea", "feature:uotsuri-jima", "place:g1668341").

When several places match, the kinds rank territory > sea > curated feature > subdivision > populated place; a
populated place beats a namesake only with five times its population. Names in geodata/curated/ambiguous.yaml
("Georgia", "Congo", "Korea"...) are never decided silently.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from functools import cache

import shapely

from treatyscope.errors import AmbiguousPlaceError, UnknownPlaceError, UsageError
from treatyscope.place.data import GeoData, Territory, geodata
from treatyscope.place.names import fold

KINDS = ("territory", "subdivision", "sea", "feature", "place")
_PREFIX = {"t": "territory", "d": "subdivision", "s": "sea", "p": "place", "f": "feature"}
_QUALIFIER = re.compile(r"^(?P<name>.+?)\s*(?:,\s*(?P<q1>[^,()]+)|\((?P<q2>[^()]+)\))\s*$")
POPULATION_DOMINANCE = 5.0
MAJOR_PLACE_POPULATION = 100_000  # or listed by Natural Earth, or a seat of government: else a minor place
CITY_OVER_SUBDIVISION_POPULATION = 1_000_000  # "Tokyo", "Paris": the city, not the administrative unit
COUNTRY_RANK = 6  # a territory that is not part of another: the highest rank a name can have


@dataclass(frozen=True, eq=False, repr=False)
class Place:
    ref: str  # "kind:id", accepted back as a query
    kind: str
    id: str
    name: str
    lat: float
    lon: float
    description: str
    is_area: bool  # evaluated part by part (territory, subdivision, sea, feature group) rather than as a point
    country: str | None = None  # ISO 3166-1 alpha-2 or alpha-3 context
    population: int | None = None
    aliases: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    minor: bool = False  # a small town matched by name only with a qualifier ("Atlantis, ZA")

    @property
    def level_word(self) -> str:
        return "country" if self.kind == "territory" and "part of" not in self.description else ""

    @property
    def rank(self) -> int:
        if self.kind == "territory":
            return COUNTRY_RANK if "part of" not in self.description else COUNTRY_RANK - 1
        if self.kind == "place" and (self.population or 0) >= CITY_OVER_SUBDIVISION_POPULATION:
            return 3
        return {"sea": 4, "feature": 3, "subdivision": 2, "place": 1}[self.kind]


def resolve_place(query: str, data: GeoData | None = None) -> Place:
    """The one place a query means, or UnknownPlaceError / AmbiguousPlaceError saying why not."""
    best, others = search(query, data)
    if best is None:
        if others:
            raise AmbiguousPlaceError(query, [(p.ref, label(p)) for p in others], _qualifier_example(query, others))
        raise UnknownPlaceError(query, suggest(query, data))
    return best


def search(query: str, data: GeoData | None = None) -> tuple[Place | None, list[Place]]:
    """(the place meant, other matches); (None, candidates) if ambiguous; (None, []) if nothing matches."""
    data = data or geodata()
    text = " ".join(query.split())
    if not text:
        raise UsageError("Empty place name.", "Give a name (e.g. Taiwan), an id, or coordinates with --at.")
    if re.fullmatch(r"(territory|subdivision|sea|feature|place):\s*", text):
        raise UsageError(f"'{text}' names a kind but no id.", "E.g. 'sea:black-sea' or 'territory:georgia'.")
    m = re.fullmatch(r"(territory|subdivision|sea|feature|place):(\S+)", text)
    if m:
        place = _by_ref(data, m.group(1), m.group(2))
        if place is None:
            raise UnknownPlaceError(text, suggest(m.group(2), data))
        return place, []
    name, qualifier = text, None
    qm = _QUALIFIER.match(text)
    if qm and not _candidates(data, text):
        name, qualifier = qm.group("name"), (qm.group("q1") or qm.group("q2"))
    candidates = _candidates(data, name)
    if qualifier:
        q = fold(qualifier)
        candidates = [c for c in candidates if q in _qualifiers(data, c)]
    else:
        candidates = [c for c in candidates if not c.minor]
        forced = _ambiguous().get(fold(name))
        if forced:
            listed = [p for p in (_by_ref(data, *ref.split(":", 1)) for ref in sorted(forced)) if p is not None]
            if len(listed) > 1:
                return None, listed
    if not candidates:
        return None, []
    top = max(c.rank for c in candidates)
    best = [c for c in candidates if c.rank == top]
    rest = [c for c in candidates if c.rank < top]
    if len(best) > 1 and top == 1:  # populated places: a clear population lead decides
        best.sort(key=lambda p: -(p.population or 0))
        first, second = best[0].population or 0, best[1].population or 0
        if first >= POPULATION_DOMINANCE * max(second, 1):
            best, rest = best[:1], best[1:] + rest
    if len(best) > 1:
        return None, best
    rivals = [] if qualifier else _rivals_of_a_short_alias(data, name, best[0])
    if rivals:
        return None, [best[0], *rivals]
    return best[0], rest


SHORT_QUERY = 3  # letters: a query this short that only matches another name of a place is asked back


def _rivals_of_a_short_alias(data: GeoData, name: str, found: Place) -> list[Place]:
    """Countries whose own name starts with a short query that a town or subdivision matched only by another of
    its names ("Tai" is an alias of Taiz, and the start of Taiwan): the query is then asked back. The country the
    place is in is no rival ("Sin" is Singapore either way)."""
    key = fold(name)
    if len(key) > SHORT_QUERY or found.kind not in ("place", "subdivision") or other_name(name, found) is None:
        return []
    rivals = []
    for t in data.territories.values():
        if t.composite or not fold(t.name).startswith(key) or found.country in (t.alpha3, *t.iso_3166_1):
            continue
        place = _by_ref(data, "territory", t.id)
        if place is not None and place.rank == COUNTRY_RANK:
            rivals.append(place)
    return sorted(rivals, key=lambda p: p.name)


def other_name(query: str, place: Place) -> str | None:
    """The name the query matched when it is not the place's own (an alias or another language's name), else
    None; codes and ids (TWN, territory:taiwan) and a qualifier after a comma do not count."""
    name = query.split(",")[0].strip()
    if ":" in name or fold(name) == fold(place.name) or name.upper() in {c.upper() for c in place.codes}:
        return None
    return name


def _qualifier_example(query: str, places: list[Place]) -> str:
    for p in places:
        if p.kind in ("subdivision", "place") and p.country:
            return f"{query}, {p.country}"
        if p.kind == "territory" and p.level_word:
            return f"{query}, {p.level_word}"
    return ""


def label(place: Place) -> str:
    return f"{place.name} ({place.description})"


def suggest(query: str, data: GeoData | None = None, limit: int = 3) -> list[str]:
    """Close names for an unknown query (reads the whole name index: only on the error path)."""
    from rapidfuzz import fuzz, process

    data = data or geodata()
    out: list[str] = []
    name = _QUALIFIER.match(query).group("name") if _QUALIFIER.match(query) else query  # type: ignore[union-attr]
    for minor in sorted((c for c in _candidates(data, name) if c.minor), key=lambda p: -(p.population or 0)):
        out.append(f"{minor.name}, {minor.country} ({minor.description}, population {minor.population:,})")
    keys = _all_keys(data)
    found = process.extract(fold(query), keys, scorer=fuzz.ratio, limit=limit * 8, score_cutoff=70)
    scored: list[tuple[float, int, str]] = []
    for key, score, _i in found:
        for place in [c for c in _candidates(data, key) if not c.minor][:1]:
            scored.append((score, place.rank, place.name))
    for _score, _rank, name in sorted(scored, key=lambda x: (-x[0], -x[1])):
        if name not in out:
            out.append(name)
        if len(out) >= limit:
            break
    return out


def completions(prefix: str, limit: int = 8, data: GeoData | None = None) -> list[Place]:
    """Places whose names (or codes) begin with `prefix`, as typed in a search box, the most important first:
    countries and territories, then large cities, seas and features, then the rest by population."""
    data = data or geodata()
    key = fold(prefix)
    if not key:
        return []
    found: dict[str, Place] = {}
    # Every territory whose name or another name begins so, or whose code it is: a few hundred, and they come first.
    for t in data.territories.values():
        if any(fold(n).startswith(key) for n in (t.name, *t.aliases)) or key in {fold(c) for c in t.iso_3166_1}:
            place = _by_ref(data, "territory", t.id)
            if place is not None:
                found[place.ref] = place
    keys = _sorted_keys(str(data.root))
    start = bisect.bisect_left(keys, key)
    # Then the shortest names: a few letters begin thousands of them.
    names = sorted(itertools.takewhile(lambda k: k.startswith(key), itertools.islice(keys, start, None)), key=len)
    for name in names[:40]:
        for place in _candidates(data, name):
            if not place.minor:
                found.setdefault(place.ref, place)

    def order(p: Place) -> tuple[bool, bool, int, int, str]:
        own = fold(p.name)
        exact = own == key or key in {fold(c) for c in p.codes}
        return (not exact, not own.startswith(key), -p.rank, -(p.population or 0), p.name)

    ranked, seen = [], set()
    for p in sorted(found.values(), key=order):
        same = (fold(p.name), round(p.lat), round(p.lon))  # a territory and the unit it is made of, say
        if same not in seen:
            seen.add(same)
            ranked.append(p)
    return ranked[:limit]


@cache
def _sorted_keys(root: str) -> list[str]:
    return sorted(set(_all_keys_cached(root)))


@cache
def _all_keys_cached(root: str) -> list[str]:
    data = geodata()
    keys = sorted(set(data.names_index.keys()))
    for f in data.features.values():
        keys.extend(fold(n) for n in (f.name, *f.aliases))
    return keys


def _all_keys(data: GeoData) -> list[str]:
    return _all_keys_cached(str(data.root))


@cache
def _ambiguous() -> dict[str, frozenset[str]]:
    raw = geodata().curated["ambiguous"]
    return {fold(row["name"]): frozenset(row["candidates"]) for row in raw["names"]}


def _candidates(data: GeoData, name: str) -> list[Place]:
    key = fold(name)
    seen: dict[str, Place] = {}
    for _key, ref in data.names_index.lookup(key):
        prefix, ident = ref.split(":", 1)
        place = _by_ref(data, _PREFIX[prefix], ident)
        if place is not None:
            seen.setdefault(place.ref, place)
    for f in data.features.values():
        if key in {fold(f.name), fold(f.id), *(fold(a) for a in f.aliases)}:
            place = _feature_place(data, f.id)
            seen.setdefault(place.ref, place)
    return list(seen.values())


def _by_ref(data: GeoData, kind: str, ident: str) -> Place | None:
    if kind == "territory":
        t = data.territories.get(ident)
        if t is None:
            return None
        if t.level == "composite":
            desc = f"territory of {len(t.parts)} parts"
        elif t.level == "part":
            desc = f"territory, part of {data.territories[t.composite].name}" if t.composite else "territory"
        else:
            desc = "territory"
        return Place(
            f"territory:{t.id}",
            "territory",
            t.id,
            t.name,
            t.point[0],
            t.point[1],
            desc,
            True,
            country=t.alpha3,
            aliases=t.aliases,
            codes=t.iso_3166_1 + t.iso_3166_2,
        )
    if kind == "subdivision":
        i = data.piece_index.get(ident)
        if i is None:
            matches = data.iso_3166_2_index.get(ident.upper())
            if not matches:
                return None
            i = matches[0]
        i = data.unit_base(i)  # a part a continental boundary cut off stands for its whole unit
        d = data.piece_detail(i)
        t = data.territories[data.piece_territory[i]]
        country = data.territories[t.composite] if t.composite else t
        rp = data.piece_geoms([i])[0].representative_point()
        kind_word = (d["type"] or "subdivision").lower()
        return Place(
            f"subdivision:{d['id']}",
            "subdivision",
            d["id"],
            d["name"] or d["name_en"],
            rp.y,
            rp.x,
            f"{kind_word} of {country.name}",
            True,
            country=country.alpha3,
            codes=(d["iso_3166_2"],) if d["iso_3166_2"] else (),
        )
    if kind == "sea":
        s = data.seas.get(ident)
        if s is None:
            return None
        rp = data.sea_geoms([s.index])[0].representative_point()
        return Place(f"sea:{s.id}", "sea", s.id, s.name, rp.y, rp.x, "sea", True)
    if kind == "feature":
        return _feature_place(data, ident) if ident in data.features else None
    if kind == "place":
        rows = data.places_index.lookup(ident)
        if not rows:
            return None
        pid, name, cc, _admin1, lat, lon, pop, notable = rows[0][:8]
        holder = _country_by_alpha2(data).get(cc)
        where = holder.name if holder else cc
        population = int(pop) if pop.isdigit() else 0
        # GeoNames lists towns above 15,000 people and, below that, only seats of government.
        minor = notable != "1" and MAJOR_PLACE_POPULATION > population >= 15_000
        return Place(
            f"place:{pid}",
            "place",
            pid,
            name,
            float(lat),
            float(lon),
            f"populated place in {where}" if where else "populated place",
            False,
            country=cc or None,
            population=population or None,
            minor=minor,
        )
    return None


def _feature_place(data: GeoData, fid: str) -> Place:
    f = data.features[fid]
    holder = data.entity_name(f.status.administered_by) if f.status.administered_by else "no one"
    desc = f"{f.kind.replace('-', ' ')}, administered by {holder}"
    if f.is_group:
        members = data.group_members(f.id)
        desc += f", {len(members)} listed features"
    return Place(
        f"feature:{f.id}",
        "feature",
        f.id,
        f.name,
        f.lat,
        f.lon,
        desc,
        f.is_group,
        country=f.status.administered_by,
        aliases=f.aliases,
    )


@cache
def _country_by_alpha2_cached(root: str) -> dict[str, Territory]:
    data = geodata()
    out: dict[str, Territory] = {}
    # Several territories can carry one code (AU: Australia and its external territories): whole territories
    # before split-out parts, then the largest.
    for t in sorted(data.territories.values(), key=lambda t: (t.level == "part", -(t.area_km2 or 0.0))):
        for code in t.iso_3166_1:
            if len(code) == 2:
                out.setdefault(code, t)
    return out


def _country_by_alpha2(data: GeoData) -> dict[str, Territory]:
    return _country_by_alpha2_cached(str(data.root))


def _qualifiers(data: GeoData, place: Place) -> set[str]:
    words = {place.kind, place.id}
    if place.kind == "territory":
        t = data.territories[place.id]
        words |= {"country", "state", "nation"} if t.level != "part" else {"part"}
        words |= set(t.iso_3166_1)
        if t.composite:
            parent = data.territories[t.composite]
            words |= {parent.name, parent.id, *parent.iso_3166_1}
    elif place.kind == "subdivision":
        words |= {"state", "province", "region", "subdivision", place.description.split(" of ")[0]}
        i = data.piece_index[place.id]
        t = data.territories[data.piece_territory[i]]
        country = data.territories[t.composite] if t.composite else t
        words |= {country.name, country.id, *country.iso_3166_1, t.name, t.id}
    elif place.kind == "place":
        words |= {"city", "town", "place"}
        if place.country:
            words.add(place.country)
            holder = _country_by_alpha2(data).get(place.country)
            if holder is not None:
                words |= {holder.name, holder.id, *holder.iso_3166_1}
    elif place.kind == "sea":
        words |= {"ocean", "water", "waters"}
    elif place.kind == "feature":
        f = data.features[place.id]
        words |= {f.kind, "island" if f.kind in ("island", "islet") else f.kind}
        if f.status.administered_by:
            words.add(f.status.administered_by)
    return {fold(w) for w in words if w}


def place_geometry(place: Place, data: GeoData | None = None) -> shapely.Geometry:
    """The geometry of an area place (for maps and area evaluation)."""
    data = data or geodata()
    if place.kind == "territory":
        return data.territory_geom(place.id)
    if place.kind == "subdivision":
        return shapely.union_all(data.piece_geoms(data.unit_pieces(place.id)))
    if place.kind == "sea":
        return data.sea_geoms([data.seas[place.id].index])[0]
    return shapely.Point(place.lon, place.lat)

"""What a rule can reach: walks over its nodes, through named regions and conditions and the readings of vague
terms, and what they find: the interpretations, parallels, polygons, subdivisions, seas and assumptions it can ask
about."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from treatyscope.rules.conditions import AssumedCondition
from treatyscope.rules.language import Node, RuleBook, reachable
from treatyscope.rules.parallels import candidates
from treatyscope.rules.regions import PolygonRegion, SeaRegion, SubdivisionRegion

if TYPE_CHECKING:
    from treatyscope.place.data import GeoData


def terms_used(root: Node, book: RuleBook) -> set[str]:
    """Every interpretation a node can reach (its own, its regions', its parallels', its bases')."""
    return {t for node in reachable(root, book) for t in node.terms(book)}


def lines(root: Node, book: RuleBook, on: dt.date) -> tuple[list[float], list[object]]:
    """The parallels (every reading's latitude) and inline polygons a condition can test, for cutting areas."""
    lats: set[float] = set()
    polygons: list[object] = []
    for node in reachable(root, book):
        for p in node.parallels(book):
            lats.update(candidates(p, book, on))
        if isinstance(node, PolygonRegion):
            polygons.append(node.geometry)
    return sorted(lats), polygons


def named(root: Node, book: RuleBook, data: GeoData) -> tuple[frozenset[str], frozenset[str]]:
    """Every ISO 3166-2 code and every sea a condition can test: the only subdivisions and seas that can make two
    places' answers differ."""
    subdivisions: set[str] = set()
    seas: set[str] = set()
    for node in reachable(root, book):
        if isinstance(node, SubdivisionRegion):
            subdivisions.update(node.names)
        elif isinstance(node, SeaRegion):
            seas.update(node.seas(data))
    return frozenset(subdivisions), frozenset(seas)


def assumable_facts(book: RuleBook) -> set[str]:
    """The scenario facts (`--assume`) that some condition in the book asks about."""
    roots = [c for t in book.treaties.values() for a in t.articles for v in a.versions for c in v.targets.values()]
    return {n.fact for root in roots for n in reachable(root, book) if isinstance(n, AssumedCondition)}


def fingerprint(node: Node, book: RuleBook) -> str:
    """A node as written, as one string: nodes written alike (the conditions for forces, vessels and aircraft
    often are) share answers."""
    import json

    key = ("fingerprint", node)
    if key not in book.memo:
        book.memo[key] = json.dumps(node.to_data(), sort_keys=True)
    found: str = book.memo[key]
    return found

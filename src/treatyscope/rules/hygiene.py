"""Hygiene: what a rule file may do but should not (sources nobody cites or can find, articles without examples,
blank texts, words a reader cannot follow), and the list of parts marked unverified. None of it stops the files
from being used; all of it is reported by `treatyscope validate`."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from treatyscope.rules.language import Node
from treatyscope.rules.language import Path as At
from treatyscope.rules.regions import PolygonRegion, parse_region

Report = Callable[..., None]
# Where a clause label starts with its bare number ("6(i) the territories"), a sentence that quotes it runs the
# number into words; the label should name the article ("Article 6(i), the territories").
BARE_CLAUSE = re.compile(r"^\(?(?:[IVXLC]+|\d+)(?:\([a-z0-9]+\))*[ ,]")
# Fields whose words are shown to readers as they are written.
PROSE_FIELDS = ("note", "summary", "label", "question", "clause", "term")


def inline(node: Node, at: At) -> Iterator[tuple[At, Node]]:
    """A node and every node written inside it, with where each is."""
    yield at, node
    for path, child in node.parts(at):
        yield from inline(child, path)


def _prose(value: Any, at: At) -> Iterator[tuple[At, str, str]]:
    """Every reader-facing string in a parsed file: (where, field, text). Examples are for maintainers, who pin
    readings by id, so their notes may name ids."""
    if isinstance(value, dict):
        for key, child in value.items():
            if key == "examples":
                continue
            if key in PROSE_FIELDS and isinstance(child, str):
                yield (*at, key), key, child
            else:
                yield from _prose(child, (*at, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _prose(child, (*at, i))


def _words(f: Path, doc: dict[str, Any], pos: Any, report: Report) -> None:
    """Internal ids in prose, and clause labels that start with a bare number."""
    ids = {i["id"]: ("interpretation", i.get("term", "")) for i in doc.get("interpretations", [])}
    for kind in ("condition", "region"):
        ids.update({name: (kind, "") for name in doc.get(f"{kind}s", {}) if "-" in name})
    for at, key, text in _prose(doc, ()):
        if key == "clause" and BARE_CLAUSE.match(text):
            hint = f"Name the article: 'Article {text}' reads as a phrase in a sentence."
            report(f, pos, at, f"the clause label '{text}' starts with a bare clause number", hint, "warning")
        for name, (kind, term) in ids.items():
            if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
                hint = f"Name its term instead ('{term}')." if term else "Say in words what it is."
                message = f"the {key} names the {kind} '{name}' by its id, which readers never see"
                report(f, pos, at, message, hint, "warning")


def hygiene(f: Path, doc: dict[str, Any], pos: Any, words: Counter[str], report: Report) -> None:
    """Warnings (sources nobody cites or nobody can find, articles without examples, blank texts) and the list of
    parts marked unverified."""
    for i, src in enumerate(doc.get("sources", [])):
        # Cited anywhere (a `source:` field, a list of sources, or "source ID" in a note): beyond its definition.
        if words[src["id"]] <= 1:
            report(
                f, pos, ("sources", i, "id"), f"source '{src['id']}' is never cited", "Cite it or remove it.", "warning"
            )
        if not src.get("url") and not src.get("note"):
            report(
                f,
                pos,
                ("sources", i),
                f"source '{src['id']}' has neither a url nor a note",
                "Say where a reader can find it (an address, or a note naming the archive, volume and page).",
                "warning",
            )
    _words(f, doc, pos, report)
    for i, art in enumerate(doc.get("articles", [])):
        _article_hygiene(f, art, ("articles", i), pos, report)
    for key, what in (("parties", "membership"), ("protected", "protection")):
        for i, party in enumerate(doc.get(key, [])):
            if party.get("unverified"):
                note = party.get("note", "dates not verified")
                report(f, pos, (key, i), f"{what} of {party['code']} from {party['from']}: {note}", "", "unverified")
    for i, interp in enumerate(doc.get("interpretations", [])):
        for j, r in enumerate(interp["readings"]):
            if r.get("unverified"):
                at = ("interpretations", i, "readings", j)
                report(f, pos, at, f"reading '{interp['id']}={r['id']}'", "", "unverified")
    for name, region in doc.get("regions", {}).items():
        for node in inline(parse_region(region), ("regions", name)):
            if isinstance(node[1], PolygonRegion) and node[1].unverified:
                idx = ", ".join(map(str, node[1].unverified))
                report(f, pos, ("regions", name), f"region '{name}': polygon vertices {idx}", "", "unverified")


def _article_hygiene(f: Path, art: dict[str, Any], at: At, pos: Any, report: Report) -> None:
    if not art.get("examples"):
        hint = "Add sourced examples: they are its tests."
        report(f, pos, at, f"article '{art['id']}' has no examples", hint, "warning")
    texts = [((*at, "text"), art["text"])] + [
        ((*at, "versions", j, "text"), v["text"]) for j, v in enumerate(art["versions"])
    ]
    for where, text in texts:
        if not text.strip(" .…\n\t"):
            report(f, pos, where, "the text is blank", "Quote the article's words verbatim.")
    if not art.get("verified", True):
        report(
            f, pos, (*at, "verified"), f"article '{art['id']}' text: {art.get('unverified_note', '')}", "", "unverified"
        )
    for j, v in enumerate(art["versions"]):
        if not v.get("obligation"):
            hint = "Add 'obligation: {strength: ..., words: ...}': `obligations` and the comparison table show it."
            report(f, pos, (*at, "versions", j), f"version '{v['id']}' says nothing of the obligation", hint, "warning")
        if not v.get("verified", True):
            where = (*at, "versions", j, "verified")
            report(f, pos, where, f"version '{v['id']}' wording: {v.get('unverified_note', '')}", "", "unverified")

"""The compiled rule book: plain data (what validation produces and the cache keeps), and reading it into the typed
objects of rules.language.

Compiled data is the validated rule files merged: `regions`, `conditions`, `parallels`, `interpretations`,
`sources` and `treaties` by id, each as written (dates as ISO strings), plus `files` and `origin` (the file that
defines each named thing).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from treatyscope.periods import Period, day, day_or_none
from treatyscope.rules.conditions import parse_condition
from treatyscope.rules.language import (
    Accession,
    Article,
    Example,
    Interpretation,
    Membership,
    Obligation,
    Parallel,
    Reading,
    RuleBook,
    Source,
    Suspension,
    Treaty,
    Version,
)
from treatyscope.rules.regions import parse_region

FORMAT = "treatyscope.rulebook/6"


def read_book(compiled: Mapping[str, Any], digest: str = "") -> RuleBook:
    """The typed book from compiled data."""
    return RuleBook(
        files=list(compiled.get("files", [])),
        treaties=dict(sorted((tid, treaty(t)) for tid, t in compiled.get("treaties", {}).items())),
        regions={name: parse_region(r) for name, r in compiled.get("regions", {}).items()},
        conditions={name: parse_condition(c) for name, c in compiled.get("conditions", {}).items()},
        interpretations={iid: interpretation(i) for iid, i in compiled.get("interpretations", {}).items()},
        parallels={name: parallel(p, name) for name, p in compiled.get("parallels", {}).items()},
        sources={sid: source(s) for sid, s in compiled.get("sources", {}).items()},
        origin=dict(compiled.get("origin", {})),
        digest=digest,
    )


def source(s: Mapping[str, Any]) -> Source:
    return Source(s["id"], s["title"], s.get("url"), s.get("quality"), s.get("note"))


def membership(p: Mapping[str, Any]) -> Membership:
    return Membership(
        code=p["code"],
        period=Period.of(p["from"], p.get("to")),
        source=p["source"],
        name=p.get("name"),
        note=p.get("note"),
        unverified=bool(p.get("unverified", False)),
        disputed=p.get("disputed"),
        disputed_from=day_or_none(p.get("disputed_from")),
    )


def treaty(t: Mapping[str, Any]) -> Treaty:
    return Treaty(
        id=t["id"],
        name=t["name"],
        short_name=t.get("short_name") or t["name"],
        signed=day(t["signed"]),
        in_force=day(t["in_force"]),
        ended=day_or_none(t.get("ended")),
        sources=tuple(t.get("sources", ())),
        articles=tuple(article(a) for a in t.get("articles", ())),
        file=t.get("file", ""),
        parties=tuple(membership(p) for p in t.get("parties", ())),
        protected=tuple(membership(p) for p in t.get("protected", ())),
        suspensions=tuple(
            Suspension(s["obligor"], s["beneficiary"], Period.of(s["from"], s.get("to")), s["source"], s.get("note"))
            for s in t.get("suspensions", ())
        ),
        aliases=tuple(t.get("aliases", ())),
        end_note=t.get("end_note"),
        notes=tuple(t.get("notes", ())),
        accession=Accession(**t["accession"]) if t.get("accession") else None,
    )


def version(v: Mapping[str, Any]) -> Version:
    return Version(
        id=v["id"],
        label=v["label"],
        period=Period.of(v["from"], v.get("to")),
        text=v["text"],
        source=v["source"],
        targets={target: parse_condition(cond) for target, cond in v["targets"].items()},
        verified=v.get("verified", True),
        unverified_note=v.get("unverified_note"),
        notes=tuple(v.get("notes", ())),
        obligation=Obligation(**v["obligation"]) if v.get("obligation") else None,
    )


def article(a: Mapping[str, Any]) -> Article:
    return Article(
        id=a["id"],
        number=str(a["number"]),
        cited_as=a.get("cited_as"),
        title=a["title"],
        text=a["text"],
        source=a["source"],
        versions=tuple(version(v) for v in a["versions"]),
        verified=a.get("verified", True),
        unverified_note=a.get("unverified_note"),
        scope_from=a.get("scope_from"),
        notes=tuple(a.get("notes", ())),
        examples=tuple(example(e) for e in a.get("examples", ())),
        data={k: v for k, v in a.items() if k != "examples"},
    )


def example(e: Mapping[str, Any]) -> Example:
    return Example(
        name=e["name"],
        target=e["target"],
        date=day(e["date"]),
        expect=e["expect"],
        source=e["source"],
        location=e.get("location"),
        at=e.get("at"),
        party=e.get("party"),
        interpretations=dict(e.get("interpretations", {})),
        assume_member=tuple(e.get("assume_member", ())),
        assume=tuple(e.get("assume", ())),
        territorial_sea=bool(e.get("territorial_sea", True)),
        note=e.get("note"),
    )


def parallel(p: Mapping[str, Any], name: str | None = None) -> Parallel:
    on = p.get("obliquity_on")
    return Parallel(
        name=name,
        label=p.get("label"),
        latitude=float(p["latitude"]) if p.get("latitude") is not None else None,
        obliquity_on="attack" if on == "attack" else day_or_none(on),
        interpretation=p.get("interpretation"),
        note=p.get("note"),
    )


def interpretation(i: Mapping[str, Any]) -> Interpretation:
    readings = tuple(
        Reading(
            id=r["id"],
            label=r["label"],
            summary=r["summary"],
            sources=tuple(r["sources"]),
            region=parse_region(r["region"]) if "region" in r else None,
            condition=parse_condition(r["condition"]) if "condition" in r else None,
            parallel=parallel(r["parallel"]) if "parallel" in r else None,
            territory_by=r.get("territory_by"),
            held=Period.of(r.get("from"), r.get("to")),
            unverified=bool(r.get("unverified", False)),
        )
        for r in i["readings"]
    )
    return Interpretation(i["id"], i["term"], i["question"], readings, i.get("note"))

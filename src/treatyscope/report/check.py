"""Render check results: JSON (the contract, versioned by `schema`), text (rich) and Markdown."""

from __future__ import annotations

import json
import re
from typing import Any

from treatyscope.evaluation import SCHEMA, Result

VERDICT_WORDS = {
    "applies": "Applies",
    "does-not-apply": "Does not apply",
    "partial": "Partly applies",
    "contested": "Contested",
}


def result_dict(r: Result) -> dict[str, Any]:
    return {
        "treaty": r.treaty.id,
        "treaty_name": r.treaty.name,
        "article": r.article["number"],
        "article_id": r.article["id"],
        "version": r.version["id"] if r.version else None,
        "version_label": r.version["label"] if r.version else None,
        "target": r.target,
        "party": r.party,
        "party_is_default": r.party_is_default,
        "date": r.date.isoformat(),
        "verdict": r.verdict,
        "headline": r.headline,
        "reasons": r.reasons,
        "trace": r.checks,
        "interpretations": r.interpretations,
        "parts": r.parts,
        "nearest_covered": r.nearest,
        "text": {
            "article": r.article["text"],
            "scope": r.version["text"] if r.version else None,
            "verified": bool(r.article.get("verified", True) and (r.version or {}).get("verified", True)),
        },
        "unverified": r.unverified,
        "notes": r.notes,
        "sources": [{k: v for k, v in s.items() if v is not None} for s in r.sources],
    }


def check_document(location: dict[str, Any], date: str, results: list[Result]) -> dict[str, Any]:
    return {"schema": SCHEMA, "location": location, "date": date, "results": [result_dict(r) for r in results]}


# ------------------------------------------------------------------------------------------------------- text


def render_text(doc: dict[str, Any], results: list[Result], out: Any, details: bool = True) -> None:
    """The verdict first in one sentence, then the reasons, the trace as a tree, the quoted clause, the sources."""
    from treatyscope.report.console import STYLES

    loc = doc["location"]
    out.para(f"Location: {loc['label']} — {loc['summary']}")
    shown: dict[str, str] = {}
    for r in results:
        out.line()
        word = VERDICT_WORDS[r.verdict]
        out.para(f"{word}: {r.headline}", style=STYLES.get(word.lower()))
        # Forces, vessels and aircraft are often covered by one clause: say so once.
        scope = [c for c in r.checks if c["check"] == "scope"]
        reasons = [re.sub(r"\b(forces|vessels?|aircraft)\b", "TARGET", x) for x in r.reasons]
        same = json.dumps([r.article["id"], r.verdict, reasons, scope, r.parts], sort_keys=True, default=str)
        if same in shown:
            out.para(f"Same reasons and trace as for {shown[same]} above.", "  ")
            continue
        shown[same] = r.target
        for reason in r.reasons:
            out.para(reason, "  ")
        if r.interpretations:
            out.line("  Readings that change the answer:")
            for term in r.interpretations:
                for rd in term["readings"]:
                    out.para(
                        f"{term['term']} = {rd['id']} ({rd['label']}) → {rd['verdict']}; sources: "
                        f"{', '.join(rd['sources'])}",
                        "    ",
                    )
        if r.parts and len(r.parts) > 1:
            out.line("  Parts:")
            unit = "km" if doc["location"].get("geometry_type", "").endswith("LineString") else "km²"
            for p in r.parts:
                out.para(
                    f"{p['name']}: {p['verdict']} ({p['covered_share']:.0%} of {p['area_km2']:,.0f} {unit})", "    "
                )
        if not details:
            continue
        out.tree("  Trace:", [_check_branch(c) for c in r.checks], "  ")
        if r.version:
            out.line(f"  {r.version['label']}:")
            out.para(f"“{r.version['text']}”", "    ")
        for u in r.unverified:
            out.para(f"Unverified: {u}", "  ")
        out.line("  Sources:")
        for s in r.sources:
            out.para(_cite(s), "    ")


def _cite(s: dict[str, Any]) -> str:
    return f"[{s['id']}] {s.get('title', '')}" + (f" <{s['url']}>" if s.get("url") else "")


def _check_branch(c: dict[str, Any]) -> tuple[str, list[Any]]:
    name = c["check"]
    head = f"{name}: {c['result']}" + (f" — {c['evidence']}" if c.get("evidence") and name != "scope" else "")
    children: list[Any] = []
    if name == "scope":
        for o in c.get("outcomes", []):
            if "trace" not in o:
                continue
            label = ", ".join(f"{k}={v}" for k, v in o["readings"].items())
            children.append((f"{o['result']}" + (f" if {label}" if label else ""), [_trace_branch(o["trace"])]))
    return head, children


def _trace_branch(t: dict[str, Any]) -> tuple[str, list[Any]]:
    mark = {"yes": "✓", "no": "✗", "unknown": "?"}[t["result"]]
    line = f"{mark} {t['clause']}" + (f": {t['evidence']}" if t.get("evidence") else "")
    return line, [_trace_branch(c) for c in t.get("checks", [])]


# --------------------------------------------------------------------------------------------------- markdown


def render_markdown(doc: dict[str, Any], results: list[Result]) -> str:
    loc = doc["location"]
    lines = [f"# {loc['label']}", "", f"{loc['summary']}", ""]
    lines.append("| treaty | article | target | verdict | why |")
    lines.append("|---|---|---|---|---|")
    for r in results:
        why = (r.reasons[0] if r.reasons else "").replace("|", "\\|")
        lines.append(f"| {r.treaty.short_name} | {r.article['number']} | {r.target} | **{r.verdict}** | {why} |")
    for r in results:
        lines += [
            "",
            f"## {r.treaty.short_name} Article {r.article['number']} — {r.target}: {r.verdict}",
            "",
            r.headline,
            "",
        ]
        lines += [f"- {reason}" for reason in r.reasons]
        if r.interpretations:
            lines += ["", "Readings:", ""]
            for term in r.interpretations:
                for rd in term["readings"]:
                    lines.append(
                        f"- *{term['term']}* = {rd['label']}: **{rd['verdict']}** ({', '.join(rd['sources'])})"
                    )
        if r.parts and len(r.parts) > 1:
            lines += ["", "| part | area km² | covered | verdict |", "|---|---:|---:|---|"]
            lines += [
                f"| {p['name']} | {p['area_km2']:,.0f} | {p['covered_share']:.0%} | {p['verdict']} |" for p in r.parts
            ]
        if r.version:
            lines += ["", f"> {r.version['text']}", ">", f"> — {r.version['label']}"]
        lines += ["", "Sources:", ""] + [f"- {_cite(s)}" for s in r.sources]
    return "\n".join(lines) + "\n"

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


def comparison_rows(results: list[Result]) -> list[tuple[str, str, str, str, str]]:
    """One row per treaty article and verdict: (treaty, article, targets, verdict, reason). Target kinds with the
    same verdict for the same reason share a row."""
    rows: dict[tuple[str, str, str, str], list[str]] = {}
    for r in results:
        reason = _one_line_reason(r)
        key = (r.treaty.id, r.article["number"], VERDICT_WORDS[r.verdict].lower(), reason)
        rows.setdefault(key, []).append(r.target)
    return [
        (t, a, "all" if len(targets) == 4 else ", ".join(targets), v, reason)
        for (t, a, v, reason), targets in rows.items()
    ]


def _one_line_reason(r: Result) -> str:
    """What decided, in one line: the treaty or the party (the first reason), else the scope: the clause that
    covers it, the readings that disagree, the share covered, or the nearest covered place."""
    if any(c["check"] == "in-force" and c["result"] == "no" for c in r.checks):
        t = r.treaty
        return (
            f"not in force: the treaty ended on {t.ended}"
            if t.ended and r.date >= t.ended
            else (f"not in force: the treaty entered into force on {t.in_force}")
        )
    stopped = any(c["result"] == "no" for c in r.checks if c["check"] in ("membership", "obligations"))
    if stopped or r.version is None:
        return r.reasons[0] if r.reasons else ""
    if r.verdict == "contested" and r.interpretations:
        return "depends on " + "; ".join(
            f"{t['term']}: " + ", ".join(f"{rd['id']} → {rd['verdict']}" for rd in t["readings"])
            for t in r.interpretations
        )
    if r.verdict == "partial" and r.parts:
        total = sum(p["area_km2"] for p in r.parts) or 1.0
        share = sum(p["area_km2"] * p["covered_share"] for p in r.parts) / total
        return f"{share:.0%} of the area is covered"
    if r.verdict == "applies":
        clauses = _held_top_clauses(r)
        return "covered by " + "; ".join(clauses) if clauses else (r.reasons[0] if r.reasons else "")
    if r.verdict == "does-not-apply":
        near = r.nearest
        where = f"; nearest covered: {near['name']}, {near['km']:,.0f} km away" if near and near["km"] > 0.5 else ""
        return "outside the text's scope" + where
    return r.reasons[0] if r.reasons else ""


def _held_top_clauses(r: Result) -> list[str]:
    """The labelled clauses just under the scope's root that hold (in the first outcome's trace)."""
    for o in r.outcomes:
        trace = o.get("trace")
        if trace:
            held = [c["clause"] for c in trace.get("checks", []) if c.get("result") == "yes"]
            return held or [trace["clause"]]
    return []


def render_table(doc: dict[str, Any], results: list[Result], out: Any) -> None:
    """The comparison across treaties: treaty, article, target kinds, verdict and one reason per row."""
    import textwrap

    from treatyscope.report.console import STYLES

    loc = doc["location"]
    out.para(f"Location: {loc['label']} — {loc['summary']}")
    out.line(f"Date: {doc['date']}")
    out.line()
    rows = comparison_rows(results)
    head = ("treaty", "article", "target", "verdict", "reason")
    widths = [max(len(head[i]), *(len(r[i]) for r in rows)) for i in range(4)]
    reason_width = max(30, out.width - sum(widths) - 8)
    out.line("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=False)) + "  " + head[4])
    for row in rows:
        lines = textwrap.wrap(row[4], reason_width, break_on_hyphens=False) or [""]
        cells = "  ".join(c.ljust(w) for c, w in zip(row[:4], widths, strict=False))
        out.line(cells + "  " + lines[0], STYLES.get(row[3]))
        pad = " " * (sum(widths) + 2 * 4)
        for more in lines[1:]:
            out.line(pad + more)


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

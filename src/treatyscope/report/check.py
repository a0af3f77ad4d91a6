"""`check` results rendered: the JSON contract (versioned by its `schema` field; fields are added, never removed),
text (the verdict first, then the reasons, the trace as a tree, the quoted clause, the sources) and Markdown. The
words come from report.explain and report.words; the formats are a registry (FORMATS)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import textwrap
from collections.abc import Sequence
from typing import Any, NamedTuple

from treatyscope.evaluation.bound import who_is_bound
from treatyscope.place.data import Status
from treatyscope.report.bound import (
    across_treaties,
    article_obligation,
    bound_line,
    obligation_dict,
    strength_label,
)
from treatyscope.report.console import STYLES, Printer
from treatyscope.report.explain import (
    CHECK_WORDS,
    COVERED_WORDS,
    VERDICT_WORDS,
    CheckLine,
    checks,
    headline,
    names,
    one_line,
    part_lines,
    reasons,
    subject_name,
    term_lines,
    unverified,
)
from treatyscope.report.given import assumption
from treatyscope.report.terms import terms_document
from treatyscope.report.words import Names, article_called, evidence, trace_tree
from treatyscope.result import Result, ScopeOutcome
from treatyscope.rules.language import Interpretation, Node, Reading, Trace

SCHEMA = "treatyscope.check/1"
BRIEF_LEAVES_OUT = ("trace", "facts")  # the bulk of a result, left out with --brief


# -------------------------------------------------------------------------------------------------------- JSON


def result_dict(r: Result, brief: bool = False) -> dict[str, Any]:
    """A result as JSON; `brief` leaves out the trace and the facts behind it (the bulk of the document)."""
    n = names(r)
    scope = r.scope
    doc = {
        "treaty": r.treaty.id,
        "treaty_name": r.treaty.name,
        "article": r.article.number,
        "article_id": r.article.id,
        "version": r.version.id if r.version else None,
        "version_label": r.version.label if r.version else None,
        "target": r.target,
        "party": r.party,
        "party_is_default": r.party_is_default,
        "date": r.date.isoformat(),
        "verdict": str(r.verdict),
        "reason": str(r.reason),
        "headline": headline(r),
        **({"assumption": given} if (given := assumption(r)) else {}),
        "reasons": reasons(r),
        "trace": None if brief else [_check_dict(c, r, n) for c in checks(r)],
        "interpretations": terms_document(r),
        "parts": [
            {
                "id": p.id,
                "name": p.name,
                "area_km2": p.size,
                "covered_share": p.covered_share,
                "covered_share_range": list(p.covered_share_range) if p.covered_share_range else None,
                "verdict": str(p.verdict),
            }
            for p in (scope.parts if scope else ())
        ],
        "nearest_covered": _nearest_dict(r),
        "obligation": obligation_dict(r.version.obligation if r.version else None),
        "bound_to_act": [b.state for b in who_is_bound([r]).bound],
        "text": {
            "article": r.article.text,
            "scope": r.version.text if r.version else None,
            "verified": r.verified,
        },
        "unverified": unverified(r),
        "notes": list(r.notes),
        "sources": [s.as_dict() for s in r.sources],
        "facts": None if brief else _facts(r),
    }
    return {k: v for k, v in doc.items() if not (brief and k in BRIEF_LEAVES_OUT)}


def _nearest_dict(r: Result) -> dict[str, Any] | None:
    near = r.nearest
    if near is None:
        return None
    out: dict[str, Any] = {
        "name": near.name,
        "km": near.km,
        "lat": near.lat,
        "lon": near.lon,
        "clause": near.clause,
        "all_readings": near.all_readings,
        "sea": near.sea,
    }
    if near.nearer is not None:
        out["nearer_under_some_readings"] = {
            "name": near.nearer.name,
            "km": near.nearer.km,
            "lat": near.nearer.lat,
            "lon": near.nearer.lon,
            "clause": near.nearer.clause,
            "all_readings": near.nearer.all_readings,
            "sea": near.nearer.sea,
        }
    return out


def _check_dict(c: CheckLine, r: Result, n: Names) -> dict[str, Any]:
    out: dict[str, Any] = {"check": c.check, "result": c.result}
    if c.evidence:
        out["evidence"] = c.evidence
    if c.check == "scope" and r.scope is not None:
        subject = subject_name(r.scope.subject)
        if r.scope.measure:
            out["outcomes"] = [_share_dict(o) for o in r.scope.outcomes] + [
                {"readings": {}, "result": "trace of the largest part", "trace": trace_dict(o.trace, subject, n)}
                for o in r.scope.traces[:1]
                if o.trace is not None
            ]
        else:
            out["outcomes"] = [
                {
                    "readings": dict(o.readings),
                    "result": str(o.verdict),
                    "unknown": sorted(str(u) for u in o.unknowns),
                    **({"trace": trace_dict(o.trace, subject, n)} if o.trace else {}),
                }
                for o in r.scope.outcomes
            ]
    return out


def _share_dict(o: ScopeOutcome) -> dict[str, Any]:
    return {
        "readings": dict(o.readings),
        "result": str(o.verdict),
        "covered_share": o.covered_share,
        "unknown_share": o.unknown_share,
    }


def trace_dict(t: Trace, subject: str, n: Names) -> dict[str, Any]:
    out: dict[str, Any] = {
        "clause": n.clause(t),
        "result": {True: "yes", False: "no", None: "unknown"}[t.result],
        "kind": t.node.kind,
    }
    text = evidence(t, subject, n)
    if text:
        out["evidence"] = text
    if t.quote:
        out["quote"] = t.quote
    if t.note:
        out["note"] = t.note
    if t.fact is not None:
        out["fact"] = plain(t.fact, n)
    if t.skipped:
        out["skipped"] = True
    if t.children:
        out["checks"] = [trace_dict(c, subject, n) for c in t.children]
    return out


def plain(value: Any, n: Names) -> Any:
    """A fact as JSON: rule nodes by kind and label, readings and interpretations by id, dates as ISO days."""
    if isinstance(value, Node):
        return {"kind": value.kind, "label": n.node(value)}
    if isinstance(value, Interpretation):
        return value.id
    if isinstance(value, Reading):
        return value.id
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Status):
        # Who held the place on the date; the record's note and source are the location's, given once with it.
        keep = ("sovereign", "administered_by", "claimed_by", "start", "end", "unverified", "recorded")
        return {"type": "status", **{k: plain(getattr(value, k), n) for k in keep}}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: plain(getattr(value, f.name), n) for f in dataclasses.fields(value)}
        return {"type": type(value).__name__.lower(), **out}
    if isinstance(value, list | tuple | frozenset | set):
        items = [plain(v, n) for v in value]
        return sorted(items, key=str) if isinstance(value, frozenset | set) else items
    return value


def _facts(r: Result) -> dict[str, Any]:
    m = r.membership
    out: dict[str, Any] = {
        "in_force": r.in_force,
        "membership": {
            "standing": str(m.standing),
            "party": m.party,
            "from": m.entry.period.start.isoformat() if m.entry and m.entry.period.start else None,
            "holders": [{"code": h.code, "party": h.member} for h in m.holders],
            "lineage": {
                "named": m.lineage.state,
                "predecessor": m.lineage.predecessor,
                "continues": m.lineage.continues,
                "until": m.lineage.until.isoformat() if m.lineage.until else None,
            }
            if m.lineage
            else None,
        },
        "obligations": [
            {
                "beneficiary": o.beneficiary,
                "suspended_by": [s.obligor for s in o.suspended],
                "still_bound": list(o.still_bound),
            }
            for o in r.obligations
        ],
    }
    if r.scope is not None:
        out["scope"] = {
            "verdict": str(r.scope.verdict),
            "measure": r.scope.measure or "point",
            "crossings": [{"label": c.label, "lat": c.lat, "decides": c.decides} for c in r.scope.crossings],
        }
    if r.holders is not None:
        out["holders"] = {
            "sovereign": str(r.holders.sovereign.verdict),
            "controller": str(r.holders.controller.verdict),
        }
    return out


def check_document(
    location: dict[str, Any], date: str, results: Sequence[Result], brief: bool = False
) -> dict[str, Any]:
    doc = {"schema": SCHEMA, "location": location, "date": date, "results": [result_dict(r, brief) for r in results]}
    return doc | ({"brief": True} if brief else {})


# -------------------------------------------------------------------------------------------------------- text


def _same_answer(r: Result) -> tuple[Any, ...]:
    """Forces, vessels and aircraft are often covered by one clause: results with this key are said once."""
    return (r.article.id, r.verdict, r.reason, id(r.scope), r.membership, r.obligations, r.nearest, r.holders)


def render_text(loc: dict[str, Any], results: Sequence[Result], out: Printer, details: bool = True) -> None:
    """The verdict first in one sentence, then the reasons, the trace as a tree, the quoted clause, the sources."""
    out.para(f"Location: {loc['label']} — {loc['summary']}")
    shown: dict[tuple[Any, ...], str] = {}
    for r in results:
        out.line()
        word = VERDICT_WORDS[r.verdict]
        out.para(f"{word}: {headline(r)}", style=STYLES.get(word.lower()))
        given = assumption(r)
        if given:
            out.para(f"Given: {given}.", "  ")
        key = _same_answer(r)
        if key in shown and r.scope is not None:
            out.para(f"Same reasons and trace as for {shown[key]} above.", "  ")
            continue
        shown[key] = {"vessel": "a vessel", "aircraft": "an aircraft"}.get(r.target, r.target)
        for reason in reasons(r):
            out.para(reason, "  ")
        bound = bound_line(r)
        if bound:
            out.para(bound, "  ")
        terms = term_lines(r)
        if terms:
            out.line("  Readings that change the answer:")
            for line in terms:
                out.para(line, "    ")
        parts = part_lines(r)
        if parts:
            out.line("  Parts:")
            for line in parts:
                out.para(line, "    ")
        if not details:
            continue
        out.tree("  Trace:", [_check_branch(c, r) for c in checks(r)], "  ")
        if r.version:
            out.line(f"  {r.version.label}:")
            out.para(f"“{r.version.text}”", "    ")
        for u in unverified(r):
            out.para(f"Unverified: {u}", "  ")
        out.line("  Sources:")
        for s in r.sources:
            out.para(_cite(s.as_dict()), "    ")
    across = across_treaties(results) if len({r.treaty.id for r in results}) > 1 else []
    if across:
        out.line()
        out.line("Who is bound to act, across the treaties (for what each duty says: treatyscope obligations):")
        for line in across:
            out.para(line, "  ")


class ComparisonRow(NamedTuple):
    treaty: str
    article: str
    targets: str  # "all", or the target kinds that share the row
    verdict: str
    obligation: str
    reason: str


def comparison_rows(results: Sequence[Result]) -> list[ComparisonRow]:
    """One row per treaty article and verdict. Target kinds with the same verdict for the same reason share a
    row."""
    rows: dict[tuple[str, str, str, str, str], list[str]] = {}
    for r in results:
        verdict = VERDICT_WORDS[r.verdict].lower() + ("*" if assumption(r) else "")
        owed = strength_label(article_obligation(r))
        key = (r.treaty.id, r.article.number, verdict, owed, one_line(r))
        rows.setdefault(key, []).append(r.target)
    return [
        ComparisonRow(t, a, "all" if len(targets) == 4 else ", ".join(targets), v, owed, reason)
        for (t, a, v, owed, reason), targets in rows.items()
    ]


def render_table(loc: dict[str, Any], date: str, results: Sequence[Result], out: Printer) -> None:
    """The comparison across treaties: treaty, article, target kinds, verdict and one reason per row."""
    out.para(f"Location: {loc['label']} — {loc['summary']}")
    out.line(f"Date: {date}")
    out.line()
    rows = comparison_rows(results)
    head = ("treaty", "article", "target", "verdict", "obligation", "reason")
    widths = [max(len(head[i]), *(len(r[i]) for r in rows)) for i in range(5)]
    reason_width = max(30, out.width - sum(widths) - 10)
    out.line("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=False)) + "  " + head[5])
    for row in rows:
        lines = textwrap.wrap(row[5], reason_width, break_on_hyphens=False) or [""]
        cells = "  ".join(c.ljust(w) for c, w in zip(row[:5], widths, strict=False))
        out.line(cells + "  " + lines[0], STYLES.get(row[3].rstrip("*")))
        pad = " " * (sum(widths) + 2 * 5)
        for more in lines[1:]:
            out.line(pad + more)
    for note in _assumptions(results):
        out.para(f"* Given: {note}.")


def _assumptions(results: Sequence[Result]) -> list[str]:
    """The assumptions the starred verdicts rest on, each once."""
    return list(dict.fromkeys(a for r in results if (a := assumption(r))))


def _cite(s: dict[str, Any]) -> str:
    return f"[{s['id']}] {s.get('title', '')}" + (f" <{s['url']}>" if s.get("url") else "")


def _check_branch(c: CheckLine, r: Result) -> tuple[str, list[Any]]:
    head = f"{CHECK_WORDS[c.check]}: {c.result}" + (f" — {c.evidence}" if c.evidence and c.check != "scope" else "")
    children: list[Any] = []
    if r.scope is not None:
        n = names(r)
        subject = subject_name(r.scope.subject)
        for label, trace, _ in c.outcomes:
            if trace is not None:
                children.append((label, [trace_branch(trace, subject, n)]))
    return head, children


def trace_branch(t: Trace, subject: str, n: Names) -> tuple[str, list[Any]]:
    return trace_tree(t, subject, n)


# ---------------------------------------------------------------------------------------------------- Markdown


def render_markdown(loc: dict[str, Any], results: Sequence[Result]) -> str:
    lines = [f"# {loc['label']}", "", f"{loc['summary']}", ""]
    lines.append("| treaty | article | target | verdict | obligation | why |")
    lines.append("|---|---|---|---|---|---|")
    for r in results:
        why = one_line(r).replace("|", "\\|")
        verdict = f"**{VERDICT_WORDS[r.verdict].lower()}**" + ("\\*" if assumption(r) else "")
        owed = strength_label(article_obligation(r))
        article = r.article.cited_as or r.article.number
        lines.append(f"| {r.treaty.short_name} | {article} | {r.target} | {verdict} | {owed} | {why} |")
    notes = _assumptions(results)
    lines += ["", *(f"\\* Given: {note}." for note in notes)] if notes else []
    for r in results:
        lines += [
            "",
            f"## {article_called(r.article, r.treaty.short_name)} — {r.target}: {VERDICT_WORDS[r.verdict].lower()}",
            "",
            headline(r),
            "",
        ]
        given = assumption(r)
        lines += [f"_Given: {given}._", ""] if given else []
        lines += [f"- {reason}" for reason in reasons(r)]
        bound = bound_line(r)
        lines += [f"- {bound}"] if bound else []
        terms = term_lines(r)
        if terms:
            lines += ["", "Readings that change the answer:", ""] + [f"- {t}" for t in terms]
        scope = r.scope
        if scope is not None and len(scope.parts) > 1:
            unit = {"length": "km", "points": "points"}.get(scope.measure or "", "km²")
            lines += ["", f"| part | {unit} | covered | verdict |", "|---|---:|---:|---|"]
            lines += [
                f"| {p.name} | {p.size:,.0f} | {p.covered_share:.0%} | {COVERED_WORDS[p.verdict]} |"
                for p in scope.parts
            ]
        if r.version:
            lines += ["", f"> {r.version.text}", ">", f"> — {r.version.label}"]
        lines += ["", "Sources:", ""] + [f"- {_cite(s.as_dict())}" for s in r.sources]
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------------------------- formats


# Each format is given the location's facts, the date and the results; only JSON needs the whole document built.


def _text(loc: dict[str, Any], date: str, results: Sequence[Result], out: Printer, details: bool, brief: bool) -> None:
    """With several treaties, the comparison table (and, with --details, each result after it); with one, each
    result with its reasons, trace, text and sources (--brief: the reasons only)."""
    if len({r.treaty.id for r in results}) > 1:
        render_table(loc, date, results, out)
        out.line()
        if not (details or brief):
            out.para("For the reasons, traces, texts and sources: --details, or --treaty ID for one treaty.")
            return
    render_text(loc, results, out, details=not brief)


def _json(loc: dict[str, Any], date: str, results: Sequence[Result], out: Printer, details: bool, brief: bool) -> None:
    out.json(check_document(loc, date, results, brief))


def _markdown(
    loc: dict[str, Any], date: str, results: Sequence[Result], out: Printer, details: bool, brief: bool
) -> None:
    out.raw(render_markdown(loc, results))


FORMATS = {"text": _text, "json": _json, "markdown": _markdown}

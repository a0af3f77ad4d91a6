"""A timeline in words: each article's intervals with their verdicts and reasons, what changed at each boundary, a
bar over the years (text), a table (Markdown) and the facts (JSON)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from treatyscope.english import capitalised, sentence, the
from treatyscope.evaluation.timeline import Cause, Change, Interval, Timeline, answer_key
from treatyscope.report.console import STYLES, Printer
from treatyscope.report.explain import VERDICT_WORDS, article_name, names, one_line
from treatyscope.report.words import Names, day, status
from treatyscope.result import Result, Verdict
from treatyscope.rules.parallels import dms

SCHEMA = "treatyscope.timeline/1"
# The bar is readable without colour: each verdict has its own glyph.
GLYPHS = {Verdict.APPLIES: "█", Verdict.PARTIAL: "▓", Verdict.CONTESTED: "▒", Verdict.DOES_NOT_APPLY: "·"}


@dataclass(frozen=True)
class Row:
    """One article's timeline, for the target kinds whose intervals are the same."""

    targets: tuple[str, ...]
    timeline: Timeline

    @property
    def result(self) -> Result:
        return self.timeline.result


def rows(timelines: Sequence[Timeline]) -> list[Row]:
    """Timelines of the same article with the same intervals (their days, the facts of their answers, their
    changes) share a row."""
    found: dict[tuple[Any, ...], list[Timeline]] = {}
    for t in timelines:
        r = t.result
        key = (r.treaty.id, r.article.id, *((i.first, i.last, answer_key(i.result), i.changes) for i in t.intervals))
        found.setdefault(key, []).append(t)
    return [Row(tuple(t.result.target for t in group), group[0]) for group in found.values()]


# ------------------------------------------------------------------------------------------------------- changes


def change(c: Change, r: Result) -> str:
    """What changed on the first day of an interval, as a clause: 'France (FRA) became a Party'."""
    n = names(r)
    return _WORDS[c.cause](c, r, n)


def _a_party(c: Change) -> str:
    return "a Party" if len(c.states) == 1 else "Parties"


def _holder(c: Change, r: Result, n: Names) -> str:
    assert c.status is not None
    before, after = (status(s, n) for s in c.status)
    if c.label is None:
        where = r.place
    elif c.label == r.place:
        where = f"part of {r.place}"
    else:
        where = the(c.label)
    return f"who holds {where} changed (until then: {before}; from this day: {after})"


def _parallel(c: Change, r: Result, n: Names) -> str:
    line = c.label or "a parallel that follows the obliquity of the ecliptic"
    edge = "the place" if r.scope is None or r.scope.measure is None else "an edge of a part of the place"
    where = f"; on this day it lies {dms(c.lat)} from the equator" if c.lat is not None else ""
    return f"{line} moved toward the equator past {edge} (the obliquity of the ecliptic decreases){where}"


def _share(c: Change, r: Result, n: Names) -> str:
    line = c.label or "a parallel that follows the obliquity of the ecliptic"
    where = f" (on this day it lies {dms(c.lat)} from the equator)" if c.lat is not None else ""
    return f"the part of the place beyond {line}{where} grew past the share that decides the answer"


_WORDS: dict[Cause, Callable[[Change, Result, Names], str]] = {
    Cause.ENTRY_INTO_FORCE: lambda c, r, n: "the treaty entered into force",
    Cause.TREATY_ENDED: lambda c, r, n: "the treaty ceased to be in force",
    Cause.TEXT: lambda c, r, n: f"another text took effect: {c.label}" if c.label else "no text of it is in force",
    Cause.ACCESSION: lambda c, r, n: f"{n.states(c.states)} became {_a_party(c)}",
    Cause.WITHDRAWAL: lambda c, r, n: f"{n.states(c.states)} ceased to be {_a_party(c)}",
    Cause.PROTECTION: lambda c, r, n: f"{n.states(c.states)} came under the article's protection, not as {_a_party(c)}",
    Cause.PROTECTION_ENDED: lambda c, r, n: f"{n.states(c.states)} ceased to be protected by the article",
    Cause.SUSPENSION: lambda c, r, n: f"{n.state(c.states[0])} suspended its obligations toward {n.state(c.states[1])}",
    Cause.SUSPENSION_ENDED: lambda c, r, n: (
        f"{n.state(c.states[0])}'s obligations toward {n.state(c.states[1])} were no longer suspended"
    ),
    Cause.HOLDER: _holder,
    Cause.SUCCESSION: lambda c, r, n: f"{n.state(c.states[0])} no longer stands for {n.state(c.states[1])}",
    Cause.READING_HELD: lambda c, r, n: f"the reading “{c.label}” is held from this day",
    Cause.READING_DROPPED: lambda c, r, n: f"the reading “{c.label}” is no longer held",
    Cause.DATED_CLAUSE: lambda c, r, n: (
        f"“{c.label}” names this day" if c.label else "a clause of the text names this day"
    ),
    Cause.PARALLEL: _parallel,
    Cause.SHARE: _share,
    Cause.OTHER: lambda c, r, n: "a date named in the rule files or the status history changes the answer",
}


def changes(i: Interval) -> str:
    """'From 1962-07-03: who holds Algiers changed: …; …' ('' for the first interval)."""
    if not i.changes:
        return ""
    return f"From {day(i.first)}: " + "; ".join(change(c, i.result) for c in i.changes) + "."


def _change_facts(c: Change) -> dict[str, Any]:
    """The facts of a change beyond its states: the label it names, the statuses before and after, the latitude."""
    out: dict[str, Any] = {}
    if c.label:
        out["label"] = c.label
    if c.status is not None:
        out["before"], out["after"] = (
            {"sovereign": s.sovereign, "administered_by": s.administered_by, "claimed_by": list(s.claimed_by)}
            for s in c.status
        )
    if c.lat is not None:
        out["latitude"] = round(c.lat, 6)
    return out


def _source(c: Change, r: Result) -> dict[str, Any] | None:
    if c.status is not None and c.status[1].source is not None:
        s = c.status[1].source
        return {"title": s.title, **({"url": s.url} if s.url else {})}
    return r.book.source(c.source).as_dict() if c.source else None


# ------------------------------------------------------------------------------------------------------- formats


def _span(i: Interval, last: dt.date, today: dt.date) -> str:
    end = "today" if i.last == last == today else day(i.last)
    return f"{day(i.first)} to {end}"


def _title(row: Row) -> str:
    return f"{article_name(row.result)} — {', '.join(row.targets)}"


def _bar(t: Timeline, width: int) -> str:
    """One glyph per slice of the period: the verdict at the slice's middle day."""
    first, last = t.intervals[0].first, t.intervals[-1].last
    days = (last - first).days + 1
    out = []
    for k in range(width):
        middle = first + dt.timedelta(days=int((k + 0.5) * days / width))
        out.append(GLYPHS[t.on(min(middle, last)).verdict])
    return "".join(out)


def render_text(loc: dict[str, Any], first: dt.date, last: dt.date, found: Sequence[Timeline], out: Printer) -> None:
    today = dt.date.today()
    out.para(f"Location: {loc['label']} — {loc['summary']}")
    out.line(f"From {day(first)} to {day(last)}{' (today)' if last == today else ''}")
    width = max(20, out.width - 12)
    for row in rows(found):
        out.line()
        out.line(_title(row), "bold")
        bar = _bar(row.timeline, width)
        out.line(f"  {first.year} {bar} {last.year}")
        for i in row.timeline.intervals:
            verdict = VERDICT_WORDS[i.verdict].lower()
            out.line(f"  {_span(i, last, today)}: {verdict}", prefix_style=None, style=STYLES.get(verdict))
            out.para(sentence(one_line(i.result)), "      ")
            if i.changes:
                out.para(changes(i), "      ")
    out.line()
    out.line("  ".join(f"{g} {VERDICT_WORDS[v].lower()}" for v, g in GLYPHS.items()))


def timeline_document(loc: dict[str, Any], first: dt.date, last: dt.date, found: Sequence[Timeline]) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "location": loc,
        "from": day(first),
        "to": day(last),
        "timelines": [_row_dict(row) for row in rows(found)],
    }


def _row_dict(row: Row) -> dict[str, Any]:
    r = row.result
    return {
        "treaty": r.treaty.id,
        "article": r.article.number,
        "title": article_name(r),
        "targets": list(row.targets),
        "party": r.party if not r.party_is_default else None,
        "intervals": [
            {
                "first_day": day(i.first),
                "last_day": day(i.last),
                "verdict": str(i.verdict),
                "reason": str(i.reason),
                "explanation": sentence(one_line(i.result)),
                "changes": [
                    {
                        "cause": str(c.cause),
                        "text": sentence(change(c, i.result)),
                        **({"states": list(c.states)} if c.states else {}),
                        **_change_facts(c),
                        **({"source": src} if (src := _source(c, i.result)) else {}),
                    }
                    for c in i.changes
                ],
            }
            for i in row.timeline.intervals
        ],
    }


def render_markdown(loc: dict[str, Any], first: dt.date, last: dt.date, found: Sequence[Timeline]) -> str:
    lines = [f"# {loc['label']}: {day(first)} to {day(last)}", "", loc["summary"], ""]
    for row in rows(found):
        lines += [f"## {_title(row)}", "", "| from | to | verdict | why | what changed |", "|---|---|---|---|---|"]
        for i in row.timeline.intervals:
            cells = (
                day(i.first),
                day(i.last),
                VERDICT_WORDS[i.verdict].lower(),
                sentence(one_line(i.result)),
                "; ".join(capitalised(change(c, i.result)) for c in i.changes) + ("." if i.changes else ""),
            )
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        lines.append("")
    return "\n".join(lines)


def _json(loc: dict[str, Any], first: dt.date, last: dt.date, found: Sequence[Timeline], out: Printer) -> None:
    out.json(timeline_document(loc, first, last, found))


def _markdown(loc: dict[str, Any], first: dt.date, last: dt.date, found: Sequence[Timeline], out: Printer) -> None:
    out.raw(render_markdown(loc, first, last, found))


FORMATS = {"text": render_text, "json": _json, "markdown": _markdown}

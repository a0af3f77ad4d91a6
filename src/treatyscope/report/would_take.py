"""`check --what-it-would-take`, in words: for an answer that does not apply, whether the attacked state's
membership is what stands in the way, who may accede under the treaty's own clause, and the answer were the state
a Party (evaluation.would_take finds them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from treatyscope.english import join
from treatyscope.evaluation.would_take import WouldTake
from treatyscope.report.check import FORMATS, check_document
from treatyscope.report.console import Printer
from treatyscope.report.explain import article_name, names, one_line
from treatyscope.report.words import day
from treatyscope.result import Reason, Result, Verdict

# The answer were the state a Party, by its verdict: how the sentence about it begins.
AS_A_PARTY = {
    Verdict.APPLIES: "As {a_party}, {state} would be covered",
    Verdict.PARTIAL: "As {a_party}, {state} would be covered in part",
    Verdict.CONTESTED: "As {a_party}, whether {state} would be covered is contested",
    Verdict.DOES_NOT_APPLY: "Even as {a_party}, {state} would not be covered",
}
# The same, where the state is not the one attacked but the one holding the place (forces, vessels there).
HOLDER_AS_A_PARTY = {
    Verdict.APPLIES: "Were {state}, which {hold} the place, {a_party}, the attack would be covered",
    Verdict.PARTIAL: "Were {state}, which {hold} the place, {a_party}, the attack would be covered in part",
    Verdict.CONTESTED: "Were {state}, which {hold} the place, {a_party}, whether the attack would be covered is "
    "contested",
    Verdict.DOES_NOT_APPLY: "Even were {state}, which {hold} the place, {a_party}, the attack would not be covered",
}
NOTHING = "No answer here turns on the attacked state's membership or on the article's scope."


def would_take_lines(w: WouldTake) -> list[str]:
    """The sentences, in order; none where the answer turns on neither membership nor scope."""
    r = w.result
    if not w.outsiders:
        if r.reason is not Reason.OUTSIDE_SCOPE:
            return []
        return [f"No state's accession changes this: the place lies outside the scope of {article_name(r)}."]
    n = names(r)
    state = join([n.state(c) for c in w.outsiders])
    are = "is not a Party" if len(w.outsiders) == 1 else "are not Parties"
    lines = [f"{state} {are} to the {r.treaty.name} on {day(r.date)}."]
    acc = w.accession
    if acc is None:
        lines.append(f"Who may accede to the {r.treaty.name} is not encoded in its rule file.")
    else:
        flag = "" if acc.verified else " (wording not verified)"
        lines.append(f"Article {acc.article} says who may accede{flag}: “{acc.text}”")
    if w.as_party is not None:
        why = one_line(w.as_party)
        a_party = "a Party" if len(w.outsiders) == 1 else "Parties"
        templates = HOLDER_AS_A_PARTY if w.holds_place else AS_A_PARTY
        hold = "holds" if len(w.outsiders) == 1 else "hold"
        opening = templates[w.as_party.verdict].format(a_party=a_party, state=state, hold=hold)
        lines.append(f"{opening}: {why}." if why else f"{opening}.")
    return lines


def would_take_dict(w: WouldTake) -> dict[str, Any]:
    """The same as JSON: the facts, and the sentences."""
    acc = w.accession
    return {
        "not_parties": list(w.outsiders),
        "holds_place": w.holds_place,
        "accession": None
        if acc is None
        else {"article": acc.article, "text": acc.text, "source": acc.source, "verified": acc.verified},
        "as_a_party": None
        if w.as_party is None
        else {"verdict": str(w.as_party.verdict), "reason": str(w.as_party.reason)},
        "text": would_take_lines(w),
    }


def render(
    fmt: str,
    loc: dict[str, Any],
    date: str,
    results: Sequence[Result],
    found: Sequence[WouldTake | None],
    out: Printer,
    details: bool,
    brief: bool,
) -> None:
    """The answer as `check` gives it in `fmt`, with what it would take for each result that does not apply: in
    JSON each result's `what_it_would_take`; in text and Markdown a section after the answer."""
    if fmt == "json":
        doc = check_document(loc, date, results, brief)
        for entry, w in zip(doc["results"], found, strict=True):
            entry["what_it_would_take"] = None if w is None else would_take_dict(w)
        out.json(doc)
        return
    FORMATS[fmt](loc, date, results, out, details, brief)
    shown = [(w, would_take_lines(w)) for w in found if w is not None]
    shown = [(w, lines) for w, lines in shown if lines]
    if fmt == "markdown":
        section = ["", "## What it would take", ""]
        for w, lines in shown:
            section += [f"**{article_name(w.result)}, {w.result.target}.** " + " ".join(lines), ""]
        if not shown:
            section += [NOTHING, ""]
        out.raw("\n".join(section))
        return
    out.line()
    out.para("What it would take:")
    for w, lines in shown:
        out.para(f"{article_name(w.result)}, {w.result.target}: " + " ".join(lines), "  ")
    if not shown:
        out.para(NOTHING, "  ")

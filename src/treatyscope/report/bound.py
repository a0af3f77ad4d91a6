"""Who is bound to act, in words: one row per state with the treaties that bind it and how strongly, the words of
each obligation, the suspended pairs and the contested duties; as text, Markdown and JSON."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

from treatyscope.english import capitalised, join, plural, sentence
from treatyscope.evaluation.bound import BoundState, Duty, WhoIsBound, attacked_state, who_is_bound
from treatyscope.report.console import Printer
from treatyscope.report.explain import VERDICT_WORDS, article_name, names, one_line
from treatyscope.report.terms import interpretation_document, terms_document
from treatyscope.report.words import day
from treatyscope.result import Result, Verdict
from treatyscope.rules.language import Obligation

SCHEMA = "treatyscope.obligations/1"
ASK_CLI = "name the attacked state with --party"
EQUIVALENCE = "attack-on-one-is-attack-on-both"  # the strength that states no duty of assistance

# What each strength of rules.kinds.OBLIGATION_STRENGTHS means, strongest first: (a short label for tables, the
# obligation in a phrase).
STRENGTH_WORDS = {
    "all-aid-in-their-power": (
        "all aid in their power",
        "automatic military and other aid, by all the means in their power",
    ),
    "all-means-in-their-power": ("all means in their power", "aid and assistance by all the means in their power"),
    "necessary-assistance-including-military": (
        "assistance incl. military",
        "the necessary assistance, military assistance included",
    ),
    "action-it-deems-necessary": (
        "action it deems necessary",
        "the action or means each deems necessary, armed force included",
    ),
    "assist-in-meeting-the-attack": (
        "assist, own measures",
        "assistance in meeting the attack, by measures each determines",
    ),
    "act-to-meet-the-common-danger": (
        "constitutional processes",
        "action to meet the common danger in accordance with each Party's constitutional processes",
    ),
    "attack-on-one-is-attack-on-both": (
        "attack on one, on both",
        "an attack on one considered an attack on both; what each must then do is not stated",
    ),
}
TARGET_WORDS = {
    "territory": "the territory",
    "forces": "armed forces",
    "vessel": "a vessel",
    "aircraft": "an aircraft",
}


def states_no_duty(ob: Obligation | None) -> bool:
    """The article gives only the equivalence (an attack on one is one on both): it binds no one "to assist"."""
    return ob is not None and ob.strength == EQUIVALENCE


def strength_label(ob: Obligation | None) -> str:
    """The short label of an obligation's strength ('' when the rules do not say)."""
    return STRENGTH_WORDS[ob.strength][0] if ob else ""


def article_obligation(r: Result) -> Obligation | None:
    """The obligation of the text in force; on a day no text is (before the treaty, after it), that of the text
    nearest in time, for comparing articles."""
    versions = r.article.versions
    if r.version is not None or not versions:
        return r.version.obligation if r.version else None
    first = versions[0].period.start
    return (versions[0] if first is not None and r.date < first else versions[-1]).obligation


def _duty(d: Duty, attacked: str | None) -> str:
    """'NATO Article 5 (action it deems necessary)', marked when it is contested or partial, or owed to another
    state than the one attacked (the controlling state of land held by two)."""
    r = d.result
    label = strength_label(d.obligation)
    mark = {Verdict.CONTESTED: ", contested", Verdict.PARTIAL: ", part of the place"}.get(r.verdict, "")
    if d.disputed is not None:
        mark += ", its membership disputed"
    if d.split and d.beneficiary != attacked:
        mark += f", to assist {names(r).state(d.beneficiary)} if the place is its territory"
    elif d.split:
        mark += f", if the place is the territory of {names(r).state(d.beneficiary)}"
    inside = f"{label}{mark}" if label else mark[2:]
    return f"{article_name(r)}" + (f" ({inside})" if inside else "")


def _attack(w: WhoIsBound, results: Sequence[Result]) -> str:
    r = results[0]
    n = names(r)
    if r.target == "territory" and not w.attacked:
        return f"An armed attack on {r.place} on {day(r.date)}."
    whose = f"{TARGET_WORDS[r.target]} of {n.state(w.attacked)}" if w.attacked else TARGET_WORDS[r.target]
    where = "over" if r.target == "aircraft" else "at"
    split = [x for x in results if x.holders is not None]
    also = ""
    if split and r.target == "territory":
        h = split[0].holders
        assert h is not None
        other = attacked_state(h.controller)
        if other and other != w.attacked:
            also = f" (its sovereign; {n.state(other)} controls it, and it is taken as either's territory)"
    return f"An armed attack on {whose} {where} {r.place}{also} on {day(r.date)}."


def _obligation_line(r: Result) -> str:
    ob = r.version.obligation if r.version else None
    if ob is None:
        return f"{article_name(r)}: the rule files do not say what it obliges."
    words = f"“{ob.words}”" + (f" (“{ob.translation}”)" if ob.translation else "")
    if not r.verified:
        words += " (wording not verified against an authentic copy)"
    note = f" {sentence(ob.note)}" if ob.note else ""
    return f"{article_name(r)} — {STRENGTH_WORDS[ob.strength][1]}: {words}.{note}"


def bound_line(r: Result) -> str:
    """For one result, who it binds to assist the attacked state ('' when it binds no one): 'Bound to assist
    Poland (POL), with such action …: 31 states, Albania (ALB), ….' Land held by two states: whom, if it is
    whose."""
    w = who_is_bound([r])
    if not w.bound and not w.suspended:
        return ""
    n = names(r)
    ob = r.version.obligation if r.version else None
    how = f", with {STRENGTH_WORDS[ob.strength][1]}" if ob and not states_no_duty(ob) else ""
    # An article that states no duty of assistance does not bind anyone "to assist": say what it does say.
    duty = "bound to treat an attack on {} as an attack on itself" if states_no_duty(ob) else "bound to assist {}"
    owed: dict[str, list[str]] = {}
    for b in w.bound:
        for d in b.duties:
            owed.setdefault(d.beneficiary, []).append(b.state)
    clauses = []
    for beneficiary, states in owed.items():
        states.sort(key=lambda c: n.data.entity_name(c))
        when = f"if the place is the territory of {n.state(beneficiary)}, " if r.holders is not None else ""
        clauses.append(
            f"{when}{duty.format(n.state(beneficiary))}{how}: {plural(len(states), 'state')}, {n.states(states)}"
        )
    doubted = sorted({b.state for b in w.bound for d in b.duties if d.disputed}, key=n.data.entity_name)
    if doubted:
        whether = "it is a Party" if len(doubted) == 1 else "they are Parties"
        clauses.append(f"{n.states(doubted)} only if {whether} at all, which is disputed")
    paused = [s.suspension.obligor for s in w.suspended]
    if paused:
        clauses.append(f"not {n.states(paused)}, whose obligations toward it are suspended")
    return sentence("; ".join(clauses))


def across_treaties(results: Sequence[Result]) -> list[str]:
    """For `check --details` over several treaties: for each kind of target with one attacked state, who is bound
    to act across the treaties, grouped by the articles that bind them ('… under TEU Article 42(7) and NATO Article
    5, 22 states: …; under TEU Article 42(7) only, 4 states: …')."""
    out = []
    for target in dict.fromkeys(r.target for r in results):
        w = who_is_bound([r for r in results if r.target == target])
        if w.attacked is None or not w.bound:
            continue
        n = names(w.results[0])
        groups: dict[tuple[str, ...], list[str]] = {}
        for b in w.bound:
            articles = tuple(article_name(d.result) + ("" if d.certain else " (?)") for d in b.duties)
            groups.setdefault(articles, []).append(b.state)
        several = len(groups) > 1
        clauses = [
            f"under {join(list(articles))}{' only' if several and len(articles) == 1 else ''}, "
            f"{plural(len(states), 'state')}: {n.states(sorted(states, key=n.data.entity_name))}"
            for articles, states in sorted(groups.items(), key=lambda g: (-len(g[0]), -len(g[1])))
        ]
        out.append(f"{_attack(w, list(w.results))} {capitalised(summary_line(w, ASK_CLI))} {'; '.join(clauses)}.")
    return out


def _suspended_line(w: WhoIsBound) -> list[str]:
    out = []
    for s in w.suspended:
        r = s.result
        n = names(r)
        since = f" since {day(s.suspension.period.start)}" if s.suspension.period.start else ""
        out.append(
            f"{capitalised(n.state(s.suspension.obligor))} is a Party to the {r.treaty.name}, but its obligations "
            f"toward {n.state(s.suspension.beneficiary)} have been suspended{since}: it is not bound under it."
        )
    return out


UNCERTAIN = (
    "Only under some readings, for part of the place, if the place is one state's territory, or if the state is a "
    "Party at all."
)


def _marks(w: WhoIsBound) -> list[tuple[str, str]]:
    """What the rows' marks mean: '?' a duty that is not certain, '*' a state taken as a Party."""
    marks = [("?", UNCERTAIN)] if any(not d.certain for b in w.bound for d in b.duties) else []
    return marks + ([("*", _assumed_line(w))] if any(b.state in w.assumed for b in w.bound) else [])


def _notes(w: WhoIsBound) -> list[str]:
    """The marks' meanings as sentences, and the assumption the answer rests on when the attacked state is assumed."""
    notes = [note for _, note in _marks(w)]
    return notes + ([_assumed_line(w)] if w.attacked in w.assumed and _assumed_line(w) not in notes else [])


def _assumed_line(w: WhoIsBound) -> str:
    """'Given: Ukraine (UKR) taken as a Party to the North Atlantic Treaty (--assume-member).' (no treaty named:
    a Party to every treaty asked about)."""
    n = names(w.results[0])
    every = {r.treaty.id for r in w.results}
    clauses = []
    for code in sorted(w.assumed, key=n.data.entity_name):
        to = {r.treaty.id: r.treaty.name for r in w.results if code in r.assumed}
        everywhere = " to every treaty asked about" if len(every) > 1 else ""
        where = everywhere if set(to) == every else f" to {join([f'the {name}' for name in to.values()])}"
        clauses.append(f"{n.state(code)} taken as a Party{where}")
    return f"Given: {'; '.join(clauses)} (--assume-member)."


def _contested_line(d: Duty) -> str:
    r = d.result
    return f"{article_name(r)}: {one_line(r)}" if r.verdict is Verdict.CONTESTED else ""


def _disputed_line(state: str, d: Duty) -> str:
    """'Cuba (CUB), under Rio Treaty Article 3: Is Cuba still a Party …? — still a Party … [rio-state-2001]; …'"""
    if d.disputed is None:
        return ""
    readings = "; ".join(f"{r.label} [{', '.join(r.sources)}]" for r in d.disputed.readings)
    who = capitalised(names(d.result).state(state))
    return f"{who}, under {article_name(d.result)}: {d.disputed.question} — {readings}."


def _why(state: str, d: Duty) -> str:
    """Why a duty is not certain, as a sentence: the article's answer, or the dispute over the state's membership."""
    if d.disputed is not None and d.result.verdict is Verdict.APPLIES and not d.split:
        return f"Its standing as a Party is disputed: {d.disputed.question}"
    return sentence(one_line(d.result))


def _rows(w: WhoIsBound) -> list[tuple[str, BoundState]]:
    """The bound states with their names: the certain first, by the strongest duty, then by name."""
    n = names(w.results[0])
    named = [(capitalised(n.state(b.state)), b) for b in w.bound]
    return sorted(named, key=lambda nb: (not nb[1].certain, nb[1].duties[0].rank, n.data.entity_name(nb[1].state)))


def summary_line(w: WhoIsBound, ask: str) -> str:
    """What the rows below it are: 'N states bound to assist it under M treaties:', or why there are none (with
    `ask`, how the reader names the attacked state: 'name the attacked state with --party')."""
    if w.attacked is None:
        if w.results[0].target == "territory":
            return (
                f"No single state holds this place on this date (no state, or several): {ask} to see "
                "who is bound to assist it."
            )
        return f"Forces, vessels or aircraft of any Party: {ask} to see who is bound to assist it."
    if not w.bound:
        return "No encoded article binds any state to assist it here."
    duties = [d for b in w.bound for d in b.duties]
    treaties = {d.result.treaty.id for d in duties}
    no_duty = [states_no_duty(d.obligation) for d in duties]
    if all(no_duty):
        whom = "to treat the attack as an attack on both "
    elif any(no_duty) or any(d.beneficiary != w.attacked for d in duties):
        whom = "to act "
    else:
        whom = "to assist it "
    return (
        f"{capitalised(plural(len(w.bound), 'state'))} bound {whom}under {plural(len(treaties), 'treaty', 'treaties')}:"
    )


def render_text(loc: dict[str, Any], w: WhoIsBound, out: Printer) -> None:
    results = list(w.results)
    out.para(f"Location: {loc['label']} — {loc['summary']}")
    out.para(_attack(w, results))
    if w.attacked in w.assumed:
        out.para(_assumed_line(w))  # the whole answer rests on it
    out.line()
    out.para(summary_line(w, ASK_CLI))
    if w.bound:
        rows = _rows(w)
        width = max(len(name) for name, _ in rows) + 2
        for name, b in rows:
            for k, d in enumerate(b.duties):
                duty = _duty(d, w.attacked) + ("" if d.certain else " ?") + (" *" if b.state in w.assumed else "")
                wrapped = textwrap.wrap(duty, max(30, out.width - width - 4), break_on_hyphens=False)
                out.line("  " + (name if k == 0 else "").ljust(width) + wrapped[0])
                for more in wrapped[1:]:
                    out.line("  " + " " * width + "  " + more)
        for mark, note in _marks(w):
            out.para(f"{mark} {note}")

    if w.binding:
        out.line()
        out.line("What each article obliges:")
        for r in w.binding:
            out.para(_obligation_line(r), "  ")
    for line in _suspended_line(w):
        out.line()
        out.para(line)
    contested = [c for b in w.bound for d in b.duties if (c := _contested_line(d))]
    contested += [c for b in w.bound for d in b.duties if (c := _disputed_line(b.state, d))]
    if contested:
        out.line()
        out.line("Contested:")
        for c in dict.fromkeys(contested):
            out.para(c, "  ")
    idle = [r for r in results if r not in w.binding]
    if idle:
        out.line()
        out.line("Not binding here:" if w.attacked else "The articles' answers:")
        for r in idle:
            out.para(f"{article_name(r)}: {VERDICT_WORDS[r.verdict].lower()} — {one_line(r)}", "  ")


def document(loc: dict[str, Any], w: WhoIsBound, ask: str = ASK_CLI) -> dict[str, Any]:
    """As JSON, with the sentences the text output prints (`ask`: how the reader names the attacked state)."""
    r0 = w.results[0]
    return {
        "schema": SCHEMA,
        "location": loc,
        "date": day(r0.date),
        "target": r0.target,
        "attacked": w.attacked,
        "question": _attack(w, list(w.results)),
        "summary": summary_line(w, ask),
        "bound": [_bound_dict(b, w) for _, b in _rows(w)],
        "suspended": [
            {
                "state": s.suspension.obligor,
                "toward": s.suspension.beneficiary,
                "treaty": s.result.treaty.id,
                "article": s.result.article.number,
                "from": day(s.suspension.period.start) if s.suspension.period.start else None,
                "text": line,
            }
            for s, line in zip(w.suspended, _suspended_line(w), strict=True)
        ],
        "notes": _notes(w),
        "articles": [_article_dict(r, r in w.binding) for r in w.results],
    }


def _bound_dict(b: BoundState, w: WhoIsBound) -> dict[str, Any]:
    n = names(b.duties[0].result)
    return {
        "state": b.state,
        "name": capitalised(n.state(b.state)),
        "certain": b.certain,
        "assumed": b.state in w.assumed,
        "duties": [
            {
                "treaty": d.result.treaty.id,
                "article": d.result.article.number,
                "verdict": str(d.result.verdict),
                "to_assist": d.beneficiary,
                "certain": d.certain,
                "strength": d.obligation.strength if d.obligation else None,
                "text": _duty(d, w.attacked),
                **({} if d.certain else {"why": _why(b.state, d)}),
                **({"readings": terms_document(d.result)} if d.result.verdict is Verdict.CONTESTED else {}),
                **({"membership_disputed": interpretation_document(d.disputed)} if d.disputed else {}),
            }
            for d in b.duties
        ],
    }


def _article_dict(r: Result, binding: bool) -> dict[str, Any]:
    ob = r.version.obligation if r.version else None
    return {
        "treaty": r.treaty.id,
        "article": r.article.number,
        "title": article_name(r),
        "verdict": str(r.verdict),
        "reason": str(r.reason),
        "binding": binding,
        "explanation": sentence(one_line(r)),
        "obligation": obligation_dict(ob),
        "verified": r.verified,
    }


def obligation_dict(ob: Obligation | None) -> dict[str, Any] | None:
    if ob is None:
        return None
    return {
        "strength": ob.strength,
        "meaning": STRENGTH_WORDS[ob.strength][1],
        "words": ob.words,
        **({"translation": ob.translation} if ob.translation else {}),
        **({"note": ob.note} if ob.note else {}),
    }


def render_markdown(loc: dict[str, Any], w: WhoIsBound) -> str:
    results = list(w.results)
    lines = [f"# Who is bound to act: {loc['label']}", "", _attack(w, results), ""]
    if w.bound:
        lines += ["| state | bound by |", "|---|---|"]
        for name, b in _rows(w):
            cells = (name, "; ".join(_duty(d, w.attacked) for d in b.duties) + ("" if b.certain else " (?)"))
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        lines.append("")
    elif w.attacked is None:
        lines += ["No single state is attacked here: name one with `--party`.", ""]
    else:
        lines += ["No encoded article binds any state to assist it here.", ""]
    lines += [f"- {_obligation_line(r)}" for r in w.binding]
    lines += [f"- {line}" for line in _suspended_line(w)]
    return "\n".join(lines) + "\n"


def _json(loc: dict[str, Any], w: WhoIsBound, out: Printer) -> None:
    out.json(document(loc, w))


def _markdown(loc: dict[str, Any], w: WhoIsBound, out: Printer) -> None:
    out.raw(render_markdown(loc, w))


FORMATS = {"text": render_text, "json": _json, "markdown": _markdown}

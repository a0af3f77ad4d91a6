"""How conditions combine and branch: three-valued logic, readings of vague terms, and walks over a rule's nodes.

Where a condition meets an interpretation whose readings disagree *for this place*, evaluation stops with `Branch`
and `outcomes` evaluates again once per reading: unanimous readings give one outcome, split ones several (the
answer is then contested, naming which reading gives which).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from treatyscope.rules.language import (
    Branch,
    Condition,
    Context,
    Reading,
    ReadingUsed,
    Trace,
    Truth,
    Unknown,
)

if TYPE_CHECKING:
    from treatyscope.place.subject import Subject

R = TypeVar("R")


def kleene_all(values: Sequence[Truth]) -> Truth:
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def kleene_any(values: Sequence[Truth]) -> Truth:
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def set_test(possible: frozenset[object], wanted: set[object]) -> Truth:
    """Whether a fact with these possible values is among the wanted ones: no, yes, or unknown (only some are)."""
    if not possible & wanted:
        return False
    return True if possible <= wanted else None


def interpret(
    term: str, ctx: Context, run: Callable[[Reading], R], result: Callable[[R], Truth]
) -> tuple[R, ReadingUsed]:
    """`run` under the reading chosen for the term, or under every reading held if they agree here (the first
    reading's answer stands for all); if they disagree, `Branch`."""
    interp = ctx.interpretation(term)
    chosen = ctx.reading(term)
    if chosen is not None:
        return run(chosen), ReadingUsed(interp, chosen)
    answers = []
    for r in ctx.readings(term):
        ctx.assignment[term] = r.id
        try:
            answers.append(run(r))
        finally:
            del ctx.assignment[term]
    if len({result(a) for a in answers}) == 1:
        return answers[0], ReadingUsed(interp, None)
    raise Branch(term)


@dataclass(frozen=True, eq=False)
class Outcome:
    """A condition's answer under one combination of readings (those that mattered here)."""

    assignment: dict[str, str]
    result: Truth
    trace: Trace
    unknowns: tuple[Unknown, ...]


def outcomes(cond: Condition, s: Subject, ctx: Context, pinned: dict[str, str]) -> list[Outcome]:
    """Evaluate under every combination of the readings that matter here (the pinned ones fixed)."""
    out = []
    stack: list[dict[str, str]] = [dict(pinned)]
    while stack:
        assignment = stack.pop()
        ctx.assignment = dict(assignment)
        ctx.unknowns = []
        try:
            trace = cond.evaluate(s, ctx)
        except Branch as b:
            for r in reversed(ctx.readings(b.term)):
                stack.append({**assignment, b.term: r.id})
            continue
        out.append(Outcome(dict(assignment), trace.result, trace, tuple(ctx.unknowns)))
    out.sort(key=lambda o: sorted(o.assignment.items()))
    return out


def deciding(trace: Trace, want: Truth) -> Trace:
    """The most specific labelled clause under `trace` that gave its answer `want` (the clause that covers a place,
    say); a negation ("not in Antarctica") decides only where nothing else does."""
    found = [c for c in trace.children if c.result is want and (c.children or c.quote)]
    if found and trace.node.clause and all(c.node.kind == "not" for c in found):
        return trace  # only a negation under a labelled clause: the clause itself is the more telling
    for c in sorted(found, key=lambda c: c.node.kind == "not"):
        return deciding(c, want) if c.children and any(g.children for g in c.children) else c
    return trace

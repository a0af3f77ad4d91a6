"""Rule examples as tests: each example in a rule file is a scenario with an expected verdict and a source."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from treatyscope.errors import TreatyscopeError
from treatyscope.evaluation.check import check
from treatyscope.input.scenario import build_scenarios
from treatyscope.result import Result
from treatyscope.rules.language import Condition, Example, RuleBook, reachable


@dataclass(frozen=True)
class ExampleCase:
    treaty: str
    article: str
    index: int
    example: Example
    file: str = ""

    @property
    def id(self) -> str:
        return f"{self.article}[{self.index}] {self.example.name}"


def example_cases(book: RuleBook, pattern: str | None = None) -> Iterator[ExampleCase]:
    for treaty in book.treaties.values():
        for art in treaty.articles:
            for i, ex in enumerate(art.examples):
                case = ExampleCase(treaty.id, art.id, i, ex, treaty.file)
                if pattern is None or pattern.lower() in case.id.lower():
                    yield case


def run_example(case: ExampleCase, book: RuleBook) -> Result:
    """The example's result."""
    ex = case.example
    scenarios, _ = build_scenarios(
        location=ex.location,
        at=ex.at,
        targets=[ex.target],
        party=ex.party,
        date=ex.date,
        assume_member=ex.assume_member,
        assume=ex.assume,
        interpretation=ex.interpretations,
        territorial_sea=ex.territorial_sea,
    )
    found = [r for sc in scenarios for r in check(sc, book, [case.treaty]) if r.article.id == case.article]
    assert len(found) == 1
    return found[0]


@dataclass(frozen=True)
class ExampleOutcome:
    case: ExampleCase
    result: Result | None
    error: str | None = None  # the example could not be run (e.g. its place is unknown)

    @property
    def passed(self) -> bool:
        return self.result is not None and self.result.verdict == self.case.example.expect

    @property
    def actual(self) -> str:
        return str(self.result.verdict) if self.result is not None else f"error: {self.error}"


def run_examples(book: RuleBook, pattern: str | None = None) -> list[ExampleOutcome]:
    outcomes = []
    for case in example_cases(book, pattern):
        try:
            outcomes.append(ExampleOutcome(case, run_example(case, book)))
        except TreatyscopeError as e:
            outcomes.append(ExampleOutcome(case, None, str(e)))
    return outcomes


def held_clauses(result: Result) -> set[str]:
    """The labelled clauses found true in the result's traces (their labels as written in the rule file)."""
    scope = result.scope
    traces = [o.trace for o in (scope.shown if scope else ()) if o.trace is not None]
    return {t.node.clause for root in traces for t in root.walk() if t.result is True and t.node.clause}


def coverage(book: RuleBook, outcomes: Sequence[ExampleOutcome]) -> list[dict[str, object]]:
    """Per article version and target kind: how many examples exercise it, and which of its labelled clauses
    no example finds true."""
    rows: list[dict[str, object]] = []
    for treaty in book.treaties.values():
        for art in treaty.articles:
            for version in art.versions:
                for target, cond in version.targets.items():
                    mine = [
                        o.result
                        for o in outcomes
                        if o.result is not None
                        and o.case.article == art.id
                        and o.result.version is version
                        and o.result.target == target
                    ]
                    held = set().union(*(held_clauses(r) for r in mine))
                    clauses = sorted({n.clause for n in reachable(cond, book) if isinstance(n, Condition) and n.clause})
                    rows.append(
                        {
                            "treaty": treaty.id,
                            "article": art.id,
                            "version": version.id,
                            "target": target,
                            "examples": len(mine),
                            "clauses": len(clauses),
                            "never_true": [c for c in clauses if c not in held],
                        }
                    )
    return rows

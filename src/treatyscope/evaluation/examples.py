"""Rule examples as tests: each example in a rule file is a scenario with an expected verdict and a source."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from treatyscope.evaluation import Result
from treatyscope.rules.load import RuleBook


@dataclass(frozen=True)
class ExampleCase:
    treaty: str
    article: str
    index: int
    example: dict[str, Any]
    file: str = ""

    @property
    def id(self) -> str:
        return f"{self.article}[{self.index}] {self.example['name']}"


def example_cases(book: RuleBook, pattern: str | None = None) -> Iterator[ExampleCase]:
    for treaty in book.treaties.values():
        for art in treaty.articles:
            for i, ex in enumerate(art.get("examples", [])):
                case = ExampleCase(treaty.id, art["id"], i, ex, treaty.file)
                if pattern is None or pattern.lower() in case.id.lower():
                    yield case


def run_example(case: ExampleCase, rules: Sequence[str] | None = None, book: RuleBook | None = None) -> Result:
    """The example's result, from the rulebook given (or loaded from `rules`)."""
    from treatyscope.api import build_scenarios, run_check
    from treatyscope.evaluation import check

    ex = case.example
    scenarios, _ = build_scenarios(
        location=ex.get("location"),
        at=ex.get("at"),
        targets=[ex["target"]],
        party=ex.get("party"),
        date=str(ex["date"]),
        assume_member=ex.get("assume_member", []),
        assume=ex.get("assume", []),
        interpretation=dict(ex.get("interpretations", {})),
        territorial_sea=ex.get("territorial_sea", False),
    )
    found = (
        [r for sc in scenarios for r in check(sc, book, [case.treaty])]
        if book is not None
        else run_check(scenarios, treaties=[case.treaty], rules=rules)
    )
    results = [r for r in found if r.article["id"] == case.article]
    assert len(results) == 1
    return results[0]


@dataclass(frozen=True)
class ExampleOutcome:
    case: ExampleCase
    result: Result | None
    error: str | None = None  # the example could not be run (e.g. its place is unknown)

    @property
    def passed(self) -> bool:
        return self.result is not None and self.result.verdict == self.case.example["expect"]

    @property
    def actual(self) -> str:
        return self.result.verdict if self.result is not None else f"error: {self.error}"


def run_examples(
    book: RuleBook, rules: Sequence[str] | None = None, pattern: str | None = None
) -> list[ExampleOutcome]:
    from treatyscope.errors import TreatyscopeError

    outcomes = []
    for case in example_cases(book, pattern):
        try:
            outcomes.append(ExampleOutcome(case, run_example(case, rules, book)))
        except TreatyscopeError as e:
            outcomes.append(ExampleOutcome(case, None, str(e)))
    return outcomes


def deciding_trace(result: Result) -> list[str]:
    """The clauses of the scope check, indented, as the first outcome's trace shows them (one line each)."""
    lines: list[str] = []

    def walk(node: dict[str, Any], depth: int) -> None:
        ev = f": {node['evidence']}" if node.get("evidence") else ""
        lines.append(f"{'  ' * depth}{node.get('clause', '?')} — {node.get('result', '?')}{ev}")
        for child in node.get("checks", []):
            walk(child, depth + 1)

    for outcome in result.outcomes:
        if "trace" in outcome:
            readings = ", ".join(f"{k}={v}" for k, v in outcome.get("readings", {}).items())
            if readings:
                lines.append(f"under {readings}: {outcome.get('result')}")
            walk(outcome["trace"], 1 if readings else 0)
    return lines


def _held_clauses(result: Result) -> set[str]:
    held: set[str] = set()
    stack = [o["trace"] for o in result.outcomes if "trace" in o]
    while stack:
        node = stack.pop()
        if node.get("result") == "yes" and node.get("clause"):
            held.add(node["clause"])
        stack.extend(node.get("checks", []))
    return held


def coverage(book: RuleBook, outcomes: Sequence[ExampleOutcome]) -> list[dict[str, Any]]:
    """Per article version and target kind: how many examples exercise it, and which of its labelled clauses
    no example finds true."""
    from treatyscope.engine import reachable

    rows = []
    for treaty in book.treaties.values():
        for art in treaty.articles:
            for version in art["versions"]:
                for target, cond in version["targets"].items():
                    mine = [
                        o
                        for o in outcomes
                        if o.result is not None
                        and o.case.article == art["id"]
                        and o.result.version is not None
                        and o.result.version["id"] == version["id"]
                        and o.result.target == target
                    ]
                    held = set().union(*(_held_clauses(o.result) for o in mine if o.result is not None))
                    clauses = sorted({n["clause"] for n in reachable(cond, book) if n.get("clause")})
                    rows.append(
                        {
                            "treaty": treaty.id,
                            "article": art["id"],
                            "version": version["id"],
                            "target": target,
                            "examples": len(mine),
                            "clauses": len(clauses),
                            "never_true": [c for c in clauses if c not in held],
                        }
                    )
    return rows

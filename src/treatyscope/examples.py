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

    @property
    def id(self) -> str:
        return f"{self.article}[{self.index}] {self.example['name']}"


def example_cases(book: RuleBook, pattern: str | None = None) -> Iterator[ExampleCase]:
    for treaty in book.treaties.values():
        for art in treaty.articles:
            for i, ex in enumerate(art.get("examples", [])):
                case = ExampleCase(treaty.id, art["id"], i, ex)
                if pattern is None or pattern.lower() in case.id.lower():
                    yield case


def run_example(case: ExampleCase, rules: Sequence[str] | None = None) -> Result:
    from treatyscope.api import build_scenarios, run_check

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
    results = [r for r in run_check(scenarios, treaties=[case.treaty], rules=rules) if r.article["id"] == case.article]
    assert len(results) == 1
    return results[0]

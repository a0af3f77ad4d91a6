"""Every example in the shipped rule files is a test: the scenario must give the expected verdict."""

from __future__ import annotations

import pytest

from treatyscope.evaluation.examples import example_cases, run_example
from treatyscope.rules.load import load_rulebook

BOOK = load_rulebook()
CASES = list(example_cases(BOOK))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_example(case) -> None:  # type: ignore[no-untyped-def]
    from treatyscope.report.explain import reasons

    result = run_example(case, BOOK)
    expected = case.example.expect
    assert result.verdict == expected, f"{case.id}: expected {expected}, got {result.verdict}\n" + "\n".join(
        reasons(result)
    )


def test_nato_has_at_least_30_sourced_examples() -> None:
    nato = [c for c in CASES if c.treaty == "nato"]
    assert len(nato) >= 30
    assert all(c.example.source for c in nato)

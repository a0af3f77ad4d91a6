"""`treatyscope test`: run the examples in rule files as tests."""

from __future__ import annotations

import typer

from treatyscope.cli.app import RULE_PATHS_HELP, TextOrJson, app


@app.command("test")
def test_examples(
    paths: list[str] = typer.Argument(None, help=RULE_PATHS_HELP, show_default=False),
    pattern: str = typer.Option(None, "-k", help="Only examples whose id contains this text (e.g. nato-5, Honolulu)."),
    show_coverage: bool = typer.Option(
        False, "--coverage", help="Also report which versions and clauses no example exercises."
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List passing examples too."),
    output: TextOrJson = typer.Option("text", "--format", "-f", help="Output format."),  # type: ignore[valid-type]
) -> int:
    """Run the examples in rule files as tests: each scenario must give its expected verdict.
    Exit 0 all pass, 4 some fail, 3 invalid rule files."""
    from pathlib import Path

    from treatyscope.errors import EXIT_EXAMPLES_FAILED
    from treatyscope.evaluation.examples import coverage, run_examples
    from treatyscope.report.console import printer
    from treatyscope.report.rulecheck import examples_json, render_coverage_text, render_test_text
    from treatyscope.rules.load import load_rulebook

    book = load_rulebook([Path(p) for p in paths] if paths else None)
    outcomes = run_examples(book, pattern)
    if not outcomes:
        from treatyscope.errors import UsageError

        where = f"match -k {pattern!r}" if pattern else "are in the rule files given"
        raise UsageError(f"No examples {where}: nothing was tested.", "'treatyscope show ARTICLE' lists examples.")
    rows = coverage(book, outcomes) if show_coverage else None
    out = printer()
    if output == "json":
        out.json(examples_json(outcomes, rows))
    else:
        render_test_text(outcomes, out, verbose)
        if rows is not None:
            render_coverage_text(rows, out)
    return 0 if all(o.passed for o in outcomes) else EXIT_EXAMPLES_FAILED

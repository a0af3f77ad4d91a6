"""`treatyscope validate`: check rule files, every problem with its file, line and column."""

from __future__ import annotations

import typer

from treatyscope.cli.app import RULE_PATHS_HELP, app, choices

ValidateFormat = choices("ValidateFormat", ("text", "json", "github"))


@app.command()
def validate(
    paths: list[str] = typer.Argument(None, help=RULE_PATHS_HELP, show_default=False),
    output: ValidateFormat = typer.Option(  # type: ignore[valid-type]
        "text", "--format", "-f", help="text, json, or github (GitHub Actions annotations)."
    ),
    strict: bool = typer.Option(False, "--strict", help="Fail on warnings too."),
) -> int:
    """Check rule files: YAML syntax, schema, references, dates, geometry and hygiene; every problem with its
    file:line:col. Exit 0 valid, 3 invalid."""
    from pathlib import Path

    from treatyscope.errors import EXIT_RULES, RuleFileError
    from treatyscope.report.console import printer
    from treatyscope.report.rulecheck import FORMATS
    from treatyscope.rules.load import rule_files, rule_paths
    from treatyscope.rules.validate import Inspection, inspect_files

    try:
        files = rule_files(rule_paths(paths, "An empty path was given."))
        found = inspect_files(files)
    except RuleFileError as e:  # a file that cannot even be listed (a link out of the directory)
        found = Inspection([Path(e.path)] if e.path else [], None, [e])
    FORMATS[str(output)](found, printer())
    return EXIT_RULES if found.errors or (strict and found.warnings) else 0

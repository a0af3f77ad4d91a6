"""`treatyscope schema`: the JSON Schema of rule files."""

from __future__ import annotations

from treatyscope.cli.app import app


@app.command()
def schema() -> int:
    """Print the JSON Schema of rule files (for editor completion and checking)."""
    from treatyscope.report.console import printer
    from treatyscope.rules.model import rule_file_json_schema

    printer().json(rule_file_json_schema())
    return 0

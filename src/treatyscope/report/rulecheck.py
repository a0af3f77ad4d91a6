"""Output of `validate` (findings in rule files) and `test` (rule examples), as text, JSON or GitHub annotations."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from treatyscope.english import plural
from treatyscope.errors import RuleFileError, with_hint
from treatyscope.evaluation.examples import ExampleOutcome
from treatyscope.report.console import Printer
from treatyscope.report.explain import headline, names, reasons, subject_name
from treatyscope.report.words import evidence
from treatyscope.result import Result
from treatyscope.rules.language import Example, Trace
from treatyscope.rules.validate import Inspection


def shown_path(path: str | None) -> str:
    """A path relative to the working directory when it is under it (as editors and CI annotations expect)."""
    if not path:
        return ""
    try:
        return os.path.relpath(path) if Path(os.path.abspath(path)).is_relative_to(Path.cwd()) else path
    except (ValueError, OSError):
        return path


def finding_json(e: RuleFileError) -> dict[str, Any]:
    return {
        "severity": e.severity,
        "file": shown_path(e.path),
        "line": e.line,
        "column": e.column,
        "message": e.detail,
        "hint": e.hint or None,
    }


def validation_json(found: Inspection) -> dict[str, Any]:
    findings = found.errors + found.warnings + found.unverified
    return {
        "schema": "treatyscope.validate/1",
        "valid": not found.errors,
        "files": [shown_path(str(f)) for f in found.files],
        "counts": {
            "errors": len(found.errors),
            "warnings": len(found.warnings),
            "unverified": len(found.unverified),
        },
        "findings": [finding_json(e) for e in findings],
    }


def _location(e: RuleFileError) -> str:
    where = shown_path(e.path)
    if e.line is not None:
        where += f":{e.line}" + (f":{e.column}" if e.column is not None else "")
    return where


def render_validation_text(found: Inspection, out: Printer) -> None:
    for e in found.errors + found.warnings:
        line = f"{_location(e)}: {e.severity}: {with_hint(e.detail, e.hint)}"
        out.line(line, "bold red" if e.severity == "error" else None)
    if found.unverified:
        out.line("Marked unverified (explanations that use them say so):")
        for e in found.unverified:
            out.para(f"{_location(e)}: {e.detail}", "  ")
    out.line(validation_summary(found))


def validation_summary(found: Inspection) -> str:
    """'13 rule files valid: 0 errors, 14 warnings, 9 unverified parts.'; '1 of 13 rule files invalid: 1 error, …'."""
    n = len(found.files)
    counts = (
        f"{plural(len(found.errors), 'error')}, {plural(len(found.warnings), 'warning')}, "
        f"{plural(len(found.unverified), 'unverified part')}."
    )
    if not found.errors:
        return f"{plural(n, 'rule file')} valid: {counts}"
    bad = len({e.path for e in found.errors})
    files = plural(n, "rule file") if bad == n else f"{bad:,} of {plural(n, 'rule file')}"
    return f"{files} invalid: {counts}"


def _escape_github(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def render_validation_github(found: Inspection, out: Printer) -> None:
    """GitHub Actions workflow commands: one annotation per finding, on the line it is about."""
    kinds = [("error", found.errors), ("warning", found.warnings), ("notice", found.unverified)]
    for command, items in kinds:
        for e in items:
            props = [f"file={_escape_github(shown_path(e.path), True)}"]
            if e.line is not None:
                props.append(f"line={e.line}")
            if e.column is not None:
                props.append(f"col={e.column}")
            title = "unverified" if command == "notice" else "treatyscope"
            props.append(f"title={title}")
            message = with_hint(e.detail, e.hint)
            out.line(f"::{command} {','.join(props)}::{_escape_github(message)}")


# ------------------------------------------------------------------------------------------------------ test


def _scenario_line(ex: Example) -> str:
    parts = [f"location {ex.location}" if ex.location else f"at {ex.at}", f"target {ex.target}"]
    parts.append(f"party {ex.party}" if ex.party else "party by default")
    parts.append(f"date {ex.date}")
    parts += [f"-i {k}={v}" for k, v in ex.interpretations.items()]
    parts += [f"--assume-member {c}" for c in ex.assume_member]
    parts += [f"--assume {f}" for f in ex.assume]
    if not ex.territorial_sea:
        parts.append("--no-territorial-sea")
    return ", ".join(parts)


def deciding_trace(result: Result) -> list[str]:
    """The clauses of the scope check, indented, as the outcomes' traces show them (one line each)."""
    scope = result.scope
    if scope is None:
        return []
    n = names(result)
    lines: list[str] = []

    def walk(t: Trace, depth: int) -> None:
        text = evidence(t, subject_name(scope.subject), n)
        word = {True: "yes", False: "no", None: "unknown"}[t.result]
        lines.append(f"{'  ' * depth}{n.clause(t)} — {word}" + (f": {text}" if text else ""))
        for child in t.children:
            walk(child, depth + 1)

    for o in scope.shown:
        if o.trace is None:
            continue
        if o.readings:
            lines.append(f"under {n.readings(o.readings)}: {o.verdict}")
        walk(o.trace, 1 if o.readings else 0)
    return lines


def render_test_text(outcomes: Sequence[ExampleOutcome], out: Printer, verbose: bool = False) -> None:
    for o in outcomes:
        ex = o.case.example
        if o.passed:
            if verbose:
                out.line(f"PASS {o.case.id}: {ex.expect}")
            continue
        out.line(f"FAIL {o.case.id} ({shown_path(o.case.file)})", "bold red")
        out.para(f"scenario: {_scenario_line(ex)}", "  ")
        out.para(f"expected {ex.expect}, got {o.actual} (source {ex.source})", "  ")
        if o.result is not None:
            out.para(headline(o.result), "  ")
            for reason in reasons(o.result):
                out.para(reason, "    ")
            trace = deciding_trace(o.result)
            if trace:
                out.line("  trace:")
                for line in trace:
                    out.line("    " + line)
    passed = sum(o.passed for o in outcomes)
    out.line(f"{passed:,} passed, {len(outcomes) - passed:,} failed")


def examples_json(outcomes: Sequence[ExampleOutcome], coverage: list[dict[str, Any]] | None) -> dict[str, Any]:
    passed = sum(o.passed for o in outcomes)
    doc: dict[str, Any] = {
        "schema": "treatyscope.test/1",
        "passed": passed,
        "failed": len(outcomes) - passed,
        "examples": [
            {
                "id": o.case.id,
                "treaty": o.case.treaty,
                "article": o.case.article,
                "file": shown_path(o.case.file),
                "expected": o.case.example.expect,
                "actual": o.actual,
                "passed": o.passed,
                "source": o.case.example.source,
            }
            for o in outcomes
        ],
    }
    if coverage is not None:
        doc["coverage"] = coverage
    return doc


def render_coverage_text(rows: list[dict[str, Any]], out: Printer) -> None:
    out.line("Coverage: examples per article version and target kind; labelled clauses no example finds true.")
    for r in rows:
        flag = "" if r["examples"] else "  <- no example"
        out.line(f"  {r['version']} {r['target']}: {r['examples']} examples, {r['clauses']} clauses{flag}")
        for clause in r["never_true"]:
            out.para(f"never true: {clause}", "      ")
    bare = sum(1 for r in rows if not r["examples"])
    untested = sum(len(r["never_true"]) for r in rows)
    out.line(f"{bare} of {len(rows)} version/target pairs have no example; {untested} clause uses are never true.")


def _json(found: Inspection, out: Printer) -> None:
    out.json(validation_json(found))


FORMATS = {"text": render_validation_text, "json": _json, "github": render_validation_github}

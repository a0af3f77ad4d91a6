"""Readable errors for rule files that do not fit the schema: pydantic's errors mapped onto the YAML (with the line and
column of the offending node), in one sentence each with a hint ("did you mean ...?", the allowed values)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from treatyscope.errors import RuleFileError


def schema_errors(path: Path, data: Any, positions: dict[Any, tuple[int, int]], err: Any) -> list[RuleFileError]:
    out = []
    seen: set[tuple[Any, ...]] = set()
    for e in err.errors(include_url=False):
        yaml_path = _yaml_path(data, e["loc"])
        line, col = position(positions, yaml_path)
        msg, hint = _explain(e, data, yaml_path)
        key = (line, col, msg)
        if key in seen:
            continue
        seen.add(key)
        where = ".".join(str(p) for p in yaml_path) or "(top)"
        out.append(RuleFileError(f"{where}: {msg}", path, line, col, hint=hint))
    return out


def _yaml_path(data: Any, loc: Iterable[Any]) -> tuple[str | int, ...]:
    """Map a pydantic error location onto the document, dropping union tags that pydantic inserts."""
    out: list[str | int] = []
    cur = data
    for part in loc:
        if isinstance(cur, dict) and part in cur:
            out.append(part)
            cur = cur[part]
        elif isinstance(cur, dict) and part == "not_" and "not" in cur:
            out.append("not")
            cur = cur["not"]
        elif isinstance(cur, dict) and part == "from_" and "from" in cur:
            out.append("from")
            cur = cur["from"]
        elif isinstance(cur, dict) and part == "schema_" and "schema" in cur:
            out.append("schema")
            cur = cur["schema"]
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            out.append(part)
            cur = cur[part]
        elif isinstance(cur, dict) and isinstance(part, str) and part not in cur and not out:
            continue
    return tuple(out)


def position(positions: dict[Any, tuple[int, int]], path: tuple[Any, ...]) -> tuple[int | None, int | None]:
    for n in range(len(path), -1, -1):
        if path[:n] in positions:
            return positions[path[:n]]
    return None, None


def _explain(e: dict[str, Any], data: Any, path: tuple[Any, ...]) -> tuple[str, str]:
    """One readable sentence and a hint for a pydantic error."""
    import difflib

    kind, msg, ctx = e["type"], e["msg"], e.get("ctx") or {}
    if kind == "extra_forbidden":
        key = e["loc"][-1]
        parent = _at(data, path[:-1])
        allowed = _allowed_keys(e["loc"], parent)
        close = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f"Did you mean '{close[0]}'?" if close else (f"Allowed here: {', '.join(allowed)}." if allowed else "")
        return f"unknown key '{key}'", hint
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        tag = ctx.get("tag", "")
        expected = str(ctx.get("expected_tags", "")).replace("'", "")
        if tag == "invalid":
            return "a condition or region needs exactly one operator key", f"Use one of: {expected}."
        close = difflib.get_close_matches(str(tag), [t.strip() for t in expected.split(",")], n=1)
        hint = f"Did you mean '{close[0]}'?" if close else f"Use one of: {expected}."
        return f"unknown kind '{tag}'", hint
    if kind == "literal_error":
        return f"{msg.lower()}", f"Allowed values: {ctx.get('expected', '')}."
    if kind == "missing":
        return f"missing required key '{e['loc'][-1]}'", "Add it."
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type"):
        return f"not a date: {e.get('input')!r}", "Use YYYY-MM-DD."
    if kind == "string_pattern_mismatch":
        return (
            f"{e.get('input')!r} does not match {ctx.get('pattern')}",
            "Ids are lowercase letters, digits and '-'; state codes are ISO 3166-1 alpha-3 (e.g. USA).",
        )
    if kind in ("model_type", "dict_type") and not path:
        return "a rule file is a mapping of keys", "Start it with 'schema: treatyscope.rules/1'."
    if kind == "value_error":
        return msg.removeprefix("Value error, "), ""
    return msg, ""


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    cur = data
    for p in path:
        try:
            cur = cur[p]
        except (KeyError, IndexError, TypeError):
            return None
    return cur


def _allowed_keys(loc: tuple[Any, ...], parent: Any) -> list[str]:
    from treatyscope.rules import model as m

    names = {
        "RuleFile": m.RuleFile,
        "Treaty": m.Treaty,
        "Party": m.Party,
        "Article": m.Article,
        "Version": m.Version,
        "Example": m.Example,
        "Source": m.Source,
        "Interpretation": m.Interpretation,
        "Reading": m.Reading,
    }
    top = loc[0] if loc else ""
    guess = {
        "treaty": "Treaty",
        "parties": "Party",
        "articles": "Article",
        "sources": "Source",
        "interpretations": "Interpretation",
    }.get(str(top), "RuleFile")
    if "versions" in loc:
        guess = "Version"
    if "examples" in loc:
        guess = "Example"
    if "readings" in loc:
        guess = "Reading"
    if len(loc) == 1:
        guess = "RuleFile"
    fields: dict[str, Any] = names[guess].model_fields  # type: ignore[attr-defined]
    return sorted(f.alias or n for n, f in fields.items())

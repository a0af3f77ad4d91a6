"""Safe YAML for rule files: plain data only, bounded, with the line and column of every node.

- Only the standard tags (no Python objects): composition uses the safe loader.
- Aliases are allowed (a rule may reuse a condition with &anchor / *alias), but the expanded document is limited
  to MAX_NODES nodes, so an alias bomb fails fast instead of exhausting memory.
- Nesting deeper than MAX_DEPTH and files larger than MAX_BYTES are refused.
- `positions[path]` gives the (line, column), 1-based, of the node at `path` (a tuple of keys and indexes), so that
  a schema error can point at the offending line.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from treatyscope.errors import RuleFileError

MAX_BYTES = 2_000_000
MAX_NODES = 200_000
MAX_DEPTH = 64

Path_ = tuple[str | int, ...]


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


def load_with_positions(path: Path) -> tuple[Any, dict[Path_, tuple[int, int]]]:
    try:
        size = path.stat().st_size
    except OSError as e:
        raise RuleFileError(f"cannot read the file ({e.strerror})", path) from None
    if size > MAX_BYTES:
        raise RuleFileError(
            f"the file is {size:,} bytes; rule files are limited to {MAX_BYTES:,}",
            path,
            hint="Split it into several files.",
        )
    text = path.read_bytes()
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        problem = " ".join(str(e.problem or e.context or "invalid YAML").split())
        # Where the parser gave up can be far from the cause: an unclosed quote or bracket is named where it opened.
        gave_up, opened = e.problem_mark, e.context_mark
        if (
            gave_up is not None
            and opened is not None
            and (opened.line, opened.column) != (gave_up.line, gave_up.column)
        ):
            what = " ".join(str(e.context).split())
            problem += f" {what} that starts at line {opened.line + 1}, column {opened.column + 1}"
        raise RuleFileError(
            f"YAML syntax error: {problem}",
            path,
            mark.line + 1 if mark else None,
            mark.column + 1 if mark else None,
            hint="Fix the YAML syntax (an unclosed quote or bracket is often the cause).",
        ) from None
    except yaml.YAMLError as e:
        raise RuleFileError(f"YAML error: {' '.join(str(e).split())}", path) from None
    if node is None:
        raise RuleFileError("the file is empty", path, hint="A rule file starts with 'schema: treatyscope.rules/1'.")
    positions: dict[Path_, tuple[int, int]] = {}
    budget = [MAX_NODES]
    data = _construct(node, (), positions, budget, path, 0)
    return data, positions


def _construct(
    node: yaml.Node, at: Path_, positions: dict[Path_, tuple[int, int]], budget: list[int], path: Path, depth: int
) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise _error_at(
            node,
            path,
            f"the document expands to more than {MAX_NODES:,} nodes (an alias bomb?)",
            "Use fewer aliases, or write the repeated parts out.",
        )
    if depth > MAX_DEPTH:
        raise _error_at(
            node, path, f"nesting deeper than {MAX_DEPTH} levels", "Flatten the structure, e.g. with named conditions."
        )
    positions.setdefault(at, _line_col(node))
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.tag not in _PLAIN_TAGS:
        raise _error_at(node, path, f"unsupported YAML tag {node.tag}", "Rule files hold plain data only.")
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _error_at(key_node, path, "merge keys ('<<') are not supported", "Write the keys out.")
            key = _construct(key_node, at, {}, budget, path, depth + 1)
            if not isinstance(key, str | int | float | bool) and key is not None:
                raise _error_at(key_node, path, "mapping keys must be plain scalars")
            skey = str(key) if not isinstance(key, bool) else ("true" if key else "false")
            if skey in out:
                raise _error_at(key_node, path, f"duplicate key '{skey}'", "Remove one of the two.")
            positions[(*at, skey)] = _line_col(key_node)
            out[skey] = _construct(value_node, (*at, skey), positions, budget, path, depth + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(v, (*at, i), positions, budget, path, depth + 1) for i, v in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)
    return _scalar(node, path)


def _line_col(node: yaml.Node) -> tuple[int, int]:
    """A YAML node's line and column, 1-based."""
    return node.start_mark.line + 1, node.start_mark.column + 1


def _error_at(node: yaml.Node, path: Path, message: str, hint: str = "") -> RuleFileError:
    """An error pointing at a YAML node's line and column."""
    return RuleFileError(message, path, *_line_col(node), hint=hint)


_SCALAR = yaml.SafeLoader("")
_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def _scalar(node: yaml.ScalarNode, path: Path) -> Any:
    try:
        value = _SCALAR.construct_object(node, deep=False)
    except yaml.constructor.ConstructorError as e:
        raise _error_at(node, path, f"unsupported YAML value: {' '.join(str(e.problem).split())}") from None
    except (ValueError, OverflowError) as e:  # a date-shaped value that is no date, e.g. 2000-13-01
        raise _error_at(
            node, path, f"'{node.value}' is not a valid date or number ({e})", "Dates are YYYY-MM-DD."
        ) from None
    if isinstance(value, dt.datetime):
        return value.date() if (value.hour, value.minute, value.second) == (0, 0, 0) else value
    return value

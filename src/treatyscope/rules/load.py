"""Rule files -> a RuleBook: found, validated once, cached, and read into typed objects.

Validation builds pydantic models, which costs more than answering a question, so the validated, compiled book is
cached (treatyscope.cache, kind `rules`) under a digest of every rule file, the vendored data and treatyscope's
code, like a .pyc file: the first `check` after an edit validates, later ones read the cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from treatyscope import cache
from treatyscope.errors import RuleFileError, UsageError
from treatyscope.paths import rules_dir
from treatyscope.rules.compiled import FORMAT, read_book
from treatyscope.rules.language import RuleBook
from treatyscope.rules.validate import compile_rulebook

_STORE = cache.Store("rules")
_LOADED = cache.memo()  # digest -> RuleBook: the same files, already read in this process (the API runs in loops)


def rule_files(paths: Sequence[Path] | None = None) -> list[Path]:
    """The rule files under the given files or directories (default: the shipped rules/), sorted by path.

    Files whose name starts with '_' or '.' are skipped in directories, so a directory can hold drafts.
    """
    roots = list(paths) if paths else [rules_dir()]
    found: list[Path] = []
    for root in roots:
        if root.is_dir():
            found += _in_directory(root)
        elif root.is_file():
            found.append(root)
        else:
            raise UsageError(f"Rules path {root} does not exist.", "Give a rule file or a directory of them.")
    if not found:
        raise UsageError(f"No rule files (*.yaml) under {', '.join(map(str, roots))}.")
    # The same file given twice (a directory and a path into it) counts once.
    unique = {p.resolve(): p for p in reversed(found)}
    return sorted(unique.values(), key=lambda p: str(p))


def _in_directory(root: Path) -> list[Path]:
    found = []
    for p in sorted(root.rglob("*.y*ml")):
        if p.name.startswith(("_", ".")) or p.is_dir():
            continue
        try:
            target = p.resolve(strict=True)
        except (OSError, RuntimeError):  # a dangling link, or a loop of links
            raise RuleFileError(
                "the file is a broken or looping link", p, hint="Remove it or point it at a rule file."
            ) from None
        # A link out of the rule directory would read files the user did not hand over.
        if not target.is_relative_to(root.resolve()):
            raise RuleFileError(
                f"the file links outside its rule directory {root} (to {p.resolve()})",
                p,
                hint="Copy the file into the directory, or pass its path explicitly.",
            )
        found.append(p)
    return found


def load_rulebook(paths: Sequence[Path] | None = None) -> RuleBook:
    files = rule_files(paths)
    contents = [(str(f), hashlib.sha256(f.read_bytes()).hexdigest()) for f in files]
    digest = cache.key(FORMAT, contents)

    def read() -> RuleBook:
        compiled = _STORE.load_json(digest)
        if isinstance(compiled, dict) and compiled.get("format") == FORMAT:
            try:
                return read_book(compiled, digest)
            except (KeyError, TypeError, ValueError):
                pass  # an entry that is not what this code writes: a miss
        compiled = compile_rulebook(files)
        _STORE.save_json(digest, compiled)
        return read_book(compiled, digest)

    found: RuleBook = _LOADED.remember(digest, read)
    return found


def rulebook(rules: Sequence[str] | None = None) -> RuleBook:
    """The book of the rule files or directories given (as strings; default: the shipped rules)."""
    return load_rulebook(rule_paths(rules))


def rule_paths(given: Sequence[str] | None, empty: str = "--rules is given an empty path.") -> list[Path] | None:
    """Rule paths as given on the command line (None: the shipped rules); an empty one is refused (with the
    message `empty`), as Path("") would be the current directory, searched to its depths."""
    if given and any(not p.strip() for p in given):
        raise UsageError(empty, "Give a rule file or a directory of them.")
    return [Path(p) for p in given] if given else None

"""The examples users copy: the README's Python for notebooks and the docstrings' doctests run as written."""

from __future__ import annotations

import doctest
import importlib
import re
from pathlib import Path

import pytest

import treatyscope

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.mark.parametrize("module", ["treatyscope.periods", "treatyscope.rules.parallels", "treatyscope.api"])
def test_docstring_examples_hold(module: str) -> None:
    failed, tried = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert tried > 0 and failed == 0


def test_the_readme_notebook_example_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    [notebook] = [b for b in blocks if "treatyscope.check(" in b]
    namespace: dict[str, object] = {}
    exec(compile(notebook, "README.md", "exec"), namespace)
    r = namespace["r"]
    assert isinstance(r, treatyscope.Result)
    assert r.verdict == "applies" and r.reason == "in-scope"  # Las Palmas

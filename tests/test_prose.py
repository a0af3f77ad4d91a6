"""The prose lint: every answer of the golden corpus, rendered in every format (text with the full trace, Markdown,
and the prose of the JSON output), has no template defect (see tests/prose.py). A compact slice in the default run,
the whole corpus in the slow run."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent / "golden"))
import corpus

import prose
from treatyscope.api import run_check
from treatyscope.input.scenario import build_scenarios
from treatyscope.report.check import FORMATS, check_document
from treatyscope.report.console import Printer
from treatyscope.rules.load import load_rulebook

ROWS = corpus.load()
BOOK = load_rulebook()
PROSE_KEYS = ("headline", "reasons", "evidence", "clause", "summary")


IDS = prose.internal_ids(BOOK)


def render(scenario: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(format, text) for every format the answers to a corpus scenario are written in."""
    kw = corpus.options(scenario)
    kw["interpretation"] = kw.pop("interpretations")
    kw["targets"] = [scenario["target"]] if scenario.get("target") else []
    with corpus.place(scenario) as where:
        scenarios, location = build_scenarios(**where, **kw)
        treaties = [scenario["treaty"]] if scenario.get("treaty") else None
        results = run_check(scenarios, treaties)
        for name, fmt in FORMATS.items():
            if name == "json":  # `--format json` prints this document as it is (serialising it is not prose)
                yield name, "\n".join(_strings(check_document(location, scenario["date"], results)))
                continue
            out = io.StringIO()
            fmt(location, scenario["date"], results, Printer(out), True, False)
            yield name, out.getvalue()


def _strings(value: Any, key: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, key)
    elif isinstance(value, str) and key in PROSE_KEYS:
        yield value


def _lint(rows: list[tuple[dict[str, Any], Any]]) -> list[str]:
    found = []
    linted: dict[str, list[tuple[str, str]]] = {}  # the same sentence recurs across results and scenarios
    for scenario, _ in rows:
        for fmt, text in render(scenario):
            for piece in pieces(fmt, text):
                if piece not in linted:
                    linted[piece] = prose.defects(piece, IDS)
                for rule, where in linted[piece]:
                    name = scenario.get("id") or scenario.get("at") or scenario.get("location")
                    found.append(f"{name} [{fmt}] {rule}: …{where}…")
    return found


def pieces(fmt: str, text: str) -> list[str]:
    """What is linted as one text: text output by paragraphs (it is wrapped at 80 columns), each JSON string on
    its own, Markdown as written."""
    if fmt == "text":
        # The comparison table's cells are not sentences (its reasons are linted in the Markdown table).
        blocks = [b for b in text.split("\n\n") if not b.startswith("treaty ")]
        return [" ".join(b.split()) for b in blocks]
    return text.split("\n") if fmt == "json" else [text]


def test_the_lint_finds_the_defects_it_is_for() -> None:
    bad = [
        "Covered by not in Antarctica, where the American claims lie inside the region anyway: .",
        "Even for a Party, the place would be applies under Article 3(3).",
        "covered by V armed forces, public vessels or aircraft in the Pacific",
        "sovereign disputed, administered by no single state, claimed by ;",
        "Puerto Rico is not in Europe or North America (it is in North America)",
        "depends on occupation-areas: ended-with-occupation → does-not-apply",
        'covers, for territory: {"use": "art6-1952-territories"}',
        "13 rule files invalid: 1 errors",
        "the South Atlantic Ocean (part of the South Atlantic Ocean) is not part of Mediterranean Sea",
        "the the place",
        "covered by covered",
        "covered by in Europe (on land, or in the territorial waters and airspace of European land)",
    ]
    for text in bad:
        assert prose.defects(text, IDS), text


def test_a_compact_slice_of_the_corpus_reads_without_defects() -> None:
    rows = [row for k, row in enumerate(ROWS) if (row[0]["kind"] == "example" and k % 7 == 0) or k % 151 == 0]
    found = _lint(rows)
    assert not found, f"{len(found)} defects:\n" + "\n".join(found[:30])


@pytest.mark.slow
def test_the_whole_corpus_reads_without_defects() -> None:
    found = _lint(ROWS)
    assert not found, f"{len(found)} defects:\n" + "\n".join(found[:40])

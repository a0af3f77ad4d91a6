"""The golden master: the answers recorded in tests/golden/answers.jsonl.gz must not change by accident.

The default run checks a compact slice of the corpus (every rule example, and a spread of the generated points,
places, areas and nearest-place searches); `pytest -m slow` checks all of it. A change that is meant to change
answers re-records the file (python tests/golden/corpus.py) and lists each difference, with its count and cause,
in its closing note.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent / "golden"))
import corpus

ROWS = corpus.load()


def _compact(k: int, scenario: dict[str, Any]) -> bool:
    kind = scenario["kind"]
    if kind == "example":
        return k % 5 == 0
    if kind == "point":
        return k % 29 == 0
    if kind == "place":
        return scenario["date"] == "2026-11-28" and k % 3 == 0
    if kind == "geojson":
        return scenario["date"] == "2026-11-28" and k % 2 == 0
    return k % 12 == 0  # nearest


def _differences(rows: list[tuple[dict[str, Any], list[dict[str, Any]]]]) -> list[str]:
    out = []
    for scenario, expected in rows:
        found = corpus.answers(scenario)
        if found != expected:
            wanted = {(a["article"], a["target"]): a for a in expected}
            for a in found:
                b = wanted.get((a["article"], a["target"]))
                if a != b:
                    out.append(f"{scenario}: {a['article']} {a['target']}: recorded {b}, now {a}")
            if len(found) != len(expected):
                out.append(f"{scenario}: {len(expected)} answers recorded, {len(found)} now")
    return out


def test_the_corpus_is_large_enough() -> None:
    kinds = [s["kind"] for s, _ in ROWS]
    assert kinds.count("example") >= 300
    assert sum(len(a) for s, a in ROWS if s["kind"] == "point") >= 20_000
    assert len({s["date"] for s, _ in ROWS if s["kind"] == "point"}) >= 10
    assert {"land", "sea", "coast", "border", "line", "named"} <= {s.get("where") for s, _ in ROWS}
    assert {"place", "geojson", "nearest"} <= set(kinds)


def test_a_compact_slice_of_the_corpus_gives_the_recorded_answers() -> None:
    rows = [row for k, row in enumerate(ROWS) if _compact(k, row[0])]
    differences = _differences(rows)
    assert not differences, "\n".join(differences[:20])


@pytest.mark.slow
def test_the_whole_corpus_gives_the_recorded_answers() -> None:
    differences = _differences(ROWS)
    assert not differences, f"{len(differences)} differences:\n" + "\n".join(differences[:40])

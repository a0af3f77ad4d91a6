"""The vague terms of an answer as JSON: each interpretation's question and readings, with the verdict each reading
gives where the answer was worked out under it."""

from __future__ import annotations

from typing import Any

from treatyscope.result import Result
from treatyscope.rules.language import Interpretation


def interpretation_document(interp: Interpretation) -> dict[str, Any]:
    """A vague term's question and readings as JSON (without verdicts: as asked, not as answered)."""
    return {
        "term": interp.term,
        "id": interp.id,
        "question": interp.question,
        "readings": [
            {"id": r.id, "label": r.label, "summary": r.summary, "sources": list(r.sources)} for r in interp.readings
        ],
    }


def terms_document(r: Result) -> list[dict[str, Any]]:
    """The contested terms as JSON: each reading with the verdict it gives and its sources' ids."""
    return [
        {
            "term": t.interpretation.term,
            "id": t.interpretation.id,
            "question": t.interpretation.question,
            "readings": [
                {
                    "id": rv.reading.id,
                    "label": rv.reading.label,
                    "summary": rv.reading.summary,
                    "verdict": str(rv.verdict) if rv.verdict else "depends on other readings",
                    "sources": list(rv.reading.sources),
                }
                for rv in t.readings
            ],
        }
        for t in (r.scope.terms if r.scope else ())
    ]

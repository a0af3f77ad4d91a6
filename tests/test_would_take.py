"""`check --what-it-would-take`: for an answer that does not apply, whether membership stands in the way, who may
accede in the treaty's own words, and the answer were the attacked state a Party (issue 14, cause 8)."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest

import treatyscope
from prose import defects, internal_ids
from treatyscope.cli import main
from treatyscope.rules.load import rulebook


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(["check", *args, "--what-it-would-take"])
    out = capsys.readouterr().out
    assert code == 0
    return out


def section(text: str) -> str:
    return " ".join(text.split("What it would take")[1].split())


def test_taiwan_is_outside_article_6_even_as_a_party(capsys: pytest.CaptureFixture[str]) -> None:
    """Article 10 opens accession to "any other European state"; and were Taiwan a Party, Article 6 would still not
    reach it: membership is not the only obstacle."""
    said = section(run(capsys, "--location", "Taiwan", "--treaty", "nato", "-t", "territory"))
    assert "Taiwan (Republic of China, TWN) is not a Party to the North Atlantic Treaty" in said
    assert "Article 10 says who may accede: “The Parties may, by unanimous agreement, invite any other European" in said
    assert "Even as a Party, Taiwan (Republic of China, TWN) would not be covered: outside the text's scope" in said


def test_a_european_state_would_be_covered_as_a_party(capsys: pytest.CaptureFixture[str]) -> None:
    said = section(
        run(capsys, "--location", "Stockholm", "--date", "2023-06-01", "--treaty", "nato", "-t", "territory")
    )
    assert "Sweden (SWE) is not a Party to the North Atlantic Treaty on 2023-06-01" in said
    assert "As a Party, Sweden (SWE) would be covered: covered by Article 6(i)" in said


def test_a_party_outside_the_scope_is_not_helped_by_any_accession(capsys: pytest.CaptureFixture[str]) -> None:
    said = section(run(capsys, "--location", "Honolulu", "--treaty", "nato", "-t", "territory"))
    assert "No state's accession changes this: the place lies outside the scope of NATO Article 5." in said


def test_a_treaty_without_an_encoded_accession_clause_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    said = section(run(capsys, "--location", "Tokyo", "--treaty", "rio", "-t", "territory"))
    assert "Japan (JPN) is not a Party to the Inter-American Treaty of Reciprocal Assistance" in said
    assert (
        "Who may accede to the Inter-American Treaty of Reciprocal Assistance is not encoded in its rule file." in said
    )


def test_an_answer_that_applies_has_nothing_to_take(capsys: pytest.CaptureFixture[str]) -> None:
    said = section(run(capsys, "--location", "Paris", "--treaty", "nato", "-t", "territory"))
    assert said == ": No answer here turns on the attacked state's membership or on the article's scope."


def test_json_carries_the_facts_and_follows_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads(run(capsys, "--location", "Taiwan", "--treaty", "nato", "--format", "json"))
    schema = json.loads((resources.files(treatyscope) / "schemas" / "check.schema.json").read_text())
    jsonschema.validate(doc, schema)
    territory = next(r for r in doc["results"] if r["target"] == "territory")["what_it_would_take"]
    assert territory["not_parties"] == ["TWN"] and territory["accession"]["article"] == "10"
    assert territory["as_a_party"] == {"verdict": "does-not-apply", "reason": "outside-scope"}


@pytest.mark.parametrize("fmt", ["text", "markdown"])
@pytest.mark.parametrize("place", ["Taiwan", "Kyiv", "Honolulu", "Algiers"])
def test_reads_without_template_defects(capsys: pytest.CaptureFixture[str], fmt: str, place: str) -> None:
    text = run(capsys, "--location", place, "--date", "1970-01-01", "--format", fmt)
    if fmt == "text":  # the comparison table before it is laid out in columns, not sentences
        text = text.split("What it would take:")[1]
    assert defects(text, internal_ids(rulebook(None))) == []

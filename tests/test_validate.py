"""`treatyscope validate`, `test` and `schema`: every broken rule file in tests/broken-rules/ is reported at its line
with its message, the shipped rules are valid, and no mutation of a valid file makes the loader crash or hang."""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from treatyscope.cli import main
from treatyscope.errors import RuleFileError
from treatyscope.rules.load import rule_files
from treatyscope.rules.validate import inspect_files

HERE = Path(__file__).parent
CORPUS = HERE / "broken-rules"
TINY = HERE / "rules" / "tiny.yaml"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def corpus() -> list[tuple[Path, int | None, str]]:
    """Each entry is a file whose first line reads `# expect: LINE: MESSAGE`, or a directory with an EXPECT file
    reading `FILE:LINE: MESSAGE` (for defects that take two files)."""
    cases = []
    for entry in sorted(CORPUS.iterdir()):
        if entry.is_dir():
            spec = (entry / "EXPECT").read_text().strip()
            where, message = spec.split(": ", 1)
            line = where.split(":")[1]
        else:
            spec = entry.read_text().splitlines()[0].removeprefix("# expect: ")
            line, message = spec.split(": ", 1)
        cases.append((entry, None if line in ("-", "None") else int(line), message))
    return cases


CASES = corpus()


def test_the_corpus_has_at_least_25_broken_files() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize(("path", "line", "message"), CASES, ids=[c[0].name for c in CASES])
def test_each_broken_file_is_reported_at_its_line(
    capsys: pytest.CaptureFixture[str], path: Path, line: int | None, message: str
) -> None:
    code, out, err = run(capsys, "validate", "--format", "json", str(path))
    assert code == 3, out + err
    report = json.loads(out)
    assert report["schema"] == "treatyscope.validate/1" and report["valid"] is False
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert any(message in f["message"] and f["line"] == line for f in errors), errors


def test_text_output_is_one_line_per_error_with_file_line_and_column(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", str(CORPUS / "unknown-region.yaml"))
    assert code == 3
    first = out.splitlines()[0]
    assert first.endswith(
        "unknown-region.yaml:35:20: error: articles.0.versions.0.targets.forces.in_region: "
        "unknown region 'tiny-aera'. Did you mean 'tiny-area'?"
    )
    # The warning: the version says nothing of the obligation.
    assert out.splitlines()[-1] == "1 rule file invalid: 1 error, 1 warning, 0 unverified parts."


def test_github_output_is_workflow_annotations(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", "--format", "github", str(CORPUS / "misspelt-condition-kind.yaml"))
    assert code == 3
    (annotation,) = out.splitlines()
    assert annotation.startswith("::error file=")
    assert "misspelt-condition-kind.yaml,line=35,col=11,title=treatyscope::" in annotation
    assert annotation.endswith("unknown kind 'in_regoin'. Did you mean 'in_region'?")


def test_every_error_is_reported_not_just_the_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = TINY.read_text().replace("quality: primary", "quality: primery").replace("expect: applies", "expect: x")
    (tmp_path / "two.yaml").write_text(text)
    code, out, _ = run(capsys, "validate", "-f", "json", str(tmp_path / "two.yaml"))
    assert code == 3 and json.loads(out)["counts"]["errors"] == 2


def test_an_oversized_file_is_refused_before_parsing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("schema: treatyscope.rules/1\n" + "# padding\n" * 250_000)
    code, out, _ = run(capsys, "validate", str(big))
    assert code == 3 and "rule files are limited to 2,000,000" in out


def test_the_shipped_rules_are_valid(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate")
    assert code == 0, out
    assert " valid: 0 errors" in out.splitlines()[-1]


def test_warnings_fail_only_with_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "nourl.yaml"
    f.write_text(TINY.read_text().replace("    url: https://example.org/tiny\n", ""))
    assert run(capsys, "validate", str(f))[0] == 0
    code, out, _ = run(capsys, "validate", "--strict", str(f))
    assert code == 3 and "source 'tiny-text' has neither a url nor a note" in out


# ------------------------------------------------------------------------------------------------------ test


def test_test_passes_on_a_valid_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "test", str(TINY))
    assert code == 0 and out.splitlines()[-1] == "1 passed, 0 failed"


def test_a_failing_example_shows_scenario_expected_actual_and_trace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "wrong.yaml"
    f.write_text(TINY.read_text().replace("expect: applies", "expect: does-not-apply"))
    code, out, _ = run(capsys, "test", str(f))
    assert code == 4
    assert "FAIL tiny-1[0] Paris" in out
    assert "scenario: location Paris, target territory, party by default, date 2010-01-01" in out
    assert "expected does-not-apply, got applies (source tiny-text)" in out
    assert "in tiny-area — yes" in out.replace("in France and Germany", "in tiny-area")
    assert out.splitlines()[-1] == "0 passed, 1 failed"


def test_k_selects_examples_and_coverage_names_untested_targets(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "test", str(TINY), "-k", "nowhere")
    assert code == 2 and out == "" and "No examples match -k 'nowhere'" in err  # nothing tested is not a pass
    code, out, _ = run(capsys, "test", str(TINY), "--coverage")
    assert "tiny-1-v1 territory: 1 examples" in out
    assert "tiny-1-v1 vessel: 0 examples, 0 clauses  <- no example" in out


def test_test_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "test", str(TINY), "--format", "json", "--coverage")
    doc = json.loads(out)
    assert code == 0 and doc["schema"] == "treatyscope.test/1" and doc["passed"] == 1 and doc["failed"] == 0
    assert {r["target"] for r in doc["coverage"]} == {"territory", "forces", "vessel", "aircraft"}


# ---------------------------------------------------------------------------------------------------- schema


def test_the_shipped_json_schema_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib import resources

    shipped = json.loads((resources.files("treatyscope") / "schemas" / "rules.schema.json").read_text())
    code, out, _ = run(capsys, "schema")
    assert code == 0
    assert json.loads(out) == shipped, "regenerate: treatyscope schema > src/treatyscope/schemas/rules.schema.json"
    assert set(shipped["properties"]) >= {"schema", "treaty", "parties", "articles", "regions", "interpretations"}


# ------------------------------------------------------------------------------------------------- fuzzing

TINY_LINES = TINY.read_text().splitlines()
NATO_LINES = (HERE.parent / "rules" / "nato.yaml").read_text().splitlines()
TOKENS = [
    "",
    "-",
    ":",
    "[",
    "]",
    "{",
    "}",
    "&a",
    "*a",
    "!!python/none",
    "2000-02-30",
    "95",
    "-181",
    "null",
    "tiny-area",
    "tiny-1",
    "FRA",
    "true",
    "~",
    "'",
    '"',
    "  ",
    "\t",
    "#",
    "|",
    ">",
    "? ",
    "<<: *a",
]


@st.composite
def mutated(draw: st.DrawFn, source: list[str] = TINY_LINES) -> str:
    lines = list(source)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "token", "indent", "truncate"]))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "token":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.sampled_from(TOKENS)) + lines[i][at:]
        elif op == "indent":
            lines[i] = draw(st.sampled_from(["", " ", "   ", "      "])) + lines[i].lstrip()
        elif op == "truncate":
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
    return "\n".join(lines) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=mutated())
def test_mutated_rule_files_give_only_rule_file_errors_and_never_hang(tmp_path: Path, text: str) -> None:
    f = tmp_path / "mutant.yaml"
    f.write_text(text)
    start = time.perf_counter()
    try:
        found = inspect_files(rule_files([f]))
    except RuleFileError:
        return
    assert time.perf_counter() - start < 5
    for e in found.errors + found.warnings:
        assert isinstance(e, RuleFileError) and e.path


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=mutated(NATO_LINES))
def test_mutations_of_the_nato_file_give_only_rule_file_errors(tmp_path: Path, text: str) -> None:
    f = tmp_path / "nato.yaml"
    f.write_text(text)
    start = time.perf_counter()
    with contextlib.suppress(RuleFileError):
        inspect_files(rule_files([HERE.parent / "rules" / "common.yaml", f]))
    assert time.perf_counter() - start < 5


def test_a_directory_named_like_a_rule_file_is_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "drafts.yaml").mkdir()
    (tmp_path / "tiny.yaml").write_text(TINY.read_text())
    code, out, _ = run(capsys, "validate", str(tmp_path))
    assert code == 0 and "1 rule file valid" in out


def test_a_looping_link_is_a_rule_file_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    code, out, err = run(capsys, "validate", str(tmp_path))
    assert code == 3 and "broken or looping link" in out + err and "Traceback" not in err


def test_a_file_given_twice_counts_once(capsys: pytest.CaptureFixture[str]) -> None:
    rules = HERE.parent / "rules"
    code, out, _ = run(capsys, "validate", str(rules), str(rules / "nato.yaml"))
    assert code == 0, out


def test_an_obligation_must_quote_the_articles_own_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "misquoted.yaml"
    f.write_text(TINY.read_text().replace("words: shall be considered an attack", "words: shall be deemed an attack"))
    code, out, _ = run(capsys, "validate", "-f", "json", str(f))
    assert code == 3
    (error,) = [x for x in json.loads(out)["findings"] if x["severity"] == "error"]
    assert "the obligation's words are not in the text of article 'tiny-1'" in error["message"]
    assert (
        error["line"]
        == TINY.read_text().splitlines().index("          words: shall be considered an attack against them all") + 1
    )


def test_an_obligation_strength_comes_from_the_closed_vocabulary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "strong.yaml"
    f.write_text(TINY.read_text().replace("strength: action-it-deems-necessary", "strength: very-strong"))
    code, out, _ = run(capsys, "validate", str(f))
    assert code == 3 and "strength" in out and "all-aid-in-their-power" in out


def test_every_shipped_article_version_says_what_it_obliges() -> None:
    from treatyscope.rules.load import rulebook

    for t in rulebook(None).treaties.values():
        for a in t.articles:
            for v in a.versions:
                assert v.obligation is not None, v.id
                assert " ".join(v.obligation.words.split()) in " ".join(a.text.split()), v.id


def test_a_disputed_membership_names_a_defined_question(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "disputed.yaml"
    f.write_text(
        TINY.read_text().replace(
            "{code: DEU, from: 2000-01-01, source: tiny-text}",
            "{code: DEU, from: 2000-01-01, source: tiny-text, disputed: tiny-membership, disputed_from: 1999-01-01}",
        )
    )
    code, out, _ = run(capsys, "validate", str(f))
    assert code == 3
    assert "unknown interpretation 'tiny-membership'" in out
    assert "disputed_from is outside the membership's period" in out


def test_a_membership_question_reads_the_day_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Who is bound reads a disputed membership's readings without a place: a reading that asks where the attack
    is cannot answer whether a state is a Party."""
    f = tmp_path / "disputed.yaml"
    f.write_text(
        TINY.read_text().replace(
            "{code: DEU, from: 2000-01-01, source: tiny-text}",
            "{code: DEU, from: 2000-01-01, source: tiny-text, disputed: tiny-membership}",
        )
        + """interpretations:
  - id: tiny-membership
    term: Germany as a Party
    question: Is Germany a Party?
    readings:
      - {id: always, label: a Party, summary: Always., condition: {const: true}, sources: [tiny-text]}
      - {id: where, label: in the area, summary: Where attacked., condition: {in_region: tiny-area},
         sources: [tiny-text]}
"""
    )
    code, out, _ = run(capsys, "validate", str(f))
    assert code == 3
    assert "reading 'where' of 'tiny-membership' asks about more than the day (in_region)" in out
    assert "reading 'always'" not in out

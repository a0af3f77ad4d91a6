"""The check command and engine: verdicts, bad input, the JSON contract, properties of the geometry."""

from __future__ import annotations

import json
import random
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import treatyscope
from treatyscope.cli import main
from treatyscope.rules.load import rule_files
from treatyscope.rules.validate import inspect_files


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def verdict(**kw: object) -> str:
    results = treatyscope.check(treaty="nato", **kw)  # type: ignore[arg-type]
    assert len(results) == 1
    return results[0].verdict


def test_taiwan_is_outside_article_6_and_the_output_says_why(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--location", "Taiwan", "--treaty", "nato", "--target", "territory")
    assert code == 0
    first = out.split("\n\n")[1]
    assert first.startswith("Does not apply: NATO Article 5 does not apply")
    assert "not a Party" in out
    assert "is in Asia" in out and "Philippine Sea" in out and "north of the Tropic of Cancer" in out
    assert "The nearest place where" in out and "km away" in out
    assert "For the purpose of Article 5" in out  # the clause is quoted
    assert "nl-treaty-db" in out  # and sourced


def test_json_output_follows_its_published_schema(capsys: pytest.CaptureFixture[str]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(resources.files("treatyscope").joinpath("schemas/check.schema.json").read_text())
    seen: set[str] = set()
    seas: set[bool | None] = set()
    for args in (
        ["--location", "Taiwan"],
        ["--at", "23.44,-40"],
        ["--location", "United States", "-t", "territory"],
        ["--at", "35.889,-5.316", "-t", "territory"],
        ["--location", "Crimea", "-t", "territory", "--treaty", "csto"],  # sovereign and controller disagree
        ["--at", "20,-40", "-t", "vessel"],  # the nearest covered place is a sea
    ):
        treaty = [] if "--treaty" in args else ["--treaty", "nato"]
        code, out, _ = run(capsys, "check", *args, *treaty, "--format", "json")
        doc = json.loads(out)
        jsonschema.validate(doc, schema)
        assert code == 0 and doc["schema"] == "treatyscope.check/1"
        for r in doc["results"]:
            assert r["verdict"] in ("applies", "does-not-apply", "partial", "contested")
            seen.add(r["reason"])
            seas.add((r["nearest_covered"] or {}).get("sea"))
    assert {"contested-holder", "outside-scope", "partly-in-scope"} <= seen and True in seas


def test_brief_json_is_the_full_answer_without_its_traces(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["check", "--location", "Taiwan", "--treaty", "nato", "--format", "json"]
    full, brief = json.loads(run(capsys, *args)[1]), json.loads(run(capsys, *args, "--brief")[1])
    assert brief["brief"] is True and "brief" not in full
    for whole, short in zip(full["results"], brief["results"], strict=True):
        assert {k: v for k, v in whole.items() if k not in ("trace", "facts")} == short


def test_the_schema_lists_every_reason_and_standing() -> None:
    from treatyscope.result import Reason, Standing

    schema = json.loads(resources.files("treatyscope").joinpath("schemas/check.schema.json").read_text())
    assert schema["$defs"]["reason"]["enum"] == [str(r) for r in Reason]
    assert schema["$defs"]["standing"]["enum"] == [str(s) for s in Standing]


def test_contested_results_name_each_reading_and_its_source() -> None:
    [r] = treatyscope.check("Ceuta", target="territory", treaty="nato", date="2026-11-28")
    assert r.verdict == "contested"
    assert r.scope is not None
    [term] = r.scope.terms
    assert term.interpretation.id == "ceuta-and-melilla"
    verdicts = {rv.reading.id: rv.verdict for rv in term.readings}
    assert verdicts == {"outside-article-6": "does-not-apply", "covered-as-spanish-territory": "applies"}
    assert all(rv.reading.sources for rv in term.readings)


def test_pinning_a_reading_decides_it() -> None:
    assert (
        verdict(location="Ceuta", target="territory", interpretations={"ceuta-and-melilla": "outside-article-6"})
        == "does-not-apply"
    )


def test_the_united_states_is_partly_covered_part_by_part() -> None:
    [r] = treatyscope.check("United States", target="territory", treaty="nato", date="2026-11-28")
    assert r.verdict == "partial"
    assert r.scope is not None
    parts = {p.id: p for p in r.scope.parts}
    assert parts["hawaii"].verdict == "does-not-apply"
    assert parts["conterminous-united-states"].verdict == "applies"
    assert parts["alaska"].verdict == "applies"


def test_article_6_versions_change_on_18_february_1952() -> None:
    # Before: the 1949 text covered vessels in the North Atlantic area but not in the Mediterranean.
    assert verdict(at="38.5,18.0", target="vessel", date="1952-02-17") == "does-not-apply"
    assert verdict(at="38.5,18.0", target="vessel", date="1952-02-18") == "applies"


def test_algerian_departments_until_3_july_1962() -> None:
    assert verdict(at="36.75,3.06", target="territory", party="FRA", date="1962-07-02") == "applies"
    assert verdict(at="36.75,3.06", target="territory", party="FRA", date="1962-07-03") == "does-not-apply"


def test_occupation_forces_under_the_1949_text_are_presumed_in_the_zones_and_stated_elsewhere() -> None:
    vienna = {"at": "48.21,16.37", "target": "forces", "date": "1950-01-01"}
    assert verdict(**vienna) == "applies"  # an occupying Party's forces in Vienna were occupation forces
    assert verdict(**vienna, assume=["not-occupation-forces"]) == "does-not-apply"
    athens = {"at": "37.98,23.73", "target": "forces", "date": "1950-01-01"}  # Greece joined in 1952
    assert verdict(**athens) == "does-not-apply"
    assert verdict(**athens, assume=["occupation-forces"]) == "applies"


def test_assumed_membership_does_not_override_article_6() -> None:
    assert verdict(location="Tokyo", target="territory", assume_member=["JPN"]) == "does-not-apply"
    assert verdict(at="59.33,18.07", target="territory", date="2020-01-01") == "does-not-apply"
    assert verdict(at="59.33,18.07", target="territory", date="2020-01-01", assume_member=["SWE"]) == "applies"


@settings(max_examples=25, deadline=None)
@given(st.floats(-55.0, -25.0), st.floats(0.5, 20.0))
def test_a_mid_atlantic_vessel_flips_when_moved_north_across_the_tropic(lon: float, margin: float) -> None:
    south = verdict(at=f"{23.40 - margin},{lon}", target="vessel", date="2026-11-28")
    north = verdict(at=f"{23.46 + margin},{lon}", target="vessel", date="2026-11-28")
    assert (south, north) == ("does-not-apply", "applies")


def test_results_do_not_depend_on_rule_file_order() -> None:
    files = rule_files()
    a = inspect_files(files)
    shuffled = list(files)
    random.Random(7).shuffle(shuffled)
    b = inspect_files(list(reversed(shuffled)))
    assert not a.errors and not b.errors and a.book and b.book
    book_a, book_b = a.book, b.book
    for key in ("regions", "conditions", "interpretations", "parallels", "sources", "treaties"):
        assert json.dumps(book_a[key], sort_keys=True) == json.dumps(book_b[key], sort_keys=True)


def test_a_broken_rule_file_is_exit_3_with_file_and_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: treatyscope.rules/1\nregions:\n  x: {contnent: Europe}\n")
    code, _, err = run(capsys, "check", "--location", "Taiwan", "--rules", str(bad))
    assert code == 3 and err.count("\n") == 1
    assert f"{bad}:3:" in err


def test_geojson_area_and_a_broken_geometry(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    area = tmp_path / "area.geojson"
    area.write_text(
        json.dumps({"type": "Polygon", "coordinates": [[[-45, 30], [-35, 30], [-35, 40], [-45, 40], [-45, 30]]]})
    )
    code, out, _ = run(
        capsys, "check", "--geojson", str(area), "--treaty", "nato", "--target", "vessel", "--format", "json"
    )
    assert code == 0 and json.loads(out)["results"][0]["verdict"] == "applies"
    bowtie = tmp_path / "bowtie.geojson"
    bowtie.write_text(json.dumps({"type": "Polygon", "coordinates": [[[0, 0], [10, 10], [10, 0], [0, 10], [0, 0]]]}))
    code, _, err = run(capsys, "check", "--geojson", str(bowtie))
    assert code == 2 and "not a valid geometry" in err


def test_articles_and_show(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "articles")
    assert code == 0 and "nato-5" in out and "art6-1949" in out and "1952-02-18" in out
    code, out, _ = run(capsys, "show", "nato-5")
    assert code == 0 and "North Atlantic area" in out and "Examples" in out
    code, _, err = run(capsys, "show", "nato-99")
    assert code == 2 and "Unknown article" in err


def test_the_nearest_covered_place_can_be_an_island_or_part_of_a_sea() -> None:
    # ~90 km east of Fuerteventura: the Canaries are covered (islands clause), not only mainland Europe.
    [r] = treatyscope.check(at="27.9,-13.0", target="territory", treaty="nato", date="2026-11-28")
    assert r.nearest is not None and r.nearest.name == "Canary Islands" and r.nearest.km < 150
    # On the Equator at 30° W: the North Atlantic north of the Tropic is straight north, about 2,600 km.
    [v] = treatyscope.check(at="0,-30", target="vessel", treaty="nato", date="2026-11-28")
    assert v.nearest is not None and v.nearest.name == "North Atlantic Ocean"
    assert 2550 < v.nearest.km < 2650


def test_a_feature_group_without_listed_members_is_found_at_its_centre() -> None:
    [r] = treatyscope.check("Chafarinas Islands", target="territory", treaty="nato", date="2026-11-28")
    assert r.verdict == "contested"


def test_geojson_points(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    points = tmp_path / "points.geojson"
    points.write_text(json.dumps({"type": "MultiPoint", "coordinates": [[10.5, 50.5], [121.5, 25.0]]}))
    code, out, _ = run(
        capsys, "check", "--geojson", str(points), "-t", "territory", "--treaty", "nato", "--format", "json"
    )
    assert code == 0 and json.loads(out)["results"][0]["verdict"] == "partial"
    # Tracks across the antimeridian: tests/test_geojson_input.py.


def test_unknown_assumptions_and_ambiguous_parties_are_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", "--location", "Tokyo", "--assume", "occupation-force")
    assert code == 2 and "no rule asks about that fact" in err
    code, _, err = run(capsys, "check", "--location", "Paris", "--party", "Georgia")
    assert code == 2 and "is ambiguous" in err


SUSPENSION_RULES = [str(Path(__file__).parent / "rules" / "suspension.yaml")]


def test_a_suspended_pair_is_reported_and_the_others_stay_bound() -> None:
    from treatyscope.api import build_scenarios, run_check

    scenarios, _ = build_scenarios(location="Wellington", targets=["territory"], party="NZL", date="2000-01-01")
    (result,) = run_check(scenarios, rules=SUSPENSION_RULES)
    assert result.verdict == "applies"
    (check,) = [c for c in result.checks if c["check"] == "obligations"]
    assert "United States (USA) suspended its obligations toward New Zealand (NZL) from 1986-08-11" in check["evidence"]
    assert "Australia (AUS) remains bound" in check["evidence"]


def test_no_suspension_before_its_start() -> None:
    from treatyscope.api import build_scenarios, run_check

    scenarios, _ = build_scenarios(location="Wellington", targets=["territory"], party="NZL", date="1980-01-01")
    (result,) = run_check(scenarios, rules=SUSPENSION_RULES)
    assert not [c for c in result.checks if c["check"] == "obligations"]


def _tiny_variant(tmp_path: Path, old: str, new: str) -> list[str]:
    text = (Path(__file__).parent / "rules" / "tiny.yaml").read_text()
    assert old in text
    f = tmp_path / "variant.yaml"
    f.write_text(text.replace(old, new))
    return [str(f)]


def test_a_protected_state_counts_as_attacked_party_without_being_one(tmp_path: Path) -> None:
    from treatyscope.api import build_scenarios, run_check

    rules = _tiny_variant(
        tmp_path,
        "regions:\n  tiny-area:\n    label: France and Germany\n    territory: [france, germany]\n",
        "protected:\n  - {code: BEL, from: 2005-01-01, source: tiny-text, note: designated by a protocol}\n"
        "regions:\n  tiny-area:\n    territory: [france, germany, belgium]\n",
    )
    before, _ = build_scenarios(location="Brussels", targets=["territory"], date="2004-06-01")
    after, _ = build_scenarios(location="Brussels", targets=["territory"], date="2010-06-01")
    assert run_check(before, rules=rules)[0].verdict == "does-not-apply"
    (result,) = run_check(after, rules=rules)
    assert result.verdict == "applies"
    assert "Belgium (BEL) is not a Party but is protected from 2005-01-01: designated by a protocol" in str(
        result.checks
    )


def test_territory_of_named_states_is_whoever_is_attacked_there(tmp_path: Path) -> None:
    from treatyscope.api import build_scenarios, run_check

    rules = _tiny_variant(
        tmp_path, "forces: {in_region: tiny-area}", "forces: {territory_of: {by: administration, states: [DEU]}}"
    )
    berlin, _ = build_scenarios(location="Berlin", targets=["forces"], party="FRA", date="2010-06-01")
    paris, _ = build_scenarios(location="Paris", targets=["forces"], party="DEU", date="2010-06-01")
    assert run_check(berlin, rules=rules)[0].verdict == "applies"
    assert run_check(paris, rules=rules)[0].verdict == "does-not-apply"


def test_land_held_by_one_state_and_controlled_by_another_is_contested_when_they_differ(tmp_path: Path) -> None:
    """With no party named, an attack on Crimea in 2015 strikes Ukraine's territory (sovereign) or Russia's
    (control): a treaty whose Parties include only Russia covers it under one view and not the other."""
    from treatyscope.api import build_scenarios, run_check

    rules = _tiny_variant(
        tmp_path,
        "  - {code: DEU, from: 2000-01-01, source: tiny-text}\n",
        "  - {code: DEU, from: 2000-01-01, source: tiny-text}\n  - {code: RUS, from: 2000-01-01, source: tiny-text}\n",
    )
    Path(rules[0]).write_text(Path(rules[0]).read_text().replace("[france, germany]", "[france, germany, crimea]"))
    scenarios, _ = build_scenarios(location="Simferopol", targets=["territory"], date="2015-06-01")
    (result,) = run_check(scenarios, rules=rules)
    assert result.verdict == "contested"
    assert "as its sovereign's it is not covered; as the controlling state's it is covered" in result.reasons[0]
    named, _ = build_scenarios(location="Simferopol", targets=["territory"], party="RUS", date="2015-06-01")
    assert run_check(named, rules=rules)[0].verdict == "applies"


def test_every_treaty_in_one_comparison_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--location", "Taiwan")
    assert code == 0
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("treaty "))
    assert lines[header].split() == ["treaty", "article", "target", "verdict", "obligation", "reason"]
    from treatyscope.rules.load import load_rulebook

    rows = {line.split()[0] for line in lines[header + 1 :] if line and not line.startswith(" ")}
    assert set(load_rulebook().treaties) <= rows | {"For"}
    assert "Trace:" not in out and "--details" in out
    code, detailed, _ = run(capsys, "check", "--location", "Taiwan", "--details")
    assert code == 0 and "Trace:" in detailed and detailed.startswith(out.split("For the reasons")[0].rstrip()[:200])


def test_when_no_party_remains_bound_the_article_does_not_apply(tmp_path: Path) -> None:
    from treatyscope.api import build_scenarios, run_check

    rules = _tiny_variant(
        tmp_path,
        "regions:\n",
        "suspensions:\n  - {obligor: FRA, beneficiary: DEU, from: 2005-01-01, source: tiny-text}\nregions:\n",
    )
    scenarios, _ = build_scenarios(location="Berlin", targets=["territory"], party="DEU", date="2010-01-01")
    (result,) = run_check(scenarios, rules=rules)
    assert result.verdict == "does-not-apply"
    assert "no other Party remains bound toward it" in result.reasons[0]


def test_answers_follow_the_rule_files_given_in_one_process(tmp_path: Path) -> None:
    """Memos are kept per rulebook: a second set of rule files is not answered from the first one's memo."""
    from treatyscope.api import build_scenarios, run_check

    with_france = [str(Path(__file__).parent / "rules" / "tiny.yaml")]
    without = _tiny_variant(tmp_path, "territory: [france, germany]", "territory: [germany]")
    for _ in range(3):
        scenarios, _ = build_scenarios(location="Paris", targets=["territory"], date="2010-01-01")
        assert run_check(scenarios, rules=with_france)[0].verdict == "applies"
        assert run_check(scenarios, rules=without)[0].verdict == "does-not-apply"


def test_an_area_part_whose_answer_depends_on_whose_territory_it_is_is_contested(tmp_path: Path) -> None:
    from treatyscope.api import build_scenarios, run_check

    box = tmp_path / "box.geojson"
    box.write_text(json.dumps({"type": "Polygon", "coordinates": [[[30, 44], [37, 44], [37, 46], [30, 46], [30, 44]]]}))
    scenarios, _ = build_scenarios(geojson=str(box), targets=["territory"], date="2023-01-01")
    (result,) = run_check(scenarios, treaties=["csto"])
    assert result.verdict == "contested"
    assert result.scope is not None
    crimea = [p for p in result.scope.parts if p.id in ("crimea", "sevastopol")]
    assert crimea and all(p.verdict == "contested" for p in crimea)


@pytest.mark.parametrize(
    ("lat", "lon", "day", "sovereign", "administered_by"),
    [
        (-9.44, 147.18, "1960-01-01", "AUS", "AUS"),  # Port Moresby, Papua: Australian territory
        (-6.72, 146.99, "1960-01-01", None, "AUS"),  # Lae, New Guinea: a trust territory under Australia
        (-6.72, 146.99, "1980-01-01", "PNG", "PNG"),
        (-0.53, 166.93, "1960-01-01", None, "AUS"),  # Nauru
        (-13.83, -171.76, "1960-01-01", None, "NZL"),  # Apia, Western Samoa
        (15.18, 145.75, "1970-01-01", None, "USA"),  # Saipan, Trust Territory of the Pacific Islands
        (15.18, 145.75, "1990-01-01", "USA", "USA"),  # the Commonwealth of the Northern Mariana Islands
        (7.34, 134.48, "1990-01-01", None, "USA"),  # Palau, the last trust territory, until 1994
        (7.34, 134.48, "2000-01-01", "PLW", "PLW"),
        (50.45, 30.52, "1980-01-01", "SUN", "SUN"),  # Kyiv
        (48.15, 17.11, "1980-01-01", "CSK", "CSK"),  # Bratislava
        (44.8, 20.46, "1980-01-01", "YUG", "YUG"),  # Belgrade
    ],
)
def test_dated_holders_of_former_trust_territories_and_former_states(
    lat: float, lon: float, day: str, sovereign: str | None, administered_by: str | None
) -> None:
    import datetime as dt

    from treatyscope.place.locate import locate, status_at

    status, _ = status_at(locate(lat, lon), dt.date.fromisoformat(day))
    assert (status.sovereign, status.administered_by) == (sovereign, administered_by)


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_an_article_without_a_known_number_is_named_by_what_it_is(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    """The Saudi-Pakistani Agreement is known only from a joint statement: answers name its clause as the rule file
    says (`cited_as`), never "Article (number unknown)"."""
    code = main(["check", "--location", "Riyadh", "--treaty", "saudi-pakistan", "--format", fmt])
    out = capsys.readouterr().out
    assert code == 0 and "Saudi-Pakistan defence clause" in out and "number unknown" not in out
    main(["articles", "--treaty", "saudi-pakistan"])
    assert "saudi-pakistan-smda: The defence clause —" in capsys.readouterr().out

"""Who is bound to act: each case written from the treaty texts (the article that applies, its Parties on the day,
the suspended pairs), and the strength of each obligation quoted from the article."""

from __future__ import annotations

import json
from typing import Any

import pytest

import treatyscope
from treatyscope.cli import main
from treatyscope.evaluation.bound import WhoIsBound

DAY = "2026-01-01"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def treaties_binding(w: WhoIsBound, state: str) -> set[str]:
    """The treaties that bind the state (for certain)."""
    found = {b.state: b for b in w.bound}
    if state not in found:
        return set()
    return {d.result.treaty.id for d in found[state].duties if d.certain}


def test_united_states_forces_at_guam() -> None:
    """ANZUS IV with V: an armed attack "on its armed forces ... in the Pacific" binds Australia and New Zealand
    (the suspension runs from the United States toward New Zealand, not the other way). US-Philippines IV with V:
    the same for the Philippines. US-ROK III: "in the Pacific area on either of the Parties in territories now under
    their respective administrative control": Guam is. US-Japan V reaches only "the territories under the
    administration of Japan", and NATO's Article 6 does not reach the Pacific."""
    w = treatyscope.obligations("Guam", target="forces", party="USA", date=DAY)
    assert w.attacked == "USA"
    assert treaties_binding(w, "AUS") >= {"anzus"}
    assert treaties_binding(w, "NZL") >= {"anzus"}
    assert treaties_binding(w, "PHL") >= {"us-philippines"}
    assert treaties_binding(w, "KOR") == {"us-korea"}
    assert treaties_binding(w, "JPN") == set()
    assert not any(d.result.treaty.id == "nato" for b in w.bound for d in b.duties)
    assert "USA" not in {b.state for b in w.bound}


def test_japanese_territory_at_the_senkakus() -> None:
    """US-Japan V: "an armed attack against either Party in the territories under the administration of Japan":
    the United States alone is bound, "to act to meet the common danger in accordance with its constitutional
    provisions and processes"."""
    w = treatyscope.obligations("Uotsuri-jima", date=DAY)
    assert w.attacked == "JPN"
    assert [b.state for b in w.bound] == ["USA"]
    (duty,) = w.bound[0].duties
    assert duty.obligation is not None and duty.obligation.strength == "act-to-meet-the-common-danger"
    assert "constitutional provisions and processes" in duty.obligation.words


def test_polish_territory_binds_the_other_nato_and_eu_members_once_each() -> None:
    """NATO 5 binds the 31 other Parties; TEU 42(7) the 26 other Member States; a state in both is one row, its
    strongest duty (TEU's "all the means in their power") first."""
    w = treatyscope.obligations("Warsaw", date=DAY)
    assert w.attacked == "POL"
    bound = {b.state: b for b in w.bound}
    nato = {b for b, s in bound.items() if any(d.result.treaty.id == "nato" for d in s.duties)}
    eu = {b for b, s in bound.items() if any(d.result.treaty.id == "eu" for d in s.duties)}
    assert len(nato) == 31 and len(eu) == 26 and len(bound) == len(nato | eu)
    assert {"AUT", "IRL", "MLT", "CYP"} <= eu - nato
    assert {"USA", "GBR", "CAN", "NOR", "TUR"} <= nato - eu
    france = [d.result.treaty.id for d in bound["FRA"].duties]
    assert france == ["eu", "nato"]
    assert all(s.certain for s in bound.values())


def test_suspended_obligations_are_shown_not_counted() -> None:
    """ANZUS: the United States suspended its obligations toward New Zealand in 1986."""
    w = treatyscope.obligations("Wellington", treaty="anzus", date=DAY)
    assert [b.state for b in w.bound] == ["AUS"]
    (paused,) = w.suspended
    assert (paused.suspension.obligor, paused.suspension.beneficiary) == ("USA", "NZL")
    before = treatyscope.obligations("Wellington", treaty="anzus", date="1985-01-01")
    assert sorted(b.state for b in before.bound) == ["AUS", "USA"] and not before.suspended


def test_contested_duties_are_flagged() -> None:
    """SEATO IV(1) after the organisation's dissolution: whether the treaty still binds is contested."""
    w = treatyscope.obligations("Wellington", date=DAY)
    seato = [d for b in w.bound for d in b.duties if d.result.treaty.id == "seato"]
    assert seato and all(not d.certain for d in seato)
    assert not {b.state for b in w.bound if b.certain} & {"FRA", "THA", "GBR"}


def test_forces_of_no_named_party_have_no_single_attacked_state(capsys: pytest.CaptureFixture[str]) -> None:
    w = treatyscope.obligations("Guam", target="forces", date=DAY)
    assert w.attacked is None and not w.bound
    code, out, _ = run(capsys, "obligations", "-l", "Guam", "-t", "forces", "-d", DAY)
    assert code == 0 and "name the attacked state with --party" in out
    assert "Not binding here" not in out


def test_text_output_one_row_per_state_with_the_words_quoted(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "obligations", "-l", "Warsaw", "-d", DAY)
    assert code == 0
    assert "35 states bound to assist it under 2 treaties:" in out
    flat = " ".join(out.split())
    assert (
        "France (FRA) TEU Article 42(7) (all means in their power) NATO Article 5 (action it deems necessary)" in flat
    )
    assert "“the other Member States shall have towards it an obligation of aid and assistance by all the means" in flat
    assert "such action as it deems necessary, including the use of armed force" in flat
    assert "Modified Brussels Treaty Article V: does not apply — not in force: the treaty ended on 2011-06-30" in flat


def test_json_document(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "obligations", "-l", "Wellington", "--treaty", "anzus", "-f", "json", "-d", DAY)
    assert code == 0
    doc = json.loads(out)
    assert doc["schema"] == "treatyscope.obligations/1" and doc["attacked"] == "NZL"
    assert [b["state"] for b in doc["bound"]] == ["AUS"]
    assert doc["suspended"][0]["state"] == "USA" and doc["suspended"][0]["from"] == "1986-08-11"
    (article,) = doc["articles"]
    assert article["obligation"]["strength"] == "act-to-meet-the-common-danger"


def test_the_russian_text_is_quoted_with_its_translation(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "obligations", "-l", "Minsk", "--treaty", "csto", "-d", DAY)
    assert code == 0
    flat = " ".join(out.split())
    assert "предоставят ему необходимую помощь, включая военную" in flat
    assert "will provide it with the necessary assistance, including military assistance" in flat
    assert "Russia (RUS)" in flat


def test_the_comparison_table_has_an_obligation_column(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "-l", "Warsaw", "-t", "territory", "-d", DAY)
    assert code == 0
    header = next(line for line in out.splitlines() if line.startswith("treaty"))
    assert "obligation" in header
    weu = next(line for line in out.splitlines() if line.startswith("weu"))
    assert "all aid in their power" in weu


def test_check_details_and_json_say_who_is_bound(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "-l", "Wellington", "--treaty", "anzus", "-t", "territory", "-d", DAY)
    assert code == 0
    flat = " ".join(out.split())
    assert "Bound to assist New Zealand (NZL)" in flat and "1 state, Australia (AUS)" in flat
    assert "not the United States (USA), whose obligations toward it are suspended" in flat
    code, out, _ = run(capsys, "check", "-l", "Warsaw", "--treaty", "nato", "-t", "territory", "-f", "json", "-d", DAY)
    assert code == 0
    (r,) = json.loads(out)["results"]
    assert len(r["bound_to_act"]) == 31 and r["obligation"]["strength"] == "action-it-deems-necessary"


def test_bad_input_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "obligations", "-l", "Warsaw", "-p", "Narnia")
    assert code == 2 and out == "" and len(err.strip().splitlines()) <= 2


@pytest.mark.parametrize(
    "args",
    [
        ["-l", "Warsaw"],
        ["-l", "Guam", "-t", "forces", "-p", "USA"],
        ["-l", "Wellington"],
        ["-l", "Sevastopol"],
        ["-l", "Taipei", "-d", "1970-01-01"],
        ["-l", "Berlin", "-d", "1960-01-01"],
        ["-l", "Guam", "-t", "vessel"],
        ["-l", "Bogota", "--treaty", "rio"],
        ["-l", "Kyiv", "--assume-member", "nato:UKR"],
    ],
)
def test_every_format_reads_without_template_defects(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    import prose
    from treatyscope.rules.load import rulebook

    ids = prose.internal_ids(rulebook(None))
    texts = []
    for fmt in ("text", "markdown"):
        code, out, _ = run(capsys, "obligations", *args, "-f", fmt)
        assert code == 0
        texts.append(out)
    _, out, _ = run(capsys, "obligations", *args, "-f", "json")
    doc = json.loads(out)
    texts += [a["explanation"] for a in doc["articles"]] + [s["text"] for s in doc["suspended"]]
    texts += [doc["question"], doc["summary"], *doc["notes"]]
    texts += [d["text"] + " " + d.get("why", "") for b in doc["bound"] for d in b["duties"]]
    found = [d for text in texts for d in prose.defects(text, ids)]
    assert not found, found[:10]


def test_land_held_by_two_states_binds_only_if_it_is_one_of_theirs() -> None:
    """Sevastopol: Ukraine's by sovereignty, Russia's by control. As Russia's territory, CSTO 4 would bind the other
    Parties to assist Russia (itself contested); as Ukraine's, nothing binds anyone. Russia is not bound to assist
    itself, and no duty is certain."""
    w = treatyscope.obligations("Sevastopol", date=DAY)
    assert w.attacked == "UKR"
    assert w.bound and "RUS" not in {b.state for b in w.bound}
    assert all(d.beneficiary == "RUS" and not d.certain for b in w.bound for d in b.duties)


def test_json_output_follows_its_published_schema(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib import resources

    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(resources.files("treatyscope").joinpath("schemas/obligations.schema.json").read_text())
    for args in (["-l", "Sevastopol"], ["-l", "Wellington"], ["-l", "Guam", "-t", "forces"]):
        code, out, _ = run(capsys, "obligations", *args, "-f", "json", "-d", DAY)
        assert code == 0
        jsonschema.validate(json.loads(out), schema)


def test_an_attack_on_north_korea_binds_china_and_russia_with_all_means() -> None:
    """China-DPRK Article II (1961) and Russia-DPRK Article 4 (2024): "military and other assistance by all means at
    its disposal", with no geographic limit."""
    w = treatyscope.obligations("Pyongyang", date="2025-06-01")
    assert w.attacked == "PRK"
    assert [(b.state, [d.result.treaty.id for d in b.duties]) for b in w.bound] == [
        ("CHN", ["china-dprk"]),
        ("RUS", ["russia-dprk"]),
    ]
    assert all(d.obligation is not None and d.obligation.rank == 0 for b in w.bound for d in b.duties)
    before = treatyscope.obligations("Pyongyang", date="2024-01-01")
    assert [b.state for b in before.bound] == ["CHN"]


def test_the_new_treaties_show_in_the_comparison_and_the_timeline(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "-l", "Taiwan", "-t", "territory", "-d", DAY)
    assert code == 0
    rows = [line.split()[0] for line in out.splitlines() if line and not line.startswith(" ")]
    assert "china-dprk" in rows and "russia-dprk" in rows
    code, out, _ = run(capsys, "check", "-l", "Pyongyang", "-t", "territory", "-d", DAY)
    flat = " ".join(out.split())
    assert "china-dprk II territory applies all aid in their power" in flat
    assert "wherever it lies" in flat
    (line,) = treatyscope.timeline("Pyongyang", treaty="china-dprk", target="territory")
    assert [(i.first.isoformat(), str(i.verdict)) for i in line.intervals] == [
        ("1945-01-01", "does-not-apply"),
        ("1961-09-10", "applies"),
    ]


def test_second_read_fixes(capsys: pytest.CaptureFixture[str]) -> None:
    """A party named on a day no article is in force is still the attacked state; an assumed Party is marked; an
    unverified text says so; a suspension is said of its treaty only."""
    w = treatyscope.obligations("Paris", party="FRA", date="1940-01-01")
    assert w.attacked == "FRA" and not w.bound
    code, out, _ = run(capsys, "obligations", "-l", "Warsaw", "--assume-member", "SRB", "--treaty", "nato", "-d", DAY)
    flat = " ".join(out.split())
    assert code == 0 and "Serbia (SRB) NATO Article 5 (action it deems necessary) *" in flat
    assert "* Given: Serbia (SRB) taken as a Party (--assume-member)." in flat
    code, out, _ = run(capsys, "obligations", "-l", "Pyongyang", "-d", "2025-06-01")
    assert "(wording not verified against an authentic copy)" in " ".join(out.split())
    code, out, _ = run(capsys, "obligations", "-l", "Wellington", "-d", DAY)
    assert "have been suspended since 1986-08-11: it is not bound under it." in " ".join(out.split())


def test_an_attack_on_saudi_arabia_makes_it_one_on_pakistan_with_no_duty_stated(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The joint statement of 17 September 2025: "any aggression against either country shall be considered an
    aggression against both"; the Agreement's own text is unpublished, so the words are quoted as unverified and the
    strength is the equivalence, no duty of assistance."""
    w = treatyscope.obligations("Riyadh", date=DAY)
    assert w.attacked == "SAU"
    assert treaties_binding(w, "PAK") == {"saudi-pakistan"}
    (duty,) = next(b for b in w.bound if b.state == "PAK").duties
    assert duty.obligation is not None and duty.obligation.strength == "attack-on-one-is-attack-on-both"
    assert "shall be considered an aggression against both" in duty.obligation.words
    assert treatyscope.obligations("Riyadh", date="2025-09-16").bound == ()  # before signature
    code, out, _ = run(capsys, "obligations", "--location", "Riyadh", "--date", DAY)
    assert code == 0 and "what each must then do is not stated" in out and "not verified" in out
    assert "bound to treat the attack as an attack on both" in out and "bound to assist" not in out


def test_a_party_whose_own_membership_is_disputed_is_bound_only_under_some_readings(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Rio: whether Cuba is still a Party after January 1962, and Venezuela after its 2019 re-accession, are
    disputed (rio-cuba-standing, rio-venezuela-reaccession); their duties toward an attacked Party are contested,
    with the question and its readings, while before 1962 Cuba's duty is certain."""
    w = treatyscope.obligations("Bogota", date=DAY, treaty="rio")
    cuba = next(b for b in w.bound if b.state == "CUB")
    assert not cuba.certain and cuba.duties[0].disputed is not None
    assert cuba.duties[0].disputed.id == "rio-cuba-standing"
    assert treaties_binding(w, "VEN") == set() and "VEN" in {b.state for b in w.bound}
    assert treaties_binding(w, "BRA") == {"rio"}
    assert treaties_binding(treatyscope.obligations("Bogota", date="1960-01-01", treaty="rio"), "CUB") == {"rio"}
    code, out, _ = run(capsys, "obligations", "--location", "Bogota", "--date", DAY, "--treaty", "rio", "-f", "json")
    assert code == 0
    [row] = [b for b in json.loads(out)["bound"] if b["state"] == "CUB"]
    assert row["duties"][0]["why"].startswith("Its standing as a Party is disputed: Is Cuba still a Party")
    labels = [r["label"] for r in row["duties"][0]["membership_disputed"]["readings"]]
    assert labels == ["still a Party, its government suspended", "no longer a Party from January 1962"]


def test_an_assumed_membership_can_be_for_one_treaty(capsys: pytest.CaptureFixture[str]) -> None:
    """`--assume-member nato:UKR` makes Ukraine a Party to the North Atlantic Treaty only: bound under Article 5
    when Poland is attacked, not under TEU 42(7); a bare code is a Party to every treaty asked about."""
    w = treatyscope.obligations("Warsaw", date=DAY, assume_member=["nato:UKR"])
    assert treaties_binding(w, "UKR") == {"nato"}
    assert treaties_binding(treatyscope.obligations("Warsaw", date=DAY, assume_member=["UKR"]), "UKR") == {"nato", "eu"}
    warsaw = ["check", "--location", "Warsaw", "--date", DAY, "--target", "territory", "--assume-member", "nato:UKR"]
    code, out, _ = run(capsys, *warsaw, "--treaty", "eu", "-f", "json")
    assert code == 0 and "UKR" not in json.loads(out)["results"][0]["bound_to_act"]
    code, out, _ = run(capsys, *warsaw, "--treaty", "nato", "--details")
    assert code == 0 and "Ukraine (UKR)" in out.split("Bound to assist", 1)[1]
    code, _, err = run(capsys, "check", "--location", "Kyiv", "--assume-member", "natox:UKR")
    assert code == 2 and "unknown treaty 'natox'" in err
    code, _, err = run(capsys, "check", "--location", "Kyiv", "--assume-member", "nato:")
    assert code == 2 and "has no state after the ':'" in err


def test_check_details_over_several_treaties_ends_with_who_is_bound_across_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Poland attacked: the 22 states in both NATO and the EU are bound under both articles; Austria, Cyprus,
    Ireland and Malta under TEU Article 42(7) only; Canada, Norway, Turkey, the United Kingdom and the United States
    under NATO Article 5 only."""
    code, out, _ = run(capsys, "check", "--location", "Warsaw", "--date", DAY, "--target", "territory", "--details")
    assert code == 0
    across = " ".join(out.split("Who is bound to act, across the treaties", 1)[1].split())
    assert (
        "35 states bound to assist it under 2 treaties: under TEU Article 42(7) and NATO Article 5, 22 states:"
        in across
    )
    assert (
        "under TEU Article 42(7) only, 4 states: Austria (AUT), Cyprus (CYP), Ireland (IRL) and Malta (MLT)" in across
    )
    assert "under NATO Article 5 only, 9 states:" in across and "the United States (USA)" in across


def test_a_pinned_reading_or_an_assumption_settles_a_disputed_membership() -> None:
    """Pinning the reading that Cuba left in January 1962 leaves it out; pinning the other, or taking Cuba as a
    Party, makes its duty certain."""

    def cuba(**kw: Any) -> list[bool]:
        w = treatyscope.obligations("Bogota", date=DAY, treaty="rio", **kw)
        return [d.certain for b in w.bound if b.state == "CUB" for d in b.duties]

    assert cuba() == [False]
    assert cuba(interpretations={"rio-cuba-standing": "ended-1962"}) == []
    assert cuba(interpretations={"rio-cuba-standing": "still-a-party"}) == [True]
    assert cuba(assume_member=["rio:CUB"]) == [True]

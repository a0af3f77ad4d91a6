"""`treatyscope timeline`: the verdict over time, as intervals whose boundaries are explained.

The property that makes a timeline worth having: on every day inside an interval `check` gives the interval's
verdict, and every day on which `check`'s verdict changes is a boundary."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import treatyscope
from treatyscope.cli import main
from treatyscope.evaluation.check import check
from treatyscope.evaluation.timeline import Cause, Timeline, answer_key
from treatyscope.evaluation.vectorised import date_breaks
from treatyscope.input.scenario import Scenario, build_scenarios
from treatyscope.place.data import geodata
from treatyscope.rules.load import rulebook

TODAY = dt.date.today()
FIRST = dt.date(1945, 1, 1)
D = dt.date.fromisoformat


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def spans(location: str | None = None, **kw: object) -> list[tuple[str, str, str]]:
    """(first day, last day, verdict) of the one timeline asked for, days with one verdict together."""
    (line,) = treatyscope.timeline(location, **kw)  # type: ignore[arg-type]
    return [(a.isoformat(), b.isoformat(), str(v)) for a, b, v in line.spans()]


# ------------------------------------------------------------------------------------------ the record, as text


def test_algiers_was_covered_by_article_6_from_entry_into_force_until_independence() -> None:
    assert spans("Algiers", treaty="nato", target="territory") == [
        ("1945-01-01", "1949-08-23", "does-not-apply"),
        ("1949-08-24", "1962-07-02", "applies"),
        ("1962-07-03", TODAY.isoformat(), "does-not-apply"),
    ]


def test_the_boundaries_of_algiers_say_what_changed() -> None:
    (line,) = treatyscope.timeline("Algiers", treaty="nato", target="territory")
    opened, amended, closed = line.intervals[1], line.intervals[2], line.intervals[3]
    assert {c.cause for c in opened.changes} == {Cause.ENTRY_INTO_FORCE, Cause.ACCESSION}
    assert [c.cause for c in amended.changes] == [Cause.TEXT] and amended.first == D("1952-02-18")
    held = next(c for c in closed.changes if c.cause is Cause.HOLDER)
    assert held.status is not None and (held.status[0].sovereign, held.status[1].sovereign) == ("FRA", "DZA")
    (clause,) = [c for c in closed.changes if c.cause is Cause.DATED_CLAUSE]
    assert clause.label is not None and "Algerian departments" in clause.label


def test_crete_comes_under_article_5_when_greece_accedes_on_1952_02_18() -> None:
    (line,) = treatyscope.timeline("Crete", treaty="nato", target="territory")
    change = line.on(D("1952-02-18"))
    assert change.first == D("1952-02-18") and str(change.verdict) == "applies"
    assert str(line.on(D("1952-02-17")).verdict) == "does-not-apply"
    accession = next(c for c in change.changes if c.cause is Cause.ACCESSION)
    assert accession.states == ("GRC",)


def test_taiwan_island_and_the_pescadores_under_the_1954_treaty_kinmen_and_matsu_never() -> None:
    for island in ("Taipei", "Penghu"):
        covered = [s for s in spans(island, treaty="us-roc", target="territory") if s[2] == "applies"]
        assert covered == [("1955-03-03", "1979-12-31", "applies")], island
    for offshore in ("Kinmen", "Matsu Islands"):
        assert {s[2] for s in spans(offshore, treaty="us-roc", target="territory")} == {"does-not-apply"}
    (line,) = treatyscope.timeline("Taipei", treaty="us-roc", target="territory")
    assert [c.cause for c in line.on(D("1980-01-01")).changes] == [Cause.TREATY_ENDED]


def test_okinawa_comes_under_article_v_on_its_reversion_1972_05_15() -> None:
    covered = [s for s in spans("Naha", treaty="us-japan", target="territory") if s[2] == "applies"]
    assert covered == [("1972-05-15", TODAY.isoformat(), "applies")]
    (line,) = treatyscope.timeline("Naha", treaty="us-japan", target="territory")
    assert [c.cause for c in line.on(D("1972-05-15")).changes] == [Cause.HOLDER]


def test_greenland_an_area_is_covered_from_the_treatys_entry_into_force() -> None:
    assert spans("Greenland", treaty="nato", target="territory") == [
        ("1945-01-01", "1949-08-23", "does-not-apply"),
        ("1949-08-24", TODAY.isoformat(), "applies"),
    ]


def test_the_drifting_tropic_passes_a_point_on_the_day_check_says_it_does() -> None:
    """The Tropic of Cancer (read as on the date of the attack) moves south about 15 m a year: a vessel at
    23.44° N in mid-Atlantic passes from south of it to north of it on one day, found by bisection."""
    pin = {"tropic-of-cancer": "date-of-attack"}
    (line,) = treatyscope.timeline(at=(23.44, -40.0), treaty="nato", target="vessel", interpretations=pin)
    (crossing,) = [i for i in line.intervals if any(c.cause is Cause.PARALLEL for c in i.changes)]
    day = crossing.first
    assert D("1960-01-01") < day < D("2020-01-01")
    before = treatyscope.check(
        at=(23.44, -40.0),
        treaty="nato",
        target="vessel",
        date=day - dt.timedelta(days=1),
        interpretations=pin,
        nearest=False,
    )
    after = treatyscope.check(
        at=(23.44, -40.0), treaty="nato", target="vessel", date=day, interpretations=pin, nearest=False
    )
    assert (str(before[0].verdict), str(after[0].verdict)) == ("does-not-apply", "applies")


# ------------------------------------------------------------------------------------------ the property


PLACES = ("Algiers", "Crete", "Naha", "Sevastopol", "Berlin", "Kinmen", "Honolulu", "Las Palmas", "Tallinn", "Taiwan")


@cache
def _timelines(place: str, target: str) -> tuple[Timeline, ...]:
    return tuple(treatyscope.timeline(place, target=target, end=TODAY))


@cache
def _scenario(place: str, target: str) -> Scenario:
    return build_scenarios(location=place, targets=[target], nearest=False)[0][0]


def _check(place: str, target: str, day: dt.date) -> list[tuple[str, str, str]]:
    results = check(replace(_scenario(place, target), date=day), rulebook(None))
    return [(r.treaty.id, r.article.id, f"{r.verdict} {r.reason}") for r in results]


def _said(place: str, target: str, day: dt.date) -> list[tuple[str, str, str]]:
    found = []
    for t in _timelines(place, target):
        r = t.result
        found.append((r.treaty.id, r.article.id, f"{t.on(day).verdict} {t.on(day).reason}"))
    return sorted(found, key=lambda x: (list(rulebook(None).treaties).index(x[0]), x[1]))


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    place=st.sampled_from(PLACES),
    target=st.sampled_from(["territory", "forces", "vessel", "aircraft"]),
    days=st.integers(min_value=0, max_value=(TODAY - FIRST).days),
)
def test_check_on_any_day_inside_an_interval_gives_its_verdict(place: str, target: str, days: int) -> None:
    day = FIRST + dt.timedelta(days=days)
    assert _check(place, target, day) == _said(place, target, day)


@pytest.mark.parametrize(
    ("place", "until"),
    [
        ("Algiers", D("1965-01-01")),
        pytest.param("Algiers", TODAY, marks=pytest.mark.slow),
        pytest.param("Naha", TODAY, marks=pytest.mark.slow),
        pytest.param("Sevastopol", TODAY, marks=pytest.mark.slow),
        pytest.param("Berlin", TODAY, marks=pytest.mark.slow),
        # An area of 23 parts held by one state and claimed by another, crossed by the drifting tropic: the timeline
        # answers most of its days from an earlier day's scope with the same facts (evaluation.timeline._SameFacts).
        pytest.param("Taiwan", TODAY, marks=pytest.mark.slow),
    ],
)
def test_every_day_on_which_check_can_change_agrees_with_the_timeline(place: str, until: dt.date) -> None:
    """`check` answers the same between consecutive days named anywhere in the rules or the status history (the
    batch engine rests on it): so comparing on each such day and the day before it covers every change."""
    breaks = [d for d in date_breaks(rulebook(None), geodata()).astype(object) if FIRST < d <= until]
    days = sorted({d for b in breaks for d in (b, b - dt.timedelta(days=1))})
    for day in days:
        assert _check(place, "territory", day) == _said(place, "territory", day), day


def test_intervals_tile_the_period_and_neighbours_differ() -> None:
    for t in _timelines("Sevastopol", "territory"):
        assert t.intervals[0].first == FIRST and t.intervals[-1].last == TODAY
        for a, b in zip(t.intervals, t.intervals[1:], strict=False):
            assert b.first == a.last + dt.timedelta(days=1)
            assert answer_key(a.result) != answer_key(b.result)
            assert b.changes


# ------------------------------------------------------------------------------------------ the command


def test_text_output_draws_a_bar_and_explains_each_boundary(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "timeline", "-l", "Algiers", "--treaty", "nato", "-t", "territory")
    assert code == 0
    assert "NATO Article 5 — territory" in out
    assert "1949-08-24 to 1952-02-17: applies" in out and "1952-02-18 to 1962-07-02: applies" in out
    assert (
        "From 1962-07-03: who holds Algiers changed (until then: held by France (FRA); from this day: held by "
        "Algeria (DZA))" in " ".join(out.split())
    )
    assert "█" in out and "█ applies" in out
    assert ".." not in out


def test_json_lists_the_intervals_with_their_causes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "timeline", "-l", "Crete", "--treaty", "nato", "-t", "territory", "-f", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["schema"] == "treatyscope.timeline/1"
    (row,) = doc["timelines"]
    assert row["targets"] == ["territory"]
    last = row["intervals"][-1]
    assert (last["first_day"], last["verdict"]) == ("1952-02-18", "applies")
    assert {"text", "accession"} <= {c["cause"] for c in last["changes"]}
    accession = next(c for c in last["changes"] if c["cause"] == "accession")
    assert accession["states"] == ["GRC"] and accession["text"] == "Greece (GRC) became a Party."


def test_markdown_is_a_table_per_article(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "timeline", "-l", "Naha", "--treaty", "us-japan", "-f", "markdown", "--from", "1970-01-01"
    )
    assert code == 0
    assert "| 1972-05-15 |" in out and "| from | to | verdict | why | what changed |" in out


def test_targets_with_the_same_history_share_a_row(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "timeline", "-l", "Naha", "--treaty", "us-japan")
    assert "US-Japan Article V — territory" in out and "US-Japan Article V — forces, vessel, aircraft" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2000-01-01", "--to", "1990-01-01"], "--from 2000-01-01 is after --to 1990-01-01"),
        (["--from", "1990-13-01"], "--from: '1990-13-01' is not a date"),
        (["--treaty", "natoo"], "Unknown treaty 'natoo'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    code, out, err = run(capsys, "timeline", "-l", "Algiers", *args)
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) <= 2


def test_a_given_party_is_used_on_every_day() -> None:
    """Forces of Greece at Crete: not a Party's forces until Greece acceded."""
    assert spans("Crete", treaty="nato", target="forces", party="GRC", start="1950-01-01") == [
        ("1950-01-01", "1952-02-17", "does-not-apply"),
        ("1952-02-18", TODAY.isoformat(), "applies"),
    ]


def test_scenarios_are_asked_without_the_nearest_search() -> None:
    (line,) = treatyscope.timeline("Honolulu", treaty="nato", target="territory", start="2000-01-01")
    assert all(i.result.nearest is None for i in line.intervals)
    assert replace(line.result).scope is not None


# ------------------------------------------------------------------------------------------ the words


@pytest.mark.parametrize(
    "place", ["Algiers", "Naha", "Sevastopol", "Berlin", "Wellington", "Greenland", "Caracas", "Havana", "Munich"]
)
def test_every_format_reads_without_template_defects(capsys: pytest.CaptureFixture[str], place: str) -> None:
    import prose

    book = rulebook(None)
    ids = prose.internal_ids(book)
    texts = []
    for fmt in ("text", "markdown"):
        code, out, _ = run(capsys, "timeline", "-l", place, "-f", fmt)
        assert code == 0
        texts.append(out)
    _, out, _ = run(capsys, "timeline", "-l", place, "-f", "json")
    doc = json.loads(out)
    texts += [i["explanation"] for t in doc["timelines"] for i in t["intervals"]]
    texts += [c["text"] for t in doc["timelines"] for i in t["intervals"] for c in i["changes"]]
    found = [d for text in texts for d in prose.defects(text, ids)]
    assert not found, found[:10]
    assert not any(c["cause"] == "other" for t in doc["timelines"] for i in t["intervals"] for c in i["changes"])


def test_json_output_follows_its_published_schema(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib import resources

    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(resources.files("treatyscope").joinpath("schemas/timeline.schema.json").read_text())
    for args in (["-l", "Sevastopol"], ["--at", "23.44,-40", "-t", "vessel", "--treaty", "nato"]):
        code, out, _ = run(capsys, "timeline", *args, "-f", "json")
        assert code == 0
        jsonschema.validate(json.loads(out), schema)


# ------------------------------------------------------------------------------------------ what changed


def _changes(place: str | None = None, **kw: object) -> dict[str, list[Cause]]:
    (line,) = treatyscope.timeline(place, **kw)  # type: ignore[arg-type]
    return {i.first.isoformat(): [c.cause for c in i.changes] for i in line.intervals}


def test_a_party_that_becomes_a_protected_american_state_is_said_so() -> None:
    """Rio: Venezuela withdrew (2013) and stayed an "American State" the article protects; it re-acceded (2019)."""
    found = _changes("Caracas", treaty="rio", target="territory", start="2000-01-01")
    assert {Cause.WITHDRAWAL, Cause.PROTECTION} <= set(found["2013-05-24"])
    assert {Cause.ACCESSION, Cause.PROTECTION_ENDED} <= set(found["2019-09-09"])
    assert Cause.OTHER not in {c for cs in found.values() for c in cs}


def test_a_dated_clause_inside_a_reading_is_named() -> None:
    """NATO forces in West Germany on 1955-05-05: the reading "lapsed when the occupations ended" dates the
    occupation forces' coverage."""
    (line,) = treatyscope.timeline("Munich", treaty="nato", target="forces", start="1955-01-01", end="1956-01-01")
    (clause,) = [c for c in line.on(D("1955-05-05")).changes if c.cause is Cause.DATED_CLAUSE]
    assert clause.label == "lapsed when the occupations ended"


def test_only_the_states_the_attack_involves_are_named() -> None:
    """CSTO forces at Tbilisi, 1999-04-20: Azerbaijan, Georgia and Uzbekistan left; only Georgia matters here."""
    (line,) = treatyscope.timeline("Tbilisi", treaty="csto", target="forces")
    (left,) = line.on(D("1999-04-20")).changes
    assert (left.cause, left.states) == (Cause.WITHDRAWAL, ("GEO",))


def test_a_suspension_is_a_boundary_even_when_the_verdict_stays() -> None:
    """ANZUS at Wellington: still applies after 1986 (Australia remains bound), but the United States suspended its
    obligations toward New Zealand on 1986-08-11."""
    found = _changes("Wellington", treaty="anzus", target="territory")
    assert found["1986-08-11"] == [Cause.SUSPENSION]
    assert spans("Wellington", treaty="anzus", target="territory")[-1] == ("1952-04-29", TODAY.isoformat(), "applies")


def test_the_attacked_state_changing_is_a_boundary() -> None:
    """NATO at Sevastopol: not a Party's territory throughout, but first the Soviet Union's, then Ukraine's."""
    (line,) = treatyscope.timeline("Sevastopol", treaty="nato", target="territory")
    assert Cause.HOLDER in [c.cause for c in line.on(D("1991-08-24")).changes]
    assert line.on(D("1991-08-24")).first == D("1991-08-24")


def test_a_change_of_holder_of_a_whole_area_names_no_part() -> None:
    (line,) = treatyscope.timeline("Cyprus", treaty="nato", target="territory", start="1955-01-01")
    (held,) = [c for c in line.on(D("1960-08-16")).changes if c.cause is Cause.HOLDER]
    assert held.label is None and held.status is not None and held.status[1].sovereign == "CYP"


def test_every_crossing_of_the_drifting_tropic_over_an_area_is_found(tmp_path: Path) -> None:
    """Two buoys 110 m apart near 23.443° N: the tropic passes one (partly applies), then the other (applies)."""
    f = tmp_path / "buoys.geojson"
    f.write_text(json.dumps({"type": "MultiPoint", "coordinates": [[-40.0, 23.4425], [-39.0, 23.4435]]}))
    pin = {"tropic-of-cancer": "date-of-attack"}
    kw: dict[str, Any] = {"treaty": "nato", "target": "vessel", "interpretations": pin}
    (line,) = treatyscope.timeline(geojson=str(f), start="1960-01-01", end="1990-01-01", **kw)
    assert [str(v) for _, _, v in line.spans()] == ["does-not-apply", "partial", "applies"]
    crossings = [i for i in line.intervals if any(c.cause is Cause.PARALLEL for c in i.changes)]
    assert len(crossings) == 2
    for i in line.intervals:
        for day in (i.first, i.last):
            (r,) = treatyscope.check(geojson=str(f), date=day, nearest=False, **kw)
            assert r.verdict == i.verdict, day


@pytest.mark.parametrize("place", ["Taiwan", "Cyprus", "Crimea"])
def test_scopes_answered_from_an_earlier_day_change_nothing(place: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A timeline answers a day's scope from an earlier day's when every fact it reads is the same; asking every
    day afresh gives the same intervals, explanations and causes."""
    from treatyscope.evaluation import timeline as engine
    from treatyscope.report.timeline import timeline_document

    def shown(found: list[Timeline]) -> dict[str, Any]:
        return timeline_document({"label": place, "summary": ""}, FIRST, TODAY, found)

    fast = shown(treatyscope.timeline(place, end=TODAY))
    monkeypatch.setattr(engine._SameFacts, "__call__", lambda self, q, found, compute: compute())
    assert shown(treatyscope.timeline(place, end=TODAY)) == fast


def test_an_area_the_drifting_tropic_cuts_is_asked_afresh_on_every_day(tmp_path: Path) -> None:
    """A box at sea whose top edge is at 23.44° N: the Tropic, read on the date of the attack, passes that edge in
    the 1990s and the strip north of it then grows every day. Its share of the box passes the threshold months
    later, so no earlier day's scope can stand for a later one; the timeline must agree with `check` on its
    intervals' days (it showed 'does not apply' to today when scopes were reused across the crossing)."""
    f = tmp_path / "box.geojson"
    f.write_text(
        json.dumps(
            {"type": "Polygon", "coordinates": [[[-40, 23.0], [-39, 23.0], [-39, 23.44], [-40, 23.44], [-40, 23.0]]]}
        )
    )
    kw: dict[str, Any] = {"treaty": "nato", "target": "vessel"}
    (line,) = treatyscope.timeline(geojson=str(f), end=TODAY, **kw)
    for i in line.intervals:
        for day in (i.first, i.last):
            (r,) = treatyscope.check(geojson=str(f), date=day, nearest=False, **kw)
            assert r.verdict == i.verdict, (day, r.verdict, i.verdict)
    assert line.on(TODAY).verdict == "contested"

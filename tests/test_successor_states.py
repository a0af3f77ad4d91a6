"""A state that continues another's international personality stands for it before the day it took over; a
successor that does not continue its predecessor did not exist before its first day (geodata/curated/entities.yaml).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

import treatyscope
from treatyscope.place.data import geodata
from treatyscope.report.check import FORMATS
from treatyscope.report.console import Printer
from treatyscope.report.explain import reasons
from treatyscope.result import Standing


def one(**ask: object) -> treatyscope.Result:
    (result,) = treatyscope.check(nearest=False, **ask)  # type: ignore[arg-type]
    return result


def test_every_lineage_names_known_states_and_a_source() -> None:
    data = geodata()
    doc = data.curated["entities"]
    codes = [c["state"] for c in doc["continuations"]] + [s for e in doc["successions"] for s in e["states"]]
    assert codes
    for code in codes:
        line = data.lineage(code, dt.date(1900, 1, 1))
        assert line is not None and line.source is not None and line.source.url.startswith("https://")
        assert data.entity_name(line.state) != line.state and data.entity_name(line.predecessor) != line.predecessor


def test_the_russian_federation_asked_about_before_1992_is_the_soviet_union() -> None:
    r = one(location="Moscow", treaty="warsaw", target="territory", party="RUS", date="1960-01-01")
    assert r.membership.party == "SUN" and r.membership.standing is Standing.PARTY
    assert r.membership.lineage is not None and r.membership.lineage.continues
    assert r.verdict.value == "applies"
    assert any("stands for the Soviet Union" in line for line in reasons(r))


def test_after_the_day_it_took_over_the_continuing_state_is_itself() -> None:
    r = one(location="Moscow", treaty="csto", target="territory", party="RUS", date="2000-01-01")
    assert r.membership.party == "RUS" and r.membership.lineage is None
    assert r.verdict.value == "applies"


def test_a_successor_that_does_not_continue_its_predecessor_did_not_exist_before() -> None:
    r = one(location="Prague", treaty="warsaw", target="territory", party="CZE", date="1960-01-01")
    assert r.membership.party == "CZE" and r.membership.passed is False
    assert r.membership.lineage is not None and not r.membership.lineage.continues
    said = " ".join(reasons(r))
    assert "did not exist on 1960-01-01" in said and "--party CSK" in said
    asked_right = one(location="Prague", treaty="warsaw", target="territory", party="CSK", date="1960-01-01")
    assert asked_right.verdict.value == "applies"


@pytest.mark.parametrize("party", ["RUS", "CZE"])
def test_the_json_names_the_lineage(party: str, capsys: pytest.CaptureFixture[str]) -> None:
    from treatyscope.api import build_scenarios, run_check

    scenarios, facts = build_scenarios(location="Moscow", targets=["territory"], party=party, date="1960-01-01")
    results = run_check(scenarios, treaties=["warsaw"])
    FORMATS["json"](facts, "1960-01-01", results, Printer(), False, False)
    doc = json.loads(capsys.readouterr().out)
    lineage = doc["results"][0]["facts"]["membership"]["lineage"]
    assert lineage["named"] == party and lineage["continues"] is (party == "RUS")

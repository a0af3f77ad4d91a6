"""Answers that follow from the rule texts and the record (issue 14): Berlin's occupation, the occupying Parties'
forces, the Tropic of Cancer across an area, obligations suspended between Parties, and a reading needing a holder.
"""

from __future__ import annotations

import treatyscope
from treatyscope.report.explain import headline, one_line, reasons
from treatyscope.result import Verdict


def one(**ask: object) -> treatyscope.Result:
    (result,) = treatyscope.check(nearest=False, **ask)  # type: ignore[arg-type]
    return result


# NATO Article 6(ii): "any other area in Europe in which occupation forces of any of the Parties were stationed on
# the date when the Treaty entered into force". Berlin stayed occupied until German unification (Two-plus-Four
# Treaty, Article 7), so even the reading that lets the limb lapse with the occupations covers forces there.
def test_forces_in_berlin_are_covered_until_unification_under_either_reading() -> None:
    lapsed = {"occupation-areas": "ended-with-occupation"}
    ask = {"at": "52.45,13.30", "treaty": "nato", "target": "forces", "party": "USA", "interpretations": lapsed}
    assert one(**ask, date="1985-06-01").verdict is Verdict.APPLIES
    assert one(**ask, date="1990-10-02").verdict is Verdict.APPLIES
    # Bonn's occupation ended on 5 May 1955; there the lapsed reading no longer reaches (Germany's own territory
    # is covered from its accession on 6 May 1955, so the day between shows the limb alone).
    bonn = {**ask, "at": "50.73,7.10"}
    assert one(**bonn, date="1955-05-04").verdict is Verdict.APPLIES
    assert one(**bonn, date="1955-05-05").verdict is Verdict.DOES_NOT_APPLY


# Article 6 (1949): "on the Occupation forces of any party in Europe". On 24 August 1949 the occupying Parties'
# forces in their zones were occupation forces as a matter of record; other Parties' forces there were not.
def test_an_occupying_partys_forces_in_its_zone_are_occupation_forces_unless_denied() -> None:
    ask = {"at": "50.11,8.68", "treaty": "nato", "target": "forces", "date": "1950-06-01"}
    assert one(**ask, party="USA").verdict is Verdict.APPLIES
    assert one(**ask).verdict is Verdict.APPLIES  # no party named: some occupying Party's forces
    assert one(**ask, party="NLD").verdict is Verdict.DOES_NOT_APPLY
    denied = one(**ask, party="USA", assume=["not-occupation-forces"])
    assert denied.verdict is Verdict.DOES_NOT_APPLY
    # Outside the zones the fact stays open: US forces in Italy in 1950 need --assume occupation-forces.
    rome = {**ask, "at": "41.9,12.5", "party": "USA"}
    assert one(**rome).verdict is Verdict.APPLIES  # on covered territory: Italy is a Party in Europe
    naples_at_sea = {**ask, "at": "40.6,14.0", "party": "USA"}
    assert one(**naples_at_sea).verdict is Verdict.APPLIES  # Italy's territorial sea


# Article 6(i): "islands ... north of the Tropic of Cancer". An area's latitude test is made part by part: the
# Tropic crosses Taiwan (Taipei north, Kaohsiung south), yet both sides answer the same.
def test_the_tropic_across_taiwan_is_reported_and_not_what_decides() -> None:
    r = one(location="Taiwan", treaty="nato", target="territory", date="2026-11-28")
    assert r.scope is not None
    (crossing,) = r.scope.crossings
    assert crossing.label == "the Tropic of Cancer" and 23.4 < crossing.lat < 23.5 and not crossing.decides
    assert any("runs across Taiwan" in line and "not what decides" in line for line in reasons(r))


def test_a_sea_area_across_the_tropic_is_decided_by_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    box = tmp_path / "box.geojson"
    box.write_text('{"type": "Polygon", "coordinates": [[[-45, 20], [-40, 20], [-40, 27], [-45, 27], [-45, 20]]]}')
    r = one(geojson=str(box), treaty="nato", target="vessel", date="2026-11-28")
    assert r.scope is not None
    assert [c.decides for c in r.scope.crossings] == [True]
    assert not any("not what decides" in line for line in reasons(r))


# ANZUS: the United States suspended its obligations toward New Zealand in 1986; the headline says who is bound.
def test_the_anzus_headline_says_australia_alone_is_bound_toward_new_zealand() -> None:
    r = one(location="Wellington", treaty="anzus", target="territory", date="2026-11-28")
    assert r.verdict is Verdict.APPLIES
    assert "It binds Australia (AUS) only" in headline(r)
    before = one(location="Wellington", treaty="anzus", target="territory", date="1985-01-01")
    assert "binds" not in headline(before)


# US-ROC Article X: the treaty ended one year after notice took effect; both Parties treated it as in force through
# 1979, and no government, court or treaty body held that derecognition ended it at once.
def test_the_us_roc_treaty_applies_through_1979() -> None:
    r = one(at="25.03,121.56", treaty="us-roc", target="territory", date="1979-12-31")
    assert r.verdict is Verdict.APPLIES and not r.scope.terms  # type: ignore[union-attr]
    assert one(at="25.03,121.56", treaty="us-roc", target="territory", date="1980-01-01").verdict is (
        Verdict.DOES_NOT_APPLY
    )


def test_an_applies_row_for_forces_says_it_is_a_partys_forces_not_the_place() -> None:
    r = one(location="Taiwan", treaty="anzus", target="forces", date="2026-11-28")
    assert r.verdict is Verdict.APPLIES
    assert one_line(r).startswith("a Party's own forces, vessels or aircraft there, not the territory")


# Article 6(ii) as amended in 1951: "the Mediterranean Sea" was "designed to mean over and in those waters but not
# encompassing an area (Cyprus)" (FRUS 1951 III-1, doc. 320). Forces on an island's land are covered only where the
# island is covered territory; in the waters, even within a non-Party's territorial sea, they are covered.
def test_the_mediterranean_limb_covers_the_waters_not_the_islands_in_them() -> None:
    ask = {"treaty": "nato", "party": "TUR", "date": "2020-06-01"}
    ashore = one(at="35.20,33.36", target="forces", **ask)  # northern Nicosia: Cyprus's land, no Party's
    assert ashore.verdict is Verdict.DOES_NOT_APPLY
    assert any("not in the waters of the Mediterranean Sea" in line for line in reasons(ashore))
    assert one(at="35.60,33.30", target="vessel", **ask).verdict is Verdict.APPLIES  # 25 km off Kyrenia
    assert one(at="35.37,33.30", target="vessel", **ask).verdict is Verdict.APPLIES  # inside Cyprus's belt
    # Within 2 km of the generalised coast the data cannot tell land from water: a vessel there is not put ashore.
    assert one(at="35.342,33.318", target="vessel", **ask).verdict is Verdict.APPLIES  # Kyrenia harbour
    # Malta left British rule in 1964: forces on its land were then on no Party's territory, and not at sea.
    malta = one(at="35.899,14.52", target="forces", treaty="nato", party="GBR", date="1970-06-01")
    assert malta.verdict is Verdict.DOES_NOT_APPLY
    assert one(at="35.899,14.52", target="forces", treaty="nato", party="GBR", date="1960-06-01").verdict is (
        Verdict.APPLIES  # a British colony in Europe: British territory
    )
    # A Greek island is covered as Greek territory, so forces on it are covered whatever the limb says.
    assert one(at="35.24,24.81", target="forces", **{**ask, "party": "GRC"}).verdict is Verdict.APPLIES  # Crete


# The "general region" reading of the North Atlantic area reaches the Atlantic side of the Arctic, not the Arctic
# seas beyond the Barents Sea: no source names them.
def test_the_general_region_is_bounded_to_the_atlantic_side_of_the_arctic() -> None:
    ask = {"treaty": "nato", "target": "vessel", "party": "USA", "date": "2026-11-28"}
    general = {"north-atlantic-area": "general-region"}
    assert one(at="74.0,38.0", interpretations=general, **ask).verdict is Verdict.APPLIES  # the Barents Sea
    assert one(at="76.0,125.0", interpretations=general, **ask).verdict is Verdict.DOES_NOT_APPLY  # the Laptev Sea
    assert one(at="74.0,38.0", **ask).verdict is Verdict.CONTESTED  # the narrow reading leaves the Barents out
    laptev = one(at="76.0,125.0", interpretations=general, **ask)
    assert any("the Laptev Sea is not part of the North Atlantic with" in line for line in reasons(laptev))


# Europe ends at the Ural watershed and the Ural River (the continents table). The Warsaw Pact's "armed attack in
# Europe" therefore reaches Ufa and Oral (west bank), not Sverdlovsk, Tyumen or the east bank below Orenburg.
def test_the_warsaw_pact_reaches_to_the_urals_and_the_ural_river() -> None:
    ask = {"treaty": "warsaw", "target": "territory", "party": "SUN", "date": "1980-01-01"}
    for at in ("54.74,55.97", "51.23,51.30", "52.10,55.10"):  # Ufa; Oral; north of the river at Orenburg
        assert one(at=at, **ask).verdict is Verdict.APPLIES, at
    # Yekaterinburg; Tyumen; south of the river at Orenburg; Atyrau region east of the river
    for at in ("56.84,60.60", "57.15,65.53", "51.40,55.10", "47.50,53.00"):
        assert one(at=at, **ask).verdict is Verdict.DOES_NOT_APPLY, at

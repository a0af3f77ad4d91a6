from __future__ import annotations

import pytest

from treatyscope.errors import AmbiguousPlaceError, UnknownPlaceError, UsageError
from treatyscope.place.gazetteer import resolve_place


@pytest.mark.parametrize(
    ("query", "ref"),
    [
        ("Taiwan", "territory:taiwan"),
        ("taiwan", "territory:taiwan"),
        ("TW", "territory:taiwan"),
        ("TWN", "territory:taiwan"),
        ("Formosa", "territory:taiwan-island"),
        ("Pescadores", "territory:penghu"),
        ("Quemoy", "territory:kinmen"),
        ("Åland", "territory:aland"),
        ("aland", "territory:aland"),
        ("Türkiye", "territory:turkey"),
        ("St. Pierre and Miquelon", "territory:saint-pierre-and-miquelon"),
        ("Canary Islands", "territory:canary-islands"),
        ("Canaries", "territory:canary-islands"),
        ("Hawaii", "territory:hawaii"),
        ("US-HI", "territory:hawaii"),
        ("US-GA", "subdivision:USA-3543"),
        ("Georgia, US", "subdivision:USA-3543"),
        ("Georgia (country)", "territory:georgia"),
        ("territory:georgia", "territory:georgia"),
        ("Black Sea", "sea:black-sea"),
        ("sea:taiwan-strait", "sea:taiwan-strait"),
        ("Honolulu", "place:g5856195"),
        ("Paris", "place:g2988507"),
        ("Uotsuri-jima", "feature:uotsuri-jima"),
        ("Diaoyu Dao", "feature:uotsuri-jima"),
        ("Dokdo", "feature:liancourt-rocks"),
        ("Takeshima", "feature:liancourt-rocks"),
        ("Kunashiri", "territory:northern-territories"),
        ("Atlantis, ZA", "place:g3370352"),
    ],
)
def test_resolves(query: str, ref: str) -> None:
    assert resolve_place(query).ref == ref


@pytest.mark.parametrize(
    ("query", "refs"),
    [
        ("Georgia", {"territory:georgia", "subdivision:USA-3543"}),
        ("Congo", {"territory:republic-of-the-congo", "territory:democratic-republic-of-the-congo"}),
        ("Guinea", {"territory:guinea", "territory:guinea-bissau", "territory:equatorial-guinea"}),
        ("Korea", {"territory:north-korea", "territory:south-korea"}),
        ("Saint-Martin", {"territory:saint-martin", "territory:sint-maarten"}),
    ],
)
def test_ambiguous_names_list_candidates(query: str, refs: set[str]) -> None:
    with pytest.raises(AmbiguousPlaceError) as err:
        resolve_place(query)
    assert refs <= {ref for ref, _ in err.value.candidates}
    assert "Pick one" in str(err.value)


def test_unknown_place_suggests() -> None:
    with pytest.raises(UnknownPlaceError) as err:
        resolve_place("Taiwna")
    assert "Taiwan" in err.value.suggestions


def test_a_minor_namesake_is_offered_not_chosen() -> None:
    with pytest.raises(UnknownPlaceError) as err:
        resolve_place("Atlantis")
    assert any(s.startswith("Atlantis, ZA") for s in err.value.suggestions)


def test_empty_query_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        resolve_place("   ")


def test_unknown_id_is_reported() -> None:
    with pytest.raises(UnknownPlaceError):
        resolve_place("territory:atlantis")

from __future__ import annotations

import treatyscope


def test_all_exports_resolve() -> None:
    for name in treatyscope.__all__:
        assert getattr(treatyscope, name) is not None, name


def test_all_is_sorted_and_matches_the_lazy_table() -> None:
    assert treatyscope.__all__ == sorted(treatyscope.__all__)
    assert set(treatyscope.__all__) == set(treatyscope._WHERE)

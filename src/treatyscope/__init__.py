"""treatyscope: would a treaty's collective-defence clause cover an armed attack here, on this date?

The public API is re-exported here and loaded on first use, so that `treatyscope --version` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "AmbiguousPlaceError",
    "DataError",
    "Location",
    "Place",
    "Reason",
    "Result",
    "RuleFileError",
    "TreatyscopeError",
    "UnknownPlaceError",
    "UsageError",
    "Verdict",
    "area_map",
    "article_detail",
    "article_listing",
    "check",
    "classify",
    "covered_area",
    "locate",
    "obligations",
    "parse_coordinates",
    "resolve_place",
    "status_at",
    "timeline",
]

_WHERE = {
    "AmbiguousPlaceError": "treatyscope.errors",
    "DataError": "treatyscope.errors",
    "RuleFileError": "treatyscope.errors",
    "TreatyscopeError": "treatyscope.errors",
    "UnknownPlaceError": "treatyscope.errors",
    "UsageError": "treatyscope.errors",
    "Location": "treatyscope.place.world",
    "locate": "treatyscope.place.locate",
    "status_at": "treatyscope.place.locate",
    "Place": "treatyscope.place.gazetteer",
    "resolve_place": "treatyscope.place.gazetteer",
    "parse_coordinates": "treatyscope.input.coords",
    "check": "treatyscope.api",
    "Result": "treatyscope.api",
    "Reason": "treatyscope.result",
    "Verdict": "treatyscope.result",
    "covered_area": "treatyscope.api",
    "classify": "treatyscope.batch.arrays",
    "area_map": "treatyscope.api",
    "article_listing": "treatyscope.api",
    "article_detail": "treatyscope.api",
    "timeline": "treatyscope.api",
    "obligations": "treatyscope.api",
}

if TYPE_CHECKING:
    from treatyscope.api import (
        Result,
        area_map,
        article_detail,
        article_listing,
        check,
        covered_area,
        obligations,
        timeline,
    )
    from treatyscope.batch.arrays import classify
    from treatyscope.errors import (
        AmbiguousPlaceError,
        DataError,
        RuleFileError,
        TreatyscopeError,
        UnknownPlaceError,
        UsageError,
    )
    from treatyscope.input.coords import parse_coordinates
    from treatyscope.place.gazetteer import Place, resolve_place
    from treatyscope.place.locate import locate, status_at
    from treatyscope.place.world import Location
    from treatyscope.result import Reason, Verdict


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'treatyscope' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

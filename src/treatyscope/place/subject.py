"""What a rule's conditions can ask about a place: the facts of a point, of a uniform part of an area, or (while
searching for the nearest covered place) of a whole territory.

Facts are sets of the values they can take: one value when known, several when the subject is not uniform; a test
then answers unknown unless all the values agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from treatyscope.place.data import Status


@dataclass(frozen=True, eq=False, repr=False)
class Subject:
    label: str
    lat: float
    lon: float
    point_like: bool = True  # False: geometric facts are read from `bbox` (and `geom` for polygons)
    geom: Any = None
    area_km2: float = 0.0
    territory: str | None = None  # leaf territory id (None at sea)
    subdivisions: frozenset[str | None] = frozenset({None})  # ISO 3166-2
    continents: frozenset[str | None] = frozenset({None})
    islands: frozenset[bool | None] = frozenset({None})  # None: not on land
    island_seas: frozenset[str] = frozenset()  # the named seas an island adjoins (possible ones, if not uniform)
    sea: str | None = None
    feature: str | None = None
    feature_group: str | None = None
    status: Status | None = None
    setting: str = "sea"

    @cached_property
    def memo(self) -> dict[Any, Any]:
        """Answers about regions that no reading can change (see rules.regions), kept with the subject; a copy made
        by `dataclasses.replace` starts with none, and a part cut from an area is given its shape's
        (evaluation.subjects.cut: the same part on another day answers alike)."""
        return {}

    @cached_property
    def bbox(self) -> tuple[float, float, float, float]:
        if self.geom is not None and not self.point_like:
            b = self.geom.bounds
            return (float(b[0]), float(b[1]), float(b[2]), float(b[3]))
        return (self.lon, self.lat, self.lon, self.lat)

    @property
    def on_land(self) -> bool:
        return self.territory is not None or self.feature is not None

    @property
    def continent(self) -> str | None:
        return next(iter(self.continents)) if len(self.continents) == 1 else None

    @property
    def island(self) -> bool | None:
        return next(iter(self.islands)) if len(self.islands) == 1 else None

    def facts(self, subdivisions: frozenset[str], seas: frozenset[str]) -> tuple[Any, ...]:
        """The facts a condition can read, keeping only the subdivisions and seas it names: subjects that share
        them, and lie on the same side of every line the rule draws, share one answer."""
        return (
            self.territory,
            self.status,
            frozenset(self.subdivisions) & subdivisions,
            self.continents,
            self.islands,
            frozenset(self.island_seas) & seas,
            self.sea if self.sea in seas else None,
            self.sea is None,
            self.feature,
            self.feature_group,
            self.setting == "land",  # ashore or not, for a clause on the waters only (the coastal band is not ashore)
        )

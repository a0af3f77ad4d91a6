"""What the HTTP API is asked: the options `check`, `timeline` and `obligations` share, as pydantic models, and the
budget a drawn shape must keep (the server answers one request at a time)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StrictStr, field_validator

from treatyscope.errors import UsageError
from treatyscope.input.geojson import land_units_reached, limit

if TYPE_CHECKING:
    import datetime as dt

    from treatyscope.input.scenario import Scenario

# A shape's work grows with the land units (provinces, islands) it reaches, about 50 ms each: 300 is 5-15 s. The
# server answers one request at a time, so a shape over a continent (minutes) would hold up every reader.
MAX_PIECES = ("TREATYSCOPE_WEB_MAX_PIECES", 300)
# A timeline asks hundreds of days, each a full answer for the shape (about 0.8 s per land unit in all): 15 units is
# about ten seconds.
MAX_TIMELINE_PIECES = ("TREATYSCOPE_WEB_MAX_TIMELINE_PIECES", 15)
MAX_VERTICES = ("TREATYSCOPE_WEB_MAX_VERTICES", 10_000)


class Question(BaseModel):
    """Where, and what, is attacked: the options `check`, `timeline` and `obligations` share, with a drawn GeoJSON
    shape for --geojson."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    location: str | None = None
    lat: StrictStr | StrictFloat | StrictInt | None = None
    lon: StrictStr | StrictFloat | StrictInt | None = None
    geometry: dict[str, Any] | None = None
    treaty: list[str] = []
    target: list[str] = []
    party: str | None = None
    assume_member: list[str] = []
    assume: list[str] = []
    interpretation: list[str] = []
    territorial_sea: bool = True
    format: Literal["json", "markdown"] = "json"
    # A drawn shape's budget: the most land units it may reach, what the page does with it, the command to use instead
    budget: ClassVar[tuple[tuple[str, int], str, str]] = (MAX_PIECES, "answers shapes", "check")

    @field_validator("treaty", "target", "assume_member", "assume", "interpretation", mode="before")
    @classmethod
    def one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    def scenarios(self, date: str | dt.date | None, nearest: bool = False) -> tuple[list[Scenario], dict[str, Any]]:
        """The scenarios asked about on `date`, and the place's facts; a drawn shape within the page's budget."""
        from treatyscope.input.scenario import build_scenarios

        if (self.lat is None) != (self.lon is None):
            raise UsageError("Give both lat and lon.")
        scenarios, location = build_scenarios(
            location=self.location,
            at=f"{self.lat},{self.lon}" if self.lat is not None else None,
            geojson=self.geometry,
            targets=self.target,
            party=self.party or None,
            date=date or None,
            assume_member=self.assume_member,
            assume=self.assume,
            interpretation=self.interpretation,
            territorial_sea=self.territorial_sea,
            nearest=nearest,
        )
        if scenarios[0].geometry is not None:
            within_budget(scenarios[0].geometry, *self.budget)
        return scenarios, location


class CheckQuery(Question):
    """What `/api/check` is asked: the options of `treatyscope check`."""

    date: str | None = None
    nearest: bool = False
    brief: bool = False


class TimelineQuery(Question):
    """What `/api/timeline` is asked: the options of `treatyscope timeline` (`from` and `to` as there)."""

    start: str | None = Field(None, alias="from")
    end: str | None = Field(None, alias="to")
    budget: ClassVar[tuple[tuple[str, int], str, str]] = (
        MAX_TIMELINE_PIECES,
        "draws the history of shapes",
        "timeline",
    )


class ObligationsQuery(Question):
    """What `/api/obligations` is asked: the options of `treatyscope obligations` (one target kind)."""

    date: str | None = None
    target: list[str] = ["territory"]

    @field_validator("target")
    @classmethod
    def one_target(cls, value: list[str]) -> list[str]:
        if len(value) != 1:
            raise ValueError("give one target kind: who is bound depends on what is attacked")
        return value


def within_budget(
    shape: Any, pieces: tuple[str, int] = MAX_PIECES, does: str = "answers shapes", command: str = "check"
) -> None:
    """A drawn shape the server answers in seconds: so many vertices, and so many land units reached."""
    import shapely

    vertices, most = int(shapely.get_num_coordinates(shape)), limit(MAX_VERTICES)
    if vertices > most:
        raise UsageError(
            f"The shape has {vertices:,} vertices; the page {does} of up to {most:,}.",
            f"Simplify it, or run 'treatyscope {command} --geojson FILE'.",
        )
    reached, most = land_units_reached(shape), limit(pieces)
    if reached > most:
        raise UsageError(
            f"The shape reaches {reached:,} land units (provinces and islands); the page {does} reaching up to "
            f"{most:,}, a few seconds of work, as it answers one request at a time.",
            f"Draw a smaller shape, or run 'treatyscope {command} --geojson FILE'.",
        )



"""The rule language: pydantic models for the YAML files in rules/ (extra keys are errors).

A rule file encodes one treaty — its parties with dated membership, its articles with verbatim text and dated
versions, and per version and target kind (territory, forces, vessel, aircraft) the *condition* under which an
armed attack there is covered — or holds only shared named regions (`treaty` omitted).

Conventions stated once:
- Dates are calendar days. A period's `from` is inclusive and its `to` exclusive: a party with
  `to: 2004-09-06` is no longer a party on 6 September 2004. Events are taken to occur at the start of their day.
- Boundaries belong to the region (shapely `covers`): a point exactly on the Tropic of Cancer is north of it.
- A *condition* is a mapping with exactly one operator key, plus optional `clause` (a label for the trace),
  `quote` (the words of the text it encodes) and `note`.
- A *region* is a name (of a region in some rule file's `regions`) or a mapping with exactly one kind key.
- An *interpretation* names a vague term and its readings, each with sources; the engine evaluates every reading
  and answers "contested" when they disagree.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag, model_validator

from treatyscope.rules.kinds import (  # noqa: F401 (re-exported)
    CONDITION_KINDS,
    OBLIGATION_STRENGTHS,
    REGION_KINDS,
    TARGETS,
    VERDICTS,
    condition_operators,
)

QUALITIES = ("primary", "scholarly", "news", "transcription")
ID = r"^[a-z0-9][a-z0-9-]*$"

TargetKind = Literal["territory", "forces", "vessel", "aircraft"]
Verdict = Literal["applies", "does-not-apply", "partial", "contested"]
Id = Annotated[str, Field(pattern=ID, max_length=80)]
StateCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# --------------------------------------------------------------------------------------------------- sources


class Source(Model):
    id: Id
    title: str = Field(min_length=3)
    url: str | None = None
    quality: Literal["primary", "scholarly", "news", "transcription"]
    note: str | None = None


class Dated(Model):
    """A period: `from` inclusive, `to` exclusive (None: open)."""

    from_: dt.date = Field(alias="from")
    to: dt.date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Dated:
        if self.to is not None and self.to <= self.from_:
            raise ValueError(f"period ends ({self.to}) on or before it starts ({self.from_}); 'to' is exclusive")
        return self


# --------------------------------------------------------------------------------------------------- regions


class Polygon(Model):
    """An inline polygon: vertices [lon, lat] and, for each leg from a vertex to the next, how it runs.

    Legs: `rhumb` (straight on Mercator), `meridian` (due north/south), `parallel` (due east/west), `straight`
    (straight in longitude/latitude). Vertices may use longitudes beyond ±180 to run across the antimeridian
    and latitudes of ±90 for the poles. `unverified` lists vertex indexes whose coordinates were not found in
    an authentic text; explanations that depend on them say so.
    """

    vertices: list[tuple[float, float]] = Field(min_length=3)
    legs: list[Literal["rhumb", "meridian", "parallel", "straight"]]
    unverified: list[int] = []
    note: str | None = None

    @model_validator(mode="after")
    def _legs(self) -> Polygon:
        if len(self.legs) != len(self.vertices):
            raise ValueError(
                f"a polygon of {len(self.vertices)} vertices needs {len(self.vertices)} legs (the last "
                "closes it back to the first vertex)"
            )
        for lon, lat in self.vertices:
            if not -90 <= lat <= 90:
                raise ValueError(f"latitude {lat} is out of range (-90..90)")
            if not -540 <= lon <= 540:
                raise ValueError(f"longitude {lon} is out of range (-540..540)")
        for i in self.unverified:
            if not 0 <= i < len(self.vertices):
                raise ValueError(f"unverified vertex {i} does not exist")
        return self


ParallelRef = Annotated[float | str, Field(description="degrees north, or the id of a named parallel")]


class Band(Model):
    north_of: ParallelRef | None = None
    south_of: ParallelRef | None = None

    @model_validator(mode="after")
    def _one(self) -> Band:
        if self.north_of is None and self.south_of is None:
            raise ValueError("a band needs north_of, south_of or both")
        for side in (self.north_of, self.south_of):
            if isinstance(side, float) and not -90 <= side <= 90:
                raise ValueError(f"latitude {side:g} is out of range (-90..90)")
        return self


def _region_tag(value: Any) -> str:
    if isinstance(value, str):
        return "ref"
    if isinstance(value, BaseModel):
        return _MODEL_TAGS[type(value).__name__]
    if isinstance(value, dict):
        keys = [k for k in value if k not in ("label", "note")]
        return keys[0] if len(keys) == 1 else "invalid"
    return "invalid"


class RegionBase(Model):
    label: str | None = None
    note: str | None = None


def _listify(v: Any) -> Any:
    return [v] if isinstance(v, str) else v


Names = Annotated[list[str], BeforeValidator(_listify), Field(min_length=1)]


class TerritoryRegion(RegionBase):
    territory: Names


class SubdivisionRegion(RegionBase):
    subdivision: Names


class FeatureRegion(RegionBase):
    feature: Names


class SeaRegion(RegionBase):
    sea: Names


class SeaFamilyRegion(RegionBase):
    sea_family: Names


class ContinentRegion(RegionBase):
    continent: Annotated[
        list[Literal["Africa", "Antarctica", "Asia", "Europe", "North America", "Oceania", "South America"]],
        BeforeValidator(_listify),
    ]


class BandRegion(RegionBase):
    band: Band


class PolygonRegion(RegionBase):
    polygon: Polygon


class UnionRegion(RegionBase):
    union: list[Region] = Field(min_length=1)


class IntersectionRegion(RegionBase):
    intersection: list[Region] = Field(min_length=2)


class DifferenceRegion(RegionBase):
    difference: list[Region] = Field(min_length=2, max_length=2)


class InterpretationRegion(RegionBase):
    interpretation: Id


class RefRegion(RegionBase):
    ref: Id


Region = Annotated[
    Annotated[str, Tag("ref")]
    | Annotated[TerritoryRegion, Tag("territory")]
    | Annotated[SubdivisionRegion, Tag("subdivision")]
    | Annotated[FeatureRegion, Tag("feature")]
    | Annotated[SeaRegion, Tag("sea")]
    | Annotated[SeaFamilyRegion, Tag("sea_family")]
    | Annotated[ContinentRegion, Tag("continent")]
    | Annotated[BandRegion, Tag("band")]
    | Annotated[PolygonRegion, Tag("polygon")]
    | Annotated[UnionRegion, Tag("union")]
    | Annotated[IntersectionRegion, Tag("intersection")]
    | Annotated[DifferenceRegion, Tag("difference")]
    | Annotated[InterpretationRegion, Tag("interpretation")]
    | Annotated[RefRegion, Tag("ref_map")],
    Discriminator(lambda v: "ref_map" if isinstance(v, dict) and _region_tag(v) == "ref" else _region_tag(v)),
]


# ------------------------------------------------------------------------------------------------ conditions


class CondBase(Model):
    clause: str | None = None  # a label for the trace, e.g. "6(i) islands in the North Atlantic area"
    quote: str | None = None  # the words of the text this condition encodes
    note: str | None = None


class AllCond(CondBase):
    all: list[Condition] = Field(min_length=1)


class AnyCond(CondBase):
    any: list[Condition] = Field(min_length=1)


class NotCond(CondBase):
    not_: Condition = Field(alias="not")


class InRegionCond(CondBase):
    in_region: Region
    waters_only: bool = Field(
        False,
        description="Only in the waters (a sea or a territorial sea) or the airspace above them: a place on land, "
        "even on an island that lies in a named sea, is not in the region.",
    )


class TerritoryOf(Model):
    """Whose land: the party in question holds it by sovereignty, by administration, or either ("jurisdiction").

    `states` names the holders instead of the party in question: "territories under the administration of Japan"
    is `{by: administration, states: [JPN]}` whoever's forces are attacked there."""

    by: Literal["sovereignty", "administration", "either"] | Id = "either"
    states: list[StateCode] = []


class TerritoryOfCond(CondBase):
    territory_of: TerritoryOf


class PartyIsCond(CondBase):
    party_is: list[StateCode] = Field(min_length=1)
    when_unnamed: bool = Field(
        False,
        description="With no party named (forces, vessels or aircraft of any Party): true when one of these states "
        "is a Party on the date, instead of testing who holds the place.",
    )


class IslandCond(CondBase):
    island: bool


class LatitudeCond(CondBase):
    latitude: Band


class DateWindow(Model):
    from_: dt.date | None = Field(default=None, alias="from")  # inclusive
    before: dt.date | None = None  # exclusive

    @model_validator(mode="after")
    def _one(self) -> DateWindow:
        if self.from_ is None and self.before is None:
            raise ValueError("a date window needs 'from', 'before' or both")
        if self.from_ and self.before and self.before <= self.from_:
            raise ValueError(f"'before' ({self.before}) must be after 'from' ({self.from_})")
        return self


class DateCond(CondBase):
    date: DateWindow


class UseCond(CondBase):
    """Evaluate a named condition; `party: any` makes "the party" any Party on the date (e.g. Art. 6(ii)'s
    "these territories", which are the territories of (i) whichever Party holds them)."""

    use: Id
    party: Literal["attacked", "any"] = "attacked"


class InterpretationCond(CondBase):
    interpretation: Id


class ConstCond(CondBase):
    const: bool


class AssumedCond(CondBase):
    """True only when the scenario states this fact (e.g. `occupation-forces`); the trace says it was assumed."""

    assumed: Id


def _cond_tag(value: Any) -> str:
    if isinstance(value, BaseModel):
        return _MODEL_TAGS[type(value).__name__]
    if isinstance(value, dict):
        keys = condition_operators(value)
        return keys[0] if len(keys) == 1 else "invalid"
    return "invalid"


Condition = Annotated[
    Annotated[AllCond, Tag("all")]
    | Annotated[AnyCond, Tag("any")]
    | Annotated[NotCond, Tag("not")]
    | Annotated[InRegionCond, Tag("in_region")]
    | Annotated[TerritoryOfCond, Tag("territory_of")]
    | Annotated[PartyIsCond, Tag("party_is")]
    | Annotated[IslandCond, Tag("island")]
    | Annotated[LatitudeCond, Tag("latitude")]
    | Annotated[DateCond, Tag("date")]
    | Annotated[UseCond, Tag("use")]
    | Annotated[InterpretationCond, Tag("interpretation")]
    | Annotated[ConstCond, Tag("const")]
    | Annotated[AssumedCond, Tag("assumed")],
    Discriminator(_cond_tag),
]


# --------------------------------------------------------------------------------- parallels, interpretations


class ParallelDef(Model):
    """A named parallel: a fixed latitude, or the mean obliquity of the ecliptic (IAU 2006) on a date.

    `obliquity_on: attack` takes the date of the scenario; a date takes that date (e.g. 1949-08-24).
    """

    label: str | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    obliquity_on: Literal["attack"] | dt.date | None = None
    interpretation: Id | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _one(self) -> ParallelDef:
        given = [x for x in (self.latitude, self.obliquity_on, self.interpretation) if x is not None]
        if len(given) != 1:
            raise ValueError("a parallel needs exactly one of 'latitude', 'obliquity_on' or 'interpretation'")
        return self


class Reading(Model):
    id: Id
    label: str
    summary: str
    sources: list[Id] = Field(min_length=1)
    region: Region | None = None
    condition: Condition | None = None
    parallel: ParallelDef | None = None
    territory_by: Literal["sovereignty", "administration", "either"] | None = None
    from_: dt.date | None = Field(default=None, alias="from")  # a reading held only from a date on
    to: dt.date | None = None  # ... or only before a date (exclusive)
    unverified: bool = False

    @model_validator(mode="after")
    def _one(self) -> Reading:
        given = [x for x in (self.region, self.condition, self.parallel, self.territory_by) if x is not None]
        if len(given) != 1:
            raise ValueError("a reading defines exactly one of 'region', 'condition', 'parallel' or 'territory_by'")
        if self.from_ and self.to and self.to <= self.from_:
            raise ValueError(f"the reading ends ({self.to}) on or before it starts ({self.from_}); 'to' is exclusive")
        return self


class Interpretation(Model):
    id: Id
    term: str
    question: str
    readings: list[Reading] = Field(min_length=2)
    note: str | None = None

    @model_validator(mode="after")
    def _unique(self) -> Interpretation:
        ids = [r.id for r in self.readings]
        if len(set(ids)) != len(ids):
            raise ValueError(f"duplicate reading ids in {self.id}")
        return self


# ------------------------------------------------------------------------------------------ treaties, articles


class Accession(Model):
    """Who may become a Party, in the treaty's words: what `check --what-it-would-take` quotes for a state that
    is not one (NATO's Article 10: "any other European state")."""

    article: str  # its number, as the treaty gives it
    text: str = Field(min_length=10)
    source: Id
    verified: bool = True


class Treaty(Model):
    id: Id
    name: str
    short_name: str | None = None
    aliases: list[str] = []
    signed: dt.date
    in_force: dt.date
    ended: dt.date | None = None  # first day the treaty no longer applies
    end_note: str | None = None
    sources: list[Id] = Field(min_length=1)
    accession: Accession | None = None
    notes: list[str] = []


class Protected(Dated):
    """A state the article protects without being a Party (SEATO's protocol states; Rio's "American States"):
    an attack on it counts as on a Party, but it owes nothing."""

    code: StateCode
    name: str | None = None
    source: Id
    note: str | None = None
    unverified: bool = False


class Party(Protected):
    """A state's membership over a period: the fields of a protection, and whether it is disputed."""

    # The interpretation asking whether it is a Party at all (from disputed_from): its duties are then contested.
    disputed: Id | None = None
    disputed_from: dt.date | None = None


class Suspension(Dated):
    """One party's obligations toward another suspended while the treaty stays in force between the others
    (ANZUS: the United States toward New Zealand from 1986-08-11)."""

    obligor: StateCode
    beneficiary: StateCode
    source: Id
    note: str | None = None


class Obligation(Model):
    """What the other Parties owe the one attacked: how strongly (rules.kinds.OBLIGATION_STRENGTHS, strongest first)
    and the article's own words, verbatim from its `text` (translated, when the text is not in English)."""

    strength: Literal[OBLIGATION_STRENGTHS]  # type: ignore[valid-type]
    words: str = Field(min_length=10)
    translation: str | None = None
    note: str | None = None


class Version(Dated):
    id: Id
    label: str
    text: str = Field(min_length=10)
    source: Id
    verified: bool = True
    unverified_note: str | None = None
    targets: dict[TargetKind, Condition]
    obligation: Obligation | None = None
    notes: list[str] = []

    @model_validator(mode="after")
    def _all_targets(self) -> Version:
        missing = [t for t in TARGETS if t not in self.targets]
        if missing:
            raise ValueError(f"version {self.id} does not say what it covers for: {', '.join(missing)}")
        if not self.verified and not self.unverified_note:
            raise ValueError(f"version {self.id} is marked unverified: say what was not found in 'unverified_note'")
        return self


class Example(Model):
    name: str
    location: str | None = None
    at: str | None = None
    target: TargetKind
    party: str | None = None
    date: dt.date
    interpretations: dict[Id, Id] = {}
    assume_member: list[StateCode] = []
    assume: list[Id] = []
    territorial_sea: bool = Field(
        True,
        description="false: the territorial seas count as sea, not as their coast's territory (--no-territorial-sea).",
    )
    expect: Verdict
    source: Id
    note: str | None = None

    @model_validator(mode="after")
    def _where(self) -> Example:
        if (self.location is None) == (self.at is None):
            raise ValueError(f"example '{self.name}' needs exactly one of 'location' or 'at'")
        return self


class Article(Model):
    id: Id
    number: str
    # How answers name an article whose number is not known (a text known only from a statement describing it):
    # a noun phrase without "the", e.g. "defence clause", read as "Saudi-Pakistan defence clause", "the defence
    # clause". Without it, answers say "Article NUMBER".
    cited_as: str | None = Field(default=None, min_length=3)
    title: str
    text: str = Field(min_length=10)
    source: Id
    verified: bool = True
    unverified_note: str | None = None
    scope_from: str | None = None  # where the geographic scope is defined, e.g. "Article 6"
    versions: list[Version] = Field(min_length=1)
    notes: list[str] = []
    examples: list[Example] = []


class RuleFile(Model):
    schema_: Literal["treatyscope.rules/1"] = Field(alias="schema")
    treaty: Treaty | None = None
    sources: list[Source] = []
    parties: list[Party] = []
    suspensions: list[Suspension] = []
    protected: list[Protected] = []
    parallels: dict[Id, ParallelDef] = {}
    regions: dict[Id, Region] = {}
    conditions: dict[Id, Condition] = {}
    interpretations: list[Interpretation] = []
    articles: list[Article] = []

    @model_validator(mode="after")
    def _treaty_parts(self) -> RuleFile:
        if self.treaty is None and (self.parties or self.articles or self.suspensions or self.protected):
            raise ValueError("parties, protected states, suspensions and articles need a 'treaty' section")
        if self.treaty is not None and not self.articles:
            raise ValueError("a treaty file needs at least one article")
        return self


# The tag of each model in the tagged unions, for serialisation.
_MODEL_TAGS = {
    "TerritoryRegion": "territory",
    "SubdivisionRegion": "subdivision",
    "FeatureRegion": "feature",
    "SeaRegion": "sea",
    "SeaFamilyRegion": "sea_family",
    "ContinentRegion": "continent",
    "BandRegion": "band",
    "PolygonRegion": "polygon",
    "UnionRegion": "union",
    "IntersectionRegion": "intersection",
    "DifferenceRegion": "difference",
    "InterpretationRegion": "interpretation",
    "RefRegion": "ref_map",
    "AllCond": "all",
    "AnyCond": "any",
    "NotCond": "not",
    "InRegionCond": "in_region",
    "TerritoryOfCond": "territory_of",
    "PartyIsCond": "party_is",
    "IslandCond": "island",
    "LatitudeCond": "latitude",
    "DateCond": "date",
    "UseCond": "use",
    "InterpretationCond": "interpretation",
    "ConstCond": "const",
    "AssumedCond": "assumed",
}

# Resolve the forward references of the recursive types.
for _m in (
    UnionRegion,
    IntersectionRegion,
    DifferenceRegion,
    AllCond,
    AnyCond,
    NotCond,
    InRegionCond,
    Reading,
    Version,
    RuleFile,
):
    _m.model_rebuild()


def rule_file_json_schema() -> dict[str, Any]:
    """The JSON Schema of a rule file, for editors (generated from these models; shipped as rules.schema.json)."""
    schema = RuleFile.model_json_schema(by_alias=True, mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://treatyscope.example/schemas/rules.schema.json",
        "title": "treatyscope rule file (treatyscope.rules/1)",
        "description": (__doc__ or "").strip(),
        **{k: v for k, v in schema.items() if k != "title"},
    }

"""The vocabulary of rule files, shared by the schema (pydantic, for validation) and the engine (no pydantic)."""

TARGETS = ("territory", "forces", "vessel", "aircraft")
VERDICTS = ("applies", "does-not-apply", "partial", "contested")
CONDITION_KINDS = (
    "all",
    "any",
    "not",
    "in_region",
    "territory_of",
    "party_is",
    "island",
    "latitude",
    "date",
    "use",
    "interpretation",
    "const",
    "assumed",
)
# Region kinds that list ids of things in the vendored geodata.
PLACE_KINDS = ("territory", "subdivision", "feature", "sea", "sea_family")
REGION_KINDS = (
    *PLACE_KINDS,
    "continent",
    "band",
    "polygon",
    "union",
    "intersection",
    "difference",
    "interpretation",
    "ref",
)

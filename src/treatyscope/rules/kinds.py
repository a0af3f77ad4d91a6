"""The vocabulary of rule files, shared by the schema (pydantic, for validation) and the engine (no pydantic)."""

TARGETS = ("territory", "forces", "vessel", "aircraft")
VERDICTS = ("applies", "does-not-apply", "partial", "contested")
# How strongly an article binds the other Parties to help the one attacked, strongest first (`obligation.strength`
# of an article version; report.obligations says what each means).
OBLIGATION_STRENGTHS = (
    "all-aid-in-their-power",  # automatic: all the military and other aid and assistance in their power (MBT V)
    "all-means-in-their-power",  # an obligation of aid and assistance by all the means in their power (TEU 42(7))
    "necessary-assistance-including-military",  # will provide the necessary assistance, including military (CSTO 4)
    "action-it-deems-necessary",  # will assist by such action (or means) as each deems necessary (NATO 5, Warsaw 4)
    "assist-in-meeting-the-attack",  # undertakes to assist, each determining its own measures (Rio 3)
    "act-to-meet-the-common-danger",  # would act in accordance with its constitutional processes (the Pacific pacts)
    "attack-on-one-is-attack-on-both",  # the equivalence only, no duty stated (the Saudi-Pakistani joint statement)
)
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
# An operator's own optional parameter, a key beside it that is not a second operator (`use` takes `party`).
CONDITION_PARAMETERS = {"use": "party", "party_is": "when_unnamed", "in_region": "waters_only"}
CONDITION_META = ("clause", "quote", "note")


def condition_operators(node: dict[str, object]) -> list[str]:
    """The operator keys of a condition node: every key but its labels and its operator's parameter."""
    params = {p for op, p in CONDITION_PARAMETERS.items() if op in node}
    return [k for k in node if k not in CONDITION_META and k not in params]


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

"""The typer application the commands register on, and the options several commands share (defined once, so that
their names and help stay the same everywhere)."""

from __future__ import annotations

import enum
from collections.abc import Iterable

import typer

from treatyscope.rules.kinds import TARGETS

EXIT_CODES_HELP = (
    "Exit codes: 0 an answer was produced (whatever the verdict) or the rules are valid; 1 internal error; 2 bad "
    "input; 3 invalid rule files; 4 rule examples failed."
)

app = typer.Typer(
    name="treatyscope",
    help="Would a treaty's collective-defence clause cover an armed attack here, on this date? "
    "Answers with the treaty text and the geometry behind it. " + EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

RULE_PATHS_HELP = "Rule files or directories (default: the shipped rules)."
LOCATION = typer.Option(None, "--location", "-l", help="A place name or id (see 'places').")
AT = typer.Option(None, "--at", help='Coordinates, e.g. "25.03,121.56".')
GEOJSON = typer.Option(None, "--geojson", help="A GeoJSON file: a point, a line or an area.")
DATE = typer.Option(None, "--date", "-d", help="YYYY-MM-DD; default today.")
INTERPRETATION = typer.Option(None, "--interpretation", "-i", help="Pin a reading: TERM=READING.")
ASSUME_MEMBER = typer.Option(
    None,
    "--assume-member",
    help="Treat this state as a Party (what if): STATE for every treaty asked about, TREATY:STATE for one "
    "(e.g. nato:UKR). Repeatable.",
)
ASSUME = typer.Option(None, "--assume", help="Treat a scenario fact as given, e.g. occupation-forces.")
RULES = typer.Option(None, "--rules", help=RULE_PATHS_HELP)
TERRITORIAL_SEA = typer.Option(
    True,
    "--territorial-sea/--no-territorial-sea",
    help="Count the sea within 12 nautical miles of a coast as that coast's territory (UNCLOS Article 2; drawn from "
    "the coastline, an approximation of the legal baselines; split by equidistance where belts meet). On by default.",
)


def choices(name: str, values: Iterable[str]) -> type[enum.StrEnum]:
    """A choice of option values (typer lists them in --help), e.g. the output formats of a command's registry."""
    return enum.StrEnum(name, {v: v for v in values})  # type: ignore[return-value]


Target = choices("Target", TARGETS)
TextOrJson = choices("TextOrJson", ("text", "json"))

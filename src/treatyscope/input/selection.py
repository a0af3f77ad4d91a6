"""What a question selects, validated in one place for every command and the Python API: treaty ids, target kinds,
parties, pinned readings (`--interpretation TERM=READING`), assumed facts (`--assume FACT`) and assumed Parties
(`--assume-member [TREATY:]STATE`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from treatyscope.errors import AmbiguousPlaceError, UsageError, echo
from treatyscope.rules.kinds import TARGETS
from treatyscope.rules.language import RuleBook
from treatyscope.rules.reach import assumable_facts


def check_treaties(ids: Iterable[str], book: RuleBook) -> list[str]:
    """The treaty ids, each known, in the order given, without repeats."""
    out = list(dict.fromkeys(ids))
    for tid in out:
        if tid not in book.treaties:
            raise UsageError(f"Unknown treaty '{tid}'.", f"Encoded treaties: {', '.join(book.treaties)}.")
    return out


def check_targets(targets: Iterable[str]) -> list[str]:
    out = list(dict.fromkeys(targets))
    for t in out:
        if t not in TARGETS:
            raise UsageError(f"Unknown target '{t}'.", f"Targets: {', '.join(TARGETS)}.")
    return out


def parse_pins(items: Sequence[str] | Mapping[str, str]) -> dict[str, str]:
    """TERM=READING pairs; the same term pinned to two readings is an error (which one was meant?)."""
    if isinstance(items, Mapping):
        return dict(items)
    out: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise UsageError(
                f"--interpretation '{item}' is not TERM=READING.",
                "E.g. --interpretation north-atlantic-area=general-region; 'treatyscope show ARTICLE' lists the terms.",
            )
        term, reading = (x.strip() for x in item.split("=", 1))
        if out.get(term, reading) != reading:
            raise UsageError(
                f"--interpretation pins '{term}' twice, to '{out[term]}' and to '{reading}'.", "Pin each term once."
            )
        out[term] = reading
    return out


def check_pins(pins: Mapping[str, str], book: RuleBook) -> None:
    """Every pinned reading names a known term and one of its readings."""
    for term, reading in pins.items():
        if term not in book.interpretations:
            raise UsageError(f"Unknown interpretation '{term}'.", f"Known: {', '.join(sorted(book.interpretations))}.")
        ids = [r.id for r in book.interpretations[term].readings]
        if reading not in ids:
            raise UsageError(f"Interpretation '{term}' has no reading '{reading}'.", f"Readings: {', '.join(ids)}.")


def check_assumptions(facts: Iterable[str], book: RuleBook) -> None:
    """Every assumed fact is one some condition asks about."""
    facts = list(facts)
    if not facts:
        return
    known = assumable_facts(book)
    for fact in facts:
        if fact not in known:
            raise UsageError(
                f"--assume {fact}: no rule asks about that fact.",
                f"Facts the rules can assume: {', '.join(sorted(known)) or 'none'}.",
            )


def assumed_member(entry: str) -> tuple[str | None, str]:
    """An `--assume-member` value as (the treaty it is for, None: every treaty; the state)."""
    treaty, sep, state = entry.rpartition(":")
    return (treaty.strip() if sep else None), state.strip()


def parse_assumed_members(entries: Iterable[str]) -> frozenset[str]:
    """`--assume-member [TREATY:]STATE` values as 'CODE' (a Party to every treaty asked about) or 'treaty:CODE' (to
    that treaty only), the state resolved from a code or a name."""
    out = set()
    for entry in entries:
        treaty, state = assumed_member(entry)
        if treaty == "" or not state:
            missing = "treaty before" if treaty == "" else "state after"
            raise UsageError(
                f"--assume-member '{entry}' has no {missing} the ':'.", "Write TREATY:STATE, e.g. nato:UKR."
            )
        try:
            code = resolve_party(state) or ""
        except UsageError as e:
            raise UsageError(f"--assume-member '{entry}': {e.message}", e.hint) from None
        out.add(f"{treaty.lower()}:{code}" if treaty else code)
    return frozenset(out)


def check_assumed_members(entries: Iterable[str], book: RuleBook) -> None:
    """Every treaty named in `--assume-member TREATY:STATE` is encoded."""
    for entry in entries:
        treaty, _ = assumed_member(entry)
        if treaty is not None and treaty not in book.treaties:
            raise UsageError(
                f"--assume-member '{entry}': unknown treaty '{treaty}'.",
                f"Encoded treaties: {', '.join(book.treaties)}.",
            )


def resolve_party(text: str | None) -> str | None:
    """An ISO alpha-3 code, or a name that resolves to a country."""
    if text is None:
        return None
    from treatyscope.place.data import geodata
    from treatyscope.place.gazetteer import resolve_place

    data = geodata()
    code = text.strip()
    if re.fullmatch(r"[A-Za-z]{3}", code) and code.upper() in data.entities:
        return code.upper()
    try:
        place = resolve_place(code)
    except AmbiguousPlaceError:
        raise
    except UsageError:
        raise UsageError(
            f"Unknown party {echo(text)}.", "Give an ISO 3166-1 alpha-3 code (e.g. USA) or a country name."
        ) from None
    if place.kind == "territory":
        t = data.territories[place.id]
        a3 = t.alpha3 or (data.territories[t.composite].alpha3 if t.composite else None)
        if a3:
            return a3
    raise UsageError(f"'{text}' is not a state.", "Give an ISO 3166-1 alpha-3 code (e.g. USA) or a country name.")

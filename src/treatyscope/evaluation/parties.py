"""Who can be attacked under a treaty on a date, and who remains bound to help: memberships, protected states,
assumed members, and obligations suspended between pairs of Parties."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace

from treatyscope.evaluation.subjects import default_party
from treatyscope.input.selection import assumed_member
from treatyscope.place.data import geodata
from treatyscope.place.subject import Subject
from treatyscope.result import Holder, ObligationsCheck, PartyCheck, Standing
from treatyscope.rules.language import Membership, Treaty


def assumed_members(treaty: Treaty, assume_member: Iterable[str]) -> frozenset[str]:
    """The states taken as Parties to this treaty (`--assume-member STATE`, or `TREATY:STATE` for this one)."""
    return frozenset(code for named, code in map(assumed_member, assume_member) if named in (None, treaty.id))


def attackable(treaty: Treaty, on: dt.date, assume_member: Iterable[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The Parties on the date (with any assumed), and the states an attack can be on: the Parties and the states
    the article protects without being Parties (they count as Parties when attacked, and owe nothing)."""
    parties = treaty.members_on(on) | assumed_members(treaty, assume_member)
    return parties, parties | treaty.protected_codes_on(on)


def still_bound(treaty: Treaty, code: str, parties: frozenset[str], on: dt.date) -> tuple[str, ...]:
    """The other Parties whose obligations toward this state are not suspended on the date."""
    suspended = {s.obligor for s in treaty.suspended_toward(code, on)}
    return tuple(sorted(parties - {code} - suspended))


def defended(treaty: Treaty, on: dt.date, assume_member: Iterable[str]) -> frozenset[str]:
    """The states an attack can be on, without those toward whom no Party remains bound."""
    parties, members = attackable(treaty, on, assume_member)
    return members - {c for c in members if treaty.suspended_toward(c, on) and not still_bound(treaty, c, parties, on)}


def party_check(
    treaty: Treaty,
    target: str,
    named: str | None,
    subjects: list[Subject],
    area: bool,
    members: frozenset[str],
    on: dt.date,
    holder: str,
) -> PartyCheck:
    """How the attacked state stands: the party named; else, for territory, the state holding the place (each
    part's holder for an area); else (forces, vessels, aircraft) those of any Party."""
    party = named
    if target == "territory" and party is None and not area:
        party = default_party(subjects[0], holder)
    lineage = geodata().lineage(named, on) if named is not None else None
    if lineage is not None and lineage.continues:
        return replace(_standing(treaty, lineage.predecessor, members, on), lineage=lineage)
    if party is not None:
        return replace(_standing(treaty, party, members, on), lineage=lineage)
    if target != "territory":
        return PartyCheck(Standing.ANY_PARTY)
    if area:
        codes = sorted({h for a in subjects if (h := default_party(a, holder))})
        return PartyCheck(Standing.BY_HOLDER, holders=tuple(Holder(c, c in members) for c in codes))
    return PartyCheck(Standing.NO_HOLDER)


def _standing(treaty: Treaty, party: str, members: frozenset[str], on: dt.date) -> PartyCheck:
    entry: Membership | None = treaty.member_on(party, on)
    if party in members:
        if entry is not None:
            return PartyCheck(Standing.PARTY, party, entry)
        protection = treaty.protected_on(party, on)
        if protection is not None:
            return PartyCheck(Standing.PROTECTED, party, protection)
        return PartyCheck(Standing.ASSUMED_MEMBER, party)
    history = treaty.membership_history(party)
    standing = Standing.NOT_YET_OR_NO_LONGER if history else Standing.NEVER
    return PartyCheck(standing, party, history=history)


def obligations(
    treaty: Treaty, attacked: Iterable[str], members: frozenset[str], parties: frozenset[str], on: dt.date
) -> tuple[ObligationsCheck, ...]:
    """For each attacked state that is a Party, the other Parties' obligations toward it where some are
    suspended (ANZUS: the United States toward New Zealand)."""
    out = []
    for code in attacked:
        suspended = treaty.suspended_toward(code, on)
        if code in members and suspended:
            out.append(ObligationsCheck(code, suspended, still_bound(treaty, code, parties, on)))
    return tuple(out)

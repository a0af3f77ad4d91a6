"""A scenario -> one Result per (treaty article, target kind): the checks, the verdict and the reason that decided.

See treatyscope.result for the four checks. Land held by one state and controlled by another (Crimea, Okinawa
before 1972), with no party named, is evaluated as an attack on either; the answer is contested when they differ.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from treatyscope import cache
from treatyscope.errors import RuleFileError
from treatyscope.evaluation.nearest import nearest_covered
from treatyscope.evaluation.parties import assumed_members, attackable, obligations, party_check
from treatyscope.evaluation.scope import Question, area_scope, point_scope
from treatyscope.evaluation.subjects import holding_split, subjects, where_key
from treatyscope.input.scenario import Scenario
from treatyscope.input.selection import check_pins, check_treaties
from treatyscope.place.data import GeoData, geodata
from treatyscope.place.subject import Subject
from treatyscope.result import (
    HolderSplit,
    ObligationsCheck,
    PartyCheck,
    Reason,
    Result,
    ScopeCheck,
    Verdict,
)
from treatyscope.rules.language import Article, RuleBook, Source, Treaty, Version
from treatyscope.rules.reach import fingerprint

_SCOPES = cache.memo(limit=20_000)  # forces, vessels and aircraft often share a condition: once per place
# A scope answered again for another day with the same facts (a timeline's days: see evaluation.timeline).
ScopeReuse = Callable[[Question, list[Subject], Callable[[], ScopeCheck]], ScopeCheck]


def check(
    scenario: Scenario, book: RuleBook, treaties: Sequence[str] | None = None, reuse: ScopeReuse | None = None
) -> list[Result]:
    """Evaluate every article of the selected treaties (default all) for the scenario's target. `reuse` may answer
    a scope from another day's with the same facts (its facts then carry that day's date)."""
    data = geodata()
    selected = list(dict.fromkeys(treaties or book.treaties))
    if not selected:
        raise RuleFileError("no treaty is encoded in the rule files given", hint="Add a file with a 'treaty' section.")
    check_treaties(selected, book)
    check_pins(scenario.interpretations, book)
    found, area = subjects(scenario, data)
    split = scenario.target == "territory" and scenario.party is None and holding_split(found)
    results = []
    for tid in selected:
        treaty = book.treaties[tid]
        for article in treaty.articles:
            result = _article(scenario, book, treaty, article, found, area, data, reuse)
            if split:
                other = _article(
                    replace(scenario, holder="controller"), book, treaty, article, found, area, data, reuse
                )
                result = _either_holder(result, other)
            results.append(result)
    return results


def _article(
    sc: Scenario,
    book: RuleBook,
    treaty: Treaty,
    article: Article,
    found: list[Subject],
    area: bool,
    data: GeoData,
    reuse: ScopeReuse | None = None,
) -> Result:
    on, target = sc.date, sc.target
    parties, members = attackable(treaty, on, sc.assume_member)
    version = article.version_on(on)
    in_force = on in treaty.life
    membership = party_check(treaty, target, sc.party, found, area, members, on, sc.holder)
    attacked = [membership.party] if membership.party is not None else [h.code for h in membership.holders]
    owed = obligations(treaty, attacked, members, parties, on)
    unprotected = {o.beneficiary for o in owed if not o.passed}
    nobody_bound = membership.party is not None and membership.party in unprotected
    members = members - unprotected  # their land is then covered by no one's obligation
    scope = nearest = None
    if version is not None and in_force:
        cond = version.targets[target]
        q = Question(book, treaty, cond, sc, members, membership.party)
        key = (
            book.digest,
            where_key(sc),
            target,
            fingerprint(cond, book),
            membership.party,
            members,
            tuple(sorted(sc.interpretations.items())),
            sc.assume,
            sc.holder,
        )

        def compute() -> ScopeCheck:
            return area_scope(q, found, data) if area else point_scope(q, found[0])

        scope = reuse(q, found, compute) if reuse is not None else _SCOPES.remember(key, compute)
        if scope.verdict is Verdict.DOES_NOT_APPLY and sc.find_nearest:
            origin = (sc.place.lat, sc.place.lon) if area and sc.place else (found[0].lat, found[0].lon)
            nearest = nearest_covered(origin, cond, book, treaty, members, sc, data)
    failed = not in_force or version is None or membership.passed is False or nobody_bound
    verdict = Verdict.DOES_NOT_APPLY if failed or scope is None else scope.verdict
    return Result(
        book=book,
        treaty=treaty,
        article=article,
        version=version,
        target=target,
        party=membership.party,
        party_is_default=sc.party is None,
        date=on,
        place=sc.label,
        verdict=verdict,
        reason=reason(in_force, version, membership, owed, verdict, scope),
        in_force=in_force,
        membership=membership,
        obligations=owed,
        scope=scope,
        nearest=nearest,
        sources=_sources(book, article, version, membership, owed, scope),
        territorial_sea=sc.territorial_sea,
        assumed=assumed_members(treaty, sc.assume_member),
        pinned=tuple(sorted(sc.interpretations.items())),
    )


def reason(
    in_force: bool,
    version: Version | None,
    membership: PartyCheck,
    owed: tuple[ObligationsCheck, ...],
    verdict: Verdict,
    scope: ScopeCheck | None,
) -> Reason:
    """The check that decided: the treaty or text not in force, the party, suspended obligations; else the scope."""
    if not in_force:
        return Reason.NOT_IN_FORCE
    if version is None:
        return Reason.NO_TEXT
    if membership.passed is False:
        return Reason.NOT_A_PARTY
    if owed and not owed[0].passed:
        return Reason.OBLIGATIONS_SUSPENDED
    if verdict is Verdict.CONTESTED:
        return Reason.CONTESTED_READING if scope is not None and scope.terms else Reason.UNKNOWN_FACT
    return {
        Verdict.APPLIES: Reason.IN_SCOPE,
        Verdict.PARTIAL: Reason.PARTLY_IN_SCOPE,
        Verdict.DOES_NOT_APPLY: Reason.OUTSIDE_SCOPE,
    }[verdict]


def _sources(
    book: RuleBook,
    article: Article,
    version: Version | None,
    membership: PartyCheck,
    owed: tuple[ObligationsCheck, ...],
    scope: ScopeCheck | None,
) -> tuple[Source, ...]:
    ids = [article.source] + ([version.source] if version else [])
    if membership.entry is not None:
        ids.append(membership.entry.source)
    ids += [h.source for h in membership.history]
    ids += [s.source for o in owed for s in o.suspended]
    for term in scope.terms if scope else ():
        ids += [sid for rv in term.readings for sid in rv.reading.sources]
    return tuple(book.source(sid) for sid in dict.fromkeys(ids))


def _either_holder(by_sovereign: Result, by_controller: Result) -> Result:
    """One result for land whose sovereign and controller differ: theirs if they agree, else contested (the parts
    of an area whose answer depends on whose territory they are marked so)."""
    sov_parts = {p.id: (p.verdict, p.covered_share) for p in (by_sovereign.scope.parts if by_sovereign.scope else ())}
    ctl_parts = {p.id: (p.verdict, p.covered_share) for p in (by_controller.scope.parts if by_controller.scope else ())}
    if by_sovereign.verdict == by_controller.verdict and sov_parts == ctl_parts:
        return by_sovereign
    scope = by_sovereign.scope
    if scope is not None and scope.parts:
        marked = tuple(
            replace(p, verdict=Verdict.CONTESTED) if sov_parts.get(p.id) != ctl_parts.get(p.id) else p
            for p in scope.parts
        )
        scope = replace(scope, parts=marked)
    r = by_sovereign
    return replace(
        r,
        verdict=Verdict.CONTESTED,
        reason=Reason.CONTESTED_HOLDER,
        scope=scope,
        nearest=None,
        holders=HolderSplit(by_sovereign, by_controller),
    )

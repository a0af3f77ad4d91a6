"""What it would take for an article to cover an attack it does not cover: of the checks that failed, the one a
state can change by its own act is membership. For an attacked state that is not a Party, the article is asked
again as if it were one (the same question with the state taken as a Party, as `--assume-member` does), and the
treaty's accession clause says who may become one. A place outside the article's scope stays outside whoever
joins: that answer is the one asked again, not a separate rule.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from treatyscope.evaluation.check import check
from treatyscope.evaluation.subjects import default_party, subjects
from treatyscope.input.scenario import Scenario
from treatyscope.place.data import geodata
from treatyscope.result import Reason, Result, Verdict
from treatyscope.rules.language import Accession, RuleBook


@dataclass(frozen=True)
class WouldTake:
    """For one result that does not apply: the attacked states that are not Parties (none when membership is not
    what failed; an area's holders may be several), who may accede, and the answer were they Parties."""

    result: Result
    outsiders: tuple[str, ...] = ()
    accession: Accession | None = None
    as_party: Result | None = None
    holds_place: bool = False  # the outsider is not the attacked state but the one holding the place (forces there)


def what_it_would_take(result: Result, scenario: Scenario, book: RuleBook) -> WouldTake | None:
    """None for an answer that applies (nothing to take) or is contested (a reading, not a fact, decides it)."""
    if result.verdict in (Verdict.APPLIES, Verdict.CONTESTED):
        return None
    held = result.membership.holders
    outsiders = (result.party,) if result.party else tuple(h.code for h in held if not h.member)
    holds_place = False
    if result.reason is Reason.OUTSIDE_SCOPE:
        # Forces at a place outside the scope: its holders joining may bring it in (Article 6(ii)'s "these
        # territories"), so the holders that are not Parties are taken as Parties and the article asked again.
        found, _ = subjects(scenario, geodata())
        members = result.treaty.members_on(result.date) | result.assumed
        outsiders = tuple(sorted({h for h in map(default_party, found) if h and h not in members}))
        holds_place = bool(outsiders)
    elif result.reason is not Reason.NOT_A_PARTY:
        outsiders = ()
    if not outsiders:
        return WouldTake(result)
    treaty = result.treaty.id
    joined = replace(scenario, assume_member=scenario.assume_member | {f"{treaty}:{c}" for c in outsiders})
    again = [r for r in check(joined, book, [treaty]) if r.article.id == result.article.id]
    return WouldTake(result, outsiders, result.treaty.accession, again[0] if again else None, holds_place)

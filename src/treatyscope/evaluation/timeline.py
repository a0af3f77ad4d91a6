"""The answer over time: for one place (or area), target kind and party, the intervals over which each article's
verdict stays the same, and why it changes at each boundary.

Computed from change dates, not by sampling days. A verdict can change only on a day named in the treaty's rule
file (or the rule nodes and readings its texts reach), in the status history of the records that can govern the
place, or in the successions of states; and, for a place within reach
of a parallel that follows the obliquity of the ecliptic (the Tropic of Cancer drifts south by about 15 m a year),
on the day that parallel passes it, found by bisection. `check` is asked on the first day of every elementary
interval between those days; adjacent intervals with the same verdict and reason are merged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from treatyscope import cache
from treatyscope.english import join
from treatyscope.evaluation.check import check
from treatyscope.evaluation.parties import attackable
from treatyscope.evaluation.subjects import subjects
from treatyscope.input.scenario import Scenario
from treatyscope.periods import named_days, nested
from treatyscope.place.data import GeoData, Status, geodata
from treatyscope.place.subject import Subject
from treatyscope.result import Reason, Result, Verdict
from treatyscope.rules.conditions import DateCondition
from treatyscope.rules.language import Parallel, Reading, RuleBook, Treaty
from treatyscope.rules.parallels import mean_obliquity_deg
from treatyscope.rules.reach import reachable, terms_used

ONE_DAY = dt.timedelta(days=1)
_RULE_DAYS = cache.memo(limit=64)
FIRST_DAY = dt.date(1945, 1, 1)  # the status history holds a holder for every place from this day on


class Cause(StrEnum):
    """What changes on the first day of an interval."""

    ENTRY_INTO_FORCE = "entry-into-force"  # the treaty entered into force
    TREATY_ENDED = "treaty-ended"
    TEXT = "text"  # another text of the article took effect (or none is in force)
    ACCESSION = "accession"  # states became Parties (or protected)
    WITHDRAWAL = "withdrawal"  # states ceased to be Parties (or protected)
    SUSPENSION = "suspension"  # a Party's obligations toward another were suspended
    SUSPENSION_ENDED = "suspension-ended"
    HOLDER = "holder"  # another state holds the place
    SUCCESSION = "succession"  # the party named stops standing for a state it continues or succeeded
    READING_HELD = "reading-held"  # a reading of a vague term is held from the day
    READING_DROPPED = "reading-dropped"  # a reading of a vague term is no longer held from the day
    DATED_CLAUSE = "dated-clause"  # a clause of the text names the day
    PARALLEL = "parallel"  # a parallel that follows the obliquity of the ecliptic passes the place
    OTHER = "other"  # a day named in the rules or the status history, with none of the above


@dataclass(frozen=True, slots=True)
class Change:
    cause: Cause
    # Who joined or left; (obligor, beneficiary) of a suspension; (state, predecessor) of a succession.
    states: tuple[str, ...] = ()
    label: str | None = None  # the text, reading or clause (its label), the parallel's name, or an area's part
    source: str | None = None  # the source's id in the rule book, where one event has one (HOLDER: the status's)
    lat: float | None = None  # PARALLEL: where the parallel lies on the day
    status: tuple[Status, Status] | None = None  # HOLDER: the status of the place (or part) before and after


@dataclass(frozen=True, eq=False)
class Interval:
    """The days from `first` to `last` (both included), on which `check` answers as `result` (the answer on the
    first day) says; `changes`: why the answer differs from the day before `first` (none for the first interval)."""

    first: dt.date
    last: dt.date
    result: Result
    changes: tuple[Change, ...] = ()

    @property
    def verdict(self) -> Verdict:
        return self.result.verdict

    @property
    def reason(self) -> Reason:
        return self.result.reason


@dataclass(frozen=True, eq=False)
class Timeline:
    """One article's answers for one target kind over the days from `first` to `last`."""

    intervals: tuple[Interval, ...]

    @property
    def result(self) -> Result:
        return self.intervals[0].result

    def on(self, day: dt.date) -> Interval:
        """The interval that holds the day."""
        found = next((i for i in self.intervals if i.first <= day <= i.last), None)
        if found is None:
            span = f"{self.intervals[0].first.isoformat()} to {self.intervals[-1].last.isoformat()}"
            raise ValueError(f"{day.isoformat()} is outside the timeline ({span})")
        return found


def timelines(
    scenario: Scenario, book: RuleBook, treaties: Sequence[str], first: dt.date, last: dt.date
) -> list[Timeline]:
    """One timeline per article of each treaty, for the scenario's target, from `first` to `last` (included)."""
    scenario = replace(scenario, find_nearest=False)
    data = geodata()
    found, _ = subjects(replace(scenario, date=first), data)
    keys = _record_keys(found, data)
    edges = _edges(book, found, first, last)
    out = []
    for tid in treaties:
        treaty = book.treaties[tid]
        days = _change_days(book, treaty, data, keys, first, last)
        answers = {d: check(replace(scenario, date=d), book, [tid]) for d in days}
        if edges:
            _add_crossings(answers, scenario, book, tid, last, edges)
        starts = sorted(answers)
        for n in range(len(treaty.articles)):
            # The n-th result of each answer is this article's.
            answered = [(d, answers[d][n]) for d in starts]
            out.append(_merge(book, treaty, answered, set(days), last, scenario))
    return out


# ------------------------------------------------------------------------------------------------ change days


def _change_days(
    book: RuleBook, treaty: Treaty, data: GeoData, keys: set[str], first: dt.date, last: dt.date
) -> list[dt.date]:
    """The first day and every later day (to `last`) on which this treaty's answer can change. Every date the rules
    and the data hold starts or ends a period that includes its start and excludes its end, so a change falls on
    the day named."""
    named = _rule_days(book, treaty) | data.status_dates(keys) | data.lineage_dates()
    return [first, *sorted(d for d in named if first < d <= last)]


def _rule_days(book: RuleBook, treaty: Treaty) -> set[dt.date]:
    """The dates the treaty names (its life, parties, suspensions, texts), and those of the rule nodes and the
    readings of the vague terms its texts can reach; not its examples' dates, which are test cases."""
    found: set[dt.date] = _RULE_DAYS.remember((book.digest, treaty.id), lambda: _named_by(book, treaty))
    return found


def _named_by(book: RuleBook, treaty: Treaty) -> set[dt.date]:
    own = replace(treaty, articles=tuple(replace(a, examples=(), versions=()) for a in treaty.articles))
    days = named_days(own)
    for article in treaty.articles:
        for version in article.versions:
            days.update(version.period.bounds)
            for cond in version.targets.values():
                days |= named_days(list(reachable(cond, book)))
                days |= named_days([book.interpretations[t] for t in terms_used(cond, book)])
    return days


def _record_keys(found: Iterable[Subject], data: GeoData) -> set[str]:
    """The status records that can govern the subjects (their places are the same on every day; who holds them
    is read from these records)."""
    keys = set()
    for s in found:
        keys |= {f"feature:{f}" for f in (s.feature, s.feature_group) if f}
        keys |= {f"subdivision:{iso}" for iso in s.subdivisions if iso}
        if s.territory:
            composite = data.territories[s.territory].composite
            keys |= {f"territory:{t}" for t in (s.territory, composite) if t}
    return keys


def _drifting(book: RuleBook) -> list[str]:
    """The labels of the rules' named parallels that can follow the obliquity on the day of the attack (in
    themselves or under a reading)."""
    out = []
    for name, p in book.parallels.items():
        within = [p, book.interpretations[p.interpretation]] if p.interpretation else [p]
        if any(isinstance(v, Parallel) and v.obliquity_on == "attack" for v in nested(within)):
            out.append(p.label or name)
    return out


def _edges(book: RuleBook, found: Iterable[Subject], first: dt.date, last: dt.date) -> list[float]:
    """The latitudes (north or south) at which a drifting tropic can pass the subject between the two days: a
    point's, or the northern and southern edges of an area's parts, where they lie in the band it sweeps. (A part
    reaching beyond both sides of the band is cut by the tropic on every day: its shares move a little, the sides
    it lies on do not.)"""
    if not _drifting(book):
        return []
    lo, hi = sorted((mean_obliquity_deg(first), mean_obliquity_deg(last)))
    return sorted({abs(lat) for s in found for lat in (s.bbox[1], s.bbox[3]) if lo <= abs(lat) <= hi})


def _add_crossings(
    answers: dict[dt.date, list[Result]], sc: Scenario, book: RuleBook, tid: str, last: dt.date, edges: list[float]
) -> None:
    """Between consecutive change days the answer can still change where a drifting parallel passes an edge of
    the place: where an elementary interval's last day answers otherwise than its first, the first day that does
    is found by bisection (the drift is monotonic over these centuries)."""
    starts = sorted(answers)
    ends = [d - ONE_DAY for d in starts[1:]] + [last]
    for start, end in zip(starts, ends, strict=True):
        swept = sorted((mean_obliquity_deg(start), mean_obliquity_deg(end)))
        if end <= start or not any(swept[0] <= e <= swept[1] for e in edges):
            continue
        before = _keys(answers[start])
        at_end = check(replace(sc, date=end), book, [tid])
        if _keys(at_end) == before:
            continue
        lo, hi = start, end  # answers at lo as before, at hi otherwise
        found = {end: at_end}
        while (hi - lo).days > 1:
            mid = lo + (hi - lo) // 2
            found[mid] = check(replace(sc, date=mid), book, [tid])
            lo, hi = (mid, hi) if _keys(found[mid]) == before else (lo, mid)
        answers[hi] = found[hi]


def _keys(results: Sequence[Result]) -> list[tuple[Verdict, Reason]]:
    return [(r.verdict, r.reason) for r in results]


# ------------------------------------------------------------------------------------------------ intervals


def _merge(
    book: RuleBook,
    treaty: Treaty,
    answers: list[tuple[dt.date, Result]],
    named: set[dt.date],
    last: dt.date,
    scenario: Scenario,
) -> Timeline:
    """Adjacent answers with the same verdict and reason as one interval (with the result of its first day: a
    later day within it answers the same)."""
    intervals: list[Interval] = []
    ends = [d - ONE_DAY for d, _ in answers[1:]] + [last]
    for n, ((day, r), end) in enumerate(zip(answers, ends, strict=True)):
        prev = intervals[-1] if intervals else None
        if prev is not None and (prev.verdict, prev.reason) == (r.verdict, r.reason):
            intervals[-1] = replace(prev, last=end)
            continue
        changes = () if prev is None else causes(book, treaty, answers[n - 1][1], r, day in named, scenario)
        intervals.append(Interval(day, end, r, changes))
    return Timeline(tuple(intervals))


def causes(
    book: RuleBook, treaty: Treaty, before: Result, after: Result, named: bool, scenario: Scenario
) -> tuple[Change, ...]:
    """Why the answer on `after.date` differs from `before`, the answer of the day before, as facts. `named`: the
    day is named in the rules or the data (else a drifting parallel passed the place)."""
    day = after.date
    if not named:
        return (Change(Cause.PARALLEL, label=join(_drifting(book)) or None, lat=mean_obliquity_deg(day)),)
    out: list[Change] = []
    if treaty.in_force == day:
        out.append(Change(Cause.ENTRY_INTO_FORCE, source=treaty.sources[0] if treaty.sources else None))
    if treaty.ended == day:
        out.append(Change(Cause.TREATY_ENDED, source=treaty.sources[0] if treaty.sources else None))
    if before.in_force and after.in_force and before.version is not after.version:
        v = after.version
        out.append(Change(Cause.TEXT, label=v.label if v else None, source=v.source if v else None))
    out += _memberships(treaty, before, after)
    out += _suspensions(before, after)
    out += _holders(replace(scenario, date=before.date), replace(scenario, date=after.date))
    if before.membership.lineage != after.membership.lineage and before.membership.lineage is not None:
        line = before.membership.lineage
        out.append(Change(Cause.SUCCESSION, (line.state, line.predecessor)))
    out += _readings(book, before, after, day)
    out += _dated_clauses(before, after, day)
    return tuple(out) or (Change(Cause.OTHER),)


def _memberships(treaty: Treaty, before: Result, after: Result) -> list[Change]:
    """The states that became or ceased to be Parties (or protected) on the day: the attacked state, if it is one
    of them; else all of them (but not the original Parties on the day the treaty entered into force)."""
    _, was = attackable(treaty, before.date, ())
    _, now = attackable(treaty, after.date, ())
    involved = {before.party, after.party} | {h.code for r in (before, after) for h in r.membership.holders}
    out = []
    for cause, states in ((Cause.ACCESSION, now - was), (Cause.WITHDRAWAL, was - now)):
        mine = sorted(states & involved) or ([] if treaty.in_force == after.date else sorted(states))
        if not mine:
            continue
        entries = [m for m in (*treaty.parties, *treaty.protected) if m.code in mine and after.date in m.period.bounds]
        out.append(Change(cause, tuple(mine), source=entries[0].source if len(entries) == 1 else None))
    return out


def _suspensions(before: Result, after: Result) -> list[Change]:
    was = {s for o in before.obligations for s in o.suspended}
    now = {s for o in after.obligations for s in o.suspended}
    out = [Change(Cause.SUSPENSION, (s.obligor, s.beneficiary), source=s.source) for s in now - was]
    out += [Change(Cause.SUSPENSION_ENDED, (s.obligor, s.beneficiary), source=s.source) for s in was - now]
    return out


def _holders(before: Scenario, after: Scenario) -> list[Change]:
    """Another state holds the place, or a part of an area (by sovereignty or control, or a dispute begins or
    ends): each change of status once."""
    data = geodata()
    was, _ = subjects(before, data)
    now, _ = subjects(after, data)
    changed = {
        (_holding(a.status), _holding(b.status)): (a.status, b.status, a.label)
        for a, b in zip(was, now, strict=False)
        if a.status is not None and b.status is not None and _holding(a.status) != _holding(b.status)
    }
    area = len(was) > 1
    return [Change(Cause.HOLDER, label=label if area else None, status=(a, b)) for a, b, label in changed.values()]


def _holding(s: Status | None) -> tuple[object, ...]:
    if s is None:
        return ()
    return (s.sovereign, s.administered_by, frozenset(s.claimed_by), s.recorded)


def _readings(book: RuleBook, before: Result, after: Result, day: dt.date) -> list[Change]:
    """Readings of the article's vague terms held from the day, or no longer held from it."""
    version = after.version or before.version
    if version is None:
        return []
    used = set(terms_used(version.targets[after.target], book))
    held: list[Reading] = [
        r for term in sorted(used) for r in book.interpretations[term].readings if day in r.held.bounds
    ]
    return [
        Change(
            Cause.READING_HELD if r.held.start == day else Cause.READING_DROPPED,
            label=r.label,
            source=r.sources[0] if r.sources else None,
        )
        for r in held
    ]


def _dated_clauses(before: Result, after: Result, day: dt.date) -> list[Change]:
    version = after.version or before.version
    if version is None:
        return []
    found = [
        v for v in nested(version.targets[after.target]) if isinstance(v, DateCondition) and day in v.window.bounds
    ]
    return [Change(Cause.DATED_CLAUSE, label=c.clause or None) for c in found]

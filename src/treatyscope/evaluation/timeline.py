"""The answer over time: for one place (or area), target kind and party, the intervals over which each article's
verdict stays the same, and why it changes at each boundary.

Computed from change dates, not by sampling days. An answer can change only on a day named in the treaty's rule
file (or the rule nodes and readings its texts reach), in the status history of the records that can govern the
place, or in the successions of states; and, where the treaty reaches a parallel that follows the obliquity of
the ecliptic (the Tropic of Cancer drifts south by about 15 m a year), on the day it passes a point or an edge of
an area's part. `check` is asked on each of those days; adjacent answers with the same facts (`answer_key`: the
verdict, the reason and what they rest on) are merged into one interval.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from treatyscope import cache
from treatyscope.english import join
from treatyscope.evaluation.check import check
from treatyscope.evaluation.parties import assumed_members
from treatyscope.evaluation.scope import Question
from treatyscope.evaluation.subjects import subjects, where_key
from treatyscope.input.scenario import Scenario
from treatyscope.periods import named_days, nested
from treatyscope.place.data import GeoData, Status, geodata
from treatyscope.place.subject import Subject
from treatyscope.result import Reason, Result, ScopeCheck, Verdict
from treatyscope.rules.conditions import AllCondition, DateCondition, PartyIsCondition
from treatyscope.rules.language import Condition, Interpretation, Parallel, Reading, RuleBook, Treaty, reachable
from treatyscope.rules.parallels import mean_obliquity_deg
from treatyscope.rules.reach import fingerprint, terms_used

ONE_DAY = dt.timedelta(days=1)
_RULE_DAYS = cache.memo(limit=64)
FIRST_DAY = dt.date(1945, 1, 1)  # the default start: the status history holds a holder for every place from then


class Cause(StrEnum):
    """What changes on the first day of an interval."""

    ENTRY_INTO_FORCE = "entry-into-force"  # the treaty entered into force
    TREATY_ENDED = "treaty-ended"
    TEXT = "text"  # another text of the article took effect (or none is in force)
    ACCESSION = "accession"  # states became Parties
    WITHDRAWAL = "withdrawal"  # states ceased to be Parties
    PROTECTION = "protection"  # states came under the article's protection without being Parties
    PROTECTION_ENDED = "protection-ended"
    SUSPENSION = "suspension"  # a Party's obligations toward another were suspended
    SUSPENSION_ENDED = "suspension-ended"
    HOLDER = "holder"  # another state holds the place
    SUCCESSION = "succession"  # the party named stops standing for a state it continues or succeeded
    READING_HELD = "reading-held"  # a reading of a vague term is held from the day
    READING_DROPPED = "reading-dropped"  # a reading of a vague term is no longer held from the day
    DATED_CLAUSE = "dated-clause"  # a clause of the text names the day
    PARALLEL = "parallel"  # a parallel that follows the obliquity of the ecliptic passes the place
    SHARE = "share"  # the part of an area beyond such a parallel grew past a share that decides the answer
    OTHER = "other"  # a day named in the rules or the status history, with none of the above (not expected)


@dataclass(frozen=True, slots=True)
class Change:
    cause: Cause
    # Who joined or left; (obligor, beneficiary) of a suspension; (state, predecessor) of a succession.
    states: tuple[str, ...] = ()
    label: str | None = None  # the text, reading or clause (its label), the parallel's name, or an area's part
    source: str | None = None  # the source's id in the rule book, where one event has one
    lat: float | None = None  # PARALLEL: where the parallel lies on the day
    status: tuple[Status, Status] | None = None  # HOLDER: the status before and after (with its own source)


@dataclass(frozen=True, eq=False)
class Interval:
    """The days from `first` to `last` (both included), over which `check` gives the same verdict and reason, on
    the same grounds (`answer_key`); `result` is its answer on the first day; `changes`: why that answer differs
    from the day before's (none for the first interval)."""

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

    def spans(self) -> list[tuple[dt.date, dt.date, Verdict]]:
        """(first day, last day, verdict) of each run of days with one verdict (intervals whose grounds differ
        but whose verdicts agree run together)."""
        out: list[tuple[dt.date, dt.date, Verdict]] = []
        for i in self.intervals:
            if out and out[-1][2] is i.verdict:
                out[-1] = (out[-1][0], i.last, i.verdict)
            else:
                out.append((i.first, i.last, i.verdict))
        return out

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
    out = []
    for tid in treaties:
        treaty = book.treaties[tid]
        named = _change_days(book, treaty, data, keys, first, last)
        drifting = _drifting(book, treaty)
        crossings = _crossing_days(found, first, last) if drifting else set()
        days = sorted({first, *named, *crossings})
        # Most days change nothing a scope reads (another state's accession, a succession elsewhere): their scopes
        # are those of an earlier day with the same facts. An interval's first day is shown, so it is asked afresh.
        reuse = _SameFacts(book, sorted(crossings), bool(drifting) and _swept(found, _band(first, last)))
        ask = functools.partial(_ask_on, scenario, book, tid, reuse)
        answers = {d: ask(d) for d in days}
        if reuse.swept:
            days = _threshold_days(days, answers, ask)
        context = _Context(book, treaty, scenario, set(named), join(drifting) if drifting else "", frozenset(crossings))
        found_now = _articles(context, answers, days, last)
        shown = {i.first for timeline in found_now for i in timeline.intervals} & reuse.borrowed
        if shown:
            answers |= {d: _ask_on(scenario, book, tid, None, d) for d in shown}
            found_now = _articles(context, answers, days, last)
        out += found_now
    return out


def _articles(
    ctx: _Context, answers: dict[dt.date, list[Result]], days: list[dt.date], last: dt.date
) -> list[Timeline]:
    """A timeline per article of the treaty: the n-th result of each day's answer is the n-th article's."""
    return [_merge(ctx, [(d, answers[d][n]) for d in days], last) for n in range(len(ctx.treaty.articles))]


class _SameFacts:
    """Answers a scope from an earlier day's when nothing it reads differs: who holds each part, the members
    among the states it can ask about, the dated clauses in force and the readings held, and which side of a
    drifting tropic the place is on (between two crossing days). Records the days it answered so (`borrowed`)."""

    def __init__(self, book: RuleBook, crossings: list[dt.date], swept: bool) -> None:
        self.book = book
        self.crossings = crossings
        self.swept = swept  # the treaty reaches a drifting tropic, and the place has parts in the band it sweeps
        self.scopes: dict[tuple[object, ...], tuple[ScopeCheck, dt.date]] = {}
        self.borrowed: set[dt.date] = set()

    def __call__(self, q: Question, found: list[Subject], compute: Callable[[], ScopeCheck]) -> ScopeCheck:
        sc, on = q.scenario, q.scenario.date
        statuses = tuple(s.status for s in found)
        asked = {c for s in statuses if s for c in (s.sovereign, s.administered_by, *s.claimed_by) if c}
        asked |= {q.party} if q.party else set()
        dated, terms, named = _dated_parts(self.book, q.cond, frozenset(asked))
        key = (
            where_key(replace(sc, date=FIRST_DAY)),  # the place, without the day
            sc.target == "territory",  # forces, vessels and aircraft written alike answer alike
            tuple(sorted(sc.interpretations.items())),
            sc.assume,
            sc.holder,
            fingerprint(q.cond, self.book),
            q.party,
            q.members & (asked | named),
            statuses,
            tuple(on in v.window for v in dated),
            tuple(tuple(r.id for r in i.held_on(on)) for i in terms),
            bisect.bisect_right(self.crossings, on),
        )
        if key in self.scopes:
            scope, day = self.scopes[key]
            # The share of a part the drifting tropic cuts moves every day, and the verdict with it where the share
            # passes a threshold (FULL_SHARE), unless the part's pieces on either side of it answer alike.
            if not (self.swept and not scope.uniform):
                if day != on:
                    self.borrowed.add(on)
                return scope
        scope = compute()
        self.scopes[key] = (scope, on)
        return scope


def _ask_on(scenario: Scenario, book: RuleBook, tid: str, reuse: _SameFacts | None, day: dt.date) -> list[Result]:
    return check(replace(scenario, date=day), book, [tid], reuse)


def _threshold_days(
    days: list[dt.date], answers: dict[dt.date, list[Result]], ask: Callable[[dt.date], list[Result]]
) -> list[dt.date]:
    """An area the drifting tropic cuts: the share north of it grows every day, and passes a verdict's threshold on
    a day no rule or record names. Where the answer changes between two asked days and not on the later one (the
    day before it already answers so), the first day of the change is found by bisection (the share moves one
    way: the obliquity decreases over these centuries). The days asked are added to `answers`."""

    def same(a: list[Result], b: list[Result]) -> bool:
        return [answer_key(r) for r in a] == [answer_key(r) for r in b]

    for before, after in itertools.pairwise(days):
        if same(answers[before], answers[after]):
            continue
        lo, hi = before, after - ONE_DAY
        if hi <= lo:
            continue
        if hi not in answers:
            answers[hi] = ask(hi)
        if same(answers[hi], answers[before]):
            continue  # the change is on the named day itself
        while (hi - lo).days > 1:
            mid = lo + (hi - lo) // 2
            answers[mid] = ask(mid)
            lo, hi = (lo, mid) if not same(answers[mid], answers[before]) else (mid, hi)
    return sorted(answers)


def _band(first: dt.date, last: dt.date) -> tuple[float, float]:
    lo, hi = sorted((mean_obliquity_deg(first), mean_obliquity_deg(last)))
    return lo, hi


def _swept(found: list[Subject], band: tuple[float, float]) -> bool:
    """Whether a part of an area reaches into the band of latitudes the drifting tropic sweeps (a point moves
    across it only on its crossing days, which are asked)."""
    return any(not s.point_like and s.bbox[1] <= band[1] and s.bbox[3] >= band[0] for s in found)


def _dated_parts(
    book: RuleBook, cond: Condition, asked: frozenset[str]
) -> tuple[list[DateCondition], list[Interpretation], set[str]]:
    """What a condition can read of the date and the members, for a place whose holders and attacked party are
    `asked`: its dated clauses (not those with a `party_is` that none of them can satisfy: Rio's dates of each
    American State), the vague terms whose readings may be held from a date, and the states whose membership a
    `party_is` with `when_unnamed` reads."""
    key = ("dated parts", cond, asked)
    if key not in book.memo:
        dated: dict[int, DateCondition] = {}
        named: set[str] = set()
        _walk(book, cond, asked, dated, named, set())
        terms = [n for n in _reached(book, cond) if isinstance(n, Interpretation)]
        book.memo[key] = (list(dated.values()), terms, named)
    found: tuple[list[DateCondition], list[Interpretation], set[str]] = book.memo[key]
    return found


def _walk(
    book: RuleBook,
    node: Condition,
    asked: frozenset[str],
    dated: dict[int, DateCondition],
    named: set[str],
    seen: set[int],
) -> None:
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, DateCondition):
        dated[id(node)] = node
    elif isinstance(node, PartyIsCondition) and node.when_unnamed:
        named.update(node.codes)
    elif isinstance(node, AllCondition) and any(
        isinstance(i, PartyIsCondition) and not i.when_unnamed and not set(i.codes) & asked for i in node.items
    ):
        return  # false whatever the day: it asks for a state that neither holds the place nor is attacked
    for child in node.nodes(book):
        if isinstance(child, Condition):
            _walk(book, child, asked, dated, named, seen)


@dataclass(frozen=True, eq=False)
class _Context:
    """What the causes of a boundary are read from."""

    book: RuleBook
    treaty: Treaty
    scenario: Scenario
    named: set[dt.date]  # days named in the rules or the data (a boundary on another day is a tropic crossing)
    drifting: str  # the labels of the drifting parallels the treaty reaches
    crossings: frozenset[dt.date] = frozenset()  # the days such a parallel passes the place or an edge of a part


# ------------------------------------------------------------------------------------------------ change days


def _change_days(
    book: RuleBook, treaty: Treaty, data: GeoData, keys: set[str], first: dt.date, last: dt.date
) -> list[dt.date]:
    """The days after `first` (to `last`) named in the rules or the data on which this treaty's answer can change.
    Every date the rules and the data hold starts or ends a period that includes its start and excludes its end,
    so a change falls on the day named."""
    named = _rule_days(book, treaty) | data.status_dates(keys) | data.lineage_dates()
    return sorted(d for d in named if first < d <= last)


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
                days |= named_days(_reached(book, cond))
    return days


def _reached(book: RuleBook, cond: Condition) -> list[object]:
    """The rule nodes a condition can reach, and the interpretations of the vague terms in them (their readings,
    with the dates they are held and the clauses they define): every node that can name a day."""
    return [*reachable(cond, book), *(book.interpretations[t] for t in sorted(terms_used(cond, book)))]


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


def _drifting(book: RuleBook, treaty: Treaty) -> list[str]:
    """The labels of the named parallels the treaty's texts reach that can follow the obliquity on the day of the
    attack (in themselves or under a reading)."""
    out: dict[str, None] = {}
    for article in treaty.articles:
        for version in article.versions:
            for cond in version.targets.values():
                for node in reachable(cond, book):
                    for p in node.parallels(book):
                        if isinstance(p, Parallel) and _follows_the_attack(book, p):
                            out[p.label or p.name or "a parallel that follows the obliquity"] = None
    return list(out)


def _follows_the_attack(book: RuleBook, p: Parallel) -> bool:
    within = [p, book.interpretations[p.interpretation]] if p.interpretation else [p]
    return any(isinstance(v, Parallel) and v.obliquity_on == "attack" for v in nested(within))


def _crossing_days(found: Iterable[Subject], first: dt.date, last: dt.date) -> set[dt.date]:
    """The days on which a tropic that follows the obliquity passes the subject: a point's latitude, or the northern
    or southern edge of a part of an area, where it lies in the band the tropic sweeps between the two days (each
    such day and the day after: a place on the line is on both sides). A part reaching beyond both sides of the
    band is cut by the tropic on every day; its shares move a little, the sides it lies on do not."""
    lo, hi = sorted((mean_obliquity_deg(first), mean_obliquity_deg(last)))
    edges = {abs(lat) for s in found for lat in (s.bbox[1], s.bbox[3]) if lo <= abs(lat) <= hi}
    days = set()
    for edge in edges:
        day = _passes(edge, first, last)
        days |= {d for d in (day, day + ONE_DAY) if first < d <= last}
    return days


def _passes(lat: float, first: dt.date, last: dt.date) -> dt.date:
    """The first day from `first` to `last` on which the obliquity is at most `lat` (it decreases over these
    centuries)."""
    lo, hi = first, last
    while lo < hi:
        mid = lo + (hi - lo) // 2
        lo, hi = (mid + ONE_DAY, hi) if mean_obliquity_deg(mid) > lat else (lo, mid)
    return lo


# ------------------------------------------------------------------------------------------------ intervals


def answer_key(r: Result) -> tuple[object, ...]:
    """The facts an interval keeps the same: the verdict and the reason, and what they rest on — the attacked state
    and how it stands, the suspended obligations toward it, the clauses that hold and the readings that disagree.
    (A suspension, a succession or another covering clause is a boundary even when the verdict stays.)"""
    if r.reason in (Reason.NOT_IN_FORCE, Reason.NO_TEXT):
        return (r.verdict, r.reason)  # nothing else matters while no text is in force
    scope = r.scope
    held: tuple[str, ...] = ()
    if r.verdict is Verdict.APPLIES and scope is not None and scope.shown and scope.shown[0].trace is not None:
        held = tuple(c.node.clause or "" for c in scope.shown[0].trace.children if c.result is True)
    suspended = frozenset((s.obligor, s.beneficiary) for o in r.obligations for s in o.suspended)
    contested = r.verdict is Verdict.CONTESTED and scope is not None
    terms = tuple(t.interpretation.id for t in scope.terms) if contested and scope is not None else ()
    holders = tuple(h.code for h in r.membership.holders)
    return (r.verdict, r.reason, r.party, holders, r.membership.standing, suspended, held, terms)


def _merge(ctx: _Context, answers: list[tuple[dt.date, Result]], last: dt.date) -> Timeline:
    """Adjacent answers with the same key (`answer_key`) as one interval, shown by the result of its first day."""
    intervals: list[Interval] = []
    ends = [d - ONE_DAY for d, _ in answers[1:]] + [last]
    for n, ((day, r), end) in enumerate(zip(answers, ends, strict=True)):
        prev = intervals[-1] if intervals else None
        if prev is not None and answer_key(prev.result) == answer_key(r):
            intervals[-1] = replace(prev, last=end)
            continue
        changes = () if prev is None else _causes(ctx, answers[n - 1][1], r)
        intervals.append(Interval(day, end, r, changes))
    return Timeline(tuple(intervals))


def _causes(ctx: _Context, before: Result, after: Result) -> tuple[Change, ...]:
    """Why the answer on `after.date` differs from `before`, the answer of the day before, as facts."""
    day, treaty = after.date, ctx.treaty
    if day not in ctx.named:
        cause = Cause.PARALLEL if day in ctx.crossings else Cause.SHARE
        return (Change(cause, label=ctx.drifting or None, lat=mean_obliquity_deg(day)),)
    out: list[Change] = []
    if treaty.in_force == day:
        out.append(Change(Cause.ENTRY_INTO_FORCE, source=treaty.sources[0] if treaty.sources else None))
    if treaty.ended == day:
        out.append(Change(Cause.TREATY_ENDED, source=treaty.sources[0] if treaty.sources else None))
    if before.in_force and after.in_force and before.version is not after.version:
        v = after.version
        out.append(Change(Cause.TEXT, label=v.label if v else None, source=v.source if v else None))
    joined, unrelated = _memberships(ctx, before, after)
    out += joined
    out += _suspensions(before, after)
    out += _holders(replace(ctx.scenario, date=before.date), replace(ctx.scenario, date=after.date))
    if before.membership.lineage != after.membership.lineage and before.membership.lineage is not None:
        line = before.membership.lineage
        out.append(Change(Cause.SUCCESSION, (line.state, line.predecessor)))
    out += _readings(ctx.book, before, after)
    out += _dated_clauses(ctx.book, before, after)
    # Accessions of states the place and the attack do not involve, only when nothing else changed that day.
    return tuple(out or unrelated) or (Change(Cause.OTHER),)


def _memberships(ctx: _Context, before: Result, after: Result) -> tuple[list[Change], list[Change]]:
    """The states that became or ceased to be Parties, or came under or left the article's protection, on the day:
    (those the attack involves — the attacked state, the holders of the place — , the others)."""
    treaty = ctx.treaty
    assumed = assumed_members(treaty, ctx.scenario.assume_member)
    involved = {before.party, after.party}
    involved |= {h.code for r in (before, after) for h in r.membership.holders}
    for sc in (replace(ctx.scenario, date=before.date), replace(ctx.scenario, date=after.date)):
        places, _ = subjects(sc, geodata())
        involved |= {code for s in places if s.status for code in (s.status.sovereign, s.status.administered_by)}
    was_p, now_p = treaty.members_on(before.date) | assumed, treaty.members_on(after.date) | assumed
    was_q, now_q = treaty.protected_codes_on(before.date), treaty.protected_codes_on(after.date)
    mine: list[Change] = []
    others: list[Change] = []
    for cause, states, entries in (
        (Cause.ACCESSION, now_p - was_p, treaty.parties),
        (Cause.WITHDRAWAL, was_p - now_p, treaty.parties),
        (Cause.PROTECTION, now_q - was_q, treaty.protected),
        (Cause.PROTECTION_ENDED, was_q - now_q, treaty.protected),
    ):
        if not states:
            continue
        found = [m for m in entries if m.code in states and after.date in m.period.bounds]
        source = found[0].source if len(found) == 1 else None
        if states & involved:
            mine.append(Change(cause, tuple(sorted(states & involved)), source=source))
        elif treaty.in_force != after.date:  # not the original Parties on the day the treaty entered into force
            others.append(Change(cause, tuple(sorted(states)), source=source))
    return mine, others


def _suspensions(before: Result, after: Result) -> list[Change]:
    was = {s for o in before.obligations for s in o.suspended}
    now = {s for o in after.obligations for s in o.suspended}
    out = [Change(Cause.SUSPENSION, (s.obligor, s.beneficiary), source=s.source) for s in now - was]
    out += [Change(Cause.SUSPENSION_ENDED, (s.obligor, s.beneficiary), source=s.source) for s in was - now]
    return out


def _holders(before: Scenario, after: Scenario) -> list[Change]:
    """Another state holds the place, or parts of an area (by sovereignty or control, or a dispute begins or ends):
    each change of status once, with the parts it concerns (none: the whole place)."""
    data = geodata()
    was, _ = subjects(before, data)
    now, _ = subjects(after, data)
    if len(was) != len(now):
        return []  # the parts differ (never so today: the subjects are the same on every day)
    changed: dict[tuple[object, ...], tuple[Status, Status, list[str]]] = {}
    for a, b in zip(was, now, strict=True):
        if a.status is None or b.status is None or _holding(a.status) == _holding(b.status):
            continue
        entry = changed.setdefault((_holding(a.status), _holding(b.status)), (a.status, b.status, []))
        entry[2].append(a.label)
    every = len(changed) == 1 and sum(len(e[2]) for e in changed.values()) == len(was)
    return [
        Change(Cause.HOLDER, label=None if every else join(dict.fromkeys(labels)), status=(a, b))
        for a, b, labels in changed.values()
    ]


def _holding(s: Status) -> tuple[object, ...]:
    return (s.sovereign, s.administered_by, frozenset(s.claimed_by), s.recorded)


def _readings(book: RuleBook, before: Result, after: Result) -> list[Change]:
    """Readings of the article's vague terms held from the day, or no longer held from it."""
    version = after.version or before.version
    if version is None:
        return []
    day = after.date
    used = terms_used(version.targets[after.target], book)
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


def _dated_in(book: RuleBook, cond: Condition) -> list[tuple[DateCondition, int, str | None]]:
    """Every dated clause a condition reaches, with the size of the labelled clause (or reading) around it (the
    innermost is the one to name) and that label; unlabelled, the largest size."""
    key = ("dated clauses", cond)
    if key not in book.memo:
        found = []
        for node in _reached(book, cond):
            parts: list[tuple[str | None, object]] = []
            if isinstance(node, Interpretation):
                parts = [(r.label, r) for r in node.readings]
            clause = getattr(node, "clause", None)
            parts += [(clause, node)] if clause or not parts else []
            for label, part in parts:
                inside = list(nested(part))
                size = len(inside) if label else 1 << 30
                found += [(v, size, label) for v in inside if isinstance(v, DateCondition)]
        book.memo[key] = found
    kept: list[tuple[DateCondition, int, str | None]] = book.memo[key]
    return kept


def _dated_clauses(book: RuleBook, before: Result, after: Result) -> list[Change]:
    """Clauses the article's text reaches (itself, its named conditions, its readings) that name the day, each by
    the label of the innermost labelled clause around the date, or of the reading it is part of."""
    version = after.version or before.version
    if version is None:
        return []
    day = after.date
    best: dict[int, tuple[int, str | None]] = {}  # a dated node's id -> (size of the clause around it, its label)
    for v, size, label in _dated_in(book, version.targets[after.target]):
        if day in v.window.bounds and (id(v) not in best or size < best[id(v)][0]):
            best[id(v)] = (size, label)
    labels = list(dict.fromkeys(label for _, label in best.values()))
    named = [label for label in labels if label]
    return [Change(Cause.DATED_CLAUSE, label=label) for label in named or labels[:1]]

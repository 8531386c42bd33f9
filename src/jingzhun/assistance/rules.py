"""Pure decisions of assistance, over plain values: which measures a household's causes call for, how far
a plan has come, whether a visit is overdue, whether a village's work team meets the standard."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from jingzhun.registry.choices import Health, Labour

from .models.catalogue import Condition

WORKING_AGES = range(16, 65)
ELDERLY_AGE = 60
FULL_LABOUR = frozenset({Labour.SKILLED, Labour.ORDINARY})
SOME_LABOUR = FULL_LABOUR | {Labour.WEAK}


@dataclass(frozen=True)
class MemberFacts:
    age: int
    labour: str
    in_school: bool = False
    health: str = Health.HEALTHY


@dataclass(frozen=True)
class HouseholdFacts:
    """What the recommendation reads of a household: its causes, current members and latest conditions."""

    main_cause: str | None
    other_causes: tuple[str, ...] = ()
    members: tuple[MemberFacts, ...] = ()
    unsafe_house: bool = False
    unsafe_water: bool = False

    @property
    def causes(self) -> tuple[str, ...]:
        """The main cause first, then the others, each once."""
        ordered = [self.main_cause] if self.main_cause else []
        ordered += [cause for cause in self.other_causes if cause not in ordered]
        return tuple(ordered)


def condition_holds(condition: str, facts: HouseholdFacts) -> bool:
    members = facts.members
    if condition == Condition.LABOUR:
        return any(m.labour in SOME_LABOUR and m.age in WORKING_AGES for m in members)
    if condition == Condition.NO_LABOUR:
        # The floor is for households that lost all or part of their capacity to work (rules.md).
        return not any(m.labour in FULL_LABOUR and m.age in WORKING_AGES for m in members)
    if condition == Condition.IN_SCHOOL:
        return any(m.in_school for m in members)
    if condition == Condition.ILL:
        return any(m.health in (Health.CHRONIC, Health.SERIOUS) for m in members)
    if condition == Condition.DISABLED:
        return any(m.health == Health.DISABLED for m in members)
    if condition == Condition.UNSAFE_HOUSE:
        return facts.unsafe_house
    if condition == Condition.UNSAFE_WATER:
        return facts.unsafe_water
    if condition == Condition.ELDERLY:
        return any(m.age >= ELDERLY_AGE for m in members)
    return True


@dataclass(frozen=True)
class RuleRow:
    jurisdiction: str  # "" national, else an area-code prefix
    cause: str
    measure: str
    rank: int = 1
    active: bool = True


@dataclass(frozen=True)
class MeasureInfo:
    code: str
    condition: str = ""
    active: bool = True


@dataclass(frozen=True)
class Recommendation:
    measure: str
    causes: tuple[str, ...]  # the causes that call for it, the first deciding its place
    rank: int


@dataclass(frozen=True)
class Withheld:
    """A measure the table names for a cause but the household lacks the fact it needs."""

    measure: str
    cause: str
    condition: str


@dataclass(frozen=True)
class Advice:
    recommended: tuple[Recommendation, ...]
    withheld: tuple[Withheld, ...] = ()
    jurisdictions: dict[str, str] = field(default_factory=dict)  # cause -> jurisdiction whose rows apply

    @property
    def codes(self) -> list[str]:
        return [r.measure for r in self.recommended]


def rows_for(rows: Iterable[RuleRow], cause: str, area_code: str) -> tuple[str, list[RuleRow]]:
    """The jurisdiction that speaks for `cause` in `area_code` and its active rows, best rank first.

    The most specific jurisdiction holding any row for the cause (even only rows taken out of force)
    replaces the broader ones, so a county can drop a national recommendation."""
    candidates = [r for r in rows if r.cause == cause and area_code.startswith(r.jurisdiction)]
    if not candidates:
        return "", []
    jurisdiction = max((r.jurisdiction for r in candidates), key=len)
    chosen = [r for r in candidates if r.jurisdiction == jurisdiction and r.active]
    return jurisdiction, sorted(chosen, key=lambda r: (r.rank, r.measure))


def recommend(facts: HouseholdFacts, rows: Iterable[RuleRow], measures: dict[str, MeasureInfo],
              area_code: str) -> Advice:
    """Measures for the household's causes, main cause first, each cause's in rank order; a measure two
    causes call for comes once, naming both. Measures out of use are left out; those whose condition the
    household does not meet are returned apart, so the page can say why."""
    rows = list(rows)
    found: dict[str, Recommendation] = {}
    withheld: list[Withheld] = []
    jurisdictions: dict[str, str] = {}
    for cause in facts.causes:
        jurisdictions[cause], cause_rows = rows_for(rows, cause, area_code)
        for row in cause_rows:
            info = measures.get(row.measure)
            if info is None or not info.active:
                continue
            if not condition_holds(info.condition, facts):
                withheld.append(Withheld(row.measure, cause, info.condition))
            elif row.measure in found:
                earlier = found[row.measure]
                found[row.measure] = Recommendation(row.measure, (*earlier.causes, cause), earlier.rank)
            else:
                found[row.measure] = Recommendation(row.measure, (cause,), row.rank)
    withheld = [w for w in withheld if w.measure not in found]
    return Advice(tuple(found.values()), tuple(withheld), jurisdictions)


@dataclass(frozen=True)
class Progress:
    delivered: int
    total: int  # measures not cancelled

    @property
    def percent(self) -> int:
        return round(100 * self.delivered / self.total) if self.total else 0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.delivered == self.total


def progress(states: Iterable[str]) -> Progress:
    states = [s for s in states if s != "cancelled"]
    return Progress(sum(1 for s in states if s == "delivered"), len(states))


def overdue(due_on: datetime.date | None, state: str, today: datetime.date) -> bool:
    """A measure still open past its due date."""
    return due_on is not None and state in ("planned", "under_way") and due_on < today


def unvisited(last_visit: datetime.date | None, today: datetime.date, days: int) -> bool:
    """No recorded visit within the last `days` days (or ever)."""
    return last_visit is None or (today - last_visit).days > days


def next_visit_due(visited_on: datetime.date, interval_days: int) -> datetime.date:
    return visited_on + datetime.timedelta(days=interval_days)


@dataclass(frozen=True)
class TeamFacts:
    members: int  # serving now
    has_first_secretary: bool
    started_on: datetime.date
    term_ends_on: datetime.date


@dataclass(frozen=True)
class TeamCheck:
    ok: bool
    problems: tuple[str, ...]  # codes: no_team, too_few, no_first_secretary, short_term


def check_team(team: TeamFacts | None, min_members: int, term_years: int) -> TeamCheck:
    """A poor village's resident work team against the standard: at least `min_members` serving, a first
    secretary, a term of at least `term_years` years."""
    if team is None:
        return TeamCheck(False, ("no_team",))
    problems = []
    if team.members < min_members:
        problems.append("too_few")
    if not team.has_first_secretary:
        problems.append("no_first_secretary")
    if _years_between(team.started_on, team.term_ends_on) < term_years:
        problems.append("short_term")
    return TeamCheck(not problems, tuple(problems))


def _years_between(start: datetime.date, end: datetime.date) -> int:
    years = end.year - start.year
    return years - 1 if (end.month, end.day) < (start.month, start.day) else years

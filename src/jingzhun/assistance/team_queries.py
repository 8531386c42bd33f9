"""Reads of villages' resident work teams, always through the reader's scope: a village's teams, each
poor village's check against the year's standard, and the counts of gaps for each child of a larger area.

Areas are read in a fixed number of queries whatever their size (a province has 2,912 villages): the poor
villages' flags, the serving teams with their member counts, and the standards table once."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import Http404
from django.utils.translation import gettext as _

from jingzhun import clock
from jingzhun.areas.models import PREFIX_LENGTH, Area, AreaFlag, Level
from jingzhun.areas.scope import Scope
from jingzhun.errors import DomainError
from jingzhun.policy import queries as policy_queries
from jingzhun.policy.rules import PolicyMissing

from . import rules, team_rules
from .models import Change, TeamMember, WorkTeam

FIRST_SECRETARY = TeamMember.Position.FIRST_SECRETARY


def year_from(raw) -> int:
    """The year a page judges, from its query string: this year by default."""
    today = clock.today()
    if raw in (None, ""):
        return today.year
    year = int(raw) if str(raw).isdigit() else 0
    if not team_rules.FIRST_YEAR <= year <= today.year:
        raise DomainError(_("Choose a year from %(first)d to this year.") % {"first": team_rules.FIRST_YEAR},
                          field="year")
    return year


# One team ---------------------------------------------------------------------------------------------

def get_team(scope: Scope, pk: int) -> WorkTeam:
    """A team of a village the reader covers; any other is not found."""
    team = WorkTeam.objects.select_related("village__parent__parent", "created_by").filter(pk=pk).first()
    if team is None or not scope.covers(team.village_id):
        raise Http404
    return team


def members(team: WorkTeam) -> list[TeamMember]:
    """Serving members first (the first secretary leading), then those who left, latest first."""
    found = list(team.members.all())
    rank = {FIRST_SECRETARY: 0, TeamMember.Position.LEADER: 1}
    serving = sorted((m for m in found if m.ended_on is None),
                     key=lambda m: (rank.get(m.position, 2), m.started_on, m.pk))
    left = sorted((m for m in found if m.ended_on is not None), key=lambda m: (m.ended_on, m.pk),
                  reverse=True)
    return serving + left


def teams_of(village: Area) -> list[WorkTeam]:
    """The village's teams, latest first, members loaded."""
    return list(WorkTeam.objects.filter(village=village).prefetch_related("members")
                .order_by("-started_on", "-id"))


@dataclass(frozen=True)
class TrailEntry:
    change: Change
    what: str


def trail(team: WorkTeam) -> list[TrailEntry]:
    """The team's changes and its members', latest first, each said in words."""
    names = dict(team.members.values_list("pk", "name"))
    changes = Change.objects.select_related("actor").filter(
        Q(entity="team", entity_id=team.pk) | Q(entity="team_member", entity_id__in=list(names)))
    return [TrailEntry(change, _said(change, names)) for change in changes]


def _said(change: Change, names: dict[int, str]) -> str:
    if change.entity == "team":
        return {Change.Action.CREATE: _("team sent"), Change.Action.CLOSE: _("team withdrawn")}.get(
            change.action, change.get_action_display())
    name = names.get(change.entity_id, "")
    if change.action == Change.Action.CREATE:
        return _("%(name)s joined") % {"name": name}
    if change.action == Change.Action.CLOSE:
        return _("%(name)s left") % {"name": name}
    return f"{name} {change.get_action_display()}"


def withdrawal_reasons(teams: list[WorkTeam]) -> dict[int, str]:
    rows = Change.objects.filter(entity="team", action=Change.Action.CLOSE,
                                 entity_id__in=[t.pk for t in teams]).values_list("entity_id", "reason")
    return dict(rows)


# Checks against the standard --------------------------------------------------------------------------

def _standards(year: int, table):
    """min_members and term_years for a village's code, from one read of the standards table."""
    found: dict[str, tuple[int, int]] = {}

    def of(code: str) -> tuple[int, int]:
        if code not in found:
            try:
                found[code] = (int(policy_queries.value("work_team_min_members", year, code, table)),
                               int(policy_queries.value("work_team_term_years", year, code, table)))
            except PolicyMissing as missing:
                raise DomainError(missing.message) from None
        return found[code]

    return of


def required_village_codes(scope: Scope, prefix: str, year: int, table=None) -> set[str]:
    """Villages that must have a resident work team in the year: the poor villages, and those that have
    left poverty where the standard work_team_after_exit holds for the year."""
    flags = (AreaFlag.objects.filter(kind=AreaFlag.Kind.POOR_VILLAGE, area__code__startswith=prefix)
             .filter(scope.area_q("area__code")).only("area_id", "start_year", "end_year"))
    table = table or policy_queries.standards()

    def after_exit(code: str) -> bool:
        try:
            return bool(policy_queries.value("work_team_after_exit", year, code, table))
        except PolicyMissing:  # no row for the year: nothing required of villages that left poverty
            return False

    return {flag.area_id for flag in flags if flag.active_in(year) or (
        flag.start_year <= year and flag.end_year is not None and after_exit(flag.area_id))}


def serving_teams(scope: Scope, prefix: str, day: datetime.date) -> dict[str, WorkTeam]:
    """The team serving in each village on `day`, annotated with `serving` (members then) and
    `first_secretaries`, from one grouped query."""
    on_day = (Q(members__started_on__lte=day)
              & (Q(members__ended_on__isnull=True) | Q(members__ended_on__gt=day)))
    first = on_day & Q(members__position=FIRST_SECRETARY)
    teams = (WorkTeam.objects.filter(village__code__startswith=prefix, started_on__lte=day)
             .filter(scope.area_q("village__code"))
             .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
             .annotate(serving=Count("members", filter=on_day),
                       first_secretaries=Count("members", filter=first))
             .order_by("village_id", "started_on", "id"))
    return {team.village_id: team for team in teams}  # the latest arrival wins, should records overlap


def facts(team: WorkTeam) -> rules.TeamFacts:
    return rules.TeamFacts(members=team.serving, has_first_secretary=team.first_secretaries > 0,
                           started_on=team.started_on, term_ends_on=team.term_ends_on)


@dataclass(frozen=True)
class VillageStatus:
    village: Area
    required: bool  # must have a team that year (poor, or left poverty and kept under the standard)
    team: WorkTeam | None  # serving on the day judged, with .serving and .first_secretaries
    check: rules.TeamCheck | None  # None for a village that need not have a team that year

    @property
    def problems(self) -> list[tuple[str, str]]:
        return [(code, str(team_rules.PROBLEMS[code])) for code in self.codes]

    @property
    def codes(self) -> tuple[str, ...]:
        return self.check.problems if self.check else ()


def _statuses(scope: Scope, area: Area, year: int, villages: list[Area]) -> list[VillageStatus]:
    day = team_rules.reference_day(year, clock.today())
    table = policy_queries.standards()
    required = required_village_codes(scope, area.prefix, year, table)
    teams = serving_teams(scope, area.prefix, day)
    standard = _standards(year, table)
    found = []
    for village in villages:
        team = teams.get(village.code)
        check = None
        if village.code in required:
            check = rules.check_team(facts(team) if team else None, *standard(village.code))
        found.append(VillageStatus(village, village.code in required, team, check))
    return found


def village_status(scope: Scope, village: Area, year: int) -> VillageStatus:
    return _statuses(scope, village, year, [village])[0]


def village_statuses(scope: Scope, area: Area, year: int) -> list[VillageStatus]:
    """Every village of the area the reader covers, with its serving team and check."""
    villages = list(Area.objects.filter(level=Level.VILLAGE, code__startswith=area.prefix)
                    .filter(scope.area_q("code")).order_by("code"))
    return _statuses(scope, area, year, villages)


@dataclass(frozen=True)
class AreaTeams:
    area: Area
    tally: team_rules.Tally


def child_areas(scope: Scope, area: Area) -> list[Area]:
    """Children inside the scope, and the one child on the way down to it."""
    return [child for child in area.children.order_by("code")
            if child.prefix.startswith(scope.prefix) or scope.prefix.startswith(child.prefix)]


def team_counts(scope: Scope, area: Area, year: int) -> tuple[list[AreaTeams], team_rules.Tally]:
    """Each child area's villages that must have a team, how many have one, meet the standard, and each
    gap; and the
    area's total (of the villages the reader covers)."""
    children = child_areas(scope, area)
    if not children:
        return [], team_rules.Tally()
    day = team_rules.reference_day(year, clock.today())
    teams = serving_teams(scope, area.prefix, day)
    table = policy_queries.standards()
    standard = _standards(year, table)
    width = PREFIX_LENGTH[children[0].level]
    checks: dict[str, list[rules.TeamCheck]] = {child.prefix: [] for child in children}
    for code in required_village_codes(scope, area.prefix, year, table):
        team = teams.get(code)
        check = rules.check_team(facts(team) if team else None, *standard(code))
        checks.setdefault(code[:width], []).append(check)
    rows = [AreaTeams(child, team_rules.tally(checks[child.prefix])) for child in children]
    return rows, team_rules.add(row.tally for row in rows)

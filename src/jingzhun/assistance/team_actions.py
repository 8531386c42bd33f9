"""Every write about villages' resident work teams: a team sent with its members, members joining and
leaving, a team withdrawn at the end of its term.

County officers send and manage the teams of their county's villages; everyone else reads. Each action
runs in one transaction and writes the area-level trail (`Change`, area_code the village). Nothing is
deleted: members and teams are ended with a day and a reason."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from jingzhun import clock
from jingzhun.areas.models import Area, Level, Role
from jingzhun.areas.scope import scope_for
from jingzhun.checks import text
from jingzhun.errors import DomainError, InvalidTransition, NotAllowed, OutOfScope

from . import team_rules
from .checks import record_change
from .models import Change, TeamMember, WorkTeam

MAX_NAME = TeamMember._meta.get_field("name").max_length
MAX_UNIT = WorkTeam._meta.get_field("sending_unit").max_length
MAX_NOTE = WorkTeam._meta.get_field("note").max_length
MAX_REASON = Change._meta.get_field("reason").max_length
TEAM_FIELDS = ("sending_unit", "started_on", "term_ends_on", "note")
MEMBER_FIELDS = ("name", "unit", "position", "phone", "started_on")


def may_manage(scope, village_code: str) -> bool:
    """County officers of the village's county: the county sends and withdraws teams."""
    return scope.role == Role.COUNTY_OFFICER and scope.covers(village_code)


def _officer(actor, village_code: str) -> None:
    scope = scope_for(actor)
    if not scope.covers(village_code):
        raise OutOfScope(_("This record is outside your area."))
    if not may_manage(scope, village_code):
        raise NotAllowed(_("Only county officers send and manage resident work teams."))


def _record(team: WorkTeam, actor, entity: str, entity_id: int, action: str, changes: dict,
            reason: str = "") -> None:
    record_change(entity, entity_id, team.village_id, actor=actor, action=action, changes=changes,
                  reason=reason)


def _day(value: datetime.date | None, field: str) -> datetime.date:
    if value is None:
        raise DomainError(_("Enter a date."), field=field)
    if value > clock.today():
        raise DomainError(_("This date is in the future."), field=field)
    return value


def _member_values(values: dict, default_unit: str, field_prefix: str = "") -> dict:
    """A member's name, unit, position and phone, checked; `field_prefix` names the row in messages."""
    def named(message: str) -> str:
        return f"{field_prefix}{message}"

    try:
        name = text(values.get("name"), "name", MAX_NAME, required=True)
        unit = text(values.get("unit"), "unit", MAX_UNIT) or default_unit
        phone = text(values.get("phone"), "phone", 20)
    except DomainError as error:
        raise DomainError(named(error.message), field=error.field) from None
    position = values.get("position") or TeamMember.Position.MEMBER
    if position not in TeamMember.Position.values:
        raise DomainError(named(_("Choose a position.")), field="position")
    if phone and not team_rules.phone_ok(phone):
        raise DomainError(named(_("A phone number has 11 digits and starts with 1.")), field="phone")
    return {"name": name, "unit": unit, "position": position, "phone": phone}


def _one_first_secretary(team: WorkTeam, position: str) -> None:
    serving = team.members.filter(position=TeamMember.Position.FIRST_SECRETARY, ended_on__isnull=True)
    if position == TeamMember.Position.FIRST_SECRETARY and serving.exists():
        raise DomainError(_("A team has one serving first secretary: end the current one's service first."),
                          field="position")


def _add(team: WorkTeam, actor, values: dict, started_on: datetime.date) -> TeamMember:
    member = TeamMember.objects.create(team=team, started_on=started_on, **values)
    _record(team, actor, "team_member", member.pk, Change.Action.CREATE,
            {"team": (None, team.pk), **{f: (None, getattr(member, f)) for f in MEMBER_FIELDS}})
    return member


@transaction.atomic
def send_team(village: Area | str, *, actor, sending_unit: str, started_on: datetime.date,
              term_ends_on: datetime.date, members: list[dict], note: str = "") -> WorkTeam:
    """A team arrives in a village: one serving team a village at a time, so the one before must have
    been withdrawn. Its members start with it."""
    code = village.code if isinstance(village, Area) else village
    _officer(actor, code)
    # Locking the village serialises two officers sending teams to it at once.
    village = Area.objects.select_for_update().filter(code=code).first()
    if village is None or village.level != Level.VILLAGE:
        raise DomainError(_("A resident work team is sent to a village."), field="village")
    if WorkTeam.objects.filter(village=village, ended_on__isnull=True).exists():
        raise DomainError(_("This village has a serving work team: withdraw it before sending the next."),
                          field="village")
    sending_unit = text(sending_unit, "sending_unit", MAX_UNIT, required=True)
    started_on = _day(started_on, "started_on")
    if term_ends_on is None:
        raise DomainError(_("Enter a date."), field="term_ends_on")
    if term_ends_on <= started_on:
        raise DomainError(_("The term must end after it starts."), field="term_ends_on")
    last = WorkTeam.objects.filter(village=village).order_by("-ended_on").first()
    if last is not None and started_on < last.ended_on:
        raise DomainError(_("The new team cannot arrive before the last one was withdrawn."),
                          field="started_on")
    if not members:
        raise DomainError(_("A team is sent with at least one member."), field="members")
    checked = [_member_values(values, sending_unit, _("Member %(n)d: ") % {"n": i})
               for i, values in enumerate(members, 1)]
    if sum(m["position"] == TeamMember.Position.FIRST_SECRETARY for m in checked) > 1:
        raise DomainError(_("A team has one serving first secretary."), field="members")
    team = WorkTeam.objects.create(village=village, sending_unit=sending_unit, started_on=started_on,
                                   term_ends_on=term_ends_on, note=text(note, "note", MAX_NOTE),
                                   created_by=actor)
    _record(team, actor, "team", team.pk, Change.Action.CREATE,
            {f: (None, getattr(team, f)) for f in TEAM_FIELDS})
    for values in checked:
        _add(team, actor, values, started_on)
    return team


def _serving(team: WorkTeam) -> WorkTeam:
    team = WorkTeam.objects.select_for_update().get(pk=team.pk)
    if team.ended_on is not None:
        raise InvalidTransition(_("This team has been withdrawn; its record can no longer be changed."))
    return team


@transaction.atomic
def add_team_member(team: WorkTeam, *, actor, name: str, position: str, unit: str = "", phone: str = "",
                    started_on: datetime.date | None = None) -> TeamMember:
    """Someone joins a serving team (a replacement, a new first secretary)."""
    _officer(actor, team.village_id)
    team = _serving(team)
    values = _member_values({"name": name, "unit": unit, "position": position, "phone": phone},
                            team.sending_unit)
    started_on = _day(started_on or clock.today(), "started_on")
    if started_on < team.started_on:
        raise DomainError(_("A member cannot join before the team arrived."), field="started_on")
    _one_first_secretary(team, values["position"])
    return _add(team, actor, values, started_on)


def _end(member: TeamMember, team: WorkTeam, actor, ended_on: datetime.date, reason: str) -> None:
    member.ended_on = ended_on
    member.save(update_fields=["ended_on"])
    _record(team, actor, "team_member", member.pk, Change.Action.CLOSE, {"ended_on": (None, ended_on)},
            reason=reason)


@transaction.atomic
def end_team_member(member: TeamMember, *, actor, ended_on: datetime.date | None, reason: str) -> TeamMember:
    """A member leaves the team (recalled by the unit, transferred, ill), with the day and why."""
    _officer(actor, member.team.village_id)
    team = _serving(member.team)
    member = TeamMember.objects.select_for_update().get(pk=member.pk)
    if member.ended_on is not None:
        raise InvalidTransition(_("This member has already left the team."))
    reason = text(reason, "reason", MAX_REASON, required=True)
    ended_on = _day(ended_on, "ended_on")
    if ended_on < member.started_on:
        raise DomainError(_("A team member cannot leave before joining the team."), field="ended_on")
    _end(member, team, actor, ended_on, reason)
    return member


@transaction.atomic
def withdraw_team(team: WorkTeam, *, actor, ended_on: datetime.date | None, reason: str) -> WorkTeam:
    """The team leaves the village (its term is over, or it is recalled early): its serving members leave
    with it, and the village may receive the next team."""
    _officer(actor, team.village_id)
    team = _serving(team)
    reason = text(reason, "reason", MAX_REASON, required=True)
    ended_on = _day(ended_on, "ended_on")
    serving = list(team.members.select_for_update().filter(ended_on__isnull=True))
    if ended_on < max([team.started_on, *(m.started_on for m in serving)]):
        raise DomainError(_("A team cannot be withdrawn before it or one of its members arrived."),
                          field="ended_on")
    for member in serving:
        _end(member, team, actor, ended_on, reason)
    team.ended_on = ended_on
    team.save(update_fields=["ended_on"])
    _record(team, actor, "team", team.pk, Change.Action.CLOSE, {"ended_on": (None, ended_on)}, reason=reason)
    return team

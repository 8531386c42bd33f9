"""Every write to a project: creating it, listing its beneficiary households, recording its output, and
moving it planned → under way → completed → accepted, or cancelled. County officers of the project's
county do all of these (funds.actions.manager_scope); each runs in one transaction with the project's row
locked.

Each of them writes a ProjectEvent — the project's own history: who, when, the day it took effect, from
what to what and why (a cancellation's reason is kept there, not in the note). Each beneficiary
household's audit trail also records its listing, the project's acceptance and its cancellation."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from jingzhun import clock
from jingzhun.areas.models import Area, Level
from jingzhun.checks import text
from jingzhun.errors import DomainError, InvalidTransition
from jingzhun.registry import audit
from jingzhun.registry.choices import HouseholdStatus
from jingzhun.registry.models import AuditEvent, Household

from . import project_queries
from .actions import amount_of, manager_scope
from .models import Beneficiary, Project, ProjectEvent, ProjectKind, Purpose
from .models.projects import PURPOSES

State = Project.State
Action = ProjectEvent.Action
MOVES: dict[str, set[str]] = {
    State.PLANNED: {State.UNDER_WAY, State.CANCELLED},
    State.UNDER_WAY: {State.COMPLETED, State.CANCELLED},
    State.COMPLETED: {State.ACCEPTED},
}
# Households a project may list: those on the register (an applicant is not yet, a closed one no more).
REGISTERED = (HouseholdStatus.POOR, HouseholdStatus.EXITED, HouseholdStatus.RETURNED)
MAX_NOTE = 300
MAX_REASON = 200  # the households' audit trail holds a reason this long
OUTPUT_MAX = Decimal("9999999999.99")
CENT = Decimal("0.01")


def _output(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_("Enter the output as a number."), field=field) from None
    if not (number.is_finite() and 0 <= number <= OUTPUT_MAX and number == number.quantize(CENT)):
        raise DomainError(_("Enter the output as a number from zero, to two decimal places."), field=field)
    return number.quantize(CENT)


def _day(on: datetime.date | None, *, after: datetime.date | None = None) -> datetime.date:
    on = on or clock.today()
    if on > clock.today():
        raise DomainError(_("This date is in the future."), field="on")
    if after is not None and on < after:
        raise DomainError(_("This date is before the project's previous step (%(day)s).") % {
            "day": after.isoformat()}, field="on")
    return on


def _locked(project: Project) -> Project:
    return Project.objects.select_for_update().select_related("area").get(pk=project.pk)


def _event(project: Project, actor, action: str, field: str = "", old="", new="",
           on: datetime.date | None = None, reason: str = "") -> ProjectEvent:
    return ProjectEvent.objects.create(project=project, actor=actor, at=clock.now(), action=action,
                                       field=field, old=str(old), new=str(new), on=on, reason=reason)


@transaction.atomic
def create_project(*, actor, area_code: str, name: str, kind: str, year: int, budget,
                   output_planned, purpose: str | None = None, note: str = "") -> Project:
    """A project of a village or of the whole county, inside the county whose books the actor keeps."""
    manager_scope(actor, area_code)
    area = Area.objects.filter(code=area_code, level__in=[Level.VILLAGE, Level.COUNTY]).first()
    if area is None:
        raise DomainError(_("A project belongs to a village or to a county."), field="area")
    if kind not in ProjectKind.values:
        raise DomainError(_("Choose the kind of project."), field="kind")
    purpose = purpose or PURPOSES[ProjectKind(kind)]
    if purpose not in Purpose.values:
        raise DomainError(_("Choose what the project's money is for."), field="purpose")
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise DomainError(_("Choose a year up to next year."), field="year") from None
    if not 2000 <= year <= clock.today().year + 1:
        raise DomainError(_("Choose a year up to next year."), field="year")
    project = Project.objects.create(
        area=area, name=text(name, "name", 120, required=True), kind=kind, purpose=purpose, year=year,
        budget=amount_of(budget, "budget"), output_planned=_output(output_planned, "output_planned"),
        note=text(note, "note", MAX_NOTE), created_by=actor, created_at=clock.now())
    _event(project, actor, Action.CREATE, "name", new=project.name, on=clock.today())
    return project


@transaction.atomic
def add_beneficiaries(project: Project, households, *, actor) -> list[Beneficiary]:
    """List registered households of the project's area as its beneficiaries; households already listed
    are left as they are. Refuses the whole list if any household does not qualify, naming them."""
    manager_scope(actor, project.area_id)
    project = _locked(project)
    if project.state in (State.CANCELLED, State.ACCEPTED):
        raise DomainError(_("A cancelled or accepted project's beneficiaries can no longer change."),
                          field="households")
    households = list({h.pk: h for h in households}.values())
    if not households:
        raise DomainError(_("Enter at least one household number."), field="households")
    outside = [h.number for h in households if not h.village_id.startswith(project.area.prefix)]
    if outside:
        raise DomainError(_("Outside the project's area: %(numbers)s") % {"numbers": ", ".join(outside)},
                          field="households")
    unregistered = [h.number for h in households if h.status not in REGISTERED]
    if unregistered:
        raise DomainError(_("Not registered poor, exited or returned to poverty: %(numbers)s") % {
            "numbers": ", ".join(unregistered)}, field="households")
    listed = set(Beneficiary.objects.filter(project=project, household__in=households)
                 .values_list("household_id", flat=True))
    today = clock.today()
    added = [Beneficiary(project=project, household=h, added_on=today) for h in households
             if h.pk not in listed]
    Beneficiary.objects.bulk_create(added)
    if added:  # one event for the batch, naming the households added by their numbers
        _event(project, actor, Action.BENEFICIARY, "households",
               new=" ".join(sorted(row.household.number for row in added)), on=today)
    for row in added:
        audit.record(row.household, actor, "project", project.pk, AuditEvent.Action.CREATE,
                     {"project": (None, project.pk), "name": (None, project.name),
                      "added_on": (None, today)})
    return added


@transaction.atomic
def record_output(project: Project, achieved, *, actor, on: datetime.date | None = None) -> Project:
    """The output achieved so far (km of road, wells, mu…), while the project is under way or completed
    and not yet accepted; `on` is the day it was measured (not before the start)."""
    manager_scope(actor, project.area_id)
    project = _locked(project)
    if project.state not in (State.UNDER_WAY, State.COMPLETED):
        raise InvalidTransition(_("Output is recorded while a project is under way or completed, before "
                                  "its acceptance."))
    on = _day(on, after=project.started_on)
    old = project.output_achieved
    project.output_achieved = _output(achieved, "output_achieved")
    project.save(update_fields=["output_achieved"])
    _event(project, actor, Action.OUTPUT, "output_achieved", old=old, new=project.output_achieved, on=on)
    return project


def _beneficiary_trail(project: Project, actor, changes: dict, reason: str = "") -> None:
    households = Household.objects.filter(pk__in=project.beneficiary_links.values("household_id"))
    for household in households:
        audit.record(household, actor, "project", project.pk, AuditEvent.Action.STATUS, changes,
                     reason=reason)


@transaction.atomic
def move_project(project: Project, to: str, *, actor, on: datetime.date | None = None,
                 reason: str = "") -> Project:
    """The project's one transition function, each move a ProjectEvent with the day it took effect.
    Acceptance needs the achieved output recorded; a cancellation needs a reason and no money left
    allocated and unspent (recover it into its fund first: funds.actions.recover). Acceptance and
    cancellation are also written to each beneficiary household's trail."""
    manager_scope(actor, project.area_id)
    project = _locked(project)
    if to not in MOVES.get(project.state, set()):
        raise InvalidTransition(_("A project cannot go from %(a)s to %(b)s.") % {
            "a": project.get_state_display(), "b": State(to).label if to in State.values else to})
    old = project.state
    fields = ["state"]
    reason = "" if to != State.CANCELLED else text(reason, "reason", MAX_REASON, required=True)
    if to == State.UNDER_WAY:
        on = project.started_on = _day(on)
        fields.append("started_on")
    elif to == State.COMPLETED:
        on = project.completed_on = _day(on, after=project.started_on)
        fields.append("completed_on")
    elif to == State.ACCEPTED:
        if project.output_achieved <= 0:
            raise DomainError(_("Record the output achieved before the project is accepted."),
                              field="output_achieved")
        on = project.accepted_on = _day(on, after=project.completed_on)
        project.accepted_by = actor
        fields += ["accepted_on", "accepted_by"]
    else:
        held = project_queries.project_totals(project).unspent
        if held > 0:
            raise DomainError(_("%(a)s yuan is still allocated to the project and not spent: recover it "
                                "into its fund first.") % {"a": f"{held:,.2f}"}, field="reason")
        on = _day(on, after=project.started_on)
    project.state = to
    project.save(update_fields=fields)
    _event(project, actor, Action.STATE, "state", old=old, new=to, on=on, reason=reason)
    if to in (State.ACCEPTED, State.CANCELLED):
        changes = {"state": (old, to)}
        if to == State.ACCEPTED:
            changes["accepted_on"] = (None, project.accepted_on)
        _beneficiary_trail(project, actor, changes, reason=reason)
    return project


def start_project(project: Project, *, actor, on: datetime.date | None = None) -> Project:
    return move_project(project, State.UNDER_WAY, actor=actor, on=on)


def complete_project(project: Project, *, actor, on: datetime.date | None = None) -> Project:
    return move_project(project, State.COMPLETED, actor=actor, on=on)


def accept_project(project: Project, *, actor, on: datetime.date | None = None) -> Project:
    return move_project(project, State.ACCEPTED, actor=actor, on=on)


def cancel_project(project: Project, *, actor, reason: str, on: datetime.date | None = None) -> Project:
    return move_project(project, State.CANCELLED, actor=actor, on=on, reason=reason)

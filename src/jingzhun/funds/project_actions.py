"""Every write to a project: creating it, listing its beneficiary households, recording its output, and
moving it planned → under way → completed → accepted, or cancelled. County officers of the project's
county do all of these (funds.actions.manager_scope); each runs in one transaction with the project's row
locked.

The funds app has no trail table of its own: a project keeps who created and accepted it and the dates of
each step, and each beneficiary household's audit trail records its listing, the project's acceptance and
its cancellation (with the reason)."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from jingzhun import clock
from jingzhun.areas.models import Area, Level
from jingzhun.errors import DomainError, InvalidTransition
from jingzhun.registry import audit
from jingzhun.registry.choices import HouseholdStatus
from jingzhun.registry.models import AuditEvent, Household

from . import project_queries
from .actions import amount_of, manager_scope
from .models import Beneficiary, Project, ProjectKind, Purpose
from .models.projects import PURPOSES

State = Project.State
MOVES: dict[str, set[str]] = {
    State.PLANNED: {State.UNDER_WAY, State.CANCELLED},
    State.UNDER_WAY: {State.COMPLETED, State.CANCELLED},
    State.COMPLETED: {State.ACCEPTED},
}
# Households a project may list: those on the register (an applicant is not yet, a closed one no more).
REGISTERED = (HouseholdStatus.POOR, HouseholdStatus.EXITED, HouseholdStatus.RETURNED)
MAX_NOTE = 300
MAX_REASON = 200  # the audit trail's reason holds this much
OUTPUT_MAX = Decimal("9999999999.99")
CENT = Decimal("0.01")


def _text(value: str, field: str, limit: int, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("This field is required."), field=field)
    if len(value) > limit:
        raise DomainError(_("At most %(n)d characters.") % {"n": limit}, field=field)
    return value


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
    return Project.objects.create(
        area=area, name=_text(name, "name", 120, required=True), kind=kind, purpose=purpose, year=year,
        budget=amount_of(budget, "budget"), output_planned=_output(output_planned, "output_planned"),
        note=_text(note, "note", MAX_NOTE), created_by=actor, created_at=clock.now())


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
    for row in added:
        audit.record(row.household, actor, "project", project.pk, AuditEvent.Action.CREATE,
                     {"project": (None, project.pk), "name": (None, project.name),
                      "added_on": (None, today)})
    return added


@transaction.atomic
def record_output(project: Project, achieved, *, actor, on: datetime.date | None = None) -> Project:
    """The output achieved so far (km of road, wells, mu…), while the project is under way or completed
    and not yet accepted."""
    manager_scope(actor, project.area_id)
    project = _locked(project)
    if project.state not in (State.UNDER_WAY, State.COMPLETED):
        raise InvalidTransition(_("Output is recorded while a project is under way or completed, before "
                                  "its acceptance."))
    _day(on, after=project.started_on)
    project.output_achieved = _output(achieved, "output_achieved")
    project.save(update_fields=["output_achieved"])
    return project


def _with_reason(note: str, reason: str) -> str:
    """The note followed by the cancellation's reason: without a trail table of its own, the project
    keeps the reason there, whole; an old note too long to fit beside it is shortened."""
    if not note:
        return reason
    room = MAX_NOTE - len(reason) - len(" · ")
    return f"{note if len(note) <= room else note[:room - 1] + '…'} · {reason}"


def _beneficiary_trail(project: Project, actor, changes: dict, reason: str = "") -> None:
    households = Household.objects.filter(pk__in=project.beneficiary_links.values("household_id"))
    for household in households:
        audit.record(household, actor, "project", project.pk, AuditEvent.Action.STATUS, changes,
                     reason=reason)


@transaction.atomic
def move_project(project: Project, to: str, *, actor, on: datetime.date | None = None,
                 note: str = "") -> Project:
    """The project's one transition function. Acceptance needs the achieved output recorded; a
    cancellation needs a reason and no money left allocated and unspent (reverse the allocations
    first). Acceptance and cancellation are written to each beneficiary household's trail."""
    manager_scope(actor, project.area_id)
    project = _locked(project)
    if to not in MOVES.get(project.state, set()):
        raise InvalidTransition(_("A project cannot go from %(a)s to %(b)s.") % {
            "a": project.get_state_display(), "b": State(to).label if to in State.values else to})
    old = project.state
    fields = ["state"]
    if to == State.UNDER_WAY:
        project.started_on = _day(on)
        fields.append("started_on")
    elif to == State.COMPLETED:
        project.completed_on = _day(on, after=project.started_on)
        fields.append("completed_on")
    elif to == State.ACCEPTED:
        if project.output_achieved <= 0:
            raise DomainError(_("Record the output achieved before the project is accepted."),
                              field="output_achieved")
        project.accepted_on = _day(on, after=project.completed_on)
        project.accepted_by = actor
        fields += ["accepted_on", "accepted_by"]
    elif to == State.CANCELLED:
        note = _text(note, "note", MAX_REASON, required=True)
        held = project_queries.project_totals(project).unspent
        if held > 0:
            raise DomainError(_("%(a)s yuan is still allocated to the project and not spent: reverse "
                                "those allocations first.") % {"a": f"{held:,.2f}"}, field="note")
        _day(on)
        project.note = _with_reason(project.note, note)
        fields.append("note")
    project.state = to
    project.save(update_fields=fields)
    if to in (State.ACCEPTED, State.CANCELLED):
        changes = {"state": (old, to)}
        if to == State.ACCEPTED:
            changes["accepted_on"] = (None, project.accepted_on)
        _beneficiary_trail(project, actor, changes, reason=note if to == State.CANCELLED else "")
    return project


def start_project(project: Project, *, actor, on: datetime.date | None = None) -> Project:
    return move_project(project, State.UNDER_WAY, actor=actor, on=on)


def complete_project(project: Project, *, actor, on: datetime.date | None = None) -> Project:
    return move_project(project, State.COMPLETED, actor=actor, on=on)


def accept_project(project: Project, *, actor, on: datetime.date | None = None) -> Project:
    return move_project(project, State.ACCEPTED, actor=actor, on=on)


def cancel_project(project: Project, *, actor, reason: str, on: datetime.date | None = None) -> Project:
    return move_project(project, State.CANCELLED, actor=actor, on=on, note=reason)

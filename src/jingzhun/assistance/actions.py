"""Every write about who helps a household and how: helper assignments, plans and their measures, visits.

Each runs in one transaction, checks the actor's scope and writes the household's audit trail. Cadres and
township and county officers manage; a helper records visits and deliveries for their own households."""

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from jingzhun import clock
from jingzhun.areas.models import Role
from jingzhun.areas.scope import Scope, scope_for
from jingzhun.checks import text
from jingzhun.errors import DomainError, InvalidTransition, NotAllowed, OutOfScope
from jingzhun.registry import actions as registry
from jingzhun.registry import audit
from jingzhun.registry.choices import HouseholdStatus
from jingzhun.registry.models import AuditEvent, Cause, Household

from . import photos, queries
from .models import HelperAssignment, Measure, Plan, PlannedMeasure, Visit

CREATE, CHANGE, STATUS = AuditEvent.Action.CREATE, AuditEvent.Action.CHANGE, AuditEvent.Action.STATUS
MEASURE_FIELDS = ("measure", "cause", "recommended", "helper", "amount", "start_on", "due_on", "note")
MAX_NOTE = 300
MAX_VISIT_TEXT = 4000
MEASURE_MOVES = {
    PlannedMeasure.State.PLANNED: {PlannedMeasure.State.UNDER_WAY, PlannedMeasure.State.DELIVERED,
                                   PlannedMeasure.State.CANCELLED},
    PlannedMeasure.State.UNDER_WAY: {PlannedMeasure.State.DELIVERED, PlannedMeasure.State.CANCELLED},
    PlannedMeasure.State.DELIVERED: set(),
    PlannedMeasure.State.CANCELLED: set(),
}


def _scope(actor, household: Household) -> Scope:
    scope = scope_for(actor)
    if not scope.covers(household.village_id):
        raise OutOfScope(_("This record is outside your area."))
    return scope


def _manager(actor, household: Household) -> Scope:
    """Cadres and township and county officers of the household's area."""
    scope = _scope(actor, household)
    if not scope.edits_registry:
        raise NotAllowed(_("Your role may read assistance records but not change them."))
    return scope


def _helper_or_manager(actor, household: Household) -> Scope:
    """A manager, or the helper responsible for this household."""
    scope = _scope(actor, household)
    if scope.edits_registry:
        return scope
    if scope.helps_households and household.helper_id == actor.pk:
        return scope
    if scope.helps_households:
        raise OutOfScope(_("This household has another responsible helper."))
    raise NotAllowed(_("Your role may read assistance records but not change them."))


def _locked(household: Household) -> Household:
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.status == HouseholdStatus.CLOSED:
        raise DomainError(_("This household is closed; its record can no longer be changed."))
    return household


def _day(value: datetime.date | None, field: str, *, not_after_today: bool = False) -> datetime.date:
    if value is None:
        raise DomainError(_("Enter a date."), field=field)
    if not_after_today and value > clock.today():
        raise DomainError(_("This date is in the future."), field=field)
    return value


def _amount(value, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise DomainError(_("Enter an amount in yuan."), field=field) from None
    if amount < 0:
        raise DomainError(_("Amounts cannot be negative."), field=field)
    return amount


def check_helper(helper, village_code: str, field: str = "helper"):
    """A user who may answer for households of this village: an active helper whose area covers it."""
    post = getattr(helper, "post", None) if helper is not None else None
    if post is None or post.role != Role.HELPER or not helper.is_active:
        raise DomainError(_("Choose a registered helper."), field=field)
    if not scope_for(helper).covers(village_code):
        raise DomainError(_("This helper works in another area."), field=field)
    return helper


# Helpers ----------------------------------------------------------------------------------------------

@transaction.atomic
def assign_helper(household: Household, helper, *, actor, started_on: datetime.date | None = None,
                  reason: str = "") -> HelperAssignment:
    """Make `helper` the household's responsible helper from `started_on`, ending the current assignment
    (kept in the history). Open measures and the next visit go over to the new helper."""
    _manager(actor, household)
    household = _locked(household)
    check_helper(helper, household.village_id)
    started_on = _day(started_on or clock.today(), "started_on", not_after_today=True)
    reason = text(reason, "reason", 200)
    current = HelperAssignment.objects.select_for_update().filter(household=household,
                                                                  ended_on__isnull=True).first()
    if current is not None:
        if current.helper_id == helper.pk:
            raise DomainError(_("This helper already answers for the household."), field="helper")
        if started_on < current.started_on:
            raise DomainError(_("The new helper cannot start before the current one did."),
                              field="started_on")
        current.ended_on, current.end_reason = started_on, reason or _("reassigned")
        current.save(update_fields=["ended_on", "end_reason"])
    assignment = HelperAssignment.objects.create(household=household, helper=helper, started_on=started_on,
                                                 assigned_by=actor, reason=reason)
    audit.record(household, actor, "helper", assignment.pk, CREATE,
                 {"helper": (None, helper.pk), "started_on": (None, started_on)}, reason=reason)
    old_helper = household.helper_id
    registry.set_helper(household, helper, actor=actor, reason=reason or _("helper assigned"))
    _hand_over(household, old_helper, helper, actor)
    return assignment


def _hand_over(household: Household, old_helper_id: int | None, helper, actor) -> None:
    """The outgoing helper's open measures and the household's planned visit move to the new helper."""
    Visit.objects.filter(household=household, visited_on__isnull=True).update(helper=helper)
    measures = PlannedMeasure.objects.filter(
        plan__household=household, state__in=[PlannedMeasure.State.PLANNED, PlannedMeasure.State.UNDER_WAY])
    for measure in measures.filter(helper_id=old_helper_id) if old_helper_id else measures.filter(
            helper__isnull=True):
        measure.helper = helper
        measure.save(update_fields=["helper"])
        audit.record(household, actor, "measure", measure.pk, CHANGE, {"helper": (old_helper_id, helper.pk)})


@transaction.atomic
def end_helper(household: Household, *, actor, reason: str,
               ended_on: datetime.date | None = None) -> HelperAssignment:
    """The helper stops answering for the household (transferred, retired) and nobody is named yet: the
    household shows among those without a helper until someone is assigned."""
    _manager(actor, household)
    household = _locked(household)
    reason = text(reason, "reason", 200, required=True)
    current = HelperAssignment.objects.select_for_update().filter(household=household,
                                                                  ended_on__isnull=True).first()
    if current is None:
        raise DomainError(_("This household has no responsible helper."))
    ended_on = _day(ended_on or clock.today(), "ended_on", not_after_today=True)
    if ended_on < current.started_on:
        raise DomainError(_("An assignment cannot end before it started."), field="ended_on")
    current.ended_on, current.end_reason = ended_on, reason
    current.save(update_fields=["ended_on", "end_reason"])
    audit.record(household, actor, "helper", current.pk, AuditEvent.Action.CLOSE,
                 {"ended_on": (None, ended_on)}, reason=reason)
    registry.set_helper(household, None, actor=actor, reason=reason)
    return current


# Plans and measures -----------------------------------------------------------------------------------

REGISTERED = (HouseholdStatus.POOR, HouseholdStatus.RETURNED, HouseholdStatus.EXITED)


@transaction.atomic
def create_plan(household: Household, *, actor, year: int | None = None, measures: list[dict] | None = None,
                note: str = "") -> Plan:
    """The household's one plan. Without `measures`, it takes the measures the rule table recommends for
    the household's causes, each with the household's helper, the measure's typical amount and a year to
    deliver it."""
    _manager(actor, household)
    household = _locked(household)
    if household.status not in REGISTERED:
        raise DomainError(_("A plan is drawn up for a registered poor household."))
    if Plan.objects.filter(household=household).exists():
        raise DomainError(_("This household has a plan already: add measures to it."))
    year = year or clock.today().year
    if not 2013 <= year <= clock.today().year:
        raise DomainError(_("Choose a year from 2013 to this year."), field="year")
    plan = Plan.objects.create(household=household, year=year, created_by=actor, created_at=clock.now(),
                               note=text(note, "note", MAX_NOTE))
    audit.record(household, actor, "plan", plan.pk, CREATE, {"year": (None, year), "note": (None, plan.note)})
    if measures is None:
        measures = recommended_measures(household)
    for values in measures:
        _add_measure(plan, household, actor, **values)
    return plan


def recommended_measures(household: Household) -> list[dict]:
    """The rule table's recommendations as measures to add: today to a year from today."""
    advice = queries.advice_for(household)
    catalogue = Measure.objects.in_bulk(advice.codes)
    start = clock.today()
    return [{"measure": recommendation.measure, "cause": recommendation.causes[0], "recommended": True,
             "helper": household.helper, "amount": catalogue[recommendation.measure].typical_amount or 0,
             "start_on": start, "due_on": start + datetime.timedelta(days=365)}
            for recommendation in advice.recommended]


@transaction.atomic
def add_measure(plan: Plan, *, actor, **values) -> PlannedMeasure:
    household = plan.household
    _manager(actor, household)
    household = _locked(household)
    return _add_measure(plan, household, actor, **values)


def _add_measure(plan: Plan, household: Household, actor, *, measure, cause=None, recommended: bool = False,
                 helper=None, amount=0, start_on: datetime.date | None = None,
                 due_on: datetime.date | None = None, note: str = "") -> PlannedMeasure:
    code = measure.pk if isinstance(measure, Measure) else measure
    found = Measure.objects.filter(pk=code, active=True).first()
    if found is None:
        raise DomainError(_("Choose a measure from the catalogue."), field="measure")
    cause_code = cause.pk if isinstance(cause, Cause) else cause
    if cause_code and cause_code not in _causes_of(household):
        raise DomainError(_("This is not one of the household's causes of poverty."), field="cause")
    if helper is not None:
        check_helper(helper, household.village_id)
    start_on = _day(start_on or clock.today(), "start_on")
    due_on = _day(due_on, "due_on")
    if due_on < start_on:
        raise DomainError(_("A measure cannot be due before it starts."), field="due_on")
    planned = PlannedMeasure.objects.create(
        plan=plan, measure=found, cause_id=cause_code or None, recommended=recommended, helper=helper,
        amount=_amount(amount), start_on=start_on, due_on=due_on, note=text(note, "note", MAX_NOTE))
    audit.record(household, actor, "measure", planned.pk, CREATE,
                 {f: (None, getattr(planned, f)) for f in MEASURE_FIELDS})
    return planned


def _causes_of(household: Household) -> set[str]:
    return {household.main_cause_id, *household.other_causes.values_list("code", flat=True)} - {None}


@transaction.atomic
def update_measure(planned: PlannedMeasure, *, actor, **changes) -> PlannedMeasure:
    """Change an open measure's helper, amount, dates or note."""
    household = planned.plan.household
    _manager(actor, household)
    household = _locked(household)
    planned = PlannedMeasure.objects.select_for_update().get(pk=planned.pk)
    if not planned.open:
        raise InvalidTransition(_("A delivered or cancelled measure can no longer be changed."))
    editable = ("helper", "amount", "start_on", "due_on", "note")
    before = {f: getattr(planned, f) for f in editable}
    for field, value in changes.items():
        if field not in editable:
            raise DomainError(_("%(f)s cannot be changed here.") % {"f": field}, field=field)
        if field == "helper" and value is not None:
            check_helper(value, household.village_id)
        elif field == "amount":
            value = _amount(value)
        elif field == "note":
            value = text(value, "note", MAX_NOTE)
        elif field in ("start_on", "due_on"):
            value = _day(value, field)
        setattr(planned, field, value)
    if planned.due_on < planned.start_on:
        raise DomainError(_("A measure cannot be due before it starts."), field="due_on")
    planned.save()
    audit.record(household, actor, "measure", planned.pk, CHANGE,
                 {f: (before[f], getattr(planned, f)) for f in editable})
    return planned


@transaction.atomic
def move_measure(planned: PlannedMeasure, to: str, *, actor, on: datetime.date | None = None,
                 note: str = "") -> PlannedMeasure:
    """The measure's one transition function: planned → under way → delivered, or cancelled (by a
    manager, with a reason). The household's helper may start and deliver."""
    household = planned.plan.household
    scope = _helper_or_manager(actor, household)
    household = _locked(household)
    planned = PlannedMeasure.objects.select_for_update().get(pk=planned.pk)
    if to not in MEASURE_MOVES.get(planned.state, set()):
        raise InvalidTransition(_("A measure cannot go from %(a)s to %(b)s.") % {
            "a": planned.get_state_display(), "b": PlannedMeasure.State(to).label})
    note = text(note, "note", MAX_NOTE, required=to == PlannedMeasure.State.CANCELLED)
    if to == PlannedMeasure.State.CANCELLED and not scope.edits_registry:
        raise NotAllowed(_("Only the village or an officer can cancel a measure."))
    old = planned.state
    changes = {"state": (old, to)}
    if to == PlannedMeasure.State.DELIVERED:
        planned.delivered_on = _day(on or clock.today(), "delivered_on", not_after_today=True)
        changes["delivered_on"] = (None, planned.delivered_on)
    planned.state = to
    planned.save(update_fields=["state", "delivered_on"])
    audit.record(household, actor, "measure", planned.pk, STATUS, changes, reason=note)
    return planned


# Visits -----------------------------------------------------------------------------------------------

@transaction.atomic
def schedule_visit(household: Household, *, actor, due_on: datetime.date) -> Visit:
    """Set the date of the household's next visit (one planned visit at a time), for its helper."""
    _helper_or_manager(actor, household)
    household = _locked(household)
    due_on = _day(due_on, "due_on")
    if due_on < clock.today():
        raise DomainError(_("A visit cannot be planned in the past."), field="due_on")
    helper = household.helper
    if helper is None:
        raise DomainError(_("Assign a responsible helper before planning visits."))
    visit = Visit.objects.select_for_update().filter(household=household, visited_on__isnull=True).first()
    if visit is None:
        visit = Visit.objects.create(household=household, helper=helper, due_on=due_on)
        audit.record(household, actor, "visit", visit.pk, CREATE, {"due_on": (None, due_on)})
    elif visit.due_on != due_on:
        old, visit.due_on = visit.due_on, due_on
        visit.save(update_fields=["due_on"])
        audit.record(household, actor, "visit", visit.pk, CHANGE, {"due_on": (old, due_on)})
    return visit


@transaction.atomic
def record_visit(household: Household, *, actor, visited_on: datetime.date, found: str, done: str = "",
                 photo=None, next_due_on: datetime.date | None = None) -> Visit:
    """A visit made: what the helper found and did, with a photo if taken. It fulfils the household's
    planned visit, and the next one is planned (by default the standard's interval later)."""
    scope = _helper_or_manager(actor, household)
    household = _locked(household)
    visited_on = _day(visited_on, "visited_on", not_after_today=True)
    found = text(found, "found", MAX_VISIT_TEXT, required=True)
    done = text(done, "done", MAX_VISIT_TEXT)
    following_due = None
    if household.helper_id is not None:
        interval = queries.standard("visit_interval_days", visited_on.year, household.village_id)
        following_due = next_due_on or visited_on + datetime.timedelta(days=int(interval))
        if following_due <= visited_on:
            raise DomainError(_("The next visit must come after this one."), field="next_due_on")
    # Checked before the photo is written: a refusal after it would leave the file behind the rollback.
    prepared_photo = photos.prepared(photo) if photo is not None else None
    visit = Visit.objects.select_for_update().filter(household=household, visited_on__isnull=True).first()
    if visit is None:
        visit = Visit(household=household)
    # Who visited: the helper recording it, else the household's helper, else the officer recording it.
    visit.helper = actor if scope.helps_households else (household.helper or actor)
    visit.visited_on, visit.found, visit.done = visited_on, found, done
    visit.recorded_by, visit.recorded_at = actor, clock.now()
    visit.save()
    if prepared_photo is not None:
        visit.photo.save("photo.jpg", prepared_photo, save=True)
    audit.record(household, actor, "visit", visit.pk, CHANGE if visit.due_on else CREATE,
                 {"visited_on": (None, visited_on), "found": (None, found), "done": (None, done),
                  "photo": (None, _("yes") if visit.photo else "")})
    if following_due is not None:
        following = Visit.objects.create(household=household, helper=household.helper, due_on=following_due)
        audit.record(household, actor, "visit", following.pk, CREATE, {"due_on": (None, following_due)})
    return visit


def helper_users():
    return get_user_model().objects.filter(post__role=Role.HELPER, is_active=True)

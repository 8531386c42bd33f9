"""A household's help on one page: its responsible helper (and their history), its plan with the measures
and their states, its visits. Each form posts to its own address, runs one action and comes back here;
an action's refusal shows at the field it names."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingzhun import clock
from jingzhun.errors import DomainError
from jingzhun.registry import queries as registry_queries
from jingzhun.registry.choices import HouseholdStatus
from jingzhun.registry.decorators import registry_reader
from jingzhun.registry.forms import attempt
from jingzhun.registry.models import Cause

from . import actions, queries, rules
from . import household_forms as hf
from .models import Measure, PlannedMeasure
from .models.catalogue import Condition

State = PlannedMeasure.State
MOVE_ORDER = (State.UNDER_WAY, State.DELIVERED, State.CANCELLED)


def rights(scope, household) -> tuple[bool, bool]:
    """(manages, helps): nothing is written any more for a closed household."""
    if household.status == HouseholdStatus.CLOSED:
        return False, False
    return queries.may_manage(scope, household), queries.may_help(scope, household)


def moves_for(planned: PlannedMeasure, manages: bool, helps: bool) -> list[str]:
    """The state buttons this user may press: the household's helper starts and delivers, managers also
    cancel."""
    if not helps:
        return []
    allowed = actions.MEASURE_MOVES.get(planned.state, set())
    return [s for s in MOVE_ORDER if s in allowed and (s != State.CANCELLED or manages)]


def _advice(household, planned_codes: set[str]) -> dict:
    """The rule table's advice with names: what each recommendation answers, and why others are held
    back."""
    advice = queries.advice_for(household)
    withheld = list(advice.withheld)
    measures = Measure.objects.in_bulk([*advice.codes, *(w.measure for w in withheld)])
    causes = Cause.objects.in_bulk({c for r in advice.recommended for c in r.causes}
                                   | {w.cause for w in withheld})
    return {
        "recommended": [{"measure": measures[r.measure], "causes": [causes[c] for c in r.causes],
                         "planned": r.measure in planned_codes} for r in advice.recommended],
        "withheld": [{"measure": measures[w.measure], "cause": causes[w.cause],
                      "condition": Condition(w.condition).label} for w in withheld],
    }


def _page(request, household, **forms):
    scope = request.scope
    manages, helps = rights(scope, household)
    summary = queries.summary(household)
    today = clock.today()
    planned_codes = {m.measure_id for m in summary.measures if m.state != State.CANCELLED}
    advice = _advice(household, planned_codes) if summary.plan is None or manages else None
    fresh = [a["measure"].code for a in advice["recommended"] if not a["planned"]] if advice else []
    rows = [{
        "m": m, "overdue": rules.overdue(m.due_on, m.state, today),
        "moves": moves_for(m, manages, helps),
        "move_form": forms.get(f"move-{m.pk}") or hf.MoveForm(prefix=f"move-{m.pk}"),
        "edit_form": (forms.get(f"edit-{m.pk}") or hf.MeasureEditForm(prefix=f"edit-{m.pk}", planned=m,
                                                                    household=household))
        if manages and m.open else None,
        "edit_failed": f"edit-{m.pk}" in forms,
    } for m in summary.measures]
    context = {
        "household": household, "summary": summary, "assignments": queries.assignments(household),
        "visits": queries.visits(household), "advice": advice, "rows": rows,
        "manages": manages, "helps": helps, "today": today,
    }
    if manages:
        context.update(
            assign_form=forms.get("assign") or hf.AssignForm(prefix="assign", household=household),
            end_form=forms.get("end") or hf.EndHelperForm(prefix="end"),
            plan_form=forms.get("plan") or hf.PlanForm(prefix="plan"),
            measure_form=forms.get("measure") or hf.MeasureForm(prefix="measure", household=household,
                                                             recommended=fresh))
    if helps and household.helper_id:
        due = summary.next_visit.due_on if summary.next_visit else None
        context["schedule_form"] = forms.get("schedule") or hf.ScheduleForm(prefix="schedule",
                                                                          initial={"due_on": due})
    return render(request, "assistance/household.html", context)


@registry_reader
def household(request, pk: int):
    return _page(request, registry_queries.get_household(request.scope, pk))


def _household_for(request, pk: int, *, manage: bool):
    """The household, 404 outside the user's scope, 403 for a reader who may not write this."""
    household = registry_queries.get_household(request.scope, pk)
    manages, helps = rights(request.scope, household)
    if not (manages if manage else helps):
        raise PermissionDenied
    return household


def _submit(request, household, name: str, form, act, done: str, anchor: str):
    if form.is_valid() and attempt(form, lambda: act(form.cleaned_data)):
        messages.success(request, done)
        return redirect(reverse("assistance:household", args=[household.pk]) + anchor)
    return _page(request, household, **{name: form})


@registry_reader
@require_POST
def assign(request, pk: int):
    household = _household_for(request, pk, manage=True)
    form = hf.AssignForm(request.POST, prefix="assign", household=household)
    return _submit(request, household, "assign", form, lambda data: actions.assign_helper(
        household, data["helper"], actor=request.user, started_on=data["started_on"], reason=data["reason"]),
        _("The responsible helper is assigned."), "#helper")


@registry_reader
@require_POST
def end_helper(request, pk: int):
    household = _household_for(request, pk, manage=True)
    form = hf.EndHelperForm(request.POST, prefix="end")
    return _submit(request, household, "end", form, lambda data: actions.end_helper(
        household, actor=request.user, reason=data["reason"], ended_on=data["ended_on"]),
        _("The helper's assignment is ended."), "#helper")


@registry_reader
@require_POST
def create_plan(request, pk: int):
    household = _household_for(request, pk, manage=True)
    form = hf.PlanForm(request.POST, prefix="plan")
    return _submit(request, household, "plan", form, lambda data: actions.create_plan(
        household, actor=request.user, year=data["year"], note=data["note"]),
        _("The plan is drawn up."), "#plan")


@registry_reader
@require_POST
def add_measure(request, pk: int):
    household = _household_for(request, pk, manage=True)
    plan = queries.plan_of(household)
    if plan is None:
        raise DomainError(_("Draw up the plan first."))
    planned = set(plan.measures.exclude(state=State.CANCELLED).values_list("measure_id", flat=True))
    fresh = [code for code in queries.advice_for(household).codes if code not in planned]
    form = hf.MeasureForm(request.POST, prefix="measure", household=household, recommended=fresh)
    return _submit(request, household, "measure", form, lambda _data: actions.add_measure(
        plan, actor=request.user, **form.values()), _("The measure is added to the plan."), "#measures")


def _measure_for(request, pk: int, *, manage: bool):
    planned = get_object_or_404(PlannedMeasure.objects.select_related("plan"), pk=pk)
    return planned, _household_for(request, planned.plan.household_id, manage=manage)


@registry_reader
@require_POST
def edit_measure(request, pk: int):
    planned, household = _measure_for(request, pk, manage=True)
    name = f"edit-{pk}"
    form = hf.MeasureEditForm(request.POST, prefix=name, planned=planned, household=household)
    return _submit(request, household, name, form, lambda data: actions.update_measure(
        planned, actor=request.user, **data), _("The measure is changed."), f"#measure-{pk}")


@registry_reader
@require_POST
def move_measure(request, pk: int):
    planned, household = _measure_for(request, pk, manage=False)
    name = f"move-{pk}"
    form = hf.MoveForm(request.POST, prefix=name)
    return _submit(request, household, name, form, lambda data: actions.move_measure(
        planned, data["to"], actor=request.user, on=data["on"], note=data["note"]),
        _("The measure's state is changed."), f"#measure-{pk}")


@registry_reader
@require_POST
def schedule_visit(request, pk: int):
    household = _household_for(request, pk, manage=False)
    form = hf.ScheduleForm(request.POST, prefix="schedule")
    return _submit(request, household, "schedule", form, lambda data: actions.schedule_visit(
        household, actor=request.user, due_on=data["due_on"]), _("The next visit is planned."), "#visits")

"""Pages of household procedures: a household's cases and evaluation, a case with its steps, the queue."""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingzhun import clock
from jingzhun.errors import DomainError
from jingzhun.policy import queries as policy
from jingzhun.policy.rules import PolicyMissing, criteria_from
from jingzhun.registry import queries as registry_queries
from jingzhun.registry.choices import HouseholdStatus
from jingzhun.registry.decorators import registry_reader

from . import actions, case_queries, machine, procedure
from .forms import STEP_FORMS, AnswerForm, ApplyForm, ProposeExitForm, StepForm
from .models import Case, Objection

PAGE_SIZE = 30


def _default_year(household) -> int:
    latest = household.incomes.order_by("-year").values_list("year", flat=True).first()
    return latest or clock.today().year - 1


def _opening_form(request, household, data=None):
    """The form that starts a procedure for this household, when the user's role may start one."""
    if household.cases.filter(closed_at__isnull=True).exists():
        return None
    if household.status in (HouseholdStatus.APPLICANT, HouseholdStatus.NON_POOR):
        kind, form_class = "identification", ApplyForm
    elif household.status in (HouseholdStatus.POOR, HouseholdStatus.RETURNED):
        kind, form_class = "exit", ProposeExitForm
    else:
        return None
    opening = "apply" if kind == "identification" else "propose"
    if request.scope.role not in machine.step(kind, opening).roles:
        return None
    form = form_class(data, initial={"year": _default_year(household)})
    form.kind = kind
    return form


@registry_reader
def household_cases(request, pk: int):
    household = registry_queries.get_household(request.scope, pk)
    form = _opening_form(request, household, request.POST or None)
    if request.method == "POST" and form is not None and form.is_valid():
        values = form.cleaned_data
        try:
            with transaction.atomic():
                if form.kind == "identification":
                    case = actions.apply_for_identification(
                        household, values["year"], actor=request.user, channel=values["channel"],
                        reason=values["reason"])
                else:
                    case = actions.propose_exit(household, values["year"], actor=request.user,
                                                reason=values["reason"])
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The procedure has started."))
            return redirect("identification:case", case.pk)
    try:
        year = int(request.GET.get("year") or _default_year(household))
    except ValueError:
        year = _default_year(household)
    try:
        evaluation, missing = policy.evaluate(household, year), ""
    except PolicyMissing as error:
        evaluation, missing = None, error.message
    return render(request, "identification/household_cases.html", {
        "household": household, "cases": household.cases.order_by("-opened_at"), "form": form,
        "year": year, "evaluation": evaluation, "missing": missing,
    })


def _step_forms(request, case, bound_step: str | None = None, bound_form=None) -> list[tuple]:
    forms = []
    for step in machine.next_steps(case.kind, case.state, request.scope.role):
        if step.name == bound_step:
            form = bound_form
        else:
            form = STEP_FORMS.get(step.name, StepForm)(
                prefix=step.name, initial={"meeting_on": clock.today()} if step.name == "appraise" else None)
        forms.append((step, form))
    return forms


def _take(request, case, step: str, form) -> Case:
    values = form.cleaned_data
    if step == "appraise":
        return actions.record_appraisal(case, actor=request.user, meeting_on=values["meeting_on"],
                                        attendance=values["attendance"], votes_for=values["votes_for"],
                                        votes_against=values["votes_against"],
                                        abstentions=values["abstentions"] or 0, reason=values["reason"])
    if step == "verify":
        return actions.verify_exit(case, actor=request.user, household_agrees=values["household_agrees"],
                                   reason=values["reason"])
    return actions.take_step(case, step, actor=request.user, reason=values["reason"])


@registry_reader
def case_detail(request, pk: int):
    case = case_queries.get_case(request.scope, pk)
    bound_step, bound_form = None, None
    if request.method == "POST":
        bound_step = request.POST.get("step", "")
        bound_form = STEP_FORMS.get(bound_step, StepForm)(request.POST, prefix=bound_step)
        if bound_form.is_valid():
            try:
                with transaction.atomic():
                    case = _take(request, case, bound_step, bound_form)
            except DomainError as error:
                bound_form.add_domain_error(error)
            else:
                messages.success(request, _("Done: %(state)s.") % {"state": case.get_state_display()})
                return redirect("identification:case", case.pk)
    notices = list(case.notices.prefetch_related("objections__answered_by").order_by("round", "starts_on"))
    answering = {n.pk: request.scope.role in procedure.answering_roles(n) for n in notices}
    return render(request, "identification/case_detail.html", {
        "case": case, "household": case.household, "events": case.events.select_related("actor"),
        "notices": notices, "answering": answering,
        "steps": _step_forms(request, case, bound_step, bound_form),
        "today": clock.today(), "answer_form": AnswerForm(), "kept_criteria": criteria_from(case.evaluation),
    })


@require_POST
@registry_reader
def objection_answer(request, pk: int):
    objection = (Objection.objects.select_related("notice__case")
                 .filter(pk=pk, notice__case__isnull=False).first())
    case = case_queries.get_case(request.scope, objection.notice.case_id if objection else 0)
    answer_from_form(request, objection)
    return redirect("identification:case", case.pk)


def answer_from_form(request, objection: Objection) -> None:
    """Answer an objection of a notice the caller has found in the user's scope; the outcome as a message."""
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            procedure.answer_objection(objection, actor=request.user, answer=form.cleaned_data["answer"],
                                       outcome=form.cleaned_data["outcome"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The objection is answered."))
    else:
        messages.error(request, _("Write the answer and choose the outcome."))


@registry_reader
def case_list(request):
    params = request.GET
    mine = params.get("mine") == "1"
    cases = case_queries.search_cases(request.scope, kind=params.get("kind", ""),
                                      state=params.get("state", ""), area=params.get("area", ""), mine=mine)
    page = Paginator(cases.select_related("household__village"), PAGE_SIZE).get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    return render(request, "identification/case_list.html", {
        "page": page, "kinds": Case.Kind.choices, "states": machine.STATE_LABELS.items(), "params": params,
        "mine": mine, "query": query.urlencode(), "year": datetime.date.today().year,
    })

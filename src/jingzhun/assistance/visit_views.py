"""The visit page, made for the helper's phone: the household at a glance, its open measures (each
deliverable on the spot) and the record of the visit with a photo. The photo is served only to those who
may read the household; there is no public media address."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from jingzhun import clock
from jingzhun.registry import queries as registry_queries
from jingzhun.registry import rules as registry_rules
from jingzhun.registry.decorators import registry_reader
from jingzhun.registry.forms import attempt

from . import actions, queries
from .household_forms import MoveForm, VisitForm
from .household_views import rights
from .models import PlannedMeasure, Visit

State = PlannedMeasure.State


def _interval(household) -> int:
    return int(queries.standard("visit_interval_days", clock.today().year, household.village_id))


def _open_measures(household) -> list[PlannedMeasure]:
    return list(PlannedMeasure.objects.select_related("measure", "cause", "helper")
                .filter(plan__household=household, state__in=[State.PLANNED, State.UNDER_WAY])
                .order_by("due_on", "id"))


def _render(request, household, visit: Visit | None, writes: bool, form=None, failed=None):
    today = clock.today()
    causes = ([household.main_cause] if household.main_cause else []) + [
        c for c in household.other_causes.all() if c.pk != household.main_cause_id]
    deliver = [{
        "m": m, "overdue": m.due_on < today,
        "form": failed if failed is not None and failed.prefix == f"deliver-{m.pk}"
        else MoveForm(prefix=f"deliver-{m.pk}"),
    } for m in _open_measures(household)]
    recorded = visit is not None and not visit.planned
    # A refusal about a measure no longer open (delivered from another page meanwhile) shows on top.
    stray = failed if failed is not None and all(d["form"] is not failed for d in deliver) else None
    return render(request, "assistance/visit.html", {
        "stray_errors": stray.non_field_errors() if stray else None,
        "household": household, "visit": visit, "recorded": recorded, "writes": writes,
        "members": [(m, registry_rules.age_on(m.birth_date, today)) for m in household.current_members],
        "causes": causes, "deliver": deliver, "today": today,
        "form": form or (VisitForm(prefix="visit", interval_days=_interval(household)) if writes else None),
        "next_visit": queries.next_visit(household) if recorded else None,
        "last_visit": None if recorded else queries.last_visit(household),
    })


def _record(request, household, visit: Visit | None):
    form = VisitForm(request.POST, request.FILES, prefix="visit", interval_days=_interval(household))
    done = []
    if form.is_valid() and attempt(form, lambda: done.append(actions.record_visit(
            household, actor=request.user, visited_on=form.cleaned_data["visited_on"],
            found=form.cleaned_data["found"], done=form.cleaned_data["done"],
            photo=form.cleaned_data["photo"], next_due_on=form.cleaned_data["next_due_on"]))):
        messages.success(request, _("The visit is recorded."))
        return redirect("assistance:visit", pk=done[0].pk)
    return _render(request, household, visit, True, form=form)


def _deliver(request, household, visit: Visit | None):
    planned = get_object_or_404(PlannedMeasure, pk=request.POST.get("deliver", ""), plan__household=household)
    prefix = f"deliver-{planned.pk}"
    data = request.POST.copy()
    data[f"{prefix}-to"] = State.DELIVERED
    form = MoveForm(data, prefix=prefix)
    if form.is_valid() and attempt(form, lambda: actions.move_measure(
            planned, State.DELIVERED, actor=request.user, on=form.cleaned_data["on"],
            note=form.cleaned_data["note"])):
        messages.success(request, _("The measure is marked delivered."))
        return redirect(request.path + "#open-measures")
    return _render(request, household, visit, True, failed=form)


def _visit_page(request, household, visit: Visit | None):
    _manages, helps = rights(request.scope, household)
    writes = helps and (visit is None or visit.planned)
    if request.method == "POST":
        if not writes:
            raise PermissionDenied
        if "deliver" in request.POST:
            return _deliver(request, household, visit)
        return _record(request, household, visit)
    return _render(request, household, visit, writes)


@registry_reader
def visit(request, pk: int):
    found = get_object_or_404(Visit.objects.select_related("helper", "recorded_by"), pk=pk)
    household = registry_queries.get_household(request.scope, found.household_id)
    return _visit_page(request, household, found)


@registry_reader
def visit_new(request, pk: int):
    """A visit nobody planned; when one is planned, its page records it (record_visit fulfils it)."""
    household = registry_queries.get_household(request.scope, pk)
    if not rights(request.scope, household)[1]:
        raise PermissionDenied
    planned = queries.next_visit(household)
    if planned is not None:
        return redirect("assistance:visit", pk=planned.pk)
    return _visit_page(request, household, None)


def visit_photo(request, pk: int):
    """404 to everyone who may not read the household, signed in or not: nothing says a photo exists."""
    found = Visit.objects.filter(pk=pk).first()
    if found is None or not found.photo:
        raise Http404
    registry_queries.get_household(request.scope, found.household_id)
    try:
        handle = found.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response

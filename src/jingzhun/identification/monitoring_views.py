"""Pages of monitoring against return to poverty: the risk list (a village's households, or counts per
child area), its CSV, a risk with its assistance and its end, a household's hardships, and flagging."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingzhun.areas.models import Level
from jingzhun.errors import DomainError
from jingzhun.registry import queries as registry_queries
from jingzhun.registry.choices import HouseholdStatus
from jingzhun.registry.decorators import registry_editor, registry_exporter, registry_reader
from jingzhun.registry.intake.export_xlsx import csv_lines

from . import monitoring
from . import monitoring_queries as queries
from .models import Risk
from .monitoring_forms import AssistanceForm, FlagForm, HardshipForm, ReasonForm, ReturnForm
from .monitoring_rules import may_eliminate, reason_text

PAGE_SIZE = 50


def _list_query(flt: queries.RiskFilter, area_code: str | None = None) -> str:
    values = {"area": area_code or flt.area, "year": flt.year, "group": flt.group, "state": flt.state}
    return urlencode({k: v for k, v in values.items() if v})


def list_url(area_code: str, year: int) -> str:
    return f"{reverse('identification:monitoring')}?{urlencode({'area': area_code, 'year': year})}"


@registry_reader
def risk_list(request):
    scope = request.scope
    flt = queries.filter_from_query(request.GET, scope)
    area = registry_queries.visible_area(scope, flt.area)
    risks = queries.search_risks(scope, flt, area)
    context = {
        "filter": flt, "area": area, "ancestors": area.ancestors, "query": _list_query(flt),
        "groups": Risk.Group.choices, "states": Risk.State.choices,
        "can_flag": scope.edits_registry and scope.covers(area.code),
    }
    if area.level == Level.VILLAGE:
        page = Paginator(queries.village_list(risks), PAGE_SIZE).get_page(request.GET.get("page"))
        heads = queries.heads_of(risk.household_id for risk in page)
        context.update(page=page, rows=[{
            "risk": risk, "head": heads.get(risk.household_id, ("", "")),
            "reasons": [reason_text(r) for r in risk.reasons],
        } for risk in page])
    else:
        children, total = queries.child_counts(scope, flt, area)
        context.update(children=[(row, _list_query(flt, row.area.code)) for row in children], total=total)
    return render(request, "identification/monitoring_list.html", context)


@registry_exporter
def risk_export(request):
    flt = queries.filter_from_query(request.GET, request.scope)
    area = registry_queries.visible_area(request.scope, flt.area)
    rows = queries.export_rows(request.scope, queries.search_risks(request.scope, flt, area))
    response = StreamingHttpResponse(csv_lines(next(rows), rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="risks-{area.code}-{flt.year}.csv"'
    return response


@registry_editor
@require_POST
def risk_flag(request):
    form = FlagForm(request.POST)
    if not form.is_valid():
        raise DomainError(" ".join(e for errors in form.errors.values() for e in errors))
    area, year = form.cleaned_data["area"], form.cleaned_data["year"]
    counts = monitoring.flag_risks(area, year, actor=request.user)
    messages.success(request, _(
        "%(scanned)d households checked for %(year)s: %(new)d newly at risk (%(unstable)d unstable exited, "
        "%(marginal)d marginal, %(hardship)d sudden hardship); %(existing)d already flagged; "
        "%(fallen)d exited households below the poverty line.") % {
        **counts, "year": year, "new": counts["unstable"] + counts["marginal"] + counts["hardship"],
        "fallen": counts["fallen_back"]})
    return redirect(list_url(area, year))


def _risk_page(request, risk: Risk, **forms):
    scope = request.scope
    writes = scope.edits_registry and risk.state == Risk.State.OPEN
    elimination = error = None
    if writes:
        try:
            elimination = may_eliminate(queries.elimination_facts(risk))
        except DomainError as missing:
            error = missing.message
    household = risk.household
    heads = queries.heads_of([household.pk])
    returns = scope.edits_registry and household.status == HouseholdStatus.EXITED
    return render(request, "identification/monitoring_risk.html", {
        "risk": risk, "household": household, "head": heads.get(household.pk, ("", "")),
        "reasons": [reason_text(r) for r in risk.reasons], "assistance": queries.assistance_of(risk),
        "writes": writes, "elimination": elimination, "elimination_error": error,
        "assistance_form": forms.get("assistance") or AssistanceForm(prefix="assistance"),
        "eliminate_form": forms.get("eliminate") or ReasonForm(prefix="eliminate"),
        "close_form": forms.get("close") or ReasonForm(prefix="close"),
        "return_form": (forms.get("return") or ReturnForm(prefix="return", initial={"year": risk.year})
                        if returns else None),
        "list_url": list_url(household.village_id, risk.year),
    })


@registry_reader
def risk_detail(request, pk: int):
    return _risk_page(request, queries.get_risk(request.scope, pk))


def _post(request, pk: int, name: str, form_class, act, done: str):
    """A form of the risk page: validate, run the action, and show an error at its field."""
    risk = queries.get_risk(request.scope, pk)
    form = form_class(request.POST, prefix=name)
    if form.is_valid():
        try:
            act(risk, form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, done)
            return redirect("identification:monitoring_risk", pk=pk)
    return _risk_page(request, risk, **{name: form})


@registry_editor
@require_POST
def risk_assistance(request, pk: int):
    return _post(request, pk, "assistance", AssistanceForm, lambda risk, data: monitoring.add_assistance(
        risk, actor=request.user, given_on=data["given_on"], measure=data["measure"]),
        _("Assistance recorded."))


@registry_editor
@require_POST
def risk_eliminate(request, pk: int):
    return _post(request, pk, "eliminate", ReasonForm, lambda risk, data: monitoring.eliminate_risk(
        risk, actor=request.user, reason=data["reason"]), _("The risk is marked eliminated."))


@registry_editor
@require_POST
def risk_close(request, pk: int):
    return _post(request, pk, "close", ReasonForm, lambda risk, data: monitoring.close_risk(
        risk, actor=request.user, reason=data["reason"]), _("The risk is closed."))


@registry_editor
@require_POST
def risk_return(request, pk: int):
    return _post(request, pk, "return", ReturnForm, lambda risk, data: monitoring.record_return_to_poverty(
        risk.household, data["year"], actor=request.user, reason=data["reason"]),
        _("The household is recorded as returned to poverty."))


@registry_editor
def hardship_new(request, pk: int):
    household = registry_queries.get_household(request.scope, pk)
    form = HardshipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recorded = monitoring.record_hardship(household, actor=request.user, **form.values())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _hardship_message(recorded))
            if recorded.risk is None:
                return redirect("registry:household", pk=household.pk)
            return redirect("identification:monitoring_risk", pk=recorded.risk.pk)
    return render(request, "identification/monitoring_hardship.html", {
        "household": household, "form": form, "hardships": household.hardships.select_related("recorded_by"),
        "risks": queries.household_risks(request.scope, household.pk),
    })


def _hardship_message(recorded: monitoring.HardshipRecorded) -> str:
    risk, year = recorded.risk, recorded.hardship.occurred_on.year
    if risk is None:
        return _("Hardship recorded. By the figures recorded for %(year)s the household is not at risk.") % {
            "year": year}
    if recorded.flagged:
        return _("Hardship recorded; the household is flagged at risk: %(group)s.") % {
            "group": risk.get_group_display()}
    return _("Hardship recorded; the household's risk for %(year)s is %(state)s.") % {
        "year": year, "state": risk.get_state_display()}

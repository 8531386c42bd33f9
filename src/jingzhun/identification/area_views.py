"""Pages of village and county exits and of the third-party check: the area cases in the user's area, a
case with its report and the steps the user's role may take, the opening forms, samples with result entry.
Every read is filtered by scope (404 outside it); every write goes through area_actions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingzhun import clock
from jingzhun.areas.models import Area, AreaFlag, Level, Role
from jingzhun.areas.scope import Scope
from jingzhun.errors import DomainError
from jingzhun.registry.decorators import registry_exporter, registry_reader

from . import area_actions, area_rules, exit_reports, exit_workbook, machine, procedure, sampling
from .area_forms import (
    CountyExitForm,
    DrawSampleForm,
    HouseholdResultForm,
    VillageExitForm,
    VillageResultForm,
)
from .case_views import answer_from_form
from .forms import AnswerForm, StepForm
from .models import AreaCase, Objection, Sample, SampledHousehold, SampledVillage

PAGE_SIZE = 30
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def visible_area_cases(scope: Scope) -> QuerySet[AreaCase]:
    return AreaCase.objects.filter(scope.area_q("area__code")).select_related("area", "opened_by")


def get_area_case(scope: Scope, pk: int) -> AreaCase:
    case = visible_area_cases(scope).filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def get_sample(scope: Scope, pk: int) -> Sample:
    sample = Sample.objects.filter(scope.area_q("county__code")).select_related("county", "drawn_by") \
        .filter(pk=pk).first()
    if sample is None:
        raise Http404
    return sample


def _opening_steps(role: str | None) -> dict:
    return {kind: role in machine.step(kind, first).roles
            for kind, first in (("village_exit", "propose"), ("county_exit", "apply"))}


@registry_reader
def area_case_list(request):
    params = request.GET
    cases = visible_area_cases(request.scope)
    if params.get("kind") in AreaCase.Kind.values:
        cases = cases.filter(kind=params["kind"])
    if params.get("state") == "open":
        cases = cases.filter(closed_at__isnull=True)
    elif params.get("state") in machine.STATE_LABELS:
        cases = cases.filter(state=params["state"])
    if (params.get("year") or "").isdigit():
        cases = cases.filter(year=int(params["year"]))
    page = Paginator(cases.order_by("-opened_at", "-id"), PAGE_SIZE).get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    return render(request, "identification/area_case_list.html", {
        "page": page, "kinds": AreaCase.Kind.choices, "states": machine.STATE_LABELS.items(),
        "params": params, "query": query.urlencode(), "opens": _opening_steps(request.scope.role),
    })


def _local_name(item: dict) -> str:
    return item["name_en"] if (get_language() or "").startswith("en") else item["name_zh"]


def _report_context(report: dict) -> dict:
    criteria = area_rules.criteria_from(report.get("criteria", []))
    villages = [{**v, "name": _local_name(v)} for v in report.get("villages", [])]
    return {"report": report, "criteria": criteria, "villages": villages,
            "remaining_shown": report.get("remaining", {}).get("households", [])[:50]}


@registry_reader
def area_case_detail(request, pk: int):
    case = get_area_case(request.scope, pk)
    bound_step, bound_form = None, None
    if request.method == "POST":
        bound_step = request.POST.get("step", "")
        bound_form = StepForm(request.POST, prefix=bound_step)
        if bound_form.is_valid():
            try:
                case = area_actions.take_step(case, bound_step, actor=request.user,
                                              reason=bound_form.cleaned_data["reason"])
            except DomainError as error:
                bound_form.add_domain_error(error)
            else:
                messages.success(request, _("Done: %(state)s.") % {"state": case.get_state_display()})
                return redirect("identification:area_case", case.pk)
    steps = [(step, bound_form if step.name == bound_step else StepForm(prefix=step.name))
             for step in machine.next_steps(case.kind, case.state, request.scope.role)]
    notices = list(case.notices.prefetch_related("objections__answered_by").order_by("round", "starts_on"))
    answering = {n.pk: request.scope.role in procedure.answering_roles(n) for n in notices}
    sample = _case_sample(case) if case.kind == "county_exit" else None
    # A case opened elsewhere (the demo's history) may keep only its headline figures.
    kept = "criteria" in case.report
    report = case.report if kept else _fresh_report(case, None)
    return render(request, "identification/area_case_detail.html", {
        "case": case, "steps": steps, "notices": notices, "answering": answering, "answer_form": AnswerForm(),
        "events": case.events.select_related("actor"), "today": clock.today(), "sample": sample,
        "kept": kept, **_report_context(report),
    })


@require_POST
@registry_reader
def area_objection_answer(request, pk: int):
    objection = (Objection.objects.select_related("notice")
                 .filter(pk=pk, notice__area_case__isnull=False).first())
    case = get_area_case(request.scope, objection.notice.area_case_id if objection else 0)
    answer_from_form(request, objection)
    return redirect("identification:area_case", case.pk)


def _case_sample(case: AreaCase):
    """The sample the assessment judged with; before any assessment, the county-year's sample."""
    return area_actions.assessed_sample(case) or exit_reports.latest_sample(case.area_id, case.year)


def _fresh_report(case: AreaCase, scope: Scope | None) -> dict:
    if case.kind == AreaCase.Kind.VILLAGE_EXIT:
        return exit_reports.village_exit_report(case.area_id, case.year, scope=scope,
                                                considerations=case.report.get("considerations", {}))
    return exit_reports.county_exit_report(case.area_id, case.year, scope=scope, sample=_case_sample(case))


@registry_exporter
def area_case_xlsx(request, pk: int):
    """The report with today's figures, ID numbers as the user's role may see them."""
    case = get_area_case(request.scope, pk)
    response = HttpResponse(exit_workbook.workbook(_fresh_report(case, request.scope)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{case.kind}-{case.area_id}-{case.year}.xlsx"'
    return response


def _poor_areas(scope: Scope, level: str, kind: str, year: int) -> list[Area]:
    flags = AreaFlag.objects.filter(scope.area_q("area__code"), kind=kind, area__level=level) \
        .select_related("area").order_by("area_id")
    seen: dict[str, Area] = {}
    for flag in flags:
        if flag.active_in(year):
            seen.setdefault(flag.area_id, flag.area)
    return list(seen.values())


def _year(request) -> int:
    raw = request.POST.get("year") or request.GET.get("year") or ""
    return int(raw) if raw.isdigit() else clock.today().year - 1


@registry_reader
def village_exit_new(request):
    if not _opening_steps(request.scope.role)["village_exit"]:
        raise PermissionDenied
    year = _year(request)
    villages = _poor_areas(request.scope, Level.VILLAGE, AreaFlag.Kind.POOR_VILLAGE, year)
    form = VillageExitForm(request.POST or None, villages=villages, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            case = area_actions.propose_village_exit(values["village"], values["year"], actor=request.user,
                                                     considerations=form.considerations(),
                                                     reason=values["reason"])
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The procedure has started."))
            return redirect("identification:area_case", case.pk)
    return render(request, "identification/area_case_new.html", {
        "form": form, "kind": "village_exit", "year": year, "title": _("Propose a village's exit")})


@registry_reader
def county_exit_new(request):
    if not _opening_steps(request.scope.role)["county_exit"]:
        raise PermissionDenied
    county = Area.objects.get(code=request.scope.area_code)
    form = CountyExitForm(request.POST or None, initial={"year": _year(request)})
    if request.method == "POST" and form.is_valid():
        try:
            case = area_actions.apply_county_exit(county.code, form.cleaned_data["year"], actor=request.user,
                                                  reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The procedure has started."))
            return redirect("identification:area_case", case.pk)
    return render(request, "identification/area_case_new.html", {
        "form": form, "kind": "county_exit", "county": county, "title": _("Apply for the county's exit")})


@registry_reader
def sample_list(request):
    samples = Sample.objects.filter(request.scope.area_q("county__code")).select_related("county", "drawn_by")
    draws = request.scope.role == Role.PROVINCE_OFFICER
    form = None
    if draws:
        year = _year(request)
        counties = _poor_areas(request.scope, Level.COUNTY, AreaFlag.Kind.POOR_COUNTY, year)
        form = DrawSampleForm(request.POST or None, counties=counties, initial={"year": year})
        if request.method == "POST" and form.is_valid():
            values = form.cleaned_data
            try:
                sample = area_actions.draw_sample(values["county"], values["year"], actor=request.user,
                                                  seed=values["seed"])
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, _("The sample is drawn."))
                return redirect("identification:sample", sample.pk)
    elif request.method == "POST":
        raise PermissionDenied
    page = Paginator(samples.order_by("-drawn_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "identification/sample_list.html", {"page": page, "form": form, "query": ""})


@registry_reader
def sample_detail(request, pk: int):
    sample = get_sample(request.scope, pk)
    enters = request.scope.role == Role.PROVINCE_OFFICER
    section = exit_reports.sample_section(sample)
    village_rows = dict(sample.villages.values_list("village_id", "pk"))
    household_rows = dict(sample.households.values_list("household_id", "pk"))
    for row in section["villages"]:
        row["label"], row["row"] = sampling.stratum_label(row["stratum"]), village_rows[row["code"]]
        row["name"] = _local_name(row)
    for row in section["households"]:
        row["label"], row["row"] = sampling.stratum_label(row["stratum"]), household_rows[row["id"]]
    return render(request, "identification/sample_detail.html", {
        "sample": sample, "section": section, "enters": enters,
        "criteria": area_rules.criteria_from(sample.results.get("criteria", [])),
        "strata": [(sampling.stratum_label(name), size, drawn) for part in sample.strata.values()
                   for name, (size, drawn) in part.items()],
    })


def _enter_result(request, form_class, enter, sampled) -> None:
    form = form_class(request.POST)
    if form.is_valid():
        try:
            enter(sampled, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The result is saved."))
    else:
        messages.error(request, _("Check the result entered."))


def _result_redirect(sample_pk: int, anchor: str):
    return redirect(f"{redirect('identification:sample', sample_pk).url}#{anchor}")


@require_POST
@registry_reader
def sample_household_result(request, pk: int, row: int):
    sample = get_sample(request.scope, pk)
    sampled = SampledHousehold.objects.filter(sample=sample, pk=row).first()
    if sampled is None:
        raise Http404
    _enter_result(request, HouseholdResultForm, area_actions.enter_household_result, sampled)
    return _result_redirect(sample.pk, f"household-{sampled.pk}")


@require_POST
@registry_reader
def sample_village_result(request, pk: int, row: int):
    sample = get_sample(request.scope, pk)
    sampled = SampledVillage.objects.filter(sample=sample, pk=row).first()
    if sampled is None:
        raise Http404
    _enter_result(request, VillageResultForm, area_actions.enter_village_result, sampled)
    return _result_redirect(sample.pk, f"village-{sampled.pk}")

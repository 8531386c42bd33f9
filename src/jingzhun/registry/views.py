import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from jingzhun.errors import DomainError

from . import actions, audit, duplicate_queries, export_jobs, panels, queries, rules
from .choices import HouseholdStatus, HouseholdType
from .decorators import registry_editor, registry_exporter, registry_reader
from .export import export_response, members_xlsx_response, template_response
from .forms import (
    CloseHouseholdForm,
    CloseMemberForm,
    ConditionsForm,
    HeadForm,
    HouseholdForm,
    IncomeForm,
    MemberForm,
    NewHouseholdForm,
)
from .models import Cause, Income, LivingConditions

PAGE_SIZE = 25


def _filter_from(request) -> queries.HouseholdFilter:
    return queries.filter_from_query(request.GET)


def _list_query(request) -> str:
    """The list's query string without its page: what export links and export jobs carry."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@registry_reader
def household_list(request):
    flt = _filter_from(request)
    area = queries.visible_area(request.scope, flt.area) if flt.area else None
    households = queries.search_households(request.scope, flt)
    page = Paginator(queries.with_list_details(households), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registry/household_list.html", {
        "page": page, "filter": flt, "area": area, "query": _list_query(request),
        "statuses": HouseholdStatus.choices, "types": HouseholdType.choices, "causes": Cause.objects.all(),
    })


@registry_exporter
def household_export(request):
    households = queries.search_households(request.scope, _filter_from(request))
    return export_response(request.scope, households)


@registry_exporter
def household_export_xlsx(request):
    """The filtered list as the register's member rows (.xlsx), in the layout import reads back: at once
    when the list is small, else as a background job whose page shows progress and then the file."""
    households = queries.search_households(request.scope, _filter_from(request))
    if export_jobs.fits_in_request(households):
        return members_xlsx_response(request.scope, households)
    job = export_jobs.create_export_job(request.user, _list_query(request),
                                        language=translation.get_language())
    export_jobs.start_export_job(job)
    return redirect("registry:export_job", job.pk)


@registry_editor
def register_template(request):
    return template_response()


@registry_reader
def household_detail(request, pk: int):
    household = queries.get_household(request.scope, pk)
    trail = audit.trail(queries.audit_trail(household), request.scope)
    return render(request, "registry/household_detail.html", {
        "household": household,
        "members": household.members.all(),
        "income_years": queries.income_years(household),
        "conditions": household.conditions.order_by("-year"),
        "trail": trail,
        "today": datetime.date.today(),
        "duplicate_flags": duplicate_queries.open_flags_of_household(request.scope, household.pk),
        "panels": panels.for_household(request, household),
    })


def _save(request, form, save, success_url, template, context):
    """Validate the form, run the action, and show a domain error at its field."""
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                save(form)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Saved."))
            return redirect(success_url)
    return render(request, template, {"form": form, **context})


def _warn_about_id(request, id_number: str) -> None:
    """Numbers whose area code postdates the birth year are kept, but the user is asked to check."""
    warning = rules.check_id_number(id_number).warning
    if warning:
        messages.warning(request, f"{id_number}: {warning}")


@registry_editor
def household_new(request):
    # A cadre registers in their own village; others pick one, or arrive from a village's list.
    own_village = request.scope.area_code if len(request.scope.prefix) == 12 else None
    village = request.GET.get("village") or own_village
    form = NewHouseholdForm(request.POST or None, scope=request.scope,
                            initial={"village": village} if village else None)
    head = HeadForm(request.POST or None, prefix="head")
    if request.method == "POST" and form.is_valid() and head.is_valid():
        try:
            household = actions.register_household(
                actor=request.user, village_code=form.cleaned_data["village"].code,
                head=head.values(), **form.household_values(), **form.cause_values())
        except DomainError as error:
            (head if error.field in head.fields else form).add_domain_error(error)
        else:
            _warn_about_id(request, household.head.id_number)
            messages.success(request, _("Household registered."))
            return redirect("registry:household", pk=household.pk)
    return render(request, "registry/household_new.html", {"form": form, "head": head})


@registry_editor
def household_edit(request, pk: int):
    household = queries.get_household(request.scope, pk)
    initial = {"main_cause": household.main_cause, "other_causes": household.other_causes.all()}
    form = HouseholdForm(request.POST or None, instance=household, initial=initial)

    def save(form):
        actions.update_household(household, actor=request.user, **form.household_values())
        actions.set_causes(household, actor=request.user, **form.cause_values())

    return _save(request, form, save, household_url(household), "registry/household_form.html",
                 {"household": household})


def household_url(household) -> str:
    return reverse("registry:household", args=[household.pk])


@registry_editor
def household_close(request, pk: int):
    """Households are never deleted: their record is closed, with the reason, and kept."""
    household = queries.get_household(request.scope, pk)
    form = CloseHouseholdForm(request.POST or None)

    def save(form):
        actions.change_status(household, HouseholdStatus.CLOSED, actor=request.user,
                              reason=form.cleaned_data["reason"])

    return _save(request, form, save, household_url(household), "registry/household_close.html",
                 {"household": household})


@registry_editor
def member_new(request, pk: int):
    household = queries.get_household(request.scope, pk)
    form = MemberForm(request.POST or None)

    def save(form):
        member = actions.add_member(household, actor=request.user, **form.values())
        _warn_about_id(request, member.id_number)

    return _save(request, form, save, household_url(household), "registry/member_form.html",
                 {"household": household})


@registry_editor
def member_edit(request, pk: int):
    member = queries.get_member(request.scope, pk)
    form = MemberForm(request.POST or None, instance=member)

    def save(form):
        _warn_about_id(request, actions.update_member(member, actor=request.user, **form.values()).id_number)

    return _save(request, form, save, household_url(member.household), "registry/member_form.html",
                 {"household": member.household, "member": member})


@registry_editor
def member_close(request, pk: int):
    member = queries.get_member(request.scope, pk)
    form = CloseMemberForm(request.POST or None)

    def save(form):
        actions.close_member(member, actor=request.user, left_on=form.cleaned_data["left_on"],
                             reason=form.cleaned_data["left_reason"])

    return _save(request, form, save, household_url(member.household), "registry/member_close.html",
                 {"household": member.household, "member": member})


@registry_editor
def income_edit(request, pk: int, year: int):
    household = queries.get_household(request.scope, pk)
    instance = Income.objects.filter(household=household, year=year).first() or Income(year=year)
    form = IncomeForm(request.POST or None, instance=instance)

    def save(form):
        values = {f: form.cleaned_data[f] for f in Income.AMOUNT_FIELDS}
        actions.record_income(household, form.cleaned_data["year"], actor=request.user, **values)

    return _save(request, form, save, household_url(household), "registry/yearly_form.html",
                 {"household": household, "title": _("Income"), "year": year})


@registry_editor
def conditions_edit(request, pk: int, year: int):
    household = queries.get_household(request.scope, pk)
    instance = (LivingConditions.objects.filter(household=household, year=year).first()
                or LivingConditions(year=year))
    form = ConditionsForm(request.POST or None, instance=instance)

    def save(form):
        values = {f: form.cleaned_data[f] for f in (*LivingConditions.CHECK_FIELDS, "dangerous_house_grade")}
        actions.record_conditions(household, form.cleaned_data["year"], actor=request.user, **values)

    return _save(request, form, save, household_url(household), "registry/yearly_form.html",
                 {"household": household, "title": _("Living conditions"), "year": year})


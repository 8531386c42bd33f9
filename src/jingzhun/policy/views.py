import copy
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun import clock
from jingzhun.errors import DomainError
from jingzhun.registry.decorators import registry_reader
from jingzhun.registry.intake.export_xlsx import csv_lines

from . import actions, display
from .forms import StandardEditForm, StandardForm
from .models import Key, Standard

# The standards are the rules every post works by: whoever reads the registry reads them.
policy_reader = registry_reader


def policy_editor(view):
    @registry_reader
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.scope.edits_policy:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@policy_reader
def standard_list(request):
    return render(request, "policy/standard_list.html", {
        "groups": display.groups(Standard.objects.all(), request.scope)})


@policy_reader
def standard_detail(request, pk: int):
    standard = get_object_or_404(Standard, pk=pk)
    return render(request, "policy/standard_detail.html", {
        "standard": standard,
        "jurisdiction": display.jurisdiction_names([standard.jurisdiction])[standard.jurisdiction],
        "value": display.value_text(standard),
        "years": display.years_text(standard.year_from, standard.year_to),
        "history": display.history(standard),
        "may_change": actions.may_change(request.scope, standard),
    })


def _save(request, form, save, context):
    if request.method == "POST" and form.is_valid():
        values = form.values()
        try:
            standard = save(values, form.cleaned_data["reason"])
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Saved."))
            return redirect("policy:standard", pk=standard.pk)
    return render(request, "policy/standard_form.html", {"form": form, **context})


@policy_editor
def standard_new(request):
    form = StandardForm(request.POST or None, initial={"key": request.GET.get("key")})

    def save(values, reason):
        return actions.add_standard(actor=request.user, reason=reason, **values)

    return _save(request, form, save, {})


@policy_editor
def standard_edit(request, pk: int):
    standard = get_object_or_404(Standard, pk=pk)
    if not actions.may_change(request.scope, standard):
        raise PermissionDenied
    # The form fills a copy: the page's heading keeps the row as it is stored.
    form = StandardEditForm(request.POST or None, instance=copy.copy(standard))

    def save(values, reason):
        return actions.update_standard(standard, actor=request.user, reason=reason, **values)

    return _save(request, form, save, {"standard": standard})


def csv_rows(standards) -> list[list[str]]:
    """Header and one line per row, retired rows too: the whole table as it stands."""
    standards = list(standards)
    names = display.jurisdiction_names(s.jurisdiction for s in standards)
    yes, no = _("yes"), _("no")
    rows = [[_("standard code"), display.field_label("key"), _("jurisdiction code"),
             display.field_label("jurisdiction"), display.field_label("year_from"),
             display.field_label("year_to"), display.field_label("value"), display.field_label("in_force"),
             display.field_label("verified"), display.field_label("source"), display.field_label("note")]]
    for s in standards:
        rows.append([s.key, str(Key(s.key).label), s.jurisdiction, names[s.jurisdiction], str(s.year_from),
                     "" if s.year_to is None else str(s.year_to), display.number(s.value),
                     yes if s.in_force else no, yes if s.verified else no, s.source, s.note])
    return rows


@policy_reader
def standards_csv(request):
    rows = [line.standard for group in display.groups(Standard.objects.all(), request.scope)
            for line in group.lines]
    header, *lines = csv_rows(rows)
    response = HttpResponse(csv_lines(header, lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="standards-{timezone.localtime(clock.now()):%Y%m%d}.csv"')
    return response

"""The measures catalogue (the five batches) and the cause → measure table as it stands for an area, with
each row's history. Everyone who reads the registry reads them; province and county officers change rows
through catalogue_actions, province officers the measures too."""

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from jingzhun.areas.models import Area
from jingzhun.errors import DomainError
from jingzhun.registry.decorators import registry_reader
from jingzhun.registry.models import Cause
from jingzhun.registry.queries import visible_area

from . import catalogue_actions, rules
from .models import Batch, Condition, Measure, MeasureRule
from .overview_forms import MeasureForm, RuleChangeForm, RuleForm


def _visible(scope, area_code: str, jurisdiction: str) -> bool:
    """Rows that may apply on the way down to the area or the user's own, and rows inside the user's area."""
    return (area_code.startswith(jurisdiction) or scope.prefix.startswith(jurisdiction)
            or jurisdiction.startswith(scope.prefix))


def jurisdiction_names(codes) -> dict[str, str]:
    areas = Area.objects.in_bulk([code.ljust(12, "0") for code in codes if code])
    names = {}
    for code in codes:
        area = areas.get(code.ljust(12, "0")) if code else None
        names[code] = _("national") if not code else f"{area.name if area else ''} {code}".strip()
    return names


def _cause_tables(scope, area: Area) -> list[dict]:
    """For each official cause in order: its rows grouped by jurisdiction, broadest first, and which
    jurisdiction speaks for the cause in `area` (rules.rows_for: the most specific holding any row)."""
    everything = list(MeasureRule.objects.select_related("measure").annotate(changes_count=Count("changes")))
    plain = [rules.RuleRow(r.jurisdiction, r.cause_id, r.measure_id, r.rank, r.active) for r in everything]
    shown = [r for r in everything if _visible(scope, area.code, r.jurisdiction)]
    names = jurisdiction_names({r.jurisdiction for r in shown})
    tables = []
    for cause in Cause.objects.all():
        mine = [r for r in shown if r.cause_id == cause.code]
        applies = any(r.cause == cause.code and area.code.startswith(r.jurisdiction) for r in plain)
        applying = rules.rows_for(plain, cause.code, area.code)[0] if applies else None
        groups = []
        for jurisdiction in sorted({r.jurisdiction for r in mine}, key=lambda j: (len(j), j)):
            rows = sorted((r for r in mine if r.jurisdiction == jurisdiction),
                          key=lambda r: (r.rank, r.measure_id))
            groups.append({"jurisdiction": jurisdiction, "name": names[jurisdiction], "rows": rows,
                           "applies": jurisdiction == applying,
                           "editable": catalogue_actions.may_edit_jurisdiction(scope, jurisdiction)})
        tables.append({"cause": cause, "groups": groups, "applying": applying,
                       "applying_name": names.get(applying, "") if applying is not None else ""})
    return tables


@registry_reader
def catalogue(request):
    scope = request.scope
    area = visible_area(scope, request.GET.get("area") or scope.area_code or "")
    measures = list(Measure.objects.annotate(changes_count=Count("changes")))
    return render(request, "assistance/catalogue.html", {
        "area": area, "causes": _cause_tables(scope, area),
        "batches": [(value, label, [m for m in measures if m.batch == value])
                    for value, label in Batch.choices],
        "may_add": catalogue_actions.may_edit_rules(scope),
        "may_edit_measures": catalogue_actions.may_edit_measures(scope)})


def history(changes, model) -> list[tuple]:
    """(change, field label, old, new) as people read them: yes/no, a condition's words."""
    def shown(field, value):
        if field == "active" and value:
            return _("yes") if value == "1" else _("no")
        if field == "condition":
            return Condition(value).label if value in Condition.values else value
        return value

    def label(field):
        try:
            return model._meta.get_field(field).verbose_name
        except FieldDoesNotExist:  # a field since renamed: its name is still better than nothing
            return field

    return [(c, label(c.field), shown(c.field, c.old), shown(c.field, c.new)) for c in changes]


def _catalogue_url(cause_code: str = "") -> str:
    return reverse("assistance:catalogue") + (f"#cause-{cause_code}" if cause_code else "")


@registry_reader
def rule_new(request):
    scope = request.scope
    if not catalogue_actions.may_edit_rules(scope):
        raise PermissionDenied
    initial = {"cause": request.GET.get("cause"),
               "jurisdiction": request.GET.get("jurisdiction", scope.prefix)}
    form = RuleForm(request.POST or None, scope=scope, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            rule = catalogue_actions.add_rule(actor=request.user, **form.values())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The row is added."))
            return redirect(_catalogue_url(rule.cause_id))
    return render(request, "assistance/catalogue_rule_new.html", {"form": form})


def _rule(scope, pk: int) -> MeasureRule:
    rule = MeasureRule.objects.select_related("cause", "measure").filter(pk=pk).first()
    if rule is None or not _visible(scope, scope.prefix, rule.jurisdiction):
        raise Http404
    return rule


@registry_reader
def rule_edit(request, pk: int):
    scope = request.scope
    rule = _rule(scope, pk)
    editable = catalogue_actions.may_edit_jurisdiction(scope, rule.jurisdiction)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    # The form gets its own copy: validating writes into the instance, and the page shows the row as stored.
    form = RuleChangeForm(request.POST or None, instance=MeasureRule.objects.get(pk=pk)) if editable else None
    if request.method == "POST" and form.is_valid():
        try:
            catalogue_actions.change_rule(rule, actor=request.user, reason=form.cleaned_data["reason"],
                                          **form.values())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The row is changed."))
            return redirect("assistance:rule_edit", pk=rule.pk)
    return render(request, "assistance/catalogue_rule.html", {
        "rule": rule, "form": form,
        "jurisdiction_name": jurisdiction_names([rule.jurisdiction])[rule.jurisdiction],
        "history": history(rule.changes.select_related("actor"), MeasureRule)})


@registry_reader
def measure_edit(request, code: str):
    scope = request.scope
    measure = Measure.objects.filter(pk=code).first()
    if measure is None:
        raise Http404
    editable = catalogue_actions.may_edit_measures(scope)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    form = MeasureForm(request.POST or None, instance=Measure.objects.get(pk=code)) if editable else None
    if request.method == "POST" and form.is_valid():
        try:
            catalogue_actions.change_measure(measure, actor=request.user, reason=form.cleaned_data["reason"],
                                             **form.values())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The measure is changed."))
            return redirect("assistance:measure_edit", code=measure.pk)
    rules_using = MeasureRule.objects.filter(measure=measure).select_related("cause")
    return render(request, "assistance/catalogue_measure.html", {
        "measure": measure, "form": form,
        "rules": [r for r in rules_using if _visible(scope, scope.prefix, r.jurisdiction)],
        "history": history(measure.changes.select_related("actor"), Measure)})

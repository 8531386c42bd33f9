"""The supervision pages: the flags board of an area (counts per child area, the flags with their
evidence), a flag with its answer and history, and the rules with their parameters."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from jingzhun.areas.models import Level
from jingzhun.errors import DomainError
from jingzhun.registry.decorators import registry_reader
from jingzhun.registry.queries import visible_area

from . import supervision_actions as actions
from . import supervision_queries as queries
from . import supervision_rules as rules
from . import supervision_words as words
from .models import Flag, ProjectKind, SupervisionChange, SupervisionRule
from .supervision_forms import PARAM_LABELS, BoardFilter, CloseForm, RuleForm, ScanForm

PAGE_SIZE = 50


def _reader(request):
    if not queries.reads_flags(request.scope):
        raise PermissionDenied


def _url(name: str, pk: int | None) -> str:
    """A link to a record's page, or none while that page does not exist."""
    if pk is None:
        return ""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def _row(flag: Flag) -> dict:
    return {"flag": flag, "words": words.describe(flag.rule, flag.evidence, flag.checked_on),
            "fund_url": _url("funds:fund", flag.fund_id),
            "project_url": _url("funds:project", flag.project_id),
            "household_url": _url("registry:household", flag.household_id)}


def board_url(area_code: str, **values) -> str:
    query = {"area": area_code, **{k: v for k, v in values.items() if v is not None}}
    return f"{reverse('funds:supervision')}?{urlencode(query)}"


@registry_reader
def board(request):
    _reader(request)
    scope = request.scope
    area = visible_area(scope, request.GET.get("area") or scope.area_code or "")
    chosen = BoardFilter(request.GET).values()
    page = Paginator(queries.flags_in(scope, area, **chosen), PAGE_SIZE).get_page(request.GET.get("page"))
    codes = SupervisionRule.Code
    context = {
        "area": area, "ancestors": area.ancestors, "chosen": chosen, "page": page,
        "rows": [_row(flag) for flag in page], "rule_choices": codes.choices,
        "state_choices": Flag.State.choices,
        "inactive": set(SupervisionRule.objects.filter(active=False).values_list("code", flat=True)),
        "query": urlencode({"area": area.code, **chosen}),
        "may_scan": actions.may_scan(scope, area.code),
    }
    if area.level != Level.VILLAGE:
        children, own = queries.flag_counts(scope, area, state=chosen["state"])
        counts = [*children, own]
        context.update(counts=[(c, [(code, c.of(code)) for code in codes.values]) for c in children],
                       own=(own, [(code, own.of(code)) for code in codes.values]),
                       totals=[(code, sum(c.of(code) for c in counts)) for code in codes.values],
                       total=sum(c.total for c in counts))
    return render(request, "funds/supervision.html", context)


def _scan_message(counts: dict[str, actions.ScanCount]) -> str:
    labels = dict(SupervisionRule.Code.choices)
    parts = [_("%(rule)s: %(found)d found, %(new)d newly flagged, %(refreshed)d still open, %(settled)d "
               "answered before, %(gone)d no longer found") % {"rule": labels[code], **vars(c)}
             for code, c in counts.items()]
    return "; ".join(parts) or _("No supervision rule is in force.")


@registry_reader
@require_POST
def scan(request):
    _reader(request)
    form = ScanForm(request.POST)
    if not form.is_valid():
        raise DomainError(_("Choose an area to scan."), field="area")
    area = visible_area(request.scope, form.cleaned_data["area"])
    counts = actions.scan(area.code, actor=request.user)
    messages.success(request, _scan_message(counts))
    return redirect(board_url(area.code))


def _flag_page(request, flag: Flag, form=None):
    scope = request.scope
    writes = actions.may_close(scope, flag)
    row = _row(flag)
    return render(request, "funds/supervision_flag.html", {
        **row, "subject_row": row,
        "figures": words.figures(flag.rule, flag.evidence, queries.names(*words.named_ids(flag.evidence)),
                                 flag.checked_on),
        "history": [_row(f) for f in queries.history(flag) if scope.covers(f.area_id)],
        "writes": writes, "form": (form or CloseForm()) if writes else None,
        "board_url": board_url(flag.area_id),
    })


@registry_reader
def flag_detail(request, pk: int):
    _reader(request)
    return _flag_page(request, queries.get_flag(request.scope, pk))


@registry_reader
@require_POST
def flag_close(request, pk: int):
    _reader(request)
    flag = queries.get_flag(request.scope, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        close = actions.resolve if form.cleaned_data["outcome"] == Flag.State.RESOLVED else actions.dismiss
        try:
            close(flag, actor=request.user, resolution=form.cleaned_data["resolution"])
        except DomainError as error:
            if error.field is None:
                raise
            form.add_domain_error(error)
        else:
            messages.success(request, _("The flag is answered."))
            return redirect("funds:flag", pk=pk)
    return _flag_page(request, flag, form)


def _param_text(param: rules.Param, value) -> str:
    if param.kind == "kinds":
        labels = dict(ProjectKind.choices)
        return words.joined(labels.get(k, k) for k in value) or _("none exempt")
    return str(value)


def _setting_text(code: str, field: str, value: str) -> str:
    """A setting as the change history keeps it (see supervision_actions._as_text), in words."""
    if field == "active":
        return _("in force") if value == "1" else _("not in force")
    param = {p.name: p for p in rules.PARAMS[code]}.get(field)
    if param is not None and param.kind == "kinds":
        return _param_text(param, [k for k in value.split(",") if k])
    return value


def _change_row(change: SupervisionChange) -> dict:
    code, field = change.rule.code, change.field
    label = pgettext("supervision rule", "switched on or off") if field == "active" else (
        PARAM_LABELS[field][0] if field in PARAM_LABELS else field)
    return {"change": change, "label": label, "old": _setting_text(code, field, change.old),
            "new": _setting_text(code, field, change.new)}


def _rules_page(request, forms: dict | None = None):
    editor = actions.may_change_rules(request.scope)
    forms = forms or {}
    changes = queries.rule_changes()
    rows = []
    for rule in queries.all_rules():
        values = rules.settings(rule.code, rule.params)
        history = [_change_row(c) for c in changes.get(rule.code, [])]
        rows.append({"rule": rule, "latest": history[0]["change"] if history else None, "history": history,
                     "params": [(p.name, PARAM_LABELS[p.name][0], _param_text(p, values[p.name]))
                                for p in rules.PARAMS[rule.code]],
                     "form": (forms.get(rule.code) or RuleForm(rule=rule)) if editor else None})
    return render(request, "funds/supervision_rules.html", {"rows": rows, "editor": editor})


@registry_reader
def rule_list(request):
    _reader(request)
    return _rules_page(request)


@registry_reader
@require_POST
def rule_change(request, code: str):
    _reader(request)
    rule = SupervisionRule.objects.filter(code=code).first()
    if rule is None:
        raise Http404
    if not actions.may_change_rules(request.scope):
        raise PermissionDenied
    form = RuleForm(request.POST, rule=rule)
    if form.is_valid():
        try:
            actions.change_rule(rule, actor=request.user, active=form.cleaned_data["active"],
                                params=form.params(), reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The supervision rule is changed."))
            return redirect(f"{reverse('funds:supervision_rules')}#rule-{code}")
    return _rules_page(request, {code: form})

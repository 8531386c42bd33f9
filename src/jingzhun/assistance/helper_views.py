"""The helpers' pages: the list with each helper's load, one helper's households and work, registering a
helper (the initial password shown once) and deactivating one."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from jingzhun.errors import DomainError
from jingzhun.registry.decorators import registry_reader
from jingzhun.registry.queries import visible_area

from . import helper_actions, helper_queries
from .overview_forms import HelperForm, ReasonForm

PAGE_SIZE = 50
TRAIL_LABELS = {"name": _lazy("name"), "unit": _lazy("work unit"), "title": _lazy("position"),
                "phone": _lazy("phone"), "area": _lazy("area"), "active": _lazy("may sign in")}
PASSWORD_KEY = "assistance-new-helper"  # {helper pk: password}, popped by the first view of the page


@registry_reader
def helper_list(request):
    scope = request.scope
    if scope.helps_households:
        raise PermissionDenied
    area = visible_area(scope, request.GET.get("area") or scope.area_code or "")
    q, order = request.GET.get("q", "").strip(), request.GET.get("order", "name")
    helpers = helper_queries.helpers_in(scope, area, q, order)
    page = Paginator(helpers, PAGE_SIZE).get_page(request.GET.get("page"))
    norm = helper_queries.households_norm(area)
    for helper in page:
        helper.over_norm = helper.households > norm
    query = urlencode({k: v for k, v in {"area": area.code, "q": q, "order": order}.items() if v})
    return render(request, "assistance/helper_list.html", {
        "area": area, "ancestors": area.ancestors, "page": page, "query": query, "q": q, "order": order,
        "norm": norm, "can_register": helper_actions.may_register(scope)})


def _helper_page(request, helper, deactivate_form=None):
    scope = request.scope
    password = request.session.get(PASSWORD_KEY, {}).get(str(helper.pk))
    if password:
        # Shown once: a reload or the back button does not show it again.
        request.session[PASSWORD_KEY] = {k: v for k, v in request.session[PASSWORD_KEY].items()
                                         if k != str(helper.pk)}
    may_deactivate = helper.is_active and helper_actions.may_register(scope)
    households = helper_queries.households_of(helper, scope)
    return render(request, "assistance/helper_detail.html", {
        "helper": helper, "post": helper.post, "password": password, "households": households,
        "norm": helper_queries.households_norm(helper.post.area),
        "history": helper_queries.assignment_history(helper, scope),
        "measures": helper_queries.open_measures_of(helper, scope),
        "visits": helper_queries.next_visits_of(helper), "trail": _trail(helper),
        "deactivate_form": (deactivate_form or ReasonForm(prefix="deactivate")) if may_deactivate else None,
    })


def _trail(helper) -> list[tuple]:
    """(change, field label, old, new) with yes/no for whether the account may sign in."""
    def shown(field, value):
        return (_("yes") if value == "1" else _("no")) if field == "active" and value else value

    return [(c, TRAIL_LABELS.get(c.field, c.field), shown(c.field, c.old), shown(c.field, c.new))
            for c in helper_queries.trail(helper)]


@registry_reader
def helper_detail(request, pk: int):
    return _helper_page(request, helper_queries.get_helper(request.scope, pk))


@registry_reader
def helper_new(request):
    scope = request.scope
    if not helper_actions.may_register(scope):
        raise PermissionDenied
    form = HelperForm(request.POST or None, scope=scope, initial={"area_code": request.GET.get("area", "")})
    if request.method == "POST" and form.is_valid():
        try:
            helper, password = helper_actions.register_helper(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            shown_once = {**request.session.get(PASSWORD_KEY, {}), str(helper.pk): password}
            request.session[PASSWORD_KEY] = shown_once
            messages.success(request, _("The helper is registered."))
            return redirect("assistance:helper", pk=helper.pk)
    return render(request, "assistance/helper_new.html", {"form": form})


@registry_reader
@require_POST
def helper_deactivate(request, pk: int):
    helper = helper_queries.get_helper(request.scope, pk)
    if not helper_actions.may_register(request.scope):
        raise PermissionDenied
    form = ReasonForm(request.POST, prefix="deactivate")
    if form.is_valid():
        try:
            helper_actions.deactivate_helper(helper, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The helper is deactivated and can no longer sign in."))
            return redirect("assistance:helper", pk=helper.pk)
    return _helper_page(request, helper, deactivate_form=form)

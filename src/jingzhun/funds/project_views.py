"""The projects' pages: an area's projects with their money, output and beneficiaries (a village's
with its investment against the standard), one project with its funding by source, entries, output
and beneficiary households, and for the county's officers the forms to spend, list households, record
output and move the project through its states; a new project."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from jingzhun import clock
from jingzhun.areas.models import Level
from jingzhun.errors import DomainError
from jingzhun.registry.forms import attempt
from jingzhun.registry.queries import visible_area

from . import actions, fund_queries, project_actions, project_queries
from .fund_views import funds_reader, years_back
from .models import Fund, Project, ProjectKind
from .project_forms import BeneficiariesForm, MoveForm, OutputForm, ProjectForm, RecoveryForm, SpendForm

PAGE_SIZE = 50
ENTRIES_PAGE = 100
BENEFICIARIES_PAGE = 100
State = Project.State
MOVE_ORDER = (State.UNDER_WAY, State.COMPLETED, State.ACCEPTED, State.CANCELLED)


def list_url(area_code: str, year: int | None = None) -> str:
    query = {"area": area_code, **({"year": year} if year else {})}
    return f"{reverse('funds:projects')}?{urlencode(query)}"


@funds_reader
def project_list(request):
    scope = request.scope
    flt = project_queries.filter_from_query(request.GET, scope)
    area = visible_area(scope, flt.area)
    projects = project_queries.search_projects(scope, flt, area)
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    totals = project_queries.totals_of(page)
    query = {"area": area.code, "year": flt.year or "", "kind": flt.kind, "state": flt.state}
    context = {
        "filter": flt, "area": area, "ancestors": area.ancestors, "page": page,
        "rows": [(p, totals.get(p.pk, project_queries.NOTHING)) for p in page],
        "kinds": ProjectKind.choices, "states": State.choices, "years": years_back(),
        "query": urlencode({k: v for k, v in query.items() if v}),
        "can_create": project_queries.keeps_books(request.user, area.code),
        "new_area": area.code if area.level in (Level.VILLAGE, Level.COUNTY) else "",
    }
    if area.level == Level.VILLAGE:
        year = flt.year or project_queries.latest_year(area) or clock.today().year
        context["investment"] = project_queries.village_investment(area, year)
    return render(request, "funds/project_list.html", context)


def _held_funds(request, project: Project) -> list[tuple[Fund, object]]:
    """Funds with money allocated to the project and not yet spent, of books this user keeps: what may
    be spent or recovered."""
    rows = [(pk, totals) for pk, totals in project_queries.funding_by_fund(project) if totals.unspent > 0]
    funds = Fund.objects.select_related("area").in_bulk([pk for pk, _t in rows])
    return [(funds[pk], totals) for pk, totals in rows
            if project_queries.keeps_books(request.user, funds[pk].area_id)]


def _keep(params: dict) -> str:
    """Query string of the other table's paging, to carry over when one table turns a page."""
    kept = urlencode({k: v for k, v in params.items() if v})
    return f"{kept}&" if kept else ""


def _paged_tables(request, project: Project) -> dict:
    """A page of the project's entries (the latest first, `page`) and of its beneficiaries (`households`,
    searched by `q`); the heading counts every beneficiary, the totals come from the whole ledger."""
    q = request.GET.get("q", "").strip()[:40]
    entries = Paginator(project_queries.project_entries(project), ENTRIES_PAGE)
    entries_page = entries.get_page(request.GET.get("page") or entries.num_pages)
    links = Paginator(project_queries.search_beneficiaries(project, q), BENEFICIARIES_PAGE)
    households_page = links.get_page(request.GET.get("households"))
    households = households_page.number if households_page.number > 1 else ""
    keep_entries = _keep({"households": households, "q": q})
    rows = project_queries.entries_page(project, list(entries_page.object_list), ENTRIES_PAGE)
    for e in rows:  # a reversal and what it undoes may be on different pages
        e.reverses_href = fund_queries.entry_href(e.reverses_id, e.reverses_page, keep_entries)
        e.undone_by_href = e.undone_by and fund_queries.entry_href(e.undone_by.pk, e.undone_by_page,
                                                                   keep_entries)
    return {
        "entries": rows, "entries_page": entries_page, "keep_entries": keep_entries,
        "beneficiaries": project_queries.beneficiaries(project, list(households_page.object_list)),
        "households_page": households_page, "q": q,
        "beneficiary_count": links.count if not q else project_queries.search_beneficiaries(project).count(),
        "keep_households": _keep({"page": entries_page.number if entries_page.has_next() else "", "q": q}),
    }


def _project_page(request, project: Project, **forms):
    scope = request.scope
    keeper = project_queries.keeps_books(request.user, project.area_id)
    writes = keeper and project.state != State.CANCELLED
    totals = project_queries.project_totals(project)
    history = project_queries.history(project)
    planned, achieved = project.output_planned, project.output_achieved
    context = {
        "project": project, "writes": writes, "totals": totals,
        "funding": project_queries.funding_by_source(project),
        "progress": min(100, int(achieved * 100 / planned)) if planned else None,
        "history": history, "cancellation": project_queries.cancellation(history),
        "list_url": list_url(project.area_id, project.year), "failed": next(iter(forms), ""),
        **_paged_tables(request, project),
    }
    context["readable_funds"] = set(fund_queries.readable_funds(scope).filter(
        pk__in={e.fund_id for e in context["entries"]}).values_list("pk", flat=True))
    # Offered even on a cancelled project: a spending reversed after the cancellation leaves money there.
    funds = _held_funds(request, project) if keeper else []
    if funds or "recover" in forms:
        context["recover_form"] = forms.get("recover") or RecoveryForm(prefix="recover", funds=funds)
    if writes:
        # A refused move keeps its form on the page, with the reason, even if the state has moved on.
        allowed = project_actions.MOVES.get(project.state, set()) | {
            name.removeprefix("move-") for name in forms if name.startswith("move-")}
        context["moves"] = [(to, forms.get(f"move-{to}") or MoveForm(prefix=f"move-{to}", to=to))
                            for to in MOVE_ORDER if to in allowed]
        if funds or "spend" in forms:
            context["spend_form"] = (forms.get("spend")
                                     or SpendForm(prefix="spend", funds=funds, project=project))
        if project.state != State.ACCEPTED:
            context["beneficiaries_form"] = (forms.get("beneficiaries")
                                             or BeneficiariesForm(prefix="beneficiaries"))
        if project.state in (State.UNDER_WAY, State.COMPLETED):
            context["output_form"] = forms.get("output") or OutputForm(
                prefix="output", unit=project.output_unit, initial={"output_achieved": achieved})
    return render(request, "funds/project.html", context)


@funds_reader
def project(request, pk: int):
    return _project_page(request, project_queries.get_project(request.scope, pk))


def _post(request, pk: int, name: str, make_form, act, done: str, anchor: str):
    """A form of the project page: the user's right first (403), then the input (errors at the field)."""
    found = project_queries.get_project(request.scope, pk)
    actions.manager_scope(request.user, found.area_id)
    form = make_form(found)
    if form.is_valid() and attempt(form, lambda: act(found, form)):
        messages.success(request, done() if callable(done) else done)
        return redirect(reverse("funds:project", args=[pk]) + anchor)
    return _project_page(request, found, **{name: form})


@funds_reader
@require_POST
def project_spend(request, pk: int):
    def make(found):
        return SpendForm(request.POST, prefix="spend", funds=_held_funds(request, found), project=found)

    def act(found, form):
        data = form.cleaned_data
        actions.spend(data["fund"], found, actor=request.user, amount=data["amount"], on=data["on"],
                      household=data["household"], subsidy=data["subsidy"], voucher=data["voucher"],
                      memo=data["memo"])

    return _post(request, pk, "spend", make, act, _("The payment is recorded."), "#entries")


@funds_reader
@require_POST
def project_recover(request, pk: int):
    def act(found, form):
        data = form.cleaned_data
        actions.recover(data["fund"], found, actor=request.user, amount=data["amount"], on=data["on"],
                        memo=data["memo"])

    def make(found):
        return RecoveryForm(request.POST, prefix="recover", funds=_held_funds(request, found))

    return _post(request, pk, "recover", make, act, _("The money recovered into the fund is recorded."),
                 "#entries")


@funds_reader
@require_POST
def project_beneficiaries(request, pk: int):
    added = []

    def act(found, form):
        households, missing = project_queries.households_by_number(request.scope,
                                                                   form.cleaned_data["households"])
        if missing:
            raise DomainError(_("No household with these numbers in your area: %(numbers)s") % {
                "numbers": ", ".join(missing)}, field="households")
        added.extend(project_actions.add_beneficiaries(found, households, actor=request.user))

    return _post(request, pk, "beneficiaries",
                 lambda f: BeneficiariesForm(request.POST, prefix="beneficiaries"), act,
                 lambda: ngettext("%(n)d household added to the beneficiaries.",
                                  "%(n)d households added to the beneficiaries.",
                                  len(added)) % {"n": len(added)},
                 "#beneficiaries")


@funds_reader
@require_POST
def project_output(request, pk: int):
    return _post(request, pk, "output",
                 lambda f: OutputForm(request.POST, prefix="output", unit=f.output_unit),
                 lambda f, form: project_actions.record_output(
                     f, form.cleaned_data["output_achieved"], actor=request.user, on=form.cleaned_data["on"]),
                 _("The output is recorded."), "#output")


@funds_reader
@require_POST
def project_move(request, pk: int, to: str):
    if to not in MOVE_ORDER:
        raise Http404
    return _post(request, pk, f"move-{to}", lambda f: MoveForm(request.POST, prefix=f"move-{to}", to=to),
                 lambda f, form: project_actions.move_project(
                     f, to, actor=request.user, on=form.cleaned_data.get("on"),
                     reason=form.cleaned_data.get("reason", "")),
                 _("The project's state is changed."), "#state")


@funds_reader
def project_new(request):
    scope = request.scope
    actions.manager_scope(request.user, scope.area_code or "")
    form = ProjectForm(request.POST or None, scope=scope, initial={"area": request.GET.get("area", "")})
    if request.method == "POST" and form.is_valid():
        created = []
        if attempt(form, lambda: created.append(project_actions.create_project(actor=request.user,
                                                                                **form.values()))):
            messages.success(request, _("The project is recorded; list its beneficiary households next."))
            return redirect("funds:project", pk=created[0].pk)
    area = request.GET.get("area") or scope.area_code
    return render(request, "funds/project_new.html", {"form": form, "list_url": list_url(area)})

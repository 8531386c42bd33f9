"""The funds' pages: the funds held in an area with their balances and totals by source; one fund's
ledger with a running unallocated balance, its allocations by project and, for the county's officers,
forms to record a receipt, an allocation, a recovery of a project's unspent money or a reversal; a new
fund; the ledger as CSV.

Everyone who reads the registry reads the funds of their area, except helpers, who work from their
households; county officers keep the books (funds.actions.manager_scope)."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingzhun import clock
from jingzhun.registry.decorators import registry_reader
from jingzhun.registry.forms import attempt
from jingzhun.registry.intake.export_xlsx import csv_lines
from jingzhun.registry.queries import visible_area
from jingzhun.registry.templatetags.registry_tags import person

from . import actions, fund_queries
from .fund_forms import AllocationForm, NewFundForm, ReceiptForm, RecoveryForm, ReversalForm
from .models import Fund, Purpose, Source
from .project_queries import keeps_books

PAGE_SIZE = 50
LEDGER_PAGE = 200


def funds_reader(view):
    """Readers of the registry, helpers excepted: they work from their own households."""

    @registry_reader
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.scope.helps_households:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def years_back(first: int = 2009) -> range:
    return range(clock.today().year + 1, first - 1, -1)


@funds_reader
def fund_list(request):
    scope = request.scope
    flt = fund_queries.filter_from_query(request.GET, scope)
    area = visible_area(scope, flt.area)
    funds = fund_queries.search_funds(scope, flt, area)
    totals = fund_queries.fund_totals(funds)
    page = Paginator(funds, PAGE_SIZE).get_page(request.GET.get("page"))
    by_source, total = fund_queries.totals_by_source(funds)
    query = {"area": area.code, "year": flt.year or "", "source": flt.source}
    return render(request, "funds/fund_list.html", {
        "filter": flt, "area": area, "ancestors": area.ancestors, "page": page,
        "rows": [(fund, totals.get(fund.pk, fund_queries.NOTHING)) for fund in page],
        "by_source": by_source, "total": total, "sources": Source.choices, "years": years_back(),
        "query": urlencode({k: v for k, v in query.items() if v}),
        "can_create": keeps_books(request.user, scope.area_code or ""),
    })


def _fund_page(request, fund: Fund, **forms):
    writes = keeps_books(request.user, fund.area_id)
    # A page of the ledger, the latest first; its running balance continues from the pages before.
    ledger = Paginator(fund_queries.ledger_entries(fund), LEDGER_PAGE)
    page = ledger.get_page(request.GET.get("page") or ledger.num_pages)
    allocations = fund_queries.allocations_by_project(fund)
    context = {
        "fund": fund, "rows": fund_queries.ledger_page(fund, list(page.object_list), LEDGER_PAGE),
        "page": page, "query": "", "writes": writes,
        "totals": fund_queries.totals_of(fund), "allocations": allocations,
        "purposes": fund_purposes(fund),
        "list_url": f"{reverse('funds:funds')}?{urlencode({'area': fund.area_id})}",
        "failed": next(iter(forms), ""),
    }
    if writes:
        chosen = request.GET.get("reverse", "")
        recoverable = fund_queries.recoverable(allocations)
        if recoverable or "recover" in forms:
            project = request.GET.get("recover", "")
            context["recover_form"] = forms.get("recover") or RecoveryForm(
                prefix="recover", projects=recoverable,
                initial={"project": project} if project.isdigit() else None)
        context.update(
            receive_form=forms.get("receive") or ReceiptForm(prefix="receive"),
            allocate_form=forms.get("allocate") or AllocationForm(prefix="allocate", fund=fund),
            reverse_form=forms.get("reverse") or ReversalForm(
                prefix="reverse", fund=fund, initial={"entry": chosen} if chosen.isdigit() else None))
    return render(request, "funds/fund.html", context)


def fund_purposes(fund: Fund) -> list[str]:
    return [str(Purpose(code).label) for code in fund.purposes if code in Purpose.values]


@funds_reader
def fund(request, pk: int):
    return _fund_page(request, fund_queries.get_fund(request.scope, pk))


def _post(request, pk: int, name: str, make_form, act, done: str):
    """A form of the fund page: the user's right first (403), then the input (errors at the field)."""
    found = fund_queries.get_fund(request.scope, pk)
    actions.manager_scope(request.user, found.area_id)
    form = make_form(found)
    if form.is_valid() and attempt(form, lambda: act(found, form.cleaned_data)):
        messages.success(request, done)
        return redirect(reverse("funds:fund", args=[pk]) + "#ledger")
    return _fund_page(request, found, **{name: form})


@funds_reader
@require_POST
def fund_receive(request, pk: int):
    return _post(request, pk, "receive", lambda f: ReceiptForm(request.POST, prefix="receive"),
                 lambda f, data: actions.receive(f, actor=request.user, **data),
                 _("The receipt is recorded."))


@funds_reader
@require_POST
def fund_allocate(request, pk: int):
    return _post(request, pk, "allocate", lambda f: AllocationForm(request.POST, prefix="allocate", fund=f),
                 lambda f, data: actions.allocate(f, data["project"], actor=request.user,
                                                  amount=data["amount"], on=data["on"], memo=data["memo"]),
                 _("The allocation is recorded."))


@funds_reader
@require_POST
def fund_recover(request, pk: int):
    def make(found):
        projects = fund_queries.recoverable(fund_queries.allocations_by_project(found))
        return RecoveryForm(request.POST, prefix="recover", projects=projects)

    def act(found, data):
        actions.recover(found, data["project"], actor=request.user, amount=data["amount"], on=data["on"],
                        memo=data["memo"])

    return _post(request, pk, "recover", make, act, _("The money recovered into the fund is recorded."))


@funds_reader
@require_POST
def fund_reverse(request, pk: int):
    return _post(request, pk, "reverse", lambda f: ReversalForm(request.POST, prefix="reverse", fund=f),
                 lambda f, data: actions.reverse(data["entry"], actor=request.user, reason=data["reason"],
                                                 on=data["on"]),
                 _("The reversing entry is recorded."))


@funds_reader
def fund_new(request):
    scope = request.scope
    actions.manager_scope(request.user, scope.area_code or "")
    form = NewFundForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        created = []
        if attempt(form, lambda: created.append(actions.create_fund(actor=request.user, **form.values()))):
            messages.success(request, _("The fund is recorded; record its receipts next."))
            return redirect("funds:fund", pk=created[0].pk)
    return render(request, "funds/fund_new.html", {
        "form": form, "list_url": f"{reverse('funds:funds')}?{urlencode({'area': scope.area_code})}"})


def _csv_rows(rows):
    for row in rows:
        e = row.entry
        yield [e.pk, e.on.isoformat(), e.get_kind_display(), e.reverses_id or "",
               row.undone_by.pk if row.undone_by else "", e.project.name if e.project_id else "",
               e.household.number if e.household_id else "", e.subsidy, row.received, row.allocated,
               row.spent, row.unallocated, e.voucher, e.memo, person(e.recorded_by, ""),
               clock.localdate(e.recorded_at).isoformat()]


@funds_reader
def fund_export(request, pk: int):
    if not request.scope.exports:
        raise PermissionDenied
    found = fund_queries.get_fund(request.scope, pk)
    headers = [_("entry number"), _("date"), _("kind"), _("reverses entry"), _("reversed by entry"),
               _("project"), _("household number"), _("subsidy"), _("received (yuan)"),
               _("allocated (yuan)"), _("spent (yuan)"), _("unallocated after the entry (yuan)"),
               _("voucher"), _("memo"), _("recorded by"), _("recorded on")]
    response = StreamingHttpResponse(csv_lines(headers, _csv_rows(fund_queries.ledger(found))),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ledger-{found.pk}-{clock.today():%Y%m%d}.csv"'
    return response

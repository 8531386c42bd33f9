"""Pages of pairing partners: the partners by kind, one partner, one pair's figures by year and by county,
one county of a pair, the pair's CSV, and the forms that record, confirm and withdraw figures."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingzhun.errors import DomainError, NotAllowed, OutOfScope
from jingzhun.registry.intake.export_xlsx import csv_lines

from . import pairing_actions as actions
from . import pairing_queries as queries
from .models.pairing import UNITS, Unit
from .pairing_forms import CommitmentForm, DeliveryForm, PairingForm, PartnerForm, WithdrawForm
from .pairing_rules import UNATTRIBUTED, Cell

PAGE_SIZE = 50


def pairing_reader(view):
    """Officers and pairing partners' users; helpers and users without a post are refused."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.pairing_scope = queries.pairing_scope(request.user)
        if not request.pairing_scope.allowed:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def amount_text(value, unit: str) -> str:
    """Yuan with two decimals, persons and numbers whole."""
    if value is None:
        return "—"
    return f"{value:,.2f}" if unit == Unit.YUAN else f"{value:,.0f}"


def share_text(share) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


def _columns(table) -> list[dict]:
    """The indicators a pair has figures on, in the catalogue's order, each with its unit."""
    present = set(table.year_total) or {i.value for i in queries.INDICATORS}
    return [{"indicator": i.value, "label": i.label, "unit": UNITS[i].label, "unit_code": UNITS[i].value}
            for i in queries.INDICATORS if i.value in present]


def _cells(columns, cells: dict) -> list[dict]:
    found = []
    for column in columns:
        cell = cells.get(column["indicator"], Cell())
        unit = column["unit_code"]
        found.append({"indicator": column["indicator"], "committed": amount_text(cell.committed, unit),
                      "delivered": amount_text(cell.delivered, unit), "share": share_text(cell.share)})
    return found


def _year_rows(table, columns) -> list[dict]:
    return [{"key": str(year), "label": str(year), "cells": _cells(columns, table.by_year[year])}
            for year in table.years]


def _county_rows(pairing, table, columns) -> list[dict]:
    names = queries.area_names(table.counties)
    rows = []
    for code in table.counties:
        if code == UNATTRIBUTED:
            continue
        area = names.get(code)
        rows.append({"key": code, "label": area.name if area else code, "code": code,
                     "url": reverse("assistance:pairing_county", args=[pairing.pk, code]),
                     "cells": _cells(columns, table.by_county[code])})
    rows.append({"key": "unattributed", "label": _("not attributed to one county"),
                 "cells": _cells(columns, table.by_county.get(UNATTRIBUTED, {}))})
    return rows


def _year(request) -> int | None:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 1980 <= int(value) <= 2100 else None


def _deliveries(request, ps, pairing, inside: str, year):
    page = Paginator(queries.deliveries(pairing, inside, year), PAGE_SIZE).get_page(request.GET.get("page"))
    return page, [{"delivery": d, "unit": UNITS[d.indicator].label,
                   "amount": amount_text(d.amount, UNITS[d.indicator]),
                   "confirms": d.withdrawn_at is None and d.confirmed_at is None and ps.confirms(d),
                   "withdraws": d.withdrawn_at is None and ps.withdraws(d)} for d in page]


def _pairing_page(request, pairing, *, commitment_form=None, delivery_form=None):
    ps, year = request.pairing_scope, _year(request)
    inside = ps.inside(pairing.area_id)
    table = queries.figures(pairing, inside, year)
    columns = _columns(table)
    page, deliveries = _deliveries(request, ps, pairing, inside, year)
    records = ps.records_for(pairing)
    if records:
        commitment_form = commitment_form or CommitmentForm(prefix="commitment")
        areas = queries.delivery_areas(pairing)
        delivery_form = delivery_form or DeliveryForm(prefix="delivery", areas=areas)
    members = (queries.pair_members(pairing).select_related("partner", "area").exclude(pk=pairing.pk)
               .filter(pk__in=queries.visible_pairings(ps).values("pk")))
    return render(request, "assistance/pairing_detail.html", {
        "pairing": pairing, "year": year, "years": table.years, "columns": columns,
        "year_rows": _year_rows(table, columns), "year_total": _cells(columns, table.year_total),
        "county_rows": _county_rows(pairing, table, columns),
        "county_total": _cells(columns, table.county_total),
        "cut": inside != pairing.area.prefix, "page": page, "deliveries": deliveries, "members": members,
        "span": 1 + 3 * len(columns), "year_query": f"year={year}" if year else "",
        "commitment_form": commitment_form if records else None,
        "delivery_form": delivery_form if records else None,
        "withdraw_form": WithdrawForm(prefix="withdraw"),
    })


@pairing_reader
def pairing_list(request):
    ps = request.pairing_scope
    return render(request, "assistance/pairing_list.html", {
        "groups": queries.partner_groups(ps),
        "partner_form": PartnerForm(prefix="partner") if ps.manages_partners else None,
    })


def _partner_page(request, partner, pairing_form=None):
    ps = request.pairing_scope
    parent_visible = partner.parent_id is not None and queries.visible_partners(ps).filter(
        pk=partner.parent_id).exists()
    return render(request, "assistance/partner_detail.html", {
        "partner": partner, "parent_visible": parent_visible,
        "pairings": queries.visible_pairings(ps).filter(partner=partner).order_by("area_id", "start_year"),
        "children": queries.visible_partners(ps).filter(parent=partner),
        "pairing_form": (pairing_form or PairingForm(prefix="pairing", prefix_code=ps.prefix))
        if ps.manages_partners else None,
    })


@pairing_reader
def partner_detail(request, pk: int):
    return _partner_page(request, queries.get_partner(request.pairing_scope, pk))


@pairing_reader
def pairing_detail(request, pk: int):
    return _pairing_page(request, queries.get_pairing(request.pairing_scope, pk))


@pairing_reader
def pairing_county(request, pk: int, code: str):
    ps, year = request.pairing_scope, _year(request)
    pairing = queries.get_pairing(ps, pk)
    county = queries.get_county(ps, pairing, code)
    inside = ps.inside(pairing.area_id, county.code)
    table = queries.figures(pairing, inside, year)
    columns = _columns(table)
    page, deliveries = _deliveries(request, ps, pairing, inside, year)
    return render(request, "assistance/pairing_county.html", {
        "pairing": pairing, "county": county, "year": year, "years": table.years, "columns": columns,
        "year_rows": _year_rows(table, columns), "year_total": _cells(columns, table.year_total),
        "cut": inside != county.prefix, "page": page, "deliveries": deliveries,
        "span": 1 + 3 * len(columns), "year_query": f"year={year}" if year else "",
        "withdraw_form": WithdrawForm(prefix="withdraw"),
    })


def _csv_rows(table, year: int | None):
    """One line per year or county and indicator: the by-year table, then the by-county one."""
    names = queries.area_names(table.counties)
    blocks = [(_("by year"), y, "", "", table.by_year[y]) for y in table.years]
    for code in table.counties:
        name = names[code].name if code in names else _("not attributed to one county")
        blocks.append((_("by county"), year or "", code, name, table.by_county[code]))
    for section, row_year, code, name, cells in blocks:
        for indicator in queries.INDICATORS:
            cell = cells.get(indicator.value)
            if cell is None:
                continue
            whole = UNITS[indicator] != Unit.YUAN  # persons and numbers as integers, yuan with 2 places
            yield [section, row_year, code, name, indicator.label, UNITS[indicator].label,
                   int(cell.committed) if whole else cell.committed,
                   int(cell.delivered) if whole else cell.delivered,
                   "" if cell.share is None else f"{cell.share * 100:.1f}"]


@pairing_reader
def pairing_export(request, pk: int):
    ps, year = request.pairing_scope, _year(request)
    pairing = queries.get_pairing(ps, pk)
    table = queries.figures(pairing, ps.inside(pairing.area_id), year)
    headers = [_("table"), _("year"), _("county code"), _("county"), _("indicator"), _("unit"),
               _("committed"), _("delivered"), _("delivered share (%)")]
    response = StreamingHttpResponse(csv_lines(headers, _csv_rows(table, year)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="pairing-{pairing.pk}-{year or "all"}.csv"'
    return response


# Writes ------------------------------------------------------------------------------------------------

def _refuse_scope(error: DomainError) -> None:
    """Scope and role refusals stay 403 pages; other errors show at their field."""
    if isinstance(error, (OutOfScope, NotAllowed)):
        raise error


@pairing_reader
@require_POST
def commitment_new(request, pk: int):
    pairing = queries.get_pairing(request.pairing_scope, pk)
    form = CommitmentForm(request.POST, prefix="commitment")
    if form.is_valid():
        try:
            actions.record_commitment(pairing, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            _refuse_scope(error)
            form.add_domain_error(error)
        else:
            messages.success(request, _("Commitment recorded."))
            return redirect("assistance:pairing", pk=pk)
    return _pairing_page(request, pairing, commitment_form=form)


@pairing_reader
@require_POST
def delivery_new(request, pk: int):
    pairing = queries.get_pairing(request.pairing_scope, pk)
    form = DeliveryForm(request.POST, prefix="delivery", areas=queries.delivery_areas(pairing))
    if form.is_valid():
        try:
            actions.record_delivery(pairing, actor=request.user, **form.values())
        except DomainError as error:
            _refuse_scope(error)
            form.add_domain_error(error)
        else:
            messages.success(request, _("Delivery recorded."))
            return redirect("assistance:pairing", pk=pk)
    return _pairing_page(request, pairing, delivery_form=form)


def _back(request, delivery):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) and target.startswith("/"):
        return redirect(target)
    return redirect("assistance:pairing", pk=delivery.pairing_id)


@pairing_reader
@require_POST
def delivery_confirm(request, pk: int):
    delivery = queries.get_delivery(request.pairing_scope, pk)
    try:
        actions.confirm_delivery(delivery, actor=request.user)
    except DomainError as error:
        _refuse_scope(error)
        messages.error(request, error.message)
    else:
        messages.success(request, _("Delivery confirmed."))
    return _back(request, delivery)


@pairing_reader
@require_POST
def delivery_withdraw(request, pk: int):
    delivery = queries.get_delivery(request.pairing_scope, pk)
    form = WithdrawForm(request.POST, prefix="withdraw")
    try:
        actions.withdraw_delivery(delivery, actor=request.user,
                                  reason=form.data.get(form.add_prefix("reason"), ""))
    except DomainError as error:
        _refuse_scope(error)
        messages.error(request, error.message)
    else:
        messages.success(request, _("Delivery withdrawn."))
    return _back(request, delivery)


@pairing_reader
@require_POST
def partner_new(request):
    ps = request.pairing_scope
    if not ps.manages_partners:
        raise PermissionDenied
    form = PartnerForm(request.POST, prefix="partner")
    if form.is_valid():
        try:
            partner = actions.add_partner(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            _refuse_scope(error)
            form.add_domain_error(error)
        else:
            messages.success(request, _("Partner added."))
            return redirect("assistance:partner", pk=partner.pk)
    return render(request, "assistance/pairing_list.html", {
        "groups": queries.partner_groups(ps), "partner_form": form})


@pairing_reader
@require_POST
def pairing_new(request, pk: int):
    ps = request.pairing_scope
    if not ps.manages_partners:
        raise PermissionDenied
    partner = queries.get_partner(ps, pk)
    form = PairingForm(request.POST, prefix="pairing", prefix_code=ps.prefix)
    if form.is_valid():
        data = form.cleaned_data
        try:
            pairing = actions.add_pairing(partner, queries.area_names([data["area"]])[data["area"]],
                                          data["start_year"], data["end_year"], actor=request.user,
                                          source=data["source"], verified=data["verified"])
        except DomainError as error:
            _refuse_scope(error)
            form.add_domain_error(error)
        else:
            messages.success(request, _("Pairing added."))
            return redirect("assistance:pairing", pk=pairing.pk)
    return _partner_page(request, partner, pairing_form=form)

"""Pages of village mutual funds: an area's funds on a day with its totals (and their CSV), one fund with
its capital, members, loans, overdue list and repayment rate, and one loan with its schedule.

Officers, cadres and auditors read the funds of their area (helpers do not); the village's cadre and the
township's and county's officers run a fund; the county writes a loan off."""

import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingzhun import clock
from jingzhun.areas.models import Level
from jingzhun.errors import DomainError, InvalidTransition, NotAllowed
from jingzhun.registry.intake.export_xlsx import csv_lines
from jingzhun.registry.queries import visible_area

from . import mutual_actions as actions
from . import mutual_queries as queries
from .models import Loan
from .mutual_forms import (
    ContributionForm,
    EndMemberForm,
    FoundForm,
    LoanForm,
    MemberForm,
    RepaymentForm,
    WriteOffForm,
)


def mutual_reader(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not queries.may_read(request.scope):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _on(request) -> datetime.date:
    """The day the figures are read for: ?on=, never after today."""
    today = clock.today()
    try:
        return min(datetime.date.fromisoformat(request.GET.get("on", "")), today)
    except ValueError:
        return today


def list_url(area_code: str, on: datetime.date | None = None) -> str:
    query = {"area": area_code, **({"on": on.isoformat()} if on else {})}
    return f"{reverse('funds:mutual_funds')}?{urlencode(query)}"


def _area(request):
    return visible_area(request.scope, request.GET.get("area") or request.scope.area_code or "")


@mutual_reader
def mutual_funds(request):
    scope, area, on = request.scope, _area(request), _on(request)
    report = queries.area_report(scope, area.prefix, on)
    context = {"area": area, "on": on, "ancestors": area.ancestors, "report": report,
               "children": [c for c in area.children.order_by("code") if scope.covers(c.code)]
               if area.level != Level.VILLAGE else [],
               "query": urlencode({"area": area.code, "on": on.isoformat()})}
    if area.level == Level.VILLAGE and not report.rows and queries.may_run(scope, area.code):
        context["found_form"] = FoundForm()
    return render(request, "funds/mutual_funds.html", context)


def _csv_rows(report: queries.AreaReport):
    def line(code: str, name: str, item: queries.Figures) -> list:
        return [code, name, item.members, item.poor_members, *item.capital.values(), item.capital_total,
                item.loans, item.lent, item.active, item.outstanding, item.written_off, item.fee_income,
                item.reserve, item.lendable, len(item.overdue), item.overdue_principal, item.overdue_fee,
                item.rate.due, item.rate.repaid, item.rate_data]

    for fund, item in report.rows:
        yield line(fund.village_id, fund.village.name, item)
    yield line("", _("total"), report.total)


@mutual_reader
def mutual_funds_csv(request):
    if not request.scope.exports:
        raise PermissionDenied
    area, on = _area(request), _on(request)
    report = queries.area_report(request.scope, area.prefix, on)
    headers = [_("village code"), _("village"), _("member households"), _("of which poor"),
               _("government capital"), _("member contributions"), _("other contributions"),
               _("capital in total"), _("loans issued"), _("principal lent"), _("loans being repaid"),
               _("principal outstanding"), _("principal written off"), _("fee income"),
               _("reserve from fees"), _("money the fund can lend"), _("overdue loans"),
               _("principal overdue"), _("fees overdue"), _("principal due"), _("principal due and repaid"),
               _("repayment rate")]
    response = StreamingHttpResponse(csv_lines(headers, _csv_rows(report)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mutual-funds-{area.code}-{on:%Y%m%d}.csv"'
    return response


@mutual_reader
@require_POST
def mutual_found(request):
    village = visible_area(request.scope, request.POST.get("village", ""))
    if village.level != Level.VILLAGE:
        raise Http404
    if not queries.may_run(request.scope, village.code):
        raise NotAllowed(_("Only the village committee and township and county officers run a village "
                           "mutual fund."))
    form = FoundForm(request.POST)
    if form.is_valid():
        try:
            fund = actions.found_fund(village.code, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The village's mutual fund is recorded."))
            return redirect("funds:mutual_fund", pk=fund.pk)
    return render(request, "funds/mutual_funds.html", {
        "area": village, "on": clock.today(), "ancestors": village.ancestors, "found_form": form,
        "report": queries.area_report(request.scope, village.prefix, clock.today())})


def _capital_standard(year: int, village_code: str):
    """The standard's government capital a village, or None before there was one."""
    try:
        return queries.standard("mutual_fund_capital", year, village_code)
    except DomainError:
        return None


def _fund_page(request, fund, **forms):
    scope, on = request.scope, _on(request)
    loans = queries.with_heads(queries.loan_facts(fund.loans.all(), on))
    figures = queries.fund_figures(fund, on, loans=loans)
    runs = fund.closed_on is None and queries.may_run(scope, fund.village_id)
    context = {"fund": fund, "village": fund.village, "on": on, "figures": figures, "loans": loans,
               "capital_standard": _capital_standard(on.year, fund.village_id), "runs": runs,
               "list_url": list_url(fund.village_id, on), **queries.fund_records(fund, on)}
    if runs:
        context.update(
            contribution_form=forms.get("contribution") or ContributionForm(prefix="contribution", fund=fund),
            member_form=forms.get("member") or MemberForm(prefix="member", fund=fund),
            end_form=forms.get("end") or EndMemberForm(prefix="end", fund=fund),
            loan_form=forms.get("loan") or LoanForm(prefix="loan", fund=fund),
            repayment_form=forms.get("repayment") or RepaymentForm(prefix="repayment", fund=fund))
    return render(request, "funds/mutual_fund.html", context)


@mutual_reader
def mutual_fund(request, pk: int):
    return _fund_page(request, queries.get_fund(request.scope, pk))


def _refuse_unless_runner(scope, village_code: str) -> None:
    # Checked before any form: an auditor's press would otherwise show as a field error.
    if not queries.may_run(scope, village_code):
        raise NotAllowed(_("Only the village committee and township and county officers run a village "
                           "mutual fund."))


def _fund_post(request, pk: int, name: str, form_class, act, done: str):
    """A form of the fund page: validate, run the action, show its error at the field it names."""
    fund = queries.get_fund(request.scope, pk)
    _refuse_unless_runner(request.scope, fund.village_id)
    if fund.closed_on is not None:
        raise InvalidTransition(_("This mutual fund is closed."))
    form = form_class(request.POST, prefix=name, fund=fund)
    if form.is_valid():
        try:
            act(fund, form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, done)
            return redirect("funds:mutual_fund", pk=pk)
    return _fund_page(request, fund, **{name: form})


@mutual_reader
@require_POST
def mutual_contribute(request, pk: int):
    return _fund_post(request, pk, "contribution", ContributionForm, lambda fund, data: actions.contribute(
        fund, actor=request.user, **data), _("The contribution is recorded."))


@mutual_reader
@require_POST
def mutual_add_member(request, pk: int):
    return _fund_post(request, pk, "member", MemberForm, lambda fund, data: actions.add_member(
        fund, data["household"], actor=request.user, joined_on=data["joined_on"], shares=data["shares"]),
        _("The household has joined the fund."))


@mutual_reader
@require_POST
def mutual_end_member(request, pk: int):
    return _fund_post(request, pk, "end", EndMemberForm, lambda fund, data: actions.end_membership(
        data["membership"], actor=request.user, left_on=data["left_on"], reason=data["reason"]),
        _("The household has left the fund."))


@mutual_reader
@require_POST
def mutual_issue_loan(request, pk: int):
    def act(fund, data):
        household = data.pop("household")
        return actions.issue_loan(fund, household, actor=request.user, **data)

    return _fund_post(request, pk, "loan", LoanForm, act, _("The loan is recorded with its schedule."))


@mutual_reader
@require_POST
def mutual_repay(request, pk: int):
    return _fund_post(request, pk, "repayment", RepaymentForm, lambda fund, data: actions.repay(
        data["loan"], actor=request.user, amount=data["amount"], paid_on=data["paid_on"]),
        _("The repayment is recorded."))


def _loan_page(request, loan: Loan, **forms):
    scope, today = request.scope, clock.today()
    facts = queries.loan_facts(Loan.objects.filter(pk=loan.pk), today)[0]
    active = loan.state == Loan.State.ACTIVE
    context = {"loan": loan, "fund": loan.fund, "facts": facts, "today": today,
               "head": queries.heads([loan.household_id]).get(loan.household_id, ""),
               "standing": [(s, _standing(s, today)) for s in facts.standing()],
               "late": facts.overdue(today)}
    if active and queries.may_run(scope, loan.fund.village_id):
        context["repayment_form"] = forms.get("repayment") or RepaymentForm(prefix="repayment")
    if active and queries.may_write_off(scope, loan.fund.village_id):
        context["write_off_form"] = forms.get("write_off") or WriteOffForm(prefix="write_off")
    return render(request, "funds/mutual_loan.html", context)


def _standing(standing, today: datetime.date) -> str:
    if standing.settled:
        return "settled"
    if standing.due.due_on < today:
        return "overdue"
    return "due" if standing.due.due_on == today else "upcoming"


@mutual_reader
def mutual_loan(request, pk: int):
    return _loan_page(request, queries.get_loan(request.scope, pk))


def _loan_post(request, pk: int, name: str, form_class, allowed, act, done: str):
    loan = queries.get_loan(request.scope, pk)
    if not allowed(request.scope, loan.fund.village_id):
        raise NotAllowed(_("Your post may read this loan but not change it."))
    if loan.state != Loan.State.ACTIVE:
        raise InvalidTransition(_("This loan is no longer being repaid."))
    form = form_class(request.POST, prefix=name)
    if form.is_valid():
        try:
            act(loan, form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, done)
            return redirect("funds:mutual_loan", pk=pk)
    return _loan_page(request, loan, **{name: form})


@mutual_reader
@require_POST
def mutual_loan_repay(request, pk: int):
    return _loan_post(request, pk, "repayment", RepaymentForm, queries.may_run,
                      lambda loan, data: actions.repay(loan, actor=request.user, amount=data["amount"],
                                                       paid_on=data["paid_on"]),
                      _("The repayment is recorded."))


@mutual_reader
@require_POST
def mutual_write_off(request, pk: int):
    return _loan_post(request, pk, "write_off", WriteOffForm, queries.may_write_off,
                      lambda loan, data: actions.write_off(loan, actor=request.user, reason=data["reason"],
                                                           closed_on=data["closed_on"]),
                      _("The loan is written off."))

"""An area's mutual fund figures from grouped sums (mutual_sums) are the figures of every loan walked by
mutual_rules (mutual_facts, as a fund's page reads them), on awkward loans made through the real actions
and read on every day where something changes: partial payments, fees outstanding, payments ahead of the
schedule, write-offs with and without their day, monthly and maturity schedules, month ends."""

import datetime
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jingzhun.areas.scope import scope_for
from jingzhun.funds import mutual_actions as actions
from jingzhun.funds import mutual_queries as queries
from jingzhun.funds import mutual_rules as rules
from jingzhun.funds import mutual_sums
from jingzhun.funds.models import Loan, MutualFund, Repayment
from jingzhun.funds.mutual_facts import loan_facts
from tests.conftest import VILLAGE_A, VILLAGE_B, XIJI

from .test_mutual_pages import move_to

pytestmark = pytest.mark.django_db
DAY = datetime.date
ONE = datetime.timedelta(days=1)


def _schedule_total(principal: str, issued_on: datetime.date, months: int, kind: str) -> D:
    dues = rules.schedule(D(principal), issued_on, months, D("0.007"), kind)
    return sum((due.total for due in dues), D("0.00"))


# name: (village, principal, issued on, months, schedule, payments, written off on (None: no write-off))
LOANS = {
    # Repaid in full on its day.
    "settled": (VILLAGE_A, "6000", DAY(2020, 1, 15), 6, "maturity",
                [(DAY(2020, 7, 15), str(_schedule_total("6000", DAY(2020, 1, 15), 6, "maturity")))], None),
    # The fee (105.00) paid late, then part of the principal: overdue from 10 May.
    "fee_only": (VILLAGE_A, "5000", DAY(2020, 2, 10), 3, "maturity",
                 [(DAY(2020, 5, 20), "105.00"), (DAY(2020, 9, 1), "2000.00")], None),
    # Less than the fee (42.00): the fee is still outstanding and all the principal.
    "short_of_fee": (VILLAGE_A, "3000", DAY(2020, 3, 1), 2, "maturity", [(DAY(2020, 5, 5), "30.00")], None),
    # Monthly, two months paid, a third in part, then a catch-up in October.
    "monthly_partial": (VILLAGE_A, "3000", DAY(2020, 3, 1), 6, "monthly",
                        [(DAY(2020, 4, 1), "521.00"), (DAY(2020, 5, 3), "517.50"),
                         (DAY(2020, 6, 1), "200.00"), (DAY(2020, 10, 15), "1000.00")], None),
    # Monthly from a month's last day (due 29 February, 31 March, 30 April …), all paid before the first due.
    "early": (VILLAGE_A, "2400", DAY(2020, 1, 31), 12, "monthly",
              [(DAY(2020, 2, 15), str(_schedule_total("2400", DAY(2020, 1, 31), 12, "monthly")))], None),
    # Ahead of the schedule in part: the first installment and most of the second paid before either is due.
    "ahead": (VILLAGE_A, "1200", DAY(2020, 4, 30), 4, "monthly", [(DAY(2020, 5, 10), "700.00")], None),
    # Behind, then written off on 1 September.
    "written_off": (VILLAGE_A, "2000", DAY(2020, 2, 10), 3, "maturity", [(DAY(2020, 5, 20), "500.00")],
                    DAY(2020, 9, 1)),
    # Nothing paid; written off, its day then lost (as rows kept before the day was).
    "written_off_undated": (VILLAGE_A, "1000", DAY(2020, 3, 1), 2, "maturity", [], DAY(2020, 8, 1)),
    # Nothing paid until everything is, three weeks after the last installment.
    "late_in_full": (VILLAGE_A, "1800", DAY(2020, 6, 30), 3, "monthly",
                     [(DAY(2020, 10, 20), str(_schedule_total("1800", DAY(2020, 6, 30), 3, "monthly")))],
                     None),
    # Not due until 20 November 2021, a little paid towards the fee long before: late from then.
    "not_due": (VILLAGE_A, "8000", DAY(2020, 11, 20), 12, "maturity", [(DAY(2020, 12, 1), "100.00")], None),
    # Issued on 29 February: due 28 February 2021, paid that day.
    "leap": (VILLAGE_A, "4000", DAY(2020, 2, 29), 12, "maturity",
             [(DAY(2021, 2, 28), str(_schedule_total("4000", DAY(2020, 2, 29), 12, "maturity")))], None),
    # Paid on its day a fen short: 0.01 of principal late from then on.
    "short_by_a_fen": (VILLAGE_A, "1000", DAY(2020, 3, 1), 2, "maturity", [(DAY(2020, 5, 1), "1013.99")],
                       None),
    # Village B: never paid.
    "never": (VILLAGE_B, "1000", DAY(2020, 3, 1), 2, "maturity", [], None),
}


@pytest.fixture
def books(cast, make_household, monkeypatch):
    """Two funds with the loans above, recorded on a late day (the actions refuse days ahead of today)."""
    move_to(monkeypatch, DAY(2021, 12, 31))
    county = cast["county"]
    funds = {}
    for village in (VILLAGE_A, VILLAGE_B):
        funds[village] = actions.found_fund(village, actor=county, founded_on=DAY(2020, 1, 1))
        actions.contribute(funds[village], actor=county, kind="government", amount="200000",
                           on=DAY(2020, 1, 1))
    loans = {}
    for name, (village, principal, issued_on, months, kind, payments, written_off) in LOANS.items():
        home = make_household(village, actor=county, head_name=f"马{name}")
        actions.add_member(funds[village], home, actor=county, joined_on=DAY(2020, 1, 1))
        loan = actions.issue_loan(funds[village], home, actor=county, principal=principal,
                                  issued_on=issued_on, term_months=months, schedule=kind, group="一组")
        for paid_on, amount in payments:
            actions.repay(loan, actor=county, amount=amount, paid_on=paid_on)
        if written_off:
            actions.write_off(loan, actor=county, reason="户主外出无音讯", closed_on=written_off)
        loans[name] = loan
    Loan.objects.filter(pk=loans["written_off_undated"].pk).update(closed_on=None)
    return {"funds": funds, "loans": loans}


def days() -> list[datetime.date]:
    """Every day something falls due, is paid or written off, and the days either side; month ends."""
    marks = {DAY(2019, 12, 31)}
    for _v, principal, issued_on, months, kind, payments, written_off in LOANS.values():
        marks.add(issued_on)
        marks.update(due.due_on for due in rules.schedule(D(principal), issued_on, months, D("0.007"), kind))
        marks.update(day for day, _a in payments)
        if written_off:
            marks.add(written_off)
    month_ends = [rules.add_months(DAY(2020, 1, 31), n) for n in range(24)]
    return sorted({day + step for day in marks for step in (-ONE, 0 * ONE, ONE)} | set(month_ends))


def walked(funds, on: datetime.date) -> dict[int, queries.Figures]:
    """The figures with every loan read and walked one by one, as before the sums."""
    return queries.figures(funds, on, loans=loan_facts(Loan.objects.filter(fund__in=funds), on, due_by=True))


def test_the_sums_say_what_walking_every_loan_says_on_every_day(books):
    funds = MutualFund.objects.filter(pk__in=[f.pk for f in books["funds"].values()])
    seen_late, seen_partial_rate = set(), False
    for on in days():
        summed, each = queries.figures(funds, on), walked(funds, on)
        assert summed == each, on
        # The schedule read whole (not only what is due by the day) says the same.
        whole = loan_facts(Loan.objects.filter(fund__in=funds), on)
        assert summed == queries.figures(funds, on, loans=whole), on
        total = queries.total_of(summed.values())
        seen_late |= {row.loan for row in total.overdue}
        seen_partial_rate |= total.rate.due > total.rate.repaid > 0
    loans = books["loans"]
    # Not vacuous: the loans behind were late on some day, the others never.
    assert seen_late == {loans[name].pk for name in (
        "fee_only", "short_of_fee", "monthly_partial", "ahead", "written_off", "late_in_full", "not_due",
        "short_by_a_fen", "never")}
    assert seen_partial_rate


def test_the_worked_figures_on_one_day(books):
    """31 August 2020: what is due and what was paid, loan by loan (fee rate 7‰ a month)."""
    loans, on = books["loans"], DAY(2020, 8, 31)
    fund = books["funds"][VILLAGE_A]
    figures = queries.figures(MutualFund.objects.filter(pk=fund.pk), on)[fund.pk]
    late = {row.loan: (row.late.principal, row.late.fee, row.late.since) for row in figures.overdue}
    assert late == {
        # 105.00 paid: the fee; all 5,000 of principal late since 10 May.
        loans["fee_only"].pk: (D("5000.00"), D("0.00"), DAY(2020, 5, 10)),
        # 30.00 of the 42.00 fee paid.
        loans["short_of_fee"].pk: (D("3000.00"), D("12.00"), DAY(2020, 5, 1)),
        # 1,238.50 paid: April and May (1,038.50), then June's 14.00 fee and 186.00 of its principal;
        # late: June's 314.00, July's and August's 500 with 10.50 and 7.00.
        loans["monthly_partial"].pk: (D("1314.00"), D("17.50"), DAY(2020, 6, 1)),
        # Written off only from 1 September: 2,000 + 42.00 less 500 paid (fee first).
        loans["written_off"].pk: (D("1542.00"), D("0.00"), DAY(2020, 5, 10)),
        # Due 30 July and 30 August: 600 + 12.60 and 600 + 8.40.
        loans["late_in_full"].pk: (D("1200.00"), D("21.00"), DAY(2020, 7, 30)),
        # 700 paid on 10 May: May's and June's 300 with 8.40 and 6.30, then July's 4.20 fee and 81.10 of its
        # principal; late: July's other 218.90 and August's 300 + 2.10.
        loans["ahead"].pk: (D("518.90"), D("2.10"), DAY(2020, 7, 30)),
        loans["short_by_a_fen"].pk: (D("0.01"), D("0.00"), DAY(2020, 5, 1)),
    }
    # On 30 June the same loan was ahead: nothing late.
    june = queries.figures(MutualFund.objects.filter(pk=fund.pk), DAY(2020, 6, 30))[fund.pk]
    assert loans["ahead"].pk not in {row.loan for row in june.overdue}
    # The undated write-off is off the list on every day, its 1,000 written off.
    assert figures.written_off == D("1000.00")


def test_an_area_report_reads_every_loan_in_a_bounded_number_of_queries(cast, books):
    on = DAY(2020, 8, 31)
    with CaptureQueriesContext(connection) as captured:
        report = queries.area_report(scope_for(cast["county"]), XIJI[:6], on)
    statements = [q["sql"] for q in captured.captured_queries]
    assert len(statements) == 10
    # No statement reads every installment or repayment one row each; the loans behind are named.
    assert not any(sql.lstrip().upper().startswith('SELECT "FUNDS_INSTALLMENT"') for sql in statements)
    assert {row.head for row in report.total.overdue} >= {"马fee_only", "马never"}
    each = queries.total_of(walked(MutualFund.objects.all(), on).values())
    assert [(r.loan, r.late) for r in report.total.overdue] == [(r.loan, r.late) for r in each.overdue]
    for name in ("loans", "lent", "rate", "active", "outstanding", "written_off", "fee_income", "reserve"):
        assert getattr(report.total, name) == getattr(each, name), name


def test_fee_income_and_reserve_by_the_year_of_payment(books):
    """Fees of each calendar year, each year's reserve share taken to the fen."""
    fund = books["funds"][VILLAGE_A]
    for on in (DAY(2020, 12, 31), DAY(2021, 3, 1)):
        figures = queries.figures(MutualFund.objects.filter(pk=fund.pk), on)[fund.pk]
        by_year = {}
        for repayment in Repayment.objects.filter(loan__fund=fund, paid_on__lte=on):
            by_year[repayment.paid_on.year] = by_year.get(repayment.paid_on.year, D("0.00")) + repayment.fee
        share = queries.standard("mutual_fund_reserve_share", 2020, VILLAGE_A)
        assert share == queries.standard("mutual_fund_reserve_share", 2021, VILLAGE_A)
        assert figures.fee_income == sum(by_year.values(), D("0.00")) > 0
        assert figures.reserve == sum(((fee * share).quantize(D("0.01")) for fee in by_year.values()),
                                      D("0.00"))
    assert len(by_year) == 2  # fees paid in 2020 and in 2021


def test_the_year_s_loans_are_those_issued_from_its_first_day_to_the_day(cast, books):
    totals = queries.area_totals(scope_for(cast["county"]), XIJI[:6], DAY(2020, 6, 29))
    issued = [(v, p, day) for v, p, day, *_ in LOANS.values() if day <= DAY(2020, 6, 29)]
    assert (totals.issued, totals.principal_issued) == (
        len(issued), sum((D(p) for _v, p, _d in issued), D("0.00")))
    assert len(totals.loans) == len(issued)  # read when asked
    assert queries.area_totals(scope_for(cast["county"]), XIJI[:6], DAY(2021, 1, 5)).issued == 0


@pytest.mark.parametrize("term", [1, 2, 3, 6, 11, 12, 13])
def test_the_last_day_of_issue_past_its_term(term):
    on = DAY(2019, 12, 1)
    while on <= DAY(2021, 3, 31):
        last = mutual_sums.last_issue_day(on, term)
        assert rules.add_months(last, term) <= on < rules.add_months(last + ONE, term), (on, term)
        on += ONE
    assert rules.add_months(mutual_sums.last_issue_day(datetime.date.max, term), term) <= datetime.date.max


def _sums_statements(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "per_loan GROUP BY fund_id" in q["sql"]]


@pytest.mark.parametrize("on", [DAY(2021, 12, 31), DAY(2022, 3, 1), datetime.date.max])
def test_from_today_the_loans_marked_repaid_are_checked_not_read(books, on):
    """Today (31 December 2021) and later, the loans marked repaid are summed without their repayments,
    checked against the principal repaid by the day: the figures are those of every loan walked."""
    funds = MutualFund.objects.filter(pk__in=[f.pk for f in books["funds"].values()])
    assert Loan.objects.filter(state=Loan.State.REPAID).count() == 4
    with CaptureQueriesContext(connection) as captured:
        summed = queries.figures(funds, on)
    (statement,) = _sums_statements(captured)
    assert "UNION ALL" in statement
    assert summed == walked(funds, on)


def test_a_loan_marked_repaid_that_has_not_repaid_is_read_one_by_one(books):
    """Should a loan be marked repaid while it still owes (rows written by hand), the check fails for its
    fund, whose loans are then read one by one: the figures stay those of the repayments."""
    funds = MutualFund.objects.filter(pk__in=[f.pk for f in books["funds"].values()])
    Loan.objects.filter(pk=books["loans"]["fee_only"].pk).update(state=Loan.State.REPAID)
    on = DAY(2021, 12, 31)
    with CaptureQueriesContext(connection) as captured:
        summed = queries.figures(funds, on)
    first, again = _sums_statements(captured)
    assert "UNION ALL" in first and "UNION ALL" not in again
    assert summed == walked(funds, on)
    assert books["loans"]["fee_only"].pk in {row.loan for row in summed[books["funds"][VILLAGE_A].pk].overdue}

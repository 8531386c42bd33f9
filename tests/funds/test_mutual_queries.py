"""Mutual fund reads: figures on a day, an area's report from a fixed number of queries however many funds
it holds, and who sees which funds."""

import datetime
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jingzhun.areas.models import Area, Level
from jingzhun.areas.scope import scope_for
from jingzhun.funds import mutual_actions as actions
from jingzhun.funds import mutual_queries as queries
from jingzhun.funds import mutual_rules as rules
from jingzhun.funds.models import MutualFund
from jingzhun.policy.models import Standard
from tests.conftest import GUYUAN, VILLAGE_A, VILLAGE_C, XIJI

pytestmark = pytest.mark.django_db
FOUNDED = datetime.date(2019, 1, 1)


def village_fund(cast, make_household, code, *, capital="20000", loans=1):
    """A fund with `loans` member households each borrowing 1,000 for two months on 1 March 2020 and
    repaying 507.00 (the first month, 500 + 7.00) on 1 April: the second month's 500 + 3.50 is overdue."""
    fund = actions.found_fund(code, actor=cast["county"], founded_on=FOUNDED)
    actions.contribute(fund, actor=cast["county"], kind="government", amount=capital, on=FOUNDED)
    for _ in range(loans):
        home = make_household(code, actor=cast["county"])
        actions.add_member(fund, home, actor=cast["county"], joined_on=FOUNDED)
        loan = actions.issue_loan(fund, home, actor=cast["county"], principal="1000",
                                  issued_on=datetime.date(2020, 3, 1), term_months=2, schedule="monthly",
                                  group="一组")
        actions.repay(loan, actor=cast["county"], amount="507.00", paid_on=datetime.date(2020, 4, 1))
    return fund


def xiji_villages(n: int) -> list[str]:
    codes = list(Area.objects.filter(level=Level.VILLAGE, code__startswith=XIJI[:6]).exclude(code=VILLAGE_A)
                 .order_by("code").values_list("code", flat=True)[:n])
    assert len(codes) == n
    return codes


def report_queries(cast, on) -> tuple[int, queries.AreaReport]:
    scope = scope_for(cast["county"])
    with CaptureQueriesContext(connection) as captured:
        report = queries.area_report(scope, XIJI[:6], on)
    return len(captured.captured_queries), report


def test_a_county_report_takes_the_same_queries_for_two_funds_or_twelve(cast, make_household):
    on = datetime.date(2020, 6, 30)
    for code in xiji_villages(2):
        village_fund(cast, make_household, code)
    few, report = report_queries(cast, on)
    assert len(report.rows) == 2
    for code in xiji_villages(12)[2:]:
        village_fund(cast, make_household, code, loans=2)
    many, report = report_queries(cast, on)
    assert len(report.rows) == 12 and many == few == 10
    # Each loan: 1,000 due by 1 May, of which 500 repaid; 22 loans. Each owes 500.00 + 3.50 since 1 May.
    total = report.total
    assert (total.loans, total.rate.due, total.rate.repaid) == (22, D("22000.00"), D("11000.00"))
    assert (len(total.overdue), total.overdue_principal, total.overdue_fee) == (22, D("11000.00"), D("77.00"))
    assert {row.late.days for row in total.overdue} == {60}


def test_figures_on_an_earlier_day(cast, make_household):
    fund = village_fund(cast, make_household, VILLAGE_A)
    home = fund.memberships.get().household
    # 31 March: the loan is out, nothing due yet, nothing repaid, no fee income.
    march = queries.fund_figures(fund, datetime.date(2020, 3, 31))
    assert (march.outstanding, march.fee_income, march.rate.due, march.overdue) == (
        D("1000.00"), D("0.00"), D("0.00"), [])
    # 28 February: no loan yet.
    assert queries.fund_figures(fund, datetime.date(2020, 2, 28)).loans == 0
    # 30 June: 500 repaid, 7.00 of fees, of which 2.80 reserved: 20,000 + 2.80 − 500 can be lent.
    june = queries.fund_figures(fund, datetime.date(2020, 6, 30))
    assert (june.outstanding, june.fee_income, june.reserve, june.lendable) == (
        D("500.00"), D("7.00"), D("2.80"), D("19502.80"))
    assert (june.members, june.poor_members, june.founding_short) == (1, 1, True)
    actions.repay(fund.loans.get(), actor=cast["county"], amount="503.50", paid_on=datetime.date(2020, 6, 30))
    actions.end_membership(fund.memberships.get(), actor=cast["county"], left_on=datetime.date(2020, 6, 30),
                           reason="自愿退出")
    assert queries.fund_figures(fund, datetime.date(2020, 6, 29)).members == 1  # still a member then
    after = queries.fund_figures(fund, datetime.date(2020, 6, 30))
    assert (after.members, after.active, after.outstanding, after.overdue) == (0, 0, D("0.00"), [])
    assert after.rate.rate == 1
    members = queries.fund_records(fund, datetime.date(2020, 6, 30))["members"]
    assert home.pk not in {m.household_id for m in members}


def test_who_sees_which_funds(cast, make_household):
    mine = village_fund(cast, make_household, VILLAGE_A)
    theirs = actions.found_fund(VILLAGE_C, actor=cast["other_county"], founded_on=FOUNDED)
    seen = {who: set(queries.visible_funds(scope_for(cast[who]))) for who in cast}
    assert seen["county"] == seen["auditor"] == seen["township"] == seen["cadre_a"] == {mine}
    assert seen["province"] == {mine, theirs} and seen["prefecture"] == {mine}  # Yanchi is in Wuzhong
    assert seen["other_county"] == {theirs}
    assert seen["cadre_b"] == seen["helper"] == seen["outsider"] == set()
    report = queries.area_report(scope_for(cast["prefecture"]), GUYUAN[:4], datetime.date(2020, 6, 30))
    assert [fund for fund, _f in report.rows] == [mine]


def test_a_loan_written_off_is_active_and_overdue_before_its_day(cast, make_household):
    fund = village_fund(cast, make_household, VILLAGE_A)
    loan = fund.loans.get()
    # Overdue since 1 May (500.00 + 3.50); written off from 1 June.
    actions.write_off(loan, actor=cast["county"], reason="户主病故", closed_on=datetime.date(2020, 6, 1))
    before = queries.fund_figures(fund, datetime.date(2020, 5, 31))
    assert (before.active, before.outstanding, before.written_off) == (1, D("500.00"), D("0.00"))
    assert [(row.loan, row.late.principal, row.late.fee) for row in before.overdue] == [
        (loan.pk, D("500.00"), D("3.50"))]
    after = queries.fund_figures(fund, datetime.date(2020, 6, 1))
    assert (after.active, after.outstanding, after.written_off, after.overdue) == (
        0, D("0.00"), D("500.00"), [])
    # The rate is the same on both sides of the day: 1,000 due by 1 May, 500 of it repaid.
    assert before.rate == after.rate == rules.Rate(D("1000.00"), D("500.00"))
    assert before.lendable == after.lendable == D("19502.80")
    (facts,) = queries.loan_facts(fund.loans.all(), datetime.date(2020, 6, 30))
    assert [facts.state_on(datetime.date(2020, 5, d)) for d in (1, 31)] == ["active", "active"]
    assert facts.state_on(datetime.date(2020, 6, 1)) == facts.state_then == "written_off"
    assert facts.overdue(datetime.date(2020, 5, 31)).days == 30
    assert facts.overdue(datetime.date(2020, 6, 1)) is None


def test_a_loan_written_off_without_its_day_counts_as_written_off_on_every_day(cast, make_household):
    fund = village_fund(cast, make_household, VILLAGE_A)
    fund.loans.update(state="written_off")  # as the rows written before the day was kept
    early = queries.fund_figures(fund, datetime.date(2020, 5, 2))
    assert (early.active, early.written_off, early.overdue) == (0, D("500.00"), [])


def test_founding_asks_what_the_standards_of_the_founding_year_ask(cast, make_household):
    fund = village_fund(cast, make_household, VILLAGE_A)  # founded in 2019: one poor member household
    figures = queries.fund_figures(fund, datetime.date(2020, 6, 30))
    assert figures.founding == queries.Founding(50, D("0.5")) and figures.founding_short
    assert figures.founding.share_text == "50%"
    # Xiji asks for no more than one household from 2020: a fund founded in 2019 still answers to 50.
    for key in ("mutual_fund_min_households", "mutual_fund_min_poor_share"):
        Standard.objects.create(key=key, jurisdiction=XIJI[:6], year_from=2020, value=0)
    assert queries.fund_figures(fund, datetime.date(2020, 6, 30)).founding_short
    MutualFund.objects.filter(pk=fund.pk).update(founded_on=datetime.date(2020, 1, 1))
    figures = queries.fund_figures(fund, datetime.date(2020, 6, 30))
    assert figures.founding == queries.Founding(0, D("0")) and not figures.founding_short
    # Before the standards (2006) there is nothing to fall short of.
    MutualFund.objects.filter(pk=fund.pk).update(founded_on=datetime.date(2005, 1, 1))
    figures = queries.fund_figures(fund, datetime.date(2020, 6, 30))
    assert figures.founding is None and not figures.founding_short


def test_an_areas_sums_are_read_by_every_reader_of_its_registry(cast, make_household):
    village_fund(cast, make_household, VILLAGE_A)
    on = datetime.date(2020, 6, 30)
    county = queries.area_report(scope_for(cast["county"]), XIJI[:6], on).total
    scope = scope_for(cast["helper"])
    with CaptureQueriesContext(connection) as captured:
        helper = queries.area_totals(scope, VILLAGE_A, on)
    assert len(captured.captured_queries) == 8
    # A helper opens no fund's page, but reads the village's sums in its yearly account.
    assert queries.area_report(scope, VILLAGE_A, on).rows == []
    assert (helper.total.rate, helper.total.outstanding, helper.total.overdue_principal) == (
        county.rate, county.outstanding, county.overdue_principal)
    assert [loan.issued_on for loan in helper.loans] == [datetime.date(2020, 3, 1)]
    for who in ("outsider", "other_county", "cadre_b"):
        assert queries.area_totals(scope_for(cast[who]), XIJI[:6], on).by_fund == {}, who

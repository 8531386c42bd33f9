"""The yearly account's figures on a small Xiji ledger kept through the real actions: funds by source and
by purpose, the year's projects, villages covered, and the village mutual funds' loans and repayment
rate. Other modules of the report's tests import `report_books` from here."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jingzhun.areas.models import AreaFlag
from jingzhun.areas.scope import scope_for
from jingzhun.errors import DomainError
from jingzhun.funds import actions, mutual_actions, mutual_rules, report_queries
from jingzhun.funds.models import Contribution, Installment, Loan, Membership, MutualFund, Project, Repayment
from jingzhun.funds.models.projects import OUTPUT_UNITS
from tests.conftest import JIQIANG, VILLAGE_A, VILLAGE_B, VILLAGE_C, XIJI, YANCHI

from .conftest import make_fund, make_project

VILLAGE_D = "640422100203"  # a third village of the township: a mutual fund founded in 2020, no project
D = datetime.date


def yuan(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def make_loan(fund, household, principal, issued_on, term, *, schedule="maturity", payments=()):
    """A loan with its fixed schedule, and repayments split as the rules split them."""
    loan = Loan.objects.create(fund=fund, household=household, principal=principal, issued_on=issued_on,
                               term_months=term, fee_rate=Decimal("0.008"), schedule=schedule,
                               recorded_at=timezone.now())
    dues = mutual_rules.schedule(Decimal(principal), issued_on, term, Decimal("0.008"), schedule)
    Installment.objects.bulk_create(Installment(loan=loan, number=d.number, due_on=d.due_on,
                                                principal=d.principal, fee=d.fee) for d in dues)
    earlier = []
    for paid_on, amount in payments:
        principal_part, fee = mutual_rules.split_payment(dues, earlier, Decimal(amount))
        Repayment.objects.create(loan=loan, paid_on=paid_on, amount=amount, principal=principal_part, fee=fee,
                                 recorded_at=timezone.now())
        earlier.append(Decimal(amount))
    return loan


def _mutual_funds(cast, make_household):
    b = [make_household(VILLAGE_B, actor=cast["cadre_b"], head_name=f"马{n}") for n in range(3)]
    d = make_household(VILLAGE_D, actor=cast["township"], head_name="李四")
    fund_b = MutualFund.objects.create(village_id=VILLAGE_B, founded_on=D(2018, 3, 1))
    fund_d = MutualFund.objects.create(village_id=VILLAGE_D, founded_on=D(2020, 4, 1))
    # Closed before 2020: neither covers its village that year nor counts as a fund.
    MutualFund.objects.create(village_id="640422100204", founded_on=D(2016, 1, 1), closed_on=D(2019, 6, 1))
    for household in b:
        Membership.objects.create(fund=fund_b, household=household, joined_on=D(2018, 3, 1),
                                  left_on=D(2020, 3, 1) if household is b[2] else None)
    Membership.objects.create(fund=fund_d, household=d, joined_on=D(2020, 4, 1))
    Contribution.objects.create(fund=fund_b, kind="government", amount="200000", on=D(2018, 3, 1))
    for household in b:
        Contribution.objects.create(fund=fund_b, kind="member", household=household, amount="1000",
                                    on=D(2018, 3, 1))
    Contribution.objects.create(fund=fund_d, kind="other", amount="5000", on=D(2020, 4, 1))
    make_loan(fund_b, b[0], "5000", D(2019, 3, 1), 12, payments=[(D(2020, 2, 20), "5480")])
    make_loan(fund_b, b[1], "6000", D(2019, 8, 1), 6, payments=[(D(2020, 2, 10), "3288")])  # 3,000 late
    monthly = mutual_rules.schedule(Decimal("10000"), D(2020, 1, 15), 12, Decimal("0.008"), "monthly")
    make_loan(fund_b, b[0], "10000", D(2020, 1, 15), 12, schedule="monthly",
              payments=[(d.due_on, d.total) for d in monthly[:5]])
    make_loan(fund_d, d, "3000", D(2020, 5, 1), 12)


@pytest.fixture
def report_books(cast, make_household):
    """Xiji's 2019 and 2020 (to 30 June) books; Yanchi's beside them must never show."""
    county = cast["county"]
    road = make_project(county)
    road.output_achieved, road.state = Decimal("3.5"), Project.State.UNDER_WAY
    road.save()
    cattle = make_project(county, area=VILLAGE_B, kind="industry", purpose="industry", budget="200000",
                          name="肉牛养殖")
    cattle.state, cattle.accepted_on = Project.State.ACCEPTED, D(2020, 5, 1)
    cattle.save()
    houses = make_project(county, kind="housing", purpose="housing", budget="100000", name="危房改造")
    training = make_project(county, kind="training", purpose="training", budget="50000", name="培训")
    Project.objects.filter(pk=training.pk).update(state=Project.State.CANCELLED)
    old_road = make_project(county, name="2019年道路")
    Project.objects.filter(pk=old_road.pk).update(year=2019)

    several = make_fund(county)  # infrastructure and industry
    actions.receive(several, actor=county, amount="1000000", on=D(2020, 1, 10))
    actions.allocate(several, road, actor=county, amount="300000", on=D(2020, 2, 1))
    actions.allocate(several, cattle, actor=county, amount="100000", on=D(2020, 2, 1))
    actions.spend(several, road, actor=county, amount="120000", on=D(2020, 3, 1))
    household = make_household(VILLAGE_B, actor=cast["cadre_b"], head_name="王五")
    actions.spend(several, cattle, actor=county, amount="50000", on=D(2020, 3, 1), household=household,
                  subsidy="cattle")
    wrong = actions.spend(several, road, actor=county, amount="10000", on=D(2020, 3, 2))
    actions.reverse(wrong, actor=county, reason="记错项目")
    housing = make_fund(county, source="provincial", purposes=("housing",), name="自治区危房改造资金")
    actions.receive(housing, actor=county, amount="200000", on=D(2020, 4, 1))
    actions.allocate(housing, houses, actor=county, amount="80000", on=D(2020, 4, 2))
    actions.spend(housing, houses, actor=county, amount="30000", on=D(2020, 5, 2))
    last_year = make_fund(county, year=2019, purposes=("infrastructure",), name="2019年中央资金")
    actions.receive(last_year, actor=county, amount="500000", on=D(2019, 5, 1))
    actions.allocate(last_year, old_road, actor=county, amount="400000", on=D(2019, 6, 1))
    actions.spend(last_year, old_road, actor=county, amount="300000", on=D(2019, 9, 1))
    actions.spend(last_year, old_road, actor=county, amount="50000", on=D(2020, 1, 20))

    yanchi = cast["other_county"]
    theirs = actions.create_fund(actor=yanchi, area_code=YANCHI, source="central", year=2020, name="盐池资金")
    actions.receive(theirs, actor=yanchi, amount="777000", on=D(2020, 1, 5))
    their_road = make_project(yanchi, area=VILLAGE_C, budget="999000")
    actions.allocate(theirs, their_road, actor=yanchi, amount="7000", on=D(2020, 1, 6))
    MutualFund.objects.create(village_id=VILLAGE_C, founded_on=D(2019, 1, 1))

    AreaFlag.objects.create(area_id=VILLAGE_B, kind=AreaFlag.Kind.POOR_VILLAGE, start_year=2014)
    AreaFlag.objects.create(area_id=VILLAGE_A, kind=AreaFlag.Kind.POOR_VILLAGE, start_year=2014,
                            end_year=2019)
    _mutual_funds(cast, make_household)
    return {"road": road, "cattle": cattle}


def _lines(lines):
    return {line.key: tuple(getattr(line, f) for f in line.FIGURES) for line in lines}


def test_funds_by_source_and_purpose(cast, report_books):
    account = report_queries.account(scope_for(cast["county"]), XIJI, 2020)
    assert account.as_of == D(2020, 6, 30) and not account.complete
    # received, allocated, spent in the year; unallocated and unspent at its end
    assert _lines(account.sources) == {
        "central": tuple(map(yuan, ("1000000", "400000", "220000", "700000", "280000"))),
        "provincial": tuple(map(yuan, ("200000", "80000", "30000", "120000", "50000")))}
    assert _lines([account.total])["total"] == tuple(map(yuan, ("1200000", "480000", "250000", "820000",
                                                                 "330000")))
    # The fund of several purposes counts by its projects' purposes; what it has not allocated stands apart.
    assert _lines(account.purposes) == {
        "infrastructure": tuple(map(yuan, ("0", "300000", "170000", "100000", "230000"))),
        "industry": tuple(map(yuan, ("0", "100000", "50000", "0", "50000"))),
        "housing": tuple(map(yuan, ("200000", "80000", "30000", "120000", "50000"))),
        report_queries.SEVERAL: tuple(map(yuan, ("1000000", "0", "0", "600000", "0")))}


def test_projects_of_the_year_by_kind(cast, report_books):
    account = report_queries.account(scope_for(cast["county"]), XIJI, 2020)
    lines = {line.kind: line for line in account.projects}
    assert set(lines) == {"road", "industry", "housing", "training"}
    road = lines["road"]
    assert (road.projects, road.budget, road.allocated, road.spent, road.planned, road.achieved, road.accepted
            ) == (1, yuan(500000), yuan(300000), yuan(120000), yuan(5), yuan("3.5"), 0)
    assert road.unit == OUTPUT_UNITS["road"]
    assert (lines["industry"].accepted, lines["industry"].spent) == (1, yuan(50000))
    assert (lines["training"].projects, lines["training"].cancelled, lines["training"].budget) == (0, 1, 0)
    total = account.projects_total
    assert (total.projects, total.cancelled, total.budget, total.allocated, total.spent, total.accepted) == (
        3, 1, yuan(800000), yuan(480000), yuan(200000), 1)


def test_villages_covered_against_the_areas_villages(cast, report_books):
    villages = report_queries.account(scope_for(cast["county"]), XIJI, 2020).villages
    lines = {line.area.code: line for line in villages.lines}
    assert set(lines) == {VILLAGE_A, VILLAGE_B, VILLAGE_D}
    assert (lines[VILLAGE_A].projects, lines[VILLAGE_A].budget, lines[VILLAGE_A].mutual_fund) == (
        2, yuan(600000), False)
    assert (lines[VILLAGE_B].projects, lines[VILLAGE_B].mutual_fund, lines[VILLAGE_B].poor) == (1, True, True)
    assert (lines[VILLAGE_D].projects, lines[VILLAGE_D].mutual_fund) == (0, True)
    assert (villages.covered, villages.poor, villages.covered_poor) == (3, 1, 1)
    assert villages.total == 308  # Xiji's villages in the area data


def test_mutual_funds_loans_and_repayment_rate(cast, report_books):
    mutual = report_queries.account(scope_for(cast["county"]), XIJI, 2020).mutual
    assert (mutual.funds, mutual.members) == (2, 3)
    assert {line.kind: line.amount for line in mutual.capital} == {
        "government": yuan(200000), "member": yuan(3000), "other": yuan(5000)}
    assert (mutual.loans_issued, mutual.principal_issued) == (2, yuan(13000))
    assert (mutual.loans_outstanding, mutual.outstanding) == (3, yuan("11833.35"))
    # Due by 30 June: 5,000 + 6,000 + five monthly parts of 833.33; 3,000 of the six-month loan unpaid.
    assert mutual.rate == mutual_rules.Rate(yuan("15166.65"), yuan("12166.65"))
    assert (mutual.overdue_loans, mutual.overdue_principal, mutual.overdue_fee) == (1, yuan(3000), yuan(0))


def test_a_loan_written_off_is_off_the_overdue_list_from_its_day(cast, report_books):
    late = Loan.objects.get(fund__village_id=VILLAGE_B, principal=6000)  # 3,000 late since 1 February
    mutual_actions.write_off(late, actor=cast["county"], reason="户主病故", closed_on=D(2020, 4, 1))
    mutual = report_queries.account(scope_for(cast["county"]), XIJI, 2020).mutual
    assert (mutual.overdue_loans, mutual.overdue_principal, mutual.written_off) == (0, yuan(0), yuan(3000))
    assert (mutual.loans_outstanding, mutual.outstanding) == (2, yuan("8833.35"))
    assert mutual.rate == mutual_rules.Rate(yuan("15166.65"), yuan("12166.65"))  # as before: it was due
    # At the end of 2019 it was being repaid (nothing due yet): outstanding, not written off.
    before = report_queries.account(scope_for(cast["county"]), XIJI, 2019).mutual
    assert (before.loans_outstanding, before.outstanding, before.written_off) == (2, yuan(11000), yuan(0))


def test_a_past_year_ends_on_the_31st_of_december(cast, report_books):
    account = report_queries.account(scope_for(cast["county"]), XIJI, 2019)
    assert account.complete and account.as_of == D(2019, 12, 31)
    assert _lines(account.sources) == {"central": tuple(map(yuan, ("500000", "400000", "300000", "100000",
                                                                   "100000")))}
    assert [line.kind for line in account.projects] == ["road"]
    mutual = account.mutual
    # Village B's fund, and the fund closed in June 2019 (open part of that year).
    assert (mutual.funds, mutual.loans_issued, mutual.principal_issued) == (2, 2, yuan(11000))
    assert mutual.rate.rate is None  # nothing was due yet


def test_a_village_account_holds_the_villages_projects_only(cast, report_books):
    account = report_queries.account(scope_for(cast["cadre_b"]), VILLAGE_B, 2020)
    assert account.sources == () and account.total.received == 0  # funds are held by the county
    assert [line.kind for line in account.projects] == ["industry"]
    assert (account.villages.total, account.villages.covered) == (1, 1)
    assert (account.mutual.funds, account.mutual.loans_issued, account.mutual.outstanding) == (
        1, 1, yuan("8833.35"))  # the six-month loan's 3,000 and the monthly loan's remainder


@pytest.mark.parametrize("who, code", [("outsider", XIJI), ("other_county", XIJI), ("cadre_a", XIJI),
                                       ("cadre_a", VILLAGE_B), ("township", YANCHI)])
def test_an_area_outside_the_readers_scope_is_not_found(cast, report_books, who, code):
    with pytest.raises(Http404):
        report_queries.account(scope_for(cast[who]), code, 2020)


@pytest.mark.parametrize("who", ["province", "prefecture", "auditor"])
def test_officers_above_and_the_auditor_read_the_same_account(cast, report_books, who):
    account = report_queries.account(scope_for(cast[who]), XIJI, 2020)
    assert account.total.received == yuan(1200000) and account.mutual.loans_issued == 2


def test_township_reads_its_township(cast, report_books):
    account = report_queries.account(scope_for(cast["township"]), JIQIANG, 2020)
    assert account.projects_total.projects == 3 and account.villages.covered == 3


@pytest.mark.parametrize("year", [1999, 2021])
def test_a_year_outside_the_records_is_refused(cast, year):
    with pytest.raises(DomainError) as refused:
        report_queries.account(scope_for(cast["county"]), XIJI, year)
    assert refused.value.field == "year"


def test_default_year_is_the_latest_with_funds_or_projects(cast, report_books):
    scope = scope_for(cast["county"])
    assert report_queries.default_year(scope, report_queries.area_for(scope, XIJI)) == 2020
    assert report_queries.default_year(scope, report_queries.area_for(scope, VILLAGE_A)) == 2020


def _queries(scope, code, year) -> int:
    with CaptureQueriesContext(connection) as captured:
        report_queries.account(scope, code, year)
    return len(captured.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_books(cast, report_books, make_household):
    scope = scope_for(cast["county"])
    before = _queries(scope, XIJI, 2020)
    county = cast["county"]
    fund = make_fund(county, name="追加资金")
    actions.receive(fund, actor=county, amount="90000", on=D(2020, 6, 1))
    for n in range(4):
        project = make_project(county, area=f"64042210020{n + 5}", name=f"项目{n}")
        actions.allocate(fund, project, actor=county, amount="1000", on=D(2020, 6, 2))
    mutual = MutualFund.objects.get(village_id=VILLAGE_B)
    for n in range(5):
        household = make_household(VILLAGE_B, actor=cast["cadre_b"], head_name=f"赵{n}")
        make_loan(mutual, household, "2000", D(2020, 2, 1), 3, payments=[(D(2020, 5, 1), "1000")])
    assert _queries(scope, XIJI, 2020) == before <= 17, before

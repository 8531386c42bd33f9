"""Mutual fund actions: what they refuse (limits, non-members, a second loan, overpayment, more than the
fund can lend), who may run them, and the lines they leave in a household's audit trail."""

import datetime
from decimal import Decimal as D

import pytest
from django.utils import timezone, translation

from jingzhun.errors import DomainError, InvalidTransition, NotAllowed, OutOfScope
from jingzhun.funds import mutual_actions as actions
from jingzhun.funds import mutual_queries as queries
from jingzhun.funds.models import Loan, MutualFund
from jingzhun.registry.models import AuditEvent
from tests.conftest import JIQIANG, VILLAGE_A, VILLAGE_B

from .conftest import TODAY

pytestmark = pytest.mark.django_db
DAY = datetime.date(2020, 5, 1)
NOW = timezone.make_aware(datetime.datetime(2020, 6, 30, 10, 0))  # the calendar's (conftest)


@pytest.fixture
def fund(cast):
    """Village A's fund with 5,000 yuan of government capital: small, so its lending runs out."""
    made = actions.found_fund(VILLAGE_A, actor=cast["cadre_a"], founded_on=datetime.date(2014, 1, 1))
    actions.contribute(made, actor=cast["county"], kind="government", amount="5000",
                       on=datetime.date(2014, 1, 1))
    return made


@pytest.fixture
def members(cast, fund, make_household):
    homes = [make_household(actor=cast["cadre_a"], head_name=name) for name in ("马德福", "李有才", "王发祥")]
    for home in homes:
        actions.add_member(fund, home, actor=cast["cadre_a"], joined_on=datetime.date(2014, 1, 1))
    return homes


def lend(cast, fund, home, principal, *, on=DAY, months=1, schedule="maturity", who="cadre_a"):
    return actions.issue_loan(fund, home, actor=cast[who], principal=principal, issued_on=on,
                              term_months=months, schedule=schedule, purpose="种植", group="一组")


def refused(error_type, field, call, *args, **kwargs):
    with pytest.raises(error_type) as raised:
        call(*args, **kwargs)
    assert raised.value.field == field
    return raised.value


def test_the_fee_rate_is_the_standards_for_the_year_of_issue(cast, fund, members):
    first = lend(cast, fund, members[0], "1000", on=datetime.date(2014, 6, 1), months=12)
    second = lend(cast, fund, members[1], "1000", on=datetime.date(2015, 3, 1), months=2, schedule="monthly")
    assert (first.fee_rate, second.fee_rate) == (D("0.008"), D("0.007"))
    # 1,000 × 0.008 × 12 = 96.00 at maturity; monthly 500 + 7.00, then 500 + 3.50.
    assert list(first.installments.values_list("due_on", "principal", "fee")) == [
        (datetime.date(2015, 6, 1), D("1000.00"), D("96.00"))]
    assert list(second.installments.values_list("principal", "fee")) == [
        (D("500.00"), D("7.00")), (D("500.00"), D("3.50"))]


def test_loan_limits(cast, fund, members):
    refused(DomainError, "principal", lend, cast, fund, members[0], "10000.01")  # the standard's 10,000
    refused(DomainError, "term_months", lend, cast, fund, members[0], "1000", months=13)  # 12 at most
    refused(DomainError, "group", actions.issue_loan, fund, members[0], actor=cast["cadre_a"],
            principal="100", issued_on=DAY, term_months=3, group=" ")
    refused(DomainError, "issued_on", lend, cast, fund, members[0], "100", on=datetime.date(2020, 7, 1))
    assert not Loan.objects.exists()


def test_a_non_member_and_a_second_loan_are_refused(cast, fund, members, make_household):
    outsider = make_household(actor=cast["cadre_a"], head_name="马外")
    refused(DomainError, "household", lend, cast, fund, outsider, "100")
    lend(cast, fund, members[0], "100")
    with translation.override("en"):
        error = refused(DomainError, "household", lend, cast, fund, members[0], "100")
    assert "one loan at a time" in error.message
    left = actions.end_membership  # a member who left borrows no more
    left(fund.memberships.get(household=members[2]), actor=cast["cadre_a"], left_on=DAY, reason="自愿退出")
    refused(DomainError, "household", lend, cast, fund, members[2], "100")


def test_lending_stops_at_the_money_the_fund_holds(cast, fund, members):
    # 5,000 of capital: 4,000 to the first member leaves 1,000 for the second, nothing for the third.
    first = lend(cast, fund, members[0], "4000")
    refused(DomainError, "principal", lend, cast, fund, members[1], "1000.01")
    lend(cast, fund, members[1], "1000")
    refused(DomainError, "principal", lend, cast, fund, members[2], "0.01")
    # The first repays 4,000 + 4,000 × 0.007 = 28.00 in fees, 40% of which (11.20) the fund may lend again.
    actions.repay(first, actor=cast["cadre_a"], amount="4028.00", paid_on=datetime.date(2020, 6, 1))
    assert queries.lendable(fund) == D("4011.20")
    refused(DomainError, "principal", lend, cast, fund, members[2], "4011.21")
    lend(cast, fund, members[2], "4011.20")


def test_repayment_is_split_and_overpayment_refused(cast, fund, members):
    loan = lend(cast, fund, members[0], "3000", months=6, schedule="monthly")
    paid = actions.repay(loan, actor=cast["township"], amount="100.00", paid_on=DAY)
    assert (paid.fee, paid.principal) == (D("21.00"), D("79.00"))  # the first month's fee first
    # All that is owed: 3,000 + 21 + 17.50 + 14 + 10.50 + 7 + 3.50 = 3,073.50, less 100 paid.
    error = refused(DomainError, "amount", actions.repay, loan, actor=cast["cadre_a"], amount="2973.51",
                    paid_on=DAY)
    assert "2,973.50" in error.message
    refused(DomainError, "paid_on", actions.repay, loan, actor=cast["cadre_a"], amount="1",
            paid_on=datetime.date(2020, 4, 30))  # before the last payment
    refused(DomainError, "amount", actions.repay, loan, actor=cast["cadre_a"], amount="0", paid_on=DAY)
    actions.repay(loan, actor=cast["cadre_a"], amount="2973.50", paid_on=DAY)
    loan.refresh_from_db()
    assert loan.state == Loan.State.REPAID
    with pytest.raises(InvalidTransition):
        actions.repay(loan, actor=cast["cadre_a"], amount="1", paid_on=DAY)


def test_membership_rules(cast, fund, members, make_household):
    refused(DomainError, "household", actions.add_member, fund, members[0], actor=cast["cadre_a"],
            joined_on=DAY)  # a member already
    other = make_household(VILLAGE_B, actor=cast["cadre_b"])
    refused(DomainError, "household", actions.add_member, fund, other, actor=cast["county"], joined_on=DAY)
    newcomer = make_household(actor=cast["cadre_a"], head_name="马新")
    refused(DomainError, "joined_on", actions.add_member, fund, newcomer, actor=cast["cadre_a"],
            joined_on=datetime.date(2013, 12, 31))  # before the fund
    borrower = lend(cast, fund, members[0], "100")
    refused(DomainError, "left_on", actions.end_membership, fund.memberships.get(household=members[0]),
            actor=cast["cadre_a"], left_on=DAY, reason="迁出")
    actions.repay(borrower, actor=cast["cadre_a"], amount="100.70", paid_on=DAY)
    ended = actions.end_membership(fund.memberships.get(household=members[0]), actor=cast["cadre_a"],
                                   left_on=DAY, reason="迁出")
    assert ended.left_on == DAY
    # Voluntary entry and exit: the household may join again.
    actions.add_member(fund, members[0], actor=cast["cadre_a"], joined_on=datetime.date(2020, 6, 1))
    assert fund.memberships.filter(household=members[0]).count() == 2


def test_contributions(cast, fund, members, make_household):
    refused(DomainError, "household", actions.contribute, fund, actor=cast["cadre_a"], kind="member",
            amount="100", on=DAY)  # whose?
    better_off = make_household(actor=cast["cadre_a"], head_name="马富", status="non_poor")
    actions.add_member(fund, better_off, actor=cast["cadre_a"], joined_on=DAY)
    refused(DomainError, "household", actions.contribute, fund, actor=cast["cadre_a"], kind="government",
            amount="100", on=DAY, household=better_off)  # fiscal funds pay poor households' shares only
    cadre = cast["cadre_a"]
    actions.contribute(fund, actor=cadre, kind="government", amount="100", on=DAY, household=members[0])
    actions.contribute(fund, actor=cadre, kind="member", amount="200", on=DAY, household=better_off)
    refused(DomainError, "amount", actions.contribute, fund, actor=cast["cadre_a"], kind="other",
            amount="1.001", on=DAY)
    figures = queries.fund_figures(fund, DAY)
    assert figures.capital == {"government": D("5100.00"), "member": D("200.00"), "other": D("0.00")}
    assert (figures.members, figures.poor_members) == (4, 3)


def test_founding(cast, fund):
    refused(DomainError, "village", actions.found_fund, VILLAGE_A, actor=cast["county"], founded_on=DAY)
    refused(DomainError, "village", actions.found_fund, JIQIANG, actor=cast["county"], founded_on=DAY)
    assert MutualFund.objects.count() == 1


def test_who_may_run_a_fund(cast, fund, members):
    for who, error in (("cadre_b", OutOfScope), ("other_county", OutOfScope), ("helper", OutOfScope),
                       ("auditor", NotAllowed), ("province", NotAllowed), ("prefecture", NotAllowed),
                       ("outsider", OutOfScope)):
        with pytest.raises(error):
            lend(cast, fund, members[0], "100", who=who)
        with pytest.raises(error):
            actions.contribute(fund, actor=cast[who], kind="other", amount="1", on=DAY)
    for who in ("cadre_a", "township", "county"):
        loan = lend(cast, fund, members[0], "100", who=who)
        actions.repay(loan, actor=cast[who], amount="100.70", paid_on=DAY)


def test_only_the_county_writes_a_loan_off(cast, fund, members):
    loan = lend(cast, fund, members[0], "100")
    for who, error in (("cadre_a", NotAllowed), ("township", NotAllowed), ("auditor", NotAllowed),
                       ("other_county", OutOfScope), ("cadre_b", OutOfScope)):
        with pytest.raises(error):
            actions.write_off(loan, actor=cast[who], reason="无力偿还")
    refused(DomainError, "reason", actions.write_off, loan, actor=cast["county"], reason=" ")
    actions.write_off(loan, actor=cast["county"], reason="户主病故")
    assert Loan.objects.get(pk=loan.pk).state == Loan.State.WRITTEN_OFF
    with pytest.raises(InvalidTransition):
        actions.write_off(loan, actor=cast["county"], reason="再次")


def test_household_events_go_into_its_audit_trail(cast, fund, members, monkeypatch):
    home = members[0]
    loan = lend(cast, fund, home, "1000", months=2, schedule="monthly")
    actions.repay(loan, actor=cast["cadre_a"], amount="507.00", paid_on=DAY)
    monkeypatch.setattr("jingzhun.clock.today", lambda: datetime.date(2020, 7, 1))
    monkeypatch.setattr("jingzhun.clock.now", lambda: timezone.make_aware(datetime.datetime(2020, 7, 1, 9)))
    actions.repay(loan, actor=cast["cadre_a"], amount="503.50", paid_on=datetime.date(2020, 7, 1))
    actions.end_membership(fund.memberships.get(household=home), actor=cast["township"],
                           left_on=datetime.date(2020, 7, 1), reason="自愿退出")
    events = list(AuditEvent.objects.filter(household=home, entity__startswith="fund_").order_by("id")
                  .values_list("entity", "action", "field", "reason", "actor__username"))
    assert events == [
        ("fund_member", "create", "", "", "cadre_a"),
        ("fund_loan", "create", "", "", "cadre_a"),
        ("fund_repayment", "create", "", "", "cadre_a"),
        ("fund_repayment", "create", "", "", "cadre_a"),
        ("fund_loan", "status", "state", "", "cadre_a"),
        ("fund_member", "close", "left_on", "自愿退出", "jiqiang")]
    created = AuditEvent.objects.filter(household=home, entity="fund_loan", action="create").get()
    assert created.entity_id == loan.pk
    values = created.created_values
    assert values["principal"] == "1000.00" and D(values["fee_rate"]) == D("0.007")
    payments = AuditEvent.objects.filter(household=home, entity="fund_repayment").order_by("id")
    values = payments[0].created_values
    assert (values["fee"], values["principal"]) == ("7.00", "500.00")


def test_a_write_off_keeps_its_day_and_reason_on_the_loan_and_in_the_audit_trail(cast, fund, members):
    loan = lend(cast, fund, members[1], "100")
    actions.write_off(loan, actor=cast["county"], reason=" 户主病故 ")
    loan = Loan.objects.get(pk=loan.pk)
    assert (loan.state, loan.closed_on, loan.close_reason) == ("written_off", TODAY, "户主病故")
    events = AuditEvent.objects.filter(household=members[1], entity="fund_loan", action="close")
    assert sorted(events.values_list("field", "old", "new", "reason", "actor__username", "entity_id")) == [
        ("closed_on", "", "2020-06-30", "户主病故", "xiji", loan.pk),
        ("state", "active", "written_off", "户主病故", "xiji", loan.pk)]


def test_a_write_off_may_be_dated_back_to_the_loans_issue_not_before_nor_ahead(cast, fund, members):
    loan = lend(cast, fund, members[0], "100", on=datetime.date(2020, 3, 1))
    for day in (datetime.date(2020, 2, 29), datetime.date(2020, 7, 1)):
        refused(DomainError, "closed_on", actions.write_off, loan, actor=cast["county"], reason="迁出",
                closed_on=day)
    refused(DomainError, "reason", actions.write_off, loan, actor=cast["county"], reason="因" * 201,
            closed_on=DAY)  # the loan keeps 200 characters of it
    assert Loan.objects.get(pk=loan.pk).state == "active" and not AuditEvent.objects.filter(
        entity="fund_loan", action="close").exists()
    actions.write_off(loan, actor=cast["county"], reason="迁出", closed_on=datetime.date(2020, 3, 1))
    assert Loan.objects.get(pk=loan.pk).closed_on == datetime.date(2020, 3, 1)


def test_founding_records_who_and_when(cast, fund):
    assert (fund.created_by, fund.created_at) == (cast["cadre_a"], NOW)
    fund.refresh_from_db()
    assert (fund.created_by_id, fund.created_at) == (cast["cadre_a"].pk, NOW)

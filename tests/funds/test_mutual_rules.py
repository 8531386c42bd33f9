"""A worked example of two village mutual fund loans: schedules, how payments split, the overdue list
and the repayment rate, figured by hand in the comments."""

import datetime
from decimal import Decimal as D

import pytest

from jingzhun.funds import mutual_rules as rules

# Loan A: 6,000 yuan on 15 January 2020 for 12 months at 8‰ a month, repaid at maturity:
#   fee 6,000 × 0.008 × 12 = 576.00, all due 15 January 2021.
LOAN_A = rules.schedule(D("6000.00"), datetime.date(2020, 1, 15), 12, D("0.008"), rules.MATURITY)
# Loan B: 3,000 yuan on 1 March 2020 for 6 months at 7‰, equal principal monthly (500) with the month's
#   fee on what is still owed: 21.00, 17.50, 14.00, 10.50, 7.00, 3.50, due on the 1st of April … September.
LOAN_B = rules.schedule(D("3000.00"), datetime.date(2020, 3, 1), 6, D("0.007"), rules.MONTHLY)
# B's borrower paid April in full (521.00), May in full (517.50), then 200.00 in June and nothing more.
B_PAID = [(datetime.date(2020, 4, 1), D("521.00")), (datetime.date(2020, 5, 3), D("517.50")),
          (datetime.date(2020, 6, 1), D("200.00"))]


def test_schedules():
    assert list(LOAN_A) == [rules.Due(1, datetime.date(2021, 1, 15), D("6000.00"), D("576.00"))]
    assert [(d.due_on.month, d.principal, d.fee) for d in LOAN_B] == [
        (4, D("500.00"), D("21.00")), (5, D("500.00"), D("17.50")), (6, D("500.00"), D("14.00")),
        (7, D("500.00"), D("10.50")), (8, D("500.00"), D("7.00")), (9, D("500.00"), D("3.50"))]
    assert sum(d.principal for d in rules.schedule(D("1000"), datetime.date(2020, 1, 31), 3, D("0.007"),
                                                    rules.MONTHLY)) == D("1000")  # 333.33 × 2 + 333.34
    assert rules.add_months(datetime.date(2020, 1, 31), 1) == datetime.date(2020, 2, 29)


def test_a_payment_pays_the_oldest_fee_then_principal():
    earlier = [amount for _day, amount in B_PAID[:2]]
    assert rules.split_payment(LOAN_B, earlier, D("200.00")) == (D("186.00"), D("14.00"))
    with pytest.raises(ValueError):
        rules.split_payment(LOAN_A, [], D("6576.01"))


def test_overdue_on_30_september_2020():
    paid = [amount for _day, amount in B_PAID]
    late = rules.overdue(LOAN_B, paid, datetime.date(2020, 9, 30))
    # June: 314.00 principal left (fee paid); July–September: 1,500.00 principal and 21.00 fees.
    assert (late.principal, late.fee, late.since, late.days) == (
        D("1814.00"), D("21.00"), datetime.date(2020, 6, 1), 121)
    assert rules.overdue(LOAN_A, [], datetime.date(2020, 9, 30)) is None  # not due before January
    assert rules.overdue(LOAN_B, paid, datetime.date(2020, 6, 1)) is None  # due today is not yet late


def test_repayment_rate():
    on = datetime.date(2020, 9, 30)
    b = rules.repayment_rate(LOAN_B, B_PAID, on)
    assert (b.due, b.repaid) == (D("3000.00"), D("1186.00"))  # 500 + 500 + 186
    a = rules.repayment_rate(LOAN_A, [], on)
    assert (a.due, a.repaid, a.rate) == (D("0.00"), D("0.00"), None)
    both = a + b
    assert round(both.rate, 4) == D("0.3953")
    # Loan A repaid in full before maturity counts only once due; on 1 February 2021 both loans are due.
    a_paid = [(datetime.date(2021, 1, 10), D("6576.00"))]
    assert rules.repayment_rate(LOAN_A, a_paid, datetime.date(2021, 1, 14)).due == D("0.00")
    total = rules.repayment_rate(LOAN_A, a_paid, datetime.date(2021, 2, 1)) + rules.repayment_rate(
        LOAN_B, B_PAID, datetime.date(2021, 2, 1))
    assert (total.due, total.repaid) == (D("9000.00"), D("7186.00"))
    assert round(total.rate, 4) == D("0.7984")

"""Property-based tests of the ledger (hypothesis): whatever sequence of receipts, allocations, spending,
recoveries and reversals is tried, every balance reconciles and never goes below zero, nothing is
allocated beyond what was received, and the database's balances equal the pure arithmetic's."""

from decimal import Decimal
from functools import partial

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jingzhun.areas.scope import scope_for
from jingzhun.errors import DomainError
from jingzhun.funds import actions, ledger_rules, queries
from jingzhun.funds.ledger_rules import ALLOCATION, RECEIPT, RECOVERY, SPENDING, Move
from jingzhun.funds.models import Entry

from .conftest import make_fund, make_project

FUNDS, PROJECTS = 2, 3
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("50000"), places=2)
operation = st.one_of(
    st.tuples(st.just(RECEIPT), st.integers(0, FUNDS - 1), st.just(0), amounts),
    st.tuples(st.just(ALLOCATION), st.integers(0, FUNDS - 1), st.integers(0, PROJECTS - 1), amounts),
    st.tuples(st.just(SPENDING), st.integers(0, FUNDS - 1), st.integers(0, PROJECTS - 1), amounts),
    st.tuples(st.just(RECOVERY), st.integers(0, FUNDS - 1), st.integers(0, PROJECTS - 1), amounts),
    st.tuples(st.just("reverse"), st.integers(0, 10_000), st.just(0), st.just(Decimal("0"))),
)


def assert_sound(balances: ledger_rules.Balances, funds) -> None:
    for fund in funds:
        assert balances.reconciles(fund)
        allocated = sum((v for (f, _p), v in balances.allocated.items() if f == fund), Decimal("0"))
        assert allocated <= balances.received[fund]
        assert all(v >= 0 for (f, _p), v in balances.spent.items() if f == fund)


@given(st.lists(operation, max_size=60))
def test_pure_ledger_keeps_every_balance_reconciled(operations):
    balances, done = ledger_rules.Balances(), []
    for kind, fund, project, amount in operations:
        if kind == "reverse":
            if not done:
                continue
            earlier = done[fund % len(done)]
            if earlier.reversal:
                continue
            move = Move(earlier.kind, earlier.fund, earlier.amount, earlier.project, reversal=True)
        else:
            move = Move(kind, fund, amount, None if kind == RECEIPT else project)
        before = {f: (balances.received[f], balances.unallocated(f)) for f in range(FUNDS)}
        try:
            ledger_rules.apply(balances, move)
        except ledger_rules.Refused as refused:
            # Refused only when the money is not there, and then nothing changed.
            if move.kind == ALLOCATION and not move.reversal:
                assert move.amount > refused.available == before[move.fund][1]
            assert {f: (balances.received[f], balances.unallocated(f)) for f in range(FUNDS)} == before
            continue
        done.append(move)
        assert_sound(balances, range(FUNDS))


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(operation, max_size=25))
def test_database_ledger_matches_the_arithmetic_and_refuses_what_is_not_there(cast, operations):
    county = cast["county"]
    funds = [make_fund(county, name=f"资金{i}") for i in range(FUNDS)]  # new rows for each example
    projects = [make_project(county, name=f"项目{i}") for i in range(PROJECTS)]
    balances, written = ledger_rules.Balances(), []
    for kind, f, p, amount in operations:
        if kind == "reverse":
            if not written:
                continue
            entry, move = written[f % len(written)]
            expected = Move(move.kind, move.fund, move.amount, move.project, reversal=True)
            possible = not entry.is_reversal and not Entry.objects.filter(reverses=entry).exists()
            call = partial(actions.reverse, entry, actor=county, reason="录入错误")
        else:
            fund, project = funds[f], projects[p]
            expected = Move(kind, fund.pk, amount, None if kind == RECEIPT else project.pk)
            possible = True
            call = {RECEIPT: partial(actions.receive, fund, actor=county, amount=amount),
                    ALLOCATION: partial(actions.allocate, fund, project, actor=county, amount=amount),
                    SPENDING: partial(actions.spend, fund, project, actor=county, amount=amount),
                    RECOVERY: partial(actions.recover, fund, project, actor=county, amount=amount,
                                      memo="项目结余收回")}[kind]
        try:
            ledger_rules.check(balances, expected)
        except ledger_rules.Refused:
            possible = False
        count = Entry.objects.count()
        if possible:
            written.append((call(), expected))
            ledger_rules.apply(balances, expected)
        else:
            with pytest.raises(DomainError):
                call()
            assert Entry.objects.count() == count  # a refused entry leaves nothing behind
    for fund in funds:
        stored = queries.fund_balances(fund)
        assert stored.received[fund.pk] == balances.received[fund.pk]
        for project in projects:
            assert stored.allocated[fund.pk, project.pk] == balances.allocated[fund.pk, project.pk]
            assert stored.spent[fund.pk, project.pk] == balances.spent[fund.pk, project.pk]
        assert stored.reconciles(fund.pk)
        assert stored.unallocated(fund.pk) >= 0
    # Grouped by fund, and by area and year: the same money, and the same as the arithmetic.
    entries = queries.visible_entries(scope_for(county)).filter(fund__in=funds)
    by_fund = queries.totals_by(entries, "fund_id")
    by_area_year = queries.totals_by(entries, "fund__area_id", "year")
    for field in ("received", "allocated", "spent"):
        total = sum((getattr(t, field) for t in by_fund.values()), Decimal("0"))
        assert total == sum((getattr(t, field) for t in by_area_year.values()), Decimal("0"))
    assert sum((t.received for t in by_fund.values()), Decimal("0")) == sum(
        (balances.received[f.pk] for f in funds), Decimal("0"))
    for totals in (*by_fund.values(), *by_area_year.values()):
        assert totals.unallocated >= 0 and totals.unspent >= 0

"""The demo's money on a small region: every fund's ledger replays under the ledger rules, the partners'
funds hold what they delivered, households are paid what their plans delivered, projects keep their
states and beneficiaries, the supervision scan finds the planted anomalies and nothing else, the mutual
funds' schedules and repayments are the rules' own, and the same seed writes the same rows."""

import datetime
import random
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.db import connection

from jingzhun import clock
from jingzhun.areas.loader import load_ningxia
from jingzhun.areas.models import Area, AreaFlag, Level
from jingzhun.assistance.models import Delivery, Indicator, PlannedMeasure
from jingzhun.demo import calibration as cal
from jingzhun.demo.assistance import build_assistance
from jingzhun.demo.funds import ANOMALY_NOTE, build_funds
from jingzhun.demo.generate import generate_region
from jingzhun.demo.money_context import SUBSIDIES
from jingzhun.demo.money_loans import Lender
from jingzhun.demo.money_mutual import FundPlan, MemberPlan
from jingzhun.demo.partners import build_partners
from jingzhun.demo.users import create_demo_users
from jingzhun.demo.years import run_years
from jingzhun.funds import ledger_rules, mutual_rules, queries
from jingzhun.funds.models import (
    Beneficiary,
    Contribution,
    Entry,
    Flag,
    Fund,
    Loan,
    Membership,
    MutualFund,
    Project,
    ProjectEvent,
    Source,
)
from jingzhun.policy import queries as policy
from jingzhun.registry.models import AuditEvent, Household

HOUSEHOLDS = 300
SEED = 11
YEARS = range(2014, 2022)
MUTUAL_TABLES = ("funds_membership", "funds_contribution", "funds_loan")
RULES = ("duplicate_subsidy", "idle_money", "no_beneficiaries", "outside_purpose", "over_budget")


def build(seed: int = SEED):
    if not Area.objects.filter(level=Level.VILLAGE).exists():
        load_ningxia()
    summary = generate_region(households=HOUSEHOLDS, seed=seed)
    run_years(summary.fates, seed=seed, showcase=summary.cadre_village)
    create_demo_users(summary.cadre_village, summary.cadre2_village, seed=seed)
    build_assistance(summary.cadre_village, seed=seed)
    build_partners(seed)
    return build_funds(seed)


def nonzero(balances: dict) -> dict:
    return {key: value for key, value in balances.items() if value}


@pytest.fixture
def money(db):
    return build()


def test_every_fund_replays_under_the_ledger_rules_and_ends_reconciled(money):
    assert money.funds == Fund.objects.count() > 100 and money.entries == Entry.objects.count()
    idle = set()
    for fund in Fund.objects.all():
        replayed = ledger_rules.Balances()
        for entry in fund.entries.order_by("on", "id"):  # Refused if any balance would go below zero
            move = ledger_rules.Move(entry.kind, fund.pk, entry.amount, entry.project_id,
                                     reversal=entry.reverses_id is not None)
            ledger_rules.apply(replayed, move)
        stored = queries.fund_balances(fund)
        assert stored.received[fund.pk] == replayed.received[fund.pk] > 0
        for name in ("allocated", "spent"):
            assert nonzero(getattr(stored, name)) == nonzero(getattr(replayed, name))
        assert stored.reconciles(fund.pk)
        projects = {project for (_fund, project) in stored.allocated}
        assert all(stored.unspent(fund.pk, p) == 0 for p in projects)  # every project spent what it took
        if stored.unallocated(fund.pk):
            idle.add(fund.pk)
    # Money is left unallocated only where an idle receipt was planted.
    planted = set(Entry.objects.filter(memo__startswith="上级追加下达资金").values_list("fund_id", flat=True))
    assert idle == planted and len(planted) == money.anomalies["idle_money"] >= len(cal.POOR_COUNTIES)


def test_reversals_undo_one_whole_entry_each(money):
    reversals = Entry.objects.filter(reverses__isnull=False).select_related("reverses")
    assert reversals.count() == money.reversals >= 2 * len(cal.POOR_COUNTIES)
    kinds = Counter()
    for reversal in reversals:
        original = reversal.reverses
        assert original.reverses_id is None and reversal.memo.startswith("冲销")
        fields = ("kind", "fund_id", "project_id", "amount", "household_id")
        assert [getattr(reversal, f) for f in fields] == [getattr(original, f) for f in fields]
        assert (original.on, original.pk) <= (reversal.on, reversal.pk)
        kinds[reversal.kind] += 1
    assert set(kinds) == {"receipt", "allocation", "spending"}


def test_counties_have_funds_by_source_every_year_and_partners_funds_hold_their_deliveries(money):
    funds = list(Fund.objects.all())
    assert {f.source for f in funds} == set(Source.values)
    for county in cal.POOR_COUNTIES:
        years = {f.year for f in funds if f.area_id == f"{county}000000"}
        assert years == set(YEARS), county
    received = defaultdict(Counter)
    for entry in Entry.objects.filter(kind="receipt", fund__source=Source.PAIRING).select_related("fund"):
        assert entry.reverses_id is None
        received[entry.fund.partner_id, entry.fund.area_id, entry.fund.year][entry.on, entry.amount] += 1
    delivered = defaultdict(Counter)
    counties = {f.area_id for f in funds if f.source != Source.PAIRING}
    for d in Delivery.objects.filter(indicator=Indicator.FUNDS, withdrawn_at__isnull=True, year__in=YEARS):
        if d.area_id in counties:
            delivered[d.pairing.partner_id, d.area_id, d.year][d.delivered_on, d.amount] += 1
    assert received == delivered and len(received) > 20
    assert all(f.partner_id for f in funds if f.source == Source.PAIRING)
    assert not any(f.partner_id for f in funds if f.source != Source.PAIRING)


def test_households_are_paid_the_subsidies_their_plans_delivered(money):
    delivered = {}
    measures = PlannedMeasure.objects.filter(state="delivered", measure_id__in=SUBSIDIES, amount__gt=0,
                                             delivered_on__year__in=YEARS)
    for household, code, amount, on in measures.values_list("plan__household_id", "measure_id", "amount",
                                                             "delivered_on"):
        delivered[household, code] = (amount, on)
    paid = defaultdict(list)
    for entry in Entry.objects.filter(kind="spending", household__isnull=False, reverses__isnull=True):
        paid[entry.household_id, entry.subsidy].append(entry)
    assert set(paid) == set(delivered) and any(code == "housing_renovation" for _h, code in paid)
    trail = dict(AuditEvent.objects.filter(entity="payment").values_list("entity_id", "household_id"))
    assert trail == {e.pk: e.household_id for entries in paid.values() for e in entries}
    twice = [key for key, entries in paid.items() if len(entries) > 1]
    assert len(twice) == money.anomalies["duplicate_subsidy"] and all(len(paid[key]) == 2 for key in twice)
    for key, entries in paid.items():
        amount, on = delivered[key]
        assert all(e.amount == amount and on <= e.on <= datetime.date(on.year, 12, 31) for e in entries)
    housing = Project.objects.filter(kind="housing")
    assert housing.exists()
    for project in housing:
        listed = set(project.beneficiaries.values_list("pk", flat=True))
        paid_by_it = project.entries.filter(household__isnull=False).values_list("household_id", flat=True)
        assert listed == set(paid_by_it)


def test_projects_keep_their_states_outputs_and_beneficiaries(money):
    projects = list(Project.objects.all())
    states = Counter(p.state for p in projects)
    assert set(states) == {"accepted", "under_way"} and states["accepted"] > 10 * states["under_way"] > 0
    assert {p.year for p in projects if p.state == "under_way"} == {2021}
    accepted = [p for p in projects if p.state == "accepted"]
    assert all(p.accepted_on and p.completed_on and p.started_on and p.output_achieved > 0 for p in accepted)
    in_year = sum(1 for p in accepted if p.accepted_on.year == p.year)
    assert in_year > 0.9 * len(accepted)
    registered = dict(Household.objects.filter(status__in=("poor", "exited", "returned"))
                      .values_list("pk", "village_id"))
    listed = defaultdict(set)
    for project, household in Beneficiary.objects.values_list("project_id", "household_id"):
        listed[project].add(household)
    totals = queries.totals_by(Entry.objects.all(), "project")
    for project in projects:
        households = listed[project.pk]
        assert all(registered.get(h, "").startswith(project.area.prefix) for h in households), project.name
        money_ = totals[(project.pk,)]
        assert money_.spent == money_.allocated
        if project.note == ANOMALY_NOTE:
            continue
        assert households and money_.allocated <= project.budget, project.name
    moves = defaultdict(list)
    for project, new, on in ProjectEvent.objects.filter(action="state").order_by("at", "id").values_list(
            "project_id", "new", "on"):
        moves[project].append((new, on))
    for project in accepted:
        assert moves[project.pk] == [("under_way", project.started_on), ("completed", project.completed_on),
                                     ("accepted", project.accepted_on)]
    kinds = {p.kind for p in projects}
    assert kinds >= {"road", "wells", "terraces", "housing", "school", "clinic", "industry", "training",
                     "relocation"}
    assert Project.objects.filter(purpose="mutual_fund").exists()


def test_the_scan_flags_every_planted_anomaly_and_nothing_else(money):
    flags = Flag.objects.filter(state="open")
    by_rule = Counter(flags.values_list("rule", flat=True))
    assert money.flags == flags.count() == sum(money.anomalies.values())
    assert by_rule == Counter(money.anomalies) and set(by_rule) == set(RULES)
    for county in cal.POOR_COUNTIES:
        assert {f.rule for f in flags if f.area_id.startswith(county)} == set(RULES), county
    for flag in flags.select_related("project", "fund"):
        if flag.project_id:
            assert flag.project.note == ANOMALY_NOTE
        if flag.rule == "idle_money":
            assert flag.fund.entries.filter(memo__startswith="上级追加下达资金").exists()
        if flag.rule == "duplicate_subsidy":
            payments = Entry.objects.filter(household=flag.household_id, subsidy=flag.evidence["subsidy"])
            assert payments.count() == 2


def test_mutual_funds_lend_within_the_standards_and_repay_as_the_rules_split(money):
    today = clock.today()
    table = policy.standards()
    funds = list(MutualFund.objects.all())
    assert len(funds) == money.mutual.funds > 0
    poor = set(AreaFlag.objects.filter(kind="poor_village").values_list("area_id", flat=True))
    members = defaultdict(dict)
    for m in Membership.objects.all():
        members[m.fund_id][m.household_id] = m
        assert 1 <= m.shares <= 10
    for fund in funds:
        assert fund.village_id in poor and 2009 <= fund.founded_on.year <= 2016
        capital = Contribution.objects.get(fund=fund, kind="government", household__isnull=True)
        standard = table.value("mutual_fund_capital", fund.founded_on.year, fund.village_id).value
        assert capital.amount == standard
        households = Household.objects.filter(village=fund.village_id).exclude(status="applicant").count()
        assert 0 < len(members[fund.pk]) <= households
    for c in Contribution.objects.filter(household__isnull=False):
        assert c.amount % 100 == 0 and c.household_id in members[c.fund_id]
    rate, loans = mutual_rules.Rate(Decimal(0), Decimal(0)), 0
    for loan in Loan.objects.prefetch_related("installments", "repayments"):
        loans += 1
        year, village = loan.issued_on.year, loan.fund.village_id
        member = members[loan.fund_id][loan.household_id]
        assert member.joined_on < loan.issued_on
        assert member.left_on is None or loan.issued_on < member.left_on
        assert loan.principal <= table.value("mutual_fund_loan_max", year, village).value
        assert loan.term_months <= table.value("mutual_fund_term_max", year, village).value
        assert loan.fee_rate == table.value("mutual_fund_fee_rate", year, village).value
        dues = mutual_rules.schedule(loan.principal, loan.issued_on, loan.term_months, loan.fee_rate,
                                     loan.schedule)
        assert [(i.number, i.due_on, i.principal, i.fee) for i in loan.installments.all()] == [
            (d.number, d.due_on, d.principal, d.fee) for d in dues]
        earlier = []
        for repayment in sorted(loan.repayments.all(), key=lambda r: (r.paid_on, r.pk)):
            assert loan.issued_on < repayment.paid_on <= today
            assert (repayment.principal, repayment.fee) == mutual_rules.split_payment(dues, earlier,
                                                                                      repayment.amount)
            earlier.append(repayment.amount)
        owed = sum((d.total for d in dues), Decimal(0))
        assert (loan.state == "repaid") == (sum(earlier, Decimal(0)) == owed)
        if loan.state == "written_off":
            assert (today - dues[-1].due_on).days > 365
        payments = [(r.paid_on, r.amount) for r in loan.repayments.all()]
        rate += mutual_rules.repayment_rate(dues, payments, today)
    assert loans == money.mutual.loans > 100
    assert (rate.due, rate.repaid) == (money.mutual.principal_due, money.mutual.principal_repaid)
    assert Decimal("0.95") < rate.rate <= 1


class Standards:
    """The context the lender reads standards from."""

    def __init__(self):
        self.table = policy.standards()

    def standard(self, key, year, area):
        return self.table.value(key, year, area).value


def test_most_loans_are_repaid_on_time_some_late_and_a_few_never(db):
    today = datetime.date(2024, 6, 30)
    members = [MemberPlan(n, datetime.date(2014, 2, 1).toordinal(), 2, n % 2 == 0, f"第{n // 4 + 1}联保小组")
               for n in range(1, 601)]
    plan = FundPlan("640422100201", datetime.date(2013, 5, 1).toordinal(), 100_000_000, members)
    loans = Lender(random.Random(5), Standards(), today).loans(plan)
    assert len(loans) > 1500
    rate, overdue, late = mutual_rules.Rate(Decimal(0), Decimal(0)), 0, 0
    for loan in loans:
        dues = mutual_rules.schedule(loan.principal, loan.issued, loan.term, loan.rate, loan.kind)
        assert loan.days == [d.due_on for d in dues]
        payments = [(on, amount) for on, amount, _principal, _fee in loan.repayments]
        rate += mutual_rules.repayment_rate(dues, payments, today)
        behind = mutual_rules.overdue(dues, [amount for _on, amount in payments], today)
        overdue += behind is not None and loan.state == "active"
        late += any(on > dues[-1].due_on for on, _amount in payments)
    assert Decimal("0.97") < rate.rate < Decimal("0.995")
    written_off = sum(1 for loan in loans if loan.state == "written_off")
    assert 0 < overdue < 0.03 * len(loans) and 0 < written_off < 0.03 * len(loans)
    assert 0.02 * len(loans) < late < 0.1 * len(loans)


def test_plans_mutual_fund_loans_are_lent_on_their_day(money):
    lent = set(Loan.objects.values_list("household_id", "issued_on"))
    members = {(m.fund.village_id, m.household_id): m for m in Membership.objects.select_related("fund")}
    expected = 0
    for household, village, on in PlannedMeasure.objects.filter(
            state="delivered", measure_id="mutual_fund_loan").values_list(
            "plan__household_id", "plan__household__village_id", "delivered_on"):
        member = members.get((village, household))
        if member and member.joined_on < on <= clock.today():
            expected += 1
            assert (household, on) in lent
    assert expected > 0


def snapshot() -> dict[str, list[tuple]]:
    """Every funds table's rows with ids counted from the table's first (ids differ between two builds)."""
    tables = {
        "funds_fund": "id, area_id, source, year, name, purposes, partner_id, document",
        "funds_project": "id, area_id, name, kind, purpose, year, budget, output_planned, output_achieved, "
                         "state, started_on, completed_on, accepted_on, note",
        "funds_beneficiary": "project_id, household_id, added_on",
        "funds_projectevent": "project_id, actor_id, at, action, field, old, new, \"on\"",
        "funds_entry": "id, fund_id, kind, project_id, household_id, subsidy, amount, \"on\", reverses_id, "
                       "voucher, memo",
        "funds_mutualfund": "id, village_id, founded_on",
        "funds_membership": "fund_id, household_id, joined_on, left_on, shares",
        "funds_contribution": "fund_id, kind, household_id, amount, \"on\", note",
        "funds_loan": "id, fund_id, household_id, principal, issued_on, term_months, fee_rate, schedule, "
                      "purpose, \"group\", state",
        "funds_installment": "loan_id, number, due_on, principal, fee",
        "funds_repayment": "loan_id, paid_on, amount, principal, fee",
    }
    firsts, found = {}, {}
    with connection.cursor() as cursor:
        for table in ("funds_fund", "funds_project", "funds_entry", "funds_mutualfund", "funds_loan"):
            cursor.execute(f"SELECT MIN(id) FROM {table}")
            firsts[table] = cursor.fetchone()[0]
        keys = {"id": None, "fund_id": "funds_fund", "project_id": "funds_project",
                "reverses_id": "funds_entry", "loan_id": "funds_loan"}
        for table, columns in tables.items():
            names = [c.strip().strip('"') for c in columns.split(",")]
            order = ", ".join(str(n) for n in range(1, len(names) + 1))  # every column: rows may tie on a few
            cursor.execute(f"SELECT {columns} FROM {table} ORDER BY {order}")
            rows = []
            for row in cursor.fetchall():
                out = []
                for name, value in zip(names, row, strict=True):
                    base = table if name == "id" else keys.get(name)
                    if name == "fund_id" and table in MUTUAL_TABLES:
                        base = "funds_mutualfund"
                    out.append(value - firsts[base] if base and value is not None else value)
                rows.append(tuple(out))
            found[table] = rows
    return found


def test_same_seed_gives_the_same_rows(money):
    first = snapshot()
    with connection.cursor() as cursor:
        for table in ("funds_flag", "funds_repayment", "funds_installment", "funds_loan",
                      "funds_contribution", "funds_membership", "funds_mutualfund", "funds_beneficiary",
                      "funds_projectevent", "funds_entry", "funds_project", "funds_fund"):
            cursor.execute(f"DELETE FROM {table}")
    again = build_funds(SEED)
    assert again.entries == money.entries and again.mutual.loans == money.mutual.loans
    assert snapshot() == first

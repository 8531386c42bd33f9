"""Reads of village mutual funds: a fund's figures on a day (capital by kind, members, loans outstanding,
fee income, lendable money, the overdue list, the repayment rate) and the same for every fund of an area.

Every figure comes from a fixed number of grouped queries whatever the number of funds (a county has
hundreds), then from mutual_rules' arithmetic over plain values. A figure "on a day" counts the
contributions, memberships, loans and repayments dated up to that day; a loan's write-off carries no date
in the model, so a written-off loan is out of the overdue list on every day (it still counts in the rate:
the principal it never repaid was due)."""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.http import Http404

from jingzhun.areas.models import Role
from jingzhun.areas.scope import Scope
from jingzhun.errors import DomainError
from jingzhun.policy import queries as policy
from jingzhun.policy.rules import PolicyMissing, Standards
from jingzhun.registry.choices import HouseholdStatus, Relation
from jingzhun.registry.models import AuditEvent, Member

from . import mutual_rules as rules
from .models import Contribution, Installment, Loan, Membership, MutualFund, Repayment
from .queries import fen

ZERO = rules.ZERO
# Poor households: registered poor, or returned to poverty (as the registry counts them).
POOR = (HouseholdStatus.POOR, HouseholdStatus.RETURNED)
# Founding (rules.md): more than 50 households, more than half of them poor. Shown as a warning only.
FOUNDING_HOUSEHOLDS = 50
# Entities of the household's audit trail (at most 16 characters).
MEMBER, CAPITAL, LOAN, REPAYMENT = "fund_member", "fund_capital", "fund_loan", "fund_repayment"


def may_read(scope: Scope) -> bool:
    """Officers, cadres and auditors read the funds of their area; a helper sees only their own
    households, so not a village's loans."""
    return scope.reads_registry and not scope.own_households_only


def may_run(scope: Scope, village_code: str) -> bool:
    """The village committee runs its fund, with the township's and the county's officers."""
    return scope.edits_registry and scope.covers(village_code)


def may_write_off(scope: Scope, village_code: str) -> bool:
    """Writing a loan off is the county's decision."""
    return scope.role == Role.COUNTY_OFFICER and scope.covers(village_code)


def standard(key: str, year: int, area_code: str, table: Standards | None = None) -> Decimal:
    try:
        return policy.value(key, year, area_code, table)
    except PolicyMissing as missing:
        raise DomainError(missing.message) from None


def visible_funds(scope: Scope) -> QuerySet[MutualFund]:
    if not may_read(scope):
        return MutualFund.objects.none()
    return MutualFund.objects.filter(scope.area_q("village__code"))


def get_fund(scope: Scope, pk: int) -> MutualFund:
    fund = visible_funds(scope).select_related("village__parent__parent").filter(pk=pk).first()
    if fund is None:
        raise Http404
    return fund


def get_loan(scope: Scope, pk: int) -> Loan:
    loan = (Loan.objects.filter(fund__in=visible_funds(scope), pk=pk)
            .select_related("fund__village__parent__parent", "household", "recorded_by").first())
    if loan is None:
        raise Http404
    return loan


def heads(household_ids) -> dict[int, str]:
    """The current head's name of each household."""
    rows = (Member.objects.filter(household_id__in=household_ids, relation=Relation.HEAD,
                                  left_on__isnull=True).order_by().values_list("household_id", "name"))
    return dict(rows)


# Loans as plain values ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Paid:
    on: datetime.date
    amount: Decimal
    principal: Decimal
    fee: Decimal


@dataclass
class LoanFacts:
    """A loan with its schedule and the repayments made up to the day it is read on."""

    pk: int
    fund_id: int
    household_id: int
    number: str
    principal: Decimal
    issued_on: datetime.date
    term_months: int
    fee_rate: Decimal
    schedule: str
    state: str
    dues: list[rules.Due] = field(default_factory=list)
    paid: list[Paid] = field(default_factory=list)
    head: str = ""

    @property
    def principal_repaid(self) -> Decimal:
        return sum((p.principal for p in self.paid), ZERO)

    @property
    def fee_paid(self) -> Decimal:
        return sum((p.fee for p in self.paid), ZERO)

    @property
    def principal_owed(self) -> Decimal:
        return self.principal - self.principal_repaid

    @property
    def owed(self) -> Decimal:
        """Principal and fees the schedule still asks for."""
        return sum((d.total for d in self.dues), ZERO) - sum((p.amount for p in self.paid), ZERO)

    @property
    def fee_permille(self) -> str:
        return f"{(self.fee_rate * 1000).normalize():f}‰"

    @property
    def schedule_label(self) -> str:
        return Loan.Schedule(self.schedule).label

    def state_label(self) -> str:
        return Loan.State(self.state_on()).label

    @property
    def written_off(self) -> bool:
        return self.state == Loan.State.WRITTEN_OFF

    def state_on(self) -> str:
        """Being repaid, repaid or written off on the day it was read for."""
        if self.written_off:
            return Loan.State.WRITTEN_OFF
        return Loan.State.ACTIVE if self.principal_owed > ZERO else Loan.State.REPAID

    def standing(self) -> list[rules.Standing]:
        return rules.standing(self.dues, [p.amount for p in self.paid])

    def overdue(self, on: datetime.date) -> rules.Overdue | None:
        return rules.overdue(self.dues, [p.amount for p in self.paid], on)

    def rate(self, on: datetime.date) -> rules.Rate:
        return rules.repayment_rate(self.dues, [(p.on, p.amount) for p in self.paid], on)


def loan_facts(loans: QuerySet[Loan], on: datetime.date) -> list[LoanFacts]:
    """Loans issued by `on`, with their schedules and repayments up to `on`: three queries."""
    loans = loans.filter(issued_on__lte=on)
    found = {row[0]: LoanFacts(*row) for row in loans.order_by("fund_id", "issued_on", "id").values_list(
        "pk", "fund_id", "household_id", "household__number", "principal", "issued_on", "term_months",
        "fee_rate", "schedule", "state")}
    for loan_id, number, due_on, principal, fee in (
            Installment.objects.filter(loan__in=loans).order_by("loan_id", "number")
            .values_list("loan_id", "number", "due_on", "principal", "fee")):
        found[loan_id].dues.append(rules.Due(number, due_on, principal, fee))
    for loan_id, paid_on, amount, principal, fee in (
            Repayment.objects.filter(loan__in=loans, paid_on__lte=on).order_by("loan_id", "paid_on", "id")
            .values_list("loan_id", "paid_on", "amount", "principal", "fee")):
        found[loan_id].paid.append(Paid(paid_on, amount, principal, fee))
    return list(found.values())


# Figures of a fund, and of an area's funds -------------------------------------------------------------

@dataclass(frozen=True)
class OverdueRow:
    loan: int
    household: int
    number: str
    head: str
    principal: Decimal  # the loan's
    late: rules.Overdue


@dataclass
class Figures:
    capital: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(Contribution.Kind.values, ZERO))
    members: int = 0
    poor_members: int = 0
    shares: int = 0
    loans: int = 0  # issued by the day
    lent: Decimal = ZERO
    active: int = 0  # being repaid on the day
    outstanding: Decimal = ZERO  # principal owed on the loans being repaid
    written_off: Decimal = ZERO  # principal never repaid on loans written off: a loss of the capital
    fee_income: Decimal = ZERO
    reserve: Decimal = ZERO  # the reserve share of the fee income, which may be lent again
    rate: rules.Rate = rules.Rate(ZERO, ZERO)
    overdue: list[OverdueRow] = field(default_factory=list)

    @property
    def capital_total(self) -> Decimal:
        return sum(self.capital.values(), ZERO)

    @property
    def lendable(self) -> Decimal:
        """Capital and the fee reserve, less the principal lent and not repaid (written off included)."""
        return self.capital_total + self.reserve - self.outstanding - self.written_off

    @property
    def overdue_principal(self) -> Decimal:
        return sum((row.late.principal for row in self.overdue), ZERO)

    @property
    def overdue_fee(self) -> Decimal:
        return sum((row.late.fee for row in self.overdue), ZERO)

    @property
    def rate_text(self) -> str:
        """The repayment rate as a percentage to two places, or a dash when nothing was due yet."""
        rate = self.rate_data
        return "—" if not rate else f"{Decimal(rate) * 100:.2f}%"

    @property
    def rate_data(self) -> str:
        """The rate to four places, half up."""
        rate = self.rate.rate
        return "" if rate is None else str(rate.quantize(Decimal("0.0001"), ROUND_HALF_UP))

    @property
    def founding_short(self) -> bool:
        """Fewer households or fewer poor ones than founding a fund asks for."""
        return self.members <= FOUNDING_HOUSEHOLDS or self.poor_members * 2 <= self.members

    def add(self, other: "Figures") -> None:
        for kind, amount in other.capital.items():
            self.capital[kind] += amount
        for name in ("members", "poor_members", "shares", "loans", "lent", "active", "outstanding",
                     "written_off", "fee_income", "reserve", "rate"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.overdue = sort_overdue([*self.overdue, *other.overdue])


def sort_overdue(rows: list[OverdueRow]) -> list[OverdueRow]:
    """Longest overdue first."""
    return sorted(rows, key=lambda row: (-row.late.days, row.loan))


def figures(funds: QuerySet[MutualFund], on: datetime.date, table: Standards | None = None,
            loans: list[LoanFacts] | None = None) -> dict[int, Figures]:
    """Each fund's figures on `on`, from six grouped queries (and the standards, read once)."""
    table = table or policy.standards()
    villages = dict(funds.values_list("pk", "village_id"))
    found = {pk: Figures() for pk in villages}
    for fund_id, kind, total in (Contribution.objects.filter(fund__in=funds, on__lte=on).order_by()
                                 .values_list("fund_id", "kind").annotate(total=Sum("amount"))):
        found[fund_id].capital[kind] = fen(total)
    current = Q(joined_on__lte=on) & (Q(left_on__isnull=True) | Q(left_on__gt=on))
    for fund_id, members, poor, shares in (
            Membership.objects.filter(current, fund__in=funds).order_by().values_list("fund_id")
            .annotate(n=Count("id"), poor=Count("id", filter=Q(household__status__in=POOR)),
                      shares=Sum("shares"))):
        found[fund_id].members, found[fund_id].poor_members, found[fund_id].shares = members, poor, shares
    fees = (Repayment.objects.filter(loan__fund__in=funds, paid_on__lte=on).order_by()
            .values_list("loan__fund_id", ExtractYear("paid_on")).annotate(total=Sum("fee")))
    for fund_id, year, total in fees:
        share = standard("mutual_fund_reserve_share", year, villages[fund_id], table)
        found[fund_id].fee_income += fen(total)
        found[fund_id].reserve += fen(fen(total) * share)
    if loans is None:
        loans = loan_facts(Loan.objects.filter(fund__in=funds), on)
    names = heads({loan.household_id for loan in loans})
    for loan in loans:
        loan.head = names.get(loan.household_id, "")
        _count_loan(found[loan.fund_id], loan, on)
    for item in found.values():
        item.overdue = sort_overdue(item.overdue)
    return found


def _count_loan(into: Figures, loan: LoanFacts, on: datetime.date) -> None:
    into.loans += 1
    into.lent += loan.principal
    into.rate += loan.rate(on)
    state = loan.state_on()
    if state == Loan.State.WRITTEN_OFF:
        into.written_off += loan.principal_owed
        return
    if state == Loan.State.ACTIVE:
        into.active += 1
        into.outstanding += loan.principal_owed
    late = loan.overdue(on)
    if late is not None:
        into.overdue.append(OverdueRow(loan.pk, loan.household_id, loan.number, loan.head, loan.principal,
                                       late))


def fund_figures(fund: MutualFund, on: datetime.date, loans: list[LoanFacts] | None = None) -> Figures:
    return figures(MutualFund.objects.filter(pk=fund.pk), on, loans=loans)[fund.pk]


def lendable(fund: MutualFund) -> Decimal:
    """What the fund can lend now, counting every record however dated (a loan may be recorded late)."""
    return fund_figures(fund, datetime.date.max).lendable


@dataclass(frozen=True)
class AreaReport:
    rows: list[tuple[MutualFund, Figures]]  # by village code
    total: Figures


def area_report(scope: Scope, prefix: str, on: datetime.date) -> AreaReport:
    """Every fund of the area the scope reads, with its figures, and the area's total."""
    funds = visible_funds(scope).filter(village__code__startswith=prefix)
    by_fund = figures(funds, on)
    ordered = funds.select_related("village__parent").order_by("village_id")
    rows = [(fund, by_fund[fund.pk]) for fund in ordered]
    total = Figures()
    for _fund, item in rows:
        total.add(item)
    return AreaReport(rows, total)


def fund_records(fund: MutualFund, on: datetime.date) -> dict:
    """A fund's contributions and memberships up to `on`, for its page."""
    contributions = list(fund.contributions.filter(on__lte=on).select_related("household", "recorded_by")
                         .order_by("-on", "-id"))
    current = Q(joined_on__lte=on) & (Q(left_on__isnull=True) | Q(left_on__gt=on))
    members = list(fund.memberships.filter(current).select_related("household").order_by("household__number"))
    names = heads({m.household_id for m in members})
    for member in members:
        member.head = names.get(member.household_id, "")
    return {"contributions": contributions, "members": members}


def write_off_reason(loan: Loan) -> AuditEvent | None:
    """The audit event that wrote the loan off: who, when and why (the loan row keeps only its state)."""
    if loan.state != Loan.State.WRITTEN_OFF:
        return None
    return (AuditEvent.objects.filter(household_id=loan.household_id, entity=LOAN, entity_id=loan.pk,
                                      action=AuditEvent.Action.CLOSE).select_related("actor").first())

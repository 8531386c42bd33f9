"""Reads of village mutual funds: a fund's figures on a day (capital by kind, members, loans outstanding,
fee income, lendable money, the overdue list, the repayment rate) and the same for every fund of an area.

Every figure comes from a fixed number of grouped queries whatever the number of funds (a county has
hundreds) and of loans (a province has hundreds of thousands): an area's loans are summed in SQL
(mutual_sums), and only the few behind on their payments are walked by mutual_rules' arithmetic. A
figure "on a day" counts the contributions, memberships, loans and repayments dated up to that day, and a
write-off from its day on: before it the loan was being repaid and could be overdue; from it, the loan is
out of the overdue list and its unpaid principal is written off (it still counts in the rate: the
principal it never repaid was due).

The mutual funds pages and the yearly account's mutual section read the same figures (area_report and
area_totals), so both say the same for the same area and day."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from jingzhun import clock
from jingzhun.areas.models import Role
from jingzhun.areas.scope import Scope
from jingzhun.errors import DomainError
from jingzhun.policy import queries as policy
from jingzhun.policy.rules import PolicyMissing, Standards
from jingzhun.registry.choices import HouseholdStatus, Relation
from jingzhun.registry.models import Member

from . import mutual_rules as rules
from . import mutual_sums
from .models import Contribution, Loan, Membership, MutualFund
from .mutual_facts import LoanFacts, loan_facts
from .queries import fen

ZERO = rules.ZERO
# Poor households: registered poor, or returned to poverty (as the registry counts them).
POOR = (HouseholdStatus.POOR, HouseholdStatus.RETURNED)
# Members counted as poor for the founding rule: registered households (建档立卡户), exited ones included,
# since the rule speaks of the fund's founding, before most of them left poverty.
REGISTERED = (*POOR, HouseholdStatus.EXITED)
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


def summed_funds(scope: Scope, prefix: str) -> QuerySet[MutualFund]:
    """The funds of an area whose sums (no loan, no household) every reader of the area's registry
    reads in its yearly account: a helper too, who may not open a fund's page."""
    if not scope.reads_registry:
        return MutualFund.objects.none()
    return MutualFund.objects.filter(scope.area_q("village__code"), village__code__startswith=prefix)


def get_fund(scope: Scope, pk: int) -> MutualFund:
    fund = (visible_funds(scope).select_related("village__parent__parent", "created_by")
            .filter(pk=pk).first())
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


def with_heads(loans: list[LoanFacts]) -> list[LoanFacts]:
    names = heads({loan.household_id for loan in loans})
    for loan in loans:
        loan.head = names.get(loan.household_id, "")
    return loans


# Figures of a fund, and of an area's funds -------------------------------------------------------------

@dataclass
class OverdueRow:
    loan: int
    household: int
    number: str
    head: str  # named after the sums, for the rows shown only
    principal: Decimal  # the loan's
    late: rules.Overdue


@dataclass(frozen=True)
class Founding:
    """What founding a fund asks for (rules.md; standards of its founding year): more member households
    than `households`, more than `poor_share` of them poor. Shown as a warning only."""

    households: int
    poor_share: Decimal

    def short(self, members: int, poor: int) -> bool:
        return members <= self.households or poor <= members * self.poor_share

    @property
    def share_text(self) -> str:
        return f"{(self.poor_share * 100).normalize():f}%"


def founding(year: int, village_code: str, table: Standards) -> Founding | None:
    """None for a year without the standards."""
    households = table.get("mutual_fund_min_households", year, village_code)
    share = table.get("mutual_fund_min_poor_share", year, village_code)
    if households is None or share is None:
        return None
    return Founding(int(households.value), share.value)


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
    # The fund's own (none on an area's total).
    village_id: str = ""
    founded_on: datetime.date | None = None
    closed_on: datetime.date | None = None
    founding: Founding | None = None

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
        """Fewer households or fewer poor ones than founding the fund asked for."""
        return self.founding is not None and self.founding.short(self.members, self.poor_members)

    def open_between(self, start: datetime.date, end: datetime.date) -> bool:
        """The fund was open on some day from `start` to `end`."""
        return (self.founded_on is not None and self.founded_on <= end
                and (self.closed_on is None or self.closed_on >= start))


SUMMED = ("members", "poor_members", "shares", "loans", "lent", "active", "outstanding", "written_off",
          "fee_income", "reserve", "rate")


def total_of(items) -> Figures:
    total = Figures()
    for item in items:
        for kind, amount in item.capital.items():
            total.capital[kind] += amount
        for name in SUMMED:
            setattr(total, name, getattr(total, name) + getattr(item, name))
        total.overdue.extend(item.overdue)
    total.overdue = sort_overdue(total.overdue)
    return total


def sort_overdue(rows: list[OverdueRow]) -> list[OverdueRow]:
    """Longest overdue first."""
    return sorted(rows, key=lambda row: (-row.late.days, row.loan))


def figures(funds: QuerySet[MutualFund], on: datetime.date, table: Standards | None = None,
            loans: list[LoanFacts] | None = None, *, fees: bool = True) -> dict[int, Figures]:
    """Each fund's figures on `on`, from seven grouped queries (six without a loan behind, one more when a
    loan marked repaid has not repaid), or five with the loans given (and the standards, read once).
    Given loans (a fund's page, which lists them) are counted one by one; else mutual_sums sums them in
    SQL and walks only the loans behind, to the same figures. `fees=False` leaves the fee income and its
    reserve at zero (so what can be lent is short of them): for a reader that shows neither, a query less.
    Overdue rows carry the loans' `head` as given: none unless named."""
    table = table or policy.standards()
    found = {pk: Figures(village_id=village, founded_on=founded, closed_on=closed,
                         founding=founding(founded.year, village, table))
             for pk, village, founded, closed in funds.values_list("pk", "village_id", "founded_on",
                                                                   "closed_on")}
    for fund_id, kind, total in (Contribution.objects.filter(fund__in=funds, on__lte=on).order_by()
                                 .values_list("fund_id", "kind").annotate(total=Sum("amount"))):
        found[fund_id].capital[kind] = fen(total)
    current = Q(joined_on__lte=on) & (Q(left_on__isnull=True) | Q(left_on__gt=on))
    for fund_id, members, poor, shares in (
            Membership.objects.filter(current, fund__in=funds).order_by().values_list("fund_id")
            .annotate(n=Count("id"), poor=Count("id", filter=Q(household__status__in=REGISTERED)),
                      shares=Sum("shares"))):
        found[fund_id].members, found[fund_id].poor_members, found[fund_id].shares = members, poor, shares
    years = mutual_sums.repayments_by_year(found, on) if fees else []
    for year in years:
        share = standard("mutual_fund_reserve_share", year.year, found[year.fund].village_id, table)
        found[year.fund].fee_income += year.fees
        found[year.fund].reserve += fen(year.fees * share)
    if loans is None:
        # From today on a loan marked repaid has made every payment (none is dated ahead of today): the
        # principal repaid by the day checks that, and spares reading those loans' repayments.
        repaid = None
        if fees and on >= clock.today():
            repaid = defaultdict(lambda: ZERO)
            for year in years:
                repaid[year.fund] += year.principal
        for fund_id, sums in mutual_sums.loan_sums(found, on, repaid).items():
            _add_sums(found[fund_id], sums)
    else:
        for loan in loans:
            _count_loan(found[loan.fund_id], loan, on)
    for item in found.values():
        item.overdue = sort_overdue(item.overdue)
    return found


def _add_sums(into: Figures, sums: mutual_sums.LoanSums) -> None:
    into.loans += sums.loans
    into.lent += sums.lent
    into.rate += sums.rate
    into.active += sums.active
    into.outstanding += sums.outstanding
    into.written_off += sums.written_off
    into.overdue.extend(OverdueRow(loan.pk, loan.household_id, loan.number, "", loan.principal, late)
                        for loan, late in sums.late)


def _count_loan(into: Figures, loan: LoanFacts, on: datetime.date) -> None:
    into.loans += 1
    into.lent += loan.principal
    into.rate += loan.rate(on)
    state = loan.state_on(on)
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
class AreaTotals:
    by_fund: dict[int, Figures]
    total: Figures
    issued: int  # loans issued in the year of the day, up to it
    principal_issued: Decimal
    funds: QuerySet[MutualFund]
    on: datetime.date

    @cached_property
    def loans(self) -> list[LoanFacts]:
        """The loans issued by the day, with the installments due by then: three more queries, when
        asked."""
        return loan_facts(Loan.objects.filter(fund__in=self.funds), self.on, due_by=True)


def _totals(funds: QuerySet[MutualFund], on: datetime.date, *, fees: bool = True) -> AreaTotals:
    by_fund = figures(funds, on, fees=fees)
    year = (Loan.objects.filter(fund__in=funds, issued_on__range=(datetime.date(on.year, 1, 1), on))
            .aggregate(n=Count("id"), principal=Sum("principal")))
    return AreaTotals(by_fund, total_of(by_fund.values()), year["n"], fen(year["principal"] or 0), funds, on)


def area_totals(scope: Scope, prefix: str, on: datetime.date, *, fees: bool = True) -> AreaTotals:
    """The sums of an area's funds on `on`, for its yearly account, and the loans of its year: eight
    queries (seven without a loan behind; one less without the fees), no names."""
    return _totals(summed_funds(scope, prefix), on, fees=fees)


@dataclass(frozen=True)
class AreaReport:
    rows: list[tuple[MutualFund, Figures]]  # by village code
    total: Figures


def area_report(scope: Scope, prefix: str, on: datetime.date) -> AreaReport:
    """Every fund of the area the scope reads, with its figures, and the area's total; the overdue rows
    named."""
    funds = visible_funds(scope).filter(village__code__startswith=prefix)
    totals = _totals(funds, on)
    if totals.total.overdue:
        names = heads({row.household for row in totals.total.overdue})
        for row in totals.total.overdue:  # the same rows as the funds'
            row.head = names.get(row.household, "")
    ordered = funds.select_related("village__parent").order_by("village_id")
    return AreaReport([(fund, totals.by_fund[fund.pk]) for fund in ordered], totals.total)


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

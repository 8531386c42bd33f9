"""Every write to a village mutual fund: founding it, members joining and leaving, capital paid in, loans
issued, repaid and written off.

The village committee runs its fund, with the township's and the county's officers; only the county writes
a loan off; province, prefecture and auditors read. Each action runs in one transaction; what touches a
household (membership, a share paid for it, a loan, a repayment, a write-off) goes into its audit trail.
Nothing is deleted: members leave with a day and a reason, loans end repaid or written off."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from jingzhun import clock
from jingzhun.areas.models import Area, Level
from jingzhun.areas.scope import scope_for
from jingzhun.checks import text
from jingzhun.errors import DomainError, InvalidTransition, NotAllowed, OutOfScope
from jingzhun.registry import audit
from jingzhun.registry.choices import HouseholdStatus
from jingzhun.registry.models import AuditEvent, Household

from . import mutual_queries as queries
from . import mutual_rules as rules
from .actions import amount_of
from .models import Contribution, Installment, Loan, Membership, MutualFund, Repayment

MEMBER, CAPITAL, LOAN, REPAYMENT = queries.MEMBER, queries.CAPITAL, queries.LOAN, queries.REPAYMENT
MAX_REASON = AuditEvent._meta.get_field("reason").max_length
MAX_WRITE_OFF_REASON = min(MAX_REASON, Loan._meta.get_field("close_reason").max_length)
CREATE, CLOSE = AuditEvent.Action.CREATE, AuditEvent.Action.CLOSE


def _runner(actor, village_code: str) -> None:
    scope = scope_for(actor)
    if not (queries.may_read(scope) and scope.covers(village_code)):
        raise OutOfScope(_("This record is outside your area."))
    if not queries.may_run(scope, village_code):
        raise NotAllowed(_("Only the village committee and township and county officers run a village "
                           "mutual fund."))


def _day(value: datetime.date | None, field: str, *, not_before: datetime.date | None = None
         ) -> datetime.date:
    if value is None:
        raise DomainError(_("Enter a date."), field=field)
    if value > clock.today():
        raise DomainError(_("This date is in the future."), field=field)
    if not_before is not None and value < not_before:
        raise DomainError(_("This date is before %(day)s.") % {"day": not_before.isoformat()}, field=field)
    return value


def _open(fund: MutualFund) -> MutualFund:
    """The fund's row, locked: loans are checked against the money it holds."""
    fund = MutualFund.objects.select_for_update().get(pk=fund.pk)
    if fund.closed_on is not None:
        raise InvalidTransition(_("This mutual fund is closed."))
    return fund


def _current_member(fund: MutualFund, household: Household, on: datetime.date, field: str = "household"
                    ) -> Membership:
    membership = (fund.memberships.filter(household=household, joined_on__lte=on, left_on__isnull=True)
                  .first())
    if membership is None:
        raise DomainError(_("The household is not a member of the village's mutual fund on that day."),
                          field=field)
    return membership


@transaction.atomic
def found_fund(village_code: str, *, actor, founded_on: datetime.date, note: str = "") -> MutualFund:
    _runner(actor, village_code)
    village = Area.objects.filter(code=village_code, level=Level.VILLAGE).first()
    if village is None:
        raise DomainError(_("A mutual fund belongs to a village."), field="village")
    if MutualFund.objects.filter(village=village).exists():
        raise DomainError(_("This village has its mutual fund already."), field="village")
    return MutualFund.objects.create(village=village, founded_on=_day(founded_on, "founded_on"),
                                     note=text(note, "note", 300), created_by=actor, created_at=clock.now())


@transaction.atomic
def add_member(fund: MutualFund, household: Household, *, actor, joined_on: datetime.date,
               shares: int = 1) -> Membership:
    """A household of the village joins: one membership at a time, one vote."""
    _runner(actor, fund.village_id)
    fund = _open(fund)
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.village_id != fund.village_id:
        raise DomainError(_("Only households of the fund's village may join it."), field="household")
    if household.status == HouseholdStatus.CLOSED:
        raise DomainError(_("The household's record is closed."), field="household")
    if fund.memberships.filter(household=household, left_on__isnull=True).exists():
        raise DomainError(_("The household is a member already."), field="household")
    if not isinstance(shares, int) or shares < 1:
        raise DomainError(_("A member holds at least one share."), field="shares")
    membership = Membership.objects.create(
        fund=fund, household=household, joined_on=_day(joined_on, "joined_on", not_before=fund.founded_on),
        shares=shares)
    audit.record(household, actor, MEMBER, membership.pk, CREATE,
                 {"fund": (None, fund.pk), "joined_on": (None, membership.joined_on),
                  "shares": (None, shares)})
    return membership


@transaction.atomic
def end_membership(membership: Membership, *, actor, left_on: datetime.date, reason: str) -> Membership:
    """A household leaves of its own will; a borrower repays first."""
    _runner(actor, membership.fund.village_id)
    _open(membership.fund)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.left_on is not None:
        raise InvalidTransition(_("The household has left the fund already."))
    reason = text(reason, "reason", MAX_REASON, required=True)
    if Loan.objects.filter(household_id=membership.household_id, state=Loan.State.ACTIVE).exists():
        raise DomainError(_("The household is still repaying a loan: it leaves once the loan is repaid."),
                          field="left_on")
    membership.left_on = _day(left_on, "left_on", not_before=membership.joined_on)
    membership.save(update_fields=["left_on"])
    audit.record(membership.household, actor, MEMBER, membership.pk, CLOSE,
                 {"left_on": (None, membership.left_on)}, reason=reason)
    return membership


@transaction.atomic
def contribute(fund: MutualFund, *, actor, kind: str, amount, on: datetime.date,
               household: Household | None = None, note: str = "") -> Contribution:
    """Capital paid in. A member's contribution names its household; a government payment naming a
    household is that poor household's base share, paid from fiscal funds."""
    _runner(actor, fund.village_id)
    fund = _open(fund)
    if kind not in Contribution.Kind.values:
        raise DomainError(_("Choose who pays the capital in."), field="kind")
    on = _day(on, "on", not_before=fund.founded_on)
    if kind == Contribution.Kind.MEMBER and household is None:
        raise DomainError(_("Name the member household that pays."), field="household")
    if household is not None:
        _current_member(fund, household, on)
        if kind == Contribution.Kind.GOVERNMENT and household.status not in queries.POOR:
            raise DomainError(_("Fiscal funds pay the base share of poor households only."),
                              field="household")
    contribution = Contribution.objects.create(fund=fund, kind=kind, household=household,
                                               amount=amount_of(amount), on=on, note=text(note, "note", 300),
                                               recorded_by=actor)
    if household is not None:
        audit.record(household, actor, CAPITAL, contribution.pk, CREATE,
                     {"fund": (None, fund.pk), "kind": (None, kind), "amount": (None, contribution.amount),
                      "on": (None, on)})
    return contribution


def _term(value, fund: MutualFund, year: int) -> int:
    longest = int(queries.standard("mutual_fund_term_max", year, fund.village_id))
    if not isinstance(value, int) or value < 1:
        raise DomainError(_("Enter the term in whole months."), field="term_months")
    if value > longest:
        raise DomainError(_("A loan runs at most %(n)d months.") % {"n": longest}, field="term_months")
    return value


@transaction.atomic
def issue_loan(fund: MutualFund, household: Household, *, actor, principal, issued_on: datetime.date,
               term_months: int, schedule: str = rules.MATURITY, purpose: str = "", group: str = "") -> Loan:
    """Lend to a member household through its joint-liability group, within the standard's limit and the
    money the fund can lend; the fee rate is the standard's for the year of issue, and the schedule is
    fixed now."""
    _runner(actor, fund.village_id)
    fund = _open(fund)
    issued_on = _day(issued_on, "issued_on", not_before=fund.founded_on)
    year = issued_on.year
    _current_member(fund, household, issued_on)
    if Loan.objects.filter(household=household, state=Loan.State.ACTIVE).exists():
        raise DomainError(_("The household is still repaying a loan: one loan at a time."), field="household")
    principal = amount_of(principal, "principal")
    most = queries.standard("mutual_fund_loan_max", year, fund.village_id)
    if principal > most:
        raise DomainError(_("A loan is at most %(most)s yuan.") % {"most": f"{most:,.2f}"}, field="principal")
    available = queries.lendable(fund)
    if principal > available:
        raise DomainError(_("The fund can lend only %(a)s yuan now.") % {"a": f"{max(available, 0):,.2f}"},
                          field="principal")
    term_months = _term(term_months, fund, year)
    if schedule not in Loan.Schedule.values:
        raise DomainError(_("Choose how the loan is repaid."), field="schedule")
    rate = queries.standard("mutual_fund_fee_rate", year, fund.village_id)
    loan = Loan.objects.create(
        fund=fund, household=household, principal=principal, issued_on=issued_on, term_months=term_months,
        fee_rate=rate, schedule=schedule, purpose=text(purpose, "purpose", 120),
        group=text(group, "group", 60, required=True), recorded_by=actor, recorded_at=clock.now())
    Installment.objects.bulk_create(
        Installment(loan=loan, number=due.number, due_on=due.due_on, principal=due.principal, fee=due.fee)
        for due in rules.schedule(principal, issued_on, term_months, rate, schedule))
    audit.record(household, actor, LOAN, loan.pk, CREATE, {
        name: (None, getattr(loan, name))
        for name in ("principal", "issued_on", "term_months", "fee_rate", "schedule", "group", "purpose")})
    return loan


def _active(loan: Loan) -> Loan:
    loan = Loan.objects.select_for_update(of=("self",)).select_related("fund", "household").get(pk=loan.pk)
    if loan.state != Loan.State.ACTIVE:
        raise InvalidTransition(_("This loan is no longer being repaid."))
    return loan


def _dues(loan: Loan) -> list[rules.Due]:
    return [rules.Due(i.number, i.due_on, i.principal, i.fee) for i in loan.installments.all()]


@transaction.atomic
def repay(loan: Loan, *, actor, amount, paid_on: datetime.date) -> Repayment:
    """A borrower's payment, split fee first then principal, oldest installment first; the loan is repaid
    once nothing is owed. Payments are recorded in the order they were made."""
    _runner(actor, loan.fund.village_id)
    loan = _active(loan)
    earlier = list(loan.repayments.order_by("paid_on", "id"))
    paid_on = _day(paid_on, "paid_on", not_before=earlier[-1].paid_on if earlier else loan.issued_on)
    amount = amount_of(amount)
    dues = _dues(loan)
    try:
        principal, fee = rules.split_payment(dues, [r.amount for r in earlier], amount)
    except ValueError:
        owed = sum((d.total for d in dues), rules.ZERO) - sum((r.amount for r in earlier), rules.ZERO)
        raise DomainError(_("The loan owes only %(owed)s yuan.") % {"owed": f"{owed:,.2f}"},
                          field="amount") from None
    repayment = Repayment.objects.create(loan=loan, paid_on=paid_on, amount=amount, principal=principal,
                                         fee=fee, recorded_by=actor, recorded_at=clock.now())
    audit.record(loan.household, actor, REPAYMENT, repayment.pk, CREATE,
                 {"loan": (None, loan.pk), "paid_on": (None, paid_on), "amount": (None, amount),
                  "principal": (None, principal), "fee": (None, fee)})
    if all(s.settled for s in rules.standing(dues, [*(r.amount for r in earlier), amount])):
        loan.state = Loan.State.REPAID
        loan.save(update_fields=["state"])
        audit.record(loan.household, actor, LOAN, loan.pk, AuditEvent.Action.STATUS,
                     {"state": (Loan.State.ACTIVE, Loan.State.REPAID)})
    return repayment


@transaction.atomic
def write_off(loan: Loan, *, actor, reason: str, closed_on: datetime.date | None = None) -> Loan:
    """The county gives up what a loan still owes (the borrower died, left, cannot pay): from `closed_on`
    (today unless given) it leaves the overdue list, and its unpaid principal stays a loss of the fund's
    capital. Before that day the loan still counts as being repaid, and as overdue if it was."""
    scope = scope_for(actor)
    if not (queries.may_read(scope) and scope.covers(loan.fund.village_id)):
        raise OutOfScope(_("This record is outside your area."))
    if not queries.may_write_off(scope, loan.fund.village_id):
        raise NotAllowed(_("Only county officers write a mutual fund loan off."))
    reason = text(reason, "reason", MAX_WRITE_OFF_REASON, required=True)
    loan = _active(loan)
    loan.closed_on = _day(clock.today() if closed_on is None else closed_on, "closed_on",
                          not_before=loan.issued_on)
    loan.state, loan.close_reason = Loan.State.WRITTEN_OFF, reason
    loan.save(update_fields=["state", "closed_on", "close_reason"])
    audit.record(loan.household, actor, LOAN, loan.pk, CLOSE,
                 {"state": (Loan.State.ACTIVE, Loan.State.WRITTEN_OFF), "closed_on": (None, loan.closed_on)},
                 reason=reason)
    return loan

"""A mutual fund loan as plain values on a day: its schedule, the repayments made by then, and what
follows from them (owed, overdue, state, rate), read for many loans at once in three queries."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from . import mutual_rules as rules
from .models import Installment, Loan, Repayment

ZERO = rules.ZERO


@dataclass(frozen=True)
class Paid:
    on: datetime.date
    amount: Decimal
    principal: Decimal
    fee: Decimal


@dataclass
class LoanFacts:
    """A loan with its schedule and the repayments made up to the day it is read on (`on`)."""

    pk: int
    fund_id: int
    household_id: int
    number: str
    principal: Decimal
    issued_on: datetime.date
    term_months: int
    fee_rate: Decimal
    schedule: str
    state: str  # the loan's state now
    closed_on: datetime.date | None  # the day it was written off
    on: datetime.date
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

    @property
    def state_then(self) -> str:
        return self.state_on(self.on)

    def state_label(self) -> str:
        return Loan.State(self.state_then).label

    def written_off_by(self, on: datetime.date) -> bool:
        """Written off on or before `on`. A loan written off before the day was kept has none: it counts
        as written off on every day, as it did then."""
        return self.state == Loan.State.WRITTEN_OFF and (self.closed_on is None or self.closed_on <= on)

    def state_on(self, on: datetime.date) -> str:
        """Being repaid, repaid or written off on `on` (repayments as read, up to `self.on`)."""
        if self.written_off_by(on):
            return Loan.State.WRITTEN_OFF
        return Loan.State.ACTIVE if self.principal_owed > ZERO else Loan.State.REPAID

    def standing(self) -> list[rules.Standing]:
        return rules.standing(self.dues, [p.amount for p in self.paid])

    def overdue(self, on: datetime.date) -> rules.Overdue | None:
        """What is late on `on`; nothing once the loan is written off."""
        if self.written_off_by(on):
            return None
        return rules.overdue(self.dues, [p.amount for p in self.paid], on)

    def rate(self, on: datetime.date) -> rules.Rate:
        return rules.repayment_rate(self.dues, [(p.on, p.amount) for p in self.paid], on)


def loan_facts(loans: QuerySet[Loan], on: datetime.date, *, due_by: bool = False) -> list[LoanFacts]:
    """Loans issued by `on`, with their schedules and repayments up to `on`: three queries. `due_by`
    reads only the installments due by `on`: enough for the figures (payments go to the oldest first, so
    later ones change neither the rate nor what is late), not for a schedule or what is owed."""
    loans = loans.filter(issued_on__lte=on)
    found = {row[0]: LoanFacts(*row, on) for row in loans.order_by("fund_id", "issued_on", "id").values_list(
        "pk", "fund_id", "household_id", "household__number", "principal", "issued_on", "term_months",
        "fee_rate", "schedule", "state", "closed_on")}
    installments = Installment.objects.filter(loan__in=loans)
    if due_by:
        installments = installments.filter(due_on__lte=on)
    for loan_id, number, due_on, principal, fee in (
            installments.order_by("loan_id", "number")
            .values_list("loan_id", "number", "due_on", "principal", "fee")):
        found[loan_id].dues.append(rules.Due(number, due_on, principal, fee))
    for loan_id, paid_on, amount, principal, fee in (
            Repayment.objects.filter(loan__in=loans, paid_on__lte=on).order_by("loan_id", "paid_on", "id")
            .values_list("loan_id", "paid_on", "amount", "principal", "fee")):
        found[loan_id].paid.append(Paid(paid_on, amount, principal, fee))
    return list(found.values())

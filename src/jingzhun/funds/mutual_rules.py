"""Village mutual funds as pure arithmetic: a loan's schedule, how a payment is split, what is overdue,
and the repayment rate.

Repayment rate (到期还款率) on a day: principal repaid on the installments due by that day ÷ the principal
due by that day; money paid ahead of its due date does not count until then. A payment pays the oldest
installment first, its fee before its principal."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MATURITY, MONTHLY = "maturity", "monthly"


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it has no such day (31 January + 1
    month = 28 or 29 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _fen(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Due:
    number: int
    due_on: datetime.date
    principal: Decimal
    fee: Decimal

    @property
    def total(self) -> Decimal:
        return self.principal + self.fee


def schedule(principal: Decimal, issued_on: datetime.date, term_months: int, fee_rate: Decimal,
             kind: str = MATURITY) -> list[Due]:
    """The installments fixed when a loan is issued. The occupancy fee is `fee_rate` a month on the
    principal still owed. `maturity`: principal and all fees at the end of the term. `monthly`: equal
    principal each month (the last takes the remainder) with that month's fee."""
    if kind == MATURITY:
        fee = _fen(principal * fee_rate * term_months)
        return [Due(1, add_months(issued_on, term_months), principal, fee)]
    part = _fen(principal / term_months)
    dues, owed = [], principal
    for number in range(1, term_months + 1):
        paid = owed if number == term_months else part
        dues.append(Due(number, add_months(issued_on, number), paid, _fen(owed * fee_rate)))
        owed -= paid
    return dues


@dataclass(frozen=True)
class Standing:
    """An installment against what has been paid."""

    due: Due
    principal_paid: Decimal
    fee_paid: Decimal

    @property
    def principal_owed(self) -> Decimal:
        return self.due.principal - self.principal_paid

    @property
    def fee_owed(self) -> Decimal:
        return self.due.fee - self.fee_paid

    @property
    def settled(self) -> bool:
        return self.principal_owed <= ZERO and self.fee_owed <= ZERO


def standing(dues: list[Due], payments: list[Decimal]) -> list[Standing]:
    """Each installment with what the payments (in order) paid of it: oldest first, fee before principal.
    Any excess beyond the whole schedule is ignored here (split_payment refuses it)."""
    left = sum(payments, ZERO)
    found = []
    for due in sorted(dues, key=lambda d: (d.due_on, d.number)):
        fee = min(left, due.fee)
        left -= fee
        principal = min(left, due.principal)
        left -= principal
        found.append(Standing(due, principal, fee))
    return found


def split_payment(dues: list[Due], earlier: list[Decimal], amount: Decimal) -> tuple[Decimal, Decimal]:
    """(principal, fee) of a new payment, after the earlier ones; ValueError if it pays more than is owed."""
    before = standing(dues, earlier)
    after = standing(dues, [*earlier, amount])
    principal = sum((a.principal_paid - b.principal_paid for a, b in zip(after, before, strict=True)), ZERO)
    fee = sum((a.fee_paid - b.fee_paid for a, b in zip(after, before, strict=True)), ZERO)
    if principal + fee != amount:
        raise ValueError("more than is owed")
    return principal, fee


@dataclass(frozen=True)
class Overdue:
    """What a loan owes past its due dates on a day."""

    principal: Decimal
    fee: Decimal
    since: datetime.date | None  # the oldest unpaid due date
    days: int

    @property
    def total(self) -> Decimal:
        return self.principal + self.fee


def overdue(dues: list[Due], payments: list[Decimal], on: datetime.date) -> Overdue | None:
    late = [s for s in standing(dues, payments) if s.due.due_on < on and not s.settled]
    if not late:
        return None
    since = min(s.due.due_on for s in late)
    return Overdue(sum((s.principal_owed for s in late), ZERO), sum((s.fee_owed for s in late), ZERO), since,
                   (on - since).days)


@dataclass(frozen=True)
class Rate:
    due: Decimal  # principal due by the day
    repaid: Decimal  # of which repaid

    @property
    def rate(self) -> Decimal | None:
        return None if self.due == ZERO else (self.repaid / self.due)

    def __add__(self, other: "Rate") -> "Rate":
        return Rate(self.due + other.due, self.repaid + other.repaid)


def repayment_rate(dues: list[Due], payments: list[tuple[datetime.date, Decimal]], on: datetime.date) -> Rate:
    """One loan's principal due by `on` (inclusive) and how much of it was repaid by then; add the Rates of
    many loans for a fund's or a county's rate."""
    paid = [amount for day, amount in payments if day <= on]
    states = standing(dues, paid)
    due = [s for s in states if s.due.due_on <= on]
    return Rate(sum((s.due.principal for s in due), ZERO), sum((s.principal_paid for s in due), ZERO))

"""The ledger as pure arithmetic: balances from entries, and whether a new entry may be written.

A fund's money is received, allocated to projects and spent from them; money a project does not need is
recovered from it back into the fund (收回); a reversal undoes one earlier entry. Balances never go below
zero: no allocation beyond what was received and not yet allocated, no spending or recovery beyond what a
project was allocated and has not spent, and no reversal that would take back money already passed on.
So at any moment, for every fund,
    received = unallocated + Σ projects' unspent + Σ spent."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

RECEIPT, ALLOCATION, SPENDING, RECOVERY = "receipt", "allocation", "spending", "recovery"
KINDS = (RECEIPT, ALLOCATION, SPENDING, RECOVERY)
ZERO = Decimal("0.00")


class Refused(Exception):
    """The entry would break a balance; `code` says which, `available` how much there was."""

    def __init__(self, code: str, available: Decimal = ZERO):
        super().__init__(code)
        self.code = code
        self.available = available


@dataclass(frozen=True)
class Move:
    kind: str
    fund: int
    amount: Decimal
    project: int | None = None
    reversal: bool = False  # undoes an earlier entry of this kind, fund, project and amount


@dataclass
class Balances:
    received: dict[int, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    allocated: dict[tuple[int, int], Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    spent: dict[tuple[int, int], Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))

    def unallocated(self, fund: int) -> Decimal:
        return self.received[fund] - sum((v for (f, _p), v in self.allocated.items() if f == fund), ZERO)

    def unspent(self, fund: int, project: int) -> Decimal:
        return self.allocated[fund, project] - self.spent[fund, project]

    def spent_of(self, fund: int) -> Decimal:
        return sum((v for (f, _p), v in self.spent.items() if f == fund), ZERO)

    def reconciles(self, fund: int) -> bool:
        projects = {p for (f, p) in self.allocated if f == fund}
        held = self.unallocated(fund) + sum((self.unspent(fund, p) for p in projects), ZERO)
        return self.received[fund] == held + self.spent_of(fund) and min(
            [self.unallocated(fund), *(self.unspent(fund, p) for p in projects)], default=ZERO) >= ZERO


def check(balances: Balances, move: Move) -> None:
    """Raise Refused if writing `move` would take a balance below zero."""
    if move.amount <= ZERO:
        raise Refused("amount")
    if move.kind not in KINDS:
        raise Refused("kind")
    if move.kind != RECEIPT and move.project is None:
        raise Refused("project")
    taking = ((move.kind == ALLOCATION and not move.reversal)
              or (move.kind in (RECEIPT, RECOVERY) and move.reversal))
    if taking:  # money leaves the fund's unallocated balance
        available = balances.unallocated(move.fund)
        if move.amount > available:
            raise Refused("unallocated", available)
    spending = ((move.kind in (SPENDING, RECOVERY) and not move.reversal)
                or (move.kind == ALLOCATION and move.reversal))
    if spending:  # money leaves the project's unspent balance
        available = balances.unspent(move.fund, move.project)
        if move.amount > available:
            raise Refused("unspent", available)


def apply(balances: Balances, move: Move) -> Balances:
    """The balances after `move` (checked first); changes `balances` in place and returns it."""
    check(balances, move)
    signed = -move.amount if move.reversal else move.amount
    if move.kind == RECEIPT:
        balances.received[move.fund] += signed
    elif move.kind == ALLOCATION:
        balances.allocated[move.fund, move.project] += signed
    elif move.kind == RECOVERY:  # the project's allocation shrinks; the fund holds the money again
        balances.allocated[move.fund, move.project] -= signed
    else:
        balances.spent[move.fund, move.project] += signed
    return balances


def balances_of(moves) -> Balances:
    balances = Balances()
    for move in moves:
        apply(balances, move)
    return balances

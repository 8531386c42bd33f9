"""Reads of the funds ledger: balances of a fund from the database, and balances grouped by fund, area
and year, always filtered by the reader's scope."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, DecimalField, F, QuerySet, Sum, When
from django.db.models.functions import ExtractYear

from jingzhun.areas.scope import Scope

from . import ledger_rules
from .models import Entry, Fund

YUAN = DecimalField(max_digits=16, decimal_places=2)
CENT = Decimal("0.01")
# A reversal counts against its kind.
SIGNED = Sum(Case(When(reverses__isnull=False, then=-F("amount")), default=F("amount"), output_field=YUAN),
             output_field=YUAN)


def fund_balances(fund: Fund) -> ledger_rules.Balances:
    """The fund's balances from one grouped query over its entries."""
    balances = ledger_rules.Balances()
    rows = Entry.objects.filter(fund=fund).values("kind", "project_id").annotate(total=SIGNED)
    for row in rows:
        _add(balances, fund.pk, row["kind"], row["project_id"], row["total"])
    return balances


def fen(total) -> Decimal:
    """A sum as the database returns it, to the fen: SQLite sums decimals as floating point."""
    return Decimal(total).quantize(CENT)


def _add(balances: ledger_rules.Balances, fund: int, kind: str, project: int | None, total: Decimal) -> None:
    total = fen(total)
    if kind == ledger_rules.RECEIPT:
        balances.received[fund] += total
    elif kind == ledger_rules.ALLOCATION:
        balances.allocated[fund, project] += total
    elif kind == ledger_rules.RECOVERY:
        balances.allocated[fund, project] -= total
    else:
        balances.spent[fund, project] += total


def visible_funds(scope: Scope) -> QuerySet[Fund]:
    """Funds held inside the reader's area."""
    if not scope.reads_registry:
        return Fund.objects.none()
    return Fund.objects.filter(scope.area_q("area__code"))


def visible_entries(scope: Scope) -> QuerySet[Entry]:
    return Entry.objects.filter(fund__in=visible_funds(scope))


@dataclass(frozen=True)
class Totals:
    received: Decimal
    allocated: Decimal
    spent: Decimal

    @property
    def unallocated(self) -> Decimal:
        return self.received - self.allocated

    @property
    def unspent(self) -> Decimal:
        return self.allocated - self.spent


def totals_by(entries: QuerySet[Entry], *keys: str) -> dict[tuple, Totals]:
    """Received, allocated and spent for each group of `keys` (fields of Entry, "year" for the entry's
    year), reversals netted out and recoveries taken off the allocations."""
    annotated = entries.annotate(year=ExtractYear("on")) if "year" in keys else entries
    sums: dict[tuple, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: Decimal("0.00")))
    for row in annotated.values(*keys, "kind").annotate(total=SIGNED):
        sums[tuple(row[k] for k in keys)][row["kind"]] += fen(row["total"])
    return {key: Totals(v[ledger_rules.RECEIPT], v[ledger_rules.ALLOCATION] - v[ledger_rules.RECOVERY],
                        v[ledger_rules.SPENDING]) for key, v in sums.items()}

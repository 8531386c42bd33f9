"""Reads behind the funds' pages: the funds held in an area with their balances and totals by source,
and one fund's ledger with a running unallocated balance (which recoveries from projects raise again)
and its allocations by project. Always filtered by the reader's scope (queries.visible_funds)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from jingzhun.areas.models import Area
from jingzhun.areas.scope import Scope
from jingzhun.assistance.models import Measure

from . import ledger_rules, queries
from .models import Entry, Fund, Project, Source

ZERO = Decimal("0.00")
NOTHING = queries.Totals(ZERO, ZERO, ZERO)


def readable_funds(scope: Scope) -> QuerySet[Fund]:
    """Funds of the reader's area; helpers work from their households and read none."""
    if scope.helps_households:
        return Fund.objects.none()
    return queries.visible_funds(scope)


def get_fund(scope: Scope, pk: int) -> Fund:
    fund = (readable_funds(scope).select_related("area", "partner", "created_by").filter(pk=pk).first())
    if fund is None:
        raise Http404
    return fund


@dataclass(frozen=True)
class FundFilter:
    area: str = ""
    year: int | None = None
    source: str = ""


def filter_from_query(params, scope: Scope) -> FundFilter:
    year = params.get("year", "")
    source = params.get("source", "")
    return FundFilter(area=params.get("area") or scope.area_code or "",
                      year=int(year) if year.isdigit() else None,
                      source=source if source in Source.values else "")


def search_funds(scope: Scope, flt: FundFilter, area: Area) -> QuerySet[Fund]:
    funds = readable_funds(scope).filter(area__code__startswith=area.prefix)
    if flt.year:
        funds = funds.filter(year=flt.year)
    if flt.source:
        funds = funds.filter(source=flt.source)
    return funds.select_related("area")


def fund_totals(funds: QuerySet[Fund]) -> dict[int, queries.Totals]:
    rows = queries.totals_by(Entry.objects.filter(fund__in=funds), "fund")
    return {key[0]: totals for key, totals in rows.items()}


def totals_of(fund: Fund) -> queries.Totals:
    return queries.totals_by(fund.entries.all()).get((), NOTHING)


def totals_by_source(funds: QuerySet[Fund]) -> tuple[list[tuple[str, str, queries.Totals]], queries.Totals]:
    """(source code, label, totals) for each source the funds hold money of, and the grand total."""
    rows = queries.totals_by(Entry.objects.filter(fund__in=funds), "fund__source")
    by_source = [(code, label, rows[(code,)]) for code, label in Source.choices if (code,) in rows]
    total = queries.Totals(*(sum((getattr(t, f) for _c, _l, t in by_source), ZERO)
                             for f in ("received", "allocated", "spent")))
    return by_source, total


@dataclass
class LedgerRow:
    """One entry with its signed effect on each balance and the unallocated balance after it; the pages
    of the ledger its linked entries are on, where a page shows only part of it (None: on this one)."""

    entry: Entry
    received: Decimal
    allocated: Decimal
    spent: Decimal
    unallocated: Decimal
    undone_by: Entry | None = None
    reverses_page: int | None = None
    undone_by_page: int | None = None

    @property
    def reverses_href(self) -> str:
        return entry_href(self.entry.reverses_id, self.reverses_page)

    @property
    def undone_by_href(self) -> str:
        return entry_href(self.undone_by.pk, self.undone_by_page) if self.undone_by else ""


def entry_href(pk: int | None, page: int | None, keep: str = "") -> str:
    """A link to an entry's row: its anchor on this page, or the page of the ledger it is on (`keep`: the
    page's other parameters, ending in "&")."""
    if page is None:
        return f"#entry-{pk}"
    return f"?{keep}page={page}#entry-{pk}"


def name_subsidies(entries: list[Entry]) -> list[Entry]:
    """Each entry's subsidy as the measures catalogue names it (`subsidy_name`), its code if unknown."""
    codes = {e.subsidy for e in entries if e.subsidy}
    names = {m.code: str(m) for m in Measure.objects.filter(code__in=codes)} if codes else {}
    for entry in entries:
        entry.subsidy_name = names.get(entry.subsidy, entry.subsidy)
    return entries


def _walk(entries: list[Entry], unallocated: Decimal, undone: dict[int, Entry]) -> list[LedgerRow]:
    """The rows of consecutive entries, the running balance starting from `unallocated` before them. A
    recovery counts as a negative allocation (the money is the fund's to allocate again); a reversal's
    effect is the opposite of the entry it undoes."""
    rows = []
    for entry in entries:
        signed = -entry.amount if entry.is_reversal else entry.amount
        effect = {kind: signed if entry.kind == kind else ZERO for kind in ledger_rules.KINDS}
        allocation = effect[ledger_rules.ALLOCATION] - effect[ledger_rules.RECOVERY]
        unallocated += effect[ledger_rules.RECEIPT] - allocation
        rows.append(LedgerRow(entry, effect[ledger_rules.RECEIPT], allocation,
                              effect[ledger_rules.SPENDING], unallocated, undone.get(entry.pk)))
    return rows


def ledger_entries(fund: Fund) -> QuerySet[Entry]:
    """The fund's entries in the order they were recorded, which is the order the ledger's checks saw
    them in: so the running unallocated balance never goes below zero."""
    return fund.entries.select_related("project", "household", "recorded_by").order_by("pk")


def ledger(fund: Fund) -> list[LedgerRow]:
    """The whole ledger, each reversal linked to the entry it undoes and back (for the CSV)."""
    entries = name_subsidies(list(ledger_entries(fund)))
    return _walk(entries, ZERO, {e.reverses_id: e for e in entries if e.reverses_id})


def ledger_page(fund: Fund, entries: list[Entry], size: int) -> list[LedgerRow]:
    """The rows of one page of the ledger (consecutive entries of `ledger_entries`, `size` a page): the
    running balance starts from one sum of every entry before the page, so it equals the whole walk's
    without reading the entries of the other pages."""
    if not entries:
        return []
    before = queries.totals_by(fund.entries.filter(pk__lt=entries[0].pk)).get((), NOTHING).unallocated
    pks = {e.pk for e in entries}
    undone = {e.reverses_id: e for e in fund.entries.filter(reverses__in=pks)}
    rows = _walk(name_subsidies(entries), before, undone)
    elsewhere = {e.reverses_id for e in entries if e.reverses_id} | {e.pk for e in undone.values()}
    pages = pages_of(fund.entries.all(), elsewhere - pks, size)
    for row in rows:
        row.reverses_page = pages.get(row.entry.reverses_id)
        row.undone_by_page = pages.get(row.undone_by.pk) if row.undone_by else None
    return rows


def pages_of(entries: QuerySet[Entry], pks: set[int], size: int) -> dict[int, int]:
    """The page each of these entries is on, of `entries` in the order recorded, `size` a page: one
    query however many (a page links few entries of others)."""
    if not pks:
        return {}
    counts = entries.aggregate(**{f"e{pk}": Count("pk", filter=Q(pk__lte=pk)) for pk in pks})
    return {pk: (counts[f"e{pk}"] - 1) // size + 1 for pk in pks if counts[f"e{pk}"]}


def allocations_by_project(fund: Fund) -> list[tuple[Project, queries.Totals]]:
    """Each project the fund's money went to, with what it was allocated and spent of this fund."""
    rows = queries.totals_by(fund.entries.filter(project__isnull=False), "project")
    projects = Project.objects.select_related("area").in_bulk([key[0] for key in rows])
    found = [(projects[key[0]], totals) for key, totals in rows.items()]
    return sorted(found, key=lambda row: (-row[0].year, row[0].area_id, row[0].name, row[0].pk))


def recoverable(allocations: list[tuple[Project, queries.Totals]]) -> list[tuple[Project, queries.Totals]]:
    """Of the fund's allocations by project, those still holding money not spent: what may be recovered."""
    return [(project, totals) for project, totals in allocations if totals.unspent > 0]


def reversible(fund: Fund) -> QuerySet[Entry]:
    """Entries a reversal may still undo: not reversals themselves and not yet reversed (whether the
    money has moved on is the action's check)."""
    return (fund.entries.filter(reverses__isnull=True, reversed_by__isnull=True)
            .select_related("project", "household").order_by("-pk"))


def allocatable_projects(fund: Fund) -> QuerySet[Project]:
    """Projects of the fund's area that may still receive money: of the fund's year or a year beside it
    (money carried over), which keeps a county's list short."""
    return (Project.objects.filter(area__code__startswith=fund.area.prefix,
                                   year__range=(fund.year - 1, fund.year + 1))
            .exclude(state=Project.State.CANCELLED).select_related("area")
            .order_by("-year", "area_id", "name"))

"""The yearly account of an area: funds received by source and by purpose, allocated and spent, balances at
the year end; the year's projects by kind with their outputs; the villages covered; the village mutual
funds with their loans and repayment rate.

Every figure comes from grouped queries (fifteen at most, whatever the area's size), so a county's or the
province's account costs the same round trips as a village's; none reads a row per loan, repayment or
entry into Python. The year's figures stop at `as_of`: the
31st of December, or today for the year under way. The mutual funds' figures are mutual_queries': the
account says what the mutual funds pages say for the same area on `as_of`."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, F, Max, Q, Sum, Value, When
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from jingzhun import clock
from jingzhun.areas.models import Area, AreaFlag, Level
from jingzhun.areas.scope import Scope
from jingzhun.errors import DomainError

from . import ledger_rules, mutual_queries, mutual_rules
from . import models as m
from .models.projects import OUTPUT_UNITS
from .queries import YUAN, Totals, fen, totals_by, visible_entries

ZERO = Decimal("0.00")
FIRST_YEAR = 2000
# Money of a fund naming several purposes (or none: any) belongs to the purposes of the projects it was
# allocated to; what it has not yet allocated stands on this line.
SEVERAL = "several"
SEVERAL_LABEL = pgettext_lazy("fund purpose", "several purposes, not yet allocated to a project")
TOTAL_LABEL = gettext_lazy("total")


@dataclass
class Money:
    """One line of the funds' account: what moved in the year, and the balances at its end."""

    key: str
    label: str
    received: Decimal = ZERO
    allocated: Decimal = ZERO
    spent: Decimal = ZERO
    unallocated: Decimal = ZERO  # received and not yet allocated, at the year end
    unspent: Decimal = ZERO  # allocated to projects and not yet spent, at the year end

    FIGURES = ("received", "allocated", "spent", "unallocated", "unspent")

    def add(self, **amounts: Decimal) -> None:
        for name, amount in amounts.items():
            setattr(self, name, getattr(self, name) + amount)

    @property
    def moved(self) -> bool:
        return any(getattr(self, name) for name in self.FIGURES)


@dataclass(frozen=True)
class ProjectLine:
    kind: str
    label: str
    unit: str
    projects: int  # not cancelled
    cancelled: int
    budget: Decimal
    allocated: Decimal  # to the year end, from any fund
    spent: Decimal
    planned: Decimal | None  # outputs, in `unit`; None on the total line (units differ)
    achieved: Decimal | None
    accepted: int


@dataclass(frozen=True)
class VillageLine:
    area: Area
    poor: bool  # a poor village in the year
    projects: int
    budget: Decimal
    mutual_fund: bool


@dataclass(frozen=True)
class Villages:
    total: int
    poor: int
    covered: int
    covered_poor: int
    lines: tuple[VillageLine, ...]


@dataclass(frozen=True)
class CapitalLine:
    kind: str
    label: str
    amount: Decimal


@dataclass(frozen=True)
class MutualAccount:
    funds: int  # open at some time in the year
    members: int  # member households at the year end
    capital: tuple[CapitalLine, ...]  # paid in up to the year end
    loans_issued: int  # in the year
    principal_issued: Decimal
    loans_outstanding: int  # being repaid at the year end
    outstanding: Decimal  # principal not yet repaid at the year end, on loans being repaid
    rate: mutual_rules.Rate  # principal due by the year end, and repaid (written-off loans too)
    overdue_loans: int  # written-off loans are not overdue from the day they were written off
    overdue_principal: Decimal
    overdue_fee: Decimal
    written_off: Decimal = ZERO  # principal never repaid on loans written off by the year end

    @property
    def capital_total(self) -> Decimal:
        return sum((line.amount for line in self.capital), ZERO)


@dataclass(frozen=True)
class Account:
    area: Area
    year: int
    as_of: datetime.date
    sources: tuple[Money, ...]
    purposes: tuple[Money, ...]
    total: Money
    projects: tuple[ProjectLine, ...]
    projects_total: ProjectLine
    villages: Villages
    mutual: MutualAccount

    @property
    def complete(self) -> bool:
        """The year has ended: the figures are the year's, not the year's so far."""
        return self.as_of == datetime.date(self.year, 12, 31)


def area_for(scope: Scope, code: str) -> Area:
    """The area whose account the reader asked for: inside their scope, else 404."""
    area = Area.objects.select_related("parent").filter(code=code or "").first()
    if area is None or not scope.covers(area.code):
        raise Http404
    return area


def default_year(scope: Scope, area: Area) -> int:
    """The latest year with a fund or a project in the area, up to this year."""
    this_year = clock.today().year
    inside = {"area__code__startswith": area.prefix, "year__lte": this_year}
    latest = [model.objects.filter(scope.area_q("area__code"), **inside).aggregate(y=Max("year"))["y"]
              for model in (m.Fund, m.Project)]
    return max((y for y in latest if y), default=this_year)


def account(scope: Scope, area: Area | str, year: int) -> Account:
    if isinstance(area, str):
        area = area_for(scope, area)
    elif not scope.covers(area.code):
        raise Http404
    today = clock.today()
    if not FIRST_YEAR <= year <= today.year:
        raise DomainError(_("Choose a year from %(first)d to %(last)d.") % {"first": FIRST_YEAR,
                                                                          "last": today.year}, field="year")
    as_of = min(datetime.date(year, 12, 31), today)
    start = datetime.date(year, 1, 1)
    sources, purposes, total = _funds(scope, area.prefix, start, as_of)
    projects, projects_total = _projects(area.prefix, year, as_of)
    mutual = mutual_queries.area_totals(scope, area.prefix, as_of, fees=False)  # the account shows no fees
    open_funds = [f for f in mutual.by_fund.values() if f.open_between(start, as_of)]
    return Account(area=area, year=year, as_of=as_of, sources=sources, purposes=purposes, total=total,
                   projects=projects, projects_total=projects_total,
                   villages=_villages(area, year, {f.village_id for f in open_funds}),
                   mutual=_mutual(mutual, len(open_funds)))


def _funds(scope: Scope, prefix: str, start: datetime.date, as_of: datetime.date):
    """Funds held inside the area: by source, and by purpose (a fund's one purpose, else its projects')."""
    entries = visible_entries(scope).filter(fund__area__code__startswith=prefix, on__lte=as_of)
    flows, ends = _year_and_end(entries, start)
    funds = {f["id"]: f for f in m.Fund.objects.filter(pk__in={fund for fund, _p in ends})
             .values("id", "source", "purposes")}

    def purpose_of(fund: int, project_purpose: str | None) -> str:
        named = funds[fund]["purposes"]
        return named[0] if len(named) == 1 else (project_purpose or SEVERAL)

    by_source = {key: Money(key, label) for key, label in m.Source.choices}
    by_purpose = {key: Money(key, label) for key, label in [*m.Purpose.choices, (SEVERAL, SEVERAL_LABEL)]}
    total = Money("total", TOTAL_LABEL)
    for (fund, project_purpose), t in flows.items():
        for line in (by_source[funds[fund]["source"]], by_purpose[purpose_of(fund, project_purpose)], total):
            line.add(received=t.received, allocated=t.allocated, spent=t.spent)
    for (fund, project_purpose), t in ends.items():
        # Unallocated money is a fund's, not a project's: it stands on the fund's own purpose line.
        for line in (by_source[funds[fund]["source"]], by_purpose[purpose_of(fund, None)], total):
            line.add(unallocated=t.received - t.allocated)
        for line in (by_source[funds[fund]["source"]], by_purpose[purpose_of(fund, project_purpose)], total):
            line.add(unspent=t.allocated - t.spent)
    return (tuple(line for line in by_source.values() if line.moved),
            tuple(line for line in by_purpose.values() if line.moved), total)


def _year_and_end(entries, start: datetime.date) -> tuple[dict, dict]:
    """What totals_by(entries from `start`, "fund_id", "project__purpose") and totals_by(entries, the same
    keys) say, from one pass over the entries instead of two."""
    amount = Case(When(reverses__isnull=False, then=-F("amount")), default=F("amount"), output_field=YUAN)
    in_year = Case(When(on__lt=start, then=Value(0)), default=amount, output_field=YUAN)
    rows = (entries.order_by().values("fund_id", "project__purpose", "kind")
            .annotate(end=Sum(amount, output_field=YUAN), year=Sum(in_year, output_field=YUAN)))
    sums = {period: defaultdict(lambda: defaultdict(lambda: ZERO)) for period in ("year", "end")}
    for row in rows:
        for period, into in sums.items():
            into[row["fund_id"], row["project__purpose"]][row["kind"]] += fen(row[period] or 0)

    def totals(by_key) -> dict:
        return {key: Totals(v[ledger_rules.RECEIPT], v[ledger_rules.ALLOCATION] - v[ledger_rules.RECOVERY],
                            v[ledger_rules.SPENDING]) for key, v in by_key.items()}

    # A group without an entry in the year has nothing in its year's flows: they add nothing to a line.
    return totals(sums["year"]), totals(sums["end"])


def _projects(prefix: str, year: int, as_of: datetime.date):
    live = ~Q(state=m.Project.State.CANCELLED)
    rows = {row["kind"]: row for row in m.Project.objects.filter(area__code__startswith=prefix, year=year)
            .values("kind").annotate(
                projects=Count("id", filter=live), cancelled=Count("id", filter=~live),
                budget=Sum("budget", filter=live), planned=Sum("output_planned", filter=live),
                achieved=Sum("output_achieved", filter=live),
                accepted=Count("id", filter=Q(state=m.Project.State.ACCEPTED, accepted_on__lte=as_of)))}
    money = totals_by(m.Entry.objects.filter(project__area__code__startswith=prefix, project__year=year,
                                           on__lte=as_of), "project__kind")
    lines = []
    for kind, label in m.ProjectKind.choices:
        row = rows.get(kind)
        if row is None:
            continue
        spent = money.get((kind,))
        lines.append(ProjectLine(
            kind, label, OUTPUT_UNITS[kind], row["projects"], row["cancelled"], fen(row["budget"] or 0),
            spent.allocated if spent else ZERO, spent.spent if spent else ZERO, fen(row["planned"] or 0),
            fen(row["achieved"] or 0), row["accepted"]))

    def total(name: str, start=0):
        return sum((getattr(line, name) for line in lines), start)

    return tuple(lines), ProjectLine(
        "total", TOTAL_LABEL, "", total("projects"), total("cancelled"), total("budget", ZERO),
        total("allocated", ZERO), total("spent", ZERO), None, None, total("accepted"))


def _villages(area: Area, year: int, funds: set[str]) -> Villages:
    """Villages with a project of the year or a mutual fund open in it (`funds`), against all the area's
    villages."""
    villages = list(Area.objects.filter(level=Level.VILLAGE, code__startswith=area.prefix)
                    .only("code", "level", "name_zh", "name_en"))
    poor = set(AreaFlag.objects.filter(kind=AreaFlag.Kind.POOR_VILLAGE, area__code__startswith=area.prefix,
                                       start_year__lte=year)
               .filter(Q(end_year__isnull=True) | Q(end_year__gte=year)).values_list("area_id", flat=True))
    projects = {row["area_id"]: (row["n"], fen(row["budget"])) for row in m.Project.objects.filter(
        area__code__startswith=area.prefix, area__level=Level.VILLAGE, year=year).exclude(
        state=m.Project.State.CANCELLED).values("area_id").annotate(n=Count("id"), budget=Sum("budget"))}
    lines = tuple(VillageLine(v, v.code in poor, *projects.get(v.code, (0, ZERO)), v.code in funds)
                  for v in villages if v.code in projects or v.code in funds)
    return Villages(len(villages), sum(v.code in poor for v in villages), len(lines),
                    sum(line.poor for line in lines), lines)


def _mutual(totals: mutual_queries.AreaTotals, funds: int) -> MutualAccount:
    """The area's mutual funds on the year end (`funds` of them open in the year), and the year's loans."""
    total = totals.total
    capital = tuple(CapitalLine(kind, label, total.capital[kind])
                    for kind, label in m.Contribution.Kind.choices)
    return MutualAccount(
        funds=funds, members=total.members, capital=capital, loans_issued=totals.issued,
        principal_issued=totals.principal_issued, loans_outstanding=total.active,
        outstanding=total.outstanding, rate=total.rate, overdue_loans=len(total.overdue),
        overdue_principal=total.overdue_principal, overdue_fee=total.overdue_fee,
        written_off=total.written_off)

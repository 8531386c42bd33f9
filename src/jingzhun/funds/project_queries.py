"""Reads of projects, always filtered by the reader's scope: the list with money and output, one
project's funding by source and by fund, entries, beneficiaries and history, and a village's investment
against the standard.

A project's money is read through the project: a cadre whose village has a project sees what was
allocated to it and spent, although the fund itself is held by the county."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import ngettext

from jingzhun.areas.models import Area
from jingzhun.areas.scope import Scope
from jingzhun.errors import DomainError
from jingzhun.identification.monitoring_queries import heads_of
from jingzhun.policy import queries as policy
from jingzhun.policy.rules import PolicyMissing
from jingzhun.registry.choices import Relation
from jingzhun.registry.models import Household, Member
from jingzhun.registry.queries import visible_households

from . import fund_queries, queries
from .actions import manager_scope
from .models import Beneficiary, Entry, Project, ProjectEvent, ProjectKind, Source

ZERO = Decimal("0.00")
NOTHING = queries.Totals(ZERO, ZERO, ZERO)


def keeps_books(user, area_code: str) -> bool:
    """Whether the user may write this area's funds and projects (the actions' own test)."""
    try:
        manager_scope(user, area_code)
    except DomainError:
        return False
    return True


def visible_projects(scope: Scope) -> QuerySet[Project]:
    """Projects of the reader's area; helpers work from their households and read none."""
    if not scope.reads_registry or scope.helps_households:
        return Project.objects.none()
    return Project.objects.filter(scope.area_q("area__code"))


def get_project(scope: Scope, pk: int) -> Project:
    project = (visible_projects(scope).select_related("area__parent__parent", "accepted_by", "created_by")
               .filter(pk=pk).first())
    if project is None:
        raise Http404
    return project


@dataclass(frozen=True)
class ProjectFilter:
    area: str = ""
    year: int | None = None
    kind: str = ""
    state: str = ""


def filter_from_query(params, scope: Scope) -> ProjectFilter:
    year = params.get("year", "")
    return ProjectFilter(area=params.get("area") or scope.area_code or "",
                         year=int(year) if year.isdigit() else None,
                         kind=params.get("kind", "") if params.get("kind") in ProjectKind.values else "",
                         state=params.get("state", "") if params.get("state") in Project.State.values else "")


def search_projects(scope: Scope, flt: ProjectFilter, area: Area) -> QuerySet[Project]:
    projects = visible_projects(scope).filter(area__code__startswith=area.prefix)
    if flt.year:
        projects = projects.filter(year=flt.year)
    if flt.kind:
        projects = projects.filter(kind=flt.kind)
    if flt.state:
        projects = projects.filter(state=flt.state)
    # Counted per row shown: a join grouped over all the area's projects would count every beneficiary of
    # the province (a million rows) before a page of fifty is cut.
    counted = (Beneficiary.objects.filter(project=OuterRef("pk")).order_by().values("project")
               .annotate(n=Count("pk")).values("n"))
    return (projects.select_related("area__parent")
            .annotate(beneficiary_count=Coalesce(Subquery(counted), 0))
            .order_by("-year", "area_id", "name", "pk"))


def totals_of(projects) -> dict[int, queries.Totals]:
    """Allocated and spent of each project, by project key."""
    rows = queries.totals_by(Entry.objects.filter(project__in=list(projects)), "project")
    return {key[0]: totals for key, totals in rows.items()}


def project_totals(project: Project) -> queries.Totals:
    return queries.totals_by(Entry.objects.filter(project=project)).get((), NOTHING)


def funding_by_source(project: Project) -> list[tuple[str, str, queries.Totals]]:
    """(source code, source label, totals) of the money allocated to the project, in the sources'
    order."""
    rows = queries.totals_by(Entry.objects.filter(project=project), "fund__source")
    return [(code, label, rows[(code,)]) for code, label in Source.choices if (code,) in rows]


def funding_by_fund(project: Project) -> list[tuple[int, queries.Totals]]:
    rows = queries.totals_by(Entry.objects.filter(project=project), "fund")
    return [(key[0], totals) for key, totals in sorted(rows.items())]


def project_entries(project: Project) -> QuerySet[Entry]:
    """The project's entries in the order they were recorded, as its ledger pages them."""
    return (Entry.objects.filter(project=project).select_related("fund", "household", "recorded_by")
            .order_by("pk"))


def entries_page(project: Project, entries: list[Entry], size: int) -> list[Entry]:
    """One page of the project's entries (`size` a page), each reversal linked both ways: `undone_by`,
    and `reverses_page` / `undone_by_page` where the linked entry is on another page (None: this one)."""
    entries = fund_queries.name_subsidies(entries)
    pks = {e.pk for e in entries}
    reversed_by = {e.reverses_id: e for e in Entry.objects.filter(project=project, reverses__in=pks)}
    linked = {e.reverses_id for e in entries if e.reverses_id} | {e.pk for e in reversed_by.values()}
    pages = fund_queries.pages_of(Entry.objects.filter(project=project), linked - pks, size)
    for entry in entries:
        entry.undone_by = reversed_by.get(entry.pk)
        entry.reverses_page = pages.get(entry.reverses_id)
        entry.undone_by_page = pages.get(entry.undone_by.pk) if entry.undone_by else None
    return entries


@dataclass(frozen=True)
class HistoryRow:
    """A ProjectEvent with its old and new values in words: states by their names, output in its unit,
    households added by their numbers."""

    event: ProjectEvent
    old: str
    new: str
    numbers: tuple[str, ...] = ()


def _amount(value: str, unit: str) -> str:
    try:
        number = Decimal(value)
    except ArithmeticError:
        return value
    return f"{number.normalize():f} {unit}".strip()


def _history_row(event: ProjectEvent, unit: str) -> HistoryRow:
    if event.action == ProjectEvent.Action.STATE:
        words = {code: str(label) for code, label in Project.State.choices}
        return HistoryRow(event, words.get(event.old, event.old), words.get(event.new, event.new))
    if event.action == ProjectEvent.Action.OUTPUT:
        return HistoryRow(event, _amount(event.old, unit), _amount(event.new, unit))
    if event.action == ProjectEvent.Action.BENEFICIARY:
        numbers = tuple(event.new.split())
        count = ngettext("%(n)d household listed", "%(n)d households listed", len(numbers))
        return HistoryRow(event, "", count % {"n": len(numbers)}, numbers)
    return HistoryRow(event, event.old, event.new)


def history(project: Project) -> list[HistoryRow]:
    """The project's events, the latest first."""
    events = ProjectEvent.objects.filter(project=project).select_related("actor").order_by("-at", "-id")
    return [_history_row(event, project.output_unit) for event in events]


def cancellation(rows: list[HistoryRow]) -> ProjectEvent | None:
    """The event that cancelled the project (with its day and reason), of its history rows."""
    return next((row.event for row in rows if row.event.action == ProjectEvent.Action.STATE
                 and row.event.new == Project.State.CANCELLED), None)


@dataclass(frozen=True)
class BeneficiaryRow:
    household: Household
    added_on: object
    head_name: str
    head_id_number: str
    paid: Decimal


def search_beneficiaries(project: Project, q: str = "") -> QuerySet[Beneficiary]:
    """The project's beneficiaries in the order of their household numbers; with `q`, those whose
    household number starts with it (digits) or whose current head's name holds it."""
    links = Beneficiary.objects.filter(project=project)
    q = q.strip()
    if q.isdigit():
        links = links.filter(household__number__startswith=q)
    elif q:
        links = links.filter(Exists(Member.objects.filter(
            household_id=OuterRef("household_id"), relation=Relation.HEAD, left_on__isnull=True,
            name__contains=q)))
    return links.select_related("household").order_by("household__number", "pk")


def beneficiaries(project: Project, links: list[Beneficiary]) -> list[BeneficiaryRow]:
    """These households of the project (a page of them) with their heads and what the project paid
    each of them."""
    ids = [link.household_id for link in links]
    heads = heads_of(ids)
    paid = queries.totals_by(Entry.objects.filter(project=project, household_id__in=ids), "household")
    return [BeneficiaryRow(link.household, link.added_on, *heads.get(link.household_id, ("", "")),
                           paid.get((link.household_id,), NOTHING).spent) for link in links]


def households_by_number(scope: Scope, numbers: list[str]) -> tuple[list[Household], list[str]]:
    """The households of these numbers the reader may see, and the numbers not found among them."""
    found = list(visible_households(scope).filter(number__in=numbers))
    known = {h.number for h in found}
    return found, [n for n in numbers if n not in known]


@dataclass(frozen=True)
class Investment:
    year: int
    allocated: Decimal
    budget: Decimal
    standard: Decimal | None  # None: no standard for the year

    @property
    def meets(self) -> bool | None:
        return None if self.standard is None else self.allocated >= self.standard


def latest_year(village: Area) -> int | None:
    """The latest year the village has a project of: the investment the village's list shows first."""
    return (Project.objects.filter(area=village).exclude(state=Project.State.CANCELLED)
            .order_by("-year").values_list("year", flat=True).first())


def village_investment(village: Area, year: int) -> Investment:
    """What the village's projects of the year were allocated (and budgeted) against the standard
    investment per village (policy standard village_investment)."""
    projects = Project.objects.filter(area=village, year=year).exclude(state=Project.State.CANCELLED)
    allocated = queries.totals_by(Entry.objects.filter(project__area=village, project__year=year)).get(
        (), NOTHING).allocated
    budget = sum((p.budget for p in projects), ZERO)
    try:
        standard = policy.value("village_investment", year, village.code).quantize(queries.CENT)
    except PolicyMissing:
        standard = None
    return Investment(year, allocated, budget, standard)

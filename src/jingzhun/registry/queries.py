"""Reads shared by pages, exports and the API, always filtered through the user's scope."""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404

from jingzhun.areas.models import PREFIX_LENGTH, Area
from jingzhun.areas.scope import Scope

from . import rules
from .models import AuditEvent, Household, Income, Member

ID_LIKE = re.compile(r"^\d{17}[\dXx]$")
NUMBER_LIKE = re.compile(r"^\d{6,20}$")


def visible_households(scope: Scope) -> QuerySet[Household]:
    """Every household the scope may read: inside its area, and for helpers only their own."""
    households = Household.objects.filter(scope.area_q("village__code"))
    if scope.own_households_only:
        households = households.filter(helper_id=scope.user_id)
    return households


def get_household(scope: Scope, pk: int) -> Household:
    """A household inside the scope, or 404: outsiders learn nothing about whether it exists."""
    members = Member.objects.order_by("left_on", "joined_on", "id")
    household = (visible_households(scope).select_related("village__parent__parent", "main_cause", "helper")
                 .prefetch_related(Prefetch("members", queryset=members), "other_causes")
                 .filter(pk=pk).first())
    if household is None:
        raise Http404
    return household


def get_member(scope: Scope, pk: int) -> Member:
    member = Member.objects.select_related("household").filter(pk=pk).first()
    if member is None or not visible_households(scope).filter(pk=member.household_id).exists():
        raise Http404
    return member


@dataclass(frozen=True)
class HouseholdFilter:
    area: str = ""
    q: str = ""
    status: str = ""
    household_type: str = ""
    cause: str = ""


def filter_from_query(params) -> HouseholdFilter:
    """The household list's filter from its query parameters (a QueryDict or any mapping): shared by the
    list, its exports and export jobs, which keep the query string and apply it later."""
    return HouseholdFilter(area=params.get("area", ""), q=params.get("q", "").strip(),
                           status=params.get("status", ""), household_type=params.get("type", ""),
                           cause=params.get("cause", ""))


def search_households(scope: Scope, flt: HouseholdFilter) -> QuerySet[Household]:
    households = visible_households(scope)
    if flt.area:
        area = Area.objects.filter(code=flt.area).first()
        households = households.filter(village__code__startswith=area.prefix if area else flt.area)
    q = flt.q.strip()
    if ID_LIKE.match(q):
        households = households.filter(members__id_number=q.upper(), members__left_on__isnull=True)
    elif NUMBER_LIKE.match(q):
        households = households.filter(number__startswith=q)
    elif q:
        # EXISTS lets the database stop at the household's first match and keeps the area filter first:
        # ~6x faster than IN (subquery) over 740k members on SQLite.
        households = households.filter(Exists(Member.objects.filter(
            household_id=OuterRef("pk"), name__contains=q, left_on__isnull=True)))
    if flt.status:
        households = households.filter(status=flt.status)
    if flt.household_type:
        households = households.filter(household_type=flt.household_type)
    if flt.cause:
        households = households.filter(main_cause_id=flt.cause)
    return households.order_by("number")


def with_list_details(households: QuerySet[Household]) -> QuerySet[Household]:
    current = Member.objects.filter(left_on__isnull=True).order_by("joined_on", "id")
    return households.select_related("village", "main_cause").prefetch_related(
        Prefetch("members", queryset=current))


@dataclass(frozen=True)
class IncomeYear:
    income: Income
    persons: int
    per_person: Decimal | None


def income_years(household: Household) -> list[IncomeYear]:
    """Each year's income with registered persons at year end and the derived income per person."""
    memberships = [(m.joined_on, m.left_on) for m in household.members.all()]
    rows = []
    for income in household.incomes.order_by("-year"):
        persons = rules.persons_in_year(memberships, income.year)
        rows.append(IncomeYear(income, persons, rules.net_income_per_person(income.net_income, persons)))
    return rows


def audit_trail(household: Household, limit: int = 200) -> list[AuditEvent]:
    return list(household.audit_events.select_related("actor")[:limit])


@dataclass(frozen=True)
class AreaCount:
    area: Area
    households: int
    poor: int


def child_counts(scope: Scope, area: Area) -> list[AreaCount]:
    """Children of an area inside the scope, with household counts from one grouped query."""
    children = [c for c in area.children.all() if _overlaps(scope, c)]
    if not children:
        return []
    width = PREFIX_LENGTH[children[0].level]
    counts = {
        row["part"]: row
        for row in visible_households(scope).filter(village__code__startswith=area.prefix)
        .annotate(part=Substr("village_id", 1, width)).values("part")
        .annotate(total=Count("id"), poor=Count("id", filter=Q(status__in=["poor", "returned"])))
    }
    return [AreaCount(c, counts.get(c.prefix, {}).get("total", 0), counts.get(c.prefix, {}).get("poor", 0))
            for c in children]


def visible_area(scope: Scope, code: str) -> Area:
    """An area the user may open: inside the scope, or an ancestor on the way down to it."""
    area = Area.objects.select_related("parent").filter(code=code).first()
    if area is None or not scope.reads_registry:
        raise Http404
    if not _overlaps(scope, area):
        raise Http404
    return area


def _overlaps(scope: Scope, area: Area) -> bool:
    """True for areas inside the scope and for their ancestors (the way down to it)."""
    return area.prefix.startswith(scope.prefix) or scope.prefix.startswith(area.prefix)

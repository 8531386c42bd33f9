"""The village board's gaps: registered households without a responsible helper, without a plan, or not
visited within the standard's days; and the same counts for each child of a larger area."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr

from jingzhun import clock
from jingzhun.areas.models import PREFIX_LENGTH, Area
from jingzhun.areas.scope import Scope
from jingzhun.registry.models import Household
from jingzhun.registry.queries import child_counts, visible_households

from . import queries
from .actions import REGISTERED
from .models import Plan, Visit


def cutoff(area_code: str, today: datetime.date | None = None) -> datetime.date:
    """Households whose last visit is before this day count as unvisited."""
    today = today or clock.today()
    days = queries.standard("unvisited_alert_days", today.year, area_code)
    return today - datetime.timedelta(days=int(days))


def registered(scope: Scope, area: Area) -> QuerySet[Household]:
    """Registered households (poor, returned, or exited and still supported) of an area the scope reads,
    with whether each has a plan and the day of its last visit."""
    last_visit = (Visit.objects.filter(household=OuterRef("pk"), visited_on__isnull=False)
                  .values("household").annotate(last=Max("visited_on")).values("last"))
    return (visible_households(scope).filter(village__code__startswith=area.prefix, status__in=REGISTERED)
            .annotate(has_plan=Exists(Plan.objects.filter(household=OuterRef("pk"))),
                      last_visit=Subquery(last_visit)))


@dataclass(frozen=True)
class VillageGaps:
    village: Area
    registered: int
    without_helper: list[Household]
    without_plan: list[Household]
    unvisited: list[Household]  # each with .last_visit (None: never visited)
    since: datetime.date  # visits before this day do not count

    @property
    def gaps(self) -> int:
        return len({h.pk for h in (*self.without_helper, *self.without_plan, *self.unvisited)})


def village_gaps(scope: Scope, village: Area, today: datetime.date | None = None) -> VillageGaps:
    since = cutoff(village.code, today)
    households = list(registered(scope, village).select_related("helper", "main_cause").order_by("number"))
    return VillageGaps(
        village=village, registered=len(households),
        without_helper=[h for h in households if h.helper_id is None],
        without_plan=[h for h in households if not h.has_plan],
        unvisited=[h for h in households if h.last_visit is None or h.last_visit < since],
        since=since)


@dataclass(frozen=True)
class GapCount:
    area: Area
    registered: int
    without_helper: int
    without_plan: int
    unvisited: int


def gap_counts(scope: Scope, area: Area, today: datetime.date | None = None) -> list[GapCount]:
    """Each child area the scope reads, with its gap counts from one grouped query."""
    children = [row.area for row in child_counts(scope, area)]
    if not children:
        return []
    since = cutoff(area.code, today)
    width = PREFIX_LENGTH[children[0].level]
    rows = {
        row["part"]: row for row in registered(scope, area)
        .annotate(part=Substr("village_id", 1, width)).values("part")
        .annotate(total=Count("id"), no_helper=Count("id", filter=Q(helper__isnull=True)),
                  no_plan=Count("id", filter=Q(has_plan=False)),
                  unvisited=Count("id", filter=Q(last_visit__isnull=True) | Q(last_visit__lt=since)))
    }
    empty = {"total": 0, "no_helper": 0, "no_plan": 0, "unvisited": 0}
    counts = [(child, rows.get(child.prefix, empty)) for child in children]
    return [GapCount(child, row["total"], row["no_helper"], row["no_plan"], row["unvisited"])
            for child, row in counts]

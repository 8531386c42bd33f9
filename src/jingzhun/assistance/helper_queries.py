"""Reads about helpers: the list with each helper's load, and one helper's households, assignment history,
open measures and next visits. `households_of` and `next_visits_of` also serve the helper's phone page."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from jingzhun import clock
from jingzhun.areas.models import Area, Role
from jingzhun.areas.scope import Scope
from jingzhun.registry.choices import HouseholdStatus, Relation
from jingzhun.registry.models import Household, Member
from jingzhun.registry.queries import visible_households

from . import board_queries, queries, rules
from .models import Change, HelperAssignment, Plan, PlannedMeasure, Visit

STILL_POOR = (HouseholdStatus.POOR, HouseholdStatus.RETURNED)
OPEN_MEASURE = (PlannedMeasure.State.PLANNED, PlannedMeasure.State.UNDER_WAY)
COUNTED_MEASURE = (*OPEN_MEASURE, PlannedMeasure.State.DELIVERED)  # cancelled ones do not count
ENTITY = "helper"  # helper accounts in the area-level trail (models.Change)
ORDERS = {"name": ("first_name", "username"), "load": ("-households", "first_name", "username")}


def _count(rows: QuerySet, by: str) -> Coalesce:
    """The number of `rows` (already correlated with the outer helper) as a column of the outer query."""
    grouped = rows.order_by().values(by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(grouped, output_field=IntegerField()), Value(0))


def _head_name() -> Subquery:
    heads = Member.objects.filter(household=OuterRef("pk"), relation=Relation.HEAD, left_on__isnull=True)
    return Subquery(heads.order_by("joined_on", "id").values("name")[:1])


def _recently_visited(since: datetime.date, household_ref: str) -> Exists:
    return Exists(Visit.objects.filter(household=OuterRef(household_ref), visited_on__gte=since))


def _open_assignments_of(helper_ref) -> QuerySet[HelperAssignment]:
    return HelperAssignment.objects.filter(helper=helper_ref, ended_on__isnull=True)


def _planned_visits(helper_ref) -> QuerySet[Visit]:
    """Visits planned for households the helper answers for now (one left behind by an ended assignment
    is the household's next helper's to make)."""
    current = _open_assignments_of(OuterRef("helper")).filter(household=OuterRef("household"))
    return Visit.objects.filter(Exists(current), helper=helper_ref, visited_on__isnull=True,
                                due_on__isnull=False)


# The list ---------------------------------------------------------------------------------------------

def helpers_in(scope: Scope, area: Area, q: str = "", order: str = "name") -> QuerySet:
    """Active helpers whose post lies inside both the area and the scope (an area on the way down to the
    scope shows only the scope's part), each with its load as columns of the same query: households,
    still_poor, overdue (open measures past due), unvisited (past the standard's days), next_due."""
    prefix = max(area.prefix, scope.prefix, key=len)  # they overlap (visible_area): the narrower one
    today = clock.today()
    since = board_queries.cutoff(area.code, today)
    helper = OuterRef("pk")
    mine = _open_assignments_of(helper)
    users = (get_user_model().objects
             .filter(post__role=Role.HELPER, post__area__code__startswith=prefix, is_active=True)
             .select_related("post__area")
             .annotate(households=_count(mine, "helper"),
                       still_poor=_count(mine.filter(household__status__in=STILL_POOR), "helper"),
                       unvisited=_count(mine.filter(~_recently_visited(since, "household")), "helper"),
                       overdue=_count(PlannedMeasure.objects.filter(helper=helper, state__in=OPEN_MEASURE,
                                                                    due_on__lt=today), "helper"),
                       next_due=Subquery(_planned_visits(helper).order_by("due_on").values("due_on")[:1])))
    q = q.strip()
    if q:
        users = users.filter(Q(first_name__icontains=q) | Q(last_name__icontains=q) | Q(username__contains=q)
                             | Q(post__unit__icontains=q))
    return users.order_by(*ORDERS.get(order, ORDERS["name"]))


def households_norm(area: Area) -> int:
    """How many households one helper is expected to answer for at most (a policy standard)."""
    return int(queries.standard("helper_households_norm", clock.today().year, area.code))


# One helper -------------------------------------------------------------------------------------------

def may_read_helper(scope: Scope, helper) -> bool:
    """The helper themself, and anyone who reads the registry beyond their own households and covers the
    helper's area."""
    post = getattr(helper, "post", None)
    if post is None or post.role != Role.HELPER:
        return False
    if scope.user_id == helper.pk:
        return True
    return scope.reads_registry and not scope.helps_households and scope.covers(post.area_id)


def get_helper(scope: Scope, pk: int):
    """A helper the scope may read (active or not), else 404: outsiders learn nothing about who exists."""
    helper = get_user_model().objects.select_related("post__area").filter(pk=pk).first()
    if helper is None or not may_read_helper(scope, helper):
        raise Http404
    return helper


@dataclass(frozen=True)
class HelperHousehold:
    """One of a helper's current households, as the helper's pages list it."""

    household: Household
    head_name: str
    progress: rules.Progress
    has_plan: bool
    overdue: int
    next_due: datetime.date | None
    last_visit: datetime.date | None
    unvisited: bool


def households_of(helper, scope: Scope | None = None) -> list[HelperHousehold]:
    """The households the helper answers for now, by village and number: head's name, status (on
    .household), plan progress, overdue measures, next visit due and last visit. With `scope`, only the
    households it reads."""
    today = clock.today()
    households = Household.objects if scope is None else visible_households(scope)
    measure = "plan__measures__"
    planned = Visit.objects.filter(household=OuterRef("pk"), visited_on__isnull=True, due_on__isnull=False)
    visited = Visit.objects.filter(household=OuterRef("pk"), visited_on__isnull=False)
    rows = (households.filter(Exists(_open_assignments_of(helper).filter(household=OuterRef("pk"))))
            .select_related("village", "main_cause")
            .annotate(head_name=_head_name(),
                      plan_exists=Exists(Plan.objects.filter(household=OuterRef("pk"))),
                      counted=Count("plan__measures", filter=Q(**{f"{measure}state__in": COUNTED_MEASURE})),
                      delivered=Count("plan__measures",
                                      filter=Q(**{f"{measure}state": PlannedMeasure.State.DELIVERED})),
                      overdue=Count("plan__measures", filter=Q(**{f"{measure}state__in": OPEN_MEASURE,
                                                                   f"{measure}due_on__lt": today})),
                      next_due=Subquery(planned.order_by("due_on").values("due_on")[:1]),
                      last_visit=Subquery(visited.order_by("-visited_on").values("visited_on")[:1]))
            .order_by("village_id", "number"))
    cutoffs: dict[str, datetime.date] = {}
    found = []
    for h in rows:
        if h.village_id not in cutoffs:
            cutoffs[h.village_id] = board_queries.cutoff(h.village_id, today)
        found.append(HelperHousehold(
            household=h, head_name=h.head_name or "", progress=rules.Progress(h.delivered, h.counted),
            has_plan=bool(h.plan_exists), overdue=h.overdue, next_due=h.next_due, last_visit=h.last_visit,
            unvisited=h.last_visit is None or h.last_visit < cutoffs[h.village_id]))
    return found


def next_visits_of(helper, limit: int | None = None) -> list[Visit]:
    """The helper's planned visits to households they answer for now, soonest due first; each visit
    carries its household (.household) and the head's name (.head_name)."""
    heads = Member.objects.filter(household=OuterRef("household"), relation=Relation.HEAD,
                                  left_on__isnull=True).order_by("joined_on", "id").values("name")[:1]
    visits = (_planned_visits(helper).select_related("household__village")
              .annotate(head_name=Subquery(heads)).order_by("due_on", "id"))
    return list(visits[:limit] if limit else visits)


def assignment_history(helper, scope: Scope) -> list[HelperAssignment]:
    """Every household the helper answered for or answers for, latest first, inside the scope."""
    return list(HelperAssignment.objects.filter(helper=helper, household__in=visible_households(scope))
                .select_related("household", "assigned_by").order_by("-started_on", "-id"))


def open_measures_of(helper, scope: Scope) -> list[PlannedMeasure]:
    """Measures the helper is responsible for that are not yet delivered or cancelled, soonest due first;
    each with .is_overdue."""
    today = clock.today()
    measures = list(PlannedMeasure.objects.filter(helper=helper, state__in=OPEN_MEASURE,
                                                  plan__household__in=visible_households(scope))
                    .select_related("measure", "cause", "plan__household").order_by("due_on", "id"))
    for m in measures:
        m.is_overdue = rules.overdue(m.due_on, m.state, today)
    return measures


def trail(helper) -> list[Change]:
    """The helper account's records (registered, deactivated), latest first."""
    return list(Change.objects.filter(entity=ENTITY, entity_id=helper.pk).select_related("actor"))

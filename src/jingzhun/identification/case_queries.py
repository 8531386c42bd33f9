"""Reads of household cases and public notices, scoped like every registry read."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from jingzhun.areas.models import Area
from jingzhun.areas.scope import Scope, mask_id_number
from jingzhun.registry.queries import visible_households

from . import machine
from .models import Case, Notice


def area_prefix(code: str) -> str:
    """The code prefix an area's descendants share (a village ending in 0 keeps all 12 digits)."""
    area = Area.objects.filter(code=code).first()
    return area.prefix if area else code


def visible_cases(scope: Scope) -> QuerySet[Case]:
    return Case.objects.filter(household__in=visible_households(scope))


def get_case(scope: Scope, pk: int) -> Case:
    case = (visible_cases(scope).select_related("household__village__parent__parent", "opened_by")
            .filter(pk=pk).first())
    if case is None:
        raise Http404
    return case


def search_cases(scope: Scope, *, kind: str = "", state: str = "", area: str = "", mine: bool = False
                 ) -> QuerySet[Case]:
    cases = visible_cases(scope).select_related("household__village")
    if kind:
        cases = cases.filter(kind=kind)
    if state == "open":
        cases = cases.filter(closed_at__isnull=True)
    elif state:
        cases = cases.filter(state=state)
    if area:
        cases = cases.filter(household__village_id__startswith=area_prefix(area))
    if mine:
        # Open cases whose next step is this role's: the user's work queue.
        waiting = Q(pk__in=[])
        for kind_name, steps in machine.PROCEDURES.items():
            states = {s for step in steps.values() if scope.role in step.roles for s in step.sources}
            waiting |= Q(kind=kind_name, state__in=states - {machine.START})
        cases = cases.filter(waiting, closed_at__isnull=True)
    return cases.order_by("-opened_at", "-id")


@dataclass(frozen=True)
class PublicEntry:
    """What a public notice shows of its subject: never a full ID number."""

    title: str
    place: str  # county, township, village: names alone repeat across a region
    head: str
    masked_id: str
    persons: int | None
    cause: str
    household_type: str


def _place(area) -> str:
    names = []
    while area is not None and area.level != "province":
        names.insert(0, area.name)
        area = area.parent
    return " ".join(names[-3:])


def public_entry(notice: Notice) -> PublicEntry:
    place = _place(notice.area)
    if notice.case_id:
        household = notice.case.household
        head = household.head
        return PublicEntry(
            title=household.village.name, place=place, head=head.name if head else "",
            masked_id=mask_id_number(head.id_number) if head else "",
            persons=len(household.current_members),
            cause=str(household.main_cause) if household.main_cause else "",
            household_type=household.get_household_type_display())
    return PublicEntry(title=notice.area_case.area.name, place=place, head="", masked_id="", persons=None,
                       cause="", household_type="")


def notices(area: str = "", *, open_only: bool = True) -> QuerySet[Notice]:
    found = Notice.objects.select_related("case__household__village", "case__household__main_cause",
                                          "area_case__area", "area__parent__parent__parent")
    if open_only:
        found = found.filter(closed_on__isnull=True)
    if area:
        found = found.filter(area_id__startswith=area_prefix(area))
    return found.prefetch_related("case__household__members").order_by("area_id", "-starts_on", "-id")


def get_notice(pk: int) -> Notice:
    notice = notices(open_only=False).filter(pk=pk).first()
    if notice is None:
        raise Http404
    return notice

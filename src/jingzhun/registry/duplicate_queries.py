"""Reads of likely duplicates, filtered by the user's scope."""

from django.db.models import Q, QuerySet
from django.http import Http404

from jingzhun.areas.scope import Scope

from .models import LikelyDuplicate

OPEN = LikelyDuplicate.State.OPEN
# A pair stays open but has nothing left to decide once either member has left (for example when merged
# with a third record); such pairs are not listed or counted as open.
BOTH_CURRENT = Q(member__left_on__isnull=True, other__left_on__isnull=True)


def reviews_duplicates(scope: Scope) -> bool:
    """Officers, cadres and auditors read the flags of their area. Helpers see only the households they
    help, and a pair may reach into a household they do not, so they see none."""
    return scope.reads_registry and not scope.own_households_only


def visible_flags(scope: Scope) -> QuerySet[LikelyDuplicate]:
    if not reviews_duplicates(scope):
        return LikelyDuplicate.objects.none()
    # Both members are in the flag's village (the finder pairs only within one), so its code suffices.
    return LikelyDuplicate.objects.filter(scope.area_q("village__code"))


def flag_list(scope: Scope, state: str = OPEN, area_prefix: str = "") -> QuerySet[LikelyDuplicate]:
    flags = visible_flags(scope).filter(state=state)
    if state == OPEN:
        flags = flags.filter(BOTH_CURRENT)
    if area_prefix:
        flags = flags.filter(village__code__startswith=area_prefix)
    return _with_details(flags)


def open_count(scope: Scope, area_prefix: str = "") -> int:
    return flag_list(scope, OPEN, area_prefix).count()


def get_flag(scope: Scope, pk: int) -> LikelyDuplicate:
    """A flag inside the scope, or 404: outsiders learn nothing about whether it exists."""
    flag = _with_details(visible_flags(scope)).filter(pk=pk).first()
    if flag is None:
        raise Http404
    return flag


def _with_details(flags: QuerySet[LikelyDuplicate]) -> QuerySet[LikelyDuplicate]:
    return flags.select_related("village", "member__household", "other__household", "decided_by")


def open_flags_of_household(scope: Scope, household_id: int) -> QuerySet[LikelyDuplicate]:
    """Open pairs one of whose members belongs to the household: the notice on its page."""
    return (visible_flags(scope).filter(state=OPEN).filter(BOTH_CURRENT)
            .filter(Q(member__household_id=household_id) | Q(other__household_id=household_id)))

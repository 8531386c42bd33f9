"""The helper's own page, read on a phone in the village: the visits due first, then the households."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from jingzhun import clock
from jingzhun.registry.choices import HouseholdStatus

from . import helper_queries


@login_required
def my(request):
    scope = request.scope
    if not scope.helps_households:
        # Officers and cadres oversee many helpers: their page is the board, once it is there.
        if scope.reads_registry:
            try:
                return redirect(reverse("assistance:board"))
            except NoReverseMatch:
                pass
        raise PermissionDenied
    # Nothing is left to do for a closed household; open measures are those counted but not delivered.
    rows = [{"r": row, "open": row.progress.total - row.progress.delivered}
            for row in helper_queries.households_of(request.user, request.scope)
            if row.household.status != HouseholdStatus.CLOSED]
    return render(request, "assistance/my.html", {
        "visits": helper_queries.next_visits_of(request.user), "rows": rows, "today": clock.today(),
    })

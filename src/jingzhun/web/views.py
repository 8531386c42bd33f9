from django.shortcuts import redirect, render

from jingzhun.areas.models import Role
from jingzhun.assistance import pairing_queries


def home(request):
    """Where signing in lands: a helper on their households and next visits, a reader of the registry on
    the areas, a pairing partner on their pairing."""
    if request.scope.helps_households:
        return redirect("assistance:my")
    if request.scope.reads_registry:
        return redirect("areas:tree")
    if request.scope.role == Role.PAIRING_PARTNER:
        return _partner_home(request)
    return render(request, "web/home.html")


def _partner_home(request):
    """A pairing partner's user lands on their pairing, or on the list when their partner has several."""
    ps = pairing_queries.pairing_scope(request.user)
    if not ps.partner:
        return render(request, "web/home.html")
    own = list(pairing_queries.own_pairings(ps).values_list("pk", flat=True)[:2])
    if len(own) == 1:
        return redirect("assistance:pairing", pk=own[0])
    return redirect("assistance:pairings")

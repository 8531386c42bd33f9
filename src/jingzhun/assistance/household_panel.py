"""The household page's section on help: its helper, the plan's progress and the next visit."""

from jingzhun.registry.choices import HouseholdStatus
from jingzhun.registry.panels import Panel

from . import queries
from .actions import REGISTERED


def panel(request, household) -> Panel | None:
    scope = request.scope
    if not scope.reads_registry or household.status not in (*REGISTERED, HouseholdStatus.CLOSED):
        return None
    return Panel("assistance/household_panel.html", {
        "summary": queries.summary(household), "household": household,
        "manages": queries.may_manage(scope, household) and household.status != HouseholdStatus.CLOSED,
        "helps": queries.may_help(scope, household) and household.status != HouseholdStatus.CLOSED,
    })

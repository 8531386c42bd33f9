"""Dashboards: an area's poverty figures for a year, with the areas below it, for every reader of the
registry inside their own area (helpers excepted: they work from their households)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from jingzhun.registry.decorators import registry_reader

from . import dashboard_content as content
from . import figures as fig
from . import queries


@registry_reader
def home(request):
    """The reader's own area's dashboard."""
    if not queries.reads_dashboards(request.scope):
        raise PermissionDenied
    return redirect("analytics:dashboard", code=request.scope.area_code)


def _year(request) -> int | None:
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        return None


@registry_reader
def dashboard(request, code: str):
    area = queries.dashboard_area(request.scope, code)
    found = fig.figures(area.code, _year(request))
    return render(request, "analytics/dashboard.html", {
        "found": found, "area": area, "crumbs": queries.crumbs(request.scope, area),
        "tiles": content.tiles(found), "trend": content.trend_chart(found),
        "measures": content.MEASURES, "measure_rows": content.measures_rows(found),
        "deprivation_note": content.deprivation_note(), "charts": content.year_charts(found),
        "map": content.area_map(found), "child_level": fig.child_level(area.level),
        "years": sorted({*found.years, found.year}, reverse=True),
        "partial_years": sorted(set(found.years) - set(found.full_years)),
    })

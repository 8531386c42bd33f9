"""The village board: a village's registered households without a helper, without a plan or not visited
within the standard's days; for a larger area the same counts per child area. Helpers work from their own
list and do not get the board."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from jingzhun import clock
from jingzhun.areas.models import Level
from jingzhun.identification.monitoring_queries import heads_of
from jingzhun.registry.decorators import registry_exporter, registry_reader
from jingzhun.registry.intake.export_xlsx import csv_lines
from jingzhun.registry.queries import visible_area
from jingzhun.registry.templatetags.registry_tags import person

from . import board_queries


def board_area(request):
    """The area asked for (default: the user's own), if the user reads boards and may open it."""
    scope = request.scope
    if scope.helps_households:
        raise PermissionDenied
    return visible_area(scope, request.GET.get("area") or scope.area_code or "")


def _village_gaps(request, village) -> board_queries.VillageGaps:
    gaps = board_queries.village_gaps(request.scope, village)
    households = {h.pk: h for h in (*gaps.without_helper, *gaps.without_plan, *gaps.unvisited)}
    heads = heads_of(households)
    for household in households.values():
        household.head_name = heads.get(household.pk, ("", ""))[0]
    return gaps


@registry_reader
def board(request):
    area = board_area(request)
    context = {"area": area, "ancestors": area.ancestors}
    if area.level == Level.VILLAGE:
        gaps = _village_gaps(request, area)
        context.update(gaps=gaps, tables=[
            ("without-helper", _("Without a responsible helper"), gaps.without_helper),
            ("without-plan", _("Without an assistance plan"), gaps.without_plan),
            ("unvisited", _("Not visited since %(day)s") % {"day": gaps.since.isoformat()}, gaps.unvisited),
        ])
    else:
        counts = board_queries.gap_counts(request.scope, area)
        context.update(counts=counts, since=board_queries.cutoff(area.code), total={
            "registered": sum(c.registered for c in counts),
            "without_helper": sum(c.without_helper for c in counts),
            "without_plan": sum(c.without_plan for c in counts),
            "unvisited": sum(c.unvisited for c in counts)})
    return render(request, "assistance/board.html", context)


def _gap_rows(gaps: board_queries.VillageGaps):
    kinds = ((_("without a responsible helper"), gaps.without_helper),
             (_("without an assistance plan"), gaps.without_plan),
             (_("not visited since %(day)s") % {"day": gaps.since.isoformat()}, gaps.unvisited))
    for kind, households in kinds:
        for h in households:
            yield [h.number, h.head_name, kind, h.get_status_display(), str(h.main_cause or ""),
                   person(h.helper, ""),
                   h.last_visit.isoformat() if h.last_visit else "", gaps.village.code, gaps.village.name]


@registry_exporter
def board_export(request):
    """The village's gaps, one row per gap (a household missing two things is two rows)."""
    area = board_area(request)
    if area.level != Level.VILLAGE:
        raise Http404
    gaps = _village_gaps(request, area)
    headers = [_("household number"), _("head of household"), _("gap"), _("status"),
               _("main cause of poverty"), _("responsible helper"), _("last visit"),
               _("village code"), _("village")]
    response = StreamingHttpResponse(csv_lines(headers, _gap_rows(gaps)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="board-{area.code}-{clock.today():%Y%m%d}.csv"'
    return response

"""Which areas' dashboards a user may open: any area inside their own (the scope's prefix test), as the
yearly account allows. Helpers work from their own households and read no area's figures; pairing
partners, outsiders and the public read none either."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from jingzhun.areas.models import Area
from jingzhun.areas.scope import Scope


def reads_dashboards(scope: Scope) -> bool:
    return scope.reads_registry and not scope.helps_households


def dashboard_area(scope: Scope, code: str) -> Area:
    """The area asked for, inside the reader's scope; an area outside it is not found."""
    if not reads_dashboards(scope):
        raise PermissionDenied
    area = Area.objects.select_related("parent").filter(code=code or "").first()
    if area is None or not scope.covers(area.code):
        raise Http404
    return area


def crumbs(scope: Scope, area: Area) -> list[tuple[Area, bool]]:
    """The area's ancestors, the province first, each with whether the reader may open its dashboard."""
    return [(ancestor, scope.covers(ancestor.code)) for ancestor in area.ancestors]

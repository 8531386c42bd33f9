"""Household list export as CSV that Excel and LibreOffice open (UTF-8 with BOM), scoped and masked."""

import csv
from collections.abc import Iterator

from django.db.models import Count, Q
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun.areas.scope import Scope, mask_id_number

from .choices import Relation
from .models import Household, Member


class _Echo:
    def write(self, value):
        return value


def export_rows(scope: Scope, households) -> Iterator[list[str]]:
    yield [_("household number"), _("village code"), _("village"), _("head of household"),
           _("head's ID number"), _("members"), _("household type"), _("status"), _("year registered"),
           _("main cause of poverty"), _("address")]
    households = (households.select_related("village", "main_cause")
                  .annotate(size=Count("members", filter=Q(members__left_on__isnull=True))))
    # Heads are read in chunks alongside, so memory stays flat for exports of any size.
    chunk: list[Household] = []
    for household in households.iterator(chunk_size=2000):
        chunk.append(household)
        if len(chunk) == 2000:
            yield from _chunk_rows(scope, chunk)
            chunk = []
    yield from _chunk_rows(scope, chunk)


def _chunk_rows(scope: Scope, households: list[Household]) -> Iterator[list[str]]:
    heads = {m.household_id: m for m in Member.objects.filter(
        household_id__in=[h.pk for h in households], relation=Relation.HEAD, left_on__isnull=True)}
    for h in households:
        head = heads.get(h.pk)
        id_number = head.id_number if head else ""
        yield [h.number, h.village_id, h.village.name, head.name if head else "",
               id_number if scope.sees_id_numbers else mask_id_number(id_number), str(h.size),
               h.get_household_type_display(), h.get_status_display(), str(h.registered_year),
               str(h.main_cause) if h.main_cause else "", h.address]


def export_response(scope: Scope, households) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff"
        for row in export_rows(scope, households):
            yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="households-{stamp}.csv"'
    return response

"""Exports of a scoped, filtered household list: a CSV of households (UTF-8 with BOM, one row each) and
the register's member-row .xlsx (the layout import reads); ID numbers masked unless the role sees them.
Rows come from `intake.export_rows`, files from `intake.export_xlsx`."""

import datetime
import tempfile
from collections.abc import Callable, Iterator

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun.areas.scope import Scope

from .choices import Relation
from .intake.export_rows import (
    Counts,
    Labels,
    current_members,
    household_chunks,
    id_shower,
    member_headers,
    member_rows,
)
from .intake.export_xlsx import Sheet, csv_lines, member_sheet_layout, write_csv, write_xlsx
from .intake.template import template_sheets

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_FIELDS = ("pk", "number", "village_id", "household_type", "status", "registered_year", "main_cause_id",
               "address")
HEAD_FIELDS = ("household_id", "name", "id_number", "relation")


def export_rows(scope: Scope, households) -> Iterator[list[str]]:
    """Header, then one row per household with its head and its count of current members."""
    yield [_("household number"), _("village code"), _("village"), _("head of household"),
           _("head's ID number"), _("members"), _("household type"), _("status"), _("year registered"),
           _("main cause of poverty"), _("address")]
    labels = Labels()
    types, statuses, causes = labels.codes["household_type"], labels.codes["status"], labels.causes
    show_id = id_shower(scope)
    for chunk in household_chunks(households, LIST_FIELDS):
        members = current_members([row[0] for row in chunk], HEAD_FIELDS)
        villages = labels.villages(row[2] for row in chunk)
        for pk, number, village, household_type, status, year, cause, address in chunk:
            current = members.get(pk, ())
            head_name, head_id = next(((m[1], m[2]) for m in current if m[3] == Relation.HEAD), ("", ""))
            yield [number, village, villages.get(village, ""), head_name, show_id(head_id), str(len(current)),
                   types[household_type], statuses[status], str(year), causes.get(cause, ""), address]


def _stamp(when: datetime.datetime | None = None) -> str:
    return timezone.localtime(when).strftime("%Y%m%d-%H%M")


def members_filename(when: datetime.datetime | None = None) -> str:
    """The members .xlsx's download name, stamped with when it was asked for."""
    return f"members-{_stamp(when)}.xlsx"


def export_response(scope: Scope, households) -> StreamingHttpResponse:
    rows = export_rows(scope, households)
    response = StreamingHttpResponse(csv_lines(next(rows), rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="households-{_stamp()}.csv"'
    return response


def member_sheet(scope: Scope, households, counts: Counts | None = None,
                 progress: Callable[[Counts], None] | None = None) -> Sheet:
    widths, texts = member_sheet_layout()
    rows = member_rows(scope, households, counts, progress)
    return Sheet(_("household members"), member_headers(), rows, widths, texts)


def write_members(path, scope: Scope, households, file_format: str = "xlsx",
                  progress: Callable[[Counts], None] | None = None) -> Counts:
    """The member rows of these households to a .xlsx or .csv file; returns what was written.
    `progress(counts)` is told as households are written."""
    counts = Counts()
    sheet = member_sheet(scope, households, counts, progress)
    if file_format == "csv":
        write_csv(path, sheet.headers, sheet.rows)
    else:
        write_xlsx(path, [sheet])
    return counts


def xlsx_response(sheets: list[Sheet], filename: str) -> FileResponse:
    """Written to a temporary file first: an .xlsx is a zip whose index comes last, so it cannot stream."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_xlsx(spool, sheets)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX)


def members_xlsx_response(scope: Scope, households) -> FileResponse:
    return xlsx_response([member_sheet(scope, households)], members_filename())


def template_response() -> FileResponse:
    return xlsx_response(template_sheets(), _("register-template") + ".xlsx")

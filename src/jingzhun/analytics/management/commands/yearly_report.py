"""`jingzhun yearly_report --area 640422 --year 2019 --language zh-hans|en --out FILE.pdf|FILE.xlsx`: the
yearly poverty report of an area written as a PDF or a workbook (by the file's suffix), and its summary
printed. The area is its 12-digit code or its prefix (640422 for Xiji county)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from jingzhun.analytics import report_content, report_pdf, report_xlsx
from jingzhun.analytics.figures import figures
from jingzhun.areas.models import Area
from jingzhun.identification.management.commands.report import table

LANGUAGES = {"zh-hans": "zh-hans", "zh": "zh-hans", "en": "en"}
WRITERS = {".pdf": report_pdf.pdf_bytes, ".xlsx": report_xlsx.workbook_bytes}
# The command runs on the server for its operator, who reaches every area.
GENERATED_BY = "jingzhun yearly_report"


def area_code(given: str) -> str:
    """640422 → 640422000000: a prefix names the area whose code it starts, padded with zeros."""
    return given.strip().ljust(12, "0") if given.strip().isdigit() and len(given.strip()) <= 12 else given


class Command(BaseCommand):
    help = "The yearly poverty report of an area as a PDF or an .xlsx workbook, in Chinese or English."

    def add_arguments(self, parser):
        parser.add_argument("--area", required=True, help="an area code or its prefix (640422: Xiji county)")
        parser.add_argument("--year", type=int, help="default: the latest year with figures")
        parser.add_argument("--language", choices=sorted(LANGUAGES), default="zh-hans",
                            help="labels in Chinese (default) or English")
        parser.add_argument("--out", help="write the report to this file, .pdf or .xlsx")

    def handle(self, *args, area, year, language, out, **options):
        language = LANGUAGES[language]
        with translation.override(language):
            code = area_code(area)
            if not Area.objects.filter(code=code).exists():
                raise CommandError(_("There is no area with the code %(code)s.") % {"code": area})
            write = None
            if out:
                write = WRITERS.get(Path(out).suffix.lower())
                if write is None:
                    raise CommandError(_("The report is written as .pdf or .xlsx, not %(name)s.")
                                       % {"name": out})
            found = figures(code, year)
            if write:
                Path(out).write_bytes(write(found, language, GENERATED_BY))
            summary = report_content.summary(found)
            rows = [[cell.text for cell in row] for row in summary.rows]
            lines = [report_content.title(found), table([str(h) for h in summary.header], rows)]
            if out:
                lines.append(_("Written to %(path)s.") % {"path": out})
            self.stdout.write("\n".join(lines))

"""`jingzhun account --area CODE [--year YEAR] [--xlsx FILE] [--pdf FILE] [--language en]`: the yearly
account of an area printed as a table of its main figures, and written as .xlsx and PDF files."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from jingzhun.areas.models import Role
from jingzhun.areas.scope import Scope
from jingzhun.errors import DomainError
from jingzhun.funds import report_pdf, report_queries, report_xlsx
from jingzhun.identification.management.commands.report import table

LANGUAGES = {"zh-hans": "zh-hans", "zh": "zh-hans", "en": "en"}
# The command runs on the server for its operator: every area is in reach.
EVERYWHERE = Scope(role=Role.PROVINCE_OFFICER, prefix="")


class Command(BaseCommand):
    help = "The yearly account of an area's funds, projects and mutual funds, as text, .xlsx and PDF."

    def add_arguments(self, parser):
        parser.add_argument("--area", required=True, help="a 12-digit area code (a county: 640422000000)")
        parser.add_argument("--year", type=int, help="default: the latest year with funds or projects")
        parser.add_argument("--xlsx", help="write the account to this .xlsx file")
        parser.add_argument("--pdf", help="write the account to this PDF file")
        parser.add_argument("--language", choices=sorted(LANGUAGES), default="zh-hans",
                            help="labels in Chinese (default) or English")

    def handle(self, *args, area, year, xlsx, pdf, language, **options):
        language = LANGUAGES[language]
        with translation.override(language):
            try:
                found = report_queries.area_for(EVERYWHERE, area)
            except Http404:
                raise CommandError(_("There is no area with the code %(code)s.") % {"code": area}) from None
            try:
                account = report_queries.account(EVERYWHERE, found, year or report_queries.default_year(
                    EVERYWHERE, found))
            except DomainError as error:
                raise CommandError(str(error.message)) from None
            for path, write in ((xlsx, report_xlsx.workbook_bytes), (pdf, report_pdf.pdf_bytes)):
                if path:
                    Path(path).write_bytes(write(account, language))
            self.stdout.write(self.text(account))

    @staticmethod
    def text(account: report_queries.Account) -> str:
        lines = [f"{account.area.code} {account.area.name} — {account.year} {report_xlsx.TITLE}",
                 _("figures up to %(day)s") % {"day": account.as_of.isoformat()}]
        summary = report_xlsx.summary_items(account)
        shown = {item.key for item in summary}
        items = [*summary, *(item for item in report_xlsx.mutual_items(account) if item.key not in shown)]
        lines.append(table([_("item"), _("value")], [[item.label, item.text] for item in items]))
        return "\n".join(lines)

"""The yearly account of an area: the page, and its .xlsx and PDF downloads, for every role that reads the
registry, each inside their own area (an area outside it is not found)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import get_language

from jingzhun import clock
from jingzhun.registry.decorators import registry_reader

from . import report_pdf, report_queries, report_xlsx
from .report_queries import Account

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _account(request) -> Account:
    scope = request.scope
    area = report_queries.area_for(scope, request.GET.get("area") or scope.area_code or "")
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = report_queries.default_year(scope, area)
    return report_queries.account(scope, area, year)


def _ancestors(scope, area) -> list:
    found, node = [], area.parent
    while node is not None and scope.covers(node.code):
        found.insert(0, node)
        node = node.parent
    return found


@registry_reader
def report(request):
    account = _account(request)
    area = account.area
    return render(request, "funds/report.html", {
        **report_pdf.context(account), "ancestors": _ancestors(request.scope, area),
        "parts": [part for part in area.children.all() if request.scope.covers(part.code)],
        "query": urlencode({"area": area.code, "year": account.year}),
        "first_year": report_queries.FIRST_YEAR, "last_year": clock.today().year,
    })


def _download(content: bytes, content_type: str, account: Account, suffix: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    name = f"account-{account.area.code}-{account.year}.{suffix}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@registry_reader
def report_xlsx_download(request):
    account = _account(request)
    return _download(report_xlsx.workbook_bytes(account, get_language()), XLSX, account, "xlsx")


@registry_reader
def report_pdf_download(request):
    account = _account(request)
    return _download(report_pdf.pdf_bytes(account, get_language()), "application/pdf", account, "pdf")

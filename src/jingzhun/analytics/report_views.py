"""The yearly report of an area: the page with its figures and charts, and its .xlsx and PDF downloads, in
the reader's language, for the readers of the area's dashboard (queries.dashboard_area: inside their
scope, else not found; helpers and outsiders refused)."""

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from . import queries, report_content, report_pdf, report_xlsx
from .figures import Figures, figures

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _figures(request, code: str) -> Figures:
    area = queries.dashboard_area(request.scope, code)
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = None
    return figures(area.code, year)


def generated_by(user) -> str:
    return user.get_full_name() or user.get_username()


def content_disposition(name: str, fallback: str) -> str:
    """An ASCII `filename` for old clients and the reader's-language name as RFC 5987 `filename*`."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def _download(content: bytes, content_type: str, found: Figures, suffix: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(
        report_content.file_name(found, suffix), f"poverty-report-{found.area.code}-{found.year}.{suffix}")
    return response


@login_required
def report(request, code: str):
    found = _figures(request, code)
    return render(request, "analytics/report.html", {
        **report_pdf.context(found, generated_by(request.user), links=True),
        "crumbs": queries.crumbs(request.scope, found.area)})


@login_required
def report_xlsx_download(request, code: str):
    found = _figures(request, code)
    content = report_xlsx.workbook_bytes(found, get_language(), generated_by(request.user))
    return _download(content, XLSX, found, "xlsx")


@login_required
def report_pdf_download(request, code: str):
    found = _figures(request, code)
    content = report_pdf.pdf_bytes(found, get_language(), generated_by(request.user))
    return _download(content, "application/pdf", found, "pdf")

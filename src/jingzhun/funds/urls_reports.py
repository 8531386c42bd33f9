from django.urls import path

from . import report_views

urlpatterns = [
    path("report/", report_views.report, name="report"),
    path("report/account.xlsx", report_views.report_xlsx_download, name="report_xlsx"),
    path("report/account.pdf", report_views.report_pdf_download, name="report_pdf"),
]

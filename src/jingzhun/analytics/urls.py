from django.urls import path, re_path

from . import views

app_name = "analytics"
urlpatterns = [
    # Dashboards (H4's block: keep it first).
    path("", views.home, name="home"),
    re_path(r"^(?P<code>\d{12})/$", views.dashboard, name="dashboard"),
]

# Yearly report (H5's block: the page, its .xlsx and its PDF, each ?year= in the reader's language).
from . import report_views  # noqa: E402

urlpatterns += [
    re_path(r"^(?P<code>\d{12})/report/$", report_views.report, name="report"),
    re_path(r"^(?P<code>\d{12})/report\.xlsx$", report_views.report_xlsx_download, name="report_xlsx"),
    re_path(r"^(?P<code>\d{12})/report\.pdf$", report_views.report_pdf_download, name="report_pdf"),
]

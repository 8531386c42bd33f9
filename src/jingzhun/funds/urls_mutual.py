from django.urls import path

from . import mutual_views as views

urlpatterns = [
    path("mutual/", views.mutual_funds, name="mutual_funds"),
    path("mutual/export/", views.mutual_funds_csv, name="mutual_funds_csv"),
    path("mutual/found/", views.mutual_found, name="mutual_found"),
    path("mutual/<int:pk>/", views.mutual_fund, name="mutual_fund"),
    path("mutual/<int:pk>/contributions/", views.mutual_contribute, name="mutual_contribute"),
    path("mutual/<int:pk>/members/", views.mutual_add_member, name="mutual_add_member"),
    path("mutual/<int:pk>/members/end/", views.mutual_end_member, name="mutual_end_member"),
    path("mutual/<int:pk>/loans/", views.mutual_issue_loan, name="mutual_issue_loan"),
    path("mutual/<int:pk>/repayments/", views.mutual_repay, name="mutual_repay"),
    path("mutual/loans/<int:pk>/", views.mutual_loan, name="mutual_loan"),
    path("mutual/loans/<int:pk>/repay/", views.mutual_loan_repay, name="mutual_loan_repay"),
    path("mutual/loans/<int:pk>/write-off/", views.mutual_write_off, name="mutual_write_off"),
]

from django.urls import path

from . import duplicate_views, export_views, upload_views, views

app_name = "registry"
urlpatterns = [
    path("households/", views.household_list, name="households"),
    path("households/export.csv", views.household_export, name="export"),
    path("households/export.xlsx", views.household_export_xlsx, name="export_xlsx"),
    path("households/template.xlsx", views.register_template, name="template"),
    path("households/new/", views.household_new, name="household_new"),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("households/<int:pk>/close/", views.household_close, name="household_close"),
    path("households/<int:pk>/members/new/", views.member_new, name="member_new"),
    path("households/<int:pk>/income/<int:year>/", views.income_edit, name="income"),
    path("households/<int:pk>/conditions/<int:year>/", views.conditions_edit, name="conditions"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/leave/", views.member_close, name="member_close"),
    path("imports/", upload_views.import_list, name="imports"),
    path("imports/<int:pk>/", upload_views.import_detail, name="import"),
    path("imports/<int:pk>/progress/", upload_views.import_progress, name="import_progress"),
    path("imports/<int:pk>/report/", upload_views.import_report, name="import_report"),
    path("imports/<int:pk>/resume/", upload_views.import_resume, name="import_resume"),
    path("exports/", export_views.export_list, name="exports"),
    path("exports/<int:pk>/", export_views.export_detail, name="export_job"),
    path("exports/<int:pk>/progress/", export_views.export_progress, name="export_progress"),
    path("exports/<int:pk>/file/", export_views.export_download, name="export_download"),
    path("duplicates/", duplicate_views.duplicate_list, name="duplicates"),
    path("duplicates/<int:pk>/", duplicate_views.duplicate_decide, name="duplicate"),
]

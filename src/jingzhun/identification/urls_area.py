from django.urls import path

from . import area_views as views

urlpatterns = [
    path("exits/", views.area_case_list, name="area_cases"),
    path("exits/village/new/", views.village_exit_new, name="village_exit_new"),
    path("exits/county/new/", views.county_exit_new, name="county_exit_new"),
    path("exits/<int:pk>/", views.area_case_detail, name="area_case"),
    path("exits/<int:pk>/report.xlsx", views.area_case_xlsx, name="area_case_xlsx"),
    path("exits/objections/<int:pk>/answer/", views.area_objection_answer, name="area_objection_answer"),
    path("samples/", views.sample_list, name="samples"),
    path("samples/<int:pk>/", views.sample_detail, name="sample"),
    path("samples/<int:pk>/households/<int:row>/", views.sample_household_result, name="sample_household"),
    path("samples/<int:pk>/villages/<int:row>/", views.sample_village_result, name="sample_village"),
]

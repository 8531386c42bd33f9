from django.urls import path

from . import case_views, notice_views

urlpatterns = [
    path("cases/", case_views.case_list, name="cases"),
    path("cases/<int:pk>/", case_views.case_detail, name="case"),
    path("objections/<int:pk>/answer/", case_views.objection_answer, name="objection_answer"),
    path("households/<int:pk>/procedures/", case_views.household_cases, name="household_cases"),
    path("notices/", notice_views.notice_list, name="notices"),
    path("notices/<int:pk>/", notice_views.notice_detail, name="notice"),
]

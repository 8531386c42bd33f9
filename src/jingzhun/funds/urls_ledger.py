from django.urls import path

from . import fund_views, project_views

urlpatterns = [
    path("", fund_views.fund_list, name="funds"),
    path("new/", fund_views.fund_new, name="fund_new"),
    path("<int:pk>/", fund_views.fund, name="fund"),
    path("<int:pk>/ledger.csv", fund_views.fund_export, name="fund_export"),
    path("<int:pk>/receive/", fund_views.fund_receive, name="fund_receive"),
    path("<int:pk>/allocate/", fund_views.fund_allocate, name="fund_allocate"),
    path("<int:pk>/recover/", fund_views.fund_recover, name="fund_recover"),
    path("<int:pk>/reverse/", fund_views.fund_reverse, name="fund_reverse"),
    path("projects/", project_views.project_list, name="projects"),
    path("projects/new/", project_views.project_new, name="project_new"),
    path("projects/<int:pk>/", project_views.project, name="project"),
    path("projects/<int:pk>/spend/", project_views.project_spend, name="project_spend"),
    path("projects/<int:pk>/recover/", project_views.project_recover, name="project_recover"),
    path("projects/<int:pk>/beneficiaries/", project_views.project_beneficiaries,
         name="project_beneficiaries"),
    path("projects/<int:pk>/output/", project_views.project_output, name="project_output"),
    path("projects/<int:pk>/move/<str:to>/", project_views.project_move, name="project_move"),
]

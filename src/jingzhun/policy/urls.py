from django.urls import path

from . import views

app_name = "policy"
urlpatterns = [
    path("", views.standard_list, name="standards"),
    path("standards.csv", views.standards_csv, name="export"),
    path("new/", views.standard_new, name="new"),
    path("<int:pk>/", views.standard_detail, name="standard"),
    path("<int:pk>/edit/", views.standard_edit, name="edit"),
]

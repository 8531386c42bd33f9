from django.urls import path, re_path

from . import views

app_name = "analytics"
urlpatterns = [
    # Dashboards (H4's block: keep it first).
    path("", views.home, name="home"),
    re_path(r"^(?P<code>\d{12})/$", views.dashboard, name="dashboard"),
]

from django.urls import path

from . import supervision_views as views

urlpatterns = [
    path("supervision/", views.board, name="supervision"),
    path("supervision/scan/", views.scan, name="supervision_scan"),
    path("supervision/rules/", views.rule_list, name="supervision_rules"),
    path("supervision/rules/<slug:code>/", views.rule_change, name="supervision_rule"),
    path("supervision/<int:pk>/", views.flag_detail, name="flag"),
    path("supervision/<int:pk>/answer/", views.flag_close, name="flag_close"),
]

from django.urls import path

from . import monitoring_views as views

urlpatterns = [
    path("monitoring/", views.risk_list, name="monitoring"),
    path("monitoring/export.csv", views.risk_export, name="monitoring_export"),
    path("monitoring/flag/", views.risk_flag, name="monitoring_flag"),
    path("monitoring/risks/<int:pk>/", views.risk_detail, name="monitoring_risk"),
    path("monitoring/risks/<int:pk>/assistance/", views.risk_assistance, name="monitoring_assistance"),
    path("monitoring/risks/<int:pk>/eliminate/", views.risk_eliminate, name="monitoring_eliminate"),
    path("monitoring/risks/<int:pk>/close/", views.risk_close, name="monitoring_close"),
    path("monitoring/risks/<int:pk>/return/", views.risk_return, name="monitoring_return"),
    path("monitoring/households/<int:pk>/hardship/", views.hardship_new, name="monitoring_hardship"),
]

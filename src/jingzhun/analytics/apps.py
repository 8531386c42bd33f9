from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "jingzhun.analytics"
    verbose_name = _("Poverty measures, dashboards, maps and yearly reports")

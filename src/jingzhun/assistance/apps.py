from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "jingzhun.assistance"
    verbose_name = _("Assistance: helpers, partners and household plans")

    def ready(self):
        # The household's audit trail names these records and translates their fields; the household
        # page shows the plan, the helper and the next visit.
        from jingzhun.registry import panels
        from jingzhun.registry.audit import ENTITY_MODELS

        from . import household_panel
        from .models import HelperAssignment, Plan, PlannedMeasure, Visit

        ENTITY_MODELS.update({"plan": Plan, "measure": PlannedMeasure, "visit": Visit,
                              "helper": HelperAssignment})
        panels.register(household_panel.panel)

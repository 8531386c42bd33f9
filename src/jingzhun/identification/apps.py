from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentificationConfig(AppConfig):
    name = "jingzhun.identification"
    verbose_name = _("Identification, exit and monitoring")

    def ready(self):
        # The household's audit trail names these records and translates their fields.
        from jingzhun.registry.audit import ENTITY_MODELS

        from .models import Assistance, Case, Hardship, Objection, Risk, SampledHousehold

        ENTITY_MODELS.update({"case": Case, "objection": Objection, "risk": Risk, "hardship": Hardship,
                              "assistance": Assistance, "sample": SampledHousehold})

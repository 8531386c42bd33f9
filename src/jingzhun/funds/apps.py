from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "jingzhun.funds"
    verbose_name = _("Funds, projects, supervision and mutual funds")

    def ready(self):
        # A subsidy paid to a household and a loan to it are lines of the household's audit trail.
        from jingzhun.registry.audit import ENTITY_MODELS

        from .models import Entry, Loan, Repayment

        ENTITY_MODELS.update({"payment": Entry, "loan": Loan, "repayment": Repayment})

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "jingzhun.funds"
    verbose_name = _("Funds, projects, supervision and mutual funds")

    def ready(self):
        # Subsidies paid to a household, the projects it benefits from and its part in the village's mutual
        # fund are lines of the household's audit trail, named and labelled from these models.
        from jingzhun.registry.audit import ENTITY_MODELS

        from . import mutual_actions
        from .models import Contribution, Entry, Loan, Membership, Project, Repayment

        ENTITY_MODELS.update({"payment": Entry, "project": Project, mutual_actions.MEMBER: Membership,
                              mutual_actions.CAPITAL: Contribution, mutual_actions.LOAN: Loan,
                              mutual_actions.REPAYMENT: Repayment})

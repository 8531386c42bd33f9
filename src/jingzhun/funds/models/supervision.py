"""Supervision: rules kept as data, and the flags they raise with their evidence and resolution."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jingzhun.areas.models import Area


class SupervisionRule(models.Model):
    """A rule of supervision, switched on or off and tuned by its parameters (days, years, shares)."""

    class Code(models.TextChoices):
        OVER_BUDGET = "over_budget", _("allocation over the project's budget")
        NO_BENEFICIARIES = "no_beneficiaries", _("project without beneficiary households")
        IDLE_MONEY = "idle_money", _("money idle past the set time")
        DUPLICATE_SUBSIDY = "duplicate_subsidy", _("the same household paid the same subsidy twice")
        OUTSIDE_PURPOSE = "outside_purpose", _("money spent outside the fund's purposes")

    code = models.CharField(_("rule"), max_length=20, choices=Code.choices, unique=True)
    active = models.BooleanField(_("in force"), default=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("supervision rule")
        verbose_name_plural = _("supervision rules")

    def __str__(self) -> str:
        return self.code


class Flag(models.Model):
    """One anomaly a rule found, on one subject (a fund, a project, a household's payments), with the
    figures that show it; it stays until an officer resolves or dismisses it with a note."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        RESOLVED = "resolved", _("resolved")
        DISMISSED = "dismissed", _("dismissed")

    rule = models.CharField(_("rule"), max_length=20, choices=SupervisionRule.Code.choices)
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("area"))
    subject = models.CharField(max_length=60)  # "project:12", "fund:3", "household:45:housing_renovation"
    fund = models.ForeignKey("funds.Fund", models.PROTECT, null=True, blank=True, related_name="flags")
    project = models.ForeignKey("funds.Project", models.PROTECT, null=True, blank=True, related_name="flags")
    household = models.ForeignKey("registry.Household", models.PROTECT, null=True, blank=True,
                                  related_name="+")
    evidence = models.JSONField(_("evidence"), default=dict)
    found_at = models.DateTimeField(_("found"))
    found_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("scan run by"))
    checked_on = models.DateField(_("last checked on"), null=True, blank=True)  # the day of the last scan
    gone_on = models.DateField(_("no longer found on"), null=True, blank=True)  # a scan no longer found it
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("resolved by"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["-found_at", "-id"]
        verbose_name = _("supervision flag")
        verbose_name_plural = _("supervision flags")
        constraints = [models.UniqueConstraint(fields=["rule", "subject"], condition=models.Q(state="open"),
                                               name="one_open_flag_per_subject")]

    def __str__(self) -> str:
        return f"{self.rule} {self.subject} {self.state}"


class SupervisionChange(models.Model):
    """Who changed a rule's switch or parameters, when, from what to what, and why."""

    rule = models.ForeignKey(SupervisionRule, models.PROTECT, related_name="changes", verbose_name=_("rule"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                              verbose_name=_("by"))
    at = models.DateTimeField(_("when"))
    field = models.CharField(_("field"), max_length=40)
    old = models.TextField(_("old value"), blank=True)
    new = models.TextField(_("new value"), blank=True)
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("supervision rule change")
        verbose_name_plural = _("supervision rule changes")

    def __str__(self) -> str:
        return f"{self.rule_id} {self.field}"

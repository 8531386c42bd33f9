"""The measures catalogue and the editable table from causes of poverty to recommended measures."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from jingzhun.registry.models import Cause

MONEY = {"max_digits": 12, "decimal_places": 2}


class Batch(models.TextChoices):
    """The "five batches" (五个一批) of the 2015 decision, plus health, named beside them in practice."""

    PRODUCTION = "production", pgettext_lazy("five batches", "develop production")
    RELOCATION = "relocation", pgettext_lazy("five batches", "relocation")
    ECOLOGY = "ecology", pgettext_lazy("five batches", "ecological compensation")
    EDUCATION = "education", pgettext_lazy("five batches", "education")
    SOCIAL_SECURITY = "social_security", pgettext_lazy("five batches", "social security as the floor")


class Condition(models.TextChoices):
    """A fact of the household a measure needs before it is recommended (rules.condition_holds)."""

    NONE = "", _("none")
    LABOUR = "labour", _("someone able to work")
    NO_LABOUR = "no_labour", _("no one able to work")
    IN_SCHOOL = "in_school", _("a member in school")
    ILL = "ill", _("a member chronically or seriously ill")
    DISABLED = "disabled", _("a disabled member")
    UNSAFE_HOUSE = "unsafe_house", _("housing not safe")
    UNSAFE_WATER = "unsafe_water", _("drinking water not safe")
    ELDERLY = "elderly", _("a member aged 60 or over")


class Measure(models.Model):
    code = models.CharField(_("code"), max_length=32, primary_key=True)
    batch = models.CharField(_("batch"), max_length=16, choices=Batch.choices)
    name_zh = models.CharField(_("Chinese name"), max_length=40)
    name_en = models.CharField(_("English name"), max_length=80)
    condition = models.CharField(_("recommended only with"), max_length=16, choices=Condition.choices,
                                 blank=True)
    typical_amount = models.DecimalField(_("typical amount (yuan)"), null=True, blank=True, **MONEY)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("in use"), default=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


class MeasureRule(models.Model):
    """One row of the cause → measure table: for households with `cause`, recommend `measure`, `rank`
    ordering the recommendations. Jurisdiction as in policy standards: "" national, or an area-code
    prefix whose rows for a cause replace the broader ones."""

    jurisdiction = models.CharField(_("jurisdiction"), max_length=12, blank=True)
    cause = models.ForeignKey(Cause, models.PROTECT, related_name="+", verbose_name=_("cause of poverty"))
    measure = models.ForeignKey(Measure, models.PROTECT, related_name="rules", verbose_name=_("measure"))
    rank = models.PositiveSmallIntegerField(_("rank"), default=1)
    active = models.BooleanField(_("in force"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["jurisdiction", "cause__order", "rank", "measure_id"]
        verbose_name = _("cause → measure rule")
        verbose_name_plural = _("cause → measure rules")
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "cause", "measure"],
                                               name="one_rule_per_cause_measure")]

    def __str__(self) -> str:
        return f"{self.jurisdiction or '*'} {self.cause_id} → {self.measure_id}"


class CatalogueChange(models.Model):
    """Who changed a rule row or a measure, when, what from and to, and why; rows are never deleted."""

    rule = models.ForeignKey(MeasureRule, models.PROTECT, null=True, blank=True, related_name="changes")
    measure = models.ForeignKey(Measure, models.PROTECT, null=True, blank=True, related_name="changes")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                              verbose_name=_("by"))
    at = models.DateTimeField(_("when"))
    field = models.CharField(_("field"), max_length=40, blank=True)
    old = models.TextField(_("old value"), blank=True)
    new = models.TextField(_("new value"), blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("catalogue change")
        verbose_name_plural = _("catalogue changes")

    def __str__(self) -> str:
        return f"{self.rule_id or self.measure_id} {self.field}"

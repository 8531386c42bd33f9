"""A household's responsible helper (with history), its plan of measures, and the helper's visits."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jingzhun.registry.models import Cause, Household

from .catalogue import MONEY, Measure


class HelperAssignment(models.Model):
    """A helper answering for a household from one day to another; reassignment ends one and opens the
    next, so the history stays. The registry's Household.helper mirrors the open one."""

    household = models.ForeignKey(Household, models.PROTECT, related_name="helper_assignments",
                                  verbose_name=_("household"))
    helper = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="helper_assignments",
                               verbose_name=_("responsible helper"))
    started_on = models.DateField(_("assigned on"))
    ended_on = models.DateField(_("assignment ended on"), null=True, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("assigned by"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)

    class Meta:
        ordering = ["household_id", "-started_on", "-id"]
        verbose_name = _("helper assignment")
        verbose_name_plural = _("helper assignments")
        constraints = [models.UniqueConstraint(fields=["household"], condition=Q(ended_on__isnull=True),
                                               name="one_current_helper_per_household")]
        indexes = [models.Index(fields=["helper", "ended_on"], name="assignment_helper_open")]

    def __str__(self) -> str:
        return f"{self.household_id} ← {self.helper_id} {self.started_on}–{self.ended_on or ''}"


class Plan(models.Model):
    """One household, one plan: the measures chosen for the causes of its poverty."""

    household = models.OneToOneField(Household, models.PROTECT, related_name="plan",
                                     verbose_name=_("household"))
    year = models.PositiveSmallIntegerField(_("year drawn up"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("drawn up by"))
    created_at = models.DateTimeField(_("drawn up at"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["household_id"]
        verbose_name = _("assistance plan")
        verbose_name_plural = _("assistance plans")

    def __str__(self) -> str:
        return f"plan {self.household_id}"


class PlannedMeasure(models.Model):
    class State(models.TextChoices):
        PLANNED = "planned", _("planned")
        UNDER_WAY = "under_way", pgettext_lazy("measure", "under way")
        DELIVERED = "delivered", _("delivered")
        CANCELLED = "cancelled", _("cancelled")

    plan = models.ForeignKey(Plan, models.PROTECT, related_name="measures", verbose_name=_("plan"))
    measure = models.ForeignKey(Measure, models.PROTECT, related_name="+", verbose_name=_("measure"))
    cause = models.ForeignKey(Cause, models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("cause addressed"))
    recommended = models.BooleanField(_("recommended by the rule table"), default=False)
    helper = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                               related_name="planned_measures", verbose_name=_("responsible helper"))
    amount = models.DecimalField(_("amount (yuan)"), default=0, **MONEY)
    start_on = models.DateField(_("start"))
    due_on = models.DateField(_("due"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PLANNED)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["plan_id", "due_on", "id"]
        verbose_name = _("planned measure")
        verbose_name_plural = _("planned measures")

    def __str__(self) -> str:
        return f"{self.plan_id} {self.measure_id} {self.state}"

    @property
    def open(self) -> bool:
        return self.state in (self.State.PLANNED, self.State.UNDER_WAY)


def visit_photo_path(visit: "Visit", filename: str) -> str:
    # The household's folder, never the uploader's file name: names can carry personal details.
    return f"visits/{visit.household_id}/{visit.visited_on:%Y%m%d}-{visit.pk or 'new'}.jpg"


class Visit(models.Model):
    """A helper's visit to a household: planned (due, not yet made) until it is recorded."""

    household = models.ForeignKey(Household, models.PROTECT, related_name="visits",
                                  verbose_name=_("household"))
    helper = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="visits",
                               verbose_name=_("helper"))
    due_on = models.DateField(_("due"), null=True, blank=True)
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    found = models.TextField(_("what was found"), blank=True)
    done = models.TextField(_("what was done"), blank=True)
    photo = models.FileField(_("photo"), upload_to=visit_photo_path, blank=True, max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    class Meta:
        ordering = ["household_id", "-visited_on", "-due_on", "-id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [models.Index(fields=["household", "visited_on"], name="visit_household_day"),
                   models.Index(fields=["helper", "visited_on", "due_on"], name="visit_helper_due")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.visited_on or self.due_on}"

    @property
    def planned(self) -> bool:
        return self.visited_on is None

"""Projects that funds pay for: what is built or done, where, for whom, how far it has come."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jingzhun.areas.models import Area
from jingzhun.registry.models import Household

from .ledger import MONEY, Purpose


class ProjectKind(models.TextChoices):
    ROAD = "road", _("road")
    WELLS = "wells", _("wells and cisterns")
    TERRACES = "terraces", _("terraced fields")
    HOUSING = "housing", _("housing renovation")
    SCHOOL = "school", _("school")
    CLINIC = "clinic", _("clinic")
    INDUSTRY = "industry", _("industry")
    TRAINING = "training", _("training")
    RELOCATION = "relocation", _("relocation")


# The unit each kind's output is counted in, and the purpose its money serves.
OUTPUT_UNITS = {ProjectKind.ROAD: _("km"), ProjectKind.WELLS: _("wells"), ProjectKind.TERRACES: _("mu"),
                ProjectKind.HOUSING: _("houses"), ProjectKind.SCHOOL: _("schools"),
                ProjectKind.CLINIC: _("clinics"),
                ProjectKind.INDUSTRY: pgettext_lazy("output unit", "households"),
                ProjectKind.TRAINING: pgettext_lazy("output unit", "persons"),
                ProjectKind.RELOCATION: pgettext_lazy("output unit", "households")}
PURPOSES = {ProjectKind.ROAD: Purpose.INFRASTRUCTURE, ProjectKind.WELLS: Purpose.INFRASTRUCTURE,
            ProjectKind.TERRACES: Purpose.INFRASTRUCTURE, ProjectKind.HOUSING: Purpose.HOUSING,
            ProjectKind.SCHOOL: Purpose.EDUCATION, ProjectKind.CLINIC: Purpose.HEALTH,
            ProjectKind.INDUSTRY: Purpose.INDUSTRY, ProjectKind.TRAINING: Purpose.TRAINING,
            ProjectKind.RELOCATION: Purpose.RELOCATION}


class Project(models.Model):
    class State(models.TextChoices):
        PLANNED = "planned", _("planned")
        UNDER_WAY = "under_way", _("under construction")
        COMPLETED = "completed", _("completed")
        ACCEPTED = "accepted", _("accepted")
        CANCELLED = "cancelled", _("cancelled")

    area = models.ForeignKey(Area, models.PROTECT, related_name="projects",
                             verbose_name=_("village or county"))
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=ProjectKind.choices)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    budget = models.DecimalField(_("budget (yuan)"), **MONEY)
    output_planned = models.DecimalField(_("output planned"), max_digits=12, decimal_places=2, default=0)
    output_achieved = models.DecimalField(_("output achieved"), max_digits=12, decimal_places=2, default=0)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PLANNED)
    started_on = models.DateField(_("started"), null=True, blank=True)
    completed_on = models.DateField(_("completed"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("accepted by"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"))
    beneficiaries = models.ManyToManyField(Household, through="Beneficiary", related_name="projects",
                                           verbose_name=_("beneficiary households"))

    class Meta:
        ordering = ["-year", "area_id", "name"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return self.name

    @property
    def output_unit(self) -> str:
        return str(OUTPUT_UNITS.get(self.kind, ""))


class Beneficiary(models.Model):
    project = models.ForeignKey(Project, models.PROTECT, related_name="beneficiary_links")
    household = models.ForeignKey(Household, models.PROTECT, related_name="+")
    added_on = models.DateField(_("added on"))

    class Meta:
        verbose_name = _("beneficiary household")
        verbose_name_plural = _("beneficiary households")
        constraints = [models.UniqueConstraint(fields=["project", "household"], name="one_beneficiary_row")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.household_id}"


class ProjectEvent(models.Model):
    """A step in a project's life: created, moved to a state, output recorded, beneficiaries added, with
    who, when, the day it took effect and why."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        STATE = "state", _("state changed")
        OUTPUT = "output", _("output recorded")
        BENEFICIARY = "beneficiary", _("beneficiaries added")

    project = models.ForeignKey(Project, models.PROTECT, related_name="events", verbose_name=_("project"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("when"))
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    field = models.CharField(_("field"), max_length=40, blank=True)
    old = models.TextField(_("old value"), blank=True)
    new = models.TextField(_("new value"), blank=True)
    on = models.DateField(_("took effect on"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("project event")
        verbose_name_plural = _("project events")
        indexes = [models.Index(fields=["project", "-at"], name="project_event_at")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.action} {self.field}"

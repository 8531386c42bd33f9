"""Procedures around the registry: identification and exit of households, exit of villages and counties,
third-party verification samples, and monitoring against return to poverty. Every state change goes
through machine.py and leaves a CaseEvent."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jingzhun.areas.models import Area
from jingzhun.identification.machine import STATE_LABELS
from jingzhun.registry.models import Household

STATES = list(STATE_LABELS.items())
MONEY = {"max_digits": 12, "decimal_places": 2}
USER = settings.AUTH_USER_MODEL


class Case(models.Model):
    """One household's identification (becoming registered poor) or exit, from start to decision."""

    class Kind(models.TextChoices):
        IDENTIFICATION = "identification", _("identification")
        EXIT = "exit", _("exit")

    class Channel(models.TextChoices):
        HOUSEHOLD = "household", _("applied for by the household")
        CADRE = "cadre", _("proposed by a cadre")

    kind = models.CharField(_("procedure"), max_length=16, choices=Kind.choices)
    household = models.ForeignKey(Household, models.PROTECT, related_name="cases",
                                  verbose_name=_("household"))
    # The income year evaluated against that year's standards.
    year = models.PositiveSmallIntegerField(_("year evaluated"))
    state = models.CharField(_("state"), max_length=20, choices=STATES)
    channel = models.CharField(_("how it started"), max_length=12, choices=Channel.choices,
                               default=Channel.HOUSEHOLD)
    opened_by = models.ForeignKey(USER, models.PROTECT, null=True, related_name="+",
                                  verbose_name=_("opened by"))
    opened_at = models.DateTimeField(_("opened"))
    closed_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # Village democratic appraisal.
    meeting_on = models.DateField(_("appraisal meeting on"), null=True, blank=True)
    attendance = models.PositiveIntegerField(_("representatives attending"), null=True, blank=True)
    votes_for = models.PositiveIntegerField(_("votes in favour"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("votes against"), null=True, blank=True)
    abstentions = models.PositiveIntegerField(_("abstentions"), null=True, blank=True)
    # The evaluation against the criteria when the case was opened (identification) or verified (exit).
    evaluation = models.JSONField(_("evaluation"), default=dict, blank=True)
    household_agrees = models.BooleanField(_("household agrees"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            # One procedure at a time per household.
            models.UniqueConstraint(fields=["household"], condition=Q(closed_at__isnull=True),
                                    name="case_one_open_per_household"),
        ]
        indexes = [models.Index(fields=["kind", "state"], name="case_kind_state")]

    def __str__(self) -> str:
        return f"{self.kind} {self.household_id} {self.state}"

    @property
    def area_code(self) -> str:
        return self.household.village_id


class AreaCase(models.Model):
    """A village's or a county's exit from poverty, with the report that proves it."""

    class Kind(models.TextChoices):
        VILLAGE_EXIT = "village_exit", _("village exit")
        COUNTY_EXIT = "county_exit", _("county exit")

    kind = models.CharField(_("procedure"), max_length=16, choices=Kind.choices)
    area = models.ForeignKey(Area, models.PROTECT, related_name="exit_cases", verbose_name=_("area"))
    year = models.PositiveSmallIntegerField(_("year evaluated"))
    state = models.CharField(_("state"), max_length=20, choices=STATES)
    opened_by = models.ForeignKey(USER, models.PROTECT, null=True, related_name="+",
                                  verbose_name=_("opened by"))
    opened_at = models.DateTimeField(_("opened"))
    closed_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # The figures at the last step: incidence, thresholds, criteria checked (see exit reports).
    report = models.JSONField(_("report"), default=dict, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("area exit")
        verbose_name_plural = _("area exits")
        constraints = [models.UniqueConstraint(fields=["area", "kind"], condition=Q(closed_at__isnull=True),
                                               name="area_case_one_open")]

    def __str__(self) -> str:
        return f"{self.kind} {self.area_id} {self.year} {self.state}"

    @property
    def area_code(self) -> str:
        return self.area_id


class Notice(models.Model):
    """A public notice of a case: posted in the village (or the county), up for whole days, open to
    objections from anyone. Round 1 is the first notice, round 2 the second (county) notice."""

    case = models.ForeignKey(Case, models.PROTECT, null=True, blank=True, related_name="notices")
    area_case = models.ForeignKey(AreaCase, models.PROTECT, null=True, blank=True, related_name="notices")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    area = models.ForeignKey(Area, models.PROTECT, related_name="notices", verbose_name=_("posted in"))
    starts_on = models.DateField(_("posted on"))
    ends_on = models.DateField(_("may be taken down on"))
    closed_on = models.DateField(_("taken down on"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        indexes = [models.Index(fields=["area", "closed_on"], name="notice_area_open",
                                opclasses=["varchar_pattern_ops", "date_ops"])]

    def __str__(self) -> str:
        return f"notice {self.pk} {self.area_id} {self.starts_on}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class Objection(models.Model):
    """An objection to a notice, filed by anyone (the public page takes them); answered by an officer
    before the case may go on."""

    class Outcome(models.TextChoices):
        DISMISSED = "dismissed", _("not upheld: the procedure goes on")
        UPHELD = "upheld", _("upheld: the case is to be rejected")

    notice = models.ForeignKey(Notice, models.PROTECT, related_name="objections")
    filed_at = models.DateTimeField(_("filed"))
    text = models.TextField(_("objection"))
    contact = models.CharField(_("contact (optional)"), max_length=100, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    answered_by = models.ForeignKey(USER, models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("answered by"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["filed_at", "id"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"objection {self.pk} to notice {self.notice_id}"

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


class CaseEvent(models.Model):
    """One transition of a case or an area case: who, when, from, to, why."""

    case = models.ForeignKey(Case, models.PROTECT, null=True, blank=True, related_name="events")
    area_case = models.ForeignKey(AreaCase, models.PROTECT, null=True, blank=True, related_name="events")
    step = models.CharField(_("step"), max_length=24)
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20)
    actor = models.ForeignKey(USER, models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("by"))
    at = models.DateTimeField(_("when"))
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("procedure event")
        verbose_name_plural = _("procedure events")

    def __str__(self) -> str:
        return f"{self.step}: {self.from_state} -> {self.to_state}"


# Third-party verification -------------------------------------------------------------------------------

class Sample(models.Model):
    """A county's third-party check: villages, then households in them, drawn at random from a seed (the
    same seed draws the same sample), stratified; field results entered against each."""

    county = models.ForeignKey(Area, models.PROTECT, related_name="samples", verbose_name=_("county"))
    year = models.PositiveSmallIntegerField(_("year checked"))
    seed = models.BigIntegerField(_("seed"))
    drawn_by = models.ForeignKey(USER, models.PROTECT, null=True, related_name="+",
                                 verbose_name=_("drawn by"))
    drawn_at = models.DateTimeField(_("drawn"))
    strata = models.JSONField(_("strata"), default=dict, blank=True)  # stratum -> (population, drawn)
    # Computed from the field results when they are complete, with the thresholds of the year.
    results = models.JSONField(_("results"), default=dict, blank=True)

    class Meta:
        ordering = ["-drawn_at", "-id"]
        verbose_name = _("third-party sample")
        verbose_name_plural = _("third-party samples")

    def __str__(self) -> str:
        return f"sample {self.county_id} {self.year} seed {self.seed}"


class SampledVillage(models.Model):
    sample = models.ForeignKey(Sample, models.PROTECT, related_name="villages")
    village = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("village"))
    stratum = models.CharField(_("stratum"), max_length=24)
    # Field results: the non-registered rural population checked, and the poor among them missed.
    population_checked = models.PositiveIntegerField(_("non-registered residents checked"), null=True,
                                                     blank=True)
    missed_found = models.PositiveIntegerField(_("missed poor found"), null=True, blank=True)
    entered_by = models.ForeignKey(USER, models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("entered by"))
    entered_at = models.DateTimeField(_("entered"), null=True, blank=True)

    class Meta:
        ordering = ["sample_id", "village_id"]
        constraints = [models.UniqueConstraint(fields=["sample", "village"], name="sampled_village_once")]

    def __str__(self) -> str:
        return f"{self.sample_id} {self.village_id}"


class SampledHousehold(models.Model):
    sample = models.ForeignKey(Sample, models.PROTECT, related_name="households")
    household = models.ForeignKey(Household, models.PROTECT, related_name="+", verbose_name=_("household"))
    stratum = models.CharField(_("stratum"), max_length=24)
    # Field results.
    surveyed = models.BooleanField(_("surveyed"), null=True, blank=True)
    wrongly_exited = models.BooleanField(_("wrongly exited"), null=True, blank=True)
    approves = models.BooleanField(_("approves of the work"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    entered_by = models.ForeignKey(USER, models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("entered by"))
    entered_at = models.DateTimeField(_("entered"), null=True, blank=True)

    class Meta:
        ordering = ["sample_id", "household_id"]
        constraints = [models.UniqueConstraint(fields=["sample", "household"], name="sampled_household_once")]

    def __str__(self) -> str:
        return f"{self.sample_id} {self.household_id}"


# Monitoring against return to poverty --------------------------------------------------------------------

class Hardship(models.Model):
    """A sudden hardship reported for a household: illness, disability, disaster, loss of work."""

    class Kind(models.TextChoices):
        ILLNESS = "illness", _("serious illness")
        DISABILITY = "disability", _("disability")
        DISASTER = "disaster", _("natural disaster or accident")
        JOB_LOSS = "job_loss", _("loss of work")
        OTHER = "other", _("other hardship")

    household = models.ForeignKey(Household, models.PROTECT, related_name="hardships")
    kind = models.CharField(_("hardship"), max_length=12, choices=Kind.choices)
    occurred_on = models.DateField(_("occurred on"))
    expense = models.DecimalField(_("rigid expense (yuan)"), default=0, **MONEY)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(USER, models.PROTECT, null=True, related_name="+", verbose_name=_("by"))
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("hardship")
        verbose_name_plural = _("hardships")

    def __str__(self) -> str:
        return f"{self.household_id} {self.kind} {self.occurred_on}"


class Risk(models.Model):
    """A household under monitoring in a year: flagged by the year's thresholds or by a hardship, helped,
    and closed with reasons."""

    class Group(models.TextChoices):
        UNSTABLE = "unstable", _("unstable exited household")
        MARGINAL = "marginal", _("marginal household at risk")
        HARDSHIP = "hardship", _("household hit by sudden severe hardship")

    class State(models.TextChoices):
        OPEN = "open", _("at risk")
        ELIMINATED = "eliminated", _("risk eliminated")
        CLOSED = "closed", pgettext_lazy("risk", "closed")

    household = models.ForeignKey(Household, models.PROTECT, related_name="risks")
    year = models.PositiveSmallIntegerField(_("year"))
    group = models.CharField(_("monitoring group"), max_length=12, choices=Group.choices)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)  # [text, ...] as found
    threshold = models.DecimalField(_("threshold"), null=True, blank=True, **MONEY)
    per_person = models.DecimalField(_("net income per person"), null=True, blank=True, **MONEY)
    flagged_at = models.DateTimeField(_("flagged"))
    flagged_by = models.ForeignKey(USER, models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("flagged by"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(USER, models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("closed by"))
    close_reason = models.TextField(_("reason for closing"), blank=True)

    class Meta:
        ordering = ["household_id", "-year"]
        verbose_name = _("monitored risk")
        verbose_name_plural = _("monitored risks")
        constraints = [models.UniqueConstraint(fields=["household", "year"], name="risk_one_per_year")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year} {self.group} {self.state}"


class Assistance(models.Model):
    """Help given to a household at risk."""

    risk = models.ForeignKey(Risk, models.PROTECT, related_name="assistance")
    given_on = models.DateField(_("given on"))
    measure = models.CharField(_("measure"), max_length=300)
    recorded_by = models.ForeignKey(USER, models.PROTECT, null=True, related_name="+", verbose_name=_("by"))
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        ordering = ["given_on", "id"]
        verbose_name = _("assistance")
        verbose_name_plural = _("assistance")

    def __str__(self) -> str:
        return f"{self.risk_id} {self.given_on} {self.measure}"

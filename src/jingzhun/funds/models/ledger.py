"""Funds and the append-only ledger of every movement of their money."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jingzhun.areas.models import Area
from jingzhun.registry.models import Household

MONEY = {"max_digits": 16, "decimal_places": 2}


class Source(models.TextChoices):
    CENTRAL = "central", _("central government")
    PROVINCIAL = "provincial", _("provincial government")
    PAIRING = "pairing", _("pairing partner")
    LOCAL = "local", _("prefecture and county government")
    ENTERPRISE = "enterprise", pgettext_lazy("fund source", "enterprise")
    DONATION = "donation", _("donations")
    HOUSEHOLDS = "households", _("households' own contributions")


class Purpose(models.TextChoices):
    """What money may be spent on: a fund names its purposes, a project has one."""

    INFRASTRUCTURE = "infrastructure", _("infrastructure (roads, water, power)")
    INDUSTRY = "industry", _("industry")
    HOUSING = "housing", _("housing renovation")
    RELOCATION = "relocation", pgettext_lazy("purpose", "relocation")
    EDUCATION = "education", pgettext_lazy("purpose", "education")
    HEALTH = "health", pgettext_lazy("purpose", "health")
    TRAINING = "training", _("training and employment")
    MUTUAL_FUND = "mutual_fund", _("village mutual funds")
    OTHER = "other", pgettext_lazy("purpose", "other")


class Fund(models.Model):
    """A sum of one source for one year held by an area (usually a county), for the purposes it names:
    for example 2019's central special poverty-alleviation fund for Xiji."""

    area = models.ForeignKey(Area, models.PROTECT, related_name="funds", verbose_name=_("held by"))
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=120)
    purposes = models.JSONField(_("purposes"), default=list, blank=True)  # Purpose codes; empty: any
    partner = models.ForeignKey("assistance.Partner", models.PROTECT, null=True, blank=True,
                                related_name="funds", verbose_name=_("pairing partner"))
    document = models.CharField(_("allocation document"), max_length=120, blank=True)  # 文号
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-year", "area_id", "source", "name"]
        verbose_name = _("fund")
        verbose_name_plural = _("funds")

    def __str__(self) -> str:
        return f"{self.year} {self.name}"


class Entry(models.Model):
    """One movement of money, never changed or deleted: a mistake is undone by a reversing entry.

    A receipt brings money into a fund; an allocation commits it to a project; spending pays it out of
    the project (to a household, when `household` is set); a recovery takes money a project does not need
    back into the fund, where it may be allocated again. A reversal names the entry it undoes and has
    its kind, amount and fund; its effect on every balance is the opposite."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("receipt")
        ALLOCATION = "allocation", _("allocation")
        SPENDING = "spending", _("spending")
        RECOVERY = "recovery", _("recovered from the project")

    fund = models.ForeignKey(Fund, models.PROTECT, related_name="entries", verbose_name=_("fund"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    project = models.ForeignKey("funds.Project", models.PROTECT, null=True, blank=True,
                                related_name="entries", verbose_name=_("project"))
    household = models.ForeignKey(Household, models.PROTECT, null=True, blank=True, related_name="payments",
                                  verbose_name=_("paid to household"))
    subsidy = models.CharField(_("subsidy"), max_length=32, blank=True)  # a measure code, for duplicates
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    on = models.DateField(_("date"))
    reverses = models.OneToOneField("self", models.PROTECT, null=True, blank=True, related_name="reversed_by",
                                    verbose_name=_("reverses"))
    voucher = models.CharField(_("voucher"), max_length=40, blank=True)
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["on", "id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="entry_amount_positive")]
        indexes = [models.Index(fields=["fund", "kind"], name="entry_fund_kind"),
                   models.Index(fields=["project", "kind"], name="entry_project_kind"),
                   models.Index(fields=["household", "subsidy"], name="entry_household_subsidy")]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.on}"

    def save(self, *args, **kwargs):
        # Append-only: an entry once written stays as it is (a correction is a reversing entry).
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("Ledger entries are never changed: record a reversing entry.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Ledger entries are never deleted: record a reversing entry.")

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

"""Pairing partners (east–west pairs, fixed-point help, enterprises, the army, social organisations and
donors), the areas they are paired with, and each pairing's yearly commitments and deliveries."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jingzhun.areas.models import Area

AMOUNT = {"max_digits": 16, "decimal_places": 2}


class Partner(models.Model):
    class Kind(models.TextChoices):
        EAST_WEST = "east_west", _("east–west cooperation")
        CENTRAL_ORGAN = "central_organ", _("fixed-point help by a central organ")
        ENTERPRISE = "enterprise", _("enterprise")
        ARMY = "army", _("the army")
        SOCIAL_ORG = "social_org", _("social organisation")
        DONOR = "donor", _("donor")

    class Level(models.TextChoices):
        NONE = "", _("—")
        PROVINCE = "province", _("province")
        CITY = "city", _("city")
        DISTRICT = "district", _("county or district")

    name_zh = models.CharField(_("Chinese name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, blank=True)
    # A city's pairings roll up into its province's: Xiamen's deliveries count for Fujian–Ningxia.
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("part of"))
    home = models.CharField(_("home region"), max_length=40, blank=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["kind", "name_zh"]
        verbose_name = _("pairing partner")
        verbose_name_plural = _("pairing partners")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


class Pairing(models.Model):
    partner = models.ForeignKey(Partner, models.PROTECT, related_name="pairings", verbose_name=_("partner"))
    area = models.ForeignKey(Area, models.PROTECT, related_name="pairings", verbose_name=_("paired area"))
    start_year = models.PositiveSmallIntegerField(_("from year"))
    end_year = models.PositiveSmallIntegerField(_("until year"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    verified = models.BooleanField(_("verified against its source"), default=False)

    class Meta:
        ordering = ["partner_id", "area_id", "start_year"]
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        constraints = [models.UniqueConstraint(fields=["partner", "area", "start_year"],
                                               name="one_pairing_per_start")]

    def __str__(self) -> str:
        return f"{self.partner} – {self.area}"


class Indicator(models.TextChoices):
    """What a partner commits and delivers in a year; the unit follows the indicator (UNITS)."""

    FUNDS = "funds", _("funds")
    CADRES = "cadres", _("cadres sent")
    PROFESSIONALS = "professionals", _("teachers, doctors and experts sent")
    WORKERS = "workers", _("poor workers placed in jobs")
    PRODUCTS = "products", _("products bought or sold for poor areas")
    ENTERPRISES = "enterprises", _("enterprises settled")
    PROJECTS = "projects", _("projects built")


class Unit(models.TextChoices):
    YUAN = "yuan", _("yuan")
    PERSONS = "persons", _("persons")
    COUNT = "count", _("number")


UNITS = {Indicator.FUNDS: Unit.YUAN, Indicator.CADRES: Unit.PERSONS, Indicator.PROFESSIONALS: Unit.PERSONS,
         Indicator.WORKERS: Unit.PERSONS, Indicator.PRODUCTS: Unit.YUAN, Indicator.ENTERPRISES: Unit.COUNT,
         Indicator.PROJECTS: Unit.COUNT}


class Commitment(models.Model):
    """What a pairing promised for a year on one indicator (the yearly agreement's figure)."""

    pairing = models.ForeignKey(Pairing, models.PROTECT, related_name="commitments",
                                verbose_name=_("pairing"))
    year = models.PositiveSmallIntegerField(_("year"))
    indicator = models.CharField(_("indicator"), max_length=16, choices=Indicator.choices)
    amount = models.DecimalField(_("amount"), **AMOUNT)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["pairing_id", "year", "indicator"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [models.UniqueConstraint(fields=["pairing", "year", "indicator"],
                                               name="one_commitment_per_indicator_year")]

    def __str__(self) -> str:
        return f"{self.pairing_id} {self.year} {self.indicator} {self.amount}"


class Delivery(models.Model):
    """Something a pairing delivered, where it went and when; a mistaken entry is withdrawn with a
    reason, never deleted, and officers of the receiving area confirm what they received."""

    pairing = models.ForeignKey(Pairing, models.PROTECT, related_name="deliveries", verbose_name=_("pairing"))
    year = models.PositiveSmallIntegerField(_("year"))
    indicator = models.CharField(_("indicator"), max_length=16, choices=Indicator.choices)
    amount = models.DecimalField(_("amount"), **AMOUNT)
    delivered_on = models.DateField(_("delivered on"))
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("received by"))
    note = models.CharField(_("what"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("withdrawn by"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("reason for withdrawal"), max_length=300, blank=True)

    class Meta:
        ordering = ["pairing_id", "-delivered_on", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["pairing", "year"], name="delivery_pairing_year")]

    def __str__(self) -> str:
        return f"{self.pairing_id} {self.year} {self.indicator} {self.amount}"


class PartnerAccount(models.Model):
    """A user who signs in for a partner: they see that partner's pairings (and its parts') only."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="partner_account")
    partner = models.ForeignKey(Partner, models.PROTECT, related_name="accounts", verbose_name=_("partner"))

    class Meta:
        verbose_name = _("partner account")
        verbose_name_plural = _("partner accounts")

    def __str__(self) -> str:
        return f"{self.user} @ {self.partner_id}"

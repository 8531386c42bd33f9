from django.conf import settings
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("province")
    PREFECTURE = "prefecture", _("prefecture")
    COUNTY = "county", _("county")
    TOWNSHIP = "township", _("township")
    VILLAGE = "village", _("village")


# A 12-digit statistical code's ancestry is its prefix: this many digits identify each level.
PREFIX_LENGTH = {
    Level.PROVINCE: 2,
    Level.PREFECTURE: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
}
LEVEL_ORDER = list(PREFIX_LENGTH)


class Area(models.Model):
    code = models.CharField(_("code"), max_length=12, primary_key=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, db_index=True)
    name_zh = models.CharField(_("Chinese name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=128)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=pgettext_lazy("area", "parent")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh

    @property
    def prefix(self) -> str:
        return self.code[: PREFIX_LENGTH[self.level]]

    def contains(self, code: str) -> bool:
        return code.startswith(self.prefix)

    @property
    def ancestors(self) -> list["Area"]:
        """The areas above this one, the province first: a page's breadcrumbs."""
        found, node = [], self.parent
        while node is not None:
            found.insert(0, node)
            node = node.parent
        return found


class AreaFlag(models.Model):
    """A status an area holds for a span of years: poor county, national key county, poor village."""

    class Kind(models.TextChoices):
        POOR_COUNTY = "poor_county", _("poor county")
        KEY_COUNTY = "key_county", _("national key county")
        POOR_VILLAGE = "poor_village", _("poor village")

    area = models.ForeignKey(Area, models.PROTECT, related_name="flags", verbose_name=_("area"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    start_year = models.PositiveSmallIntegerField(_("from year"))
    end_year = models.PositiveSmallIntegerField(_("until year"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["area_id", "kind", "start_year"]
        verbose_name = _("area flag")
        verbose_name_plural = _("area flags")

    def __str__(self) -> str:
        return f"{self.area_id} {self.kind} {self.start_year}-{self.end_year or ''}"

    def active_in(self, year: int) -> bool:
        return self.start_year <= year and (self.end_year is None or year <= self.end_year)


class Role(models.TextChoices):
    PROVINCE_OFFICER = "province_officer", _("province officer")
    PREFECTURE_OFFICER = "prefecture_officer", _("prefecture officer")
    COUNTY_OFFICER = "county_officer", _("county officer")
    TOWNSHIP_OFFICER = "township_officer", _("township officer")
    VILLAGE_CADRE = "village_cadre", _("village cadre")
    HELPER = "helper", _("helper")
    AUDITOR = "auditor", _("auditor")
    PAIRING_PARTNER = "pairing_partner", _("pairing partner")


class Post(models.Model):
    """The role a user holds and the area it covers: the basis of every scope check."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="post")
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    area = models.ForeignKey(Area, models.PROTECT, related_name="posts", verbose_name=_("area"))
    unit = models.CharField(_("work unit"), max_length=120, blank=True)
    title = models.CharField(_("position"), max_length=60, blank=True)  # 职务, as helper records name it
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self) -> str:
        return f"{self.user} {self.role} {self.area_id}"


class Population(models.Model):
    """The rural registered population of a village at the end of a year: the denominator of poverty
    incidence. Kept per village; townships and counties are sums of their villages."""

    area = models.ForeignKey(Area, models.PROTECT, related_name="populations", verbose_name=_("area"))
    year = models.PositiveSmallIntegerField(_("year"))
    persons = models.PositiveIntegerField(_("rural residents"))
    households = models.PositiveIntegerField(_("rural households"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["area_id", "year"]
        verbose_name = _("rural population")
        verbose_name_plural = _("rural population")
        constraints = [models.UniqueConstraint(fields=["area", "year"], name="population_one_per_year")]

    def __str__(self) -> str:
        return f"{self.area_id} {self.year}: {self.persons}"

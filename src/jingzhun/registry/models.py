import json
from decimal import Decimal
from urllib.parse import parse_qsl

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jingzhun.areas.models import Area

from . import rules
from .choices import (
    Education,
    Ethnicity,
    Health,
    HouseholdStatus,
    HouseholdType,
    Labour,
    LeftReason,
    Relation,
    Sex,
)

MONEY = {"max_digits": 12, "decimal_places": 2, "default": Decimal("0.00")}


class Cause(models.Model):
    """A cause of poverty from the official list; kept as data so the list can be corrected."""

    code = models.CharField(_("code"), max_length=24, primary_key=True)
    name_zh = models.CharField(_("Chinese name"), max_length=32)
    name_en = models.CharField(_("English name"), max_length=64)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("cause of poverty")
        verbose_name_plural = _("causes of poverty")

    def __str__(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


class Household(models.Model):
    village = models.ForeignKey(Area, models.PROTECT, related_name="households", verbose_name=_("village"),
                                db_index=False)  # see Meta
    number = models.CharField(_("household number"), max_length=20, unique=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    household_type = models.CharField(_("household type"), max_length=16, choices=HouseholdType.choices,
                                      default=HouseholdType.GENERAL)
    status = models.CharField(_("status"), max_length=12, choices=HouseholdStatus.choices,
                              default=HouseholdStatus.POOR)
    registered_year = models.PositiveSmallIntegerField(_("year registered"))
    main_cause = models.ForeignKey(Cause, models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("main cause of poverty"), db_index=False)  # see Meta
    other_causes = models.ManyToManyField(Cause, blank=True, related_name="+",
                                          verbose_name=_("other causes of poverty"))
    # One responsible helper per household; the assistance app records the helper's unit and visits.
    helper = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                               related_name="helped_households", verbose_name=_("responsible helper"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        # One index for the village: text-pattern on PostgreSQL, so it serves scoping by area-code
        # prefix (village_id LIKE '6404%') as well as a village's equality and its households by status
        # (SQLite ignores the operator classes). Type and status alone, a handful of values each, have
        # none: every list is scoped by area first. Each index costs a large import its rebuild.
        # main_cause's is declared here: as the key's own, PostgreSQL would get a text-pattern index
        # beside it, which no query uses.
        indexes = [models.Index(fields=["village", "status"], name="household_village_status",
                                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"]),
                   models.Index(fields=["main_cause"], name="household_main_cause")]

    def __str__(self) -> str:
        return self.number

    @property
    def head(self):
        return next((m for m in self.current_members if m.relation == Relation.HEAD), None)

    @property
    def current_members(self) -> list["Member"]:
        return [m for m in self.members.all() if m.left_on is None]


class Member(models.Model):
    household = models.ForeignKey(Household, models.PROTECT, related_name="members",
                                  verbose_name=_("household"))
    name = models.CharField(_("name"), max_length=40)
    # Every lookup by ID number is of current members, which member_id_number_current_unique serves; a
    # second index over all members cost a million-member import 2 s (4 s on PostgreSQL, with its
    # pattern index) and was never used.
    id_number = models.CharField(_("resident ID number"), max_length=18)
    # Derived from the ID number when it is stored; never typed.
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"))
    relation = models.CharField(_("relation to head"), max_length=16, choices=Relation.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=8, choices=Ethnicity.choices,
                                 default=Ethnicity.HAN)
    education = models.CharField(_("education"), max_length=12, choices=Education.choices)
    in_school = models.BooleanField(_("in school"), default=False)
    health = models.CharField(_("health"), max_length=10, choices=Health.choices, default=Health.HEALTHY)
    disability_grade = models.PositiveSmallIntegerField(
        _("disability grade"), null=True, blank=True, choices=[(g, str(g)) for g in range(1, 5)])
    labour = models.CharField(_("labour capacity"), max_length=10, choices=Labour.choices)
    months_away = models.PositiveSmallIntegerField(_("months working away from home"), default=0)
    joined_on = models.DateField(_("registered in household on"))
    left_on = models.DateField(_("left household on"), null=True, blank=True)
    left_reason = models.CharField(_("reason for leaving"), max_length=12, choices=LeftReason.choices,
                                   blank=True)

    class Meta:
        ordering = ["household_id", "joined_on", "id"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            # A person is a current member of one household at most; closed memberships stay on record.
            models.UniqueConstraint(fields=["id_number"], condition=Q(left_on__isnull=True),
                                    name="member_id_number_current_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def working_away(self) -> bool:
        return self.months_away > 0

    def age_on(self, day) -> int:
        return rules.age_on(self.birth_date, day)


class Income(models.Model):
    """A household's income for one year, by source; net income per person is derived."""

    # Looked up by household through income_one_per_year's (household, year) index.
    household = models.ForeignKey(Household, models.PROTECT, related_name="incomes",
                                  verbose_name=_("household"), db_index=False)
    year = models.PositiveSmallIntegerField(_("year"))
    wages = models.DecimalField(_("wages"), **MONEY)
    production_income = models.DecimalField(_("production and business income"), **MONEY)
    production_costs = models.DecimalField(_("production and business costs"), **MONEY)
    property_income = models.DecimalField(_("property income"), **MONEY)
    family_planning_award = models.DecimalField(_("family-planning award"), **MONEY)
    subsistence_allowance = models.DecimalField(_("subsistence allowance"), **MONEY)
    five_guarantee_support = models.DecimalField(_("five-guarantee support"), **MONEY)
    pension = models.DecimalField(_("pension"), **MONEY)
    ecological_compensation = models.DecimalField(_("ecological compensation"), **MONEY)
    other_transfers = models.DecimalField(_("other transfer income"), **MONEY)

    TRANSFER_FIELDS = ("family_planning_award", "subsistence_allowance", "five_guarantee_support",
                       "pension", "ecological_compensation", "other_transfers")
    AMOUNT_FIELDS = ("wages", "production_income", "production_costs", "property_income", *TRANSFER_FIELDS)

    class Meta:
        ordering = ["household_id", "year"]
        verbose_name = _("income")
        verbose_name_plural = _("incomes")
        constraints = [models.UniqueConstraint(fields=["household", "year"], name="income_one_per_year")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}"

    @property
    def transfer_income(self) -> Decimal:
        return sum((getattr(self, f) for f in self.TRANSFER_FIELDS), Decimal("0.00"))

    @property
    def net_income(self) -> Decimal:
        return rules.net_income(self.wages, self.production_income, self.production_costs,
                                self.property_income, self.transfer_income)


class LivingConditions(models.Model):
    """A year's check of "two no worries, three guarantees" plus safe drinking water."""

    class HouseGrade(models.TextChoices):
        SAFE = "", _("not dangerous")
        C = "C", _("dangerous, grade C")
        D = "D", _("dangerous, grade D")

    household = models.ForeignKey(Household, models.PROTECT, related_name="conditions",
                                  verbose_name=_("household"))
    year = models.PositiveSmallIntegerField(_("year"))
    food_secure = models.BooleanField(_("no worry about food"), default=True)
    clothing_secure = models.BooleanField(_("no worry about clothing"), default=True)
    education_secure = models.BooleanField(_("compulsory education guaranteed"), default=True)
    medical_secure = models.BooleanField(_("basic medical care guaranteed"), default=True)
    housing_secure = models.BooleanField(_("safe housing guaranteed"), default=True)
    water_secure = models.BooleanField(_("safe drinking water"), default=True)
    dangerous_house_grade = models.CharField(_("dangerous house grade"), max_length=1,
                                             choices=HouseGrade.choices, blank=True)

    CHECK_FIELDS = ("food_secure", "clothing_secure", "education_secure", "medical_secure",
                    "housing_secure", "water_secure")

    class Meta:
        ordering = ["household_id", "year"]
        verbose_name = _("living conditions")
        verbose_name_plural = _("living conditions")
        constraints = [models.UniqueConstraint(fields=["household", "year"], name="conditions_one_per_year")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}"

    @property
    def checks(self) -> list[bool]:
        return [getattr(self, f) for f in self.CHECK_FIELDS]

    @property
    def all_secure(self) -> bool:
        return all(self.checks)


def _record(values: list | dict, fields: tuple[str, ...]) -> tuple[int, dict[str, str]]:
    """(id, values) of a record held in a creation event: a list in the fields' order, or (as events
    written before that form) an object."""
    if isinstance(values, list):
        values = {name: value for name, value in zip(fields, values, strict=True) if value != ""}
    return values.pop("id"), values


class AuditEvent(models.Model):
    """One changed field (or a creation, or a state change) of a household or its records."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        CHANGE = "change", _("changed")
        STATUS = "status", _("status changed")
        CLOSE = "close", _("closed")

    # Indexed only by (household, at), which serves every read; an import writes a row per new record,
    # and each further index would cost it another B-tree insert per row.
    household = models.ForeignKey(Household, models.PROTECT, related_name="audit_events", db_index=False)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("when"))
    entity = models.CharField(_("record"), max_length=16)
    entity_id = models.BigIntegerField(null=True)
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    field = models.CharField(_("field"), max_length=40, blank=True)
    old = models.TextField(_("old value"), blank=True)
    new = models.TextField(_("new value"), blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["household", "-at"])]

    def __str__(self) -> str:
        return f"{self.household_id} {self.action} {self.entity}.{self.field}"

    # An imported household's creation event also holds the members and the income created with it, each
    # as a list of values in these fields' order ("" for empty): a million-member import writes half the
    # text it would with the field names repeated in every member.
    IMPORTED_MEMBER_FIELDS = ("id", "name", "id_number", "relation", "ethnicity", "education", "in_school",
                              "health", "disability_grade", "labour", "months_away", "joined_on")
    IMPORTED_INCOME_FIELDS = ("id", "year", *Income.AMOUNT_FIELDS)

    @property
    def created_records(self) -> list[tuple[str, int | None, dict[str, str]]]:
        """A creation event's records as (entity, id, values as text), the household's members and income
        as records of their own (see IMPORTED_MEMBER_FIELDS)."""
        if self.action != self.Action.CREATE or not self.new.startswith("{"):
            return []
        values = json.loads(self.new)
        members, income = values.pop("members", []), values.pop("income", None)
        records = [(self.entity, self.entity_id, values)]
        records += [("member", *_record(member, self.IMPORTED_MEMBER_FIELDS)) for member in members]
        if income:
            records.append(("income", *_record(income, self.IMPORTED_INCOME_FIELDS)))
        return records

    @property
    def created_values(self) -> dict[str, str]:
        """The created record's own values as text, field by field (empty for other events)."""
        records = self.created_records
        return records[0][2] if records else {}


class ImportJob(models.Model):
    """One register file uploaded for import: kept under var/imports, run in its own process, reported."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("imported")
        REJECTED = "rejected", _("rejected, nothing imported")
        FAILED = "failed", _("failed")

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    original_name = models.CharField(_("file"), max_length=255)
    stored_path = models.CharField(max_length=500)
    partial = models.BooleanField(_("import the valid households only"), default=False)
    language = models.CharField(max_length=8, default="zh-hans")  # the report's language
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    pid = models.IntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)  # the import's counts
    report_path = models.CharField(max_length=500, blank=True)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.pk} {self.original_name} {self.state}"


class LikelyDuplicate(models.Model):
    """Two current members with the same name, birth date and village but different ID numbers: perhaps
    one person registered twice. An officer decides; the decision is audited on both households."""

    class State(models.TextChoices):
        OPEN = "open", _("to decide")
        DISTINCT = "distinct", _("different people")
        MERGED = "merged", _("merged")

    member = models.ForeignKey(Member, models.PROTECT, related_name="+", verbose_name=_("member"))
    other = models.ForeignKey(Member, models.PROTECT, related_name="+", verbose_name=_("possible duplicate"))
    village = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("village"))
    found_at = models.DateTimeField(_("found"), auto_now_add=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["village_id", "-found_at"]
        verbose_name = _("likely duplicate")
        verbose_name_plural = _("likely duplicates")
        constraints = [models.UniqueConstraint(fields=["member", "other"], name="one_flag_per_pair")]

    def __str__(self) -> str:
        return f"{self.member_id}~{self.other_id} {self.state}"


class ExportJob(models.Model):
    """A members .xlsx too large to build inside a web request: written by its own process under
    var/exports, then downloaded by the person who asked for it."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    # The household list's query string: the job applies the filter, not a list of households, so the
    # file holds the register as it is when the job runs, seen through the requester's post at that time.
    query = models.TextField(_("filter"), blank=True)
    language = models.CharField(max_length=8, default="zh-hans")  # headers and labels
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    pid = models.IntegerField(null=True, blank=True)
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("member rows"), null=True, blank=True)
    file_path = models.CharField(max_length=500, blank=True)
    # The post (role@area) the file was written under: once the requester's post changes, the file
    # holds what they may no longer see, so it is not handed out.
    written_for = models.CharField(max_length=40, blank=True)
    message = models.TextField(_("message"), blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"{self.pk} {self.query} {self.state}"

    @property
    def filter_text(self) -> str:
        """The filter as people read it: 马, not %E9%A9%AC."""
        return " ".join(f"{key}={value}" for key, value in parse_qsl(self.query) if value)

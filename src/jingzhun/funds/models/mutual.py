"""Village mutual funds (贫困村互助资金): capital from government and members, member households, loans
with their repayment schedules, and repayments."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jingzhun.areas.models import Area
from jingzhun.registry.models import Household

from .ledger import MONEY


class MutualFund(models.Model):
    """One village's fund: it stays in the village, takes no deposits and pays no dividends."""

    village = models.OneToOneField(Area, models.PROTECT, related_name="mutual_fund",
                                   verbose_name=_("village"))
    founded_on = models.DateField(_("founded on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    class Meta:
        ordering = ["village_id"]
        verbose_name = _("village mutual fund")
        verbose_name_plural = _("village mutual funds")

    def __str__(self) -> str:
        return f"{self.village_id} mutual fund"


class Membership(models.Model):
    """One member per household, one vote; members join and leave freely."""

    fund = models.ForeignKey(MutualFund, models.PROTECT, related_name="memberships", verbose_name=_("fund"))
    household = models.ForeignKey(Household, models.PROTECT, related_name="fund_memberships",
                                  verbose_name=_("household"))
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(pgettext_lazy("mutual fund member", "left on"), null=True, blank=True)
    shares = models.PositiveSmallIntegerField(_("shares"), default=1)

    class Meta:
        ordering = ["fund_id", "joined_on", "id"]
        verbose_name = _("member household")
        verbose_name_plural = _("member households")
        constraints = [models.UniqueConstraint(fields=["fund", "household"],
                                               condition=Q(left_on__isnull=True),
                                               name="one_current_membership")]

    def __str__(self) -> str:
        return f"{self.fund_id} {self.household_id}"


class Contribution(models.Model):
    """Capital paid in: by the government (including the base shares of poor households, paid from fiscal
    funds), by a member household, or by others."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("government capital")
        MEMBER = "member", _("member contribution")
        OTHER = "other", _("other contribution")

    fund = models.ForeignKey(MutualFund, models.PROTECT, related_name="contributions", verbose_name=_("fund"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    household = models.ForeignKey(Household, models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("household"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))

    class Meta:
        ordering = ["fund_id", "on", "id"]
        verbose_name = _("capital contribution")
        verbose_name_plural = _("capital contributions")

    def __str__(self) -> str:
        return f"{self.fund_id} {self.kind} {self.amount}"


class Loan(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", _("being repaid")
        REPAID = "repaid", _("repaid")
        WRITTEN_OFF = "written_off", _("written off")

    fund = models.ForeignKey(MutualFund, models.PROTECT, related_name="loans", verbose_name=_("fund"))
    household = models.ForeignKey(Household, models.PROTECT, related_name="mutual_loans",
                                  verbose_name=_("borrower household"))
    principal = models.DecimalField(_("principal (yuan)"), **MONEY)
    issued_on = models.DateField(_("issued on"))
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    fee_rate = models.DecimalField(_("occupancy fee per month"), max_digits=6, decimal_places=5)  # 0.008 = 8‰

    class Schedule(models.TextChoices):
        MATURITY = "maturity", _("principal and fees at the end of the term")
        MONTHLY = "monthly", _("equal principal every month, with the month's fee")

    schedule = models.CharField(_("repayment method"), max_length=10, choices=Schedule.choices,
                                default=Schedule.MATURITY)
    purpose = models.CharField(_("purpose"), max_length=120, blank=True)
    group = models.CharField(_("joint-liability group"), max_length=60, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.ACTIVE)
    # A written-off loan leaves the overdue list from this day on (it stays in the repayment rate).
    closed_on = models.DateField(_("written off on"), null=True, blank=True)
    close_reason = models.CharField(_("reason for writing off"), max_length=200, blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["fund_id", "issued_on", "id"]
        verbose_name = _("mutual fund loan")
        verbose_name_plural = _("mutual fund loans")

    def __str__(self) -> str:
        return f"{self.household_id} {self.principal} {self.issued_on}"


class Installment(models.Model):
    """One line of a loan's repayment schedule, fixed when the loan is issued."""

    loan = models.ForeignKey(Loan, models.PROTECT, related_name="installments", verbose_name=_("loan"))
    number = models.PositiveSmallIntegerField(_("number"))
    due_on = models.DateField(_("due on"))
    principal = models.DecimalField(_("principal due"), **MONEY)
    fee = models.DecimalField(_("fee due"), **MONEY)

    class Meta:
        ordering = ["loan_id", "number"]
        verbose_name = _("installment")
        verbose_name_plural = _("installments")
        constraints = [models.UniqueConstraint(fields=["loan", "number"], name="one_installment_number")]

    def __str__(self) -> str:
        return f"{self.loan_id} #{self.number} {self.due_on}"


class Repayment(models.Model):
    """Money a borrower paid back: the fee first, then principal (rules.split_payment)."""

    loan = models.ForeignKey(Loan, models.PROTECT, related_name="repayments", verbose_name=_("loan"))
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    principal = models.DecimalField(_("of which principal"), **MONEY)
    fee = models.DecimalField(_("of which fee"), **MONEY)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["loan_id", "paid_on", "id"]
        verbose_name = _("repayment")
        verbose_name_plural = _("repayments")

    def __str__(self) -> str:
        return f"{self.loan_id} {self.amount} {self.paid_on}"

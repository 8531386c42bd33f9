from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Key(models.TextChoices):
    POVERTY_LINE = "poverty_line", _("poverty line at current prices (yuan a person a year)")
    POVERTY_LINE_2010 = "poverty_line_2010", _("poverty line at 2010 prices (yuan a person a year)")
    MONITORING_THRESHOLD = "monitoring_threshold", _("monitoring threshold (yuan a person a year)")
    HARDSHIP_EXPENSE_RATIO = "hardship_expense_ratio", _(
        "sudden hardship: rigid expenses above this multiple of the year's net income")
    RISK_STABLE_MONTHS = "risk_stable_months", _("months of stable income before a risk is eliminated")
    EXIT_REQUIRES_WATER = "exit_requires_water", _(
        "household exit requires safe drinking water (1 yes, 0 no)")
    NOTICE_DAYS = "notice_days", _("days a public notice stays up")
    APPRAISAL_APPROVAL_MIN = "appraisal_approval_min", _(
        "democratic appraisal: votes in favour must exceed this share of those attending")
    VILLAGE_EXIT_INCIDENCE = "village_exit_incidence", _("village exit: poverty incidence below")
    COUNTY_EXIT_INCIDENCE = "county_exit_incidence", _("county exit: poverty incidence below")
    WRONG_EXIT_RATE_MAX = "wrong_exit_rate_max", _("third-party check: wrong-exit rate at most")
    MISSED_RATE_MAX = "missed_rate_max", _("third-party check: missed-identification rate at most")
    PUBLIC_APPROVAL_MIN = "public_approval_min", _("third-party check: public approval at least")
    SPOT_CHECK_SHARE = "spot_check_share", _("share of exited counties spot-checked by the centre")
    SAMPLE_VILLAGES = "sample_villages", _("third-party check: villages sampled per county")
    SAMPLE_HOUSEHOLDS_PER_VILLAGE = "sample_households_per_village", _(
        "third-party check: households sampled per sampled village")
    VISIT_INTERVAL_DAYS = "visit_interval_days", _("days from a helper's visit to the next one due")
    UNVISITED_ALERT_DAYS = "unvisited_alert_days", _("a household counts as unvisited after this many days")
    HELPER_HOUSEHOLDS_NORM = "helper_households_norm", _("households one helper answers for, at most")
    WORK_TEAM_MIN_MEMBERS = "work_team_min_members", _("resident work team: members at least")
    WORK_TEAM_TERM_YEARS = "work_team_term_years", _("resident work team: term of at least this many years")
    WORK_TEAM_AFTER_EXIT = "work_team_after_exit", _(
        "villages that left poverty keep a resident work team (1 yes, 0 no)")
    VILLAGE_INVESTMENT = "village_investment", _("investment standard per village (yuan)")
    MUTUAL_FUND_CAPITAL = "mutual_fund_capital", _("government capital of a village mutual fund (yuan)")
    MUTUAL_FUND_LOAN_MAX = "mutual_fund_loan_max", _("mutual fund: largest loan (yuan)")
    MUTUAL_FUND_TERM_MAX = "mutual_fund_term_max", _("mutual fund: longest loan term (months)")
    MUTUAL_FUND_FEE_RATE = "mutual_fund_fee_rate", _("mutual fund: occupancy fee per month")
    MUTUAL_FUND_RESERVE_SHARE = "mutual_fund_reserve_share", _(
        "mutual fund: share of fee income kept as reserve (lendable)")
    MUTUAL_FUND_MIN_HOUSEHOLDS = "mutual_fund_min_households", _(
        "mutual fund founding: more member households than this")
    MUTUAL_FUND_MIN_POOR_SHARE = "mutual_fund_min_poor_share", _(
        "mutual fund founding: more than this share of the member households poor")


class Standard(models.Model):
    """One figure of policy: a key, the jurisdiction it holds in, the years it holds for, its source.

    Jurisdiction: "" for the national rule, "west" for the western region, or an area code's prefix
    ("64" Ningxia, "6404" Guyuan) for a local override; the most specific one in force wins.
    Conflicting published figures are all kept, with only one of them in force.
    """

    key = models.CharField(_("standard"), max_length=40, choices=Key.choices)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=12, blank=True)
    year_from = models.PositiveSmallIntegerField(_("from year"))
    year_to = models.PositiveSmallIntegerField(_("until year"), null=True, blank=True)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=4)
    in_force = models.BooleanField(_("in force"), default=True)
    verified = models.BooleanField(_("verified against its source"), default=False)
    source = models.CharField(_("source"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["key", "jurisdiction", "year_from", "-in_force"]
        verbose_name = _("policy standard")
        verbose_name_plural = _("policy standards")

    def __str__(self) -> str:
        return f"{self.key} {self.jurisdiction or '*'} {self.year_from}-{self.year_to or ''} = {self.value}"


class StandardChange(models.Model):
    """The audit trail of the standards: who changed which field of which row, from what to what."""

    standard = models.ForeignKey(Standard, models.PROTECT, related_name="changes")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+",
                              verbose_name=_("by"))
    at = models.DateTimeField(_("when"))
    field = models.CharField(_("field"), max_length=40, blank=True)
    old = models.TextField(_("old value"), blank=True)
    new = models.TextField(_("new value"), blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("change of a standard")
        verbose_name_plural = _("changes of standards")

    def __str__(self) -> str:
        return f"{self.standard_id} {self.field} {self.at}"

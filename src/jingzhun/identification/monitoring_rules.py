"""Pure decisions of monitoring against return to poverty (防止返贫动态监测): whether a household is at
risk in a year and in which group, and whether a risk may be eliminated. No database: facts and the
year's standards come in as plain values; reasons go out as codes with their figures, so they read in
the language of whoever looks at them later."""

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from jingzhun.registry.choices import HouseholdStatus, Labour

UNSTABLE, MARGINAL, HARDSHIP = "unstable", "marginal", "hardship"  # Risk.Group values
EXITED_STATUSES = frozenset({HouseholdStatus.EXITED, HouseholdStatus.RETURNED})
# Registered poor households are helped as poor; closed records are no longer followed.
NOT_MONITORED = frozenset({HouseholdStatus.POOR, HouseholdStatus.CLOSED})
NO_LABOUR = frozenset({Labour.LOST, Labour.NONE})
# "Three guarantees and water": what elimination asks of the latest living conditions.
SECURE_FOR_ELIMINATION = (
    ("education_secure", _("compulsory education")),
    ("medical_secure", _("basic medical care")),
    ("housing_secure", _("safe housing")),
    ("water_secure", _("safe drinking water")),
)

TEXTS = {
    "unstable": _("Exited household: %(income)s yuan a person in %(year)s is below the monitoring "
                  "threshold of %(threshold)s yuan."),
    "marginal": _("Not registered poor: %(income)s yuan a person in %(year)s is below the monitoring "
                  "threshold of %(threshold)s yuan."),
    "hardship": _("Rigid expenses of %(expense)s yuan in %(year)s are above %(ratio)s times the year's net "
                  "income of %(net)s yuan."),
    "fallen_back": _("%(income)s yuan a person is below the %(year)s poverty line of %(line)s yuan: the "
                     "household has fallen back into poverty."),
    "return_recorded": _("Return to poverty recorded: %(text)s"),
}
CARRIED = _("(No threshold is set for %(year)s; the %(from)s threshold applies.)")
MONEY_KEYS = frozenset({"income", "threshold", "line", "expense", "net"})


def yuan(amount) -> str:
    return f"{Decimal(amount):,.2f}"


@dataclass(frozen=True)
class Reason:
    """Why a household is at risk: a code and the figures it names."""

    code: str
    values: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"code": self.code, **self.values}

    @property
    def text(self) -> str:
        return reason_text(self.as_json())


def reason_text(stored) -> str:
    """A stored reason in the active language (a plain string, from elsewhere, is shown as it is)."""
    if not isinstance(stored, dict) or stored.get("code") not in TEXTS:
        return str(stored.get("text", "") if isinstance(stored, dict) else stored)
    values = {k: yuan(v) if k in MONEY_KEYS and v is not None else v for k, v in stored.items()}
    text = str(TEXTS[stored["code"]]) % values
    if stored.get("carried_from"):
        text += " " + str(CARRIED % {"year": stored["year"], "from": stored["carried_from"]})
    return text


@dataclass(frozen=True)
class MonitoringFacts:
    """A household's year as monitoring reads it, with the year's standards where it lives."""

    year: int
    status: str
    threshold: Decimal  # policy key monitoring_threshold
    line: Decimal  # policy key poverty_line
    expense_ratio: Decimal  # policy key hardship_expense_ratio
    net_income: Decimal | None = None  # None: no income recorded for the year
    per_person: Decimal | None = None  # None: no income, or no members at the year's end
    hardship_expense: Decimal = Decimal("0")  # rigid expenses of the year's hardships
    threshold_carried_from: int | None = None


@dataclass(frozen=True)
class Assessment:
    group: str | None  # None: not at risk (or not known to be)
    reasons: tuple[Reason, ...] = ()
    fallen_back: bool = False  # an exited household below the poverty line itself

    @property
    def at_risk(self) -> bool:
        return self.group is not None


def assess(facts: MonitoringFacts) -> Assessment:
    """At risk or not, and in which group. One group a household and year: the income groups first (they
    say what the household is: exited, or never registered poor), a sudden hardship otherwise; every
    rule that holds gives its reason."""
    if facts.status in NOT_MONITORED:
        return Assessment(None)
    reasons: list[Reason] = []
    group = None
    income = {"income": _money(facts.per_person), "threshold": _money(facts.threshold), "year": facts.year,
              "carried_from": facts.threshold_carried_from}
    below_threshold = facts.per_person is not None and facts.per_person < facts.threshold
    if below_threshold and facts.status in EXITED_STATUSES:
        group = UNSTABLE
        reasons.append(Reason(UNSTABLE, income))
    elif below_threshold and facts.status == HouseholdStatus.NON_POOR:
        group = MARGINAL
        reasons.append(Reason(MARGINAL, income))
    if hardship_hit(facts):
        group = group or HARDSHIP
        reasons.append(Reason(HARDSHIP, {"expense": _money(facts.hardship_expense), "year": facts.year,
                                         "ratio": str(facts.expense_ratio.normalize()),
                                         "net": _money(facts.net_income)}))
    fallen_back = (facts.status == HouseholdStatus.EXITED and facts.per_person is not None
                   and facts.per_person < facts.line)
    if fallen_back:
        reasons.append(Reason("fallen_back", {"income": _money(facts.per_person), "line": _money(facts.line),
                                              "year": facts.year}))
    return Assessment(group, tuple(reasons), fallen_back)


def hardship_hit(facts: MonitoringFacts) -> bool:
    """Rigid expenses of the year strictly above the ratio times the year's net income; unknown (False)
    while no income is recorded for the year."""
    if facts.net_income is None or facts.hardship_expense <= 0:
        return False
    return facts.hardship_expense > facts.expense_ratio * facts.net_income


def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else str(Decimal(amount).quantize(Decimal("0.01")))


# Elimination ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EliminationFacts:
    opened_on: datetime.date  # when the risk was flagged
    today: datetime.date
    stable_months: int  # policy key risk_stable_months
    labours: tuple[str, ...]  # labour capacity of each current member
    income_year: int | None = None  # the latest year with income recorded
    per_person: Decimal | None = None
    threshold: Decimal | None = None  # the monitoring threshold of income_year
    conditions_year: int | None = None  # the latest year with living conditions recorded
    conditions: dict[str, bool] | None = None


@dataclass(frozen=True)
class Elimination:
    allowed: bool
    refusals: tuple[str, ...] = ()
    no_labour: bool = False  # nobody can work: the risk is closed with a reason, never eliminated
    months_open: int = 0


def able_to_work(labours) -> bool:
    return any(labour not in NO_LABOUR for labour in labours)


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole months from start to end, as add_months counts them (31 Jan to 28 Feb 2021 is one)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if add_months(start, months) > end else months


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it has fewer days."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def may_eliminate(facts: EliminationFacts) -> Elimination:
    """A risk is eliminated only when the latest income per person is at or above the threshold, the three
    guarantees and water are secure, it has been open the stable months, and someone can work."""
    refusals = []
    if not able_to_work(facts.labours):
        refusals.append(str(_("No member is able to work: the risk is never marked eliminated; close it "
                              "with a reason instead.")))
    if facts.per_person is None:
        refusals.append(str(_("No income per person is recorded.")))
    elif facts.threshold is None:
        refusals.append(str(_("No monitoring threshold is in force for %(year)s.")
                            % {"year": facts.income_year}))
    elif facts.per_person < facts.threshold:
        refusals.append(str(_("The latest income, %(income)s yuan a person in %(year)s, is below the "
                              "threshold of %(threshold)s yuan.") % {
            "income": yuan(facts.per_person), "year": facts.income_year, "threshold": yuan(facts.threshold)}))
    if facts.conditions is None:
        refusals.append(str(_("No living conditions are recorded.")))
    else:
        for name, label in SECURE_FOR_ELIMINATION:
            if not facts.conditions.get(name):
                refusals.append(str(_("Not secure in %(year)s: %(what)s.") % {
                    "what": label, "year": facts.conditions_year}))
    months = months_between(facts.opened_on, facts.today)
    if months < facts.stable_months:
        refusals.append(str(_("The risk has been open %(months)d months; it may be eliminated after "
                              "%(required)d, from %(date)s.") % {
            "months": months, "required": facts.stable_months,
            "date": add_months(facts.opened_on, facts.stable_months).isoformat()}))
    return Elimination(not refusals, tuple(refusals), not able_to_work(facts.labours), months)

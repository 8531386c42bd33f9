"""Pure decisions over policy data: which standard holds where and when, and whether a household meets
the identification and exit criteria of a year. No database: rows and facts come in as plain values."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

# The twelve provinces of the western development region (西部大开发): Inner Mongolia, Guangxi,
# Chongqing, Sichuan, Guizhou, Yunnan, Tibet, Shaanxi, Gansu, Qinghai, Ningxia, Xinjiang. Rules that
# read "3% in the west" are rows with jurisdiction "west".
WESTERN_PROVINCES = frozenset({"15", "45", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"})
WEST = "west"
# A year without its own row takes the latest earlier one for these keys, and says so: the line and the
# monitoring threshold are set yearly and published late, so the last one set holds until the next.
CARRIED_FORWARD = frozenset({"poverty_line", "monitoring_threshold"})

# The "two no worries, three guarantees", plus water from 2019: (field of a year's living conditions, label).
GUARANTEES = (
    ("food_secure", _("no worry about food")),
    ("clothing_secure", _("no worry about clothing")),
    ("education_secure", _("compulsory education guaranteed")),
    ("medical_secure", _("basic medical care guaranteed")),
    ("housing_secure", _("safe housing guaranteed")),
    ("water_secure", _("safe drinking water")),
)


class PolicyMissing(LookupError):
    """No standard in force for a key, year and area: officers must enter one first."""

    def __init__(self, key: str, year: int, area_code: str):
        self.key, self.year, self.area_code = key, year, area_code
        super().__init__(str(self.message))

    @property
    def message(self) -> str:
        return str(_("No standard “%(key)s” is in force for %(year)s in this area; enter it on the "
                     "standards page first.") % {"key": self.key, "year": self.year})


@dataclass(frozen=True)
class Row:
    key: str
    jurisdiction: str
    year_from: int
    year_to: int | None
    value: Decimal
    in_force: bool = True
    verified: bool = False
    source: str = ""
    pk: int | None = None

    def covers_year(self, year: int) -> bool:
        return self.year_from <= year and (self.year_to is None or year <= self.year_to)

    def specificity(self, area_code: str) -> int | None:
        """How closely this row's jurisdiction fits the area: None when it does not hold there."""
        if self.jurisdiction == "":
            return 0
        if self.jurisdiction == WEST:
            return 1 if area_code[:2] in WESTERN_PROVINCES else None
        return 1 + len(self.jurisdiction) if area_code.startswith(self.jurisdiction) else None


@dataclass(frozen=True)
class Resolved:
    key: str
    value: Decimal
    row: Row
    year: int
    carried_from: int | None = None  # the row's year, when it holds for a later year without its own

    @property
    def source(self) -> str:
        return self.row.source


class Standards:
    """The standards in force, answering value(key, year, area)."""

    def __init__(self, rows: Iterable[Row]):
        self.by_key: dict[str, list[Row]] = {}
        for row in rows:
            if row.in_force:
                self.by_key.setdefault(row.key, []).append(row)

    def get(self, key: str, year: int, area_code: str) -> Resolved | None:
        rows = [(row.specificity(area_code), row) for row in self.by_key.get(key, [])]
        rows = [(fit, row) for fit, row in rows if fit is not None]
        holding = [(fit, row) for fit, row in rows if row.covers_year(year)]
        if holding:
            _fit, row = max(holding, key=lambda item: (item[0], item[1].year_from))
            return Resolved(key, row.value, row, year)
        if key in CARRIED_FORWARD:
            earlier = [(fit, row) for fit, row in rows if row.year_from < year]
            if earlier:
                _fit, row = max(earlier, key=lambda item: (item[1].year_from, item[0]))
                return Resolved(key, row.value, row, year, carried_from=row.year_to or row.year_from)
        return None

    def value(self, key: str, year: int, area_code: str) -> Resolved:
        resolved = self.get(key, year, area_code)
        if resolved is None:
            raise PolicyMissing(key, year, area_code)
        return resolved


def overlapping(rows: Iterable[Row], candidate: Row) -> list[Row]:
    """Rows in force that would hold for the same key, jurisdiction and some year as the candidate."""
    end = candidate.year_to if candidate.year_to is not None else 10**4
    # A row without a pk (published data, a row not yet saved) is never the candidate itself.
    return [row for row in rows if row.in_force and (row.pk is None or row.pk != candidate.pk)
            and row.key == candidate.key and row.jurisdiction == candidate.jurisdiction
            and row.year_from <= end and candidate.year_from <= (row.year_to or 10**4)]


# Evaluation ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class HouseholdFacts:
    """What evaluation reads of a household for a year; None where nothing is recorded."""

    area_code: str  # the village's 12-digit code
    year: int
    net_income: Decimal | None = None
    persons: int = 0
    conditions: dict[str, bool] | None = None  # GUARANTEES field -> secure

    @property
    def per_person(self) -> Decimal | None:
        if self.net_income is None or self.persons <= 0:
            return None
        # Rounded as the registry rounds it (registry.rules.net_income_per_person), so the figure the
        # decision states is the one the household's page shows.
        return (Decimal(self.net_income) / self.persons).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Criterion:
    code: str  # "income" or a GUARANTEES field
    label: str
    holds: bool | None  # the household meets this standard (None: not recorded)
    reason: str
    value: str = ""
    threshold: str = ""


@dataclass(frozen=True)
class Evaluation:
    year: int
    criteria: list[Criterion] = field(default_factory=list)
    line: Resolved | None = None

    @property
    def eligible(self) -> bool | None:
        """Poor by the year's standard: True when any criterion fails, False when all hold, None when none
        fails but some are not recorded."""
        if any(c.holds is False for c in self.criteria):
            return True
        if any(c.holds is None for c in self.criteria):
            return None
        return False

    @property
    def meets_exit_criteria(self) -> bool:
        return self.eligible is False

    @property
    def failing(self) -> list[Criterion]:
        return [c for c in self.criteria if c.holds is False]

    @property
    def unknown(self) -> list[Criterion]:
        return [c for c in self.criteria if c.holds is None]

    def as_dict(self) -> dict:
        """A snapshot to keep with a decision: what was checked, against what, and the outcome."""
        return {
            "year": self.year, "eligible": self.eligible,
            "line": str(self.line.value) if self.line else None,
            "line_carried_from": self.line.carried_from if self.line else None,
            "criteria": [{"code": c.code, "label": c.label, "holds": c.holds, "reason": c.reason,
                          "value": c.value, "threshold": c.threshold} for c in self.criteria],
        }


def _yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def evaluate(facts: HouseholdFacts, standards: Standards) -> Evaluation:
    """Every criterion of the year checked, each with its reason: income per person against the line
    (poor means strictly below it), then each of the two no worries and three guarantees (and safe
    drinking water from the year it is required)."""
    line = standards.value("poverty_line", facts.year, facts.area_code)
    criteria = [_income_criterion(facts, line)]
    water = standards.get("exit_requires_water", facts.year, facts.area_code)
    required = [g for g in GUARANTEES if g[0] != "water_secure" or (water and water.value >= 1)]
    for name, label in required:
        secure = None if facts.conditions is None else facts.conditions.get(name)
        if secure is None:
            reason = _("Not recorded for %(year)s.") % {"year": facts.year}
        elif secure:
            reason = _("Secure in %(year)s.") % {"year": facts.year}
        else:
            reason = _("Not secure in %(year)s.") % {"year": facts.year}
        criteria.append(Criterion(name, str(label), secure, str(reason)))
    return Evaluation(facts.year, criteria, line)


def _income_criterion(facts: HouseholdFacts, line: Resolved) -> Criterion:
    label = str(_("net income per person"))
    threshold = _yuan(line.value)
    carried = ""
    if line.carried_from:
        carried = " " + str(_("(No line is set for %(year)s; the %(from)s line applies.)") % {
            "year": facts.year, "from": line.carried_from})
    per_person = facts.per_person
    if per_person is None:
        why = (_("No income recorded for %(year)s.") if facts.net_income is None
               else _("No members registered at the end of %(year)s."))
        return Criterion("income", label, None, str(why % {"year": facts.year}) + carried, "", threshold)
    values = {"income": _yuan(per_person), "line": threshold, "year": facts.year}
    if per_person < line.value:
        reason = _("%(income)s yuan a person is below the %(year)s line of %(line)s yuan.") % values
        return Criterion("income", label, False, str(reason) + carried, _yuan(per_person), threshold)
    reason = _("%(income)s yuan a person is at or above the %(year)s line of %(line)s yuan.") % values
    return Criterion("income", label, True, str(reason) + carried, _yuan(per_person), threshold)


def notice_ends(starts: datetime.date, days: int) -> datetime.date:
    """The first day a notice posted on `starts` may be taken down: it stays up `days` whole days."""
    return starts + datetime.timedelta(days=days)

"""Pure decisions over policy data: which standard holds where and when, and whether a household meets
the identification and exit criteria of a year. No database: rows and facts come in as plain values."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from jingzhun.registry.rules import net_income_per_person

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
        if self.net_income is None:
            return None
        # The registry's own derivation, so the figure the decision states is the one the household's
        # page shows.
        return net_income_per_person(self.net_income, self.persons)


@dataclass(frozen=True)
class Criterion:
    """One criterion checked: the facts of the check, its label and reason put into words when read, so a
    decision kept in the database reads in the language of whoever opens it."""

    code: str  # "income" or a GUARANTEES field
    holds: bool | None  # the household meets this standard (None: not recorded)
    year: int
    outcome: str  # below, at_or_above, no_income, no_members; secure, insecure, unrecorded
    value: str = ""  # income per person, as yuan text
    threshold: str = ""  # the line, as yuan text
    carried_from: int | None = None

    @property
    def label(self) -> str:
        return str(LABELS.get(self.code, self.code))

    @property
    def reason(self) -> str:
        values = {"income": self.value, "line": self.threshold, "year": self.year}
        text = str(REASONS[self.outcome] % values)
        if self.code == "income" and self.carried_from:
            text += " " + str(_("(No line is set for %(year)s; the %(from)s line applies.)") % {
                "year": self.year, "from": self.carried_from})
        return text

    def as_dict(self) -> dict:
        return {"code": self.code, "holds": self.holds, "year": self.year, "outcome": self.outcome,
                "value": self.value, "threshold": self.threshold, "carried_from": self.carried_from,
                "label": self.label, "reason": self.reason}


LABELS = {"income": _("net income per person"), **dict(GUARANTEES)}
REASONS = {
    "below": _("%(income)s yuan a person is below the %(year)s line of %(line)s yuan."),
    "at_or_above": _("%(income)s yuan a person is at or above the %(year)s line of %(line)s yuan."),
    "no_income": _("No income recorded for %(year)s."),
    "no_members": _("No members registered at the end of %(year)s."),
    "secure": _("Secure in %(year)s."),
    "insecure": _("Not secure in %(year)s."),
    "unrecorded": _("Not recorded for %(year)s."),
}


def criteria_from(snapshot: dict) -> list[Criterion]:
    """The criteria of an evaluation kept as Evaluation.as_dict()."""
    fields = ("code", "holds", "year", "outcome", "value", "threshold", "carried_from")
    return [Criterion(**{f: item.get(f) for f in fields}) for item in snapshot.get("criteria", [])
            if item.get("outcome") in REASONS]


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
            "criteria": [c.as_dict() for c in self.criteria],
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
    for name, _label in required:
        secure = None if facts.conditions is None else facts.conditions.get(name)
        outcome = "unrecorded" if secure is None else ("secure" if secure else "insecure")
        criteria.append(Criterion(name, secure, facts.year, outcome))
    return Evaluation(facts.year, criteria, line)


def _income_criterion(facts: HouseholdFacts, line: Resolved) -> Criterion:
    threshold, year, carried = _yuan(line.value), facts.year, line.carried_from
    per_person = facts.per_person
    if per_person is None:
        outcome = "no_income" if facts.net_income is None else "no_members"
        return Criterion("income", None, year, outcome, "", threshold, carried)
    below = per_person < line.value
    return Criterion("income", not below, year, "below" if below else "at_or_above", _yuan(per_person),
                     threshold, carried)


def notice_ends(starts: datetime.date, days: int) -> datetime.date:
    """The first day a notice posted on `starts` may be taken down: it stays up `days` whole days."""
    return starts + datetime.timedelta(days=days)

"""Pure decisions on the exit of a village or a county: no database.

Village (2016 opinion on the exit mechanism): a poor village that year, incidence below the threshold;
roads, water, electricity, clinic, school and collective income are considered and shown, not vetoes.
County: a poor county that year, incidence below the threshold, and the third-party check's vetoes, each
of which alone fails the county: wrong-exit rate over its maximum, missed rate over its maximum, public
approval under its minimum. A criterion keeps its figures and words its reason when read, so a report
kept with a case reads in the reader's language.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

RATE_PLACES = Decimal("0.000001")
RATE_CODES = ("wrong_exit", "missed", "approval")

# Village facilities considered (not vetoes), in the order shown.
CONSIDERATIONS = (
    ("roads", gettext_lazy("hardened road to the village")),
    ("water", gettext_lazy("safe drinking water")),
    ("electricity", gettext_lazy("electricity")),
    ("clinic", gettext_lazy("village clinic")),
    ("school", gettext_lazy("access to a school")),
    ("collective_income", gettext_lazy("collective income")),
)
LABELS = {
    "poor_village": gettext_lazy("a poor village in the year"),
    "poor_county": gettext_lazy("a poor county in the year"),
    "incidence": gettext_lazy("poverty incidence"),
    "wrong_exit": gettext_lazy("wrong-exit rate"),
    "missed": gettext_lazy("missed-identification rate"),
    "approval": gettext_lazy("public approval"),
    **dict(CONSIDERATIONS),
}


@dataclass(frozen=True)
class Limit:
    """A threshold of the year with where it comes from."""

    key: str
    value: Decimal
    source: str = ""

    def as_dict(self) -> dict:
        return {"key": self.key, "value": str(self.value), "percent": percent(self.value),
                "source": self.source}


def percent(share: Decimal | None) -> str:
    if share is None:
        return "—"
    text = f"{Decimal(share) * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def share(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATE_PLACES)


@dataclass(frozen=True)
class AreaCriterion:
    code: str
    passed: bool | None  # None: cannot be judged (no figures)
    veto: bool  # failing it alone fails the area; considerations are not vetoes
    figures: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return str(LABELS.get(self.code, self.code))

    @property
    def reason(self) -> str:
        f = self.figures
        if self.code in ("poor_village", "poor_county"):
            return (_("Flagged poor in %(year)s.") if self.passed else _("Not flagged poor in %(year)s.")) % f
        if self.code == "incidence":
            if self.passed is None:
                return _("No rural population is recorded for the year.")
            if self.passed:
                return _("%(rate)s (%(poor)s poor of %(population)s residents) is below %(limit)s.") % f
            return _("%(rate)s (%(poor)s poor of %(population)s residents) is not below %(limit)s.") % f
        if self.code in RATE_CODES:
            if self.passed is None:
                return _("No figures yet (%(count)s of %(base)s).") % f
            if self.code == "approval":
                text = (_("%(rate)s (%(count)s of %(base)s) is at least %(limit)s.") if self.passed
                        else _("%(rate)s (%(count)s of %(base)s) is under %(limit)s."))
            else:
                text = (_("%(rate)s (%(count)s of %(base)s) is at most %(limit)s.") if self.passed
                        else _("%(rate)s (%(count)s of %(base)s) is over %(limit)s."))
            return text % f
        if self.passed is None:
            return _("Not recorded.")
        return _("Yes.") if self.passed else _("No.")

    def as_dict(self) -> dict:
        return {"code": self.code, "passed": self.passed, "veto": self.veto, "figures": self.figures}


def criteria_from(rows: Iterable[dict]) -> list[AreaCriterion]:
    return [AreaCriterion(r["code"], r["passed"], r["veto"], r.get("figures", {})) for r in rows]


@dataclass(frozen=True)
class AreaDecision:
    criteria: tuple[AreaCriterion, ...]

    @property
    def passes(self) -> bool:
        return all(c.passed is True for c in self.criteria if c.veto)

    @property
    def failing(self) -> list[AreaCriterion]:
        return [c for c in self.criteria if c.veto and c.passed is not True]

    def explain_failing(self) -> str:
        return " ".join(f"{c.label}: {c.reason}" for c in self.failing)

    def as_list(self) -> list[dict]:
        return [c.as_dict() for c in self.criteria]


def _flag(code: str, flagged: bool, year: int) -> AreaCriterion:
    return AreaCriterion(code, flagged, True, {"year": year})


def incidence_criterion(poor: int, population: int, limit: Limit) -> AreaCriterion:
    passed = None if not population else Decimal(poor) < limit.value * population
    return AreaCriterion("incidence", passed, True, {
        "poor": poor, "population": population, "rate": percent(share(poor, population)),
        "limit": percent(limit.value)})


def village_exit(*, year: int, poor_village: bool, poor: int, population: int, limit: Limit,
                 considerations: dict[str, bool | None] | None = None) -> AreaDecision:
    considerations = considerations or {}
    return AreaDecision((
        _flag("poor_village", poor_village, year),
        incidence_criterion(poor, population, limit),
        *(AreaCriterion(code, considerations.get(code), False) for code, _label in CONSIDERATIONS),
    ))


@dataclass(frozen=True)
class SampleCounts:
    """What the field results add up to."""

    exited: int = 0  # exited households in the sample
    wrongly_exited: int = 0
    residents_checked: int = 0  # non-registered residents checked in the sampled villages
    missed_found: int = 0
    surveyed: int = 0
    approving: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class VetoLimits:
    wrong_exit_max: Limit
    missed_max: Limit
    approval_min: Limit


def _rate_figures(count: int, base: int, limit: Limit) -> dict:
    return {"count": count, "base": base, "rate": percent(share(count, base)), "limit": percent(limit.value),
            "share": None if share(count, base) is None else str(share(count, base))}


def _at_most(count: int, base: int, limit: Decimal) -> bool | None:
    return None if not base else Decimal(count) <= limit * base


def sample_vetoes(counts: SampleCounts, limits: VetoLimits) -> tuple[AreaCriterion, ...]:
    """The three vetoes of the third-party check, compared exactly; a rate with no base cannot be judged
    and so fails."""
    c, lim = counts, limits
    approval = None if not c.surveyed else Decimal(c.approving) >= lim.approval_min.value * c.surveyed
    return (
        AreaCriterion("wrong_exit", _at_most(c.wrongly_exited, c.exited, lim.wrong_exit_max.value), True,
                      _rate_figures(c.wrongly_exited, c.exited, lim.wrong_exit_max)),
        AreaCriterion("missed", _at_most(c.missed_found, c.residents_checked, lim.missed_max.value), True,
                      _rate_figures(c.missed_found, c.residents_checked, lim.missed_max)),
        AreaCriterion("approval", approval, True, _rate_figures(c.approving, c.surveyed, lim.approval_min)),
    )


def county_exit(*, year: int, poor_county: bool, poor: int, population: int, limit: Limit,
                vetoes: Iterable[AreaCriterion] = ()) -> AreaDecision:
    """Without sample vetoes this is the decision to apply; with them, the assessment."""
    return AreaDecision((_flag("poor_county", poor_county, year),
                         incidence_criterion(poor, population, limit), *vetoes))

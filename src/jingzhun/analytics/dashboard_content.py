"""A dashboard's content from an area's Figures: the tiles, the charts (server-side SVG from charts and
geo), the measures table with what each measure means, and the rows of the areas below."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from jingzhun.areas.models import Level

from . import charts, engine, geo
from .figures import Child, Figures

# The measures table: attribute of AreaYear, symbol, and what it says (shown under the table).
MEASURES = (
    ("p0", "P0", gettext_lazy("Headcount ratio: the share of persons whose income per person is below the "
                              "poverty line.")),
    ("p1", "P1", gettext_lazy("Poverty gap: the average shortfall of incomes from the line, as a share of "
                              "the line, counting zero for those above it.")),
    ("p2", "P2", gettext_lazy("Squared poverty gap (severity): the gap squared, so the poorest weigh more.")),
    ("watts", "W", gettext_lazy("Watts index: the average of ln(line ÷ income) over the poor; incomes "
                                "under one yuan count as one yuan.")),
    ("sen", "S", gettext_lazy("Sen index: the headcount and the gap together with the inequality among "
                              "the poor.")),
    ("gini", "G", gettext_lazy("Gini coefficient of income per person: 0 when all have the same, 1 when one "
                               "person has all.")),
    ("af_h", "H", gettext_lazy("Multidimensional headcount: the share of persons deprived in at least the "
                               "cut-off share of the weighted indicators.")),
    ("af_a", "A", gettext_lazy("Intensity: the average weighted share of indicators in which the "
                               "multidimensionally poor are deprived.")),
    ("af_m0", "M0", gettext_lazy("Adjusted headcount ratio, H × A: falls when fewer are poor and when the "
                                 "poor are deprived in fewer indicators.")),
)
INDICATOR_LABELS = {
    "income": pgettext_lazy("indicator", "income above the poverty line"),
    "food": pgettext_lazy("indicator", "no worry about food"),
    "clothing": pgettext_lazy("indicator", "no worry about clothing"),
    "education": pgettext_lazy("indicator", "compulsory education"),
    "medical": pgettext_lazy("indicator", "basic medical care"),
    "housing": pgettext_lazy("indicator", "safe housing"),
}


def percent(value: float | None, places: int = 2) -> str:
    return "—" if value is None else f"{value * 100:.{places}f}%"


def number(value: float | None, places: int = 4) -> str:
    return "—" if value is None else f"{value:.{places}f}"


def dashboard_url(code: str, year: int) -> str:
    return f"{reverse('analytics:dashboard', args=[code])}?year={year}"


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    value: str
    note: str = ""


def tiles(found: Figures) -> list[Tile]:
    row, incidence = found.current, found.incidence
    registered, helped = found.helper_coverage
    return [
        Tile("households", _("households with an income record"), f"{row.households:,}" if row else "0",
             _("%(persons)s persons") % {"persons": f"{row.persons:,}" if row else "0"}),
        Tile("poor", _("registered poor at the year end"),
             f"{incidence.poor:,}" if incidence else "0",
             _("persons, in %(households)s households")
             % {"households": f"{found.registered_poor_households:,}"}),
        Tile("incidence", _("poverty incidence"), incidence.percent if incidence else "—",
             _("registered poor ÷ %(residents)s rural residents")
             % {"residents": f"{incidence.population:,}" if incidence else "0"}),
        Tile("p0", _("income poverty headcount P0"), percent(row.p0 if row else None),
             _("income per person below %(line)s yuan") % {"line": f"{found.line:,.0f}"}),
        Tile("m0", _("multidimensional poverty M0"), number(row.af_m0 if row else None, 3),
             _("H %(h)s × A %(a)s") % {"h": percent(row.af_h if row else None, 1),
                                       "a": percent(row.af_a if row else None, 1)}),
        Tile("helpers", _("helper coverage"), percent(helped / registered if registered else None, 1),
             _("%(helped)s of %(registered)s registered poor households have a helper")
             % {"helped": f"{helped:,}", "registered": f"{registered:,}"}),
    ]


def trend_chart(found: Figures):
    """The full years only: a year just begun would draw its handful of households as the area's."""
    rates, full = dict(found.incidence_by_year), found.full_years
    rows = [row for row in found.by_year if row.year in full]
    return charts.line_chart([
        (_("poverty incidence"), [(y, float(rates[y].rate) if rates.get(y) and rates[y].rate is not None
                                   else None) for y in full]),
        (_("income poverty headcount P0"), [(row.year, row.p0) for row in rows]),
        (_("multidimensional poverty M0"), [(row.year, row.af_m0) for row in rows]),
    ], percent=True, title=_("Poverty over the years"), width=1000, height=300)


@dataclass(frozen=True)
class MeasuresRow:
    year: int
    households: int
    full: bool  # incomes of most households recorded (see figures.full_years)
    values: list[str]


def measures_rows(found: Figures) -> list[MeasuresRow]:
    full = set(found.full_years)
    return [MeasuresRow(row.year, row.households, row.year in full,
                        [number(getattr(row, name)) for name, _s, _t in MEASURES]) for row in found.by_year]


def deprivation_note() -> str:
    deprivation = engine.DEFAULT_DEPRIVATION
    return _("Indicators weighted %(weights)s; multidimensionally poor when deprived in at least %(k)s of "
             "the weighted indicators.") % {
        "weights": ", ".join(f"{INDICATOR_LABELS[name]} {weight:.2f}"
                             for name, weight in zip(engine.INDICATORS, deprivation.weights, strict=True)),
        "k": percent(deprivation.k, 1)}


def year_charts(found: Figures) -> dict:
    """The charts of the chosen year, keyed by their place on the page."""
    row = found.current
    indicators = [str(INDICATOR_LABELS[name]) for name in engine.INDICATORS]
    censored = list(zip(indicators, row.censored, strict=True)) if row else []
    contributions = list(zip(indicators, row.contributions, strict=True)) if row else []
    return {
        "histogram": charts.histogram(
            found.histogram, marker=found.line or None,
            marker_label=_("poverty line %(line)s yuan") % {"line": f"{found.line:,.0f}"},
            title=_("Persons by net income per person (yuan)")),
        "causes": charts.bar_chart([(label, households) for label, households, _p in found.causes],
                                   title=_("Registered poor households by main cause")),
        "censored": charts.bar_chart(censored, percent=True, title=_("Censored headcount by indicator")),
        "contributions": charts.bar_chart(contributions, percent=True,
                                          title=_("Contribution of each indicator to M0")),
        "delivered": charts.bar_chart(found.delivered, title=_("Plan measures delivered, by measure")),
        "funds": charts.bar_chart([(label, float(amount)) for label, amount in found.funds],
                                  title=_("Funds received, by source (yuan)")),
    }


def _rate(child: Child) -> float | None:
    rate = child.incidence.rate if child.incidence else None
    return None if rate is None else float(rate)


def area_map(found: Figures):
    """The counties of a province or prefecture on their real shapes, each linked to its dashboard; below
    a county, the parts as tiles in code order."""
    title = _("Poverty incidence %(year)s") % {"year": found.year}
    if found.area.level in (Level.PROVINCE, Level.PREFECTURE):
        counties = found.counties
        links = {c.area.code[:6]: dashboard_url(c.area.code, found.year) for c in counties}
        return geo.county_map({c.area.code[:6]: _rate(c) for c in counties}, province=found.area.code[:2],
                              links=links, names={c.area.code[:6]: c.area.name for c in counties},
                              title=title)
    if not found.children:
        return ""
    return geo.tile_map([(c.area.code, c.area.name, _rate(c)) for c in found.children],
                        links={c.area.code: dashboard_url(c.area.code, found.year) for c in found.children},
                        title=title)

"""The yearly report's later sections: the Alkire–Foster indicators, funds and projects, and the notes
(definitions, the line used, sources, when and by whom the report was made). Like report_content, each
builder returns a Table and must run with the reader's language active."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from . import report_content as content
from .report_content import COUNT, SHARE, YUAN, Cell, Table, by_year


def indicator_labels() -> dict[str, str]:
    """The six indicators of "two no worries, three guarantees" and income, by engine.INDICATORS' names."""
    return {
        "income": _("income below the poverty line"),
        "food": _("food not secure"),
        "clothing": _("clothing not secure"),
        "education": _("compulsory education not guaranteed"),
        "medical": _("basic medical care not guaranteed"),
        "housing": _("housing not safe"),
    }


def deprivation():
    """The indicators, weights and cut-off k the figures were measured with (the engine's default)."""
    from . import engine  # the engine loads DuckDB, which the page's other parts do not need

    return engine.INDICATORS, engine.DEFAULT_DEPRIVATION


def af_indicators(figures) -> Table:
    """Each indicator's weight, censored headcount (deprived and multidimensionally poor) and share of M0,
    in the year and the year before."""
    names, chosen = deprivation()
    labels = indicator_labels()
    years = by_year(figures)
    now = years.get(figures.year, (None, None))[0]
    before = years.get(figures.year - 1, (None, None))[0]

    def nth(measured, field: str, n: int):
        values = getattr(measured, field, None) if measured is not None else None
        return values[n] if values and n < len(values) else None

    rows = tuple((Cell(labels.get(name, name)), Cell(chosen.weights[n], SHARE),
                  Cell(nth(now, "censored", n), SHARE), Cell(nth(now, "contributions", n), SHARE),
                  Cell(nth(before, "censored", n), SHARE), Cell(nth(before, "contributions", n), SHARE))
                 for n, name in enumerate(names))
    header = (_("indicator"), _("weight"),
              _("censored headcount %(year)s") % {"year": figures.year},
              _("contribution to M0 %(year)s") % {"year": figures.year},
              _("censored headcount %(year)s") % {"year": figures.year - 1},
              _("contribution to M0 %(year)s") % {"year": figures.year - 1})
    return Table("af", _("Multidimensional poverty: indicators"), header, rows, tuple(names),
                 _("A person is multidimensionally poor when the weighted sum of their deprivations is at "
                   "least k = %(k)s. Censored headcount: the share of persons both deprived in the indicator "
                   "and multidimensionally poor.") % {"k": f"{chosen.k:.4g}"})


def funds(figures) -> Table:
    rows = tuple((Cell(label), Cell(amount, YUAN)) for label, amount in figures.funds)
    return Table("funds", _("Funds received by source"), (_("source"), _("received in the year (yuan)")),
                 rows)


def projects(figures) -> Table:
    rows = tuple((Cell(label), Cell(count, COUNT), Cell(investment, YUAN))
                 for label, count, investment in figures.projects)
    return Table("projects", _("Projects by kind"),
                 (_("project kind"), _("number of projects"), _("investment (yuan)")), rows)


def delivered(figures) -> Table:
    rows = tuple((Cell(label), Cell(count, COUNT)) for label, count in figures.delivered)
    return Table("delivered", _("Assistance measures delivered"),
                 (pgettext("assistance", "measure"), _("delivered in the year")), rows)


def helpers(figures) -> Table:
    registered, helped = figures.helper_coverage
    share = helped / registered if registered else None
    return Table("helpers", _("Helpers"), (_("item"), _("value")), (
        (Cell(_("registered poor households")), Cell(registered, COUNT)),
        (Cell(_("of which with a helper")), Cell(helped, COUNT)),
        (Cell(_("share with a helper")), Cell(share, SHARE))), ("registered", "helped", "share"))


def definitions() -> list[tuple[str, str]]:
    return [
        (_("poverty incidence"), _("registered poor persons (households poor or returned to poverty at the "
                                   "year end) ÷ the rural residents recorded for the area")),
        ("P0", _("share of persons whose household's net income per person is strictly below the line")),
        ("P1", _("mean over all persons of the income gap (line − income) ÷ line, the non-poor counting 0")),
        ("P2", _("mean of the squared gap: weighs the poorest more")),
        (_("Watts index"), _("mean over all persons of ln(line ÷ income), the non-poor counting 0; incomes "
                             "below 1 yuan count as 1 yuan")),
        (_("Sen index"), _("P0 × Gini among the poor + P1 × (1 − Gini among the poor)")),
        (_("Gini coefficient"), _("inequality of income per person over all persons, from the Lorenz curve "
                                  "(0 equal, 1 one person holds everything)")),
        ("H", _("multidimensional headcount: share of persons poor in the weighted indicators")),
        ("A", _("average share of weighted deprivations among the multidimensionally poor")),
        ("M0", _("adjusted headcount H × A; each indicator's contribution is its weight × its censored "
                 "headcount ÷ M0")),
    ]


def notes(figures, generated_by: str, at: datetime.datetime | None = None) -> Table:
    at = timezone.localtime(at or timezone.now())
    names, chosen = deprivation()
    labels = indicator_labels()
    weights = "; ".join(f"{labels.get(n, n)} {w:.4g}" for n, w in zip(names, chosen.weights, strict=True))
    items = [
        (_("area"), f"{figures.area.code} {figures.area.name}"),
        (_("year"), str(figures.year)),
        (_("poverty line used"), _("%(line)s yuan net income per person per year (the policy standard of "
                                   "the year)") % {"line": f"{figures.line:,.2f}"}),
        (_("weighting"), _("persons: each household counts as many times as it has members in the year")),
        (_("indicators and weights"), weights),
        (_("cut-off k"), f"{chosen.k:.4g}"),
        *definitions(),
        (_("sources"), _("the poverty registry (households, members, incomes, living conditions and the "
                         "status trail), the rural population of each area, the policy standards, the funds "
                         "ledger and projects, and the assistance plans")),
        (_("generated at"), at.strftime("%Y-%m-%d %H:%M %Z")),
        (_("generated by"), generated_by),
    ]
    return Table("notes", _("Notes"), (_("item"), _("text")),
                 tuple((Cell(label), Cell(text)) for label, text in items))


def all_tables(figures, generated_by: str, at: datetime.datetime | None = None) -> dict[str, Table]:
    tables = [content.summary(figures), content.measures_by_year(figures), content.children(figures),
              content.causes(figures), content.income_distribution(figures), af_indicators(figures),
              funds(figures), projects(figures), delivered(figures), helpers(figures),
              notes(figures, generated_by, at)]
    return {table.key: table for table in tables}


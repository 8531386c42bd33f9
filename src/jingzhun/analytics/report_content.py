"""What the yearly report of an area says, as tables of typed cells that the page, the .xlsx workbook and
the PDF all write: the same labels, the same values, one place. Every builder reads a `Figures` (see
figures.py) and nothing else, and must be called with the reader's language active (labels are
translated as the tables are built)."""

import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

# How a value is written: a count whole, a share as a percentage, an index to four places, money to the fen.
COUNT, SHARE, INDEX, YUAN, YEAR, TEXT = "count", "share", "index", "yuan", "year", "text"
EXCEL_FORMATS = {COUNT: "#,##0", SHARE: "0.00%", INDEX: "0.0000", YUAN: "#,##0.00", YEAR: "0", TEXT: "@"}
NUMERIC = frozenset({COUNT, SHARE, INDEX, YUAN, YEAR})


@dataclass(frozen=True)
class Cell:
    value: object
    kind: str = TEXT

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC

    @property
    def text(self) -> str:
        value = self.value
        if value is None:
            return "—"
        if self.kind == COUNT:
            return f"{int(value):,}"
        if self.kind == YEAR:
            return str(value)
        if self.kind == SHARE:
            return f"{float(value):.2%}"
        if self.kind == INDEX:
            return f"{float(value):.4f}"
        if self.kind == YUAN:
            return f"{Decimal(str(value)):,.2f}"
        return str(value)


@dataclass(frozen=True)
class Table:
    """One table of the report: `key` names it in the page (id="report-<key>") and in tests."""

    key: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    row_keys: tuple[str, ...] = ()
    note: str = ""

    def column(self, n: int) -> list:
        return [row[n].value for row in self.rows]

    def header_cells(self) -> list[tuple[str, bool]]:
        """Each header with whether its column holds numbers (aligned right, as they are)."""
        first = self.rows[0] if self.rows else ()
        return [(label, n < len(first) and first[n].numeric) for n, label in enumerate(self.header)]

    def keyed_rows(self) -> list[tuple[str, tuple[Cell, ...]]]:
        keys = self.row_keys or tuple("" for _row in self.rows)
        return list(zip(keys, self.rows, strict=True))


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    kind: str
    short: str  # the wide tables' column header (the notes define each)


def measures() -> list[Measure]:
    """The figures of an area in a year, in the order the summary and the tables by year give them."""
    return [
        Measure("households", _("households with the year's income recorded"), COUNT,
                pgettext("short", "households")),
        Measure("persons", _("persons in those households"), COUNT, pgettext("short", "persons")),
        Measure("poor_households", _("registered poor households"), COUNT,
                pgettext("short", "poor households")),
        Measure("poor_persons", _("registered poor persons"), COUNT, pgettext("short", "poor persons")),
        Measure("incidence", _("poverty incidence (registered poor ÷ rural residents)"), SHARE,
                pgettext("short", "incidence")),
        Measure("mean_income", _("mean net income per person (yuan)"), YUAN,
                pgettext("short", "mean income (yuan)")),
        Measure("p0", _("headcount ratio P0 (income below the line)"), SHARE, "P0"),
        Measure("p1", _("poverty gap index P1"), INDEX, "P1"),
        Measure("p2", _("squared poverty gap P2"), INDEX, "P2"),
        Measure("watts", _("Watts index"), INDEX, pgettext("short", "Watts")),
        Measure("sen", _("Sen index"), INDEX, pgettext("short", "Sen")),
        Measure("gini", _("Gini coefficient of income"), INDEX, pgettext("short", "Gini")),
        Measure("af_h", _("multidimensional headcount H"), SHARE, "H"),
        Measure("af_a", _("average deprivation share A"), SHARE, "A"),
        Measure("af_m0", _("adjusted headcount M0"), INDEX, "M0"),
    ]


# AreaYear's field for each measure the engine computes (incidence comes from identification instead).
FIELDS = {"households": "households", "persons": "persons", "poor_households": "registered_poor_households",
          "poor_persons": "registered_poor_persons", "mean_income": "mean_income", "p0": "p0", "p1": "p1",
          "p2": "p2", "watts": "watts", "sen": "sen", "gini": "gini", "af_h": "af_h", "af_a": "af_a",
          "af_m0": "af_m0"}


def value_of(key: str, measured, incidence) -> object:
    """One figure from an AreaYear (`measured`) and an Incidence, either of which may be missing."""
    if key == "incidence":
        rate = incidence.rate if incidence is not None else None
        return None if rate is None else float(rate)
    if measured is None:
        return None
    value = getattr(measured, FIELDS[key])
    return None if value is None else (float(value) if isinstance(value, float | Decimal) else value)


def by_year(figures) -> dict[int, tuple]:
    """{year: (AreaYear or None, Incidence or None)} for every year the figures hold."""
    measured = {row.year: row for row in figures.by_year}
    incidence = dict(figures.incidence_by_year)
    return {year: (measured.get(year), incidence.get(year))
            for year in sorted({*figures.years, *measured, *incidence})}


def _change(now, before, kind: str):
    if now is None or before is None or kind == TEXT:
        return None
    if kind == YUAN:
        return round(float(now) - float(before), 2)
    return now - before


def summary(figures) -> Table:
    """The year's figures beside the previous year's, and the change."""
    years = by_year(figures)
    now = years.get(figures.year, (None, None))
    before = years.get(figures.year - 1, (None, None))
    rows = []
    for m in measures():
        a, b = value_of(m.key, *now), value_of(m.key, *before)
        rows.append((Cell(m.label), Cell(a, m.kind), Cell(b, m.kind), Cell(_change(a, b, m.kind), m.kind)))
    header = (pgettext("report", "figure"), str(figures.year), str(figures.year - 1),
              pgettext("difference", "change"))
    return Table("summary", _("Summary"), header, tuple(rows), tuple(m.key for m in measures()),
                 _("Change: the year's figure less the previous year's (a share's change in percentage "
                   "points)."))


def measures_by_year(figures) -> Table:
    chosen = measures()
    rows = [(Cell(year, YEAR), *(Cell(value_of(m.key, *pair), m.kind) for m in chosen))
            for year, pair in by_year(figures).items()]
    return Table("years", _("Measures by year"), (_("year"), *(m.short for m in chosen)), tuple(rows),
                 tuple(str(year) for year in by_year(figures)))


# The figures a child area's row shows: its counts, its incidence and the main measures.
CHILD_MEASURES = ("households", "persons", "poor_persons", "incidence", "mean_income", "p0", "p1", "p2",
                  "watts", "sen", "gini", "af_h", "af_a", "af_m0")


def children(figures) -> Table:
    chosen = [m for m in measures() if m.key in CHILD_MEASURES]
    rows = [(Cell(child.area.code), Cell(child.area.name),
             *(Cell(value_of(m.key, child.measures, child.incidence), m.kind) for m in chosen))
            for child in figures.children]
    return Table("children", _("Areas within"), (_("code"), _("area"), *(m.short for m in chosen)),
                 tuple(rows), tuple(child.area.code for child in figures.children))


def causes(figures) -> Table:
    rows = [(Cell(label), Cell(households, COUNT), Cell(persons, COUNT))
            for label, households, persons in figures.causes]
    return Table("causes", _("Main causes of poverty"),
                 (pgettext("poverty", "main cause"), _("registered poor households"), _("persons")),
                 tuple(rows), note=_("Registered poor households at the year end, by their main cause."))


def income_distribution(figures) -> Table:
    rows = [(Cell(bin_label(lo, hi)), Cell(_finite(lo), YUAN), Cell(_finite(hi), YUAN), Cell(persons, COUNT))
            for lo, hi, persons in figures.histogram]
    return Table("incomes", _("Income distribution"),
                 (_("net income per person (yuan)"), _("from (yuan)"), _("below (yuan)"), _("persons")),
                 tuple(rows), note=_("Persons by their household's net income per person in the year; the "
                                     "poverty line was %(line)s yuan.") % {"line": f"{figures.line:,.2f}"})


def _finite(edge):
    # An open first or last bin has an infinite edge, which a workbook cannot hold: left blank.
    return None if edge is None or math.isinf(edge) else edge


def bin_label(lo, hi) -> str:
    if _finite(lo) is None:
        return _("below %(hi)s") % {"hi": f"{hi:,.0f}"}
    if _finite(hi) is None:
        return _("%(lo)s and more") % {"lo": f"{lo:,.0f}"}
    return f"{lo:,.0f}–{hi:,.0f}"


def title(figures) -> str:
    return _("Yearly poverty report: %(area)s, %(year)s") % {"area": figures.area.name, "year": figures.year}


def file_name(figures, suffix: str) -> str:
    """The download's name in the reader's language (Chinese names go out as RFC 5987 filename*)."""
    name = _("poverty report %(area)s %(year)s") % {"area": figures.area.name, "year": figures.year}
    return f"{name}.{suffix}"

"""Everything an area's dashboard and its yearly report show, for one year: the measures over the years (the
engine, over the Parquet snapshot), poverty incidence (the registered poor as identification.incidence
counts them, from the same snapshot: figures_registry), the next level down, the income distribution,
causes, and the help and money that reached the area (figures_help). The caller has checked the reader may
see the area: nothing here is scoped."""

from dataclasses import dataclass
from decimal import Decimal

from jingzhun.areas.models import LEVEL_ORDER, PREFIX_LENGTH, Area, Level
from jingzhun.identification.incidence import Incidence
from jingzhun.registry.models import Cause

from . import figures_help, figures_memo, figures_registry
from .engine import AreaYear


@dataclass(frozen=True)
class Child:
    area: Area
    incidence: Incidence | None
    measures: AreaYear | None


@dataclass(frozen=True)
class Figures:
    area: Area
    year: int
    years: list[int]  # years with data
    by_year: list[AreaYear]  # this area, every year
    incidence_by_year: list[tuple[int, Incidence]]  # registered poor persons ÷ rural residents
    children: list[Child]  # the next level down, for `year`
    histogram: list[tuple[float, float, int]]  # persons by per-person income in `year`
    line: float  # the poverty line of `year`
    causes: list[tuple[str, int, int]]  # main cause (label), households, persons: registered poor
    delivered: list[tuple[str, int]]  # plan measures delivered in `year`, by measure
    funds: list[tuple[str, Decimal]]  # received in `year`, by source
    projects: list[tuple[str, int, Decimal]]  # the year's projects by kind: count, budget
    helper_coverage: tuple[int, int]  # registered poor households at the year end, those with a helper
    # Counties inside a province or prefecture, for the map (the province's children are prefectures).
    counties: list[Child] = ()
    registered_poor_households: int = 0  # at the year end, with anyone registered (figures_registry)

    @property
    def current(self) -> AreaYear | None:
        """This area's measures in `year`."""
        return next((row for row in self.by_year if row.year == self.year), None)

    @property
    def incidence(self) -> Incidence | None:
        return dict(self.incidence_by_year).get(self.year)

    @property
    def full_years(self) -> list[int]:
        """The years whose incomes cover most households (see full_years): a trend's points."""
        return full_years(self.by_year)


def child_level(level: str) -> str | None:
    index = LEVEL_ORDER.index(level)
    return LEVEL_ORDER[index + 1] if index + 1 < len(LEVEL_ORDER) else None


def figures(area_code: str, year: int | None = None) -> Figures:
    """The area's figures in `year` (None: the latest year with data)."""
    area = Area.objects.select_related("parent").get(code=area_code)
    prefix = area.prefix
    source = figures_memo.registry()
    by_year = source.measures(level=len(prefix), within=prefix)
    years = sorted({row.year for row in by_year})
    if year is None:
        year = default_year(by_year)
    below = child_level(area.level)
    map_level = Level.COUNTY if area.level in (Level.PROVINCE, Level.PREFECTURE) else None
    counts = figures_registry.incidence(source, prefix, sorted({*years, year}),
                                        [PREFIX_LENGTH[lv] for lv in (below, map_level) if lv])
    poor = figures_registry.poor_ids(source, counts, prefix, year)
    children = _children(source, area, below, year, counts) if below else []
    counties = [] if not map_level else children if map_level == below else \
        _children(source, area, map_level, year, counts)
    line = figures_registry.poverty_line(year, area.code)
    return Figures(
        area=area, year=year, years=years, by_year=by_year,
        incidence_by_year=[(y, counts.by_year.get(y, Incidence(0, 0))) for y in years],
        children=children, counties=counties,
        histogram=_histogram(source, prefix, year, line),
        line=line, causes=_causes(source, prefix, year),
        delivered=figures_help.delivered(prefix, year), funds=figures_help.funds(prefix, year),
        projects=figures_help.projects(prefix, year),
        helper_coverage=figures_help.helper_coverage(prefix, year, poor),
        registered_poor_households=counts.households.get(year, 0))


def full_years(by_year: list[AreaYear]) -> list[int]:
    """The years whose incomes cover at least half as many households as the fullest year's: a year just
    begun, with a few incomes recorded early, would show a handful of households as the area."""
    fullest = max((row.households for row in by_year), default=0)
    return [row.year for row in by_year if row.households * 2 >= fullest]


def default_year(by_year: list[AreaYear]) -> int:
    """The latest of the full years."""
    return max(full_years(by_year), default=figures_registry.this_year())


def _children(source: figures_memo.Registry, area: Area, level: str, year: int,
              counts: figures_registry.Counts) -> list[Child]:
    length = PREFIX_LENGTH[level]
    areas = Area.objects.filter(level=level, code__startswith=area.prefix).order_by("code")
    rows = source.measures(level=length, within=area.prefix, years=[year])
    measures = {row.area: row for row in rows}
    by_code = counts.children(length, year)
    return [Child(child, by_code.get(child.code[:length]), measures.get(child.code[:length]))
            for child in areas]


BINS_PER_LINE, LINES = 4, 3


def _histogram(source: figures_memo.Registry, prefix: str, year: int, line: float
               ) -> list[tuple[float, float, int]]:
    """Bins a quarter of the line wide from zero to three lines, so the line falls on an edge. Incomes
    below zero (costs above takings) and from three lines up fall in one open bin each (an infinite edge:
    charts.histogram draws it one step wide, labelled "< 0" and "≥ three lines"; the report's table says
    "and more"): a chart has no room for the few far out."""
    step = line / BINS_PER_LINE if line > 0 else 500.0
    top = step * BINS_PER_LINE * LINES
    edges = [float("-inf"), *(step * i for i in range(BINS_PER_LINE * LINES + 1)), float("inf")]
    bins = source.income_histogram(within=prefix, year=year, edges=edges)
    # An empty open bin says nothing: leave it off.
    return [b for b in bins if b[2] or (b[0] >= 0 and b[1] <= top)]


def _causes(source: figures_memo.Registry, prefix: str, year: int) -> list[tuple[str, int, int]]:
    names = {cause.code: str(cause) for cause in Cause.objects.all()}
    rows = source.cause_counts(within=prefix, year=year)
    return sorted(((names.get(code or "", code or "—"), households, persons)
                   for code, households, persons in rows if households),
                  key=lambda row: (-row[2], row[0]))

"""The yearly report's charts, drawn by analytics.charts and analytics.geo as inline SVG: the same drawings
on the report's page and in its PDF. Call with the reader's language active."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from jingzhun.areas.models import Area, Level

from . import charts, geo
from .report_content import by_year, measures, value_of
from .report_sections import deprivation, indicator_labels
from .report_xlsx import TREND_KEYS


def trend(figures):
    """Incidence, P0 and M0 by year: the first page's chart. As on the dashboard, a year whose incomes
    cover few households (one just begun) is left out: its measures would draw a spike from a handful."""
    labels = {m.key: m.label for m in measures()}
    full = set(figures.full_years)
    years = {year: pair for year, pair in by_year(figures).items() if year in full}
    series = [(labels[key], [(year, value_of(key, *pair)) for year, pair in years.items()])
              for key in TREND_KEYS]
    return charts.line_chart(series, percent=True, title=_("Incidence, P0 and M0 by year"))


def causes(figures):
    if not figures.causes:
        return ""
    return charts.bar_chart([(label, households) for label, households, _persons in figures.causes],
                            title=_("Registered poor households by main cause"))


def incomes(figures):
    if not figures.histogram:
        return ""
    return charts.histogram(figures.histogram, marker=figures.line,
                            marker_label=_("poverty line %(line)s yuan") % {"line": f"{figures.line:,.0f}"},
                            title=_("Persons by net income per person (yuan)"))


def contributions(figures):
    names, _chosen = deprivation()
    current = next((row for row in figures.by_year if row.year == figures.year), None)
    if current is None or not current.contributions:
        return ""
    labels = indicator_labels()
    return charts.bar_chart([(labels.get(name, name), share)
                             for name, share in zip(names, current.contributions, strict=False)],
                            percent=True, title=_("Contributions of the indicators to M0"))


def _rate(child) -> float | None:
    rate = child.incidence.rate if child.incidence is not None else None
    return None if rate is None else float(rate)


def _link(code: str, year: int) -> str:
    return f"{reverse('analytics:report', args=[code])}?{urlencode({'year': year})}"


def area_map(figures, *, links: bool):
    """The counties coloured by incidence where the area holds counties (a province, a prefecture: its
    counties only) or is one (itself highlighted among the province's); elsewhere its parts as tiles."""
    area, year = figures.area, figures.year
    title = _("Poverty incidence, %(year)s") % {"year": year}
    counties = list(getattr(figures, "counties", ()) or ())
    if area.level == Level.COUNTY:
        own = dict(figures.incidence_by_year).get(year)
        rate = None if own is None or own.rate is None else float(own.rate)
        province = Area.objects.filter(level=Level.COUNTY, code__startswith=area.code[:2])
        names = {county.code: county.name for county in province}
        return geo.county_map({area.code: rate}, province=area.code[:2], highlight=area.code[:6], names=names,
                              title=title, percent=True)
    if counties:
        values = {child.area.code: _rate(child) for child in counties}
        hrefs = {child.area.code: _link(child.area.code, year) for child in counties} if links else None
        within = area.prefix if area.level == Level.PREFECTURE else ""
        return geo.county_map(values, province=area.code[:2], links=hrefs, title=title, percent=True,
                              names={child.area.code: child.area.name for child in counties}, within=within)
    if not figures.children:
        return ""
    tiles = [(child.area.code, child.area.name, _rate(child)) for child in figures.children]
    hrefs = {child.area.code: _link(child.area.code, year) for child in figures.children} if links else None
    return geo.tile_map(tiles, links=hrefs, title=title, percent=True)


def children_tiles(figures, *, links: bool):
    """A county's townships as tiles, beside the county's place on the province's map."""
    if figures.area.level != Level.COUNTY or not figures.children:
        return ""
    year = figures.year
    tiles = [(child.area.code, child.area.name, _rate(child)) for child in figures.children]
    hrefs = {child.area.code: _link(child.area.code, year) for child in figures.children} if links else None
    title = _("Townships: poverty incidence, %(year)s") % {"year": year}
    return geo.tile_map(tiles, links=hrefs, title=title, percent=True)


def all_charts(figures, *, links: bool) -> dict:
    return {"trend": trend(figures), "map": area_map(figures, links=links),
            "tiles": children_tiles(figures, links=links), "causes": causes(figures),
            "incomes": incomes(figures), "contributions": contributions(figures)}

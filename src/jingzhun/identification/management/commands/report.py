"""`jingzhun report poverty-rates | village-exits | county-exit`: poverty incidence by year, and the exit
reports of villages and counties, printed as tables (the county report also as .xlsx)."""

import unicodedata
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from jingzhun.areas.models import Area, AreaFlag, Level
from jingzhun.errors import DomainError
from jingzhun.identification import area_rules, exit_reports, exit_workbook, incidence

LANGUAGES = {"zh-hans": "zh-hans", "zh": "zh-hans", "en": "en"}
PROVINCE = "640000000000"
LEVELS = [Level.PREFECTURE, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE]


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(header: list[str], rows: list[list[str]]) -> str:
    """Columns padded to their widest cell, counting a Chinese character as two."""
    cells = [header, *rows]
    widths = [max(width(str(row[i])) for row in cells) for i in range(len(header))]
    return "\n".join("  ".join(str(c) + " " * (w - width(str(c))) for c, w in zip(row, widths, strict=True))
                     .rstrip() for row in cells)


def _name(item: dict) -> str:
    return item["name_en"] if translation.get_language().startswith("en") else item["name_zh"]


def _mark(passed) -> str:
    return {True: _("met"), False: _("not met"), None: _("unknown")}[passed]


def criteria_lines(report: dict) -> list[str]:
    lines = []
    for c in area_rules.criteria_from(report["criteria"]):
        kind = _("veto") if c.veto else _("considered")
        lines.append(f"  [{_mark(c.passed)}] {c.label} ({kind}): {c.reason}")
    return lines


def report_text(report: dict) -> str:
    figures = report["incidence"]
    lines = [f"{report['area']['code']} {_name(report['area'])} — {report['year']}",
             _("Poverty incidence: %(rate)s (%(poor)s poor of %(population)s residents)") % {
                 "rate": figures["percent"], "poor": figures["poor"], "population": figures["population"]},
             _("Exit criteria met: %(yes)s") % {"yes": _("yes") if report["passes"] else _("no")},
             _("Criteria:"), *criteria_lines(report), _("Thresholds:")]
    lines += [f"  {t['key']}: {t['percent']} — {t['source']}" for t in report["thresholds"]]
    remaining = report["remaining"]
    lines.append(_("Households still poor: %(count)s (%(persons)s persons)") % remaining)
    if report.get("villages"):
        lines.append(_("Poor villages:"))
        lines.append(table([_("code"), _("village"), _("still poor"), _("poverty incidence")],
                           [[v["code"], _name(v), _("yes") if v["still_poor"] else _("no"), v["percent"]]
                            for v in report["villages"]]))
    sample = report.get("sample")
    if sample is not None:
        lines.append(_("Third-party sample: seed %(seed)s, drawn %(at)s") % {"seed": sample["seed"],
                                                                             "at": sample["drawn_at"]})
        lines.append(_("Sample results complete: %(yes)s") % {
            "yes": _("yes") if sample["results"].get("complete") else _("no")})
    elif report["kind"] == "county_exit":
        lines.append(_("No third-party sample drawn for this county and year."))
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Poverty incidence by year, and the exit reports of villages and counties."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        rates = sub.add_parser("poverty-rates", help="incidence by year of every area of a level")
        rates.add_argument("--level", choices=[str(v) for v in LEVELS], default=Level.COUNTY)
        rates.add_argument("--from", dest="first", type=int, default=2014)
        rates.add_argument("--to", dest="last", type=int, default=2021)
        rates.add_argument("--area", default=PROVINCE, help="the area whose parts are listed (Ningxia)")
        rates.add_argument("--detail", action="store_true", help="poor persons / rural residents too")
        villages = sub.add_parser("village-exits", help="the exit report of each poor village of a year")
        villages.add_argument("--year", type=int, required=True)
        villages.add_argument("--county", help="a county code (default: every county)")
        county = sub.add_parser("county-exit", help="a county's exit report")
        county.add_argument("--county", required=True)
        county.add_argument("--year", type=int, required=True)
        county.add_argument("--xlsx", help="also write the report to this .xlsx file")
        for each in (rates, villages, county):
            each.add_argument("--language", choices=sorted(LANGUAGES), default="zh-hans",
                              help="labels in Chinese (default) or English")

    def handle(self, *args, what, language, **options):
        with translation.override(LANGUAGES[language]):
            try:
                text = {"poverty-rates": self.rates, "village-exits": self.village_exits,
                        "county-exit": self.county_exit}[what](**options)
            except DomainError as error:
                raise CommandError(str(error.message)) from None
        self.stdout.write(text)

    def rates(self, *, level, first, last, area, detail, **_options) -> str:
        parent = Area.objects.filter(code=area).first()
        if parent is None:
            raise CommandError(_("There is no area with the code %(code)s.") % {"code": area})
        if parent.level in LEVELS and LEVELS.index(level) <= LEVELS.index(parent.level):
            raise CommandError(_("Choose a level below the area's."))
        if first > last:
            raise CommandError(_("--from must not be after --to."))
        years = list(range(first, last + 1))
        rows = incidence.rates_by_year(parent.prefix, level, years)

        def cell(figure: incidence.Incidence) -> str:
            return f"{figure.percent} ({figure.poor}/{figure.population})" if detail else figure.percent

        whole = incidence.tally(parent.prefix, years, len(parent.prefix))
        total = [parent.code, parent.name,
                 *(cell(whole.get((parent.prefix, y), incidence.Incidence(0, 0))) for y in years)]
        return table([_("code"), pgettext("area", "name"), *map(str, years)],
                     [[row.code, row.name, *(cell(row.by_year[y]) for y in years)] for row in rows] + [total])

    def village_exits(self, *, year, county, **_options) -> str:
        prefix = exit_reports.area_of(county, Level.COUNTY).prefix if county else PROVINCE[:2]
        flags = AreaFlag.objects.filter(kind=AreaFlag.Kind.POOR_VILLAGE, area__code__startswith=prefix)
        codes = sorted({flag.area_id for flag in flags if flag.active_in(year)})
        if not codes:
            return _("No poor villages in %(year)s.") % {"year": year}
        rows, passing = [], 0
        for code in codes:
            report = exit_reports.village_exit_report(code, year)
            passing += report["passes"]
            failing = area_rules.AreaDecision(tuple(area_rules.criteria_from(report["criteria"]))).failing
            rows.append([code, _name(report["area"]), report["incidence"]["percent"],
                         f"{report['incidence']['poor']}/{report['incidence']['population']}",
                         _("yes") if report["passes"] else _("no"), "; ".join(c.label for c in failing)])
        summary = _("%(passing)s of %(total)s poor villages meet the exit criteria for %(year)s.") % {
            "passing": passing, "total": len(codes), "year": year}
        return table([_("code"), _("village"), _("poverty incidence"), _("poor/residents"),
                      _("exit criteria met"), _("not met")], rows) + "\n" + summary

    def county_exit(self, *, county, year, xlsx=None, **_options) -> str:
        report = exit_reports.county_exit_report(county, year)
        if xlsx:
            Path(xlsx).write_bytes(exit_workbook.workbook(report))
        return report_text(report)

"""Poor villages and poor counties leaving poverty: one exited AreaCase each, with its procedure events
(machine.py's VILLAGE_EXIT and COUNTY_EXIT steps), its closed notice and a report of the incidence it
exited on. Village exits of a county's evaluated year come before the county applies."""

import datetime
import json

from jingzhun.areas.models import Area
from jingzhun.identification import area_rules, exit_reports, incidence
from jingzhun.identification.models import AreaCase
from jingzhun.policy import queries as policy
from jingzhun.policy.models import Key

from . import calibration as cal
from .history import NOTICE_DAYS

D = datetime.date
VILLAGE_STEPS = (("propose", "", "proposed"), ("post_notice", "proposed", "notice"),
                 ("approve", "notice", "exited"))
COUNTY_STEPS = (("apply", "", "applied"), ("city_review", "applied", "reviewed"),
                ("assess", "reviewed", "assessed"), ("post_notice", "assessed", "notice"),
                ("approve", "notice", "exited"))


def county_code(county: str) -> str:
    return f"{county}000000"


def village_exit_days(rng, county: str, year: int) -> list[datetime.date]:
    """propose, post the township notice, approve."""
    evaluated = cal.COUNTY_EXITS.get(county)
    if evaluated and evaluated[0] == year:
        low, high = cal.VILLAGE_EXITS_BEFORE_APPLICATION
        propose = D.fromisoformat(evaluated[1][0]) - datetime.timedelta(days=rng.randint(low, high))
    else:
        propose = D(year, 12, rng.randint(1, 10))
    posted = propose + datetime.timedelta(days=rng.randint(0, 2))
    return [propose, posted, posted + datetime.timedelta(days=NOTICE_DAYS + rng.randint(0, 3))]


def village_report(area: dict, year: int, poor: int, population: int, remaining: dict, limit) -> dict:
    """A village's exit report as exit_reports.village_exit_report makes it, from the figures in hand (one
    report per village read back from the database would take a second each on the big demo). The
    facilities considered are all in place in the demo."""
    considerations = {code: True for code, _label in area_rules.CONSIDERATIONS}
    decision = area_rules.village_exit(year=year, poor_village=True, poor=poor, population=population,
                                       limit=limit, considerations=considerations)
    return {"kind": "village_exit", "area": area, "year": year,
            "incidence": incidence.Incidence(poor, population).as_dict(), "thresholds": [limit.as_dict()],
            "considerations": considerations, "criteria": decision.as_list(), "passes": decision.passes,
            "remaining": remaining}


class AreaRows:
    def __init__(self, to_text, area_case_id: int, notice_id: int):
        self.to_text, self.area_case_id, self.notice_id = to_text, area_case_id, notice_id
        self.tables: dict[str, list] = {"area_case": [], "event": [], "notice": []}

    def exit(self, kind: str, area: str, year: int, steps, days, figures: dict) -> int:
        to_text = self.to_text
        case_id = self.area_case_id
        self.area_case_id += 1
        self.tables["area_case"].append((case_id, kind, area, year, "exited", None, to_text(days[0]),
                                         to_text(days[-1]), json.dumps(figures)))
        for (step, old, new), day in zip(steps, days, strict=True):
            self.tables["event"].append((None, case_id, step, old, new, None, to_text(day), "", "{}"))
        posted = days[-2]
        self.tables["notice"].append((self.notice_id, None, case_id, 1, area, posted.isoformat(),
                                      (posted + datetime.timedelta(days=NOTICE_DAYS)).isoformat(),
                                      days[-1].isoformat()))
        self.notice_id += 1
        return case_id

    def villages(self, rng, exit_years: dict[str, int], poor: dict, populations: dict, found: dict) -> None:
        """`found`: {(village, year): {household id: (village, persons)}} of the households poor then."""
        table = policy.standards()
        areas = {a.code: {"code": a.code, "name_zh": a.name_zh, "name_en": a.name_en, "level": a.level}
                 for a in Area.objects.filter(code__in=list(exit_years))}
        for code in sorted(exit_years):
            year = exit_years[code]
            people = populations.get(code, {}).get(year, 0)
            households = found.get((code, year), {})
            remaining = (exit_reports.remaining_poor(code, year, found={year: households}) if households
                         else {"count": 0, "persons": 0, "households": []})
            limit = exit_reports.limit(Key.VILLAGE_EXIT_INCIDENCE, year, code, table)
            figures = village_report(areas[code], year, poor.get(code, {}).get(year, 0), people, remaining,
                                     limit)
            days = village_exit_days(rng, code[:6], year)
            self.exit("village_exit", code, year, VILLAGE_STEPS, days, figures)

    def counties(self) -> None:
        """The 9 poor counties' exits; their reports are made once the cases are written (keep_reports)."""
        for county in cal.POOR_COUNTIES:
            year, dates = cal.COUNTY_EXITS[county]
            self.exit("county_exit", county_code(county), year, COUNTY_STEPS,
                      [D.fromisoformat(d) for d in dates], {})


def keep_county_report(county: str, sample=None) -> dict:
    """exit_reports' county report, kept with the county's exit case as area_actions keeps it (the sample
    without its unit lists)."""
    year = cal.COUNTY_EXITS[county][0]
    report = exit_reports.county_exit_report(county_code(county), year, sample=sample)
    if report.get("sample"):
        report["sample"] = {k: v for k, v in report["sample"].items() if k not in ("villages", "households")}
    AreaCase.objects.filter(kind="county_exit", area_id=county_code(county), year=year).update(report=report)
    return report

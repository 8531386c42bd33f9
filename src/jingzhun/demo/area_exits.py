"""Poor villages and poor counties leaving poverty: one exited AreaCase each, with its procedure events
(machine.py's VILLAGE_EXIT and COUNTY_EXIT steps), its closed notice and a report of the incidence it
exited on. Village exits of a county's evaluated year come before the county applies."""

import datetime
import json

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


def report(year: int, poor_persons: int, population: int | None, **extra) -> dict:
    incidence = round(poor_persons / population, 6) if population else None
    return {"year": year, "poor_persons": poor_persons, "population": population, "incidence": incidence,
            "threshold": cal.WEST_EXIT_INCIDENCE, "passed": incidence is not None and
            incidence < cal.WEST_EXIT_INCIDENCE, "source": "synthetic demo", **extra}


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

    def villages(self, rng, exit_years: dict[str, int], poor: dict, populations: dict) -> None:
        for code in sorted(exit_years):
            year = exit_years[code]
            people = populations.get(code, {}).get(year)
            figures = report(year, poor.get(code, {}).get(year, 0), people)
            days = village_exit_days(rng, code[:6], year)
            self.exit("village_exit", code, year, VILLAGE_STEPS, days, figures)

    def counties(self, exit_years: dict[str, int], poor: dict, populations: dict) -> dict[str, dict]:
        """The 9 poor counties' exits; returns each county's report."""
        reports = {}
        for county in cal.POOR_COUNTIES:
            year, dates = cal.COUNTY_EXITS[county]
            codes = [c for c in populations if c.startswith(county)]
            people = sum(populations[c][year] for c in codes)
            villages = [c for c in exit_years if c.startswith(county)]
            figures = report(year, sum(poor.get(c, {}).get(year, 0) for c in codes), people or None,
                             poor_villages=len(villages),
                             poor_villages_exited=sum(1 for c in villages if exit_years[c] <= year))
            self.exit("county_exit", county_code(county), year, COUNTY_STEPS,
                      [D.fromisoformat(d) for d in dates], figures)
            reports[county] = figures
        return reports

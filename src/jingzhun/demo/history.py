"""What happens to one demo household from its registration to the end of 2021, and the rows it leaves.

The generator drew each household's fate (household.Fate: registered, exited, returned, closed); this
module dates it: the identification procedure in the registration year, the exit procedure in the exit
year, the status changes in the registry's audit trail, then 2020 (everyone still poor exits) and 2021
(a few fall back). Step and state names are machine.py's; the dates follow its order and the notice
periods. Rows are tuples in the column order of years.TABLES.
"""

import datetime
import json
from dataclasses import dataclass

from . import calibration as cal
from .names import Weighted

D = datetime.date
DAY = datetime.timedelta(days=1)
NOTICE_DAYS = 7  # policy notice_days (standards.csv), the same every year of the demo
POOR = ("poor", "returned")
HARDSHIP_KINDS = Weighted(cal.HARDSHIPS)
IDENTIFICATION_STEPS = (("apply", "", "applied"), ("appraise", "applied", "appraised"),
                        ("post_notice", "appraised", "first_notice"),
                        ("township_review", "first_notice", "township_reviewed"),
                        ("county_approve", "township_reviewed", "second_notice"),
                        ("register", "second_notice", "registered"))
EXIT_STEPS = (("propose", "", "proposed"), ("verify", "proposed", "verified"),
              ("appraise", "verified", "appraised"), ("post_notice", "appraised", "notice"),
              ("approve", "notice", "exited"))
# Objections and hardship notes are what villagers write: kept in Chinese, as the register is.
OBJECTIONS = (
    ("该户家中有车辆，收入情况需要核实。", "经入户核实，车辆为亲属所有，收入情况属实，异议不成立。"),
    ("该户子女在外务工，收入可能偏高。", "经核实，子女已分户另过，不计入本户收入，异议不成立。"),
    ("听说该户在县城有房。", "经住建部门比对，该户在县城无房产登记，异议不成立。"),
)
HARDSHIP_NOTES = {"illness": "家庭成员患重病住院，医疗支出大。", "disaster": "冰雹灾害，庄稼和房屋受损。",
                  "job_loss": "外出务工人员失业返乡。"}


@dataclass(slots=True)
class Home:
    """A generated household as the years read it back."""

    id: int
    village: str
    registered_year: int
    registered_on: datetime.date
    fate: object  # household.Fate
    persons: dict  # members at each year end, 2014-2021
    income_2019: tuple | None  # the 2019 Income row's amounts, bulk.TABLES order

    @property
    def county(self) -> str:
        return self.village[:6]


@dataclass(slots=True)
class Story:
    changes: list  # (day, old status, new status, reason key), in order
    registration: list  # the identification steps' days
    exits: list  # (year, the exit steps' days)
    objection: bool
    near_threshold: bool = False
    returned_2021: bool = False

    def status_at(self, year: int) -> str:
        """As incidence reads the trail: the last change by year end, else the first one's old value."""
        end = D(year, 12, 31)
        status = self.changes[0][1]
        for day, _old, new, _reason in self.changes:
            if day > end:
                break
            status = new
        return status

    @property
    def final(self) -> str:
        return self.changes[-1][2]


def _day_in(rng, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=int(rng.random() * ((end - start).days + 1)))


_GAPS = [datetime.timedelta(days=n) for n in range(32)]


def _gap(rng, low: int, high: int) -> datetime.timedelta:
    return _GAPS[low + int(rng.random() * (high - low + 1))]


def registration_days(rng, start: datetime.date) -> list[datetime.date]:
    """apply, appraise, first notice, township review, county approval (second notice), registration:
    each notice up its full days, all within the registration year."""
    gaps = [_gap(rng, 2, 10), _gap(rng, 0, 2), _gap(rng, 0, 4), _gap(rng, 1, 6), _gap(rng, 0, 3)]
    notice = datetime.timedelta(days=NOTICE_DAYS)
    if start + sum(gaps, datetime.timedelta()) + 2 * notice > D(start.year, 12, 28):
        gaps = [DAY, 0 * DAY, 0 * DAY, DAY, 0 * DAY]
    appraise = start + gaps[0]
    posted = appraise + gaps[1]
    reviewed = posted + notice + gaps[2]
    approved = reviewed + gaps[3]
    return [start, appraise, posted, reviewed, approved, approved + notice + gaps[4]]


def exit_window(county: str, year: int) -> tuple[datetime.date, datetime.date]:
    """When exit proposals of a year are made: before the county's application in its evaluated year
    (its figures are then final), else in the autumn."""
    evaluated = cal.COUNTY_EXITS.get(county)
    if evaluated and evaluated[0] == year:
        applied = D.fromisoformat(evaluated[1][0])
        return D(year, 3, 1), applied - datetime.timedelta(days=cal.EXITS_BEFORE_APPLICATION)
    return D(year, 8, 15), D(year, 10, 31)


def return_window(county: str, year: int) -> tuple[datetime.date, datetime.date]:
    start, end = exit_window(county, year)
    return (start, end) if start.month == 3 else (D(year, 4, 1), end)


def exit_days(rng, county: str, year: int) -> list[datetime.date]:
    """propose, verify, appraise, notice, approve."""
    propose = _day_in(rng, *exit_window(county, year))
    verify = propose + _gap(rng, 1, 5)
    appraise = verify + _gap(rng, 1, 6)
    posted = appraise + _gap(rng, 0, 2)
    approve = posted + datetime.timedelta(days=NOTICE_DAYS) + _gap(rng, 0, 4)
    return [propose, verify, appraise, posted, approve]


def story(rng, home: Home) -> Story:
    fate, county = home.fate, home.county
    registration = registration_days(rng, home.registered_on)
    changes = [(registration[-1], "applicant", "poor", "register")]
    exits = []
    status = "poor"
    if fate.close_year:
        changes.append((_day_in(rng, D(fate.close_year, 9, 15), D(fate.close_year, 11, 30)), "poor", "closed",
                        "close"))
        return Story(changes, registration, exits, rng.random() < cal.OBJECTION_SHARE)
    if fate.exit_year:
        days = exit_days(rng, county, fate.exit_year)
        exits.append((fate.exit_year, days))
        changes.append((days[-1], "poor", "exited", "exit"))
        status = "exited"
    if fate.return_year:
        changes.append((_day_in(rng, *return_window(county, fate.return_year)), "exited", "returned",
                        "return"))
        status = "returned"
    if status in POOR:  # all poor lifted by the end of 2020 (rules.md)
        days = exit_days(rng, county, 2020)
        exits.append((2020, days))
        changes.append((days[-1], status, "exited", "exit"))
    told = Story(changes, registration, exits, rng.random() < cal.OBJECTION_SHARE)
    draw = rng.random()
    if draw < cal.RETURNED_2021_SHARE:
        fall_back(rng, told)
    elif draw < cal.RETURNED_2021_SHARE + cal.NEAR_THRESHOLD_SHARE:
        told.near_threshold = True
    return told


def fall_back(rng, told: Story) -> None:
    """An exited household back below the line in 2021: returned to poverty."""
    told.returned_2021, told.near_threshold = True, False
    told.changes.append((_day_in(rng, D(2021, 4, 1), D(2021, 10, 31)), "exited", "returned", "return"))


class Rows:
    """Row lists by table for a run of households, with the ids the cases and notices take."""

    def __init__(self, to_text, reasons: dict[str, str], case_id: int, notice_id: int):
        self.to_text, self.reasons = to_text, reasons
        self.case_id, self.notice_id = case_id, notice_id
        self.tables: dict[str, list] = {}

    def add(self, table: str, row: tuple) -> None:
        self.tables.setdefault(table, []).append(row)

    def take(self) -> dict[str, list]:
        tables, self.tables = self.tables, {}
        return tables

    def household(self, rng, home: Home, told: Story) -> None:
        to_text = self.to_text
        for day, old, new, reason in told.changes:
            self.add("audit", (home.id, None, to_text(day), "household", home.id, "status", "status", old,
                               new, self.reasons[reason]))
        self._identification(rng, home, told)
        for year, days in told.exits:
            self._exit(rng, home, year, days)
        if home.fate.close_year is None:
            self._years_2020_2021(rng, home, told)

    def _case(self, home: Home, kind: str, year: int, state: str, channel: str, days, meeting,
              agrees) -> int:
        case_id = self.case_id
        self.case_id += 1
        meeting_on, attendance, votes_for, against, abstentions = meeting
        self.add("case", (case_id, kind, home.id, year, state, channel, None, self.to_text(days[0]),
                          self.to_text(days[-1]), meeting_on.isoformat(), attendance, votes_for, against,
                          abstentions, "{}", agrees))
        return case_id

    def _events(self, case_id: int, steps, days, data: dict) -> None:
        events = self.tables.setdefault("event", [])
        to_text = self.to_text
        for (step, old, new), day in zip(steps, days, strict=True):
            events.append((case_id, None, step, old, new, None, to_text(day), "", data.get(step, "{}")))

    def _notice(self, case_id: int, home: Home, round_: int, posted, closed) -> int:
        notice_id = self.notice_id
        self.notice_id += 1
        ends = posted + datetime.timedelta(days=NOTICE_DAYS)
        self.add("notice", (notice_id, case_id, None, round_, home.village, posted.isoformat(),
                            ends.isoformat(), closed.isoformat()))
        return notice_id

    @staticmethod
    def _votes(rng, day) -> tuple:
        attendance = 25 + int(rng.random() * 36)
        against, abstentions = int(rng.random() * 4), int(rng.random() * 3)
        return day, attendance, attendance - against - abstentions, against, abstentions

    def _identification(self, rng, home: Home, told: Story) -> None:
        days = told.registration
        meeting = self._votes(rng, days[1])
        channel = "cadre" if rng.random() < 0.3 else "household"
        case_id = self._case(home, "identification", home.registered_year, "registered", channel, days,
                             meeting, None)
        self._events(case_id, IDENTIFICATION_STEPS, days, {"appraise": _vote_data(meeting)})
        first = self._notice(case_id, home, 1, days[2], days[3])
        self._notice(case_id, home, 2, days[4], days[5])
        if told.objection:
            text, answer = OBJECTIONS[int(rng.random() * len(OBJECTIONS))]
            filed = days[2] + _gap(rng, 1, NOTICE_DAYS - 1)
            self.add("objection", (first, self.to_text(filed), text, "", answer, "dismissed", None,
                                   self.to_text(min(filed + _gap(rng, 1, 3), days[3]))))

    def _exit(self, rng, home: Home, year: int, days) -> None:
        meeting = self._votes(rng, days[2])
        case_id = self._case(home, "exit", year, "exited", "cadre", days, meeting, True)
        self._events(case_id, EXIT_STEPS, days, {"appraise": _vote_data(meeting), "verify": NOT_ELIGIBLE})
        self._notice(case_id, home, 1, days[3], days[4])

    def _years_2020_2021(self, rng, home: Home, told: Story) -> None:
        amounts = home.income_2019
        if amounts is None:
            return
        net = amounts[0] + amounts[1] - amounts[2] + sum(amounts[3:])
        per_person = net / max(1, home.persons[2019])
        line = cal.LINE_2020
        if told.exits and told.exits[-1][0] == 2020:
            pp_2020 = line * rng.uniform(*cal.EXIT_2020_INCOME)
        else:
            pp_2020 = max(per_person * rng.uniform(*cal.GROWTH_2020), line * rng.uniform(1.03, 1.2))
        pp_2021 = pp_2020 * rng.uniform(*cal.GROWTH_2021)
        if told.returned_2021:
            pp_2021 = line * rng.uniform(*cal.RETURNED_2021_INCOME)
        elif told.near_threshold:
            pp_2021 = rng.uniform(*cal.NEAR_THRESHOLD_INCOME)
            pp_2020 = min(pp_2020, max(line * 1.03, pp_2021 / rng.uniform(1.0, 1.05)))
        for year, target in ((2020, pp_2020), (2021, pp_2021)):
            factor = target * max(1, home.persons[year]) / net if net > 0 else 1.0
            self.add("income", (home.id, year, *(int(a * factor + 0.5) for a in amounts)))
            fallen = told.returned_2021 and year == 2021
            self.add("conditions", (home.id, year, True, True, True, not fallen or rng.random() < 0.5, True,
                                    True, ""))
        if rng.random() < cal.HARDSHIP_2021_SHARE:
            kind = HARDSHIP_KINDS.draw(rng)
            occurred = _day_in(rng, D(2021, 1, 10), D(2021, 11, 30))
            expense = int(rng.uniform(*cal.HARDSHIP_EXPENSE[kind]))
            self.add("hardship", (home.id, kind, occurred.isoformat(), expense, HARDSHIP_NOTES[kind], None,
                                  self.to_text(occurred + _gap(rng, 1, 10))))


NOT_ELIGIBLE = json.dumps({"eligible": False})


def _vote_data(meeting) -> str:
    _day, attendance, votes_for, against, abstentions = meeting
    return json.dumps({"for": votes_for, "against": against, "abstentions": abstentions,
                       "attendance": attendance})

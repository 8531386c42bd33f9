"""One synthetic household: its fate by end 2019, causes, members with ID numbers, incomes, conditions.

Rows are plain tuples in the column order of bulk.TABLES, built without the ORM for speed.
"""

import datetime
from dataclasses import dataclass
from functools import lru_cache

from . import calibration as cal
from . import members as people_of
from .ids import birth_code
from .incomes import condition_rows, income_rows
from .names import Weighted, full_name
from .villages import exit_years

REGISTERED = Weighted(cal.REGISTERED_YEAR)
TYPES = Weighted(cal.HOUSEHOLD_TYPE)
OTHER_COUNT = Weighted(cal.OTHER_CAUSE_COUNT)
ORIGINS = Weighted(cal.HONGSIBAO_ORIGINS)
GROUPS = "一二三四五六七八九十"
MOBILE_PREFIXES = ("130", "131", "133", "135", "137", "139", "150", "151", "153", "155", "157", "158",
                   "159", "177", "180", "181", "183", "186", "187", "189", "199")
# The 2014 registration campaign ran from April to October; later re-checks in the autumn.
CAMPAIGN = {2014: (datetime.date(2014, 4, 1), 210)}
AUTUMN_DAYS = 90


_DAYS: dict[int, tuple[str, str, int]] = {}


def day_text(ordinal: int) -> tuple[str, str, int]:
    """(ISO date, YYYYMMDD, year) of a day ordinal; cached, as members share birth days."""
    text = _DAYS.get(ordinal)
    if text is None:
        day = datetime.date.fromordinal(ordinal)
        text = _DAYS[ordinal] = (day.isoformat(), f"{day:%Y%m%d}", day.year)
    return text


@dataclass(slots=True)
class Fate:
    status: str
    registered_year: int
    exit_year: int | None = None
    return_year: int | None = None
    close_year: int | None = None

    @property
    def last_year(self) -> int:
        return self.close_year or 2019

    def poor_in(self, year: int) -> bool:
        if self.exit_year is None or year < self.exit_year:
            return True
        return self.return_year is not None and year >= self.return_year


def draw_fate(rng, county: str) -> Fate:
    registered = REGISTERED.draw(rng)
    still, returned, closed = cal.STATUS_SHARES.get(county, cal.OTHER_STATUS_SHARES)
    r = rng.random()
    last = cal.LAST_EXIT_YEAR.get(county, 2019)
    if r < still:
        return Fate("poor", registered)
    if r < still + returned:
        exit_year = _exit_year(rng, county, registered, 2018)
        return Fate("returned", registered, exit_year, rng.randint(exit_year + 1, 2019))
    if r < still + returned + closed:
        # Wrongly registered households were struck off by the next re-check.
        return Fate("closed", registered, close_year=max(registered + 1, 2015 + (rng.random() < 0.5)))
    return Fate("exited", registered, _exit_year(rng, county, registered, last))


def _exit_year(rng, county: str, registered: int, last: int) -> int:
    years = _exit_years_after(county, registered, last)
    return years.draw(rng) if years else min(registered + 1, last)


@lru_cache(maxsize=512)
def _exit_years_after(county: str, registered: int, last: int) -> Weighted | None:
    allowed = {y: w for y, w in exit_years(county).items() if registered < y <= last}
    return Weighted(allowed) if allowed else None


@lru_cache(maxsize=64)
def main_causes(county: str, kind: str) -> Weighted:
    if kind in cal.TYPE_CAUSES:
        return Weighted(cal.TYPE_CAUSES[kind])
    return county_causes(county)


@lru_cache(maxsize=64)
def county_causes(county: str) -> Weighted:
    weights = dict(cal.BASE_CAUSES)
    for counties, extra in cal.CAUSE_ADJUSTMENTS.items():
        if county in counties:
            weights.update(extra)
    return Weighted(weights)


def draw_causes(rng, county: str, kind: str) -> tuple[str, list[str]]:
    main = main_causes(county, kind).draw(rng)
    others: list[str] = []
    pool = county_causes(county)
    for _ in range(OTHER_COUNT.draw(rng)):
        cause = pool.draw(rng)
        if cause != main and cause not in others:
            others.append(cause)
    return main, others


def match_cause(rng, people, main: str, kind: str) -> None:
    """Make the members agree with the main cause: someone ill for illness, disabled for disability."""
    adults = [p for p in people if p.relation in ("head", "spouse", "parent")]
    snap = people_of.SNAP
    if main == "illness" and not any(p.health in ("chronic", "serious") for p in adults):
        person = rng.choice(adults)
        person.health, person.grade = ("serious" if rng.random() < 0.3 else "chronic"), None
    elif main == "disability" and not any(p.health == "disabled" for p in people):
        person = rng.choice(adults)
        person.health, person.grade = "disabled", people_of.GRADE.draw(rng)
    else:
        return
    people_of.set_labour(rng, person, person.age(person.left or snap), kind)


def registration_day(rng, year: int) -> datetime.date:
    start, days = CAMPAIGN.get(year, (datetime.date(year, 9, 1), AUTUMN_DAYS))
    return start + datetime.timedelta(days=int(rng.random() * days))


def build(rng, ids, household_id: int, number: str, village, datetime_text) -> dict[str, list[tuple]]:
    """Every row of one household, by table name of bulk.TABLES."""
    county = village.county
    fate = draw_fate(rng, county)
    kind = TYPES.draw(rng)
    hui = rng.random() < cal.HUI_SHARE.get(county, 0.2)
    day = registration_day(rng, fate.registered_year)
    people = people_of.compose(rng, kind, day.toordinal(), hui)
    main, others = draw_causes(rng, county, kind)
    match_cause(rng, people, main, kind)
    origin = ORIGINS.draw(rng) if county == cal.HONGSIBAO else None
    member_rows = []
    for p in people:
        born_text, born_digits, born_year = day_text(p.born)
        name = full_name(rng, p.family, p.male, born_year, p.hui)
        id_number = ids.issue(birth_code(county, born_year, origin), born_digits, p.male)
        member_rows.append((
            household_id, name, id_number, "M" if p.male else "F", born_text, p.relation,
            "hui" if p.hui else "han", p.education, p.in_school, p.health, p.grade, p.labour, p.away,
            day_text(p.joined)[0], day_text(p.left)[0] if p.left else None, p.left_reason))
    phone = (f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10 ** 8):08d}"
             if rng.random() < (0.55 if kind == "extreme" else 0.9) else "")
    created = datetime_text(day)
    address = f"{village.address}{GROUPS[int(rng.random() * 8)]}组"
    return {
        "household": [(household_id, village.code, number, address, phone, kind, fate.status,
                       fate.registered_year, main, None, created, datetime_text(cal.SNAPSHOT))],
        "member": member_rows,
        "income": income_rows(rng, household_id, fate, county, kind, people),
        "conditions": condition_rows(rng, household_id, fate, county, people),
        "causes": [(household_id, cause) for cause in others],
        "audit": [(household_id, None, created, "household", household_id, "create", "", "", "",
                   "demo generator")],
        # Not a table: the years that follow (demo.years) carry the fate into the status history.
        "fate": [(household_id, fate)],
    }

"""A household's income by year and source, and its living conditions, consistent with its status.

Per-person net income follows a path from registration to 2019 that stays below each year's line while
the household is poor and above it once it has exited; household amounts are that times the members
registered at year end (rules.persons_in_year), split by source in whole yuan.
"""

import datetime

from . import calibration as cal

LINE = cal.POVERTY_LINE
YEAR_ENDS = {y: datetime.date(y, 12, 31).toordinal() for y in range(2014, 2021)}
# Column order of an Income row after (household_id, year): models.Income.AMOUNT_FIELDS.
SOURCES = ("wages", "production", "property", "family_planning_award", "subsistence_allowance",
           "five_guarantee_support", "pension", "ecological_compensation", "other_transfers")
ELDERLY_BORN = datetime.date(cal.SNAPSHOT.year - 60, 12, 31).toordinal()  # 60 or over at the snapshot


def per_person_path(rng, fate, county: str) -> dict[int, float]:
    """Per-person net income in each year the household is on the register."""
    first, last = fate.registered_year, fate.last_year
    above_at_start = fate.status != "closed" and rng.random() < cal.ABOVE_LINE_AT_REGISTRATION
    if fate.status == "closed":
        start = rng.uniform(*cal.CLOSED_INCOME)
    elif above_at_start:
        start = rng.uniform(1.0, 1.12)
    else:
        start = rng.uniform(*cal.REGISTRATION_INCOME)
    start *= LINE[first]
    if fate.status == "exited":
        mult = cal.EXITED_INCOME_2019.get(county, cal.EXITED_INCOME_2019_OTHER)
        end = max(cal.EXITED_MIN, mult * rng.lognormvariate(0, 0.22)) * LINE[2019]
    elif fate.status == "closed":
        end = start * 1.08 ** (2019 - first)
    else:
        end = rng.uniform(*cal.STILL_POOR_INCOME) * LINE[2019]
    path = {}
    span = max(1, 2019 - first)
    bounded = fate.status != "closed"
    random = rng.random
    for year in range(first, last + 1):
        value = start * (end / start) ** ((year - first) / span) * (0.96 + 0.08 * random())
        if bounded and not (above_at_start and year == first):
            if fate.poor_in(year):
                value = min(value, LINE[year] * (0.82 + 0.16 * random()))
            else:
                value = max(value, LINE[year] * (1.05 + 0.2 * random()))
        path[year] = value
    return path


def source_shares(rng, kind: str, migrant: bool, elderly: bool) -> dict[str, float]:
    """Shares of net income by source: wages lead where someone works away, transfers for tekun."""
    if kind == "extreme":
        weights = {"five_guarantee_support": 0.72, "pension": 0.14 if elderly else 0.0,
                   "other_transfers": 0.08, "production": 0.06}
    elif kind == "subsistence":
        weights = {"subsistence_allowance": 0.35, "wages": 0.25 if migrant else 0.08, "production": 0.22,
                   "pension": 0.08 if elderly else 0.0, "ecological_compensation": 0.03,
                   "family_planning_award": 0.01, "other_transfers": 0.04}
    elif migrant:
        weights = {"wages": 0.6, "production": 0.25, "ecological_compensation": 0.04,
                   "pension": 0.05 if elderly else 0.0, "family_planning_award": 0.01,
                   "other_transfers": 0.03, "property": 0.01}
    else:
        weights = {"wages": 0.15, "production": 0.6, "ecological_compensation": 0.06,
                   "pension": 0.08 if elderly else 0.0, "family_planning_award": 0.02,
                   "other_transfers": 0.06, "property": 0.02}
    noisy = {k: w * rng.uniform(0.7, 1.3) for k, w in weights.items() if w}
    total = sum(noisy.values())
    return {k: noisy.get(k, 0.0) / total for k in SOURCES}


def persons_by_year(people, years) -> dict[int, int]:
    """Members registered at each year end, as rules.persons_in_year, over day ordinals."""
    first_end = YEAR_ENDS[years[0]]
    always = 0
    changing = []
    for p in people:
        if p.left is None and p.joined <= first_end:
            always += 1  # most members: on the register every year
        else:
            changing.append(p)
    return {y: always + sum(1 for p in changing if p.joined <= YEAR_ENDS[y] and (p.left is None or
                                                                                 p.left > YEAR_ENDS[y]))
            for y in years}


def income_rows(rng, household_id: int, fate, county: str, kind: str, people) -> list[tuple]:
    path = per_person_path(rng, fate, county)
    migrant = any(p.away for p in people)
    elderly = any(p.born <= ELDERLY_BORN for p in people)
    by_source = source_shares(rng, kind, migrant, elderly)
    shares = [by_source[k] for k in SOURCES]
    keep = 1 - rng.uniform(0.25, 0.45)  # share of gross production income left after costs
    counts = persons_by_year(people, list(path))
    rows = []
    for year, per_person in path.items():
        net = per_person * counts[year]
        wages, production, prop, *transfers = [int(net * s + 0.5) for s in shares]
        gross = int(production / keep + 0.5)
        rows.append((household_id, year, wages, gross, gross - production, prop, *transfers))
    return rows


def condition_rows(rng, household_id: int, fate, county: str, people) -> list[tuple]:
    """(household_id, year, food, clothing, education, medical, housing, water, house grade)."""
    first = fate.registered_year
    schoolchild = any(6 <= p.age(YEAR_ENDS[first]) < 16 for p in people)
    grade = "D" if rng.random() < cal.DANGEROUS_HOUSE["D"] else (
        "C" if rng.random() < cal.DANGEROUS_HOUSE["C"] else "")
    water_risk = cal.WATER_INSECURE["arid" if county in cal.ARID else "other"]
    insecure = cal.INSECURE_2014
    rows = [(household_id, first, rng.random() >= insecure["food"], rng.random() >= insecure["clothing"],
             not schoolchild or rng.random() >= insecure["education"], rng.random() >= insecure["medical"],
             grade == "", rng.random() >= water_risk, grade)]
    if fate.status == "closed":
        return rows
    if fate.status == "exited":
        rows.append((household_id, 2019, True, True, True, True, True, True, ""))
    else:
        housing = rng.random() >= 0.1
        rows.append((household_id, 2019, True, True, True, rng.random() >= 0.05, housing,
                     rng.random() >= 0.1, "" if housing else "C"))
    return rows

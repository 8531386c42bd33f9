"""Who lives in a synthetic household: relations, ages, births, marriages and deaths, 2014-2019.

Dates are day ordinals (datetime.date.toordinal) while composing, for speed.
"""

import datetime

from . import names
from .calibration import AWAY_SHARE, HEALTH, SNAPSHOT
from .names import Weighted

YEAR = 365.25
SNAP = SNAPSHOT.toordinal()
DAY_2015 = datetime.date(2015, 1, 1).toordinal()
YEAR_STARTS = {y: datetime.date(y, 1, 1).toordinal() for y in range(2015, 2021)}

HEALTH_ADULT = {kind: Weighted(dict(zip(("healthy", "chronic", "serious", "disabled"), w, strict=True)))
                for kind, w in HEALTH.items()}
HEALTH_OLD = {kind: Weighted({"healthy": w[0], "chronic": w[1] * 2.5, "serious": w[2] * 1.5,
                              "disabled": w[3] * 1.2}) for kind, w in HEALTH.items()}
HEALTH_CHILD = Weighted({"healthy": 0.97, "chronic": 0.015, "disabled": 0.015})
GRADE = Weighted({1: 0.15, 2: 0.25, 3: 0.3, 4: 0.3})
MONTHS_AWAY = Weighted({3: 1, 4: 1, 5: 1, 6: 2, 7: 2, 8: 3, 9: 3, 10: 3, 11: 2, 12: 2})
# Education by birth cohort: assumed, not published (older rural cohorts, women especially, had less).
EDUCATION = [
    (1950, Weighted({"none": 0.5, "primary": 0.4, "junior": 0.1})),
    (1965, Weighted({"none": 0.25, "primary": 0.45, "junior": 0.25, "senior": 0.05})),
    (1980, Weighted({"none": 0.1, "primary": 0.35, "junior": 0.45, "senior": 0.07, "vocational": 0.03})),
    (1995, Weighted({"none": 0.03, "primary": 0.17, "junior": 0.55, "senior": 0.12, "vocational": 0.1,
                     "college": 0.03})),
    (9999, Weighted({"junior": 0.45, "senior": 0.25, "vocational": 0.2, "college": 0.1})),
]
LOWER = {"primary": "none", "junior": "primary", "senior": "junior", "vocational": "junior",
         "college": "senior"}


class Person:
    __slots__ = ("relation", "male", "born", "joined", "left", "left_reason", "family", "hui", "health",
                 "grade", "labour", "away", "education", "in_school")

    def __init__(self, relation, male, born, family, hui, joined):
        self.relation, self.male, self.born, self.family, self.hui = relation, male, born, family, hui
        self.joined, self.left, self.left_reason = max(born, joined), None, ""
        self.health, self.grade, self.in_school, self.away = "healthy", None, False, 0

    def age(self, day: int) -> float:
        return (day - self.born) / YEAR


def _born(rng, day: int, age: float) -> int:
    return day - int(age * YEAR) - int(rng.random() * 365)


def _maybe_die(rng, person: Person, reg: int) -> None:
    """Old members may die after registration; annual risk by age, assumed."""
    for year in range(2015, 2020):
        start = YEAR_STARTS[year]
        if start <= reg:
            continue
        age = person.age(start)
        risk = 0.005 if age < 60 else 0.015 if age < 70 else 0.04 if age < 80 else 0.1
        if rng.random() < risk:
            person.left, person.left_reason = start + int(rng.random() * 364), "died"
            return


def _children(rng, people, mother_born, father_family, hui, reg, earliest):
    """The head's children: births, sons who stay (with a wife and children) or moved out, daughters
    who married out before registration or since."""
    cohort = datetime.date.fromordinal(mother_born).year
    mean = (3.4 if hui else 2.6) if cohort < 1965 else (2.6 if hui else 2.0) if cohort < 1980 else (
        2.1 if hui else 1.6)
    count = max(0, min(6, round(rng.gauss(mean, 1.0))))
    birth = max(mother_born + int((19 + rng.random() * 6) * YEAR), earliest)
    son_stayed = False
    for _ in range(count):
        if birth > SNAP or birth > mother_born + 42 * YEAR:
            break
        male = rng.random() < 0.52
        child = Person("son" if male else "daughter", male, birth, father_family, hui, reg)
        age = child.age(reg)
        birth += int((1.5 + rng.random() * 2.5) * YEAR)
        if age >= 18 and not male:
            if age >= 23 or rng.random() < 0.2:
                continue  # married out before registration: not in this household
            if rng.random() < 0.35:
                start = max(reg, DAY_2015) + 30
                child.left, child.left_reason = start + int(rng.random() * (SNAP - start)), "married_out"
        elif age >= 24 and male:
            if son_stayed or rng.random() > 0.3:
                continue  # set up his own household
            son_stayed = True
            people.append(child)
            _daughter_in_law(rng, people, child, hui, reg, married_before=True)
            continue
        elif age >= 20 and male and rng.random() < 0.2 and not son_stayed:
            son_stayed = True
            people.append(child)
            _daughter_in_law(rng, people, child, hui, reg, married_before=False)
            continue
        people.append(child)


def _daughter_in_law(rng, people, son, hui, reg, married_before):
    if married_before:
        wedding = son.born + int((21 + rng.random() * 4) * YEAR)
    else:
        wedding = max(reg, DAY_2015) + int(rng.random() * 4.5 * 365)
    if wedding > SNAP:
        return
    her_hui = hui if rng.random() < 0.95 else not hui
    born = son.born + int(rng.gauss(2, 1.5) * YEAR)
    people.append(Person("daughter_in_law", False, born, names.surname(rng, her_hui, son.family), her_hui,
                         max(wedding, reg)))
    grandchildren = max(0, min(3, round(rng.gauss(1.6 if hui else 1.3, 0.9))))
    birth = wedding + 300 + int(rng.random() * 2 * YEAR)
    for _ in range(grandchildren):
        if birth > SNAP:
            break
        people.append(Person("grandchild", rng.random() < 0.52, birth, son.family, hui, reg))
        birth += int((1.5 + rng.random() * 2.5) * YEAR)


def compose(rng, kind: str, reg: int, hui: bool) -> list[Person]:
    """Members of one household of this type registered on day `reg`; the head comes first."""
    if kind == "extreme":
        elderly = rng.random() < 0.8
        head_age = 62 + rng.random() * 26 if elderly else 35 + rng.random() * 25
        male = rng.random() < 0.55
    else:
        head_age = rng.triangular(22, 78, 44) if kind == "general" else rng.triangular(25, 82, 52)
        male = rng.random() < 0.9
    family = names.surname(rng, hui)
    head = Person("head", male, _born(rng, reg, head_age), family, hui, reg)
    people = [head]
    if kind == "extreme":
        married = elderly and rng.random() < 0.3
    else:
        married = rng.random() < (0.88 if head_age < 60 else 0.72) if male else rng.random() < 0.25
    gap = min(10.0, max(-3.0, rng.gauss(2.5, 2.5)))  # husband's years over his wife
    spouse_born = head.born + int((gap if male else -gap) * YEAR)
    # Wives keep their own surnames; children take the father's (a widow head's late husband's).
    spouse_hui = hui if rng.random() < 0.95 else not hui
    spouse_family = names.surname(rng, spouse_hui, family)
    if married:
        people.append(Person("spouse", not male, spouse_born, spouse_family, spouse_hui, reg))
    if kind == "extreme":
        if elderly and rng.random() < 0.08:
            child = Person("son", True, head.born + int((25 + rng.random() * 10) * YEAR), family, hui, reg)
            child.health, child.grade = "disabled", 1 if rng.random() < 0.5 else 2  # lost labour
            people.append(child)
    else:
        mother_born = spouse_born if male else head.born
        father_family = family if male else spouse_family
        # The head is at least 20 at the first child's birth, whichever parent the head is.
        _children(rng, people, mother_born, father_family, hui, reg, head.born + int(20 * YEAR))
        if head_age <= 52 and rng.random() < 0.2:
            father_born = _born(rng, head.born, 22 + rng.random() * 10)
            parent_family = family
            parents = []
            if rng.random() < 0.75:
                parents.append(Person("parent", True, father_born, parent_family, hui, reg))
            if not parents or rng.random() < 0.8:
                parents.append(Person("parent", False, father_born + int(rng.gauss(2, 1.5) * YEAR),
                                      names.surname(rng, hui, parent_family), hui, reg))
            for parent in parents:
                _maybe_die(rng, parent, reg)
            people.extend(parents)
    for person in people:
        _describe(rng, person, kind)
    return people


def _describe(rng, person: Person, kind: str) -> None:
    """Education, schooling, health, labour and months away, as at the snapshot (or on leaving)."""
    age = person.age(person.left or SNAP)
    if person.grade is None:
        pool = HEALTH_CHILD if age < 16 else HEALTH_OLD[kind] if age >= 60 else HEALTH_ADULT[kind]
        person.health = pool.draw(rng)
        if person.health == "disabled":
            person.grade = GRADE.draw(rng)
    set_education(rng, person, age)
    set_labour(rng, person, age, kind)


def set_education(rng, person: Person, age: float) -> None:
    if age < 7:
        person.education, person.in_school = "preschool", age >= 3 and rng.random() < 0.8
    elif age < 13:
        person.education, person.in_school = "primary", True
    elif age < 16:
        person.education, person.in_school = "junior", True
    elif age < 19 and rng.random() < 0.7:
        person.education, person.in_school = ("senior" if rng.random() < 0.6 else "vocational"), True
    elif 18 <= age < 22 and rng.random() < 0.2:
        person.education, person.in_school = "college", True
    else:
        year = datetime.date.fromordinal(person.born).year
        education = next(pool for until, pool in EDUCATION if year < until).draw(rng)
        if not person.male and year < 1975 and rng.random() < 0.35:
            education = LOWER.get(education, education)
        person.education, person.in_school = education, False
    if person.health == "disabled" and person.grade and person.grade <= 2 and age >= 7:
        person.in_school = False


def set_labour(rng, person: Person, age: float, kind: str) -> None:
    health = person.health
    if age < 16 or person.in_school:
        labour = "none"
    elif health == "disabled":
        labour = "lost" if person.grade <= 2 else "weak"
    elif health == "serious":
        labour = "lost" if rng.random() < 0.5 else "weak"
    elif age >= 65 or (kind == "extreme" and age >= 60):
        labour = "none"
    elif age >= 60 or health == "chronic":
        labour = "weak"
    else:
        labour = "skilled" if rng.random() < 0.12 else "ordinary"
    person.labour = labour
    person.away = 0
    if labour in ("ordinary", "skilled") and 18 <= age <= 55:
        share = AWAY_SHARE[kind] * (1.0 if person.male else 0.6)
        if rng.random() < share:
            person.away = MONTHS_AWAY.draw(rng)

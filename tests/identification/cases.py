"""Shared helpers for procedure tests: a movable calendar and households ready for each procedure."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from jingzhun.identification import actions
from jingzhun.registry import actions as registry


class Calendar:
    def __init__(self, day: datetime.date):
        self.day = day

    def today(self) -> datetime.date:
        return self.day

    def now(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.day, datetime.time(10, 0)))

    def advance(self, days: int) -> None:
        self.day += datetime.timedelta(days=days)


@pytest.fixture
def calendar(monkeypatch):
    cal = Calendar(datetime.date(2015, 3, 2))
    monkeypatch.setattr("jingzhun.clock.today", cal.today)
    monkeypatch.setattr("jingzhun.clock.now", cal.now)
    return cal


def record_year(household, year, *, actor, per_person: int, secure: bool = True, **insecure):
    """Income giving `per_person` yuan a person (one member households unless sized), and the year's
    living conditions, all secure unless named otherwise."""
    persons = len(household.current_members)
    registry.record_income(household, year, actor=actor, wages=Decimal(per_person * persons))
    checks = {f: secure for f in ("food_secure", "clothing_secure", "education_secure", "medical_secure",
                                  "housing_secure", "water_secure")}
    checks.update(insecure)
    registry.record_conditions(household, year, actor=actor, **checks)


@pytest.fixture
def applicant(cast, make_household, calendar):
    """An applicant household of village A, poor by income in 2014 (2,000 yuan a person, line 2,800)."""
    household = make_household(actor=cast["cadre_a"], head_name="马申请", status="applicant", size=2)
    record_year(household, 2014, actor=cast["cadre_a"], per_person=2000)
    return household


@pytest.fixture
def exiting(cast, make_household, calendar):
    """A registered poor household of village A whose 2014 income (3,100 a person) clears the line."""
    household = make_household(actor=cast["cadre_a"], head_name="马脱贫", size=2)
    record_year(household, 2014, actor=cast["cadre_a"], per_person=3100)
    return household


def appraise(case, actor, calendar, votes_for=20, attendance=25):
    return actions.record_appraisal(case, actor=actor, meeting_on=calendar.today(), attendance=attendance,
                                    votes_for=votes_for, votes_against=attendance - votes_for)


def drive(case, target: str, cast, calendar):
    """Take the happy path of the case's procedure up to `target`, each step by its proper role."""
    identification = case.kind == "identification"
    path = (["appraised", "first_notice", "township_reviewed", "second_notice", "registered"]
            if identification else ["verified", "appraised", "notice", "exited"])
    if case.state in path:
        path = path[path.index(case.state) + 1:]
    for state in path:
        if case.state == target:
            return case
        case.refresh_from_db()
        if state == "appraised":
            case = appraise(case, cast["cadre_a"], calendar)
        elif state == "verified":
            case = actions.verify_exit(case, actor=cast["cadre_a"], household_agrees=True)
        elif state == "first_notice" or state == "notice":
            case = actions.take_step(case, "post_notice", actor=cast["cadre_a"])
        elif state == "township_reviewed":
            calendar.advance(7)
            case = actions.take_step(case, "township_review", actor=cast["township"])
        elif state == "second_notice":
            case = actions.take_step(case, "county_approve", actor=cast["county"])
        elif state == "registered":
            calendar.advance(7)
            case = actions.take_step(case, "register", actor=cast["county"])
        elif state == "exited":
            calendar.advance(7)
            case = actions.take_step(case, "approve", actor=cast["township"])
    assert case.state == target
    return case

"""Shared helpers for area exit tests: status trails written as the demo writes them, populations, flags
and a calendar in 2017 (the year evaluated is 2016)."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from jingzhun.areas.models import AreaFlag, Population
from jingzhun.identification import area_actions
from jingzhun.registry.models import AuditEvent, Household
from tests.conftest import VILLAGE_A, VILLAGE_B, XIJI
from tests.identification.cases import Calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=12, minute=0, second=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


def status_event(household: Household, when: datetime.datetime, old: str, new: str, field: str = "status"):
    """A past status change as the registry records one (and the household's status now follows)."""
    AuditEvent.objects.create(household=household, at=when, entity="household", entity_id=household.pk,
                              action=AuditEvent.Action.STATUS, field=field, old=old, new=new)
    if field == "status":
        Household.objects.filter(pk=household.pk).update(status=new)


def population(code: str, year: int, persons: int) -> Population:
    return Population.objects.update_or_create(area_id=code, year=year, defaults={"persons": persons})[0]


def poor_village(code: str, start: int = 2014, end: int | None = None) -> AreaFlag:
    return AreaFlag.objects.create(area_id=code, kind=AreaFlag.Kind.POOR_VILLAGE, start_year=start,
                                   end_year=end)


@pytest.fixture
def calendar_2017(monkeypatch):
    cal = Calendar(datetime.date(2017, 3, 1))
    monkeypatch.setattr("jingzhun.clock.today", cal.today)
    monkeypatch.setattr("jingzhun.clock.now", cal.now)
    return cal


@pytest.fixture
def two_villages(cast, make_household, calendar_2017):
    """Villages A and B of Xiji, both poor villages, 2016 populations 200 each; in A one poor household
    of two persons (1% incidence) and two exited households; in B one poor and one exited household."""
    for code in (VILLAGE_A, VILLAGE_B):
        poor_village(code)
        population(code, 2016, 200)
    households = {
        "a_poor": make_household(VILLAGE_A, actor=cast["cadre_a"], head_name="马贫困", size=2),
        "a_exited_1": make_household(VILLAGE_A, actor=cast["cadre_a"], head_name="马一", status="exited"),
        "a_exited_2": make_household(VILLAGE_A, actor=cast["cadre_a"], head_name="马二", status="exited"),
        "b_poor": make_household(VILLAGE_B, actor=cast["cadre_b"], head_name="马丙"),
        "b_exited": make_household(VILLAGE_B, actor=cast["cadre_b"], head_name="马丁", status="exited"),
    }
    return households


def county_case(cast):
    """Xiji's exit for 2016, applied and reviewed by the prefecture."""
    for code in (VILLAGE_A, VILLAGE_B):
        population(code, 2016, 200)
    case = area_actions.apply_county_exit(XIJI, 2016, actor=cast["county"])
    return area_actions.take_county_step(case, "city_review", actor=cast["prefecture"])


def enter_results(sample, cast, *, wrong=0, missed=0, approving=True):
    exited = 0
    for household in sample.households.all():
        is_exited = household.stratum == "exited"
        area_actions.enter_household_result(
            household, actor=cast["province"], surveyed=True,
            wrongly_exited=(exited < wrong) if is_exited else None, approves=approving)
        exited += is_exited
    for village in sample.villages.all():
        area_actions.enter_village_result(village, actor=cast["province"], population_checked=100,
                                          missed_found=missed)
    sample.refresh_from_db()
    return sample

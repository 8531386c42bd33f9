"""Poverty incidence from the status trail: year-end statuses, registration years, returns and closings."""

import datetime
from decimal import Decimal

import pytest

from jingzhun.areas.models import Level
from jingzhun.identification import incidence
from jingzhun.registry import actions as registry
from tests.conftest import JIQIANG, VILLAGE_A, VILLAGE_B, XIJI, make_id_number
from tests.identification.area_cases import at, population, status_event

pytestmark = pytest.mark.django_db


def test_status_at_reads_the_last_event_by_the_year_end_else_the_first_old():
    events = [(at(2015, 6, 1), "poor", "exited"), (at(2017, 2, 1), "exited", "returned")]
    assert incidence.status_at(events, "returned", 2014) == "poor"
    assert incidence.status_at(events, "returned", 2015) == "exited"
    assert incidence.status_at(events, "returned", 2016) == "exited"
    assert incidence.status_at(events, "returned", 2017) == "returned"
    assert incidence.status_at([], "closed", 2015) == "closed"


def test_an_event_at_midnight_shanghai_belongs_to_the_year_that_ends():
    events = [(at(2016, 1, 1, 0, 0, 0), "poor", "exited")]
    assert incidence.status_at(events, "exited", 2015) == "exited"
    later = [(at(2016, 1, 1, 0, 0, 1), "poor", "exited")]
    assert incidence.status_at(later, "exited", 2015) == "poor"
    # The same moment written in UTC is the same moment.
    utc = [(datetime.datetime(2015, 12, 31, 16, 0, tzinfo=datetime.UTC), "poor", "exited")]
    assert incidence.status_at(utc, "exited", 2015) == "exited"


@pytest.fixture
def trails(cast, make_household):
    cadre = cast["cadre_a"]
    exited_2016 = make_household(actor=cadre, size=2)  # poor 2014-2015, exits March 2016
    status_event(exited_2016, at(2016, 3, 1), "poor", "exited")
    late = make_household(actor=cadre, registered_year=2016)  # counted from 2016 only
    returned = make_household(actor=cadre, size=3)  # exits mid 2015, returns 2017
    status_event(returned, at(2015, 6, 1), "poor", "exited")
    status_event(returned, at(2017, 2, 1), "exited", "returned")
    closed = make_household(actor=cadre)  # closed on the last evening of 2015
    status_event(closed, at(2015, 12, 31, 23, 30), "poor", "closed")
    # A procedure's state change is a status event of another field: it does not move the status.
    status_event(late, at(2015, 5, 1), "applied", "registered", field="state")
    registry.add_member(exited_2016, actor=cadre, name="马新", relation="son", education="none",
                        labour="none", id_number=make_id_number(born=datetime.date(2016, 4, 1)),
                        joined_on=datetime.date(2016, 4, 2))
    other = make_household(VILLAGE_B, actor=cast["cadre_b"], size=4)
    for year in (2014, 2015, 2016, 2017):
        population(VILLAGE_A, year, 100)
        population(VILLAGE_B, year, 300)
    return {"exited_2016": exited_2016, "late": late, "returned": returned, "closed": closed, "other": other}


def test_poor_persons_follow_the_trail_year_by_year(trails):
    # 2014: exited_2016 (2), returned (3), closed (1); late not yet registered.
    assert incidence.poor_persons(VILLAGE_A, 2014) == 6
    # 2015: returned has exited; closed closed that evening.
    assert incidence.poor_persons(VILLAGE_A, 2015) == 2
    # 2016: exited_2016 has exited; late (registered 2016, no status events) counts.
    assert incidence.poor_persons(VILLAGE_A, 2016) == 1
    # 2017: returned is poor again.
    assert incidence.poor_persons(VILLAGE_A, 2017) == 4


def test_a_member_counts_from_the_year_they_joined(trails):
    status_event(trails["exited_2016"], at(2016, 3, 2), "exited", "returned")
    assert incidence.poor_persons(VILLAGE_A, 2016) == 1 + 3


def test_incidence_of_an_area_is_its_poor_over_its_villages_residents(trails):
    village = incidence.incidence(VILLAGE_A, 2015)
    assert (village.poor, village.population, village.rate) == (2, 100, Decimal("0.02"))
    township = incidence.incidence(JIQIANG, 2015)
    assert (township.poor, township.population) == (2 + 4, 400)
    assert township.rate == Decimal("0.015")
    assert township.percent == "1.50%"
    assert incidence.incidence(XIJI, 2013).rate is None  # no population recorded


def test_rates_by_year_give_every_area_of_the_level_in_one_pass(trails, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        rows = incidence.rates_by_year(JIQIANG[:9], Level.VILLAGE, [2014, 2015, 2016, 2017])
    by_code = {row.code: row for row in rows}
    assert [by_code[VILLAGE_A].by_year[y].poor for y in (2014, 2015, 2016, 2017)] == [6, 2, 1, 4]
    assert [by_code[VILLAGE_B].by_year[y].poor for y in (2014, 2015, 2016, 2017)] == [4, 4, 4, 4]
    assert by_code[VILLAGE_B].by_year[2016].rate == Decimal("0.013333")
    assert all(row.code.startswith(JIQIANG[:9]) for row in rows)
    assert len(rows) > 2  # villages without households are listed too, with no poor

"""The registry as an Arrow table, built through the registry's actions: a row for every household
registered by the end of each year with incomes (its income null when it has no Income record that year)
and for every Income record; persons at each year end, per-person income to the fen (half up, as
registry.rules), living conditions or null, the line of the year, registered poor at the year end as
identification.incidence reads the status trail; the same rows read through ADBC from a file copy of the
database."""

import datetime
import sqlite3
from decimal import Decimal

import pyarrow as pa
import pytest
from django.db import connection

from jingzhun.analytics import frame, frame_sql
from jingzhun.identification import incidence
from jingzhun.registry import actions as registry
from jingzhun.registry.rules import net_income_per_person
from tests.conftest import VILLAGE_A, VILLAGE_B, VILLAGE_C, make_id_number
from tests.identification.area_cases import at, status_event

LINES = {2015: 2855.0, 2016: 2952.0, 2017: 3335.0, 2019: 3747.0, 2020: 4000.0}


@pytest.fixture
def built(cast, make_household):
    cadre, other = cast["cadre_a"], cast["other_county"]
    # Three at first; a son leaves in August 2016, a grandchild joins in 2017.
    growing = make_household(actor=cadre, size=3, main_cause="illness")
    son = growing.members.get(name="马小1")
    registry.close_member(son, actor=cadre, left_on=datetime.date(2016, 8, 1), reason="married_out")
    registry.add_member(growing, actor=cadre, name="马小宝", relation="grandchild", education="preschool",
                        labour="none", id_number=make_id_number(born=datetime.date(2017, 2, 2), sex="F"),
                        joined_on=datetime.date(2017, 12, 31))
    for year, wages in ((2015, "10000.05"), (2016, "10000.05"), (2017, "10000")):
        registry.record_income(growing, year, actor=cadre, wages=wages)
    registry.record_conditions(growing, 2016, actor=cadre, housing_secure=False, water_secure=False)
    # Poor until it exits in March 2016.
    exited = make_household(actor=cadre, size=2)
    status_event(exited, at(2016, 3, 1), "poor", "exited")
    for year in (2015, 2016):
        registry.record_income(exited, year, actor=cadre, wages="9000", production_costs="12000.02")
    # Registered in 2017: not poor in the years before; closed at 24:00 on 31 Dec 2017 Shanghai.
    late = make_household(VILLAGE_B, actor=cast["cadre_b"], registered_year=2017)
    for year in (2016, 2017):
        registry.record_income(late, year, actor=cast["cadre_b"], wages="3000")
    status_event(late, at(2018, 1, 1, 0, 0, 0), "poor", "closed")
    elsewhere = make_household(VILLAGE_C, actor=other, size=2)
    registry.record_income(elsewhere, 2020, actor=other, wages="7001", property_income="0.01")
    registry.record_conditions(elsewhere, 2020, actor=other, food_secure=False)
    # Its only member leaves in 2016: an income of 2016 but nobody to share it, then no one registered.
    emptied = make_household(VILLAGE_C, actor=other, head_name="马空")
    registry.record_income(emptied, 2016, actor=other, wages="500")
    registry.close_member(emptied.members.get(), actor=other, left_on=datetime.date(2016, 5, 1),
                          reason="died")
    return {"growing": growing, "exited": exited, "late": late, "elsewhere": elsewhere, "emptied": emptied}


def rows(table: pa.Table) -> dict[tuple[int, int], dict]:
    return {(row["household_id"], row["year"]): row for row in table.to_pylist()}


def test_schema_is_the_contracts(built):
    assert frame.registry_table().schema == frame.SCHEMA


def test_persons_are_the_members_registered_at_each_year_end(built):
    found = rows(frame.registry_table())
    growing = built["growing"].pk
    assert [found[(growing, year)]["persons"] for year in (2015, 2016, 2017)] == [3, 2, 3]


def test_income_per_person_is_the_registry_rule_to_the_fen(built):
    found = rows(frame.registry_table())
    growing, exited = built["growing"].pk, built["exited"].pk
    # 10000.05 / 3 = 3333.35 exactly; / 2 = 5000.025 -> 5000.03 (half up); 10000 / 3 -> 3333.33
    assert found[(growing, 2015)]["income"] == 3333.35
    assert found[(growing, 2016)]["income"] == 5000.03
    assert found[(growing, 2017)]["income"] == 3333.33
    # Costs above takings: -3000.02 / 2 = -1500.01; the rule's Decimal agrees on every row.
    assert found[(exited, 2015)]["income"] == -1500.01
    for row in found.values():
        if row["income"] is None:
            continue
        household = next(h for h in built.values() if h.pk == row["household_id"])
        net = household.incomes.get(year=row["year"]).net_income
        assert Decimal(str(row["income"])) == net_income_per_person(net, row["persons"])
    assert found[(built["elsewhere"].pk, 2020)]["income"] == 3500.51  # 7001.01 / 2 = 3500.505


def test_conditions_of_the_year_else_null(built):
    found = rows(frame.registry_table())
    growing = built["growing"].pk
    assert {name: found[(growing, 2016)][name] for name in frame.CONDITIONS} == {
        "food": True, "clothing": True, "education": True, "medical": True, "housing": False}
    assert all(found[(growing, 2015)][name] is None for name in frame.CONDITIONS)
    assert found[(built["elsewhere"].pk, 2020)]["food"] is False


def test_line_of_each_year_from_the_policy_data(built):
    for row in frame.registry_table().to_pylist():
        assert row["line"] == LINES[row["year"]]


def test_poor_at_each_year_end_as_incidence_reads_the_trail(built):
    found = rows(frame.registry_table())
    pk = {name: household.pk for name, household in built.items()}
    assert found[(pk["exited"], 2015)]["poor"] and not found[(pk["exited"], 2016)]["poor"]
    assert not found[(pk["late"], 2016)]["poor"]  # not yet registered
    assert found[(pk["late"], 2017)]["poor"] is False  # closed at the stroke of midnight
    assert all(found[(pk["growing"], year)]["poor"] for year in (2015, 2016, 2017))
    # Every household registered by the year's end is there, income or not: the registered poor with
    # anyone registered are incidence's, to the person, in every year with incomes.
    for year in (2015, 2016, 2017, 2020):
        poor = incidence.poor_households("", [year])[year]
        assert {h: row["persons"] for (h, y), row in found.items()
                if y == year and row["poor"] and row["persons"]} == \
            {h: persons for h, (_village, persons) in poor.items() if persons}


def test_registered_households_without_an_income_are_rows_with_a_null_income(built):
    found = rows(frame.registry_table())
    pk = {name: household.pk for name, household in built.items()}
    # Registered and poor in 2020, no income recorded then: counted, not measured.
    assert {name: found[(pk[name], 2020)]["income"] for name in ("growing", "exited", "late")} == \
        dict.fromkeys(("growing", "exited", "late"))
    assert (found[(pk["growing"], 2020)]["persons"], found[(pk["growing"], 2020)]["poor"]) == (3, True)
    assert found[(pk["exited"], 2020)]["poor"] is False
    assert found[(pk["growing"], 2020)]["line"] == LINES[2020]
    # Registered since 2014 but the years are those with an income anywhere: none of 2014, 2018, 2019.
    assert {year for _h, year in found} == {2015, 2016, 2017, 2020}
    assert (pk["elsewhere"], 2015) in found and found[(pk["elsewhere"], 2015)]["income"] is None
    # Nobody registered: its income of 2016 has no per-person value; later years have no row.
    assert (found[(pk["emptied"], 2016)]["persons"], found[(pk["emptied"], 2016)]["income"]) == (0, None)
    assert [year for h, year in found if h == pk["emptied"]] == [2015, 2016]


def test_the_last_status_event_of_a_year_in_time_order_decides(cast, make_household):
    """Events written out of time order (ids against moments), two in one year, one at the stroke of the
    year's end: the status at each year end is the trail's as identification.incidence reads it."""
    cadre = cast["cadre_a"]
    found = make_household(actor=cadre, size=2)
    for year in (2015, 2016, 2017, 2018):
        registry.record_income(found, year, actor=cadre, wages="5000")
    status_event(found, at(2016, 9, 1), "exited", "returned")  # written first, happened second
    status_event(found, at(2016, 3, 1), "poor", "exited")
    status_event(found, at(2017, 1, 1, 0, 0, 0), "returned", "exited")  # 24:00 on 31 Dec 2016
    status_event(found, at(2018, 1, 1, 0, 0, 1), "exited", "returned")  # a second into 2018
    poor = {row["year"]: row["poor"] for row in frame.registry_table().to_pylist()}
    assert poor == {2015: True, 2016: False, 2017: False, 2018: True}
    assert poor == {year: found.pk in incidence.poor_households("", [year])[year] for year in poor}


def test_no_income_anywhere_no_rows(cast, make_household):
    make_household(actor=cast["cadre_a"], size=2)
    table = frame.registry_table()
    assert table.num_rows == 0 and table.schema == frame.SCHEMA


def test_main_cause_or_null(built):
    found = rows(frame.registry_table())
    assert found[(built["growing"].pk, 2015)]["main_cause"] == "illness"
    assert found[(built["late"].pk, 2016)]["main_cause"] is None


def test_within_and_years_filter_rows(built):
    table = frame.registry_table(within="640422", years=[2016, 2019, 2020])
    pk = {name: household.pk for name, household in built.items()}
    assert set(zip(table["household_id"].to_pylist(), table["year"].to_pylist(), strict=True)) == {
        (pk["growing"], 2016), (pk["exited"], 2016), (pk["late"], 2016),
        (pk["growing"], 2020), (pk["exited"], 2020), (pk["late"], 2020)}
    assert set(frame.registry_table(within="640323", years=[2020])["household_id"].to_pylist()) == {
        pk["elsewhere"]}
    assert frame.registry_table(years=[]).num_rows == 0
    with pytest.raises(ValueError):
        frame.registry_table(within="64' OR 1=1 --")


def test_inside_a_transaction_the_callers_own_writes_are_read(built):
    assert connection.in_atomic_block and not frame.through_adbc()


def test_postgresql_uri_from_the_django_settings():
    assert frame.postgresql_uri({"NAME": "test", "USER": "postgres", "HOST": "127.0.0.1", "PORT": 5432}) == \
        "postgresql://postgres@127.0.0.1:5432/test"
    odd = {"NAME": "j z", "USER": "u", "PASSWORD": "p@ss/w", "HOST": "db", "PORT": ""}
    assert frame.postgresql_uri(odd) == "postgresql://u:p%40ss%2Fw@db/j%20z"


@pytest.mark.django_db(transaction=True)
def test_adbc_reads_the_same_rows_as_the_django_connection(cast, make_household, tmp_path):
    """Committed rows read through ADBC: from a file copy of the in-memory SQLite test database, or from
    the PostgreSQL test database itself."""
    cadre = cast["cadre_a"]
    for size, wages in ((1, "4000"), (3, "9999.99")):
        household = make_household(actor=cadre, size=size)
        registry.record_income(household, 2019, actor=cadre, wages=wages)
        registry.record_conditions(household, 2019, actor=cadre, medical_secure=False)
    expected = frame.from_reads(frame._read_django(frame_sql.statements(connection.vendor, "", None)))
    if connection.vendor == "sqlite":
        copy = tmp_path / "copy.sqlite3"
        with sqlite3.connect(copy) as target:
            connection.connection.backup(target)
        database = {"ENGINE": "django.db.backends.sqlite3", "NAME": copy}
    else:
        database = connection.settings_dict
        assert frame.through_adbc()
    assert frame.registry_table(database=database).equals(expected)
    assert frame.registry_table(database=database, within=VILLAGE_A, years=[2019]).num_rows == 2

import datetime
from decimal import Decimal

from jingzhun.areas.scope import scope_for
from jingzhun.registry import actions, queries
from jingzhun.registry.rules import net_income, net_income_per_person, persons_in_year
from tests.conftest import make_id_number


def test_net_income_subtracts_production_costs_and_adds_every_source():
    net = net_income(wages=Decimal("6000"), production_income=Decimal("3000"),
                     production_costs=Decimal("1200.50"), property_income=Decimal("100"),
                     transfer_income=Decimal("2400"))
    assert net == Decimal("10299.50")


def test_per_person_divides_by_registered_members_and_rounds_to_the_fen():
    assert net_income_per_person(Decimal("10000"), 3) == Decimal("3333.33")
    assert net_income_per_person(Decimal("10000.05"), 2) == Decimal("5000.03")  # half up
    assert net_income_per_person(Decimal("-300"), 3) == Decimal("-100.00")
    assert net_income_per_person(Decimal("10000"), 0) is None


def test_persons_counted_at_year_end():
    d = datetime.date
    memberships = [(d(2014, 1, 1), None), (d(2014, 1, 1), d(2016, 6, 1)), (d(2017, 12, 31), None),
                   (d(2018, 1, 1), None)]
    assert persons_in_year(memberships, 2015) == 2
    assert persons_in_year(memberships, 2016) == 1
    assert persons_in_year(memberships, 2017) == 2
    assert persons_in_year(memberships, 2018) == 3


def test_household_income_years_use_members_registered_that_year(cast, make_household):
    cadre = cast["cadre_a"]
    household = make_household(actor=cadre, size=3)
    son = household.members.get(relation="son", name="马小1")
    actions.close_member(son, actor=cadre, left_on=datetime.date(2019, 8, 1), reason="married_out")
    actions.record_income(household, 2018, actor=cadre, wages="9000", production_income="3000",
                          production_costs="1000", subsistence_allowance="1500")
    actions.record_income(household, 2019, actor=cadre, wages="9000", production_income="3000",
                          production_costs="1000", subsistence_allowance="1500")
    actions.add_member(household, actor=cadre, name="马小宝", relation="grandchild", education="preschool",
                       labour="none", id_number=make_id_number(born=datetime.date(2020, 2, 2), sex="F"),
                       joined_on=datetime.date(2020, 3, 1))
    household.refresh_from_db()
    shown = queries.get_household(scope_for(cadre), household.pk)
    rows = {row.income.year: row for row in queries.income_years(shown)}
    assert rows[2018].income.net_income == Decimal("12500.00")
    assert (rows[2018].persons, rows[2018].per_person) == (3, Decimal("4166.67"))
    assert (rows[2019].persons, rows[2019].per_person) == (2, Decimal("6250.00"))


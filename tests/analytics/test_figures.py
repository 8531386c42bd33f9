"""An area's figures on a small region built through the apps' actions: five households in three
villages (two in Xiji's Jiqiang township, one in Yanchi), with incomes, living conditions, causes, helpers,
a plan, a fund and projects. Counts are checked against what was built; the measures against the engine
and the measures module on the same people."""

import datetime
from decimal import Decimal

import numpy as np
import pytest
from django.utils import timezone, translation

from jingzhun.analytics import engine, measures
from jingzhun.analytics.figures import child_level, figures
from jingzhun.areas.models import Area, Population, Role
from jingzhun.assistance import actions as assistance
from jingzhun.funds import actions as funds
from jingzhun.funds.models import Project
from jingzhun.identification import incidence as inc
from jingzhun.identification.incidence import Incidence
from jingzhun.registry import actions as registry
from tests.conftest import JIQIANG, PROVINCE, VILLAGE_A, VILLAGE_B, VILLAGE_C, XIJI, YANCHI, _user

YEAR = 2019
LINE = 3747  # the national line of 2019 (policy data)
UNSAFE = {"housing": "housing_secure", "education": "education_secure"}


def household(make_household, actor, village, size, per_person, cause, *, unsafe=(), status="poor"):
    found = make_household(village, actor=actor, size=size, main_cause=cause, status=status)
    for year in (2018, YEAR):
        registry.record_income(found, year, actor=actor, wages=Decimal(per_person * size))
        registry.record_conditions(found, year, actor=actor, **{UNSAFE[name]: False for name in unsafe})
    return found


@pytest.fixture
def region(cast, make_household):
    xiji, yanchi = cast["county"], cast["other_county"]
    built = {
        "h1": household(make_household, xiji, VILLAGE_A, 3, 2000, "illness", unsafe=["housing"]),
        "h2": household(make_household, xiji, VILLAGE_A, 2, 5000, "disability"),
        "h3": household(make_household, xiji, VILLAGE_A, 1, 8000, "illness", status="exited"),
        "h4": household(make_household, xiji, VILLAGE_B, 2, 1000, "illness", unsafe=["education"]),
        "h5": household(make_household, yanchi, VILLAGE_C, 1, 3000, "lack_skills"),
    }
    for code, persons in ((VILLAGE_A, 100), (VILLAGE_B, 50), (VILLAGE_C, 40)):
        Population.objects.create(area_id=code, year=YEAR, persons=persons)
    assistance.assign_helper(built["h1"], cast["helper"], actor=xiji, started_on=datetime.date(2018, 3, 1))
    # h4's helper left before the year's end: not covered then.
    helper_b = _user("helper_b", Role.HELPER, VILLAGE_B)
    assistance.assign_helper(built["h4"], helper_b, actor=xiji, started_on=datetime.date(2018, 3, 1))
    assistance.end_helper(built["h4"], actor=xiji, reason="调离", ended_on=datetime.date(2019, 6, 1))
    plan = assistance.create_plan(built["h1"], actor=xiji, year=2019, measures=[
        {"measure": code, "start_on": datetime.date(2019, 1, 1), "due_on": datetime.date(2019, 12, 31)}
        for code in ("medical_insurance", "medical_insurance", "public_welfare_job")])
    delivered_on = (datetime.date(2019, 5, 1), datetime.date(2020, 2, 1), datetime.date(2019, 7, 1))
    for planned, on in zip(plan.measures.order_by("id"), delivered_on, strict=True):
        assistance.move_measure(planned, "delivered", actor=xiji, on=on)
    fund = funds.create_fund(actor=xiji, area_code=XIJI, source="central", year=YEAR, name="中央财政专项",
                             purposes=["infrastructure"])
    funds.receive(fund, actor=xiji, amount="100000", on=datetime.date(2019, 3, 1))
    funds.receive(fund, actor=xiji, amount="5000", on=datetime.date(2020, 3, 1))
    for kind, budget, state in (("road", "300000", "planned"), ("road", "200000", "planned"),
                                ("wells", "50000", "cancelled")):
        Project.objects.create(area_id=VILLAGE_A, name=f"{kind} {budget}", kind=kind,
                               purpose="infrastructure", year=YEAR, budget=budget, state=state,
                               created_at=timezone.now())
    return built


def test_counts_of_a_county_in_the_year(region):
    found = figures(XIJI, YEAR)
    assert found.year == YEAR and YEAR in found.years
    row = found.current
    assert (row.area, row.households, row.persons) == ("640422", 4, 8)
    # Registered poor at the year end: h1, h2, h4 (h3 exited), against the villages' 150 residents.
    assert found.incidence == Incidence(7, 150)
    assert found.registered_poor_households == 3
    assert found.helper_coverage == (3, 1)
    assert found.line == LINE


def test_causes_delivered_funds_and_projects(region):
    with translation.override("en"):
        found = figures(XIJI, YEAR)
    assert found.causes == [("illness", 2, 5), ("disability", 1, 2)]
    # The second medical insurance was delivered in 2020: not the year's.
    assert found.delivered == [("medical insurance contributions paid", 1), ("public-welfare job", 1)]
    assert found.funds == [("central government", Decimal("100000.00"))]
    assert found.projects == [("road", 2, Decimal("500000.00"))]


def test_children_and_counties(region):
    found = figures(XIJI, YEAR)
    assert child_level("county") == "township"
    jiqiang = next(child for child in found.children if child.area.code == JIQIANG)
    assert jiqiang.incidence == Incidence(7, 150)
    assert (jiqiang.measures.households, jiqiang.measures.persons) == (4, 8)
    others = [child for child in found.children if child.area.code != JIQIANG]
    assert others and all(child.measures is None for child in others)
    assert found.counties == []  # a county's map is its townships' tiles

    township = figures(JIQIANG, YEAR)
    villages = {child.area.code: child for child in township.children}
    assert villages[VILLAGE_A].incidence == Incidence(5, 100)
    assert villages[VILLAGE_B].incidence == Incidence(2, 50)

    province = figures(PROVINCE, YEAR)
    counties = {child.area.code: child for child in province.counties}
    assert counties[XIJI].incidence == Incidence(7, 150)
    assert counties[YANCHI].incidence == Incidence(1, 40)
    assert {child.area.level for child in province.children} == {"prefecture"}
    assert province.current.households == 5


def test_measures_equal_the_engines_and_the_measures_module(region):
    found = figures(XIJI, YEAR)
    assert found.by_year == engine.measures(level=6, within="640422")
    # Persons weighted: h1 3 × 2000, h2 2 × 5000, h3 1 × 8000, h4 2 × 1000.
    y, w = np.array([2000, 5000, 8000, 1000.0]), np.array([3, 2, 1, 2.0])
    row = found.current
    assert row.p0 == pytest.approx(measures.headcount(y, LINE, w)) == pytest.approx(5 / 8)
    assert row.p1 == pytest.approx(measures.poverty_gap(y, LINE, w))
    assert row.gini == pytest.approx(measures.gini(y, w))
    assert row.watts == pytest.approx(measures.watts(y, LINE, w))


def test_histogram_holds_every_person_and_the_line_falls_on_an_edge(region):
    found = figures(XIJI, YEAR)
    assert sum(n for _lo, _hi, n in found.histogram) == 8
    assert LINE in {lo for lo, _hi, _n in found.histogram}
    below = sum(n for _lo, hi, n in found.histogram if hi <= LINE)
    assert below == 5


def test_labels_follow_the_language(region):
    with translation.override("zh-hans"):
        found = figures(XIJI, YEAR)
    assert found.causes[0][0] == "因病"
    assert found.funds == [("中央财政", Decimal("100000.00"))]


def test_latest_year_by_default_and_an_area_without_households(region):
    assert figures(XIJI).year == max(figures(XIJI, YEAR).years) == YEAR
    other = Area.objects.filter(level="township", code__startswith="640422").exclude(code=JIQIANG).first()
    found = figures(other.code, YEAR)
    assert (found.by_year, found.current, found.causes, found.helper_coverage) == ([], None, [], (0, 0))


def test_a_year_just_begun_is_offered_but_not_opened_by_default(region, cast):
    registry.record_income(region["h1"], 2020, actor=cast["county"], wages=Decimal(9000))
    found = figures(XIJI)
    assert found.years == [2018, 2019, 2020]
    assert found.year == YEAR  # one household of four has its 2020 income


def test_figures_follow_the_registry_and_the_population_as_they_change(region, cast, make_household):
    assert figures(XIJI, YEAR).incidence == Incidence(7, 150)
    registry.change_status(region["h2"], "exited", actor=cast["county"], reason="稳定脱贫")
    registry.record_income(region["h4"], YEAR, actor=cast["county"], wages=Decimal(9000))
    make_household(VILLAGE_B, actor=cast["county"], size=2, registered_year=YEAR)
    changed = figures(XIJI, YEAR)
    # h2 exited now, after 2019's end: still poor then; the new household was poor at its end.
    assert changed.incidence == Incidence(9, 150)
    assert changed.current.p0 == pytest.approx(3 / 8)  # h4's income rose above the line
    Population.objects.filter(area_id=VILLAGE_B, year=YEAR).update(persons=70)
    assert figures(XIJI, YEAR).incidence == Incidence(9, 170)


def test_the_registered_poor_without_an_income_are_counted_as_identification_counts_them(
        region, cast, make_household):
    """A poor household registered in Jiqiang with no Income record at all: the incidence, the causes and
    the helper coverage (from the snapshot) count it as identification.incidence does, at every level; the
    measures do not (households measured are those with an income)."""
    xiji = cast["county"]
    unrecorded = make_household(VILLAGE_B, actor=xiji, size=3, main_cause="disability", status="poor")
    assistance.assign_helper(unrecorded, _user("helper_c", Role.HELPER, VILLAGE_B), actor=xiji,
                             started_on=datetime.date(2019, 1, 1))
    prefix = XIJI[:6]
    found = figures(XIJI, YEAR)
    poor = inc.poor_households(prefix, [YEAR])[YEAR]
    assert unrecorded.pk in poor and found.incidence == inc.incidence(XIJI, YEAR) == Incidence(10, 150)
    assert found.registered_poor_households == len(poor) == 4
    assert found.helper_coverage == (4, 2)
    assert sum(households for _label, households, _persons in found.causes) == 4
    assert sum(persons for _label, _households, persons in found.causes) == 10
    row = found.current
    assert (row.households, row.persons) == (4, 8)  # measured: h1 to h4, incomes recorded
    assert (row.registered_poor_households, row.registered_poor_persons) == (4, 10)
    by_township = inc.tally(prefix, [YEAR], 9)
    for child in found.children:
        assert child.incidence == by_township.get((child.area.code[:9], YEAR)), child.area.code
    by_village = inc.tally(JIQIANG[:9], [YEAR], 12)
    for child in figures(JIQIANG, YEAR).children:
        assert child.incidence == by_village.get((child.area.code, YEAR)), child.area.code
    by_county = inc.tally("64", [YEAR], 6)
    for child in figures(PROVINCE, YEAR).counties:
        assert child.incidence == by_county.get((child.area.code[:6], YEAR)), child.area.code


def test_a_year_without_incomes_anywhere_is_counted_from_the_status_trails(region, cast, make_household):
    """The snapshot holds the years with incomes (2018, 2019 here); 2017's registered poor come from
    identification.incidence: h1, h2 and h4 (h3 exited, with no status event: its status then is its status
    now, as incidence reads it)."""
    found = figures(XIJI, 2017)
    poor = inc.poor_households(XIJI[:6], [2017])[2017]
    assert found.registered_poor_households == len(poor) == 3
    assert found.helper_coverage == (3, 0)  # the helpers started in 2018

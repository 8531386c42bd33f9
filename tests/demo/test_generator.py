"""The synthetic region: valid IDs, coherent households, incomes on the right side of the line, users."""

import datetime
from collections import Counter, defaultdict
from decimal import Decimal

import pytest

from jingzhun.areas.loader import load_ningxia
from jingzhun.areas.models import Area, AreaFlag, Level, Post, Role
from jingzhun.demo import calibration as cal
from jingzhun.demo.generate import generate_region, plan_region, region_rows
from jingzhun.demo.users import create_demo_users
from jingzhun.registry import rules
from jingzhun.registry.models import AuditEvent, Household, Income, LivingConditions, Member

HOUSEHOLDS = 300
LINE_2019 = Decimal(cal.POVERTY_LINE[2019])


@pytest.fixture
def areas(db):
    if not Area.objects.filter(level=Level.VILLAGE).exists():
        load_ningxia()


@pytest.fixture
def region(areas):
    return generate_region(households=HOUSEHOLDS, seed=7)


def per_person(household: Household, year: int) -> Decimal | None:
    income = next((i for i in household.incomes.all() if i.year == year), None)
    if income is None:
        return None
    persons = rules.persons_in_year([(m.joined_on, m.left_on) for m in household.members.all()], year)
    return rules.net_income_per_person(income.net_income, persons)


def households():
    return list(Household.objects.prefetch_related("members", "incomes"))


def test_counts_match_the_summary(region):
    assert Household.objects.count() == region.households == HOUSEHOLDS
    assert Member.objects.count() == region.members
    assert Income.objects.count() == region.incomes
    assert LivingConditions.objects.count() == region.rows["conditions"]


def test_every_id_number_validates_without_warning_and_matches_the_member(region):
    members = list(Member.objects.all())
    for member in members:
        checked = rules.check_id_number(member.id_number)
        assert checked.warning == "", member.id_number
        assert checked.sex == member.sex
        assert checked.birth_date == member.birth_date
    assert len({m.id_number for m in members}) == len(members)


def test_each_household_has_exactly_one_current_head(region):
    heads = Counter(Member.objects.filter(relation="head", left_on__isnull=True)
                    .values_list("household_id", flat=True))
    assert set(heads.values()) == {1}
    assert len(heads) == HOUSEHOLDS


def test_household_size_is_in_the_calibrated_band(region):
    sizes = [len(h.current_members) for h in households()]
    low, high = cal.HOUSEHOLD_SIZE_BAND
    assert low <= sum(sizes) / len(sizes) <= high


def test_members_form_a_coherent_family(region):
    for household in households():
        members = household.members.all()
        head = next(m for m in members if m.relation == "head")
        years = {m.pk: (m.birth_date - head.birth_date).days / 365.25 for m in members}
        for m in members:
            assert m.joined_on >= m.birth_date
            assert m.left_on is None or (m.left_on > m.joined_on and m.left_reason)
            if m.relation == "spouse":
                assert abs(years[m.pk]) < 15 and m.name[0] != head.name[0] and m.sex != head.sex
            if m.relation in ("son", "daughter", "grandchild") and head.sex == "M":
                assert m.name[0] == head.name[0]
            if m.relation in ("son", "daughter"):
                assert 18 < years[m.pk] < 52
            elif m.relation == "grandchild":
                assert years[m.pk] > 32
            elif m.relation == "parent":
                assert years[m.pk] < -16
            age = rules.age_on(m.birth_date, cal.SNAPSHOT)
            if 7 <= age < 16 and m.left_on is None:
                assert m.in_school or m.health == "disabled"
            if age < 16:
                assert m.labour == "none" and m.months_away == 0
            assert (m.disability_grade is not None) == (m.health == "disabled")


def test_exited_households_are_above_the_2019_line_and_poor_ones_below(region):
    by_status = defaultdict(list)
    for household in households():
        if household.status != "closed":
            by_status[household.status].append(per_person(household, 2019))
    assert by_status["poor"] and by_status["exited"]
    assert all(value > LINE_2019 for value in by_status["exited"])
    assert all(value < LINE_2019 for value in by_status["poor"] + by_status["returned"])
    assert len(by_status["poor"]) < 0.15 * HOUSEHOLDS  # a few %: most registered households exited


def test_most_households_were_below_the_line_when_registered(region):
    below = [per_person(h, h.registered_year) < cal.POVERTY_LINE[h.registered_year]
             for h in households() if h.status != "closed"]
    assert sum(below) >= 0.85 * len(below)


def test_incomes_cover_every_year_on_the_register(region):
    for household in households():
        years = sorted(i.year for i in household.incomes.all())
        assert years[0] == household.registered_year
        assert years == list(range(years[0], years[-1] + 1))
        assert years[-1] == 2019 or household.status == "closed"


def test_tekun_households_are_small_and_live_on_transfers(region):
    tekun = [h for h in households() if h.household_type == "extreme"]
    assert tekun
    small = [len(h.current_members) <= 2 for h in tekun]
    on_transfers = [i.transfer_income > i.net_income / 2 for h in tekun for i in h.incomes.all()]
    assert sum(small) >= 0.8 * len(small)
    assert sum(on_transfers) >= 0.8 * len(on_transfers)


def test_households_live_in_villages_and_number_after_them(region):
    levels = set(Area.objects.filter(households__isnull=False).values_list("level", flat=True))
    assert levels == {Level.VILLAGE}
    villages = []
    for number, village in Household.objects.values_list("number", "village_id"):
        assert len(number) == 16 and number.startswith(village)
        villages.append(village)
    in_poor_counties = sum(village[:6] in cal.POOR_COUNTIES for village in villages)
    assert in_poor_counties > 0.85 * HOUSEHOLDS


def test_poor_villages_are_flagged_in_poor_counties_only(region):
    flags = AreaFlag.objects.filter(kind=AreaFlag.Kind.POOR_VILLAGE)
    assert flags.count() == region.poor_villages > 0
    for flag in flags.select_related("area"):
        assert flag.area.level == Level.VILLAGE and flag.area_id[:6] in cal.POOR_COUNTIES
        assert flag.start_year == 2014 and flag.source == "synthetic demo"
        assert flag.end_year is None or 2015 <= flag.end_year <= 2019


def test_every_household_has_its_creation_in_the_audit_trail(region):
    events = AuditEvent.objects.filter(action="create", entity="household", actor=None)
    assert sorted(events.values_list("household_id", flat=True)) == sorted(
        Household.objects.values_list("pk", flat=True))
    assert events.first().at.date() >= datetime.date(2014, 1, 1)


def test_conditions_are_all_secure_in_2019_for_exited_households(region):
    exited = LivingConditions.objects.filter(year=2019, household__status="exited")
    assert exited.exists()
    assert all(c.all_secure and c.dangerous_house_grade == "" for c in exited)
    at_registration = LivingConditions.objects.filter(year=2014)
    assert any(not c.all_secure for c in at_registration)


def test_one_user_per_role_with_the_right_post(region):
    create_demo_users(region.cadre_village, region.cadre2_village)
    expected = {
        "province": (Role.PROVINCE_OFFICER, Level.PROVINCE),
        "guyuan": (Role.PREFECTURE_OFFICER, Level.PREFECTURE),
        "xiji": (Role.COUNTY_OFFICER, Level.COUNTY), "township": (Role.TOWNSHIP_OFFICER, Level.TOWNSHIP),
        "cadre": (Role.VILLAGE_CADRE, Level.VILLAGE), "cadre2": (Role.VILLAGE_CADRE, Level.VILLAGE),
        "helper": (Role.HELPER, Level.VILLAGE), "auditor": (Role.AUDITOR, Level.COUNTY),
        "fujian": (Role.PAIRING_PARTNER, Level.PROVINCE), "xiamen": (Role.PAIRING_PARTNER, Level.COUNTY),
    }
    posts = {p.user.username: p for p in Post.objects.select_related("user", "area")}
    assert {name: (p.role, p.area.level) for name, p in posts.items()} == expected
    cadre, helper = posts["cadre"], posts["helper"]
    assert posts["township"].area.contains(cadre.area.code) and posts["xiji"].area.contains(cadre.area.code)
    assert cadre.area_id != posts["cadre2"].area_id and helper.area_id == cadre.area_id
    assert Household.objects.filter(village=cadre.area).count() >= 20
    helped = Household.objects.filter(helper=helper.user)
    assert helped.count() == 5 and {h.village_id for h in helped} == {cadre.area_id}
    assert helper.user.check_password("jingzhun2026") and helper.user.first_name


def test_same_seed_gives_the_same_region(areas):
    def rows(seed):
        return list(region_rows(plan_region(HOUSEHOLDS, seed)))

    first = rows(7)
    assert first == rows(7)
    assert first != rows(8)

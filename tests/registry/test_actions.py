import datetime

import pytest

from jingzhun.errors import DomainError, InvalidTransition, NotAllowed, OutOfScope
from jingzhun.registry import actions
from jingzhun.registry.models import AuditEvent, Household, Member
from tests.conftest import VILLAGE_B, make_id_number


def test_registering_writes_household_head_and_audit(cast, make_household):
    household = make_household(actor=cast["cadre_a"], household_type="subsistence", main_cause="illness",
                               other_causes=["lack_skills", "illness"])
    assert household.number == "6404221002010001"
    assert household.head.name == "马德福"
    assert household.main_cause_id == "illness"
    assert list(household.other_causes.values_list("code", flat=True)) == ["lack_skills"]
    events = AuditEvent.objects.filter(household=household)
    assert {e.actor for e in events} == {cast["cadre_a"]}
    created = events.get(entity="household", action="create")
    assert (created.field, created.created_values["household_type"]) == ("", "subsistence")
    head = events.get(entity="member", action="create")
    assert (head.entity_id, head.created_values["id_number"]) == (household.head.pk, household.head.id_number)
    assert make_household(actor=cast["cadre_a"]).number == "6404221002010002"


def test_sex_and_birth_date_come_from_the_id_number(cast, make_household):
    household = make_household(actor=cast["cadre_a"])
    member = actions.add_member(household, actor=cast["cadre_a"], name="李秀兰", relation="spouse",
                                education="primary", labour="ordinary",
                                id_number=make_id_number(born=datetime.date(1982, 11, 5), sex="F"))
    assert (member.sex, member.birth_date) == ("F", datetime.date(1982, 11, 5))


def test_bad_id_number_is_refused_at_its_field_and_nothing_is_written(cast, make_household):
    household = make_household(actor=cast["cadre_a"])
    before = (Member.objects.count(), AuditEvent.objects.count())
    good = make_id_number()
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(DomainError) as error:
        actions.add_member(household, actor=cast["cadre_a"], name="马小花", relation="daughter",
                           education="primary", labour="none", id_number=wrong)
    assert error.value.field == "id_number"
    assert (Member.objects.count(), AuditEvent.objects.count()) == before


def test_a_person_is_a_current_member_of_one_household_only(cast, make_household):
    first = make_household(actor=cast["cadre_a"])
    with pytest.raises(DomainError, match="6404221002010001") as error:
        make_household(actor=cast["cadre_a"], id_number=first.head.id_number)
    assert error.value.field == "id_number"
    assert Household.objects.count() == 1


def test_one_head_per_household(cast, make_household):
    household = make_household(actor=cast["cadre_a"])
    with pytest.raises(DomainError) as error:
        actions.add_member(household, actor=cast["cadre_a"], name="马二", relation="head",
                           education="primary", labour="ordinary", id_number=make_id_number())
    assert error.value.field == "relation"


def test_member_change_is_audited_field_by_field(cast, make_household):
    household = make_household(actor=cast["cadre_a"], size=2)
    son = household.members.get(relation="son")
    actions.update_member(son, actor=cast["township"], health="disabled", disability_grade=2, months_away=0)
    events = AuditEvent.objects.filter(household=household, entity="member", action="change")
    assert {(e.field, e.old, e.new, e.actor.username) for e in events} == {
        ("health", "healthy", "disabled", "jiqiang"), ("disability_grade", "", "2", "jiqiang")}


def test_closing_a_member_keeps_the_record(cast, make_household):
    household = make_household(actor=cast["cadre_a"], size=2)
    son = household.members.get(relation="son")
    actions.close_member(son, actor=cast["cadre_a"], left_on=datetime.date(2020, 5, 1), reason="moved")
    son.refresh_from_db()
    assert son.left_on == datetime.date(2020, 5, 1)
    assert household.members.count() == 2
    # The person may now be registered elsewhere.
    other = actions.register_household(actor=cast["cadre_b"], village_code=VILLAGE_B, registered_year=2020,
                                       head={"name": son.name, "id_number": son.id_number,
                                             "education": "junior", "labour": "ordinary"})
    assert other.head.id_number == son.id_number


def test_head_cannot_leave_while_others_remain(cast, make_household):
    household = make_household(actor=cast["cadre_a"], size=2)
    with pytest.raises(DomainError):
        actions.close_member(household.head, actor=cast["cadre_a"], left_on=datetime.date(2020, 1, 1),
                             reason="died")


def test_cadre_cannot_write_in_another_village(cast, make_household):
    household = make_household(actor=cast["cadre_a"])
    with pytest.raises(OutOfScope):
        actions.update_household(household, actor=cast["cadre_b"], address="x")
    with pytest.raises(OutOfScope):
        make_household(VILLAGE_B, actor=cast["cadre_a"])


@pytest.mark.parametrize("role", ["province", "prefecture", "auditor", "helper"])
def test_read_only_roles_cannot_write(cast, make_household, role):
    household = make_household(actor=cast["cadre_a"])
    household.helper = cast["helper"]
    household.save()
    with pytest.raises(NotAllowed):
        actions.record_income(household, 2019, actor=cast[role], wages="100")


def test_status_moves_only_along_the_allowed_transitions(cast, make_household):
    household = make_household(actor=cast["cadre_a"])
    with pytest.raises(InvalidTransition):
        actions.change_status(household, "returned", actor=cast["county"], reason="check")
    actions.change_status(household, "exited", actor=cast["county"], reason="2019 exit verified")
    event = AuditEvent.objects.get(household=household, action="status")
    assert (event.old, event.new, event.reason) == ("poor", "exited", "2019 exit verified")
    actions.change_status(household, "closed", actor=cast["county"], reason="all members died")
    with pytest.raises(DomainError):
        actions.update_household(household, actor=cast["county"], address="x")


def test_dangerous_house_is_not_safe_housing(cast, make_household):
    household = make_household(actor=cast["cadre_a"])
    with pytest.raises(DomainError) as error:
        actions.record_conditions(household, 2019, actor=cast["cadre_a"], dangerous_house_grade="D",
                                  housing_secure=True)
    assert error.value.field == "housing_secure"
    conditions = actions.record_conditions(household, 2019, actor=cast["cadre_a"], dangerous_house_grade="D",
                                           housing_secure=False, water_secure=False)
    assert not conditions.all_secure


def test_negative_amount_is_refused(cast, make_household):
    household = make_household(actor=cast["cadre_a"])
    with pytest.raises(DomainError) as error:
        actions.record_income(household, 2019, actor=cast["cadre_a"], wages="-5")
    assert error.value.field == "wages"

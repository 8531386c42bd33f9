import datetime
import re

from django.urls import reverse

from jingzhun.registry import actions
from jingzhun.registry.models import Household, Income
from tests.conftest import VILLAGE_A, VILLAGE_B, make_id_number


def field_errors(body: str, name: str) -> str:
    match = re.search(rf'id="field-{name}".*?</div>', body, re.S)
    assert match, f"no field {name}"
    return match.group(0)


def registration(head_id: str, **extra) -> dict:
    data = {
        "village": VILLAGE_A,
        "address": "大营村三组",
        "phone": "",
        "household_type": "general",
        "registered_year": 2014,
        "main_cause": "illness",
        "other_causes": ["lack_capital"],
        "head-name": "马进财",
        "head-id_number": head_id,
        "head-ethnicity": "hui",
        "head-education": "primary",
        "head-health": "healthy",
        "head-labour": "ordinary",
        "head-months_away": 0,
        "head-joined_on": "2014-03-01",
    }
    return {**data, **extra}


def test_registration_shows_a_bad_head_id_at_its_field_and_stores_nothing(client, cast):
    client.force_login(cast["cadre_a"])
    good = make_id_number()
    response = client.post(reverse("registry:household_new"), registration(good[:-1] + "Y"))
    assert response.status_code == 200
    assert "errorlist" in field_errors(response.content.decode(), "head-id_number")
    assert "errorlist" not in field_errors(response.content.decode(), "head-name")
    assert not Household.objects.exists()


def test_registration_refuses_a_village_outside_the_cadres_area(client, cast):
    client.force_login(cast["cadre_a"])
    response = client.post(
        reverse("registry:household_new"), registration(make_id_number(), village=VILLAGE_B)
    )
    assert response.status_code == 200
    assert "errorlist" in field_errors(response.content.decode(), "village")
    assert not Household.objects.exists()


def test_registration_creates_the_household_and_opens_it(client, cast):
    client.force_login(cast["cadre_a"])
    response = client.post(reverse("registry:household_new"), registration(make_id_number()))
    household = Household.objects.get()
    assert response["Location"] == reverse("registry:household", args=[household.pk])
    assert (household.head.name, household.main_cause_id, household.head.ethnicity) == (
        "马进财",
        "illness",
        "hui",
    )
    assert list(household.other_causes.values_list("code", flat=True)) == ["lack_capital"]


def income_post(year: int = 2019, **amounts) -> dict:
    """A filled income form: every source zero unless given."""
    return {"year": year, **{field: "0" for field in Income.AMOUNT_FIELDS}, **amounts}


def test_income_form_records_a_year_and_the_page_shows_the_per_person_figure(client, cast, make_household):
    household = make_household(actor=cast["cadre_a"], size=3)
    client.force_login(cast["cadre_a"])
    amounts = income_post(wages="8000", production_income="4000", production_costs="1500",
                          subsistence_allowance="1200", ecological_compensation="300")
    response = client.post(reverse("registry:income", args=[household.pk, 2019]), amounts)
    assert response.status_code == 302
    body = client.get(reverse("registry:household", args=[household.pk])).content.decode()
    assert "12,000.00" in body  # net: 8000 + 4000 - 1500 + 1200 + 300
    assert "4,000.00" in body  # per person, three members


def test_income_form_shows_a_negative_amount_at_its_field(client, cast, make_household):
    household = make_household(actor=cast["cadre_a"])
    client.force_login(cast["cadre_a"])
    response = client.post(reverse("registry:income", args=[household.pk, 2019]), income_post(wages="-10"))
    assert response.status_code == 200
    assert "errorlist" in field_errors(response.content.decode(), "wages")
    assert not household.incomes.exists()


def test_conditions_form_marks_the_failed_guarantees(client, cast, make_household):
    household = make_household(actor=cast["cadre_a"])
    client.force_login(cast["cadre_a"])
    response = client.post(
        reverse("registry:conditions", args=[household.pk, 2016]),
        {
            "year": 2016,
            "food_secure": "on",
            "clothing_secure": "on",
            "education_secure": "on",
            "medical_secure": "on",
            "dangerous_house_grade": "C",
        },
    )
    assert response.status_code == 302
    conditions = household.conditions.get(year=2016)
    assert (conditions.housing_secure, conditions.water_secure, conditions.all_secure) == (
        False,
        False,
        False,
    )


def test_member_leaving_through_the_page_closes_the_record(client, cast, make_household):
    household = make_household(actor=cast["cadre_a"], size=2)
    son = household.members.get(relation="son")
    client.force_login(cast["cadre_a"])
    response = client.post(
        reverse("registry:member_close", args=[son.pk]),
        {"left_on": "2021-06-01", "left_reason": "married_out"},
    )
    assert response.status_code == 302
    son.refresh_from_db()
    assert (son.left_on, son.left_reason) == (datetime.date(2021, 6, 1), "married_out")


def test_list_filters_and_search(client, cast, make_household):
    ill = make_household(actor=cast["cadre_a"], head_name="马有福", main_cause="illness")
    dibao = make_household(
        actor=cast["cadre_a"], head_name="杨国华", household_type="subsistence", main_cause="disability"
    )
    actions.change_status(dibao, "exited", actor=cast["county"], reason="verified")
    client.force_login(cast["county"])
    url = reverse("registry:households")

    def numbers(**params) -> set[str]:
        body = client.get(url, params).content.decode()
        return {n for n in (ill.number, dibao.number) if n in body}

    assert numbers() == {ill.number, dibao.number}
    assert numbers(q="杨国") == {dibao.number}
    assert numbers(q=ill.head.id_number) == {ill.number}
    assert numbers(q=dibao.number) == {dibao.number}
    assert numbers(status="exited") == {dibao.number}
    assert numbers(type="subsistence") == {dibao.number}
    assert numbers(cause="illness") == {ill.number}
    assert numbers(area=VILLAGE_B) == set()


def test_member_form_shows_the_id_error_together_with_the_others(client, cast, make_household):
    household = make_household(actor=cast["cadre_a"])
    client.force_login(cast["cadre_a"])
    good = make_id_number(born=datetime.date(2008, 9, 1), sex="F")
    response = client.post(reverse("registry:member_new", args=[household.pk]),
                           {"name": "马小花", "id_number": good[:-1] + ("0" if good[-1] != "0" else "1")})
    body = response.content.decode()
    assert "errorlist" in field_errors(body, "id_number")
    assert "errorlist" in field_errors(body, "relation")
    assert household.members.count() == 1


def test_closing_a_household_keeps_it_and_freezes_it(client, cast, make_household):
    household = make_household(actor=cast["cadre_a"], size=2)
    client.force_login(cast["cadre_a"])
    url = reverse("registry:household_close", args=[household.pk])
    assert "errorlist" in field_errors(client.post(url, {"reason": ""}).content.decode(), "reason")
    response = client.post(url, {"reason": "registered in error"})
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.status == "closed"
    event = household.audit_events.get(action="status")
    assert (event.old, event.new, event.reason, event.actor) == ("poor", "closed", "registered in error",
                                                                 cast["cadre_a"])
    assert household.members.count() == 2
    # A closed record can no longer be changed, through any form.
    response = client.post(reverse("registry:household_edit", args=[household.pk]),
                           {"address": "x", "household_type": "general", "registered_year": 2014})
    assert response.status_code == 200 and Household.objects.get(pk=household.pk).address != "x"


def test_read_only_roles_cannot_close_a_household(client, cast, make_household):
    household = make_household(actor=cast["cadre_a"])
    for role in ("auditor", "province"):
        client.force_login(cast[role])
        assert client.post(reverse("registry:household_close", args=[household.pk]),
                           {"reason": "x"}).status_code == 403
    household.refresh_from_db()
    assert household.status == "poor"

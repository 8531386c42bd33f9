"""The monitoring pages through the test client: what each role sees, may do, and is refused."""

import datetime

import pytest
from django.urls import reverse

from jingzhun.areas.scope import mask_id_number
from jingzhun.identification import monitoring
from jingzhun.identification.models import Assistance, Hardship, Risk
from jingzhun.registry import actions
from jingzhun.registry.models import Household
from tests.conftest import JIQIANG, VILLAGE_A, VILLAGE_B, XIJI

LIST = reverse("identification:monitoring")


@pytest.fixture
def risks(cast, make_household):
    """An unstable exited household in village A (2,500 a person in 2021), a marginal one in B."""
    mine = make_household(actor=cast["cadre_a"], head_name="马福贵", status="exited", size=2)
    actions.record_income(mine, 2021, actor=cast["cadre_a"], wages="5000")
    theirs = make_household(VILLAGE_B, actor=cast["cadre_b"], head_name="杨文明", status="non_poor")
    actions.record_income(theirs, 2021, actor=cast["cadre_b"], wages="5500")
    monitoring.flag_risks(XIJI, 2021, actor=cast["county"])
    return {"mine": Risk.objects.get(household=mine), "theirs": Risk.objects.get(household=theirs)}


def client_for(client, cast, who):
    client.force_login(cast[who])
    return client


def test_cadre_sees_the_village_list_with_figures(client, cast, risks):
    page = client_for(client, cast, "cadre_a").get(LIST, {"area": VILLAGE_A, "year": 2021})
    assert page.status_code == 200
    text = page.content.decode()
    assert "马福贵" in text and "杨文明" not in text
    assert "2,500.00" in text and "6,000.00" in text
    assert risks["mine"].household.head.id_number in text  # cadres see ID numbers
    assert 'id="flag-form"' in text


def test_the_list_defaults_to_the_user_s_area_and_latest_year(client, cast, risks):
    text = client_for(client, cast, "cadre_b").get(LIST).content.decode()
    assert "杨文明" in text and "马福贵" not in text and "2021" in text


def test_province_reads_masked_and_cannot_flag(client, cast, risks):
    text = client_for(client, cast, "province").get(LIST, {"area": VILLAGE_A, "year": 2021}).content.decode()
    number = risks["mine"].household.head.id_number
    assert number not in text and mask_id_number(number) in text
    assert 'id="flag-form"' not in text


def test_a_county_sees_counts_per_township_with_links_down(client, cast, risks):
    page = client_for(client, cast, "county").get(LIST, {"area": XIJI, "year": 2021})
    text = page.content.decode()
    jiqiang = next(row for row, _q in page.context["children"] if row.area.code == JIQIANG)
    assert (jiqiang.total, jiqiang.groups) == (2, {"unstable": 1, "marginal": 1})
    assert f"?area={JIQIANG}&amp;year=2021" in text
    assert page.context["total"].states == {"open": 2}
    township = client.get(LIST, {"area": JIQIANG, "year": 2021})
    assert [row.total for row, _q in township.context["children"] if row.area.code == VILLAGE_A] == [1]


@pytest.mark.parametrize("who, status", [("cadre_b", 404), ("other_county", 404), ("outsider", 403)])
def test_a_risk_outside_the_area_does_not_exist(client, cast, risks, who, status):
    client = client_for(client, cast, who)
    pk = risks["mine"].pk
    assert client.get(reverse("identification:monitoring_risk", args=[pk])).status_code == status
    assert client.get(LIST, {"area": VILLAGE_A}).status_code == status
    posted = client.post(reverse("identification:monitoring_close", args=[pk]), {"close-reason": "x"})
    assert posted.status_code == status
    assert Risk.objects.get(pk=pk).state == "open"


def test_anonymous_users_are_sent_to_sign_in(client, risks):
    page = client.get(reverse("identification:monitoring_risk", args=[risks["mine"].pk]))
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]


def test_auditor_reads_a_risk_but_changes_nothing(client, cast, risks):
    client = client_for(client, cast, "auditor")
    pk = risks["mine"].pk
    page = client.get(reverse("identification:monitoring_risk", args=[pk]))
    assert page.status_code == 200
    assert 'id="assistance-form"' not in page.content.decode()
    for name, data in (("monitoring_assistance", {"assistance-given_on": "2022-01-05",
                                                   "assistance-measure": "x"}),
                       ("monitoring_close", {"close-reason": "x"}),
                       ("monitoring_return", {"return-year": "2021", "return-reason": "x"})):
        assert client.post(reverse(f"identification:{name}", args=[pk]), data).status_code == 403
    assert client.get(reverse("identification:monitoring_hardship",
                              args=[risks["mine"].household_id])).status_code == 403
    flag = client.post(reverse("identification:monitoring_flag"), {"area": XIJI, "year": 2021})
    assert flag.status_code == 403
    assert not Assistance.objects.exists() and Risk.objects.get(pk=pk).state == "open"


def test_helper_reads_only_own_households_and_does_not_export(client, cast, risks, make_household):
    Household.objects.filter(pk=risks["mine"].household_id).update(helper=cast["helper"])
    other = make_household(actor=cast["cadre_a"], status="exited")
    actions.record_income(other, 2021, actor=cast["cadre_a"], wages="100")
    monitoring.flag_risks(VILLAGE_A, 2021, actor=cast["cadre_a"])
    client = client_for(client, cast, "helper")
    assert client.get(reverse("identification:monitoring_risk", args=[risks["mine"].pk])).status_code == 200
    other_risk = Risk.objects.get(household=other)
    assert client.get(reverse("identification:monitoring_risk", args=[other_risk.pk])).status_code == 404
    page = client.get(LIST, {"area": VILLAGE_A, "year": 2021})
    assert [row["risk"].pk for row in page.context["rows"]] == [risks["mine"].pk]
    assert client.get(reverse("identification:monitoring_export"), {"area": VILLAGE_A}).status_code == 403


def test_csv_has_a_bom_and_masks_for_the_prefecture(client, cast, risks):
    number = risks["mine"].household.head.id_number
    response = client_for(client, cast, "prefecture").get(reverse("identification:monitoring_export"),
                                                          {"area": XIJI, "year": 2021, "group": "unstable"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    lines = body.strip().splitlines()
    assert len(lines) == 2  # header and the one unstable household
    assert "马福贵" in lines[1] and mask_id_number(number) in lines[1] and number not in body
    assert "2500.00" in lines[1] and "6000.00" in lines[1]


def test_cadre_adds_assistance_and_sees_a_field_error_first(client, cast, risks):
    client = client_for(client, cast, "cadre_a")
    url = reverse("identification:monitoring_assistance", args=[risks["mine"].pk])
    empty = client.post(url, {"assistance-given_on": "2022-01-05", "assistance-measure": "  "})
    assert empty.status_code == 200
    assert empty.context["assistance_form"].errors["measure"]
    done = client.post(url, {"assistance-given_on": "2022-01-05", "assistance-measure": "公益性岗位"})
    assert done.status_code == 302
    assert list(Assistance.objects.values_list("measure", flat=True)) == ["公益性岗位"]
    page = client.get(reverse("identification:monitoring_risk", args=[risks["mine"].pk]))
    assert "公益性岗位" in page.content.decode()


def test_an_early_elimination_is_refused_with_its_reasons(client, cast, risks):
    client = client_for(client, cast, "cadre_a")
    url = reverse("identification:monitoring_eliminate", args=[risks["mine"].pk])
    page = client.post(url, {"eliminate-reason": "收入提高"}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    errors = " ".join(page.context["eliminate_form"].non_field_errors())
    assert "below the threshold" in errors or "低于" in errors
    assert Risk.objects.get(pk=risks["mine"].pk).state == "open"


def test_closing_then_the_list_shows_it_closed(client, cast, risks):
    client = client_for(client, cast, "cadre_a")
    pk = risks["mine"].pk
    assert client.post(reverse("identification:monitoring_close", args=[pk]),
                       {"close-reason": "全家迁往银川"}).status_code == 302
    page = client.get(LIST, {"area": VILLAGE_A, "year": 2021, "state": "closed"})
    assert [row["risk"].pk for row in page.context["rows"]] == [pk]
    assert 'id="assistance-form"' not in client.get(
        reverse("identification:monitoring_risk", args=[pk])).content.decode()


def test_return_to_poverty_from_the_risk_page(client, cast, risks, make_household):
    household = make_household(actor=cast["cadre_a"], status="exited")
    actions.record_income(household, 2021, actor=cast["cadre_a"], wages="3000")
    monitoring.flag_risks(VILLAGE_A, 2021, actor=cast["cadre_a"])
    risk = Risk.objects.get(household=household)
    client = client_for(client, cast, "cadre_a")
    response = client.post(reverse("identification:monitoring_return", args=[risk.pk]),
                           {"return-year": "2021", "return-reason": "因病收入下降"})
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.status == "returned"
    page = client.get(LIST, {"area": VILLAGE_A, "year": 2021})
    assert 'class="badge returned"' in page.content.decode()


def test_hardship_form_records_and_flags(client, cast, make_household):
    household = make_household(actor=cast["cadre_a"], status="non_poor")
    actions.record_income(household, 2021, actor=cast["cadre_a"], wages="9000")
    client = client_for(client, cast, "cadre_a")
    url = reverse("identification:monitoring_hardship", args=[household.pk])
    assert client.get(url).status_code == 200
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    bad = client.post(url, {"kind": "illness", "occurred_on": future, "expense": "100"})
    assert bad.status_code == 200 and bad.context["form"].errors["occurred_on"]
    values = {"kind": "illness", "occurred_on": "2021-10-01", "expense": "12000", "note": "手术"}
    done = client.post(url, values)
    risk = Risk.objects.get(household=household)
    assert done.status_code == 302 and done["Location"] == reverse("identification:monitoring_risk",
                                                                     args=[risk.pk])
    assert risk.group == "hardship" and Hardship.objects.get().note == "手术"
    client.force_login(cast["cadre_b"])
    assert client.get(url).status_code == 404
    assert client.post(url, values).status_code == 404
    assert Hardship.objects.count() == 1


def test_the_flag_button(client, cast, make_household):
    household = make_household(actor=cast["cadre_a"], status="exited")
    actions.record_income(household, 2021, actor=cast["cadre_a"], wages="5000")
    client = client_for(client, cast, "cadre_a")
    url = reverse("identification:monitoring_flag")
    assert client.get(url).status_code == 405
    assert client.post(url, {"area": XIJI, "year": 2021}).status_code == 403  # beyond the village
    response = client.post(url, {"area": VILLAGE_A, "year": 2021}, follow=True)
    assert response.redirect_chain[-1][0] == f"{LIST}?area={VILLAGE_A}&year=2021"
    assert Risk.objects.get(household=household).group == "unstable"
    assert [str(m) for m in response.context["messages"]]


def test_the_household_trail_names_monitoring_records(client, cast, risks):
    risk = risks["mine"]
    monitoring.add_assistance(risk, actor=cast["cadre_a"], given_on=datetime.date(2022, 1, 5),
                              measure="技能培训")
    monitoring.close_risk(risk, actor=cast["cadre_a"], reason="务工稳定")
    client = client_for(client, cast, "cadre_a")
    client.cookies["django_language"] = "en"
    text = client.get(reverse("registry:household", args=[risk.household_id])).content.decode()
    assert "技能培训" in text and "务工稳定" in text
    assert "monitored risk" in text and "given on" in text

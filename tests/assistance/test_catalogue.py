"""The measures catalogue and the cause → measure table: who may change which rows, the history each
change leaves, rows taken out of force instead of deleted, and a county's rows changing its advice only."""

from decimal import Decimal

import pytest
from django.urls import reverse

from jingzhun.assistance import catalogue_actions as catalogue
from jingzhun.assistance import queries
from jingzhun.assistance.models import CatalogueChange, Measure, MeasureRule
from jingzhun.errors import DomainError, NotAllowed, OutOfScope
from tests.conftest import VILLAGE_A, VILLAGE_C

pytestmark = pytest.mark.django_db
CATALOGUE = reverse("assistance:catalogue")
NEW = reverse("assistance:rule_new")
XIJI6, YANCHI6 = "640422", "640323"


def add(actor, jurisdiction, measure="skills_training", cause="illness", rank=1, reason="county practice"):
    return catalogue.add_rule(actor=actor, jurisdiction=jurisdiction, cause=cause, measure=measure,
                              rank=rank, note="", reason=reason)


def national(cause="illness", measure="medical_insurance") -> MeasureRule:
    return MeasureRule.objects.get(jurisdiction="", cause_id=cause, measure_id=measure)


def test_a_county_row_changes_the_advice_for_that_county_s_households_only(cast, make_household):
    xiji = make_household(actor=cast["cadre_a"], main_cause="illness")
    yanchi = make_household(VILLAGE_C, actor=cast["other_county"], main_cause="illness")
    before = queries.advice_for(xiji).codes
    assert before == queries.advice_for(yanchi).codes == ["medical_insurance", "public_welfare_job"]
    add(cast["county"], XIJI6)
    advice = queries.advice_for(xiji)
    assert advice.codes == ["skills_training"] and advice.jurisdictions["illness"] == XIJI6
    assert queries.advice_for(yanchi).codes == before


def test_a_row_taken_out_of_force_stays_and_stops_being_recommended(cast, make_household):
    household = make_household(actor=cast["cadre_a"], main_cause="illness")
    rows = MeasureRule.objects.count()
    catalogue.change_rule(national(), actor=cast["province"], reason="paid by the county now", active=False)
    assert MeasureRule.objects.count() == rows and not national().active
    assert "medical_insurance" not in queries.advice_for(household).codes
    change = CatalogueChange.objects.get(rule=national())
    assert (change.field, change.old, change.new, change.reason, change.actor_id) == (
        "active", "1", "0", "paid by the county now", cast["province"].pk)


def test_province_officers_edit_national_rows_and_any_jurisdiction_inside_the_province(cast):
    add(cast["province"], "", measure="skills_training")
    add(cast["province"], "64", measure="skills_training")
    add(cast["province"], XIJI6)
    rule = add(cast["province"], YANCHI6)
    catalogue.change_rule(rule, actor=cast["province"], reason="order", rank=2)
    assert MeasureRule.objects.get(pk=rule.pk).rank == 2


def test_county_officers_add_and_edit_their_own_county_s_rows_only(cast):
    rule = add(cast["county"], XIJI6)
    catalogue.change_rule(rule, actor=cast["county"], reason="later", rank=3, note="after the harvest")
    changes = CatalogueChange.objects.filter(rule=rule)
    assert {(c.field, c.old, c.new) for c in changes if c.reason == "later"} == {
        ("rank", "1", "3"), ("note", "", "after the harvest")}
    for jurisdiction in ("", "64", "6404", YANCHI6, "640422100"):
        with pytest.raises(OutOfScope):
            add(cast["county"], jurisdiction)
    with pytest.raises(OutOfScope):
        catalogue.change_rule(national(), actor=cast["county"], reason="x", active=False)
    with pytest.raises(OutOfScope):
        catalogue.change_rule(rule, actor=cast["other_county"], reason="x", rank=2)
    assert national().active


@pytest.mark.parametrize("who", ["prefecture", "township", "cadre_a", "auditor", "helper", "outsider"])
def test_other_roles_only_read(cast, who):
    with pytest.raises(NotAllowed):
        add(cast[who], XIJI6)
    with pytest.raises(NotAllowed):
        catalogue.change_rule(national(), actor=cast[who], reason="x", rank=9)
    with pytest.raises(NotAllowed):
        catalogue.change_measure(Measure.objects.get(pk="industry"), actor=cast[who], reason="x",
                                 active=False)
    assert national().rank == 1 and not CatalogueChange.objects.exists()


def test_rows_are_refused_when_duplicate_unknown_reasonless_or_for_a_measure_out_of_use(cast):
    add(cast["county"], XIJI6)
    cases = [({"measure": "skills_training"}, "measure"), ({"measure": "flying"}, "measure"),
             ({"cause": "boredom"}, "cause"), ({"reason": " "}, "reason"), ({"rank": 0}, "rank"),
             ({"jurisdiction": "6404229"}, "jurisdiction")]
    for changes, field in cases:
        values = {"jurisdiction": XIJI6, "cause": "illness", "measure": "employment", "rank": 1,
                  "reason": "r", **changes}
        with pytest.raises(DomainError) as error:
            catalogue.add_rule(actor=cast["province"] if field == "jurisdiction" else cast["county"],
                               note="", **values)
        assert error.value.field == field, changes
    catalogue.change_measure(Measure.objects.get(pk="employment"), actor=cast["province"], reason="ended",
                             active=False)
    with pytest.raises(DomainError) as error:
        add(cast["county"], XIJI6, measure="employment")
    assert error.value.field == "measure"
    with pytest.raises(DomainError):
        catalogue.change_rule(national(), actor=cast["province"], reason="same", rank=1)  # nothing changed


def test_province_officers_change_measures_with_history(cast, make_household):
    industry = Measure.objects.get(pk="industry")
    catalogue.change_measure(industry, actor=cast["province"], reason="2019 figure", typical_amount="5000",
                             condition="", name_en="industry support")
    industry.refresh_from_db()
    assert (industry.typical_amount, industry.condition, industry.name_en) == (
        Decimal("5000.00"), "", "industry support")
    assert {c.field for c in industry.changes.all()} == {"typical_amount", "condition", "name_en"}
    with pytest.raises(DomainError) as error:
        catalogue.change_measure(industry, actor=cast["province"], reason="x", condition="rich")
    assert error.value.field == "condition"
    with pytest.raises(NotAllowed):
        catalogue.change_measure(industry, actor=cast["county"], reason="x", active=False)
    household = make_household(actor=cast["cadre_a"], main_cause="illness")
    catalogue.change_measure(Measure.objects.get(pk="medical_insurance"), actor=cast["province"],
                             reason="merged", active=False)
    assert Measure.objects.filter(pk="medical_insurance").exists()
    assert "medical_insurance" not in queries.advice_for(household).codes


# Pages ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["province", "county", "township", "cadre_a", "auditor", "helper"])
def test_everyone_who_reads_the_registry_reads_the_catalogue(client, cast, who):
    client.force_login(cast[who])
    page = client.get(CATALOGUE)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="cause-illness"' in html and 'id="batch-production"' in html
    assert 'id="measure-industry"' in html and f'id="rule-{national().pk}"' in html
    assert ('id="rule-new-link"' in html) == (who in ("province", "county"))


def test_outsiders_and_the_public_do_not(client, cast):
    assert client.get(CATALOGUE).status_code == 302
    client.force_login(cast["outsider"])
    assert client.get(CATALOGUE).status_code == 403
    assert client.get(reverse("assistance:rule_edit", args=[national().pk])).status_code == 403


def test_the_page_shows_which_jurisdiction_applies_in_the_viewer_s_area(client, cast):
    rule = add(cast["province"], YANCHI6)
    client.force_login(cast["county"])
    html = client.get(CATALOGUE).content.decode()
    assert 'id="cause-illness" data-applies="national"' in html
    assert f'id="rule-{rule.pk}"' not in html  # another county's row
    assert client.get(reverse("assistance:rule_edit", args=[rule.pk])).status_code == 404
    mine = add(cast["county"], XIJI6)
    html = client.get(CATALOGUE).content.decode()
    assert f'id="cause-illness" data-applies="{XIJI6}"' in html
    assert f'<tr id="rule-{mine.pk}" data-jurisdiction="{XIJI6}" class="applies"' in html
    client.force_login(cast["other_county"])
    html = client.get(CATALOGUE).content.decode()
    assert f'id="cause-illness" data-applies="{YANCHI6}"' in html and f'id="rule-{mine.pk}"' not in html
    client.force_login(cast["province"])
    html = client.get(CATALOGUE, {"area": VILLAGE_A}).content.decode()
    assert f'data-applies="{XIJI6}"' in html and f'id="rule-{rule.pk}"' in html  # the province sees all


def test_a_county_officer_adds_and_changes_a_row_through_the_pages(client, cast):
    client.force_login(cast["county"])
    form = client.get(NEW, {"cause": "illness"})
    assert [value for value, _label in form.context["form"].fields["jurisdiction"].choices] == [XIJI6]
    response = client.post(NEW, {"jurisdiction": XIJI6, "cause": "illness", "measure": "skills_training",
                                 "rank": 1, "note": "", "reason": "our practice"})
    assert response.status_code == 302
    rule = MeasureRule.objects.get(jurisdiction=XIJI6)
    edit = reverse("assistance:rule_edit", args=[rule.pk])
    # "active" unticked: out of force
    response = client.post(edit, {"rank": 2, "note": "n", "reason": "second thoughts"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.rank, rule.active, rule.note) == (2, False, "n")
    page = client.get(edit)
    assert page.status_code == 200 and "second thoughts" in page.content.decode()
    assert {c.field for c, *_ in page.context["history"] if c.reason == "second thoughts"} == {
        "rank", "active", "note"}
    refused = client.post(edit, {"rank": 2, "active": "on", "note": "n", "reason": ""})
    assert refused.status_code == 200 and refused.context["form"].errors["reason"]


def test_rows_outside_the_user_s_power_are_read_only_on_the_pages(client, cast):
    client.force_login(cast["county"])
    edit = reverse("assistance:rule_edit", args=[national().pk])
    page = client.get(edit)
    assert page.status_code == 200 and page.context["form"] is None
    assert client.post(edit, {"rank": 5, "active": "on", "reason": "x"}).status_code == 403
    national_row = client.post(NEW, {"jurisdiction": "", "cause": "illness", "measure": "skills_training",
                                     "rank": 1, "reason": "x"})
    assert national_row.status_code == 200 and national_row.context["form"].errors["jurisdiction"]
    assert not MeasureRule.objects.filter(measure_id="skills_training", cause_id="illness").exists()
    client.force_login(cast["township"])
    assert client.get(NEW).status_code == 403
    measure = reverse("assistance:measure_edit", args=["industry"])
    assert client.get(measure).status_code == 200
    assert client.post(measure, {"name_zh": "x", "name_en": "x", "reason": "x"}).status_code == 403


def test_a_province_officer_changes_a_measure_through_its_page(client, cast):
    client.force_login(cast["province"])
    url = reverse("assistance:measure_edit", args=["industry"])
    response = client.post(url, {"name_zh": "产业扶持", "name_en": "industry support", "condition": "labour",
                                 "typical_amount": "4000", "active": "on", "reason": "new standard"})
    assert response.status_code == 302
    assert Measure.objects.get(pk="industry").typical_amount == Decimal("4000.00")
    page = client.get(url)
    assert {c.field: (c.old, c.new) for c, *_ in page.context["history"]} == {
        "typical_amount": ("3000.00", "4000.00"),
        "name_en": ("industry support (crops and livestock)", "industry support")}
    assert client.get(reverse("assistance:measure_edit", args=["nothing"])).status_code == 404

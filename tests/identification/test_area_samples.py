"""The third-party sample: its frame is the registry at the end of the year checked, it is drawn once a
county-year, its results stand once an assessment relied on them, and the deciding steps judge with it."""

import pytest
from django.urls import reverse

from jingzhun.errors import DomainError, InvalidTransition
from jingzhun.identification import area_actions, incidence, sampling
from jingzhun.identification.models import Sample, SampledHousehold
from jingzhun.registry.models import AuditEvent
from tests.conftest import VILLAGE_A, VILLAGE_B, XIJI
from tests.identification import area_cases
from tests.identification.area_cases import at, county_case, enter_results, status_event

calendar_2017, two_villages = area_cases.calendar_2017, area_cases.two_villages  # fixtures
pytestmark = pytest.mark.django_db


def test_the_frame_is_the_registry_at_the_end_of_the_year_checked(cast, two_villages, make_household):
    h = two_villages
    status_event(h["a_exited_1"], at(2017, 1, 10), "poor", "exited")  # poor at the end of 2016
    status_event(h["a_poor"], at(2016, 6, 1), "poor", "exited")
    status_event(h["a_poor"], at(2017, 2, 1), "exited", "returned")  # returned now, exited then
    status_event(h["b_exited"], at(2016, 12, 31, 23, 59, 59), "poor", "exited")  # by 24:00 Shanghai
    status_event(h["b_poor"], at(2017, 2, 20), "poor", "closed")  # closed now, poor then
    late = make_household(VILLAGE_B, actor=cast["cadre_b"], head_name="马新", status="exited",
                          registered_year=2017)
    _villages, households = area_actions._frame(area_actions.Area.objects.get(code=XIJI), 2016)
    assert sorted(households) == sorted([
        (h["a_poor"].pk, VILLAGE_A, sampling.EXITED), (h["a_exited_1"].pk, VILLAGE_A, sampling.POOR),
        (h["a_exited_2"].pk, VILLAGE_A, sampling.EXITED), (h["b_poor"].pk, VILLAGE_B, sampling.POOR),
        (h["b_exited"].pk, VILLAGE_B, sampling.EXITED)])
    assert late.pk not in {pk for pk, _v, _s in incidence.statuses_at(XIJI[:6], 2016)}
    assert (late.pk, VILLAGE_B, "exited") in incidence.statuses_at(XIJI[:6], 2017)


def test_a_county_year_is_sampled_once(cast, two_villages):
    sample = area_actions.draw_sample(XIJI, 2016, actor=cast["province"], seed=5)
    with pytest.raises(DomainError) as refused:
        area_actions.draw_sample(XIJI, 2016, actor=cast["province"], seed=6)
    assert "只抽取一次" in refused.value.message  # the default language, Chinese
    assert f"抽样{sample.pk}" in refused.value.message and "种子5" in refused.value.message
    assert list(Sample.objects.values_list("pk", flat=True)) == [sample.pk]


def test_results_record_who_entered_them_and_go_into_the_household_trail(cast, two_villages,
                                                                          calendar_2017):
    sample = area_actions.draw_sample(XIJI, 2016, actor=cast["province"], seed=5)
    sampled = sample.households.filter(stratum="exited").first()
    area_actions.enter_household_result(sampled, actor=cast["province"], surveyed=True, wrongly_exited=True,
                                        approves=False, note="收入核算有误")
    sampled.refresh_from_db()
    assert sampled.entered_by == cast["province"] and sampled.entered_at == calendar_2017.now()
    trail = {e.field: (e.old, e.new) for e in AuditEvent.objects.filter(
        household_id=sampled.household_id, entity="sample", entity_id=sampled.pk,
        action=AuditEvent.Action.CHANGE)}
    assert trail == {"surveyed": ("", "1"), "wrongly_exited": ("", "1"), "approves": ("", "0"),
                     "note": ("", "收入核算有误")}
    village = sample.villages.first()
    area_actions.enter_village_result(village, actor=cast["province"], population_checked=80, missed_found=1)
    village.refresh_from_db()
    assert village.entered_by == cast["province"] and village.entered_at is not None


def test_results_an_assessment_relied_on_cannot_change(cast, two_villages, calendar_2017):
    case = county_case(cast)
    sample = enter_results(area_actions.draw_sample(XIJI, 2016, actor=cast["province"], seed=7), cast)
    case = area_actions.take_county_step(case, "assess", actor=cast["province"])
    assert case.events.get(step="assess").data == {"sample": sample.pk}
    household, village = sample.households.first(), sample.villages.first()
    with pytest.raises(InvalidTransition) as refused:
        area_actions.enter_household_result(household, actor=cast["province"], surveyed=False,
                                            wrongly_exited=None, approves=None)
    assert "已依据这些结果" in refused.value.message
    with pytest.raises(InvalidTransition):
        area_actions.enter_village_result(village, actor=cast["province"], population_checked=100,
                                          missed_found=50)
    household.refresh_from_db()
    assert household.surveyed is True
    assert Sample.objects.get(pk=sample.pk).results == sample.results
    # Rejected after the assessment, the case still relied on the sample.
    area_actions.take_county_step(case, "province_rejects", actor=cast["province"], reason="复核")
    with pytest.raises(InvalidTransition):
        area_actions.enter_village_result(village, actor=cast["province"], population_checked=1,
                                          missed_found=1)


def test_a_case_past_its_assessment_freezes_the_results_even_unnamed(cast, two_villages, calendar_2017):
    case = county_case(cast)
    sample = enter_results(area_actions.draw_sample(XIJI, 2016, actor=cast["province"], seed=7), cast)
    case = area_actions.take_county_step(case, "assess", actor=cast["province"])
    case.events.filter(step="assess").update(data={"sample": sample.pk + 1000})  # as an older record
    with pytest.raises(InvalidTransition):
        area_actions.enter_household_result(sample.households.first(), actor=cast["province"],
                                            surveyed=False, wrongly_exited=None, approves=None)


def test_approval_judges_with_the_sample_the_assessment_used(cast, two_villages, calendar_2017, client):
    case = county_case(cast)
    sample = enter_results(area_actions.draw_sample(XIJI, 2016, actor=cast["province"], seed=7), cast)
    case = area_actions.take_county_step(case, "assess", actor=cast["province"])
    case = area_actions.take_county_step(case, "post_notice", actor=cast["province"])
    # A later sample of the same county-year (kept from before samples were drawn once), incomplete.
    later = Sample.objects.create(county_id=XIJI, year=2016, seed=99, drawn_by=cast["province"],
                                  drawn_at=calendar_2017.now(), results={"complete": False})
    SampledHousehold.objects.create(sample=later, household=two_villages["a_poor"], stratum=sampling.POOR)
    calendar_2017.advance(7)
    client.force_login(cast["province"])
    page = client.get(reverse("identification:area_case", args=[case.pk])).content.decode()
    assert reverse("identification:sample", args=[sample.pk]) in page
    assert reverse("identification:sample", args=[later.pk]) not in page
    case = area_actions.take_county_step(case, "approve", actor=cast["province"])
    assert case.state == "exited"
    assert case.events.get(step="approve").data == {"sample": sample.pk}
    assert case.report["sample"]["id"] == sample.pk

"""Village and county exit through the actions: who may take each step, when, and what approving ends."""

import pytest

from jingzhun.areas.models import AreaFlag
from jingzhun.errors import DomainError, InvalidTransition, NotAllowed, OutOfScope
from jingzhun.identification import area_actions, procedure
from jingzhun.identification.models import AreaCase, CaseEvent, Notice, Objection, Sample
from tests.conftest import VILLAGE_A, VILLAGE_B, VILLAGE_C, XIJI, YANCHI
from tests.identification import area_cases
from tests.identification.area_cases import county_case as _county_case
from tests.identification.area_cases import enter_results as _enter_results
from tests.identification.area_cases import population

calendar_2017, two_villages = area_cases.calendar_2017, area_cases.two_villages  # fixtures

pytestmark = pytest.mark.django_db
YES = {"roads": True, "water": True, "electricity": True, "clinic": True, "school": True,
       "collective_income": False}


def _propose(cast, code=VILLAGE_A):
    return area_actions.propose_village_exit(code, 2016, actor=cast["township"], considerations=YES)


def test_only_the_township_proposes_a_village_exit(cast, two_villages):
    for name in ("cadre_a", "county", "province"):
        with pytest.raises(NotAllowed):
            area_actions.propose_village_exit(VILLAGE_A, 2016, actor=cast[name], considerations=YES)
    with pytest.raises(OutOfScope):
        area_actions.propose_village_exit(VILLAGE_C, 2016, actor=cast["township"])
    assert not AreaCase.objects.exists()


def test_proposal_is_refused_with_the_figures_when_incidence_is_too_high(cast, two_villages):
    population(VILLAGE_A, 2016, 60)  # 2 poor of 60: 3.33%
    with pytest.raises(DomainError) as refused:
        _propose(cast)
    assert "3.33%" in refused.value.message and "3%" in refused.value.message
    assert not AreaCase.objects.exists()


def test_proposal_is_refused_for_a_village_not_poor_that_year(cast, two_villages):
    AreaFlag.objects.filter(area_id=VILLAGE_B).update(start_year=2017)
    with pytest.raises(DomainError) as refused:
        _propose(cast, VILLAGE_B)
    assert "2016" in refused.value.message


def test_village_exit_from_proposal_to_approval(cast, two_villages, calendar_2017):
    case = _propose(cast)
    assert case.state == "proposed"
    assert case.report["incidence"]["poor"] == 2 and case.report["incidence"]["population"] == 200
    assert case.report["considerations"]["collective_income"] is False
    assert case.report["remaining"]["count"] == 1
    assert "*" in case.report["remaining"]["households"][0]["id_number"]  # kept masked
    with pytest.raises(DomainError):
        _propose(cast)  # one open case per village
    with pytest.raises(NotAllowed):
        area_actions.take_village_step(case, "post_notice", actor=cast["county"])
    case = area_actions.take_village_step(case, "post_notice", actor=cast["township"])
    notice = Notice.objects.get(area_case=case)
    assert notice.area_id == VILLAGE_A
    with pytest.raises(InvalidTransition):  # the notice has not run its days
        area_actions.take_village_step(case, "approve", actor=cast["county"])
    calendar_2017.advance(7)
    objection = procedure.file_objection(notice, text="这个村还有困难户没有识别")
    with pytest.raises(InvalidTransition):  # an objection waits for its answer
        area_actions.take_village_step(case, "approve", actor=cast["county"])
    with pytest.raises(NotAllowed):
        area_actions.take_village_step(case, "approve", actor=cast["township"])
    with pytest.raises(OutOfScope):
        area_actions.take_village_step(case, "approve", actor=cast["other_county"])
    procedure.answer_objection(objection, actor=cast["county"], answer="已入户核实",
                               outcome=Objection.Outcome.DISMISSED)
    case = area_actions.take_village_step(case, "approve", actor=cast["county"])
    assert case.state == "exited" and case.closed_at is not None
    flag = AreaFlag.objects.get(area_id=VILLAGE_A, kind=AreaFlag.Kind.POOR_VILLAGE)
    assert flag.end_year == 2016
    assert list(CaseEvent.objects.filter(area_case=case).values_list("step", flat=True)) == [
        "propose", "post_notice", "approve"]


def test_an_upheld_objection_leaves_only_rejection(cast, two_villages, calendar_2017):
    case = area_actions.take_village_step(_propose(cast), "post_notice", actor=cast["township"])
    objection = procedure.file_objection(case.notices.get(), text="收入数据不实，请复核")
    procedure.answer_objection(objection, actor=cast["township"], answer="属实",
                               outcome=Objection.Outcome.UPHELD)
    calendar_2017.advance(7)
    with pytest.raises(InvalidTransition):
        area_actions.take_village_step(case, "approve", actor=cast["county"])
    case = area_actions.take_village_step(case, "county_rejects", actor=cast["county"], reason="异议成立")
    assert case.state == "rejected"
    assert AreaFlag.objects.get(area_id=VILLAGE_A).end_year is None


def test_county_exit_needs_a_complete_passing_sample(cast, two_villages, calendar_2017):
    with pytest.raises(NotAllowed):
        area_actions.apply_county_exit(XIJI, 2016, actor=cast["auditor"])
    case = _county_case(cast)
    assert case.state == "reviewed"
    with pytest.raises(DomainError):  # no sample yet
        area_actions.take_county_step(case, "assess", actor=cast["province"])
    with pytest.raises(NotAllowed):
        area_actions.draw_sample(XIJI, 2016, actor=cast["county"], seed=7)
    sample = area_actions.draw_sample(XIJI, 2016, actor=cast["province"], seed=7)
    assert sample.villages.count() == 10
    assert sample.households.exists()
    assert sample.results["complete"] is False
    with pytest.raises(DomainError):  # results not entered
        area_actions.take_county_step(case, "assess", actor=cast["province"])
    _enter_results(sample, cast, wrong=1)
    assert sample.results["complete"] is True and sample.results["passes"] is False
    with pytest.raises(DomainError) as refused:
        area_actions.take_county_step(case, "assess", actor=cast["province"])
    assert "%" in refused.value.message
    # The county-year is sampled once: a failing check is not redrawn with another seed until it passes.
    with pytest.raises(DomainError) as again:
        area_actions.draw_sample(XIJI, 2016, actor=cast["province"], seed=8)
    assert "只抽取一次" in again.value.message and str(sample.pk) in again.value.message
    assert Sample.objects.count() == 1
    # Corrected before any assessment relied on them, the results pass.
    _enter_results(sample, cast)
    assert sample.results["passes"] is True
    with pytest.raises(NotAllowed):
        area_actions.take_county_step(case, "assess", actor=cast["prefecture"])
    case = area_actions.take_county_step(case, "assess", actor=cast["province"])
    assert case.report["sample_complete"] is True
    assert case.events.get(step="assess").data == {"sample": sample.pk}
    case = area_actions.take_county_step(case, "post_notice", actor=cast["province"])
    with pytest.raises(InvalidTransition):
        area_actions.take_county_step(case, "approve", actor=cast["province"])
    calendar_2017.advance(7)
    case = area_actions.take_county_step(case, "approve", actor=cast["province"])
    assert case.state == "exited"
    assert AreaFlag.objects.get(area_id=XIJI, kind=AreaFlag.Kind.POOR_COUNTY).end_year == 2016


def test_same_seed_draws_the_same_sample(cast, two_villages):
    preview = area_actions.preview_sample(XIJI, 2016, 11)
    one = area_actions.draw_sample(XIJI, 2016, actor=cast["province"], seed=11)
    assert list(one.villages.values_list("village_id", "stratum")) == preview.villages
    assert list(one.households.values_list("household_id", flat=True)) == [pk for pk, _v, _s in
                                                                          preview.households]
    assert one.strata == preview.strata
    with pytest.raises(DomainError):  # not even with the same seed
        area_actions.draw_sample(XIJI, 2016, actor=cast["province"], seed=11)


@pytest.mark.parametrize("field, value", [("wrongly_exited", None), ("approves", None)])
def test_household_results_must_say_what_was_found(cast, two_villages, field, value):
    sample = area_actions.draw_sample(XIJI, 2016, actor=cast["province"], seed=3)
    exited = sample.households.filter(stratum="exited").first()
    values = {"surveyed": True, "wrongly_exited": False, "approves": True, field: value}
    with pytest.raises(DomainError):
        area_actions.enter_household_result(exited, actor=cast["province"], **values)


def test_village_results_cannot_find_more_missed_than_checked(cast, two_villages):
    sample = area_actions.draw_sample(XIJI, 2016, actor=cast["province"], seed=3)
    with pytest.raises(DomainError):
        area_actions.enter_village_result(sample.villages.first(), actor=cast["province"],
                                          population_checked=5, missed_found=6)
    with pytest.raises(OutOfScope):
        area_actions.draw_sample(YANCHI, 2016, actor=cast["county"], seed=3)

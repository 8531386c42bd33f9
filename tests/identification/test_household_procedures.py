"""A household's identification and exit, step by step through the actions, with the registry following."""

import datetime

import pytest

from jingzhun.errors import DomainError, InvalidTransition
from jingzhun.identification import actions, procedure
from jingzhun.identification.models import CaseEvent, Notice, Objection
from jingzhun.registry.models import AuditEvent
from tests.identification.cases import appraise, drive, record_year

pytestmark = pytest.mark.django_db


def test_application_goes_through_appraisal_two_notices_and_review_to_registration(applicant, cast, calendar):
    case = actions.apply_for_identification(applicant, 2014, actor=cast["cadre_a"], channel="household")
    assert case.state == "applied" and case.evaluation["eligible"] is True
    case = drive(case, "registered", cast, calendar)

    steps = list(CaseEvent.objects.filter(case=case)
                 .values_list("step", "from_state", "to_state", "actor__username"))
    assert steps == [
        ("apply", "", "applied", "cadre_a"),
        ("appraise", "applied", "appraised", "cadre_a"),
        ("post_notice", "appraised", "first_notice", "cadre_a"),
        ("township_review", "first_notice", "township_reviewed", "jiqiang"),
        ("county_approve", "township_reviewed", "second_notice", "xiji"),
        ("register", "second_notice", "registered", "xiji"),
    ]
    notices = case.notices.order_by("round")
    assert [(n.round, (n.ends_on - n.starts_on).days, n.closed_on == n.ends_on) for n in notices] == [
        (1, 7, True), (2, 7, True)]
    applicant.refresh_from_db()
    assert applicant.status == "poor" and applicant.registered_year == calendar.today().year
    assert case.closed_at is not None
    # The household's own trail tells the story: each step, and the status change it caused.
    trail = AuditEvent.objects.filter(household=applicant)
    assert trail.filter(entity="case", field="state").count() == 6
    assert trail.filter(field="status", old="applicant", new="poor").exists()


def test_failed_appraisal_rejects_the_application_and_the_household_is_not_poor(applicant, cast, calendar):
    case = actions.apply_for_identification(applicant, 2014, actor=cast["cadre_a"])
    case = appraise(case, cast["cadre_a"], calendar, votes_for=10, attendance=25)
    assert case.state == "rejected"
    assert "10" in CaseEvent.objects.get(case=case, step="village_rejects").reason
    applicant.refresh_from_db()
    assert applicant.status == "non_poor"


def test_a_household_not_poor_by_the_standard_cannot_go_to_notice(cast, make_household, calendar):
    household = make_household(actor=cast["cadre_a"], status="applicant")
    record_year(household, 2014, actor=cast["cadre_a"], per_person=2900)  # line 2,800, all secure
    case = appraise(actions.apply_for_identification(household, 2014, actor=cast["cadre_a"]),
                    cast["cadre_a"], calendar)
    with pytest.raises(DomainError, match="2014"):
        actions.take_step(case, "post_notice", actor=cast["cadre_a"])
    case.refresh_from_db()
    assert case.state == "appraised" and not Notice.objects.filter(case=case).exists()


def test_a_guarantee_failing_alone_makes_a_household_above_the_line_eligible(cast, make_household, calendar):
    household = make_household(actor=cast["cadre_a"], status="applicant")
    record_year(household, 2014, actor=cast["cadre_a"], per_person=2900, housing_secure=False)
    case = appraise(actions.apply_for_identification(household, 2014, actor=cast["cadre_a"]),
                    cast["cadre_a"], calendar)
    case = actions.take_step(case, "post_notice", actor=cast["cadre_a"])
    assert case.state == "first_notice"
    assert [c["code"] for c in case.evaluation["criteria"] if c["holds"] is False] == ["housing_secure"]


def test_an_objection_must_be_answered_and_an_upheld_one_only_allows_rejection(applicant, cast, calendar):
    case = drive(actions.apply_for_identification(applicant, 2014, actor=cast["cadre_a"]), "first_notice",
                 cast, calendar)
    notice = procedure.open_notice(case)
    objection = procedure.file_objection(notice, text="他家有在城里买的楼房。", contact="")
    calendar.advance(7)
    with pytest.raises(InvalidTransition, match="1"):
        actions.take_step(case, "township_review", actor=cast["township"])
    procedure.answer_objection(objection, actor=cast["cadre_a"], answer="核实属实，房屋为亲属所有。",
                               outcome=Objection.Outcome.UPHELD)
    with pytest.raises(InvalidTransition):
        actions.take_step(case, "township_review", actor=cast["township"])
    case = actions.take_step(case, "township_rejects", actor=cast["township"], reason="异议成立")
    assert case.state == "rejected"
    notice.refresh_from_db()
    assert notice.closed_on == calendar.today()
    trail = AuditEvent.objects.filter(household=applicant, entity="objection", entity_id=objection.pk)
    assert sorted(trail.values_list("action", "field")) == [("change", "answer"), ("change", "outcome"),
                                                             ("create", "")]


def test_objections_are_refused_once_the_notice_is_down(applicant, cast, calendar):
    case = actions.apply_for_identification(applicant, 2014, actor=cast["cadre_a"])
    case = drive(case, "first_notice", cast, calendar)
    with pytest.raises(DomainError):
        procedure.file_objection(procedure.open_notice(case), text="短")  # too short to act on
    case = drive(case, "township_reviewed", cast, calendar)
    with pytest.raises(DomainError):
        procedure.file_objection(case.notices.get(round=1), text="太晚了的异议内容")
    assert not Objection.objects.exists()


def test_exit_is_verified_against_the_criteria_appraised_noticed_and_approved(exiting, cast, calendar):
    case = actions.propose_exit(exiting, 2014, actor=cast["cadre_a"])
    case = drive(case, "exited", cast, calendar)
    exiting.refresh_from_db()
    assert exiting.status == "exited"
    assert case.household_agrees is True and case.evaluation["eligible"] is False
    assert list(case.events.values_list("step", flat=True)) == [
        "propose", "verify", "appraise", "post_notice", "approve"]


def test_exit_verification_names_each_unmet_criterion(cast, make_household, calendar):
    household = make_household(actor=cast["cadre_a"])
    record_year(household, 2014, actor=cast["cadre_a"], per_person=2500, medical_secure=False)
    case = actions.propose_exit(household, 2014, actor=cast["cadre_a"])
    with pytest.raises(DomainError) as refused:
        actions.verify_exit(case, actor=cast["cadre_a"], household_agrees=True)
    assert "2,500.00" in refused.value.message and "2,800.00" in refused.value.message
    assert "basic medical care" in refused.value.message or "基本医疗" in refused.value.message
    case.refresh_from_db()
    assert case.state == "proposed"


def test_exit_needs_the_household_to_agree(exiting, cast, calendar):
    case = actions.propose_exit(exiting, 2014, actor=cast["cadre_a"])
    with pytest.raises(DomainError):
        actions.verify_exit(case, actor=cast["cadre_a"], household_agrees=False)


def test_an_exited_household_is_never_registered_anew(exiting, cast, calendar):
    drive(actions.propose_exit(exiting, 2014, actor=cast["cadre_a"]), "exited", cast, calendar)
    exiting.refresh_from_db()
    with pytest.raises(DomainError, match="monitoring|监测"):
        actions.apply_for_identification(exiting, 2015, actor=cast["cadre_a"])


def test_one_procedure_at_a_time(applicant, cast, calendar):
    actions.apply_for_identification(applicant, 2014, actor=cast["cadre_a"])
    with pytest.raises(DomainError):
        actions.apply_for_identification(applicant, 2014, actor=cast["cadre_a"])


def test_appraisal_cannot_be_recorded_before_the_meeting(applicant, cast, calendar):
    case = actions.apply_for_identification(applicant, 2014, actor=cast["cadre_a"])
    tomorrow = calendar.today() + datetime.timedelta(days=1)
    with pytest.raises(InvalidTransition):
        actions.record_appraisal(case, actor=cast["cadre_a"], meeting_on=tomorrow, attendance=10,
                                 votes_for=9, votes_against=1)
    with pytest.raises(DomainError, match="votes|票"):
        actions.record_appraisal(case, actor=cast["cadre_a"], meeting_on=calendar.today(), attendance=10,
                                 votes_for=9, votes_against=3)
    case.refresh_from_db()
    assert case.state == "applied"

"""Plans drawn from the rule table through the real actions: one per household, measures for every cause."""

import datetime
from decimal import Decimal

import pytest

from jingzhun import clock
from jingzhun.assistance import actions, queries
from jingzhun.assistance.models import PlannedMeasure
from jingzhun.errors import DomainError, InvalidTransition, NotAllowed, OutOfScope
from jingzhun.registry.causes import CAUSES
from jingzhun.registry.models import AuditEvent

from .conftest import add_adult

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.mark.parametrize("cause", [code for code, _zh, _en in CAUSES])
def test_a_plan_for_every_official_cause_holds_its_recommended_measures(cause, cast, make_household):
    cadre = cast["cadre_a"]
    household = make_household(actor=cadre, main_cause=cause)
    add_adult(household, cadre)
    actions.assign_helper(household, cast["helper"], actor=cadre)
    household.refresh_from_db()
    plan = actions.create_plan(household, actor=cadre)
    measures = list(plan.measures.order_by("id"))
    advice = queries.advice_for(household)
    assert measures, f"the plan for {cause} is empty"
    assert [m.measure_id for m in measures] == advice.codes
    assert all(m.recommended and m.cause_id == cause for m in measures)
    assert all(m.helper_id == cast["helper"].pk and m.state == PlannedMeasure.State.PLANNED for m in measures)
    assert all(m.due_on == m.start_on + datetime.timedelta(days=365) for m in measures)
    assert AuditEvent.objects.filter(household=household, entity="measure").count() == len(measures)
    assert AuditEvent.objects.filter(household=household, entity="plan").count() == 1


def test_plan_takes_typical_amounts_and_covers_main_and_other_causes(helped):
    measures = {m.measure_id: m for m in helped.plan.measures.all()}
    assert measures["micro_credit"].amount == Decimal("50000.00")
    assert measures["micro_credit"].cause_id == "lack_capital"
    assert measures["medical_insurance"].cause_id == "illness"
    assert "medical_assistance" not in measures  # nobody in the household is ill


def test_one_household_one_plan(cast, helped):
    with pytest.raises(DomainError, match="plan already"):
        actions.create_plan(helped, actor=cast["cadre_a"])


def test_no_plan_for_an_applicant(cast, make_household):
    applicant = make_household(actor=cast["cadre_a"], status="applicant", main_cause="illness")
    with pytest.raises(DomainError, match="registered poor"):
        actions.create_plan(applicant, actor=cast["cadre_a"])


def test_plans_are_drawn_by_the_village_not_by_readers_or_outsiders(cast, make_household):
    household = make_household(actor=cast["cadre_a"], main_cause="illness")
    for reader in ("helper", "auditor", "province"):
        with pytest.raises(NotAllowed):
            actions.create_plan(household, actor=cast[reader])
    for outsider in ("cadre_b", "other_county", "outsider"):
        with pytest.raises(OutOfScope):
            actions.create_plan(household, actor=cast[outsider])


def test_measure_moves_through_its_states_and_each_move_is_audited(cast, helped):
    measure = helped.plan.measures.get(measure="micro_credit")
    actions.move_measure(measure, "under_way", actor=cast["helper"])
    actions.move_measure(measure, "delivered", actor=cast["helper"], on=datetime.date(2020, 5, 1))
    measure.refresh_from_db()
    assert (measure.state, measure.delivered_on) == ("delivered", datetime.date(2020, 5, 1))
    with pytest.raises(InvalidTransition):
        actions.move_measure(measure, "cancelled", actor=cast["cadre_a"], note="late")
    states = list(AuditEvent.objects.filter(household=helped, entity="measure", entity_id=measure.pk,
                                            field="state").order_by("id").values_list("old", "new"))
    assert states == [("planned", "under_way"), ("under_way", "delivered")]
    assert queries.summary(helped).progress.delivered == 1


def test_only_managers_cancel_and_they_say_why(cast, helped):
    measure = helped.plan.measures.first()
    with pytest.raises(NotAllowed):
        actions.move_measure(measure, "cancelled", actor=cast["helper"], note="not needed")
    with pytest.raises(DomainError, match="required"):
        actions.move_measure(measure, "cancelled", actor=cast["cadre_a"])
    actions.move_measure(measure, "cancelled", actor=cast["cadre_a"], note="the household moved to wages")
    assert queries.summary(helped).progress.total == helped.plan.measures.count() - 1


def test_delivery_cannot_be_dated_in_the_future(cast, helped):
    measure = helped.plan.measures.first()
    with pytest.raises(DomainError, match="future"):
        actions.move_measure(measure, "delivered", actor=cast["helper"],
                             on=clock.today() + datetime.timedelta(days=1))


def test_another_helper_cannot_deliver_for_a_household_not_theirs(cast, helped, second_helper):
    with pytest.raises(OutOfScope):
        actions.move_measure(helped.plan.measures.first(), "delivered", actor=second_helper)


def test_measure_cause_must_be_the_households(cast, helped):
    with pytest.raises(DomainError, match="causes of poverty") as error:
        actions.add_measure(helped.plan, actor=cast["cadre_a"], measure="industry", cause="disaster",
                            due_on=datetime.date(2030, 1, 1))
    assert error.value.field == "cause"


def test_due_before_start_is_refused_at_its_field(cast, helped):
    with pytest.raises(DomainError) as error:
        actions.add_measure(helped.plan, actor=cast["cadre_a"], measure="industry",
                            start_on=datetime.date(2021, 1, 1), due_on=datetime.date(2020, 1, 1))
    assert error.value.field == "due_on"

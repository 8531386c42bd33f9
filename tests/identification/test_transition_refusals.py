"""Each transition is refused to the wrong role, outside the actor's area, and before its time."""

import pytest

from jingzhun.areas.models import Role
from jingzhun.errors import InvalidTransition, NotAllowed, OutOfScope
from jingzhun.identification import actions, machine
from jingzhun.identification.models import CaseEvent
from tests.identification.cases import appraise, drive

ROLE_OF = {"province": Role.PROVINCE_OFFICER, "prefecture": Role.PREFECTURE_OFFICER,
           "county": Role.COUNTY_OFFICER, "township": Role.TOWNSHIP_OFFICER, "cadre_a": Role.VILLAGE_CADRE,
           "helper": Role.HELPER, "auditor": Role.AUDITOR}
OUTSIDERS = ("cadre_b", "other_county", "outsider")
PATHS = {"identification": ["applied", "appraised", "first_notice", "township_reviewed", "second_notice"],
         "exit": ["proposed", "verified", "appraised", "notice"]}
STEPS = [(kind, name) for kind in PATHS for name in machine.PROCEDURES[kind]
         if machine.START not in machine.PROCEDURES[kind][name].sources]


# The step tables themselves, for all four procedures ------------------------------------------------------

@pytest.mark.parametrize("kind", list(machine.PROCEDURES))
def test_every_step_refuses_every_other_role_and_every_other_state(kind):
    steps = machine.PROCEDURES[kind].values()
    states = {machine.START} | {s for step in steps for s in step.sources} | {step.target for step in steps}
    for step in steps:
        for state in states:
            for role in [*Role.values, None]:
                if state in step.sources and role in step.roles:
                    assert machine.check(kind, step.name, state, role) is step
                    continue
                with pytest.raises(machine.StepRefused) as refused:
                    machine.check(kind, step.name, state, role)
                # The state is checked first: a step out of its time is refused whoever asks.
                assert refused.value.wrong_role == (state in step.sources)


def test_ended_cases_have_no_way_out():
    for kind in machine.PROCEDURES:
        for ended in machine.ENDED:
            assert machine.next_steps(kind, ended) == [], (kind, ended)


# Through the actions, on a real case -----------------------------------------------------------------------

def _open(kind, cast, household):
    if kind == "identification":
        return actions.apply_for_identification(household, 2014, actor=cast["cadre_a"])
    return actions.propose_exit(household, 2014, actor=cast["cadre_a"])


def _attempt(case, name, actor, calendar):
    if name == "appraise":
        return appraise(case, actor, calendar)
    if name == "verify":
        return actions.verify_exit(case, actor=actor, household_agrees=True)
    return actions.take_step(case, name, actor=actor, reason="核实后的理由")


@pytest.fixture
def household_for(applicant, exiting):
    return {"identification": applicant, "exit": exiting}


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "name"), STEPS)
def test_step_is_refused_to_the_wrong_roles_and_outside_the_area(kind, name, cast, calendar, household_for):
    step = machine.step(kind, name)
    source = next(state for state in PATHS[kind] if state in step.sources)
    case = drive(_open(kind, cast, household_for[kind]), source, cast, calendar)
    calendar.advance(8)  # every notice has run its days: only the role is wrong
    events = CaseEvent.objects.filter(case=case).count()
    for user, role in ROLE_OF.items():
        if role in step.roles:
            continue
        with pytest.raises(NotAllowed):
            _attempt(case, name, cast[user], calendar)
    for user in OUTSIDERS:
        with pytest.raises(OutOfScope):
            _attempt(case, name, cast[user], calendar)
    case.refresh_from_db()
    assert case.state == source and CaseEvent.objects.filter(case=case).count() == events
    right = next(user for user, role in ROLE_OF.items() if role in step.roles)
    assert _attempt(case, name, cast[right], calendar).state == step.target  # and the right role may


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "name"), STEPS)
def test_step_is_refused_before_its_time(kind, name, cast, calendar, household_for):
    step = machine.step(kind, name)
    early = next(state for state in PATHS[kind] if state not in step.sources)
    case = drive(_open(kind, cast, household_for[kind]), early, cast, calendar)
    right = next(user for user, role in ROLE_OF.items() if role in step.roles)
    with pytest.raises(InvalidTransition):
        _attempt(case, name, cast[right], calendar)
    case.refresh_from_db()
    assert case.state == early


CLOSING = [(kind, s.name) for kind in PATHS for s in machine.PROCEDURES[kind].values() if s.closes_notice]


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "name"), CLOSING)
def test_a_notice_cannot_be_closed_a_day_early(kind, name, cast, calendar, household_for):
    step = machine.step(kind, name)
    source = next(iter(step.sources))
    case = drive(_open(kind, cast, household_for[kind]), source, cast, calendar)
    right = next(user for user, role in ROLE_OF.items() if role in step.roles)
    calendar.advance(6)
    with pytest.raises(InvalidTransition):
        _attempt(case, name, cast[right], calendar)
    calendar.advance(1)
    assert _attempt(case, name, cast[right], calendar).state == step.target


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(PATHS))
def test_opening_a_case_is_refused_to_the_wrong_roles(kind, cast, calendar, household_for):
    for user, role in ROLE_OF.items():
        if role == Role.VILLAGE_CADRE:
            continue
        with pytest.raises(NotAllowed):
            opener = (actions.apply_for_identification if kind == "identification" else actions.propose_exit)
            opener(household_for[kind], 2014, actor=cast[user])
    for user in OUTSIDERS:
        with pytest.raises(OutOfScope):
            _open(kind, {**cast, "cadre_a": cast[user]}, household_for[kind])
    assert not household_for[kind].cases.exists()

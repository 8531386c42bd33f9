"""Project actions: who may create and move projects, which households may be listed, the state machine's
refusals, acceptance and cancellation (after the unspent money is recovered), the project's own history
(ProjectEvent) and the lines they leave on beneficiary households' trails."""

import datetime
from decimal import Decimal

import pytest

from jingzhun import clock
from jingzhun.errors import DomainError, InvalidTransition, NotAllowed, OutOfScope
from jingzhun.funds import actions, project_actions, queries
from jingzhun.funds.models import Beneficiary, Entry, Project, ProjectEvent
from jingzhun.registry.models import AuditEvent
from tests.conftest import JIQIANG, VILLAGE_A, VILLAGE_B, VILLAGE_C, XIJI

from .conftest import TODAY

pytestmark = pytest.mark.django_db
State = Project.State
Action = ProjectEvent.Action


def new_project(actor, **values):
    fields = {"area_code": VILLAGE_A, "name": "通村公路硬化", "kind": "road", "year": 2020,
              "budget": "500000", "output_planned": "5", "note": ""}
    return project_actions.create_project(actor=actor, **{**fields, **values})


def test_a_county_officer_creates_a_village_project_whose_purpose_follows_its_kind(cast):
    project = new_project(cast["county"], kind="wells", budget="120000.50", output_planned="40")
    assert (project.area_id, project.purpose, project.state) == (VILLAGE_A, "infrastructure", State.PLANNED)
    assert project.budget == Decimal("120000.50") and project.output_unit
    assert project.created_by == cast["county"]
    school = new_project(cast["county"], area_code=XIJI, kind="school", output_planned="1")
    assert (school.area_id, school.purpose) == (XIJI, "education")
    assert new_project(cast["county"], kind="road", purpose="industry").purpose == "industry"


@pytest.mark.parametrize(("values", "field"), [
    ({"area_code": JIQIANG}, "area"),  # a township holds no projects
    ({"budget": "0"}, "budget"),
    ({"budget": "-5"}, "budget"),
    ({"budget": "10.001"}, "budget"),
    ({"kind": "bridge"}, "kind"),
    ({"purpose": "weapons"}, "purpose"),
    ({"year": 2030}, "year"),
    ({"name": "  "}, "name"),
    ({"output_planned": "-1"}, "output_planned"),
    ({"output_planned": "many"}, "output_planned"),
])
def test_a_project_needs_a_village_or_county_a_budget_and_a_known_kind(cast, values, field):
    with pytest.raises(DomainError) as refused:
        new_project(cast["county"], **values)
    assert refused.value.field == field
    assert not Project.objects.exists()


@pytest.mark.parametrize(("who", "error"), [("other_county", OutOfScope), ("township", NotAllowed),
                                            ("cadre_a", NotAllowed), ("province", NotAllowed),
                                            ("auditor", NotAllowed), ("helper", NotAllowed),
                                            ("outsider", OutOfScope)])
def test_only_the_county_s_officers_create_projects(cast, who, error):
    with pytest.raises(error):
        new_project(cast[who])
    assert not Project.objects.exists()


def test_another_county_s_officer_keeps_their_own_projects(cast):
    assert new_project(cast["other_county"], area_code=VILLAGE_C).area_id == VILLAGE_C


# Beneficiaries ----------------------------------------------------------------------------------------

def test_registered_households_of_the_area_are_listed_once_each_with_a_trail_line(cast, make_household):
    county = cast["county"]
    poor = make_household(actor=county)
    exited = make_household(actor=county, status="exited")
    returned = make_household(actor=county, status="returned")
    project = new_project(county)
    added = project_actions.add_beneficiaries(project, [poor, exited, returned, poor], actor=county)
    assert {b.household_id for b in added} == {poor.pk, exited.pk, returned.pk}
    again = project_actions.add_beneficiaries(project, [poor], actor=county)
    assert again == [] and Beneficiary.objects.filter(project=project).count() == 3
    lines = AuditEvent.objects.filter(entity="project", entity_id=project.pk)
    assert sorted(lines.values_list("household_id", flat=True)) == sorted([poor.pk, exited.pk, returned.pk])
    line = lines.get(household=poor)
    assert line.action == AuditEvent.Action.CREATE and line.actor == county
    assert line.created_values == {"project": str(project.pk), "name": project.name,
                                   "added_on": TODAY.isoformat()}


def test_households_outside_the_area_or_not_registered_are_refused_by_number(cast, make_household):
    county = cast["county"]
    project = new_project(county)
    of_b = make_household(VILLAGE_B, actor=county)
    applicant = make_household(actor=county, status="applicant")
    fine = make_household(actor=county)
    for household in (of_b, applicant):
        with pytest.raises(DomainError) as refused:
            project_actions.add_beneficiaries(project, [fine, household], actor=county)
        assert refused.value.field == "households" and household.number in refused.value.message
    assert not Beneficiary.objects.exists()  # nothing of a refused list is kept
    assert not AuditEvent.objects.filter(entity="project").exists()


def test_a_county_project_takes_households_of_any_village_of_the_county(cast, make_household):
    county = cast["county"]
    project = new_project(county, area_code=XIJI, kind="training")
    households = [make_household(VILLAGE_A, actor=county), make_household(VILLAGE_B, actor=county)]
    assert len(project_actions.add_beneficiaries(project, households, actor=county)) == 2


def test_only_county_officers_list_beneficiaries(cast, make_household):
    household = make_household(actor=cast["county"])
    project = new_project(cast["county"])
    with pytest.raises(NotAllowed):
        project_actions.add_beneficiaries(project, [household], actor=cast["cadre_a"])
    with pytest.raises(OutOfScope):
        project_actions.add_beneficiaries(project, [household], actor=cast["other_county"])
    assert not Beneficiary.objects.exists()


# The state machine ------------------------------------------------------------------------------------

def test_a_project_goes_from_planned_to_accepted_recording_each_step(cast):
    county = cast["county"]
    project = new_project(county)
    project_actions.start_project(project, actor=county, on=datetime.date(2020, 3, 2))
    project_actions.record_output(project, "4.5", actor=county)
    project_actions.complete_project(project, actor=county, on=datetime.date(2020, 6, 1))
    accepted = project_actions.accept_project(project, actor=county)
    project.refresh_from_db()
    assert accepted.state == project.state == State.ACCEPTED
    assert (project.started_on, project.completed_on, project.accepted_on) == (
        datetime.date(2020, 3, 2), datetime.date(2020, 6, 1), TODAY)
    assert project.accepted_by == county and project.output_achieved == Decimal("4.50")


@pytest.mark.parametrize(("steps", "to"), [
    ((), State.COMPLETED),  # planned projects start first
    ((), State.ACCEPTED),
    ((State.UNDER_WAY,), State.ACCEPTED),  # acceptance only once completed
    ((State.UNDER_WAY,), State.PLANNED),
    ((State.UNDER_WAY, State.COMPLETED), State.CANCELLED),
    ((State.CANCELLED,), State.UNDER_WAY),
])
def test_moves_the_state_machine_has_not_are_refused(cast, steps, to):
    county = cast["county"]
    project = new_project(county)
    for step in steps:
        if step == State.COMPLETED:
            project_actions.record_output(project, "5", actor=county)
        project_actions.move_project(project, step, actor=county, reason="计划调整")
    events = ProjectEvent.objects.count()
    with pytest.raises(InvalidTransition):
        project_actions.move_project(project, to, actor=county, reason="计划调整")
    assert ProjectEvent.objects.count() == events  # a refused move leaves no event
    project.refresh_from_db()
    assert project.state == (steps[-1] if steps else State.PLANNED)


def test_acceptance_needs_the_achieved_output(cast):
    county = cast["county"]
    project = new_project(county)
    project_actions.start_project(project, actor=county)
    project_actions.complete_project(project, actor=county)
    with pytest.raises(DomainError) as refused:
        project_actions.accept_project(project, actor=county)
    assert refused.value.field == "output_achieved"
    project.refresh_from_db()
    assert (project.state, project.accepted_on, project.accepted_by) == (State.COMPLETED, None, None)


@pytest.mark.parametrize(("who", "error"), [("cadre_a", NotAllowed), ("township", NotAllowed),
                                            ("province", NotAllowed), ("auditor", NotAllowed),
                                            ("other_county", OutOfScope)])
def test_acceptance_is_by_the_county_s_officers_only(cast, who, error):
    county = cast["county"]
    project = new_project(county)
    project_actions.start_project(project, actor=county)
    project_actions.record_output(project, "5", actor=county)
    project_actions.complete_project(project, actor=county)
    with pytest.raises(error):
        project_actions.accept_project(project, actor=cast[who])
    project.refresh_from_db()
    assert project.state == State.COMPLETED


def test_acceptance_is_written_on_each_beneficiary_household(cast, make_household):
    county = cast["county"]
    households = [make_household(actor=county), make_household(actor=county)]
    project = new_project(county)
    project_actions.add_beneficiaries(project, households, actor=county)
    project_actions.start_project(project, actor=county)
    project_actions.record_output(project, "5", actor=county)
    project_actions.complete_project(project, actor=county)
    project_actions.accept_project(project, actor=county)
    lines = AuditEvent.objects.filter(entity="project", entity_id=project.pk, action=AuditEvent.Action.STATUS)
    assert {(e.household_id, e.field, e.old, e.new) for e in lines} == {
        (h.pk, f, old, new) for h in households
        for f, old, new in (("state", "completed", "accepted"), ("accepted_on", "", TODAY.isoformat()))}


def test_dates_are_not_in_the_future_nor_before_the_previous_step(cast):
    county = cast["county"]
    project = new_project(county)
    with pytest.raises(DomainError) as refused:
        project_actions.start_project(project, actor=county, on=TODAY + datetime.timedelta(days=1))
    assert refused.value.field == "on"
    project_actions.start_project(project, actor=county, on=datetime.date(2020, 5, 1))
    with pytest.raises(DomainError) as refused:
        project_actions.complete_project(project, actor=county, on=datetime.date(2020, 4, 30))
    assert refused.value.field == "on" and "2020-05-01" in refused.value.message


@pytest.mark.parametrize(("state", "refused"), [(State.PLANNED, True), (State.UNDER_WAY, False),
                                                (State.COMPLETED, False), (State.ACCEPTED, True)])
def test_output_is_recorded_between_start_and_acceptance(cast, state, refused):
    county = cast["county"]
    project = new_project(county)
    path = [State.UNDER_WAY, State.COMPLETED, State.ACCEPTED]
    for step in path[:path.index(state) + 1] if state != State.PLANNED else []:
        if step == State.ACCEPTED:
            project_actions.record_output(project, "1", actor=county)
        project_actions.move_project(project, step, actor=county)
    if refused:
        with pytest.raises(InvalidTransition):
            project_actions.record_output(project, "3", actor=county)
    else:
        assert project_actions.record_output(project, "3", actor=county).output_achieved == 3


def test_output_is_a_number_from_zero(cast):
    county = cast["county"]
    project = new_project(county)
    project_actions.start_project(project, actor=county)
    for bad in ("-1", "abc", "1.234", "Infinity"):
        with pytest.raises(DomainError) as refused:
            project_actions.record_output(project, bad, actor=county)
        assert refused.value.field == "output_achieved"


# Cancellation -----------------------------------------------------------------------------------------

def test_cancellation_is_refused_while_unspent_money_is_allocated_then_allowed_after_reversal(cast):
    county = cast["county"]
    fund = actions.create_fund(actor=county, area_code=XIJI, source="central", year=2020, name="中央专项",
                               purposes=["infrastructure"])
    project = new_project(county)
    actions.receive(fund, actor=county, amount="300000")
    allocation = actions.allocate(fund, project, actor=county, amount="200000")
    with pytest.raises(DomainError) as refused:
        project_actions.cancel_project(project, actor=county, reason="选址变更")
    assert refused.value.field == "reason" and "200,000.00" in refused.value.message
    project.refresh_from_db()
    assert project.state == State.PLANNED
    assert not ProjectEvent.objects.filter(action=Action.STATE).exists()
    actions.reverse(allocation, actor=county, reason="项目取消")
    assert project_actions.cancel_project(project, actor=county, reason="选址变更").state == State.CANCELLED


def test_money_spent_stays_spent_but_the_unspent_rest_still_blocks_cancellation(cast):
    county = cast["county"]
    fund = actions.create_fund(actor=county, area_code=XIJI, source="central", year=2020, name="中央专项")
    project = new_project(county)
    actions.receive(fund, actor=county, amount="300000")
    actions.allocate(fund, project, actor=county, amount="200000")
    project_actions.start_project(project, actor=county)
    actions.spend(fund, project, actor=county, amount="50000")
    with pytest.raises(DomainError) as refused:
        project_actions.cancel_project(project, actor=county, reason="停工")
    assert "150,000.00" in refused.value.message


def test_a_half_spent_project_is_cancelled_once_the_rest_is_recovered_into_its_fund(cast):
    county = cast["county"]
    fund = actions.create_fund(actor=county, area_code=XIJI, source="central", year=2020, name="中央专项")
    project = new_project(county)
    actions.receive(fund, actor=county, amount="300000")
    actions.allocate(fund, project, actor=county, amount="200000")
    project_actions.start_project(project, actor=county, on=datetime.date(2020, 4, 1))
    actions.spend(fund, project, actor=county, amount="100000")
    with pytest.raises(DomainError) as refused:
        project_actions.cancel_project(project, actor=county, reason="停工")
    assert "100,000.00" in refused.value.message
    actions.recover(fund, project, actor=county, amount="60000", memo="停工收回")
    with pytest.raises(DomainError) as refused:  # part of it is not enough
        project_actions.cancel_project(project, actor=county, reason="停工")
    assert "40,000.00" in refused.value.message
    actions.recover(fund, project, actor=county, amount="40000", memo="停工收回")
    cancelled = project_actions.cancel_project(project, actor=county, reason="停工")
    assert cancelled.state == State.CANCELLED
    balances = queries.fund_balances(fund)
    assert balances.unallocated(fund.pk) == Decimal("200000.00")  # the rest may go to another project
    assert balances.unspent(fund.pk, project.pk) == 0 and balances.spent_of(fund.pk) == Decimal("100000.00")
    assert Entry.objects.filter(kind="recovery", project=project).count() == 2


def test_a_cancellation_keeps_its_reason_in_the_history_and_its_households_are_told(cast, make_household):
    county = cast["county"]
    household = make_household(actor=county)
    project = new_project(county, note="村民代表大会通过")
    project_actions.add_beneficiaries(project, [household], actor=county)
    with pytest.raises(DomainError) as refused:
        project_actions.cancel_project(project, actor=county, reason=" ")
    assert refused.value.field == "reason"
    with pytest.raises(DomainError) as refused:
        project_actions.cancel_project(project, actor=county, reason="因" * 201)
    assert refused.value.field == "reason"
    project_actions.cancel_project(project, actor=county, reason="选址变更，另行立项",
                                   on=datetime.date(2020, 6, 1))
    project.refresh_from_db()
    assert project.state == State.CANCELLED
    assert project.note == "村民代表大会通过"  # the note is the project's own, untouched
    event = ProjectEvent.objects.get(project=project, action=Action.STATE)
    assert (event.field, event.old, event.new, event.on, event.reason, event.actor) == (
        "state", "planned", "cancelled", datetime.date(2020, 6, 1), "选址变更，另行立项", county)
    line = AuditEvent.objects.get(household=household, entity="project", action=AuditEvent.Action.STATUS)
    assert (line.old, line.new, line.reason) == ("planned", "cancelled", "选址变更，另行立项")
    fund = actions.create_fund(actor=county, area_code=XIJI, source="central", year=2020, name="中央专项")
    actions.receive(fund, actor=county, amount="1000")
    with pytest.raises(DomainError):  # no money goes to a cancelled project
        actions.allocate(fund, project, actor=county, amount="10")
    with pytest.raises(DomainError):  # nor are its households changed
        project_actions.add_beneficiaries(project, [household], actor=county)


def test_a_cancellation_is_dated_neither_in_the_future_nor_before_the_start(cast):
    county = cast["county"]
    project = new_project(county)
    project_actions.start_project(project, actor=county, on=datetime.date(2020, 5, 1))
    for day in (TODAY + datetime.timedelta(days=1), datetime.date(2020, 4, 30)):
        with pytest.raises(DomainError) as refused:
            project_actions.cancel_project(project, actor=county, reason="停工", on=day)
        assert refused.value.field == "on"
    project.refresh_from_db()
    assert project.state == State.UNDER_WAY


def test_cancellation_by_another_role_is_refused(cast):
    project = new_project(cast["county"])
    with pytest.raises(NotAllowed):
        project_actions.cancel_project(project, actor=cast["cadre_a"], reason="不需要")
    project.refresh_from_db()
    assert project.state == State.PLANNED
    assert not ProjectEvent.objects.filter(action=Action.STATE).exists()


# History ----------------------------------------------------------------------------------------------

def test_each_step_of_a_project_is_an_event_with_who_when_the_day_and_the_values(cast, make_household):
    county = cast["county"]
    households = [make_household(actor=county), make_household(actor=county)]
    project = new_project(county)
    project_actions.add_beneficiaries(project, households, actor=county)
    project_actions.add_beneficiaries(project, households[:1], actor=county)  # nothing new: no event
    project_actions.start_project(project, actor=county, on=datetime.date(2020, 3, 2))
    project_actions.record_output(project, "2.5", actor=county, on=datetime.date(2020, 5, 1))
    project_actions.record_output(project, "5", actor=county)
    project_actions.complete_project(project, actor=county, on=datetime.date(2020, 6, 1))
    project_actions.accept_project(project, actor=county)
    events = list(ProjectEvent.objects.filter(project=project).order_by("id"))
    assert [(e.action, e.field, e.old, e.new, e.on) for e in events] == [
        (Action.CREATE, "name", "", "通村公路硬化", TODAY),
        (Action.BENEFICIARY, "households", "", " ".join(sorted(h.number for h in households)), TODAY),
        (Action.STATE, "state", "planned", "under_way", datetime.date(2020, 3, 2)),
        (Action.OUTPUT, "output_achieved", "0.00", "2.50", datetime.date(2020, 5, 1)),
        (Action.OUTPUT, "output_achieved", "2.50", "5.00", TODAY),
        (Action.STATE, "state", "under_way", "completed", datetime.date(2020, 6, 1)),
        (Action.STATE, "state", "completed", "accepted", TODAY),
    ]
    assert {e.actor for e in events} == {county} and {e.reason for e in events} == {""}
    assert {e.at for e in events} == {clock.now()}


def test_refused_steps_leave_no_event(cast, make_household):
    county = cast["county"]
    project = new_project(county)
    created = ProjectEvent.objects.count()
    with pytest.raises(DomainError):
        project_actions.add_beneficiaries(project, [make_household(VILLAGE_B, actor=county)], actor=county)
    with pytest.raises(InvalidTransition):
        project_actions.record_output(project, "1", actor=county)  # not started
    project_actions.start_project(project, actor=county, on=datetime.date(2020, 5, 1))
    with pytest.raises(DomainError):
        project_actions.record_output(project, "1", actor=county, on=datetime.date(2020, 4, 1))
    with pytest.raises(NotAllowed):
        project_actions.record_output(project, "1", actor=cast["cadre_a"])
    assert ProjectEvent.objects.count() == created + 1  # the start only

"""Monitoring actions against the real database: flagging, hardships, assistance, the end of a risk and
the return to poverty; who may do each, and what the audit trail keeps."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from jingzhun.areas.scope import scope_for
from jingzhun.errors import DomainError, InvalidTransition, NotAllowed, OutOfScope
from jingzhun.identification import monitoring
from jingzhun.identification.models import Risk
from jingzhun.identification.monitoring_queries import visible_risks
from jingzhun.registry import actions
from jingzhun.registry.models import AuditEvent, Household
from tests.conftest import VILLAGE_A, VILLAGE_B, VILLAGE_C, XIJI

TODAY = datetime.date(2022, 3, 1)


@pytest.fixture(autouse=True)
def calendar(monkeypatch):
    """Flagging 2021 in spring 2022; `calendar.move(day)` moves today and now."""

    class Calendar:
        def move(self, day: datetime.date):
            now = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
            monkeypatch.setattr("jingzhun.clock.today", lambda: day)
            monkeypatch.setattr("jingzhun.clock.now", lambda: now)

    calendar = Calendar()
    calendar.move(TODAY)
    return calendar


@pytest.fixture
def household(cast, make_household):
    """A household of VILLAGE_A with a status and a 2021 net income (one person unless size is given)."""

    def factory(status: str, net: str | None, *, village=VILLAGE_A, size=1, actor=None, **fields):
        actor = actor or (cast["cadre_b"] if village == VILLAGE_B else cast["county"])
        if village == VILLAGE_C:
            actor = cast["other_county"]
        h = make_household(village, actor=actor, status=status, size=size, **fields)
        if net is not None:
            actions.record_income(h, 2021, actor=actor, wages=net)
        return h

    return factory


def risk_of(household) -> Risk:
    return Risk.objects.get(household=household, year=2021)


def test_county_flags_each_group_with_reasons_and_audit(cast, household):
    unstable = household("exited", "5000")
    fallen = household("exited", "3000")
    marginal = household("non_poor", "10000", size=2)  # 5,000 a person
    hit = household("non_poor", None)
    for kind, day, expense in (("illness", 6, "4000"), ("disaster", 8, "6000")):
        recorded = monitoring.record_hardship(hit, actor=cast["county"], kind=kind,
                                              occurred_on=datetime.date(2021, day, 1), expense=expense)
        assert recorded.risk is None  # the year's income is not known yet
    actions.record_income(hit, 2021, actor=cast["county"], wages="9000")
    household("poor", "2000")  # helped as poor, not monitored
    household("exited", "6000")  # at the threshold
    household("exited", None)  # no income recorded
    theirs = household("exited", "5000", village=VILLAGE_B)
    yanchi = household("exited", "1000", village=VILLAGE_C)

    counts = monitoring.flag_risks(XIJI, 2021, actor=cast["county"])

    assert counts == {"scanned": 7, "unstable": 3, "marginal": 1, "hardship": 1, "existing": 0,
                      "fallen_back": 1, "no_income": 1}
    assert risk_of(unstable).group == "unstable"
    assert (risk_of(unstable).threshold, risk_of(unstable).per_person) == (Decimal("6000"), Decimal("5000"))
    assert [r["code"] for r in risk_of(fallen).reasons] == ["unstable", "fallen_back"]
    assert (risk_of(marginal).group, risk_of(marginal).per_person) == ("marginal", Decimal("5000"))
    assert risk_of(hit).group == "hardship"
    assert risk_of(hit).reasons[0]["expense"] == "10000.00"
    assert risk_of(theirs).flagged_by == cast["county"]
    assert not Risk.objects.filter(household=yanchi).exists()
    event = AuditEvent.objects.get(household=unstable, entity="risk")
    assert (event.action, event.actor, event.entity_id) == ("create", cast["county"], risk_of(unstable).pk)
    assert event.created_values["group"] == "unstable"


def test_flagging_again_leaves_existing_risks_alone(cast, household):
    first = household("exited", "5000")
    monitoring.flag_risks(VILLAGE_A, 2021, actor=cast["cadre_a"])
    risk = risk_of(first)
    monitoring.close_risk(risk, actor=cast["cadre_a"], reason="迁出本村")
    household("non_poor", "100")
    events = AuditEvent.objects.filter(entity="risk").count()

    counts = monitoring.flag_risks(VILLAGE_A, 2021, actor=cast["cadre_a"])

    assert (counts["existing"], counts["marginal"], counts["unstable"]) == (1, 1, 0)
    assert risk_of(first).state == "closed"
    assert Risk.objects.count() == 2
    assert AuditEvent.objects.filter(entity="risk").count() == events + 1
    again = monitoring.flag_risks(VILLAGE_A, 2021, actor=cast["cadre_a"])
    assert (again["existing"], again["marginal"]) == (2, 0)
    assert Risk.objects.count() == 2


@pytest.mark.parametrize("who, area, error", [
    ("auditor", XIJI, NotAllowed),
    ("province", XIJI, NotAllowed),
    ("prefecture", XIJI, NotAllowed),
    ("helper", VILLAGE_A, NotAllowed),
    ("cadre_a", XIJI, OutOfScope),
    ("cadre_b", VILLAGE_A, OutOfScope),
    ("other_county", XIJI, OutOfScope),
    ("outsider", VILLAGE_A, OutOfScope),
])
def test_only_writers_of_the_area_flag(cast, household, who, area, error):
    household("exited", "5000")
    with pytest.raises(error):
        monitoring.flag_risks(area, 2021, actor=cast[who])
    assert not Risk.objects.exists()


def test_township_and_cadre_flag_their_own_area(cast, household):
    household("exited", "5000")
    household("exited", "5000", village=VILLAGE_B)
    assert monitoring.flag_risks(VILLAGE_B, 2021, actor=cast["cadre_b"])["unstable"] == 1
    assert monitoring.flag_risks("640422100000", 2021, actor=cast["township"])["unstable"] == 1
    assert Risk.objects.count() == 2


def test_a_year_to_come_is_refused(cast):
    with pytest.raises(DomainError):
        monitoring.flag_risks(XIJI, 2023, actor=cast["county"])


def test_a_hardship_flags_the_household_and_then_updates_its_figures(cast, household):
    hit = household("non_poor", "9000")
    first = monitoring.record_hardship(hit, actor=cast["cadre_a"], kind="illness",
                                       occurred_on=datetime.date(2021, 11, 2), expense="9500.5", note="住院")
    assert first.flagged and first.risk.group == "hardship"
    assert first.risk.reasons[0]["expense"] == "9500.50"
    second = monitoring.record_hardship(hit, actor=cast["cadre_a"], kind="disaster",
                                        occurred_on=datetime.date(2021, 12, 1), expense="500")
    assert not second.flagged and second.risk.pk == first.risk.pk
    assert risk_of(hit).reasons[0]["expense"] == "10000.50"
    trail = AuditEvent.objects.filter(household=hit, entity__in=["hardship", "risk"]).order_by("id")
    assert [(e.entity, e.action) for e in trail] == [
        ("hardship", "create"), ("risk", "create"), ("hardship", "create"), ("risk", "change")]


def test_a_hardship_of_a_poor_household_flags_nothing(cast, household):
    poor = household("poor", "2000")
    recorded = monitoring.record_hardship(poor, actor=cast["cadre_a"], kind="illness",
                                          occurred_on=datetime.date(2021, 5, 1), expense="50000")
    assert recorded.risk is None and recorded.hardship.pk


@pytest.mark.parametrize("changes, field", [
    ({"occurred_on": TODAY + datetime.timedelta(days=1)}, "occurred_on"),
    ({"expense": "-1"}, "expense"),
    ({"expense": "many"}, "expense"),
    ({"kind": "luck"}, "kind"),
    ({"note": "x" * 301}, "note"),
])
def test_a_hardship_is_checked(cast, household, changes, field):
    h = household("non_poor", "9000")
    values = {"kind": "illness", "occurred_on": datetime.date(2021, 5, 1), "expense": "100", **changes}
    with pytest.raises(DomainError) as error:
        monitoring.record_hardship(h, actor=cast["cadre_a"], **values)
    assert error.value.field == field


def test_hardships_need_a_writer_of_the_village(cast, household):
    h = household("non_poor", "9000")
    for who, error in (("auditor", NotAllowed), ("helper", NotAllowed), ("cadre_b", OutOfScope)):
        with pytest.raises(error):
            monitoring.record_hardship(h, actor=cast[who], kind="illness",
                                       occurred_on=datetime.date(2021, 5, 1), expense="100")


@pytest.fixture
def open_risk(cast, household):
    h = household("exited", "5000", size=2)  # 2,500 a person
    monitoring.flag_risks(VILLAGE_A, 2021, actor=cast["cadre_a"])
    return risk_of(h)


def test_assistance_is_recorded_and_audited(cast, open_risk):
    given = monitoring.add_assistance(open_risk, actor=cast["cadre_a"], given_on=datetime.date(2022, 2, 1),
                                      measure="公益岗位")
    assert list(open_risk.assistance.values_list("measure", flat=True)) == ["公益岗位"]
    event = AuditEvent.objects.get(entity="assistance")
    assert (event.household_id, event.entity_id, event.actor) == (open_risk.household_id, given.pk,
                                                                  cast["cadre_a"])
    with pytest.raises(DomainError):
        monitoring.add_assistance(open_risk, actor=cast["cadre_a"], given_on=datetime.date(2022, 2, 1),
                                  measure="  ")
    with pytest.raises(OutOfScope):
        monitoring.add_assistance(open_risk, actor=cast["cadre_b"], given_on=datetime.date(2022, 2, 1),
                                  measure="x")
    monitoring.close_risk(open_risk, actor=cast["cadre_a"], reason="户籍迁出")
    with pytest.raises(InvalidTransition):
        monitoring.add_assistance(open_risk, actor=cast["cadre_a"], given_on=datetime.date(2022, 2, 1),
                                  measure="x")


def _recovered(household, cast, *, wages="14000"):
    actions.record_income(household, 2022, actor=cast["cadre_a"], wages=wages)
    secure = dict.fromkeys(("food_secure", "clothing_secure", "education_secure", "medical_secure",
                            "housing_secure", "water_secure"), True)
    actions.record_conditions(household, 2022, actor=cast["cadre_a"], **secure)


def test_elimination_waits_for_income_guarantees_and_time(cast, calendar, open_risk):
    household = open_risk.household
    with translation.override("en"), pytest.raises(InvalidTransition) as refused:
        monitoring.eliminate_risk(open_risk, actor=cast["cadre_a"], reason="收入稳定")
    assert "below the threshold" in refused.value.message
    assert "No living conditions" in refused.value.message
    assert "open 0 months" in refused.value.message
    calendar.move(datetime.date(2022, 9, 1))
    _recovered(household, cast)  # 7,000 a person in 2022, against the carried-forward 6,000
    risk = monitoring.eliminate_risk(open_risk, actor=cast["cadre_a"], reason="务工收入稳定")
    assert (risk.state, risk.closed_by, risk.close_reason) == ("eliminated", cast["cadre_a"], "务工收入稳定")
    event = AuditEvent.objects.get(entity="risk", action="status")
    assert (event.field, event.old, event.new) == ("state", "open", "eliminated")
    assert event.reason == "务工收入稳定"
    with pytest.raises(InvalidTransition):
        monitoring.close_risk(risk, actor=cast["cadre_a"], reason="again")


def test_a_household_no_one_can_work_in_is_closed_never_eliminated(cast, calendar, household):
    h = household("exited", "5000")
    actions.update_member(h.head, actor=cast["cadre_a"], labour="lost")
    monitoring.flag_risks(VILLAGE_A, 2021, actor=cast["cadre_a"])
    calendar.move(datetime.date(2022, 12, 1))
    _recovered(h, cast)
    with translation.override("en"), pytest.raises(InvalidTransition) as refused:
        monitoring.eliminate_risk(risk_of(h), actor=cast["cadre_a"], reason="稳定")
    assert "never marked eliminated" in refused.value.message
    with pytest.raises(DomainError):
        monitoring.close_risk(risk_of(h), actor=cast["cadre_a"], reason=" ")
    closed = monitoring.close_risk(risk_of(h), actor=cast["cadre_a"], reason="无劳动力，纳入低保兜底")
    assert closed.state == "closed"


def test_read_only_roles_cannot_end_a_risk(cast, open_risk):
    for who in ("auditor", "province", "helper"):
        with pytest.raises(NotAllowed):
            monitoring.close_risk(open_risk, actor=cast[who], reason="x")
    assert risk_of(open_risk.household).state == "open"


def test_an_exited_household_below_the_line_returns_to_poverty_visibly(cast, household):
    h = household("exited", "3000")
    households = Household.objects.count()
    risk = monitoring.record_return_to_poverty(h, 2021, actor=cast["cadre_a"], reason="因病返贫")
    h.refresh_from_db()
    assert h.status == "returned"
    assert Household.objects.count() == households
    assert not Household.objects.filter(status="poor").exists()  # not re-registered as new poor
    assert (risk.group, risk.state, risk.per_person) == ("unstable", "open", Decimal("3000"))
    assert [r["code"] for r in risk.reasons] == ["unstable", "fallen_back", "return_recorded"]
    status = AuditEvent.objects.get(household=h, entity="household", action="status")
    assert (status.old, status.new, status.reason, status.actor) == ("exited", "returned", "因病返贫",
                                                                      cast["cadre_a"])
    seen = visible_risks(scope_for(cast["province"])).get(pk=risk.pk)
    assert seen.household.status == "returned"
    with pytest.raises(InvalidTransition):  # once returned, it is not returned again
        monitoring.record_return_to_poverty(h, 2021, actor=cast["cadre_a"], reason="again")


def test_a_return_reopens_the_year_s_ended_risk(cast, household):
    h = household("exited", "3000")
    monitoring.flag_risks(VILLAGE_A, 2021, actor=cast["cadre_a"])
    monitoring.close_risk(risk_of(h), actor=cast["cadre_a"], reason="误报")
    risk = monitoring.record_return_to_poverty(h, 2021, actor=cast["cadre_a"], reason="核实收入低于线")
    assert (risk.pk, risk.state, risk.group, risk.close_reason) == (risk_of(h).pk, "open", "unstable", "")
    moves = AuditEvent.objects.filter(entity="risk", action="status").order_by("id")
    assert [(e.old, e.new) for e in moves] == [("open", "closed"), ("closed", "open")]


@pytest.mark.parametrize("status, net, error", [
    ("exited", "4000", DomainError),  # at the 2021 line of 4,000
    ("exited", None, DomainError),
    ("poor", "1000", InvalidTransition),
    ("non_poor", "1000", InvalidTransition),
])
def test_return_to_poverty_is_refused_unless_exited_and_below_the_line(cast, household, status, net, error):
    h = household(status, net)
    with pytest.raises(error):
        monitoring.record_return_to_poverty(h, 2021, actor=cast["cadre_a"], reason="核查")
    h.refresh_from_db()
    assert h.status == status and not Risk.objects.exists()


def test_return_to_poverty_needs_a_writer(cast, household):
    h = household("exited", "3000")
    for who, error in (("auditor", NotAllowed), ("cadre_b", OutOfScope), ("prefecture", NotAllowed)):
        with pytest.raises(error):
            monitoring.record_return_to_poverty(h, 2021, actor=cast[who], reason="x")
    h.refresh_from_db()
    assert h.status == "exited"

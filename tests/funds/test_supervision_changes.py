"""Supervision rules as data: province officers switch a rule and set its parameters with a reason, each
changed field kept as a SupervisionChange row; a change that changes nothing, a bad value or the wrong post
is refused; the shipped rules come from the data migration, and load_rules adds only missing ones."""

import datetime

import pytest

from jingzhun import clock
from jingzhun.errors import DomainError, NotAllowed
from jingzhun.funds import actions
from jingzhun.funds.models import SupervisionChange, SupervisionRule
from jingzhun.funds.supervision_actions import change_rule, scan
from jingzhun.funds.supervision_rules import load_rules
from tests.conftest import XIJI

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def rule(code: str) -> SupervisionRule:
    return SupervisionRule.objects.get(code=code)


def test_province_officers_change_a_rule_and_each_changed_field_is_kept(cast):
    province = cast["province"]
    changed = change_rule(rule("idle_money"), actor=province, active=True, params={"days": "90"},
                          reason="省里要求缩短")
    assert (changed.active, changed.params) == (True, {"days": 90})
    [days] = SupervisionChange.objects.filter(rule=changed)
    assert (days.field, days.old, days.new, days.reason, days.actor) == ("days", "180", "90", "省里要求缩短",
                                                                         province)
    assert days.at == clock.now()

    change_rule(rule("idle_money"), actor=province, active=False, params={"days": 120}, reason="暂停")
    latest = SupervisionChange.objects.filter(rule=changed).exclude(pk=days.pk)
    assert sorted((c.field, c.old, c.new, c.reason) for c in latest) == [
        ("active", "1", "0", "暂停"), ("days", "90", "120", "暂停")]
    assert rule("idle_money").params == {"days": 120}


def test_a_rule_change_that_changes_nothing_is_refused(cast):
    province = cast["province"]
    change_rule(rule("over_budget"), actor=province, active=True, params={"tolerance": "0.050"},
                reason="放宽")
    [tolerance] = SupervisionChange.objects.filter(rule__code="over_budget")
    assert (tolerance.old, tolerance.new, rule("over_budget").params) == ("0", "0.05", {"tolerance": "0.05"})
    with pytest.raises(DomainError) as refused:  # 0.05 written another way is the same share
        change_rule(rule("over_budget"), actor=province, active=True, params={"tolerance": "0.0500"},
                    reason="再改")
    assert refused.value.field is None
    # Leaving a parameter out keeps its default, which is what the shipped rule computes with already.
    with pytest.raises(DomainError):
        change_rule(rule("duplicate_subsidy"), actor=province, active=True, params={}, reason="再改")
    assert SupervisionChange.objects.count() == 1


def test_kinds_exempt_are_kept_as_codes_in_a_change(cast):
    change_rule(rule("no_beneficiaries"), actor=cast["province"], active=True,
                params={"exempt_kinds": ["school", "clinic"]}, reason="学校卫生院不列户")
    [kinds] = SupervisionChange.objects.all()
    assert (kinds.field, kinds.old, kinds.new) == ("exempt_kinds", "", "clinic,school")


def test_a_rule_change_is_refused_with_a_bad_value_a_missing_reason_or_the_wrong_post(cast):
    with pytest.raises(DomainError) as refused:
        change_rule(rule("over_budget"), actor=cast["province"], active=True, params={"tolerance": "2"},
                    reason="x")
    assert refused.value.field == "tolerance"
    with pytest.raises(DomainError) as refused:
        change_rule(rule("idle_money"), actor=cast["province"], active=True, params={"days": 90}, reason=" ")
    assert refused.value.field == "reason"
    for name in ("county", "prefecture", "auditor", "outsider"):
        with pytest.raises(NotAllowed):
            change_rule(rule("idle_money"), actor=cast[name], active=False, params={}, reason="x")
    assert rule("idle_money").active and rule("idle_money").params == {"days": 180}
    assert not SupervisionChange.objects.exists()


def test_a_changed_parameter_changes_what_a_scan_finds(cast, books):
    county = cast["county"]
    actions.receive(books["fund"], actor=county, amount="80000", on=TODAY - datetime.timedelta(days=100))
    assert scan(XIJI, actor=county)["idle_money"].found == 0
    change_rule(rule("idle_money"), actor=cast["province"], active=True, params={"days": 90}, reason="收紧")
    assert scan(XIJI, actor=county)["idle_money"].new == 1


def test_the_shipped_rules_are_there_without_loading(reference_data):
    codes = SupervisionRule.objects.values_list("code", flat=True)
    assert sorted(codes) == sorted(SupervisionRule.Code.values)


def test_load_rules_adds_only_missing_rules(reference_data):
    idle = SupervisionRule.objects.get(code="idle_money")
    idle.params = {"days": 30}
    idle.save()
    assert load_rules(SupervisionRule) == 0
    assert SupervisionRule.objects.get(code="idle_money").params == {"days": 30}

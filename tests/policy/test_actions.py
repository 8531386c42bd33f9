"""Writes to the policy standards: province officers only, each checked, each change recorded."""

import datetime
import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone, translation

from jingzhun.areas.scope import scope_for
from jingzhun.errors import DomainError, NotAllowed, OutOfScope
from jingzhun.policy import actions, queries
from jingzhun.policy.models import Standard, StandardChange
from tests.conftest import VILLAGE_A

pytestmark = pytest.mark.django_db
WHEN = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 30))


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr("jingzhun.clock.now", lambda: WHEN)
    return WHEN


def line(year: int = 2019, value: str = "3747") -> Standard:
    return Standard.objects.get(key="poverty_line", jurisdiction="", year_from=year, value=Decimal(value))


def new_values(**changes) -> dict:
    return {"key": "notice_days", "jurisdiction": "6404", "year_from": 2016, "year_to": None, "value": "5",
            "source": "Guyuan notice rules", "note": "five days in Guyuan", **changes}


def test_province_officer_adds_a_row_recorded_as_one_change_with_its_values(cast, frozen):
    standard = actions.add_standard(actor=cast["province"], reason="Guyuan posts notices for 5 days",
                                    **new_values())
    assert (standard.key, standard.jurisdiction, standard.value, standard.in_force) == (
        "notice_days", "6404", Decimal("5"), True)
    change = standard.changes.get()
    assert (change.actor, change.at, change.field, change.old, change.reason) == (
        cast["province"], WHEN, "", "", "Guyuan posts notices for 5 days")
    assert json.loads(change.new) == {
        "key": "notice_days", "jurisdiction": "6404", "year_from": "2016", "year_to": "", "value": "5",
        "in_force": "1", "verified": "0", "source": "Guyuan notice rules", "note": "five days in Guyuan"}
    # In force at once, for Guyuan's villages and no others.
    assert queries.value("notice_days", 2020, VILLAGE_A) == Decimal("5")
    assert queries.value("notice_days", 2020, "640104000000") == Decimal("7")


@pytest.mark.parametrize("who", ["prefecture", "county", "township", "cadre_a", "helper", "auditor",
                                 "outsider"])
def test_no_one_but_a_province_officer_writes(cast, who):
    standard = line()
    with pytest.raises(NotAllowed):
        actions.add_standard(actor=cast[who], reason="r", **new_values())
    with pytest.raises(NotAllowed):
        actions.update_standard(standard, actor=cast[who], reason="r", note="changed")
    standard.refresh_from_db()
    assert standard.note.startswith("not verified")
    assert not StandardChange.objects.exists()
    assert not Standard.objects.filter(key="notice_days", jurisdiction="6404").exists()


def test_the_public_does_not_write(db):
    with pytest.raises(NotAllowed):
        actions.add_standard(actor=AnonymousUser(), reason="r", **new_values())


@pytest.mark.parametrize(("changes", "field", "says"), [
    ({"key": "poverty_index"}, "key", "not a known standard"),
    ({"key": ""}, "key", "required"),
    ({"year_from": None}, "year_from", "required"),
    ({"year_from": "soon"}, "year_from", "Give a year"),
    ({"year_from": 1900}, "year_from", "between 1978 and 2100"),
    ({"year_from": 2016, "year_to": 2015}, "year_to", "cannot come before"),
    ({"value": "-1"}, "value", "negative"),
    ({"value": "five"}, "value", "number"),
    ({"value": "1.23456"}, "value", "4 after"),
    ({"key": "village_exit_incidence", "value": "3"}, "value", "between 0 and 1"),
    ({"key": "public_approval_min", "value": "1.5"}, "value", "between 0 and 1"),
    ({"key": "appraisal_approval_min", "value": "50"}, "value", "between 0 and 1"),
    ({"jurisdiction": "6"}, "jurisdiction", "code prefix"),
    ({"jurisdiction": "64x4"}, "jurisdiction", "code prefix"),
    ({"jurisdiction": "6499"}, "jurisdiction", "code prefix"),  # no such prefecture
    ({"jurisdiction": "640422100"}, "jurisdiction", None),  # Jiqiang township: valid
    ({"jurisdiction": "53"}, "jurisdiction", "code prefix"),  # Yunnan: no areas of it are held here
    ({"jurisdiction": "Ningxia"}, "jurisdiction", "code prefix"),
    ({"source": "x" * 301}, "source", "300"),
    ({"colour": "red"}, "colour", "not a field"),
])
def test_each_value_is_checked_at_its_field(cast, changes, field, says):
    if says is None:
        assert actions.add_standard(actor=cast["province"], reason="r", **new_values(**changes)).pk
        return
    with pytest.raises(DomainError) as raised:
        actions.add_standard(actor=cast["province"], reason="r", **new_values(**changes))
    assert raised.value.field == field
    assert says in str(raised.value.message)
    assert not Standard.objects.filter(key="notice_days", jurisdiction__startswith="64").exists()


@pytest.mark.parametrize("value", ["0", "1", "0.03"])
def test_a_share_may_be_anything_from_0_to_1(cast, value):
    standard = actions.add_standard(actor=cast["province"], reason="r", key="county_exit_incidence",
                                    jurisdiction="64", year_from=2016, value=value)
    assert standard.value == Decimal(value)


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_reason_is_required(cast, reason):
    with pytest.raises(DomainError) as raised:
        actions.add_standard(actor=cast["province"], reason=reason, **new_values())
    assert raised.value.field == "reason"
    with pytest.raises(DomainError) as raised:
        actions.update_standard(line(), actor=cast["province"], reason=reason, note="n")
    assert raised.value.field == "reason"


def test_a_row_in_force_may_not_overlap_another_and_the_clash_is_named(cast):
    clash = line(2020, "4000")
    with pytest.raises(DomainError) as raised:
        actions.add_standard(actor=cast["province"], reason="r", key="poverty_line", year_from=2020,
                             year_to=2021, value="4100")
    assert raised.value.field == "year_from"
    assert f"row {clash.pk}" in str(raised.value.message) and "4000" in str(raised.value.message)
    assert "2020–2020" in str(raised.value.message)
    # Retired, or for another jurisdiction, or other years: no clash.
    actions.add_standard(actor=cast["province"], reason="r", key="poverty_line", year_from=2020,
                         year_to=2020, value="4100", in_force=False)
    actions.add_standard(actor=cast["province"], reason="r", key="poverty_line", jurisdiction="64",
                         year_from=2020, year_to=2020, value="4100")
    actions.add_standard(actor=cast["province"], reason="r", key="poverty_line", year_from=2021,
                         value="4200")
    assert queries.value("poverty_line", 2025, VILLAGE_A) == Decimal("4200")


def test_an_edit_records_each_changed_field(cast, frozen):
    standard = line()
    updated = actions.update_standard(standard, actor=cast["province"], reason="checked the 2019 yearbook",
                                      value=Decimal("3747.00"), verified=True, note="verified 2026",
                                      source="often quoted")
    assert (updated.verified, updated.note) == (True, "verified 2026")
    changes = {c.field: (c.old, c.new, c.reason, c.actor, c.at) for c in updated.changes.all()}
    assert changes == {
        "verified": ("0", "1", "checked the 2019 yearbook", cast["province"], WHEN),
        "note": (standard.note, "verified 2026", "checked the 2019 yearbook", cast["province"], WHEN),
    }  # the value and the source did not change: no rows for them


def test_an_edit_of_the_value_holds_at_once_and_its_history_keeps_the_old_figure(cast):
    standard = line()
    actions.update_standard(standard, actor=cast["province"], reason="r", value="3750.5")
    assert queries.value("poverty_line", 2019, VILLAGE_A) == Decimal("3750.5")
    change = StandardChange.objects.get(standard=standard)
    assert (change.field, change.old, change.new) == ("value", "3747", "3750.5")


def test_an_edit_that_changes_nothing_is_refused(cast):
    with pytest.raises(DomainError, match="Nothing was changed"):
        actions.update_standard(line(), actor=cast["province"], reason="r", value="3747", in_force=True)
    assert not StandardChange.objects.exists()


def test_the_2019_figures_swap_only_by_retiring_one_first(cast):
    stricter, lower = line(2019, "3747"), line(2019, "3218")
    with pytest.raises(DomainError) as raised:
        actions.update_standard(lower, actor=cast["province"], reason="r", in_force=True)
    assert f"row {stricter.pk}" in str(raised.value.message)
    actions.update_standard(stricter, actor=cast["province"], reason="SCIO figure confirmed", in_force=False)
    actions.update_standard(lower, actor=cast["province"], reason="SCIO figure confirmed", in_force=True)
    assert queries.value("poverty_line", 2019, VILLAGE_A) == Decimal("3218")
    assert Standard.objects.filter(key="poverty_line", year_from=2019).count() == 2  # nothing deleted


def test_an_edit_is_checked_like_a_new_row(cast):
    standard = line()
    for changes, field in [({"year_to": 2018}, "year_to"), ({"value": "-3"}, "value"),
                           ({"jurisdiction": "99"}, "jurisdiction"), ({"year_to": 2020}, "year_from")]:
        with pytest.raises(DomainError) as raised:
            actions.update_standard(standard, actor=cast["province"], reason="r", **changes)
        assert raised.value.field == field
    standard.refresh_from_db()
    assert (standard.year_to, standard.value, standard.jurisdiction) == (2019, Decimal("3747"), "")
    # Moving a row to a jurisdiction of the province is checked, and allowed.
    moved = actions.update_standard(standard, actor=cast["province"], reason="r", jurisdiction="6404")
    assert moved.changes.get().new == "6404"


def test_a_row_of_another_province_is_read_but_not_changed(cast):
    yunnan = Standard.objects.get(key="monitoring_threshold", jurisdiction="53")
    assert not actions.may_change(scope_for(cast["province"]), yunnan)
    assert actions.may_change(scope_for(cast["province"]), line())
    with pytest.raises(OutOfScope):
        actions.update_standard(yunnan, actor=cast["province"], reason="r", note="changed")
    yunnan.refresh_from_db()
    assert yunnan.note == "a province's own threshold"

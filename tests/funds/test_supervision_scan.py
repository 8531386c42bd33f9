"""Supervision through the real ledger: money received, allocated, spent, recovered and reversed with the
funds actions, then a scan. Each rule fires, and is quiet once the situation is put right or the rule is
off; open flags are refreshed, not duplicated, and keep who found them and the days a scan last found them
and first missed them; answered flags are not raised again for the same finding. The shipped rules come
from the data migration (reloaded after a flush by tests/conftest.py)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jingzhun.errors import DomainError, InvalidTransition, NotAllowed, OutOfScope
from jingzhun.funds import actions, project_actions
from jingzhun.funds.models import Flag, SupervisionRule
from jingzhun.funds.supervision_actions import change_rule, dismiss, resolve, scan
from tests.conftest import JIQIANG, VILLAGE_A, VILLAGE_B, XIJI, YANCHI

from .conftest import TODAY, make_project

pytestmark = pytest.mark.django_db
LONG_AGO = datetime.date(2019, 6, 1)  # 395 days before the calendar's today
STAMPS = ("_by", "_checked", "_gone")  # what the evidence held before the flag had columns for them


def rule(code: str) -> SupervisionRule:
    return SupervisionRule.objects.get(code=code)


def open_flags(code: str) -> list[Flag]:
    return list(Flag.objects.filter(rule=code, state=Flag.State.OPEN))


def switch_off(code: str, cast) -> None:
    change_rule(rule(code), actor=cast["province"], active=False, params=rule(code).params,
                reason="暂停检查")


# --- each rule through the ledger -------------------------------------------------------------------------

def test_over_budget_fires_and_is_quiet_after_the_excess_is_reversed(cast, books):
    county, fund, road = cast["county"], books["fund"], books["road"]
    actions.receive(fund, actor=county, amount="600000")
    actions.allocate(fund, road, actor=county, amount="300000")
    extra = actions.allocate(fund, road, actor=county, amount="200000.50")
    counts = scan(XIJI, actor=county)
    assert (counts["over_budget"].found, counts["over_budget"].new) == (1, 1)
    [flag] = open_flags("over_budget")
    assert (flag.subject, flag.area_id, flag.project) == (f"project:{road.pk}", VILLAGE_A, road)
    assert flag.evidence["over"] == "0.50" and flag.evidence["allocated"] == "500000.50"

    actions.reverse(extra, actor=county, reason="超出预算")
    counts = scan(XIJI, actor=county)
    assert (counts["over_budget"].found, counts["over_budget"].new, counts["over_budget"].gone) == (0, 0, 1)
    flag.refresh_from_db()
    assert (flag.state, flag.gone_on, flag.checked_on) == (Flag.State.OPEN, TODAY, TODAY)
    assert flag.evidence["over"] == "0.50"  # the figures of the last scan that found it


def test_over_budget_quiet_when_the_rule_is_off(cast, books):
    county = cast["county"]
    actions.receive(books["fund"], actor=county, amount="600000")
    actions.allocate(books["fund"], books["road"], actor=county, amount="500001")
    switch_off("over_budget", cast)
    counts = scan(XIJI, actor=county)
    assert "over_budget" not in counts and open_flags("over_budget") == []


def test_no_beneficiaries_fires_and_is_quiet_once_a_household_is_listed(cast, books, make_household):
    county, fund, road = cast["county"], books["fund"], books["road"]
    actions.receive(fund, actor=county, amount="100000")
    actions.allocate(fund, road, actor=county, amount="100000")
    actions.spend(fund, road, actor=county, amount="40000")
    assert scan(XIJI, actor=county)["no_beneficiaries"].new == 1
    [flag] = open_flags("no_beneficiaries")
    assert flag.evidence["spent"] == "40000.00" and flag.project == road

    household = make_household(actor=cast["cadre_a"])
    project_actions.add_beneficiaries(road, [household], actor=county)
    assert scan(XIJI, actor=county)["no_beneficiaries"].found == 0


def test_no_beneficiaries_quiet_when_a_household_is_paid_or_the_rule_is_off(cast, books, make_household):
    county, fund, cattle, road = cast["county"], books["fund"], books["cattle"], books["road"]
    actions.receive(fund, actor=county, amount="100000")
    actions.allocate(fund, cattle, actor=county, amount="50000")
    household = make_household(VILLAGE_B, actor=cast["cadre_b"])
    actions.spend(fund, cattle, actor=county, amount="5000", household=household, subsidy="cattle")
    assert scan(XIJI, actor=county)["no_beneficiaries"].found == 0

    project_actions.start_project(road, actor=county)
    project_actions.complete_project(road, actor=county)  # completed, and no household listed
    assert scan(XIJI, actor=county)["no_beneficiaries"].found == 1
    switch_off("no_beneficiaries", cast)
    assert "no_beneficiaries" not in scan(XIJI, actor=county)


def test_idle_money_fires_on_old_receipts_and_is_quiet_once_allocated_and_spent(cast, books, make_household):
    county, fund, road = cast["county"], books["fund"], books["road"]
    actions.receive(fund, actor=county, amount="80000", on=LONG_AGO)
    counts = scan(XIJI, actor=county)
    assert counts["idle_money"].new == 1
    [flag] = open_flags("idle_money")
    assert (flag.subject, flag.fund, flag.area_id) == (f"fund:{fund.pk}", fund, XIJI)
    assert (flag.evidence["idle"], flag.evidence["since"]) == ("80000.00", "2019-06-01")

    actions.allocate(fund, road, actor=county, amount="80000", on=datetime.date(2019, 7, 1))
    counts = scan(XIJI, actor=county)
    # The fund's flag stays open, marked no longer found; the project's unspent money is a new flag.
    assert (counts["idle_money"].gone, counts["idle_money"].new, len(open_flags("idle_money"))) == (1, 1, 2)
    flag.refresh_from_db()
    assert flag.gone_on == TODAY
    assert Flag.objects.get(subject=f"fund:{fund.pk}:project:{road.pk}").evidence["since"] == "2019-07-01"

    household = make_household(actor=cast["cadre_a"])
    project_actions.add_beneficiaries(road, [household], actor=county)
    actions.spend(fund, road, actor=county, amount="80000")
    assert scan(XIJI, actor=county)["idle_money"].found == 0


def test_idle_money_quiet_when_the_rule_is_off(cast, books):
    actions.receive(books["fund"], actor=cast["county"], amount="80000", on=LONG_AGO)
    switch_off("idle_money", cast)
    assert "idle_money" not in scan(XIJI, actor=cast["county"]) and not open_flags("idle_money")


RECOVERED = datetime.date(2020, 3, 1)  # 121 days before the calendar's today


def test_a_recovery_of_the_excess_quiets_over_budget(cast, books):
    county, fund, road = cast["county"], books["fund"], books["road"]
    actions.receive(fund, actor=county, amount="600000")
    actions.allocate(fund, road, actor=county, amount="500001")
    assert scan(XIJI, actor=county)["over_budget"].new == 1
    actions.recover(fund, road, actor=county, amount="1", memo="超出预算部分收回")
    counts = scan(XIJI, actor=county)
    assert (counts["over_budget"].found, counts["over_budget"].gone) == (0, 1)


def test_a_recovery_quiets_the_projects_idle_money_and_waits_in_the_fund_from_its_day(cast, books,
                                                                                       monkeypatch):
    county, fund, road = cast["county"], books["fund"], books["road"]
    actions.receive(fund, actor=county, amount="500000", on=LONG_AGO)
    actions.allocate(fund, road, actor=county, amount="500000", on=LONG_AGO)
    scan(XIJI, actor=county)
    [idle] = open_flags("idle_money")
    assert idle.subject == f"fund:{fund.pk}:project:{road.pk}"

    actions.spend(fund, road, actor=county, amount="300000", on=RECOVERED)
    actions.recover(fund, road, actor=county, amount="200000", on=RECOVERED, memo="项目结余收回")
    counts = scan(XIJI, actor=county)
    # The project's money is used up; the fund's 200,000 has waited 121 days, not yet too long.
    assert (counts["idle_money"].found, counts["idle_money"].gone) == (0, 1)

    later = RECOVERED + datetime.timedelta(days=181)
    monkeypatch.setattr("jingzhun.clock.today", lambda: later)
    assert scan(XIJI, actor=county, on=later - datetime.timedelta(days=1))["idle_money"].found == 0
    assert scan(XIJI, actor=county)["idle_money"].new == 1
    fund_flag = Flag.objects.get(rule="idle_money", subject=f"fund:{fund.pk}", state=Flag.State.OPEN)
    assert (fund_flag.evidence["stage"], fund_flag.evidence["idle"], fund_flag.evidence["since"]) == (
        "unallocated", "200000.00", RECOVERED.isoformat())
    assert (fund_flag.fund, fund_flag.area_id, fund_flag.checked_on) == (fund, XIJI, later)


def _subsidised(cast, books, make_household):
    county, fund, road = cast["county"], books["fund"], books["road"]
    actions.receive(fund, actor=county, amount="100000")
    actions.allocate(fund, road, actor=county, amount="100000")
    household = make_household(actor=cast["cadre_a"])
    project_actions.add_beneficiaries(road, [household], actor=county)
    actions.spend(fund, road, actor=county, amount="3000", household=household, subsidy="road_access",
                  on=datetime.date(2020, 1, 10))
    second = actions.spend(fund, road, actor=county, amount="3000", household=household,
                           subsidy="road_access")
    return household, second


def test_duplicate_subsidy_fires_and_is_quiet_once_the_second_is_reversed(cast, books, make_household):
    household, second = _subsidised(cast, books, make_household)
    assert scan(XIJI, actor=cast["county"])["duplicate_subsidy"].new == 1
    [flag] = open_flags("duplicate_subsidy")
    assert (flag.household, flag.area_id, flag.subject) == (household, VILLAGE_A,
                                                           f"household:{household.pk}:road_access")
    assert [e["on"] for e in flag.evidence["entries"]] == ["2020-01-10", "2020-06-30"]

    actions.reverse(second, actor=cast["county"], reason="重复发放")
    assert scan(XIJI, actor=cast["county"])["duplicate_subsidy"].found == 0


def test_duplicate_subsidy_quiet_when_the_rule_is_off(cast, books, make_household):
    _subsidised(cast, books, make_household)
    switch_off("duplicate_subsidy", cast)
    assert "duplicate_subsidy" not in scan(XIJI, actor=cast["county"])


def test_outside_purpose_fires_and_is_quiet_after_the_allocation_is_reversed(cast, books):
    county, fund = cast["county"], books["fund"]
    housing = make_project(county, kind="housing", purpose="housing", budget="90000", name="危房改造")
    actions.receive(fund, actor=county, amount="100000")
    allocation = actions.allocate(fund, housing, actor=county, amount="60000")
    assert scan(XIJI, actor=county)["outside_purpose"].new == 1
    [flag] = open_flags("outside_purpose")
    assert (flag.fund, flag.project) == (fund, housing)
    assert (flag.evidence["purposes"], flag.evidence["purpose"], flag.evidence["allocated"]) == (
        ["industry", "infrastructure"], "housing", "60000.00")

    actions.reverse(allocation, actor=county, reason="用途不符")
    assert scan(XIJI, actor=county)["outside_purpose"].found == 0


def test_outside_purpose_quiet_when_the_rule_is_off(cast, books):
    county, fund = cast["county"], books["fund"]
    housing = make_project(county, kind="housing", purpose="housing", budget="90000", name="危房改造")
    actions.receive(fund, actor=county, amount="100000")
    actions.allocate(fund, housing, actor=county, amount="60000")
    switch_off("outside_purpose", cast)
    assert "outside_purpose" not in scan(XIJI, actor=county)


# --- one open flag per subject; answered flags ------------------------------------------------------------

def test_a_second_scan_refreshes_the_open_flag(cast, books):
    county, fund, road = cast["county"], books["fund"], books["road"]
    earlier = TODAY - datetime.timedelta(days=3)
    actions.receive(fund, actor=county, amount="700000", on=earlier)
    actions.allocate(fund, road, actor=county, amount="500100", on=earlier)
    scan(XIJI, actor=county, on=earlier)
    [flag] = Flag.objects.filter(rule="over_budget")
    assert (flag.found_by, flag.checked_on, flag.gone_on) == (county, earlier, None)
    actions.allocate(fund, road, actor=county, amount="100")
    counts = scan(XIJI, actor=cast["province"])
    assert (counts["over_budget"].new, counts["over_budget"].refreshed) == (0, 1)
    [flag] = Flag.objects.filter(rule="over_budget")
    assert flag.evidence["over"] == "200.00"
    # The officer whose scan opened it stays; the day of its figures is that of the scan that found them.
    assert (flag.found_by, flag.checked_on, flag.gone_on) == (county, TODAY, None)
    # The evidence is the finding's figures and the rule's thresholds, nothing about the scan.
    assert set(flag.evidence) == {"budget", "allocated", "over", "funds", "_limit", "_tolerance"}


def test_a_flag_keeps_the_first_day_it_was_missed_until_it_is_found_again(cast, books):
    county, fund, road = cast["county"], books["fund"], books["road"]
    found, missed, later = datetime.date(2020, 6, 1), datetime.date(2020, 6, 10), datetime.date(2020, 6, 20)
    actions.receive(fund, actor=county, amount="600000", on=found)
    excess = actions.allocate(fund, road, actor=county, amount="500001", on=found)
    scan(XIJI, actor=county, on=found)
    actions.reverse(excess, actor=county, reason="超出预算", on=missed)
    assert scan(XIJI, actor=county, on=missed)["over_budget"].gone == 1
    assert scan(XIJI, actor=county, on=later)["over_budget"].gone == 1
    [flag] = Flag.objects.filter(rule="over_budget")
    assert (flag.checked_on, flag.gone_on, flag.evidence["over"]) == (found, missed, "1.00")
    assert not set(flag.evidence) & set(STAMPS)

    actions.allocate(fund, road, actor=county, amount="500002")
    assert scan(XIJI, actor=county)["over_budget"].refreshed == 1
    [again] = Flag.objects.filter(rule="over_budget")
    assert (again.pk, again.state, again.checked_on, again.gone_on) == (flag.pk, "open", TODAY, None)
    assert again.evidence["over"] == "2.00"


def test_an_answered_flag_is_not_raised_again_until_the_finding_changes(cast, books):
    county, fund, road = cast["county"], books["fund"], books["road"]
    actions.receive(fund, actor=county, amount="700000")
    actions.allocate(fund, road, actor=county, amount="500100")
    scan(XIJI, actor=county)
    [flag] = open_flags("over_budget")
    dismiss(flag, actor=county, resolution="预算调整文件已批准，待录入")
    counts = scan(XIJI, actor=county)
    assert (counts["over_budget"].settled, counts["over_budget"].new) == (1, 0)
    assert not open_flags("over_budget")

    actions.allocate(fund, road, actor=county, amount="100")
    assert scan(XIJI, actor=county)["over_budget"].new == 1
    [again] = open_flags("over_budget")
    assert again.pk != flag.pk and again.evidence["over"] == "200.00"


def test_resolve_and_dismiss_record_who_when_and_why(cast, books):
    county = cast["county"]
    actions.receive(books["fund"], actor=county, amount="80000", on=LONG_AGO)
    scan(XIJI, actor=county)
    [flag] = open_flags("idle_money")
    with pytest.raises(DomainError) as refused:
        resolve(flag, actor=county, resolution="  ")
    assert refused.value.field == "resolution"
    resolve(flag, actor=county, resolution="已拨付项目")
    flag.refresh_from_db()
    assert (flag.state, flag.resolved_by, flag.resolution) == (Flag.State.RESOLVED, county, "已拨付项目")
    with pytest.raises(InvalidTransition):
        dismiss(flag, actor=county, resolution="再次处理")


def test_only_county_officers_of_the_flags_area_answer_it(cast, books):
    actions.receive(books["fund"], actor=cast["county"], amount="80000", on=LONG_AGO)
    scan(XIJI, actor=cast["county"])
    [flag] = open_flags("idle_money")
    with pytest.raises(OutOfScope):
        resolve(flag, actor=cast["other_county"], resolution="x")
    for name in ("province", "prefecture", "township", "cadre_a", "auditor"):
        with pytest.raises((NotAllowed, OutOfScope)):
            dismiss(flag, actor=cast[name], resolution="x")
    with pytest.raises(OutOfScope):
        dismiss(flag, actor=cast["outsider"], resolution="x")
    assert Flag.objects.get(pk=flag.pk).state == Flag.State.OPEN


# --- who scans, and what a scan covers ---------------------------------------------------------------

def test_officers_of_every_level_scan_their_area_others_are_refused(cast, books):
    actions.receive(books["fund"], actor=cast["county"], amount="80000", on=LONG_AGO)
    for name, area in [("province", XIJI), ("prefecture", XIJI), ("county", XIJI), ("township", JIQIANG)]:
        scan(area, actor=cast[name])
    assert len(open_flags("idle_money")) == 1
    with pytest.raises(OutOfScope):
        scan(XIJI, actor=cast["other_county"])
    with pytest.raises(OutOfScope):
        scan(XIJI, actor=cast["township"])
    with pytest.raises(OutOfScope):
        scan(XIJI, actor=cast["outsider"])
    for name, area in [("cadre_a", VILLAGE_A), ("auditor", XIJI), ("helper", VILLAGE_A)]:
        with pytest.raises(NotAllowed):
            scan(area, actor=cast[name])
    with pytest.raises(DomainError):
        scan(XIJI, actor=cast["county"], on=TODAY + datetime.timedelta(days=1))


def test_a_township_scan_leaves_the_countys_fund_and_other_townships_alone(cast, books):
    county, fund = cast["county"], books["fund"]
    actions.receive(fund, actor=county, amount="80000", on=LONG_AGO)
    counts = scan(JIQIANG, actor=cast["township"])
    assert counts["idle_money"].found == 0
    scan(YANCHI, actor=cast["other_county"])
    assert not Flag.objects.exists()


def test_a_scan_of_an_earlier_day_ignores_later_entries(cast, books):
    county, fund, road = cast["county"], books["fund"], books["road"]
    actions.receive(fund, actor=county, amount="600000")
    actions.allocate(fund, road, actor=county, amount="500001")
    assert scan(XIJI, actor=county, on=TODAY - datetime.timedelta(days=1))["over_budget"].found == 0


def test_a_scan_reads_the_same_number_of_queries_whatever_the_books_hold(cast, books, make_household):
    county, fund = cast["county"], books["fund"]
    actions.receive(fund, actor=county, amount="1000000", on=LONG_AGO)

    def queries_of_a_scan() -> int:
        scan(XIJI, actor=county)  # the measured scan then finds only flags already open
        with CaptureQueriesContext(connection) as captured:
            scan(XIJI, actor=county)
        return len(captured)

    small = queries_of_a_scan()
    for i in range(4):
        project = make_project(county, budget="100", name=f"道路{i}")
        actions.allocate(fund, project, actor=county, amount="200", on=LONG_AGO)
        household = make_household(actor=cast["cadre_a"])
        for _ in range(2):
            actions.spend(fund, project, actor=county, amount="10", household=household, subsidy="s")
    assert queries_of_a_scan() == small

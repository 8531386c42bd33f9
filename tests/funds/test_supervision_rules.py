"""The five supervision rules as pure functions: each fires on facts that show its anomaly, stays quiet on
facts that do not, and the thresholds fall where the rule's parameters put them."""

import datetime
import itertools
from decimal import Decimal

import pytest

from jingzhun.funds import supervision_rules as rules
from jingzhun.funds.supervision_rules import EntryFacts, Facts, FundFacts, ProjectFacts

TODAY = datetime.date(2020, 6, 30)
XIJI, VILLAGE_A, VILLAGE_B = "640422000000", "640422100201", "640422100202"
_ids = itertools.count(1)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def entry(kind, amount, on="2020-06-01", *, fund=1, project=None, household=None, village="", subsidy="",
          reverses=None, id=None) -> EntryFacts:
    return EntryFacts(id=id or next(_ids), kind=kind, fund=fund, amount=Decimal(amount), on=day(on),
                      project=project, household=household, village=village, subsidy=subsidy,
                      reverses=reverses)


def project(pk=10, *, area=VILLAGE_A, kind="road", purpose="infrastructure", state="under_way", budget="1000",
            beneficiaries=0) -> ProjectFacts:
    return ProjectFacts(pk, area, kind, purpose, state, Decimal(budget), beneficiaries)


def facts(*entries, projects=(), funds=None, prefix="640422", today=TODAY) -> Facts:
    funds = funds if funds is not None else [FundFacts(1, XIJI, ("infrastructure", "industry"))]
    return Facts(prefix=prefix, today=today, funds={f.id: f for f in funds},
                 projects={p.id: p for p in projects}, entries=tuple(entries))


def run(code: str, data: Facts, **params) -> list[rules.Finding]:
    return rules.RULES[code](data, rules.settings(code, params))


# --- over budget --------------------------------------------------------------------------------------

def test_over_budget_fires_when_allocations_of_all_funds_exceed_the_budget():
    data = facts(entry("receipt", "5000"), entry("receipt", "5000", fund=2),
                 entry("allocation", "600", project=10), entry("allocation", "400.01", fund=2, project=10),
                 projects=[project(budget="1000")], funds=[FundFacts(1, XIJI), FundFacts(2, XIJI)])
    [found] = run("over_budget", data)
    assert found.subject == "project:10" and found.area == VILLAGE_A and found.project == 10
    assert found.evidence["budget"] == "1000.00" and found.evidence["allocated"] == "1000.01"
    assert found.evidence["over"] == "0.01"
    assert found.evidence["funds"] == [{"fund": 1, "amount": "600.00"}, {"fund": 2, "amount": "400.01"}]


def test_over_budget_quiet_at_the_budget_and_after_a_reversal():
    at_budget = facts(entry("allocation", "1000", project=10), projects=[project(budget="1000")])
    assert run("over_budget", at_budget) == []
    first = entry("allocation", "300", project=10)
    reversed_ = facts(entry("allocation", "1000", project=10), first,
                      entry("allocation", "300", project=10, reverses=first.id),
                      projects=[project(budget="1000")])
    assert run("over_budget", reversed_) == []


def test_over_budget_tolerance_is_a_share_of_the_budget():
    data = facts(entry("allocation", "1050", project=10), projects=[project(budget="1000")])
    assert run("over_budget", data, tolerance="0.05") == []
    assert len(run("over_budget", data, tolerance="0.0499")) == 1


def test_over_budget_counts_allocations_net_of_what_was_recovered():
    allocations = (entry("allocation", "900", project=10), entry("allocation", "600", fund=2, project=10))
    budget = {"projects": [project(budget="1000")], "funds": [FundFacts(1, XIJI), FundFacts(2, XIJI)]}
    back = entry("recovery", "500", fund=2, project=10)
    assert run("over_budget", facts(*allocations, back, **budget)) == []
    [found] = run("over_budget", facts(*allocations, entry("recovery", "499", fund=2, project=10), **budget))
    assert (found.evidence["allocated"], found.evidence["over"]) == ("1001.00", "1.00")
    assert found.evidence["funds"] == [{"fund": 1, "amount": "900.00"}, {"fund": 2, "amount": "101.00"}]
    recovery = entry("recovery", "500", fund=2, project=10)
    undone = entry("recovery", "500", fund=2, project=10, reverses=recovery.id)
    assert len(run("over_budget", facts(*allocations, recovery, undone, **budget))) == 1


# --- no beneficiaries -----------------------------------------------------------------------------------

def test_no_beneficiaries_fires_on_money_spent_or_a_completed_project():
    data = facts(entry("allocation", "500", project=10), entry("spending", "200", project=10),
                 projects=[project(10), project(11, state="completed"), project(12, state="accepted")])
    found = run("no_beneficiaries", data)
    assert [f.subject for f in found] == ["project:10", "project:11", "project:12"]
    assert found[0].evidence == {"spent": "200.00", "state": "under_way"}
    assert found[1].evidence == {"spent": "0.00", "state": "completed"}


def test_no_beneficiaries_quiet_when_listed_paid_unstarted_or_exempt():
    data = facts(entry("spending", "200", project=10), entry("spending", "80", project=11, household=7),
                 projects=[project(10, beneficiaries=3), project(11), project(12, state="planned"),
                           project(13, kind="school", state="completed")])
    assert [f.subject for f in run("no_beneficiaries", data)] == ["project:13"]
    assert run("no_beneficiaries", data, exempt_kinds=["school"]) == []


def test_no_beneficiaries_money_spent_then_reversed_is_not_spent():
    paid = entry("spending", "200", project=10)
    data = facts(paid, entry("spending", "200", project=10, reverses=paid.id), projects=[project(10)])
    assert run("no_beneficiaries", data) == []


# --- idle money -----------------------------------------------------------------------------------------

def test_idle_money_unallocated_first_in_first_out():
    # 1,000 received 2019-12-01 (212 days ago), 500 received 2020-06-01; 600 allocated uses up the oldest.
    data = facts(entry("receipt", "1000", "2019-12-01"), entry("receipt", "500", "2020-06-01"),
                 entry("allocation", "600", "2020-06-10", project=10), entry("spending", "600", project=10),
                 projects=[project(10, beneficiaries=1)])
    [found] = run("idle_money", data)
    assert found.subject == "fund:1" and found.fund == 1 and found.area == XIJI
    assert found.evidence["stage"] == "unallocated"
    evidence = found.evidence
    assert (evidence["idle"], evidence["since"], evidence["_held"]) == ("400.00", "2019-12-01", "900.00")


def test_idle_money_threshold_is_more_than_the_days():
    received = day("2020-06-30") - datetime.timedelta(days=180)
    data = facts(entry("receipt", "100", received.isoformat()))
    assert run("idle_money", data) == []  # exactly 180 days
    assert len(run("idle_money", data, days=179)) == 1
    assert run("idle_money", facts(entry("receipt", "100", received.isoformat()), today=day("2020-07-01")))


def test_idle_money_unspent_allocation_of_a_project():
    data = facts(entry("receipt", "1000", "2019-01-01"),
                 entry("allocation", "1000", "2019-10-01", project=10),
                 entry("spending", "300", "2020-01-05", project=10), projects=[project(10)])
    [found] = run("idle_money", data)
    assert found.subject == "fund:1:project:10" and found.project == 10 and found.area == VILLAGE_A
    assert (found.evidence["stage"], found.evidence["idle"], found.evidence["since"]) == (
        "unspent", "700.00", "2019-10-01")


def test_idle_money_quiet_when_money_moved_on_or_is_recent():
    data = facts(entry("receipt", "1000", "2019-01-01"),
                 entry("allocation", "1000", "2019-10-01", project=10),
                 entry("spending", "1000", "2020-01-05", project=10), entry("receipt", "50", "2020-06-01"),
                 projects=[project(10)])
    assert run("idle_money", data) == []


def test_idle_money_judges_only_funds_and_projects_inside_the_prefix():
    data = facts(entry("receipt", "1000", "2019-01-01"),
                 entry("allocation", "1000", "2019-01-02", project=10),
                 projects=[project(10, area=VILLAGE_B)], prefix=VILLAGE_A)
    assert run("idle_money", data) == []


def test_idle_money_a_recovery_empties_the_project_and_waits_in_the_fund_from_its_day():
    # 1,000 received and allocated long ago; 300 spent and 700 recovered on 2020-03-01 (121 days ago).
    entries = (entry("receipt", "1000", "2019-01-01"), entry("allocation", "1000", "2019-01-02", project=10),
               entry("spending", "300", "2020-03-01", project=10), entry("recovery", "700", "2020-03-01",
                                                                         project=10))
    assert run("idle_money", facts(*entries[:3], projects=[project(10)]))[0].evidence["idle"] == "700.00"
    assert run("idle_money", facts(*entries, projects=[project(10)])) == []
    # Idle from the recovery's day: quiet 180 days after it, flagged the day after.
    assert run("idle_money", facts(*entries, projects=[project(10)], today=day("2020-08-28"))) == []
    [found] = run("idle_money", facts(*entries, projects=[project(10)], today=day("2020-08-29")))
    assert (found.subject, found.evidence["stage"]) == ("fund:1", "unallocated")
    assert (found.evidence["idle"], found.evidence["since"], found.evidence["_held"]) == (
        "700.00", "2020-03-01", "700.00")


def test_idle_money_recovered_money_allocated_again_is_no_longer_idle():
    entries = (entry("receipt", "1000", "2019-01-01"), entry("allocation", "1000", "2019-01-02", project=10),
               entry("recovery", "400", "2019-02-01", project=10),
               entry("spending", "600", "2019-03-01", project=10),
               entry("allocation", "400", "2019-04-01", project=11),
               entry("spending", "400", "2019-05-01", project=11))
    assert run("idle_money", facts(*entries, projects=[project(10), project(11)])) == []


# --- duplicate subsidy ----------------------------------------------------------------------------------

def paid(on, *, household=7, subsidy="housing_renovation", amount="20000", **kw):
    return entry("spending", amount, on, project=10, household=household, village=VILLAGE_A, subsidy=subsidy,
                 **kw)


def test_duplicate_subsidy_fires_within_the_years():
    first, second = paid("2017-07-01"), paid("2020-06-30")
    [found] = run("duplicate_subsidy", facts(first, second))
    assert found.subject == "household:7:housing_renovation"
    assert found.household == 7 and found.area == VILLAGE_A
    assert [e["entry"] for e in found.evidence["entries"]] == [first.id, second.id]
    assert found.evidence["entries"][0] == {"entry": first.id, "on": "2017-07-01", "amount": "20000.00",
                                            "fund": 1, "project": 10}


def test_duplicate_subsidy_quiet_at_the_years_or_for_other_codes_households_or_reversals():
    assert run("duplicate_subsidy", facts(paid("2017-06-30"), paid("2020-06-30"))) == []  # exactly 3 years
    assert run("duplicate_subsidy", facts(paid("2019-01-01"), paid("2020-01-01", subsidy="education"))) == []
    assert run("duplicate_subsidy", facts(paid("2019-01-01"), paid("2020-01-01", household=8))) == []
    uncoded = facts(paid("2019-01-01", subsidy=""), paid("2020-01-01", subsidy=""))
    assert run("duplicate_subsidy", uncoded) == []
    second = paid("2020-01-01")
    undone = paid("2020-01-02", reverses=second.id)
    assert run("duplicate_subsidy", facts(paid("2019-01-01"), second, undone)) == []


def test_duplicate_subsidy_years_parameter():
    data = facts(paid("2018-01-01"), paid("2020-01-01"))
    assert run("duplicate_subsidy", data, years=2) == []
    assert len(run("duplicate_subsidy", data, years=3)) == 1


# --- outside purpose ------------------------------------------------------------------------------------

def test_outside_purpose_fires_on_an_allocation_to_a_project_of_another_purpose():
    data = facts(entry("receipt", "1000"), entry("allocation", "400", project=11),
                 projects=[project(11, kind="housing", purpose="housing")])
    [found] = run("outside_purpose", data)
    assert found.subject == "fund:1:project:11" and (found.fund, found.project) == (1, 11)
    assert found.evidence == {"purposes": ["industry", "infrastructure"], "purpose": "housing",
                              "allocated": "400.00"}


def test_outside_purpose_quiet_for_a_listed_purpose_a_fund_for_any_or_a_reversed_allocation():
    allocation = entry("allocation", "400", project=11)
    housing = project(11, kind="housing", purpose="housing")
    assert run("outside_purpose", facts(entry("allocation", "400", project=10), projects=[project(10)])) == []
    assert run("outside_purpose", facts(allocation, projects=[housing], funds=[FundFacts(1, XIJI)])) == []
    undone = entry("allocation", "400", project=11, reverses=allocation.id)
    assert run("outside_purpose", facts(allocation, undone, projects=[housing])) == []


def test_outside_purpose_quiet_once_the_allocation_is_recovered():
    housing = project(11, kind="housing", purpose="housing")
    allocation = entry("allocation", "400", project=11)
    whole, part = entry("recovery", "400", project=11), entry("recovery", "150", project=11)
    assert run("outside_purpose", facts(allocation, whole, projects=[housing])) == []
    [found] = run("outside_purpose", facts(allocation, part, projects=[housing]))
    assert found.evidence["allocated"] == "250.00"


# --- parameters and the shipped rows --------------------------------------------------------------------

def test_settings_take_defaults_ignore_unknown_keys_and_refuse_bad_values():
    # A rule's params held "_changed" before changes had their own table: such a row still scans.
    assert rules.settings("idle_money", {"_changed": {"by": 1}}) == {"days": 180}
    assert rules.settings("over_budget", {"tolerance": "0.1"}) == {"tolerance": Decimal("0.1")}
    for code, params in [("over_budget", {"tolerance": "1.5"}), ("over_budget", {"tolerance": "x"}),
                         ("idle_money", {"days": 0}), ("idle_money", {"days": True}),
                         ("duplicate_subsidy", {"years": "2.5"})]:
        with pytest.raises(rules.BadParam):
            rules.settings(code, params)
    with pytest.raises(rules.BadParam):
        rules.settings("no_beneficiaries", {"exempt_kinds": ["castle"]}, kinds=["road", "school"])
    assert rules.stored("no_beneficiaries", {"exempt_kinds": ("school", "clinic")}) == {
        "exempt_kinds": ["clinic", "school"]}
    assert rules.stored("over_budget", {"tolerance": "0.0500"}) == {"tolerance": "0.05"}
    assert rules.stored("over_budget", {"tolerance": Decimal("0.000")}) == {"tolerance": "0"}
    assert rules.stored("idle_money", {"_changed": {"by": 1}}) == {"days": 180}


def test_same_finding_leaves_context_aside():
    assert rules.same_finding({"idle": "1.00", "_checked": "2020-01-01"}, {"idle": "1.00", "_days": 90})
    assert not rules.same_finding({"idle": "1.00"}, {"idle": "2.00"})


def test_shipped_rules_are_the_five_with_usable_parameters():
    rows = rules.published_rules()
    assert sorted(r["code"] for r in rows) == sorted(rules.RULES)
    for row in rows:
        assert row["active"] and row["source"] and len(row["source"]) <= 300
        rules.settings(row["code"], row["params"])

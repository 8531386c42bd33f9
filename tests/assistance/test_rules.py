"""The cause → measure rule table as a pure function, and the shipped table itself."""

import datetime

import pytest

from jingzhun.assistance import rules
from jingzhun.assistance.catalogue import published_measures, published_rules
from jingzhun.assistance.rules import HouseholdFacts, MeasureInfo, MemberFacts, RuleRow
from jingzhun.registry.causes import CAUSES

ADULT = MemberFacts(age=40, labour="ordinary")
CHILD_AT_SCHOOL = MemberFacts(age=12, labour="none", in_school=True)
ELDER = MemberFacts(age=72, labour="lost")
ILL = MemberFacts(age=50, labour="weak", health="serious")
DISABLED = MemberFacts(age=45, labour="lost", health="disabled")
WHOLE_FAMILY = (ADULT, CHILD_AT_SCHOOL, ELDER, ILL, DISABLED)


def shipped():
    rows = [RuleRow(r["jurisdiction"], r["cause_id"], r["measure_id"], r["rank"]) for r in published_rules()]
    measures = {m["code"]: MeasureInfo(m["code"], m["condition"]) for m in published_measures()}
    return rows, measures


def test_every_official_cause_has_rules_naming_catalogue_measures():
    rows, measures = shipped()
    for code, _zh, _en in CAUSES:
        named = [r.measure for r in rows if r.cause == code]
        assert named, f"no rule for {code}"
        assert set(named) <= set(measures), f"{code} names a measure outside the catalogue"


NO_WORKER = (CHILD_AT_SCHOOL, ELDER, MemberFacts(age=50, labour="lost", health="serious"), DISABLED)


@pytest.mark.parametrize("cause", [code for code, _zh, _en in CAUSES])
@pytest.mark.parametrize(("members", "unmet"), [(WHOLE_FAMILY, "no_labour"), (NO_WORKER, "labour")])
def test_each_cause_gets_its_measures_in_rank_order_save_those_whose_condition_fails(cause, members, unmet):
    """Every condition holds for these households but one of the two labour conditions, which exclude
    each other: the table's measures for the cause are recommended in rank order, bar those needing it."""
    rows, measures = shipped()
    facts = HouseholdFacts(cause, members=members, unsafe_house=True, unsafe_water=True)
    advice = rules.recommend(facts, rows, measures, "640422100201")
    named = [r.measure for r in sorted((r for r in rows if r.cause == cause), key=lambda r: r.rank)]
    assert advice.codes == [code for code in named if measures[code].condition != unmet]
    assert [w.measure for w in advice.withheld] == [c for c in named if measures[c].condition == unmet]
    assert all(rec.causes == (cause,) for rec in advice.recommended)
    assert advice.codes, f"nothing recommended for {cause}"


def test_illness_recommends_medical_help_first():
    rows, measures = shipped()
    advice = rules.recommend(HouseholdFacts("illness", members=(ILL, ADULT)), rows, measures, "64")
    assert advice.codes[:3] == ["medical_insurance", "medical_assistance", "family_doctor"]


def test_schooling_without_anyone_in_school_withholds_the_subsidies_and_says_why():
    rows, measures = shipped()
    advice = rules.recommend(HouseholdFacts("schooling", members=(ADULT,)), rows, measures, "64")
    assert advice.codes == ["employment"]
    assert {(w.measure, w.condition) for w in advice.withheld} == {
        ("education_subsidy", "in_school"), ("vocational_subsidy", "in_school")}


def test_social_security_floor_only_without_full_labour():
    rows, measures = shipped()
    with_worker = rules.recommend(HouseholdFacts("lack_labour", members=(ADULT, ELDER)), rows, measures, "64")
    without = rules.recommend(HouseholdFacts("lack_labour", members=(ELDER, ILL)), rows, measures, "64")
    assert "subsistence_allowance" not in with_worker.codes
    assert without.codes[0] == "subsistence_allowance"
    assert "pension_subsidy" in without.codes


def test_main_cause_first_and_a_shared_measure_once_naming_both_causes():
    rows, measures = shipped()
    facts = HouseholdFacts("lack_skills", other_causes=("lack_land", "lack_skills"), members=(ADULT,))
    advice = rules.recommend(facts, rows, measures, "64")
    assert advice.codes == ["skills_training", "employment", "industry", "relocation"]
    employment = next(r for r in advice.recommended if r.measure == "employment")
    assert employment.causes == ("lack_skills", "lack_land")


def test_a_county_row_replaces_the_national_rows_for_that_cause_only():
    rows, measures = shipped()
    rows.append(RuleRow("640422", "lack_water", "industry", 1))
    rows.append(RuleRow("640422", "lack_water", "safe_water", 2, active=False))
    facts = HouseholdFacts("lack_water", other_causes=("lack_capital",), members=(ADULT,), unsafe_water=True)
    in_xiji = rules.recommend(facts, rows, measures, "640422100201")
    in_yanchi = rules.recommend(facts, rows, measures, "640323100201")
    assert in_xiji.codes == ["industry", "micro_credit", "mutual_fund_loan", "asset_income"]
    assert in_xiji.jurisdictions == {"lack_water": "640422", "lack_capital": ""}
    assert in_yanchi.codes[:3] == ["safe_water", "relocation", "industry"]


def test_measures_out_of_use_are_never_recommended():
    rows, measures = shipped()
    measures["micro_credit"] = MeasureInfo("micro_credit", "labour", active=False)
    advice = rules.recommend(HouseholdFacts("lack_capital", members=(ADULT,)), rows, measures, "64")
    assert "micro_credit" not in advice.codes and advice.codes[0] == "mutual_fund_loan"


def test_no_cause_no_recommendation():
    rows, measures = shipped()
    assert rules.recommend(HouseholdFacts(None, members=(ADULT,)), rows, measures, "64").codes == []


@pytest.mark.parametrize(("condition", "members", "holds"), [
    ("labour", (ADULT,), True),
    ("labour", (MemberFacts(15, "ordinary"),), False),  # too young to count as labour
    ("labour", (MemberFacts(40, "weak"),), True),
    ("no_labour", (MemberFacts(40, "weak"), ELDER), True),
    ("no_labour", (ADULT,), False),
    ("elderly", (MemberFacts(60, "none"),), True),
    ("elderly", (MemberFacts(59, "none"),), False),
    ("ill", (MemberFacts(30, "ordinary", health="chronic"),), True),
    ("disabled", (ILL,), False),
])
def test_conditions(condition, members, holds):
    assert rules.condition_holds(condition, HouseholdFacts("other", members=members)) is holds


def test_progress_overdue_and_unvisited():
    progress = rules.progress(["delivered", "planned", "cancelled", "under_way", "delivered"])
    assert (progress.delivered, progress.total, progress.percent, progress.complete) == (2, 4, 50, False)
    assert rules.progress(["cancelled"]).percent == 0
    assert rules.progress(["delivered", "cancelled"]).complete
    today = datetime.date(2020, 6, 1)
    assert rules.overdue(datetime.date(2020, 5, 31), "planned", today)
    assert not rules.overdue(datetime.date(2020, 5, 31), "delivered", today)
    assert not rules.overdue(today, "under_way", today)
    assert rules.unvisited(None, today, 90)
    assert rules.unvisited(today - datetime.timedelta(days=91), today, 90)
    assert not rules.unvisited(today - datetime.timedelta(days=90), today, 90)


def test_work_team_against_the_standard():
    start = datetime.date(2018, 3, 1)
    good = rules.TeamFacts(3, True, start, datetime.date(2020, 3, 1))
    assert rules.check_team(good, 3, 2).ok
    assert rules.check_team(None, 3, 2).problems == ("no_team",)
    short = rules.TeamFacts(2, False, start, datetime.date(2020, 2, 28))
    assert rules.check_team(short, 3, 2).problems == ("too_few", "no_first_secretary", "short_term")
    assert rules.check_team(rules.TeamFacts(2, True, start, datetime.date(2021, 3, 1)), 2, 2).ok

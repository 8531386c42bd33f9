"""The pure monitoring rules: who is at risk in which group, and when a risk may be eliminated."""

import datetime
from decimal import Decimal as D

import pytest
from django.utils import translation

from jingzhun.identification.monitoring_rules import (
    EliminationFacts,
    MonitoringFacts,
    Reason,
    add_months,
    assess,
    may_eliminate,
    months_between,
    reason_text,
)


def facts(status, per_person=None, net=None, expense="0", **more) -> MonitoringFacts:
    values = {"year": 2021, "status": status, "threshold": D("6000"), "line": D("4000"),
              "expense_ratio": D("1"), "per_person": None if per_person is None else D(per_person),
              "net_income": None if net is None else D(net), "hardship_expense": D(expense), **more}
    return MonitoringFacts(**values)


@pytest.mark.parametrize("status, per_person, net, expense, group, codes", [
    # Unstable exited households: exited or returned, income per person under the threshold.
    ("exited", "5999.99", "11999.98", "0", "unstable", ["unstable"]),
    ("returned", "4500", "9000", "0", "unstable", ["unstable"]),
    ("exited", "6000", "12000", "0", None, []),  # at the threshold is not under it
    # An exited household below the poverty line itself has fallen back.
    ("exited", "3999.99", "7999.98", "0", "unstable", ["unstable", "fallen_back"]),
    ("returned", "3000", "6000", "0", "unstable", ["unstable"]),  # already returned: not "fallen back"
    # Marginal households: never registered poor, under the threshold.
    ("non_poor", "5000", "15000", "0", "marginal", ["marginal"]),
    ("non_poor", "7000", "21000", "0", None, []),
    ("applicant", "3000", "9000", "0", None, []),  # in identification, not monitoring
    # Sudden severe hardship: any status but poor, rigid expenses above ratio x the year's net income.
    ("non_poor", "9000", "27000", "27000.01", "hardship", ["hardship"]),
    ("non_poor", "9000", "27000", "27000", None, []),  # equal is not above
    ("exited", "8000", "16000", "20000", "hardship", ["hardship"]),
    ("applicant", "8000", "16000", "20000", "hardship", ["hardship"]),
    ("applicant", "-100", "-300", "1", "hardship", ["hardship"]),  # any expense beats a loss-making year
    # One group a year: the income group first, the hardship still gives its reason.
    ("exited", "5000", "10000", "30000", "unstable", ["unstable", "hardship"]),
    ("non_poor", "5000", "10000", "30000", "marginal", ["marginal", "hardship"]),
    # Registered poor households are helped as poor; closed records are not followed.
    ("poor", "2000", "4000", "90000", None, []),
    ("closed", "2000", "4000", "90000", None, []),
    # No income recorded: neither income nor hardship can be judged.
    ("exited", None, None, "50000", None, []),
])
def test_groups(status, per_person, net, expense, group, codes):
    result = assess(facts(status, per_person, net, expense))
    assert result.group == group
    assert [r.code for r in result.reasons] == codes
    assert result.fallen_back == ("fallen_back" in codes)


def test_reasons_name_the_figures_in_the_reader_s_language():
    result = assess(facts("exited", "3500", "7000", "8000"))
    stored = [r.as_json() for r in result.reasons]
    assert stored[0] == {"code": "unstable", "income": "3500.00", "threshold": "6000.00", "year": 2021,
                         "carried_from": None}
    with translation.override("en"):
        texts = [reason_text(r) for r in stored]
    assert texts[0] == ("Exited household: 3,500.00 yuan a person in 2021 is below the monitoring threshold "
                        "of 6,000.00 yuan.")
    assert "8,000.00" in texts[1] and "7,000.00" in texts[1] and "1 times" in texts[1]
    assert "4,000.00" in texts[2] and "fallen back" in texts[2]
    with translation.override("zh-hans"):
        assert "3,500.00" in reason_text(stored[0])


def test_a_carried_threshold_says_so():
    result = assess(facts("non_poor", "5000", "10000", threshold_carried_from=2021, year=2023))
    with translation.override("en"):
        text = result.reasons[0].text
    assert "No threshold is set for 2023; the 2021 threshold applies." in text


def test_reason_text_shows_plain_text_as_written():
    assert reason_text("核查发现") == "核查发现"
    assert reason_text({"code": "unknown", "text": "old"}) == "old"
    assert Reason("return_recorded", {"text": "大病"}).text.endswith("大病")


OPENED = datetime.date(2021, 3, 1)
SECURE = {"food_secure": True, "clothing_secure": True, "education_secure": True, "medical_secure": True,
          "housing_secure": True, "water_secure": True}


def elimination(**changes) -> EliminationFacts:
    values = {"opened_on": OPENED, "today": datetime.date(2021, 9, 1), "stable_months": 6,
              "labours": ("ordinary", "none"), "income_year": 2021, "per_person": D("6500"),
              "threshold": D("6000"), "conditions_year": 2021, "conditions": SECURE, **changes}
    return EliminationFacts(**values)


@pytest.mark.parametrize("changes, allowed, refusal", [
    ({}, True, None),
    ({"per_person": D("6000")}, True, None),  # at the threshold is enough
    ({"labours": ("weak",)}, True, None),  # weak labour still works
    ({"per_person": D("5999.99")}, False, "below the threshold of 6,000.00"),
    ({"per_person": None, "income_year": None}, False, "No income per person"),
    ({"threshold": None}, False, "No monitoring threshold is in force for 2021"),
    ({"today": datetime.date(2021, 8, 31)}, False,
     "open 5 months; it may be eliminated after 6, from 2021-09-01"),
    ({"conditions": None, "conditions_year": None}, False, "No living conditions"),
    ({"conditions": {**SECURE, "water_secure": False}}, False, "Not secure in 2021: safe drinking water."),
    ({"conditions": {**SECURE, "medical_secure": False}}, False, "basic medical care"),
    ({"conditions": {**SECURE, "food_secure": False}}, True, None),  # food and clothing are not asked
    ({"labours": ("lost", "none")}, False, "never marked eliminated"),
    ({"labours": ()}, False, "never marked eliminated"),
])
def test_elimination(changes, allowed, refusal):
    with translation.override("en"):
        decision = may_eliminate(elimination(**changes))
    assert decision.allowed is allowed
    if refusal:
        assert any(refusal in r for r in decision.refusals), decision.refusals
    else:
        assert decision.refusals == ()


def test_every_refusal_is_given_at_once_and_no_labour_is_marked():
    decision = may_eliminate(elimination(labours=("lost",), per_person=D("100"),
                                         today=datetime.date(2021, 4, 1)))
    assert len(decision.refusals) == 3
    assert decision.no_labour and decision.months_open == 1


@pytest.mark.parametrize("start, end, months", [
    (datetime.date(2021, 3, 1), datetime.date(2021, 9, 1), 6),
    (datetime.date(2021, 3, 1), datetime.date(2021, 8, 31), 5),
    (datetime.date(2021, 1, 31), datetime.date(2021, 2, 28), 1),
    (datetime.date(2021, 1, 31), datetime.date(2021, 2, 27), 0),
    (datetime.date(2020, 8, 31), datetime.date(2021, 2, 28), 6),
    (datetime.date(2021, 5, 5), datetime.date(2021, 5, 5), 0),
])
def test_months_between_agrees_with_add_months(start, end, months):
    assert months_between(start, end) == months
    assert add_months(start, months) <= end
    assert add_months(start, months + 1) > end

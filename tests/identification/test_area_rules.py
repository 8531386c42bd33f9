"""Village and county exit rules: the thresholds, and each veto of the third-party check alone."""

from decimal import Decimal

import pytest
from django.utils import translation

from jingzhun.identification import area_rules
from jingzhun.identification.area_rules import Limit, SampleCounts, VetoLimits

WEST = Limit("village_exit_incidence", Decimal("0.03"), "2016 opinion")
LIMITS = VetoLimits(Limit("wrong_exit_rate_max", Decimal("0.02")), Limit("missed_rate_max", Decimal("0.02")),
                    Limit("public_approval_min", Decimal("0.9")))
GOOD = SampleCounts(exited=100, wrongly_exited=2, residents_checked=500, missed_found=10, surveyed=200,
                    approving=180)


def _codes(decision):
    return [c.code for c in decision.failing]


def test_a_poor_village_below_the_threshold_exits_whatever_its_facilities():
    decision = area_rules.village_exit(year=2016, poor_village=True, poor=5, population=200, limit=WEST,
                                       considerations={"roads": False, "clinic": None})
    assert decision.passes
    considered = {c.code: c for c in decision.criteria if not c.veto}
    assert considered["roads"].passed is False and considered["clinic"].passed is None
    assert set(considered) == {code for code, _label in area_rules.CONSIDERATIONS}


def test_village_incidence_must_be_strictly_below_the_threshold():
    at_limit = area_rules.village_exit(year=2016, poor_village=True, poor=6, population=200, limit=WEST)
    assert not at_limit.passes and _codes(at_limit) == ["incidence"]
    with translation.override("en"):
        assert at_limit.failing[0].reason == "3% (6 poor of 200 residents) is not below 3%."


def test_a_village_not_flagged_poor_cannot_exit():
    decision = area_rules.village_exit(year=2016, poor_village=False, poor=0, population=200, limit=WEST)
    assert _codes(decision) == ["poor_village"]


def test_no_population_means_incidence_cannot_be_judged():
    decision = area_rules.village_exit(year=2016, poor_village=True, poor=0, population=0, limit=WEST)
    assert _codes(decision) == ["incidence"] and decision.failing[0].passed is None


def _county(counts, poor=10, population=1000, poor_county=True):
    return area_rules.county_exit(year=2018, poor_county=poor_county, poor=poor, population=population,
                                  limit=WEST, vetoes=area_rules.sample_vetoes(counts, LIMITS))


def test_a_county_within_every_limit_passes():
    assert _county(GOOD).passes


@pytest.mark.parametrize("change, failing", [
    ({"wrongly_exited": 3}, "wrong_exit"),  # 3% > 2%
    ({"missed_found": 11}, "missed"),  # 2.2% > 2%
    ({"approving": 179}, "approval"),  # 89.5% < 90%
])
def test_each_veto_alone_fails_the_county(change, failing):
    counts = SampleCounts(**{**GOOD.as_dict(), **change})
    decision = _county(counts)
    assert not decision.passes
    assert _codes(decision) == [failing]


def test_county_incidence_and_flag_are_vetoes_too():
    assert _codes(_county(GOOD, poor=30)) == ["incidence"]
    assert _codes(_county(GOOD, poor_county=False)) == ["poor_county"]


def test_rates_without_a_base_cannot_pass():
    decision = _county(SampleCounts())
    assert _codes(decision) == ["wrong_exit", "missed", "approval"]
    assert all(c.passed is None for c in decision.failing)


def test_a_criterion_read_back_from_its_dict_words_its_reason_in_the_readers_language():
    kept = [c.as_dict() for c in area_rules.sample_vetoes(GOOD, LIMITS)]
    back = area_rules.criteria_from(kept)
    with translation.override("en"):
        assert back[0].reason == "2% (2 of 100) is at most 2%."
        assert back[2].label == "public approval"
    assert area_rules.percent(Decimal("0.9")) == "90%"
    assert area_rules.percent(Decimal("0.0185")) == "1.85%"

"""policy.rules.evaluate against the published criteria, over the standards shipped in data/standards.csv:
a wrong figure in the file fails here as surely as a wrong rule in the code."""

from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.utils import translation

from jingzhun.policy import rules, standards
from jingzhun.policy.rules import GUARANTEES, HouseholdFacts, Row, Standards

VILLAGE = "640422100201"  # a village of Xiji, Ningxia (western region)
JIANGSU = "320102001001"  # a village code of Jiangsu: not western
FIVE = ("food_secure", "clothing_secure", "education_secure", "medical_secure", "housing_secure")
ALL_SIX = (*FIVE, "water_secure")
# The published current-price lines (rules.md, "Poverty line"); 2019 is the one in force of two.
LINES = {2011: "2536", 2012: "2625", 2013: "2736", 2014: "2800", 2015: "2855", 2016: "2952", 2017: "3335",
         2018: "3535", 2019: "3747", 2020: "4000"}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def shipped() -> Standards:
    return Standards(standards.as_row(values) for values in standards.published_rows())


def secure(year: int, **failing: bool) -> dict[str, bool]:
    """Every guarantee checked for the year and secure, except those given."""
    return {name: failing.get(name, True) for name in ALL_SIX}


def yuan(amount: str | Decimal) -> str:
    return f"{Decimal(amount):,.2f}"


@dataclass(frozen=True)
class Case:
    name: str
    year: int
    net_income: Decimal | None
    persons: int
    conditions: dict | None
    eligible: bool | None
    holds: dict[str, bool | None]  # criterion code -> holds, for every criterion checked
    reason_has: dict[str, tuple[str, ...]] = field(default_factory=dict)
    area: str = VILLAGE


def income_cases() -> list[Case]:
    cases = []
    for year, line in LINES.items():
        below = Decimal(line) - Decimal("0.01")
        checked = ALL_SIX if year >= 2019 else FIVE
        cases.append(Case(
            f"{year} one fen below the line", year, below * 3, 3, secure(year), True,
            {"income": False, **dict.fromkeys(checked, True)},
            {"income": (yuan(below), yuan(line), str(year), "below")}))
        cases.append(Case(
            f"{year} exactly at the line", year, Decimal(line) * 2, 2, secure(year), False,
            {"income": True, **dict.fromkeys(checked, True)},
            {"income": (yuan(line), str(year), "at or above")}))
    return cases


def guarantee_cases() -> list[Case]:
    cases = []
    for name in FIVE:
        cases.append(Case(
            f"{name} failing alone", 2016, Decimal("9000"), 2, secure(2016, **{name: False}), True,
            {"income": True, **{g: g != name for g in FIVE}},
            {name: ("Not secure in 2016",)}))
    cases += [
        Case("water failing alone in 2019", 2019, Decimal("12000"), 3, secure(2019, water_secure=False), True,
             {"income": True, **dict.fromkeys(FIVE, True), "water_secure": False},
             {"water_secure": ("Not secure in 2019",)}),
        Case("water failing alone in 2020", 2020, Decimal("12000"), 2, secure(2020, water_secure=False), True,
             {"income": True, **dict.fromkeys(FIVE, True), "water_secure": False}),
        Case("water failing in 2018 is not checked", 2018, Decimal("12000"), 3,
             secure(2018, water_secure=False), False, {"income": True, **dict.fromkeys(FIVE, True)}),
        Case("all secure and income above: meets exit", 2020, Decimal("15000"), 3, secure(2020), False,
             {"income": True, **dict.fromkeys(ALL_SIX, True)},
             {"income": ("5,000.00", "4,000.00", "at or above")}),
    ]
    return cases


def unknown_cases() -> list[Case]:
    return [
        Case("no income recorded, all secure", 2019, None, 3, secure(2019), None,
             {"income": None, **dict.fromkeys(ALL_SIX, True)},
             {"income": ("No income recorded for 2019",)}),
        Case("no income recorded, housing failing", 2019, None, 3, secure(2019, housing_secure=False), True,
             {"income": None, **{g: g != "housing_secure" for g in ALL_SIX}}),
        Case("no conditions recorded, income above", 2017, Decimal("8000"), 2, None, None,
             {"income": True, **dict.fromkeys(FIVE, None)},
             {"food_secure": ("Not recorded for 2017",)}),
        Case("no conditions recorded, income below", 2017, Decimal("6000"), 2, None, True,
             {"income": False, **dict.fromkeys(FIVE, None)}),
        Case("one guarantee not recorded, the rest secure", 2016, Decimal("8000"), 2,
             {name: True for name in FIVE if name != "medical_secure"}, None,
             {"income": True, **{g: None if g == "medical_secure" else True for g in FIVE}}),
        Case("zero members", 2020, Decimal("10000"), 0, secure(2020), None,
             {"income": None, **dict.fromkeys(ALL_SIX, True)},
             {"income": ("No members registered at the end of 2020",)}),
        Case("zero members and clothing failing", 2020, Decimal("10000"), 0,
             secure(2020, clothing_secure=False), True,
             {"income": None, **{g: g != "clothing_secure" for g in ALL_SIX}}),
        Case("2019 uses 3,747, not the 3,218 kept beside it", 2019, Decimal("3500"), 1, secure(2019), True,
             {"income": False, **dict.fromkeys(ALL_SIX, True)},
             {"income": ("3,500.00", "3,747.00")}),
        Case("2022 carries the 2020 line and says so", 2022, Decimal("3999.99"), 1, secure(2022), True,
             {"income": False, **dict.fromkeys(ALL_SIX, True)},
             {"income": ("3,999.99", "4,000.00", "No line is set for 2022; the 2020 line applies")}),
        Case("2022 at the carried line", 2022, Decimal("4000"), 1, secure(2022), False,
             {"income": True, **dict.fromkeys(ALL_SIX, True)},
             {"income": ("the 2020 line applies",)}),
        Case("a Jiangsu village takes the national line", 2015, Decimal("2854.99"), 1, secure(2015), True,
             {"income": False, **dict.fromkeys(FIVE, True)}, {"income": ("2,855.00",)}, area=JIANGSU),
    ]


CASES = income_cases() + guarantee_cases() + unknown_cases()


def test_the_table_covers_the_published_criteria():
    assert len(CASES) >= 20
    assert {c.year for c in CASES} >= set(LINES) | {2022}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_evaluate(case, shipped):
    facts = HouseholdFacts(case.area, case.year, case.net_income, case.persons, case.conditions)
    evaluation = rules.evaluate(facts, shipped)
    assert evaluation.eligible is case.eligible
    assert evaluation.meets_exit_criteria is (case.eligible is False)
    assert {c.code: c.holds for c in evaluation.criteria} == case.holds
    assert [c.code for c in evaluation.criteria][0] == "income"
    failing = [code for code, holds in case.holds.items() if holds is False]
    assert [c.code for c in evaluation.failing] == failing
    reasons = {c.code: c.reason for c in evaluation.criteria}
    for code, parts in case.reason_has.items():
        for part in parts:
            assert part in reasons[code], (code, reasons[code])


def test_the_income_criterion_carries_the_figures_and_the_snapshot_keeps_them(shipped):
    facts = HouseholdFacts(VILLAGE, 2022, Decimal("7000"), 2, secure(2022))
    evaluation = rules.evaluate(facts, shipped)
    income = evaluation.criteria[0]
    assert (income.value, income.threshold) == ("3,500.00", "4,000.00")
    snapshot = evaluation.as_dict()
    assert (snapshot["line"], snapshot["line_carried_from"], snapshot["eligible"]) == ("4000", 2020, True)
    assert [c["code"] for c in snapshot["criteria"]] == ["income", *ALL_SIX]


def test_per_person_income_is_rounded_to_the_fen_as_the_registry_rounds_it():
    # 5,071.97 ÷ 2 = 2,535.985: half up, as on the household's page.
    assert HouseholdFacts(VILLAGE, 2011, Decimal("5071.97"), 2).per_person == Decimal("2535.99")
    assert HouseholdFacts(VILLAGE, 2011, Decimal("100"), 3).per_person == Decimal("33.33")
    assert HouseholdFacts(VILLAGE, 2011, None, 3).per_person is None
    assert HouseholdFacts(VILLAGE, 2011, Decimal("100"), 0).per_person is None


def test_guarantee_labels_are_the_published_ones():
    assert [name for name, _label in GUARANTEES] == list(ALL_SIX)


# Standards.get / value ------------------------------------------------------------------------------------

def row(key="poverty_line", jurisdiction="", year_from=2019, year_to=2019, value="100", in_force=True,
        pk=None):
    return Row(key, jurisdiction, year_from, year_to, Decimal(value), in_force, pk=pk)


def test_each_line_year_resolves_to_its_published_line(shipped):
    for year, line in LINES.items():
        resolved = shipped.value("poverty_line", year, VILLAGE)
        assert (resolved.value, resolved.carried_from, resolved.year) == (Decimal(line), None, year)


def test_2019_keeps_both_figures_with_only_3747_in_force():
    rows = [r for r in standards.published_rows() if r["key"] == "poverty_line" and r["year_from"] == 2019]
    assert {(r["value"], r["in_force"]) for r in rows} == {(Decimal("3747"), True), (Decimal("3218"), False)}
    assert all(r["source"] for r in rows)


def test_a_row_for_the_province_beats_the_national_row(shipped):
    local = Row("poverty_line", "64", 2016, 2016, Decimal("3000"), True, source="Ningxia's own line")
    table = Standards([*(standards.as_row(v) for v in standards.published_rows()), local])
    assert table.value("poverty_line", 2016, VILLAGE).value == Decimal("3000")
    assert table.value("poverty_line", 2016, VILLAGE).source == "Ningxia's own line"
    assert table.value("poverty_line", 2016, JIANGSU).value == Decimal("2952")
    assert table.value("poverty_line", 2015, VILLAGE).value == Decimal("2855")
    evaluation = rules.evaluate(HouseholdFacts(VILLAGE, 2016, Decimal("2999"), 1, secure(2016)), table)
    assert evaluation.eligible is True and "3,000.00" in evaluation.criteria[0].reason


def test_a_prefecture_row_beats_the_province_row_and_the_west():
    table = Standards([row(jurisdiction="", value="1"), row(jurisdiction="west", value="2"),
                       row(jurisdiction="64", value="3"), row(jurisdiction="6404", value="4")])
    assert table.value("poverty_line", 2019, VILLAGE).value == Decimal("4")  # Xiji is in Guyuan, 6404
    assert table.value("poverty_line", 2019, "640104000000").value == Decimal("3")  # Yinchuan
    assert table.value("poverty_line", 2019, "620102000000").value == Decimal("2")  # Gansu: west
    assert table.value("poverty_line", 2019, JIANGSU).value == Decimal("1")


def test_the_west_exits_below_three_percent_and_jiangsu_below_two(shipped):
    for key in ("village_exit_incidence", "county_exit_incidence"):
        assert shipped.value(key, 2018, VILLAGE).value == Decimal("0.03")
        assert shipped.value(key, 2018, VILLAGE).row.jurisdiction == "west"
        assert shipped.value(key, 2018, JIANGSU).value == Decimal("0.02")
        assert shipped.value(key, 2018, JIANGSU).row.jurisdiction == ""


def test_rows_retired_or_of_other_years_do_not_hold():
    table = Standards([row(value="1", in_force=False), row(year_from=2018, year_to=2018, value="2")])
    assert table.get("poverty_line", 2017, VILLAGE) is None
    assert table.get("poverty_line", 2019, VILLAGE).value == Decimal("2")  # carried from 2018
    assert table.get("poverty_line", 2019, VILLAGE).carried_from == 2018


def test_only_the_line_and_the_threshold_carry_forward(shipped):
    assert shipped.value("monitoring_threshold", 2023, VILLAGE).carried_from == 2021
    assert shipped.value("monitoring_threshold", 2024, "530102000000").value == Decimal("8700")
    assert shipped.value("monitoring_threshold", 2025, "530102000000").carried_from == 2024
    table = Standards([row(key="notice_days", year_from=2011, year_to=2015, value="7")])
    assert table.get("notice_days", 2016, VILLAGE) is None
    assert table.get("notice_days", 2015, VILLAGE).value == Decimal("7")


def test_a_missing_standard_is_named():
    with pytest.raises(rules.PolicyMissing) as raised:
        Standards([]).value("notice_days", 2020, VILLAGE)
    assert (raised.value.key, raised.value.year) == ("notice_days", 2020)
    assert "notice_days" in raised.value.message and "2020" in raised.value.message
    with pytest.raises(rules.PolicyMissing):
        rules.evaluate(HouseholdFacts(VILLAGE, 2010, Decimal("1"), 1), Standards([row(year_from=2011)]))


def test_a_later_open_row_holds_over_an_earlier_open_one():
    table = Standards([row(key="notice_days", year_from=2011, year_to=None, value="7"),
                       row(key="notice_days", year_from=2018, year_to=None, value="5")])
    assert table.value("notice_days", 2017, VILLAGE).value == Decimal("7")
    assert table.value("notice_days", 2020, VILLAGE).value == Decimal("5")


# rules.overlapping ------------------------------------------------------------------------------------------

def test_overlapping_finds_rows_in_force_of_the_same_key_jurisdiction_and_years():
    rows = [row(year_from=2018, year_to=2018, pk=1), row(year_from=2019, year_to=2019, pk=2),
            row(year_from=2019, year_to=2019, in_force=False, pk=3), row(jurisdiction="64", pk=4),
            row(key="monitoring_threshold", pk=5), row(year_from=2021, year_to=None, pk=6)]
    assert [r.pk for r in rules.overlapping(rows, row(year_from=2019, year_to=2020))] == [2]
    assert [r.pk for r in rules.overlapping(rows, row(year_from=2017, year_to=None))] == [1, 2, 6]
    assert [r.pk for r in rules.overlapping(rows, row(year_from=2030, year_to=2030))] == [6]
    assert rules.overlapping(rows, row(year_from=2020, year_to=2020)) == []
    assert rules.overlapping(rows, row(year_from=2019, year_to=2019, pk=2)) == []  # the row itself
    assert [r.pk for r in rules.overlapping(rows, row(jurisdiction="64", year_from=2019))] == [4]


def test_overlapping_compares_rows_not_yet_saved():
    published = [standards.as_row(v) for v in standards.published_rows()]
    clash = rules.overlapping(published, row(year_from=2020, year_to=2021))
    assert [(r.year_from, r.value) for r in clash] == [(2020, Decimal("4000"))]


def test_the_shipped_rows_in_force_do_not_overlap():
    published = [standards.as_row(v) for v in standards.published_rows()]
    for index, candidate in enumerate(published):
        if candidate.in_force:
            others = published[:index] + published[index + 1:]
            assert rules.overlapping(others, candidate) == [], candidate

"""Done-when 3: a file holding each kind of bad row is rejected whole, the report names every bad row with
its reason; with partial the good households are in and no bad one is."""

import csv
import datetime

import pytest
from django.utils import translation
from python_calamine import CalamineWorkbook

from jingzhun.registry.intake.load import import_file
from jingzhun.registry.intake.report import ERRORS_HEADER, write_report
from jingzhun.registry.models import AuditEvent, Household, Member
from tests.conftest import VILLAGE_B, make_id_number

from .sample import family, member, write_csv, write_xlsx

UNKNOWN_VILLAGE = "640422100299"


def _wrong_check_digit(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def bad_file_rows(registered_id: str) -> tuple[list[dict], dict[str, str]]:
    """Rows of two good households and one bad household per kind; expected reason per bad household."""
    twin = make_id_number(born=datetime.date(1990, 2, 2))
    rows = family("GOOD1") + [
        member("CHECKSUM", id_number=_wrong_check_digit(make_id_number())),
        member("FUTURE", id_number=make_id_number("640422", born=datetime.date(2031, 1, 1))),
        member("NOVILLAGE", village=UNKNOWN_VILLAGE),
        member("OUTSIDE", village=VILLAGE_B),
        member("NOHEAD", relation="子"),
        member("TWOHEADS"), member("TWOHEADS", name="马二"),
        member("TWIN"), member("TWIN", relation="配偶", name="李", id_number=twin),
        member("TWIN", relation="子", name="马三", id_number=twin),
        member("REGISTERED", id_number=registered_id),
        member("NEGATIVE", wages="-500"),
        member("TEXT", months_away="三个月"),
        member("CAUSE", main_cause="因懒"),
    ] + family("GOOD2")
    expected = {
        "CHECKSUM": "resident ID number: The check digit is wrong",
        "FUTURE": "resident ID number: The date of birth in the number is impossible",
        "NOVILLAGE": "village code: No village has this code",
        "OUTSIDE": "village code: This village lies outside your area",
        "NOHEAD": "relation to head: The household has no head",
        "TWOHEADS": "relation to head: The household has more than one head (rows 10, 11)",
        "TWIN": "resident ID number: The same ID number is also on row 1",
        "REGISTERED": "resident ID number: This ID number already belongs to a current member of household "
                      "6404221002010001",
        "NEGATIVE": "wages: Amounts cannot be negative",
        "TEXT": "months working away from home: Text in a number column",
        "CAUSE": "main cause of poverty: “因懒” is not in the list of allowed values",
    }
    return rows, expected


@pytest.fixture
def bad_file(cast, make_household, tmp_path):
    registered = make_household(actor=cast["cadre_a"]).head.id_number
    rows, expected = bad_file_rows(registered)
    return write_csv(tmp_path / "bad.csv", rows, language="en"), rows, expected


def _report_by_household(path) -> dict[str, list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        table = list(csv.reader(f))
    assert table[0][-1] == ERRORS_HEADER
    found: dict[str, list[str]] = {}
    for row in table[1:]:
        found.setdefault(row[0], []).append(row[-1])
    return found


def test_a_file_with_bad_rows_is_rejected_whole_and_the_report_names_each(cast, bad_file, tmp_path):
    path, rows, expected = bad_file
    before = (Household.objects.count(), Member.objects.count(), AuditEvent.objects.count())
    with translation.override("en"):
        result = import_file(path, actor=cast["cadre_a"])
        report = write_report(result.checked, tmp_path / "report.csv", imported=result.written)
    assert not result.written
    assert (Household.objects.count(), Member.objects.count(), AuditEvent.objects.count()) == before
    found = _report_by_household(report)
    assert len(sum(found.values(), [])) == len(rows)  # nothing was imported: every row comes back
    assert all(reason == "" for reason in found["GOOD1"] + found["GOOD2"])
    for number, reason in expected.items():
        assert any(reason in text for text in found[number]), (number, found[number])
    for number in expected:  # every row of a rejected household says why
        assert all(found[number]), number
    assert found["TWIN"][0] == "Not imported: row 13 of this household has errors."
    twin_rows = [r for r in found["TWIN"] if "same ID number" in r]
    assert len(twin_rows) == 2 and "row 14" in twin_rows[0]
    assert result.rejected == len(expected)


def test_partial_import_takes_the_good_households_and_none_of_the_bad(cast, bad_file, tmp_path):
    path, _rows, expected = bad_file
    with translation.override("en"):
        result = import_file(path, actor=cast["cadre_a"], partial=True)
        report = write_report(result.checked, tmp_path / "rest.csv", imported=result.written)
    assert result.written and result.created == 2
    numbers = set(Household.objects.values_list("number", flat=True))
    assert {"GOOD1", "GOOD2"} <= numbers and not numbers & set(expected)
    assert Member.objects.filter(household__number__in=["GOOD1", "GOOD2"]).count() == 6
    found = _report_by_household(report)
    assert set(found) == set(expected)


def test_report_in_chinese_and_as_xlsx_for_an_xlsx_file(cast, make_household, tmp_path):
    rows, _expected = bad_file_rows(make_household(actor=cast["cadre_a"]).head.id_number)
    path = write_xlsx(tmp_path / "bad.xlsx", rows)
    with translation.override("zh-hans"):
        result = import_file(path, actor=cast["cadre_a"])
        report = write_report(result.checked, tmp_path / "bad.errors.xlsx", imported=result.written)
    sheet = CalamineWorkbook.from_path(str(report)).get_sheet_by_index(0).to_python()
    assert sheet[0][0] == "户编号" and sheet[0][-1] == ERRORS_HEADER
    reasons = {row[0]: row[-1] for row in sheet[1:]}
    assert reasons["NEGATIVE"].startswith("工资性收入: ")
    assert reasons["OUTSIDE"].startswith("行政区划代码: ")
    assert sheet[4][11] == rows[3]["id_number"]  # ID numbers stay text in the report

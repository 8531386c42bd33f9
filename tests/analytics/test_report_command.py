"""`jingzhun yearly_report`: an area by its prefix or full code, the file's kind by its suffix, the summary
printed in the language asked; an unknown area or suffix refused with a message."""

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from python_calamine import CalamineWorkbook

from jingzhun.analytics.management.commands.yearly_report import area_code
from jingzhun.areas.models import Area
from jingzhun.registry import actions
from tests.conftest import VILLAGE_A


def test_a_prefix_names_the_area_it_starts():
    assert area_code("640422") == area_code("640422000000") == "640422000000"
    assert area_code("64") == "640000000000"


@pytest.fixture
def household(cast, make_household):
    found = make_household(VILLAGE_A, actor=cast["cadre_a"], size=3)
    actions.record_income(found, 2019, actor=cast["cadre_a"], wages=9000)
    return found


def test_the_command_writes_the_workbook_and_prints_the_summary(household, tmp_path):
    out = io.StringIO()
    path = tmp_path / "xiji.xlsx"
    call_command("yearly_report", "--area", "640422", "--year", "2019", "--language", "en",
                 "--out", str(path), stdout=out)
    printed = out.getvalue()
    assert "Yearly poverty report: Xiji, 2019" in printed and "persons in those households" in printed
    assert "xl/charts/chart1.xml" in zipfile.ZipFile(path).namelist()
    summary = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Summary").to_python()
    assert {row[0]: row[1] for row in summary[2:]}["persons in those households"] == 3


def test_the_command_prints_in_chinese_by_default(household):
    out = io.StringIO()
    call_command("yearly_report", "--area", VILLAGE_A, "--year", "2019", stdout=out)
    village = Area.objects.get(code=VILLAGE_A)
    first = out.getvalue().splitlines()[0]
    assert village.name_zh in first and village.name_en not in first


@pytest.mark.parametrize("args, message", [
    (["--area", "999999"], "999999"),
    (["--area", "640422", "--out", "report.docx"], "report.docx"),
])
def test_an_unknown_area_or_file_kind_is_refused(reference_data, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("yearly_report", *args, "--language", "en")

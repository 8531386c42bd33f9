"""Exit reports as dicts, workbooks and command output; the `report` and `sample` commands."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from python_calamine import CalamineWorkbook

from jingzhun.areas.scope import scope_for
from jingzhun.identification import area_actions, exit_reports, exit_workbook
from jingzhun.identification.models import Sample
from tests.conftest import VILLAGE_A, VILLAGE_B, XIJI
from tests.identification import area_cases
from tests.identification.area_cases import population

calendar_2017, two_villages = area_cases.calendar_2017, area_cases.two_villages  # fixtures
pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_village_report_gives_figures_thresholds_criteria_and_who_is_still_poor(cast, two_villages):
    report = exit_reports.village_exit_report(VILLAGE_A, 2016)
    assert report["incidence"] == {"poor": 2, "population": 200, "rate": "0.010000", "percent": "1.00%"}
    assert report["thresholds"][0]["percent"] == "3%" and "2016" in report["thresholds"][0]["source"]
    assert [c["code"] for c in report["criteria"] if c["veto"]] == ["poor_village", "incidence"]
    assert report["passes"] is True
    [still] = report["remaining"]["households"]
    assert still["id"] == two_villages["a_poor"].pk and still["persons"] == 2
    assert "*" in still["id_number"]
    shown = exit_reports.village_exit_report(VILLAGE_A, 2016, scope=scope_for(cast["county"]))
    assert "*" not in shown["remaining"]["households"][0]["id_number"]
    masked = exit_reports.village_exit_report(VILLAGE_A, 2016, scope=scope_for(cast["province"]))
    assert "*" in masked["remaining"]["households"][0]["id_number"]


def test_county_report_is_the_same_for_the_same_data_and_seed(cast, two_villages):
    area_actions.draw_sample(XIJI, 2016, actor=cast["province"], seed=42)
    first = exit_reports.county_exit_report(XIJI, 2016)
    second = exit_reports.county_exit_report(XIJI, 2016)
    assert first == second
    assert first["sample"]["seed"] == 42 and first["sample_complete"] is False
    assert {v["code"] for v in first["villages"]} == {VILLAGE_A, VILLAGE_B}
    assert first["incidence"]["poor"] == 3 and first["incidence"]["population"] == 400
    assert first["passes"] is False  # the vetoes have no figures yet
    # Drawn once; the same seed draws the same units again (the preview is not stored).
    again = area_actions.preview_sample(XIJI, 2016, 42)
    assert [h["id"] for h in first["sample"]["households"]] == [pk for pk, _v, _s in again.households]
    assert [v["code"] for v in first["sample"]["villages"]] == [code for code, _s in again.villages]


def test_workbook_opens_with_every_sheet(cast, two_villages):
    area_actions.draw_sample(XIJI, 2016, actor=cast["province"], seed=1)
    report = exit_reports.county_exit_report(XIJI, 2016, scope=scope_for(cast["county"]))
    book = CalamineWorkbook.from_filelike(io.BytesIO(exit_workbook.workbook(report)))
    assert len(book.sheet_names) == 7
    still = book.get_sheet_by_index(4).to_python()
    assert len(still) == 1 + 2  # header and the two poor households
    assert all("*" not in str(row[3]) for row in still[1:])  # a county officer sees ID numbers


def test_poverty_rates_command_prints_a_year_table(cast, two_villages):
    population(VILLAGE_A, 2015, 100)
    text = _run("report", "poverty-rates", "--level", "village", "--area", "640422100000", "--from", "2015",
                "--to", "2016", "--detail", "--language", "en")
    header, *rows = text.splitlines()
    assert header.split()[-2:] == ["2015", "2016"]
    row_a = next(r for r in rows if r.startswith(VILLAGE_A))
    assert "2.00% (2/100)" in row_a and "1.00% (2/200)" in row_a
    assert rows[-1].startswith("640422100000")  # the whole area last
    county = _run("report", "poverty-rates", "--level", "county", "--from", "2016", "--to", "2016")
    assert any(line.startswith(XIJI) and "0.75%" in line for line in county.splitlines())
    assert county.splitlines()[-1].startswith("640000000000") and "0.75%" in county.splitlines()[-1]
    with pytest.raises(CommandError):
        _run("report", "poverty-rates", "--level", "township", "--area", "640422100201")


def test_village_and_county_exit_commands(cast, two_villages, tmp_path):
    text = _run("report", "village-exits", "--year", "2016", "--county", XIJI, "--language", "en")
    assert VILLAGE_A in text and "2 of 2 poor villages meet the exit criteria for 2016." in text
    target = tmp_path / "xiji.xlsx"
    text = _run("report", "county-exit", "--county", XIJI, "--year", "2016", "--xlsx", str(target),
                "--language", "en")
    assert "0.75% (3 poor of 400 residents)" in text
    assert "No third-party sample" in text
    assert target.stat().st_size > 1000


def test_sample_command_prints_the_same_sample_for_the_same_seed_and_saves_it(cast, two_villages):
    one = _run("sample", "--county", XIJI, "--year", "2016", "--seed", "9")
    assert one == _run("sample", "--county", XIJI, "--year", "2016", "--seed", "9")
    assert one != _run("sample", "--county", XIJI, "--year", "2016", "--seed", "10")
    assert not Sample.objects.exists()
    with pytest.raises(CommandError):
        _run("sample", "--county", XIJI, "--year", "2016", "--seed", "9", "--save")
    with pytest.raises(CommandError):
        _run("sample", "--county", XIJI, "--year", "2016", "--seed", "9", "--save", "--user", "xiji")
    saved = _run("sample", "--county", XIJI, "--year", "2016", "--seed", "9", "--save", "--user", "province")
    sample = Sample.objects.get()
    assert saved.startswith(one.rstrip("\n")) and sample.seed == 9

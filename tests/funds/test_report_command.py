"""`jingzhun account`: the yearly account on the command line, and its files."""

import io

import pytest
from django.core.management import CommandError, call_command
from python_calamine import CalamineWorkbook

from tests.conftest import XIJI

from . import test_report_figures as figures

report_books = figures.report_books  # the fixture


def test_the_command_prints_the_account_and_writes_both_files(report_books, tmp_path):
    out = io.StringIO()
    xlsx, pdf = tmp_path / "out.xlsx", tmp_path / "out.pdf"
    call_command("account", "--area", XIJI, "--year", "2020", "--xlsx", str(xlsx), "--pdf", str(pdf),
                 "--language", "en", stdout=out)
    text = out.getvalue()
    assert text.startswith(f"{XIJI} Xiji — 2020 Yearly account") and "figures up to 2020-06-30" in text
    assert "funds received in the year (yuan)" in text and "1,200,000.00" in text and "80.2%" in text
    summary = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_name("Summary").to_python()
    assert ["funds received in the year (yuan)", 1200000] in [row[:2] for row in summary]
    assert pdf.read_bytes().startswith(b"%PDF")


def test_the_command_defaults_to_chinese_and_the_latest_year(report_books):
    out = io.StringIO()
    call_command("account", "--area", XIJI, stdout=out)
    assert out.getvalue().startswith(f"{XIJI} 西吉县 — 2020 ")


@pytest.mark.parametrize("arguments", [["--area", "999999999999"], ["--area", XIJI, "--year", "1999"]])
def test_the_command_refuses_an_unknown_area_or_year(reference_data, arguments):
    with pytest.raises(CommandError):
        call_command("account", *arguments, stdout=io.StringIO())

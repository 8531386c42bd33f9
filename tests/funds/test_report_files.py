"""The account's files as other programs read them: the workbook opened by LibreOffice and its figures read
back; the PDF's text (pdftotext), its embedded Chinese font (pdffonts) and its first page drawn
(pdftoppm) and not blank. Without those programs the tests skip, unless JINGZHUN_REQUIRE_BROWSER or CI
says the full tool set must be there."""

import csv
import logging
import re
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

from jingzhun.areas.scope import scope_for
from jingzhun.funds import report_pdf, report_queries, report_xlsx
from tests.conftest import XIJI
from tests.tools import first_page_pixels, pdf_fonts, pdf_text, tool

from . import test_report_figures as figures

report_books = figures.report_books  # the fixture


@pytest.fixture
def account(cast, report_books):
    return report_queries.account(scope_for(cast["county"]), XIJI, 2020)


# UTF-8, comma-separated, values as stored (not as shown), every sheet.
CSV_ALL_SHEETS = "44,34,76,1,,0,false,true,false,false,false,-1"


def sheets_by_libreoffice(workbook: bytes, tmp_path: Path) -> dict[str, list[list[str]]]:
    """Every sheet of the workbook as LibreOffice reads it, exported to CSV (the last filter token, -1,
    exports each sheet to its own file)."""
    source = tmp_path / "account.xlsx"
    source.write_bytes(workbook)
    out = tmp_path / "csv"
    subprocess.run([tool("soffice"), "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", f"csv:Text - txt - csv (StarCalc):{CSV_ALL_SHEETS}", "--outdir", str(out),
                    str(source)], check=True, capture_output=True, timeout=120)
    return {path.stem.removeprefix("account-"): list(csv.reader(path.open(encoding="utf-8")))
            for path in sorted(out.glob("*.csv"))}


def test_libreoffice_opens_the_workbook_and_reads_its_figures(account, tmp_path):
    sheets = sheets_by_libreoffice(report_xlsx.workbook_bytes(account, "en"), tmp_path)
    assert set(sheets) == {"Summary", "Funds by source", "Funds by purpose", "Projects by kind",
                           "Villages covered", "Village mutual funds"}
    summary = dict(sheets["Summary"][1:])
    assert (summary["area"], summary["year"], summary["figures up to"]) == (
        f"{XIJI} Xiji", "2020", "2020-06-30")
    assert summary["funds received in the year (yuan)"] == "1200000"
    assert summary["repayment rate at the year end"] == "80.22%"  # 12,166.65 / 15,166.65, formatted
    sources = {row[0]: row[1:] for row in sheets["Funds by source"][1:]}
    assert sources == {"central government": ["1000000", "400000", "220000", "700000", "280000"],
                       "provincial government": ["200000", "80000", "30000", "120000", "50000"],
                       "total": ["1200000", "480000", "250000", "820000", "330000"]}
    purposes = {row[0]: row[1:] for row in sheets["Funds by purpose"][1:]}
    several = purposes["several purposes, not yet allocated to a project"]
    assert several == ["1000000", "0", "0", "600000", "0"]
    projects = {row[0]: row[1:] for row in sheets["Projects by kind"][1:]}
    assert projects["road"] == ["1", "0", "500000", "300000", "120000", "5", "3.5", "km", "0"]
    assert projects["total"] == ["3", "1", "800000", "480000", "200000", "", "", "", "1"]
    villages = {row[0]: row[1:] for row in sheets["Villages covered"][1:]}
    assert villages[figures.VILLAGE_B] == ["Datan Village", "yes", "1", "200000", "yes"]
    assert set(villages) == {"640422100201", figures.VILLAGE_B, figures.VILLAGE_D}
    mutual = dict(sheets["Village mutual funds"][1:])
    assert (mutual["loans issued in the year"], mutual["principal outstanding at the year end (yuan)"],
            mutual["principal overdue (yuan)"]) == ("2", "11833.35", "3000")


def test_libreoffice_opens_the_chinese_workbook(account, tmp_path):
    sheets = sheets_by_libreoffice(report_xlsx.workbook_bytes(account, "zh-hans"), tmp_path)
    assert len(sheets) == 6
    with translation.override("zh-hans"):
        summary = dict(sheets[translation.gettext("Summary")][1:])
        assert summary[translation.gettext("area")] == f"{XIJI} 西吉县"


def test_the_chinese_pdf_has_its_title_area_and_font_and_a_drawn_first_page(account, tmp_path, caplog):
    pdf = tmp_path / "account.pdf"
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf.write_bytes(report_pdf.pdf_bytes(account, "zh-hans"))
    assert not caplog.records  # the @font-face loaded, nothing refused
    text = pdf_text(pdf)
    with translation.override("zh-hans"):
        title = str(report_xlsx.TITLE)
    assert title in " ".join(text.split()) and "西吉县" in text and XIJI in text
    fonts = pdf_fonts(pdf).splitlines()[2:]
    cjk = [line.split() for line in fonts if "WenQuanYi" in line]
    assert cjk and all(columns[-5] == "yes" for columns in cjk)  # the "emb" column
    pixels = first_page_pixels(pdf, tmp_path)
    inked = sum(1 for p in pixels if min(p) < 200)
    assert inked > len(pixels) // 100, "the first page is blank"
    # The chart's bars, in their blue.
    assert sum(1 for r, g, b in pixels if b > 150 and r < 90 and 80 < g < 140) > 100


def test_every_page_carries_the_area_and_year_and_its_number(account, tmp_path):
    pdf = tmp_path / "account.pdf"
    pdf.write_bytes(report_pdf.pdf_bytes(account, "zh-hans"))
    info = subprocess.run([tool("pdfinfo"), str(pdf)], check=True, capture_output=True, text=True,
                          timeout=60).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert pages >= 2
    for number in range(1, pages + 1):
        lines = [line.strip() for line in pdf_text(pdf, number).splitlines() if line.strip()]
        assert lines[0] == "西吉县 2020" and re.fullmatch(rf"{number}\s*/\s*{pages}", lines[-1])


def test_the_english_pdf(account, tmp_path):
    pdf = tmp_path / "account.pdf"
    pdf.write_bytes(report_pdf.pdf_bytes(account, "en"))
    text = " ".join(pdf_text(pdf).split())
    assert "Xiji 2020 Yearly account of poverty-alleviation funds and projects" in text
    assert "central government" in text and "1,000,000.00" in text


def test_the_font_is_found_through_fontconfig():
    tool("fc-list")
    font = report_pdf.cjk_font()
    assert font is not None and font.is_file() and "wqy" in font.name.lower()


def test_the_pdf_fetches_nothing_but_its_font():
    fetcher = report_pdf.font_only_fetcher()
    for url in ("https://example.org/logo.png", "file:///etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)

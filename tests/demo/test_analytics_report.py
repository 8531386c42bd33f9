"""Issue 7, the yearly report: on the demo's small region, the province's and Xiji county's reports render
as Chinese PDFs whose first page carries ink and the trend chart's series colour, set in the embedded
WenQuanYi font; the English PDF reads in English; the workbook opens in LibreOffice with the figures
Figures holds, and carries native charts; the command writes both files. Without LibreOffice or
poppler-utils the test skips, unless JINGZHUN_REQUIRE_BROWSER or CI says they must be there."""

import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext as _

from jingzhun.analytics import report_content, report_pdf, report_xlsx
from jingzhun.analytics.charts_axes import SERIES
from jingzhun.analytics.figures import figures
from tests.tools import first_page_pixels, pdf_fonts, pdf_text

from .test_funds import build
from .test_funds_report import sheets

PROVINCE, XIJI, YEAR = "640000000000", "640422000000", 2019
# The trend chart's first series (incidence): its colour, and how near a pixel must come to count as it.
TREND = tuple(int(SERIES[0][i:i + 2], 16) for i in (1, 3, 5))
NEAR = 40


@pytest.fixture
def region(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"  # the snapshot of this test's database alone
    build()


def number(cell: str) -> float:
    """A cell as LibreOffice writes it unformatted: a share keeps its percent sign, at full precision."""
    return float(cell[:-1]) / 100 if cell.endswith("%") else float(cell)


def near(pixel, colour) -> bool:
    return sum(abs(a - b) for a, b in zip(pixel, colour, strict=True)) <= NEAR


@pytest.mark.parametrize("code, name", [(PROVINCE, "宁夏回族自治区"), (XIJI, "西吉县")])
def test_the_chinese_pdf_opens_on_its_chart_in_the_embedded_font(region, tmp_path, code, name):
    found = figures(code, YEAR)
    assert found.year == YEAR and found.by_year and found.children
    pdf = tmp_path / f"report-{code}.pdf"
    pdf.write_bytes(report_pdf.pdf_bytes(found, "zh-hans", "test"))

    text = pdf_text(pdf)
    with translation.override("zh-hans"):  # the headings as the catalogue says them (Chinese once translated)
        headings = [_("Summary"), _("Measures by year"), _("Main causes of poverty"), _("Notes")]
    assert name in text and str(YEAR) in text
    for heading in headings:
        assert heading in text, heading
    assert found.causes and found.causes[0][0] in text  # the causes' Chinese labels
    fonts = pdf_fonts(pdf)
    assert re.search(r"\+WenQuanYi-Micro-Hei +CID TrueType +Identity-H +yes", fonts), fonts  # embedded

    pixels = first_page_pixels(pdf, tmp_path, dpi=60)
    inked = sum(1 for pixel in pixels if min(pixel) < 200)
    assert inked > len(pixels) // 100, "the first page is blank"
    drawn = sum(1 for pixel in pixels if near(pixel, TREND))
    assert drawn > 50, "the first page has no trend chart"


def test_the_english_pdf_reads_in_english(region, tmp_path):
    pdf = tmp_path / "report-en.pdf"
    pdf.write_bytes(report_pdf.pdf_bytes(figures(XIJI, YEAR), "en", "test"))
    text = pdf_text(pdf)
    for heading in ("Yearly poverty report", "Xiji", "Summary", "Measures by year", "Areas within",
                    "Income distribution", "Multidimensional poverty: indicators", "Funds and projects",
                    "Notes"):
        assert heading in text, heading
    assert "西吉县" not in text


def test_the_workbook_opens_in_libreoffice_with_the_figures(region, tmp_path):
    found = figures(XIJI, YEAR)
    book = report_xlsx.workbook_bytes(found, "en", "test")
    assert "xl/charts/chart1.xml" in zipfile.ZipFile(io.BytesIO(book)).namelist()
    read = sheets(book, tmp_path)
    summary = {row[0]: row[1:] for row in read["Summary"][2:]}
    current = found.current
    incidence = found.incidence
    assert int(summary["households with the year's income recorded"][0]) == current.households > 0
    assert int(summary["persons in those households"][0]) == current.persons
    assert int(summary["registered poor persons"][0]) == current.registered_poor_persons
    assert number(summary["poverty incidence (registered poor ÷ rural residents)"][0]) == pytest.approx(
        float(incidence.rate))
    for label, value in (("headcount ratio P0 (income below the line)", current.p0),
                         ("poverty gap index P1", current.p1), ("squared poverty gap P2", current.p2),
                         ("Watts index", current.watts), ("Sen index", current.sen),
                         ("Gini coefficient of income", current.gini),
                         ("multidimensional headcount H", current.af_h),
                         ("average deprivation share A", current.af_a),
                         ("adjusted headcount M0", current.af_m0)):
        assert number(summary[label][0]) == pytest.approx(value, abs=1e-12), label
    previous = next(row for row in found.by_year if row.year == YEAR - 1)
    assert number(summary["headcount ratio P0 (income below the line)"][1]) == pytest.approx(previous.p0)
    years = [row for row in read["Measures by year"][2:] if row and row[0]]
    assert [int(row[0]) for row in years] == sorted({*found.years, *dict(found.incidence_by_year)})
    children = {row[0]: row for row in read["Areas within"][2:]}
    assert set(children) == {child.area.code for child in found.children}
    rows = read["Main causes of poverty"][2:2 + len(found.causes)]  # the table's rows, then its note
    causes = {row[0]: (int(row[1]), int(row[2])) for row in rows}
    assert causes == {label: (households, persons) for label, households, persons in found.causes}


def test_the_command_writes_the_report_as_pdf_and_workbook(region, tmp_path):
    out = io.StringIO()
    for suffix in ("pdf", "xlsx"):
        call_command("yearly_report", "--area", "640422", "--year", str(YEAR), "--language", "en",
                     "--out", str(tmp_path / f"xiji.{suffix}"), stdout=out)
    assert (tmp_path / "xiji.pdf").read_bytes().startswith(b"%PDF")
    assert zipfile.is_zipfile(tmp_path / "xiji.xlsx")
    with translation.override("en"):
        assert report_content.title(figures(XIJI, YEAR)) in out.getvalue()

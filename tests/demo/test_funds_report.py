"""Issue 6, done when 4: the demo's yearly account of a county opens in LibreOffice (.xlsx) with the figures
the database holds, and renders as a PDF with Chinese text whose first page is not blank. Without
LibreOffice or poppler-utils the test skips, unless JINGZHUN_REQUIRE_BROWSER or CI says they must be there."""

import csv
import subprocess
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import translation

from jingzhun.areas.scope import scope_for
from jingzhun.funds import report_pdf, report_queries, report_xlsx
from jingzhun.funds.models import Entry, Source
from jingzhun.funds.queries import totals_by
from tests.tools import first_page_pixels, pdf_text, tool

from .test_funds import build

XIJI, YEAR = "640422000000", 2019
# UTF-8, comma-separated, values as stored (not as shown), each sheet to its own file.
CSV_ALL_SHEETS = "44,34,76,1,,0,false,true,false,false,false,-1"


def sheets(workbook: bytes, tmp_path: Path) -> dict[str, list[list[str]]]:
    source = tmp_path / "account.xlsx"
    source.write_bytes(workbook)
    out = tmp_path / "csv"
    subprocess.run([tool("soffice"), "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", f"csv:Text - txt - csv (StarCalc):{CSV_ALL_SHEETS}", "--outdir", str(out),
                    str(source)], check=True, capture_output=True, timeout=180)
    return {path.stem.removeprefix("account-"): list(csv.reader(path.open(encoding="utf-8")))
            for path in sorted(out.glob("*.csv"))}


def test_the_demo_county_account_opens_in_libreoffice_and_renders_as_a_chinese_pdf(db, tmp_path):
    build()
    officer = get_user_model().objects.get(username="xiji")
    account = report_queries.account(scope_for(officer), XIJI, YEAR)
    # What the ledger holds for Xiji's funds in the year, by source: the account must say the same.
    held = totals_by(Entry.objects.filter(fund__area_id=XIJI, on__year=YEAR), "fund__source")
    assert {Source.CENTRAL, Source.PROVINCIAL, Source.PAIRING} <= {key[0] for key in held}

    found = sheets(report_xlsx.workbook_bytes(account, "en"), tmp_path)
    summary = dict(found["Summary"][1:])
    assert (summary["area"], summary["year"]) == (f"{XIJI} Xiji", str(YEAR))
    received = sum((t.received for t in held.values()), Decimal(0))
    assert Decimal(summary["funds received in the year (yuan)"]) == received > 0
    with translation.override("en"):
        labels = {key: str(label) for key, label in Source.choices}
    by_source = {row[0]: [Decimal(cell) for cell in row[1:4]] for row in found["Funds by source"][1:]}
    for (source,), totals in held.items():
        assert by_source[labels[source]] == [totals.received, totals.allocated, totals.spent], source
    assert by_source["total"][0] == received
    projects = {row[0]: row[1:] for row in found["Projects by kind"][1:]}
    assert int(projects["total"][0]) == account.projects_total.projects > 0
    mutual = dict(found["Village mutual funds"][1:])
    assert int(mutual["loans issued in the year"]) == account.mutual.loans_issued > 0

    pdf = tmp_path / "account.pdf"
    pdf.write_bytes(report_pdf.pdf_bytes(account, "zh-hans"))
    text = pdf_text(pdf)
    assert "西吉县" in text and str(YEAR) in text
    pixels = first_page_pixels(pdf, tmp_path)
    inked = sum(1 for pixel in pixels if min(pixel) < 200)
    assert inked > len(pixels) // 100, "the first page is blank"

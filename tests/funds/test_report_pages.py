"""The account's page and downloads: who may open which area's, the figures on the page, the reader's
language in the files."""

import io
import re

import pytest
from django.conf import settings
from django.urls import reverse
from python_calamine import CalamineWorkbook

from tests.conftest import JIQIANG, VILLAGE_A, VILLAGE_B, VILLAGE_C, XIJI, YANCHI

from . import test_report_figures as figures

VILLAGE_D = figures.VILLAGE_D
report_books = figures.report_books  # the fixture

PAGE, XLSX, PDF = reverse("funds:report"), reverse("funds:report_xlsx"), reverse("funds:report_pdf")


def _cells(html: str, row_attr: str) -> list[str]:
    row = re.search(rf'<tr {row_attr}>(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]


def test_the_county_officer_reads_the_countys_account(client, cast, report_books):
    client.force_login(cast["county"])
    response = client.get(PAGE, {"area": XIJI, "year": 2020})
    assert response.status_code == 200
    html = response.content.decode()
    assert _cells(html, 'data-key="central"')[1:] == [
        "1,000,000.00", "400,000.00", "220,000.00", "700,000.00", "280,000.00"]
    assert _cells(html, 'data-key="total"')[1:4] == ["1,200,000.00", "480,000.00", "250,000.00"]
    assert _cells(html, 'data-kind="road"')[1:8] == ["1", "0", "500,000.00", "300,000.00", "120,000.00", "5",
                                                     "3.50"]
    assert _cells(html, 'data-item="repayment_rate"')[1] == "80.2%"
    assert f'data-village="{VILLAGE_D}"' in html and f'data-village="{VILLAGE_C}"' not in html
    assert 'id="report-as-of"' in html and 'id="report-chart"' in html
    assert "777,000.00" not in html  # Yanchi's fund
    for url in (XLSX, PDF):
        assert f'href="{url}?area={XIJI}&amp;year=2020"' in html
    assert f'data-area="{JIQIANG}"' in html  # the townships' accounts are one click away


def test_without_parameters_the_page_opens_the_readers_area_at_its_latest_year(client, cast, report_books):
    client.force_login(cast["county"])
    html = client.get(PAGE).content.decode()
    assert f'name="area" value="{XIJI}"' in html and 'value="2020"' in html


def test_a_past_year_has_no_note_of_being_under_way(client, cast, report_books):
    client.force_login(cast["county"])
    html = client.get(PAGE, {"area": XIJI, "year": 2019}).content.decode()
    assert 'id="report-as-of"' not in html
    assert _cells(html, 'data-key="central"')[1] == "500,000.00"


def test_the_page_reads_in_english_one_click_away(client, cast, report_books):
    client.force_login(cast["county"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(PAGE, {"area": XIJI, "year": 2020}).content.decode()
    assert "Funds by source" in html and "Xiji" in html


READERS = [("county", XIJI, 200), ("province", XIJI, 200), ("prefecture", XIJI, 200), ("auditor", XIJI, 200),
           ("township", JIQIANG, 200), ("cadre_a", VILLAGE_A, 200), ("helper", VILLAGE_A, 200),
           ("other_county", YANCHI, 200)]
REFUSED = [("other_county", XIJI, 404), ("cadre_a", VILLAGE_B, 404), ("cadre_a", XIJI, 404),
           ("township", YANCHI, 404), ("helper", XIJI, 404), ("auditor", YANCHI, 404),
           ("outsider", XIJI, 403), ("county", "999999999999", 404)]
# Rendering a PDF takes a moment: it is rendered for two readers, refused to every other.
CASES = [(url, *case) for url in (PAGE, XLSX) for case in READERS + REFUSED] + [
    (PDF, *case) for case in [READERS[0], READERS[5], *REFUSED]]


@pytest.mark.parametrize("url, who, area, status", CASES)
def test_each_reader_opens_the_accounts_of_their_own_area_only(client, cast, report_books, url, who, area,
                                                               status):
    client.force_login(cast[who])
    assert client.get(url, {"area": area, "year": 2020}).status_code == status


@pytest.mark.parametrize("url", [PAGE, XLSX, PDF])
def test_the_public_is_sent_to_sign_in(client, url):
    response = client.get(url, {"area": XIJI, "year": 2020})
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_year_outside_the_records_is_refused(client, cast):
    client.force_login(cast["county"])
    assert client.get(PAGE, {"area": XIJI, "year": 1999}).status_code == 400
    assert client.get(PAGE, {"area": XIJI, "year": "soon"}).status_code == 200  # the default year


def test_the_village_cadre_sees_the_villages_projects_and_mutual_fund(client, cast, report_books):
    client.force_login(cast["cadre_b"])
    html = client.get(PAGE, {"area": VILLAGE_B, "year": 2020}).content.decode()
    assert 'data-kind="industry"' in html and 'data-kind="road"' not in html
    assert _cells(html, 'data-item="loans_issued"')[1] == "1"
    assert 'data-area=' not in html and f'area={XIJI}' not in html  # no way up out of the village


def test_the_workbook_download_is_in_the_readers_language(client, cast, report_books):
    client.force_login(cast["county"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(XLSX, {"area": XIJI, "year": 2020})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"] == f'attachment; filename="account-{XIJI}-2020.xlsx"'
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names[:3] == ["Summary", "Funds by source", "Funds by purpose"]
    summary = {row[0]: row[1] for row in book.get_sheet_by_name("Summary").to_python()}
    assert summary["area"] == f"{XIJI} Xiji" and summary["funds received in the year (yuan)"] == 1200000


def test_the_pdf_download(client, cast, report_books):
    client.force_login(cast["county"])
    response = client.get(PDF, {"area": XIJI, "year": 2020})
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == f'attachment; filename="account-{XIJI}-2020.pdf"'

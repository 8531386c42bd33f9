"""The yearly report's page and downloads: who may open which area's, in which language, under which file
name; the figures on the page are the registry's."""

import io
from urllib.parse import quote

import pytest
from django.conf import settings
from django.urls import reverse
from python_calamine import CalamineWorkbook

from jingzhun.registry import actions
from tests.conftest import JIQIANG, VILLAGE_A, VILLAGE_B, VILLAGE_C, XIJI, YANCHI

YEAR = 2019


def page(code: str, name: str = "report") -> str:
    return reverse(f"analytics:{name}", args=[code])


@pytest.fixture
def registry(cast, make_household):
    """Three households of village A (Xiji), one of village C (Yanchi), with the years' incomes and
    living conditions; two of Xiji's poor at the end of 2019."""
    found = {}
    for village, cadre, sizes in ((VILLAGE_A, "cadre_a", (4, 2, 3)), (VILLAGE_C, "other_county", (5,))):
        for n, size in enumerate(sizes):
            household = make_household(village, actor=cast[cadre], size=size, head_name=f"马{n}")
            for year, wages in ((2018, 2000 + 3000 * n), (2019, 3000 + 4000 * n)):
                actions.record_income(household, year, actor=cast[cadre], wages=wages * size)
                actions.record_conditions(household, year, actor=cast[cadre], food_secure=True,
                                          clothing_secure=True, education_secure=n > 0, medical_secure=True,
                                          housing_secure=n > 0, water_secure=True)
            found.setdefault(village, []).append(household)
    return found


READERS = [("county", XIJI), ("province", XIJI), ("prefecture", XIJI), ("auditor", XIJI),
           ("township", JIQIANG), ("cadre_a", VILLAGE_A), ("other_county", YANCHI)]
REFUSED = [("other_county", XIJI, 404), ("cadre_a", VILLAGE_B, 404), ("cadre_a", XIJI, 404),
           ("township", YANCHI, 404), ("auditor", YANCHI, 404), ("county", "999999999999", 404),
           ("helper", VILLAGE_A, 403), ("outsider", XIJI, 403)]


@pytest.mark.parametrize("who, code", READERS)
def test_each_reader_opens_the_report_of_an_area_within_their_own(client, cast, registry, who, code):
    client.force_login(cast[who])
    response = client.get(page(code), {"year": YEAR})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="report-summary"' in html and 'data-chart="line"' in html
    assert f'href="{page(code, "report_xlsx")}?year={YEAR}"' in html
    assert f'href="{page(code, "report_pdf")}?year={YEAR}"' in html


@pytest.mark.parametrize("name", ["report", "report_xlsx", "report_pdf"])
@pytest.mark.parametrize("who, code, status", REFUSED)
def test_an_area_outside_the_readers_own_is_refused(client, cast, registry, name, who, code, status):
    client.force_login(cast[who])
    assert client.get(page(code, name), {"year": YEAR}).status_code == status


def test_the_public_is_sent_to_sign_in(client, registry):
    response = client.get(page(XIJI), {"year": YEAR})
    assert response.status_code == 302 and settings.LOGIN_URL in response["Location"]


def test_the_page_shows_the_registrys_figures_of_the_year(client, cast, registry):
    client.force_login(cast["county"])
    html = client.get(page(XIJI), {"year": YEAR}).content.decode()
    # Village A's three households, nine persons, in 2019; Yanchi's household is not Xiji's.
    summary = html.split('id="report-summary"', 1)[1].split("</table>", 1)[0]
    households = summary.split('data-key="households">', 1)[1].split("</tr>", 1)[0]
    assert "<td class=\"num\">3</td>" in households
    persons = summary.split('data-key="persons">', 1)[1].split("</tr>", 1)[0]
    assert "<td class=\"num\">9</td>" in persons
    assert f'data-key="{JIQIANG}"' in html  # the township, in the table of the areas within


def test_the_page_reads_in_english_and_in_chinese(client, cast, registry):
    client.force_login(cast["county"])
    chinese = client.get(page(XIJI), {"year": YEAR}).content.decode()
    assert "西吉县" in chinese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(page(XIJI), {"year": YEAR}).content.decode()
    assert "Yearly poverty report: Xiji, 2019" in english and "西吉县" not in english


def test_the_workbook_comes_in_the_readers_language_under_its_name(client, cast, registry):
    client.force_login(cast["county"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(page(XIJI, "report_xlsx"), {"year": YEAR})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="poverty-report-640422000000-2019.xlsx"; '
        "filename*=UTF-8''poverty%20report%20Xiji%202019.xlsx")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names[0] == "Summary"
    rows = {row[0]: row[1:] for row in book.get_sheet_by_name("Summary").to_python()[2:]}
    assert rows["persons in those households"][:2] == [9, 9]


def test_a_chinese_download_name_goes_out_as_filename_star(client, cast, registry):
    client.force_login(cast["county"])
    response = client.get(page(XIJI, "report_pdf"), {"year": YEAR})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    header = response["Content-Disposition"]
    assert header.startswith('attachment; filename="poverty-report-640422000000-2019.pdf"; ')
    assert quote("西吉县", safe="") in header.split("filename*=UTF-8''", 1)[1]

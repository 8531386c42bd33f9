"""The dashboards: who may open which area's, the year selector, the way down to the areas within and back
up the breadcrumbs, the charts and the map on the page, Chinese and English."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from jingzhun.areas.models import Role
from jingzhun.registry import actions as registry
from tests.conftest import GUYUAN, JIQIANG, PROVINCE, VILLAGE_A, VILLAGE_B, VILLAGE_C, XIJI, YANCHI, _user

from . import test_figures

region = test_figures.region  # a fixture (the snapshot under the test's own VAR_DIR: conftest)
YEAR = test_figures.YEAR


def url(code: str, **query) -> str:
    path = reverse("analytics:dashboard", args=[code])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def partner(reference_data):
    return _user("fujian", Role.PAIRING_PARTNER, PROVINCE)


@pytest.mark.parametrize(("who", "code", "status"), [
    ("province", PROVINCE, 200), ("province", XIJI, 200), ("province", VILLAGE_C, 200),
    ("prefecture", GUYUAN, 200), ("prefecture", XIJI, 200), ("prefecture", PROVINCE, 404),
    ("prefecture", YANCHI, 404),
    ("county", XIJI, 200), ("county", VILLAGE_B, 200), ("county", GUYUAN, 404), ("county", YANCHI, 404),
    ("other_county", YANCHI, 200), ("other_county", XIJI, 404), ("other_county", VILLAGE_A, 404),
    ("township", JIQIANG, 200), ("township", XIJI, 404),
    ("cadre_a", VILLAGE_A, 200), ("cadre_a", VILLAGE_B, 404), ("cadre_a", JIQIANG, 404),
    ("auditor", XIJI, 200), ("auditor", VILLAGE_A, 200), ("auditor", YANCHI, 404),
    ("helper", VILLAGE_A, 403), ("outsider", XIJI, 403), ("outsider", PROVINCE, 403),
])
def test_each_role_opens_the_dashboards_of_its_own_area_only(client, cast, region, who, code, status):
    client.force_login(cast[who])
    assert client.get(url(code, year=YEAR)).status_code == status


def test_the_public_is_sent_to_sign_in_and_a_pairing_partner_is_refused(client, region, partner):
    response = client.get(url(XIJI))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(reverse("analytics:home")).status_code == 302
    client.force_login(partner)
    assert client.get(url(XIJI)).status_code == 403
    assert client.get(reverse("analytics:home")).status_code == 403


def test_an_unknown_area_is_not_found(client, cast, region):
    client.force_login(cast["province"])
    assert client.get(url("649999999999")).status_code == 404


@pytest.mark.parametrize(("who", "code"), [("province", PROVINCE), ("county", XIJI), ("cadre_a", VILLAGE_A),
                                           ("auditor", XIJI)])
def test_the_dashboard_home_opens_the_readers_own_area(client, cast, region, who, code):
    client.force_login(cast[who])
    response = client.get(reverse("analytics:home"))
    assert response.status_code == 302 and response["Location"] == url(code)


def test_helpers_read_no_dashboard(client, cast, region):
    client.force_login(cast["helper"])
    assert client.get(reverse("analytics:home")).status_code == 403


def test_the_year_selector_offers_the_years_with_data_and_keeps_the_choice(client, cast, region):
    client.force_login(cast["county"])
    html = client.get(url(XIJI, year=2018)).content.decode()
    options = re.findall(r'<option value="(\d+)"( selected)?>', html)
    assert options == [("2019", ""), ("2018", " selected")]
    assert "2018" in re.search(r'<h1 id="dashboard-title">(.*?)</h1>', html).group(1)
    latest = client.get(url(XIJI)).content.decode()
    assert '<option value="2019" selected>' in latest
    assert '<option value="2019" selected>' in client.get(url(XIJI, year="abc")).content.decode()


def test_a_year_without_incomes_says_so(client, cast, region):
    client.force_login(cast["county"])
    html = client.get(url(XIJI, year=2015)).content.decode()
    assert 'id="dashboard-no-data"' in html
    assert '<option value="2015" selected>' in html


def test_the_county_page_shows_its_figures_and_leads_down_to_its_townships(client, cast, region):
    client.force_login(cast["county"])
    html = client.get(url(XIJI, year=YEAR)).content.decode()
    assert re.search(r'id="tile-poor">.*?<div class="tile-value">7</div>', html, re.S)
    assert re.search(r'id="tile-incidence">.*?<div class="tile-value">4.67%</div>', html, re.S)
    assert re.search(r'id="tile-helpers">.*?<div class="tile-value">33.3%</div>', html, re.S)
    assert f'href="{url(JIQIANG, year=YEAR)}"' in html
    assert 'data-chart="tiles"' in html  # below a county, tiles stand for the map
    for chart in ("line", "histogram", "bar"):
        assert f'data-chart="{chart}"' in html
    # The breadcrumbs: the province and prefecture are outside the officer's area, shown without a link.
    crumbs = re.search(r'id="dashboard-crumbs">(.*?)</div>', html, re.S).group(1)
    assert "<a " not in crumbs and "宁夏" in crumbs
    assert "<script" not in html


def test_the_way_down_from_the_province_to_a_village_and_back_up(client, cast, region):
    client.force_login(cast["province"])
    html = client.get(url(PROVINCE, year=YEAR)).content.decode()
    assert 'data-chart="map"' in html
    # The map links every county of the province to its dashboard; the table its prefectures.
    assert f'href="{url(XIJI, year=YEAR)}"' in html and f'href="{url(YANCHI, year=YEAR)}"' in html
    assert f'href="{url(GUYUAN, year=YEAR)}"' in html
    for code in (GUYUAN, XIJI, JIQIANG):
        html = client.get(url(code, year=YEAR)).content.decode()
    assert f'href="{url(VILLAGE_A, year=YEAR)}"' in html
    village = client.get(url(VILLAGE_A, year=YEAR)).content.decode()
    crumbs = re.search(r'id="dashboard-crumbs">(.*?)</div>', village, re.S).group(1)
    assert [code for code in re.findall(r'data-area="(\d+)"', crumbs)] == [PROVINCE, GUYUAN, XIJI, JIQIANG]
    assert 'id="children"' not in village  # a village has no areas within


def test_the_measures_are_explained_in_chinese_and_in_english(client, cast, region):
    client.force_login(cast["county"])
    chinese = client.get(url(XIJI, year=YEAR)).content.decode()
    assert "西吉县" in chinese and 'id="measures-explained"' in chinese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url(XIJI, year=YEAR)).content.decode()
    assert "Xiji" in english and "Headcount ratio" in english and "Poverty dashboard" in english
    assert "illness" in english  # the causes chart's labels
    table = re.search(r'<table class="compact measures".*?</table>', english, re.S).group(0)
    assert re.findall(r"<th class=\"num\"[^>]*>(\w+)</th>", table) == [
        "households", "P0", "P1", "P2", "W", "S", "G", "H", "A", "M0"]
    row = re.search(r'<tr data-year="2019".*?</tr>', table, re.S).group(0)
    assert "<td>2019</td>" in row and '<td class="num">4</td>' in row
    assert "0.6250" in row  # P0 = 5 of 8 persons


def test_a_year_just_begun_is_marked_in_the_table_and_left_out_of_the_trend(client, cast, region):
    registry.record_income(region["h1"], 2020, actor=cast["county"], wages=9000)
    client.force_login(cast["county"])
    html = client.get(url(XIJI)).content.decode()
    assert '<option value="2019" selected>' in html and '<option value="2020">' in html
    assert re.search(r'<tr data-year="2020" class=" partial"><td>2020\*</td>', html)
    assert 'id="partial-years"' in html
    trend = re.search(r'<section class="panel" id="trend">.*?</section>', html, re.S).group(0)
    assert ">2019<" in trend and ">2020<" not in trend


def test_the_dashboard_links_the_areas_yearly_report_and_its_files_for_the_year_shown(client, cast, region):
    client.force_login(cast["county"])
    html = client.get(url(XIJI, year=2018)).content.decode()
    for anchor, name in (("dashboard-report", "report"), ("dashboard-report-xlsx", "report_xlsx"),
                         ("dashboard-report-pdf", "report_pdf")):
        href = re.search(rf'id="{anchor}" href="([^"]+)"', html).group(1)
        assert href == reverse(f"analytics:{name}", args=[XIJI]) + "?year=2018"
        assert client.get(href).status_code == 200
    assert "西吉县" in re.search(r'id="dashboard-report"[^>]*>([^<]+)</a>', html).group(1)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url(XIJI, year=2018)).content.decode()
    assert re.search(r'id="dashboard-report"[^>]*>([^<]+)</a>', english).group(1) == \
        "Yearly poverty report: Xiji, 2018"


def test_the_projects_money_has_thousands_separators_in_either_language(client, cast, region):
    client.force_login(cast["county"])
    for language in ("zh-hans", "en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        html = client.get(url(XIJI, year=YEAR)).content.decode()
        table = re.search(r'id="projects-table">.*?</table>', html, re.S).group(0)
        assert '<td class="num">500,000.00</td>' in table, language  # two roads, 300,000 + 200,000

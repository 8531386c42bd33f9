"""Pairing pages through the test client: the pair page's figures for each kind of user, who may open which
pair, county and partner, the CSV, and the forms that record, confirm and withdraw."""

import csv
import datetime
import io
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from jingzhun.assistance.models import Commitment, Delivery, Pairing, Partner
from tests.assistance.test_pairing_actions import build_pairs
from tests.conftest import PROVINCE, VILLAGE_A, XIJI, YANCHI

pytestmark = pytest.mark.django_db


class _Figures(HTMLParser):
    """Text of each figure cell, keyed by table id, row id, indicator and measure; and each table's rows."""

    def __init__(self):
        super().__init__()
        self.cells: dict[tuple, str] = {}
        self.rows: dict[str, list[str]] = {}
        self._table = self._row = self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id"):
            self._table = attrs["id"]
            self.rows.setdefault(self._table, [])
        elif tag == "tr" and self._table and attrs.get("id"):
            self._row = attrs["id"]
            self.rows[self._table].append(self._row)
        elif tag == "td" and self._row and attrs.get("data-measure"):
            self._cell = (self._table, self._row, attrs["data-indicator"], attrs["data-measure"])
            self.cells[self._cell] = ""

    def handle_data(self, data):
        if self._cell:
            self.cells[self._cell] += data.strip()

    def handle_endtag(self, tag):
        if tag == "td":
            self._cell = None
        elif tag == "tr":
            self._row = None
        elif tag == "table":
            self._table = None


def figures(response) -> _Figures:
    assert response.status_code == 200
    parser = _Figures()
    parser.feed(response.content.decode())
    return parser


def cell(page: _Figures, table: str, row: str, indicator: str = "funds") -> tuple[str, str, str]:
    return tuple(page.cells[(table, row, indicator, m)] for m in ("committed", "delivered", "share"))


@pytest.fixture
def pairs(cast, monkeypatch):
    from jingzhun import clock

    monkeypatch.setattr(clock, "today", lambda: datetime.date(2021, 6, 30))
    return build_pairs(cast)


def page_of(client, user, name: str, *args, **query):
    client.force_login(user)
    url = reverse(f"assistance:{name}", args=args)
    return client.get(url, query)


# The pair page -----------------------------------------------------------------------------------------

def test_the_province_partner_sees_its_pair_by_year_and_county(client, pairs):
    page = figures(page_of(client, pairs.users.fujian, "pairing", pairs.ningxia.pk))
    assert cell(page, "by-year", "year-2020") == ("1,300,000.00", "750,000.00", "57.7%")
    assert cell(page, "by-year", "year-2020", "workers") == ("50", "30", "60.0%")
    assert "year-2021" not in page.rows["by-year"]  # its only delivery was withdrawn
    assert page.rows["by-county"] == [f"county-{YANCHI}", f"county-{XIJI}", "county-unattributed",
                                      "county-total"]
    assert cell(page, "by-county", f"county-{XIJI}") == ("300,000.00", "650,000.00", "216.7%")
    assert cell(page, "by-county", f"county-{YANCHI}") == ("0.00", "100,000.00", "—")
    assert cell(page, "by-county", "county-unattributed") == ("1,000,000.00", "0.00", "0.0%")
    assert cell(page, "by-county", "county-total") == ("1,300,000.00", "750,000.00", "57.7%")
    html = page_of(client, pairs.users.fujian, "pairing", pairs.ningxia.pk).content.decode()
    assert 'id="pairing-verified" data-verified="yes"' in html
    assert f'data-pairing="{pairs.xiji.pk}"' in html  # Xiamen's pairing is part of the pair
    assert 'id="commitment-form"' in html and 'id="delivery-form"' in html
    assert 'class="inline confirm-form"' not in html  # partners never confirm
    assert 'id="area-cut"' not in html


def test_the_year_filter_narrows_counties_and_deliveries(client, pairs):
    response = page_of(client, pairs.users.fujian, "pairing", pairs.ningxia.pk, year=2021)
    page = figures(response)
    assert page.rows["by-year"] == ["year-2020", "year-total"]  # the year table keeps its years
    assert page.rows["by-county"] == ["county-unattributed", "county-total"]
    assert page.rows["deliveries"] == [f"delivery-{pairs.mistaken.pk}"]
    assert 'data-state="withdrawn"' in response.content.decode()


def test_a_city_opens_only_its_own_pairs_and_their_counties(client, pairs):
    xiamen = pairs.users.xiamen
    assert page_of(client, xiamen, "pairing", pairs.ningxia.pk).status_code == 404
    assert page_of(client, xiamen, "pairing", pairs.yanchi.pk).status_code == 404
    assert page_of(client, xiamen, "pairing_county", pairs.xiji.pk, YANCHI).status_code == 404
    assert page_of(client, xiamen, "pairing_export", pairs.ningxia.pk).status_code == 404
    page = figures(page_of(client, xiamen, "pairing", pairs.xiji.pk))
    assert cell(page, "by-year", "year-2020") == ("300,000.00", "250,000.00", "83.3%")  # not Fujian's own
    assert page.rows["by-county"] == [f"county-{XIJI}", "county-unattributed", "county-total"]
    county = figures(page_of(client, xiamen, "pairing_county", pairs.xiji.pk, XIJI))
    assert cell(county, "by-year", "year-2020", "workers") == ("50", "30", "60.0%")


def test_a_xiji_officer_sees_only_xijis_part_of_the_province_pair(client, pairs, cast):
    response = page_of(client, cast["county"], "pairing", pairs.ningxia.pk)
    page = figures(response)
    assert [r for r in page.rows["by-county"] if r.startswith("county-64")] == [f"county-{XIJI}"]
    assert cell(page, "by-county", "county-unattributed") == ("0.00", "0.00", "—")
    assert cell(page, "by-year", "year-2020") == ("300,000.00", "650,000.00", "216.7%")
    html = response.content.decode()
    assert 'id="area-cut"' in html
    assert 'id="commitment-form"' not in html  # the region's pair is recorded by the region
    assert html.count('class="inline confirm-form"') == 3  # the Xiji deliveries, not Yanchi's
    assert page_of(client, cast["county"], "pairing_county", pairs.ningxia.pk, YANCHI).status_code == 404
    assert page_of(client, cast["county"], "pairing", pairs.yanchi.pk).status_code == 404
    xiji = figures(page_of(client, cast["county"], "pairing_county", pairs.ningxia.pk, XIJI))
    assert cell(xiji, "by-year", "year-2020") == ("300,000.00", "650,000.00", "216.7%")


def test_other_officers_of_the_cast(client, pairs, cast):
    assert page_of(client, cast["other_county"], "pairing", pairs.xiji.pk).status_code == 404
    yanchi = figures(page_of(client, cast["other_county"], "pairing", pairs.ningxia.pk))
    assert cell(yanchi, "by-year", "year-2020") == ("0.00", "100,000.00", "—")
    province = figures(page_of(client, cast["province"], "pairing", pairs.ningxia.pk))
    assert cell(province, "by-year", "year-2020") == ("1,300,000.00", "750,000.00", "57.7%")
    cadre = page_of(client, cast["cadre_a"], "pairing", pairs.xiji.pk)
    assert cadre.status_code == 200 and 'id="commitment-form"' not in cadre.content.decode()


def test_county_page_refuses_codes_that_are_not_a_county_of_the_pair(client, pairs):
    user = pairs.users.fujian
    assert page_of(client, user, "pairing_county", pairs.ningxia.pk, VILLAGE_A).status_code == 404
    assert page_of(client, user, "pairing_county", pairs.ningxia.pk, "640499000000").status_code == 404
    assert page_of(client, user, "pairing_county", pairs.ningxia.pk, XIJI).status_code == 200


@pytest.mark.parametrize("name", ["helper", "outsider"])
def test_helpers_and_outsiders_are_refused(client, pairs, cast, name):
    for url, args in (("pairings", ()), ("pairing", (pairs.ningxia.pk,)), ("partner", (pairs.fujian.pk,)),
                      ("pairing_county", (pairs.ningxia.pk, XIJI)), ("pairing_export", (pairs.ningxia.pk,))):
        assert page_of(client, cast[name], url, *args).status_code == 403, url


def test_the_public_is_sent_to_sign_in(client, pairs):
    response = client.get(reverse("assistance:pairing", args=[pairs.ningxia.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_partner_user_is_refused_the_registry(client, pairs):
    client.force_login(pairs.users.fujian)
    for url in ("/households/", "/areas/", f"/areas/{PROVINCE}/"):
        assert client.get(url).status_code == 403, url


def test_a_partner_user_lands_on_their_pairing(client, pairs, cast):
    client.force_login(pairs.users.xiamen)
    assert client.get("/")["Location"] == reverse("assistance:pairing", args=[pairs.xiji.pk])
    Pairing.objects.create(partner=pairs.xiamen, area_id=YANCHI, start_year=2017)
    assert client.get("/")["Location"] == reverse("assistance:pairings")
    client.force_login(cast["county"])
    assert client.get("/")["Location"] == reverse("areas:tree")


# Lists and partners ------------------------------------------------------------------------------------

def test_partner_list_shows_whom_each_user_may_see(client, pairs, cast):
    def partners(user):
        html = page_of(client, user, "pairings").content.decode()
        return {p.pk for p in (pairs.fujian, pairs.xiamen, pairs.fuzhou) if f'id="partner-{p.pk}"' in html}

    assert partners(pairs.users.fujian) == {pairs.fujian.pk, pairs.xiamen.pk, pairs.fuzhou.pk}
    html = page_of(client, pairs.users.fujian, "pairings").content.decode()
    assert html.index(f'id="partner-{pairs.fujian.pk}" data-depth="0"') < html.index(
        f'id="partner-{pairs.xiamen.pk}" data-depth="1"')  # the cities under their province
    html = page_of(client, pairs.users.xiamen, "pairings").content.decode()
    assert f'id="partner-{pairs.xiamen.pk}" data-depth="0"' in html
    assert partners(pairs.users.xiamen) == {pairs.xiamen.pk}
    assert partners(cast["county"]) == {pairs.fujian.pk, pairs.xiamen.pk}
    assert partners(cast["other_county"]) == {pairs.fujian.pk, pairs.fuzhou.pk}
    assert page_of(client, cast["county"], "partner", pairs.fuzhou.pk).status_code == 404
    assert page_of(client, pairs.users.xiamen, "partner", pairs.fujian.pk).status_code == 404
    assert page_of(client, pairs.users.fujian, "partner", pairs.xiamen.pk).status_code == 200


def test_the_province_adds_a_partner_and_a_pairing(client, pairs, cast):
    client.force_login(cast["province"])
    response = client.post(reverse("assistance:partner_new"), {
        "partner-name_zh": "中国农业银行", "partner-name_en": "Agricultural Bank of China",
        "partner-kind": "central_organ", "partner-uscc": "bad"})
    assert response.status_code == 200 and 'id="field-partner-uscc"' in response.content.decode()
    assert "has-error" in response.content.decode()
    response = client.post(reverse("assistance:partner_new"), {
        "partner-name_zh": "中国农业银行", "partner-name_en": "Agricultural Bank of China",
        "partner-kind": "central_organ"})
    bank = Partner.objects.get(name_zh="中国农业银行")
    assert response["Location"] == reverse("assistance:partner", args=[bank.pk])
    response = client.post(reverse("assistance:pairing_new", args=[bank.pk]), {
        "pairing-area": XIJI, "pairing-start_year": "2015"})
    pairing = Pairing.objects.get(partner=bank)
    assert response["Location"] == reverse("assistance:pairing", args=[pairing.pk])
    client.force_login(cast["county"])
    assert client.post(reverse("assistance:partner_new"), {"partner-name_zh": "x"}).status_code == 403


# Writes ------------------------------------------------------------------------------------------------

def test_recording_through_the_forms(client, pairs, cast):
    client.force_login(pairs.users.xiamen)
    url = reverse("assistance:pairing_commitment", args=[pairs.xiji.pk])
    response = client.post(url, {"commitment-year": "2021", "commitment-indicator": "workers",
                                 "commitment-amount": "2.5"})
    assert response.status_code == 200 and "has-error" in response.content.decode()
    response = client.post(url, {"commitment-year": "2021", "commitment-indicator": "workers",
                                 "commitment-amount": "40"})
    assert response.status_code == 302
    assert Commitment.objects.get(pairing=pairs.xiji, year=2021, indicator="workers").amount == 40
    response = client.post(reverse("assistance:pairing_delivery", args=[pairs.xiji.pk]), {
        "delivery-delivered_on": "2021-06-01", "delivery-indicator": "workers", "delivery-amount": "12",
        "delivery-area": VILLAGE_A})
    assert response.status_code == 302
    assert Delivery.objects.get(pairing=pairs.xiji, year=2021).area_id == VILLAGE_A
    response = client.post(reverse("assistance:pairing_commitment", args=[pairs.ningxia.pk]), {
        "commitment-year": "2021", "commitment-indicator": "funds", "commitment-amount": "1"})
    assert response.status_code == 404  # the province's pair is not the city's to see
    client.force_login(cast["other_county"])
    assert client.post(url, {"commitment-year": "2021", "commitment-indicator": "funds",
                             "commitment-amount": "1"}).status_code == 404
    client.force_login(pairs.users.fujian)
    assert client.post(url, {"commitment-year": "2021", "commitment-indicator": "funds",
                             "commitment-amount": "1"}).status_code == 403


def test_confirming_and_withdrawing_through_the_buttons(client, pairs, cast):
    delivery = Delivery.objects.get(pairing=pairs.xiji, indicator="funds")
    confirm = reverse("assistance:delivery_confirm", args=[delivery.pk])
    withdraw = reverse("assistance:delivery_withdraw", args=[delivery.pk])
    client.force_login(pairs.users.xiamen)
    assert client.post(confirm).status_code == 403
    back = reverse("assistance:pairing", args=[pairs.xiji.pk])
    response = client.post(withdraw, {"withdraw-reason": "", "next": back})
    assert response["Location"] == back
    assert Delivery.objects.get(pk=delivery.pk).withdrawn_at is None
    client.force_login(cast["other_county"])
    assert client.post(confirm).status_code == 404
    client.force_login(cast["county"])
    client.post(confirm, {"next": "https://elsewhere.example/"})
    assert Delivery.objects.get(pk=delivery.pk).confirmed_by == cast["county"]
    response = client.post(withdraw, {"withdraw-reason": "资金未到账"})
    assert response["Location"] == back
    assert Delivery.objects.get(pk=delivery.pk).withdrawn_reason == "资金未到账"
    page = figures(page_of(client, cast["county"], "pairing", pairs.xiji.pk))
    assert cell(page, "by-year", "year-2020") == ("300,000.00", "0.00", "0.0%")


def test_the_csv_holds_both_tables(client, pairs):
    response = page_of(client, pairs.users.fujian, "pairing_export", pairs.ningxia.pk)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    by_year = [r for r in rows[1:] if r[1] == "2020"]
    assert {(r[6], r[7]) for r in by_year} == {("1300000.00", "750000.00"), ("50", "30")}
    counties = {(r[2], r[6], r[7]) for r in rows[1:] if r[2] or r[3]}
    assert (XIJI, "300000.00", "650000.00") in counties
    assert ("", "1000000.00", "0.00") in counties  # the unattributed row
    assert ("57.7" in {r[8] for r in by_year})

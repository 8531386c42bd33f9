"""A city's partner user and the receiving county work through a pairing in Chromium: Xiamen signs in and
lands on its Xiji pairing, records a delivery, and Xiji's officer confirms it on the province pair's page."""

import datetime

import pytest
from playwright.sync_api import expect

from jingzhun.assistance.models import Delivery
from tests.assistance.test_pairing_actions import build_pairs
from tests.conftest import VILLAGE_A, XIJI

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form.form button[type=submit]")
    expect(page.locator("header .user")).to_contain_text(username)


def test_a_city_records_a_delivery_and_the_county_confirms_it(page, cast):
    pairs = build_pairs(cast)
    pairs.users.xiamen.set_password("pw-xiamen")
    pairs.users.xiamen.save()
    today = datetime.date.today()

    sign_in(page, "xiamen", "pw-xiamen")
    page.goto("/")
    expect(page.locator("#pairing-area")).to_have_attribute("data-code", XIJI)
    year_row = page.locator("#by-year #year-2020")
    expect(year_row.locator('[data-indicator="funds"][data-measure="delivered"]')).to_have_text("250,000.00")

    page.fill("#id_delivery-delivered_on", today.isoformat())
    page.select_option("#id_delivery-indicator", "funds")
    page.fill("#id_delivery-amount", "12345.6")
    page.select_option("#id_delivery-area", VILLAGE_A)
    page.fill("#id_delivery-note", "援建扶贫车间")
    page.click("#delivery-form button[type=submit]")
    expect(page.locator(".messages li")).to_be_visible()
    delivery = Delivery.objects.get(note="援建扶贫车间")
    row = page.locator(f"#delivery-{delivery.pk}")
    expect(row).to_have_attribute("data-state", "recorded")
    expect(row.locator("td.amount")).to_contain_text("12,345.60")
    expect(row.locator(".confirm-form")).to_have_count(0)  # the partner never confirms
    page.screenshot(path="test-artifacts/pairing-city.png", full_page=True)

    page.context.clear_cookies()  # sign out
    sign_in(page, "xiji", "pw-xiji")
    page.goto(f"/pairing/{pairs.ningxia.pk}/")
    expect(page.locator("#area-cut")).to_be_visible()
    expect(page.locator("#by-county tbody tr[id^='county-64']")).to_have_count(1)
    page.locator(f"#delivery-{delivery.pk} .confirm-form button").click()
    expect(page.locator(f"#delivery-{delivery.pk}")).to_have_attribute("data-state", "confirmed")
    page.screenshot(path="test-artifacts/pairing-county.png", full_page=True)

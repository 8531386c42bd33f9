"""A village cadre works through monitoring in Chromium: flags the year's risks, opens one, records a
measure, closes it with a reason, and the list shows it closed."""

import re

import pytest
from playwright.sync_api import expect

from jingzhun.identification.models import Risk
from jingzhun.registry import actions
from tests.conftest import VILLAGE_A

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form.form button[type=submit]")
    expect(page.locator("header .user")).to_contain_text(username)


def test_cadre_flags_helps_and_closes_a_risk(page, cast, make_household):
    household = make_household(actor=cast["cadre_a"], head_name="马福贵", status="exited", size=2)
    actions.record_income(household, 2021, actor=cast["cadre_a"], wages="5000")  # 2,500 a person
    sign_in(page, "cadre_a", "pw-cadre_a")

    page.goto(f"/monitoring/?area={VILLAGE_A}&year=2021")
    rows = page.locator("#risks tbody tr[data-risk]")
    expect(rows).to_have_count(0)
    page.click("#flag-form button[type=submit]")
    expect(page.locator(".messages li")).to_be_visible()
    expect(rows).to_have_count(1)
    row = rows.first
    expect(row).to_contain_text("马福贵")
    expect(row).to_contain_text("2,500.00")
    expect(row.locator("td.state .badge")).to_have_class(re.compile(r"\bopen\b"))

    row.locator("a").first.click()
    expect(page.locator("h1")).to_contain_text(household.number)
    expect(page.locator("#reasons li")).to_have_count(2)  # under the threshold, and under the line itself

    page.fill("#id_assistance-measure", "安排公益性岗位")
    page.click("#assistance-form button[type=submit]")
    expect(page.locator("#assistance tbody")).to_contain_text("安排公益性岗位")
    expect(page.locator("#assistance tbody")).to_contain_text("cadre_a")

    page.click("#close-form button[type=submit]")  # no reason: refused at the field
    expect(page.locator("#field-close-reason .errorlist")).to_be_visible()
    page.fill("#id_close-reason", "全家迁往银川市，户籍转出")
    page.click("#close-form button[type=submit]")
    expect(page.locator("#risk-state")).to_have_class(re.compile(r"\bclosed\b"))
    expect(page.locator("#close-reason")).to_contain_text("全家迁往银川市")
    expect(page.locator("#assistance-form")).to_have_count(0)
    page.screenshot(path="test-artifacts/monitoring-risk-closed.png", full_page=True)

    page.click(".crumbs a")
    row = page.locator("#risks tbody tr[data-risk]").first
    expect(row.locator("td.state .badge")).to_have_class(re.compile(r"\bclosed\b"))
    expect(row.locator("td").last).to_have_text("1")
    assert Risk.objects.get(household=household).close_reason == "全家迁往银川市，户籍转出"

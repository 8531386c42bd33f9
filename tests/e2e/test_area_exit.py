"""A village's exit in Chromium: the township proposes it with the facilities considered and posts the
notice, the public objects, the county answers and approves after seven days; the province draws the
county's third-party sample and enters a result."""

import pytest
from playwright.sync_api import expect

from jingzhun.areas.models import AreaFlag
from jingzhun.identification.models import Sample
from tests.conftest import VILLAGE_A
from tests.e2e.test_cadre_registry import sign_in
from tests.identification import area_cases

calendar_2017, two_villages = area_cases.calendar_2017, area_cases.two_villages  # fixtures
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _as(browser, live_server, username):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, username, f"pw-{username}")
    return context, page


def take_step(page, step: str) -> None:
    page.click(f"#step-{step} button[type=submit]")
    expect(page.locator(".messages li.success")).to_be_visible()


def test_village_exit_with_an_objection_and_a_third_party_sample(browser, live_server, cast, two_villages,
                                                                 calendar_2017):
    township, page = _as(browser, live_server, "jiqiang")
    page.goto("/exits/")
    page.click("#propose-village")
    page.fill("#village-year input[name=year]", "2016")
    page.click("#village-year button[type=submit]")
    page.select_option("#id_village", VILLAGE_A)
    page.fill("#area-case-form #id_year", "2016")
    page.select_option("#id_c_roads", "true")
    page.select_option("#id_c_collective_income", "false")
    page.click("#area-case-form button[type=submit]")
    expect(page.locator("#case-state")).to_be_visible()
    expect(page.locator("#report-incidence")).to_contain_text("1.00%")
    expect(page.locator("#report-criteria tr[data-code=collective_income] .no")).to_be_visible()
    case_url = page.url
    take_step(page, "post_notice")
    notice_url = page.locator(".notice-box a").first.get_attribute("href")
    township.close()

    public_context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    public = public_context.new_page()
    public.goto(notice_url)
    public.fill("#id_text", "村里还有几户生活困难，请再核实。")
    public.click("#objection-form button[type=submit]")
    expect(public.locator(".messages li.success")).to_be_visible()
    public_context.close()

    county, page = _as(browser, live_server, "xiji")
    page.goto(case_url)
    expect(page.locator("#step-approve")).to_be_visible()
    take_step_refused = page.locator("#step-approve button[type=submit]")
    take_step_refused.click()
    expect(page.locator("#step-approve .errors")).to_be_visible()  # the notice runs seven days
    calendar_2017.advance(7)
    objection = page.locator(".objections tbody tr", has_text="生活困难")
    objection.locator("textarea[name=answer]").fill("已逐户核实，均已纳入监测。")
    objection.locator("input[name=outcome][value=dismissed]").check()
    objection.locator("button[type=submit]").click()
    expect(page.locator(".objections tbody tr", has_text="生活困难")).to_contain_text("已逐户核实")
    take_step(page, "approve")
    expect(page.locator("#case-state")).to_contain_text("退出")
    assert AreaFlag.objects.get(area_id=VILLAGE_A, kind=AreaFlag.Kind.POOR_VILLAGE).end_year == 2016
    county.close()

    province, page = _as(browser, live_server, "province")
    page.goto("/samples/")
    page.select_option("#id_county", "640422000000")
    page.fill("#draw-sample #id_year", "2016")
    page.fill("#id_seed", "2016")
    page.click("#draw-sample button[type=submit]")
    expect(page.locator("#sample-seed")).to_have_text("2016")
    sample = Sample.objects.get()
    row = sample.households.first()
    form = page.locator(f"#household-{row.pk} form")
    form.locator("input[name=surveyed]").check()
    if row.stratum == "exited":
        form.locator("select[name=wrongly_exited]").select_option("false")
    form.locator("select[name=approves]").select_option("true")
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages li.success")).to_be_visible()
    row.refresh_from_db()
    assert row.surveyed is True and row.approves is True
    province.close()

"""Issue 4's walk-through in Chromium: a household from application through the public notice — where a
member of the public objects and the cadre answers — to registration. The public page never shows a full
ID number."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_cadre_registry import sign_in
from tests.identification.cases import applicant, calendar  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def take_step(page, step: str) -> None:
    page.click(f"#step-{step} button[type=submit]")
    expect(page.locator(".messages li.success")).to_be_visible()


def public_notice_html(browser, live_server, notice_url: str) -> str:
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    public = context.new_page()
    public.goto("/notices/")
    expect(public.locator("#notices")).to_be_visible()
    html = public.content()
    public.goto(notice_url)
    html += public.content()
    context.close()
    return html


def test_household_goes_from_application_through_an_objection_to_registration(
        page, browser, live_server, cast, applicant, calendar):  # noqa: F811
    head_id = applicant.head.id_number
    masked = head_id[:6] + "********" + head_id[-4:]

    # The cadre records the household's application and the village's democratic appraisal.
    sign_in(page, "cadre_a", "pw-cadre_a")
    page.goto(f"/households/{applicant.pk}/procedures/?year=2014")
    expect(page.locator("#verdict .no")).to_be_visible()  # poor by the 2014 line
    page.fill("#open-case #id_year", "2014")
    page.select_option("#open-case #id_channel", "household")
    page.click("#open-case button[type=submit]")
    expect(page.locator("h1")).to_contain_text("马申请")
    case_url = page.url
    page.fill("#step-appraise #id_appraise-attendance", "31")
    page.fill("#step-appraise #id_appraise-votes_for", "27")
    page.fill("#step-appraise #id_appraise-votes_against", "3")
    page.fill("#step-appraise #id_appraise-abstentions", "1")
    take_step(page, "appraise")
    expect(page.locator("#appraisal")).to_contain_text("27")
    take_step(page, "post_notice")
    notice_link = page.locator(".notice-box a", has_text=re.compile("."))
    notice_url = notice_link.first.get_attribute("href")

    # A member of the public, not signed in, finds the notice and objects.
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    public = context.new_page()
    public.goto("/notices/")
    row = public.locator("#notices tbody tr", has_text="马申请")
    expect(row).to_contain_text(masked)
    row.locator("a").click()
    expect(public.locator("#notice-id")).to_have_text(masked)
    assert head_id not in public.content()
    public.fill("#id_text", "他家儿子在银川打工，收入不低，请核实。")
    public.click("#objection-form button[type=submit]")
    expect(public.locator(".messages li.success")).to_be_visible()
    expect(public.locator("#objection-count")).to_contain_text("1")
    assert head_id not in public.content()
    context.close()

    # The notice cannot be taken down while the objection waits, nor before its seven days.
    page.goto(case_url)
    objection = page.locator(".objections tbody tr", has_text="银川打工")
    expect(objection).to_be_visible()
    objection.locator("textarea[name=answer]").fill("经入户核实，其子务工收入已计入，人均仍低于标准。")
    objection.locator("input[name=outcome][value=dismissed]").check()
    objection.locator("button[type=submit]").click()
    expect(page.locator(".objections tbody tr", has_text="银川打工")).to_contain_text("经入户核实")

    # The township reviews once the notice has run its days.
    page.click("form.inline button.link:not([name])")  # sign out
    sign_in(page, "jiqiang", "pw-jiqiang")
    page.goto(case_url)
    page.click("#step-township_review button[type=submit]")
    expect(page.locator("#step-township_review .errors")).to_be_visible()  # day 0 of 7: refused
    calendar.advance(7)
    page.goto(case_url)
    take_step(page, "township_review")

    # The county approves, which posts the second notice, and registers after it.
    page.click("form.inline button.link:not([name])")
    sign_in(page, "xiji", "pw-xiji")
    page.goto(case_url)
    take_step(page, "county_approve")
    second = page.locator(".notice-box a").last.get_attribute("href")
    assert head_id not in public_notice_html(browser, live_server, second)
    calendar.advance(7)
    page.goto(case_url)
    take_step(page, "register")
    page.screenshot(path="test-artifacts/identification-registered.png", full_page=True)
    expect(page.locator("#case-state")).to_have_text(re.compile("已登记|registered"))
    page.goto(f"/households/{applicant.pk}/")
    expect(page.locator("h1 .badge")).to_have_class(re.compile("poor"))

    # Nothing the public could open ever held the full number.
    assert head_id not in public_notice_html(browser, live_server, notice_url)

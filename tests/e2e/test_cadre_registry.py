"""A village cadre works on a household in Chromium, as in issue 2's acceptance walk-through."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.conftest import VILLAGE_B, make_id_number

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form.form button[type=submit]")
    expect(page.locator("header .user")).to_contain_text(username)


def test_cadre_finds_household_adds_member_and_sees_audit(page, cast, make_household):
    mine = make_household(actor=cast["cadre_a"], head_name="马福贵", size=2)
    theirs = make_household(VILLAGE_B, actor=cast["cadre_b"], head_name="杨文明")
    head_id = mine.head.id_number

    sign_in(page, "cadre_a", "pw-cadre_a")

    # Find the household by the head's ID number.
    page.goto("/households/")
    page.fill("#q", head_id)
    page.click("#search button[type=submit]")
    rows = page.locator("#households tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("马福贵")
    rows.first.locator("a").first.click()
    expect(page.locator("h1")).to_contain_text(mine.number)

    # Add a member with a mistyped ID number: the error shows at that field.
    page.click("#add-member")
    good = make_id_number(born=datetime.date(2008, 9, 1), sex="F")
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    page.fill("#id_name", "马小花")
    page.fill("#id_id_number", wrong)
    page.select_option("#id_relation", "daughter")
    page.select_option("#id_education", "junior")
    page.check("#id_in_school")
    page.select_option("#id_labour", "none")
    page.fill("#id_joined_on", "2014-03-01")
    page.click("#member-form button[type=submit]")
    error = page.locator("#field-id_number .errorlist")
    expect(error).to_be_visible()
    expect(error).not_to_be_empty()
    expect(page.locator("#member-form > .errors")).to_have_count(0)
    expect(page.locator("#id_name")).to_have_value("马小花")  # nothing typed is lost

    # Correct it and save: the member is listed, with sex and birth date read from the number.
    page.fill("#id_id_number", good)
    page.click("#member-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text(mine.number)
    member_row = page.locator("#members tbody tr", has_text="马小花")
    expect(member_row).to_contain_text("2008-09-01")
    expect(member_row).to_contain_text(good)

    # The audit trail records who added what.
    audit = page.locator("#audit tbody tr", has_text="马小花")
    expect(audit).to_have_count(1)
    expect(audit).to_contain_text("cadre_a")
    page.screenshot(path="test-artifacts/household-after-add.png", full_page=True)

    # Another village's household does not exist for this cadre.
    response = page.goto(f"/households/{theirs.pk}/")
    assert response.status == 404
    response = page.goto(f"/households/{theirs.pk}/edit/")
    assert response.status == 404

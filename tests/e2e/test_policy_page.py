"""A province officer corrects the 2019 poverty line in Chromium and finds the change in its history."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from jingzhun.policy.models import Standard
from tests.e2e.test_cadre_registry import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_province_officer_edits_the_2019_line_and_sees_it_in_its_history(page, cast):
    line = Standard.objects.get(key="poverty_line", jurisdiction="", year_from=2019, in_force=True)
    sign_in(page, "province", "pw-province")

    page.goto("/policy/")
    expect(page.locator("h1")).to_have_text("政策标准")
    row = page.locator(f"#standard-{line.pk}")
    expect(row).to_contain_text("全国")
    expect(row).to_contain_text("3747")
    page.screenshot(path="test-artifacts/policy-standards.png")
    row.locator("a.edit").click()

    # A change without its reason is refused at the reason, and nothing typed is lost.
    page.fill("#id_value", "3750")
    page.fill("#id_note", "按2020年统计年鉴核对")
    page.click("#standard-form button[type=submit]")
    expect(page.locator("#field-reason .errorlist")).to_be_visible()
    expect(page.locator("#id_value")).to_have_value("3750")
    page.screenshot(path="test-artifacts/policy-standard-form.png", full_page=True)

    page.fill("#id_reason", "核对统计年鉴")
    page.click("#standard-form button[type=submit]")
    expect(page.locator("#standard-value")).to_have_text("3750")
    expect(page.locator("#standard-note")).to_have_text("按2020年统计年鉴核对")
    history = page.locator("#history tbody tr", has_text="核对统计年鉴")
    expect(history).to_have_count(1)
    expect(history).to_contain_text("3747")
    expect(history).to_contain_text("3750")
    expect(history).to_contain_text("province")
    page.screenshot(path="test-artifacts/policy-standard-history.png", full_page=True)

    line.refresh_from_db()
    assert (line.value, line.note) == (Decimal("3750"), "按2020年统计年鉴核对")
    assert set(line.changes.values_list("field", flat=True)) == {"value", "note"}


def test_a_county_officer_reads_the_standards_without_editing(page, cast):
    sign_in(page, "xiji", "pw-xiji")
    page.goto("/policy/")
    expect(page.locator("table.standards").first).to_be_visible()
    expect(page.locator("#add-standard")).to_have_count(0)
    expect(page.locator("a.edit")).to_have_count(0)
    line = Standard.objects.get(key="poverty_line", jurisdiction="", year_from=2019, in_force=True)
    response = page.goto(f"/policy/{line.pk}/edit/")
    assert response.status == 403

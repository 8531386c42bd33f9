"""A helper on a phone (390×844, touch) goes through a visit in Chromium: signs in, opens the visit due
today from their own page, records what was found and done with a photo, sees the next visit planned,
and marks a measure delivered; the page never scrolls sideways."""

import datetime
import os

import pytest
from PIL import Image
from playwright.sync_api import expect

from jingzhun import clock
from jingzhun.assistance import actions
from jingzhun.assistance.models import PlannedMeasure, Visit
from jingzhun.registry.models import AuditEvent

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True,
         "has_touch": True, "locale": "zh-CN"}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, **PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    os.makedirs("test-artifacts", exist_ok=True)
    context.close()


def no_sideways_scroll(page) -> None:
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"{page.url} scrolls sideways: {width} > {inner}"


def test_helper_records_a_visit_with_a_photo_and_delivers_a_measure(phone, cast, make_household, settings,
                                                                     tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cadre, helper = cast["cadre_a"], cast["helper"]
    household = make_household(actor=cadre, head_name="马有才", size=3, main_cause="lack_capital",
                               other_causes=["illness"], address="三组12号", phone="13800000001")
    actions.assign_helper(household, helper, actor=cadre)
    household.refresh_from_db()
    actions.create_plan(household, actor=cadre)
    planned = actions.schedule_visit(household, actor=helper, due_on=clock.today())
    measure = household.plan.measures.order_by("due_on", "id").first()
    photo = tmp_path / "stove.jpg"
    Image.new("RGB", (1200, 900), (180, 90, 30)).save(photo, "JPEG")

    phone.goto("/accounts/login/")
    phone.fill("#id_username", "helper")
    phone.fill("#id_password", "pw-helper")
    phone.click("form.form button[type=submit]")
    expect(phone.locator("header .user")).to_contain_text("helper")
    if not phone.url.endswith("/assistance/my/"):  # until sign-in sends helpers here
        phone.goto("/assistance/my/")
    card = phone.locator(f"#next-visit-{planned.pk}")
    expect(card).to_contain_text("马有才")
    expect(phone.locator(f"#my-household-{household.pk}")).to_be_visible()
    no_sideways_scroll(phone)
    phone.screenshot(path="test-artifacts/helper-phone-my.png", full_page=True)

    card.locator("a").tap()
    expect(phone.locator("#visit-state")).to_have_attribute("data-state", "planned")
    expect(phone.locator("#members-glance li")).to_have_count(3)
    expect(phone.locator(f"#deliver-{measure.pk}")).to_be_visible()
    no_sideways_scroll(phone)
    phone.fill("#id_visit-found", "炉子坏了，屋里冷；孩子按时上学")
    phone.fill("#id_visit-done", "联系村里修好炉子，讲解小额信贷")
    phone.set_input_files("#id_visit-photo", str(photo))
    phone.locator("#save-visit").tap()

    expect(phone.locator("#visit-state")).to_have_attribute("data-state", "recorded")
    expect(phone.locator("#visit-found")).to_contain_text("炉子坏了")
    image = phone.locator("#visit-photo")
    expect(image).to_be_visible()
    phone.wait_for_function("document.getElementById('visit-photo').naturalWidth > 0")
    next_due = clock.today() + datetime.timedelta(days=30)
    expect(phone.locator("#next-visit-link")).to_have_text(f"{next_due:%Y-%m-%d}")
    no_sideways_scroll(phone)
    phone.screenshot(path="test-artifacts/helper-phone-visit-recorded.png", full_page=True)

    phone.locator("#next-visit-link").tap()
    expect(phone.locator("#visit-state")).to_have_attribute("data-state", "planned")
    phone.locator(f"#deliver-{measure.pk}").tap()
    expect(phone.locator(".messages li")).to_be_visible()
    expect(phone.locator(f"#open-measure-{measure.pk}")).to_have_count(0)
    no_sideways_scroll(phone)

    phone.goto(f"/assistance/households/{household.pk}/")
    expect(phone.locator(f"#measure-{measure.pk}")).to_have_attribute("data-state", "delivered")
    no_sideways_scroll(phone)
    phone.screenshot(path="test-artifacts/helper-phone-household.png", full_page=True)

    planned.refresh_from_db()
    assert planned.visited_on == clock.today() and planned.found.startswith("炉子坏了")
    assert planned.helper_id == helper.pk and planned.photo
    with Image.open(settings.MEDIA_ROOT / planned.photo.name) as stored:
        assert stored.format == "JPEG"
    following = Visit.objects.get(household=household, visited_on__isnull=True)
    assert following.due_on == next_due
    measure.refresh_from_db()
    assert (measure.state, measure.delivered_on) == (PlannedMeasure.State.DELIVERED, clock.today())
    events = AuditEvent.objects.filter(household=household, actor=helper)
    assert events.filter(entity="visit", entity_id=planned.pk, field="found").exists()
    assert events.filter(entity="visit", entity_id=planned.pk, field="photo").exists()
    assert events.filter(entity="visit", entity_id=following.pk, action=AuditEvent.Action.CREATE).exists()
    assert events.filter(entity="measure", entity_id=measure.pk, field="state", new="delivered").exists()

"""Likely duplicates in Chromium: a village cadre follows the township page's notice to the list and merges
a person registered twice; an auditor reads the same list with masked ID numbers and cannot decide."""

import datetime

import pytest
from playwright.sync_api import expect

from jingzhun.areas.scope import mask_id_number
from jingzhun.registry import actions
from jingzhun.registry.models import LikelyDuplicate
from tests.conftest import JIQIANG, VILLAGE_A, make_id_number

from .test_cadre_registry import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TWIN_NAME = "马秀兰"
TWIN_BORN = datetime.date(1992, 6, 15)
NOTE = "入户核实：同一人在两户各登记一次，身份证号录入有误，保留第一户的记录。"


@pytest.fixture
def pair(cast, make_household):
    """Two households of village A, each with a current member of one name and birth date but different
    ID numbers; the registry actions flag the pair as they add the second member."""
    cadre = cast["cadre_a"]
    # Heads with different names and birth dates, so that they form no pair of their own.
    first = make_household(actor=cadre, head_name="马建国",
                           id_number=make_id_number(born=datetime.date(1966, 2, 1)))
    second = make_household(actor=cadre, head_name="杨德山",
                            id_number=make_id_number(born=datetime.date(1970, 8, 9)))
    common = {"name": TWIN_NAME, "education": "junior", "labour": "ordinary",
              "joined_on": datetime.date(2014, 3, 1)}
    kept = actions.add_member(first, actor=cadre, relation="daughter",
                              id_number=make_id_number(born=TWIN_BORN, sex="F"), **common)
    assert not LikelyDuplicate.objects.exists()  # one such member is no pair
    twin = actions.add_member(second, actor=cadre, relation="daughter_in_law",
                              id_number=make_id_number(born=TWIN_BORN, sex="F"), **common)

    flag = LikelyDuplicate.objects.get()
    # The later record is stored as `member`, the earlier as `other`.
    assert (flag.member_id, flag.other_id) == (twin.pk, kept.pk)
    assert flag.village_id == VILLAGE_A
    assert flag.state == LikelyDuplicate.State.OPEN
    assert flag.decided_by is None
    return {"flag": flag, "first": first, "second": second, "kept": kept, "twin": twin}


def test_cadre_merges_a_person_registered_twice(page, cast, pair):
    flag, first, second, kept, twin = (pair[k] for k in ("flag", "first", "second", "kept", "twin"))
    sign_in(page, "cadre_a", "pw-cadre_a")

    # The household page says the member may be registered twice.
    page.goto(f"/households/{second.pk}/")
    expect(page.locator(f"#duplicate-{flag.pk}")).to_contain_text(f"{TWIN_NAME} 可能重复登记")

    # The township page counts the open pair and links to the list.
    page.goto(f"/areas/{JIQIANG}/")
    link = page.locator("#duplicates-link a")
    expect(link).to_have_text("1 对疑似重复待认定")
    link.click()
    expect(page.locator("h1")).to_contain_text("疑似重复")
    rows = page.locator("#duplicates tbody tr")
    expect(rows).to_have_count(1)
    row = page.locator(f"#flag-{flag.pk}")
    for text in (first.number, second.number, kept.id_number, twin.id_number, TWIN_NAME, "1992-06-15",
                 "待认定"):
        expect(row).to_contain_text(text)

    # Decide: the same person, keep the record in the first household, close the other.
    row.get_by_role("link", name="认定").click()
    expect(page.locator("#pair")).to_contain_text(first.number)
    expect(page.locator("#pair")).to_contain_text(second.number)
    keep_first = page.get_by_label(f"是同一人：保留 {first.number} 户的记录")
    expect(keep_first).to_have_value("keep_other")
    keep_first.check()
    page.fill("#id_note", NOTE)
    page.screenshot(path="test-artifacts/duplicate-decide.png", full_page=True)
    page.click("#decide-form button[type=submit]")

    # Back on the list, with what was done said; the pair is no longer open.
    expect(page.locator("ul.messages")).to_contain_text(
        f"已合并：{second.number} 户中 {TWIN_NAME} 的记录已按错误登记关闭。")
    expect(page.locator(f"#flag-{flag.pk}")).to_have_count(0)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("没有可显示的记录。")

    flag.refresh_from_db()
    assert flag.state == LikelyDuplicate.State.MERGED
    assert flag.decided_by == cast["cadre_a"]
    assert flag.decided_at is not None
    assert flag.note == NOTE
    twin.refresh_from_db()
    kept.refresh_from_db()
    assert twin.left_reason == "error"
    assert twin.left_on is not None
    assert kept.left_on is None and kept.left_reason in ("", None)

    # The merged pair is listed under its state, decided, with the note and no Decide button.
    page.select_option("#state", "merged")
    page.click("#duplicate-filter button[type=submit]")
    merged = page.locator(f"#flag-{flag.pk}")
    expect(merged).to_contain_text("已合并")
    expect(merged).to_contain_text(NOTE)
    expect(merged.get_by_role("link", name="认定")).to_have_count(0)

    # The closed member's household: left as registered in error, no notice, the decision in the trail.
    page.goto(f"/households/{second.pk}/")
    expect(page.locator(f"#duplicate-{flag.pk}")).to_have_count(0)
    expect(page.locator("#members tbody tr", has_text=TWIN_NAME)).to_contain_text("错误登记")
    decision = page.locator("#audit tbody tr", has_text="疑似重复")
    expect(decision).to_have_count(1)
    expect(decision).to_contain_text("cadre_a")
    expect(decision).to_contain_text("已合并")
    expect(decision).to_contain_text(NOTE)
    closing = page.locator("#audit tbody tr", has_text="重复登记；保留")
    expect(closing).to_have_count(1)
    expect(closing).to_contain_text(TWIN_NAME)
    expect(closing).to_contain_text("错误登记")
    expect(closing).to_contain_text(first.number)
    expect(closing).to_contain_text(NOTE)

    # The kept member's household records the decision too; its member stays current.
    page.goto(f"/households/{first.pk}/")
    expect(page.locator("#audit tbody tr", has_text="疑似重复")).to_contain_text(NOTE)
    expect(page.locator("#members tbody tr", has_text=TWIN_NAME)).not_to_contain_text("错误登记")

    # The township page has nothing left to decide.
    page.goto(f"/areas/{JIQIANG}/")
    expect(page.locator("#duplicates-link a")).to_have_text("0 对疑似重复待认定")


def test_auditor_reads_the_list_with_masked_id_numbers_and_cannot_decide(page, cast, pair):
    flag, first, second, kept, twin = (pair[k] for k in ("flag", "first", "second", "kept", "twin"))
    sign_in(page, "auditor", "pw-auditor")

    page.goto(f"/areas/{JIQIANG}/")
    link = page.locator("#duplicates-link a")
    expect(link).to_have_text("1 对疑似重复待认定")
    link.click()
    row = page.locator(f"#flag-{flag.pk}")
    for text in (first.number, second.number, mask_id_number(kept.id_number), mask_id_number(twin.id_number),
                 TWIN_NAME):
        expect(row).to_contain_text(text)
    content = page.content()
    for number in (kept.id_number, twin.id_number):
        assert number not in content
    expect(row.get_by_role("link", name="认定")).to_have_count(0)
    expect(page.locator("#duplicates a.button")).to_have_count(0)

    # The household page's notice leads an auditor to the list, not to a decision.
    page.goto(f"/households/{second.pk}/")
    notice = page.locator(f"#duplicate-{flag.pk} a")
    expect(notice).to_have_attribute("href", f"/duplicates/?area={VILLAGE_A}")
    assert twin.id_number not in page.content()

    # Nor can the decision page be reached directly.
    response = page.goto(f"/duplicates/{flag.pk}/")
    assert response.status == 403
    flag.refresh_from_db()
    assert flag.state == LikelyDuplicate.State.OPEN

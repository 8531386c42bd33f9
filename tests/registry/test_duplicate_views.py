import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from jingzhun.areas.scope import mask_id_number
from jingzhun.registry import actions
from jingzhun.registry.duplicate_actions import confirm_distinct
from jingzhun.registry.models import LikelyDuplicate, Member
from tests.conftest import JIQIANG, VILLAGE_A, VILLAGE_B, XIJI, make_id_number

BORN = datetime.date(1980, 5, 17)
LIST = reverse("registry:duplicates")


def flag_in(village, actor, make_household) -> LikelyDuplicate:
    """Two households of `village` whose members 马德福 share a birth date: the head of the first and a
    sibling in the second, so that either merge direction but one is allowed."""
    make_household(village, actor=actor, head_name="马德福", id_number=make_id_number(born=BORN))
    second = make_household(village, actor=actor, head_name="马进财")
    actions.add_member(second, actor=actor, name="马德福", relation="sibling",
                       id_number=make_id_number(born=BORN), education="primary", labour="ordinary",
                       joined_on=datetime.date(2014, 3, 1))
    return LikelyDuplicate.objects.get(village_id=village)


@pytest.fixture
def flags(cast, make_household):
    return (flag_in(VILLAGE_A, cast["cadre_a"], make_household),
            flag_in(VILLAGE_B, cast["cadre_b"], make_household))


def decide_url(flag) -> str:
    return reverse("registry:duplicate", args=[flag.pk])


def test_cadre_sees_the_flags_of_their_village_only(client, cast, flags):
    flag_a, flag_b = flags
    client.force_login(cast["cadre_a"])
    body = client.get(LIST).content.decode()
    assert f'id="flag-{flag_a.pk}"' in body and f'id="flag-{flag_b.pk}"' not in body
    assert decide_url(flag_a) in body


def test_county_officer_sees_every_village_and_filters_by_area(client, cast, flags):
    flag_a, flag_b = flags
    client.force_login(cast["county"])
    body = client.get(LIST).content.decode()
    assert f'id="flag-{flag_a.pk}"' in body and f'id="flag-{flag_b.pk}"' in body
    body = client.get(LIST, {"area": VILLAGE_B}).content.decode()
    assert f'id="flag-{flag_a.pk}"' not in body and f'id="flag-{flag_b.pk}"' in body


def test_list_filters_by_state(client, cast, flags):
    flag_a, flag_b = flags
    confirm_distinct(flag_a, actor=cast["cadre_a"], note="两人，已核对")
    client.force_login(cast["county"])
    body = client.get(LIST).content.decode()
    assert f'id="flag-{flag_a.pk}"' not in body and f'id="flag-{flag_b.pk}"' in body
    body = client.get(LIST, {"state": "distinct"}).content.decode()
    assert f'id="flag-{flag_a.pk}"' in body and "两人，已核对" in body
    assert f'id="flag-{flag_b.pk}"' not in body


def test_editors_see_full_id_numbers(client, cast, flags):
    flag_a, _flag_b = flags
    client.force_login(cast["cadre_a"])
    body = client.get(LIST).content.decode()
    assert flag_a.member.id_number in body and flag_a.other.id_number in body


@pytest.mark.parametrize("role", ["auditor", "province", "prefecture"])
def test_read_only_roles_see_masked_numbers_and_no_decision(client, cast, flags, role):
    flag_a, _flag_b = flags
    client.force_login(cast[role])
    response = client.get(LIST)
    body = response.content.decode()
    assert response.status_code == 200 and f'id="flag-{flag_a.pk}"' in body
    for member in (flag_a.member, flag_a.other):
        assert member.id_number not in body and mask_id_number(member.id_number) in body
    assert decide_url(flag_a) not in body
    assert client.get(decide_url(flag_a)).status_code == 403
    assert client.post(decide_url(flag_a), {"decision": "distinct", "note": "x"}).status_code == 403
    assert LikelyDuplicate.objects.get(pk=flag_a.pk).state == "open"


@pytest.mark.parametrize("role", ["helper", "outsider"])
def test_helpers_and_outsiders_are_refused(client, cast, flags, role):
    flag_a, _flag_b = flags
    client.force_login(cast[role])
    assert client.get(LIST).status_code == 403
    assert client.get(decide_url(flag_a)).status_code == 403
    assert client.post(decide_url(flag_a), {"decision": "distinct", "note": "x"}).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, flags):
    assert client.get(LIST).status_code == 302
    assert client.post(decide_url(flags[0]), {"decision": "distinct", "note": "x"}).status_code == 302


def test_cadre_cannot_open_or_decide_another_villages_flag(client, cast, flags):
    flag_a, _flag_b = flags
    client.force_login(cast["cadre_b"])
    assert client.get(decide_url(flag_a)).status_code == 404
    assert client.post(decide_url(flag_a), {"decision": "distinct", "note": "x"}).status_code == 404
    assert LikelyDuplicate.objects.get(pk=flag_a.pk).state == "open"


def test_deciding_distinct_through_the_page(client, cast, flags):
    flag_a, _flag_b = flags
    client.force_login(cast["cadre_a"])
    page = client.get(decide_url(flag_a))
    assert page.status_code == 200 and 'name="note"' in page.content.decode()
    response = client.post(decide_url(flag_a), {"decision": "distinct", "note": "两人，已入户核对"},
                           follow=True)
    assert response.redirect_chain[-1][0] == LIST
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    flag_a.refresh_from_db()
    assert (flag_a.state, flag_a.decided_by, flag_a.note) == ("distinct", cast["cadre_a"], "两人，已入户核对")


def test_merging_through_the_page_closes_the_record_not_kept(client, cast, flags):
    flag_a, _flag_b = flags
    sibling = flag_a.member  # added last, so the later record
    assert sibling.relation == "sibling"
    client.force_login(cast["cadre_a"])
    response = client.post(decide_url(flag_a), {"decision": "keep_other", "note": "同一人，重复登记"})
    assert response.status_code == 302
    sibling.refresh_from_db()
    assert sibling.left_reason == "error" and LikelyDuplicate.objects.get(pk=flag_a.pk).state == "merged"


def test_page_shows_why_a_decision_is_refused(client, cast, flags):
    flag_a, _flag_b = flags
    client.force_login(cast["cadre_a"])
    # Closing the head is refused at the decision field; no note at the note field.
    response = client.post(decide_url(flag_a), {"decision": "keep_member", "note": "同一人"})
    assert response.status_code == 400 and 'id="field-decision"' in response.content.decode()
    response = client.post(decide_url(flag_a), {"decision": "distinct", "note": ""})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert LikelyDuplicate.objects.get(pk=flag_a.pk).state == "open"
    assert Member.objects.filter(left_on__isnull=False).count() == 0


def test_a_decided_pair_is_refused_on_the_page(client, cast, flags):
    flag_a, _flag_b = flags
    confirm_distinct(flag_a, actor=cast["cadre_a"], note="两人")
    client.force_login(cast["cadre_a"])
    response = client.post(decide_url(flag_a), {"decision": "keep_other", "note": "同一人"})
    assert response.status_code == 409
    assert LikelyDuplicate.objects.get(pk=flag_a.pk).state == "distinct"


def test_deciding_needs_the_csrf_token(cast, flags):
    flag_a, _flag_b = flags
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["cadre_a"])
    assert client.post(decide_url(flag_a), {"decision": "distinct", "note": "x"}).status_code == 403
    assert LikelyDuplicate.objects.get(pk=flag_a.pk).state == "open"


def open_count_on_area_page(client, user, code) -> int | None:
    client.force_login(user)
    body = client.get(reverse("areas:area", args=[code])).content.decode()
    match = re.search(r'id="duplicates-link"><a href="([^"]*)">(\d+) ', body)
    if match is None:
        return None
    assert match.group(1) == f"{LIST}?area={code}"
    return int(match.group(2))


def test_area_page_links_to_the_open_flags_of_the_users_area(client, cast, flags):
    assert open_count_on_area_page(client, cast["county"], XIJI) == 2
    assert open_count_on_area_page(client, cast["cadre_a"], JIQIANG) == 1  # their own village's only
    assert open_count_on_area_page(client, cast["auditor"], XIJI) == 2
    assert open_count_on_area_page(client, cast["helper"], JIQIANG) is None


def test_household_page_notes_an_open_pair(client, cast, flags):
    flag_a, _flag_b = flags
    client.force_login(cast["cadre_a"])
    page = client.get(reverse("registry:household", args=[flag_a.other.household_id])).content.decode()
    assert f'id="duplicate-{flag_a.pk}"' in page and decide_url(flag_a) in page
    confirm_distinct(flag_a, actor=cast["cadre_a"], note="两人")
    page = client.get(reverse("registry:household", args=[flag_a.other.household_id])).content.decode()
    assert f'id="duplicate-{flag_a.pk}"' not in page

"""Every role against every registry page: list, detail, edit, export. One household in village A."""

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from jingzhun.areas.scope import mask_id_number

# role: (sees the household, may edit it, may export, sees full ID numbers)
EXPECTED = {
    "province": (True, False, True, False),
    "prefecture": (True, False, True, False),
    "county": (True, True, True, True),
    "other_county": (False, True, True, True),
    "township": (True, True, True, True),
    "cadre_a": (True, True, True, True),
    "cadre_b": (False, True, True, True),
    "helper": (True, False, False, False),
    "auditor": (True, False, True, False),
    "outsider": (False, False, False, False),
}
READERS = {"province", "prefecture", "county", "other_county", "township", "cadre_a", "cadre_b", "helper",
           "auditor"}


@pytest.fixture
def household(cast, make_household):
    household = make_household(actor=cast["cadre_a"], head_name="马守义", size=2)
    household.helper = cast["helper"]
    household.save()
    return household


def _client(client, cast, role):
    client.force_login(cast[role])
    return client


@pytest.mark.parametrize("role", EXPECTED)
def test_list(client, cast, household, role):
    response = _client(client, cast, role).get(reverse("registry:households"))
    if role not in READERS:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    sees, _edit, _export, full_ids = EXPECTED[role]
    body = response.content.decode()
    assert (household.number in body) is sees
    if sees:
        head_id = household.head.id_number
        assert (head_id in body) is full_ids
        assert (mask_id_number(head_id) in body) is not full_ids


@pytest.mark.parametrize("role", EXPECTED)
def test_detail(client, cast, household, role):
    response = _client(client, cast, role).get(reverse("registry:household", args=[household.pk]))
    sees, _edit, _export, full_ids = EXPECTED[role]
    if role not in READERS:
        assert response.status_code == 403
    elif not sees:
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        body = response.content.decode()
        assert "马守义" in body
        assert (household.head.id_number in body) is full_ids


@pytest.mark.parametrize("role", EXPECTED)
def test_edit(client, cast, household, role):
    c = _client(client, cast, role)
    url = reverse("registry:household_edit", args=[household.pk])
    sees, edits, _export, _ids = EXPECTED[role]
    response = c.post(url, {"address": "changed by " + role, "phone": "", "household_type": "general",
                            "registered_year": 2014, "main_cause": "illness"})
    household.refresh_from_db()
    if sees and edits:
        assert response.status_code == 302
        assert household.address == "changed by " + role
        assert household.audit_events.filter(field="address", actor=cast[role]).exists()
    else:
        assert response.status_code == (404 if edits else 403)
        assert household.address == ""
    # the member forms follow the same rule
    member = household.members.get(relation="son")
    response = c.get(reverse("registry:member_edit", args=[member.pk]))
    assert response.status_code == (200 if sees and edits else 404 if edits else 403)


@pytest.mark.parametrize("role", EXPECTED)
def test_export(client, cast, household, role):
    response = _client(client, cast, role).get(reverse("registry:export"))
    sees, _edit, exports, full_ids = EXPECTED[role]
    if not exports:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    assert (household.number in body) is sees
    if sees:
        assert (household.head.id_number in body) is full_ids
        assert mask_id_number(household.head.id_number) in body or full_ids


@pytest.mark.parametrize("role", EXPECTED)
def test_export_xlsx(client, cast, household, role):
    response = _client(client, cast, role).get(reverse("registry:export_xlsx"))
    sees, _edit, exports, full_ids = EXPECTED[role]
    if not exports:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    rows = workbook.get_sheet_by_index(0).to_python()
    cells = {cell for row in rows[1:] for cell in row}
    assert (household.number in cells) is sees
    assert len(rows) == (3 if sees else 1)  # header and two members, or the header alone
    if sees:
        head_id = household.head.id_number
        assert (head_id in cells) is full_ids
        assert (mask_id_number(head_id) in cells) is not full_ids


@pytest.mark.parametrize("role", EXPECTED)
def test_template(client, cast, role):
    response = _client(client, cast, role).get(reverse("registry:template"))
    _sees, edits, _export, _ids = EXPECTED[role]
    assert response.status_code == (200 if edits else 403)
    body = _client(client, cast, role).get(reverse("registry:households")).content.decode()
    assert (reverse("registry:template") in body) is edits
    assert (reverse("registry:export_xlsx") in body) is EXPECTED[role][2]


def test_anonymous_is_sent_to_sign_in(client, household):
    for url in (reverse("registry:households"), reverse("registry:household", args=[household.pk]),
                reverse("registry:export"), reverse("registry:export_xlsx"), reverse("registry:template"),
                reverse("areas:tree")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_helper_sees_only_own_households(client, cast, make_household, household):
    other = make_household(actor=cast["cadre_a"], head_name="杨国强")
    client.force_login(cast["helper"])
    assert client.get(reverse("registry:household", args=[other.pk])).status_code == 404
    assert "杨国强" not in client.get(reverse("registry:households")).content.decode()


def test_area_tree_counts_only_what_the_scope_covers(client, cast, make_household, household):
    make_household("640323100201", actor=cast["other_county"], id_number=None)
    client.force_login(cast["county"])
    body = client.get(reverse("areas:area", args=["640000000000"])).content.decode()
    assert "固原市" in body and "吴忠市" not in body
    client.force_login(cast["cadre_b"])
    assert client.get(reverse("areas:area", args=["640422100000"])).status_code == 200
    assert client.get(reverse("areas:area", args=["640323000000"])).status_code == 404

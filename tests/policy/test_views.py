"""The standards pages: every post reads them, province officers alone add and edit; the CSV opens in
Excel."""

import csv
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from jingzhun.policy.models import Key, Standard, StandardChange

pytestmark = pytest.mark.django_db
READERS = ["prefecture", "county", "township", "cadre_a", "helper", "auditor"]


def line(year: int = 2019, value: str = "3747") -> Standard:
    return Standard.objects.get(key="poverty_line", jurisdiction="", year_from=year, value=Decimal(value))


def signed_in(client, user, language: str | None = None):
    client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def edit_post(standard: Standard, **changes) -> dict:
    data = {"jurisdiction": standard.jurisdiction, "year_from": standard.year_from,
            "year_to": standard.year_to or "", "value": str(standard.value), "source": standard.source,
            "note": standard.note, "reason": "checked", **changes}
    for name in ("in_force", "verified"):
        if changes.get(name, getattr(standard, name)):
            data[name] = "on"
    return data


def new_post(**changes) -> dict:
    return {"key": "notice_days", "jurisdiction": "6404", "year_from": "2016", "year_to": "", "value": "5",
            "in_force": "on", "source": "Guyuan notice rules", "note": "", "reason": "Guyuan's own rule",
            **changes}


# The list ---------------------------------------------------------------------------------------------------

def test_province_officer_sees_every_key_grouped_with_add_and_edit(client, cast):
    body = signed_in(client, cast["province"], "en").get(reverse("policy:standards")).content.decode()
    assert 'id="add-standard"' in body
    assert body.count('<table class="standards"') == len(Key)  # every key, one table each
    lines = line()
    row = body[body.index(f'id="standard-{lines.pk}"'):]
    row = row[:row.index("</tr>")]
    assert "national" in row and "2019" in row and "3747" in row and "often quoted" in row
    assert reverse("policy:edit", args=[lines.pk]) in row
    incidence = Standard.objects.get(key="village_exit_incidence", jurisdiction="west")
    west = body[body.index(f'id="standard-{incidence.pk}"'):]
    assert "western region" in west[:west.index("</tr>")] and "0.03 (3%)" in west[:west.index("</tr>")]
    assert "2016 onwards" in west[:west.index("</tr>")]


def test_the_list_names_a_provinces_row_by_its_area_in_chinese(client, cast):
    Standard.objects.create(key="notice_days", jurisdiction="64", year_from=2016, value=5)
    body = signed_in(client, cast["county"]).get(reverse("policy:standards")).content.decode()
    assert "宁夏回族自治区" in body and "全国" in body and "西部地区" in body


def test_a_row_of_another_province_has_no_edit_link_even_for_the_province(client, cast):
    yunnan = Standard.objects.get(key="monitoring_threshold", jurisdiction="53")
    body = signed_in(client, cast["province"]).get(reverse("policy:standards")).content.decode()
    row = body[body.index(f'id="standard-{yunnan.pk}"'):]
    assert reverse("policy:edit", args=[yunnan.pk]) not in row[:row.index("</tr>")]
    assert client.get(reverse("policy:edit", args=[yunnan.pk])).status_code == 403


@pytest.mark.parametrize("who", READERS)
def test_other_posts_read_the_list_without_add_or_edit(client, cast, who):
    response = signed_in(client, cast[who]).get(reverse("policy:standards"))
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="standard-{line().pk}"' in body
    assert 'id="add-standard"' not in body and "/edit/" not in body


def test_the_outsider_is_refused_and_the_public_sent_to_sign_in(client, cast):
    for name in ("policy:standards", "policy:export", "policy:new"):
        assert signed_in(client, cast["outsider"]).get(reverse(name)).status_code == 403
    client.logout()
    for url in (reverse("policy:standards"), reverse("policy:standard", args=[line().pk]),
                reverse("policy:export"), reverse("policy:edit", args=[line().pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# A row and its history ------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["province", *READERS])
def test_every_post_reads_a_row_and_its_history(client, cast, who):
    standard = line()
    StandardChange.objects.create(standard=standard, actor=cast["province"], at="2026-03-02T09:30:00+08:00",
                                  field="verified", old="0", new="1", reason="checked the yearbook")
    body = signed_in(client, cast[who], "en").get(reverse("policy:standard", args=[standard.pk])).content
    body = body.decode()
    assert "3747" in body and "checked the yearbook" in body and "2026-03-02 09:30" in body
    assert ("verified against its source:</span> <del>no</del> → yes") in body
    assert ('id="edit-standard"' in body) is (who == "province")


def test_an_unknown_row_is_not_found_and_the_outsider_refused(client, cast):
    assert signed_in(client, cast["county"]).get(reverse("policy:standard", args=[10**6])).status_code == 404
    response = signed_in(client, cast["outsider"]).get(reverse("policy:standard", args=[line().pk]))
    assert response.status_code == 403


# Adding and editing ---------------------------------------------------------------------------------------

def test_province_officer_adds_a_row_and_opens_it(client, cast):
    signed_in(client, cast["province"])
    assert client.get(reverse("policy:new")).status_code == 200
    response = client.post(reverse("policy:new"), new_post())
    standard = Standard.objects.get(key="notice_days", jurisdiction="6404")
    assert response.status_code == 302
    assert response["Location"] == reverse("policy:standard", args=[standard.pk])
    body = client.get(response["Location"]).content.decode()
    assert "固原市" in body and "Guyuan&#x27;s own rule" in body


def test_a_bad_value_is_shown_at_its_field_and_nothing_is_stored(client, cast):
    signed_in(client, cast["province"], "en")
    for changes, field in [({"jurisdiction": "6499"}, "jurisdiction"), ({"year_to": "2010"}, "year_to"),
                           ({"key": "spot_check_share", "value": "20"}, "value"), ({"reason": ""}, "reason"),
                           ({"key": "notice_days", "jurisdiction": "", "value": "6"}, "year_from")]:
        response = client.post(reverse("policy:new"), new_post(**changes))
        assert response.status_code == 200
        body = response.content.decode()
        field_html = body[body.index(f'id="field-{field}"'):]
        assert "errorlist" in field_html[:field_html.index("</div>")], (changes, field)
    assert not Standard.objects.filter(key__in=["notice_days", "spot_check_share"],
                                       jurisdiction="6404").exists()
    assert Standard.objects.filter(key="notice_days").count() == 1


def test_province_officer_edits_the_2019_line_and_the_history_shows_it(client, cast):
    standard = line()
    signed_in(client, cast["province"], "en")
    form = client.get(reverse("policy:edit", args=[standard.pk])).content.decode()
    assert 'name="key"' not in form and 'name="reason"' in form and 'value="3747"' in form
    unchanged = client.post(reverse("policy:edit", args=[standard.pk]), edit_post(standard))
    assert unchanged.status_code == 200 and "Nothing was changed." in unchanged.content.decode()
    response = client.post(reverse("policy:edit", args=[standard.pk]),
                           edit_post(standard, value="3750", note="checked", reason="yearbook 2020"))
    assert response["Location"] == reverse("policy:standard", args=[standard.pk])
    standard.refresh_from_db()
    assert (standard.value, standard.note) == (Decimal("3750"), "checked")
    assert set(standard.changes.values_list("field", flat=True)) == {"value", "note"}
    body = client.get(response["Location"]).content.decode()
    assert "<del>3747</del> → 3750" in body
    assert body.count("yearbook 2020") == 1  # one edit, one entry of the history, both fields in it


def test_an_edit_that_would_overlap_is_shown_at_the_years(client, cast):
    signed_in(client, cast["province"], "en")
    lower = line(2019, "3218")
    response = client.post(reverse("policy:edit", args=[lower.pk]), edit_post(lower, in_force=True))
    assert response.status_code == 200
    assert f"row {line().pk}" in response.content.decode()
    lower.refresh_from_db()
    assert not lower.in_force


@pytest.mark.parametrize("who", [*READERS, "outsider"])
def test_only_the_province_may_open_or_send_the_forms(client, cast, who):
    standard = line()
    signed_in(client, cast[who])
    assert client.get(reverse("policy:new")).status_code == 403
    assert client.post(reverse("policy:new"), new_post()).status_code == 403
    assert client.get(reverse("policy:edit", args=[standard.pk])).status_code == 403
    assert client.post(reverse("policy:edit", args=[standard.pk]),
                       edit_post(standard, note="x")).status_code == 403
    standard.refresh_from_db()
    assert standard.note != "x" and not StandardChange.objects.exists()
    assert not Standard.objects.filter(key="notice_days", jurisdiction="6404").exists()


# The CSV --------------------------------------------------------------------------------------------------

def read_csv(response) -> list[list[str]]:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


@pytest.mark.parametrize("who", ["province", *READERS])
def test_the_csv_holds_every_row_with_chinese_headers(client, cast, who):
    response = signed_in(client, cast[who]).get(reverse("policy:export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="standards-')
    rows = read_csv(response)
    assert rows[0][:2] == ["标准代码", "标准"] and "来源" in rows[0]
    assert len(rows) == Standard.objects.count() + 1
    retired = next(r for r in rows if r[0] == "poverty_line" and r[4] == "2019" and r[6] == "3218")
    assert retired[7] == "否" and retired[3] == "全国"


def test_the_csv_in_english(client, cast):
    rows = read_csv(signed_in(client, cast["county"], "en").get(reverse("policy:export")))
    assert rows[0] == ["standard code", "standard", "jurisdiction code", "jurisdiction", "from year",
                       "until year", "value", "in force", "verified against its source", "source", "note"]
    incidence = next(r for r in rows if r[0] == "county_exit_incidence" and r[2] == "west")
    assert incidence[3:8] == ["western region", "2016", "", "0.03", "yes"]

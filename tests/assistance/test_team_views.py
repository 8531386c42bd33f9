"""The work-team pages through the test client: what each role reads, that only the county's officers see
and use the forms, and that nobody reads outside their area."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from jingzhun.areas.models import AreaFlag, Role
from jingzhun.assistance import team_actions
from jingzhun.assistance.models import TeamMember, WorkTeam
from tests.conftest import JIQIANG, PROVINCE, VILLAGE_A, VILLAGE_B, VILLAGE_C, XIJI, _user

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2021, 6, 15)
TEAMS, NEW = reverse("assistance:teams"), reverse("assistance:team_new")


@pytest.fixture(autouse=True)
def calendar(monkeypatch):
    now = timezone.make_aware(datetime.datetime(2021, 6, 15, 10, 0))
    monkeypatch.setattr("jingzhun.clock.today", lambda: TODAY)
    monkeypatch.setattr("jingzhun.clock.now", lambda: now)


@pytest.fixture
def team(cast):
    """Village A and B are poor; A has a serving team of three from the regional finance department, and
    an earlier team withdrawn in 2020."""
    for code in (VILLAGE_A, VILLAGE_B):
        AreaFlag.objects.create(area_id=code, kind=AreaFlag.Kind.POOR_VILLAGE, start_year=2014)
    earlier = team_actions.send_team(
        VILLAGE_A, actor=cast["county"], sending_unit="宁夏电力公司", started_on=datetime.date(2018, 3, 1),
        term_ends_on=datetime.date(2020, 3, 1), members=[{"name": "杨军", "position": "first_secretary"}])
    team_actions.withdraw_team(earlier, actor=cast["county"], ended_on=datetime.date(2020, 2, 28),
                               reason="任期届满")
    return team_actions.send_team(
        VILLAGE_A, actor=cast["county"], sending_unit="自治区财政厅", started_on=datetime.date(2020, 3, 1),
        term_ends_on=datetime.date(2022, 3, 1),
        members=[{"name": "王强", "position": "first_secretary", "phone": "13912345678"},
                 {"name": "李明", "position": "leader"}, {"name": "张华", "position": "member"}])


def page(client, cast, who, url, params=None, **headers):
    client.force_login(cast[who])
    return client.get(url, params or {}, **headers)


def team_url(team, suffix=""):
    return reverse(f"assistance:team{suffix}", args=[team.pk])


def test_a_village_shows_its_serving_team_with_the_first_secretary_and_past_teams(client, cast, team):
    response = page(client, cast, "cadre_a", TEAMS, {"area": VILLAGE_A})
    text = response.content.decode()
    assert response.status_code == 200
    assert 'id="serving-team"' in text and "自治区财政厅" in text
    secretary = team.members.get(position="first_secretary")
    assert f'id="member-{secretary.pk}" data-position="first_secretary"' in text
    assert 'class="badge first-secretary"' in text and "13912345678" in text
    assert 'id="past-teams"' in text and "宁夏电力公司" in text and "任期届满" in text
    assert 'id="team-check" data-problems=""' in text  # meets the standard
    assert 'id="send-team"' not in text  # a cadre does not send teams
    assert "assistance/teams.css" in text


def test_a_poor_village_without_a_team_says_so_and_the_county_may_send_one(client, cast, team):
    text = page(client, cast, "county", TEAMS, {"area": VILLAGE_B}).content.decode()
    assert 'id="no-serving-team"' in text and 'data-problems="no_team"' in text
    assert f'href="{NEW}?village={VILLAGE_B}" id="send-team"' in text
    text = page(client, cast, "county", TEAMS, {"area": VILLAGE_A}).content.decode()
    assert 'id="send-team"' not in text  # A has a serving team


def test_a_township_lists_its_villages_with_readable_problems(client, cast, team):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = page(client, cast, "township", TEAMS, {"area": JIQIANG, "year": 2021})
    text = response.content.decode()
    assert 'id="team-gaps"' in text and 'id="team-villages"' in text
    assert f'id="village-{VILLAGE_B}" class="required has-problems no_team"' in text
    assert 'data-problem="no_team">no team</span>' in text
    assert f'id="village-{VILLAGE_A}" class="required"' in text
    total = response.context["total"]
    assert (total.required, total.with_team, total.meeting, total.no_team) == (2, 1, 1, 1)


def test_a_county_sees_counts_per_township_linking_down(client, cast, team):
    response = page(client, cast, "county", TEAMS, {"area": XIJI, "year": 2021})
    text = response.content.decode()
    assert f'<tr data-area="{JIQIANG}"><td><a href="{TEAMS}?area={JIQIANG}&amp;year=2021">' in text
    assert 'id="team-villages"' not in text
    jiqiang = next(row.tally for row, _url in response.context["rows"] if row.area.code == JIQIANG)
    assert (jiqiang.required, jiqiang.no_team) == (2, 1)


def test_the_page_defaults_to_the_reader_s_area_and_this_year(client, cast, team):
    response = page(client, cast, "cadre_b", TEAMS)
    assert response.context["area"].code == VILLAGE_B and response.context["year"] == 2021


def test_nobody_reads_outside_their_area(client, cast, team):
    assert page(client, cast, "other_county", TEAMS, {"area": VILLAGE_A}).status_code == 404
    assert page(client, cast, "cadre_b", TEAMS, {"area": VILLAGE_A}).status_code == 404
    assert page(client, cast, "helper", TEAMS, {"area": VILLAGE_B}).status_code == 404
    assert page(client, cast, "outsider", TEAMS, {"area": VILLAGE_A}).status_code == 403
    partner = _user("partner", Role.PAIRING_PARTNER, PROVINCE)
    client.force_login(partner)
    assert client.get(TEAMS, {"area": VILLAGE_A}).status_code == 403
    client.logout()
    assert client.get(TEAMS, {"area": VILLAGE_A}).status_code == 302  # to sign in


def test_a_year_outside_the_standards_is_refused(client, cast, team):
    assert page(client, cast, "county", TEAMS, {"area": XIJI, "year": 2030}).status_code == 400


@pytest.mark.parametrize("who", ["helper", "auditor", "province", "township", "cadre_a"])
def test_readers_see_a_team_without_its_forms(client, cast, team, who):
    response = page(client, cast, who, team_url(team))
    text = response.content.decode()
    assert response.status_code == 200 and "王强" in text and 'id="team-trail"' in text
    for form in ("add-member-form", "end-member-form", "withdraw-form"):
        assert f'id="{form}"' not in text


def test_the_county_s_officer_sees_the_forms(client, cast, team):
    text = page(client, cast, "county", team_url(team)).content.decode()
    for form in ("add-member-form", "end-member-form", "withdraw-form"):
        assert f'id="{form}"' in text
    assert f'action="{team_url(team, "_withdraw")}"' in text


def test_a_team_outside_the_area_is_not_found(client, cast, team):
    assert page(client, cast, "other_county", team_url(team)).status_code == 404
    assert page(client, cast, "cadre_b", team_url(team)).status_code == 404
    assert page(client, cast, "outsider", team_url(team)).status_code == 403


def test_a_member_joins_and_another_leaves_through_the_forms(client, cast, team):
    client.force_login(cast["county"])
    response = client.post(team_url(team, "_add_member"), {
        "add-name": "赵刚", "add-position": "member", "add-phone": "13800000001",
        "add-started_on": "2021-06-01"})
    assert response.status_code == 302
    joined = team.members.get(name="赵刚")
    assert (joined.unit, joined.started_on) == ("自治区财政厅", datetime.date(2021, 6, 1))
    leader = team.members.get(position="leader")
    response = client.post(team_url(team, "_end_member"), {
        "end-member": leader.pk, "end-ended_on": "2021-06-10", "end-reason": "调回原单位"})
    assert response.status_code == 302
    leader.refresh_from_db()
    assert leader.ended_on == datetime.date(2021, 6, 10)


def test_form_errors_show_at_their_fields(client, cast, team):
    client.force_login(cast["county"])
    response = client.post(team_url(team, "_add_member"), {
        "add-name": "赵刚", "add-position": "first_secretary", "add-started_on": "2021-06-01"})
    assert response.status_code == 200
    assert response.context["add_form"].errors["position"]  # the action's refusal, at its field
    response = client.post(team_url(team, "_add_member"), {
        "add-name": "赵刚", "add-position": "member", "add-phone": "12345", "add-started_on": "2021-06-01"})
    assert response.context["add_form"].errors["phone"]
    assert not team.members.filter(name="赵刚").exists()


def test_withdrawing_through_the_form_ends_the_members(client, cast, team):
    client.force_login(cast["county"])
    response = client.post(team_url(team, "_withdraw"), {"withdraw-ended_on": "2021-06-01",
                                                         "withdraw-reason": "任期届满"})
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.ended_on == datetime.date(2021, 6, 1)
    assert not team.members.filter(ended_on__isnull=True).exists()
    text = client.get(team_url(team)).content.decode()
    assert 'data-state="withdrawn"' in text and 'id="withdraw-form"' not in text
    again = client.post(team_url(team, "_add_member"), {"add-name": "赵刚", "add-position": "member",
                                                        "add-started_on": "2021-06-10"})
    assert again.status_code == 409 and not team.members.filter(name="赵刚").exists()


@pytest.mark.parametrize("who, status", [("township", 403), ("cadre_a", 403), ("province", 403),
                                         ("other_county", 404), ("outsider", 403)])
def test_only_the_county_s_officer_posts(client, cast, team, who, status):
    client.force_login(cast[who])
    response = client.post(team_url(team, "_withdraw"), {"withdraw-ended_on": "2021-06-01",
                                                         "withdraw-reason": "任期届满"})
    assert response.status_code == status
    member = team.members.first()
    response = client.post(team_url(team, "_end_member"), {"end-member": member.pk,
                                                           "end-ended_on": "2021-06-01", "end-reason": "x"})
    assert response.status_code == status
    team.refresh_from_db()
    assert team.ended_on is None and not team.members.filter(ended_on__isnull=False).exists()


def test_the_county_sends_a_team_with_its_members(client, cast, team):
    client.force_login(cast["county"])
    assert 'id="team-form"' in client.get(NEW, {"village": VILLAGE_B}).content.decode()
    response = client.post(f"{NEW}?village={VILLAGE_B}", {
        "sending_unit": "固原市教育局", "started_on": "2021-04-01", "term_ends_on": "2023-04-01", "note": "",
        "members-TOTAL_FORMS": "6", "members-INITIAL_FORMS": "0",
        "members-0-name": "马林", "members-0-position": "first_secretary", "members-0-phone": "13700000000",
        "members-1-name": "田雨", "members-1-position": "member", "members-1-unit": "西吉县农业农村局",
        **{f"members-{i}-position": "member" for i in range(2, 6)}})
    created = WorkTeam.objects.get(village_id=VILLAGE_B)
    assert response.status_code == 302 and response["Location"] == team_url(created)
    assert sorted(created.members.values_list("name", "unit")) == [("田雨", "西吉县农业农村局"),
                                                                    ("马林", "固原市教育局")]


def test_the_new_team_form_shows_member_errors_and_a_serving_team(client, cast, team):
    client.force_login(cast["county"])
    response = client.post(f"{NEW}?village={VILLAGE_B}", {
        "sending_unit": "固原市教育局", "started_on": "2021-04-01", "term_ends_on": "2023-04-01",
        "members-TOTAL_FORMS": "2", "members-INITIAL_FORMS": "0",
        "members-0-name": "马林", "members-0-position": "first_secretary",
        "members-1-name": "田雨", "members-1-position": "first_secretary"})
    assert response.status_code == 200 and 'id="member-errors"' in response.content.decode()
    response = client.post(f"{NEW}?village={VILLAGE_B}", {
        "sending_unit": "固原市教育局", "started_on": "2021-04-01", "term_ends_on": "2023-04-01",
        "members-TOTAL_FORMS": "1", "members-INITIAL_FORMS": "0",
        "members-0-name": "马林", "members-0-position": "member", "members-0-phone": "139"})
    assert response.context["rows"].forms[0].errors["phone"]
    response = client.post(f"{NEW}?village={VILLAGE_B}", {
        "sending_unit": "固原市教育局", "started_on": "2021-04-01", "term_ends_on": "2021-03-01",
        "members-TOTAL_FORMS": "1", "members-INITIAL_FORMS": "0",
        "members-0-name": "马林", "members-0-position": "member"})
    assert response.context["form"].errors["term_ends_on"]  # the action's refusal, at its field
    assert not WorkTeam.objects.filter(village_id=VILLAGE_B).exists()
    text = client.get(NEW, {"village": VILLAGE_A}).content.decode()
    assert 'id="serving-notice"' in text and 'id="team-form"' not in text


@pytest.mark.parametrize("who, village, status", [
    ("township", VILLAGE_B, 403), ("cadre_b", VILLAGE_B, 403), ("province", VILLAGE_B, 403),
    ("other_county", VILLAGE_B, 404), ("county", VILLAGE_C, 404), ("county", JIQIANG, 404),
    ("outsider", VILLAGE_B, 403)])
def test_only_the_county_s_officer_opens_the_new_team_form(client, cast, team, who, village, status):
    assert page(client, cast, who, NEW, {"village": village}).status_code == status
    response = client.post(f"{NEW}?village={village}", {"sending_unit": "x", "started_on": "2021-04-01",
                                                        "term_ends_on": "2023-04-01"})
    assert response.status_code == status
    assert not TeamMember.objects.filter(team__village_id=village).exists()

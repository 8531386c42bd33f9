"""Sending, changing and withdrawing villages' resident work teams: who may, one serving team a village,
members' dates, and the area trail each write leaves."""

import datetime

import pytest
from django.utils import timezone

from jingzhun.assistance import team_actions
from jingzhun.assistance.models import Change, TeamMember, WorkTeam
from jingzhun.errors import DomainError, InvalidTransition, NotAllowed, OutOfScope
from tests.conftest import JIQIANG, VILLAGE_A, VILLAGE_C

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

TODAY = datetime.date(2021, 6, 15)
FS, LEADER, MEMBER = "first_secretary", "leader", "member"


@pytest.fixture(autouse=True)
def calendar(monkeypatch):
    """Mid-2021: 2020 is a closed year, 2021 still running."""
    now = timezone.make_aware(datetime.datetime(2021, 6, 15, 10, 0))
    monkeypatch.setattr("jingzhun.clock.today", lambda: TODAY)
    monkeypatch.setattr("jingzhun.clock.now", lambda: now)


def people(*positions: str) -> list[dict]:
    names = iter(["王强", "李明", "张华", "刘洋", "陈静"])
    return [{"name": next(names), "unit": "", "position": p, "phone": ""} for p in positions]


def send(actor, village=VILLAGE_A, positions=(FS, LEADER, MEMBER), started=datetime.date(2020, 3, 1),
         ends=datetime.date(2022, 3, 1), unit="自治区财政厅"):
    return team_actions.send_team(village, actor=actor, sending_unit=unit, started_on=started,
                                  term_ends_on=ends, members=people(*positions))


def test_a_county_officer_sends_a_team_with_its_members_and_the_trail_records_it(cast):
    team = send(cast["county"])
    members = list(team.members.order_by("id"))
    assert [(m.position, m.unit, m.started_on) for m in members] == [
        (FS, "自治区财政厅", datetime.date(2020, 3, 1)), (LEADER, "自治区财政厅", datetime.date(2020, 3, 1)),
        (MEMBER, "自治区财政厅", datetime.date(2020, 3, 1))]
    assert team.created_by == cast["county"]
    created = Change.objects.filter(area_code=VILLAGE_A, action=Change.Action.CREATE)
    assert sorted(created.values_list("entity", flat=True)) == ["team", "team_member", "team_member",
                                                                "team_member"]
    team_row = created.get(entity="team")
    assert team_row.entity_id == team.pk and team_row.actor == cast["county"]
    assert "自治区财政厅" in team_row.new and "2022-03-01" in team_row.new


@pytest.mark.parametrize("who", ["province", "prefecture", "township", "cadre_a", "helper", "auditor"])
def test_only_county_officers_write_teams(cast, who):
    with pytest.raises(NotAllowed):
        send(cast[who])
    assert not WorkTeam.objects.exists() and not Change.objects.exists()


def test_another_county_s_officer_is_out_of_scope(cast):
    with pytest.raises(OutOfScope):
        send(cast["other_county"])
    team = send(cast["county"])
    with pytest.raises(OutOfScope):
        team_actions.withdraw_team(team, actor=cast["other_county"], ended_on=TODAY, reason="term over")
    with pytest.raises(OutOfScope):
        team_actions.add_team_member(team, actor=cast["other_county"], name="赵刚", position=MEMBER)
    with pytest.raises(OutOfScope):
        send(cast["outsider"])


def test_a_team_goes_to_a_village_only(cast):
    with pytest.raises(DomainError, match="sent to a village"):
        send(cast["county"], village=JIQIANG)


def test_a_second_serving_team_is_refused_until_the_first_is_withdrawn(cast):
    first = send(cast["county"])
    with pytest.raises(DomainError, match="serving work team") as refused:
        send(cast["county"], started=datetime.date(2021, 5, 1), unit="宁夏电力公司")
    assert refused.value.field == "village"
    team_actions.withdraw_team(first, actor=cast["county"], ended_on=datetime.date(2021, 4, 30),
                               reason="term over")
    with pytest.raises(DomainError, match="before the last one was withdrawn"):
        send(cast["county"], started=datetime.date(2021, 4, 1), unit="宁夏电力公司")
    second = send(cast["county"], started=datetime.date(2021, 5, 1), ends=datetime.date(2023, 5, 1),
                  unit="宁夏电力公司")
    assert list(WorkTeam.objects.filter(village_id=VILLAGE_A, ended_on__isnull=True)) == [second]


def test_the_term_ends_after_it_starts_and_the_team_has_arrived(cast):
    with pytest.raises(DomainError) as refused:
        send(cast["county"], ends=datetime.date(2020, 3, 1))
    assert refused.value.field == "term_ends_on"
    with pytest.raises(DomainError) as refused:
        send(cast["county"], started=TODAY + datetime.timedelta(days=1), ends=datetime.date(2024, 1, 1))
    assert refused.value.field == "started_on"
    with pytest.raises(DomainError, match="at least one member"):
        team_actions.send_team(VILLAGE_A, actor=cast["county"], sending_unit="财政厅",
                               started_on=datetime.date(2020, 3, 1), term_ends_on=datetime.date(2022, 3, 1),
                               members=[])


def test_one_first_secretary_and_well_formed_phones(cast):
    with pytest.raises(DomainError, match="one serving first secretary"):
        send(cast["county"], positions=(FS, FS))
    bad_phone = [{"name": "王强", "position": FS, "phone": "0954123456"}]
    with pytest.raises(DomainError, match="Member 1: A phone number has 11 digits") as refused:
        team_actions.send_team(VILLAGE_A, actor=cast["county"], sending_unit="财政厅",
                               started_on=datetime.date(2020, 3, 1), term_ends_on=datetime.date(2022, 3, 1),
                               members=bad_phone)
    assert refused.value.field == "phone"
    team = send(cast["county"])
    with pytest.raises(DomainError, match="one serving first secretary") as refused:
        team_actions.add_team_member(team, actor=cast["county"], name="赵刚", position=FS)
    assert refused.value.field == "position"
    with pytest.raises(DomainError, match="11 digits"):
        team_actions.add_team_member(team, actor=cast["county"], name="赵刚", position=MEMBER,
                                     phone="1391234567")
    joined = team_actions.add_team_member(team, actor=cast["county"], name="赵刚", position=MEMBER,
                                          phone="13912345678", unit="固原市农业农村局")
    assert (joined.phone, joined.unit, joined.started_on) == ("13912345678", "固原市农业农村局", TODAY)


def test_member_dates_hold_to_the_team_s(cast):
    team = send(cast["county"])
    with pytest.raises(DomainError, match="before the team arrived") as refused:
        team_actions.add_team_member(team, actor=cast["county"], name="赵刚", position=MEMBER,
                                     started_on=datetime.date(2020, 2, 1))
    assert refused.value.field == "started_on"
    late = team_actions.add_team_member(team, actor=cast["county"], name="赵刚", position=MEMBER,
                                        started_on=datetime.date(2021, 1, 10))
    with pytest.raises(DomainError, match="before joining") as refused:
        team_actions.end_team_member(late, actor=cast["county"], ended_on=datetime.date(2021, 1, 9),
                                     reason="recalled")
    assert refused.value.field == "ended_on"
    with pytest.raises(DomainError, match="future"):
        team_actions.end_team_member(late, actor=cast["county"], ended_on=TODAY + datetime.timedelta(days=1),
                                     reason="recalled")
    with pytest.raises(DomainError, match="required"):
        team_actions.end_team_member(late, actor=cast["county"], ended_on=TODAY, reason=" ")


def test_a_member_leaves_once_with_a_reason_on_the_trail(cast):
    team = send(cast["county"])
    secretary = team.members.get(position=FS)
    team_actions.end_team_member(secretary, actor=cast["county"], ended_on=datetime.date(2021, 3, 31),
                                 reason="recalled by the unit")
    secretary.refresh_from_db()
    assert secretary.ended_on == datetime.date(2021, 3, 31)
    closed = Change.objects.get(entity="team_member", entity_id=secretary.pk, action=Change.Action.CLOSE)
    assert (closed.field, closed.new, closed.reason, closed.area_code) == (
        "ended_on", "2021-03-31", "recalled by the unit", VILLAGE_A)
    with pytest.raises(InvalidTransition):
        team_actions.end_team_member(secretary, actor=cast["county"], ended_on=TODAY, reason="again")
    # With the first secretary gone a new one may join.
    successor = team_actions.add_team_member(team, actor=cast["county"], name="赵刚", position=FS)
    assert successor.position == FS


def test_withdrawal_ends_every_serving_member_and_closes_the_team(cast):
    team = send(cast["county"])
    gone = team.members.get(position=MEMBER)
    team_actions.end_team_member(gone, actor=cast["county"], ended_on=datetime.date(2020, 9, 1), reason="ill")
    late = team_actions.add_team_member(team, actor=cast["county"], name="赵刚", position=MEMBER,
                                        started_on=datetime.date(2021, 2, 1))
    with pytest.raises(DomainError, match="before it or one of its members arrived"):
        team_actions.withdraw_team(team, actor=cast["county"], ended_on=datetime.date(2021, 1, 31),
                                   reason="term over")
    team_actions.withdraw_team(team, actor=cast["county"], ended_on=datetime.date(2021, 3, 1),
                               reason="term over")
    team.refresh_from_db()
    assert team.ended_on == datetime.date(2021, 3, 1)
    ends = dict(TeamMember.objects.filter(team=team).values_list("pk", "ended_on"))
    assert ends[gone.pk] == datetime.date(2020, 9, 1)  # left earlier: kept as it was
    assert ends[late.pk] == datetime.date(2021, 3, 1)
    assert not TeamMember.objects.filter(team=team, ended_on__isnull=True).exists()
    closes = Change.objects.filter(action=Change.Action.CLOSE, reason="term over", area_code=VILLAGE_A)
    assert closes.filter(entity="team", entity_id=team.pk).count() == 1
    assert closes.filter(entity="team_member").count() == 3  # secretary, leader, the late member
    assert TeamMember.objects.filter(team=team).count() == 4  # nothing deleted


def test_a_withdrawn_team_can_no_longer_change(cast):
    team = send(cast["county"])
    team_actions.withdraw_team(team, actor=cast["county"], ended_on=TODAY, reason="term over")
    with pytest.raises(InvalidTransition):
        team_actions.withdraw_team(team, actor=cast["county"], ended_on=TODAY, reason="again")
    with pytest.raises(InvalidTransition):
        team_actions.add_team_member(team, actor=cast["county"], name="赵刚", position=MEMBER)


def test_a_county_officer_of_yanchi_manages_yanchi_s_villages(cast):
    team = send(cast["other_county"], village=VILLAGE_C)
    assert team.village_id == VILLAGE_C
    with pytest.raises(OutOfScope):
        team_actions.withdraw_team(team, actor=cast["county"], ended_on=TODAY, reason="term over")

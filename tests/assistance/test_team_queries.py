"""Poor villages' work teams against the year's standard, and the counts of gaps for townships, counties
and larger areas, read through the reader's scope."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jingzhun.areas.models import Area, AreaFlag, Level
from jingzhun.areas.scope import scope_for
from jingzhun.assistance import team_actions, team_queries, team_rules
from jingzhun.errors import DomainError
from jingzhun.policy.models import Standard
from tests.conftest import GUYUAN, JIQIANG, PROVINCE, VILLAGE_A, VILLAGE_B, VILLAGE_C, XIJI, YANCHI

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2021, 6, 15)
FS, LEADER, MEMBER = "first_secretary", "leader", "member"


@pytest.fixture(autouse=True)
def calendar(monkeypatch):
    now = timezone.make_aware(datetime.datetime(2021, 6, 15, 10, 0))
    monkeypatch.setattr("jingzhun.clock.today", lambda: TODAY)
    monkeypatch.setattr("jingzhun.clock.now", lambda: now)


def poor(*codes: str, start: int = 2014, end: int | None = None) -> None:
    AreaFlag.objects.bulk_create([AreaFlag(area_id=code, kind=AreaFlag.Kind.POOR_VILLAGE, start_year=start,
                                           end_year=end) for code in codes])


def send(actor, village=VILLAGE_A, positions=(FS, LEADER, MEMBER), started=datetime.date(2020, 3, 1),
         ends=datetime.date(2022, 3, 1)):
    members = [{"name": f"队员{i}", "position": p} for i, p in enumerate(positions)]
    return team_actions.send_team(village, actor=actor, sending_unit="自治区财政厅", started_on=started,
                                  term_ends_on=ends, members=members)


def status(cast, village=VILLAGE_A, year=2021, who="county"):
    return team_queries.village_status(scope_for(cast[who]), Area.objects.get(code=village), year)


def test_a_poor_village_without_a_team_shows_no_team(cast):
    poor(VILLAGE_A)
    found = status(cast)
    assert found.required and found.team is None
    assert found.check.problems == ("no_team",)
    assert found.problems[0][0] == "no_team"


def test_a_village_is_checked_from_its_first_poor_year_and_after_its_exit_while_the_standard_says_so(cast):
    poor(VILLAGE_A, start=2016, end=2019)
    before = status(cast, year=2015)
    assert not before.required and before.check is None and before.problems == []
    assert status(cast, year=2019).check.problems == ("no_team",)
    assert status(cast, year=2021).check.problems == ("no_team",)  # left poverty, keeps its team
    Standard.objects.create(key="work_team_after_exit", jurisdiction="640422", year_from=2021, value=0,
                            source="a county's own rule, for the test")
    assert not status(cast, year=2021).required
    assert status(cast, year=2019).required  # still poor that year


def test_a_team_of_two_is_too_few_in_2020_and_enough_from_2021(cast):
    poor(VILLAGE_A)
    send(cast["county"], positions=(FS, MEMBER))
    assert status(cast, year=2020).check.problems == ("too_few",)
    later = status(cast, year=2021)
    assert later.check.ok and later.team.serving == 2 and later.team.first_secretaries == 1


def test_a_short_term_and_a_missing_first_secretary_are_flagged(cast):
    poor(VILLAGE_A)
    send(cast["county"], positions=(LEADER, MEMBER, MEMBER), ends=datetime.date(2021, 2, 28))
    assert status(cast).check.problems == ("no_first_secretary", "short_term")


def test_a_year_is_judged_by_the_team_and_members_serving_at_its_end(cast):
    poor(VILLAGE_A)
    team = send(cast["county"], started=datetime.date(2020, 3, 1))
    secretary = team.members.get(position=FS)
    team_actions.end_team_member(secretary, actor=cast["county"], ended_on=datetime.date(2021, 1, 5),
                                 reason="recalled")
    assert status(cast, year=2020).check.ok  # still there on 31 December 2020
    assert set(status(cast, year=2021).check.problems) == {"no_first_secretary"}
    assert status(cast, year=2019).check.problems == ("no_team",)  # the team arrived in 2020
    team_actions.withdraw_team(team, actor=cast["county"], ended_on=datetime.date(2021, 3, 1), reason="over")
    assert status(cast, year=2021).check.problems == ("no_team",)


def test_township_counts_per_village_and_the_village_list(cast):
    poor(VILLAGE_A, VILLAGE_B)
    send(cast["county"], village=VILLAGE_A, positions=(FS, MEMBER))
    township = Area.objects.get(code=JIQIANG)
    rows, total = team_queries.team_counts(scope_for(cast["township"]), township, 2021)
    by_code = {row.area.code: row.tally for row in rows}
    assert len(rows) == township.children.count()
    assert by_code[VILLAGE_A] == team_rules.Tally(required=1, with_team=1, meeting=1)
    assert by_code[VILLAGE_B] == team_rules.Tally(required=1, no_team=1)
    assert total == team_rules.Tally(required=2, with_team=1, meeting=1, no_team=1)
    rows_2020, total_2020 = team_queries.team_counts(scope_for(cast["township"]), township, 2020)
    assert total_2020 == team_rules.Tally(required=2, with_team=1, no_team=1, too_few=1)
    statuses = {s.village.code: s for s in team_queries.village_statuses(scope_for(cast["township"]),
                                                                          township, 2021)}
    assert statuses[VILLAGE_B].check.problems == ("no_team",)
    assert statuses[VILLAGE_A].team.sending_unit == "自治区财政厅"
    assert not any(s.required for code, s in statuses.items() if code not in (VILLAGE_A, VILLAGE_B))


def test_county_and_province_counts_add_up_by_child(cast):
    poor(VILLAGE_A, VILLAGE_B, VILLAGE_C)
    send(cast["county"], village=VILLAGE_A)
    send(cast["other_county"], village=VILLAGE_C, positions=(MEMBER,))
    rows, total = team_queries.team_counts(scope_for(cast["county"]), Area.objects.get(code=XIJI), 2021)
    jiqiang = next(row.tally for row in rows if row.area.code == JIQIANG)
    assert jiqiang == team_rules.Tally(required=2, with_team=1, meeting=1, no_team=1) == total
    assert all(row.area.level == Level.TOWNSHIP for row in rows)
    rows, total = team_queries.team_counts(scope_for(cast["province"]), Area.objects.get(code=PROVINCE), 2021)
    guyuan = next(row.tally for row in rows if row.area.code == GUYUAN)
    assert guyuan.required == 2 and guyuan.meeting == 1
    assert total == team_rules.Tally(required=3, with_team=2, meeting=1, no_team=1, too_few=1,
                                     no_first_secretary=1)


def test_counts_keep_to_the_reader_s_scope(cast):
    poor(VILLAGE_A, VILLAGE_B, VILLAGE_C)
    rows, total = team_queries.team_counts(scope_for(cast["county"]), Area.objects.get(code=PROVINCE), 2021)
    assert total.required == 2  # Yanchi's village is not Xiji's officer's to count
    assert [row.area.code for row in rows] == [GUYUAN]  # only the way down to Xiji
    rows, total = team_queries.team_counts(scope_for(cast["cadre_a"]), Area.objects.get(code=JIQIANG), 2021)
    assert [row.area.code for row in rows] == [VILLAGE_A] and total.required == 1
    statuses = team_queries.village_statuses(scope_for(cast["cadre_a"]), Area.objects.get(code=JIQIANG), 2021)
    assert [s.village.code for s in statuses] == [VILLAGE_A]
    rows, total = team_queries.team_counts(scope_for(cast["county"]), Area.objects.get(code=YANCHI), 2021)
    assert rows == [] and total.required == 0


def test_a_province_is_counted_in_a_fixed_number_of_queries(cast):
    xiji = list(Area.objects.filter(level=Level.VILLAGE, code__startswith="640422").values_list("code",
                                                                                                 flat=True))
    poor(*xiji)
    for code in xiji[:20]:
        send(cast["county"], village=code)
    scope, province = scope_for(cast["province"]), Area.objects.get(code=PROVINCE)
    with CaptureQueriesContext(connection) as queries:
        rows, total = team_queries.team_counts(scope, province, 2021)
    assert total.required == len(xiji) and total.meeting == 20 and total.no_team == len(xiji) - 20
    assert len(queries) == 4  # children, poor villages' flags, serving teams, standards


def test_the_year_comes_from_the_query_string_within_the_standards_years():
    assert team_queries.year_from(None) == 2021 and team_queries.year_from("2016") == 2016
    for wrong in ("2013", "2022", "abc", "-1"):
        with pytest.raises(DomainError):
            team_queries.year_from(wrong)


def test_phone_numbers_and_the_day_a_year_is_judged():
    assert team_rules.phone_ok("13912345678")
    wrong = ("23912345678", "1391234567", "139123456789", "1３９１２３４５６７８", "139-1234-567")
    assert not any(team_rules.phone_ok(p) for p in wrong)
    assert team_rules.reference_day(2020, TODAY) == datetime.date(2020, 12, 31)
    assert team_rules.reference_day(2021, TODAY) == TODAY

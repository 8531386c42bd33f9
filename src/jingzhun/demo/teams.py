"""Resident work teams of the demo's poor villages: one team after another in terms of the standard's
years, from the village's flag to today, the last still serving; three members (two from 2021, as the
standard allows), one of them the first secretary. Not written to the area trail (Change)."""

import datetime
import random

from django.core.management.color import no_style
from django.db import connection, transaction

from jingzhun import clock
from jingzhun.areas.models import Area, AreaFlag, Level
from jingzhun.assistance import queries
from jingzhun.assistance.models import TeamMember, WorkTeam
from jingzhun.registry.bulk import Writer, reserve_ids

from . import calibration as cal
from . import names
from .assistance import used_phones
from .helpers import DEPARTMENTS, Phones

# Units sending teams: region departments, institutions and enterprises in Ningxia, and central units'
# branches there (a list of the kinds that sent teams, not a record of which unit went where).
REGION_UNITS = (
    "宁夏回族自治区财政厅", "宁夏回族自治区教育厅", "宁夏回族自治区卫生健康委员会",
    "宁夏回族自治区农业农村厅",
    "宁夏回族自治区水利厅", "宁夏回族自治区交通运输厅", "宁夏回族自治区人力资源和社会保障厅",
    "宁夏回族自治区民政厅", "宁夏回族自治区住房和城乡建设厅", "宁夏回族自治区自然资源厅", "宁夏大学",
    "宁夏医科大学", "宁夏回族自治区人民医院", "宁夏农林科学院", "固原市人民政府办公室", "中卫市农业农村局",
    "国网宁夏电力有限公司", "宁夏黄河农村商业银行")
CENTRAL_UNITS = (
    "中国人民银行银川中心支行", "国家税务总局宁夏回族自治区税务局", "中国农业发展银行宁夏回族自治区分行",
    "中国移动通信集团宁夏有限公司", "中国邮政集团有限公司宁夏回族自治区分公司", "国家统计局宁夏调查总队",
    "中国农业银行宁夏回族自治区分行", "国家能源集团宁夏煤业有限责任公司")
TERM_YEARS_KEY = "work_team_term_years"
TEAM_FIELDS = ("id", "village_id", "sending_unit", "started_on", "term_ends_on", "ended_on", "note")
MEMBER_FIELDS = ("team_id", "name", "unit", "position", "phone", "started_on", "ended_on")
SMALLER_FROM = 2021  # teams of two from then on (work_team_min_members 2)


def _sending_unit(rng, county_name: str) -> str:
    roll = rng.random()
    if roll < 0.35:
        return REGION_UNITS[int(rng.random() * len(REGION_UNITS))]
    if roll < 0.5:
        return CENTRAL_UNITS[int(rng.random() * len(CENTRAL_UNITS))]
    return county_name + DEPARTMENTS[int(rng.random() * len(DEPARTMENTS))]


def _member(rng, team: tuple, position: str, county: str, phones: Phones) -> tuple:
    team_id, _village, unit, started, _term, ended, _note = team
    hui = rng.random() < cal.HUI_SHARE.get(county, 0.3) * 0.6
    male = rng.random() < (0.85 if position == TeamMember.Position.FIRST_SECRETARY else 0.65)
    born = 1968 + int(rng.random() * 28)
    return (team_id, names.full_name(rng, names.surname(rng, hui), male, born, hui), unit, position,
            phones.draw(), started, ended)


def _add_years(day: datetime.date, years: int) -> datetime.date:
    return day.replace(year=day.year + years)


@transaction.atomic
def build_teams(seed: int = 2013, phones: Phones | None = None) -> tuple[int, int]:
    """Teams and members of every poor village; returns (teams, villages)."""
    rng = random.Random(seed * 104729 + 17)
    today = clock.today()
    phones = phones or Phones(rng, used_phones())
    counties = {code[:6]: name for code, name in
                Area.objects.filter(level=Level.COUNTY).values_list("code", "name_zh")}
    flags = (AreaFlag.objects.filter(kind=AreaFlag.Kind.POOR_VILLAGE).order_by("area_id", "start_year")
             .values_list("area_id", "start_year"))
    first_year = {}
    for village, start in flags:
        first_year.setdefault(village, start)
    teams, members, terms = [], [], {}
    for village, year in first_year.items():
        county_name = counties.get(village[:6], "")
        # Teams rotate in spring; each village's date drawn once (assumed).
        start = datetime.date(year, 3, 1) + datetime.timedelta(days=int(rng.random() * 75))
        key = (village[:6], start.year)  # standards differ by year and jurisdiction, not by village here
        if key not in terms:
            terms[key] = int(queries.standard(TERM_YEARS_KEY, start.year, village[:6] + "000000"))
        term = terms[key]
        while start <= today:
            ends = _add_years(start, term)
            team = (len(teams), village, _sending_unit(rng, county_name), start.isoformat(), ends.isoformat(),
                    ends.isoformat() if ends <= today else None, "")
            size = 2 if start.year >= SMALLER_FROM else 3
            positions = [TeamMember.Position.FIRST_SECRETARY] + [TeamMember.Position.MEMBER] * (size - 1)
            if size == 3 and rng.random() < 0.3:
                positions[1] = TeamMember.Position.LEADER
            teams.append(team)
            members += [_member(rng, team, position, village[:6], phones) for position in positions]
            start = ends
    with connection.cursor() as cursor:
        ids = reserve_ids(cursor, WorkTeam, len(teams))
        writer = Writer(cursor, {"team": (WorkTeam, TEAM_FIELDS), "member": (TeamMember, MEMBER_FIELDS)})
        writer.write("team", [(ids[number], *rest) for number, *rest in teams])
        writer.write("member", [(ids[number], *rest) for number, *rest in members])
        for sql in connection.ops.sequence_reset_sql(no_style(), [WorkTeam]):
            cursor.execute(sql)
    return len(teams), len(first_year)

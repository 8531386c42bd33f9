"""Who helps the demo's registered households and how, written in bulk after the years and the demo users:
a responsible helper for every household (with the history of reassignments), a plan of measures from the
rule table, and the helpers' visits of the last six months up to a planned next one.

Reads the registry back in a few queries, draws every row in Python (demo.helpers, demo.plans,
demo.visits), and writes them with registry.bulk's Writer, the new tables' indexes dropped meanwhile and
rebuilt once. Deterministic for a seed (and a day: visits are dated back from clock.today()).

Audited as the actions would in part: one registry AuditEvent per helper assignment and per plan; not the
end of a predecessor's assignment, the measures, the visits or the household's helper pointer.
"""

import datetime
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from tqdm import tqdm

from jingzhun import clock
from jingzhun.areas.models import Area, Level, Post
from jingzhun.assistance import queries
from jingzhun.assistance.actions import REGISTERED
from jingzhun.assistance.models import HelperAssignment, Measure, Plan, PlannedMeasure, Visit
from jingzhun.identification.models import Risk
from jingzhun.registry.bulk import TABLES as REGISTRY_TABLES
from jingzhun.registry.bulk import Writer, datetime_text, reserve_ids
from jingzhun.registry.models import Household

from .generate import drawn_aside
from .helpers import TAKE_OVER, Group, Phones, assign_users, draw_staff, group_households, user_rows
from .plans import Home, Planner
from .users import XIJI_CODE
from .visits import UNVISITED_SHARE, Visits

TABLES = {
    "user": (get_user_model(), ("id", "password", "last_login", "is_superuser", "username", "first_name",
                                "last_name", "email", "is_staff", "is_active", "date_joined")),
    "post": (Post, ("user_id", "role", "area_id", "unit", "title", "phone")),
    "assignment": (HelperAssignment, ("id", "household_id", "helper_id", "started_on", "ended_on",
                                      "assigned_by_id", "reason", "end_reason")),
    "plan": (Plan, ("id", "household_id", "year", "created_by_id", "created_at", "note")),
    "measure": (PlannedMeasure, ("plan_id", "measure_id", "cause_id", "recommended", "helper_id", "amount",
                                 "start_on", "due_on", "state", "delivered_on", "note")),
    "visit": (Visit, ("household_id", "helper_id", "due_on", "visited_on", "found", "done", "photo",
                      "recorded_by_id", "recorded_at")),
}
REINDEXED = (HelperAssignment, Plan, PlannedMeasure, Visit)
EXPLICIT_IDS = (HelperAssignment, Plan)
SHOWCASE_DUE = (0, 1, 2, 4, 6)  # days from today to the next visits of the demo helper's households
CHUNK = 5000  # households a batch


@dataclass
class AssistanceSummary:
    households: int = 0
    helpers: int = 0
    reassigned: int = 0
    plans: int = 0
    measures: int = 0
    open_measures: int = 0
    visits: int = 0
    planned_visits: int = 0
    unvisited: int = 0
    seconds: float = 0.0


def _day(value) -> datetime.date:
    return datetime.date.fromisoformat(str(value)[:10])


def read_homes() -> list[Home]:
    """Registered households with their causes, members, registration-year conditions and status dates."""
    homes = {pk: Home(pk, village, number, status, datetime.date(year, 6, 30), cause, helper=helper)
             for pk, village, number, status, year, cause, helper in Household.objects.filter(
                 status__in=REGISTERED).order_by("id").values_list(
                 "id", "village_id", "number", "status", "registered_year", "main_cause_id", "helper_id")}
    others = defaultdict(list)
    through = Household.other_causes.through.objects
    for pk, cause in (through.order_by("household_id", "cause__order", "cause_id")
                      .values_list("household_id", "cause_id")):
        others[pk].append(cause)
    members = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute("SELECT household_id, birth_date, labour, in_school, health, joined_on, left_on "
                       "FROM registry_member")
        for pk, born, labour, in_school, health, joined, left in cursor.fetchall():
            members[pk].append((str(born), labour, bool(in_school), health, str(joined),
                                None if left is None else str(left)))
        cursor.execute("SELECT c.household_id, c.housing_secure, c.dangerous_house_grade, c.water_secure "
                       "FROM registry_livingconditions c JOIN registry_household h "
                       "ON h.id = c.household_id AND c.year = h.registered_year")
        conditions = {pk: (not house or bool(grade), not water)
                      for pk, house, grade, water in cursor.fetchall()}
        cursor.execute("SELECT household_id, at, new FROM registry_auditevent WHERE entity = 'household' "
                       "AND action = 'status' AND field = 'status' ORDER BY household_id, at, id")
        changes = cursor.fetchall()
    at_risk = set(Risk.objects.filter(year__gte=2021).values_list("household_id", flat=True))
    registered = set()
    for pk, at, new in changes:
        home = homes.get(pk)
        if home is None:
            continue
        if new == "poor" and pk not in registered:
            registered.add(pk)
            home.registered_on = _day(at)
        elif new == "exited":
            home.exited_on = _day(at)
        elif new == "returned":
            home.returned_on = _day(at)
    for pk, home in homes.items():
        home.other_causes = tuple(others.get(pk, ()))
        home.members = tuple(members.get(pk, ()))
        home.unsafe_house, home.unsafe_water = conditions.get(pk, (False, False))
        home.at_risk = pk in at_risk
        if home.status == "poor":
            home.exited_on = None  # exits before a return and a new registration do not count
    return list(homes.values())


def used_phones() -> set[str]:
    phones = set(Post.objects.exclude(phone="").values_list("phone", flat=True))
    phones.update(Household.objects.exclude(phone="").values_list("phone", flat=True))
    return phones


def build_assistance(cadre_village: str, seed: int = 2013, progress: bool = False) -> AssistanceSummary:
    """Helpers, plans and visits for every registered household; the demo user `helper` keeps the
    households create_demo_users gave it (in `cadre_village`), their next visits due today and after."""
    started = time.perf_counter()
    today = clock.today()
    rng = random.Random(seed * 7919 + 2026)
    homes = read_homes()
    summary = AssistanceSummary(households=len(homes))
    norm = int(queries.standard("helper_households_norm", 2016, XIJI_CODE))
    interval = int(queries.standard("visit_interval_days", today.year, XIJI_CODE))
    alert = int(queries.standard("unvisited_alert_days", today.year, XIJI_CODE))
    by_village, showcase = defaultdict(list), defaultdict(list)
    for home in homes:
        (showcase[home.helper] if home.helper else by_village[home.village]).append(home.id)
    groups = group_households(by_village, norm)
    groups += [Group(cadre_village, ids, user=user) for user, ids in sorted(showcase.items())]
    registered_on = {home.id: home.registered_on for home in homes}
    county_names = dict(Area.objects.filter(level=Level.COUNTY).values_list("code", "name_zh"))
    county_names = {code[:6]: name for code, name in county_names.items()}
    staff = draw_staff(rng, groups, registered_on, county_names, Phones(rng, used_phones()))
    to_text = _cached(datetime_text(connection.vendor))
    planner = Planner(queries.rule_rows(), queries.measure_infos(),
                      {m.code: int(m.typical_amount or 0) for m in Measure.objects.all()}, today, to_text)
    visits = Visits(today, interval, alert, to_text, planner.iso)
    # Never the demo helper's households (their next visits fall due from today); at least one in the
    # cadre's village, so that its board has a name to show.
    others = [home for home in homes if not home.helper]
    unvisited = {home.id for home in others if rng.random() < UNVISITED_SHARE}
    in_village = [home.id for home in others if home.village == cadre_village]
    if in_village and not unvisited.intersection(in_village):
        unvisited.add(in_village[int(rng.random() * len(in_village))])
    with connection.constraint_checks_disabled(), transaction.atomic(), connection.cursor() as cursor:
        writer = Writer(cursor, {**REGISTRY_TABLES, **TABLES}, REINDEXED)
        if connection.vendor == "postgresql":
            # Key checks an enclosing transaction left pending would forbid the ALTERs that drop the
            # indexes: run them now, and defer the rest again.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        indexes = writer.drop_indexes()
        user_ids = reserve_ids(cursor, get_user_model(), len(staff.people))
        users, posts = user_rows(staff, user_ids, make_password(None), to_text(today))
        writer.write("user", users)
        writer.write("post", posts)
        helpers = assign_users(staff, user_ids)
        handover = {home: (group.handover, group.end_reason) for group in staff.groups
                    for home in group.households}
        reassigned = sum(1 for home in homes if helpers[home.id][1] is not None)
        assignment_ids = reserve_ids(cursor, HelperAssignment, len(homes) + reassigned, locked=True)
        plan_ids = reserve_ids(cursor, Plan, len(homes), locked=True)
        showcase_homes = {pk: n for n, pk in enumerate(sorted(pk for ids in showcase.values() for pk in ids))}
        draw = Draw(rng, homes, helpers, handover, planner, visits, unvisited, showcase_homes, today, to_text,
                    iter(assignment_ids), iter(plan_ids))
        # Drawn in a forked child while this process writes (as demo.years): the child's copy of the rng
        # continues where this one stands, so the rows are the same either way.
        with tqdm(total=len(homes), unit="households", file=sys.stderr, disable=not progress) as bar:
            for count, tables in drawn_aside(_chunks(draw)):
                _write(writer, tables, summary)
                bar.update(count)
        writer.create_indexes(indexes)
        for sql in connection.ops.sequence_reset_sql(no_style(), list(EXPLICIT_IDS)):
            cursor.execute(sql)
        # The registry's pointer mirrors the open assignment.
        cursor.execute("UPDATE registry_household SET helper_id = (SELECT a.helper_id FROM "
                       "assistance_helperassignment a WHERE a.household_id = registry_household.id "
                       "AND a.ended_on IS NULL) WHERE status IN (%s, %s, %s)", list(REGISTERED))
    summary.helpers = len(staff.groups)
    summary.reassigned = reassigned
    summary.unvisited = len(unvisited)
    summary.seconds = time.perf_counter() - started
    return summary


@dataclass
class Draw:
    """What drawing each household's rows needs, read and decided before the child is forked."""

    rng: random.Random
    homes: list
    helpers: dict  # household -> (helper, predecessor or None)
    handover: dict  # household -> (the predecessor's last day, why)
    planner: Planner
    visits: Visits
    unvisited: set
    showcase: dict  # the demo helper's households -> their order
    today: datetime.date
    to_text: object
    assignment_ids: object
    plan_ids: object


def _chunks(draw: Draw):
    tables, count = defaultdict(list), 0
    for home in draw.homes:
        helper, predecessor = draw.helpers[home.id]
        handed, end_reason = draw.handover[home.id]
        who = (helper, predecessor, handed, end_reason)
        _assignments(tables, home, who, draw.assignment_ids, draw.to_text)

        handed_on = handed.toordinal() if handed else 0

        def helper_on(day, open_, helper=helper, predecessor=predecessor, handed_on=handed_on):
            return predecessor if predecessor and not open_ and day < handed_on else helper

        plan, measures, audit = draw.planner.plan(draw.rng, home, next(draw.plan_ids), helper_on)
        tables["plan"].append(plan)
        tables["measure"].extend(measures)
        tables["audit"].append(audit)
        due = None
        if home.id in draw.showcase:
            offset = SHOWCASE_DUE[draw.showcase[home.id] % len(SHOWCASE_DUE)]
            due = draw.today + datetime.timedelta(days=offset)
        unvisited = home.id in draw.unvisited
        tables["visit"].extend(draw.visits.rows(draw.rng, home.id, helper, unvisited=unvisited, next_due=due))
        count += 1
        if count == CHUNK:
            yield count, dict(tables)
            tables, count = defaultdict(list), 0
    yield count, dict(tables)


def _assignments(tables, home, who, ids, to_text) -> None:
    """The household's assignment rows (a predecessor's ended, then the current), each audited."""
    helper, predecessor, handed, end_reason = who
    rows = []
    if predecessor:
        rows.append((next(ids), home.id, predecessor, home.registered_on, handed, None, "", end_reason))
        rows.append((next(ids), home.id, helper, handed, None, None, TAKE_OVER, ""))
    else:
        rows.append((next(ids), home.id, helper, home.registered_on, None, None, "", ""))
    for pk, household, user, start, end, _by, reason, ending in rows:
        tables["audit"].append((household, None, to_text(start), "helper", pk, "create", "", "",
                                f'{{"helper":"{user}","started_on":"{start}"}}', reason))
        tables["assignment"].append((pk, household, user, start.isoformat(), end and end.isoformat(), None,
                                     reason, ending))


def _write(writer, tables, summary) -> None:
    for name in ("assignment", "plan", "measure", "visit", "audit"):
        rows = tables.pop(name, [])
        writer.write(name, rows)
        if name == "plan":
            summary.plans += len(rows)
        elif name == "measure":
            summary.measures += len(rows)
            summary.open_measures += sum(1 for row in rows if row[8] in ("planned", "under_way"))
        elif name == "visit":
            summary.visits += len(rows)
            summary.planned_visits += sum(1 for row in rows if row[3] is None)


def _cached(to_text):
    texts: dict = {}

    def text(day):
        found = texts.get(day)
        if found is None:
            found = texts[day] = to_text(day)
        return found

    return text

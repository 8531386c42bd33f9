"""The demo region through the years 2014-2021, written after generate_region in bulk.

From each household's drawn fate: its status history (registry AuditEvent rows), its identification and
exit procedures (Case, CaseEvent, Notice, a few answered Objections), 2020 (every household still poor
exits; Xiji, the last county, in 2020-11) and 2021 (incomes and living conditions, a few households
back below the line, a few hardships); the rural population of every village (areas.Population); the
exits of poor villages and counties (AreaCase with report), and the poor-village and poor-county flags
ended in their exit years. Deterministic for a seed.
"""

import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from tqdm import tqdm

from jingzhun.areas.models import AreaFlag, Population
from jingzhun.identification.models import AreaCase, Case, CaseEvent, Hardship, Notice, Objection
from jingzhun.registry.bulk import TABLES as REGISTRY_TABLES
from jingzhun.registry.bulk import Writer, datetime_text, reserve_ids
from jingzhun.registry.models import AuditEvent, Household, Income, LivingConditions, Member

from . import calibration as cal
from .area_exits import AreaRows, keep_county_report
from .generate import drawn_aside
from .history import POOR, Home, Rows, fall_back, story
from .population import population_rows, village_populations
from .villages import SOURCE as FLAG_SOURCE

CHUNK = 5000
TABLES = {
    "audit": (AuditEvent, ("household_id", "actor_id", "at", "entity", "entity_id", "action", "field", "old",
                           "new", "reason")),
    "case": (Case, ("id", "kind", "household_id", "year", "state", "channel", "opened_by_id", "opened_at",
                    "closed_at", "meeting_on", "attendance", "votes_for", "votes_against", "abstentions",
                    "evaluation", "household_agrees")),
    "area_case": (AreaCase, ("id", "kind", "area_id", "year", "state", "opened_by_id", "opened_at",
                             "closed_at", "report")),
    "notice": (Notice, ("id", "case_id", "area_case_id", "round", "area_id", "starts_on", "ends_on",
                        "closed_on")),
    "event": (CaseEvent, ("case_id", "area_case_id", "step", "from_state", "to_state", "actor_id", "at",
                          "reason", "data")),
    "objection": (Objection, ("notice_id", "filed_at", "text", "contact", "answer", "outcome",
                              "answered_by_id", "answered_at")),
    "income": (Income, ("household_id", "year", *Income.AMOUNT_FIELDS)),
    "conditions": (LivingConditions, ("household_id", "year", *LivingConditions.CHECK_FIELDS,
                                      "dangerous_house_grade")),
    "hardship": (Hardship, ("household_id", "kind", "occurred_on", "expense", "note", "recorded_by_id",
                            "recorded_at")),
    "population": (Population, ("area_id", "year", "persons", "households", "source")),
}
# Tables whose indexes are built once at the end rather than kept up to date row by row (see bulk.Writer).
REINDEXED = ("case", "area_case", "notice", "event", "objection", "audit", "income", "conditions")
EXPLICIT_IDS = (Case, AreaCase, Notice)


@dataclass
class YearsSummary:
    rows: dict[str, int] = field(default_factory=dict)
    exited_2020: int = 0
    returned_2021: int = 0
    village_exits: int = 0
    county_reports: dict[str, dict] = field(default_factory=dict)
    seconds: float = 0.0


def reasons() -> dict[str, str]:
    """The status changes' reasons, in the users' working language, as the procedures write them."""
    with translation.override("zh-hans"):
        return {"register": gettext("registered by the identification procedure"),
                "exit": gettext("exit approved and announced"),
                "return": gettext("monitoring: income fell below the line, returned to poverty"),
                "close": gettext("annual re-check: wrongly registered, struck off the register")}


def read_homes(fates: dict) -> list[Home]:
    years = list(cal.YEARS_ALL)
    persons = {}
    ends = {y: f"{y}-12-31" for y in years}
    on_register = {y: Q(joined_on__lte=ends[y]) & (Q(left_on__isnull=True) | Q(left_on__gt=ends[y]))
                   for y in years}
    counts = (Member.objects.order_by().values("household_id")
              .annotate(**{f"y{y}": Count("id", filter=on_register[y]) for y in years}))
    for row in counts:
        persons[row["household_id"]] = {y: row[f"y{y}"] for y in years}
    incomes = {row[0]: tuple(int(a) for a in row[1:]) for row in Income.objects.filter(year=2019).order_by()
               .values_list("household_id", *Income.AMOUNT_FIELDS)}
    homes = []
    rows = Household.objects.order_by("id").values_list("id", "village_id", "registered_year", "created_at")
    for pk, village, registered, created in rows:
        homes.append(Home(pk, village, registered, timezone.localtime(created).date(), fates[pk],
                          persons.get(pk, dict.fromkeys(years, 0)), incomes.get(pk)))
    return homes


def run_years(fates: dict, seed: int = 2013, progress: bool = False, showcase: str | None = None
              ) -> YearsSummary:
    """Write 2014-2021 for the households generate_region wrote (`fates`: its Summary.fates). In the
    `showcase` village (the demo cadre's) one household is sure to have returned to poverty in 2021, so
    that the cadre can be shown proposing its exit."""
    started = time.perf_counter()
    summary = YearsSummary(rows=dict.fromkeys(TABLES, 0))
    rng = random.Random(seed * 1_000_003 + 2021)
    homes = read_homes(fates)
    stories = [story(rng, home) for home in homes]
    shown = next((told for home, told in zip(homes, stories, strict=True) if home.village == showcase
                  and told.final in ("exited", "returned")), None)
    if shown is not None and not shown.returned_2021:
        fall_back(rng, shown)
    registered: dict[str, int] = defaultdict(int)
    poor: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    found: dict[tuple[str, int], dict] = defaultdict(dict)  # poor households by village and year
    for home, told in zip(homes, stories, strict=True):
        registered[home.village] += home.persons[home.registered_year]
        for year in cal.YEARS_ALL:
            if year >= home.registered_year and told.status_at(year) in POOR:
                poor[home.village][year] += home.persons[year]
                found[(home.village, year)][home.id] = (home.village, home.persons[year])
    flags = AreaFlag.objects.filter(kind=AreaFlag.Kind.POOR_VILLAGE, source=FLAG_SOURCE)
    drawn = {code: end or 2020 for code, end in flags.values_list("area_id", "end_year")}
    populations, village_exits = village_populations(rng, registered, poor, drawn)
    to_text = cached(datetime_text(connection.vendor))
    with connection.constraint_checks_disabled(), transaction.atomic(), connection.cursor() as cursor, tqdm(
            total=len(homes), unit="households", file=sys.stderr, disable=not progress) as bar:
        writer = Writer(cursor, {**REGISTRY_TABLES, **TABLES}, [TABLES[name][0] for name in REINDEXED])
        indexes = writer.drop_indexes()
        starts = [reserve_ids(cursor, model, 1, locked=True)[0] for model in EXPLICIT_IDS]
        rows = Rows(to_text, reasons(), starts[0], starts[2])
        # The rows are drawn in a forked child from its own copy of the rng (the parent's stays where it
        # is, which is as deterministic); the ids they take are counted from the stories.
        chunks = _household_chunks(random.Random(rng.random()), rows, homes, stories)
        for count, tables in drawn_aside(chunks):
            _write(writer, tables, summary)
            bar.update(count)
        _write(writer, {"population": population_rows(populations)}, summary)
        notices = starts[2] + sum(2 + len(told.exits) for told in stories)
        areas = AreaRows(to_text, starts[1], notices)
        areas.villages(rng, village_exits, poor, populations, found)
        areas.counties()
        _write(writer, areas.tables, summary)
        writer.create_indexes(indexes)
        for sql in connection.ops.sequence_reset_sql(no_style(), list(EXPLICIT_IDS)):
            cursor.execute(sql)
        summary.exited_2020 = sum(1 for told in stories if told.exits and told.exits[-1][0] == 2020)
        summary.returned_2021 = sum(1 for told in stories if told.returned_2021)
        _update_statuses(homes, stories, fates)
        _end_flags(village_exits)
        summary.county_reports = {county: keep_county_report(county) for county in cal.POOR_COUNTIES}
    summary.village_exits = len(village_exits)
    summary.seconds = time.perf_counter() - started
    return summary


def cached(to_text):
    texts: dict = {}

    def text(day):
        found = texts.get(day)
        if found is None:
            found = texts[day] = to_text(day)
        return found

    return text


def _household_chunks(rng, rows: Rows, homes, stories):
    for first in range(0, len(homes), CHUNK):
        for home, told in zip(homes[first:first + CHUNK], stories[first:first + CHUNK], strict=True):
            rows.household(rng, home, told)
        yield len(homes[first:first + CHUNK]), rows.take()


def _write(writer: Writer, tables: dict[str, list], summary: YearsSummary) -> None:
    for name in TABLES:  # households' cases before the events and notices pointing at them
        rows = tables.get(name)
        if rows:
            writer.write(name, rows)
            summary.rows[name] += len(rows)


def _update_statuses(homes, stories, fates) -> None:
    """The registry's status at the end of 2021, where it differs from the generator's end of 2019."""
    moved = defaultdict(list)
    for home, told in zip(homes, stories, strict=True):
        if told.final != fates[home.id].status:
            moved[told.final].append(home.id)
    now = timezone.now()
    for status, ids in moved.items():
        for first in range(0, len(ids), 500):
            Household.objects.filter(pk__in=ids[first:first + 500]).update(status=status, updated_at=now)


def _end_flags(village_exits: dict[str, int]) -> None:
    by_year = defaultdict(list)
    for code, year in village_exits.items():
        by_year[year].append(code)
    flags = AreaFlag.objects.filter(kind=AreaFlag.Kind.POOR_VILLAGE, source=FLAG_SOURCE)
    for year, codes in by_year.items():
        for first in range(0, len(codes), 500):
            flags.filter(area_id__in=codes[first:first + 500]).update(end_year=year)
    for county in cal.POOR_COUNTIES:  # as area_actions ends them: at the year the exit was evaluated on
        AreaFlag.objects.filter(kind=AreaFlag.Kind.POOR_COUNTY, area_id=f"{county}000000").update(
            end_year=cal.COUNTY_EXITS[county][0])

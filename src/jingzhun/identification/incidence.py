"""Poverty incidence (贫困发生率) from the registry: poor persons at a year end ÷ the rural residents of the
villages counted.

A household's status at the end of year Y is read back from its status trail, so a year can be counted
long after: the `new` of its last status event by 31 Dec Y 24:00 (Asia/Shanghai); with events but none
by then, the `old` of its first; with none at all, its status now. Households registered after Y are not
counted. One pass over each table whatever the number of years or areas: values_list, grouping in Python.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count

from jingzhun.areas.models import PREFIX_LENGTH, Area, Population
from jingzhun.registry.choices import HouseholdStatus
from jingzhun.registry.models import AuditEvent, Household, Member
from jingzhun.registry.rules import persons_in_year

SHANGHAI = ZoneInfo("Asia/Shanghai")
POOR_STATUSES = frozenset({HouseholdStatus.POOR.value, HouseholdStatus.RETURNED.value})
RATE_PLACES = Decimal("0.000001")


@dataclass(frozen=True)
class Incidence:
    poor: int
    population: int

    @property
    def rate(self) -> Decimal | None:
        """A share (0.0185 for 1.85%), None when no population is recorded."""
        if not self.population:
            return None
        return (Decimal(self.poor) / Decimal(self.population)).quantize(RATE_PLACES)

    def below(self, limit: Decimal) -> bool | None:
        """Strictly below the limit, compared exactly (poor < limit × population)."""
        if not self.population:
            return None
        return Decimal(self.poor) < Decimal(limit) * self.population

    @property
    def percent(self) -> str:
        rate = self.rate
        return "—" if rate is None else f"{rate * 100:.2f}%"

    def as_dict(self) -> dict:
        rate = self.rate
        return {"poor": self.poor, "population": self.population,
                "rate": None if rate is None else str(rate), "percent": self.percent}


def year_end(year: int) -> datetime.datetime:
    """31 Dec 24:00 in Asia/Shanghai."""
    return datetime.datetime(year + 1, 1, 1, tzinfo=SHANGHAI)


def status_at(events: list[tuple[datetime.datetime, str, str]], current: str, year: int,
              end: datetime.datetime | None = None) -> str:
    """The status at the end of `year` from (at, old, new) status events sorted by time (`end`: that
    year's end, when the caller has it)."""
    if not events:
        return current
    end = end or year_end(year)
    status = None
    for at, _old, new in events:
        if at > end:
            break
        status = new
    return events[0][1] if status is None else status


def _status_events(prefix: str) -> dict[int, list[tuple[datetime.datetime, str, str]]]:
    trails: dict[int, list] = defaultdict(list)
    rows = (AuditEvent.objects.filter(action=AuditEvent.Action.STATUS, field="status",
                                      household__village__code__startswith=prefix)
            .order_by("household_id", "at", "id").values_list("household_id", "at", "old", "new"))
    for household_id, at, old, new in rows.iterator(chunk_size=5000):
        trails[household_id].append((at, old, new))
    return trails


def statuses_at(prefix: str, year: int) -> list[tuple[int, str, str]]:
    """(household id, village code, status at the end of `year`) of the households under `prefix`
    registered by that year, in id order: the registry as it stood then."""
    trails = _status_events(prefix)
    end = year_end(year)
    rows = (Household.objects.filter(village__code__startswith=prefix, registered_year__lte=year)
            .order_by("id").values_list("id", "village_id", "status"))
    return [(pk, village, status_at(trails.get(pk, []), status, year, end))
            for pk, village, status in rows.iterator(chunk_size=5000)]


def poor_households(prefix: str, years: Iterable[int]) -> dict[int, dict[int, tuple[str, int]]]:
    """{year: {household id: (village code, poor persons)}} of the households poor at each year end."""
    years = sorted(set(years))
    trails = _status_events(prefix)
    poor: dict[int, dict[int, str]] = {year: {} for year in years}
    ends = [(year, year_end(year)) for year in years]
    for pk, village, status, registered in (Household.objects.filter(village__code__startswith=prefix)
                                            .values_list("id", "village_id", "status", "registered_year")
                                            .iterator(chunk_size=5000)):
        trail = trails.get(pk, [])
        for year, end in ends:
            if registered <= year and status_at(trail, status, year, end) in POOR_STATUSES:
                poor[year][pk] = village
    wanted = set().union(*(found.keys() for found in poor.values())) if poor else set()
    # Members grouped by household and span in the database: most of a household joined on one day, so
    # this fetches a third of the rows, and a row's count stands for that many identical memberships.
    memberships: dict[int, list] = defaultdict(list)
    spans = (Member.objects.filter(household__village__code__startswith=prefix).order_by()
             .values_list("household_id", "joined_on", "left_on").annotate(n=Count("id")))
    for household_id, joined, left, n in spans.iterator(chunk_size=5000):
        if household_id in wanted:
            memberships[household_id].extend([(joined, left)] * n)
    return {year: {pk: (village, persons_in_year(memberships.get(pk, ()), year))
                   for pk, village in found.items()}
            for year, found in poor.items()}


def _populations(prefix: str, years: list[int]) -> list[tuple[str, int, int]]:
    return list(Population.objects.filter(area__code__startswith=prefix, area__level="village",
                                          year__in=years).values_list("area_id", "year", "persons"))


def tally(prefix: str, years: Iterable[int], key_length: int, found: dict | None = None
          ) -> dict[tuple[str, int], Incidence]:
    """Incidence of every area under `prefix` whose code prefix has `key_length` digits, for each year
    (`found`: poor_households of the same prefix and years, when the caller has them already)."""
    years = sorted(set(years))
    poor: dict[tuple[str, int], int] = defaultdict(int)
    for year, households in (found or poor_households(prefix, years)).items():
        for village, persons in households.values():
            poor[(village[:key_length], year)] += persons
    population: dict[tuple[str, int], int] = defaultdict(int)
    for village, year, persons in _populations(prefix, years):
        population[(village[:key_length], year)] += persons
    keys = set(poor) | set(population)
    return {key: Incidence(poor.get(key, 0), population.get(key, 0)) for key in keys}


def poor_persons(prefix: str, year: int) -> int:
    """Registered poor persons at the end of `year` in the area with this code prefix."""
    return sum(persons for _village, persons in poor_households(prefix, [year])[year].values())


def incidence(area_code: str, year: int) -> Incidence:
    area = Area.objects.get(code=area_code)
    found = tally(area.prefix, [year], len(area.prefix))
    return found.get((area.prefix, year), Incidence(0, 0))


@dataclass(frozen=True)
class AreaRates:
    code: str
    name: str
    by_year: dict[int, Incidence]


def rates_by_year(prefix: str, level: str, years: Iterable[int]) -> list[AreaRates]:
    """Every area of `level` under `prefix`, in code order, with its incidence in each year."""
    years = sorted(set(years))
    length = PREFIX_LENGTH[level]
    found = tally(prefix, years, length)
    areas = Area.objects.filter(level=level, code__startswith=prefix).order_by("code")
    return [AreaRates(area.code, area.name, {year: found.get((area.code[:length], year), Incidence(0, 0))
                                             for year in years})
            for area in areas]

"""The registry's own counts behind a dashboard: poverty incidence (registered poor persons ÷ rural
residents) of the area and of the areas below it over the years, and the year's poverty line.

The registered poor come from the snapshot, which holds every household registered by the end of each year
with incomes, its status then read from the status trail in SQL (engine.registered_poor): the count
identification.incidence makes, without reading the trails again for each view (7 s at the province of a
200,000-household registry). A year the snapshot does not hold (no income recorded anywhere that year) is
counted by identification.incidence itself. Either way a household counts where anyone is registered in
it at the year end: identification would also count, with no person, a poor household left empty.
"""

from collections import defaultdict
from dataclasses import dataclass

from jingzhun import clock
from jingzhun.areas.models import Population
from jingzhun.identification import incidence as inc
from jingzhun.identification.incidence import Incidence
from jingzhun.policy import queries as policy

from . import figures_memo


@dataclass(frozen=True)
class Counts:
    """Every year's at once, so that choosing another year counts nothing again."""

    by_year: dict[int, Incidence]  # the area itself
    parts: dict[int, dict[tuple[str, int], Incidence]]  # {prefix length: {(code prefix, year): incidence}}
    households: dict[int, int]  # {year: the area's households registered poor at its end}
    outside: dict[int, frozenset[int]]  # {year the snapshot lacks: ids of those households}

    def children(self, length: int, year: int) -> dict[str, Incidence]:
        """The parts of `length` digits in `year`, by code prefix."""
        return {code: value for (code, y), value in self.parts.get(length, {}).items() if y == year}


def this_year() -> int:
    return clock.today().year


def incidence(source: figures_memo.Registry, prefix: str, years: list[int], lengths: list[int]) -> Counts:
    """Incidence of the area and of its parts (code prefixes of each of `lengths` digits) in each of
    `years`, remembered while the registry's stamp and the rural population stay the same."""
    key = ("incidence", source.stamp, figures_memo.population_stamp(), prefix, tuple(years), tuple(lengths))
    return figures_memo.remembered(key, lambda: _incidence(source, prefix, years, lengths))


def poor_ids(source: figures_memo.Registry, counts: Counts, prefix: str, year: int) -> frozenset[int]:
    """The households of the area registered poor at the end of `year`."""
    if year in counts.outside:
        return counts.outside[year]
    return source.registered_poor_ids(within=prefix, year=year)


def _incidence(source: figures_memo.Registry, prefix: str, years: list[int], lengths: list[int]) -> Counts:
    held = set(source.years())
    inside, outside = [y for y in years if y in held], [y for y in years if y not in held]
    wanted = sorted({len(prefix), *lengths})
    poor = source.registered_poor(lengths=wanted, within=prefix, years=inside) if inside else {}
    counted = {length: dict(poor.get(length, {})) for length in wanted}
    found = inc.poor_households(prefix, outside) if outside else {}
    for year, households in found.items():
        for length in wanted:
            for village, persons in households.values():
                if persons:
                    before = counted[length].get((village[:length], year), (0, 0))
                    counted[length][(village[:length], year)] = (before[0] + 1, before[1] + persons)
    population: dict[int, dict[tuple[str, int], int]] = {length: defaultdict(int) for length in wanted}
    for village, year, persons in Population.objects.filter(
            area__code__startswith=prefix, area__level="village", year__in=years).values_list(
            "area_id", "year", "persons"):
        for length in wanted:
            population[length][(village[:length], year)] += persons
    parts = {length: {key: Incidence(counted[length].get(key, (0, 0))[1], population[length].get(key, 0))
                      for key in set(counted[length]) | set(population[length])}
             for length in wanted}
    own = parts[len(prefix)]
    return Counts(by_year={y: own.get((prefix, y), Incidence(0, 0)) for y in years}, parts=parts,
                  households={y: counted[len(prefix)].get((prefix, y), (0, 0))[0] for y in years},
                  outside={y: frozenset(pk for pk, (_v, persons) in households.items() if persons)
                           for y, households in found.items()})


def poverty_line(year: int, area_code: str) -> float:
    """The year's line (yuan per person per year) where the area lies; 0 where no standard says one."""
    try:
        return float(policy.value("poverty_line", year, area_code))
    except LookupError:
        return 0.0

"""The registry's own counts behind a dashboard: poverty incidence of the area over the years and of the
areas below it in one year, from one read of the status trails (identification.incidence), and the
year's poverty line."""

from dataclasses import dataclass

from jingzhun import clock
from jingzhun.identification import incidence as inc
from jingzhun.identification.incidence import Incidence
from jingzhun.policy import queries as policy

from . import figures_memo


@dataclass(frozen=True)
class Counts:
    by_year: dict[int, Incidence]  # the area itself
    children: dict[int, dict[str, Incidence]]  # {prefix length: {code prefix: incidence in the year}}
    poor_ids: frozenset[int]  # households registered poor at the year's end


def this_year() -> int:
    return clock.today().year


def incidence(prefix: str, years: list[int], year: int, lengths: list[int], stamp: str) -> Counts:
    """Incidence of the area in each of `years`, and of its parts (code prefixes of each of `lengths`
    digits) in `year`: the status trails read once for all of them, and remembered while the registry's
    `stamp` and the rural population stay the same."""
    key = ("incidence", stamp, figures_memo.population_stamp(), prefix, tuple(years), year, tuple(lengths))
    return figures_memo.remembered(key, lambda: _incidence(prefix, years, year, lengths))


def _incidence(prefix: str, years: list[int], year: int, lengths: list[int]) -> Counts:
    found = inc.poor_households(prefix, years)
    own = inc.tally(prefix, years, len(prefix), found)
    in_year = {year: found.get(year, {})}
    children = {}
    for length in lengths:
        children[length] = {code: value for (code, _y), value in
                            inc.tally(prefix, [year], length, in_year).items()}
    return Counts(by_year={y: own.get((prefix, y), Incidence(0, 0)) for y in years},
                  children=children, poor_ids=frozenset(found.get(year, {})))


def poverty_line(year: int, area_code: str) -> float:
    """The year's line (yuan per person per year) where the area lies; 0 where no standard says one."""
    try:
        return float(policy.value("poverty_line", year, area_code))
    except LookupError:
        return 0.0

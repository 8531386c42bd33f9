"""The registry's own counts behind a dashboard: poverty incidence of the area and of the areas below it
over the years, from one read of the status trails (identification.incidence), and the
year's poverty line."""

from dataclasses import dataclass

from jingzhun import clock
from jingzhun.identification import incidence as inc
from jingzhun.identification.incidence import Incidence
from jingzhun.policy import queries as policy

from . import figures_memo


@dataclass(frozen=True)
class Counts:
    """Every year's at once, so that choosing another year reads no status trail again."""

    by_year: dict[int, Incidence]  # the area itself
    parts: dict[int, dict[tuple[str, int], Incidence]]  # {prefix length: {(code prefix, year): incidence}}
    poor: dict[int, frozenset[int]]  # {year: households registered poor at its end}

    def children(self, length: int, year: int) -> dict[str, Incidence]:
        """The parts of `length` digits in `year`, by code prefix."""
        return {code: value for (code, y), value in self.parts.get(length, {}).items() if y == year}

    def poor_ids(self, year: int) -> frozenset[int]:
        return self.poor.get(year, frozenset())


def this_year() -> int:
    return clock.today().year


def incidence(prefix: str, years: list[int], lengths: list[int], stamp: str) -> Counts:
    """Incidence of the area and of its parts (code prefixes of each of `lengths` digits) in each of
    `years`: the status trails read once for all of them, and remembered while the registry's `stamp` and
    the rural population stay the same."""
    key = ("incidence", stamp, figures_memo.population_stamp(), prefix, tuple(years), tuple(lengths))
    return figures_memo.remembered(key, lambda: _incidence(prefix, years, lengths))


def _incidence(prefix: str, years: list[int], lengths: list[int]) -> Counts:
    found = inc.poor_households(prefix, years)
    own = inc.tally(prefix, years, len(prefix), found)
    return Counts(by_year={y: own.get((prefix, y), Incidence(0, 0)) for y in years},
                  parts={length: inc.tally(prefix, years, length, found) for length in lengths},
                  poor={y: frozenset(households) for y, households in found.items()})


def poverty_line(year: int, area_code: str) -> float:
    """The year's line (yuan per person per year) where the area lies; 0 where no standard says one."""
    try:
        return float(policy.value("poverty_line", year, area_code))
    except LookupError:
        return 0.0

"""The poverty measures of every area of a level and every year, in DuckDB, over the registry's rows (an
Arrow table from frame.registry_table, or a Parquet file such as the snapshot). The second path,
pure.measures, computes the same figures with analytics.measures group by group; tests hold them equal.

What is counted: the rows are households in years (frame.SCHEMA); a household with nobody registered at
a year's end has no per-person income and is in no figure. Two counts, over two sets of rows:
- `households` and `persons` (and every measure) are of the households with an income that year: the
  population measured. Weights are their persons ("persons", the default) or 1 ("households").
- `registered_poor_households` and `_persons` are of every household registered poor at the year end,
  whether its income is recorded or not: the registry's own count, identification.incidence's numerator
  (the snapshot holds every household registered by a year's end, income or not). So the registered poor
  can outnumber the households measured, and an area and year with no income recorded has no AreaYear:
  registered_poor() counts its registered poor alone.
Figures follow analytics.measures' conventions:

- FGT: poor when income < line strictly; gap (line - income) / line, not capped for negative incomes.
- Watts: incomes below 1 yuan raised to 1 before ln(line / income).
- Gini: trapezoid Lorenz of the weighted incomes, no small-sample correction; NaN when the group's
  weighted mean income is not positive (measures.gini refuses such a group).
- Sen: P0 * Gp + P1 * (1 - Gp), Gp the Gini among the income-poor, 0 when nobody is poor or their mean
  income is not positive.
- Alkire-Foster over INDICATORS: income deprived when income < line; a condition deprived when recorded
  False. A condition with no LivingConditions record that year counts as not deprived: the registry
  does not know, and a missing check must not make a household multidimensionally poor. Poor when the
  weighted deprivation score >= k (1e-9 slack). censored and contributions in INDICATORS order.

How it is fast (bench/national_scale.py: 60 million rows, 2 cores): two statements, each reading only the
columns it needs; the group (area code and year) as one integer. The figures that need no order come
from one grouped aggregation (engine_sql.SUMS_SQL). The Gini and the Gini among the poor need the rows in
income order: the Gini is sum(w*y*(2*C - w)) / (W * T) - 1, C the cumulative weight through the row in
ascending income, W the total weight, T the total weighted income (the trapezoid Lorenz formula
rearranged; ties in income may be ordered either way), and the poor's uses their own cumulative weight.
engine_gini sorts once on a single packed BIGINT key and runs the cumulative sums in numpy as the sorted
batches stream out; where an income is not a whole number of fen (a hand-made table), a windowed running
sum in SQL does the same (engine_sql.WINDOW_GINI_SQL), four times slower at scale.

A fresh in-memory DuckDB connection per call (DuckDB's default threads: one per core).
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from . import engine_gini, engine_sql
from .engine_sql import INDICATORS, LEVELS, PREFIX  # noqa: F401 (the engine's public names)


@dataclass(frozen=True)
class Deprivation:
    """Alkire-Foster's parameters: one weight per indicator (INDICATORS order, summing to 1) and the
    cut-off k, a share of the weighted deprivations."""

    weights: tuple[float, ...]
    k: float

    def __post_init__(self):
        if len(self.weights) != len(INDICATORS):
            raise ValueError(f"one weight per indicator: {INDICATORS}")
        if any(not math.isfinite(w) or w < 0 for w in self.weights) or abs(sum(self.weights) - 1) > 1e-9:
            raise ValueError("indicator weights are non-negative and sum to 1")
        if not 0 < self.k <= 1:
            raise ValueError("k is a share in (0, 1]")


DEFAULT_DEPRIVATION = Deprivation(weights=(1 / 6,) * 6, k=1 / 3)


@dataclass(frozen=True)
class AreaYear:
    area: str
    year: int
    households: int
    persons: int
    registered_poor_households: int
    registered_poor_persons: int
    mean_income: float
    p0: float
    p1: float
    p2: float
    watts: float
    sen: float
    gini: float
    af_h: float
    af_a: float
    af_m0: float
    censored: tuple[float, ...]
    contributions: tuple[float, ...]


@dataclass(frozen=True)
class Source:
    """Where the rows are: an Arrow table (frame.SCHEMA) or a Parquet file of the same columns."""

    table: pa.Table | None = None
    path: Path | None = None

    @classmethod
    def arrow(cls, table: pa.Table) -> "Source":
        return cls(table=table)

    @classmethod
    def parquet(cls, path) -> "Source":
        return cls(path=Path(path))


def _connect(source: Source | None) -> duckdb.DuckDBPyConnection:
    """A new in-memory connection with the rows as the view `registry`."""
    if source is None:
        from . import snapshot  # Django and the database only when the snapshot is wanted
        source = Source.parquet(snapshot.path())
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")  # no bar on a server's stderr
    if source.table is not None:
        con.register("registry", source.table)
    else:
        con.read_parquet(str(source.path)).create_view("registry")
    return con


def _area_year(level: int, row: tuple, ginis: tuple[float, float], weights: tuple[float, ...]) -> AreaYear:
    (g, households, persons, poor_households, poor_persons, total_w, total_wy, poor_w, poor_wy,
     gap, gap2, watts, af_w, af_ws, *censored_w) = row[:-2]  # fen_exact and top: for the Gini's way
    gini_sum, poor_gini_sum = ginis
    poor_w, gap, gap2, watts = poor_w or 0.0, gap or 0.0, gap2 or 0.0, watts or 0.0
    p0, p1 = poor_w / total_w, gap / total_w
    gini = gini_sum / (total_w * total_wy) - 1 if total_wy > 0 else math.nan
    gp = (poor_gini_sum or 0.0) / (poor_w * poor_wy) - 1 if poor_w > 0 and poor_wy > 0 else 0.0
    af_h = (af_w or 0.0) / total_w
    af_m0 = (af_ws or 0.0) / total_w
    censored = tuple((value or 0.0) / total_w for value in censored_w)
    contributions = tuple(weight * value / af_m0 if af_m0 > 0 else 0.0
                          for weight, value in zip(weights, censored, strict=True))
    return AreaYear(
        area=str(g // 10000).zfill(level), year=g % 10000, households=int(households), persons=int(persons),
        registered_poor_households=int(poor_households), registered_poor_persons=int(poor_persons),
        mean_income=total_wy / total_w, p0=p0, p1=p1, p2=gap2 / total_w, watts=watts / total_w,
        sen=p0 * gp + p1 * (1 - gp), gini=gini, af_h=af_h, af_a=af_m0 / af_h if af_w else 0.0,
        af_m0=af_m0, censored=censored, contributions=contributions)


def measures(source: Source | None = None, *, level: int, within: str = "",
             years: Iterable[int] | None = None, weighting: str = "persons",
             deprivation: Deprivation = DEFAULT_DEPRIVATION) -> list[AreaYear]:
    """Every figure of each area (code prefix of `level` digits) under `within` and year, sorted by
    (area, year); `source` None reads the registry's snapshot."""
    sums = engine_sql.sums_sql(level, within, years, weighting, deprivation.weights, deprivation.k)
    with _connect(source) as con:
        rows = con.execute(sums).fetchall()
        if not rows:
            return []
        groups = [row[0] for row in rows]
        if engine_gini.applies(len(rows), all(row[-2] for row in rows), max(row[-1] for row in rows)):
            ginis = engine_gini.gini_sums(con, groups, level, within, years, weighting)
        else:
            sql = engine_sql.window_gini_sql(level, within, years, weighting)
            ginis = {g: (gini, poor) for g, gini, poor in con.execute(sql).fetchall()}
    return [_area_year(level, row, ginis[row[0]], deprivation.weights) for row in rows]


def headcounts(source: Source | None = None, *, level: int, within: str = "",
               years: Iterable[int] | None = None, weighting: str = "persons"
               ) -> list[tuple[str, int, float]]:
    """(area, year, P0) only: no sort, a single grouped pass (the benchmark's engine floor)."""
    weight = engine_sql.weight(weighting)
    sql = (f"SELECT {engine_sql.group(level)} AS g, "
           f"coalesce(sum({weight}) FILTER (WHERE income < line), 0) / sum({weight}) "
           f"FROM registry WHERE {engine_sql.where(within, years)} GROUP BY g ORDER BY g")
    with _connect(source) as con:
        rows = con.execute(sql).fetchall()
    return [(str(g // 10000).zfill(level), g % 10000, p0) for g, p0 in rows]


def income_histogram(source: Source | None = None, *, within: str, year: int,
                     edges: list[float]) -> list[tuple[float, float, int]]:
    """(lo, hi, persons) for each bin [lo, hi) between consecutive `edges` (ascending; ±inf allowed for
    open bins); persons of the households counted in `year` under `within`, outside the edges left out."""
    edges = [float(edge) for edge in edges]
    if len(edges) < 2 or any(b <= a for a, b in zip(edges, edges[1:], strict=False)):
        raise ValueError("edges ascend strictly, at least two")
    sql = f"SELECT income, persons FROM registry WHERE {engine_sql.where(within, [year])}"
    with _connect(source) as con:
        found = con.execute(sql).fetchnumpy()
    income, persons = np.asarray(found["income"], float), np.asarray(found["persons"], np.int64)
    index = np.searchsorted(np.asarray(edges), income, side="right") - 1
    inside = (index >= 0) & (index < len(edges) - 1)
    counts = np.bincount(index[inside], weights=persons[inside], minlength=len(edges) - 1)
    return [(lo, hi, int(n)) for lo, hi, n in zip(edges[:-1], edges[1:], counts, strict=True)]


def cause_counts(source: Source | None = None, *, within: str, year: int) -> list[tuple[str, int, int]]:
    """(main cause, households, persons) of the registered poor at the end of `year` under `within`, the
    most households first (a household without a main cause under ""): every registered poor household
    with anyone registered, its income recorded or not (as registered_poor)."""
    sql = (f"SELECT coalesce(main_cause, '') AS cause, count(*) AS households, sum(persons) AS persons "
           f"FROM registry WHERE {engine_sql.where(within, [year], measured=False)} AND poor "
           f"GROUP BY cause ORDER BY households DESC, persons DESC, cause")
    with _connect(source) as con:
        rows = con.execute(sql).fetchall()
    return [(cause, int(households), int(persons)) for cause, households, persons in rows]


def registered_poor(source: Source | None = None, *, lengths: Iterable[int], within: str = "",
                    years: Iterable[int] | None = None) -> dict[int, dict[tuple[str, int], tuple[int, int]]]:
    """{length: {(code prefix, year): (households, persons)}} of the households registered poor at each
    year end under `within`, grouped by code prefixes of each of `lengths` digits: every such household with
    anyone registered then, its income recorded or not (identification.incidence's count)."""
    found: dict[int, dict[tuple[str, int], tuple[int, int]]] = {}
    where = engine_sql.where(within, years, measured=False)
    with _connect(source) as con:
        for length in sorted(set(lengths)):
            if length not in range(13):
                raise ValueError("a code prefix has 0 to 12 digits")
            rows = con.execute(f"SELECT substr(village, 1, {length}) AS area, year, count(*), sum(persons) "
                               f"FROM registry WHERE {where} AND poor GROUP BY area, year").fetchall()
            found[length] = {(area, int(year)): (int(households), int(persons))
                             for area, year, households, persons in rows}
    return found


def registered_poor_ids(source: Source | None = None, *, within: str, year: int) -> np.ndarray:
    """The ids of the households registered_poor counts in `year` under `within`, ascending."""
    sql = (f"SELECT household_id FROM registry WHERE {engine_sql.where(within, [year], measured=False)} "
           f"AND poor ORDER BY household_id")
    with _connect(source) as con:
        found = con.execute(sql).fetchnumpy()["household_id"]
    return np.asarray(found, np.int64)


def years(source: Source | None = None) -> list[int]:
    """The years the rows hold (the snapshot's: every year with an Income record anywhere)."""
    with _connect(source) as con:
        return [int(year) for (year,) in con.execute("SELECT DISTINCT year FROM registry ORDER BY year")
                .fetchall()]

"""The poverty measures of every area of a level and every year, in DuckDB, over the registry's rows (an
Arrow table from frame.registry_table, or a Parquet file such as the snapshot). The second path,
pure.measures, computes the same figures with analytics.measures group by group; tests hold them equal.

What is counted: a row is a household in a year with an Income record and at least one member
registered at that year's end (a household with nobody registered has no per-person income, so it is in
no figure, not even the counts of households). Weights are the persons of the household ("persons",
the default) or 1 ("households"). Registered poor households and persons are counted, whatever the
weighting. Figures follow analytics.measures' conventions:

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

How it is fast (bench/national_scale.py: 60 million rows): one statement reading only the columns it
needs; the group (area code and year) as one integer; the figures that need no order in one grouped
aggregation; the Gini and the Gini among the poor from ONE window pass in income order. The Gini is
sum(w*y*(2*C - w)) / (W * T) - 1, C the cumulative weight through the row in ascending income, W the total
weight, T the total weighted income: the trapezoid Lorenz formula rearranged, needing no second pass, and
ties in income may be ordered either way. The poor's own cumulative weight rides in the same running sum:
weights are integers (persons, or 1), so the sum packs the weight so far in its low 32 bits and the
income-poor's weight so far above them (a group weighs less than 2**32 persons). A second window
aggregate would sort the partitions a second time.

A fresh in-memory DuckDB connection per call (DuckDB's default threads: one per core).
"""

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

INDICATORS = ("income", "food", "clothing", "education", "medical", "housing")
LEVELS = (2, 4, 6, 9, 12)
K_TOLERANCE = 1e-9  # as analytics.measures: float sums of weights can fall a hair short of k
MATERIALIZED = "NOT MATERIALIZED"
PREFIX = re.compile(r"\d{0,12}")  # an area code's prefix, inlined into SQL only once it matches


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
    if source.table is not None:
        con.register("registry", source.table)
    else:
        con.read_parquet(str(source.path)).create_view("registry")
    return con


def _where(within: str, years: Iterable[int] | None) -> str:
    """Rows counted (see the module's docstring), under the prefix, in the years; values inlined, checked."""
    if not PREFIX.fullmatch(within):
        raise ValueError(f"an area code prefix is digits only: {within!r}")
    where = "persons > 0 AND income IS NOT NULL"
    if within:
        where += f" AND starts_with(village, '{within}')"
    if years is not None:
        wanted = sorted({int(year) for year in years})
        where += f" AND year IN ({', '.join(map(str, wanted or [-1]))})"
    return where


def _weight(weighting: str) -> str:
    if weighting not in ("persons", "households"):
        raise ValueError("weighting is 'persons' or 'households'")
    return "CAST(persons AS BIGINT)" if weighting == "persons" else "CAST(1 AS BIGINT)"


# The group: the area's code as a number and the year, in one BIGINT (area * 10,000 + year), since the
# window's partitioning and sorting and the grouping are faster over one integer than over text and a year.
# The window's running sum packs two integer weights in one BIGINT (see the module's docstring): the
# weight so far in the low 32 bits and the weight of the income-poor so far above them, so one window
# aggregate gives both (a second one costs a second pass over the partitions).
MEASURES_SQL = """
WITH base AS {materialized} (
  SELECT CAST(substr(village, 1, {level}) AS BIGINT) * 10000 + year AS g, {weight} AS iw, income AS y,
         line AS z, persons, poor, income < line AS d0, {deprived}
  FROM registry WHERE {where}
),
sums AS (
  SELECT g, count(*) AS households, sum(persons) AS persons,
    count(*) FILTER (WHERE poor) AS poor_households,
    coalesce(sum(persons) FILTER (WHERE poor), 0) AS poor_persons,
    sum(w) AS total_w, sum(w * y) AS total_wy,
    sum(w) FILTER (WHERE d0) AS poor_w,
    sum(w * y) FILTER (WHERE d0) AS poor_wy,
    sum(w * (z - y) / z) FILTER (WHERE d0) AS gap,
    sum(w * ((z - y) / z) * ((z - y) / z)) FILTER (WHERE d0) AS gap2,
    sum(w * greatest(ln(z / greatest(y, 1.0)), 0)) FILTER (WHERE d0) AS watts,
    sum(w) FILTER (WHERE score >= {k}) AS af_w,
    sum(w * score) FILTER (WHERE score >= {k}) AS af_ws,
    {censored}
  FROM (SELECT *, CAST(iw AS DOUBLE) AS w, {score} AS score FROM base)
  GROUP BY g
),
ginis AS (
  SELECT g, sum(w * y * (2 * (c & 4294967295) - w)) AS gini_sum,
    sum(w * y * (2 * (c >> 32) - w)) FILTER (WHERE d0) AS poor_gini_sum
  FROM (
    SELECT g, CAST(iw AS DOUBLE) AS w, y, d0,
      sum(iw + CASE WHEN d0 THEN iw << 32 ELSE 0 END)
        OVER (PARTITION BY g ORDER BY y ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS c
    FROM base)
  GROUP BY g
)
SELECT lpad(CAST(g // 10000 AS VARCHAR), {level}, '0') AS area, g % 10000 AS year, households, persons,
  poor_households, poor_persons, total_w, total_wy, poor_w, poor_wy, gap, gap2, watts, gini_sum,
  poor_gini_sum, af_w, af_ws, {censored_names}
FROM sums JOIN ginis USING (g)
ORDER BY g
"""


def _measures_sql(level: int, within: str, years, weighting: str, deprivation: Deprivation) -> str:
    if level not in LEVELS:
        raise ValueError(f"level is a code prefix length: {LEVELS}")
    deprived = ", ".join(f"NOT coalesce({name}, true) AS d{j}" for j, name in enumerate(INDICATORS[1:], 1))
    # Summed in INDICATORS order, as analytics.measures' deprivation @ weights.
    # Numbers as DOUBLE literals: DuckDB reads 0.1666... as a DECIMAL otherwise.
    score = " + ".join(f"CASE WHEN d{j} THEN CAST({weight!r} AS DOUBLE) ELSE CAST(0 AS DOUBLE) END"
                       for j, weight in enumerate(deprivation.weights))
    k = f"CAST({deprivation.k - K_TOLERANCE!r} AS DOUBLE)"
    censored = ",\n  ".join(f"sum(w) FILTER (WHERE score >= {k} AND d{j}) AS censored{j}"
                            for j in range(len(INDICATORS)))
    return MEASURES_SQL.format(level=level, weight=_weight(weighting), deprived=deprived,
                               where=_where(within, years), score=score, k=k, censored=censored,
                               censored_names=", ".join(f"censored{j}" for j in range(len(INDICATORS))),
                               materialized=MATERIALIZED)


def _area_year(row: tuple, weights: tuple[float, ...]) -> AreaYear:
    (area, year, households, persons, poor_households, poor_persons, total_w, total_wy, poor_w, poor_wy,
     gap, gap2, watts, gini_sum, poor_gini_sum, af_w, af_ws, *censored_w) = row
    poor_w, gap, gap2, watts = poor_w or 0.0, gap or 0.0, gap2 or 0.0, watts or 0.0
    p0, p1 = poor_w / total_w, gap / total_w
    gini = gini_sum / (total_w * total_wy) - 1 if total_wy > 0 else math.nan
    gp = poor_gini_sum / (poor_w * poor_wy) - 1 if poor_w > 0 and poor_wy > 0 else 0.0
    af_h = (af_w or 0.0) / total_w
    af_m0 = (af_ws or 0.0) / total_w
    censored = tuple((value or 0.0) / total_w for value in censored_w)
    contributions = tuple(weight * value / af_m0 if af_m0 > 0 else 0.0
                          for weight, value in zip(weights, censored, strict=True))
    return AreaYear(
        area=area, year=int(year), households=int(households), persons=int(persons),
        registered_poor_households=int(poor_households), registered_poor_persons=int(poor_persons),
        mean_income=total_wy / total_w, p0=p0, p1=p1, p2=gap2 / total_w, watts=watts / total_w,
        sen=p0 * gp + p1 * (1 - gp), gini=gini, af_h=af_h, af_a=af_m0 / af_h if af_w else 0.0,
        af_m0=af_m0, censored=censored, contributions=contributions)


def measures(source: Source | None = None, *, level: int, within: str = "",
             years: Iterable[int] | None = None, weighting: str = "persons",
             deprivation: Deprivation = DEFAULT_DEPRIVATION) -> list[AreaYear]:
    """Every figure of each area (code prefix of `level` digits) under `within` and year, sorted by
    (area, year); `source` None reads the registry's snapshot."""
    sql = _measures_sql(level, within, years, weighting, deprivation)
    with _connect(source) as con:
        rows = con.execute(sql).fetchall()
    return [_area_year(row, deprivation.weights) for row in rows]


def headcounts(source: Source | None = None, *, level: int, within: str = "",
               years: Iterable[int] | None = None, weighting: str = "persons"
               ) -> list[tuple[str, int, float]]:
    """(area, year, P0) only: no sort, a single grouped pass (the benchmark's engine floor)."""
    if level not in LEVELS:
        raise ValueError(f"level is a code prefix length: {LEVELS}")
    sql = (f"SELECT substr(village, 1, {level}) AS area, year, "
           f"sum({_weight(weighting)}) FILTER (WHERE income < line) / sum({_weight(weighting)}) "
           f"FROM registry WHERE {_where(within, years)} GROUP BY ALL ORDER BY area, year")
    with _connect(source) as con:
        return [(area, int(year), p0 or 0.0) for area, year, p0 in con.execute(sql).fetchall()]


def income_histogram(source: Source | None = None, *, within: str, year: int,
                     edges: list[float]) -> list[tuple[float, float, int]]:
    """(lo, hi, persons) for each bin [lo, hi) between consecutive `edges` (ascending; ±inf allowed for
    open bins); persons of the households counted in `year` under `within`, outside the edges left out."""
    edges = [float(edge) for edge in edges]
    if len(edges) < 2 or any(b <= a for a, b in zip(edges, edges[1:], strict=False)):
        raise ValueError("edges ascend strictly, at least two")
    sql = f"SELECT income, persons FROM registry WHERE {_where(within, [year])}"
    with _connect(source) as con:
        found = con.execute(sql).fetchnumpy()
    income, persons = np.asarray(found["income"], float), np.asarray(found["persons"], np.int64)
    index = np.searchsorted(np.asarray(edges), income, side="right") - 1
    inside = (index >= 0) & (index < len(edges) - 1)
    counts = np.bincount(index[inside], weights=persons[inside], minlength=len(edges) - 1)
    return [(lo, hi, int(n)) for lo, hi, n in zip(edges[:-1], edges[1:], counts, strict=True)]


def cause_counts(source: Source | None = None, *, within: str, year: int) -> list[tuple[str, int, int]]:
    """(main cause, households, persons) of the registered poor at the end of `year` under `within`, the
    most households first (a household without a main cause under ""); households counted as in
    measures."""
    sql = (f"SELECT coalesce(main_cause, '') AS cause, count(*) AS households, sum(persons) AS persons "
           f"FROM registry WHERE {_where(within, [year])} AND poor "
           f"GROUP BY cause ORDER BY households DESC, persons DESC, cause")
    with _connect(source) as con:
        rows = con.execute(sql).fetchall()
    return [(cause, int(households), int(persons)) for cause, households, persons in rows]

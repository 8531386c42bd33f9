"""The engine's SQL (DuckDB): which rows count, their weights, the figures that need no order (SUMS_SQL),
and the Gini sums by a window (WINDOW_GINI_SQL), the way taken when the sorted path of engine_gini cannot
pack a row's income into its sort key. Values are inlined only once checked (digits, integers, floats).

The group is the area's code as a number and the year in one BIGINT (area * 10,000 + year): grouping,
partitioning and sorting are faster over one integer than over text and a year.
"""

import re
from collections.abc import Iterable

INDICATORS = ("income", "food", "clothing", "education", "medical", "housing")
LEVELS = (2, 4, 6, 9, 12)
K_TOLERANCE = 1e-9  # as analytics.measures: float sums of weights can fall a hair short of k
PREFIX = re.compile(r"\d{0,12}")  # an area code's prefix, inlined into SQL only once it matches


def where(within: str, years: Iterable[int] | None, *, measured: bool = True) -> str:
    """Rows counted under the prefix in the years: households with anyone registered at the year end and,
    when `measured`, an income that year (so an income per person); else every one of them (the registered
    poor are counted whether their income is recorded or not)."""
    if not PREFIX.fullmatch(within):
        raise ValueError(f"an area code prefix is digits only: {within!r}")
    found = "persons > 0 AND income IS NOT NULL" if measured else "persons > 0"
    if within:
        found += f" AND starts_with(village, '{within}')"
    if years is not None:
        wanted = sorted({int(year) for year in years})
        found += f" AND year IN ({', '.join(map(str, wanted or [-1]))})"
    return found


def weight(weighting: str) -> str:
    """Integer weights: a household's persons, or 1."""
    if weighting not in ("persons", "households"):
        raise ValueError("weighting is 'persons' or 'households'")
    return "CAST(persons AS BIGINT)" if weighting == "persons" else "CAST(1 AS BIGINT)"


def group(level: int) -> str:
    if level not in LEVELS:
        raise ValueError(f"level is a code prefix length: {LEVELS}")
    return f"CAST(substr(village, 1, {level}) AS BIGINT) * 10000 + year"


# Over every household with anyone registered: the registered poor are counted whatever their income; the
# rest only where an income is recorded (w and y null otherwise, so sums and counts skip the row).
SUMS_SQL = """
SELECT g, count(y) AS households, sum(persons) FILTER (WHERE y IS NOT NULL) AS persons,
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
  {censored},
  bool_and(round(y * 100) / 100 = y) AS fen_exact, max(abs(y)) AS top
FROM (
  SELECT *, {score} AS score FROM (
    SELECT {group} AS g, CASE WHEN income IS NOT NULL THEN CAST({weight} AS DOUBLE) END AS w, income AS y,
      line AS z, persons, poor, income < line AS d0, {deprived}
    FROM registry WHERE {where}))
GROUP BY g
HAVING count(y) > 0
ORDER BY g
"""


def sums_sql(level: int, within: str, years, weighting: str, weights: tuple[float, ...], k: float) -> str:
    """Per group: counts, weighted totals, FGT and Watts sums, Alkire-Foster sums (see engine's docstring);
    then whether every income is whole fen and the largest income's size (for engine_gini)."""
    deprived = ", ".join(f"NOT coalesce({name}, true) AS d{j}" for j, name in enumerate(INDICATORS[1:], 1))
    # Summed in INDICATORS order, as analytics.measures' deprivation @ weights. Numbers as DOUBLE
    # literals: DuckDB reads 0.1666... as a DECIMAL otherwise.
    score = " + ".join(f"CASE WHEN d{j} THEN CAST({w!r} AS DOUBLE) ELSE CAST(0 AS DOUBLE) END"
                       for j, w in enumerate(weights))
    cut = f"CAST({k - K_TOLERANCE!r} AS DOUBLE)"
    censored = ",\n  ".join(f"sum(w) FILTER (WHERE score >= {cut} AND d{j}) AS censored{j}"
                            for j in range(len(INDICATORS)))
    return SUMS_SQL.format(group=group(level), weight=weight(weighting), deprived=deprived,
                           where=where(within, years, measured=False), score=score, k=cut, censored=censored)


# The running sum packs two integer weights in one BIGINT: the weight so far in the low 32 bits and the
# income-poor's weight so far above them (a group weighs less than 2**32), so one window aggregate gives
# both; a second one would cost a second pass over the partitions.
WINDOW_GINI_SQL = """
SELECT g, sum(w * y * (2 * (c & 4294967295) - w)) AS gini_sum,
  sum(w * y * (2 * (c >> 32) - w)) FILTER (WHERE d0) AS poor_gini_sum
FROM (
  SELECT g, CAST(iw AS DOUBLE) AS w, y, d0,
    sum(iw + CASE WHEN d0 THEN iw << 32 ELSE 0 END)
      OVER (PARTITION BY g ORDER BY y ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS c
  FROM (SELECT {group} AS g, {weight} AS iw, income AS y, income < line AS d0 FROM registry WHERE {where}))
GROUP BY g
"""


def window_gini_sql(level: int, within: str, years, weighting: str) -> str:
    return WINDOW_GINI_SQL.format(group=group(level), weight=weight(weighting), where=where(within, years))

"""The Gini sums of every group from one sort: DuckDB orders the rows by a single BIGINT key (the group's
number in the high bits, the income in fen offset to be positive in the low 36), and numpy runs the
cumulative weights over the sorted rows as DuckDB streams them, batch by batch.

Why: at 60 million rows DuckDB's windowed running sum (engine_sql.WINDOW_GINI_SQL) spends most of its
time evaluating the frame, not sorting: a sort on one 8-byte key and a cumsum are about four times
faster. The key is exact only when every income is a whole number of fen below 2**35 fen (343 million
yuan) in size, which frame guarantees; engine.measures checks it (SUMS_SQL's fen_exact and top) and takes
the window otherwise. Batches are processed as they come, so no array of all the rows is ever built.

Per group, with C the cumulative weight through the row in ascending income: gini_sum = sum(w*y*(2C - w))
and, over the income-poor only with their own cumulative weight, poor_gini_sum (see engine's docstring).
"""

import numpy as np
import pyarrow as pa

from . import engine_sql

INCOME_BITS = 36
OFFSET = 1 << (INCOME_BITS - 1)  # fen + OFFSET is positive for incomes under 2**35 fen in size
MASK = (1 << INCOME_BITS) - 1
LARGEST_INCOME = (OFFSET - 1) / 100  # yuan
MOST_GROUPS = 1 << (63 - INCOME_BITS)
BATCH_ROWS = 1 << 20

SORTED_SQL = """
SELECT (CAST(k.i AS BIGINT) << {bits}) + CAST(round(r.income * 100) AS BIGINT) + {offset} AS key,
  {weight} AS iw, r.income < r.line AS d0
FROM registry r JOIN groups k ON k.g = {group}
WHERE {where}
ORDER BY key
"""


def applies(groups: int, fen_exact: bool, top: float) -> bool:
    """Whether the sort key can hold every group and income exactly."""
    return groups < MOST_GROUPS and fen_exact and top <= LARGEST_INCOME


class _Running:
    """The cumulative weights carried from one batch into the next when a group spans both."""

    def __init__(self, groups: int):
        self.gini = np.zeros(groups)
        self.poor_gini = np.zeros(groups)
        self.group, self.weight, self.poor_weight = -1, 0, 0

    def add(self, key: np.ndarray, iw: np.ndarray, d0: np.ndarray) -> None:
        number = key >> INCOME_BITS
        y = ((key & MASK) - OFFSET) / 100.0  # the same double as the fen's own income: fen / 100
        starts = np.concatenate(([0], np.flatnonzero(number[1:] != number[:-1]) + 1))
        lengths = np.diff(np.append(starts, len(key)))
        segments = number[starts]
        poor_iw = np.where(d0, iw, 0)
        cumulative, poor_cumulative = np.cumsum(iw), np.cumsum(poor_iw)
        # Each segment's weight before its start, within the batch; a continued group starts below zero.
        before = np.concatenate(([0], cumulative[starts[1:] - 1]))
        poor_before = np.concatenate(([0], poor_cumulative[starts[1:] - 1]))
        if segments[0] == self.group:
            before[0], poor_before[0] = -self.weight, -self.poor_weight
        c = cumulative - np.repeat(before, lengths)
        cp = poor_cumulative - np.repeat(poor_before, lengths)
        w = iw.astype(np.float64)
        wy = w * y
        self.gini[segments] += np.add.reduceat(wy * (2 * c - w), starts)
        self.poor_gini[segments] += np.add.reduceat(np.where(d0, wy * (2 * cp - w), 0.0), starts)
        self.group, self.weight, self.poor_weight = segments[-1], c[-1], cp[-1]


def gini_sums(con, groups: list[int], level: int, within: str, years, weighting: str
              ) -> dict[int, tuple[float, float]]:
    """{group: (gini_sum, poor_gini_sum)} for the groups SUMS_SQL found (every row's group is one)."""
    con.register("groups", pa.table({"g": pa.array(groups, pa.int64()),
                                     "i": pa.array(range(len(groups)), pa.int64())}))
    sql = SORTED_SQL.format(bits=INCOME_BITS, offset=OFFSET, weight=engine_sql.weight(weighting),
                            group=engine_sql.group(level),
                            where=engine_sql.where(within, years))
    running = _Running(len(groups))
    for batch in con.sql(sql).to_arrow_reader(BATCH_ROWS):
        if batch.num_rows:
            running.add(batch.column(0).to_numpy(), batch.column(1).to_numpy(),
                        batch.column(2).to_numpy(zero_copy_only=False))
    return {g: (running.gini[i], running.poor_gini[i]) for i, g in enumerate(groups)}

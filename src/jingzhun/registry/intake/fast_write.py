"""Writing the fast path's households (fast.Fast) in bulk from their Arrow columns: households, members,
incomes, other causes and one creation event per household, the same rows load._Writes.create writes.

SQLite takes the rows through executemany; PostgreSQL through COPY in CSV, which Arrow's C++ writer
formats (psycopg's per-row formatting cost as much as the server's work).
"""

import io

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from django.db import connection

from ..bulk import reserve_ids, table_and_columns
from ..models import AuditEvent, Household, Income, Member
from .fast import AMOUNTS, Fast

Causes = Household.other_causes.through
SQLITE_BATCH = 100_000  # rows turned into Python tuples at a time
COPY_BATCH = 200_000


def write_fast(fast: Fast, cursor, *, actor_id: int, at, reason: str) -> dict[str, int]:
    """Write every household of `fast` under ids reserved now; returns the counts written."""
    households, members, others = _arrays(fast.households), _arrays(fast.members), _arrays(fast.others)
    with_income = pc.is_valid(households["income_year"])
    income_count = pc.sum(pc.cast(with_income, pa.int64())).as_py() or 0
    household_ids = pa.array(reserve_ids(cursor, Household, fast.households.num_rows), pa.int64())
    member_ids = pa.array(reserve_ids(cursor, Member, fast.members.num_rows), pa.int64())
    income_ids = pa.array(reserve_ids(cursor, Income, income_count), pa.int64())
    at_value = pa.scalar(at if isinstance(at, str) else at.isoformat(" "), pa.string())
    count = len(household_ids)
    repeated = pa.array([at_value.as_py()] * count, pa.string())
    null_helper = pa.nulls(count, pa.int64())
    _write(cursor, Household, ("id", "village_id", "number", "address", "phone", "household_type", "status",
                               "registered_year", "main_cause_id", "helper_id", "created_at", "updated_at"),
           [household_ids, households["village"], households["number"], households["address"],
            households["phone"], households["household_type"], households["status"],
            households["registered_year"], households["main_cause"], null_helper, repeated, repeated])
    member_household = pc.take(household_ids, members["placed"])
    _write(cursor, Member, ("id", "household_id", "name", "id_number", "sex", "birth_date", "relation",
                            "ethnicity", "education", "in_school", "health", "disability_grade", "labour",
                            "months_away", "joined_on", "left_reason"),
           [member_ids, member_household, *(members[name] for name in (
               "name", "id_number", "sex", "birth_date", "relation", "ethnicity", "education", "in_school",
               "health", "disability_grade", "labour", "months_away", "joined_on")),
            pa.array([""] * len(member_ids), pa.string())])
    _write(cursor, Income, ("id", "household_id", "year", *AMOUNTS),
           [income_ids, pc.filter(household_ids, with_income),
            *(pc.filter(households[key], with_income) for key in ("income_year", *AMOUNTS))])
    _write(cursor, Causes, ("household_id", "cause_id"),
           [pc.take(household_ids, others["position"]), others["cause"]])
    snapshots = _snapshots(households, members, member_ids, with_income, income_ids)
    text = pa.array([""] * count, pa.string())
    _write(cursor, AuditEvent, ("household_id", "actor_id", "at", "entity", "entity_id", "action", "field",
                                "old", "new", "reason"),
           [household_ids, pa.array([actor_id] * count, pa.int64()), repeated,
            pa.array(["household"] * count, pa.string()), household_ids,
            pa.array([AuditEvent.Action.CREATE.value] * count, pa.string()), text, text, snapshots,
            pa.array([reason] * count, pa.string())])
    return {"households": count, "members": len(member_ids), "incomes": income_count}


def _arrays(table: pa.Table) -> dict[str, pa.Array]:
    return {name: table[name].combine_chunks() for name in table.column_names}


def _snapshots(households: dict, members: dict, member_ids: pa.Array, with_income: pa.Array,
               income_ids: pa.Array) -> pa.Array:
    """Each household's creation event as load._Writes.create writes it: its values, its members' and
    its income's, as one JSON object (audit.SNAPSHOT_JSON's compact form, keys in the same order)."""
    member_json = pc.binary_join_element_wise("[", pc.cast(member_ids, pa.string()), ",",
                                              members["json"], "\"]", "")
    counts = pa.table({"placed": members["placed"]}).group_by("placed", use_threads=False).aggregate(
        [("placed", "count")])
    counts = pc.take(counts["placed_count"].combine_chunks(),
                     pc.sort_indices(counts["placed"].combine_chunks()))
    offsets = pa.concat_arrays([pa.array([0], pa.int64()), pc.cumulative_sum(counts)])
    listed = pc.binary_join(pa.ListArray.from_arrays(pc.cast(offsets, pa.int32()), member_json), ",")
    income = _income_snapshots(households, with_income, income_ids)
    body = pc.binary_join_element_wise(households["json_head"], pc.binary_join_element_wise(
        "\"members\":[", listed, "]", ""), income, ",", null_handling="skip")
    return pc.binary_join_element_wise("{", body, "}", "")


def _income_snapshots(households: dict, with_income: pa.Array, income_ids: pa.Array) -> pa.Array:
    """`"income":[id,"year","wages",…]` (AuditEvent.IMPORTED_INCOME_FIELDS) for each household with an
    income year, else null."""
    if not len(income_ids):
        return pa.nulls(len(with_income), pa.string())
    # The n-th household with an income has the n-th income id.
    rank = pc.subtract(pc.cumulative_sum(pc.cast(with_income, pa.int64())), 1)
    texts = [pc.cast(pc.take(income_ids, pc.max_element_wise(rank, 0)), pa.string()),
             pc.cast(households["income_year"], pa.string()), *(households[key] for key in AMOUNTS)]
    parts = ["\"income\":[", texts[0], ",\""]
    for position, values in enumerate(texts[1:], start=2):
        parts += [values, "\",\"" if position < len(texts) else "\"]"]
    return pc.if_else(with_income, pc.binary_join_element_wise(*parts, ""), pa.scalar(None, pa.string()))


def _write(cursor, model, fields: tuple, arrays: list[pa.Array]) -> None:
    count = len(arrays[0])
    if not count:
        return
    quote = connection.ops.quote_name
    table, columns = table_and_columns(model, fields)
    column_list = ", ".join(quote(c) for c in columns)
    if connection.vendor == "postgresql":
        statement = f"COPY {quote(table)} ({column_list}) FROM STDIN WITH (FORMAT csv)"
        options = pa_csv.WriteOptions(include_header=False, quoting_style="all_valid")
        names = [f"c{i}" for i in range(len(arrays))]
        with cursor.cursor.copy(statement) as copy:
            for start in range(0, count, COPY_BATCH):
                chunk = pa.table([a.slice(start, COPY_BATCH) for a in arrays], names=names)
                buffer = io.BytesIO()
                pa_csv.write_csv(chunk, buffer, options)
                copy.write(buffer.getbuffer())
        return
    statement = f"INSERT INTO {quote(table)} ({column_list}) VALUES ({', '.join(['%s'] * len(columns))})"
    for start in range(0, count, SQLITE_BATCH):
        columns_now = [a.slice(start, SQLITE_BATCH).to_pylist() for a in arrays]
        cursor.executemany(statement, zip(*columns_now, strict=True))

"""Writing the fast path's households (fast.Fast) in bulk from their Arrow columns: households, members,
incomes, other causes and one creation event per household, the same rows load._Writes.create writes.

SQLite takes the rows through INSERTs of many rows each; PostgreSQL through COPY in its text format,
which Arrow's compute functions join (psycopg's per-row formatting cost as much as the server's work).
"""

import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection

from ..bulk import NEW_MEMBER_FIELDS, TABLES, reserve_ids, table_and_columns
from ..models import AuditEvent, Household, Income, Member
from .ahead import ahead_in_thread
from .fast import AMOUNTS, Fast, FastRun

SQLITE_BATCH = 50_000  # rows turned into Python values at a time
SQLITE_MARKS = 2000  # values bound per INSERT statement (SQLite allows 32,766)
COPY_BATCH = 100_000
# The fields people type freely (and the creation events' JSON of them): codes, dates, ID numbers and
# amounts reach the writing only once checked against their lists and patterns, with no room for a
# tab, line break or backslash.
FREE_TEXT = {"name", "address", "phone", "number", "old", "new", "reason"}
SPECIAL = r"[\\\t\n\r]"
ESCAPES = [("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")]  # the backslash first


@dataclass
class Written:
    """What the fast path wrote."""

    rows: pa.Array | None = None  # per row of the file: whether it went this way (set once all are written)
    households: int = 0
    members: int = 0
    villages: set[str] = field(default_factory=set)
    namesakes: list[pa.Table] = field(default_factory=list)  # (village, name, born) per member, if asked


def write_run(run: FastRun, cursor, *, actor_id: int, at, reason: str, locked: bool, namesakes: bool,
              progress: Callable[[int], None] | None = None) -> Written:
    """Check the run's chunks in a helper thread while this one writes the chunk before (the checking is
    Python's and Arrow's work, the writing mostly the database's: a million-row file spends half the
    time it took one after the other). `namesakes`: keep each member's village, name and birth date."""
    written = Written()
    with ahead_in_thread(run.chunks(), name="import-checker") as chunks:
        for fast in chunks:
            if progress:
                progress(fast.row_count)  # checked
            counts = write_fast(fast, cursor, actor_id=actor_id, at=at, reason=reason, locked=locked)
            written.households += counts["households"]
            written.members += counts["members"]
            written.villages.update(pc.unique(fast.households["village"]).to_pylist())
            if namesakes:
                written.namesakes.append(pa.table({
                    "village": pc.take(fast.households["village"], fast.members["placed"]),
                    "name": fast.members["name"], "born": fast.members["birth_date"]}))
            if progress:
                progress(fast.row_count)  # written
    written.rows = run.rows()
    return written


def write_fast(fast: Fast, cursor, *, actor_id: int, at, reason: str,
               locked: bool = False) -> dict[str, int]:
    """Write every household of `fast` under ids reserved now (`locked`: the tables are locked against
    other writers, see bulk.reserve_ids); returns the counts written."""
    households, members, others = _arrays(fast.households), _arrays(fast.members), _arrays(fast.others)
    with_income = pc.is_valid(households["income_year"])
    income_count = pc.sum(pc.cast(with_income, pa.int64())).as_py() or 0
    household_ids, member_ids, income_ids = (
        pa.array(reserve_ids(cursor, model, count, locked=locked), pa.int64())
        for model, count in ((Household, fast.households.num_rows), (Member, fast.members.num_rows),
                             (Income, income_count)))
    at_value = Same(at if isinstance(at, str) else at.isoformat(" "))
    count = len(household_ids)
    statement = _statements()

    def tables():
        """(statement, columns) of each table in turn; run in the writing thread's helper (see _write_all)."""
        yield statement(*TABLES["household"], [
            household_ids, households["village"], households["number"], households["address"],
            households["phone"], households["household_type"], households["status"],
            households["registered_year"], households["main_cause"], Same(None), at_value, at_value])
        yield statement(Member, NEW_MEMBER_FIELDS, [
            member_ids, pc.take(household_ids, members["placed"]),
            *(members[name] for name in NEW_MEMBER_FIELDS[2:-1]), Same("")])
        yield statement(Income, ("id", "household_id", "year", *AMOUNTS), [
            income_ids, pc.filter(household_ids, with_income),
            *(pc.filter(households[key], with_income) for key in ("income_year", *AMOUNTS))])
        yield statement(*TABLES["causes"], [
            pc.take(household_ids, others["position"]), others["cause"]])
        yield statement(*TABLES["audit"], [
            household_ids, Same(int(actor_id)), at_value, Same("household"), household_ids,
            Same(AuditEvent.Action.CREATE.value), Same(""), Same(""),
            snapshots.result(),
            pa.array([reason] * count, pa.string())])

    # The creation events' JSON is computed by Arrow beside the writing of the other tables (Arrow lets go
    # of Python's lock), ready when the audit table's turn comes.
    with ThreadPoolExecutor(1, thread_name_prefix="import-snapshots") as pool:
        snapshots = pool.submit(_snapshots, households, members, member_ids, with_income, income_ids)
        _write_all(cursor, tables())
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


class Same:
    """A column holding one value on every row, a value the code makes (a timestamp, a code, an id),
    never a user's text: SQLite gets it as a literal in the statement rather than bound on each row."""

    def __init__(self, value: str | int | None):
        assert value is None or isinstance(value, int) or "'" not in value
        self.value = value

    def literal(self) -> str:
        if self.value is None:
            return "NULL"
        return str(self.value) if isinstance(self.value, int) else f"'{self.value}'"

    def column(self, length: int) -> pa.Array:
        if self.value is None:
            return pa.nulls(length, pa.string())
        kind = pa.int64() if isinstance(self.value, int) else pa.string()
        return pa.repeat(pa.scalar(self.value, kind), length)


def _statements():
    """A function giving the statement that writes these fields of a model's table, with the columns:
    PostgreSQL's COPY with the positions of its FREE_TEXT columns; for SQLite the start of an INSERT, one
    row's VALUES (the Same columns as literals, the others as ? marks) and the number of marks."""
    quote, postgresql = connection.ops.quote_name, connection.vendor == "postgresql"

    def statement(model, fields: tuple, columns: list):
        table, names = table_and_columns(model, fields)
        column_list = ", ".join(quote(c) for c in names)
        if postgresql:
            free = {i for i, name in enumerate(fields) if name in FREE_TEXT}
            return (f"COPY {quote(table)} ({column_list}) FROM STDIN", free), columns
        row = ", ".join(c.literal() if isinstance(c, Same) else "?" for c in columns)
        marks = sum(1 for c in columns if not isinstance(c, Same))
        return (f"INSERT INTO {quote(table)} ({column_list}) VALUES ", f"({row})", marks), columns

    return statement


def _write_all(cursor, tables) -> None:
    """Write each table's columns in batches. A helper thread turns the columns into what the driver
    takes (COPY's text for PostgreSQL, Python values for SQLite's INSERT) and computes the next table's
    columns, while this thread writes: the database's own work (SQLite's, PostgreSQL's over the socket)
    runs without Python's lock, so both cores are busy."""
    postgresql = connection.vendor == "postgresql"

    def batches():
        for statement, columns in tables:
            size = COPY_BATCH if postgresql else SQLITE_BATCH
            length = next(len(c) for c in columns if not isinstance(c, Same))
            for start in range(0, length, size):
                if postgresql:
                    rows = min(size, length - start)
                    batch = [c.column(rows) if isinstance(c, Same) else c.slice(start, size) for c in columns]
                    yield statement, _copy_text(batch, statement[1])
                else:
                    yield statement, _flat([c.slice(start, size) for c in columns if not isinstance(c, Same)])

    with ahead_in_thread(batches(), name="import-writer", ahead=2) as prepared:
        for statement, payload in prepared:
            # The driver's cursor is used directly: its errors become Django's here, as through Django's.
            with connection.wrap_database_errors:
                if postgresql:
                    with cursor.cursor.copy(statement[0]) as copy:
                        copy.write(payload)
                else:
                    _insert_rows(cursor.cursor, *statement, payload)


def _flat(batch: list[pa.Array]) -> list:
    """The batch's values row after row in one list, as a many-row INSERT binds them."""
    width = len(batch)
    flat = [None] * (width * len(batch[0]))
    for position, column in enumerate(batch):
        flat[position::width] = _python_values(column)
    return flat


def _insert_rows(raw_cursor, start: str, row: str, marks: int, flat: list) -> None:
    """INSERT … VALUES with many rows a statement: a quarter less time than executemany's one row at a
    time. Through the driver's own cursor: Django's would rewrite the statement's marks on each call."""
    per_statement = max(1, SQLITE_MARKS // marks)
    full = start + ", ".join([row] * per_statement)
    chunk = per_statement * marks
    for offset in range(0, len(flat), chunk):
        values = flat[offset:offset + chunk]
        sql = full if len(values) == chunk else start + ", ".join([row] * (len(values) // marks))
        sqlite3.Cursor.execute(raw_cursor, sql, values)


def _copy_text(batch: list[pa.Array], free: set[int]) -> pa.Buffer:
    """The batch in COPY's text format, joined by Arrow: a tab between cells, a line per row, \\N for a
    null and a backslash before a backslash, tab or line break in the `free` columns' texts (CSV would
    quote every text and double the creation events' every quote: an eighth more to send and parse)."""
    cells = []
    for position, column in enumerate(batch):
        if position in free:
            if pc.any(pc.match_substring_regex(column, SPECIAL)).as_py():
                for special, escaped in ESCAPES:
                    column = pc.replace_substring(column, special, escaped)
        elif not pa.types.is_string(column.type):
            column = pc.cast(column, pa.string())
        cells.append(pc.fill_null(column, "\\N"))
    lines = pc.binary_join_element_wise(pc.binary_join_element_wise(*cells, "\t"), "\n", "")
    return pc.binary_join(pa.ListArray.from_arrays(pa.array([0, len(lines)], pa.int32()), lines),
                          "")[0].as_buffer()


def _python_values(values: pa.Array) -> list:
    """The array as Python values; a column of few distinct texts (codes, dates) as the same few str
    objects over and over, which saves making each one and, when binding, encoding each to UTF-8."""
    if values.type != pa.string() or len(values) < 1000:
        return values.to_pylist()
    encoded = pc.dictionary_encode(values)
    if len(encoded.dictionary) * 4 > len(values):
        return values.to_pylist()
    texts = [*encoded.dictionary.to_pylist(), None]  # a null takes the last place
    return list(map(texts.__getitem__, pc.fill_null(encoded.indices, len(texts) - 1).to_pylist()))

"""The registry as an Arrow table: one row per household and year, for each year with an Income record
anywhere: every household registered by that year's end with anyone registered then, its income recorded
or not (the registered poor are counted whether or not their income is known), and every household with an
Income record that year (also one registered later, or with nobody registered then).

Columns (see SCHEMA): household_id, village (12 digits), year, persons (members registered at that year's
end), income (net income per person in yuan, to the fen, half up, as registry.rules rounds it; null when
nobody is registered or no Income record exists that year), line (the poverty line of that year where the
household lives), poor (registered poor, status poor or returned, at that year's end, read from the status
trail as identification.incidence reads it; False for a year before the household was registered), the
five "no worries / guarantees" of that year's LivingConditions (True = secure; null without a record;
water, checked only from 2019, is left out) and main_cause (null when none is recorded).

Six plain reads of the registry's tables and one DuckDB statement over them make the rows (frame_sql).
The reads run through ADBC (adbc_driver_sqlite over Django's SQLite file, adbc_driver_postgresql with a
URI from the Django settings), in one read-only transaction, when another connection sees what Django's
sees; inside an atomic block (a request's transaction, a test's) or on an in-memory SQLite database they
run on Django's own connection instead, so a caller reads its own uncommitted writes.

The per-person income is divided in integers, so the fen is exact and ties round half up, away from zero,
as Decimal does.
"""

from collections.abc import Iterable
from urllib.parse import quote

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.db import connection

from jingzhun.policy.queries import standards

from . import frame_sql
from .frame_sql import CONDITIONS

SCHEMA = pa.schema([
    ("household_id", pa.int64()), ("village", pa.string()), ("year", pa.int16()), ("persons", pa.int16()),
    ("income", pa.float64()), ("line", pa.float64()), ("poor", pa.bool_()),
    *[(name, pa.bool_()) for name in CONDITIONS], ("main_cause", pa.string()),
])
# The reads' columns (frame_sql): integers but the codes; the events' moment as the database gives it (text
# from SQLite, a timestamp from PostgreSQL), only ever ordered.
_TEXT, _AS_READ = {"village", "main_cause"}, {"moment"}
READS = {
    "years": ("year",),
    "households": ("id", "village", "registered_year", "poor_now", "main_cause"),
    "members": ("household_id", "joined", "left_year", "n"),
    "events": ("household_id", "moment", "id", "year_end", "poor_before", "poor_after"),
    "incomes": ("household_id", "year", "net_fen"),
    "conditions": ("household_id", "year", *CONDITIONS),
}


def _typed(name: str, table: pa.Table) -> pa.Table:
    """The read's columns named and typed (an empty read from SQLite has no types)."""
    columns = {}
    for column, values in zip(READS[name], table.columns, strict=True):
        if column in _AS_READ:
            columns[column] = values if values.type != pa.null() else values.cast(pa.string())
        else:
            columns[column] = values.cast(pa.string() if column in _TEXT else pa.int64())
    return pa.table(columns)


def _vendor(database: dict) -> str:
    engine = database["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise NotImplementedError(f"no ADBC reader for {engine}")


def postgresql_uri(database: dict) -> str:
    """A libpq URI for a Django DATABASES entry."""
    user = quote(database.get("USER") or "", safe="")
    password = database.get("PASSWORD") or ""
    credentials = f"{user}:{quote(password, safe='')}@" if password else (f"{user}@" if user else "")
    host = database.get("HOST") or "localhost"
    port = f":{database['PORT']}" if database.get("PORT") else ""
    return f"postgresql://{credentials}{host}{port}/{quote(database['NAME'], safe='')}"


def _read_adbc(sqls: dict[str, str], database: dict) -> dict[str, pa.Table]:
    """Every read in one transaction (ADBC's DB-API connections do not autocommit), so that they see one
    state of the registry: SQLite holds its read lock from the first read to the end, and PostgreSQL's
    transaction is REPEATABLE READ."""
    if _vendor(database) == "sqlite":
        from adbc_driver_sqlite import dbapi
        opened = dbapi.connect(str(database["NAME"]))
        begin = []
    else:
        from adbc_driver_postgresql import dbapi
        opened = dbapi.connect(postgresql_uri(database))
        begin = ["SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"]
    found = {}
    with opened:
        with opened.cursor() as cursor:
            for sql in begin:
                cursor.execute(sql)
            for name, sql in sqls.items():
                cursor.execute(sql)
                found[name] = _typed(name, cursor.fetch_arrow_table())
        opened.rollback()
    return found


def _read_django(sqls: dict[str, str]) -> dict[str, pa.Table]:
    found = {}
    with connection.cursor() as cursor:
        for name, sql in sqls.items():
            cursor.execute(sql)
            rows = cursor.fetchall()
            columns = list(zip(*rows, strict=True)) if rows else [[] for _ in READS[name]]
            found[name] = _typed(name, pa.table({column: pa.array(values) for column, values
                                                 in zip(READS[name], columns, strict=True)}))
    return found


def through_adbc() -> bool:
    """Whether another connection sees what Django's connection sees (see the module's docstring)."""
    if connection.in_atomic_block:
        return False
    if connection.vendor == "sqlite":
        return not connection.is_in_memory_db()
    return True


def _lines(years: list[int], villages: pa.Array) -> tuple[int, pa.Table]:
    """Each year's poverty line by the longest code prefix any line's jurisdiction names (the province's
    where no rule is more local), for the prefixes of `villages`: (the prefix's digits, a table of year,
    prefix, line). A year and prefix without a line are left out (a row that needs one is refused later)."""
    table = standards()
    rows = table.by_key.get("poverty_line", [])
    digits = max([len(row.jurisdiction) for row in rows if row.jurisdiction.isdigit()] + [2])
    prefixes = pc.unique(pc.utf8_slice_codeunits(villages, 0, digits)).to_pylist()
    found = [(year, prefix, table.get("poverty_line", year, prefix.ljust(12, "0")))
             for year in years for prefix in prefixes]
    found = [(year, prefix, float(line.value)) for year, prefix, line in found if line is not None]
    return digits, pa.table({"year": pa.array([row[0] for row in found], pa.int64()),
                             "prefix": pa.array([row[1] for row in found], pa.string()),
                             "line": pa.array([row[2] for row in found], pa.float64())})


def from_reads(reads: dict[str, pa.Table]) -> pa.Table:
    """The rows (SCHEMA, in code order) from the reads (frame_sql.ASSEMBLE)."""
    if "years" not in reads:  # the whole registry: its incomes' years
        reads = {**reads, "years": pa.table({"year": pc.unique(reads["incomes"]["year"])})}
    digits, lines = _lines(reads["years"]["year"].to_pylist(), reads["households"]["village"])
    with duckdb.connect() as con:
        con.execute("SET enable_progress_bar = false")
        for name, table in {**reads, "lines": lines}.items():
            con.register(name, table)
        found = con.sql(frame_sql.assemble(digits)).to_arrow_table().cast(SCHEMA)
    if found["line"].null_count:
        missing = found.filter(pc.is_null(found["line"])).slice(0, 1).to_pylist()[0]
        standards().value("poverty_line", missing["year"], missing["village"])  # raises PolicyMissing
    return found


def registry_table(within: str = "", years: Iterable[int] | None = None, *,
                   database: dict | None = None) -> pa.Table:
    """The rows of the households under the area code prefix `within`, for `years` (None: every year
    with incomes), in code order (village, year, household). `database`: a Django DATABASES entry to read
    through ADBC instead of the default database (the default goes through ADBC or Django's connection as
    the module's docstring says)."""
    if database is not None:
        reads = _read_adbc(frame_sql.statements(_vendor(database), within, years), database)
    elif through_adbc():
        reads = _read_adbc(frame_sql.statements(connection.vendor, within, years),
                           settings.DATABASES["default"])
    else:
        reads = _read_django(frame_sql.statements(connection.vendor, within, years))
    return from_reads(reads)

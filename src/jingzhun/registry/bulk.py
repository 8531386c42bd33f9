"""Raw bulk inserts of row tuples, with table and column names taken from the models' _meta.

bulk_create costs ~14k rows/s; the DB-API cursor's executemany (SQLite) or COPY (PostgreSQL) is several
times faster, and both run inside the caller's transaction.
"""

import datetime

from django.core.management.color import no_style
from django.db import connection

from jingzhun.registry.models import AuditEvent, Household, Income, LivingConditions, Member

# Row layouts: the tuples household.build() produces, field by field (attnames).
TABLES = {
    "household": (Household, ("id", "village_id", "number", "address", "phone", "household_type", "status",
                              "registered_year", "main_cause_id", "helper_id", "created_at", "updated_at")),
    "member": (Member, ("household_id", "name", "id_number", "sex", "birth_date", "relation", "ethnicity",
                        "education", "in_school", "health", "disability_grade", "labour", "months_away",
                        "joined_on", "left_on", "left_reason")),
    "income": (Income, ("household_id", "year", *Income.AMOUNT_FIELDS)),
    "conditions": (LivingConditions, ("household_id", "year", *LivingConditions.CHECK_FIELDS,
                                      "dangerous_house_grade")),
    "causes": (Household.other_causes.through, ("household_id", "cause_id")),
    "audit": (AuditEvent, ("household_id", "actor_id", "at", "entity", "entity_id", "action", "field", "old",
                           "new", "reason")),
}
# A new member's fields with its reserved id, as the importers write them (left_on stays empty).
NEW_MEMBER_FIELDS = ("id", *(name for name in TABLES["member"][1] if name != "left_on"))
# Households carry explicit ids (members, incomes and audit rows point at them); the others take the
# database's own.
EXPLICIT_IDS = (Household,)


def table_and_columns(model, fields) -> tuple[str, list[str]]:
    meta = model._meta
    return meta.db_table, [meta.get_field(name).column for name in fields]


def datetime_text(vendor: str):
    """09:00 Beijing time on a day, as the database stores timestamps (SQLite: naive UTC text)."""
    suffix = "+00" if vendor == "postgresql" else ""

    def text(day: datetime.date) -> str:
        return f"{day.isoformat()} 01:00:00{suffix}"

    return text


class Writer:
    def __init__(self, cursor, tables: dict | None = None, reindexed=None):
        """Writes `tables` (name -> (model, fields); the registry's by default); drop_indexes drops those
        of the `reindexed` models (by default every table's)."""
        self.cursor = cursor
        self.vendor = connection.vendor
        self.statements = {}
        tables = TABLES if tables is None else tables
        self.reindexed = [model for model, _fields in tables.values()] if reindexed is None else reindexed
        for name, (model, fields) in tables.items():
            self.register(name, model, fields)

    def register(self, name: str, model, fields) -> None:
        """A statement writing these fields of the model's table, under its name."""
        quote = connection.ops.quote_name
        table, columns = table_and_columns(model, fields)
        column_list = ", ".join(quote(c) for c in columns)
        if self.vendor == "postgresql":
            self.statements[name] = f"COPY {quote(table)} ({column_list}) FROM STDIN"
        else:
            marks = ", ".join(["%s"] * len(columns))
            self.statements[name] = f"INSERT INTO {quote(table)} ({column_list}) VALUES ({marks})"

    def write(self, name: str, rows: list[tuple]) -> None:
        if not rows:
            return
        if self.vendor == "postgresql":
            # psycopg's own cursor, its errors turned into Django's as Django's cursor would
            with connection.wrap_database_errors, self.cursor.cursor.copy(self.statements[name]) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            self.cursor.executemany(self.statements[name], rows)

    def drop_indexes(self) -> list[str]:
        """Secondary indexes of the registry's tables, and on PostgreSQL their primary keys, unique and
        foreign-key constraints too (and other tables' foreign keys to them), dropped for a large load
        and rebuilt after: building an index sorts once, where inserting places every key at a random
        point, and checking a foreign key once over the table costs far less than a deferred check per
        row at commit. Returns the statements that recreate them. (On PostgreSQL this locks the tables
        until the transaction ends, as SQLite's write lock does anyway.)"""
        tables = self.table_names()
        if self.vendor == "postgresql":
            return self._drop_postgresql(tables)
        marks = ", ".join(["%s"] * len(tables))
        self.cursor.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                            f" AND tbl_name IN ({marks})", tables)
        indexes = self.cursor.fetchall()
        for name, _sql in indexes:
            self.cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        return [sql for _name, sql in indexes]

    def _drop_postgresql(self, tables: list[str]) -> list[str]:
        quote = connection.ops.quote_name
        # Every table, even one with nothing to drop: reserve_ids(locked=True) relies on it.
        self.cursor.execute(f"LOCK TABLE {', '.join(quote(t) for t in tables)} IN EXCLUSIVE MODE")
        # Sorting a million keys in memory rather than in temporary files (the default is 64 MB).
        self.cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        # The tables' primary keys, unique and foreign-key constraints, and the foreign keys of other
        # tables pointing at them (a primary key cannot go while one does): an insert that keeps even a
        # key of ascending ids up to date costs a million members 2.5 s more than building it after.
        self.cursor.execute(
            "SELECT t.relname, c.conname, c.contype, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "JOIN pg_class t ON t.oid = c.conrelid WHERE t.relnamespace = current_schema()::regnamespace "
            "AND ((t.relname = ANY(%s) AND c.contype IN ('p', 'u', 'f')) OR (c.contype = 'f' AND "
            "c.confrelid IN (SELECT oid FROM pg_class WHERE relname = ANY(%s) "
            "AND relnamespace = current_schema()::regnamespace)))", [tables, tables])
        constraints = sorted(set(self.cursor.fetchall()), key=lambda c: ("puf".index(c[2]), c[0], c[1]))
        self.cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
            "AND i.schemaname = current_schema() AND NOT EXISTS ("
            "SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname "
            "AND c.connamespace = current_schema()::regnamespace) ORDER BY i.indexname", [tables])
        indexes = self.cursor.fetchall()
        for table, name, _kind, _definition in reversed(constraints):  # foreign keys before what they use
            self.cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for name, _definition in indexes:
            self.cursor.execute(f"DROP INDEX {quote(name)}")
        # Primary keys, then unique constraints and indexes, then the foreign keys that use them.
        add = [f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
               for table, name, _kind, definition in constraints]
        keys = sum(1 for c in constraints if c[2] != "f")
        return add[:keys] + [definition for _name, definition in indexes] + add[keys:]

    def table_names(self) -> list[str]:
        return [model._meta.db_table for model in self.reindexed]

    def create_indexes(self, statements: list[str]) -> None:
        for sql in statements:
            self.cursor.execute(sql)

    def reset_sequences(self) -> None:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(EXPLICIT_IDS)):
            self.cursor.execute(sql)


def reserve_ids(cursor, model, count: int, *, locked: bool = False) -> list[int] | range:
    """Primary keys for `count` new rows, taken before writing them so that rows pointing at them
    (members at households, audit events at records) are written in the same pass, with no read-back.

    PostgreSQL: drawn from the table's own sequence, so concurrent writers never collide. SQLite: the
    numbers after the highest in use, which is safe only under the write lock, so it is taken first
    (an UPDATE that matches nothing still takes it); it is then held until the transaction ends.

    `locked`: the caller holds an exclusive lock on the table (Writer.drop_indexes takes one on
    PostgreSQL), so no one else can draw from its sequence meanwhile and the whole run is taken at once."""
    if count <= 0:
        return []
    table = connection.ops.quote_name(model._meta.db_table)
    if connection.vendor == "postgresql" and locked:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [model._meta.db_table])
        start = cursor.fetchone()[0]
        cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                       [model._meta.db_table, start + count - 1])
        return range(start, start + count)
    if connection.vendor == "postgresql":
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                       [model._meta.db_table, count])
        return [row[0] for row in cursor.fetchall()]
    cursor.execute(f"UPDATE {table} SET id = id WHERE 0")
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
    highest = cursor.fetchone()[0]
    cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [model._meta.db_table])
    row = cursor.fetchone()
    start = max(highest, row[0] if row else 0) + 1
    return range(start, start + count)

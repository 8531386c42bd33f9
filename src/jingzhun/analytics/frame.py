"""The registry as an Arrow table: one row per household and year, for each year with an Income record
anywhere: every household registered by that year's end with anyone registered then, its income recorded
or not (the registered poor are counted whether or not their income is known), and every household with an
Income record that year (also one registered later, or with nobody registered then).

Columns (see SCHEMA): household_id, village (12 digits), year, persons (members registered at that year's
end), income (net income per person in yuan, to the fen, half up, as registry.rules rounds it; null when
nobody is registered or no Income record exists that year), line (the poverty line of that year where the household lives), poor (registered
poor, status poor or returned, at that year's end, read from the status trail as
identification.incidence reads it; False for a year before the household was registered), the five
"no worries / guarantees" of that year's LivingConditions (True = secure; null without a record; water,
checked only from 2019, is left out) and main_cause (null when none is recorded).

One SQL statement reads it. It runs through ADBC (adbc_driver_sqlite over Django's SQLite file,
adbc_driver_postgresql with a URI from the Django settings) when another connection sees what Django's
sees; inside an atomic block (a request's transaction, a test's) or on an in-memory SQLite database it runs
on Django's own connection instead, so a caller reads its own uncommitted writes. Values are inlined (only
digits and integers), so the text runs unchanged on either connection.

Money is summed in fen as integers (SQLite stores decimals as REAL), and the per-person income is divided
in integers in numpy, so the fen is exact and ties round half up, away from zero, as Decimal does. Every
nullable value leaves SQL as a non-null integer or text (-1, ""), since ADBC's SQLite driver infers a
column's type from its first rows.
"""

from collections.abc import Iterable
from datetime import UTC
from urllib.parse import quote

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.db import connection

from jingzhun.analytics.engine import PREFIX
from jingzhun.identification.incidence import POOR_STATUSES, year_end
from jingzhun.policy.queries import standards

CONDITIONS = ("food", "clothing", "education", "medical", "housing")
SCHEMA = pa.schema([
    ("household_id", pa.int64()), ("village", pa.string()), ("year", pa.int16()), ("persons", pa.int16()),
    ("income", pa.float64()), ("line", pa.float64()), ("poor", pa.bool_()),
    *[(name, pa.bool_()) for name in CONDITIONS], ("main_cause", pa.string()),
])

# A year's end in SQL from the year column: its last day (memberships) and 24:00 Asia/Shanghai as UTC
# (the status trail's timestamps), for each dialect.
_END = year_end(2000).astimezone(UTC)
assert (_END.year, _END.month, _END.day, _END.minute) == (2000, 12, 31, 0)
_DIALECTS = {
    "sqlite": {"day": "printf('%04d-12-31', {year})",
               "end": f"printf('%04d-12-31 {_END:%H:%M:%S}', {{year}})"},
    "postgresql": {"day": "make_date({year}, 12, 31)",
                   "end": f"make_timestamptz({{year}}, 12, 31, {_END.hour}, 0, 0, 'UTC')"},
}
_MONEY = ("wages", "production_income", "property_income", "family_planning_award", "subsistence_allowance",
          "five_guarantee_support", "pension", "ecological_compensation", "other_transfers")
_STATUS_EVENTS = ("FROM registry_auditevent e WHERE e.household_id = h.id "
                  "AND e.action = 'status' AND e.field = 'status'")

# The rows: every household registered by a year's end, for each year with any Income record, and every
# household with an Income record for a year before it was registered; those with nobody registered at
# the year end and no income are dropped by the outer WHERE. {year} is the row's year in each block. The
# years are materialized once: left as a co-routine, SQLite 3.53 reruns their DISTINCT for every household.
COLUMNS = """
  SELECT h.id AS household_id, h.village_id AS village, {year} AS year,
  (SELECT COUNT(*) FROM registry_member m WHERE m.household_id = h.id
     AND m.joined_on <= {day} AND (m.left_on IS NULL OR m.left_on > {day})) AS persons,
  CASE WHEN i.id IS NULL THEN 0 ELSE 1 END AS has_income,
  CASE WHEN i.id IS NULL THEN 0 ELSE {net} END AS net_fen,
  CASE WHEN h.registered_year <= {year} AND COALESCE(
    (SELECT e.new {events} AND e.at <= {end} ORDER BY e.at DESC, e.id DESC LIMIT 1),
    (SELECT e.old {events} ORDER BY e.at, e.id LIMIT 1),
    h.status) IN ({poor}) THEN 1 ELSE 0 END AS poor,
  {conditions},
  COALESCE(h.main_cause_id, '') AS main_cause
"""
SQL = """
WITH years AS MATERIALIZED (SELECT DISTINCT year FROM registry_income)
SELECT * FROM ({registered}
  FROM registry_household h
  JOIN years y ON h.registered_year <= y.year
  LEFT JOIN registry_income i ON i.household_id = h.id AND i.year = y.year
  LEFT JOIN registry_livingconditions c ON c.household_id = h.id AND c.year = y.year
  WHERE h.village_id LIKE '{within}%'{cell_years}
UNION ALL {early}
  FROM registry_income i
  JOIN registry_household h ON h.id = i.household_id
  LEFT JOIN registry_livingconditions c ON c.household_id = i.household_id AND c.year = i.year
  WHERE h.registered_year > i.year AND h.village_id LIKE '{within}%'{income_years}
) r WHERE r.persons > 0 OR r.has_income = 1
"""


def _sql(vendor: str, within: str, years: Iterable[int] | None) -> str:
    if not PREFIX.fullmatch(within):
        raise ValueError(f"an area code prefix is digits only: {within!r}")
    dialect = _DIALECTS[vendor]
    net = " + ".join(f"CAST(ROUND(i.{name} * 100) AS BIGINT)" for name in _MONEY)
    net += " - CAST(ROUND(i.production_costs * 100) AS BIGINT)"
    conditions = ",\n  ".join(
        f"CASE WHEN c.id IS NULL THEN -1 WHEN c.{name}_secure THEN 1 ELSE 0 END AS {name}"
        for name in CONDITIONS)
    wanted = ""
    if years is not None:
        wanted = ", ".join(map(str, sorted({int(year) for year in years}))) or "-1"
    columns = {"net": net, "poor": ", ".join(f"'{status}'" for status in sorted(POOR_STATUSES)),
               "conditions": conditions}

    def block(year: str) -> str:
        return COLUMNS.format(year=year, day=dialect["day"].format(year=year), end=dialect["end"].format(
            year=year), events=_STATUS_EVENTS, **columns)

    return SQL.format(registered=block("y.year"), early=block("i.year"), within=within,
                      cell_years=f" AND y.year IN ({wanted})" if wanted else "",
                      income_years=f" AND i.year IN ({wanted})" if wanted else "")


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


def _read_adbc(sql: str, database: dict) -> pa.Table:
    if _vendor(database) == "sqlite":
        from adbc_driver_sqlite import dbapi
        opened = dbapi.connect(str(database["NAME"]))
    else:
        from adbc_driver_postgresql import dbapi
        opened = dbapi.connect(postgresql_uri(database))
    with opened, opened.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetch_arrow_table()


def _read_django(sql: str) -> pa.Table:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        names = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in names]
    types = {"village": pa.string(), "main_cause": pa.string()}
    return pa.table({name: pa.array(values, types.get(name, pa.int64()))
                     for name, values in zip(names, columns, strict=True)})


def through_adbc() -> bool:
    """Whether another connection sees what Django's connection sees (see the module's docstring)."""
    if connection.in_atomic_block:
        return False
    if connection.vendor == "sqlite":
        return not connection.is_in_memory_db()
    return True


def _per_person_fen(net: np.ndarray, persons: np.ndarray) -> np.ndarray:
    """net ÷ persons to the fen, ties away from zero (ROUND_HALF_UP); persons > 0."""
    magnitude = (2 * np.abs(net) + persons) // (2 * persons)
    return np.sign(net) * magnitude


def _lines(village: pa.Array, year: pa.Array) -> pa.Array:
    """The poverty line of each row, looked up once per year and the longest code prefix any line's
    jurisdiction names (the province where no rule is more local)."""
    table = standards()
    rows = table.by_key.get("poverty_line", [])
    digits = max([len(row.jurisdiction) for row in rows if row.jurisdiction.isdigit()] + [2])
    keys = pc.binary_join_element_wise(pc.cast(year, pa.string()),
                                       pc.utf8_slice_codeunits(village, 0, digits), ":")
    encoded = keys.dictionary_encode() if len(keys) else pa.DictionaryArray.from_arrays(
        pa.array([], pa.int32()), pa.array([], pa.string()))
    values = []
    for key in encoded.dictionary.to_pylist():
        year_text, prefix = key.split(":")
        values.append(float(table.value("poverty_line", int(year_text), prefix.ljust(12, "0")).value))
    return pc.take(pa.array(values, pa.float64()), encoded.indices)


def _flag(column: pa.Array) -> pa.Array:
    """-1/0/1 from SQL as null/False/True."""
    values = column.to_numpy(zero_copy_only=False)
    return pa.array(values == 1, pa.bool_(), mask=values < 0)


def registry_table(within: str = "", years: Iterable[int] | None = None, *,
                   database: dict | None = None) -> pa.Table:
    """The rows of the households under the area code prefix `within`, for `years` (None: every year
    with incomes). `database`: a Django DATABASES entry to read through ADBC instead of the default
    database (the default goes through ADBC or Django's connection as the module's docstring says)."""
    if database is not None:
        raw = _read_adbc(_sql(_vendor(database), within, years), database)
    elif through_adbc():
        raw = _read_adbc(_sql(connection.vendor, within, years), settings.DATABASES["default"])
    else:
        raw = _read_django(_sql(connection.vendor, within, years))
    return _finish(raw)


def _finish(raw: pa.Table) -> pa.Table:
    persons = raw["persons"].to_numpy().astype(np.int64)
    net = raw["net_fen"].to_numpy().astype(np.int64)
    counted = persons > 0
    fen = _per_person_fen(net, np.where(counted, persons, 1))
    village = pc.cast(raw["village"], pa.string()).combine_chunks()
    year = pc.cast(raw["year"], pa.int16()).combine_chunks()
    main_cause = pc.cast(raw["main_cause"], pa.string())
    columns = {
        "household_id": pc.cast(raw["household_id"], pa.int64()),
        "village": village,
        "year": year,
        "persons": pa.array(persons, pa.int16()),
        "income": pa.array(fen / 100, pa.float64(), mask=~counted | (raw["has_income"].to_numpy() != 1)),
        "line": _lines(village, year),
        "poor": pa.array(raw["poor"].to_numpy() == 1, pa.bool_()),
        **{name: _flag(raw[name]) for name in CONDITIONS},
        "main_cause": pc.if_else(pc.equal(main_cause, ""), pa.scalar(None, pa.string()), main_cause),
    }
    return pa.table(columns, schema=SCHEMA).sort_by([("household_id", "ascending"), ("year", "ascending")])

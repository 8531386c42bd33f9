"""The statements behind frame.registry_table: plain reads of the registry's tables (SQLite or PostgreSQL),
each one scan, and one DuckDB statement that makes the rows from them.

Why not one statement in the registry's database: there a household's persons and its status at each year
end are correlated subqueries, run for every household and year (1.75 million at 200,000 households), 11.9 s
of the snapshot's 13.6 s. Read once and joined in DuckDB (a range join for the persons, an ASOF join for the
status) the same rows take a fraction of that (see snapshot's docstring for the figures).

What the reads bring, every value but the status events' moment an integer or text that is never null
(ADBC's SQLite driver infers a column's type from its first rows):
- years: those with an Income record anywhere in the registry (the rows of an area are the snapshot's rows
  of that area); read only for an area, since the whole registry's incomes hold them;
- households: id, village, registered year, poor now (status poor or returned), main cause or "";
- members: per household, the year joined and the year left (9999 while still there) and how many members
  share them: persons at the end of year Y are those with joined <= Y < left, a member who leaves on
  31 Dec being still there that day;
- events: the status trail, each event's moment and id (their order), its year end (the first year end at
  or after it: 24:00 Asia/Shanghai on 31 Dec, as identification.incidence reads it) and whether it found and
  left the household poor;
- incomes: net income in fen (summed in fen as integers: SQLite stores decimals as REAL);
- conditions: the five living conditions as 1/0.
Values are inlined only once checked (digits and integers).
"""

from collections.abc import Iterable
from datetime import UTC

from jingzhun.identification.incidence import POOR_STATUSES, year_end

from .engine_sql import PREFIX

CONDITIONS = ("food", "clothing", "education", "medical", "housing")
MONEY = ("wages", "production_income", "property_income", "family_planning_award", "subsistence_allowance",
         "five_guarantee_support", "pension", "ecological_compensation", "other_transfers")
_POOR = ", ".join(f"'{status}'" for status in sorted(POOR_STATUSES))

# A year's end as UTC: 24:00 Asia/Shanghai on 31 Dec is 16:00 UTC that day.
_END = year_end(2000).astimezone(UTC)
assert (_END.year, _END.month, _END.day, _END.minute, _END.second) == (2000, 12, 31, 0, 0)

# The year of a date, the year end of a moment, per dialect. SQLite keeps dates as 'YYYY-MM-DD' and moments
# as 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC: text that compares in time order.
_DIALECTS = {
    "sqlite": {
        "year": "CAST(substr({0}, 1, 4) AS INTEGER)",
        "year_end": ("CAST(substr({0}, 1, 4) AS INTEGER) + (CASE WHEN "
                     f"{{0}} > substr({{0}}, 1, 4) || '-12-31 {_END:%H:%M:%S}' THEN 1 ELSE 0 END)"),
    },
    "postgresql": {
        "year": "CAST(EXTRACT(YEAR FROM {0}) AS INTEGER)",
        "year_end": ("CAST(EXTRACT(YEAR FROM {0} AT TIME ZONE 'UTC') AS INTEGER) + (CASE WHEN {0} > "
                     "make_timestamptz(CAST(EXTRACT(YEAR FROM {0} AT TIME ZONE 'UTC') AS INTEGER), 12, 31, "
                     f"{_END.hour}, 0, 0, 'UTC') THEN 1 ELSE 0 END)"),
    },
}

YEARS = "SELECT DISTINCT i.year FROM registry_income i{years}"
HOUSEHOLDS = """
SELECT h.id, h.village_id AS village, h.registered_year,
  CASE WHEN h.status IN ({poor}) THEN 1 ELSE 0 END AS poor_now, COALESCE(h.main_cause_id, '') AS main_cause
FROM registry_household h WHERE h.village_id LIKE '{within}%'
"""
MEMBERS = """
SELECT m.household_id, {joined} AS joined, COALESCE({left}, 9999) AS left_year, COUNT(*) AS n
FROM registry_member m{join} GROUP BY m.household_id, {joined}, COALESCE({left}, 9999)
"""
# In no order: DuckDB orders them, faster than SQLite's sort (0.35 s against 0.86 s at 400,000 events).
EVENTS = """
SELECT e.household_id, e.at AS moment, e.id, {year_end} AS year_end,
  CASE WHEN e.old IN ({poor}) THEN 1 ELSE 0 END AS poor_before,
  CASE WHEN e.new IN ({poor}) THEN 1 ELSE 0 END AS poor_after
FROM registry_auditevent e{join} WHERE e.action = 'status' AND e.field = 'status'
"""
INCOMES = "SELECT i.household_id, i.year, {net} AS net_fen FROM registry_income i{join}{years}"
CONDITIONS_SQL = "SELECT c.household_id, c.year, {flags} FROM registry_livingconditions c{join}{years}"


def statements(vendor: str, within: str, years: Iterable[int] | None) -> dict[str, str]:
    """The reads by name: the years (for an area), the households under the prefix `within` and their
    members, status events, incomes and conditions (of the `years` only; None for every year)."""
    if not PREFIX.fullmatch(within):
        raise ValueError(f"an area code prefix is digits only: {within!r}")
    dialect = _DIALECTS[vendor]

    def join(alias: str) -> str:  # the whole registry needs no join to the households
        return (f" JOIN registry_household h ON h.id = {alias}.household_id AND h.village_id LIKE '{within}%'"
                if within else "")

    def in_years(alias: str) -> str:
        if years is None:
            return ""
        wanted = ", ".join(map(str, sorted({int(year) for year in years}))) or "-1"
        return f" WHERE {alias}.year IN ({wanted})"

    net = " + ".join(f"CAST(ROUND(i.{name} * 100) AS BIGINT)" for name in MONEY)
    net += " - CAST(ROUND(i.production_costs * 100) AS BIGINT)"
    flags = ", ".join(f"CASE WHEN c.{name}_secure THEN 1 ELSE 0 END AS {name}" for name in CONDITIONS)
    found = {"years": YEARS.format(years=in_years("i"))} if within else {}
    return found | {
        "households": HOUSEHOLDS.format(poor=_POOR, within=within),
        "members": MEMBERS.format(joined=dialect["year"].format("m.joined_on"),
                                  left=dialect["year"].format("m.left_on"), join=join("m")),
        "events": EVENTS.format(year_end=dialect["year_end"].format("e.at"), poor=_POOR, join=join("e")),
        "incomes": INCOMES.format(net=net, join=join("i"), years=in_years("i")),
        "conditions": CONDITIONS_SQL.format(flags=flags, join=join("c"), years=in_years("c")),
    }


# The rows (frame.SCHEMA), in code order (village, year, household): for each year with an income, every
# household registered by its end, and every household with an income that year (those registered later
# added apart, so no DISTINCT is needed); kept where anyone is registered at the year end or an income is
# recorded. A household and year are one BIGINT key (household * 10,000 + year) for the joins. The status
# at a year end: after the household's last event by then (spans: from each event year end to the next,
# the last event of a year end in time order), else before its first event, else its status now. Income
# per person in fen, ties away from zero (as Decimal's ROUND_HALF_UP), in integers; then yuan as the double
# fen / 100. `lines` holds each year's poverty line by the code prefix of `digits` digits (frame._lines).
ASSEMBLE = """
WITH incomes_k AS (SELECT household_id * 10000 + year AS k, household_id, year, net_fen FROM incomes),
cells AS (
  SELECT h.id AS household_id, y.year, h.id * 10000 + y.year AS k
  FROM households h JOIN years y ON h.registered_year <= y.year
  UNION ALL
  SELECT i.household_id, i.year, i.k
  FROM incomes_k i JOIN households h ON h.id = i.household_id WHERE h.registered_year > i.year),
counted AS (
  SELECT m.household_id * 10000 + y.year AS k, CAST(sum(m.n) AS BIGINT) AS persons
  FROM members m JOIN years y ON m.joined <= y.year AND y.year < m.left_year GROUP BY k),
ordered AS (SELECT *, row_number() OVER (ORDER BY household_id, moment, id) AS seq FROM events),
settled AS (
  SELECT household_id, year_end, arg_max(poor_after, seq) AS poor
  FROM ordered GROUP BY household_id, year_end),
spans AS (
  SELECT household_id, year_end AS since, poor,
    coalesce(lead(year_end) OVER (PARTITION BY household_id ORDER BY year_end), 32767) AS until
  FROM settled),
first AS (SELECT household_id, arg_min(poor_before, seq) AS poor FROM ordered GROUP BY household_id)
SELECT c.household_id, h.village, CAST(c.year AS SMALLINT) AS year,
  CAST(coalesce(p.persons, 0) AS SMALLINT) AS persons,
  CASE WHEN p.persons > 0 AND i.net_fen IS NOT NULL THEN
    CAST(sign(i.net_fen) * ((2 * abs(i.net_fen) + p.persons) // (2 * p.persons)) AS DOUBLE)
    / CAST(100 AS DOUBLE) END AS income,
  l.line,
  h.registered_year <= c.year AND coalesce(s.poor, f.poor, h.poor_now) = 1 AS poor,
  {conditions},
  nullif(h.main_cause, '') AS main_cause
FROM cells c
JOIN households h ON h.id = c.household_id
LEFT JOIN counted p ON p.k = c.k
LEFT JOIN spans s ON s.household_id = c.household_id AND c.year >= s.since AND c.year < s.until
LEFT JOIN first f ON f.household_id = c.household_id
LEFT JOIN incomes_k i ON i.k = c.k
LEFT JOIN (SELECT household_id * 10000 + year AS k, * FROM conditions) k ON k.k = c.k
LEFT JOIN lines l ON l.year = c.year AND l.prefix = substr(h.village, 1, {digits})
WHERE p.persons > 0 OR i.net_fen IS NOT NULL
ORDER BY CAST(h.village AS BIGINT) * 10000 + c.year, c.household_id
"""


def assemble(digits: int) -> str:
    """The DuckDB statement over the reads and `lines`, registered under their names."""
    flags = ",\n  ".join(f"CASE WHEN k.k IS NOT NULL THEN k.{name} = 1 END AS {name}"
                         for name in CONDITIONS)
    return ASSEMBLE.format(conditions=flags, digits=int(digits))

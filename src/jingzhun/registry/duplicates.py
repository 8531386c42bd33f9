"""Finding likely duplicates: current members of one village with the same name and birth date but
different ID numbers, perhaps one person registered twice. Found in bulk after imports and registrations;
decided by an officer through `duplicate_actions`."""

from collections.abc import Iterable

from django.db import connection
from django.utils import timezone

from .models import Household, LikelyDuplicate, Member

# Above this many villages one pass over the whole registry is faster than reaching each village's
# members through the household index (measured: all 2,400 villages of 363k members, 2.0 s vs 0.7 s).
WHOLE_REGISTRY_FROM = 300

# The whole registry: group every current member by name and birth date, then fetch the few members of
# groups larger than one. SQLite would read members through the partial unique index on current ID
# numbers, one out-of-order row fetch each, 3-4x slower than the plain table scan NOT INDEXED asks for.
WHOLE_TWINS = """
shared AS (
    SELECT {m_name} AS name, {m_born} AS born FROM {member} {plain_scan} WHERE {m_left} IS NULL
    GROUP BY {m_name}, {m_born} HAVING COUNT(*) > 1
), twins AS (
    SELECT m.{m_id} AS id, m.{m_number} AS id_number, m.{m_name} AS name, m.{m_born} AS born,
           h.{h_village} AS village
    FROM {member} m {plain_scan}
    JOIN shared s ON s.name = m.{m_name} AND s.born = m.{m_born}
    JOIN {household} h ON h.{h_id} = m.{m_household}
    WHERE m.{m_left} IS NULL
)"""

# Some villages: their members through the household index; a window count keeps the shared groups.
VILLAGE_TWINS = """
live AS (
    SELECT m.{m_id} AS id, m.{m_number} AS id_number, m.{m_name} AS name, m.{m_born} AS born,
           h.{h_village} AS village,
           COUNT(*) OVER (PARTITION BY h.{h_village}, m.{m_name}, m.{m_born}) AS sharing
    FROM {household} h JOIN {member} m ON m.{m_household} = h.{h_id}
    WHERE h.{h_village} IN ({villages}) AND m.{m_left} IS NULL
), twins AS (
    SELECT id, id_number, name, born, village FROM live WHERE sharing > 1
)"""

# A pair is stored once, the later record (larger id) as `member`. ON CONFLICT leaves every pair already
# flagged, open or decided, as it is: a later run never reopens a decision. The WITH clause comes after
# INSERT so that Python's sqlite3 reports the rows inserted (it gives -1 for a statement opening with
# WITH); the WHERE clause is what lets SQLite parse ON CONFLICT after a SELECT.
PAIRS = """
INSERT INTO {flag} ({f_member}, {f_other}, {f_village}, {f_found}, {f_state}, {f_note})
WITH {twins}
SELECT a.id, b.id, a.village, %s, %s, ''
FROM twins a JOIN twins b ON b.village = a.village AND b.name = a.name AND b.born = a.born AND b.id < a.id
WHERE a.id_number <> b.id_number
ON CONFLICT ({f_member}, {f_other}) DO NOTHING
"""


def _sql(village_count: int | None) -> str:
    quote = connection.ops.quote_name

    def column(model, field: str) -> str:
        return quote(model._meta.get_field(field).column)

    names = {
        "member": quote(Member._meta.db_table), "household": quote(Household._meta.db_table),
        "flag": quote(LikelyDuplicate._meta.db_table),
        "plain_scan": "NOT INDEXED" if connection.vendor == "sqlite" else "",
        "villages": ", ".join(["%s"] * (village_count or 0)),
        "m_id": column(Member, "id"), "m_number": column(Member, "id_number"),
        "m_name": column(Member, "name"),
        "m_born": column(Member, "birth_date"), "m_household": column(Member, "household"),
        "m_left": column(Member, "left_on"), "h_id": column(Household, "id"),
        "h_village": column(Household, "village"),
        "f_member": column(LikelyDuplicate, "member"), "f_other": column(LikelyDuplicate, "other"),
        "f_village": column(LikelyDuplicate, "village"), "f_found": column(LikelyDuplicate, "found_at"),
        "f_state": column(LikelyDuplicate, "state"), "f_note": column(LikelyDuplicate, "note"),
    }
    twins = (VILLAGE_TWINS if village_count else WHOLE_TWINS).format(**names)
    return PAIRS.format(twins=twins, **names)


def find_likely_duplicates(village_codes: Iterable[str] | None = None) -> int:
    """Flag new likely duplicates in the given villages (None: the whole registry); return how many.

    Runs in the caller's transaction, if any. Pairs flagged before are left as they are."""
    codes = None if village_codes is None else sorted(set(village_codes))
    if codes is not None and not codes:
        return 0
    if codes is not None and len(codes) >= WHOLE_REGISTRY_FROM:
        codes = None  # flags elsewhere too, which are as real as those in the villages asked about
    found_at = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        # The village codes come first in the statement (in the WITH clause), then the inserted values.
        cursor.execute(_sql(len(codes) if codes else None), [*(codes or []), found_at,
                                                             LikelyDuplicate.State.OPEN])
        return max(cursor.rowcount, 0)


def flag_after_import(village_codes: Iterable[str]) -> int:
    """The import's hook, run after a file is loaded: flag likely duplicates in the villages it touched."""
    return find_likely_duplicates(list(village_codes))

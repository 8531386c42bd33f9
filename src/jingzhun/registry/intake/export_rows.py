"""Export rows built from plain values: the member-row layout of `columns.py`, and the pieces the
household-list CSV shares with it (households read in chunks, their current members in one query per
chunk, label tables built once). Model instances and get_FOO_display cost ~150 µs a row, which is minutes
on a 200,000-household, 740,000-member export; tuples and dictionaries cost a few µs.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jingzhun.areas.models import Area
from jingzhun.areas.scope import Scope, mask_id_number

from ..choices import Relation
from ..models import Cause, Household, Income, Member
from .columns import COLUMNS, headers

CHUNK = 2000

HOUSEHOLD_FIELDS = ("pk", "number", "village_id", "household_type", "status", "registered_year",
                    "main_cause_id", "address", "phone")
MEMBER_FIELDS = ("household_id", "id", "joined_on", "name", "id_number", "relation", "ethnicity",
                 "education", "in_school", "health", "disability_grade", "labour", "months_away")
# The member-row layout in the order these modules build it; checked against columns.py at import.
HOUSEHOLD_KEYS = ["household_number", "village", "village_name", "household_type", "status",
                  "registered_year", "main_cause", "other_causes", "address", "phone"]
MEMBER_KEYS = ["name", "id_number", "relation", "ethnicity", "education", "in_school", "health",
               "disability_grade", "labour", "months_away", "joined_on"]
INCOME_KEYS = ["income_year", *Income.AMOUNT_FIELDS]
assert [*HOUSEHOLD_KEYS, *MEMBER_KEYS, *INCOME_KEYS] == [column.key for column in COLUMNS]
TEXT_KEYS = {"household_number", "village", "id_number", "phone"}  # kept as text cells, never numbers
NO_INCOME = [None] * len(INCOME_KEYS)


def english() -> bool:
    return (get_language() or "").startswith("en")


def chunks(rows: Iterable, size: int = CHUNK) -> Iterator[list]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def household_chunks(households, fields=HOUSEHOLD_FIELDS) -> Iterator[list[tuple]]:
    """The queryset's households as value tuples, `CHUNK` at a time, streamed from the database."""
    return chunks(households.values_list(*fields).iterator(chunk_size=CHUNK))


def current_members(household_ids: list[int], fields=MEMBER_FIELDS) -> dict[int, list[tuple]]:
    """Current members (not those who left) of these households, grouped by household; `fields` must
    start with household_id."""
    grouped: dict[int, list[tuple]] = defaultdict(list)
    for row in Member.objects.filter(household_id__in=household_ids, left_on__isnull=True).order_by() \
            .values_list(*fields):
        grouped[row[0]].append(row)
    return grouped


class Labels:
    """Code labels, cause names and village names in the active language, each looked up once."""

    def __init__(self):
        self.english = english()
        self.codes = {column.key: {key: str(label) for key, label in column.choices.choices}
                      for column in COLUMNS if column.choices}
        causes = Cause.objects.order_by("order").values_list("code", "name_zh", "name_en")
        self.causes = {code: en if self.english else zh for code, zh, en in causes}
        self.cause_order = {code: i for i, code in enumerate(self.causes)}
        self.yes, self.no = _("yes"), _("no")
        self._villages: dict[str, str] = {}

    def villages(self, codes: Iterable[str]) -> dict[str, str]:
        missing = set(codes) - self._villages.keys()
        if missing:
            name = "name_en" if self.english else "name_zh"
            self._villages.update(Area.objects.filter(code__in=missing).values_list("code", name))
        return self._villages


def id_shower(scope: Scope):
    return (lambda number: number) if scope.sees_id_numbers else mask_id_number


@dataclass
class Counts:
    households: int = 0
    rows: int = 0


def member_headers() -> list[str]:
    return headers(get_language() or "zh-hans")


def member_rows(scope: Scope, households, counts: Counts | None = None,
                progress: Callable[[Counts], None] | None = None) -> Iterator[list]:
    """One row per current member of each household, in the columns.py layout: text, int, Decimal or
    None values; code values as labels in the active language, which the importer reads back.
    `progress(counts)` is told after each chunk of households (a background export's progress bar)."""
    labels = Labels()
    counts = counts if counts is not None else Counts()
    show_id = id_shower(scope)
    types, statuses = labels.codes["household_type"], labels.codes["status"]
    relations, ethnicities, educations = labels.codes["relation"], labels.codes["ethnicity"], \
        labels.codes["education"]
    healths, labours = labels.codes["health"], labels.codes["labour"]
    causes, cause_order = labels.causes, labels.cause_order
    yes, no = labels.yes, labels.no
    joiner = "、"  # the importer also splits on commas and spaces; 、 reads the same in both languages
    through = Household.other_causes.through
    for chunk in household_chunks(households):
        ids = [row[0] for row in chunk]
        members = current_members(ids)
        other_causes: dict[int, list[str]] = defaultdict(list)
        for household_id, cause in through.objects.filter(household_id__in=ids).values_list(
                "household_id", "cause_id"):
            other_causes[household_id].append(cause)
        incomes: dict[int, list] = {}
        for household_id, *income in Income.objects.filter(household_id__in=ids).order_by(
                "household_id", "year").values_list("household_id", "year", *Income.AMOUNT_FIELDS):
            incomes[household_id] = income  # the latest year wins
        villages = labels.villages(row[2] for row in chunk)
        for pk, number, village, household_type, status, year, main_cause, address, phone in chunk:
            counts.households += 1
            household = [
                number, village, villages.get(village, ""), types[household_type], statuses[status], year,
                causes.get(main_cause, ""),
                joiner.join(causes[c] for c in sorted(other_causes.get(pk, ()), key=cause_order.get)),
                address, phone,
            ]
            income = incomes.get(pk, NO_INCOME)
            for (_h, _id, joined_on, name, id_number, relation, ethnicity, education, in_school, health,
                 disability_grade, labour, months_away) in sorted(
                    members.get(pk, ()), key=lambda m: (m[5] != Relation.HEAD, m[2], m[1])):
                counts.rows += 1
                yield [*household, name, show_id(id_number), relations[relation], ethnicities[ethnicity],
                       educations[education], yes if in_school else no, healths[health], disability_grade,
                       labours[labour], months_away, joined_on.isoformat(), *income]
        if progress:
            progress(counts)

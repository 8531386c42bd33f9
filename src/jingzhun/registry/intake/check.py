"""Checking a read table row by row and household by household; reads the database in bulk, writes nothing.

The result groups rows into households (plans the loader writes) and lists every problem as
(row, column key, message) in the active language. Warnings are listed but do not reject a row.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from jingzhun.areas.models import Area, Level
from jingzhun.areas.scope import Scope

from ..actions import TRANSITIONS
from ..choices import HouseholdStatus, Relation
from ..models import Cause, Household, Member
from .cells import CellError, Parsers, cause_labels
from .columns import COLUMNS, INCOME_COLUMNS, Kind
from .read import Table

CHUNK = 500  # values per IN (...) lookup
_ORDER = {column.key: position for position, column in enumerate(COLUMNS)}  # a row's problems, in this order
HOUSEHOLD_KEYS = ("village", "household_type", "status", "registered_year", "address", "phone",
                  "main_cause", "other_causes", "income_year", *(key for key, _zh, _en in INCOME_COLUMNS))


@dataclass
class Problem:
    row: int
    key: str
    message: str
    warning: bool = False


@dataclass
class MemberPlan:
    row: int
    values: dict  # the member's cells, clean; id_number holds a rules.IdNumber


@dataclass
class HouseholdPlan:
    number: str
    rows: list[int] = field(default_factory=list)
    values: dict = field(default_factory=dict)  # household cells, clean, from its first row
    members: list[MemberPlan] = field(default_factory=list)
    existing: dict | None = None  # id, status, village_id of the household already in the registry
    raw: tuple = ()  # the household cells of its first row, as text


@dataclass
class Checked:
    table: Table  # the rows checked here
    households: list[HouseholdPlan]
    problems: list[Problem]
    fast: Any = None  # fast_write.Written: the file's other households, written by the fast path
    source: Table | None = None  # the whole file, when some of its households took the fast path

    @property
    def bad_rows(self) -> set[int]:
        return {p.row for p in self.problems if not p.warning}

    def valid_households(self) -> list[HouseholdPlan]:
        """Households none of whose rows has an error (warnings do not count)."""
        bad = self.bad_rows
        return [h for h in self.households if not any(row in bad for row in h.rows)]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _parse_column(column, parse, texts: tuple, required: str) -> tuple[list, dict[int, list]]:
    """Clean values of one column for every row (None for an empty or bad cell), and the problems by row
    index as (key, message, is_warning). Each distinct text is parsed once: most columns repeat a few
    values on every row, and a household's cells repeat on each of its member rows."""
    if column.kind is Kind.TEXT:
        issues = {}
        if column.required and "" in texts:
            issues = {index: [(column.key, required, False)] for index, text in enumerate(texts) if not text}
        return [text or None for text in texts], issues
    results, bad = {}, {}
    for text in set(texts):
        if not text:
            results[text] = None
            if column.required:
                bad[text] = (column.key, required, False)
            continue
        try:
            value, warning = parse(text)
        except CellError as error:
            results[text] = None
            bad[text] = (column.key, error.message, False)
            continue
        results[text] = value
        if warning:
            bad[text] = (column.key, warning, True)
    issues: dict[int, list] = {}
    if bad:
        for index, text in enumerate(texts):
            issue = bad.get(text)
            if issue is not None:
                issues[index] = [issue]
    return list(map(results.__getitem__, texts)), issues


def _parse_table(table: Table, texts: list[tuple], columns: list, required: str
                 ) -> tuple[list[tuple], dict[int, list]]:
    """The columns' clean values row by row, and every row's problems, by row index; `texts` holds the
    table's cells column by column."""
    indexes = [table.columns.index(column) for column, _parse in columns]
    values, issues = [], {}
    for index, (column, parse) in zip(indexes, columns, strict=True):
        column_values, column_issues = _parse_column(column, parse, texts[index], required)
        values.append(column_values)
        for row, found in column_issues.items():
            issues.setdefault(row, []).extend(found)
    return list(zip(*values, strict=True)) if values else [() for _ in table.rows], issues


def check_table(table: Table, scope: Scope, *, today: datetime.date | None = None,
                progress: Callable[[int], None] | None = None) -> Checked:
    parsers = Parsers(cause_labels(Cause.objects.all()), today=today)
    problems: list[Problem] = []
    households: dict[str, HouseholdPlan] = {}
    required = _("This field is required.")
    house = [(column, parsers.parser_for(column)) for column in table.columns if column.household]
    people = [(column, parsers.parser_for(column)) for column in table.columns if not column.household]
    house_keys = [column.key for column, _parse in house]
    number_at = house_keys.index("household_number")  # a required column: read_table insists on it
    people_keys = [column.key for column, _parse in people]
    texts = list(zip(*(cells for _number, cells in table.rows), strict=True)) or [() for _ in table.columns]
    house_values, house_issues = _parse_table(table, texts, house, required)
    people_values, people_issues = _parse_table(table, texts, people, required)
    del texts  # a million-row file's cells, column by column: not kept through the row loop
    house_cells = _picker([i for i, column in enumerate(table.columns) if column.household])
    rows = zip(table.rows, house_values, people_values, strict=True)
    for index, ((number, cells), house_row, people_row) in enumerate(rows):
        issues = house_issues.get(index, []) + people_issues.get(index, [])
        for key, message, warning in sorted(issues, key=lambda issue: _ORDER[issue[0]]):
            problems.append(Problem(number, key, message, warning))
        household_number = house_row[number_at] or f"#{number}"
        plan = households.get(household_number)
        raw = house_cells(cells)
        if plan is None or raw != plan.raw:  # else the row repeats its household's first row
            house_clean = {k: v for k, v in zip(house_keys, house_row, strict=True) if v is not None}
        if plan is None:
            plan = households[household_number] = HouseholdPlan(household_number)
            plan.values = {k: house_clean.get(k) for k in HOUSEHOLD_KEYS}
            plan.raw = raw
        elif raw != plan.raw:
            for key in HOUSEHOLD_KEYS:
                value = plan.values[key]
                if key in house_clean and value is not None and house_clean[key] != value:
                    problems.append(Problem(number, key, _("Differs from row %(r)d of the same household.")
                                            % {"r": plan.rows[0]}))
                elif value is None:
                    plan.values[key] = house_clean.get(key)
        plan.rows.append(number)
        plan.members.append(MemberPlan(number, {k: v for k, v in zip(people_keys, people_row, strict=True)
                                                if v is not None}))
        if progress and (index + 1) % 1000 == 0:
            progress(1000)
    if progress:
        progress(len(table.rows) % 1000)
    plans = list(households.values())
    today = today or datetime.date.today()
    for plan in plans:
        problems.extend(_household_problems(plan, today))
    problems.extend(_duplicates_in_file(plans))
    problems.extend(_villages(plans, scope))
    problems.extend(_registry(plans))
    problems.sort(key=lambda p: p.row)
    return Checked(table, plans, problems)


def _picker(indexes: list[int]):
    """A function returning those cells of a row, as a tuple."""
    if len(indexes) == 1:
        index = indexes[0]
        return lambda cells: (cells[index],)
    return itemgetter(*indexes) if indexes else (lambda cells: ())


def _household_problems(plan: HouseholdPlan, today: datetime.date) -> list[Problem]:
    problems = []
    heads = [m.row for m in plan.members if m.values.get("relation") == Relation.HEAD]
    if not heads and all("relation" in m.values for m in plan.members):
        problems += [Problem(m.row, "relation", _("The household has no head: one member must be the head."))
                     for m in plan.members]
    if len(heads) > 1:
        rows = ", ".join(str(r) for r in heads)
        problems += [Problem(r, "relation", _("The household has more than one head (rows %(rows)s).")
                             % {"rows": rows}) for r in heads]
    values = plan.values
    first = plan.rows[0]
    amounts = [key for key, _zh, _en in INCOME_COLUMNS if values.get(key) is not None]
    year, registered = values.get("income_year"), values.get("registered_year")
    if year is None and amounts:
        problems.append(Problem(first, "income_year", _("Give the income year for these amounts.")))
    if year is not None and registered is not None and not registered - 1 <= year <= today.year:
        problems.append(Problem(first, "income_year", _(
            "Income can be recorded from the year before registration to this year.")))
    return problems


def _duplicates_in_file(plans: list[HouseholdPlan]) -> list[Problem]:
    first_row: dict[str, int] = {}
    problems = []
    for plan in plans:
        for member in plan.members:
            checked = member.values.get("id_number")
            if checked is None:
                continue
            other = first_row.setdefault(checked.number, member.row)
            if other != member.row:
                message = _("The same ID number is also on row %(r)d.")
                problems.append(Problem(member.row, "id_number", message % {"r": other}))
                problems.append(Problem(other, "id_number", message % {"r": member.row}))
    return problems


def lookup(sql: str, values: list, size: int = 2000):
    """Rows of `sql` for values in chunks, through the DB-API cursor: the ORM's per-value preparation
    would cost more than the lookups themselves on a million-row file."""
    with connection.cursor() as cursor:
        for start in range(0, len(values), size):
            chunk = values[start:start + size]
            cursor.execute(sql.format(marks=", ".join(["%s"] * len(chunk))), chunk)
            yield from cursor.fetchall()


def _villages(plans: list[HouseholdPlan], scope: Scope) -> list[Problem]:
    codes = sorted({p.values["village"] for p in plans if p.values.get("village")})
    known = set()
    for chunk in _chunks(codes):
        known.update(Area.objects.filter(code__in=chunk, level=Level.VILLAGE).values_list("code", flat=True))
    problems = []
    for plan in plans:
        code = plan.values.get("village")
        if code is None:
            continue
        if code not in known:
            message = _("No village has this code.")
        elif not scope.covers(code):
            message = _("This village lies outside your area.")
        else:
            continue
        problems += [Problem(row, "village", message) for row in plan.rows]
    return problems


def _registry(plans: list[HouseholdPlan]) -> list[Problem]:
    """ID numbers held by current members of other households; households already registered."""
    problems = []
    household, member = Household._meta.db_table, Member._meta.db_table
    existing = {number: {"id": pk, "number": number, "status": status, "village_id": village}
                for pk, number, status, village in lookup(
                    f"SELECT id, number, status, village_id FROM {household} WHERE number IN ({{marks}})",
                    [p.number for p in plans])}
    ids = [m.values["id_number"].number for p in plans for m in p.members if m.values.get("id_number")]
    holders: dict[str, str] = dict(lookup(
        f"SELECT m.id_number, h.number FROM {member} m JOIN {household} h ON h.id = m.household_id "
        f"WHERE m.left_on IS NULL AND m.id_number IN ({{marks}})", ids))
    for plan in plans:
        plan.existing = existing.get(plan.number)
        for member in plan.members:
            checked = member.values.get("id_number")
            holder = holders.get(checked.number) if checked else None
            if holder is not None and holder != plan.number:
                message = _("This ID number already belongs to a current member of household %(n)s.")
                problems.append(Problem(member.row, "id_number", message % {"n": holder}))
        if plan.existing:
            problems += _existing_household(plan)
    return problems


def _existing_household(plan: HouseholdPlan) -> list[Problem]:
    old, values, first = plan.existing, plan.values, plan.rows[0]
    problems = []
    if values.get("village") and values["village"] != old["village_id"]:
        problems.append(Problem(first, "village", _(
            "Household %(n)s is registered in village %(v)s; an import cannot move it.")
            % {"n": plan.number, "v": old["village_id"]}))
    new_status = values.get("status")
    if new_status and new_status != old["status"] and new_status not in TRANSITIONS[old["status"]]:
        problems.append(Problem(first, "status", _("A household cannot go from %(a)s to %(b)s.") % {
            "a": HouseholdStatus(old["status"]).label, "b": HouseholdStatus(new_status).label}))
    return problems

"""Writing checked households: all or nothing (or, with partial, every whole valid household), in one
transaction, in bulk, each change audited as the actions would audit it.

Existing households are matched by household number, their members by ID number. An empty cell never
changes a value already stored; it gives the default only to new records. Importing a file again writes
nothing when nothing differs.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun.areas.scope import scope_for
from jingzhun.errors import NotAllowed
from jingzhun.registry.bulk import NEW_MEMBER_FIELDS, Writer, reserve_ids

from ..actions import HOUSEHOLD_FIELDS, MEMBER_FIELDS
from ..audit import SNAPSHOT_JSON, as_text, event_fields
from ..choices import Ethnicity, Health, HouseholdStatus, Relation
from ..duplicates import flag_after_import
from ..models import AuditEvent, Household, Income, Member
from .check import CHUNK, Checked, HouseholdPlan, Problem, check_table
from .fast import find_fast
from .fast_write import write_run
from .nogc import no_cyclic_gc
from .read import Table, read_table

CREATE, CHANGE, STATUS = AuditEvent.Action.CREATE, AuditEvent.Action.CHANGE, AuditEvent.Action.STATUS
Causes = Household.other_causes.through
ZERO = Decimal("0.00")
WRITE_BATCH = 5000  # households per round of bulk writes
SQLITE_IMPORT_CACHE_KIB = 256 * 1024
REBUILD_INDEXES_FROM = 50_000  # members; below it rebuilding costs more than it saves
# A new member's columns after its id, as the raw writer takes them (left_on stays empty).
MEMBER_COLUMNS = NEW_MEMBER_FIELDS[1:]  # a new member's columns after its id
MEMBER_SNAPSHOT = AuditEvent.IMPORTED_MEMBER_FIELDS


@dataclass
class Result:
    checked: Checked
    written: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    members_created: int = 0
    members_updated: int = 0
    audit_rows: int = 0
    likely_duplicates: int = 0  # pairs newly flagged for an officer to decide

    @property
    def errors(self) -> list[Problem]:
        return self.checked.errors

    @property
    def problems(self) -> list[Problem]:
        return self.checked.problems


def import_file(path: str | Path, *, actor, partial: bool = False, today: datetime.date | None = None,
                progress: Callable[[int], None] | None = None) -> Result:
    """Read, check and load a register file as `actor`; the file's problems come back in the result."""
    table = read_table(path)
    if progress:
        progress(0)  # the file is read: a caller timing the phases sees where reading ends
    return import_table(table, actor=actor, name=Path(path).name, partial=partial, today=today,
                        progress=progress)


def import_table(table: Table, *, actor, name: str, partial: bool = False,
                 today: datetime.date | None = None, progress: Callable[[int], None] | None = None) -> Result:
    scope = scope_for(actor)
    if not scope.edits_registry:
        raise NotAllowed(_("Your role may read the registry but not change it."))
    reason = f"import {name}"
    with no_cyclic_gc():
        run = find_fast(table, scope, today=today)
        if run is None:
            checked = check_table(table, scope, today=today, progress=progress)
            return load(checked, actor=actor, partial=partial, reason=reason, progress=progress)
        # The fast path's households first, then the others, row by row, with the indexes back; if
        # those have errors (and not partial), nothing stays.
        bulk = _bulk_load(run.candidate_count())
        quiet = _foreign_keys_checked_after(bulk)
        with connection.constraint_checks_disabled() if quiet else nullcontext(), transaction.atomic():
            cursor = transaction.get_connection().cursor()
            sqlite_settings = _sqlite_import_settings(cursor)
            raw = Writer(cursor)
            indexes = raw.drop_indexes() if bulk else []
            first_load = bool(indexes) and not _current_members(cursor)
            written = write_run(run, raw.cursor, actor_id=actor.pk, at=_now(), reason=reason,
                                locked=bool(indexes), namesakes=first_load, progress=progress)
            _rebuild(raw, indexes, quiet)
            _restore_sqlite_settings(cursor, sqlite_settings)
            cursor.close()
            rest = table.subset(pc.invert(written.rows))
            checked = check_table(rest, scope, today=today, progress=progress)
            checked.fast, checked.source = written, table
            result = load(checked, actor=actor, partial=partial, reason=reason, progress=progress,
                          first_load=first_load)
            if not result.written:
                transaction.set_rollback(True)
            return result


def load(checked: Checked, *, actor, partial: bool = False, reason: str = "import",
         progress: Callable[[int], None] | None = None, first_load: bool = False) -> Result:
    """Write the checked households; `checked.fast` holds what the fast path wrote before, in the same
    transaction (`first_load`: into a registry with no current member)."""
    result = Result(checked)
    fast = checked.fast
    new_members = sum(len(p.members) for p in checked.valid_households() if not p.existing)
    bulk = _bulk_load(new_members)
    quiet = _foreign_keys_checked_after(bulk)
    with connection.constraint_checks_disabled() if quiet else nullcontext(), transaction.atomic():
        updating = [p for p in checked.valid_households() if p.existing]
        state = _State(updating)
        changes = {p.number: _diff(p, state, checked.problems) for p in updating}
        checked.problems.sort(key=lambda p: p.row)
        chosen = checked.valid_households()
        result.rejected = len(checked.households) - len(chosen)
        if result.rejected and not partial:
            return result
        cursor = transaction.get_connection().cursor()
        sqlite_settings = _sqlite_import_settings(cursor)
        raw = Writer(cursor)
        new_plans = [p for p in chosen if not p.existing]
        writer = _Writes(actor, reason, raw)
        # Registered households first: their new members and incomes take ids through the ORM, and the
        # ids for new households' rows are reserved only after that, so the two never meet.
        for plan in chosen:
            if plan.existing:
                if writer.update(plan, changes[plan.number]):
                    result.updated += 1
                else:
                    result.unchanged += 1
        if progress:
            progress(sum(len(p.rows) for p in chosen if p.existing))
        # Dropped only now: the updates above look records up through these indexes.
        indexes = raw.drop_indexes() if bulk else []
        first_load = first_load or (bool(indexes) and not _current_members(cursor))
        writer.reserve(new_plans, locked=bool(indexes))
        for start in range(0, len(new_plans), WRITE_BATCH):
            batch = new_plans[start:start + WRITE_BATCH]
            writer.create(batch)
            if progress:
                progress(sum(len(p.rows) for p in batch))
            if len(writer.audit) > 100_000:
                writer.flush()
        writer.flush()
        _rebuild(raw, indexes, quiet)
        if first_load:  # every current member is the file's: only villages where two of them meet
            villages = _villages_with_namesakes(new_plans, fast.namesakes if fast else [])
        else:
            villages = {p.values["village"] for p in chosen} | (fast.villages if fast else set())
        result.likely_duplicates = flag_after_import(villages)
        _restore_sqlite_settings(cursor, sqlite_settings)
        cursor.close()
        result.written = True
        result.created = writer.created + (fast.households if fast else 0)
        result.members_created = writer.members_created + (fast.members if fast else 0)
        result.members_updated = writer.members_updated
        result.audit_rows = writer.audit_rows + (fast.households if fast else 0)
    return result


def _now():
    """The time of an import's records, as each database takes it as a value to write."""
    now = timezone.now()
    return now if connection.vendor == "postgresql" else now.replace(tzinfo=None).isoformat(" ")


def _bulk_load(incoming: int) -> bool:
    """Whether to drop the registry's indexes (and its unique and foreign-key constraints) for the load
    of `incoming` new members and build them again after (bulk.Writer.drop_indexes). That pays when the
    file brings at least as many members as the registry holds: measured on a million members, SQLite
    writes 30% faster and PostgreSQL several times faster. The drop and the rebuild are inside the
    import's transaction."""
    if incoming < REBUILD_INDEXES_FROM:
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(Member._meta.db_table)}")
        return incoming >= cursor.fetchone()[0]


def _foreign_keys_checked_after(bulk: bool) -> bool:
    """Whether a load turns SQLite's foreign-key checks off and checks the tables once at the end
    (_rebuild): SQLite checks each new row's keys as it goes in, which costs a bulk load more than the
    insert. Only outside a caller's transaction can SQLite turn the checks off; inside one that does
    nothing and the rows are checked as usual."""
    return bulk and connection.vendor == "sqlite" and not connection.in_atomic_block


def _rebuild(raw: Writer, indexes: list[str], quiet: bool) -> None:
    """The dropped indexes and constraints built again, and with `quiet` the foreign keys checked."""
    raw.create_indexes(indexes)
    if quiet:
        connection.check_constraints(table_names=raw.table_names())


def _current_members(cursor) -> bool:
    quote = connection.ops.quote_name
    left_on = quote(Member._meta.get_field("left_on").column)
    cursor.execute(f"SELECT 1 FROM {quote(Member._meta.db_table)} WHERE {left_on} IS NULL LIMIT 1")
    return cursor.fetchone() is not None


def _villages_with_namesakes(new_plans: list[HouseholdPlan], fast_keys: list[pa.Table]) -> set[str]:
    """Villages where two new members share a name and a birth date: on a first load, the only villages
    where duplicates.flag_after_import can find a pair (a million members: 3 villages, against a scan of
    the whole registry). `fast_keys`: the same keys of the members the fast path wrote."""
    keys = pa.table({
        "village": [p.values["village"] for p in new_plans for _m in p.members],
        "name": [m.values["name"] for p in new_plans for m in p.members],
        "born": [m.values["id_number"].birth_date.isoformat() for p in new_plans for m in p.members],
    }, schema=pa.schema([("village", pa.string()), ("name", pa.string()), ("born", pa.string())]))
    keys = pa.concat_tables([keys, *(k.cast(keys.schema) for k in fast_keys)])
    groups = keys.group_by(["village", "name", "born"], use_threads=False).aggregate([("name", "count")])
    return set(pc.filter(groups["village"], pc.greater(groups["name_count"], 1)).to_pylist())


def _sqlite_import_settings(cursor) -> tuple[int, int] | None:
    """SQLite keeps 2 MB of pages by default; a large import inserts ID numbers at random places in
    their indexes and would read and write the same pages over and over. It also sorts rebuilt indexes
    with helper threads. Returns the settings to restore."""
    if connection.vendor != "sqlite":
        return None
    cursor.execute("PRAGMA cache_size")
    before = cursor.fetchone()[0]
    cursor.execute("PRAGMA threads")
    threads = cursor.fetchone()[0]
    cursor.execute(f"PRAGMA cache_size = {-SQLITE_IMPORT_CACHE_KIB}")
    cursor.execute("PRAGMA threads = 2")
    return before, threads


def _restore_sqlite_settings(cursor, settings: tuple[int, int] | None) -> None:
    if settings is not None:
        cursor.execute(f"PRAGMA cache_size = {int(settings[0])}")
        cursor.execute(f"PRAGMA threads = {int(settings[1])}")


def _new_member_values(values: dict, registered_year: int) -> dict:
    checked = values["id_number"]
    health = values.get("health") or Health.HEALTHY
    return {
        "name": values["name"], "id_number": checked.number, "relation": values["relation"],
        "ethnicity": values.get("ethnicity") or Ethnicity.HAN, "education": values["education"],
        "in_school": values.get("in_school", False), "health": health,
        "disability_grade": values.get("disability_grade") if health == Health.DISABLED else None,
        "labour": values["labour"], "months_away": values.get("months_away") or 0,
        "joined_on": values.get("joined_on") or datetime.date(registered_year, 1, 1),
    }


def _member_texts(values: dict) -> dict:
    """A new member's values as audit.snapshot writes them, written out for speed: an import makes one
    per member."""
    texts = {"name": values["name"], "id_number": values["id_number"], "relation": str(values["relation"]),
             "ethnicity": str(values["ethnicity"]), "education": str(values["education"]),
             "in_school": "1" if values["in_school"] else "0", "health": str(values["health"])}
    if values["disability_grade"] is not None:
        texts["disability_grade"] = str(values["disability_grade"])
    texts["labour"] = str(values["labour"])
    texts["months_away"] = str(values["months_away"])
    texts["joined_on"] = values["joined_on"].isoformat()
    return {k: v for k, v in texts.items() if v}


def _income_values(values: dict) -> dict:
    return {f: values.get(f) for f in Income.AMOUNT_FIELDS if values.get(f) is not None}


class _State:
    """What the registry holds for the households the file updates, read in bulk."""

    def __init__(self, plans: list[HouseholdPlan]):
        ids = [p.existing["id"] for p in plans]
        self.households, self.members, self.incomes = {}, defaultdict(dict), {}
        self.causes = defaultdict(list)
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            self.households.update(Household.objects.select_for_update().in_bulk(chunk))
            for member in Member.objects.filter(household_id__in=chunk, left_on__isnull=True):
                self.members[member.household_id][member.id_number] = member
            for income in Income.objects.filter(household_id__in=chunk):
                self.incomes[(income.household_id, income.year)] = income
            for household_id, code in Causes.objects.filter(household_id__in=chunk).values_list(
                    "household_id", "cause_id"):
                self.causes[household_id].append(code)


@dataclass
class _Diff:
    household: Household
    fields: dict = field(default_factory=dict)  # field: (old, new)
    causes: tuple | None = None  # (main, others) when they change
    new_members: list = field(default_factory=list)
    members: list = field(default_factory=list)  # (member, {field: (old, new)})
    income: tuple | None = None  # (Income or None, year, amounts)

    def __bool__(self) -> bool:
        return bool(self.fields or self.causes or self.new_members or self.members or self.income)


def _diff(plan: HouseholdPlan, state: _State, problems: list[Problem]) -> _Diff:
    household = state.households[plan.existing["id"]]
    values, diff = plan.values, _Diff(household)
    for name in (*HOUSEHOLD_FIELDS, "status"):
        new = values.get(name)
        if new is not None and as_text(new) != as_text(getattr(household, name)):
            diff.fields[name] = (getattr(household, name), new)
    if values.get("main_cause") is not None or values.get("other_causes") is not None:
        main = values.get("main_cause")
        others = sorted(set(values.get("other_causes") or []) - {main})
        old_others = sorted(state.causes[household.pk])
        if main != household.main_cause_id or others != old_others:
            diff.causes = (household.main_cause_id, main, old_others, others)
    current = state.members[household.pk]
    in_file = set()
    for member_plan in plan.members:
        number = member_plan.values["id_number"].number
        in_file.add(number)
        member = current.get(number)
        if member is None:
            diff.new_members.append(_new_member_values(member_plan.values, household.registered_year))
            continue
        changed = {}
        for name in MEMBER_FIELDS:
            new = member_plan.values.get(name)
            if name == "id_number" or new is None:
                continue
            if as_text(new) != as_text(getattr(member, name)):
                changed[name] = (getattr(member, name), new)
        health = changed.get("health", (None, member.health))[1]
        if health != Health.DISABLED and member.disability_grade is not None:
            changed["disability_grade"] = (member.disability_grade, None)
        if changed:
            diff.members.append((member, changed))
    heads_left = [m for n, m in current.items() if n not in in_file and m.relation == Relation.HEAD]
    if heads_left:
        problems.append(Problem(plan.rows[0], "relation", _(
            "The household's current head %(name)s is not in the file; list all its members.")
            % {"name": heads_left[0].name}))
    year = values.get("income_year")
    if year is not None:
        income = state.incomes.get((household.pk, year))
        amounts = _income_values(values)
        if income is None or any(as_text(getattr(income, f)) != as_text(v) for f, v in amounts.items()):
            diff.income = (income, year, amounts)
    if diff and household.status == HouseholdStatus.CLOSED:
        problems.append(Problem(plan.rows[0], "household_number", _(
            "This household is closed; its record can no longer be changed.")))
    return diff


class _Writes:
    """Writes new households with their members, incomes, causes and creation events in bulk (raw
    executemany or COPY, ids reserved up front); updates go through the ORM, one household at a time."""

    def __init__(self, actor, reason: str, raw: Writer):
        self.raw = raw
        raw.register("new_member", Member, NEW_MEMBER_FIELDS)
        raw.register("new_income", Income, ("id", "household_id", "year", *Income.AMOUNT_FIELDS))
        self.actor_id = actor.pk
        self.reason = reason
        self.at = _now()
        self.audit: list[tuple] = []
        self.created = self.members_created = self.members_updated = self.audit_rows = 0

    def reserve(self, new_plans: list[HouseholdPlan], *, locked: bool) -> None:
        """Ids for all the new households' rows, taken before any is written (see bulk.reserve_ids)."""
        cursor = self.raw.cursor
        self.household_ids = iter(reserve_ids(cursor, Household, len(new_plans), locked=locked))
        self.member_ids = iter(reserve_ids(cursor, Member, sum(len(p.members) for p in new_plans),
                                           locked=locked))
        self.income_ids = iter(reserve_ids(cursor, Income, sum(
            1 for p in new_plans if p.values.get("income_year") is not None), locked=locked))

    def event(self, household_id: int, entity: str, entity_id, action: str, changes: dict) -> None:
        """The rows audit.record would write for this save, kept for the next bulk write."""
        self.audit.extend((household_id, self.actor_id, self.at, entity, entity_id, action, name, old, new,
                           self.reason) for name, old, new in event_fields(action, changes))

    def create(self, plans: list[HouseholdPlan]) -> None:
        households, members, incomes, causes, audit = [], [], [], [], self.audit
        head = (self.actor_id, self.at)
        reason, at = self.reason, self.at
        for plan in plans:
            values = plan.values
            pk = next(self.household_ids)
            main = values.get("main_cause")
            others = sorted(set(values.get("other_causes") or []) - {main})
            row = (pk, values["village"], plan.number, values.get("address") or "", values.get("phone") or "",
                   values["household_type"], values["status"], values["registered_year"], main, None, at, at)
            households.append(row)
            texts = {"village": row[1], "number": row[2], "address": row[3], "phone": row[4],
                     "household_type": str(row[5]), "status": str(row[6]), "registered_year": str(row[7]),
                     "main_cause": main or "", "other_causes": ",".join(others)}
            texts = {k: v for k, v in texts.items() if v}
            causes += [(pk, code) for code in others]
            registered_year = values["registered_year"]
            texts["members"] = created_members = []
            for member_plan in plan.members:
                member_values = _new_member_values(member_plan.values, registered_year)
                checked = member_plan.values["id_number"]
                member_values.update(sex=checked.sex, birth_date=checked.birth_date)
                member_pk = next(self.member_ids)
                members.append((member_pk, pk, *(member_values[f] for f in MEMBER_COLUMNS[1:-1]), ""))
                member_texts = _member_texts(member_values)
                created_members.append([member_pk, *(member_texts.get(f, "") for f in MEMBER_SNAPSHOT[1:])])
            year = values.get("income_year")
            if year is not None:
                amounts = _income_values(values)
                income_pk = next(self.income_ids)
                row = (income_pk, pk, year, *(amounts.get(f, ZERO) for f in Income.AMOUNT_FIELDS))
                incomes.append(row)
                texts["income"] = [income_pk, *map(str, row[2:])]
            # One creation event for the household with its members and income (AuditEvent.created_records
            # reads it back as separate records): a million-member import writes a third as many rows.
            audit.append((pk, *head, "household", pk, CREATE, "", "", SNAPSHOT_JSON.encode(texts), reason))
        self.raw.write("household", households)
        self.raw.write("new_member", members)
        self.raw.write("new_income", incomes)
        self.raw.write("causes", causes)
        self.created += len(households)
        self.members_created += len(members)

    def update(self, plan: HouseholdPlan, diff) -> bool:
        if not diff:
            return False
        household = diff.household
        status = diff.fields.pop("status", None)
        if diff.fields:
            Household.objects.filter(pk=household.pk).update(
                updated_at=timezone.now(), **{f: new for f, (_old, new) in diff.fields.items()})
            self.event(household.pk, "household", household.pk, CHANGE, diff.fields)
        if status:
            Household.objects.filter(pk=household.pk).update(status=status[1], updated_at=timezone.now())
            self.event(household.pk, "household", household.pk, STATUS, {"status": status})
        if diff.causes:
            old_main, main, old_others, others = diff.causes
            Household.objects.filter(pk=household.pk).update(main_cause_id=main, updated_at=timezone.now())
            Causes.objects.filter(household_id=household.pk).delete()
            Causes.objects.bulk_create([Causes(household_id=household.pk, cause_id=c) for c in others])
            self.event(household.pk, "household", household.pk, CHANGE,
                       {"main_cause": (old_main, main), "other_causes": (old_others, others)})
        for member, changed in diff.members:
            Member.objects.filter(pk=member.pk).update(**{f: new for f, (_old, new) in changed.items()})
            self.event(household.pk, "member", member.pk, CHANGE, changed)
        self.members_updated += len(diff.members)
        for values in diff.new_members:
            number = values["id_number"]
            checked = next(m.values["id_number"] for m in plan.members
                           if m.values["id_number"].number == number)
            member = Member.objects.create(household=household, sex=checked.sex,
                                           birth_date=checked.birth_date, **values)
            self.event(household.pk, "member", member.pk, CREATE,
                       {f: (None, values[f]) for f in MEMBER_FIELDS})
        self.members_created += len(diff.new_members)
        if diff.income:
            income, year, amounts = diff.income
            before = {f: None for f in Income.AMOUNT_FIELDS}
            if income is None:
                income = Income.objects.create(household=household, year=year, **amounts)
            else:
                before = {f: getattr(income, f) for f in Income.AMOUNT_FIELDS}
                Income.objects.filter(pk=income.pk).update(**amounts)
            after = {**before, **amounts} if before["wages"] is not None else {
                f: getattr(income, f) for f in Income.AMOUNT_FIELDS}
            self.event(household.pk, "income", income.pk, CHANGE,
                       {f: (before[f], after[f]) for f in Income.AMOUNT_FIELDS})
        return True

    def flush(self) -> None:
        self.raw.write("audit", self.audit)
        self.audit_rows += len(self.audit)
        self.audit = []

"""The synthetic registry of a Ningxia region, end of 2019, written in bulk into an empty registry."""

import contextlib
import multiprocessing
import random
import sys
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from tqdm import tqdm

from jingzhun.areas.models import AreaFlag
from jingzhun.registry.bulk import TABLES, Writer, datetime_text
from jingzhun.registry.causes import ensure_causes
from jingzhun.registry.duplicates import find_likely_duplicates
from jingzhun.registry.models import Household

from . import household as household_rows
from .ids import IdNumbers
from .villages import SOURCE, Village, allocate, choose_poor_villages, load_villages, poor_village_flags

CHUNK = 5000  # households per insert batch: bounds memory, keeps the progress bar moving


@dataclass
class Plan:
    """Everything decided before the households are drawn; the rng continues into them."""

    rng: random.Random
    poor_villages: dict[str, int | None]
    allocation: list[tuple[Village, int]]
    showcase: tuple[Village, Village] | None


@dataclass
class Summary:
    households: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    poor_villages: int = 0
    cadre_village: str | None = None
    cadre2_village: str | None = None
    likely_duplicates: int = 0
    seconds: float = 0.0
    # household id -> its drawn fate (household.Fate), for the years that follow (demo.years)
    fates: dict = field(default_factory=dict, repr=False)

    @property
    def members(self) -> int:
        return self.rows.get("member", 0)

    @property
    def incomes(self) -> int:
        return self.rows.get("income", 0)


def plan_region(households: int, seed: int) -> Plan:
    rng = random.Random(seed)
    by_county = load_villages()
    poor = choose_poor_villages(rng, by_county)
    allocation, pair = allocate(rng, by_county, poor, households)
    return Plan(rng, poor, allocation, pair)


def region_rows(plan: Plan, start_id: int = 1, vendor: str = "sqlite") -> Iterator[dict[str, list[tuple]]]:
    """Rows of each household in turn; deterministic for a given plan (seed) and start id."""
    ids = IdNumbers(plan.rng)
    to_text = datetime_text(vendor)
    household_id = start_id
    for village, count in plan.allocation:
        for sequence in range(1, count + 1):
            number = f"{village.code}{sequence:04d}"
            yield household_rows.build(plan.rng, ids, household_id, number, village, to_text)
            household_id += 1


def region_chunks(plan: Plan, vendor: str, size: int = CHUNK) -> Iterator[tuple[int, dict[str, list]]]:
    """(households, rows by table) in batches of `size` households."""
    names = (*TABLES, "fate")
    batch: dict[str, list[tuple]] = {name: [] for name in names}
    count = 0
    for rows in region_rows(plan, 1, vendor):
        for name, table_rows in rows.items():
            batch[name].extend(table_rows)
        count += 1
        if count == size:
            yield count, batch
            batch, count = {name: [] for name in names}, 0
    yield count, batch


def drawn_aside(chunks: Iterator) -> Iterator:
    """Draw the chunks in a forked child process while this one writes them: drawing (Python) and
    storing (the database) then run on two cores. Same rows, same order: one child draws them all."""
    if "fork" not in multiprocessing.get_all_start_methods():
        yield from chunks
        return
    receiver, sender = multiprocessing.Pipe(duplex=False)

    def draw():
        try:
            for chunk in chunks:
                sender.send(("rows", chunk))
            sender.send(("done", None))
        except BaseException:
            with contextlib.suppress(OSError):  # the writer may have stopped reading
                sender.send(("error", traceback.format_exc()))

    child = multiprocessing.get_context("fork").Process(target=draw, name="demo-generator", daemon=True)
    child.start()
    sender.close()
    try:
        while True:
            tag, payload = receiver.recv()
            if tag == "done":
                return
            if tag == "error":
                raise RuntimeError(f"The demo generator failed:\n{payload}")
            yield payload
    finally:
        receiver.close()
        child.join(timeout=5)
        if child.is_alive():
            child.kill()


def generate_region(households: int = 20000, seed: int = 2013, progress: bool = False) -> Summary:
    """Write `households` synthetic households (and their poor villages) into an empty registry."""
    started = time.perf_counter()
    if Household.objects.exists():
        raise RuntimeError("The registry already holds households: the demo generator needs an empty one.")
    ensure_causes()
    plan = plan_region(households, seed)
    summary = Summary(households=households, poor_villages=len(plan.poor_villages),
                      rows={name: 0 for name in TABLES})
    if plan.showcase:
        summary.cadre_village, summary.cadre2_village = (v.code for v in plan.showcase)
    # Rows reference each other correctly by construction; SQLite's per-row foreign-key lookups cost
    # more than the inserts (PostgreSQL checks its deferred keys at commit either way).
    with connection.constraint_checks_disabled(), transaction.atomic(), connection.cursor() as cursor, tqdm(
            total=households, unit="households", file=sys.stderr, disable=not progress) as bar:
        AreaFlag.objects.filter(kind=AreaFlag.Kind.POOR_VILLAGE, source=SOURCE).delete()
        AreaFlag.objects.bulk_create(poor_village_flags(plan.poor_villages))
        writer = Writer(cursor)
        indexes = writer.drop_indexes()
        for count, batch in drawn_aside(region_chunks(plan, connection.vendor)):
            summary.fates.update(batch.pop("fate"))
            for name, rows in batch.items():  # TABLES order: households before rows pointing at them
                writer.write(name, rows)
                summary.rows[name] += len(rows)
            bar.update(count)
        writer.create_indexes(indexes)
        writer.reset_sequences()
        # Common names and birth dates meet by chance in a village, as in a real register.
        summary.likely_duplicates = find_likely_duplicates()
    summary.seconds = time.perf_counter() - started
    return summary

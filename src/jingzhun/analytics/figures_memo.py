"""The registry's figures remembered in the process while the registry stays as it was.

Each dashboard reads the measures over the years (the engine over the snapshot, 1.4 s for the province of a
200,000-household registry) and the registered poor behind the incidence (the snapshot too): figures that
change only when the registry does. The snapshot's stamp says when that is (snapshot.py: counts, largest
ids and latest moments of the registry's tables and the audit trail, which every action writes), so results
are kept under the stamp the file was built from; incidence adds the rural population's own signature,
which the stamp does not cover. A changed registry gives a new stamp, and the old entries age out of the
bounded memo.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pyarrow.parquet as pq
from django.db.models import Count, Max, Sum

from jingzhun.areas.models import Population

from . import engine, snapshot

T = TypeVar("T")
ENTRIES = 256

_lock = threading.Lock()
_memo: OrderedDict[Hashable, object] = OrderedDict()


def remembered(key: Hashable, compute: Callable[[], T], entries: int = ENTRIES) -> T:
    """The value kept under `key`, else `compute()` kept there (the least recently used dropped past
    `entries`). Two requests computing the same key at once both compute; the second keeps its own."""
    with _lock:
        if key in _memo:
            _memo.move_to_end(key)
            return _memo[key]  # type: ignore[return-value]
    value = compute()
    with _lock:
        _memo[key] = value
        _memo.move_to_end(key)
        while len(_memo) > entries:
            _memo.popitem(last=False)
    return value


def forget() -> None:
    with _lock:
        _memo.clear()


def file_stamp(path: Path) -> str:
    """The stamp the snapshot file was built from (in its metadata: the footer alone is read)."""
    return pq.read_schema(path).metadata[snapshot.STAMP_KEY].decode()


def population_stamp() -> tuple:
    """The rural population's rows as the stamp would see them (a few thousand rows a year: milliseconds)."""
    found = Population.objects.aggregate(n=Count("id"), top=Max("id"), total=Sum("persons"),
                                         households=Sum("households"))
    return tuple(found.values())


def _key(args: dict) -> tuple:
    return tuple(sorted((name, tuple(v) if isinstance(v, list | tuple) else v) for name, v in args.items()))


@dataclass(frozen=True)
class Registry:
    """The snapshot as it stands, its engine queries remembered under its stamp. Results are shared
    between requests: read them, never change them."""

    source: engine.Source
    stamp: str

    def measures(self, **args) -> list[engine.AreaYear]:
        return list(remembered(("measures", self.stamp, _key(args)),
                               lambda: engine.measures(self.source, **args)))

    def income_histogram(self, **args) -> list[tuple[float, float, int]]:
        return list(remembered(("histogram", self.stamp, _key(args)),
                               lambda: engine.income_histogram(self.source, **args)))

    def cause_counts(self, **args) -> list[tuple[str, int, int]]:
        return list(remembered(("causes", self.stamp, _key(args)),
                               lambda: engine.cause_counts(self.source, **args)))

    def registered_poor(self, **args) -> dict[int, dict[tuple[str, int], tuple[int, int]]]:
        return remembered(("registered_poor", self.stamp, _key(args)),
                          lambda: engine.registered_poor(self.source, **args))

    def registered_poor_ids(self, **args):
        return remembered(("registered_poor_ids", self.stamp, _key(args)),
                          lambda: frozenset(engine.registered_poor_ids(self.source, **args).tolist()))

    def years(self) -> list[int]:
        return list(remembered(("years", self.stamp), lambda: engine.years(self.source)))


def registry() -> Registry:
    """The snapshot, rebuilt first if the registry has changed (one look at the stamp for every query)."""
    path = snapshot.path()
    return Registry(engine.Source.parquet(path), file_stamp(path))

"""The Parquet snapshot of the registry: written once, kept while nothing changes, rebuilt after an income,
a status or a member changes; read by the engine when no source is given."""

import datetime

import pyarrow.parquet as pq
import pytest

from jingzhun.analytics import engine, frame, snapshot
from jingzhun.registry import actions as registry
from tests.conftest import make_id_number


@pytest.fixture
def household(cast, make_household, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    found = make_household(actor=cast["cadre_a"], size=2)
    registry.record_income(found, 2019, actor=cast["cadre_a"], wages="8000")
    return found


def written(path):
    """The file's identity: a rebuild renames a new file over it."""
    stat = path.stat()
    return stat.st_ino, stat.st_mtime_ns


def test_snapshot_holds_the_registry_and_is_not_rebuilt_without_a_change(household, tmp_path):
    path = snapshot.path()
    assert path == tmp_path / "analytics" / "registry.parquet"
    table = pq.read_table(path)
    assert table.schema.remove_metadata() == frame.SCHEMA
    assert table.to_pylist() == frame.registry_table().to_pylist()
    before = written(path)
    assert snapshot.path() == path and written(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["registry.parquet", "registry.stamp.json"]


def test_a_changed_income_rebuilds_it(household, cast):
    path = snapshot.path()
    before = written(path)
    registry.record_income(household, 2019, actor=cast["cadre_a"], wages="9000")
    assert written(snapshot.path()) != before
    assert pq.read_table(path)["income"].to_pylist() == [4500.0]


def test_a_status_change_or_a_new_member_rebuilds_it(household, cast):
    before = written(snapshot.path())
    # Exited now: 2019's year-end status is still poor, but the snapshot is written again.
    registry.change_status(household, "exited", actor=cast["county"], reason="收入达标")
    assert written(snapshot.path()) != before
    assert pq.read_table(snapshot.path())["poor"].to_pylist() == [True]
    registry.add_member(household, actor=cast["cadre_a"], name="马小新", relation="grandchild",
                        education="preschool", labour="none",
                        id_number=make_id_number(born=datetime.date(2019, 2, 2)),
                        joined_on=datetime.date(2019, 3, 1))
    assert pq.read_table(snapshot.path())["persons"].to_pylist() == [3]


def test_the_engine_reads_the_snapshot_by_default(household):
    found = engine.measures(level=6)
    assert [(row.area, row.year, row.households, row.persons) for row in found] == [("640422", 2019, 1, 2)]
    assert snapshot.directory().joinpath(snapshot.NAME).exists()

"""Done-when 4: an import killed midway (SIGKILL) leaves the database unchanged; run again, it equals a
clean import. The import runs as `jingzhun import` in a child process over its own SQLite file."""

import datetime
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from stdnum.cn import ric

from tests.conftest import VILLAGE_A, VILLAGE_B

from .sample import member, write_csv

SETUP = """
import django; django.setup()
from django.core.management import call_command
from django.contrib.auth import get_user_model
from jingzhun.areas.loader import load_ningxia
from jingzhun.areas.models import Post
call_command("migrate", verbosity=0)
load_ningxia()
user = get_user_model().objects.create_user("xiji")
Post.objects.create(user=user, role="county_officer", area_id="640422000000")
from django.db import connection
connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
"""


# Large enough that the import is still writing, in its second batch, when the test kills it: the
# importer writes 5,000 households a batch.
HOUSEHOLDS = 9000


def _rows(households: int) -> list[dict]:
    rows = []
    for h in range(households):
        for k, relation in enumerate(("户主", "配偶", "子")):
            born = datetime.date(1950 + h % 50, 1 + h % 12, 1 + k)
            body = f"642223{born:%Y%m%d}{h // 300:02d}{k}"  # unique per (household, member)
            assert len(body) == 17
            rows.append(member(f"K{h:06d}", village=(VILLAGE_A, VILLAGE_B)[h % 2], relation=relation,
                               name=f"人{h}", id_number=body + ric.calc_check_digit(body + "0")))
    return rows


def _counts(db: Path) -> tuple[int, ...]:
    with sqlite3.connect(db) as connection:
        return tuple(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in (
            "registry_household", "registry_member", "registry_income", "registry_auditevent"))


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_an_import_killed_midway_leaves_nothing_and_a_rerun_equals_a_clean_import(tmp_path):
    db = tmp_path / "crash.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DJANGO_SETTINGS_MODULE": "jingzhun.settings"}
    subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, timeout=120)
    rows = _rows(HOUSEHOLDS)
    assert len({r["id_number"] for r in rows}) == len(rows)
    path = write_csv(tmp_path / "big.csv", rows)
    command = [sys.executable, "-m", "jingzhun.cli", "import", str(path), "--user", "xiji"]
    wal = db.with_name(db.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # so a growing WAL means the import is writing
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and child.poll() is None:
        if wal.exists() and wal.stat().st_size > 256 * 1024:  # rows of the open transaction are spilling
            break
        time.sleep(0.005)
    assert child.poll() is None, "the import finished before it could be killed; use a bigger file"
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert _counts(db) == (0, 0, 0, 0)
    subprocess.run(command, env=env, check=True, timeout=120, capture_output=True)
    households, members, incomes, audit = _counts(db)
    assert (households, members, incomes) == (HOUSEHOLDS, 3 * HOUSEHOLDS, HOUSEHOLDS)
    again = subprocess.run(command, env=env, check=True, timeout=120, capture_output=True, text=True)
    assert f"unchanged {HOUSEHOLDS}" in again.stdout
    assert _counts(db) == (households, members, incomes, audit)

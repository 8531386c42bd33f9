"""`jingzhun demo` ends by writing the analytics snapshot of what it built, so its first dashboard finds
the snapshot current; the step's time is printed with the others."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq

JINGZHUN = Path(sys.executable).parent / "jingzhun"
CURRENT = ("from jingzhun.analytics import snapshot; "
           "print(snapshot.stamp() == (snapshot.directory() / snapshot.STAMP).read_text())")


def test_the_demo_leaves_a_current_snapshot_of_its_registry(tmp_path):
    var = tmp_path / "var"
    env = {**os.environ, "DATABASE_URL": "", "JINGZHUN_VAR": str(var)}
    built = subprocess.run([str(JINGZHUN), "demo", "--households", "120", "--no-serve"], cwd=tmp_path,
                           env=env, capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    assert "Analytics snapshot of the registry in " in built.stdout
    path = var / "analytics" / "registry.parquet"
    households = {row["household_id"] for row in pq.read_table(path, columns=["household_id"]).to_pylist()}
    assert len(households) >= 100
    stamp = json.loads((var / "analytics" / "registry.stamp.json").read_text())
    assert stamp[1] == str(var / "jingzhun.sqlite3")
    current = subprocess.run([str(JINGZHUN), "shell", "-c", CURRENT], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=60)
    assert current.returncode == 0, current.stderr
    assert current.stdout.strip().splitlines()[-1] == "True"

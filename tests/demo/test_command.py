"""`jingzhun demo` end to end, in a subprocess against its own SQLite file."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

JINGZHUN = Path(sys.executable).parent / "jingzhun"


def run_demo(tmp_path, households: int) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": "", "JINGZHUN_VAR": str(tmp_path / "var")}
    return subprocess.run([str(JINGZHUN), "demo", "--households", str(households), "--no-serve", "--port",
                           "8123"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def test_demo_builds_a_fresh_database_and_prints_the_sign_in_table(tmp_path):
    first = run_demo(tmp_path, 150)
    assert first.returncode == 0, first.stderr
    second = run_demo(tmp_path, 120)  # starts again from an empty database
    assert second.returncode == 0, second.stderr
    db = sqlite3.connect(tmp_path / "var" / "jingzhun.sqlite3")
    assert db.execute("SELECT count(*) FROM registry_household").fetchone() == (120,)
    users = dict(db.execute("SELECT username, role FROM auth_user JOIN areas_post ON user_id = auth_user.id"))
    assert users == {"province": "province_officer", "guyuan": "prefecture_officer", "xiji": "county_officer",
                     "township": "township_officer", "cadre": "village_cadre", "cadre2": "village_cadre",
                     "helper": "helper", "auditor": "auditor"}
    for text in ("120 households", "cadre2", "西吉县", "Xiji", "jingzhun2026", "http://127.0.0.1:8123/"):
        assert text in second.stdout

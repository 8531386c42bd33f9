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
    helpers = {name: role for name, role in users.items() if name.startswith("h") and name[1:].isdigit()}
    assert helpers and set(helpers.values()) == {"helper"}  # the demo's responsible helpers: h1, h2 …
    assert {name: role for name, role in users.items() if name not in helpers} == {
        "province": "province_officer", "guyuan": "prefecture_officer", "xiji": "county_officer",
        "township": "township_officer", "cadre": "village_cadre", "cadre2": "village_cadre",
        "helper": "helper", "auditor": "auditor", "fujian": "pairing_partner", "xiamen": "pairing_partner"}
    on_register = "FROM registry_household WHERE status IN ('poor', 'exited', 'returned')"
    registered = db.execute(f"SELECT count(*) {on_register}").fetchone()[0]
    assert db.execute("SELECT count(*) FROM assistance_plan").fetchone() == (registered,)
    assert db.execute(f"SELECT count(*) {on_register} AND helper_id IS NULL").fetchone() == (0,)
    for text in ("120 households", "cadre2", "西吉县", "Xiji", "jingzhun2026", "http://127.0.0.1:8123/",
                 "fujian", "xiamen", "Assistance in", f"{registered:,} registered households"):
        assert text in second.stdout
    assert "h1 " not in second.stdout  # the helpers are not in the sign-in table

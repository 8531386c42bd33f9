"""The real background path of an export: start_export_job launches `jingzhun export --job ID` as its own
process, over a SQLite file both processes reach (pytest's test database may live in memory, out of a
child's reach), and the page's side sees it end with the file written."""

import json
import os
import subprocess
import sys

from python_calamine import CalamineWorkbook

from tests.conftest import VILLAGE_A
from tests.registry.intake.sample import write_csv
from tests.registry.intake.test_crash import SETUP, _rows

DRIVER = """
import json, sys, time
import django; django.setup()
from django.contrib.auth import get_user_model
from jingzhun.registry import export_jobs

user = get_user_model().objects.get(username="xiji")
job = export_jobs.create_export_job(user, sys.argv[1], language="en")
started = time.monotonic()
export_jobs.start_export_job(job)
assert time.monotonic() - started < 2, "start_export_job waited for the export"
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    job.refresh_from_db()
    if job.state not in ("queued", "running"):
        break
    time.sleep(0.02)
print(json.dumps({"state": job.state, "households": job.households, "rows": job.rows, "pid": job.pid,
                  "file": job.file_path, "status": export_jobs.export_status(job).as_dict(),
                  "log": open(export_jobs.job_dir(job) / "log.txt").read()[-2000:]}))
"""


def test_a_background_export_writes_the_filtered_members_in_its_own_process(tmp_path):
    db = tmp_path / "exports.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DJANGO_SETTINGS_MODULE": "jingzhun.settings",
           "JINGZHUN_VAR": str(tmp_path / "var"), "JINGZHUN_EXPORT_INLINE": "0"}
    subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, timeout=120)
    path = write_csv(tmp_path / "register.csv", _rows(40))  # 20 households in village A, 20 in B
    subprocess.run([sys.executable, "-m", "jingzhun.cli", "import", str(path), "--user", "xiji"], env=env,
                   check=True, timeout=120, capture_output=True)

    done = subprocess.run([sys.executable, "-c", DRIVER, f"area={VILLAGE_A}"], env=env, timeout=120,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout)
    assert outcome["state"] == "done", outcome["log"]
    assert outcome["pid"] != os.getpid() and (outcome["households"], outcome["rows"]) == (20, 60)
    assert outcome["status"]["percent"] == 100 and outcome["status"]["active"] is False
    rows = CalamineWorkbook.from_path(outcome["file"]).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "household number" and len(rows) == 61
    assert {row[1] for row in rows[1:]} == {VILLAGE_A}

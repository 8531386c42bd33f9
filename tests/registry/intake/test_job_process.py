"""The real background path: start_job launches `jingzhun import --job ID` as its own process, over a
SQLite file both processes reach (pytest's test database may live in memory, out of a child's reach).
The child is killed mid-transaction, shows as interrupted, and resuming it gives a clean import."""

import json
import os
import subprocess
import sys

import pytest

from .sample import write_csv
from .test_crash import HOUSEHOLDS, SETUP, _counts, _rows

DRIVER = """
import json, os, signal, sys, time
import django; django.setup()
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from jingzhun.registry.intake import jobs

path, wal = sys.argv[1], sys.argv[2]
user = get_user_model().objects.get(username="xiji")
with open(path, "rb") as upload:
    job = jobs.create_job(SimpleUploadedFile("big.csv", upload.read()), actor=user, partial=False,
                          language="en")
started = time.monotonic()
jobs.start_job(job)
assert time.monotonic() - started < 2, "start_job waited for the import"


def wait(until, what):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if until():
            return
        time.sleep(0.005)
    raise SystemExit(f"timed out waiting for {what}: {job.state} {jobs.read_progress(job)}")


# Killed once the import's open transaction spills rows into the WAL: midway, nothing committed.
wait(lambda: job.state == "running" and os.path.exists(wal) and os.path.getsize(wal) > 256 * 1024, "writes")
pid = job.pid
os.kill(pid, signal.SIGKILL)
wait(lambda: jobs.job_status(job).state == "interrupted", "interrupted")
killed = {"pid": pid, "progress": jobs.read_progress(job)}
jobs.resume_job(job, actor=user)
wait(lambda: job.state not in ("queued", "running"), "the end")
print(json.dumps({"killed": killed, "state": job.state, "attempts": job.attempts, "summary": job.summary,
                  "pid": job.pid, "log": open(jobs.job_dir(job) / "log.txt").read()[-2000:]}))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_background_import_killed_midway_resumes_to_a_clean_import(tmp_path):
    db = tmp_path / "jobs.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DJANGO_SETTINGS_MODULE": "jingzhun.settings",
           "JINGZHUN_VAR": str(tmp_path / "var"), "JINGZHUN_IMPORT_INLINE": "0"}
    subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, timeout=120)
    path = write_csv(tmp_path / "big.csv", _rows(HOUSEHOLDS))
    wal = db.with_name(db.name + "-wal")

    done = subprocess.run([sys.executable, "-c", DRIVER, str(path), str(wal)], env=env, timeout=180,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout)
    assert outcome["killed"]["progress"]["total"] == 2 * 3 * HOUSEHOLDS  # each row checked, then written
    assert outcome["state"] == "done", outcome["log"]
    assert outcome["attempts"] == 2 and outcome["pid"] != outcome["killed"]["pid"]
    summary = outcome["summary"]
    assert (summary["created"], summary["members_created"]) == (HOUSEHOLDS, 3 * HOUSEHOLDS)
    assert _counts(db)[:3] == (HOUSEHOLDS, 3 * HOUSEHOLDS, HOUSEHOLDS)

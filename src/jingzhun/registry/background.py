"""What import and export jobs share: a job runs as its own `jingzhun` process beside the web server,
reports progress in a small JSON file in its folder under var/, and its page reads that file and whether
the process still lives. The job rows and what a job does stay with each kind of job."""

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

INTERRUPTED = "interrupted"  # not a stored state: running, but its process is gone
ACTIVE = ("queued", "running")  # the stored states of a job still to change


def start(job, command: str, folder: Path, *, inline: bool, run: Callable[[int], object]) -> None:
    """Run `jingzhun COMMAND --job ID` in a new process and return at once; or call `run(job.pk)` here
    when `inline` (tests whose database a child process cannot reach, such as in-memory SQLite)."""
    if inline:
        run(job.pk)
        return
    jobs = type(job).objects
    try:
        pid = spawn([command, "--job", str(job.pk)], folder)
    except OSError as error:  # no process, so nothing will record the end: record it here
        jobs.filter(pk=job.pk).update(state="failed", message=str(error), finished_at=timezone.now())
        return
    jobs.filter(pk=job.pk, state="queued", pid__isnull=True).update(pid=pid)


def spawn(arguments: list[str], folder: Path) -> int:
    """Start `jingzhun ARGUMENTS…` in its own session, its output in folder/log.txt, and return its pid;
    raises OSError when no process could start."""
    folder.mkdir(parents=True, exist_ok=True)
    # The same environment (DATABASE_URL, SECRET_KEY…) and var directory as this process.
    env = {**os.environ, "JINGZHUN_VAR": str(settings.VAR_DIR),
           "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "jingzhun.settings")}
    with (folder / "log.txt").open("ab") as log:
        child = subprocess.Popen([sys.executable, "-m", "jingzhun.cli", *arguments],
                                 env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                 start_new_session=True)  # a restart of the web server does not kill it
    # Reap the child when it ends: an unreaped dead child still answers os.kill(pid, 0).
    threading.Thread(target=child.wait, daemon=True).start()
    return child.pid


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine. Jobs run beside the web server that started
    them; a reused id after a reboot would read as alive (the job then stays "running")."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    try:  # a dead child its parent has not reaped yet still has a pid; Linux marks it Z
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def read_progress(folder: Path) -> dict:
    try:
        return json.loads((folder / "progress.json").read_text())
    except (OSError, ValueError):
        return {}


def write_progress(folder: Path, **values) -> None:
    """Replace progress.json whole, so a page never reads half a file."""
    temporary = folder / "progress.json.tmp"
    temporary.write_text(json.dumps(values))
    os.replace(temporary, folder / "progress.json")


@dataclass
class Status:
    """What a job's page shows and polls (`static/registry/job_progress.js` reads it)."""

    state: str  # a stored state, or "interrupted"
    label: str
    phase: str
    done: int
    total: int
    percent: int
    active: bool  # still to change: pages keep polling
    can_resume: bool

    def as_dict(self) -> dict:
        return asdict(self)


def status(job, folder: Path, *, finished: tuple[str, ...], phases: dict, resumable: tuple[str, ...] = ()
           ) -> Status:
    """A job row's status from its progress file: `finished` are the states that end it with a result,
    `phases` names the phases its run writes, `resumable` the states a user may run again."""
    progress = read_progress(folder)
    total, done = progress.get("total", 0), progress.get("done", 0)
    state, label = job.state, job.get_state_display()
    if state in ACTIVE and job.pid and not process_alive(job.pid):
        state, label = INTERRUPTED, _("interrupted")
    ended = state in finished
    # 100 only once the job has recorded its end: the last rows written are not yet committed.
    percent = 100 if ended else min(99, done * 100 // total) if total else 0
    # A stopped job keeps its last percentage (how far it got) but no phase: its state says enough.
    active = state in ACTIVE
    phase = "finished" if ended else progress.get("phase", "waiting") if active else ""
    return Status(state=state, label=str(label), phase=str(phases.get(phase, phase)), done=done, total=total,
                  percent=percent, active=active, can_resume=state in resumable)

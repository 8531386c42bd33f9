"""Imports as background jobs: an uploaded file is kept under var/imports/<id>/ and imported by its own
process (`jingzhun import --job ID`), so a page can return at once and show progress while it runs.

Progress goes to a file, not the database: the import holds the database's write lock (SQLite's is
database-wide) for its whole transaction, so the job's row is only written before and after it.
Because the import is one transaction, a killed run leaves the registry as it was, and running the
same file again changes nothing already equal: resuming a job is running its stored file again.
"""

import os
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db.models import F
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jingzhun.areas.scope import scope_for
from jingzhun.errors import DomainError, InvalidTransition, NotAllowed

from ..background import INTERRUPTED, Status, start, status
from ..background import read_progress as read_progress_file
from ..background import write_progress as write_progress_file
from ..models import ImportJob
from .load import import_table
from .read import IntakeFileError, read_table
from .report import write_report

State = ImportJob.State
SUFFIXES = (".xlsx", ".csv")
PROGRESS_INTERVAL = 0.25  # seconds between progress writes: a few a second is smooth enough for a bar
RECENT = 20
PHASES = {
    "waiting": gettext_lazy("waiting to start"),
    "reading": gettext_lazy("reading the file"),
    "checking": gettext_lazy("checking rows"),
    "writing": gettext_lazy("writing households"),
    "finished": gettext_lazy("finished"),
}


def job_dir(job: ImportJob) -> Path:
    return Path(settings.VAR_DIR) / "imports" / str(job.pk)


def jobs_of(user, limit: int = RECENT):
    """A user sees their own imports only: a file may hold villages outside anyone else's area."""
    return ImportJob.objects.filter(uploaded_by=user)[:limit]


def get_job(user, pk: int) -> ImportJob:
    return get_object_or_404(ImportJob, pk=pk, uploaded_by=user)


def create_job(uploaded_file, *, actor, partial: bool, language: str) -> ImportJob:
    """Keep the uploaded file for a new job; refuses other types and oversized files before storing."""
    if not scope_for(actor).edits_registry:
        raise NotAllowed(_("Your role may read the registry but not change it."))
    name = Path(uploaded_file.name or "").name[:200]
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise IntakeFileError(_("Upload an .xlsx or .csv file."), field="file")
    if not uploaded_file.size:
        raise IntakeFileError(_("The file is empty."), field="file")
    limit = settings.IMPORT_MAX_BYTES
    if uploaded_file.size > limit:
        raise IntakeFileError(_("The file is larger than %(mb)d MB; split it into smaller files.")
                              % {"mb": limit // 2**20}, field="file")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    job = ImportJob.objects.create(uploaded_by=actor, original_name=name, partial=partial, language=language)
    folder = job_dir(job)
    folder.mkdir(parents=True, exist_ok=True)
    # Stored under a fixed name: the office's file name is kept in the row, never used as a path.
    path = folder / f"upload{suffix}"
    with path.open("wb") as out:
        for chunk in uploaded_file.chunks():
            out.write(chunk)
    job.stored_path = str(path)
    job.save(update_fields=["stored_path"])
    return job


def start_job(job: ImportJob) -> None:
    """Run the job in a new process and return at once (or run it here, when settings say inline)."""
    # A job that could not start is recorded as failed, so it can be resumed.
    start(job, "import", job_dir(job), inline=settings.IMPORT_JOBS_INLINE, run=run_job)


def resume_job(job: ImportJob, *, actor) -> ImportJob:
    """Run an interrupted or failed job's file again: what an earlier run committed is matched, not
    doubled, and an unfinished run committed nothing."""
    if job.uploaded_by_id != actor.pk:
        raise NotAllowed(_("Only the person who uploaded a file may resume its import."))
    if not job_status(job).can_resume:
        raise InvalidTransition(_("Only an interrupted or failed import can be resumed."))
    # Conditional on the state read, so two clicks start one process.
    claimed = ImportJob.objects.filter(pk=job.pk, state=job.state, pid=job.pid).update(
        state=State.QUEUED, pid=None, message="")
    if not claimed:
        raise InvalidTransition(_("The import was resumed already."))
    job.refresh_from_db()
    start_job(job)
    job.refresh_from_db()
    return job


def job_status(job: ImportJob) -> Status:
    return status(job, job_dir(job), finished=(State.DONE, State.REJECTED), phases=PHASES,
                  resumable=(INTERRUPTED, State.FAILED))


def read_progress(job: ImportJob) -> dict:
    return read_progress_file(job_dir(job))


def write_progress(job: ImportJob, *, phase: str, done: int, total: int) -> None:
    write_progress_file(job_dir(job), phase=phase, done=done, total=total)


class _Progress:
    """Counts the rows the import reports (each row once when checked, once when written) and writes
    progress.json at most every PROGRESS_INTERVAL seconds."""

    def __init__(self, job: ImportJob, rows: int, show: Callable[[int, int], None] | None):
        self.job, self.rows, self.total, self.done, self.show = job, rows, rows * 2, 0, show
        self.last = 0.0
        self.write()

    def __call__(self, count: int) -> None:
        self.done += count
        if self.show:
            self.show(self.done, self.total)
        if time.monotonic() - self.last >= PROGRESS_INTERVAL:
            self.write()

    def write(self, phase: str | None = None) -> None:
        phase = phase or ("checking" if self.done <= self.rows else "writing")
        write_progress(self.job, phase=phase, done=self.done, total=self.total)
        self.last = time.monotonic()


def _claim(job_id: int) -> ImportJob:
    job = ImportJob.objects.select_related("uploaded_by").get(pk=job_id)
    status = job_status(job)
    if status.state not in (State.QUEUED, State.FAILED, INTERRUPTED):
        raise InvalidTransition(_("This import is %(state)s; it is not run again.") % {"state": status.label})
    claimed = ImportJob.objects.filter(pk=job.pk, state=job.state, attempts=job.attempts).update(
        state=State.RUNNING, pid=os.getpid(), attempts=F("attempts") + 1, started_at=timezone.now(),
        finished_at=None, message="")
    if not claimed:
        raise InvalidTransition(_("Another process has started this import."))
    job.refresh_from_db()
    return job


def run_job(job_id: int, *, show: Callable[[int, int], None] | None = None) -> ImportJob:
    """Import a stored job's file as its uploader, in the uploader's language; `show(done, total)` is
    told of every step (the terminal's bar). Problems in the file end the job, not the process."""
    job = _claim(job_id)
    write_progress(job, phase="reading", done=0, total=0)
    try:
        with translation.override(job.language):
            _import(job, show)
    except DomainError as error:
        job.state, job.message = State.REJECTED, str(error.message)
    except Exception as error:  # noqa: BLE001 - any failure must reach the page, and allows a resume
        traceback.print_exc()
        job.state, job.message = State.FAILED, f"{type(error).__name__}: {error}"
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "message", "rows", "summary", "report_path", "finished_at"])
    return job


def _import(job: ImportJob, show) -> None:
    table = read_table(job.stored_path)
    # Written before the import's transaction opens, while the job's row may still be updated.
    ImportJob.objects.filter(pk=job.pk).update(rows=table.row_count)
    job.rows = table.row_count
    progress = _Progress(job, table.row_count, show)
    result = import_table(table, actor=job.uploaded_by, name=job.original_name, partial=job.partial,
                          progress=progress)
    job.summary = {
        "created": result.created, "updated": result.updated, "unchanged": result.unchanged,
        "rejected": result.rejected, "members_created": result.members_created,
        "members_updated": result.members_updated, "likely_duplicates": result.likely_duplicates,
        "errors": len(result.errors),
        "error_rows": len({p.row for p in result.errors}),
        "warnings": len(result.problems) - len(result.errors),
    }
    job.report_path = ""
    if result.problems:
        report = job_dir(job) / f"report{Path(job.stored_path).suffix}"
        job.report_path = str(write_report(result.checked, report, imported=result.written))
    job.state = State.DONE if result.written else State.REJECTED
    progress.done = progress.total
    progress.write("finished")


def report_name(job: ImportJob) -> str:
    """The report's download name: the office's file name with .errors before its type."""
    original = Path(job.original_name)
    return f"{original.stem}.errors{Path(job.report_path).suffix}"

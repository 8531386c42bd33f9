"""Members .xlsx exports too large for a web request, as background jobs: the household list's query is
kept on a job, `jingzhun export --job ID` writes the file under var/exports/<id>/ with progress beside
it, and the person who asked downloads it from the job's page. XlsxWriter costs ~6 µs a cell, so a county
(~160,000 members) takes ~40 s and a province minutes; small lists are still answered in the request.

The job is run as its requester but with the post they hold when it runs, not when they asked: a post
lost or moved in between exports nothing beyond what they may see now.
"""

import os
import traceback
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jingzhun.areas.scope import Scope, scope_for
from jingzhun.errors import DomainError, InvalidTransition, NotAllowed

from . import queries
from .background import Status, read_progress, start, status, write_progress
from .export import members_filename, write_members
from .intake.export_rows import Counts
from .models import ExportJob

State = ExportJob.State
FILE_NAME = "members.xlsx"  # fixed: nothing a user typed becomes part of a path
RECENT = 20
PHASES = {
    "waiting": gettext_lazy("waiting to start"),
    "writing": gettext_lazy("writing member rows"),
    "finished": gettext_lazy("finished"),
}


def job_dir(job: ExportJob) -> Path:
    return Path(settings.VAR_DIR) / "exports" / str(job.pk)


def fits_in_request(households) -> bool:
    """Whether a filtered list is small enough to write while the browser waits."""
    return households.count() <= settings.EXPORT_INLINE_MAX_HOUSEHOLDS


def jobs_of(user, limit: int = RECENT):
    """A user sees their own exports only: each holds what its requester's post may see."""
    return ExportJob.objects.filter(requested_by=user)[:limit]


def get_export_job(user, pk: int) -> ExportJob:
    return get_object_or_404(ExportJob, pk=pk, requested_by=user)


def create_export_job(actor, query: str, *, language: str) -> ExportJob:
    """A queued export of the household list filtered by `query` (the list's query string)."""
    if not scope_for(actor).exports:
        raise NotAllowed(_("Your role may not export the register."))
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    return ExportJob.objects.create(requested_by=actor, query=query, language=language)


def start_export_job(job: ExportJob) -> None:
    """Write the file in a new process and return at once (or here, when settings say inline)."""
    start(job, "export", job_dir(job), inline=settings.EXPORT_JOBS_INLINE, run=run_export_job)


def export_status(job: ExportJob) -> Status:
    # Not resumable: asking for the export again from the list starts a fresh job over today's register.
    return status(job, job_dir(job), finished=(State.DONE,), phases=PHASES)


def progress_of(job: ExportJob) -> dict:
    return read_progress(job_dir(job))


def _claim(job_id: int) -> ExportJob:
    # Conditional on the state, so a job started twice writes its file once.
    claimed = ExportJob.objects.filter(pk=job_id, state=State.QUEUED).update(
        state=State.RUNNING, pid=os.getpid(), started_at=timezone.now())
    if not claimed:
        raise InvalidTransition(_("This export has been started already."))
    return ExportJob.objects.select_related("requested_by").get(pk=job_id)


def run_export_job(job_id: int, *, show: Callable[[int, int], None] | None = None) -> ExportJob:
    """Write a queued job's file in its requester's language; `show(done, total)` is told of households
    written (the terminal's bar). Any failure ends the job, with its reason, and leaves no file."""
    job = _claim(job_id)
    folder = job_dir(job)
    folder.mkdir(parents=True, exist_ok=True)
    write_progress(folder, phase="waiting", done=0, total=0)
    try:
        with translation.override(job.language):
            _export(job, folder, show)
        job.state = State.DONE
    except DomainError as error:
        job.state, job.message = State.FAILED, str(error.message)
    except Exception as error:  # noqa: BLE001 - any failure must reach the page
        traceback.print_exc()
        job.state, job.message = State.FAILED, f"{type(error).__name__}: {error}"
    if job.state == State.FAILED:
        job.file_path = ""
        (folder / FILE_NAME).unlink(missing_ok=True)
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "message", "households", "rows", "file_path", "written_for",
                            "finished_at"])
    return job


def _export(job: ExportJob, folder: Path, show) -> None:
    scope = scope_for(job.requested_by)  # the post held now, not when the export was asked for
    if not scope.exports:
        raise NotAllowed(_("Your post no longer allows exporting the register."))
    flt = queries.filter_from_query(QueryDict(job.query))
    if flt.area:
        try:
            queries.visible_area(scope, flt.area)  # as the list refuses an area outside the post
        except Http404:
            raise NotAllowed(_("The area is unknown or outside your post's area.")) from None
    households = queries.search_households(scope, flt)
    total = households.count()
    # Written before the file, so the page can say how many households are coming.
    ExportJob.objects.filter(pk=job.pk).update(households=total)

    def progress(counts: Counts) -> None:
        write_progress(folder, phase="writing", done=counts.households, total=total)
        if show:
            show(counts.households, total)

    path = folder / FILE_NAME
    counts = write_members(path, scope, households, "xlsx", progress)
    job.households, job.rows, job.file_path = counts.households, counts.rows, str(path)
    job.written_for = post_key(scope)
    write_progress(folder, phase="finished", done=counts.households, total=total)


def post_key(scope: Scope) -> str:
    return f"{scope.role}@{scope.area_code}"


def still_valid(job: ExportJob, scope: Scope) -> bool:
    """Whether the finished file may still be handed to its requester, whose post is now `scope`."""
    return job.state == State.DONE and bool(job.file_path) and job.written_for == post_key(scope)


def open_file(job: ExportJob, scope: Scope):
    """The finished file, open for reading, or 404 (also once the requester's post has changed)."""
    if not still_valid(job, scope):
        raise Http404
    try:
        return open(job.file_path, "rb")  # noqa: SIM115 - the response closes it
    except FileNotFoundError:
        raise Http404 from None


def download_name(job: ExportJob) -> str:
    """As the direct export names its file, stamped with when the export was asked for."""
    return members_filename(job.created_at)

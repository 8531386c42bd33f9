"""Pages of background exports: the list of a user's exports, one export's progress, its file."""

from django.http import FileResponse, JsonResponse
from django.shortcuts import render

from . import export_jobs
from .decorators import registry_exporter
from .export import XLSX


@registry_exporter
def export_list(request):
    recent = [(job, export_jobs.export_status(job)) for job in export_jobs.jobs_of(request.user)]
    return render(request, "registry/exports.html", {"recent": recent})


@registry_exporter
def export_detail(request, pk: int):
    job = export_jobs.get_export_job(request.user, pk)
    status = export_jobs.export_status(job)
    return render(request, "registry/export_detail.html", {
        "job": job, "status": status, "downloadable": export_jobs.still_valid(job, request.scope)})


@registry_exporter
def export_progress(request, pk: int):
    """What the detail page polls every second."""
    job = export_jobs.get_export_job(request.user, pk)
    return JsonResponse(export_jobs.export_status(job).as_dict())


@registry_exporter
def export_download(request, pk: int):
    job = export_jobs.get_export_job(request.user, pk)
    return FileResponse(export_jobs.open_file(job, request.scope), as_attachment=True,
                        filename=export_jobs.download_name(job), content_type=XLSX)

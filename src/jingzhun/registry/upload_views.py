"""Pages for importing a register file: upload, the job's progress, its report, resuming it."""

from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.http import require_POST

from jingzhun.errors import DomainError

from .decorators import registry_editor
from .forms import ImportForm
from .intake import jobs


@registry_editor
def import_list(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = jobs.create_job(form.cleaned_data["file"], actor=request.user,
                                  partial=form.cleaned_data["partial"], language=translation.get_language())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            jobs.start_job(job)
            return redirect("registry:import", job.pk)
    recent = [(job, jobs.job_status(job)) for job in jobs.jobs_of(request.user)]
    return render(request, "registry/imports.html", {"form": form, "recent": recent})


@registry_editor
def import_detail(request, pk: int):
    job = jobs.get_job(request.user, pk)
    return render(request, "registry/import_detail.html", {"job": job, "status": jobs.job_status(job)})


@registry_editor
def import_progress(request, pk: int):
    """What the detail page polls every second."""
    job = jobs.get_job(request.user, pk)
    return JsonResponse(jobs.job_status(job).as_dict())


@registry_editor
def import_report(request, pk: int):
    job = jobs.get_job(request.user, pk)
    if not job.report_path:
        raise Http404
    try:
        report = open(job.report_path, "rb")  # noqa: SIM115 - FileResponse closes it
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(report, as_attachment=True, filename=jobs.report_name(job))


@require_POST
@registry_editor
def import_resume(request, pk: int):
    job = jobs.get_job(request.user, pk)
    jobs.resume_job(job, actor=request.user)  # a DomainError becomes a 4xx page in the middleware
    return redirect("registry:import", job.pk)

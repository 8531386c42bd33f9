"""Pages for importing a register file: upload, the job's progress, its report."""

from django.http import Http404


def import_list(request):  # to be built: upload form and the user's recent imports
    raise Http404


def import_detail(request, pk: int):  # to be built: progress bar, result, report download, resume
    raise Http404

"""The public's pages: notices up in each village, with names and masked ID numbers, taking objections.
Nobody needs to sign in."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jingzhun.errors import DomainError

from . import case_queries, procedure
from .forms import ObjectionForm


def notice_list(request):
    area = request.GET.get("area", "")
    page = Paginator(case_queries.notices(area), 50).get_page(request.GET.get("page"))
    entries = [(notice, case_queries.public_entry(notice)) for notice in page]
    return render(request, "identification/notice_list.html",
                  {"page": page, "entries": entries, "area": area, "query": urlencode({"area": area})})


def notice_detail(request, pk: int):
    notice = case_queries.get_notice(pk)
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            procedure.file_objection(notice, text=form.cleaned_data["text"],
                                     contact=form.cleaned_data["contact"])
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Your objection is received; the officers must answer it before the "
                                        "procedure goes on."))
            return redirect("identification:notice", notice.pk)
    objections = list(notice.objections.all())
    return render(request, "identification/notice_detail.html", {
        "notice": notice, "entry": case_queries.public_entry(notice), "form": form,
        "objections": len(objections), "answered": sum(1 for o in objections if o.answered),
    })

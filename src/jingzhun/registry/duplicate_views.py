"""Pages for likely duplicates: the list for an officer's area and the decision on one pair."""

from django.http import Http404


def duplicate_list(request):  # to be built
    raise Http404


def duplicate_decide(request, pk: int):  # to be built
    raise Http404

"""A household's help: its helper (and their history), its plan with the measures and their states,
its visits."""

from django.shortcuts import render

from jingzhun.registry import queries as registry_queries
from jingzhun.registry.decorators import registry_reader

from . import queries


@registry_reader
def household(request, pk: int):
    household = registry_queries.get_household(request.scope, pk)
    return render(request, "assistance/household.html", {
        "household": household, "summary": queries.summary(household),
        "assignments": queries.assignments(household), "visits": queries.visits(household),
    })

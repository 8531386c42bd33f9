"""Sections that apps above the registry add to a household's page (a plan, a helper, visits) without the
registry importing them: each app registers a function in its AppConfig.ready."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict = field(default_factory=dict)


PANELS: list[Callable] = []


def register(make: Callable) -> None:
    """`make(request, household)` returns a Panel, or None when it has nothing to show."""
    if make not in PANELS:
        PANELS.append(make)


def for_household(request, household) -> list[Panel]:
    return [panel for make in PANELS if (panel := make(request, household)) is not None]

"""Pure decisions about resident work teams beyond rules.check_team: the day a year is judged on, a valid
mobile number, and the tally of checks for an area. No database here."""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .rules import TeamCheck

FIRST_YEAR = 2014  # the work-team standards start with targeted poverty alleviation
PHONE = re.compile(r"1[0-9]{10}")

# Problem codes of rules.check_team, as pages name them; the order is the columns' order.
PROBLEMS = {
    "no_team": _("no team"),
    "too_few": _("too few members"),
    "no_first_secretary": _("no first secretary"),
    "short_term": _("term too short"),
}


def phone_ok(phone: str) -> bool:
    """A mainland mobile number: 11 digits starting with 1 (an empty number is checked by the caller)."""
    return bool(PHONE.fullmatch(phone))


def reference_day(year: int, today: datetime.date) -> datetime.date:
    """A year is judged as it stood at its end, or today while it is still running."""
    return min(today, datetime.date(year, 12, 31))


@dataclass(frozen=True)
class Tally:
    """Villages of an area that must have a team, how many have one, how many meet the standard, and
    each gap."""

    required: int = 0
    with_team: int = 0
    meeting: int = 0
    no_team: int = 0
    too_few: int = 0
    no_first_secretary: int = 0
    short_term: int = 0

    @property
    def gaps(self) -> tuple[int, ...]:
        return tuple(getattr(self, code) for code in PROBLEMS)


def tally(checks: Iterable[TeamCheck]) -> Tally:
    """Counts over the checks of villages that must have a team: a village with two problems counts under
    both."""
    counts = dict.fromkeys(("required", "with_team", "meeting", *PROBLEMS), 0)
    for check in checks:
        counts["required"] += 1
        counts["with_team"] += "no_team" not in check.problems
        counts["meeting"] += check.ok
        for problem in check.problems:
            counts[problem] += 1
    return Tally(**counts)


def add(tallies: Iterable[Tally]) -> Tally:
    tallies = list(tallies)
    return Tally(**{name: sum(getattr(t, name) for t in tallies) for name in Tally.__dataclass_fields__})

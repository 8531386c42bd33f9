"""The one source of "today" for procedures: notices run for whole days, and tests move the calendar by
replacing these two functions."""

import datetime

from django.utils import timezone


def today() -> datetime.date:
    return timezone.localdate()


def now() -> datetime.datetime:
    return timezone.now()


def localdate(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)

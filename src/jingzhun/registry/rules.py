"""Pure decisions over plain values: resident ID numbers and income derivation. No database."""

import datetime
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _
from stdnum import numdb
from stdnum.cn import ric

CENT = Decimal("0.01")
PLAIN_ID = re.compile(r"\d{17}[\dX]")
EARLIEST_BIRTH = datetime.date(1900, 1, 1)


class IdNumberError(ValueError):
    def __init__(self, code: str, message):
        super().__init__(str(message))
        self.code = code
        self.message = message


class IdNumber(NamedTuple):  # a tuple: an import makes a million of them
    number: str
    birth_date: datetime.date
    sex: str  # "M" or "F"
    area_code: str
    # Real registers hold numbers whose area code was created after the birth year (a district renamed
    # later, a person re-registered): kept, with a warning, as the national system did.
    warning: str = ""


@lru_cache(maxsize=4096)
def _area_spans(code6: str) -> tuple[tuple[int | None, int | None], ...] | None:
    """Year spans in which a 6-digit code was assigned, from python-stdnum's code table."""
    info = {k: v for _part, props in numdb.get("cn/loc").info(code6) for k, v in props.items()}
    if "county" not in info:
        return None
    spans = []
    for county in info["county"].split(","):
        if not county.startswith("["):
            spans.append((None, None))
            continue
        start, end = county[1:].split("]")[0].split("-")
        spans.append((int(start) if start else None, int(end) if end else None))
    return tuple(spans)


def area_code_known(code6: str) -> bool:
    return _area_spans(code6) is not None


def area_code_valid_in(code6: str, year: int) -> bool:
    spans = _area_spans(code6)
    return bool(spans) and any((s is None or s <= year) and (e is None or year <= e) for s, e in spans)


@lru_cache(maxsize=65536)
def _birth_date(digits: str) -> datetime.date | None:
    """Digits 7–14 as a date, None when no such day; cached, as a register repeats birth dates."""
    try:
        return datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


_area_valid_in = lru_cache(maxsize=65536)(lambda area, year: area_code_valid_in(area, year))


def check_id_number(raw: str, *, today: datetime.date | None = None) -> IdNumber:
    """Validate an 18-digit resident ID number; raise IdNumberError saying exactly what is wrong."""
    # Numbers already in the stored form skip python-stdnum's clean-up, its costliest step.
    number = raw if PLAIN_ID.fullmatch(raw or "") else ric.compact(raw or "")
    if len(number) != 18:
        raise IdNumberError("length", _("An ID number has 18 characters; this one has %(n)d.") % {
            "n": len(number)})
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise IdNumberError("format", _("An ID number is 17 digits followed by a digit or X."))
    if number[17] != ric.calc_check_digit(number):
        raise IdNumberError("checksum", _("The check digit is wrong: the number is mistyped."))
    born = _birth_date(number[6:14])
    if born is None:
        raise IdNumberError("birth_date", _("Digits 7–14 are not a real date of birth."))
    if not EARLIEST_BIRTH <= born <= (today or datetime.date.today()):
        raise IdNumberError("birth_date", _("The date of birth in the number is impossible."))
    area = number[:6]
    if not area_code_known(area):
        raise IdNumberError("area", _("The first six digits are not a known area code."))
    warning = "" if _area_valid_in(area, born.year) else str(
        _("The area code did not exist yet in the year of birth; check the number."))
    return IdNumber(number=number, birth_date=born, sex="M" if int(number[16]) % 2 else "F",
                    area_code=area, warning=warning)


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def net_income(wages: Decimal, production_income: Decimal, production_costs: Decimal,
               property_income: Decimal, transfer_income: Decimal) -> Decimal:
    """Household net income: all sources less production and business costs."""
    return wages + production_income - production_costs + property_income + transfer_income


def net_income_per_person(net: Decimal, persons: int) -> Decimal | None:
    """人均纯收入: net income divided by registered members, in yuan to the fen; None with no members."""
    if persons <= 0:
        return None
    return (Decimal(net) / persons).quantize(CENT, rounding=ROUND_HALF_UP)


def persons_in_year(memberships: Iterable[tuple[datetime.date, datetime.date | None]], year: int) -> int:
    """Members registered at the end of the year: joined on or before 31 Dec, not left by then."""
    year_end = datetime.date(year, 12, 31)
    return sum(1 for joined, left in memberships if joined <= year_end and (left is None or left > year_end))

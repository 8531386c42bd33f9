"""Turning one cell's text into a clean value by its column's kind; pure, no database.

A parser returns the value, or raises CellError with the reason in the active language.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .. import rules
from .columns import Column, Kind, code_labels, normalise_header

INTEGER = re.compile(r"^[+-]?\d+(\.0*)?$")
PLAIN_MONEY = re.compile(r"^\d{1,9}\.\d\d$")  # already in yuan and fen: no commas, no rounding needed
DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?: 00:00:00)?$")
COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
VILLAGE_CODE = re.compile(r"^\d{12}$")
SEPARATORS = re.compile(r"[、,;，；\s]+")
TRUE = {"1", "是", "yes", "y", "true", "t", "√", "在校"}
FALSE = {"0", "否", "no", "n", "false", "f", "×"}


class CellError(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


def _integer(text: str, column: Column) -> int:
    if not INTEGER.match(text):
        raise CellError(_("Text in a number column: enter a whole number."))
    value = int(text.split(".")[0])
    _in_range(value, column)
    return value


def _in_range(value, column: Column) -> None:
    low, high = column.minimum, column.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        raise CellError(_("Must be between %(low)s and %(high)s.") % {"low": low, "high": high})


def _money(text: str, column: Column) -> Decimal:
    if PLAIN_MONEY.match(text):
        value = Decimal(text)
        _in_range(value, column)
        return value
    try:
        value = Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise CellError(_("Text in a number column: enter an amount in yuan.")) from None
    if not value.is_finite():
        raise CellError(_("Text in a number column: enter an amount in yuan."))
    if value < 0:
        raise CellError(_("Amounts cannot be negative; enter costs as production costs."))
    _in_range(value, column)
    return value.quantize(rules.CENT)


def _date(text: str, column: Column, today: datetime.date) -> datetime.date:
    match = DATE.match(text) or COMPACT_DATE.match(text)
    try:
        if not match:
            raise ValueError
        day = datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise CellError(_("Enter a date as YYYY-MM-DD.")) from None
    if day > today:
        raise CellError(_("The date lies in the future."))
    return day


def _boolean(text: str, column: Column) -> bool:
    value = normalise_header(text)
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise CellError(_("Enter 是 or 否 (yes or no)."))


def _area(text: str, column: Column) -> str:
    if not VILLAGE_CODE.match(text):
        raise CellError(_("A village code has 12 digits."))
    return text


class Parsers:
    """Parsers for each column, with the code lists looked up once per import."""

    def __init__(self, cause_labels: dict[str, str], today: datetime.date | None = None):
        self.cause_labels = cause_labels
        self.today = today or datetime.date.today()

    def parser_for(self, column: Column):
        """A function of a non-empty cell's text for this column, built once per import, returning the
        clean value and a warning ("" for none)."""
        kind = column.kind
        if kind is Kind.TEXT:
            return lambda text: (text, "")
        if kind is Kind.ID_NUMBER:
            today = self.today

            def id_number(text):
                try:
                    checked = rules.check_id_number(text, today=today)
                except rules.IdNumberError as error:
                    raise CellError(error.message) from None
                return checked, checked.warning

            return id_number
        if kind is Kind.CODE:
            code = self._code_parser(column)
            return lambda text: (code(text), "")
        if kind is Kind.CODES:
            code = self._code_parser(column)
            return lambda text: ([code(part) for part in SEPARATORS.split(text) if part], "")
        if kind is Kind.DATE:
            today = self.today
            return lambda text: (_date(text, column, today), "")
        parser = {Kind.INTEGER: _integer, Kind.MONEY: _money, Kind.BOOLEAN: _boolean, Kind.AREA: _area}[kind]
        return lambda text: (parser(text, column), "")

    def _code_parser(self, column: Column):
        labels = self.cause_labels if column.choices is None else code_labels(column.choices)
        seen: dict[str, str] = {}  # cell text as typed → code; most cells repeat a few spellings

        def code(text: str) -> str:
            value = seen.get(text)
            if value is None:
                value = labels.get(normalise_header(text))
                if value is None:
                    raise CellError(_("“%(v)s” is not in the list of allowed values.") % {"v": text})
                seen[text] = value
            return value

        return code


def cause_labels(causes) -> dict[str, str]:
    """Accepted spellings of each cause (code, Chinese and English name), normalised, to the code."""
    labels = {}
    for cause in causes:
        for spelling in (cause.code, cause.name_zh, cause.name_en):
            labels[normalise_header(spelling)] = cause.code
    return labels

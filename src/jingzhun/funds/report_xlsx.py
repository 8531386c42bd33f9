"""The yearly account as an .xlsx workbook (XlsxWriter), one sheet per section, numbers written as numbers
with their formats; and the labelled items and column headers the page and the PDF share with it, so the
three say the same thing in the same words."""

import io
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

import xlsxwriter
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .report_queries import Account, Money

TITLE = gettext_lazy("Yearly account of poverty-alleviation funds and projects")
MONEY_COLUMNS = [gettext_lazy("received in the year (yuan)"), gettext_lazy("allocated in the year (yuan)"),
                 gettext_lazy("spent in the year (yuan)"),
                 gettext_lazy("not yet allocated at the year end (yuan)"),
                 gettext_lazy("allocated, not yet spent at the year end (yuan)")]
SOURCE_HEADER = [gettext_lazy("source"), *MONEY_COLUMNS]
PURPOSE_HEADER = [gettext_lazy("purpose"), *MONEY_COLUMNS]
PROJECT_HEADER = [gettext_lazy("project kind"), gettext_lazy("number of projects"),
                  gettext_lazy("cancelled projects"), gettext_lazy("budget (yuan)"),
                  gettext_lazy("allocated up to the year end (yuan)"),
                  gettext_lazy("spent up to the year end (yuan)"), gettext_lazy("output planned"),
                  gettext_lazy("output achieved"), gettext_lazy("unit"), gettext_lazy("projects accepted")]
VILLAGE_HEADER = [gettext_lazy("code"), gettext_lazy("village"), gettext_lazy("poor village"),
                  gettext_lazy("projects of the year"), gettext_lazy("project budget (yuan)"),
                  gettext_lazy("has a village mutual fund")]
# How a value is written: money to the fen, counts whole, a rate as a percentage.
MONEY, COUNT, RATE, TEXT = "money", "count", "rate", "text"
FORMATS = {MONEY: "#,##0.00", COUNT: "#,##0", RATE: "0.0%", TEXT: "@"}


@dataclass(frozen=True)
class Item:
    """One labelled figure of the summary or of the mutual funds."""

    key: str
    label: str
    value: object
    kind: str = MONEY

    @property
    def text(self) -> str:
        if self.value is None:
            return "—"
        if self.kind == MONEY:
            return f"{self.value:,.2f}"
        if self.kind == COUNT:
            return f"{self.value:,}"
        if self.kind == RATE:
            return f"{self.value:.1%}"
        return str(self.value)


def rate_of(account: Account) -> Decimal | None:
    rate = account.mutual.rate.rate
    return None if rate is None else rate.quantize(Decimal("0.0001"))


def summary_items(account: Account) -> list[Item]:
    total, villages, mutual = account.total, account.villages, account.mutual
    return [
        Item("received", _("funds received in the year (yuan)"), total.received),
        Item("allocated", _("allocated to projects in the year (yuan)"), total.allocated),
        Item("spent", _("spent in the year (yuan)"), total.spent),
        Item("unallocated", _("not yet allocated at the year end (yuan)"), total.unallocated),
        Item("unspent", _("allocated, not yet spent at the year end (yuan)"), total.unspent),
        Item("projects", _("projects of the year"), account.projects_total.projects, COUNT),
        Item("accepted", _("projects accepted"), account.projects_total.accepted, COUNT),
        Item("villages", _("villages in the area"), villages.total, COUNT),
        Item("covered", _("villages covered (a project or a mutual fund)"), villages.covered, COUNT),
        Item("poor_villages", _("poor villages"), villages.poor, COUNT),
        Item("covered_poor", _("poor villages covered"), villages.covered_poor, COUNT),
        Item("loans_issued", _("mutual fund loans issued in the year"), mutual.loans_issued, COUNT),
        Item("repayment_rate", _("repayment rate at the year end"), rate_of(account), RATE),
    ]


def mutual_items(account: Account) -> list[Item]:
    mutual = account.mutual
    capital = [Item(f"capital_{line.kind}", _("capital paid in: %(kind)s (yuan)") % {"kind": line.label},
                    line.amount) for line in mutual.capital]
    return [
        Item("funds", _("mutual funds open in the year"), mutual.funds, COUNT),
        Item("members", _("member households at the year end"), mutual.members, COUNT),
        *capital,
        Item("capital", _("capital paid in up to the year end (yuan)"), mutual.capital_total),
        Item("loans_issued", _("loans issued in the year"), mutual.loans_issued, COUNT),
        Item("principal_issued", _("principal issued in the year (yuan)"), mutual.principal_issued),
        Item("loans_outstanding", _("loans being repaid at the year end"), mutual.loans_outstanding, COUNT),
        Item("outstanding", _("principal outstanding at the year end (yuan)"), mutual.outstanding),
        Item("written_off", _("principal written off by the year end (yuan)"), mutual.written_off),
        Item("due", _("principal due up to the year end (yuan)"), mutual.rate.due),
        Item("repaid", _("of which repaid by the year end (yuan)"), mutual.rate.repaid),
        Item("repayment_rate", _("repayment rate at the year end"), rate_of(account), RATE),
        Item("overdue_loans", _("loans overdue at the year end"), mutual.overdue_loans, COUNT),
        Item("overdue_principal", _("principal overdue (yuan)"), mutual.overdue_principal),
        Item("overdue_fee", _("occupancy fees overdue (yuan)"), mutual.overdue_fee),
    ]


def money_row(line: Money) -> list:
    return [str(line.label), *(getattr(line, name) for name in Money.FIGURES)]


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _width(value) -> int:
    """Columns fit their longest cell, a Chinese character counting two."""
    text = f"{value:,.2f}" if isinstance(value, Decimal) else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class _Book:
    def __init__(self, out):
        self.book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
        self.formats = {kind: self.book.add_format({"num_format": f}) for kind, f in FORMATS.items()}
        self.bold = {kind: self.book.add_format({"num_format": f, "bold": True})
                     for kind, f in FORMATS.items()}
        self.header = self.book.add_format({"bold": True, "text_wrap": True, "valign": "top"})

    def table(self, title: str, header: list, kinds: list[str], rows: list[list], total: list | None = None):
        """A sheet of one table: a bold header row, then the rows, then the total row in bold."""
        sheet = self.book.add_worksheet(title[:31])
        header = [str(h) for h in header]
        sheet.write_row(0, 0, header, self.header)
        widths = [min(max(_width(h) // 2, 10), 40) for h in header]
        for n, row in enumerate([*rows, *([total] if total else [])], start=1):
            formats = self.bold if total is not None and n == len(rows) + 1 else self.formats
            for col, (value, kind) in enumerate(zip(row, kinds, strict=True)):
                self.cell(sheet, n, col, value, formats[kind])
                widths[col] = min(max(widths[col], _width(value) + 2), 60)
        for col, w in enumerate(widths):
            sheet.set_column(col, col, w)
        sheet.freeze_panes(1, 0)
        return sheet

    @staticmethod
    def cell(sheet, row: int, col: int, value, fmt) -> None:
        if value is None:
            sheet.write_blank(row, col, None, fmt)
        elif isinstance(value, bool):
            sheet.write_string(row, col, yes_no(value), fmt)
        elif isinstance(value, int | float | Decimal):
            sheet.write_number(row, col, float(value), fmt)
        else:
            sheet.write_string(row, col, str(value), fmt)

    def items(self, title: str, items: list[Item], heading: list | None = None):
        rows = [*(heading or []), *([item.label, item.value] for item in items)]
        kinds = [TEXT] * len(heading or []) + [item.kind for item in items]
        sheet = self.book.add_worksheet(title[:31])
        sheet.write_row(0, 0, [_("item"), _("value")], self.header)
        for n, (row, kind) in enumerate(zip(rows, kinds, strict=True), start=1):
            sheet.write_string(n, 0, str(row[0]))
            self.cell(sheet, n, 1, row[1], self.formats[kind])
        sheet.set_column(0, 0, max(_width(row[0]) for row in rows) + 2)
        sheet.set_column(1, 1, 24)


def workbook_bytes(account: Account, language: str) -> bytes:
    with translation.override(language):
        return _workbook(account)


def _workbook(account: Account) -> bytes:
    out = io.BytesIO()
    book = _Book(out)
    heading = [[_("area"), f"{account.area.code} {account.area.name}"], [_("year"), str(account.year)],
               [_("figures up to"), account.as_of.isoformat()]]
    book.items(_("Summary"), summary_items(account), heading)
    money_kinds = [TEXT] + [MONEY] * len(Money.FIGURES)
    book.table(_("Funds by source"), SOURCE_HEADER, money_kinds,
               [money_row(line) for line in account.sources], money_row(account.total))
    book.table(_("Funds by purpose"), PURPOSE_HEADER, money_kinds,
               [money_row(line) for line in account.purposes], money_row(account.total))
    total = account.projects_total
    book.table(_("Projects by kind"), PROJECT_HEADER, [TEXT, COUNT, COUNT, MONEY, MONEY, MONEY, MONEY, MONEY,
                                                       TEXT, COUNT],
               [[str(p.label), p.projects, p.cancelled, p.budget, p.allocated, p.spent, p.planned, p.achieved,
                 str(p.unit), p.accepted] for p in account.projects],
               [str(total.label), total.projects, total.cancelled, total.budget, total.allocated, total.spent,
                None, None, None, total.accepted])
    book.table(_("Villages covered"), VILLAGE_HEADER, [TEXT, TEXT, TEXT, COUNT, MONEY, TEXT],
               [[v.area.code, v.area.name, v.poor, v.projects, v.budget, v.mutual_fund]
                for v in account.villages.lines])
    book.items(_("Village mutual funds"), mutual_items(account))
    book.book.close()
    return out.getvalue()

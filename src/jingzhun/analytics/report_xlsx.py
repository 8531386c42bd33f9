"""The yearly report as an .xlsx workbook (XlsxWriter): one sheet per section of report_content and
report_sections, numbers written as numbers with their formats, the title and header rows frozen, and
native Excel charts drawn from the sheets' own cells (measures by year as lines, causes as bars, the
income distribution as columns, the indicators' contributions as bars)."""

import io
import unicodedata

import xlsxwriter
from django.utils import translation
from django.utils.translation import gettext as _

from . import report_content as content
from .report_content import EXCEL_FORMATS, TEXT, Table
from .report_sections import all_tables

TITLE_ROW, HEADER_ROW = 0, 1  # each sheet: its title, then the table's header, then its rows
# The series the measures-by-year chart draws, the ones the PDF's first chart draws.
TREND_KEYS = ("incidence", "p0", "af_m0")
INVALID_SHEET_CHARACTERS = str.maketrans({c: " " for c in "[]:*?/\\"})


def _width(text: str) -> int:
    """A column fits its longest cell, a Chinese character counting two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def sheet_name(title: str) -> str:
    return title.translate(INVALID_SHEET_CHARACTERS)[:31]


class _Book:
    def __init__(self, out, title: str):
        self.book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
        self.book.set_properties({"title": title, "creator": "Jingzhun"})
        self.title = title
        self.formats = {kind: self.book.add_format({"num_format": f}) for kind, f in EXCEL_FORMATS.items()}
        self.wrapped = self.book.add_format({"text_wrap": True, "valign": "top"})
        self.header = self.book.add_format({"bold": True, "text_wrap": True, "valign": "top",
                                            "bg_color": "#EEF1F5", "border": 1})
        self.heading = self.book.add_format({"bold": True, "font_size": 13})
        self.subheading = self.book.add_format({"bold": True})

    def sheet(self, table: Table, *, freeze_column: bool = True, name: str = ""):
        sheet = self.book.add_worksheet(sheet_name(name or table.title))
        sheet.write_string(TITLE_ROW, 0, f"{self.title} — {name or table.title}", self.heading)
        self.widths = [0] * len(table.header)
        self.block(sheet, table, HEADER_ROW)
        sheet.freeze_panes(HEADER_ROW + 1, 1 if freeze_column else 0)
        return sheet

    def block(self, sheet, table: Table, top: int) -> int:
        """Writes the table's header at row `top` and its rows below; returns the row after its last."""
        self.widths += [0] * (len(table.header) - len(self.widths))
        sheet.write_row(top, 0, list(table.header), self.header)
        for col, label in enumerate(table.header):
            self.widths[col] = max(self.widths[col], min(_width(label) // 2 + 2, 24), 10)
        for n, row in enumerate(table.rows, start=top + 1):
            for col, cell in enumerate(row):
                self.cell(sheet, n, col, cell)
                self.widths[col] = max(self.widths[col], min(_width(cell.text) + 2, 60))
        for col, width in enumerate(self.widths):
            sheet.set_column(col, col, width)
        after = top + 1 + len(table.rows)
        if table.note:
            sheet.write_string(after, 0, table.note)
            after += 1
        return after

    def cell(self, sheet, row: int, col: int, cell) -> None:
        fmt = self.formats[cell.kind]
        if cell.value is None:
            sheet.write_blank(row, col, None, fmt)
        elif cell.kind == TEXT:
            sheet.write_string(row, col, str(cell.value), fmt)
        else:
            sheet.write_number(row, col, float(cell.value), fmt)

    def chart(self, sheet, kind: str, table: Table, columns: list[int], *, title: str, category: int = 0,
              percent: bool = False, at: str = "", subtype: str | None = None,
              rows: int | None = None) -> None:
        """A native chart of `table`'s `columns` over its `category` column, as the sheet holds them: its
        first `rows` rows (all when None)."""
        rows = len(table.rows) if rows is None else rows
        if not rows:
            return
        chart = self.book.add_chart({"type": kind, **({"subtype": subtype} if subtype else {})})
        name, first, last = sheet.get_name(), HEADER_ROW + 1, HEADER_ROW + rows
        for col in columns:
            series = {"name": [name, HEADER_ROW, col], "categories": [name, first, category, last, category],
                      "values": [name, first, col, last, col]}
            if kind == "line":
                series["marker"] = {"type": "circle", "size": 5}
            chart.add_series(series)
        chart.set_title({"name": title, "name_font": {"size": 11}})
        axis = {"num_format": "0%" if percent else "General", "major_gridlines": {"visible": True}}
        (chart.set_x_axis if kind == "bar" else chart.set_y_axis)(axis)
        if len(columns) == 1:
            chart.set_legend({"none": True})
        else:
            chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 640, "height": 320 if kind != "bar" else 60 + 28 * len(table.rows)})
        sheet.insert_chart(at or f"A{HEADER_ROW + len(table.rows) + 4}", chart)


def workbook_bytes(figures, language: str, generated_by: str) -> bytes:
    with translation.override(language):
        return _workbook(figures, generated_by)


def _workbook(figures, generated_by: str) -> bytes:
    out = io.BytesIO()
    tables = all_tables(figures, generated_by)
    book = _Book(out, content.title(figures))
    book.sheet(tables["summary"])

    years = tables["years"]
    sheet = book.sheet(years)
    keys = [m.key for m in content.measures()]
    # As the PDF's and the dashboard's trend: up to the last year whose incomes cover most households (a
    # year just begun, listed last, would draw a spike from a handful of households).
    full = set(figures.full_years)
    charted = max((n + 1 for n, year in enumerate(years.row_keys) if int(year) in full), default=0)
    book.chart(sheet, "line", years, [1 + keys.index(key) for key in TREND_KEYS], percent=True,
               title=_("Incidence, P0 and M0 by year"), rows=charted)

    book.sheet(tables["children"], freeze_column=False)
    causes = tables["causes"]
    book.chart(book.sheet(causes), "bar", causes, [1], title=causes.title)
    incomes = tables["incomes"]
    book.chart(book.sheet(incomes), "column", incomes, [3], title=incomes.title)
    af = tables["af"]
    book.chart(book.sheet(af), "bar", af, [3], percent=True, title=af.header[3])

    # Funds, projects, measures delivered and helpers: small tables, one below the other on one sheet.
    sheet = book.sheet(tables["funds"], freeze_column=False, name=_("Funds and projects"))
    row = HEADER_ROW + len(tables["funds"].rows) + 2
    for key in ("projects", "delivered", "helpers"):
        sheet.write_string(row, 0, tables[key].title, book.subheading)
        row = book.block(sheet, tables[key], row + 1) + 1

    notes = book.sheet(tables["notes"], freeze_column=False)
    notes.set_column(0, 0, 26, book.wrapped)
    notes.set_column(1, 1, 90, book.wrapped)
    book.book.close()
    return out.getvalue()

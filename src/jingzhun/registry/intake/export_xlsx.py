"""Export tables written as files: .xlsx (XlsxWriter) and .csv (UTF-8 with a byte-order mark, so Excel
reads the Chinese).

XlsxWriter runs in constant-memory mode, so a register of any size streams through in little memory;
it costs ~6 µs a cell (about 3.5 minutes for the 22 million cells of a 740,000-member province), which is
why whole-area exports belong in a background task rather than a web request.
"""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import xlsxwriter

from .columns import COLUMNS
from .export_rows import TEXT_KEYS


@dataclass
class Sheet:
    name: str
    headers: list[str]
    rows: Iterable[list]  # str, int, Decimal, float or None values; str cells stay text
    widths: list[int] = field(default_factory=list)
    text_columns: set[int] = field(default_factory=set)  # formatted as text, so typing over stays text
    wrap: bool = False


def member_sheet_layout() -> tuple[list[int], set[int]]:
    """Column widths and text columns of the member-row layout."""
    widths = {"household_number": 18, "village": 14, "village_name": 16, "id_number": 20, "address": 24,
              "other_causes": 20, "phone": 13, "name": 10}
    return ([widths.get(c.key, 12) for c in COLUMNS],
            {i for i, c in enumerate(COLUMNS) if c.key in TEXT_KEYS})


def write_xlsx(target, sheets: list[Sheet]) -> None:
    """Write the sheets to a path or a binary file object; each header row bold and frozen."""
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_numbers": False,
                                            "strings_to_formulas": False, "strings_to_urls": False})
    bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1, "text_wrap": True,
                                "valign": "top"})
    text = workbook.add_format({"num_format": "@"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    for sheet in sheets:
        worksheet = workbook.add_worksheet(sheet.name)
        formats = []
        for i in range(len(sheet.headers)):
            cell_format = text if i in sheet.text_columns else wrap if sheet.wrap else None
            worksheet.set_column(i, i, sheet.widths[i] if i < len(sheet.widths) else 12, cell_format)
            formats.append(cell_format)
        worksheet.freeze_panes(1, 0)
        worksheet.write_row(0, 0, sheet.headers, bold)
        write_string, write_number, write_boolean = (worksheet.write_string, worksheet.write_number,
                                                     worksheet.write_boolean)
        for number, row in enumerate(sheet.rows, start=1):
            for column, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, str):
                    # Text stays text: ID and household numbers must never become numbers in Excel.
                    write_string(number, column, value, formats[column])
                elif isinstance(value, bool):
                    write_boolean(number, column, value, formats[column])
                else:
                    write_number(number, column, float(value), formats[column])
    workbook.close()


class _Echo:
    def write(self, value):
        return value


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def csv_lines(headers: list[str], rows: Iterable[list]) -> Iterator[str]:
    """A byte-order mark, then each row as one CSV line."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow(headers)
    for row in rows:
        yield writer.writerow([_cell(value) for value in row])


def write_csv(path, headers: list[str], rows: Iterable[list]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as out:
        for line in csv_lines(headers, rows):
            out.write(line)

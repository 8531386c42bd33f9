"""Reading a register file (.xlsx or .csv) into rows of text keyed by column, as the file holds them.

Every cell becomes text: spreadsheet numbers that are whole (ID numbers, codes typed as numbers) lose
their ".0", so ID numbers and village codes stay the strings the office typed.
"""

import csv
import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jingzhun.errors import DomainError

from .columns import COLUMNS, Column, header_index, normalise_header
from .nogc import without_cyclic_gc


class IntakeFileError(DomainError):
    """The file as a whole cannot be read: wrong type, unknown or missing columns."""


@dataclass
class Table:
    kind: str  # "xlsx" or "csv"
    headers: list[str]  # as written in the file
    columns: list[Column]  # the column behind each header, in file order
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (row number in the file, cells)

    def header_of(self, key: str) -> str:
        for header, column in zip(self.headers, self.columns, strict=True):
            if column.key == key:
                return header
        return key

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        keys = [column.key for column in self.columns]
        for number, cells in self.rows:
            yield number, dict(zip(keys, cells, strict=True))


def cell_text(value) -> str:
    """One spreadsheet cell as the text a person typed: 6.40422e+11 → "640422100201", 1.5 → "1.5"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _xlsx_rows(path: Path) -> list[list[str]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        return [[cell_text(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
    except Exception as error:  # calamine raises its own types for damaged or foreign files
        message = _("The file cannot be read as an Excel workbook: %(e)s") % {"e": error}
        raise IntakeFileError(message) from None


def _csv_rows(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost any byte string
        raise IntakeFileError(_("The file is neither UTF-8 nor GB18030 text."))
    return [list(map(str.strip, row)) for row in csv.reader(io.StringIO(text, newline=""))]


@without_cyclic_gc  # every caller (the command, a job, import_file) reads at full speed
def read_table(path: str | Path) -> Table:
    """The file's first sheet: headers mapped to columns, then every non-empty row with its number."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        kind, raw = "xlsx", _xlsx_rows(path)
    elif suffix == ".csv":
        kind, raw = "csv", _csv_rows(path)
    else:
        raise IntakeFileError(_("Upload an .xlsx or .csv file."))
    if not raw:
        raise IntakeFileError(_("The file is empty."))
    headers = list(raw[0])
    while headers and not headers[-1]:
        headers.pop()
    index = header_index()
    columns, unknown, seen = [], [], set()
    for header in headers:
        column = index.get(normalise_header(header))
        if column is None:
            unknown.append(header or "(blank)")
        elif column.key in seen:
            raise IntakeFileError(_("The column “%(h)s” appears twice.") % {"h": header})
        else:
            seen.add(column.key)
            columns.append(column)
    if unknown:
        raise IntakeFileError(_("Unknown column: %(h)s") % {"h": "、".join(unknown)})
    english = (get_language() or "").startswith("en")
    missing = [column.en if english else column.zh
               for column in COLUMNS if column.required and column.key not in seen]
    if missing:
        raise IntakeFileError(_("Required column missing: %(h)s") % {"h": "、".join(missing)})
    table = Table(kind=kind, headers=headers, columns=columns)
    width = len(headers)
    for number, cells in enumerate(raw[1:], start=2):
        if len(cells) != width:
            cells = (list(cells) + [""] * width)[:width]
        if any(cells):
            table.rows.append((number, cells))
    return table

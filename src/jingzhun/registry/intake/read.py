"""Reading a register file (.xlsx or .csv) into rows of text keyed by column, as the file holds them.

Every cell becomes text: spreadsheet numbers that are whole (ID numbers, codes typed as numbers) lose
their ".0", so ID numbers and village codes stay the strings the office typed.

A .csv is read by Arrow's C++ reader into columns (a million rows in about 2 s; Python's csv module
takes 6–10 s), kept as the cells' raw text; the rows as Python lists, each cell stripped, are built only
when asked for. A file Arrow reads differently from Python's csv module (rows of uneven width, blank
lines) is read by the csv module instead, so both give the same table.
"""

import codecs
import csv
import datetime
import io
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jingzhun.errors import DomainError

from .columns import COLUMNS, Column, header_index, normalise_header
from .nogc import without_cyclic_gc


class IntakeFileError(DomainError):
    """The file as a whole cannot be read: wrong type, unknown or missing columns."""


# Every character Python's str.strip removes, as a regular-expression class's contents (RE2 syntax).
WHITE_SPACE = "".join(f"\\x{{{ord(c):x}}}" for c in map(chr, range(0x3001)) if c.isspace())
BLANK = f"^[{WHITE_SPACE}]*$"  # a cell that is empty once stripped


class Table:
    """A register sheet: headers mapped to columns, and its non-blank rows with their row numbers.

    Built either from Python rows of stripped cells, or from Arrow columns of the cells' raw text (then
    `rows` is built on first use)."""

    def __init__(self, kind: str, headers: list[str], columns: list[Column],
                 rows: list[tuple[int, list[str]]] | None = None, *, arrow: pa.Table | None = None,
                 numbers: pa.Array | None = None):
        self.kind = kind  # "xlsx" or "csv"
        self.headers = headers  # as written in the file
        self.columns = columns  # the column behind each header, in file order
        self._rows = rows if rows is not None or arrow is not None else []
        self.arrow = arrow  # one string column per header, raw cell text
        self.numbers = numbers  # the row number in the file of each Arrow row

    @property
    def rows(self) -> list[tuple[int, list[str]]]:
        """(row number in the file, cells) of each row, every cell stripped as read_table strips it."""
        if self._rows is None:
            self._rows = _python_rows(self.arrow, self.numbers)
        return self._rows

    @property
    def row_count(self) -> int:
        return self.arrow.num_rows if self._rows is None else len(self._rows)

    def columnar(self) -> tuple[pa.Table, pa.Array]:
        """The cells as Arrow string columns (raw text) and the row numbers."""
        if self.arrow is None:
            names = [f"c{i}" for i in range(len(self.headers))]
            cells = list(zip(*(cells for _n, cells in self._rows), strict=True)) or [() for _ in names]
            self.arrow = pa.table([pa.array(column, pa.string()) for column in cells], names=names)
            self.numbers = pa.array([number for number, _cells in self._rows], pa.int64())
        return self.arrow, self.numbers

    def subset(self, keep: pa.Array) -> "Table":
        """A table of the rows where `keep` is true, as Python rows."""
        arrow, numbers = self.columnar()
        rows = _python_rows(arrow.filter(keep), numbers.filter(keep))
        return Table(self.kind, self.headers, self.columns, rows)

    def header_of(self, key: str) -> str:
        for header, column in zip(self.headers, self.columns, strict=True):
            if column.key == key:
                return header
        return key

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        keys = [column.key for column in self.columns]
        for number, cells in self.rows:
            yield number, dict(zip(keys, cells, strict=True))


@without_cyclic_gc  # millions of new lists: the collector would walk them over and over
def _python_rows(arrow: pa.Table, numbers: pa.Array) -> list[tuple[int, list[str]]]:
    columns = [list(map(str.strip, column.to_pylist())) for column in arrow.columns]
    return list(zip(numbers.to_pylist(), map(list, zip(*columns, strict=True)), strict=True))


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


def _csv_text(data: bytes) -> str:
    """The file's text: UTF-8, with or without a byte-order mark, else GB18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise IntakeFileError(_("The file is neither UTF-8 nor GB18030 text."))  # pragma: no cover


def _csv_rows(text: str) -> list[list[str]]:
    return [list(map(str.strip, row)) for row in csv.reader(io.StringIO(text, newline=""))]


def _csv_arrow(utf8: bytes) -> tuple[list[str], pa.Table, pa.Array] | None:
    """Header cells, the data rows as Arrow columns of raw text, and their row numbers, from UTF-8 bytes;
    None when they are not UTF-8, or have rows of another width than the header or blank lines (which
    Arrow and Python's csv module count differently)."""
    utf8 = utf8[len(codecs.BOM_UTF8):] if utf8.startswith(codecs.BOM_UTF8) else utf8
    start = utf8[:1 << 20].decode("utf-8", errors="ignore")
    header = next(csv.reader(io.StringIO(start, newline="")), None)
    if not header or not any(cell.strip() for cell in header):
        return None
    names = [f"c{i}" for i in range(len(header))]
    try:
        arrow = pa_csv.read_csv(
            pa.BufferReader(utf8),
            read_options=pa_csv.ReadOptions(column_names=names, block_size=1 << 22),
            # A quoted cell may hold a line break only if the file has quotes at all; reading with
            # that allowance costs a third more time.
            parse_options=pa_csv.ParseOptions(newlines_in_values=b'"' in utf8, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(column_types={name: pa.string() for name in names},
                                                  strings_can_be_null=False,
                                                  quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    numbers = pa.array(range(2, arrow.num_rows + 1), pa.int64())
    return [cell.strip() for cell in header], arrow.slice(1).combine_chunks(), numbers


def _read_csv(path: Path) -> tuple[list[list[str]], pa.Table | None, pa.Array | None]:
    """The header row alone with the rows as Arrow columns, or every row as Python lists (see _csv_arrow)."""
    data = path.read_bytes()
    columnar = _csv_arrow(data)
    if columnar is None:
        text = _csv_text(data)
        if not data.startswith(codecs.BOM_UTF8) and not text.isascii():
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:  # GB18030: Arrow reads UTF-8 only
                columnar = _csv_arrow(text.encode("utf-8"))
        if columnar is None:
            return _csv_rows(text), None, None
    header, arrow, numbers = columnar
    return [header], arrow, numbers


def _without_blank_rows(arrow: pa.Table, numbers: pa.Array) -> tuple[pa.Table, pa.Array]:
    """Rows with every cell empty once stripped are skipped, as read_table skips them from Python rows."""
    if not arrow.num_columns:
        return arrow, numbers
    blank = pc.match_substring_regex(arrow.column(0), BLANK)
    if not pc.any(blank).as_py():  # the common case: a blank row has a blank first cell
        return arrow, numbers
    for column in arrow.columns[1:]:
        blank = pc.and_(blank, pc.match_substring_regex(column, BLANK))
    keep = pc.invert(blank)
    return arrow.filter(keep), numbers.filter(keep)


@without_cyclic_gc  # every caller (the command, a job, import_file) reads at full speed
def read_table(path: str | Path) -> Table:
    """The file's first sheet: headers mapped to columns, then every non-empty row with its number."""
    path = Path(path)
    suffix = path.suffix.lower()
    arrow = numbers = None
    if suffix == ".xlsx":
        kind, raw = "xlsx", _xlsx_rows(path)
    elif suffix == ".csv":
        kind = "csv"
        raw, arrow, numbers = _read_csv(path)
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
    if arrow is not None:
        # Cells past the last header are dropped, as the Python rows below are cut to the headers' width.
        arrow = arrow.select(range(len(headers))) if len(headers) < arrow.num_columns else arrow
        arrow, numbers = _without_blank_rows(arrow, numbers)
        return Table(kind, headers, columns, arrow=arrow, numbers=numbers)
    table = Table(kind, headers, columns)
    width = len(headers)
    for number, cells in enumerate(raw[1:], start=2):
        if len(cells) != width:
            cells = (list(cells) + [""] * width)[:width]
        if any(cells):
            table.rows.append((number, cells))
    return table

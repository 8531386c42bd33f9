"""The error report: the rows not imported, as the file held them, plus a column of reasons.

Written as the input was: .xlsx (XlsxWriter, every cell as text so ID numbers survive) or .csv in UTF-8
with a byte-order mark (which Excel needs to open Chinese text correctly).
"""

import csv
from collections import defaultdict
from pathlib import Path

from django.utils.translation import gettext as _

from .check import Checked

ERRORS_HEADER = "错误 / errors"


def report_rows(checked: Checked, *, imported: bool) -> list[list[str]]:
    """Header row, then each row not imported (every row when nothing was) with its reasons, and each
    imported row that carries a warning."""
    # Households that took the fast path have no problems: when they were imported, the rows checked
    # the slow way hold every row of the report; when nothing was, the report holds the whole file.
    table = checked.table if imported or checked.source is None else checked.source
    reasons: dict[int, list[str]] = defaultdict(list)
    for problem in checked.problems:
        text = f"{table.header_of(problem.key)}: {problem.message}"
        if problem.warning:
            text = _("warning") + " - " + text
        reasons[problem.row].append(text)
    valid = checked.valid_households()
    kept = {row for h in valid for row in h.rows} if imported else set()
    bad = checked.bad_rows
    valid_numbers = {h.number for h in valid}
    not_imported = _("Not imported: row %(r)d of this household has errors.")
    for household in checked.households:
        if household.number in valid_numbers:
            continue
        first_bad = next(row for row in household.rows if row in bad)
        for row in household.rows:
            if row not in bad:
                reasons[row].append(not_imported % {"r": first_bad})
    rows = [[*table.headers, ERRORS_HEADER]]
    for number, cells in table.rows:
        if number in kept and number not in reasons:
            continue
        rows.append([*cells, "; ".join(reasons.get(number, []))])
    return rows


def write_report(checked: Checked, path: str | Path, *, imported: bool) -> Path:
    """Write the report beside the input's type; returns the path written."""
    path = Path(path)
    rows = report_rows(checked, imported=imported)
    if checked.table.kind == "xlsx" and path.suffix.lower() != ".csv":
        import xlsxwriter

        workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
        sheet = workbook.add_worksheet()
        bold = workbook.add_format({"bold": True})
        error = workbook.add_format({"font_color": "#b00020"})
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                fmt = bold if r == 0 else (error if c == len(row) - 1 else None)
                sheet.write_string(r, c, value, fmt)
        sheet.set_column(0, len(rows[0]) - 1, 14)
        sheet.set_column(len(rows[0]) - 1, len(rows[0]) - 1, 60)
        workbook.close()
    else:
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            csv.writer(out).writerows(rows)
    return path

"""Sample register files built by the tests: rows as dicts keyed by column, written as .csv or .xlsx."""

import csv
import datetime

import xlsxwriter

from jingzhun.registry.intake.columns import COLUMNS
from tests.conftest import VILLAGE_A, make_id_number


def member(number: str, *, village: str = VILLAGE_A, relation: str = "户主", name: str = "马德福",
           id_number: str | None = None, born: datetime.date = datetime.date(1980, 5, 17), sex: str = "M",
           **cells) -> dict:
    """One member row of household `number`, in Chinese labels as a county office fills it in."""
    row = {
        "household_number": number, "village": village, "village_name": "", "household_type": "一般贫困户",
        "status": "建档立卡贫困户", "registered_year": "2014", "main_cause": "因病",
        "other_causes": "缺技术、因学",
        "address": "吉强镇大营村一组", "phone": "09541234567", "name": name,
        "id_number": id_number or make_id_number(born=born, sex=sex), "relation": relation,
        "ethnicity": "回族", "education": "小学", "in_school": "否", "health": "健康", "disability_grade": "",
        "labour": "普通劳动力", "months_away": "3", "joined_on": "2014-03-01", "income_year": "2019",
        "wages": "12000", "production_income": "3000", "production_costs": "800", "property_income": "0",
        "family_planning_award": "", "subsistence_allowance": "1200", "five_guarantee_support": "",
        "pension": "", "ecological_compensation": "", "other_transfers": "",
    }
    row.update(cells)
    return row


def family(number: str, *, village: str = VILLAGE_A, **cells) -> list[dict]:
    """A head, a spouse and a schoolchild."""
    return [
        member(number, village=village, **cells),
        member(number, village=village, relation="配偶", name="李秀兰", born=datetime.date(1982, 11, 5),
               sex="F", **cells),
        member(number, village=village, relation="子", name="马小明", born=datetime.date(2008, 9, 1),
               education="小学", in_school="是", labour="none", months_away="0", **cells),
    ]


def headers(language: str = "zh") -> list[str]:
    return [column.en if language == "en" else column.zh for column in COLUMNS]


def write_csv(path, rows: list[dict], *, encoding: str = "utf-8-sig", language: str = "zh"):
    with open(path, "w", encoding=encoding, newline="") as out:
        writer = csv.writer(out)
        writer.writerow(headers(language))
        writer.writerows([[row[c.key] for c in COLUMNS] for row in rows])
    return path


def write_xlsx(path, rows: list[dict], *, numbers: tuple[str, ...] = ()):
    """Cells as text, except columns in `numbers`, written as numbers the way Excel stores typed digits."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, headers())
    for r, row in enumerate(rows, start=1):
        for c, column in enumerate(COLUMNS):
            value = row[column.key]
            if column.key in numbers and value:
                sheet.write_number(r, c, float(value))
            else:
                sheet.write_string(r, c, value)
    workbook.close()
    return path

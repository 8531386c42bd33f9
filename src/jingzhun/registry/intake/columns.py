"""The register's spreadsheet layout: one row per member, household columns repeated on each row.

Import and export share this one definition. Headers are Chinese as county offices keep them; English
headers are accepted too. Code-list cells accept the Chinese label, the English label or the code.
"""

from dataclasses import dataclass
from enum import Enum

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ..choices import Education, Ethnicity, Health, HouseholdStatus, HouseholdType, Labour, Relation
from ..models import Income


class Kind(Enum):
    TEXT = "text"
    CODE = "code"  # one value from a code list
    CODES = "codes"  # several values from a code list, separated by 、,;，； or spaces
    INTEGER = "integer"
    MONEY = "money"
    DATE = "date"
    BOOLEAN = "boolean"
    ID_NUMBER = "id_number"
    AREA = "area"


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    kind: Kind
    household: bool  # a household value, repeated on each of its member rows
    required: bool = False
    choices: type | None = None  # a TextChoices class, or None for the causes table
    minimum: int | None = None
    maximum: int | None = None
    note: str = ""  # shown on the template's notes sheet


INCOME_COLUMNS = [
    ("wages", "工资性收入", "wages"),
    ("production_income", "生产经营性收入", "production and business income"),
    ("production_costs", "生产经营性支出", "production and business costs"),
    ("property_income", "财产性收入", "property income"),
    ("family_planning_award", "计划生育金", "family-planning award"),
    ("subsistence_allowance", "低保金", "subsistence allowance"),
    ("five_guarantee_support", "五保金", "five-guarantee support"),
    ("pension", "养老保险金", "pension"),
    ("ecological_compensation", "生态补偿金", "ecological compensation"),
    ("other_transfers", "其他转移性收入", "other transfer income"),
]
assert [key for key, _zh, _en in INCOME_COLUMNS] == list(Income.AMOUNT_FIELDS)

COLUMNS: list[Column] = [
    Column("household_number", "户编号", "household number", Kind.TEXT, True, required=True,
           note=_("Identifies the household; every member row of a household carries the same number.")),
    Column("village", "行政区划代码", "village code", Kind.AREA, True, required=True,
           note=_("The village's 12-digit statistical code; it must lie inside your area.")),
    Column("village_name", "村名", "village name", Kind.TEXT, True,
           note=_("For reading only; the code decides the village.")),
    Column("household_type", "贫困户属性", "household type", Kind.CODE, True, required=True,
           choices=HouseholdType),
    Column("status", "农户状态", "status", Kind.CODE, True, required=True, choices=HouseholdStatus),
    Column("registered_year", "建档年份", "year registered", Kind.INTEGER, True, required=True,
           minimum=2013, maximum=2100),
    Column("main_cause", "主要致贫原因", "main cause of poverty", Kind.CODE, True),
    Column("other_causes", "其他致贫原因", "other causes of poverty", Kind.CODES, True,
           note=_("Several causes separated by 、 or commas.")),
    Column("address", "住址", "address", Kind.TEXT, True),
    Column("phone", "联系电话", "phone", Kind.TEXT, True),
    Column("name", "姓名", "name", Kind.TEXT, False, required=True),
    Column("id_number", "身份证号码", "resident ID number", Kind.ID_NUMBER, False, required=True,
           note=_("18 characters, kept as text; sex and date of birth are read from it.")),
    Column("relation", "与户主关系", "relation to head", Kind.CODE, False, required=True, choices=Relation,
           note=_("Exactly one member of each household is its head.")),
    Column("ethnicity", "民族", "ethnicity", Kind.CODE, False, choices=Ethnicity),
    Column("education", "文化程度", "education", Kind.CODE, False, required=True, choices=Education),
    Column("in_school", "是否在校生", "in school", Kind.BOOLEAN, False),
    Column("health", "健康状况", "health", Kind.CODE, False, choices=Health),
    Column("disability_grade", "残疾等级", "disability grade", Kind.INTEGER, False, minimum=1, maximum=4),
    Column("labour", "劳动能力", "labour capacity", Kind.CODE, False, required=True, choices=Labour),
    Column("months_away", "务工时间（月）", "months working away from home", Kind.INTEGER, False,
           minimum=0, maximum=12),
    Column("joined_on", "入户日期", "registered in household on", Kind.DATE, False,
           note=_("YYYY-MM-DD; the household's registration date when empty.")),
    Column("income_year", "收入年度", "income year", Kind.INTEGER, True, minimum=2010, maximum=2100,
           note=_("The year of the income columns that follow; leave them all empty for none.")),
    *[Column(key, zh, en, Kind.MONEY, True, minimum=0, maximum=10_000_000) for key, zh, en in INCOME_COLUMNS],
]
BY_KEY = {column.key: column for column in COLUMNS}


def normalise_header(text: str) -> str:
    return "".join(str(text).split()).replace("(", "（").replace(")", "）").lower()


def header_index() -> dict[str, Column]:
    """Every accepted header spelling (Chinese, English, key), normalised, to its column."""
    index: dict[str, Column] = {}
    for column in COLUMNS:
        for spelling in (column.zh, column.en, column.key):
            index[normalise_header(spelling)] = column
    return index


def code_labels(choices) -> dict[str, str]:
    """Accepted spellings of each code (key, English label, Chinese label), normalised, to the key."""
    labels: dict[str, str] = {}
    for key, label in choices.choices:
        labels[normalise_header(key)] = key
        for language in ("en", "zh-hans"):
            with translation.override(language):
                labels[normalise_header(str(label))] = key
    return labels


def headers(language: str = "zh-hans") -> list[str]:
    return [column.en if language.startswith("en") else column.zh for column in COLUMNS]

"""The blank register a county office fills in: the header row, one filled example row, and a notes
sheet explaining each column, in the active language."""

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from stdnum.cn import ric

from ..choices import Education, Ethnicity, Health, HouseholdStatus, HouseholdType, Labour, Relation
from .columns import COLUMNS, Kind
from .export_rows import Labels, member_headers
from .export_xlsx import Sheet, member_sheet_layout

# A household head in 大营村 of 吉强镇, Xiji county (a real village: NBS code 640422100201). Born 1968,
# so the ID number carries Xiji's code of that time, 642223 (640422 only from 2001).
EXAMPLE_VILLAGE = ("640422100201", "大营村委会", "Daying Village Committee")
EXAMPLE_ID_BODY = "64222319680312031"
EXAMPLE_ID = EXAMPLE_ID_BODY + ric.calc_check_digit(EXAMPLE_ID_BODY + "0")


def example_row(labels: Labels) -> list:
    """One filled row, as an office would fill it: a Hui household head with a chronic illness."""
    code, zh, en = EXAMPLE_VILLAGE
    village = labels.villages([code]).get(code) or (en if labels.english else zh)
    causes = labels.causes
    codes = labels.codes
    return [
        code + "0007", code, village, codes["household_type"][HouseholdType.GENERAL],
        codes["status"][HouseholdStatus.POOR], 2014, causes.get("illness", ""),
        "、".join(causes.get(c, "") for c in ("lack_skills", "lack_capital")),
        "Group 2, Daying Village" if labels.english else "大营村二组18号", "13895041276",
        "马志强", EXAMPLE_ID, codes["relation"][Relation.HEAD], codes["ethnicity"][Ethnicity.HUI],
        codes["education"][Education.PRIMARY], labels.no, codes["health"][Health.CHRONIC], None,
        codes["labour"][Labour.ORDINARY], 3, datetime.date(2014, 3, 1).isoformat(),
        2019, Decimal("4800.00"), Decimal("6200.00"), Decimal("2100.00"), Decimal("0.00"), Decimal("0.00"),
        Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), Decimal("360.00"), Decimal("500.00"),
    ]


def accepted_values(column, labels: Labels) -> str:
    joiner = ", " if labels.english else "、"
    if column.kind in (Kind.CODE, Kind.CODES):
        names = labels.codes[column.key].values() if column.choices else labels.causes.values()
        return joiner.join(names)
    if column.kind == Kind.BOOLEAN:
        return joiner.join((labels.yes, labels.no))
    if column.kind == Kind.DATE:
        return "YYYY-MM-DD"
    if column.kind == Kind.ID_NUMBER:
        return _("18 characters: 17 digits and a digit or X")
    if column.kind == Kind.AREA:
        return _("12 digits")
    if column.kind == Kind.MONEY:
        return _("yuan, %(minimum)s to %(maximum)s") % {"minimum": column.minimum,
                                                         "maximum": f"{column.maximum:,}"}
    if column.kind == Kind.INTEGER:
        return f"{column.minimum}–{column.maximum}"
    return ""


def notes_rows(labels: Labels) -> list[list]:
    rows = []
    for column in COLUMNS:
        header, other = (column.en, column.zh) if labels.english else (column.zh, column.en)
        rows.append([header, other, labels.yes if column.required else labels.no,
                     accepted_values(column, labels), str(column.note)])
    rows.append(["", "", "", "", _("Code-list cells accept the Chinese label, the English label or the "
                                   "code. Headers may be Chinese or English.")])
    return rows


def template_sheets() -> list[Sheet]:
    labels = Labels()
    widths, texts = member_sheet_layout()
    notes = Sheet(_("notes"), [_("Column"), _("Also accepted as header"), _("Required"), _("Accepted values"),
                               _("Notes")], notes_rows(labels), [18, 24, 8, 60, 60], wrap=True)
    return [Sheet(_("household members"), member_headers(), [example_row(labels)], widths, texts), notes]

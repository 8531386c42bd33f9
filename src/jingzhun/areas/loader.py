"""Loads the real Ningxia hierarchy (region, prefectures, counties, townships, villages) from CSV."""

import csv
from pathlib import Path

from django.db import transaction
from pypinyin import Style, lazy_pinyin

from .models import Area, AreaFlag, Level

DATA_DIR = Path(__file__).resolve().parent / "data"

# Suffixes translated rather than transliterated, longest first so 社区居委会 wins over 居委会.
SUFFIXES = [
    ("社区居民委员会", "Community"), ("社区居委会", "Community"), ("村民委员会", "Village"),
    ("居民委员会", "Community"), ("村委会", "Village"), ("居委会", "Community"), ("社区", "Community"),
    ("街道办事处", "Subdistrict"), ("街道", "Subdistrict"), ("镇", "Town"), ("乡", "Township"),
    ("村", "Village"), ("管委会", "Administrative Committee"), ("农场", "Farm"), ("林场", "Forest Farm"),
]


def english_name(name_zh: str) -> str:
    for suffix, english in SUFFIXES:
        if name_zh.endswith(suffix) and len(name_zh) > len(suffix):
            stem = name_zh[: -len(suffix)]
            return f"{pinyin(stem)} {english}"
    return pinyin(name_zh)


def pinyin(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.NORMAL, errors="default")).capitalize()


def _rows(path: Path):
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


@transaction.atomic
def load_ningxia(data_dir: Path = DATA_DIR) -> int:
    """Idempotent: existing codes are updated, new ones created. Returns the number of areas."""
    areas: list[Area] = []
    flags: list[AreaFlag] = []
    for row in _rows(data_dir / "ningxia_areas.csv"):
        areas.append(Area(code=row["code"], level=row["level"], name_zh=row["name_zh"],
                          name_en=row["name_en"], parent_id=row["parent_code"] or None))
        if row["poor_county"] == "yes":
            exit_year = int(row["exit_date"][:4]) if row["exit_date"] else None
            flags.append(AreaFlag(area_id=row["code"], kind=AreaFlag.Kind.POOR_COUNTY, start_year=2011,
                                  end_year=exit_year, source=row["note"] or "ningxia_areas.csv"))
    for row in _rows(data_dir / "ningxia_townships.csv"):
        areas.append(Area(code=row["code"], level=Level.TOWNSHIP, name_zh=row["name_zh"],
                          name_en=english_name(row["name_zh"]), parent_id=row["county_code"]))
    for row in _rows(data_dir / "ningxia_villages.csv"):
        areas.append(Area(code=row["code"], level=Level.VILLAGE, name_zh=row["name_zh"],
                          name_en=english_name(row["name_zh"]), parent_id=row["township_code"]))
    # Parents come before children in file order, so one ordered pass satisfies the foreign keys.
    Area.objects.bulk_create(areas, batch_size=1000, update_conflicts=True, unique_fields=["code"],
                             update_fields=["level", "name_zh", "name_en", "parent"])
    AreaFlag.objects.filter(kind=AreaFlag.Kind.POOR_COUNTY).delete()
    AreaFlag.objects.bulk_create(flags)
    return len(areas)

"""Birth-place codes valid in the birth year, and ID numbers valid by construction."""

import datetime
import random

import pytest

from jingzhun.demo.calibration import HONGSIBAO, HONGSIBAO_ORIGINS
from jingzhun.demo.ids import PREDECESSORS, IdNumbers, birth_code
from jingzhun.registry import rules


@pytest.mark.parametrize("county", sorted(PREDECESSORS))
def test_every_county_has_a_code_valid_in_every_birth_year(county):
    origins = HONGSIBAO_ORIGINS if county == HONGSIBAO else [None]
    for origin in origins:
        for year in range(1910, 2020):
            code = birth_code(county, year, origin)
            assert rules.area_code_valid_in(code, year), (county, origin, year, code)


@pytest.mark.parametrize(("county", "year", "origin", "code"), [
    ("640402", 1960, None, "642221"),  # 原州区 exists since 2001: born 1960 in 固原县
    ("640402", 2005, None, "640402"),
    ("640522", 1990, None, "642222"),  # 海原县 under 固原地区
    ("640522", 2002, None, "640421"),  # 海原县 under 固原市 (2001-2003)
    ("640522", 2010, None, "640522"),  # 海原县 under 中卫市
    ("640303", 1980, "640422", "642223"),  # 红寺堡 movers were born in their origin county
    ("640303", 2012, "640422", "640303"),
])
def test_renamed_counties_use_the_code_of_the_birth_year(county, year, origin, code):
    assert birth_code(county, year, origin) == code


def test_issued_numbers_pass_validation_with_sex_and_birth_date():
    ids = IdNumbers(random.Random(1))
    born = datetime.date(1960, 2, 29)
    numbers = [ids.issue("642221", f"{born:%Y%m%d}", male=i % 2 == 0) for i in range(400)]
    assert len(set(numbers)) == 400
    for i, number in enumerate(numbers):
        checked = rules.check_id_number(number)
        assert checked.warning == ""
        assert checked.birth_date == born
        assert checked.sex == ("M" if i % 2 == 0 else "F")

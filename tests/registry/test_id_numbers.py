import datetime

import pytest
from stdnum.cn import ric

from jingzhun.registry.rules import IdNumberError, check_id_number


def with_check_digit(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


def test_good_number_gives_sex_birth_date_and_area():
    number = with_check_digit("64222319850317124")  # Xiji was 642223 until 2001
    checked = check_id_number(number)
    assert checked.number == number
    assert checked.birth_date == datetime.date(1985, 3, 17)
    assert checked.sex == "F"  # the 17th digit, 4, is even
    assert checked.area_code == "642223"
    assert checked.warning == ""


def test_odd_order_digit_is_male_and_lowercase_x_is_accepted():
    for n in range(1000):
        body = f"640422199001{1 + n % 28:02d}{n:03d}"
        number = with_check_digit(body)
        if number.endswith("X"):
            break
    checked = check_id_number(number.lower())
    assert checked.number.endswith("X")
    assert checked.sex == ("M" if int(number[16]) % 2 else "F")


def test_bad_checksum_is_rejected():
    number = with_check_digit("64042219850317123")
    wrong = number[:-1] + ("1" if number[-1] != "1" else "2")
    with pytest.raises(IdNumberError) as error:
        check_id_number(wrong)
    assert error.value.code == "checksum"


@pytest.mark.parametrize("body", ["64042219850230123", "64042219851301123", "64042218890101123"])
def test_impossible_birth_date_is_rejected(body):
    with pytest.raises(IdNumberError) as error:
        check_id_number(with_check_digit(body))
    assert error.value.code == "birth_date"


def test_birth_date_in_the_future_is_rejected():
    number = with_check_digit("64042220300101123")
    with pytest.raises(IdNumberError) as error:
        check_id_number(number, today=datetime.date(2026, 11, 23))
    assert error.value.code == "birth_date"


def test_unknown_area_code_is_rejected():
    with pytest.raises(IdNumberError) as error:
        check_id_number(with_check_digit("99999919850317123"))
    assert error.value.code == "area"


def test_area_code_created_after_birth_is_kept_with_a_warning():
    # 原州区 640402 exists since 2001; real registers hold such numbers for people born earlier.
    checked = check_id_number(with_check_digit("64040219600101123"))
    assert checked.warning
    assert check_id_number(with_check_digit("64222119600101123")).warning == ""


@pytest.mark.parametrize("raw,code", [("6404221985031712", "length"), ("64042219850317123A", "format"),
                                      ("", "length")])
def test_malformed_numbers_say_what_is_wrong(raw, code):
    with pytest.raises(IdNumberError) as error:
        check_id_number(raw)
    assert error.value.code == code

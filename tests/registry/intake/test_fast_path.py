"""The fast path (intake/fast.py) takes only what row-by-row checking would pass without a word, and
writes exactly what row-by-row checking writes: same records, same audit, same report."""

import csv
import datetime
import random

import pyarrow as pa
import pytest
from django.contrib.auth import get_user_model
from stdnum.cn import ric

from jingzhun.areas.models import Post, Role
from jingzhun.areas.scope import scope_for
from jingzhun.demo.generate import generate_region
from jingzhun.registry import rules
from jingzhun.registry.export import write_members
from jingzhun.registry.intake import fast, load
from jingzhun.registry.intake.read import read_table
from jingzhun.registry.models import AuditEvent, Household

from .test_round_trip import empty_registry, snapshot

TODAY = datetime.date(2026, 11, 23)


def test_id_numbers_pass_the_array_check_exactly_when_check_id_number_passes_them_plain_and_silent():
    rng = random.Random(7)
    numbers = []
    for _ in range(3000):
        area = rng.choice(["640422", "642223", "110101", "640104", "999999", "640000"])
        day = datetime.date(1890, 1, 1) + datetime.timedelta(days=rng.randrange(0, 140 * 366))
        body = f"{area}{day:%Y%m%d}{rng.randrange(1000):03d}"
        number = body + ric.calc_check_digit(body + "0")
        mutation = rng.randrange(8)
        if mutation == 1:  # a wrong check digit
            number = number[:17] + rng.choice("0123456789X".replace(number[17], ""))
        elif mutation == 2:  # no such day
            number = number[:10] + rng.choice(["0229", "0230", "1301", "0000", "0431"]) + number[14:]
        elif mutation == 3:  # forms python-stdnum cleans up: spaces, lower-case x, dashes
            number = rng.choice([f" {number}", f"{number[:6]} {number[6:]}", number.lower(),
                                 f"{number[:6]}-{number[6:]}"])
        elif mutation == 4:
            number = number[:rng.randrange(18)]
        numbers.append(number)
    numbers += ["", "11010119900307123X", "11010119900307123x", "110101200002290014"]

    found = fast._id_numbers_good(pa.array(numbers), TODAY).to_pylist()

    for number, good in zip(numbers, found, strict=True):
        try:
            checked = rules.check_id_number(number, today=TODAY)
            expected = checked.number == number and not checked.warning
        except rules.IdNumberError:
            expected = False
        assert good == expected, number


@pytest.mark.parametrize(("texts", "over_the_array"), [
    (["0.00", "1234.50", "9999999.99", "", "12.00"], True),  # all plain
    (["0.00", "0123.45", "12.5", "1,234.00", " 7.00", "10000000.00", "-1.00", "abc", "", "3.10"], False),
])
def test_amounts_pass_the_array_check_exactly_as_the_cell_parser_passes_them(reference_data, texts,
                                                                             over_the_array):
    from jingzhun.registry.intake.cells import CellError, Parsers
    from jingzhun.registry.intake.columns import COLUMNS

    column = next(c for c in COLUMNS if c.key == "wages")
    parse = Parsers({}, today=TODAY).parser_for(column)
    found = fast._parse(pa.array(texts), column, Parsers({}, today=TODAY), None)
    assert isinstance(found.values, fast._LazyTexts) == over_the_array

    values = found.take(fast._text).to_pylist()
    for text, good, value in zip(texts, found.good_rows().to_pylist(), values, strict=True):
        try:
            expected, warning = parse(text.strip()) if text.strip() else (None, None)
            assert good == (not warning), text
            assert value == (None if expected is None else str(expected)), text
        except CellError:
            assert not good, text


@pytest.fixture
def registrar(reference_data):
    user = get_user_model().objects.create_user("registrar")
    Post.objects.create(user=user, role=Role.COUNTY_OFFICER, area_id="640000000000")
    return user


def audit_snapshot() -> dict:
    """Each household's creation event, its records' values keyed without their ids."""
    events = {}
    for event in AuditEvent.objects.filter(action="create", entity="household").select_related("household"):
        events[event.household.number] = [(entity, values) for entity, _pk, values in event.created_records]
        assert event.entity_id == event.household_id
    return events


def awkward(path, out):
    """The export with cells only row-by-row checking takes: padded cells, a lower-case x, English labels,
    other date and amount spellings, a name JSON must escape."""
    with path.open(encoding="utf-8-sig", newline="") as source:
        rows = list(csv.reader(source))
    header, body = rows[0], rows[1:]
    column = {name: i for i, name in enumerate(header)}
    body[0][column["姓名"]] = ' 王"小\\二 '
    body[3][column["身份证号码"]] = f' {body[3][column["身份证号码"]]}\t'
    body[4][column["身份证号码"]] = body[4][column["身份证号码"]].lower()
    body[5][column["与户主关系"]] = body[5][column["与户主关系"]] + "  "
    body[8][column["入户日期"]] = body[8][column["入户日期"]].replace("-", "/")
    wages = body[11][column["工资性收入"]]  # the same amount spelt otherwise, on one row of its household
    body[11][column["工资性收入"]] = wages.removesuffix(".00") if wages.endswith(".00") else wages + "0"
    body[14][column["姓名"]] = "李\u3000四"  # an ideographic space inside: kept as is
    body[16][column["姓名"]] = "马\t五"  # a tab inside: escaped in the JSON and in COPY's text format
    body.insert(20, body.pop())  # a household's rows apart: its chunk of the fast path is not one run
    with out.open("w", encoding="utf-8-sig", newline="") as target:
        csv.writer(target).writerows([header, *body])
    return out


def test_the_fast_path_writes_what_row_by_row_checking_writes(registrar, tmp_path, monkeypatch):
    generate_region(households=60, seed=5)
    exported = tmp_path / "region.csv"
    write_members(exported, scope_for(registrar), Household.objects.order_by("number"), "csv")
    path = awkward(exported, tmp_path / "awkward.csv")

    found = []
    real_find_fast = load.find_fast

    def spying(*args, **kwargs):  # in chunks of 25 rows: eight or nine of them
        found.append(real_find_fast(*args, **kwargs, chunk_rows=25))
        return found[-1]

    empty_registry()
    monkeypatch.setattr(load, "find_fast", spying)
    fast_result = load.import_file(path, actor=registrar)
    fast_registry, fast_audit = snapshot(), audit_snapshot()
    chunks = found[0].chosen
    assert len(chunks) >= 7 and 50 <= sum(map(len, chunks)) < 60  # the awkward ones went slow

    empty_registry()
    monkeypatch.setattr(load, "find_fast", lambda *args, **kwargs: None)
    slow_result = load.import_file(path, actor=registrar)

    assert fast_result.errors == slow_result.errors == []
    assert (fast_result.created, fast_result.members_created, fast_result.audit_rows) == (
        slow_result.created, slow_result.members_created, slow_result.audit_rows) == (
        60, fast_result.members_created, 60)
    assert snapshot() == fast_registry
    assert audit_snapshot() == fast_audit
    names = {m for h in fast_registry.values() for m in h["members"].values() for m in [m[0]]}
    assert '王"小\\二' in names and "李\u3000四" in names and "马\t五" in names


def test_a_number_repeated_across_a_plain_row_and_an_awkward_row_is_caught(registrar, tmp_path, cast):
    from tests.conftest import VILLAGE_A, make_id_number

    number = make_id_number()
    header = "户编号,行政区划代码,贫困户属性,农户状态,建档年份,姓名,身份证号码,与户主关系,文化程度,劳动能力"
    rows = [f"H1,{VILLAGE_A},general,poor,2015,甲,{number},head,primary,ordinary",
            f"H2,{VILLAGE_A},general,poor,2015,乙, {number} ,head,primary,ordinary",
            f"H3,{VILLAGE_A},general,poor,2015,丙,{make_id_number()},head,primary,ordinary"]
    path = tmp_path / "repeat.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")

    result = load.import_file(path, actor=registrar, partial=True)

    assert sorted((p.row, p.key) for p in result.errors) == [(2, "id_number"), (3, "id_number")]
    assert list(Household.objects.values_list("number", flat=True)) == ["H3"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_arrow_reads_a_csv_as_pythons_csv_module_does(tmp_path, encoding):
    header = ["户编号", "行政区划代码", "贫困户属性", "农户状态", "建档年份", "姓名", "身份证号码",
              "与户主关系", "文化程度", "劳动能力", ""]
    rows = [header,
            ["H1", "640422100201", "一般贫困户", "贫困户", "2015", "甲\n乙", "1", "户主", "小学", "x", ""],
            [""] * 11,
            [" ", "\u3000", "", "", "", "", "", "", "", "", ""],
            ["H2", " 640422100201 ", "a,b", '"q"', "2015", "丙", "2", "户主", "小学", "y", ""]]
    path = tmp_path / "sheet.csv"
    with path.open("w", encoding=encoding, newline="") as out:
        csv.writer(out).writerows(rows)

    table = read_table(path)

    assert table.arrow is not None  # read by Arrow, not the fallback
    assert table.rows == [(2, [c.strip() for c in rows[1][:10]]), (5, [c.strip() for c in rows[4][:10]])]
    assert table.headers == header[:10]


def test_a_csv_with_ragged_rows_is_read_by_pythons_csv_module(tmp_path):
    header = "户编号,行政区划代码,贫困户属性,农户状态,建档年份,姓名,身份证号码,与户主关系,文化程度,劳动能力"
    path = tmp_path / "ragged.csv"
    path.write_text(f"{header}\nH1,640422100201\n\nH2,640422100201,,,,乙,,,,,extra\n", encoding="utf-8")

    table = read_table(path)

    assert table.arrow is None
    assert table.rows == [(2, ["H1", "640422100201", *[""] * 8]),
                          (4, ["H2", "640422100201", "", "", "", "乙", "", "", "", ""])]


@pytest.mark.django_db(transaction=True)  # a first load, as the command runs it: tables dropped and rebuilt
def test_a_first_load_flags_namesakes_it_brings_only_where_they_meet(cast, tmp_path, monkeypatch):
    from jingzhun.registry.models import LikelyDuplicate
    from tests.conftest import VILLAGE_B, make_id_number

    from .sample import member, write_csv

    monkeypatch.setattr(load, "REBUILD_INDEXES_FROM", 1)  # this small file counts as large
    born = datetime.date(1975, 3, 9)
    rows = [member("6404221002010001", name="马福", id_number=make_id_number(born=born)),
            member("6404221002010002", name="马福", id_number=make_id_number(born=born)),
            member("6404221002010003", name="马福", id_number=make_id_number(born=born.replace(day=10))),
            member("6404221002020001", village=VILLAGE_B, name="马福", id_number=make_id_number(born=born))]
    villages_asked = []
    real_flag = load.flag_after_import

    def spying(villages):
        villages_asked.append(set(villages))
        return real_flag(villages)

    monkeypatch.setattr(load, "flag_after_import", spying)

    result = load.import_file(write_csv(tmp_path / "twins.csv", rows), actor=cast["county"])

    assert result.written and result.likely_duplicates == 1
    assert villages_asked == [{"640422100201"}]  # the only village where two of them meet
    flag = LikelyDuplicate.objects.get()
    assert {flag.member.household.number, flag.other.household.number} == {"6404221002010001",
                                                                             "6404221002010002"}


def test_a_write_failing_in_either_thread_raises_and_leaves_no_helper_behind(reference_data):
    import threading

    from django.db import IntegrityError, connection, transaction

    from jingzhun.registry.intake import fast_write

    statement = fast_write._statements()

    def refused():  # the database refuses the rows: a cause is required
        for _ in range(5):
            yield statement(Household.other_causes.through, ("household_id", "cause_id"),
                            [pa.array([1, 2], pa.int64()), pa.array([None, None], pa.string())])

    def broken():  # preparing the next table fails
        yield statement(Household.other_causes.through, ("household_id", "cause_id"),
                        [pa.array([], pa.int64()), pa.array([], pa.string())])
        raise ValueError("no such column")

    for tables, error in ((refused(), IntegrityError), (broken(), ValueError)):
        with pytest.raises(error), transaction.atomic(), connection.cursor() as cursor:
            fast_write._write_all(cursor, tables)
        assert not [t for t in threading.enumerate() if t.name == "import-writer"]

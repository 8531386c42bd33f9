"""The register's member-row export (.xlsx and .csv) and its template, read back as the importer would."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from python_calamine import CalamineWorkbook

from jingzhun.areas.scope import mask_id_number
from jingzhun.registry import actions, rules
from jingzhun.registry.intake.columns import BY_KEY, COLUMNS, code_labels, headers, normalise_header
from jingzhun.registry.intake.export_xlsx import Sheet, write_xlsx
from tests.conftest import VILLAGE_B, make_id_number


def sheets(content) -> dict[str, list[list]]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}


def downloaded(client, user, name="registry:export_xlsx", **params) -> dict[str, list[list]]:
    client.force_login(user)
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return sheets(b"".join(response.streaming_content))


def as_dicts(rows: list[list]) -> list[dict]:
    keys = [column.key for column in COLUMNS]
    return [dict(zip(keys, row, strict=True)) for row in rows[1:]]


def key_of(column_key: str, label: str) -> str:
    return code_labels(BY_KEY[column_key].choices)[normalise_header(label)]


@pytest.fixture
def household(cast, make_household):
    """A head whose ID ends in X, a spouse, a son who left; two income years; three causes."""
    cadre = cast["cadre_a"]
    head_id = next(n for n in (make_id_number(born=datetime.date(1971, 2, 3)) for _ in range(40))
                   if n.endswith("X"))
    household = make_household(actor=cadre, head_name="马建国", id_number=head_id, size=2,
                               household_type="subsistence", main_cause="illness",
                               other_causes=["lack_skills", "disability"], address="大营村二组",
                               phone="0954123")
    actions.add_member(household, actor=cadre, name="李秀英", relation="spouse", ethnicity="hui",
                       id_number=make_id_number(born=datetime.date(1973, 6, 9), sex="F"), education="none",
                       labour="weak", health="chronic", joined_on=datetime.date(2015, 4, 2))
    son = household.members.get(relation="son")
    actions.close_member(son, actor=cadre, left_on=datetime.date(2020, 1, 1), reason="moved")
    zero = {field: Decimal("0") for field in ("production_income", "production_costs", "property_income",
                                               "family_planning_award", "subsistence_allowance",
                                               "five_guarantee_support", "pension", "ecological_compensation",
                                               "other_transfers")}
    actions.record_income(household, 2018, actor=cadre, wages=Decimal("1000"), **zero)
    actions.record_income(household, 2019, actor=cadre, wages=Decimal("4321.50"),
                          **{**zero, "pension": Decimal("1200")})
    return household


def test_member_rows_in_the_register_layout(client, cast, household):
    book = downloaded(client, cast["county"])
    rows = book["家庭成员"]
    assert rows[0] == headers("zh-hans")
    members = as_dicts(rows)
    assert [m["name"] for m in members] == ["马建国", "李秀英"]  # head first; the son who left is not there
    head, spouse = members
    assert head["id_number"] == household.head.id_number and head["id_number"].endswith("X")
    assert spouse["id_number"] == household.members.get(name="李秀英").id_number
    assert all(isinstance(m[key], str) for m in members for key in ("household_number", "village"))
    assert head["household_number"] == spouse["household_number"] == household.number
    assert head["village"] == "640422100201" and head["village_name"] == "大营村委会"
    assert key_of("household_type", head["household_type"]) == "subsistence"
    assert key_of("status", head["status"]) == household.status
    assert key_of("relation", spouse["relation"]) == "spouse"
    assert key_of("ethnicity", spouse["ethnicity"]) == "hui"
    assert key_of("education", spouse["education"]) == "none"
    assert key_of("labour", spouse["labour"]) == "weak"
    assert key_of("health", spouse["health"]) == "chronic"
    assert head["main_cause"] == "因病"
    assert head["other_causes"] == "因残、缺技术"  # cause names in the official order
    assert head["phone"] == "0954123"  # a leading zero survives: text, not a number
    assert spouse["joined_on"] == "2015-04-02" and head["joined_on"] == "2014-03-01"
    assert head["in_school"] == "否"
    # household values repeated on each member row; income of the latest year only
    for member in members:
        assert member["income_year"] == 2019
        assert member["wages"] == 4321.5 and member["pension"] == 1200 and member["property_income"] == 0


def test_codes_are_english_labels_for_english_users(client, cast, household, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    rows = downloaded(client, cast["county"])["household members"]
    assert rows[0] == headers("en")
    head = as_dicts(rows)[0]
    assert head["relation"] == "head of household" and head["in_school"] == "no"
    assert head["village_name"] == "Daying Village"
    assert key_of("household_type", head["household_type"]) == "subsistence"
    assert head["main_cause"] == "illness"


def test_auditor_gets_masked_id_numbers(client, cast, household):
    members = as_dicts(downloaded(client, cast["auditor"])["家庭成员"])
    spouse = household.members.get(name="李秀英")
    assert [m["id_number"] for m in members] == [mask_id_number(household.head.id_number),
                                                  mask_id_number(spouse.id_number)]
    assert all("*" in m["id_number"] for m in members)


def test_export_follows_the_list_filters(client, cast, make_household, household):
    make_household(VILLAGE_B, actor=cast["cadre_b"], head_name="杨二", main_cause="disability")
    names = [m["name"] for m in as_dicts(downloaded(client, cast["county"], cause="disability")["家庭成员"])]
    assert names == ["杨二"]
    names = [m["name"] for m in as_dicts(downloaded(client, cast["county"], area=VILLAGE_B)["家庭成员"])]
    assert names == ["杨二"]


def test_household_without_income_has_empty_income_columns(client, cast, make_household):
    make_household(actor=cast["cadre_a"], head_name="马无收")
    head = as_dicts(downloaded(client, cast["cadre_a"])["家庭成员"])[0]
    assert all(head[key] == "" for key in ("income_year", "wages", "other_transfers"))


def test_template_has_an_example_row_and_notes_for_every_column(client, cast, reference_data):
    book = downloaded(client, cast["cadre_a"], name="registry:template")
    assert list(book) == ["家庭成员", "说明"]
    header, example = book["家庭成员"]
    assert header == headers("zh-hans")
    row = dict(zip([c.key for c in COLUMNS], example, strict=True))
    number = rules.check_id_number(row["id_number"])  # raises when invalid
    assert number.birth_date == datetime.date(1968, 3, 12)
    assert row["village"] == "640422100201" and row["village_name"] == "大营村委会"
    assert key_of("relation", row["relation"]) == "head"
    for column in COLUMNS:
        if column.required:
            assert row[column.key] != "", column.key
    notes = book["说明"]
    assert notes[0][:3] == ["列名", "也可用的列名", "必填"]
    described = {line[0]: line for line in notes[1:]}
    for column in COLUMNS:
        assert column.zh in described
        assert described[column.zh][1] == column.en
        assert described[column.zh][2] == ("是" if column.required else "否")
    assert "户主" in described["与户主关系"][3] and "配偶" in described["与户主关系"][3]
    assert "因病" in described["主要致贫原因"][3]
    assert described["身份证号码"][4]  # the column's note


def test_template_command_in_english(tmp_path, reference_data):
    out = tmp_path / "template.xlsx"
    call_command("export", "--template", "--language", "en", "-o", str(out))
    book = sheets(out.read_bytes())
    assert list(book) == ["household members", "notes"]
    header, example = book["household members"]
    assert header == headers("en")
    assert rules.check_id_number(example[header.index("resident ID number")])
    notes = book["notes"]
    assert {line[0] for line in notes[1:]} >= {c.en for c in COLUMNS}
    assert "head of household" in next(line[3] for line in notes if line[0] == "relation to head")


def test_export_command_writes_the_users_scope(tmp_path, cast, household, make_household):
    make_household("640323100201", actor=cast["other_county"], head_name="盐池户")
    out = tmp_path / "xiji.xlsx"
    stdout = io.StringIO()
    call_command("export", "--user", "xiji", "-o", str(out), stdout=stdout)
    assert "1 households, 2 member rows" in stdout.getvalue()
    members = as_dicts(sheets(out.read_bytes())["家庭成员"])
    assert [m["name"] for m in members] == ["马建国", "李秀英"]
    assert members[0]["id_number"] == household.head.id_number

    out = tmp_path / "province.csv"
    call_command("export", "--user", "province", "-o", str(out), stdout=io.StringIO())
    text = out.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == headers("zh-hans")
    assert sorted(r[10] for r in rows[1:]) == sorted(["马建国", "李秀英", "盐池户"])
    assert all("*" in r[11] for r in rows[1:])  # the province officer does not see ID numbers
    wages = rows[0].index("工资性收入")
    assert {r[wages] for r in rows[1:] if r[10] == "马建国"} == {"4321.50"}


def test_export_command_refuses_what_the_user_may_not_export(tmp_path, cast):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("export", "--user", "helper", "-o", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError):
        call_command("export", "--user", "cadre_b", "--area", "640323100201", "-o", str(tmp_path / "x.xlsx"))


def test_cells_come_back_as_written(tmp_path):
    """Text stays text (formula-like, markup, padded, leading zeros, Chinese); numbers stay numbers."""
    out = tmp_path / "cells.xlsx"
    texts = ["=SUM(A1:A2)", "a & b <c>", " padded ", "0012", "640422100201", "马 建国", "ctrl\x07char"]
    write_xlsx(out, [Sheet("一", ["文本", "数"], [[t, n] for t, n in zip(texts, [1, Decimal("2.50"), None, 0,
                                                                                 7, 8, 9], strict=True)],
                           text_columns={0})])
    rows = sheets(out.read_bytes())["一"]
    assert rows[0] == ["文本", "数"]
    assert [r[0] for r in rows[1:]] == texts  # control characters too, escaped by XlsxWriter
    assert [r[1] for r in rows[1:]] == [1, 2.5, "", 0, 7, 8, 9]

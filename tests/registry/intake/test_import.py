import datetime
import json
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.utils import translation
from stdnum.cn import ric

from jingzhun.errors import NotAllowed
from jingzhun.registry.intake.load import import_file
from jingzhun.registry.intake.read import IntakeFileError, read_table
from jingzhun.registry.intake.report import report_rows
from jingzhun.registry.models import AuditEvent, Household, Income, Member
from tests.conftest import VILLAGE_B, make_id_number

from .sample import family, member, write_csv, write_xlsx


def test_a_good_file_imports_households_members_income_causes_and_audit(cast, tmp_path):
    rows = family("6404221002010001") + family("6404221002020001", village=VILLAGE_B, address="大滩村")
    result = import_file(write_csv(tmp_path / "register.csv", rows), actor=cast["county"])
    assert result.written and not result.problems
    assert (result.created, result.members_created) == (2, 6)
    household = Household.objects.get(number="6404221002010001")
    assert (household.village_id, household.status, household.household_type) == (
        "640422100201", "poor", "general")
    assert household.main_cause_id == "illness"
    assert sorted(household.other_causes.values_list("code", flat=True)) == ["lack_skills", "schooling"]
    spouse = household.members.get(relation="spouse")
    assert (spouse.sex, spouse.birth_date, spouse.ethnicity) == ("F", datetime.date(1982, 11, 5), "hui")
    child = household.members.get(relation="son")
    assert (child.in_school, child.labour, child.months_away) == (True, "none", 0)
    income = Income.objects.get(household=household, year=2019)
    assert (income.wages, income.production_costs, income.pension) == (
        Decimal("12000.00"), Decimal("800.00"), Decimal("0.00"))
    assert income.net_income == Decimal("15400.00")
    events = AuditEvent.objects.filter(household=household)
    assert {e.actor for e in events} == {cast["county"]}
    assert {e.reason for e in events} == {"import register.csv"}
    (event,) = events.filter(action="create")  # the household with its members and income, one event
    created = {(entity, pk): values for entity, pk, values in event.created_records}
    assert len(created) == 5  # the household, its three members, its income
    assert created[("household", household.pk)] == {
        "village": "640422100201", "number": household.number, "household_type": "general", "status": "poor",
        "registered_year": "2014", "main_cause": "illness", "other_causes": "lack_skills,schooling",
        "phone": "09541234567", "address": "吉强镇大营村一组"}
    assert created[("member", spouse.pk)]["id_number"] == spouse.id_number
    assert created[("income", income.pk)]["wages"] == "12000.00"
    assert household.audit_events.latest("at").at.year == datetime.date.today().year


def test_gb18030_csv_with_english_headers_and_english_labels(cast, tmp_path):
    rows = [member("H1", name="王芳", relation="head of household", household_type="subsistence",
                   status="registered poor", main_cause="lack of water", other_causes="", education="junior")]
    path = write_csv(tmp_path / "gbk.csv", rows, encoding="gb18030", language="en")
    result = import_file(path, actor=cast["cadre_a"])
    assert result.written and not result.problems
    household = Household.objects.get(number="H1")
    assert (household.household_type, household.main_cause_id) == ("subsistence", "lack_water")
    assert household.members.get().name == "王芳"


def test_xlsx_keeps_codes_and_leading_zeros_as_text(cast, tmp_path):
    rows = family("6404221002010007")
    path = write_xlsx(tmp_path / "register.xlsx", rows, numbers=("village", "registered_year", "wages"))
    assert read_table(path).rows[0][1][1] == "640422100201"
    result = import_file(path, actor=cast["cadre_a"])
    assert result.written and not result.problems
    household = Household.objects.get(number="6404221002010007")
    assert household.phone == "09541234567"
    assert Income.objects.get(household=household).wages == Decimal("12000.00")


def test_id_numbers_typed_as_numbers_in_excel_are_read_without_float_noise(cast, tmp_path):
    # Excel keeps 15 significant digits, so an 18-digit ID typed as a number has lost its tail: it must be
    # read as digits (no "6.4e+17", no ".0") and then refused by its check digit, never stored wrong.
    # One whose rounded form fails the checksum (about 1 in 11 would pass it by chance).
    number = next(n for n in iter(make_id_number, None)
                  if n[-1] != "X" and int(float(n)) != int(n) and not ric.is_valid(str(int(float(n)))))
    rows = [member("H9", id_number=number)]
    path = write_xlsx(tmp_path / "numbers.xlsx", rows, numbers=("id_number",))
    cells = read_table(path).rows[0][1]
    assert cells[11].isdigit() and len(cells[11]) == 18
    with translation.override("en"):
        result = import_file(path, actor=cast["cadre_a"])
    assert not result.written
    assert [(p.key, p.message) for p in result.errors] == [
        ("id_number", "The check digit is wrong: the number is mistyped.")]


def test_unknown_and_missing_columns_refuse_the_file(cast, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("户编号,行政区划代码,姓名,身份证号码,鞋码\n", encoding="utf-8")
    with translation.override("en"), pytest.raises(IntakeFileError, match="鞋码"):
        read_table(path)
    path.write_text("户编号,姓名\n1,马\n", encoding="utf-8")
    with translation.override("en"), pytest.raises(IntakeFileError, match="village code"):
        read_table(path)


def test_read_only_roles_cannot_import(cast, tmp_path):
    path = write_csv(tmp_path / "r.csv", family("H1"))
    for name in ("auditor", "helper", "province", "outsider"):
        with pytest.raises(NotAllowed):
            import_file(path, actor=cast[name])
    assert not Household.objects.exists() and not Member.objects.exists()


def test_an_area_code_newer_than_the_birth_is_a_warning_not_an_error(cast, tmp_path):
    number = make_id_number("640402", born=datetime.date(1960, 3, 3))  # 原州区, created after 1960
    with translation.override("en"):
        result = import_file(write_csv(tmp_path / "w.csv", [member("H1", id_number=number)]),
                             actor=cast["cadre_a"])
    assert result.written and result.created == 1 and not result.errors
    assert [(p.row, p.key, p.warning) for p in result.problems] == [(2, "id_number", True)]
    with translation.override("en"):
        rows = report_rows(result.checked, imported=True)
    assert len(rows) == 2 and rows[1][-1].startswith("warning - 身份证号码: The area code did not exist")


def test_household_values_must_agree_across_its_rows(cast, tmp_path):
    rows = family("H1")
    rows[2]["household_type"] = "低保贫困户"
    with translation.override("en"):
        result = import_file(write_csv(tmp_path / "d.csv", rows), actor=cast["cadre_a"])
    assert not result.written
    assert [(p.row, p.key, p.message) for p in result.errors] == [
        (4, "household_type", "Differs from row 2 of the same household.")]


def test_an_xlsx_written_by_libreoffice_imports(cast, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    rows = family("6404221002010003")
    source = write_csv(tmp_path / "office.csv", rows)
    # UTF-8 input; household number, phone and ID number (columns 1, 10, 12) as text, as an office keeps
    # them (16+ digits lose their tail as numbers); codes, years and amounts become numbers.
    csv_filter = "CSV:44,34,76,1,1/2/10/2/12/2"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    f"--infilter={csv_filter}", "--convert-to", "xlsx", "--outdir", str(tmp_path),
                    str(source)], check=True, capture_output=True, timeout=120)
    result = import_file(tmp_path / "office.xlsx", actor=cast["cadre_a"])
    assert result.written and not result.problems and result.members_created == 3
    household = Household.objects.get(number="6404221002010003")
    assert (household.village_id, household.phone, household.registered_year) == (
        "640422100201", "09541234567", 2014)
    assert sorted(m.id_number for m in household.members.all()) == sorted(r["id_number"] for r in rows)
    assert Income.objects.get(household=household).subsistence_allowance == Decimal("1200.00")


def test_a_member_created_by_import_has_the_creation_event_the_actions_would_write(cast, tmp_path):
    from jingzhun.registry.actions import MEMBER_FIELDS
    from jingzhun.registry.audit import snapshot

    rows = family("6404221002010001")
    rows[2].update(health="残疾", disability_grade="2", joined_on="")
    import_file(write_csv(tmp_path / "r.csv", rows), actor=cast["cadre_a"])
    event = AuditEvent.objects.get(action="create")
    created = {pk: values for entity, pk, values in event.created_records if entity == "member"}
    for person in Member.objects.all():
        assert created[person.pk] == json.loads(snapshot((f, getattr(person, f)) for f in MEMBER_FIELDS))


def test_households_and_incomes_created_by_import_have_the_events_the_actions_would_write(cast, tmp_path):
    from jingzhun.registry.audit import snapshot

    rows = family("6404221002010001") + family("6404221002010002", main_cause="", other_causes="",
                                                   address="", phone="")
    import_file(write_csv(tmp_path / "r.csv", rows), actor=cast["cadre_a"])
    for household in Household.objects.all():
        event = AuditEvent.objects.get(entity="household", action="create", entity_id=household.pk)
        records = {entity: values for entity, _pk, values in event.created_records}
        values = [(f, getattr(household, f)) for f in (
            "village", "number", "address", "phone", "household_type", "status", "registered_year",
            "main_cause")]
        others = list(household.other_causes.values_list("code", flat=True))
        assert records["household"] == json.loads(snapshot([*values, ("other_causes", others)]))
        income = household.incomes.get()
        assert event.created_records[-1][:2] == ("income", income.pk)
        assert records["income"] == json.loads(snapshot((f, getattr(income, f)) for f in ("year",
                                                                                          *Income.AMOUNT_FIELDS)))


def test_an_import_flags_likely_duplicates_for_an_officer(cast, tmp_path):
    from jingzhun.registry.models import LikelyDuplicate

    born = datetime.date(1975, 3, 9)
    rows = [member("6404221002010001", name="马福", id_number=make_id_number(born=born)),
            member("6404221002010002", name="马福", id_number=make_id_number(born=born)),
            member("6404221002020001", village=VILLAGE_B, name="马福", id_number=make_id_number(born=born))]
    result = import_file(write_csv(tmp_path / "twins.csv", rows), actor=cast["county"])
    assert result.written and result.likely_duplicates == 1
    flag = LikelyDuplicate.objects.get()
    assert (flag.village_id, flag.state) == ("640422100201", "open")
    assert {flag.member.household.number, flag.other.household.number} == {"6404221002010001",
                                                                             "6404221002010002"}
    again = import_file(write_csv(tmp_path / "twins.csv", rows), actor=cast["county"])
    assert again.likely_duplicates == 0 and LikelyDuplicate.objects.count() == 1


def test_the_trail_shows_an_imported_household_its_members_and_income_as_created(cast, tmp_path):
    from jingzhun.areas.scope import scope_for
    from jingzhun.registry.audit import trail

    import_file(write_csv(tmp_path / "r.csv", family("6404221002010001")), actor=cast["cadre_a"])
    household = Household.objects.get()
    with translation.override("en"):
        groups = trail(list(household.audit_events.all()), scope_for(cast["auditor"]))
    created = [g for g in groups if g["action"] == "created"]
    assert [(g["entity"], g["subject"]) for g in created] == [
        ("income", ""), ("member", "马小明"), ("member", "李秀兰"), ("member", "马德福"), ("household", "")]
    spouse = household.members.get(relation="spouse")
    fields = {c["field"]: c["new"] for c in created[2]["changes"]}
    assert fields["resident ID number"] == f"{spouse.id_number[:6]}********{spouse.id_number[-4:]}"
    assert fields["relation to head"] == "spouse"


@pytest.mark.django_db(transaction=True)  # outside a transaction, as the command runs: SQLite's key checks
def test_a_large_first_import_rebuilds_the_indexes_and_constraints_it_dropped(cast, tmp_path, monkeypatch):
    from django.db import connection

    from jingzhun.registry.intake import load

    monkeypatch.setattr(load, "REBUILD_INDEXES_FROM", 1)  # this small file counts as large

    def indexes():
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
            else:
                cursor.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
                    " UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE connamespace = current_schema()::regnamespace")
            return sorted(cursor.fetchall())

    before = indexes()
    assert any("member_id_number_current_unique" in name for name, _sql in before), before
    path = write_csv(tmp_path / "r.csv", family("6404221002010001"))
    result = import_file(path, actor=cast["cadre_a"])
    assert result.written and result.members_created == 3
    assert indexes() == before
    again = import_file(path, actor=cast["cadre_a"])
    assert (again.created, again.unchanged) == (0, 1)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            assert cursor.execute("PRAGMA foreign_keys").fetchone()[0] == 1  # turned back on

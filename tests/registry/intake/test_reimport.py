import copy
import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import translation

from jingzhun.registry.intake.load import import_file
from jingzhun.registry.models import AuditEvent, Household, Income, Member
from tests.conftest import make_id_number

from .sample import family, member, write_csv, write_xlsx


@pytest.fixture
def rows():
    return family("6404221002010001") + family("6404221002010002", address="二组")


def test_importing_the_same_file_twice_changes_nothing_the_second_time(cast, rows, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", rows)
    import_file(path, actor=cast["cadre_a"])
    before = (list(AuditEvent.objects.values_list("id", flat=True)), Member.objects.count(),
              list(Household.objects.values_list("updated_at", flat=True)))
    again = import_file(path, actor=cast["county"])
    assert again.written and (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert (again.members_created, again.members_updated, again.audit_rows) == (0, 0, 0)
    after = (list(AuditEvent.objects.values_list("id", flat=True)), Member.objects.count(),
             list(Household.objects.values_list("updated_at", flat=True)))
    assert after == before


def test_a_changed_file_updates_and_audits_each_change(cast, rows, tmp_path):
    import_file(write_csv(tmp_path / "first.csv", rows), actor=cast["cadre_a"])
    changed = copy.deepcopy(rows)
    for row in changed[:3]:
        row.update(address="三组", wages="15000.5", other_causes="缺技术", status="已脱贫")
    changed[1]["education"] = "初中"
    newborn = make_id_number(born=datetime.date(2019, 4, 1), sex="F")
    changed.insert(3, member("6404221002010001", relation="女", name="马小红", id_number=newborn,
                             education="学龄前", labour="none", address="三组", wages="15000.5",
                             other_causes="缺技术", status="已脱贫", joined_on="2019-04-10"))
    result = import_file(write_csv(tmp_path / "second.csv", changed), actor=cast["county"])
    assert not result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert (result.members_created, result.members_updated) == (1, 1)
    household = Household.objects.get(number="6404221002010001")
    assert (household.address, household.status) == ("三组", "exited")
    assert list(household.other_causes.values_list("code", flat=True)) == ["lack_skills"]
    assert household.members.get(relation="spouse").education == "junior"
    assert household.members.get(id_number=newborn).sex == "F"
    assert Income.objects.get(household=household, year=2019).wages == Decimal("15000.50")
    events = AuditEvent.objects.filter(household=household, actor=cast["county"])
    assert {e.reason for e in events} == {"import second.csv"}
    assert {(e.entity, e.action, e.field, e.old, e.new) for e in events} >= {
        ("household", "change", "address", "吉强镇大营村一组", "三组"),
        ("household", "status", "status", "poor", "exited"),
        ("household", "change", "other_causes", "lack_skills,schooling", "lack_skills"),
        ("member", "change", "education", "primary", "junior"),
        ("income", "change", "wages", "12000.00", "15000.50"),
    }
    newborn_event = events.get(entity="member", action="create")
    assert newborn_event.created_values["name"] == "马小红"
    assert newborn_event.entity_id == household.members.get(id_number=newborn).pk
    assert not AuditEvent.objects.filter(household__number="6404221002010002", actor=cast["county"]).exists()


def test_a_status_change_the_machine_forbids_is_an_error(cast, rows, tmp_path):
    import_file(write_csv(tmp_path / "a.csv", rows), actor=cast["cadre_a"])
    for row in rows[:3]:
        row["status"] = "申请户"
    with translation.override("en"):
        result = import_file(write_csv(tmp_path / "b.csv", rows), actor=cast["cadre_a"])
    assert not result.written
    assert {(p.row, p.key) for p in result.errors} == {(2, "status")}
    assert "cannot go from registered poor to applicant" in result.errors[0].message
    assert Household.objects.get(number="6404221002010001").status == "poor"


def test_the_command_imports_and_reports(cast, rows, make_household, tmp_path, capsys):
    path = write_csv(tmp_path / "cmd.csv", rows)
    call_command("import", str(path), user="cadre_a", language="en")
    out = capsys.readouterr().out
    assert "households created 2, updated 0, unchanged 0, rejected 0; members created 6" in out
    rows[0]["wages"] = "-1"
    bad = write_csv(tmp_path / "cmd-bad.csv", rows)
    with pytest.raises(SystemExit) as exit_:
        call_command("import", str(bad), user="cadre_a", language="en", report=str(tmp_path / "rep.csv"))
    assert exit_.value.code == 1
    out = capsys.readouterr().out
    assert "1 errors on 1 rows" in out and "nothing was imported" in out
    assert "工资性收入: Amounts cannot be negative" in (tmp_path / "rep.csv").read_text(encoding="utf-8-sig")


def test_a_file_mixing_new_households_and_new_members_of_registered_ones_loads_in_any_batching(
        cast, rows, tmp_path, monkeypatch):
    from jingzhun.registry.intake import load

    monkeypatch.setattr(load, "WRITE_BATCH", 1)  # new and registered households alternate batch by batch
    import_file(write_csv(tmp_path / "first.csv", rows), actor=cast["cadre_a"])
    grown = copy.deepcopy(rows)
    newborn = make_id_number(born=datetime.date(2019, 4, 1), sex="F")
    grown.insert(3, member("6404221002010001", relation="女", name="马小红", education="学龄前",
                           labour="none", id_number=newborn))
    grown = family("6404221002010003") + grown + family("6404221002010004")
    result = import_file(write_csv(tmp_path / "second.csv", grown), actor=cast["county"])
    assert not result.errors and result.written
    assert (result.created, result.updated, result.unchanged, result.members_created) == (2, 1, 1, 7)
    assert Member.objects.count() == 13
    assert Household.objects.get(number="6404221002010001").members.count() == 4

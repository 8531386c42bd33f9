"""An exited household stays exited or returns to poverty: a register re-imported with it as poor again is
refused, so a fall back is never a silent new registration."""

import pytest

from jingzhun.registry.intake.load import import_file
from jingzhun.registry.models import Household
from tests.registry.intake.sample import family, write_csv


@pytest.mark.parametrize("label", ["建档立卡贫困户", "申请户", "非建档立卡户"])
def test_a_reimport_cannot_make_an_exited_household_poor_again(cast, tmp_path, label):
    rows = family("6404221002010001", status="已脱贫")
    import_file(write_csv(tmp_path / "first.csv", rows), actor=cast["county"])
    for row in rows:
        row["status"] = label
    result = import_file(write_csv(tmp_path / "again.csv", rows), actor=cast["county"])
    assert not result.written
    assert {p.key for p in result.errors} == {"status"}
    assert Household.objects.get().status == "exited"
    assert Household.objects.count() == 1

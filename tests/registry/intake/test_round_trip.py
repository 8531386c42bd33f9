"""Issue 3, done-when 1: the demo registry exported, then imported into an empty registry, is the same
registry — for everything the register layout carries (households, causes, current members, the latest
year's income)."""

import pytest
from django.contrib.auth import get_user_model

from jingzhun.areas.models import Post, Role
from jingzhun.areas.scope import scope_for
from jingzhun.demo.generate import generate_region
from jingzhun.registry.export import write_members
from jingzhun.registry.intake.load import import_file
from jingzhun.registry.models import AuditEvent, Household, Income, LivingConditions, Member

HOUSEHOLD_FIELDS = ("number", "village_id", "household_type", "status", "registered_year", "main_cause_id",
                    "address", "phone")
MEMBER_FIELDS = ("name", "sex", "birth_date", "relation", "ethnicity", "education", "in_school", "health",
                 "disability_grade", "labour", "months_away", "joined_on")


def snapshot() -> dict:
    registry = {}
    for household in Household.objects.prefetch_related("members", "incomes", "other_causes"):
        latest = max(household.incomes.all(), key=lambda i: i.year, default=None)
        registry[household.number] = {
            "household": tuple(getattr(household, f) for f in HOUSEHOLD_FIELDS),
            "other_causes": sorted(c.code for c in household.other_causes.all()),
            "members": {m.id_number: tuple(getattr(m, f) for f in MEMBER_FIELDS)
                        for m in household.members.all() if m.left_on is None},
            "income": (latest.year, *(getattr(latest, f) for f in Income.AMOUNT_FIELDS)) if latest else None,
        }
    return registry


def empty_registry() -> None:
    for model in (AuditEvent, Income, LivingConditions, Member, Household.other_causes.through, Household):
        model.objects.all().delete()


@pytest.fixture
def registrar(reference_data):
    # One officer who edits and sees ID numbers across the region (a county officer's rights over the
    # whole province), so the region round-trips in one file.
    user = get_user_model().objects.create_user("registrar")
    Post.objects.create(user=user, role=Role.COUNTY_OFFICER, area_id="640000000000")
    return user


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_export_then_import_into_an_empty_registry_gives_the_same_registry(registrar, tmp_path, file_format):
    generate_region(households=150, seed=11)
    before = snapshot()
    path = tmp_path / f"region.{file_format}"
    counts = write_members(path, scope_for(registrar), Household.objects.order_by("number"), file_format)
    assert counts.households == 150

    empty_registry()
    result = import_file(path, actor=registrar)

    assert result.errors == []
    assert (result.created, result.rejected) == (150, 0)
    after = snapshot()
    assert after.keys() == before.keys()
    for number in before:
        assert after[number] == before[number], number
    # and the importer is the author of every record now
    assert set(AuditEvent.objects.values_list("actor_id", flat=True)) == {registrar.pk}

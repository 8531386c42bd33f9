"""Reads of the standards and the evaluation of a household from what the registry holds."""

from decimal import Decimal

from jingzhun.registry import rules as registry_rules
from jingzhun.registry.models import Household

from . import rules
from .models import Standard
from .rules import GUARANTEES, Evaluation, HouseholdFacts, Row, Standards


def as_row(standard: Standard) -> Row:
    return Row(standard.key, standard.jurisdiction, standard.year_from, standard.year_to, standard.value,
               standard.in_force, standard.verified, standard.source, standard.pk)


def standards() -> Standards:
    """The standards in force now (a few dozen rows: read afresh, so an edit holds at once)."""
    return Standards(as_row(s) for s in Standard.objects.filter(in_force=True))


def household_facts(household: Household, year: int) -> HouseholdFacts:
    """The year's net income, members registered at its end and living conditions of a household."""
    income = household.incomes.filter(year=year).first()
    memberships = [(m.joined_on, m.left_on) for m in household.members.all()]
    conditions = household.conditions.filter(year=year).first()
    return HouseholdFacts(
        area_code=household.village_id, year=year,
        net_income=income.net_income if income else None,
        persons=registry_rules.persons_in_year(memberships, year),
        conditions={name: getattr(conditions, name) for name, _label in GUARANTEES} if conditions else None,
    )


def evaluate(household: Household, year: int, table: Standards | None = None) -> Evaluation:
    """evaluate(household, year): eligible or not, with every criterion checked and its reason."""
    return rules.evaluate(household_facts(household, year), table or standards())


def value(key: str, year: int, area_code: str, table: Standards | None = None) -> Decimal:
    return (table or standards()).value(key, year, area_code).value

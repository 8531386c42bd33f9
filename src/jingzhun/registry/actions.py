"""Every write to the registry: one transaction each, scope checked, every change audited."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jingzhun.areas.models import Area, Level
from jingzhun.areas.scope import Scope, scope_for
from jingzhun.errors import DomainError, InvalidTransition, NotAllowed, OutOfScope

from . import audit, duplicates, rules
from .choices import HouseholdStatus, Relation
from .models import AuditEvent, Cause, Household, Income, LivingConditions, Member

HOUSEHOLD_FIELDS = ("address", "phone", "household_type", "registered_year")
MEMBER_FIELDS = ("name", "id_number", "relation", "ethnicity", "education", "in_school", "health",
                 "disability_grade", "labour", "months_away", "joined_on")

# Registry status changes allowed here; the identification app's procedures drive them.
TRANSITIONS = {
    HouseholdStatus.APPLICANT: {HouseholdStatus.POOR, HouseholdStatus.NON_POOR, HouseholdStatus.CLOSED},
    HouseholdStatus.POOR: {HouseholdStatus.EXITED, HouseholdStatus.CLOSED},
    HouseholdStatus.EXITED: {HouseholdStatus.RETURNED, HouseholdStatus.CLOSED},
    HouseholdStatus.RETURNED: {HouseholdStatus.EXITED, HouseholdStatus.CLOSED},
    HouseholdStatus.CLOSED: set(),
    HouseholdStatus.NON_POOR: {HouseholdStatus.APPLICANT, HouseholdStatus.CLOSED},
}


def _editing_scope(actor, area_code: str) -> Scope:
    scope = scope_for(actor)
    if not scope.covers(area_code):
        raise OutOfScope(_("This record is outside your area."))
    if not scope.edits_registry:
        raise NotAllowed(_("Your role may read the registry but not change it."))
    return scope


def _locked(household: Household, actor) -> Household:
    _editing_scope(actor, household.village_id)
    locked = Household.objects.select_for_update().get(pk=household.pk)
    if locked.status == HouseholdStatus.CLOSED:
        raise DomainError(_("This household is closed; its record can no longer be changed."))
    return locked


def _check_id(id_number: str, *, exclude_member: int | None = None) -> rules.IdNumber:
    try:
        checked = rules.check_id_number(id_number)
    except rules.IdNumberError as error:
        raise DomainError(error.message, field="id_number") from None
    clash = Member.objects.filter(id_number=checked.number, left_on__isnull=True)
    if exclude_member:
        clash = clash.exclude(pk=exclude_member)
    other = clash.select_related("household").first()
    if other:
        raise DomainError(_("This ID number already belongs to a current member of household %(n)s.")
                          % {"n": other.household.number}, field="id_number")
    return checked


def _check_head(household: Household, relation: str, *, exclude_member: int | None = None) -> None:
    if relation != Relation.HEAD:
        return
    heads = household.members.filter(relation=Relation.HEAD, left_on__isnull=True)
    if exclude_member:
        heads = heads.exclude(pk=exclude_member)
    if heads.exists():
        raise DomainError(_("The household already has a head; change that member's relation first."),
                          field="relation")


def _member_values(data: dict) -> dict:
    values = {k: v for k, v in data.items() if k in MEMBER_FIELDS}
    if values.get("health") != "disabled":
        values["disability_grade"] = None
    return values


def _next_number(village_code: str) -> str:
    last = (Household.objects.filter(number__startswith=village_code).order_by("-number")
            .values_list("number", flat=True).first())
    sequence = int(last[len(village_code):]) + 1 if last else 1
    return f"{village_code}{sequence:04d}"


@transaction.atomic
def register_household(*, actor, village_code: str, registered_year: int, head: dict,
                       household_type: str = "general", status: str = HouseholdStatus.POOR,
                       address: str = "", phone: str = "", main_cause: str | None = None,
                       other_causes: list[str] = ()) -> Household:
    _editing_scope(actor, village_code)
    village = Area.objects.filter(code=village_code, level=Level.VILLAGE).first()
    if village is None:
        raise DomainError(_("Households are registered in a village."), field="village")
    head = {**head, "relation": Relation.HEAD}
    checked = _check_id(head["id_number"])
    household = Household.objects.create(
        village=village, number=_next_number(village_code), address=address, phone=phone,
        household_type=household_type, status=status, registered_year=registered_year)
    audit.record(household, actor, "household", household.pk, AuditEvent.Action.CREATE,
                 {f: (None, getattr(household, f)) for f in (*HOUSEHOLD_FIELDS, "status", "number")})
    _create_member(household, checked, head, actor)
    if main_cause or other_causes:
        _set_causes(household, main_cause, list(other_causes), actor)
    duplicates.find_likely_duplicates([village_code])  # one village: about a millisecond
    return household


def _create_member(household: Household, checked: rules.IdNumber, data: dict, actor) -> Member:
    values = _member_values(data)
    values["id_number"] = checked.number
    values.setdefault("joined_on", datetime.date.today())
    try:
        with transaction.atomic():
            member = Member.objects.create(household=household, sex=checked.sex,
                                           birth_date=checked.birth_date, **values)
    except IntegrityError:
        raise DomainError(_("This ID number already belongs to a current member."),
                          field="id_number") from None
    audit.record(household, actor, "member", member.pk, AuditEvent.Action.CREATE,
                 {f: (None, getattr(member, f)) for f in MEMBER_FIELDS})
    return member


@transaction.atomic
def update_household(household: Household, *, actor, **changes) -> Household:
    household = _locked(household, actor)
    before = {f: getattr(household, f) for f in HOUSEHOLD_FIELDS}
    for field, value in changes.items():
        if field not in HOUSEHOLD_FIELDS:
            raise DomainError(_("%(f)s cannot be changed here.") % {"f": field}, field=field)
        setattr(household, field, value)
    household.save()
    audit.record(household, actor, "household", household.pk, AuditEvent.Action.CHANGE,
                 {f: (before[f], getattr(household, f)) for f in HOUSEHOLD_FIELDS})
    return household


@transaction.atomic
def set_causes(household: Household, *, actor, main_cause: str | None, other_causes: list[str]) -> None:
    household = _locked(household, actor)
    _set_causes(household, main_cause, other_causes, actor)


def _set_causes(household: Household, main_cause: str | None, other_causes: list[str], actor) -> None:
    others = sorted(set(other_causes) - {main_cause})
    known = set(Cause.objects.filter(code__in=[main_cause, *others]).values_list("code", flat=True))
    unknown = {c for c in [main_cause, *others] if c} - known
    if unknown:
        raise DomainError(_("Unknown cause of poverty: %(c)s") % {"c": ", ".join(sorted(unknown))},
                          field="main_cause")
    old_main = household.main_cause_id
    old_others = list(household.other_causes.values_list("code", flat=True))
    household.main_cause_id = main_cause or None
    household.save(update_fields=["main_cause", "updated_at"])
    household.other_causes.set(others)
    audit.record(household, actor, "household", household.pk, AuditEvent.Action.CHANGE,
                 {"main_cause": (old_main, main_cause), "other_causes": (old_others, others)})


@transaction.atomic
def add_member(household: Household, *, actor, **data) -> Member:
    household = _locked(household, actor)
    checked = _check_id(data.get("id_number", ""))
    _check_head(household, data.get("relation", ""))
    member = _create_member(household, checked, data, actor)
    duplicates.find_likely_duplicates([household.village_id])
    return member


@transaction.atomic
def update_member(member: Member, *, actor, **changes) -> Member:
    household = _locked(member.household, actor)
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.left_on:
        raise DomainError(_("This member has left the household; the record is closed."))
    before = {f: getattr(member, f) for f in MEMBER_FIELDS}
    values = _member_values({**before, **changes})
    if values["id_number"] != member.id_number:
        checked = _check_id(values["id_number"], exclude_member=member.pk)
        values["id_number"], member.sex, member.birth_date = checked.number, checked.sex, checked.birth_date
    _check_head(household, values["relation"], exclude_member=member.pk)
    for field, value in values.items():
        setattr(member, field, value)
    member.save()
    audit.record(household, actor, "member", member.pk, AuditEvent.Action.CHANGE,
                 {f: (before[f], getattr(member, f)) for f in MEMBER_FIELDS})
    duplicates.find_likely_duplicates([household.village_id])  # a new name or ID number may pair anew
    return member


@transaction.atomic
def close_member(member: Member, *, actor, left_on: datetime.date, reason: str) -> Member:
    """A member leaves (death, marriage, move): the record is closed, never deleted."""
    household = _locked(member.household, actor)
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.left_on:
        raise DomainError(_("This member has already left the household."))
    if member.relation == Relation.HEAD and len(household.current_members) > 1:
        raise DomainError(_("Name another member as head before the head leaves."))
    if left_on < member.joined_on:
        raise DomainError(_("A member cannot leave before joining."), field="left_on")
    member.left_on, member.left_reason = left_on, reason
    member.save(update_fields=["left_on", "left_reason"])
    audit.record(household, actor, "member", member.pk, AuditEvent.Action.CLOSE,
                 {"left_on": (None, left_on), "left_reason": (None, reason)})
    return member


def _amount(field: str, value) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0)).quantize(rules.CENT)
    except InvalidOperation:
        raise DomainError(_("Enter an amount in yuan."), field=field) from None
    if amount < 0:
        raise DomainError(_("Amounts cannot be negative; enter costs as production costs."), field=field)
    return amount


@transaction.atomic
def record_income(household: Household, year: int, *, actor, **amounts) -> Income:
    household = _locked(household, actor)
    if not household.registered_year - 1 <= year <= datetime.date.today().year:
        raise DomainError(_("Income can be recorded from the year before registration to this year."),
                          field="year")
    income, created = Income.objects.select_for_update().get_or_create(household=household, year=year)
    before = {f: getattr(income, f) for f in Income.AMOUNT_FIELDS}
    for field in Income.AMOUNT_FIELDS:
        if field in amounts:
            setattr(income, field, _amount(field, amounts[field]))
    income.save()
    audit.record(household, actor, "income", income.pk, AuditEvent.Action.CHANGE,
                 {f: (None if created else before[f], getattr(income, f)) for f in Income.AMOUNT_FIELDS},
                 reason=str(year))
    return income


@transaction.atomic
def record_conditions(household: Household, year: int, *, actor, **checks) -> LivingConditions:
    household = _locked(household, actor)
    conditions, created = LivingConditions.objects.select_for_update().get_or_create(
        household=household, year=year)
    fields = (*LivingConditions.CHECK_FIELDS, "dangerous_house_grade")
    before = {f: None if created else getattr(conditions, f) for f in fields}
    for field in fields:
        if field in checks:
            setattr(conditions, field, checks[field])
    if conditions.dangerous_house_grade and conditions.housing_secure:
        raise DomainError(_("A dangerous house (grade C or D) is not safe housing."), field="housing_secure")
    conditions.save()
    audit.record(household, actor, "conditions", conditions.pk, AuditEvent.Action.CHANGE,
                 {f: (before[f], getattr(conditions, f)) for f in fields}, reason=str(year))
    return conditions


@transaction.atomic
def change_status(household: Household, to: str, *, actor, reason: str) -> Household:
    """The registry status machine's one transition function."""
    household = _locked(household, actor)
    if to not in TRANSITIONS[household.status]:
        raise InvalidTransition(_("A household cannot go from %(a)s to %(b)s.") % {
            "a": household.get_status_display(), "b": HouseholdStatus(to).label})
    if not reason.strip():
        raise DomainError(_("Give a reason for the status change."), field="reason")
    old = household.status
    household.status = to
    household.save(update_fields=["status", "updated_at"])
    audit.record(household, actor, "household", household.pk, AuditEvent.Action.STATUS,
                 {"status": (old, to)}, reason=reason)
    return household


@transaction.atomic
def set_helper(household: Household, helper, *, actor, reason: str = "") -> Household:
    """Point the household at its responsible helper (None: nobody). The assistance app keeps the
    assignments' history and calls this so the registry's pointer, which scopes helpers, stays current."""
    household = _locked(household, actor)
    old = household.helper_id
    new = helper.pk if helper is not None else None
    if old == new:
        return household
    household.helper_id = new
    household.save(update_fields=["helper", "updated_at"])
    audit.record(household, actor, "household", household.pk, AuditEvent.Action.CHANGE,
                 {"helper": (old, new)}, reason=reason)
    return household

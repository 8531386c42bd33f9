"""Changes to the measures catalogue and the cause → measure table. Province officers edit national rows
and rows of any jurisdiction inside their province, and the measures themselves; county officers add and
edit their own county's rows; everyone else reads. Each change is recorded in CatalogueChange with its
reason; rows are never deleted, they are taken out of force."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from jingzhun import clock
from jingzhun.areas.models import PREFIX_LENGTH, Area, Role
from jingzhun.areas.scope import Scope, scope_for
from jingzhun.checks import text
from jingzhun.errors import DomainError, NotAllowed, OutOfScope
from jingzhun.registry.models import Cause

from .models import CatalogueChange, Condition, Measure, MeasureRule

RULE_FIELDS = ("rank", "active", "note")
MEASURE_FIELDS = ("name_zh", "name_en", "condition", "typical_amount", "active")
MAX_RANK = 99
MAX_REASON = 300
EDITORS = (Role.PROVINCE_OFFICER, Role.COUNTY_OFFICER)


def may_edit_rules(scope: Scope) -> bool:
    """Holds a post that edits some rows of the table (which rows: may_edit_jurisdiction)."""
    return scope.role in EDITORS


def may_edit_jurisdiction(scope: Scope, jurisdiction: str) -> bool:
    if scope.role == Role.PROVINCE_OFFICER:
        return jurisdiction == "" or jurisdiction.startswith(scope.prefix)
    if scope.role == Role.COUNTY_OFFICER:
        return jurisdiction == scope.prefix
    return False


def may_edit_measures(scope: Scope) -> bool:
    return scope.role == Role.PROVINCE_OFFICER


def _editor(actor) -> Scope:
    scope = scope_for(actor)
    if not may_edit_rules(scope):
        raise NotAllowed(_("Your post may read the catalogue but not change it."))
    return scope


def _in_power(scope: Scope, jurisdiction: str) -> None:
    if not may_edit_jurisdiction(scope, jurisdiction):
        raise OutOfScope(_("Your post may not change the rows of this jurisdiction."))


def clean_jurisdiction(value: str) -> str:
    """"" (national) or the prefix of an existing area (2, 4, 6, 9 or 12 digits)."""
    value = (value or "").strip()
    if not value:
        return ""
    area = Area.objects.filter(code=value.ljust(12, "0")).first() if value.isdigit() else None
    if area is None or len(value) != PREFIX_LENGTH[area.level]:
        raise DomainError(_("Enter an area code prefix (such as 64 or 640422), or nothing for national."),
                          field="jurisdiction")
    return value


def _reason(value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(_("Say why the catalogue changes."), field="reason")
    if len(value) > MAX_REASON:
        raise DomainError(_("At most %(n)d characters.") % {"n": MAX_REASON}, field="reason")
    return value


def _rank(value) -> int:
    try:
        rank = int(value)
    except (TypeError, ValueError):
        rank = 0
    if not 1 <= rank <= MAX_RANK:
        raise DomainError(_("Enter a rank from 1 to %(n)d.") % {"n": MAX_RANK}, field="rank")
    return rank


def _amount(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise DomainError(_("Enter an amount in yuan."), field="typical_amount") from None
    if amount < 0:
        raise DomainError(_("Amounts cannot be negative."), field="typical_amount")
    return amount


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _record(actor, reason: str, changes: dict[str, tuple], *, rule=None, measure=None) -> None:
    at = clock.now()
    CatalogueChange.objects.bulk_create([
        CatalogueChange(rule=rule, measure=measure, actor=actor, at=at, field=field, old=_as_text(old),
                        new=_as_text(new), reason=reason)
        for field, (old, new) in changes.items()])


@transaction.atomic
def add_rule(*, actor, jurisdiction: str, cause, measure, rank=1, note: str = "", reason: str) -> MeasureRule:
    """A new row: for households with `cause` in `jurisdiction`, recommend `measure` at `rank`. The first
    row of a jurisdiction for a cause replaces the broader jurisdictions' rows for that cause there."""
    scope = _editor(actor)
    jurisdiction = clean_jurisdiction(jurisdiction)
    _in_power(scope, jurisdiction)
    reason = _reason(reason)
    cause_code = cause.pk if isinstance(cause, Cause) else cause
    found_cause = Cause.objects.filter(pk=cause_code or "").first()
    if found_cause is None:
        raise DomainError(_("Choose a cause of poverty from the official list."), field="cause")
    measure_code = measure.pk if isinstance(measure, Measure) else measure
    found_measure = Measure.objects.filter(pk=measure_code or "").first()
    if found_measure is None:
        raise DomainError(_("Choose a measure from the catalogue."), field="measure")
    if not found_measure.active:
        raise DomainError(_("This measure is out of use."), field="measure")
    rank = _rank(rank)
    note = text(note, "note", MeasureRule._meta.get_field("note").max_length)
    same = MeasureRule.objects.filter(jurisdiction=jurisdiction, cause=found_cause, measure=found_measure)
    if same.exists():
        raise DomainError(_("This jurisdiction has a row for this cause and measure already: change it "
                            "instead."), field="measure")
    rule = MeasureRule.objects.create(jurisdiction=jurisdiction, cause=found_cause, measure=found_measure,
                                      rank=rank, note=note, active=True)
    _record(actor, reason, {"rank": (None, rank), "active": (None, True), "note": (None, note)}, rule=rule)
    return rule


@transaction.atomic
def change_rule(rule: MeasureRule, *, actor, reason: str, **changes) -> MeasureRule:
    """Change a row's rank or note, or take it out of force (active=False) and back."""
    scope = _editor(actor)
    rule = MeasureRule.objects.select_for_update().get(pk=rule.pk)
    _in_power(scope, rule.jurisdiction)
    reason = _reason(reason)
    before = {f: getattr(rule, f) for f in RULE_FIELDS}
    for field, value in changes.items():
        if field not in RULE_FIELDS:
            raise DomainError(_("%(f)s cannot be changed here.") % {"f": field}, field=field)
        if field == "rank":
            value = _rank(value)
        elif field == "active":
            value = bool(value)
        else:
            value = text(value, "note", MeasureRule._meta.get_field("note").max_length)
        setattr(rule, field, value)
    return _save_changed(rule, before, actor, reason, rule=rule)


@transaction.atomic
def change_measure(measure: Measure, *, actor, reason: str, **changes) -> Measure:
    """Change a measure's names, condition, typical amount, or take it out of use (province officers)."""
    scope = scope_for(actor)
    if not may_edit_measures(scope):
        raise NotAllowed(_("Only province officers change the measures themselves."))
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    reason = _reason(reason)
    before = {f: getattr(measure, f) for f in MEASURE_FIELDS}
    for field, value in changes.items():
        if field not in MEASURE_FIELDS:
            raise DomainError(_("%(f)s cannot be changed here.") % {"f": field}, field=field)
        if field in ("name_zh", "name_en"):
            value = text(value, field, Measure._meta.get_field(field).max_length, required=True)
        elif field == "condition":
            value = value or ""
            if value not in Condition.values:
                raise DomainError(_("Choose a condition from the list."), field="condition")
        elif field == "typical_amount":
            value = _amount(value)
        else:
            value = bool(value)
        setattr(measure, field, value)
    return _save_changed(measure, before, actor, reason, measure=measure)


def _save_changed(record, before: dict, actor, reason: str, **target):
    changed = {f: (old, getattr(record, f)) for f, old in before.items() if old != getattr(record, f)}
    if not changed:
        raise DomainError(_("Nothing was changed."))
    record.save(update_fields=list(changed))
    _record(actor, reason, changed, **target)
    return record

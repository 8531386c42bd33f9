"""Every write to the policy standards: one transaction each, province officers only, every change recorded.

Rows are never deleted: `in_force=False` retires one, and its history stays with it."""

import json
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from jingzhun import clock
from jingzhun.areas.models import PREFIX_LENGTH, Area
from jingzhun.areas.scope import Scope, scope_for
from jingzhun.errors import DomainError, NotAllowed, OutOfScope

from . import queries, rules
from .models import Key, Standard, StandardChange

FIELDS = ("key", "jurisdiction", "year_from", "year_to", "value", "in_force", "verified", "source", "note")
DEFAULTS = {"jurisdiction": "", "year_to": None, "in_force": True, "verified": False, "source": "",
            "note": ""}
# Keys whose value is a share of something (an incidence, a rate, a proportion of votes or of counties).
SHARE_KEYS = frozenset({Key.VILLAGE_EXIT_INCIDENCE, Key.COUNTY_EXIT_INCIDENCE, Key.WRONG_EXIT_RATE_MAX,
                        Key.MISSED_RATE_MAX, Key.PUBLIC_APPROVAL_MIN, Key.SPOT_CHECK_SHARE,
                        Key.APPRAISAL_APPROVAL_MIN})
LEVEL_OF_PREFIX = {length: level for level, length in PREFIX_LENGTH.items()}
YEARS = (1978, 2100)
TEXT_MAX = {"source": 300, "note": 300}


def _policy_scope(actor) -> Scope:
    scope = scope_for(actor)
    if not scope.edits_policy:
        raise NotAllowed(_("Only province officers may change the policy standards."))
    return scope


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for this change."), field="reason")
    if len(reason) > 300:
        raise DomainError(_("Keep the reason within 300 characters."), field="reason")
    return reason


def _clean(values: dict) -> dict:
    """Each field as its type, with a message at the field it concerns."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        name = sorted(unknown)[0]
        raise DomainError(_("%(field)s is not a field of a standard.") % {"field": name}, field=name)
    clean = dict(values)
    if clean["key"] not in Key.values:
        raise DomainError(_("“%(key)s” is not a known standard.") % {"key": clean["key"]}, field="key")
    for name in ("year_from", "year_to"):
        year = clean[name]
        if year is None and name == "year_to":
            continue
        try:
            clean[name] = int(year)
        except (TypeError, ValueError):
            raise DomainError(_("Give a year."), field=name) from None
        if not YEARS[0] <= clean[name] <= YEARS[1]:
            raise DomainError(_("Give a year between %(first)s and %(last)s.")
                              % {"first": YEARS[0], "last": YEARS[1]}, field=name)
    try:
        clean["value"] = Decimal(str(clean["value"]))
    except (InvalidOperation, ValueError):
        raise DomainError(_("Give a number."), field="value") from None
    clean["jurisdiction"] = (clean["jurisdiction"] or "").strip()
    for name, limit in TEXT_MAX.items():
        clean[name] = (clean[name] or "").strip()
        if len(clean[name]) > limit:
            raise DomainError(_("Keep this within %(n)s characters.") % {"n": limit}, field=name)
    clean["in_force"], clean["verified"] = bool(clean["in_force"]), bool(clean["verified"])
    return clean


def _check(values: dict) -> None:
    """The rules a row must meet whatever else is in the table."""
    if values["year_to"] is not None and values["year_to"] < values["year_from"]:
        raise DomainError(_("The last year cannot come before the first."), field="year_to")
    value = values["value"]
    if not value.is_finite() or value < 0:
        raise DomainError(_("The value cannot be negative."), field="value")
    if value.as_tuple().exponent < -4 or value >= Decimal(10) ** 8:
        raise DomainError(_("Give the value with at most 8 digits before the point and 4 after it."),
                          field="value")
    if values["key"] in SHARE_KEYS and value > 1:
        raise DomainError(_("This standard is a share: give it between 0 and 1 (0.03 for 3%)."),
                          field="value")


def _check_jurisdiction(jurisdiction: str, scope: Scope) -> None:
    """"" national, "west" the western region, or the code prefix of an area inside the officer's own."""
    if jurisdiction in ("", rules.WEST):
        return
    level = LEVEL_OF_PREFIX.get(len(jurisdiction))
    area = (Area.objects.filter(code=jurisdiction.ljust(12, "0"), level=level).first()
            if level and jurisdiction.isdigit() else None)
    if area is None:
        raise DomainError(_("Leave the jurisdiction empty for the national standard, write “west” for the "
                            "western region, or give the code prefix of an area (2, 4, 6, 9 or 12 digits, "
                            "such as 64 or 6404)."), field="jurisdiction")
    if not scope.covers(area.code):
        raise OutOfScope(_("%(area)s is outside your area.") % {"area": area.name}, field="jurisdiction")


def may_change(scope: Scope, standard: Standard) -> bool:
    """Province officers change national and western rows and those of areas inside their own; a row of
    another province (the shipped Yunnan threshold) is theirs to read, not to change."""
    jurisdiction = standard.jurisdiction
    if jurisdiction in ("", rules.WEST):
        return scope.edits_policy
    return scope.edits_policy and scope.covers(jurisdiction.ljust(12, "0"))


def _check_overlap(values: dict, pk: int | None) -> None:
    if not values["in_force"]:
        return
    # The key's rows are locked so that two officers cannot put overlapping rows in force at once.
    same = Standard.objects.select_for_update().filter(key=values["key"]).order_by("pk")
    candidate = rules.Row(values["key"], values["jurisdiction"], values["year_from"], values["year_to"],
                          values["value"], True, pk=pk)
    clash = rules.overlapping([queries.as_row(s) for s in same], candidate)
    if clash:
        other = clash[0]
        years = f"{other.year_from}–{other.year_to or ''}"
        raise DomainError(_("Another row in force already holds for %(years)s (value %(value)s, row "
                            "%(pk)s): retire it first, or change the years.")
                          % {"years": years, "value": _text(other.value), "pk": other.pk},
                          field="year_from")


def _text(value) -> str:
    """A field's value as the change history keeps it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


@transaction.atomic
def add_standard(*, actor, reason: str, **values) -> Standard:
    """A new row; its one change row (field "") holds every value it was created with."""
    scope = _policy_scope(actor)
    reason = _reason(reason)
    for name in ("key", "year_from", "value"):
        if values.get(name) in (None, ""):
            raise DomainError(_("This field is required."), field=name)
    values = _clean({**DEFAULTS, **values})
    _check(values)
    _check_jurisdiction(values["jurisdiction"], scope)
    _check_overlap(values, None)
    standard = Standard.objects.create(**values)
    StandardChange.objects.create(
        standard=standard, actor=actor, at=clock.now(), field="", old="", reason=reason,
        new=json.dumps({name: _text(values[name]) for name in FIELDS}, ensure_ascii=False))
    return standard


@transaction.atomic
def update_standard(standard: Standard, *, actor, reason: str, **changes) -> Standard:
    """Changes fields of a row; one change row per field whose value changed."""
    scope = _policy_scope(actor)
    reason = _reason(reason)
    standard = Standard.objects.select_for_update().get(pk=standard.pk)
    if not may_change(scope, standard):
        raise OutOfScope(_("This row holds outside your area: you may read it but not change it."))
    before = {name: getattr(standard, name) for name in FIELDS}
    after = _clean({**before, **changes})
    changed = [name for name in FIELDS if _text(after[name]) != _text(before[name])]
    if not changed:
        raise DomainError(_("Nothing was changed."))
    _check(after)
    if after["jurisdiction"] != before["jurisdiction"]:
        _check_jurisdiction(after["jurisdiction"], scope)
    _check_overlap(after, standard.pk)
    for name in changed:
        setattr(standard, name, after[name])
    standard.save(update_fields=changed)
    at = clock.now()
    StandardChange.objects.bulk_create([
        StandardChange(standard=standard, actor=actor, at=at, field=name, old=_text(before[name]),
                       new=_text(after[name]), reason=reason) for name in changed])
    return standard

"""Writing and reading the audit trail: who changed what on a household, when, from what to what.

A change is one event per changed field (old and new). A creation is one event holding the new record's
values as a JSON object in `new`: a household imported with its members is a few events, not one per
cell, which keeps a million-row import's trail small while still saying exactly what was created.
"""

import json

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun.areas.scope import Scope, mask_id_number

from .models import AuditEvent, Cause, Household, Income, LikelyDuplicate, LivingConditions, Member

SNAPSHOT_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
ENTITY_MODELS = {"household": Household, "member": Member, "income": Income, "conditions": LivingConditions,
                 "duplicate": LikelyDuplicate}


def as_text(value) -> str:
    if type(value) is str:  # the common case, first: imports call this millions of times
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple | set):
        return ",".join(sorted(as_text(v) for v in value))
    return str(value)


def snapshot(values) -> str:
    """A new record's values, (field, value) pairs, as the JSON text of a creation event; empty values
    are left out."""
    texts = {}
    for name, value in values:
        text = value if type(value) is str else as_text(value)
        if text:
            texts[name] = text
    return SNAPSHOT_JSON.encode(texts)


def event_fields(action: str, changes: dict[str, tuple] | None) -> list[tuple[str, str, str]]:
    """(field, old, new) of each event a save writes: one per changed field; a creation one event with
    the new values (see snapshot); a status change or closing at least one event, even with no field."""
    changes = changes or {}
    if action == AuditEvent.Action.CREATE:
        return [("", "", snapshot((name, new) for name, (_old, new) in changes.items()))]
    fields = [(name, as_text(old), as_text(new)) for name, (old, new) in changes.items()]
    fields = [(name, old, new) for name, old, new in fields if old != new]
    if not fields and action != AuditEvent.Action.CHANGE:
        fields = [("", "", "")]
    return fields


def record(household: Household, actor, entity: str, entity_id: int | None, action: str,
           changes: dict[str, tuple] | None = None, reason: str = "") -> list[AuditEvent]:
    now = timezone.now()
    actor_id = actor.pk if actor is not None else None
    return AuditEvent.objects.bulk_create([
        AuditEvent(household=household, actor_id=actor_id, at=now, entity=entity, entity_id=entity_id,
                   action=action, field=field, old=old, new=new, reason=reason)
        for field, old, new in event_fields(action, changes)])


def _display(model, field_name: str, raw: str, scope: Scope, cause_names: dict[str, str], related) -> str:
    if not raw:
        return ""
    if field_name == "id_number" and not scope.sees_id_numbers:
        return mask_id_number(raw)
    if field_name in {"main_cause", "other_causes"}:
        return "、".join(cause_names.get(code, code) for code in raw.split(","))
    try:
        field = model._meta.get_field(field_name)
    except FieldDoesNotExist:
        return raw
    if field.many_to_one:  # a helper, a measure, a cause: named, not numbered
        return related(field.related_model, raw)
    if field.choices:
        return {str(k): str(v) for k, v in field.flatchoices}.get(raw, raw)
    if isinstance(field, models.BooleanField):
        return _("yes") if raw == "1" else _("no")
    return raw


def _related_names():
    """A name for a related record's key, each looked up once per trail."""
    found: dict[tuple, str] = {}
    User = get_user_model()

    def name(model, raw: str) -> str:
        if (model, raw) not in found:
            record = model.objects.filter(pk=raw).first()
            if record is None:
                found[model, raw] = raw
            elif model is User:
                found[model, raw] = record.get_full_name() or record.username
            else:
                found[model, raw] = str(record)
        return found[model, raw]

    return name


def _pieces(event: AuditEvent):
    """(entity, id, [(field, old, new)]) for each record an event speaks of, fields newest first as field
    events come; a creation may speak of several records (an imported household with its members)."""
    if event.action == AuditEvent.Action.CREATE:
        for entity, entity_id, values in reversed(event.created_records):
            yield entity, entity_id, [(name, "", new) for name, new in reversed(values.items())]
    else:
        yield event.entity, event.entity_id, [(event.field, event.old, event.new)] if event.field else []


def trail(events: list[AuditEvent], scope: Scope) -> list[dict]:
    """Events grouped per save (same moment, actor, record and action), labels translated and
    ID numbers masked for roles that do not see them."""
    cause_names = {c.code: str(c) for c in Cause.objects.all()}
    related = _related_names()
    pieces = [(event, *piece) for event in events for piece in _pieces(event)]
    names = dict(Member.objects.filter(pk__in={pk for _e, entity, pk, _f in pieces if entity == "member"})
                 .values_list("pk", "name"))
    groups: list[dict] = []
    for event, entity, entity_id, fields in pieces:
        model = ENTITY_MODELS.get(entity, Household)
        key = (event.at, event.actor_id, entity, entity_id, event.action)
        if not groups or groups[-1]["key"] != key:
            groups.append({
                "key": key, "at": event.at, "actor": event.actor, "action": event.get_action_display(),
                "entity": str(model._meta.verbose_name),
                "subject": names.get(entity_id, "") if entity == "member" else "",
                "reason": event.reason, "changes": [],
            })
        for name, old, new in fields:
            groups[-1]["changes"].append({
                "field": _label(model, name),
                "old": _display(model, name, old, scope, cause_names, related),
                "new": _display(model, name, new, scope, cause_names, related),
            })
    for group in groups:
        group["changes"].reverse()  # newest-first events, but fields read in the order they were written
    return groups


def _label(model, field_name: str) -> str:
    try:
        return str(model._meta.get_field(field_name).verbose_name)
    except FieldDoesNotExist:
        return field_name

"""Checks every assistance write makes of the values it is given, and the area-level trail it writes."""

from django.utils.translation import gettext as _

from jingzhun import clock
from jingzhun.errors import DomainError
from jingzhun.registry.audit import event_fields

from .models import Change


def text(value: str | None, field: str, limit: int, *, required: bool = False) -> str:
    """The value stripped; refused at its field when required and empty or longer than `limit`."""
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("This field is required."), field=field)
    if len(value) > limit:
        raise DomainError(_("At most %(n)d characters.") % {"n": limit}, field=field)
    return value


def record_change(entity: str, entity_id: int, area_code: str, *, actor, action: str,
                  changes: dict[str, tuple], reason: str = "") -> None:
    """The trail of a record that belongs to an area (a team, a pairing's delivery): a creation as one row
    holding the new values, any other change as a row per changed field, as the household trail does."""
    at = clock.now()
    Change.objects.bulk_create([
        Change(entity=entity, entity_id=entity_id, area_code=area_code, actor=actor, at=at, action=action,
               field=field, old=old, new=new, reason=reason)
        for field, old, new in event_fields(action, changes)])

"""The area-level trail assistance writes for records that belong to an area rather than a household."""

from jingzhun import clock
from jingzhun.registry.audit import event_fields

from .models import Change


def record_change(entity: str, entity_id: int, area_code: str, *, actor, action: str,
                  changes: dict[str, tuple], reason: str = "") -> None:
    """The trail of a record that belongs to an area (a team, a pairing's delivery): a creation as one row
    holding the new values, any other change as a row per changed field, as the household trail does."""
    at = clock.now()
    Change.objects.bulk_create([
        Change(entity=entity, entity_id=entity_id, area_code=area_code, actor=actor, at=at, action=action,
               field=field, old=old, new=new, reason=reason)
        for field, old, new in event_fields(action, changes)])

"""Deciding a likely duplicate: two different people, or one person registered twice (merged by closing
the record not kept). One transaction each, scope checked, audited on both households."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun.areas.scope import mask_id_number, scope_for
from jingzhun.errors import DomainError, InvalidTransition, NotAllowed, OutOfScope

from . import audit
from .choices import HouseholdStatus, LeftReason, Relation
from .models import AuditEvent, LikelyDuplicate, Member

REASON_LENGTH = AuditEvent._meta.get_field("reason").max_length


@transaction.atomic
def confirm_distinct(flag: LikelyDuplicate, *, actor, note: str) -> LikelyDuplicate:
    """The two members are different people who share a name and a birth date; both records stay."""
    flag, note = _open_flag(flag, actor, note)
    return _decide(flag, LikelyDuplicate.State.DISTINCT, actor, note)


@transaction.atomic
def merge_duplicate(flag: LikelyDuplicate, *, actor, keep: Member | int, note: str) -> LikelyDuplicate:
    """One person registered twice: the record not kept is closed as registered in error, never deleted."""
    flag, note = _open_flag(flag, actor, note)
    keep_id = getattr(keep, "pk", keep)
    if keep_id not in (flag.member_id, flag.other_id):
        raise DomainError(_("Choose which of the two records to keep."), field="decision")
    kept, closed = (flag.member, flag.other) if keep_id == flag.member_id else (flag.other, flag.member)
    if closed.relation == Relation.HEAD:
        # Closing the head would leave the household without one; the officer decides who heads it.
        raise DomainError(_("%(name)s is the head of household %(n)s: keep this record, or name another "
                            "member as head first.") % {"name": closed.name, "n": closed.household.number},
                          field="decision")
    if closed.household.status == HouseholdStatus.CLOSED:
        raise DomainError(_("Household %(n)s is closed; its records can no longer be changed.")
                          % {"n": closed.household.number}, field="decision")
    today = timezone.localdate()
    closed.left_on, closed.left_reason = max(today, closed.joined_on), LeftReason.ERROR
    closed.save(update_fields=["left_on", "left_reason"])
    reason = _("Registered twice; kept as the member with ID %(id)s in household %(n)s. %(note)s") % {
        "id": mask_id_number(kept.id_number), "n": kept.household.number, "note": note}
    audit.record(closed.household, actor, "member", closed.pk, AuditEvent.Action.CLOSE,
                 {"left_on": (None, closed.left_on), "left_reason": (None, closed.left_reason)},
                 reason=_clip(reason))
    return _decide(flag, LikelyDuplicate.State.MERGED, actor, note)


def _open_flag(flag: LikelyDuplicate, actor, note: str) -> tuple[LikelyDuplicate, str]:
    """The flag locked with both members and households, after the checks every decision shares."""
    flag = (LikelyDuplicate.objects.select_for_update()
            .select_related("member__household", "other__household").get(pk=flag.pk))
    scope = scope_for(actor)
    if not all(scope.covers(m.household.village_id) for m in (flag.member, flag.other)):
        raise OutOfScope(_("This record is outside your area."))
    if not scope.edits_registry:
        raise NotAllowed(_("Your role may read the registry but not change it."))
    if flag.state != LikelyDuplicate.State.OPEN:
        raise InvalidTransition(_("This pair has already been decided: %(state)s.")
                                % {"state": flag.get_state_display()})
    if flag.member.left_on or flag.other.left_on:
        raise DomainError(_("One of these members has left the household since the pair was flagged; "
                            "there is nothing left to decide."))
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Write a note saying how this was checked."), field="note")
    return flag, note


def _decide(flag: LikelyDuplicate, state: str, actor, note: str) -> LikelyDuplicate:
    flag.state, flag.decided_by, flag.decided_at, flag.note = state, actor, timezone.now(), note
    flag.save(update_fields=["state", "decided_by", "decided_at", "note"])
    households = {m.household_id: m.household for m in (flag.member, flag.other)}
    for household in households.values():
        audit.record(household, actor, "duplicate", flag.pk, AuditEvent.Action.CHANGE,
                     {"state": (LikelyDuplicate.State.OPEN, state)}, reason=_clip(note))
    return flag


def _clip(text: str) -> str:
    """The audit row keeps the first 200 characters; the flag keeps the whole note."""
    return text if len(text) <= REASON_LENGTH else text[: REASON_LENGTH - 1] + "…"

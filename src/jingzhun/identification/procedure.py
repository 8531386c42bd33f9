"""The one transition function of every procedure (household cases and area cases), with its guards on
role, area, time and objections, and the notices and objections it manages."""

from django.db import transaction
from django.utils.translation import gettext as _

from jingzhun import clock
from jingzhun.areas.scope import scope_for
from jingzhun.errors import DomainError, InvalidTransition, NotAllowed, OutOfScope
from jingzhun.policy import queries as policy
from jingzhun.policy.rules import PolicyMissing, notice_ends
from jingzhun.registry import audit
from jingzhun.registry.models import AuditEvent

from . import machine
from .models import AreaCase, Case, CaseEvent, Notice, Objection

MIN_OBJECTION, MAX_OBJECTION = 5, 2000


def policy_value(key: str, year: int, area_code: str):
    """A standard's value, or a domain error officers can act on."""
    try:
        return policy.value(key, year, area_code)
    except PolicyMissing as missing:
        raise DomainError(missing.message) from None


def actor_scope(actor, area_code: str):
    scope = scope_for(actor)
    if not scope.covers(area_code):
        raise OutOfScope(_("This record is outside your area."))
    return scope


def checked_step(case: Case | AreaCase, name: str, actor) -> machine.Step:
    """The step, if the actor may take it on this case now (role, area and state); else a domain error."""
    scope = actor_scope(actor, case.area_code)
    try:
        return machine.check(case.kind, name, case.state, scope.role)
    except machine.StepRefused as refused:
        raise (NotAllowed if refused.wrong_role else InvalidTransition)(refused.message) from None


def open_notice(case: Case | AreaCase) -> Notice | None:
    if case.pk is None:  # a case being opened has no notice yet
        return None
    return case.notices.filter(closed_on__isnull=True).order_by("-starts_on", "-id").first()


def _close_notice(case, step: machine.Step) -> None:
    notice = open_notice(case)
    if notice is None:
        return
    today = clock.today()
    if step.closes_notice:
        if today < notice.ends_on:
            raise InvalidTransition(_("The notice is up until %(date)s and cannot close early.") % {
                "date": notice.ends_on.isoformat()})
        objections = list(notice.objections.all())
        waiting = sum(1 for o in objections if not o.answered)
        if waiting:
            raise InvalidTransition(_("Answer the notice's objections first (%(n)d waiting).")
                                    % {"n": waiting})
        if step.target not in ("rejected", "withdrawn") and any(
                o.outcome == Objection.Outcome.UPHELD for o in objections):
            raise InvalidTransition(
                _("An objection to the notice was upheld: the case can only be rejected."))
    notice.closed_on = today
    notice.save(update_fields=["closed_on"])


def _post_notice(case, kind: str, round_: int) -> Notice:
    area = case.household.village if isinstance(case, Case) else case.area
    days = int(policy_value("notice_days", case.year, case.area_code))
    today = clock.today()
    return Notice.objects.create(case=case if isinstance(case, Case) else None,
                                 area_case=case if isinstance(case, AreaCase) else None,
                                 round=round_, area=area, starts_on=today, ends_on=notice_ends(today, days))


def transition(case: Case | AreaCase, name: str, *, actor, reason: str = "", data: dict | None = None
               ) -> CaseEvent:
    """Take one step: check who, where and when; move the state; write the event (and, for a household,
    its audit trail); take down a notice the step ends and post the one it starts. The caller holds the
    transaction and has locked the case."""
    step = checked_step(case, name, actor)
    _close_notice(case, step)
    old = case.state
    case.state = step.target
    if step.target in machine.ENDED:
        case.closed_at = clock.now()
    case.save()
    is_household = isinstance(case, Case)
    event = CaseEvent.objects.create(case=case if is_household else None,
                                     area_case=None if is_household else case, step=name, from_state=old,
                                     to_state=step.target, actor=actor, at=clock.now(), reason=reason,
                                     data=data or {})
    round_ = machine.NOTICE_STATES[case.kind].get(step.target)
    if round_:
        _post_notice(case, case.kind, round_)
    if is_household:
        audit.record(case.household, actor, "case", case.pk, AuditEvent.Action.STATUS,
                     {"state": (old, step.target)}, reason=reason or str(step.label))
    return event


def locked(model, pk: int):
    return model.objects.select_for_update().get(pk=pk)


@transaction.atomic
def file_objection(notice: Notice, *, text: str, contact: str = "") -> Objection:
    """Anyone may object while a notice is up; nothing about the objector is required."""
    notice = locked(Notice, notice.pk)
    text, contact = text.strip(), contact.strip()
    if notice.closed_on is not None:
        raise DomainError(_("This notice has been taken down; objections are no longer taken."))
    if not MIN_OBJECTION <= len(text) <= MAX_OBJECTION:
        raise DomainError(_("Write the objection in %(a)d to %(b)d characters.") % {
            "a": MIN_OBJECTION, "b": MAX_OBJECTION}, field="text")
    objection = Objection.objects.create(notice=notice, filed_at=clock.now(), text=text,
                                         contact=contact[:100])
    if notice.case_id:
        audit.record(notice.case.household, None, "objection", objection.pk, AuditEvent.Action.CREATE,
                     {"text": (None, text)}, reason=_("objection to a public notice"))
    return objection


def answering_roles(notice: Notice) -> set[str]:
    """Who answers a notice's objections: whoever posts it and whoever takes it down."""
    case = notice.case or notice.area_case
    state = next(s for s, r in machine.NOTICE_STATES[case.kind].items() if r == notice.round)
    roles = set()
    for step in machine.PROCEDURES[case.kind].values():
        if step.target == state or state in step.sources:
            roles |= step.roles
    return roles


@transaction.atomic
def answer_objection(objection: Objection, *, actor, answer: str, outcome: str) -> Objection:
    objection = locked(Objection, objection.pk)
    notice = objection.notice
    case = notice.case or notice.area_case
    scope = actor_scope(actor, case.area_code)
    if scope.role not in answering_roles(notice):
        raise NotAllowed(_("Your role may not answer objections to this notice."))
    if objection.answered:
        raise DomainError(_("This objection has been answered already."))
    if not answer.strip():
        raise DomainError(_("Write the answer."), field="answer")
    if outcome not in Objection.Outcome.values:
        raise DomainError(_("Say whether the objection is upheld."), field="outcome")
    objection.answer, objection.outcome = answer.strip(), outcome
    objection.answered_by, objection.answered_at = actor, clock.now()
    objection.save()
    if notice.case_id:
        audit.record(notice.case.household, actor, "objection", objection.pk, AuditEvent.Action.CHANGE,
                     {"answer": (None, objection.answer), "outcome": (None, outcome)})
    return objection

"""Monitoring against return to poverty: households flagged at risk by the year's figures or by a sudden
hardship, helped, and their risk ended (eliminated or closed); an exited household fallen below the line
returns to poverty. Each write is one transaction, checked against the actor's scope and written to the
household's audit trail; time comes from jingzhun.clock."""

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from jingzhun import clock
from jingzhun.areas.models import Area
from jingzhun.errors import DomainError, InvalidTransition, NotAllowed
from jingzhun.policy import queries as policy
from jingzhun.policy.rules import Standards
from jingzhun.registry import actions as registry_actions
from jingzhun.registry import audit
from jingzhun.registry import rules as registry_rules
from jingzhun.registry.choices import HouseholdStatus
from jingzhun.registry.models import AuditEvent, Household, Income, Member
from jingzhun.registry.queries import visible_households

from . import monitoring_rules as rules
from .models import Assistance, Hardship, Risk
from .monitoring_queries import YearFigures, elimination_facts, year_figures
from .procedure import actor_scope

BATCH = 2000
ZERO = Decimal("0.00")
MAX_TEXT = 300  # measures and notes
MAX_REASON = 200  # an audit event's reason
COUNT_KEYS = ("scanned", "unstable", "marginal", "hardship", "existing", "fallen_back", "no_income")
# A risk ends eliminated or closed; only a household's return to poverty opens an ended risk again.
RISK_MOVES = {
    Risk.State.OPEN: {Risk.State.ELIMINATED, Risk.State.CLOSED},
    Risk.State.ELIMINATED: {Risk.State.OPEN},
    Risk.State.CLOSED: {Risk.State.OPEN},
}


def _writing_scope(actor, area_code: str):
    scope = actor_scope(actor, area_code)
    if not scope.edits_registry:
        raise NotAllowed(_("Your role may read monitoring records but not change them."))
    return scope


def _check_year(year: int) -> None:
    if not 2000 <= year <= clock.today().year:
        raise DomainError(_("Choose a year up to this one."), field="year")


def _year_range(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _facts(status: str, year: int, figures: YearFigures, net: Decimal | None, persons: int,
           expense: Decimal) -> rules.MonitoringFacts:
    return rules.MonitoringFacts(
        year=year, status=status, threshold=figures.threshold, line=figures.line,
        expense_ratio=figures.expense_ratio, net_income=net,
        per_person=None if net is None else registry_rules.net_income_per_person(net, persons),
        hardship_expense=expense, threshold_carried_from=figures.threshold_carried_from)


def household_facts(household: Household, year: int, table: Standards | None = None) -> rules.MonitoringFacts:
    """One household's year as monitoring reads it."""
    start, end = _year_range(year)
    income = Income.objects.filter(household=household, year=year).first()
    persons = registry_rules.persons_in_year(household.members.values_list("joined_on", "left_on"), year)
    expense = (Hardship.objects.filter(household=household, occurred_on__range=(start, end))
               .aggregate(total=Sum("expense"))["total"] or ZERO)
    figures = year_figures(table or policy.standards(), year, household.village_id)
    return _facts(household.status, year, figures, income.net_income if income else None, persons, expense)


def _reasons_text(reasons: list) -> str:
    return " ".join(rules.reason_text(r) for r in reasons)


def _new_risk(household_id: int, facts: rules.MonitoringFacts, assessment: rules.Assessment, actor,
              now: datetime.datetime) -> Risk:
    return Risk(household_id=household_id, year=facts.year, group=assessment.group,
                reasons=[r.as_json() for r in assessment.reasons], threshold=facts.threshold,
                per_person=facts.per_person, flagged_at=now, flagged_by=actor)


def _created(risk: Risk) -> dict:
    return {"year": (None, risk.year), "group": (None, risk.group), "per_person": (None, risk.per_person),
            "threshold": (None, risk.threshold), "reasons": (None, _reasons_text(risk.reasons))}


@transaction.atomic
def flag_risks(area_code: str, year: int, *, actor) -> dict[str, int]:
    """Flag every household of the actor's inside the area at risk in the year: one Risk per household and
    year, with its group, reasons, threshold and income per person. Risks already flagged for the year
    are left alone. Counts: scanned, newly flagged per group, existing, fallen_back (exited households
    below the line itself: record their return to poverty), no_income (nothing recorded for the year)."""
    scope = _writing_scope(actor, area_code)
    area = Area.objects.filter(code=area_code).first()
    if area is None:
        raise DomainError(_("There is no area with this code."), field="area")
    _check_year(year)
    in_area = Q(household__village__code__startswith=area.prefix)
    start, end = _year_range(year)
    # A few grouped reads of plain values: 200,000 households as model instances would take minutes.
    households = (visible_households(scope).filter(village__code__startswith=area.prefix)
                  .exclude(status__in=rules.NOT_MONITORED).order_by()
                  .values_list("pk", "village_id", "status"))
    existing = set(Risk.objects.filter(in_area, year=year).order_by().values_list("household_id", flat=True))
    nets = {pk: registry_rules.net_income(wages, made, costs, owned, sum(transfers, ZERO))
            for pk, wages, made, costs, owned, *transfers in Income.objects.filter(in_area, year=year)
            .order_by().values_list("household_id", *Income.AMOUNT_FIELDS)}
    persons = dict(Member.objects.filter(in_area, joined_on__lte=end)
                   .filter(Q(left_on__isnull=True) | Q(left_on__gt=end)).order_by()
                   .values_list("household_id").annotate(n=Count("id")))
    expenses = dict(Hardship.objects.filter(in_area, occurred_on__range=(start, end)).order_by()
                    .values_list("household_id").annotate(total=Sum("expense")))
    table, figures = policy.standards(), {}
    counts, created, now = Counter(), [], clock.now()
    for pk, village, status in households.iterator(chunk_size=BATCH):
        counts["scanned"] += 1
        if village not in figures:
            figures[village] = year_figures(table, year, village)
        facts = _facts(status, year, figures[village], nets.get(pk), persons.get(pk, 0),
                       expenses.get(pk) or ZERO)
        assessment = rules.assess(facts)
        counts["fallen_back"] += assessment.fallen_back
        counts["no_income"] += facts.net_income is None
        if pk in existing:
            counts["existing"] += 1
        elif assessment.at_risk:
            counts[assessment.group] += 1
            created.append(_new_risk(pk, facts, assessment, actor, now))
    Risk.objects.bulk_create(created, batch_size=BATCH)  # returns primary keys on SQLite and PostgreSQL
    reason = _("monitoring scan of %(area)s, %(year)s") % {"area": area.name, "year": year}
    create = AuditEvent.Action.CREATE
    AuditEvent.objects.bulk_create([
        AuditEvent(household_id=risk.household_id, actor=actor, at=now, entity="risk", entity_id=risk.pk,
                   action=create, field=field, old=old, new=new, reason=reason[:MAX_REASON])
        for risk in created for field, old, new in audit.event_fields(create, _created(risk))
    ], batch_size=BATCH)
    return {key: counts[key] for key in COUNT_KEYS}


def _save_new(risk: Risk, actor, reason: str) -> Risk:
    risk.save()
    audit.record(risk.household, actor, "risk", risk.pk, AuditEvent.Action.CREATE, _created(risk),
                 reason=reason[:MAX_REASON])
    return risk


def _flag_one(household: Household, year: int, actor, reason: str) -> tuple[Risk | None, bool]:
    """The household's risk for the year: created when the rule says so; an open one takes the reasons
    now found (figures updated). Returns (risk or None, created)."""
    facts = household_facts(household, year)
    assessment = rules.assess(facts)
    risk = Risk.objects.select_for_update().filter(household=household, year=year).first()
    if risk is None:
        if not assessment.at_risk:
            return None, False
        return _save_new(_new_risk(household.pk, facts, assessment, actor, clock.now()), actor, reason), True
    if risk.state == Risk.State.OPEN:
        found = {r.code: r.as_json() for r in assessment.reasons}
        kept = [found.pop(r["code"], r) if isinstance(r, dict) else r for r in risk.reasons]
        merged = kept + list(found.values())
        if merged != risk.reasons:
            old = _reasons_text(risk.reasons)
            risk.reasons = merged
            risk.save(update_fields=["reasons"])
            audit.record(household, actor, "risk", risk.pk, AuditEvent.Action.CHANGE,
                         {"reasons": (old, _reasons_text(merged))}, reason=reason)
    return risk, False


@dataclass(frozen=True)
class HardshipRecorded:
    hardship: Hardship
    risk: Risk | None  # the household's risk for the hardship's year, if any
    flagged: bool  # the hardship flagged that risk just now


def _amount(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0)).quantize(registry_rules.CENT)
    except InvalidOperation:
        raise DomainError(_("Enter an amount in yuan."), field=field) from None
    if amount < 0:
        raise DomainError(_("Amounts cannot be negative."), field=field)
    return amount


def _text(value: str, field: str, *, required: bool, limit: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(_("This field is required."), field=field)
    if len(text) > limit:
        raise DomainError(_("Write at most %(n)d characters.") % {"n": limit}, field=field)
    return text


def _not_future(day: datetime.date, field: str) -> None:
    if day > clock.today():
        raise DomainError(_("The date cannot be in the future."), field=field)


@transaction.atomic
def record_hardship(household: Household, *, actor, kind: str, occurred_on: datetime.date, expense,
                    note: str = "") -> HardshipRecorded:
    """A sudden hardship and its rigid expense; flags the household's risk for that year if the rule
    says so (a registered poor household is helped as poor and is not flagged)."""
    _writing_scope(actor, household.village_id)
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.status == HouseholdStatus.CLOSED:
        raise DomainError(_("This household is closed; its record can no longer be changed."))
    if kind not in Hardship.Kind.values:
        raise DomainError(_("Choose the kind of hardship."), field="kind")
    _not_future(occurred_on, "occurred_on")
    hardship = Hardship.objects.create(
        household=household, kind=kind, occurred_on=occurred_on, expense=_amount(expense, "expense"),
        note=_text(note, "note", required=False), recorded_by=actor, recorded_at=clock.now())
    audit.record(household, actor, "hardship", hardship.pk, AuditEvent.Action.CREATE,
                 {f: (None, getattr(hardship, f)) for f in ("kind", "occurred_on", "expense", "note")})
    risk, flagged = _flag_one(household, occurred_on.year, actor, reason=str(hardship.get_kind_display()))
    return HardshipRecorded(hardship, risk, flagged)


def _locked_risk(risk: Risk, actor) -> Risk:
    _writing_scope(actor, risk.household.village_id)
    return Risk.objects.select_for_update().select_related("household").get(pk=risk.pk)


@transaction.atomic
def add_assistance(risk: Risk, *, actor, given_on: datetime.date, measure: str) -> Assistance:
    risk = _locked_risk(risk, actor)
    if risk.state != Risk.State.OPEN:
        raise InvalidTransition(_("This risk is %(state)s; assistance is recorded on open risks.") % {
            "state": risk.get_state_display()})
    measure = _text(measure, "measure", required=True)
    _not_future(given_on, "given_on")
    assistance = Assistance.objects.create(risk=risk, given_on=given_on, measure=measure, recorded_by=actor,
                                           recorded_at=clock.now())
    audit.record(risk.household, actor, "assistance", assistance.pk, AuditEvent.Action.CREATE,
                 {"given_on": (None, given_on), "measure": (None, measure)},
                 reason=_("risk of %(year)s") % {"year": risk.year})
    return assistance


def _check_move(risk: Risk, to: str, reason: str) -> str:
    if to not in RISK_MOVES[risk.state]:
        raise InvalidTransition(_("A risk cannot go from %(a)s to %(b)s.") % {
            "a": risk.get_state_display(), "b": Risk.State(to).label})
    return _text(reason, "reason", required=True, limit=2000)


def _move(risk: Risk, to: str, actor, reason: str) -> Risk:
    """The risk's one transition: state, who and why on the record, and the audit event."""
    old = risk.state
    risk.state = to
    if to == Risk.State.OPEN:
        risk.closed_at, risk.closed_by, risk.close_reason = None, None, ""
    else:
        risk.closed_at, risk.closed_by, risk.close_reason = clock.now(), actor, reason
    risk.save()
    audit.record(risk.household, actor, "risk", risk.pk, AuditEvent.Action.STATUS, {"state": (old, to)},
                 reason=reason[:MAX_REASON])
    return risk


@transaction.atomic
def eliminate_risk(risk: Risk, *, actor, reason: str) -> Risk:
    """Refused, with every reason, unless the elimination rule holds (monitoring_rules.may_eliminate)."""
    risk = _locked_risk(risk, actor)
    reason = _check_move(risk, Risk.State.ELIMINATED, reason)
    decision = rules.may_eliminate(elimination_facts(risk))
    if not decision.allowed:
        raise InvalidTransition(" ".join(decision.refusals))
    return _move(risk, Risk.State.ELIMINATED, actor, reason)


@transaction.atomic
def close_risk(risk: Risk, *, actor, reason: str) -> Risk:
    """Ends monitoring without calling the risk eliminated (moved away, no labour, flagged in error)."""
    risk = _locked_risk(risk, actor)
    reason = _check_move(risk, Risk.State.CLOSED, reason)
    return _move(risk, Risk.State.CLOSED, actor, reason)


@transaction.atomic
def record_return_to_poverty(household: Household, year: int, *, actor, reason: str) -> Risk:
    """An exited household whose income per person fell below the year's line: exited → returned in the
    registry (never re-registered as a new poor household), and its risk for the year unstable and open."""
    _writing_scope(actor, household.village_id)
    household = Household.objects.select_for_update().get(pk=household.pk)
    reason = _text(reason, "reason", required=True, limit=MAX_REASON)
    _check_year(year)
    if household.status != HouseholdStatus.EXITED:
        raise InvalidTransition(_("Only an exited household returns to poverty; this one is %(status)s.") % {
            "status": household.get_status_display()})
    facts = household_facts(household, year)
    if facts.per_person is None:
        raise DomainError(_("No income per person is recorded for %(year)s.") % {"year": year}, field="year")
    if facts.per_person >= facts.line:
        message = _("%(income)s yuan a person is at or above the %(year)s line of %(line)s yuan: the "
                    "household has not returned to poverty.")
        raise DomainError(message % {"income": rules.yuan(facts.per_person), "year": year,
                                     "line": rules.yuan(facts.line)}, field="year")
    registry_actions.change_status(household, HouseholdStatus.RETURNED, actor=actor, reason=reason)
    household.status = HouseholdStatus.RETURNED
    found = [r.as_json() for r in rules.assess(facts).reasons]  # facts read while still exited
    found.append(rules.Reason("return_recorded", {"text": reason}).as_json())
    risk = Risk.objects.select_for_update().filter(household=household, year=year).first()
    if risk is None:
        return _save_new(Risk(household=household, year=year, group=Risk.Group.UNSTABLE, reasons=found,
                              threshold=facts.threshold, per_person=facts.per_person, flagged_at=clock.now(),
                              flagged_by=actor), actor, reason)
    before = {"group": risk.group, "reasons": _reasons_text(risk.reasons), "per_person": risk.per_person}
    codes = {r["code"] for r in found}
    risk.reasons = [r for r in risk.reasons if not (isinstance(r, dict) and r.get("code") in codes)] + found
    risk.group, risk.per_person, risk.threshold = Risk.Group.UNSTABLE, facts.per_person, facts.threshold
    risk.save(update_fields=["group", "reasons", "per_person", "threshold"])
    audit.record(household, actor, "risk", risk.pk, AuditEvent.Action.CHANGE, {
        "group": (before["group"], risk.group), "reasons": (before["reasons"], _reasons_text(risk.reasons)),
        "per_person": (before["per_person"], risk.per_person)}, reason=reason)
    if risk.state != Risk.State.OPEN:
        _move(risk, Risk.State.OPEN, actor, reason)
    return risk

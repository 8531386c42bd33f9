"""Household identification and exit: every write, one transaction each, through procedure.transition.

Identification: application → village appraisal → first notice → township review → county approval and
second notice → registered. Exit: proposal → verification against the criteria → appraisal → notice →
approval → exited. The registry's status follows the case; it never changes on its own.
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from jingzhun import clock
from jingzhun.errors import DomainError, InvalidTransition
from jingzhun.policy import queries as policy
from jingzhun.policy.rules import Evaluation, PolicyMissing
from jingzhun.registry import actions as registry
from jingzhun.registry.choices import HouseholdStatus
from jingzhun.registry.models import Household

from . import procedure
from .models import Case

# Steps that end a case against the household: the applicant is then not poor (status non_poor).
ENDING_AGAINST = {"rejected", "withdrawn"}


def _evaluation(household: Household, year: int) -> Evaluation:
    try:
        return policy.evaluate(household, year)
    except PolicyMissing as missing:
        raise DomainError(missing.message) from None


def _locked_household(household: Household) -> Household:
    return Household.objects.select_for_update().get(pk=household.pk)


def _check_year(year: int) -> None:
    if not 2011 <= year <= clock.today().year:
        raise DomainError(_("Choose a year from 2011 to this year."), field="year")


def _no_open_case(household: Household) -> None:
    if household.cases.filter(closed_at__isnull=True).exists():
        raise DomainError(_("This household already has a procedure under way."))


@transaction.atomic
def apply_for_identification(household: Household, year: int, *, actor, channel: str = Case.Channel.HOUSEHOLD,
                             reason: str = "") -> Case:
    """An application (by the household, recorded by the cadre) or a cadre's proposal, evaluated against
    the year's standards. A household that exited and fell back is recorded as returned through
    monitoring, never registered anew."""
    household = _locked_household(household)
    procedure.actor_scope(actor, household.village_id)
    _check_year(year)
    if household.status in (HouseholdStatus.EXITED, HouseholdStatus.RETURNED):
        raise DomainError(_("This household exited poverty before: a fall back is recorded through "
                            "monitoring as a return to poverty, not as a new registration."))
    if household.status == HouseholdStatus.POOR:
        raise DomainError(_("This household is registered poor already."))
    if household.status == HouseholdStatus.CLOSED:
        raise DomainError(_("This household is closed; its record can no longer be changed."))
    if channel not in Case.Channel.values:
        raise DomainError(_("Say who started the procedure."), field="channel")
    _no_open_case(household)
    case = Case(kind=Case.Kind.IDENTIFICATION, household=household, year=year, state="", channel=channel,
                opened_by=actor, opened_at=clock.now(), evaluation=_evaluation(household, year).as_dict())
    procedure.transition(case, "apply", actor=actor, reason=reason)
    if household.status == HouseholdStatus.NON_POOR:
        registry.change_status(household, HouseholdStatus.APPLICANT, actor=actor,
                               reason=_("application for identification"))
    return case


@transaction.atomic
def propose_exit(household: Household, year: int, *, actor, reason: str = "") -> Case:
    household = _locked_household(household)
    procedure.actor_scope(actor, household.village_id)
    _check_year(year)
    if household.status not in (HouseholdStatus.POOR, HouseholdStatus.RETURNED):
        raise DomainError(_("Only a registered poor (or returned) household can exit."))
    _no_open_case(household)
    case = Case(kind=Case.Kind.EXIT, household=household, year=year, state="", channel=Case.Channel.CADRE,
                opened_by=actor, opened_at=clock.now())
    procedure.transition(case, "propose", actor=actor, reason=reason)
    return case


def _locked_case(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("household").get(pk=case.pk)


@transaction.atomic
def record_appraisal(case: Case, *, actor, meeting_on: datetime.date, attendance: int, votes_for: int,
                     votes_against: int, abstentions: int = 0, reason: str = "") -> Case:
    """The village representatives' meeting: passed when more than the standard's share of those
    attending vote in favour; a failed vote rejects the case."""
    case = _locked_case(case)
    procedure.checked_step(case, "appraise", actor)
    if meeting_on > clock.today():
        raise InvalidTransition(_("The appraisal meeting cannot be recorded before it has taken place."))
    if meeting_on < clock.localdate(case.opened_at):
        raise DomainError(_("The meeting cannot come before the case was opened."), field="meeting_on")
    if attendance <= 0:
        raise DomainError(_("Enter how many representatives attended."), field="attendance")
    if votes_for + votes_against + abstentions > attendance:
        raise DomainError(_("More votes than representatives attending."), field="votes_for")
    case.meeting_on, case.attendance = meeting_on, attendance
    case.votes_for, case.votes_against, case.abstentions = votes_for, votes_against, abstentions
    share = procedure.policy_value("appraisal_approval_min", case.year, case.area_code)
    votes = {"for": votes_for, "against": votes_against, "abstentions": abstentions, "attendance": attendance}
    if votes_for > share * attendance:
        procedure.transition(case, "appraise", actor=actor, reason=reason, data=votes)
    else:
        why = _("The democratic appraisal did not pass: %(f)d of %(a)d in favour.") % {
            "f": votes_for, "a": attendance}
        procedure.transition(case, "village_rejects", actor=actor, reason=f"{why} {reason}".strip(),
                             data=votes)
        _after_ending(case, actor)
    return case


@transaction.atomic
def verify_exit(case: Case, *, actor, household_agrees: bool, reason: str = "") -> Case:
    """Verification by the village committee and work team: every exit criterion of the year must hold,
    and the household must agree."""
    case = _locked_case(case)
    procedure.checked_step(case, "verify", actor)
    evaluation = _evaluation(case.household, case.year)
    case.evaluation = evaluation.as_dict()
    if not evaluation.meets_exit_criteria:
        unmet = evaluation.failing + evaluation.unknown
        raise DomainError(_("The exit criteria do not all hold: %(list)s") % {
            "list": "; ".join(f"{c.label}: {c.reason}" for c in unmet)})
    if not household_agrees:
        raise DomainError(_("The household must agree to its exit."), field="household_agrees")
    case.household_agrees = True
    procedure.transition(case, "verify", actor=actor, reason=reason, data={"eligible": evaluation.eligible})
    return case


# The remaining steps need only a reason; these check what the step needs first.
def _before_first_notice(case: Case, actor) -> None:
    evaluation = _evaluation(case.household, case.year)
    case.evaluation = evaluation.as_dict()
    if evaluation.eligible is None:
        raise DomainError(_("Record the year's income and living conditions before the notice."))
    if evaluation.eligible is False:
        raise DomainError(_("The household meets every criterion of %(year)s: it is not poor by the "
                            "standard.") % {"year": case.year})


REASON_REQUIRED = {"village_rejects", "township_rejects", "county_rejects", "withdraw"}


@transaction.atomic
def take_step(case: Case, step: str, *, actor, reason: str = "") -> Case:
    """Any step other than opening, appraisal and verification."""
    case = _locked_case(case)
    procedure.checked_step(case, step, actor)
    if step in REASON_REQUIRED and not reason.strip():
        raise DomainError(_("Give the reason."), field="reason")
    if case.kind == Case.Kind.IDENTIFICATION and step == "post_notice":
        _before_first_notice(case, actor)
    procedure.transition(case, step, actor=actor, reason=reason.strip())
    household = case.household
    if case.state == "registered":
        registry.change_status(household, HouseholdStatus.POOR, actor=actor,
                               reason=_("registered by the identification procedure"))
        if household.registered_year != clock.today().year:
            registry.update_household(household, actor=actor, registered_year=clock.today().year)
    elif case.state == "exited":
        registry.change_status(household, HouseholdStatus.EXITED, actor=actor,
                               reason=_("exit approved and announced"))
    elif case.state in ENDING_AGAINST:
        _after_ending(case, actor)
    return case


def _after_ending(case: Case, actor) -> None:
    household = Household.objects.get(pk=case.household_id)
    if case.kind == Case.Kind.IDENTIFICATION and household.status == HouseholdStatus.APPLICANT:
        ended = _("identification ended: %(state)s") % {"state": case.get_state_display()}
        registry.change_status(household, HouseholdStatus.NON_POOR, actor=actor, reason=ended)

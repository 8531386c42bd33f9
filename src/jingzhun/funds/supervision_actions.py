"""Writes of supervision: a scan raising flags, an officer resolving or dismissing one, and a province
officer changing a rule. Each runs in one transaction and checks the actor's post and area.

A flag's evidence holds only the finding's figures and the rule's thresholds; who opened it, the day a
scan last found it and the day one no longer did are its own columns. A rule change leaves one
SupervisionChange row per field it changed."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from jingzhun import clock
from jingzhun.areas.models import Area, Role
from jingzhun.areas.scope import Scope, scope_for
from jingzhun.errors import DomainError, InvalidTransition, NotAllowed, OutOfScope

from . import supervision_queries as queries
from . import supervision_rules as rules
from .actions import manager_scope
from .models import Flag, ProjectKind, SupervisionChange, SupervisionRule

# Scanning writes flags and nothing else, so every level of officer may scan their own area; cadres,
# helpers and auditors read.
SCANNERS = (Role.PROVINCE_OFFICER, Role.PREFECTURE_OFFICER, Role.COUNTY_OFFICER, Role.TOWNSHIP_OFFICER)
MAX_RESOLUTION = 2000
MAX_REASON = 300


def may_scan(scope: Scope, area_code: str) -> bool:
    return scope.role in SCANNERS and scope.covers(area_code)


def may_close(scope: Scope, flag: Flag) -> bool:
    """County officers keep the books, so they answer for the flags of their county."""
    return flag.state == Flag.State.OPEN and scope.edits_registry and len(scope.prefix) <= 6 \
        and scope.covers(flag.area_id)


def may_change_rules(scope: Scope) -> bool:
    return scope.role == Role.PROVINCE_OFFICER


@dataclass
class ScanCount:
    found: int = 0  # findings of the rule in the area
    new: int = 0  # flags opened
    refreshed: int = 0  # open flags found again, their evidence brought up to date
    settled: int = 0  # findings identical to a flag already resolved or dismissed: not raised again
    gone: int = 0  # open flags the rule no longer finds (they stay open until an officer answers them)


def _scanner(actor, area_code: str) -> Scope:
    scope = scope_for(actor)
    if not scope.covers(area_code):
        raise OutOfScope(_("This area is outside your area."))
    if scope.role not in SCANNERS:
        raise NotAllowed(_("Only officers run the supervision rules over an area."))
    return scope


@transaction.atomic
def scan(area_code: str, *, actor, on: datetime.date | None = None) -> dict[str, ScanCount]:
    """Runs every rule in force over the area's funds, projects and entries on `on` (default today):
    opens a flag for each new finding, refreshes the evidence of open ones, never reopens a resolved or
    dismissed flag whose finding is unchanged. Returns counts per rule."""
    _scanner(actor, area_code)
    area = Area.objects.filter(code=area_code).first()
    if area is None:
        raise DomainError(_("No such area."), field="area")
    on = on or clock.today()
    if on > clock.today():
        raise DomainError(_("This date is in the future."), field="on")
    # Locking the rules makes scans (and rule changes) take turns: two scans cannot both open a flag.
    active = {r.code: rules.settings(r.code, r.params, kinds=ProjectKind.values)
              for r in SupervisionRule.objects.select_for_update().order_by("code") if r.active}
    findings = rules.evaluate(queries.facts_for(area.prefix, on), active)
    flags = Flag.objects.filter(area__code__startswith=area.prefix, rule__in=list(active))
    open_flags = {(f.rule, f.subject): f for f in flags.filter(state=Flag.State.OPEN)}
    answered = flags.exclude(state=Flag.State.OPEN).order_by("found_at", "id")
    settled = {(f.rule, f.subject): f for f in answered}  # the latest answered flag of each subject
    counts = {code: ScanCount(found=len(found)) for code, found in findings.items()}
    new, changed, seen = [], [], set()
    for code, found in findings.items():
        for finding in found:
            key = (code, finding.subject)
            seen.add(key)
            if key in open_flags:
                flag = open_flags[key]
                # Found again: the figures are those of this day, and a disappearance is over.
                flag.evidence, flag.checked_on, flag.gone_on = finding.evidence, on, None
                changed.append(flag)
                counts[code].refreshed += 1
            elif key in settled and rules.same_finding(settled[key].evidence, finding.evidence):
                counts[code].settled += 1
            else:
                new.append(Flag(rule=code, area_id=finding.area, subject=finding.subject,
                                fund_id=finding.fund, project_id=finding.project,
                                household_id=finding.household, evidence=finding.evidence,
                                found_at=clock.now(), found_by=actor, checked_on=on))
                counts[code].new += 1
    for key, flag in open_flags.items():
        if key not in seen:
            # The first day it was missed stays; the figures stay those of the last day it was found.
            flag.gone_on = flag.gone_on or on
            changed.append(flag)
            counts[key[0]].gone += 1
    Flag.objects.bulk_create(new)
    Flag.objects.bulk_update(changed, ["evidence", "checked_on", "gone_on"], batch_size=500)
    return counts


def _note(value: str, field: str, limit: int, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message, field=field)
    if len(value) > limit:
        raise DomainError(_("At most %(n)d characters.") % {"n": limit}, field=field)
    return value


@transaction.atomic
def _close(flag: Flag, actor, resolution: str, state: str) -> Flag:
    manager_scope(actor, flag.area_id)
    flag = Flag.objects.select_for_update().get(pk=flag.pk)
    if flag.state != Flag.State.OPEN:
        raise InvalidTransition(_("This flag was answered already."))
    flag.resolution = _note(resolution, "resolution", MAX_RESOLUTION,
                            _("Say what was done about the flag, or why it is not an anomaly."))
    flag.state, flag.resolved_by, flag.resolved_at = state, actor, clock.now()
    flag.save(update_fields=["state", "resolution", "resolved_by", "resolved_at"])
    return flag


def resolve(flag: Flag, *, actor, resolution: str) -> Flag:
    """The anomaly was real and has been dealt with (money reversed, beneficiaries listed)."""
    return _close(flag, actor, resolution, Flag.State.RESOLVED)


def dismiss(flag: Flag, *, actor, resolution: str) -> Flag:
    """The finding is not an anomaly (say why): the same finding is not raised again."""
    return _close(flag, actor, resolution, Flag.State.DISMISSED)


def bad_param_message(error: rules.BadParam) -> str:
    if error.reason == "share":
        return _("Enter a share from 0 to 1, such as 0.05 for five per cent.")
    if error.reason == "count":
        return _("Enter a whole number from %(low)d to %(high)d.") % {"low": error.param.low,
                                                                      "high": error.param.high}
    return _("Choose kinds of project from the list.")


def _as_text(value) -> str:
    """A setting as the change history keeps it: "1"/"0" for the switch, kinds joined by commas."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list | tuple):
        return ",".join(value)
    return str(value)


@transaction.atomic
def change_rule(rule: SupervisionRule, *, actor, active: bool, params: dict, reason: str) -> SupervisionRule:
    """Switch a rule on or off and set its parameters (province officers); one SupervisionChange row for
    the switch and for each parameter whose value changed, all with the reason."""
    scope = scope_for(actor)
    if not may_change_rules(scope):
        raise NotAllowed(_("Only province officers change the supervision rules."))
    reason = _note(reason, "reason", MAX_REASON, _("Say why the rule changes."))
    rule = SupervisionRule.objects.select_for_update().get(pk=rule.pk)
    try:
        rules.settings(rule.code, params, kinds=ProjectKind.values)
    except rules.BadParam as error:
        raise DomainError(bad_param_message(error), field=error.name) from None
    values = rules.stored(rule.code, params)
    # Compared as the rule computes with them, so a default left unstored equals the same value stored.
    before = {"active": _as_text(rule.active),
              **{k: _as_text(v) for k, v in rules.stored(rule.code, rule.params).items()}}
    after = {"active": _as_text(bool(active)), **{k: _as_text(v) for k, v in values.items()}}
    changed = [name for name in after if after[name] != before[name]]
    if not changed:
        raise DomainError(_("Nothing was changed."))
    rule.active, rule.params = bool(active), values
    rule.save(update_fields=["active", "params"])
    at = clock.now()
    SupervisionChange.objects.bulk_create([
        SupervisionChange(rule=rule, actor=actor, at=at, field=name, old=before[name], new=after[name],
                          reason=reason) for name in changed])
    return rule

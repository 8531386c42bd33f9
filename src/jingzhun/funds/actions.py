"""Every write to the funds ledger: funds created, money received, allocated to projects, spent,
recovered from projects that do not need it, and entries reversed. Each runs in one transaction with the
fund's row locked, checks the actor's scope, and refuses any entry that would take a balance below zero
(ledger_rules.check)."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from jingzhun import clock
from jingzhun.areas.models import Area, Level
from jingzhun.areas.scope import Scope, scope_for
from jingzhun.checks import text
from jingzhun.errors import DomainError, NotAllowed, OutOfScope
from jingzhun.registry import audit
from jingzhun.registry.models import AuditEvent, Household

from . import ledger_rules, queries
from .models import Entry, Fund, Project, Purpose, Source

MAX_MEMO = 300
MAX_REASON = 200  # a reversal's reason is also the reason of the household's audit line
CENT = Decimal("0.01")


def manager_scope(actor, area_code: str) -> Scope:
    """County officers keep the books of their county (province and prefecture officers read them)."""
    scope = scope_for(actor)
    if not scope.covers(area_code) and not area_code.startswith(scope.prefix or "-"):
        raise OutOfScope(_("This record is outside your area."))
    if not (scope.edits_registry and len(scope.prefix) <= 6):
        raise NotAllowed(_("Only county officers keep the funds' books."))
    return scope


def amount_of(value, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_("Enter an amount in yuan."), field=field) from None
    if amount != Decimal(str(value)) or amount <= 0:
        raise DomainError(_("Enter an amount in yuan above zero, to the fen."), field=field)
    return amount


def _day(on: datetime.date | None) -> datetime.date:
    on = on or clock.today()
    if on > clock.today():
        raise DomainError(_("This date is in the future."), field="on")
    return on


def _text(value: str, field: str, limit: int = MAX_MEMO, *, required: bool = False) -> str:
    return text(value, field, limit, required=required)


@transaction.atomic
def create_fund(*, actor, area_code: str, source: str, year: int, name: str, purposes=(),
                partner=None, document: str = "") -> Fund:
    manager_scope(actor, area_code)
    area = Area.objects.filter(code=area_code).exclude(level=Level.VILLAGE).first()
    if area is None:
        raise DomainError(_("A fund is held by a county or a larger area."), field="area")
    if source not in Source.values:
        raise DomainError(_("Choose a source."), field="source")
    if not 2000 <= int(year) <= clock.today().year + 1:
        raise DomainError(_("Choose a year up to next year."), field="year")
    unknown = set(purposes) - set(Purpose.values)
    if unknown:
        raise DomainError(_("Unknown purpose: %(p)s") % {"p": ", ".join(sorted(unknown))}, field="purposes")
    if source == Source.PAIRING and partner is None:
        raise DomainError(_("Name the pairing partner the money comes from."), field="partner")
    return Fund.objects.create(
        area=area, source=source, year=year, name=_text(name, "name", 120, required=True),
        purposes=sorted(set(purposes)), partner=partner if source == Source.PAIRING else None,
        document=_text(document, "document", 120), created_by=actor, created_at=clock.now())


def _locked(fund: Fund) -> Fund:
    return Fund.objects.select_for_update().get(pk=fund.pk)


def _write(fund: Fund, move: ledger_rules.Move, *, actor, on, **values) -> Entry:
    """Check the move against the fund's balances as the database holds them, then write it."""
    try:
        ledger_rules.check(queries.fund_balances(fund), move)
    except ledger_rules.Refused as refused:
        raise DomainError(_refusal(refused), field="amount") from None
    entry = Entry(fund=fund, kind=move.kind, project_id=move.project, amount=move.amount, on=on,
                  recorded_by=actor, recorded_at=clock.now(), **values)
    entry.save(force_insert=True)
    return entry


def _refusal(refused: ledger_rules.Refused) -> str:
    available = f"{refused.available:,.2f}"
    if refused.code == "unallocated":
        return _("The fund has only %(a)s yuan received and not yet allocated.") % {"a": available}
    if refused.code == "unspent":
        return _("The project has only %(a)s yuan of this fund allocated and not yet spent.") % {
            "a": available}
    return _("Enter an amount in yuan above zero, to the fen.")


@transaction.atomic
def receive(fund: Fund, *, actor, amount, on: datetime.date | None = None, voucher: str = "",
            memo: str = "") -> Entry:
    manager_scope(actor, fund.area_id)
    fund = _locked(fund)
    move = ledger_rules.Move(ledger_rules.RECEIPT, fund.pk, amount_of(amount))
    return _write(fund, move, actor=actor, on=_day(on), voucher=_text(voucher, "voucher", 40),
                  memo=_text(memo, "memo"))


def _project(project: Project, fund: Fund) -> Project:
    # Locked, so that a cancellation and an allocation cannot pass each other.
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not project.area_id.startswith(fund.area.prefix):
        raise DomainError(_("The project lies outside the area that holds the fund."), field="project")
    if project.state == Project.State.CANCELLED:
        raise DomainError(_("The project is cancelled."), field="project")
    return project


@transaction.atomic
def allocate(fund: Fund, project: Project, *, actor, amount, on: datetime.date | None = None,
             memo: str = "") -> Entry:
    """Commit received money to a project; never more than the fund holds unallocated."""
    manager_scope(actor, fund.area_id)
    fund = _locked(fund)
    project = _project(project, fund)
    move = ledger_rules.Move(ledger_rules.ALLOCATION, fund.pk, amount_of(amount), project.pk)
    return _write(fund, move, actor=actor, on=_day(on), memo=_text(memo, "memo"))


@transaction.atomic
def spend(fund: Fund, project: Project, *, actor, amount, on: datetime.date | None = None,
          household: Household | None = None, subsidy: str = "", voucher: str = "", memo: str = "") -> Entry:
    """Pay out of a project's allocation; to a household of the project's area when `household` is set
    (a subsidy, named by `subsidy` so that paying it twice shows)."""
    manager_scope(actor, fund.area_id)
    fund = _locked(fund)
    project = _project(project, fund)
    if household is not None and not household.village_id.startswith(project.area.prefix):
        raise DomainError(_("The household lies outside the project's area."), field="household")
    move = ledger_rules.Move(ledger_rules.SPENDING, fund.pk, amount_of(amount), project.pk)
    entry = _write(fund, move, actor=actor, on=_day(on), household=household,
                   subsidy=_text(subsidy, "subsidy", 32), voucher=_text(voucher, "voucher", 40),
                   memo=_text(memo, "memo"))
    if household is not None:
        audit.record(household, actor, "payment", entry.pk, AuditEvent.Action.CREATE,
                     {f: (None, getattr(entry, f)) for f in ("project", "subsidy", "amount", "on")})
    return entry


@transaction.atomic
def recover(fund: Fund, project: Project, *, actor, amount, on: datetime.date | None = None,
            memo: str = "") -> Entry:
    """Take money a project has been allocated and not spent back into the fund (a project to be cancelled,
    one finished under budget, or one a reversed payment left money on); the fund may allocate it again."""
    manager_scope(actor, fund.area_id)
    fund = _locked(fund)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not project.area_id.startswith(fund.area.prefix):
        raise DomainError(_("The project lies outside the area that holds the fund."), field="project")
    move = ledger_rules.Move(ledger_rules.RECOVERY, fund.pk, amount_of(amount), project.pk)
    return _write(fund, move, actor=actor, on=_day(on), memo=_text(memo, "memo", required=True))


@transaction.atomic
def reverse(entry: Entry, *, actor, reason: str, on: datetime.date | None = None) -> Entry:
    """Undo an entry by its opposite; the original stays. Refused when the money has moved on (reverse
    the later entries first) or the entry was reversed already."""
    manager_scope(actor, entry.fund.area_id)
    fund = _locked(entry.fund)
    entry = Entry.objects.get(pk=entry.pk)
    reason = _text(reason, "reason", MAX_REASON, required=True)
    if entry.is_reversal:
        raise DomainError(_("A reversal cannot itself be reversed: record the entry again."))
    if Entry.objects.filter(reverses=entry).exists():
        raise DomainError(_("This entry was reversed already."))
    move = ledger_rules.Move(entry.kind, fund.pk, entry.amount, entry.project_id, reversal=True)
    reversal = _write(fund, move, actor=actor, on=_day(on), reverses=entry, household=entry.household,
                      subsidy=entry.subsidy, memo=reason)
    if entry.household_id is not None:
        audit.record(entry.household, actor, "payment", entry.pk, AuditEvent.Action.CLOSE,
                     {"reversed_by": (None, reversal.pk)}, reason=reason)
    return reversal

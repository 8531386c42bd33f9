"""Every write about pairing partners: partners and pairings (province officers), yearly commitments and
deliveries (the partner's own users and officers of the paired area), confirmation by the receiving side
and withdrawal of a mistaken entry. Each runs in one transaction, checks the actor's pairing scope and
leaves a `Change` row with the area it belongs to."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from stdnum.cn import uscc as uscc_code
from stdnum.exceptions import ValidationError as NumberError

from jingzhun import clock
from jingzhun.areas.models import Area
from jingzhun.checks import text
from jingzhun.errors import DomainError, InvalidTransition, NotAllowed, OutOfScope

from .checks import record_change
from .models import Change, Commitment, Delivery, Indicator, Pairing, Partner
from .models.pairing import UNITS, Unit
from .pairing_queries import PairingScope, overlaps, pairing_scope
from .pairing_rules import code_prefix

FIRST_YEAR = 1980  # fixed-point help began in the mid-1980s, east–west cooperation in 1996
MAX_NOTE = 300
CENT = Decimal("0.01")


def _change(entity: str, record, area_code: str, actor, action: str, field: str = "", old="", new="",
            reason: str = "") -> None:
    record_change(entity, record.pk, area_code, actor=actor, action=action, changes={field: (old, new)},
                  reason=reason)


def _text(value: str, field: str, limit: int = MAX_NOTE, *, required: bool = False) -> str:
    return text(value, field, limit, required=required)


def _amount(value, indicator: str, *, positive: bool) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_("Enter a number."), field="amount") from None
    if not amount.is_finite():
        raise DomainError(_("Enter a number."), field="amount")
    if amount < 0 or (positive and amount == 0):
        raise DomainError(_("Enter an amount above zero.") if positive else _("Amounts cannot be negative."),
                          field="amount")
    if UNITS[indicator] != Unit.YUAN and amount != amount.to_integral_value():
        raise DomainError(_("Persons and numbers are counted whole."), field="amount")
    if amount != amount.quantize(CENT):
        raise DomainError(_("Yuan are kept to two decimal places."), field="amount")
    if amount >= Decimal("1e14"):
        raise DomainError(_("This amount is too large."), field="amount")
    return amount.quantize(CENT)


def _indicator(value: str) -> str:
    if value not in Indicator.values:
        raise DomainError(_("Choose an indicator."), field="indicator")
    return value


def _sane_year(year, latest: int, field: str) -> int:
    if not isinstance(year, int) or not FIRST_YEAR <= year <= latest:
        message = _("Enter a year from %(first)d to %(last)d.") % {"first": FIRST_YEAR, "last": latest}
        raise DomainError(message, field=field)
    return year


def _year(pairing: Pairing, year, *, latest: int) -> int:
    _sane_year(year, latest, "year")
    if year < pairing.start_year or (pairing.end_year is not None and year > pairing.end_year):
        raise DomainError(_("The pairing did not run in %(year)d.") % {"year": year}, field="year")
    return year


def _recorder(actor, pairing: Pairing) -> PairingScope:
    ps = pairing_scope(actor)
    if not ps.sees(pairing.partner_id, pairing.area_id):
        raise OutOfScope(_("This pairing is outside your area or partner."))
    if not ps.records_for(pairing):
        raise NotAllowed(_("Your role may read this pairing's figures but not record them."))
    return ps


# Commitments and deliveries ---------------------------------------------------------------------------

@transaction.atomic
def record_commitment(pairing: Pairing, year: int, indicator: str, amount, *, actor,
                      note: str = "") -> Commitment:
    """Set the year's commitment on one indicator: created the first time, changed after (old → new kept)."""
    _recorder(actor, pairing)
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    year = _year(pairing, year, latest=clock.today().year + 1)  # agreements are signed ahead
    indicator = _indicator(indicator)
    amount = _amount(amount, indicator, positive=False)
    note = _text(note, "note")
    commitment = (Commitment.objects.select_for_update()
                  .filter(pairing=pairing, year=year, indicator=indicator).first())
    if commitment is None:
        commitment = Commitment.objects.create(pairing=pairing, year=year, indicator=indicator, amount=amount,
                                               note=note, recorded_by=actor, recorded_at=clock.now())
        record_change("commitment", commitment.pk, pairing.area_id, actor=actor, action=Change.Action.CREATE,
                      changes={f: (None, getattr(commitment, f)) for f in ("year", "indicator", "amount")},
                      reason=note)
        return commitment
    changed = {f: (getattr(commitment, f), new) for f, new in (("amount", amount), ("note", note))
               if getattr(commitment, f) != new}
    if not changed:
        return commitment
    for field, (old, new) in changed.items():
        setattr(commitment, field, new)
        _change("commitment", commitment, pairing.area_id, actor, Change.Action.CHANGE, field, old, new,
                reason=note)
    commitment.recorded_by, commitment.recorded_at = actor, clock.now()
    commitment.save(update_fields=[*changed, "recorded_by", "recorded_at"])
    return commitment


@transaction.atomic
def record_delivery(pairing: Pairing, year: int, indicator: str, amount, delivered_on: datetime.date,
                    area: Area | str, *, actor, note: str = "") -> Delivery:
    """What was delivered, when and where: the area lies within the pairing's; counted for `year`, the
    year it was delivered in or the one before (accounts are settled early in the next year)."""
    _recorder(actor, pairing)
    pairing = Pairing.objects.select_related("area").get(pk=pairing.pk)
    if not isinstance(delivered_on, datetime.date):
        raise DomainError(_("Enter a date."), field="delivered_on")
    if delivered_on > clock.today():
        raise DomainError(_("This date is in the future."), field="delivered_on")
    year = _year(pairing, year, latest=clock.today().year)
    if delivered_on.year not in (year, year + 1):
        raise DomainError(_("A delivery counts for the year it was made in or the year before."),
                          field="year")
    indicator = _indicator(indicator)
    amount = _amount(amount, indicator, positive=True)
    code = area.code if isinstance(area, Area) else str(area or "")
    area = Area.objects.filter(code=code).first()
    if area is None or not pairing.area.contains(area.code):
        raise DomainError(_("Choose an area within the paired area."), field="area")
    delivery = Delivery.objects.create(pairing=pairing, year=year, indicator=indicator, amount=amount,
                                       delivered_on=delivered_on, area=area, note=_text(note, "note"),
                                       recorded_by=actor, recorded_at=clock.now())
    fields = ("year", "indicator", "amount", "delivered_on", "area")
    record_change("delivery", delivery.pk, area.code, actor=actor, action=Change.Action.CREATE,
                  changes={f: (None, getattr(delivery, f)) for f in fields}, reason=delivery.note)
    return delivery


def _locked_delivery(delivery: Delivery) -> Delivery:
    delivery = Delivery.objects.select_for_update().select_related("pairing").get(pk=delivery.pk)
    if delivery.withdrawn_at is not None:
        raise InvalidTransition(_("This delivery was withdrawn."))
    return delivery


def _seen(ps: PairingScope, delivery: Delivery) -> None:
    if not ps.sees(delivery.pairing.partner_id, delivery.pairing.area_id) or (
            ps.officer and not overlaps(ps.prefix, code_prefix(delivery.area_id))):
        raise OutOfScope(_("This delivery is outside your area or partner."))


@transaction.atomic
def confirm_delivery(delivery: Delivery, *, actor) -> Delivery:
    """The receiving side confirms it arrived: officers at county level or above covering its area."""
    ps = pairing_scope(actor)
    delivery = _locked_delivery(delivery)
    _seen(ps, delivery)
    if not ps.confirms(delivery):
        raise NotAllowed(_("Only officers of the receiving county, prefecture or region confirm deliveries."))
    if delivery.confirmed_at is not None:
        raise InvalidTransition(_("This delivery is already confirmed."))
    delivery.confirmed_by, delivery.confirmed_at = actor, clock.now()
    delivery.save(update_fields=["confirmed_by", "confirmed_at"])
    _change("delivery", delivery, delivery.area_id, actor, Change.Action.CHANGE, "confirmed", "", "yes")
    return delivery


@transaction.atomic
def withdraw_delivery(delivery: Delivery, *, actor, reason: str) -> Delivery:
    """Take a mistaken delivery out of every figure, keeping the row and why."""
    ps = pairing_scope(actor)
    delivery = _locked_delivery(delivery)
    _seen(ps, delivery)
    if not ps.withdraws(delivery):
        raise NotAllowed(_("Only whoever recorded an unconfirmed delivery, or an officer of the receiving "
                           "area, may withdraw it."))
    reason = _text(reason, "reason", required=True)
    delivery.withdrawn_by, delivery.withdrawn_at, delivery.withdrawn_reason = actor, clock.now(), reason
    delivery.save(update_fields=["withdrawn_by", "withdrawn_at", "withdrawn_reason"])
    _change("delivery", delivery, delivery.area_id, actor, Change.Action.CLOSE, "withdrawn", "", "yes",
            reason=reason)
    return delivery


# Partners and pairings --------------------------------------------------------------------------------

def _province_officer(actor) -> PairingScope:
    ps = pairing_scope(actor)
    if not ps.manages_partners:
        raise NotAllowed(_("Only province officers add pairing partners and pairings."))
    return ps


@transaction.atomic
def add_partner(*, actor, name_zh: str, name_en: str, kind: str, level: str = "",
                parent: Partner | None = None, home: str = "", uscc: str = "", source: str = "") -> Partner:
    ps = _province_officer(actor)
    name_zh, name_en = _text(name_zh, "name_zh", 80, required=True), _text(name_en, "name_en", 120,
                                                                         required=True)
    if kind not in Partner.Kind.values:
        raise DomainError(_("Choose a kind of partner."), field="kind")
    if level not in Partner.Level.values:
        raise DomainError(_("Choose a level."), field="level")
    if parent is not None and parent.kind != kind:
        raise DomainError(_("A partner is part of a partner of the same kind."), field="parent")
    if Partner.objects.filter(name_zh=name_zh, parent=parent).exists():
        raise DomainError(_("A partner of this name is already registered."), field="name_zh")
    code = (uscc or "").strip()
    if code:
        try:
            code = uscc_code.validate(code)
        except NumberError:
            raise DomainError(_("This is not a valid unified social credit code."), field="uscc") from None
    partner = Partner.objects.create(name_zh=name_zh, name_en=name_en, kind=kind, level=level, parent=parent,
                                     home=_text(home, "home", 40), uscc=code, source=_text(source, "source"))
    _change("partner", partner, ps.prefix.ljust(12, "0"), actor, Change.Action.CREATE, "name", "", name_zh)
    return partner


@transaction.atomic
def add_pairing(partner: Partner, area: Area, start_year: int, end_year: int | None = None, *, actor,
                source: str = "", verified: bool = False) -> Pairing:
    ps = _province_officer(actor)
    if not area.code.startswith(ps.prefix):
        raise OutOfScope(_("This area is outside your province."))
    partner = Partner.objects.select_for_update().get(pk=partner.pk)  # one writer of its pairings at a time
    latest = clock.today().year + 1
    _sane_year(start_year, latest, "start_year")
    if end_year is not None and (not isinstance(end_year, int) or end_year < start_year
                                 or end_year > start_year + 50):
        raise DomainError(_("The last year cannot come before the first."), field="end_year")
    for other in Pairing.objects.filter(partner=partner, area=area):
        if other.start_year == start_year or (
                other.start_year <= (end_year or 9999) and start_year <= (other.end_year or 9999)):
            raise DomainError(_("This partner is already paired with this area for these years."),
                              field="start_year")
    pairing = Pairing.objects.create(partner=partner, area=area, start_year=start_year, end_year=end_year,
                                     source=_text(source, "source"), verified=bool(verified))
    _change("pairing", pairing, area.code, actor, Change.Action.CREATE, "years", "",
            f"{start_year}–{end_year or ''}")
    return pairing

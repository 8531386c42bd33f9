"""Helpers' accounts: a county or township officer registers a helper (a user who signs in with a phone
number and a post of role HELPER) and deactivates one who no longer answers for any household. Each
write runs in one transaction and is recorded in the area-level trail (models.Change)."""

import re

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jingzhun import clock
from jingzhun.areas.models import Area, Level, Post, Role
from jingzhun.areas.scope import Scope, scope_for
from jingzhun.checks import text
from jingzhun.errors import DomainError, NotAllowed, OutOfScope

from .helper_queries import ENTITY
from .models import Change, HelperAssignment

REGISTRARS = (Role.COUNTY_OFFICER, Role.TOWNSHIP_OFFICER)
HELPER_LEVELS = (Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE)
MOBILE = re.compile(r"^1\d{10}$")
# No 0/O, 1/l/I: the password is read out over the phone or copied from paper.
PASSWORD_CHARS = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_LENGTH = 10


def may_register(scope: Scope) -> bool:
    return scope.role in REGISTRARS


def _registrar(actor) -> Scope:
    scope = scope_for(actor)
    if not may_register(scope):
        raise NotAllowed(_("Only county and township officers register and deactivate helpers."))
    return scope


def clean_phone(phone: str) -> str:
    """A Chinese mobile number: 11 digits starting with 1 (spaces and dashes as people type them dropped)."""
    digits = re.sub(r"[\s-]", "", phone or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    if not MOBILE.match(digits):
        raise DomainError(_("Enter a mobile number of 11 digits starting with 1."), field="phone")
    return digits


def _text(value: str, field: str, limit: int, *, required: bool = True) -> str:
    return text(value, field, limit, required=required)


def _record(actor, helper, area_code: str, action: str, changes: dict[str, tuple], reason: str = "") -> None:
    at = clock.now()
    Change.objects.bulk_create([
        Change(entity=ENTITY, entity_id=helper.pk, area_code=area_code, actor=actor, at=at, action=action,
               field=field, old=old, new=new, reason=reason)
        for field, (old, new) in changes.items()])


@transaction.atomic
def register_helper(*, actor, name: str, unit: str, title: str, phone: str, area_code: str):
    """Create the helper's account and post. Returns (user, password): the random initial password is
    shown once, to be passed on; the helper signs in with the phone number."""
    scope = _registrar(actor)
    name = _text(name, "name", 40)
    unit = _text(unit, "unit", Post._meta.get_field("unit").max_length)
    title = _text(title, "title", Post._meta.get_field("title").max_length, required=False)
    phone = clean_phone(phone)
    area = Area.objects.filter(code=area_code or "").first()
    if area is None or area.level not in HELPER_LEVELS:
        raise DomainError(_("Choose a village, township or county."), field="area_code")
    if not scope.covers(area.code):
        raise OutOfScope(_("This area is outside yours."))
    users = get_user_model().objects
    if users.filter(username=phone).exists():
        raise DomainError(_("An account with this phone number exists already."), field="phone")
    password = get_random_string(PASSWORD_LENGTH, PASSWORD_CHARS)
    helper = users.create_user(username=phone, password=password, first_name=name)
    Post.objects.create(user=helper, role=Role.HELPER, area=area, unit=unit, title=title, phone=phone)
    _record(actor, helper, area.code, Change.Action.CREATE, {
        "name": ("", name), "unit": ("", unit), "title": ("", title), "phone": ("", phone),
        "area": ("", area.code)})
    return helper, password


@transaction.atomic
def deactivate_helper(helper, *, actor, reason: str):
    """The helper can no longer sign in. Refused while they still answer for households: those are
    reassigned first, so no household is left with a helper nobody hears from."""
    scope = _registrar(actor)
    helper = get_user_model().objects.select_for_update(of=("self",)).select_related("post").get(pk=helper.pk)
    post = getattr(helper, "post", None)
    if post is None or post.role != Role.HELPER:
        raise DomainError(_("This account is not a helper's."))
    if not scope.covers(post.area_id):
        raise OutOfScope(_("This helper works outside your area."))
    reason = _text(reason, "reason", 300)
    if not helper.is_active:
        raise DomainError(_("This helper is deactivated already."))
    households = HelperAssignment.objects.filter(helper=helper, ended_on__isnull=True).count()
    if households:
        raise DomainError(ngettext("This helper still answers for %(n)d household: reassign it first.",
                                   "This helper still answers for %(n)d households: reassign them first.",
                                   households) % {"n": households})
    helper.is_active = False
    helper.save(update_fields=["is_active"])
    _record(actor, helper, post.area_id, Change.Action.CLOSE, {"active": ("1", "0")}, reason=reason)
    return helper


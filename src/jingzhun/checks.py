"""Checks every app's writes make of the free text they are given, refusing at the field it names."""

from django.utils.translation import gettext as _

from .errors import DomainError


def text(value: str | None, field: str, limit: int, *, required: bool = False) -> str:
    """The value stripped; refused at its field when required and empty or longer than `limit`."""
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("This field is required."), field=field)
    if len(value) > limit:
        raise DomainError(_("At most %(n)d characters.") % {"n": limit}, field=field)
    return value

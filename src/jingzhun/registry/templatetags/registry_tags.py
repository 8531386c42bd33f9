from django import template

from jingzhun.areas.scope import mask_id_number

register = template.Library()


@register.filter
def id_for(number: str, scope) -> str:
    """The ID number as this scope may see it."""
    return number if scope is not None and scope.sees_id_numbers else mask_id_number(number)


@register.filter
def yuan(value) -> str:
    return "—" if value is None else f"{value:,.2f}"


@register.filter
def person(user, empty: str = "—") -> str:
    """A user as people know them: full name, else username; `empty` when there is none."""
    if user is None:
        return empty
    return user.get_full_name() or user.username

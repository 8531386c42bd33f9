from django import template

from jingzhun.identification import machine
from jingzhun.policy.models import Key

register = template.Library()


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)


@register.filter
def state_label(state: str) -> str:
    return machine.state_label(state)


@register.filter
def step_label(name: str, kind: str) -> str:
    step = machine.PROCEDURES.get(kind, {}).get(name)
    return str(step.label) if step else name


@register.filter
def standard_label(key: str) -> str:
    return str(Key(key).label) if key in Key.values else key

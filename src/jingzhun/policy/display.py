"""How standards read on the pages and in the CSV: jurisdictions by name, years as a span, values without
trailing zeros (shares also as a percentage), and the change history field by field."""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from jingzhun.areas.models import Area
from jingzhun.areas.scope import Scope

from .actions import FIELDS, SHARE_KEYS, may_change
from .models import Key, Standard, StandardChange
from .rules import WEST

BOOLEAN_FIELDS = ("in_force", "verified")


def number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def value_text(standard: Standard) -> str:
    if standard.key in SHARE_KEYS:
        return f"{number(standard.value)} ({number(standard.value * 100)}%)"
    return number(standard.value)


def years_text(year_from: int, year_to: int | None) -> str:
    if year_to is None:
        return _("%(year)s onwards") % {"year": year_from}
    if year_to == year_from:
        return str(year_from)
    return f"{year_from}–{year_to}"


def jurisdiction_names(codes: Iterable[str]) -> dict[str, str]:
    """National, the western region, or the area's name (the prefix itself for an area not held here)."""
    codes = set(codes)
    names = {"": _("national"), WEST: _("western region")}
    prefixes = {code for code in codes if code not in names}
    held = Area.objects.filter(code__in={prefix.ljust(12, "0") for prefix in prefixes})
    areas = {area.code: area.name for area in held}
    return {code: names.get(code) or areas.get(code.ljust(12, "0"), code) for code in codes}


def field_label(name: str) -> str:
    return str(Standard._meta.get_field(name).verbose_name)


def _shown(name: str, text: str, key: str) -> str:
    """A value as the history keeps it (actions._text), as people read it."""
    if name in BOOLEAN_FIELDS:
        return _("yes") if text == "1" else _("no")
    if name == "key":
        return str(Key(text).label) if text in Key.values else text
    if name == "jurisdiction":
        return jurisdiction_names([text])[text]
    if name == "value" and text and key in SHARE_KEYS:
        return f"{text} ({number(Decimal(text) * 100)}%)"
    return text


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class Entry:
    """One change row as the history shows it: a creation lists every value, an edit one field."""

    change: StandardChange
    created: bool
    changes: list[Change]


def history(standard: Standard) -> list[Entry]:
    """Newest first; the fields one edit changed (same time, person and reason) make one entry."""
    entries: list[Entry] = []
    for change in standard.changes.select_related("actor"):
        if change.field == "":
            values = json.loads(change.new or "{}")
            changes = [Change(field_label(name), "", _shown(name, values[name], values.get("key", "")))
                       for name in FIELDS if values.get(name) not in (None, "")]
            entries.append(Entry(change, True, changes))
            continue
        label = field_label(change.field) if change.field in FIELDS else change.field
        shown = Change(label, _shown(change.field, change.old, standard.key),
                       _shown(change.field, change.new, standard.key))
        last = entries[-1] if entries else None
        if last and not last.created and (last.change.at, last.change.actor_id, last.change.reason) == (
                change.at, change.actor_id, change.reason):
            last.changes.insert(0, shown)  # rows come newest id first; fields read in the form's order
        else:
            entries.append(Entry(change, False, [shown]))
    return entries


@dataclass(frozen=True)
class Line:
    """A row of the standards as the list shows it."""

    standard: Standard
    jurisdiction: str
    years: str
    value: str
    editable: bool


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    lines: list[Line]


def groups(standards: Iterable[Standard], scope: Scope) -> list[Group]:
    """Every key in its declared order, with its rows: national first, then the west, then by area code,
    each by year; a key without rows is listed too, so a missing standard shows."""
    by_key: dict[str, list[Standard]] = {}
    for standard in standards:
        by_key.setdefault(standard.key, []).append(standard)
    names = jurisdiction_names(s.jurisdiction for rows in by_key.values() for s in rows)
    rank = {"": 0, WEST: 1}
    result = []
    for key in Key:
        rows = sorted(by_key.get(key.value, []), key=lambda s: (
            rank.get(s.jurisdiction, 2), s.jurisdiction, s.year_from, not s.in_force, s.pk))
        result.append(Group(key.value, str(key.label), [
            Line(s, names[s.jurisdiction], years_text(s.year_from, s.year_to), value_text(s),
                 may_change(scope, s)) for s in rows]))
    return result

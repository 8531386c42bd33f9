"""Reads of supervision: the facts a scan judges (three queries for an area of any size), and the flags
a reader may see, with counts per child area and each flag's history."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404

from jingzhun.areas.models import PREFIX_LENGTH, Area
from jingzhun.areas.scope import Scope

from . import supervision_rules as rules
from .models import Entry, Flag, Fund, Project, SupervisionChange, SupervisionRule
from .queries import fen

ENTRY_FIELDS = ("id", "kind", "fund_id", "amount", "on", "project_id", "household_id",
                "household__village_id", "subsidy", "reverses_id")


def facts_for(prefix: str, on: datetime.date) -> rules.Facts:
    """The entries up to `on` that touch the area (by the fund holding them, the project they pay or the
    household paid), the funds and projects they name, and the area's own funds and projects."""
    rows = list(Entry.objects.filter(on__lte=on).filter(
        Q(fund__area__code__startswith=prefix) | Q(project__area__code__startswith=prefix)
        | Q(household__village__code__startswith=prefix)).values_list(*ENTRY_FIELDS))
    entries = tuple(rules.EntryFacts(id=r[0], kind=r[1], fund=r[2], amount=fen(r[3]), on=r[4], project=r[5],
                                     household=r[6], village=r[7] or "", subsidy=r[8], reverses=r[9])
                    for r in rows)
    fund_ids = {e.fund for e in entries}
    funds = {pk: rules.FundFacts(pk, area, tuple(purposes or ())) for pk, area, purposes in
             Fund.objects.filter(Q(area__code__startswith=prefix) | Q(pk__in=fund_ids))
             .values_list("id", "area_id", "purposes")}
    listed = Count("beneficiary_links", filter=Q(beneficiary_links__added_on__lte=on))
    projects = {p[0]: rules.ProjectFacts(p[0], p[1], p[2], p[3], p[4], fen(p[5]), p[6]) for p in
                Project.objects.filter(area__code__startswith=prefix).annotate(listed=listed)
                .values_list("id", "area_id", "kind", "purpose", "state", "budget", "listed")}
    return rules.Facts(prefix=prefix, today=on, funds=funds, projects=projects, entries=entries)


def reads_flags(scope: Scope) -> bool:
    """Officers, cadres and auditors read the flags of their area; helpers work from their own list."""
    return scope.reads_registry and not scope.helps_households


def visible_flags(scope: Scope) -> QuerySet[Flag]:
    if not reads_flags(scope):
        return Flag.objects.none()
    return Flag.objects.filter(scope.area_q("area__code"))


def get_flag(scope: Scope, pk: int) -> Flag:
    """A flag inside the reader's area, or 404: others learn nothing of whether it exists."""
    related = ("area", "fund", "project", "household", "found_by", "resolved_by")
    flag = visible_flags(scope).select_related(*related).filter(pk=pk).first()
    if flag is None:
        raise Http404
    return flag


def flags_in(scope: Scope, area: Area, *, rule: str = "", state: str = "") -> QuerySet[Flag]:
    flags = visible_flags(scope).filter(area__code__startswith=area.prefix)
    if rule:
        flags = flags.filter(rule=rule)
    if state:
        flags = flags.filter(state=state)
    return flags.select_related("area", "fund", "project", "household")


@dataclass(frozen=True)
class FlagCount:
    area: Area
    by_rule: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_rule.values())

    def of(self, code: str) -> int:
        return self.by_rule.get(code, 0)


def flag_counts(scope: Scope, area: Area, *, state: str = "") -> tuple[list[FlagCount], FlagCount]:
    """Each child area the scope reads, with its flags per rule, and the area's own flags (on the funds
    it holds, on its county-wide projects), from one grouped query."""
    children = [c for c in area.children.all()
                if c.prefix.startswith(scope.prefix) or scope.prefix.startswith(c.prefix)]
    if not children:
        return [], FlagCount(area, {})
    width = PREFIX_LENGTH[children[0].level]
    counts: dict[str, dict[str, int]] = {}
    rows = (flags_in(scope, area, state=state).order_by().annotate(part=Substr("area_id", 1, width))
            .values("part", "rule").annotate(n=Count("id")))
    for row in rows:
        counts.setdefault(row["part"], {})[row["rule"]] = row["n"]
    own = counts.get(area.code[:width], {}) if scope.covers(area.code) else {}
    return [FlagCount(child, counts.get(child.prefix, {})) for child in children], FlagCount(area, own)


def history(flag: Flag) -> list[Flag]:
    """The other flags the same rule raised on the same subject, newest first (earlier findings that were
    resolved or dismissed, or a later one)."""
    return list(Flag.objects.filter(rule=flag.rule, subject=flag.subject).exclude(pk=flag.pk)
                .select_related("resolved_by"))


def names(funds: set[int], projects: set[int]) -> dict[tuple[str, int], str]:
    """Names of funds and projects an evidence names, keyed ("fund" or "project", id)."""
    found = {("fund", f.pk): str(f) for f in Fund.objects.filter(pk__in=funds)}
    found.update({("project", p.pk): p.name for p in Project.objects.filter(pk__in=projects)})
    return found


def all_rules() -> list[SupervisionRule]:
    return list(SupervisionRule.objects.order_by("code"))


def rule_changes() -> dict[str, list[SupervisionChange]]:
    """Every rule's changes, newest first, keyed by the rule's code, from one query: rules change a few
    times a year, so the whole history is short."""
    found: dict[str, list[SupervisionChange]] = {}
    for change in SupervisionChange.objects.select_related("rule", "actor").order_by("-at", "-id"):
        found.setdefault(change.rule.code, []).append(change)
    return found

"""Reads of monitoring shared by its pages, CSV and actions: risks through the user's scope, counts per
child area, the year's figures where a household lives, and what elimination would read of a risk."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun import clock
from jingzhun.areas.models import PREFIX_LENGTH, Area
from jingzhun.areas.scope import Scope
from jingzhun.errors import DomainError
from jingzhun.policy import queries as policy
from jingzhun.policy.rules import PolicyMissing, Standards
from jingzhun.registry import rules as registry_rules
from jingzhun.registry.choices import HouseholdStatus, Relation
from jingzhun.registry.intake.export_rows import chunks, english, id_shower
from jingzhun.registry.models import Member

from .models import Assistance, Risk
from .monitoring_rules import EliminationFacts, reason_text

CHUNK = 2000


@dataclass(frozen=True)
class YearFigures:
    """The standards monitoring applies to a household's year, where it lives."""

    threshold: Decimal
    line: Decimal
    expense_ratio: Decimal
    threshold_carried_from: int | None = None


def year_figures(table: Standards, year: int, area_code: str) -> YearFigures:
    try:
        threshold = table.value("monitoring_threshold", year, area_code)
        line = table.value("poverty_line", year, area_code)
        ratio = table.value("hardship_expense_ratio", year, area_code)
    except PolicyMissing as missing:
        raise DomainError(missing.message) from None
    return YearFigures(threshold.value, line.value, ratio.value, threshold.carried_from)


# Risks through the scope ---------------------------------------------------------------------------------

def visible_risks(scope: Scope) -> QuerySet[Risk]:
    """Risks of every household the scope may read: inside its area, for helpers only their own."""
    risks = Risk.objects.filter(scope.area_q("household__village__code"))
    if scope.own_households_only:
        risks = risks.filter(household__helper_id=scope.user_id)
    return risks


def get_risk(scope: Scope, pk: int) -> Risk:
    risk = (visible_risks(scope).select_related("household__village", "flagged_by", "closed_by")
            .filter(pk=pk).first())
    if risk is None:
        raise Http404
    return risk


def household_risks(scope: Scope, household_pk: int) -> list[Risk]:
    """A household's risks, newest year first (for its page)."""
    return list(visible_risks(scope).filter(household_id=household_pk).order_by("-year"))


def assistance_of(risk: Risk) -> list[Assistance]:
    return list(risk.assistance.select_related("recorded_by"))


@dataclass(frozen=True)
class RiskFilter:
    area: str = ""
    year: int | None = None
    group: str = ""
    state: str = ""


def filter_from_query(params, scope: Scope) -> RiskFilter:
    """The list's filter from its query string; the year defaults to the latest one with risks."""
    try:
        year = int(params.get("year", ""))
    except ValueError:
        year = None
    group, state = params.get("group", ""), params.get("state", "")
    return RiskFilter(area=params.get("area", "") or scope.area_code or "", year=year or default_year(scope),
                      group=group if group in Risk.Group.values else "",
                      state=state if state in Risk.State.values else "")


def default_year(scope: Scope) -> int:
    return visible_risks(scope).aggregate(latest=Max("year"))["latest"] or clock.today().year - 1


def search_risks(scope: Scope, flt: RiskFilter, area: Area) -> QuerySet[Risk]:
    risks = visible_risks(scope).filter(household__village__code__startswith=area.prefix)
    if flt.year:
        risks = risks.filter(year=flt.year)
    if flt.group:
        risks = risks.filter(group=flt.group)
    if flt.state:
        risks = risks.filter(state=flt.state)
    return risks


def village_list(risks: QuerySet[Risk]) -> QuerySet[Risk]:
    return (risks.select_related("household").annotate(assistance_count=Count("assistance"))
            .order_by("household__number", "-year"))


def heads_of(household_ids) -> dict[int, tuple[str, str]]:
    """(name, ID number) of each household's current head."""
    rows = (Member.objects.filter(household_id__in=list(household_ids), relation=Relation.HEAD,
                                  left_on__isnull=True)
            .order_by().values_list("household_id", "name", "id_number"))
    return {pk: (name, number) for pk, name, number in rows}


@dataclass
class AreaRisks:
    area: Area
    total: int = 0
    groups: dict[str, int] = field(default_factory=dict)
    states: dict[str, int] = field(default_factory=dict)
    returned: int = 0  # of households now returned to poverty

    def group_counts(self) -> list[int]:
        return [self.groups.get(g, 0) for g in Risk.Group.values]

    def state_counts(self) -> list[int]:
        return [self.states.get(s, 0) for s in Risk.State.values]


def _overlaps(scope: Scope, area: Area) -> bool:
    return area.prefix.startswith(scope.prefix) or scope.prefix.startswith(area.prefix)


def child_counts(scope: Scope, flt: RiskFilter, area: Area) -> tuple[list[AreaRisks], AreaRisks]:
    """Each child area inside the scope with its risks by group and state, and the area's total; one
    grouped query."""
    children = [c for c in area.children.order_by("code") if _overlaps(scope, c)]
    rows = {c.prefix: AreaRisks(c) for c in children}
    total = AreaRisks(area)
    if children:
        width = PREFIX_LENGTH[children[0].level]
        grouped = (search_risks(scope, flt, area).order_by()
                   .annotate(part=Substr("household__village_id", 1, width)).values("part", "group", "state")
                   .annotate(n=Count("id"), returned=Count("id", filter=Q(
                       household__status=HouseholdStatus.RETURNED))))
        for row in grouped:
            for target in (rows.get(row["part"]), total):
                if target is None:
                    continue
                target.total += row["n"]
                target.returned += row["returned"]
                target.groups[row["group"]] = target.groups.get(row["group"], 0) + row["n"]
                target.states[row["state"]] = target.states.get(row["state"], 0) + row["n"]
    return list(rows.values()), total


# The CSV -------------------------------------------------------------------------------------------------

LIST_FIELDS = ("pk", "household_id", "household__number", "household__village_id", "household__status",
               "year", "group", "state", "per_person", "threshold", "reasons", "flagged_at", "close_reason")


def export_rows(scope: Scope, risks: QuerySet[Risk]) -> Iterator[list[str]]:
    """Header, then one row per risk: household, head, group, figures, reasons, state, assistance."""
    yield [_("household number"), _("village code"), _("village"), _("head of household"),
           _("head's ID number"), _("household status"), _("year"), _("monitoring group"),
           _("net income per person"), _("threshold"), _("reasons"), _("state"), _("assistance measures"),
           _("flagged"), _("reason for closing")]
    groups, states = dict(Risk.Group.choices), dict(Risk.State.choices)
    statuses = dict(HouseholdStatus.choices)
    show_id = id_shower(scope)
    name = "name_en" if english() else "name_zh"
    villages: dict[str, str] = {}
    rows = risks.order_by("household__village_id", "household__number", "-year").values_list(*LIST_FIELDS)
    for chunk in chunks(rows.iterator(chunk_size=CHUNK), CHUNK):
        heads = heads_of({row[1] for row in chunk})
        helped = dict(Assistance.objects.filter(risk_id__in=[row[0] for row in chunk]).order_by()
                      .values_list("risk_id").annotate(n=Count("id")))
        missing = {row[3] for row in chunk} - villages.keys()
        villages.update(Area.objects.filter(code__in=missing).values_list("code", name))
        for (pk, household, number, village, status, year, group, state, per_person, threshold, reasons,
             flagged_at, close_reason) in chunk:
            head_name, head_id = heads.get(household, ("", ""))
            yield [number, village, villages.get(village, ""), head_name, show_id(head_id),
                   str(statuses.get(status, status)), str(year), str(groups.get(group, group)),
                   "" if per_person is None else f"{per_person:.2f}",
                   "" if threshold is None else f"{threshold:.2f}",
                   " ".join(reason_text(r) for r in reasons or []), str(states.get(state, state)),
                   str(helped.get(pk, 0)), timezone.localtime(flagged_at).date().isoformat(), close_reason]


# What elimination reads ----------------------------------------------------------------------------------

def elimination_facts(risk: Risk, table: Standards | None = None) -> EliminationFacts:
    """The latest recorded income per person against its year's threshold, the latest living conditions,
    each current member's labour capacity and how long the risk has been open."""
    table = table or policy.standards()
    household = risk.household
    village = household.village_id
    members = list(household.members.values_list("joined_on", "left_on", "labour"))
    income = household.incomes.order_by("-year").first()
    per_person = threshold = None
    if income is not None:
        persons = registry_rules.persons_in_year([(j, left) for j, left, _l in members], income.year)
        per_person = registry_rules.net_income_per_person(income.net_income, persons)
        resolved = table.get("monitoring_threshold", income.year, village)
        threshold = resolved.value if resolved else None
    conditions = household.conditions.order_by("-year").first()
    try:
        months = int(table.value("risk_stable_months", risk.year, village).value)
    except PolicyMissing as missing:
        raise DomainError(missing.message) from None
    return EliminationFacts(
        opened_on=timezone.localdate(risk.flagged_at), today=clock.today(), stable_months=months,
        labours=tuple(labour for _j, left, labour in members if left is None),
        income_year=income.year if income else None, per_person=per_person, threshold=threshold,
        conditions_year=conditions.year if conditions else None,
        conditions={n: getattr(conditions, n) for n in conditions.CHECK_FIELDS} if conditions else None)

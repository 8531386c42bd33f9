"""Reads about one household's help (its helper, plan, advice and visits), shared by pages, the household
panel and the actions; lists over areas live in board_queries, helper_queries and the other *_queries."""

from dataclasses import dataclass

from jingzhun import clock
from jingzhun.identification.procedure import policy_value
from jingzhun.registry import rules as registry_rules
from jingzhun.registry.models import Household

from . import rules
from .models import HelperAssignment, Measure, MeasureRule, Plan, PlannedMeasure, Visit


def standard(key: str, year: int, area_code: str):
    """A standard's value (visit interval, alert days, team size …), or a domain error officers can act on."""
    return policy_value(key, year, area_code)


def rule_rows() -> list[rules.RuleRow]:
    return [rules.RuleRow(r.jurisdiction, r.cause_id, r.measure_id, r.rank, r.active)
            for r in MeasureRule.objects.all()]


def measure_infos() -> dict[str, rules.MeasureInfo]:
    return {m.code: rules.MeasureInfo(m.code, m.condition, m.active) for m in Measure.objects.all()}


def household_facts(household: Household) -> rules.HouseholdFacts:
    """Causes, current members (age today) and the latest living conditions, as the rule table reads them."""
    today = clock.today()
    members = tuple(
        rules.MemberFacts(registry_rules.age_on(m.birth_date, today), m.labour, m.in_school, m.health)
        for m in household.members.filter(left_on__isnull=True))
    latest = household.conditions.order_by("-year").first()
    return rules.HouseholdFacts(
        main_cause=household.main_cause_id,
        other_causes=tuple(household.other_causes.order_by("order").values_list("code", flat=True)),
        members=members,
        unsafe_house=bool(latest and (not latest.housing_secure or latest.dangerous_house_grade)),
        unsafe_water=bool(latest and not latest.water_secure))


def advice_for(household: Household) -> rules.Advice:
    return rules.recommend(household_facts(household), rule_rows(), measure_infos(), household.village_id)


def plan_of(household: Household) -> Plan | None:
    return Plan.objects.filter(household=household).first()


def plan_measures(plan: Plan) -> list[PlannedMeasure]:
    return list(plan.measures.select_related("measure", "cause", "helper").order_by("due_on", "id"))


def current_assignment(household: Household) -> HelperAssignment | None:
    return (HelperAssignment.objects.select_related("helper__post")
            .filter(household=household, ended_on__isnull=True).first())


def assignments(household: Household) -> list[HelperAssignment]:
    return list(HelperAssignment.objects.select_related("helper", "assigned_by")
                .filter(household=household).order_by("-started_on", "-id"))


def next_visit(household: Household) -> Visit | None:
    return (Visit.objects.select_related("helper")
            .filter(household=household, visited_on__isnull=True).order_by("due_on", "id").first())


def last_visit(household: Household) -> Visit | None:
    return (Visit.objects.select_related("helper")
            .filter(household=household, visited_on__isnull=False).order_by("-visited_on", "-id").first())


def visits(household: Household, limit: int = 50) -> list[Visit]:
    return list(Visit.objects.select_related("helper").filter(household=household, visited_on__isnull=False)
                .order_by("-visited_on", "-id")[:limit])


@dataclass(frozen=True)
class Summary:
    """What the household page shows of its help."""

    assignment: HelperAssignment | None
    plan: Plan | None
    measures: list[PlannedMeasure]
    progress: rules.Progress
    overdue: int
    next_visit: Visit | None
    last_visit: Visit | None
    unvisited: bool


def summary(household: Household) -> Summary:
    plan = plan_of(household)
    measures = plan_measures(plan) if plan else []
    today = clock.today()
    last = last_visit(household)
    days = standard("unvisited_alert_days", today.year, household.village_id)
    return Summary(
        assignment=current_assignment(household), plan=plan, measures=measures,
        progress=rules.progress(m.state for m in measures),
        overdue=sum(rules.overdue(m.due_on, m.state, today) for m in measures),
        next_visit=next_visit(household), last_visit=last,
        unvisited=rules.unvisited(last.visited_on if last else None, today, int(days)))


def may_manage(scope, household: Household) -> bool:
    """Cadres and township and county officers of the household's area assign helpers and plan."""
    return scope.edits_registry and scope.covers(household.village_id)


def may_help(scope, household: Household) -> bool:
    """Record visits and deliveries: managers, and the household's own helper."""
    own = scope.helps_households and household.helper_id == scope.user_id
    return may_manage(scope, household) or (own and scope.covers(household.village_id))

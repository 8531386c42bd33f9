"""The demo's help: a helper and a plan for every registered household, recent visits, work teams of the poor
villages, and the pairing partners' commitments and deliveries; then what the village board shows once some
of it is taken away."""

import datetime
import re
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Max, Q
from django.urls import reverse

from jingzhun import clock
from jingzhun.areas.loader import load_ningxia
from jingzhun.areas.models import Area, AreaFlag, Level, Post, Role
from jingzhun.areas.scope import scope_for
from jingzhun.assistance import actions, board_queries, queries, rules
from jingzhun.assistance.models import (
    Commitment,
    Delivery,
    HelperAssignment,
    Indicator,
    Pairing,
    Partner,
    PartnerAccount,
    Plan,
    PlannedMeasure,
    TeamMember,
    Visit,
    WorkTeam,
)
from jingzhun.assistance.models.pairing import UNITS, Unit
from jingzhun.demo import calibration as cal
from jingzhun.demo.assistance import build_assistance
from jingzhun.demo.generate import generate_region
from jingzhun.demo.live_cases import open_live_cases
from jingzhun.demo.partners import build_partners
from jingzhun.demo.teams import build_teams
from jingzhun.demo.users import create_demo_users
from jingzhun.demo.verification import verify_and_monitor
from jingzhun.demo.years import run_years
from jingzhun.registry import rules as registry_rules
from jingzhun.registry.models import AuditEvent, Household

HOUSEHOLDS = 300
SEED = 5
OPEN = ("planned", "under_way")


@pytest.fixture
def demo(db):
    if not Area.objects.filter(level=Level.VILLAGE).exists():
        load_ningxia()
    summary = generate_region(households=HOUSEHOLDS, seed=SEED)
    run_years(summary.fates, seed=SEED, showcase=summary.cadre_village)
    create_demo_users(summary.cadre_village, summary.cadre2_village, seed=SEED)
    verify_and_monitor(SEED)
    open_live_cases(summary.cadre_village, summary.cadre2_village, seed=SEED)
    help_ = build_assistance(summary.cadre_village, seed=SEED)
    return summary, help_, build_teams(SEED), build_partners(SEED)


def registered():
    return Household.objects.filter(status__in=actions.REGISTERED)


def user(username):
    return get_user_model().objects.get(username=username)


def exits() -> dict[int, datetime.date]:
    found = {}
    for pk, at in (AuditEvent.objects.filter(entity="household", action="status", new="exited")
                   .order_by("at", "id").values_list("household_id", "at")):
        found[pk] = clock.localdate(at)
    return found


def test_every_registered_household_has_one_helper_and_a_plan(demo):
    _summary, help_, _teams, _partners = demo
    households = {h.pk: h for h in registered()}
    assert help_.households == len(households) and help_.plans == len(households)
    current = HelperAssignment.objects.filter(ended_on__isnull=True)
    assert sorted(current.values_list("household_id", flat=True)) == sorted(households)
    for assignment in current:
        assert households[assignment.household_id].helper_id == assignment.helper_id
    load = Counter(current.values_list("helper_id", flat=True))
    assert max(load.values()) <= 10
    posts = Post.objects.filter(user_id__in=load).select_related("user", "area")
    per_village = Counter(h.village_id for h in households.values())
    for post in posts:  # about the norm (5) each where a village has as many households
        if per_village.get(post.area_id, 0) >= 5:
            assert 3 <= load[post.user_id] <= 8
        assert post.role == Role.HELPER and post.unit and post.title
        assert re.fullmatch(r"1\d{10}", post.phone)
        assert post.user.has_usable_password() == (post.user.username == "helper")  # the demo user signs in
    for assignment in current.select_related("helper__post", "household"):
        actions.check_helper(assignment.helper, assignment.household.village_id)  # raises if out of area
    phones = list(Post.objects.exclude(phone="").values_list("phone", flat=True))
    assert len(phones) == len(set(phones))
    ended = HelperAssignment.objects.filter(ended_on__isnull=False)
    assert 0.05 < ended.count() / len(households) < 0.3 and all(a.end_reason for a in ended)
    for old in ended:
        new = current.get(household_id=old.household_id)
        assert new.started_on == old.ended_on and new.helper_id != old.helper_id
        assert not old.helper.is_active and old.helper.post.role == Role.HELPER  # moved on
    created = AuditEvent.objects.filter(action="create")
    assert created.filter(entity="helper").count() == HelperAssignment.objects.count()
    assert created.filter(entity="plan").count() == Plan.objects.count()
    for assignment in HelperAssignment.objects.order_by("id")[:20]:  # as actions.assign_helper writes them
        event = created.get(entity="helper", entity_id=assignment.pk)
        assert event.household_id == assignment.household_id and event.created_values == {
            "helper": str(assignment.helper_id), "started_on": assignment.started_on.isoformat()}
    plans = {p.household_id: p for p in Plan.objects.all()}
    assert set(plans) == set(households)
    measures = defaultdict(list)
    for measure in PlannedMeasure.objects.select_related("plan"):
        measures[measure.plan.household_id].append(measure)
    assert all(measures[pk] for pk in households)
    exited_on = exits()
    for pk, household in households.items():
        plan = plans[pk]
        assert plan.year == household.registered_year
        causes = {household.main_cause_id, *household.other_causes.values_list("code", flat=True)}
        for measure in measures[pk]:
            assert measure.cause_id is None or measure.cause_id in causes
            assert measure.start_on <= measure.due_on
            if measure.recommended:
                assert measure.start_on.year == plan.year
                assert datetime.timedelta(days=365) <= measure.due_on - measure.start_on
            if measure.state == "delivered" and household.status == "exited":
                assert measure.delivered_on < exited_on[pk]
            if measure.state == "cancelled":
                assert measure.note
        if household.status == "returned":
            assert any(m.state in OPEN and m.start_on.year > 2020 for m in measures[pk])


def test_a_plan_takes_the_rule_tables_recommendations_for_the_household_as_registered(demo):
    rows, infos = queries.rule_rows(), queries.measure_infos()
    for household in registered().order_by("pk"):
        plan = Plan.objects.get(household=household)
        drawn_up = clock.localdate(plan.created_at)
        members = household.members.filter(Q(left_on__isnull=True) | Q(left_on__gt=drawn_up),
                                           joined_on__lte=drawn_up)
        conditions = household.conditions.get(year=household.registered_year)
        others = tuple(household.other_causes.order_by("order").values_list("code", flat=True))
        facts = rules.HouseholdFacts(
            household.main_cause_id, others,
            tuple(rules.MemberFacts(registry_rules.age_on(m.birth_date, drawn_up), m.labour, m.in_school,
                                    m.health) for m in members),
            unsafe_house=not conditions.housing_secure or bool(conditions.dangerous_house_grade),
            unsafe_water=not conditions.water_secure)
        advice = rules.recommend(facts, rows, infos, household.village_id).recommended
        planned = [(m.measure_id, m.cause_id) for m in plan.measures.order_by("id") if m.recommended]
        assert planned == [(r.measure, r.causes[0]) for r in advice][:len(planned)]
        assert planned or not advice
        assert len(planned) == min(len(advice), 6)


def test_the_helper_user_has_open_measures_and_visits_due(demo):
    summary, _help, _teams, _partners = demo
    helper = user("helper")
    mine = list(Household.objects.filter(helper=helper))
    assert len(mine) == 5 and {h.village_id for h in mine} == {summary.cadre_village}
    today = clock.today()
    due = []
    for household in mine:
        measures = PlannedMeasure.objects.filter(plan__household=household)
        assert measures.filter(state__in=OPEN, helper=helper).exists()
        planned = Visit.objects.get(household=household, visited_on__isnull=True)
        assert planned.helper == helper
        due.append((planned.due_on - today).days)
    assert sorted(due) == [0, 1, 2, 4, 6]


def test_visits_are_monthly_and_recent_with_a_few_households_left_unvisited(demo):
    summary, help_, _teams, _partners = demo
    today = clock.today()
    since = board_queries.cutoff(summary.cadre_village, today)
    last = dict(Visit.objects.filter(visited_on__isnull=False).values("household").annotate(
        last=Max("visited_on")).values_list("household", "last"))
    households = list(registered())
    unvisited = [h for h in households if last[h.pk] < since]
    assert len(unvisited) == help_.unvisited and len(unvisited) <= 0.03 * len(households)
    assert not [h for h in unvisited if h.helper == user("helper")]
    assert [h for h in unvisited if h.village_id == summary.cadre_village]  # the cadre's board shows one
    for household in households:
        visits = list(Visit.objects.filter(household=household).order_by("visited_on"))
        planned = [v for v in visits if v.visited_on is None]
        assert len(planned) == 1 and planned[0].helper_id == household.helper_id
        made = [v.visited_on for v in visits if v.visited_on]
        assert all(today - datetime.timedelta(days=181) <= d <= today for d in made)
        if household not in unvisited:
            assert len(made) >= 4 and -5 <= (planned[0].due_on - today).days <= 30
            assert all(v.found and v.done and v.recorded_by_id == v.helper_id for v in visits if v.visited_on)


def test_every_poor_village_has_a_serving_team_with_a_first_secretary(demo):
    _summary, _help, (teams, villages), _partners = demo
    today = clock.today()
    flagged = set(AreaFlag.objects.filter(kind=AreaFlag.Kind.POOR_VILLAGE).values_list("area_id", flat=True))
    assert villages == len(flagged) and WorkTeam.objects.count() == teams
    by_village = defaultdict(list)
    for team in WorkTeam.objects.order_by("started_on").prefetch_related("members"):
        by_village[team.village_id].append(team)
    assert set(by_village) == flagged
    for code, history in by_village.items():
        *withdrawn, serving = history
        assert serving.ended_on is None and serving.term_ends_on > today >= serving.started_on
        for before, after in zip(history, history[1:], strict=False):
            assert before.ended_on == after.started_on
        for team in history:
            members = list(team.members.all())
            positions = [m.position for m in members]
            assert positions.count(TeamMember.Position.FIRST_SECRETARY) == 1
            assert len(members) == (2 if team.started_on.year >= 2021 else 3)
            assert all(m.ended_on == team.ended_on and m.name for m in members)
            minimum = int(queries.standard("work_team_min_members", team.started_on.year, code))
            check = rules.check_team(rules.TeamFacts(len(members), True, team.started_on, team.term_ends_on),
                                     minimum, int(queries.standard("work_team_term_years", 2020, code)))
            assert check.ok, (code, check.problems)
        assert all(team.ended_on for team in withdrawn)


def test_fujian_its_cities_and_the_demo_partners(demo):
    fujian = Partner.objects.get(name_en="Fujian")
    pair = Pairing.objects.get(partner=fujian)
    assert (pair.area_id, pair.start_year, pair.verified) == ("640000000000", 1996, True) and pair.source
    cities = Pairing.objects.filter(partner__parent=fujian).select_related("partner")
    assert cities.count() == 9 and all(not p.verified and "not the published" in p.source for p in cities)
    assert sorted(p.area_id[:6] for p in cities) == sorted(cal.POOR_COUNTIES)
    xiamen = cities.get(partner__name_en="Xiamen")
    assert xiamen.area_id == cal.XIJI + "000000" and xiamen.start_year == 2016
    assert PartnerAccount.objects.get(user=user("fujian")).partner == fujian
    assert PartnerAccount.objects.get(user=user("xiamen")).partner == xiamen.partner
    others = Partner.objects.filter(parent__isnull=True).exclude(pk=fujian.pk)
    assert {p.kind for p in others} == {"central_organ", "enterprise", "army", "social_org", "donor"}
    assert all("(demo)" in p.name_en and p.pairings.get().area.level == Level.COUNTY for p in others)
    funds = sum(c.amount for c in Commitment.objects.filter(pairing=pair, indicator="funds", year__lte=2020))
    assert 1_000_000_000 < funds < 1_930_000_000
    sales = Commitment.objects.get(pairing=pair, indicator="products", year=2020).amount
    assert 700_000_000 < sales < 800_000_000
    fujian_wide = [fujian, *fujian.children.all()]
    workers = Commitment.objects.filter(pairing__partner__in=fujian_wide, indicator="workers")
    assert 70_000 < sum(c.amount for c in workers) < 90_000
    for commitment in Commitment.objects.all():
        delivered = sum(d.amount for d in Delivery.objects.filter(
            pairing=commitment.pairing, year=commitment.year, indicator=commitment.indicator,
            withdrawn_at__isnull=True))
        assert 0.6 * float(commitment.amount) - 1 <= float(delivered) <= 1.1 * float(commitment.amount)
    xiji = user("xiji")
    for delivery in Delivery.objects.select_related("pairing"):
        assert delivery.area.level == Level.COUNTY
        assert delivery.area_id.startswith(delivery.pairing.area.prefix)
        assert delivery.delivered_on.year == delivery.year
        assert delivery.confirmed_by_id in (None, xiji.pk)
        assert delivery.confirmed_by_id is None or delivery.area_id.startswith(cal.XIJI)
    assert Delivery.objects.filter(area__code__startswith=cal.XIJI, confirmed_by=xiji).exists()
    assert len({d.area_id for d in Delivery.objects.filter(pairing=pair)}) == 9
    withdrawn = Delivery.objects.filter(withdrawn_at__isnull=False)
    assert withdrawn.count() == 2 and all(d.withdrawn_reason and d.withdrawn_by for d in withdrawn)
    assert Delivery.objects.filter(pairing=xiamen, recorded_by=user("xiamen")).exists()


def snapshot() -> dict[str, list]:
    """The step's rows without their ids (users by name): what a second run must write again."""
    names = dict(get_user_model().objects.values_list("pk", "username"))
    return {
        "helpers": sorted(Post.objects.filter(role=Role.HELPER).values_list(
            "user__username", "user__first_name", "area_id", "unit", "title", "phone")),
        "assignments": [(h, names[u], s, e, r, er) for h, u, s, e, r, er in HelperAssignment.objects.order_by(
            "household_id", "started_on").values_list("household_id", "helper_id", "started_on", "ended_on",
                                                      "reason", "end_reason")],
        "measures": [(*row[:3], names.get(row[3]), *row[4:]) for row in PlannedMeasure.objects.order_by(
            "plan__household_id", "id").values_list(
                "plan__household_id", "measure_id", "cause_id", "helper_id", "amount", "start_on", "due_on",
                "state", "delivered_on", "note")],
        "visits": [(h, names[u], *rest) for h, u, *rest in Visit.objects.order_by("household_id", "id")
                   .values_list("household_id", "helper_id", "due_on", "visited_on", "found", "done")],
        "households": list(registered().order_by("pk").values_list("pk", "helper__username")),
        "teams": list(TeamMember.objects.order_by("team__village_id", "team__started_on", "id").values_list(
            "team__village_id", "team__sending_unit", "team__started_on", "team__ended_on", "name",
            "position", "phone")),
        "deliveries": list(Delivery.objects.order_by("id").values_list(
            "pairing__partner__name_en", "year", "indicator", "amount", "delivered_on", "area_id",
            "confirmed_by__username", "withdrawn_reason")),
        "commitments": list(Commitment.objects.order_by("id").values_list(
            "pairing__partner__name_en", "year", "indicator", "amount")),
    }


def test_same_seed_gives_the_same_rows(demo):
    first = snapshot()
    helper = user("helper")
    kept = list(Household.objects.filter(helper=helper).values_list("pk", flat=True))
    for model in (Visit, PlannedMeasure, Plan, HelperAssignment, TeamMember, WorkTeam, Delivery, Commitment,
                  PartnerAccount, Pairing):
        model.objects.all().delete()
    Partner.objects.filter(parent__isnull=False).delete()
    Partner.objects.all().delete()
    AuditEvent.objects.filter(entity__in=["helper", "plan"]).delete()
    get_user_model().objects.filter(post__role=Role.HELPER).exclude(pk=helper.pk).delete()
    Household.objects.exclude(pk__in=kept).update(helper=None)  # as create_demo_users left them
    build_assistance(demo[0].cadre_village, seed=SEED)
    build_teams(SEED)
    build_partners(SEED)
    again = snapshot()
    for key, rows in first.items():
        assert rows and again[key] == rows, key


def ids_in(html: str, table: str) -> set[int]:
    found = re.search(rf'<table id="{table}".*?</table>', html, re.S)
    assert found, table
    return {int(pk) for pk in re.findall(r'<tr id="[\w-]+" data-household="(\d+)"', found.group(0))}


def test_the_board_lists_what_was_taken_away(demo, client):
    summary = demo[0]
    cadre = user("cadre")
    village = Area.objects.get(code=summary.cadre_village)
    scope = scope_for(cadre)
    before = board_queries.village_gaps(scope, village)
    assert not before.without_helper and not before.without_plan
    left = {h.pk for h in before.unvisited}  # by the demo
    assert left
    households = [h for h in registered().filter(village=village).exclude(helper=user("helper"))
                  .order_by("number") if h.pk not in left]
    no_helper, no_plan, unvisited = households[:2], households[2:4], households[4:6]
    assert len(unvisited) == 2
    for household in no_helper:
        actions.end_helper(household, actor=cadre, reason="工作调动")
    for household in no_plan:
        PlannedMeasure.objects.filter(plan__household=household).delete()
        Plan.objects.filter(household=household).delete()
    for household in unvisited:
        for visit in Visit.objects.filter(household=household, visited_on__isnull=False):
            visit.visited_on -= datetime.timedelta(days=120)
            visit.save(update_fields=["visited_on"])
    gaps = board_queries.village_gaps(scope, village)
    expected = {"without-helper": {h.pk for h in no_helper}, "without-plan": {h.pk for h in no_plan},
                "unvisited": {h.pk for h in unvisited} | left}
    assert {h.pk for h in gaps.without_helper} == expected["without-helper"]
    assert {h.pk for h in gaps.without_plan} == expected["without-plan"]
    assert {h.pk for h in gaps.unvisited} == expected["unvisited"]
    client.force_login(cadre)
    response = client.get(reverse("assistance:board") + f"?area={village.code}")
    assert response.status_code == 200
    html = response.content.decode()
    for table, pks in expected.items():
        assert ids_in(html, table) == pks


def cell(html: str, row: str, indicator: str, measure: str) -> str:
    found = re.search(rf'<tr id="{row}".*?</tr>', html, re.S)
    assert found, row
    value = re.search(rf'data-indicator="{indicator}" data-measure="{measure}">([^<]*)<', found.group(0))
    assert value, (row, indicator, measure)
    return value.group(1)


def shown(amount, indicator: str) -> str:
    return f"{amount:,.2f}" if UNITS[indicator] == Unit.YUAN else f"{amount:,.0f}"


def total(rows, field: str = "amount"):
    return sum((getattr(r, field) for r in rows), Decimal(0))


def test_the_pair_page_shows_the_sums_in_the_database(demo, client):
    fujian = Partner.objects.get(name_en="Fujian")
    pair = Pairing.objects.get(partner=fujian)
    members = Pairing.objects.filter(Q(pk=pair.pk) | Q(partner__parent=fujian))
    client.force_login(user("fujian"))
    response = client.get(reverse("assistance:pairing", args=[pair.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<table id="by-year"' in html and '<table id="by-county"' in html
    commitments = Commitment.objects.filter(pairing__in=members)
    deliveries = Delivery.objects.filter(pairing__in=members, withdrawn_at__isnull=True)
    for indicator in Indicator.values:
        for year in range(2016, 2022):
            committed = total(commitments.filter(year=year, indicator=indicator))
            delivered = total(deliveries.filter(year=year, indicator=indicator))
            assert cell(html, f"year-{year}", indicator, "committed") == shown(committed, indicator)
            assert cell(html, f"year-{year}", indicator, "delivered") == shown(delivered, indicator)
        for county in cal.POOR_COUNTIES:
            code = f"{county}000000"
            committed = total(commitments.filter(pairing__area_id=code, indicator=indicator))
            delivered = total(deliveries.filter(area_id=code, indicator=indicator))
            assert cell(html, f"county-{code}", indicator, "committed") == shown(committed, indicator)
            assert cell(html, f"county-{code}", indicator, "delivered") == shown(delivered, indicator)


def test_xiamen_sees_its_pair_with_xiji_only(demo, client):
    xiamen = Pairing.objects.get(partner__name_en="Xiamen")
    client.force_login(user("xiamen"))
    xiji = reverse("assistance:pairing_county", args=[xiamen.pk, f"{cal.XIJI}000000"])
    assert client.get(xiji).status_code == 200
    yanchi = reverse("assistance:pairing_county", args=[xiamen.pk, f"{cal.YANCHI}000000"])
    assert client.get(yanchi).status_code == 404  # not paired with Xiamen
    province = Pairing.objects.get(partner__name_en="Fujian")
    assert client.get(reverse("assistance:pairing", args=[province.pk])).status_code == 404

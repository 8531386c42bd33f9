"""The helpers' list with each helper's load, one helper's page, and who may see them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jingzhun import clock
from jingzhun.areas.models import Post, Role
from jingzhun.areas.scope import scope_for
from jingzhun.assistance import actions, helper_queries
from jingzhun.assistance.models import PlannedMeasure
from jingzhun.registry.queries import visible_area
from tests.assistance.test_board import row_ids
from tests.conftest import JIQIANG, VILLAGE_A, VILLAGE_C, XIJI, _user

pytestmark = pytest.mark.django_db
LIST = reverse("assistance:helpers")


def days_from_today(n: int) -> datetime.date:
    return clock.today() + datetime.timedelta(days=n)


@pytest.fixture
def loaded(cast, make_household, second_helper):
    """The cast's helper answers for six households of village A (one above the norm of five): five poor,
    one exited; the first has a measure ten days overdue, the second a visit three days ago (so the next
    is due in 27 days), the others were never visited. `second_helper` (township) answers for one."""
    cadre, helper = cast["cadre_a"], cast["helper"]
    households = [make_household(actor=cadre, main_cause="illness", head_name=f"马{i}",
                                 status="exited" if i == 5 else "poor") for i in range(6)]
    for household in households:
        actions.assign_helper(household, helper, actor=cadre, started_on=days_from_today(-100))
        household.refresh_from_db()
    actions.create_plan(households[0], actor=cadre, measures=[{
        "measure": "industry", "helper": helper, "start_on": days_from_today(-200),
        "due_on": days_from_today(-10)}])
    actions.create_plan(households[1], actor=cadre, measures=[{
        "measure": "skills_training", "helper": helper, "start_on": days_from_today(-200),
        "due_on": days_from_today(100)}])
    actions.record_visit(households[1], actor=helper, visited_on=days_from_today(-3), found="well")
    theirs = make_household(actor=cadre, main_cause="illness", head_name="马七")
    actions.assign_helper(theirs, second_helper, actor=cadre)
    return {"households": households, "theirs": theirs}


def test_the_list_shows_each_helper_s_load_and_highlights_those_above_the_norm(client, cast, loaded,
                                                                                second_helper):
    client.force_login(cast["county"])
    page = client.get(LIST, {"area": XIJI})
    assert page.status_code == 200 and page.context["norm"] == 5
    rows = {h.pk: h for h in page.context["page"]}
    mine = rows[cast["helper"].pk]
    assert (mine.households, mine.still_poor, mine.overdue, mine.unvisited) == (6, 5, 1, 5)
    assert mine.next_due == days_from_today(27) and mine.over_norm
    theirs = rows[second_helper.pk]
    assert (theirs.households, theirs.still_poor, theirs.overdue, theirs.unvisited) == (1, 1, 0, 1)
    assert not theirs.over_norm
    html = page.content.decode()
    assert f'<tr id="helper-{cast["helper"].pk}" class="over-norm"' in html
    assert f'<tr id="helper-{second_helper.pk}" class=""' in html
    assert "13900000002" in html and "西吉县教育局" in html
    actions.end_helper(loaded["households"][5], actor=cast["cadre_a"], reason="moved away")
    at_norm = next(h for h in client.get(LIST, {"area": XIJI}).context["page"] if h.pk == cast["helper"].pk)
    assert (at_norm.households, at_norm.over_norm) == (5, False)  # at the norm is not above it


def test_the_list_filters_by_name_or_unit_and_orders_by_load(client, cast, loaded, second_helper):
    client.force_login(cast["township"])
    found = client.get(LIST, {"q": "教育局"}).content.decode()
    assert row_ids(found, "helpers") == [f"helper-{second_helper.pk}"]
    by_load = client.get(LIST, {"order": "load"}).context["page"]
    assert [h.pk for h in by_load] == [cast["helper"].pk, second_helper.pk]


def test_the_list_takes_a_fixed_number_of_queries_however_many_helpers(cast, loaded):
    def queries_for_list() -> int:
        scope = scope_for(cast["county"])
        area = visible_area(scope, XIJI)
        with CaptureQueriesContext(connection) as captured:
            helpers = list(helper_queries.helpers_in(scope, area))
            assert all(h.households >= 0 for h in helpers)
        return len(captured)

    before = queries_for_list()
    for i in range(5):
        _user(f"more{i}", Role.HELPER, VILLAGE_A)
    assert queries_for_list() == before <= 2  # the standard's days and the list


@pytest.mark.parametrize("who, seen", [
    ("county", {"helper", "second"}), ("township", {"helper", "second"}), ("cadre_a", {"helper"}),
    ("cadre_b", set()), ("auditor", {"helper", "second"})])
def test_the_list_holds_helpers_whose_post_lies_inside_the_viewer_s_area(client, cast, second_helper, who,
                                                                          seen):
    _user("yanchi_helper", Role.HELPER, VILLAGE_C)
    client.force_login(cast[who])
    page = client.get(LIST, {"area": JIQIANG})
    names = {h.username for h in page.context["page"]}
    assert names == {{"helper": "helper", "second": "helper2"}[k] for k in seen}


@pytest.mark.parametrize("who, status", [("helper", 403), ("other_county", 404), ("outsider", 403)])
def test_the_list_is_refused_outside_the_area_and_to_helpers(client, cast, who, status):
    client.force_login(cast[who])
    assert client.get(LIST, {"area": VILLAGE_A}).status_code == status


def test_a_deactivated_helper_leaves_the_list(client, cast):
    gone = _user("gone", Role.HELPER, VILLAGE_A)
    gone.is_active = False
    gone.save()
    client.force_login(cast["county"])
    assert gone.pk not in {h.pk for h in client.get(LIST).context["page"]}


def test_the_helper_page_shows_households_history_measures_and_visits(client, cast, loaded):
    helper = cast["helper"]
    households = loaded["households"]
    actions.end_helper(households[5], actor=cast["cadre_a"], reason="moved away")
    client.force_login(cast["township"])
    page = client.get(reverse("assistance:helper", args=[helper.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    current = [f"household-{h.pk}" for h in households[:5]]
    assert row_ids(html, "helper-households") == current
    assert len(row_ids(html, "helper-history")) == 6  # the ended assignment stays in the history
    assert "moved away" in html
    overdue, later = (PlannedMeasure.objects.get(plan__household=h) for h in households[:2])
    assert row_ids(html, "helper-measures") == [f"measure-{overdue.pk}", f"measure-{later.pk}"]
    assert len(row_ids(html, "helper-visits")) == 1


def test_households_of_and_next_visits_of_serve_the_phone_page(cast, loaded):
    helper = cast["helper"]
    households = loaded["households"]
    actions.schedule_visit(households[2], actor=helper, due_on=days_from_today(5))
    rows = {row.household.pk: row for row in helper_queries.households_of(helper)}
    assert set(rows) == {h.pk for h in households}
    first, second = rows[households[0].pk], rows[households[1].pk]
    assert first.head_name == "马0" and first.has_plan and first.overdue == 1
    assert (first.progress.delivered, first.progress.total) == (0, 1)
    assert second.next_due == days_from_today(27) and not second.unvisited and first.unvisited
    assert not rows[households[3].pk].has_plan
    visits = helper_queries.next_visits_of(helper)
    assert [(v.household_id, v.due_on) for v in visits] == [(households[2].pk, days_from_today(5)),
                                                           (households[1].pk, days_from_today(27))]
    assert visits[0].head_name == "马2"
    actions.end_helper(households[2], actor=cast["cadre_a"], reason="moved away")
    assert [v.household_id for v in helper_queries.next_visits_of(helper)] == [households[1].pk]
    scope = scope_for(cast["county"])
    listed = next(h for h in helper_queries.helpers_in(scope, visible_area(scope, XIJI)) if h.pk == helper.pk)
    assert listed.next_due == days_from_today(27)  # the visit left behind is not the helper's to make


@pytest.mark.parametrize("who, status", [
    ("helper", 200), ("cadre_a", 200), ("county", 200), ("auditor", 200), ("cadre_b", 404),
    ("other_county", 404), ("outsider", 403)])
def test_a_helper_page_is_for_officers_of_the_helper_s_area_and_the_helper(client, cast, who, status):
    client.force_login(cast[who])
    assert client.get(reverse("assistance:helper", args=[cast["helper"].pk])).status_code == status


def test_helpers_do_not_see_each_other_and_non_helpers_have_no_helper_page(client, cast, second_helper):
    client.force_login(second_helper)
    assert client.get(reverse("assistance:helper", args=[cast["helper"].pk])).status_code == 404
    client.force_login(cast["county"])
    assert client.get(reverse("assistance:helper", args=[cast["cadre_a"].pk])).status_code == 404
    Post.objects.filter(user=second_helper).update(area_id=VILLAGE_C)
    assert client.get(reverse("assistance:helper", args=[second_helper.pk])).status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client, cast):
    page = client.get(reverse("assistance:helper", args=[cast["helper"].pk]))
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]

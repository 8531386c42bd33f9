"""The helper's own page: their next visits first, then their households, and nobody else's."""

import datetime

import pytest
from django.urls import NoReverseMatch, reverse

from jingzhun import clock
from jingzhun.assistance import actions
from tests.conftest import VILLAGE_B

pytestmark = pytest.mark.django_db

URL = "/assistance/my/"


@pytest.fixture
def two_households(cast, helped, make_household, second_helper):
    """`helped` (a plan, a visit due today) and a second household of the helper with nothing planned;
    a third in village B belongs to another helper."""
    actions.schedule_visit(helped, actor=cast["helper"], due_on=clock.today())
    bare = make_household(actor=cast["cadre_a"], head_name="马兰花", main_cause="illness")
    actions.assign_helper(bare, cast["helper"], actor=cast["cadre_a"])
    theirs = make_household(VILLAGE_B, actor=cast["cadre_b"], head_name="李四", main_cause="illness")
    actions.assign_helper(theirs, second_helper, actor=cast["cadre_b"])
    theirs.refresh_from_db()
    actions.schedule_visit(theirs, actor=second_helper, due_on=clock.today())
    return helped, bare, theirs


def test_url_name():
    assert reverse("assistance:my") == URL


def test_helper_sees_next_visits_first_then_their_households(client, cast, two_households):
    helped, bare, theirs = two_households
    client.force_login(cast["helper"])
    response = client.get(URL)
    text = response.content.decode()
    visit = helped.visits.get(visited_on__isnull=True)
    assert text.index('id="next-visits"') < text.index('id="my-households"')
    card = text.split(f'id="next-visit-{visit.pk}"')[1].split("</li>")[0]
    assert reverse("assistance:visit", args=[visit.pk]) in card and 'data-overdue="0"' in card
    assert f'id="my-household-{helped.pk}"' in text and f'id="my-household-{bare.pk}"' in text
    assert f'id="my-household-{theirs.pk}"' not in text and "李四" not in text
    open_count = helped.plan.measures.count()
    assert f'data-open="{open_count}"' in text.split(f'id="my-household-{helped.pk}"')[1].split("</li>")[0]
    assert "phone.css" in text and 'name="viewport"' in text


def test_overdue_visits_are_marked(client, cast, two_households, monkeypatch):
    later = clock.today() + datetime.timedelta(days=3)
    monkeypatch.setattr(clock, "today", lambda: later)
    client.force_login(cast["helper"])
    text = client.get(URL).content.decode()
    assert 'class="card overdue"' in text and 'data-overdue="1"' in text


def test_households_show_progress_open_measures_and_last_visit(client, cast, two_households):
    helped, bare, _theirs = two_households
    measure = helped.plan.measures.first()
    actions.move_measure(measure, "delivered", actor=cast["helper"])
    actions.record_visit(helped, actor=cast["helper"], visited_on=clock.today(), found="ok")
    client.force_login(cast["helper"])
    response = client.get(URL)
    rows = {row["r"].household.pk: row for row in response.context["rows"]}
    assert set(rows) == {helped.pk, bare.pk}
    total = helped.plan.measures.count()
    progress = rows[helped.pk]["r"].progress
    assert (progress.delivered, progress.total, rows[helped.pk]["open"]) == (1, total, total - 1)
    assert rows[helped.pk]["r"].last_visit == clock.today()
    assert not rows[bare.pk]["r"].has_plan and rows[bare.pk]["r"].last_visit is None
    card = response.content.decode().split(f'id="my-household-{helped.pk}"')[1].split("</li>")[0]
    assert f'data-open="{total - 1}"' in card and "<progress" in card and "马德福" in card


def test_a_closed_household_leaves_the_page(client, cast, two_households):
    from jingzhun.registry import actions as registry

    _helped, bare, _theirs = two_households
    registry.change_status(bare, "closed", actor=cast["cadre_a"], reason="moved")
    client.force_login(cast["helper"])
    assert f'id="my-household-{bare.pk}"' not in client.get(URL).content.decode()


def test_a_household_handed_to_another_helper_leaves_the_page(client, cast, two_households, second_helper):
    helped, bare, _theirs = two_households
    actions.assign_helper(helped, second_helper, actor=cast["cadre_a"], reason="调动")
    client.force_login(cast["helper"])
    text = client.get(URL).content.decode()
    assert f'id="my-household-{helped.pk}"' not in text and f'id="my-household-{bare.pk}"' in text
    assert 'id="next-visit-' not in text
    client.force_login(second_helper)
    assert f'id="my-household-{helped.pk}"' in client.get(URL).content.decode()


def test_the_page_reads_in_a_fixed_number_of_queries(client, cast, two_households, make_household,
                                                      django_assert_max_num_queries):
    for i in range(5):
        household = make_household(actor=cast["cadre_a"], head_name=f"马{i}", main_cause="illness")
        actions.assign_helper(household, cast["helper"], actor=cast["cadre_a"])
        household.refresh_from_db()  # the action sets the helper on its own locked copy
        actions.create_plan(household, actor=cast["cadre_a"])
        actions.schedule_visit(household, actor=cast["helper"], due_on=clock.today())
    client.force_login(cast["helper"])
    with django_assert_max_num_queries(16):
        response = client.get(URL)
    assert response.content.decode().count('id="my-household-') == 7


def test_others_are_sent_to_the_board_or_refused(client, cast):
    client.force_login(cast["cadre_a"])
    response = client.get(URL)
    try:
        board = reverse("assistance:board")
    except NoReverseMatch:
        assert response.status_code == 403
    else:
        assert response.status_code == 302 and response["Location"] == board
    for who in ("outsider",):
        client.force_login(cast[who])
        assert client.get(URL).status_code == 403
    client.logout()
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_helper_with_no_household_sees_empty_lists(client, cast):
    client.force_login(cast["helper"])
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["rows"] == [] and response.context["visits"] == []

"""The village board: the households of a village missing a helper, a plan or a recent visit, counts per
child area, its CSV, and who may open it."""

import csv
import datetime
import io
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from jingzhun import clock
from jingzhun.assistance import actions
from jingzhun.assistance.models import Visit
from tests.conftest import JIQIANG, VILLAGE_A, VILLAGE_B, XIJI

pytestmark = pytest.mark.django_db
BOARD = reverse("assistance:board")
EXPORT = reverse("assistance:board_export")


class _Rows(HTMLParser):
    """The rows inside each table that has an id: household-<pk> for a household's row (one household
    may stand in several tables, so its row id is the table's), else the row's id."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[str]] = {}
        self._open: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._open.append(attrs.get("id"))
            if attrs.get("id"):
                self.tables.setdefault(attrs["id"], [])
        elif tag == "tr" and self._open and self._open[-1] and attrs.get("id"):
            household = attrs.get("data-household")
            self.tables[self._open[-1]].append(f"household-{household}" if household else attrs["id"])

    def handle_endtag(self, tag):
        if tag == "table" and self._open:
            self._open.pop()


def row_ids(html: str, table_id: str) -> list[str]:
    parser = _Rows()
    parser.feed(html)
    assert table_id in parser.tables, f"no table {table_id}"
    return parser.tables[table_id]


def days_ago(n: int) -> datetime.date:
    return clock.today() - datetime.timedelta(days=n)


@pytest.fixture
def village(cast, make_household):
    """Village A: `bare` has nothing, `done` has a helper, a plan and a visit last week, `stale` was last
    visited 120 days ago, `unplanned` has a helper and a recent visit but no plan; an applicant (not
    registered) lacks everything but is not on the board. Village B: one household without a helper."""
    cadre, helper = cast["cadre_a"], cast["helper"]
    made = {name: make_household(actor=cadre, main_cause="illness", head_name=head)
            for name, head in (("bare", "马一"), ("done", "马二"), ("stale", "马三"), ("unplanned", "马四"))}
    made["applicant"] = make_household(actor=cadre, status="applicant", head_name="马五")
    for name in ("done", "stale", "unplanned"):
        actions.assign_helper(made[name], helper, actor=cadre, started_on=days_ago(200))
        made[name].refresh_from_db()
    for name in ("done", "stale"):
        actions.create_plan(made[name], actor=cadre)
    for name in ("done", "unplanned"):
        actions.record_visit(made[name], actor=helper, visited_on=days_ago(7), found="all well")
    visit = actions.record_visit(made["stale"], actor=helper, visited_on=days_ago(7), found="roof")
    Visit.objects.filter(pk=visit.pk).update(visited_on=days_ago(120))  # dated back
    made["other"] = make_household(VILLAGE_B, actor=cast["cadre_b"], main_cause="illness", head_name="杨一")
    return made


def ids(*households) -> list[str]:
    return [f"household-{h.pk}" for h in sorted(households, key=lambda h: h.number)]


def test_the_village_board_lists_exactly_the_households_with_each_gap(client, cast, village):
    client.force_login(cast["cadre_a"])
    page = client.get(BOARD)  # the cadre's own village by default
    assert page.status_code == 200 and page.context["area"].code == VILLAGE_A
    html = page.content.decode()
    assert row_ids(html, "without-helper") == ids(village["bare"])
    assert row_ids(html, "without-plan") == ids(village["bare"], village["unplanned"])
    assert row_ids(html, "unvisited") == ids(village["bare"], village["stale"])
    gaps = page.context["gaps"]
    assert (gaps.registered, gaps.gaps) == (4, 3)
    assert gaps.since == days_ago(90)  # the shipped unvisited_alert_days
    assert f'<dd id="board-since">{days_ago(90):%Y-%m-%d}</dd>' in html
    assert reverse("registry:household", args=[village["bare"].pk]) in html
    assert "马三" in html and days_ago(120).isoformat() in html  # head and last visit of the stale one


def test_a_township_board_counts_each_village_and_links_down(client, cast, village):
    client.force_login(cast["township"])
    page = client.get(BOARD)
    assert page.context["area"].code == JIQIANG
    counts = {c.area.code: c for c in page.context["counts"]}
    a, b = counts[VILLAGE_A], counts[VILLAGE_B]
    assert (a.registered, a.without_helper, a.without_plan, a.unvisited) == (4, 1, 2, 2)
    assert (b.registered, b.without_helper, b.without_plan, b.unvisited) == (1, 1, 1, 1)
    assert page.context["total"] == {"registered": 5, "without_helper": 2, "without_plan": 3, "unvisited": 3}
    html = page.content.decode()
    assert f"area-{VILLAGE_A}" in row_ids(html, "gap-counts")
    assert f'href="{BOARD}?area={VILLAGE_A}"' in html
    village_page = client.get(BOARD, {"area": VILLAGE_A})
    assert row_ids(village_page.content.decode(), "without-helper") == ids(village["bare"])
    assert f'href="{BOARD}?area={XIJI}"' in village_page.content.decode()  # breadcrumbs back up


def test_a_county_board_counts_its_townships(client, cast, village):
    client.force_login(cast["auditor"])  # auditors read the board too
    page = client.get(BOARD, {"area": XIJI})
    jiqiang = next(c for c in page.context["counts"] if c.area.code == JIQIANG)
    assert (jiqiang.registered, jiqiang.without_helper) == (5, 2)
    assert page.context["total"]["registered"] == 5


def test_a_cadre_on_the_township_board_sees_only_their_village(client, cast, village):
    client.force_login(cast["cadre_a"])
    page = client.get(BOARD, {"area": JIQIANG})
    assert [c.area.code for c in page.context["counts"]] == [VILLAGE_A]


@pytest.mark.parametrize("who, status", [("helper", 403), ("cadre_b", 404), ("other_county", 404)])
def test_the_board_is_refused_to_helpers_and_hidden_outside_the_area(client, cast, village, who, status):
    client.force_login(cast[who])
    assert client.get(BOARD, {"area": VILLAGE_A}).status_code == status
    assert client.get(EXPORT, {"area": VILLAGE_A}).status_code == status


def test_anonymous_and_postless_users_are_turned_away(client, cast, village):
    page = client.get(BOARD, {"area": VILLAGE_A})
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    client.force_login(cast["outsider"])
    assert client.get(BOARD, {"area": VILLAGE_A}).status_code == 403


def test_the_csv_has_one_row_per_gap(client, cast, village):
    client.force_login(cast["township"])
    response = client.get(EXPORT, {"area": VILLAGE_A})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    numbers = sorted(row[0] for row in rows[1:])
    expected = [village["bare"].number] * 3 + [village["stale"].number, village["unplanned"].number]
    assert numbers == sorted(expected)
    assert all(row[7] == VILLAGE_A for row in rows[1:])
    assert client.get(EXPORT, {"area": JIQIANG}).status_code == 404  # a village's list only


def test_the_csv_is_offered_only_to_roles_that_export(client, cast, village):
    client.force_login(cast["cadre_a"])
    assert 'id="board-csv"' in client.get(BOARD).content.decode()

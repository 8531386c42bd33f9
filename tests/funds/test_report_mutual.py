"""One rule for the county's figures: the yearly account's mutual section and the mutual funds page say
the same for the same area and day, written-off loans included, on test_mutual_pages' worked example (loan
C written off; the story's arithmetic is in that module)."""

import datetime
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from jingzhun.areas.scope import scope_for
from jingzhun.funds import mutual_actions, report_queries
from tests.conftest import VILLAGE_A, XIJI

from .test_mutual_pages import LIST, elements, move_to
from .test_mutual_pages import example as example  # the fixture

pytestmark = pytest.mark.django_db
REPORT = reverse("funds:report")


def report_items(client, user, area: str, year: int) -> dict[str, str]:
    """The account page's mutual section: each item's shown text by its key."""
    client.force_login(user)
    html = client.get(REPORT, {"area": area, "year": year}).content.decode()
    section = html[html.index('id="report-mutual"'):]
    section = section[:section.index("</table>")]
    return dict(re.findall(r'<tr data-item="([a-z_]+)"><th>.*?</th><td class="num">(.*?)</td></tr>', section))


def number(text: str) -> D:
    return D(text.replace(",", ""))


# (today, the write-off's day, the figures of the 2020 account and of the page on its day)
STORIES = [
    # Written off on 1 September, read on 30 September: C is neither overdue nor outstanding.
    (datetime.date(2020, 9, 30), datetime.date(2020, 9, 1), {
        "due": "6000.00", "repaid": "1644.00", "rate": "0.2740", "active": "3", "outstanding": "8814.00",
        "written_off": "1542.00", "overdue": "2", "overdue_principal": "2814.00", "overdue_fee": "35.00"}),
    # Written off on 20 January 2021, the 2020 account read: on 31 December C was overdue and being repaid.
    # Due by then: B 3,000, C 2,000, E 1,000 (A and D fall due in January); overdue C 1,542, B 1,814 + 21,
    # E 1,000 + 14; outstanding A 6,000 + B 1,814 + C 1,542 + E 1,000.
    (datetime.date(2021, 2, 1), datetime.date(2021, 1, 20), {
        "due": "6000.00", "repaid": "1644.00", "rate": "0.2740", "active": "4", "outstanding": "10356.00",
        "written_off": "0.00", "overdue": "3", "overdue_principal": "4356.00", "overdue_fee": "35.00"}),
]


# The account page's items and the figures above they show.
PAGE_ITEMS = {"due": "due", "repaid": "repaid", "loans_outstanding": "active", "outstanding": "outstanding",
              "written_off": "written_off", "overdue_loans": "overdue",
              "overdue_principal": "overdue_principal", "overdue_fee": "overdue_fee"}


@pytest.mark.parametrize("today, closed_on, expected", STORIES, ids=["before", "after-the-year-end"])
def test_the_account_and_the_mutual_funds_page_say_the_same(client, cast, example, monkeypatch, today,
                                                             closed_on, expected):
    move_to(monkeypatch, today)
    mutual_actions.write_off(example["c"], actor=cast["county"], reason="户主病故", closed_on=closed_on)
    account = report_queries.account(scope_for(cast["county"]), XIJI, 2020)
    as_of = min(today, datetime.date(2020, 12, 31))
    assert account.as_of == as_of
    page = elements(client, cast["county"], LIST, area=XIJI, on=as_of.isoformat()).found["mutual-total"]
    shown = {key: page[f"data-{key.replace('_', '-')}"] for key in expected}
    assert shown == expected
    mutual = account.mutual
    assert {
        "due": str(mutual.rate.due), "repaid": str(mutual.rate.repaid),
        "rate": str(mutual.rate.rate.quantize(D("0.0001"))), "active": str(mutual.loans_outstanding),
        "outstanding": str(mutual.outstanding), "written_off": str(mutual.written_off),
        "overdue": str(mutual.overdue_loans), "overdue_principal": str(mutual.overdue_principal),
        "overdue_fee": str(mutual.overdue_fee)} == expected
    # The account's page shows the same figures.
    items = report_items(client, cast["county"], XIJI, 2020)
    assert {key: number(items[item]) for item, key in PAGE_ITEMS.items()} == {
        key: D(expected[key]) for key in PAGE_ITEMS.values()}
    assert items["repayment_rate"] == "27.4%"
    # The year's loans: all five were issued in 2020.
    assert (mutual.loans_issued, mutual.principal_issued, mutual.funds) == (5, D("16000.00"), 2)


def test_a_helper_reads_the_villages_sums_the_cadre_reads_on_the_page(client, cast, example):
    mutual_actions.write_off(example["c"], actor=cast["county"], reason="户主病故")
    client.force_login(cast["helper"])
    assert client.get(LIST, {"area": VILLAGE_A}).status_code == 403  # no fund's page for a helper
    helper = report_queries.account(scope_for(cast["helper"]), VILLAGE_A, 2020).mutual
    page = elements(client, cast["cadre_a"], LIST, area=VILLAGE_A).found["mutual-total"]
    sums = (helper.rate.due, helper.outstanding, helper.written_off, helper.overdue_loans)
    assert tuple(map(str, sums)) == (
        page["data-due"], page["data-outstanding"], page["data-written-off"], page["data-overdue"]) == (
        "5000.00", "7814.00", "1542.00", "1")

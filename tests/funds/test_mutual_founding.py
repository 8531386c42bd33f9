"""The founding rule reads registered households (建档立卡户) as poor, exited ones included: the rule is
about the fund's founding, and by now most members of a fund founded in 2011 have left poverty."""

import datetime

import pytest
from django.urls import reverse

from jingzhun.funds import mutual_actions as actions
from jingzhun.policy.models import Standard
from tests.conftest import VILLAGE_A

pytestmark = pytest.mark.django_db
FOUNDED = datetime.date(2016, 3, 1)


@pytest.fixture
def small_rule():
    # Two member households instead of fifty, so that a test village can meet or miss the rule.
    Standard.objects.create(key="mutual_fund_min_households", jurisdiction="640422", year_from=2006, value=2,
                            source="test")


def fund_of(cast, households):
    fund = actions.found_fund(VILLAGE_A, actor=cast["cadre_a"], founded_on=FOUNDED)
    for household in households:
        actions.add_member(fund, household, actor=cast["cadre_a"], joined_on=FOUNDED)
    return fund


def warning_shown(client, cast, fund) -> bool:
    client.force_login(cast["county"])
    page = client.get(reverse("funds:mutual_fund", args=[fund.pk])).content.decode()
    return 'id="founding-warning"' in page


def test_exited_members_count_as_registered_poor(client, cast, make_household, small_rule):
    exited = [make_household(actor=cast["cadre_a"], head_name=f"马{i}", status="exited") for i in range(3)]
    assert not warning_shown(client, cast, fund_of(cast, exited))


def test_members_never_registered_leave_the_fund_short(client, cast, make_household, small_rule):
    others = [make_household(actor=cast["cadre_a"], head_name=f"杨{i}", status="non_poor") for i in range(3)]
    assert warning_shown(client, cast, fund_of(cast, others))

import datetime

import pytest

from jingzhun.areas.models import Post, Role
from jingzhun.assistance import actions
from tests.conftest import VILLAGE_A, _user, make_id_number


@pytest.fixture
def second_helper(cast):
    """Another helper of village A's township: may answer for households of village A and B."""
    user = _user("helper2", Role.HELPER, VILLAGE_A[:9] + "000")
    Post.objects.filter(user=user).update(unit="西吉县教育局", title="科员", phone="13900000002")
    return user


@pytest.fixture
def helped(cast, make_household):
    """A poor household of village A with the cast's helper answering for it and a plan from its causes."""
    household = make_household(actor=cast["cadre_a"], size=3, main_cause="lack_capital",
                               other_causes=["illness"])
    actions.assign_helper(household, cast["helper"], actor=cast["cadre_a"],
                          started_on=datetime.date(2020, 3, 1))
    household.refresh_from_db()
    actions.create_plan(household, actor=cast["cadre_a"], year=2020)
    return household


def add_adult(household, actor, **fields):
    from jingzhun.registry import actions as registry

    values = {"name": "马成", "relation": "son", "education": "junior", "labour": "ordinary",
              "id_number": make_id_number(born=datetime.date(1995, 4, 2)),
              "joined_on": datetime.date(2014, 3, 1)}
    return registry.add_member(household, actor=actor, **{**values, **fields})


@pytest.fixture
def english():
    """Messages read in English: these tests match the actions' words."""
    from django.utils import translation

    with translation.override("en"):
        yield

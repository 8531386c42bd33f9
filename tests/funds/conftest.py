import datetime

import pytest
from django.utils import timezone

from jingzhun.funds import actions
from jingzhun.funds.models import Project
from tests.conftest import VILLAGE_A, VILLAGE_B, XIJI

TODAY = datetime.date(2020, 6, 30)


@pytest.fixture(autouse=True)
def calendar(monkeypatch):
    now = timezone.make_aware(datetime.datetime(2020, 6, 30, 10, 0))
    monkeypatch.setattr("jingzhun.clock.today", lambda: TODAY)
    monkeypatch.setattr("jingzhun.clock.now", lambda: now)


def make_fund(actor, *, source="central", year=2020, purposes=("infrastructure", "industry"),
              name="中央财政专项扶贫资金"):
    return actions.create_fund(actor=actor, area_code=XIJI, source=source, year=year, name=name,
                               purposes=purposes)


def make_project(actor=None, *, area=VILLAGE_A, kind="road", purpose="infrastructure", budget="500000",
                 name="通村公路硬化"):
    return Project.objects.create(area_id=area, name=name, kind=kind, purpose=purpose, year=2020,
                                  budget=budget, output_planned=5, created_by=actor,
                                  created_at=timezone.now())


@pytest.fixture
def books(cast):
    """A Xiji fund and two village projects, kept by the county officer."""
    county = cast["county"]
    return {"fund": make_fund(county), "road": make_project(county),
            "cattle": make_project(county, area=VILLAGE_B, kind="industry", purpose="industry",
                                   budget="200000", name="肉牛养殖")}

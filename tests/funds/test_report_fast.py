"""The yearly account reads its ledger in one pass (the year's flows and the balances at its end): the
same totals as totals_by over the year's entries and over all of them, with reversals across the year's
start, recoveries, and funds that moved only in an earlier year."""

import datetime

import pytest

from jingzhun.areas.scope import scope_for
from jingzhun.funds import actions, report_queries
from jingzhun.funds.queries import totals_by, visible_entries
from tests.conftest import XIJI

from .conftest import make_fund, make_project
from .test_report_figures import report_books as report_books  # the fixture

pytestmark = pytest.mark.django_db
D = datetime.date
KEYS = ("fund_id", "project__purpose")


def _moved(totals: dict) -> dict:
    return {key: t for key, t in totals.items() if (t.received, t.allocated, t.spent) != (0, 0, 0)}


def test_one_pass_over_the_ledger_says_what_totals_by_says(cast, report_books):
    county = cast["county"]
    # Received in 2019 and reversed in 2020; received in 2018, then on 1 January 2020.
    mistaken = make_fund(county, year=2019, purposes=("industry",), name="误记资金")
    receipt = actions.receive(mistaken, actor=county, amount="5000", on=D(2019, 12, 1))
    actions.reverse(receipt, actor=county, reason="重复入账", on=D(2020, 2, 1))
    idle = make_fund(county, year=2018, purposes=(), name="2018年结余资金")
    actions.receive(idle, actor=county, amount="3000", on=D(2018, 3, 1))
    actions.receive(idle, actor=county, amount="700", on=D(2020, 1, 1))  # the year's first day is the year's
    # Allocated in 2019, recovered in 2020; an allocation reversed within the year.
    project = make_project(county, name="2019年水窖", kind="wells", purpose="infrastructure", budget="90000")
    actions.allocate(idle, project, actor=county, amount="2000", on=D(2019, 4, 1))
    actions.recover(idle, project, actor=county, amount="500", on=D(2020, 3, 1), memo="结余退回")
    again = actions.allocate(idle, project, actor=county, amount="300", on=D(2020, 3, 2))
    actions.reverse(again, actor=county, reason="金额错误", on=D(2020, 3, 3))
    scope = scope_for(county)
    for year in (2018, 2019, 2020):
        start, as_of = D(year, 1, 1), D(year, 12, 31)
        entries = visible_entries(scope).filter(fund__area__code__startswith=XIJI[:6], on__lte=as_of)
        flows, ends = report_queries._year_and_end(entries, start)
        assert _moved(flows) == _moved(totals_by(entries.filter(on__gte=start), *KEYS)), year
        assert ends == totals_by(entries, *KEYS), year
        assert _moved(flows)  # something moved in each year
    # In 2020 the mistaken fund's money came back out, the idle fund's recovery raised its unallocated.
    flows, ends = report_queries._year_and_end(visible_entries(scope), D(2020, 1, 1))
    assert flows[mistaken.pk, None].received == -5000 and ends[mistaken.pk, None].received == 0
    assert flows[idle.pk, "infrastructure"].allocated == -500
    assert ends[idle.pk, "infrastructure"].allocated == 1500


def test_the_projects_list_counts_each_projects_households(cast, report_books, make_household):
    """The list counts the beneficiaries of the projects it shows, none of another's."""
    from jingzhun.funds.models import Beneficiary
    from jingzhun.funds.project_queries import ProjectFilter, search_projects
    from jingzhun.registry.queries import visible_area

    road, cattle = report_books["road"], report_books["cattle"]
    homes = [make_household(actor=cast["cadre_a"], head_name=f"刘{n}") for n in range(3)]
    for home in homes:
        Beneficiary.objects.create(project=road, household=home, added_on=D(2020, 3, 1))
    Beneficiary.objects.create(project=cattle, household=homes[0], added_on=D(2020, 3, 1))
    scope = scope_for(cast["county"])
    listed = search_projects(scope, ProjectFilter(area=XIJI), visible_area(scope, XIJI))
    counts = {p.pk: p.beneficiary_count for p in listed}
    assert counts[road.pk] == 3 and counts[cattle.pk] == 1
    assert set(counts.values()) == {0, 1, 3}
    assert listed.count() == len(counts)

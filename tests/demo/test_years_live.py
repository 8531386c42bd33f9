"""After the demo users: third-party samples that pass, exit reports with them, the 2021 monitoring list,
and procedures under way in the cadres' villages taken through the real actions."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from jingzhun import clock
from jingzhun.areas.loader import load_ningxia
from jingzhun.areas.models import Area, Level
from jingzhun.demo import calibration as cal
from jingzhun.demo.generate import generate_region
from jingzhun.demo.live_cases import open_live_cases
from jingzhun.demo.users import create_demo_users
from jingzhun.demo.verification import verify_and_monitor
from jingzhun.demo.years import run_years
from jingzhun.errors import InvalidTransition
from jingzhun.identification import actions
from jingzhun.identification.models import AreaCase, CaseEvent, Risk
from jingzhun.registry.models import AuditEvent


@pytest.fixture
def demo(db):
    if not Area.objects.filter(level=Level.VILLAGE).exists():
        load_ningxia()
    summary = generate_region(households=600, seed=11)
    run_years(summary.fates, seed=11, showcase=summary.cadre_village)
    create_demo_users(summary.cadre_village, summary.cadre2_village, seed=11)
    samples, risks = verify_and_monitor(11)
    return summary, samples, risks, open_live_cases(summary.cadre_village, summary.cadre2_village, seed=11)


def test_every_exited_county_has_a_passing_sample_and_a_report_that_passes(demo):
    _summary, samples, _risks, _live = demo
    assert set(samples) <= set(cal.POOR_COUNTIES) and cal.XIJI in samples  # the rest as households fall
    for county, sample in samples.items():
        year, dates = cal.COUNTY_EXITS[county]
        results = sample.results
        assert sample.year == year and results["complete"] and results["passes"], results
        counts = results["counts"]
        assert counts["wrongly_exited"] <= Decimal("0.02") * counts["exited"]
        assert counts["missed_found"] <= Decimal("0.02") * counts["residents_checked"]
        assert counts["approving"] > Decimal("0.9") * counts["surveyed"]
        assert sample.drawn_at.date().isoformat() < dates[2]
        report = AreaCase.objects.get(kind="county_exit", area_id=sample.county_id).report
        assert report["passes"] and report["sample_complete"] and report["sample"]["id"] == sample.pk
        assert "households" not in report["sample"]


def test_the_demo_county_has_a_2021_monitoring_list(demo):
    _summary, _samples, risks, _live = demo
    flagged = Risk.objects.filter(year=2021)
    assert flagged.exists() and all(r.household.village_id.startswith(cal.XIJI) for r in flagged)
    assert sum(risks[group] for group in ("unstable", "marginal", "hardship")) == flagged.count()


def test_live_cases_are_under_way_in_the_cadres_villages(demo):
    summary, _samples, _risks, live = demo
    User = get_user_model()
    cadre = User.objects.get(username="cadre")
    applied = live.applied
    assert applied.state == "applied" and applied.household.status == "applicant"
    assert applied.household.village_id == summary.cadre_village
    assert AuditEvent.objects.filter(household=applied.household, action="create", actor=cadre).exists()
    on_notice = live.on_notice
    assert on_notice.state == "first_notice" and on_notice.household.village_id == summary.cadre2_village
    notice = on_notice.notices.get()
    assert notice.is_open and notice.starts_on == clock.today()
    assert [o.answered for o in notice.objections.all()] == [False]
    with pytest.raises(InvalidTransition):  # the notice is up for its seven days, the objection waits
        actions.take_step(on_notice, "township_review", actor=User.objects.get(username="township"))
    proposed = live.exit_proposed
    assert proposed.state == "proposed" and proposed.household.status == "returned"
    assert proposed.household.village_id == summary.cadre_village
    events = CaseEvent.objects.filter(case__in=[applied, on_notice, proposed])
    assert events.count() == 1 + 3 + 1 and all(e.actor_id for e in events)

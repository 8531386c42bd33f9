"""`jingzhun monitor`: flags an area's risks as a user and prints the counts per group."""

import io

import pytest
from django.core.management import CommandError, call_command

from jingzhun.identification.models import Risk
from jingzhun.registry import actions
from tests.conftest import VILLAGE_A, XIJI


def run(*args) -> str:
    out = io.StringIO()
    call_command("monitor", *args, stdout=out)
    return out.getvalue()


def test_monitor_prints_counts_per_group(cast, make_household):
    exited = make_household(actor=cast["cadre_a"], status="exited")
    actions.record_income(exited, 2021, actor=cast["cadre_a"], wages="5000")
    marginal = make_household(actor=cast["cadre_a"], status="non_poor")
    actions.record_income(marginal, 2021, actor=cast["cadre_a"], wages="5900")
    output = run("--year", "2021", "--area", XIJI, "--user", "xiji", "--language", "en")
    assert "households checked: 2" in output
    assert "unstable exited household: 1" in output and "marginal household at risk: 1" in output
    assert "household hit by sudden severe hardship: 0" in output
    assert Risk.objects.count() == 2
    again = run("--year", "2021", "--area", XIJI, "--user", "xiji", "--language", "en")
    assert "already flagged for the year: 2" in again and Risk.objects.count() == 2


@pytest.mark.parametrize("args, message", [
    (["--user", "nobody", "--area", XIJI], "No user"),
    (["--user", "auditor", "--area", XIJI], "may read monitoring records but not change them"),
    (["--user", "cadre_a", "--area", XIJI], "outside your area"),
    (["--user", "xiji", "--area", "640422999999"], "no area with this code"),
])
def test_monitor_refuses_what_the_user_may_not_do(cast, args, message):
    with pytest.raises(CommandError, match=message):
        run("--year", "2021", "--language", "en", *args)
    assert not Risk.objects.exists()


def test_a_village_cadre_flags_the_own_village(cast, make_household):
    household = make_household(actor=cast["cadre_a"], status="exited")
    actions.record_income(household, 2021, actor=cast["cadre_a"], wages="100")
    run("--year", "2021", "--area", VILLAGE_A, "--user", "cadre_a")
    assert Risk.objects.get().household == household

"""Once the demo users exist: the third-party check of every exited county and the 2021 monitoring list.

Each poor county's sample is drawn by area_actions.draw_sample (seeded) as the province officer, dated
before its assessment step, and given synthetic field results that pass (wrong exits and missed poor
under 2%, approval over 90%: assumed, as every Ningxia county passed); its exit report is then remade by
exit_reports with the sample. The demo county's 2021 risks are flagged by monitoring.flag_risks.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from jingzhun.areas.models import Population
from jingzhun.errors import DomainError
from jingzhun.identification import area_actions, monitoring, sampling
from jingzhun.identification.models import Sample, SampledHousehold, SampledVillage

from . import calibration as cal
from .area_exits import county_code, keep_county_report

WRONG_EXIT_SHARE = 0.01  # of exited households surveyed (assumed; the veto is 2%)
APPROVAL = 0.96  # (assumed; the veto is 90%)
SURVEYED = 0.97
CHECKED_SHARE = (0.05, 0.15)  # of a sampled village's residents checked for missed poor (assumed)
MISSED_PER_THOUSAND = 5  # (assumed; the veto is 2%)


def field_results(rng, sample: Sample) -> None:
    households = list(sample.households.order_by("household_id"))
    for sampled in households:
        sampled.surveyed = rng.random() < SURVEYED
        sampled.approves = rng.random() < APPROVAL if sampled.surveyed else None
        sampled.wrongly_exited = False if sampled.surveyed and sampled.stratum == sampling.EXITED else None
    exited = [s for s in households if s.wrongly_exited is False]
    for sampled in rng.sample(exited, int(len(exited) * WRONG_EXIT_SHARE)):
        sampled.wrongly_exited, sampled.note = True, "收入核算有误，实际未稳定超过标准"
    surveyed = [s for s in households if s.surveyed]
    while surveyed and sum(s.approves for s in surveyed) <= 0.9 * len(surveyed):  # the veto: over 90%
        next(s for s in surveyed if not s.approves).approves = True
    SampledHousehold.objects.bulk_update(households, ["surveyed", "approves", "wrongly_exited", "note"])
    villages = list(sample.villages.order_by("village_id"))
    people = dict(Population.objects.filter(year=sample.year, area_id__in=[v.village_id for v in villages])
                  .values_list("area_id", "persons"))
    for sampled in villages:
        residents = people.get(sampled.village_id, 100)
        sampled.population_checked = max(10, int(residents * rng.uniform(*CHECKED_SHARE)))
        sampled.missed_found = int(sampled.population_checked * MISSED_PER_THOUSAND / 1000 * rng.random() * 2)
    SampledVillage.objects.bulk_update(villages, ["population_checked", "missed_found"])


@transaction.atomic
def verify_counties(seed: int, *, province) -> dict[str, Sample]:
    """Draw, fill and keep the third-party sample of each poor county, and remake its exit report (a
    county whose drawn villages hold no household keeps its report without a sample)."""
    rng = random.Random(seed * 7919 + 3)
    samples = {}
    for number, county in enumerate(cal.POOR_COUNTIES):
        year, dates = cal.COUNTY_EXITS[county]
        try:
            sample = area_actions.draw_sample(county_code(county), year, actor=province, seed=seed + number)
        except DomainError:  # a small demo may have no household in the villages drawn
            continue
        assessed = datetime.datetime.fromisoformat(f"{dates[2]}T09:00:00+08:00")
        sample.drawn_at = assessed - datetime.timedelta(days=30)
        sample.save(update_fields=["drawn_at"])
        field_results(rng, sample)
        area_actions.compute_results(sample)
        keep_county_report(county, sample)
        samples[county] = sample
    return samples


def flag_2021(county: str = cal.XIJI, *, actor) -> dict[str, int]:
    """The monitoring list of 2021 in the demo county (the only county with a demo officer)."""
    return monitoring.flag_risks(county_code(county), 2021, actor=actor)


def verify_and_monitor(seed: int) -> tuple[dict[str, Sample], dict[str, int]]:
    User = get_user_model()
    samples = verify_counties(seed, province=User.objects.get(username="province"))
    counts = flag_2021(actor=User.objects.get(username="xiji"))
    return samples, counts


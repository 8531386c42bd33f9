"""The reports that prove a village's or a county's exit: plain dicts of figures, thresholds with their
sources, each criterion with pass or fail, the households still poor and the third-party sample.

Nothing in a report depends on the moment it is made, so the same database (and the same seed) gives the
same report. ID numbers are masked unless the scope given sees them; reports kept with a case are made
without a scope, so masked.
"""

from django.utils.translation import gettext as _

from jingzhun.areas.models import Area, AreaFlag, Level
from jingzhun.areas.scope import Scope, mask_id_number
from jingzhun.errors import DomainError
from jingzhun.policy import queries as policy
from jingzhun.policy.models import Key
from jingzhun.policy.rules import PolicyMissing
from jingzhun.registry.choices import Relation
from jingzhun.registry.models import Household, Member

from . import area_rules, incidence
from .area_rules import Limit
from .models import AreaCase, Sample

CHUNK = 500


def limit(key: str, year: int, area_code: str, table=None) -> Limit:
    try:
        resolved = (table or policy.standards()).value(key, year, area_code)
    except PolicyMissing as missing:
        raise DomainError(missing.message) from None
    return Limit(key, resolved.value, resolved.source)


def flagged(area_code: str, kind: str, year: int) -> bool:
    return any(flag.active_in(year) for flag in AreaFlag.objects.filter(area_id=area_code, kind=kind))


def area_of(code: str, level: str) -> Area:
    area = Area.objects.filter(code=code, level=level).first()
    if area is None:
        raise DomainError(_("There is no %(level)s with the code %(code)s.") % {
            "level": Level(level).label, "code": code}, field="area")
    return area


def _area(area: Area) -> dict:
    return {"code": area.code, "name_zh": area.name_zh, "name_en": area.name_en, "level": area.level}


def remaining_poor(prefix: str, year: int, scope: Scope | None = None, found: dict | None = None) -> dict:
    """Households poor at the end of the year, with their heads; ID numbers masked unless the scope sees
    them."""
    found = (found or incidence.poor_households(prefix, [year]))[year]
    ids = sorted(found)
    numbers, heads = {}, {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        numbers.update(Household.objects.filter(pk__in=chunk).values_list("id", "number"))
        heads_found = (Member.objects.filter(household_id__in=chunk, relation=Relation.HEAD,
                                             left_on__isnull=True)
                       .order_by("household_id", "id").values_list("household_id", "name", "id_number"))
        for household_id, name, id_number in heads_found:
            heads.setdefault(household_id, (name, id_number))
    shows = bool(scope and scope.sees_id_numbers)
    rows = []
    for pk in ids:
        name, id_number = heads.get(pk, ("", ""))
        rows.append({"id": pk, "number": numbers.get(pk, ""), "village": found[pk][0], "head": name,
                     "id_number": id_number if shows else mask_id_number(id_number), "persons": found[pk][1]})
    return {"count": len(rows), "persons": sum(r["persons"] for r in rows), "households": rows}


def _last_considerations(village_code: str, year: int) -> dict:
    case = (AreaCase.objects.filter(kind=AreaCase.Kind.VILLAGE_EXIT, area_id=village_code, year=year)
            .order_by("-opened_at", "-id").first())
    return dict(case.report.get("considerations", {})) if case else {}


def village_exit_report(village_code: str, year: int, *, considerations: dict | None = None,
                        scope: Scope | None = None) -> dict:
    village = area_of(village_code, Level.VILLAGE)
    if considerations is None:
        considerations = _last_considerations(village_code, year)
    threshold = limit(Key.VILLAGE_EXIT_INCIDENCE, year, village.code)
    figures = incidence.incidence(village.code, year)
    decision = area_rules.village_exit(
        year=year, poor_village=flagged(village.code, AreaFlag.Kind.POOR_VILLAGE, year), poor=figures.poor,
        population=figures.population, limit=threshold, considerations=considerations)
    return {"kind": AreaCase.Kind.VILLAGE_EXIT.value, "area": _area(village), "year": year,
            "incidence": figures.as_dict(), "thresholds": [threshold.as_dict()],
            "considerations": {k: considerations.get(k) for k, _label in area_rules.CONSIDERATIONS},
            "criteria": decision.as_list(), "passes": decision.passes,
            "remaining": remaining_poor(village.prefix, year, scope)}


def veto_limits(year: int, code: str) -> area_rules.VetoLimits:
    return area_rules.VetoLimits(limit(Key.WRONG_EXIT_RATE_MAX, year, code),
                                 limit(Key.MISSED_RATE_MAX, year, code),
                                 limit(Key.PUBLIC_APPROVAL_MIN, year, code))


def latest_sample(county_code: str, year: int) -> Sample | None:
    return Sample.objects.filter(county_id=county_code, year=year).order_by("-drawn_at", "-id").first()


def sample_section(sample: Sample | None) -> dict | None:
    """The sample drawn, its strata and results, and each sampled unit with its field results."""
    if sample is None:
        return None
    households = list(sample.households.select_related("household").order_by("household__village_id",
                                                                               "household_id"))
    heads = dict(Member.objects.filter(household_id__in=[h.household_id for h in households],
                                       relation=Relation.HEAD, left_on__isnull=True)
                 .values_list("household_id", "name")) if len(households) <= CHUNK else {}
    return {
        "id": sample.pk, "seed": sample.seed, "year": sample.year, "drawn_at": sample.drawn_at.isoformat(),
        "strata": sample.strata, "results": sample.results,
        "villages": [{"code": v.village_id, "name_zh": v.village.name_zh, "name_en": v.village.name_en,
                      "stratum": v.stratum, "population_checked": v.population_checked,
                      "missed_found": v.missed_found}
                     for v in sample.villages.select_related("village").order_by("village_id")],
        "households": [{"id": h.household_id, "number": h.household.number, "village": h.household.village_id,
                        "head": heads.get(h.household_id, ""), "stratum": h.stratum, "surveyed": h.surveyed,
                        "wrongly_exited": h.wrongly_exited, "approves": h.approves, "note": h.note}
                       for h in households],
    }


def county_exit_report(county_code: str, year: int, *, scope: Scope | None = None,
                       sample: Sample | None = None) -> dict:
    county = area_of(county_code, Level.COUNTY)
    table = policy.standards()
    threshold = limit(Key.COUNTY_EXIT_INCIDENCE, year, county.code, table)
    village_threshold = limit(Key.VILLAGE_EXIT_INCIDENCE, year, county.code, table)
    limits = veto_limits(year, county.code)
    sample = sample or latest_sample(county.code, year)
    found = incidence.poor_households(county.prefix, [year])
    rates = incidence.tally(county.prefix, [year], 12, found)
    figures = incidence.Incidence(sum(i.poor for i in rates.values()),
                                  sum(i.population for i in rates.values()))
    results = sample.results if sample is not None else {}
    if results.get("complete"):
        vetoes = area_rules.criteria_from(results["criteria"])
    else:
        vetoes = area_rules.sample_vetoes(area_rules.SampleCounts(), limits)
    decision = area_rules.county_exit(
        year=year, poor_county=flagged(county.code, AreaFlag.Kind.POOR_COUNTY, year), poor=figures.poor,
        population=figures.population, limit=threshold, vetoes=vetoes)
    poor_villages = (AreaFlag.objects.filter(kind=AreaFlag.Kind.POOR_VILLAGE,
                                             area__code__startswith=county.prefix)
                     .select_related("area").order_by("area_id", "start_year"))
    villages, seen = [], set()
    for flag in poor_villages:
        if flag.area_id in seen or flag.start_year > year:
            continue
        seen.add(flag.area_id)
        figure = rates.get((flag.area_id, year), incidence.Incidence(0, 0))
        villages.append({"code": flag.area_id, "name_zh": flag.area.name_zh, "name_en": flag.area.name_en,
                         "still_poor": flag.active_in(year), "end_year": flag.end_year, **figure.as_dict(),
                         "below_threshold": figure.below(village_threshold.value)})
    return {"kind": AreaCase.Kind.COUNTY_EXIT.value, "area": _area(county), "year": year,
            "incidence": figures.as_dict(),
            "thresholds": [threshold.as_dict(), limits.wrong_exit_max.as_dict(), limits.missed_max.as_dict(),
                           limits.approval_min.as_dict()],
            "criteria": decision.as_list(), "passes": decision.passes,
            "sample_complete": bool(results.get("complete")), "villages": villages,
            "remaining": remaining_poor(county.prefix, year, scope, found),
            "sample": sample_section(sample)}

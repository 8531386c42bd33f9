"""Exit of villages and counties and the third-party check: every write, one transaction each.

Every state change of an area case goes through procedure.transition on the case locked for update. The
figures are checked when a case opens and again at its deciding step; the report kept with the case is
the one of its last step. Approving ends the area's poor-village or poor-county flag at the case's year.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from jingzhun import clock
from jingzhun.areas.models import Area, AreaFlag, Level, Role
from jingzhun.errors import DomainError, InvalidTransition, NotAllowed
from jingzhun.policy.models import Key
from jingzhun.registry import audit
from jingzhun.registry.choices import HouseholdStatus
from jingzhun.registry.models import AuditEvent

from . import area_rules, exit_reports, incidence, procedure, sampling
from .models import AreaCase, CaseEvent, Sample, SampledHousehold, SampledVillage

VILLAGE_STEPS = {"post_notice", "approve", "county_rejects", "withdraw"}
COUNTY_STEPS = {"city_review", "assess", "post_notice", "approve", "prefecture_rejects", "province_rejects",
                "withdraw"}
FLAG_OF = {AreaCase.Kind.VILLAGE_EXIT: AreaFlag.Kind.POOR_VILLAGE,
           AreaCase.Kind.COUNTY_EXIT: AreaFlag.Kind.POOR_COUNTY}


def _check_year(year: int) -> None:
    if not 2014 <= year <= clock.today().year:
        raise DomainError(_("Choose a year from 2014 to this year."), field="year")


def _new_case(kind: str, area: Area, year: int, actor) -> AreaCase:
    if AreaCase.objects.filter(kind=kind, area=area, closed_at__isnull=True).exists():
        raise DomainError(_("An exit procedure for this area is under way already."))
    case = AreaCase(kind=kind, area=area, year=year, state="", opened_by=actor, opened_at=clock.now())
    procedure.checked_step(case, "propose" if kind == AreaCase.Kind.VILLAGE_EXIT else "apply", actor)
    return case


def _refuse_unless(report: dict) -> None:
    if not report["passes"]:
        decision = area_rules.AreaDecision(tuple(area_rules.criteria_from(report["criteria"])))
        raise DomainError(_("The exit criteria are not met. %(why)s") % {"why": decision.explain_failing()})


def _stored(report: dict) -> dict:
    """The report kept with a case: masked ID numbers (made without a scope), no sample unit lists."""
    kept = dict(report)
    if kept.get("sample"):
        kept["sample"] = {k: v for k, v in kept["sample"].items() if k not in ("villages", "households")}
    return kept


def _end_flag(case: AreaCase) -> None:
    for flag in AreaFlag.objects.select_for_update().filter(area=case.area, kind=FLAG_OF[case.kind]):
        if flag.active_in(case.year):
            flag.end_year = case.year
            flag.save(update_fields=["end_year"])


# Village exit ---------------------------------------------------------------------------------------------

@transaction.atomic
def propose_village_exit(village_code: str, year: int, *, actor, considerations: dict | None = None,
                         reason: str = "") -> AreaCase:
    """The township proposes a poor village's exit; refused, with the figures, unless it is a poor
    village that year with incidence below the threshold. Considerations: {code: True/False/None}."""
    village = exit_reports.area_of(village_code, Level.VILLAGE)
    procedure.actor_scope(actor, village.code)
    _check_year(year)
    case = _new_case(AreaCase.Kind.VILLAGE_EXIT, village, year, actor)
    considerations = {code: (considerations or {}).get(code) for code, _label in area_rules.CONSIDERATIONS}
    report = exit_reports.village_exit_report(village.code, year, considerations=considerations)
    _refuse_unless(report)
    case.report = _stored(report)
    procedure.transition(case, "propose", actor=actor, reason=reason, data={"passes": True})
    return case


@transaction.atomic
def take_village_step(case: AreaCase, step: str, *, actor, reason: str = "") -> AreaCase:
    case = procedure.locked(AreaCase, case.pk)
    if case.kind != AreaCase.Kind.VILLAGE_EXIT or step not in VILLAGE_STEPS:
        raise DomainError(_("There is no such step."))
    if step == "approve":
        procedure.checked_step(case, step, actor)
        report = exit_reports.village_exit_report(case.area_id, case.year,
                                                  considerations=case.report.get("considerations", {}))
        _refuse_unless(report)
        case.report = _stored(report)
    procedure.transition(case, step, actor=actor, reason=reason)
    if step == "approve":
        _end_flag(case)
    return case


# County exit ----------------------------------------------------------------------------------------------

@transaction.atomic
def apply_county_exit(county_code: str, year: int, *, actor, reason: str = "") -> AreaCase:
    """The county applies; refused, with the figures, unless a poor county that year with incidence
    below the threshold (the sample's vetoes are judged at the assessment)."""
    county = exit_reports.area_of(county_code, Level.COUNTY)
    procedure.actor_scope(actor, county.code)
    _check_year(year)
    case = _new_case(AreaCase.Kind.COUNTY_EXIT, county, year, actor)
    report = exit_reports.county_exit_report(county.code, year)
    flags_and_incidence = [c for c in report["criteria"] if c["code"] in ("poor_county", "incidence")]
    _refuse_unless({"passes": all(c["passed"] is True for c in flags_and_incidence),
                    "criteria": flags_and_incidence})
    case.report = _stored(report)
    procedure.transition(case, "apply", actor=actor, reason=reason)
    return case


@transaction.atomic
def take_county_step(case: AreaCase, step: str, *, actor, reason: str = "") -> AreaCase:
    case = procedure.locked(AreaCase, case.pk)
    if case.kind != AreaCase.Kind.COUNTY_EXIT or step not in COUNTY_STEPS:
        raise DomainError(_("There is no such step."))
    data = {}
    if step in ("assess", "approve"):
        procedure.checked_step(case, step, actor)
        sample = _deciding_sample(case, step)
        if not sample.results.get("complete"):
            raise DomainError(_("The assessment needs a third-party sample of this county and year with "
                                "every field result entered."))
        report = exit_reports.county_exit_report(case.area_id, case.year, sample=sample)
        _refuse_unless(report)
        case.report = _stored(report)
        data = {"sample": sample.pk}
    procedure.transition(case, step, actor=actor, reason=reason, data=data)
    if step == "approve":
        _end_flag(case)
    return case


def assessed_sample(case: AreaCase) -> Sample | None:
    """The sample the case's last assessment judged with (named in its event), if it has one."""
    event = case.events.filter(step="assess").order_by("-at", "-id").first()
    pk = event.data.get("sample") if event is not None else None
    return Sample.objects.filter(pk=pk).first() if pk else None


def _deciding_sample(case: AreaCase, step: str) -> Sample:
    """The assessment judges with the county-year's sample, locked so no result changes meanwhile; the
    approval judges again with the sample the assessment used, whatever was drawn since."""
    if step == "assess":
        sample = exit_reports.latest_sample(case.area_id, case.year)
    else:
        sample = assessed_sample(case)
        if sample is None:
            raise DomainError(_("The approval needs the third-party sample the assessment used, and the "
                                "assessment of this case names none."))
    if sample is None:
        raise DomainError(_("The assessment needs a third-party sample of this county and year with "
                            "every field result entered."))
    return procedure.locked(Sample, sample.pk)


def take_step(case: AreaCase, step: str, *, actor, reason: str = "") -> AreaCase:
    """The step of whichever procedure the case follows."""
    if case.kind == AreaCase.Kind.VILLAGE_EXIT:
        return take_village_step(case, step, actor=actor, reason=reason)
    return take_county_step(case, step, actor=actor, reason=reason)


# Third-party check ----------------------------------------------------------------------------------------

def _province_officer(actor, area_code: str) -> None:
    scope = procedure.actor_scope(actor, area_code)
    if scope.role != Role.PROVINCE_OFFICER:
        raise NotAllowed(_("Only province officers organise the third-party check."))


def _frame(county: Area, year: int):
    """The villages of the county (poor that year or not) and its households exited or poor at the end of
    the year checked, as the registry stood then (registered by that year, status from the trail)."""
    flags = AreaFlag.objects.filter(kind=AreaFlag.Kind.POOR_VILLAGE, area__code__startswith=county.prefix)
    poor = {flag.area_id for flag in flags if flag.active_in(year)}
    codes = Area.objects.filter(level=Level.VILLAGE, code__startswith=county.prefix).values_list("code",
                                                                                                 flat=True)
    villages = [(code, code in poor) for code in codes]
    strata = {HouseholdStatus.EXITED: sampling.EXITED, HouseholdStatus.POOR: sampling.POOR,
              HouseholdStatus.RETURNED: sampling.POOR}
    households = [(pk, village, strata[status]) for pk, village, status in
                  incidence.statuses_at(county.prefix, year) if status in strata]
    return villages, households


def preview_sample(county_code: str, year: int, seed: int) -> sampling.Drawn:
    """The sample a seed draws now, without storing it."""
    county = exit_reports.area_of(county_code, Level.COUNTY)
    villages, households = _frame(county, year)
    return sampling.draw(villages, households, seed=seed,
                         village_count=int(procedure.policy_value(Key.SAMPLE_VILLAGES, year, county.code)),
                         households_per_village=int(procedure.policy_value(
                             Key.SAMPLE_HOUSEHOLDS_PER_VILLAGE, year, county.code)))


def _drawn_once(county: Area, year: int) -> None:
    """A county-year is sampled once: a check that fails is not drawn again until one passes."""
    Area.objects.select_for_update().filter(pk=county.pk).first()  # two draws at once: one waits
    earlier = exit_reports.latest_sample(county.code, year)
    if earlier is not None:
        raise DomainError(_("The third-party sample of %(county)s for %(year)s is drawn once, and it is "
                            "drawn already: sample %(sample)s (seed %(seed)s, drawn %(drawn)s).") % {
            "county": county.name, "year": year, "sample": earlier.pk, "seed": earlier.seed,
            "drawn": clock.localdate(earlier.drawn_at).isoformat()})


@transaction.atomic
def draw_sample(county_code: str, year: int, *, actor, seed: int) -> Sample:
    county = exit_reports.area_of(county_code, Level.COUNTY)
    _province_officer(actor, county.code)
    _check_year(year)
    _drawn_once(county, year)
    drawn = preview_sample(county.code, year, seed)
    if not drawn.households:
        raise DomainError(_("The county has no exited or poor households to sample."))
    sample = Sample.objects.create(county=county, year=year, seed=seed, drawn_by=actor, drawn_at=clock.now(),
                                   strata=drawn.strata)
    SampledVillage.objects.bulk_create([SampledVillage(sample=sample, village_id=code, stratum=stratum)
                                        for code, stratum in drawn.villages])
    SampledHousehold.objects.bulk_create([SampledHousehold(sample=sample, household_id=pk, stratum=stratum)
                                          for pk, _village, stratum in drawn.households])
    compute_results(sample)
    return sample


PAST_ASSESSMENT = ("assessed", "notice", "exited")


def _open_to_results(sample: Sample) -> Sample:
    """The sample locked (an assessment waits for an entry under way, and the reverse), refused when an
    assessment has relied on its results: they stand as they were judged."""
    sample = procedure.locked(Sample, sample.pk)
    cases = AreaCase.objects.filter(kind=AreaCase.Kind.COUNTY_EXIT, area_id=sample.county_id,
                                    year=sample.year)
    assessments = CaseEvent.objects.filter(area_case__in=cases, step="assess").values_list("data", flat=True)
    if any((data or {}).get("sample") in (None, sample.pk) for data in assessments) \
            or cases.filter(state__in=PAST_ASSESSMENT).exists():
        raise InvalidTransition(_("The results of this sample can no longer change: the exit assessment of "
                                  "%(county)s for %(year)s has relied on them.") % {
            "county": sample.county.name, "year": sample.year})
    return sample


@transaction.atomic
def enter_household_result(sampled: SampledHousehold, *, actor, surveyed: bool, wrongly_exited: bool | None,
                           approves: bool | None, note: str = "") -> SampledHousehold:
    _province_officer(actor, sampled.sample.county_id)
    sample = _open_to_results(sampled.sample)
    sampled = procedure.locked(SampledHousehold, sampled.pk)
    if sampled.stratum == sampling.EXITED and surveyed and wrongly_exited is None:
        raise DomainError(_("Say whether the household exited wrongly."), field="wrongly_exited")
    if sampled.stratum != sampling.EXITED and wrongly_exited:
        raise DomainError(_("Only an exited household can have exited wrongly."), field="wrongly_exited")
    if surveyed and approves is None:
        raise DomainError(_("Say whether the household approves of the work."), field="approves")
    found = {"surveyed": bool(surveyed),
             "wrongly_exited": wrongly_exited if sampled.stratum == sampling.EXITED and surveyed else None,
             "approves": approves if surveyed else None, "note": note.strip()[:300]}
    changes = {name: (getattr(sampled, name), value) for name, value in found.items()}
    for name, value in found.items():
        setattr(sampled, name, value)
    sampled.entered_by, sampled.entered_at = actor, clock.now()
    sampled.save()
    audit.record(sampled.household, actor, "sample", sampled.pk, AuditEvent.Action.CHANGE, changes,
                 reason=_("Third-party check of %(year)s, sample %(sample)s") % {"year": sample.year,
                                                                                 "sample": sample.pk})
    compute_results(sample)
    return sampled


@transaction.atomic
def enter_village_result(sampled: SampledVillage, *, actor, population_checked: int, missed_found: int
                         ) -> SampledVillage:
    _province_officer(actor, sampled.sample.county_id)
    sample = _open_to_results(sampled.sample)
    sampled = procedure.locked(SampledVillage, sampled.pk)
    if population_checked < 0 or missed_found < 0:
        raise DomainError(_("Enter counts of zero or more."), field="missed_found")
    if missed_found > population_checked:
        raise DomainError(_("The missed poor found cannot outnumber the residents checked."),
                          field="missed_found")
    sampled.population_checked, sampled.missed_found = population_checked, missed_found
    sampled.entered_by, sampled.entered_at = actor, clock.now()
    sampled.save()
    compute_results(sample)
    return sampled


def sample_counts(sample: Sample) -> tuple[area_rules.SampleCounts, bool]:
    """The field results added up, and whether every unit has its results."""
    households = list(sample.households.values_list("stratum", "surveyed", "wrongly_exited", "approves"))
    villages = list(sample.villages.values_list("population_checked", "missed_found"))
    complete = bool(households) and all(surveyed is not None for _s, surveyed, _w, _a in households) \
        and all(checked is not None and missed is not None for checked, missed in villages)
    exited = [h for h in households if h[0] == sampling.EXITED and h[1]]
    surveyed = [h for h in households if h[1]]
    return area_rules.SampleCounts(
        exited=len(exited), wrongly_exited=sum(1 for h in exited if h[2]),
        residents_checked=sum(c or 0 for c, _m in villages), missed_found=sum(m or 0 for _c, m in villages),
        surveyed=len(surveyed), approving=sum(1 for h in surveyed if h[3])), complete


def compute_results(sample: Sample) -> dict:
    """Rates, thresholds of the year and pass or fail, stored in Sample.results (run after each entry)."""
    counts, complete = sample_counts(sample)
    limits = exit_reports.veto_limits(sample.year, sample.county_id)
    vetoes = area_rules.sample_vetoes(counts, limits)
    sample.results = {
        "complete": complete, "counts": counts.as_dict(), "criteria": [v.as_dict() for v in vetoes],
        "thresholds": [limits.wrong_exit_max.as_dict(), limits.missed_max.as_dict(),
                       limits.approval_min.as_dict()],
        "passes": complete and all(v.passed is True for v in vetoes),
    }
    sample.save(update_fields=["results"])
    return sample.results

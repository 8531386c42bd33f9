"""The rural population of each demo village, 2014-2021: the denominator of poverty incidence.

Calibrated (calibration.py, "The years"): each poor county's end-2014 incidence; the region's end-2019
incidence (published: 0.47%) through the other counties' population. A poor village exits once its
incidence is under the 3% exit line. Population drifts little year to year.
"""

from collections import defaultdict

from . import calibration as cal

SOURCE = "synthetic demo: calibrated to the published incidence (see demo/calibration.py)"


def _drift(year: int) -> float:
    return (1 + cal.POPULATION_DRIFT) ** (year - 2014)


def village_populations(rng, registered: dict[str, int], poor: dict[str, dict[int, int]],
                        poor_villages: dict[str, int]) -> tuple[dict[str, dict[int, int]], dict[str, int]]:
    """(village -> year -> rural residents, poor village -> exit year). `registered`: persons of the
    households ever registered in each village (at registration); `poor`: poor persons at each year end;
    `poor_villages`: village -> the generator's exit year. Villages are those with households, and the
    poor villages.

    A poor village exits in the first year from its drawn one (2016 at the earliest) in which its
    incidence is under the 3% line, and at the latest in its county's evaluated year (then it is given
    the residents it needs)."""
    villages = sorted(set(registered) | set(poor_villages))
    weight = {}
    for code in villages:
        low, high = cal.POOR_VILLAGE_RESIDENTS if code in poor_villages else cal.OTHER_VILLAGE_RESIDENTS
        weight[code] = registered.get(code, 0) * rng.uniform(low, high)
    by_county = defaultdict(list)
    for code in villages:
        by_county[code[:6]].append(code)
    base: dict[str, float] = {}
    for county, codes in by_county.items():
        target = cal.INCIDENCE_2014.get(county)
        if target is None:
            continue
        poor_2014 = sum(poor.get(c, {}).get(2014, 0) for c in codes)
        total = sum(weight[c] for c in codes)
        scale = poor_2014 / (target * total) if poor_2014 and total else 1.0
        base.update({c: weight[c] * scale for c in codes})
    _scale_other_counties(base, weight, poor, by_county)
    exits = {}
    for county, codes in by_county.items():
        with_households = sorted(base[c] for c in codes if registered.get(c))
        typical = with_households[len(with_households) // 2] if with_households else 1000.0
        last = cal.COUNTY_EXITS.get(county, (2020,))[0]
        for code in codes:
            own = base[code] if registered.get(code) else typical
            base[code] = max(own, registered.get(code, 0) * 1.25, 1.0)
            if code in poor_villages:
                exits[code] = _exit_year(base, code, poor.get(code, {}), poor_villages[code], last)
    return {code: {year: max(1, round(base[code] * _drift(year) * rng.uniform(0.997, 1.003)))
                   for year in cal.YEARS_ALL} for code in villages}, exits


def _exit_year(base: dict[str, float], code: str, poor: dict[int, int], drawn: int, last: int) -> int:
    drawn = max(min(drawn, last), cal.FIRST_VILLAGE_EXIT)
    for year in range(drawn, last + 1):
        if poor.get(year, 0) < cal.EXIT_INCIDENCE_MARGIN * base[code] * _drift(year):
            return year
    base[code] = poor.get(last, 0) / cal.EXIT_INCIDENCE_MARGIN / _drift(last)
    return last


def _scale_other_counties(base, weight, poor, by_county) -> None:
    """The counties without an incidence target share what the region's 2019 figure leaves them."""
    others = [c for county, codes in by_county.items() if county not in cal.INCIDENCE_2014 for c in codes]
    if not others:
        return
    poor_2019 = sum(years.get(2019, 0) for years in poor.values())
    needed = poor_2019 / cal.REGION_INCIDENCE_2019 / _drift(2019) - sum(base.values())
    total = sum(weight[c] for c in others)
    scale = needed / total if total and needed > 0 else 1.0
    # At least as many residents per registered person as the poor counties have.
    least = max((b / weight[c] for c, b in base.items() if weight[c]), default=1.0)
    scale = max(scale, least)
    base.update({c: weight[c] * scale for c in others})


def population_rows(populations: dict[str, dict[int, int]]) -> list[tuple]:
    """(area_id, year, persons, households, source), as years.TABLES lays them out."""
    return [(code, year, persons, max(1, round(persons / cal.RURAL_HOUSEHOLD_SIZE)), SOURCE)
            for code, years in populations.items() for year, persons in years.items()]

"""Which real villages get households, which are poor villages, and the two showcase villages.

Households live only in rural village-level units (村委会); urban residents' committees are used only
where a county has no rural village.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from jingzhun.areas.models import Area, AreaFlag, Level

from . import calibration as cal
from .names import Weighted

RURAL_SUFFIXES = ("村委会", "村民委员会", "村")
SHORT_NAMES = (("村民委员会", "村"), ("村委会", "村"), ("社区居民委员会", "社区"), ("社区居委会", "社区"))
# The cadre's village and the second cadre's village (same Xiji township) get at least this many
# households (but no more than this share of Xiji's), so signing in as `cadre` shows a full list even
# in a small region.
SHOWCASE_MIN = ((24, 1 / 3), (12, 1 / 6))
SOURCE = "synthetic demo"


@dataclass(frozen=True)
class Village:
    code: str
    name_zh: str
    address: str  # county + township + short village name, e.g. 西吉县吉强镇龙王坝村
    county: str  # 6 digits

    @property
    def rural(self) -> bool:
        return self.name_zh.endswith(RURAL_SUFFIXES)


def short_name(name_zh: str) -> str:
    for suffix, short in SHORT_NAMES:
        if name_zh.endswith(suffix):
            return name_zh[: -len(suffix)] + short
    return name_zh


def load_villages() -> dict[str, list[Village]]:
    """Village-level areas by county (6 digits), in code order."""
    by_county = defaultdict(list)
    rows = (Area.objects.filter(level=Level.VILLAGE).select_related("parent__parent").order_by("code"))
    for area in rows:
        township = area.parent
        county = township.parent
        by_county[area.code[:6]].append(Village(
            area.code, area.name_zh, county.name_zh + township.name_zh + short_name(area.name_zh),
            area.code[:6]))
    if not by_county:
        raise RuntimeError("No village-level areas: load the Ningxia areas first (areas.loader).")
    return dict(by_county)


def homes(villages: list[Village]) -> list[Village]:
    rural = [v for v in villages if v.rural]
    return rural or villages


def exit_years(county: str) -> dict[int, float]:
    if county in cal.EXIT_YEARS:
        return cal.EXIT_YEARS[county]
    if county in cal.EARLY_EXIT:
        return cal.EXIT_YEARS["early"]
    return cal.EXIT_YEARS["late" if county in cal.LATE_EXIT else "other"]


def choose_poor_villages(rng, by_county) -> dict[str, int | None]:
    """Poor villages of the poor counties: village code -> exit year (None: still poor end 2019)."""
    poor = {}
    for county in cal.POOR_COUNTIES:
        rural = homes(by_county.get(county, []))
        share = round(cal.POOR_VILLAGE_SHARE * len(rural))
        count = min(len(rural), cal.POOR_VILLAGE_COUNT.get(county, share))
        years = Weighted(exit_years(county))
        for village in sorted(rng.sample(rural, count), key=lambda v: v.code):
            still = rng.random() < cal.STILL_POOR_VILLAGE_SHARE.get(county, 0.0)
            poor[village.code] = None if still else years.draw(rng)
    return poor


def poor_village_flags(poor: dict[str, int | None]) -> list[AreaFlag]:
    return [AreaFlag(area_id=code, kind=AreaFlag.Kind.POOR_VILLAGE, start_year=2014, end_year=end,
                     source=SOURCE) for code, end in poor.items()]


def county_counts(households: int, counties) -> dict[str, int]:
    """Largest-remainder split of the households over the counties present."""
    weights = {c: cal.COUNTY_WEIGHTS[c] for c in counties if c in cal.COUNTY_WEIGHTS}
    total = sum(weights.values())
    exact = {c: households * w / total for c, w in weights.items()}
    counts = {c: int(x) for c, x in exact.items()}
    for county in sorted(exact, key=lambda c: counts[c] - exact[c])[: households - sum(counts.values())]:
        counts[county] += 1
    return counts


def showcase(rng, by_county, poor) -> tuple[Village, Village] | None:
    """Two poor villages of one Xiji township (seeded choice)."""
    by_township = defaultdict(list)
    for village in homes(by_county.get(cal.XIJI, [])):
        if village.code in poor:
            by_township[village.code[:9]].append(village)
    townships = sorted(t for t, vs in by_township.items() if len(vs) >= 2)
    if not townships:
        return None
    first, second = rng.sample(by_township[rng.choice(townships)], 2)
    return first, second


def allocate(rng, by_county, poor, households: int):
    """(village, number of households) pairs in code order, plus the showcase pair (or None)."""
    counts: Counter = Counter()
    pair = showcase(rng, by_county, poor)
    for county, n in county_counts(households, by_county).items():
        villages = homes(by_county[county])
        if county == cal.XIJI and pair:
            total = n
            for village, (least, share) in zip(pair, SHOWCASE_MIN, strict=True):
                reserved = min(least, int(total * share))
                counts[village] += reserved
                n -= reserved
        pick = Weighted({v: cal.POOR_VILLAGE_WEIGHT if v.code in poor else 1.0 for v in villages})
        for _ in range(n):
            counts[pick.draw(rng)] += 1
    return sorted(counts.items(), key=lambda item: item[0].code), pair

"""The third-party check's sample, drawn from a seed: pure, no database.

Villages of the county are drawn in two strata (poor village / other village), then households in each
sampled village in two strata (exited / poor or returned). Sizes are allocated in proportion to the
strata by largest remainder, with at least one from every stratum that has any. Inputs are sorted before
drawing and strata taken in a fixed order, so the same seed and the same data draw the same sample
whatever order the database returned them in.
"""

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

POOR_VILLAGE, OTHER_VILLAGE = "poor_village", "other_village"
VILLAGE_STRATA = (POOR_VILLAGE, OTHER_VILLAGE)
EXITED, POOR = "exited", "poor"
HOUSEHOLD_STRATA = (EXITED, POOR)
STRATUM_LABELS = {POOR_VILLAGE: _("poor village"), OTHER_VILLAGE: _("other village"),
                  EXITED: _("exited household"), POOR: _("poor or returned household")}


def stratum_label(stratum: str) -> str:
    return str(STRATUM_LABELS.get(stratum, stratum))


def allocate(sizes: Mapping[str, int], total: int) -> dict[str, int]:
    """How many to draw from each stratum: proportional, by largest remainder (ties to the stratum named
    first), at least one from each non-empty stratum, never more than a stratum holds."""
    names = list(sizes)
    population = sum(sizes.values())
    nonempty = [n for n in names if sizes[n] > 0]
    total = min(max(total, len(nonempty)), population)
    if not population or total <= 0:
        return {n: 0 for n in names}
    quotas = {n: Fraction(sizes[n] * total, population) for n in names}
    counts = {n: int(quotas[n]) for n in names}
    order = sorted(names, key=lambda n: (-(quotas[n] - counts[n]), names.index(n)))
    for name in order[: total - sum(counts.values())]:
        counts[name] += 1
    for name in nonempty:
        if counts[name] == 0:
            # Take the one from the stratum furthest above its quota that can spare it.
            donor = max((n for n in names if counts[n] > 1),
                        key=lambda n: (counts[n] - quotas[n], -names.index(n)))
            counts[donor] -= 1
            counts[name] = 1
    return counts


@dataclass(frozen=True)
class Drawn:
    villages: list[tuple[str, str]]  # (village code, stratum), in code order
    households: list[tuple[int, str, str]]  # (household id, village code, stratum), by village then id
    strata: dict  # {"villages": {stratum: [population, drawn]}, "households": {...}}


def _draw(rng: random.Random, units: list, k: int) -> list:
    return sorted(rng.sample(sorted(units), k))


def draw(villages: Iterable[tuple[str, bool]], households: Iterable[tuple[int, str, str]], *, seed: int,
         village_count: int, households_per_village: int) -> Drawn:
    """`villages`: (code, is a poor village); `households`: (id, village code, stratum) with stratum
    EXITED or POOR (others are not in the frame)."""
    rng = random.Random(seed)
    by_stratum: dict[str, list[str]] = {s: [] for s in VILLAGE_STRATA}
    for code, is_poor in villages:
        by_stratum[POOR_VILLAGE if is_poor else OTHER_VILLAGE].append(code)
    counts = allocate({s: len(by_stratum[s]) for s in VILLAGE_STRATA}, village_count)
    chosen = []
    for stratum in VILLAGE_STRATA:
        chosen += [(code, stratum) for code in _draw(rng, by_stratum[stratum], counts[stratum])]
    chosen.sort()
    village_strata = {s: [len(by_stratum[s]), counts[s]] for s in VILLAGE_STRATA}

    frame: dict[str, dict[str, list[int]]] = {code: {s: [] for s in HOUSEHOLD_STRATA} for code, _s in chosen}
    for pk, village, stratum in households:
        if village in frame and stratum in HOUSEHOLD_STRATA:
            frame[village][stratum].append(pk)
    household_strata = {s: [0, 0] for s in HOUSEHOLD_STRATA}
    picked = []
    for code, _stratum in chosen:
        sizes = {s: len(frame[code][s]) for s in HOUSEHOLD_STRATA}
        taken = allocate(sizes, households_per_village)
        for stratum in HOUSEHOLD_STRATA:
            household_strata[stratum][0] += sizes[stratum]
            household_strata[stratum][1] += taken[stratum]
            picked += [(pk, code, stratum) for pk in _draw(rng, frame[code][stratum], taken[stratum])]
    picked.sort(key=lambda h: (h[1], h[0]))
    return Drawn(chosen, picked, {"villages": village_strata, "households": household_strata})

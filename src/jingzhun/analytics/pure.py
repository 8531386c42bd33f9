"""The engine's figures computed the other way: analytics.measures' numpy functions applied group by group
(area prefix and year) over the registry's Arrow table. Slow at scale but independent of the engine's SQL,
so the tests that hold the two equal check both (see engine's docstring for what is counted)."""

import math
from collections.abc import Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import measures as m
from .engine import DEFAULT_DEPRIVATION, INDICATORS, LEVELS, PREFIX, AreaYear, Deprivation


def _rows(table: pa.Table, within: str, years: Iterable[int] | None) -> dict[str, np.ndarray]:
    if not PREFIX.fullmatch(within):
        raise ValueError(f"an area code prefix is digits only: {within!r}")
    keep = pc.and_(pc.greater(table["persons"], 0), pc.starts_with(table["village"], within))
    if years is not None:
        keep = pc.and_(keep, pc.is_in(table["year"], pa.array(sorted(set(years)), pa.int16())))
    kept = table.filter(keep)
    columns = {name: kept[name].to_numpy(zero_copy_only=False) for name in
               ("village", "year", "persons", "line", "poor")}
    columns["measured"] = kept["income"].is_valid().to_numpy(zero_copy_only=False)
    columns["income"] = kept["income"].fill_null(0.0).to_numpy()
    # A condition without a record is not deprived: achievement 1 (secure) unless recorded False.
    for name in INDICATORS[1:]:
        columns[name] = kept[name].fill_null(True).to_numpy(zero_copy_only=False)
    return columns


def _group(rows: dict, every: np.ndarray, weighting: str, deprivation: Deprivation) -> dict:
    """The figures of one group: the registered poor over all its rows (`every`), the rest over those with
    an income."""
    poor, everyone = rows["poor"][every], rows["persons"][every].astype(np.int64)
    index = every[rows["measured"][every]]
    y, z, persons = rows["income"][index], rows["line"][index], rows["persons"][index].astype(np.int64)
    w = persons.astype(np.float64) if weighting == "persons" else np.ones(len(index))
    try:
        gini = m.gini(y, w)
    except ValueError:  # a mean income that is not positive
        gini = math.nan
    # Achievements 1 (not deprived) or 0 against cut-offs of 1: deprived = x < 1.
    achieved = np.column_stack([~(y < z)] + [rows[name][index] for name in INDICATORS[1:]]).astype(float)
    af = m.alkire_foster(achieved, np.ones(len(INDICATORS)), deprivation.weights, deprivation.k, w)
    return {
        "households": len(index), "persons": int(persons.sum()),
        "registered_poor_households": int(poor.sum()), "registered_poor_persons": int(everyone[poor].sum()),
        "mean_income": float(np.dot(w, y) / w.sum()),
        "p0": m.headcount(y, z, w), "p1": m.poverty_gap(y, z, w), "p2": m.squared_gap(y, z, w),
        "watts": m.watts(y, z, w), "sen": m.sen(y, z, w), "gini": gini,
        "af_h": af.h, "af_a": af.a, "af_m0": af.m0, "censored": af.censored,
        "contributions": af.contributions,
    }


def measures(table: pa.Table, *, level: int, within: str = "", years: Iterable[int] | None = None,
             weighting: str = "persons", deprivation: Deprivation = DEFAULT_DEPRIVATION) -> list[AreaYear]:
    """engine.measures' figures from the Arrow table (frame.SCHEMA), sorted by (area, year)."""
    if level not in LEVELS:
        raise ValueError(f"level is a code prefix length: {LEVELS}")
    if weighting not in ("persons", "households"):
        raise ValueError("weighting is 'persons' or 'households'")
    rows = _rows(table, within, years)
    areas = np.array([village[:level] for village in rows["village"]], dtype=object)
    keys = np.array([f"{area}:{year}" for area, year in zip(areas, rows["year"], strict=True)], dtype=object)
    labels, inverse = np.unique(keys, return_inverse=True) if len(keys) else ([], np.array([], int))
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(labels) + 1))
    found = []
    for number, label in enumerate(labels):
        area, year = label.split(":")
        every = order[bounds[number]:bounds[number + 1]]
        if rows["measured"][every].any():  # an area and year with no income recorded has no AreaYear
            found.append(AreaYear(area=area, year=int(year), **_group(rows, every, weighting, deprivation)))
    return sorted(found, key=lambda row: (row.area, row.year))

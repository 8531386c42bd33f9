"""The DuckDB engine over small hand-built Arrow tables with known answers: the worked examples' country C
spread over two counties, weighting by persons or households, `within` and `years`, Alkire-Foster's
censored headcounts and contributions with default and other weights, an area with nobody poor, the
income histogram's edges, the causes of the registered poor; and the engine equal to pure.measures on a
random table whose lines differ inside a group."""

import math

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from jingzhun.analytics import engine, engine_gini, measures, pure
from jingzhun.analytics.engine import Deprivation, Source
from jingzhun.analytics.frame import CONDITIONS, SCHEMA

XIJI_A, XIJI_B, YANCHI = "640422100201", "640422100202", "640323100201"


def table(*rows: dict) -> pa.Table:
    """Rows of frame.SCHEMA: one person, 2019, line 125, secure, not registered poor unless given."""
    defaults = {"village": XIJI_A, "year": 2019, "persons": 1, "line": 125.0, "poor": False,
                "main_cause": None, **dict.fromkeys(CONDITIONS, True)}
    full = [{"household_id": number, **defaults, **row} for number, row in enumerate(rows, 1)]
    return pa.Table.from_pylist(full, schema=SCHEMA)


def by_area(found) -> dict:
    return {(row.area, row.year): row for row in found}


# Country C (y = 100, 110, 150, 160; z = 125): two households in Xiji, two in Yanchi.
COUNTRY_C = table({"income": 100.0, "village": XIJI_A}, {"income": 150.0, "village": XIJI_B},
                  {"income": 110.0, "village": YANCHI}, {"income": 160.0, "village": YANCHI})


def test_country_c_at_province_level_gives_the_handbooks_figures():
    [row] = engine.measures(Source.arrow(COUNTRY_C), level=2)
    assert (row.area, row.year, row.households, row.persons) == ("64", 2019, 4, 4)
    assert row.p0 == pytest.approx(0.5, abs=1e-12)
    assert row.p1 == pytest.approx(0.08, abs=1e-12)
    assert row.p2 == pytest.approx(0.0136, abs=1e-12)
    assert row.watts == pytest.approx(0.0877442307, abs=1e-10)
    assert row.sen == pytest.approx(0.09, abs=1e-12)
    assert row.gini == pytest.approx(measures.gini([100, 110, 150, 160]), abs=1e-12)
    assert row.mean_income == pytest.approx(130.0)


def test_country_c_by_county_each_its_own_people():
    found = by_area(engine.measures(Source.arrow(COUNTRY_C), level=6))
    assert list(found) == [("640323", 2019), ("640422", 2019)]
    xiji, yanchi = found[("640422", 2019)], found[("640323", 2019)]
    assert (xiji.p0, xiji.p1) == (pytest.approx(0.5), pytest.approx(0.1))  # (125 - 100) / 125 / 2
    assert yanchi.p1 == pytest.approx(15 / 125 / 2)
    assert xiji.gini == pytest.approx(measures.gini([100, 150]))
    # One poor person in each county: equality among the poor, Sen = P1.
    assert xiji.sen == pytest.approx(xiji.p1) and yanchi.sen == pytest.approx(yanchi.p1)


def test_persons_weigh_by_household_size_unless_households_are_asked_for():
    rows = table({"income": 100.0, "persons": 2, "poor": True}, {"income": 150.0, "persons": 1})
    persons = engine.measures(Source.arrow(rows), level=6)[0]
    households = engine.measures(Source.arrow(rows), level=6, weighting="households")[0]
    assert (persons.p0, households.p0) == (pytest.approx(2 / 3), pytest.approx(1 / 2))
    assert persons.gini == pytest.approx(measures.gini([100, 100, 150]))
    assert households.gini == pytest.approx(measures.gini([100, 150]))
    assert persons.mean_income == pytest.approx(350 / 3)
    # Registered poor are counted in both, households and their persons.
    for row in (persons, households):
        assert (row.households, row.persons, row.registered_poor_households, row.registered_poor_persons) == \
            (2, 3, 1, 2)


def test_within_and_years_choose_the_rows():
    rows = table({"income": 100.0}, {"income": 200.0, "year": 2020, "line": 130.0},
                 {"income": 50.0, "village": YANCHI})
    found = engine.measures(Source.arrow(rows), level=9, within="640422")
    assert [(row.area, row.year, row.p0) for row in found] == [("640422100", 2019, 1.0),
                                                               ("640422100", 2020, 0.0)]
    assert [row.year for row in engine.measures(Source.arrow(rows), level=2, years=[2020])] == [2020]
    assert engine.measures(Source.arrow(rows), level=12, years=[]) == []
    with pytest.raises(ValueError):
        engine.measures(Source.arrow(rows), level=5)
    with pytest.raises(ValueError):
        engine.measures(Source.arrow(rows), level=6, within="64%")


def test_households_without_members_at_the_year_end_are_left_out():
    rows = table({"income": 100.0}, {"income": None, "persons": 0, "poor": True})
    [row] = engine.measures(Source.arrow(rows), level=6)
    assert (row.households, row.persons, row.registered_poor_households) == (1, 1, 0)


# Alkire-Foster: h1 income and housing deprived (score 2/6), h2 food only (1/6), h3 income, food,
# clothing and education (4/6), h4 nothing deprived, its conditions unrecorded (null: not deprived).
AF = table({"income": 100.0, "housing": False}, {"income": 200.0, "food": False},
           {"income": 90.0, "food": False, "clothing": False, "education": False},
           {"income": 300.0, **dict.fromkeys(CONDITIONS)})


def test_alkire_foster_with_equal_weights_and_k_a_third():
    [row] = engine.measures(Source.arrow(AF), level=6)
    assert (row.af_h, row.af_a, row.af_m0) == (pytest.approx(0.5), pytest.approx(0.5), pytest.approx(0.25))
    assert row.censored == pytest.approx((0.5, 0.25, 0.25, 0.25, 0.0, 0.25))
    assert row.contributions == pytest.approx((1 / 3, 1 / 6, 1 / 6, 1 / 6, 0.0, 1 / 6))
    assert sum(row.contributions) == pytest.approx(1.0)


def test_alkire_foster_weights_and_cut_off_are_parameters():
    income_heavy = Deprivation(weights=(0.5, 0.1, 0.1, 0.1, 0.1, 0.1), k=0.5)
    [row] = engine.measures(Source.arrow(AF), level=6, deprivation=income_heavy)
    assert (row.af_h, row.af_m0) == (pytest.approx(0.5), pytest.approx((0.6 + 0.8) / 4))
    assert row.contributions[0] == pytest.approx(0.5 * 0.5 / row.af_m0)
    [everyone] = engine.measures(Source.arrow(AF), level=6, deprivation=Deprivation((1 / 6,) * 6, k=1 / 6))
    assert everyone.af_h == pytest.approx(0.75)
    with pytest.raises(ValueError):
        Deprivation(weights=(0.5,) * 6, k=0.5)


def test_an_area_with_nobody_poor_has_zero_poverty():
    rows = table({"income": 300.0, "persons": 3}, {"income": 500.0})
    [row] = engine.measures(Source.arrow(rows), level=6)
    assert (row.p0, row.p1, row.p2, row.watts, row.sen, row.af_h, row.af_a, row.af_m0) == (0,) * 8
    assert row.censored == (0.0,) * 6 and row.contributions == (0.0,) * 6
    assert row.gini == pytest.approx(measures.gini([300, 300, 300, 500]))


def test_watts_raises_incomes_below_one_yuan_to_one():
    rows = table({"income": -50.0}, {"income": 0.5}, {"income": 200.0})
    [row] = engine.measures(Source.arrow(rows), level=6)
    assert row.watts == pytest.approx(2 * math.log(125) / 3)
    assert math.isnan(engine.measures(Source.arrow(table({"income": -1.0})), level=6)[0].gini)


def test_parquet_and_arrow_give_the_same_figures(tmp_path):
    pq.write_table(COUNTRY_C, tmp_path / "c.parquet")
    assert engine.measures(Source.parquet(tmp_path / "c.parquet"), level=6) == \
        engine.measures(Source.arrow(COUNTRY_C), level=6)
    expected = [("640323", 2019, 0.5), ("640422", 2019, 0.5)]
    assert engine.headcounts(Source.arrow(COUNTRY_C), level=6) == expected


def test_income_histogram_counts_persons_in_half_open_bins():
    rows = table({"income": -5.0, "persons": 2}, {"income": 0.0}, {"income": 100.0, "persons": 3},
                 {"income": 150.0}, {"income": 1000.0, "persons": 4}, {"income": 99.0, "village": YANCHI})
    bins = engine.income_histogram(Source.arrow(rows), within="640422", year=2019, edges=[0, 100, 150, 1000])
    assert bins == [(0.0, 100.0, 1), (100.0, 150.0, 3), (150.0, 1000.0, 1)]
    open_ended = engine.income_histogram(Source.arrow(rows), within="64", year=2019,
                                         edges=[float("-inf"), 0, float("inf")])
    assert open_ended == [(float("-inf"), 0.0, 2), (0.0, float("inf"), 10)]
    none = engine.income_histogram(Source.arrow(rows), within="64", year=2020, edges=[0, 1])
    assert none == [(0.0, 1.0, 0)]


def test_cause_counts_are_of_the_registered_poor():
    rows = table({"income": 1.0, "poor": True, "main_cause": "illness", "persons": 3},
                 {"income": 1.0, "poor": True, "main_cause": "illness"},
                 {"income": 1.0, "poor": True, "main_cause": "disability", "persons": 5},
                 {"income": 1.0, "poor": True, "persons": 2},
                 {"income": 1.0, "poor": False, "main_cause": "disability"})
    assert engine.cause_counts(Source.arrow(rows), within="6404", year=2019) == [
        ("illness", 2, 4), ("disability", 1, 5), ("", 1, 2)]


def test_the_registered_poor_are_counted_income_or_not_the_measures_only_with_an_income():
    rows = table({"income": 100.0, "poor": True, "persons": 2, "main_cause": "illness"},
                 {"income": None, "poor": True, "persons": 3, "main_cause": "illness"},
                 {"income": None, "persons": 4},
                 {"income": None, "poor": True, "persons": 0},  # nobody registered: in no count
                 {"income": None, "poor": True, "village": YANCHI})  # Yanchi: no income recorded
    [row] = engine.measures(Source.arrow(rows), level=6)  # no AreaYear for Yanchi
    assert (row.area, row.households, row.persons, row.registered_poor_households,
            row.registered_poor_persons) == ("640422", 1, 2, 2, 5)
    assert (row.p0, row.mean_income, row.af_h) == (1.0, 100.0, 0.0)  # income alone: 1/6 < k
    assert engine.registered_poor(Source.arrow(rows), lengths=[2, 6]) == {
        2: {("64", 2019): (3, 6)}, 6: {("640422", 2019): (2, 5), ("640323", 2019): (1, 1)}}
    assert engine.registered_poor(Source.arrow(rows), lengths=[6], within="6403", years=[2020]) == {6: {}}
    assert engine.registered_poor_ids(Source.arrow(rows), within="6404", year=2019).tolist() == [1, 2]
    assert engine.cause_counts(Source.arrow(rows), within="64", year=2019) == [("illness", 2, 5), ("", 1, 1)]
    assert engine.years(Source.arrow(rows)) == [2019]
    assert_paths_agree(rows, levels=(2, 6))


def random_table(seed: int, n: int, *, fen: bool = True) -> pa.Table:
    rng = np.random.default_rng(seed)
    villages = [f"64{rng.integers(1, 3):02d}22{rng.integers(100, 102)}{rng.integers(201, 204)}"
                for _ in range(n)]
    persons = rng.integers(0, 7, n)
    income = rng.lognormal(8.2, 0.8, n) - 300
    return pa.table({
        "household_id": np.arange(n), "village": villages,
        "year": rng.choice([2019, 2020], n).astype(np.int16), "persons": persons.astype(np.int16),
        # Nobody registered, or (one household in eight) no income recorded: no per-person income.
        "income": pa.array(np.round(income, 2) if fen else income,
                           mask=(persons == 0) | (rng.random(n) < 1 / 8)),
        "line": rng.choice([3747.0, 4000.0], n), "poor": rng.random(n) < 0.3,
        **{name: pa.array(rng.random(n) > 0.1, mask=rng.random(n) < 0.1) for name in CONDITIONS},
        "main_cause": pa.nulls(n, pa.string())}, schema=SCHEMA)


def assert_paths_agree(rows: pa.Table, levels=(2, 6, 12)) -> None:
    for level in levels:
        for weighting in ("persons", "households"):
            ours = engine.measures(Source.arrow(rows), level=level, weighting=weighting)
            theirs = pure.measures(rows, level=level, weighting=weighting)
            assert [(row.area, row.year) for row in ours] == [(row.area, row.year) for row in theirs]
            for mine, other in zip(ours, theirs, strict=True):
                assert_close(mine, other)


def test_engine_equals_the_pure_path_on_a_random_table_with_lines_varying_in_a_group(monkeypatch):
    # Batches of 97 rows: most groups run across batches, so the running weights carry over.
    monkeypatch.setattr(engine_gini, "BATCH_ROWS", 97)
    calls, sorted_sums = [], engine_gini.gini_sums
    monkeypatch.setattr(engine_gini, "gini_sums", lambda *args: calls.append(1) or sorted_sums(*args))
    assert_paths_agree(random_table(7, 3000))
    assert len(calls) == 6  # the sorted path, not the window


def test_incomes_not_in_whole_fen_take_the_window_and_agree(monkeypatch):
    taken = []
    monkeypatch.setattr(engine_gini, "gini_sums", lambda *args: taken.append(args))
    assert_paths_agree(random_table(8, 1500, fen=False), levels=(6,))
    assert taken == []
    assert not engine_gini.applies(10, fen_exact=True, top=4e8) and engine_gini.applies(10, True, 3e8)


def assert_close(mine: engine.AreaYear, other: engine.AreaYear) -> None:
    """Every field equal: counts exactly, figures to 1e-9 (relative for the mean income)."""
    for name in engine.AreaYear.__dataclass_fields__:
        a, b = getattr(mine, name), getattr(other, name)
        if isinstance(a, tuple):
            assert a == pytest.approx(b, abs=1e-9), (mine.area, mine.year, name)
        elif isinstance(a, float):
            assert (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), \
                (mine.area, mine.year, name, a, b)
        else:
            assert a == b, (mine.area, mine.year, name)

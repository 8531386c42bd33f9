"""Both analytics paths on a demo region: the registry read as Arrow (frame.registry_table) and the same
rows as a Parquet file give, in DuckDB (engine.measures), the figures analytics.measures gives group by
group (pure.measures), at prefecture, county and township level, every year, every field to 1e-9; the
registered poor the rows hold are identification.incidence's, county by county and year by year."""

import pyarrow.parquet as pq
import pytest

from jingzhun.analytics import engine, frame, pure
from jingzhun.areas.loader import load_ningxia
from jingzhun.areas.models import Area, Level
from jingzhun.demo.generate import generate_region
from jingzhun.demo.years import run_years
from jingzhun.identification import incidence
from tests.analytics.test_engine import assert_close

HOUSEHOLDS = 300
SEED = 7


@pytest.fixture
def registry(db):
    if not Area.objects.filter(level=Level.VILLAGE).exists():
        load_ningxia()
    summary = generate_region(households=HOUSEHOLDS, seed=SEED)
    run_years(summary.fates, seed=SEED, showcase=summary.cadre_village)
    return frame.registry_table()


def test_the_demo_registry_has_years_people_the_poor_and_conditions(registry):
    years = set(registry["year"].to_pylist())
    assert len(years) >= 5 and registry.num_rows > HOUSEHOLDS
    assert registry["persons"].to_numpy().min() >= 0 and registry["poor"].to_numpy(zero_copy_only=False).any()
    assert registry["food"].null_count < registry.num_rows


@pytest.mark.parametrize("level", [4, 6, 9])
def test_duckdb_over_arrow_and_over_parquet_equals_the_measures_module(registry, tmp_path, level):
    path = tmp_path / "registry.parquet"
    pq.write_table(registry, path)
    expected = pure.measures(registry, level=level)
    assert expected and {row.year for row in expected} == set(registry["year"].to_pylist())
    for source in (engine.Source.arrow(registry), engine.Source.parquet(path)):
        found = engine.measures(source, level=level)
        assert [(row.area, row.year) for row in found] == [(row.area, row.year) for row in expected]
        for ours, theirs in zip(found, expected, strict=True):
            assert_close(ours, theirs)


def test_the_registered_poor_in_the_rows_are_identification_incidences(registry):
    years = sorted(set(registry["year"].to_pylist()))
    found = engine.registered_poor(engine.Source.arrow(registry), lengths=[6])[6]
    poor = incidence.poor_households("64", years)
    expected = {}
    for year, households in poor.items():
        for village, persons in households.values():
            if persons:
                before = expected.get((village[:6], year), (0, 0))
                expected[(village[:6], year)] = (before[0] + 1, before[1] + persons)
    assert found == expected and len({year for _code, year in found}) >= 5
    persons = {key: value for key, value in incidence.tally("64", years, 6).items() if value.poor}
    assert {key: value[1] for key, value in found.items()} == {key: value.poor
                                                              for key, value in persons.items()}

"""The third-party sample: reproducible from its seed, stratified, of the sizes policy asks."""

import random

import pytest

from jingzhun.identification import sampling
from jingzhun.identification.sampling import EXITED, OTHER_VILLAGE, POOR, POOR_VILLAGE, allocate, draw


def _frame(villages=40, poor_every=4, households=30):
    codes = [f"6404221{n:05d}" for n in range(villages)]
    vs = [(code, i % poor_every == 0) for i, code in enumerate(codes)]
    hs = [(i * 1000 + j, code, EXITED if j % 3 else POOR) for i, code in enumerate(codes)
          for j in range(households)]
    return vs, hs


def test_largest_remainder_allocation():
    assert allocate({"a": 10, "b": 30}, 10) == {"a": 3, "b": 7}  # 2.5 and 7.5: tie to the first named
    assert allocate({"a": 1, "b": 99}, 10) == {"a": 1, "b": 9}  # at least one from each non-empty
    assert allocate({"a": 0, "b": 5}, 10) == {"a": 0, "b": 5}  # never more than a stratum holds
    assert sum(allocate({"a": 7, "b": 13, "c": 1}, 10).values()) == 10
    assert allocate({"a": 0, "b": 0}, 10) == {"a": 0, "b": 0}


def test_allocation_ties_go_to_the_first_named():
    assert allocate({"a": 3, "b": 3, "c": 4}, 5) == {"a": 2, "b": 1, "c": 2}


def test_same_seed_same_sample_whatever_the_input_order():
    villages, households = _frame()
    first = draw(villages, households, seed=2019, village_count=10, households_per_village=10)
    shuffled_v, shuffled_h = villages[:], households[:]
    random.Random(7).shuffle(shuffled_v)
    random.Random(8).shuffle(shuffled_h)
    again = draw(shuffled_v, shuffled_h, seed=2019, village_count=10, households_per_village=10)
    assert again == first


def test_another_seed_draws_another_sample():
    villages, households = _frame()
    one = draw(villages, households, seed=1, village_count=10, households_per_village=10)
    other = draw(villages, households, seed=2, village_count=10, households_per_village=10)
    assert one.villages != other.villages


def test_villages_and_households_are_drawn_in_proportion_within_strata():
    villages, households = _frame()
    drawn = draw(villages, households, seed=5, village_count=10, households_per_village=9)
    assert drawn.strata["villages"] == {POOR_VILLAGE: [10, 3], OTHER_VILLAGE: [30, 7]}  # 2.5→3, 7.5→7
    assert len(drawn.villages) == 10
    poor = {code for code, is_poor in villages if is_poor}
    assert all((stratum == POOR_VILLAGE) == (code in poor) for code, stratum in drawn.villages)
    per_village = {}
    for _pk, code, stratum in drawn.households:
        per_village.setdefault(code, []).append(stratum)
    assert set(per_village) == {code for code, _s in drawn.villages}
    # 20 exited and 10 poor per village: 6 and 3 of 9.
    assert all(s.count(EXITED) == 6 and s.count(POOR) == 3 for s in per_village.values())
    assert drawn.strata["households"] == {EXITED: [200, 60], POOR: [100, 30]}
    frame = {pk: (code, stratum) for pk, code, stratum in households}
    assert all(frame[pk] == (code, stratum) for pk, code, stratum in drawn.households)


@pytest.mark.parametrize("count", [0, 1, 100])
def test_small_and_large_requests(count):
    villages, households = _frame(villages=6, poor_every=3)
    drawn = draw(villages, households, seed=3, village_count=count, households_per_village=1)
    # At least one village of each stratum, never more villages than there are.
    assert 2 <= len(drawn.villages) <= 6
    assert {s for _c, s in drawn.villages} == {POOR_VILLAGE, OTHER_VILLAGE}


def test_villages_without_households_of_a_stratum_give_none_of_it():
    villages = [("640422100201", True)]
    households = [(1, "640422100201", EXITED), (2, "640422100201", EXITED), (3, "640422100999", POOR)]
    drawn = sampling.draw(villages, households, seed=1, village_count=10, households_per_village=10)
    assert drawn.households == [(1, "640422100201", EXITED), (2, "640422100201", EXITED)]

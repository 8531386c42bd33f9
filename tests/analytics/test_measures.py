"""The measures reproduce every published figure in shared/domain/measures-examples.md, weights mean
row repetition, and bad input is refused."""

import math

import numpy as np
import pytest

from jingzhun.analytics.measures import (
    af_decomposition,
    alkire_foster,
    fgt,
    gini,
    headcount,
    poverty_gap,
    sen,
    squared_gap,
    watts,
)

# The doc gives most figures to 7 decimals; abs=5e-8 is half a unit in the last place shown.
EXACT = 5e-8

COUNTRY_C = (100, 110, 150, 160)
LINE = 125

TABLE_6_3 = (10, 15, 20, 25, 40, 20, 30, 35, 45, 90)

AF_X = ((13.1, 14, 4, 1), (15.2, 7, 5, 0), (12.5, 10, 1, 0), (20, 11, 3, 1))
AF_CUTOFFS = (13, 12, 3, 1)
AF_WEIGHTS = (0.25, 0.25, 0.25, 0.25)


def test_country_c_fgt_family():
    assert headcount(COUNTRY_C, LINE) == pytest.approx(0.5, abs=EXACT)
    assert poverty_gap(COUNTRY_C, LINE) == pytest.approx(0.08, abs=EXACT)
    assert squared_gap(COUNTRY_C, LINE) == pytest.approx(0.0136, abs=EXACT)
    assert fgt(COUNTRY_C, LINE, 0.5) == pytest.approx(0.1984059, abs=EXACT)
    assert fgt(COUNTRY_C, LINE, 1.5) == pytest.approx(0.0327530, abs=EXACT)


def test_country_c_watts_and_sen():
    assert watts(COUNTRY_C, LINE) == pytest.approx(0.0877442307, abs=5e-11)
    assert sen(COUNTRY_C, LINE) == pytest.approx(0.09, abs=EXACT)
    # Gp, the Gini among the poor, as the doc states it.
    assert gini((100, 110)) == pytest.approx(0.0238095, abs=EXACT)


def test_countries_a_and_b():
    assert headcount((100, 100, 150, 150), LINE) == pytest.approx(0.5, abs=EXACT)
    assert poverty_gap((100, 100, 150, 150), LINE) == pytest.approx(0.1, abs=EXACT)
    assert headcount((124, 124, 150, 150), LINE) == pytest.approx(0.5, abs=EXACT)
    assert poverty_gap((124, 124, 150, 150), LINE) == pytest.approx(0.004, abs=EXACT)


def test_poor_means_strictly_below_the_line():
    assert headcount((125, 125, 150), LINE) == 0.0
    assert headcount((124.99, 125, 150), LINE) == pytest.approx(1 / 3)


def test_gini_handbook_table_6_3():
    assert gini(TABLE_6_3) == pytest.approx(0.3272727, abs=EXACT)


def test_line_per_row():
    # Two provinces with different lines: 100 is poor under 125 but not under 90.
    y = (100, 100, 150)
    assert headcount(y, (125, 90, 125)) == pytest.approx(1 / 3)
    assert poverty_gap(y, np.array([125, 90, 125])) == pytest.approx(0.2 / 3)


@pytest.mark.parametrize(
    ("k", "h", "a", "m0"),
    [(1, 0.75, 0.583333, 0.4375), (2, 0.5, 0.75, 0.375), (3, 0.25, 1, 0.25), (4, 0.25, 1, 0.25)],
)
def test_alkire_foster_headline_by_k(k, h, a, m0):
    # The doc counts k in indicators of 4 equally weighted ones; the API takes it as a share.
    result = alkire_foster(AF_X, AF_CUTOFFS, AF_WEIGHTS, k / 4)
    assert result.h == pytest.approx(h, abs=5e-7)
    assert result.a == pytest.approx(a, abs=5e-7)
    assert result.m0 == pytest.approx(m0, abs=5e-7)
    assert result.m0 == pytest.approx(result.h * result.a)


def test_alkire_foster_k2_partial_indices():
    result = alkire_foster(AF_X, AF_CUTOFFS, AF_WEIGHTS, 0.5)
    assert result.censored == pytest.approx((0.25, 0.5, 0.25, 0.5), abs=EXACT)
    assert result.contributions == pytest.approx((1 / 6, 1 / 3, 1 / 6, 1 / 3), abs=EXACT)
    assert result.m1 == pytest.approx(0.205529, abs=5e-7)
    assert result.m2 == pytest.approx(0.165457, abs=5e-7)
    assert result.poor.tolist() == [False, True, True, False]


def test_alkire_foster_subgroups_and_weighted_average():
    parts = af_decomposition(AF_X, AF_CUTOFFS, AF_WEIGHTS, 0.5, ["first", "first", "second", "second"])
    (first, first_share), (second, second_share) = parts["first"], parts["second"]
    assert first.m0 == pytest.approx(0.25, abs=EXACT)
    assert second.m0 == pytest.approx(0.5, abs=EXACT)
    assert (first_share, second_share) == pytest.approx((0.5, 0.5))
    assert first_share * first.m0 + second_share * second.m0 == pytest.approx(0.375, abs=EXACT)


def test_alkire_foster_nobody_poor():
    result = alkire_foster(AF_X, AF_CUTOFFS, AF_WEIGHTS, 1.0, w=(1, 1, 0, 1))
    assert (result.h, result.a, result.m0, result.m1, result.m2) == (0, 0, 0, 0, 0)
    assert result.contributions == (0, 0, 0, 0)


def test_alkire_foster_float_weights_reach_k():
    # 1/6 * 2 falls a hair short of 1/3 in floats; the tolerance keeps the row poor.
    x = np.array([[0, 0, 1, 1, 1, 1]])
    result = alkire_foster(x, [1] * 6, [1 / 6] * 6, 1 / 3)
    assert result.h == 1.0


# Integer weights equal repeating rows.
REPEAT = np.array([2, 1, 3, 1])


def test_integer_weights_equal_repeated_rows_fgt_watts_sen():
    expanded = np.repeat(COUNTRY_C, REPEAT)
    for alpha in (0, 0.5, 1, 1.5, 2):
        assert fgt(COUNTRY_C, LINE, alpha, w=REPEAT) == pytest.approx(fgt(expanded, LINE, alpha))
    assert watts(COUNTRY_C, LINE, w=REPEAT) == pytest.approx(watts(expanded, LINE))
    assert sen(COUNTRY_C, LINE, w=REPEAT) == pytest.approx(sen(expanded, LINE))


def test_integer_weights_equal_repeated_rows_gini():
    w = np.array([2, 1, 1, 3, 1, 1, 2, 1, 1, 4])
    assert gini(TABLE_6_3, w=w) == pytest.approx(gini(np.repeat(TABLE_6_3, w)))


def test_integer_weights_equal_repeated_rows_alkire_foster():
    weighted = alkire_foster(AF_X, AF_CUTOFFS, AF_WEIGHTS, 0.25, w=REPEAT)
    expanded = alkire_foster(np.repeat(AF_X, REPEAT, axis=0), AF_CUTOFFS, AF_WEIGHTS, 0.25)
    for name in ("h", "a", "m0", "m1", "m2"):
        assert getattr(weighted, name) == pytest.approx(getattr(expanded, name))
    assert weighted.censored == pytest.approx(expanded.censored)
    assert weighted.contributions == pytest.approx(expanded.contributions)


def test_household_and_person_weighting_differ():
    # Two households: a poor one of 4 persons at 50 yuan each, a non-poor single person at 200.
    income, size = (50, 200), (4, 1)
    assert headcount(income, 100) == 0.5  # households
    assert headcount(income, 100, w=size) == 0.8  # persons (the policy figure)
    assert poverty_gap(income, 100, w=size) == pytest.approx(0.4)


def test_watts_raises_zero_and_negative_incomes_to_the_floor():
    assert watts((0, 150), 125) == pytest.approx(math.log(125 / 1.0) / 2)
    assert watts((-30, 150), 125) == pytest.approx(math.log(125 / 1.0) / 2)
    assert watts((0, 150), 125, floor=10) == pytest.approx(math.log(125 / 10) / 2)
    # A floor above the line never gives a negative term.
    assert watts((0, 150), 125, floor=500) == 0.0
    with pytest.raises(ValueError, match="floor"):
        watts((0, 150), 125, floor=0)


def test_sen_with_all_poor_at_zero():
    # No inequality among the poor: Sen is the poverty gap, which is the headcount here.
    assert sen((0, 0, 200), 100) == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("w", "message"),
    [
        ((1, 1, 1), "one value per row"),
        ((1, -1, 1, 1), "non-negative"),
        ((1, float("nan"), 1, 1), "finite"),
        ((0, 0, 0, 0), "sum to zero"),
        (((1, 1), (1, 1)), "one value per row"),
    ],
)
def test_bad_weights_refused(w, message):
    for call in (
        lambda: headcount(COUNTRY_C, LINE, w=w),
        lambda: watts(COUNTRY_C, LINE, w=w),
        lambda: gini(COUNTRY_C, w=w),
        lambda: sen(COUNTRY_C, LINE, w=w),
        lambda: alkire_foster(AF_X, AF_CUTOFFS, AF_WEIGHTS, 0.5, w=w),
    ):
        with pytest.raises(ValueError, match=message):
            call()


def test_empty_input_raises():
    for call in (
        lambda: headcount([], LINE),
        lambda: watts([], LINE),
        lambda: gini([]),
        lambda: sen([], LINE),
        lambda: alkire_foster(np.empty((0, 4)), AF_CUTOFFS, AF_WEIGHTS, 0.5),
    ):
        with pytest.raises(ValueError, match="empty"):
            call()


def test_other_bad_input_refused():
    with pytest.raises(ValueError, match="NaN"):
        headcount((100, float("nan")), LINE)
    with pytest.raises(ValueError, match="line"):
        headcount(COUNTRY_C, 0)
    with pytest.raises(ValueError, match="line"):
        headcount(COUNTRY_C, (125, 125))
    with pytest.raises(ValueError, match="alpha"):
        fgt(COUNTRY_C, LINE, -1)
    with pytest.raises(ValueError, match="positive mean"):
        gini((0, 0))
    with pytest.raises(ValueError, match="sum to 1"):
        alkire_foster(AF_X, AF_CUTOFFS, (0.25, 0.25, 0.25, 0.3), 0.5)
    with pytest.raises(ValueError, match="k"):
        alkire_foster(AF_X, AF_CUTOFFS, AF_WEIGHTS, 0)
    with pytest.raises(ValueError, match="one value per indicator"):
        alkire_foster(AF_X, AF_CUTOFFS[:3], AF_WEIGHTS, 0.5)
    with pytest.raises(ValueError, match="NaN"):
        alkire_foster(((1, float("nan"), 1, 1),), AF_CUTOFFS, AF_WEIGHTS, 0.5)
    with pytest.raises(ValueError, match="one label per row"):
        af_decomposition(AF_X, AF_CUTOFFS, AF_WEIGHTS, 0.5, ["a", "b"])
